# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the ci/ scripts: paths, logging and failure messages.
# Sourced, never executed.

set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KSRC=${KSRC:-$TOP/linux}
BUILD_ROOT=${BUILD_ROOT:-$TOP/build}
CACHE_DIR=${PC_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/process-containers}

# Pinned toolchain (shared/TOOLCHAIN.md) and kernel source.
LLVM_VERSION=19
BINDGEN_VERSION=0.73.2
KERNEL_VERSION=7.3.4
KERNEL_DEB_NAME=linux-source-7.3
KERNEL_DEB_VERSION="7.3.4-1~bpo13+1"
KERNEL_DEB_FILE="linux-source-7.3_7.3.4-1~bpo13+1_all.deb"
KERNEL_DEB_SHA256=$(awk '{print $1}' "$TOP/ci/linux-source.sha256")

export PATH="$HOME/.cargo/bin:$PATH"
export LIBCLANG_PATH=/usr/lib/llvm-$LLVM_VERSION/lib
export CCACHE_DIR=${CCACHE_DIR:-$CACHE_DIR/ccache}
# Hits across clones: compile commands name the source and build trees by
# absolute path, which ccache rewrites relative to the checkout, and the
# build directory is not hashed. CI's clean clone then reuses the cache
# of any earlier checkout on the machine.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run a long command with its output in a log file; on failure show the
# tail of the log so the user sees the actual error, not just "failed".
run_logged() {
	local logfile=$1; shift
	mkdir -p "$(dirname "$logfile")"
	if ! "$@" >"$logfile" 2>&1; then
		printf '\n--- last 40 lines of %s ---\n' "$logfile" >&2
		tail -n 40 "$logfile" >&2
		printf -- '--- end of log ---\n' >&2
		return 1
	fi
}

# Refuse to start a step that writes gigabytes with too little disk.
need_disk_mib() {
	local dir=$1 need=$2 have
	mkdir -p "$dir"
	have=$(df -Pm "$dir" | awk 'NR==2 {print $4}')
	[ "$have" -ge "$need" ] ||
		die "not enough disk space in $dir: ${have} MiB free, ${need} MiB needed"
}

# The kernel variants. Each has its own build directory, architecture,
# base config (tinyconfig unless stated) and fragments; the fragment of
# its architecture (qemu-x86_64.config, qemu-arm64.config) comes first.
#   on         tiny x86_64 kernel with containers (make bench, make run)
#   off        the same without containers (baseline; make check)
#   real       containers beside cgroups and their controllers, modules,
#              preemption, 64 CPUs: what distributions run (make check,
#              booted with 4 CPUs)
#   debug      real + KASAN, lockdep, kmemleak...: clang (make check-debug)
#   cgroups    containers off, cgroups without controller (make bench)
#   lockstat   on + cgroups without controller + CONFIG_LOCK_STAT: the
#              lock figures of make bench, booted with 2 CPUs
#   arm64      tiny arm64 kernel with containers, cross-built (make check)
#   defconfig  x86_64_defconfig + Rust + containers (make check-defconfig)
VARIANTS="on off real debug cgroups lockstat arm64 defconfig"
variant_arch() {
	case $1 in
	arm64) echo arm64 ;;
	on|off|real|debug|cgroups|lockstat|defconfig) echo x86_64 ;;
	*) die "unknown kernel variant '$1' (one of: $VARIANTS)" ;;
	esac
}
variant_base() {
	case $1 in
	defconfig) echo x86_64_defconfig ;;
	*) echo tinyconfig ;;
	esac
}
variant_fragments() {
	local arch
	arch=$(variant_arch "$1") || return 1
	echo -n "qemu-$arch.config qemu-base.config "
	case $1 in
	on|arm64) echo "containers-on.config" ;;
	defconfig) echo "containers-on.config sample-module.config" ;;
	off) echo "containers-off.config" ;;
	real) echo "containers-on.config realistic.config sample-module.config" ;;
	debug) echo "containers-on.config realistic.config sample-module.config debug.config" ;;
	cgroups) echo "containers-off.config benchmark-cgroups.config" ;;
	lockstat) echo "containers-on.config lockstat.config" ;;
	esac
}
# The boot image, relative to the build directory.
variant_image() {
	case $(variant_arch "$1") in
	arm64) echo arch/arm64/boot/Image ;;
	x86_64) echo arch/x86/boot/bzImage ;;
	esac
}

# The make command of a variant. Every make call on a build directory must
# see the same variables, or Kbuild silently re-syncs the config and
# rebuilds everything. KASAN with Rust needs clang, so the debug kernel
# is a clang build; arm64 is cross-built with Debian's gcc.
variant_make() {
	local cc="CC=ccache gcc" llvm= cross=()
	if [ "$1" = debug ]; then
		cc="CC=ccache clang-$LLVM_VERSION"
		llvm="LLVM=-$LLVM_VERSION"
	fi
	if [ "$(variant_arch "$1")" = arm64 ]; then
		cross=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
		cc="CC=ccache aarch64-linux-gnu-gcc"
	fi
	KMAKE=(make -C "$KSRC" "${cross[@]}" "$cc" ${llvm:+"$llvm"} -j"$(nproc)")
}
variant_dir() { echo "$BUILD_ROOT/kernel-$1"; }

# The steps between the dependencies and a boot: the kernel source, the
# patched tree, the kernels given as arguments and the initramfs.
prepare_kernels() {
	local variant
	"$TOP/ci/fetch-kernel.sh" || return 1
	"$TOP/ci/prepare-tree.sh" || return 1
	local arches=" "
	for variant in "$@"; do
		"$TOP/ci/build-kernel.sh" "$variant" || return 1
		arches+="$(variant_arch "$variant") "
	done
	# One initramfs per architecture: the x86_64 one keeps its old name.
	"$TOP/qemu/mkinitramfs.sh" "$BUILD_ROOT/initramfs.cpio.gz" || return 1
	if [ "${arches/ arm64 /}" != "$arches" ]; then
		"$TOP/qemu/mkinitramfs.sh" "$BUILD_ROOT/initramfs-arm64.cpio.gz" arm64 || return 1
	fi
}

# The steps before a test run: dependencies, the summariser's self-test
# (it decides pass or fail, so it must be able to fail), then
# prepare_kernels. A failure still ends with the counting line, as a run
# of the tests would.
prepare_test_run() {
	local out
	fail_early() {
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	}
	"$TOP/ci/install-deps.sh" || fail_early
	out=$(python3 "$TOP/ci/test_ktap_summary.py" 2>&1) || { echo "$out"; fail_early; }
	prepare_kernels "$@" || fail_early
}

# The posting series of make series, for the checks that apply it: a fresh
# worktree of the untouched base in $1/linux (replacing an old one), and
# the series' patch files, in order, in the array SERIES_PATCHES.
fresh_base_worktree() {
	local work=$1 series=$2 p
	if [ -d "$work/linux" ]; then
		git -C "$KSRC" worktree remove --force "$work/linux" 2>/dev/null || rm -rf "$work/linux"
	fi
	git -C "$KSRC" worktree prune
	mkdir -p "$work"
	git -C "$KSRC" worktree add -q --detach "$work/linux" containers-base
	SERIES_PATCHES=()
	for p in $(sed -e 's/#.*//' "$series/series"); do SERIES_PATCHES+=("$series/$p"); done
}
