// SPDX-License-Identifier: GPL-2.0

//! Which container each task is in: fork, exit, attach, and the lists of
//! a container's tasks.
//!
//! A task's `container` pointer changes only under its task lock and is
//! published with `rcu_assign_pointer()`. A task in the root container
//! has a NULL pointer and is on no list: the root keeps no count, no list
//! and no reference per task, since it is never released or removed. So
//! fork and exit of a task in the root write nothing that other CPUs
//! share; the inline hooks of `<linux/process_container.h>` handle them
//! without calling into the core, and the root's `tasks` is built from
//! the pid numbers of the reader's namespace instead (see
//! [`for_each_root_task_id()`]).
//!
//! A task elsewhere holds a reference on its container and is on its
//! list, under the container's `members` lock. The pointer is moved away
//! from a container before that container's count drops, so a container
//! whose count is zero (the condition of rmdir) can only still be seen by
//! RCU readers that started earlier, which the freeing of a removed
//! container waits for. Attach never waits for a grace period.

use crate::{
    container::{self, Container, Members},
    events,
    glue::{self, LockedTask, TaskExt},
};
use kernel::{
    prelude::*,
    sync::{aref::ARef, atomic::ordering::Relaxed, rcu, Arc, ArcBorrow, GlobalGuard},
    task::Task,
};

/// The value of `task_struct::container` for a task in `container`.
fn pointer_for(container: &Container) -> *const Container {
    if container.is_root() {
        core::ptr::null()
    } else {
        container
    }
}

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

/// Counts one more task in `container`, under its `members` lock.
fn count_in(container: &Container, members: &mut Members) {
    members.count += 1;
    container.nr_tasks.store(members.count, Relaxed);
    if members.count == 1 {
        events::own_tasks_changed(container, true);
    }
}

/// Counts one task less in `container`, under its `members` lock;
/// returns whether it was the last one.
fn count_out(container: &Container, members: &mut Members) -> bool {
    members.count = members.count.saturating_sub(1);
    container.nr_tasks.store(members.count, Relaxed);
    if members.count == 0 {
        events::own_tasks_changed(container, false);
    }
    members.count == 0
}

/// A fork counted in the container has reached `container_post_fork()`,
/// `container_cancel_fork()`, or an attach of the child; returns the euid
/// of a kill whose forks are killed, if one runs.
fn fork_done(members: &mut Members) -> Option<u32> {
    members.forks_in_flight = members.forks_in_flight.saturating_sub(1);
    let killer = members.kill.killer();
    if members.forks_in_flight == 0 {
        members.kill.forks_drained();
    }
    killer
}

/// Removes `task` from the accounting of `container`; returns whether it
/// was the last task there. The task lock must be held.
fn leave(task: &LockedTask<'_>, container: &Container) -> bool {
    let mut members = container.members.lock();
    if task.is_listed() {
        task.unlink(&members);
    } else {
        // A child moved before its fork finished.
        let _ = fork_done(&mut members);
    }
    count_out(container, &mut members)
}

/// `container_core_fork()`: `child` starts in the container of `parent`,
/// which is not the root (the inline `container_fork()` leaves a child of
/// the root alone, with a NULL pointer already).
///
/// One reference increment under the parent's task lock, which orders it
/// against an attach of the parent: the child gets the old or the new
/// container, and the parent, counted in it, keeps it from removal.
pub(crate) fn fork(parent: &Task, child: &Task) {
    let container = parent.with_task_lock(|parent| {
        let current = parent.container();
        if current.is_null() {
            // Moved to the root since the inline hook looked.
            return current;
        }
        // SAFETY: The parent holds a reference on its container, and its
        // task lock keeps that pointer stable.
        let container: Arc<Container> = unsafe { ArcBorrow::from_raw(current) }.into();
        let mut members = container.members.lock();
        count_in(&container, &mut members);
        members.forks_in_flight += 1;
        drop(members);
        Arc::into_raw(container)
    });
    // SAFETY: `copy_process()` has not made the child visible yet.
    unsafe { glue::init_child(child, container) };
}

/// `container_core_post_fork()`: links the now visible child into its
/// container's list, unless an attach already did, and kills it if a
/// kill of the container runs (see [`crate::kill`]).
pub(crate) fn post_fork(child: &Task) {
    let killer = child.with_task_lock(|task| {
        let container = task.container();
        if container.is_null() {
            return None;
        }
        // SAFETY: The task holds a reference on its container.
        let container = unsafe { &*container };
        let mut members = container.members.lock();
        if task.is_listed() {
            return None;
        }
        task.link(container, &members);
        fork_done(&mut members)
    });
    // Outside the locks; the child is visible, so the signal reaches it.
    if let Some(euid) = killer {
        if glue::may_move(euid, child) {
            glue::send_sigkill(child);
        }
    }
}

/// `container_core_cancel_fork()`: the child of a failed fork gives its
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
        let _ = fork_done(&mut members);
        count_out(&container, &mut members)
    };
    put(container, was_last);
}

/// `container_core_exit()`: an exiting task leaves its container before
/// it can be reaped. Its pointer is NULL afterwards, which readers show
/// as the root; the root's `tasks` leaves exiting tasks out.
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
///
/// The check of `PF_EXITING` under the task lock is what lets the inline
/// `container_exit()` skip the core for a task it saw in the root: once
/// the flag is set, no attach gives the task a container again.
///
/// `EBUSY` if a kill runs in the old or the new container: kills start
/// under the tree lock, so none starts during the attach.
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
        let new = pointer_for(&target);
        if core::ptr::eq(old, new) {
            return Ok((None, false));
        }
        // SAFETY: The task holds a reference on its container.
        if !old.is_null() && unsafe { &*old }.members.lock().kill.is_active() {
            return Err(EBUSY);
        }
        // Counted in the new container before it leaves the old one, so
        // that a move within a subtree does not empty it on the way; it
        // joins the new list once off the old one.
        if !new.is_null() {
            let mut members = target.members.lock();
            if members.kill.is_active() {
                return Err(EBUSY);
            }
            count_in(&target, &mut members);
        }
        if new.is_null() {
            task.set_container(new);
        } else {
            let new: Arc<Container> = target.into();
            task.set_container(Arc::into_raw(new));
        }
        let mut result = (None, false);
        if !old.is_null() {
            // SAFETY: The task owned this reference.
            let old = unsafe { Arc::from_raw(old) };
            let was_last = leave(task, &old);
            result = (Some(old), was_last);
        }
        if !new.is_null() {
            task.link(&target, &target.members.lock());
        }
        Ok(result)
    })?;
    if let Some(old) = old {
        put(old, was_last);
    }
    Ok(())
}

/// Tasks (or pid numbers) looked at per hold of a lock, or per RCU
/// read-side section, by a walk.
pub(crate) const WALK_BATCH: usize = 32;

/// Calls `f` for every task on the list of `container`, which is not the
/// root, under the list lock, which is dropped and taken again every
/// [`WALK_BATCH`] tasks: no walk holds off fork, exit or attach for longer
/// than that, however many tasks the container has. Walkers of one
/// container take turns.
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

/// Calls `f`, with no lock held, for every task on the list of
/// `container`, which is not the root: the tasks are taken from the list
/// [`WALK_BATCH`] at a time, each with a reference, into `batch`. What is
/// seen is as for [`for_each_task()`]. Fails only if `batch` has no room
/// for a whole batch and cannot get it, before looking at any task.
pub(crate) fn for_each_task_unlocked(
    container: &Container,
    batch: &mut KVec<ARef<Task>>,
    mut f: impl FnMut(&Task),
) -> Result {
    batch.clear();
    batch.reserve(WALK_BATCH, GFP_KERNEL)?;
    let walker = container.walker.lock();
    let mut members = container.members.lock();
    let mut walk = glue::Walk::start(container, &walker, &members);
    loop {
        let mut more = true;
        while batch.len() < WALK_BATCH {
            let Some(task) = walk.next(&members) else {
                more = false;
                break;
            };
            // There is room: reserved above.
            let _ = batch.push_within_capacity(ARef::from(task));
        }
        drop(members);
        while let Some(task) = batch.pop() {
            f(&task);
        }
        if !more {
            return Ok(());
        }
        glue::cond_resched();
        members = container.members.lock();
    }
}

/// Calls `f` with the id in `ns`, in ascending order from `start`, of
/// every task of the root container that is not exiting, until `f`
/// returns `false`.
///
/// The root has no list: this looks at every pid number of `ns` from
/// `start` on, under RCU only, [`WALK_BATCH`] numbers per read-side
/// section. It takes no lock, so it holds off no fork, exit or attach,
/// whatever the number of tasks; its own cost grows with the number of
/// tasks in `ns`, in the root or not. Its place is a pid number, so a
/// task that stays in the root during the whole walk is seen once, and
/// one that joins or leaves meanwhile may be seen or not.
pub(crate) fn for_each_root_task_id(ns: &glue::PidNs, start: i32, mut f: impl FnMut(i32) -> bool) {
    let mut nr = start.max(1);
    loop {
        let rcu = rcu::read_lock();
        for _ in 0..WALK_BATCH {
            let Some(found) = glue::next_pid(ns, nr, &rcu) else {
                return;
            };
            if found.in_root && !f(found.nr) {
                return;
            }
            match found.nr.checked_add(1) {
                Some(next) => nr = next,
                None => return,
            }
        }
        drop(rcu);
        glue::cond_resched();
    }
}

#[kunit_tests(container_root_walk)]
mod tests {
    use super::*;

    /// The id of the current thread in its own pid namespace.
    fn current_id() -> i32 {
        glue::pid_in_ns(&**kernel::current!(), glue::current_pid_ns())
    }

    #[test]
    fn the_root_walk_is_ascending_and_finds_the_current_thread() {
        // KUnit runs its cases in kernel threads, which are in the root.
        let ns = glue::PidNs::current();
        let me = current_id();
        let (mut last, mut seen, mut found) = (0, 0, false);
        for_each_root_task_id(&ns, 1, |id| {
            assert!(id > last);
            last = id;
            seen += 1;
            found |= id == me;
            true
        });
        assert!(found);
        // More than one walk batch: the walk resumes after each section.
        assert!(seen > 1);
    }

    #[test]
    fn the_root_walk_starts_at_its_start_and_stops_when_told() {
        let ns = glue::PidNs::current();
        let me = current_id();
        let mut first = None;
        for_each_root_task_id(&ns, me, |id| {
            first.get_or_insert(id);
            true
        });
        assert_eq!(first, Some(me));
        let mut calls = 0;
        for_each_root_task_id(&ns, 1, |_| {
            calls += 1;
            calls < 2
        });
        assert_eq!(calls, 2);
        let mut after = 0;
        for_each_root_task_id(&ns, i32::MAX, |_| {
            after += 1;
            true
        });
        assert_eq!(after, 0);
    }
}
