/*
 * journeymap's command-line entry: finds the command and runs it. The library never exits; the
 * only place a status becomes an exit code is cli_exit_code() here.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"init", cmd_init, "create an empty workspace"},
    {"import", cmd_import, "import CSV or JSONL files through a column mapping"},
    {"demo-data", cmd_demo_data, "generate a realistic demo B2B company into the workspace"},
    {"stats", cmd_stats, "summarise what the workspace holds"},
    {"check", cmd_check, "run integrity and consistency checks on the workspace"},
    {"export", cmd_export, "write an entity as CSV or JSONL"},
    {"template", cmd_template, "list, show or start from a built-in journey template"},
    {"analyze", cmd_analyze, "apply a journey: funnel, time in stage, moves, break points"},
    {"attribution", cmd_attribution, "what made them buy: credit to touchpoints by ten models"},
    {"paths", cmd_paths, "which way they came: the most common touchpoint paths"},
    {"retention", cmd_retention, "do they stay and grow: cohorts, NRR, churn and its reasons"},
    {"voice", cmd_voice, "how they feel: NPS, CSAT, CES per stage and touchpoint; SLAs"},
    {"questions", cmd_questions,
     "when they meet us, how long to buy, why they leave, what they read"},
    {"map", cmd_map, "draw the journey map: HTML, SVG, PNG, PDF, JSON or CSV"},
    {"serve", cmd_serve, "serve the web app, the REST API and Segment-compatible ingest"},
    {"keys", cmd_keys, "create, list or revoke the API keys of 'serve'"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
    fprintf(out,
            "usage: journeymap <command> [options]\n\n"
            "journeymap turns CRM and touchpoint data into a measured B2B customer journey.\n\n"
            "commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nEvery command takes --help. The workspace is ./journeymap.db unless --db PATH\n"
                 "or $JOURNEYMAP_DB says otherwise. Exit codes: docs/cli.md.\n");
}

int cli_exit_code(jm_status rc)
{
    switch (rc) {
    case JM_OK:
        return JM_EXIT_OK;
    case JM_EPARSE:
    case JM_ECONFLICT:
    case JM_ELIMIT:
        return JM_EXIT_DATA;
    case JM_EINVAL:
        return JM_EXIT_USAGE;
    case JM_ENOTFOUND:
    case JM_EIO:
        return JM_EXIT_NOTFOUND;
    case JM_ESTORAGE:
    case JM_ENOTSUP:
        return JM_EXIT_STORAGE;
    case JM_ENOMEM:
        break;
    }
    return JM_EXIT_INTERNAL;
}

int cli_fail(jm_status rc, const struct jm_error *err)
{
    const char *msg = err && err->code == rc && err->msg[0] ? err->msg : jm_strerror(rc);
    fprintf(stderr, "journeymap: %s\n", msg);
    return cli_exit_code(rc);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "journeymap %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'journeymap %s --help'.\n", cmd);
    return JM_EXIT_USAGE;
}

int cli_option_error(const char *cmd, int c, char **argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    if (c == ':')
        return cli_usage_error(cmd, "option '%s' needs a value", arg);
    /* For a bad short option inside a cluster (-qz), argv names the cluster; optopt the letter. */
    if (optopt && (arg[0] != '-' || arg[1] == '-' || strlen(arg) != 2))
        return cli_usage_error(cmd, "unknown option '-%c'", optopt);
    return cli_usage_error(cmd, "unknown option '%s'", arg);
}

const char *cli_db_path(const char *opt)
{
    if (opt)
        return opt;
    const char *env = getenv("JOURNEYMAP_DB");
    return env && *env ? env : "journeymap.db";
}

int cli_open(const char *db_opt, unsigned flags, struct jm_storage **st)
{
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc = jm_storage_open(cli_db_path(db_opt), flags, st, &err);
    return rc ? cli_fail(rc, &err) : JM_EXIT_OK;
}

int cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int main(int argc, char **argv)
{
    opterr = 0; /* cli_option_error() says it, once, in our words */
    if (argc < 2 || cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? JM_EXIT_USAGE : JM_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("journeymap %s\n", jm_version());
        return JM_EXIT_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "journeymap: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return JM_EXIT_USAGE;
}
