// SPDX-License-Identifier: GPL-2.0

//! Safe wrappers around the C glue (`container_glue.c`) and the few
//! kernfs, task and credential functions the core calls directly.
//!
//! This is the only module besides the crate root that calls C; every
//! `unsafe` block of the core's logic is here or in the crate root's
//! entry points.

use crate::container::{Container, FileRef, MembersGuard, WalkerGuard};
use core::ptr;
use kernel::{
    bindings,
    error::{from_err_ptr, to_result},
    ffi::{c_char, c_void},
    prelude::*,
    seq_file::SeqFile,
    sync::{aref::ARef, rcu},
    task::Task,
};

/// Longest path the kernel handles, including the terminating NUL.
pub(crate) const PATH_MAX: usize = bindings::PATH_MAX as usize;

/// A kernfs node of the container filesystem.
///
/// # Invariants
///
/// The node is live for as long as the `Node` is used: either a
/// container holds a reference on it, or kernfs holds it active around
/// the callback that received it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Node(*mut bindings::kernfs_node);

// SAFETY: kernfs nodes are reference counted and kernfs serializes its
// own state, so a node can be used from any thread.
unsafe impl Send for Node {}
// SAFETY: As above.
unsafe impl Sync for Node {}

impl Node {
    /// # Safety
    ///
    /// `kn` must stay live for as long as the `Node` is used (see the
    /// type invariants).
    pub(crate) unsafe fn new(kn: *mut bindings::kernfs_node) -> Self {
        Self(kn)
    }

    /// The parent directory; parents never change in this filesystem
    /// (KERNFS_ROOT_INVARIANT_PARENT).
    pub(crate) fn parent(self) -> Node {
        // SAFETY: The node is live (type invariant).
        let parent = unsafe { bindings::container_glue_parent(self.0) };
        // INVARIANT: A live node keeps its parent live.
        Node(parent)
    }

    pub(crate) fn is_dir(self) -> bool {
        // SAFETY: The node is live (type invariant).
        unsafe { bindings::container_glue_is_dir(self.0) }
    }

    /// The `priv` pointer kernfs keeps for us.
    pub(crate) fn private(self) -> *mut c_void {
        // SAFETY: The node is live (type invariant); `priv` is written
        // only before the node is activated.
        unsafe { (*self.0).priv_ }
    }

    /// Sets `priv`, before the node is activated.
    pub(crate) fn set_private(self, private: *mut c_void) {
        // SAFETY: The node is live (type invariant), and not yet visible
        // to anyone who could read `priv` concurrently.
        unsafe { (*self.0).priv_ = private };
    }

    /// Takes a reference on the node.
    pub(crate) fn get(self) {
        // SAFETY: The node is live (type invariant).
        unsafe { bindings::kernfs_get(self.0) };
    }

    /// Gives back a reference taken with [`Node::get()`].
    ///
    /// # Safety
    ///
    /// The caller owns such a reference and does not use the node after.
    pub(crate) unsafe fn put(self) {
        // SAFETY: The caller's guarantee.
        unsafe { bindings::kernfs_put(self.0) };
    }

    /// Creates a deactivated directory in this one, owned by the caller's
    /// fsuid/fsgid.
    pub(crate) fn create_dir(self, name: &CStr, mode: u16) -> Result<Node> {
        // SAFETY: The node is live (type invariant); `name` is
        // NUL-terminated.
        let kn = from_err_ptr(unsafe {
            bindings::container_glue_create_dir(self.0, name.as_char_ptr(), mode)
        })?;
        // INVARIANT: A new node is live until removed and put.
        Ok(Node(kn))
    }

    /// Tells watchers of this file that its content changed: sets its
    /// mtime, then wakes poll and inotify. May sleep.
    pub(crate) fn announce_change(self) {
        // SAFETY: The node is live (type invariant), and a file.
        unsafe { bindings::container_glue_file_changed(self.0) };
    }

    /// Creates the control file `cf`, deactivated, in this directory.
    pub(crate) fn create_file(self, cf: FileRef) -> Result {
        // SAFETY: The node is live (type invariant), and `cf` is valid
        // forever.
        to_result(unsafe { bindings::container_glue_create_file(self.0, cf.as_ptr()) })
    }

    /// The file `name` of this directory, with a reference the caller
    /// gives back with [`Node::put()`]; `None` if there is none.
    pub(crate) fn find_and_get(self, name: &CStr) -> Option<Node> {
        // SAFETY: The node is live (type invariant); `name` is
        // NUL-terminated.
        let kn =
            unsafe { bindings::kernfs_find_and_get_ns(self.0, name.as_char_ptr(), ptr::null()) };
        // INVARIANT: The reference taken keeps the node live.
        (!kn.is_null()).then_some(Node(kn))
    }

    /// Removes this node and waits until nobody uses it: from then on
    /// kernfs calls none of its operations, and open files of it answer
    /// `ENODEV`. A node already removed stays removed.
    ///
    /// # Safety
    ///
    /// The caller holds no active reference on the node, nor on any
    /// node below it, nor a lock that a user of the node may wait for.
    pub(crate) unsafe fn remove_and_drain(self) {
        // SAFETY: The node is live (type invariant); see above.
        unsafe { bindings::kernfs_remove(self.0) };
    }

    /// The node's id, which kernfs never gives to another node of this
    /// filesystem during this boot; it is also its inode number.
    pub(crate) fn id(self) -> u64 {
        // SAFETY: The node is live (type invariant), and `id` is set
        // when it is made and never changed.
        unsafe { (*self.0).id }
    }

    /// Removes the file `name` from this directory, if it is there.
    pub(crate) fn remove_file(self, name: &CStr) {
        // SAFETY: The node is live (type invariant); `name` is
        // NUL-terminated.
        unsafe { bindings::kernfs_remove_by_name_ns(self.0, name.as_char_ptr(), ptr::null()) };
    }

    /// Makes the node and everything below it visible.
    pub(crate) fn activate(self) {
        // SAFETY: The node is live (type invariant).
        unsafe { bindings::kernfs_activate(self.0) };
    }

    /// Removes a node that was never activated.
    ///
    /// # Safety
    ///
    /// The node was never activated, so nobody holds an active reference
    /// that the removal would wait for.
    pub(crate) unsafe fn remove_inactive(self) {
        // SAFETY: The node is live (type invariant); see above.
        unsafe { bindings::kernfs_remove(self.0) };
    }

    /// Removes a directory from within its own rmdir callback.
    ///
    /// # Safety
    ///
    /// Called from the rmdir callback of this node, whose active
    /// reference kernfs holds.
    pub(crate) unsafe fn remove_self(self) {
        // SAFETY: Breaking our own active reference lets
        // `kernfs_remove()` drain the other users instead of waiting for
        // this one (the caller's guarantee makes it ours to break).
        unsafe {
            bindings::kernfs_break_active_protection(self.0);
            bindings::kernfs_remove(self.0);
            bindings::kernfs_unbreak_active_protection(self.0);
        }
    }

    pub(crate) fn rename(self, new_parent: Node, new_name: &CStr) -> Result {
        // SAFETY: Both nodes are live (type invariant); the name is
        // NUL-terminated.
        to_result(unsafe {
            bindings::kernfs_rename_ns(self.0, new_parent.0, new_name.as_char_ptr(), ptr::null())
        })
    }

    /// Length of the node's name. Names of container nodes change only
    /// under the tree lock, which the caller holds for a lasting answer.
    pub(crate) fn name_len(self) -> usize {
        // SAFETY: The node is live (type invariant).
        unsafe { bindings::container_glue_name_len(self.0) }
    }

    /// Length of the node's path from the root of the filesystem:
    /// `/a/b` is 4, the root is 0. Names and parents of container nodes
    /// change only under the tree lock, which the caller holds for a
    /// lasting answer.
    pub(crate) fn path_len(self) -> usize {
        // SAFETY: The node is live (type invariant).
        unsafe { bindings::container_glue_path_len(self.0) }
    }

    /// Writes the path of the node from the root of the filesystem, and a
    /// NUL, into `buf`; returns the length of the path. `ENAMETOOLONG` if
    /// they do not fit. Does not sleep.
    pub(crate) fn path_to_slice(self, buf: &mut [u8]) -> Result<usize> {
        // "/" for the root, whose length counts as zero.
        if self.path_len().max(1) >= buf.len() {
            return Err(ENAMETOOLONG);
        }
        // SAFETY: The buffer has `buf.len()` writable bytes, and the node
        // is live (type invariant).
        let len = unsafe {
            bindings::kernfs_path_from_node(self.0, ptr::null_mut(), buf.as_mut_ptr(), buf.len())
        };
        let len = usize::try_from(len).map_err(|_| Error::from_errno(len))?;
        // A rename between the two walks may have made it longer, and
        // kernfs then filled the buffer with the start of it.
        if len >= buf.len() - 1 && self.path_len() > len {
            return Err(ENAMETOOLONG);
        }
        Ok(len)
    }

    /// Writes the path of the node from the root of the filesystem into
    /// `buf`, a [`path_buffer()`]. Does not sleep, so it works under RCU.
    /// A path that does not fit is `ENAMETOOLONG`.
    pub(crate) fn path(self, buf: &mut KVec<u8>) -> Result {
        buf.clear();
        if buf.spare_capacity_mut().len() < PATH_MAX {
            return Err(EINVAL);
        }
        // SAFETY: The buffer has room for `PATH_MAX` bytes, and the node is
        // live (type invariant).
        let len = unsafe {
            bindings::kernfs_path_from_node(self.0, ptr::null_mut(), buf.as_mut_ptr(), PATH_MAX)
        };
        let len = usize::try_from(len).map_err(|_| Error::from_errno(len))?;
        // kernfs truncates silently: a full buffer means the path did not
        // fit.
        if len >= PATH_MAX - 1 {
            return Err(ENAMETOOLONG);
        }
        // SAFETY: kernfs wrote `len` bytes (plus a NUL we leave out).
        unsafe { buf.inc_len(len) };
        Ok(())
    }
}

/// Creates the root of the filesystem, deactivated.
pub(crate) fn create_root() -> Result<Node> {
    // SAFETY: Called once at boot; the glue keeps the root.
    let kn = from_err_ptr(unsafe { bindings::container_glue_create_root() })?;
    // INVARIANT: The root node is never removed.
    Ok(Node(kn))
}

pub(crate) fn register_fs() -> Result {
    // SAFETY: Called once at boot, after the root exists.
    to_result(unsafe { bindings::container_glue_register_fs() })
}

/// The workqueue of the release agents, made by [`register_fs()`].
pub(crate) fn release_queue() -> Option<&'static kernel::workqueue::Queue> {
    // SAFETY: The glue sets the pointer once, at boot, before any release.
    let wq = unsafe { bindings::container_glue_release_wq() };
    // SAFETY: A workqueue made at boot is never destroyed.
    (!wq.is_null()).then(|| unsafe { kernel::workqueue::Queue::from_raw(wq) })
}

/// The workqueue that announces changes of `events`.
pub(crate) fn events_queue() -> &'static kernel::workqueue::Queue {
    // SAFETY: `system_dfl_wq` is made before any initcall and never
    // destroyed.
    unsafe { kernel::workqueue::Queue::from_raw(bindings::system_dfl_wq) }
}

pub(crate) fn add_builtin_files() -> Result {
    // SAFETY: Called once at boot, after the root container exists.
    to_result(unsafe { bindings::container_glue_add_builtin_files() })
}

/// A buffer for [`Node::path()`].
pub(crate) fn path_buffer() -> Result<KVec<u8>> {
    Ok(KVec::with_capacity(PATH_MAX, GFP_KERNEL)?)
}

/// Whether the opener of `file`, and the writer, may set the release
/// agent.
pub(crate) fn may_set_release_agent(file: *mut bindings::file) -> bool {
    // SAFETY: `file` is the open file of the current write.
    unsafe { bindings::container_glue_may_set_release_agent(file) }
}

/// Sets the container fields of a task that nobody else can reach: a
/// child that `copy_process()` has not made visible yet (no lock is
/// needed, nor initialized), or `init_task` at early boot.
///
/// # Safety
///
/// No other task may access `child`'s container fields meanwhile.
pub(crate) unsafe fn init_child(child: &Task, container: *const Container) {
    // SAFETY: The caller's guarantee.
    unsafe { bindings::container_glue_child_init(child.as_ptr(), container.cast_mut().cast()) };
}

/// The container pointer of a child that is not visible yet.
///
/// # Safety
///
/// As for [`init_child()`].
pub(crate) unsafe fn child_container(child: &Task) -> *const Container {
    // SAFETY: The caller's guarantee.
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
        unsafe { bindings::task_lock(self.as_ptr()) };
        let result = f(&LockedTask(self));
        // SAFETY: Locked just above.
        unsafe { bindings::task_unlock(self.as_ptr()) };
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
    /// The raw container pointer, on which the task holds a reference;
    /// NULL once the task has exited (or before `container_init()`).
    pub(crate) fn container(&self) -> *const Container {
        // SAFETY: The task lock is held (the type invariant).
        unsafe { bindings::container_glue_task_container(self.0.as_ptr()).cast() }
    }

    /// Publishes a new container pointer for RCU readers: NULL, or a
    /// container whose reference the caller transfers to the task.
    pub(crate) fn set_container(&self, container: *const Container) {
        // SAFETY: The task lock is held; the pointer is NULL or a container
        // kept alive by the reference the caller transfers to the task.
        unsafe {
            bindings::container_glue_task_set_container(
                self.0.as_ptr(),
                container.cast_mut().cast(),
            )
        };
    }

    /// Links the task at the end of `container`'s list. The task must not
    /// be on a list; `members` is the guard of `container`'s lock.
    pub(crate) fn link(&self, container: &Container, _members: &MembersGuard<'_>) {
        // SAFETY: The task lock and the list's lock (`members`) are held.
        unsafe { bindings::container_glue_task_link(self.0.as_ptr(), container.task_list()) };
    }

    /// Takes the task off its container's list, if it is on one;
    /// `members` is the guard of that container's lock.
    pub(crate) fn unlink(&self, _members: &MembersGuard<'_>) {
        // SAFETY: The task lock and the list's lock (`members`) are held.
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

/// The walk of a container's task list: its place is the container's
/// cursor node, so the list lock may be dropped between steps.
///
/// # Invariants
///
/// The walker holds the container's walker mutex for as long as the
/// `Walk` lives, so no one else uses the cursor; the cursor is on the
/// container's list until [`Walk::next()`] returned `None`.
pub(crate) struct Walk<'a> {
    container: &'a Container,
}

impl<'a> Walk<'a> {
    /// Puts the cursor at the head of the list. `_walker` proves the
    /// walker mutex is held, `_members` the list lock.
    pub(crate) fn start(
        container: &'a Container,
        _walker: &WalkerGuard<'_>,
        _members: &MembersGuard<'_>,
    ) -> Self {
        // SAFETY: Both locks are held: the list may change and the cursor
        // is ours. The cursor is off every list (a walk always ends).
        unsafe { bindings::container_glue_cursor_start(container.task_list(), container.cursor()) };
        // INVARIANT: The cursor is on the list, and the caller holds the
        // walker mutex for the lifetime of the container borrow.
        Self { container }
    }

    /// The next task of the walk, valid while `_members` is held; `None`
    /// at the end, where the cursor leaves the list.
    pub(crate) fn next<'g>(&mut self, _members: &'g MembersGuard<'_>) -> Option<&'g Task> {
        // SAFETY: The list lock is held and the cursor is on the list
        // (type invariant).
        let task = unsafe {
            bindings::container_glue_cursor_next(
                self.container.task_list(),
                self.container.cursor(),
            )
        };
        // SAFETY: A listed task is live while the list lock is held;
        // `Task` is a transparent wrapper of `task_struct`.
        (!task.is_null()).then(|| unsafe { &*task.cast::<Task>() })
    }
}

/// Lets the scheduler run something else, between two holds of a lock.
pub(crate) fn cond_resched() {
    // SAFETY: Called with no spinlock held.
    unsafe { bindings::cond_resched() };
}

/// A counted reference on a pid namespace.
///
/// # Invariants
///
/// The pointer is a live pid namespace on which we hold a reference.
pub(crate) struct PidNs(*mut bindings::pid_namespace);

// SAFETY: Pid namespace references may be taken and given back from any
// thread.
unsafe impl Send for PidNs {}

impl PidNs {
    /// The pid namespace of the current task.
    pub(crate) fn current() -> Self {
        // SAFETY: The current task's active pid namespace is live, and we
        // take a reference on it.
        let ns = unsafe { bindings::get_pid_ns(current_pid_ns()) };
        // INVARIANT: Referenced just above.
        Self(ns)
    }

    /// Whether this is the pid namespace of the current task.
    pub(crate) fn is_current(&self) -> bool {
        core::ptr::eq(self.0, current_pid_ns())
    }

    pub(crate) fn as_ptr(&self) -> *mut bindings::pid_namespace {
        self.0
    }
}

impl Drop for PidNs {
    fn drop(&mut self) {
        // SAFETY: We own this reference (type invariant).
        unsafe { bindings::put_pid_ns(self.0) };
    }
}

/// A pid number of a walk of the root container's tasks.
pub(crate) struct PidFound {
    /// The number, in the namespace of the walk.
    pub(crate) nr: i32,
    /// Whether its task is in the root container and not exiting.
    pub(crate) in_root: bool,
}

/// The lowest pid number at or above `nr` in `ns`, if any, and whether
/// its task is a live task of the root container. `_rcu` proves the RCU
/// read-side section that the pid and task lookups need.
pub(crate) fn next_pid(ns: &PidNs, nr: i32, _rcu: &rcu::Guard) -> Option<PidFound> {
    let mut in_root = false;
    // SAFETY: `ns` is live (type invariant of `PidNs`) and the RCU read
    // lock is held.
    let nr = unsafe { bindings::container_glue_next_pid(ns.as_ptr(), nr, &mut in_root) };
    (nr >= 0).then_some(PidFound { nr, in_root })
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

/// The euid of the opener of `file`, as the initial user namespace
/// sees it.
pub(crate) fn opener_euid(file: *mut bindings::file) -> u32 {
    // SAFETY: `file` is the open file of the current write, and its
    // credentials live as long as it.
    unsafe { bindings::container_glue_opener_euid(file) }
}

/// The rule of the `tasks` file, which `kill` follows too: `euid` must
/// be 0, or equal to the task's uid or suid.
pub(crate) fn may_move(euid: u32, task: &Task) -> bool {
    if euid == 0 {
        return true;
    }
    let (mut uid, mut suid) = (0, 0);
    // SAFETY: `task` is live; the glue reads its credentials under RCU.
    unsafe { bindings::container_glue_task_uids(task.as_ptr(), &mut uid, &mut suid) };
    euid == uid || euid == suid
}

/// Whether the opener of `file` may move `task` through `tasks`.
pub(crate) fn opener_may_move(file: *mut bindings::file, task: &Task) -> bool {
    may_move(opener_euid(file), task)
}

/// Sends SIGKILL to `task` (which kills its whole process), unless it
/// is a kernel thread or has one pending already.
pub(crate) fn send_sigkill(task: &Task) {
    // SAFETY: `task` is live.
    unsafe { bindings::container_glue_send_sigkill(task.as_ptr()) };
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

/// Runs `agent` with the argument `path` and the environment of the
/// release agent, and waits (killably) until it exits: the caller's
/// workqueue bounds how many agents run at once.
pub(crate) fn run_release_agent(mut agent: KVec<u8>, mut path: KVec<u8>) -> Result {
    agent.push(0, GFP_KERNEL)?;
    path.push(0, GFP_KERNEL)?;
    let mut argv: [*mut c_char; 3] = [agent.as_mut_ptr(), path.as_mut_ptr(), ptr::null_mut()];
    let mut envp: [*mut c_char; 3] = [
        c"HOME=/".as_char_ptr().cast_mut(),
        c"PATH=/sbin:/bin:/usr/sbin:/usr/bin"
            .as_char_ptr()
            .cast_mut(),
        ptr::null_mut(),
    ];
    // SAFETY: `argv` and `envp` are NULL-terminated arrays of
    // NUL-terminated strings that outlive the call, which returns once the
    // helper has exited.
    to_result(unsafe {
        bindings::call_usermodehelper(
            agent.as_ptr(),
            argv.as_mut_ptr(),
            envp.as_mut_ptr(),
            (bindings::UMH_WAIT_PROC | bindings::UMH_KILLABLE) as i32,
        )
    })
}
