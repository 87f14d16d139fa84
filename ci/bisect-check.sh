#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bisect-check: build every prefix of the posting series, as the
# variants given (default: on off), so that `git bisect` never stops on a
# patch that does not build. The series is applied with git am to a
# worktree of the untouched base in build/bisect-check/, and each prefix
# is built there in turn. Before the patch that adds CONFIG_CONTAINERS
# the "on" variant cannot enable it; it is then built without
# (PC_CONFIG_LENIENT), which is what such a prefix offers.
#
# On demand: every prefix that touches a widely included header rebuilds
# most of the kernel, about 40 minutes for the whole series on 2 cores
# with a warm ccache. Prints "N passed, N failed" last.
source "$(dirname "$0")/lib.sh"

variants=("$@")
[ ${#variants[@]} -gt 0 ] || variants=(on off)
SERIES=$BUILD_ROOT/series
WORK=$BUILD_ROOT/bisect-check
BASE_TAG=containers-base

"$TOP/ci/make-series.sh" "$SERIES"
fresh_base_worktree "$WORK" "$SERIES"
W=$WORK/linux
git -C "$W" -c "user.name=Process Containers Team" \
	-c "user.email=containers@lists.example.org" am -q "${SERIES_PATCHES[@]}" ||
	die "the series does not apply with git am (see ci/series-check.sh)"
mapfile -t commits < <(git -C "$W" rev-list --reverse "$BASE_TAG..HEAD")

echo "TAP version 13"
echo "1..$((${#commits[@]} * ${#variants[@]}))"
passed=0 failed=0 n=0 i=0
for c in "${commits[@]}"; do
	i=$((i + 1))
	git -C "$W" checkout -q --detach "$c"
	subject=$(git -C "$W" log -1 --format=%s "$c")
	for v in "${variants[@]}"; do
		n=$((n + 1))
		# The project's layout (build/kernel-X beside linux/) below
		# $WORK, so that the compiles hit make check's ccache.
		if KSRC=$W BUILD_ROOT=$WORK/build CCACHE_BASEDIR=$WORK PC_CONFIG_LENIENT=1 \
			"$TOP/ci/build-kernel.sh" "$v" >"$WORK/build-$i-$v.log" 2>&1; then
			passed=$((passed + 1))
			echo "ok $n patch $i ($subject) builds as kernel-$v"
		else
			failed=$((failed + 1))
			tail -n 20 "$WORK/build-$i-$v.log" | sed 's/^/# /'
			echo "not ok $n patch $i ($subject) builds as kernel-$v"
		fi
	done
done
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" = 0 ]
