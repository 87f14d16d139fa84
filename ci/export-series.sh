#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Write the commits of linux/ on top of containers-base back to patches/
# (git format-patch), replacing the series. The inverse of prepare-tree.sh,
# for those who work on the series with git rather than quilt.
source "$(dirname "$0")/lib.sh"

[ -z "$(git -C "$KSRC" status --porcelain --untracked-files=no)" ] ||
	die "linux/ has uncommitted changes; commit them first"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$KSRC" -c diff.suppressBlankEmpty=true format-patch -q --no-signature \
	--zero-commit -o "$tmp" containers-base..HEAD
rm -f "$TOP"/patches/*.patch
: >"$TOP/patches/series"
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || continue
	cp "$f" "$TOP/patches/"
	basename "$f" >>"$TOP/patches/series"
done
git -C "$KSRC" rev-parse HEAD >"$KSRC/.git/process-containers-head"
log "exported $(wc -l <"$TOP/patches/series") patches to patches/"
