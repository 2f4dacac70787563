/*
 * The data answers (docs/api.md "Data"): accounts, contacts and deals, read from the engine's
 * view (the dataset loaded in memory, with the timelines of the default journey), so a list
 * shows each account's current stage and status without another query, and an account's
 * timeline puts its stage moves and every touch of every committee member in one time order.
 *
 * Lists are in id order, `after` the last id of the previous page, `limit` 1 to 500 (50).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "journeymap/journey.h"
#include "journeymap/store.h"
#include "server/engine.h"

static void add_str(struct jm_strbuf *sb, const char *s)
{
    if (s)
        jm_strbuf_add_json_string(sb, s, strlen(s));
    else
        jm_strbuf_addstr(sb, "null");
}

static const char *text_of(const struct srv_view *v, enum jm_entity kind, size_t row,
                           const char *field)
{
    int f = jm_entity_field(jm_entity_get(kind), field);
    const struct jm_value *x = f < 0 ? NULL : jm_dataset_value(v->ds, kind, row, f);
    return x && x->kind == JM_V_TEXT ? x->s : NULL;
}

/* Every field of a row (null when missing) and its properties. */
static void row_json(struct jm_strbuf *sb, const struct srv_view *v, enum jm_entity kind,
                     size_t row)
{
    const struct jm_entity_def *def = jm_entity_get(kind);
    jm_strbuf_addch(sb, '{');
    for (size_t f = 0; f < def->nfields; f++) {
        const struct jm_value *x = jm_dataset_value(v->ds, kind, row, (int)f);
        char buf[48];
        const char *s;
        size_t len;
        jm_strbuf_addf(sb, "%s\"%s\":", f ? "," : "", def->fields[f].name);
        if (!x || x->kind == JM_V_ABSENT || x->kind == JM_V_MISSING)
            jm_strbuf_addstr(sb, "null");
        else if (x->kind == JM_V_INT)
            jm_strbuf_addf(sb, "%lld", (long long)x->i);
        else if (x->kind == JM_V_REAL && !isfinite(x->r))
            jm_strbuf_addstr(sb, "null");
        else if (x->kind == JM_V_REAL) {
            jm_value_text(x, buf, sizeof buf, &s, &len);
            jm_strbuf_add(sb, s, len);
        } else {
            jm_value_text(x, buf, sizeof buf, &s, &len);
            jm_strbuf_add_json_string(sb, s, len);
        }
    }
    const char *props = jm_dataset_props(v->ds, kind, row);
    jm_strbuf_addstr(sb, ",\"properties\":");
    jm_strbuf_addstr(sb, props && *props ? props : "{}");
}

/* ---------------------------------------------------------------- paging */

struct page {
    const struct srv_view *v;
    enum jm_entity kind;
    int id_field;
    uint32_t *rows;
    size_t n;
};

static const char *row_id(const struct page *p, uint32_t row)
{
    const struct jm_value *x = jm_dataset_value(p->v->ds, p->kind, row, p->id_field);
    return x && x->kind == JM_V_TEXT ? x->s : "";
}

static const struct page *sort_page;
static int by_id(const void *a, const void *b)
{
    return strcmp(row_id(sort_page, *(const uint32_t *)a), row_id(sort_page, *(const uint32_t *)b));
}

static pthread_mutex_t sort_lock = PTHREAD_MUTEX_INITIALIZER;

/* The rows of `kind` that `keep` accepts, in id order. */
static bool page_rows(struct page *p, bool (*keep)(const struct page *, uint32_t, void *),
                      void *ctx)
{
    size_t n = jm_dataset_rows(p->v->ds, p->kind);
    p->id_field = jm_entity_get(p->kind)->id_field;
    p->rows = jm_malloc((n + 1) * sizeof *p->rows);
    if (!p->rows)
        return false;
    for (uint32_t r = 0; r < n; r++)
        if (keep(p, r, ctx))
            p->rows[p->n++] = r;
    /* qsort has no context argument in C11: one sort at a time. */
    pthread_mutex_lock(&sort_lock);
    sort_page = p;
    qsort(p->rows, p->n, sizeof *p->rows, by_id);
    pthread_mutex_unlock(&sort_lock);
    return true;
}

/* Writes {"<name>": [item(row)...], "next": last id or null} for the page after `after`. */
static void page_write(struct srv_response *res, const struct page *p, const char *name,
                       const char *after, long limit,
                       void (*item)(struct jm_strbuf *, const struct page *, uint32_t, void *),
                       void *ctx)
{
    struct jm_strbuf *sb = &res->body;
    size_t i = 0, n = 0;
    while (after && *after && i < p->n && strcmp(row_id(p, p->rows[i]), after) <= 0)
        i++;
    jm_strbuf_addf(sb, "{\"total\":%zu,\"%s\":[", p->n, name);
    for (; i < p->n && n < (size_t)limit; i++, n++) {
        if (n)
            jm_strbuf_addch(sb, ',');
        item(sb, p, p->rows[i], ctx);
    }
    jm_strbuf_addstr(sb, "],\"next\":");
    add_str(sb, i < p->n && n ? row_id(p, p->rows[i - 1]) : NULL);
    jm_strbuf_addstr(sb, "}\n");
}

/* ---------------------------------------------------------------- accounts */

struct account_filter {
    const char *q, *stage, *status;
    const uint8_t *st;
};

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

static bool keep_account(const struct page *p, uint32_t row, void *ctx)
{
    const struct account_filter *f = ctx;
    const struct jm_timelines *tl = p->v->tl;
    if (f->q && *f->q && !contains_ci(row_id(p, row), f->q) &&
        !contains_ci(text_of(p->v, JM_ENT_ACCOUNT, row, "name"), f->q))
        return false;
    if (f->status && *f->status && strcmp(srv_status_key[f->st[row]], f->status) != 0)
        return false;
    if (f->stage && *f->stage) {
        size_t e = tl->move_start[row + 1];
        if (e == tl->move_start[row] ||
            strcmp(p->v->journey->stages[tl->moves[e - 1].to].key, f->stage) != 0)
            return false;
    }
    return true;
}

struct list_ctx {
    const uint8_t *st;
    enum jm_lang lang;
};

static void account_item(struct jm_strbuf *sb, const struct page *p, uint32_t row, void *ctx)
{
    const struct list_ctx *c = ctx;
    srv_unit_json(sb, p->v, c->st, row, c->lang);
}

/* The view at account level with its statuses; false with the error in `res`. */
static bool account_view(struct srv_request *req, struct srv_response *res, struct srv_args *a,
                         const struct srv_view **v, const uint8_t **st)
{
    const struct jm_report *r;
    struct jm_error err = {0};
    if (!srv_args_parse(req, res, a))
        return false;
    a->level = JM_LEVEL_ACCOUNT;
    if (!srv_args_view(req, res, a, v))
        return false;
    jm_status rc = srv_view_status(*v, &r, st, &err);
    if (rc) {
        srv_fail(res, rc, &err);
        srv_view_release(req, *v);
    }
    return rc == JM_OK;
}

/*
 * account_view() for the account named by the route's {} into *u; false with the error (404
 * naming the id) in `res`, the view released.
 */
static bool account_of_route(struct srv_request *req, struct srv_response *res, struct srv_args *a,
                             const struct srv_view **v, const uint8_t **st, size_t *u)
{
    if (!account_view(req, res, a, v, st))
        return false;
    *u = srv_unit_find(*v, req->params[0]);
    if (*u != JM_NONE)
        return true;
    srv_error(res, 404, "not_found", "no account '%s'", req->params[0]);
    srv_view_release(req, *v);
    return false;
}

static void get_accounts(struct srv_request *req, struct srv_response *res)
{
    struct srv_args a;
    const struct srv_view *v;
    struct account_filter f = {srv_query(req, "q"), srv_query(req, "stage"),
                               srv_query(req, "status"), NULL};
    long limit;
    if (!srv_int_arg(req, res, "limit", 1, 500, 50, &limit) ||
        !account_view(req, res, &a, &v, &f.st))
        return;
    bool ok = true;
    for (size_t i = 0; f.status && *f.status && i < SRV__COUNT && ok; i++)
        ok = strcmp(srv_status_key[i], f.status) != 0;
    if (!ok || !f.status || !*f.status) {
        if (f.stage && *f.stage && jm_journey_stage(v->journey, f.stage) < 0) {
            srv_error(res, 400, "bad_argument", "no stage '%s' in journey '%s'", f.stage,
                      v->journey->key);
        } else {
            struct page p = {v, JM_ENT_ACCOUNT, 0, NULL, 0};
            struct list_ctx c = {f.st, a.lang};
            if (!page_rows(&p, keep_account, &f))
                srv_error(res, 500, "internal", "out of memory");
            else
                page_write(res, &p, "accounts", srv_query(req, "after"), limit, account_item, &c);
            jm_free(p.rows);
        }
    } else {
        srv_error(res, 400, "bad_argument",
                  "status must be none, active, stalled, silent, won or lost, not '%s'", f.status);
    }
    srv_view_release(req, v);
}

static bool keep_field(const struct page *p, uint32_t row, void *ctx)
{
    const char *const *kv = ctx; /* field, value pairs, NULL-ended; a NULL value: any */
    for (; kv[0]; kv += 2) {
        const char *t = kv[1] && *kv[1] ? text_of(p->v, p->kind, row, kv[0]) : NULL;
        if (kv[1] && *kv[1] && (!t || strcmp(t, kv[1]) != 0))
            return false;
    }
    return true;
}

static void row_item(struct jm_strbuf *sb, const struct page *p, uint32_t row, void *ctx)
{
    (void)ctx;
    row_json(sb, p->v, p->kind, row);
    jm_strbuf_addch(sb, '}');
}

/* Contacts of account `id` with their DMU roles and personas named in `lang`. */
static void contacts_of(struct jm_strbuf *sb, const struct srv_view *v, const char *id,
                        enum jm_lang lang)
{
    size_t n = 0;
    jm_strbuf_addstr(sb, ",\"contacts\":[");
    for (size_t r = 0; r < jm_dataset_rows(v->ds, JM_ENT_CONTACT); r++) {
        const char *acc = text_of(v, JM_ENT_CONTACT, r, "account");
        if (!acc || strcmp(acc, id) != 0)
            continue;
        const char *role = text_of(v, JM_ENT_CONTACT, r, "dmu_role");
        jm_strbuf_addstr(sb, n++ ? "," : "");
        row_json(sb, v, JM_ENT_CONTACT, r);
        jm_strbuf_addstr(sb, ",\"dmu_role_name\":");
        add_str(sb, role ? jm_journey_role_name(v->journey, role, lang) : NULL);
        jm_strbuf_addch(sb, '}');
    }
    jm_strbuf_addstr(sb, "],\"deals\":[");
    n = 0;
    for (size_t r = 0; r < jm_dataset_rows(v->ds, JM_ENT_DEAL); r++) {
        const char *acc = text_of(v, JM_ENT_DEAL, r, "account");
        if (!acc || strcmp(acc, id) != 0)
            continue;
        jm_strbuf_addstr(sb, n++ ? "," : "");
        row_json(sb, v, JM_ENT_DEAL, r);
        jm_strbuf_addch(sb, '}');
    }
    jm_strbuf_addch(sb, ']');
}

static void get_account(struct srv_request *req, struct srv_response *res)
{
    struct srv_args a;
    const struct srv_view *v;
    const uint8_t *st;
    size_t u;
    if (!account_of_route(req, res, &a, &v, &st, &u))
        return;
    struct jm_strbuf *sb = &res->body;
    row_json(sb, v, JM_ENT_ACCOUNT, v->tl->unit_row[u]);
    jm_strbuf_addstr(sb, ",\"journey\":");
    srv_unit_json(sb, v, st, u, a.lang);
    contacts_of(sb, v, req->params[0], a.lang);
    jm_strbuf_addstr(sb, "}\n");
    srv_view_release(req, v);
}

/* ---------------------------------------------------------------- timelines */

static const char *const MOVE_KIND[] = {"enter", "forward", "skip", "back"};

static void moves_json(struct jm_strbuf *sb, const struct srv_view *v, size_t u, enum jm_lang lang)
{
    const struct jm_timelines *tl = v->tl;
    const struct jm_journey *j = v->journey;
    jm_strbuf_addstr(sb, ",\"moves\":[");
    for (size_t k = tl->move_start[u]; k < tl->move_start[u + 1]; k++) {
        const struct jm_move *m = &tl->moves[k];
        char when[40];
        jm_time_format(m->time, false, when, sizeof when);
        jm_strbuf_addstr(sb, k > tl->move_start[u] ? ",{\"time\":" : "{\"time\":");
        add_str(sb, when);
        jm_strbuf_addf(sb, ",\"kind\":\"%s\",\"reentry\":%s,\"from\":", MOVE_KIND[m->kind & 3],
                       m->reentry ? "true" : "false");
        add_str(sb, m->from == JM_NO_STAGE ? NULL : j->stages[m->from].key);
        jm_strbuf_addstr(sb, ",\"to\":");
        add_str(sb, j->stages[m->to].key);
        jm_strbuf_addstr(sb, ",\"to_name\":");
        add_str(sb, jm_text_get(&j->stages[m->to].name, lang));
        if (k > tl->move_start[u])
            jm_strbuf_addf(sb, ",\"days_in_previous\":%.2f",
                           (double)(m->time - tl->moves[k - 1].time) / (double)JM_US_PER_DAY);
        else
            jm_strbuf_addstr(sb, ",\"days_in_previous\":null");
        jm_strbuf_addch(sb, '}');
    }
    jm_strbuf_addstr(sb, "],\"engagement\":[");
    size_t n = 0;
    for (size_t s = 0; s < tl->n_stages; s++) {
        if (tl->entered[u * tl->n_stages + s] == INT64_MAX)
            continue;
        jm_strbuf_addstr(sb, n++ ? ",{\"stage\":" : "{\"stage\":");
        add_str(sb, j->stages[s].key);
        jm_strbuf_addstr(sb, ",\"roles\":[");
        uint16_t mask = tl->roles[u * tl->n_stages + s];
        size_t m = 0;
        for (size_t b = 0; b < tl->n_roles; b++)
            if (mask >> b & 1u) {
                jm_strbuf_addstr(sb, m++ ? ",{\"role\":" : "{\"role\":");
                add_str(sb, tl->role_keys[b]);
                jm_strbuf_addstr(sb, ",\"name\":");
                add_str(sb, jm_journey_role_name(j, tl->role_keys[b], lang));
                jm_strbuf_addch(sb, '}');
            }
        jm_strbuf_addstr(sb, "]}");
    }
    jm_strbuf_addch(sb, ']');
}

static void field_text(struct jm_strbuf *sb, const struct jm_store *st, enum jm_event_field f,
                       const char *name, size_t i)
{
    const uint32_t *col = jm_store_field(st, f);
    size_t len = 0;
    const char *s = col ? jm_store_field_text(st, f, col[i], &len) : "";
    jm_strbuf_addf(sb, ",\"%s\":", name);
    if (len)
        jm_strbuf_add_json_string(sb, s, len);
    else
        jm_strbuf_addstr(sb, "null");
}

static void number(struct jm_strbuf *sb, const struct jm_store *st, enum jm_event_field f,
                   const char *name, size_t i)
{
    const double *col = jm_store_number(st, f);
    if (col && isfinite(col[i]))
        jm_strbuf_addf(sb, ",\"%s\":%.17g", name, col[i]);
    else
        jm_strbuf_addf(sb, ",\"%s\":null", name);
}

/* Store event i: its time, touchpoint, channel, contact with role, UTM, value, sentiment. */
static void event_json(struct jm_strbuf *sb, const struct srv_view *v, size_t i, enum jm_lang lang)
{
    const struct jm_store *st = jm_dataset_store(v->ds);
    const struct jm_store_columns *col = jm_store_columns(st);
    const char *tp = jm_store_text(st, JM_STORE_TOUCHPOINT, col->touchpoint[i], NULL);
    const struct jm_touchpoint_def *d = jm_journey_touchpoint(v->journey, tp);
    const char *contact = jm_store_text(st, JM_STORE_CONTACT, col->contact[i], NULL);
    uint32_t crow = jm_dataset_contact_row(v->ds, col->contact[i]);
    char when[40];
    jm_time_format(col->time_us[i], false, when, sizeof when);
    jm_strbuf_addstr(sb, "{\"time\":");
    add_str(sb, when);
    jm_strbuf_addstr(sb, ",\"touchpoint\":");
    add_str(sb, tp);
    jm_strbuf_addstr(sb, ",\"touchpoint_name\":");
    add_str(sb, d ? jm_text_get(&d->name, lang) : tp);
    jm_strbuf_addstr(sb, ",\"channel\":");
    add_str(sb, *jm_store_text(st, JM_STORE_CHANNEL, col->channel[i], NULL)
                    ? jm_store_text(st, JM_STORE_CHANNEL, col->channel[i], NULL)
                    : NULL);
    jm_strbuf_addstr(sb, ",\"contact\":");
    add_str(sb, *contact ? contact : NULL);
    const char *role = crow == JM_NONE ? NULL : text_of(v, JM_ENT_CONTACT, crow, "dmu_role");
    jm_strbuf_addstr(sb, ",\"contact_name\":");
    add_str(sb, crow == JM_NONE ? NULL : text_of(v, JM_ENT_CONTACT, crow, "name"));
    jm_strbuf_addstr(sb, ",\"dmu_role\":");
    add_str(sb, role);
    jm_strbuf_addstr(sb, ",\"dmu_role_name\":");
    add_str(sb, role ? jm_journey_role_name(v->journey, role, lang) : NULL);
    field_text(sb, st, JM_EV_UTM_SOURCE, "utm_source", i);
    field_text(sb, st, JM_EV_UTM_MEDIUM, "utm_medium", i);
    field_text(sb, st, JM_EV_UTM_CAMPAIGN, "utm_campaign", i);
    field_text(sb, st, JM_EV_UTM_CONTENT, "utm_content", i);
    field_text(sb, st, JM_EV_UTM_TERM, "utm_term", i);
    field_text(sb, st, JM_EV_URL, "url", i);
    number(sb, st, JM_EV_VALUE, "value", i);
    field_text(sb, st, JM_EV_CURRENCY, "currency", i);
    number(sb, st, JM_EV_SENTIMENT, "sentiment", i);
    jm_strbuf_addch(sb, '}');
}

struct ev_at {
    int64_t time;
    size_t i;
};

static int by_time(const void *x, const void *y)
{
    const struct ev_at *a = x, *b = y;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i; /* the store's order among equal times */
}

/*
 * The events [b, e) of the store whose contact is `contact` when it is not -1, in time order:
 * an account's slice is grouped by contact (each contact's events in time order), and a
 * timeline interleaves the committee. False when out of memory (nothing written).
 */
static bool events_json(struct jm_strbuf *sb, const struct srv_view *v, size_t b, size_t e,
                        int64_t contact, enum jm_lang lang)
{
    const struct jm_store_columns *col = jm_store_columns(jm_dataset_store(v->ds));
    struct ev_at *at = jm_malloc((e - b + 1) * sizeof *at);
    size_t n = 0;
    if (!at)
        return false;
    for (size_t i = b; i < e; i++)
        if (contact < 0 || col->contact[i] == (uint32_t)contact)
            at[n++] = (struct ev_at){col->time_us[i], i};
    qsort(at, n, sizeof *at, by_time);
    jm_strbuf_addstr(sb, ",\"events\":[");
    for (size_t k = 0; k < n; k++) {
        jm_strbuf_addstr(sb, k ? "," : "");
        event_json(sb, v, at[k].i, lang);
    }
    jm_strbuf_addch(sb, ']');
    jm_free(at);
    return true;
}

static void get_account_timeline(struct srv_request *req, struct srv_response *res)
{
    struct srv_args a;
    const struct srv_view *v;
    const uint8_t *st;
    size_t u;
    if (!account_of_route(req, res, &a, &v, &st, &u))
        return;
    const char *id = req->params[0];
    const struct jm_store *store = jm_dataset_store(v->ds);
    int64_t sa = jm_store_lookup(store, JM_STORE_ACCOUNT, id, strlen(id));
    size_t b = 0, e = 0;
    if (sa >= 0)
        jm_store_account_slice(store, (size_t)sa, &b, &e);
    struct jm_strbuf *sb = &res->body;
    jm_strbuf_addstr(sb, "{\"account\":");
    srv_unit_json(sb, v, st, u, a.lang);
    moves_json(sb, v, u, a.lang);
    if (events_json(sb, v, b, e, -1, a.lang))
        jm_strbuf_addstr(sb, "}\n");
    else
        srv_error(res, 500, "internal", "out of memory");
    srv_view_release(req, v);
}

/* ---------------------------------------------------------------- contacts and deals */

static bool plain_view(struct srv_request *req, struct srv_response *res, struct srv_args *a,
                       const struct srv_view **v)
{
    return srv_args_parse(req, res, a) && srv_args_view(req, res, a, v);
}

static void list_rows(struct srv_request *req, struct srv_response *res, enum jm_entity kind,
                      const char *name, const char *const *filter)
{
    struct srv_args a;
    const struct srv_view *v;
    long limit;
    if (!srv_int_arg(req, res, "limit", 1, 500, 50, &limit) || !plain_view(req, res, &a, &v))
        return;
    struct page p = {v, kind, 0, NULL, 0};
    if (!page_rows(&p, keep_field, (void *)(uintptr_t)filter))
        srv_error(res, 500, "internal", "out of memory");
    else
        page_write(res, &p, name, srv_query(req, "after"), limit, row_item, NULL);
    jm_free(p.rows);
    srv_view_release(req, v);
}

static void get_contacts(struct srv_request *req, struct srv_response *res)
{
    const char *f[] = {"account", srv_query(req, "account"), NULL, NULL};
    list_rows(req, res, JM_ENT_CONTACT, "contacts", f);
}

static void get_deals(struct srv_request *req, struct srv_response *res)
{
    const char *f[] = {
        "account", srv_query(req, "account"), "status", srv_query(req, "status"), NULL, NULL};
    list_rows(req, res, JM_ENT_DEAL, "deals", f);
}

static void one_row(struct srv_request *req, struct srv_response *res, enum jm_entity kind,
                    bool timeline)
{
    struct srv_args a;
    const struct srv_view *v;
    if (!plain_view(req, res, &a, &v))
        return;
    const char *id = req->params[0];
    uint32_t row = jm_dataset_find(v->ds, kind, id, strlen(id));
    if (row == JM_NONE) {
        srv_error(res, 404, "not_found", "no %s '%s'", jm_entity_get(kind)->singular, id);
    } else {
        struct jm_strbuf *sb = &res->body;
        row_json(sb, v, kind, row);
        if (kind == JM_ENT_CONTACT) {
            const char *role = text_of(v, kind, row, "dmu_role");
            jm_strbuf_addstr(sb, ",\"dmu_role_name\":");
            add_str(sb, role ? jm_journey_role_name(v->journey, role, a.lang) : NULL);
        }
        if (timeline) {
            const struct jm_store *st = jm_dataset_store(v->ds);
            int64_t c = jm_store_lookup(st, JM_STORE_CONTACT, id, strlen(id));
            if (!events_json(sb, v, 0, c >= 0 ? jm_store_columns(st)->n : 0, c, a.lang))
                sb->failed = true; /* answered 500 by the daemon */
            if (v->tl->level == JM_LEVEL_CONTACT && row < v->tl->n_units)
                moves_json(sb, v, row, a.lang);
        }
        jm_strbuf_addstr(sb, "}\n");
    }
    srv_view_release(req, v);
}

static void get_contact(struct srv_request *req, struct srv_response *res)
{
    one_row(req, res, JM_ENT_CONTACT, false);
}

static void get_contact_timeline(struct srv_request *req, struct srv_response *res)
{
    one_row(req, res, JM_ENT_CONTACT, true);
}

static void get_deal(struct srv_request *req, struct srv_response *res)
{
    one_row(req, res, JM_ENT_DEAL, false);
}

const struct srv_route srv_routes_data[] = {
    {"GET", "/api/v1/accounts", JM_PERM_READ, 0, get_accounts},
    {"GET", "/api/v1/accounts/{}", JM_PERM_READ, 0, get_account},
    {"GET", "/api/v1/accounts/{}/timeline", JM_PERM_READ, 0, get_account_timeline},
    {"GET", "/api/v1/contacts", JM_PERM_READ, 0, get_contacts},
    {"GET", "/api/v1/contacts/{}", JM_PERM_READ, 0, get_contact},
    {"GET", "/api/v1/contacts/{}/timeline", JM_PERM_READ, 0, get_contact_timeline},
    {"GET", "/api/v1/deals", JM_PERM_READ, 0, get_deals},
    {"GET", "/api/v1/deals/{}", JM_PERM_READ, 0, get_deal},
    {NULL, NULL, 0, 0, NULL},
};
