#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The container filesystem: the 2006 shell walk-through (a shell moved
# into /Charlie, its children following it), one tree behind every mount
# and across umount/mount, and what mkdir, rmdir, rename, unlink, file
# creation, mknod and the files of a removed container answer.
#
# Errors are checked through the strerror text that busybox prints
# ("File exists" is EEXIST, and so on).

DIR=$(dirname "$(readlink -f "$0")")
. "$DIR/../kselftest/ktap_helpers.sh"
. "$DIR/containers_helpers.sh"

CROOT=/dev/container
NAME=fs_test_$$
T=$CROOT/$NAME
M2=/tmp/fs_test_m2.$$
OUT=/tmp/fs_test_out.$$
ORIG_DIR=$(pwd)
PIDS=
NL='
'

ktap_print_header
if ! grep -qw container /proc/filesystems; then
	ktap_skip_all "kernel without CONFIG_CONTAINERS"
	exit "$KSFT_SKIP"
fi
ktap_set_plan 33

# --- helpers ---------------------------------------------------------

# create FILE: the shell creates FILE, as ': > FILE' does.
create() {
	: >"$1"
}

# put FILE DATA: DATA, as is, into FILE with one write() (ash's echo).
put() {
	echo -n "$2" >"$1"
}

# container_of PID: the content of /proc/PID/container, without the newline.
container_of() {
	_c=
	read -r _c <"/proc/$1/container"
	echo "$_c"
}

# in_container PID PATH: /proc/PID/container reads PATH.
in_container() {
	_got=$(container_of "$1")
	[ "$_got" = "$2" ] && return 0
	ktap_print_msg "/proc/$1/container reads '$_got'; expected '$2'"
	return 1
}

# lists DIR PID: DIR/tasks holds the line PID.
lists() {
	grep -qx "$2" "$1/tasks"
}

# start_sleeper: a background task, its pid in SLEEPER.
start_sleeper() {
	sleep 1000 >/dev/null 2>&1 </dev/null &
	SLEEPER=$!
	PIDS="$PIDS $SLEEPER"
}

# stop PID: kills and reaps it.
stop() {
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	_p=
	for _x in $PIDS; do
		[ "$_x" = "$1" ] || _p="$_p $_x"
	done
	PIDS=$_p
}

is_mounted() {
	awk -v m="$1" '$2 == m && $3 == "container" { f = 1 } END { exit !f }' /proc/mounts
}

# rm_tree DIR: removes a container tree, the deepest directories first.
rm_tree() {
	[ -d "$1" ] || return 0
	find "$1" -depth -type d -exec rmdir {} + 2>/dev/null
	[ ! -d "$1" ]
}

cleanup() {
	cd "$ORIG_DIR" 2>/dev/null || cd /
	exec 3<&- 4>&- 5>&-
	[ -w "$CROOT/tasks" ] && echo $$ >"$CROOT/tasks" 2>/dev/null
	for p in $PIDS; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	PIDS=
	if is_mounted "$M2"; then
		umount "$M2"
	fi
	rmdir "$M2" 2>/dev/null
	if ! is_mounted "$CROOT"; then
		mkdir -p "$CROOT"
		mount -t container none "$CROOT"
	fi
	rm_tree "$T"
	rm_tree "$CROOT/Charlie"
	rm -rf "$OUT"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! mkdir "$T"; then
	ktap_exit_fail_msg "cannot create $T"
fi

# --- the 2006 walk-through -------------------------------------------

t_walk_mkdir() {
	expect_ok mkdir "$CROOT/Charlie" && [ -f "$CROOT/Charlie/tasks" ]
}
ktap_test_result "walk-through: mkdir /dev/container/Charlie" t_walk_mkdir

t_walk_move() {
	# The shell itself writes its own pid, as in the walk-through.
	echo $$ >"$CROOT/Charlie/tasks" || return 1
	in_container $$ /Charlie
}
ktap_test_result "walk-through: echo \$\$ > Charlie/tasks moves the shell" t_walk_move

t_walk_self() {
	# read is a shell builtin: /proc/self is the shell here ...
	_c=
	read -r _c </proc/self/container
	[ "$_c" = /Charlie ] || { ktap_print_msg "the shell reads '$_c'"; return 1; }
	# ... and cat is a child of the shell, which inherited the container.
	_c=$(cat /proc/self/container)
	[ "$_c" = /Charlie ] || { ktap_print_msg "cat reads '$_c'"; return 1; }
	# the exact bytes: the path and one newline
	[ "$(od -An -c /proc/self/container | tr -d ' ')" = '/Charlie\n' ]
}
ktap_test_result "walk-through: cat /proc/self/container gives /Charlie" t_walk_self

t_walk_subshell() {
	_c=$(sh -c 'cat /proc/self/container')
	if [ "$_c" != /Charlie ]; then
		ktap_print_msg "sh -c 'cat /proc/self/container' gives '$_c'"
		return 1
	fi
	# the subshell itself, not only its child
	_c=$(sh -c 'read -r c </proc/self/container; echo "$c"')
	[ "$_c" = /Charlie ] && return 0
	ktap_print_msg "the subshell reads '$_c'"
	return 1
}
ktap_test_result "walk-through: a subshell inherits /Charlie" t_walk_subshell

t_walk_task() {
	_c=
	read -r _c <"/proc/$$/task/$$/container"
	[ "$_c" = /Charlie ] && return 0
	ktap_print_msg "/proc/\$\$/task/\$\$/container gives '$_c'"
	return 1
}
ktap_test_result "walk-through: /proc/\$\$/task/\$\$/container gives /Charlie" t_walk_task

t_walk_tasks() {
	lists "$CROOT/Charlie" $$ || { ktap_print_msg "Charlie/tasks lacks $$"; return 1; }
	if lists "$CROOT" $$; then
		ktap_print_msg "the root's tasks still lists $$"
		return 1
	fi
}
ktap_test_result "walk-through: Charlie/tasks lists the shell, the root's tasks does not" \
	t_walk_tasks

# --- one tree behind every mount -------------------------------------

t_two_mounts() {
	mkdir -p "$M2" || return 1
	expect_ok mount -t container none "$M2" || return 1
	[ -f "$M2/Charlie/tasks" ] || { ktap_print_msg "no Charlie in $M2"; return 1; }
	lists "$M2/Charlie" $$ || { ktap_print_msg "$M2/Charlie/tasks lacks $$"; return 1; }
	expect_ok mkdir "$M2/$NAME/via_m2" || return 1
	[ -f "$T/via_m2/tasks" ] || { ktap_print_msg "via_m2 not seen in $CROOT"; return 1; }
	expect_ok mkdir "$T/via_main" || return 1
	[ -f "$M2/$NAME/via_main/tasks" ] ||
		{ ktap_print_msg "via_main not seen in $M2"; return 1; }
	expect_ok rmdir "$M2/$NAME/via_main" || return 1
	[ ! -e "$T/via_main" ] || { ktap_print_msg "via_main still in $CROOT"; return 1; }
	# a move through one mount shows in the other
	expect_ok put "$M2/$NAME/via_m2/tasks" $$ || return 1
	lists "$T/via_m2" $$ || return 1
	in_container $$ "/$NAME/via_m2" || return 1
	echo $$ >"$CROOT/Charlie/tasks" && in_container $$ /Charlie
}
ktap_test_result "a second mount shows the same tree" t_two_mounts

t_bad_mount_option() {
	mkdir -p "$M2.bad" || return 1
	expect_fail "Invalid argument" mount -t container -o bogus none "$M2.bad"
	_ret=$?
	is_mounted "$M2.bad" && umount "$M2.bad"
	rmdir "$M2.bad"
	return $_ret
}
ktap_test_result "a mount option is refused with EINVAL" t_bad_mount_option

t_walk_back() {
	echo $$ >"$CROOT/tasks" || return 1
	in_container $$ / || return 1
	lists "$CROOT" $$ || return 1
	! lists "$CROOT/Charlie" $$ || return 1
	expect_ok rmdir "$CROOT/Charlie" && [ ! -e "$CROOT/Charlie" ]
}
ktap_test_result "walk-through: echo \$\$ > /dev/container/tasks moves back, Charlie goes" \
	t_walk_back

t_remount() {
	expect_ok mkdir "$T/persist" || return 1
	start_sleeper
	expect_ok put "$T/persist/tasks" "$SLEEPER" || return 1
	# a value set before must be there after
	echo 1 >"$T/persist/notify_on_release" || return 1
	cd / || return 1
	expect_ok umount "$M2" || return 1
	expect_ok umount "$CROOT" || return 1
	if is_mounted "$CROOT" || [ -e "$T" ]; then
		ktap_print_msg "$CROOT still mounted after umount"
		return 1
	fi
	# the task's container does not depend on a mount
	in_container "$SLEEPER" "/$NAME/persist" || return 1
	expect_ok mount -t container none "$CROOT" || return 1
	cd "$ORIG_DIR" || return 1
	[ -d "$T/persist" ] || { ktap_print_msg "$T/persist is gone"; return 1; }
	[ "$(cat "$T/persist/notify_on_release")" = 1 ] || return 1
	lists "$T/persist" "$SLEEPER" || { ktap_print_msg "the task left persist"; return 1; }
	# no release notification when the task goes
	echo 0 >"$T/persist/notify_on_release" || return 1
	stop "$SLEEPER"
	expect_ok rmdir "$T/persist"
}
ktap_test_result "umount of every mount and a new mount keep the tree" t_remount
# Whatever happened, the rest runs on the usual mount.
cd "$ORIG_DIR" || cd /
if ! is_mounted "$CROOT"; then
	mount -t container none "$CROOT" || ktap_exit_fail_msg "cannot mount $CROOT again"
fi

# --- mkdir -----------------------------------------------------------

t_mkdir_files() {
	expect_ok mkdir "$T/files" || return 1
	[ -d "$T/files" ] && [ -f "$T/files/tasks" ] &&
		[ -f "$T/files/notify_on_release" ] || { ls -l "$T/files" >&2; return 1; }
	if [ -e "$T/files/release_agent" ]; then
		ktap_print_msg "a child container has release_agent"
		return 1
	fi
	# a new container holds no task
	[ -z "$(cat "$T/files/tasks")" ]
}
ktap_test_result "mkdir: the new container has tasks and notify_on_release, no release_agent" \
	t_mkdir_files

t_root_agent() {
	[ -f "$CROOT/release_agent" ] && [ -f "$CROOT/tasks" ] &&
		[ -f "$CROOT/notify_on_release" ]
}
ktap_test_result "the root has tasks, notify_on_release and release_agent" t_root_agent

t_mkdir_eexist() {
	expect_fail "File exists" mkdir "$T/files" || return 1
	expect_fail "File exists" mkdir "$T/files/tasks" || return 1
	expect_fail "File exists" mkdir "$CROOT/release_agent"
}
ktap_test_result "mkdir: an existing name is EEXIST" t_mkdir_eexist

t_mkdir_newline() {
	expect_fail "Invalid argument" mkdir "$T/$(printf 'a\nb')" || return 1
	expect_fail "Invalid argument" mkdir "$T/$NL" || return 1
	# nothing appeared
	[ ! -e "$T/$(printf 'a\nb')" ] && [ ! -e "$T/$NL" ]
}
ktap_test_result "mkdir: a name with a newline is EINVAL" t_mkdir_newline

t_mkdir_nested() {
	expect_ok mkdir "$T/n1" || return 1
	expect_ok mkdir "$T/n1/n2" || return 1
	expect_ok mkdir "$T/n1/n2/n3" || return 1
	[ -f "$T/n1/n2/n3/tasks" ] || return 1
	start_sleeper
	expect_ok put "$T/n1/n2/n3/tasks" "$SLEEPER" || return 1
	in_container "$SLEEPER" "/$NAME/n1/n2/n3" || return 1
	stop "$SLEEPER"
	expect_ok rmdir "$T/n1/n2/n3" "$T/n1/n2" "$T/n1"
}
ktap_test_result "mkdir: nested containers work" t_mkdir_nested

# --- rmdir -----------------------------------------------------------

t_rmdir_task() {
	expect_ok mkdir "$T/busy" || return 1
	start_sleeper
	expect_ok put "$T/busy/tasks" "$SLEEPER" || return 1
	expect_fail "Device or resource busy" rmdir "$T/busy" || return 1
	[ -d "$T/busy" ] && lists "$T/busy" "$SLEEPER"
}
ktap_test_result "rmdir: EBUSY while a task is inside" t_rmdir_task

t_rmdir_after_wait() {
	[ -d "$T/busy" ] || return 1
	stop "$SLEEPER"
	# no retry: the task left in do_exit(), before wait returned
	expect_ok rmdir "$T/busy" && [ ! -e "$T/busy" ]
}
ktap_test_result "rmdir: succeeds at once after the task was killed and reaped" \
	t_rmdir_after_wait

t_rmdir_child() {
	expect_ok mkdir "$T/parent" || return 1
	expect_ok mkdir "$T/parent/child" || return 1
	expect_fail "Device or resource busy" rmdir "$T/parent" || return 1
	[ -f "$T/parent/child/tasks" ] || return 1
	expect_ok rmdir "$T/parent/child" && expect_ok rmdir "$T/parent"
}
ktap_test_result "rmdir: EBUSY while a child container exists" t_rmdir_child

t_rmdir_root() {
	expect_fail "Device or resource busy" rmdir "$CROOT" || return 1
	is_mounted "$CROOT" && [ -f "$CROOT/tasks" ] && lists "$CROOT" 1
}
ktap_test_result "rmdir: the root cannot be removed" t_rmdir_root

# --- rename ----------------------------------------------------------

t_rename() {
	expect_ok mkdir "$T/ren_a" || return 1
	start_sleeper
	RENAMED=$SLEEPER
	expect_ok put "$T/ren_a/tasks" "$RENAMED" || return 1
	in_container "$RENAMED" "/$NAME/ren_a" || return 1
	expect_ok mv "$T/ren_a" "$T/ren_b" || return 1
	[ ! -e "$T/ren_a" ] && [ -f "$T/ren_b/tasks" ] || return 1
	lists "$T/ren_b" "$RENAMED" || return 1
	in_container "$RENAMED" "/$NAME/ren_b"
}
ktap_test_result "rename: mv A B works and /proc/<pid>/container shows B" t_rename

t_rename_eexist() {
	expect_ok mkdir "$T/ren_c" || return 1
	expect_fail "File exists" mv -T "$T/ren_b" "$T/ren_c" || return 1
	[ -d "$T/ren_b" ] && [ -d "$T/ren_c" ] && lists "$T/ren_b" "$RENAMED"
}
ktap_test_result "rename: onto an existing container is EEXIST" t_rename_eexist

t_rename_file() {
	expect_fail "Not a directory" mv "$T/ren_b/tasks" "$T/ren_b/tasks2" || return 1
	[ -f "$T/ren_b/tasks" ] && [ ! -e "$T/ren_b/tasks2" ] || return 1
	expect_fail "Not a directory" mv "$T/ren_b/notify_on_release" "$T/ren_b/nor" || return 1
	[ -f "$T/ren_b/notify_on_release" ] && [ ! -e "$T/ren_b/nor" ]
}
ktap_test_result "rename: a control file is ENOTDIR" t_rename_file

t_rename_parent() {
	expect_fail "Input/output error" mv "$T/ren_b" "$T/ren_c/ren_b" || return 1
	[ -d "$T/ren_b" ] && [ ! -e "$T/ren_c/ren_b" ] || return 1
	# and up to the root
	expect_fail "Input/output error" mv "$T/ren_b" "$CROOT/${NAME}_up" || return 1
	[ -d "$T/ren_b" ] && [ ! -e "$CROOT/${NAME}_up" ] || return 1
	in_container "$RENAMED" "/$NAME/ren_b"
}
ktap_test_result "rename: to another parent is EIO" t_rename_parent

t_rename_newline() {
	expect_fail "Invalid argument" mv "$T/ren_b" "$T/$(printf 'x\ny')" || return 1
	[ -d "$T/ren_b" ] && in_container "$RENAMED" "/$NAME/ren_b"
}
ktap_test_result "rename: a newline in the new name is EINVAL" t_rename_newline

t_rename_out() {
	# rename() gives EXDEV; busybox mv then copies and tries to remove
	# the source, which the control files and the task inside prevent.
	if run mv "$T/ren_b" "$OUT"; then
		ktap_print_msg "mv out of the filesystem succeeded"
		return 1
	fi
	[ -f "$T/ren_b/tasks" ] && lists "$T/ren_b" "$RENAMED" || return 1
	in_container "$RENAMED" "/$NAME/ren_b"
}
ktap_test_result "rename: mv out of the filesystem fails, the container stays" t_rename_out
rm -rf "$OUT"
[ -n "$RENAMED" ] && stop "$RENAMED"

# --- files -----------------------------------------------------------

t_unlink() {
	expect_fail "Operation not permitted" rm "$T/files/tasks" || return 1
	expect_fail "Operation not permitted" rm -f "$T/files/notify_on_release" || return 1
	expect_fail "Operation not permitted" rm "$CROOT/release_agent" || return 1
	[ -f "$T/files/tasks" ] && [ -f "$T/files/notify_on_release" ] &&
		[ -f "$CROOT/release_agent" ]
}
ktap_test_result "rm of a control file is EPERM" t_unlink

t_create() {
	# As in the cgroup filesystems: kernfs directories have no ->create,
	# so the VFS answers EACCES (vfs_create()).
	expect_fail "Permission denied" create "$CROOT/newfile" || return 1
	expect_fail "Permission denied" touch "$CROOT/newfile2" || return 1
	expect_fail "Permission denied" create "$T/files/newfile" || return 1
	expect_fail "Permission denied" touch "$T/files/newfile2" || return 1
	for f in "$CROOT/newfile" "$CROOT/newfile2" "$T/files/newfile" "$T/files/newfile2"; do
		[ ! -e "$f" ] || { ktap_print_msg "$f appeared"; return 1; }
	done
}
ktap_test_result "creating a regular file is EACCES and no file appears" t_create

t_mknod() {
	expect_fail "Operation not permitted" mknod "$T/files/fifo" p || return 1
	expect_fail "Operation not permitted" mknod "$CROOT/null" c 1 3 || return 1
	[ ! -e "$T/files/fifo" ] && [ ! -e "$CROOT/null" ]
}
ktap_test_result "mknod is EPERM" t_mknod

expect_ok rmdir "$T/files" >/dev/null

# --- the files of a removed container --------------------------------

t_gone_read() {
	expect_ok mkdir "$T/gone_r" || return 1
	exec 3<"$T/gone_r/tasks" || return 1
	expect_ok rmdir "$T/gone_r" || return 1
	expect_fail "No such device" cat <&3
	_rc=$?
	exec 3<&-
	return $_rc
}
ktap_test_result "an open tasks file of a removed container reads ENODEV" t_gone_read

t_gone_read_notify() {
	expect_ok mkdir "$T/gone_rn" || return 1
	exec 3<"$T/gone_rn/notify_on_release" || return 1
	expect_ok rmdir "$T/gone_rn" || return 1
	expect_fail "No such device" cat <&3
	_rc=$?
	exec 3<&-
	return $_rc
}
ktap_test_result "an open notify_on_release of a removed container reads ENODEV" \
	t_gone_read_notify

t_gone_write() {
	expect_ok mkdir "$T/gone_w" || return 1
	exec 4>"$T/gone_w/notify_on_release" || return 1
	expect_ok rmdir "$T/gone_w" || return 1
	ERR=$( { echo 1 >&4; } 2>&1)
	exec 4>&-
	case $ERR in
	*"No such device"*) return 0 ;;
	esac
	ktap_print_msg "echo 1 >&4 gave '${ERR:-success}'"
	return 1
}
ktap_test_result "an open notify_on_release of a removed container writes ENODEV" \
	t_gone_write

t_gone_tasks() {
	expect_ok mkdir "$T/gone_t" || return 1
	exec 5>"$T/gone_t/tasks" || return 1
	expect_ok rmdir "$T/gone_t" || return 1
	ERR=$( { echo $$ >&5; } 2>&1)
	exec 5>&-
	case $ERR in
	*"No such device"*) ;;
	*) ktap_print_msg "echo \$\$ >&5 gave '${ERR:-success}'"; return 1 ;;
	esac
	in_container $$ /
}
ktap_test_result "an open tasks file of a removed container writes ENODEV, nobody moves" \
	t_gone_tasks

# --- the end ---------------------------------------------------------

t_clean() {
	expect_ok rmdir "$T/via_m2" "$T/ren_b" "$T/ren_c" || return 1
	expect_ok rmdir "$T" || return 1
	[ ! -e "$T" ] && [ ! -e "$CROOT/Charlie" ] && in_container $$ /
}
ktap_test_result "everything the test created is removed" t_clean

ktap_finished
