/*
 * journeymap export: one entity as CSV (formula injection escaped) or JSONL. Both read back
 * with `journeymap import --entity NAME`.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/internal.h"
#include "cli.h"

static const char export_help[] =
    "usage: journeymap export ENTITY [--format csv|jsonl] [-o FILE] [--db PATH]\n"
    "\n"
    "Writes every record of ENTITY (accounts, contacts, events, deals, tickets, surveys,\n"
    "revenue, owners) with journeymap's field names, and its properties as a JSON object.\n"
    "Times are ISO-8601 UTC. In CSV, text that a spreadsheet would run as a formula (starting\n"
    "with = + - @) is prefixed with an apostrophe.\n"
    "\n"
    "  --format F     csv (default) or jsonl\n"
    "  -o, --output   the file to write (default: standard output)\n"
    "  --db PATH      the workspace (default: $JOURNEYMAP_DB or ./journeymap.db)\n"
    "  -h, --help     show this help\n";

struct exporter {
    FILE *out;
    bool jsonl;
    const struct jm_entity_def *def;
    struct jm_storage *st;
    struct jm_strbuf line;
};

static jm_status add_csv_value(struct jm_strbuf *sb, const struct jm_value *v)
{
    char buf[48];
    const char *s;
    size_t len;
    jm_value_text(v, buf, sizeof(buf), &s, &len);
    return jm__csv_field(sb, s, len, v->kind == JM_V_TEXT);
}

static jm_status add_json_value(struct jm_strbuf *sb, const char *name, const struct jm_value *v)
{
    char buf[48];
    const char *s;
    size_t len;
    jm_value_text(v, buf, sizeof(buf), &s, &len);
    jm_status rc = jm_strbuf_addstr(sb, sb->len > 1 ? "," : "");
    if (!rc)
        rc = jm_strbuf_add_json_string(sb, name, strlen(name));
    if (!rc)
        rc = jm_strbuf_addch(sb, ':');
    if (!rc && (v->kind == JM_V_INT || v->kind == JM_V_REAL))
        return jm_strbuf_add(sb, s, len);
    return rc ? rc : jm_strbuf_add_json_string(sb, s, len);
}

static jm_status write_record(const struct jm_record *rec, void *ctx)
{
    struct exporter *x = ctx;
    struct jm_strbuf *sb = &x->line;
    jm_status rc = JM_OK;
    jm_strbuf_reset(sb);
    if (x->jsonl)
        rc = jm_strbuf_addch(sb, '{');
    for (size_t f = 0; f < x->def->nfields && !rc; f++) {
        const struct jm_value *v = &rec->v[f];
        if (x->jsonl && v->kind != JM_V_ABSENT && v->kind != JM_V_MISSING)
            rc = add_json_value(sb, x->def->fields[f].name, v);
        else if (!x->jsonl && !(rc = f ? jm_strbuf_addch(sb, ',') : JM_OK))
            rc = add_csv_value(sb, v);
    }
    if (!rc && x->jsonl && rec->props_len > 2)
        rc = jm_strbuf_addf(sb, "%s\"properties\":%.*s", sb->len > 1 ? "," : "",
                            (int)rec->props_len, rec->props);
    else if (!rc && !x->jsonl && !(rc = jm_strbuf_addch(sb, ',')))
        rc = jm__csv_field(sb, rec->props_len > 2 ? rec->props : "",
                           rec->props_len > 2 ? rec->props_len : 0, false);
    if (!rc)
        rc = jm_strbuf_addstr(sb, x->jsonl ? "}\n" : "\n");
    if (!rc && fwrite(sb->buf, 1, sb->len, x->out) != sb->len)
        rc = JM_EIO;
    return rc;
}

/* Turns event `i` of a segment into a record and writes it. */
static jm_status write_segment(const struct jm_event_segment *seg, void *ctx)
{
    struct exporter *x = ctx;
    for (size_t i = 0; i < seg->n; i++) {
        struct jm_record rec;
        jm_record_init(&rec, x->def);
        for (size_t f = 0; f < JM_EV__COUNT; f++) {
            struct jm_value *v = &rec.v[f];
            double d = f == JM_EV_VALUE       ? seg->value[i]
                       : f == JM_EV_SENTIMENT ? seg->sentiment[i]
                                              : 0;
            if (f == JM_EV_TIME)
                *v = (struct jm_value){.kind = JM_V_TIME, .i = seg->time[i]};
            else if (f == JM_EV_VALUE || f == JM_EV_SENTIMENT)
                *v = (struct jm_value){.kind = isnan(d) ? JM_V_MISSING : JM_V_REAL, .r = d};
            else {
                jm_event_segment_text(x->st, seg, i, (enum jm_event_field)f, &v->s, &v->len);
                v->kind = v->len ? JM_V_TEXT : JM_V_MISSING;
            }
        }
        jm_event_segment_props(seg, i, &rec.props, &rec.props_len);
        jm_status rc = write_record(&rec, x);
        if (rc)
            return rc;
    }
    return JM_OK;
}

static jm_status write_all(struct exporter *x, struct jm_error *err)
{
    if (!x->jsonl) {
        for (size_t f = 0; f < x->def->nfields; f++)
            fprintf(x->out, "%s%s", f ? "," : "", x->def->fields[f].name);
        fputs(",properties\n", x->out);
    }
    jm_status rc = x->def->kind == JM_ENT_EVENT
                       ? jm_storage_scan_events(x->st, write_segment, x, err)
                       : jm_storage_scan(x->st, x->def->kind, write_record, x, err);
    if (rc == JM_EIO || (!rc && fflush(x->out) != 0))
        rc = jm_error_set(err, JM_EIO, "cannot write the export: %s", strerror(errno));
    return rc;
}

/*
 * Exports go to a temporary file beside `output`, renamed over it only when complete, so a
 * failed or interrupted export never leaves a half-written file where a full one is expected.
 */
static jm_status open_temp(const char *output, char *tmp, size_t cap, FILE **out,
                           struct jm_error *err)
{
    snprintf(tmp, cap, "%s.tmp.XXXXXX", output);
    int fd = mkstemp(tmp);
    if (fd < 0 || !(*out = fdopen(fd, "w"))) {
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        *out = NULL;
        return jm_error_set(err, JM_EIO, "cannot write '%s': %s", output, strerror(errno));
    }
    return JM_OK;
}

int cmd_export(int argc, char **argv)
{
    static const struct option lo[] = {{"db", required_argument, NULL, 'd'},
                                       {"format", required_argument, NULL, 'f'},
                                       {"output", required_argument, NULL, 'o'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0, 0, 0, 0}};
    const char *db = NULL, *output = NULL;
    struct exporter x = {.out = stdout, .line = JM_STRBUF_INIT};
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", lo, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'o')
            output = optarg;
        else if (c == 'f' && (strcmp(optarg, "csv") == 0 || strcmp(optarg, "jsonl") == 0))
            x.jsonl = strcmp(optarg, "jsonl") == 0;
        else if (c == 'h')
            return fputs(export_help, stdout), JM_EXIT_OK;
        else
            return c == 'f' ? cli_usage_error("export", "--format must be csv or jsonl")
                            : cli_option_error("export", c, argv);
    }
    if (optind != argc - 1)
        return cli_usage_error("export", "name one entity to export");
    if (!(x.def = jm_entity_find(argv[optind])))
        return cli_usage_error("export", "unknown entity '%s'", argv[optind]);
    int ec = cli_open(db, JM_STORAGE_READONLY, &x.st);
    if (ec)
        return ec;
    struct jm_error err;
    jm_error_clear(&err);
    char tmp[4096];
    jm_status rc = output ? open_temp(output, tmp, sizeof(tmp), &x.out, &err) : JM_OK;
    if (!rc)
        rc = write_all(&x, &err);
    if (output && x.out) {
        if (fclose(x.out) != 0 && !rc)
            rc = jm_error_set(&err, JM_EIO, "cannot write '%s': %s", output, strerror(errno));
        if (!rc && rename(tmp, output) != 0)
            rc = jm_error_set(&err, JM_EIO, "cannot write '%s': %s", output, strerror(errno));
        if (rc)
            unlink(tmp);
    }
    jm_strbuf_release(&x.line);
    jm_storage_close(x.st);
    return rc ? cli_fail(rc, &err) : JM_EXIT_OK;
}
