#!/bin/sh
# Analysis, drill-down and the map over real loopback HTTP (docs/api.md "Analysis and
# drill-down", "The map"), against `journeymap analyze` and `journeymap map` run on the same
# workspace: the funnel equals the CLI's (whole, by period, by segment); every stage's
# drill-down for every status counts what the funnel and the map show and lists that many
# distinct accounts; each map format has its type and shape; unknown names answer 404 naming
# them and bad arguments 400.
# SPDX-License-Identifier: MIT
. "$JM_SOURCE_DIR/tests/lib.sh"

"$JM_BIN" demo-data --events 10000 -q
KEY=$(make_key viewer "api analysis test")
serve_start

STATUSES="reached converted dropped in_stage stalled silent"
STAGES="awareness consideration decision loyalty advocacy"

# ---------------------------------------------------------------- the funnel against the CLI
# (name, query, CLI options): the same figures, whole and narrowed.
i=0
for opts in "" "period=2025|--period 2025" "segment=industry=Fintech|--segment industry=Fintech" \
    "period=2025-06-01..2026-03-31&segment=region=APAC|--period 2025-06-01..2026-03-31 --segment region=APAC"; do
    i=$((i + 1))
    query=${opts%%|*}
    cli=${opts#*|}
    [ -n "$opts" ] || cli=
    api_expect 200 GET "/api/v1/analysis/funnel?$query"
    cp "$T/body" "$T/funnel.$i"
    # shellcheck disable=SC2086 # the options are words
    "$JM_BIN" analyze --template b2b-5 --format json $cli >"$T/cli.$i" ||
        fail "journeymap analyze $cli failed"
done
python3 - "$T" "$i" <<'PY' || fail "the API's funnel differs from journeymap analyze's"
import json, sys
T, n = sys.argv[1], int(sys.argv[2])
units = []
for i in range(1, n + 1):
    api = json.load(open("%s/funnel.%d" % (T, i)))
    cli = json.load(open("%s/cli.%d" % (T, i)))
    assert api["groups"] == cli["groups"], "case %d: groups differ:\n%s\n%s" % (
        i, json.dumps(api["groups"])[:600], json.dumps(cli["groups"])[:600])
    units.append(api["groups"][0]["stages"][0]["reached"])
# The narrowed funnels really narrow: a check that cannot pass by ignoring the arguments.
assert all(0 < u < units[0] for u in units[1:]), "awareness reached per case: %s" % units
PY

# ---------------------------------------------------------------- drill-down
api_expect 200 GET "/api/v1/map?format=json"
cp "$T/body" "$T/map.json"
"$JM_BIN" analyze --template b2b-5 --format json --limit 100000 >"$T/cli.json"
for s in $STAGES; do
    for st in $STATUSES; do
        api_expect 200 GET "/api/v1/journeys/b2b-5/stages/$s/accounts?status=$st"
        cp "$T/body" "$T/drill.$s.$st"
    done
done
python3 - "$T" "$STAGES" "$STATUSES" <<'PY' || fail "a drill-down does not match its figure"
import json, sys, collections
T, stages, statuses = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
cli = json.load(open(T + "/cli.json"))
funnel = {f["stage"]: f for f in cli["groups"][0]["stages"]}
idle = collections.Counter((u["stage"], u["kind"]) for u in cli["idle_units"])
assert len(cli["idle_units"]) == cli["stalled"] + cli["silent"], "the CLI listed only some idle units"
mapped = {s["key"]: s for s in json.load(open(T + "/map.json"))["stages"]}
nonzero = 0
for s in stages:
    want = {"reached": funnel[s]["reached"], "converted": funnel[s]["converted"],
            "dropped": funnel[s]["dropped"], "in_stage": mapped[s]["now_in"],
            "stalled": idle[(s, "stalled")], "silent": idle[(s, "silent")]}
    assert mapped[s]["idle"] == want["stalled"] + want["silent"], "%s: map idle %d" % (s, mapped[s]["idle"])
    for st in statuses:
        d = json.load(open("%s/drill.%s.%s" % (T, s, st)))
        ids = [u["id"] for u in d["units"]]
        assert d["count"] == want[st], "%s/%s: count %d, the report says %d" % (s, st, d["count"], want[st])
        assert len(set(ids)) == len(ids) == d["count"], "%s/%s: %d listed (%d distinct), count %d" % (
            s, st, len(ids), len(set(ids)), d["count"])
        if st in ("in_stage", "stalled", "silent"):
            assert all(u["stage"] == s for u in d["units"]), "%s/%s lists units elsewhere" % (s, st)
        if st in ("stalled", "silent"):
            # A deal's outcome outranks idleness in an account's status (docs/api.md).
            assert all(u["status"] in (st, "won", "lost") for u in d["units"]), \
                "%s/%s: statuses %s" % (s, st, {u["status"] for u in d["units"]})
        nonzero += d["count"] > 0
assert nonzero >= 15, "only %d drill-downs have any account: the demo is too small to test" % nonzero
PY

# A touchpoint's and a break point's drill-down: distinct accounts, as many as counted.
api_expect 200 GET "/api/v1/journeys/b2b-5/touchpoints/pricing_view/accounts"
cp "$T/body" "$T/tp"
api_expect 200 GET "/api/v1/journeys/b2b-5/breaks/1/accounts"
cp "$T/body" "$T/brk"
python3 - "$T" <<'PY' || fail "touchpoint or break drill-down"
import json, sys
T = sys.argv[1]
for f in ("tp", "brk"):
    d = json.load(open("%s/%s" % (T, f)))
    ids = [u["id"] for u in d["units"]]
    assert len(set(ids)) == len(ids) == d["count"], "%s: %d listed, count %d" % (f, len(ids), d["count"])
assert json.load(open(T + "/tp"))["count"] > 0, "nobody viewed the pricing page"
PY
# The accounts with a pricing_view event, from the export, are the touchpoint's accounts.
"$JM_BIN" export events --format jsonl >"$T/events.jsonl"
"$JM_BIN" export contacts --format jsonl >"$T/contacts.jsonl"
python3 - "$T" <<'PY' || fail "the touchpoint's accounts differ from the export's"
import json, sys
T = sys.argv[1]
owner = {c["id"]: c.get("account") for c in map(json.loads, open(T + "/contacts.jsonl"))}
want = {e.get("account") or owner.get(e.get("contact")) for e in map(json.loads, open(T + "/events.jsonl"))
        if e["touchpoint"] == "pricing_view"} - {None}
got = {u["id"] for u in json.load(open(T + "/tp"))["units"]}
assert got == want, "got %d, export %d: %s" % (len(got), len(want), sorted(got ^ want)[:6])
PY

# ---------------------------------------------------------------- every map format
for f in html svg png pdf json csv; do
    api_expect 200 GET "/api/v1/map?format=$f"
    cp "$T/body" "$T/map.$f"
    api_header Content-Type >"$T/type.$f"
    api_header Content-Security-Policy >"$T/csp.$f"
done
"$JM_BIN" map --template b2b-5 --format csv -o "$T/cli.csv"
python3 - "$T" <<'PY' || fail "a map format"
import json, sys, xml.etree.ElementTree as ET
T = sys.argv[1]
def t(f):
    return open("%s/type.%s" % (T, f)).read().strip()
def body(f):
    return open("%s/map.%s" % (T, f), "rb").read()
want = {"html": "text/html", "svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf",
        "json": "application/json", "csv": "text/csv"}
for f, ty in want.items():
    assert t(f).startswith(ty), "%s: Content-Type %s" % (f, t(f))
assert body("png").startswith(b"\x89PNG\r\n\x1a\n"), "not a PNG"
assert body("pdf").startswith(b"%PDF-"), "not a PDF"
csp = open(T + "/csp.html").read()
assert "frame-ancestors 'self'" in csp and "default-src 'none'" in csp, "HTML CSP: %s" % csp
assert b"<html" in body("html")[:2000].lower(), "no <html>"
root = ET.fromstring(body("svg"))
assert root.tag.endswith("svg"), root.tag
json.loads(body("json"))
cli_header = open(T + "/cli.csv", "rb").read().split(b"\n")[0]
assert body("csv").split(b"\n")[0] == cli_header and cli_header, "CSV header %r, CLI %r" % (
    body("csv")[:80], cli_header)
PY

# ---------------------------------------------------------------- 404 and 400
api_expect 404 GET "/api/v1/journeys/b2b-5/stages/nowhere-1/accounts"
api_body_has "no stage 'nowhere-1'"
api_expect 404 GET "/api/v1/journeys/nojourney-2/stages/awareness/accounts"
api_body_has "nojourney-2"
api_expect 404 GET "/api/v1/journeys/b2b-5/touchpoints/no_such_tp-3/accounts"
api_body_has "no touchpoint 'no_such_tp-3'"
api_expect 404 GET "/api/v1/journeys/b2b-5/breaks/999/accounts"
api_body_has "no break point 999"
api_expect 404 GET "/api/v1/journeys/b2b-5/touchpoints/pricing_view/accounts?stage=nowhere-4"
api_body_has "nowhere-4"
api_expect 404 GET "/api/v1/analysis/horoscope"
api_body_has "'horoscope'"
api_expect 400 GET "/api/v1/journeys/b2b-5/stages/awareness/accounts?status=sleepy"
api_body_has "'sleepy'"
api_expect 400 GET "/api/v1/analysis/funnel?period=yesterday"
api_body_has "'yesterday'"
api_expect 400 GET "/api/v1/analysis/funnel?level=galaxy"
api_body_has "'galaxy'"
api_expect 400 GET "/api/v1/analysis/funnel?segment=industry"
api_body_has "PATH=VALUE"
api_expect 400 GET "/api/v1/analysis/funnel?lang=fr"
api_expect 400 GET "/api/v1/analysis/breakdown"
api_body_has "by=FIELD"
api_expect 400 GET "/api/v1/map?format=gif"
api_body_has "'gif'"

serve_stop
pass
