/*
 * journeymap stats: what the workspace holds, as aligned tables (or JSON for scripts).
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <math.h>
#include <string.h>

#include "base/internal.h"
#include "cli.h"

static const char stats_help[] =
    "usage: journeymap stats [--db PATH] [--format text|json]\n"
    "\n"
    "Summarises the workspace: rows per entity, deals per pipeline stage and status (with\n"
    "amounts), events per channel and touchpoint, events and deals per month.\n"
    "\n"
    "  --format F   text (default) or json\n"
    "  --db PATH    the workspace (default: $JOURNEYMAP_DB or ./journeymap.db)\n"
    "  -h, --help   show this help\n";

struct stats_out {
    bool json;
    const char *section; /* the section being printed */
    struct jm_strbuf sb;
};

static jm_status print_text(struct stats_out *o, const char *section, const char *label,
                            uint64_t count, double amount)
{
    if (!o->section || strcmp(o->section, section) != 0) {
        printf("%s%s\n", o->section ? "\n" : "", section);
        o->section = section;
    }
    printf("  %-40s %12llu", label, (unsigned long long)count);
    if (!isnan(amount))
        printf("  %16.2f", amount);
    putchar('\n');
    return JM_OK;
}

static jm_status print_json(struct stats_out *o, const char *section, const char *label,
                            uint64_t count, double amount)
{
    struct jm_strbuf *sb = &o->sb;
    jm_status rc = JM_OK;
    if (!o->section || strcmp(o->section, section) != 0) {
        rc = jm_strbuf_addstr(sb, o->section ? "]," : "{");
        if (!rc)
            rc = jm_strbuf_add_json_string(sb, section, strlen(section));
        if (!rc)
            rc = jm_strbuf_addstr(sb, ":[");
        o->section = section;
    } else {
        rc = jm_strbuf_addch(sb, ',');
    }
    if (!rc)
        rc = jm_strbuf_addstr(sb, "{\"label\":");
    if (!rc)
        rc = jm_strbuf_add_json_string(sb, label, strlen(label));
    if (!rc)
        rc = jm_strbuf_addf(sb, ",\"count\":%llu", (unsigned long long)count);
    if (!rc && !isnan(amount))
        rc = jm_strbuf_addf(sb, ",\"amount\":%.2f", amount);
    return rc ? rc : jm_strbuf_addch(sb, '}');
}

static jm_status on_stat(const char *section, const char *label, uint64_t count, double amount,
                         void *ctx)
{
    struct stats_out *o = ctx;
    return o->json ? print_json(o, section, label, count, amount)
                   : print_text(o, section, label, count, amount);
}

int cmd_stats(int argc, char **argv)
{
    static const struct option lo[] = {{"db", required_argument, NULL, 'd'},
                                       {"format", required_argument, NULL, 'f'},
                                       {"help", no_argument, NULL, 'h'},
                                       {0, 0, 0, 0}};
    const char *db = NULL;
    struct stats_out o = {.sb = JM_STRBUF_INIT};
    int c;
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "text") == 0))
            o.json = strcmp(optarg, "json") == 0;
        else if (c == 'h')
            return fputs(stats_help, stdout), JM_EXIT_OK;
        else
            return c == 'f' ? cli_usage_error("stats", "--format must be text or json")
                            : cli_option_error("stats", c, argv);
    }
    if (optind < argc)
        return cli_usage_error("stats", "unexpected argument '%s'", argv[optind]);
    struct jm_storage *st;
    int ec = cli_open(db, 0, &st);
    if (ec)
        return ec;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_storage_stats(st, on_stat, &o, &err);
    if (!rc && o.json) {
        rc = jm_strbuf_addstr(&o.sb, o.section ? "]}" : "{}");
        if (!rc)
            puts(o.sb.buf);
    }
    jm_strbuf_release(&o.sb);
    jm_storage_close(st);
    return rc ? cli_fail(rc, &err) : JM_EXIT_OK;
}
