#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make series: write the posting series to build/series/ (or to $1).
#
# patches/ holds the C hooks only; the core, the admin guide and the
# kselftests live in the project's own folders and reach linux/ as links.
# The posting series carries all of it, as patches/posting/plan lays it
# out: every patch is built as a commit on top of containers-base in a
# scratch index (linux/'s work tree is not touched), and the chain is
# then written out with git format-patch, with the cover letter of
# patches/posting/cover-letter and a quilt "series" file.
source "$(dirname "$0")/lib.sh"

OUT=${1:-$BUILD_ROOT/series}
PLAN=$TOP/patches/posting/plan
BASE_TAG=containers-base
SELFTESTS=tools/testing/selftests/containers
AUTHOR_NAME="Process Containers Team"
AUTHOR_EMAIL="containers@lists.example.org"

git -C "$KSRC" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null ||
	die "$KSRC has no $BASE_TAG tag; run 'make tree' first"
[ -L "$KSRC/kernel/container" ] ||
	die "$KSRC/kernel/container is not linked in; run 'make tree' first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GIT_INDEX_FILE=$tmp/index
git -C "$KSRC" read-tree "$BASE_TAG^{commit}"
parent=$(git -C "$KSRC" rev-parse "$BASE_TAG^{commit}")
# One date for every commit: that of the project's last commit, so that
# the same project commit always gives the same series.
date=$(git -C "$TOP" log -1 --format=%aD)
export GIT_AUTHOR_NAME=$AUTHOR_NAME GIT_AUTHOR_EMAIL=$AUTHOR_EMAIL
export GIT_COMMITTER_NAME=$AUTHOR_NAME GIT_COMMITTER_EMAIL=$AUTHOR_EMAIL
export GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date

# The file behind a path of the prepared tree, with its links resolved.
source_of() {
	local f
	f=$(readlink -f "$KSRC/$1") || die "cannot resolve $KSRC/$1"
	[ -f "$f" ] || die "plan: $1 is not a file in the prepared tree"
	echo "$f"
}

add_file() {
	local path=$1 src=$2 mode=100644 sha
	[ -x "$src" ] && mode=100755
	sha=$(git -C "$KSRC" hash-object -w "$src")
	git -C "$KSRC" update-index --add --cacheinfo "$mode,$sha,$path"
}

in_index() { git -C "$KSRC" ls-files --error-unmatch -- "$1" >/dev/null 2>&1; }

# The selftests Makefile lists one test per line; a patch's copy keeps
# only the lines of tests that are in the tree by then.
filter_selftests_makefile() {
	local line name
	while IFS= read -r line; do
		if [[ $line =~ ^TEST_[A-Z_]+\ \+=\ ([^[:space:]]+)$ ]]; then
			name=${BASH_REMATCH[1]}
			in_index "$SELFTESTS/$name" || in_index "$SELFTESTS/$name.c" || continue
		fi
		printf '%s\n' "$line"
	done <"$1"
}

n=0
while read -r -a words; do
	[ ${#words[@]} -gt 0 ] || continue
	[[ ${words[0]} == \#* ]] && continue
	n=$((n + 1))
	msg= files=()
	for w in "${words[@]}"; do
		case $w in
		*.patch)
			[ -f "$TOP/patches/$w" ] || die "plan: patches/$w does not exist"
			git -C "$KSRC" mailinfo "$tmp/m" "$tmp/diff" <"$TOP/patches/$w" >"$tmp/info" ||
				die "patches/$w is not a git-format-patch mail"
			git -C "$KSRC" apply --cached "$tmp/diff" ||
				die "patches/$w does not apply at step $n of the plan"
			if [ -z "$msg" ]; then
				printf '%s\n\n' "$(sed -n 's/^Subject: //p' "$tmp/info")" >"$tmp/msg"
				cat "$tmp/m" >>"$tmp/msg"
				msg=$w
			fi
			;;
		*.msg)
			f=$TOP/patches/posting/$w
			[ -f "$f" ] || die "plan: patches/posting/$w does not exist"
			sed -n '1s/^Subject: //p' "$f" >"$tmp/msg"
			[ -s "$tmp/msg" ] || die "patches/posting/$w must start with 'Subject: '"
			tail -n +2 "$f" >>"$tmp/msg"
			msg=$w
			;;
		*) files+=("$w") ;;
		esac
	done
	[ -n "$msg" ] || die "plan: step $n has neither a patch nor a message"
	for w in ${files[@]+"${files[@]}"}; do
		add_file "$w" "$(source_of "$w")"
	done
	if in_index "$SELFTESTS/Makefile"; then
		filter_selftests_makefile "$(source_of "$SELFTESTS/Makefile")" >"$tmp/Makefile"
		add_file "$SELFTESTS/Makefile" "$tmp/Makefile"
	fi
	tree=$(git -C "$KSRC" write-tree)
	parent=$(git -C "$KSRC" commit-tree "$tree" -p "$parent" -F "$tmp/msg")
done <"$PLAN"

# Every file that make tree links in must be in the series.
missing=
while IFS= read -r f; do
	in_index "$f" || missing+=" $f"
done < <(cd "$KSRC" && find -L kernel/container "$SELFTESTS" -type f &&
	 echo Documentation/admin-guide/containers.rst)
[ -z "$missing" ] || die "patches/posting/plan leaves out:$missing"

rm -rf "$OUT"
mkdir -p "$OUT"
git -C "$KSRC" -c diff.suppressBlankEmpty=true format-patch -q --no-signature \
	--cover-letter --base="$BASE_TAG" --zero-commit -o "$OUT" \
	"$BASE_TAG..$parent"

# The cover letter: the subject and text of patches/posting/cover-letter
# in place of format-patch's placeholders, its shortlog and diffstat kept.
cover=$(ls "$OUT"/0000-*.patch)
python3 - "$cover" "$TOP/patches/posting/cover-letter" <<'EOF'
import sys
cover_path, text_path = sys.argv[1], sys.argv[2]
lines = open(text_path).read().splitlines()
assert lines[0].startswith("Subject: "), "cover-letter must start with Subject:"
subject, body = lines[0][len("Subject: "):], "\n".join(lines[1:]).strip("\n")
cover = open(cover_path).read()
cover = cover.replace("*** SUBJECT HERE ***", subject, 1)
cover = cover.replace("*** BLURB HERE ***", body, 1)
open(cover_path, "w").write(cover)
EOF
[ "$cover" = "$OUT/0000-cover-letter.patch" ] || mv "$cover" "$OUT/0000-cover-letter.patch"
(cd "$OUT" && ls [0-9][0-9][0-9][0-9]-*.patch | grep -v '^0000-') >"$OUT/series"
log "wrote the cover letter and $(wc -l <"$OUT/series") patches to ${OUT#"$TOP"/}/"
