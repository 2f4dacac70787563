# The journey map of the demo company in a real browser. `journeymap map --template b2b-5`
# renders HTML in English and Vietnamese, in every team view and with the future state beside
# today's; each page is opened in headless Chromium (tests/browser/check_map.py), which fails on
# any console error or warning, uncaught exception, dialog or network request (the page must be
# self-contained), on a missing hook (every stage, lane and KPI of the map's JSON form must have
# its [data-stage] / [data-lane] / [data-kpi][data-status] element) and on text overflowing a
# grid cell. The SVG is opened too. Screenshots are kept in $JM_BUILD_DIR/artifacts/.
. "$JM_SOURCE_DIR/tests/lib.sh"

CHECK="$JM_SOURCE_DIR/tests/browser/check_map.py"
ART="$JM_BUILD_DIR/artifacts"
mkdir -p "$ART"

jm demo-data --events 20000 --seed 7 -q
expect_eq "demo-data exit ($(cat "$T/err"))" 0 "$rc"

# expect ARGS...: prints "--expect-stages K1,K2 --expect-lanes ... --expect-kpis ..." from
# the map's JSON form with the same ARGS. KPIs are expected only when the view shows the KPI
# lane.
expect() {
    "$JM_BIN" map "$@" --format json -o "$T/map.json" >"$T/out" 2>"$T/err" ||
        fail "journeymap map $* --format json exited $?: $(cat "$T/err")"
    python3 - "$T/map.json" <<'PY' || fail "map $* --format json: not the expected JSON"
import json, sys
m = json.load(open(sys.argv[1]))
stages = [s["key"] for s in m["stages"]]
lanes = [l["key"] for l in m["lanes"]]
kpis = sorted({k["metric"] for s in m["stages"] for k in s.get("kpis", [])}) if "kpis" in lanes else []
assert stages and lanes, "no stages or lanes"
print("--expect-stages", ",".join(stages), "--expect-lanes", ",".join(lanes),
      *(["--expect-kpis", ",".join(kpis)] if kpis else []))
PY
}

# check NAME ARGS...: renders the map with ARGS as NAME.html and checks it in the browser.
check() {
    name=$1
    shift
    jm map --template b2b-5 "$@" -o "$name.html"
    expect_eq "map $* exit ($(cat "$T/err"))" 0 "$rc"
    [ -s "$name.html" ] || fail "map $* -o $name.html wrote nothing"
    expected=$(expect --template b2b-5 "$@") || exit 1
    # shellcheck disable=SC2086 # $expected holds options, split on white space
    timeout 300 python3 "$CHECK" "$name.html" $expected \
        --screenshot "$ART/$name.png" >"$T/check" 2>&1 ||
        fail "check_map.py $name.html (map $*):
$(cat "$T/check")"
    cat "$T/check"
    cp "$name.html" "$ART/$name.html"
    echo "artifact: $ART/$name.png"
}

check map-full-en
check map-full-vi --lang vi
check map-both-en --state both
for view in marketing sales product cs; do
    check "map-$view-en" --view "$view"
done
check map-cs-vi --view cs --lang vi

# The page names itself in its language and view.
grep -q 'data-lang="vi"' map-full-vi.html || fail "map --lang vi: no data-lang=\"vi\" on the root"
grep -q 'data-view="sales"' map-sales-en.html || fail "map --view sales: no data-view=\"sales\""
grep -q "Nhận biết" map-full-vi.html || fail "map --lang vi: no 'Nhận biết' in the page"

# The standalone SVG: nothing runs, nothing is fetched, no console noise.
jm map --template b2b-5 -o map.svg
expect_eq "map -o map.svg exit ($(cat "$T/err"))" 0 "$rc"
timeout 300 python3 "$CHECK" map.svg --screenshot "$ART/map-svg.png" >"$T/check" 2>&1 ||
    fail "check_map.py map.svg:
$(cat "$T/check")"
cat "$T/check"
cp map.svg "$ART/map.svg"
echo "artifact: $ART/map-svg.png"
pass
