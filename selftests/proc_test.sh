#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /proc/<pid>/container and /proc/<pid>/task/<tid>/container: the path of
# the task's container from the root and a newline; ESRCH once the task
# is gone.

DIR=$(dirname "$(readlink -f "$0")")
. "$DIR/../kselftest/ktap_helpers.sh"

ktap_print_header
if [ ! -e /proc/self/container ] && ! grep -qw 'pc.containers=on' /proc/cmdline; then
	ktap_skip_all "kernel without CONFIG_CONTAINERS"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 5

# The file must hold exactly "/\n" (od shows the bytes).
is_root_path() {
	[ "$(od -An -c "$1" 2>/dev/null | tr -d ' ')" = '/\n' ]
}

ktap_test_result "/proc/self/container reads the root path" is_root_path /proc/self/container
ktap_test_result "/proc/self/task/<tid>/container reads the root path" \
	is_root_path "/proc/$$/task/$$/container"
ktap_test_result "/proc/1/container reads the root path" is_root_path /proc/1/container

sleep 100 &
victim=$!
exec 3<"/proc/$victim/container"
kill -9 "$victim"
wait "$victim" 2>/dev/null
err=$(cat <&3 2>&1 >/dev/null)
exec 3<&-
case $err in
*"No such process"*) ktap_test_pass "reading the file of a reaped task gives ESRCH" ;;
*) ktap_test_fail "reading the file of a reaped task gives ESRCH (got: ${err:-success})" ;;
esac

if [ -e "/proc/$victim/container" ]; then
	ktap_test_fail "the entry of a reaped task is gone"
else
	ktap_test_pass "the entry of a reaped task is gone"
fi

ktap_finished
