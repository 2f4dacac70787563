/*
 * Journey definitions with their history (docs/api.md "Journeys"): every save is a new
 * version (jm_journeys_save), never an edit, so the map is a living document whose past can be
 * read (`version`, `as_of`) and compared (`diff`). A text is stored only once it parses; the
 * parse error's line:column comes back in the 400.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/internal.h" /* the library's JSON reader (jm__json_parse) */
#include "journeymap/diff.h"
#include "server/engine.h"

static void add_str(struct jm_strbuf *sb, const char *s)
{
    if (s)
        jm_strbuf_add_json_string(sb, s, strlen(s));
    else
        jm_strbuf_addstr(sb, "null");
}

static void version_json(struct jm_strbuf *sb, const struct jm_journey_version *v)
{
    char when[40];
    jm_time_format(v->saved, false, when, sizeof when);
    jm_strbuf_addstr(sb, "{\"key\":");
    add_str(sb, v->key);
    jm_strbuf_addf(sb, ",\"version\":%d,\"saved\":", v->version);
    add_str(sb, when);
    jm_strbuf_addstr(sb, ",\"author\":");
    add_str(sb, v->author);
    jm_strbuf_addstr(sb, ",\"message\":");
    add_str(sb, v->message);
}

struct list {
    struct jm_strbuf *sb;
    size_t n;
    char last[128];
    bool latest_only;
};

static jm_status list_one(const struct jm_journey_version *v, void *ctx)
{
    struct list *l = ctx;
    if (l->latest_only && strcmp(l->last, v->key) == 0)
        return JM_OK; /* newest first per key: the first seen is the latest */
    snprintf(l->last, sizeof l->last, "%s", v->key);
    jm_strbuf_addstr(l->sb, l->n++ ? "," : "");
    version_json(l->sb, v);
    return jm_strbuf_addch(l->sb, '}');
}

static void list(struct srv_request *req, struct srv_response *res, const char *key)
{
    struct jm_storage *st;
    struct jm_error err = {0};
    struct list l = {&res->body, 0, "", key == NULL};
    jm_strbuf_addstr(&res->body, key ? "{\"versions\":[" : "{\"journeys\":[");
    jm_status rc = srv_storage(req, &st, &err);
    if (!rc)
        rc = jm_journeys_list(st, key, list_one, &l, &err);
    if (!rc && key && !l.n)
        rc = jm_error_set(&err, JM_ENOTFOUND, "no journey '%s'", key);
    if (rc) {
        jm_strbuf_reset(&res->body);
        srv_fail(res, rc, &err);
        return;
    }
    jm_strbuf_addstr(&res->body, "]}\n");
}

static void get_journeys(struct srv_request *req, struct srv_response *res)
{
    list(req, res, NULL);
}

static void get_versions(struct srv_request *req, struct srv_response *res)
{
    list(req, res, req->params[0]);
}

/* ---------------------------------------------------------------- one version */

static jm_status got_one(const struct jm_journey_version *v, void *ctx)
{
    struct srv_journey_text *g = ctx;
    g->v = *v;
    g->v.yaml = NULL;
    jm_strbuf_reset(&g->meta);
    version_json(&g->meta, v);
    if (!g->meta.len)
        return JM_ENOMEM;
    /* The row's strings die with the statement: keep only what the text buffer owns. */
    g->v.key = g->v.author = g->v.message = NULL;
    return jm_strbuf_add(&g->text, v->yaml, v->yaml_len);
}

jm_status srv_journey_fetch(struct srv_request *req, const char *key, int version, int64_t as_of,
                            struct srv_journey_text *g, struct jm_error *err)
{
    struct jm_storage *st;
    jm_status rc = srv_storage(req, &st, err);
    if (!rc)
        rc = jm_journeys_get(st, key, version, as_of, got_one, g, err);
    if (rc == JM_ENOMEM)
        jm_error_set(err, JM_ENOMEM, "out of memory reading journey '%s'", key);
    return rc;
}

void srv_journey_text_release(struct srv_journey_text *g)
{
    jm_strbuf_release(&g->text);
    jm_strbuf_release(&g->meta);
}

static pthread_mutex_t edit_lock = PTHREAD_MUTEX_INITIALIZER;

void srv_journey_edit_lock(void)
{
    pthread_mutex_lock(&edit_lock);
}

void srv_journey_edit_unlock(void)
{
    pthread_mutex_unlock(&edit_lock);
}

/* The version as JSON: its fields, its text, and its parsed stages for the app's editors. */
static void journey_json(struct srv_response *res, const struct srv_journey_text *g)
{
    struct jm_journey *j = NULL;
    struct jm_error err = {0};
    /* Stored texts parsed when saved; one that no longer does (a newer parser) still shows. */
    jm_status rc = jm_journey_parse(g->text.buf, g->text.len, "stored", &j, &err);
    jm_strbuf_add(&res->body, g->meta.buf, g->meta.len);
    jm_strbuf_addstr(&res->body, ",\"yaml\":");
    jm_strbuf_add_json_string(&res->body, g->text.buf, g->text.len);
    if (rc) {
        jm_strbuf_addstr(&res->body, ",\"stages\":null,\"parse_error\":");
        jm_strbuf_add_json_string(&res->body, err.msg, strlen(err.msg));
    } else {
        jm_strbuf_addstr(&res->body, ",\"stages\":");
        srv_stages_json(&res->body, j);
    }
    jm_strbuf_addstr(&res->body, "}\n");
    jm_journey_free(j);
}

static void get_journey(struct srv_request *req, struct srv_response *res)
{
    struct srv_args a;
    struct srv_journey_text g = SRV_JOURNEY_TEXT_INIT;
    struct jm_error err = {0};
    const char *fmt = srv_query(req, "format");
    if (!srv_args_parse(req, res, &a))
        return;
    if (fmt && strcmp(fmt, "yaml") != 0 && strcmp(fmt, "json") != 0) {
        srv_error(res, 400, "bad_argument", "format must be yaml or json, not '%s'", fmt);
        return;
    }
    jm_status rc = srv_journey_fetch(req, req->params[0], a.version, a.as_of, &g, &err);
    if (rc) {
        srv_fail(res, rc, &err);
    } else if (fmt && strcmp(fmt, "json") == 0) {
        journey_json(res, &g);
    } else {
        res->type = "application/yaml; charset=utf-8";
        jm_strbuf_add(&res->body, g.text.buf, g.text.len);
    }
    srv_journey_text_release(&g);
}

/* ---------------------------------------------------------------- saving */

/*
 * A definition that does not parse: 400 with the place as numbers too, so the app's editor can
 * put the cursor there. The parser's message starts "body:LINE:COLUMN: " (parse errors without
 * a place, such as a missing key, keep the message as it is).
 */
static void parse_error(struct srv_response *res, const struct jm_error *err)
{
    unsigned long line = 0, column = 0;
    int used = 0;
    if (sscanf(err->msg, "body:%lu:%lu: %n", &line, &column, &used) < 2 || !used) {
        srv_fail(res, JM_EPARSE, err);
        return;
    }
    char msg[sizeof err->msg + 64];
    snprintf(msg, sizeof msg, "line %lu, column %lu: %s", line, column, err->msg + used);
    res->status = 400;
    jm_strbuf_reset(&res->body);
    jm_strbuf_addstr(&res->body, "{\"error\": {\"code\": \"bad_definition\", \"message\": ");
    jm_strbuf_add_json_string(&res->body, msg, strlen(msg));
    jm_strbuf_addf(&res->body, ", \"line\": %lu, \"column\": %lu}}\n", line, column);
}

void srv_journey_save(struct srv_request *req, struct srv_response *res, const char *key,
                      const char *yaml, size_t len, const char *message, int status,
                      const char *extra)
{
    struct jm_journey *j = NULL;
    struct jm_storage *st;
    struct jm_error err = {0};
    int version = 0;
    jm_status rc = jm_journey_parse(yaml, len, "body", &j, &err);
    if (!rc && key && strcmp(j->key, key) != 0)
        rc = jm_error_set(&err, JM_ECONFLICT, "the definition's key is '%s' but the URL names '%s'",
                          j->key, key);
    if (!rc)
        rc = srv_storage(req, &st, &err);
    if (!rc)
        rc = jm_journeys_save(st, j->key, yaml, len, req->caller.name, message ? message : "",
                              req->received, &version, &err);
    if (rc == JM_EPARSE) {
        parse_error(res, &err);
    } else if (rc) {
        srv_fail(res, rc, &err);
    } else {
        res->status = status;
        jm_strbuf_addstr(&res->body, "{\"key\":");
        add_str(&res->body, j->key);
        jm_strbuf_addf(&res->body, ",\"version\":%d", version);
        jm_strbuf_addstr(&res->body, extra ? extra : "");
        jm_strbuf_addstr(&res->body, "}\n");
    }
    jm_journey_free(j);
}

/* The YAML of a body: as is, or the "yaml" member of a JSON object. */
static bool body_yaml(struct srv_request *req, struct srv_response *res, struct jm_arena *a,
                      const char **yaml, size_t *len, const char **message)
{
    const char *type = srv_header(req, "Content-Type");
    *yaml = req->body;
    *len = req->body_len;
    if (!type || strncmp(type, "application/json", 16) != 0)
        return true;
    struct jm__jv *v;
    struct jm_error err = {0};
    if (jm__json_parse(req->body, req->body_len, a, &v, &err)) {
        srv_error(res, 400, "bad_json", "the body is not JSON: %s", err.msg);
        return false;
    }
    const struct jm__jv *y = jm__json_get(v, "yaml"), *m = jm__json_get(v, "message");
    if (!y || y->type != JM_J_STRING) {
        srv_error(res, 400, "bad_argument", "the JSON body needs \"yaml\": the definition text");
        return false;
    }
    *yaml = y->s;
    *len = y->len;
    if (m && m->type == JM_J_STRING)
        *message = m->s;
    return true;
}

static void post_journey(struct srv_request *req, struct srv_response *res)
{
    struct jm_arena a = JM_ARENA_INIT;
    const char *yaml, *message = srv_query(req, "message");
    size_t len;
    if (body_yaml(req, res, &a, &yaml, &len, &message)) {
        struct jm_journey *j = NULL;
        struct srv_journey_text g = SRV_JOURNEY_TEXT_INIT;
        struct jm_error err = {0};
        /* A new journey: its key must not be taken (PUT saves the next version). */
        if (jm_journey_parse(yaml, len, "body", &j, &err) == JM_OK &&
            srv_journey_fetch(req, j->key, 0, INT64_MAX, &g, &err) == JM_OK)
            srv_error(res, 409, "conflict", "journey '%s' exists: PUT a new version instead",
                      j->key);
        else
            srv_journey_save(req, res, NULL, yaml, len, message, 201, NULL);
        jm_journey_free(j);
        srv_journey_text_release(&g);
    }
    jm_arena_release(&a);
}

static void put_journey(struct srv_request *req, struct srv_response *res)
{
    struct jm_arena a = JM_ARENA_INIT;
    const char *yaml, *message = srv_query(req, "message");
    size_t len;
    if (body_yaml(req, res, &a, &yaml, &len, &message))
        srv_journey_save(req, res, req->params[0], yaml, len, message, 200, NULL);
    jm_arena_release(&a);
}

/* ---------------------------------------------------------------- diff */

static void get_diff(struct srv_request *req, struct srv_response *res)
{
    long from, to;
    struct srv_journey_text x = SRV_JOURNEY_TEXT_INIT;
    struct srv_journey_text y = SRV_JOURNEY_TEXT_INIT;
    struct jm_journey *jx = NULL, *jy = NULL;
    struct jm_diff d;
    struct jm_error err = {0};
    if (!srv_int_arg(req, res, "from", 1, 1000000, 0, &from) ||
        !srv_int_arg(req, res, "to", 1, 1000000, 0, &to))
        return;
    jm_diff_init(&d);
    jm_status rc = srv_journey_fetch(req, req->params[0], (int)to, INT64_MAX, &y, &err);
    if (!rc && !from) /* the version before `to` */
        from = y.v.version > 1 ? y.v.version - 1 : 1;
    if (!rc)
        rc = srv_journey_fetch(req, req->params[0], (int)from, INT64_MAX, &x, &err);
    if (!rc)
        rc = jm_journey_parse(x.text.buf, x.text.len, "from", &jx, &err);
    if (!rc)
        rc = jm_journey_parse(y.text.buf, y.text.len, "to", &jy, &err);
    if (!rc && (jm_diff_journeys(jx, jy, &d) ||
                jm_diff_texts(x.text.buf, x.text.len, y.text.buf, y.text.len, &d)))
        rc = jm_error_set(&err, JM_ELIMIT, "the versions are too large to compare");
    if (rc) {
        srv_fail(res, rc, &err);
    } else {
        jm_strbuf_addf(&res->body, "{\"key\":");
        add_str(&res->body, req->params[0]);
        jm_strbuf_addf(&res->body, ",\"from\":%d,\"to\":%d,\"diff\":", x.v.version, y.v.version);
        jm_diff_json(&d, &res->body);
        jm_strbuf_addstr(&res->body, "}\n");
    }
    jm_diff_release(&d);
    jm_journey_free(jx);
    jm_journey_free(jy);
    srv_journey_text_release(&x);
    srv_journey_text_release(&y);
}

/* ---------------------------------------------------------------- one lane */

static int lane_of(const char *key)
{
    for (int l = 0; l < JM_LANE__COUNT; l++)
        if (strcmp(jm_lane_key((enum jm_lane)l), key) == 0)
            return l;
    return -1;
}

/* Replaces the lane's texts in `lang` with `items` (the other language kept line by line). */
static jm_status set_lane(struct jm_journey *j, struct jm_text_list *lane, enum jm_lang lang,
                          const struct jm__jv *items, struct jm_error *err)
{
    struct jm_text *t = jm_arena_alloc(&j->arena, (items->n + 1) * sizeof *t);
    if (!t)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    for (size_t i = 0; i < items->n; i++) {
        if (items->item[i].type != JM_J_STRING)
            return jm_error_set(err, JM_EINVAL, "items[%zu] is not a string", i);
        memset(&t[i], 0, sizeof t[i]);
        if (i < lane->n)
            t[i] = lane->items[i];
        t[i].s[lang] = jm_arena_strdup(&j->arena, items->item[i].s);
        if (!t[i].s[lang])
            return jm_error_set(err, JM_ENOMEM, "out of memory");
    }
    lane->items = t;
    lane->n = items->n;
    return JM_OK;
}

struct lane_edit {
    enum jm_lang lang;
    const struct jm__jv *items;
    const char *message;
};

static bool lane_body(struct srv_request *req, struct srv_response *res, struct jm_arena *a,
                      struct lane_edit *e)
{
    struct jm__jv *v;
    struct jm_error err = {0};
    if (jm__json_parse(req->body, req->body_len, a, &v, &err)) {
        srv_error(res, 400, "bad_json", "the body is not JSON: %s", err.msg);
        return false;
    }
    const struct jm__jv *lang = jm__json_get(v, "lang"), *m = jm__json_get(v, "message");
    e->items = jm__json_get(v, "items");
    if (!lang || lang->type != JM_J_STRING || !jm_lang_parse(lang->s, &e->lang)) {
        srv_error(res, 400, "bad_argument", "\"lang\" must be \"en\" or \"vi\"");
        return false;
    }
    if (!e->items || e->items->type != JM_J_ARRAY) {
        srv_error(res, 400, "bad_argument", "\"items\" must be an array of strings");
        return false;
    }
    e->message = m && m->type == JM_J_STRING ? m->s : NULL;
    return true;
}

static void put_lane(struct srv_request *req, struct srv_response *res)
{
    struct jm_arena a = JM_ARENA_INIT;
    struct srv_journey_text g = SRV_JOURNEY_TEXT_INIT;
    struct jm_strbuf out = JM_STRBUF_INIT;
    struct jm_journey *j = NULL;
    struct jm_error err = {0};
    struct lane_edit e;
    const char *key = req->params[0], *stage = req->params[1], *lane = req->params[2];
    int l = lane_of(lane), s = -1;
    if (!lane_body(req, res, &a, &e))
        goto out;
    srv_journey_edit_lock();
    jm_status rc = srv_journey_fetch(req, key, 0, INT64_MAX, &g, &err);
    if (!rc)
        rc = jm_journey_parse(g.text.buf, g.text.len, key, &j, &err);
    if (!rc)
        s = jm_journey_stage(j, stage);
    if (!rc && s < 0)
        rc = jm_error_set(&err, JM_ENOTFOUND, "no stage '%s' in journey '%s'", stage, key);
    if (!rc && l < 0)
        rc = jm_error_set(&err, JM_ENOTFOUND, "no lane '%s' (pain_points, opportunities...)", lane);
    if (!rc)
        rc = set_lane(j, &j->stages[s].lanes[l], e.lang, e.items, &err);
    if (!rc) /* both languages, so the one not edited survives */
        rc = jm_journey_write(j, JM_LANG__COUNT, &out, &err);
    if (rc) {
        srv_fail(res, rc, &err);
    } else {
        char msg[200];
        snprintf(msg, sizeof msg, "edit %s of %s", lane, stage);
        srv_journey_save(req, res, key, out.buf, out.len, e.message ? e.message : msg, 200, NULL);
    }
    srv_journey_edit_unlock();
out:
    jm_journey_free(j);
    jm_strbuf_release(&out);
    srv_journey_text_release(&g);
    jm_arena_release(&a);
}

const struct srv_route srv_routes_journeys[] = {
    {"GET", "/api/v1/journeys", JM_PERM_READ, 0, get_journeys},
    {"POST", "/api/v1/journeys", JM_PERM_EDIT, 1u << 20, post_journey},
    {"GET", "/api/v1/journeys/{}", JM_PERM_READ, 0, get_journey},
    {"PUT", "/api/v1/journeys/{}", JM_PERM_EDIT, 1u << 20, put_journey},
    {"GET", "/api/v1/journeys/{}/versions", JM_PERM_READ, 0, get_versions},
    {"GET", "/api/v1/journeys/{}/diff", JM_PERM_READ, 0, get_diff},
    {"PUT", "/api/v1/journeys/{}/stages/{}/lanes/{}", JM_PERM_EDIT, 256u << 10, put_lane},
    {"GET", "/api/v1/journeys/{}/annotations", JM_PERM_READ, 0, srv_get_annotations},
    {"POST", "/api/v1/journeys/{}/annotations", JM_PERM_EDIT, 64u << 10, srv_post_annotation},
    {"DELETE", "/api/v1/journeys/{}/annotations/{}", JM_PERM_EDIT, 0, srv_delete_annotation},
    {NULL, NULL, 0, 0, NULL},
};
