/*
 * journeymap map: the journey map of the workspace -- the definition's lanes joined with the
 * measured journey -- for one team's view, in one language, as a page, a picture, a document,
 * JSON or CSV.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "journeymap/map.h"

static const char map_help[] =
    "usage: journeymap map (--template NAME | --journey FILE) [options] [-o FILE]\n"
    "\n"
    "Draws the journey map: stages with their owners, the lanes of the definition (thinking,\n"
    "actions, pain points, moments of truth...), touchpoints and channels seen in each stage,\n"
    "the emotion curve, KPIs against their targets, buying-committee coverage, the funnel, the\n"
    "flows between stages (skips and backward moves too), break points in plain words, the\n"
    "stalled and silent accounts, and persona cards.\n"
    "\n"
    "  --template NAME   a built-in journey (journeymap template list)\n"
    "  --journey FILE    a journey definition (docs/journey-definition.md)\n"
    "  --view V          full (default), marketing, sales, product or cs (customer success)\n"
    "  --lang L          en (default) or vi\n"
    "  --period P        FROM..TO (dates, both days included), a year (2024) or a month\n"
    "  --state S         current (default), future (the authored future state) or both\n"
    "  --segment P=V     only the accounts whose field P is V (industry=Software,\n"
    "                    region=APAC, account.properties.tier=gold...)\n"
    "  --persona KEY     only the accounts (or contacts) a persona of the journey describes\n"
    "  --level L         account or contact (default: the definition's)\n"
    "  --format F        html, svg, png, pdf, json or csv (default: from -o's extension,\n"
    "                    else html)\n"
    "  --paper P         pdf: a3 (default, landscape) or a4 (landscape pages)\n"
    "  --title T         the company name in the heading (default: the journey's name)\n"
    "  --limit N         stalled and silent accounts listed (default 12)\n"
    "  --panels P        all, none, or a comma-separated list of funnel, flows, breaks,\n"
    "                    idle, personas, attribution, paths, retention, voice, questions\n"
    "                    (default: the view's panels that have data)\n"
    "  -o, --output F    the file to write (replaced if it exists; default: standard output\n"
    "                    for html, svg, json and csv)\n"
    "  --db PATH         the workspace (default: $JOURNEYMAP_DB or ./journeymap.db)\n"
    "  -h, --help        show this help\n"
    "\n"
    "The map's JSON is documented in docs/map.md.\n";

struct map_opts {
    const char *tpl, *file, *level, *period, *format, *paper, *lang, *view, *state, *db, *out;
    const char *panels;
    struct jm_map_options mo;
};

static int build_and_render(const struct map_opts *o, enum jm_map_format fmt,
                            const struct jm_render_options *ro, struct jm_strbuf *sb)
{
    struct jm_journey *j = NULL;
    struct jm_storage *st = NULL;
    struct jm_dataset *ds = NULL;
    struct jm_map *m = NULL;
    struct jm_error err = {0};
    int code = cli_load_journey(o->tpl, o->file, o->level, &j);
    if (!code)
        code = cli_open(o->db, JM_STORAGE_READONLY, &st);
    if (!code) {
        struct jm_store_options so;
        jm_map_store_options(j, &o->mo, &so);
        /* the insight panels read utm fields and urls besides what the lanes need */
        jm_insight_store_options(&so);
        jm_status rc = jm_dataset_load(st, &so, &ds, &err);
        if (!rc)
            rc = jm_map_build(ds, j, &o->mo, &m, &err);
        if (!rc)
            rc = jm_map_render(m, fmt, ro, sb, &err);
        if (rc)
            code = cli_fail(rc, &err);
    }
    jm_map_free(m);
    jm_dataset_free(ds);
    jm_storage_close(st);
    jm_journey_free(j);
    return code;
}

static int run(const struct map_opts *o, enum jm_map_format fmt, const struct jm_render_options *ro)
{
    if (!o->out && (fmt == JM_FORMAT_PNG || fmt == JM_FORMAT_PDF) && isatty(STDOUT_FILENO))
        return cli_usage_error("map", "%s is binary: give -o FILE (or redirect the output)",
                               fmt == JM_FORMAT_PNG ? "PNG" : "PDF");
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, JM_STRBUF_DEFAULT_MAX);
    int code = build_and_render(o, fmt, ro, &sb);
    struct jm_error err = {0};
    jm_status rc = JM_OK;
    if (!code && o->out)
        rc = cli_write_file(o->out, &sb, true, &err);
    else if (!code && (fwrite(sb.buf, 1, sb.len, stdout) != sb.len || fflush(stdout) != 0))
        rc = jm_error_set(&err, JM_EIO, "cannot write to standard output");
    if (rc)
        code = cli_fail(rc, &err);
    if (!code && o->out)
        fprintf(stderr, "wrote %s (%.1f KB)\n", o->out, (double)sb.len / 1024);
    jm_strbuf_release(&sb);
    return code;
}

/* Turns the words of the options into the map's and renderer's settings. */
static int settle(struct map_opts *o, enum jm_map_format *fmt, struct jm_render_options *ro)
{
    static const char *const levels[] = {"account", "contact", NULL};
    static const char *const papers[] = {"a3", "a4", NULL};
    if (!o->tpl == !o->file)
        return cli_usage_error("map", "give a journey: --template NAME (see journeymap "
                                      "template list) or --journey FILE");
    if ((o->level && cli_check_choice("map", "--level", o->level, levels)) ||
        (o->paper && cli_check_choice("map", "--paper", o->paper, papers)))
        return JM_EXIT_USAGE;
    if (o->lang && !jm_lang_parse(o->lang, &o->mo.lang))
        return cli_usage_error("map", "--lang must be en or vi, not '%s'", o->lang);
    if (o->view && !jm_map_view_parse(o->view, &o->mo.view))
        return cli_usage_error("map",
                               "--view must be full, marketing, sales, product or cs, "
                               "not '%s'",
                               o->view);
    if (o->state && !jm_map_state_parse(o->state, &o->mo.state))
        return cli_usage_error("map", "--state must be current, future or both, not '%s'",
                               o->state);
    if (o->period && !cli_parse_period(o->period, &o->mo.from, &o->mo.to))
        return cli_usage_error("map",
                               "--period must be FROM..TO (dates such as 2024-01-31), a "
                               "year or a month, not '%s'",
                               o->period);
    if (o->mo.segment && o->mo.persona)
        return cli_usage_error("map", "give --segment or --persona, not both");
    if (o->mo.segment && !strchr(o->mo.segment + 1, '='))
        return cli_usage_error("map",
                               "--segment must be PATH=VALUE (e.g. industry=Software), "
                               "not '%s'",
                               o->mo.segment);
    struct jm_error err = {0};
    if (o->panels && !jm_map_panels_parse(o->panels, &o->mo.panels, &err))
        return cli_usage_error("map", "--panels: %s", err.msg);
    *fmt = JM_FORMAT_HTML;
    if (o->format ? !jm_map_format_parse(o->format, fmt)
                  : o->out && !jm_map_format_of_path(o->out, fmt))
        return cli_usage_error("map",
                               o->format ? "--format must be html, svg, png, pdf, json or "
                                           "csv, not '%s'"
                                         : "cannot tell the format from '%s': add --format",
                               o->format ? o->format : o->out);
    ro->paper = o->paper && strcmp(o->paper, "a4") == 0 ? JM_PAPER_A4 : JM_PAPER_A3;
    ro->scale = 0;
    return JM_EXIT_OK;
}

int cmd_map(int argc, char **argv)
{
    static const struct option lo[] = {
        {"template", required_argument, NULL, 't'}, {"journey", required_argument, NULL, 'j'},
        {"view", required_argument, NULL, 'v'},     {"lang", required_argument, NULL, 'l'},
        {"period", required_argument, NULL, 'p'},   {"state", required_argument, NULL, 'S'},
        {"segment", required_argument, NULL, 's'},  {"persona", required_argument, NULL, 'P'},
        {"level", required_argument, NULL, 'L'},    {"format", required_argument, NULL, 'f'},
        {"paper", required_argument, NULL, 'a'},    {"title", required_argument, NULL, 'T'},
        {"limit", required_argument, NULL, 'n'},    {"panels", required_argument, NULL, 'A'},
        {"output", required_argument, NULL, 'o'},   {"db", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    struct map_opts o = {0};
    o.mo.from = INT64_MIN;
    o.mo.to = INT64_MAX;
    int c;
    while ((c = getopt_long(argc, argv, ":ho:", lo, NULL)) != -1) {
        char *end;
        switch (c) {
        case 't':
            o.tpl = optarg;
            break;
        case 'j':
            o.file = optarg;
            break;
        case 'v':
            o.view = optarg;
            break;
        case 'l':
            o.lang = optarg;
            break;
        case 'p':
            o.period = optarg;
            break;
        case 'S':
            o.state = optarg;
            break;
        case 's':
            o.mo.segment = optarg;
            break;
        case 'P':
            o.mo.persona = optarg;
            break;
        case 'L':
            o.level = optarg;
            break;
        case 'f':
            o.format = optarg;
            break;
        case 'a':
            o.paper = optarg;
            break;
        case 'T':
            o.mo.title = optarg;
            break;
        case 'o':
            o.out = optarg;
            break;
        case 'A':
            o.panels = optarg;
            break;
        case 'd':
            o.db = optarg;
            break;
        case 'n':
            o.mo.max_listed = (size_t)strtoul(optarg, &end, 10);
            if (*end || o.mo.max_listed < 1 || o.mo.max_listed > 1000)
                return cli_usage_error("map", "--limit must be a number from 1 to 1000");
            break;
        case 'h':
            fputs(map_help, stdout);
            return JM_EXIT_OK;
        default:
            return cli_option_error("map", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("map", "unexpected argument '%s'", argv[optind]);
    enum jm_map_format fmt;
    struct jm_render_options ro;
    int code = settle(&o, &fmt, &ro);
    return code ? code : run(&o, fmt, &ro);
}
