/*
 * journeymap demo-data: generate the demo company (src/demo) straight into the workspace, in
 * one transaction, with a progress bar.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "cli.h"
#include "journeymap/demo.h"

static const char demo_help[] =
    "usage: journeymap demo-data [--events N] [--seed S] [--db PATH] [-q]\n"
    "\n"
    "Generates a realistic B2B SaaS company into the workspace: owners across marketing,\n"
    "sales and customer success; accounts across industries, sizes and regions (Vietnam among\n"
    "them); buying committees of 2-8 contacts with DMU roles; a non-linear multi-channel\n"
    "journey with stalls, drop-offs, backward moves and hot leads that go silent; deals won\n"
    "and lost; onboarding; tickets with SLAs; NPS surveys; MRR with expansion and churn.\n"
    "The same seed and size always give the same company.\n"
    "\n"
    "  --events N   how many events, 10000 to 50000000 (default 200000); suffixes k and M work\n"
    "  --seed S     random seed (default 42)\n"
    "  --db PATH    the workspace (default: $JOURNEYMAP_DB or ./journeymap.db)\n"
    "  -q, --quiet  no progress bar or summary\n"
    "  -h, --help   show this help\n";

struct demo_sink {
    struct jm_storage *st;
    struct jm_progress prog;
    uint64_t events, target;
    struct jm_error *err;
};

static jm_status put_record(const struct jm_record *rec, void *ctx)
{
    struct demo_sink *s = ctx;
    enum jm_put_outcome out;
    jm_status rc = jm_storage_put(s->st, rec, &out, s->err);
    if (!rc && rec->def->kind == JM_ENT_EVENT && (++s->events & 0xfff) == 0)
        jm__progress_update(&s->prog, s->events, s->events);
    return rc;
}

static bool parse_count(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno)
        return false;
    if (*end == 'k' || *end == 'K')
        v *= 1e3, end++;
    else if (*end == 'M' || *end == 'm')
        v *= 1e6, end++;
    if (*end || v < 1e4 || v > 5e7)
        return false;
    *out = (uint64_t)v;
    return true;
}

static int generate(const char *db, const struct jm_demo_opts *o, bool quiet)
{
    struct jm_error err;
    struct jm_demo_summary sum = {{0}};
    struct demo_sink sink = {.target = o->events, .err = &err};
    jm_error_clear(&err);
    int ec = cli_open(db, JM_STORAGE_CREATE, &sink.st);
    if (ec)
        return ec;
    jm__progress_start(&sink.prog, "generating demo company", o->events);
    sink.prog.unit = "events";
    sink.prog.enabled = sink.prog.enabled && !quiet;
    double t0 = jm__now();
    jm_status rc = jm_storage_begin(sink.st, &err);
    if (!rc)
        rc = jm_demo_generate(o, put_record, &sink, &sum, &err);
    if (!rc)
        rc = jm_storage_commit(sink.st, &err);
    else
        jm_storage_rollback(sink.st);
    if (!rc)
        jm__progress_finish(&sink.prog);
    jm_storage_close(sink.st);
    if (rc)
        return cli_fail(rc, &err);
    if (!quiet) {
        printf("demo company in %s (%.1f s):\n", cli_db_path(db), jm__now() - t0);
        for (int k = 0; k < JM_ENT__COUNT; k++)
            printf("  %-9s %10llu\n", jm_entity_get(k)->name, (unsigned long long)sum.records[k]);
    }
    return JM_EXIT_OK;
}

int cmd_demo_data(int argc, char **argv)
{
    static const struct option lo[] = {
        {"events", required_argument, NULL, 'n'}, {"seed", required_argument, NULL, 's'},
        {"db", required_argument, NULL, 'd'},     {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {0, 0, 0, 0}};
    struct jm_demo_opts o = {.seed = 42, .events = 200000};
    const char *db = NULL;
    bool quiet = false;
    int c;
    while ((c = getopt_long(argc, argv, ":qh", lo, NULL)) != -1) {
        char *end;
        if (c == 'n' && !parse_count(optarg, &o.events))
            return cli_usage_error("demo-data", "--events takes 10000 to 50000000, not '%s'",
                                   optarg);
        if (c == 's') {
            o.seed = strtoull(optarg, &end, 10);
            if (*end || !*optarg)
                return cli_usage_error("demo-data", "--seed takes a whole number");
        } else if (c == 'd') {
            db = optarg;
        } else if (c == 'q') {
            quiet = true;
        } else if (c == 'h') {
            return fputs(demo_help, stdout), JM_EXIT_OK;
        } else if (c != 'n') {
            return cli_option_error("demo-data", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("demo-data", "unexpected argument '%s'", argv[optind]);
    return generate(db, &o, quiet);
}
