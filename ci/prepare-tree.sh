#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Apply patches/series on top of the "containers-base" tag of linux/ and
# link the project's in-tree pieces into it.
#
# Each patch becomes one commit, so `git -C linux log containers-base..`
# lists the series and `git -C linux diff containers-base` shows exactly
# what it changes. The commits are built in a scratch index and the tree is
# then moved to them with `git checkout`, which rewrites only the files that
# really differ: re-running with an unchanged series touches nothing, so
# nothing is rebuilt.
#
# Work done inside linux/ is never thrown away: if linux/ has commits that
# are not in patches/, this stops and says how to export them.
source "$(dirname "$0")/lib.sh"

BASE_TAG=containers-base
STATE=$KSRC/.git/process-containers-head

git -C "$KSRC" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
	die "$KSRC has no $BASE_TAG tag; run ci/fetch-kernel.sh first"

patch_list() {
	[ -f "$TOP/patches/series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$TOP/patches/series" | grep -v '^$' || true
}

# Build the series as a chain of commits on top of the base without
# touching the work tree; print the last commit.
build_series_commits() {
	local parent tmp idx p f
	parent=$(git -C "$KSRC" rev-parse "$BASE_TAG^{commit}")
	tmp=$(mktemp -d)
	idx=$tmp/index
	trap 'rm -rf "$tmp"' RETURN
	GIT_INDEX_FILE=$idx git -C "$KSRC" read-tree "$parent"
	for p in $(patch_list); do
		f=$TOP/patches/$p
		[ -f "$f" ] || die "patches/series lists $p, but patches/$p does not exist"
		git -C "$KSRC" mailinfo "$tmp/msg" "$tmp/diff" <"$f" >"$tmp/info" ||
			die "patch $p: not a valid git-format-patch mail"
		if ! GIT_INDEX_FILE=$idx git -C "$KSRC" apply --cached "$tmp/diff" 2>"$tmp/err"; then
			cat "$tmp/err" >&2
			die "patch $p does not apply on top of the patches before it"
		fi
		local author email subject date tree
		author=$(sed -n 's/^Author: //p' "$tmp/info")
		email=$(sed -n 's/^Email: //p' "$tmp/info")
		subject=$(sed -n 's/^Subject: //p' "$tmp/info")
		date=$(sed -n 's/^Date: //p' "$tmp/info")
		tree=$(GIT_INDEX_FILE=$idx git -C "$KSRC" write-tree)
		parent=$(printf '%s\n\n%s' "$subject" "$(cat "$tmp/msg")" |
			GIT_AUTHOR_NAME=$author GIT_AUTHOR_EMAIL=$email GIT_AUTHOR_DATE=$date \
			GIT_COMMITTER_NAME=$author GIT_COMMITTER_EMAIL=$email \
			GIT_COMMITTER_DATE=$date \
			git -C "$KSRC" commit-tree "$tree" -p "$parent")
	done
	echo "$parent"
}

# Symlinks keep one copy of every file: an edit under linux/ is an edit
# of the project's file, and the other way round.
link_in_tree_pieces() {
	local exclude=$KSRC/.git/info/exclude
	mkdir -p "$(dirname "$exclude")"
	touch "$exclude"
	link() {
		local target=$1 name=$2
		# Nothing to link until the project has the file.
		[ -e "$(dirname "$KSRC/$name")/$target" ] || return 0
		if [ -e "$KSRC/$name" ] && [ ! -L "$KSRC/$name" ]; then
			die "$KSRC/$name exists and is not our link; move it away"
		fi
		ln -sfn "$target" "$KSRC/$name"
		case $name in */containers/*) return ;; esac
		grep -qxF "/$name" "$exclude" || echo "/$name" >>"$exclude"
	}
	link ../../rust-container kernel/container
	# The selftests directory is real and its files are links: kselftest
	# Makefiles include ../lib.mk, which must resolve inside linux/.
	local sdir=tools/testing/selftests/containers f
	[ -L "$KSRC/$sdir" ] && rm "$KSRC/$sdir"
	mkdir -p "$KSRC/$sdir"
	grep -qxF "/$sdir/" "$exclude" || echo "/$sdir/" >>"$exclude"
	for f in "$KSRC/$sdir"/* "$KSRC/$sdir"/.gitignore; do
		[ -L "$f" ] && [ ! -e "$f" ] && rm "$f" # removed from the project
		[ -e "$f" ] && [ ! -L "$f" ] &&
			warn "$f is not in the project's selftests/; copy it there"
	done
	for f in "$TOP"/selftests/* "$TOP"/selftests/.gitignore; do
		[ -e "$f" ] || continue
		link "../../../../../selftests/${f##*/}" "$sdir/${f##*/}"
	done
	link ../../../Documentation/admin-guide/containers.rst \
		Documentation/admin-guide/containers.rst
}

head=$(git -C "$KSRC" rev-parse HEAD)
if [ "$head" != "$(git -C "$KSRC" rev-parse "$BASE_TAG^{commit}")" ] &&
	[ "$head" != "$(cat "$STATE" 2>/dev/null)" ]; then
	die "linux/ has commits that are not in patches/ (HEAD $head).
       Export them with 'make export-series', or drop them with
       'git -C linux reset --hard $(cat "$STATE" 2>/dev/null || echo $BASE_TAG)'."
fi

new=$(build_series_commits)
if [ "$new" != "$head" ]; then
	# Only the files that differ between the two commits are rewritten;
	# local, uncommitted edits to them make git refuse, which is what
	# we want.
	git -C "$KSRC" checkout -q --detach "$new" 2>/dev/null ||
		git -C "$KSRC" checkout --detach "$new" ||
		die "cannot move linux/ to the new series: uncommitted edits in linux/ (see above)"
	log "linux/ now holds the base plus $(patch_list | wc -l) patches"
fi
echo "$new" >"$STATE"
link_in_tree_pieces
exit 0
