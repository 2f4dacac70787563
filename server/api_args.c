/*
 * What the API's data, analysis and map answers share: their query arguments, read with the
 * CLI's rules (jm_period_parse, PATH=VALUE segments) and refused with a 400 that names the
 * argument; and how a unit (account or contact) is written in a list.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "journeymap/journey.h"
#include "server/engine.h"

bool srv_int_arg(struct srv_request *req, struct srv_response *res, const char *name, long min,
                 long max, long def, long *out)
{
    const char *s = srv_query(req, name);
    *out = def;
    if (!s)
        return true;
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > max) {
        srv_error(res, 400, "bad_argument", "%s must be a whole number from %ld to %ld, not '%s'",
                  name, min, max, s);
        return false;
    }
    *out = v;
    return true;
}

static bool level_arg(struct srv_request *req, struct srv_response *res, int *level)
{
    const char *s = srv_query(req, "level");
    *level = -1;
    if (!s || !*s)
        return true;
    if (strcmp(s, "account") == 0 || strcmp(s, "contact") == 0) {
        *level = strcmp(s, "account") == 0 ? JM_LEVEL_ACCOUNT : JM_LEVEL_CONTACT;
        return true;
    }
    srv_error(res, 400, "bad_argument", "level must be account or contact, not '%s'", s);
    return false;
}

static bool as_of_arg(struct srv_request *req, struct srv_response *res, int64_t *as_of)
{
    const char *s = srv_query(req, "as_of");
    struct jm_error err;
    *as_of = INT64_MAX;
    if (!s || !*s)
        return true;
    if (jm_time_parse(s, strlen(s), NULL, as_of, &err) == JM_OK) {
        if (strlen(s) == 10) /* a date: the versions saved that day count */
            *as_of += JM_US_PER_DAY - 1;
        return true;
    }
    srv_error(res, 400, "bad_argument",
              "as_of must be a date or an ISO-8601 time (2025-03-31, 2025-03-31T12:00:00Z), "
              "not '%s'",
              s);
    return false;
}

static bool segment_arg(struct srv_request *req, struct srv_response *res, struct srv_args *a)
{
    const char *s = srv_query(req, "segment");
    if (!s || !*s)
        return true;
    const char *eq = strchr(s, '=');
    if (!eq || eq == s || strlen(s) >= sizeof(a->segment)) {
        srv_error(res, 400, "bad_argument",
                  "segment must be PATH=VALUE (e.g. industry=Software), not '%s'", s);
        return false;
    }
    memcpy(a->segment, s, strlen(s) + 1);
    a->segment[eq - s] = '\0';
    a->ao.filter_by = a->segment;
    a->ao.filter_value = a->segment + (eq - s) + 1;
    return true;
}

bool srv_args_parse(struct srv_request *req, struct srv_response *res, struct srv_args *a)
{
    memset(a, 0, sizeof *a);
    a->journey = srv_journey_arg(req);
    a->ao.from = INT64_MIN;
    a->ao.to = INT64_MAX;
    long version;
    if (!srv_int_arg(req, res, "version", 1, 1000000, 0, &version) ||
        !level_arg(req, res, &a->level) || !as_of_arg(req, res, &a->as_of) ||
        !segment_arg(req, res, a))
        return false;
    a->version = (int)version;
    const char *lang = srv_query(req, "lang");
    if (lang && *lang && !jm_lang_parse(lang, &a->lang)) {
        srv_error(res, 400, "bad_argument", "lang must be en or vi, not '%s'", lang);
        return false;
    }
    a->period = srv_query(req, "period");
    if (a->period && *a->period && !jm_period_parse(a->period, &a->ao.from, &a->ao.to)) {
        srv_error(res, 400, "bad_argument",
                  "period must be FROM..TO (dates such as 2024-01-31, either side may be left "
                  "out), a year or a month, not '%s'",
                  a->period);
        return false;
    }
    const char *by = srv_query(req, "by");
    a->ao.by = by && *by ? by : NULL;
    return true;
}

bool srv_args_view(struct srv_request *req, struct srv_response *res, const struct srv_args *a,
                   const struct srv_view **v)
{
    struct jm_error err = {0};
    jm_status rc = srv_view_acquire_at(req, a->journey, a->version, a->as_of, a->level, v, &err);
    if (rc)
        srv_fail(res, rc, &err);
    return rc == JM_OK;
}

size_t srv_unit_find(const struct srv_view *v, const char *id)
{
    enum jm_entity kind = v->tl->level == JM_LEVEL_ACCOUNT ? JM_ENT_ACCOUNT : JM_ENT_CONTACT;
    uint32_t row = jm_dataset_find(v->ds, kind, id, strlen(id));
    /* Units are the rows of their entity, in order (the engine's convention). */
    return row != JM_NONE && row < v->tl->n_units ? row : JM_NONE;
}

const char *srv_unit_name(const struct srv_view *v, size_t u)
{
    enum jm_entity kind = v->tl->level == JM_LEVEL_ACCOUNT ? JM_ENT_ACCOUNT : JM_ENT_CONTACT;
    int f = jm_entity_field(jm_entity_get(kind), "name");
    const struct jm_value *x = jm_dataset_value(v->ds, kind, v->tl->unit_row[u], f);
    return x && x->kind == JM_V_TEXT && x->len ? x->s : jm_timelines_unit_id(v->tl, u);
}

static void add_str(struct jm_strbuf *sb, const char *s)
{
    if (s)
        jm_strbuf_add_json_string(sb, s, strlen(s));
    else
        jm_strbuf_addstr(sb, "null");
}

void srv_unit_json(struct jm_strbuf *sb, const struct srv_view *v, const uint8_t *status, size_t u,
                   enum jm_lang lang)
{
    const struct jm_timelines *tl = v->tl;
    size_t b = tl->move_start[u], e = tl->move_start[u + 1];
    jm_strbuf_addstr(sb, "{\"id\":");
    add_str(sb, jm_timelines_unit_id(tl, u));
    jm_strbuf_addstr(sb, ",\"name\":");
    add_str(sb, srv_unit_name(v, u));
    jm_strbuf_addstr(sb, ",\"stage\":");
    add_str(sb, e > b ? v->journey->stages[tl->moves[e - 1].to].key : NULL);
    jm_strbuf_addstr(sb, ",\"stage_name\":");
    add_str(sb, e > b ? jm_text_get(&v->journey->stages[tl->moves[e - 1].to].name, lang) : NULL);
    jm_strbuf_addstr(sb, ",\"status\":");
    add_str(sb, srv_status_key[status ? status[u] : SRV_NONE]);
    if (e > b)
        jm_strbuf_addf(sb, ",\"days_in_stage\":%.1f",
                       (double)(tl->as_of - tl->moves[e - 1].time) / (double)JM_US_PER_DAY);
    else
        jm_strbuf_addstr(sb, ",\"days_in_stage\":null");
    char when[40] = "";
    const char *tp = NULL;
    if (tl->last_event[u] != JM_NONE) {
        const struct jm_store *st = jm_dataset_store(v->ds);
        jm_time_format(tl->last_touch[u], false, when, sizeof when);
        tp = jm_store_text(st, JM_STORE_TOUCHPOINT,
                           jm_store_columns(st)->touchpoint[tl->last_event[u]], NULL);
        const struct jm_touchpoint_def *d = jm_journey_touchpoint(v->journey, tp);
        tp = d ? jm_text_get(&d->name, lang) : tp;
    }
    jm_strbuf_addstr(sb, ",\"last_touch\":");
    add_str(sb, *when ? when : NULL);
    jm_strbuf_addstr(sb, ",\"last_touchpoint\":");
    add_str(sb, tp);
    jm_strbuf_addch(sb, '}');
}
