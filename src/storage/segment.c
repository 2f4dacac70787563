/*
 * Event segments: up to JM_SEGMENT_EVENTS events stored as one row of event_segments, one BLOB
 * per column (storage.h). This file builds them in memory, lays them out for writing and
 * decodes them for reading; it runs no SQL.
 *
 * Stored layout of a segment of n events (all numbers little-endian):
 *
 *   key          u64[n]        time         i64[n]
 *   account      u32[n]        contact      u32[n]        rowids, 0 = none
 *   touchpoint .. currency     u32[n] each                dict ids, 0 = missing
 *   value        f64[n]        sentiment    f64[n]        NaN = missing
 *   message_id .. properties   one string heap each:
 *                +--------------------------+------------------------------+
 *                | u32 off[0] .. off[n]     | bytes of event 0, 1, ... n-1 |
 *                +--------------------------+------------------------------+
 *                event i is bytes[off[i] .. off[i+1]); off[0] = 0, off[n] = byte count
 *   A column whose every value is missing is stored as NULL (most sources lack some of them).
 *
 * The builder keeps each fixed-width column as a plain array sized for a full segment, so an
 * append is a few stores and a full segment is written straight from them. A heap column is
 * one buffer whose front is reserved for the offsets of a full segment:
 *
 *   buf: [ off[0 .. JM_SEGMENT_EVENTS] (reserved) | bytes ............ ]
 *
 * A full segment is then already in its stored layout; a shorter one (the last of an import)
 * has its bytes moved down behind off[n] when encoded, and moved back if the write fails.
 *
 * Reading copies the fixed-width columns into aligned arrays (SQLite gives no alignment
 * guarantee for BLOBs) and leaves the heap bytes in place.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "storage/internal.h"

const struct jm__segcol_def jm__segcols[JM_SC__COUNT] = {
    {"key", JM_CK_U64, -1},
    {"time", JM_CK_I64, JM_EV_TIME},
    {"account", JM_CK_REF, JM_EV_ACCOUNT},
    {"contact", JM_CK_REF, JM_EV_CONTACT},
    {"touchpoint", JM_CK_DICT, JM_EV_TOUCHPOINT},
    {"channel", JM_CK_DICT, JM_EV_CHANNEL},
    {"utm_source", JM_CK_DICT, JM_EV_UTM_SOURCE},
    {"utm_medium", JM_CK_DICT, JM_EV_UTM_MEDIUM},
    {"utm_campaign", JM_CK_DICT, JM_EV_UTM_CAMPAIGN},
    {"utm_content", JM_CK_DICT, JM_EV_UTM_CONTENT},
    {"utm_term", JM_CK_DICT, JM_EV_UTM_TERM},
    {"currency", JM_CK_DICT, JM_EV_CURRENCY},
    {"value", JM_CK_F64, JM_EV_VALUE},
    {"sentiment", JM_CK_F64, JM_EV_SENTIMENT},
    {"message_id", JM_CK_HEAP, JM_EV_MESSAGE_ID},
    {"anonymous_id", JM_CK_HEAP, JM_EV_ANONYMOUS_ID},
    {"url", JM_CK_HEAP, JM_EV_URL},
    {"referrer", JM_CK_HEAP, JM_EV_REFERRER},
    {"properties", JM_CK_HEAP, -1},
};

#define SEG_MAX JM_SEGMENT_EVENTS
/* Room reserved at the front of a heap buffer for the offsets of a full segment. */
#define HEAP_RESERVED ((size_t)(SEG_MAX + 1) * 4)
/*
 * Heap bytes of one segment, all columns together. SQLite refuses rows over 10^9 bytes
 * (SQLITE_MAX_LENGTH); a segment of long urls is cut short before it gets near.
 */
#define HEAP_TOTAL_MAX ((size_t)1 << 29)

/* ---------------------------------------------------------------- arrays */

static size_t col_bytes(enum jm__colkind k, bool offsets)
{
    switch (k) {
    case JM_CK_U64:
    case JM_CK_I64:
    case JM_CK_F64:
        return 8 * (size_t)SEG_MAX;
    case JM_CK_REF:
    case JM_CK_DICT:
        return 4 * (size_t)SEG_MAX;
    case JM_CK_HEAP:
        return offsets ? (4 * ((size_t)SEG_MAX + 1) + 7) & ~(size_t)7 : 0;
    }
    return 0;
}

/* Allocates every fixed-width column in one block (heap offsets only for readers). */
static jm_status arrays_alloc(struct jm__segarrays *a, bool offsets)
{
    if (a->block)
        return JM_OK;
    size_t total = 0;
    for (int c = 0; c < JM_SC__COUNT; c++)
        total += col_bytes(jm__segcols[c].kind, offsets);
    unsigned char *p = jm_malloc(total);
    if (!p)
        return JM_ENOMEM;
    a->block = p;
    for (int c = 0; c < JM_SC__COUNT; c++) {
        enum jm__colkind k = jm__segcols[c].kind;
        if (k == JM_CK_U64)
            a->key = (uint64_t *)(void *)p;
        else if (k == JM_CK_I64)
            a->time = (int64_t *)(void *)p;
        else if (k == JM_CK_F64)
            a->f64[c] = (double *)(void *)p;
        else if (k == JM_CK_HEAP && offsets)
            a->off[c] = (uint32_t *)(void *)p;
        else if (k == JM_CK_REF || k == JM_CK_DICT)
            a->u32[c] = (uint32_t *)(void *)p;
        p += col_bytes(k, offsets);
    }
    return JM_OK;
}

static void arrays_free(struct jm__segarrays *a)
{
    jm_free(a->block);
    memset(a, 0, sizeof(*a));
}

/* ---------------------------------------------------------------- builder */

static uint32_t *heap_offsets(struct jm__heap *h)
{
    return (uint32_t *)(void *)h->buf;
}

void jm__segbuf_release(struct jm__segbuf *b)
{
    arrays_free(&b->a);
    for (int c = 0; c < JM_SC__COUNT; c++)
        jm_free(b->heap[c].buf);
    memset(b, 0, sizeof(*b));
}

void jm__segbuf_reset(struct jm__segbuf *b)
{
    b->n = 0;
    b->heap_bytes = 0;
    b->present = 0;
    b->min_time = INT64_MAX;
    b->max_time = INT64_MIN;
    for (int c = 0; c < JM_SC__COUNT; c++) {
        struct jm__heap *h = &b->heap[c];
        if (h->buf)
            h->len = HEAP_RESERVED;
        h->moved = 0;
    }
}

bool jm__segbuf_fits(const struct jm__segbuf *b, const struct jm__segrow *row)
{
    if (b->n == 0)
        return true;
    if (b->n >= SEG_MAX)
        return false;
    size_t add = 0;
    for (int c = JM_SC_MESSAGE_ID; c < JM_SC__COUNT; c++)
        add += row->len[c];
    return b->heap_bytes + add <= HEAP_TOTAL_MAX;
}

static jm_status heap_reserve(struct jm__heap *h, size_t add)
{
    size_t used = h->buf ? h->len : HEAP_RESERVED;
    if (add > UINT32_MAX - (used - HEAP_RESERVED))
        return JM_ELIMIT;
    void *p = h->buf;
    jm_status rc = jm_grow(&p, &h->cap, used + add, 1);
    if (rc)
        return rc;
    if (!h->buf) {
        h->len = HEAP_RESERVED;
        ((uint32_t *)p)[0] = 0;
    }
    h->buf = p;
    return JM_OK;
}

jm_status jm__segbuf_reserve(struct jm__segbuf *b, const struct jm__segrow *row)
{
    if (!b->a.block) {
        jm_status rc = arrays_alloc(&b->a, false);
        if (rc)
            return rc;
        jm__segbuf_reset(b);
    }
    for (int c = JM_SC_MESSAGE_ID; c < JM_SC__COUNT; c++) {
        jm_status rc = heap_reserve(&b->heap[c], row->len[c]);
        if (rc)
            return rc;
    }
    return JM_OK;
}

void jm__segbuf_append(struct jm__segbuf *b, const struct jm__segrow *row)
{
    size_t i = b->n;
    b->a.key[i] = row->key;
    b->a.time[i] = row->time;
    if (row->time < b->min_time)
        b->min_time = row->time;
    if (row->time > b->max_time)
        b->max_time = row->time;
    for (int c = JM_SC_ACCOUNT; c <= JM_SC_CURRENCY; c++) {
        b->a.u32[c][i] = row->u32[c];
        if (row->u32[c])
            b->present |= UINT32_C(1) << c;
    }
    for (int c = JM_SC_VALUE; c <= JM_SC_SENTIMENT; c++) {
        b->a.f64[c][i] = row->f64[c];
        if (!isnan(row->f64[c]))
            b->present |= UINT32_C(1) << c;
    }
    for (int c = JM_SC_MESSAGE_ID; c < JM_SC__COUNT; c++) {
        struct jm__heap *h = &b->heap[c];
        if (row->len[c]) {
            memcpy(h->buf + h->len, row->s[c], row->len[c]);
            h->len += row->len[c];
            b->heap_bytes += row->len[c];
            b->present |= UINT32_C(1) << c;
        }
        heap_offsets(h)[i + 1] = (uint32_t)(h->len - HEAP_RESERVED);
    }
    b->n++;
}

void jm__segbuf_encode(struct jm__segbuf *b, struct jm__segblobs *out)
{
    size_t n = b->n;
    memset(out, 0, sizeof(*out));
    out->n = n;
    out->min_time = b->min_time;
    out->max_time = b->max_time;
    out->data[JM_SC_KEY] = b->a.key;
    out->len[JM_SC_KEY] = 8 * n;
    out->data[JM_SC_TIME] = b->a.time;
    out->len[JM_SC_TIME] = 8 * n;
    for (int c = JM_SC_ACCOUNT; c < JM_SC__COUNT; c++) {
        if (!(b->present & (UINT32_C(1) << c)))
            continue;
        enum jm__colkind k = jm__segcols[c].kind;
        if (k == JM_CK_F64) {
            out->data[c] = b->a.f64[c];
            out->len[c] = 8 * n;
        } else if (k != JM_CK_HEAP) {
            out->data[c] = b->a.u32[c];
            out->len[c] = 4 * n;
        } else {
            struct jm__heap *h = &b->heap[c];
            size_t head = 4 * (n + 1), bytes = h->len - HEAP_RESERVED;
            h->moved = HEAP_RESERVED - head;
            if (h->moved)
                memmove(h->buf + head, h->buf + HEAP_RESERVED, bytes);
            out->data[c] = h->buf;
            out->len[c] = head + bytes;
        }
    }
}

void jm__segbuf_unencode(struct jm__segbuf *b)
{
    size_t head = 4 * (b->n + 1);
    for (int c = JM_SC_MESSAGE_ID; c < JM_SC__COUNT; c++) {
        struct jm__heap *h = &b->heap[c];
        if (h->moved)
            memmove(h->buf + HEAP_RESERVED, h->buf + head, h->len - HEAP_RESERVED);
        h->moved = 0;
    }
}

/* ---------------------------------------------------------------- reader */

void jm__segread_release(struct jm__segread *r)
{
    arrays_free(&r->a);
    memset(&r->seg, 0, sizeof(r->seg));
}

/* Copies a fixed-width column, or fills it with `missing` bytes when stored as NULL. */
static bool decode_fixed(const struct jm__segblobs *raw, int c, size_t width, void *dst,
                         int missing, char *why, size_t whylen)
{
    size_t want = width * raw->n;
    if (!raw->data[c]) {
        if (c == JM_SC_KEY || c == JM_SC_TIME) {
            snprintf(why, whylen, "column %s is NULL", jm__segcols[c].name);
            return false;
        }
        memset(dst, missing, want);
        return true;
    }
    if (raw->len[c] != want) {
        snprintf(why, whylen, "column %s has %zu bytes, expected %zu for %zu events",
                 jm__segcols[c].name, raw->len[c], want, raw->n);
        return false;
    }
    memcpy(dst, raw->data[c], want);
    return true;
}

static bool decode_heap(const struct jm__segblobs *raw, int c, uint32_t *off, const char **heap,
                        char *why, size_t whylen)
{
    size_t n = raw->n, head = 4 * (n + 1);
    if (!raw->data[c]) {
        memset(off, 0, head);
        *heap = "";
        return true;
    }
    if (raw->len[c] < head) {
        snprintf(why, whylen, "column %s has %zu bytes, too short for %zu offsets",
                 jm__segcols[c].name, raw->len[c], n + 1);
        return false;
    }
    memcpy(off, raw->data[c], head);
    size_t bytes = raw->len[c] - head;
    for (size_t i = 0; i <= n; i++) {
        if (i == 0 ? off[0] != 0 : off[i] < off[i - 1]) {
            snprintf(why, whylen, "column %s has a bad offset at event %zu", jm__segcols[c].name,
                     i);
            return false;
        }
    }
    if (off[n] != bytes) {
        snprintf(why, whylen, "column %s ends at %u but holds %zu bytes", jm__segcols[c].name,
                 (unsigned)off[n], bytes);
        return false;
    }
    *heap = (const char *)raw->data[c] + head;
    return true;
}

static bool decode_column(struct jm__segread *r, const struct jm__segblobs *raw, int c, char *why,
                          size_t whylen)
{
    struct jm_event_segment *s = &r->seg;
    int f = jm__segcols[c].field;
    switch (jm__segcols[c].kind) {
    case JM_CK_U64:
        return decode_fixed(raw, c, 8, r->a.key, 0, why, whylen);
    case JM_CK_I64:
        return decode_fixed(raw, c, 8, r->a.time, 0, why, whylen);
    case JM_CK_REF:
    case JM_CK_DICT:
        return decode_fixed(raw, c, 4, r->a.u32[c], 0, why, whylen);
    case JM_CK_F64:
        if (!raw->data[c]) {
            for (size_t i = 0; i < raw->n; i++)
                r->a.f64[c][i] = NAN;
            return true;
        }
        return decode_fixed(raw, c, 8, r->a.f64[c], 0, why, whylen);
    case JM_CK_HEAP:
        if (f < 0)
            return decode_heap(raw, c, r->a.off[c], &s->props, why, whylen);
        return decode_heap(raw, c, r->a.off[c], &s->heap[f], why, whylen);
    }
    return false;
}

static void fill_segment(struct jm__segread *r, size_t n)
{
    struct jm_event_segment *s = &r->seg;
    s->n = n;
    s->key = r->a.key;
    s->time = r->a.time;
    s->account = r->a.u32[JM_SC_ACCOUNT];
    s->contact = r->a.u32[JM_SC_CONTACT];
    s->value = r->a.f64[JM_SC_VALUE];
    s->sentiment = r->a.f64[JM_SC_SENTIMENT];
    for (int c = 0; c < JM_SC__COUNT; c++) {
        int f = jm__segcols[c].field;
        if (jm__segcols[c].kind == JM_CK_DICT)
            s->dict[f] = r->a.u32[c];
        else if (jm__segcols[c].kind == JM_CK_HEAP && f >= 0)
            s->heap_off[f] = r->a.off[c];
        else if (jm__segcols[c].kind == JM_CK_HEAP)
            s->props_off = r->a.off[c];
    }
}

jm_status jm__segread_decode(struct jm__segread *r, const struct jm__segblobs *raw, char *why,
                             size_t whylen)
{
    if (arrays_alloc(&r->a, true))
        return JM_ENOMEM;
    memset(&r->seg, 0, sizeof(r->seg));
    if (raw->n == 0 || raw->n > SEG_MAX) {
        snprintf(why, whylen, "it claims %zu events (1 to %d allowed)", raw->n, SEG_MAX);
        return JM_ESTORAGE;
    }
    for (int c = 0; c < JM_SC__COUNT; c++)
        if (!decode_column(r, raw, c, why, whylen))
            return JM_ESTORAGE;
    fill_segment(r, raw->n);
    return JM_OK;
}

/* ---------------------------------------------------------------- text */

static void name_at(const struct jm__names *names, uint32_t id, const char **s, size_t *len)
{
    if (id && id < names->cap && names->by_id[id].s) {
        *s = names->by_id[id].s;
        *len = names->by_id[id].len;
    }
}

void jm_event_segment_text(struct jm_storage *st, const struct jm_event_segment *seg, size_t i,
                           enum jm_event_field f, const char **s, size_t *len)
{
    *s = "";
    *len = 0;
    if (!seg || i >= seg->n || (unsigned)f >= JM_EV__COUNT)
        return;
    if (seg->dict[f]) {
        name_at(&st->dict, seg->dict[f][i], s, len);
    } else if (seg->heap_off[f]) {
        const uint32_t *off = seg->heap_off[f];
        *s = seg->heap[f] + off[i];
        *len = off[i + 1] - off[i];
    } else if (f == JM_EV_ACCOUNT) {
        name_at(&st->names[JM_ENT_ACCOUNT], seg->account[i], s, len);
    } else if (f == JM_EV_CONTACT) {
        name_at(&st->names[JM_ENT_CONTACT], seg->contact[i], s, len);
    }
}

void jm_event_segment_props(const struct jm_event_segment *seg, size_t i, const char **s,
                            size_t *len)
{
    *s = "";
    *len = 0;
    if (!seg || i >= seg->n || !seg->props_off)
        return;
    *s = seg->props + seg->props_off[i];
    *len = seg->props_off[i + 1] - seg->props_off[i];
}
