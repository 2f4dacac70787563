/*
 * Time to convert (jm_sequence_ttc_compute): per entity, from its first event of any kind to
 * its first event of the target touchpoint.
 *
 * Per account, most slices hold no target event (about 88% in the peers' data), so a slice is
 * first searched for the target 16 touchpoint ids at a time (2 bytes per event); only a slice
 * with a hit reads its times, for the earliest hit and the earliest event (its contact runs
 * are each in time order, but the slice as a whole is not, so both are minimums). Per contact,
 * a run is in time order: its first event is the earliest, and its first hit the conversion.
 *
 * Each part collects its durations; they are joined, sorted, and read for the quantiles.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analytics/sequence_internal.h"
#include "base/banned.h"

struct part {
    int64_t *d;
    uint32_t *who; /* per contact: the contact of each duration */
    size_t n, cap_d, cap_who;
    uint64_t runs;
};

struct job {
    const struct jm_store *s;
    uint16_t target;
    struct part *parts;
};

static jm_status push(struct part *p, int64_t d, uint32_t who)
{
    if (jm_grow((void **)&p->d, &p->cap_d, p->n + 1, sizeof(*p->d)) ||
        jm_grow((void **)&p->who, &p->cap_who, p->n + 1, sizeof(*p->who)))
        return JM_ENOMEM;
    p->d[p->n] = d;
    p->who[p->n] = who;
    p->n++;
    return JM_OK;
}

static int64_t min_time(const int64_t *t, size_t b, size_t e)
{
    int64_t m = t[b];
    for (size_t i = b + 1; i < e; i++)
        m = t[i] < m ? t[i] : m;
    return m;
}

/*
 * Converting accounts are found first (target ids only), then visited with their times
 * fetched two accounts ahead: a converting slice is a short stretch of the time column far
 * from the last one, so without the prefetch each of its cache lines is a full memory latency.
 */
static jm_status run_accounts(void *ctx, unsigned part, size_t a_begin, size_t a_end)
{
    struct job *job = ctx;
    const struct jm_store_columns *c = jm_store_columns(job->s);
    struct part *out = &job->parts[part];
    const uint16_t *tp = c->touchpoint;
    const int64_t *t = c->time_us;
    uint32_t *hits = jm_malloc((a_end - a_begin + 1) * 2 * sizeof(*hits));
    if (!hits)
        return JM_ENOMEM;
    uint32_t *first = hits + (a_end - a_begin + 1);
    size_t n = jm__seq_accounts_with(job->s, a_begin, a_end, job->target, hits, first);
    jm_status rc = JM_OK;
    for (size_t k = 0; k < n && !rc; k++) {
        if (k + 2 < n) {
            size_t a2 = hits[k + 2], b2 = c->account_start[a2];
            jm__seq_prefetch(t + b2, (c->account_start[a2 + 1] - b2) * sizeof(*t));
        }
        size_t a = hits[k], b = c->account_start[a], e = c->account_start[a + 1];
        size_t i = first[k];
        int64_t conv = t[i];
        for (i++; i < e; i++) {
            i += jm__seq_find_u16(tp + i, e - i, job->target);
            if (i < e && t[i] < conv)
                conv = t[i];
        }
        rc = push(out, conv - min_time(t, b, e), (uint32_t)a);
    }
    jm_free(hits);
    return rc;
}

static jm_status run_contacts(void *ctx, unsigned part, size_t a_begin, size_t a_end)
{
    struct job *job = ctx;
    const struct jm_store_columns *c = jm_store_columns(job->s);
    struct part *out = &job->parts[part];
    for (size_t a = a_begin; a < a_end; a++) {
        size_t i = c->account_start[a], e = c->account_start[a + 1];
        while (i < e) {
            uint32_t con = c->contact[i];
            size_t j = i + 1;
            while (j < e && c->contact[j] == con)
                j++;
            if (con) {
                out->runs++;
                size_t h = i + jm__seq_find_u16(c->touchpoint + i, j - i, job->target);
                if (h < j && push(out, c->time_us[h] - c->time_us[i], con))
                    return JM_ENOMEM;
            }
            i = j;
        }
    }
    return JM_OK;
}

/* Replaces the durations of contacts with several runs by those of their merged runs. */
static jm_status fix_split(const struct jm_store *s, uint16_t target, struct part *all)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    struct jm__seq_split sp = {0};
    jm_status rc = jm__seq_split_find(s, &sp);
    if (rc)
        return rc;
    uint32_t *pos = jm_malloc((sp.n_events + 1) * sizeof(*pos));
    rc = JM_ENOMEM;
    if (!pos)
        goto out;
    size_t kept = 0;
    for (size_t i = 0; i < all->n; i++)
        if (!jm__seq_split_has(&sp, all->who[i])) {
            all->d[kept] = all->d[i];
            all->who[kept++] = all->who[i];
        }
    all->n = kept;
    for (size_t i = 0; i < sp.n; i++) {
        size_t n = jm__seq_split_merge(s, &sp, i, pos);
        for (size_t k = 0; k < n; k++)
            if (c->touchpoint[pos[k]] == target) {
                if (push(all, c->time_us[pos[k]] - c->time_us[pos[0]], sp.contact[i]))
                    goto out;
                break;
            }
    }
    rc = JM_OK;
out:
    jm_free(pos);
    jm__seq_split_release(&sp);
    return rc;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Fills the statistics of `t` from its sorted durations. */
static void summarise(struct jm_sequence_ttc *t, enum jm_quantile q)
{
    const double day = 86400.0 * 1e6;
    long double sum = 0;
    for (size_t i = 0; i < t->count; i++)
        sum += t->durations_us[i];
    t->mean_days = t->count ? (double)(sum / t->count) / day : NAN;
    t->median_days = jm_sequence_quantile(t->durations_us, t->count, 0.5, q) / day;
    t->p75_days = jm_sequence_quantile(t->durations_us, t->count, 0.75, q) / day;
    t->p90_days = jm_sequence_quantile(t->durations_us, t->count, 0.9, q) / day;
}

/* Moves every part's durations into parts[0]. */
static jm_status join_parts(struct part *parts, unsigned n)
{
    size_t total = 0;
    for (unsigned i = 0; i < n; i++)
        total += parts[i].n;
    struct part all = {jm_malloc((total + 1) * sizeof(int64_t)),
                       jm_malloc((total + 1) * sizeof(uint32_t)),
                       0,
                       total + 1,
                       total + 1,
                       0};
    if (!all.d || !all.who) {
        jm_free(all.d);
        jm_free(all.who);
        return JM_ENOMEM;
    }
    for (unsigned i = 0; i < n; i++) {
        if (parts[i].n) {
            memcpy(all.d + all.n, parts[i].d, parts[i].n * sizeof(int64_t));
            memcpy(all.who + all.n, parts[i].who, parts[i].n * sizeof(uint32_t));
        }
        all.n += parts[i].n;
        all.runs += parts[i].runs;
        jm_free(parts[i].d);
        jm_free(parts[i].who);
    }
    parts[0] = all;
    for (unsigned i = 1; i < n; i++)
        memset(&parts[i], 0, sizeof(parts[i]));
    return JM_OK;
}

jm_status jm_sequence_ttc_compute(const struct jm_store *s, const struct jm_sequence_ttc_opts *opts,
                                  struct jm_sequence_ttc **out, struct jm_error *err)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    *out = NULL;
    if (!opts || !opts->target)
        return jm_error_set(err, JM_EINVAL, "time to convert needs a target touchpoint");
    bool contacts = opts->entity == JM_SEQUENCE_CONTACT;
    unsigned n_parts = jm__seq_parts(s, opts->threads);
    struct part *parts = jm_calloc(n_parts, sizeof(*parts));
    struct jm_sequence_ttc *t = jm_calloc(1, sizeof(*t));
    jm_status rc = JM_ENOMEM;
    if (!parts || !t)
        goto out;
    struct job job = {s, jm__seq_touchpoint(s, opts->target), parts};
    if (job.target) {
        rc = jm__seq_run(s, n_parts, c->n_accounts + contacts,
                         contacts ? run_contacts : run_accounts, &job);
        if (rc)
            goto out;
    }
    rc = join_parts(parts, n_parts);
    if (rc)
        goto out;
    if (contacts && job.target && parts[0].runs > jm_store_contacts(s)) {
        rc = fix_split(s, job.target, &parts[0]);
        if (rc)
            goto out;
    }
    qsort(parts[0].d, parts[0].n, sizeof(int64_t), cmp_i64);
    t->count = parts[0].n;
    t->durations_us = parts[0].d;
    parts[0].d = NULL;
    summarise(t, opts->quantile);
out:
    if (parts)
        for (unsigned i = 0; i < n_parts; i++) {
            jm_free(parts[i].d);
            jm_free(parts[i].who);
        }
    jm_free(parts);
    if (rc) {
        jm_error_set(err, rc, "out of memory computing time to convert");
        jm_sequence_ttc_free(t);
        t = NULL;
    }
    *out = t;
    return rc;
}

void jm_sequence_ttc_free(struct jm_sequence_ttc *t)
{
    if (!t)
        return;
    jm_free(t->durations_us);
    jm_free(t);
}
