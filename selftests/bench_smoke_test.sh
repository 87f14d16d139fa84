#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Keeps the benchmark programs of 'make bench' from rotting: container_bench
# runs once with tiny counts, with and without the container filesystem,
# and lock_bench once with tiny counts on the container filesystem; each
# must print every figure it promises (lock_bench: only where
# /proc/lock_stat exists), leave no group behind and refuse a bad command
# line. Nothing here is timed; the figures themselves mean nothing at this
# scale.

DIR=$(dirname "$(readlink -f "$0")")
. "$DIR/../kselftest/ktap_helpers.sh"

BENCH=$DIR/container_bench
LOCK_BENCH=$DIR/lock_bench
CROOT=/dev/container
OUT=/tmp/bench_smoke.$$

ktap_print_header
if ! grep -qw container /proc/filesystems; then
	ktap_skip_all "kernel without CONFIG_CONTAINERS"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 13

# The rows of the tiny scale (see tiny_scale in container_bench.c).
ROWS_NONE="fork_exit.root:ns thread.root:ns"
ROWS_CONTAINER="mkdir.siblings:ns memory.slab:bytes memory.total:bytes
rmdir.siblings:ns mkdir.chain10:ns rmdir.chain10:ns $ROWS_NONE
fork_exit.deep3:ns thread.deep3:ns fork_exit.bystander:ns thread.bystander:ns
fork_exit.watched:ns thread.watched:ns
fork_exit.notify:ns thread.notify:ns attach.move:ns tasks_read.quiet10:ns
tasks_read.quiet20:ns tasks_read.quiet30:ns tasks_read.busy10:ns
tasks_read.busy20:ns tasks_read.busy30:ns"

# rows_ok FILE: FILE has each of $rows, once, with its unit, and no other
# figure. (ktap_test_result splits its arguments again, so the list is
# not one.)
rows_ok() {
	_n=0
	for _row in $rows; do
		_key=${_row%:*}
		_unit=${_row#*:}
		if [ "$(grep -c "^pc-bench $_key -\{0,1\}[0-9][0-9]* $_unit\$" "$1")" != 1 ]; then
			ktap_print_msg "no single '$_key' figure in $_unit"
			return 1
		fi
		_n=$((_n + 1))
	done
	[ "$(grep -c '^pc-bench ' "$1")" = "$_n" ] &&
		grep -qx "pc-bench-done $_n" "$1"
}

# times_positive FILE: every time figure is above zero.
times_positive() {
	! grep '^pc-bench .* ns$' "$1" | awk '$3 <= 0 { bad = 1 } END { exit !bad }'
}

for fs in none container; do
	if [ $fs = none ]; then rows=$ROWS_NONE; else rows=$ROWS_CONTAINER; fi
	"$BENCH" --fs $fs --root $CROOT --scale tiny >"$OUT" 2>&1
	status=$?
	if [ $status = 0 ] && ! grep -q pc-bench-error "$OUT"; then
		ktap_test_pass "--fs $fs: the tiny run completes"
	else
		ktap_print_msg "exit status $status: $(cat "$OUT")"
		ktap_test_fail "--fs $fs: the tiny run completes"
	fi
	ktap_test_result "--fs $fs: every figure is printed once with its unit" rows_ok "$OUT"
	ktap_test_result "--fs $fs: every time is above zero" times_positive "$OUT"
done

# The figures of lock_bench's tiny run with its default container classes.
LOCK_CLASSES="container_members TREE POPULATION css_set_lock tasklist_lock"
lock_rows() {
	for _c in $LOCK_CLASSES; do
		echo "acq_per_fork.root.$_c:per_fork acq_per_fork.group.$_c:per_fork"
		echo "contention.root.$_c:count contention.group.$_c:count"
		echo "contention_per_1k_forks.root.$_c:per_1k_forks"
		echo "contention_per_1k_forks.group.$_c:per_1k_forks"
		echo "hold_max.reader200.$_c:us hold_max.reader500.$_c:us"
	done
	echo "forks.root:count forks.group:count reads.reader200:count"
	echo "reads.reader500:count forks.reader200:count forks.reader500:count"
}

# lock_rows_ok FILE: with lock statistics, each figure once and no other;
# without, none at all.
lock_rows_ok() {
	if [ ! -r /proc/lock_stat ]; then
		grep -q '^pc-bench-note no /proc/lock_stat' "$1" &&
			! grep -q '^pc-bench ' "$1" && grep -qx 'pc-bench-done 0' "$1"
		return
	fi
	_n=0
	for _row in $(lock_rows); do
		_key=${_row%:*}
		_unit=${_row#*:}
		if [ "$(grep -c "^pc-bench $_key [0-9][0-9.]* $_unit\$" "$1")" != 1 ]; then
			ktap_print_msg "no single '$_key' figure in $_unit"
			return 1
		fi
		_n=$((_n + 1))
	done
	[ "$(grep -c '^pc-bench ' "$1")" = "$_n" ] && grep -qx "pc-bench-done $_n" "$1"
}

"$LOCK_BENCH" --fs container --root $CROOT --scale tiny >"$OUT" 2>&1
status=$?
if [ $status = 0 ] && ! grep -q pc-bench-error "$OUT"; then
	ktap_test_pass "lock_bench: the tiny run completes"
else
	ktap_print_msg "exit status $status: $(tail -n 20 "$OUT")"
	ktap_test_fail "lock_bench: the tiny run completes"
fi
ktap_test_result "lock_bench: every figure is printed once (none without lock_stat)" \
	lock_rows_ok "$OUT"
lock_left() {
	_left=$(ls "$CROOT" | grep '^lock_bench\.')
	[ -z "$_left" ] || ktap_print_msg "left behind: $_left"
	[ -z "$_left" ]
}
ktap_test_result "lock_bench: no group is left behind" lock_left
"$LOCK_BENCH" --fs bogus >/dev/null 2>&1
status=$?
ktap_test_result "lock_bench: an unknown --fs is a usage error (status 2)" [ $status -eq 2 ]

no_groups_left() {
	_left=$(ls "$CROOT" | grep '^bench_')
	[ -z "$_left" ] || ktap_print_msg "left behind: $_left"
	[ -z "$_left" ]
}
ktap_test_result "no benchmark group is left behind" no_groups_left

in_root() {
	[ "$(cat /proc/self/container)" = / ]
}
ktap_test_result "this shell is still in the root container" in_root

"$BENCH" --fs bogus >/dev/null 2>&1
status=$?
ktap_test_result "an unknown --fs is a usage error (status 2)" [ $status -eq 2 ]

rm -f "$OUT"
ktap_finished
