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

# The kernel variants: each has its own build directory and fragments.
variant_fragments() {
	case $1 in
	on) echo "qemu-base.config containers-on.config" ;;
	off) echo "qemu-base.config containers-off.config" ;;
	debug) echo "qemu-base.config containers-on.config debug.config" ;;
	cgroups) echo "qemu-base.config containers-off.config benchmark-cgroups.config" ;;
	*) die "unknown kernel variant '$1' (on, off, debug or cgroups)" ;;
	esac
}

# The make command of a variant. Every make call on a build directory must
# see the same variables, or Kbuild silently re-syncs the config and
# rebuilds everything. KASAN with Rust needs clang, so the debug kernel
# is a clang build.
variant_make() {
	local cc="CC=ccache gcc" llvm=
	if [ "$1" = debug ]; then
		cc="CC=ccache clang-$LLVM_VERSION"
		llvm="LLVM=-$LLVM_VERSION"
	fi
	KMAKE=(make -C "$KSRC" "$cc" ${llvm:+"$llvm"} -j"$(nproc)")
}
variant_dir() { echo "$BUILD_ROOT/kernel-$1"; }

# The steps between the dependencies and a boot: the kernel source, the
# patched tree, the kernels given as arguments and the initramfs.
prepare_kernels() {
	local variant
	"$TOP/ci/fetch-kernel.sh" || return 1
	"$TOP/ci/prepare-tree.sh" || return 1
	for variant in "$@"; do
		"$TOP/ci/build-kernel.sh" "$variant" || return 1
	done
	"$TOP/qemu/mkinitramfs.sh" "$BUILD_ROOT/initramfs.cpio.gz"
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
