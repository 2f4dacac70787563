/*
 * The voice of the customer (insights.h): survey answers summarised per stage, touchpoint,
 * group and month, and the emotion curve. Tickets and SLA targets are voice_sla.c's.
 *
 * Each answer is placed once: its unit, stage (jm_timelines_stage_at), touchpoint, group and
 * month. The touchpoint needs the unit's last event at or before the answer, and a unit's
 * events are not one run at contact level (a contact can be spread over several accounts), so
 * one pass over the store offers every event to the answers of its unit that it may precede:
 * with the answers sorted by (unit, time), those are a run found by binary search.
 *
 * Rows hold answers only: a touchpoint, group or month without one is left out, while every
 * stage is listed (in the journey's order) so the curve has a point per stage.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "insights/voice_sla.h"

#define MAX_DAYS 36500.0 /* a century */

void jm_voice_defaults(struct jm_voice_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->by = "account.segment";
    o->touch_days = 14;
    o->sla[JM_PRIO_LOW] = (struct jm_sla_target){24, 120};
    o->sla[JM_PRIO_NORMAL] = (struct jm_sla_target){8, 72};
    o->sla[JM_PRIO_HIGH] = (struct jm_sla_target){4, 24};
    o->sla[JM_PRIO_URGENT] = (struct jm_sla_target){1, 8};
    o->after_breach_days = 90;
}

/* ---------------------------------------------------------------- score summaries */

/* What a summary is made of, per survey kind. */
struct acc {
    uint64_t n, top, bottom;
    double sum;
};

static void acc_add(struct acc *a, const struct jm__answer *x)
{
    /* promoter 9-10 / detractor 0-6; satisfied 4-5 / 1-2; easy 5-7 / hard 1-3 */
    static const double TOP[JM_SURVEY__COUNT] = {9, 4, 5}, BOTTOM[JM_SURVEY__COUNT] = {6, 2, 3};
    struct acc *k = &a[x->kind];
    k->n++;
    k->sum += x->score;
    k->top += x->score >= TOP[x->kind];
    k->bottom += x->score <= BOTTOM[x->kind];
}

static void summaries(const struct acc *a, struct jm_score_summary *out)
{
    for (int k = 0; k < JM_SURVEY__COUNT; k++) {
        double n = (double)a[k].n;
        struct jm_score_summary *s = &out[k];
        s->n = a[k].n;
        s->mean = s->top = s->bottom = s->nps = NAN;
        if (!a[k].n)
            continue;
        s->mean = a[k].sum / n;
        s->top = (double)a[k].top / n;
        s->bottom = (double)a[k].bottom / n;
        if (k == JM_SURVEY_NPS)
            s->nps = (s->top - s->bottom) * 100;
    }
}

static uint64_t acc_total(const struct acc *a)
{
    return a[JM_SURVEY_NPS].n + a[JM_SURVEY_CSAT].n + a[JM_SURVEY_CES].n;
}

struct key_rank {
    size_t key;
    uint64_t n;
    const char *label;
};

static int rank_cmp(const void *a, const void *b)
{
    const struct key_rank *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->label, y->label);
}

/*
 * Rows of keys 0 .. n_keys - 1 (accumulators acc[key * JM_SURVEY__COUNT ..]) in key order, or
 * most answers first when `by_count`; keys without answers are left out unless `keep_empty`.
 */
static jm_status rows_of(struct jm_arena *arena, const char *const *labels, const struct acc *acc,
                         size_t n_keys, bool keep_empty, bool by_count, struct jm_voice_row **out,
                         size_t *n_out)
{
    struct key_rank *rank = jm_malloc((n_keys + 1) * sizeof(*rank));
    *out = jm_arena_alloc(arena, (n_keys + 1) * sizeof(**out));
    if (!rank || !*out) {
        jm_free(rank);
        return JM_ENOMEM;
    }
    size_t n = 0;
    for (size_t k = 0; k < n_keys; k++) {
        uint64_t total = acc_total(&acc[k * JM_SURVEY__COUNT]);
        if (total || keep_empty)
            rank[n++] = (struct key_rank){k, total, labels[k]};
    }
    if (by_count)
        jm__qsort(rank, n, sizeof(*rank), rank_cmp);
    /* Labels are copied: they come from the store, the journey or a breakdown, none of which
     * the result may keep. */
    for (size_t i = 0; i < n; i++) {
        (*out)[i].key = jm_arena_strdup(arena, rank[i].label);
        summaries(&acc[rank[i].key * JM_SURVEY__COUNT], (*out)[i].s);
    }
    *n_out = n;
    jm_free(rank);
    return arena->failed ? JM_ENOMEM : JM_OK;
}

/* ---------------------------------------------------------------- answers */

struct answers {
    struct jm__answer *a;
    size_t n, cap;
};

static bool kind_of(const struct jm_value *v, enum jm_survey_kind *k)
{
    static const char *const NAMES[JM_SURVEY__COUNT] = {"nps", "csat", "ces"};
    for (int i = 0; i < JM_SURVEY__COUNT; i++)
        if (jm__value_is(v, NAMES[i])) {
            *k = (enum jm_survey_kind)i;
            return true;
        }
    return false;
}

static jm_status collect(const struct jm_report *r, struct answers *as)
{
    const struct jm_dataset *ds = r->tl->ds;
    const struct jm_entity_def *def = jm_entity_get(JM_ENT_SURVEY);
    int fk = jm_entity_field(def, "kind"), fs = jm_entity_field(def, "score");
    for (size_t row = 0; row < jm_dataset_rows(ds, JM_ENT_SURVEY); row++) {
        uint32_t u = jm__record_unit(r->tl, JM_ENT_SURVEY, row);
        int64_t t = jm__record_time(ds, JM_ENT_SURVEY, row);
        double score = jm__value_number(jm_dataset_value(ds, JM_ENT_SURVEY, row, fs));
        enum jm_survey_kind k;
        if (!jm__unit_in(r, u) || !jm__in_period(&r->opts, t) || isnan(score) ||
            !kind_of(jm_dataset_value(ds, JM_ENT_SURVEY, row, fk), &k))
            continue;
        if (as->n == as->cap && jm_grow((void **)&as->a, &as->cap, as->n + 1, sizeof(*as->a)))
            return JM_ENOMEM;
        as->a[as->n++] = (struct jm__answer){u, (uint32_t)row, t, k, score, JM_NONE};
    }
    return JM_OK;
}

static int by_unit_time(const void *a, const void *b)
{
    const struct jm__answer *x = a, *y = b;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

static int by_time(const void *a, const void *b)
{
    const struct jm__answer *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

/* Offers event i to the answers a[lo..end) of its unit (sorted by time) that it may precede:
 * at or before each, within the window (0: any time before). Later events win, ties by index. */
static void offer(const int64_t *time, struct jm__answer *a, size_t lo, size_t end, uint32_t i,
                  int64_t window_us)
{
    int64_t t = time[i];
    size_t hi = end;
    while (lo < hi) { /* the first answer at or after t */
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid].time < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < end && (!window_us || a[k].time - t <= window_us); k++) {
        uint32_t cur = a[k].touch;
        if (cur == JM_NONE || t > time[cur] || (t == time[cur] && i > cur))
            a[k].touch = i;
    }
}

/* Sets each answer's touch; `as` sorted by (unit, time). */
static jm_status touches(const struct jm_report *r, struct answers *as, double touch_days)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_store *st = jm_dataset_store(tl->ds);
    const struct jm_store_columns *col = jm_store_columns(st);
    int64_t window = (int64_t)(touch_days * JM_DAY_US);
    uint32_t *start = jm_calloc(tl->n_units + 2, sizeof(uint32_t)); /* unit u: [u, u + 1) */
    if (!start)
        return JM_ENOMEM;
    for (size_t k = 0; k < as->n; k++)
        start[as->a[k].unit + 1]++;
    for (size_t u = 0; u < tl->n_units; u++)
        start[u + 1] += start[u];
    for (size_t acc = 0; acc <= col->n_accounts; acc++) {
        size_t b, e;
        jm_store_account_slice(st, acc, &b, &e);
        for (size_t i = b; i < e; i++) {
            uint32_t u = jm__event_unit(tl, acc, i);
            if (u != JM_NONE && start[u] < start[u + 1])
                offer(col->time_us, as->a, start[u], start[u + 1], (uint32_t)i, window);
        }
    }
    jm_free(start);
    return JM_OK;
}

/* ---------------------------------------------------------------- rows */

/* Per stage, touchpoint and group, then the rows. `as` in any order. */
static jm_status place(const struct jm_report *r, struct jm_voice *v, const struct answers *as,
                       const struct jm_breakdown *groups)
{
    const struct jm_timelines *tl = r->tl;
    const struct jm_store *st = jm_dataset_store(tl->ds);
    const struct jm_store_columns *col = jm_store_columns(st);
    size_t ns = tl->n_stages, ntp = jm_store_dict_size(st, JM_STORE_TOUCHPOINT);
    size_t ng = groups->n_groups, n_keys = ns + ntp + 1 + ng + 1; /* the last: all answers */
    struct acc *acc = jm_calloc(n_keys * JM_SURVEY__COUNT + 1, sizeof(*acc));
    const char **labels = jm_arena_alloc(&v->arena, (n_keys + 1) * sizeof(char *));
    if (!acc || !labels) {
        jm_free(acc);
        return JM_ENOMEM;
    }
    struct acc *stage = acc, *tp = acc + ns * JM_SURVEY__COUNT;
    struct acc *group = tp + (ntp + 1) * JM_SURVEY__COUNT, *all = group + ng * JM_SURVEY__COUNT;
    for (size_t k = 0; k < as->n; k++) {
        const struct jm__answer *x = &as->a[k];
        uint16_t s = jm_timelines_stage_at(tl, x->unit, x->time);
        size_t t = x->touch == JM_NONE ? ntp : col->touchpoint[x->touch];
        acc_add(all, x);
        if (s != JM_NO_STAGE)
            acc_add(&stage[s * JM_SURVEY__COUNT], x);
        acc_add(&tp[t * JM_SURVEY__COUNT], x);
        acc_add(&group[groups->group_of[x->unit] * JM_SURVEY__COUNT], x);
    }
    for (size_t s = 0; s < ns; s++)
        labels[s] = tl->journey->stages[s].key;
    for (size_t t = 0; t < ntp; t++)
        labels[ns + t] = t ? jm_store_text(st, JM_STORE_TOUCHPOINT, t, NULL) : JM_INSIGHT_MISSING;
    labels[ns + ntp] = JM_INSIGHT_NO_TOUCH;
    for (size_t g = 0; g < ng; g++)
        labels[ns + ntp + 1 + g] = groups->labels[g];
    summaries(all, v->all);
    jm_status rc = rows_of(&v->arena, labels, stage, ns, true, false, &v->stages, &v->n_stages);
    if (!rc)
        rc = rows_of(&v->arena, labels + ns, tp, ntp + 1, false, true, &v->touchpoints,
                     &v->n_touchpoints);
    if (!rc)
        rc = rows_of(&v->arena, labels + ns + ntp + 1, group, ng, false, false, &v->groups,
                     &v->n_groups);
    jm_free(acc);
    return rc;
}

/* One row per month with answers; sorts `as` by time. */
static jm_status months(struct jm_voice *v, struct answers *as)
{
    jm__qsort(as->a, as->n, sizeof(*as->a), by_time);
    v->months = jm_arena_alloc(&v->arena, (as->n + 1) * sizeof(*v->months));
    if (!v->months)
        return JM_ENOMEM;
    for (size_t k = 0; k < as->n;) {
        int64_t month = jm__month_of(as->a[k].time);
        struct acc acc[JM_SURVEY__COUNT] = {{0}};
        for (; k < as->n && jm__month_of(as->a[k].time) == month; k++)
            acc_add(acc, &as->a[k]);
        char text[16];
        jm__month_text(month, text, sizeof(text));
        struct jm_voice_row *row = &v->months[v->n_months++];
        row->key = jm_arena_strdup(&v->arena, text);
        summaries(acc, row->s);
    }
    return v->arena.failed ? JM_ENOMEM : JM_OK;
}

/* The measured curve (jm_activity's) and the authored one, per stage. */
static jm_status emotion(const struct jm_report *r, struct jm_voice *v, struct jm_error *err)
{
    size_t ns = r->tl->n_stages;
    struct jm_activity *act = NULL;
    jm_status rc = jm_activity_of(r, &act, err);
    if (rc)
        return rc;
    v->emotion = jm_arena_alloc(&v->arena, (ns + 1) * sizeof(double));
    v->authored_emotion = jm_arena_alloc(&v->arena, (ns + 1) * sizeof(double));
    if (!v->emotion || !v->authored_emotion) {
        jm_activity_free(act);
        return JM_ENOMEM;
    }
    for (size_t s = 0; s < ns; s++) {
        const struct jm_stage *st = &r->tl->journey->stages[s];
        v->emotion[s] = act->stages[s].emotion;
        v->authored_emotion[s] = st->has_emotion ? st->emotion : NAN;
    }
    jm_activity_free(act);
    return JM_OK;
}

/* ---------------------------------------------------------------- compute */

static jm_status check_opts(const struct jm_voice_opts *o, struct jm_error *err)
{
    /* The bounds keep days and hours in microseconds inside int64_t. */
    bool ok = o->by && o->touch_days >= 0 && o->touch_days <= MAX_DAYS &&
              o->after_breach_days >= 0 && o->after_breach_days <= MAX_DAYS;
    for (int p = 0; p < JM_PRIO__COUNT; p++)
        ok = ok && o->sla[p].first_response_hours >= 0 && o->sla[p].resolution_hours >= 0 &&
             o->sla[p].first_response_hours <= MAX_DAYS * 24 &&
             o->sla[p].resolution_hours <= MAX_DAYS * 24;
    if (!ok)
        return jm_error_set(err, JM_EINVAL,
                            "voice options: by must be set; touch_days and after_breach_days "
                            "0..%g, SLA hours 0..%g",
                            MAX_DAYS, MAX_DAYS * 24);
    return JM_OK;
}

static jm_status run(const struct jm_report *r, struct jm_voice *v, struct jm_error *err)
{
    struct answers as = {0};
    struct jm_breakdown groups = {0};
    jm_status rc = jm_breakdown_units(r->tl, v->opts.by, &groups, err);
    if (rc)
        return rc;
    rc = collect(r, &as);
    if (!rc) {
        jm__qsort(as.a, as.n, sizeof(*as.a), by_unit_time);
        rc = touches(r, &as, v->opts.touch_days);
    }
    if (!rc)
        rc = place(r, v, &as, &groups);
    if (!rc)
        rc = jm__voice_sla(r, v, as.a, as.n);
    if (!rc)
        rc = months(v, &as);
    if (!rc)
        rc = emotion(r, v, err);
    jm_breakdown_release(&groups);
    jm_free(as.a);
    return rc;
}

jm_status jm_voice_compute(const struct jm_report *r, const struct jm_voice_opts *o,
                           struct jm_voice **out, struct jm_error *err)
{
    *out = NULL;
    struct jm_voice_opts def;
    jm_voice_defaults(&def);
    if (!o)
        o = &def;
    jm_status rc = check_opts(o, err);
    if (rc)
        return rc;
    struct jm_voice *v = jm_calloc(1, sizeof(*v));
    if (!v)
        return jm_error_set(err, JM_ENOMEM, "out of memory computing the voice of the customer");
    jm_arena_init(&v->arena);
    v->opts = *o;
    v->opts.by = jm_arena_strdup(&v->arena, o->by);
    rc = v->opts.by ? run(r, v, err) : JM_ENOMEM;
    if (rc) {
        jm_voice_free(v);
        return rc == JM_ENOMEM
                   ? jm_error_set(err, rc, "out of memory computing the voice of the customer")
                   : rc;
    }
    *out = v;
    return JM_OK;
}

void jm_voice_free(struct jm_voice *v)
{
    if (!v)
        return;
    jm_arena_release(&v->arena);
    jm_free(v);
}
