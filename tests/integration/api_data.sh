#!/bin/sh
# The REST API's data over real loopback HTTP (docs/api.md "Data"), checked against numbers
# computed without the server: account paging returns every account exactly once (as many as
# `journeymap stats` counts), the q / stage / status filters equal the unfiltered list filtered
# in Python, an account's timeline is exactly its contacts' and its own events from `journeymap
# export` in time order, and unknown ids and bad arguments answer 404 / 400 naming them.
# SPDX-License-Identifier: MIT
. "$JM_SOURCE_DIR/tests/lib.sh"

"$JM_BIN" demo-data --events 10000 -q
KEY=$(make_key viewer "api data test")
serve_start

# ---------------------------------------------------------------- paging
# Every page of 7 (a size that does not divide the count, so the last page is short), following
# `next`, gives every account once.
after=
: >"$T/paged"
pages=0
while :; do
    api_expect 200 GET "/api/v1/accounts?limit=7&after=$after"
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["accounts"]) <= 7, "a page holds more than limit=7"
for a in d["accounts"]:
    print(a["id"])' "$T/body" >>"$T/paged"
    after=$(python3 -c 'import json,sys; n=json.load(open(sys.argv[1]))["next"]; print(n or "")' \
        "$T/body")
    pages=$((pages + 1))
    [ $pages -lt 100 ] || fail "paging does not end"
    [ -n "$after" ] || break
done
n_accounts=$(stat_count entities accounts)
[ "$n_accounts" -gt 20 ] || fail "the demo workspace has only $n_accounts accounts"
expect_eq "accounts over all pages" "$n_accounts" "$(wc -l <"$T/paged")"
expect_eq "distinct accounts over all pages" "$n_accounts" "$(sort -u "$T/paged" | wc -l)"
"$JM_BIN" export accounts --format jsonl |
    python3 -c 'import json,sys; [print(json.loads(l)["id"]) for l in sys.stdin]' | sort >"$T/exported"
sort "$T/paged" | diff -u "$T/exported" - >"$T/diff" || fail "paged ids differ from the export:
$(head -20 "$T/diff")"
expect_eq "pages of 7" "$(((n_accounts + 6) / 7))" "$pages"

# ---------------------------------------------------------------- filters
api_expect 200 GET "/api/v1/accounts?limit=500"
cp "$T/body" "$T/all.json"
expect_eq "total" "$n_accounts" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$T/all.json")"

# check_filter QUERY: the list with QUERY equals the full list filtered in Python by QUERY.
check_filter() {
    api_expect 200 GET "/api/v1/accounts?limit=500&$1"
    python3 - "$T/all.json" "$T/body" "$1" <<'PY' || fail "filter $1 disagrees with Python"
import json, sys, urllib.parse
every = json.load(open(sys.argv[1]))["accounts"]
got = json.load(open(sys.argv[2]))
args = dict(urllib.parse.parse_qsl(sys.argv[3]))
def keep(a):
    q = args.get("q", "").lower()
    if q and q not in a["id"].lower() and q not in (a["name"] or "").lower():
        return False
    if "stage" in args and a["stage"] != args["stage"]:
        return False
    if "status" in args and a["status"] != args["status"]:
        return False
    return True
want = [a for a in every if keep(a)]
if got["total"] != len(want) or got["accounts"] != want:
    print("want %d %s, got %d %s" % (len(want), [a["id"] for a in want][:8], got["total"],
          [a["id"] for a in got["accounts"]][:8]), file=sys.stderr)
    sys.exit(1)
if not want:
    print("filter %s keeps nothing: a test that cannot fail" % sys.argv[3], file=sys.stderr)
    sys.exit(1)
PY
}
check_filter "q=ltd"
check_filter "q=ACC-00001"
check_filter "stage=consideration"
check_filter "stage=awareness"
check_filter "status=silent"
check_filter "status=lost"
check_filter "stage=decision&status=stalled"
check_filter "q=c&stage=consideration&status=silent"

# ---------------------------------------------------------------- timelines
"$JM_BIN" export events --format jsonl >"$T/events.jsonl"
"$JM_BIN" export contacts --format jsonl >"$T/contacts.jsonl"
# The three accounts with most events, and one with fewest: timelines of every shape.
ids=$(python3 - "$T/events.jsonl" "$T/contacts.jsonl" <<'PY'
import json, sys, collections
owner = {c["id"]: c.get("account") for c in map(json.loads, open(sys.argv[2]))}
n = collections.Counter()
for e in map(json.loads, open(sys.argv[1])):
    n[e.get("account") or owner.get(e.get("contact"))] += 1
n.pop(None, None)
ranked = [a for a, _ in n.most_common()]
print(" ".join(ranked[:3] + ranked[-1:]))
PY
)
for id in $ids; do
    api_expect 200 GET "/api/v1/accounts/$id/timeline"
    python3 - "$T/events.jsonl" "$T/contacts.jsonl" "$T/body" "$id" <<'PY' || fail "timeline of $id"
import json, sys
owner = {c["id"]: c.get("account") for c in map(json.loads, open(sys.argv[2]))}
acc = sys.argv[4]
want = []
for e in map(json.loads, open(sys.argv[1])):
    if (e.get("account") or owner.get(e.get("contact"))) == acc:
        want.append((e["time"], e["touchpoint"], e.get("contact")))
t = json.load(open(sys.argv[3]))
got = [(e["time"], e["touchpoint"], e["contact"]) for e in t["events"]]
times = [g[0] for g in got]
if times != sorted(times):
    sys.exit("the timeline of %s is not in time order" % acc)
if sorted(got) != sorted(want):
    missing = sorted(set(want) - set(got))[:5]
    extra = sorted(set(got) - set(want))[:5]
    sys.exit("%s: %d events, export has %d; missing %s, extra %s" %
             (acc, len(got), len(want), missing, extra))
if t["account"]["id"] != acc or not t["moves"]:
    sys.exit("%s: the timeline's account or moves are wrong" % acc)
PY
done

# One contact's timeline: exactly that contact's events.
cid=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["id"])' "$T/contacts.jsonl")
api_expect 200 GET "/api/v1/contacts/$cid/timeline"
python3 - "$T/events.jsonl" "$T/body" "$cid" <<'PY' || fail "timeline of contact $cid"
import json, sys
want = sorted(e["time"] for e in map(json.loads, open(sys.argv[1])) if e.get("contact") == sys.argv[3])
got = [e["time"] for e in json.load(open(sys.argv[2]))["events"]]
if got != want:
    sys.exit("contact %s: %d events, export has %d" % (sys.argv[3], len(got), len(want)))
PY

# An account with its contacts: every contact the export gives it.
api_expect 200 GET "/api/v1/accounts/acc-000002"
python3 - "$T/contacts.jsonl" "$T/body" <<'PY' || fail "account acc-000002's contacts"
import json, sys
want = sorted(c["id"] for c in map(json.loads, open(sys.argv[1])) if c.get("account") == "acc-000002")
got = sorted(c["id"] for c in json.load(open(sys.argv[2]))["contacts"])
if got != want or not want:
    sys.exit("contacts %s, export has %s" % (got, want))
PY

# Contacts and deals of one account, paged the same way.
api_expect 200 GET "/api/v1/contacts?account=acc-000002&limit=500"
expect_eq "contacts of acc-000002" \
    "$(grep -c '"account":"acc-000002"' "$T/contacts.jsonl")" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$T/body")"
api_expect 200 GET "/api/v1/deals?limit=500"
expect_eq "deals" "$(stat_count entities deals)" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$T/body")"
deal=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["deals"][0]["id"])' "$T/body")
api_expect 200 GET "/api/v1/deals/$deal"
api_body_has "\"$deal\""

# ---------------------------------------------------------------- 404 and 400
api_expect 404 GET /api/v1/accounts/acc-nope-1
api_body_has "no account 'acc-nope-1'"
api_expect 404 GET /api/v1/accounts/acc-nope-2/timeline
api_body_has "acc-nope-2"
api_expect 404 GET /api/v1/contacts/con-nope-3
api_body_has "con-nope-3"
api_expect 404 GET /api/v1/contacts/con-nope-4/timeline
api_body_has "con-nope-4"
api_expect 404 GET /api/v1/deals/deal-nope-5
api_body_has "deal-nope-5"
api_expect 400 GET "/api/v1/accounts?status=asleep"
api_body_has "'asleep'"
api_expect 400 GET "/api/v1/accounts?stage=nowhere"
api_body_has "'nowhere'"
api_expect 400 GET "/api/v1/accounts?limit=0"
api_body_has "limit"
api_expect 400 GET "/api/v1/accounts?limit=501"
api_expect 400 GET "/api/v1/accounts?period=2025-13"
api_body_has "'2025-13'"
api_expect 400 GET "/api/v1/contacts?level=planet"
api_body_has "'planet'"
api_expect 400 GET "/api/v1/accounts?segment=industry"
api_body_has "PATH=VALUE"
api_expect 404 GET "/api/v1/accounts?journey=no-such-journey"
api_body_has "no-such-journey"

serve_stop
pass
