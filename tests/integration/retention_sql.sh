# `journeymap retention --format csv` on a generated demo company against SQL written from the
# definitions in insights.h alone, over the workspace's raw `revenue` table: rows of one account
# and month are summed (period_start is UTC microseconds; a period counts in the month it
# starts), a cohort is an account's first month with MRR > 0, a month without a row is 0, and
# offsets run to the last month that has any revenue row. Per cohort and offset: accounts,
# logos, MRR, NRR and GRR, printed by the CLI to 2 and 4 decimals and checked against the exact
# SQL value to within half a unit in the last place. Once for all time, once for a period that
# selects cohorts by their month.
. "$JM_SOURCE_DIR/tests/lib.sh"

demo_workspace 80000 11

# cohort_sql FIRST LAST: the cells of cohorts whose month index (year * 12 + month - 1) is in
# [FIRST, LAST], as cohort,offset,accounts,logos,mrr,nrr,grr with the figures unrounded.
cohort_sql() {
    sqlite3 -batch -noheader -csv "$JOURNEYMAP_DB" "
WITH RECURSIVE
m AS (
  SELECT r.account,
         CAST(strftime('%Y', r.period_start / 1000000, 'unixepoch') AS INTEGER) * 12 +
         CAST(strftime('%m', r.period_start / 1000000, 'unixepoch') AS INTEGER) - 1 AS month,
         SUM(COALESCE(r.mrr, 0)) AS mrr
  FROM revenue r JOIN accounts a ON a.id = r.account
  GROUP BY 1, 2),
last AS (SELECT MAX(month) AS l FROM m),
cohort AS (SELECT account, MIN(month) AS c FROM m WHERE mrr > 0 GROUP BY account),
k(o) AS (SELECT 0 UNION ALL SELECT o + 1 FROM k WHERE o < 24),
base AS (
  SELECT cohort.account, cohort.c, m.mrr AS m0
  FROM cohort JOIN m ON m.account = cohort.account AND m.month = cohort.c
  WHERE cohort.c BETWEEN $1 AND $2),
cell AS (
  SELECT b.c, k.o, b.m0, CASE WHEN m.mrr > 0 THEN m.mrr ELSE 0 END AS mk
  FROM base b JOIN k JOIN last ON b.c + k.o <= last.l
  LEFT JOIN m ON m.account = b.account AND m.month = b.c + k.o)
SELECT printf('%04d-%02d', c / 12, c % 12 + 1), o, COUNT(*), SUM(mk > 0),
       printf('%.6f', SUM(mk)),
       printf('%.9f', SUM(mk) / SUM(m0)),
       printf('%.9f', (SUM(m0) - SUM(CASE WHEN mk > 0 THEN MAX(0, m0 - mk) ELSE m0 END))
                      / SUM(m0))
FROM cell GROUP BY c, o ORDER BY c, o"
}

# compare WHAT CSV SQL: the CLI's rows against the SQL's, key by key.
compare() {
    n_cli=$(tail -n +2 "$2" | wc -l)
    n_sql=$(wc -l <"$3")
    expect_eq "$1: cohort cells" "$n_sql" "$n_cli"
    awk -F, -v what="$1" '
        function off(a, b, half) { d = a - b; if (d < 0) d = -d; return d > half + 1e-9 }
        NR == FNR { if (FNR > 1) cli[$1 "," $2] = $0; next }
        {
            k = $1 "," $2
            if (!(k in cli)) { print what ": no CLI row for " k; bad = 1; next }
            split(cli[k], c, ",")
            if (c[3] != $3 || c[4] != $4 || off(c[6], $5, 0.005) || off(c[7], $6, 0.00005) ||
                off(c[8], $7, 0.00005)) {
                print what ": " k ": CLI accounts,logos,mrr,nrr,grr " c[3] "," c[4] "," c[6] \
                      "," c[7] "," c[8] "; SQL " $3 "," $4 "," $5 "," $6 "," $7
                bad = 1
            }
        }
        END { exit bad }' "$2" "$3" >"$T/diff" || fail "$(head -5 "$T/diff")"
}

jm retention --template b2b-5 --format csv
expect_eq "retention exit ($(cat "$T/err"))" 0 "$rc"
expect_eq "CSV header" "cohort,offset,accounts,logos,logo_rate,mrr,nrr,grr,expansion,contraction,churned" \
    "$(head -1 "$T/out")"
cp "$T/out" "$T/all.csv"
cohort_sql -1 999999 >"$T/all.sql"
[ "$(wc -l <"$T/all.sql")" -gt 20 ] || fail "only $(wc -l <"$T/all.sql") cohort cells: too little revenue"
compare "all time" "$T/all.csv" "$T/all.sql"

# Months of 2025-06 .. 2025-12 (index 2025 * 12 + 5 .. 2025 * 12 + 11): the period selects
# the cohorts that start in them; their cells still run to the end of the data.
jm retention --template b2b-5 --format csv --period 2025-06-01..2025-12-31
expect_eq "retention --period exit ($(cat "$T/err"))" 0 "$rc"
cp "$T/out" "$T/period.csv"
cohort_sql 24305 24311 >"$T/period.sql"
n_sql=$(wc -l <"$T/period.sql")
[ "$n_sql" -gt 0 ] || fail "no cohort starts in 2025-06 .. 2025-12 in the demo"
[ "$n_sql" -lt "$(wc -l <"$T/all.sql")" ] || fail "the period selected every cohort"
compare "2025-06..2025-12" "$T/period.csv" "$T/period.sql"
pass
