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

static bool parse_day(const char *s, size_t len, int64_t *out)
{
    struct jm_error err;
    return jm_time_parse(s, len, NULL, out, &err) == JM_OK;
}

/* "2024", "2024-03", "FROM..TO" -> [from, to). */
static bool parse_period(const char *p, int64_t *from, int64_t *to)
{
    const int64_t day = 86400 * (int64_t)JM_US_PER_SEC;
    const char *dots = strstr(p, "..");
    *from = INT64_MIN;
    *to = INT64_MAX;
    if (!dots) {
        size_t n = strlen(p);
        int y, m = 0;
        if ((n == 4 && sscanf(p, "%4d", &y) == 1) ||
            (n == 7 && sscanf(p, "%4d-%2d", &y, &m) == 2)) {
            if (m < 0 || m > 12)
                return false;
            *from = jm_days_from_civil(y, (unsigned)(m ? m : 1), 1) * day;
            int ny = m ? (m == 12 ? y + 1 : y) : y + 1, nm = m ? (m == 12 ? 1 : m + 1) : 1;
            *to = jm_days_from_civil(ny, (unsigned)nm, 1) * day;
            return true;
        }
        return parse_day(p, n, from) && (*to = *from + day, true);
    }
    if (dots > p && !parse_day(p, (size_t)(dots - p), from))
        return false;
    if (dots[2]) {
        if (!parse_day(dots + 2, strlen(dots + 2), to))
            return false;
        *to += day; /* the last day is included */
    }
    return *from < *to;
}

struct analyze_opts {
    const char *tpl, *file, *level, *by, *period, *format, *table, *lang, *db, *unit;
    long limit;
};

static int load_journey(const struct analyze_opts *o, struct jm_journey **j)
{
    struct jm_error err = {0};
    jm_status rc = o->tpl ? jm_template_load(o->tpl, j, &err) : jm_journey_load(o->file, j, &err);
    if (rc)
        return cli_fail(rc, &err);
    if (o->level)
        (*j)->settings.level =
            strcmp(o->level, "contact") == 0 ? JM_LEVEL_CONTACT : JM_LEVEL_ACCOUNT;
    return JM_EXIT_OK;
}

static int run(const struct analyze_opts *o, struct jm_analysis_options *ao, enum jm_lang lang)
{
    struct jm_journey *j = NULL;
    struct jm_storage *st = NULL;
    struct jm_dataset *ds = NULL;
    struct jm_timelines *tl = NULL;
    struct jm_report *r = NULL;
    struct jm_error err = {0};
    int code = load_journey(o, &j);
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

static int check_choice(const char *what, const char *v, const char *const *ok)
{
    char list[160] = "";
    for (size_t i = 0; ok[i]; i++) {
        if (strcmp(v, ok[i]) == 0)
            return 0;
        size_t n = strlen(list);
        snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "", ok[i]);
    }
    return cli_usage_error("analyze", "%s must be one of %s, not '%s'", what, list, v);
}

int cmd_analyze(int argc, char **argv)
{
    static const struct option lo[] = {{"template", required_argument, NULL, 't'},
                                       {"journey", required_argument, NULL, 'j'},
                                       {"level", required_argument, NULL, 'L'},
                                       {"by", required_argument, NULL, 'b'},
                                       {"period", required_argument, NULL, 'p'},
                                       {"format", required_argument, NULL, 'f'},
                                       {"table", required_argument, NULL, 'T'},
                                       {"lang", required_argument, NULL, 'l'},
                                       {"limit", required_argument, NULL, 'n'},
                                       {"db", required_argument, NULL, 'd'},
                                       {"timeline", required_argument, NULL, 'u'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
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
    if ((o.level && check_choice("--level", o.level, levels)) ||
        (o.format && check_choice("--format", o.format, formats)) ||
        (o.table && check_choice("--table", o.table, tables)))
        return JM_EXIT_USAGE;
    enum jm_lang lang = JM_LANG_EN;
    if (o.lang && !jm_lang_parse(o.lang, &lang))
        return cli_usage_error("analyze", "--lang must be en or vi, not '%s'", o.lang);
    struct jm_analysis_options ao = {INT64_MIN, INT64_MAX, o.by, (size_t)o.limit};
    if (o.period && !parse_period(o.period, &ao.from, &ao.to))
        return cli_usage_error("analyze",
                               "--period must be FROM..TO (dates such as 2024-01-31, "
                               "either side may be left out), a year or a month, not "
                               "'%s'",
                               o.period);
    return run(&o, &ao, lang);
}
