#!/bin/sh
# Journey definitions over real loopback HTTP (docs/api.md "Journeys"): a new journey from
# YAML, the next version by PUT, the version list, a version by number and by date, the diff
# naming the changed lane and item, a YAML syntax error (400 with line and column), a key
# mismatch (409), a lane edited in Vietnamese keeping the English, annotations added (the map
# shows the note in its cell) and removed, and a viewer refused (403).
# SPDX-License-Identifier: MIT
. "$JM_SOURCE_DIR/tests/lib.sh"

"$JM_BIN" demo-data --events 10000 -q
KEY=$(make_key editor "Lan (sales)")
VIEWER=$(make_key viewer "read only")
serve_start

# jfield PATH: a value of the last JSON answer, PATH a Python expression on `d`.
jfield() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' \
        "$T/body" "$1"
}

# ---------------------------------------------------------------- create, update, versions
# The new journey is the built-in one under another key.
api_expect 200 GET "/api/v1/journeys/b2b-5?format=yaml"
case $(api_header Content-Type) in application/yaml*) ;; *) fail "YAML type: $(api_header Content-Type)" ;; esac
grep -q 'Prices are hard to compare' "$T/body" || fail "the b2b-5 text lacks its pain point"
sed -E 's/^journey: "?b2b-5"?$/journey: trial/' "$T/body" >"$T/v1.yaml"
grep -q "^journey: trial$" "$T/v1.yaml" || fail "could not rename the journey: $(head -3 "$T/v1.yaml")"
api_expect 201 POST /api/v1/journeys -H 'Content-Type: text/yaml' --data-binary @"$T/v1.yaml"
api_body_has '"version":1'
api_expect 409 POST /api/v1/journeys -H 'Content-Type: text/yaml' --data-binary @"$T/v1.yaml"
api_body_has "PUT a new version"

sleep 2.1 # versions a couple of seconds apart, so a time between them picks version 1
sed 's/Prices are hard to compare/Prices hide the real cost/' "$T/v1.yaml" >"$T/v2.yaml"
api_expect 200 PUT "/api/v1/journeys/trial?message=sharper+pain+point" -H 'Content-Type: text/yaml' \
    --data-binary @"$T/v2.yaml"
api_body_has '"version":2'

api_expect 200 GET /api/v1/journeys/trial/versions
expect_eq "versions, newest first" "[2, 1]" "$(jfield '[v["version"] for v in d["versions"]]')"
expect_eq "message of v2" "sharper pain point" "$(jfield 'd["versions"][0]["message"]')"
expect_eq "author of v2" "Lan (sales)" "$(jfield 'd["versions"][0]["author"]')"
between=$(python3 -c '
import json, sys, datetime
v = json.load(open(sys.argv[1]))["versions"]
t = datetime.datetime.strptime(v[0]["saved"][:19], "%Y-%m-%dT%H:%M:%S") - datetime.timedelta(seconds=1)
print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))' "$T/body")

api_expect 200 GET "/api/v1/journeys/trial?version=1"
cmp -s "$T/body" "$T/v1.yaml" || fail "?version=1 is not the text first saved"
api_expect 200 GET "/api/v1/journeys/trial"
cmp -s "$T/body" "$T/v2.yaml" || fail "the latest version is not the text PUT"
api_expect 200 GET "/api/v1/journeys/trial?as_of=$between"
cmp -s "$T/body" "$T/v1.yaml" || fail "as_of=$between (between the versions) is not version 1"
api_expect 404 GET "/api/v1/journeys/trial?as_of=2001-01-01"
api_expect 404 GET "/api/v1/journeys/trial?version=3"

api_expect 200 GET "/api/v1/journeys/trial/diff?from=1&to=2"
python3 - "$T/body" <<'PY' || fail "the diff of v1 and v2"
import json, sys
d = json.load(open(sys.argv[1]))["diff"]
got = {(c["kind"], c["stage"], c["lane"], c["lang"], c.get("before"), c.get("after")) for c in d["changes"]}
want = {("item_removed", "consideration", "pain_points", "en", "Prices are hard to compare", None),
        ("item_added", "consideration", "pain_points", "en", None, "Prices hide the real cost")}
assert got == want, "changes %s" % sorted(got, key=str)
assert d["added"] == 1 and d["removed"] == 1, "lines +%d -%d" % (d["added"], d["removed"])
PY

# ---------------------------------------------------------------- refusals
printf 'journey: trial\nname: [unclosed\nstages:\n' >"$T/bad.yaml"
api_expect 400 PUT /api/v1/journeys/trial -H 'Content-Type: text/yaml' --data-binary @"$T/bad.yaml"
api_body_has '"line": 3,'
api_body_has '"column": 7}'
api_body_has '"message": "line 3, column 7: did not find expected'
api_expect 409 PUT /api/v1/journeys/b2b-5 -H 'Content-Type: text/yaml' --data-binary @"$T/v2.yaml"
api_body_has "the definition's key is 'trial' but the URL names 'b2b-5'"
KEY=$VIEWER api_expect 403 PUT /api/v1/journeys/trial -H 'Content-Type: text/yaml' \
    --data-binary @"$T/v2.yaml"
api_expect 404 GET /api/v1/journeys/nope-journey
api_body_has "nope-journey"
api_expect 400 GET "/api/v1/journeys/trial?format=xml"
api_body_has "'xml'"
api_expect 200 GET /api/v1/journeys/trial/versions
expect_eq "versions after refusals" 2 "$(jfield 'len(d["versions"])')"

# ---------------------------------------------------------------- a lane in Vietnamese
api_expect 200 PUT /api/v1/journeys/trial/stages/consideration/lanes/pain_points \
    -H 'Content-Type: application/json' -d '{"lang": "vi", "items": ["Giá khó hiểu", "Thiếu tài liệu"]}'
api_body_has '"version":3'
api_expect 200 GET "/api/v1/journeys/trial?format=json"
python3 - "$T/body" <<'PY' || fail "the lane edited in vi"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 3, d["version"]
st = next(s for s in d["stages"] if s["key"] == "consideration")
items = st["lanes"]["pain_points"]
assert [i["vi"] for i in items] == ["Giá khó hiểu", "Thiếu tài liệu"], items
assert items[0]["en"] == "Prices hide the real cost", "the en text was not kept: %s" % items
assert st["name"] == {"en": "Consideration", "vi": "Cân nhắc"} or st["name"]["en"] == "Consideration", st["name"]
PY
api_expect 404 PUT /api/v1/journeys/trial/stages/nowhere/lanes/pain_points -d '{"lang":"en","items":[]}'
api_body_has "no stage 'nowhere'"
api_expect 404 PUT /api/v1/journeys/trial/stages/consideration/lanes/moods -d '{"lang":"en","items":[]}'
api_body_has "no lane 'moods'"

# ---------------------------------------------------------------- annotations
api_expect 201 POST /api/v1/journeys/trial/annotations -H 'Content-Type: application/json' \
    -d '{"stage": "decision", "lane": "opportunities", "kind": "opportunity",
         "text": {"en": "Invite finance to the demo", "vi": "Mời tài chính dự buổi demo"}}'
api_body_has '"version":4'
id=$(jfield 'd["annotation"]["id"]')
case $id in a????????) ;; *) fail "annotation id '$id' is not a + 8 characters" ;; esac
expect_eq "author" "Lan (sales)" "$(jfield 'd["annotation"]["author"]')"
api_expect 200 GET "/api/v1/map?journey=trial&format=json"
expect_eq "the note in decision / opportunities" "['Opportunity: Invite finance to the demo']" \
    "$(jfield '[s["cells"]["opportunities"]["notes"] for s in d["stages"] if s["key"] == "decision"][0]')"
api_expect 200 GET "/api/v1/map?journey=trial&format=json&lang=vi"
api_body_has "Mời tài chính dự buổi demo"
api_expect 200 GET /api/v1/journeys/trial/annotations
expect_eq "annotations listed" "[('$id', 'decision', 'opportunities', 'opportunity')]" \
    "$(jfield '[(a["id"], a["stage"], a["lane"], a["kind"]) for a in d["annotations"]]')"
KEY=$VIEWER api_expect 403 DELETE "/api/v1/journeys/trial/annotations/$id"
api_expect 400 POST /api/v1/journeys/trial/annotations -d '{"stage": "decision", "lane": "opportunities", "kind": "wish", "text": "x"}'
api_body_has '\"kind\" must be'
api_expect 404 POST /api/v1/journeys/trial/annotations -d '{"stage": "nowhere", "lane": "goals", "kind": "note", "text": "x"}'
api_body_has "no stage 'nowhere'"

api_expect 200 DELETE "/api/v1/journeys/trial/annotations/$id"
api_body_has '"version":5'
api_expect 200 GET "/api/v1/map?journey=trial&format=json"
expect_eq "the note gone" "[]" \
    "$(jfield '[s["cells"]["opportunities"]["notes"] for s in d["stages"] if s["key"] == "decision"][0]')"
api_expect 404 DELETE "/api/v1/journeys/trial/annotations/$id"
api_body_has "no annotation '$id' in journey 'trial'"
api_expect 200 GET "/api/v1/journeys/trial?version=4&format=json"
expect_eq "version 4 keeps the note" "$id" \
    "$(jfield '[a["id"] for s in d["stages"] for a in s["annotations"]][0]')"

# ---------------------------------------------------------------- body limits
# Each editing route takes a body up to its limit (then the content decides: 400 for a note too
# long) and answers one byte more with 413 naming the limit.
# limit_check METHOD PATH LIMIT: bodies of LIMIT-1, LIMIT and LIMIT+1 bytes.
limit_check() {
    for n in $(($3 - 1)) "$3" $(($3 + 1)); do
        python3 -c 'import sys; n = int(sys.argv[1]); head = "{\"stage\": \"decision\", \"text\": \""
sys.stdout.write(head + "x" * (n - len(head) - 2) + "\"}")' "$n" >"$T/big"
        expect_eq "bytes in the body" "$n" "$(wc -c <"$T/big")"
        api "$1" "$2" --data-binary "@$T/big"
        if [ "$n" -le "$3" ]; then
            [ "$status" != 413 ] || fail "$1 $2 with $n bytes (limit $3): 413"
        else
            expect_eq "$1 $2 with $n bytes (limit $3)" 413 "$status"
            api_body_has "$3 bytes"
        fi
    done
}
limit_check POST /api/v1/journeys/trial/annotations 65536
limit_check PUT /api/v1/journeys/trial/stages/decision/lanes/goals 262144
limit_check PUT /api/v1/journeys/trial 1048576
limit_check POST /api/v1/journeys 1048576

serve_stop
pass
