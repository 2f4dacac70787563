/*
 * jm_journey_run: streams of each unit -> rule occurrences -> the unit's moves, entries, last
 * touch, score and the DMU roles engaged per stage (journey.h says how moves are made).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "journey/internal.h"

static const char *const BUILTIN_ROLES[] = {"decider",    "champion", "user",   "researcher",
                                            "influencer", "finance",  "unknown"};

/* An occurrence of a stage's rule on a unit. */
struct occ {
    int64_t time;
    uint32_t stage;
    uint32_t back_only; /* from `revisit: RULE`: moves an entity back, never forward */
};

/* Everything one run owns, and the scratch reused from unit to unit. */
struct run {
    struct jm_engine e;
    struct jm_timelines *tl;
    struct jm_move *moves;
    size_t n_moves, cap_moves;
    struct occ *occ;
    size_t n_occ, cap_occ;
    uint32_t *evbuf; /* the stream's event indexes */
    size_t cap_ev;
    uint32_t *tmp; /* scratch for sorting them */
    size_t cap_tmp;
    uint32_t *unit_store;     /* unit -> store account / contact index, JM_NONE */
    uint32_t *run_start;      /* contact level: store contact -> its runs in `runs` */
    uint32_t (*runs)[2];      /* [begin, end) of each contact run, grouped by contact */
    uint8_t *role_of_contact; /* store contact -> role bit + 1, 0 = none */
    /* owned outputs */
    uint32_t *unit_row, *move_start, *first_event, *last_event;
    int64_t *entered, *passed, *first_touch, *last_touch;
    uint16_t *roles;
    double *score, *max_score;
};

static int occ_cmp(const void *a, const void *b)
{
    const struct occ *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    if (x->stage != y->stage)
        return x->stage < y->stage ? -1 : 1;
    return (x->back_only > y->back_only) - (x->back_only < y->back_only);
}

static jm_status collect_one(struct run *r, const struct jm_tvec *v, size_t s, bool back_only)
{
    if (r->n_occ + v->n > r->cap_occ &&
        jm_grow((void **)&r->occ, &r->cap_occ, r->n_occ + v->n, sizeof(struct occ)))
        return JM_ENOMEM;
    for (size_t k = 0; k < v->n; k++)
        r->occ[r->n_occ++] = (struct occ){v->t[k], (uint32_t)s, back_only};
    return JM_OK;
}

static jm_status collect(struct run *r)
{
    for (size_t s = 0; s < r->tl->n_stages; s++)
        if (collect_one(r, &r->e.stage_rules[s].out, s, false) ||
            (r->e.back_rules[s].src && collect_one(r, &r->e.back_rules[s].out, s, true)))
            return JM_ENOMEM;
    return JM_OK;
}

static jm_status eval_stream(struct run *r, struct jm_stream *s, size_t u)
{
    if (jm__engine_eval(&r->e, s) || collect(r))
        return JM_ENOMEM;
    /* any_contact: the account's score is its hottest contact's */
    if (s->score > r->score[u])
        r->score[u] = s->score;
    if (s->max_score > r->max_score[u])
        r->max_score[u] = s->max_score;
    return JM_OK;
}

/* Walks the unit's occurrences in time order into moves (journey.h, step 3). */
static jm_status walk(struct run *r, size_t u)
{
    const struct jm_journey *j = r->tl->journey;
    size_t ns = j->n_stages;
    int64_t *entered = &r->entered[u * ns], *passed = &r->passed[u * ns];
    jm__qsort(r->occ, r->n_occ, sizeof(struct occ), occ_cmp);
    uint16_t cur = JM_NO_STAGE;
    uint64_t visited = 0;
    for (size_t k = 0; k < r->n_occ; k++) {
        uint16_t s = (uint16_t)r->occ[k].stage;
        int64_t t = r->occ[k].time;
        uint8_t kind;
        bool back = cur != JM_NO_STAGE && s < cur;
        if (s == cur || (r->occ[k].back_only && !back))
            continue;
        if (cur == JM_NO_STAGE)
            kind = JM_MOVE_ENTER;
        else if (s > cur)
            kind = s == cur + 1 ? JM_MOVE_FORWARD : JM_MOVE_SKIP;
        else if (j->stages[s].revisit || r->occ[k].back_only)
            kind = JM_MOVE_BACK;
        else
            continue;
        if (r->n_moves == r->cap_moves &&
            jm_grow((void **)&r->moves, &r->cap_moves, r->n_moves + 1, sizeof(struct jm_move)))
            return JM_ENOMEM;
        r->moves[r->n_moves++] = (struct jm_move){t, cur, s, kind, (uint8_t)((visited >> s) & 1u)};
        if (entered[s] == INT64_MAX)
            entered[s] = t;
        /* Stages jumped over count as passed at the jump (for skip_counts_as_passed). */
        size_t from = cur == JM_NO_STAGE ? 0 : (size_t)cur + 1;
        for (size_t p = from; kind != JM_MOVE_BACK && p <= s; p++)
            if (passed[p] == INT64_MAX)
                passed[p] = t;
        visited |= UINT64_C(1) << s;
        cur = s;
    }
    return JM_OK;
}

static jm_status need_ev(struct run *r, size_t n)
{
    return n > r->cap_ev ? jm_grow((void **)&r->evbuf, &r->cap_ev, n, sizeof(uint32_t)) : JM_OK;
}

/* Merges the sorted runs ev[a..m) and ev[m..b) into out[a..b), the left first on equal times. */
static void merge(const int64_t *t, const uint32_t *ev, uint32_t *out, size_t a, size_t m, size_t b)
{
    size_t i = a, j = m, k = a;
    while (i < m && j < b)
        out[k++] = t[ev[j]] < t[ev[i]] ? ev[j++] : ev[i++];
    while (i < m)
        out[k++] = ev[i++];
    while (j < b)
        out[k++] = ev[j++];
}

/*
 * Sorts event indexes by time, equal times by index. The indexes come as the store keeps them:
 * runs already in time order (one per contact), so a natural merge sort does it in
 * O(n log runs).
 */
static jm_status sort_by_time(struct run *r, uint32_t *ev, size_t n)
{
    const int64_t *t = r->e.col->time_us;
    if (n > r->cap_tmp && jm_grow((void **)&r->tmp, &r->cap_tmp, n, sizeof(uint32_t)))
        return JM_ENOMEM;
    uint32_t *src = ev, *dst = r->tmp;
    for (;;) {
        size_t runs = 0;
        for (size_t a = 0; a < n;) {
            size_t m = a + 1;
            while (m < n && t[src[m - 1]] <= t[src[m]])
                m++;
            size_t b = m < n ? m + 1 : n;
            while (b < n && t[src[b - 1]] <= t[src[b]])
                b++;
            merge(t, src, dst, a, m, b);
            runs++;
            a = b;
        }
        uint32_t *x = src;
        src = dst;
        dst = x;
        if (runs <= 1)
            break;
    }
    if (src != ev)
        memcpy(ev, src, n * sizeof(uint32_t));
    return JM_OK;
}

/* Points the stream's records at key's group; with `by_sub`, only the rows of contact `sub`
 * (within an account's group they are one run, rows being sorted by contact first). */
static void set_records(struct run *r, struct jm_stream *s, size_t key, bool by_sub, uint32_t sub)
{
    static const enum jm_entity K[] = {JM_ENT_DEAL, JM_ENT_TICKET, JM_ENT_SURVEY, JM_ENT_REVENUE};
    for (size_t i = 0; i < sizeof(K) / sizeof(K[0]); i++) {
        const struct jm_groups *g = &r->e.recs[K[i]];
        const struct jm_table *t = &r->e.ds->tables[K[i]];
        size_t b = g->start[key], e = g->start[key + 1];
        if (by_sub) {
            while (b < e && t->contact[g->rows[b]] != sub)
                b++;
            size_t x = b;
            while (x < e && t->contact[g->rows[x]] == sub)
                x++;
            e = x;
        }
        s->rec[K[i]] = &g->rows[b];
        s->n_rec[K[i]] = e - b;
    }
}

static jm_status fill_range(struct run *r, size_t b, size_t e)
{
    if (need_ev(r, e - b + 1))
        return JM_ENOMEM;
    for (size_t i = b; i < e; i++)
        r->evbuf[i - b] = (uint32_t)i;
    return JM_OK;
}

/* A contact: its events (one run per account it has events under) and its own records. Leaves
 * the contact's events in evbuf for touches(). */
static jm_status contact_streams(struct run *r, size_t u, size_t *n_events)
{
    struct jm_stream s = {0};
    uint32_t c = r->unit_store[u];
    size_t n = 0;
    if (c != JM_NONE) {
        for (size_t k = r->run_start[c]; k < r->run_start[c + 1]; k++) {
            size_t b = r->runs[k][0], e = r->runs[k][1];
            if (need_ev(r, n + e - b + 1))
                return JM_ENOMEM;
            for (size_t i = b; i < e; i++)
                r->evbuf[n++] = (uint32_t)i;
        }
        if (r->run_start[c + 1] - r->run_start[c] > 1 && sort_by_time(r, r->evbuf, n))
            return JM_ENOMEM;
    }
    s.ev = r->evbuf;
    s.n_ev = *n_events = n;
    set_records(r, &s, u, false, 0);
    return eval_stream(r, &s, u);
}

/* The contacts of an account already evaluated (accounts have few; a list is enough). */
struct seen {
    uint32_t *rows;
    size_t n, cap;
};

static bool seen_has(const struct seen *sn, uint32_t row)
{
    for (size_t i = 0; i < sn->n; i++)
        if (sn->rows[i] == row)
            return true;
    return false;
}

/* Evaluates contact `row`'s stream within account u (JM_NONE: the account's own) and notes it. */
static jm_status contact_stream(struct run *r, size_t u, const uint32_t *ev, size_t n, uint32_t row,
                                struct seen *sn)
{
    struct jm_stream s = {.ev = ev, .n_ev = n};
    set_records(r, &s, u, true, row);
    jm_status rc = eval_stream(r, &s, u);
    if (!rc && sn->n == sn->cap)
        rc = jm_grow((void **)&sn->rows, &sn->cap, sn->n + 1, sizeof(uint32_t));
    if (!rc)
        sn->rows[sn->n++] = row;
    return rc;
}

/* An account, rolled up from its contacts: one stream per contact and one for the account's own
 * events and records; or, with rollup "combined", all of them in one stream. Leaves the
 * account's events in evbuf for touches(). */
static jm_status account_streams(struct run *r, size_t u, size_t *n_events)
{
    const struct jm_dataset *ds = r->e.ds;
    const uint32_t *contact = r->e.col->contact;
    size_t b = 0, e = 0;
    if (r->unit_store[u] != JM_NONE)
        jm_store_account_slice(ds->store, r->unit_store[u], &b, &e);
    *n_events = e - b;
    if (fill_range(r, b, e))
        return JM_ENOMEM;
    if (r->tl->journey->settings.rollup == JM_ROLLUP_COMBINED) {
        if (sort_by_time(r, r->evbuf, e - b))
            return JM_ENOMEM;
        struct jm_stream s = {.ev = r->evbuf, .n_ev = e - b};
        set_records(r, &s, u, false, 0);
        return eval_stream(r, &s, u);
    }
    struct seen sn = {0};
    jm_status rc = JM_OK;
    for (size_t i = b; !rc && i < e;) { /* each contact's run of the slice */
        size_t x = i;
        while (x < e && contact[x] == contact[i])
            x++;
        uint32_t row = contact[i] ? jm_dataset_contact_row(ds, contact[i]) : JM_NONE;
        rc = contact_stream(r, u, &r->evbuf[i - b], x - i, row, &sn);
        i = x;
    }
    /* Contacts (and the account itself) with records but no events. */
    static const enum jm_entity K[] = {JM_ENT_DEAL, JM_ENT_TICKET, JM_ENT_SURVEY, JM_ENT_REVENUE};
    for (size_t k = 0; !rc && k < sizeof(K) / sizeof(K[0]); k++) {
        const struct jm_groups *g = &r->e.recs[K[k]];
        for (size_t q = g->start[u]; !rc && q < g->start[u + 1]; q++) {
            uint32_t row = ds->tables[K[k]].contact[g->rows[q]];
            if (!seen_has(&sn, row))
                rc = contact_stream(r, u, NULL, 0, row, &sn);
        }
    }
    jm_free(sn.rows);
    return rc;
}

/* First and last touch, and the DMU roles engaged in each stage, from the unit's events. */
static void touches(struct run *r, size_t u, const uint32_t *ev, size_t n)
{
    const struct jm_store_columns *col = r->e.col;
    size_t ns = r->tl->n_stages;
    for (size_t k = 0; k < n; k++) {
        size_t i = ev[k];
        int64_t t = col->time_us[i];
        if (t < r->first_touch[u] || (t == r->first_touch[u] && i < r->first_event[u])) {
            r->first_touch[u] = t;
            r->first_event[u] = (uint32_t)i;
        }
        if (t >= r->last_touch[u]) {
            r->last_touch[u] = t;
            r->last_event[u] = (uint32_t)i;
        }
        uint8_t role = r->role_of_contact[col->contact[i]];
        if (!role)
            continue;
        uint16_t st = jm_timelines_stage_at(r->tl, u, t);
        if (st != JM_NO_STAGE)
            r->roles[u * ns + st] |= (uint16_t)(1u << (role - 1));
    }
}

static jm_status unit(struct run *r, size_t u)
{
    r->n_occ = 0;
    r->score[u] = 0;
    r->max_score[u] = 0;
    r->first_touch[u] = INT64_MAX;
    r->last_touch[u] = INT64_MIN;
    r->last_event[u] = JM_NONE;
    r->first_event[u] = JM_NONE;
    size_t n_events = 0;
    jm_status rc = r->tl->level == JM_LEVEL_CONTACT ? contact_streams(r, u, &n_events)
                                                    : account_streams(r, u, &n_events);
    if (rc || walk(r, u))
        return JM_ENOMEM;
    r->move_start[u + 1] = (uint32_t)r->n_moves;
    r->tl->moves = r->moves; /* jm_timelines_stage_at reads them while `touches` runs */
    r->tl->move_start = r->move_start;
    touches(r, u, r->evbuf, n_events); /* the streams left the unit's events in evbuf */
    return JM_OK;
}

/* The runs of each store contact, as [begin, end) pairs grouped by contact (contact level). */
static jm_status build_runs(struct run *r)
{
    const struct jm_store_columns *col = r->e.col;
    size_t nc = jm_store_dict_size(r->e.ds->store, JM_STORE_CONTACT);
    r->run_start = jm_calloc(nc + 2, sizeof(uint32_t));
    if (!r->run_start)
        return JM_ENOMEM;
    size_t n_runs = 0;
    for (size_t a = 0; a <= col->n_accounts; a++)
        for (size_t i = col->account_start[a]; i < col->account_start[a + 1]; i++)
            if (i == col->account_start[a] || col->contact[i] != col->contact[i - 1]) {
                r->run_start[col->contact[i] + 1]++;
                n_runs++;
            }
    for (size_t c = 0; c < nc; c++)
        r->run_start[c + 1] += r->run_start[c];
    r->runs = jm_malloc((n_runs + 1) * sizeof(*r->runs));
    uint32_t *fill = jm_malloc((nc + 1) * sizeof(uint32_t));
    if (!r->runs || !fill) {
        jm_free(fill);
        return JM_ENOMEM;
    }
    memcpy(fill, r->run_start, nc * sizeof(uint32_t));
    for (size_t a = 0; a <= col->n_accounts; a++) {
        size_t b = col->account_start[a], e = col->account_start[a + 1];
        for (size_t i = b; i < e;) {
            size_t x = i;
            while (x < e && col->contact[x] == col->contact[i])
                x++;
            uint32_t k = fill[col->contact[i]]++;
            r->runs[k][0] = (uint32_t)i;
            r->runs[k][1] = (uint32_t)x;
            i = x;
        }
    }
    jm_free(fill);
    return JM_OK;
}

/* DMU roles: the built-in ones, then the definition's own. */
static jm_status build_roles(struct run *r, struct jm_error *err)
{
    struct jm_timelines *tl = r->tl;
    const struct jm_journey *j = tl->journey;
    for (size_t i = 0; i < sizeof(BUILTIN_ROLES) / sizeof(BUILTIN_ROLES[0]); i++)
        tl->role_keys[tl->n_roles++] = BUILTIN_ROLES[i];
    for (size_t i = 0; i < j->n_dmu_roles; i++) {
        if (jm_timelines_role(tl, j->dmu_roles[i].key) >= 0)
            continue;
        if (tl->n_roles == JM_MAX_ROLES)
            return jm_error_set(err, JM_ELIMIT, "more than %d DMU roles", JM_MAX_ROLES);
        tl->role_keys[tl->n_roles++] = j->dmu_roles[i].key;
    }
    const struct jm_dataset *ds = r->e.ds;
    size_t nc = jm_store_dict_size(ds->store, JM_STORE_CONTACT);
    int f = jm_entity_field(jm_entity_get(JM_ENT_CONTACT), "dmu_role");
    r->role_of_contact = jm_calloc(nc + 1, 1);
    if (!r->role_of_contact)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    for (size_t c = 1; c < nc; c++) {
        const struct jm_value *v =
            jm_dataset_value(ds, JM_ENT_CONTACT, jm_dataset_contact_row(ds, c), f);
        int bit = v->kind == JM_V_TEXT ? jm_timelines_role(tl, v->s) : -1;
        r->role_of_contact[c] = (uint8_t)(bit + 1);
    }
    return JM_OK;
}

static jm_status prepare(struct run *r, struct jm_error *err)
{
    struct jm_timelines *tl = r->tl;
    const struct jm_dataset *ds = r->e.ds;
    bool contact_level = tl->level == JM_LEVEL_CONTACT;
    enum jm_entity kind = contact_level ? JM_ENT_CONTACT : JM_ENT_ACCOUNT;
    size_t nu = tl->n_units = jm_dataset_rows(ds, kind), ns = tl->n_stages;
    r->unit_row = jm_malloc((nu + 1) * sizeof(uint32_t));
    r->unit_store = jm_malloc((nu + 1) * sizeof(uint32_t));
    r->move_start = jm_calloc(nu + 1, sizeof(uint32_t));
    r->last_event = jm_malloc((nu + 1) * sizeof(uint32_t));
    r->first_event = jm_malloc((nu + 1) * sizeof(uint32_t));
    r->entered = jm_malloc((nu * ns + 1) * sizeof(int64_t));
    r->passed = jm_malloc((nu * ns + 1) * sizeof(int64_t));
    r->roles = jm_calloc(nu * ns + 1, sizeof(uint16_t));
    r->first_touch = jm_malloc((nu + 1) * sizeof(int64_t));
    r->last_touch = jm_malloc((nu + 1) * sizeof(int64_t));
    r->score = jm_malloc((nu + 1) * sizeof(double));
    r->max_score = jm_malloc((nu + 1) * sizeof(double));
    if (!r->unit_row || !r->unit_store || !r->move_start || !r->last_event || !r->first_event ||
        !r->entered || !r->passed || !r->roles || !r->first_touch || !r->last_touch || !r->score ||
        !r->max_score)
        return jm_error_set(err, JM_ENOMEM, "out of memory running the journey");
    for (size_t i = 0; i < nu * ns; i++)
        r->entered[i] = r->passed[i] = INT64_MAX;
    for (size_t u = 0; u < nu; u++) {
        r->unit_row[u] = (uint32_t)u;
        r->unit_store[u] = JM_NONE;
    }
    size_t nstore = contact_level ? jm_store_dict_size(ds->store, JM_STORE_CONTACT)
                                  : jm_store_accounts(ds->store);
    for (size_t i = contact_level ? 1 : 0; i < nstore; i++) {
        uint32_t row =
            contact_level ? jm_dataset_contact_row(ds, i) : jm_dataset_account_row(ds, i);
        if (row != JM_NONE)
            r->unit_store[row] = (uint32_t)i;
    }
    static const enum jm_entity K[] = {JM_ENT_DEAL, JM_ENT_TICKET, JM_ENT_SURVEY, JM_ENT_REVENUE};
    for (size_t k = 0; k < sizeof(K) / sizeof(K[0]); k++)
        if (jm__groups_build(ds, K[k], contact_level, nu, &r->e.recs[K[k]]))
            return jm_error_set(err, JM_ENOMEM, "out of memory grouping records");
    if (contact_level && build_runs(r))
        return jm_error_set(err, JM_ENOMEM, "out of memory finding contacts' events");
    return build_roles(r, err);
}

/* The latest time anything happened: "now" for stalls and silence. */
static int64_t data_as_of(const struct jm_dataset *ds, const struct jm_store_columns *col)
{
    int64_t t = INT64_MIN;
    for (size_t i = 0; i < col->n; i++)
        t = col->time_us[i] > t ? col->time_us[i] : t;
    static const enum jm_entity K[] = {JM_ENT_DEAL, JM_ENT_TICKET, JM_ENT_SURVEY};
    static const char *const F[] = {"closed", "resolved", "time"};
    for (size_t k = 0; k < 3; k++) {
        int f = jm_entity_field(jm_entity_get(K[k]), F[k]);
        for (size_t r = 0; r < jm_dataset_rows(ds, K[k]); r++) {
            int64_t a = jm__record_time(ds, K[k], r);
            const struct jm_value *v = jm_dataset_value(ds, K[k], r, f);
            int64_t b = v->kind == JM_V_TIME ? v->i : INT64_MIN;
            t = a > t ? a : t;
            t = b > t ? b : t;
        }
    }
    return t;
}

static void run_release(struct run *r, bool keep_outputs)
{
    jm__engine_release(&r->e);
    jm_free(r->occ);
    jm_free(r->evbuf);
    jm_free(r->tmp);
    jm_free(r->unit_store);
    jm_free(r->run_start);
    jm_free(r->runs);
    jm_free(r->role_of_contact);
    if (keep_outputs)
        return;
    jm_free(r->moves);
    jm_free(r->unit_row);
    jm_free(r->move_start);
    jm_free(r->last_event);
    jm_free(r->first_event);
    jm_free(r->entered);
    jm_free(r->passed);
    jm_free(r->roles);
    jm_free(r->first_touch);
    jm_free(r->last_touch);
    jm_free(r->score);
    jm_free(r->max_score);
    jm_free(r->tl);
}

jm_status jm_journey_run(const struct jm_dataset *ds, const struct jm_journey *j,
                         struct jm_timelines **out, struct jm_error *err)
{
    *out = NULL;
    if (j->n_stages > JM_MAX_STAGES)
        return jm_error_set(err, JM_ELIMIT, "%s: more than %d stages", j->path, JM_MAX_STAGES);
    struct run r;
    memset(&r, 0, sizeof(r));
    r.e.ds = ds;
    r.e.j = j;
    r.tl = jm_calloc(1, sizeof(*r.tl));
    if (!r.tl)
        return jm_error_set(err, JM_ENOMEM, "out of memory running the journey");
    r.tl->journey = j;
    r.tl->ds = ds;
    r.tl->level = j->settings.level;
    r.tl->n_stages = j->n_stages;
    jm_status rc = jm__engine_compile(&r.e, err);
    if (!rc)
        rc = prepare(&r, err);
    for (size_t u = 0; !rc && u < r.tl->n_units; u++)
        if (unit(&r, u))
            rc = jm_error_set(err, JM_ENOMEM, "out of memory running the journey");
    if (rc) {
        run_release(&r, false);
        return rc;
    }
    struct jm_timelines *tl = r.tl;
    tl->unit_row = r.unit_row;
    tl->move_start = r.move_start;
    tl->moves = r.moves;
    tl->entered = r.entered;
    tl->passed = r.passed;
    tl->roles = r.roles;
    tl->first_touch = r.first_touch;
    tl->last_touch = r.last_touch;
    tl->last_event = r.last_event;
    tl->first_event = r.first_event;
    tl->score = r.score;
    tl->max_score = r.max_score;
    tl->as_of = data_as_of(ds, r.e.col);
    run_release(&r, true);
    *out = tl;
    return JM_OK;
}

void jm_timelines_free(struct jm_timelines *tl)
{
    if (!tl)
        return;
    jm_free((void *)tl->unit_row);
    jm_free((void *)tl->move_start);
    jm_free((void *)tl->moves);
    jm_free((void *)tl->entered);
    jm_free((void *)tl->passed);
    jm_free((void *)tl->roles);
    jm_free((void *)tl->first_touch);
    jm_free((void *)tl->last_touch);
    jm_free((void *)tl->last_event);
    jm_free((void *)tl->first_event);
    jm_free((void *)tl->score);
    jm_free((void *)tl->max_score);
    jm_free(tl);
}

uint16_t jm_timelines_stage_at(const struct jm_timelines *tl, size_t u, int64_t t)
{
    if (u >= tl->n_units)
        return JM_NO_STAGE;
    size_t lo = tl->move_start[u], hi = tl->move_start[u + 1];
    while (lo < hi) { /* the first move after t */
        size_t mid = lo + (hi - lo) / 2;
        if (tl->moves[mid].time <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == tl->move_start[u] ? JM_NO_STAGE : tl->moves[lo - 1].to;
}

const char *jm_timelines_unit_id(const struct jm_timelines *tl, size_t u)
{
    enum jm_entity k = tl->level == JM_LEVEL_CONTACT ? JM_ENT_CONTACT : JM_ENT_ACCOUNT;
    const struct jm_value *v = jm_dataset_value(tl->ds, k, tl->unit_row[u], 0);
    return v->kind == JM_V_TEXT ? v->s : "";
}

int jm_timelines_role(const struct jm_timelines *tl, const char *key)
{
    for (size_t i = 0; i < tl->n_roles; i++)
        if (strcmp(tl->role_keys[i], key) == 0)
            return (int)i;
    return -1;
}
