# Attribution and paths (include/journeymap/insights.h) against SQL written independently of
# the engines: 200,000 events from the peers' generator (seed 42), imported with the shipped
# mapping and analysed with examples/journeys/peers.yaml, against bench/sql/sqlite/*.sql (the
# same questions make bench asks ClickHouse and DuckDB; docs/benchmarks.md) run by sqlite3 over
# the raw CSV:
#
#   attribution_models  first contract_signed per account, credit by channel, no lookback
#                       bound, lead stage demo, opportunity stage quote, half-life 7 days; the
#                       nine per-path models (Markov has no SQL form)
#   paths               the 20 most common demo_request -> contract_signed paths, collapsed,
#                       at most 64 steps; and at most 4 (paths_cut: nearly all are cut, so
#                       many accounts share a path and the counts and the cut are checked)
#
# Both are checked through the CLI (--format csv, 4 decimals) and through jm_bench --out (the
# result sets make bench compares, 6 decimals); each model's credits must also sum to the
# conversions sqlite3 counts.
. "$JM_SOURCE_DIR/tests/lib.sh"

JOURNEY="$JM_SOURCE_DIR/examples/journeys/peers.yaml"
SQL="$JM_SOURCE_DIR/bench/sql/sqlite"
peers_kit
peers_events 200000 42

# --- the reference: our SQL for the peers, in sqlite3 ---------------------------------------

mkdir -p "$T/ref" "$T/jm"
sqlite3 "$T/ref.db" <<SQL
CREATE TABLE events (ts INTEGER NOT NULL, account_id INTEGER NOT NULL,
                     contact_id INTEGER NOT NULL, event TEXT NOT NULL, channel TEXT NOT NULL);
.import --csv --skip 1 $T/ev.csv events
SQL
for w in attribution_models paths; do
    { printf '.bail on\n.mode tabs\n'; cat "$SQL/$w.sql"; } | sqlite3 "$T/ref.db" >"$T/ref/$w.tsv" ||
        fail "sqlite3 $w.sql"
    [ -s "$T/ref/$w.tsv" ] || fail "sqlite3 produced no $w"
done
{ printf '.mode tabs\n'; sed 's/n > 64 AND/n > 4 AND/; s/i < 64 OR/i < 4 OR/' "$SQL/paths.sql"; } |
    sqlite3 "$T/ref.db" >"$T/ref/paths_cut.tsv" || fail "sqlite3 paths.sql cut at 4 steps"
conversions=$(sqlite3 "$T/ref.db" \
    "SELECT COUNT(DISTINCT account_id) FROM events WHERE event = 'contract_signed'")

# --- ours: the CLI and jm_bench -------------------------------------------------------------

jm attribution --db "$T/ws.db" --journey "$JOURNEY" --conversion touchpoint:contract_signed \
    --by channel --lookback 0 --lead-stage demo --opportunity-stage quote --half-life 7 \
    --format csv
expect_eq "journeymap attribution ($(cat "$T/err"))" 0 "$rc"
cp "$T/out" "$T/jm/attribution.csv"
jm paths --db "$T/ws.db" --journey "$JOURNEY" --from touchpoint:demo_request \
    --to touchpoint:contract_signed --max-steps 64 --limit 20 --format csv
expect_eq "journeymap paths ($(cat "$T/err"))" 0 "$rc"
cp "$T/out" "$T/jm/paths.csv"
jm paths --db "$T/ws.db" --journey "$JOURNEY" --from touchpoint:demo_request \
    --to touchpoint:contract_signed --max-steps 4 --limit 20 --format csv
expect_eq "journeymap paths --max-steps 4 ($(cat "$T/err"))" 0 "$rc"
cp "$T/out" "$T/jm/paths_cut.csv"
"$BENCH" --db "$T/ws.db" --reps 1 --threads 2 --journey "$JOURNEY" \
    --only attribution_models,paths --out "$T/jm" >"$T/bench.log" 2>&1 ||
    fail "jm_bench: $(cat "$T/bench.log")"

# --- the comparison -------------------------------------------------------------------------

# csv_columns CSV COL...: the columns COL of the CLI's CSV, tab-separated, without the header.
csv_columns() {
    python3 - "$@" <<'PY'
import csv, sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")):
    print("\t".join(r[c] for c in sys.argv[2:]))
PY
}

# Each model's credits in the SQL (columns 4 to 12, in the order of $models) sum to the
# conversions sqlite3 counts.
models="first_touch lead_creation opportunity_creation last_touch linear u_shaped w_shaped full_path time_decay"
awk -F'\t' -v want="$conversions" -v models="$models" '
    { for (c = 4; c <= 12; c++) sum[c] += $c }
    END {
        split(models, name, " ")
        for (c = 4; c <= 12; c++)
            if (sum[c] - want > 1e-4 || want - sum[c] > 1e-4) {
                printf "  sqlite3 %s credits sum to %.6f, not the %d conversions\n", name[c - 3], sum[c], want
                bad = 1
            }
        exit bad
    }' "$T/ref/attribution_models.tsv" >&2 || fail "sqlite3 credits do not sum to the conversions"

# The CLI's CSV is cut to the SQL's columns: attribution key,touches,<model>_conversions (enum
# order, the SQL's nine; the SQL's converting column left out), paths path,units.
# shellcheck disable=SC2046 # one column name a word
csv_columns "$T/jm/attribution.csv" key touches $(for m in $models; do echo "${m}_conversions"; done) \
    >"$T/jm/attribution_cli.tsv"
cut -f1,2,4- "$T/ref/attribution_models.tsv" >"$T/ref/attribution_cli.tsv"
csv_columns "$T/jm/paths.csv" path units >"$T/jm/paths_cli.tsv"
csv_columns "$T/jm/paths_cut.csv" path units >"$T/jm/paths_cut_cli.tsv"
compare_rows "jm_bench attribution_models" "$T/jm/attribution_models.tsv" "$T/ref/attribution_models.tsv"
compare_rows "jm_bench paths" "$T/jm/paths.tsv" "$T/ref/paths.tsv"
compare_rows "journeymap attribution --format csv" "$T/jm/attribution_cli.tsv" "$T/ref/attribution_cli.tsv"
compare_rows "journeymap paths --format csv" "$T/jm/paths_cli.tsv" "$T/ref/paths.tsv"
compare_rows "journeymap paths --max-steps 4" "$T/jm/paths_cut_cli.tsv" "$T/ref/paths_cut.tsv"
echo "200k events: attribution (nine models, $conversions conversions) and paths match sqlite3"
pass
