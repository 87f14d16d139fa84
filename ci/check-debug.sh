#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check-debug: the whole kselftest suite on the debug kernel
# (KASAN, lockdep, RCU and list debugging, UBSAN, kmemleak, fault
# injection), a kmemleak scan at the end, and a failure on any report in
# the console or the kernel log. The last line is the test count.
source "$(dirname "$0")/lib.sh"

results=$BUILD_ROOT/results
fail_early() {
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

"$TOP/ci/install-deps.sh" || fail_early
out=$(python3 "$TOP/ci/test_ktap_summary.py" 2>&1) || { echo "$out"; fail_early; }
"$TOP/ci/fetch-kernel.sh" || fail_early
"$TOP/ci/prepare-tree.sh" || fail_early
"$TOP/ci/build-kernel.sh" debug || fail_early
"$TOP/qemu/mkinitramfs.sh" "$BUILD_ROOT/initramfs.cpio.gz" || fail_early

rm -rf "$results/debug"
log "booting kernel-debug: all kselftests, then a kmemleak scan"
"$TOP/qemu/run" --variant debug --check --skip containers:disabled_test.sh \
	--append "pc.kmemleak=scan" --out "$results/debug" --timeout 3600 || true

log "console log: $results/debug/console.log, kernel log: kernel.log"
python3 "$TOP/ci/ktap-summary.py" debug="$results/debug"
