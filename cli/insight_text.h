/*
 * What the insight commands share (attribution, paths, retention, voice, questions;
 * docs/insights.md): the journey options of `analyze`, loading the analysed report with the
 * store options the insights read, writing the answer to stdout or atomically to -o FILE; and
 * the pieces of their output: aligned text tables with unicode bar plots, and CSV cells.
 *
 * A command hands insight_parse() its option table and a function that takes its own options
 * (passing the common ones to insight_option()), then calls insight_run() with a function that
 * writes the answer for the report into a buffer, so text, JSON and CSV all go through the
 * same -o handling. Its text is built from itable tables (itable_finish() prints one under
 * its heading) and its CSV from icsv cells.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_CLI_INSIGHT_TEXT_H
#define JM_CLI_INSIGHT_TEXT_H

#include <getopt.h>

#include "cli.h"
#include "journeymap/insights.h"

/* ---------------------------------------------------------------- options and running */

enum insight_format { INSIGHT_TEXT, INSIGHT_JSON, INSIGHT_CSV };

/* getopt codes of the common options; a command's own codes stay below 1000. */
enum {
    IOPT_TEMPLATE = 1000,
    IOPT_JOURNEY,
    IOPT_LEVEL,
    IOPT_PERIOD,
    IOPT_SEGMENT,
    IOPT_LANG,
    IOPT_FORMAT,
    IOPT_DB,
    IOPT_CONTINUE = -1 /* insight_option(): taken, go on */
};

/* The common entries of a command's long option table (and -o, -h in its optstring ":ho:"). */
#define INSIGHT_COMMON_OPTIONS                                                                     \
    {"template", required_argument, NULL, IOPT_TEMPLATE},                                          \
        {"journey", required_argument, NULL, IOPT_JOURNEY},                                        \
        {"level", required_argument, NULL, IOPT_LEVEL},                                            \
        {"period", required_argument, NULL, IOPT_PERIOD},                                          \
        {"segment", required_argument, NULL, IOPT_SEGMENT},                                        \
        {"lang", required_argument, NULL, IOPT_LANG},                                              \
        {"format", required_argument, NULL, IOPT_FORMAT},                                          \
        {"db", required_argument, NULL, IOPT_DB}, {"output", required_argument, NULL, 'o'},        \
    {                                                                                              \
        "help", no_argument, NULL, 'h'                                                             \
    }

/* The lines of --help every insight command ends with. */
#define INSIGHT_COMMON_HELP                                                                        \
    "  --template NAME   a built-in journey (journeymap template list)\n"                          \
    "  --journey FILE    a journey definition (docs/journey-definition.md)\n"                      \
    "  --period P        FROM..TO (dates, both days included; either side may be left out),\n"     \
    "                    a year (2024) or a month (2024-03)\n"                                     \
    "  --segment P=V     only the accounts (or contacts) whose field P is V, e.g.\n"               \
    "                    industry=Software or account.properties.tier=gold\n"                      \
    "  --lang L          en (default) or vi\n"                                                     \
    "  --format F        text (default), json or csv\n"                                            \
    "  -o, --output F    write to file F (replaced whole, never half-written)\n"                   \
    "  --db PATH         the workspace (default: $JOURNEYMAP_DB or ./journeymap.db)\n"             \
    "  -h, --help        show this help\n"

struct insight_args {
    const char *cmd;              /* "attribution": for messages */
    const char *help;             /* printed by -h */
    const struct option *options; /* the command's, then INSIGHT_COMMON_OPTIONS */
    const char *tpl, *file, *level, *period, *lang_s, *format_s, *db, *out;
    char *segment;
    bool properties; /* load each event's properties too (questions: products) */
    /* settled by insight_settle() */
    enum jm_lang lang;
    enum insight_format format;
    struct jm_analysis_options ao;
};

/*
 * Takes common option `c` (getopt's answer; optarg is its value): IOPT_CONTINUE when taken,
 * else the exit code to return (0 after printing the help, 2 for an unknown option).
 */
int insight_option(struct insight_args *a, int c, char **argv);
/* Checks the common options once getopt is done (journey given, no stray argument, known
 * words); 0 or the usage error's exit code. */
int insight_settle(struct insight_args *a, int argc, char **argv);

/* Takes one of a command's own options (`ctx` is the command's), handing the others to
 * insight_option(); IOPT_CONTINUE or the exit code. */
typedef int (*insight_own_option)(struct insight_args *a, void *ctx, int c, char **argv);
/*
 * Runs getopt over argv with a->options, giving each option to `own`, then insight_settle().
 * IOPT_CONTINUE when the command goes on, else the exit code to return: 0 after --help (so 0
 * cannot mean "go on"), 2 for a usage error.
 */
int insight_parse(struct insight_args *a, insight_own_option own, void *ctx, int argc, char **argv);

/* For the commands about accounts (attribution, retention, questions): --level may only say
 * account, and the journey is applied at the account level whatever its definition says. */
int insight_accounts_only(struct insight_args *a);

/* Writes the answer for report `r` into `out`; `ctx` is the command's. */
typedef jm_status (*insight_emit)(const struct jm_report *r, const struct insight_args *a,
                                  void *ctx, struct jm_strbuf *out, struct jm_error *err);
/* Loads and analyses the journey, calls `emit` and writes its answer; the exit code. */
int insight_run(const struct insight_args *a, insight_emit emit, void *ctx);

/* A decimal number option in [min, max]; false after printing the usage error. */
bool insight_double(const struct insight_args *a, const char *opt, const char *s, double min,
                    double max, double *out);
/* A count option in [min, max] into `out`: IOPT_CONTINUE, or JM_EXIT_USAGE after the error. */
int insight_size(const struct insight_args *a, const char *opt, const char *s, long min, long max,
                 size_t *out);
/* "a,b,c" split in place into at most `cap` keys; false when there are more. */
bool insight_list(char *s, const char **keys, size_t cap, size_t *n);

#define INSIGHT_MAX_EXCLUDE 64
/*
 * --exclude TP,TP: `s` split in place into `keys` (INSIGHT_MAX_EXCLUDE of them), with *out and
 * *n pointed at them; IOPT_CONTINUE, or the usage error's exit code when there are more.
 */
int insight_exclude(const struct insight_args *a, char *s, const char **keys,
                    const char *const **out, size_t *n);

/* ---------------------------------------------------------------- text */

/* The words every insight's text shares, in `lang`. */
struct insight_words {
    const char *level_account, *level_contact, *accounts, *contacts, *as_of, *period, *all_time,
        *none, *total;
};
const struct insight_words *insight_words(enum jm_lang lang);

/* "Title · Journey (key) · account level · 250 accounts · data as of DATE\nPeriod: ...\n" */
void insight_header(struct jm_strbuf *out, const struct jm_report *r, enum jm_lang lang,
                    const char *title);
/* "\nHeading\n" */
void insight_heading(struct jm_strbuf *out, const char *heading);
/* The same with a heading made from printf format `fmt`. */
void insight_headingf(struct jm_strbuf *out, const char *fmt, ...) JM_PRINTF(2, 3);
/* What the report counts, in `lang`: "accounts" or "contacts" by its level. */
const char *insight_units(const struct jm_report *r, enum jm_lang lang);
/* Text field `field` of row `row` of entity `kind` in the report's dataset ("" when none). */
const char *insight_field(const struct jm_report *r, enum jm_entity kind, uint32_t row,
                          const char *field);
/* The stage's name in `lang`. */
const char *insight_stage_name(const struct jm_report *r, size_t s, enum jm_lang lang);

#define ITABLE_MAX_COLS 32
#define ITABLE_BAR      20 /* characters of a full bar */

/*
 * A text table: columns declared first, then cells row by row (a row ends after n_cols
 * cells). Printing sizes each column to its widest cell in characters, so Vietnamese and bar
 * glyphs line up. Cells live in the table's arena; failures are sticky in `rc`.
 */
struct itable {
    size_t n_cols;
    const char *head[ITABLE_MAX_COLS];
    bool right[ITABLE_MAX_COLS];
    const char **cells;
    size_t n_cells, cap;
    struct jm_arena arena;
    jm_status rc;
};
void itable_init(struct itable *t);
void itable_release(struct itable *t);
/* A column: right-aligned for numbers. */
void itable_col(struct itable *t, const char *head, bool right);
/* Columns `heads`, one for each letter of `align`: 'l' left-aligned, 'r' right-aligned. */
void itable_cols(struct itable *t, const char *align, const char *const *heads);
/* A cell of text, cut to `max` characters with "…" when longer (0: no limit). */
void itable_text(struct itable *t, const char *s, size_t max);
void itable_count(struct itable *t, uint64_t n);
/* `x` with `decimals`; "-" when not finite. */
void itable_num(struct itable *t, double x, int decimals);
/* `x` as a percentage with one decimal, as analyze prints shares; "-" when not finite. */
void itable_pct(struct itable *t, double x);
/* A bar of x / max of ITABLE_BAR characters, in eighths of a block. */
void itable_bar(struct itable *t, double x, double max);
/* A share as a percentage beside a bar of x / max: the two columns of a bar plot. */
void itable_share_bar(struct itable *t, double share, double x, double max);
/* Prints the header and rows, each line indented by two spaces. */
void itable_print(struct itable *t, struct jm_strbuf *out);
/* Prints `heading` as insight_heading() does (none when NULL), then the table; releases it. */
void itable_finish(struct itable *t, struct jm_strbuf *out, const char *heading);

/*
 * Two groups side by side (churned against retained, breached against clean): a label column
 * and one column for each group, then a row per figure.
 */
void itable_versus(struct itable *t, const char *a_head, const char *b_head);
void itable_versus_counts(struct itable *t, const char *label, uint64_t a, uint64_t b);
void itable_versus_nums(struct itable *t, const char *label, double a, double b, int decimals);
void itable_versus_pcts(struct itable *t, const char *label, double a, double b);

/* The percentage text itable_pct() uses, for prose. */
void insight_pct(double x, char *buf, size_t cap);

/* ---------------------------------------------------------------- CSV */

/* A CSV being written; failures are sticky in `rc`. */
struct icsv {
    struct jm_strbuf *sb;
    jm_status rc;
};
/* Text, escaped (quotes, and formulas neutralised). */
void icsv_text(struct icsv *c, const char *s, bool last);
void icsv_count(struct icsv *c, uint64_t n, bool last);
/* `x` with `decimals` (4: rounded as reports are); empty when not finite. */
void icsv_num(struct icsv *c, double x, int decimals, bool last);
void icsv_line(struct icsv *c, const char *s);
void icsv_linef(struct icsv *c, const char *fmt, ...) JM_PRINTF(2, 3);
/* Each of `x[0..n)` as icsv_num() writes it; `last` ends the line after the last. */
void icsv_nums(struct icsv *c, const double *x, size_t n, int decimals, bool last);

#endif
