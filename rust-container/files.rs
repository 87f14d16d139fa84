// SPDX-License-Identifier: GPL-2.0

//! The built-in control files: `tasks`, `notify_on_release`,
//! `max_depth`, `max_descendants`, `stat` and, in the root only,
//! `release_agent`. `events` and `kill` have modules of their own.

use crate::{
    container::{Container, Limits, NO_LIMIT, TREE},
    glue::{self, TaskExt},
    input, membership,
};
use kernel::{
    bindings,
    prelude::*,
    seq_file::{seq_print, SeqFile},
    sync::{atomic::ordering::Relaxed, ArcBorrow},
};

/// Reading `stat`. Takes no lock that fork or exit take: the task count
/// is a copy kept for it, the root's is counted as its `tasks` would
/// list them, and the number of descendants is under the tree lock.
pub(crate) fn show_stat(container: &Container, sf: &SeqFile) -> Result {
    let nr_tasks = if container.is_root() {
        let mut n: usize = 0;
        membership::for_each_root_task_id(&glue::PidNs::current(), 1, |_| {
            n += 1;
            true
        });
        n
    } else {
        container.nr_tasks.load(Relaxed)
    };
    let descendants = container.limits.as_ref(&TREE.lock()).descendants;
    seq_print!(
        sf,
        "nr_tasks {}\nnr_descendants {}\nnr_removed_descendants {}\ndepth {}\n",
        nr_tasks,
        descendants,
        container.removed_below.load(Relaxed),
        container.depth()
    );
    Ok(())
}

/// Longest release agent path, without the terminating NUL.
const AGENT_MAX: usize = bindings::PATH_MAX as usize - 1;

/// Writing `tasks`: moves one thread, given by its id in the writer's pid
/// namespace (0: the writer). The opener of the file must be root or own
/// the thread.
pub(crate) fn write_tasks(
    container: ArcBorrow<'_, Container>,
    file: *mut bindings::file,
    buf: &[u8],
) -> Result {
    let pid = input::parse_pid(buf)?;
    let task = glue::find_task(pid).ok_or(ESRCH)?;
    if task.is_kthread() {
        return Err(EINVAL);
    }
    if !glue::opener_may_move(file, &task) {
        return Err(EACCES);
    }
    let tree = TREE.lock();
    if container.is_removed() {
        return Err(ENODEV);
    }
    membership::attach(&task, container, &tree)
}

pub(crate) fn show_notify(container: &Container, sf: &SeqFile) -> Result {
    seq_print!(
        sf,
        "{}\n",
        u8::from(container.notify_on_release.load(Relaxed))
    );
    Ok(())
}

pub(crate) fn write_notify(container: &Container, buf: &[u8]) -> Result {
    let notify = input::parse_flag(buf)?;
    container.notify_on_release.store(notify, Relaxed);
    Ok(())
}

/// Which limit a file shows.
pub(crate) type LimitField = fn(&mut Limits) -> &mut u32;

pub(crate) fn max_depth(limits: &mut Limits) -> &mut u32 {
    &mut limits.max_depth
}

pub(crate) fn max_descendants(limits: &mut Limits) -> &mut u32 {
    &mut limits.max_descendants
}

/// Reading `max_depth` or `max_descendants`: `max` or the number.
pub(crate) fn show_limit(container: &Container, sf: &SeqFile, field: LimitField) -> Result {
    let value = *field(container.limits.as_mut(&mut TREE.lock()));
    if value == NO_LIMIT {
        glue::seq_write(sf, b"max\n");
    } else {
        seq_print!(sf, "{}\n", value);
    }
    Ok(())
}

/// Writing `max_depth` or `max_descendants`: `max`, or a number from 0 to
/// `INT_MAX`. A limit below what the subtree has already only stops new
/// containers.
pub(crate) fn write_limit(container: &Container, buf: &[u8], field: LimitField) -> Result {
    let value = input::parse_limit(buf)?.unwrap_or(NO_LIMIT);
    *field(container.limits.as_mut(&mut TREE.lock())) = value;
    Ok(())
}

pub(crate) fn show_agent(sf: &SeqFile) -> Result {
    let tree = TREE.lock();
    glue::seq_write(sf, &tree.release_agent);
    glue::seq_write(sf, b"\n");
    Ok(())
}

/// Writing `release_agent`: the program run on release; empty disables
/// it. The agent runs with full privileges, so only `CAP_SYS_ADMIN` in
/// the initial user namespace may choose it.
pub(crate) fn write_agent(file: *mut bindings::file, buf: &[u8]) -> Result {
    if !glue::may_set_release_agent(file) {
        return Err(EPERM);
    }
    let agent = input::strip(buf);
    if agent.len() > AGENT_MAX {
        return Err(E2BIG);
    }
    // A NUL would cut the path short; a newline would make reading it
    // back ambiguous.
    if agent.contains(&0) || agent.contains(&b'\n') {
        return Err(EINVAL);
    }
    let mut new = KVec::with_capacity(agent.len(), GFP_KERNEL)?;
    new.extend_from_slice(agent, GFP_KERNEL)?;
    TREE.lock().release_agent = new;
    Ok(())
}
