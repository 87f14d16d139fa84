#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# On a kernel built with CONFIG_CONTAINERS=n, none of the interface may be
# there: no filesystem type, no /proc/<pid>/container, and mounting fails.
# The test runner boots that kernel with pc.containers=off on the command
# line; on any other kernel the test is skipped.

DIR=$(dirname "$(readlink -f "$0")")
. "$DIR/../kselftest/ktap_helpers.sh"

ktap_print_header
if ! grep -qw 'pc.containers=off' /proc/cmdline; then
	ktap_skip_all "only for the CONFIG_CONTAINERS=n kernel (pc.containers=off)"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 4

if grep -qw container /proc/filesystems; then
	ktap_test_fail "/proc/filesystems does not list container"
else
	ktap_test_pass "/proc/filesystems does not list container"
fi

if [ -e /proc/self/container ]; then
	ktap_test_fail "/proc/self/container does not exist"
else
	ktap_test_pass "/proc/self/container does not exist"
fi

if [ -e "/proc/self/task/$$/container" ]; then
	ktap_test_fail "/proc/self/task/<tid>/container does not exist"
else
	ktap_test_pass "/proc/self/task/<tid>/container does not exist"
fi

mnt=$(mktemp -d)
if mount -t container none "$mnt" 2>/dev/null; then
	umount "$mnt"
	ktap_test_fail "mount -t container fails"
else
	ktap_test_pass "mount -t container fails"
fi
rmdir "$mnt"

ktap_finished
