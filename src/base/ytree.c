/*
 * YAML text -> jm_ynode tree (ytree.h). libyaml's loader builds a document whose nodes sit in
 * one array, children named by 1-based ids; we copy that array into an arena array of the same
 * order, so an id turns into a pointer by indexing and the copy needs neither recursion nor a
 * stack, however deep the nesting and whatever the aliases. yaml.h is included here only.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "base/ytree.h"

/* ---------------------------------------------------------------- loading */

/* Fills `out` from libyaml's node `in`; `all` is the whole copied array, in id order. */
static jm_status copy_node(struct jm_ydoc *d, const yaml_node_t *in, struct jm_ynode *out,
                           struct jm_ynode *all, unsigned *refs)
{
    out->line = in->start_mark.line + 1;
    out->column = in->start_mark.column + 1;
    if (in->type == YAML_SCALAR_NODE) {
        out->kind = JM_Y_SCALAR;
        out->plain = in->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        out->len = in->data.scalar.length;
        out->s = jm_arena_strndup(&d->arena, (const char *)in->data.scalar.value, out->len);
        return out->s ? JM_OK : JM_ENOMEM;
    }
    size_t n, bytes;
    if (in->type == YAML_SEQUENCE_NODE) {
        out->kind = JM_Y_SEQ;
        n = (size_t)(in->data.sequence.items.top - in->data.sequence.items.start);
        if (!jm_size_mul(n, sizeof(*out->items), &bytes))
            return JM_ENOMEM;
        out->items = jm_arena_alloc(&d->arena, bytes);
        for (size_t i = 0; out->items && i < n; i++) {
            int id = in->data.sequence.items.start[i];
            out->items[i] = &all[id - 1];
            refs[id - 1]++;
        }
        out->n = n;
        return out->items ? JM_OK : JM_ENOMEM;
    }
    out->kind = JM_Y_MAP;
    n = (size_t)(in->data.mapping.pairs.top - in->data.mapping.pairs.start);
    if (!jm_size_mul(n, sizeof(*out->pairs), &bytes))
        return JM_ENOMEM;
    out->pairs = jm_arena_alloc(&d->arena, bytes);
    for (size_t i = 0; out->pairs && i < n; i++) {
        const yaml_node_pair_t *p = &in->data.mapping.pairs.start[i];
        out->pairs[i].key = &all[p->key - 1];
        out->pairs[i].value = &all[p->value - 1];
        refs[p->key - 1]++;
        refs[p->value - 1]++;
    }
    out->n = n;
    return out->pairs ? JM_OK : JM_ENOMEM;
}

/*
 * Copies every node of `doc`. A node referred to more than once is the target of an alias: the
 * loader gives every other node exactly one parent (or none, for the root).
 */
static jm_status copy_document(struct jm_ydoc *d, yaml_document_t *doc, unsigned flags)
{
    size_t n = (size_t)(doc->nodes.top - doc->nodes.start), bytes;
    if (n == 0)
        return JM_OK;
    if (!jm_size_mul(n, sizeof(struct jm_ynode), &bytes))
        return jm__ynomem(d);
    struct jm_ynode *all = jm_arena_alloc(&d->arena, bytes);
    unsigned *refs = jm_calloc(n, sizeof(*refs));
    jm_status rc = all && refs ? JM_OK : JM_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++)
        rc = copy_node(d, &doc->nodes.start[i], &all[i], all, refs);
    if (!rc) {
        refs[0]++; /* the root is node 1 */
        for (size_t i = 0; i < n; i++)
            all[i].aliased = refs[i] > 1;
        d->root = &all[0];
        for (size_t i = 0; (flags & JM_YDOC_NO_ALIASES) && i < n && !rc; i++)
            if (all[i].aliased)
                rc = jm__yfail(d, &all[i], "anchors and aliases are not supported");
    }
    jm_free(refs);
    return rc == JM_ENOMEM ? jm__ynomem(d) : rc;
}

/*
 * libyaml reports encoding errors (bad UTF-8, a control character) by byte offset only, leaving
 * problem_mark at the start of the file; work out the line and the column (in characters, as
 * libyaml counts them everywhere else) of that offset.
 */
static yaml_mark_t reader_mark(const char *text, size_t len, size_t offset)
{
    yaml_mark_t m = {offset, 0, 0};
    size_t start = 0;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++) {
        bool crlf = text[i] == '\r' && i + 1 < offset && text[i + 1] == '\n';
        if ((text[i] == '\n' || text[i] == '\r') && !crlf) {
            m.line++;
            start = i + 1;
        }
    }
    if (start == 0 && offset >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
        start = 3; /* the byte-order mark is not a character of the line */
    m.column = jm_utf8_count(text + start, offset - start);
    return m;
}

jm_status jm__ydoc_load(struct jm_ydoc *d, const char *text, size_t len, const char *name,
                        unsigned flags, struct jm_error *err)
{
    memset(d, 0, sizeof(*d));
    jm_arena_init(&d->arena);
    d->name = name;
    d->err = err;
    yaml_parser_t parser;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&parser))
        return jm__ynomem(d);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    jm_status rc;
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_mark_t at = parser.problem_mark;
        if (parser.error == YAML_READER_ERROR)
            at = reader_mark(text, len, parser.problem_offset);
        rc = jm_error_at(err, JM_EPARSE, name, at.line + 1, at.column + 1, "%s%s%s",
                         parser.problem ? parser.problem : "malformed YAML",
                         parser.context ? " " : "", parser.context ? parser.context : "");
        yaml_parser_delete(&parser);
        return rc;
    }
    rc = copy_document(d, &doc, flags);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    return rc;
}

void jm__ydoc_release(struct jm_ydoc *d)
{
    jm_arena_release(&d->arena);
    d->root = NULL;
}

/* ---------------------------------------------------------------- helpers */

jm_status jm__yfail(const struct jm_ydoc *d, const struct jm_ynode *n, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return jm_error_at(d->err, JM_EPARSE, d->name, n ? n->line : 0, n ? n->column : 0, "%s", msg);
}

jm_status jm__ynomem(const struct jm_ydoc *d)
{
    return jm_error_set(d->err, JM_ENOMEM, "out of memory");
}

const char *jm__ykind_name(const struct jm_ynode *n)
{
    return n->kind == JM_Y_SCALAR ? "a value" : n->kind == JM_Y_SEQ ? "a list" : "a mapping";
}

jm_status jm__yexpect(const struct jm_ydoc *d, const struct jm_ynode *n, enum jm_ykind kind,
                      const char *what)
{
    if (n->kind == kind)
        return JM_OK;
    const char *want = kind == JM_Y_MAP ? "a mapping" : kind == JM_Y_SEQ ? "a list" : "a value";
    return jm__yfail(d, n, "%s must be %s, not %s", what, want, jm__ykind_name(n));
}

bool jm__ynull(const struct jm_ynode *n)
{
    if (n->kind != JM_Y_SCALAR || !n->plain)
        return false;
    return n->len == 0 || strcmp(n->s, "~") == 0 || strcmp(n->s, "null") == 0 ||
           strcmp(n->s, "Null") == 0 || strcmp(n->s, "NULL") == 0;
}

struct jm_ynode *jm__yget(const struct jm_ynode *map, const char *key)
{
    for (size_t i = 0; map->kind == JM_Y_MAP && i < map->n; i++) {
        const struct jm_ynode *k = map->pairs[i].key;
        if (k->kind == JM_Y_SCALAR && strcmp(k->s, key) == 0)
            return map->pairs[i].value;
    }
    return NULL;
}

/* Joins `allowed` as "a, b, c" into buf, cut at its end. */
static void join_names(const char *const *allowed, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t j = 0; allowed[j] && used < cap; j++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", j ? ", " : "", allowed[j]);
}

jm_status jm__ycheck_keys(const struct jm_ydoc *d, const struct jm_ynode *n, const char *where,
                          const char *const *allowed)
{
    for (size_t p = 0; n->kind == JM_Y_MAP && p < n->n; p++) {
        const struct jm_ynode *k = n->pairs[p].key;
        if (k->kind != JM_Y_SCALAR)
            return jm__yfail(d, k, "keys in %s must be plain names", where);
        size_t i = 0;
        while (allowed && allowed[i] && strcmp(allowed[i], k->s) != 0)
            i++;
        if (allowed && !allowed[i]) {
            char list[300];
            join_names(allowed, list, sizeof(list));
            return jm__yfail(d, k, "unknown key '%s' in %s (expected one of: %s)", k->s, where,
                             list);
        }
        for (size_t q = 0; q < p; q++)
            if (strcmp(n->pairs[q].key->s, k->s) == 0)
                return jm__yfail(d, k, "duplicate key '%s' in %s", k->s, where);
    }
    return JM_OK;
}
