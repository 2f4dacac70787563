/*
 * Journey definition versions (workspace.h): append-only, numbered 1, 2, ... per key.
 *
 * The next number is computed inside the INSERT itself (max + 1 of the key's versions), so two
 * connections saving the same journey at once cannot both take it: each INSERT runs under the
 * write lock, and UNIQUE(key, version) would refuse a duplicate anyway.
 *
 * SPDX-License-Identifier: MIT
 */
#include <limits.h>

#include "journeymap/workspace.h"
#include "storage/internal.h"

static const char sql_save[] =
    "INSERT INTO journey_versions(key, version, saved, author, message, yaml)"
    " SELECT ?1, coalesce(max(version), 0) + 1, ?2, ?3, ?4, ?5"
    " FROM journey_versions WHERE key = ?1";
static const char sql_version_of[] = "SELECT version FROM journey_versions WHERE rowid = ?1";

#define COLUMNS "SELECT key, version, saved, author, message, yaml FROM journey_versions"
static const char sql_get_version[] = COLUMNS " WHERE key = ?1 AND version = ?2";
static const char sql_get_latest[] = COLUMNS " WHERE key = ?1 ORDER BY version DESC LIMIT 1";
static const char sql_get_as_of[] =
    COLUMNS " WHERE key = ?1 AND saved <= ?2 ORDER BY version DESC LIMIT 1";
static const char sql_list_key[] = "SELECT key, version, saved, author, message"
                                   " FROM journey_versions WHERE key = ?1 ORDER BY version DESC";
static const char sql_list_all[] = "SELECT key, version, saved, author, message"
                                   " FROM journey_versions ORDER BY key, version DESC";

/* At most this much of a key is quoted in a message. */
#define QUOTE(s) (int)jm__utf8_prefix((s), strlen(s), 80), (s)

static jm_status int_row(const struct jm__sqlval *c, int ncol, void *arg)
{
    if (ncol > 0)
        *(int64_t *)arg = c[0].i;
    return JM_OK;
}

jm_status jm_journeys_save(struct jm_storage *st, const char *key, const char *yaml,
                           size_t yaml_len, const char *author, const char *message, int64_t saved,
                           int *version, struct jm_error *err)
{
    if (!st || !key || !*key || !yaml || !version)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to save a journey version");
    struct jm__sqlval args[] = {
        jm__sql_str(key),
        jm__sql_int(saved),
        jm__sql_str(author ? author : ""),
        jm__sql_str(message ? message : ""),
        jm__sql_text(yaml, yaml_len),
    };
    struct jm__sqlresult res;
    int64_t v = 0;
    jm_status rc = jm__storage_exec(st, sql_save, args, 5, NULL, NULL, &res, err);
    if (!rc) {
        struct jm__sqlval id = jm__sql_int(res.rowid);
        rc = jm__storage_exec(st, sql_version_of, &id, 1, int_row, &v, NULL, err);
    }
    if (!rc && (v <= 0 || v > INT_MAX))
        rc = jm_error_set(err, JM_ESTORAGE, "cannot read back the version saved of journey '%.*s'",
                          QUOTE(key));
    if (!rc)
        *version = (int)v;
    return rc;
}

struct version_ctx {
    jm_journey_version_fn fn;
    void *ctx;
    bool found;
};

static jm_status version_row(const struct jm__sqlval *c, int ncol, void *arg)
{
    struct version_ctx *vc = arg;
    struct jm_journey_version v = {
        .key = c[0].s,
        .version = (int)c[1].i,
        .saved = c[2].i,
        .author = c[3].s,
        .message = c[4].s,
        .yaml = ncol > 5 ? c[5].s : NULL,
        .yaml_len = ncol > 5 ? c[5].len : 0,
    };
    vc->found = true;
    return vc->fn(&v, vc->ctx);
}

static jm_status not_found(const char *key, int version, int64_t as_of, struct jm_error *err)
{
    char when[40];
    if (version > 0)
        return jm_error_set(err, JM_ENOTFOUND, "journey '%.*s' has no version %d", QUOTE(key),
                            version);
    if (as_of == INT64_MAX)
        return jm_error_set(err, JM_ENOTFOUND, "journey '%.*s' has no saved version", QUOTE(key));
    jm_time_format(as_of, false, when, sizeof(when));
    return jm_error_set(err, JM_ENOTFOUND, "journey '%.*s' had no version yet on %s", QUOTE(key),
                        when);
}

jm_status jm_journeys_get(struct jm_storage *st, const char *key, int version, int64_t as_of,
                          jm_journey_version_fn fn, void *ctx, struct jm_error *err)
{
    if (!st || !key || !fn || version < 0)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to read a journey version");
    struct version_ctx vc = {fn, ctx, false};
    struct jm__sqlval args[2] = {jm__sql_str(key), jm__sql_int(version)};
    const char *sql = sql_get_version;
    if (version == 0 && as_of == INT64_MAX) {
        sql = sql_get_latest;
    } else if (version == 0) {
        sql = sql_get_as_of;
        args[1] = jm__sql_int(as_of);
    }
    jm_status rc =
        jm__storage_exec(st, sql, args, sql == sql_get_latest ? 1 : 2, version_row, &vc, NULL, err);
    if (!rc && !vc.found)
        rc = not_found(key, version, as_of, err);
    return rc;
}

jm_status jm_journeys_list(struct jm_storage *st, const char *key, jm_journey_version_fn fn,
                           void *ctx, struct jm_error *err)
{
    if (!st || !fn)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to list journey versions");
    struct version_ctx vc = {fn, ctx, false};
    struct jm__sqlval arg = jm__sql_str(key);
    return jm__storage_exec(st, key ? sql_list_key : sql_list_all, &arg, key ? 1 : 0, version_row,
                            &vc, NULL, err);
}
