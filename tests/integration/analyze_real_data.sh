# `journeymap analyze` on the two public datasets against SQL written independently over the raw
# CSVs with sqlite3, to 4 decimals: on Olist (lead to won, per contact) the conversion per
# channel and the sales cycle per channel, segment and lead type; on Maven (deals, per account)
# the win rate and the sales cycle per product, sector and manager.
. "$JM_SOURCE_DIR/tests/lib.sh"

OLIST="$DATA/olist-marketing-funnel"
MAVEN="$DATA/maven-crm-sales-opportunities"
JOURNEYS="$JM_SOURCE_DIR/examples/journeys"

"$JM_BIN" import -q --db "$T/olist.db" -m "$MAPS/olist-marketing-funnel.yaml" "$OLIST" ||
    fail "olist import"
"$JM_BIN" import -q --db "$T/maven.db" -m "$MAPS/maven-crm.yaml" "$MAVEN" || fail "maven import"

REF="$T/ref.db"
sqlite3 "$REF" <<SQL
.mode csv
.import $OLIST/olist_marketing_qualified_leads_dataset.csv mql
.import $OLIST/olist_closed_deals_dataset.csv won
.import $MAVEN/sales_pipeline.csv pipe
.import $MAVEN/sales_teams.csv teams
.import $MAVEN/accounts.csv acct
SQL

# compare WHAT OURS.csv "col,col,..." (filter column=value or -) SQL
# Our CSV rows (keyed by its `group` column) must equal the query's rows "group|v1|v2|..." in
# the listed columns: integers exactly, other numbers within 0.0001; every group of the query
# must be there. An empty value stands for "nothing to measure" on both sides.
compare() {
    what=$1 ours=$2 cols=$3 filter=$4 query=$5
    sql "$REF" "$query" >"$T/ref.txt"
    [ -s "$T/ref.txt" ] || fail "$what: the reference query returned nothing"
    python3 - "$what" "$ours" "$cols" "$filter" "$T/ref.txt" <<'PY' || exit 1
import csv, sys
what, ours, cols, filt, ref = sys.argv[1:]
cols = cols.split(",")
rows = {}
for r in csv.DictReader(open(ours, newline="")):
    if filt != "-":
        k, v = filt.split("=")
        if r[k] != v:
            continue
    rows[r["group"]] = r
bad = 0
n = 0
for line in open(ref):
    parts = line.rstrip("\n").split("|")
    g, want = parts[0], parts[1:]
    n += 1
    if g not in rows:
        print(f"FAIL: {what}: no group '{g}' in our output", file=sys.stderr)
        bad += 1
        continue
    for c, w in zip(cols, want):
        got = rows[g][c]
        if w == "" or got == "":
            ok = w == got
        elif "." in w or "." in got:
            ok = abs(float(w) - float(got)) <= 0.0001 + 1e-9
        else:
            ok = int(w) == int(got)
        if not ok:
            print(f"FAIL: {what}: group '{g}' {c}: SQL says {w}, journeymap {got}",
                  file=sys.stderr)
            bad += 1
if bad:
    sys.exit(1)
print(f"ok: {what}: {n} groups")
PY
}

# A median in SQLite 3.40 (no percentile aggregate): the middle row, or the mean of the two.
# stats_sql SOURCE: SOURCE yields (g, d); gives g|count|mean|median.
stats_sql() {
    echo "SELECT g, n, printf('%.6f', mean), printf('%.6f', avg(d)) FROM (
            SELECT g, d, row_number() OVER (PARTITION BY g ORDER BY d) rn,
                   count(*) OVER (PARTITION BY g) n, avg(d) OVER (PARTITION BY g) mean
            FROM ($1)) WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY g"
}

# --- Olist: per lead (contact), MQL -> signed seller.
olist() {
    "$JM_BIN" analyze --db "$T/olist.db" --journey "$JOURNEYS/olist-seller-funnel.yaml" \
        --format csv "$@"
}
olist --by contact.properties.origin >"$T/o_funnel.csv" || fail "olist analyze"
compare "olist conversion per channel" "$T/o_funnel.csv" reached,converted,rate stage=mql "
    SELECT CASE m.origin WHEN '' THEN '(missing)' ELSE m.origin END g, count(*),
           count(w.mql_id), printf('%.6f', count(w.mql_id) * 1.0 / count(*))
    FROM mql m LEFT JOIN won w ON w.mql_id = m.mql_id GROUP BY g
    UNION ALL SELECT '(all)', count(*), count(w.mql_id), printf('%.6f', count(w.mql_id) * 1.0 / count(*))
    FROM mql m LEFT JOIN won w ON w.mql_id = m.mql_id"

CYCLE="SELECT julianday(w.won_date) - julianday(m.first_contact_date) d, m.origin origin,
              w.business_segment segment, w.lead_type lead_type
       FROM won w JOIN mql m ON m.mql_id = w.mql_id"
olist --by contact.properties.origin --table deals >"$T/o_deals.csv" || fail "olist deals"
compare "olist sales cycle per channel" "$T/o_deals.csv" cycle_count,cycle_mean,cycle_median - \
    "$(stats_sql "SELECT CASE origin WHEN '' THEN '(missing)' ELSE origin END g, d FROM ($CYCLE)
                  UNION ALL SELECT '(all)', d FROM ($CYCLE)")"
olist --by product --table deals >"$T/o_seg.csv" || fail "olist deals by segment"
compare "olist sales cycle per segment" "$T/o_seg.csv" cycle_count,cycle_mean,cycle_median - \
    "$(stats_sql "SELECT CASE segment WHEN '' THEN '(missing)' ELSE segment END g, d FROM ($CYCLE)")"
olist --by deal.properties.lead_type --table deals >"$T/o_lt.csv" || fail "olist by lead type"
compare "olist sales cycle per lead type" "$T/o_lt.csv" cycle_count,cycle_mean,cycle_median - \
    "$(stats_sql "SELECT CASE lead_type WHEN '' THEN '(missing)' ELSE lead_type END g, d
                  FROM ($CYCLE)")"

# --- Maven: deals of accounts; win rate = won / (won + lost), cycle = close - engage of won.
maven() {
    "$JM_BIN" analyze --db "$T/maven.db" --journey "$JOURNEYS/maven-sales.yaml" --format csv \
        --table deals "$@"
}
DEALS="SELECT p.*, CASE p.product WHEN 'GTXPro' THEN 'GTX Pro' ELSE p.product END prod,
              CASE a.sector WHEN 'technolgy' THEN 'technology' ELSE a.sector END sector,
              t.manager manager
       FROM pipe p LEFT JOIN acct a ON a.account = p.account
                   LEFT JOIN teams t ON t.sales_agent = p.sales_agent"
win_sql() { # win_sql GROUP-EXPR [WHERE]: g|deals|won|lost|win_rate
    echo "SELECT $1 g, count(*), sum(deal_stage = 'Won'), sum(deal_stage = 'Lost'),
                 printf('%.6f', sum(deal_stage = 'Won') * 1.0 / sum(deal_stage IN ('Won', 'Lost')))
          FROM ($DEALS) ${2:-} GROUP BY g"
}
won_days() { # won_days GROUP-EXPR [AND ...]: (g, d) of won deals
    echo "SELECT $1 g, julianday(close_date) - julianday(engage_date) d FROM ($DEALS)
          WHERE deal_stage = 'Won' ${2:-}"
}
for by in product industry manager; do
    case $by in
    product) expr=prod where= ;;
    industry) expr=sector where="WHERE account <> ''" ;;
    manager) expr=manager where= ;;
    esac
    maven --by "$by" >"$T/m_$by.csv" || fail "maven analyze --by $by"
    compare "maven win rate per $by" "$T/m_$by.csv" deals,won,lost,win_rate - \
        "$(win_sql "$expr" "$where") UNION ALL $(win_sql "'(all)'")"
    and=$(echo "$where" | sed 's/WHERE/AND/')
    compare "maven sales cycle per $by" "$T/m_$by.csv" cycle_count,cycle_mean,cycle_median - \
        "$(stats_sql "$(won_days "$expr" "$and") UNION ALL $(won_days "'(all)'")")"
done

# The text report reads like an analyst wrote it, in both languages.
"$JM_BIN" analyze --db "$T/olist.db" --journey "$JOURNEYS/olist-seller-funnel.yaml" \
    >"$T/report.txt" || fail "olist text report"
grep -q "^Break points" "$T/report.txt" || fail "no break points section: $(cat "$T/report.txt")"
grep -q "Marketing-qualified lead loses 89.5% of the contacts that reach it (7158 of 8000)." \
    "$T/report.txt" || fail "no drop-off in words: $(cat "$T/report.txt")"
"$JM_BIN" analyze --db "$T/olist.db" --journey "$JOURNEYS/olist-seller-funnel.yaml" --lang vi \
    >"$T/report_vi.txt" || fail "vi report"
grep -q "^Điểm gãy" "$T/report_vi.txt" || fail "no Vietnamese break points: $(cat "$T/report_vi.txt")"
grep -q "Khách hàng tiềm năng đủ điều kiện (MQL) mất 89.5% số liên hệ" "$T/report_vi.txt" ||
    fail "no Vietnamese drop-off in words: $(cat "$T/report_vi.txt")"
pass
