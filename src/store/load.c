/*
 * jm_store_load_with(): building the store from the workspace's event segments.
 *
 *   1. scan: one pass over the segments appends raw columns in scan order: time; the event's
 *      group, i.e. its (account, contact) pair numbered as first seen; touchpoint and channel as
 *      first-seen indexes; and the optional columns. The dictionaries are built on the way,
 *      asking the storage for a text only the first time a workspace id is seen.
 *   2. rank: each hot dictionary is sorted by text, so indexes do not depend on the order the
 *      segments were written in.
 *   3. place: the groups are put in (account, contact) order, and every raw event's group is
 *      replaced by its position in the store: a stable counting sort, in which each group's
 *      events keep their scan order.
 *   4. move (sort.c): every column is scattered to those positions; the contact column, being
 *      constant over a group, is filled group by group instead; the few groups whose events
 *      were not put in time order are sorted by time.
 * Raw memory is 15 bytes per event plus the optional columns, and the final columns mostly
 * reuse it (sort.c). A group is cheap to find per event: a contact nearly always belongs to
 * one account, so a table by workspace contact id holds its group, and a hash of pairs serves
 * the rest; runs of one pair skip even that.
 *
 * The optional columns (jm_store_load_with()) ride along: texts are mapped to ids of their own
 * dictionaries during the scan (store/extra.c) and the columns are moved with the hot ones.
 * Properties texts are not moved: an event's (offset, length) in one buffer is.
 *
 * Measured 2026-11 (release -O2, 2 vCPUs shared with other jobs; min of 5 fresh processes,
 * the storage's scan alone in brackets; the previous loader, a counting sort by account and a
 * merge sort of each account's slice, after the arrow):
 *   demo workspace, 10^7 events (2 GB; events grouped by account)   1.96 s [1.56 s]  <- 2.86 s
 *   peers' event log, 10^7 events (time order, accounts interleaved) 0.98 s [0.63 s]  <- 2.53 s
 * The store's own share is now 0.35-0.4 s per 10^7 events; on the interleaved log most of it
 * is finding each event's group (a cache miss per event, as the scan evicts the tables between
 * segments) and the scatter. The rest is the scan: it reads every column of every segment,
 * message_id and url included, through read() calls.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "journeymap/workspace.h"
#include "store/internal.h"

/* A dictionary being built: workspace id -> first-seen index + 1, texts in first-seen order. */
struct build_dict {
    uint32_t *map;
    size_t map_len, map_cap;
    struct jm__store_entry *e;
    size_t n, cap;
    size_t limit;
    enum jm_event_field field;
    const char *what;
};

/*
 * A contact's group with the account it was first seen with (workspace id), and the group's
 * events counted so far: kept together so an event costs one cache miss, not two.
 */
struct con_group {
    uint32_t acc;
    uint32_t g1; /* group + 1; 0 = none yet */
    uint32_t n;
};

/* The group of (account, no contact), or of (no account, no contact), and its count. */
struct acc_group {
    uint32_t g1;
    uint32_t n;
};

/*
 * The (account, contact) groups; accounts and contacts as first-seen index + 1, 0 = none.
 * A group's events are counted where map_groups() finds the group (by_con, by_acc, none, or
 * `count` for the pairs of the hash), and gathered into `count` after the scan.
 */
struct groups {
    uint32_t *acc, *con, *count;
    size_t n, cap_acc, cap_con, cap_count;
    struct con_group *by_con; /* by workspace contact id */
    size_t by_con_len, by_con_cap;
    struct acc_group *by_acc; /* by workspace account id */
    size_t by_acc_len, by_acc_cap;
    struct acc_group none;
    /* Pairs other than a contact's first: (account << 32 | contact) -> group + 1. */
    uint64_t *pair_key;
    uint32_t *pair_g1;
    size_t pair_n, pair_cap;
};

/*
 * Who an event belongs to beyond what it was stored with (ingest.h): an event stored with only
 * an anonymous id is its contact's once the identities table links the id, and an event with a
 * contact but no account counts for the contact's account. Both are applied to a copy of a
 * segment's account and contact columns before grouping, and only for segments that need it.
 * With no links, the cost is one empty query and a pass over two columns per segment.
 */
struct ident {
    struct jm_strmap anon; /* anonymous id -> contact row id */
    bool any;              /* some link exists: the scan reads anonymous ids */
    bool con_acc_loaded;
    uint32_t *con_acc; /* contact row id -> account row id, 0 = none */
    size_t con_acc_len, con_acc_cap;
    uint32_t *acc, *con; /* one segment's resolved columns */
    size_t cap_acc, cap_con;
};

struct load {
    struct jm_storage *st;
    struct jm_store *s;
    struct jm_error *err;
    size_t n, cap;
    int64_t *time;
    uint32_t *grp; /* group, then (step 3) position in the store */
    uint16_t *tp;
    uint8_t *ch;
    uint32_t *tmp; /* one segment's indexes of a narrower column */
    size_t tmp_cap;
    uint32_t *text[JM_EV__COUNT]; /* optional columns, raw (scan) order */
    double *num[JM_EV__COUNT];
    uint64_t *props_at;
    uint32_t *props_len;
    struct build_dict bd[JM_STORE__DICTS];
    uint32_t *rank[JM_STORE__DICTS]; /* first-seen index + 1 -> final index */
    struct groups g;
    void *spare; /* the final time column, allocated (and faulted in) during the scan */
    size_t spare_bytes;
    struct jm__store_prefault prefault;
    uint32_t *order; /* groups in store order */
    uint32_t *con_rank;
    uint32_t *end; /* per group: one past its last event in the store */
    struct ident id;
};

static jm_status oom(struct load *l)
{
    return jm_error_set(l->err, JM_ENOMEM, "out of memory loading the event store");
}

/* Grows a table indexed by workspace id so `id` fits, zeroing the new entries. */
static jm_status grow_zeroed(void **p, size_t *len, size_t *cap, size_t id, size_t elsize)
{
    if (id < *len)
        return JM_OK;
    if (jm_grow(p, cap, id + 1, elsize))
        return JM_ENOMEM;
    memset((char *)*p + *len * elsize, 0, (*cap - *len) * elsize);
    *len = *cap;
    return JM_OK;
}

/* ---------------------------------------------------------------- step 1: scan */

/* The first-seen index + 1 of workspace id `wid` (not 0) of event `i` of `seg`. */
static jm_status dict_index(struct load *l, struct build_dict *d,
                            const struct jm_event_segment *seg, size_t i, uint32_t wid,
                            uint32_t *out)
{
    if (wid < d->map_len && d->map[wid]) {
        *out = d->map[wid];
        return JM_OK;
    }
    if (d->n >= d->limit)
        return jm_error_set(l->err, JM_ELIMIT, "more than %zu %s", d->limit, d->what);
    if (grow_zeroed((void **)&d->map, &d->map_len, &d->map_cap, wid, sizeof(*d->map)) ||
        jm_grow((void **)&d->e, &d->cap, d->n + 1, sizeof(*d->e)))
        return oom(l);
    const char *s;
    size_t len;
    jm_event_segment_text(l->st, seg, i, d->field, &s, &len);
    char *copy = jm_arena_strndup(&l->s->strings, s, len);
    if (!copy)
        return oom(l);
    d->e[d->n] = (struct jm__store_entry){copy, (uint32_t)len, (uint32_t)d->n};
    d->n++;
    d->map[wid] = (uint32_t)d->n;
    *out = d->map[wid];
    return JM_OK;
}

/*
 * Maps workspace id column `col` of `seg` (NULL: all missing) to first-seen indexes + 1 in
 * `out`, 0 for missing. Column by column rather than event by event, so the fast path (an id
 * seen before) is a tight loop over two arrays.
 */
static jm_status map_column(struct load *l, struct build_dict *d, const uint32_t *col,
                            const struct jm_event_segment *seg, uint32_t *out)
{
    if (!col) {
        memset(out, 0, seg->n * sizeof(*out));
        return JM_OK;
    }
    jm_status rc = JM_OK;
    for (size_t i = 0; i < seg->n && !rc; i++) {
        uint32_t wid = col[i];
        if (wid == 0)
            out[i] = 0;
        else if (wid < d->map_len && d->map[wid])
            out[i] = d->map[wid];
        else
            rc = dict_index(l, d, seg, i, wid, &out[i]);
    }
    return rc;
}

/* ---- groups */

static size_t pair_slot(const struct groups *g, uint64_t key)
{
    size_t mask = g->pair_cap - 1, i = (size_t)jm__mix64(key) & mask;
    while (g->pair_key[i] && g->pair_key[i] != key)
        i = (i + 1) & mask;
    return i;
}

static uint32_t pair_get(const struct groups *g, uint64_t key)
{
    if (!g->pair_cap)
        return 0;
    size_t i = pair_slot(g, key);
    return g->pair_key[i] ? g->pair_g1[i] : 0;
}

/* Adds a pair known to be absent; the table stays at most half full. */
static jm_status pair_add(struct groups *g, uint64_t key, uint32_t g1)
{
    if ((g->pair_n + 1) * 2 > g->pair_cap) {
        size_t cap = g->pair_cap ? g->pair_cap * 2 : 64;
        uint64_t *keys = jm_calloc(cap, sizeof(*keys));
        uint32_t *vals = jm_malloc(cap * sizeof(*vals));
        if (!keys || !vals) {
            jm_free(keys);
            jm_free(vals);
            return JM_ENOMEM;
        }
        struct groups old = *g;
        g->pair_key = keys;
        g->pair_g1 = vals;
        g->pair_cap = cap;
        for (size_t i = 0; i < old.pair_cap; i++) {
            if (!old.pair_key[i])
                continue;
            size_t j = pair_slot(g, old.pair_key[i]);
            g->pair_key[j] = old.pair_key[i];
            g->pair_g1[j] = old.pair_g1[i];
        }
        jm_free(old.pair_key);
        jm_free(old.pair_g1);
    }
    size_t i = pair_slot(g, key);
    g->pair_key[i] = key;
    g->pair_g1[i] = g1;
    g->pair_n++;
    return JM_OK;
}

/*
 * Files group `g1` under its pair, for map_groups() to find, and returns the counter of its
 * events in *n.
 */
static jm_status group_register(struct groups *g, uint32_t a, uint32_t c, uint32_t g1, uint32_t **n)
{
    if (c) {
        if (grow_zeroed((void **)&g->by_con, &g->by_con_len, &g->by_con_cap, c, sizeof(*g->by_con)))
            return JM_ENOMEM;
        if (!g->by_con[c].g1) {
            g->by_con[c] = (struct con_group){a, g1, 0};
            *n = &g->by_con[c].n;
            return JM_OK;
        }
        *n = &g->count[g1 - 1];
        return pair_add(g, (uint64_t)a << 32 | c, g1);
    }
    struct acc_group *ag = &g->none;
    if (a) {
        if (grow_zeroed((void **)&g->by_acc, &g->by_acc_len, &g->by_acc_cap, a, sizeof(*g->by_acc)))
            return JM_ENOMEM;
        ag = &g->by_acc[a];
    }
    *ag = (struct acc_group){g1, 0};
    *n = &ag->n;
    return JM_OK;
}

/* The group + 1 of pair (a, c) of event `i`, made when new, and its counter. */
static jm_status group_slow(struct load *l, const struct jm_event_segment *seg, size_t i,
                            uint32_t a, uint32_t c, uint32_t *g1, uint32_t **n)
{
    struct groups *g = &l->g;
    if (c && c < g->by_con_len && g->by_con[c].g1) {
        *g1 = pair_get(g, (uint64_t)a << 32 | c);
        *n = *g1 ? &g->count[*g1 - 1] : NULL;
        if (*g1)
            return JM_OK;
    }
    uint32_t ai = 0, ci = 0;
    jm_status rc = a ? dict_index(l, &l->bd[JM_STORE_ACCOUNT], seg, i, a, &ai) : JM_OK;
    if (!rc && c)
        rc = dict_index(l, &l->bd[JM_STORE_CONTACT], seg, i, c, &ci);
    if (rc)
        return rc;
    if (jm_grow((void **)&g->acc, &g->cap_acc, g->n + 1, sizeof(*g->acc)) ||
        jm_grow((void **)&g->con, &g->cap_con, g->n + 1, sizeof(*g->con)) ||
        jm_grow((void **)&g->count, &g->cap_count, g->n + 1, sizeof(*g->count)))
        return oom(l);
    g->acc[g->n] = ai;
    g->con[g->n] = ci;
    g->count[g->n] = 0;
    *g1 = (uint32_t)++g->n;
    if (group_register(g, a, c, *g1, n))
        return oom(l);
    return JM_OK;
}

/* How far ahead map_groups() asks for a contact's cache line. */
#define PREFETCH 8

/* The group of every event of `seg` into out[], counting each group's events. */
static jm_status map_groups(struct load *l, const struct jm_event_segment *seg, uint32_t *out)
{
    struct groups *g = &l->g;
    const uint32_t *acc = seg->account, *con = seg->contact;
    uint32_t pa = 0, pc = 0, pg = 0, *pn = NULL; /* the previous event's pair, group, counter */
    for (size_t i = 0; i < seg->n; i++) {
        uint32_t a = acc ? acc[i] : 0, c = con ? con[i] : 0;
        if (con && i + PREFETCH < seg->n && con[i + PREFETCH] < g->by_con_len)
            __builtin_prefetch(&g->by_con[con[i + PREFETCH]]);
        if (!pn || a != pa || c != pc) {
            uint32_t g1 = 0;
            struct acc_group *ag = NULL;
            if (c) {
                struct con_group *cg = c < g->by_con_len ? &g->by_con[c] : NULL;
                if (cg && cg->acc == a && cg->g1) {
                    g1 = cg->g1;
                    pn = &cg->n;
                }
            } else {
                ag = !a ? &g->none : a < g->by_acc_len ? &g->by_acc[a] : NULL;
            }
            if (ag && ag->g1) {
                g1 = ag->g1;
                pn = &ag->n;
            }
            jm_status rc = g1 ? JM_OK : group_slow(l, seg, i, a, c, &g1, &pn);
            if (rc)
                return rc;
            pa = a;
            pc = c;
            pg = g1 - 1;
        }
        out[i] = pg;
        (*pn)++;
    }
    return JM_OK;
}

/* Adds the counts kept beside the caches to the groups' own. */
static void gather_counts(struct groups *g)
{
    for (size_t c = 0; c < g->by_con_len; c++)
        if (g->by_con[c].g1)
            g->count[g->by_con[c].g1 - 1] += g->by_con[c].n;
    for (size_t a = 0; a < g->by_acc_len; a++)
        if (g->by_acc[a].g1)
            g->count[g->by_acc[a].g1 - 1] += g->by_acc[a].n;
    if (g->none.g1)
        g->count[g->none.g1 - 1] += g->none.n;
}

/* ---- raw columns */

/* Makes room for `need` events in every raw column. */
static jm_status grow_raw(struct load *l, size_t need)
{
    if (need <= l->cap)
        return JM_OK;
    if (need > UINT32_MAX - 1)
        return jm_error_set(l->err, JM_ELIMIT, "more than %u events", UINT32_MAX - 1);
    jm__store_prefault_join(&l->prefault); /* it may be touching the buffers moved below */
    size_t cap = l->cap * 2 > need ? l->cap * 2 : need;
    void *p;
#define GROW(col)                                                                                  \
    p = jm__store_realloc(l->col, cap * sizeof(*l->col));                                          \
    if (!p)                                                                                        \
        return oom(l);                                                                             \
    l->col = p;
    GROW(time)
    GROW(grp)
    GROW(tp)
    GROW(ch)
    for (int f = 0; f < JM_EV__COUNT; f++) {
        if (jm__store_has(l->s, JM__STORE_TEXT_FIELDS, f)) {
            GROW(text[f])
        } else if (jm__store_has(l->s, JM__STORE_NUM_FIELDS, f)) {
            GROW(num[f])
        }
    }
    if (l->s->props) {
        GROW(props_at)
        GROW(props_len)
    }
#undef GROW
    l->cap = cap;
    return JM_OK;
}

/* Appends the properties of `seg` to the store's buffer, and each event's place in it. */
static jm_status add_props(struct load *l, const struct jm_event_segment *seg, size_t k)
{
    struct jm_store *s = l->s;
    if (!seg->props_off) {
        memset(l->props_at + k, 0, seg->n * sizeof(*l->props_at));
        memset(l->props_len + k, 0, seg->n * sizeof(*l->props_len));
        return JM_OK;
    }
    const uint32_t *off = seg->props_off;
    size_t bytes = off[seg->n] - off[0];
    if (jm_grow((void **)&s->props_buf, &s->props_cap, s->props_bytes + bytes, 1))
        return oom(l);
    if (bytes)
        memcpy(s->props_buf + s->props_bytes, seg->props + off[0], bytes);
    for (size_t i = 0; i < seg->n; i++) {
        l->props_at[k + i] = s->props_bytes + (off[i] - off[0]);
        l->props_len[k + i] = off[i + 1] - off[i];
    }
    s->props_bytes += bytes;
    return JM_OK;
}

/* The optional columns of `seg`, appended at raw position `k`. */
static jm_status add_extras(struct load *l, const struct jm_event_segment *seg, size_t k)
{
    struct jm_store *s = l->s;
    for (int f = 0; f < JM_EV__COUNT; f++) {
        if (jm__store_has(s, JM__STORE_TEXT_FIELDS, f)) {
            if (jm__store_textdict_map(&s->tdict[f], l->st, seg, f, l->text[f] + k))
                return oom(l);
        } else if (jm__store_has(s, JM__STORE_NUM_FIELDS, f)) {
            const double *src = f == JM_EV_VALUE ? seg->value : seg->sentiment;
            for (size_t i = 0; i < seg->n; i++)
                l->num[f][k + i] = src ? src[i] : NAN;
        }
    }
    return s->props ? add_props(l, seg, k) : JM_OK;
}

/* ---- identities */

static jm_status on_link(const char *anon, const char *contact, void *ctx)
{
    struct load *l = ctx;
    uint32_t row;
    uint64_t *v;
    /* A link to a contact that no longer exists links nothing. */
    if (jm_storage_row_id(l->st, JM_ENT_CONTACT, contact, strlen(contact), &row, NULL))
        return JM_OK;
    if (jm__strmap_put(&l->id.anon, anon, strlen(anon), row, &v, NULL))
        return oom(l);
    l->id.any = true;
    return JM_OK;
}

static jm_status on_contact(const struct jm_record *rec, void *ctx)
{
    struct load *l = ctx;
    struct ident *id = &l->id;
    int fa = jm_entity_field(rec->def, "account");
    const struct jm_value *vid = &rec->v[rec->def->id_field], *va = &rec->v[fa];
    uint32_t con, acc;
    if (va->kind != JM_V_TEXT || !va->len ||
        jm_storage_row_id(l->st, JM_ENT_CONTACT, vid->s, vid->len, &con, NULL) ||
        jm_storage_row_id(l->st, JM_ENT_ACCOUNT, va->s, va->len, &acc, NULL))
        return JM_OK;
    if (grow_zeroed((void **)&id->con_acc, &id->con_acc_len, &id->con_acc_cap, con,
                    sizeof(*id->con_acc)))
        return oom(l);
    id->con_acc[con] = acc;
    return JM_OK;
}

/* The account of contact row `c`, loading every contact's account the first time. */
static jm_status contact_account(struct load *l, uint32_t c, uint32_t *acc)
{
    struct ident *id = &l->id;
    if (!id->con_acc_loaded) {
        id->con_acc_loaded = true;
        jm_status rc = jm_storage_scan(l->st, JM_ENT_CONTACT, on_contact, l, l->err);
        if (rc)
            return rc;
    }
    *acc = c < id->con_acc_len ? id->con_acc[c] : 0;
    return JM_OK;
}

/* The contact linked to event i's anonymous id, or 0. */
static uint32_t linked_contact(const struct load *l, const struct jm_event_segment *seg, size_t i)
{
    const uint32_t *off = seg->heap_off[JM_EV_ANONYMOUS_ID];
    if (!l->id.any || !off || off[i + 1] == off[i])
        return 0;
    const uint64_t *v =
        jm__strmap_get(&l->id.anon, seg->heap[JM_EV_ANONYMOUS_ID] + off[i], off[i + 1] - off[i]);
    return v ? (uint32_t)*v : 0;
}

/* Whether some event of `seg` lacks its account or contact and might get one. */
static bool needs_resolving(const struct load *l, const struct jm_event_segment *seg)
{
    const uint32_t *acc = seg->account, *con = seg->contact;
    if (!con && !(l->id.any && seg->heap_off[JM_EV_ANONYMOUS_ID]))
        return false;
    for (size_t i = 0; i < seg->n; i++) {
        uint32_t a = acc ? acc[i] : 0, c = con ? con[i] : 0;
        if (!a && (c || (l->id.any && linked_contact(l, seg, i))))
            return true;
    }
    return false;
}

/*
 * `seg`, or a copy of it in *copy whose account and contact columns carry the identities and
 * contacts' accounts, in *out.
 */
static jm_status resolve_identities(struct load *l, const struct jm_event_segment *seg,
                                    struct jm_event_segment *copy,
                                    const struct jm_event_segment **out)
{
    struct ident *id = &l->id;
    *out = seg;
    if (!needs_resolving(l, seg))
        return JM_OK;
    if (jm_grow((void **)&id->acc, &id->cap_acc, seg->n, sizeof(*id->acc)) ||
        jm_grow((void **)&id->con, &id->cap_con, seg->n, sizeof(*id->con)))
        return oom(l);
    for (size_t i = 0; i < seg->n; i++) {
        uint32_t a = seg->account ? seg->account[i] : 0, c = seg->contact ? seg->contact[i] : 0;
        if (!c)
            c = linked_contact(l, seg, i);
        if (!a && c) {
            jm_status rc = contact_account(l, c, &a);
            if (rc)
                return rc;
        }
        id->acc[i] = a;
        id->con[i] = c;
    }
    *copy = *seg;
    copy->account = id->acc;
    copy->contact = id->con;
    *out = copy;
    return JM_OK;
}

static void ident_release(struct ident *id)
{
    jm__strmap_release(&id->anon);
    jm_free(id->con_acc);
    jm_free(id->acc);
    jm_free(id->con);
}

static jm_status on_segment(const struct jm_event_segment *raw, void *ctx)
{
    struct load *l = ctx;
    struct jm_event_segment copy;
    const struct jm_event_segment *seg;
    jm_status rc = resolve_identities(l, raw, &copy, &seg);
    if (rc)
        return rc;
    size_t k = l->n;
    rc = grow_raw(l, l->n + seg->n);
    if (!rc && jm_grow((void **)&l->tmp, &l->tmp_cap, seg->n, sizeof(*l->tmp)))
        rc = oom(l);
    if (rc)
        return rc;
    if (seg->time)
        memcpy(l->time + k, seg->time, seg->n * sizeof(*l->time));
    else
        for (size_t i = 0; i < seg->n; i++)
            l->time[k + i] = JM_TIME_NONE;
    rc = map_groups(l, seg, l->grp + k);
    if (!rc)
        rc = map_column(l, &l->bd[JM_STORE_TOUCHPOINT], seg->dict[JM_EV_TOUCHPOINT], seg, l->tmp);
    for (size_t i = 0; i < seg->n && !rc; i++)
        l->tp[k + i] = (uint16_t)l->tmp[i];
    if (!rc)
        rc = map_column(l, &l->bd[JM_STORE_CHANNEL], seg->dict[JM_EV_CHANNEL], seg, l->tmp);
    for (size_t i = 0; i < seg->n && !rc; i++)
        l->ch[k + i] = (uint8_t)l->tmp[i];
    if (!rc)
        rc = add_extras(l, seg, k);
    if (!rc)
        l->n += seg->n;
    return rc;
}

static void load_init(struct load *l, struct jm_storage *st, struct jm_store *s,
                      struct jm_error *err)
{
    static const struct {
        size_t limit;
        enum jm_event_field field;
        const char *what;
    } defs[JM_STORE__DICTS] = {
        {UINT32_MAX - 1, JM_EV_ACCOUNT, "accounts"},
        {UINT32_MAX - 1, JM_EV_CONTACT, "contacts"},
        {UINT16_MAX, JM_EV_TOUCHPOINT, "touchpoints"},
        {UINT8_MAX, JM_EV_CHANNEL, "channels"},
    };
    memset(l, 0, sizeof(*l));
    l->st = st;
    l->s = s;
    l->err = err;
    jm__strmap_init(&l->id.anon);
    for (int d = 0; d < JM_STORE__DICTS; d++) {
        l->bd[d].limit = defs[d].limit;
        l->bd[d].field = defs[d].field;
        l->bd[d].what = defs[d].what;
    }
}

static void load_release(struct load *l)
{
    jm__store_prefault_join(&l->prefault);
    jm_free(l->spare);
    jm_free(l->time);
    jm_free(l->grp);
    jm_free(l->tp);
    jm_free(l->ch);
    jm_free(l->tmp);
    for (int f = 0; f < JM_EV__COUNT; f++) {
        jm_free(l->text[f]);
        jm_free(l->num[f]);
    }
    jm_free(l->props_at);
    jm_free(l->props_len);
    for (int d = 0; d < JM_STORE__DICTS; d++) {
        jm_free(l->bd[d].map);
        jm_free(l->bd[d].e);
        jm_free(l->rank[d]);
    }
    struct groups *g = &l->g;
    jm_free(g->acc);
    jm_free(g->con);
    jm_free(g->count);
    jm_free(g->by_con);
    jm_free(g->by_acc);
    jm_free(g->pair_key);
    jm_free(g->pair_g1);
    jm_free(l->order);
    jm_free(l->con_rank);
    jm_free(l->end);
    ident_release(&l->id);
}

/* ---------------------------------------------------------------- step 2: rank */

/*
 * Sorts build dictionary `d` by text into the store's dictionary `out` (with an entry "" at
 * index 0 when `offset` is 1) and fills rank[first-seen + 1] = final index; rank[0] is `none`.
 */
static jm_status rank_dict(struct build_dict *d, size_t offset, uint32_t none,
                           struct jm__store_dict *out, uint32_t **rank)
{
    *rank = jm_malloc((d->n + 1) * sizeof(**rank));
    out->e = jm_malloc((d->n + offset) * sizeof(*out->e));
    /* The sorted order goes through rank[1..n] before rank takes its final values. */
    if (!*rank || !out->e || jm__store_sort_texts(d->e, d->n, *rank + 1))
        return JM_ENOMEM;
    if (offset)
        out->e[0] = (struct jm__store_entry){"", 0, 0};
    for (size_t k = 0; k < d->n; k++)
        out->e[k + offset] = d->e[(*rank)[k + 1]];
    (*rank)[0] = none;
    for (size_t k = 0; k < d->n; k++)
        (*rank)[out->e[k + offset].orig + 1] = (uint32_t)(k + offset);
    out->n = d->n + offset;
    return JM_OK;
}

/* Sorts every dictionary; the raw columns are mapped to the ranks later. */
static jm_status rank_all(struct load *l)
{
    jm_status rc = JM_OK;
    size_t n_acc = l->bd[JM_STORE_ACCOUNT].n;
    for (int d = 0; d < JM_STORE__DICTS && !rc; d++) {
        size_t offset = d == JM_STORE_ACCOUNT ? 0 : 1;
        uint32_t none = d == JM_STORE_ACCOUNT ? (uint32_t)n_acc : 0;
        rc = rank_dict(&l->bd[d], offset, none, &l->s->dict[d], &l->rank[d]);
    }
    return rc ? oom(l) : JM_OK;
}

/* ---------------------------------------------------------------- step 3: place */

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts keys[0..n) ascending: most accounts have a handful of contacts. */
static void sort_keys(uint64_t *keys, size_t n)
{
    if (n > 32) {
        qsort(keys, n, sizeof(*keys), u64_cmp);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint64_t v = keys[i];
        size_t j = i;
        for (; j > 0 && v < keys[j - 1]; j--)
            keys[j] = keys[j - 1];
        keys[j] = v;
    }
}

/*
 * Puts the groups in (account, contact) order into l->order, fills account_start and each
 * group's end, and turns every raw event's group into its position in the store.
 */
static jm_status place(struct load *l)
{
    struct jm_store *s = l->s;
    struct groups *g = &l->g;
    size_t n_acc = s->dict[JM_STORE_ACCOUNT].n, n_grp = g->n;
    const uint32_t *ra = l->rank[JM_STORE_ACCOUNT], *rc = l->rank[JM_STORE_CONTACT];
    uint64_t *keys = jm_malloc(n_grp * sizeof(*keys));
    uint32_t *bucket = jm_calloc(n_acc + 2, sizeof(*bucket));
    l->order = jm_malloc(n_grp * sizeof(*l->order));
    l->con_rank = jm_malloc(n_grp * sizeof(*l->con_rank));
    l->end = jm_malloc(n_grp * sizeof(*l->end));
    s->account_start = jm_calloc(n_acc + 2, sizeof(*s->account_start));
    if (!keys || !bucket || !l->order || !l->con_rank || !l->end || !s->account_start) {
        jm_free(keys);
        jm_free(bucket);
        return oom(l);
    }
    gather_counts(g);
    /* Counting sort of the groups by account; keys carry (contact rank, group). */
    for (size_t k = 0; k < n_grp; k++)
        bucket[ra[g->acc[k]] + 1]++;
    for (size_t a = 0; a <= n_acc; a++)
        bucket[a + 1] += bucket[a];
    for (size_t k = 0; k < n_grp; k++) {
        l->con_rank[k] = rc[g->con[k]];
        keys[bucket[ra[g->acc[k]]]++] = (uint64_t)l->con_rank[k] << 32 | k;
    }
    /* bucket[a] is now the end of account a's groups, so a's groups start at bucket[a - 1]. */
    uint32_t at = 0;
    for (size_t a = 0, b = 0; a <= n_acc; b = bucket[a++]) {
        sort_keys(keys + b, bucket[a] - b);
        s->account_start[a] = at;
        for (size_t k = b; k < bucket[a]; k++) {
            uint32_t gid = (uint32_t)keys[k];
            l->order[k] = gid;
            l->end[gid] = at; /* the start, until the pass below */
            at += g->count[gid];
        }
    }
    s->account_start[n_acc + 1] = at;
    jm_free(keys);
    jm_free(bucket);
    for (size_t i = 0; i < l->n; i++)
        l->grp[i] = l->end[l->grp[i]]++;
    return JM_OK;
}

/* ---------------------------------------------------------------- step 4: move */

/* The columns moved by position, raw and then final, with where each final one goes. */
struct moves {
    struct jm__store_col raw[JM__STORE_COLS_MAX], final[JM__STORE_COLS_MAX];
    void **dst[JM__STORE_COLS_MAX];
    size_t n;
};

static void add_move(struct moves *m, void **raw, size_t width, size_t cap, void **dst)
{
    m->raw[m->n] = (struct jm__store_col){*raw, width, cap};
    m->dst[m->n++] = dst;
    *raw = NULL; /* jm__store_scatter() owns it now */
}

static void list_moves(struct load *l, struct moves *m)
{
    struct jm_store *s = l->s;
    m->n = 0;
#define MOVE(raw, dst) add_move(m, (void **)&(raw), sizeof(*(raw)), l->cap, (void **)&(dst))
    MOVE(l->time, s->time_us);
    MOVE(l->tp, s->touchpoint);
    MOVE(l->ch, s->channel);
    for (int f = 0; f < JM_EV__COUNT; f++) {
        if (l->text[f])
            MOVE(l->text[f], s->text[f]);
        else if (l->num[f])
            MOVE(l->num[f], s->num[f]);
    }
    if (s->props) {
        MOVE(l->props_at, s->props_at);
        MOVE(l->props_len, s->props_len);
    }
#undef MOVE
}

/* Fills the contact column, constant over each group, into the buffer of the positions. */
static void fill_contacts(struct load *l)
{
    struct jm_store *s = l->s;
    uint32_t *c = l->grp;
    l->grp = NULL;
    if (l->cap - l->n > l->cap / 4) {
        void *p = jm_realloc(c, (l->n ? l->n : 1) * sizeof(*c));
        c = p ? p : c; /* giving memory back is optional */
    }
    for (size_t k = 0; k < l->g.n; k++) {
        uint32_t gid = l->order[k], e = l->end[gid], r = l->con_rank[gid];
        for (uint32_t i = e - l->g.count[gid]; i < e; i++)
            c[i] = r;
    }
    s->contact = c;
}

/* Sorts by time the groups whose events did not arrive in time order. */
static jm_status sort_groups(struct load *l, const struct moves *m)
{
    struct jm__store_scratch scratch = {0};
    jm_status rc = JM_OK;
    /* Every moved column but time (final[0]) follows the sort. */
    for (size_t k = 0; k < l->g.n && !rc; k++) {
        uint32_t n = l->g.count[k];
        if (n > 1)
            rc = jm__store_sort_run(l->s->time_us, m->final + 1, m->n - 1, l->end[k] - n, n,
                                    &scratch);
    }
    jm__store_scratch_release(&scratch);
    return rc ? oom(l) : JM_OK;
}

static jm_status move(struct load *l)
{
    const uint32_t *rt = l->rank[JM_STORE_TOUCHPOINT], *rh = l->rank[JM_STORE_CHANNEL];
    for (size_t i = 0; i < l->n; i++)
        l->tp[i] = (uint16_t)rt[l->tp[i]];
    for (size_t i = 0; i < l->n; i++)
        l->ch[i] = (uint8_t)rh[l->ch[i]];
    struct moves m;
    list_moves(l, &m);
    jm_status rc = jm__store_scatter(m.raw, m.n, l->grp, l->n, l->spare, l->spare_bytes, m.final);
    l->spare = NULL;
    if (rc)
        return oom(l);
    for (size_t k = 0; k < m.n; k++)
        *m.dst[k] = m.final[k].p;
    fill_contacts(l);
    return sort_groups(l, &m);
}

/* ---------------------------------------------------------------- load */

static void fill_columns(struct jm_store *s, size_t n)
{
    s->cols = (struct jm_store_columns){
        .n = n,
        .n_accounts = s->dict[JM_STORE_ACCOUNT].n,
        .time_us = s->time_us,
        .contact = s->contact,
        .touchpoint = s->touchpoint,
        .channel = s->channel,
        .account_start = s->account_start,
    };
}

static struct jm_store *store_new(const struct jm_store_options *opts)
{
    struct jm_store *s = jm_calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    jm_arena_init(&s->strings);
    for (int f = 0; f < JM_EV__COUNT; f++)
        jm__store_textdict_init(&s->tdict[f]);
    if (opts) {
        s->fields = opts->fields & (JM__STORE_TEXT_FIELDS | JM__STORE_NUM_FIELDS);
        s->props = opts->properties;
    }
    return s;
}

/*
 * Allocates the final time column now, and has every big buffer faulted in on a helper thread
 * while the storage starts its scan (it reads its names before the first segment): on two
 * cores that hides most of the cost of fresh memory.
 */
static jm_status prepare(struct load *l)
{
    l->spare_bytes = l->cap * sizeof(*l->time);
    l->spare = jm__store_alloc(l->spare_bytes);
    if (!l->spare)
        return oom(l);
    struct jm__store_prefault *pf = &l->prefault;
    jm__store_prefault_add(pf, l->time, l->cap * sizeof(*l->time));
    jm__store_prefault_add(pf, l->grp, l->cap * sizeof(*l->grp));
    jm__store_prefault_add(pf, l->tp, l->cap * sizeof(*l->tp));
    jm__store_prefault_add(pf, l->ch, l->cap * sizeof(*l->ch));
    for (int f = 0; f < JM_EV__COUNT; f++) {
        jm__store_prefault_add(pf, l->text[f], l->text[f] ? l->cap * sizeof(*l->text[f]) : 0);
        jm__store_prefault_add(pf, l->num[f], l->num[f] ? l->cap * sizeof(*l->num[f]) : 0);
    }
    jm__store_prefault_add(pf, l->props_at, l->props_at ? l->cap * sizeof(*l->props_at) : 0);
    jm__store_prefault_add(pf, l->props_len, l->props_len ? l->cap * sizeof(*l->props_len) : 0);
    jm__store_prefault_add(pf, l->spare, l->spare_bytes);
    jm__store_prefault_start(pf);
    return JM_OK;
}

jm_status jm_store_load(struct jm_storage *st, struct jm_store **out, struct jm_error *err)
{
    return jm_store_load_with(st, NULL, out, err);
}

/* The event fields a load reads: the hot columns and the extras asked for. */
static uint64_t scan_fields(const struct jm_store *s)
{
    uint64_t f = (UINT64_C(1) << JM_EV_TIME) | (UINT64_C(1) << JM_EV_ACCOUNT) |
                 (UINT64_C(1) << JM_EV_CONTACT) | (UINT64_C(1) << JM_EV_TOUCHPOINT) |
                 (UINT64_C(1) << JM_EV_CHANNEL) | s->fields;
    return s->props ? f | (UINT64_C(1) << JM_EV__COUNT) : f;
}

jm_status jm_store_load_with(struct jm_storage *st, const struct jm_store_options *opts,
                             struct jm_store **out, struct jm_error *err)
{
    *out = NULL;
    struct load l;
    uint64_t count = 0;
    struct jm_store *s = store_new(opts);
    if (!s)
        return jm_error_set(err, JM_ENOMEM, "out of memory loading the event store");
    load_init(&l, st, s, err);
    jm_status rc = jm_storage_count(st, JM_ENT_EVENT, &count, err);
    /* Room for every event up front: one allocation per column, no copying as it grows. */
    if (!rc)
        rc = grow_raw(&l, count > 0 && count < UINT32_MAX ? (size_t)count : 1);
    if (!rc)
        rc = prepare(&l);
    if (!rc)
        rc = jm_identity_scan(st, on_link, &l, err);
    /* Anonymous ids are read only when some of them are linked to a contact. */
    uint64_t fields = scan_fields(s) | (l.id.any ? UINT64_C(1) << JM_EV_ANONYMOUS_ID : 0);
    if (!rc)
        rc = jm_storage_scan_event_fields(st, fields, on_segment, &l, err);
    jm__store_prefault_join(&l.prefault);
    if (!rc)
        rc = rank_all(&l);
    if (!rc)
        rc = place(&l);
    if (!rc)
        rc = move(&l);
    load_release(&l);
    for (int f = 0; f < JM_EV__COUNT; f++)
        jm__store_textdict_done(&s->tdict[f]);
    if (!rc)
        fill_columns(s, l.n);
    if (rc) {
        jm_store_free(s);
        return rc;
    }
    *out = s;
    return JM_OK;
}
