# The demo company exported entity by entity and imported back with --entity, in dependency
# order, into a fresh workspace is the same workspace: identical stats and byte-identical
# exports, from JSONL and from CSV alike. CSV exports escape formula injection exactly (text
# starting with = + - @ or TAB gets an apostrophe inside quotes; numbers never do), and an
# export whose workspace is missing fails with exit 3 and writes no file.
. "$JM_SOURCE_DIR/tests/lib.sh"

ENTITIES="owners accounts contacts events deals tickets surveys revenue" # dependency order
PY=$(python3 -c 'import sys; print(sys.executable)') # once, not through a pyenv-like shim

# no_temp_files WHAT: exports write through FILE.tmp.XXXXXX; none may be left behind.
no_temp_files() {
    for f in *.tmp.*; do
        [ ! -e "$f" ] || fail "$1 left $f behind"
    done
}

jm demo-data --events 10000 --db a.db -q
expect_eq "demo-data exit ($(cat "$T/err"))" 0 "$rc"
"$JM_BIN" stats --db a.db --format json > a.json

for e in $ENTITIES; do
    jm export "$e" --db a.db -o "$e.csv"
    expect_eq "export $e as CSV exit ($(cat "$T/err"))" 0 "$rc"
    expect_eq "standard output of an export to a file" "" "$(cat "$T/out")"
    jm export "$e" --db a.db --format jsonl -o "$e.jsonl"
    expect_eq "export $e as JSONL exit ($(cat "$T/err"))" 0 "$rc"
done
no_temp_files "the exports"

# Every record is exported once, in both formats (CSV rows counted by a CSV reader: text may
# hold line breaks).
# shellcheck disable=SC2086 # one argument per entity
"$PY" - a.json $ENTITIES > counts <<'PY'
import csv, json, sys
stats = {r["label"]: r["count"] for r in json.load(open(sys.argv[1]))["entities"]}
for e in sys.argv[2:]:
    rows = list(csv.reader(open(e + ".csv", newline="", encoding="utf-8")))
    lines = sum(1 for _ in open(e + ".jsonl", "rb"))
    print(e, stats.get(e, 0), lines, len(rows) - 1, ",".join(rows[0]))
PY
expect_eq "demo events" 10000 "$(awk '$1 == "events" { print $2 }' counts)"
while read -r e n jsonl csv header; do
    [ "$n" -gt 0 ] || fail "the demo company has no $e"
    expect_eq "$e in $e.jsonl" "$n" "$jsonl"
    expect_eq "$e in $e.csv" "$n" "$csv"
    expect_eq "$e.csv header" "$(head -n 1 "$e.csv")" "$header"
done < counts
expect_eq "accounts.csv header" \
    "id,name,domain,industry,size_band,employees,region,country,segment,owner,created,properties" \
    "$(head -n 1 accounts.csv)"

# roundtrip EXT DB: import every $e.EXT into DB with --entity; DB must equal a.db.
roundtrip() {
    for e in $ENTITIES; do
        jm import -q --db "$2" --entity "$e" "$e.$1"
        expect_eq "import of $e.$1 exit ($(cat "$T/err"))" 0 "$rc"
    done
    "$JM_BIN" stats --db "$2" --format json > "$2.json"
    cmp -s a.json "$2.json" || fail "stats after the $1 round trip differ: $(diff a.json "$2.json" | head -c 600)"
    for e in $ENTITIES; do
        "$JM_BIN" export "$e" --db "$2" --format jsonl > again.jsonl
        cmp -s "$e.jsonl" again.jsonl ||
            fail "$e after the $1 round trip differ: $(diff "$e.jsonl" again.jsonl | head -4)"
    done
    jm check --db "$2"
    expect_eq "check after the $1 round trip ($(cat "$T/out"))" 0 "$rc"
}
roundtrip jsonl b.db
roundtrip csv c.db

# ---------------------------------------------------------------- formula injection

export JOURNEYMAP_DB="$T/f.db"
cat > accounts.jsonl <<'EOF'
{"id":"acc-1","name":"-Minus Corp","employees":250,"country":"Vietnam"}
{"id":"acc-2","name":"Công ty TNHH Minh Phát","employees":12000}
EOF
cat > contacts.jsonl <<'EOF'
{"id":"c1","account":"acc-1","name":"=HYPERLINK(\"http://x\")","email":"a@x.vn"}
{"id":"c2","account":"acc-1","name":"+1-555","title":"@SUM(A1)"}
{"id":"c3","account":"acc-1","name":"@SUM(A1)"}
{"id":"c4","account":"acc-1","name":"-2+3","title":"\t=1+2"}
{"id":"c5","account":"acc-2","name":"Nguyễn Thị Lan","title":"CFO, \"Finance\" = money"}
EOF
cat > deals.jsonl <<'EOF'
{"id":"d1","account":"acc-1","name":"Refund","amount":-1500,"status":"lost","created":"2024-03-05","closed":"2024-03-06"}
{"id":"d2","account":"acc-2","name":"+ upsell","amount":12.5,"status":"open"}
EOF
cat > events.jsonl <<'EOF'
{"message_id":"-1","time":"2024-03-01T00:00:00Z","account":"acc-1","touchpoint":"refund","value":-2,"sentiment":-0.5}
EOF
for e in accounts contacts deals events; do
    jm import -q --entity "$e" "$e.jsonl"
    expect_eq "import of $e.jsonl exit ($(cat "$T/err"))" 0 "$rc"
done

TAB=$(printf '\t')
printf '%s\n' "id,account,name,email,title,dmu_role,persona,owner,created,properties" \
    "c1,acc-1,\"'=HYPERLINK(\"\"http://x\"\")\",a@x.vn,,,,,," \
    "c2,acc-1,\"'+1-555\",,\"'@SUM(A1)\",,,,," \
    "c3,acc-1,\"'@SUM(A1)\",,,,,,," \
    "c4,acc-1,\"'-2+3\",,\"'$TAB=1+2\",,,,," \
    "c5,acc-2,Nguyễn Thị Lan,,\"CFO, \"\"Finance\"\" = money\",,,,," > want.csv
jm export contacts
expect_eq "export contacts exit ($(cat "$T/err"))" 0 "$rc"
cmp -s want.csv "$T/out" || fail "contacts CSV: $(diff want.csv "$T/out")"

expect_eq "accounts CSV: employees never prefixed" \
    "$(printf '%s\n' "id,name,domain,industry,size_band,employees,region,country,segment,owner,created,properties" \
        "acc-1,\"'-Minus Corp\",,,,250,,Vietnam,,,," \
        "acc-2,Công ty TNHH Minh Phát,,,,12000,,,,,,")" \
    "$("$JM_BIN" export accounts)"
expect_eq "deals CSV: negative amounts never prefixed" \
    "$(printf '%s\n' "id,account,contact,name,pipeline,stage,amount,currency,created,closed,status,lost_reason,owner,product,properties" \
        "d1,acc-1,,Refund,,,-1500,,2024-03-05T00:00:00Z,2024-03-06T00:00:00Z,lost,,,," \
        "d2,acc-2,,\"'+ upsell\",,,12.5,,,,open,,,,")" \
    "$("$JM_BIN" export deals)"
expect_eq "events CSV: negative value and sentiment never prefixed, a text id is" \
    "\"'-1\",2024-03-01T00:00:00Z,acc-1,,,refund,,,,,,,,,-2,,-0.5," \
    "$("$JM_BIN" export events | tail -n +2)"
# JSONL needs no escaping: the export has the text as it is.
expect_eq "contact name in JSONL" '"=HYPERLINK(\"http://x\")"' \
    "$("$JM_BIN" export contacts --format jsonl | head -n 1 | "$PY" -c '
import json, sys; print(json.dumps(json.load(sys.stdin)["name"]))')"

# ---------------------------------------------------------------- export without a workspace

export JOURNEYMAP_DB="$T/missing.db"
expect_fail 3 "journeymap: no workspace at '$T/missing.db' (run 'journeymap init')" \
    export accounts -o out.csv
expect_fail 3 "journeymap: no workspace at 'gone.db' (run 'journeymap init')" \
    export contacts --format jsonl --db gone.db -o out.jsonl
for f in out.csv out.jsonl missing.db gone.db; do
    [ ! -e "$f" ] || fail "the failed export left $f behind"
done
no_temp_files "the failed exports"
# An export that fails leaves an earlier export where it was.
echo "an earlier export" > kept.csv
expect_fail 3 "journeymap: no workspace at 'gone.db' (run 'journeymap init')" \
    export accounts --db gone.db -o kept.csv
expect_eq "the earlier export after a failed one" "an earlier export" "$(cat kept.csv)"
# A folder that is not there is a file that cannot be written.
expect_fail 3 "journeymap: cannot write 'no/such/dir/accounts.csv': No such file or directory" \
    export accounts --db a.db -o no/such/dir/accounts.csv
pass
