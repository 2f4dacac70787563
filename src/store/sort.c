/*
 * Moving the store's columns into (account, contact, time) order: one scatter per column to
 * the positions load.c computed, then a time sort of the (account, contact) runs that are not
 * in time order already.
 *
 * Why this shape: events usually arrive in time order per contact (an event log appends), so
 * a stable placement by (account, contact) leaves almost every run sorted, and checking a run
 * is one pass over memory that was just written. A comparison sort of 10^7 events by three
 * keys, or a per-account sort that interleaves contacts, costs far more.
 *
 * Memory: fresh pages cost more than the copying here (about half of a 10^7-event load went to
 * page faults before, 2026-11: the kernel zeroes every page, and on this VM slowly). So the
 * columns are moved widest first, each into the raw buffer the previous one left behind, and
 * only the first gets new memory, allocated before the scan; big buffers ask for transparent
 * huge pages (one fault instead of 512), and a helper thread faults them in while the storage
 * starts its scan (jm__store_prefault_*), which on two cores hides most of the zeroing.
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <string.h>
#include <sys/mman.h>

#include "store/internal.h"

/* ---------------------------------------------------------------- memory */

#define HUGE_PAGE ((uintptr_t)2 << 20)

/* Advises the whole huge pages inside [p, p + bytes); a hint, so failures are ignored. */
static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (!p || bytes < 2 * HUGE_PAGE)
        return;
    uintptr_t b = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    uintptr_t e = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);
    if (e > b)
        (void)madvise((void *)b, e - b, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

void *jm__store_alloc(size_t bytes)
{
    void *p = jm_malloc(bytes);
    advise_huge(p, bytes);
    return p;
}

void *jm__store_calloc(size_t n, size_t size)
{
    void *p = jm_calloc(n, size);
    advise_huge(p, n * size);
    return p;
}

void *jm__store_realloc(void *p, size_t bytes)
{
    void *q = jm_realloc(p, bytes);
    advise_huge(q, bytes);
    return q;
}

#ifdef MADV_POPULATE_WRITE
static void *prefault_main(void *arg)
{
    struct jm__store_prefault *pf = arg;
    for (size_t k = 0; k < pf->n; k++)
        (void)madvise(pf->p[k], pf->bytes[k], MADV_POPULATE_WRITE);
    return NULL;
}
#endif

void jm__store_prefault_add(struct jm__store_prefault *pf, void *p, size_t bytes)
{
    assert(!pf->running);
    if (!p || bytes < 2 * HUGE_PAGE || pf->n == JM__STORE_PREFAULT_MAX)
        return;
    /* madvise() wants page-aligned ranges: the whole pages inside the buffer. */
    uintptr_t b = ((uintptr_t)p + 4095) & ~(uintptr_t)4095,
              e = ((uintptr_t)p + bytes) & ~(uintptr_t)4095;
    pf->p[pf->n] = (void *)b;
    pf->bytes[pf->n++] = e - b;
}

void jm__store_prefault_start(struct jm__store_prefault *pf)
{
#ifdef MADV_POPULATE_WRITE
    if (pf->n && !pf->running)
        pf->running = pthread_create(&pf->thread, NULL, prefault_main, pf) == 0;
#else
    (void)pf;
#endif
}

void jm__store_prefault_join(struct jm__store_prefault *pf)
{
    if (pf->running)
        pthread_join(pf->thread, NULL);
    pf->running = false;
    pf->n = 0;
}

/* ---------------------------------------------------------------- scatter */

/* dst[dest[i]] = src[i] for a column of `width` bytes. */
static void scatter_col(void *dst, const void *src, const uint32_t *dest, size_t n, size_t width)
{
#define SCATTER(T)                                                                                 \
    for (size_t i = 0; i < n; i++)                                                                 \
        ((T *)dst)[dest[i]] = ((const T *)src)[i];                                                 \
    break;
    switch (width) {
    case 1:
        SCATTER(uint8_t)
    case 2:
        SCATTER(uint16_t)
    case 4:
        SCATTER(uint32_t)
    default:
        assert(width == 8);
        SCATTER(uint64_t)
    }
#undef SCATTER
}

/*
 * A buffer of `need` bytes: the spare one when big enough (given back to the allocator down to
 * `need` when much bigger; kept whole if that fails), else a new one.
 */
static void *take(void **spare, size_t *spare_bytes, size_t need)
{
    void *p = *spare;
    if (p && *spare_bytes >= need) {
        if (*spare_bytes - need > *spare_bytes / 4) {
            void *q = jm_realloc(p, need ? need : 1);
            if (q)
                p = q;
        }
    } else {
        jm_free(p);
        p = jm__store_alloc(need);
    }
    *spare = NULL;
    *spare_bytes = 0;
    return p;
}

jm_status jm__store_scatter(struct jm__store_col *raw, size_t n_cols, const uint32_t *dest,
                            size_t n, void *spare, size_t spare_bytes, struct jm__store_col *final)
{
    assert(n_cols <= JM__STORE_COLS_MAX);
    size_t order[JM__STORE_COLS_MAX], k = 0;
    for (size_t w = 8; w >= 1; w /= 2)
        for (size_t c = 0; c < n_cols; c++)
            if (raw[c].width == w)
                order[k++] = c;
    assert(k == n_cols);
    memset(final, 0, n_cols * sizeof(*final));
    jm_status rc = JM_OK;
    for (k = 0; k < n_cols && !rc; k++) {
        struct jm__store_col *r = &raw[order[k]], *f = &final[order[k]];
        void *p = take(&spare, &spare_bytes, n * r->width);
        if (!p) {
            rc = JM_ENOMEM;
            break;
        }
        scatter_col(p, r->p, dest, n, r->width);
        *f = (struct jm__store_col){p, r->width, n};
        spare = r->p;
        spare_bytes = r->cap * r->width;
        r->p = NULL;
    }
    jm_free(spare);
    for (size_t c = 0; c < n_cols; c++) {
        jm_free(raw[c].p);
        raw[c].p = NULL;
        if (rc) {
            jm_free(final[c].p);
            final[c].p = NULL;
        }
    }
    return rc;
}

/* ---------------------------------------------------------------- run sort */

static void insertion_sort(const int64_t *t, uint32_t *idx, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint32_t v = idx[i];
        size_t j = i;
        for (; j > 0 && t[v] < t[idx[j - 1]]; j--)
            idx[j] = idx[j - 1];
        idx[j] = v;
    }
}

/* Stable merge sort of idx[0..n) by time; `aux` holds n / 2 + 1 entries. */
static void merge_sort(const int64_t *t, uint32_t *idx, uint32_t *aux, size_t n)
{
    if (n <= 16) {
        insertion_sort(t, idx, n);
        return;
    }
    size_t h = n / 2;
    merge_sort(t, idx, aux, h);
    merge_sort(t, idx + h, aux, n - h);
    if (!(t[idx[h]] < t[idx[h - 1]]))
        return;
    memcpy(aux, idx, h * sizeof(*idx));
    /* The write position k never passes the right half's read position j. */
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n)
        idx[k++] = t[idx[j]] < t[aux[i]] ? idx[j++] : aux[i++];
    while (i < h)
        idx[k++] = aux[i++];
}

/*
 * Applies idx to one column of `n` elements of `size` bytes, through `buf`. A switch on the
 * width, so each case is a plain typed loop rather than a memcpy call per element.
 */
static void permute(void *col, size_t size, const uint32_t *idx, size_t n, unsigned char *buf)
{
#define GATHER(T)                                                                                  \
    for (size_t k = 0; k < n; k++)                                                                 \
        ((T *)(void *)buf)[k] = ((const T *)col)[idx[k]];                                          \
    break;
    switch (size) {
    case 1:
        GATHER(uint8_t)
    case 2:
        GATHER(uint16_t)
    case 4:
        GATHER(uint32_t)
    default:
        assert(size == 8);
        GATHER(uint64_t)
    }
#undef GATHER
    memcpy(col, buf, n * size);
}

jm_status jm__store_sort_run(int64_t *time_us, const struct jm__store_col *cols, size_t n_cols,
                             size_t begin, size_t n, struct jm__store_scratch *s)
{
    int64_t *t = time_us + begin;
    size_t i = 1;
    while (i < n && t[i - 1] <= t[i])
        i++;
    if (i >= n)
        return JM_OK;
    if (jm_grow((void **)&s->idx, &s->cap_idx, n, sizeof(*s->idx)) ||
        jm_grow((void **)&s->aux, &s->cap_aux, n / 2 + 1, sizeof(*s->aux)) ||
        jm_grow((void **)&s->buf, &s->cap_buf, n, sizeof(int64_t)))
        return JM_ENOMEM;
    for (size_t k = 0; k < n; k++)
        s->idx[k] = (uint32_t)k;
    merge_sort(t, s->idx, s->aux, n);
    permute(t, sizeof(*t), s->idx, n, s->buf);
    for (size_t c = 0; c < n_cols; c++) {
        size_t w = cols[c].width;
        permute((unsigned char *)cols[c].p + begin * w, w, s->idx, n, s->buf);
    }
    return JM_OK;
}

void jm__store_scratch_release(struct jm__store_scratch *s)
{
    jm_free(s->idx);
    jm_free(s->aux);
    jm_free(s->buf);
}
