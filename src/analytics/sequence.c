/*
 * Shared machinery of the sequence analyses (include/journeymap/sequence.h): account-range
 * parts on threads, a 16-wide id search, quantiles, and the contacts split over several account
 * slices (see sequence_internal.h for the picture).
 *
 * Threads: a part is a range of whole account slices cut so the parts hold about the same
 * number of events; each part writes only its own partial result, merged by the caller after
 * all parts joined, so the fast paths take no lock and share no cache line. Starting a thread
 * costs tens of microseconds, so by default a part gets at least JM__SEQ_PART_EVENTS events;
 * an explicit thread count is taken as asked (tests use it to cut tiny stores into parts).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#if defined(__SSE2__)
#    include <emmintrin.h>
#endif

#include "analytics/sequence_internal.h"
#include "base/banned.h"

#define JM__SEQ_PART_EVENTS (size_t)32768
#define JM__SEQ_MAX_PARTS   64u

/* ---------------------------------------------------------------- parts and threads */

unsigned jm__seq_parts(const struct jm_store *s, unsigned threads)
{
    if (threads == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        size_t by_size = jm_store_events(s) / JM__SEQ_PART_EVENTS;
        threads = cpus > 1 ? (unsigned)(cpus < JM__SEQ_MAX_PARTS ? cpus : JM__SEQ_MAX_PARTS) : 1u;
        if (by_size < threads)
            threads = by_size > 1 ? (unsigned)by_size : 1u;
    }
    return threads < JM__SEQ_MAX_PARTS ? threads : JM__SEQ_MAX_PARTS;
}

struct task {
    jm__seq_part_fn fn;
    void *ctx;
    unsigned part;
    size_t a_begin, a_end;
    jm_status rc;
    pthread_t thread;
    bool started;
};

static void *task_main(void *arg)
{
    struct task *t = arg;
    t->rc = t->fn(t->ctx, t->part, t->a_begin, t->a_end);
    return NULL;
}

/* The first slice g in [lo, hi] whose start is at or past event `target`. */
static size_t slice_at(const uint32_t *start, size_t lo, size_t hi, size_t target)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (start[mid] < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

jm_status jm__seq_run(const struct jm_store *s, unsigned parts, size_t n_groups, jm__seq_part_fn fn,
                      void *ctx)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    struct task tasks[JM__SEQ_MAX_PARTS];
    if (parts < 1)
        parts = 1;
    if (parts > JM__SEQ_MAX_PARTS)
        parts = JM__SEQ_MAX_PARTS;
    size_t total = c->account_start[n_groups];
    size_t a = 0;
    for (unsigned p = 0; p < parts; p++) {
        size_t b = p + 1 == parts
                       ? n_groups
                       : slice_at(c->account_start, a, n_groups, total * (p + 1) / parts);
        memset(&tasks[p], 0, sizeof(tasks[p]));
        tasks[p].fn = fn;
        tasks[p].ctx = ctx;
        tasks[p].part = p;
        tasks[p].a_begin = a;
        tasks[p].a_end = b;
        a = b;
    }
    /* A thread that cannot be started runs on this one afterwards: slower, same result. */
    for (unsigned p = 1; p < parts; p++)
        tasks[p].started = pthread_create(&tasks[p].thread, NULL, task_main, &tasks[p]) == 0;
    task_main(&tasks[0]);
    jm_status rc = tasks[0].rc;
    for (unsigned p = 1; p < parts; p++) {
        if (tasks[p].started)
            pthread_join(tasks[p].thread, NULL);
        else
            task_main(&tasks[p]);
        if (!rc)
            rc = tasks[p].rc;
    }
    return rc;
}

size_t jm__seq_max_slice(const struct jm_store *s, size_t a_begin, size_t a_end)
{
    const uint32_t *start = jm_store_columns(s)->account_start;
    size_t max = 0;
    for (size_t a = a_begin; a < a_end; a++)
        if (start[a + 1] - start[a] > max)
            max = start[a + 1] - start[a];
    return max;
}

/* ---------------------------------------------------------------- scanning */

#if defined(__SSE2__)
static __m128i load128(const void *p)
{
    return _mm_loadu_si128((const __m128i *)p);
}
#endif

/*
 * 16 ids per step with SSE2 (every x86-64 has it): two compares, one movemask. Elsewhere a
 * plain loop, which compilers vectorise less well but which is correct everywhere.
 */
size_t jm__seq_find_u16(const uint16_t *a, size_t n, uint16_t v)
{
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i key = _mm_set1_epi16((short)v);
    for (; i + 16 <= n; i += 16) {
        __m128i x0 = load128(a + i), x1 = load128(a + i + 8);
        __m128i eq = _mm_or_si128(_mm_cmpeq_epi16(x0, key), _mm_cmpeq_epi16(x1, key));
        if (_mm_movemask_epi8(eq))
            break;
    }
#endif
    for (; i < n; i++)
        if (a[i] == v)
            return i;
    return n;
}

unsigned jm__seq_any4_u16(const uint16_t *a, size_t b, size_t e, size_t n_all,
                          const uint16_t keys[4])
{
    unsigned bits = 0;
    size_t i = b;
#if defined(__SSE2__)
    const __m128i k0 = _mm_set1_epi16((short)keys[0]), k1 = _mm_set1_epi16((short)keys[1]);
    const __m128i k2 = _mm_set1_epi16((short)keys[2]), k3 = _mm_set1_epi16((short)keys[3]);
    __m128i a0 = _mm_setzero_si128(), a1 = a0, a2 = a0, a3 = a0;
    for (; i + 8 <= e; i += 8) {
        __m128i x = load128(a + i);
        a0 = _mm_or_si128(a0, _mm_cmpeq_epi16(x, k0));
        a1 = _mm_or_si128(a1, _mm_cmpeq_epi16(x, k1));
        a2 = _mm_or_si128(a2, _mm_cmpeq_epi16(x, k2));
        a3 = _mm_or_si128(a3, _mm_cmpeq_epi16(x, k3));
    }
    if (i < e && i + 8 <= n_all) {
        /* The last few ids: read a whole block and keep the lanes before e. */
        const __m128i lane = _mm_set_epi16(7, 6, 5, 4, 3, 2, 1, 0);
        __m128i keep = _mm_cmpgt_epi16(_mm_set1_epi16((short)(e - i)), lane);
        __m128i x = load128(a + i);
        a0 = _mm_or_si128(a0, _mm_and_si128(keep, _mm_cmpeq_epi16(x, k0)));
        a1 = _mm_or_si128(a1, _mm_and_si128(keep, _mm_cmpeq_epi16(x, k1)));
        a2 = _mm_or_si128(a2, _mm_and_si128(keep, _mm_cmpeq_epi16(x, k2)));
        a3 = _mm_or_si128(a3, _mm_and_si128(keep, _mm_cmpeq_epi16(x, k3)));
        i = e;
    }
    bits = (unsigned)(_mm_movemask_epi8(a0) != 0) | (unsigned)(_mm_movemask_epi8(a1) != 0) << 1 |
           (unsigned)(_mm_movemask_epi8(a2) != 0) << 2 |
           (unsigned)(_mm_movemask_epi8(a3) != 0) << 3;
#else
    (void)n_all;
#endif
    for (; i < e; i++)
        for (unsigned k = 0; k < 4; k++)
            bits |= (unsigned)(a[i] == keys[k]) << k;
    return bits;
}

size_t jm__seq_run_end(const uint32_t *a, size_t b, size_t e, size_t n_all)
{
    uint32_t v = a[b];
    size_t i = b + 1;
#if defined(__SSE2__)
    const __m128i key = _mm_set1_epi32((int)v);
    /* Blocks may run past e (not past n_all): a mismatch there is clamped to e. */
    const __m128i ones = _mm_set1_epi32(-1);
    for (; i < e && i + 8 <= n_all; i += 8) {
        __m128i ne0 = _mm_xor_si128(_mm_cmpeq_epi32(load128(a + i), key), ones);
        __m128i ne1 = _mm_xor_si128(_mm_cmpeq_epi32(load128(a + i + 4), key), ones);
        unsigned m = (unsigned)_mm_movemask_epi8(ne0) | (unsigned)_mm_movemask_epi8(ne1) << 16;
        if (m) {
            size_t j = i + (size_t)__builtin_ctz(m) / 4;
            return j < e ? j : e;
        }
    }
#endif
    for (; i < e; i++)
        if (a[i] != v)
            return i;
    return e;
}

size_t jm__seq_accounts_with(const struct jm_store *s, size_t a_begin, size_t a_end, uint16_t tp,
                             uint32_t *hits, uint32_t *first)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    size_t n = 0;
    for (size_t a = a_begin; a < a_end; a++) {
        size_t b = c->account_start[a], e = c->account_start[a + 1];
        size_t i = b + jm__seq_find_u16(c->touchpoint + b, e - b, tp);
        hits[n] = (uint32_t)a;
        first[n] = (uint32_t)i;
        n += i < e;
    }
    return n;
}

void jm__seq_prefetch(const void *p, size_t len)
{
    const char *q = p;
    if (len > 64 * 64)
        len = 64 * 64;
    for (size_t off = 0; off < len; off += 64)
        __builtin_prefetch(q + off);
}

uint16_t jm__seq_touchpoint(const struct jm_store *s, const char *name)
{
    int64_t i = jm_store_lookup(s, JM_STORE_TOUCHPOINT, name, strlen(name));
    return i > 0 && i <= UINT16_MAX ? (uint16_t)i : 0;
}

/* ---------------------------------------------------------------- quantiles */

double jm_sequence_quantile(const int64_t *sorted, size_t n, double p, enum jm_quantile method)
{
    if (n == 0)
        return NAN;
    if (!(p > 0))
        p = 0;
    if (p > 1)
        p = 1;
    size_t i;
    switch (method) {
    case JM_QUANTILE_EXACT:
        /* ClickHouse 18.16 quantileExact: `level * size` truncated, in double arithmetic. */
        i = p < 1 ? (size_t)(p * (double)n) : n - 1;
        return (double)sorted[i < n ? i : n - 1];
    case JM_QUANTILE_DISC: {
        /* DuckDB's form of ceil(p n) - 1, which is robust to p n landing a hair off an integer. */
        double rn = (double)n * p;
        double up = (double)n - floor((double)n - rn);
        i = (up < 1 ? 1 : (size_t)up) - 1;
        return (double)sorted[i < n ? i : n - 1];
    }
    case JM_QUANTILE_LINEAR:
    default: {
        double h = (double)(n - 1) * p;
        double lo = floor(h);
        i = (size_t)lo;
        if (i + 1 >= n)
            return (double)sorted[n - 1];
        /* The difference of neighbours, not a weighted sum, so equal neighbours stay exact. */
        return (double)sorted[i] + (h - lo) * (double)(sorted[i + 1] - sorted[i]);
    }
    }
}

/* ---------------------------------------------------------------- split contacts */

/* Calls `fn(ctx, contact, begin, end)` for every run of a contact (not "none"), in store order. */
static void each_run(const struct jm_store *s, void (*fn)(void *, uint32_t, size_t, size_t),
                     void *ctx)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    for (size_t g = 0; g <= c->n_accounts; g++) {
        size_t i = c->account_start[g], e = c->account_start[g + 1];
        while (i < e) {
            uint32_t con = c->contact[i];
            size_t j = i + 1;
            while (j < e && c->contact[j] == con)
                j++;
            if (con)
                fn(ctx, con, i, j);
            i = j;
        }
    }
}

struct split_build {
    uint32_t *count; /* per contact: runs, then (for split ones) index + 1 in the list */
    size_t *events;  /* per split contact: events so far */
    size_t *fill;
    struct jm__seq_split *sp;
};

static void count_run(void *ctx, uint32_t con, size_t b, size_t e)
{
    struct split_build *sb = ctx;
    (void)b;
    (void)e;
    sb->count[con]++;
}

static void place_run(void *ctx, uint32_t con, size_t b, size_t e)
{
    struct split_build *sb = ctx;
    uint32_t k = sb->count[con];
    if (!k)
        return;
    k--;
    struct jm__seq_split *sp = sb->sp;
    sp->runs[sp->first[k] + sb->fill[k]++] = (struct jm__seq_range){(uint32_t)b, (uint32_t)e};
    sb->events[k] += e - b;
    if (sb->events[k] > sp->n_events)
        sp->n_events = sb->events[k];
}

jm_status jm__seq_split_find(const struct jm_store *s, struct jm__seq_split *sp)
{
    size_t n_con = jm_store_dict_size(s, JM_STORE_CONTACT);
    struct split_build sb = {jm_calloc(n_con + 1, sizeof(uint32_t)), NULL, NULL, sp};
    jm_status rc = JM_ENOMEM;
    if (!sb.count)
        return JM_ENOMEM;
    each_run(s, count_run, &sb);
    size_t n = 0, runs = 0;
    for (size_t con = 1; con < n_con; con++)
        if (sb.count[con] > 1) {
            n++;
            runs += sb.count[con];
        }
    sp->contact = jm_malloc((n + 1) * sizeof(*sp->contact));
    sp->first = jm_malloc((n + 1) * sizeof(*sp->first));
    sp->runs = jm_malloc((runs + 1) * sizeof(*sp->runs));
    sb.events = jm_calloc(n + 1, sizeof(size_t));
    sb.fill = jm_calloc(n + 1, sizeof(size_t));
    if (!sp->contact || !sp->first || !sp->runs || !sb.events || !sb.fill)
        goto out;
    sp->n = 0;
    sp->first[0] = 0;
    for (size_t con = 1; con < n_con; con++) {
        uint32_t k = sb.count[con];
        sb.count[con] = 0;
        if (k > 1) {
            sp->contact[sp->n] = (uint32_t)con;
            sp->first[sp->n + 1] = sp->first[sp->n] + k;
            sp->n++;
            sb.count[con] = (uint32_t)sp->n; /* index + 1 */
        }
    }
    each_run(s, place_run, &sb);
    rc = JM_OK;
out:
    jm_free(sb.count);
    jm_free(sb.events);
    jm_free(sb.fill);
    if (rc)
        jm__seq_split_release(sp);
    return rc;
}

void jm__seq_split_release(struct jm__seq_split *sp)
{
    jm_free(sp->contact);
    jm_free(sp->first);
    jm_free(sp->runs);
    memset(sp, 0, sizeof(*sp));
}

size_t jm__seq_split_merge(const struct jm_store *s, const struct jm__seq_split *sp, size_t i,
                           uint32_t *pos)
{
    const int64_t *t = jm_store_columns(s)->time_us;
    size_t m = 0;
    /*
     * Each run is in time order and the runs are in store order, so merging each next run in
     * from the back keeps (time, position) order: on equal times the earlier position wins.
     * Quadratic in the number of runs, which is a handful for any real contact.
     */
    for (size_t r = sp->first[i]; r < sp->first[i + 1]; r++) {
        size_t b = sp->runs[r].begin, e = sp->runs[r].end;
        size_t k = m + (e - b);
        size_t x = m, y = e;
        while (y > b) {
            if (x > 0 && t[pos[x - 1]] > t[y - 1])
                pos[--k] = pos[--x];
            else
                pos[--k] = (uint32_t)--y;
        }
        m += e - b;
    }
    return m;
}

bool jm__seq_split_has(const struct jm__seq_split *sp, uint32_t contact)
{
    size_t lo = 0, hi = sp->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sp->contact[mid] < contact)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < sp->n && sp->contact[lo] == contact;
}
