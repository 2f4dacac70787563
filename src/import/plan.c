/*
 * Binding a mapping's source spec to one file: every column a spec names is looked up once, so
 * reading a row costs array indexing, not name lookups. A CSV file's columns are known when it
 * opens, so a column the mapping names and the file lacks is an error before any row is read,
 * reported at the mapping's line and column. A JSONL file's columns appear as rows arrive; a
 * column not seen yet is looked up again when a row needs it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "import/internal.h"

static jm_status missing_column(struct jm_importer *imp, const struct jm_value_spec *vs,
                                const char *name, size_t len)
{
    struct jm_strbuf cols = JM_STRBUF_INIT;
    size_t n = jm__source_ncolumns(imp->src);
    for (size_t i = 0; i < n && cols.len < 300; i++)
        jm_strbuf_addf(&cols, "%s%s", i ? ", " : "", jm__source_column(imp->src, i));
    jm_status rc = jm_error_at(imp->err, JM_EPARSE, imp->m->path, vs->yline, vs->ycol,
                               "column '%.*s' is not in %s (its columns: %s)", (int)len, name,
                               imp->fname, cols.buf);
    jm_strbuf_release(&cols);
    return rc;
}

static long find_column(struct jm_importer *imp, const char *name, size_t len)
{
    char buf[512];
    if (len >= sizeof(buf))
        return -1;
    memcpy(buf, name, len);
    buf[len] = '\0';
    return jm__source_find(imp->src, buf);
}

static jm_status bind_value(struct jm_importer *imp, const struct jm_value_spec *vs,
                            struct jm_plan_val *pv)
{
    bool strict = !jm__source_open_columns(imp->src) && !vs->optional;
    pv->spec = vs;
    pv->col = -1;
    if (vs->kind == JM_SPEC_COLUMN) {
        pv->col = find_column(imp, vs->column, strlen(vs->column));
        if (pv->col < 0 && strict)
            return missing_column(imp, vs, vs->column, strlen(vs->column));
    } else if (vs->kind == JM_SPEC_TEMPLATE) {
        pv->tpl = jm_arena_alloc(&imp->file_arena, (vs->nparts + 1) * sizeof(long));
        if (!pv->tpl)
            return jm_error_set(imp->err, JM_ENOMEM, "out of memory");
        for (size_t i = 0; i < vs->nparts; i++) {
            const struct jm_tpl_part *p = &vs->parts[i];
            pv->tpl[i] = p->is_column ? find_column(imp, p->text, p->len) : -1;
            if (p->is_column && pv->tpl[i] < 0 && strict)
                return missing_column(imp, vs, p->text, p->len);
        }
    }
    return JM_OK;
}

void jm__plan_refresh(struct jm_importer *imp, struct jm_plan_val *pv)
{
    const struct jm_value_spec *vs = pv->spec;
    if (vs->kind == JM_SPEC_COLUMN && pv->col < 0)
        pv->col = find_column(imp, vs->column, strlen(vs->column));
    for (size_t i = 0; vs->kind == JM_SPEC_TEMPLATE && i < vs->nparts; i++)
        if (vs->parts[i].is_column && pv->tpl[i] < 0)
            pv->tpl[i] = find_column(imp, vs->parts[i].text, vs->parts[i].len);
}

/* Marks the columns a record's specs use, so other_columns leaves them out. */
static void mark_used(struct jm_plan_rec *pr, const struct jm_plan_val *pv, size_t ncols)
{
    if (pv->col >= 0 && (size_t)pv->col < ncols)
        pr->mapped_cols[pv->col] = true;
    for (size_t i = 0; pv->tpl && i < pv->spec->nparts; i++)
        if (pv->tpl[i] >= 0 && (size_t)pv->tpl[i] < ncols)
            pr->mapped_cols[pv->tpl[i]] = true;
}

static jm_status bind_record(struct jm_importer *imp, const struct jm_record_spec *rs,
                             struct jm_plan_rec *pr)
{
    jm_status rc = JM_OK;
    size_t ncols = jm__source_ncolumns(imp->src);
    pr->spec = rs;
    pr->props = jm_arena_alloc(&imp->file_arena, (rs->nprops + 1) * sizeof(*pr->props));
    pr->mapped_cols = jm_arena_alloc(&imp->file_arena, ncols + 1);
    if (!pr->props || !pr->mapped_cols)
        return jm_error_set(imp->err, JM_ENOMEM, "out of memory");
    for (size_t f = 0; f < rs->def->nfields && !rc; f++)
        if (rs->fields[f].kind != JM_SPEC_NONE &&
            !(rc = bind_value(imp, &rs->fields[f], &pr->fields[f])))
            mark_used(pr, &pr->fields[f], ncols);
    for (size_t p = 0; p < rs->nprops && !rc; p++)
        if (!(rc = bind_value(imp, &rs->props[p].value, &pr->props[p])))
            mark_used(pr, &pr->props[p], ncols);
    if (!rc && rs->when.op != JM_WHEN_ALWAYS)
        rc = bind_value(imp, &rs->when.value, &pr->when);
    return rc;
}

jm_status jm__plan_build(struct jm_importer *imp)
{
    const struct jm_source_spec *ss = imp->sspec;
    if (ss->nrecords > sizeof(imp->recs) / sizeof(imp->recs[0]))
        return jm_error_at(imp->err, JM_EPARSE, imp->m->path, ss->line, ss->column,
                           "a source may produce at most 8 records per row");
    imp->plan = jm_arena_alloc(&imp->file_arena, ss->nrecords * sizeof(*imp->plan));
    if (!imp->plan)
        return jm_error_set(imp->err, JM_ENOMEM, "out of memory");
    imp->nplan = ss->nrecords;
    jm_status rc = JM_OK;
    for (size_t i = 0; i < ss->nrecords && !rc; i++)
        rc = bind_record(imp, &ss->records[i], &imp->plan[i]);
    return rc;
}

/* ---------------------------------------------------------------- lookups */

static jm_status lookup_load(struct jm_importer *imp, struct jm_lookup_table *t)
{
    const struct jm_lookup *l = t->def;
    struct jm_source *src = NULL;
    struct jm_source_opts so = {0};
    struct jm_row row;
    bool eof = false;
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", imp->dir, l->file);
    jm_status rc = jm__source_open(path, path, &so, &src, imp->err);
    if (rc)
        return rc;
    long kc = jm__source_find(src, l->key), vc = jm__source_find(src, l->value);
    if (kc < 0 || vc < 0) {
        rc = jm_error_at(imp->err, JM_EPARSE, imp->m->path, l->line, l->column,
                         "lookup '%s': %s has no column '%s'", l->name, path,
                         kc < 0 ? l->key : l->value);
        goto out;
    }
    while (!(rc = jm__source_next(src, &row, &eof, imp->err)) && !eof) {
        uint64_t *slot;
        const struct jm_cell *k = &row.cells[kc], *v = &row.cells[vc];
        /* The value is stored in the map's own arena right after the key. */
        char *val = jm_arena_strndup(&t->map.keys, v->s, v->len);
        if (!val || jm__strmap_put(&t->map, k->s, k->len, 0, &slot, NULL)) {
            rc = jm_error_set(imp->err, JM_ENOMEM, "out of memory");
            break;
        }
        *slot = (uint64_t)(uintptr_t)val;
    }
out:
    jm__source_close(src);
    t->loaded = rc == JM_OK;
    return rc;
}

jm_status jm__lookup_get(struct jm_importer *imp, const struct jm_lookup *def,
                         struct jm_lookup_table **out)
{
    struct jm_lookup_table *t = &imp->lookups[def - imp->m->lookups];
    t->def = def;
    *out = t;
    return t->loaded ? JM_OK : lookup_load(imp, t);
}
