# A journey map of hostile data renders safely. The journey definition and the imported CRM data
# carry script payloads in every text a person or a CRM export can write (journey, stage, lane,
# future-state, KPI, touchpoint, channel, owner, persona and DMU role texts; account and contact
# names, ids, event touchpoints, channels and campaigns). The payloads set window.__jm_pwned when
# they run. The HTML and the SVG maps are opened in headless Chromium by
# tests/browser/check_map.py --hostile: first with the page's Content-Security-Policy bypassed,
# so that escaping alone is tested, then as a user opens them. No payload may run, no dialog
# open, no <script> or on* attribute reach the DOM, nothing be fetched, every hook of the map
# must be there, and every payload must show as the literal text it is. The PDF and PNG must
# draw it (librsvg silently draws nothing when it rejects part of an SVG), the PDF with the
# payloads as text. The CSV output must quote every field correctly and defuse every formula
# (= + - @ first gets an apostrophe; numbers, negative ones included, do not).
. "$JM_SOURCE_DIR/tests/lib.sh"

CHECK="$JM_SOURCE_DIR/tests/browser/check_map.py"
ART="$JM_BUILD_DIR/artifacts"
mkdir -p "$ART"

# ---------------------------------------------------------------- the hostile workspace

# The payloads, the journey (every string double-quoted with JSON escapes, which YAML's
# double-quoted style reads the same) and the CSV files, written by Python's csv module.
python3 - "$T" <<'PY'
import csv, json, os, sys

d = sys.argv[1]
P = {
    "script": "<script>window.__jm_pwned=1</script>",
    "img": "<img src=x onerror=window.__jm_pwned=1>",
    "attr": "\"><svg onload=window.__jm_pwned=1>",
    "sq": "'><iframe src=javascript:window.__jm_pwned=1>",
    "cdata": "]]><script>window.__jm_pwned=1</script><![CDATA[",
    "style": "</style><script>window.__jm_pwned=1</script>",
    "title": "</title><script>window.__jm_pwned=1</script>",
    "comment": "--><script>window.__jm_pwned=1</script><!--",
    "js": "javascript:window.__jm_pwned=1",
    "tmpl": "{{constructor.constructor('window.__jm_pwned=1')()}} ${window.__jm_pwned=1}",
    "amp": "AT&T &lt;b&gt; &amp; &#60;script&#62;",
    "formula": "=HYPERLINK(\"http://evil.invalid/\",\"click\")",
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "rtl": "\u202eevil\u202c Nhận biết 🚀 \u200b",
    "long": "Unbreakable" + "x" * 70,
    "url": "http://evil.invalid/x.png",
}
json.dump(P, open(os.path.join(d, "payloads.json"), "w"))
q = lambda s: json.dumps(s, ensure_ascii=False)  # a YAML double-quoted scalar

lanes = ["thinking", "actions", "goals", "questions", "pain_points", "emotions", "information",
         "moments_of_truth", "our_goals", "our_actions", "opportunities"]
names = list(P)

def lane_block(offset, indent):
    out = []
    for i, lane in enumerate(lanes):
        a, b = P[names[(i + offset) % len(names)]], P[names[(i + offset + 5) % len(names)]]
        out.append("%s%s: [%s, %s]" % (indent, lane, q(a), q(b)))
    return "\n".join(out)

y = """journey: hostile
lang: en
name: %(title)s
description: %(comment)s
settings:
  level: account
  stall_days: 30
stages:
  - key: aw
    name: %(script)s
    owner: %(formula)s
    emotion: 0.2
    dmu_roles: [decider, champion]
    entry:
      event: {touchpoint: [blog_view]}
    lanes:
%(lanes0)s
    future:
      emotion: 0.6
%(future0)s
    kpis:
      - {metric: conversion_rate, target: 0.5, name: %(sq)s}
      - {metric: count, target: 3, name: %(minus)s}
  - key: co
    name: %(img)s
    owner: %(attr)s
    emotion: -0.4
    entry:
      event: {touchpoint: [demo_request]}
    lanes:
%(lanes1)s
    kpis:
      - {metric: median_days, target: 10, name: %(at)s}
  - key: de
    name: %(rtl)s
    owner: %(amp)s
    entry:
      event: {touchpoint: [contract_signed]}
    lanes:
%(lanes2)s
touchpoints:
  - key: blog_view
    name: %(style)s
    stage: aw
    channel: %(plus)s
    owner: %(at)s
    outcome: %(cdata)s
    kpi: {metric: count, target: 2, name: %(tmpl)s}
  - key: demo_request
    name: %(cdata)s
    stage: co
    channel: %(js)s
    owner: %(sq)s
  - key: contract_signed
    name: %(js)s
    stage: de
personas:
  - key: company_p
    kind: company
    name: %(amp)s
    description: %(script)s
    industry: %(img)s
    size: %(formula)s
    geography: %(rtl)s
    challenges: [%(comment)s, %(long)s]
    motivations: [%(formula)s]
  - key: person_p
    kind: person
    name: %(attr)s
    description: %(title)s
    role: decider
    responsibilities: [%(sq)s]
    kpis: [%(minus)s]
    goals: [%(tmpl)s]
    trusted_sources: [%(url)s]
    decision_criteria: [%(cdata)s]
dmu_roles:
  - {key: decider, name: %(minus)s, description: %(img)s}
  - {key: champion, name: %(script)s}
channel_groups:
  - {group: %(plus)s, channels: ["*"]}
""" % dict({k: q(v) for k, v in P.items()},
           lanes0=lane_block(0, "      "), lanes1=lane_block(3, "      "),
           lanes2=lane_block(7, "      "), future0=lane_block(11, "      "))
open(os.path.join(d, "journey.yaml"), "w", encoding="utf-8").write(y)

def write(name, header, rows):
    with open(os.path.join(d, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)

accounts = [("A1", P["script"]), ("=A2", P["img"]), ("<i>A3</i>", P["formula"]),
            ("A4", P["attr"]), ("A5", P["rtl"]), ("A6", P["amp"])]
write("accounts.csv", ["id", "name", "industry", "region", "segment"],
      [(i, n, P["plus"], P["sq"], P["at"]) for i, n in accounts])
write("contacts.csv", ["id", "account", "name", "title", "dmu_role", "persona"],
      [("c" + str(k), i, P["comment"], P["minus"], "decider" if k % 2 else "champion",
        "person_p") for k, (i, _) in enumerate(accounts)])
# (account, day, touchpoint): A2 and A3 go silent in a stage; A4 has touchpoints outside the
# catalog, named by their hostile text; A5 skips a stage.
moves = [
    ("A1", "2025-01-01", "blog_view"), ("A1", "2025-01-10", "demo_request"),
    ("A1", "2025-02-01", "contract_signed"),
    ("=A2", "2025-01-02", "blog_view"), ("=A2", "2025-01-15", "demo_request"),
    ("<i>A3</i>", "2025-01-03", "blog_view"),
    ("A4", "2025-05-20", "blog_view"), ("A4", "2025-05-25", P["img"]),
    ("A4", "2025-05-26", P["formula"]), ("A4", "2025-05-30", "demo_request"),
    ("A5", "2025-05-01", "blog_view"), ("A5", "2025-06-01", "contract_signed"),
    ("A6", "2025-03-01", "blog_view"), ("A6", "2025-03-05", "demo_request"),
    ("A6", "2025-04-01", "contract_signed"),
]
cid = {i: "c" + str(k) for k, (i, _) in enumerate(accounts)}
write("events.csv", ["time", "account", "contact", "touchpoint", "channel", "utm_source",
                     "utm_campaign", "url"],
      [(t + "T10:00:00Z", a, cid[a], tp, P["minus"], P["at"], P["tmpl"], P["url"])
       for a, t, tp in moves])
PY
[ -s "$T/journey.yaml" ] || fail "could not write the hostile workspace"

jm init
expect_eq "init exit ($(cat "$T/err"))" 0 "$rc"
for e in accounts contacts events; do
    jm import -q --entity "$e" "$T/$e.csv"
    expect_eq "import $e exit ($(cat "$T/err"))" 0 "$rc"
done
jm template show --journey "$T/journey.yaml"
expect_eq "the hostile journey reads ($(cat "$T/err"))" 0 "$rc"

# ---------------------------------------------------------------- HTML and SVG in a browser

TITLE='<img src=x onerror=window.__jm_pwned=1> & Co "Ltd"'

# expect ARGS...: the hooks check_map.py must find, from the map's JSON form (see
# map_browser.sh): every stage key, lane key and, when the view shows KPIs, KPI metric.
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

# Every payload must show literally in the full map with both states, HTML and SVG alike.
for fmt in html svg; do
    jm map --journey "$T/journey.yaml" --state both --title "$TITLE" -o "hostile.$fmt"
    expect_eq "map --format $fmt exit ($(cat "$T/err"))" 0 "$rc"
    [ -s "hostile.$fmt" ] || fail "map -o hostile.$fmt wrote nothing"
    cp "hostile.$fmt" "$ART/map-hostile.$fmt"
    echo "artifact: $ART/map-hostile.$fmt"
    expected=""
    [ "$fmt" = svg ] || expected=$(expect --journey "$T/journey.yaml" --state both) || exit 1
    # shellcheck disable=SC2086 # $expected holds options, split on white space
    timeout 300 python3 "$CHECK" "hostile.$fmt" --hostile $expected \
        --expect-texts-json "$T/payloads.json" --expect-text "$TITLE" \
        --screenshot "$ART/map-hostile-$fmt.png" >"$T/check" 2>&1 ||
        fail "check_map.py --hostile hostile.$fmt:
$(cat "$T/check")"
    cat "$T/check"
    echo "artifact: $ART/map-hostile-$fmt.png"
done

# Every view renders the hostile journey safely too (HTML, with the page's own CSP).
for view in marketing sales product cs; do
    jm map --journey "$T/journey.yaml" --view "$view" -o "hostile-$view.html"
    expect_eq "map --view $view exit ($(cat "$T/err"))" 0 "$rc"
    expected=$(expect --journey "$T/journey.yaml" --view "$view") || exit 1
    # shellcheck disable=SC2086 # $expected holds options, split on white space
    timeout 300 python3 "$CHECK" "hostile-$view.html" --hostile $expected \
        --expect-text '<script>window.__jm_pwned=1</script>' >"$T/check" 2>&1 ||
        fail "check_map.py --hostile hostile-$view.html:
$(cat "$T/check")"
    echo "ok: hostile-$view.html"
done

# ---------------------------------------------------------------- PDF and PNG

# librsvg draws nothing, silently, when it rejects something in the SVG: the hostile PDF must
# have ink on every page and the payloads as text, and its title must be the one given.
jm map --journey "$T/journey.yaml" --state both --title "$TITLE" --paper a4 -o hostile.pdf
expect_eq "map -o hostile.pdf exit ($(cat "$T/err"))" 0 "$rc"
cp hostile.pdf "$ART/map-hostile.pdf"
pdftotext -enc UTF-8 hostile.pdf hostile.txt || fail "pdftotext hostile.pdf failed"
python3 - hostile.txt "$T/payloads.json" <<'PY' || fail "hostile.pdf lacks the payloads' text"
import json, sys
text = "".join(open(sys.argv[1], encoding="utf-8").read().split())
P = json.load(open(sys.argv[2]))
# rtl is left out: pdftotext reorders right-to-left text.
missing = [k for k, v in P.items() if k != "rtl" and "".join(v.split()) not in text]
if missing:
    print("FAIL: hostile.pdf: no text of payloads %s" % ", ".join(missing))
    sys.exit(1)
PY
"$JM_BIN" map --journey "$T/journey.yaml" --title "$TITLE" --format json -o "$T/title.json" ||
    fail "map --format json with --title failed"
want=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["title"])' "$T/title.json")
case "$want" in
*"$TITLE"*) ;;
*) fail "the map's title '$want' does not hold --title '$TITLE'" ;;
esac
expect_eq "title of hostile.pdf" "$want" "$(pdfinfo hostile.pdf | sed -n 's/^Title: *//p')"
rm -rf pages
mkdir pages
pdftoppm -r 30 -gray hostile.pdf pages/p || fail "pdftoppm hostile.pdf failed"
python3 - pages/p*.pgm <<'PY' || fail "hostile.pdf has a blank page"
import sys
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    head = data.split(b"\n", 3)  # pdftoppm writes "P5\nW H\n255\n" then the pixels
    w, h = map(int, head[1].split())
    pixels = head[3][:w * h]
    ink = sum(1 for b in pixels if b < 235) / float(w * h)
    if ink < 0.005:
        print("FAIL: %s is blank (%.3f%% ink)" % (path, ink * 100))
        sys.exit(1)
PY
jm map --journey "$T/journey.yaml" --state both -o hostile.png
expect_eq "map -o hostile.png exit ($(cat "$T/err"))" 0 "$rc"
cp hostile.png "$ART/map-hostile.png"
python3 - hostile.png <<'PY' || fail "hostile.png is blank or not a PNG"
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "no PNG signature"
pos, idat = 8, b""
while pos < len(d):
    n, kind = struct.unpack(">I4s", d[pos:pos + 8])
    if kind == b"IDAT":
        idat += d[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
# Without undoing the row filters: a blank white image filters to nothing but 0x00 and 0xff
# bytes; drawn text and shapes leave many others.
mid = sum(1 for b in raw[::7] if b not in (0, 255)) * 7 / len(raw)
assert mid > 0.01, "%.4f of the bytes are neither 0 nor 255: a blank image" % mid
print("ok: hostile.png: %d bytes, %.3f of its pixel bytes drawn" % (len(d), mid))
PY
echo "ok: hostile.pdf and hostile.png have the payloads drawn as text"

# ---------------------------------------------------------------- CSV

jm map --journey "$T/journey.yaml" --state both --format csv -o hostile.csv
expect_eq "map --format csv exit ($(cat "$T/err"))" 0 "$rc"
cp hostile.csv "$ART/map-hostile.csv"
python3 - hostile.csv "$T/payloads.json" <<'PY' || fail "hostile.csv is not safe (above)"
import csv, json, re, sys

P = json.load(open(sys.argv[2]))
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
bad = []
header = rows[0]
if header[0] != "table" or "stage" not in header:
    bad.append("header: %r" % header[:6])
number = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
tables = set()
for n, r in enumerate(rows[1:], 2):
    if len(r) != len(header):
        bad.append("row %d has %d fields, the header %d" % (n, len(r), len(header)))
        continue
    tables.add(r[0])
    for col, v in zip(header, r):
        if v and v[0] in "=+-@\t\r" and not number.match(v):
            bad.append("row %d, %s: %r would run as a formula" % (n, col, v))
fields = {v for r in rows for v in r}
for k in ("formula", "plus", "minus", "at"):
    if "'" + P[k] not in fields:
        bad.append("%s payload %r is not in the CSV as '%s" % (k, P[k], P[k]))
for k in ("script", "img", "attr", "cdata", "rtl", "amp"):
    if P[k] not in fields:
        bad.append("%s payload %r is not in the CSV unchanged" % (k, P[k]))
for t in ("stages", "kpis", "flows", "idle", "touchpoints", "lanes"):
    if t not in tables:
        bad.append("no %s rows (tables: %s)" % (t, ", ".join(sorted(tables))))
for b in bad:
    print("FAIL: hostile.csv: " + b)
if bad:
    sys.exit(1)
print("ok: hostile.csv: %d rows, tables %s; formulas escaped, payloads quoted"
      % (len(rows) - 1, ", ".join(sorted(tables))))
PY
pass
