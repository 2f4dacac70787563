/*
 * The import driver: files in, one transaction out. It orders the files the way the mapping
 * lists its sources (owners before the accounts that name them, accounts before contacts...),
 * reads each row, turns it into records (row.c) and hands them to storage. On the first bad row
 * it rolls everything back, unless skip_bad_rows asks it to leave the row out and report it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import/internal.h"

/* ---------------------------------------------------------------- rejects */

static jm_status reject_row(struct jm_importer *imp, const struct jm_row *row, unsigned long line)
{
    imp->stats->rejected++;
    if (!imp->opts->rejects)
        return JM_OK;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    char num[32];
    snprintf(num, sizeof(num), "%lu", line);
    jm_status rc = jm__csv_field(&sb, imp->fname, strlen(imp->fname), true);
    if (!rc && !(rc = jm_strbuf_addch(&sb, ',')) && !(rc = jm_strbuf_addstr(&sb, num)))
        rc = jm_strbuf_addch(&sb, ',');
    if (!rc && !(rc = jm__csv_field(&sb, imp->err->msg, strlen(imp->err->msg), true)))
        rc = jm_strbuf_addch(&sb, ',');
    size_t rawlen = row ? row->raw_len : 0;
    while (rawlen && (row->raw[rawlen - 1] == '\n' || row->raw[rawlen - 1] == '\r'))
        rawlen--;
    if (!rc && !(rc = jm__csv_field(&sb, row ? row->raw : "", rawlen, true)))
        rc = jm_strbuf_addch(&sb, '\n');
    if (!rc && fwrite(sb.buf, 1, sb.len, imp->opts->rejects) != sb.len)
        rc = jm_error_set(imp->err, JM_EIO, "cannot write the rejects file: %s", strerror(errno));
    jm_strbuf_release(&sb);
    return rc;
}

/* Errors in the data itself can be skipped row by row; anything else stops the import. */
static bool row_error(jm_status rc)
{
    return rc == JM_EPARSE || rc == JM_ECONFLICT || rc == JM_ENOTFOUND || rc == JM_ELIMIT;
}

/* ---------------------------------------------------------------- rows */

static jm_status put_one(struct jm_importer *imp, const struct jm_record *rec)
{
    enum jm_put_outcome out;
    jm_status rc = jm_storage_put(imp->st, rec, &out, imp->err);
    if (rc)
        return rc;
    enum jm_entity k = rec->def->kind;
    if (out == JM_PUT_INSERTED)
        imp->stats->inserted[k]++;
    else if (out == JM_PUT_UPDATED)
        imp->stats->updated[k]++;
    else
        imp->stats->unchanged[k]++;
    return JM_OK;
}

static jm_status put_row(struct jm_importer *imp, size_t n)
{
    jm_status rc = JM_OK;
    for (size_t i = 0; i < imp->nbare && !rc; i++) {
        struct jm_record bare;
        const struct jm_entity_def *def = jm_entity_get(imp->bare[i].kind);
        jm_record_init(&bare, def);
        bare.v[def->id_field] =
            (struct jm_value){.kind = JM_V_TEXT, .s = imp->bare[i].id, .len = imp->bare[i].len};
        rc = put_one(imp, &bare);
    }
    for (size_t i = 0; i < n && !rc; i++) {
        if (imp->rec_dup[i])
            imp->stats->unchanged[imp->recs[i].def->kind]++;
        else
            rc = put_one(imp, &imp->recs[i]);
    }
    return rc;
}

/* Rows read before the event-key set is sized for the rest of the file. */
#define JM__EXPECT_AFTER_ROWS 4096

static uint64_t event_puts(const struct jm_import_stats *s)
{
    return s->inserted[JM_ENT_EVENT] + s->updated[JM_ENT_EVENT] + s->unchanged[JM_ENT_EVENT];
}

/*
 * After the first rows of a file, tells storage how many more events the file will likely
 * bring (its remaining bytes at the bytes per row and events per row seen so far), so the key
 * set is sized once instead of doubling all the way. The estimate is capped at one event per 8
 * bytes left: no row is that short, so a skewed start cannot reserve wildly.
 */
static jm_status expect_events(struct jm_importer *imp, uint64_t rows, uint64_t events)
{
    uint64_t size = jm__source_size(imp->src), off = jm__source_offset(imp->src);
    if (!events || !rows || !off || size <= off)
        return JM_OK;
    uint64_t left = size - off;
    /* left / (off / rows) rows to come, at events / rows events each. */
    double est = (double)left * (double)events / (double)off;
    uint64_t cap = left / 8;
    uint64_t n = est >= (double)cap ? cap : (uint64_t)est;
    return n ? jm_storage_expect_events(imp->st, n, imp->err) : JM_OK;
}

static jm_status import_rows(struct jm_importer *imp)
{
    struct jm_progress prog;
    struct jm_row row;
    bool eof = false;
    jm_status rc;
    uint64_t rows = 0, events0 = event_puts(imp->stats);
    const char *base = strrchr(imp->fname, '/');
    jm__progress_start(&prog, base ? base + 1 : imp->fname, jm__source_size(imp->src));
    prog.enabled = prog.enabled && imp->opts->progress;
    for (;;) {
        uint64_t before = jm__source_offset(imp->src);
        size_t n = 0;
        memset(&row, 0, sizeof(row));
        rc = jm__source_next(imp->src, &row, &eof, imp->err);
        if (!rc && eof)
            break;
        if (!rc)
            rc = jm__row_records(imp, &row, &n);
        if (!rc)
            rc = put_row(imp, n);
        if (rc && row_error(rc) && imp->opts->skip_bad_rows &&
            jm__source_offset(imp->src) > before) {
            rc = reject_row(imp, &row, row.line);
            jm_error_clear(imp->err);
        }
        if (rc)
            break;
        if (++rows == JM__EXPECT_AFTER_ROWS &&
            (rc = expect_events(imp, rows, event_puts(imp->stats) - events0)))
            break;
        if ((rows & 0x3fff) == 0)
            jm__progress_update(&prog, jm__source_offset(imp->src), rows);
    }
    imp->stats->rows += rows;
    if (!rc)
        jm__progress_finish(&prog);
    return rc;
}

/* ---------------------------------------------------------------- files */

static jm_status no_source(struct jm_importer *imp, const char *path)
{
    struct jm_strbuf names = JM_STRBUF_INIT;
    for (size_t i = 0; i < imp->m->nsources; i++)
        jm_strbuf_addf(&names, "%s%s", i ? ", " : "", imp->m->sources[i].file);
    jm_status rc =
        jm_error_set(imp->err, JM_EINVAL, "the mapping '%s' has no source for '%s' (it reads: %s)",
                     imp->m->path, path, names.buf);
    jm_strbuf_release(&names);
    return rc;
}

static void source_opts(const struct jm_importer *imp, struct jm_source_opts *so)
{
    const char *fmt = imp->opts->format    ? imp->opts->format
                      : imp->sspec->format ? imp->sspec->format
                                           : imp->m->format;
    memset(so, 0, sizeof(*so));
    so->format = !fmt ? JM_SRC_AUTO : strcmp(fmt, "jsonl") == 0 ? JM_SRC_JSONL : JM_SRC_CSV;
    so->delimiter = imp->opts->delimiter    ? imp->opts->delimiter
                    : imp->sspec->delimiter ? imp->sspec->delimiter
                                            : imp->m->delimiter;
}

static jm_status import_file(struct jm_importer *imp, const char *path)
{
    struct jm_source_opts so;
    char dir[4096];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    imp->dir = dir;
    imp->fname = path;
    if (!(imp->sspec = jm__mapping_source_for(imp->m, path)))
        return no_source(imp, path);
    source_opts(imp, &so);
    jm_status rc = jm__source_open(path, path, &so, &imp->src, imp->err);
    if (!rc)
        rc = jm__plan_build(imp);
    if (!rc)
        rc = import_rows(imp);
    jm__source_close(imp->src);
    imp->src = NULL;
    jm_arena_release(&imp->file_arena);
    imp->dir = NULL;
    return rc;
}

/* Index of the mapping source a file belongs to, for ordering; files without one go last. */
static size_t source_rank(const struct jm_mapping *m, const char *path)
{
    const struct jm_source_spec *s = jm__mapping_source_for(m, path);
    return s ? (size_t)(s - m->sources) : m->nsources;
}

/* Expands folders into the files the mapping names, then orders everything by source. */
static jm_status expand_paths(const struct jm_mapping *m, const char *const *paths, size_t n,
                              char ***out, size_t *nout, struct jm_error *err)
{
    size_t cap = 0;
    *out = NULL;
    *nout = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (stat(paths[i], &sb) != 0)
            return jm_error_set(err, JM_ENOTFOUND, "cannot open '%s': %s", paths[i],
                                strerror(errno));
        const char *names[64];
        size_t nn = S_ISDIR(sb.st_mode) ? jm_mapping_files(m, names, 64) : 1;
        if (S_ISDIR(sb.st_mode) && nn == 0)
            return jm_error_set(err, JM_EINVAL,
                                "'%s' is a folder, and the mapping names no "
                                "files to look for in it",
                                paths[i]);
        for (size_t k = 0; k < nn && k < 64; k++) {
            if (jm_grow((void **)out, &cap, *nout + 1, sizeof(char *)))
                return jm_error_set(err, JM_ENOMEM, "out of memory");
            struct jm_strbuf p = JM_STRBUF_INIT;
            if (S_ISDIR(sb.st_mode))
                jm_strbuf_addf(&p, "%s/%s", paths[i], names[k]);
            else
                jm_strbuf_addstr(&p, paths[i]);
            (*out)[(*nout)++] = jm_strbuf_detach(&p, NULL);
        }
    }
    /* Insertion sort by source rank keeps the given order within a source. */
    for (size_t i = 1; i < *nout; i++)
        for (size_t j = i; j > 0 && source_rank(m, (*out)[j - 1]) > source_rank(m, (*out)[j]);
             j--) {
            char *t = (*out)[j];
            (*out)[j] = (*out)[j - 1];
            (*out)[j - 1] = t;
        }
    return JM_OK;
}

/* Turns `*d` (counts before a file) into the counts of that file alone. */
static void stats_delta(struct jm_import_stats *d, const struct jm_import_stats *now)
{
    d->rows = now->rows - d->rows;
    d->rejected = now->rejected - d->rejected;
    d->files = now->files - d->files;
    for (size_t k = 0; k < JM_ENT__COUNT; k++) {
        d->inserted[k] = now->inserted[k] - d->inserted[k];
        d->updated[k] = now->updated[k] - d->updated[k];
        d->unchanged[k] = now->unchanged[k] - d->unchanged[k];
    }
}

static void importer_release(struct jm_importer *imp)
{
    for (size_t i = 0; imp->lookups && i < imp->m->nlookups; i++)
        jm__strmap_release(&imp->lookups[i].map);
    jm_free(imp->lookups);
    for (size_t i = 0; i < JM_ENT__COUNT; i++)
        jm__strmap_release(&imp->seen[i]);
    for (size_t i = 0; i < sizeof(imp->props) / sizeof(imp->props[0]); i++)
        jm_strbuf_release(&imp->props[i]);
    jm_strbuf_release(&imp->key);
    jm_arena_release(&imp->row_arena);
    jm_arena_release(&imp->file_arena);
}

jm_status jm_import_files(struct jm_storage *st, const struct jm_mapping *m,
                          const char *const *paths, size_t npaths,
                          const struct jm_import_opts *opts, struct jm_import_stats *stats,
                          struct jm_error *err)
{
    struct jm_importer imp = {.st = st, .m = m, .opts = opts, .stats = stats, .err = err};
    char **files = NULL;
    size_t nfiles = 0;
    for (size_t i = 0; i < JM_ENT__COUNT; i++)
        jm__strmap_init(&imp.seen[i]);
    for (size_t i = 0; i < sizeof(imp.props) / sizeof(imp.props[0]); i++)
        jm_strbuf_init(&imp.props[i], 1 << 20);
    jm_strbuf_init(&imp.key, 4096);
    imp.lookups = jm_calloc(m->nlookups + 1, sizeof(*imp.lookups));
    jm_status rc = imp.lookups ? expand_paths(m, paths, npaths, &files, &nfiles, err)
                               : jm_error_set(err, JM_ENOMEM, "out of memory");
    if (!rc)
        rc = jm_storage_begin(st, err);
    if (rc)
        goto out;
    for (size_t i = 0; i < nfiles && !rc; i++) {
        struct jm_import_stats before = *stats;
        rc = import_file(&imp, files[i]);
        stats->files++;
        if (!rc) {
            stats_delta(&before, stats);
            rc = jm_storage_log_import(st, files[i], m->path, &before, err);
        }
    }
    if (!rc)
        rc = jm_storage_commit(st, err);
    if (rc)
        jm_storage_rollback(st);
out:
    for (size_t i = 0; i < nfiles; i++)
        jm_free(files[i]);
    jm_free(files);
    importer_release(&imp);
    return rc;
}
