// SPDX-License-Identifier: GPL-2.0

//! Reading `tasks`: thread ids in ascending order, a bounded batch at a
//! time.
//!
//! A read never copies a whole container: one walk of its tasks collects
//! the smallest page of ids at or above the file position,
//! which is the next id to show. The root's walk goes through pid
//! numbers in ascending order from that position, so it ends as soon as
//! the page is full. The open file keeps that one batch
//! between `read()` calls, so its memory does not grow with the
//! container, and a read of `n` tasks costs one walk per batch.

use crate::{
    container::Container,
    glue::{self, TaskExt},
    membership,
};
use kernel::{bindings, prelude::*};

/// The smallest distinct ids at or above [`IdBatch::start()`] that one
/// walk offered, sorted once the walk is over.
pub(crate) struct IdBatch {
    /// A max-heap while collecting, ascending and distinct after
    /// [`IdBatch::finish()`].
    ids: KVec<i32>,
    capacity: usize,
    start: i64,
    /// Every id offered at or above `start` is in `ids`: there is nothing
    /// after them.
    complete: bool,
}

impl IdBatch {
    /// An empty batch that holds at most `capacity` ids, charged to the
    /// memory cgroup of the caller.
    pub(crate) fn new(capacity: usize) -> Result<Self> {
        Ok(Self {
            ids: KVec::with_capacity(capacity, GFP_KERNEL_ACCOUNT)?,
            capacity,
            start: 0,
            complete: true,
        })
    }

    /// Starts a new collection of the ids at or above `start`.
    pub(crate) fn restart(&mut self, start: i64) {
        self.ids.clear();
        self.start = start;
        self.complete = true;
    }

    /// Offers one id of the walk; kept if it is among the smallest so far.
    pub(crate) fn offer(&mut self, id: i32) {
        if i64::from(id) < self.start || self.capacity == 0 {
            return;
        }
        if self.ids.len() < self.capacity {
            // Cannot fail: the capacity was reserved in `new()`.
            if self.ids.push_within_capacity(id).is_ok() {
                sift_up(&mut self.ids);
            }
            return;
        }
        // Full: something above the batch is left out.
        self.complete = false;
        if id < self.ids[0] {
            self.ids[0] = id;
            sift_down(&mut self.ids);
        }
    }

    /// Ends the walk: sorts the ids and drops duplicates (a task that
    /// left and came back during the walk is offered twice).
    pub(crate) fn finish(&mut self) {
        self.ids.sort_unstable();
        let mut kept = 0;
        for i in 0..self.ids.len() {
            if kept == 0 || self.ids[i] != self.ids[kept - 1] {
                self.ids[kept] = self.ids[i];
                kept += 1;
            }
        }
        self.ids.truncate(kept);
    }

    /// Whether the batch answers a read at `pos`: it was collected from at
    /// or below `pos`, and either nothing was left out or `pos` is not past
    /// its last id.
    pub(crate) fn covers(&self, pos: i64) -> bool {
        pos >= self.start
            && (self.complete || self.ids.last().is_some_and(|&last| pos <= i64::from(last)))
    }

    /// Index of the first id at or above `pos`.
    pub(crate) fn index_of(&self, pos: i64) -> usize {
        self.ids.partition_point(|&id| i64::from(id) < pos)
    }

    pub(crate) fn get(&self, index: usize) -> Option<&i32> {
        self.ids.get(index)
    }

    /// Whether the batch holds as many ids as it can.
    pub(crate) fn is_full(&self) -> bool {
        self.ids.len() >= self.capacity
    }

    /// Whether ids may follow the last one of the batch.
    pub(crate) fn is_complete(&self) -> bool {
        self.complete
    }
}

fn sift_up(heap: &mut [i32]) {
    let mut i = heap.len().saturating_sub(1);
    while i > 0 {
        let parent = (i - 1) / 2;
        if heap[parent] >= heap[i] {
            break;
        }
        heap.swap(parent, i);
        i = parent;
    }
}

fn sift_down(heap: &mut [i32]) {
    let mut i = 0;
    loop {
        let (left, right) = (2 * i + 1, 2 * i + 2);
        let mut largest = i;
        if left < heap.len() && heap[left] > heap[largest] {
            largest = left;
        }
        if right < heap.len() && heap[right] > heap[largest] {
            largest = right;
        }
        if largest == i {
            return;
        }
        heap.swap(i, largest);
        i = largest;
    }
}

/// Ids per batch: one page of them.
const BATCH_IDS: usize = bindings::PAGE_SIZE / core::mem::size_of::<i32>();

/// What an open `tasks` file keeps between reads: the last batch and the
/// pid namespace it was collected for.
pub(crate) struct TasksReader {
    ns: glue::PidNs,
    batch: IdBatch,
    /// Where the read is in `batch`.
    index: usize,
}

impl TasksReader {
    /// A reader for the current task's pid namespace, with an empty batch.
    pub(crate) fn new() -> Result<Self> {
        Ok(Self {
            ns: glue::PidNs::current(),
            batch: IdBatch::new(BATCH_IDS)?,
            index: 0,
        })
    }

    /// The id at `pos` or after it, collecting a new batch when the kept
    /// one does not answer (a read from 0 always collects afresh, and so
    /// does a reader in another pid namespace than the batch's).
    pub(crate) fn seek(&mut self, container: &Container, pos: i64) -> Option<&i32> {
        if !self.ns.is_current() {
            self.ns = glue::PidNs::current();
            self.batch.restart(i64::MAX);
        }
        if pos == 0 || !self.batch.covers(pos) {
            self.collect(container, pos);
        }
        self.index = self.batch.index_of(pos);
        self.batch.get(self.index)
    }

    /// The id after the current one, which was `current`; `pos` becomes
    /// the position after it.
    pub(crate) fn next(&mut self, container: &Container, current: i32) -> Option<&i32> {
        let pos = i64::from(current) + 1;
        self.index += 1;
        if self.index >= self.batch.ids.len() {
            if self.batch.is_complete() {
                return None;
            }
            self.collect(container, pos);
            self.index = self.batch.index_of(pos);
        }
        self.batch.get(self.index)
    }

    fn collect(&mut self, container: &Container, pos: i64) {
        let batch = &mut self.batch;
        batch.restart(pos);
        if container.is_root() {
            // The root has no list; its walk comes in ascending order and
            // stops at the first id that does not fit.
            let Ok(start) = i32::try_from(pos) else {
                return;
            };
            membership::for_each_root_task_id(&self.ns, start, |id| {
                let room = !batch.is_full();
                batch.offer(id);
                room
            });
        } else {
            let ns = self.ns.as_ptr();
            membership::for_each_task(container, |task| {
                if !task.is_exiting() {
                    let id = glue::pid_in_ns(task, ns);
                    if id > 0 {
                        batch.offer(id);
                    }
                }
            });
        }
        batch.finish();
    }
}

#[kunit_tests(container_task_ids)]
mod tests {
    use super::*;

    fn collect(capacity: usize, start: i64, offered: &[i32]) -> Result<IdBatch> {
        let mut batch = IdBatch::new(capacity)?;
        batch.restart(start);
        for &id in offered {
            batch.offer(id);
        }
        batch.finish();
        Ok(batch)
    }

    fn ids(batch: &IdBatch) -> &[i32] {
        &batch.ids
    }

    #[test]
    fn a_batch_keeps_the_smallest_ids_in_order() -> Result {
        let batch = collect(4, 0, &[30, 5, 17, 2, 99, 8, 40])?;
        assert_eq!(ids(&batch), &[2, 5, 8, 17]);
        assert!(!batch.is_complete());
        assert!(batch.covers(17) && !batch.covers(18));
        let batch = collect(8, 0, &[30, 5, 17])?;
        assert_eq!(ids(&batch), &[5, 17, 30]);
        assert!(batch.is_complete() && batch.covers(1000));
        Ok(())
    }

    #[test]
    fn ids_below_the_start_are_left_out() -> Result {
        let batch = collect(3, 10, &[9, 10, 11, 1, 50, 12, 13])?;
        assert_eq!(ids(&batch), &[10, 11, 12]);
        assert!(!batch.covers(9));
        assert_eq!(batch.index_of(11), 1);
        assert_eq!(batch.index_of(13), 3);
        Ok(())
    }

    #[test]
    fn duplicates_are_shown_once() -> Result {
        // A task that left during the walk and came back is offered twice.
        let batch = collect(8, 0, &[7, 3, 7, 3, 9])?;
        assert_eq!(ids(&batch), &[3, 7, 9]);
        assert!(batch.is_complete());
        // Duplicates take room: what they push out is left to the next
        // batch, not lost.
        let batch = collect(4, 0, &[7, 3, 7, 3, 9])?;
        assert_eq!(ids(&batch), &[3, 7]);
        assert!(!batch.is_complete() && batch.covers(7) && !batch.covers(8));
        Ok(())
    }

    #[test]
    fn consecutive_batches_list_every_id_once() -> Result {
        // 100 ids in a scrambled order, read 7 at a time.
        let mut offered = KVec::new();
        for i in 0..100 {
            offered.push((i * 37) % 100 + 1, GFP_KERNEL)?;
        }
        let mut seen = 0;
        let mut pos = 0;
        loop {
            let batch = collect(7, pos, &offered)?;
            for &id in ids(&batch) {
                seen += 1;
                assert_eq!(id, seen);
            }
            let Some(&last) = ids(&batch).last() else {
                break;
            };
            if batch.is_complete() {
                break;
            }
            pos = i64::from(last) + 1;
        }
        assert_eq!(seen, 100);
        Ok(())
    }
}
