#!/bin/sh
# make fuzz: run every libFuzzer target built in BUILD_DIR for SECONDS each, starting from its
# seed corpus (new finds go to build/fuzz/corpus/<parser>, never into the checked-in corpus).
#   scripts/fuzz.sh BUILD_DIR SECONDS
# SPDX-License-Identifier: MIT
set -eu
build=$1 secs=$2
src=$(cd "$(dirname "$0")/.." && pwd)
for bin in "$build"/fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    parser=${name#fuzz_}
    work="$build/corpus/$parser"
    mkdir -p "$work"
    dict=""
    [ -f "$src/fuzz/$parser.dict" ] && dict="-dict=$src/fuzz/$parser.dict"
    echo "== $name for ${secs}s"
    # shellcheck disable=SC2086
    "$bin" $dict -max_total_time="$secs" -print_final_stats=1 "$work" "$src/fuzz/corpus/$parser"
done
