/*
 * The catalog parts of a journey definition: KPIs, DMU roles, personas, touchpoints, channel
 * groups and lead scoring. Each is a list of small mappings with a key; keys must be unique
 * within their list because maps, the API and the engine look things up by them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "define/parse.h"
#include "model/internal.h"

/* ---------------------------------------------------------------- KPIs */

static const char *const kpi_keys[] = {"metric", "target", "name", NULL};

/* The range a target of each metric can take; outside it the target cannot be met or missed. */
static const double kpi_range[JM_KPI__COUNT][2] = {
    [JM_KPI_CONVERSION_RATE] = {0, 1}, [JM_KPI_MEDIAN_DAYS] = {0, JM_DEF_MAX_DAYS},
    [JM_KPI_COUNT] = {0, INFINITY},    [JM_KPI_NPS] = {-100, 100},
    [JM_KPI_WIN_RATE] = {0, 1},        [JM_KPI_DMU_COVERAGE] = {0, 1},
    [JM_KPI_NRR] = {0, 100},
};

jm_status jm__def_kpi(struct jm_defparse *p, const struct jm_ynode *n, struct jm_kpi *k)
{
    const char *metrics[JM_KPI__COUNT + 1];
    for (size_t i = 0; i < JM_KPI__COUNT; i++)
        metrics[i] = jm_kpi_key((enum jm_kpi_metric)i);
    metrics[JM_KPI__COUNT] = NULL;
    jm_status rc = jm__def_map(p, n, "a KPI", kpi_keys);
    if (rc)
        return rc;
    k->line = n->line;
    k->column = n->column;
    const struct jm_ynode *m = jm__def_get(n, "metric"), *t = jm__def_get(n, "target"), *x;
    if (!m)
        return jm__def_fail(p, n,
                            "a KPI needs a metric (conversion_rate, median_days, count, nps, "
                            "win_rate, dmu_coverage or nrr)");
    int e;
    if ((rc = jm__def_enum(p, m, "metric", metrics, &e)))
        return rc;
    k->metric = (enum jm_kpi_metric)e;
    if (!t)
        return jm__def_fail(p, n, "a KPI needs a target");
    char what[64];
    snprintf(what, sizeof(what), "the target of %s", metrics[e]);
    rc = jm__def_number(p, t, what, kpi_range[e][0], kpi_range[e][1], &k->target);
    if (!rc && (x = jm__def_get(n, "name")))
        rc = jm__def_text(p, x, "name", &k->name);
    return rc;
}

/* ---------------------------------------------------------------- DMU roles */

static const char *const role_keys[] = {"key", "name", "description", NULL};

jm_status jm__def_dmu_roles(struct jm_defparse *p, const struct jm_ynode *n)
{
    struct jm_journey *j = p->j;
    jm_status rc = jm__yexpect(&p->doc, n, JM_Y_SEQ, "dmu_roles");
    if (!rc)
        rc = jm__def_array(p, n->n, sizeof(*j->dmu_roles), (void **)&j->dmu_roles);
    for (size_t i = 0; !rc && i < n->n; i++) {
        const struct jm_ynode *item = n->items[i], *k, *x;
        struct jm_dmu_role_def *r = &j->dmu_roles[i];
        if ((rc = jm__def_map(p, item, "a DMU role", role_keys)))
            break;
        if (!(k = jm__def_get(item, "key")))
            return jm__def_fail(p, item, "a DMU role needs a key");
        if ((rc = jm__def_key(p, k, "DMU role key", &r->key)))
            break;
        for (size_t q = 0; q < i; q++)
            if (strcmp(j->dmu_roles[q].key, r->key) == 0)
                return jm__def_fail(p, k, "duplicate DMU role '%s'", r->key);
        if ((x = jm__def_get(item, "name")))
            rc = jm__def_text(p, x, "name", &r->name);
        if (!rc && (x = jm__def_get(item, "description")))
            rc = jm__def_text(p, x, "description", &r->description);
        j->n_dmu_roles = i + 1;
    }
    return rc;
}

jm_status jm__def_check_role(struct jm_defparse *p, const struct jm_ynode *n, const char *key)
{
    for (size_t i = 0; jm__dmu_roles[i]; i++)
        if (strcmp(jm__dmu_roles[i], key) == 0)
            return JM_OK;
    for (size_t i = 0; i < p->j->n_dmu_roles; i++)
        if (strcmp(p->j->dmu_roles[i].key, key) == 0)
            return JM_OK;
    return jm__def_fail(p, n,
                        "unknown DMU role '%s' (built-in: decider, champion, user, researcher, "
                        "influencer, finance, unknown; or declare it under dmu_roles)",
                        key);
}

/* ---------------------------------------------------------------- personas */

static const char *const company_keys[] = {"key",         "kind", "name",      "description",
                                           "industry",    "size", "geography", "challenges",
                                           "motivations", NULL};
static const char *const person_keys[] = {"key",
                                          "kind",
                                          "name",
                                          "description",
                                          "role",
                                          "responsibilities",
                                          "kpis",
                                          "goals",
                                          "trusted_sources",
                                          "decision_criteria",
                                          NULL};
static const char *const persona_kinds[] = {"company", "person", NULL};

static jm_status company_fields(struct jm_defparse *p, const struct jm_ynode *n,
                                struct jm_persona *ps)
{
    static const char *const texts[] = {"industry", "size", "geography"};
    static const char *const lists[] = {"challenges", "motivations"};
    struct jm_text *t[] = {&ps->industry, &ps->size, &ps->geography};
    struct jm_text_list *l[] = {&ps->challenges, &ps->motivations};
    const struct jm_ynode *x;
    jm_status rc = JM_OK;
    for (size_t i = 0; !rc && i < 3; i++)
        if ((x = jm__def_get(n, texts[i])))
            rc = jm__def_text(p, x, texts[i], t[i]);
    for (size_t i = 0; !rc && i < 2; i++)
        if ((x = jm__def_get(n, lists[i])))
            rc = jm__def_text_list(p, x, lists[i], l[i]);
    return rc;
}

static jm_status person_fields(struct jm_defparse *p, const struct jm_ynode *n,
                               struct jm_persona *ps)
{
    static const char *const lists[] = {"responsibilities", "kpis", "goals", "trusted_sources",
                                        "decision_criteria"};
    struct jm_text_list *l[] = {&ps->responsibilities, &ps->kpis, &ps->goals, &ps->trusted_sources,
                                &ps->decision_criteria};
    const struct jm_ynode *x;
    jm_status rc = JM_OK;
    if ((x = jm__def_get(n, "role")) && !(rc = jm__def_str(p, x, "role", &ps->role)))
        rc = jm__def_check_role(p, x, ps->role);
    for (size_t i = 0; !rc && i < 5; i++)
        if ((x = jm__def_get(n, lists[i])))
            rc = jm__def_text_list(p, x, lists[i], l[i]);
    return rc;
}

static jm_status persona(struct jm_defparse *p, const struct jm_ynode *n, size_t i)
{
    struct jm_persona *ps = &p->j->personas[i];
    const struct jm_ynode *x;
    int kind;
    jm_status rc = jm__yexpect(&p->doc, n, JM_Y_MAP, "a persona");
    if (rc)
        return rc;
    if (!(x = jm__def_get(n, "kind")))
        return jm__def_fail(p, n, "a persona needs a kind (company or person)");
    if ((rc = jm__def_enum(p, x, "kind", persona_kinds, &kind)))
        return rc;
    ps->kind = (enum jm_persona_kind)kind;
    bool company = ps->kind == JM_PERSONA_COMPANY;
    rc = jm__ycheck_keys(&p->doc, n, company ? "a company persona" : "a person persona",
                         company ? company_keys : person_keys);
    if (rc)
        return rc;
    if (!(x = jm__def_get(n, "key")))
        return jm__def_fail(p, n, "a persona needs a key");
    if ((rc = jm__def_key(p, x, "persona key", &ps->key)))
        return rc;
    for (size_t q = 0; q < i; q++)
        if (strcmp(p->j->personas[q].key, ps->key) == 0)
            return jm__def_fail(p, x, "duplicate persona '%s'", ps->key);
    if ((x = jm__def_get(n, "name")))
        rc = jm__def_text(p, x, "name", &ps->name);
    if (!rc && (x = jm__def_get(n, "description")))
        rc = jm__def_text(p, x, "description", &ps->description);
    if (!rc)
        rc = company ? company_fields(p, n, ps) : person_fields(p, n, ps);
    return rc;
}

jm_status jm__def_personas(struct jm_defparse *p, const struct jm_ynode *n)
{
    struct jm_journey *j = p->j;
    jm_status rc = jm__yexpect(&p->doc, n, JM_Y_SEQ, "personas");
    if (!rc)
        rc = jm__def_array(p, n->n, sizeof(*j->personas), (void **)&j->personas);
    for (size_t i = 0; !rc && i < n->n; i++) {
        rc = persona(p, n->items[i], i);
        j->n_personas = i + 1;
    }
    return rc;
}

/* ---------------------------------------------------------------- touchpoints */

static const char *const touchpoint_keys[] = {"key",   "name",    "stage", "channel",
                                              "owner", "outcome", "kpi",   NULL};

static jm_status touchpoint(struct jm_defparse *p, const struct jm_ynode *n, size_t i)
{
    struct jm_touchpoint_def *t = &p->j->touchpoints[i];
    const struct jm_ynode *x;
    jm_status rc = jm__def_map(p, n, "a touchpoint", touchpoint_keys);
    if (rc)
        return rc;
    if (!(x = jm__def_get(n, "key")))
        return jm__def_fail(p, n, "a touchpoint needs a key");
    if ((rc = jm__def_key(p, x, "touchpoint key", &t->key)))
        return rc;
    for (size_t q = 0; q < i; q++)
        if (strcmp(p->j->touchpoints[q].key, t->key) == 0)
            return jm__def_fail(p, x, "duplicate touchpoint '%s'", t->key);
    if ((x = jm__def_get(n, "name")))
        rc = jm__def_text(p, x, "name", &t->name);
    if (!rc && (x = jm__def_get(n, "stage")) && !(rc = jm__def_str(p, x, "stage", &t->stage)))
        rc = jm__def_stage_index(p, x, t->stage, &t->stage_index);
    if (!rc && (x = jm__def_get(n, "channel")))
        rc = jm__def_str(p, x, "channel", &t->channel);
    if (!rc && (x = jm__def_get(n, "owner")))
        rc = jm__def_str(p, x, "owner", &t->owner);
    if (!rc && (x = jm__def_get(n, "outcome")))
        rc = jm__def_text(p, x, "outcome", &t->outcome);
    if (!rc && (x = jm__def_get(n, "kpi"))) {
        rc = jm__def_kpi(p, x, &t->kpi);
        t->has_kpi = !rc;
    }
    return rc;
}

jm_status jm__def_touchpoints(struct jm_defparse *p, const struct jm_ynode *n)
{
    struct jm_journey *j = p->j;
    jm_status rc = jm__yexpect(&p->doc, n, JM_Y_SEQ, "touchpoints");
    if (!rc)
        rc = jm__def_array(p, n->n, sizeof(*j->touchpoints), (void **)&j->touchpoints);
    for (size_t i = 0; !rc && i < n->n; i++) {
        rc = touchpoint(p, n->items[i], i);
        j->n_touchpoints = i + 1;
    }
    return rc;
}

/* ---------------------------------------------------------------- channel groups */

static const char *const channel_keys[] = {"group",   "channels",  "sources",
                                           "mediums", "referrers", NULL};

static jm_status channel_rule(struct jm_defparse *p, const struct jm_ynode *n,
                              struct jm_channel_rule *r)
{
    struct jm_strlist *lists[] = {&r->channels, &r->sources, &r->mediums, &r->referrers};
    const struct jm_ynode *x;
    jm_status rc = jm__def_map(p, n, "a channel group rule", channel_keys);
    if (rc)
        return rc;
    if (!(x = jm__def_get(n, "group")))
        return jm__def_fail(p, n, "a channel group rule needs a group");
    if ((rc = jm__def_str(p, x, "group", &r->group)))
        return rc;
    if (!*r->group)
        return jm__def_fail(p, x, "group must not be empty");
    for (size_t i = 0; !rc && i < 4; i++)
        if ((x = jm__def_get(n, channel_keys[i + 1])))
            rc = jm__def_strlist(p, x, channel_keys[i + 1], lists[i]);
    return rc;
}

jm_status jm__def_channel_groups(struct jm_defparse *p, const struct jm_ynode *n)
{
    struct jm_journey *j = p->j;
    jm_status rc = jm__yexpect(&p->doc, n, JM_Y_SEQ, "channel_groups");
    if (!rc)
        rc = jm__def_array(p, n->n, sizeof(*j->channel_rules), (void **)&j->channel_rules);
    for (size_t i = 0; !rc && i < n->n; i++) {
        rc = channel_rule(p, n->items[i], &j->channel_rules[i]);
        j->n_channel_rules = i + 1;
    }
    return rc;
}

/* ---------------------------------------------------------------- scoring */

static const char *const scoring_keys[] = {"half_life_days", "rules", "thresholds", NULL};
static const char *const score_rule_keys[] = {"touchpoint", "where", "points", NULL};

static jm_status score_rule(struct jm_defparse *p, const struct jm_ynode *n,
                            struct jm_score_rule *r)
{
    const struct jm_ynode *x;
    jm_status rc = jm__def_map(p, n, "a scoring rule", score_rule_keys);
    if (rc)
        return rc;
    if (!(x = jm__def_get(n, "points")))
        return jm__def_fail(p, n, "a scoring rule needs points");
    rc = jm__def_number(p, x, "points", -INFINITY, INFINITY, &r->points);
    if (!rc && (x = jm__def_get(n, "touchpoint")))
        rc = jm__def_strlist(p, x, "touchpoint", &r->touchpoints);
    if (!rc && (x = jm__def_get(n, "where")))
        rc = jm__def_where(p, x, &r->n_where, &r->where);
    return rc;
}

static jm_status thresholds(struct jm_defparse *p, const struct jm_ynode *n)
{
    struct jm_scoring *s = &p->j->scoring;
    jm_status rc = jm__def_map(p, n, "thresholds", NULL);
    if (!rc)
        rc = jm__def_array(p, n->n, sizeof(*s->thresholds), (void **)&s->thresholds);
    for (size_t i = 0; !rc && i < n->n; i++) {
        struct jm_threshold *t = &s->thresholds[i];
        rc = jm__def_key(p, n->pairs[i].key, "threshold name", &t->name);
        if (!rc)
            rc = jm__def_number(p, n->pairs[i].value, t->name, -INFINITY, INFINITY, &t->value);
        s->n_thresholds = i + 1;
    }
    return rc;
}

static jm_status score_rules(struct jm_defparse *p, const struct jm_ynode *n)
{
    struct jm_scoring *s = &p->j->scoring;
    jm_status rc = jm__yexpect(&p->doc, n, JM_Y_SEQ, "rules");
    if (!rc)
        rc = jm__def_array(p, n->n, sizeof(*s->rules), (void **)&s->rules);
    for (size_t i = 0; !rc && i < n->n; i++) {
        rc = score_rule(p, n->items[i], &s->rules[i]);
        s->n_rules = i + 1;
    }
    return rc;
}

jm_status jm__def_scoring(struct jm_defparse *p, const struct jm_ynode *n)
{
    struct jm_scoring *s = &p->j->scoring;
    const struct jm_ynode *x;
    jm_status rc = jm__def_map(p, n, "scoring", scoring_keys);
    if (!rc && (x = jm__def_get(n, "half_life_days")))
        rc = jm__def_number(p, x, "half_life_days", 0, JM_DEF_MAX_DAYS, &s->half_life_days);
    if (!rc && (x = jm__def_get(n, "thresholds")))
        rc = thresholds(p, x);
    if (!rc && (x = jm__def_get(n, "rules")))
        rc = score_rules(p, x);
    return rc;
}
