/*
 * The analysis answers (docs/api.md "Analysis and drill-down"): the report `journeymap analyze
 * --format json` prints, whole or one part, over the engine's cached view; and the units behind
 * its numbers, found with the report's own rules (jm_report_drill*) so a list behind "120" has
 * 120 entries.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "journeymap/analytics.h"
#include "server/engine.h"

/* The report for the request's arguments over view `v`; false with the error in `res`. The
 * list of idle units is complete (the drill-downs and the "stalled" part read it). */
static bool report_of(struct srv_response *res, const struct srv_view *v, struct srv_args *a,
                      struct jm_report **r)
{
    struct jm_error err = {0};
    a->ao.max_listed = v->tl->n_units ? v->tl->n_units : 1;
    jm_status rc = jm_analyze(v->tl, &a->ao, r, &err);
    if (rc)
        srv_fail(res, rc, &err);
    return rc == JM_OK;
}

static void analysis(struct srv_request *req, struct srv_response *res, const char *part)
{
    struct srv_args a;
    const struct srv_view *v = NULL;
    struct jm_report *r = NULL;
    if (!srv_args_parse(req, res, &a) || !srv_args_view(req, res, &a, &v))
        return;
    if (part && strcmp(part, "breakdown") == 0 && !a.ao.by) {
        srv_error(res, 400, "bad_argument",
                  "the breakdown needs by=FIELD (channel, industry, segment, persona, "
                  "dmu_role... or a path such as account.properties.tier)");
    } else if (report_of(res, v, &a, &r)) {
        jm_status rc = part ? jm_report_json_part(r, a.lang, part, &res->body)
                            : jm_report_json(r, a.lang, &res->body);
        if (rc)
            srv_error(res, 500, "internal", "cannot write the report: %s", jm_strerror(rc));
    }
    jm_report_free(r);
    srv_view_release(req, v);
}

static void get_analysis(struct srv_request *req, struct srv_response *res)
{
    analysis(req, res, NULL);
}

static void get_part(struct srv_request *req, struct srv_response *res)
{
    const char *part = req->params[0];
    for (size_t i = 0; jm_report_part_name(i); i++)
        if (strcmp(part, jm_report_part_name(i)) == 0) {
            analysis(req, res, part);
            return;
        }
    srv_error(res, 404, "not_found",
              "no analysis part '%s': funnel, time-in-stage, transitions, breaks, stalled, "
              "deals, breakdown, kpis or dmu",
              part);
}

/* ---------------------------------------------------------------- drill-down */

/* Writes the marked units: {"journey", "count", "units": [...]}, at most ?limit of them. */
static void units_answer(struct srv_request *req, struct srv_response *res,
                         const struct srv_view *v, const struct srv_args *a, const uint8_t *in,
                         uint64_t count)
{
    const struct jm_report *st;
    const uint8_t *status;
    struct jm_error err = {0};
    long limit;
    if (!srv_int_arg(req, res, "limit", 1, 100000, 1000, &limit))
        return;
    jm_status rc = srv_view_status(v, &st, &status, &err);
    if (rc) {
        srv_fail(res, rc, &err);
        return;
    }
    struct jm_strbuf *sb = &res->body;
    jm_strbuf_addstr(sb, "{\"journey\":");
    jm_strbuf_add_json_string(sb, v->journey->key, strlen(v->journey->key));
    jm_strbuf_addf(sb, ",\"version\":%d,\"level\":\"%s\",\"count\":%llu,\"units\":[", v->version,
                   v->tl->level == JM_LEVEL_ACCOUNT ? "account" : "contact",
                   (unsigned long long)count);
    long n = 0;
    for (size_t u = 0; u < v->tl->n_units && n < limit; u++)
        if (in[u]) {
            if (n++)
                jm_strbuf_addch(sb, ',');
            srv_unit_json(sb, v, status, u, a->lang);
        }
    jm_strbuf_addstr(sb, "]}\n");
}

enum drill_kind { DRILL_STAGE, DRILL_TOUCHPOINT, DRILL_BREAK };

/* A touchpoint the definition names or an event carries: one of neither is a typo (404), while
 * a known one nobody had is an empty list. */
static bool known_touchpoint(const struct srv_view *v, const char *key)
{
    return jm_journey_touchpoint(v->journey, key) ||
           jm_store_lookup(jm_dataset_store(v->ds), JM_STORE_TOUCHPOINT, key, strlen(key)) > 0;
}

/* Marks the units one drill-down names; false with the answer (404, 400) in `res`. */
static bool mark(struct srv_request *req, struct srv_response *res, const struct srv_view *v,
                 const struct jm_report *r, enum drill_kind kind, uint8_t *in, uint64_t *count)
{
    const struct jm_journey *j = r->tl->journey;
    const char *what = req->params[1];
    if (kind == DRILL_BREAK) {
        char *end;
        unsigned long n = strtoul(what, &end, 10);
        if (*end || n < 1 || n > r->n_breaks) {
            srv_error(res, 404, "not_found", "no break point %s: there are %zu (1 to %zu)", what,
                      r->n_breaks, r->n_breaks);
            return false;
        }
        *count = jm_report_drill_break(r, &r->breaks[n - 1], in);
        return true;
    }
    const char *stage = kind == DRILL_STAGE ? what : srv_query(req, "stage");
    int s = stage && *stage ? jm_journey_stage(j, stage) : -1;
    if (stage && *stage && s < 0) {
        srv_error(res, 404, "not_found", "no stage '%s' in journey '%s'", stage, j->key);
        return false;
    }
    if (kind == DRILL_TOUCHPOINT && !known_touchpoint(v, what)) {
        srv_error(res, 404, "not_found", "no touchpoint '%s' in journey '%s' or in the data", what,
                  j->key);
        return false;
    }
    if (kind == DRILL_TOUCHPOINT) {
        *count = jm_report_drill_touchpoint(r, what, s < 0 ? JM_NONE : (size_t)s, in);
        return true;
    }
    const char *st = srv_query(req, "status");
    enum jm_drill d = JM_DRILL_REACHED;
    if (st && *st && !jm_drill_parse(st, &d)) {
        srv_error(res, 400, "bad_argument",
                  "status must be reached, converted, dropped, in_stage, stalled or silent, "
                  "not '%s'",
                  st);
        return false;
    }
    *count = jm_report_drill(r, (size_t)s, d, in);
    return true;
}

static void drill(struct srv_request *req, struct srv_response *res, enum drill_kind kind)
{
    struct srv_args a;
    const struct srv_view *v = NULL;
    struct jm_report *r = NULL;
    uint8_t *in = NULL;
    uint64_t count = 0;
    if (!srv_args_parse(req, res, &a))
        return;
    a.journey = req->params[0];
    if (!srv_args_view(req, res, &a, &v))
        return;
    if (report_of(res, v, &a, &r)) {
        in = jm_calloc(v->tl->n_units + 1, 1);
        if (!in)
            srv_error(res, 500, "internal", "out of memory");
        else if (mark(req, res, v, r, kind, in, &count))
            units_answer(req, res, v, &a, in, count);
    }
    jm_free(in);
    jm_report_free(r);
    srv_view_release(req, v);
}

static void get_stage_units(struct srv_request *req, struct srv_response *res)
{
    drill(req, res, DRILL_STAGE);
}

static void get_touchpoint_units(struct srv_request *req, struct srv_response *res)
{
    drill(req, res, DRILL_TOUCHPOINT);
}

static void get_break_units(struct srv_request *req, struct srv_response *res)
{
    drill(req, res, DRILL_BREAK);
}

const struct srv_route srv_routes_analysis[] = {
    {"GET", "/api/v1/analysis", JM_PERM_READ, 0, get_analysis},
    {"GET", "/api/v1/analysis/{}", JM_PERM_READ, 0, get_part},
    {"GET", "/api/v1/journeys/{}/stages/{}/accounts", JM_PERM_READ, 0, get_stage_units},
    {"GET", "/api/v1/journeys/{}/touchpoints/{}/accounts", JM_PERM_READ, 0, get_touchpoint_units},
    {"GET", "/api/v1/journeys/{}/breaks/{}/accounts", JM_PERM_READ, 0, get_break_units},
    {NULL, NULL, 0, 0, NULL},
};
