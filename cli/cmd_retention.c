/*
 * journeymap retention: do they stay and grow. Account cohorts by their first month of
 * recurring revenue as triangles of revenue and logo retention, the monthly MRR bridge,
 * churn and lifetime value, churn reasons and what came before churn (jm_retention_compute).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "insight_text.h"

static const char retention_help[] =
    "usage: journeymap retention (--template NAME | --journey FILE) [options]\n"
    "\n"
    "Groups accounts into cohorts by their first month of recurring revenue and follows each\n"
    "month by month: net and gross revenue retention (NRR, GRR), logos kept, expansion and\n"
    "contraction; the MRR bridge; churn rates, ARPA and lifetime value; churn reasons; and the\n"
    "tickets, SLA breaches and NPS before churn against the accounts that stayed. The period\n"
    "selects cohorts by their month. Accounts only.\n"
    "\n"
    "  --max-offset N    months shown after each cohort's first (default 24)\n"
    "  --reason-by PATH  where the churn reason is (default account.properties.churn_reason)\n"
    "  --before-days D   the window before churn that is compared (default 90)\n"
    "  --margin F        gross margin for lifetime value, 0 to 1 (default 1)\n" INSIGHT_COMMON_HELP
    "\n"
    "CSV: cohort,offset,accounts,logos,logo_rate,mrr,nrr,grr,expansion,contraction,churned.\n";

#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* phrases chosen by language */

struct words {
    const char *title, *summary, *nrr_head, *logo_head, *cohort, *start_mrr, *bridge_head, *month,
        *active, *new_logos, *churned, *back, *new_mrr, *expansion, *contraction, *churned_mrr,
        *reactivation, *reasons_head, *reason, *share, *mrr_lost, *before_head, *retained, *tickets,
        *breaches, *answers, *last_head, *touchpoint;
};

static const struct words EN = {
    "Retention",
    "Monthly churn: %s of logos, %s of MRR; ARPA %.2f a month; lifetime value %s (gross "
    "margin %s)\n",
    "Net revenue retention by cohort (NRR: MRR as % of the start, by months since start)",
    "Logo retention by cohort (% of the cohort's accounts active, by months since start)",
    "cohort",
    "start MRR",
    "MRR bridge (last 12 months)",
    "month",
    "active",
    "new",
    "churned",
    "back",
    "new MRR",
    "expansion",
    "contraction",
    "churned MRR",
    "reactivation",
    "Churn reasons",
    "reason",
    "share",
    "MRR lost",
    "Before churn (%.4g days) against the accounts that stayed",
    "stayed",
    "tickets per account",
    "SLA breaches per account",
    "NPS answers",
    "Last touch before churn",
    "touchpoint",
};

static const struct words VI = {
    "Giữ chân khách hàng",
    "Tỷ lệ rời bỏ hằng tháng: %s khách hàng, %s MRR; ARPA %.2f mỗi tháng; giá trị vòng đời "
    "%s (biên lợi nhuận gộp %s)\n",
    "Giữ chân doanh thu ròng theo nhóm (NRR: MRR theo % ban đầu, theo số tháng từ khi bắt đầu)",
    "Giữ chân khách hàng theo nhóm (% tài khoản còn hoạt động, theo số tháng từ khi bắt đầu)",
    "nhóm",
    "MRR ban đầu",
    "Biến động MRR (12 tháng gần nhất)",
    "tháng",
    "hoạt động",
    "mới",
    "rời bỏ",
    "quay lại",
    "MRR mới",
    "mở rộng",
    "thu hẹp",
    "MRR mất",
    "kích hoạt lại",
    "Lý do rời bỏ",
    "lý do",
    "tỷ trọng",
    "MRR mất",
    "Trước khi rời bỏ (%.4g ngày) so với các tài khoản ở lại",
    "ở lại",
    "ticket mỗi tài khoản",
    "vi phạm SLA mỗi tài khoản",
    "số câu trả lời NPS",
    "Điểm chạm cuối trước khi rời bỏ",
    "điểm chạm",
};

/* ---------------------------------------------------------------- text */

/* Offsets a triangle shows: what fits the table beside the cohort, size and start columns. */
#define MAX_SHOWN (ITABLE_MAX_COLS - 3)

/* "2024-03" into `buf` (at least 16 bytes). */
static void month_label(char *buf, size_t cap, int year, int month)
{
    snprintf(buf, cap, "%04d-%02d", year, month);
}

/* A cell as the triangle shows it: NRR or logo rate as a whole percentage. */
static void rate_cell(struct itable *t, const struct jm_cohort_cell *c, bool nrr)
{
    double x = nrr ? c->nrr : c->logo_rate;
    if (!isfinite(x)) {
        itable_text(t, "-", 0);
        return;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%.0f%%", 100 * x);
    itable_text(t, buf, 0);
}

/* A cohort triangle: a row per cohort, a column per month offset; the weighted total last. */
static void triangle(struct jm_strbuf *out, const struct jm_retention *rt, const struct words *w,
                     enum jm_lang lang, bool nrr)
{
    size_t shown = 0;
    for (size_t i = 0; i < rt->n_cohorts; i++)
        shown = rt->cohorts[i].n_cells > shown ? rt->cohorts[i].n_cells : shown;
    shown = shown > MAX_SHOWN ? MAX_SHOWN : shown;
    struct itable t;
    itable_init(&t);
    itable_col(&t, w->cohort, false);
    itable_col(&t, insight_words(lang)->accounts, true);
    itable_col(&t, w->start_mrr, true);
    static const char *const offsets[MAX_SHOWN] = {
        "0",  "1",  "2",  "3",  "4",  "5",  "6",  "7",  "8",  "9",  "10", "11", "12", "13", "14",
        "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28"};
    for (size_t k = 0; k < shown; k++)
        itable_col(&t, offsets[k], true);
    for (size_t i = 0; i < rt->n_cohorts; i++) {
        const struct jm_cohort *c = &rt->cohorts[i];
        char month[16];
        month_label(month, sizeof month, c->year, c->month);
        itable_text(&t, month, 0);
        itable_count(&t, c->accounts);
        itable_num(&t, c->start_mrr, 0);
        for (size_t k = 0; k < shown; k++)
            k < c->n_cells ? rate_cell(&t, &c->cells[k], nrr) : itable_text(&t, "", 0);
    }
    itable_text(&t, insight_words(lang)->total, 0);
    itable_text(&t, "", 0);
    itable_text(&t, "", 0);
    for (size_t k = 0; k < shown; k++)
        k < rt->n_total ? rate_cell(&t, &rt->total[k], nrr) : itable_text(&t, "", 0);
    itable_finish(&t, out, nrr ? w->nrr_head : w->logo_head);
}

static void bridge(struct jm_strbuf *out, const struct jm_retention *rt, const struct words *w)
{
    struct itable t;
    itable_init(&t);
    const char *cols[] = {w->month,       w->active,      w->new_logos,   w->churned,
                          w->back,        "MRR",          w->new_mrr,     w->expansion,
                          w->contraction, w->churned_mrr, w->reactivation};
    itable_cols(&t, "lrrrrrrrrrr", cols);
    for (size_t i = rt->n_months > 12 ? rt->n_months - 12 : 0; i < rt->n_months; i++) {
        const struct jm_mrr_month *m = &rt->months[i];
        char month[16];
        month_label(month, sizeof month, m->year, m->month);
        itable_text(&t, month, 0);
        itable_count(&t, m->active);
        itable_count(&t, m->new_logos);
        itable_count(&t, m->churned_logos);
        itable_count(&t, m->reactivated);
        const double money[] = {m->mrr,         m->new_mrr,     m->expansion,
                                m->contraction, m->churned_mrr, m->reactivation};
        for (size_t k = 0; k < 6; k++)
            itable_num(&t, money[k], 2);
    }
    itable_finish(&t, out, w->bridge_head);
}

/* Reasons (or last touches): label, accounts, share of `total` with a bar, MRR lost. */
static void reasons(struct jm_strbuf *out, const struct jm_churn_reason *r, size_t n,
                    uint64_t total, const char *heading, const char *label, const struct words *w,
                    enum jm_lang lang)
{
    if (!n)
        return;
    struct itable t;
    itable_init(&t);
    const char *cols[] = {label, insight_words(lang)->accounts, w->share, "", w->mrr_lost};
    itable_cols(&t, "lrrlr", cols);
    for (size_t i = 0; i < n; i++) {
        double share = total ? (double)r[i].accounts / (double)total : NAN;
        itable_text(&t, r[i].reason, 40);
        itable_count(&t, r[i].accounts);
        itable_share_bar(&t, share, (double)r[i].accounts, (double)r[0].accounts);
        itable_num(&t, r[i].mrr_lost, 2);
    }
    itable_finish(&t, out, heading);
}

static void before(struct jm_strbuf *out, const struct jm_retention *rt, const struct words *w,
                   enum jm_lang lang)
{
    const struct jm_before_churn *b = &rt->before;
    struct itable t;
    itable_init(&t);
    itable_versus(&t, w->churned, w->retained);
    itable_versus_counts(&t, insight_words(lang)->accounts, b->accounts, b->retained_accounts);
    itable_versus_nums(&t, w->tickets, b->tickets_per_account, b->retained_tickets_per_account, 2);
    itable_versus_nums(&t, w->breaches, b->breaches_per_account, b->retained_breaches_per_account,
                       2);
    itable_versus_nums(&t, "NPS", b->nps, b->retained_nps, 1);
    itable_versus_counts(&t, w->answers, b->nps_answers, b->retained_nps_answers);
    insight_headingf(out, w->before_head, rt->opts.before_days);
    itable_finish(&t, out, NULL);
    reasons(out, b->last_touches, b->n_last_touches, b->accounts, w->last_head, w->touchpoint, w,
            lang);
}

static void text(struct jm_strbuf *out, const struct jm_report *r, const struct jm_retention *rt,
                 enum jm_lang lang)
{
    const struct words *w = lang == JM_LANG_VI ? &VI : &EN;
    char logo[32], mrr[32], ltv[48] = "-", margin[32];
    insight_pct(rt->monthly_logo_churn, logo, sizeof logo);
    insight_pct(rt->monthly_mrr_churn, mrr, sizeof mrr);
    insight_pct(rt->opts.margin, margin, sizeof margin);
    if (isfinite(rt->ltv))
        snprintf(ltv, sizeof ltv, "%.2f", rt->ltv);
    insight_header(out, r, lang, w->title);
    jm_strbuf_addch(out, '\n');
    jm_strbuf_addf(out, w->summary, logo, mrr, isfinite(rt->arpa) ? rt->arpa : 0, ltv, margin);
    triangle(out, rt, w, lang, true);
    triangle(out, rt, w, lang, false);
    bridge(out, rt, w);
    uint64_t churned = 0;
    for (size_t i = 0; i < rt->n_reasons; i++)
        churned += rt->reasons[i].accounts;
    reasons(out, rt->reasons, rt->n_reasons, churned, w->reasons_head, w->reason, w, lang);
    before(out, rt, w, lang);
}

/* ---------------------------------------------------------------- CSV and the command */

static jm_status csv(struct jm_strbuf *out, const struct jm_retention *rt)
{
    struct icsv c = {out, JM_OK};
    icsv_line(&c, "cohort,offset,accounts,logos,logo_rate,mrr,nrr,grr,expansion,contraction,"
                  "churned\n");
    for (size_t i = 0; i < rt->n_cohorts; i++) {
        const struct jm_cohort *h = &rt->cohorts[i];
        char month[16];
        month_label(month, sizeof month, h->year, h->month);
        for (size_t k = 0; k < h->n_cells; k++) {
            const struct jm_cohort_cell *x = &h->cells[k];
            icsv_text(&c, month, false);
            icsv_count(&c, k, false);
            icsv_count(&c, h->accounts, false);
            icsv_count(&c, x->logos, false);
            icsv_num(&c, x->logo_rate, 4, false);
            icsv_num(&c, x->mrr, 2, false);
            icsv_num(&c, x->nrr, 4, false);
            icsv_num(&c, x->grr, 4, false);
            icsv_num(&c, x->expansion, 2, false);
            icsv_num(&c, x->contraction, 2, false);
            icsv_num(&c, x->churned, 2, true);
        }
    }
    return c.rc;
}

static jm_status emit(const struct jm_report *r, const struct insight_args *a, void *ctx,
                      struct jm_strbuf *out, struct jm_error *err)
{
    struct jm_retention *rt = NULL;
    jm_status rc = jm_retention_compute(r, ctx, &rt, err);
    if (rc)
        return rc;
    if (a->format == INSIGHT_JSON)
        rc = jm_retention_json(r, rt, a->lang, out);
    else if (a->format == INSIGHT_CSV)
        rc = csv(out, rt);
    else
        text(out, r, rt, a->lang);
    jm_retention_free(rt);
    return rc;
}

static int own_option(struct insight_args *a, void *ctx, int c, char **argv)
{
    struct jm_retention_opts *o = ctx;
    switch (c) {
    case 'M':
        return insight_size(a, "--max-offset", optarg, 0, 600, &o->max_offset);
    case 'r':
        o->reason_by = optarg;
        break;
    case 'B':
        if (!insight_double(a, "--before-days", optarg, 1, 3650, &o->before_days))
            return JM_EXIT_USAGE;
        break;
    case 'g':
        if (!insight_double(a, "--margin", optarg, 0, 1, &o->margin))
            return JM_EXIT_USAGE;
        break;
    default:
        return insight_option(a, c, argv);
    }
    return IOPT_CONTINUE;
}

int cmd_retention(int argc, char **argv)
{
    static const struct option lo[] = {{"max-offset", required_argument, NULL, 'M'},
                                       {"reason-by", required_argument, NULL, 'r'},
                                       {"before-days", required_argument, NULL, 'B'},
                                       {"margin", required_argument, NULL, 'g'},
                                       INSIGHT_COMMON_OPTIONS,
                                       {NULL, 0, NULL, 0}};
    struct insight_args a = {.cmd = "retention", .help = retention_help, .options = lo};
    struct jm_retention_opts o;
    jm_retention_defaults(&o);
    int code = insight_parse(&a, own_option, &o, argc, argv);
    if (code != IOPT_CONTINUE)
        return code;
    code = insight_accounts_only(&a);
    return code ? code : insight_run(&a, emit, &o);
}
