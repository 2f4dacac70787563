/*
 * Tests for model/entity.c: lookups by name, field indexes, and the invariants the rest of the
 * code relies on (event fields in enum order, id fields, enum tables, REF targets).
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <string.h>

#include "journeymap/model.h"
#include "model/internal.h"

static void get_returns_each_kind_and_null_past_the_end(void **state)
{
    (void)state;
    static const char *const plural[] = {"owners", "accounts", "contacts", "events",
                                         "deals",  "tickets",  "surveys",  "revenue"};
    for (int k = 0; k < JM_ENT__COUNT; k++) {
        const struct jm_entity_def *d = jm_entity_get((enum jm_entity)k);
        assert_non_null(d);
        assert_int_equal(d->kind, k);
        assert_string_equal(d->name, plural[k]);
    }
    assert_null(jm_entity_get(JM_ENT__COUNT));
    assert_null(jm_entity_get((enum jm_entity) - 1));
}

static void find_accepts_plural_and_singular_in_any_case(void **state)
{
    (void)state;
    assert_ptr_equal(jm_entity_find("deals"), jm_entity_get(JM_ENT_DEAL));
    assert_ptr_equal(jm_entity_find("deal"), jm_entity_get(JM_ENT_DEAL));
    assert_ptr_equal(jm_entity_find("Accounts"), jm_entity_get(JM_ENT_ACCOUNT));
    assert_ptr_equal(jm_entity_find("CONTACT"), jm_entity_get(JM_ENT_CONTACT));
    assert_ptr_equal(jm_entity_find("revenue"), jm_entity_get(JM_ENT_REVENUE));
    assert_ptr_equal(jm_entity_find("survey"), jm_entity_get(JM_ENT_SURVEY));
    assert_ptr_equal(jm_entity_find("owner"), jm_entity_get(JM_ENT_OWNER));
    assert_null(jm_entity_find("revenues"));
    assert_null(jm_entity_find("dealz"));
    assert_null(jm_entity_find(""));
    assert_null(jm_entity_find("deals "));
}

static void field_finds_indexes_by_exact_name(void **state)
{
    (void)state;
    const struct jm_entity_def *acc = jm_entity_get(JM_ENT_ACCOUNT);
    assert_int_equal(jm_entity_field(acc, "id"), 0);
    assert_int_equal(jm_entity_field(acc, "employees"), 5);
    assert_int_equal(jm_entity_field(acc, "created"), 10);
    assert_int_equal(jm_entity_field(acc, "ID"), -1);
    assert_int_equal(jm_entity_field(acc, "nope"), -1);
    assert_int_equal(jm_entity_field(acc, ""), -1);
    const struct jm_entity_def *sv = jm_entity_get(JM_ENT_SURVEY);
    assert_int_equal(jm_entity_field(sv, "kind"), 4);
    assert_int_equal(jm_entity_field(sv, "score"), 5);
    const struct jm_entity_def *rev = jm_entity_get(JM_ENT_REVENUE);
    assert_int_equal(jm_entity_field(rev, "account"), 0);
    assert_int_equal(jm_entity_field(rev, "period_start"), 1);
}

static void event_field_enum_matches_the_names(void **state)
{
    (void)state;
    static const struct {
        enum jm_event_field f;
        const char *name;
    } ev[] = {
        {JM_EV_MESSAGE_ID, "message_id"},
        {JM_EV_TIME, "time"},
        {JM_EV_ACCOUNT, "account"},
        {JM_EV_CONTACT, "contact"},
        {JM_EV_ANONYMOUS_ID, "anonymous_id"},
        {JM_EV_TOUCHPOINT, "touchpoint"},
        {JM_EV_CHANNEL, "channel"},
        {JM_EV_UTM_SOURCE, "utm_source"},
        {JM_EV_UTM_MEDIUM, "utm_medium"},
        {JM_EV_UTM_CAMPAIGN, "utm_campaign"},
        {JM_EV_UTM_CONTENT, "utm_content"},
        {JM_EV_UTM_TERM, "utm_term"},
        {JM_EV_URL, "url"},
        {JM_EV_REFERRER, "referrer"},
        {JM_EV_VALUE, "value"},
        {JM_EV_CURRENCY, "currency"},
        {JM_EV_SENTIMENT, "sentiment"},
    };
    const struct jm_entity_def *d = jm_entity_get(JM_ENT_EVENT);
    assert_int_equal(sizeof(ev) / sizeof(ev[0]), JM_EV__COUNT);
    assert_int_equal(d->nfields, JM_EV__COUNT);
    for (size_t i = 0; i < JM_EV__COUNT; i++) {
        assert_int_equal(ev[i].f, i);
        assert_string_equal(d->fields[i].name, ev[i].name);
    }
    assert_int_equal(d->fields[JM_EV_TIME].type, JM_FT_TIME);
    assert_true(d->fields[JM_EV_TIME].flags & JM_FIELD_REQUIRED);
    assert_true(d->fields[JM_EV_MESSAGE_ID].flags & JM_FIELD_KEY);
    assert_true(d->fields[JM_EV_TOUCHPOINT].flags & JM_FIELD_REQUIRED);
}

static void id_fields_are_required_text_keys(void **state)
{
    (void)state;
    for (int k = 0; k < JM_ENT__COUNT; k++) {
        const struct jm_entity_def *d = jm_entity_get((enum jm_entity)k);
        if (k == JM_ENT_EVENT || k == JM_ENT_REVENUE) {
            assert_int_equal(d->id_field, -1);
            continue;
        }
        assert_int_equal(d->id_field, 0);
        const struct jm_field_def *f = &d->fields[d->id_field];
        assert_string_equal(f->name, "id");
        assert_int_equal(f->type, JM_FT_TEXT);
        assert_int_equal(f->flags, JM_FIELD_REQUIRED | JM_FIELD_KEY);
    }
    /* Revenue is keyed by account + period. */
    const struct jm_entity_def *rev = jm_entity_get(JM_ENT_REVENUE);
    int keys = 0;
    for (size_t i = 0; i < rev->nfields; i++)
        keys += (rev->fields[i].flags & JM_FIELD_KEY) != 0;
    assert_int_equal(keys, 2);
}

static bool lower_ascii(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || *s == '_' || (*s >= '0' && *s <= '9')))
            return false;
    return true;
}

/* The table invariants storage, import and the docs assume. */
static void every_field_definition_is_well_formed(void **state)
{
    (void)state;
    for (int k = 0; k < JM_ENT__COUNT; k++) {
        const struct jm_entity_def *d = jm_entity_get((enum jm_entity)k);
        assert_true(d->nfields > 0 && d->nfields <= JM_MAX_FIELDS);
        assert_ptr_equal(jm_entity_find(d->singular), d);
        for (size_t i = 0; i < d->nfields; i++) {
            const struct jm_field_def *f = &d->fields[i];
            assert_true(lower_ascii(f->name));
            assert_int_equal(jm_entity_field(d, f->name), (int)i); /* names are unique */
            assert_non_null(f->doc);
            assert_true(f->doc[0] != '\0');
            if (f->type == JM_FT_TEXT || f->type == JM_FT_REF || f->type == JM_FT_ENUM)
                assert_true(f->max_len > 0);
            if (f->type == JM_FT_REF)
                assert_true(f->ref < JM_ENT__COUNT && f->ref != JM_ENT_EVENT);
            if (f->type == JM_FT_ENUM) {
                assert_non_null(f->values);
                for (size_t v = 0; f->values[v]; v++) {
                    assert_true(lower_ascii(f->values[v]));
                    assert_true(strlen(f->values[v]) <= f->max_len);
                }
            } else {
                assert_null(f->values);
            }
            assert_true(f->min <= f->max);
        }
    }
}

static void enum_tables_hold_the_canonical_values(void **state)
{
    (void)state;
    const struct jm_entity_def *deal = jm_entity_get(JM_ENT_DEAL);
    assert_ptr_equal(deal->fields[jm_entity_field(deal, "status")].values, jm__deal_status);
    assert_string_equal(jm__deal_status[0], "open");
    assert_string_equal(jm__deal_status[1], "won");
    assert_string_equal(jm__deal_status[2], "lost");
    assert_null(jm__deal_status[3]);
    assert_string_equal(jm__survey_kinds[0], "nps");
    assert_string_equal(jm__survey_kinds[1], "csat");
    assert_string_equal(jm__survey_kinds[2], "ces");
    assert_null(jm__survey_kinds[3]);
    assert_string_equal(jm__dmu_roles[1], "champion");
    assert_string_equal(jm__ticket_priority[3], "urgent");
    assert_string_equal(jm__ticket_status[3], "closed");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(get_returns_each_kind_and_null_past_the_end),
        cmocka_unit_test(find_accepts_plural_and_singular_in_any_case),
        cmocka_unit_test(field_finds_indexes_by_exact_name),
        cmocka_unit_test(event_field_enum_matches_the_names),
        cmocka_unit_test(id_fields_are_required_text_keys),
        cmocka_unit_test(every_field_definition_is_well_formed),
        cmocka_unit_test(enum_tables_hold_the_canonical_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
