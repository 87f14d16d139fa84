// SPDX-License-Identifier: GPL-2.0

//! Process containers: the generic task-grouping core.
//!
//! Every task of the system belongs to exactly one container, and the
//! containers form a single tree whose root holds every task at boot. C
//! code reaches this crate only through the functions declared in
//! `include/linux/container.h`; everything behind them is here.

use kernel::{ffi::c_int, prelude::*};

// The parsers are used by the control files of the container filesystem;
// until it is built, only their KUnit tests use them.
#[cfg_attr(not(CONFIG_KUNIT = "y"), expect(dead_code))]
mod input;
#[cfg_attr(not(CONFIG_KUNIT = "y"), expect(dead_code))]
mod path;

/// Prefix of this crate's kernel log messages.
const __LOG_PREFIX: &[u8] = b"containers\0";

/// Early boot hook, called by `start_kernel()` before the allocator is up.
///
/// Nothing may be allocated here; it only exists so that the boot order
/// of the core is fixed in one place.
///
/// # Safety
///
/// Called once, by `start_kernel()`, on the boot CPU.
#[export]
pub unsafe extern "C" fn container_init_early() -> c_int {
    0
}

/// Boot hook, called by `start_kernel()` once allocation and workqueues
/// work and before the first task is forked.
///
/// # Safety
///
/// Called once, by `start_kernel()`, on the boot CPU.
#[export]
pub unsafe extern "C" fn container_init() -> c_int {
    pr_info!("process container core initialized\n");
    0
}
