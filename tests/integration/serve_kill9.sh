# kill -9 of the server during sustained ingest loses no acknowledged event and stores none
# twice: two load generators (single calls and batches, several connections each) run against
# `journeymap serve`; the server is killed with SIGKILL while they send; after a restart every
# messageId that was answered 200 is in the workspace, the workspace passes `check`, and sending
# everything again (same messageIds) adds nothing.
. "$JM_SOURCE_DIR/tests/lib.sh"

LOAD="$JM_BUILD_DIR/bench/jm_ingest_load"
[ -x "$LOAD" ] || fail "no load generator at $LOAD"

jm init
expect_eq "init" 0 "$rc"
KEY=$(make_key ingest load) || exit 1

# stored_ids: every event's messageId in the workspace, one a line.
stored_ids() {
    "$JM_BIN" export events --format jsonl | python3 -c '
import json, sys
for line in sys.stdin:
    print(json.loads(line).get("message_id", ""))'
}

serve_start --quiet
PORT=${U##*:}
"$LOAD" --port "$PORT" --key "$KEY" --mode batch --batch 50 --connections 3 --seconds 20 \
    --prefix b --acked acked_batch.txt >load_batch.txt 2>&1 &
LB=$!
"$LOAD" --port "$PORT" --key "$KEY" --mode single --connections 3 --seconds 20 \
    --prefix s --acked acked_single.txt >load_single.txt 2>&1 &
LS=$!

# Kill once a good number of events are in: the write-ahead log has grown.
i=0
while [ "$(stat -c %s journeymap.db-wal 2>/dev/null || echo 0)" -lt 2000000 ]; do
    i=$((i + 1))
    [ "$i" -lt 3000 ] || fail "the load wrote under 2 MB in 30 s: $(cat load_*.txt)"
    sleep 0.01
done
sleep 1 # more acknowledged, and more in flight, when the kill comes
kill -9 "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null || true
SERVE_PID=
wait "$LB" || true
wait "$LS" || true
cat acked_batch.txt acked_single.txt | sort >acked.txt
ACKED=$(wc -l <acked.txt)
[ "$ACKED" -gt 1000 ] || fail "only $ACKED events acknowledged before the kill: $(cat load_*.txt)"

jm check
expect_eq "check after kill -9 ($(cat "$T/out"))" 0 "$rc"
stored_ids | sort >stored.txt
MISSING=$(comm -23 acked.txt stored.txt | wc -l)
expect_eq "acknowledged events missing after kill -9 (of $ACKED)" 0 "$MISSING"
DUPS=$(uniq -d stored.txt | wc -l)
expect_eq "messageIds stored twice" 0 "$DUPS"
BEFORE=$(wc -l <stored.txt)

# Send it all again after a restart: the same messageIds (the generator's ids are its prefix,
# connection and sequence) are answered as duplicates and store nothing new.
serve_start --quiet
PORT=${U##*:}
"$LOAD" --port "$PORT" --key "$KEY" --mode batch --batch 50 --connections 3 \
    --events "$(wc -l <acked_batch.txt)" --prefix b >reload.txt 2>&1 ||
    fail "resending failed: $(cat reload.txt)"
serve_stop
stored_ids | sort >stored2.txt
expect_eq "messageIds stored twice after resending" 0 "$(uniq -d stored2.txt | wc -l)"
# Resent ids that were never stored (in flight at the kill) may be stored now; no others.
NEW=$(comm -13 stored.txt stored2.txt | grep -c -v '^b-' || true)
expect_eq "events stored by the resend that were not batch ids" 0 "$NEW"
[ "$(wc -l <stored2.txt)" -ge "$BEFORE" ] || fail "events disappeared after the restart"
echo "acknowledged $ACKED before the kill, $BEFORE stored after it, $(wc -l <stored2.txt) after resending"
pass
