# JSONL in journeymap's own field names imports with --entity and no mapping: accounts, then
# contacts, then Segment-like events whose times carry zones (stored and exported as UTC) and
# whose nested "properties" object is kept as it is, with other unknown keys joining it.
# Re-importing the file, or the same events written differently (another zone for the same
# instant, keys in another order, spaces, CRLF, blank lines), adds nothing.
. "$JM_SOURCE_DIR/tests/lib.sh"

cat > accounts.jsonl <<'JSONL'
{"id":"acc-minhphat","name":"Công ty TNHH Minh Phát","domain":"minhphat.com.vn","country":"Vietnam","employees":250}
{"id":"acc-acme","name":"Acme Logistics, Inc.","domain":"acmelogistics.com","country":"United States"}
JSONL
cat > contacts.jsonl <<'JSONL'
{"id":"ct-lan","account":"acc-minhphat","name":"Nguyễn Thị Lan","email":"lan.nguyen@minhphat.com.vn","dmu_role":"Economic Buyer"}
{"id":"ct-nam","account":"acc-minhphat","name":"Lê Hoàng Nam","dmu_role":"Technical Evaluator","properties":{"department":"IT"}}
{"id":"ct-emily","account":"acc-acme","name":"Emily O'Brien","dmu_role":"champion"}
JSONL
cat > events.jsonl <<'JSONL'
{"message_id":"msg-0001","time":"2024-03-05T14:30:00+07:00","account":"acc-minhphat","contact":"ct-lan","touchpoint":"pricing_view","channel":"organic_search","utm_source":"google","url":"https://www.minhphat.com.vn/bảng-giá?plan=growth","properties":{"plan":"growth","seats":12}}
{"message_id":"msg-0002","time":"2024-03-05T03:15:30.250+07:00","account":"acc-minhphat","contact":"ct-nam","touchpoint":"demo_request","channel":"paid_search","utm_source":"coccoc","value":1500.5,"properties":{"plan":"enterprise","seats":40,"trial":true,"tags":["erp","vn"],"owner":{"name":"Trần Văn Hùng"}}}
{"message_id":"msg-0003","time":"2024-03-04T22:00:00-05:00","account":"acc-acme","contact":"ct-emily","touchpoint":"webinar_attended","channel":"events","url":"https://example.com/webinars/b2b-journeys","value":0}
{"message_id":"msg-0004","time":"2024-04-01T05:30:00+0700","account":"acc-acme","touchpoint":"email_open","channel":"email","utm_source":"newsletter"}
{"time":"2024-03-06T09:00:00Z","account":"acc-acme","touchpoint":"ad_click","channel":"paid_social","utm_source":"linkedin","campaign_note":"spring push"}
{"time":"2024-03-06 10:00","account":"acc-minhphat","touchpoint":"ad_click","channel":"paid_social","utm_source":"facebook"}
JSONL

for e in accounts contacts events; do
    jm import -q --entity "$e" "$e.jsonl"
    expect_eq "import of $e.jsonl exit ($(cat "$T/err"))" 0 "$rc"
done
expect_eq "accounts" 2 "$(stat_count entities accounts)"
expect_eq "contacts" 3 "$(stat_count entities contacts)"
expect_eq "events" 6 "$(stat_count entities events)"
expect_eq "events on paid_social" 2 "$(stat_count 'event channels' paid_social)"
expect_eq "events in 2024-03 (UTC)" 6 "$(stat_count 'events by month' 2024-03)"
# 2024-04-01T05:30:00+0700 is still March in UTC.
expect_eq "events in 2024-04" 0 "$(stat_count 'events by month' 2024-04)"

# Times in UTC (a fraction keeps its microseconds), nested properties as they were, other
# keys as properties, DMU roles in their canonical spelling.
cat > want.jsonl <<'JSONL'
{"message_id":"msg-0001","time":"2024-03-05T07:30:00Z","account":"acc-minhphat","contact":"ct-lan","touchpoint":"pricing_view","channel":"organic_search","utm_source":"google","url":"https://www.minhphat.com.vn/bảng-giá?plan=growth","properties":{"plan":"growth","seats":12}}
{"message_id":"msg-0002","time":"2024-03-04T20:15:30.250000Z","account":"acc-minhphat","contact":"ct-nam","touchpoint":"demo_request","channel":"paid_search","utm_source":"coccoc","value":1500.5,"properties":{"owner":{"name":"Trần Văn Hùng"},"plan":"enterprise","seats":40,"tags":["erp","vn"],"trial":true}}
{"message_id":"msg-0003","time":"2024-03-05T03:00:00Z","account":"acc-acme","contact":"ct-emily","touchpoint":"webinar_attended","channel":"events","url":"https://example.com/webinars/b2b-journeys","value":0}
{"message_id":"msg-0004","time":"2024-03-31T22:30:00Z","account":"acc-acme","touchpoint":"email_open","channel":"email","utm_source":"newsletter"}
{"time":"2024-03-06T09:00:00Z","account":"acc-acme","touchpoint":"ad_click","channel":"paid_social","utm_source":"linkedin","properties":{"campaign_note":"spring push"}}
{"time":"2024-03-06T10:00:00Z","account":"acc-minhphat","touchpoint":"ad_click","channel":"paid_social","utm_source":"facebook"}
JSONL
"$JM_BIN" export events --format jsonl > got.jsonl
cmp -s want.jsonl got.jsonl || fail "events export: $(diff want.jsonl got.jsonl)"
expect_eq "the first event's time and properties" \
    '2024-03-05T07:30:00Z {"plan": "growth", "seats": 12}' \
    "$(head -n 1 got.jsonl | python3 -c 'import json, sys
r = json.load(sys.stdin)
print(r["time"], json.dumps(r["properties"]))')"
cat > want.jsonl <<'JSONL'
{"id":"ct-emily","account":"acc-acme","name":"Emily O'Brien","dmu_role":"champion"}
{"id":"ct-lan","account":"acc-minhphat","name":"Nguyễn Thị Lan","email":"lan.nguyen@minhphat.com.vn","dmu_role":"decider"}
{"id":"ct-nam","account":"acc-minhphat","name":"Lê Hoàng Nam","dmu_role":"researcher","properties":{"department":"IT"}}
JSONL
"$JM_BIN" export contacts --format jsonl > got.jsonl
cmp -s want.jsonl got.jsonl || fail "contacts export: $(diff want.jsonl got.jsonl)"

# Re-importing adds nothing, and nothing changes.
"$JM_BIN" stats --format json > before.json
"$JM_BIN" export events --format jsonl > before.jsonl
for e in accounts contacts events; do
    jm import --entity "$e" "$e.jsonl"
    expect_eq "re-import of $e.jsonl exit ($(cat "$T/err"))" 0 "$rc"
done
expect_eq "re-import of events.jsonl" \
    "events 0 new 0 updated 6 unchanged" "$(awk '$1 == "events"' "$T/out" | tr -s ' ' | sed 's/^ //')"

# The same events written another way: message ids with the same content in UTC, and the
# events without one as the same instant in another zone, keys in another order, spaces, CRLF
# and a blank line.
printf '%s\r\n' \
    '{"message_id":"msg-0001","time":"2024-03-05T07:30:00Z","account":"acc-minhphat","contact":"ct-lan","touchpoint":"pricing_view","channel":"organic_search","utm_source":"google","url":"https://www.minhphat.com.vn/bảng-giá?plan=growth","properties":{"plan":"growth","seats":12}}' \
    '' \
    '{ "campaign_note" : "spring push", "utm_source" : "linkedin", "channel" : "paid_social", "touchpoint" : "ad_click", "account" : "acc-acme", "time" : "2024-03-06T16:00:00+07:00" }' \
    '{"utm_source":"facebook","time":"2024-03-06T10:00:00.000Z","touchpoint":"ad_click","account":"acc-minhphat","channel":"paid_social"}' \
    > again.jsonl
jm import --entity events again.jsonl
expect_eq "import of the same events written another way ($(cat "$T/err"))" 0 "$rc"
expect_eq "the same events written another way" \
    "events 0 new 0 updated 3 unchanged" "$(awk '$1 == "events"' "$T/out" | tr -s ' ' | sed 's/^ //')"
"$JM_BIN" stats --format json > after.json
"$JM_BIN" export events --format jsonl > after.jsonl
cmp -s before.json after.json || fail "stats changed after re-import: $(diff before.json after.json)"
cmp -s before.jsonl after.jsonl || fail "events changed after re-import: $(diff before.jsonl after.jsonl)"

# An event naming a contact that is not there: its line and the column of the value (its
# opening quote), and nothing imported from the file.
printf '%s\n' \
    '{"message_id":"msg-0100","time":"2024-04-01T08:00:00+07:00","account":"acc-acme","touchpoint":"email_open"}' \
    '{"message_id":"msg-0101","time":"2024-04-01T08:00:00+07:00","contact":"ct-ghost","touchpoint":"email_open"}' \
    > ghost.jsonl
expect_fail 1 "journeymap: ghost.jsonl:2:71: column 'contact': contact 'ct-ghost' does not exist (import contacts first, or set create_missing: [contacts])" \
    import -q --entity events ghost.jsonl
expect_eq "events after the failed import" 6 "$(stat_count entities events)"

# Without a message id an event is its content: properties in another key order are the same
# properties, so the same event.
printf '%s\n' \
    '{"time":"2024-03-06T09:00:00Z","account":"acc-acme","touchpoint":"t","properties":{"a":1,"b":{"y":2,"x":1}}}' \
    '{"time":"2024-03-06T09:00:00Z","account":"acc-acme","touchpoint":"t","properties":{"b":{"x":1,"y":2},"a":1}}' \
    > order.jsonl
jm import --entity events order.jsonl
expect_eq "reordered properties" "events 1 new 0 updated 1 unchanged" \
    "$(awk '$1 == "events"' "$T/out" | tr -s ' ' | sed 's/^ //')"

jm check
expect_eq "check ($(cat "$T/out"))" 0 "$rc"
pass
