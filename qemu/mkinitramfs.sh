#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs: busybox-static, qemu/init, and the installed
# kselftests of tools/testing/selftests/containers (static binaries).
#   qemu/mkinitramfs.sh OUTPUT.cpio.gz
source "$(dirname "$0")/../ci/lib.sh"

out=${1:?usage: mkinitramfs.sh OUTPUT.cpio.gz}
stage=$BUILD_ROOT/initramfs
busybox=/bin/busybox
[ -x "$busybox" ] || die "$busybox not found (package busybox-static)"
file -L "$busybox" 2>/dev/null | grep -q 'dynamically linked' &&
	die "$busybox is dynamically linked; install busybox-static"

rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,pc}
cp "$busybox" "$stage/bin/busybox"
# Applets go to /bin only: the kselftest runner uses /usr/bin/timeout
# with GNU options when it exists, which busybox's does not accept.
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] && continue
	ln -s busybox "$stage/bin/$applet"
done
install -m 755 "$TOP/qemu/init" "$stage/init"
cat >"$stage/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/:/bin/false
user1:x:1001:1001:test user 1:/tmp:/bin/sh
user2:x:1002:1002:test user 2:/tmp:/bin/sh
PASSWD
cat >"$stage/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
user1:x:1001:
user2:x:1002:
GROUP

# The kselftests, built and installed the way the kernel does it.
run_logged "$BUILD_ROOT/selftests.log" make -C "$KSRC/tools/testing/selftests" \
	TARGETS=containers O="$BUILD_ROOT/selftests-obj" LDFLAGS=-static \
	INSTALL_PATH="$stage/kselftest" install ||
	die "building the kselftests failed"

(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
