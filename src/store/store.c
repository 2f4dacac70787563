/*
 * The analytic event store (include/journeymap/store.h): accessors and freeing. Loading is in
 * load.c and sort.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "store/internal.h"

void jm_store_free(struct jm_store *s)
{
    if (!s)
        return;
    jm_free(s->time_us);
    jm_free(s->contact);
    jm_free(s->touchpoint);
    jm_free(s->channel);
    jm_free(s->account_start);
    for (int d = 0; d < JM_STORE__DICTS; d++)
        jm_free(s->dict[d].e);
    jm_arena_release(&s->strings);
    for (int f = 0; f < JM_EV__COUNT; f++) {
        jm_free(s->text[f]);
        jm_free(s->num[f]);
        jm__store_textdict_release(&s->tdict[f]);
    }
    jm_free(s->props_at);
    jm_free(s->props_len);
    jm_free(s->props_buf);
    jm_free(s);
}

/* ---------------------------------------------------------------- accessors */

const struct jm_store_columns *jm_store_columns(const struct jm_store *s)
{
    return &s->cols;
}

size_t jm_store_events(const struct jm_store *s)
{
    return s->cols.n;
}

size_t jm_store_accounts(const struct jm_store *s)
{
    return s->cols.n_accounts;
}

size_t jm_store_contacts(const struct jm_store *s)
{
    return s->dict[JM_STORE_CONTACT].n - 1;
}

void jm_store_account_slice(const struct jm_store *s, size_t a, size_t *begin, size_t *end)
{
    if (a > s->cols.n_accounts) {
        *begin = *end = 0;
        return;
    }
    *begin = s->account_start[a];
    *end = s->account_start[a + 1];
}

size_t jm_store_dict_size(const struct jm_store *s, enum jm_store_dict d)
{
    return (unsigned)d < JM_STORE__DICTS ? s->dict[d].n : 0;
}

const char *jm_store_text(const struct jm_store *s, enum jm_store_dict d, size_t i, size_t *len)
{
    const struct jm__store_entry *e = NULL;
    if ((unsigned)d < JM_STORE__DICTS && i < s->dict[d].n)
        e = &s->dict[d].e[i];
    if (len)
        *len = e ? e->len : 0;
    return e ? e->s : "";
}

/* Compares text a[0..alen) with entry `e`: memcmp order, a prefix before its extensions. */
static int text_cmp(const char *a, size_t alen, const struct jm__store_entry *e)
{
    size_t len = alen < e->len ? alen : e->len;
    int c = memcmp(a, e->s, len);
    if (c)
        return c;
    return (alen > e->len) - (alen < e->len);
}

/*
 * A binary search of the sorted dictionary: lookups are rare (filters, names typed by a user),
 * so a hash index, built for every load, would cost more than it saves.
 */
int64_t jm_store_lookup(const struct jm_store *s, enum jm_store_dict d, const char *str, size_t len)
{
    if ((unsigned)d >= JM_STORE__DICTS || len == 0)
        return -1;
    const struct jm__store_dict *dict = &s->dict[d];
    size_t lo = d == JM_STORE_ACCOUNT ? 0 : 1, hi = dict->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = text_cmp(str, len, &dict->e[mid]);
        if (c == 0)
            return (int64_t)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

double jm_store_bytes_per_event(const struct jm_store *s)
{
    size_t n = s->cols.n;
    if (n == 0)
        return 0;
    size_t per =
        sizeof(*s->time_us) + sizeof(*s->contact) + sizeof(*s->touchpoint) + sizeof(*s->channel);
    size_t bytes = n * per + (s->cols.n_accounts + 2) * sizeof(*s->account_start);
    return (double)bytes / (double)n;
}

size_t jm_store_bytes_total(const struct jm_store *s)
{
    size_t n = s->cols.n;
    size_t per =
        sizeof(*s->time_us) + sizeof(*s->contact) + sizeof(*s->touchpoint) + sizeof(*s->channel);
    for (int f = 0; f < JM_EV__COUNT; f++) {
        if (s->text[f])
            per += sizeof(*s->text[f]);
        if (s->num[f])
            per += sizeof(*s->num[f]);
    }
    if (s->props)
        per += sizeof(*s->props_at) + sizeof(*s->props_len);
    return n * per + (s->cols.n_accounts + 2) * sizeof(*s->account_start) + s->props_bytes;
}

/* ---------------------------------------------------------------- extra columns */

const uint32_t *jm_store_field(const struct jm_store *s, enum jm_event_field f)
{
    return jm__store_has(s, JM__STORE_TEXT_FIELDS, f) ? s->text[f] : NULL;
}

size_t jm_store_field_dict_size(const struct jm_store *s, enum jm_event_field f)
{
    if (!jm__store_has(s, JM__STORE_TEXT_FIELDS, f))
        return 0;
    /* A column without any text has only the missing id, and no entry for it yet. */
    return s->tdict[f].n ? s->tdict[f].n : 1;
}

const char *jm_store_field_text(const struct jm_store *s, enum jm_event_field f, uint32_t id,
                                size_t *len)
{
    const struct jm__store_textdict *d = &s->tdict[f];
    const struct jm__store_text *e = NULL;
    if (jm__store_has(s, JM__STORE_TEXT_FIELDS, f) && id < d->n)
        e = &d->e[id];
    if (len)
        *len = e ? e->len : 0;
    return e ? d->buf + e->at : "";
}

const double *jm_store_number(const struct jm_store *s, enum jm_event_field f)
{
    return jm__store_has(s, JM__STORE_NUM_FIELDS, f) ? s->num[f] : NULL;
}

void jm_store_props(const struct jm_store *s, size_t i, const char **json, size_t *len)
{
    *json = "";
    *len = 0;
    if (!s->props || i >= s->cols.n || s->props_len[i] == 0)
        return;
    *json = s->props_buf + s->props_at[i];
    *len = s->props_len[i];
}
