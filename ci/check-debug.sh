#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check-debug: the whole kselftest suite on the debug kernel
# (KASAN, lockdep, RCU and list debugging, UBSAN, kmemleak, fault
# injection), a kmemleak scan at the end, and a failure on any report in
# the console or the kernel log. The last line is the test count.
source "$(dirname "$0")/lib.sh"

results=$BUILD_ROOT/results
prepare_test_run debug

rm -rf "$results/debug"
log "booting kernel-debug: all kselftests, then a kmemleak scan"
# 3 GiB: tasks_scale_test starts 20,000 threads, whose stacks KASAN doubles.
# no5lvl: with QEMU's -cpu max the kernel runs 5-level paging, and once,
# on a busy host, KASAN reported a wild access by an interrupt taken in
# identify_boot_cpu(), before any code of ours ran (a direct-map address
# checked against the 4-level shadow bounds while the CPU's features are
# detected again). That report turns lockdep off for the whole run.
"$TOP/qemu/run" --variant debug --check --cpus 4 --skip containers:disabled_test.sh \
	--append "pc.kmemleak=scan no5lvl" --memory 3072 --out "$results/debug" --timeout 3600 || true

log "console log: $results/debug/console.log, kernel log: kernel.log"
python3 "$TOP/ci/ktap-summary.py" debug="$results/debug"
