/*
 * Column mappings: YAML (docs/mapping.md) -> struct jm_mapping. base/ytree.c loads the document
 * with positions; this file walks it, checking every key against the keys allowed at that
 * place, every type, every entity and field name, and reports the first problem as
 * "mapping.yaml:line:column: message".
 *
 * SPDX-License-Identifier: MIT
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ytree.h"
#include "import/mapping.h"

struct ywalk {
    struct jm_ydoc doc;
    struct jm_mapping *m;
    struct jm_error *err;
};

/* ---------------------------------------------------------------- YAML access */

#define fail(w, n, ...) jm__yfail(&(w)->doc, (n), __VA_ARGS__)

/* The scalar's text copied into the mapping's arena, or an error naming what was expected. */
static jm_status scalar(struct ywalk *w, const struct jm_ynode *n, const char *what,
                        const char **out)
{
    if (n->kind != JM_Y_SCALAR)
        return fail(w, n, "%s must be a single value, not %s", what, jm__ykind_name(n));
    *out = jm_arena_strndup(&w->m->arena, n->s, n->len);
    return *out ? JM_OK : jm_error_set(w->err, JM_ENOMEM, "out of memory");
}

static jm_status expect(struct ywalk *w, const struct jm_ynode *n, enum jm_ykind kind,
                        const char *what)
{
    return jm__yexpect(&w->doc, n, kind, what);
}

/*
 * Checks that every key of mapping node `n` is a scalar in `allowed` (NULL-terminated) and
 * appears once.
 */
static jm_status check_keys(struct ywalk *w, const struct jm_ynode *n, const char *where,
                            const char *const *allowed)
{
    return jm__ycheck_keys(&w->doc, n, where, allowed);
}

static jm_status opt_scalar(struct ywalk *w, const struct jm_ynode *map, const char *key,
                            const char **out)
{
    struct jm_ynode *v = jm__yget(map, key);
    return v ? scalar(w, v, key, out) : JM_OK;
}

static jm_status parse_bool(struct ywalk *w, struct jm_ynode *n, const char *what, bool *out)
{
    const char *s;
    jm_status rc = scalar(w, n, what, &s);
    if (rc)
        return rc;
    if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0)
        *out = true;
    else if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0)
        *out = false;
    else
        return fail(w, n, "%s must be true or false, not '%s'", what, s);
    return JM_OK;
}

static jm_status parse_delimiter(struct ywalk *w, struct jm_ynode *n, char *out)
{
    const char *s;
    jm_status rc = scalar(w, n, "delimiter", &s);
    if (rc)
        return rc;
    if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0)
        s = "\t";
    if (strlen(s) != 1 || s[0] == '"' || s[0] == '\n' || s[0] == '\r')
        return fail(w, n, "delimiter must be one character (or 'tab'), not '%s'", s);
    *out = s[0];
    return JM_OK;
}

static jm_status parse_format(struct ywalk *w, struct jm_ynode *map, const char **out)
{
    struct jm_ynode *n = jm__yget(map, "format");
    if (!n)
        return JM_OK;
    jm_status rc = scalar(w, n, "format", out);
    if (!rc && strcmp(*out, "csv") != 0 && strcmp(*out, "jsonl") != 0)
        return fail(w, n, "format must be csv or jsonl, not '%s'", *out);
    return rc;
}

/* ---------------------------------------------------------------- value specs */

static jm_status parse_template(struct ywalk *w, struct jm_ynode *n, struct jm_value_spec *v)
{
    const char *t;
    jm_status rc = scalar(w, n, "template", &t);
    if (rc)
        return rc;
    size_t cap = 0;
    for (const char *p = t; *p;) {
        struct jm_tpl_part part = {p, 0, false};
        if (*p == '{' && p[1] == '{') { /* "{{" is a literal brace */
            part.len = 1;
            p += 2;
        } else if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close || close == p + 1) {
                jm_free(v->parts);
                v->parts = NULL;
                return fail(w, n, "template '%s' has an unclosed or empty {column}", t);
            }
            part = (struct jm_tpl_part){p + 1, (size_t)(close - p - 1), true};
            p = close + 1;
        } else {
            while (p[part.len] && p[part.len] != '{')
                part.len++;
            p += part.len;
        }
        if (jm_grow((void **)&v->parts, &cap, v->nparts + 1, sizeof(*v->parts))) {
            jm_free(v->parts);
            v->parts = NULL;
            return jm_error_set(w->err, JM_ENOMEM, "out of memory");
        }
        v->parts[v->nparts++] = part;
    }
    /* The parts array lives on the heap while it grows; move it into the arena. */
    struct jm_tpl_part *copy = jm_arena_alloc(&w->m->arena, v->nparts * sizeof(*copy) + 1);
    if (copy && v->nparts)
        memcpy(copy, v->parts, v->nparts * sizeof(*copy));
    jm_free(v->parts);
    v->parts = copy;
    v->kind = JM_SPEC_TEMPLATE;
    return copy ? JM_OK : jm_error_set(w->err, JM_ENOMEM, "out of memory");
}

static jm_status parse_value_map(struct ywalk *w, struct jm_ynode *n, struct jm_value_spec *v)
{
    jm_status rc = expect(w, n, JM_Y_MAP, "map");
    if (rc)
        return rc;
    size_t count = n->n;
    v->map = jm_arena_alloc(&w->m->arena, (count + 1) * sizeof(*v->map));
    if (!v->map)
        return jm_error_set(w->err, JM_ENOMEM, "out of memory");
    for (struct jm_ypair *p = n->pairs; p < n->pairs + n->n; p++) {
        struct jm_map_pair *pair = &v->map[v->nmap];
        rc = scalar(w, p->key, "a map key", &pair->from);
        if (!rc)
            rc = scalar(w, p->value, "a map value", &pair->to);
        if (rc)
            return rc;
        for (size_t i = 0; i < v->nmap; i++)
            if (strcmp(v->map[i].from, pair->from) == 0)
                return fail(w, p->key, "duplicate key '%s' in map", pair->from);
        v->nmap++;
    }
    return JM_OK;
}

static const struct jm_lookup *find_lookup(const struct jm_mapping *m, const char *name)
{
    for (size_t i = 0; i < m->nlookups; i++)
        if (strcmp(m->lookups[i].name, name) == 0)
            return &m->lookups[i];
    return NULL;
}

static jm_status parse_transforms(struct ywalk *w, struct jm_ynode *n, struct jm_value_spec *v)
{
    const char *s;
    struct jm_ynode *x;
    jm_status rc = JM_OK;
    bool trim = false;
    if ((x = jm__yget(n, "trim")) && !(rc = parse_bool(w, x, "trim", &trim)) && trim)
        v->xforms |= JM_XF_TRIM;
    if (!rc && (x = jm__yget(n, "case")) && !(rc = scalar(w, x, "case", &s))) {
        if (strcmp(s, "lower") == 0)
            v->xforms |= JM_XF_LOWER;
        else if (strcmp(s, "upper") == 0)
            v->xforms |= JM_XF_UPPER;
        else
            return fail(w, x, "case must be lower or upper, not '%s'", s);
    }
    if (!rc && (x = jm__yget(n, "extract")) && !(rc = scalar(w, x, "extract", &s))) {
        if (strcmp(s, "email_domain") == 0)
            v->xforms |= JM_XF_EMAIL_DOMAIN;
        else if (strcmp(s, "url_host") == 0)
            v->xforms |= JM_XF_URL_HOST;
        else
            return fail(w, x, "extract must be email_domain or url_host, not '%s'", s);
    }
    if (!rc && (x = jm__yget(n, "lookup")) && !(rc = scalar(w, x, "lookup", &s))) {
        v->lookup = find_lookup(w->m, s);
        if (!v->lookup)
            return fail(w, x, "no lookup named '%s' (define it under 'lookups')", s);
    }
    return rc;
}

static jm_status parse_split(struct ywalk *w, struct jm_ynode *n, struct jm_value_spec *v)
{
    struct jm_ynode *x = jm__yget(n, "part");
    jm_status rc = opt_scalar(w, n, "split", &v->split);
    if (rc || !x)
        return rc;
    if (!v->split)
        return fail(w, x, "part needs split");
    const char *s;
    if ((rc = scalar(w, x, "part", &s)))
        return rc;
    char *end;
    long part = strtol(s, &end, 10);
    if (*end || !*s || part > 1000 || part < -1000)
        return fail(w, x, "part must be a whole number (0 is the first piece, -1 the last)");
    v->part = (int)part;
    return JM_OK;
}

static const char *const spec_keys[] = {
    "column", "constant",  "template", "split",  "part",        "trim",     "case", "extract",
    "map",    "otherwise", "default",  "lookup", "date_format", "optional", NULL};

/*
 * A field's source: a plain value names a column; a mapping says column/constant/template and
 * the transforms.
 */
static jm_status parse_spec(struct ywalk *w, struct jm_ynode *n, struct jm_value_spec *v)
{
    memset(v, 0, sizeof(*v));
    v->yline = n->line;
    v->ycol = n->column;
    if (n->kind == JM_Y_SCALAR) {
        v->kind = JM_SPEC_COLUMN;
        return scalar(w, n, "a column name", &v->column);
    }
    jm_status rc = expect(w, n, JM_Y_MAP, "a field");
    if (!rc)
        rc = check_keys(w, n, "a field", spec_keys);
    int sources = !!jm__yget(n, "column") + !!jm__yget(n, "constant") + !!jm__yget(n, "template");
    if (!rc && sources != 1)
        return fail(w, n, "a field needs exactly one of column, constant or template");
    if (!rc && jm__yget(n, "column") && !(rc = opt_scalar(w, n, "column", &v->column)))
        v->kind = JM_SPEC_COLUMN;
    if (!rc && jm__yget(n, "constant") && !(rc = opt_scalar(w, n, "constant", &v->constant)))
        v->kind = JM_SPEC_CONSTANT;
    if (!rc && jm__yget(n, "template"))
        rc = parse_template(w, jm__yget(n, "template"), v);
    if (!rc)
        rc = parse_split(w, n, v);
    if (!rc)
        rc = parse_transforms(w, n, v);
    if (!rc && jm__yget(n, "map"))
        rc = parse_value_map(w, jm__yget(n, "map"), v);
    if (!rc)
        rc = opt_scalar(w, n, "otherwise", &v->otherwise);
    if (!rc && v->otherwise && !v->nmap)
        return fail(w, jm__yget(n, "otherwise"), "otherwise needs map");
    if (!rc)
        rc = opt_scalar(w, n, "default", &v->fallback);
    if (!rc)
        rc = opt_scalar(w, n, "date_format", &v->date_format);
    if (!rc && jm__yget(n, "optional"))
        rc = parse_bool(w, jm__yget(n, "optional"), "optional", &v->optional);
    return rc;
}
/* ---------------------------------------------------------------- records */

static jm_status parse_fields(struct ywalk *w, struct jm_ynode *n, struct jm_record_spec *r)
{
    jm_status rc = expect(w, n, JM_Y_MAP, "fields");
    for (struct jm_ypair *p = n->pairs; !rc && p < n->pairs + n->n; p++) {
        struct jm_ynode *k = p->key;
        const char *name;
        if ((rc = scalar(w, k, "a field name", &name)))
            break;
        int f = jm_entity_field(r->def, name);
        if (f < 0) {
            char list[400] = "";
            size_t used = 0;
            for (size_t i = 0; i < r->def->nfields && used < sizeof(list); i++)
                used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                                         r->def->fields[i].name);
            return fail(w, k,
                        "%s have no field '%s' (fields: %s; put other data under "
                        "properties)",
                        r->def->name, name, list);
        }
        if (r->fields[f].kind != JM_SPEC_NONE)
            return fail(w, k, "duplicate field '%s'", name);
        rc = parse_spec(w, p->value, &r->fields[f]);
        if (!rc && r->fields[f].date_format && r->def->fields[f].type != JM_FT_TIME)
            return fail(w, p->value,
                        "date_format applies to time fields, and %s is not "
                        "one",
                        name);
    }
    return rc;
}

static jm_status parse_props(struct ywalk *w, struct jm_ynode *n, struct jm_record_spec *r)
{
    jm_status rc;
    size_t count;
    if (n->kind == JM_Y_SEQ) /* a list of columns kept under their own names */
        count = n->n;
    else if ((rc = expect(w, n, JM_Y_MAP, "properties")))
        return rc;
    else
        count = n->n;
    r->props = jm_arena_alloc(&w->m->arena, (count + 1) * sizeof(*r->props));
    if (!r->props)
        return jm_error_set(w->err, JM_ENOMEM, "out of memory");
    for (size_t i = 0; i < count; i++) {
        struct jm_prop_spec *ps = &r->props[i];
        if (n->kind == JM_Y_SEQ) {
            struct jm_ynode *item = n->items[i];
            rc = parse_spec(w, item, &ps->value);
            if (!rc && item->kind != JM_Y_SCALAR)
                return fail(w, item,
                            "a properties list holds column names; use a mapping "
                            "(key: field spec) for more");
            ps->key = ps->value.column;
        } else {
            struct jm_ypair *p = &n->pairs[i];
            rc = scalar(w, p->key, "a property name", &ps->key);
            if (!rc)
                rc = parse_spec(w, p->value, &ps->value);
        }
        if (rc)
            return rc;
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->props[j].key, ps->key) == 0)
                return fail(w, n, "duplicate property '%s'", ps->key);
        r->nprops++;
    }
    return JM_OK;
}

static jm_status parse_string_list(struct ywalk *w, struct jm_ynode *n, const char *what,
                                   const char ***out, size_t *count)
{
    jm_status rc = expect(w, n, JM_Y_SEQ, what);
    if (rc)
        return rc;
    *count = n->n;
    *out = jm_arena_alloc(&w->m->arena, (*count + 1) * sizeof(**out));
    if (!*out)
        return jm_error_set(w->err, JM_ENOMEM, "out of memory");
    for (size_t i = 0; i < *count && !rc; i++)
        rc = scalar(w, n->items[i], what, &(*out)[i]);
    return rc;
}

static const char *const when_keys[] = {"column", "not_empty", "in", "not_in", NULL};

/* when: COLUMN (not empty) | {column: C, in: [..]} | {column: C, not_in: [..]} */
static jm_status parse_when(struct ywalk *w, struct jm_ynode *n, struct jm_when *when)
{
    jm_status rc;
    if (n->kind == JM_Y_SCALAR) {
        when->op = JM_WHEN_NOT_EMPTY;
        return parse_spec(w, n, &when->value);
    }
    if ((rc = expect(w, n, JM_Y_MAP, "when")) || (rc = check_keys(w, n, "when", when_keys)))
        return rc;
    struct jm_ynode *col = jm__yget(n, "column"), *in = jm__yget(n, "in"),
                    *not_in = jm__yget(n, "not_in");
    if (!col)
        return fail(w, n, "when needs a column");
    if ((rc = parse_spec(w, col, &when->value)))
        return rc;
    if (in && not_in)
        return fail(w, n, "when takes in or not_in, not both");
    when->op = in ? JM_WHEN_IN : not_in ? JM_WHEN_NOT_IN : JM_WHEN_NOT_EMPTY;
    if (in || not_in)
        rc = parse_string_list(w, in ? in : not_in, in ? "in" : "not_in", &when->values,
                               &when->nvalues);
    return rc;
}

static jm_status parse_create_missing(struct ywalk *w, struct jm_ynode *n, struct jm_record_spec *r)
{
    const char **names;
    size_t count;
    jm_status rc = parse_string_list(w, n, "create_missing", &names, &count);
    for (size_t i = 0; !rc && i < count; i++) {
        const struct jm_entity_def *d = jm_entity_find(names[i]);
        if (!d ||
            (d->kind != JM_ENT_OWNER && d->kind != JM_ENT_ACCOUNT && d->kind != JM_ENT_CONTACT))
            return fail(w, n->items[i],
                        "create_missing takes owners, accounts or contacts, not '%s'", names[i]);
        r->create_missing |= 1u << d->kind;
    }
    return rc;
}

static const char *const record_keys[] = {"entity",        "when",           "fields", "properties",
                                          "other_columns", "create_missing", NULL};

static jm_status parse_record(struct ywalk *w, struct jm_ynode *n, struct jm_record_spec *r)
{
    const char *s;
    jm_status rc = expect(w, n, JM_Y_MAP, "a record");
    if (!rc)
        rc = check_keys(w, n, "a record", record_keys);
    if (rc)
        return rc;
    r->line = n->line;
    r->column = n->column;
    struct jm_ynode *x = jm__yget(n, "entity");
    if (!x)
        return fail(w, n,
                    "a record needs an entity (accounts, contacts, events, deals, "
                    "tickets, surveys, revenue or owners)");
    if ((rc = scalar(w, x, "entity", &s)))
        return rc;
    if (!(r->def = jm_entity_find(s)))
        return fail(w, x,
                    "unknown entity '%s' (expected accounts, contacts, events, deals, "
                    "tickets, surveys, revenue or owners)",
                    s);
    if (!(x = jm__yget(n, "fields")))
        return fail(w, n, "a record needs fields");
    rc = parse_fields(w, x, r);
    if (!rc && (x = jm__yget(n, "properties")))
        rc = parse_props(w, x, r);
    if (!rc && (x = jm__yget(n, "when")))
        rc = parse_when(w, x, &r->when);
    if (!rc && (x = jm__yget(n, "create_missing")))
        rc = parse_create_missing(w, x, r);
    if (!rc && (x = jm__yget(n, "other_columns")) && !(rc = scalar(w, x, "other_columns", &s))) {
        if (strcmp(s, "properties") != 0 && strcmp(s, "ignore") != 0)
            return fail(w, x, "other_columns must be properties or ignore, not '%s'", s);
        r->other_columns_as_props = strcmp(s, "properties") == 0;
    }
    return rc;
}
/* ---------------------------------------------------------------- sources and lookups */

static const char *const source_keys[] = {"file",        "format",  "delimiter",
                                          "date_format", "records", NULL};

static jm_status parse_source(struct ywalk *w, struct jm_ynode *n, struct jm_source_spec *s)
{
    jm_status rc = expect(w, n, JM_Y_MAP, "a source");
    if (!rc)
        rc = check_keys(w, n, "a source", source_keys);
    if (rc)
        return rc;
    s->line = n->line;
    s->column = n->column;
    struct jm_ynode *x;
    if (!(rc = opt_scalar(w, n, "file", &s->file)) && !(rc = parse_format(w, n, &s->format)) &&
        (x = jm__yget(n, "delimiter")))
        rc = parse_delimiter(w, x, &s->delimiter);
    if (!rc)
        rc = opt_scalar(w, n, "date_format", &s->date_format);
    if (rc)
        return rc;
    if (!(x = jm__yget(n, "records")))
        return fail(w, n, "a source needs records");
    if ((rc = expect(w, x, JM_Y_SEQ, "records")))
        return rc;
    size_t count = x->n;
    if (count == 0)
        return fail(w, x, "records is empty");
    s->records = jm_arena_alloc(&w->m->arena, count * sizeof(*s->records));
    if (!s->records)
        return jm_error_set(w->err, JM_ENOMEM, "out of memory");
    for (size_t i = 0; i < count && !rc; i++, s->nrecords++)
        rc = parse_record(w, x->items[i], &s->records[i]);
    return rc;
}

static const char *const lookup_keys[] = {"file", "key", "value", "on_missing", NULL};

static jm_status parse_lookup(struct ywalk *w, struct jm_ynode *k, struct jm_ynode *n,
                              struct jm_lookup *l)
{
    jm_status rc = scalar(w, k, "a lookup name", &l->name);
    if (!rc)
        rc = expect(w, n, JM_Y_MAP, "a lookup");
    if (!rc)
        rc = check_keys(w, n, "a lookup", lookup_keys);
    if (rc)
        return rc;
    l->line = n->line;
    l->column = n->column;
    const char *miss = NULL;
    if (!(rc = opt_scalar(w, n, "file", &l->file)) && !(rc = opt_scalar(w, n, "key", &l->key)) &&
        !(rc = opt_scalar(w, n, "value", &l->value)))
        rc = opt_scalar(w, n, "on_missing", &miss);
    if (rc)
        return rc;
    if (!l->file || !l->key || !l->value)
        return fail(w, n, "a lookup needs file, key and value");
    if (!miss || strcmp(miss, "keep") == 0)
        l->on_missing = 0;
    else if (strcmp(miss, "empty") == 0)
        l->on_missing = 1;
    else if (strcmp(miss, "error") == 0)
        l->on_missing = 2;
    else
        return fail(w, jm__yget(n, "on_missing"), "on_missing must be keep, empty or error");
    return JM_OK;
}

static jm_status parse_lookups(struct ywalk *w, struct jm_ynode *n)
{
    jm_status rc = expect(w, n, JM_Y_MAP, "lookups");
    if (rc)
        return rc;
    size_t count = n->n;
    w->m->lookups = jm_arena_alloc(&w->m->arena, (count + 1) * sizeof(*w->m->lookups));
    if (!w->m->lookups)
        return jm_error_set(w->err, JM_ENOMEM, "out of memory");
    for (size_t i = 0; i < count && !rc; i++) {
        struct jm_ypair *p = &n->pairs[i];
        rc = parse_lookup(w, p->key, p->value, &w->m->lookups[i]);
        if (!rc && find_lookup(w->m, w->m->lookups[i].name))
            return fail(w, p->key, "duplicate lookup '%s'", w->m->lookups[i].name);
        if (!rc)
            w->m->nlookups++;
    }
    return rc;
}

static const char *const top_keys[] = {"name",        "description", "format",  "delimiter",
                                       "date_format", "lookups",     "sources", NULL};

static jm_status parse_top(struct ywalk *w, struct jm_ynode *n)
{
    if (!n)
        return fail(w, NULL, "the mapping is empty");
    jm_status rc = expect(w, n, JM_Y_MAP, "a mapping file");
    if (!rc)
        rc = check_keys(w, n, "the mapping", top_keys);
    struct jm_ynode *x;
    if (!rc && !(rc = opt_scalar(w, n, "name", &w->m->name)) &&
        !(rc = parse_format(w, n, &w->m->format)) && (x = jm__yget(n, "delimiter")))
        rc = parse_delimiter(w, x, &w->m->delimiter);
    if (!rc)
        rc = opt_scalar(w, n, "date_format", &w->m->date_format);
    if (!rc && (x = jm__yget(n, "lookups")))
        rc = parse_lookups(w, x);
    if (rc)
        return rc;
    if (!(x = jm__yget(n, "sources")))
        return fail(w, n, "the mapping needs sources");
    if ((rc = expect(w, x, JM_Y_SEQ, "sources")))
        return rc;
    size_t count = x->n;
    if (count == 0)
        return fail(w, x, "sources is empty");
    w->m->sources = jm_arena_alloc(&w->m->arena, count * sizeof(*w->m->sources));
    if (!w->m->sources)
        return jm_error_set(w->err, JM_ENOMEM, "out of memory");
    for (size_t i = 0; i < count && !rc; i++, w->m->nsources++)
        rc = parse_source(w, x->items[i], &w->m->sources[i]);
    return rc;
}

/* ---------------------------------------------------------------- public */

static struct jm_mapping *mapping_new(const char *name)
{
    struct jm_mapping *m = jm_calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    jm_arena_init(&m->arena);
    m->path = jm_arena_strdup(&m->arena, name);
    m->name = m->path;
    if (!m->path) {
        jm_free(m);
        return NULL;
    }
    return m;
}

jm_status jm_mapping_parse(const char *yaml, size_t len, const char *name, struct jm_mapping **out,
                           struct jm_error *err)
{
    *out = NULL;
    struct ywalk w = {.err = err};
    if (!(w.m = mapping_new(name)))
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    jm_status rc = jm__ydoc_load(&w.doc, yaml, len, name, 0, err);
    if (!rc)
        rc = parse_top(&w, w.doc.root);
    if (!rc && w.m->arena.failed)
        rc = jm_error_set(err, JM_ENOMEM, "out of memory");
    jm__ydoc_release(&w.doc);
    if (rc)
        jm_mapping_free(w.m);
    else
        *out = w.m;
    return rc;
}

jm_status jm_mapping_load(const char *path, struct jm_mapping **out, struct jm_error *err)
{
    char *data;
    size_t len;
    *out = NULL;
    jm_status rc = jm__read_file(path, 1 << 20, &data, &len, err);
    if (rc)
        return rc;
    rc = jm_mapping_parse(data, len, path, out, err);
    jm_free(data);
    return rc;
}

jm_status jm_mapping_identity(const struct jm_entity_def *def, struct jm_mapping **out,
                              struct jm_error *err)
{
    struct jm_mapping *m = mapping_new("");
    struct jm_source_spec *s = m ? jm_arena_alloc(&m->arena, sizeof(*s)) : NULL;
    struct jm_record_spec *r = s ? jm_arena_alloc(&m->arena, sizeof(*r)) : NULL;
    if (!r) {
        jm_mapping_free(m);
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    m->name = def->name;
    m->sources = s;
    m->nsources = 1;
    s->records = r;
    s->nrecords = 1;
    r->def = def;
    r->other_columns_as_props = true;
    for (size_t i = 0; i < def->nfields; i++) {
        r->fields[i].kind = JM_SPEC_COLUMN;
        r->fields[i].column = def->fields[i].name;
        r->fields[i].optional = true;
    }
    *out = m;
    return JM_OK;
}

void jm_mapping_free(struct jm_mapping *m)
{
    if (!m)
        return;
    jm_arena_release(&m->arena);
    jm_free(m);
}

const char *jm_mapping_name(const struct jm_mapping *m)
{
    return m->name;
}

size_t jm_mapping_files(const struct jm_mapping *m, const char **names, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nsources; i++) {
        const char *f = m->sources[i].file;
        if (!f || strpbrk(f, "*?["))
            continue;
        if (n < cap)
            names[n] = f;
        n++;
    }
    return n;
}

const struct jm_source_spec *jm__mapping_source_for(const struct jm_mapping *m, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < m->nsources; i++) {
        const char *f = m->sources[i].file;
        if (!f || fnmatch(f, base, 0) == 0)
            return &m->sources[i];
    }
    return NULL;
}
