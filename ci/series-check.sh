#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Check the posting series as someone else's tree will take it:
#
#  1. make series writes it to build/series/;
#  2. checkpatch.pl --strict on every patch (the cover letter is no patch);
#  3. in a fresh worktree of the untouched base, `git am` of every patch,
#     then `quilt push -a` from the series file: both must give exactly the
#     tree that make tree prepares, the links of the project's pieces
#     resolved (compared as git tree objects: every path, byte and mode);
#  4. the documentation: kernel-doc -Wall on <linux/process_container.h>,
#     and make htmldocs SPHINXDIRS=admin-guide without a warning or error
#     about the admin guide or the header (the other documents' warnings
#     are the kernel's own; about 2 minutes the first time);
#  5. with --build VARIANT..., the worktree is built as such variants.
#
# A tree identical to linux/ needs no build of its own in make check, which
# builds and boots linux/; --build is for 'make series-check'. Prints a
# KTAP-like summary line "N passed, N failed" last.
#
# checkpatch's FILE_PATH_CHANGES ("added, moved or deleted file(s), does
# MAINTAINERS need updating?") is ignored: checkpatch raises it for every
# patch that adds a file without touching MAINTAINERS, and the series adds
# the MAINTAINERS entry for all of them in its last patch.
source "$(dirname "$0")/lib.sh"

builds=()
while [ $# -gt 0 ]; do
	case $1 in
	--build) shift; while [ $# -gt 0 ] && [[ $1 != --* ]]; do builds+=("$1"); shift; done ;;
	*) die "usage: $0 [--build VARIANT...]" ;;
	esac
done

SERIES=$BUILD_ROOT/series
WORK=$BUILD_ROOT/series-check
BASE_TAG=containers-base
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok $((passed + failed)) $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok $((passed + failed)) $*"; }
GIT_ID=(-c "user.name=Process Containers Team" -c "user.email=containers@lists.example.org")

[ -z "$(git -C "$KSRC" status --porcelain --untracked-files=no)" ] ||
	die "linux/ has uncommitted changes; the comparison needs its tree as committed"
"$TOP/ci/make-series.sh" "$SERIES"
mapfile -t patches < <(sed -e 's/#.*//' "$SERIES/series" | grep -v '^[[:space:]]*$')
echo "TAP version 13"

# 2. checkpatch
for p in "${patches[@]}"; do
	if out=$("$KSRC/scripts/checkpatch.pl" --strict --quiet --no-tree --terse \
		--ignore FILE_PATH_CHANGES "$SERIES/$p" 2>&1); then
		ok "checkpatch --strict $p"
	else
		echo "$out" | sed 's/^/# /'
		not_ok "checkpatch --strict $p"
	fi
done

# The tree make tree prepares: linux/'s commit, plus every file behind a
# link, added with its mode.
expected_tree() {
	local idx f mode sha
	idx=$(mktemp)
	GIT_INDEX_FILE=$idx git -C "$KSRC" read-tree HEAD
	while IFS= read -r f; do
		[ "$(readlink -f "$KSRC/$f")" != "$KSRC/$f" ] || continue
		mode=100644
		[ -x "$KSRC/$f" ] && mode=100755
		sha=$(git -C "$KSRC" hash-object -w "$KSRC/$f")
		GIT_INDEX_FILE=$idx git -C "$KSRC" update-index --add --cacheinfo "$mode,$sha,$f"
	done < <(cd "$KSRC" && find -L kernel/container tools/testing/selftests/containers \
		Documentation/admin-guide/containers.rst -type f)
	GIT_INDEX_FILE=$idx git -C "$KSRC" write-tree
	rm -f "$idx"
}
want=$(expected_tree)

# 3. A fresh worktree of the base: git am, then quilt.
fresh_base_worktree "$WORK" "$SERIES"
W=$WORK/linux
if git -C "$W" "${GIT_ID[@]}" am -q "${SERIES_PATCHES[@]}" >"$WORK/am.log" 2>&1; then
	got=$(git -C "$W" rev-parse 'HEAD^{tree}')
	if [ "$got" = "$want" ]; then
		ok "git am of ${#patches[@]} patches gives the tree of make tree"
	else
		git -C "$KSRC" diff --stat "$want" "$got" | sed 's/^/# /'
		not_ok "git am of ${#patches[@]} patches gives the tree of make tree"
	fi
else
	sed 's/^/# /' "$WORK/am.log"
	git -C "$W" am --abort 2>/dev/null || true
	not_ok "git am of ${#patches[@]} patches gives the tree of make tree"
fi
am_head=$(git -C "$W" rev-parse HEAD)

git -C "$W" checkout -q --detach "$BASE_TAG"
if (cd "$W" && QUILT_PATCHES=$SERIES QUILT_PC=.pc quilt push -a -q) >"$WORK/quilt.log" 2>&1; then
	rm -rf "$W/.pc"
	idx=$(mktemp)
	got=$(cd "$W" && GIT_INDEX_FILE=$idx git read-tree HEAD &&
		GIT_INDEX_FILE=$idx git add -A -f . && GIT_INDEX_FILE=$idx git write-tree)
	rm -f "$idx"
	if [ "$got" = "$want" ]; then
		ok "quilt push -a gives the tree of make tree"
	else
		git -C "$KSRC" diff --stat "$want" "$got" | sed 's/^/# /'
		not_ok "quilt push -a gives the tree of make tree"
	fi
else
	sed 's/^/# /' "$WORK/quilt.log"
	not_ok "quilt push -a gives the tree of make tree"
fi
git -C "$W" checkout -q -f --detach "$am_head"
git -C "$W" clean -q -f -d

# 4. The documentation, built from linux/ (the same tree).
if out=$("$KSRC/scripts/kernel-doc" -none -Wall "$KSRC/include/linux/process_container.h" 2>&1) &&
	[ -z "$out" ]; then
	ok "kernel-doc -Wall include/linux/process_container.h"
else
	echo "$out" | sed 's/^/# /'
	not_ok "kernel-doc -Wall include/linux/process_container.h"
fi
docs=$BUILD_ROOT/docs
# Sphinx reports a document's warnings only when it reads it again.
touch "$(readlink -f "$KSRC/Documentation/admin-guide/containers.rst")"
if make -C "$KSRC" O="$docs" SPHINXDIRS=admin-guide htmldocs >"$WORK/htmldocs.log" 2>&1 &&
	! grep -E 'containers\.rst|process_container\.h' "$WORK/htmldocs.log" |
		grep -qE 'WARNING|ERROR' &&
	grep -q 'id="c.container_add_file"' "$docs/Documentation/output/admin-guide/containers.html"; then
	ok "make htmldocs SPHINXDIRS=admin-guide: the guide and the header's kernel-doc build cleanly"
else
	grep -E 'containers\.rst|process_container\.h' "$WORK/htmldocs.log" | sed 's/^/# /'
	tail -n 5 "$WORK/htmldocs.log" | sed 's/^/# /'
	not_ok "make htmldocs SPHINXDIRS=admin-guide: the guide and the header's kernel-doc build cleanly"
fi

# 5. Builds of the worktree, each in a build directory beside it. The
# relative layout (build/kernel-X next to linux/) is that of the project,
# so with CCACHE_BASEDIR at the worktree's parent the compiles hit the
# cache of make check's builds.
for v in ${builds[@]+"${builds[@]}"}; do
	if KSRC=$W BUILD_ROOT=$WORK/build CCACHE_BASEDIR=$WORK \
		"$TOP/ci/build-kernel.sh" "$v"; then
		ok "the tree of git am builds as kernel-$v"
	else
		not_ok "the tree of git am builds as kernel-$v"
	fi
done

echo "# series: $SERIES"
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" = 0 ]
