// SPDX-License-Identifier: GPL-2.0

//! Safe wrappers around the C glue (`container_glue.c`) and the few
//! kernfs, task and credential functions the core calls directly.
//!
//! This is the only module besides the crate root that calls C; every
//! `unsafe` block of the core's logic is here or in the crate root's
//! entry points.

use crate::container::{Container, FileRef};
use kernel::{
    bindings,
    error::{from_err_ptr, to_result},
    ffi::c_char,
    prelude::*,
    seq_file::SeqFile,
    sync::aref::ARef,
    task::Task,
};

/// Longest path the kernel handles, including the terminating NUL.
const PATH_MAX: usize = bindings::PATH_MAX as usize;

pub(crate) fn create_root() -> Result<*mut bindings::kernfs_node> {
    // SAFETY: Called once at boot; the glue stores the root.
    from_err_ptr(unsafe { bindings::container_glue_create_root() })
}

pub(crate) fn register_fs() -> Result {
    // SAFETY: Called once at boot, after the root exists.
    to_result(unsafe { bindings::container_glue_register_fs() })
}

pub(crate) fn add_builtin_files() -> Result {
    // SAFETY: Called once at boot, after the root container exists.
    to_result(unsafe { bindings::container_glue_add_builtin_files() })
}

/// Creates a deactivated directory owned by the caller's fsuid/fsgid.
pub(crate) fn create_dir(
    parent: *mut bindings::kernfs_node,
    name: &CStr,
    mode: u16,
) -> Result<*mut bindings::kernfs_node> {
    // SAFETY: `parent` is a live container directory (the callers hold an
    // active reference or `TREE` with the parent not removed), and `name`
    // is NUL-terminated.
    from_err_ptr(unsafe { bindings::container_glue_create_dir(parent, name.as_char_ptr(), mode) })
}

/// Creates the control file `cf` in `dir`, deactivated.
pub(crate) fn create_file(dir: *mut bindings::kernfs_node, cf: FileRef) -> Result {
    // SAFETY: `dir` is a live container directory (callers hold `TREE`
    // and the container is in the tree), and `cf` is valid forever.
    to_result(unsafe { bindings::container_glue_create_file(dir, cf.as_ptr()) })
}

/// Removes the file `name` from `dir`.
pub(crate) fn remove_file(dir: *mut bindings::kernfs_node, name: *const u8) {
    // SAFETY: `dir` is live as in `create_file()`; `name` is the
    // NUL-terminated name of a registered file.
    unsafe { bindings::kernfs_remove_by_name_ns(dir, name, core::ptr::null()) };
}

/// Makes `kn` and everything below it visible.
pub(crate) fn activate(kn: *mut bindings::kernfs_node) {
    // SAFETY: `kn` is live (callers hold `TREE` with it in the tree).
    unsafe { bindings::kernfs_activate(kn) };
}

/// Removes a node that was never activated.
pub(crate) fn remove(kn: *mut bindings::kernfs_node) {
    // SAFETY: `kn` is live; never activated, so no one holds an active
    // reference that removal would wait for.
    unsafe { bindings::kernfs_remove(kn) };
}

/// Removes a directory from within its own rmdir callback.
pub(crate) fn remove_self(kn: *mut bindings::kernfs_node) {
    // SAFETY: Called from the rmdir callback of `kn`, whose active
    // reference kernfs holds: breaking it lets `kernfs_remove()` drain the
    // other users instead of waiting for this one.
    unsafe {
        bindings::kernfs_break_active_protection(kn);
        bindings::kernfs_remove(kn);
        bindings::kernfs_unbreak_active_protection(kn);
    }
}

pub(crate) fn rename(
    kn: *mut bindings::kernfs_node,
    new_parent: *mut bindings::kernfs_node,
    new_name: &CStr,
) -> Result {
    // SAFETY: Both nodes are held active by kernfs around the callback;
    // the name is NUL-terminated.
    to_result(unsafe {
        bindings::kernfs_rename_ns(kn, new_parent, new_name.as_char_ptr(), core::ptr::null())
    })
}

pub(crate) fn is_dir(kn: *mut bindings::kernfs_node) -> bool {
    // SAFETY: `kn` is held active by kernfs around the callback.
    unsafe { bindings::container_glue_is_dir(kn) }
}

pub(crate) fn parent(kn: *mut bindings::kernfs_node) -> *mut bindings::kernfs_node {
    // SAFETY: `kn` is held active by kernfs around the callback; parents
    // never change in this root (KERNFS_ROOT_INVARIANT_PARENT).
    unsafe { bindings::container_glue_parent(kn) }
}

/// A buffer for [`kernfs_path()`].
pub(crate) fn path_buffer() -> Result<KVec<u8>> {
    Ok(KVec::with_capacity(PATH_MAX, GFP_KERNEL)?)
}

/// Writes the path of `kn` from the root of the filesystem into `buf`,
/// a [`path_buffer()`]. Does not sleep, so it works under RCU.
pub(crate) fn kernfs_path(kn: *mut bindings::kernfs_node, buf: &mut KVec<u8>) -> Result {
    buf.clear();
    if buf.spare_capacity_mut().len() < PATH_MAX {
        return Err(EINVAL);
    }
    // SAFETY: The buffer has room for `PATH_MAX` bytes; `kn` is kept
    // alive by its container, which the caller keeps alive.
    let len = unsafe {
        bindings::kernfs_path_from_node(kn, core::ptr::null_mut(), buf.as_mut_ptr(), PATH_MAX)
    };
    let len = usize::try_from(len).map_err(|_| Error::from_errno(len))?;
    if len >= PATH_MAX {
        return Err(ENAMETOOLONG);
    }
    // SAFETY: kernfs wrote `len` bytes (plus a NUL we leave out).
    unsafe { buf.inc_len(len) };
    Ok(())
}

/// Whether the opener of `file`, and the writer, may set the release
/// agent.
pub(crate) fn may_set_release_agent(file: *mut bindings::file) -> bool {
    // SAFETY: `file` is the open file of the current write.
    unsafe { bindings::container_glue_may_set_release_agent(file) }
}

/// Sets the container fields of a child that `copy_process()` has not
/// made visible yet: no lock is needed, nor initialized.
pub(crate) fn init_child(child: &Task, container: *const Container) {
    // SAFETY: Only the forking task can reach the child at this point.
    unsafe { bindings::container_glue_child_init(child.as_ptr(), container.cast_mut().cast()) };
}

/// The container pointer of a child that is not visible yet.
pub(crate) fn child_container(child: &Task) -> *const Container {
    // SAFETY: As in `init_child()`.
    unsafe { bindings::container_glue_child_container(child.as_ptr()).cast() }
}

/// Per-task operations on the container fields of `task_struct`.
pub(crate) trait TaskExt {
    /// Runs `f` with the task's `alloc_lock` held.
    fn with_task_lock<R>(&self, f: impl FnOnce(&LockedTask<'_>) -> R) -> R;
    fn is_kthread(&self) -> bool;
    fn is_exiting(&self) -> bool;
}

impl TaskExt for Task {
    fn with_task_lock<R>(&self, f: impl FnOnce(&LockedTask<'_>) -> R) -> R {
        // SAFETY: `self` is a live task.
        unsafe { bindings::container_glue_task_lock(self.as_ptr()) };
        let result = f(&LockedTask(self));
        // SAFETY: Locked just above.
        unsafe { bindings::container_glue_task_unlock(self.as_ptr()) };
        result
    }

    fn is_kthread(&self) -> bool {
        // SAFETY: The flags of a live task can be read at any time.
        unsafe { bindings::container_glue_task_flags(self.as_ptr()) & bindings::PF_KTHREAD != 0 }
    }

    fn is_exiting(&self) -> bool {
        // SAFETY: As above.
        unsafe { bindings::container_glue_task_flags(self.as_ptr()) & bindings::PF_EXITING != 0 }
    }
}

/// A task whose `alloc_lock` is held: its container fields may be used.
pub(crate) struct LockedTask<'a>(&'a Task);

impl LockedTask<'_> {
    /// The raw container pointer; each task holds a reference on it,
    /// except after `container_exit()`, when it points at the root.
    pub(crate) fn container(&self) -> *const Container {
        // SAFETY: The task lock is held (the type invariant).
        unsafe { bindings::container_glue_task_container(self.0.as_ptr()).cast() }
    }

    /// Publishes a new container pointer for RCU readers.
    pub(crate) fn set_container(&self, container: *const Container) {
        // SAFETY: The task lock is held; the pointer is a container kept
        // alive by the reference the caller transfers to the task.
        unsafe {
            bindings::container_glue_task_set_container(
                self.0.as_ptr(),
                container.cast_mut().cast(),
            )
        };
    }

    /// Links the task into `container`'s list, or moves it there.
    ///
    /// The caller must hold the `members` lock of the container(s) whose
    /// list changes.
    pub(crate) fn link(&self, container: &Container) {
        // SAFETY: The task lock and the list's lock are held.
        unsafe { bindings::container_glue_task_link(self.0.as_ptr(), container.task_list()) };
    }

    /// Takes the task off its container's list, if it is on one.
    pub(crate) fn unlink(&self) {
        // SAFETY: The task lock and the list's lock are held.
        unsafe { bindings::container_glue_task_unlink(self.0.as_ptr()) };
    }

    pub(crate) fn is_listed(&self) -> bool {
        // SAFETY: The task lock is held.
        unsafe { bindings::container_glue_task_listed(self.0.as_ptr()) }
    }

    pub(crate) fn is_exiting(&self) -> bool {
        self.0.is_exiting()
    }
}

/// Iterates over the tasks on a container's list. The container's
/// `members` lock must be held for the whole iteration.
pub(crate) struct TaskList<'a> {
    container: &'a Container,
    pos: *mut bindings::task_struct,
}

impl<'a> TaskList<'a> {
    pub(crate) fn new(container: &'a Container) -> Self {
        Self {
            container,
            pos: core::ptr::null_mut(),
        }
    }
}

impl<'a> Iterator for TaskList<'a> {
    type Item = &'a Task;

    fn next(&mut self) -> Option<&'a Task> {
        // SAFETY: The list is initialized and, with `members` held (the
        // type's contract), neither it nor its tasks go away.
        self.pos =
            unsafe { bindings::container_glue_next_task(self.container.task_list(), self.pos) };
        // SAFETY: A listed task is live while the list lock is held;
        // `Task` is a transparent wrapper of `task_struct`.
        (!self.pos.is_null()).then(|| unsafe { &*self.pos.cast::<Task>() })
    }
}

/// The id of `task` in the pid namespace `ns`, 0 if it has none there.
pub(crate) fn pid_in_ns(task: &Task, ns: *mut bindings::pid_namespace) -> i32 {
    // SAFETY: `task` is live and `ns` is a live namespace.
    unsafe { bindings::__task_pid_nr_ns(task.as_ptr(), bindings::pid_type_PIDTYPE_PID, ns) }
}

/// The pid namespace of the current task, for the ids it reads.
pub(crate) fn current_pid_ns() -> *mut bindings::pid_namespace {
    // SAFETY: The current task is live.
    unsafe { bindings::task_active_pid_ns(Task::current_raw()) }
}

/// The thread `pid` of the current pid namespace, or the current thread
/// for 0.
pub(crate) fn find_task(pid: i32) -> Option<ARef<Task>> {
    if pid == 0 {
        return Some(ARef::from(&**kernel::current!()));
    }
    // SAFETY: Takes a reference on the task it returns.
    let task = unsafe { bindings::find_get_task_by_vpid(pid) };
    // SAFETY: `Task` is a transparent wrapper of `task_struct`, and we own
    // the reference just taken.
    core::ptr::NonNull::new(task).map(|task| unsafe { ARef::from_raw(task.cast()) })
}

/// The rule of the `tasks` file: the opener of `file` must have euid 0,
/// or the euid equal to the task's uid or suid.
pub(crate) fn opener_may_move(file: *mut bindings::file, task: &Task) -> bool {
    // SAFETY: `file` is the open file of the current write, and its
    // credentials live as long as it.
    let euid = unsafe { bindings::container_glue_opener_euid(file) };
    if euid == 0 {
        return true;
    }
    let (mut uid, mut suid) = (0, 0);
    // SAFETY: `task` is live; the glue reads its credentials under RCU.
    unsafe { bindings::container_glue_task_uids(task.as_ptr(), &mut uid, &mut suid) };
    euid == uid || euid == suid
}

/// Writes `bytes` to a seq_file as they are.
pub(crate) fn seq_write(sf: &SeqFile, bytes: &[u8]) {
    // `SeqFile` is a transparent wrapper of `struct seq_file`.
    let raw = core::ptr::from_ref(sf)
        .cast_mut()
        .cast::<bindings::seq_file>();
    // SAFETY: `sf` wraps a seq_file used only by this thread during the
    // call, and `bytes` is a valid buffer. seq_file notices an overflow
    // itself and retries with a larger buffer.
    unsafe { bindings::seq_write(raw, bytes.as_ptr().cast(), bytes.len()) };
}

/// Starts `agent` with the argument `path` and the environment of the
/// release agent, without waiting for it.
pub(crate) fn run_release_agent(mut agent: KVec<u8>, mut path: KVec<u8>) -> Result {
    agent.push(0, GFP_KERNEL)?;
    path.push(0, GFP_KERNEL)?;
    let mut argv: [*mut c_char; 3] = [agent.as_mut_ptr(), path.as_mut_ptr(), core::ptr::null_mut()];
    let mut envp: [*mut c_char; 3] = [
        c"HOME=/".as_char_ptr().cast_mut(),
        c"PATH=/sbin:/bin:/usr/sbin:/usr/bin"
            .as_char_ptr()
            .cast_mut(),
        core::ptr::null_mut(),
    ];
    // SAFETY: `argv` and `envp` are NULL-terminated arrays of
    // NUL-terminated strings that outlive the call; with UMH_WAIT_EXEC the
    // helper has copied them once it returns.
    to_result(unsafe {
        bindings::call_usermodehelper(
            agent.as_ptr(),
            argv.as_mut_ptr(),
            envp.as_mut_ptr(),
            bindings::UMH_WAIT_EXEC as i32,
        )
    })
}
