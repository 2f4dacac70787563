/*
 * Next-event transitions per contact (jm_sequence_transitions_compute).
 *
 * Inside an account slice a contact's events are one run in time order, so every pair of
 * neighbours (i - 1, i) with the same, present contact is one transition, and the loop needs
 * only the contact and touchpoint columns (6 bytes per event), never the times. The loop has
 * no branch per event: a pair of neighbours that is not a transition (a new run, or no contact)
 * is counted into a spare cell that is never read.
 *
 *   counts (one table per part, or four when small):  [ from * T + to ] ... [ spare ]
 *
 * Touchpoint ids are dense (T = touchpoints + 1, usually a few dozen), so a T x T table of
 * counters replaces a hash of pairs. Runs of one pair (blog view after blog view) would make
 * each increment wait for the previous one to be stored; with a small T each cell has four
 * counters and event i counts into counter i % 4, so neighbours never touch the same one.
 * A store with more than JM__TR_DENSE touchpoints (a table of millions of cells) collects the
 * pairs as 32-bit codes and sorts them instead.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "analytics/sequence_internal.h"
#include "base/banned.h"

#define JM__TR_DENSE 1024u /* largest T kept as a table */
#define JM__TR_SMALL 64u   /* largest T given four tables */

struct part {
    uint32_t *cnt;   /* dense: the table, see struct job */
    uint32_t *codes; /* sparse: from << 16 | to, one per transition */
    size_t n_codes;
    uint64_t nz; /* events with a contact: runs = nz - transitions */
};

/*
 * Dense tables are indexed (from << shift | to) << copy_shift | copy, with 1 << shift the
 * smallest power of two >= T, so an index costs shifts, not multiplications; a table's
 * copies of one cell sit side by side.
 */
struct job {
    const struct jm_store *s;
    size_t T;
    unsigned shift, copy_shift;
    bool dense;
    struct part *parts;
};

/*
 * Counts the pairs of [b, e) into cnt; returns the events with a contact. Inlined with
 * constant shifts for the usual table sizes (see run_dense), so an index is a few shifts.
 * Nothing here branches per event: a boundary goes to the spare cell.
 */
static inline __attribute__((always_inline)) uint64_t dense_slice(const struct jm_store_columns *c,
                                                                  size_t b, size_t e, uint32_t *cnt,
                                                                  unsigned sh, unsigned cp)
{
    const size_t spare = (size_t)1 << (2 * sh), copy_mask = ((size_t)1 << cp) - 1;
    uint32_t pc = c->contact[b];
    size_t row = (size_t)c->touchpoint[b] << sh;
    uint64_t nz = pc != 0;
    for (size_t i = b + 1; i < e; i++) {
        uint32_t con = c->contact[i];
        size_t tp = c->touchpoint[i];
        size_t same = (size_t)0 - (size_t)((con == pc) & (con != 0));
        size_t cell = ((row | tp) & same) | (spare & ~same);
        cnt[cell << cp | (i & copy_mask)]++;
        nz += con != 0;
        pc = con;
        row = tp << sh;
    }
    return nz;
}

static jm_status run_dense(void *ctx, unsigned part, size_t a_begin, size_t a_end)
{
    struct job *job = ctx;
    const struct jm_store_columns *c = jm_store_columns(job->s);
    struct part *out = &job->parts[part];
    const unsigned sh = job->shift, cp = job->copy_shift;
    uint32_t *cnt = jm_calloc((((size_t)1 << (2 * sh)) + 1) << cp, sizeof(*cnt));
    if (!cnt)
        return JM_ENOMEM;
    uint64_t nz = 0;
    for (size_t a = a_begin; a < a_end; a++) {
        size_t b = c->account_start[a], e = c->account_start[a + 1];
        if (b == e)
            continue;
        if (cp == 2 && sh == 4)
            nz += dense_slice(c, b, e, cnt, 4, 2);
        else if (cp == 2 && sh == 5)
            nz += dense_slice(c, b, e, cnt, 5, 2);
        else if (cp == 2 && sh == 6)
            nz += dense_slice(c, b, e, cnt, 6, 2);
        else
            nz += dense_slice(c, b, e, cnt, sh, cp);
    }
    out->cnt = cnt;
    out->nz = nz;
    return JM_OK;
}

static jm_status run_sparse(void *ctx, unsigned part, size_t a_begin, size_t a_end)
{
    struct job *job = ctx;
    const struct jm_store_columns *c = jm_store_columns(job->s);
    struct part *out = &job->parts[part];
    size_t n = c->account_start[a_end] - c->account_start[a_begin];
    uint32_t *codes = jm_malloc((n + 1) * sizeof(*codes));
    if (!codes)
        return JM_ENOMEM;
    size_t m = 0;
    uint64_t nz = 0;
    for (size_t a = a_begin; a < a_end; a++) {
        size_t b = c->account_start[a], e = c->account_start[a + 1];
        if (b == e)
            continue;
        uint32_t pc = c->contact[b];
        nz += pc != 0;
        for (size_t i = b + 1; i < e; i++) {
            uint32_t con = c->contact[i];
            codes[m] = (uint32_t)c->touchpoint[i - 1] << 16 | c->touchpoint[i];
            m += (con == pc) & (con != 0);
            nz += con != 0;
            pc = con;
        }
    }
    out->codes = codes;
    out->n_codes = m;
    out->nz = nz;
    return JM_OK;
}

/* The transitions a part counted. */
static uint64_t pairs_of(const struct job *job, const struct part *p)
{
    if (!job->dense)
        return p->n_codes;
    size_t cells = (size_t)1 << (2 * job->shift) << job->copy_shift;
    uint64_t n = 0;
    for (size_t i = 0; i < cells; i++)
        n += p->cnt[i];
    return n;
}

/* ---------------------------------------------------------------- contacts with several runs */

/* Pair codes to take back (each run's own pairs) and to add (the merged runs' pairs). */
struct delta {
    uint32_t *minus, *plus;
    size_t n_minus, n_plus;
};

static jm_status split_delta(const struct jm_store *s, struct delta *d)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    const uint16_t *tp = c->touchpoint;
    struct jm__seq_split sp = {0};
    jm_status rc = jm__seq_split_find(s, &sp);
    if (rc)
        return rc;
    size_t events = 0;
    for (size_t r = 0; sp.n && r < sp.first[sp.n]; r++)
        events += sp.runs[r].end - sp.runs[r].begin;
    uint32_t *pos = jm_malloc((sp.n_events + 1) * sizeof(*pos));
    d->minus = jm_malloc((events + 1) * sizeof(*d->minus));
    d->plus = jm_malloc((events + 1) * sizeof(*d->plus));
    rc = JM_ENOMEM;
    if (!pos || !d->minus || !d->plus)
        goto out;
    for (size_t i = 0; i < sp.n; i++) {
        for (size_t r = sp.first[i]; r < sp.first[i + 1]; r++)
            for (size_t k = sp.runs[r].begin + 1; k < sp.runs[r].end; k++)
                d->minus[d->n_minus++] = (uint32_t)tp[k - 1] << 16 | tp[k];
        size_t n = jm__seq_split_merge(s, &sp, i, pos);
        for (size_t k = 1; k < n; k++)
            d->plus[d->n_plus++] = (uint32_t)tp[pos[k - 1]] << 16 | tp[pos[k]];
    }
    rc = JM_OK;
out:
    jm_free(pos);
    jm__seq_split_release(&sp);
    return rc;
}

/* ---------------------------------------------------------------- results */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static jm_status result_from_table(const uint64_t *sum, size_t T, struct jm_sequence_transitions *r)
{
    size_t n = 0;
    for (size_t i = 0; i < T * T; i++)
        n += sum[i] != 0;
    r->rows = jm_malloc((n + 1) * sizeof(*r->rows));
    if (!r->rows)
        return JM_ENOMEM;
    for (size_t i = 0; i < T * T; i++)
        if (sum[i]) {
            r->rows[r->n++] =
                (struct jm_sequence_transition){(uint16_t)(i / T), (uint16_t)(i % T), sum[i]};
            r->total += sum[i];
        }
    return JM_OK;
}

static jm_status finish_dense(const struct job *job, unsigned n_parts, const struct delta *d,
                              struct jm_sequence_transitions *r)
{
    size_t T = job->T, cells = T * T;
    unsigned sh = job->shift, cp = job->copy_shift;
    uint64_t *sum = jm_calloc(cells + 1, sizeof(*sum));
    if (!sum)
        return JM_ENOMEM;
    for (unsigned p = 0; p < n_parts; p++)
        for (size_t from = 0; from < T; from++)
            for (size_t to = 0; to < T; to++) {
                const uint32_t *cnt = job->parts[p].cnt + ((from << sh | to) << cp);
                for (size_t k = 0; k < ((size_t)1 << cp); k++)
                    sum[from * T + to] += cnt[k];
            }
    /* Counts only fall by what the same runs added, so they never go below zero. */
    for (size_t i = 0; i < d->n_minus; i++)
        sum[(d->minus[i] >> 16) * T + (d->minus[i] & 0xffff)]--;
    for (size_t i = 0; i < d->n_plus; i++)
        sum[(d->plus[i] >> 16) * T + (d->plus[i] & 0xffff)]++;
    jm_status rc = result_from_table(sum, T, r);
    jm_free(sum);
    return rc;
}

static jm_status finish_sparse(const struct job *job, unsigned n_parts, struct delta *d,
                               struct jm_sequence_transitions *r)
{
    size_t n = d->n_plus;
    for (unsigned p = 0; p < n_parts; p++)
        n += job->parts[p].n_codes;
    uint32_t *all = jm_malloc((n + 1) * sizeof(*all));
    jm_status rc = JM_ENOMEM;
    if (!all)
        return rc;
    size_t m = 0;
    for (unsigned p = 0; p < n_parts; p++) {
        if (job->parts[p].n_codes)
            memcpy(all + m, job->parts[p].codes, job->parts[p].n_codes * sizeof(*all));
        m += job->parts[p].n_codes;
    }
    if (d->n_plus)
        memcpy(all + m, d->plus, d->n_plus * sizeof(*all));
    qsort(all, n, sizeof(*all), cmp_u32);
    qsort(d->minus, d->n_minus, sizeof(*d->minus), cmp_u32);
    r->rows = jm_malloc((n + 1) * sizeof(*r->rows));
    if (!r->rows)
        goto out;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && all[j] == all[i])
            j++;
        uint64_t cnt = j - i;
        while (k < d->n_minus && d->minus[k] < all[i])
            k++;
        while (k < d->n_minus && d->minus[k] == all[i]) {
            cnt--;
            k++;
        }
        if (cnt) {
            r->rows[r->n++] =
                (struct jm_sequence_transition){(uint16_t)(all[i] >> 16), (uint16_t)all[i], cnt};
            r->total += cnt;
        }
        i = j;
    }
    rc = JM_OK;
out:
    jm_free(all);
    return rc;
}

jm_status jm_sequence_transitions_compute(const struct jm_store *s,
                                          const struct jm_sequence_transitions_opts *opts,
                                          struct jm_sequence_transitions **out,
                                          struct jm_error *err)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    struct job job = {s, jm_store_dict_size(s, JM_STORE_TOUCHPOINT), 0, 0, true, NULL};
    struct delta d = {0};
    unsigned n_parts = jm__seq_parts(s, opts ? opts->threads : 0);
    struct jm_sequence_transitions *r = jm_calloc(1, sizeof(*r));
    *out = NULL;
    if (job.T < 1)
        job.T = 1;
    job.dense = job.T <= JM__TR_DENSE;
    while (((size_t)1 << job.shift) < job.T)
        job.shift++;
    job.copy_shift = job.T <= JM__TR_SMALL ? 2 : 0;
    job.parts = jm_calloc(n_parts, sizeof(*job.parts));
    jm_status rc = JM_ENOMEM;
    if (!r || !job.parts)
        goto out;
    rc = jm__seq_run(s, n_parts, c->n_accounts + 1, job.dense ? run_dense : run_sparse, &job);
    if (rc)
        goto out;
    /* Each run of L events gives L - 1 transitions: runs = events with a contact - pairs. */
    uint64_t runs = 0;
    for (unsigned p = 0; p < n_parts; p++)
        runs += job.parts[p].nz - pairs_of(&job, &job.parts[p]);
    if (runs > jm_store_contacts(s)) {
        rc = split_delta(s, &d);
        if (rc)
            goto out;
    }
    rc = job.dense ? finish_dense(&job, n_parts, &d, r) : finish_sparse(&job, n_parts, &d, r);
out:
    if (job.parts)
        for (unsigned p = 0; p < n_parts; p++) {
            jm_free(job.parts[p].cnt);
            jm_free(job.parts[p].codes);
        }
    jm_free(job.parts);
    jm_free(d.minus);
    jm_free(d.plus);
    if (rc) {
        jm_error_set(err, rc, "out of memory counting transitions");
        jm_sequence_transitions_free(r);
        r = NULL;
    }
    *out = r;
    return rc;
}

void jm_sequence_transitions_free(struct jm_sequence_transitions *t)
{
    if (!t)
        return;
    jm_free(t->rows);
    jm_free(t);
}
