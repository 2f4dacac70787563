/*
 * One row -> records. For each record of the source spec: evaluate `when`, produce each field's
 * text (column, constant or template, then split, trim, extract, case, value map, lookup,
 * default), parse it into the field's type, gather properties into a JSON object, and check the
 * record. Text is sliced from the row where it can be and built in the row arena where it must.
 * Every error names the cell it came from.
 *
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* memmem */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "import/internal.h"

/* A produced value: text plus where it came from. */
struct produced {
    const char *s;
    size_t len;
    bool absent; /* the file has no such column: the field stays ABSENT */
    unsigned long line, column;
    const char *colname; /* for messages; NULL for constants */
};

static const struct jm_cell *row_cell(const struct jm_row *row, long col)
{
    return col >= 0 && (size_t)col < row->n && row->cells[col].present ? &row->cells[col] : NULL;
}

static jm_status produce_base(struct jm_importer *imp, const struct jm_row *row,
                              struct jm_plan_val *pv, struct produced *out)
{
    const struct jm_value_spec *vs = pv->spec;
    out->line = row->line;
    out->column = 1;
    out->colname = NULL;
    if (vs->kind == JM_SPEC_CONSTANT) {
        out->s = vs->constant;
        out->len = strlen(vs->constant);
        return JM_OK;
    }
    if (jm__source_open_columns(imp->src))
        jm__plan_refresh(imp, pv);
    if (vs->kind == JM_SPEC_COLUMN) {
        const struct jm_cell *c = row_cell(row, pv->col);
        out->colname = vs->column;
        out->absent = !c && vs->optional;
        out->s = c ? c->s : "";
        out->len = c ? c->len : 0;
        if (c)
            out->line = c->line, out->column = c->column;
        return JM_OK;
    }
    struct jm_strbuf sb = JM_STRBUF_INIT;
    jm_status rc = JM_OK;
    for (size_t i = 0; i < vs->nparts && !rc; i++) {
        const struct jm_cell *c = vs->parts[i].is_column ? row_cell(row, pv->tpl[i]) : NULL;
        if (vs->parts[i].is_column)
            rc = c ? jm_strbuf_add(&sb, c->s, c->len) : JM_OK;
        else
            rc = jm_strbuf_add(&sb, vs->parts[i].text, vs->parts[i].len);
    }
    /* A template of empty columns ("{First} {Last}" -> " ") is empty, not a space. */
    size_t b = 0, e = sb.len;
    while (b < e && isspace((unsigned char)sb.buf[b]))
        b++;
    while (e > b && isspace((unsigned char)sb.buf[e - 1]))
        e--;
    out->s = rc ? NULL : jm_arena_strndup(&imp->row_arena, sb.buf + b, e - b);
    out->len = e - b;
    jm_strbuf_release(&sb);
    return out->s ? JM_OK : jm_error_set(imp->err, JM_ENOMEM, "out of memory");
}

static void apply_split(const struct jm_value_spec *vs, struct produced *p)
{
    size_t seplen = strlen(vs->split), npieces = 1;
    if (!seplen)
        return;
    const char *s = p->s, *end = p->s + p->len;
    for (const char *q = s; (q = memmem(q, (size_t)(end - q), vs->split, seplen)); q += seplen)
        npieces++;
    long want = vs->part < 0 ? (long)npieces + vs->part : vs->part;
    if (want < 0 || (size_t)want >= npieces) {
        p->len = 0;
        return;
    }
    for (long i = 0; i < want; i++)
        s = (const char *)memmem(s, (size_t)(end - s), vs->split, seplen) + seplen;
    const char *next = memmem(s, (size_t)(end - s), vs->split, seplen);
    p->s = s;
    p->len = (size_t)((next ? next : end) - s);
}

static void apply_extract(unsigned xf, struct produced *p)
{
    const char *s = p->s, *end = p->s + p->len;
    if (xf & JM_XF_EMAIL_DOMAIN) {
        const char *at = memchr(s, '@', p->len);
        s = at ? at + 1 : end;
    }
    if (xf & JM_XF_URL_HOST) {
        const char *scheme = memmem(s, (size_t)(end - s), "://", 3);
        if (scheme)
            s = scheme + 3;
        const char *h = s;
        while (h < end && !strchr("/:?#", *h))
            h++;
        end = h;
        if (end - s > 4 && strncasecmp(s, "www.", 4) == 0)
            s += 4;
    }
    p->s = s;
    p->len = (size_t)(end - s);
}

static jm_status apply_case(struct jm_importer *imp, unsigned xf, struct produced *p)
{
    char *d = jm_arena_strndup(&imp->row_arena, p->s, p->len);
    if (!d)
        return jm_error_set(imp->err, JM_ENOMEM, "out of memory");
    /* ASCII only: Vietnamese capitals are multi-byte and tolower() would corrupt them. */
    for (size_t i = 0; i < p->len; i++)
        if ((unsigned char)d[i] < 0x80)
            d[i] = (char)((xf & JM_XF_LOWER) ? tolower((unsigned char)d[i])
                                             : toupper((unsigned char)d[i]));
    p->s = d;
    return JM_OK;
}

static jm_status apply_lookup(struct jm_importer *imp, const struct jm_value_spec *vs,
                              struct produced *p)
{
    struct jm_lookup_table *t;
    jm_status rc = jm__lookup_get(imp, vs->lookup, &t);
    if (rc)
        return rc;
    uint64_t *v = jm__strmap_get(&t->map, p->s, p->len);
    if (v) {
        p->s = (const char *)(uintptr_t)*v;
        p->len = strlen(p->s);
    } else if (vs->lookup->on_missing == 1) {
        p->len = 0;
    } else if (vs->lookup->on_missing == 2 && p->len) {
        return jm_error_at(imp->err, JM_EPARSE, imp->fname, p->line, p->column,
                           "'%.*s' is not in lookup '%s' (%s)", (int)p->len, p->s, vs->lookup->name,
                           vs->lookup->file);
    }
    return JM_OK;
}

/* Produces the final text of a value spec for this row. */
static jm_status produce(struct jm_importer *imp, const struct jm_row *row, struct jm_plan_val *pv,
                         struct produced *p)
{
    const struct jm_value_spec *vs = pv->spec;
    memset(p, 0, sizeof(*p));
    jm_status rc = produce_base(imp, row, pv, p);
    if (rc || p->absent)
        return rc;
    if (vs->split)
        apply_split(vs, p);
    if (vs->xforms & (JM_XF_TRIM | JM_XF_EMAIL_DOMAIN | JM_XF_URL_HOST)) {
        while (p->len && isspace((unsigned char)*p->s))
            p->s++, p->len--;
        while (p->len && isspace((unsigned char)p->s[p->len - 1]))
            p->len--;
        apply_extract(vs->xforms, p);
    }
    if ((vs->xforms & (JM_XF_LOWER | JM_XF_UPPER)) && (rc = apply_case(imp, vs->xforms, p)))
        return rc;
    for (size_t i = 0; i < vs->nmap; i++) {
        if (strlen(vs->map[i].from) == p->len && memcmp(vs->map[i].from, p->s, p->len) == 0) {
            p->s = vs->map[i].to;
            p->len = strlen(p->s);
            goto mapped;
        }
    }
    if (vs->nmap && vs->otherwise) {
        p->s = vs->otherwise;
        p->len = strlen(p->s);
    }
mapped:
    if (vs->lookup && (rc = apply_lookup(imp, vs, p)))
        return rc;
    if (!p->len && vs->fallback) {
        p->s = vs->fallback;
        p->len = strlen(p->s);
    }
    return JM_OK;
}

/* ---------------------------------------------------------------- records */

static jm_status cell_error(struct jm_importer *imp, const struct produced *p,
                            const struct jm_error *why)
{
    if (p->colname)
        return jm_error_at(imp->err, why->code, imp->fname, p->line, p->column, "column '%s': %s",
                           p->colname, why->msg);
    return jm_error_at(imp->err, why->code, imp->fname, p->line, p->column, "%s", why->msg);
}

static bool when_holds(struct jm_importer *imp, const struct jm_row *row, struct jm_plan_rec *pr,
                       jm_status *rc)
{
    const struct jm_when *w = &pr->spec->when;
    struct produced p;
    if (w->op == JM_WHEN_ALWAYS)
        return true;
    if ((*rc = produce(imp, row, &pr->when, &p)))
        return false;
    if (w->op == JM_WHEN_NOT_EMPTY)
        return p.len > 0;
    bool in = false;
    for (size_t i = 0; i < w->nvalues && !in; i++)
        in = strlen(w->values[i]) == p.len && memcmp(w->values[i], p.s, p.len) == 0;
    return w->op == JM_WHEN_IN ? in : !in;
}

static const char *pick_date_format(const struct jm_importer *imp, const struct jm_value_spec *vs)
{
    if (vs->date_format)
        return vs->date_format;
    if (imp->opts->date_format)
        return imp->opts->date_format;
    return imp->sspec->date_format ? imp->sspec->date_format : imp->m->date_format;
}

static jm_status build_fields(struct jm_importer *imp, const struct jm_row *row,
                              struct jm_plan_rec *pr, struct jm_record *rec, struct produced *where)
{
    const struct jm_entity_def *def = pr->spec->def;
    for (size_t f = 0; f < def->nfields; f++) {
        if (pr->spec->fields[f].kind == JM_SPEC_NONE)
            continue;
        struct produced *p = &where[f];
        struct jm_error why;
        jm_status rc = produce(imp, row, &pr->fields[f], p);
        if (rc)
            return rc;
        if (p->absent)
            continue;
        if (jm_value_parse(&def->fields[f], p->s, p->len, pick_date_format(imp, pr->fields[f].spec),
                           &rec->v[f], &why))
            return cell_error(imp, p, &why);
    }
    return JM_OK;
}

static jm_status add_prop(struct jm_strbuf *sb, const char *key, size_t klen, const char *s,
                          size_t len, bool raw_json)
{
    jm_status rc = jm_strbuf_addstr(sb, sb->len > 1 ? "," : "");
    if (!rc)
        rc = jm_strbuf_add_json_string(sb, key, klen);
    if (!rc)
        rc = jm_strbuf_addch(sb, ':');
    if (!rc)
        rc = raw_json ? jm_strbuf_add(sb, s, len) : jm_strbuf_add_json_string(sb, s, len);
    return rc;
}

/* Adds the columns no spec of this record uses (other_columns: properties). */
static jm_status add_other_columns(struct jm_importer *imp, const struct jm_row *row,
                                   struct jm_plan_rec *pr, struct jm_strbuf *sb)
{
    bool jsonl = jm__source_open_columns(imp->src);
    jm_status rc = JM_OK;
    for (size_t c = 0; c < row->n && !rc; c++) {
        const struct jm_cell *cell = &row->cells[c];
        const char *name = jm__source_column(imp->src, c);
        bool used = c < jm__source_ncolumns(imp->src) &&
                    (jsonl ? jm_entity_field(pr->spec->def, name) >= 0 : pr->mapped_cols[c]);
        if (used || !cell->present || !cell->len || (jsonl && strchr(name, '.')))
            continue;
        if (strcmp(name, "properties") == 0 && cell->s[0] == '{' && cell->len > 2 &&
            jm__json_is_object(cell->s, cell->len)) {
            /* A JSON object of properties (an export read back): its members join ours. */
            rc = jm_strbuf_addstr(sb, sb->len > 1 ? "," : "");
            if (!rc)
                rc = jm_strbuf_add(sb, cell->s + 1, cell->len - 2);
            continue;
        }
        rc = add_prop(sb, name, strlen(name), cell->s, cell->len, false);
    }
    return rc;
}

static jm_status build_props(struct jm_importer *imp, const struct jm_row *row,
                             struct jm_plan_rec *pr, struct jm_strbuf *sb)
{
    jm_strbuf_reset(sb);
    jm_status rc = jm_strbuf_addch(sb, '{');
    for (size_t i = 0; i < pr->spec->nprops && !rc; i++) {
        struct produced p;
        const char *key = pr->spec->props[i].key;
        if (!(rc = produce(imp, row, &pr->props[i], &p)) && p.len)
            rc = add_prop(sb, key, strlen(key), p.s, p.len, false);
    }
    if (!rc && pr->spec->other_columns_as_props)
        rc = add_other_columns(imp, row, pr, sb);
    if (!rc)
        rc = jm_strbuf_addch(sb, '}');
    if (rc)
        return jm_error_set(imp->err, rc, "%s:%lu: properties too large", imp->fname, row->line);
    return JM_OK;
}

/* ---------------------------------------------------------------- references */

static bool row_has(const struct jm_importer *imp, size_t upto, enum jm_entity kind,
                    const struct jm_value *id)
{
    for (size_t i = 0; i < upto; i++) {
        const struct jm_record *r = &imp->recs[i];
        const struct jm_value *v = r->def->id_field >= 0 ? &r->v[r->def->id_field] : NULL;
        if (r->def->kind == kind && v && v->kind == JM_V_TEXT && v->len == id->len &&
            memcmp(v->s, id->s, id->len) == 0)
            return true;
    }
    for (size_t i = 0; i < imp->nbare; i++)
        if (imp->bare[i].kind == kind && imp->bare[i].len == id->len &&
            memcmp(imp->bare[i].id, id->s, id->len) == 0)
            return true;
    return false;
}

/* Checks every reference of record `idx`: it must exist or be created by create_missing. */
static jm_status check_refs(struct jm_importer *imp, size_t idx, const struct jm_record_spec *rs,
                            const struct produced *where)
{
    const struct jm_record *rec = &imp->recs[idx];
    for (size_t f = 0; f < rec->def->nfields; f++) {
        const struct jm_field_def *fd = &rec->def->fields[f];
        const struct jm_value *v = &rec->v[f];
        if (fd->type != JM_FT_REF || v->kind != JM_V_TEXT || row_has(imp, idx, fd->ref, v))
            continue;
        bool exists;
        jm_status rc = jm_storage_exists(imp->st, fd->ref, v->s, v->len, &exists, imp->err);
        if (rc || exists)
            continue;
        const struct jm_entity_def *target = jm_entity_get(fd->ref);
        if ((rs->create_missing & (1u << fd->ref)) &&
            imp->nbare < sizeof(imp->bare) / sizeof(imp->bare[0])) {
            imp->bare[imp->nbare++] = (struct jm_bare_ref){fd->ref, v->s, v->len};
            continue;
        }
        struct jm_error why = {JM_ECONFLICT, ""};
        snprintf(why.msg, sizeof(why.msg),
                 "%s '%.*s' does not exist (import %s first, or set create_missing: [%s])",
                 target->singular, (int)(v->len > 100 ? 100 : v->len), v->s, target->name,
                 target->name);
        return cell_error(imp, &where[f], &why);
    }
    return JM_OK;
}

/*
 * Records the record's identity for this import. An identical repeat is marked a duplicate
 * (skipped); the same id with other content is an error: which one is right is not ours to
 * guess.
 */
static jm_status check_duplicate(struct jm_importer *imp, size_t idx, const struct jm_row *row)
{
    const struct jm_record *rec = &imp->recs[idx];
    if (rec->def->kind == JM_ENT_EVENT)
        return JM_OK;
    jm_strbuf_reset(&imp->key);
    if (jm_record_key(rec, &imp->key))
        return jm_error_set(imp->err, JM_ENOMEM, "out of memory");
    uint64_t digest = jm_record_digest(rec) & ~UINT64_C(0xffffffff), *slot;
    bool added;
    if (jm__strmap_put(&imp->seen[rec->def->kind], imp->key.buf, imp->key.len,
                       digest | (row->line & 0xffffffff), &slot, &added))
        return jm_error_set(imp->err, JM_ENOMEM, "out of memory");
    imp->rec_dup[idx] = !added;
    if (added || (*slot & ~UINT64_C(0xffffffff)) == digest)
        return JM_OK;
    return jm_error_at(imp->err, JM_ECONFLICT, imp->fname, row->line, 1,
                       "duplicate %s id '%.*s' with different content (first at line %lu)",
                       rec->def->singular, (int)(imp->key.len > 100 ? 100 : imp->key.len),
                       imp->key.buf, (unsigned long)(*slot & 0xffffffff));
}

/*
 * A deal's `closed` is when it was won or lost. CRMs fill their close date on open deals with
 * the date sales expects to close; that is a forecast, kept as the `expected_close` property,
 * never a close, or open deals would count as closed in cycle times.
 */
static jm_status move_expected_close(struct jm_record *rec, struct jm_strbuf *props)
{
    int fs = jm_entity_field(rec->def, "status"), fc = jm_entity_field(rec->def, "closed");
    struct jm_value *status = &rec->v[fs], *closed = &rec->v[fc];
    if (status->kind != JM_V_TEXT || status->len != 4 || memcmp(status->s, "open", 4) != 0 ||
        closed->kind != JM_V_TIME)
        return JM_OK;
    char when[40];
    jm_time_format(closed->i, closed->i % JM_US_PER_DAY == 0, when, sizeof(when));
    closed->kind = JM_V_MISSING;
    if (props->len < 2)
        return JM_EINVAL;            /* build_props() always writes an object */
    props->buf[--props->len] = '\0'; /* reopen it */
    jm_status rc = jm_strbuf_addstr(props, props->len > 1 ? ",\"expected_close\":\""
                                                          : "\"expected_close\":\"");
    if (!rc)
        rc = jm_strbuf_addstr(props, when);
    return rc ? rc : jm_strbuf_addstr(props, "\"}");
}

static jm_status build_record(struct jm_importer *imp, const struct jm_row *row,
                              struct jm_plan_rec *pr, size_t idx)
{
    struct produced where[JM_MAX_FIELDS];
    struct jm_record *rec = &imp->recs[idx];
    struct jm_error why;
    int bad;
    jm_record_init(rec, pr->spec->def);
    jm_status rc = build_fields(imp, row, pr, rec, where);
    if (!rc)
        rc = build_props(imp, row, pr, &imp->props[idx]);
    if (!rc && rec->def->kind == JM_ENT_DEAL && move_expected_close(rec, &imp->props[idx]))
        rc = jm_error_set(imp->err, JM_ELIMIT, "%s:%lu: properties too large", imp->fname,
                          row->line);
    /* One text per set of properties: keys sorted, so key order never makes two records differ. */
    if (!rc && imp->props[idx].len > 2 && (rc = jm__json_canonical(&imp->props[idx])))
        rc = jm_error_set(imp->err, rc, "%s:%lu: %s", imp->fname, row->line,
                          rc == JM_ENOMEM ? "out of memory" : "properties are not a JSON object");
    if (rc)
        return rc;
    if (imp->props[idx].len > 2) {
        rec->props = imp->props[idx].buf;
        rec->props_len = imp->props[idx].len;
    }
    if (jm_record_check(rec, &bad, &why)) {
        if (bad >= 0 && pr->spec->fields[bad].kind != JM_SPEC_NONE)
            return cell_error(imp, &where[bad], &why);
        return jm_error_at(imp->err, why.code, imp->fname, row->line, 1, "%s", why.msg);
    }
    rc = check_refs(imp, idx, pr->spec, where);
    return rc ? rc : check_duplicate(imp, idx, row);
}

jm_status jm__row_records(struct jm_importer *imp, const struct jm_row *row, size_t *n)
{
    jm_status rc = JM_OK;
    *n = 0;
    imp->nbare = 0;
    jm_arena_release(&imp->row_arena);
    for (size_t i = 0; i < imp->nplan && !rc; i++) {
        if (!when_holds(imp, row, &imp->plan[i], &rc))
            continue;
        rc = build_record(imp, row, &imp->plan[i], *n);
        if (!rc)
            (*n)++;
    }
    return rc;
}
