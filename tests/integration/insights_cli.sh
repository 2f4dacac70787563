#!/bin/sh
# The insight commands on a generated demo company (docs/insights.md): every command answers
# --help, prints text in English and Vietnamese (with the Vietnamese labels), well-formed JSON
# and its documented CSV table; -o writes the same bytes; bad options exit 2 naming the option.
# Cross-checks that cannot pass by echoing our own output: attribution's credits sum to the won
# deals sqlite3 counts (and their amounts) in every model, whole and for one year; a drill-down's
# shares add up to its row's credit; cohorts start at 100 % NRR.
# SPDX-License-Identifier: MIT
. "$JM_SOURCE_DIR/tests/lib.sh"

demo_workspace 20000 7
J="--template b2b-5"

# ---------------------------------------------------------------- every command, every format
csv_header() {
    case $1 in
    attribution)
        h=key,touches
        for m in first_touch lead_creation opportunity_creation last_touch linear u_shaped \
            w_shaped full_path time_decay markov; do h="$h,${m}_conversions"; done
        for m in first_touch lead_creation opportunity_creation last_touch linear u_shaped \
            w_shaped full_path time_decay markov; do h="$h,${m}_revenue"; done
        echo "$h"
        ;;
    paths) echo rank,path,units,share,converted,median_days ;;
    retention) echo cohort,offset,accounts,logos,logo_rate,mrr,nrr,grr,expansion,contraction,churned ;;
    voice) echo section,key,kind,n,mean,top,bottom,nps ;;
    questions) echo question,list,key,accounts,share,extra ;;
    esac
}
vi_label() {
    case $1 in
    attribution) echo "Phân bổ chuyển đổi" ;;
    paths) echo "Các đường đi phổ biến nhất" ;;
    retention) echo "Giữ chân doanh thu ròng theo nhóm" ;;
    voice) echo "Ticket hỗ trợ so với mục tiêu SLA" ;;
    questions) echo "Bao lâu thì họ mua?" ;;
    esac
}

for c in attribution paths retention voice questions; do
    jm "$c" --help
    expect_eq "$c --help exit" 0 "$rc"
    head -1 "$T/out" | grep -q "^usage: journeymap $c " || fail "$c --help: $(head -1 "$T/out")"
    grep -q -- "--format F" "$T/out" || fail "$c --help does not list --format"
    # shellcheck disable=SC2086 # $J is two words
    for lang in en vi; do
        jm "$c" $J --lang "$lang"
        expect_eq "$c --lang $lang exit ($(cat "$T/err"))" 0 "$rc"
        head -1 "$T/out" | grep -q "(b2b-5)" || fail "$c --lang $lang: no journey head"
        [ "$(wc -l <"$T/out")" -gt 8 ] || fail "$c --lang $lang: too short: $(cat "$T/out")"
        cp "$T/out" "$T/$c.$lang.txt"
        jm "$c" $J --lang "$lang" --format json
        expect_eq "$c json exit ($(cat "$T/err"))" 0 "$rc"
        python3 -m json.tool "$T/out" >/dev/null || fail "$c --format json: not JSON"
        grep -q '"b2b-5"' "$T/out" || fail "$c --format json names no journey"
    done
    grep -qF "$(vi_label "$c")" "$T/$c.vi.txt" || fail "$c --lang vi: no '$(vi_label "$c")'"
    grep -qF "$(vi_label "$c")" "$T/$c.en.txt" && fail "$c --lang en prints Vietnamese"
    jm "$c" $J --format csv
    expect_eq "$c csv exit ($(cat "$T/err"))" 0 "$rc"
    expect_eq "$c CSV header" "$(csv_header "$c")" "$(head -1 "$T/out")"
    [ "$(wc -l <"$T/out")" -gt 1 ] || fail "$c --format csv: no rows"
    cp "$T/out" "$T/$c.csv"
    # -o writes the same bytes, whole, and says so on standard error.
    jm "$c" $J --format csv -o "$T/$c.out.csv"
    expect_eq "$c -o exit ($(cat "$T/err"))" 0 "$rc"
    cmp -s "$T/$c.csv" "$T/$c.out.csv" || fail "$c -o differs from standard output"
    grep -q "^wrote $T/$c.out.csv" "$T/err" || fail "$c -o: $(cat "$T/err")"
done

# ---------------------------------------------------------------- attribution against sqlite3
# Every model's column sums to the conversions -- here the won deals -- and its revenue column
# to their amounts (credits conserve), whole and for the deals closed in 2026.
check_credits() { # check_credits CSV COUNT AMOUNT
    python3 - "$@" <<'PY' || fail "attribution credits do not add up ($1)"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
want, amount = int(sys.argv[2]), float(sys.argv[3])
models = [k[:-len("_conversions")] for k in rows[0] if k.endswith("_conversions")]
assert len(models) == 10, models
assert want > 0, "no won deals to attribute"
for m in models:
    got = sum(float(r[m + "_conversions"]) for r in rows)
    assert abs(got - want) < 0.001 * len(rows) + 1e-9, "%s: %.4f conversions, want %d" % (m, got, want)
    money = sum(float(r[m + "_revenue"]) for r in rows)
    assert abs(money - amount) < 0.01 * len(rows) + 0.01, "%s: revenue %.2f, want %.2f" % (m, money, amount)
PY
}
won=$(sql "$JOURNEYMAP_DB" "SELECT count(*) FROM deals WHERE status = 'won'")
amount=$(sql "$JOURNEYMAP_DB" "SELECT total(amount) FROM deals WHERE status = 'won'")
check_credits "$T/attribution.csv" "$won" "$amount"
y0=$(python3 -c 'import calendar; print(calendar.timegm((2026, 1, 1, 0, 0, 0)) * 1000000)')
y1=$(python3 -c 'import calendar; print(calendar.timegm((2027, 1, 1, 0, 0, 0)) * 1000000)')
won26=$(sql "$JOURNEYMAP_DB" "SELECT count(*) FROM deals WHERE status = 'won' AND closed >= $y0 AND closed < $y1")
amount26=$(sql "$JOURNEYMAP_DB" "SELECT total(amount) FROM deals WHERE status = 'won' AND closed >= $y0 AND closed < $y1")
[ "$won26" -lt "$won" ] || fail "the demo's won deals all closed in 2026: the period check would be empty"
"$JM_BIN" attribution $J --period 2026 --by touchpoint --format csv >"$T/attr26.csv" ||
    fail "attribution --period 2026 failed"
check_credits "$T/attr26.csv" "$won26" "$amount26"

# Another conversion still conserves: each model's column sums to the same count.
"$JM_BIN" attribution $J --conversion stage:consideration --lookback 0 --format csv >"$T/attr_stage.csv" ||
    fail "attribution --conversion stage:consideration failed"
python3 - "$T/attr_stage.csv" <<'PY' || fail "stage conversions: the models disagree on the total"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
sums = {k: round(sum(float(r[k]) for r in rows), 2) for k in rows[0] if k.endswith("_conversions")}
assert len(set(sums.values())) == 1 and list(sums.values())[0] > 0, sums
PY

# The drill-down: the conversions behind a row gave it, together, the row's credit.
key=$(python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if not r["key"].startswith("(")]
print(max(rows, key=lambda r: float(r["linear_conversions"]))["key"])' "$T/attribution.csv")
jm attribution $J --drill "$key" --format csv
expect_eq "attribution --drill $key exit ($(cat "$T/err"))" 0 "$rc"
python3 - "$T/out" "$T/attribution.csv" "$key" <<'PY' || fail "the drill-down of $key does not add up"
import csv, sys
drill = list(csv.DictReader(open(sys.argv[1])))
row = next(r for r in csv.DictReader(open(sys.argv[2])) if r["key"] == sys.argv[3])
for m in ("linear", "first_touch", "u_shaped", "time_decay"):
    got = sum(float(d[m + "_share"]) for d in drill)
    want = float(row[m + "_conversions"])
    assert abs(got - want) < 0.0005 * max(1, len(drill)), "%s: shares %.4f, row %.4f" % (m, got, want)
linear = [float(d["linear_share"]) for d in drill]
assert linear == sorted(linear, reverse=True), "not the largest share first"
PY
jm attribution $J --drill "$key" --format json
python3 -m json.tool "$T/out" >/dev/null || fail "attribution --drill --format json: not JSON"
jm attribution $J --drill "$key" --lang vi
grep -qF "Các chuyển đổi của '$key'" "$T/out" || fail "drill-down in Vietnamese: $(head -5 "$T/out")"
expect_fail 3 "journeymap: no row 'nowhere' in the attribution by channel (the keys are the first column of the table without --drill)" \
    attribution $J --drill nowhere
jm attribution $J --model w
grep -q "^W-shaped$" "$T/out" || fail "--model w: $(head -12 "$T/out")"

# ---------------------------------------------------------------- retention and paths
python3 - "$T/retention.csv" <<'PY' || fail "retention CSV"
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows, "no cohorts"
for r in rows:
    assert re.fullmatch(r"\d{4}-\d{2}", r["cohort"]), r["cohort"]
    assert int(r["logos"]) <= int(r["accounts"]), r
    if r["offset"] == "0":
        assert r["logo_rate"] == "1.0000" and r["nrr"] == "1.0000", r
PY
python3 - "$T/paths.csv" <<'PY' || fail "paths CSV"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [int(r["rank"]) for r in rows] == list(range(1, len(rows) + 1))
units = [int(r["units"]) for r in rows]
assert units == sorted(units, reverse=True), units
assert sum(float(r["share"]) for r in rows) <= 1.0001
assert all(" > " in r["path"] or r["path"] for r in rows)
PY
jm paths $J --flows --format csv
expect_eq "paths --flows exit ($(cat "$T/err"))" 0 "$rc"
expect_eq "paths --flows CSV header" "from,to,moves,rank,path,units,share,converted,median_days" \
    "$(head -1 "$T/out")"
jm paths $J --flows --format json
python3 -m json.tool "$T/out" >/dev/null || fail "paths --flows --format json: not JSON"
jm paths $J --from stage:awareness --to stage:decision --step channel --limit 5 --format csv
expect_eq "paths --from --to exit ($(cat "$T/err"))" 0 "$rc"
[ "$(wc -l <"$T/out")" -le 6 ] || fail "paths --limit 5 listed more"
jm paths $J --after-drop consideration --lang vi
expect_eq "paths --after-drop exit ($(cat "$T/err"))" 0 "$rc"
grep -q "Sau khi rời bỏ" "$T/out" || fail "paths --after-drop --lang vi: $(head -5 "$T/out")"
jm voice $J --sla urgent=2/12 --sla high=4h/1d --by account.industry
expect_eq "voice --sla exit ($(cat "$T/err"))" 0 "$rc"
grep -q "By account.industry" "$T/out" || fail "voice --by: $(cat "$T/out")"

# ---------------------------------------------------------------- bad options
usage() { # usage CMD MESSAGE: the two lines of a usage error
    printf "journeymap %s: %s\nTry 'journeymap %s --help'." "$1" "$2" "$1"
}
expect_fail 2 "$(usage attribution "--by must be touchpoint, channel, source or campaign, not 'planet'")" \
    attribution $J --by planet
expect_fail 2 "$(usage attribution "--conversion must be won, revenue, stage:KEY or touchpoint:KEY, not 'sale'")" \
    attribution $J --conversion sale
expect_fail 2 "$(usage attribution "--lookback must be a number from 0 to 36500, not '-3'")" \
    attribution $J --lookback -3
expect_fail 2 "$(usage attribution "--level must be account: attribution is about accounts, not 'contact'")" \
    attribution $J --level contact
expect_fail 2 "$(usage attribution "unknown option '--colour'")" attribution $J --colour red
expect_fail 2 "$(usage paths "--from must be stage:KEY or touchpoint:KEY, not 'awareness'")" \
    paths $J --from awareness
expect_fail 2 "$(usage paths "--max-steps must be a whole number from 2 to 100, not '1'")" \
    paths $J --max-steps 1
expect_fail 2 "$(usage paths "give --after-drop or --from/--to, not both")" \
    paths $J --after-drop decision --to stage:loyalty
expect_fail 2 "$(usage retention "--margin must be a number from 0 to 1, not '1.5'")" \
    retention $J --margin 1.5
expect_fail 2 "$(usage questions "--limit must be a whole number from 1 to 100000, not 'ten'")" \
    questions $J --limit ten
expect_fail 2 "$(usage voice "--format must be one of text, json, csv, not 'xml'")" \
    voice $J --format xml
expect_fail 2 "$(usage questions "give a journey: --template NAME (see journeymap template list) or --journey FILE")" \
    questions
jm voice $J --sla urgent=fast
expect_eq "voice --sla urgent=fast exit" 2 "$rc"
grep -q "^journeymap voice: --sla must be PRIORITY=FIRST/RESOLUTION" "$T/err" || fail "voice --sla: $(cat "$T/err")"
# A stage the journey does not know is the library's refusal, named.
jm attribution $J --conversion stage:nowhere
expect_eq "attribution --conversion stage:nowhere exit" 2 "$rc"
grep -q "nowhere" "$T/err" || fail "the unknown stage is not named: $(cat "$T/err")"
pass
