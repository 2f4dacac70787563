# HubSpot and Salesforce exports as the CRMs write them import through the shipped mappings
# with exact counts and values: every field quoted, Vietnamese names in UTF-8, a field with a
# comma and a doubled quote, a UTF-8 BOM (companies, re-saved by Excel as "CSV UTF-8"), CRLF
# line ends (contacts). Re-importing changes nothing. Salesforce dates follow the exporting
# user's locale: a European file imports with --date-format, and a date read in the wrong
# order fails with its file:line:column and leaves the workspace as it was.
#
# Fixtures (tests/data/crm): hubspot-crm-exports-all-{companies,contacts,deals}-2024-04-02.csv
# and two Salesforce "Details Only" reports of the same four opportunities, one with US dates
# (report1711370000000.csv, 3/25/2024) and one with European ones (...-eu.csv, 25/03/2024).
. "$JM_SOURCE_DIR/tests/lib.sh"

cp "$JM_SOURCE_DIR"/tests/data/crm/*.csv .
COMPANIES=hubspot-crm-exports-all-companies-2024-04-02.csv
CONTACTS=hubspot-crm-exports-all-contacts-2024-04-02.csv
DEALS=hubspot-crm-exports-all-deals-2024-04-02.csv
SF_US=report1711370000000.csv
SF_EU=report1711370000001-eu.csv

# The fixtures are what this test says they are.
[ "$(head -c 3 $COMPANIES | od -An -tx1 | tr -d ' ')" = efbbbf ] || fail "$COMPANIES lost its BOM"
expect_eq "CRLF lines in $CONTACTS" 7 "$(tr -cd '\r' < $CONTACTS | wc -c)"
expect_eq "CRLF lines in $DEALS" 0 "$(tr -cd '\r' < $DEALS | wc -c)"

# python3 is often a version manager's shell shim that costs most of a second a call: resolve it
# to the interpreter once.
PY=$(python3 -c 'import sys; print(sys.executable)')

# load: reads the workspace once (`stats --format json`, then every entity a CRM export fills
# as JSONL, all into $T/all.jsonl) and flattens it into $T/flat, one tab-separated line per
# value, for rec, count and amount below, which then start no process each.
load() {
    { "$JM_BIN" stats --format json; for e in owners accounts contacts events deals; do
        echo "# $e"
        "$JM_BIN" export "$e" --format jsonl
    done; } > "$T/all.jsonl"
    "$PY" - "$T/all.jsonl" > "$T/flat" <<'PY'
import json, sys
out = sys.stdout.buffer
def put(*cols):
    out.write("\t".join(c.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                        for c in cols).encode() + b"\n")
lines = open(sys.argv[1], "rb")
for section, rows in json.loads(next(lines)).items():
    for r in rows:
        put("stats", section, r["label"], "%d" % r["count"], "%.2f" % r.get("amount", 0))
for line in lines:
    if line.startswith(b"# "):
        entity = line[2:].decode().strip()
        continue
    r = json.loads(line)
    key = r.get("id", r.get("message_id", ""))
    put(entity, key, "", "")
    for k, v in r.items():
        put(entity, key, k, v if isinstance(v, str) else
            json.dumps(v, ensure_ascii=False, separators=(",", ":")))
PY
}

# snapshot FILE: load, and keep the workspace's stats and records in FILE.
snapshot() {
    load
    cp "$T/all.jsonl" "$1"
}

# rec ENTITY KEY FIELD: FIELD of the record whose id (events: message_id) is KEY, as of the
# last load: text as it is, anything else as compact JSON; "(absent)" when the record lacks it.
rec() {
    awk -F '\t' -v e="$1" -v k="$2" -v f="$3" '
        $1 == e && $2 == k { seen = 1; if ($3 == f) v = $4 }
        END { print (!seen ? "(no record)" : (v == "" ? "(absent)" : v)) }' "$T/flat"
}

# count SECTION LABEL / amount SECTION LABEL: a row of `journeymap stats` as of the last load.
count() {
    awk -F '\t' -v s="$1" -v l="$2" '$1 == "stats" && $2 == s && $3 == l { v = $4 }
        END { print (v == "" ? 0 : v) }' "$T/flat"
}
amount() {
    awk -F '\t' -v s="$1" -v l="$2" '$1 == "stats" && $2 == s && $3 == l { v = $5 }
        END { print (v == "" ? "none" : v) }' "$T/flat"
}

# import_ok MAPPING FILE [OPTIONS...]: the import must succeed.
import_ok() {
    map=$1 file=$2
    shift 2
    jm import -m "$MAPS/$map" "$@" "$file"
    expect_eq "import of $file exit ($(cat "$T/err"))" 0 "$rc"
}

# reimport MAPPING FILE [OPTIONS...]: importing FILE again must change no record.
reimport() {
    import_ok "$@"
    expect_eq "records new or updated by re-importing $2" "" \
        "$(awk '$3 == "new" && ($2 != 0 || $4 != 0)' "$T/out")"
}

# ---------------------------------------------------------------- HubSpot

import_ok hubspot-companies.yaml $COMPANIES -q
load
expect_eq "accounts from the companies export" 5 "$(count entities accounts)"
expect_eq "owners named by the companies export" 2 "$(count entities owners)"
# The BOM is not part of the first column's name: "Record ID" was found.
expect_eq "first company's name" "Công ty TNHH Minh Phát" "$(rec accounts 18200417631 name)"
expect_eq "domain lower-cased and trimmed" "minhphat.com.vn" "$(rec accounts 18200417631 domain)"
expect_eq "employees" 250 "$(rec accounts 18200417631 employees)"
expect_eq "account owner" "Trần Văn Hùng" "$(rec accounts 18200417631 owner)"
expect_eq "company create date (HubSpot's minutes, as UTC)" "2024-03-05T14:30:00Z" \
    "$(rec accounts 18200417631 created)"
expect_eq "name with a comma and a doubled quote" 'The "Blue Lotus" Trading Co., Ltd.' \
    "$(rec accounts 18200417634 name)"
expect_eq "leap day" "2024-02-29T23:59:00Z" "$(rec accounts 18200417633 created)"
expect_eq "empty owner is missing" "(absent)" "$(rec accounts 18200417635 owner)"
expect_eq "empty employees is missing" "(absent)" "$(rec accounts 18200417635 employees)"
expect_eq "optional City kept as a property" '{"city":"Hồ Chí Minh"}' \
    "$(rec accounts 18200417631 properties)"

import_ok hubspot-contacts.yaml $CONTACTS -q
load
expect_eq "contacts" 6 "$(count entities contacts)"
expect_eq "accounts (+1 bare one for the unknown Associated Company ID)" 6 \
    "$(count entities accounts)"
expect_eq "bare account" '(absent)' "$(rec accounts 18200417699 name)"
# CRLF: the last column ("Contact owner") must not end in a carriage return, which would make
# "Trần Văn Hùng\r" a third owner.
expect_eq "owners after the CRLF contacts export" 2 "$(count entities owners)"
expect_eq "contact owner, last column of a CRLF line" "Trần Văn Hùng" "$(rec contacts 5101 owner)"
expect_eq "empty last column of a CRLF line" "(absent)" "$(rec contacts 5106 owner)"
expect_eq "contact name from the template" "Nguyễn Thị Lan" "$(rec contacts 5101 name)"
expect_eq "contact email lower-cased" "lan.nguyen@minhphat.com.vn" "$(rec contacts 5101 email)"
expect_eq "contact title" "Giám đốc Tài chính" "$(rec contacts 5101 title)"
expect_eq "contact account" 18200417631 "$(rec contacts 5101 account)"
expect_eq "title with a comma" "VP Operations, North America" "$(rec contacts 5103 title)"
expect_eq "title with doubled quotes" 'Purchasing "Lead"' "$(rec contacts 5105 title)"
expect_eq "name with an apostrophe" "Emily O'Brien" "$(rec contacts 5103 name)"
expect_eq "other columns kept as properties" \
    '{"Lifecycle Stage":"Opportunity","Original Source":"Organic Search"}' \
    "$(rec contacts 5101 properties)"
expect_eq "contact_created events" 6 "$(count touchpoints contact_created)"
for ch in organic_search paid_social referral offline direct "AI Referrals"; do
    expect_eq "events on channel $ch" 1 "$(count 'event channels' "$ch")"
done
expect_eq "event time" "2024-03-06T08:15:00Z" "$(rec events hubspot-contact-created-5101 time)"
expect_eq "event contact" 5102 "$(rec events hubspot-contact-created-5102 contact)"
expect_eq "event properties" '{"lifecycle_stage":"Opportunity"}' \
    "$(rec events hubspot-contact-created-5101 properties)"
expect_eq "events in 2024-01" 2 "$(count 'events by month' 2024-01)"
expect_eq "events in 2024-03" 4 "$(count 'events by month' 2024-03)"

import_ok hubspot-deals.yaml $DEALS -q
load
expect_eq "deals" 4 "$(count entities deals)"
expect_eq "won deals" 1 "$(count 'deal status' won)"
expect_eq "lost deals" 1 "$(count 'deal status' lost)"
expect_eq "open deals" 2 "$(count 'deal status' open)"
expect_eq "won amount (VND, past 2^31)" 1250000000.00 "$(amount 'deal status' won)"
expect_eq "open amount (one deal has none)" 48000.50 "$(amount 'deal status' open)"
expect_eq "deals in stage Contract Sent" 1 \
    "$(count 'deal stages' 'Sales Pipeline / Contract Sent (open)')"
expect_eq "deal name" "Minh Phát – Gói Enterprise 2024" "$(rec deals 9001 name)"
expect_eq "deal amount" 1250000000 "$(rec deals 9001 amount)"
expect_eq "deal status from Deal Stage" won "$(rec deals 9001 status)"
expect_eq "deal close date" "2024-03-29T16:45:00Z" "$(rec deals 9001 closed)"
expect_eq "deal decimal amount" 48000.5 "$(rec deals 9002 amount)"
expect_eq "open deal: not closed" '(absent)' "$(rec deals 9002 closed)"
expect_eq "deal name with a comma and doubled quotes" 'Blue Lotus, "Phase 2"' \
    "$(rec deals 9004 name)"
expect_eq "empty amount is missing" "(absent)" "$(rec deals 9004 amount)"
expect_eq "deal pipeline" "Partner Pipeline" "$(rec deals 9004 pipeline)"

jm check
expect_eq "check after the HubSpot imports ($(cat "$T/out"))" 0 "$rc"

# Re-importing, in any order, changes nothing.
snapshot before.jsonl
reimport hubspot-deals.yaml $DEALS
reimport hubspot-contacts.yaml $CONTACTS
reimport hubspot-companies.yaml $COMPANIES
snapshot after.jsonl
cmp -s before.jsonl after.jsonl || fail "re-import changed records: $(diff before.jsonl after.jsonl | head -5)"

# ---------------------------------------------------------------- Salesforce

export JOURNEYMAP_DB="$T/sf-us.db"
import_ok salesforce-opportunities.yaml $SF_US -q
load
expect_eq "Salesforce accounts (4 rows, 3 accounts)" 3 "$(count entities accounts)"
expect_eq "Salesforce deals" 4 "$(count entities deals)"
expect_eq "Salesforce owners" 2 "$(count entities owners)"
expect_eq "won" 1 "$(count 'deal status' won)"
expect_eq "lost" 1 "$(count 'deal status' lost)"
expect_eq "open" 2 "$(count 'deal status' open)"
expect_eq "Salesforce account name" "Công ty TNHH Minh Phát" "$(rec accounts 0015g00000Mn7PqAAJ name)"
expect_eq "US close date 3/25/2024" "2024-03-25T00:00:00Z" "$(rec deals 0065g00000QxA1bAAF closed)"
expect_eq "US created date 2/14/2024" "2024-02-14T00:00:00Z" \
    "$(rec deals 0065g00000QxA1bAAF created)"
expect_eq "date across a year, 11/20/2023" "2023-11-20T00:00:00Z" \
    "$(rec deals 0065g00000QxA1dAAF created)"
expect_eq "opportunity account" 0015g00000Mn7PqAAJ "$(rec deals 0065g00000QxA1bAAF account)"
expect_eq "opportunity amount" 86000 "$(rec deals 0065g00000QxA1bAAF amount)"
expect_eq "opportunity owner" "Nguyễn Văn An" "$(rec deals 0065g00000QxA1bAAF owner)"
expect_eq "pipeline from Type" "Existing Business - Upgrade" \
    "$(rec deals 0065g00000QxA1cAAF pipeline)"
expect_eq "opportunity name with a comma and doubled quotes" 'Acme "Fleet" Analytics, 2024' \
    "$(rec deals 0065g00000QxA1dAAF name)"
expect_eq "lost status from Stage" lost "$(rec deals 0065g00000QxA1dAAF status)"
expect_eq "Lead Source as a property" '{"lead_source":"Partner Referral"}' \
    "$(rec deals 0065g00000QxA1bAAF properties)"
expect_eq "open opportunity: an empty Lead Source leaves no property, the expected close is one" \
    '{"expected_close":"2024-12-15"}' "$(rec deals 0065g00000QxA1eAAF properties)"
expect_eq "open opportunity: not closed" '(absent)' "$(rec deals 0065g00000QxA1eAAF closed)"
snapshot sf-us.jsonl
reimport salesforce-opportunities.yaml $SF_US

# The European file read with the mapping's US format: "14/02/2024" has no month 14. Line 2
# fails on Created Date, whose field starts at its 135th character (characters, not UTF-8
# bytes: "Phát" comes before it twice), and nothing is written.
expect_fail 1 "journeymap: $SF_EU:2:135: column 'Created Date': created: invalid date or time '14/02/2024': there is no month 14" \
    import -q -m "$MAPS/salesforce-opportunities.yaml" $SF_EU
snapshot after.jsonl
cmp -s sf-us.jsonl after.jsonl || fail "the failed import changed records"

# The US file read as European: "2/14/2024" fails the same way.
expect_fail 1 "journeymap: $SF_US:2:134: column 'Created Date': created: invalid date or time '2/14/2024': there is no month 14" \
    import -q -m "$MAPS/salesforce-opportunities.yaml" --date-format "%d/%m/%Y" $SF_US

# With --date-format the European file is the same data: in a fresh workspace it gives
# exactly the records of the US file, and into the US workspace it changes nothing.
reimport salesforce-opportunities.yaml $SF_EU --date-format "%d/%m/%Y"
export JOURNEYMAP_DB="$T/sf-eu.db"
import_ok salesforce-opportunities.yaml $SF_EU --date-format "%d/%m/%Y" -q
snapshot sf-eu.jsonl
cmp -s sf-us.jsonl sf-eu.jsonl || fail "European and US files differ: $(diff sf-us.jsonl sf-eu.jsonl | head -5)"
expect_eq "European close date 25/03/2024" "2024-03-25T00:00:00Z" \
    "$(rec deals 0065g00000QxA1bAAF closed)"
jm check
expect_eq "check after the Salesforce import ($(cat "$T/out"))" 0 "$rc"
pass
