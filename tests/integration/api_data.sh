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

# python3 starts slowly on a loaded machine: the answers are fetched first, then checked by
# one Python run per section.

# ---------------------------------------------------------------- paging
# Pages of 7 (a size that does not divide the count, so the last page is short), following
# `next`, must give every account once.
after=
pages=0
while :; do
    pages=$((pages + 1))
    api_expect 200 GET "/api/v1/accounts?limit=7&after=$after"
    cp "$T/body" "$T/page.$pages"
    after=$(sed -n 's/.*"next":"\([^"]*\)".*/\1/p' "$T/body")
    [ $pages -lt 100 ] || fail "paging does not end"
    [ -n "$after" ] || break
done
grep -q '"next":null' "$T/body" || fail "the last page's next is not null: $(tail -c 100 "$T/body")"
"$JM_BIN" stats --format json >"$T/stats.json"
"$JM_BIN" export accounts --format jsonl >"$T/accounts.jsonl"
"$JM_BIN" export events --format jsonl >"$T/events.jsonl"
"$JM_BIN" export contacts --format jsonl >"$T/contacts.jsonl"
python3 - "$T" "$pages" <<'PY' || fail "paging"
import json, sys
T, pages = sys.argv[1], int(sys.argv[2])
stats = json.load(open(T + "/stats.json"))
n = next(r["count"] for r in stats["entities"] if r["label"] == "accounts")
assert n > 20, "the demo workspace has only %d accounts" % n
ids = []
for p in range(1, pages + 1):
    d = json.load(open("%s/page.%d" % (T, p)))
    assert len(d["accounts"]) <= 7, "page %d holds more than limit=7" % p
    assert d["total"] == n, "page %d: total %d, stats %d" % (p, d["total"], n)
    ids += [a["id"] for a in d["accounts"]]
exported = sorted(json.loads(l)["id"] for l in open(T + "/accounts.jsonl"))
assert len(ids) == n, "%d accounts over all pages, stats counts %d" % (len(ids), n)
assert sorted(ids) == exported, "paged ids differ from the export"
assert ids == sorted(ids), "pages are not in id order"
assert pages == (n + 6) // 7, "%d pages of 7 for %d accounts" % (pages, n)
PY

# ---------------------------------------------------------------- filters
# Each filtered list must equal the full list filtered in Python.
api_expect 200 GET "/api/v1/accounts?limit=500"
cp "$T/body" "$T/all.json"
i=0
for q in "q=ltd" "q=ACC-00001" "stage=consideration" "stage=awareness" "status=silent" \
    "status=lost" "stage=decision&status=stalled" "q=c&stage=consideration&status=silent"; do
    i=$((i + 1))
    api_expect 200 GET "/api/v1/accounts?limit=500&$q"
    printf '%s\n' "$q" >"$T/filter.$i.q"
    cp "$T/body" "$T/filter.$i"
done
python3 - "$T" "$i" <<'PY' || fail "a filter disagrees with Python"
import json, sys, urllib.parse
T, n = sys.argv[1], int(sys.argv[2])
every = json.load(open(T + "/all.json"))["accounts"]
for i in range(1, n + 1):
    query = open("%s/filter.%d.q" % (T, i)).read().strip()
    args = dict(urllib.parse.parse_qsl(query))
    def keep(a):
        q = args.get("q", "").lower()
        if q and q not in a["id"].lower() and q not in (a["name"] or "").lower():
            return False
        return all(a[f] == args[f] for f in ("stage", "status") if f in args)
    want = [a for a in every if keep(a)]
    got = json.load(open("%s/filter.%d" % (T, i)))
    assert want, "filter %s keeps nothing: a check that cannot fail" % query
    assert got["total"] == len(want) and got["accounts"] == want, \
        "%s: want %d %s, got %d %s" % (query, len(want), [a["id"] for a in want][:8],
                                       got["total"], [a["id"] for a in got["accounts"]][:8])
PY

# ---------------------------------------------------------------- timelines
# The three accounts with most events and one with fewest, one contact, one account's record.
python3 - "$T" >"$T/pick" <<'PY'
import json, sys, collections
T = sys.argv[1]
owner = {c["id"]: c.get("account") for c in map(json.loads, open(T + "/contacts.jsonl"))}
n = collections.Counter()
for e in map(json.loads, open(T + "/events.jsonl")):
    n[e.get("account") or owner.get(e.get("contact"))] += 1
n.pop(None, None)
ranked = [a for a, _ in n.most_common()]
print(" ".join(ranked[:3] + ranked[-1:]))
print(next(c for c, a in owner.items() if a == ranked[0]))
PY
ids=$(sed -n 1p "$T/pick")
cid=$(sed -n 2p "$T/pick")
for id in $ids; do
    api_expect 200 GET "/api/v1/accounts/$id/timeline"
    cp "$T/body" "$T/timeline.$id"
done
api_expect 200 GET "/api/v1/contacts/$cid/timeline"
cp "$T/body" "$T/ctimeline"
api_expect 200 GET "/api/v1/accounts/acc-000002"
cp "$T/body" "$T/account"
api_expect 200 GET "/api/v1/contacts?account=acc-000002&limit=500"
cp "$T/body" "$T/contacts"
api_expect 200 GET "/api/v1/deals?limit=500"
cp "$T/body" "$T/deals"
python3 - "$T" "$cid" $ids <<'PY' || fail "timelines"
import json, sys
T, cid, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
contacts = [json.loads(l) for l in open(T + "/contacts.jsonl")]
owner = {c["id"]: c.get("account") for c in contacts}
events = [json.loads(l) for l in open(T + "/events.jsonl")]
for acc in ids:
    # Every event of the account's contacts and of the account itself, nothing else.
    want = sorted((e["time"], e["touchpoint"], e.get("contact")) for e in events
                  if (e.get("account") or owner.get(e.get("contact"))) == acc)
    t = json.load(open("%s/timeline.%s" % (T, acc)))
    got = [(e["time"], e["touchpoint"], e["contact"]) for e in t["events"]]
    assert [g[0] for g in got] == sorted(g[0] for g in got), \
        "the timeline of %s is not in time order" % acc
    assert sorted(got) == want, "%s: %d events, the export has %d; missing %s, extra %s" % (
        acc, len(got), len(want), sorted(set(want) - set(got))[:4], sorted(set(got) - set(want))[:4])
    assert t["account"]["id"] == acc and t["moves"], "%s: account or moves wrong" % acc
want = sorted(e["time"] for e in events if e.get("contact") == cid)
got = [e["time"] for e in json.load(open(T + "/ctimeline"))["events"]]
assert got == want and want, "contact %s: %d events, the export has %d" % (cid, len(got), len(want))
want = sorted(c["id"] for c in contacts if c.get("account") == "acc-000002")
got = sorted(c["id"] for c in json.load(open(T + "/account"))["contacts"])
assert got == want and want, "acc-000002's contacts %s, the export has %s" % (got, want)
got = json.load(open(T + "/contacts"))
assert got["total"] == len(want), "contacts?account=: %d, want %d" % (got["total"], len(want))
stats = json.load(open(T + "/stats.json"))
n = next(r["count"] for r in stats["entities"] if r["label"] == "deals")
d = json.load(open(T + "/deals"))
assert d["total"] == n == len(d["deals"]), "deals: %d listed, stats %d" % (d["total"], n)
print(d["deals"][0]["id"], file=open(T + "/deal", "w"))
PY
deal=$(cat "$T/deal")
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
