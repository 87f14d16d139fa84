#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The whole test suite (make check): build what is stale, then run every
# kselftest on the distribution-like x86_64 kernel (containers beside
# cgroups, modules, preemption) with 4 CPUs and on the tiny arm64 kernel,
# boot the containers-off kernel and check that the interface is absent,
# and summarise the kselftest and KUnit results of every boot, failing on
# any kernel splat. The last line is "N passed, N failed, N skipped".
#
# PC_CHECK_VARIANTS (default "real arm64 off") picks the boots, for
# example PC_CHECK_VARIANTS="on off" for the tiny x86_64 kernels alone.
# Whenever "real" is among them, the posting series is checked as well
# (ci/series-check.sh: checkpatch, git am and quilt give the tree that was
# built); PC_CHECK_SERIES=0 leaves that out, =1 forces it.
source "$(dirname "$0")/lib.sh"

results=$BUILD_ROOT/results
read -r -a variants <<<"${PC_CHECK_VARIANTS:-real arm64 off}"
prepare_test_run "${variants[@]}"

rm -rf "${variants[@]/#/$results/}"
labels=()
for v in "${variants[@]}"; do
	case $v in
	off)
		log "booting kernel-off: the interface must be absent"
		"$TOP/qemu/run" --variant off --check \
			--tests containers:pipeline_test.sh,containers:disabled_test.sh \
			--out "$results/off" --timeout 600 || true
		;;
	*)
		# 4 CPUs where the kernel is a distribution-like one (the tiny
		# ones keep 2); 2 GiB: tasks_scale_test starts 20,000 threads
		# in the root.
		cpus=2
		case $v in real|defconfig) cpus=4 ;; esac
		log "booting kernel-$v ($cpus CPUs): all kselftests"
		"$TOP/qemu/run" --variant "$v" --check --cpus "$cpus" \
			--skip containers:disabled_test.sh,containers:fault_test \
			--memory 2048 --out "$results/$v" --timeout 2400 || true
		;;
	esac
	labels+=("$v=$results/$v")
done

host=()
series=${PC_CHECK_SERIES:-}
if [ -z "$series" ]; then
	series=0
	for v in "${variants[@]}"; do [ "$v" = real ] && series=1; done
fi
if [ "$series" = 1 ]; then
	log "checking the posting series (build/series/)"
	mkdir -p "$results"
	"$TOP/ci/series-check.sh" >"$results/series-check.tap" 2>&1 || true
	tail -n 1 "$results/series-check.tap" >&2
	host=(--host "series=$results/series-check.tap")
fi

log "console logs: $results/<variant>/console.log, kernel logs: kernel.log"
python3 "$TOP/ci/ktap-summary.py" "${labels[@]}" ${host[@]+"${host[@]}"}
