/*
 * First-touch and linear attribution by channel (jm_sequence_attribution_compute), per account.
 *
 * A slice is first searched for the target touchpoint 16 ids at a time; only a converting
 * slice (about 12% in the peers' data) reads its times and channels. Its conversion time is
 * the earliest target event (the slice is in (contact, time) order, so the earliest is a
 * minimum, not the first hit), and one more pass over the slice counts the touchpoints before
 * it per channel and finds the earliest one. Counts per channel live in a small array indexed
 * by channel id (at most 256), reset after each converting account by walking the channels.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analytics/sequence_internal.h"
#include "base/banned.h"

#define CHANNELS 256

struct part {
    uint64_t touches[CHANNELS], first[CHANNELS];
    double linear[CHANNELS];
    uint64_t conversions, credited;
};

struct job {
    const struct jm_store *s;
    uint16_t target;
    size_t n_ch;
    struct part *parts;
};

/* Credits one converting account's events [b, e) before `conv`. */
static void credit(const struct job *job, const struct jm_store_columns *c, size_t b, size_t e,
                   int64_t conv, struct part *out)
{
    uint32_t cnt[CHANNELS];
    memset(cnt, 0, job->n_ch * sizeof(*cnt));
    uint32_t n = 0;
    int64_t best = INT64_MAX;
    uint8_t best_ch = 0;
    for (size_t i = b; i < e; i++) {
        int64_t t = c->time_us[i];
        if (t >= conv)
            continue;
        uint8_t ch = c->channel[i];
        cnt[ch]++;
        n++;
        /* Strictly earlier only: on equal times the first in store order keeps the credit. */
        if (t < best) {
            best = t;
            best_ch = ch;
        }
    }
    if (!n)
        return;
    out->credited++;
    out->first[best_ch]++;
    for (size_t ch = 0; ch < job->n_ch; ch++)
        if (cnt[ch]) {
            out->touches[ch] += cnt[ch];
            out->linear[ch] += (double)cnt[ch] / n;
        }
}

/* Converting accounts first, then each one's times and channels, fetched two accounts ahead. */
static jm_status run_part(void *ctx, unsigned part, size_t a_begin, size_t a_end)
{
    struct job *job = ctx;
    const struct jm_store_columns *c = jm_store_columns(job->s);
    struct part *out = &job->parts[part];
    const uint16_t *tp = c->touchpoint;
    uint32_t *hits = jm_malloc((a_end - a_begin + 1) * 2 * sizeof(*hits));
    if (!hits)
        return JM_ENOMEM;
    uint32_t *first = hits + (a_end - a_begin + 1);
    size_t n = jm__seq_accounts_with(job->s, a_begin, a_end, job->target, hits, first);
    for (size_t k = 0; k < n; k++) {
        if (k + 2 < n) {
            size_t a2 = hits[k + 2], b2 = c->account_start[a2];
            size_t len = c->account_start[a2 + 1] - b2;
            jm__seq_prefetch(c->time_us + b2, len * sizeof(*c->time_us));
            jm__seq_prefetch(c->channel + b2, len);
        }
        size_t a = hits[k], e = c->account_start[a + 1], i = first[k];
        int64_t conv = c->time_us[i];
        for (i++; i < e; i++) {
            i += jm__seq_find_u16(tp + i, e - i, job->target);
            if (i < e && c->time_us[i] < conv)
                conv = c->time_us[i];
        }
        out->conversions++;
        credit(job, c, c->account_start[a], e, conv, out);
    }
    jm_free(hits);
    return JM_OK;
}

jm_status jm_sequence_attribution_compute(const struct jm_store *s,
                                          const struct jm_sequence_attribution_opts *opts,
                                          struct jm_sequence_attribution **out,
                                          struct jm_error *err)
{
    const struct jm_store_columns *c = jm_store_columns(s);
    *out = NULL;
    if (!opts || !opts->target)
        return jm_error_set(err, JM_EINVAL, "attribution needs a target touchpoint");
    unsigned n_parts = jm__seq_parts(s, opts->threads);
    struct job job = {s, jm__seq_touchpoint(s, opts->target),
                      jm_store_dict_size(s, JM_STORE_CHANNEL), NULL};
    struct jm_sequence_attribution *r = jm_calloc(1, sizeof(*r));
    job.parts = jm_calloc(n_parts, sizeof(*job.parts));
    jm_status rc = JM_ENOMEM;
    if (!r || !job.parts)
        goto out;
    if (job.n_ch > CHANNELS)
        job.n_ch = CHANNELS;
    if (job.target) {
        rc = jm__seq_run(s, n_parts, c->n_accounts, run_part, &job);
        if (rc)
            goto out;
    }
    struct part *sum = &job.parts[0];
    for (unsigned p = 1; p < n_parts; p++) {
        for (size_t ch = 0; ch < job.n_ch; ch++) {
            sum->touches[ch] += job.parts[p].touches[ch];
            sum->first[ch] += job.parts[p].first[ch];
            sum->linear[ch] += job.parts[p].linear[ch];
        }
        sum->conversions += job.parts[p].conversions;
        sum->credited += job.parts[p].credited;
    }
    size_t n = 0;
    for (size_t ch = 0; ch < job.n_ch; ch++)
        n += sum->touches[ch] != 0;
    rc = JM_ENOMEM;
    r->rows = jm_malloc((n + 1) * sizeof(*r->rows));
    if (!r->rows)
        goto out;
    for (size_t ch = 0; ch < job.n_ch; ch++)
        if (sum->touches[ch])
            r->rows[r->n++] = (struct jm_sequence_credit){(uint8_t)ch, sum->touches[ch],
                                                          sum->first[ch], sum->linear[ch]};
    r->conversions = sum->conversions;
    r->credited = sum->credited;
    rc = JM_OK;
out:
    jm_free(job.parts);
    if (rc) {
        jm_error_set(err, rc, "out of memory computing attribution");
        jm_sequence_attribution_free(r);
        r = NULL;
    }
    *out = r;
    return rc;
}

void jm_sequence_attribution_free(struct jm_sequence_attribution *a)
{
    if (!a)
        return;
    jm_free(a->rows);
    jm_free(a);
}
