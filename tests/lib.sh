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
