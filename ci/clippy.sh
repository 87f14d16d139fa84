#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make clippy: build the tiny containers-on kernel with CLIPPY=1 in a build
# directory of its own (build/kernel-clippy: CLIPPY=1 swaps the Rust
# compiler, so sharing kernel-on's directory would rebuild it twice) and
# fail on any warning from the core in kernel/container/.
source "$(dirname "$0")/lib.sh"

O=$BUILD_ROOT/kernel-clippy
"$TOP/ci/build-kernel.sh" on --config-only
mkdir -p "$O"
cmp -s "$(variant_dir on)/.config" "$O/.config" || cp "$(variant_dir on)/.config" "$O/.config"
variant_make on
# Rebuild the core's objects so that clippy sees them again.
rm -f "$O"/kernel/container/*.o
log "building kernel-clippy with CLIPPY=1 (log: $O/build.log)"
run_logged "$O/build.log" "${KMAKE[@]}" O="$O" CLIPPY=1 olddefconfig bzImage ||
	die "the CLIPPY=1 build failed (full log: $O/build.log)"
if grep -nE '^(warning|error)' -A6 "$O/build.log" | grep -q 'kernel/container/'; then
	grep -nE '^(warning|error)' -A8 "$O/build.log" >&2
	die "clippy warns about the core (see above)"
fi
log "clippy: no warning in kernel/container/"
