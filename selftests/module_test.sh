#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The interface for modules (<linux/process_container.h>), through the
# sample module samples/containers/container_file_sample.ko: loading adds
# "sample.info" to every container, present and future; its callbacks
# get the container's id and path; unloading removes it everywhere, an
# open file of it then answers ENODEV, and an unload waits for a read
# that is running. Load and unload race with mkdir and rmdir.
#
# Needs a kernel with modules and the sample built as a module
# (CONFIG_SAMPLE_CONTAINERS=m); skips otherwise.

DIR=$(dirname "$(readlink -f "$0")")
. "$DIR/../kselftest/ktap_helpers.sh"
. "$DIR/containers_helpers.sh"

CROOT=/dev/container
T=$CROOT/module_test_$$
FILE=sample.info
MOD=container_file_sample
OUT=/tmp/module_test_out.$$

ktap_print_header
if ! grep -qw container /proc/filesystems; then
	ktap_skip_all "kernel without CONFIG_CONTAINERS"
	exit "$KSFT_SKIP"
fi
if [ ! -e /proc/modules ]; then
	ktap_skip_all "kernel without CONFIG_MODULES"
	exit "$KSFT_SKIP"
fi
KO=$(find "/lib/modules/$(uname -r)" -name "$MOD.ko" 2>/dev/null | head -n 1)
if [ -z "$KO" ]; then
	ktap_skip_all "$MOD.ko not installed (CONFIG_SAMPLE_CONTAINERS=m)"
	exit "$KSFT_SKIP"
fi
grep -q "^$MOD " /proc/modules && rmmod "$MOD"
ktap_set_plan 11

loaded() {
	grep -q "^$MOD " /proc/modules
}

# field NAME FILE: the value of the line "NAME value" of FILE.
field() {
	sed -n "s/^$1 //p" "$2"
}

# nowhere: no container has the sample's file.
nowhere() {
	_left=$(find "$CROOT" -name "$FILE" 2>/dev/null | head -n 3)
	[ -z "$_left" ] || { ktap_print_msg "left behind: $_left"; return 1; }
}

mkdir -p "$T/a/b" || exit 1

t_load() {
	insmod "$KO" || return 1
	mkdir "$T/after" || return 1
	for d in "$CROOT" "$T" "$T/a/b" "$T/after"; do
		[ -f "$d/$FILE" ] || { ktap_print_msg "no $d/$FILE"; return 1; }
	done
	# 0644 as the sample asks, owned like the other files of the directory.
	[ "$(stat -c %a "$T/a/$FILE")" = 644 ] || return 1
	[ "$(stat -c %u "$T/a/$FILE")" = "$(stat -c %u "$T/a/tasks")" ]
}
ktap_test_result "loading adds the file to every container, and to new ones" t_load

t_id_path() {
	cat "$CROOT/$FILE" >"$OUT" || return 1
	[ "$(field id "$OUT")" = 1 ] || { ktap_print_msg "root id $(field id "$OUT")"; return 1; }
	[ "$(field path "$OUT")" = / ] || return 1
	cat "$T/a/b/$FILE" >"$OUT" || return 1
	[ "$(field path "$OUT")" = "/${T#"$CROOT"/}/a/b" ] ||
		{ ktap_print_msg "path '$(field path "$OUT")'"; return 1; }
	# The id is the directory's inode number, and differs between two.
	[ "$(field id "$OUT")" = "$(stat -c %i "$T/a/b")" ] || return 1
	[ "$(field id "$T/a/$FILE")" != "$(field id "$OUT")" ]
}
ktap_test_result "the callbacks see the container's id and path" t_id_path

t_rename() {
	mv "$T/a/b" "$T/a/renamed" || return 1
	[ "$(field path "$T/a/renamed/$FILE")" = "/${T#"$CROOT"/}/a/renamed" ] || return 1
	mv "$T/a/renamed" "$T/a/b"
}
ktap_test_result "a rename shows in the path at once" t_rename

t_write() {
	before=$(field pings "$CROOT/$FILE")
	echo ping >"$T/a/$FILE" || return 1
	echo ping >"$T/after/$FILE" || return 1
	[ "$(field pings "$CROOT/$FILE")" = $((before + 2)) ] || return 1
	expect_fail "Invalid argument" sh -c "echo pong >$T/a/$FILE" || return 1
	# The sample allows 16 bytes a write.
	expect_fail "Argument list too long" \
		sh -c "echo -n 01234567890123456 >$T/a/$FILE" || return 1
	[ "$(field pings "$CROOT/$FILE")" = $((before + 2)) ]
}
ktap_test_result "writes reach the module's callback, within its limit" t_write

t_rmdir_loaded() {
	mkdir "$T/gone" && rmdir "$T/gone" && [ ! -e "$T/gone" ]
}
ktap_test_result "rmdir of a container with the file" t_rmdir_loaded

t_unload_open() {
	exec 3<"$T/a/$FILE" || return 1
	exec 4>"$T/a/b/$FILE" || return 1
	rmmod "$MOD" || { exec 3<&- 4>&-; return 1; }
	r=0
	expect_fail "No such device" cat <&3 || r=1
	expect_fail "No such device" sh -c 'echo ping >&4' || r=1
	exec 3<&- 4>&-
	[ $r = 0 ] && ! loaded
}
ktap_test_result "unload with the file open: reads and writes answer ENODEV" t_unload_open

t_unload_gone() {
	nowhere || return 1
	mkdir "$T/later" || return 1
	[ ! -e "$T/later/$FILE" ] || return 1
	[ -f "$T/later/tasks" ] && rmdir "$T/later"
}
ktap_test_result "unloading removes the file everywhere, new containers lack it" t_unload_gone

t_unload_waits() {
	# The sample's show sleeps for show_delay_ms: rmmod must wait for the
	# read, which completes, and then the file is gone.
	insmod "$KO" show_delay_ms=1500 || return 1
	# One read(): the next one would start after the removal and get
	# ENODEV, which is right, but not what this checks.
	dd if="$T/a/$FILE" of="$OUT" bs=4096 count=1 2>/dev/null &
	reader=$!
	sleep 0.5
	rmmod "$MOD" || { wait $reader; return 1; }
	# The reader has finished by the time rmmod returns.
	if kill -0 $reader 2>/dev/null; then
		wait $reader
		ktap_print_msg "rmmod returned before the read did"
		return 1
	fi
	wait $reader || { ktap_print_msg "read: $(cat "$OUT")"; return 1; }
	[ "$(field path "$OUT")" = "/${T#"$CROOT"/}/a" ] || return 1
	nowhere
}
ktap_test_result "unloading waits for a read in the module's callback" t_unload_waits

t_reload() {
	insmod "$KO" || return 1
	[ -f "$T/a/b/$FILE" ] && [ -f "$CROOT/$FILE" ] || return 1
	rmmod "$MOD" && nowhere
}
ktap_test_result "the module can be loaded again, and unloaded" t_reload

t_race() {
	# mkdir and rmdir loop in a subtree while the module comes and goes;
	# whenever it is loaded, every container has the file.
	(
		i=0
		while [ ! -e "$OUT.stop" ]; do
			mkdir "$T/r$i" 2>/dev/null
			mkdir "$T/r$i/s" 2>/dev/null
			rmdir "$T/r$i/s" "$T/r$i" 2>/dev/null
			i=$(((i + 1) % 4))
		done
	) &
	churn=$!
	r=0
	n=0
	while [ $n -lt 20 ]; do
		insmod "$KO" || { r=1; break; }
		for d in "$T" "$T/a" "$T/a/b" "$T/after"; do
			[ -f "$d/$FILE" ] || { ktap_print_msg "no $d/$FILE"; r=1; }
		done
		cat "$T/a/$FILE" >/dev/null || r=1
		rmmod "$MOD" || { r=1; break; }
		n=$((n + 1))
	done
	touch "$OUT.stop"
	wait $churn
	rm -f "$OUT.stop"
	rmdir "$T"/r*/s "$T"/r* 2>/dev/null
	[ $r = 0 ] && nowhere
}
ktap_test_result "load and unload 20 times beside mkdir and rmdir" t_race

t_mkdir_during() {
	# A container made while the module loads has the file or, if it
	# came after the unload, does not: never a half state.
	insmod "$KO" || return 1
	ok=1
	for i in 1 2 3 4 5 6 7 8; do
		mkdir "$T/m$i" || ok=0
		[ -f "$T/m$i/$FILE" ] || ok=0
	done
	rmmod "$MOD" || return 1
	for i in 1 2 3 4 5 6 7 8; do
		[ ! -e "$T/m$i/$FILE" ] || ok=0
		rmdir "$T/m$i" || ok=0
	done
	[ $ok = 1 ]
}
ktap_test_result "containers made while loaded lose the file on unload" t_mkdir_during

loaded && rmmod "$MOD"
rmdir "$T/a/b" "$T/a" "$T/after" "$T" 2>/dev/null
rm -f "$OUT"
ktap_finished
