#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Build the guest initramfs: busybox-static, qemu/init, and the installed
# kselftests of tools/testing/selftests/containers (static binaries), for
# x86_64 (the default) or cross-built for arm64.
#   qemu/mkinitramfs.sh OUTPUT.cpio.gz [x86_64|arm64]
source "$(dirname "$0")/../ci/lib.sh"

out=${1:?usage: mkinitramfs.sh OUTPUT.cpio.gz [x86_64|arm64]}
arch=${2:-x86_64}
case $arch in
x86_64)
	stage=$BUILD_ROOT/initramfs
	busybox=/bin/busybox
	cross=()
	;;
arm64)
	stage=$BUILD_ROOT/initramfs-arm64
	busybox=$CACHE_DIR/arm64-busybox/bin/busybox
	cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
	;;
*) die "unknown architecture '$arch' (x86_64 or arm64)" ;;
esac
[ -x "$busybox" ] || die "$busybox not found (make deps installs it)"
file -L "$busybox" 2>/dev/null | grep -q 'dynamically linked' &&
	die "$busybox is dynamically linked; install busybox-static"

rm -rf "$stage"
mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,pc}
cp "$busybox" "$stage/bin/busybox"
# Applets go to /bin only: the kselftest runner uses /usr/bin/timeout
# with GNU options when it exists, which busybox's does not accept.
# The applet list comes from the host's busybox of the same version: an
# arm64 binary cannot run here.
for applet in $(/bin/busybox --list); do
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
run_logged "$stage.selftests.log" make -C "$KSRC/tools/testing/selftests" \
	"${cross[@]}" TARGETS=containers O="$stage.selftests-obj" LDFLAGS=-static \
	INSTALL_PATH="$stage/kselftest" install ||
	die "building the kselftests failed"

(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
