/*
 * The event branch of jm_storage_put(): events never become rows. Each is checked against the
 * dedup key set, its references and dictionary values are resolved to integers, and it is
 * appended to the segment being built (segment.c), which sqlite.c writes every
 * JM_SEGMENT_EVENTS events and at commit.
 *
 * This is the hot path of an import (the goal is ~2M events/s), so in steady state it runs no
 * SQL and allocates nothing: references and dictionary values come from in-memory maps (a SQL
 * lookup or insert happens once per distinct value), runs of equal values skip even the hash
 * through the per-column `hit` cache, and the builder's arrays are sized for a full segment.
 *
 * Order matters for failure: everything that can fail (lookups, dictionary inserts, a segment
 * flush, memory) happens before the key is added to the set and the event to the segment, so a
 * rejected event leaves no trace but harmless dictionary entries. The duplicate check comes
 * after the lookups (so its cache miss overlaps them) but wins over their errors: a repeat is
 * UNCHANGED, as if it had been checked first.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "storage/internal.h"

/* Longest text or properties of one event: far above any field's max_len, below int range. */
#define JM__TEXT_MAX ((size_t)1 << 28)

static bool is_text(const struct jm_value *v)
{
    return v->kind == JM_V_TEXT && v->len > 0;
}

static jm_status check_kind(const struct jm_value *v, enum jm_vkind want, const char *name,
                            struct jm_error *err)
{
    if (v->kind == JM_V_TEXT && v->len > JM__TEXT_MAX)
        return jm_error_set(err, JM_ELIMIT, "event %s is too long", name);
    if (v->kind == JM_V_ABSENT || v->kind == JM_V_MISSING || v->kind == want)
        return JM_OK;
    if (want == JM_V_REAL && v->kind == JM_V_INT)
        return JM_OK;
    return jm_error_set(err, JM_EINVAL, "event %s has a value of the wrong type", name);
}

static jm_status event_validate(const struct jm_record *rec, struct jm_error *err)
{
    const struct jm_field_def *fields = rec->def->fields;
    if (rec->v[JM_EV_TIME].kind != JM_V_TIME)
        return jm_error_set(err, JM_EINVAL, "event time is required");
    if (!is_text(&rec->v[JM_EV_TOUCHPOINT]))
        return jm_error_set(err, JM_EINVAL, "event touchpoint is required");
    for (int f = 0; f < JM_EV__COUNT; f++) {
        enum jm_vkind want = JM_V_TEXT;
        if (fields[f].type == JM_FT_REAL)
            want = JM_V_REAL;
        else if (fields[f].type == JM_FT_TIME)
            want = JM_V_TIME;
        jm_status rc = check_kind(&rec->v[f], want, fields[f].name, err);
        if (rc)
            return rc;
    }
    if (rec->props && rec->props_len > JM__TEXT_MAX)
        return jm_error_set(err, JM_ELIMIT, "event properties are too long");
    return JM_OK;
}

static bool hit_matches(const struct jm__hit *h, const struct jm_value *v)
{
    return h->s && h->len == v->len && memcmp(h->s, v->s, v->len) == 0;
}

static jm_status id_limit(uint64_t id, const char *what, struct jm_error *err)
{
    if (id > UINT32_MAX)
        return jm_error_set(err, JM_ELIMIT, "%s id %llu does not fit an event segment", what,
                            (unsigned long long)id);
    return JM_OK;
}

/* The rowid of the account or contact of column `c`, 0 when the event has none. */
static jm_status resolve_ref(struct jm_storage *st, const struct jm_record *rec, int c,
                             enum jm_entity kind, uint32_t *out, struct jm_error *err)
{
    const struct jm_value *v = &rec->v[jm__segcols[c].field];
    struct jm__hit *h = &st->hit[c];
    *out = 0;
    if (!is_text(v))
        return JM_OK;
    if (hit_matches(h, v)) {
        *out = h->id;
        return JM_OK;
    }
    uint64_t rowid;
    const char *key;
    jm_status rc = jm__storage_ref(st, kind, v->s, v->len, &rowid, &key, err);
    if (!rc)
        rc = id_limit(rowid, jm_entity_get(kind)->singular, err);
    if (rc)
        return rc;
    *h = (struct jm__hit){key, v->len, (uint32_t)rowid};
    *out = (uint32_t)rowid;
    return JM_OK;
}

static jm_status resolve_dict(struct jm_storage *st, const struct jm_record *rec, int c,
                              uint32_t *out, struct jm_error *err)
{
    const struct jm_value *v = &rec->v[jm__segcols[c].field];
    struct jm__hit *h = &st->hit[c];
    *out = 0;
    if (!is_text(v))
        return JM_OK;
    if (hit_matches(h, v)) {
        *out = h->id;
        return JM_OK;
    }
    uint64_t id;
    const char *key;
    jm_status rc = jm__storage_dict_id(st, v->s, v->len, &id, &key, err);
    if (!rc)
        rc = id_limit(id, "dictionary", err);
    if (rc)
        return rc;
    *h = (struct jm__hit){key, v->len, (uint32_t)id};
    *out = (uint32_t)id;
    return JM_OK;
}

static double real_or_nan(const struct jm_value *v)
{
    if (v->kind == JM_V_REAL)
        return v->r;
    if (v->kind == JM_V_INT)
        return (double)v->i;
    return NAN;
}

/* Fills `row` from `rec`, resolving references and dictionary values. */
static jm_status build_row(struct jm_storage *st, const struct jm_record *rec,
                           struct jm__segrow *row, struct jm_error *err)
{
    row->time = rec->v[JM_EV_TIME].i;
    jm_status rc =
        resolve_ref(st, rec, JM_SC_ACCOUNT, JM_ENT_ACCOUNT, &row->u32[JM_SC_ACCOUNT], err);
    if (!rc)
        rc = resolve_ref(st, rec, JM_SC_CONTACT, JM_ENT_CONTACT, &row->u32[JM_SC_CONTACT], err);
    for (int c = JM_SC_TOUCHPOINT; c <= JM_SC_CURRENCY && !rc; c++)
        rc = resolve_dict(st, rec, c, &row->u32[c], err);
    if (rc)
        return rc;
    row->f64[JM_SC_VALUE] = real_or_nan(&rec->v[JM_EV_VALUE]);
    row->f64[JM_SC_SENTIMENT] = real_or_nan(&rec->v[JM_EV_SENTIMENT]);
    for (int c = JM_SC_MESSAGE_ID; c < JM_SC_PROPERTIES; c++) {
        const struct jm_value *v = &rec->v[jm__segcols[c].field];
        row->s[c] = is_text(v) ? v->s : NULL;
        row->len[c] = is_text(v) ? v->len : 0;
    }
    bool props = rec->props && rec->props_len;
    row->s[JM_SC_PROPERTIES] = props ? rec->props : NULL;
    row->len[JM_SC_PROPERTIES] = props ? rec->props_len : 0;
    return JM_OK;
}

/*
 * Starts loading the key set's slot for `key` into cache. The set is far larger than the cache
 * for big imports, so its probe is a cache miss; issued here, the miss overlaps with the
 * reference and dictionary lookups. This mirrors u64set_find()'s first slot (base/hash.c): if
 * that changes, the prefetch is merely wasted.
 */
static void prefetch_key(const struct jm_u64set *set, uint64_t key)
{
    if (set->cap)
        __builtin_prefetch(&set->slots[jm__mix64(key) & (set->cap - 1)]);
}

jm_status jm__event_put(struct jm_storage *st, const struct jm_record *rec,
                        enum jm_put_outcome *outcome, struct jm_error *err)
{
    jm_status rc = event_validate(rec, err);
    if (!rc && !st->keys_loaded)
        rc = jm__storage_load_keys(st, err);
    if (rc)
        return rc;
    struct jm__segrow row;
    row.key = jm_event_key(rec);
    prefetch_key(&st->keys, row.key);
    rc = build_row(st, rec, &row, err);
    /* A repeat is UNCHANGED even when its references would not resolve. */
    if (jm__u64set_has(&st->keys, row.key)) {
        jm_error_clear(err);
        *outcome = JM_PUT_UNCHANGED;
        return JM_OK;
    }
    if (!rc && !jm__segbuf_fits(&st->build, &row))
        rc = jm__storage_flush(st, err);
    if (rc)
        return rc;
    rc = jm__segbuf_reserve(&st->build, &row);
    if (rc == JM_ELIMIT)
        return jm_error_set(err, rc, "event text is too long for one segment");
    bool added;
    if (!rc)
        rc = jm__u64set_add(&st->keys, row.key, &added);
    if (rc)
        return jm_error_set(err, rc, "out of memory");
    st->dirty |= JM__DIRTY_KEYS;
    jm__segbuf_append(&st->build, &row);
    *outcome = JM_PUT_INSERTED;
    return JM_OK;
}

jm_status jm_storage_row_id(struct jm_storage *st, enum jm_entity kind, const char *id, size_t len,
                            uint32_t *rowid, struct jm_error *err)
{
    *rowid = 0;
    if (!st || !id || (kind != JM_ENT_ACCOUNT && kind != JM_ENT_CONTACT))
        return jm_error_set(err, JM_EINVAL, "row ids are for accounts and contacts");
    uint64_t r;
    const char *key;
    jm_status rc = jm__storage_ref(st, kind, id, len, &r, &key, err);
    if (!rc)
        rc = id_limit(r, jm_entity_get(kind)->singular, err);
    if (!rc)
        *rowid = (uint32_t)r;
    return rc;
}
