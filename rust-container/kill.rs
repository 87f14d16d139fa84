// SPDX-License-Identifier: GPL-2.0

//! `kill`: SIGKILL to every task of a subtree, with no survivor among the
//! tasks that fork meanwhile.
//!
//! A kill first marks every container of the subtree, under the tree
//! lock, then walks each container's task list, a few tasks at a time
//! under its list lock, and signals them with no lock held. While a
//! container is marked:
//!
//! - an attach into or out of it fails with `EBUSY`. Attach holds the tree
//!   lock, so a task is either on a marked list before the walks start or
//!   cannot get onto one (or off one) until they are over;
//! - `container_post_fork()` links the child and, if the container is
//!   marked, kills it. A child linked before the walk of its container
//!   reaches the end of the list is seen by the walk; one linked after
//!   sees the mark. The mark stays until the forks that were in flight
//!   when the walks ended have finished too: their parents may have been
//!   signalled after the last check of `copy_process()` for a pending
//!   signal, so nothing else stops them.
//!
//! A task is killed only if the opener of `kill` could move it through
//! `tasks`; the others are left alone and the write fails with `EACCES`.

use crate::{
    container::{self, Container, TREE},
    glue, membership,
};
use kernel::{bindings, prelude::*, sync::ArcBorrow};

/// The kills of a subtree that holds a container, under the container's
/// `members` lock.
pub(crate) struct KillState {
    /// Kills whose walks have not ended.
    running: u32,
    /// The killer's euid: kills by different openers never overlap.
    euid: u32,
    /// The last kill has ended with forks in flight, whose children are
    /// still killed.
    lingering: bool,
}

impl KillState {
    pub(crate) const fn new() -> Self {
        Self {
            running: 0,
            euid: 0,
            lingering: false,
        }
    }

    /// Whether a kill runs: moves are refused and forks are killed.
    pub(crate) fn is_active(&self) -> bool {
        self.running > 0 || self.lingering
    }

    /// The euid of the kill that runs, if one does.
    pub(crate) fn killer(&self) -> Option<u32> {
        self.is_active().then_some(self.euid)
    }

    /// Whether a kill by `euid` may start: `EBUSY` while another opener's
    /// runs.
    fn check(&self, euid: u32) -> Result {
        if self.is_active() && self.euid != euid {
            return Err(EBUSY);
        }
        Ok(())
    }

    /// A kill by `euid` starts; [`KillState::check()`] allowed it.
    fn start(&mut self, euid: u32) {
        self.running += 1;
        self.euid = euid;
    }

    /// A kill has walked all its tasks; `forks_in_flight` forks have not
    /// finished yet.
    fn end(&mut self, forks_in_flight: usize) {
        self.running = self.running.saturating_sub(1);
        if self.running == 0 {
            self.lingering = forks_in_flight > 0;
        }
    }

    /// No fork is in flight any more.
    pub(crate) fn forks_drained(&mut self) {
        if self.running == 0 {
            self.lingering = false;
        }
    }
}

/// Writing `1` to `kill`.
pub(crate) fn write_kill(
    container: ArcBorrow<'_, Container>,
    file: *mut bindings::file,
    buf: &[u8],
) -> Result {
    if crate::input::strip(buf) != b"1" {
        return Err(EINVAL);
    }
    let euid = glue::opener_euid(file);
    // Allocated first: once the subtree is marked nothing may fail.
    let mut batch = KVec::with_capacity(membership::WALK_BATCH, GFP_KERNEL)?;
    let targets = {
        let tree = TREE.lock();
        if container.is_removed() {
            return Err(ENODEV);
        }
        let targets = container::subtree(container, &tree)?;
        for target in targets.iter() {
            target.members.lock().kill.check(euid)?;
        }
        for target in targets.iter() {
            target.members.lock().kill.start(euid);
        }
        targets
    };
    let mut skipped = false;
    for target in targets.iter() {
        // Cannot fail: the batch has room.
        let _ = membership::for_each_task_unlocked(target, &mut batch, |task| {
            if glue::may_move(euid, task) {
                glue::send_sigkill(task);
            } else {
                skipped = true;
            }
        });
    }
    for target in targets.iter() {
        let mut members = target.members.lock();
        let in_flight = members.forks_in_flight;
        members.kill.end(in_flight);
    }
    if skipped {
        return Err(EACCES);
    }
    Ok(())
}

#[kunit_tests(container_kill)]
mod tests {
    use super::*;

    #[test]
    fn a_kill_is_active_from_start_to_end() {
        let mut state = KillState::new();
        assert!(!state.is_active());
        assert_eq!(state.check(1000), Ok(()));
        state.start(1000);
        assert_eq!(state.killer(), Some(1000));
        state.end(0);
        assert!(!state.is_active());
        assert_eq!(state.killer(), None);
    }

    #[test]
    fn forks_in_flight_keep_it_until_they_finish() {
        let mut state = KillState::new();
        state.start(0);
        state.end(2);
        assert_eq!(state.killer(), Some(0));
        state.forks_drained();
        assert!(!state.is_active());
    }

    #[test]
    fn overlapping_kills_need_the_same_opener() {
        let mut state = KillState::new();
        state.start(1000);
        assert_eq!(state.check(1001), Err(EBUSY));
        assert_eq!(state.check(1000), Ok(()));
        state.start(1000);
        state.end(0);
        // Drained forks do not end a kill that still walks.
        state.forks_drained();
        assert_eq!(state.killer(), Some(1000));
        state.end(0);
        assert!(!state.is_active());
        assert_eq!(state.check(1001), Ok(()));
    }
}
