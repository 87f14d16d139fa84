#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# notify_on_release: what it reads, which writes it accepts (an unsigned
# integer in base 0, surrounding white space ignored, non-zero sets) and
# which it refuses (EINVAL, E2BIG past 64 bytes) without changing the
# value, and how a new container inherits it from its parent.
#
# Every write is a single write() from ash's echo builtin, so the bytes
# reach the kernel exactly as given. A zero-length write cannot be made
# from the shell (busybox does not call write() for nothing to write), so
# "empty" is checked as "\n": empty once the white space is stripped.

DIR=$(dirname "$(readlink -f "$0")")
. "$DIR/../kselftest/ktap_helpers.sh"
. "$DIR/containers_helpers.sh"

CROOT=/dev/container
T=$CROOT/notify_test_$$
NL='
'

ktap_print_header
if ! grep -qw container /proc/filesystems; then
	ktap_skip_all "kernel without CONFIG_CONTAINERS"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 21

# result DESCRIPTION CMD...: one KTAP result, CMD's arguments kept whole
# (ktap_test_result would split them at white space).
result() {
	_desc=$1
	shift
	if "$@"; then
		ktap_test_pass "$_desc"
	else
		ktap_test_fail "$_desc"
	fi
}

# put FILE DATA: DATA, as is, into FILE with one write().
put() {
	echo -n "$2" >"$1"
}

# value FILE: FILE holds exactly "0\n" or "1\n"; prints the digit.
value() {
	case $(od -An -c "$1" | tr -d ' ') in
	'0\n') echo 0 ;;
	'1\n') echo 1 ;;
	*) echo "bad:$(od -An -c "$1" | tr -d ' ')" ;;
	esac
}

# show DATA: DATA with its white space visible, for messages.
show() {
	printf '%s' "$1" | od -An -c | tr -s ' '
}

# set_to FILE 0|1: sets FILE and checks it took.
set_to() {
	put "$1" "$2" && [ "$(value "$1")" = "$2" ]
}

cleanup() {
	[ -d "$T" ] && find "$T" -depth -type d -exec rmdir {} + 2>/dev/null
	[ -n "$AGENT_SAVED" ] && echo "$AGENT" >"$CROOT/release_agent" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The containers here become releasable when they are removed; keep the
# release agent (if another test left one) out of the way meanwhile.
AGENT=$(cat "$CROOT/release_agent" 2>/dev/null)
AGENT_SAVED=
if [ -n "$AGENT" ] && echo >"$CROOT/release_agent" 2>/dev/null; then
	AGENT_SAVED=1
fi

ROOT_VALUE=$(value "$CROOT/notify_on_release")
if [ "$ROOT_VALUE" = 0 ]; then
	ktap_test_pass "the root's notify_on_release reads 0"
else
	ktap_test_fail "the root's notify_on_release reads 0 (got $ROOT_VALUE)"
fi

mkdir "$T" || ktap_exit_fail_msg "cannot create $T"
F=$T/notify_on_release

# accepted DATA EXPECTED: the write succeeds and the file then reads
# EXPECTED; the value is first set to the other one, so that the write
# has to change it.
accepted() {
	_other=$((1 - $2))
	set_to "$F" "$_other" || { ktap_print_msg "cannot set $_other"; return 1; }
	if ! run put "$F" "$1"; then
		ktap_print_msg "writing '$(show "$1")' failed: $ERR"
		return 1
	fi
	_got=$(value "$F")
	[ "$_got" = "$2" ] && return 0
	ktap_print_msg "after writing '$(show "$1")' it reads $_got, expected $2"
	return 1
}

for case in "0 0" "1 1" "2 1" "0x1 1" "010 1" "0x0 0" "+1 1"; do
	set -- $case
	result "writing '$1' is accepted and reads back $2" accepted "$1" "$2"
done
result "writing ' 1\\n' (white space around) is accepted and reads back 1" \
	accepted " 1$NL" 1
result "writing '0\\n' (echo 0) is accepted and reads back 0" accepted "0$NL" 0

# rejected DATA ERRTEXT: the write fails with ERRTEXT and the value does
# not change, whether it was 0 or 1.
rejected() {
	for _before in 0 1; do
		set_to "$F" "$_before" || { ktap_print_msg "cannot set $_before"; return 1; }
		if run put "$F" "$1"; then
			ktap_print_msg "writing '$(show "$1")' succeeded"
			return 1
		fi
		case $ERR in
		*"$2"*) ;;
		*)
			ktap_print_msg "writing '$(show "$1")' failed with '$ERR', expected '$2'"
			return 1
			;;
		esac
		_got=$(value "$F")
		if [ "$_got" != "$_before" ]; then
			ktap_print_msg "writing '$(show "$1")' changed $_before to $_got"
			return 1
		fi
	done
}

for bad in -1 ltp 0ddd 1ddd; do
	result "writing '$bad' is EINVAL and changes nothing" \
		rejected "$bad" "Invalid argument"
done
result "writing '\\n' (empty after stripping) is EINVAL and changes nothing" \
	rejected "$NL" "Invalid argument"

# 64 bytes are the limit: "0...01" (octal 1) of 64 bytes is accepted,
# one byte more is E2BIG whatever it holds.
ONE_64=$(printf '%064d' 1)
ONE_65=$(printf '%065d' 1)
result "a write of 64 bytes is accepted" accepted "$ONE_64" 1
result "a write of 65 bytes is E2BIG and changes nothing" \
	rejected "$ONE_65" "Argument list too long"

# inherits PARENT VALUE CHILD: with PARENT set to VALUE, mkdir CHILD gives
# a child reading VALUE.
inherits() {
	set_to "$1/notify_on_release" "$2" || return 1
	mkdir "$3" || return 1
	_got=$(value "$3/notify_on_release")
	[ "$_got" = "$2" ] && return 0
	ktap_print_msg "$3 reads $_got, its parent $2"
	return 1
}
result "a child created under notify_on_release=1 reads 1" \
	inherits "$T" 1 "$T/one"
result "a child created under notify_on_release=0 reads 0" \
	inherits "$T" 0 "$T/zero"

t_grandchild() {
	# from its own parent, not from the root or the grandparent
	set_to "$T/notify_on_release" 0 || return 1
	inherits "$T/one" 1 "$T/one/g1" || return 1
	inherits "$T/zero" 0 "$T/zero/g0" || return 1
	set_to "$T/zero/notify_on_release" 1 || return 1
	inherits "$T/zero" 1 "$T/zero/g1"
}
result "a grandchild inherits from its own parent" t_grandchild

t_no_propagation() {
	# children that differ from what the parent is about to become
	set_to "$T/notify_on_release" 0 || return 1
	set_to "$T/one/notify_on_release" 1 || return 1
	set_to "$T/zero/notify_on_release" 0 || return 1
	for _p in 1 0 1 0; do
		set_to "$T/notify_on_release" "$_p" || return 1
		_one=$(value "$T/one/notify_on_release")
		_zero=$(value "$T/zero/notify_on_release")
		if [ "$_one" != 1 ] || [ "$_zero" != 0 ]; then
			ktap_print_msg "with the parent at $_p the children read" \
				"$_one and $_zero, expected 1 and 0"
			return 1
		fi
	done
	# nor do changes of a child reach its parent, siblings or children
	set_to "$T/one/notify_on_release" 0 || return 1
	_g=$(value "$T/one/g1/notify_on_release")
	_p=$(value "$T/notify_on_release")
	_s=$(value "$T/zero/notify_on_release")
	_r=$(value "$CROOT/notify_on_release")
	if [ "$_g" != 1 ] || [ "$_p" != 0 ] || [ "$_s" != 0 ] || [ "$_r" != "$ROOT_VALUE" ]; then
		ktap_print_msg "a child's change moved others: child's child $_g, parent $_p," \
			"sibling $_s, root $_r"
		return 1
	fi
}
result "later changes of a parent do not change existing children" \
	t_no_propagation

ktap_finished
