/*
 * Identities (workspace.h): anonymous id -> contact, recorded on identify. The first link of an
 * anonymous id wins (INSERT .. ON CONFLICT DO NOTHING): a browser shared by two people keeps
 * its history with whoever signed in first rather than moving it on each sign-in.
 *
 * SPDX-License-Identifier: MIT
 */
#include "journeymap/workspace.h"
#include "storage/internal.h"

static const char sql_link[] =
    "INSERT INTO identities(anon, contact) VALUES(?1, ?2) ON CONFLICT(anon) DO NOTHING";
static const char sql_find[] = "SELECT contact FROM identities WHERE anon = ?1";
static const char sql_scan[] = "SELECT anon, contact FROM identities ORDER BY anon";

jm_status jm_identity_link(struct jm_storage *st, const char *anon, const char *contact,
                           bool *linked, struct jm_error *err)
{
    if (linked)
        *linked = false;
    if (!st || !anon || !*anon || !contact)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to link an anonymous id");
    /* Checked first for a message naming the contact; the foreign key would only say
     * "FOREIGN KEY constraint failed". */
    uint64_t rowid;
    jm_status rc = jm__storage_ref(st, JM_ENT_CONTACT, contact, strlen(contact), &rowid, NULL, err);
    struct jm__sqlval args[] = {jm__sql_str(anon), jm__sql_str(contact)};
    struct jm__sqlresult res = {0, 0};
    if (!rc)
        rc = jm__storage_exec(st, sql_link, args, 2, NULL, NULL, &res, err);
    if (!rc && linked)
        *linked = res.changes > 0;
    return rc;
}

static jm_status find_row(const struct jm__sqlval *c, int ncol, void *arg)
{
    (void)ncol;
    struct jm_strbuf *sb = arg;
    jm_strbuf_reset(sb);
    return jm_strbuf_add(sb, c[0].s, c[0].len);
}

jm_status jm_identity_find(struct jm_storage *st, const char *anon, struct jm_strbuf *sb,
                           bool *found, struct jm_error *err)
{
    if (!st || !anon || !sb || !found)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to find an anonymous id");
    jm_strbuf_reset(sb);
    struct jm__sqlval arg = jm__sql_str(anon);
    jm_status rc = jm__storage_exec(st, sql_find, &arg, 1, find_row, sb, NULL, err);
    if (rc == JM_ENOMEM)
        return jm_error_set(err, rc, "out of memory");
    *found = !rc && sb->len > 0;
    return rc;
}

struct scan_ctx {
    jm_identity_fn fn;
    void *ctx;
};

static jm_status scan_row(const struct jm__sqlval *c, int ncol, void *arg)
{
    (void)ncol;
    struct scan_ctx *sc = arg;
    return sc->fn(c[0].s, c[1].s, sc->ctx);
}

jm_status jm_identity_scan(struct jm_storage *st, jm_identity_fn fn, void *ctx,
                           struct jm_error *err)
{
    if (!st || !fn)
        return jm_error_set(err, JM_EINVAL, "invalid arguments to scan identities");
    struct scan_ctx sc = {fn, ctx};
    return jm__storage_exec(st, sql_scan, NULL, 0, scan_row, &sc, NULL, err);
}
