# Shared by tests/integration/*.sh (sourced, not run). Each script gets $JM_BIN, $JM_SOURCE_DIR
# and $JM_SHARED_DIR from ctest, works in its own temporary folder, and fails on the first
# broken expectation with a message saying what differed.
set -eu

: "${JM_BIN:?run through ctest}"
: "${JM_SOURCE_DIR:?run through ctest}"
: "${JM_SHARED_DIR:?run through ctest}"

T=$(mktemp -d "${TMPDIR:-/tmp}/jmit.XXXXXX")
trap 'rm -rf "$T"' EXIT
cd "$T"
export JOURNEYMAP_DB="$T/journeymap.db"
MAPS="$JM_SOURCE_DIR/examples/mappings"
DATA="$JM_SHARED_DIR/data"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect_eq WHAT EXPECTED ACTUAL
expect_eq() {
    [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
}

# jm ARGS...: run journeymap, keeping stdout in $T/out and stderr in $T/err; sets $rc.
jm() {
    rc=0
    "$JM_BIN" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

# expect_fail CODE MESSAGE ARGS...: journeymap must exit CODE and print exactly MESSAGE.
expect_fail() {
    want_rc=$1 want_msg=$2
    shift 2
    jm "$@"
    expect_eq "exit code of journeymap $*" "$want_rc" "$rc"
    expect_eq "message of journeymap $*" "$want_msg" "$(cat "$T/err")"
}

# stat_count SECTION LABEL: a count from `journeymap stats --format json`.
stat_count() {
    "$JM_BIN" stats --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
sec, label = sys.argv[1], sys.argv[2]
print(next((r["count"] for r in d.get(sec, []) if r["label"] == label), 0))' "$1" "$2"
}

# sql DB QUERY: one value from sqlite3.
sql() {
    sqlite3 -batch -noheader "$1" "$2"
}

pass() {
    echo "PASS: $(basename "$0" .sh)"
}

# golden NAME ARGS...: the output of journeymap ARGS equals $CASE/NAME (the script sets CASE);
# with JM_UPDATE_GOLDEN=1 it rewrites $CASE/NAME instead.
golden() { # golden NAME ARGS...: the output of journeymap ARGS equals $CASE/NAME
    name=$1
    shift
    "$JM_BIN" "$@" >"$T/$name" || fail "journeymap $* exited $?"
    if [ "${JM_UPDATE_GOLDEN:-}" = 1 ]; then
        cp "$T/$name" "$CASE/$name"
        return
    fi
    diff -u "$CASE/$name" "$T/$name" >"$T/diff" ||
        fail "journeymap $* differs from $CASE/$name (JM_UPDATE_GOLDEN=1 rewrites it):
$(head -40 "$T/diff")"
}

# demo_workspace EVENTS SEED: a generated demo company (journeymap demo-data) in $JOURNEYMAP_DB.
demo_workspace() {
    jm demo-data --events "$1" --seed "$2" -q
    expect_eq "demo-data exit ($(cat "$T/err"))" 0 "$rc"
}

# compare_rows WHAT OURS THEIRS: two tab-separated result sets hold the same rows, text fields
# and integers equal, decimals equal to one unit of the coarser of the two printed precisions
# (rounding ties may print either way). Prints up to ten differences and fails.
compare_rows() {
    python3 - "$@" <<'PY' || fail "$1 differs from the reference (see above)"
import sys
what, ours, theirs = sys.argv[1:4]
def rows(p):
    return [l.rstrip("\n").split("\t") for l in open(p, encoding="utf-8") if l.strip()]
a, b = rows(ours), rows(theirs)
bad = []
if len(a) != len(b):
    bad.append("%d rows against %d" % (len(a), len(b)))
for ra, rb in zip(a, b):
    if len(ra) != len(rb):
        bad.append("row %s against %s" % (ra, rb))
        continue
    for x, y in zip(ra, rb):
        if x == y:
            continue
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            bad.append("%r against %r in row %s" % (x, y, ra))
            continue
        dec = min(len(s.split(".")[1]) if "." in s else 0 for s in (x, y))
        if dec == 0 or abs(fx - fy) > 1.01 * 10 ** -dec:
            bad.append("%s against %s in row %s" % (x, y, ra))
for m in bad[:10]:
    print("  %s: %s" % (what, m), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}

# ---------------------------------------------------------------- the peers' benchmark kit

# peers_kit: sets $BENCH (jm_bench from $JM_BENCH or the build tree) and $KIT (the peers' kit,
# ../shared/peers), and fails unless both are there and sqlite3 is installed.
peers_kit() {
    BENCH=${JM_BENCH:-${JM_BUILD_DIR:?run through ctest}/bench/jm_bench}
    KIT="$JM_SHARED_DIR/peers"
    [ -x "$BENCH" ] || fail "jm_bench is missing at $BENCH (build the bench target)"
    [ -f "$KIT/gen_events.py" ] || fail "no peer kit at $KIT"
    command -v sqlite3 >/dev/null || fail "sqlite3 is required"
}

# peers_events N SEED: N events from the peers' generator in $T/ev.csv, imported with the
# shipped mapping into the workspace $T/ws.db.
peers_events() {
    python3 "$KIT/gen_events.py" --events "$1" --seed "$2" -o "$T/ev.csv" >"$T/gen.log" 2>&1 ||
        fail "gen_events.py: $(cat "$T/gen.log")"
    jm import -q --db "$T/ws.db" -m "$MAPS/peers-events.yaml" "$T/ev.csv"
    expect_eq "import of $1 events ($(cat "$T/err"))" 0 "$rc"
}

# ---------------------------------------------------------------- journeymap serve over HTTP

# serve_start ARGS...: starts `journeymap serve ARGS` on a free loopback port in the background
# (stdout in $T/serve.out, stderr in $T/serve.err), waits until it listens, and sets $U to its
# base URL and $SERVE_PID. On exit the script kills it. Call it again after a kill to restart.
serve_start() {
    rm -f "$T/port"
    "$JM_BIN" serve --listen 127.0.0.1:0 --port-file "$T/port" "$@" \
        >"$T/serve.out" 2>>"$T/serve.err" &
    SERVE_PID=$!
    trap '[ -n "${SERVE_PID:-}" ] && kill -9 "$SERVE_PID" 2>/dev/null; rm -rf "$T"' EXIT
    i=0
    while [ ! -s "$T/port" ]; do
        i=$((i + 1))
        [ $i -lt 300 ] || fail "serve did not write its port: $(tail -20 "$T/serve.err")"
        kill -0 "$SERVE_PID" 2>/dev/null || fail "serve exited: $(tail -20 "$T/serve.err")"
        sleep 0.1
    done
    U="http://127.0.0.1:$(cat "$T/port")"
}

# serve_stop: SIGTERM, then the server must exit 0 (a graceful stop, no sanitizer report).
serve_stop() {
    [ -n "${SERVE_PID:-}" ] || return 0
    kill -TERM "$SERVE_PID"
    serve_rc=0
    wait "$SERVE_PID" || serve_rc=$?
    SERVE_PID=
    [ "$serve_rc" = 0 ] || fail "serve exited $serve_rc: $(grep -v '^{"time' "$T/serve.err" | head -40)"
}

# make_key ROLE NAME: a new API key of ROLE (journeymap keys create), printed: jmk_... or, for
# the ingest role, jmw_...
make_key() {
    k=$("$JM_BIN" keys create --role "$1" --name "$2" | grep -o 'jm[kw]_[A-Za-z0-9]\{46\}' |
        head -1)
    [ -n "$k" ] || fail "keys create --role $1 printed no key"
    echo "$k"
}

# api METHOD PATH CURL-ARGS...: a request with $KEY as the Bearer key; the status into $status,
# the body into $T/body, the headers into $T/hdr.
api() {
    m=$1 p=$2
    shift 2
    status=$(curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' -X "$m" \
        -H "Authorization: Bearer $KEY" "$@" "$U$p") || fail "curl $m $p failed"
}

# api_expect STATUS METHOD PATH CURL-ARGS...: like api, and the status must be STATUS.
api_expect() {
    want=$1
    shift
    api "$@"
    [ "$status" = "$want" ] || fail "$1 $2: expected $want, got $status: $(head -c 600 "$T/body")"
}

# api_body_has TEXT: the last answer's body contains TEXT.
api_body_has() {
    grep -qF -- "$1" "$T/body" || fail "expected '$1' in: $(head -c 600 "$T/body")"
}

# api_header NAME: the value of header NAME in the last answer.
api_header() {
    grep -i "^$1:" "$T/hdr" | head -1 | sed 's/^[^:]*: //' | tr -d '\r'
}
