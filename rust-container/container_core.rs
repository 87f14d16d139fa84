// SPDX-License-Identifier: GPL-2.0

//! Process containers: the generic task-grouping core.
//!
//! Every task of the system belongs to exactly one container, and the
//! containers form a single tree whose root holds every task at boot. The
//! tree is managed through the `container` filesystem (kernfs).
//!
//! This file holds the entry points that C calls: the hooks of
//! `include/linux/process_container.h` and the callbacks of the kernfs tables in
//! `container_glue.c`. Each turns its raw arguments into references and
//! calls the safe logic of the modules:
//!
//! - [`container`]: the tree, mkdir, rmdir, rename, control-file registry;
//! - [`membership`]: fork, exit, attach and the task lists;
//! - [`files`]: the built-in control files;
//! - [`events`]: `populated` and `emptied`, and their announcements;
//! - [`kill`]: killing a subtree;
//! - [`task_ids`]: reading `tasks` in bounded batches;
//! - [`release`]: the release agent;
//! - [`input`]: parsing of what user space writes;
//! - [`glue`]: safe wrappers around the C side.

use kernel::{
    bindings,
    error::from_result,
    ffi::{c_char, c_int, c_void},
    prelude::*,
    seq_file::{seq_print, SeqFile},
    sync::{rcu, ArcBorrow},
    task::Task,
    types::ForeignOwnable,
};

mod container;
mod events;
mod files;
mod glue;
mod input;
mod kill;
mod membership;
mod release;
mod task_ids;

/// The C compiler's offsets of the C fields the core reads directly.
mod c_layout {
    include!(concat!(env!("OBJTREE"), "/kernel/container/c_layout.rs"));
}

// bindgen lays C structures out with clang, the kernel may be built with
// another compiler and other flags: every field the core touches through
// a raw pointer must sit where the C compiler put it, or the build fails.
const _: () = {
    use core::mem::{offset_of, size_of};
    use kernel::bindings::{kernfs_node, kernfs_open_file};
    assert!(offset_of!(kernfs_open_file, kn) == c_layout::KERNFS_OPEN_FILE_KN);
    assert!(offset_of!(kernfs_open_file, file) == c_layout::KERNFS_OPEN_FILE_FILE);
    assert!(offset_of!(kernfs_open_file, priv_) == c_layout::KERNFS_OPEN_FILE_PRIV);
    assert!(size_of::<kernfs_open_file>() == c_layout::KERNFS_OPEN_FILE_SIZE);
    assert!(offset_of!(kernfs_node, id) == c_layout::KERNFS_NODE_ID);
    assert!(offset_of!(kernfs_node, priv_) == c_layout::KERNFS_NODE_PRIV);
    assert!(size_of::<kernfs_node>() == c_layout::KERNFS_NODE_SIZE);
};

use container::{Container, FileRef};
use glue::Node;

/// Prefix of this crate's kernel log messages.
const __LOG_PREFIX: &[u8] = b"containers\0";

/// # Safety
///
/// `task` must point to a live task for `'a`.
unsafe fn task<'a>(task: *mut bindings::task_struct) -> &'a Task {
    // SAFETY: `Task` is a transparent wrapper of `task_struct`; the
    // caller guarantees it is live.
    unsafe { &*task.cast::<Task>() }
}

/// # Safety
///
/// `cont` must be a container that stays alive for `'a`.
unsafe fn borrow_container<'a>(cont: *mut bindings::container) -> ArcBorrow<'a, Container> {
    // SAFETY: Containers are handed to C as `Arc::as_ptr()` and kept alive
    // by the caller.
    unsafe { ArcBorrow::from_raw(cont.cast::<Container>()) }
}

/// Early boot hook, before the allocator works: gives `init_task` an
/// empty membership, so that it is consistent if anything looks.
///
/// # Safety
///
/// Called once, by `start_kernel()`, with only the boot task running.
#[export]
pub unsafe extern "C" fn container_init_early() -> c_int {
    // SAFETY: `init_task` is live forever, and alone at this point.
    unsafe { glue::init_child(task(&raw mut bindings::init_task), core::ptr::null()) };
    0
}

/// Boot hook: creates the root container and registers the filesystem.
/// Runs before the first fork; `init_task`, with its NULL pointer, is
/// already in the root, as every task forked from it will be.
///
/// # Safety
///
/// Called once, by `start_kernel()`, with only the boot task running.
#[export]
pub unsafe extern "C" fn container_init() -> c_int {
    let result = container::init();
    match result {
        Ok(()) => 0,
        Err(e) => {
            // Tasks then stay outside any container and the filesystem may
            // be missing; nothing else breaks.
            pr_err!(
                "initialization failed ({:?}); containers are unavailable\n",
                e
            );
            e.to_errno()
        }
    }
}

/// The part of `container_fork()` for a parent outside the root.
///
/// # Safety
///
/// Called by `copy_process()` in the parent, for a child not yet visible.
#[export]
pub unsafe extern "C" fn container_core_fork(child: *mut bindings::task_struct) {
    // SAFETY: Both tasks are live during `copy_process()`.
    let (parent, child) = unsafe { (task(Task::current_raw()), task(child)) };
    membership::fork(parent, child);
}

/// The part of `container_post_fork()` for a child outside the root.
///
/// # Safety
///
/// Called by `copy_process()` once the child is visible.
#[export]
pub unsafe extern "C" fn container_core_post_fork(child: *mut bindings::task_struct) {
    // SAFETY: The child is live during `copy_process()`.
    membership::post_fork(unsafe { task(child) });
}

/// The part of `container_cancel_fork()` for a child outside the root.
///
/// # Safety
///
/// Called by `copy_process()` when a fork fails after `container_fork()`.
#[export]
pub unsafe extern "C" fn container_core_cancel_fork(child: *mut bindings::task_struct) {
    // SAFETY: The child is live until `copy_process()` frees it.
    membership::cancel_fork(unsafe { task(child) });
}

/// The part of `container_exit()` for a task outside the root.
///
/// # Safety
///
/// Called by `do_exit()` for the exiting, current task.
#[export]
pub unsafe extern "C" fn container_core_exit(exiting: *mut bindings::task_struct) {
    // SAFETY: The exiting task is live.
    membership::exit(unsafe { task(exiting) });
}

/// `/proc/<pid>/container` and `/proc/<pid>/task/<tid>/container`: the
/// path of the task's container from the root, and a newline.
///
/// # Safety
///
/// Called by procfs with `m` used by no one else during the call and
/// `tsk` a live task.
#[export]
pub unsafe extern "C" fn proc_container_show(
    m: *mut bindings::seq_file,
    _ns: *mut bindings::pid_namespace,
    _pid: *mut bindings::pid,
    tsk: *mut bindings::task_struct,
) -> c_int {
    from_result(|| {
        let mut path = glue::path_buffer()?;
        {
            let _rcu = rcu::read_lock();
            // SAFETY: Under RCU: a container is freed only after a grace
            // period that follows the last task moving away from it.
            let cont = unsafe { bindings::container_glue_task_container(tsk) };
            let cont = if cont.is_null() {
                container::root().map(|r| &**r).ok_or(ENODEV)?
            } else {
                // SAFETY: As above.
                unsafe { &*cont.cast::<Container>() }
            };
            cont.path(&mut path)?;
        }
        // SAFETY: procfs hands us the seq_file for this call only.
        let sf = unsafe { SeqFile::from_raw(m) };
        glue::seq_write(sf, &path);
        glue::seq_write(sf, b"\n");
        Ok(0)
    })
}

/// `container_add_file()`: adds the control file `cf` to every container,
/// present and future. The glue's `container_add_file()` calls it and
/// exports the symbol to modules.
///
/// # Safety
///
/// `cf` must stay valid and unchanged until `container_remove_file(cf)`
/// has returned, and so must the string its `name` points to.
#[export]
pub unsafe extern "C" fn container_core_add_file(cf: *const bindings::container_file) -> c_int {
    if cf.is_null() {
        return EINVAL.to_errno();
    }
    // SAFETY: The caller's guarantee.
    let cf = unsafe { FileRef::new(cf) };
    from_result(|| container::add_file(cf).map(|()| 0))
}

/// `container_remove_file()`: removes a file added by
/// `container_add_file()` from every container and waits until none of
/// its callbacks runs. Called by the glue's exported wrapper.
///
/// # Safety
///
/// Not called from a callback of a control file, nor with a lock held
/// that such a callback may take.
#[export]
pub unsafe extern "C" fn container_core_remove_file(cf: *const bindings::container_file) -> c_int {
    // Only compared with the registered files, never dereferenced unless
    // it is one of them.
    from_result(|| container::remove_file(cf).map(|()| 0))
}

/// `container_id()`: the id of a container, its directory's inode
/// number. Called by the glue's exported wrapper.
///
/// # Safety
///
/// `cont` is a container passed to a control file's callback, during
/// the callback.
#[export]
pub unsafe extern "C" fn container_core_id(cont: *const bindings::container) -> u64 {
    // SAFETY: The caller's guarantee: the dispatcher keeps it alive.
    unsafe { borrow_container(cont.cast_mut()) }.id()
}

/// `container_path()`: writes the path of a container and a NUL into
/// `buf`; returns the length of the path or `-ENAMETOOLONG`. Called by
/// the glue's exported wrapper.
///
/// # Safety
///
/// `cont` as for [`container_core_id()`]; `buf` has `buflen` writable bytes.
#[export]
pub unsafe extern "C" fn container_core_path(
    cont: *const bindings::container,
    buf: *mut c_char,
    buflen: usize,
) -> isize {
    if buf.is_null() || buflen == 0 {
        return ENAMETOOLONG.to_errno() as isize;
    }
    // SAFETY: The caller's guarantees.
    let (cont, buf) = unsafe {
        (
            borrow_container(cont.cast_mut()),
            core::slice::from_raw_parts_mut(buf.cast::<u8>(), buflen),
        )
    };
    match cont.path_to_slice(buf) {
        Ok(len) => len as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// kernfs `mkdir`.
///
/// # Safety
///
/// Called by kernfs with an active reference on `parent` and a
/// NUL-terminated `name`.
#[export]
pub unsafe extern "C" fn container_kf_mkdir(
    parent: *mut bindings::kernfs_node,
    name: *const c_char,
    mode: bindings::umode_t,
) -> c_int {
    // SAFETY: kernfs keeps the directory, hence its container, alive.
    let parent = unsafe { Container::from_kn(Node::new(parent)) };
    // SAFETY: The name is NUL-terminated and lives during the call.
    let name = unsafe { CStr::from_char_ptr(name) };
    from_result(|| container::mkdir(parent, name, mode).map(|()| 0))
}

/// kernfs `rmdir`.
///
/// # Safety
///
/// Called by kernfs with an active reference on `kn`.
#[export]
pub unsafe extern "C" fn container_kf_rmdir(kn: *mut bindings::kernfs_node) -> c_int {
    // SAFETY: kernfs holds `kn` active during its rmdir callback.
    match unsafe { container::rmdir(Node::new(kn)) } {
        Ok(removed) => {
            container::drop_removed(removed);
            0
        }
        Err(e) => e.to_errno(),
    }
}

/// Work function of a removed container's `free_work`, run by the glue
/// a grace period after rmdir.
///
/// # Safety
///
/// `work` was queued by `container::drop_removed()` and runs once.
#[export]
pub unsafe extern "C" fn container_free_rcu_work(work: *mut bindings::rcu_work) {
    // SAFETY: The caller's guarantee.
    unsafe { container::free_after_grace_period(work) };
}

/// kernfs `rename`.
///
/// # Safety
///
/// Called by kernfs with active references on both nodes and a
/// NUL-terminated `new_name`.
#[export]
pub unsafe extern "C" fn container_kf_rename(
    kn: *mut bindings::kernfs_node,
    new_parent: *mut bindings::kernfs_node,
    new_name: *const c_char,
) -> c_int {
    // SAFETY: The name is NUL-terminated and lives during the call.
    let new_name = unsafe { CStr::from_char_ptr(new_name) };
    // SAFETY: kernfs holds both nodes active during the callback.
    let result = unsafe { container::rename(Node::new(kn), Node::new(new_parent), new_name) };
    from_result(|| result.map(|()| 0))
}

/// The control file and container behind an open kernfs file.
///
/// # Safety
///
/// `of` must be an open file of a control file, held active by kernfs.
unsafe fn file_of<'a>(
    of: *mut bindings::kernfs_open_file,
) -> (&'a bindings::container_file, ArcBorrow<'a, Container>) {
    // SAFETY: The file node is active, so it and its parent directory
    // are live, and its `priv` is the registered `container_file`.
    unsafe {
        let kn = Node::new((*of).kn);
        let cf = &*kn.private().cast::<bindings::container_file>();
        (cf, Container::from_kn(kn.parent()))
    }
}

/// kernfs `seq_show` of every control file.
///
/// # Safety
///
/// Called by kernfs for an open control file.
#[export]
pub unsafe extern "C" fn container_kf_seq_show(
    sf: *mut bindings::seq_file,
    _v: *mut c_void,
) -> c_int {
    // SAFETY: kernfs' seq_file private data is the open file.
    let of = unsafe { bindings::container_glue_seq_to_of(sf) };
    // SAFETY: kernfs holds the file active during the call.
    let (cf, cont) = unsafe { file_of(of) };
    if cont.is_removed() {
        return ENODEV.to_errno();
    }
    let Some(show) = cf.show else {
        return EINVAL.to_errno();
    };
    let cont = core::ptr::from_ref::<Container>(&cont).cast_mut().cast();
    // SAFETY: The container stays alive during the call; `show` is the
    // registered callback of this file.
    unsafe { show(cont, sf) }
}

/// kernfs `write` of every control file: applies the file's length limit
/// and dispatches.
///
/// # Safety
///
/// Called by kernfs for an open control file, with `buf` holding `nbytes`
/// bytes and a NUL.
#[export]
pub unsafe extern "C" fn container_kf_write(
    of: *mut bindings::kernfs_open_file,
    buf: *mut c_char,
    nbytes: usize,
    _off: bindings::loff_t,
) -> isize {
    // SAFETY: kernfs holds the file active during the call.
    let (cf, cont) = unsafe { file_of(of) };
    let max = if cf.max_write_len == 0 {
        bindings::PAGE_SIZE
    } else {
        cf.max_write_len
    };
    if nbytes > max {
        return E2BIG.to_errno() as isize;
    }
    if cont.is_removed() {
        return ENODEV.to_errno() as isize;
    }
    let Some(write) = cf.write else {
        return EINVAL.to_errno() as isize;
    };
    let cont = core::ptr::from_ref::<Container>(&cont).cast_mut().cast();
    // SAFETY: As in `container_kf_seq_show()`; `of->file` is the open file.
    match unsafe { write(cont, (*of).file, buf, nbytes) } {
        err if err < 0 => err as isize,
        _ => nbytes as isize,
    }
}

/// Runs one built-in `show` with safe arguments.
///
/// # Safety
///
/// `cont` and `sf` as passed to a `container_file::show` callback.
unsafe fn show_with(
    cont: *mut bindings::container,
    sf: *mut bindings::seq_file,
    f: impl FnOnce(&Container, &SeqFile) -> Result,
) -> c_int {
    // SAFETY: The dispatcher keeps the container alive and hands us the
    // seq_file for this call only.
    let (cont, sf) = unsafe { (borrow_container(cont), SeqFile::from_raw(sf)) };
    from_result(|| f(&cont, sf).map(|()| 0))
}

/// Runs one built-in `write` with safe arguments.
///
/// # Safety
///
/// `cont`, `file`, `buf` and `nbytes` as passed to a
/// `container_file::write` callback.
unsafe fn write_with(
    cont: *mut bindings::container,
    file: *mut bindings::file,
    buf: *mut c_char,
    nbytes: usize,
    f: impl FnOnce(ArcBorrow<'_, Container>, *mut bindings::file, &[u8]) -> Result,
) -> c_int {
    // SAFETY: The dispatcher keeps the container alive; kernfs hands us
    // `nbytes` bytes at `buf` for this call.
    let (cont, buf) = unsafe {
        (
            borrow_container(cont),
            core::slice::from_raw_parts(buf.cast_const(), nbytes),
        )
    };
    from_result(|| f(cont, file, buf).map(|()| 0))
}

/// What an open `tasks` file keeps in `of->priv` between reads.
type TasksState = KBox<task_ids::TasksReader>;

/// The reader state of `of`, made on first use.
///
/// # Safety
///
/// `of` is an open `tasks` file whose `priv` is NULL or a [`TasksState`],
/// and the caller holds `of->mutex` (kernfs does from `seq_start` to
/// `seq_stop`).
unsafe fn tasks_reader<'a>(
    of: *mut bindings::kernfs_open_file,
) -> Result<&'a mut task_ids::TasksReader> {
    // SAFETY: The caller's guarantee.
    let mut priv_ = unsafe { (*of).priv_ };
    if priv_.is_null() {
        let reader = KBox::new(task_ids::TasksReader::new()?, GFP_KERNEL_ACCOUNT)?;
        priv_ = reader.into_foreign();
        // SAFETY: `priv` is ours (the file has no `open` callback), and
        // `of->mutex` serializes us.
        unsafe { (*of).priv_ = priv_ };
    }
    // SAFETY: `priv` is a `TasksState`, used by this thread only while
    // `of->mutex` is held.
    Ok(unsafe { TasksState::borrow_mut(priv_) })
}

/// The `v` of seq_file for an id of the reader's batch, or NULL.
fn id_ptr(id: Option<&i32>) -> *mut c_void {
    id.map_or(core::ptr::null_mut(), |id| {
        core::ptr::from_ref(id).cast_mut().cast()
    })
}

/// `seq_start` of `tasks`: the first id at or above the position; the
/// position of a `tasks` file is the next thread id to show.
///
/// # Safety
///
/// Called by kernfs for an open `tasks` file, with `pos` valid and
/// `of->mutex` held until `seq_stop`.
#[export]
pub unsafe extern "C" fn container_tasks_seq_start(
    sf: *mut bindings::seq_file,
    pos: *mut bindings::loff_t,
) -> *mut c_void {
    // SAFETY: kernfs' seq_file private data is the open file.
    let of = unsafe { bindings::container_glue_seq_to_of(sf) };
    // SAFETY: kernfs holds the file active during the call.
    let (_, cont) = unsafe { file_of(of) };
    if cont.is_removed() {
        return ENODEV.to_ptr();
    }
    // SAFETY: `of` is an open `tasks` file under `of->mutex`.
    match unsafe { tasks_reader(of) } {
        // SAFETY: `pos` is valid (the caller's guarantee).
        Ok(reader) => id_ptr(reader.seek(&cont, unsafe { *pos })),
        Err(e) => e.to_ptr(),
    }
}

/// `seq_next` of `tasks`.
///
/// # Safety
///
/// Called by kernfs for an open `tasks` file after `seq_start`, with `v`
/// the id it last returned.
#[export]
pub unsafe extern "C" fn container_tasks_seq_next(
    sf: *mut bindings::seq_file,
    v: *mut c_void,
    pos: *mut bindings::loff_t,
) -> *mut c_void {
    // SAFETY: As in `container_tasks_seq_start()`; `v` points into the
    // reader's batch, which only the calls below replace.
    let (of, current) = unsafe { (bindings::container_glue_seq_to_of(sf), *v.cast::<i32>()) };
    // SAFETY: `pos` is valid.
    unsafe { *pos = bindings::loff_t::from(current) + 1 };
    // SAFETY: kernfs holds the file active during the call.
    let (_, cont) = unsafe { file_of(of) };
    // SAFETY: As in `container_tasks_seq_start()`; the reader exists.
    match unsafe { tasks_reader(of) } {
        Ok(reader) => id_ptr(reader.next(&cont, current)),
        Err(e) => e.to_ptr(),
    }
}

/// `seq_stop` of `tasks`: the batch stays for the next read.
///
/// # Safety
///
/// Called by kernfs; may get NULL or an error pointer.
#[export]
pub unsafe extern "C" fn container_tasks_seq_stop(_sf: *mut bindings::seq_file, _v: *mut c_void) {}

/// `seq_show` of `tasks`: one thread id and a newline.
///
/// # Safety
///
/// Called by kernfs with `v` returned by `seq_start` or `seq_next`.
#[export]
pub unsafe extern "C" fn container_tasks_seq_show(
    sf: *mut bindings::seq_file,
    v: *mut c_void,
) -> c_int {
    // SAFETY: `v` points into the reader's batch, which lives until the
    // next `seq_start` or `seq_next`; the seq_file is ours for the call.
    let (id, sf) = unsafe { (*v.cast::<i32>(), SeqFile::from_raw(sf)) };
    seq_print!(sf, "{}\n", id);
    0
}

/// `release` of `tasks`: frees the reader state.
///
/// # Safety
///
/// Called by kernfs once, when the open file goes away.
#[export]
pub unsafe extern "C" fn container_tasks_release(of: *mut bindings::kernfs_open_file) {
    // SAFETY: `of` is valid during the call.
    let priv_ = unsafe { (*of).priv_ };
    if !priv_.is_null() {
        // SAFETY: `priv` holds a `TasksState` only.
        drop(unsafe { TasksState::from_foreign(priv_) });
    }
}

/// # Safety
///
/// A `container_file::write` callback.
#[export]
pub unsafe extern "C" fn container_tasks_write(
    cont: *mut bindings::container,
    file: *mut bindings::file,
    buf: *mut c_char,
    nbytes: usize,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe { write_with(cont, file, buf, nbytes, files::write_tasks) }
}

/// # Safety
///
/// A `container_file::show` callback.
#[export]
pub unsafe extern "C" fn container_notify_show(
    cont: *mut bindings::container,
    sf: *mut bindings::seq_file,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe { show_with(cont, sf, files::show_notify) }
}

/// # Safety
///
/// A `container_file::write` callback.
#[export]
pub unsafe extern "C" fn container_notify_write(
    cont: *mut bindings::container,
    file: *mut bindings::file,
    buf: *mut c_char,
    nbytes: usize,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe {
        write_with(cont, file, buf, nbytes, |cont, _, buf| {
            files::write_notify(&cont, buf)
        })
    }
}

/// # Safety
///
/// A `container_file::show` callback.
#[export]
pub unsafe extern "C" fn container_max_depth_show(
    cont: *mut bindings::container,
    sf: *mut bindings::seq_file,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe {
        show_with(cont, sf, |cont, sf| {
            files::show_limit(cont, sf, files::max_depth)
        })
    }
}

/// # Safety
///
/// A `container_file::write` callback.
#[export]
pub unsafe extern "C" fn container_max_depth_write(
    cont: *mut bindings::container,
    file: *mut bindings::file,
    buf: *mut c_char,
    nbytes: usize,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe {
        write_with(cont, file, buf, nbytes, |cont, _, buf| {
            files::write_limit(&cont, buf, files::max_depth)
        })
    }
}

/// # Safety
///
/// A `container_file::show` callback.
#[export]
pub unsafe extern "C" fn container_max_descendants_show(
    cont: *mut bindings::container,
    sf: *mut bindings::seq_file,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe {
        show_with(cont, sf, |cont, sf| {
            files::show_limit(cont, sf, files::max_descendants)
        })
    }
}

/// # Safety
///
/// A `container_file::write` callback.
#[export]
pub unsafe extern "C" fn container_max_descendants_write(
    cont: *mut bindings::container,
    file: *mut bindings::file,
    buf: *mut c_char,
    nbytes: usize,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe {
        write_with(cont, file, buf, nbytes, |cont, _, buf| {
            files::write_limit(&cont, buf, files::max_descendants)
        })
    }
}

/// # Safety
///
/// A `container_file::show` callback.
#[export]
pub unsafe extern "C" fn container_agent_show(
    cont: *mut bindings::container,
    sf: *mut bindings::seq_file,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe { show_with(cont, sf, |_, sf| files::show_agent(sf)) }
}

/// # Safety
///
/// A `container_file::write` callback.
#[export]
pub unsafe extern "C" fn container_agent_write(
    cont: *mut bindings::container,
    file: *mut bindings::file,
    buf: *mut c_char,
    nbytes: usize,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe {
        write_with(cont, file, buf, nbytes, |_, file, buf| {
            files::write_agent(file, buf)
        })
    }
}

/// # Safety
///
/// A `container_file::show` callback.
#[export]
pub unsafe extern "C" fn container_events_show(
    cont: *mut bindings::container,
    sf: *mut bindings::seq_file,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe { show_with(cont, sf, events::show) }
}

/// # Safety
///
/// A `container_file::show` callback.
#[export]
pub unsafe extern "C" fn container_stat_show(
    cont: *mut bindings::container,
    sf: *mut bindings::seq_file,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe { show_with(cont, sf, files::show_stat) }
}

/// # Safety
///
/// A `container_file::write` callback.
#[export]
pub unsafe extern "C" fn container_kill_write(
    cont: *mut bindings::container,
    file: *mut bindings::file,
    buf: *mut c_char,
    nbytes: usize,
) -> c_int {
    // SAFETY: Forwarded from the dispatcher.
    unsafe { write_with(cont, file, buf, nbytes, kill::write_kill) }
}
