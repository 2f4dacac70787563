/*
 * Tests for the built-in journey templates (define/template.c and the YAML files in templates/,
 * as compiled in): each parses, has its framework's stages in order, is complete in English and
 * Vietnamese (every stage, lane item, touchpoint, persona and role), refers only to touchpoints
 * of its own catalog, and survives `template init`: written in one language, or both, it parses
 * back to the same definition.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "base/internal.h"
#include "journeymap/define.h"
#include "testutil.h"

/* What a map cell holds comfortably; the brief for template authors says ~80 characters. */
#define MAX_LANE_ITEM_CHARS 80

static const char *const names[] = {"b2b-5", "buyer-8", "lifecycle-7", "loyalty-loop-5",
                                    "martin-giant-5"};
#define N_TEMPLATES (sizeof(names) / sizeof(names[0]))

static const char *const stage_keys[N_TEMPLATES][9] = {
    {"awareness", "consideration", "decision", "loyalty", "advocacy"},
    {"awareness", "research", "consideration", "decision", "onboarding", "usage", "expansion",
     "advocacy"},
    {"subscriber", "lead", "mql", "sql", "opportunity", "customer", "evangelist", "other"},
    {"awareness", "consideration", "decision", "retention", "advocacy"},
    {"awareness", "interest", "decision", "usage", "loyalty_advocacy"},
};

static struct jm_journey *load(const char *name)
{
    struct jm_journey *j = NULL;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_template_load(name, &j, &err);
    if (rc)
        fail_msg("template %s: %s", name, err.msg);
    assert_non_null(j);
    return j;
}

static int teardown(void **state)
{
    (void)state;
    jm_alloc_fail_reset();
    return 0;
}

/* ---------------------------------------------------------------- the list */

static void there_are_five_templates_in_a_fixed_order(void **state)
{
    (void)state;
    assert_int_equal(jm_template_count(), N_TEMPLATES);
    for (size_t i = 0; i < N_TEMPLATES; i++)
        assert_string_equal(jm_template_name(i), names[i]);
    assert_null(jm_template_name(N_TEMPLATES));
}

static void source_is_the_template_file_byte_for_byte(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_TEMPLATES; i++) {
        char path[4096], *want = NULL;
        size_t want_len = 0, len = 0;
        snprintf(path, sizeof(path), "%s/templates/%s.yaml", jm_test_source_dir(), names[i]);
        assert_int_equal(jm__read_file(path, 1 << 20, &want, &want_len, NULL), JM_OK);
        const char *src = jm_template_source(names[i], &len);
        assert_non_null(src);
        assert_int_equal(len, want_len);
        assert_memory_equal(src, want, len);
        assert_int_equal(src[len], '\0');
        jm_free(want);
    }
}

static void unknown_template_is_not_found_and_names_the_others(void **state)
{
    (void)state;
    size_t len = 99;
    assert_null(jm_template_source("b2b-4", &len));
    assert_int_equal(len, 0);
    assert_null(jm_template_source(NULL, NULL));

    struct jm_journey *j = (struct jm_journey *)&len; /* must be reset to NULL */
    struct jm_error err;
    jm_error_clear(&err);
    assert_int_equal(jm_template_load("b2b-4", &j, &err), JM_ENOTFOUND);
    assert_null(j);
    assert_string_equal(err.msg, "no template 'b2b-4' (templates: b2b-5, buyer-8, lifecycle-7, "
                                 "loyalty-loop-5, martin-giant-5)");
    assert_int_equal(jm_template_load(NULL, &j, NULL), JM_EINVAL);
    assert_null(j);
}

/* ---------------------------------------------------------------- each template */

static void every_template_parses_with_its_stages_in_order(void **state)
{
    (void)state;
    for (size_t t = 0; t < N_TEMPLATES; t++) {
        struct jm_journey *j = load(names[t]);
        char path[64];
        snprintf(path, sizeof(path), "template:%s", names[t]);
        assert_string_equal(j->path, path);
        assert_string_equal(j->key, names[t]);
        size_t n = 0;
        while (n < 9 && stage_keys[t][n])
            n++;
        if (j->n_stages != n)
            fail_msg("%s: %zu stages, expected %zu", names[t], j->n_stages, n);
        for (size_t s = 0; s < n; s++)
            assert_string_equal(j->stages[s].key, stage_keys[t][s]);
        jm_journey_free(j);
    }
}

/* Both languages present; Vietnamese written with its diacritics (so not a copy of English). */
static void check_text(const char *tpl, const char *what, const struct jm_text *t, size_t max)
{
    const char *en = t->s[JM_LANG_EN], *vi = t->s[JM_LANG_VI];
    if (!en || !*en || !vi || !*vi)
        fail_msg("%s: %s: missing %s text", tpl, what, !en || !*en ? "English" : "Vietnamese");
    for (int l = 0; l < JM_LANG__COUNT; l++) {
        size_t chars = jm_utf8_count(t->s[l], strlen(t->s[l]));
        if (max && chars > max)
            fail_msg("%s: %s: %zu characters, at most %zu: '%s'", tpl, what, chars, max, t->s[l]);
    }
    bool non_ascii = false;
    for (const unsigned char *p = (const unsigned char *)vi; *p; p++)
        non_ascii |= *p >= 0x80;
    if (!non_ascii && strlen(vi) > 12)
        fail_msg("%s: %s: Vietnamese text without diacritics: '%s'", tpl, what, vi);
}

static void check_lanes(const char *tpl, const struct jm_stage *st)
{
    for (int l = 0; l < JM_LANE__COUNT; l++) {
        const struct jm_text_list *lane = &st->lanes[l];
        char what[160];
        if (lane->n < 2 || lane->n > 4)
            fail_msg("%s: stage %s: lane %s has %zu items, expected 2 to 4", tpl, st->key,
                     jm_lane_key((enum jm_lane)l), lane->n);
        for (size_t i = 0; i < lane->n; i++) {
            snprintf(what, sizeof(what), "stage %s, %s[%zu]", st->key, jm_lane_key((enum jm_lane)l),
                     i);
            check_text(tpl, what, &lane->items[i], MAX_LANE_ITEM_CHARS);
        }
    }
}

static void every_stage_is_complete_in_both_languages(void **state)
{
    (void)state;
    for (size_t t = 0; t < N_TEMPLATES; t++) {
        struct jm_journey *j = load(names[t]);
        check_text(names[t], "name", &j->name, 0);
        check_text(names[t], "description", &j->description, 0);
        for (size_t s = 0; s < j->n_stages; s++) {
            const struct jm_stage *st = &j->stages[s];
            check_text(names[t], st->key, &st->name, 0);
            check_lanes(names[t], st);
            if (!st->owner || !*st->owner || !st->has_emotion || !st->entry)
                fail_msg("%s: stage %s needs an owner, an emotion and an entry rule", names[t],
                         st->key);
            if (st->dmu_roles.n == 0 || st->n_kpis == 0 || st->n_kpis > 3)
                fail_msg("%s: stage %s: %zu key roles, %zu KPIs", names[t], st->key,
                         st->dmu_roles.n, st->n_kpis);
        }
        jm_journey_free(j);
    }
}

static void catalog_personas_and_roles_are_bilingual(void **state)
{
    (void)state;
    for (size_t t = 0; t < N_TEMPLATES; t++) {
        struct jm_journey *j = load(names[t]);
        assert_true(j->n_touchpoints >= 20);
        for (size_t i = 0; i < j->n_touchpoints; i++) {
            const struct jm_touchpoint_def *tp = &j->touchpoints[i];
            check_text(names[t], tp->key, &tp->name, 0);
            check_text(names[t], tp->key, &tp->outcome, MAX_LANE_ITEM_CHARS);
            if (!tp->stage || !tp->channel || !tp->owner)
                fail_msg("%s: touchpoint %s needs a stage, a channel and an owner", names[t],
                         tp->key);
        }
        assert_true(j->n_dmu_roles >= 5);
        for (size_t i = 0; i < j->n_dmu_roles; i++) {
            check_text(names[t], j->dmu_roles[i].key, &j->dmu_roles[i].name, 0);
            check_text(names[t], j->dmu_roles[i].key, &j->dmu_roles[i].description, 0);
        }
        for (size_t i = 0; i < j->n_personas; i++) {
            const struct jm_persona *p = &j->personas[i];
            const struct jm_text_list *lists[] = {
                &p->challenges, &p->motivations,     &p->responsibilities, &p->kpis,
                &p->goals,      &p->trusted_sources, &p->decision_criteria};
            check_text(names[t], p->key, &p->name, 0);
            check_text(names[t], p->key, &p->description, 0);
            for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++)
                for (size_t k = 0; k < lists[l]->n; k++)
                    check_text(names[t], p->key, &lists[l]->items[k], MAX_LANE_ITEM_CHARS);
        }
        jm_journey_free(j);
    }
}

static void check_rule_touchpoints(const char *tpl, const struct jm_journey *j,
                                   const struct jm_rule *r)
{
    for (size_t i = 0; i < r->touchpoints.n; i++)
        if (!jm_journey_touchpoint(j, r->touchpoints.v[i]))
            fail_msg("%s: rule at line %lu: touchpoint '%s' is not in the catalog", tpl, r->line,
                     r->touchpoints.v[i]);
    for (size_t i = 0; i < r->n_children; i++)
        check_rule_touchpoints(tpl, j, &r->children[i]);
}

static void rules_use_only_catalog_touchpoints(void **state)
{
    (void)state;
    for (size_t t = 0; t < N_TEMPLATES; t++) {
        struct jm_journey *j = load(names[t]);
        for (size_t s = 0; s < j->n_stages; s++)
            check_rule_touchpoints(names[t], j, j->stages[s].entry);
        for (size_t i = 0; i < j->scoring.n_rules; i++)
            for (size_t k = 0; k < j->scoring.rules[i].touchpoints.n; k++)
                if (!jm_journey_touchpoint(j, j->scoring.rules[i].touchpoints.v[k]))
                    fail_msg("%s: scoring touchpoint '%s' is not in the catalog", names[t],
                             j->scoring.rules[i].touchpoints.v[k]);
        /* And every touchpoint of the catalog belongs to a stage of this template. */
        for (size_t i = 0; i < j->n_touchpoints; i++)
            assert_true(jm_journey_stage(j, j->touchpoints[i].stage) >= 0);
        jm_journey_free(j);
    }
}

/* ---------------------------------------------------------------- what each framework needs */

static const struct jm_kpi *kpi(const struct jm_stage *st, enum jm_kpi_metric m)
{
    for (size_t i = 0; i < st->n_kpis; i++)
        if (st->kpis[i].metric == m)
            return &st->kpis[i];
    return NULL;
}

static void b2b_frameworks_follow_the_buying_company(void **state)
{
    (void)state;
    for (size_t t = 0; t < N_TEMPLATES; t++) {
        struct jm_journey *j = load(names[t]);
        bool lifecycle = strcmp(names[t], "lifecycle-7") == 0;
        assert_int_equal(j->settings.level, lifecycle ? JM_LEVEL_CONTACT : JM_LEVEL_ACCOUNT);
        assert_true(j->settings.conversion_window_days > 0);
        assert_true(j->settings.goal < j->n_stages - 1); /* a purchase, not the last stage */
        jm_journey_free(j);
    }
}

static void lifecycle_has_lead_scoring_with_an_mql_threshold(void **state)
{
    (void)state;
    struct jm_journey *j = load("lifecycle-7");
    assert_true(j->scoring.n_rules >= 3);
    bool found = false;
    for (size_t i = 0; i < j->scoring.n_thresholds; i++)
        found |= strcmp(j->scoring.thresholds[i].name, "mql") == 0;
    assert_true(found);
    const struct jm_rule *mql = j->stages[jm_journey_stage(j, "mql")].entry;
    assert_int_equal(mql->kind, JM_RULE_SCORE);
    assert_string_equal(mql->threshold, "mql");
    /* Owners hand over from marketing to sales to customer success. */
    assert_string_equal(j->stages[jm_journey_stage(j, "lead")].owner, "marketing");
    assert_string_equal(j->stages[jm_journey_stage(j, "sql")].owner, "sales");
    assert_string_equal(j->stages[jm_journey_stage(j, "customer")].owner, "customer_success");
    jm_journey_free(j);
}

static void loyalty_loop_measures_nrr_and_nps(void **state)
{
    (void)state;
    struct jm_journey *j = load("loyalty-loop-5");
    assert_non_null(kpi(&j->stages[jm_journey_stage(j, "retention")], JM_KPI_NRR));
    assert_non_null(kpi(&j->stages[jm_journey_stage(j, "advocacy")], JM_KPI_NPS));
    jm_journey_free(j);
}

static void martin_giant_declares_five_dmu_roles(void **state)
{
    (void)state;
    static const char *const roles[] = {"decider", "champion", "user", "researcher", "influencer"};
    struct jm_journey *j = load("martin-giant-5");
    assert_int_equal(j->n_dmu_roles, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(j->dmu_roles[i].key, roles[i]);
    assert_string_equal(jm_journey_role_name(j, "champion", JM_LANG_EN), "Proposer");
    assert_string_equal(jm_journey_role_name(j, "champion", JM_LANG_VI), "Người đề xuất");
    for (size_t s = 0; s < j->n_stages; s++)
        for (size_t r = 0; r < j->stages[s].dmu_roles.n; r++) {
            bool known = false;
            for (size_t i = 0; i < 5; i++)
                known |= strcmp(j->stages[s].dmu_roles.v[r], roles[i]) == 0;
            assert_true(known);
        }
    jm_journey_free(j);
}

static void buyer_8_has_four_buyer_personas_and_a_company(void **state)
{
    (void)state;
    static const char *const roles[] = {"decider", "researcher", "user", "finance"};
    struct jm_journey *j = load("buyer-8");
    size_t companies = 0;
    bool seen[4] = {false};
    for (size_t i = 0; i < j->n_personas; i++) {
        const struct jm_persona *p = &j->personas[i];
        if (p->kind == JM_PERSONA_COMPANY) {
            companies++;
            continue;
        }
        assert_non_null(p->role);
        for (size_t r = 0; r < 4; r++)
            seen[r] |= strcmp(p->role, roles[r]) == 0;
        assert_true(p->responsibilities.n && p->kpis.n && p->goals.n && p->trusted_sources.n &&
                    p->decision_criteria.n);
    }
    assert_int_equal(companies, 1);
    for (size_t r = 0; r < 4; r++)
        assert_true(seen[r]);
    jm_journey_free(j);
}

/* ---------------------------------------------------------------- init: write and parse back */

static void eq_str(const char *a, const char *b, const char *what)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        fail_msg("%s: '%s' != '%s'", what, a ? a : "(null)", b ? b : "(null)");
}

/* Texts compare in `lang`, or in both languages when `lang` is JM_LANG__COUNT. */
static void eq_text(const struct jm_text *a, const struct jm_text *b, enum jm_lang lang,
                    const char *what)
{
    for (int l = 0; l < JM_LANG__COUNT; l++)
        if (lang == JM_LANG__COUNT || l == (int)lang)
            eq_str(jm_text_get(a, (enum jm_lang)l), jm_text_get(b, (enum jm_lang)l), what);
}

static void eq_texts(const struct jm_text_list *a, const struct jm_text_list *b, enum jm_lang lang,
                     const char *what)
{
    if (a->n != b->n)
        fail_msg("%s: %zu items != %zu", what, a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        eq_text(&a->items[i], &b->items[i], lang, what);
}

static void eq_strlist(const struct jm_strlist *a, const struct jm_strlist *b, const char *what)
{
    if (a->n != b->n)
        fail_msg("%s: %zu values != %zu", what, a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        eq_str(a->v[i], b->v[i], what);
}

static void eq_where(size_t na, const struct jm_condition *a, size_t nb,
                     const struct jm_condition *b)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        eq_str(a[i].field, b[i].field, "where field");
        eq_strlist(&a[i].values, &b[i].values, "where values");
    }
}

static void eq_rule(const struct jm_rule *a, const struct jm_rule *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_int_equal(a->n_children, b->n_children);
    for (size_t i = 0; i < a->n_children; i++)
        eq_rule(&a->children[i], &b->children[i]);
    eq_strlist(&a->touchpoints, &b->touchpoints, "rule touchpoints");
    eq_strlist(&a->channels, &b->channels, "rule channels");
    eq_where(a->n_where, a->where, b->n_where, b->where);
    assert_int_equal(a->at_least, b->at_least);
    assert_true(a->within_days == b->within_days);
    assert_true(a->score_at_least == b->score_at_least);
    eq_str(a->threshold, b->threshold, "rule threshold");
    assert_int_equal(a->deal, b->deal);
    eq_strlist(&a->deal_stages, &b->deal_stages, "deal stages");
    eq_strlist(&a->pipelines, &b->pipelines, "pipelines");
    eq_strlist(&a->priorities, &b->priorities, "priorities");
    eq_str(a->survey_kind, b->survey_kind, "survey kind");
    assert_true(a->score_min == b->score_min && a->score_max == b->score_max);
    assert_int_equal(a->revenue, b->revenue);
    assert_int_equal(a->stage, b->stage);
}

static void eq_kpi(const struct jm_kpi *a, const struct jm_kpi *b, enum jm_lang lang)
{
    assert_int_equal(a->metric, b->metric);
    assert_true(a->target == b->target);
    eq_text(&a->name, &b->name, lang, "kpi name");
}

static void eq_stage(const struct jm_stage *a, const struct jm_stage *b, enum jm_lang lang)
{
    eq_str(a->key, b->key, "stage key");
    eq_text(&a->name, &b->name, lang, a->key);
    eq_str(a->owner, b->owner, "owner");
    assert_int_equal(a->active, b->active);
    assert_int_equal(a->revisit, b->revisit);
    eq_rule(a->entry, b->entry);
    for (int l = 0; l < JM_LANE__COUNT; l++)
        eq_texts(&a->lanes[l], &b->lanes[l], lang, jm_lane_key((enum jm_lane)l));
    assert_int_equal(a->has_emotion, b->has_emotion);
    assert_true(a->emotion == b->emotion);
    eq_strlist(&a->dmu_roles, &b->dmu_roles, "stage dmu_roles");
    assert_int_equal(a->n_kpis, b->n_kpis);
    for (size_t i = 0; i < a->n_kpis; i++)
        eq_kpi(&a->kpis[i], &b->kpis[i], lang);
}

static void eq_touchpoint(const struct jm_touchpoint_def *a, const struct jm_touchpoint_def *b,
                          enum jm_lang lang)
{
    eq_str(a->key, b->key, "touchpoint key");
    eq_text(&a->name, &b->name, lang, a->key);
    eq_str(a->stage, b->stage, "touchpoint stage");
    assert_int_equal(a->stage_index, b->stage_index);
    eq_str(a->channel, b->channel, "touchpoint channel");
    eq_str(a->owner, b->owner, "touchpoint owner");
    eq_text(&a->outcome, &b->outcome, lang, a->key);
    assert_int_equal(a->has_kpi, b->has_kpi);
    if (a->has_kpi)
        eq_kpi(&a->kpi, &b->kpi, lang);
}

static void eq_persona(const struct jm_persona *a, const struct jm_persona *b, enum jm_lang lang)
{
    eq_str(a->key, b->key, "persona key");
    assert_int_equal(a->kind, b->kind);
    eq_text(&a->name, &b->name, lang, a->key);
    eq_text(&a->description, &b->description, lang, a->key);
    eq_text(&a->industry, &b->industry, lang, a->key);
    eq_text(&a->size, &b->size, lang, a->key);
    eq_text(&a->geography, &b->geography, lang, a->key);
    eq_texts(&a->challenges, &b->challenges, lang, a->key);
    eq_texts(&a->motivations, &b->motivations, lang, a->key);
    eq_str(a->role, b->role, "persona role");
    eq_texts(&a->responsibilities, &b->responsibilities, lang, a->key);
    eq_texts(&a->kpis, &b->kpis, lang, a->key);
    eq_texts(&a->goals, &b->goals, lang, a->key);
    eq_texts(&a->trusted_sources, &b->trusted_sources, lang, a->key);
    eq_texts(&a->decision_criteria, &b->decision_criteria, lang, a->key);
}

static void eq_catalogs(const struct jm_journey *a, const struct jm_journey *b, enum jm_lang lang)
{
    assert_int_equal(a->n_touchpoints, b->n_touchpoints);
    for (size_t i = 0; i < a->n_touchpoints; i++)
        eq_touchpoint(&a->touchpoints[i], &b->touchpoints[i], lang);
    assert_int_equal(a->n_personas, b->n_personas);
    for (size_t i = 0; i < a->n_personas; i++)
        eq_persona(&a->personas[i], &b->personas[i], lang);
    assert_int_equal(a->n_dmu_roles, b->n_dmu_roles);
    for (size_t i = 0; i < a->n_dmu_roles; i++) {
        eq_str(a->dmu_roles[i].key, b->dmu_roles[i].key, "role key");
        eq_text(&a->dmu_roles[i].name, &b->dmu_roles[i].name, lang, "role name");
        eq_text(&a->dmu_roles[i].description, &b->dmu_roles[i].description, lang, "role");
    }
    assert_int_equal(a->n_channel_rules, b->n_channel_rules);
    for (size_t i = 0; i < a->n_channel_rules; i++) {
        const struct jm_channel_rule *x = &a->channel_rules[i], *y = &b->channel_rules[i];
        eq_str(x->group, y->group, "channel group");
        eq_strlist(&x->channels, &y->channels, "channels");
        eq_strlist(&x->sources, &y->sources, "sources");
        eq_strlist(&x->mediums, &y->mediums, "mediums");
        eq_strlist(&x->referrers, &y->referrers, "referrers");
    }
}

static void eq_scoring(const struct jm_scoring *a, const struct jm_scoring *b)
{
    assert_true(a->half_life_days == b->half_life_days);
    assert_int_equal(a->n_rules, b->n_rules);
    for (size_t i = 0; i < a->n_rules; i++) {
        eq_strlist(&a->rules[i].touchpoints, &b->rules[i].touchpoints, "score touchpoints");
        eq_where(a->rules[i].n_where, a->rules[i].where, b->rules[i].n_where, b->rules[i].where);
        assert_true(a->rules[i].points == b->rules[i].points);
    }
    assert_int_equal(a->n_thresholds, b->n_thresholds);
    for (size_t i = 0; i < a->n_thresholds; i++) {
        eq_str(a->thresholds[i].name, b->thresholds[i].name, "threshold");
        assert_true(a->thresholds[i].value == b->thresholds[i].value);
    }
}

static void eq_journey(const struct jm_journey *a, const struct jm_journey *b, enum jm_lang lang)
{
    eq_str(a->key, b->key, "journey key");
    eq_text(&a->name, &b->name, lang, "journey name");
    eq_text(&a->description, &b->description, lang, "journey description");
    const struct jm_settings *x = &a->settings, *y = &b->settings;
    assert_int_equal(x->level, y->level);
    assert_int_equal(x->rollup, y->rollup);
    assert_true(x->conversion_window_days == y->conversion_window_days);
    assert_true(x->stall_days == y->stall_days);
    assert_int_equal(x->skip_counts_as_passed, y->skip_counts_as_passed);
    assert_true(x->period_from == y->period_from && x->period_to == y->period_to);
    assert_int_equal(x->goal, y->goal);
    assert_int_equal(a->n_stages, b->n_stages);
    for (size_t s = 0; s < a->n_stages; s++)
        eq_stage(&a->stages[s], &b->stages[s], lang);
    eq_catalogs(a, b, lang);
    eq_scoring(&a->scoring, &b->scoring);
}

/* Writes `j` in `lang` into `sb` and parses it back, failing the test on any error. */
static struct jm_journey *write_and_parse(const struct jm_journey *j, enum jm_lang lang,
                                          struct jm_strbuf *sb)
{
    struct jm_error err;
    jm_error_clear(&err);
    jm_strbuf_reset(sb);
    if (jm_journey_write(j, lang, sb, &err))
        fail_msg("%s: write: %s", j->key, err.msg);
    struct jm_journey *back = NULL;
    if (jm_journey_parse(sb->buf, sb->len, "written.yaml", &back, &err))
        fail_msg("%s in %s: the written definition does not parse: %s\n%s", j->key,
                 lang == JM_LANG__COUNT ? "both languages" : jm_lang_code(lang), err.msg, sb->buf);
    return back;
}

static void init_round_trips_in_each_language(void **state)
{
    (void)state;
    static const enum jm_lang langs[] = {JM_LANG_EN, JM_LANG_VI, JM_LANG__COUNT};
    struct jm_strbuf first = JM_STRBUF_INIT, second = JM_STRBUF_INIT;
    for (size_t t = 0; t < N_TEMPLATES; t++) {
        struct jm_journey *j = load(names[t]);
        for (size_t l = 0; l < sizeof(langs) / sizeof(langs[0]); l++) {
            struct jm_journey *back = write_and_parse(j, langs[l], &first);
            eq_journey(j, back, langs[l]);
            /* Writing what was read back gives the same text: nothing drifts on a re-init. */
            struct jm_journey *again = write_and_parse(back, langs[l], &second);
            assert_int_equal(first.len, second.len);
            assert_memory_equal(first.buf, second.buf, first.len);
            /* A one-language file holds that language only. */
            if (langs[l] != JM_LANG__COUNT)
                for (size_t s = 0; s < back->n_stages; s++)
                    assert_null(back->stages[s].name.s[1 - langs[l]]);
            jm_journey_free(again);
            jm_journey_free(back);
        }
        jm_journey_free(j);
    }
    jm_strbuf_release(&first);
    jm_strbuf_release(&second);
}

static void vietnamese_init_holds_no_english_lane_text(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct jm_journey *j = load("b2b-5");
    struct jm_journey *back = write_and_parse(j, JM_LANG_VI, &sb);
    assert_null(strstr(sb.buf, "Awareness"));
    assert_null(strstr(sb.buf, "Our hand-offs between teams keep losing deals."));
    assert_non_null(strstr(sb.buf, "Nhận biết"));
    assert_non_null(
        strstr(sb.buf, "Chúng tôi cứ mất khách ở khâu chuyển giao giữa các phòng ban."));
    for (size_t s = 0; s < back->n_stages; s++)
        assert_null(back->stages[s].name.s[JM_LANG_EN]);
    jm_journey_free(back);
    jm_journey_free(j);
    jm_strbuf_release(&sb);
}

static void load_survives_every_allocation_failure(void **state)
{
    (void)state;
    for (unsigned long n = 1;; n++) {
        struct jm_journey *j = NULL;
        jm_alloc_fail_at(n);
        jm_status rc = jm_template_load("martin-giant-5", &j, NULL);
        unsigned long used = jm_alloc_count();
        jm_alloc_fail_reset();
        if (rc == JM_OK && used < n) {
            jm_journey_free(j);
            break; /* every allocation has been failed once */
        }
        assert_true(rc == JM_ENOMEM || rc == JM_OK);
        if (rc)
            assert_null(j);
        jm_journey_free(j);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(there_are_five_templates_in_a_fixed_order),
        cmocka_unit_test(source_is_the_template_file_byte_for_byte),
        cmocka_unit_test(unknown_template_is_not_found_and_names_the_others),
        cmocka_unit_test(every_template_parses_with_its_stages_in_order),
        cmocka_unit_test(every_stage_is_complete_in_both_languages),
        cmocka_unit_test(catalog_personas_and_roles_are_bilingual),
        cmocka_unit_test(rules_use_only_catalog_touchpoints),
        cmocka_unit_test(b2b_frameworks_follow_the_buying_company),
        cmocka_unit_test(lifecycle_has_lead_scoring_with_an_mql_threshold),
        cmocka_unit_test(loyalty_loop_measures_nrr_and_nps),
        cmocka_unit_test(martin_giant_declares_five_dmu_roles),
        cmocka_unit_test(buyer_8_has_four_buyer_personas_and_a_company),
        cmocka_unit_test(init_round_trips_in_each_language),
        cmocka_unit_test(vietnamese_init_holds_no_english_lane_text),
        cmocka_unit_test_teardown(load_survives_every_allocation_failure, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
