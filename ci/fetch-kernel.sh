#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Populate linux/ with the pinned Linux 7.3.4 source and make it a git
# repository whose tag "containers-base" is the unmodified tree.
#
# A linux/ the user populated (for example a checkout of the stable tree)
# is used as it is. Otherwise the distribution's linux-source-7.3 package
# is taken from, in this order: $PC_KERNEL_MIRROR (a folder holding the
# .deb), the download cache, or the Debian archive; its SHA-256 must match
# ci/linux-source.sha256.
source "$(dirname "$0")/lib.sh"

BASE_TAG=containers-base
DL_DIR=$CACHE_DIR/downloads

check_version() {
	local v p s
	v=$(sed -n 's/^VERSION = //p' "$KSRC/Makefile")
	p=$(sed -n 's/^PATCHLEVEL = //p' "$KSRC/Makefile")
	s=$(sed -n 's/^SUBLEVEL = //p' "$KSRC/Makefile")
	[ "$v.$p" = "7.3" ] ||
		die "$KSRC holds Linux $v.$p.$s, but the series is for $KERNEL_VERSION"
	[ "$v.$p.$s" = "$KERNEL_VERSION" ] ||
		warn "$KSRC holds Linux $v.$p.$s; the series is tested on $KERNEL_VERSION"
}

verify_deb() {
	echo "$KERNEL_DEB_SHA256  $1" | sha256sum --check --status
}

# Download the package with a private apt configuration, so that the
# system's sources (bookworm) are not touched.
download_deb() {
	local host d=$CACHE_DIR/apt-trixie
	host=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/\?$/\1/p' /etc/apt/sources.list.d/*.sources \
		/dev/null 2>/dev/null | head -n1)
	[ -n "$host" ] || host=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' \
		/etc/apt/sources.list 2>/dev/null)
	[ -n "$host" ] || die "cannot find a Debian mirror in /etc/apt; set PC_KERNEL_MIRROR to a folder holding $KERNEL_DEB_FILE"
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $host trixie-backports main" \
		>"$d/sources.list"
	local a=(-o "Dir::Etc::sourcelist=$d/sources.list" -o Dir::Etc::sourceparts=/dev/null
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d/cache")
	log "downloading $KERNEL_DEB_NAME $KERNEL_DEB_VERSION from $host"
	run_logged "$CACHE_DIR/logs/apt-kernel.log" apt-get "${a[@]}" update ||
		die "cannot reach the Debian archive (no network?); set PC_KERNEL_MIRROR to a folder holding $KERNEL_DEB_FILE"
	(cd "$DL_DIR" && run_logged "$CACHE_DIR/logs/apt-kernel.log" \
		apt-get "${a[@]}" download "$KERNEL_DEB_NAME=$KERNEL_DEB_VERSION") ||
		die "the archive does not serve $KERNEL_DEB_NAME $KERNEL_DEB_VERSION any more; set PC_KERNEL_MIRROR to a folder holding $KERNEL_DEB_FILE"
}

find_deb() {
	local f
	mkdir -p "$DL_DIR"
	if [ -n "${PC_KERNEL_MIRROR:-}" ] && [ -f "$PC_KERNEL_MIRROR/$KERNEL_DEB_FILE" ]; then
		f=$PC_KERNEL_MIRROR/$KERNEL_DEB_FILE
		verify_deb "$f" || die "checksum mismatch: $f is not the pinned package"
		echo "$f"
		return
	fi
	f=$DL_DIR/$KERNEL_DEB_FILE
	if [ -f "$f" ] && ! verify_deb "$f"; then
		warn "cached $f is corrupt; downloading it again"
		rm -f "$f"
	fi
	[ -f "$f" ] || download_deb
	[ -f "$f" ] || die "download of $KERNEL_DEB_FILE produced no file"
	verify_deb "$f" || { rm -f "$f"; die "checksum mismatch: the downloaded $KERNEL_DEB_FILE does not match ci/linux-source.sha256"; }
	echo "$f"
}

unpack() {
	local deb=$1 tmp=$KSRC.unpack
	need_disk_mib "$(dirname "$KSRC")" 4000
	rm -rf "$tmp"
	mkdir -p "$tmp"
	log "unpacking the kernel source into $KSRC"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO ./usr/src/linux-source-7.3.tar.xz |
		tar -xJ -C "$tmp" --strip-components=1 ||
		{ rm -rf "$tmp"; die "unpacking $deb failed (disk full?)"; }
	# linux/ may exist as an empty submodule placeholder.
	rmdir "$KSRC" 2>/dev/null || true
	[ ! -e "$KSRC" ] || die "$KSRC exists but holds no kernel; move it away"
	mv "$tmp" "$KSRC"
}

make_base_repo() {
	if git -C "$KSRC" rev-parse -q --verify "refs/tags/$BASE_TAG" >/dev/null 2>&1; then
		return
	fi
	if ! git -C "$KSRC" rev-parse -q --verify HEAD >/dev/null 2>&1 ||
		[ "$(git -C "$KSRC" rev-parse --show-toplevel)" != "$(cd "$KSRC" && pwd -P)" ]; then
		log "recording the pristine tree as a git base commit (about a minute)"
		git -C "$KSRC" init -q -b base >/dev/null
		# -f: the Debian tree's .gitignore ignores every top-level entry.
		git -C "$KSRC" add -A -f
		# A fixed author, committer and date: every machine that
		# unpacks the same package records the same commit, so the
		# base-commit of make series names one tree for everybody.
		GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" \
			git -C "$KSRC" -c user.name=process-containers \
			-c user.email=containers@localhost commit -q \
			-m "Linux $KERNEL_VERSION ($KERNEL_DEB_NAME $KERNEL_DEB_VERSION)"
	elif [ -n "$(git -C "$KSRC" status --porcelain --untracked-files=no)" ]; then
		die "$KSRC has uncommitted changes; commit or stash them first"
	fi
	# A user's own checkout: its current commit is the base.
	git -C "$KSRC" tag "$BASE_TAG"
}

if [ ! -f "$KSRC/Makefile" ]; then
	deb=$(find_deb) || exit 1
	unpack "$deb"
fi
check_version
make_base_repo
exit 0
