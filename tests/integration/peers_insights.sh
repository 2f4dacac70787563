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

BENCH=${JM_BENCH:-${JM_BUILD_DIR:?run through ctest}/bench/jm_bench}
KIT="$JM_SHARED_DIR/peers"
JOURNEY="$JM_SOURCE_DIR/examples/journeys/peers.yaml"
SQL="$JM_SOURCE_DIR/bench/sql/sqlite"
[ -x "$BENCH" ] || fail "jm_bench is missing at $BENCH (build the bench target)"
[ -f "$KIT/gen_events.py" ] || fail "no peer kit at $KIT"
command -v sqlite3 >/dev/null || fail "sqlite3 is required"

python3 "$KIT/gen_events.py" --events 200000 --seed 42 -o "$T/ev.csv" >"$T/gen.log" 2>&1 ||
    fail "gen_events.py: $(cat "$T/gen.log")"
jm import -q --db "$T/ws.db" -m "$MAPS/peers-events.yaml" "$T/ev.csv"
expect_eq "import of 200k events ($(cat "$T/err"))" 0 "$rc"

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

# Same rows; texts and integers equal; decimals equal to one unit of the coarser of the two
# printed precisions. The CLI's CSV is first cut to the SQL's columns: attribution
# key,touches,<model>_conversions (enum order, the SQL's nine), paths path,units.
python3 - "$T/ref" "$T/jm" "$conversions" <<'PY' || fail "results differ from sqlite3 (see above)"
import csv, os, sys
ref, jm, conversions = sys.argv[1], sys.argv[2], int(sys.argv[3])
MODELS = ["first_touch", "lead_creation", "opportunity_creation", "last_touch", "linear",
          "u_shaped", "w_shaped", "full_path", "time_decay"]
bad = []

def tsv(p):
    return [l.rstrip("\n").split("\t") for l in open(p, encoding="utf-8") if l.strip()]

def cli(p, cols):
    rows = list(csv.DictReader(open(p, encoding="utf-8", newline="")))
    return [[r[c] for c in cols] for r in rows]

def compare(what, a, b):
    if len(a) != len(b):
        bad.append("%s: %d rows against %d" % (what, len(a), len(b)))
    for ra, rb in zip(a, b):
        for x, y in zip(ra, rb):
            if x == y:
                continue
            try:
                fx, fy = float(x), float(y)
            except ValueError:
                bad.append("%s: %r against %r" % (what, x, y))
                continue
            dec = min(len(s.split(".")[1]) if "." in s else 0 for s in (x, y))
            if dec == 0 or abs(fx - fy) > 1.01 * 10 ** -dec:
                bad.append("%s: %s against %s in row %s" % (what, x, y, ra[0]))

sql_attr, sql_paths = tsv(os.path.join(ref, "attribution_models.tsv")), tsv(os.path.join(ref, "paths.tsv"))
for m, col in zip(MODELS, range(3, 12)):
    total = sum(float(r[col]) for r in sql_attr)
    if abs(total - conversions) > 1e-4:
        bad.append("sqlite3 %s credits sum to %.6f, not the %d conversions" % (m, total, conversions))
compare("jm_bench attribution_models", tsv(os.path.join(jm, "attribution_models.tsv")), sql_attr)
compare("jm_bench paths", tsv(os.path.join(jm, "paths.tsv")), sql_paths)
compare("journeymap attribution --format csv",
        cli(os.path.join(jm, "attribution.csv"), ["key", "touches"] + [m + "_conversions" for m in MODELS]),
        [r[:2] + r[3:] for r in sql_attr])
compare("journeymap paths --format csv", cli(os.path.join(jm, "paths.csv"), ["path", "units"]), sql_paths)
compare("journeymap paths --max-steps 4", cli(os.path.join(jm, "paths_cut.csv"), ["path", "units"]),
        tsv(os.path.join(ref, "paths_cut.tsv")))
for m in bad[:10]:
    print("  " + m, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "200k events: attribution (nine models, $conversions conversions) and paths match sqlite3"
pass
