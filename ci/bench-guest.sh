#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest under 'make bench' (qemu/run --script): drives the
# grouping that the booted kernel has through container_bench. The
# containers kernel is measured through /dev/container (mounted by
# /init), the cgroups kernel through a cgroup v1 named hierarchy without
# controllers and through cgroup v2, and the baseline with neither.
# pc.bench_scale=tiny on the kernel command line shrinks every count.
BENCH=/kselftest/containers/container_bench
SCALE=full
for arg in $(cat /proc/cmdline); do
	case $arg in
	pc.bench_scale=*) SCALE=${arg#pc.bench_scale=} ;;
	esac
done

# run FS ROOT
run() {
	"$BENCH" --fs "$1" --root "$2" --scale "$SCALE" || exit 1
}

if grep -qw container /proc/filesystems; then
	run container /dev/container
elif grep -qw cgroup /proc/filesystems; then
	mkdir -p /tmp/cgroup1 /tmp/cgroup2
	mount -t cgroup -o none,name=bench cgroup /tmp/cgroup1 || exit 1
	mount -t cgroup2 cgroup2 /tmp/cgroup2 || exit 1
	run cgroup1 /tmp/cgroup1
	run cgroup2 /tmp/cgroup2
else
	run none /
fi
