#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Compare bindgen's layout of C structures with the C compiler's, field
# by field, in a built kernel variant:
#   ci/layout-check.sh VARIANT [STRUCT...]   (default: task_struct
#                                             kernfs_open_file kernfs_node)
# bindgen lays structures out with libclang and the kernel's flags minus
# those clang does not know; the kernel may be built by GCC. This reruns
# the build's own bindgen command with layout tests on, which makes it
# print every offset it computed, and compiles one offsetof() per field
# with the build's own C command line. Prints the mismatches and exits 1
# if there are any. Nothing in the build directory changes.
source "$(dirname "$0")/lib.sh"

variant=${1:?usage: layout-check.sh VARIANT [STRUCT...]}
shift
structs=("$@")
[ ${#structs[@]} -gt 0 ] || structs=(task_struct kernfs_open_file kernfs_node)
O=$(variant_dir "$variant")
[ -f "$O/rust/bindings/.bindings_generated.rs.cmd" ] ||
	die "kernel-$variant has no Rust bindings; build it first"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# bindgen, as the build ran it, minus --no-layout-tests.
cmd=$(sed -n 's|^savedcmd_rust/bindings/bindings_generated.rs := ||p' \
	"$O/rust/bindings/.bindings_generated.rs.cmd")
cmd=${cmd%%;*}
cmd=${cmd/--no-layout-tests/}
cmd=${cmd/-o rust\/bindings\/bindings_generated.rs/-o $work/bindings.rs}
(cd "$O" && eval "$cmd") >"$work/bindgen.log" 2>&1 ||
	die "bindgen failed; see the command in $O/rust/bindings/.bindings_generated.rs.cmd"

# The C compiler, as the build ran it for kernel/fork.o.
cc=$(sed -n 's|^savedcmd_kernel/fork.o := ||p' "$O/kernel/.fork.o.cmd")
[ -n "$cc" ] || die "no compile command for kernel/fork.o in $O"
cc=$(echo "$cc" | sed -E "s|-Wp,-MMD,[^ ]*||; s| -c -o kernel/fork.o [^ ]*fork.c| -S -o $work/layout.s $work/layout.c|")

status=0
for s in "${structs[@]}"; do
	grep -o "\"Offset of field: $s::[A-Za-z_0-9]*\"\] \[:: core :: mem :: offset_of ! ($s , [A-Za-z_0-9]*) - [0-9]*usize" \
		"$work/bindings.rs" |
		sed -E 's/.*::([A-Za-z_0-9]+)".* - ([0-9]+)usize/\1 \2/' |
		grep -v '^_bitfield\|^__bindgen' >"$work/$s.bindgen" || true
	size=$(grep -o "\"Size of $s\"\] \[:: core :: mem :: size_of :: < $s > () - [0-9]*usize" \
		"$work/bindings.rs" | sed -E 's/.* - ([0-9]+)usize/\1/')
	[ -s "$work/$s.bindgen" ] || die "bindgen has no layout of struct $s"
	echo "sizeof $size" >>"$work/$s.bindgen"
	{
		echo '#include <linux/kbuild.h>'
		echo '#include <linux/sched.h>'
		echo '#include <linux/kernfs.h>'
		echo 'int main(void) {'
		while read -r f _; do
			[ "$f" = sizeof ] && continue
			# bindgen renames fields that are Rust keywords (priv_).
			echo "DEFINE(F_$f, offsetof(struct $s, ${f%_}));"
		done <"$work/$s.bindgen"
		echo "DEFINE(F_sizeof, sizeof(struct $s));"
		echo 'return 0; }'
	} >"$work/layout.c"
	(cd "$O" && eval "$cc") >"$work/cc.log" 2>&1 ||
		{ cat "$work/cc.log"; die "compiling the offsets of struct $s failed"; }
	sed -nE 's/^[[:space:]]*\.ascii[[:space:]]*"->F_([A-Za-z_0-9]+) [$#]*([0-9]+) .*/\1 \2/p' \
		"$work/layout.s" >"$work/$s.cc"
	n=$(wc -l <"$work/$s.cc")
	bad=$(join <(sort "$work/$s.bindgen") <(sort "$work/$s.cc") | awk '$2 != $3')
	if [ -n "$bad" ]; then
		status=1
		echo "struct $s: bindgen and the C compiler disagree (field bindgen C):"
		echo "$bad" | sort -k3 -n | sed 's/^/  /'
	else
		echo "struct $s: $((n - 1)) fields and the size ($size) agree"
	fi
done
exit "$status"
