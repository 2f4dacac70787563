/*
 * Sorting for the store: a stable counting sort by account that scatters every column into
 * its account's slice in one sequential pass, then a sort of each slice by (contact, time).
 *
 * Why this shape: the events arrive roughly in time order across all accounts, so any global
 * permutation gathered afterwards reads the columns at random, one cache miss per event per
 * column. Scattering by account writes to one stream per account instead, and the second
 * step works inside one slice (a few hundred events, in cache). (account, contact, time) does
 * not fit one 64-bit key, and qsort over 10^7 events takes seconds, so neither is used.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "base/internal.h"
#include "store/internal.h"

/* ---------------------------------------------------------------- slice sort */

static bool before(const struct jm__store_cols *c, uint32_t a, uint32_t b)
{
    if (c->contact[a] != c->contact[b])
        return c->contact[a] < c->contact[b];
    return c->time_us[a] < c->time_us[b];
}

static void insertion_sort(const struct jm__store_cols *c, uint32_t *idx, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t v = idx[i];
        size_t j = i;
        for (; j > 0 && before(c, v, idx[j - 1]); j--)
            idx[j] = idx[j - 1];
        idx[j] = v;
    }
}

/* Stable merge sort of idx[0..n) by (contact, time); `aux` holds n / 2 + 1 entries. */
static void merge_sort(const struct jm__store_cols *c, uint32_t *idx, uint32_t *aux, size_t n)
{
    if (n <= 16) {
        insertion_sort(c, idx, n);
        return;
    }
    size_t h = n / 2;
    merge_sort(c, idx, aux, h);
    merge_sort(c, idx + h, aux, n - h);
    if (!before(c, idx[h], idx[h - 1]))
        return;
    memcpy(aux, idx, h * sizeof(*idx));
    /* The write position k never passes the right half's read position j. */
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        idx[k++] = before(c, idx[j], aux[i]) ? idx[j++] : aux[i++];
    while (i < h)
        idx[k++] = aux[i++];
}

static bool slice_sorted(const struct jm__store_cols *c, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (before(c, (uint32_t)i, (uint32_t)(i - 1)))
            return false;
    return true;
}

/* Applies idx to one column of `n` elements of `size` bytes, through `buf`. */
static void permute(void *col, size_t size, const uint32_t *idx, size_t n, unsigned char *buf)
{
    const unsigned char *src = col;
    for (size_t k = 0; k < n; k++)
        memcpy(buf + k * size, src + (size_t)idx[k] * size, size);
    memcpy(col, buf, n * size);
}

jm_status jm__store_sort_slice(struct jm__store_cols *c, size_t n, struct jm__store_scratch *s)
{
    if (slice_sorted(c, n))
        return JM_OK;
    if (jm_grow((void **)&s->idx, &s->cap_idx, n, sizeof(*s->idx)) ||
        jm_grow((void **)&s->aux, &s->cap_aux, n / 2 + 1, sizeof(*s->aux)) ||
        jm_grow((void **)&s->buf, &s->cap_buf, n, sizeof(int64_t)))
        return JM_ENOMEM;
    for (size_t k = 0; k < n; k++)
        s->idx[k] = (uint32_t)k;
    merge_sort(c, s->idx, s->aux, n);
    permute(c->time_us, sizeof(*c->time_us), s->idx, n, s->buf);
    permute(c->contact, sizeof(*c->contact), s->idx, n, s->buf);
    permute(c->touchpoint, sizeof(*c->touchpoint), s->idx, n, s->buf);
    permute(c->channel, sizeof(*c->channel), s->idx, n, s->buf);
    return JM_OK;
}

void jm__store_scratch_release(struct jm__store_scratch *s)
{
    jm_free(s->idx);
    jm_free(s->aux);
    jm_free(s->buf);
}
