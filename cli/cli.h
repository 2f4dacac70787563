/*
 * What the CLI commands share: the command table, exit codes (docs/cli.md), error printing and
 * the workspace path. Each command lives in cli/cmd_<name>.c as cmd_<name>(argc, argv).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_CLI_H
#define JM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "journeymap/journeymap.h"
#include "journeymap/storage.h"

/* Exit codes, documented in docs/cli.md. */
enum {
    JM_EXIT_OK = 0,
    JM_EXIT_DATA = 1,     /* bad input data, or `check` found problems */
    JM_EXIT_USAGE = 2,    /* unknown command or option, missing argument */
    JM_EXIT_NOTFOUND = 3, /* a file or workspace that is not there or not readable */
    JM_EXIT_STORAGE = 4,  /* the workspace could not be opened, read or written */
    JM_EXIT_INTERNAL = 70 /* out of memory or a bug */
};

int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_demo_data(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_template(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_serve(int argc, char **argv);
/* The insights (docs/insights.md): cmd_<name>.c, sharing insight_text.c. */
int cmd_attribution(int argc, char **argv);
int cmd_paths(int argc, char **argv);
int cmd_retention(int argc, char **argv);
int cmd_voice(int argc, char **argv);
int cmd_questions(int argc, char **argv);

/* Maps a status to the exit code above. */
int cli_exit_code(jm_status rc);
/* Prints "journeymap: <detail or strerror>" to stderr and returns cli_exit_code(rc). */
int cli_fail(jm_status rc, const struct jm_error *err);
/* Prints "journeymap <cmd>: <message>" and a hint to --help; returns JM_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) JM_PRINTF(2, 3);
/*
 * The usage error for getopt's answer `c` (':' for an option missing its value, else an
 * unknown option), naming the option as typed. Commands pass optstrings starting with ':' and
 * main() turns off getopt's own messages, so each error is one line in our words.
 */
int cli_option_error(const char *cmd, int c, char **argv);
/* The workspace path: --db, else $JOURNEYMAP_DB, else "journeymap.db". */
const char *cli_db_path(const char *opt);
/* Opens the workspace (creating it when `create`), printing the error on failure. */
int cli_open(const char *db_opt, unsigned flags, struct jm_storage **st);
/* True when `arg` is -h or --help. */
int cli_is_help(const char *arg);

/* Shared by the commands that apply a journey (journey_args.c). */
struct jm_journey;
/* "2024", "2024-03", "FROM..TO" (days, both included; either side may be left out) ->
 * [from, to). */
bool cli_parse_period(const char *p, int64_t *from, int64_t *to);
/* The built-in template `tpl` or the definition file `file`, at `level` when given. */
int cli_load_journey(const char *tpl, const char *file, const char *level, struct jm_journey **j);
/* 0 when `v` is one of `ok` (NULL-terminated), else a usage error naming the choices. */
int cli_check_choice(const char *cmd, const char *what, const char *v, const char *const *ok);
/*
 * Writes `sb` to `output` through a temporary file beside it, so the file appears complete or
 * not at all. Without `force` an existing file is a JM_ECONFLICT.
 */
jm_status cli_write_file(const char *output, const struct jm_strbuf *sb, bool force,
                         struct jm_error *err);
/* "PATH=VALUE" -> path, value (splits `arg` in place); false without a PATH or '='. */
bool cli_parse_segment(char *arg, const char **path, const char **value);

#endif
