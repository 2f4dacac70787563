# `journeymap map` on a generated demo company: the JSON model and the SVG of the full map, and
# the JSON of the Vietnamese sales view, are golden cases (tests/cases/map_demo;
# JM_UPDATE_GOLDEN=1 rewrites them). The map's funnel equals `analyze`'s, its flows add up, and
# the options fail with clear messages.
. "$JM_SOURCE_DIR/tests/lib.sh"

CASE="$JM_SOURCE_DIR/tests/cases/map_demo"
jm demo-data --events 20000 --seed 7 -q
expect_eq "demo-data exit ($(cat "$T/err"))" 0 "$rc"

golden b2b-5.json map --template b2b-5 --title "Demo company" --format json
golden b2b-5.svg map --template b2b-5 --title "Demo company" --format svg
golden b2b-5-sales-vi.json map --template b2b-5 --view sales --lang vi --format json

# The map's funnel is analyze's; flows into and out of each stage add up.
jm analyze --template b2b-5 --format json
cp "$T/out" "$T/analyze.json"
python3 - "$T/b2b-5.json" "$T/analyze.json" <<'PY' || fail "map and analyze disagree"
import json, sys
m = json.load(open(sys.argv[1]))
a = json.load(open(sys.argv[2]))
stages = a["groups"][0]["stages"]
assert len(m["stages"]) == len(stages)
for ms, st in zip(m["stages"], stages):
    for k in ("reached", "converted", "dropped", "skipped", "entered"):
        assert ms[k] == st[k], (ms["key"], k, ms[k], st[k])
    assert (ms["rate"] is None) == (st["rate"] is None), ms["key"]
    assert ms["rate"] is None or abs(ms["rate"] - st["rate"]) <= 0.00005 + 1e-12, (ms["key"], ms["rate"], st["rate"])
assert m["units"] == a["groups"][0]["units"]
moves = a["groups"][0]["moves"]
kinds = {}
for f in m["flows"]:
    kinds[f["kind"]] = kinds.get(f["kind"], 0) + f["count"]
assert kinds.get("enter", 0) == moves["enter"], (kinds, moves)
assert kinds.get("forward", 0) == moves["forward"], (kinds, moves)
assert kinds.get("skip", 0) == moves["skip"], (kinds, moves)
assert kinds.get("back", 0) == moves["back"], (kinds, moves)
for i, ms in enumerate(m["stages"][:-1]):
    drop = sum(f["count"] for f in m["flows"] if f["kind"] == "drop" and f["from"] == i)
    assert drop == ms["dropped"], (ms["key"], drop, ms["dropped"])
for ms in m["stages"]:
    shares = sum(c["share"] for c in ms["channels"])
    assert ms["events"] == 0 or shares <= 1.0001, (ms["key"], shares)
    for k in ms["kpis"]:
        assert k["status"] in ("met", "near", "missed", "no_data")
PY

# Every view, both languages, every state, and a segment: the map builds and names its view.
for view in full marketing sales product cs; do
    for lang in en vi; do
        jm map --template b2b-5 --view "$view" --lang "$lang" --state both --format json
        expect_eq "map --view $view --lang $lang ($(cat "$T/err"))" 0 "$rc"
        python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); assert m["view"]==sys.argv[2]' \
            "$T/out" "$view" || fail "map --view $view: wrong view"
    done
done
jm map --template b2b-5 --segment industry=SaaS --format json
expect_eq "map --segment ($(cat "$T/err"))" 0 "$rc"
grep -q '"filter":"industry = SaaS"' "$T/out" || fail "segment not in the map: $(head -c 300 "$T/out")"

expect_fail 2 "journeymap map: --view must be full, marketing, sales, product or cs, not 'ops'
Try 'journeymap map --help'." map --template b2b-5 --view ops
expect_fail 2 "journeymap map: give --segment or --persona, not both
Try 'journeymap map --help'." map --template b2b-5 --segment a=b --persona cfo
expect_fail 2 "journeymap map: cannot tell the format from 'map.txt': add --format
Try 'journeymap map --help'." map --template b2b-5 -o map.txt
jm map --template b2b-5 --segment industry=Mining --format json
expect_eq "unknown segment value exit" 2 "$rc"
grep -q 'no account has industry = "Mining"; values there:' "$T/err" || fail "segment message: $(cat "$T/err")"
[ ! -e map.txt ] || fail "a failed map left a file"
pass
