/*
 * journeymap analyze: applies a journey (a built-in template or a definition file) to the
 * workspace and reports the funnel, time in stage, moves, KPIs, deals, break points and the
 * stalled and silent units -- as text an analyst would write, as JSON, or as CSV tables.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "cli.h"
#include "cli_report.h"
#include "journeymap/analytics.h"

static const char analyze_help[] =
    "usage: journeymap analyze (--template NAME | --journey FILE) [options]\n"
    "\n"
    "Applies a journey to the workspace: per account (or contact) the stages reached, then the\n"
    "funnel, days in stage, moves between stages, KPIs against their targets, deals, the break\n"
    "points in plain words, and the accounts that stalled or went silent.\n"
    "\n"
    "  --template NAME   a built-in journey (journeymap template list)\n"
    "  --journey FILE    a journey definition (docs/journey-definition.md)\n"
    "  --level L         account or contact (default: the definition's)\n"
    "  --by FIELD        break every figure down by a field: channel, source, channel_group,\n"
    "                    industry, segment, region, persona, dmu_role, product, manager, or a\n"
    "                    path such as account.properties.tier or deal.owner.manager\n"
    "  --segment P=V     only the accounts (or contacts) whose field P is V, e.g.\n"
    "                    industry=Software or account.properties.tier=gold\n"
    "  --period P        FROM..TO (dates, both days included; either side may be left out),\n"
    "                    a year (2024) or a month (2024-03)\n"
    "  --format F        text (default), json or csv\n"
    "  --table T         with --format csv: funnel (default), transitions, deals, kpis,\n"
    "                    breaks or idle\n"
    "  --lang L          en (default) or vi: stage names and headings\n"
    "  --limit N         stalled and silent units listed (default 20)\n"
    "  --timeline ID     instead of the report, one account's (or contact's) timeline: its\n"
    "                    moves between stages, days in each, lead score, who engaged\n"
    "  --db PATH         the workspace (default: $JOURNEYMAP_DB or ./journeymap.db)\n"
    "  -h, --help        show this help\n";

struct analyze_opts {
    const char *tpl, *file, *level, *by, *period, *format, *table, *lang, *db, *unit;
    char *segment;
    long limit;
};

static int run(const struct analyze_opts *o, struct jm_analysis_options *ao, enum jm_lang lang)
{
    struct jm_journey *j = NULL;
    struct jm_storage *st = NULL;
    struct jm_dataset *ds = NULL;
    struct jm_timelines *tl = NULL;
    struct jm_report *r = NULL;
    struct jm_error err = {0};
    int code = cli_load_journey(o->tpl, o->file, o->level, &j);
    if (code)
        return code;
    code = cli_open(o->db, JM_STORAGE_READONLY, &st);
    if (!code) {
        struct jm_store_options so;
        jm_journey_store_options(j, o->by, &so);
        jm_status rc = jm_dataset_load(st, &so, &ds, &err);
        if (!rc)
            rc = jm_journey_run(ds, j, &tl, &err);
        if (!rc)
            rc = jm_analyze(tl, ao, &r, &err);
        if (rc)
            code = cli_fail(rc, &err);
    }
    if (!code) {
        const char *f = o->format ? o->format : "text";
        if (o->unit)
            code = cli_report_timeline(tl, o->unit, lang);
        else if (strcmp(f, "json") == 0)
            code = cli_report_json(r, lang);
        else if (strcmp(f, "csv") == 0)
            code = cli_report_csv(r, o->table ? o->table : "funnel", lang);
        else
            code = cli_report_text(r, lang);
    }
    jm_report_free(r);
    jm_timelines_free(tl);
    jm_dataset_free(ds);
    jm_storage_close(st);
    jm_journey_free(j);
    return code;
}

int cmd_analyze(int argc, char **argv)
{
    static const struct option lo[] = {
        {"template", required_argument, NULL, 't'}, {"journey", required_argument, NULL, 'j'},
        {"level", required_argument, NULL, 'L'},    {"by", required_argument, NULL, 'b'},
        {"period", required_argument, NULL, 'p'},   {"format", required_argument, NULL, 'f'},
        {"table", required_argument, NULL, 'T'},    {"lang", required_argument, NULL, 'l'},
        {"limit", required_argument, NULL, 'n'},    {"db", required_argument, NULL, 'd'},
        {"timeline", required_argument, NULL, 'u'}, {"segment", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    static const char *const levels[] = {"account", "contact", NULL};
    static const char *const formats[] = {"text", "json", "csv", NULL};
    static const char *const tables[] = {"funnel", "transitions", "deals", "kpis",
                                         "breaks", "idle",        NULL};
    struct analyze_opts o = {0};
    o.limit = 20;
    int c;
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        switch (c) {
        case 't':
            o.tpl = optarg;
            break;
        case 'j':
            o.file = optarg;
            break;
        case 'L':
            o.level = optarg;
            break;
        case 'b':
            o.by = optarg;
            break;
        case 'p':
            o.period = optarg;
            break;
        case 'f':
            o.format = optarg;
            break;
        case 'T':
            o.table = optarg;
            break;
        case 'l':
            o.lang = optarg;
            break;
        case 'd':
            o.db = optarg;
            break;
        case 'u':
            o.unit = optarg;
            break;
        case 's':
            o.segment = optarg;
            break;
        case 'n': {
            char *end;
            o.limit = strtol(optarg, &end, 10);
            if (*end || o.limit < 1 || o.limit > 100000)
                return cli_usage_error("analyze", "--limit must be a number from 1 to 100000");
            break;
        }
        case 'h':
            fputs(analyze_help, stdout);
            return JM_EXIT_OK;
        default:
            return cli_option_error("analyze", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("analyze", "unexpected argument '%s'", argv[optind]);
    if (!o.tpl == !o.file)
        return cli_usage_error("analyze", "give a journey: --template NAME (see journeymap "
                                          "template list) or --journey FILE");
    if ((o.level && cli_check_choice("analyze", "--level", o.level, levels)) ||
        (o.format && cli_check_choice("analyze", "--format", o.format, formats)) ||
        (o.table && cli_check_choice("analyze", "--table", o.table, tables)))
        return JM_EXIT_USAGE;
    enum jm_lang lang = JM_LANG_EN;
    if (o.lang && !jm_lang_parse(o.lang, &lang))
        return cli_usage_error("analyze", "--lang must be en or vi, not '%s'", o.lang);
    struct jm_analysis_options ao = {INT64_MIN, INT64_MAX, o.by, (size_t)o.limit, NULL, NULL, NULL};
    if (o.segment && !cli_parse_segment(o.segment, &ao.filter_by, &ao.filter_value))
        return cli_usage_error("analyze",
                               "--segment must be PATH=VALUE (e.g. industry=Software), not '%s'",
                               o.segment);
    if (o.period && !cli_parse_period(o.period, &ao.from, &ao.to))
        return cli_usage_error("analyze",
                               "--period must be FROM..TO (dates such as 2024-01-31, "
                               "either side may be left out), a year or a month, not "
                               "'%s'",
                               o.period);
    return run(&o, &ao, lang);
}
