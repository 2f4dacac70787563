/*
 * journeymap check: SQLite's integrity check plus journeymap's own consistency checks.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>

#include "cli.h"

static const char check_help[] =
    "usage: journeymap check [--db PATH]\n"
    "\n"
    "Checks the workspace: the SQLite file's integrity and foreign keys, the shape of every\n"
    "event segment, dictionary and entity references, duplicate events, and records whose\n"
    "times are out of order (a deal closed before it was created, a ticket resolved before it\n"
    "was opened). Prints each problem on its own line; exits 1 when there are any.\n"
    "\n"
    "  --db PATH   the workspace (default: $JOURNEYMAP_DB or ./journeymap.db)\n"
    "  -h, --help  show this help\n";

static void report(const char *line, void *ctx)
{
    (void)ctx;
    printf("%s\n", line);
}

int cmd_check(int argc, char **argv)
{
    static const struct option lo[] = {
        {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *db = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'h')
            return fputs(check_help, stdout), JM_EXIT_OK;
        else
            return cli_option_error("check", c, argv);
    }
    if (optind < argc)
        return cli_usage_error("check", "unexpected argument '%s'", argv[optind]);
    struct jm_storage *st;
    int ec = cli_open(db, JM_STORAGE_READONLY, &st);
    if (ec)
        return ec;
    struct jm_error err;
    jm_error_clear(&err);
    unsigned long problems = 0;
    jm_status rc = jm_storage_check(st, report, NULL, &problems, &err);
    jm_storage_close(st);
    if (rc)
        return cli_fail(rc, &err);
    printf("%s: %lu problem%s found\n", cli_db_path(db), problems, problems == 1 ? "" : "s");
    return problems ? JM_EXIT_DATA : JM_EXIT_OK;
}
