// SPDX-License-Identifier: GPL-2.0

//! Which container each task is in: fork, exit, attach, and the list of
//! a container's tasks.
//!
//! A task's `container` pointer changes only under its task lock and is
//! published with `rcu_assign_pointer()`. The pointer is moved away from
//! a container before that container's count drops, so a container whose
//! count is zero (the condition of rmdir) can only still be seen by RCU
//! readers that started earlier, which the freeing of a removed container
//! waits for. Fork and exit take the lock of the task's container, which
//! for the root (where every task starts) is shared by the whole system;
//! attach never waits for a grace period.

use crate::{
    container::{self, Container},
    glue::{self, LockedTask, TaskExt},
};
use kernel::{
    prelude::*,
    sync::{Arc, ArcBorrow, GlobalGuard},
    task::Task,
};

/// Drops a task's reference on `container`, first queueing the release
/// of the container if the task was its last one.
fn put(container: Arc<Container>, was_last: bool) {
    if was_last
        && container
            .notify_on_release
            .load(kernel::sync::atomic::ordering::Relaxed)
    {
        // Whether it really is releasable is decided by the work item,
        // under the tree lock; here no lock is taken.
        container::queue_release(container);
    }
}

/// Removes `task` from the accounting of `container`; returns whether it
/// was the last task there. The task lock must be held.
fn leave(task: &LockedTask<'_>, container: &Container) -> bool {
    let mut members = container.members.lock();
    task.unlink(&members);
    members.count -= 1;
    members.count == 0
}

/// `container_fork()`: `child` starts in the container of `parent`.
///
/// One reference increment under the parent's task lock, which orders it
/// against an attach of the parent: the child gets the old or the new
/// container, and the parent, counted in it, keeps it from removal.
pub(crate) fn fork(parent: &Task, child: &Task) {
    let container = parent.with_task_lock(|parent| {
        let mut current = parent.container();
        if current.is_null() {
            // Only tasks forked before `container_init()`: none today.
            current = container::root().map_or(core::ptr::null(), Arc::as_ptr);
        }
        if current.is_null() {
            return current;
        }
        // SAFETY: The parent holds a reference on its container (or it is
        // the immortal root), and its task lock keeps that pointer stable.
        let container: Arc<Container> = unsafe { ArcBorrow::from_raw(current) }.into();
        container.members.lock().count += 1;
        Arc::into_raw(container)
    });
    // SAFETY: `copy_process()` has not made the child visible yet.
    unsafe { glue::init_child(child, container) };
}

/// `container_post_fork()`: links the now visible child into its
/// container's list, unless an attach already did.
pub(crate) fn post_fork(child: &Task) {
    child.with_task_lock(|task| {
        let container = task.container();
        if container.is_null() {
            return;
        }
        // SAFETY: The task holds a reference on its container.
        let container = unsafe { &*container };
        let members = container.members.lock();
        if !task.is_listed() {
            task.link(container, &members);
        }
    });
}

/// `container_cancel_fork()`: the child of a failed fork gives its
/// reference back; it was never visible.
pub(crate) fn cancel_fork(child: &Task) {
    // SAFETY: The child of a failed fork was never visible.
    let container = unsafe { glue::child_container(child) };
    if container.is_null() {
        return;
    }
    // SAFETY: As above.
    unsafe { glue::init_child(child, core::ptr::null()) };
    // SAFETY: The child owned this reference, taken in `fork()`.
    let container = unsafe { Arc::from_raw(container) };
    let was_last = {
        let mut members = container.members.lock();
        members.count -= 1;
        members.count == 0
    };
    put(container, was_last);
}

/// `container_exit()`: an exiting task leaves its container before it
/// can be reaped. Its pointer is NULL afterwards, which readers show as
/// the root.
pub(crate) fn exit(task: &Task) {
    let (container, was_last) = task.with_task_lock(|task| {
        let container = task.container();
        if container.is_null() {
            return (None, false);
        }
        task.set_container(core::ptr::null());
        // SAFETY: The task owned this reference (taken at fork or attach).
        let container = unsafe { Arc::from_raw(container) };
        let was_last = leave(task, &container);
        (Some(container), was_last)
    });
    if let Some(container) = container {
        put(container, was_last);
    }
}

/// Moves `task` into `target`. The caller holds the tree lock and has
/// checked that `target` is not removed.
pub(crate) fn attach(
    task: &Task,
    target: ArcBorrow<'_, Container>,
    _tree: &GlobalGuard<container::TREE>,
) -> Result {
    let (old, was_last) = task.with_task_lock(|task| {
        if task.is_exiting() {
            return Err(ESRCH);
        }
        let old = task.container();
        if core::ptr::eq(old, &*target) {
            return Ok((None, false));
        }
        let new: Arc<Container> = target.into();
        task.set_container(Arc::into_raw(new));
        let mut result = (None, false);
        if !old.is_null() {
            // SAFETY: The task owned this reference.
            let old = unsafe { Arc::from_raw(old) };
            let was_last = leave(task, &old);
            result = (Some(old), was_last);
        }
        let mut members = target.members.lock();
        task.link(&target, &members);
        members.count += 1;
        Ok(result)
    })?;
    if let Some(old) = old {
        put(old, was_last);
    }
    Ok(())
}

/// Tasks looked at per hold of a container's list lock by a walk.
const WALK_BATCH: usize = 32;

/// Calls `f` for every task on the list of `container`, under the list
/// lock, which is dropped and taken again every [`WALK_BATCH`] tasks: no
/// walk holds off fork, exit or attach for longer than that, however
/// many tasks the container has. Walkers of one container take turns.
///
/// A task that stays in the container during the whole walk is seen
/// once; one that joins or leaves meanwhile may be seen or not, and one
/// that leaves and comes back may be seen twice.
pub(crate) fn for_each_task(container: &Container, mut f: impl FnMut(&Task)) {
    let walker = container.walker.lock();
    let mut members = container.members.lock();
    let mut walk = glue::Walk::start(container, &walker, &members);
    loop {
        for _ in 0..WALK_BATCH {
            match walk.next(&members) {
                Some(task) => f(task),
                None => return,
            }
        }
        drop(members);
        glue::cond_resched();
        members = container.members.lock();
    }
}
