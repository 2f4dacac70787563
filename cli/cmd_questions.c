/*
 * journeymap questions: the four questions in one report -- when do accounts first meet us,
 * how long until they buy, when and why do they leave, what do they look at before buying
 * (jm_questions_compute).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "insight_text.h"

static const char questions_help[] =
    "usage: journeymap questions (--template NAME | --journey FILE) [options]\n"
    "\n"
    "Answers four questions about the accounts: 1. when do they first meet us (first channel,\n"
    "touchpoint, month); 2. how long until they buy (days, touches and contacts from the first\n"
    "touch to a won deal or the buy stage); 3. when and why do they leave (churn and its\n"
    "reasons, lost deals' reasons); 4. what do they look at before buying, against the accounts\n"
    "that did not buy (touchpoints, pages and products, with the lift). Accounts only.\n"
    "\n"
    "  --limit N         rows per list (default 10)\n"
    "  --repeat-min N    \"again and again\": viewed at least N times (default 3)\n"
    "  --buy-stage KEY   the stage that counts as bought (default: the journey's "
    "goal)\n" INSIGHT_COMMON_HELP "\n"
    "CSV: question,list,key,accounts,share,extra (docs/insights.md says what extra is).\n";

#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* phrases chosen by language */

struct words {
    const char *q1, *met, *q2, *bought, *q3, *churned, *q4, *share, *median_d, *mrr_lost,
        *amount_lost, *lift;
    const char *lists[10];
};

static const struct words EN = {
    "1. When do accounts first meet us?",
    "%llu accounts had their first touch in the period\n",
    "2. How long until they buy?",
    "%llu bought; from the first touch: median %.1f days (p90 %.1f), median %.1f touches, "
    "median %.1f contacts\n",
    "3. When and why do they leave?",
    "%llu of %llu customers churned; median %.1f months from the first paid month (p90 %.1f)\n",
    "4. What do they look at before buying (against accounts that did not buy)?",
    "share",
    "median d",
    "MRR lost",
    "amount lost",
    "lift",
    {"first channel", "first touchpoint", "first month", "buyers by first channel", "churn reason",
     "lost reason", "touchpoint", "page", "page viewed again and again",
     "product viewed again and again"},
};

static const struct words VI = {
    "1. Khách hàng gặp chúng ta lần đầu khi nào?",
    "%llu tài khoản có điểm chạm đầu tiên trong kỳ\n",
    "2. Bao lâu thì họ mua?",
    "%llu tài khoản đã mua; từ điểm chạm đầu tiên: trung vị %.1f ngày (p90 %.1f), trung vị "
    "%.1f lượt chạm, trung vị %.1f liên hệ\n",
    "3. Khi nào và vì sao họ rời đi?",
    "%llu trên %llu khách hàng đã rời bỏ; trung vị %.1f tháng từ tháng trả tiền đầu tiên "
    "(p90 %.1f)\n",
    "4. Họ xem gì trước khi mua (so với các tài khoản không mua)?",
    "tỷ trọng",
    "trung vị ngày",
    "MRR mất",
    "giá trị mất",
    "hệ số nâng",
    {"kênh đầu tiên", "điểm chạm đầu tiên", "tháng đầu tiên", "người mua theo kênh đầu tiên",
     "lý do rời bỏ", "lý do thua", "điểm chạm", "trang", "trang xem đi xem lại",
     "sản phẩm xem đi xem lại"},
};

/* The ten lists, in the order of the report and the CSV: what `extra` means in each. */
enum extra_kind { EXTRA_NONE, EXTRA_DAYS, EXTRA_MRR, EXTRA_AMOUNT, EXTRA_LIFT };
struct list {
    int question;
    const char *key; /* the CSV's list column */
    enum extra_kind extra;
    const struct jm_count_row *rows;
    size_t n;
};

static void lists_of(const struct jm_questions *q, struct list *l)
{
    const struct list all[10] = {
        {1, "first_channels", EXTRA_NONE, q->first_channels, q->n_first_channels},
        {1, "first_touchpoints", EXTRA_NONE, q->first_touchpoints, q->n_first_touchpoints},
        {1, "first_months", EXTRA_NONE, q->first_months, q->n_first_months},
        {2, "buy_by_channel", EXTRA_DAYS, q->buy_by_channel, q->n_buy_by_channel},
        {3, "churn_reasons", EXTRA_MRR, q->churn_reasons, q->n_churn_reasons},
        {3, "lost_reasons", EXTRA_AMOUNT, q->lost_reasons, q->n_lost_reasons},
        {4, "looked_touchpoints", EXTRA_LIFT, q->looked_touchpoints, q->n_looked_touchpoints},
        {4, "looked_pages", EXTRA_LIFT, q->looked_pages, q->n_looked_pages},
        {4, "repeated_pages", EXTRA_NONE, q->repeated_pages, q->n_repeated_pages},
        {4, "repeated_products", EXTRA_NONE, q->repeated_products, q->n_repeated_products},
    };
    memcpy(l, all, sizeof all);
}

/* ---------------------------------------------------------------- text */

static void list_text(struct jm_strbuf *out, const struct list *l, const char *label,
                      const struct words *w, enum jm_lang lang)
{
    if (!l->n)
        return;
    const char *extra[] = {NULL, w->median_d, w->mrr_lost, w->amount_lost, w->lift};
    struct itable t;
    itable_init(&t);
    const char *cols[] = {label, insight_words(lang)->accounts, w->share, ""};
    itable_cols(&t, "lrrl", cols);
    if (extra[l->extra])
        itable_col(&t, extra[l->extra], true);
    uint64_t max = 0;
    for (size_t i = 0; i < l->n; i++)
        max = l->rows[i].accounts > max ? l->rows[i].accounts : max;
    for (size_t i = 0; i < l->n; i++) {
        const struct jm_count_row *row = &l->rows[i];
        itable_text(&t, row->key, 48);
        itable_count(&t, row->accounts);
        itable_share_bar(&t, row->share, (double)row->accounts, (double)max);
        if (extra[l->extra])
            itable_num(&t, row->extra, l->extra == EXTRA_MRR || l->extra == EXTRA_AMOUNT ? 0 : 2);
    }
    jm_strbuf_addch(out, '\n');
    itable_finish(&t, out, NULL);
}

/* The line that opens question `n`, from its figures. */
static void lead(struct jm_strbuf *out, const struct jm_questions *q, const struct words *w, int n)
{
    const char *head[] = {w->q1, w->q2, w->q3, w->q4};
    insight_heading(out, head[n - 1]);
    if (n == 1)
        jm_strbuf_addf(out, w->met, (unsigned long long)q->met);
    else if (n == 2)
        jm_strbuf_addf(out, w->bought, (unsigned long long)q->bought, q->days_to_buy.median,
                       q->days_to_buy.p90, q->touches_to_buy.median, q->contacts_to_buy.median);
    else if (n == 3)
        jm_strbuf_addf(out, w->churned, (unsigned long long)q->churned,
                       (unsigned long long)q->customers, q->months_to_churn.median,
                       q->months_to_churn.p90);
}

static void text(struct jm_strbuf *out, const struct jm_report *r, const struct jm_questions *q,
                 enum jm_lang lang)
{
    const struct words *w = lang == JM_LANG_VI ? &VI : &EN;
    struct list l[10];
    lists_of(q, l);
    insight_header(out, r, lang, lang == JM_LANG_VI ? "Bốn câu hỏi" : "The four questions");
    int question = 0;
    for (size_t i = 0; i < 10; i++) {
        if (l[i].question != question)
            lead(out, q, w, question = l[i].question);
        list_text(out, &l[i], w->lists[i], w, lang);
    }
}

/* ---------------------------------------------------------------- CSV and the command */

static jm_status csv(struct jm_strbuf *out, const struct jm_questions *q)
{
    struct icsv c = {out, JM_OK};
    struct list l[10];
    lists_of(q, l);
    icsv_line(&c, "question,list,key,accounts,share,extra\n");
    for (size_t i = 0; i < 10; i++)
        for (size_t k = 0; k < l[i].n; k++) {
            const struct jm_count_row *row = &l[i].rows[k];
            bool money = l[i].extra == EXTRA_MRR || l[i].extra == EXTRA_AMOUNT;
            icsv_count(&c, (uint64_t)l[i].question, false);
            icsv_text(&c, l[i].key, false);
            icsv_text(&c, row->key, false);
            icsv_count(&c, row->accounts, false);
            icsv_num(&c, row->share, 4, false);
            icsv_num(&c, row->extra, money ? 2 : 4, true);
        }
    return c.rc;
}

static jm_status emit(const struct jm_report *r, const struct insight_args *a, void *ctx,
                      struct jm_strbuf *out, struct jm_error *err)
{
    struct jm_questions *q = NULL;
    jm_status rc = jm_questions_compute(r, ctx, &q, err);
    if (rc)
        return rc;
    if (a->format == INSIGHT_JSON)
        rc = jm_questions_json(r, q, a->lang, out);
    else if (a->format == INSIGHT_CSV)
        rc = csv(out, q);
    else
        text(out, r, q, a->lang);
    jm_questions_free(q);
    return rc;
}

static int own_option(struct insight_args *a, void *ctx, int c, char **argv)
{
    struct jm_questions_opts *o = ctx;
    switch (c) {
    case 'n':
        return insight_size(a, "--limit", optarg, 1, 100000, &o->limit);
    case 'R':
        return insight_size(a, "--repeat-min", optarg, 1, 100000, &o->repeat_min);
    case 'b':
        o->buy_stage = optarg;
        break;
    default:
        return insight_option(a, c, argv);
    }
    return IOPT_CONTINUE;
}

int cmd_questions(int argc, char **argv)
{
    static const struct option lo[] = {{"limit", required_argument, NULL, 'n'},
                                       {"repeat-min", required_argument, NULL, 'R'},
                                       {"buy-stage", required_argument, NULL, 'b'},
                                       INSIGHT_COMMON_OPTIONS,
                                       {NULL, 0, NULL, 0}};
    struct insight_args a = {
        .cmd = "questions", .help = questions_help, .options = lo, .properties = true};
    struct jm_questions_opts o;
    jm_questions_defaults(&o);
    int code = insight_parse(&a, own_option, &o, argc, argv);
    if (code != IOPT_CONTINUE)
        return code;
    code = insight_accounts_only(&a);
    return code ? code : insight_run(&a, emit, &o);
}
