/*
 * Compaction of event segments: jm_storage_compact_events().
 *
 * An import writes full segments (JM_SEGMENT_EVENTS events), but live ingest commits a
 * handful of events at a time and each commit ends with a segment of its own. Thousands of
 * tiny segments would make every store load pay a row, a decode and a dozen BLOB headers per
 * handful of events, and bloat the file with per-segment overhead. Compaction takes the
 * trailing run of small segments, decodes them, appends their events (already resolved:
 * rowids and dictionary ids, so nothing is looked up again) to the connection's segment
 * builder, deletes the old rows and lets the commit write the builder as one segment.
 *
 * Only a trailing run is merged, so the order of events across segments is kept, and the run
 * is capped at one segment's worth, so the builder never flushes while the old rows are read.
 * The dedup key set is untouched: the keys are the same keys.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>

#include "storage/internal.h"

/* A segment under this many events is small. */
#define SMALL_EVENTS (JM_SEGMENT_EVENTS / 16)
/* How many trailing segments one compaction looks at. */
#define RUN_MAX 4096

static const char sql_tail[] = "SELECT id, n FROM event_segments ORDER BY id DESC LIMIT 4096";
/* The columns in jm__segcols order (segment.c), after id, n, min_time, max_time. */
static const char sql_read[] =
    "SELECT id, n, min_time, max_time, key, time, account, contact, touchpoint, channel, "
    "utm_source, utm_medium, utm_campaign, utm_content, utm_term, currency, value, sentiment, "
    "message_id, anonymous_id, url, referrer, properties FROM event_segments WHERE id >= ?1 "
    "ORDER BY id";
static const char sql_delete[] = "DELETE FROM event_segments WHERE id >= ?1";

struct run {
    int64_t first; /* lowest id of the run */
    size_t segments, events;
    bool closed; /* a segment that cannot join was seen */
};

static jm_status tail_row(const struct jm__sqlval *col, int ncol, void *arg)
{
    struct run *r = arg;
    (void)ncol;
    size_t n = (size_t)col[1].i;
    if (r->closed || n >= SMALL_EVENTS || r->events + n > JM_SEGMENT_EVENTS) {
        r->closed = true;
        return JM_OK;
    }
    r->first = col[0].i;
    r->segments++;
    r->events += n;
    return JM_OK;
}

struct merge {
    struct jm_storage *st;
    struct jm__segread read;
    struct jm_error *err;
    bool too_big; /* the run does not fit one segment after all (long texts) */
};

/* Event `i` of a decoded segment as the builder takes it. */
static void segment_row(const struct jm_event_segment *seg, size_t i, struct jm__segrow *row)
{
    memset(row, 0, sizeof(*row));
    row->key = seg->key[i];
    row->time = seg->time[i];
    for (int c = JM_SC_ACCOUNT; c <= JM_SC_CURRENCY; c++) {
        int f = jm__segcols[c].field;
        const uint32_t *col = c == JM_SC_ACCOUNT   ? seg->account
                              : c == JM_SC_CONTACT ? seg->contact
                                                   : seg->dict[f];
        row->u32[c] = col ? col[i] : 0;
    }
    row->f64[JM_SC_VALUE] = seg->value ? seg->value[i] : NAN;
    row->f64[JM_SC_SENTIMENT] = seg->sentiment ? seg->sentiment[i] : NAN;
    for (int c = JM_SC_MESSAGE_ID; c < JM_SC__COUNT; c++) {
        int f = jm__segcols[c].field;
        const uint32_t *off = f >= 0 ? seg->heap_off[f] : seg->props_off;
        const char *heap = f >= 0 ? seg->heap[f] : seg->props;
        if (off && off[i + 1] > off[i]) {
            row->s[c] = heap + off[i];
            row->len[c] = off[i + 1] - off[i];
        }
    }
}

_Static_assert(4 + JM_SC__COUNT <= JM__SQL_MAXCOL, "a segment row must fit jm__storage_exec");

static jm_status merge_row(const struct jm__sqlval *col, int ncol, void *arg)
{
    struct merge *m = arg;
    struct jm__segblobs raw = {col[0].i, (size_t)col[1].i, col[2].i, col[3].i, {0}, {0}};
    for (int c = 0; c < JM_SC__COUNT && 4 + c < ncol; c++) {
        const struct jm__sqlval *v = &col[4 + c];
        raw.data[c] = v->type == JM_SQL_NULL ? NULL : v->s;
        raw.len[c] = v->type == JM_SQL_NULL ? 0 : v->len;
    }
    char why[128];
    if (jm__segread_decode(&m->read, &raw, why, sizeof(why)))
        return jm_error_set(m->err, JM_ESTORAGE, "event segment %lld is corrupt: %s",
                            (long long)raw.id, why);
    const struct jm_event_segment *seg = &m->read.seg;
    for (size_t i = 0; i < seg->n; i++) {
        struct jm__segrow row;
        segment_row(seg, i, &row);
        if (!jm__segbuf_fits(&m->st->build, &row)) {
            m->too_big = true;
            return JM_EINVAL; /* stops the read; the caller rolls back */
        }
        jm_status rc = jm__segbuf_reserve(&m->st->build, &row);
        if (rc)
            return jm_error_set(m->err, rc, "out of memory");
        jm__segbuf_append(&m->st->build, &row);
    }
    return JM_OK;
}

/* Rewrites the run of segments from `first` on as one pending segment. */
static jm_status merge_run(struct jm_storage *st, int64_t first, bool *too_big,
                           struct jm_error *err)
{
    struct merge m;
    memset(&m, 0, sizeof(m));
    m.st = st;
    m.err = err;
    struct jm__sqlval arg = jm__sql_int(first);
    jm_status rc = jm__storage_exec(st, sql_read, &arg, 1, merge_row, &m, NULL, err);
    jm__segread_release(&m.read);
    *too_big = m.too_big;
    if (!rc)
        rc = jm__storage_exec(st, sql_delete, &arg, 1, NULL, NULL, NULL, err);
    return rc;
}

jm_status jm_storage_compact_events(struct jm_storage *st, unsigned *merged, struct jm_error *err)
{
    if (merged)
        *merged = 0;
    if (!st)
        return jm_error_set(err, JM_EINVAL, "no workspace");
    if (st->in_tx)
        return jm_error_set(err, JM_EINVAL, "cannot compact inside an open transaction");
    jm_status rc = jm_storage_begin(st, err);
    if (rc)
        return rc;
    struct run r = {0, 0, 0, false};
    bool too_big = false;
    rc = jm__storage_exec(st, sql_tail, NULL, 0, tail_row, &r, NULL, err);
    if (!rc && r.segments >= 2)
        rc = merge_run(st, r.first, &too_big, err);
    if (rc || r.segments < 2) {
        jm_storage_rollback(st);
        return too_big ? JM_OK : rc;
    }
    rc = jm_storage_commit(st, err);
    if (!rc && merged)
        *merged = (unsigned)r.segments - 1;
    return rc;
}
