/*
 * The dataset: the event store plus every other entity as an in-memory table. Tables are small
 * beside the events (a company has thousands of deals, not millions), so rows keep their typed
 * values as they come from storage, strings copied into one arena, with an id -> row map.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "journey/internal.h"
#include "journeymap/storage.h"

static const enum jm_entity TABLES[] = {JM_ENT_OWNER,  JM_ENT_ACCOUNT, JM_ENT_CONTACT, JM_ENT_DEAL,
                                        JM_ENT_TICKET, JM_ENT_SURVEY,  JM_ENT_REVENUE};

struct scan_ctx {
    struct jm_dataset *ds;
    struct jm_table *t;
};

static jm_status add_row(const struct jm_record *rec, void *ctx)
{
    struct scan_ctx *c = ctx;
    struct jm_table *t = c->t;
    struct jm_arena *a = &c->ds->arena;
    size_t nf = t->def->nfields;

    if (t->n == t->cap) {
        size_t cap = t->cap;
        if (jm_grow((void **)&t->values, &cap, t->n + 1, nf * sizeof(struct jm_value)) ||
            jm_grow((void **)&t->props, &t->cap, t->n + 1, sizeof(char *)))
            return JM_ENOMEM;
    }
    struct jm_value *v = &t->values[t->n * nf];
    for (size_t f = 0; f < nf; f++) {
        v[f] = rec->v[f];
        if (v[f].kind == JM_V_TEXT) {
            char *s = jm_arena_strndup(a, v[f].s, v[f].len);
            if (!s)
                return JM_ENOMEM;
            v[f].s = s;
        }
    }
    t->props[t->n] = NULL;
    if (rec->props && rec->props_len > 2) {
        t->props[t->n] = jm_arena_strndup(a, rec->props, rec->props_len);
        if (!t->props[t->n])
            return JM_ENOMEM;
    }
    if (t->def->id_field >= 0) {
        const struct jm_value *id = &v[t->def->id_field];
        uint64_t *slot;
        if (jm__strmap_put(&t->index, id->s, id->len, t->n, &slot, NULL))
            return JM_ENOMEM;
    }
    t->n++;
    return JM_OK;
}

/* The row a reference field of a row points at, or JM_NONE. */
static uint32_t ref_row(const struct jm_dataset *ds, enum jm_entity kind, size_t row, int field,
                        enum jm_entity target)
{
    if (field < 0)
        return JM_NONE;
    const struct jm_value *v = jm_dataset_value(ds, kind, row, field);
    if (v->kind != JM_V_TEXT)
        return JM_NONE;
    return jm_dataset_find(ds, target, v->s, v->len);
}

/* Links store indexes to table rows, and every record to its account. */
static jm_status link_rows(struct jm_dataset *ds)
{
    size_t na = jm_store_accounts(ds->store), nc = jm_store_dict_size(ds->store, JM_STORE_CONTACT);
    ds->store_account = jm_malloc((na + 1) * sizeof(uint32_t));
    ds->store_contact = jm_malloc((nc + 1) * sizeof(uint32_t));
    if (!ds->store_account || !ds->store_contact)
        return JM_ENOMEM;
    for (size_t a = 0; a < na; a++) {
        size_t len;
        const char *id = jm_store_text(ds->store, JM_STORE_ACCOUNT, a, &len);
        ds->store_account[a] = jm_dataset_find(ds, JM_ENT_ACCOUNT, id, len);
    }
    ds->store_account[na] = JM_NONE;
    ds->store_contact[0] = JM_NONE;
    for (size_t c = 1; c < nc; c++) {
        size_t len;
        const char *id = jm_store_text(ds->store, JM_STORE_CONTACT, c, &len);
        ds->store_contact[c] = jm_dataset_find(ds, JM_ENT_CONTACT, id, len);
    }
    for (size_t i = 0; i < sizeof(TABLES) / sizeof(TABLES[0]); i++) {
        enum jm_entity k = TABLES[i];
        struct jm_table *t = &ds->tables[k];
        int fa = jm_entity_field(t->def, "account"), fc = jm_entity_field(t->def, "contact");
        t->account = jm_malloc((t->n + 1) * sizeof(uint32_t));
        t->contact = jm_malloc((t->n + 1) * sizeof(uint32_t));
        if (!t->account || !t->contact)
            return JM_ENOMEM;
        for (size_t r = 0; r < t->n; r++) {
            uint32_t acc =
                k == JM_ENT_ACCOUNT ? (uint32_t)r : ref_row(ds, k, r, fa, JM_ENT_ACCOUNT);
            uint32_t con =
                k == JM_ENT_CONTACT ? (uint32_t)r : ref_row(ds, k, r, fc, JM_ENT_CONTACT);
            /* Contacts come before the records in TABLES, so their accounts are known. */
            if (acc == JM_NONE && con != JM_NONE && k != JM_ENT_CONTACT)
                acc = ds->tables[JM_ENT_CONTACT].account[con];
            t->account[r] = acc;
            t->contact[r] = con;
        }
    }
    return JM_OK;
}

jm_status jm_dataset_load(struct jm_storage *st, const struct jm_store_options *opts,
                          struct jm_dataset **out, struct jm_error *err)
{
    *out = NULL;
    struct jm_dataset *ds = jm_calloc(1, sizeof(*ds));
    if (!ds)
        return jm_error_set(err, JM_ENOMEM, "out of memory loading the dataset");
    jm_arena_init(&ds->arena);
    for (int k = 0; k < JM_ENT__COUNT; k++) {
        ds->tables[k].def = jm_entity_get((enum jm_entity)k);
        jm__strmap_init(&ds->tables[k].index);
    }
    jm_status rc = jm_store_load_with(st, opts, &ds->store, err);
    for (size_t i = 0; !rc && i < sizeof(TABLES) / sizeof(TABLES[0]); i++) {
        struct scan_ctx c = {ds, &ds->tables[TABLES[i]]};
        rc = jm_storage_scan(st, TABLES[i], add_row, &c, err);
        if (rc == JM_ENOMEM)
            jm_error_set(err, rc, "out of memory loading %s", ds->tables[TABLES[i]].def->name);
    }
    if (!rc && link_rows(ds))
        rc = jm_error_set(err, JM_ENOMEM, "out of memory linking the dataset");
    if (rc) {
        jm_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return JM_OK;
}

void jm_dataset_free(struct jm_dataset *ds)
{
    if (!ds)
        return;
    for (int k = 0; k < JM_ENT__COUNT; k++) {
        struct jm_table *t = &ds->tables[k];
        jm_free(t->values);
        jm_free(t->props);
        jm_free(t->account);
        jm_free(t->contact);
        jm__strmap_release(&t->index);
    }
    jm_free(ds->store_account);
    jm_free(ds->store_contact);
    jm_store_free(ds->store);
    jm_arena_release(&ds->arena);
    jm_free(ds);
}

const struct jm_store *jm_dataset_store(const struct jm_dataset *ds)
{
    return ds->store;
}

size_t jm_dataset_rows(const struct jm_dataset *ds, enum jm_entity kind)
{
    return kind < JM_ENT__COUNT ? ds->tables[kind].n : 0;
}

const struct jm_value *jm_dataset_value(const struct jm_dataset *ds, enum jm_entity kind,
                                        size_t row, int field)
{
    static const struct jm_value absent = {JM_V_ABSENT, 0, 0, NULL, 0};
    const struct jm_table *t = &ds->tables[kind];
    if (row >= t->n || field < 0 || (size_t)field >= t->def->nfields)
        return &absent;
    return &t->values[row * t->def->nfields + (size_t)field];
}

const char *jm_dataset_props(const struct jm_dataset *ds, enum jm_entity kind, size_t row)
{
    const struct jm_table *t = &ds->tables[kind];
    return row < t->n ? t->props[row] : NULL;
}

uint32_t jm_dataset_find(const struct jm_dataset *ds, enum jm_entity kind, const char *id,
                         size_t len)
{
    const uint64_t *v = jm__strmap_get(&ds->tables[kind].index, id, len);
    return v ? (uint32_t)*v : JM_NONE;
}

uint32_t jm_dataset_account_row(const struct jm_dataset *ds, size_t store_account)
{
    return store_account < jm_store_accounts(ds->store) ? ds->store_account[store_account]
                                                        : JM_NONE;
}

uint32_t jm_dataset_contact_row(const struct jm_dataset *ds, size_t store_contact)
{
    return store_contact < jm_store_dict_size(ds->store, JM_STORE_CONTACT)
               ? ds->store_contact[store_contact]
               : JM_NONE;
}

uint32_t jm_dataset_record_account(const struct jm_dataset *ds, enum jm_entity kind, size_t row)
{
    const struct jm_table *t = &ds->tables[kind];
    return row < t->n && t->account ? t->account[row] : JM_NONE;
}
