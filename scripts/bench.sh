#!/bin/sh
# make bench: journeymap beside ClickHouse and DuckDB on the peers' journey benchmark, in one
# run: the import of the generated CSV against the peers' load, then the five journey
# workloads (funnel per contact and per account, time to convert, transitions, attribution)
# on journeymap's store (bench/jm_bench) against the peers' SQL, with the result sets compared;
# then two insight workloads (attribution by nine models, the most common paths; journey
# examples/journeys/peers.yaml) against our own SQL for the peers in bench/sql/<peer>/.
#
#   sh scripts/bench.sh                        (make bench builds build/release first)
#   BENCH_SIZES=1m BENCH_PEERS= sh scripts/bench.sh    (quick: ours only, 1M events)
#
#   BENCH_SIZES     sizes to run, from 1m 10m 50m     (default "1m 10m")
#   BENCH_PEERS     peers to run, from clickhouse duckdb (default "clickhouse duckdb"; empty = ours only)
#   BENCH_REPS      repetitions per cell               (default 3; the table shows the median)
#   BENCH_JM_REPS   runs of each workload in jm_bench  (default 11; they take milliseconds)
#   JM_RELEASE_DIR  the build with journeymap and bench/jm_bench (default build/release)
#   BENCH_WORK      where the kit is copied and everything runs (default build/peers)
#
# The peer kit in ../shared/peers is read-only and shared with other checkouts, so it is copied
# to build/peers and everything (CSVs, databases, node_modules, results) happens in the copy.
# Imports and loads: the wall time of one fresh process under /usr/bin/time -v, exactly as the
# peers' bench.py measures theirs, so the ratios compare like with like. Queries: time inside
# the engine (ours: the analysis call on the loaded store; ClickHouse: query_log; DuckDB: the
# statement), as the peers' README reports them. The benchmark asserts nothing: a peer that
# cannot be installed or started is reported and skipped.
#
# SPDX-License-Identifier: MIT
set -euf # no globbing: every path is quoted and none is a pattern

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RELEASE=${JM_RELEASE_DIR:-"$ROOT/build/release"}
JM="$RELEASE/journeymap"
JM_BENCH="$RELEASE/bench/jm_bench"
MAPPING="$ROOT/examples/mappings/peers-events.yaml"
SHARED=$(cd "$ROOT/../shared/peers" 2>/dev/null && pwd) || SHARED="$ROOT/../shared/peers"
WORK=${BENCH_WORK:-"$ROOT/build/peers"}
DATA="$WORK/data"
RESULTS="$WORK/results"
LOGS="$WORK/logs"

SIZES=${BENCH_SIZES-"1m 10m"}
PEERS=${BENCH_PEERS-"clickhouse duckdb"}
REPS=${BENCH_REPS:-3}
JM_REPS=${BENCH_JM_REPS:-11}
QUERIES="funnel_contact funnel_account ttc transitions attribution"
# The insight workloads: bench/bench_insights.c against bench/sql/<peer>/<workload>.sql, which
# copy_kit puts beside the kit's SQL so that bench.py runs them like its own.
INSIGHTS="attribution_models paths"
JOURNEY="$ROOT/examples/journeys/peers.yaml"

# One line per measured cell (size, engine, status, medians, ...), read by report() at the end:
# CELLS for the import/load, QCELLS for the five query workloads.
CELLS="$RESULTS/bench-cells.tsv"
QCELLS="$RESULTS/bench-query-cells.tsv"
CH_STARTED=no

say() { printf '%s\n' "$*" >&2; }
section() { printf '\n== %s\n' "$*" >&2; }

events_of() {
    case "$1" in
    1m) echo 1000000 ;;
    10m) echo 10000000 ;;
    50m) echo 50000000 ;;
    *) return 1 ;;
    esac
}

# cell SIZE ENGINE STATUS MEDIAN_S ENGINE_S PEAK_KB DB_BYTES NOTE   ("-" for unknown)
cell() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$CELLS"; }
# qcell SIZE WORKLOAD ENGINE STATUS ENGINE_S WALL_S PEAK_KB NOTE
qcell() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$QCELLS"; }

is_installed() {
    case "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" in
    *"install ok installed"*) return 0 ;;
    *) return 1 ;;
    esac
}

# apt_install PKG...: installs the missing ones; fails (with the reason on stderr) when it cannot.
APT_UPDATED=no
apt_install() {
    missing=""
    for p in "$@"; do is_installed "$p" || missing="$missing $p"; done
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        say "not root: cannot install$missing; run: apt-get update && apt-get install -y$missing"
        return 1
    fi
    say "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    if [ "$APT_UPDATED" = no ]; then
        apt-get update -qq >&2 || return 1
        APT_UPDATED=yes
    fi
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >"$LOGS/apt.log" 2>&1 || {
        say "apt-get install failed (tail of $LOGS/apt.log):"
        tail -5 "$LOGS/apt.log" >&2
        return 1
    }
}

# --- 1. the peers' kit, copied ---------------------------------------------------------------

copy_kit() {
    section "peer kit: $SHARED -> $WORK"
    [ -f "$SHARED/bench.py" ] || {
        say "no peer kit at $SHARED"
        exit 1
    }
    mkdir -p "$WORK" "$DATA" "$RESULTS" "$LOGS"
    # data/ and results/ are the kit's own measurements and CSVs: we make our own. node_modules,
    # logs and bin are per-machine. tar rather than rsync, which a fresh Debian lacks.
    tar -C "$SHARED" --exclude=./data --exclude=./results --exclude=./logs --exclude=./bin \
        --exclude=./node/node_modules -cf - . | tar -C "$WORK" -xf -
    # The shared files are read-only (r--r--r--); the copy is ours to overwrite next time.
    chmod -R u+w "$WORK"
    tar -C "$ROOT/bench" -cf - sql | tar -C "$WORK" -xf -
    mkdir -p "$RESULTS/out"
    : >"$CELLS"
    : >"$QCELLS"
}

# --- 2. data ---------------------------------------------------------------------------------

# The checksum the peers' README lists for data/events_SIZE.csv (seed 42), or nothing.
expected_sha() {
    awk -v f="data/events_$1.csv" '$2 == f && length($1) == 64 { print $1; exit }' "$WORK/README.md"
}

make_csv() {
    size=$1
    csv="$DATA/events_$size.csv"
    want=$(expected_sha "$size")
    rm -f "$DATA/events_$size.sha-ok"
    if [ -f "$csv" ] && [ -n "$want" ] && [ "$(sha256sum <"$csv" | cut -d' ' -f1)" = "$want" ]; then
        say "data/events_$size.csv: present, sha256 matches the README"
        : >"$DATA/events_$size.sha-ok"
        return 0
    fi
    say "data/events_$size.csv: generating (1M takes ~2 s, 10M ~20 s)"
    python3 "$WORK/gen_events.py" --events "$(events_of "$size")" --seed 42 -o "$csv.tmp" \
        >"$LOGS/gen_$size.log" 2>&1
    mv "$csv.tmp" "$csv"
    got=$(sha256sum <"$csv" | cut -d' ' -f1)
    # A different checksum means a different generator; every engine still reads the same file
    # in this run, so the comparison holds, but it is not the README's data set.
    if [ -n "$want" ] && [ "$got" != "$want" ]; then
        say "warning: data/events_$size.csv sha256 $got differs from the README's $want"
    elif [ -n "$want" ]; then
        : >"$DATA/events_$size.sha-ok"
    fi
}

# --- 3. journeymap ---------------------------------------------------------------------------

# Runs one command under /usr/bin/time -v and prints "wall_s maxrss_kb rc". The wall clock is
# taken around the whole process with perf_counter, as bench.py does for the peers.
timed() {
    python3 - "$@" <<'PY'
import re, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.run(["/usr/bin/time", "-v"] + sys.argv[1:], stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t0
err = p.stderr.decode(errors="replace")
m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
if p.returncode:
    sys.stderr.write(err[-1500:])
print("%.4f %s %d" % (wall, m.group(1) if m else "-", p.returncode))
PY
}

median() { python3 -c 'import statistics, sys; print("%.4f" % statistics.median(map(float, sys.argv[1:])))' "$@"; }

bench_ours() {
    size=$1
    csv="$DATA/events_$size.csv"
    db="$DATA/jm_$size.db"
    walls="" peak=0 status=ok
    for rep in $(seq 1 "$REPS"); do
        # A fresh workspace each time: importing into a full one measures the no-op re-import.
        rm -f "$db" "$db-wal" "$db-shm"
        # shellcheck disable=SC2046 # split into fields on purpose (set -f: no globbing)
        set -- $(timed "$JM" import -q --db "$db" -m "$MAPPING" "$csv")
        say "journeymap $size rep $rep: ${1} s, peak RSS ${2} KiB, exit $3"
        if [ "$3" -ne 0 ]; then
            status="import exited $3"
            break
        fi
        walls="$walls $1"
        [ "$2" != - ] && [ "$2" -gt "$peak" ] && peak=$2
    done
    if [ "$status" != ok ]; then
        cell "$size" journeymap failed - - - - "$status"
        return 0
    fi
    # The workspace after the last rep: the database plus any WAL it left behind.
    bytes=0
    for f in "$db" "$db-wal"; do [ -f "$f" ] && bytes=$((bytes + $(wc -c <"$f"))); done
    # shellcheck disable=SC2086 # one argument per repetition
    cell "$size" journeymap ok "$(median $walls)" - "$peak" "$bytes" -
}

# The five workloads and the two insight ones on the workspace the last import left, with
# jm_bench: the store (and for the insights the journey's report) is made once, timed apart,
# each workload runs JM_REPS times, and the result sets are written as
# build/peers/results/out/journeymap_<size>_<workload>.tsv beside the peers'.
bench_ours_queries() {
    size=$1
    db="$DATA/jm_$size.db"
    summary="$RESULTS/journeymap_${size}_queries.tsv"
    log="$LOGS/jm_bench_$size.log"
    if ! [ -f "$db" ]; then
        for w in $QUERIES $INSIGHTS; do qcell "$size" "$w" journeymap failed - - - "no workspace (import failed)"; done
        return 0
    fi
    rm -f "$summary"
    if ! /usr/bin/time -v -o "$LOGS/jm_bench_$size.time" "$JM_BENCH" --db "$db" --reps "$JM_REPS" \
        --journey "$JOURNEY" --out "$RESULTS/out" --prefix "journeymap_${size}_" \
        --summary "$summary" >"$log" 2>&1; then
        say "jm_bench $size failed (tail of $log):"
        tail -5 "$log" >&2
        for w in $QUERIES $INSIGHTS; do qcell "$size" "$w" journeymap failed - - - "jm_bench failed"; done
        return 0
    fi
    sed 's/^/  /' "$log" >&2
    peak=$(awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); print $2 }' \
        "$LOGS/jm_bench_$size.time")
    load_s=$(awk -F'\t' '$1 == "store_load" { printf "%.3f", $2 }' "$summary")
    report_s=$(awk -F'\t' '$1 == "insights_load" { printf "%.3f", $2 }' "$summary")
    for w in $QUERIES $INSIGHTS; do
        note="store load ${load_s:--} s once per process, not included"
        case " $INSIGHTS " in
        *" $w "*) note="dataset + journey + report ${report_s:--} s once per process, not included" ;;
        esac
        # shellcheck disable=SC2046 # split into fields on purpose (set -f: no globbing)
        set -- $(awk -F'\t' -v w="$w" '$1 == w { print $2, $5 }' "$summary")
        if [ $# -eq 0 ]; then
            qcell "$size" "$w" journeymap failed - - - "not in jm_bench's summary"
            continue
        fi
        qcell "$size" "$w" journeymap ok "${1:--}" - "${peak:--}" "cpu ${2:--} s; $note"
    done
}

# --- 4. the peers ----------------------------------------------------------------------------

ch_up() { clickhouse-client --host 127.0.0.1 --port 19000 --query "SELECT 1" >/dev/null 2>&1; }

# prepare_PEER: install and start; on failure prints why and returns non-zero.
prepare_clickhouse() {
    apt_install clickhouse-server clickhouse-client || return 1
    if ch_up; then
        say "a ClickHouse server already answers on 127.0.0.1:19000: using it, leaving it running"
        return 0
    fi
    bash "$WORK/clickhouse/start.sh" >&2 || return 1
    CH_STARTED=yes
}

prepare_duckdb() {
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
        say "node and npm are needed for @duckdb/node-api"
        return 1
    fi
    node_dir="$WORK/node"
    if ! [ -d "$node_dir/node_modules/@duckdb/node-api" ]; then
        say "npm ci in $node_dir (@duckdb/node-api from package-lock.json)"
        if ! (cd "$node_dir" && npm ci --no-audit --no-fund >"$LOGS/npm.log" 2>&1); then
            # npm >= 10 refuses the kit's lock file: it lists only the linux-x64 bindings of
            # @duckdb/node-bindings' optional per-platform packages ("Missing: ... from lock
            # file"). npm install keeps every version the lock pins and adds the missing
            # entries (in our copy only); the version check below shows nothing moved.
            say "npm ci refused the lock file ($(grep -m1 -o 'can only install.*in sync' "$LOGS/npm.log" || echo 'see npm.log')); trying npm install"
            (cd "$node_dir" && npm install --no-audit --no-fund >>"$LOGS/npm.log" 2>&1) || {
                say "npm install failed (tail of $LOGS/npm.log):"
                tail -5 "$LOGS/npm.log" >&2
                return 1
            }
        fi
    fi
    want=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["packages"]["node_modules/@duckdb/node-api"]["version"])' \
        "$SHARED/node/package-lock.json" 2>/dev/null || echo '?')
    got=$(node -p 'require(process.argv[1]).version' "$node_dir/node_modules/@duckdb/node-api/package.json" 2>/dev/null || echo '?')
    say "@duckdb/node-api $got (the kit's lock file pins $want)"
    # The package ships a prebuilt libduckdb.so; a one-line query shows it loads on this machine.
    echo "SELECT 42;" >"$DATA/tmp_smoke.sql"
    node "$WORK/node/run_duckdb.mjs" :memory: "$DATA/tmp_smoke.sql" 2>"$LOGS/duckdb_smoke.log" |
        grep -q 42 || {
        say "DuckDB does not run (see $LOGS/duckdb_smoke.log)"
        return 1
    }
}

finish_clickhouse() {
    if [ "$CH_STARTED" = yes ]; then
        bash "$WORK/clickhouse/stop.sh" >&2 || true
        CH_STARTED=no
    fi
}
finish_duckdb() { :; }

# Summarises the runs of one workload (default load) bench.py appended to results/raw.jsonl
# after line SKIP for one cell: prints "status median_wall median_engine max_rss_kb db_bytes note".
peer_medians() {
    python3 - "$RESULTS/raw.jsonl" "$1" "$2" "$3" "${4:-load}" <<'PY'
import json, statistics, sys
path, skip, engine, size, workload = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
try:
    lines = open(path).read().splitlines()[skip:]
except FileNotFoundError:
    lines = []
runs = [r for r in map(json.loads, filter(None, lines))
        if r.get("engine") == engine and r.get("size") == size and r.get("workload") == workload]
bad = [r for r in runs if r.get("rc") != 0]
if bad or not runs:
    why = (bad[0].get("error") or "rc %s" % bad[0].get("rc")) if bad else "no runs recorded"
    print("failed - - - - " + " ".join(why.split())[-200:].replace("\t", " "))
    sys.exit()
med = lambda k: statistics.median(r[k] for r in runs) if all(r.get(k) is not None for r in runs) else None
fmt = lambda v, f="%.4f": "-" if v is None else f % v
# ClickHouse's OPTIMIZE FINAL after the insert is timed apart by bench.py; keep it as a note.
note = "+optimize %.2f s" % med("optimize_s") if med("optimize_s") is not None else "-"
peak = max((r.get("server_peak_kb") or r.get("maxrss_kb") or 0) for r in runs)
print("ok", fmt(med("wall_s")), fmt(med("engine_s")), peak or "-",
      fmt(med("db_bytes"), "%d") if med("db_bytes") is not None else "-", note)
PY
}

bench_peer() {
    peer=$1 size=$2
    raw="$RESULTS/raw.jsonl"
    skip=$( [ -f "$raw" ] && wc -l <"$raw" || echo 0)
    # shellcheck disable=SC2086 # one argument per workload
    workloads="load$(printf ',%s' $QUERIES $INSIGHTS)"
    say "$peer $size: bench.py --workloads $workloads --reps $REPS"
    # bench.py writes each workload's last result set to results/out/<peer>_<size>_<w>.tsv.
    (cd "$WORK" && python3 bench.py --engine "$peer" --size "$size" --workloads "$workloads" \
        --reps "$REPS") >"$LOGS/bench_${peer}_$size.log" 2>&1 || true
    # shellcheck disable=SC2046 # split into fields on purpose (set -f: no globbing)
    set -- $(peer_medians "$skip" "$peer" "$size")
    status=$1 wall=$2 eng=$3 peak=$4 bytes=$5
    shift 5
    note="$*"
    if [ "$status" = ok ]; then
        say "$peer $size: load median ${wall} s (engine ${eng} s)"
    else
        say "$peer $size failed: $note (log: $LOGS/bench_${peer}_$size.log)"
    fi
    cell "$size" "$peer" "$status" "$wall" "$eng" "$peak" "$bytes" "${note:--}"
    for w in $QUERIES $INSIGHTS; do
        # shellcheck disable=SC2046
        set -- $(peer_medians "$skip" "$peer" "$size" "$w")
        status=$1 wall=$2 eng=$3 peak=$4
        shift 5
        note="$*"
        [ "$status" = ok ] && say "$peer $size $w: median engine ${eng} s (wall ${wall} s)"
        qcell "$size" "$w" "$peer" "$status" "$eng" "$wall" "$peak" "${note:--}"
    done
}

# --- 5. the table ----------------------------------------------------------------------------

report() {
    python3 - "$CELLS" <<'PY'
import sys, time, os, platform
EVENTS = {"1m": 1_000_000, "10m": 10_000_000, "50m": 50_000_000}
NAMES = {"journeymap": "journeymap", "clickhouse": "ClickHouse", "duckdb": "DuckDB"}
GOAL = 2_000_000

def rate(n):
    return "%.2fM" % (n / 1e6) if n >= 1e6 else "%.0fk" % (n / 1e3)

cells = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
sizes = list(dict.fromkeys(c[0] for c in cells))
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except Exception:
    cpu = platform.processor() or "?"
print()
print("journeymap import vs peer CSV load, %s, %d cores (%s), median of the repetitions"
      % (time.strftime("%Y-%m-%d"), os.cpu_count(), cpu))
print()
print("| size | engine | median s | events/s | journeymap vs it | notes |")
print("|---|---|---:|---:|---|---|")
ours = {}
for size in sizes:
    n = EVENTS[size]
    for c in (c for c in cells if c[0] == size):
        _, eng, status, wall, engine_s, peak, nbytes, note = c
        name = NAMES.get(eng, eng)
        if status != "ok":
            print("| %s | %s | - | - | - | not measured: %s |" % (size, name, note))
            continue
        s = float(wall)
        notes = []
        if eng == "journeymap":
            ours[size] = (s, int(peak) if peak != "-" else None, int(nbytes) if nbytes != "-" else None)
            vs = "-"
            notes.append("durable workspace (WAL, synchronous=NORMAL)")
        else:
            if engine_s != "-":
                notes.append("engine %.3f s" % float(engine_s))
            if note != "-":
                notes.append(note)
            if size in ours:
                r = s / ours[size][0]
                vs = ("%.1fx faster than %s" % (r, name) if r >= 1
                      else "%.1fx slower than %s" % (1 / r, name))
            else:
                vs = "-"
        print("| %s | %s | %.3f | %s | %s | %s |" % (size, name, s, rate(n / s), vs, "; ".join(notes)))
print()
for size in sizes:
    if size not in ours:
        continue
    s, peak, nbytes = ours[size]
    n = EVENTS[size]
    print("journeymap %s: %s events/s = %.0f%% of the goal (2M events/s into a durable workspace)"
          "; peak RSS %s; workspace %s = %.1f bytes/event"
          % (size, rate(n / s), 100 * n / s / GOAL,
             "%.0f MiB" % (peak / 1024) if peak else "?",
             "%.1f MB" % (nbytes / 1e6) if nbytes else "?", (nbytes or 0) / n))
print()
# Other work on a 2-core VM (a test suite, a build) slows the two-threaded peers more than our
# single-threaded import, so a busy machine flatters the ratios: say so next to the table.
load = open("/proc/loadavg").read().split()[:3]
busy = float(load[1]) > 0.75 * (os.cpu_count() or 1) + 1
print("Load average at the end (1/5/15 min): %s%s" % (" ".join(load),
      " -- the machine was busy with other work; rerun when it is idle" if busy else ""))
print("Wall time of one fresh process each (journeymap import -q; clickhouse-client INSERT ... FORMAT"
      " CSVWithNames; node + @duckdb/node-api CREATE TABLE AS read_csv + CHECKPOINT, which includes"
      " ~0.35 s of node start-up). Shared VMs: treat each number as +/-35 %.")
PY
}

# The query table: workload x engine, engine seconds and ratios, the total of the five against
# the goal, and whether our result sets equal the peers' (this run's, or the kit's recorded
# ones when a peer did not run here and the CSV is the kit's).
report_queries() {
    # shellcheck disable=SC2086 # one argument per size
    python3 - "$QCELLS" "$RESULTS/out" "$SHARED/results/out" "$DATA" "$JM_REPS" "$REPS" \
        $SIZES <<'PY'
import os, re, sys
qcells, out, recorded, data, jm_reps, reps = sys.argv[1:7]
sizes = sys.argv[7:]
WORKLOADS = ["funnel_contact", "funnel_account", "ttc", "transitions", "attribution"]
PEERS = [("clickhouse", "ClickHouse"), ("duckdb", "DuckDB")]
EVENTS = {"1m": 1_000_000, "10m": 10_000_000, "50m": 50_000_000}
GOAL_S, GOAL_EVENTS = 0.1, 10_000_000

cells = {}
for l in open(qcells):
    if l.strip():
        size, w, eng, status, engine_s, wall, peak, note = l.rstrip("\n").split("\t")
        cells[size, w, eng] = (status, engine_s, note)

def secs(size, w, eng):
    c = cells.get((size, w, eng))
    if not c or c[0] != "ok" or c[1] == "-":
        return None
    return float(c[1])

def fmt(s):
    return "-" if s is None else ("%.4f" % s if s < 0.1 else "%.3f" % s)

def vs(ours, theirs):
    if ours is None or theirs is None or ours <= 0:
        return "-"
    r = theirs / ours
    return "%.0fx faster" % r if r >= 10 else ("%.1fx faster" % r if r >= 1 else "%.1fx slower" % (1 / r))

def rows(p):
    return [l.rstrip("\n").split("\t") for l in open(p) if l.strip()]

def same(ours, theirs):
    """'' when equal (decimals to one unit of the coarser printed precision), else why not."""
    a, b = rows(ours), rows(theirs)
    if len(a) != len(b):
        return "%d rows against %d" % (len(a), len(b))
    for ra, rb in zip(a, b):
        if len(ra) != len(rb):
            return "row %s against %s" % (ra, rb)
        for x, y in zip(ra, rb):
            if x == y:
                continue
            try:
                fx, fy = float(x), float(y)
            except ValueError:
                return "%s against %s" % (" ".join(ra), " ".join(rb))
            dec = min(len(s.split(".")[1]) if "." in s else 0 for s in (x, y))
            if dec == 0 or abs(fx - fy) > 1.01 * 10 ** -dec:
                return "%s against %s" % (" ".join(ra), " ".join(rb))
    return ""

print()
print("Journey workloads, engine seconds (median): journeymap = one analysis call on the loaded "
      "store, %s runs in one jm_bench process; ClickHouse = query_log duration, DuckDB = statement "
      "time, %s fresh client runs each (bench.py)" % (jm_reps, reps))
print()
print("| size | workload | journeymap s | ClickHouse s | DuckDB s | journeymap vs ClickHouse | journeymap vs DuckDB |")
print("|---|---|---:|---:|---:|---|---|")
for size in sizes:
    tot = {"journeymap": 0.0, "clickhouse": 0.0, "duckdb": 0.0}
    for w in WORKLOADS:
        o = secs(size, w, "journeymap")
        ch, dk = secs(size, w, "clickhouse"), secs(size, w, "duckdb")
        for k, v in (("journeymap", o), ("clickhouse", ch), ("duckdb", dk)):
            tot[k] = None if v is None or tot[k] is None else tot[k] + v
        print("| %s | %s | %s | %s | %s | %s | %s |" % (size, w, fmt(o), fmt(ch), fmt(dk), vs(o, ch), vs(o, dk)))
    print("| %s | **total of the five** | %s | %s | %s | %s | %s |" % (
        size, fmt(tot["journeymap"]), fmt(tot["clickhouse"]), fmt(tot["duckdb"]),
        vs(tot["journeymap"], tot["clickhouse"]), vs(tot["journeymap"], tot["duckdb"])))
print()
for size in sizes:
    o = [secs(size, w, "journeymap") for w in WORKLOADS]
    if None in o:
        print("journeymap %s: not every workload ran (see the log)" % size)
        continue
    total = sum(o)
    note = cells[size, WORKLOADS[0], "journeymap"][2]
    scaled = total * GOAL_EVENTS / EVENTS[size]
    print("journeymap %s: the five workloads in %.4f s (%s)%s" % (
        size, total, note.split("; ")[-1],
        "; goal 0.1 s at 10M events: %s (%.0f%% of it)" % ("met" if total <= GOAL_S else "missed", 100 * total / GOAL_S)
        if size == "10m" else "; at 10M events that rate would be %.3f s against the 0.1 s goal" % scaled))
print()
for size in sizes:
    parts = []
    for peer, name in PEERS:
        got, bad, where = 0, [], set()
        for w in WORKLOADS:
            mine = os.path.join(out, "journeymap_%s_%s.tsv" % (size, "ttc_disc" if peer == "duckdb" and w == "ttc" else w))
            theirs = os.path.join(out, "%s_%s_%s.tsv" % (peer, size, w))
            if (secs(size, w, peer) is None or not os.path.exists(theirs)):
                theirs = os.path.join(recorded, "%s_%s_%s.tsv" % (peer, size, w))
                if not os.path.exists(os.path.join(data, "events_%s.sha-ok" % size)):
                    theirs = None
                where.add("recorded by the kit")
            else:
                where.add("this run")
            if not theirs or not os.path.exists(theirs) or not os.path.exists(mine):
                bad.append("%s: nothing to compare" % w)
                continue
            why = same(mine, theirs)
            if why:
                bad.append("%s: %s" % (w, why))
            else:
                got += 1
        line = "%s %d/%d (%s)" % (name, got, len(WORKLOADS), ", ".join(sorted(where)))
        if bad:
            line += " -- differ: " + "; ".join(bad)
        parts.append(line)
    verdict = "match" if all("differ" not in p for p in parts) else "DO NOT all match"
    print("Result sets %s: %s. journeymap = %s. (ttc is compared at ClickHouse's quantileExact "
          "and at DuckDB's quantile_disc; decimals to the last printed digit.)" % (size, verdict, "; = ".join(parts)))

# The insight workloads: our SQL for each peer (bench/sql/), compared with this run's result
# sets only (the kit recorded none). Events/s = events in the file / median engine seconds.
INSIGHTS = ["attribution_models", "paths"]

def rate(size, s):
    if s is None or s <= 0:
        return "-"
    r = EVENTS[size] / s
    return "%.1fM" % (r / 1e6) if r >= 1e6 else "%.0fk" % (r / 1e3)

def verdict(size, w, peer):
    mine = os.path.join(out, "journeymap_%s_%s.tsv" % (size, w))
    theirs = os.path.join(out, "%s_%s_%s.tsv" % (peer, size, w))
    if secs(size, w, peer) is None or secs(size, w, "journeymap") is None:
        return "not run"
    if not os.path.exists(mine) or not os.path.exists(theirs):
        return "nothing to compare"
    why = same(mine, theirs)
    return "differ: " + why if why else "match"

print()
print("Insight workloads (bench/bench_insights.c against bench/sql/<peer>/; journey "
      "examples/journeys/peers.yaml), engine seconds (median) and events/s")
print()
print("| size | workload | journeymap s | events/s | ClickHouse s | DuckDB s | journeymap vs ClickHouse "
      "| journeymap vs DuckDB | result sets |")
print("|---|---|---:|---:|---:|---:|---|---|---|")
for size in sizes:
    for w in INSIGHTS:
        o = secs(size, w, "journeymap")
        ch, dk = secs(size, w, "clickhouse"), secs(size, w, "duckdb")
        checks = "; ".join("%s %s" % (name, verdict(size, w, peer)) for peer, name in PEERS)
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            size, w, fmt(o), rate(size, o), fmt(ch), fmt(dk), vs(o, ch), vs(o, dk), checks))
print()
print("attribution_models: first_touch, lead_creation, opportunity_creation, last_touch, linear, "
      "u_shaped, w_shaped, full_path and time_decay credits per channel (Markov has no SQL form); "
      "paths: the 20 most common demo_request -> contract_signed paths. Our seconds leave out the "
      "dataset, journey and report made once per process, as the store load above (%s)." % "; ".join(
          "%s: %s" % (size, " ".join(re.findall(r"report ([\d.]+ s)", cells.get(
              (size, INSIGHTS[0], "journeymap"), ("", "", "?"))[2])) or "?") for size in sizes))
PY
}

# --- main ------------------------------------------------------------------------------------

cleanup() { finish_clickhouse; }
trap cleanup EXIT
trap 'exit 130' INT TERM

for bin in "$JM" "$JM_BENCH"; do
    [ -x "$bin" ] || {
        say "$bin is missing: run 'make bench' (it builds the release preset first)"
        exit 1
    }
done
for size in $SIZES; do events_of "$size" >/dev/null || {
    say "BENCH_SIZES: unknown size '$size' (1m, 10m or 50m)"
    exit 1
}; done

copy_kit
# /usr/bin/time -v gives our peak RSS and is what bench.py wraps every peer run in.
apt_install time || { say "/usr/bin/time is required"; exit 1; }

section "data (seed 42)"
for size in $SIZES; do make_csv "$size"; done

section "journeymap import, $REPS reps per size"
for size in $SIZES; do bench_ours "$size"; done

section "journeymap journey workloads (jm_bench, $JM_REPS runs each)"
for size in $SIZES; do bench_ours_queries "$size"; done

for peer in $PEERS; do
    section "$peer"
    case "$peer" in
    clickhouse | duckdb) ;;
    *)
        say "unknown peer '$peer' (clickhouse or duckdb): skipped"
        continue
        ;;
    esac
    if ! "prepare_$peer"; then
        say "$peer: skipped (see above)"
        for size in $SIZES; do
            cell "$size" "$peer" failed - - - - "could not install or start"
            for w in $QUERIES $INSIGHTS; do qcell "$size" "$w" "$peer" failed - - - "could not install or start"; done
        done
        continue
    fi
    for size in $SIZES; do bench_peer "$peer" "$size"; done
    "finish_$peer"
done

{
    report
    report_queries
} | tee "$RESULTS/bench-table.md"

# Ingest over HTTP has no peer to compare with; its own table follows.
JM_RELEASE_DIR="$RELEASE" BENCH_RESULTS="$RESULTS" sh "$ROOT/scripts/bench_ingest.sh" |
    tee -a "$RESULTS/bench-table.md"
