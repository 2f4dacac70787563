#!/bin/sh
# The insights over real loopback HTTP (docs/api.md "Insights"): each route answers the JSON
# `journeymap attribution|paths|retention|voice|questions --format json` prints for the same
# options on the same workspace (whole, narrowed by period and segment, in Vietnamese); bad
# arguments are 400s naming the argument, an unknown drill-down row a 404, no key a 401.
# SPDX-License-Identifier: MIT
. "$JM_SOURCE_DIR/tests/lib.sh"

demo_workspace 20000 7
KEY=$(make_key viewer "api insights test")
serve_start

# same NAME ROUTE "QUERY ARGS" "CLI ARGS": the route's answer equals the CLI's JSON. Query
# arguments are passed to curl -G --data-urlencode one by one (values hold = and /).
n=0
same() {
    name=$1 route=$2 query=$3 cli=$4
    n=$((n + 1))
    set --
    for q in $query; do set -- "$@" --data-urlencode "$q"; done
    api_expect 200 GET "$route" -G "$@"
    cp "$T/body" "$T/api.$n"
    # shellcheck disable=SC2086 # the CLI options are words
    "$JM_BIN" $name --template b2b-5 --format json $cli >"$T/cli.$n" ||
        fail "journeymap $name $cli failed: the API answered $(head -c 300 "$T/api.$n")"
    python3 - "$T/api.$n" "$T/cli.$n" "$route $query" <<'PY' || fail "$route $query differs from journeymap $name $cli"
import json, sys
api, cli = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
if api != cli:
    keys = [k for k in set(api) | set(cli) if api.get(k) != cli.get(k)]
    sys.exit("%s: differs in %s:\n%s\n%s" % (sys.argv[3], keys, json.dumps({k: api.get(k) for k in keys})[:500],
                                            json.dumps({k: cli.get(k) for k in keys})[:500]))
PY
}

same attribution /api/v1/attribution "" ""
same attribution /api/v1/attribution "by=touchpoint lookback=180 half_life=14" \
    "--by touchpoint --lookback 180 --half-life 14"
same attribution /api/v1/attribution "conversion=stage:decision exclude=ad_click,blog_view lang=vi" \
    "--conversion stage:decision --exclude ad_click,blog_view --lang vi"
same attribution /api/v1/attribution "period=2026 segment=segment=mid-market" \
    "--period 2026 --segment segment=mid-market"
key=$(python3 -c '
import json, sys
rows = json.load(open(sys.argv[1]))["rows"]
print(rows[0]["key"])' "$T/api.1") || fail "the attribution JSON has no rows[0].key"
same attribution /api/v1/attribution/conversions "key=$key limit=3" "--drill $key --limit 3"
same paths /api/v1/paths "" ""
same paths /api/v1/paths "from=stage:awareness to=stage:decision step=channel limit=5 collapse=false" \
    "--from stage:awareness --to stage:decision --step channel --limit 5 --no-collapse"
same paths /api/v1/paths "after_drop=consideration max_steps=4 level=contact" \
    "--after-drop consideration --max-steps 4 --level contact"
same paths /api/v1/paths/flows "limit=3" "--flows --limit 3"
same retention /api/v1/retention "max_offset=6 margin=0.8" "--max-offset 6 --margin 0.8"
same voice /api/v1/voice "sla=urgent=2/12,high=4h/1d by=account.industry" \
    "--sla urgent=2/12 --sla high=4h/1d --by account.industry"
same questions /api/v1/questions "limit=5 repeat_min=2 lang=vi" "--limit 5 --repeat-min 2 --lang vi"

# The narrowed answer really narrows: not a check that passes by ignoring the arguments.
python3 - "$T/api.1" "$T/api.4" <<'PY' || fail "period and segment do not narrow the attribution"
import json, sys
whole, part = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert whole != part
PY

# ---------------------------------------------------------------- refusals
# bad ROUTE QUERY NAME: a 400 whose message starts with the argument's name.
bad() {
    api_expect 400 GET "$1" -G --data-urlencode "$2"
    python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["error"]["message"]
assert m.startswith(sys.argv[2]), m' "$T/body" "$3" || fail "GET $1?$2: $(cat "$T/body")"
}
bad /api/v1/attribution by=planet by
bad /api/v1/attribution conversion=sale conversion
bad /api/v1/attribution lookback=-1 lookback
bad /api/v1/attribution half_life=soon half_life
bad /api/v1/attribution level=contact level
bad /api/v1/attribution period=someday period
bad /api/v1/attribution/conversions limit=3 key
bad /api/v1/paths from=awareness from
bad /api/v1/paths max_steps=1 max_steps
bad /api/v1/paths collapse=maybe collapse
bad /api/v1/paths/flows limit=0 limit
bad /api/v1/retention margin=2 margin
bad /api/v1/retention max_offset=-1 max_offset
bad /api/v1/voice sla=urgent=fast sla
bad /api/v1/voice touch_days=x touch_days
bad /api/v1/questions limit=ten limit
bad /api/v1/questions lang=fr lang
api_expect 400 GET "/api/v1/paths?after_drop=decision&to=stage:loyalty"
api_body_has "after_drop"
api_expect 404 GET "/api/v1/attribution/conversions?key=nowhere"
api_body_has "nowhere"
# The library's own refusal of a stage the journey does not know, as a 400 naming it.
api_expect 400 GET "/api/v1/attribution?conversion=stage:nowhere"
api_body_has "nowhere"

for route in /api/v1/attribution /api/v1/attribution/conversions /api/v1/paths \
    /api/v1/paths/flows /api/v1/retention /api/v1/voice /api/v1/questions; do
    status=$(curl -s -o "$T/body" -w '%{http_code}' "$U$route")
    expect_eq "GET $route without a key" 401 "$status"
done
serve_stop
pass
