/*
 * The insight commands' shared half (insight_text.h): their common options and the one path
 * from options to an analysed report to the written answer; text tables with bar plots; CSV
 * cells. Column widths count characters, not bytes, so Vietnamese labels and bars line up.
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "insight_text.h"
#include "journeymap/storage.h"

/* ================================================================ options */

int insight_option(struct insight_args *a, int c, char **argv)
{
    switch (c) {
    case IOPT_TEMPLATE:
        a->tpl = optarg;
        break;
    case IOPT_JOURNEY:
        a->file = optarg;
        break;
    case IOPT_LEVEL:
        a->level = optarg;
        break;
    case IOPT_PERIOD:
        a->period = optarg;
        break;
    case IOPT_SEGMENT:
        a->segment = optarg;
        break;
    case IOPT_LANG:
        a->lang_s = optarg;
        break;
    case IOPT_FORMAT:
        a->format_s = optarg;
        break;
    case IOPT_DB:
        a->db = optarg;
        break;
    case 'o':
        a->out = optarg;
        break;
    case 'h':
        fputs(a->help, stdout);
        return JM_EXIT_OK;
    default:
        return cli_option_error(a->cmd, c, argv);
    }
    return IOPT_CONTINUE;
}

static int settle_words(struct insight_args *a)
{
    static const char *const levels[] = {"account", "contact", NULL};
    static const char *const formats[] = {"text", "json", "csv", NULL};
    if ((a->level && cli_check_choice(a->cmd, "--level", a->level, levels)) ||
        (a->format_s && cli_check_choice(a->cmd, "--format", a->format_s, formats)))
        return JM_EXIT_USAGE;
    a->format = !a->format_s                       ? INSIGHT_TEXT
                : strcmp(a->format_s, "json") == 0 ? INSIGHT_JSON
                : strcmp(a->format_s, "csv") == 0  ? INSIGHT_CSV
                                                   : INSIGHT_TEXT;
    a->lang = JM_LANG_EN;
    if (a->lang_s && !jm_lang_parse(a->lang_s, &a->lang))
        return cli_usage_error(a->cmd, "--lang must be en or vi, not '%s'", a->lang_s);
    return JM_EXIT_OK;
}

int insight_settle(struct insight_args *a, int argc, char **argv)
{
    if (optind < argc)
        return cli_usage_error(a->cmd, "unexpected argument '%s'", argv[optind]);
    if (!a->tpl == !a->file)
        return cli_usage_error(a->cmd, "give a journey: --template NAME (see journeymap "
                                       "template list) or --journey FILE");
    int code = settle_words(a);
    if (code)
        return code;
    a->ao = (struct jm_analysis_options){INT64_MIN, INT64_MAX, NULL, 0, NULL, NULL, NULL};
    if (a->segment && !cli_parse_segment(a->segment, &a->ao.filter_by, &a->ao.filter_value))
        return cli_usage_error(
            a->cmd, "--segment must be PATH=VALUE (e.g. industry=Software), not '%s'", a->segment);
    if (a->period && !cli_parse_period(a->period, &a->ao.from, &a->ao.to))
        return cli_usage_error(a->cmd,
                               "--period must be FROM..TO (dates such as 2024-01-31, "
                               "either side may be left out), a year or a month, not '%s'",
                               a->period);
    return JM_EXIT_OK;
}

int insight_parse(struct insight_args *a, insight_own_option own, void *ctx, int argc, char **argv)
{
    int c;
    while ((c = getopt_long(argc, argv, ":ho:", a->options, NULL)) != -1) {
        int code = own(a, ctx, c, argv);
        if (code != IOPT_CONTINUE)
            return code;
    }
    int code = insight_settle(a, argc, argv);
    return code ? code : IOPT_CONTINUE;
}

int insight_accounts_only(struct insight_args *a)
{
    if (a->level && strcmp(a->level, "account") != 0)
        return cli_usage_error(a->cmd, "--level must be account: %s is about accounts, not '%s'",
                               a->cmd, a->level);
    a->level = "account";
    return JM_EXIT_OK;
}

/* A whole number option in [min, max]; false after printing the usage error. */
static bool insight_long(const struct insight_args *a, const char *opt, const char *s, long min,
                         long max, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s && !*end && v >= min && v <= max) {
        *out = v;
        return true;
    }
    cli_usage_error(a->cmd, "%s must be a whole number from %ld to %ld, not '%s'", opt, min, max,
                    s);
    return false;
}

bool insight_double(const struct insight_args *a, const char *opt, const char *s, double min,
                    double max, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (*s && !*end && isfinite(v) && v >= min && v <= max) {
        *out = v;
        return true;
    }
    cli_usage_error(a->cmd, "%s must be a number from %g to %g, not '%s'", opt, min, max, s);
    return false;
}

int insight_size(const struct insight_args *a, const char *opt, const char *s, long min, long max,
                 size_t *out)
{
    long n;
    if (!insight_long(a, opt, s, min, max, &n))
        return JM_EXIT_USAGE;
    *out = (size_t)n;
    return IOPT_CONTINUE;
}

bool insight_list(char *s, const char **keys, size_t cap, size_t *n)
{
    *n = 0;
    for (char *p = s; p && *p;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*p) {
            if (*n == cap)
                return false;
            keys[(*n)++] = p;
        }
        p = comma ? comma + 1 : NULL;
    }
    return true;
}

int insight_exclude(const struct insight_args *a, char *s, const char **keys,
                    const char *const **out, size_t *n)
{
    if (!insight_list(s, keys, INSIGHT_MAX_EXCLUDE, n))
        return cli_usage_error(a->cmd, "--exclude takes at most %d touchpoints",
                               INSIGHT_MAX_EXCLUDE);
    *out = keys;
    return IOPT_CONTINUE;
}

/* ================================================================ running */

/* Writes the answer where -o says, or to standard output. */
static int deliver(const struct insight_args *a, const struct jm_strbuf *sb)
{
    struct jm_error err = {0};
    jm_status rc = JM_OK;
    if (a->out)
        rc = cli_write_file(a->out, sb, true, &err);
    else if (fwrite(sb->buf, 1, sb->len, stdout) != sb->len || fflush(stdout) != 0)
        rc = jm_error_set(&err, JM_EIO, "cannot write to standard output");
    if (rc)
        return cli_fail(rc, &err);
    if (a->out)
        fprintf(stderr, "wrote %s (%.1f KB)\n", a->out, (double)sb->len / 1024);
    return JM_EXIT_OK;
}

int insight_run(const struct insight_args *a, insight_emit emit, void *ctx)
{
    struct jm_journey *j = NULL;
    struct jm_storage *st = NULL;
    struct jm_dataset *ds = NULL;
    struct jm_timelines *tl = NULL;
    struct jm_report *r = NULL;
    struct jm_error err = {0};
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, JM_STRBUF_DEFAULT_MAX);
    int code = cli_load_journey(a->tpl, a->file, a->level, &j);
    if (!code)
        code = cli_open(a->db, JM_STORAGE_READONLY, &st);
    if (!code) {
        /* the journey's store options with the insights' added: one load serves both */
        struct jm_store_options so;
        jm_journey_store_options(j, NULL, &so);
        jm_insight_store_options(&so);
        so.properties |= a->properties;
        jm_status rc = jm_dataset_load(st, &so, &ds, &err);
        if (!rc)
            rc = jm_journey_run(ds, j, &tl, &err);
        if (!rc)
            rc = jm_analyze(tl, &a->ao, &r, &err);
        if (!rc)
            rc = emit(r, a, ctx, &sb, &err);
        if (!rc && sb.failed)
            rc = jm_error_set(&err, JM_ENOMEM, "out of memory writing the answer");
        code = rc ? cli_fail(rc, &err) : deliver(a, &sb);
    }
    jm_strbuf_release(&sb);
    jm_report_free(r);
    jm_timelines_free(tl);
    jm_dataset_free(ds);
    jm_storage_close(st);
    jm_journey_free(j);
    return code;
}

/* ================================================================ text */

static const struct insight_words EN = {
    "account level", "contact level", "accounts", "contacts", "data as of",
    "Period",        "all time",      "(none)",   "total",
};
static const struct insight_words VI = {
    "cấp tài khoản", "cấp liên hệ",       "tài khoản",  "liên hệ", "dữ liệu đến",
    "Kỳ phân tích",  "toàn bộ thời gian", "(không có)", "tổng",
};

const struct insight_words *insight_words(enum jm_lang lang)
{
    return lang == JM_LANG_VI ? &VI : &EN;
}

const char *insight_stage_name(const struct jm_report *r, size_t s, enum jm_lang lang)
{
    return jm_text_get(&r->tl->journey->stages[s].name, lang);
}

const char *insight_units(const struct jm_report *r, enum jm_lang lang)
{
    const struct insight_words *w = insight_words(lang);
    return r->tl->level == JM_LEVEL_ACCOUNT ? w->accounts : w->contacts;
}

const char *insight_field(const struct jm_report *r, enum jm_entity kind, uint32_t row,
                          const char *field)
{
    int f = jm_entity_field(jm_entity_get(kind), field);
    if (row == JM_NONE || f < 0 || row >= jm_dataset_rows(r->tl->ds, kind))
        return "";
    const struct jm_value *v = jm_dataset_value(r->tl->ds, kind, row, f);
    return v && v->kind == JM_V_TEXT && v->s ? v->s : "";
}

void insight_header(struct jm_strbuf *out, const struct jm_report *r, enum jm_lang lang,
                    const char *title)
{
    const struct insight_words *w = insight_words(lang);
    const struct jm_journey *j = r->tl->journey;
    bool acc = r->tl->level == JM_LEVEL_ACCOUNT;
    char asof[40] = "-", from[40] = "", to[40] = "";
    if (r->tl->as_of != INT64_MIN)
        jm_time_format(r->tl->as_of, true, asof, sizeof(asof));
    jm_strbuf_addf(out, "%s · %s (%s) · %s · %llu %s · %s %s\n", title, jm_text_get(&j->name, lang),
                   j->key, acc ? w->level_account : w->level_contact,
                   (unsigned long long)r->groups[0].units, insight_units(r, lang), w->as_of, asof);
    if (r->opts.from == INT64_MIN && r->opts.to == INT64_MAX) {
        jm_strbuf_addf(out, "%s: %s\n", w->period, w->all_time);
        return;
    }
    if (r->opts.from != INT64_MIN)
        jm_time_format(r->opts.from, true, from, sizeof(from));
    if (r->opts.to != INT64_MAX)
        jm_time_format(r->opts.to - 1, true, to, sizeof(to));
    jm_strbuf_addf(out, "%s: %s .. %s\n", w->period, from, to);
}

void insight_heading(struct jm_strbuf *out, const char *heading)
{
    jm_strbuf_addf(out, "\n%s\n", heading);
}

void insight_headingf(struct jm_strbuf *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    jm_strbuf_addch(out, '\n');
    jm_strbuf_vaddf(out, fmt, ap);
    jm_strbuf_addch(out, '\n');
    va_end(ap);
}

void insight_pct(double x, char *buf, size_t cap)
{
    if (isfinite(x))
        snprintf(buf, cap, "%.1f%%", 100 * x);
    else
        snprintf(buf, cap, "-");
}

/* ---------------------------------------------------------------- tables */

void itable_init(struct itable *t)
{
    memset(t, 0, sizeof *t);
    jm_arena_init(&t->arena);
}

void itable_release(struct itable *t)
{
    jm_free(t->cells);
    jm_arena_release(&t->arena);
    memset(t, 0, sizeof *t);
}

void itable_col(struct itable *t, const char *head, bool right)
{
    assert(t->n_cols < ITABLE_MAX_COLS && t->n_cells == 0);
    t->head[t->n_cols] = head;
    t->right[t->n_cols++] = right;
}

void itable_cols(struct itable *t, const char *align, const char *const *heads)
{
    for (size_t c = 0; align[c]; c++)
        itable_col(t, heads[c], align[c] == 'r');
}

/* Appends a cell the table already owns (or a static string). */
static void put(struct itable *t, const char *s)
{
    if (!t->rc && t->n_cells == t->cap)
        t->rc = jm_grow((void **)&t->cells, &t->cap, t->n_cells + 1, sizeof *t->cells);
    if (t->rc)
        return;
    if (!s)
        t->rc = JM_ENOMEM; /* an arena copy that failed */
    t->cells[t->n_cells++] = s ? s : "";
}

/* Byte length of the first `chars` characters of UTF-8 `s`. */
static size_t utf8_prefix(const char *s, size_t chars)
{
    size_t i = 0;
    for (size_t c = 0; s[i] && c < chars; c++)
        do
            i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80);
    return i;
}

void itable_text(struct itable *t, const char *s, size_t max)
{
    s = s ? s : "";
    if (!max || jm_utf8_count(s, strlen(s)) <= max) {
        put(t, jm_arena_strdup(&t->arena, s));
        return;
    }
    size_t n = utf8_prefix(s, max - 1);
    put(t, jm_arena_printf(&t->arena, "%.*s%s", (int)n, s, JM_PATH_ELLIPSIS));
}

void itable_count(struct itable *t, uint64_t n)
{
    put(t, jm_arena_printf(&t->arena, "%llu", (unsigned long long)n));
}

void itable_num(struct itable *t, double x, int decimals)
{
    if (!isfinite(x))
        put(t, "-");
    else
        put(t, jm_arena_printf(&t->arena, "%.*f", decimals, decimals == 4 ? jm_round4(x) : x));
}

void itable_pct(struct itable *t, double x)
{
    char buf[48];
    insight_pct(x, buf, sizeof buf);
    put(t, jm_arena_strdup(&t->arena, buf));
}

void itable_bar(struct itable *t, double x, double max)
{
    /* Eighth blocks from one eighth (U+258F) to seven (U+2589), each 3 bytes in UTF-8. */
    static const char *const part[8] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    char buf[ITABLE_BAR * 3 + 4] = "";
    long eighths = isfinite(x) && max > 0 && x > 0 ? lround(x / max * ITABLE_BAR * 8) : 0;
    eighths = eighths > ITABLE_BAR * 8 ? ITABLE_BAR * 8 : eighths;
    size_t len = 0;
    for (long i = 0; i < eighths / 8; i++, len += 3)
        memcpy(buf + len, "█", 3);
    memcpy(buf + len, part[eighths % 8], strlen(part[eighths % 8]) + 1);
    put(t, jm_arena_strdup(&t->arena, buf));
}

void itable_share_bar(struct itable *t, double share, double x, double max)
{
    itable_pct(t, share);
    itable_bar(t, x, max);
}

void itable_versus(struct itable *t, const char *a_head, const char *b_head)
{
    itable_col(t, "", false);
    itable_col(t, a_head, true);
    itable_col(t, b_head, true);
}

void itable_versus_counts(struct itable *t, const char *label, uint64_t a, uint64_t b)
{
    itable_text(t, label, 0);
    itable_count(t, a);
    itable_count(t, b);
}

void itable_versus_nums(struct itable *t, const char *label, double a, double b, int decimals)
{
    itable_text(t, label, 0);
    itable_num(t, a, decimals);
    itable_num(t, b, decimals);
}

void itable_versus_pcts(struct itable *t, const char *label, double a, double b)
{
    itable_text(t, label, 0);
    itable_pct(t, a);
    itable_pct(t, b);
}

static size_t width_of(const char *s)
{
    return jm_utf8_count(s, strlen(s));
}

static void pad(struct jm_strbuf *out, const char *s, size_t width, bool right)
{
    size_t n = width_of(s);
    for (size_t i = n; right && i < width; i++)
        jm_strbuf_addch(out, ' ');
    jm_strbuf_addstr(out, s);
    for (size_t i = n; !right && i < width; i++)
        jm_strbuf_addch(out, ' ');
}

/* One line: the cells with a space between, trailing spaces of the last column left out. */
static void print_row(struct jm_strbuf *out, const struct itable *t, const char *const *cells,
                      const size_t *width)
{
    jm_strbuf_addstr(out, "  ");
    for (size_t c = 0; c < t->n_cols; c++) {
        bool last = c + 1 == t->n_cols;
        pad(out, cells[c], last && !t->right[c] ? 0 : width[c], t->right[c]);
        if (!last)
            jm_strbuf_addch(out, ' ');
    }
    while (out->len && out->buf[out->len - 1] == ' ') /* an empty last column */
        out->buf[--out->len] = '\0';
    jm_strbuf_addch(out, '\n');
}

void itable_print(struct itable *t, struct jm_strbuf *out)
{
    size_t width[ITABLE_MAX_COLS];
    if (t->rc || t->arena.failed) {
        out->failed = true; /* the caller's check of sb.failed reports it */
        return;
    }
    for (size_t c = 0; c < t->n_cols; c++)
        width[c] = width_of(t->head[c]);
    for (size_t i = 0; i < t->n_cells; i++) {
        size_t w = width_of(t->cells[i]);
        width[i % t->n_cols] = w > width[i % t->n_cols] ? w : width[i % t->n_cols];
    }
    print_row(out, t, t->head, width);
    for (size_t i = 0; i + t->n_cols <= t->n_cells; i += t->n_cols)
        print_row(out, t, t->cells + i, width);
}

void itable_finish(struct itable *t, struct jm_strbuf *out, const char *heading)
{
    if (heading)
        insight_heading(out, heading);
    itable_print(t, out);
    itable_release(t);
}

/* ================================================================ CSV */

static void icsv_end(struct icsv *c, bool last)
{
    if (!c->rc)
        c->rc = jm_strbuf_addch(c->sb, last ? '\n' : ',');
}

void icsv_text(struct icsv *c, const char *s, bool last)
{
    if (!c->rc)
        c->rc = jm__csv_field(c->sb, s ? s : "", s ? strlen(s) : 0, true);
    icsv_end(c, last);
}

void icsv_count(struct icsv *c, uint64_t n, bool last)
{
    if (!c->rc)
        c->rc = jm_strbuf_addf(c->sb, "%llu", (unsigned long long)n);
    icsv_end(c, last);
}

void icsv_num(struct icsv *c, double x, int decimals, bool last)
{
    if (!c->rc && isfinite(x))
        c->rc = jm_strbuf_addf(c->sb, "%.*f", decimals, decimals == 4 ? jm_round4(x) : x);
    icsv_end(c, last);
}

void icsv_line(struct icsv *c, const char *s)
{
    if (!c->rc)
        c->rc = jm_strbuf_addstr(c->sb, s);
}

void icsv_linef(struct icsv *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!c->rc)
        c->rc = jm_strbuf_vaddf(c->sb, fmt, ap);
    va_end(ap);
}

void icsv_nums(struct icsv *c, const double *x, size_t n, int decimals, bool last)
{
    for (size_t i = 0; i < n; i++)
        icsv_num(c, x[i], decimals, last && i + 1 == n);
}
