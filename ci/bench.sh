#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make bench: what containers cost, against no grouping and against
# cgroups. Builds what is stale of three kernels from the same tree and
# fragments (baseline: kernel-off, containers: kernel-on, peer:
# kernel-cgroups), then boots them in turn, PC_BENCH_BOOTS times each
# (default 3), under QEMU -icount on one CPU, running container_bench
# through ci/bench-guest.sh. ci/bench-report.py prints the report and
# writes it, with the raw figures, to build/bench/.
# See BENCHMARKS.md for the method and what the figures mean.
# Then it boots the lock-statistics kernel (kernel-lockstat: containers
# and cgroups side by side, CONFIG_LOCK_STAT) with 2 vCPUs and no
# -icount, PC_BENCH_BOOTS times, running lock_bench through
# ci/bench-lockstat-guest.sh; ci/lockstat-report.py adds its figures.
#   PC_BENCH_BOOTS=N      boots per kernel (at least 3 for a report)
#   PC_BENCH_SCALE=tiny   tiny counts: checks the pipeline in minutes
#   PC_BENCH_PARTS="icount lockstat"  the parts to run (default both)
source "$(dirname "$0")/lib.sh"

boots=${PC_BENCH_BOOTS:-3}
scale=${PC_BENCH_SCALE:-full}
parts=" ${PC_BENCH_PARTS:-icount lockstat} "
kernels=()
[ "${parts/ icount /}" != "$parts" ] && kernels+=(off on cgroups)
[ "${parts/ lockstat /}" != "$parts" ] && kernels+=(lockstat)
bench=$BUILD_ROOT/bench
run=$bench/runs/$(date -u +%Y%m%d-%H%M%S)

[[ $boots =~ ^[1-9][0-9]*$ ]] || die "PC_BENCH_BOOTS must be a positive number"
case $scale in full | tiny) ;; *) die "PC_BENCH_SCALE must be full or tiny" ;; esac
[ ${#kernels[@]} -gt 0 ] || die "PC_BENCH_PARTS names neither icount nor lockstat"

"$TOP/ci/install-deps.sh"
prepare_kernels "${kernels[@]}" || die "preparing the kernels failed"
mkdir -p "$run"

# Lock statistics first: they need no quiet host, only counts.
if [ "${parts/ lockstat /}" != "$parts" ]; then
	for round in $(seq 1 "$boots"); do
		log "lock statistics, boot $round of $boots: kernel-lockstat, 2 CPUs"
		out=$run/lockstat/boot-$round
		"$TOP/qemu/run" --variant lockstat --script "$TOP/ci/bench-lockstat-guest.sh" \
			--cpus 2 --memory 4096 --timeout 2400 \
			--append "pc.bench_scale=$scale" --out "$out" >/dev/null ||
			die "the lock benchmark failed (console: $out/console.log)"
	done
	python3 "$TOP/ci/lockstat-report.py" --run "$run/lockstat" \
		--json "$run/lockstat.json" --markdown "$run/lockstat.md"
	if [ "$scale" = full ]; then
		cp "$run/lockstat.md" "$bench/lockstat.md"
	fi
	[ "${parts/ icount /}" != "$parts" ] || { log "report: $run/lockstat.md"; exit 0; }
fi

# Interleaved, so that a slow spell of the host spreads over all kernels
# instead of landing on one of them.
for round in $(seq 1 "$boots"); do
	for k in off on cgroups; do
		log "boot $round of $boots: kernel-$k"
		out=$run/$k-$round
		# norandmaps: with random user space layouts, fork's cost
		# moved by 2% from one process to the next.
		"$TOP/qemu/run" --variant "$k" --script "$TOP/ci/bench-guest.sh" \
			--cpus 1 --memory 3072 --icount --timeout 1800 \
			--append "pc.bench_scale=$scale norandmaps" --out "$out" >/dev/null ||
			die "the benchmark failed on kernel-$k (console: $out/console.log)"
	done
done

previous=()
[ -f "$bench/latest.json" ] && previous=(--previous "$bench/latest.json")
python3 "$TOP/ci/bench-report.py" --run "$run" --scale "$scale" \
	--json "$run/results.json" --markdown "$run/report.md" "${previous[@]}"
# Only full runs are the reference that the next run compares with.
if [ "$scale" = full ]; then
	cp "$run/results.json" "$bench/latest.json"
	cp "$run/report.md" "$bench/report.md"
fi
log "report: $run/report.md (raw figures and consoles: $run)"
