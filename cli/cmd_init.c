/*
 * journeymap init: create an empty workspace (or report the one that is there).
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char init_help[] =
    "usage: journeymap init [--db PATH]\n"
    "\n"
    "Creates an empty journeymap workspace: one SQLite file holding your accounts, contacts,\n"
    "events, deals, tickets, surveys, revenue and owners. Running it on an existing workspace\n"
    "upgrades its schema if needed and changes nothing else.\n"
    "\n"
    "  --db PATH   the workspace file (default: $JOURNEYMAP_DB or ./journeymap.db)\n"
    "  -h, --help  show this help\n";

int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *db = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'h')
            return fputs(init_help, stdout), JM_EXIT_OK;
        else
            return cli_option_error("init", c, argv);
    }
    if (optind < argc)
        return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
    const char *path = cli_db_path(db);
    bool existed = access(path, F_OK) == 0;
    struct jm_storage *st;
    int ec = cli_open(db, JM_STORAGE_CREATE, &st);
    if (ec)
        return ec;
    printf("%s workspace %s (schema version %d)\n", existed ? "existing" : "created", path,
           jm_storage_schema_version(st));
    jm_storage_close(st);
    return JM_EXIT_OK;
}
