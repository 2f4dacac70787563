/*
 * The ordered step funnel with a window (jm_sequence_funnel_compute), ClickHouse windowFunnel
 * semantics.
 *
 * The greedy scan (ClickHouse 18.16's getEventLevel, kept exact): going through an entity's
 * step events in time order, st[k] is the latest start time of a valid chain that reached step
 * k so far. A step-1 event at t sets st[1] = t; a step-k event at t extends the best chain
 * that reached step k - 1 when t - st[k - 1] <= window, so st[k] = st[k - 1]. Keeping only the
 * latest start is enough: a later start can only make later steps fit the window more easily.
 * An event matching several steps tries them from the highest down, so it never extends a
 * chain with itself. The level is the largest k with st[k] set.
 *
 * Equal times. ClickHouse 18.16 stable-sorts the events by time only, so for a step-k and a
 * step-(k + 1) event at the same second the result depends on the order its threads read the
 * rows in: the chain forms only when the step-k row came first. We take the definition
 * (t1 <= t2 <= ... <= tk, distinct events) literally instead, so tied events may chain in any
 * order, and the answer does not depend on row order. That is what ClickHouse returns whenever
 * it reads tied rows in step order, and the peers' data has no ties at all (times strictly
 * increase within an account), so their result sets are unaffected. A group of events at one
 * time is applied at once (tie_group): steps j..k can all be filled from the group when, for
 * every touchpoint, the group has as many events of it as steps j..k name it.
 *
 * Speed. Most entities are settled without reading a time: without a step-2 event the level
 * is 1 (a step-1 event) or 0, so a first pass over an entity's touchpoint ids alone (8 at a
 * time against each step's id, when there are at most four step touchpoints; else a table
 * lookup per event) decides it (quick_level). Only entities with a step-2 event, rare in a
 * funnel that narrows, take a slow path:
 *   - distinct step names (level_hi): the chains reaching step k end at step-k events e,
 *     each with the latest start among the step-(k - 1) chains ending at or before e, kept
 *     when e lies within the window of that start. Step 2's predecessor is the latest step-1
 *     event at or before e: looked up backwards in a contact run (it is in time order), or by
 *     one pass over an account slice (it is in (contact, time) order). Later steps compare
 *     the few chain ends pairwise. No sort.
 *   - otherwise, or when those lists grow long: the entity's step events are gathered,
 *     merge-sorted (an account slice is a few sorted contact runs) and given to the greedy
 *     scan.
 * All paths give the same answer; tests/unit/analytics/test_sequence.c checks each against
 * brute force.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analytics/sequence_internal.h"
#include "base/banned.h"

#define NONE     INT64_MIN
#define MAXK     JM_SEQUENCE_MAX_STEPS
#define NO_LIMIT UINT64_MAX

/*
 * What a touchpoint is, for quick_level(): any step, step 1, step 2 (in a funnel of 2 steps or
 * more), any step after the first.
 */
#define F_STEP     1u
#define F_STEP1    2u
#define F_STEP2    4u
#define F_HI_SHIFT 3
#define F_HI       (1u << F_HI_SHIFT)

/* One step event: its time, its class (which step names it matches) and its contact. */
struct fev {
    int64_t t;
    uint32_t cls;
    uint32_t con;
};

/* A chain end for the distinct-names path: the event's time and the chain's start. */
struct link {
    int64_t t, start;
};

struct plan {
    unsigned k;        /* steps */
    uint64_t window;   /* NO_LIMIT when none */
    bool distinct;     /* no step name repeats: a class is one step */
    uint8_t *cls_of;   /* touchpoint index -> class, 0 = not a step */
    uint8_t *flags_of; /* touchpoint index -> F_* */
    unsigned n_keys;   /* 0, or the classes' touchpoints in keys (at most 4) */
    uint16_t keys[4];
    uint8_t key_flags[16];      /* bits of the keys seen -> F_* */
    uint32_t mask[MAXK + 1];    /* class -> its steps, bit k - 1 for step k */
    uint8_t step_cls[MAXK + 1]; /* step k -> class, 0 = a name the store lacks */
    uint8_t cls_step[MAXK + 1]; /* class -> step, when distinct */
    uint16_t step_tp[MAXK + 1]; /* step k -> its touchpoint, 0 = unknown */
};

static bool fits(const struct plan *p, int64_t t, int64_t start)
{
    /* t >= start always; unsigned subtraction is exact over the whole int64 range. */
    return (uint64_t)t - (uint64_t)start <= p->window;
}

/* ---------------------------------------------------------------- the greedy scan */

/* Applies the events ev[0..n) (n >= 2, all at one time) to st at once; see the header. */
static void tie_group(const struct plan *p, const struct fev *ev, size_t n, int64_t *st)
{
    uint32_t cnt[MAXK + 1] = {0}, any = 0;
    int64_t old[MAXK + 1];
    int64_t t = ev[0].t;
    for (size_t i = 0; i < n; i++) {
        cnt[ev[i].cls]++;
        any |= p->mask[ev[i].cls];
    }
    memcpy(old, st, (p->k + 1) * sizeof(*old));
    for (unsigned k = 1; k <= p->k; k++) {
        if (!(any & (UINT32_C(1) << (k - 1))))
            continue;
        uint32_t used[MAXK + 1] = {0};
        unsigned j = k;
        while (j >= 1) {
            unsigned c = p->step_cls[j];
            if (!c || used[c] >= cnt[c])
                break;
            used[c]++;
            j--;
        }
        /* Steps j + 1 .. k come from the group; step j from an older chain, or none. */
        if (j == 0)
            st[k] = t;
        else if (old[j] != NONE && fits(p, t, old[j]))
            st[k] = old[j];
    }
}

/* The level of the step events ev[0..n), in time order. */
static unsigned level_sorted(const struct plan *p, const struct fev *ev, size_t n)
{
    int64_t st[MAXK + 1];
    unsigned K = p->k;
    for (unsigned k = 0; k <= K; k++)
        st[k] = NONE;
    for (size_t i = 0; i < n;) {
        int64_t t = ev[i].t;
        if (i + 1 < n && ev[i + 1].t == t) {
            size_t j = i + 2;
            while (j < n && ev[j].t == t)
                j++;
            tie_group(p, ev + i, j - i, st);
            i = j;
        } else {
            uint32_t m = p->mask[ev[i].cls];
            while (m) {
                unsigned b = 31u - (unsigned)__builtin_clz(m);
                m &= ~(UINT32_C(1) << b);
                if (b == 0)
                    st[1] = t;
                else if (st[b] != NONE && fits(p, t, st[b]))
                    st[b + 1] = st[b];
            }
            i++;
        }
        if (st[K] != NONE)
            return K;
    }
    unsigned k = K;
    while (k > 0 && st[k] == NONE)
        k--;
    return k;
}

/* Stable merge sort of ev[0..n) by time, merging the natural runs; `tmp` holds n. */
static void sort_by_time(struct fev *ev, size_t n, struct fev *tmp)
{
    struct fev *src = ev, *dst = tmp;
    for (;;) {
        size_t runs = 0, i = 0;
        while (i < n) {
            size_t m = i + 1;
            while (m < n && src[m - 1].t <= src[m].t)
                m++;
            size_t e = m;
            if (e < n) {
                e++;
                while (e < n && src[e - 1].t <= src[e].t)
                    e++;
            }
            size_t a = i, b = m, k = i;
            while (a < m && b < e)
                dst[k++] = src[b].t < src[a].t ? src[b++] : src[a++];
            while (a < m)
                dst[k++] = src[a++];
            while (b < e)
                dst[k++] = src[b++];
            runs++;
            i = e;
        }
        struct fev *x = src;
        src = dst;
        dst = x;
        if (runs <= 1)
            break;
    }
    if (src != ev)
        memcpy(ev, src, n * sizeof(*ev));
}

/* ---------------------------------------------------------------- the quick answer */

/*
 * The level an entity must have given only the or-ed flags of its events, or -2 when they do
 * not decide it, -1 when it has no step event. Without a step-2 event the level is 1 or 0:
 * whether it has a step-1 event. Step 2 is rare in a funnel that narrows, so most entities
 * are settled by a scan of touchpoint ids alone, never reading their times.
 */
static int quick_level(unsigned flags)
{
    if (!(flags & F_STEP))
        return -1;
    if (flags & F_STEP2)
        return -2;
    return (flags & F_STEP1) ? 1 : 0;
}

/*
 * The or-ed flags of the events [b, e). With at most four step touchpoints, compares 8 ids at a
 * time with each of them instead of looking every id up.
 */
static unsigned entity_flags(const struct plan *p, const struct jm_store_columns *c, size_t b,
                             size_t e)
{
    if (p->n_keys)
        return p->key_flags[jm__seq_any4_u16(c->touchpoint, b, e, c->n, p->keys)];
    const uint8_t *fl = p->flags_of;
    const uint16_t *tp = c->touchpoint;
    unsigned f0 = 0, f1 = 0;
    size_t i = b;
    for (; i + 2 <= e; i += 2) {
        f0 |= fl[tp[i]];
        f1 |= fl[tp[i + 1]];
    }
    if (i < e)
        f0 |= fl[tp[i]];
    return f0 | f1;
}

/*
 * The positions of the events of [b, e) matching a step after the first, in hi; how many.
 * Names are distinct: each later step is one touchpoint, found 16 ids at a time.
 */
static size_t later_steps(const struct plan *p, const uint16_t *tp, size_t b, size_t e,
                          uint32_t *hi)
{
    size_t m = 0;
    for (unsigned k = 2; k <= p->k; k++) {
        uint16_t key = p->step_tp[k];
        if (!key)
            continue;
        for (size_t i = b; i < e; i++) {
            i += jm__seq_find_u16(tp + i, e - i, key);
            if (i < e)
                hi[m++] = (uint32_t)i;
        }
    }
    return m;
}

/* ---------------------------------------------------------------- distinct names, no sort */

/*
 * The latest step-1 event at or before the step-2 event at q among [b, e), or NONE. `sorted`:
 * [b, e) is in time order, so look back from q, and forward over events tied with q.
 */
static int64_t latest_first(const struct plan *p, const struct jm_store_columns *c, size_t b,
                            size_t e, size_t q, bool sorted)
{
    const uint16_t *tp = c->touchpoint, k1 = p->step_tp[1];
    const int64_t *t = c->time_us, te = t[q];
    if (sorted) {
        for (size_t i = q + 1; i < e && t[i] == te; i++)
            if (tp[i] == k1)
                return te;
        for (size_t i = q; i-- > b;)
            if (tp[i] == k1)
                return t[i];
        return NONE;
    }
    int64_t best = NONE;
    for (size_t i = b; i < e; i++) {
        /* Masks, not &&: a step-1 event is a coin toss for the branch predictor. */
        int64_t m = -(int64_t)(tp[i] == k1) & -(int64_t)(t[i] <= te);
        int64_t v = (t[i] & m) | (NONE & ~m);
        best = v > best ? v : best;
    }
    return best;
}

/*
 * The level of the entity [b, e) (events in any order), which has step-1 and step-2 events,
 * when step names are distinct; `hi` holds the positions of its events of steps 2.. . -1 when
 * the lists are too long for pairwise comparison (the caller sorts instead). `a` and `bl` hold
 * nh links each.
 *
 * A chain reaching step k ends at a step-k event e; its best start is the latest start among
 * the chains reaching step k - 1 at an event at or before e (distinct names: never e itself),
 * and it counts when e is within the window of that start. For step 2 that is the latest
 * step-1 event at or before e, found by one pass over the entity.
 */
static int level_hi(const struct plan *p, const struct jm_store_columns *c, size_t b, size_t e,
                    bool sorted, const uint32_t *hi, size_t nh, struct link *a, struct link *bl)
{
    unsigned c2 = p->step_cls[2];
    size_t n2 = 0, nl = 0;
    for (size_t j = 0; j < nh; j++)
        n2 += p->cls_of[c->touchpoint[hi[j]]] == c2;
    if (n2 > 4)
        return -1;
    for (size_t j = 0; j < nh; j++) {
        if (p->cls_of[c->touchpoint[hi[j]]] != c2)
            continue;
        int64_t te = c->time_us[hi[j]], best = latest_first(p, c, b, e, hi[j], sorted);
        if (best != NONE && fits(p, te, best))
            a[nl++] = (struct link){te, best};
    }
    if (nl == 0)
        return 1;
    unsigned level = 2;
    for (unsigned k = 3; k <= p->k; k++) {
        unsigned ck = p->step_cls[k];
        size_t nk = 0, m = 0;
        for (size_t j = 0; j < nh; j++)
            nk += ck && p->cls_of[c->touchpoint[hi[j]]] == ck;
        if (nk == 0)
            break;
        if (nl * nk > 64 + 8 * (nl + nk))
            return -1;
        for (size_t j = 0; j < nh; j++) {
            if (p->cls_of[c->touchpoint[hi[j]]] != ck)
                continue;
            int64_t te = c->time_us[hi[j]], best = NONE;
            for (size_t i = 0; i < nl; i++)
                if (a[i].t <= te && a[i].start > best)
                    best = a[i].start;
            if (best != NONE && fits(p, te, best))
                bl[m++] = (struct link){te, best};
        }
        if (m == 0)
            break;
        level = k;
        struct link *x = a;
        a = bl;
        bl = x;
        nl = m;
    }
    return (int)level;
}

/* ---------------------------------------------------------------- gathering step events */

/* Step events of [b, e) with a contact, and the contact runs passed (added to *runs). */
static size_t gather_contacts(const struct plan *p, const struct jm_store_columns *c, size_t b,
                              size_t e, struct fev *ev, uint64_t *runs)
{
    const uint8_t *cls_of = p->cls_of;
    size_t m = 0;
    uint64_t r = 0;
    uint32_t prev = 0;
    for (size_t i = b; i < e; i++) {
        uint32_t k = cls_of[c->touchpoint[i]], con = c->contact[i];
        ev[m] = (struct fev){c->time_us[i], k, con};
        m += (k != 0) & (con != 0);
        r += (con != prev) & (con != 0);
        prev = con;
    }
    *runs += r;
    return m;
}

/* Step events of the events at `pos[0..n)`, in that order. */
static size_t gather_pos(const struct plan *p, const struct jm_store_columns *c,
                         const uint32_t *pos, size_t n, struct fev *ev)
{
    size_t m = 0;
    for (size_t k = 0; k < n; k++) {
        uint32_t i = pos[k], cls = p->cls_of[c->touchpoint[i]];
        ev[m] = (struct fev){c->time_us[i], cls, c->contact[i]};
        m += cls != 0;
    }
    return m;
}

/* ---------------------------------------------------------------- parts */

struct part {
    uint64_t by_level[MAXK + 1];
    uint64_t entities, runs;
};

struct job {
    const struct jm_store *s;
    const struct plan *plan;
    struct part *parts;
};

/* Buffers of one part, sized for its largest slice: nothing is allocated per event. */
/* An entity left for the slow path: its events [b, e) and their or-ed flags. */
struct pending {
    uint32_t b, e;
    unsigned seen;
};

struct scratch {
    struct fev *ev, *tmp;
    uint32_t *hi;
    struct link *a, *b;
    struct pending *pend;
    size_t n_pend, cap_pend;
};

static void scratch_release(struct scratch *x)
{
    jm_free(x->pend);
    jm_free(x->ev);
    jm_free(x->tmp);
    jm_free(x->hi);
    jm_free(x->a);
    jm_free(x->b);
}

static jm_status scratch_init(struct scratch *x, size_t n)
{
    n++; /* the gathers write one entry past the last one kept */
    x->ev = jm_malloc(n * sizeof(*x->ev));
    x->tmp = jm_malloc(n * sizeof(*x->tmp));
    x->hi = jm_malloc(n * sizeof(*x->hi));
    x->a = jm_malloc(n * sizeof(*x->a));
    x->b = jm_malloc(n * sizeof(*x->b));
    if (!x->ev || !x->tmp || !x->hi || !x->a || !x->b) {
        scratch_release(x);
        memset(x, 0, sizeof(*x));
        return JM_ENOMEM;
    }
    return JM_OK;
}

/*
 * The level of the entity [b, e) whose flags `seen` were not enough (quick_level() == -2).
 * `sorted`: [b, e) is in time order (one contact run); otherwise its step events are sorted
 * first.
 */
static unsigned level_slow(const struct plan *p, const struct jm_store_columns *c, size_t b,
                           size_t e, unsigned seen, bool sorted, struct scratch *x)
{
    if (!(seen & F_STEP1))
        return 0;
    if (p->distinct) {
        size_t nh = later_steps(p, c->touchpoint, b, e, x->hi);
        int lv = level_hi(p, c, b, e, sorted, x->hi, nh, x->a, x->b);
        if (lv >= 0)
            return (unsigned)lv;
    }
    const uint8_t *cls_of = p->cls_of;
    size_t m = 0;
    for (size_t i = b; i < e; i++) {
        uint32_t k = cls_of[c->touchpoint[i]];
        x->ev[m] = (struct fev){c->time_us[i], k, 0};
        m += k != 0;
    }
    if (!sorted)
        sort_by_time(x->ev, m, x->tmp);
    return level_sorted(p, x->ev, m);
}

/* Leaves the entity [b, e) for finish_pending(); JM_ENOMEM when the list cannot grow. */
static jm_status defer(struct scratch *x, size_t b, size_t e, unsigned seen)
{
    if (jm_grow((void **)&x->pend, &x->cap_pend, x->n_pend + 1, sizeof(*x->pend)))
        return JM_ENOMEM;
    x->pend[x->n_pend++] = (struct pending){(uint32_t)b, (uint32_t)e, seen};
    return JM_OK;
}

/*
 * Takes the slow path for the entities a part deferred. Their times were never read, and the
 * entities are scattered over the part, so each one's first time is a full memory latency (a
 * TLB miss too) unless asked for early: fetch two entities ahead.
 */
static void finish_pending(const struct plan *p, const struct jm_store_columns *c, bool sorted,
                           struct scratch *x, struct part *out)
{
    for (size_t k = 0; k < x->n_pend; k++) {
        if (k + 2 < x->n_pend) {
            const struct pending *q = &x->pend[k + 2];
            jm__seq_prefetch(c->time_us + q->b, (q->e - q->b) * sizeof(*c->time_us));
            jm__seq_prefetch(c->touchpoint + q->b, (q->e - q->b) * sizeof(*c->touchpoint));
        }
        const struct pending *q = &x->pend[k];
        out->by_level[level_slow(p, c, q->b, q->e, q->seen, sorted, x)]++;
        out->entities++;
    }
    x->n_pend = 0;
}

static jm_status run_accounts(void *ctx, unsigned part, size_t a_begin, size_t a_end)
{
    struct job *job = ctx;
    const struct plan *p = job->plan;
    const struct jm_store_columns *c = jm_store_columns(job->s);
    struct part *out = &job->parts[part];
    struct scratch x = {0};
    jm_status rc = scratch_init(&x, jm__seq_max_slice(job->s, a_begin, a_end));
    for (size_t a = a_begin; a < a_end && !rc; a++) {
        size_t b = c->account_start[a], e = c->account_start[a + 1];
        unsigned seen = entity_flags(p, c, b, e);
        int lv = quick_level(seen);
        if (lv == -2) {
            rc = defer(&x, b, e, seen);
        } else if (lv >= 0) {
            out->by_level[lv]++;
            out->entities++;
        }
    }
    if (!rc)
        finish_pending(p, c, false, &x, out);
    scratch_release(&x);
    return rc;
}

/* The contact runs of the slice [b, e): each is one contact's events in time order. */
static jm_status contact_slice(const struct plan *p, const struct jm_store_columns *c, size_t b,
                               size_t e, struct part *out, struct scratch *x)
{
    size_t i = b;
    while (i < e) {
        size_t j = jm__seq_run_end(c->contact, i, e, c->n);
        if (c->contact[i]) {
            out->runs++;
            unsigned seen = entity_flags(p, c, i, j);
            int lv = quick_level(seen);
            if (lv == -2) {
                if (defer(x, i, j, seen))
                    return JM_ENOMEM;
            } else if (lv >= 0) {
                out->by_level[lv]++;
                out->entities++;
            }
        }
        i = j;
    }
    return JM_OK;
}

static jm_status run_contacts(void *ctx, unsigned part, size_t a_begin, size_t a_end)
{
    struct job *job = ctx;
    const struct jm_store_columns *c = jm_store_columns(job->s);
    struct part *out = &job->parts[part];
    struct scratch x = {0};
    jm_status rc = scratch_init(&x, jm__seq_max_slice(job->s, a_begin, a_end));
    for (size_t a = a_begin; a < a_end && !rc; a++)
        rc = contact_slice(job->plan, c, c->account_start[a], c->account_start[a + 1], out, &x);
    if (!rc)
        finish_pending(job->plan, c, true, &x, out);
    scratch_release(&x);
    return rc;
}

/*
 * Recounts the contacts with several runs: each run was counted as a contact of its own, so
 * take those back and count the runs merged by time instead.
 */
static jm_status fix_split(const struct jm_store *s, const struct plan *p,
                           struct jm_sequence_funnel *f)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    struct jm__seq_split sp = {0};
    jm_status rc = jm__seq_split_find(s, &sp);
    if (rc)
        return rc;
    struct fev *ev = jm_malloc((sp.n_events + 1) * sizeof(*ev));
    uint32_t *pos = jm_malloc((sp.n_events + 1) * sizeof(*pos));
    rc = JM_ENOMEM;
    if (!ev || !pos)
        goto out;
    for (size_t i = 0; i < sp.n; i++) {
        for (size_t r = sp.first[i]; r < sp.first[i + 1]; r++) {
            uint64_t runs = 0;
            size_t m = gather_contacts(p, c, sp.runs[r].begin, sp.runs[r].end, ev, &runs);
            if (m) {
                f->by_level[level_sorted(p, ev, m)]--;
                f->entities--;
            }
        }
        size_t n = jm__seq_split_merge(s, &sp, i, pos);
        size_t m = gather_pos(p, c, pos, n, ev);
        if (m) {
            f->by_level[level_sorted(p, ev, m)]++;
            f->entities++;
        }
    }
    rc = JM_OK;
out:
    jm_free(ev);
    jm_free(pos);
    jm__seq_split_release(&sp);
    return rc;
}

/* ---------------------------------------------------------------- the entry point */

static jm_status plan_init(struct plan *p, const struct jm_store *s,
                           const struct jm_sequence_funnel_opts *o, struct jm_error *err)
{
    memset(p, 0, sizeof(*p));
    if (!o || !o->steps || o->n_steps < 1 || o->n_steps > MAXK)
        return jm_error_set(err, JM_EINVAL, "a funnel needs 1 to %d steps", MAXK);
    if (o->window_us < 0)
        return jm_error_set(err, JM_EINVAL, "negative funnel window %lld", (long long)o->window_us);
    for (size_t k = 0; k < o->n_steps; k++)
        if (!o->steps[k])
            return jm_error_set(err, JM_EINVAL, "funnel step %zu has no touchpoint", k + 1);
    size_t n_tp = jm_store_dict_size(s, JM_STORE_TOUCHPOINT);
    p->cls_of = jm_calloc(n_tp + 1, 1);
    if (!p->cls_of)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    p->k = (unsigned)o->n_steps;
    p->window = o->window_us ? (uint64_t)o->window_us : NO_LIMIT;
    unsigned n_cls = 0;
    for (unsigned k = 1; k <= p->k; k++) {
        uint16_t tp = jm__seq_touchpoint(s, o->steps[k - 1]);
        if (!tp)
            continue;
        if (!p->cls_of[tp])
            p->cls_of[tp] = (uint8_t)++n_cls;
        unsigned c = p->cls_of[tp];
        p->step_cls[k] = (uint8_t)c;
        p->step_tp[k] = tp;
        p->mask[c] |= UINT32_C(1) << (k - 1);
        p->cls_step[c] = (uint8_t)k;
    }
    p->distinct = true;
    for (unsigned c = 1; c <= n_cls; c++)
        if (__builtin_popcount(p->mask[c]) != 1)
            p->distinct = false;
    if (n_cls <= 4) {
        p->n_keys = n_cls;
        for (unsigned k = 0; k < 4; k++) {
            /* Unused keys repeat the first: their bit is never read. */
            unsigned cls = k < n_cls ? k + 1 : 1;
            for (size_t tp = 0; tp < n_tp; tp++)
                if (p->cls_of[tp] == cls)
                    p->keys[k] = (uint16_t)tp;
        }
    }
    p->flags_of = jm_calloc(n_tp + 1, 1);
    if (!p->flags_of)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    for (size_t tp = 0; tp <= n_tp; tp++) {
        uint32_t m = p->mask[p->cls_of[tp]];
        p->flags_of[tp] = (uint8_t)((m ? F_STEP : 0) | (m & 1 ? F_STEP1 : 0) |
                                    (p->k >= 2 && (m & 2) ? F_STEP2 : 0) | (m > 1 ? F_HI : 0));
    }
    for (unsigned bits = 0; bits < 16; bits++)
        for (unsigned k = 0; k < p->n_keys; k++)
            if (bits >> k & 1)
                p->key_flags[bits] |= p->flags_of[p->keys[k]];
    return JM_OK;
}

jm_status jm_sequence_funnel_compute(const struct jm_store *s,
                                     const struct jm_sequence_funnel_opts *opts,
                                     struct jm_sequence_funnel **out, struct jm_error *err)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    struct plan p;
    struct part *parts = NULL;
    struct jm_sequence_funnel *f = NULL;
    *out = NULL;
    jm_status rc = plan_init(&p, s, opts, err);
    if (rc)
        goto out;
    bool contacts = opts->entity == JM_SEQUENCE_CONTACT;
    unsigned n_parts = jm__seq_parts(s, opts->threads);
    parts = jm_calloc(n_parts, sizeof(*parts));
    f = jm_calloc(1, sizeof(*f));
    rc = JM_ENOMEM;
    if (!parts || !f)
        goto out;
    struct job job = {s, &p, parts};
    rc = jm__seq_run(s, n_parts, c->n_accounts + contacts, contacts ? run_contacts : run_accounts,
                     &job);
    if (rc)
        goto out;
    uint64_t runs = 0;
    for (unsigned i = 0; i < n_parts; i++) {
        for (unsigned k = 0; k <= p.k; k++)
            f->by_level[k] += parts[i].by_level[k];
        f->entities += parts[i].entities;
        runs += parts[i].runs;
    }
    f->n_steps = p.k;
    if (contacts && runs > jm_store_contacts(s))
        rc = fix_split(s, &p, f);
out:
    if (rc == JM_ENOMEM)
        jm_error_set(err, rc, "out of memory computing a funnel");
    if (rc) {
        jm_free(f);
        f = NULL;
    }
    jm_free(parts);
    jm_free(p.cls_of);
    jm_free(p.flags_of);
    *out = f;
    return rc;
}

void jm_sequence_funnel_free(struct jm_sequence_funnel *f)
{
    jm_free(f);
}
