/*
 * journeymap attribution: what made them buy. Credits each conversion to the touches of the
 * whole buying committee in its lookback window, by ten models side by side, in conversions
 * and in revenue (jm_attribution_compute); --drill lists the conversions behind one row.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "insight_text.h"

static const char attribution_help[] =
    "usage: journeymap attribution (--template NAME | --journey FILE) [options]\n"
    "\n"
    "Credits each conversion to the touchpoints of the whole buying committee (every contact\n"
    "of the account) before it, by ten models side by side: first touch, lead creation,\n"
    "opportunity creation, last touch, linear, U-shaped, W-shaped, full path, time decay and\n"
    "Markov (removal effect), in conversions and in revenue. Each model's column sums to the\n"
    "conversions. Accounts only.\n"
    "\n"
    "  --conversion C    what a conversion is: won (a deal won in the period; default),\n"
    "                    revenue (first month of recurring revenue), stage:KEY (first entry\n"
    "                    into a stage) or touchpoint:KEY (first event of a touchpoint)\n"
    "  --by D            credit to: channel (default), touchpoint, source (utm_source) or\n"
    "                    campaign (utm_campaign)\n"
    "  --lookback DAYS   touches up to DAYS before the conversion (default 365; 0: all)\n"
    "  --half-life DAYS  time decay: a touch DAYS older counts half (default 7)\n"
    "  --lead-stage KEY  lead creation is the first entry into this stage (default: the\n"
    "                    contacts' created dates)\n"
    "  --opportunity-stage KEY  opportunity creation likewise (default: the deal's created)\n"
    "  --exclude TP,TP   touchpoints that never count as touches\n"
    "  --model M         text and CSV drill-down: this model only (first_touch, lead_creation,\n"
    "                    opportunity_creation, last_touch, linear, u_shaped, w_shaped,\n"
    "                    full_path, time_decay, markov; or first, last, u, w, full, decay)\n"
    "  --drill KEY       the conversions behind one row (its key as the table shows it) and\n"
    "                    the share each gave it\n"
    "  --limit N         with --drill: at most N conversions (default: all)\n" INSIGHT_COMMON_HELP
    "\n"
    "CSV: key,touches,<model>_conversions...,<model>_revenue... (docs/insights.md).\n";

/* The phrases below are printf formats chosen by language; each language keeps the same
 * conversions in the same order, and the tests print both. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

struct words {
    const char *title, *summary, *won, *revenue_kind, *stage, *touchpoint, *settings, *lookback,
        *no_lookback, *conv_head, *rev_head, *touches, *converting, *conversions, *share, *revenue,
        *removal, *markov, *models, *drill_head, *date, *account, *deal, *value;
    const char *dims[JM_DIM__COUNT];
    const char *short_model[JM_ATTR__COUNT];
};

static const struct words EN = {
    "Attribution",
    "Conversions: %llu (%s), %llu with touches; revenue %.2f\n",
    "won deals",
    "first month of recurring revenue",
    "entered stage %s",
    "first %s",
    "Credit by %s; %s; time-decay half-life %.4g days\n",
    "lookback %.4g days",
    "no lookback limit",
    "Conversions credited, by model",
    "Revenue credited, by model",
    "touches",
    "converting",
    "conversions",
    "share",
    "revenue",
    "removal",
    "Markov chain: %llu paths, %llu converting, P(conversion) %s\n",
    "Models",
    "Conversions behind '%s' (%zu listed)",
    "date",
    "account",
    "deal",
    "value",
    {"touchpoint", "channel", "source", "campaign"},
    {"first", "lead", "opp.", "last", "linear", "U", "W", "full", "decay", "Markov"},
};

static const struct words VI = {
    "Phân bổ chuyển đổi",
    "Chuyển đổi: %llu (%s), %llu có điểm chạm; doanh thu %.2f\n",
    "thương vụ thắng",
    "tháng đầu có doanh thu định kỳ",
    "vào giai đoạn %s",
    "lần đầu %s",
    "Ghi nhận theo %s; %s; chu kỳ bán rã suy giảm theo thời gian %.4g ngày\n",
    "nhìn lại %.4g ngày",
    "không giới hạn thời gian nhìn lại",
    "Chuyển đổi được ghi nhận theo mô hình",
    "Doanh thu được ghi nhận theo mô hình",
    "lượt chạm",
    "có chuyển đổi",
    "chuyển đổi",
    "tỷ trọng",
    "doanh thu",
    "loại bỏ",
    "Chuỗi Markov: %llu đường đi, %llu chuyển đổi, P(chuyển đổi) %s\n",
    "Mô hình",
    "Các chuyển đổi của '%s' (liệt kê %zu)",
    "ngày",
    "tài khoản",
    "thương vụ",
    "giá trị",
    {"điểm chạm", "kênh", "nguồn", "chiến dịch"},
    {"chạm đầu", "tạo lead", "tạo CH", "chạm cuối", "tuyến tính", "chữ U", "chữ W", "toàn bộ",
     "suy giảm", "Markov"},
};

struct attr_cmd {
    struct jm_attribution_opts o;
    const char *exclude[INSIGHT_MAX_EXCLUDE];
    bool one;                 /* --model given */
    enum jm_attr_model model; /* its model */
    const char *drill;
    size_t limit;
};

/* ---------------------------------------------------------------- text */

/* Rows by the shown model's credit (linear for all), most first; the no-touch row last. */
static const struct jm_attribution *sort_attr;
static enum jm_attr_model sort_model;

static int by_credit(const void *pa, const void *pb)
{
    const struct jm_attribution_row *a = &sort_attr->rows[*(const size_t *)pa],
                                    *b = &sort_attr->rows[*(const size_t *)pb];
    bool na = strcmp(a->key, JM_INSIGHT_NO_TOUCH) == 0,
         nb = strcmp(b->key, JM_INSIGHT_NO_TOUCH) == 0;
    if (na != nb)
        return na ? 1 : -1;
    double x = a->conversions[sort_model], y = b->conversions[sort_model];
    return x > y ? -1 : x < y ? 1 : strcmp(a->key, b->key);
}

static jm_status row_order(const struct jm_attribution *at, enum jm_attr_model m, size_t **out)
{
    size_t *order = jm_malloc((at->n_rows + 1) * sizeof *order);
    if (!order)
        return JM_ENOMEM;
    for (size_t i = 0; i < at->n_rows; i++)
        order[i] = i;
    sort_attr = at; /* the CLI is single-threaded */
    sort_model = m;
    qsort(order, at->n_rows, sizeof *order, by_credit);
    *out = order;
    return JM_OK;
}

static void summary(struct jm_strbuf *out, const struct jm_attribution *at, const struct words *w)
{
    char kind[200], window[120], p[32] = "-";
    const struct jm_attribution_opts *o = &at->opts;
    if (o->conversion == JM_CONVERT_STAGE || o->conversion == JM_CONVERT_TOUCHPOINT)
        snprintf(kind, sizeof kind, o->conversion == JM_CONVERT_STAGE ? w->stage : w->touchpoint,
                 o->target);
    else
        snprintf(kind, sizeof kind, "%s",
                 o->conversion == JM_CONVERT_WON ? w->won : w->revenue_kind);
    if (o->lookback_days > 0)
        snprintf(window, sizeof window, w->lookback, o->lookback_days);
    else
        snprintf(window, sizeof window, "%s", w->no_lookback);
    jm_strbuf_addch(out, '\n');
    jm_strbuf_addf(out, w->summary, (unsigned long long)at->conversions, kind,
                   (unsigned long long)at->with_touches, at->revenue);
    jm_strbuf_addf(out, w->settings, w->dims[o->by], window, o->half_life_days);
    if (isfinite(at->markov_p))
        snprintf(p, sizeof p, "%.4f", jm_round4(at->markov_p));
    jm_strbuf_addf(out, w->markov, (unsigned long long)at->paths,
                   (unsigned long long)at->converting_paths, p);
}

/* All models side by side: conversions (money false) or revenue (true), and a total row. */
static void all_models(struct jm_strbuf *out, const struct jm_attribution *at, const size_t *order,
                       const struct words *w, enum jm_lang lang, bool money)
{
    struct itable t;
    itable_init(&t);
    itable_col(&t, w->dims[at->opts.by], false);
    itable_col(&t, w->touches, true);
    for (size_t m = 0; m < JM_ATTR__COUNT; m++)
        itable_col(&t, w->short_model[m], true);
    double total[JM_ATTR__COUNT] = {0};
    for (size_t i = 0; i < at->n_rows; i++) {
        const struct jm_attribution_row *row = &at->rows[order[i]];
        itable_text(&t, row->key, 32);
        itable_count(&t, row->touches);
        for (size_t m = 0; m < JM_ATTR__COUNT; m++) {
            double x = money ? row->revenue[m] : row->conversions[m];
            itable_num(&t, x, money ? 0 : 2);
            total[m] += x;
        }
    }
    itable_text(&t, insight_words(lang)->total, 0);
    itable_text(&t, "", 0);
    for (size_t m = 0; m < JM_ATTR__COUNT; m++)
        itable_num(&t, total[m], money ? 0 : 2);
    itable_finish(&t, out, money ? w->rev_head : w->conv_head);
}

/* One model: credit, share of all conversions, a bar, revenue, and Markov's removal effect. */
static void one_model(struct jm_strbuf *out, const struct jm_attribution *at, const size_t *order,
                      const struct words *w, enum jm_attr_model m, enum jm_lang lang)
{
    struct itable t;
    double max = 0;
    for (size_t i = 0; i < at->n_rows; i++)
        max = at->rows[i].conversions[m] > max ? at->rows[i].conversions[m] : max;
    itable_init(&t);
    itable_col(&t, w->dims[at->opts.by], false);
    itable_col(&t, w->touches, true);
    itable_col(&t, w->converting, true);
    itable_col(&t, w->conversions, true);
    itable_col(&t, w->share, true);
    itable_col(&t, "", false);
    itable_col(&t, w->revenue, true);
    if (m == JM_ATTR_MARKOV)
        itable_col(&t, w->removal, true);
    for (size_t i = 0; i < at->n_rows; i++) {
        const struct jm_attribution_row *row = &at->rows[order[i]];
        itable_text(&t, row->key, 32);
        itable_count(&t, row->touches);
        itable_count(&t, row->converting);
        itable_num(&t, row->conversions[m], 2);
        itable_share_bar(&t, at->conversions ? row->conversions[m] / (double)at->conversions : NAN,
                         row->conversions[m], max);
        itable_num(&t, row->revenue[m], 2);
        if (m == JM_ATTR_MARKOV)
            itable_num(&t, row->removal_effect, 4);
    }
    itable_finish(&t, out, jm_attr_model_name(m, lang));
}

static void legend(struct jm_strbuf *out, const struct words *w, enum jm_lang lang)
{
    jm_strbuf_addf(out, "\n%s:\n", w->models);
    for (size_t m = 0; m < JM_ATTR__COUNT; m++)
        jm_strbuf_addf(out, "  %-10s %s\n", w->short_model[m],
                       jm_attr_model_name((enum jm_attr_model)m, lang));
}

static jm_status text(const struct jm_report *r, const struct jm_attribution *at,
                      const struct attr_cmd *x, enum jm_lang lang, struct jm_strbuf *out)
{
    const struct words *w = lang == JM_LANG_VI ? &VI : &EN;
    size_t *order = NULL;
    jm_status rc = row_order(at, x->one ? x->model : JM_ATTR_LINEAR, &order);
    if (rc)
        return rc;
    insight_header(out, r, lang, w->title);
    summary(out, at, w);
    if (x->one) {
        one_model(out, at, order, w, x->model, lang);
    } else {
        all_models(out, at, order, w, lang, false);
        all_models(out, at, order, w, lang, true);
        legend(out, w, lang);
    }
    jm_free(order);
    return JM_OK;
}

/* ---------------------------------------------------------------- drill-down */

/* One conversion behind a row, with the shares it gave the row. */
struct drilled {
    size_t conv;
    const double *share;
};

static const struct jm_attribution *drill_attr;

/* The largest linear share first, then by time (the order of jm_attribution_drill_json). */
static int by_share(const void *pa, const void *pb)
{
    const struct drilled *a = pa, *b = pb;
    double x = a->share[JM_ATTR_LINEAR], y = b->share[JM_ATTR_LINEAR];
    int64_t s = drill_attr->conv[a->conv].time, t = drill_attr->conv[b->conv].time;
    if (x != y)
        return x > y ? -1 : 1;
    return s < t ? -1 : s > t ? 1 : (a->conv > b->conv) - (a->conv < b->conv);
}

/* The conversions that gave row `row` a credit, in order, at most `limit` (0: all). */
static jm_status drilled_of(const struct jm_attribution *at, size_t row, size_t limit,
                            struct drilled **out, size_t *n)
{
    struct drilled *d = jm_malloc((at->n_conv + 1) * sizeof *d);
    if (!d)
        return JM_ENOMEM;
    *n = 0;
    for (size_t i = 0; i < at->n_conv; i++)
        for (uint32_t c = at->conv[i].credit_start; c < at->conv[i].credit_end; c++)
            if (at->credits[c].row == row)
                d[(*n)++] = (struct drilled){i, at->credits[c].share};
    drill_attr = at;
    qsort(d, *n, sizeof *d, by_share);
    *n = limit && *n > limit ? limit : *n;
    *out = d;
    return JM_OK;
}

/* The models a drill-down shows: --model's, else every model but Markov (not per path). */
static size_t drill_models(const struct attr_cmd *x, enum jm_attr_model *m)
{
    if (x->one && x->model != JM_ATTR_MARKOV) {
        m[0] = x->model;
        return 1;
    }
    for (size_t i = 0; i < JM_ATTR_MARKOV; i++)
        m[i] = (enum jm_attr_model)i;
    return JM_ATTR_MARKOV;
}

static void drill_text(struct jm_strbuf *out, const struct jm_report *r,
                       const struct jm_attribution *at, const struct drilled *d, size_t n,
                       const struct attr_cmd *x, enum jm_lang lang)
{
    const struct words *w = lang == JM_LANG_VI ? &VI : &EN;
    enum jm_attr_model m[JM_ATTR__COUNT];
    size_t nm = drill_models(x, m);
    struct itable t;
    itable_init(&t);
    const char *cols[] = {w->date, w->account, "", w->deal, w->value, w->touches};
    itable_cols(&t, "llllrr", cols);
    for (size_t i = 0; i < nm; i++)
        itable_col(&t, w->short_model[m[i]], true);
    for (size_t i = 0; i < n; i++) {
        const struct jm_conversion *cv = &at->conv[d[i].conv];
        char day[40];
        jm_time_format(cv->time, true, day, sizeof day);
        itable_text(&t, day, 0);
        itable_text(&t, insight_field(r, JM_ENT_ACCOUNT, cv->account, "id"), 24);
        itable_text(&t, insight_field(r, JM_ENT_ACCOUNT, cv->account, "name"), 28);
        itable_text(&t, insight_field(r, JM_ENT_DEAL, cv->deal, "id"), 20);
        itable_num(&t, cv->value, 2);
        itable_count(&t, cv->n_touches);
        for (size_t k = 0; k < nm; k++)
            itable_pct(&t, d[i].share[m[k]]);
    }
    insight_header(out, r, lang, w->title);
    insight_headingf(out, w->drill_head, x->drill, n);
    itable_finish(&t, out, NULL);
}

static void drill_csv(struct jm_strbuf *out, const struct jm_report *r,
                      const struct jm_attribution *at, const struct drilled *d, size_t n,
                      const struct attr_cmd *x)
{
    struct icsv c = {out, JM_OK};
    enum jm_attr_model m[JM_ATTR__COUNT];
    size_t nm = drill_models(x, m);
    icsv_line(&c, "account,account_name,deal,date,value,touches");
    for (size_t i = 0; i < nm; i++)
        icsv_linef(&c, ",%s_share", jm_attr_model_key(m[i]));
    icsv_line(&c, "\n");
    for (size_t i = 0; i < n; i++) {
        const struct jm_conversion *cv = &at->conv[d[i].conv];
        char day[40];
        jm_time_format(cv->time, true, day, sizeof day);
        icsv_text(&c, insight_field(r, JM_ENT_ACCOUNT, cv->account, "id"), false);
        icsv_text(&c, insight_field(r, JM_ENT_ACCOUNT, cv->account, "name"), false);
        icsv_text(&c, insight_field(r, JM_ENT_DEAL, cv->deal, "id"), false);
        icsv_text(&c, day, false);
        icsv_num(&c, cv->value, 2, false);
        icsv_count(&c, cv->n_touches, false);
        for (size_t k = 0; k < nm; k++)
            icsv_num(&c, d[i].share[m[k]], 4, k + 1 == nm);
    }
}

static jm_status drill(const struct jm_report *r, const struct jm_attribution *at,
                       const struct insight_args *a, const struct attr_cmd *x,
                       struct jm_strbuf *out, struct jm_error *err)
{
    ptrdiff_t row = jm_attribution_row(at, x->drill);
    if (row < 0)
        return jm_error_set(err, JM_ENOTFOUND,
                            "no row '%s' in the attribution by %s (the keys are the first "
                            "column of the table without --drill)",
                            x->drill, jm_insight_dim_key(at->opts.by));
    if (a->format == INSIGHT_JSON)
        return jm_attribution_drill_json(r, at, row, x->limit, a->lang, out);
    struct drilled *d = NULL;
    size_t n = 0;
    jm_status rc = drilled_of(at, (size_t)row, x->limit, &d, &n);
    if (!rc && a->format == INSIGHT_CSV)
        drill_csv(out, r, at, d, n, x);
    else if (!rc)
        drill_text(out, r, at, d, n, x, a->lang);
    jm_free(d);
    return rc;
}

/* ---------------------------------------------------------------- CSV and the command */

static void csv(struct jm_strbuf *out, const struct jm_attribution *at)
{
    struct icsv c = {out, JM_OK};
    icsv_line(&c, "key,touches");
    for (size_t m = 0; m < JM_ATTR__COUNT; m++)
        icsv_linef(&c, ",%s_conversions", jm_attr_model_key((enum jm_attr_model)m));
    for (size_t m = 0; m < JM_ATTR__COUNT; m++)
        icsv_linef(&c, ",%s_revenue", jm_attr_model_key((enum jm_attr_model)m));
    icsv_line(&c, "\n");
    for (size_t i = 0; i < at->n_rows; i++) {
        const struct jm_attribution_row *row = &at->rows[i];
        icsv_text(&c, row->key, false);
        icsv_count(&c, row->touches, false);
        icsv_nums(&c, row->conversions, JM_ATTR__COUNT, 4, false);
        icsv_nums(&c, row->revenue, JM_ATTR__COUNT, 2, true);
    }
}

static jm_status emit(const struct jm_report *r, const struct insight_args *a, void *ctx,
                      struct jm_strbuf *out, struct jm_error *err)
{
    const struct attr_cmd *x = ctx;
    struct jm_attribution *at = NULL;
    jm_status rc = jm_attribution_compute(r, &x->o, &at, err);
    if (rc)
        return rc;
    if (x->drill)
        rc = drill(r, at, a, x, out, err);
    else if (a->format == INSIGHT_JSON)
        rc = jm_attribution_json(r, at, a->lang, out);
    else if (a->format == INSIGHT_CSV)
        csv(out, at);
    else
        rc = text(r, at, x, a->lang, out);
    jm_attribution_free(at);
    return rc;
}

/* Takes one of attribution's own options; IOPT_CONTINUE or the exit code. */
static int own_option(struct insight_args *a, void *ctx, int c, char **argv)
{
    struct attr_cmd *x = ctx;
    switch (c) {
    case 'c':
        if (!jm_conversion_parse(optarg, &x->o.conversion, &x->o.target))
            return cli_usage_error(a->cmd,
                                   "--conversion must be won, revenue, stage:KEY or "
                                   "touchpoint:KEY, not '%s'",
                                   optarg);
        break;
    case 'b':
        if (!jm_insight_dim_parse(optarg, &x->o.by))
            return cli_usage_error(
                a->cmd, "--by must be touchpoint, channel, source or campaign, not '%s'", optarg);
        break;
    case 'w':
        if (!insight_double(a, "--lookback", optarg, 0, 36500, &x->o.lookback_days))
            return JM_EXIT_USAGE;
        break;
    case 'H':
        if (!insight_double(a, "--half-life", optarg, 0.001, 36500, &x->o.half_life_days))
            return JM_EXIT_USAGE;
        break;
    case 'L':
        x->o.lead_stage = optarg;
        break;
    case 'O':
        x->o.opportunity_stage = optarg;
        break;
    case 'x':
        return insight_exclude(a, optarg, x->exclude, &x->o.exclude, &x->o.n_exclude);
    case 'm':
        x->one = jm_attr_model_parse(optarg, &x->model);
        if (!x->one)
            return cli_usage_error(a->cmd,
                                   "--model must be one of first_touch, lead_creation, "
                                   "opportunity_creation, last_touch, linear, u_shaped, "
                                   "w_shaped, full_path, time_decay or markov, not '%s'",
                                   optarg);
        break;
    case 'D':
        x->drill = optarg;
        break;
    case 'n':
        return insight_size(a, "--limit", optarg, 1, 1000000, &x->limit);
    default:
        return insight_option(a, c, argv);
    }
    return IOPT_CONTINUE;
}

int cmd_attribution(int argc, char **argv)
{
    static const struct option lo[] = {{"conversion", required_argument, NULL, 'c'},
                                       {"by", required_argument, NULL, 'b'},
                                       {"lookback", required_argument, NULL, 'w'},
                                       {"half-life", required_argument, NULL, 'H'},
                                       {"lead-stage", required_argument, NULL, 'L'},
                                       {"opportunity-stage", required_argument, NULL, 'O'},
                                       {"exclude", required_argument, NULL, 'x'},
                                       {"model", required_argument, NULL, 'm'},
                                       {"drill", required_argument, NULL, 'D'},
                                       {"limit", required_argument, NULL, 'n'},
                                       INSIGHT_COMMON_OPTIONS,
                                       {NULL, 0, NULL, 0}};
    struct insight_args a = {.cmd = "attribution", .help = attribution_help, .options = lo};
    struct attr_cmd x = {0};
    jm_attribution_defaults(&x.o);
    int code = insight_parse(&a, own_option, &x, argc, argv);
    if (code != IOPT_CONTINUE)
        return code;
    code = insight_accounts_only(&a);
    if (!code && x.limit && !x.drill)
        code = cli_usage_error(a.cmd, "--limit goes with --drill KEY");
    return code ? code : insight_run(&a, emit, &x);
}
