// SPDX-License-Identifier: GPL-2.0

//! Which container each task is in: fork, exit, attach, and the list of
//! a container's tasks.
//!
//! A task's `container` pointer changes only under its task lock and is
//! published with `rcu_assign_pointer()`. The pointer is moved away from
//! a container before that container's count drops, so a container whose
//! count is zero (the condition of rmdir) can only still be seen by RCU
//! readers that started earlier, which the freeing of a removed container
//! waits for. Fork and exit take no global lock; attach never waits for a
//! grace period.

use crate::{
    container::{self, Container},
    glue::{self, LockedTask, TaskExt},
};
use kernel::{
    bindings,
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

/// The ids of the tasks of `container` that the pid namespace `ns` can
/// see, sorted; tasks already exiting are left out. Costs in proportion
/// to the container's own tasks.
pub(crate) fn task_ids(
    container: &Container,
    ns: *mut bindings::pid_namespace,
) -> Result<KVVec<i32>> {
    let mut capacity = container.members.lock().count;
    loop {
        let mut ids = KVVec::with_capacity(capacity, GFP_KERNEL)?;
        let members = container.members.lock();
        if members.count > capacity {
            // Tasks arrived while allocating: size again.
            capacity = members.count;
            continue;
        }
        for task in glue::TaskList::new(container, &members) {
            if task.is_exiting() {
                continue;
            }
            let id = glue::pid_in_ns(task, ns);
            // Every listed task is counted, so this cannot run out of room.
            if id > 0 && ids.push_within_capacity(id).is_err() {
                break;
            }
        }
        drop(members);
        sort_ids(&mut ids);
        return Ok(ids);
    }
}

/// Sorts thread ids taken in list order. Tasks join a list mostly in the
/// order they were created, and pids are handed out cyclically, so the
/// ids are usually one ascending run, or two when the pid counter wrapped
/// between them: both take one pass instead of a sort.
fn sort_ids(ids: &mut [i32]) {
    let Some(wrap) = ids.windows(2).position(|w| w[0] > w[1]) else {
        return;
    };
    let wrapped_once = ids[wrap + 1..].windows(2).all(|w| w[0] < w[1]);
    if wrapped_once && ids[ids.len() - 1] < ids[0] {
        ids.rotate_left(wrap + 1);
    } else {
        ids.sort_unstable();
    }
}

#[kunit_tests(container_task_ids)]
mod tests {
    use super::*;

    fn sorted(mut ids: [i32; 6]) -> [i32; 6] {
        sort_ids(&mut ids);
        ids
    }

    #[test]
    fn ascending_ids_stay() {
        assert_eq!(sorted([1, 2, 3, 5, 8, 13]), [1, 2, 3, 5, 8, 13]);
        let mut none: [i32; 0] = [];
        sort_ids(&mut none);
        let mut one = [7];
        sort_ids(&mut one);
        assert_eq!(one, [7]);
    }

    #[test]
    fn ids_after_a_pid_wrap_are_rotated() {
        assert_eq!(
            sorted([32760, 32765, 300, 301, 302, 400]),
            [300, 301, 302, 400, 32760, 32765]
        );
        assert_eq!(sorted([9, 1, 2, 3, 4, 5]), [1, 2, 3, 4, 5, 9]);
        assert_eq!(sorted([2, 3, 4, 5, 6, 1]), [1, 2, 3, 4, 5, 6]);
    }

    #[test]
    fn other_orders_are_sorted() {
        // Two runs that overlap: not a rotation.
        assert_eq!(sorted([5, 10, 20, 6, 7, 30]), [5, 6, 7, 10, 20, 30]);
        // Three runs.
        assert_eq!(sorted([5, 1, 9, 2, 8, 3]), [1, 2, 3, 5, 8, 9]);
        assert_eq!(sorted([6, 5, 4, 3, 2, 1]), [1, 2, 3, 4, 5, 6]);
    }
}
