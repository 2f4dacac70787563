/*
 * Paths (insights.h): each unit's touches between two anchors as a sequence of steps, the
 * distinct sequences counted, the most common listed.
 *
 *   unit's touches (time order):  e0  e1  e2  e3  e4  e5  e6
 *   anchors:                          ^from          ^to
 *   steps (collapse):                 blog blog pricing demo  ->  [blog x2, pricing, demo]
 *   key:                              step ids as bytes, ELLIPSIS_ID where a long path is cut
 *
 * The store is cut into account ranges run on several threads (analytics/sequence_internal.h).
 * Each part keeps its own map of distinct paths (key -> local path) and a record per unit
 * (its path, length, days and step times); the parts' maps are merged into one at the end,
 * so no lock is taken per unit. Only after the merge is it known which paths are listed, so
 * the records keep the step times that the listed paths' gaps need.
 *
 * Account level: a unit's touches are its account slice merged into time order
 * (jm__touches_of). Contact level: a contact's run in a slice is already in time order; a
 * contact with runs in several slices is merged after the parallel pass, as the sequence
 * analyses do. Units without events still get a (empty) path when their anchors are stages.
 *
 * Ties: anchor times compare with >= and <=, so events at an anchor's time are inside the
 * path; a touchpoint anchor is one event, and the to-event of two touchpoint anchors is the
 * first one after the from-event in time order (equal times: store order).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "analytics/sequence_internal.h"
#include "insights/paths_internal.h"

#define ELLIPSIS_ID UINT32_MAX /* never a dimension key */

void jm_paths_defaults(struct jm_paths_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->mode = JM_PATHS_BETWEEN;
    o->from_kind = o->to_kind = JM_ANCHOR_ANY;
    o->step = JM_DIM_TOUCHPOINT;
    o->collapse = true;
    o->max_steps = 8;
    o->limit = 20;
}

/* ---------------------------------------------------------------- what one computation reads */

struct spec {
    const struct jm_report *r;
    const struct jm_timelines *tl;
    const struct jm_paths_opts *o;
    const struct jm_store *s;
    const struct jm_store_columns *col;
    struct jm__dim dim;
    uint8_t *excl; /* per touchpoint id, or NULL */
    size_t from_stage, to_stage;
    uint16_t from_tp, to_tp;
    uint8_t *only; /* units allowed besides the population, or NULL: all */
    const int64_t *from_at, *to_at;
    size_t goal;
};

/* A distinct path of one part. */
struct lpath {
    uint32_t off, n; /* its step ids part->ids[off .. off + n), repeat sums part->reps[...] */
    uint32_t global; /* index after the merge */
    uint64_t units, converted;
};

/* One unit's path. */
struct upath {
    uint32_t unit, path; /* path: local id */
    uint32_t len, n_t;   /* steps after collapsing; step start times kept */
    size_t t_off;        /* its times: part->times[t_off .. t_off + n_t) */
    double days;
};

struct part {
    struct jm__touches tb;
    uint32_t *ev; /* contact level: the run's event indexes */
    size_t cap_ev;
    uint32_t *step; /* the current unit's steps, their start times and event counts */
    int64_t *st;
    double *rep;
    size_t cap_step;
    struct jm_strmap map; /* key -> local path */
    struct lpath *lp;
    size_t n_lp, cap_lp;
    uint32_t *ids;
    size_t n_ids, cap_ids;
    double *reps;
    size_t cap_reps;
    struct upath *up;
    size_t n_up, cap_up;
    int64_t *times;
    size_t n_times, cap_times;
    struct jm_dvec gaps; /* every step -> next step */
};

static jm_status reserve(void **p, size_t *cap, size_t need, size_t el)
{
    return need > *cap ? jm_grow(p, cap, need, el) : JM_OK;
}

static void part_release(struct part *p)
{
    jm__touches_release(&p->tb);
    jm_free(p->ev);
    jm_free(p->step);
    jm_free(p->st);
    jm_free(p->rep);
    jm__strmap_release(&p->map);
    jm_free(p->lp);
    jm_free(p->ids);
    jm_free(p->reps);
    jm_free(p->up);
    jm_free(p->times);
    jm_free(p->gaps.v);
}

static bool allowed(const struct spec *sp, size_t u)
{
    return u != JM_NONE && jm__unit_in(sp->r, u) && (!sp->only || sp->only[u]);
}

/* ---------------------------------------------------------------- anchors */

/* The unit's touches [b, e) and the anchor times. */
struct span {
    size_t b, e;
    int64_t t0, t1;
};

/* First k in [lo, n) with time(ev[k]) >= t (or > t with `after`). */
static size_t bound(const int64_t *time, const uint32_t *ev, size_t lo, size_t n, int64_t t,
                    bool after)
{
    size_t hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (time[ev[mid]] < t || (after && time[ev[mid]] == t))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t find_tp(const uint16_t *tp, const uint32_t *ev, size_t k, size_t n, uint16_t id)
{
    while (k < n && tp[ev[k]] != id)
        k++;
    return k;
}

/* Unit u's first move into stage s at or after t; INT64_MAX if none. */
static int64_t entry_after(const struct jm_timelines *tl, size_t u, size_t s, int64_t t)
{
    for (size_t k = tl->move_start[u]; k < tl->move_start[u + 1]; k++)
        if (tl->moves[k].to == s && tl->moves[k].time >= t)
            return tl->moves[k].time;
    return INT64_MAX;
}

static bool from_anchor(const struct spec *sp, size_t u, const uint32_t *ev, size_t n,
                        struct span *x)
{
    const int64_t *time = sp->col->time_us;
    const struct jm_timelines *tl = sp->tl;
    if (sp->o->mode == JM_PATHS_AFTER_DROP) {
        x->t0 = jm__reached_at(tl, u, sp->from_stage);
        x->b = bound(time, ev, 0, n, x->t0, false);
        return x->t0 != INT64_MAX;
    }
    switch (sp->o->from_kind) {
    case JM_ANCHOR_STAGE:
        x->t0 = tl->entered[u * tl->n_stages + sp->from_stage];
        x->b = bound(time, ev, 0, n, x->t0, false);
        break;
    case JM_ANCHOR_TOUCHPOINT:
        x->b = find_tp(sp->col->touchpoint, ev, 0, n, sp->from_tp);
        x->t0 = x->b < n ? time[ev[x->b]] : INT64_MAX;
        break;
    default:
        x->b = 0;
        x->t0 = n ? time[ev[0]] : INT64_MAX;
    }
    return jm__in_period(&sp->r->opts, x->t0);
}

static bool to_anchor(const struct spec *sp, size_t u, const uint32_t *ev, size_t n, struct span *x)
{
    const int64_t *time = sp->col->time_us;
    if (sp->o->mode == JM_PATHS_AFTER_DROP) {
        x->e = n;
        x->t1 = n > x->b ? time[ev[n - 1]] : x->t0;
        return true;
    }
    switch (sp->o->to_kind) {
    case JM_ANCHOR_STAGE:
        x->t1 = entry_after(sp->tl, u, sp->to_stage, x->t0);
        x->e = bound(time, ev, x->b, n, x->t1, true);
        break;
    case JM_ANCHOR_TOUCHPOINT: {
        bool tp_from = sp->o->from_kind == JM_ANCHOR_TOUCHPOINT;
        size_t k = find_tp(sp->col->touchpoint, ev, x->b + tp_from, n, sp->to_tp);
        x->e = k + 1;
        x->t1 = k < n ? time[ev[k]] : INT64_MAX;
        break;
    }
    default: /* the last touch in the period, at or after the from-anchor */
        x->e = bound(time, ev, x->b, n, sp->r->opts.to, false);
        x->t1 = x->e > x->b ? time[ev[x->e - 1]] : INT64_MAX;
    }
    return jm__in_period(&sp->r->opts, x->t1);
}

/* Finds unit u's path among its touches ev[0..n) (time order); false when it has none. */
static bool anchors(const struct spec *sp, size_t u, const uint32_t *ev, size_t n, struct span *x)
{
    if (sp->from_at) {
        const int64_t *time = sp->col->time_us;
        x->t0 = sp->from_at[u];
        x->t1 = sp->to_at[u];
        x->b = bound(time, ev, 0, n, x->t0, false);
        x->e = bound(time, ev, x->b, n, x->t1, true);
        return x->t0 != INT64_MAX;
    }
    return from_anchor(sp, u, ev, n, x) && to_anchor(sp, u, ev, n, x);
}

/* ---------------------------------------------------------------- a unit's steps */

static jm_status steps_reserve(struct part *p, size_t n)
{
    if (n <= p->cap_step)
        return JM_OK;
    size_t cap = p->cap_step ? p->cap_step : 64;
    while (cap < n)
        cap *= 2;
    uint32_t *step = jm_realloc(p->step, cap * sizeof(*step));
    if (step)
        p->step = step;
    int64_t *st = jm_realloc(p->st, cap * sizeof(*st));
    if (st)
        p->st = st;
    double *rep = jm_realloc(p->rep, cap * sizeof(*rep));
    if (rep)
        p->rep = rep;
    if (!step || !st || !rep)
        return JM_ENOMEM;
    p->cap_step = cap;
    return JM_OK;
}

/* The steps of touches ev[b..e) into p->step / st / rep; returns how many. */
static size_t make_steps(const struct spec *sp, struct part *p, const uint32_t *ev, size_t b,
                         size_t e)
{
    size_t len = 0;
    for (size_t k = b; k < e; k++) {
        size_t i = ev[k];
        if (sp->excl && sp->excl[sp->col->touchpoint[i]])
            continue;
        uint32_t id = jm__dim_key(&sp->dim, i);
        if (sp->o->collapse && len && p->step[len - 1] == id) {
            p->rep[len - 1] += 1;
            continue;
        }
        p->step[len] = id;
        p->st[len] = sp->col->time_us[i];
        p->rep[len] = 1;
        len++;
    }
    return len;
}

/* Cuts a path longer than max_steps to its first max - 1 steps, the ellipsis and its last
 * step (the ellipsis stands for the events it hides); returns the length shown. */
static size_t cut(struct part *p, size_t len, size_t max)
{
    if (len <= max)
        return len;
    double hidden = 0;
    for (size_t k = max - 1; k + 1 < len; k++)
        hidden += p->rep[k];
    p->step[max - 1] = ELLIPSIS_ID;
    p->rep[max - 1] = hidden;
    p->step[max] = p->step[len - 1];
    p->rep[max] = p->rep[len - 1];
    return max + 1;
}

/* The local path of the current steps [0, shown), added when new. */
static jm_status local_path(struct part *p, size_t shown, struct lpath **out)
{
    if (reserve((void **)&p->lp, &p->cap_lp, p->n_lp + 1, sizeof(*p->lp)) ||
        reserve((void **)&p->ids, &p->cap_ids, p->n_ids + shown + 1, sizeof(*p->ids)) ||
        reserve((void **)&p->reps, &p->cap_reps, p->n_ids + shown + 1, sizeof(*p->reps)))
        return JM_ENOMEM;
    const char *key = shown ? (const char *)p->step : "";
    uint64_t *v;
    bool added;
    if (jm__strmap_put(&p->map, key, shown * sizeof(uint32_t), p->n_lp, &v, &added))
        return JM_ENOMEM;
    if (added) {
        p->lp[p->n_lp++] = (struct lpath){(uint32_t)p->n_ids, (uint32_t)shown, 0, 0, 0};
        memcpy(p->ids + p->n_ids, p->step, shown * sizeof(uint32_t));
        memset(p->reps + p->n_ids, 0, shown * sizeof(double));
        p->n_ids += shown;
    }
    *out = &p->lp[*v];
    return JM_OK;
}

/* Unit u's path among its touches ev[0..n), counted into part p. */
static jm_status unit_path(const struct spec *sp, struct part *p, size_t u, const uint32_t *ev,
                           size_t n)
{
    struct span x;
    if (!anchors(sp, u, ev, n, &x))
        return JM_OK;
    if (x.e < x.b)
        x.e = x.b;
    size_t max = sp->o->max_steps;
    if (steps_reserve(p, x.e - x.b + 2))
        return JM_ENOMEM;
    size_t len = make_steps(sp, p, ev, x.b, x.e);
    for (size_t k = 1; k < len; k++)
        if (jm__dvec_push(&p->gaps, (double)(p->st[k] - p->st[k - 1]) / JM_DAY_US))
            return JM_ENOMEM;
    size_t shown = cut(p, len, max), n_t = len > max ? max - 1 : len;
    struct lpath *lp;
    if (local_path(p, shown, &lp) ||
        reserve((void **)&p->up, &p->cap_up, p->n_up + 1, sizeof(*p->up)) ||
        reserve((void **)&p->times, &p->cap_times, p->n_times + n_t + 1, sizeof(*p->times)))
        return JM_ENOMEM;
    lp->units++;
    lp->converted += jm__reached_at(sp->tl, u, sp->goal) != INT64_MAX;
    for (size_t k = 0; k < shown; k++)
        p->reps[lp->off + k] += p->rep[k];
    p->up[p->n_up++] =
        (struct upath){(uint32_t)u, (uint32_t)(lp - p->lp),           (uint32_t)len, (uint32_t)n_t,
                       p->n_times,  (double)(x.t1 - x.t0) / JM_DAY_US};
    memcpy(p->times + p->n_times, p->st, n_t * sizeof(int64_t));
    p->n_times += n_t;
    return JM_OK;
}

/* ---------------------------------------------------------------- scanning the store */

struct scan {
    const struct spec *sp;
    struct part *parts;
    const struct jm__seq_split *split; /* contact level */
};

/* Whether account slice [b, e) can hold the unit's anchors (a cheap test before merging). */
static bool may_have(const struct spec *sp, size_t u, size_t b, size_t e)
{
    const uint16_t *tp = sp->col->touchpoint;
    bool ok = true;
    if (sp->from_at)
        return sp->from_at[u] != INT64_MAX;
    if (sp->o->mode == JM_PATHS_BETWEEN && sp->o->from_kind == JM_ANCHOR_TOUCHPOINT)
        ok = jm__seq_find_u16(tp + b, e - b, sp->from_tp) < e - b;
    if (ok && sp->o->mode == JM_PATHS_BETWEEN && sp->o->to_kind == JM_ANCHOR_TOUCHPOINT)
        ok = jm__seq_find_u16(tp + b, e - b, sp->to_tp) < e - b;
    if (ok && sp->o->mode == JM_PATHS_BETWEEN && sp->o->from_kind == JM_ANCHOR_STAGE)
        ok = sp->tl->entered[u * sp->tl->n_stages + sp->from_stage] != INT64_MAX;
    return ok;
}

static jm_status scan_accounts(void *ctx, unsigned part, size_t a_begin, size_t a_end)
{
    struct scan *sc = ctx;
    const struct spec *sp = sc->sp;
    struct part *p = &sc->parts[part];
    jm_status rc = JM_OK;
    for (size_t a = a_begin; !rc && a < a_end; a++) {
        uint32_t u = jm_dataset_account_row(sp->tl->ds, a);
        size_t b = sp->col->account_start[a], e = sp->col->account_start[a + 1];
        if (b == e || !allowed(sp, u) || !may_have(sp, u, b, e))
            continue;
        rc = jm__touches_of(sp->s, a, &p->tb);
        if (!rc)
            rc = unit_path(sp, p, u, p->tb.ev, p->tb.n);
    }
    return rc;
}

/* A contact's run [b, e) of one slice, when it is all of the contact's events. */
static jm_status contact_run(const struct scan *sc, struct part *p, size_t b, size_t e)
{
    const struct spec *sp = sc->sp;
    uint32_t c = sp->col->contact[b];
    if (!c || jm__seq_split_has(sc->split, c))
        return JM_OK;
    uint32_t u = jm_dataset_contact_row(sp->tl->ds, c);
    if (!allowed(sp, u) || !may_have(sp, u, b, e))
        return JM_OK;
    if (reserve((void **)&p->ev, &p->cap_ev, e - b + 1, sizeof(*p->ev)))
        return JM_ENOMEM;
    for (size_t i = b; i < e; i++)
        p->ev[i - b] = (uint32_t)i;
    return unit_path(sp, p, u, p->ev, e - b);
}

static jm_status scan_contacts(void *ctx, unsigned part, size_t a_begin, size_t a_end)
{
    struct scan *sc = ctx;
    const struct jm_store_columns *col = sc->sp->col;
    jm_status rc = JM_OK;
    for (size_t a = a_begin; !rc && a < a_end; a++) {
        size_t e = col->account_start[a + 1];
        for (size_t i = col->account_start[a]; !rc && i < e;) {
            size_t x = i + 1;
            while (x < e && col->contact[x] == col->contact[i])
                x++;
            rc = contact_run(sc, &sc->parts[part], i, x);
            i = x;
        }
    }
    return rc;
}

/* The contacts with runs in several slices, merged into time order, on part 0. */
static jm_status scan_split(struct scan *sc)
{
    const struct spec *sp = sc->sp;
    const struct jm__seq_split *split = sc->split;
    struct part *p = &sc->parts[0];
    if (reserve((void **)&p->ev, &p->cap_ev, split->n_events + 1, sizeof(*p->ev)))
        return JM_ENOMEM;
    for (size_t i = 0; i < split->n; i++) {
        uint32_t u = jm_dataset_contact_row(sp->tl->ds, split->contact[i]);
        if (!allowed(sp, u))
            continue;
        size_t n = jm__seq_split_merge(sp->s, split, i, p->ev);
        if (unit_path(sp, p, u, p->ev, n))
            return JM_ENOMEM;
    }
    return JM_OK;
}

/* Units without any event: their path is empty when their anchors are found at all. */
static jm_status scan_eventless(const struct spec *sp, struct part *p)
{
    for (size_t u = 0; u < sp->tl->n_units; u++)
        if (sp->tl->first_event[u] == JM_NONE && allowed(sp, u) && unit_path(sp, p, u, NULL, 0))
            return JM_ENOMEM;
    return JM_OK;
}

static jm_status scan_all(const struct spec *sp, struct part *parts, unsigned n_parts)
{
    struct jm__seq_split split = {0};
    struct scan sc = {sp, parts, &split};
    size_t n_acc = sp->col->n_accounts;
    jm_status rc;
    if (sp->tl->level == JM_LEVEL_ACCOUNT) {
        rc = jm__seq_run(sp->s, n_parts, n_acc, scan_accounts, &sc);
    } else {
        rc = jm__seq_split_find(sp->s, &split);
        if (!rc)
            rc = jm__seq_run(sp->s, n_parts, n_acc + 1, scan_contacts, &sc);
        if (!rc)
            rc = scan_split(&sc);
    }
    if (!rc)
        rc = scan_eventless(sp, &parts[0]);
    jm__seq_split_release(&split);
    return rc;
}

/* ---------------------------------------------------------------- merging and ordering */

/* A distinct path over all parts. */
struct gpath {
    const uint32_t *ids; /* in the part that first found it */
    uint32_t n;
    uint64_t units, converted;
    size_t rep_off;          /* its repeat sums: merged.reps[rep_off .. rep_off + n) */
    const double *reps;      /* the same once merged.reps stops moving */
    const struct jm__dim *d; /* for the comparison */
    size_t rank;             /* place in the listing, SIZE_MAX when not listed */
};

struct merged {
    struct jm_strmap map;
    struct gpath *g;
    size_t n, cap;
    double *reps; /* all paths' repeat sums, by offset */
    size_t n_reps, cap_reps;
};

static void merged_release(struct merged *m)
{
    jm__strmap_release(&m->map);
    jm_free(m->g);
    jm_free(m->reps);
}

static jm_status merge_part(struct merged *m, struct part *p, const struct jm__dim *d)
{
    for (size_t i = 0; i < p->n_lp; i++) {
        struct lpath *lp = &p->lp[i];
        const uint32_t *ids = p->ids + lp->off;
        uint64_t *v;
        bool added;
        if (reserve((void **)&m->g, &m->cap, m->n + 1, sizeof(*m->g)) ||
            reserve((void **)&m->reps, &m->cap_reps, m->n_reps + lp->n + 1, sizeof(double)) ||
            jm__strmap_put(&m->map, lp->n ? (const char *)ids : "", lp->n * sizeof(uint32_t), m->n,
                           &v, &added))
            return JM_ENOMEM;
        if (added) {
            m->g[m->n++] = (struct gpath){ids, lp->n, 0, 0, m->n_reps, NULL, d, SIZE_MAX};
            memset(m->reps + m->n_reps, 0, lp->n * sizeof(double));
            m->n_reps += lp->n;
        }
        struct gpath *g = &m->g[*v];
        g->units += lp->units;
        g->converted += lp->converted;
        for (size_t k = 0; k < lp->n; k++)
            m->reps[g->rep_off + k] += p->reps[lp->off + k];
        lp->global = (uint32_t)*v;
    }
    return JM_OK;
}

static const char *step_label(const struct jm__dim *d, uint32_t id)
{
    return id == ELLIPSIS_ID ? JM_PATH_ELLIPSIS : jm__dim_label(d, id);
}

/* A reader of a path's text, the steps joined by " > ", one byte at a time. */
struct cursor {
    const struct gpath *g;
    size_t k;
    const char *s;
    bool sep;
};

static int cursor_next(struct cursor *c)
{
    while (c->s && !*c->s) {
        if (c->sep) {
            c->sep = false;
            c->s = step_label(c->g->d, c->g->ids[c->k]);
        } else if (++c->k < c->g->n) {
            c->sep = true;
            c->s = " > ";
        } else {
            c->s = NULL;
        }
    }
    return c->s ? (unsigned char)*c->s++ : -1;
}

/* Most units first, then the text in byte order (compared without building it). */
static int gpath_cmp(const void *x, const void *y)
{
    const struct gpath *a = *(const struct gpath *const *)x, *b = *(const struct gpath *const *)y;
    if (a->units != b->units)
        return a->units > b->units ? -1 : 1;
    struct cursor ca = {a, 0, a->n ? step_label(a->d, a->ids[0]) : NULL, false};
    struct cursor cb = {b, 0, b->n ? step_label(b->d, b->ids[0]) : NULL, false};
    for (;;) {
        int p = cursor_next(&ca), q = cursor_next(&cb);
        if (p != q)
            return p < q ? -1 : 1;
        if (p < 0)
            return 0;
    }
}

/* The units of the k-th most common path (k >= 1; 0 when k is 0), by a min-heap of the k
 * largest counts seen. */
static uint64_t least_listed(const struct merged *m, size_t k)
{
    if (k == 0)
        return 0;
    uint64_t *heap = jm_malloc(k * sizeof(*heap));
    if (!heap)
        return 0; /* all paths are candidates: slower, the same ranks */
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++) {
        uint64_t x = m->g[i].units;
        if (n < k) { /* sift up */
            size_t c = n++;
            for (; c && heap[(c - 1) / 2] > x; c = (c - 1) / 2)
                heap[c] = heap[(c - 1) / 2];
            heap[c] = x;
        } else if (x > heap[0]) { /* replace the least and sift down */
            size_t c = 0;
            for (;;) {
                size_t l = 2 * c + 1, r = l + 1, min = l;
                if (l >= n)
                    break;
                if (r < n && heap[r] < heap[l])
                    min = r;
                if (heap[min] >= x)
                    break;
                heap[c] = heap[min];
                c = min;
            }
            heap[c] = x;
        }
    }
    uint64_t least = heap[0];
    jm_free(heap);
    return least;
}

/* Merges the parts and ranks the paths; *order gets the listed ones, most common first. */
static jm_status merge_and_rank(struct merged *m, struct part *parts, unsigned n_parts,
                                const struct spec *sp, size_t *n_listed)
{
    for (unsigned i = 0; i < n_parts; i++)
        if (merge_part(m, &parts[i], &sp->dim))
            return JM_ENOMEM;
    for (size_t i = 0; i < m->n; i++)
        m->g[i].reps = m->reps + m->g[i].rep_off;
    size_t limit = sp->o->limit ? sp->o->limit : m->n;
    *n_listed = limit < m->n ? limit : m->n;
    uint64_t least = least_listed(m, *n_listed);
    struct gpath **by = jm_malloc((m->n + 1) * sizeof(*by));
    if (!by)
        return JM_ENOMEM;
    /* Only paths with `least` units or more can be listed: they come first in the order, and
     * sorting just them (in the same relative order) ranks them as sorting all would. */
    size_t n = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->g[i].units >= least)
            by[n++] = &m->g[i];
    jm__qsort(by, n, sizeof(*by), gpath_cmp);
    for (size_t i = 0; i < *n_listed; i++)
        by[i]->rank = i;
    jm_free(by);
    return JM_OK;
}

/* ---------------------------------------------------------------- results */

/* Days and gaps of the listed paths' units, and the length of every unit's path. */
struct tallies {
    double *days;  /* listed units' days, grouped by rank: [start[rank] .. start[rank + 1]) */
    size_t *start; /* n_listed + 1 */
    struct jm_dvec *gaps; /* max_steps - 1 */
    double *lengths;
    size_t n_lengths;
};

static void tallies_release(struct tallies *t, size_t n_gaps)
{
    jm_free(t->days);
    jm_free(t->start);
    for (size_t i = 0; t->gaps && i < n_gaps; i++)
        jm_free(t->gaps[i].v);
    jm_free(t->gaps);
    jm_free(t->lengths);
}

static jm_status unit_tally(struct tallies *t, const struct part *p, const struct upath *x,
                            const struct gpath *g, size_t *fill)
{
    t->lengths[t->n_lengths++] = x->len;
    if (g->rank == SIZE_MAX)
        return JM_OK;
    t->days[t->start[g->rank] + fill[g->rank]++] = x->days;
    const int64_t *st = p->times + x->t_off;
    for (size_t k = 1; k < x->n_t; k++)
        if (jm__dvec_push(&t->gaps[k - 1], (double)(st[k] - st[k - 1]) / JM_DAY_US))
            return JM_ENOMEM;
    return JM_OK;
}

static jm_status tally(struct tallies *t, const struct merged *m, const struct part *parts,
                       unsigned n_parts, size_t n_listed, size_t n_gaps, uint64_t units)
{
    t->start = jm_calloc(n_listed + 2, sizeof(size_t));
    size_t *fill = jm_calloc(n_listed + 1, sizeof(size_t));
    t->gaps = jm_calloc(n_gaps + 1, sizeof(*t->gaps));
    t->lengths = jm_malloc((units + 1) * sizeof(double));
    jm_status rc = t->start && fill && t->gaps && t->lengths ? JM_OK : JM_ENOMEM;
    for (size_t i = 0; !rc && i < m->n; i++)
        if (m->g[i].rank != SIZE_MAX)
            t->start[m->g[i].rank + 1] = m->g[i].units;
    for (size_t i = 0; !rc && i < n_listed; i++)
        t->start[i + 1] += t->start[i];
    if (!rc && !(t->days = jm_malloc((t->start[n_listed] + 1) * sizeof(double))))
        rc = JM_ENOMEM;
    for (unsigned q = 0; !rc && q < n_parts; q++)
        for (size_t i = 0; !rc && i < parts[q].n_up; i++) {
            const struct upath *x = &parts[q].up[i];
            rc = unit_tally(t, &parts[q], x, &m->g[parts[q].lp[x->path].global], fill);
        }
    jm_free(fill);
    return rc;
}

/* The listed path of gpath g into its place in the result. */
static jm_status fill_path(struct jm_paths *res, const struct gpath *g, struct tallies *t)
{
    struct jm_path *out = &res->paths[g->rank];
    out->n_steps = g->n;
    out->steps = jm_arena_alloc(&res->arena, (g->n + 1) * sizeof(char *));
    out->repeats = jm_arena_alloc(&res->arena, (g->n + 1) * sizeof(double));
    if (!out->steps || !out->repeats)
        return JM_ENOMEM;
    for (size_t k = 0; k < g->n; k++) {
        out->steps[k] = jm_arena_strdup(&res->arena, step_label(g->d, g->ids[k]));
        out->repeats[k] = g->reps[k] / (double)g->units;
        if (!out->steps[k])
            return JM_ENOMEM;
    }
    out->units = g->units;
    out->share = (double)g->units / (double)res->units;
    out->converted = g->converted;
    size_t b = t->start[g->rank], e = t->start[g->rank + 1];
    jm_dist_of(t->days + b, e - b, &out->days);
    return JM_OK;
}

static jm_status fill_result(struct jm_paths *res, const struct merged *m, struct tallies *t,
                             size_t n_listed)
{
    size_t max = res->opts.max_steps;
    res->distinct = m->n;
    res->paths = jm_arena_alloc(&res->arena, (n_listed + 1) * sizeof(*res->paths));
    res->length_hist = jm_arena_alloc(&res->arena, (max + 1) * sizeof(uint64_t));
    res->gaps = jm_arena_alloc(&res->arena, max * sizeof(*res->gaps));
    if (!res->paths || !res->length_hist || !res->gaps)
        return JM_ENOMEM;
    res->n_paths = n_listed;
    for (size_t i = 0; i < m->n; i++)
        if (m->g[i].rank != SIZE_MAX && fill_path(res, &m->g[i], t))
            return JM_ENOMEM;
    for (size_t i = 0; i < t->n_lengths; i++)
        res->length_hist[t->lengths[i] < (double)max ? (size_t)t->lengths[i] : max]++;
    jm_dist_of(t->lengths, t->n_lengths, &res->length);
    res->n_gaps = max - 1;
    for (size_t i = 0; i + 1 < max; i++) {
        res->gaps[i].from_step = i;
        jm_dist_of(t->gaps[i].v, t->gaps[i].n, &res->gaps[i].days);
    }
    return JM_OK;
}

/* ---------------------------------------------------------------- setting up */

static jm_status stage_of(const struct jm_timelines *tl, const char *key, size_t *out,
                          struct jm_error *err)
{
    for (size_t s = 0; key && s < tl->n_stages; s++)
        if (strcmp(tl->journey->stages[s].key, key) == 0) {
            *out = s;
            return JM_OK;
        }
    return jm_error_set(err, JM_EINVAL, "unknown stage '%s'", key ? key : "");
}

static jm_status touchpoint_of(const struct jm_store *s, const char *key, uint16_t *out,
                               struct jm_error *err)
{
    int64_t id = key ? jm_store_lookup(s, JM_STORE_TOUCHPOINT, key, strlen(key)) : -1;
    if (id <= 0)
        return jm_error_set(err, JM_EINVAL, "unknown touchpoint '%s'", key ? key : "");
    *out = (uint16_t)id;
    return JM_OK;
}

static jm_status anchor_of(const struct spec *sp, enum jm_path_anchor kind, const char *key,
                           size_t *stage, uint16_t *tp, struct jm_error *err)
{
    switch (kind) {
    case JM_ANCHOR_ANY:
        return JM_OK;
    case JM_ANCHOR_STAGE:
        return stage_of(sp->tl, key, stage, err);
    case JM_ANCHOR_TOUCHPOINT:
        return touchpoint_of(sp->s, key, tp, err);
    default:
        return jm_error_set(err, JM_EINVAL, "unknown path anchor kind");
    }
}

/* The units allowed: the caller's, and for AFTER_DROP the funnel's droppers. */
static jm_status units_allowed(struct spec *sp, const struct jm__paths_units *pu)
{
    size_t nu = sp->tl->n_units;
    bool drop = sp->o->mode == JM_PATHS_AFTER_DROP;
    if (!drop && !(pu && pu->only))
        return JM_OK;
    sp->only = jm_malloc(nu + 1);
    if (!sp->only)
        return JM_ENOMEM;
    memset(sp->only, 1, nu + 1);
    if (drop)
        jm_report_drill(sp->r, sp->from_stage, JM_DRILL_DROPPED, sp->only);
    for (size_t u = 0; pu && pu->only && u < nu; u++)
        sp->only[u] &= pu->only[u] != 0;
    return JM_OK;
}

static jm_status spec_init(struct spec *sp, const struct jm_report *r,
                           const struct jm_paths_opts *o, const struct jm__paths_units *pu,
                           struct jm_error *err)
{
    memset(sp, 0, sizeof(*sp));
    sp->r = r;
    sp->tl = r->tl;
    sp->o = o;
    sp->s = jm_dataset_store(r->tl->ds);
    sp->col = jm_store_columns(sp->s);
    sp->goal = r->tl->journey->settings.goal;
    if (o->max_steps < 2)
        return jm_error_set(err, JM_EINVAL, "max_steps must be at least 2");
    if (o->mode == JM_PATHS_AFTER_DROP && o->from_kind != JM_ANCHOR_STAGE)
        return jm_error_set(err, JM_EINVAL, "paths after a drop start at a stage");
    if ((unsigned)o->step >= JM_DIM__COUNT)
        return jm_error_set(err, JM_EINVAL, "unknown step dimension");
    if (anchor_of(sp, o->from_kind, o->from, &sp->from_stage, &sp->from_tp, err) ||
        (o->mode == JM_PATHS_BETWEEN &&
         anchor_of(sp, o->to_kind, o->to, &sp->to_stage, &sp->to_tp, err)))
        return JM_EINVAL;
    jm__dim_init(&sp->dim, sp->s, o->step);
    if (pu && pu->from_at) {
        sp->from_at = pu->from_at;
        sp->to_at = pu->to_at;
    }
    if (jm__exclude_map(sp->s, o->exclude, o->n_exclude, &sp->excl) || units_allowed(sp, pu))
        return jm_error_set(err, JM_ENOMEM, "out of memory computing paths");
    return JM_OK;
}

/* Every step -> next step of every unit, the parts' lists put together. */
static jm_status all_gaps(struct jm_paths *res, const struct part *parts, unsigned n_parts)
{
    size_t n = 0;
    for (unsigned i = 0; i < n_parts; i++)
        n += parts[i].gaps.n;
    double *all = jm_malloc((n + 1) * sizeof(double));
    if (!all)
        return JM_ENOMEM;
    n = 0;
    for (unsigned i = 0; i < n_parts; i++) {
        if (parts[i].gaps.n)
            memcpy(all + n, parts[i].gaps.v, parts[i].gaps.n * sizeof(double));
        n += parts[i].gaps.n;
    }
    jm_dist_of(all, n, &res->gap_days);
    jm_free(all);
    return JM_OK;
}

static jm_status build(const struct spec *sp, struct jm_paths *res, struct part *parts,
                       unsigned n_parts)
{
    struct merged m = {.map = JM_STRMAP_INIT};
    struct tallies t = {0};
    size_t n_listed = 0;
    jm_status rc = scan_all(sp, parts, n_parts);
    for (unsigned i = 0; !rc && i < n_parts; i++)
        res->units += parts[i].n_up;
    if (!rc)
        rc = merge_and_rank(&m, parts, n_parts, sp, &n_listed);
    if (!rc)
        rc = tally(&t, &m, parts, n_parts, n_listed, sp->o->max_steps - 1, res->units);
    if (!rc)
        rc = fill_result(res, &m, &t, n_listed);
    if (!rc)
        rc = all_gaps(res, parts, n_parts);
    tallies_release(&t, sp->o->max_steps - 1);
    merged_release(&m);
    return rc;
}

jm_status jm__paths_compute(const struct jm_report *r, const struct jm_paths_opts *o,
                            const struct jm__paths_units *pu, struct jm_paths **out,
                            struct jm_error *err)
{
    *out = NULL;
    struct spec sp;
    struct part parts[64];
    unsigned n_parts = 0;
    struct jm_paths *res = NULL;
    jm_status rc = spec_init(&sp, r, o, pu, err);
    if (rc)
        goto out;
    n_parts = jm__seq_parts(sp.s, o->threads);
    n_parts = n_parts < 1 ? 1 : n_parts > 64 ? 64 : n_parts;
    memset(parts, 0, n_parts * sizeof(parts[0]));
    for (unsigned i = 0; i < n_parts; i++)
        jm__strmap_init(&parts[i].map);
    res = jm_calloc(1, sizeof(*res));
    rc = res ? JM_OK : JM_ENOMEM;
    if (!rc) {
        jm_arena_init(&res->arena);
        res->opts = *o;
        rc = build(&sp, res, parts, n_parts);
    }
    if (rc == JM_ENOMEM)
        jm_error_set(err, rc, "out of memory computing paths");
out:
    for (unsigned i = 0; i < n_parts; i++)
        part_release(&parts[i]);
    jm_free(sp.excl);
    jm_free(sp.only);
    if (rc)
        jm_paths_free(res);
    else
        *out = res;
    return rc;
}

jm_status jm_paths_compute(const struct jm_report *r, const struct jm_paths_opts *o,
                           struct jm_paths **out, struct jm_error *err)
{
    return jm__paths_compute(r, o, NULL, out, err);
}

void jm_paths_free(struct jm_paths *p)
{
    if (!p)
        return;
    jm_arena_release(&p->arena);
    jm_free(p);
}
