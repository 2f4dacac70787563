/*
 * The four questions (jm_questions_compute): when accounts first meet us, how long until they
 * buy, when and why they leave, and what they look at before buying.
 *
 * Choices the header leaves open, made here:
 *   met        an account whose first touch (ever) lies in the period
 *   bought     an account whose buy time (first won deal close or first entry into the buy
 *              stage, whichever first) lies in the period; days to buy only when its first
 *              touch is at or before that time; touches and contacts count its events strictly
 *              before it (contacts: distinct contacts among those events)
 *   customers  accounts whose first active month (retention's) overlaps the period; churned:
 *              of them, those that churned; months to churn = churn month - first month;
 *              MRR lost = the MRR of the month before the churn month
 *   lost       lost deals counted as the report counts deals (dated by their record time, else
 *              their close; every deal with an open period), per reason the distinct accounts
 *              and the amount; share of the accounts with a lost deal
 *   looked     buyers' events before buying against the never-buying accounts' events before
 *              the period's end (those with any such event are the non-buyers); lift = share of
 *              buyers / share of non-buyers, NAN when no non-buyer has the key
 * First months are listed in full, by month; every other list is cut at `limit`.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "insights/internal.h"

void jm_questions_defaults(struct jm_questions_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->limit = 10;
    o->repeat_min = 3;
}

struct ctx {
    const struct jm_report *r;
    const struct jm_timelines *tl;
    const struct jm_dataset *ds;
    const struct jm_store *s;
    const struct jm_store_columns *col;
    struct jm_questions *q;
    size_t buy_stage;
    int64_t *buy_at; /* per unit: bought, INT64_MAX never */
};

/* ---------------------------------------------------------------- rows */

struct item {
    const char *key;
    uint64_t n;
    double extra;
};

static int item_cmp(const void *x, const void *y)
{
    const struct item *a = x, *b = y;
    if (a->n != b->n)
        return a->n > b->n ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* Items with a count as rows (keys copied), sorted most first unless `keep_order`, at most
 * `limit` (0: all); share = n / denom. */
static jm_status emit(struct jm_questions *q, struct item *it, size_t n, uint64_t denom,
                      size_t limit, bool keep_order, struct jm_count_row **out, size_t *n_out)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (it[i].n)
            it[m++] = it[i];
    if (!keep_order)
        jm__qsort(it, m, sizeof(*it), item_cmp);
    if (limit && m > limit)
        m = limit;
    *out = jm_arena_alloc(&q->arena, (m + 1) * sizeof(**out));
    if (!*out)
        return JM_ENOMEM;
    for (size_t i = 0; i < m; i++) {
        const char *k = jm_arena_strdup(&q->arena, it[i].key);
        if (!k)
            return JM_ENOMEM;
        (*out)[i] = (struct jm_count_row){k, it[i].n, denom ? (double)it[i].n / (double)denom : NAN,
                                          it[i].extra};
    }
    *n_out = m;
    return JM_OK;
}

/* Per dimension key counts as items labelled by the dimension. */
static jm_status dim_rows(struct ctx *c, enum jm_insight_dim by, const uint64_t *cnt,
                          uint64_t denom, struct jm_count_row **out, size_t *n_out)
{
    struct jm__dim d;
    jm__dim_init(&d, c->s, by);
    struct item *it = jm_malloc((d.n_keys + 1) * sizeof(*it));
    if (!it)
        return JM_ENOMEM;
    for (size_t k = 0; k < d.n_keys; k++)
        it[k] = (struct item){jm__dim_label(&d, (uint32_t)k), cnt[k], NAN};
    jm_status rc = emit(c->q, it, d.n_keys, denom, c->q->opts.limit, false, out, n_out);
    jm_free(it);
    return rc;
}

/* ---------------------------------------------------------------- 1. first touch */

static int cmp_i64(const void *x, const void *y)
{
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

static jm_status month_rows(struct ctx *c, int64_t *months, size_t n)
{
    struct item *it = jm_malloc((n + 1) * sizeof(*it));
    char *text = jm_malloc(n * 8 + 1);
    if (!it || !text) {
        jm_free(it);
        jm_free(text);
        return JM_ENOMEM;
    }
    jm__qsort(months, n, sizeof(int64_t), cmp_i64);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && months[i] == months[i - 1]) {
            it[m - 1].n++;
            continue;
        }
        jm__month_text(months[i], text + m * 8, 8);
        it[m] = (struct item){text + m * 8, 1, NAN};
        m++;
    }
    struct jm_questions *q = c->q;
    jm_status rc = emit(q, it, m, q->met, 0, true, &q->first_months, &q->n_first_months);
    jm_free(it);
    jm_free(text);
    return rc;
}

static jm_status first_touches(struct ctx *c)
{
    const struct jm_timelines *tl = c->tl;
    struct jm_questions *q = c->q;
    size_t n_ch = jm_store_dict_size(c->s, JM_STORE_CHANNEL);
    size_t n_tp = jm_store_dict_size(c->s, JM_STORE_TOUCHPOINT);
    uint64_t *ch = jm_calloc(n_ch + 1, sizeof(uint64_t)),
             *tp = jm_calloc(n_tp + 1, sizeof(uint64_t));
    int64_t *months = jm_malloc((tl->n_units + 1) * sizeof(int64_t));
    jm_status rc = ch && tp && months ? JM_OK : JM_ENOMEM;
    for (size_t u = 0; !rc && u < tl->n_units; u++) {
        if (!jm__unit_in(c->r, u) || !jm__in_period(&c->r->opts, tl->first_touch[u]))
            continue;
        uint32_t i = tl->first_event[u];
        ch[c->col->channel[i]]++;
        tp[c->col->touchpoint[i]]++;
        months[q->met++] = jm__month_of(tl->first_touch[u]);
    }
    if (!rc)
        rc = dim_rows(c, JM_DIM_CHANNEL, ch, q->met, &q->first_channels, &q->n_first_channels);
    if (!rc)
        rc = dim_rows(c, JM_DIM_TOUCHPOINT, tp, q->met, &q->first_touchpoints,
                      &q->n_first_touchpoints);
    if (!rc)
        rc = month_rows(c, months, q->met);
    jm_free(ch);
    jm_free(tp);
    jm_free(months);
    return rc;
}

/* ---------------------------------------------------------------- 2. buying */

static void buy_times(struct ctx *c)
{
    const struct jm_timelines *tl = c->tl;
    const struct jm_dataset *ds = c->ds;
    for (size_t u = 0; u < tl->n_units; u++)
        c->buy_at[u] = tl->entered[u * tl->n_stages + c->buy_stage];
    int f_status = jm_entity_field(jm_entity_get(JM_ENT_DEAL), "status");
    int f_closed = jm_entity_field(jm_entity_get(JM_ENT_DEAL), "closed");
    for (size_t d = 0; d < jm_dataset_rows(ds, JM_ENT_DEAL); d++) {
        uint32_t u = jm_dataset_record_account(ds, JM_ENT_DEAL, d);
        if (u == JM_NONE || !jm__value_is(jm_dataset_value(ds, JM_ENT_DEAL, d, f_status), "won"))
            continue;
        int64_t t = jm__value_time(jm_dataset_value(ds, JM_ENT_DEAL, d, f_closed));
        if (t < c->buy_at[u])
            c->buy_at[u] = t;
    }
}

static bool is_buyer(const struct ctx *c, size_t u)
{
    return jm__unit_in(c->r, u) && jm__in_period(&c->r->opts, c->buy_at[u]);
}

/* Account u's events before `t`: how many, and how many distinct contacts. A contact's events
 * are one run of the slice in time order, so a run counts when its first event is early. */
static void touches_before(const struct ctx *c, size_t u, int64_t t, double *n, double *contacts)
{
    const struct jm_store_columns *col = c->col;
    size_t b = 0, e = 0;
    uint32_t a = jm__store_account_of_row(c->ds, u);
    if (a != JM_NONE)
        jm_store_account_slice(c->s, a, &b, &e);
    *n = *contacts = 0;
    for (size_t i = b; i < e;) {
        size_t x = i + 1, k = i;
        while (x < e && col->contact[x] == col->contact[i])
            x++;
        while (k < x && col->time_us[k] < t)
            k++;
        *n += (double)(k - i);
        *contacts += col->contact[i] && k > i;
        i = x;
    }
}

/* Per first channel: buyers and their median days to buy. */
static jm_status buy_channels(struct ctx *c, double *pairs, size_t n)
{
    struct jm__dim d;
    jm__dim_init(&d, c->s, JM_DIM_CHANNEL);
    struct item *it = jm_malloc((d.n_keys + 1) * sizeof(*it));
    double *days = jm_malloc((n + 1) * sizeof(double));
    if (!it || !days) {
        jm_free(it);
        jm_free(days);
        return JM_ENOMEM;
    }
    for (size_t k = 0; k < d.n_keys; k++) {
        size_t m = 0;
        uint64_t buyers = 0;
        for (size_t i = 0; i < n; i++)
            if (pairs[2 * i] == (double)k) {
                buyers++;
                if (!isnan(pairs[2 * i + 1]))
                    days[m++] = pairs[2 * i + 1];
            }
        struct jm_dist dist;
        jm_dist_of(days, m, &dist);
        it[k] = (struct item){jm__dim_label(&d, (uint32_t)k), buyers, dist.median};
    }
    struct jm_questions *q = c->q;
    jm_status rc = emit(q, it, d.n_keys, q->bought, q->opts.limit, false, &q->buy_by_channel,
                        &q->n_buy_by_channel);
    jm_free(it);
    jm_free(days);
    return rc;
}

static jm_status to_buy(struct ctx *c)
{
    const struct jm_timelines *tl = c->tl;
    struct jm_questions *q = c->q;
    size_t nu = tl->n_units;
    size_t sz = sizeof(double);
    double *days = jm_malloc((nu + 1) * sz), *touches = jm_malloc((nu + 1) * sz);
    double *contacts = jm_malloc((nu + 1) * sz), *pairs = jm_malloc((2 * nu + 1) * sz);
    jm_status rc = days && touches && contacts && pairs ? JM_OK : JM_ENOMEM;
    size_t n_days = 0;
    for (size_t u = 0; !rc && u < nu; u++) {
        if (!is_buyer(c, u))
            continue;
        int64_t bt = c->buy_at[u], ft = tl->first_touch[u];
        double dd = ft <= bt ? (double)(bt - ft) / JM_DAY_US : NAN;
        if (!isnan(dd))
            days[n_days++] = dd;
        touches_before(c, u, bt, &touches[q->bought], &contacts[q->bought]);
        uint32_t i = tl->first_event[u];
        pairs[2 * q->bought] = i == JM_NONE ? 0 : c->col->channel[i];
        pairs[2 * q->bought + 1] = dd;
        q->bought++;
    }
    if (!rc) {
        jm_dist_of(days, n_days, &q->days_to_buy);
        jm_dist_of(touches, q->bought, &q->touches_to_buy);
        jm_dist_of(contacts, q->bought, &q->contacts_to_buy);
        rc = buy_channels(c, pairs, q->bought);
    }
    jm_free(days);
    jm_free(touches);
    jm_free(contacts);
    jm_free(pairs);
    return rc;
}

/* ---------------------------------------------------------------- 3. churn and lost deals */

static bool month_in_period(const struct jm_analysis_options *o, int64_t month)
{
    return jm__month_start(month + 1) > o->from && jm__month_start(month) < o->to;
}

static jm_status churn_rows(struct ctx *c, const struct jm__mrr *m, const struct jm_breakdown *b)
{
    struct jm_questions *q = c->q;
    struct item *it = jm_calloc(b->n_groups + 1, sizeof(*it));
    double *months = jm_malloc((m->n_accounts + 1) * sizeof(double));
    if (!it || !months) {
        jm_free(it);
        jm_free(months);
        return JM_ENOMEM;
    }
    for (size_t g = 0; g < b->n_groups; g++)
        it[g].key = b->labels[g];
    for (size_t u = 0; u < m->n_accounts && u < c->tl->n_units; u++) {
        if (!jm__unit_in(c->r, u) || m->start[u] == INT64_MIN ||
            !month_in_period(&c->r->opts, m->start[u]))
            continue;
        q->customers++;
        if (m->churn[u] == INT64_MIN)
            continue;
        months[q->churned++] = (double)(m->churn[u] - m->start[u]);
        struct item *x = &it[b->group_of[u]];
        x->n++;
        x->extra += jm__mrr_at(m, u, m->churn[u] - 1);
    }
    jm_dist_of(months, q->churned, &q->months_to_churn);
    jm_status rc = emit(q, it, b->n_groups, q->churned, q->opts.limit, false, &q->churn_reasons,
                        &q->n_churn_reasons);
    jm_free(it);
    jm_free(months);
    return rc;
}

static jm_status churn(struct ctx *c, struct jm_error *err)
{
    struct jm__mrr m = {0};
    struct jm_breakdown b = {0};
    jm_status rc = jm__mrr_build(c->ds, &m);
    if (!rc)
        rc = jm_breakdown_units(c->tl, "account.properties.churn_reason", &b, err);
    if (!rc)
        rc = churn_rows(c, &m, &b);
    jm_breakdown_release(&b);
    jm__mrr_release(&m);
    return rc;
}

/* A lost deal: its reason and account, for counting distinct accounts per reason. */
struct lost {
    const char *reason;
    uint32_t account;
    double amount;
};

static int cmp_u32_asc(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return (a > b) - (a < b);
}

static int lost_cmp(const void *x, const void *y)
{
    const struct lost *a = x, *b = y;
    int k = strcmp(a->reason, b->reason);
    return k ? k : (a->account > b->account) - (a->account < b->account);
}

/* Whether deal d counts in the report's period and population (analytics/deals.c's rule). */
static bool deal_counts(const struct ctx *c, size_t d, int f_closed, uint32_t *account)
{
    const struct jm_analysis_options *o = &c->r->opts;
    int64_t t = jm__record_time(c->ds, JM_ENT_DEAL, d);
    if (t == INT64_MIN)
        t = jm__value_time(jm_dataset_value(c->ds, JM_ENT_DEAL, d, f_closed));
    bool open = o->from == INT64_MIN && o->to == INT64_MAX;
    *account = jm_dataset_record_account(c->ds, JM_ENT_DEAL, d);
    return (open || jm__in_period(o, t)) && jm__unit_in(c->r, *account);
}

static jm_status lost_rows(struct ctx *c, struct lost *l, size_t n)
{
    jm__qsort(l, n, sizeof(*l), lost_cmp);
    struct item *it = jm_malloc((n + 1) * sizeof(*it));
    uint32_t *acc = jm_malloc((n + 1) * sizeof(uint32_t));
    if (!it || !acc) {
        jm_free(it);
        jm_free(acc);
        return JM_ENOMEM;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        acc[i] = l[i].account;
        if (!m || strcmp(it[m - 1].key, l[i].reason) != 0)
            it[m++] = (struct item){l[i].reason, 0, 0};
        it[m - 1].n += !i || lost_cmp(&l[i - 1], &l[i]) != 0;
        it[m - 1].extra += l[i].amount;
    }
    jm__qsort(acc, n, sizeof(uint32_t), cmp_u32_asc);
    uint64_t accounts = 0;
    for (size_t i = 0; i < n; i++)
        accounts += !i || acc[i] != acc[i - 1];
    struct jm_questions *q = c->q;
    jm_status rc =
        emit(q, it, m, accounts, q->opts.limit, false, &q->lost_reasons, &q->n_lost_reasons);
    jm_free(it);
    jm_free(acc);
    return rc;
}

static jm_status lost_deals(struct ctx *c)
{
    const struct jm_entity_def *def = jm_entity_get(JM_ENT_DEAL);
    int f_status = jm_entity_field(def, "status"), f_closed = jm_entity_field(def, "closed");
    int f_reason = jm_entity_field(def, "lost_reason"), f_amount = jm_entity_field(def, "amount");
    size_t nd = jm_dataset_rows(c->ds, JM_ENT_DEAL), n = 0;
    struct lost *l = jm_malloc((nd + 1) * sizeof(*l));
    if (!l)
        return JM_ENOMEM;
    for (size_t d = 0; d < nd; d++) {
        uint32_t a;
        if (!jm__value_is(jm_dataset_value(c->ds, JM_ENT_DEAL, d, f_status), "lost") ||
            !deal_counts(c, d, f_closed, &a))
            continue;
        const struct jm_value *why = jm_dataset_value(c->ds, JM_ENT_DEAL, d, f_reason);
        double amount = jm__value_number(jm_dataset_value(c->ds, JM_ENT_DEAL, d, f_amount));
        l[n++] = (struct lost){why->kind == JM_V_TEXT && why->len ? why->s : JM_INSIGHT_MISSING, a,
                               isnan(amount) ? 0 : amount};
    }
    jm_status rc = lost_rows(c, l, n);
    jm_free(l);
    return rc;
}

/* ---------------------------------------------------------------- 4. what they look at */

/* Keys of one kind (touchpoints, pages, products) counted per account, buyers and not. */
struct keys {
    size_t n;
    const char **label;
    bool skip0;    /* key 0 is "none", not a key */
    uint32_t *cnt; /* the current account's events per key */
    uint32_t *touched;
    size_t n_touched;
    uint64_t *with[2], *rep[2]; /* [0] buyers, [1] non-buyers: with the key / repeating it */
};

static jm_status keys_init(struct keys *k, size_t n, bool skip0)
{
    k->n = n;
    k->skip0 = skip0;
    k->label = jm_calloc(n + 1, sizeof(char *));
    k->cnt = jm_calloc(n + 1, sizeof(uint32_t));
    k->touched = jm_malloc((n + 1) * sizeof(uint32_t));
    for (int s = 0; s < 2; s++) {
        k->with[s] = jm_calloc(n + 1, sizeof(uint64_t));
        k->rep[s] = jm_calloc(n + 1, sizeof(uint64_t));
    }
    return k->label && k->cnt && k->touched && k->with[0] && k->with[1] && k->rep[0] && k->rep[1]
               ? JM_OK
               : JM_ENOMEM;
}

static void keys_release(struct keys *k)
{
    jm_free(k->label);
    jm_free(k->cnt);
    jm_free(k->touched);
    for (int s = 0; s < 2; s++) {
        jm_free(k->with[s]);
        jm_free(k->rep[s]);
    }
}

static inline void keys_see(struct keys *k, uint32_t key)
{
    if ((key || !k->skip0) && key < k->n && k->cnt[key]++ == 0)
        k->touched[k->n_touched++] = key;
}

static void keys_end(struct keys *k, int side, size_t repeat_min)
{
    for (size_t i = 0; i < k->n_touched; i++) {
        uint32_t key = k->touched[i];
        k->with[side][key]++;
        k->rep[side][key] += k->cnt[key] >= repeat_min;
        k->cnt[key] = 0;
    }
    k->n_touched = 0;
}

/* Share among buyers over share among non-buyers. */
static double lift(uint64_t buyers, uint64_t n_buy, uint64_t others, uint64_t n_other)
{
    if (!n_buy || !others || !n_other)
        return NAN;
    return ((double)buyers / (double)n_buy) / ((double)others / (double)n_other);
}

static jm_status key_rows(struct ctx *c, const struct keys *k, bool repeated, uint64_t n_other,
                          struct jm_count_row **out, size_t *n_out)
{
    struct item *it = jm_malloc((k->n + 1) * sizeof(*it));
    if (!it)
        return JM_ENOMEM;
    uint64_t *const *w = repeated ? k->rep : k->with;
    for (size_t i = 0; i < k->n; i++)
        it[i] = (struct item){k->label[i], k->label[i] ? w[0][i] : 0,
                              lift(w[0][i], c->q->bought, w[1][i], n_other)};
    jm_status rc = emit(c->q, it, k->n, c->q->bought, c->q->opts.limit, false, out, n_out);
    jm_free(it);
    return rc;
}

/* The path of a url: no scheme and host, no query, no fragment ("/" when nothing is left of
 * an absolute url). */
static void url_path(const char *url, size_t len, const char **p, size_t *n)
{
    size_t b = 0, e = 0;
    while (e < len && url[e] != '?' && url[e] != '#')
        e++;
    const char *sep = memchr(url, ':', e);
    bool scheme = sep && (size_t)(sep - url) + 2 < e && sep[1] == '/' && sep[2] == '/';
    if (scheme || (e >= 2 && url[0] == '/' && url[1] == '/')) {
        b = scheme ? (size_t)(sep - url) + 3 : 2;
        while (b < e && url[b] != '/')
            b++;
        if (b == e) {
            *p = "/";
            *n = 1;
            return;
        }
    }
    *p = url + b;
    *n = e - b;
}

/* Text keys (pages, products) numbered 1.. in first-seen order; labels in `names`. */
struct names {
    struct jm_strmap map;
    struct jm_arena arena;
    const char **label; /* [id] */
    size_t n, cap;      /* ids 0 .. n - 1, 0 = none */
};

static jm_status names_id(struct names *nm, const char *s, size_t len, uint32_t *id)
{
    uint64_t *v;
    bool added;
    if (jm_grow((void **)&nm->label, &nm->cap, nm->n + 2, sizeof(char *)) ||
        jm__strmap_put(&nm->map, s, len, nm->n ? nm->n : 1, &v, &added))
        return JM_ENOMEM;
    if (added) {
        nm->n = nm->n ? nm->n : 1;
        nm->label[nm->n] = jm_arena_strndup(&nm->arena, s, len);
        if (!nm->label[nm->n++])
            return JM_ENOMEM;
    }
    *id = (uint32_t)*v;
    return JM_OK;
}

static void names_release(struct names *nm)
{
    jm__strmap_release(&nm->map);
    jm_arena_release(&nm->arena);
    jm_free(nm->label);
}

/* Page id per url id (NULL when urls are not loaded). */
static jm_status pages_of(struct ctx *c, struct names *nm, uint32_t **out)
{
    size_t n_url = jm_store_field_dict_size(c->s, JM_EV_URL);
    *out = NULL;
    if (!n_url)
        return JM_OK;
    uint32_t *page = jm_calloc(n_url + 1, sizeof(uint32_t));
    if (!page)
        return JM_ENOMEM;
    *out = page;
    for (uint32_t id = 1; id < n_url; id++) {
        size_t len, n;
        const char *url = jm_store_field_text(c->s, JM_EV_URL, id, &len), *p;
        url_path(url, len, &p, &n);
        if (n && names_id(nm, p, n, &page[id]))
            return JM_ENOMEM;
    }
    return JM_OK;
}

/* Product id per event (NULL when no event has a product property). */
static jm_status products_of(struct ctx *c, struct names *nm, uint32_t **out)
{
    size_t n_ev = jm_store_events(c->s);
    struct jm_strbuf json = JM_STRBUF_INIT, val = JM_STRBUF_INIT;
    uint32_t *prod = jm_calloc(n_ev + 1, sizeof(uint32_t));
    jm_status rc = prod ? JM_OK : JM_ENOMEM;
    for (size_t i = 0; !rc && i < n_ev; i++) {
        const char *p;
        size_t len;
        jm_store_props(c->s, i, &p, &len);
        if (!len)
            continue;
        jm_strbuf_reset(&json);
        jm_strbuf_reset(&val);
        rc = jm_strbuf_add(&json, p, len);
        if (!rc && jm__props_get(json.buf, "product", &val) && val.len)
            rc = names_id(nm, val.buf, val.len, &prod[i]);
        if (!rc && val.failed)
            rc = JM_ENOMEM;
    }
    jm_strbuf_release(&json);
    jm_strbuf_release(&val);
    if (rc || nm->n == 0) {
        jm_free(prod);
        prod = NULL;
    }
    *out = prod;
    return rc;
}

struct looked {
    struct keys tp, pages, products;
    const uint32_t *url;         /* url id per event, or NULL */
    uint32_t *page_of, *prod_of; /* page per url id, product per event; or NULL */
    uint64_t n_other;            /* non-buyers with a touch */
};

/* Counts account u's touches before buying (buyers) or before the period's end (non-buyers). */
static void look_at(struct ctx *c, struct looked *lk, size_t u)
{
    int side = is_buyer(c, u) ? 0 : c->buy_at[u] == INT64_MAX ? 1 : -1;
    uint32_t a = jm__store_account_of_row(c->ds, u);
    if (side < 0 || !jm__unit_in(c->r, u) || a == JM_NONE)
        return;
    int64_t limit = side == 0 ? c->buy_at[u] : c->r->opts.to;
    size_t b, e, seen = 0;
    jm_store_account_slice(c->s, a, &b, &e);
    for (size_t i = b; i < e; i++) {
        if (c->col->time_us[i] >= limit)
            continue;
        seen++;
        keys_see(&lk->tp, c->col->touchpoint[i]);
        if (lk->page_of)
            keys_see(&lk->pages, lk->page_of[lk->url[i]]);
        if (lk->prod_of)
            keys_see(&lk->products, lk->prod_of[i]);
    }
    size_t rm = c->q->opts.repeat_min;
    keys_end(&lk->tp, side, rm);
    keys_end(&lk->pages, side, rm);
    keys_end(&lk->products, side, rm);
    lk->n_other += side == 1 && seen;
}

static jm_status looked_rows(struct ctx *c, struct looked *lk)
{
    struct jm_questions *q = c->q;
    uint64_t no = lk->n_other;
    jm_status rc =
        key_rows(c, &lk->tp, false, no, &q->looked_touchpoints, &q->n_looked_touchpoints);
    if (!rc)
        rc = key_rows(c, &lk->pages, false, no, &q->looked_pages, &q->n_looked_pages);
    if (!rc)
        rc = key_rows(c, &lk->pages, true, no, &q->repeated_pages, &q->n_repeated_pages);
    if (!rc)
        rc = key_rows(c, &lk->products, true, no, &q->repeated_products, &q->n_repeated_products);
    return rc;
}

static jm_status looked(struct ctx *c)
{
    struct looked lk = {0};
    struct names pages = {.map = JM_STRMAP_INIT}, prods = {.map = JM_STRMAP_INIT};
    jm_arena_init(&pages.arena);
    jm_arena_init(&prods.arena);
    struct jm__dim d;
    jm__dim_init(&d, c->s, JM_DIM_TOUCHPOINT);
    lk.url = jm_store_field(c->s, JM_EV_URL);
    jm_status rc = pages_of(c, &pages, &lk.page_of);
    if (!rc)
        rc = products_of(c, &prods, &lk.prod_of);
    if (!rc)
        rc = keys_init(&lk.tp, d.n_keys, false);
    if (!rc)
        rc = keys_init(&lk.pages, pages.n, true);
    if (!rc)
        rc = keys_init(&lk.products, prods.n, true);
    for (size_t k = 0; !rc && k < d.n_keys; k++)
        lk.tp.label[k] = jm__dim_label(&d, (uint32_t)k);
    for (size_t k = 1; !rc && k < pages.n; k++)
        lk.pages.label[k] = pages.label[k];
    for (size_t k = 1; !rc && k < prods.n; k++)
        lk.products.label[k] = prods.label[k];
    for (size_t u = 0; !rc && u < c->tl->n_units; u++)
        look_at(c, &lk, u);
    if (!rc)
        rc = looked_rows(c, &lk);
    keys_release(&lk.tp);
    keys_release(&lk.pages);
    keys_release(&lk.products);
    jm_free(lk.page_of);
    jm_free(lk.prod_of);
    names_release(&pages);
    names_release(&prods);
    return rc;
}

/* ---------------------------------------------------------------- the whole */

static jm_status buy_stage_of(const struct jm_report *r, const char *key, size_t *out,
                              struct jm_error *err)
{
    const struct jm_journey *j = r->tl->journey;
    *out = j->settings.goal;
    if (!key)
        return JM_OK;
    for (size_t s = 0; s < j->n_stages; s++)
        if (strcmp(j->stages[s].key, key) == 0) {
            *out = s;
            return JM_OK;
        }
    return jm_error_set(err, JM_EINVAL, "unknown stage '%s'", key);
}

static jm_status answer(struct ctx *c, struct jm_error *err)
{
    jm_status rc = first_touches(c);
    if (!rc) {
        buy_times(c);
        rc = to_buy(c);
    }
    if (!rc)
        rc = churn(c, err);
    if (!rc)
        rc = lost_deals(c);
    if (!rc)
        rc = looked(c);
    return rc;
}

jm_status jm_questions_compute(const struct jm_report *r, const struct jm_questions_opts *o,
                               struct jm_questions **out, struct jm_error *err)
{
    *out = NULL;
    if (r->tl->level != JM_LEVEL_ACCOUNT)
        return jm_error_set(err, JM_EINVAL, "the four questions need the account level");
    struct ctx c = {r, r->tl, r->tl->ds, jm_dataset_store(r->tl->ds), NULL, NULL, 0, NULL};
    c.col = jm_store_columns(c.s);
    jm_status rc = buy_stage_of(r, o->buy_stage, &c.buy_stage, err);
    if (rc)
        return rc;
    c.q = jm_calloc(1, sizeof(*c.q));
    c.buy_at = jm_malloc((r->tl->n_units + 1) * sizeof(int64_t));
    rc = c.q && c.buy_at ? JM_OK : JM_ENOMEM;
    if (!rc) {
        jm_arena_init(&c.q->arena);
        c.q->opts = *o;
        rc = answer(&c, err);
    }
    if (rc == JM_ENOMEM)
        jm_error_set(err, rc, "out of memory answering the four questions");
    jm_free(c.buy_at);
    if (rc)
        jm_questions_free(c.q);
    else
        *out = c.q;
    return rc;
}

void jm_questions_free(struct jm_questions *q)
{
    if (!q)
        return;
    jm_arena_release(&q->arena);
    jm_free(q);
}
