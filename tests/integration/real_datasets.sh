# The two public datasets in ../shared/data import through the shipped mappings with exact
# counts, and `journeymap stats` agrees with SQL written independently over the raw CSVs with
# sqlite3. Re-importing changes nothing, and `check` finds no problem.
. "$JM_SOURCE_DIR/tests/lib.sh"

OLIST="$DATA/olist-marketing-funnel"
MAVEN="$DATA/maven-crm-sales-opportunities"

jm import -q -m "$MAPS/olist-marketing-funnel.yaml" "$OLIST"
expect_eq "olist import exit" 0 "$rc"
jm import -q -m "$MAPS/maven-crm.yaml" "$MAVEN"
expect_eq "maven import exit ($(cat "$T/err"))" 0 "$rc"

expect_eq "contacts" 8000 "$(stat_count entities contacts)"
expect_eq "owners (35 agents + Olist closers)" \
    "$((35 + $(cut -d, -f4 "$OLIST/olist_closed_deals_dataset.csv" | tail -n +2 | sort -u | wc -l)))" \
    "$(stat_count entities owners)"
expect_eq "accounts" 85 "$(stat_count entities accounts)"
expect_eq "deals" $((842 + 8800)) "$(stat_count entities deals)"

# The reference: the raw files loaded as they are into sqlite3.
REF="$T/ref.db"
sqlite3 "$REF" <<SQL
.mode csv
.import $OLIST/olist_marketing_qualified_leads_dataset.csv mql
.import $OLIST/olist_closed_deals_dataset.csv won
.import $MAVEN/sales_pipeline.csv pipe
.import $MAVEN/sales_teams.csv teams
.import $MAVEN/accounts.csv acct
SQL

expect_eq "won deals in the raw file" 842 "$(sql "$REF" 'SELECT count(*) FROM won')"
expect_eq "deals won" \
    "$(sql "$REF" "SELECT (SELECT count(*) FROM won) + (SELECT count(*) FROM pipe WHERE deal_stage = 'Won')")" \
    "$(stat_count 'deal status' won)"
expect_eq "deals lost" "$(sql "$REF" "SELECT count(*) FROM pipe WHERE deal_stage = 'Lost'")" \
    "$(stat_count 'deal status' lost)"
expect_eq "deals open" \
    "$(sql "$REF" "SELECT count(*) FROM pipe WHERE deal_stage IN ('Prospecting', 'Engaging')")" \
    "$(stat_count 'deal status' open)"

# Events per channel: one lead_created per MQL on its origin, one deal_won per closed deal
# (channel sales), and Maven's engage and close events (channel sales).
sql "$REF" "SELECT CASE origin WHEN '' THEN '(missing)' ELSE origin END, count(*) FROM mql
            GROUP BY 1" | while IFS='|' read -r origin n; do
    expect_eq "events on channel $origin" "$n" "$(stat_count 'event channels' "$origin")"
done
sales=$(sql "$REF" "SELECT (SELECT count(*) FROM won)
                         + (SELECT count(*) FROM pipe WHERE engage_date <> '')
                         + (SELECT count(*) FROM pipe WHERE close_date <> '')")
expect_eq "events on channel sales" "$sales" "$(stat_count 'event channels' sales)"

# Events per month, across both datasets.
sql "$REF" "SELECT m, sum(n) FROM (
              SELECT substr(first_contact_date, 1, 7) m, count(*) n FROM mql GROUP BY 1
              UNION ALL SELECT substr(won_date, 1, 7), count(*) FROM won GROUP BY 1
              UNION ALL SELECT substr(engage_date, 1, 7), count(*) FROM pipe
                        WHERE engage_date <> '' GROUP BY 1
              UNION ALL SELECT substr(close_date, 1, 7), count(*) FROM pipe
                        WHERE close_date <> '' GROUP BY 1) GROUP BY m" |
while IFS='|' read -r month n; do
    expect_eq "events in $month" "$n" "$(stat_count 'events by month' "$month")"
done

# Maven deals per stage, with their value.
"$JM_BIN" stats --format json > "$T/stats.json"
sql "$REF" "SELECT deal_stage, count(*), printf('%.2f', sum(CAST(close_value AS REAL)))
            FROM pipe GROUP BY 1" | while IFS='|' read -r stage n amount; do
    got=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = [r for r in d["deal stages"] if r["label"].startswith("sales / " + sys.argv[2] + " (")]
print("%d|%.2f" % (r[0]["count"], r[0].get("amount", 0.0)) if r else "none")' "$T/stats.json" "$stage")
    expect_eq "maven deals in stage $stage" "$n|$amount" "$got"
done

# Re-importing the same files changes nothing.
cp "$T/stats.json" "$T/stats.before"
jm import -m "$MAPS/olist-marketing-funnel.yaml" "$OLIST"
expect_eq "olist re-import exit" 0 "$rc"
grep -q " 0 new  *0 updated" "$T/out" || fail "olist re-import changed something: $(cat "$T/out")"
jm import -q -m "$MAPS/maven-crm.yaml" "$MAVEN"
"$JM_BIN" stats --format json > "$T/stats.json"
cmp -s "$T/stats.before" "$T/stats.json" || fail "stats changed after re-import"

jm check
expect_eq "check exit ($(cat "$T/out"))" 0 "$rc"
pass
