/*
 * The insights over HTTP (docs/api.md "Insights", docs/insights.md): attribution and its
 * drill-down, paths and the Sankey's flows, retention, voice of the customer and the four
 * questions -- what `journeymap attribution|paths|retention|voice|questions --format json`
 * print, computed on the engine's analysed snapshot for the request's journey arguments.
 *
 * Query arguments are named like the CLI's options (half_life for --half-life) and read with
 * the same rules; a bad one is a 400 naming it, read before any work is done. Nothing is
 * cached yet: every answer computes its insight on the snapshot's report (NEEDSWORK: cache
 * per snapshot like the map once the insights' costs are measured on large workspaces).
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "journeymap/insights.h"
#include "server/engine.h"

#define MAX_KEYS 64 /* exclude= keys, sla= targets */

/* The options of any insight, read from the query. */
struct insight_q {
    struct jm_attribution_opts attr;
    const char *exclude[MAX_KEYS];
    const char *drill; /* attribution/conversions: key= */
    long limit;        /* drill-down and flows */
    struct jm_paths_opts paths;
    struct jm_retention_opts ret;
    struct jm_voice_opts voice;
    struct jm_questions_opts questions;
};

/* ---------------------------------------------------------------- arguments */

static const char *arg(struct srv_request *req, const char *name)
{
    const char *s = srv_query(req, name);
    return s && *s ? s : NULL;
}

/* ?name= as a number in [min, max], left as it is when absent; false with a 400. */
static bool number_arg(struct srv_request *req, struct srv_response *res, const char *name,
                       double min, double max, double *out)
{
    const char *s = arg(req, name);
    if (!s)
        return true;
    char *end;
    double v = strtod(s, &end);
    if (*end || !isfinite(v) || v < min || v > max) {
        srv_error(res, 400, "bad_argument", "%s must be a number from %g to %g, not '%s'", name,
                  min, max, s);
        return false;
    }
    *out = v;
    return true;
}

/* ?name= as a whole number into a size_t, left as it is when absent. */
static bool size_arg(struct srv_request *req, struct srv_response *res, const char *name, long min,
                     long max, size_t *out)
{
    long v;
    if (!srv_int_arg(req, res, name, min, max, (long)*out, &v))
        return false;
    *out = (size_t)v;
    return true;
}

/* ?name=a,b,c split into `keys` (copied into the request's arena). */
static bool list_arg(struct srv_request *req, struct srv_response *res, const char *name,
                     const char **keys, size_t *n)
{
    const char *s = arg(req, name);
    *n = 0;
    char *copy = s ? jm_arena_strdup(req->arena, s) : NULL;
    for (char *p = copy; p && *p;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*p && *n == MAX_KEYS) {
            srv_error(res, 400, "bad_argument", "%s takes at most %d keys", name, MAX_KEYS);
            return false;
        }
        if (*p)
            keys[(*n)++] = p;
        p = comma ? comma + 1 : NULL;
    }
    return true;
}

static bool dim_arg(struct srv_request *req, struct srv_response *res, const char *name,
                    enum jm_insight_dim *d)
{
    const char *s = arg(req, name);
    if (!s || jm_insight_dim_parse(s, d))
        return true;
    srv_error(res, 400, "bad_argument",
              "%s must be touchpoint, channel, source or campaign, not '%s'", name, s);
    return false;
}

/* ---------------------------------------------------------------- each insight's options */

static bool conversion_arg(struct srv_request *req, struct srv_response *res,
                           struct jm_attribution_opts *o)
{
    const char *s = arg(req, "conversion");
    if (!s || jm_conversion_parse(s, &o->conversion, &o->target))
        return true;
    srv_error(res, 400, "bad_argument",
              "conversion must be won, revenue, stage:KEY or touchpoint:KEY, not '%s'", s);
    return false;
}

static bool attribution_args(struct srv_request *req, struct srv_response *res, struct insight_q *q)
{
    struct jm_attribution_opts *o = &q->attr;
    jm_attribution_defaults(o);
    o->lead_stage = arg(req, "lead_stage");
    o->opportunity_stage = arg(req, "opportunity_stage");
    o->exclude = q->exclude;
    return conversion_arg(req, res, o) && dim_arg(req, res, "by", &o->by) &&
           number_arg(req, res, "lookback", 0, 36500, &o->lookback_days) &&
           number_arg(req, res, "half_life", 0.001, 36500, &o->half_life_days) &&
           list_arg(req, res, "exclude", q->exclude, &o->n_exclude);
}

static bool drill_args(struct srv_request *req, struct srv_response *res, struct insight_q *q)
{
    if (!attribution_args(req, res, q) ||
        !srv_int_arg(req, res, "limit", 1, 100000, 1000, &q->limit))
        return false;
    q->drill = arg(req, "key");
    if (!q->drill)
        srv_error(res, 400, "bad_argument",
                  "key is required: the row of the attribution whose conversions to list");
    return q->drill != NULL;
}

static bool anchor_arg(struct srv_request *req, struct srv_response *res, const char *name,
                       enum jm_path_anchor *kind, const char **key)
{
    const char *s = arg(req, name);
    if (!s || jm_path_anchor_parse(s, kind, key))
        return true;
    srv_error(res, 400, "bad_argument", "%s must be stage:KEY or touchpoint:KEY, not '%s'", name,
              s);
    return false;
}

static bool collapse_arg(struct srv_request *req, struct srv_response *res, bool *collapse)
{
    const char *s = arg(req, "collapse");
    if (!s || strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
        *collapse = !s || strcmp(s, "true") == 0;
        return true;
    }
    srv_error(res, 400, "bad_argument", "collapse must be true or false, not '%s'", s);
    return false;
}

static bool paths_args(struct srv_request *req, struct srv_response *res, struct insight_q *q)
{
    struct jm_paths_opts *o = &q->paths;
    jm_paths_defaults(o);
    o->exclude = q->exclude;
    const char *drop = arg(req, "after_drop");
    if (drop && (arg(req, "from") || arg(req, "to"))) {
        srv_error(res, 400, "bad_argument", "after_drop cannot go with from or to");
        return false;
    }
    if (drop) {
        o->mode = JM_PATHS_AFTER_DROP;
        o->from_kind = JM_ANCHOR_STAGE;
        o->from = drop;
    }
    return anchor_arg(req, res, "from", &o->from_kind, &o->from) &&
           anchor_arg(req, res, "to", &o->to_kind, &o->to) && dim_arg(req, res, "step", &o->step) &&
           collapse_arg(req, res, &o->collapse) &&
           size_arg(req, res, "max_steps", 2, 100, &o->max_steps) &&
           size_arg(req, res, "limit", 1, 100000, &o->limit) &&
           list_arg(req, res, "exclude", q->exclude, &o->n_exclude);
}

static bool flows_args(struct srv_request *req, struct srv_response *res, struct insight_q *q)
{
    jm_paths_defaults(&q->paths);
    return srv_int_arg(req, res, "limit", 1, 100000, (long)q->paths.limit, &q->limit);
}

static bool retention_args(struct srv_request *req, struct srv_response *res, struct insight_q *q)
{
    struct jm_retention_opts *o = &q->ret;
    jm_retention_defaults(o);
    if (arg(req, "reason_by"))
        o->reason_by = arg(req, "reason_by");
    return size_arg(req, res, "max_offset", 0, 600, &o->max_offset) &&
           number_arg(req, res, "before_days", 1, 3650, &o->before_days) &&
           number_arg(req, res, "margin", 0, 1, &o->margin);
}

/* sla=urgent=1/8,high=4h/1d: each target read by jm_voice_parse_sla. */
static bool sla_arg(struct srv_request *req, struct srv_response *res, struct insight_q *q)
{
    const char *targets[MAX_KEYS];
    size_t n;
    if (!list_arg(req, res, "sla", targets, &n))
        return false;
    for (size_t i = 0; i < n; i++) {
        struct jm_error err = {0};
        if (!jm_voice_parse_sla(&q->voice, targets[i], &err)) {
            srv_error(res, 400, "bad_argument",
                      "sla must be PRIORITY=FIRST/RESOLUTION (e.g. urgent=1/8), not '%s'%s%s",
                      targets[i], err.msg[0] ? ": " : "", err.msg);
            return false;
        }
    }
    return true;
}

static bool voice_args(struct srv_request *req, struct srv_response *res, struct insight_q *q)
{
    struct jm_voice_opts *o = &q->voice;
    jm_voice_defaults(o);
    if (arg(req, "by"))
        o->by = arg(req, "by");
    return number_arg(req, res, "touch_days", 0, 3650, &o->touch_days) &&
           number_arg(req, res, "after_breach_days", 0, 3650, &o->after_breach_days) &&
           sla_arg(req, res, q);
}

static bool questions_args(struct srv_request *req, struct srv_response *res, struct insight_q *q)
{
    struct jm_questions_opts *o = &q->questions;
    jm_questions_defaults(o);
    o->buy_stage = arg(req, "buy_stage");
    return size_arg(req, res, "limit", 1, 100000, &o->limit) &&
           size_arg(req, res, "repeat_min", 1, 100000, &o->repeat_min);
}

/* ---------------------------------------------------------------- answers */

static jm_status attribution_json(const struct jm_report *r, const struct insight_q *q,
                                  enum jm_lang lang, struct jm_strbuf *sb, struct jm_error *err)
{
    struct jm_attribution *a = NULL;
    jm_status rc = jm_attribution_compute(r, &q->attr, &a, err);
    if (!rc)
        rc = jm_attribution_json(r, a, lang, sb);
    jm_attribution_free(a);
    return rc;
}

static jm_status drill_json(const struct jm_report *r, const struct insight_q *q, enum jm_lang lang,
                            struct jm_strbuf *sb, struct jm_error *err)
{
    struct jm_attribution *a = NULL;
    jm_status rc = jm_attribution_compute(r, &q->attr, &a, err);
    ptrdiff_t row = rc ? -1 : jm_attribution_row(a, q->drill);
    if (!rc && row < 0)
        rc = jm_error_set(err, JM_ENOTFOUND, "no row '%s' in the attribution by %s", q->drill,
                          jm_insight_dim_key(q->attr.by));
    if (!rc)
        rc = jm_attribution_drill_json(r, a, row, (size_t)q->limit, lang, sb);
    jm_attribution_free(a);
    return rc;
}

static jm_status paths_json(const struct jm_report *r, const struct insight_q *q, enum jm_lang lang,
                            struct jm_strbuf *sb, struct jm_error *err)
{
    struct jm_paths *p = NULL;
    jm_status rc = jm_paths_compute(r, &q->paths, &p, err);
    if (!rc)
        rc = jm_paths_json(r, p, lang, sb);
    jm_paths_free(p);
    return rc;
}

static jm_status flows_json(const struct jm_report *r, const struct insight_q *q, enum jm_lang lang,
                            struct jm_strbuf *sb, struct jm_error *err)
{
    struct jm_flows *f = NULL;
    jm_status rc = jm_paths_flows(r, (size_t)q->limit, &f, err);
    if (!rc)
        rc = jm_flows_json(r, f, lang, sb);
    jm_flows_free(f);
    return rc;
}

static jm_status retention_json(const struct jm_report *r, const struct insight_q *q,
                                enum jm_lang lang, struct jm_strbuf *sb, struct jm_error *err)
{
    struct jm_retention *rt = NULL;
    jm_status rc = jm_retention_compute(r, &q->ret, &rt, err);
    if (!rc)
        rc = jm_retention_json(r, rt, lang, sb);
    jm_retention_free(rt);
    return rc;
}

static jm_status voice_json(const struct jm_report *r, const struct insight_q *q, enum jm_lang lang,
                            struct jm_strbuf *sb, struct jm_error *err)
{
    struct jm_voice *v = NULL;
    jm_status rc = jm_voice_compute(r, &q->voice, &v, err);
    if (!rc)
        rc = jm_voice_json(r, v, lang, sb);
    jm_voice_free(v);
    return rc;
}

static jm_status questions_json(const struct jm_report *r, const struct insight_q *q,
                                enum jm_lang lang, struct jm_strbuf *sb, struct jm_error *err)
{
    struct jm_questions *x = NULL;
    jm_status rc = jm_questions_compute(r, &q->questions, &x, err);
    if (!rc)
        rc = jm_questions_json(r, x, lang, sb);
    jm_questions_free(x);
    return rc;
}

/* ---------------------------------------------------------------- routes */

struct insight_kind {
    const char *name;
    bool accounts; /* about accounts: the snapshot at the account level */
    bool (*args)(struct srv_request *req, struct srv_response *res, struct insight_q *q);
    jm_status (*json)(const struct jm_report *r, const struct insight_q *q, enum jm_lang lang,
                      struct jm_strbuf *sb, struct jm_error *err);
};

static const struct insight_kind ATTRIBUTION = {"attribution", true, attribution_args,
                                                attribution_json};
static const struct insight_kind DRILL = {"attribution", true, drill_args, drill_json};
static const struct insight_kind PATHS = {"paths", false, paths_args, paths_json};
static const struct insight_kind FLOWS = {"paths", false, flows_args, flows_json};
static const struct insight_kind RETENTION = {"retention", true, retention_args, retention_json};
static const struct insight_kind VOICE = {"voice", false, voice_args, voice_json};
static const struct insight_kind QUESTIONS = {"questions", true, questions_args, questions_json};

/* The report of the request's period and segment over the snapshot, then the insight. */
static void compute(struct srv_response *res, const struct srv_view *v, const struct srv_args *a,
                    const struct insight_kind *k, const struct insight_q *q)
{
    struct jm_report *r = NULL;
    struct jm_error err = {0};
    jm_status rc = jm_analyze(v->tl, &a->ao, &r, &err);
    if (!rc)
        rc = k->json(r, q, a->lang, &res->body, &err);
    if (rc) {
        jm_strbuf_reset(&res->body);
        srv_fail(res, rc, &err);
    }
    jm_report_free(r);
}

static void answer(struct srv_request *req, struct srv_response *res, const struct insight_kind *k)
{
    struct srv_args a;
    struct insight_q q;
    const struct srv_view *v = NULL;
    memset(&q, 0, sizeof q);
    if (!srv_args_parse(req, res, &a) || !k->args(req, res, &q))
        return;
    a.ao.by = NULL; /* `by` is the insight's own argument here, not a breakdown */
    if (k->accounts && a.level == JM_LEVEL_CONTACT) {
        srv_error(res, 400, "bad_argument", "level must be account: %s is about accounts", k->name);
        return;
    }
    if (k->accounts)
        a.level = JM_LEVEL_ACCOUNT;
    if (!srv_args_view(req, res, &a, &v))
        return;
    compute(res, v, &a, k, &q);
    srv_view_release(req, v);
}

static void get_attribution(struct srv_request *req, struct srv_response *res)
{
    answer(req, res, &ATTRIBUTION);
}

static void get_conversions(struct srv_request *req, struct srv_response *res)
{
    answer(req, res, &DRILL);
}

static void get_paths(struct srv_request *req, struct srv_response *res)
{
    answer(req, res, &PATHS);
}

static void get_flows(struct srv_request *req, struct srv_response *res)
{
    answer(req, res, &FLOWS);
}

static void get_retention(struct srv_request *req, struct srv_response *res)
{
    answer(req, res, &RETENTION);
}

static void get_voice(struct srv_request *req, struct srv_response *res)
{
    answer(req, res, &VOICE);
}

static void get_questions(struct srv_request *req, struct srv_response *res)
{
    answer(req, res, &QUESTIONS);
}

const struct srv_route srv_routes_insights[] = {
    {"GET", "/api/v1/attribution", JM_PERM_READ, 0, get_attribution},
    {"GET", "/api/v1/attribution/conversions", JM_PERM_READ, 0, get_conversions},
    {"GET", "/api/v1/paths", JM_PERM_READ, 0, get_paths},
    {"GET", "/api/v1/paths/flows", JM_PERM_READ, 0, get_flows},
    {"GET", "/api/v1/retention", JM_PERM_READ, 0, get_retention},
    {"GET", "/api/v1/voice", JM_PERM_READ, 0, get_voice},
    {"GET", "/api/v1/questions", JM_PERM_READ, 0, get_questions},
    {NULL, NULL, 0, 0, NULL},
};
