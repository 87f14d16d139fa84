// SPDX-License-Identifier: GPL-2.0

//! The release agent: run once a `notify_on_release` container has
//! neither tasks nor children left.
//!
//! Exit, attach and rmdir only queue the container's work item, without
//! taking any lock; the work item checks under the tree lock that the
//! container is still releasable and then runs the agent with no lock
//! held, without waiting for it to finish.

use crate::{
    container::{Container, TREE},
    glue,
};
use kernel::{prelude::*, sync::Arc, workqueue::WorkItem};

impl WorkItem for Container {
    type Pointer = Arc<Container>;

    fn run(this: Arc<Container>) {
        // Both fit in a path buffer: nothing is allocated under the lock.
        let (Ok(mut agent), Ok(mut path)) = (glue::path_buffer(), glue::path_buffer()) else {
            return;
        };
        {
            let tree = TREE.lock();
            if !this.should_release(&tree) || tree.release_agent.is_empty() {
                return;
            }
            if agent
                .extend_from_slice(&tree.release_agent, GFP_KERNEL)
                .is_err()
                || this.path(&mut path).is_err()
            {
                return;
            }
        }
        // A failure to start the agent (say, it does not exist) is not the
        // kernel's problem, as with cgroup v1's agent.
        let _ = glue::run_release_agent(agent, path);
    }
}
