/*
 * Attribution (insights.h "attribution"): credit for each conversion to the touches of the
 * whole buying committee in its lookback window, by ten models, in conversions and revenue.
 *
 * One pass over the accounts, split into parts on threads as the sequence analyses do
 * (jm__seq_run: whole store-account slices, about the same number of events each). Per account
 * a part merges the contacts' events into time order (jm__touches_of), drops the excluded
 * touchpoints, finds the account's conversions and, for each, its window [time - lookback,
 * time) by binary search. Each conversion leaves in the part:
 *
 *   conv[]     account, deal, time, value, touches, and its range of credits
 *   credits[]  per key of its window: touches and the share of every model (slot[] maps a key
 *              to its credit while the conversion is credited, and is reset by walking the
 *              credits, so nothing is cleared per key and nothing is allocated per event)
 *   mc         its path, counted as it is read into the Markov chain's transitions: its
 *              touches' keys (repeats collapsed) ended by "conversion"; an account without a
 *              conversion in the period leaves its last window ended by "null". No path is
 *              stored: counts are integers, so adding up the parts' gives the same chain
 *
 * The caller then sorts all conversions by (time, account, deal) and sums the credits into the
 * rows in that order, so the sums (and their rounding) do not depend on the number of threads;
 * the Markov chain is solved from all parts' counts (markov.c). Accounts rows without events
 * have no store slice: they are read after the parts, on the caller's thread, and can only
 * convert without touches.
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include "analytics/sequence_internal.h"
#include "insights/internal.h"
#include "base/banned.h"

#define NO_TOUCH_KEY UINT32_MAX
#define NO_POS       SIZE_MAX

enum { POS_FIRST, POS_LEAD, POS_OPP, POS_LAST, POS__COUNT };

/* A conversion's credit to one key, before keys become rows. */
struct credit {
    uint32_t key; /* dimension key, or NO_TOUCH_KEY */
    uint32_t touches;
    double share[JM_ATTR__COUNT];
};

struct part {
    struct jm_conversion *conv; /* credit_start/end index this part's credits */
    size_t n_conv, cap_conv;
    struct credit *cr;
    size_t n_cr, cap_cr;
    struct jm__mcount mc; /* the Markov chain's transitions along the paths */
    struct jm__touches tb;
    uint32_t *slot; /* per key: its credit in the current conversion, or JM_NONE */
};

/* Deal fields read per conversion. */
struct deal_fields {
    int created, closed, status, amount;
};

struct job {
    const struct jm_report *r;
    const struct jm_attribution_opts *o;
    const struct jm_dataset *ds;
    const struct jm_store *s;
    const int64_t *time;
    const uint32_t *contact;
    struct jm__dim dim;
    uint8_t *exclude;
    int64_t lookback_us; /* 0: no bound */
    double half_life_us;
    uint32_t stage, lead_stage, opp_stage; /* stage indexes, or JM_NONE */
    uint16_t target_tp;                    /* TOUCHPOINT: its store id, 0 when absent */
    struct deal_fields df;
    struct jm_groups deals; /* per accounts row */
    int64_t *lead_created;  /* per accounts row: earliest contact `created`, or INT64_MAX */
    int64_t *first_deal;    /* per accounts row: earliest deal `created`, or INT64_MAX */
    struct jm__mrr mrr;     /* REVENUE only */
    struct part *parts;     /* n_parts + 1: the last reads the rows without events */
};

/* ---------------------------------------------------------------- models */

static const char *const MODEL_KEY[JM_ATTR__COUNT] = {
    "first_touch", "lead_creation", "opportunity_creation", "last_touch", "linear", "u_shaped",
    "w_shaped",    "full_path",     "time_decay",           "markov"};
static const char *const MODEL_NAME[JM_LANG__COUNT][JM_ATTR__COUNT] = {
    {"First touch", "Lead creation", "Opportunity creation", "Last touch", "Linear", "U-shaped",
     "W-shaped", "Full path", "Time decay", "Markov chain"},
    {"Điểm chạm đầu tiên", "Tạo khách hàng tiềm năng", "Tạo cơ hội", "Điểm chạm cuối cùng",
     "Tuyến tính", "Hình chữ U", "Hình chữ W", "Toàn hành trình", "Suy giảm theo thời gian",
     "Chuỗi Markov"}};

const char *jm_attr_model_key(enum jm_attr_model m)
{
    return m < JM_ATTR__COUNT ? MODEL_KEY[m] : "";
}

bool jm_attr_model_parse(const char *s, enum jm_attr_model *out)
{
    static const struct {
        const char *alias;
        enum jm_attr_model m;
    } ALIAS[] = {{"first", JM_ATTR_FIRST}, {"last", JM_ATTR_LAST}, {"u", JM_ATTR_U},
                 {"w", JM_ATTR_W},         {"full", JM_ATTR_FULL}, {"decay", JM_ATTR_DECAY}};
    for (int m = 0; s && m < JM_ATTR__COUNT; m++)
        if (strcmp(s, MODEL_KEY[m]) == 0) {
            *out = (enum jm_attr_model)m;
            return true;
        }
    for (size_t i = 0; s && i < sizeof(ALIAS) / sizeof(ALIAS[0]); i++)
        if (strcmp(s, ALIAS[i].alias) == 0) {
            *out = ALIAS[i].m;
            return true;
        }
    return false;
}

const char *jm_attr_model_name(enum jm_attr_model m, enum jm_lang lang)
{
    if (m >= JM_ATTR__COUNT)
        return "";
    return MODEL_NAME[lang < JM_LANG__COUNT ? lang : JM_LANG_EN][m];
}

void jm_attribution_defaults(struct jm_attribution_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->conversion = JM_CONVERT_WON;
    o->by = JM_DIM_CHANNEL;
    o->lookback_days = 365;
    o->half_life_days = 7;
}

/* Position weights of U, W and FULL (first, lead, opportunity, last) and the rest's weight. */
static const double POS_W[3][POS__COUNT] = {
    {0.4, 0.4, 0, 0}, {0.3, 0.3, 0.3, 0}, {0.225, 0.225, 0.225, 0.225}};
static const double REST_W[3] = {0.2, 0.1, 0.1};

/* A conversion's window of n touches and what the models need to know about it. */
struct shape {
    size_t n;
    size_t pos[POS__COUNT];        /* touch offsets of the milestones, NO_POS when none */
    size_t single[4];              /* the touch of FIRST, LEAD, OPPORTUNITY and LAST */
    double total[3], rest_each[3]; /* U, W, FULL: sum of the weights present; each rest touch */
    int64_t latest;                /* time of the last touch (decay is relative to it) */
    double decay_sum;
};

/* The positional weights present and how the rest is spread (see the header's rules). */
static void shape_positional(struct shape *sh)
{
    for (int m = 0; m < 3; m++) {
        size_t held = 0;
        double total = 0;
        for (int q = 0; q < POS__COUNT; q++) {
            if (sh->pos[q] == NO_POS || POS_W[m][q] == 0)
                continue;
            total += POS_W[m][q];
            bool seen = false; /* a touch holding two positions is held once */
            for (int q2 = 0; q2 < q; q2++)
                seen |= POS_W[m][q2] != 0 && sh->pos[q2] == sh->pos[q];
            held += !seen;
        }
        size_t rest = sh->n - held;
        sh->total[m] = total + (rest ? REST_W[m] : 0);
        sh->rest_each[m] = rest ? REST_W[m] / (double)rest : 0;
    }
    size_t lead = sh->pos[POS_LEAD] != NO_POS ? sh->pos[POS_LEAD] : 0;
    sh->single[0] = 0;
    sh->single[1] = lead;
    sh->single[2] = sh->pos[POS_OPP] != NO_POS ? sh->pos[POS_OPP] : lead;
    sh->single[3] = sh->n - 1;
}

/* Decay weight of a touch at `t` relative to the latest touch (a half-life of 0: only it). */
static double decay_weight(const struct job *job, int64_t latest, int64_t t)
{
    if (job->half_life_us == 0)
        return t == latest ? 1 : 0;
    return exp2(-(double)(latest - t) / job->half_life_us);
}

/* Every model's share of touch i (offset in the window) at time t. */
static void touch_shares(const struct job *job, const struct shape *sh, size_t i, int64_t t,
                         double *share)
{
    static const enum jm_attr_model SINGLE[4] = {JM_ATTR_FIRST, JM_ATTR_LEAD, JM_ATTR_OPPORTUNITY,
                                                 JM_ATTR_LAST};
    for (int k = 0; k < 4; k++)
        share[SINGLE[k]] = sh->single[k] == i;
    share[JM_ATTR_LINEAR] = 1.0 / (double)sh->n;
    for (int m = 0; m < 3; m++) {
        double w = 0;
        for (int q = 0; q < POS__COUNT; q++)
            if (sh->pos[q] == i)
                w += POS_W[m][q];
        share[JM_ATTR_U + m] = (w > 0 ? w : sh->rest_each[m]) / sh->total[m];
    }
    share[JM_ATTR_DECAY] = decay_weight(job, sh->latest, t) / sh->decay_sum;
    share[JM_ATTR_MARKOV] = 0;
}

/* ---------------------------------------------------------------- milestones */

static int64_t entered(const struct job *job, size_t row, uint32_t stage)
{
    return job->r->tl->entered[row * job->r->tl->n_stages + stage];
}

/* Offset in [b, e) of the last touch at or before `t`, or NO_POS. */
static size_t touch_at_or_before(const struct job *job, const struct jm__touches *tb, size_t b,
                                 size_t e, int64_t t)
{
    if (t == INT64_MAX)
        return NO_POS;
    size_t i = jm__touches_lower(job->s, tb, t + 1);
    if (i > e)
        i = e;
    return i > b ? i - 1 - b : NO_POS;
}

static size_t lead_touch(const struct job *job, const struct jm__touches *tb, size_t row, size_t b,
                         size_t e)
{
    if (job->lead_stage != JM_NONE)
        return touch_at_or_before(job, tb, b, e, entered(job, row, job->lead_stage));
    if (job->lead_created[row] != INT64_MAX)
        return touch_at_or_before(job, tb, b, e, job->lead_created[row]);
    for (size_t i = b; i < e; i++) /* no contact has a `created`: the first identified touch */
        if (job->contact[tb->ev[i]])
            return i - b;
    return NO_POS;
}

static int64_t deal_time(const struct job *job, size_t deal, int field)
{
    return jm__value_time(jm_dataset_value(job->ds, JM_ENT_DEAL, deal, field));
}

static int64_t opportunity_time(const struct job *job, size_t row, const struct jm_conversion *cv)
{
    if (job->opp_stage != JM_NONE)
        return entered(job, row, job->opp_stage);
    if (job->o->conversion == JM_CONVERT_WON)
        return deal_time(job, cv->deal, job->df.created);
    return job->first_deal[row] < cv->time ? job->first_deal[row] : INT64_MAX;
}

/* ---------------------------------------------------------------- crediting */

static jm_status new_credit(struct part *p, uint32_t key, uint32_t *at)
{
    if (p->n_cr == p->cap_cr && jm_grow((void **)&p->cr, &p->cap_cr, p->n_cr + 1, sizeof(*p->cr)))
        return JM_ENOMEM;
    *at = (uint32_t)p->n_cr;
    memset(&p->cr[p->n_cr], 0, sizeof(p->cr[0]));
    p->cr[p->n_cr++].key = key;
    return JM_OK;
}

/* A conversion without touches: everything to the no-touch row (MARKOV stays 0 per path). */
static jm_status credit_no_touch(struct part *p)
{
    uint32_t at;
    if (new_credit(p, NO_TOUCH_KEY, &at))
        return JM_ENOMEM;
    for (int m = 0; m < JM_ATTR__COUNT; m++)
        p->cr[at].share[m] = m != JM_ATTR_MARKOV;
    return JM_OK;
}

/* Adds each touch's shares to its key's credit, then resets the slots it used. */
static jm_status credit_touches(const struct job *job, struct part *p, const struct shape *sh,
                                size_t b)
{
    size_t first = p->n_cr;
    jm_status rc = JM_OK;
    for (size_t i = 0; i < sh->n && !rc; i++) {
        uint32_t ev = p->tb.ev[b + i], k = jm__dim_key(&job->dim, ev);
        if (p->slot[k] == JM_NONE)
            rc = new_credit(p, k, &p->slot[k]);
        if (rc)
            break;
        struct credit *c = &p->cr[p->slot[k]];
        double share[JM_ATTR__COUNT];
        touch_shares(job, sh, i, job->time[ev], share);
        c->touches++;
        for (int m = 0; m < JM_ATTR__COUNT; m++)
            c->share[m] += share[m];
    }
    for (size_t c = first; c < p->n_cr; c++)
        p->slot[p->cr[c].key] = JM_NONE;
    return rc;
}

/* Counts the path of touches [b, e) (repeats collapsed) and its end into the chain. */
static jm_status push_path(const struct job *job, struct part *p, size_t b, size_t e,
                           bool converted)
{
    for (size_t i = b; i < e; i++)
        if (jm__mcount_key(&p->mc, jm__dim_key(&job->dim, p->tb.ev[i])))
            return JM_ENOMEM;
    return jm__mcount_end(&p->mc, converted);
}

static int64_t minus(int64_t t, int64_t d)
{
    return t < INT64_MIN + d ? INT64_MIN : t - d;
}

/* First touch of the window ending before `t` (all of them without a lookback). */
static size_t window_begin(const struct job *job, const struct jm__touches *tb, int64_t t)
{
    return job->lookback_us ? jm__touches_lower(job->s, tb, minus(t, job->lookback_us)) : 0;
}

/* Credits conversion p->conv[ci] of accounts row `row` and records its path. */
static jm_status credit(const struct job *job, struct part *p, size_t row, size_t ci)
{
    struct jm_conversion *cv = &p->conv[ci];
    const struct jm__touches *tb = &p->tb;
    size_t e = jm__touches_lower(job->s, tb, cv->time), b = window_begin(job, tb, cv->time);
    if (b > e)
        b = e;
    cv->n_touches = (uint32_t)(e - b);
    cv->credit_start = (uint32_t)p->n_cr;
    jm_status rc;
    if (b == e) {
        rc = credit_no_touch(p);
    } else {
        struct shape sh = {.n = e - b, .latest = job->time[tb->ev[e - 1]]};
        sh.pos[POS_FIRST] = 0;
        sh.pos[POS_LAST] = sh.n - 1;
        sh.pos[POS_LEAD] = lead_touch(job, tb, row, b, e);
        sh.pos[POS_OPP] = touch_at_or_before(job, tb, b, e, opportunity_time(job, row, cv));
        shape_positional(&sh);
        for (size_t i = b; i < e; i++)
            sh.decay_sum += decay_weight(job, sh.latest, job->time[tb->ev[i]]);
        rc = credit_touches(job, p, &sh, b);
    }
    cv->credit_end = (uint32_t)p->n_cr;
    return rc ? rc : push_path(job, p, b, e, true);
}

/* ---------------------------------------------------------------- conversions */

static jm_status push_conv(struct part *p, size_t row, uint32_t deal, int64_t t, double value)
{
    if (p->n_conv == p->cap_conv &&
        jm_grow((void **)&p->conv, &p->cap_conv, p->n_conv + 1, sizeof(*p->conv)))
        return JM_ENOMEM;
    p->conv[p->n_conv++] = (struct jm_conversion){(uint32_t)row, deal, t, value, 0, 0, 0};
    return JM_OK;
}

static double deal_amount(const struct job *job, size_t deal)
{
    double x = jm__value_number(jm_dataset_value(job->ds, JM_ENT_DEAL, deal, job->df.amount));
    return isnan(x) ? 0 : x;
}

static bool deal_won(const struct job *job, size_t deal)
{
    return jm__value_is(jm_dataset_value(job->ds, JM_ENT_DEAL, deal, job->df.status), "won");
}

/* STAGE / TOUCHPOINT at `t`: valued at the deals won at or after it; the earliest names it. */
static jm_status push_valued(const struct job *job, struct part *p, size_t row, int64_t t)
{
    double value = 0;
    uint32_t deal = JM_NONE;
    int64_t best = INT64_MAX;
    for (uint32_t k = job->deals.start[row]; k < job->deals.start[row + 1]; k++) {
        uint32_t d = job->deals.rows[k];
        int64_t closed = deal_time(job, d, job->df.closed);
        if (!deal_won(job, d) || closed < t)
            continue;
        value += deal_amount(job, d);
        if (deal == JM_NONE || closed < best || (closed == best && d < deal)) {
            best = closed;
            deal = d;
        }
    }
    return push_conv(p, row, deal, t, value);
}

static jm_status push_revenue(const struct job *job, struct part *p, size_t row)
{
    int64_t start = job->mrr.start[row];
    if (start == INT64_MIN || !jm__in_period(&job->r->opts, jm__month_start(start)))
        return JM_OK;
    double value = 0;
    for (int64_t k = 0; k < 12; k++)
        value += jm__mrr_at(&job->mrr, row, start + k);
    return push_conv(p, row, JM_NONE, jm__month_start(start), value);
}

/* The conversions of accounts row `row` in the period; `tp_first`: its first target event. */
static jm_status find_conversions(const struct job *job, struct part *p, size_t row,
                                  int64_t tp_first)
{
    const struct jm_analysis_options *period = &job->r->opts;
    switch (job->o->conversion) {
    case JM_CONVERT_STAGE: {
        int64_t t = entered(job, row, job->stage);
        return jm__in_period(period, t) ? push_valued(job, p, row, t) : JM_OK;
    }
    case JM_CONVERT_TOUCHPOINT:
        return jm__in_period(period, tp_first) ? push_valued(job, p, row, tp_first) : JM_OK;
    case JM_CONVERT_REVENUE:
        return push_revenue(job, p, row);
    case JM_CONVERT_WON:
        break;
    }
    for (uint32_t k = job->deals.start[row]; k < job->deals.start[row + 1]; k++) {
        uint32_t d = job->deals.rows[k];
        int64_t closed = deal_time(job, d, job->df.closed);
        if (deal_won(job, d) && jm__in_period(period, closed) &&
            push_conv(p, row, d, closed, deal_amount(job, d)))
            return JM_ENOMEM;
    }
    return JM_OK;
}

/* Reads store account a's touches into p->tb without the excluded ones; the first target
 * event's time (TOUCHPOINT) is taken before they go, since a target may be excluded too. */
static jm_status read_touches(const struct job *job, struct part *p, uint32_t a, int64_t *tp_first)
{
    *tp_first = INT64_MAX;
    p->tb.n = 0;
    if (a == JM_NONE)
        return JM_OK;
    if (jm__touches_of(job->s, a, &p->tb))
        return JM_ENOMEM;
    const uint16_t *tp = jm_store_columns(job->s)->touchpoint;
    size_t n = 0;
    for (size_t i = 0; i < p->tb.n; i++) {
        uint32_t ev = p->tb.ev[i];
        if (job->target_tp && tp[ev] == job->target_tp && *tp_first == INT64_MAX)
            *tp_first = job->time[ev];
        if (!job->exclude || !job->exclude[tp[ev]])
            p->tb.ev[n++] = ev;
    }
    p->tb.n = n;
    return JM_OK;
}

/* The path of an account without a conversion: its last window in the period, then null. */
static jm_status null_path(const struct job *job, struct part *p)
{
    const struct jm_analysis_options *period = &job->r->opts;
    size_t e = jm__touches_lower(job->s, &p->tb, period->to);
    if (!e || job->time[p->tb.ev[e - 1]] < period->from)
        return JM_OK;
    size_t b = window_begin(job, &p->tb, job->time[p->tb.ev[e - 1]]);
    return push_path(job, p, b, e, false);
}

static jm_status do_account(const struct job *job, struct part *p, size_t row, uint32_t a)
{
    if (!jm__unit_in(job->r, row))
        return JM_OK;
    int64_t tp_first;
    size_t first = p->n_conv;
    jm_status rc = read_touches(job, p, a, &tp_first);
    if (!rc)
        rc = find_conversions(job, p, row, tp_first);
    for (size_t ci = first; ci < p->n_conv && !rc; ci++)
        rc = credit(job, p, row, ci);
    if (!rc && p->n_conv == first)
        rc = null_path(job, p);
    return rc;
}

static jm_status part_init(const struct job *job, struct part *p)
{
    p->slot = jm_malloc(job->dim.n_keys * sizeof(*p->slot));
    if (!p->slot || jm__mcount_init(&p->mc, job->dim.n_keys))
        return JM_ENOMEM;
    memset(p->slot, 0xff, job->dim.n_keys * sizeof(*p->slot));
    return JM_OK;
}

static jm_status run_part(void *ctx, unsigned part, size_t a_begin, size_t a_end)
{
    struct job *job = ctx;
    struct part *p = &job->parts[part];
    jm_status rc = part_init(job, p);
    for (size_t a = a_begin; a < a_end && !rc; a++) {
        uint32_t row = job->ds->store_account[a];
        if (row != JM_NONE)
            rc = do_account(job, p, row, (uint32_t)a);
    }
    return rc;
}

/* The accounts rows without a store slice (no events), on the caller's thread. */
static jm_status run_rest(struct job *job, struct part *p)
{
    size_t rows = jm_dataset_rows(job->ds, JM_ENT_ACCOUNT), na = jm_store_accounts(job->s);
    uint8_t *has = jm_calloc(rows + 1, 1);
    jm_status rc = has ? part_init(job, p) : JM_ENOMEM;
    for (size_t a = 0; a < na && !rc; a++)
        if (job->ds->store_account[a] != JM_NONE)
            has[job->ds->store_account[a]] = 1;
    for (size_t row = 0; row < rows && !rc; row++)
        if (!has[row])
            rc = do_account(job, p, row, JM_NONE);
    jm_free(has);
    return rc;
}

static void part_release(struct part *p)
{
    jm_free(p->conv);
    jm_free(p->cr);
    jm__mcount_release(&p->mc);
    jm__touches_release(&p->tb);
    jm_free(p->slot);
}

/* ---------------------------------------------------------------- setup */

static uint32_t stage_index(const struct jm_journey *j, const char *key)
{
    for (size_t s = 0; key && s < j->n_stages; s++)
        if (strcmp(j->stages[s].key, key) == 0)
            return (uint32_t)s;
    return JM_NONE;
}

static bool journey_has_touchpoint(const struct jm_journey *j, const char *key)
{
    for (size_t i = 0; i < j->n_touchpoints; i++)
        if (strcmp(j->touchpoints[i].key, key) == 0)
            return true;
    return false;
}

static jm_status check_opts(const struct jm_report *r, const struct jm_attribution_opts *o,
                            struct jm_error *err)
{
    if (!r || !o)
        return jm_error_set(err, JM_EINVAL, "attribution needs a report and options");
    if (r->tl->level != JM_LEVEL_ACCOUNT)
        return jm_error_set(err, JM_EINVAL, "attribution needs a report at the account level");
    if ((unsigned)o->by >= JM_DIM__COUNT || (unsigned)o->conversion > JM_CONVERT_REVENUE)
        return jm_error_set(err, JM_EINVAL, "unknown attribution dimension or conversion");
    if (!isfinite(o->lookback_days) || o->lookback_days < 0)
        return jm_error_set(err, JM_EINVAL, "lookback must be 0 or more days");
    if (!isfinite(o->half_life_days) || o->half_life_days < 0)
        return jm_error_set(err, JM_EINVAL, "half-life must be 0 or more days");
    bool needs_target = o->conversion == JM_CONVERT_STAGE || o->conversion == JM_CONVERT_TOUCHPOINT;
    if (needs_target && !o->target)
        return jm_error_set(err, JM_EINVAL, "a stage or touchpoint conversion needs a target");
    return JM_OK;
}

/* Stage indexes of the target and milestones, and the target touchpoint's store id. */
static jm_status job_keys(struct job *job, struct jm_error *err)
{
    const struct jm_journey *j = job->r->tl->journey;
    const struct jm_attribution_opts *o = job->o;
    job->stage = job->lead_stage = job->opp_stage = JM_NONE;
    if (o->conversion == JM_CONVERT_STAGE && (job->stage = stage_index(j, o->target)) == JM_NONE)
        return jm_error_set(err, JM_EINVAL, "unknown stage '%s'", o->target);
    if (o->lead_stage && (job->lead_stage = stage_index(j, o->lead_stage)) == JM_NONE)
        return jm_error_set(err, JM_EINVAL, "unknown stage '%s'", o->lead_stage);
    if (o->opportunity_stage && (job->opp_stage = stage_index(j, o->opportunity_stage)) == JM_NONE)
        return jm_error_set(err, JM_EINVAL, "unknown stage '%s'", o->opportunity_stage);
    if (o->conversion != JM_CONVERT_TOUCHPOINT)
        return JM_OK;
    int64_t id = jm_store_lookup(job->s, JM_STORE_TOUCHPOINT, o->target, strlen(o->target));
    /* A touchpoint the journey defines but nobody has used yet converts no one; any other
     * name is a typo worth reporting. */
    if (id < 0 && !journey_has_touchpoint(j, o->target))
        return jm_error_set(err, JM_EINVAL, "unknown touchpoint '%s'", o->target);
    job->target_tp = id > 0 ? (uint16_t)id : 0;
    return JM_OK;
}

/* Per accounts row: the earliest `created` of its records of `kind` (INT64_MAX: none). */
static int64_t *earliest_created(const struct jm_dataset *ds, enum jm_entity kind, size_t rows)
{
    int64_t *t = jm_malloc((rows + 1) * sizeof(*t));
    if (!t)
        return NULL;
    for (size_t i = 0; i < rows; i++)
        t[i] = INT64_MAX;
    int f = jm_entity_field(jm_entity_get(kind), "created");
    for (size_t i = 0, n = jm_dataset_rows(ds, kind); i < n; i++) {
        uint32_t acc = jm_dataset_record_account(ds, kind, i);
        int64_t c = jm__value_time(jm_dataset_value(ds, kind, i, f));
        if (acc != JM_NONE && acc < rows && c < t[acc])
            t[acc] = c;
    }
    return t;
}

static jm_status job_records(struct job *job)
{
    const struct jm_entity_def *d = jm_entity_get(JM_ENT_DEAL);
    size_t rows = jm_dataset_rows(job->ds, JM_ENT_ACCOUNT);
    job->df = (struct deal_fields){jm_entity_field(d, "created"), jm_entity_field(d, "closed"),
                                   jm_entity_field(d, "status"), jm_entity_field(d, "amount")};
    if (jm__groups_build(job->ds, JM_ENT_DEAL, false, rows, &job->deals))
        return JM_ENOMEM;
    job->lead_created = earliest_created(job->ds, JM_ENT_CONTACT, rows);
    job->first_deal = earliest_created(job->ds, JM_ENT_DEAL, rows);
    if (!job->lead_created || !job->first_deal)
        return JM_ENOMEM;
    return job->o->conversion == JM_CONVERT_REVENUE ? jm__mrr_build(job->ds, &job->mrr) : JM_OK;
}

static jm_status job_init(struct job *job, const struct jm_report *r,
                          const struct jm_attribution_opts *o, struct jm_error *err)
{
    job->r = r;
    job->o = o;
    job->ds = r->tl->ds;
    job->s = jm_dataset_store(job->ds);
    job->time = jm_store_columns(job->s)->time_us;
    job->contact = jm_store_columns(job->s)->contact;
    jm__dim_init(&job->dim, job->s, o->by);
    double lookback = o->lookback_days * (double)JM_US_PER_DAY;
    job->lookback_us = lookback < 9e18 ? llround(lookback) : 0; /* past any time: unbounded */
    job->half_life_us = o->half_life_days * (double)JM_US_PER_DAY;
    jm_status rc = job_keys(job, err);
    if (rc)
        return rc;
    if (jm__exclude_map(job->s, o->exclude, o->n_exclude, &job->exclude) || job_records(job))
        return jm_error_set(err, JM_ENOMEM, "out of memory computing attribution");
    return JM_OK;
}

static void job_release(struct job *job, size_t n_parts)
{
    for (size_t p = 0; job->parts && p <= n_parts; p++)
        part_release(&job->parts[p]);
    jm_free(job->parts);
    jm_free(job->exclude);
    jm_free(job->lead_created);
    jm_free(job->first_deal);
    jm__groups_release(&job->deals);
    if (job->o && job->o->conversion == JM_CONVERT_REVENUE)
        jm__mrr_release(&job->mrr);
}

/* ---------------------------------------------------------------- merge */

struct sorted {
    struct jm_conversion c;
    uint32_t part;
};

static int sorted_cmp(const void *x, const void *y)
{
    const struct jm_conversion *a = &((const struct sorted *)x)->c;
    const struct jm_conversion *b = &((const struct sorted *)y)->c;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    if (a->account != b->account)
        return a->account < b->account ? -1 : 1;
    return (a->deal > b->deal) - (a->deal < b->deal);
}

/* Every part's conversions in (time, account, deal) order; *n_cr: their credits. */
static struct sorted *sort_conversions(const struct job *job, size_t n_parts, size_t *n,
                                       size_t *n_cr)
{
    *n = *n_cr = 0;
    for (size_t p = 0; p <= n_parts; p++) {
        *n += job->parts[p].n_conv;
        *n_cr += job->parts[p].n_cr;
    }
    struct sorted *v = jm_malloc((*n + 1) * sizeof(*v));
    if (!v)
        return NULL;
    size_t k = 0;
    for (size_t p = 0; p <= n_parts; p++)
        for (size_t i = 0; i < job->parts[p].n_conv; i++)
            v[k++] = (struct sorted){job->parts[p].conv[i], (uint32_t)p};
    jm__qsort(v, k, sizeof(*v), sorted_cmp);
    return v;
}

/*
 * Rows: the keys credited by some conversion or with a removal effect (a key seen only on
 * paths that never convert has neither), in label order, then the no-touch row. key_row[k]
 * comes in as JM_NONE and leaves as k's row or JM_NONE.
 */
static jm_status make_rows(const struct job *job, size_t n_parts, const struct jm__markov *mk,
                           bool no_touch, struct jm_attribution *a, uint32_t *key_row)
{
    size_t n_keys = job->dim.n_keys;
    uint32_t *order = NULL;
    for (size_t p = 0; p <= n_parts; p++)
        for (size_t i = 0; i < job->parts[p].n_cr; i++)
            if (job->parts[p].cr[i].key != NO_TOUCH_KEY)
                key_row[job->parts[p].cr[i].key] = 0;
    for (size_t k = 0; k < n_keys; k++)
        if (mk->removal[k] > 0)
            key_row[k] = 0;
    if (jm__dim_order(&job->dim, &order))
        return JM_ENOMEM;
    size_t n = no_touch;
    for (size_t i = 0; i < n_keys; i++)
        n += key_row[order[i]] != JM_NONE;
    a->rows = jm_arena_alloc(&a->arena, (n + 1) * sizeof(*a->rows));
    for (size_t i = 0; i < n_keys && a->rows; i++) {
        uint32_t k = order[i];
        if (key_row[k] == JM_NONE)
            continue;
        key_row[k] = (uint32_t)a->n_rows;
        a->rows[a->n_rows].removal_effect = mk->removal[k];
        a->rows[a->n_rows++].key = jm_arena_strdup(&a->arena, jm__dim_label(&job->dim, k));
    }
    if (a->rows && no_touch)
        a->rows[a->n_rows++].key = JM_INSIGHT_NO_TOUCH;
    jm_free(order);
    return a->arena.failed ? JM_ENOMEM : JM_OK;
}

/* Copies conversion `s` and its credits into `a`, adding them to the rows. */
static void add_conversion(const struct job *job, const struct sorted *s, const uint32_t *key_row,
                           struct jm_attribution *a)
{
    const struct part *p = &job->parts[s->part];
    struct jm_conversion *cv = &a->conv[a->n_conv++];
    *cv = s->c;
    cv->credit_start = (uint32_t)a->n_credits;
    for (uint32_t i = s->c.credit_start; i < s->c.credit_end; i++) {
        const struct credit *c = &p->cr[i];
        uint32_t row = c->key == NO_TOUCH_KEY ? (uint32_t)a->n_rows - 1 : key_row[c->key];
        struct jm_conversion_credit *out = &a->credits[a->n_credits++];
        struct jm_attribution_row *r = &a->rows[row];
        out->row = row;
        r->touches += c->touches;
        r->converting++;
        for (int m = 0; m < JM_ATTR__COUNT; m++) {
            out->share[m] = c->share[m];
            r->conversions[m] += c->share[m];
            r->revenue[m] += c->share[m] * s->c.value;
        }
    }
    cv->credit_end = (uint32_t)a->n_credits;
    a->conversions++;
    a->revenue += s->c.value;
    a->with_touches += s->c.n_touches > 0;
}

/* The chain over every part's paths: their counts added up in part 0's. */
static jm_status solve_markov(const struct job *job, size_t n_parts, struct jm__markov *mk)
{
    for (size_t p = 1; p <= n_parts; p++)
        if (jm__mcount_merge(&job->parts[0].mc, &job->parts[p].mc)) {
            memset(mk, 0, sizeof(*mk));
            return JM_ENOMEM;
        }
    return jm__markov_solve_counts(&job->parts[0].mc, 0, mk);
}

/*
 * Markov credits: each key row's share of the removal effects, of the conversions with touches
 * and of their revenue; the no-touch row keeps its own conversions (no path to credit).
 */
static void markov_credits(const struct jm__markov *mk, struct jm_attribution *a)
{
    double sum = 0, conv = 0, revenue = 0;
    for (size_t i = 0; i < a->n_rows; i++)
        sum += a->rows[i].removal_effect;
    struct jm_attribution_row *nt = NULL;
    if (a->n_rows && strcmp(a->rows[a->n_rows - 1].key, JM_INSIGHT_NO_TOUCH) == 0)
        nt = &a->rows[a->n_rows - 1];
    for (size_t i = 0; i < a->n_conv; i++) {
        if (a->conv[i].n_touches) {
            conv++;
            revenue += a->conv[i].value;
        } else {
            nt->conversions[JM_ATTR_MARKOV]++;
            nt->revenue[JM_ATTR_MARKOV] += a->conv[i].value;
        }
    }
    for (size_t i = 0; sum > 0 && i < a->n_rows; i++) {
        struct jm_attribution_row *r = &a->rows[i];
        if (r == nt)
            continue;
        r->conversions[JM_ATTR_MARKOV] = r->removal_effect / sum * conv;
        r->revenue[JM_ATTR_MARKOV] = r->removal_effect / sum * revenue;
    }
    a->paths = mk->paths;
    a->converting_paths = mk->converting;
    a->markov_p = mk->p;
}

static jm_status merge(const struct job *job, size_t n_parts, struct jm_attribution *a)
{
    size_t n, n_cr;
    struct sorted *v = sort_conversions(job, n_parts, &n, &n_cr);
    uint32_t *key_row = jm_malloc((job->dim.n_keys + 1) * sizeof(*key_row));
    struct jm__markov mk;
    jm_status rc = solve_markov(job, n_parts, &mk);
    if (!rc && (!v || !key_row))
        rc = JM_ENOMEM;
    if (rc)
        goto out;
    memset(key_row, 0xff, job->dim.n_keys * sizeof(*key_row));
    bool no_touch = false;
    for (size_t i = 0; i < n; i++)
        no_touch |= v[i].c.n_touches == 0;
    rc = make_rows(job, n_parts, &mk, no_touch, a, key_row);
    a->conv = jm_arena_alloc(&a->arena, (n + 1) * sizeof(*a->conv));
    a->credits = jm_arena_alloc(&a->arena, (n_cr + 1) * sizeof(*a->credits));
    if (!rc && (!a->conv || !a->credits))
        rc = JM_ENOMEM;
    if (rc)
        goto out;
    for (size_t i = 0; i < n; i++)
        add_conversion(job, &v[i], key_row, a);
    markov_credits(&mk, a);
out:
    jm__markov_release(&mk);
    jm_free(v);
    jm_free(key_row);
    return rc;
}

/* ---------------------------------------------------------------- public */

jm_status jm_attribution_compute(const struct jm_report *r, const struct jm_attribution_opts *o,
                                 struct jm_attribution **out, struct jm_error *err)
{
    struct job job = {0};
    size_t n_parts = 0;
    struct jm_attribution *a = NULL;
    *out = NULL;
    jm_status rc = check_opts(r, o, err);
    if (rc)
        return rc;
    /* Units are accounts rows one to one at the account level: unit u is accounts row u. */
    assert(r->tl->n_units == jm_dataset_rows(r->tl->ds, JM_ENT_ACCOUNT));
    rc = job_init(&job, r, o, err);
    if (rc)
        goto out;
    rc = JM_ENOMEM;
    n_parts = jm__seq_parts(job.s, o->threads);
    job.parts = jm_calloc(n_parts + 1, sizeof(*job.parts));
    a = jm_calloc(1, sizeof(*a));
    if (!job.parts || !a)
        goto out;
    jm_arena_init(&a->arena);
    a->opts = *o;
    a->markov_p = NAN;
    rc = jm__seq_run(job.s, (unsigned)n_parts, jm_store_accounts(job.s), run_part, &job);
    if (!rc)
        rc = run_rest(&job, &job.parts[n_parts]);
    if (!rc)
        rc = merge(&job, n_parts, a);
    if (rc)
        jm_error_set(err, rc, "out of memory computing attribution");
out:
    job_release(&job, n_parts);
    if (rc) {
        jm_attribution_free(a);
        a = NULL;
    }
    *out = a;
    return rc;
}

void jm_attribution_free(struct jm_attribution *a)
{
    if (!a)
        return;
    jm_arena_release(&a->arena);
    jm_free(a);
}

ptrdiff_t jm_attribution_row(const struct jm_attribution *a, const char *key)
{
    if (!a || !key || !a->n_rows)
        return -1;
    size_t n = a->n_rows;
    if (strcmp(a->rows[n - 1].key, key) == 0)
        return (ptrdiff_t)n - 1;
    /* Rows are in byte order of their keys, but for the no-touch row, which comes last. */
    size_t lo = 0, hi = strcmp(a->rows[n - 1].key, JM_INSIGHT_NO_TOUCH) == 0 ? n - 1 : n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(a->rows[mid].key, key);
        if (c == 0)
            return (ptrdiff_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
