/*
 * The map's insight parts: the Voice lane (NPS, CSAT and CES per stage) and the panels under the
 * grid -- attribution, paths to the goal, retention, voice and the four questions. Each insight
 * engine (insights.h) runs at most once per map, on the report the map was built from, and only
 * when a part of the map shows it; what it found is copied into the map's arena, in the map's
 * language, so the engines' results are freed before jm_map_build returns.
 *
 * Which panels show: a chosen set (jm_map_options.panels) is taken as given; by default the
 * view's panels, the insight panels among them only when they found something. Attribution,
 * retention and the questions need accounts, so a contact-level map leaves them out.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "map/internal.h"

#define VI(b)        ((b)->lang == JM_LANG_VI)
#define TOP_CHANNELS 6

/* ---------------------------------------------------------------- choosing panels */

static const char *const panel_keys[JM_PANEL__COUNT] = {
    "funnel",      "flows", "breaks",    "idle",  "personas",
    "attribution", "paths", "retention", "voice", "questions",
};

const char *jm_map_panel_key(enum jm_map_panel p)
{
    return (unsigned)p < JM_PANEL__COUNT ? panel_keys[p] : "";
}

static bool panel_word(const char *s, size_t len, uint32_t *bits)
{
    for (size_t p = 0; p < JM_PANEL__COUNT; p++)
        if (strlen(panel_keys[p]) == len && strncasecmp(s, panel_keys[p], len) == 0) {
            *bits |= JM_PANEL_BIT(p);
            return true;
        }
    return false;
}

bool jm_map_panels_parse(const char *s, uint32_t *out, struct jm_error *err)
{
    if (!s || !*s) {
        jm_error_set(err, JM_EINVAL, "no panels given: say all, none or a list");
        return false;
    }
    if (strcasecmp(s, "all") == 0 || strcasecmp(s, "none") == 0) {
        *out = strcasecmp(s, "all") == 0 ? JM_PANELS_ALL : JM_PANELS_CHOSEN;
        return true;
    }
    uint32_t bits = JM_PANELS_CHOSEN;
    for (const char *p = s;;) {
        size_t len = strcspn(p, ",");
        if (!panel_word(p, len, &bits)) {
            jm_error_set(err, JM_EINVAL,
                         "unknown panel '%.*s' (panels: funnel, flows, breaks, idle, personas, "
                         "attribution, paths, retention, voice, questions)",
                         (int)len, p);
            return false;
        }
        if (!p[len])
            break;
        p += len + 1;
    }
    *out = bits;
    return true;
}

/* Whether panel `p` is wanted before looking at data: chosen, or in the view. */
static bool wanted(const struct jm_map_options *o, enum jm_map_panel p)
{
    if (o->panels & JM_PANELS_CHOSEN)
        return (o->panels & JM_PANEL_BIT(p)) != 0;
    const struct jm_map_panels *v = &jm__map_view(o->view)->panels;
    const bool on[JM_PANEL__COUNT] = {v->funnel,   v->flows,       v->breaks, v->idle,
                                      v->personas, v->attribution, v->paths,  v->retention,
                                      v->voice,    v->questions};
    return on[p];
}

/* ---------------------------------------------------------------- voice */

static const char *const priority_keys[JM_PRIO__COUNT + 1] = {"low", "normal", "high", "urgent",
                                                              "none"};
static const char *const priority_names[JM_PRIO__COUNT + 1][JM_LANG__COUNT] = {
    {"Low", "Thấp"},
    {"Normal", "Bình thường"},
    {"High", "Cao"},
    {"Urgent", "Khẩn cấp"},
    {"No priority", "Không có mức ưu tiên"},
};

static double rate(uint64_t part, uint64_t whole)
{
    return whole ? (double)part / (double)whole : NAN;
}

static bool voice_has_data(const struct jm_voice *v)
{
    for (size_t k = 0; k < JM_SURVEY__COUNT; k++)
        if (v->all[k].n)
            return true;
    for (size_t p = 0; p <= JM_PRIO__COUNT; p++)
        if (v->sla[p].tickets)
            return true;
    return false;
}

static void voice_panel(struct jm__builder *b, const struct jm_voice *v)
{
    struct jm_map_voice *x = jm__map_alloc(b, 1, sizeof(*x));
    if (!x)
        return;
    memcpy(x->all, v->all, sizeof(x->all));
    x->sla = jm__map_alloc(b, JM_PRIO__COUNT + 1, sizeof(*x->sla));
    for (size_t p = 0; x->sla && p <= JM_PRIO__COUNT; p++) {
        const struct jm_sla_row *r = &v->sla[p];
        if (!r->tickets)
            continue;
        struct jm_map_sla *y = &x->sla[x->n_sla++];
        y->key = priority_keys[p];
        y->name = priority_names[p][VI(b)];
        y->tickets = r->tickets;
        y->response_breaches = r->response_breaches;
        y->resolution_breaches = r->resolution_breaches;
        y->response_rate = rate(r->response_breaches, r->tickets);
        y->resolution_rate = rate(r->resolution_breaches, r->tickets);
    }
    b->m->voice = x;
}

/* The Voice lane's numbers per stage, and the voice panel when it is shown. */
static jm_status voice(struct jm__builder *b, bool panel)
{
    struct jm_voice_opts vo;
    jm_voice_defaults(&vo);
    struct jm_voice *v = NULL;
    jm_status rc = jm_voice_compute(b->r, &vo, &v, NULL);
    if (rc)
        return rc;
    for (size_t s = 0; s < v->n_stages && s < b->m->n_stages; s++)
        memcpy(b->m->stages[s].voice, v->stages[s].s, sizeof(v->stages[s].s));
    if (panel && (voice_has_data(v) || b->m->panels.voice))
        voice_panel(b, v);
    jm_voice_free(v);
    return JM_OK;
}

/* ---------------------------------------------------------------- attribution */

static const enum jm_attr_model attr_models[JM_MAP_ATTR_MODELS] = {JM_ATTR_FIRST, JM_ATTR_W,
                                                                   JM_ATTR_LINEAR, JM_ATTR_MARKOV};

/* Indexes of the rows with the most linear credit, the no-touch row left out. */
static size_t top_rows(const struct jm_attribution *a, size_t *top, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n_rows; i++) {
        if (strcmp(a->rows[i].key, JM_INSIGHT_NO_TOUCH) == 0)
            continue;
        double c = a->rows[i].conversions[JM_ATTR_LINEAR];
        size_t at = n < max ? n++ : max;
        /* insertion: rows come by key, so equal credit keeps key order */
        while (at > 0 && a->rows[top[at - 1]].conversions[JM_ATTR_LINEAR] < c) {
            if (at < max)
                top[at] = top[at - 1];
            at--;
        }
        if (at < max)
            top[at] = i;
    }
    return n;
}

static void attribution_panel(struct jm__builder *b, const struct jm_attribution *a)
{
    struct jm_map_attribution *x = jm__map_alloc(b, 1, sizeof(*x));
    size_t top[TOP_CHANNELS];
    if (!x)
        return;
    x->conversions = a->conversions;
    x->with_touches = a->with_touches;
    x->revenue = a->revenue;
    x->lookback_days = a->opts.lookback_days;
    for (size_t k = 0; k < JM_MAP_ATTR_MODELS; k++) {
        x->models[k] = attr_models[k];
        x->model_names[k] = jm__map_str(b, jm_attr_model_name(attr_models[k], b->lang));
    }
    ptrdiff_t nt = jm_attribution_row(a, JM_INSIGHT_NO_TOUCH);
    x->no_touch = nt >= 0 ? a->rows[nt].conversions[JM_ATTR_LINEAR] : 0;
    size_t n = top_rows(a, top, TOP_CHANNELS);
    x->rows = jm__map_alloc(b, n, sizeof(*x->rows));
    for (size_t i = 0; x->rows && i < n; i++) {
        const struct jm_attribution_row *r = &a->rows[top[i]];
        struct jm_map_attr_row *y = &x->rows[x->n_rows++];
        y->key = jm__map_str(b, r->key);
        y->converting = r->converting;
        for (size_t k = 0; k < JM_MAP_ATTR_MODELS; k++) {
            y->credit[k] = r->conversions[attr_models[k]];
            y->share[k] = a->conversions ? y->credit[k] / (double)a->conversions : NAN;
        }
    }
    x->note = VI(b) ? jm__map_printf(b,
                                     "%llu hợp đồng thắng, nhìn lại %.0f ngày: phần đóng góp mỗi "
                                     "mô hình ghi nhận cho từng kênh",
                                     (unsigned long long)a->conversions, x->lookback_days)
                    : jm__map_printf(b,
                                     "%llu won deals, %.0f-day lookback: the share of the credit "
                                     "each model gives each channel",
                                     (unsigned long long)a->conversions, x->lookback_days);
    b->m->attribution = x;
}

static jm_status attribution(struct jm__builder *b)
{
    struct jm_attribution_opts ao;
    jm_attribution_defaults(&ao);
    ao.conversion = JM_CONVERT_WON;
    ao.by = JM_DIM_CHANNEL;
    ao.lookback_days = 365;
    struct jm_attribution *a = NULL;
    jm_status rc = jm_attribution_compute(b->r, &ao, &a, NULL);
    if (rc)
        return rc;
    if (a->conversions || b->m->panels.attribution)
        attribution_panel(b, a);
    jm_attribution_free(a);
    return JM_OK;
}

/* ---------------------------------------------------------------- paths */

static const char *step_name(struct jm__builder *b, const char *key)
{
    const struct jm_touchpoint_def *tp = jm_journey_touchpoint(b->j, key);
    return tp ? jm__map_text(b, &tp->name) : jm__map_str(b, key);
}

static void paths_panel(struct jm__builder *b, const struct jm_paths *p, size_t goal)
{
    struct jm_map_paths *x = jm__map_alloc(b, 1, sizeof(*x));
    if (!x)
        return;
    x->from = b->m->stages[0].key;
    x->to = b->m->stages[goal].key;
    x->units = p->units;
    x->distinct = p->distinct;
    size_t n = p->n_paths < JM_MAP_PATHS ? p->n_paths : JM_MAP_PATHS;
    x->paths = jm__map_alloc(b, n, sizeof(*x->paths));
    for (size_t i = 0; x->paths && i < n; i++) {
        const struct jm_path *src = &p->paths[i];
        struct jm_map_path *y = &x->paths[x->n_paths++];
        y->steps = jm__map_alloc(b, src->n_steps, sizeof(char *));
        for (size_t k = 0; y->steps && k < src->n_steps; k++)
            y->steps[y->n_steps++] = step_name(b, src->steps[k]);
        y->units = src->units;
        y->share = src->share;
        y->median_days = src->days.count ? src->days.median : NAN;
    }
    const char *from = b->m->stages[0].name, *to = b->m->stages[goal].name;
    x->note = VI(b) ? jm__map_printf(b, "%llu %s đi từ %s đến %s, qua %llu hành trình khác nhau",
                                     (unsigned long long)p->units, b->m->ui[JM_UI_UNITS], from, to,
                                     (unsigned long long)p->distinct)
                    : jm__map_printf(b, "%llu %s went from %s to %s, by %llu distinct paths",
                                     (unsigned long long)p->units, b->m->ui[JM_UI_UNITS], from, to,
                                     (unsigned long long)p->distinct);
    b->m->paths = x;
}

static jm_status paths(struct jm__builder *b)
{
    size_t goal = b->j->settings.goal;
    if (goal == 0 || goal >= b->m->n_stages)
        return JM_OK; /* no way from the first stage to a later goal */
    struct jm_paths_opts po;
    jm_paths_defaults(&po);
    po.mode = JM_PATHS_BETWEEN;
    po.from_kind = po.to_kind = JM_ANCHOR_STAGE;
    po.from = b->m->stages[0].key;
    po.to = b->m->stages[goal].key;
    po.step = JM_DIM_TOUCHPOINT;
    po.limit = JM_MAP_PATHS;
    struct jm_paths *p = NULL;
    jm_status rc = jm_paths_compute(b->r, &po, &p, NULL);
    if (rc)
        return rc;
    if (p->units || b->m->panels.paths)
        paths_panel(b, p, goal);
    jm_paths_free(p);
    return JM_OK;
}

/* ---------------------------------------------------------------- retention */

static void retention_panel(struct jm__builder *b, const struct jm_retention *rt)
{
    struct jm_map_retention *x = jm__map_alloc(b, 1, sizeof(*x));
    if (!x)
        return;
    size_t first = rt->n_cohorts > JM_MAP_COHORTS ? rt->n_cohorts - JM_MAP_COHORTS : 0;
    x->cohorts = jm__map_alloc(b, rt->n_cohorts - first, sizeof(*x->cohorts));
    for (size_t c = first; x->cohorts && c < rt->n_cohorts; c++) {
        const struct jm_cohort *src = &rt->cohorts[c];
        struct jm_map_cohort *y = &x->cohorts[x->n_cohorts++];
        y->label = jm__map_printf(b, "%04d-%02d", src->year, src->month);
        y->accounts = src->accounts;
        y->start_mrr = src->start_mrr;
        y->n_months = src->n_cells < JM_MAP_COHORT_MONTHS ? src->n_cells : JM_MAP_COHORT_MONTHS;
        for (size_t k = 0; k < y->n_months; k++)
            y->nrr[k] = src->cells[k].nrr;
    }
    x->months = rt->n_total ? (rt->n_total - 1 < 12 ? rt->n_total - 1 : 12) : 0;
    x->grr = rt->n_total ? rt->total[x->months].grr : NAN;
    x->nrr = rt->n_total ? rt->total[x->months].nrr : NAN;
    x->ltv = rt->ltv;
    x->monthly_logo_churn = rt->monthly_logo_churn;
    x->note = VI(b) ? jm__map_str(b, "NRR của mỗi nhóm theo tháng bắt đầu (MRR tháng đầu = 100%)")
                    : jm__map_str(b, "NRR of each cohort by start month (its first month's MRR "
                                     "= 100%)");
    b->m->retention = x;
}

static jm_status retention(struct jm__builder *b)
{
    struct jm_retention_opts ro;
    jm_retention_defaults(&ro);
    ro.max_offset = 12; /* the triangle's 12 months, and the 12-month headline */
    struct jm_retention *rt = NULL;
    jm_status rc = jm_retention_compute(b->r, &ro, &rt, NULL);
    if (rc)
        return rc;
    if (rt->n_cohorts || b->m->panels.retention)
        retention_panel(b, rt);
    jm_retention_free(rt);
    return JM_OK;
}

/* ---------------------------------------------------------------- the four questions */

#define EM_DASH "\xe2\x80\x94"

static void answer(struct jm__builder *b, size_t i, const char *key, const char *q_en,
                   const char *q_vi, const char *ans, const char *detail)
{
    struct jm_map_answer *a = &b->m->questions->answers[i];
    a->key = key;
    a->question = VI(b) ? q_vi : q_en;
    a->answer = ans ? ans : EM_DASH;
    a->detail = detail ? detail : b->m->ui[JM_UI_NO_DATA];
}

static const char *top_reason(const struct jm_questions *q)
{
    for (size_t i = 0; i < q->n_churn_reasons; i++)
        if (strcmp(q->churn_reasons[i].key, JM_INSIGHT_MISSING) != 0)
            return q->churn_reasons[i].key;
    return NULL;
}

static void questions_figures(struct jm__builder *b, struct jm_map_questions *x,
                              const struct jm_questions *q)
{
    x->met = q->met;
    if (q->n_first_channels) {
        x->top_channel = jm__map_str(b, q->first_channels[0].key);
        x->top_channel_share = q->first_channels[0].share;
    }
    x->bought = q->bought;
    x->median_days_to_buy = q->days_to_buy.count ? q->days_to_buy.median : NAN;
    x->customers = q->customers;
    x->churned = q->churned;
    x->churn_rate = rate(q->churned, q->customers);
    const char *reason = top_reason(q);
    x->top_churn_reason = reason ? jm__map_str(b, reason) : NULL;
    if (q->n_repeated_pages) {
        x->top_page = jm__map_str(b, q->repeated_pages[0].key);
        x->top_page_accounts = q->repeated_pages[0].accounts;
    }
}

static void questions_words(struct jm__builder *b, const struct jm_map_questions *x, size_t rep)
{
    typedef unsigned long long ull;
    bool vi = VI(b);
    answer(b, 0, "first_touch", "Where do accounts first meet us?",
           "Khách hàng gặp chúng ta lần đầu ở đâu?", x->top_channel,
           !x->top_channel ? NULL
           : vi ? jm__map_printf(b, "%.0f%% trong %llu tài khoản có điểm chạm đầu tiên ở đây",
                                 x->top_channel_share * 100, (ull)x->met)
                : jm__map_printf(b, "first touch of %.0f%% of %llu accounts",
                                 x->top_channel_share * 100, (ull)x->met));
    answer(b, 1, "time_to_buy", "How long until they buy?", "Bao lâu thì họ mua?",
           isfinite(x->median_days_to_buy)
               ? jm__map_printf(b, "%.1f %s", x->median_days_to_buy, b->m->ui[JM_UI_DAYS])
               : NULL,
           !x->bought ? NULL
           : vi ? jm__map_printf(b, "trung vị từ điểm chạm đầu tiên; %llu tài khoản đã mua",
                                 (ull)x->bought)
                : jm__map_printf(b, "median from the first touch; %llu accounts bought",
                                 (ull)x->bought));
    answer(b, 2, "churn", "When and why do they leave?", "Khi nào và vì sao họ rời đi?",
           !x->customers ? NULL
           : vi          ? jm__map_printf(b, "%.1f%% rời bỏ", x->churn_rate * 100)
                         : jm__map_printf(b, "%.1f%% churned", x->churn_rate * 100),
           !x->customers ? NULL
           : vi ? jm__map_printf(b, "%llu trên %llu khách hàng; lý do hàng đầu: %s",
                                 (ull)x->churned, (ull)x->customers,
                                 x->top_churn_reason ? x->top_churn_reason : "chưa ghi nhận")
                : jm__map_printf(b, "%llu of %llu customers; top reason: %s", (ull)x->churned,
                                 (ull)x->customers,
                                 x->top_churn_reason ? x->top_churn_reason : "not recorded"));
    answer(b, 3, "before_buying", "What do they look at again and again before buying?",
           "Họ xem đi xem lại gì trước khi mua?", x->top_page,
           !x->top_page ? NULL
           : vi ? jm__map_printf(b, "%llu khách hàng đã mua xem trang này từ %zu lần trở lên",
                                 (ull)x->top_page_accounts, rep)
                : jm__map_printf(b, "%llu buyers viewed it %zu times or more",
                                 (ull)x->top_page_accounts, rep));
}

static jm_status questions(struct jm__builder *b)
{
    struct jm_questions_opts qo;
    jm_questions_defaults(&qo);
    struct jm_questions *q = NULL;
    jm_status rc = jm_questions_compute(b->r, &qo, &q, NULL);
    if (rc)
        return rc;
    if (q->met || q->bought || q->customers || b->m->panels.questions) {
        b->m->questions = jm__map_alloc(b, 1, sizeof(*b->m->questions));
        if (b->m->questions) {
            questions_figures(b, b->m->questions, q);
            questions_words(b, b->m->questions, q->opts.repeat_min);
        }
    }
    jm_questions_free(q);
    return JM_OK;
}

/* ---------------------------------------------------------------- entry */

/* An engine that fails for want of memory fails the map; any other failure (a journey the
 * engine cannot read that way) leaves its panel out. */
static void run(struct jm__builder *b, jm_status (*engine)(struct jm__builder *))
{
    if (engine(b) == JM_ENOMEM)
        b->oom = true;
}

void jm__map_insights(struct jm__builder *b, const struct jm_map_options *o)
{
    struct jm_map *m = b->m;
    bool chosen = (o->panels & JM_PANELS_CHOSEN) != 0, accounts = b->tl->level == JM_LEVEL_ACCOUNT;
    bool want[JM_PANEL__COUNT];
    for (size_t p = 0; p < JM_PANEL__COUNT; p++)
        want[p] = wanted(o, (enum jm_map_panel)p);
    want[JM_PANEL_ATTRIBUTION] &= accounts;
    want[JM_PANEL_RETENTION] &= accounts;
    want[JM_PANEL_QUESTIONS] &= accounts;
    m->panels = (struct jm_map_panels){
        want[JM_PANEL_FUNNEL], want[JM_PANEL_FLOWS], want[JM_PANEL_BREAKS], want[JM_PANEL_IDLE],
        want[JM_PANEL_PERSONAS],
        /* chosen insight panels show even when empty; by default only with data */
        chosen && want[JM_PANEL_ATTRIBUTION], chosen && want[JM_PANEL_PATHS],
        chosen && want[JM_PANEL_RETENTION], chosen && want[JM_PANEL_VOICE],
        chosen && want[JM_PANEL_QUESTIONS]};
    if (voice(b, want[JM_PANEL_VOICE]) == JM_ENOMEM)
        b->oom = true;
    if (want[JM_PANEL_ATTRIBUTION])
        run(b, attribution);
    if (want[JM_PANEL_PATHS])
        run(b, paths);
    if (want[JM_PANEL_RETENTION])
        run(b, retention);
    if (want[JM_PANEL_QUESTIONS])
        run(b, questions);
    m->panels.attribution = m->attribution != NULL;
    m->panels.paths = m->paths != NULL;
    m->panels.retention = m->retention != NULL;
    m->panels.voice = m->voice != NULL;
    m->panels.questions = m->questions != NULL;
}
