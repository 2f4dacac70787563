# The sequence analyses (jm_bench, include/journeymap/sequence.h) against two references:
#
#  1. 200,000 events from the peers' generator, imported with the shipped mapping; the five
#     workloads of ../shared/peers computed again by sqlite3 over the raw CSV with SQL written
#     here, independently of the peers' (chains as EXISTS joins, the next event as a correlated
#     MIN, quantiles by OFFSET), compared to 4 decimals (linear credit to 6);
#  2. the peers' 1M data set (regenerated in the temporary folder when ../shared has none, and
#     checked against the kit's sha256), compared with the result sets ClickHouse and DuckDB
#     recorded in ../shared/peers/results/out: ttc with ClickHouse's quantileExact against
#     ClickHouse, and with quantile_disc against DuckDB.
#
# jm_bench comes from $JM_BENCH, or the build tree ($JM_BUILD_DIR/bench/jm_bench).
. "$JM_SOURCE_DIR/tests/lib.sh"

peers_kit

# --- 1. 200k events against sqlite3 ----------------------------------------------------------

peers_events 200000 42
mkdir -p "$T/jm" "$T/ref"
"$BENCH" --db "$T/ws.db" --reps 1 --threads 2 --out "$T/jm" >"$T/bench.log" 2>&1 ||
    fail "jm_bench: $(cat "$T/bench.log")"

W=7776000 # 90 days in seconds
sqlite3 "$T/ref.db" <<SQL
CREATE TABLE events (ts INTEGER, account_id INTEGER, contact_id INTEGER, event TEXT,
                     channel TEXT);
.import --csv --skip 1 $T/ev.csv events
CREATE INDEX ev_contact ON events (contact_id, ts);
CREATE INDEX ev_account ON events (account_id, ts);
CREATE TABLE steps AS
  SELECT account_id, contact_id, ts,
         CASE event WHEN 'blog_view' THEN 1 WHEN 'demo_request' THEN 2
                    WHEN 'quote_sent' THEN 3 ELSE 4 END AS step
  FROM events WHERE event IN ('blog_view', 'demo_request', 'quote_sent', 'contract_signed');
CREATE TABLE ents (kind TEXT, ent INTEGER, step INTEGER, ts INTEGER);
INSERT INTO ents SELECT 'contact', contact_id, step, ts FROM steps;
INSERT INTO ents SELECT 'account', account_id, step, ts FROM steps;
CREATE INDEX ents_key ON ents (kind, ent, step, ts);
SQL

# Funnel: the level is the longest chain step1 <= step2 <= ... within the window, each tested
# as a join of the steps' events (times are distinct within an entity in this data).
funnel_sql() {
    cat <<SQL
.mode tabs
WITH e AS (SELECT DISTINCT ent FROM ents WHERE kind = '$1')
SELECT level, COUNT(*) FROM (
  SELECT CASE
    WHEN EXISTS (SELECT 1 FROM ents a JOIN ents b JOIN ents c JOIN ents d
                 WHERE a.kind = '$1' AND a.ent = e.ent AND a.step = 1
                   AND b.kind = '$1' AND b.ent = e.ent AND b.step = 2 AND b.ts >= a.ts
                   AND c.kind = '$1' AND c.ent = e.ent AND c.step = 3 AND c.ts >= b.ts
                   AND d.kind = '$1' AND d.ent = e.ent AND d.step = 4 AND d.ts >= c.ts
                   AND d.ts - a.ts <= $W) THEN 4
    WHEN EXISTS (SELECT 1 FROM ents a JOIN ents b JOIN ents c
                 WHERE a.kind = '$1' AND a.ent = e.ent AND a.step = 1
                   AND b.kind = '$1' AND b.ent = e.ent AND b.step = 2 AND b.ts >= a.ts
                   AND c.kind = '$1' AND c.ent = e.ent AND c.step = 3 AND c.ts >= b.ts
                   AND c.ts - a.ts <= $W) THEN 3
    WHEN EXISTS (SELECT 1 FROM ents a JOIN ents b
                 WHERE a.kind = '$1' AND a.ent = e.ent AND a.step = 1
                   AND b.kind = '$1' AND b.ent = e.ent AND b.step = 2 AND b.ts >= a.ts
                   AND b.ts - a.ts <= $W) THEN 2
    WHEN EXISTS (SELECT 1 FROM ents a WHERE a.kind = '$1' AND a.ent = e.ent AND a.step = 1)
      THEN 1
    ELSE 0 END AS level
  FROM e)
GROUP BY level ORDER BY level;
SQL
}
funnel_sql contact | sqlite3 "$T/ref.db" >"$T/ref/funnel_contact.tsv"
funnel_sql account | sqlite3 "$T/ref.db" >"$T/ref/funnel_account.tsv"

sqlite3 "$T/ref.db" <<SQL
.mode tabs
CREATE TABLE d AS
  SELECT MIN(CASE WHEN event = 'contract_signed' THEN ts END) - MIN(ts) AS d
  FROM events GROUP BY account_id HAVING COUNT(CASE WHEN event = 'contract_signed' THEN 1 END) > 0;
-- ClickHouse quantileExact: the value at 0-based rank floor(p n).
.output $T/ref/ttc.tsv
SELECT COUNT(*),
       printf('%.4f', (SELECT d FROM d ORDER BY d LIMIT 1
                       OFFSET (SELECT CAST(0.5 * COUNT(*) AS INTEGER) FROM d)) / 86400.0),
       printf('%.4f', (SELECT d FROM d ORDER BY d LIMIT 1
                       OFFSET (SELECT CAST(0.9 * COUNT(*) AS INTEGER) FROM d)) / 86400.0)
FROM d;
-- DuckDB quantile_disc: rank ceil(p n) - 1.
.output $T/ref/ttc_disc.tsv
SELECT COUNT(*),
       printf('%.4f', (SELECT d FROM d ORDER BY d LIMIT 1 OFFSET
                       (SELECT MAX(0, CAST(0.5 * COUNT(*) AS INTEGER)
                                    + (0.5 * COUNT(*) > CAST(0.5 * COUNT(*) AS INTEGER)) - 1)
                        FROM d)) / 86400.0),
       printf('%.4f', (SELECT d FROM d ORDER BY d LIMIT 1 OFFSET
                       (SELECT MAX(0, CAST(0.9 * COUNT(*) AS INTEGER)
                                    + (0.9 * COUNT(*) > CAST(0.9 * COUNT(*) AS INTEGER)) - 1)
                        FROM d)) / 86400.0)
FROM d;
-- DESIGN.md §4: mean, and linear interpolation at h = (n - 1) p (median: mean of the middle
-- two for an even count).
.output $T/ref/ttc_linear.tsv
WITH r AS (SELECT d, ROW_NUMBER() OVER (ORDER BY d) - 1 AS i FROM d),
     n AS (SELECT COUNT(*) AS n FROM d),
     q AS (SELECT p, (n - 1) * p AS h, CAST((n - 1) * p AS INTEGER) AS lo FROM n,
           (SELECT 0.5 AS p UNION ALL SELECT 0.75 UNION ALL SELECT 0.9)),
     v AS (SELECT q.p, a.d + (q.h - q.lo) * (COALESCE(b.d, a.d) - a.d) AS x
           FROM q JOIN r a ON a.i = q.lo LEFT JOIN r b ON b.i = q.lo + 1)
SELECT (SELECT n FROM n), printf('%.4f', (SELECT AVG(d) FROM d) / 86400.0),
       printf('%.4f', (SELECT x FROM v WHERE p = 0.5) / 86400.0),
       printf('%.4f', (SELECT x FROM v WHERE p = 0.75) / 86400.0),
       printf('%.4f', (SELECT x FROM v WHERE p = 0.9) / 86400.0);
-- The next event of a contact: the one with the smallest later time.
.output $T/ref/transitions.tsv
SELECT a.event, b.event, COUNT(*)
FROM events a JOIN events b
  ON b.contact_id = a.contact_id
 AND b.ts = (SELECT MIN(c.ts) FROM events c WHERE c.contact_id = a.contact_id AND c.ts > a.ts)
GROUP BY a.event, b.event ORDER BY a.event, b.event;
-- Touchpoints before each account's first contract.
.output $T/ref/attribution.tsv
CREATE TABLE conv AS
  SELECT account_id, MIN(ts) AS cts FROM events WHERE event = 'contract_signed'
  GROUP BY account_id;
CREATE TABLE tp AS
  SELECT e.account_id, e.ts, e.channel FROM conv JOIN events e
    ON e.account_id = conv.account_id AND e.ts < conv.cts;
CREATE TABLE per AS SELECT account_id, COUNT(*) AS n, MIN(ts) AS t0 FROM tp GROUP BY account_id;
SELECT tp.channel, SUM(tp.ts = per.t0), printf('%.6f', SUM(1.0 / per.n))
FROM tp JOIN per ON per.account_id = tp.account_id
GROUP BY tp.channel ORDER BY tp.channel;
SQL

for w in funnel_contact funnel_account ttc ttc_disc ttc_linear transitions attribution; do
    [ -s "$T/ref/$w.tsv" ] || fail "sqlite3 produced no $w"
    compare_rows "200k $w" "$T/jm/$w.tsv" "$T/ref/$w.tsv"
done
echo "200k events: the five workloads (and ttc by all three quantile methods) match sqlite3"

# --- 2. the peers' 1M data set against their recorded result sets ----------------------------

OUT="$KIT/results/out"
CSV="$KIT/data/events_1m.csv"
if [ ! -f "$CSV" ]; then
    CSV="$T/events_1m.csv"
    python3 "$KIT/gen_events.py" --events 1000000 -o "$CSV" >"$T/gen1m.log" 2>&1 ||
        fail "gen_events.py 1M: $(cat "$T/gen1m.log")"
fi
want=$(awk '$2 == "data/events_1m.csv" { print $1 }' "$KIT/results/sha256.txt")
got=$(sha256sum <"$CSV" | cut -d' ' -f1)
if [ -z "$want" ] || [ ! -f "$OUT/clickhouse_1m_ttc.tsv" ]; then
    echo "SKIP: no recorded 1M result sets or checksum in $KIT/results"
elif [ "$got" != "$want" ]; then
    echo "SKIP: $CSV has sha256 $got, not the kit's $want: not the data the peers ran on"
else
    jm import -q --db "$T/ws1m.db" -m "$MAPS/peers-events.yaml" "$CSV"
    expect_eq "import of 1M events ($(cat "$T/err"))" 0 "$rc"
    mkdir -p "$T/jm1m"
    "$BENCH" --db "$T/ws1m.db" --reps 1 --out "$T/jm1m" >"$T/bench1m.log" 2>&1 ||
        fail "jm_bench 1M: $(cat "$T/bench1m.log")"
    for w in funnel_contact funnel_account ttc transitions attribution; do
        compare_rows "1M $w vs ClickHouse" "$T/jm1m/$w.tsv" "$OUT/clickhouse_1m_$w.tsv"
        ours=$w
        [ "$w" = ttc ] && ours=ttc_disc # DuckDB's quantile_disc
        compare_rows "1M $w vs DuckDB" "$T/jm1m/$ours.tsv" "$OUT/duckdb_1m_$w.tsv"
    done
    echo "1M events: the five workloads match ClickHouse's and DuckDB's recorded result sets"
fi
pass
