/*
 * API keys in the workspace (workspace.h): only the public id and a hash of each key are
 * stored, never the key itself (access.h makes and checks keys).
 *
 * Roles are stored by name ("admin", ...) rather than by enum value, so the table reads plainly
 * in the sqlite3 shell and a reordered enum cannot silently promote a key. The names are the
 * ones jm_role_key() gives; storage sits below access, so it keeps its own copy, which the
 * unit tests compare.
 *
 * SPDX-License-Identifier: MIT
 */
#include "journeymap/workspace.h"
#include "storage/internal.h"

/* Touches closer together than this are not written: "last used" is for people reading
 * `keys list`, and a write per request would contend with the ingest writer for nothing. */
#define TOUCH_GRANULARITY_US (60 * JM_US_PER_SEC)

static const char *const role_names[JM_ROLE__COUNT] = {"admin", "editor", "viewer", "ingest"};

static const char sql_put[] =
    "INSERT INTO api_keys(id, hash, role, name, created) VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_find[] = "SELECT rowid, id, hash, role, name, created, last_used, revoked"
                               " FROM api_keys WHERE id = ?1";
static const char sql_list[] = "SELECT rowid, id, hash, role, name, created, last_used, revoked"
                               " FROM api_keys ORDER BY created, rowid";
static const char sql_revoke[] =
    "UPDATE api_keys SET revoked = coalesce(revoked, ?2) WHERE id = ?1";
static const char sql_touch[] = "UPDATE api_keys SET last_used = ?2"
                                " WHERE id = ?1 AND coalesce(last_used, 0) <= ?2 - ?3";

static bool id_ok(const char *id)
{
    return id && strlen(id) == JM_KEY_ID_LEN;
}

jm_status jm_keys_put(struct jm_storage *st, const struct jm_key_row *key, struct jm_error *err)
{
    if (!st || !key || !id_ok(key->id) || (unsigned)key->role >= JM_ROLE__COUNT)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to store an API key");
    struct jm__sqlval args[] = {
        jm__sql_str(key->id),
        jm__sql_blob(key->hash, JM_KEY_HASH_LEN),
        jm__sql_str(role_names[key->role]),
        jm__sql_str(key->name ? key->name : ""),
        jm__sql_int(key->created),
    };
    jm_status rc = jm__storage_exec(st, sql_put, args, 5, NULL, NULL, NULL, err);
    if (rc == JM_ECONFLICT)
        return jm_error_set(err, rc, "an API key with id '%s' exists already", key->id);
    return rc;
}

/* One api_keys row, as selected by sql_find and sql_list. */
static jm_status read_row(const struct jm__sqlval *c, int ncol, struct jm_key_row *out,
                          struct jm_error *err)
{
    memset(out, 0, sizeof(*out));
    if (ncol != 8 || c[1].len != JM_KEY_ID_LEN || c[2].len != JM_KEY_HASH_LEN)
        return jm_error_set(err, JM_ESTORAGE, "api key row %lld is corrupt", (long long)c[0].i);
    int r = 0;
    while (r < JM_ROLE__COUNT &&
           !(strlen(role_names[r]) == c[3].len && memcmp(role_names[r], c[3].s, c[3].len) == 0))
        r++;
    if (r == JM_ROLE__COUNT)
        return jm_error_set(err, JM_ESTORAGE, "api key '%s' has an unknown role '%.*s'", c[1].s,
                            (int)(c[3].len > 40 ? 40 : c[3].len), c[3].s);
    out->rowid = c[0].i;
    memcpy(out->id, c[1].s, JM_KEY_ID_LEN);
    memcpy(out->hash, c[2].s, JM_KEY_HASH_LEN);
    out->role = (enum jm_role)r;
    out->name = c[4].s;
    out->created = c[5].i;
    out->last_used = c[6].type == JM_SQL_NULL ? 0 : c[6].i;
    out->revoked = c[7].type == JM_SQL_NULL ? 0 : c[7].i;
    return JM_OK;
}

struct find_ctx {
    struct jm_key_row *out;
    bool *found;
    struct jm_error *err;
};

static jm_status find_row(const struct jm__sqlval *c, int ncol, void *arg)
{
    struct find_ctx *f = arg;
    jm_status rc = read_row(c, ncol, f->out, f->err);
    f->out->name = NULL; /* points into the statement, which is reset on return */
    *f->found = rc == JM_OK;
    return rc;
}

jm_status jm_keys_find(struct jm_storage *st, const char *id, struct jm_key_row *out, bool *found,
                       struct jm_error *err)
{
    if (!st || !id || !out || !found)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to find an API key");
    *found = false;
    memset(out, 0, sizeof(*out));
    struct find_ctx f = {out, found, err};
    struct jm__sqlval arg = jm__sql_str(id);
    return jm__storage_exec(st, sql_find, &arg, 1, find_row, &f, NULL, err);
}

struct list_ctx {
    jm_key_fn fn;
    void *ctx;
    struct jm_error *err;
};

static jm_status list_row(const struct jm__sqlval *c, int ncol, void *arg)
{
    struct list_ctx *l = arg;
    struct jm_key_row row;
    jm_status rc = read_row(c, ncol, &row, l->err);
    return rc ? rc : l->fn(&row, l->ctx);
}

jm_status jm_keys_list(struct jm_storage *st, jm_key_fn fn, void *ctx, struct jm_error *err)
{
    if (!st || !fn)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to list API keys");
    struct list_ctx l = {fn, ctx, err};
    return jm__storage_exec(st, sql_list, NULL, 0, list_row, &l, NULL, err);
}

jm_status jm_keys_revoke(struct jm_storage *st, const char *id, int64_t when, struct jm_error *err)
{
    if (!st || !id)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to revoke an API key");
    struct jm__sqlval args[] = {jm__sql_str(id), jm__sql_int(when)};
    struct jm__sqlresult res;
    jm_status rc = jm__storage_exec(st, sql_revoke, args, 2, NULL, NULL, &res, err);
    if (!rc && res.changes == 0)
        rc = jm_error_set(err, JM_ENOTFOUND, "no API key with id '%.*s'",
                          (int)jm__utf8_prefix(id, strlen(id), 40), id);
    return rc;
}

jm_status jm_keys_touch(struct jm_storage *st, const char *id, int64_t when, struct jm_error *err)
{
    if (!st || !id)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to record an API key's use");
    struct jm__sqlval args[] = {jm__sql_str(id), jm__sql_int(when),
                                jm__sql_int(TOUCH_GRANULARITY_US)};
    return jm__storage_exec(st, sql_touch, args, 3, NULL, NULL, NULL, err);
}
