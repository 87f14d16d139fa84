#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs in the guest of the lock-statistics kernel under 'make bench'
# (qemu/run --script, 2 vCPUs): lock_bench reads /proc/lock_stat around
# fork+exit, parallel fork+exit and reads of a large root tasks file,
# first through the container filesystem (mounted at /dev/container by
# /init), then through a cgroup v1 named hierarchy without controllers in
# the same kernel. pc.bench_scale=tiny shrinks every count.
BENCH=/kselftest/containers/lock_bench
SCALE=full
for arg in $(cat /proc/cmdline); do
	case $arg in
	pc.bench_scale=*) SCALE=${arg#pc.bench_scale=} ;;
	esac
done

echo "pc-bench-info fs=container scale=$SCALE"
"$BENCH" --fs container --root /dev/container --scale "$SCALE" || exit 1
mkdir -p /tmp/cgroup1
mount -t cgroup -o none,name=bench cgroup /tmp/cgroup1 || exit 1
echo "pc-bench-info fs=cgroup1 scale=$SCALE"
"$BENCH" --fs cgroup1 --root /tmp/cgroup1 --scale "$SCALE" || exit 1
