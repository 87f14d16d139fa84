#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Style checks: checkpatch --strict on every patch of the posting series
# (make series; FILE_PATH_CHANGES is ignored, see ci/series-check.sh) and
# rustfmt on the Rust core.
source "$(dirname "$0")/lib.sh"

rc=0
"$TOP/ci/make-series.sh" "$BUILD_ROOT/series"
for p in $(sed -e 's/#.*//' "$BUILD_ROOT/series/series" | grep -v '^[[:space:]]*$'); do
	out=$("$KSRC/scripts/checkpatch.pl" --strict --quiet --no-tree --terse \
		--ignore FILE_PATH_CHANGES "$BUILD_ROOT/series/$p" 2>&1) || { echo "$out"; rc=1; }
done
if ls "$TOP"/rust-container/*.rs >/dev/null 2>&1; then
	rustfmt --check --edition 2021 --config-path "$KSRC/.rustfmt.toml" \
		"$TOP"/rust-container/*.rs || rc=1
fi
[ $rc = 0 ] && log "checkpatch and rustfmt: clean"
exit $rc
