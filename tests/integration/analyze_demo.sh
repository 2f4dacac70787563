# `journeymap analyze` on a generated demo company: the text report of b2b-5 and the funnel CSV of
# lifecycle-7 are golden cases (tests/cases/analyze_demo; JM_UPDATE_GOLDEN=1 rewrites them); every
# built-in template analyzes in both languages with valid JSON; and a new user's first steps work:
# a Vietnamese template written to a file, then analyzed, names its break points in words.
. "$JM_SOURCE_DIR/tests/lib.sh"

CASE="$JM_SOURCE_DIR/tests/cases/analyze_demo"
jm demo-data --events 20000 --seed 7 -q
expect_eq "demo-data exit ($(cat "$T/err"))" 0 "$rc"

golden b2b-5.txt analyze --template b2b-5
golden lifecycle-7-funnel.csv analyze --template lifecycle-7 --format csv --by channel_group

for t in b2b-5 buyer-8 lifecycle-7 loyalty-loop-5 martin-giant-5; do
    for lang in en vi; do
        jm analyze --template "$t" --lang "$lang" --format json
        expect_eq "analyze $t --lang $lang exit ($(cat "$T/err"))" 0 "$rc"
        python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["journey"] == sys.argv[2], r["journey"]
assert r["groups"][0]["units"] > 0
first = r["groups"][0]["stages"][0]
assert first["reached"] >= first["converted"] >= 0
' "$T/out" "$t" || fail "analyze $t --lang $lang: bad JSON"
    done
done

# One account's timeline: its moves, in order, as the engine made them.
acc=$(sqlite3 "$JOURNEYMAP_DB" "SELECT id FROM accounts ORDER BY id LIMIT 1")
jm analyze --template b2b-5 --timeline "$acc"
expect_eq "timeline exit ($(cat "$T/err"))" 0 "$rc"
head -2 "$T/out" | grep -q "enters Awareness" || fail "timeline of $acc: $(cat "$T/out")"
expect_fail 3 "journeymap: no account 'nobody' in the workspace" \
    analyze --template b2b-5 --timeline nobody

# A new user: a Vietnamese journey to edit, then the report on it.
jm template init b2b-5 --lang vi -o "$T/hanh-trinh.yaml"
expect_eq "template init exit ($(cat "$T/err"))" 0 "$rc"
grep -q "Nhận biết" "$T/hanh-trinh.yaml" || fail "the Vietnamese template has no 'Nhận biết'"
jm analyze --journey "$T/hanh-trinh.yaml" --lang vi
expect_eq "analyze the written journey ($(cat "$T/err"))" 0 "$rc"
grep -q "^Điểm gãy" "$T/out" || fail "no break points: $(cat "$T/out")"
grep -Eq "mất [0-9.]+% số tài khoản đã đến giai đoạn này" "$T/out" ||
    fail "no drop-off in plain words: $(cat "$T/out")"
pass
