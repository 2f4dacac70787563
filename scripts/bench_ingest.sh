#!/bin/sh
# make bench, ingest part: sustained ingest over loopback into a durable workspace. A release
# `journeymap serve` on a fresh workspace takes Segment track calls from bench/jm_ingest_load
# (closed loop, keep-alive connections) for single events and for batches; each answer is sent
# only once its events are fsynced (group commit). Prints events/s and p50 / p99 latency per
# request, and writes them to $RESULTS/bench-ingest.tsv. The goal (README of the peers' kit has
# no HTTP ingest to compare with): 50k events/s in batches with p99 under 50 ms.
#
#   sh scripts/bench_ingest.sh                 (make bench runs it after the journey workloads)
#   BENCH_INGEST_SECONDS=10 sh scripts/bench_ingest.sh
#
# SPDX-License-Identifier: MIT
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RELEASE=${JM_RELEASE_DIR:-"$ROOT/build/release"}
JM="$RELEASE/journeymap"
LOAD="$RELEASE/bench/jm_ingest_load"
RESULTS=${BENCH_RESULTS:-"$ROOT/build/peers/results"}
SECONDS_EACH=${BENCH_INGEST_SECONDS:-5}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jm-ingest-bench.XXXXXX")
PID=""
cleanup() {
    [ -z "$PID" ] || kill -TERM "$PID" 2>/dev/null || true
    [ -z "$PID" ] || wait "$PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

mkdir -p "$RESULTS"
export JOURNEYMAP_DB="$WORK/bench.db"
"$JM" init >/dev/null
KEY=$("$JM" keys create --role ingest --name bench | grep -o 'jmw_[A-Za-z0-9]\{46\}' | head -1)
"$JM" serve --listen 127.0.0.1:0 --port-file "$WORK/port" --quiet --access-log "$WORK/access.log" &
PID=$!
i=0
while [ ! -s "$WORK/port" ]; do
    i=$((i + 1))
    [ "$i" -lt 3000 ] || { echo "bench_ingest: the server did not start" >&2; exit 1; }
    sleep 0.01
done
PORT=$(cat "$WORK/port")
SUMMARY="$RESULTS/bench-ingest.tsv"
: >"$SUMMARY"

printf '\n== ingest over loopback (%s s each, durable: synchronous=FULL, group commit)\n' \
    "$SECONDS_EACH" >&2
run() { # run PREFIX ARGS...
    p=$1
    shift
    "$LOAD" --port "$PORT" --key "$KEY" --seconds "$SECONDS_EACH" --prefix "$p" \
        --summary "$SUMMARY" "$@" >&2
}
run s1 --mode single --connections 1
run s8 --mode single --connections 8
run s32 --mode single --connections 32
run b8 --mode batch --batch 100 --connections 8
run b4 --mode batch --batch 500 --connections 4

echo
echo "| ingest over loopback | batch | connections | events/s | p50 ms | p99 ms |"
echo "|---|---:|---:|---:|---:|---:|"
while IFS='	' read -r mode per conns eps p50 p99 _events _errors; do
    echo "| $mode | $per | $conns | $eps | $p50 | $p99 |"
done <"$SUMMARY"
