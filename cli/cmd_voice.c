/*
 * journeymap voice: how they feel. NPS, CSAT and CES overall and per stage (with the emotion
 * curve), touchpoint, segment and month; support tickets against their SLA targets and what
 * breaches go with (jm_voice_compute).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "insight_text.h"

static const char voice_help[] =
    "usage: journeymap voice (--template NAME | --journey FILE) [options]\n"
    "\n"
    "Survey scores -- NPS (0-10), CSAT (1-5), CES (1-7) -- overall, per stage (next to the\n"
    "map's emotion curve), per touchpoint last met before answering, per segment and per\n"
    "month; support tickets per priority against SLA targets; and NPS and churn of the\n"
    "accounts whose tickets breached them against the others.\n"
    "\n"
    "  --by PATH         segment breakdown (default account.segment)\n"
    "  --touch-days D    an answer's touchpoint: the last touch within D days (default 14)\n"
    "  --sla P=F/R       SLA target of priority P (low, normal, high, urgent): first response\n"
    "                    F and resolution R in hours, h or d suffixes (urgent=1/8,\n"
    "                    high=4h/1d); repeatable. Default low 24/120, normal 8/72, high\n"
    "                    4/24, urgent 1/8\n"
    "  --after-breach-days D  answers this long after a breach count as after it (default 90)\n"
    "  --level L         account or contact (default: the definition's)\n" INSIGHT_COMMON_HELP "\n"
    "CSV: section,key,kind,n,mean,top,bottom,nps (section all, stage, touchpoint, group,\n"
    "month; kind nps, csat, ces).\n";

#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* phrases chosen by language */

struct words {
    const char *title, *scores, *survey, *answers, *mean, *top, *bottom, *stages, *emotion,
        *authored, *touchpoints, *groups, *months, *sla, *priority, *tickets, *responded, *resolved,
        *late_response, *late_resolution, *response_h, *resolution_h, *breach, *breached, *clean,
        *nps_after, *churn, *customers;
    const char *prio[JM_PRIO__COUNT + 1];
};

static const struct words EN = {
    "Voice of the customer",
    "Scores",
    "survey",
    "answers",
    "mean",
    "top",
    "bottom",
    "By stage (emotion curve: measured, then authored)",
    "emotion",
    "authored",
    "By touchpoint (the last touch within %.4g days before the answer)",
    "By %s",
    "By month (last 12)",
    "Support tickets against SLA targets",
    "priority",
    "tickets",
    "responded",
    "resolved",
    "late resp.",
    "late resol.",
    "median resp. h",
    "median resol. h",
    "SLA breaches and what follows (NPS within %.4g days after a breach)",
    "with a breach",
    "without",
    "NPS after",
    "churned",
    "customers",
    {"low", "normal", "high", "urgent", "(none)"},
};

static const struct words VI = {
    "Tiếng nói khách hàng",
    "Điểm khảo sát",
    "khảo sát",
    "câu trả lời",
    "trung bình",
    "tích cực",
    "tiêu cực",
    "Theo giai đoạn (đường cảm xúc: đo được, rồi theo thiết kế)",
    "cảm xúc",
    "thiết kế",
    "Theo điểm chạm (điểm chạm cuối trong %.4g ngày trước câu trả lời)",
    "Theo %s",
    "Theo tháng (12 tháng gần nhất)",
    "Ticket hỗ trợ so với mục tiêu SLA",
    "mức ưu tiên",
    "ticket",
    "đã phản hồi",
    "đã giải quyết",
    "phản hồi trễ",
    "giải quyết trễ",
    "trung vị phản hồi (giờ)",
    "trung vị giải quyết (giờ)",
    "Vi phạm SLA và hệ quả (NPS trong %.4g ngày sau vi phạm)",
    "có vi phạm",
    "không vi phạm",
    "NPS sau đó",
    "rời bỏ",
    "khách hàng",
    {"thấp", "bình thường", "cao", "khẩn cấp", "(không có)"},
};

static const char *const kind_key[JM_SURVEY__COUNT] = {"nps", "csat", "ces"};
static const char *const kind_name[JM_SURVEY__COUNT] = {"NPS", "CSAT", "CES"};

/* ---------------------------------------------------------------- text */

static void scores(struct jm_strbuf *out, const struct jm_voice *v, const struct words *w)
{
    struct itable t;
    itable_init(&t);
    const char *cols[] = {w->survey, w->answers, w->mean, w->top, w->bottom, "NPS"};
    itable_cols(&t, "lrrrrr", cols);
    for (size_t k = 0; k < JM_SURVEY__COUNT; k++) {
        const struct jm_score_summary *s = &v->all[k];
        itable_text(&t, kind_name[k], 0);
        itable_count(&t, s->n);
        itable_num(&t, s->mean, 2);
        itable_pct(&t, s->top);
        itable_pct(&t, s->bottom);
        itable_num(&t, s->nps, 1);
    }
    itable_finish(&t, out, w->scores);
}

/* The columns every breakdown shows after its label: NPS answers and NPS, CSAT, CES means. */
static void score_cols(struct itable *t, const struct words *w)
{
    itable_col(t, w->answers, true);
    itable_col(t, "", false);
    itable_col(t, "NPS", true);
    itable_col(t, "CSAT", true);
    itable_col(t, "CES", true);
}

static void score_cells(struct itable *t, const struct jm_voice_row *row, uint64_t max)
{
    uint64_t n = row->s[JM_SURVEY_NPS].n + row->s[JM_SURVEY_CSAT].n + row->s[JM_SURVEY_CES].n;
    itable_count(t, n);
    itable_bar(t, (double)n, (double)max);
    itable_num(t, row->s[JM_SURVEY_NPS].nps, 1);
    itable_num(t, row->s[JM_SURVEY_CSAT].mean, 2);
    itable_num(t, row->s[JM_SURVEY_CES].mean, 2);
}

static uint64_t most_answers(const struct jm_voice_row *rows, size_t n)
{
    uint64_t max = 0;
    for (size_t i = 0; i < n; i++) {
        const struct jm_score_summary *s = rows[i].s;
        uint64_t a = s[JM_SURVEY_NPS].n + s[JM_SURVEY_CSAT].n + s[JM_SURVEY_CES].n;
        max = a > max ? a : max;
    }
    return max;
}

/* Touchpoints, groups or months: label, answers with a bar, NPS, CSAT, CES. */
static void breakdown(struct jm_strbuf *out, const char *heading, const char *label_head,
                      const struct jm_voice_row *rows, size_t first, size_t n,
                      const struct words *w)
{
    if (first >= n)
        return;
    struct itable t;
    itable_init(&t);
    itable_col(&t, label_head, false);
    score_cols(&t, w);
    uint64_t max = most_answers(rows + first, n - first);
    for (size_t i = first; i < n; i++) {
        itable_text(&t, rows[i].key, 36);
        score_cells(&t, &rows[i], max);
    }
    itable_finish(&t, out, heading);
}

static void stages(struct jm_strbuf *out, const struct jm_report *r, const struct jm_voice *v,
                   const struct words *w, enum jm_lang lang)
{
    struct itable t;
    itable_init(&t);
    itable_col(&t, "", false);
    score_cols(&t, w);
    itable_col(&t, w->emotion, true);
    itable_col(&t, "", false);
    itable_col(&t, w->authored, true);
    uint64_t max = most_answers(v->stages, v->n_stages);
    for (size_t s = 0; s < v->n_stages; s++) {
        itable_text(&t, insight_stage_name(r, s, lang), 30);
        score_cells(&t, &v->stages[s], max);
        itable_num(&t, v->emotion[s], 2);
        /* Emotion runs from -1 to 1: the bar shows it from the bottom of that scale. */
        itable_bar(&t, v->emotion[s] + 1, 2);
        itable_num(&t, v->authored_emotion[s], 2);
    }
    itable_finish(&t, out, w->stages);
}

static void sla(struct jm_strbuf *out, const struct jm_voice *v, const struct words *w)
{
    struct itable t;
    itable_init(&t);
    const char *cols[] = {w->priority,   w->tickets,       w->responded,
                          w->resolved,   w->late_response, w->late_resolution,
                          w->response_h, w->resolution_h,  "CSAT"};
    itable_cols(&t, "lrrrrrrrr", cols);
    for (size_t p = 0; p <= JM_PRIO__COUNT; p++) {
        const struct jm_sla_row *s = &v->sla[p];
        if (p == JM_PRIO__COUNT && !s->tickets)
            continue; /* every ticket had a priority */
        itable_text(&t, w->prio[p], 0);
        itable_count(&t, s->tickets);
        itable_count(&t, s->responded);
        itable_count(&t, s->resolved);
        itable_count(&t, s->response_breaches);
        itable_count(&t, s->resolution_breaches);
        itable_num(&t, s->response_hours.median, 1);
        itable_num(&t, s->resolution_hours.median, 1);
        itable_num(&t, s->csat, 2);
    }
    itable_finish(&t, out, w->sla);
}

static void breach(struct jm_strbuf *out, const struct jm_report *r, const struct jm_voice *v,
                   const struct words *w, enum jm_lang lang)
{
    const struct jm_breach_effect *b = &v->breach;
    struct itable t;
    itable_init(&t);
    itable_versus(&t, w->breached, w->clean);
    itable_versus_counts(&t, insight_units(r, lang), b->units_breached, b->units_clean);
    itable_versus_nums(&t, w->nps_after, b->nps_after_breach, b->nps_clean, 1);
    itable_versus_counts(&t, w->answers, b->n_after_breach, b->n_clean);
    itable_versus_counts(&t, w->customers, b->customers_breached, b->customers_clean);
    itable_versus_pcts(&t, w->churn, b->churn_breached, b->churn_clean);
    insight_headingf(out, w->breach, v->opts.after_breach_days);
    itable_finish(&t, out, NULL);
}

static void text(struct jm_strbuf *out, const struct jm_report *r, const struct jm_voice *v,
                 enum jm_lang lang)
{
    const struct words *w = lang == JM_LANG_VI ? &VI : &EN;
    char head[300];
    insight_header(out, r, lang, w->title);
    scores(out, v, w);
    stages(out, r, v, w, lang);
    snprintf(head, sizeof head, w->touchpoints, v->opts.touch_days);
    breakdown(out, head, "", v->touchpoints, 0, v->n_touchpoints, w);
    snprintf(head, sizeof head, w->groups, v->opts.by);
    breakdown(out, head, "", v->groups, 0, v->n_groups, w);
    breakdown(out, w->months, "", v->months, v->n_months > 12 ? v->n_months - 12 : 0, v->n_months,
              w);
    sla(out, v, w);
    breach(out, r, v, w, lang);
}

/* ---------------------------------------------------------------- CSV and the command */

/* One section's rows: a row per kind with answers (every kind for the section "all"). */
static void csv_rows(struct icsv *c, const char *section, const char *key,
                     const struct jm_score_summary *s, bool all)
{
    for (size_t k = 0; k < JM_SURVEY__COUNT; k++) {
        if (!all && !s[k].n)
            continue;
        icsv_text(c, section, false);
        icsv_text(c, key, false);
        icsv_text(c, kind_key[k], false);
        icsv_count(c, s[k].n, false);
        icsv_num(c, s[k].mean, 4, false);
        icsv_num(c, s[k].top, 4, false);
        icsv_num(c, s[k].bottom, 4, false);
        icsv_num(c, s[k].nps, 4, true);
    }
}

static jm_status csv(struct jm_strbuf *out, const struct jm_voice *v)
{
    struct icsv c = {out, JM_OK};
    icsv_line(&c, "section,key,kind,n,mean,top,bottom,nps\n");
    csv_rows(&c, "all", "", v->all, true);
    const struct {
        const char *name;
        const struct jm_voice_row *rows;
        size_t n;
    } sections[] = {{"stage", v->stages, v->n_stages},
                    {"touchpoint", v->touchpoints, v->n_touchpoints},
                    {"group", v->groups, v->n_groups},
                    {"month", v->months, v->n_months}};
    for (size_t s = 0; s < 4; s++)
        for (size_t i = 0; i < sections[s].n; i++)
            csv_rows(&c, sections[s].name, sections[s].rows[i].key, sections[s].rows[i].s, false);
    return c.rc;
}

static jm_status emit(const struct jm_report *r, const struct insight_args *a, void *ctx,
                      struct jm_strbuf *out, struct jm_error *err)
{
    struct jm_voice *v = NULL;
    jm_status rc = jm_voice_compute(r, ctx, &v, err);
    if (rc)
        return rc;
    if (a->format == INSIGHT_JSON)
        rc = jm_voice_json(r, v, a->lang, out);
    else if (a->format == INSIGHT_CSV)
        rc = csv(out, v);
    else
        text(out, r, v, a->lang);
    jm_voice_free(v);
    return rc;
}

static int own_option(struct insight_args *a, void *ctx, int c, char **argv)
{
    struct jm_voice_opts *o = ctx;
    struct jm_error err = {0};
    switch (c) {
    case 'b':
        o->by = optarg;
        break;
    case 'T':
        if (!insight_double(a, "--touch-days", optarg, 0, 3650, &o->touch_days))
            return JM_EXIT_USAGE;
        break;
    case 'S':
        if (!jm_voice_parse_sla(o, optarg, &err))
            return cli_usage_error(a->cmd,
                                   "--sla must be PRIORITY=FIRST/RESOLUTION (e.g. "
                                   "urgent=1/8 or high=4h/1d), not '%s'%s%s",
                                   optarg, err.msg[0] ? ": " : "", err.msg);
        break;
    case 'B':
        if (!insight_double(a, "--after-breach-days", optarg, 0, 3650, &o->after_breach_days))
            return JM_EXIT_USAGE;
        break;
    default:
        return insight_option(a, c, argv);
    }
    return IOPT_CONTINUE;
}

int cmd_voice(int argc, char **argv)
{
    static const struct option lo[] = {{"by", required_argument, NULL, 'b'},
                                       {"touch-days", required_argument, NULL, 'T'},
                                       {"sla", required_argument, NULL, 'S'},
                                       {"after-breach-days", required_argument, NULL, 'B'},
                                       INSIGHT_COMMON_OPTIONS,
                                       {NULL, 0, NULL, 0}};
    struct insight_args a = {.cmd = "voice", .help = voice_help, .options = lo};
    struct jm_voice_opts o;
    jm_voice_defaults(&o);
    int code = insight_parse(&a, own_option, &o, argc, argv);
    return code != IOPT_CONTINUE ? code : insight_run(&a, emit, &o);
}
