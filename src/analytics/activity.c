/*
 * Stage activity: what happened inside each stage (jm_activity_of in analytics.h). One pass over
 * the store's events, account by account; each event goes to the stage its unit was in at that
 * moment. Surveys are records, so a second pass walks the survey table.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "analytics/internal.h"

uint32_t jm__event_unit(const struct jm_timelines *tl, size_t a, size_t i)
{
    const struct jm_dataset *ds = tl->ds;
    if (tl->level == JM_LEVEL_ACCOUNT)
        return jm_dataset_account_row(ds, a);
    return jm_dataset_contact_row(ds, jm_store_columns(ds->store)->contact[i]);
}

/* Channel group of each raw channel id, and the groups' names. */
static jm_status channel_groups(struct jm_activity *act, const struct jm_journey *j,
                                const struct jm_store *st, uint32_t **group_of, size_t *n_ch)
{
    size_t nrules = j->n_channel_rules;
    const struct jm_channel_rule *rules = j->channel_rules;
    if (!nrules)
        rules = jm_channel_default_rules(&nrules);
    *n_ch = jm_store_dict_size(st, JM_STORE_CHANNEL);
    *group_of = jm_malloc((*n_ch + 1) * sizeof(uint32_t));
    act->group_names = jm_arena_alloc(&act->arena, (*n_ch + 1) * sizeof(char *));
    if (!*group_of || !act->group_names)
        return JM_ENOMEM;
    for (size_t c = 0; c < *n_ch; c++) {
        const char *text = c ? jm_store_text(st, JM_STORE_CHANNEL, (uint32_t)c, NULL) : "";
        const char *g = jm_channel_group(rules, nrules, text, NULL, NULL, NULL);
        size_t k = 0;
        while (k < act->n_groups && strcmp(act->group_names[k], g) != 0)
            k++;
        if (k == act->n_groups)
            act->group_names[act->n_groups++] = g;
        (*group_of)[c] = (uint32_t)k;
    }
    return JM_OK;
}

static jm_status alloc_stages(struct jm_activity *act)
{
    act->stages = jm_arena_alloc(&act->arena, (act->n_stages + 1) * sizeof(*act->stages));
    if (!act->stages)
        return JM_ENOMEM;
    memset(act->stages, 0, (act->n_stages + 1) * sizeof(*act->stages));
    for (size_t s = 0; s < act->n_stages; s++) {
        struct jm_stage_activity *sa = &act->stages[s];
        sa->by_touchpoint = jm_arena_alloc(&act->arena, (act->n_touchpoints + 1) * 8);
        sa->by_group = jm_arena_alloc(&act->arena, (act->n_groups + 1) * 8);
        if (!sa->by_touchpoint || !sa->by_group)
            return JM_ENOMEM;
        memset(sa->by_touchpoint, 0, (act->n_touchpoints + 1) * 8);
        memset(sa->by_group, 0, (act->n_groups + 1) * 8);
        sa->sentiment = sa->emotion = sa->nps = NAN;
    }
    return JM_OK;
}

static void count_events(const struct jm_report *r, struct jm_activity *act,
                         const uint32_t *group_of, double *sent_sum)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_store *st = jm_dataset_store(tl->ds);
    const struct jm_store_columns *col = jm_store_columns(st);
    const double *sentiment = jm_store_number(st, JM_EV_SENTIMENT);
    for (size_t a = 0; a <= col->n_accounts; a++) { /* the last slice: events without account */
        size_t b, e;
        jm_store_account_slice(st, a, &b, &e);
        for (size_t i = b; i < e; i++) {
            int64_t t = col->time_us[i];
            uint32_t u = jm__event_unit(tl, a, i);
            if (!jm__in_period(&r->opts, t) || !jm__unit_in(r, u))
                continue;
            uint16_t s = jm_timelines_stage_at(tl, u, t);
            if (s == JM_NO_STAGE)
                continue;
            struct jm_stage_activity *sa = &act->stages[s];
            sa->events++;
            sa->by_touchpoint[col->touchpoint[i]]++;
            sa->by_group[group_of[col->channel[i]]]++;
            if (sentiment && isfinite(sentiment[i])) {
                sa->n_sentiment++;
                sent_sum[s] += sentiment[i];
            }
        }
    }
}

/* A survey score on -1..1 by its kind's scale. */
static double normalised(const char *kind, double score)
{
    if (strcmp(kind, "csat") == 0)
        return (score - 3) / 2;
    if (strcmp(kind, "ces") == 0)
        return (score - 4) / 3;
    return (score - 5) / 5;
}

static void count_surveys(const struct jm_report *r, struct jm_activity *act, double *emo_sum,
                          int64_t *nps_net)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_dataset *ds = tl->ds;
    const struct jm_entity_def *def = jm_entity_get(JM_ENT_SURVEY);
    int fk = jm_entity_field(def, "kind"), fs = jm_entity_field(def, "score");
    for (size_t row = 0; row < jm_dataset_rows(ds, JM_ENT_SURVEY); row++) {
        uint32_t u = jm__record_unit(tl, JM_ENT_SURVEY, row);
        int64_t t = jm__record_time(ds, JM_ENT_SURVEY, row);
        const struct jm_value *k = jm_dataset_value(ds, JM_ENT_SURVEY, row, fk);
        const struct jm_value *v = jm_dataset_value(ds, JM_ENT_SURVEY, row, fs);
        if (!jm__unit_in(r, u) || !jm__in_period(&r->opts, t) || k->kind != JM_V_TEXT ||
            (v->kind != JM_V_INT && v->kind != JM_V_REAL))
            continue;
        uint16_t s = jm_timelines_stage_at(tl, u, t);
        if (s == JM_NO_STAGE)
            continue;
        double score = v->kind == JM_V_INT ? (double)v->i : v->r;
        struct jm_stage_activity *sa = &act->stages[s];
        sa->n_surveys++;
        emo_sum[s] += normalised(k->s, score);
        if (strcmp(k->s, "nps") == 0) {
            sa->n_nps++;
            nps_net[s] += (score >= 9) - (score <= 6);
        }
    }
}

jm_status jm_activity_of(const struct jm_report *r, struct jm_activity **out, struct jm_error *err)
{
    *out = NULL;
    const struct jm_store *st = jm_dataset_store(r->tl->ds);
    struct jm_activity *act = jm_calloc(1, sizeof(*act));
    uint32_t *group_of = NULL;
    size_t n_ch = 0, ns = r->tl->n_stages;
    double *sums = jm_calloc(2 * ns + 1, sizeof(double));
    int64_t *nps_net = jm_calloc(ns + 1, sizeof(int64_t));
    if (!act || !sums || !nps_net)
        goto oom;
    jm_arena_init(&act->arena);
    act->n_stages = ns;
    act->n_touchpoints = jm_store_dict_size(st, JM_STORE_TOUCHPOINT);
    if (channel_groups(act, r->tl->journey, st, &group_of, &n_ch) || alloc_stages(act))
        goto oom;
    count_events(r, act, group_of, sums);
    count_surveys(r, act, sums + ns, nps_net);
    for (size_t s = 0; s < ns; s++) {
        struct jm_stage_activity *sa = &act->stages[s];
        if (sa->n_sentiment)
            sa->sentiment = sums[s] / (double)sa->n_sentiment;
        if (sa->n_surveys)
            sa->emotion = sums[ns + s] / (double)sa->n_surveys;
        if (sa->n_nps)
            sa->nps = 100.0 * (double)nps_net[s] / (double)sa->n_nps;
    }
    jm_free(group_of);
    jm_free(sums);
    jm_free(nps_net);
    *out = act;
    return JM_OK;
oom:
    jm_free(group_of);
    jm_free(sums);
    jm_free(nps_net);
    jm_activity_free(act);
    return jm_error_set(err, JM_ENOMEM, "out of memory measuring stage activity");
}

void jm_activity_free(struct jm_activity *a)
{
    if (!a)
        return;
    jm_arena_release(&a->arena);
    jm_free(a);
}
