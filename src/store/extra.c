/*
 * Dictionaries of the store's optional text columns (jm_store_load_with()): utm_*, url,
 * referrer, anonymous_id, currency and message_id, each coded as dense uint32 ids.
 *
 * Unlike the hot dictionaries these are not sorted by text: their ids are given in first-seen
 * order, which is deterministic because the scan reads the segments in a fixed order. Sorting
 * would cost a pass over every column after the scan (message_id has about one text per event)
 * for nothing the analytics need; they group by id and print the text.
 *
 * The workspace keeps some of these fields in its own dictionary (utm_*, currency: a uint32 id
 * per event) and some as raw text (url, referrer, anonymous_id, message_id: a string heap per
 * segment). Both kinds meet in one hash from text to id, so an id means the same text whatever
 * a segment's layout; a workspace dictionary id is hashed once, then cached in `by_wid`, and a
 * heap text equal to the previous event's skips the hash.
 *
 * The hash is built for the worst field, message_id, with about one new text per event: a slot
 * is one word, (32 bits of hash << 32 | id), 0 = empty, kept at most half full; texts are
 * compared only when the hash bits match; a segment's hashes are computed first so each slot
 * can be prefetched ahead of its probe; and the texts go one after the other into one buffer
 * rather than an arena (which zeroes every allocation and faults in small blocks). With
 * jm_strmap the 10^7 message ids of the demo workspace took 12 s, mostly growing and faulting
 * in its 32-byte slots (2026-11); now about 4 s, most of it the kernel zeroing the ~1 GB this
 * field needs. The hash is freed once loading is done.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "store/internal.h"

void jm__store_textdict_init(struct jm__store_textdict *d)
{
    memset(d, 0, sizeof(*d));
}

void jm__store_textdict_done(struct jm__store_textdict *d)
{
    jm_free(d->slots);
    d->slots = NULL;
    d->slot_cap = 0;
    jm_free(d->hashes);
    d->hashes = NULL;
    d->hash_cap = 0;
    jm_free(d->by_wid);
    d->by_wid = NULL;
    d->wid_len = d->wid_cap = 0;
}

void jm__store_textdict_release(struct jm__store_textdict *d)
{
    jm__store_textdict_done(d);
    jm_free(d->e);
    jm_free(d->buf);
    memset(d, 0, sizeof(*d));
}

#define SLOT_HASH(v) ((uint32_t)((v) >> 32))
#define SLOT_ID(v)   ((uint32_t)(v))

/* Doubles the slots (never touching the texts: each slot carries its hash). */
static jm_status grow_slots(struct jm__store_textdict *d)
{
    size_t cap = d->slot_cap ? d->slot_cap * 2 : 64;
    uint64_t *slots = jm__store_calloc(cap, sizeof(*slots));
    if (!slots)
        return JM_ENOMEM;
    for (size_t i = 0; i < d->slot_cap; i++) {
        uint64_t v = d->slots[i];
        if (!v)
            continue;
        size_t j = SLOT_HASH(v) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = v;
    }
    jm_free(d->slots);
    d->slots = slots;
    d->slot_cap = cap;
    return JM_OK;
}

/* Makes the text buffer hold `need` bytes, doubling: growth moves it, so entries are offsets. */
static jm_status grow_buf(struct jm__store_textdict *d, size_t need)
{
    if (need <= d->buf_cap)
        return JM_OK;
    size_t cap = d->buf_cap ? d->buf_cap : 4096;
    while (cap < need)
        cap *= 2;
    char *p = jm__store_realloc(d->buf, cap);
    if (!p)
        return JM_ENOMEM;
    d->buf = p;
    d->buf_cap = cap;
    return JM_OK;
}

/* Makes room for `more` new texts without growing the slots on the way. */
static jm_status reserve(struct jm__store_textdict *d, size_t more)
{
    while ((d->n + more + 1) * 2 > d->slot_cap)
        if (grow_slots(d))
            return JM_ENOMEM;
    return JM_OK;
}

static uint32_t text_hash(const char *s, size_t len)
{
    return (uint32_t)jm__hash64(s, len, 0);
}

/* The id of text s[0..len) (len > 0) of hash `h`, added when new; room is reserved. */
static jm_status text_id(struct jm__store_textdict *d, const char *s, size_t len, uint32_t h,
                         uint32_t *out)
{
    size_t mask = d->slot_cap - 1, i = h & mask;
    for (; d->slots[i]; i = (i + 1) & mask) {
        uint64_t v = d->slots[i];
        const struct jm__store_text *e = &d->e[SLOT_ID(v)];
        if (SLOT_HASH(v) == h && e->len == len && memcmp(d->buf + e->at, s, len) == 0) {
            *out = SLOT_ID(v);
            return JM_OK;
        }
    }
    /* Id 0 is the missing value, "" at offset 0, with no text in the hash. */
    size_t at = d->buf_len ? d->buf_len : 1;
    if (jm_grow((void **)&d->e, &d->cap, d->n ? d->n + 1 : 2, sizeof(*d->e)) ||
        grow_buf(d, at + len + 1))
        return JM_ENOMEM;
    if (d->n == 0) {
        d->buf[0] = '\0';
        d->e[d->n++] = (struct jm__store_text){0, 0};
    }
    memcpy(d->buf + at, s, len);
    d->buf[at + len] = '\0';
    d->buf_len = at + len + 1;
    d->e[d->n] = (struct jm__store_text){at, (uint32_t)len};
    d->slots[i] = (uint64_t)h << 32 | d->n;
    *out = (uint32_t)d->n++;
    return JM_OK;
}

/* Workspace dictionary ids: the map is asked once per distinct id. */
static jm_status map_wids(struct jm__store_textdict *d, struct jm_storage *st,
                          const struct jm_event_segment *seg, enum jm_event_field f, uint32_t *out)
{
    const uint32_t *col = seg->dict[f];
    for (size_t i = 0; i < seg->n; i++) {
        uint32_t wid = col[i];
        if (wid == 0) {
            out[i] = 0;
            continue;
        }
        if (wid < d->wid_len && d->by_wid[wid]) {
            out[i] = d->by_wid[wid];
            continue;
        }
        const char *s;
        size_t len;
        jm_event_segment_text(st, seg, i, f, &s, &len);
        if (len == 0) {
            out[i] = 0; /* an id the workspace cannot name: treated as missing */
            continue;
        }
        if (wid >= d->wid_len) {
            if (jm_grow((void **)&d->by_wid, &d->wid_cap, (size_t)wid + 1, sizeof(*d->by_wid)))
                return JM_ENOMEM;
            memset(d->by_wid + d->wid_len, 0, (d->wid_cap - d->wid_len) * sizeof(*d->by_wid));
            d->wid_len = d->wid_cap;
        }
        if (reserve(d, 1) || text_id(d, s, len, text_hash(s, len), &d->by_wid[wid]))
            return JM_ENOMEM;
        out[i] = d->by_wid[wid];
    }
    return JM_OK;
}

/* How many events ahead map_heap() asks for a text's slot. */
#define AHEAD 16

/*
 * Heap texts: one hash per event, except for runs of an equal text. The hashes are computed
 * first, so each slot can be asked for well before it is probed: with about one new text per
 * event (message_id) every probe misses the cache, and those misses then overlap.
 */
static jm_status map_heap(struct jm__store_textdict *d, const struct jm_event_segment *seg,
                          enum jm_event_field f, uint32_t *out)
{
    const uint32_t *off = seg->heap_off[f];
    const char *heap = seg->heap[f];
    if (reserve(d, seg->n) || jm_grow((void **)&d->hashes, &d->hash_cap, seg->n, sizeof(uint32_t)))
        return JM_ENOMEM;
    uint32_t *h = d->hashes;
    for (size_t i = 0; i < seg->n; i++)
        h[i] = text_hash(heap + off[i], off[i + 1] - off[i]);
    size_t mask = d->slot_cap - 1;
    const char *last = NULL;
    size_t last_len = 0;
    uint32_t last_id = 0;
    for (size_t i = 0; i < seg->n; i++) {
        if (i + AHEAD < seg->n)
            __builtin_prefetch(&d->slots[h[i + AHEAD] & mask]);
        const char *s = heap + off[i];
        size_t len = off[i + 1] - off[i];
        if (len == 0) {
            out[i] = 0;
            continue;
        }
        if (!last || len != last_len || memcmp(s, last, len) != 0) {
            if (text_id(d, s, len, h[i], &last_id))
                return JM_ENOMEM;
            last = s;
            last_len = len;
        }
        out[i] = last_id;
    }
    return JM_OK;
}

jm_status jm__store_textdict_map(struct jm__store_textdict *d, struct jm_storage *st,
                                 const struct jm_event_segment *seg, enum jm_event_field f,
                                 uint32_t *out)
{
    if (seg->dict[f])
        return map_wids(d, st, seg, f, out);
    if (seg->heap_off[f])
        return map_heap(d, seg, f, out);
    memset(out, 0, seg->n * sizeof(*out));
    return JM_OK;
}
