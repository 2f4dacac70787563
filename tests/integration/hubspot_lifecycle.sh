# A HubSpot contacts export with the lifecycle history columns ("Became a ... Date") imports
# through the shipped mapping, and examples/journeys/hubspot-lifecycle.yaml measures the funnel
# from it. Every number below is worked out by hand from the eight contacts of
# tests/data/crm/hubspot-lifecycle (days in stage: lead 10, 10, 2, 0, 1 -> median 2, mean 4.6;
# c5 is created straight into MQL and skips Opportunity on its way to Customer).
. "$JM_SOURCE_DIR/tests/lib.sh"

CSV="$JM_SOURCE_DIR/tests/data/crm/hubspot-lifecycle/hubspot-crm-exports-all-contacts-2024-06-30.csv"
JOURNEY="$JM_SOURCE_DIR/examples/journeys/hubspot-lifecycle.yaml"
jm import -q -m "$MAPS/hubspot-contacts.yaml" "$CSV"
expect_eq "import exit ($(cat "$T/err"))" 0 "$rc"
expect_eq "lifecycle events" 22 "$(($(stat_count touchpoints became_lead) + \
    $(stat_count touchpoints became_mql) + $(stat_count touchpoints became_sql) + \
    $(stat_count touchpoints became_opportunity) + $(stat_count touchpoints became_customer) + \
    $(stat_count touchpoints became_evangelist)))"

jm analyze --journey "$JOURNEY" --format csv
expect_eq "analyze exit ($(cat "$T/err"))" 0 "$rc"
cat >"$T/want.csv" <<'CSV'
group,stage,stage_name,reached,converted,rate,dropped,skipped,entered,days_count,days_mean,days_median,days_p75,days_p90
(all),lead,Lead,8,5,0.6250,3,0,8,5,4.6000,2.0000,10.0000,10.0000
(all),mql,Marketing qualified lead,5,4,0.8000,1,0,5,4,10.2500,10.0000,12.5000,17.0000
(all),sql,Sales qualified lead,4,4,1.0000,0,0,4,4,12.5000,9.0000,16.0000,25.0000
(all),opportunity,Opportunity,4,3,0.7500,1,1,3,2,30.0000,30.0000,30.5000,30.8000
(all),customer,Customer,3,1,0.3333,2,0,3,1,61.0000,61.0000,61.0000,61.0000
(all),evangelist,Evangelist,1,0,0.0000,1,0,1,0,,,,
CSV
diff -u "$T/want.csv" "$T/out" >"$T/diff" || fail "hubspot lifecycle funnel: $(cat "$T/diff")"

# By original source: Referrals (c4, c7) both reach SQL; Paid Search (c2, c5) lose c2 at MQL.
jm analyze --journey "$JOURNEY" --format csv --by channel
grep -q '^referral,sql,Sales qualified lead,2,2,1.0000,' "$T/out" || fail "by channel: $(cat "$T/out")"
grep -q '^paid_search,mql,Marketing qualified lead,2,1,0.5000,' "$T/out" ||
    fail "by channel: $(cat "$T/out")"

# Re-importing changes nothing; the report is the same.
jm import -q -m "$MAPS/hubspot-contacts.yaml" "$CSV"
jm analyze --journey "$JOURNEY" --format csv
diff -u "$T/want.csv" "$T/out" >/dev/null || fail "re-import changed the funnel"
pass
