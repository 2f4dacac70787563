/*
 * Rule evaluation over one stream: every compiled rule fills its `out` with the sorted, unique
 * times it occurs (docs/journey-definition.md "Rules"). Leaves read events or records; `any`
 * is the union of its children; `all` keeps a child's occurrence when every other positive
 * child has occurred by then and no `not` child has; `stage` copies the occurrences of the
 * stage it names, evaluated earlier (e->order).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "journey/internal.h"

#define DAY_US (86400.0 * 1e6)

jm_status jm__tvec_push(struct jm_tvec *v, int64_t t)
{
    if (v->n == v->cap && jm_grow((void **)&v->t, &v->cap, v->n + 1, sizeof(int64_t)))
        return JM_ENOMEM;
    v->t[v->n++] = t;
    return JM_OK;
}

/* Appends t unless it equals the last time (inputs arrive in time order). */
static jm_status push_unique(struct jm_tvec *v, int64_t t)
{
    return v->n && v->t[v->n - 1] == t ? JM_OK : jm__tvec_push(v, t);
}

static int cmp_time(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static void sort_unique(struct jm_tvec *v)
{
    if (v->n < 2)
        return;
    jm__qsort(v->t, v->n, sizeof(int64_t), cmp_time);
    size_t w = 1;
    for (size_t i = 1; i < v->n; i++)
        if (v->t[i] != v->t[w - 1])
            v->t[w++] = v->t[i];
    v->n = w;
}

static bool event_matches(const struct jm_engine *e, const struct jm_crule *c, size_t i)
{
    const struct jm_store_columns *col = e->col;
    if (c->tp_ok && !c->tp_ok[col->touchpoint[i]])
        return false;
    if (c->ch_ok && !c->ch_ok[col->channel[i]] && !c->grp_ok[e->group[i]])
        return false;
    for (size_t w = 0; w < c->n_where; w++)
        if (!jm__ccond_event(e, &c->where[w], i))
            return false;
    return true;
}

/* Each matching event once `at_least` matches fall within `within_days` (ending with it). */
static jm_status eval_event(struct jm_engine *e, struct jm_crule *c, const struct jm_stream *s)
{
    const struct jm_rule *r = c->src;
    uint32_t need = r->at_least ? r->at_least : 1;
    int64_t window = r->within_days > 0 ? (int64_t)llround(r->within_days * DAY_US) : 0;
    c->hits.n = 0;
    for (size_t k = 0; k < s->n_ev; k++) {
        size_t i = s->ev[k];
        if (!event_matches(e, c, i))
            continue;
        int64_t t = e->col->time_us[i];
        if (need == 1) {
            if (push_unique(&c->out, t))
                return JM_ENOMEM;
            continue;
        }
        if (jm__tvec_push(&c->hits, t))
            return JM_ENOMEM;
        size_t n = c->hits.n;
        if (n >= need && (!window || t - c->hits.t[n - need] <= window) && push_unique(&c->out, t))
            return JM_ENOMEM;
    }
    return JM_OK;
}

/* Points an event earns under the scoring rules. */
static double event_points(const struct jm_engine *e, size_t i)
{
    const struct jm_scoring *sc = &e->j->scoring;
    double p = 0;
    for (size_t r = 0; r < sc->n_rules; r++)
        if (event_matches(e, &e->score_rules[r], i))
            p += sc->rules[r].points;
    return p;
}

/*
 * The lead score walks the stream's events: it decays by half every half-life and rises by
 * each event's points. It can only rise at an event, so it crosses a threshold at one.
 * With `c` NULL it only records the stream's final and highest score.
 */
static jm_status eval_score(struct jm_engine *e, struct jm_crule *c, struct jm_stream *s)
{
    double hl = e->j->scoring.half_life_days * DAY_US;
    double score = 0, best = 0, thr = c ? c->src->score_at_least : 0;
    int64_t prev = 0;
    for (size_t k = 0; k < s->n_ev; k++) {
        size_t i = s->ev[k];
        int64_t t = e->col->time_us[i];
        if (k && hl > 0)
            score *= exp2(-(double)(t - prev) / hl);
        double before = score;
        score += event_points(e, i);
        prev = t;
        best = score > best ? score : best;
        if (c && before < thr && score >= thr && push_unique(&c->out, t))
            return JM_ENOMEM;
    }
    if (!c) {
        s->score = score;
        s->max_score = best;
    }
    return JM_OK;
}

static const struct jm_value *field(const struct jm_engine *e, enum jm_entity k, size_t row,
                                    const char *name)
{
    return jm_dataset_value(e->ds, k, row, jm_entity_field(jm_entity_get(k), name));
}

static bool text_in(const struct jm_value *v, const struct jm_strlist *l)
{
    if (!l->n)
        return true;
    for (size_t i = 0; i < l->n; i++)
        if (v->kind == JM_V_TEXT && strlen(l->v[i]) == v->len &&
            strncasecmp(l->v[i], v->s, v->len) == 0)
            return true;
    return false;
}

static bool is_text(const struct jm_value *v, const char *s)
{
    return v->kind == JM_V_TEXT && strlen(s) == v->len && memcmp(v->s, s, v->len) == 0;
}

static int64_t time_of(const struct jm_value *v)
{
    return v->kind == JM_V_TIME ? v->i : INT64_MIN;
}

/* Deal occurrences in time order: collected, then sorted (deals come by creation). */
static jm_status eval_deal(struct jm_engine *e, struct jm_crule *c, const struct jm_stream *s)
{
    const struct jm_rule *r = c->src;
    for (size_t k = 0; k < s->n_rec[JM_ENT_DEAL]; k++) {
        size_t d = s->rec[JM_ENT_DEAL][k];
        if (!text_in(field(e, JM_ENT_DEAL, d, "pipeline"), &r->pipelines))
            continue;
        const struct jm_value *status = field(e, JM_ENT_DEAL, d, "status");
        int64_t created = time_of(field(e, JM_ENT_DEAL, d, "created"));
        int64_t closed = time_of(field(e, JM_ENT_DEAL, d, "closed"));
        int64_t t = INT64_MIN;
        switch (r->deal) {
        case JM_DEAL_CREATED:
            t = created;
            break;
        case JM_DEAL_WON:
        case JM_DEAL_LOST:
            if (is_text(status, r->deal == JM_DEAL_WON ? "won" : "lost"))
                t = closed;
            break;
        case JM_DEAL_IN_STAGE:
            if (text_in(field(e, JM_ENT_DEAL, d, "stage"), &r->deal_stages))
                t = closed != INT64_MIN && !is_text(status, "open") ? closed : created;
            break;
        }
        if (t != INT64_MIN && jm__tvec_push(&c->out, t))
            return JM_ENOMEM;
    }
    sort_unique(&c->out);
    return JM_OK;
}

static jm_status eval_ticket(struct jm_engine *e, struct jm_crule *c, const struct jm_stream *s)
{
    for (size_t k = 0; k < s->n_rec[JM_ENT_TICKET]; k++) {
        size_t row = s->rec[JM_ENT_TICKET][k];
        if (!text_in(field(e, JM_ENT_TICKET, row, "priority"), &c->src->priorities))
            continue;
        int64_t t = time_of(field(e, JM_ENT_TICKET, row, "opened"));
        if (t != INT64_MIN && jm__tvec_push(&c->out, t))
            return JM_ENOMEM;
    }
    sort_unique(&c->out);
    return JM_OK;
}

static jm_status eval_survey(struct jm_engine *e, struct jm_crule *c, const struct jm_stream *s)
{
    const struct jm_rule *r = c->src;
    for (size_t k = 0; k < s->n_rec[JM_ENT_SURVEY]; k++) {
        size_t row = s->rec[JM_ENT_SURVEY][k];
        const struct jm_value *kind = field(e, JM_ENT_SURVEY, row, "kind");
        const struct jm_value *score = field(e, JM_ENT_SURVEY, row, "score");
        double v = score->kind == JM_V_INT ? (double)score->i : score->r;
        if ((r->survey_kind && !is_text(kind, r->survey_kind)) ||
            (score->kind != JM_V_INT && score->kind != JM_V_REAL) || v < r->score_min ||
            v > r->score_max)
            continue;
        int64_t t = time_of(field(e, JM_ENT_SURVEY, row, "time"));
        if (t != INT64_MIN && jm__tvec_push(&c->out, t))
            return JM_ENOMEM;
    }
    sort_unique(&c->out);
    return JM_OK;
}

static double mrr_of(const struct jm_engine *e, size_t row)
{
    const struct jm_value *v = field(e, JM_ENT_REVENUE, row, "mrr");
    return v->kind == JM_V_INT ? (double)v->i : v->kind == JM_V_REAL ? v->r : 0;
}

/* The first day of the month after the one `t` falls in. */
static int64_t next_month(int64_t t)
{
    int y, m, d, h, mi, sec;
    jm_time_civil(t, &y, &m, &d, &h, &mi, &sec);
    if (++m > 12) {
        m = 1;
        y++;
    }
    return jm_days_from_civil(y, (unsigned)m, 1) * (int64_t)(DAY_US);
}

/* Revenue periods come in period order: compare each with the one before. */
static jm_status eval_revenue(struct jm_engine *e, struct jm_crule *c, const struct jm_stream *s)
{
    enum jm_revenue_signal sig = c->src->revenue;
    double prev = 0;
    int64_t last = INT64_MIN;
    for (size_t k = 0; k < s->n_rec[JM_ENT_REVENUE]; k++) {
        size_t row = s->rec[JM_ENT_REVENUE][k];
        double mrr = mrr_of(e, row);
        int64_t t = time_of(field(e, JM_ENT_REVENUE, row, "period_start"));
        bool hit = (sig == JM_REV_STARTED && prev <= 0 && mrr > 0) ||
                   (sig == JM_REV_GROWN && prev > 0 && mrr > prev) ||
                   (sig == JM_REV_SHRUNK && mrr > 0 && mrr < prev) ||
                   (sig == JM_REV_ENDED && prev > 0 && mrr <= 0);
        if (hit && push_unique(&c->out, t))
            return JM_ENOMEM;
        prev = mrr;
        last = t;
    }
    /* A series that stops before the workspace's last period has ended the month after. */
    if (sig == JM_REV_ENDED && prev > 0 && last < e->last_revenue_period &&
        push_unique(&c->out, next_month(last)))
        return JM_ENOMEM;
    return JM_OK;
}

static jm_status eval(struct jm_engine *e, struct jm_crule *c, struct jm_stream *s);

static jm_status eval_all(struct jm_engine *e, struct jm_crule *c, struct jm_stream *s)
{
    for (size_t i = 0; i < c->n_children; i++)
        if (eval(e, &c->children[i], s))
            return JM_ENOMEM;
    for (size_t i = 0; i < c->n_children; i++) {
        const struct jm_crule *pos = &c->children[i];
        if (pos->src->kind == JM_RULE_NOT)
            continue;
        for (size_t k = 0; k < pos->out.n; k++) {
            int64_t t = pos->out.t[k];
            bool ok = true;
            for (size_t o = 0; ok && o < c->n_children; o++) {
                const struct jm_crule *other = &c->children[o];
                bool negated = other->src->kind == JM_RULE_NOT;
                const struct jm_tvec *occ = negated ? &other->children[0].out : &other->out;
                bool happened = occ->n && occ->t[0] <= t;
                ok = negated ? !happened : happened;
            }
            if (ok && jm__tvec_push(&c->out, t))
                return JM_ENOMEM;
        }
    }
    sort_unique(&c->out);
    return JM_OK;
}

static jm_status eval_any(struct jm_engine *e, struct jm_crule *c, struct jm_stream *s)
{
    for (size_t i = 0; i < c->n_children; i++) {
        struct jm_crule *ch = &c->children[i];
        if (eval(e, ch, s))
            return JM_ENOMEM;
        for (size_t k = 0; k < ch->out.n; k++)
            if (jm__tvec_push(&c->out, ch->out.t[k]))
                return JM_ENOMEM;
    }
    sort_unique(&c->out);
    return JM_OK;
}

static jm_status eval(struct jm_engine *e, struct jm_crule *c, struct jm_stream *s)
{
    c->out.n = 0;
    switch (c->src->kind) {
    case JM_RULE_ALL:
        return eval_all(e, c, s);
    case JM_RULE_ANY:
        return eval_any(e, c, s);
    case JM_RULE_NOT: /* the parent `all` reads whether the child has happened */
        return eval(e, &c->children[0], s);
    case JM_RULE_EVENT:
        return eval_event(e, c, s);
    case JM_RULE_SCORE:
        return eval_score(e, c, s);
    case JM_RULE_DEAL:
        return eval_deal(e, c, s);
    case JM_RULE_TICKET:
        return eval_ticket(e, c, s);
    case JM_RULE_SURVEY:
        return eval_survey(e, c, s);
    case JM_RULE_REVENUE:
        return eval_revenue(e, c, s);
    case JM_RULE_STAGE: {
        const struct jm_tvec *src = &e->stage_rules[c->src->stage].out;
        for (size_t k = 0; k < src->n; k++)
            if (jm__tvec_push(&c->out, src->t[k]))
                return JM_ENOMEM;
        return JM_OK;
    }
    }
    return JM_OK;
}

jm_status jm__engine_eval(struct jm_engine *e, struct jm_stream *s)
{
    for (size_t k = 0; k < e->j->n_stages; k++) {
        size_t st = e->order[k];
        if (eval(e, &e->stage_rules[st], s) ||
            (e->back_rules[st].src && eval(e, &e->back_rules[st], s)))
            return JM_ENOMEM;
    }
    return eval_score(e, NULL, s);
}
