// SPDX-License-Identifier: GPL-2.0

//! `events`: whether a container's subtree has tasks, and how many times
//! it has emptied.
//!
//! A container's subtree is populated when it has tasks of its own or a
//! child whose subtree is populated. Only the first task to join a
//! container and the last to leave it change that: fork and exit in a
//! container that keeps tasks touch nothing of this. Those changes walk
//! up the ancestors under [`POPULATION`], and stop at the first one whose
//! state does not change, so that the transitions of every container are
//! counted in the order they happen. Their announcement (mtime, poll,
//! inotify) may sleep, and runs from a work item of the container: a
//! burst of transitions may be announced once, and the count tells the
//! reader how many there were.

use crate::{
    container::{Container, POPULATION},
    glue,
};
use kernel::{
    prelude::*,
    seq_file::{seq_print, SeqFile},
    sync::{atomic::ordering::Relaxed, Arc},
    workqueue::WorkItem,
};

/// `container`, which is not the root, got its first task
/// (`populated`) or lost its last one. Called under its `members` lock.
pub(crate) fn own_tasks_changed(container: &Container, populated: bool) {
    let mut population = POPULATION.lock();
    for c in container.self_and_ancestors() {
        // The root is always populated, and counts nothing.
        if c.is_root() {
            break;
        }
        let below = c.populated_below.as_mut(&mut population);
        let before = *below;
        *below = if populated {
            before.saturating_add(1)
        } else {
            before.saturating_sub(1)
        };
        // Ancestors change only with the subtree's first or last.
        if (populated && before != 0) || (!populated && *below != 0) {
            break;
        }
        c.transitions.add(1, Relaxed);
        // A pending announcement covers this change too.
        let _ = glue::events_queue().enqueue::<Arc<Container>, 1>(c.as_arc_borrow().into());
    }
}

/// The `populated` and `emptied` of `container`, read together.
pub(crate) fn state(container: &Container) -> (bool, u64) {
    if container.is_root() {
        return (true, 0);
    }
    let transitions = container.transitions.load(Relaxed);
    (transitions % 2 == 1, transitions / 2)
}

/// Reading `events`.
pub(crate) fn show(container: &Container, sf: &SeqFile) -> Result {
    let (populated, emptied) = state(container);
    seq_print!(
        sf,
        "populated {}\nemptied {}\n",
        u8::from(populated),
        emptied
    );
    Ok(())
}

impl WorkItem<1> for Container {
    type Pointer = Arc<Container>;

    /// Announces a change of `populated`: mtime first, so that a watcher
    /// woken by poll or inotify sees the new time.
    fn run(this: Arc<Container>) {
        if let Some(kn) = this.find_file(c"events") {
            kn.announce_change();
            // SAFETY: The reference taken by `find_file()`, not used after.
            unsafe { kn.put() };
        }
    }
}
