#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Proves the test pipeline end to end: the guest booted the kernel that was
# built, the pseudo filesystems the other tests rely on are mounted, and
# the kernel's KUnit suites (Rust doctests and the container core's own
# tests) ran and reported into the kernel log.

DIR=$(dirname "$(readlink -f "$0")")
. "$DIR/../kselftest/ktap_helpers.sh"

ktap_print_header
ktap_set_plan 6

# uname comes from the kernel itself; the source tree is 7.3.
case $(uname -r) in
7.3*) ktap_test_pass "booted kernel reports release $(uname -r)" ;;
*) ktap_test_fail "booted kernel reports release $(uname -r), expected 7.3.x" ;;
esac

if [ "$(cat /proc/1/comm 2>/dev/null)" = init ] && [ -r /proc/self/status ]; then
	ktap_test_pass "procfs mounted and pid 1 is the test init"
else
	ktap_test_fail "procfs not mounted or pid 1 is not the test init"
fi

fs_mounted() {
	awk -v t="$1" -v m="$2" '$2 == m && $3 == t { found = 1 } END { exit !found }' /proc/mounts
}
ktap_test_result "sysfs mounted at /sys" fs_mounted sysfs /sys
ktap_test_result "devtmpfs mounted at /dev" fs_mounted devtmpfs /dev

# KUnit prints a "# Subtest: NAME" line per suite and "ok N NAME" or
# "not ok N NAME" when the suite ends.
log=/tmp/pipeline-dmesg.$$
dmesg >"$log"
suites=$(grep -c '# Subtest: ' "$log")
ended=$(grep -cE '\] (not )?ok [0-9]+ [A-Za-z_]' "$log")
if [ "$suites" -gt 0 ]; then
	ktap_test_pass "kernel log holds $suites KUnit suite headers"
else
	ktap_test_fail "kernel log holds no KUnit suite header"
fi
if grep -q '# Subtest: rust_doctests_kernel' "$log" &&
	grep -qE '\] (not )?ok [0-9]+ rust_doctests_kernel$' "$log"; then
	ktap_test_pass "the Rust doctests suite ran to its end ($ended results)"
else
	ktap_test_fail "the Rust doctests suite did not report a result"
fi
rm -f "$log"

ktap_finished
