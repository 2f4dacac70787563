/*
 * Records grouped by the account or contact they belong to, each group in time order, so a
 * stream's deals, tickets, surveys and revenue are one contiguous slice of row numbers. Within
 * an account's group, rows come by contact row first, so each contact's records are a run too.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>

#include "journey/internal.h"

static const char *const TIME_FIELD[JM_ENT__COUNT] = {
    [JM_ENT_ACCOUNT] = "created", [JM_ENT_CONTACT] = "created", [JM_ENT_DEAL] = "created",
    [JM_ENT_TICKET] = "opened",   [JM_ENT_SURVEY] = "time",     [JM_ENT_REVENUE] = "period_start",
};

int64_t jm__record_time(const struct jm_dataset *ds, enum jm_entity kind, size_t row)
{
    if (!TIME_FIELD[kind])
        return INT64_MIN;
    const struct jm_value *v =
        jm_dataset_value(ds, kind, row, jm_entity_field(jm_entity_get(kind), TIME_FIELD[kind]));
    return v->kind == JM_V_TIME ? v->i : INT64_MIN;
}

struct keyed {
    uint32_t key, sub, row;
    int64_t time;
};

static int keyed_cmp(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    if (x->sub != y->sub)
        return x->sub < y->sub ? -1 : 1;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

jm_status jm__groups_build(const struct jm_dataset *ds, enum jm_entity kind, bool by_contact,
                           size_t n_keys, struct jm_groups *g)
{
    const struct jm_table *t = &ds->tables[kind];
    struct keyed *k = jm_malloc((t->n + 1) * sizeof(*k));
    g->start = jm_calloc(n_keys + 1, sizeof(uint32_t));
    g->rows = jm_malloc((t->n + 1) * sizeof(uint32_t));
    if (!k || !g->start || !g->rows) {
        jm_free(k);
        jm__groups_release(g); /* callers may skip the release of a failed build */
        return JM_ENOMEM;
    }
    size_t n = 0;
    for (size_t r = 0; r < t->n; r++) {
        uint32_t key = by_contact ? t->contact[r] : t->account[r];
        if (key == JM_NONE || key >= n_keys)
            continue; /* belongs to no unit of this level */
        uint32_t sub = by_contact ? 0 : t->contact[r];
        k[n++] = (struct keyed){key, sub, (uint32_t)r, jm__record_time(ds, kind, r)};
    }
    jm__qsort(k, n, sizeof(*k), keyed_cmp);
    for (size_t i = 0; i < n; i++) {
        g->rows[i] = k[i].row;
        g->start[k[i].key + 1]++;
    }
    for (size_t i = 0; i < n_keys; i++)
        g->start[i + 1] += g->start[i];
    jm_free(k);
    return JM_OK;
}

void jm__groups_release(struct jm_groups *g)
{
    jm_free(g->start);
    jm_free(g->rows);
    g->start = g->rows = NULL;
}
