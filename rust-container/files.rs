// SPDX-License-Identifier: GPL-2.0

//! The built-in control files: `tasks`, `notify_on_release` and, in the
//! root only, `release_agent`.

use crate::{
    container::{Container, TREE},
    glue::{self, TaskExt},
    input, membership,
};
use kernel::{
    bindings,
    prelude::*,
    seq_file::{seq_print, SeqFile},
    sync::{atomic::ordering::Relaxed, ArcBorrow},
};

/// Longest release agent path, without the terminating NUL.
const AGENT_MAX: usize = bindings::PATH_MAX as usize - 1;

/// Reading `tasks`: the ids of the container's tasks, ascending, as the
/// reader's pid namespace sees them; shown one per line.
pub(crate) fn task_ids(container: &Container) -> Result<KVVec<i32>> {
    membership::task_ids(container, glue::current_pid_ns())
}

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
