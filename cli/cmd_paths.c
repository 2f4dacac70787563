/*
 * journeymap paths: which way they came. The most common touchpoint sequences between two
 * anchors (stages or touchpoints), after a drop-off, or behind each flow of the map's Sankey
 * (--flows); with path length and the days between steps (jm_paths_compute, jm_paths_flows).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "insight_text.h"

static const char paths_help[] =
    "usage: journeymap paths (--template NAME | --journey FILE) [options]\n"
    "\n"
    "Lists the most common paths -- the sequences of touches (touchpoints, channels, sources or\n"
    "campaigns) -- from one point of the journey to another, with how many reached the goal\n"
    "and how long it took; then path lengths and the days between steps.\n"
    "\n"
    "  --from A          where paths start: stage:KEY (first entry into the stage) or\n"
    "                    touchpoint:KEY (its first event); default: the first touch\n"
    "  --to A            where they end, likewise; default: the last touch in the period\n"
    "  --after-drop KEY  instead: what units that dropped out of stage KEY did afterwards\n"
    "  --step D          a step is a touchpoint (default), channel, source or campaign\n"
    "  --no-collapse     keep repeats of a step (default: consecutive equal steps are one)\n"
    "  --max-steps N     longer paths keep their first N-1 steps and their last (default 8)\n"
    "  --limit N         paths listed, most common first (default 20)\n"
    "  --exclude TP,TP   touchpoints never taken as steps\n"
    "  --flows           the paths behind each flow of the map's Sankey (stage to stage)\n"
    "  --level L         account or contact (default: the definition's)\n" INSIGHT_COMMON_HELP "\n"
    "CSV: rank,path,units,share,converted,median_days (steps joined by \" > \"); with --flows\n"
    "from,to,moves first.\n";

#pragma GCC diagnostic ignored "-Wformat-nonliteral" /* phrases chosen by language */

struct words {
    const char *title, *first_touch, *last_touch, *stage, *touchpoint, *between, *after_drop,
        *lengths, *common, *path, *share, *converted, *median_d, *p90_d, *length_head, *steps,
        *gaps_head, *step, *flows_head, *flow;
};

static const struct words EN = {
    "Paths",
    "first touch",
    "last touch",
    "stage %s",
    "touchpoint %s",
    "%s → %s: %llu %s with a path, %llu distinct paths\n",
    "After dropping out at %s: %llu %s with a path, %llu distinct paths\n",
    "Steps per path: mean %.2f, median %.2f, p90 %.2f; days between steps: median %.2f, "
    "p90 %.2f\n",
    "Most common paths",
    "path",
    "share",
    "reached goal",
    "median d",
    "p90 d",
    "Path length",
    "steps",
    "Days between steps",
    "step",
    "Flows between stages (paths by touchpoint)",
    "%s → %s: %llu moves, %llu with a path, %llu distinct paths\n",
};

static const struct words VI = {
    "Đường đi",
    "điểm chạm đầu tiên",
    "điểm chạm cuối cùng",
    "giai đoạn %s",
    "điểm chạm %s",
    "%s → %s: %llu %s có đường đi, %llu đường đi khác nhau\n",
    "Sau khi rời bỏ ở %s: %llu %s có đường đi, %llu đường đi khác nhau\n",
    "Số bước mỗi đường đi: trung bình %.2f, trung vị %.2f, p90 %.2f; số ngày giữa các bước: "
    "trung vị %.2f, p90 %.2f\n",
    "Các đường đi phổ biến nhất",
    "đường đi",
    "tỷ trọng",
    "đạt mục tiêu",
    "trung vị ngày",
    "p90 ngày",
    "Độ dài đường đi",
    "số bước",
    "Số ngày giữa các bước",
    "bước",
    "Các dòng chuyển giữa giai đoạn (đường đi theo điểm chạm)",
    "%s → %s: %llu lượt chuyển, %llu có đường đi, %llu đường đi khác nhau\n",
};

struct paths_cmd {
    struct jm_paths_opts o;
    const char *exclude[INSIGHT_MAX_EXCLUDE];
    bool flows;
    bool from_to; /* --from or --to given */
};

/* ---------------------------------------------------------------- text */

/* A step as people read it: a touchpoint by its name in the journey, anything else as is. */
static const char *step_label(const struct jm_report *r, enum jm_insight_dim d, const char *s,
                              enum jm_lang lang)
{
    const struct jm_touchpoint_def *tp =
        d == JM_DIM_TOUCHPOINT ? jm_journey_touchpoint(r->tl->journey, s) : NULL;
    return tp ? jm_text_get(&tp->name, lang) : s;
}

/* The path's steps joined by `sep` into `sb` (reset first). */
static void join(struct jm_strbuf *sb, const struct jm_report *r, const struct jm_paths *p,
                 const struct jm_path *path, const char *sep, enum jm_lang *lang)
{
    jm_strbuf_reset(sb);
    for (size_t s = 0; s < path->n_steps; s++) {
        if (s)
            jm_strbuf_addstr(sb, sep);
        jm_strbuf_addstr(sb, lang ? step_label(r, p->opts.step, path->steps[s], *lang)
                                  : path->steps[s]);
    }
}

/* An anchor in words; a stage by its name in `lang`. */
static void anchor(char *buf, size_t cap, const struct jm_report *r, enum jm_lang lang,
                   enum jm_path_anchor k, const char *key, bool from)
{
    const struct words *w = lang == JM_LANG_VI ? &VI : &EN;
    int s = k == JM_ANCHOR_STAGE ? jm_journey_stage(r->tl->journey, key) : -1;
    if (k == JM_ANCHOR_ANY)
        snprintf(buf, cap, "%s", from ? w->first_touch : w->last_touch);
    else if (s >= 0)
        snprintf(buf, cap, "%s", insight_stage_name(r, (size_t)s, lang));
    else
        snprintf(buf, cap, k == JM_ANCHOR_STAGE ? w->stage : w->touchpoint, key);
}

static void path_table(struct jm_strbuf *out, const struct jm_report *r, const struct jm_paths *p,
                       const struct words *w, enum jm_lang lang)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct itable t;
    itable_init(&t);
    const char *cols[] = {"#",          w->path,    insight_units(r, lang), w->share, "",
                          w->converted, w->median_d};
    itable_cols(&t, "rlrrlrr", cols);
    for (size_t i = 0; i < p->n_paths; i++) {
        const struct jm_path *path = &p->paths[i];
        join(&sb, r, p, path, " → ", &lang);
        itable_count(&t, i + 1);
        itable_text(&t, sb.buf, 90);
        itable_count(&t, path->units);
        itable_share_bar(&t, path->share, path->share, p->n_paths ? p->paths[0].share : 0);
        itable_count(&t, path->converted);
        itable_num(&t, path->days.median, 2);
    }
    if (sb.failed)
        t.rc = JM_ENOMEM;
    itable_finish(&t, out, NULL);
    jm_strbuf_release(&sb);
}

static void lengths(struct jm_strbuf *out, const struct jm_report *r, const struct jm_paths *p,
                    const struct words *w, enum jm_lang lang)
{
    struct itable t;
    uint64_t max = 0;
    for (size_t k = 0; k <= p->opts.max_steps; k++)
        max = p->length_hist[k] > max ? p->length_hist[k] : max;
    itable_init(&t);
    itable_col(&t, w->steps, true);
    itable_col(&t, insight_units(r, lang), true);
    itable_col(&t, "", false);
    for (size_t k = 0; k <= p->opts.max_steps; k++) {
        char label[32];
        snprintf(label, sizeof label, k == p->opts.max_steps ? "≥ %zu" : "%zu", k);
        itable_text(&t, label, 0);
        itable_count(&t, p->length_hist[k]);
        itable_bar(&t, (double)p->length_hist[k], (double)max);
    }
    itable_finish(&t, out, w->length_head);
    if (!p->n_gaps)
        return;
    itable_init(&t);
    const char *cols[] = {w->step, "n", w->median_d, w->p90_d};
    itable_cols(&t, "lrrr", cols);
    for (size_t g = 0; g < p->n_gaps; g++) {
        char label[32];
        snprintf(label, sizeof label, "%zu → %zu", p->gaps[g].from_step + 1,
                 p->gaps[g].from_step + 2);
        itable_text(&t, label, 0);
        itable_count(&t, p->gaps[g].days.count);
        itable_num(&t, p->gaps[g].days.median, 2);
        itable_num(&t, p->gaps[g].days.p90, 2);
    }
    itable_finish(&t, out, w->gaps_head);
}

static void paths_text(struct jm_strbuf *out, const struct jm_report *r, const struct jm_paths *p,
                       enum jm_lang lang)
{
    const struct words *w = lang == JM_LANG_VI ? &VI : &EN;
    const char *units = insight_units(r, lang);
    char from[200], to[200];
    anchor(from, sizeof from, r, lang, p->opts.from_kind, p->opts.from, true);
    anchor(to, sizeof to, r, lang, p->opts.to_kind, p->opts.to, false);
    insight_header(out, r, lang, w->title);
    jm_strbuf_addch(out, '\n');
    if (p->opts.mode == JM_PATHS_AFTER_DROP)
        jm_strbuf_addf(out, w->after_drop, from, (unsigned long long)p->units, units,
                       (unsigned long long)p->distinct);
    else
        jm_strbuf_addf(out, w->between, from, to, (unsigned long long)p->units, units,
                       (unsigned long long)p->distinct);
    jm_strbuf_addf(out, w->lengths, p->length.mean, p->length.median, p->length.p90,
                   p->gap_days.median, p->gap_days.p90);
    insight_heading(out, w->common);
    path_table(out, r, p, w, lang);
    lengths(out, r, p, w, lang);
}

static void flows_text(struct jm_strbuf *out, const struct jm_report *r, const struct jm_flows *f,
                       enum jm_lang lang)
{
    const struct words *w = lang == JM_LANG_VI ? &VI : &EN;
    insight_header(out, r, lang, w->title);
    insight_heading(out, w->flows_head);
    for (size_t i = 0; i < f->n; i++) {
        const struct jm_flow_paths *fp = &f->flows[i];
        jm_strbuf_addch(out, '\n');
        jm_strbuf_addf(out, w->flow, insight_stage_name(r, fp->from, lang),
                       insight_stage_name(r, fp->to, lang), (unsigned long long)fp->moves,
                       (unsigned long long)fp->paths->units,
                       (unsigned long long)fp->paths->distinct);
        path_table(out, r, fp->paths, w, lang);
    }
}

/* ---------------------------------------------------------------- CSV */

/* The rows of one path list; `prefix` (the flow's columns, with its comma) starts each. */
static void paths_csv(struct icsv *c, const struct jm_paths *p, const char *prefix)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    for (size_t i = 0; i < p->n_paths; i++) {
        const struct jm_path *path = &p->paths[i];
        join(&sb, NULL, p, path, " > ", NULL);
        icsv_line(c, prefix);
        icsv_count(c, i + 1, false);
        icsv_text(c, sb.buf, false);
        icsv_count(c, path->units, false);
        icsv_num(c, path->share, 4, false);
        icsv_count(c, path->converted, false);
        icsv_num(c, path->days.median, 4, true);
    }
    if (sb.failed && !c->rc)
        c->rc = JM_ENOMEM;
    jm_strbuf_release(&sb);
}

static jm_status flows_csv(struct jm_strbuf *out, const struct jm_report *r,
                           const struct jm_flows *f)
{
    struct icsv c = {out, JM_OK};
    struct jm_strbuf prefix = JM_STRBUF_INIT;
    icsv_line(&c, "from,to,moves,rank,path,units,share,converted,median_days\n");
    for (size_t i = 0; i < f->n; i++) {
        const struct jm_flow_paths *fp = &f->flows[i];
        jm_strbuf_reset(&prefix);
        jm_strbuf_addf(&prefix, "%s,%s,%llu,", r->tl->journey->stages[fp->from].key,
                       r->tl->journey->stages[fp->to].key, (unsigned long long)fp->moves);
        paths_csv(&c, fp->paths, prefix.buf);
    }
    jm_status rc = prefix.failed ? JM_ENOMEM : c.rc;
    jm_strbuf_release(&prefix);
    return rc;
}

/* ---------------------------------------------------------------- the command */

static jm_status emit_flows(const struct jm_report *r, const struct insight_args *a,
                            const struct paths_cmd *x, struct jm_strbuf *out, struct jm_error *err)
{
    struct jm_flows *f = NULL;
    jm_status rc = jm_paths_flows(r, x->o.limit, &f, err);
    if (rc)
        return rc;
    if (a->format == INSIGHT_JSON)
        rc = jm_flows_json(r, f, a->lang, out);
    else if (a->format == INSIGHT_CSV)
        rc = flows_csv(out, r, f);
    else
        flows_text(out, r, f, a->lang);
    jm_flows_free(f);
    return rc;
}

static jm_status emit(const struct jm_report *r, const struct insight_args *a, void *ctx,
                      struct jm_strbuf *out, struct jm_error *err)
{
    const struct paths_cmd *x = ctx;
    if (x->flows)
        return emit_flows(r, a, x, out, err);
    struct jm_paths *p = NULL;
    jm_status rc = jm_paths_compute(r, &x->o, &p, err);
    if (rc)
        return rc;
    struct icsv c = {out, JM_OK};
    if (a->format == INSIGHT_JSON) {
        rc = jm_paths_json(r, p, a->lang, out);
    } else if (a->format == INSIGHT_CSV) {
        icsv_line(&c, "rank,path,units,share,converted,median_days\n");
        paths_csv(&c, p, "");
        rc = c.rc;
    } else {
        paths_text(out, r, p, a->lang);
    }
    jm_paths_free(p);
    return rc;
}

/* --from / --to: stage:KEY or touchpoint:KEY. */
static int anchor_arg(struct insight_args *a, const char *opt, const char *s,
                      enum jm_path_anchor *kind, const char **key)
{
    if (!jm_path_anchor_parse(s, kind, key))
        return cli_usage_error(a->cmd, "%s must be stage:KEY or touchpoint:KEY, not '%s'", opt, s);
    return IOPT_CONTINUE;
}

static int own_option(struct insight_args *a, void *ctx, int c, char **argv)
{
    struct paths_cmd *x = ctx;
    switch (c) {
    case 'f':
        x->from_to = true;
        return anchor_arg(a, "--from", optarg, &x->o.from_kind, &x->o.from);
    case 't':
        x->from_to = true;
        return anchor_arg(a, "--to", optarg, &x->o.to_kind, &x->o.to);
    case 'A':
        x->o.mode = JM_PATHS_AFTER_DROP;
        x->o.from_kind = JM_ANCHOR_STAGE;
        x->o.from = optarg;
        break;
    case 's':
        if (!jm_insight_dim_parse(optarg, &x->o.step))
            return cli_usage_error(a->cmd,
                                   "--step must be touchpoint, channel, source or campaign, "
                                   "not '%s'",
                                   optarg);
        break;
    case 'C':
        x->o.collapse = false;
        break;
    case 'M':
        return insight_size(a, "--max-steps", optarg, 2, 100, &x->o.max_steps);
    case 'n':
        return insight_size(a, "--limit", optarg, 1, 100000, &x->o.limit);
    case 'x':
        return insight_exclude(a, optarg, x->exclude, &x->o.exclude, &x->o.n_exclude);
    case 'F':
        x->flows = true;
        break;
    default:
        return insight_option(a, c, argv);
    }
    return IOPT_CONTINUE;
}

/* Options that cannot go together; 0 or the usage error. */
static int conflicts(struct insight_args *a, const struct paths_cmd *x)
{
    if (x->o.mode == JM_PATHS_AFTER_DROP && x->from_to)
        return cli_usage_error(a->cmd, "give --after-drop or --from/--to, not both");
    if (x->flows && (x->from_to || x->o.mode == JM_PATHS_AFTER_DROP))
        return cli_usage_error(a->cmd, "--flows takes the map's flows: leave out "
                                       "--from, --to and --after-drop");
    return JM_EXIT_OK;
}

int cmd_paths(int argc, char **argv)
{
    static const struct option lo[] = {{"from", required_argument, NULL, 'f'},
                                       {"to", required_argument, NULL, 't'},
                                       {"after-drop", required_argument, NULL, 'A'},
                                       {"step", required_argument, NULL, 's'},
                                       {"no-collapse", no_argument, NULL, 'C'},
                                       {"max-steps", required_argument, NULL, 'M'},
                                       {"limit", required_argument, NULL, 'n'},
                                       {"exclude", required_argument, NULL, 'x'},
                                       {"flows", no_argument, NULL, 'F'},
                                       INSIGHT_COMMON_OPTIONS,
                                       {NULL, 0, NULL, 0}};
    struct insight_args a = {.cmd = "paths", .help = paths_help, .options = lo};
    struct paths_cmd x = {0};
    jm_paths_defaults(&x.o);
    int code = insight_parse(&a, own_option, &x, argc, argv);
    if (code != IOPT_CONTINUE)
        return code;
    code = conflicts(&a, &x);
    return code ? code : insight_run(&a, emit, &x);
}
