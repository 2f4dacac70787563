# An import killed with kill -9 halfway leaves the workspace exactly as it was: the same counts,
# no problem found by `check`, and the same import run again succeeds in full.
. "$JM_SOURCE_DIR/tests/lib.sh"

python3 "$JM_SHARED_DIR/peers/gen_events.py" --events 20000 -o small.csv 2>/dev/null
python3 "$JM_SHARED_DIR/peers/gen_events.py" --events 3000000 --seed 7 -o big.csv 2>/dev/null

jm import -q -m "$MAPS/peers-events.yaml" small.csv
expect_eq "baseline import exit" 0 "$rc"
"$JM_BIN" stats --format json > before.json

"$JM_BIN" import -q -m "$MAPS/peers-events.yaml" big.csv > /dev/null 2>&1 &
pid=$!
# Kill it once it is writing: the write-ahead log grows as segments are flushed.
i=0
while [ "$(stat -c %s journeymap.db-wal 2>/dev/null || echo 0)" -lt 4000000 ]; do
    kill -0 "$pid" 2>/dev/null || fail "the import ended before it could be killed; use a larger file"
    i=$((i + 1))
    [ "$i" -lt 6000 ] || fail "the import wrote nothing in 60 s"
    sleep 0.01
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true

"$JM_BIN" stats --format json > after.json
cmp -s before.json after.json || fail "the killed import left data behind: $(diff before.json after.json | head -5)"
jm check
expect_eq "check after kill ($(cat "$T/out"))" 0 "$rc"

jm import -q -m "$MAPS/peers-events.yaml" big.csv
expect_eq "import after kill" 0 "$rc"
expect_eq "events after the full import" 3020000 "$(stat_count entities events)"
pass
