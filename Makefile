# SPDX-License-Identifier: GPL-2.0
# Front door of the process containers project. See README.md.
#
#   make run          build what is stale and boot a shell in QEMU
#   make check        build what is stale and run every test
#   make check-debug  the same tests on the KASAN/lockdep/kmemleak kernel
#   make check-defconfig  the same tests on x86_64_defconfig + containers
#   make bench        what containers cost, against no grouping and cgroups
#                     (BENCHMARKS.md; about 37 minutes, kernels built)
#   make series       the posting series, cover letter included, in build/series/
#   make series-check checkpatch, git am and quilt on a fresh base tree, and
#                     builds of the result (make check does all but the builds)
#   make bisect-check build every prefix of the series, containers on and off
#
# VARIANT=on|off|real|debug|cgroups|lockstat|arm64|defconfig picks the kernel for
# run/menuconfig (default on);
# SCRIPT=FILE makes 'make run' run FILE in the guest instead of a shell.

VARIANT ?= on
SCRIPT ?=
BUILD := build

.PHONY: all deps fetch tree build kernel initramfs run check check-debug check-defconfig bench menuconfig \
	export-series checkpatch clippy series series-check bisect-check clean distclean help

all: build

help:
	@sed -n '2,18s/^# \{0,1\}//p' Makefile

deps:
	@ci/install-deps.sh

fetch: deps
	@ci/fetch-kernel.sh

tree: fetch
	@ci/prepare-tree.sh

kernel: tree
	@ci/build-kernel.sh $(VARIANT)

initramfs: tree
	@qemu/mkinitramfs.sh $(BUILD)/initramfs.cpio.gz
	@if [ "$(VARIANT)" = arm64 ]; then qemu/mkinitramfs.sh $(BUILD)/initramfs-arm64.cpio.gz arm64; fi

build: kernel initramfs

run: build
	@qemu/run --variant $(VARIANT) $(if $(SCRIPT),--script $(SCRIPT))

check:
	@ci/check.sh

check-debug:
	@ci/check-debug.sh

check-defconfig:
	@PC_CHECK_VARIANTS=defconfig ci/check.sh

bench:
	@ci/bench.sh

menuconfig: tree
	@ci/build-kernel.sh $(VARIANT) --menuconfig

export-series:
	@ci/export-series.sh

checkpatch: tree
	@ci/checkpatch.sh

clippy: tree
	@ci/clippy.sh

series: tree
	@ci/make-series.sh

series-check: tree
	@ci/series-check.sh --build on off

bisect-check: tree
	@ci/bisect-check.sh

clean:
	rm -rf $(BUILD)

distclean: clean
	rm -rf linux
