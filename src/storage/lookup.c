/*
 * Record lookups for the server (workspace.h): one record by id, pages of records in id order
 * with an optional field filter, an account by its web domain, and the workspace's data
 * version. Records are decoded by sqlite.c's scan (jm__storage_scan_where), the same as
 * jm_storage_scan's.
 *
 * The WHERE clauses are built here from column names of the entity definitions (checked
 * against them), never from data; values are always bound.
 *
 * SPDX-License-Identifier: MIT
 */
#include "journeymap/workspace.h"
#include "storage/internal.h"

static const char sql_by_domain[] = "SELECT id FROM accounts WHERE " JM__DOMAIN_KEY " = ?1 LIMIT 2";

struct get_ctx {
    jm_record_fn fn;
    void *ctx;
    bool *found;
};

static jm_status get_row(const struct jm_record *rec, void *arg)
{
    struct get_ctx *g = arg;
    *g->found = true;
    return g->fn(rec, g->ctx);
}

/* The entity of `kind` when it has a text id, else NULL. */
static const struct jm_entity_def *with_id(enum jm_entity kind)
{
    const struct jm_entity_def *def = jm_entity_get(kind);
    return def && kind != JM_ENT_EVENT && def->id_field >= 0 ? def : NULL;
}

jm_status jm_storage_get(struct jm_storage *st, enum jm_entity kind, const char *id,
                         jm_record_fn fn, void *ctx, bool *found, struct jm_error *err)
{
    const struct jm_entity_def *def = with_id(kind);
    if (found)
        *found = false;
    if (!st || !id || !fn || !found)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to get a record");
    if (!def)
        return jm_error_set(err, JM_EINVAL, "get: %s have no text id",
                            jm_entity_get(kind) ? jm_entity_get(kind)->name : "unknown entities");
    struct get_ctx g = {fn, ctx, found};
    struct jm__sqlval arg = jm__sql_str(id);
    return jm__storage_scan_where(st, kind, "id = ?1", &arg, 1, 1, get_row, &g, err);
}

jm_status jm_storage_page(struct jm_storage *st, enum jm_entity kind, const char *after,
                          size_t limit, const char *field, const char *value, jm_record_fn fn,
                          void *ctx, struct jm_error *err)
{
    const struct jm_entity_def *def = jm_entity_get(kind);
    if (!st || !def || kind == JM_ENT_EVENT || !fn || (field && !value))
        return jm_error_set(err, JM_EINVAL, "invalid arguments to page through records");
    bool from_start = !after || !*after;
    if (def->id_field < 0 && !from_start)
        return jm_error_set(err, JM_EINVAL, "page: %s have no text id to start after", def->name);
    int fi = field ? jm_entity_field(def, field) : -1;
    if (field && fi < 0)
        return jm_error_set(err, JM_EINVAL, "%s have no field '%.*s'", def->name,
                            (int)jm__utf8_prefix(field, strlen(field), 60), field);
    struct jm__sqlval args[2];
    int nargs = 0;
    char where[128];
    size_t n = 0;
    where[0] = '\0';
    if (!from_start) {
        args[nargs++] = jm__sql_str(after);
        n += (size_t)snprintf(where + n, sizeof(where) - n, "id > ?%d", nargs);
    }
    if (fi >= 0) {
        args[nargs++] = jm__sql_str(value);
        snprintf(where + n, sizeof(where) - n, "%s%s = ?%d", n ? " AND " : "", def->fields[fi].name,
                 nargs);
    }
    return jm__storage_scan_where(st, kind, nargs ? where : NULL, args, nargs, limit, fn, ctx, err);
}

/* `d` without surrounding blanks and a leading "www.", lower-cased (domains are ASCII; IDNs
 * arrive as punycode) into sb. */
static jm_status domain_key(struct jm_strbuf *sb, const char *d)
{
    size_t len = strlen(d);
    while (len && (*d == ' ' || *d == '\t'))
        d++, len--;
    while (len && (d[len - 1] == ' ' || d[len - 1] == '\t' || d[len - 1] == '.'))
        len--;
    if (len >= 4 && (d[0] | 32) == 'w' && (d[1] | 32) == 'w' && (d[2] | 32) == 'w' && d[3] == '.')
        d += 4, len -= 4;
    jm_strbuf_reset(sb);
    for (size_t i = 0; i < len; i++) {
        char c = d[i] >= 'A' && d[i] <= 'Z' ? (char)(d[i] + 32) : d[i];
        if (jm_strbuf_addch(sb, c))
            return JM_ENOMEM;
    }
    return JM_OK;
}

struct domain_ctx {
    struct jm_strbuf *sb;
    int n;
};

static jm_status domain_row(const struct jm__sqlval *c, int ncol, void *arg)
{
    (void)ncol;
    struct domain_ctx *d = arg;
    if (d->n++ == 0) {
        jm_strbuf_reset(d->sb);
        return jm_strbuf_add(d->sb, c[0].s, c[0].len);
    }
    return JM_OK;
}

jm_status jm_storage_account_by_domain(struct jm_storage *st, const char *domain,
                                       struct jm_strbuf *sb, bool *found, struct jm_error *err)
{
    if (found)
        *found = false;
    if (!st || !domain || !sb || !found)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to find an account by domain");
    if (domain_key(sb, domain))
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    if (sb->len == 0)
        return JM_OK;
    /* The key is copied out of sb, which receives the answer. */
    char *key = jm_strndup(sb->buf, sb->len);
    if (!key)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    struct domain_ctx d = {sb, 0};
    struct jm__sqlval arg = jm__sql_str(key);
    jm_status rc = jm__storage_exec(st, sql_by_domain, &arg, 1, domain_row, &d, NULL, err);
    jm_free(key);
    if (rc == JM_ENOMEM)
        rc = jm_error_set(err, rc, "out of memory");
    /* Two accounts on one domain (a reseller and its client, a duplicate import): attaching a
     * contact to either would be a guess. */
    *found = !rc && d.n == 1;
    if (!*found)
        jm_strbuf_reset(sb);
    return rc;
}

jm_status jm_storage_data_version(struct jm_storage *st, uint64_t *v, struct jm_error *err)
{
    if (!st || !v)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to read the data version");
    return jm__storage_version(st, v, err);
}
