#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Container trees of many shapes, as LTP's cgroup_fj_stress.sh builds
# them: WIDTH children per container, DEPTH levels below a top container.
# For every shape the tree is built once and used in three modes, one
# KTAP result each:
#   none  no task is moved anywhere;
#   one   one task is moved through every container in turn, and each
#         move is checked in the tasks files and in /proc/<pid>/container;
#   each  one task per container (per leaf for the big shapes, a bounded
#         subset of the leaves for the biggest ones, see EACH_MAX).
# After each mode its tasks are killed and reaped and no tasks file may
# list them any more. After the last mode the whole tree must go away
# with one rmdir per container, deepest first, at the first attempt;
# nothing may be left behind and init must still be in the root.
#
# The tree is built once per shape because rmdir is the slow part: about
# 12 ms per container under QEMU TCG (each waits for an RCU grace period).
# Every write and read of a control file is done by the shell itself
# (echo and read are builtins), so a thousand of them take little time
# even under an emulator.

DIR=$(dirname "$(readlink -f "$0")")
. "$DIR/../kselftest/ktap_helpers.sh"

CROOT=/dev/container
T=$CROOT/stress_test_$$
SHAPES="2,9 10,3 1,200 200,1"
MODES="none one each"
# At most this many sleeping tasks at once in mode "each".
EACH_MAX=512
PIDS=

ktap_print_header
if ! grep -qw container /proc/filesystems; then
	ktap_skip_all "kernel without CONFIG_CONTAINERS"
	exit "$KSFT_SKIP"
fi
ktap_set_plan $(($(echo $SHAPES | wc -w) * $(echo $MODES | wc -w)))

# now: seconds since boot, with hundredths, for the timing messages.
now() {
	read -r _up _idle </proc/uptime
	echo "$_up"
}

elapsed() {
	awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'
}

# Number of directories directly in the root.
root_dirs() {
	find "$CROOT" -mindepth 1 -maxdepth 1 -type d | wc -l
}

kill_all() {
	[ -n "$PIDS" ] || return 0
	kill -9 $PIDS 2>/dev/null
	for _p in $PIDS; do
		wait "$_p" 2>/dev/null
	done
	PIDS=
}

cleanup() {
	kill_all
	[ -d "$T" ] && find "$T" -depth -type d -exec rmdir {} + 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# build WIDTH DEPTH: creates the tree below $T. NODES lists every
# container, parents first; REVERSE lists them deepest first; LEAVES the
# containers of the last level; NNODES and NLEAVES count them.
build() {
	_kids=$(seq "$1")
	_level=$T
	NODES=
	REVERSE=
	NNODES=0
	for _d in $(seq "$2"); do
		_next=
		for _p in $_level; do
			for _k in $_kids; do
				_next="$_next $_p/$_k"
				REVERSE="$_p/$_k $REVERSE"
				NNODES=$((NNODES + 1))
			done
		done
		NODES="$NODES $_next"
		_level=$_next
	done
	LEAVES=$_level
	NLEAVES=$(echo $LEAVES | wc -w)
	if ! mkdir "$T"; then
		ktap_print_msg "mkdir $T failed"
		return 1
	fi
	# One mkdir process for all of them: parents come first in NODES.
	if ! mkdir $NODES; then
		ktap_print_msg "creating the $NNODES containers failed"
		return 1
	fi
	_n=$(find "$T" -mindepth 1 -type d | wc -l)
	if [ "$_n" -ne "$NNODES" ]; then
		ktap_print_msg "$_n containers below $T, expected $NNODES"
		return 1
	fi
}

# count_listed: the number of lines in the tasks files of all the nodes.
count_listed() {
	_total=0
	for _n in $NODES; do
		while read -r _l; do
			_total=$((_total + 1))
		done <"$_n/tasks"
	done
	echo "$_total"
}

# teardown: kill and reap every task, then remove the tree, deepest
# first, one rmdir each, with no retry; check nothing is left.
teardown() {
	kill_all
	if ! rmdir $REVERSE; then
		ktap_print_msg "removing the containers after the tasks were reaped failed"
		return 1
	fi
	if ! rmdir "$T"; then
		ktap_print_msg "removing $T failed"
		return 1
	fi
	if [ -e "$T" ]; then
		ktap_print_msg "$T is still there"
		return 1
	fi
	_n=$(root_dirs)
	if [ "$_n" -ne "$BASE_DIRS" ]; then
		ktap_print_msg "$_n directories in $CROOT, $BASE_DIRS before the test"
		return 1
	fi
	if ! grep -qx 1 "$CROOT/tasks"; then
		ktap_print_msg "init (pid 1) is not listed in the root's tasks"
		return 1
	fi
}

mode_none() {
	_n=$(count_listed)
	if [ "$_n" -ne 0 ]; then
		ktap_print_msg "$_n tasks listed in a tree nobody was moved to"
		return 1
	fi
}

mode_one() {
	sleep 1000 >/dev/null 2>&1 </dev/null &
	_pid=$!
	PIDS=$_pid
	_prev=$CROOT
	_moves=0
	for _n in $NODES; do
		if ! echo "$_pid" >"$_n/tasks"; then
			ktap_print_msg "moving $_pid to $_n failed"
			return 1
		fi
		_c=
		read -r _c <"/proc/$_pid/container"
		if [ "$_c" != "${_n#$CROOT}" ]; then
			ktap_print_msg "/proc/$_pid/container reads '$_c', expected '${_n#$CROOT}'"
			return 1
		fi
		_t=
		read -r _t <"$_n/tasks"
		if [ "$_t" != "$_pid" ]; then
			ktap_print_msg "$_n/tasks starts with '$_t', expected $_pid"
			return 1
		fi
		if [ "$_prev" = "$CROOT" ]; then
			if grep -qx "$_pid" "$CROOT/tasks"; then
				ktap_print_msg "$_pid still listed in the root after its first move"
				return 1
			fi
		else
			_t=
			read -r _t <"$_prev/tasks"
			if [ -n "$_t" ]; then
				ktap_print_msg "$_prev/tasks still lists '$_t' after the move"
				return 1
			fi
		fi
		_prev=$_n
		_moves=$((_moves + 1))
	done
	[ "$_moves" -eq "$NNODES" ] || return 1
	_n=$(count_listed)
	if [ "$_n" -ne 1 ]; then
		ktap_print_msg "$_n tasks listed in the tree, expected 1"
		return 1
	fi
}

# pick_each: the containers that get a task in mode "each", in TARGETS,
# and a description of the choice in PICKED.
pick_each() {
	if [ "$NNODES" -le "$EACH_MAX" ]; then
		TARGETS=$NODES
		PICKED="$NNODES tasks, one per container"
		return
	fi
	if [ "$NLEAVES" -le "$EACH_MAX" ]; then
		TARGETS=$LEAVES
		PICKED="$NLEAVES tasks, one per leaf"
		return
	fi
	_step=$(((NLEAVES + EACH_MAX - 1) / EACH_MAX))
	TARGETS=
	_i=0
	_count=0
	for _n in $LEAVES; do
		if [ $((_i % _step)) -eq 0 ]; then
			TARGETS="$TARGETS $_n"
			_count=$((_count + 1))
		fi
		_i=$((_i + 1))
	done
	PICKED="$_count tasks, in 1 of every $_step of the $NLEAVES leaves (bounded subset)"
}

mode_each() {
	_placed=
	_count=0
	for _n in $TARGETS; do
		sleep 1000 >/dev/null 2>&1 </dev/null &
		PIDS="$PIDS $!"
		if ! echo "$!" >"$_n/tasks"; then
			ktap_print_msg "moving $! to $_n failed"
			return 1
		fi
		_placed="$_placed $!:$_n"
		_count=$((_count + 1))
	done
	# All of them are in place at the same time.
	for _e in $_placed; do
		_pid=${_e%%:*}
		_n=${_e#*:}
		_c=
		read -r _c <"/proc/$_pid/container"
		if [ "$_c" != "${_n#$CROOT}" ]; then
			ktap_print_msg "/proc/$_pid/container reads '$_c', expected '${_n#$CROOT}'"
			return 1
		fi
		_lines=0
		while read -r _t; do
			_lines=$((_lines + 1))
			if [ "$_t" != "$_pid" ]; then
				ktap_print_msg "$_n/tasks lists '$_t', expected only $_pid"
				return 1
			fi
		done <"$_n/tasks"
		if [ "$_lines" -ne 1 ]; then
			ktap_print_msg "$_n/tasks has $_lines lines, expected 1"
			return 1
		fi
	done
	_n=$(count_listed)
	if [ "$_n" -ne "$_count" ]; then
		ktap_print_msg "$_n tasks listed in the tree, expected $_count"
		return 1
	fi
}

# no_tasks_left: after its tasks were killed and reaped, the tree lists
# none of them: a task leaves its container in do_exit().
no_tasks_left() {
	_n=$(count_listed)
	if [ "$_n" -ne 0 ]; then
		ktap_print_msg "$_n tasks still listed in the tree after they were reaped"
		return 1
	fi
}

BASE_DIRS=$(root_dirs)
for shape in $SHAPES; do
	width=${shape%,*}
	depth=${shape#*,}
	start=$(now)
	built=1
	build "$width" "$depth" || built=0
	for mode in $MODES; do
		ok=$built
		PICKED=
		if [ "$built" = 1 ]; then
			[ "$mode" = each ] && pick_each
			"mode_$mode" || ok=0
			kill_all
			no_tasks_left || ok=0
		fi
		desc="width $width depth $depth ($NNODES containers) mode $mode"
		[ -n "$PICKED" ] && desc="$desc: $PICKED"
		if [ "$mode" = each ]; then
			# the last mode ends with the tree removed
			teardown || ok=0
			# whatever failed, the next shape starts from nothing
			cleanup
			desc="$desc, then the tree removed"
		fi
		ktap_print_msg "width $width depth $depth mode $mode done at $(elapsed "$start") s"
		if [ "$ok" = 1 ]; then
			ktap_test_pass "$desc"
		else
			ktap_test_fail "$desc"
		fi
	done
done

ktap_finished
