#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Install everything the build, boot and test steps need on Debian 12.
# Idempotent: when everything is present it only checks and returns.
source "$(dirname "$0")/lib.sh"

PACKAGES=(
	build-essential flex bison bc libelf-dev libssl-dev cpio busybox-static
	qemu-system-x86 make rsync ccache xz-utils zstd pahole kmod git quilt
	python3 perl
	# make htmldocs, for the admin guide and the header's kernel-doc
	python3-sphinx python3-sphinx-rtd-theme python3-yaml
	"clang-$LLVM_VERSION" "lld-$LLVM_VERSION" "llvm-$LLVM_VERSION"
	"libclang-$LLVM_VERSION-dev"
	# arm64: the cross compiler with its static C library, and the
	# emulator. busybox-static for arm64 is fetched below.
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
)

missing_packages() {
	local p
	for p in "${PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

install_packages() {
	local missing
	missing=$(missing_packages)
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || die "need root to install:" $missing
	log "installing packages: $(echo $missing)"
	run_logged "$CACHE_DIR/logs/apt-update.log" apt-get update ||
		die "apt-get update failed (no network to the Debian mirror?)"
	DEBIAN_FRONTEND=noninteractive run_logged "$CACHE_DIR/logs/apt-install.log" \
		apt-get install -y --no-install-recommends $missing ||
		die "apt-get install failed"
}

install_rust() {
	if ! command -v rustup >/dev/null; then
		die "rustup not found: install it (https://rustup.rs) or put ~/.cargo/bin on PATH"
	fi
	if ! rustup component list --installed 2>/dev/null | grep -q '^rust-src'; then
		log "adding the rust-src component"
		run_logged "$CACHE_DIR/logs/rustup.log" rustup component add rust-src ||
			die "rustup component add rust-src failed"
	fi
	for c in rustfmt clippy; do
		rustup component list --installed 2>/dev/null | grep -q "^$c" ||
			run_logged "$CACHE_DIR/logs/rustup.log" rustup component add "$c" ||
			die "rustup component add $c failed"
	done
	if ! bindgen --version 2>/dev/null | grep -q " $BINDGEN_VERSION\$"; then
		log "building bindgen-cli $BINDGEN_VERSION (about 2 minutes)"
		run_logged "$CACHE_DIR/logs/bindgen.log" \
			cargo install --locked "bindgen-cli@$BINDGEN_VERSION" ||
			die "cargo install bindgen-cli failed (no access to crates.io?)"
	fi
}

# The arm64 initramfs needs an arm64 busybox-static. Installing it would
# replace the host's, so the package is only downloaded (multiarch) and
# unpacked into the cache; qemu/mkinitramfs.sh takes it from there.
install_arm64_busybox() {
	local dir=$CACHE_DIR/arm64-busybox deb
	[ -x "$dir/bin/busybox" ] && return 0
	[ "$(id -u)" = 0 ] || die "need root to add the arm64 architecture to dpkg"
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		log "adding arm64 as a foreign architecture (for busybox-static:arm64)"
		dpkg --add-architecture arm64
		run_logged "$CACHE_DIR/logs/apt-update.log" apt-get update ||
			die "apt-get update failed (no network to the Debian mirror?)"
	fi
	rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
	(cd "$dir.tmp" && run_logged "$CACHE_DIR/logs/apt-download.log" \
		apt-get download busybox-static:arm64) ||
		die "downloading busybox-static:arm64 failed"
	deb=$(ls "$dir.tmp"/busybox-static_*_arm64.deb)
	dpkg-deb -x "$deb" "$dir.tmp/root" || die "unpacking $deb failed"
	mkdir -p "$dir/bin"
	install -m 755 "$dir.tmp/root/bin/busybox" "$dir/bin/busybox"
	rm -rf "$dir.tmp"
}

mkdir -p "$CACHE_DIR/logs"
install_packages
install_arm64_busybox
install_rust
[ -n "$(missing_packages)" ] && die "still missing: $(missing_packages)"
exit 0
