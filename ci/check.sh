#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The whole test suite (make check): build what is stale, boot the
# containers-on kernel and run every kselftest, boot the containers-off
# kernel and check that the interface is absent, then summarise the
# kselftest and KUnit results of both boots and fail on any kernel splat.
# The last line is "N passed, N failed, N skipped".
source "$(dirname "$0")/lib.sh"

results=$BUILD_ROOT/results
prepare_test_run on off

rm -rf "$results"
log "booting kernel-on: all kselftests"
# 2 GiB: tasks_scale_test starts 20,000 threads in the root container.
"$TOP/qemu/run" --variant on --check \
	--skip containers:disabled_test.sh,containers:fault_test \
	--memory 2048 --out "$results/on" --timeout 1800 || true
log "booting kernel-off: the interface must be absent"
"$TOP/qemu/run" --variant off --check \
	--tests containers:pipeline_test.sh,containers:disabled_test.sh \
	--out "$results/off" --timeout 600 || true

log "console logs: $results/{on,off}/console.log, kernel logs: kernel.log"
python3 "$TOP/ci/ktap-summary.py" on="$results/on" off="$results/off"
