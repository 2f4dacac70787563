/*
 * The JSONL reader: one JSON object per line, parsed by jansson and flattened into cells.
 *
 * Each non-blank line is parsed on its own (json_loadb on the line's bytes), so a bad line
 * is reported with jansson's column and the next call simply moves on to the next line.
 * Duplicate keys are rejected rather than silently keeping the last.
 *
 * Flattening, depth first in the order keys appear:
 *
 *   {"id":7,"ctx":{"page":{"url":"/a"}},"tags":["x"],"ok":true,"n":null,"v":0.1}
 *     id=7  ctx={"page":{"url":"/a"}}  ctx.page={"url":"/a"}  ctx.page.url=/a
 *     tags=["x"]  ok=true  n=(empty)  v=0.1
 *
 * A nested object is kept whole, as compact JSON text, under its own key and also flattened
 * with dots. Arrays are JSON text. Integers print as %lld; reals as the shortest of %.15g,
 * %.16g, %.17g that reads back to the same double (0.1, not 0.10000000000000001). Nested JSON
 * text is written by write_json() here rather than json_dumps(), for the same number format
 * and so it lands straight in the scratch buffer. A key the line lacks is an absent cell
 * (present false); two keys that flatten to one name ("a.b" and {"a":{"b":..}}) are an error.
 *
 * Strings point into the parsed document, which lives until the next row; numbers and JSON
 * text go to the source's scratch buffer.
 *
 * Cell positions: jansson gives no positions for values, so a cursor walks the line's text in
 * step with the parsed tree (jansson keeps keys in document order, checked with 2.14 in
 * 2026, and duplicates are rejected, so the n-th member iterated is the n-th in the text).
 * Each cell gets the column of its value's first character, so an error about a cell lands
 * on it.
 *
 * jansson allocates through jm_malloc/jm_free, so allocation fault injection reaches inside the
 * parser too. That setting is process-wide; it is ours to make because no other file includes
 * jansson.h (STYLE.md §1).
 *
 * SPDX-License-Identifier: MIT
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/source_impl.h"

static pthread_once_t alloc_once = PTHREAD_ONCE_INIT;

/*
 * Set when an allocation inside jansson fails. jansson does not always say so: a failed
 * allocation in its lexer surfaces as an ordinary syntax error ("string or '}' expected"), or
 * as no message at all. A parse that fails after this was set is out of memory, not bad input.
 */
static _Thread_local bool json_alloc_failed;

static void *json_alloc(size_t size)
{
    void *p = jm_malloc(size);
    if (!p)
        json_alloc_failed = true;
    return p;
}

static void use_our_allocator(void)
{
    json_set_alloc_funcs(json_alloc, jm_free);
}

jm_status jm__jsonl_start(struct jm_source *src, struct jm_error *err)
{
    (void)err;
    pthread_once(&alloc_once, use_our_allocator);
    if (src->len >= 3 && memcmp(src->data, "\xef\xbb\xbf", 3) == 0)
        src->pos = 3;
    return JM_OK;
}

void jm__jsonl_release(struct jm_source *src)
{
    if (src->json) {
        json_decref((json_t *)src->json);
        src->json = NULL;
    }
}

/* ---------------------------------------------------------------- JSON text */

static jm_status add_real(struct jm_strbuf *sb, double v)
{
    char buf[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return jm_strbuf_addstr(sb, buf);
}

/* %lld without printf: integers are the most common non-string values, once per cell. */
static jm_status add_int(struct jm_strbuf *sb, json_int_t v)
{
    char buf[24], *p = buf + sizeof(buf);
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return jm_strbuf_add(sb, p, (size_t)(buf + sizeof(buf) - p));
}

static jm_status write_json(struct jm_strbuf *sb, json_t *v);

static int key_order(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Objects are written with their keys sorted: {"b":2,"a":1} and {"a":1,"b":2} are the same
 * properties, and must be the same text, or the same event would get two content keys.
 */
static jm_status write_object(struct jm_strbuf *sb, json_t *obj)
{
    const char *k;
    json_t *v;
    size_t n = 0, cap = json_object_size(obj);
    const char **keys = jm_malloc((cap ? cap : 1) * sizeof(*keys));
    if (!keys)
        return JM_ENOMEM;
    json_object_foreach(obj, k, v)
    {
        if (n < cap)
            keys[n++] = k;
    }
    qsort(keys, n, sizeof(*keys), key_order);
    jm_status rc = jm_strbuf_addch(sb, '{');
    for (size_t i = 0; i < n && !rc; i++) {
        if (i)
            rc = jm_strbuf_addch(sb, ',');
        if (!rc)
            rc = jm_strbuf_add_json_string(sb, keys[i], strlen(keys[i]));
        if (!rc)
            rc = jm_strbuf_addch(sb, ':');
        if (!rc)
            rc = write_json(sb, json_object_get(obj, keys[i]));
    }
    jm_free(keys);
    return rc ? rc : jm_strbuf_addch(sb, '}');
}

static jm_status write_array(struct jm_strbuf *sb, json_t *arr)
{
    size_t i;
    json_t *v;
    jm_status rc = jm_strbuf_addch(sb, '[');
    json_array_foreach(arr, i, v)
    {
        if (!rc && i)
            rc = jm_strbuf_addch(sb, ',');
        if (!rc)
            rc = write_json(sb, v);
    }
    return rc ? rc : jm_strbuf_addch(sb, ']');
}

/* Appends `v` as compact JSON, keys in document order, numbers as the cells print them. */
static jm_status write_json(struct jm_strbuf *sb, json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return write_object(sb, v);
    case JSON_ARRAY:
        return write_array(sb, v);
    case JSON_STRING:
        return jm_strbuf_add_json_string(sb, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        return add_int(sb, json_integer_value(v));
    case JSON_REAL:
        return add_real(sb, json_real_value(v));
    case JSON_TRUE:
        return jm_strbuf_addstr(sb, "true");
    case JSON_FALSE:
        return jm_strbuf_addstr(sb, "false");
    case JSON_NULL:
        return jm_strbuf_addstr(sb, "null");
    }
    return JM_EINVAL;
}

/* ---------------------------------------------------------------- the text cursor */

/* A row being flattened: the line's text, the cursor that follows the tree, and the key. */
struct flat {
    struct jm_source *src;
    const char *text;
    size_t len, cur;
    size_t col_off;     /* the cursor's last column was computed at this byte... */
    unsigned long col;  /* ...and is this */
    unsigned long line; /* the row's line */
    struct jm_error *err;
};

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void skip_ws(struct flat *f)
{
    while (f->cur < f->len && is_ws(f->text[f->cur]))
        f->cur++;
}

static void skip_string(struct flat *f)
{
    f->cur++;
    while (f->cur < f->len) {
        char c = f->text[f->cur];
        f->cur += c == '\\' ? 2 : 1;
        if (c == '"')
            return;
    }
}

/* Moves the cursor past one value (the text is valid JSON: jansson parsed it). */
static void skip_value(struct flat *f)
{
    size_t depth = 0;
    skip_ws(f);
    while (f->cur < f->len) {
        char c = f->text[f->cur];
        if (c == '"') {
            skip_string(f);
        } else if (c == '{' || c == '[') {
            depth++;
            f->cur++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return; /* the end of the container around a scalar */
            depth--;
            f->cur++;
        } else if (depth == 0 && (c == ',' || is_ws(c))) {
            return;
        } else {
            f->cur++;
        }
        if (depth == 0 && (c == '"' || c == '}' || c == ']'))
            return;
    }
}

/* Moves past '{' or ',' and the next member's key; returns where its value starts. */
static size_t next_member(struct flat *f)
{
    skip_ws(f);
    if (f->cur < f->len && (f->text[f->cur] == '{' || f->text[f->cur] == ','))
        f->cur++;
    skip_ws(f);
    if (f->cur < f->len && f->text[f->cur] == '"')
        skip_string(f);
    skip_ws(f);
    if (f->cur < f->len && f->text[f->cur] == ':')
        f->cur++;
    skip_ws(f);
    return f->cur;
}

/* Moves past the end of an object (and its '{' when it had no members). */
static void end_object(struct flat *f)
{
    skip_ws(f);
    if (f->cur < f->len && f->text[f->cur] == '{')
        f->cur++;
    skip_ws(f);
    if (f->cur < f->len && f->text[f->cur] == '}')
        f->cur++;
}

/* The column of byte `off` of the line; `off` never goes backwards within a row. */
static unsigned long column_at(struct flat *f, size_t off)
{
    if (off > f->len)
        off = f->len;
    if (off > f->col_off) {
        f->col += (unsigned long)jm_utf8_count(f->text + f->col_off, off - f->col_off);
        f->col_off = off;
    }
    return f->col;
}

/* ---------------------------------------------------------------- flattening */

/* Writes `v`'s text into cell `i`: a slice of the document, a literal, or scratch text. */
static jm_status set_text(struct jm_source *src, size_t i, json_t *v)
{
    struct jm_cell *c = &src->cells[i];
    size_t start = src->scratch.len;
    jm_status rc = JM_OK;
    switch (json_typeof(v)) {
    case JSON_STRING:
        c->s = json_string_value(v);
        c->len = json_string_length(v);
        return JM_OK;
    case JSON_TRUE:
    case JSON_FALSE:
        c->s = json_is_true(v) ? "true" : "false";
        c->len = strlen(c->s);
        return JM_OK;
    case JSON_NULL:
        c->s = "";
        c->len = 0;
        return JM_OK;
    case JSON_REAL:
        rc = add_real(&src->scratch, json_real_value(v));
        break;
    default:
        rc = write_json(&src->scratch, v);
        break;
    }
    c->s = JM_SRC_IN_SCRATCH;
    src->soff[i] = start;
    c->len = src->scratch.len - start;
    return rc;
}

/* The index of the column named by the current key, adding it if new. */
static jm_status key_column(struct flat *f, unsigned long col, size_t *index)
{
    struct jm_source *src = f->src;
    const struct jm_strbuf *key = &src->key;
    const uint64_t *known = jm__strmap_get(&src->index, key->buf, key->len);
    bool added;
    if (known && *known < src->ncols) {
        *index = (size_t)*known;
        return JM_OK;
    }
    if (src->ncols >= src->max_columns)
        return jm_error_at(f->err, JM_ELIMIT, src->name, f->line, col, "more than %zu columns",
                           src->max_columns);
    if (jm__source_add_column(src, key->buf, key->len, index, &added) ||
        jm__source_reserve_cells(src, src->ncols))
        return jm_error_set(f->err, JM_ENOMEM, "out of memory");
    src->cells[*index] = (struct jm_cell){"", 0, f->line, 1, false};
    return JM_OK;
}

static jm_status put_cell(struct flat *f, json_t *v, size_t voff)
{
    struct jm_source *src = f->src;
    unsigned long col = column_at(f, voff);
    size_t i;
    jm_status rc = key_column(f, col, &i);
    if (rc)
        return rc;
    struct jm_cell *c = &src->cells[i];
    if (c->present)
        return jm_error_at(f->err, JM_EPARSE, src->name, f->line, col,
                           "repeated key '%s' after flattening nested objects", src->key.buf);
    c->present = true;
    c->line = f->line;
    c->column = col;
    rc = set_text(src, i, v);
    if (rc == JM_ENOMEM)
        return jm_error_set(f->err, rc, "out of memory");
    if (rc)
        return jm_error_at(f->err, rc, src->name, f->line, col, "row longer than %zu bytes",
                           src->scratch.max);
    if (c->len > src->max_field)
        return jm_error_at(f->err, JM_ELIMIT, src->name, f->line, col,
                           "value of '%s' longer than %zu bytes", src->key.buf, src->max_field);
    return JM_OK;
}

/* Sets the key to prefix + "." + name, or just name for a top-level member. */
static jm_status push_key(struct jm_strbuf *key, size_t base, bool top, const char *name)
{
    key->len = base;
    jm_status rc = top ? JM_OK : jm_strbuf_addch(key, '.');
    return rc ? rc : jm_strbuf_addstr(key, name);
}

static jm_status flatten(struct flat *f, json_t *obj, bool top)
{
    struct jm_strbuf *key = &f->src->key;
    size_t base = key->len;
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        size_t voff = next_member(f);
        jm_status rc = push_key(key, base, top, k);
        if (rc == JM_ENOMEM)
            return jm_error_set(f->err, rc, "out of memory");
        if (rc)
            return jm_error_at(f->err, rc, f->src->name, f->line, column_at(f, voff),
                               "key longer than %zu bytes", (size_t)JM_STRBUF_DEFAULT_MAX);
        rc = put_cell(f, v, voff);
        if (!rc && json_is_object(v))
            rc = flatten(f, v, false);
        else
            skip_value(f);
        if (rc)
            return rc;
    }
    end_object(f);
    return JM_OK;
}

/* ---------------------------------------------------------------- rows */

static const char *kind_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    case JSON_OBJECT:
        break;
    }
    return "an object";
}

/*
 * Finds the next line with something other than blanks: row->raw and row->line describe it
 * (without CR/LF), and src->pos/line move past it. Returns false at the end of the file.
 */
static bool next_line(struct jm_source *src, struct jm_row *row)
{
    while (src->pos < src->len) {
        const char *b = src->data + src->pos;
        const char *nl = memchr(b, '\n', src->len - src->pos);
        size_t n = nl ? (size_t)(nl - b) : src->len - src->pos, i = 0;
        row->line = src->line;
        src->pos += n + (nl != NULL);
        src->line += nl != NULL;
        if (n && b[n - 1] == '\r')
            n--;
        while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r'))
            i++;
        if (i < n) {
            row->raw = b;
            row->raw_len = n;
            return true;
        }
    }
    return false;
}

static jm_status parse_error(const struct jm_source *src, unsigned long line,
                             const json_error_t *je, struct jm_error *err)
{
    if (json_alloc_failed || json_error_code(je) == json_error_out_of_memory)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    unsigned long col = je->column > 0 ? (unsigned long)je->column : 1;
    return jm_error_at(err, JM_EPARSE, src->name, line, col, "malformed JSON: %s", je->text);
}

static jm_status flatten_row(struct jm_source *src, struct jm_row *row, json_t *root,
                             struct jm_error *err)
{
    struct flat f = {
        .src = src, .text = row->raw, .len = row->raw_len, .col = 1, .line = row->line, .err = err};
    /* A no-op unless adding a column ran out of memory after the name was in. */
    if (jm__source_reserve_cells(src, src->ncols))
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    for (size_t i = 0; i < src->ncols; i++)
        src->cells[i] = (struct jm_cell){"", 0, row->line, 1, false};
    jm_strbuf_reset(&src->scratch);
    jm_strbuf_reset(&src->key);
    jm_status rc = flatten(&f, root, true);
    if (rc)
        return rc;
    jm__source_fix_cells(src, src->ncols);
    row->n = src->ncols;
    return JM_OK;
}

jm_status jm__jsonl_next(struct jm_source *src, struct jm_row *row, bool *eof, struct jm_error *err)
{
    jm__jsonl_release(src);
    *row = (struct jm_row){.line = src->line, .cells = src->cells, .raw = src->data + src->len};
    *eof = !next_line(src, row);
    if (*eof)
        return JM_OK;
    json_error_t je;
    json_alloc_failed = false;
    json_t *root =
        json_loadb(row->raw, row->raw_len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return parse_error(src, row->line, &je, err);
    src->json = root;
    if (json_alloc_failed) /* never seen to succeed after a failure, but then trust nothing */
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    if (!json_is_object(root)) {
        unsigned long col = 1;
        while (is_ws(row->raw[col - 1]))
            col++;
        return jm_error_at(err, JM_EPARSE, src->name, row->line, col,
                           "expected a JSON object, found %s", kind_name(root));
    }
    jm_status rc = flatten_row(src, row, root, err);
    row->cells = src->cells; /* the array may have grown */
    return rc;
}

bool jm__json_is_object(const char *s, size_t len)
{
    pthread_once(&alloc_once, use_our_allocator);
    json_t *v = json_loadb(s, len, 0, NULL);
    bool ok = v && json_is_object(v);
    json_decref(v);
    return ok;
}

jm_status jm__json_canonical(struct jm_strbuf *sb)
{
    pthread_once(&alloc_once, use_our_allocator);
    json_alloc_failed = false;
    json_t *v = json_loadb(sb->buf, sb->len, 0, NULL);
    if (!v)
        return json_alloc_failed ? JM_ENOMEM : JM_EPARSE;
    struct jm_strbuf out;
    jm_strbuf_init(&out, sb->max);
    jm_status rc = write_json(&out, v);
    json_decref(v);
    if (!rc) {
        jm_strbuf_release(sb);
        *sb = out;
    } else {
        jm_strbuf_release(&out);
    }
    return rc;
}
