// SPDX-License-Identifier: GPL-2.0

//! The release agent: run once a `notify_on_release` container has
//! neither tasks nor children left.
//!
//! Exit, attach and rmdir only queue the container's work item, without
//! taking any lock, on the workqueue of the release agents, which runs
//! at most `CONTAINER_RELEASE_AGENTS_MAX` of them at once. The work item
//! checks under the tree lock that the container is still releasable,
//! then runs the agent with no lock nor reference held, and waits for it
//! to exit, so that no more agents run than the workqueue allows.

use crate::{
    container::{Container, TREE},
    glue,
};
use kernel::{prelude::*, sync::Arc, workqueue::WorkItem};

impl WorkItem for Container {
    type Pointer = Arc<Container>;

    fn run(this: Arc<Container>) {
        let invocation = || -> Result<Option<(KVec<u8>, KVec<u8>)>> {
            // Both fit in a path buffer: nothing is allocated under the lock.
            let (mut agent, mut path) = (glue::path_buffer()?, glue::path_buffer()?);
            let tree = TREE.lock();
            if !this.should_release(&tree) || tree.release_agent.is_empty() {
                return Ok(None);
            }
            agent.extend_from_slice(&tree.release_agent, GFP_KERNEL)?;
            this.path(&mut path)?;
            Ok(Some((agent, path)))
        };
        let invocation = invocation();
        // No reference is held while the agent runs: a queued release is
        // the only thing that keeps a removed container alive.
        drop(this);
        match invocation {
            // A failure to start the agent (say, it does not exist) is not
            // the kernel's problem, as with cgroup v1's agent.
            Ok(Some((agent, path))) => {
                let _ = glue::run_release_agent(agent, path);
            }
            Ok(None) => {}
            Err(e) => pr_warn!("a release could not be delivered ({:?})\n", e),
        }
    }
}
