/*
 * The analysis as text, in English or Vietnamese: aligned tables first, then the break points
 * in plain words. Column widths count characters, not bytes, so Vietnamese names line up.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_report.h"

/* The phrases below are printf formats chosen by language, so the compiler cannot check them
 * at the call; each language's table keeps the same conversions in the same order, and the
 * integration tests print every phrase in both languages. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* Every phrase of the report, in each language. */
struct words {
    const char *accounts, *contacts, *level_account, *level_contact, *as_of, *period, *all_time,
        *funnel, *stage, *reached, *converted, *rate, *dropped, *skipped, *median_d, *p90_d,
        *cycle_d, *to_goal, *moves, *transitions, *start, *kpis, *metric, *target, *measured, *met,
        *missed, *deals, *won, *lost, *open, *win_rate, *cycle, *pipeline, *reasons, *breakdown,
        *units, *breaks, *no_breaks, *idle, *silent, *stalled, *days_in, *days_silent, *last_touch,
        *trend, *none, *coverage;
};

static const struct words EN = {
    "accounts",
    "contacts",
    "account level",
    "contact level",
    "data as of",
    "Period",
    "all time",
    "Funnel",
    "stage",
    "reached",
    "converted",
    "rate",
    "dropped",
    "skipped",
    "median d",
    "p90 d",
    "cycle d",
    "Time to %s: %llu %s, mean %.2f, median %.2f, p75 %.2f, p90 %.2f days",
    "Moves: %llu entries, %llu forward, %llu skips, %llu back, %llu re-entries",
    "Transitions (from row to column)",
    "(start)",
    "KPIs",
    "metric",
    "target",
    "measured",
    "met",
    "missed",
    "Deals",
    "won",
    "lost",
    "open",
    "win rate",
    "sales cycle (won, days)",
    "Open pipeline",
    "Lost reasons",
    "Breakdown by %s",
    "units",
    "Break points",
    "No break points stand out.",
    "Stalled and silent (%zu listed of %zu)",
    "silent",
    "stalled",
    "days in stage",
    "days silent",
    "last touch",
    "Median days in stage by month of entry (last 6 months)",
    "(none)",
    "Buying-committee roles engaged per stage (share of accounts)"};

static const struct words VI = {
    "tài khoản",
    "liên hệ",
    "cấp tài khoản",
    "cấp liên hệ",
    "dữ liệu đến",
    "Kỳ phân tích",
    "toàn bộ thời gian",
    "Phễu chuyển đổi",
    "giai đoạn",
    "đạt",
    "chuyển tiếp",
    "tỷ lệ",
    "rời bỏ",
    "bỏ qua",
    "trung vị ngày",
    "p90 ngày",
    "chu kỳ ngày",
    "Thời gian đến %s: %llu %s, trung bình %.2f, trung vị %.2f, p75 %.2f, p90 %.2f ngày",
    "Dịch chuyển: %llu lần vào, %llu tiến, %llu bỏ qua, %llu lùi, %llu quay lại",
    "Chuyển đổi giữa các giai đoạn (từ hàng sang cột)",
    "(bắt đầu)",
    "Chỉ số KPI",
    "chỉ số",
    "mục tiêu",
    "thực tế",
    "đạt",
    "chưa đạt",
    "Thương vụ",
    "thắng",
    "thua",
    "đang mở",
    "tỷ lệ thắng",
    "chu kỳ bán hàng (thắng, ngày)",
    "Pipeline đang mở",
    "Lý do thua",
    "Phân tích theo %s",
    "số lượng",
    "Điểm gãy",
    "Không có điểm gãy nổi bật.",
    "Chững lại và im lặng (liệt kê %zu trên %zu)",
    "im lặng",
    "chững lại",
    "ngày ở giai đoạn",
    "ngày im lặng",
    "điểm chạm cuối",
    "Trung vị số ngày ở giai đoạn theo tháng vào (6 tháng gần nhất)",
    "(không có)",
    "Mức độ tham gia của nhóm mua theo giai đoạn (tỷ lệ tài khoản)"};

/* Prints `s` padded with spaces to `width` characters (left-aligned, or right when `right`). */
static void cell(const char *s, size_t width, bool right)
{
    size_t n = jm_utf8_count(s, strlen(s));
    if (right)
        for (size_t i = n; i < width; i++)
            putchar(' ');
    fputs(s, stdout);
    if (!right)
        for (size_t i = n; i < width; i++)
            putchar(' ');
}

static void num_cell(double x, int decimals, size_t width)
{
    char buf[48];
    if (!isfinite(x))
        snprintf(buf, sizeof(buf), "-");
    else
        snprintf(buf, sizeof(buf), "%.*f", decimals, decimals == 4 ? jm_round4(x) : x);
    putchar(' ');
    cell(buf, width, true);
}

static void int_cell(uint64_t x, size_t width)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%llu", (unsigned long long)x);
    putchar(' ');
    cell(buf, width, true);
}

static const char *stage_name(const struct jm_report *r, size_t s, enum jm_lang lang)
{
    return jm_text_get(&r->tl->journey->stages[s].name, lang);
}

static size_t name_width(const struct jm_report *r, enum jm_lang lang, size_t min)
{
    size_t w = min;
    for (size_t s = 0; s < r->tl->n_stages; s++) {
        const char *n = stage_name(r, s, lang);
        size_t c = jm_utf8_count(n, strlen(n));
        w = c > w ? c : w;
    }
    return w;
}

static void percent(double x, char *buf, size_t cap)
{
    if (isfinite(x))
        snprintf(buf, cap, "%.1f%%", 100 * x);
    else
        snprintf(buf, cap, "-");
}

static void header(const struct jm_report *r, const struct words *w, enum jm_lang lang)
{
    const struct jm_journey *j = r->tl->journey;
    bool acc = r->tl->level == JM_LEVEL_ACCOUNT;
    char asof[40] = "-", from[40] = "", to[40] = "";
    if (r->tl->as_of != INT64_MIN)
        jm_time_format(r->tl->as_of, true, asof, sizeof(asof));
    printf("%s (%s) · %s · %llu %s · %s %s\n", jm_text_get(&j->name, lang), j->key,
           acc ? w->level_account : w->level_contact, (unsigned long long)r->groups[0].units,
           acc ? w->accounts : w->contacts, w->as_of, asof);
    if (r->opts.from == INT64_MIN && r->opts.to == INT64_MAX) {
        printf("%s: %s\n", w->period, w->all_time);
        return;
    }
    if (r->opts.from != INT64_MIN)
        jm_time_format(r->opts.from, true, from, sizeof(from));
    if (r->opts.to != INT64_MAX)
        jm_time_format(r->opts.to - 1, true, to, sizeof(to));
    printf("%s: %s .. %s\n", w->period, from, to);
}

static void funnel(const struct jm_report *r, const struct words *w, enum jm_lang lang)
{
    size_t nw = name_width(r, lang, 10);
    printf("\n%s\n  ", w->funnel);
    cell(w->stage, nw, false);
    const char *cols[] = {w->reached, w->converted, w->rate, w->dropped,
                          w->skipped, w->median_d,  w->p90_d};
    for (size_t i = 0; i < 7; i++) {
        putchar(' ');
        cell(cols[i], 10, true);
    }
    putchar('\n');
    for (size_t s = 0; s < r->tl->n_stages; s++) {
        const struct jm_stage_result *st = &r->groups[0].stages[s];
        fputs("  ", stdout);
        cell(stage_name(r, s, lang), nw, false);
        int_cell(st->reached, 10);
        int_cell(st->converted, 10);
        num_cell(st->rate, 4, 10);
        int_cell(st->dropped, 10);
        int_cell(st->skipped, 10);
        num_cell(st->in_stage.median, 2, 10);
        num_cell(st->in_stage.p90, 2, 10);
        putchar('\n');
    }
    const struct jm_dist *g = &r->groups[0].to_goal;
    putchar('\n');
    printf(w->to_goal, stage_name(r, r->tl->journey->settings.goal, lang),
           (unsigned long long)g->count,
           r->tl->level == JM_LEVEL_ACCOUNT ? w->accounts : w->contacts, g->mean, g->median, g->p75,
           g->p90);
    putchar('\n');
}

static void trend(const struct jm_report *r, const struct words *w, enum jm_lang lang)
{
    size_t nw = name_width(r, lang, 10), any = 0;
    for (size_t s = 0; s < r->tl->n_stages; s++)
        any += r->n_trend[s];
    if (!any)
        return;
    printf("\n%s\n", w->trend);
    for (size_t s = 0; s < r->tl->n_stages; s++) {
        if (!r->n_trend[s])
            continue;
        fputs("  ", stdout);
        cell(stage_name(r, s, lang), nw, false);
        size_t b = r->n_trend[s] > 6 ? r->n_trend[s] - 6 : 0;
        for (size_t m = b; m < r->n_trend[s]; m++) {
            const struct jm_month_point *p = &r->trend[s][m];
            printf("  %04d-%02d %7.2f (%llu)", p->year, p->month, p->days.median,
                   (unsigned long long)p->days.count);
        }
        putchar('\n');
    }
}

static void transitions(const struct jm_report *r, const struct words *w, enum jm_lang lang)
{
    const struct jm_group_result *g = &r->groups[0];
    size_t ns = r->tl->n_stages, nw = name_width(r, lang, 10);
    putchar('\n');
    printf(w->moves, (unsigned long long)g->moves[JM_MOVE_ENTER],
           (unsigned long long)g->moves[JM_MOVE_FORWARD],
           (unsigned long long)g->moves[JM_MOVE_SKIP], (unsigned long long)g->moves[JM_MOVE_BACK],
           (unsigned long long)g->reentries);
    printf("\n%s\n  ", w->transitions);
    cell("", nw, false);
    for (size_t to = 0; to < ns; to++) {
        char abbr[32];
        snprintf(abbr, sizeof(abbr), "→%zu", to + 1);
        putchar(' ');
        cell(abbr, 8, true);
    }
    putchar('\n');
    for (size_t from = 0; from <= ns; from++) {
        fputs("  ", stdout);
        char label[200];
        if (from)
            snprintf(label, sizeof(label), "%zu %s", from, stage_name(r, from - 1, lang));
        else
            snprintf(label, sizeof(label), "%s", w->start);
        cell(label, nw + 2, false);
        for (size_t to = 0; to < ns; to++) {
            uint64_t n = g->transitions[from * ns + to];
            putchar(' ');
            if (n) {
                char buf[24];
                snprintf(buf, sizeof(buf), "%llu", (unsigned long long)n);
                cell(buf, 8, true);
            } else {
                cell(".", 8, true);
            }
        }
        putchar('\n');
    }
}

static void kpis(const struct jm_report *r, const struct words *w, enum jm_lang lang)
{
    if (!r->n_kpis)
        return;
    size_t nw = name_width(r, lang, 10), mw = 10;
    for (size_t i = 0; i < r->n_kpis; i++) {
        const char *m = jm_kpi_name(r->kpis[i].kpi->metric, lang);
        const struct jm_touchpoint_def *tp =
            r->kpis[i].touchpoint ? jm_journey_touchpoint(r->tl->journey, r->kpis[i].touchpoint)
                                  : NULL;
        const char *t = tp ? jm_text_get(&tp->name, lang) : "";
        size_t a = jm_utf8_count(m, strlen(m)), b = jm_utf8_count(t, strlen(t));
        mw = a > mw ? a : mw;
        nw = b > nw ? b : nw;
    }
    printf("\n%s\n", w->kpis);
    for (size_t i = 0; i < r->n_kpis; i++) {
        const struct jm_kpi_result *k = &r->kpis[i];
        char where[200];
        const struct jm_touchpoint_def *tp =
            k->touchpoint ? jm_journey_touchpoint(r->tl->journey, k->touchpoint) : NULL;
        snprintf(where, sizeof(where), "%s",
                 tp                           ? jm_text_get(&tp->name, lang)
                 : k->stage < r->tl->n_stages ? stage_name(r, k->stage, lang)
                                              : "");
        fputs("  ", stdout);
        cell(where, nw, false);
        putchar(' ');
        cell(jm_kpi_name(k->kpi->metric, lang), mw, false);
        num_cell(k->kpi->target, 4, 10);
        num_cell(k->measured, 4, 10);
        printf("  %s\n", !isfinite(k->measured) ? "-" : k->met ? w->met : w->missed);
    }
}

/* Per stage, the share of accounts in it where each role was engaged (account level). */
static void coverage(const struct jm_report *r, const struct words *w, enum jm_lang lang)
{
    const struct jm_timelines *tl = r->tl;
    if (tl->level != JM_LEVEL_ACCOUNT)
        return;
    size_t nw = name_width(r, lang, 10), shown[JM_MAX_ROLES], n = 0;
    for (size_t b = 0; b < tl->n_roles; b++) {
        bool any = false;
        for (size_t s = 0; s < tl->n_stages; s++)
            any |= r->dmu_coverage[s * tl->n_roles + b] > 0;
        if (any)
            shown[n++] = b;
    }
    if (!n)
        return;
    printf("\n%s\n  ", w->coverage);
    cell("", nw, false);
    size_t width[JM_MAX_ROLES];
    for (size_t i = 0; i < n; i++) {
        const char *name = jm_journey_role_name(tl->journey, tl->role_keys[shown[i]], lang);
        size_t c = jm_utf8_count(name, strlen(name));
        width[i] = c > 8 ? c : 8;
        putchar(' ');
        cell(name, width[i], true);
    }
    putchar('\n');
    for (size_t s = 0; s < tl->n_stages; s++) {
        fputs("  ", stdout);
        cell(stage_name(r, s, lang), nw, false);
        for (size_t i = 0; i < n; i++) {
            char buf[24];
            percent(r->dmu_coverage[s * tl->n_roles + shown[i]], buf, sizeof(buf));
            putchar(' ');
            cell(buf, width[i], true);
        }
        putchar('\n');
    }
}

static void deals(const struct jm_report *r, const struct words *w)
{
    const struct jm_group_result *g = &r->groups[0];
    if (!g->deals)
        return;
    char wr[24] = "-";
    if (isfinite(g->win_rate))
        snprintf(wr, sizeof(wr), "%.4f", jm_round4(g->win_rate));
    printf("\n%s: %llu (%s %llu, %s %llu, %s %llu), %s %s\n", w->deals,
           (unsigned long long)g->deals, w->won, (unsigned long long)g->won, w->lost,
           (unsigned long long)g->lost, w->open, (unsigned long long)g->open, w->win_rate, wr);
    if (g->cycle.count)
        printf("  %s: n %llu, mean %.2f, median %.2f, p75 %.2f, p90 %.2f\n", w->cycle,
               (unsigned long long)g->cycle.count, g->cycle.mean, g->cycle.median, g->cycle.p75,
               g->cycle.p90);
    if (r->n_pipeline)
        printf("  %s:\n", w->pipeline);
    for (size_t i = 0; i < r->n_pipeline && i < 10; i++) {
        char label[300];
        snprintf(label, sizeof(label), "%s / %s", r->pipeline[i].pipeline, r->pipeline[i].stage);
        fputs("    ", stdout);
        cell(label, 36, false);
        int_cell(r->pipeline[i].deals, 8);
        num_cell(r->pipeline[i].amount, 2, 16);
        putchar('\n');
    }
    if (r->n_reasons)
        printf("  %s:\n", w->reasons);
    for (size_t i = 0; i < r->n_reasons && i < 10; i++) {
        fputs("    ", stdout);
        cell(r->reasons[i].reason, 36, false);
        int_cell(r->reasons[i].deals, 8);
        putchar('\n');
    }
}

static void breakdown(const struct jm_report *r, const struct words *w, enum jm_lang lang)
{
    if (r->n_groups < 2)
        return;
    size_t ns = r->tl->n_stages, lw = 12;
    for (size_t g = 1; g < r->n_groups; g++) {
        size_t c = jm_utf8_count(r->groups[g].label, strlen(r->groups[g].label));
        lw = c > lw ? c : lw;
    }
    lw = lw > 40 ? 40 : lw;
    putchar('\n');
    printf(w->breakdown, r->opts.by);
    printf(" — %s %s\n  ", w->rate, w->reached);
    cell("", lw, false);
    putchar(' ');
    cell(w->units, 8, true);
    for (size_t s = 0; s < ns; s++) {
        char h[32];
        snprintf(h, sizeof(h), "%zu", s + 1);
        putchar(' ');
        cell(h, 7, true);
    }
    putchar(' ');
    cell(w->win_rate, 9, true);
    putchar(' ');
    cell(w->cycle_d, 11, true);
    putchar('\n');
    for (size_t g = 0; g < r->n_groups; g++) {
        const struct jm_group_result *gr = &r->groups[g];
        char label[160];
        snprintf(label, sizeof(label), "%s", gr->label);
        fputs("  ", stdout);
        cell(label, lw, false);
        int_cell(gr->units, 8);
        for (size_t s = 0; s < ns; s++)
            num_cell(gr->stages[s].rate, 4, 7);
        num_cell(gr->win_rate, 4, 9);
        num_cell(gr->cycle.median, 2, 11);
        putchar('\n');
    }
    (void)lang;
    printf("  (1..%zu: %s", ns, stage_name(r, 0, lang));
    for (size_t s = 1; s < ns; s++)
        printf(", %s", stage_name(r, s, lang));
    printf(")\n");
}

static void say_break(const struct jm_report *r, const struct jm_break_point *b, enum jm_lang lang)
{
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 0);
    if (jm_break_text(r, b, lang, &sb) == JM_OK)
        fputs(sb.buf, stdout);
    jm_strbuf_release(&sb);
    putchar('\n');
}

static void breaks_and_idle(const struct jm_report *r, const struct words *w, enum jm_lang lang)
{
    printf("\n%s\n", w->breaks);
    if (!r->n_breaks)
        printf("  %s\n", w->no_breaks);
    for (size_t i = 0; i < r->n_breaks && i < 12; i++) {
        printf("  %2zu. ", i + 1);
        say_break(r, &r->breaks[i], lang);
    }
    if (!r->n_idle)
        return;
    putchar('\n');
    printf(w->idle, r->n_idle, r->n_stalled + r->n_silent);
    putchar('\n');
    size_t nw = name_width(r, lang, 10);
    for (size_t i = 0; i < r->n_idle; i++) {
        const struct jm_idle_unit *x = &r->idle[i];
        char when[40];
        jm_time_format(x->last_touch, true, when, sizeof(when));
        fputs("  ", stdout);
        cell(jm_timelines_unit_id(r->tl, x->unit), 20, false);
        putchar(' ');
        cell(stage_name(r, x->stage, lang), nw, false);
        putchar(' ');
        cell(x->kind == JM_IDLE_SILENT ? w->silent : w->stalled, 10, false);
        num_cell(x->days_in_stage, 1, 7);
        num_cell(x->days_silent, 1, 7);
        printf("  %s %s\n", when, *x->last_touchpoint ? x->last_touchpoint : w->none);
    }
    printf("  (%s, %s, %s)\n", w->days_in, w->days_silent, w->last_touch);
}

int cli_report_text(const struct jm_report *r, enum jm_lang lang)
{
    const struct words *w = lang == JM_LANG_VI ? &VI : &EN;
    header(r, w, lang);
    funnel(r, w, lang);
    trend(r, w, lang);
    transitions(r, w, lang);
    kpis(r, w, lang);
    coverage(r, w, lang);
    deals(r, w);
    breakdown(r, w, lang);
    breaks_and_idle(r, w, lang);
    return fflush(stdout) ? JM_EXIT_INTERNAL : JM_EXIT_OK;
}

int cli_report_json(const struct jm_report *r, enum jm_lang lang)
{
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, JM_STRBUF_DEFAULT_MAX);
    jm_status rc = jm_report_json(r, lang, &sb);
    if (!rc)
        fwrite(sb.buf, 1, sb.len, stdout);
    jm_strbuf_release(&sb);
    return rc ? JM_EXIT_INTERNAL : JM_EXIT_OK;
}
