/*
 * Annotations on map cells (docs/api.md "Journeys"): a team's pain point, opportunity or note
 * on one stage's lane. They live in the definition (define.h), so adding or removing one reads
 * the latest version, changes it and saves the next version: the map of any version shows the
 * notes it had, and the history says who added what.
 *
 * Also the parsed stages as JSON, which the web app's lane and annotation editors start from.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "ingest/internal.h" /* the library's JSON reader (jm__json_parse) */
#include "server/engine.h"

/* Ids are "a" and 8 base62 characters: 62^8 makes a clash in one journey unlikely, and the
 * loop below retries the rare one. */
#define ID_RANDOM_LEN 8
#define ID_TRIES      8
#define TEXT_MAX      4000 /* bytes per language: a note, not a document */

static void add_str(struct jm_strbuf *sb, const char *s)
{
    if (s)
        jm_strbuf_add_json_string(sb, s, strlen(s));
    else
        jm_strbuf_addstr(sb, "null");
}

/* {"en": ..., "vi": ...}, null where the text has none. */
static void text_json(struct jm_strbuf *sb, const struct jm_text *t)
{
    for (int l = 0; l < JM_LANG__COUNT; l++) {
        jm_strbuf_addstr(sb, l ? ",\"" : "{\"");
        jm_strbuf_addstr(sb, jm_lang_code((enum jm_lang)l));
        jm_strbuf_addstr(sb, "\":");
        add_str(sb, t->s[l]);
    }
    jm_strbuf_addch(sb, '}');
}

static void annotation_json(struct jm_strbuf *sb, const char *stage, const struct jm_annotation *a)
{
    jm_strbuf_addstr(sb, "{\"id\":");
    add_str(sb, a->id);
    jm_strbuf_addstr(sb, ",\"stage\":");
    add_str(sb, stage);
    jm_strbuf_addf(sb, ",\"lane\":\"%s\",\"kind\":\"%s\",\"text\":", jm_lane_key(a->lane),
                   jm_annotation_kind_key(a->kind));
    text_json(sb, &a->text);
    jm_strbuf_addstr(sb, ",\"author\":");
    add_str(sb, a->author);
    char when[40] = "";
    if (a->at != JM_TIME_NONE)
        jm_time_format(a->at, false, when, sizeof when);
    jm_strbuf_addstr(sb, ",\"at\":");
    add_str(sb, *when ? when : NULL);
    jm_strbuf_addch(sb, '}');
}

static void lanes_json(struct jm_strbuf *sb, const struct jm_stage *st)
{
    jm_strbuf_addch(sb, '{');
    for (int l = 0; l < JM_LANE__COUNT; l++) {
        const struct jm_text_list *lane = &st->lanes[l];
        jm_strbuf_addf(sb, "%s\"%s\":[", l ? "," : "", jm_lane_key((enum jm_lane)l));
        for (size_t i = 0; i < lane->n; i++) {
            jm_strbuf_addstr(sb, i ? "," : "");
            text_json(sb, &lane->items[i]);
        }
        jm_strbuf_addch(sb, ']');
    }
    jm_strbuf_addch(sb, '}');
}

void srv_stages_json(struct jm_strbuf *sb, const struct jm_journey *j)
{
    jm_strbuf_addch(sb, '[');
    for (size_t s = 0; s < j->n_stages; s++) {
        const struct jm_stage *st = &j->stages[s];
        jm_strbuf_addstr(sb, s ? ",{\"key\":" : "{\"key\":");
        add_str(sb, st->key);
        jm_strbuf_addstr(sb, ",\"name\":");
        text_json(sb, &st->name);
        jm_strbuf_addstr(sb, ",\"owner\":");
        add_str(sb, st->owner);
        jm_strbuf_addstr(sb, ",\"lanes\":");
        lanes_json(sb, st);
        jm_strbuf_addstr(sb, ",\"annotations\":[");
        for (size_t a = 0; a < st->n_annotations; a++) {
            jm_strbuf_addstr(sb, a ? "," : "");
            annotation_json(sb, st->key, &st->annotations[a]);
        }
        jm_strbuf_addstr(sb, "]}");
    }
    jm_strbuf_addch(sb, ']');
}

/* ---------------------------------------------------------------- reading */

/* The latest version (or the one `version` / `as_of` name), parsed. */
static jm_status load(struct srv_request *req, const char *key, int version, int64_t as_of,
                      struct srv_journey_text *g, struct jm_journey **j, struct jm_error *err)
{
    jm_status rc = srv_journey_fetch(req, key, version, as_of, g, err);
    return rc ? rc : jm_journey_parse(g->text.buf, g->text.len, key, j, err);
}

void srv_get_annotations(struct srv_request *req, struct srv_response *res)
{
    struct srv_args a;
    struct srv_journey_text g = SRV_JOURNEY_TEXT_INIT;
    struct jm_journey *j = NULL;
    struct jm_error err = {0};
    if (!srv_args_parse(req, res, &a))
        return;
    jm_status rc = load(req, req->params[0], a.version, a.as_of, &g, &j, &err);
    if (rc) {
        srv_fail(res, rc, &err);
    } else {
        size_t n = 0;
        jm_strbuf_addstr(&res->body, "{\"key\":");
        add_str(&res->body, j->key);
        jm_strbuf_addf(&res->body, ",\"version\":%d,\"annotations\":[", g.v.version);
        for (size_t s = 0; s < j->n_stages; s++)
            for (size_t i = 0; i < j->stages[s].n_annotations; i++) {
                jm_strbuf_addstr(&res->body, n++ ? "," : "");
                annotation_json(&res->body, j->stages[s].key, &j->stages[s].annotations[i]);
            }
        jm_strbuf_addstr(&res->body, "]}\n");
    }
    jm_journey_free(j);
    srv_journey_text_release(&g);
}

/* ---------------------------------------------------------------- the request body */

struct note_req {
    const char *stage, *message;
    enum jm_lane lane;
    enum jm_annotation_kind kind;
    struct jm_text text;
};

static bool lane_parse(const char *s, enum jm_lane *out)
{
    for (int l = 0; l < JM_LANE__COUNT; l++)
        if (strcmp(jm_lane_key((enum jm_lane)l), s) == 0) {
            *out = (enum jm_lane)l;
            return true;
        }
    return false;
}

/* A member that must be a string without NUL bytes; NULL when absent or not one. */
static const char *str_member(const struct jm__jv *v, const char *key)
{
    const struct jm__jv *m = jm__json_get(v, key);
    return m && m->type == JM_J_STRING && strlen(m->s) == m->len ? m->s : NULL;
}

/* "text": a string in "lang" (default en), or {"en": ..., "vi": ...}; NULL when fine, else
 * what is wrong. */
static const char *text_parse(const struct jm__jv *v, struct jm_text *t)
{
    const struct jm__jv *x = jm__json_get(v, "text");
    const char *lang = str_member(v, "lang");
    enum jm_lang l = JM_LANG_EN;
    memset(t, 0, sizeof *t);
    if (lang && !jm_lang_parse(lang, &l))
        return "\"lang\" must be \"en\" or \"vi\"";
    if (x && x->type == JM_J_STRING)
        t->s[l] = str_member(v, "text");
    else if (x && x->type == JM_J_OBJECT)
        for (int i = 0; i < JM_LANG__COUNT; i++)
            t->s[i] = str_member(x, jm_lang_code((enum jm_lang)i));
    for (int i = 0; i < JM_LANG__COUNT; i++) {
        if (t->s[i] && !*t->s[i])
            t->s[i] = NULL;
        if (t->s[i] && strlen(t->s[i]) > TEXT_MAX)
            return "\"text\" is longer than 4000 bytes";
    }
    if (jm_text_empty(t))
        return "\"text\" must be a non-empty string, or {\"en\": ..., \"vi\": ...} with at "
               "least one";
    return NULL;
}

static bool note_body(struct srv_request *req, struct srv_response *res, struct jm_arena *a,
                      struct note_req *n)
{
    struct jm__jv *v;
    struct jm_error err = {0};
    if (jm__json_parse(req->body, req->body_len, a, &v, &err)) {
        srv_error(res, 400, "bad_json", "the body is not JSON: %s", err.msg);
        return false;
    }
    const char *lane = str_member(v, "lane"), *kind = str_member(v, "kind"), *why;
    n->stage = str_member(v, "stage");
    n->message = str_member(v, "message");
    if (!n->stage)
        srv_error(res, 400, "bad_argument", "\"stage\" must be a stage key");
    else if (!lane || !lane_parse(lane, &n->lane))
        srv_error(res, 400, "bad_argument",
                  "\"lane\" must be a lane key (pain_points, opportunities, thinking...)");
    else if (!kind || !jm_annotation_kind_parse(kind, &n->kind))
        srv_error(res, 400, "bad_argument",
                  "\"kind\" must be \"pain_point\", \"opportunity\" or \"note\"");
    else if ((why = text_parse(v, &n->text)) != NULL)
        srv_error(res, 400, "bad_argument", "%s", why);
    else
        return true;
    return false;
}

/* ---------------------------------------------------------------- changing */

static bool id_taken(const struct jm_journey *j, const char *id)
{
    for (size_t s = 0; s < j->n_stages; s++)
        for (size_t a = 0; a < j->stages[s].n_annotations; a++)
            if (strcmp(j->stages[s].annotations[a].id, id) == 0)
                return true;
    return false;
}

static jm_status new_id(const struct jm_journey *j, char id[ID_RANDOM_LEN + 2],
                        struct jm_error *err)
{
    for (int i = 0; i < ID_TRIES; i++) {
        id[0] = 'a';
        jm_status rc = jm_random_token(id + 1, ID_RANDOM_LEN, err);
        if (rc || !id_taken(j, id))
            return rc;
    }
    return jm_error_set(err, JM_ECONFLICT, "no free annotation id after %d tries", ID_TRIES);
}

/* Appends a copy of `n` to stage `s` of `j` (copies in j's arena) into *out. */
static jm_status add_note(struct jm_journey *j, size_t s, const struct note_req *n,
                          const struct srv_caller *who, int64_t now, struct jm_annotation **out,
                          struct jm_error *err)
{
    struct jm_stage *st = &j->stages[s];
    char id[ID_RANDOM_LEN + 2];
    jm_status rc = new_id(j, id, err);
    if (rc)
        return rc;
    struct jm_annotation *arr = jm_arena_alloc(&j->arena, (st->n_annotations + 1) * sizeof *arr);
    if (!arr)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    if (st->n_annotations)
        memcpy(arr, st->annotations, st->n_annotations * sizeof *arr);
    struct jm_annotation *a = &arr[st->n_annotations];
    memset(a, 0, sizeof *a);
    a->id = jm_arena_strdup(&j->arena, id);
    a->lane = n->lane;
    a->kind = n->kind;
    for (int l = 0; l < JM_LANG__COUNT; l++)
        a->text.s[l] = n->text.s[l] ? jm_arena_strdup(&j->arena, n->text.s[l]) : NULL;
    a->author = jm_arena_strdup(&j->arena, who->name);
    /* Whole seconds: what the definition's `at` keeps, so the answer equals what is stored. */
    a->at = now - now % JM_US_PER_SEC;
    if (j->arena.failed)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    st->annotations = arr;
    st->n_annotations++;
    *out = a;
    return JM_OK;
}

/* Writes `j` in both languages and saves it, answering with `extra` ("annotation": ...). */
static void save_edit(struct srv_request *req, struct srv_response *res, const struct jm_journey *j,
                      const char *message, int status, const struct jm_strbuf *extra)
{
    struct jm_strbuf out = JM_STRBUF_INIT;
    struct jm_error err = {0};
    jm_status rc = jm_journey_write(j, JM_LANG__COUNT, &out, &err);
    if (rc)
        srv_fail(res, rc, &err);
    else
        srv_journey_save(req, res, j->key, out.buf, out.len, message, status, extra->buf);
    jm_strbuf_release(&out);
}

static void post_locked(struct srv_request *req, struct srv_response *res, const struct note_req *n)
{
    struct srv_journey_text g = SRV_JOURNEY_TEXT_INIT;
    struct jm_strbuf extra = JM_STRBUF_INIT;
    struct jm_journey *j = NULL;
    struct jm_annotation *a = NULL;
    struct jm_error err = {0};
    int s = -1;
    jm_status rc = load(req, req->params[0], 0, INT64_MAX, &g, &j, &err);
    if (!rc && (s = jm_journey_stage(j, n->stage)) < 0)
        rc = jm_error_set(&err, JM_ENOTFOUND, "no stage '%s' in journey '%s'", n->stage, j->key);
    if (!rc)
        rc = add_note(j, (size_t)s, n, &req->caller, req->received, &a, &err);
    if (rc) {
        srv_fail(res, rc, &err);
    } else {
        char msg[160];
        snprintf(msg, sizeof msg, "add %s %s to %s of %s", jm_annotation_kind_key(a->kind), a->id,
                 jm_lane_key(a->lane), n->stage);
        jm_strbuf_addstr(&extra, ",\"annotation\":");
        annotation_json(&extra, n->stage, a);
        save_edit(req, res, j, n->message ? n->message : msg, 201, &extra);
    }
    jm_strbuf_release(&extra);
    jm_journey_free(j);
    srv_journey_text_release(&g);
}

void srv_post_annotation(struct srv_request *req, struct srv_response *res)
{
    struct jm_arena a = JM_ARENA_INIT;
    struct note_req n;
    if (note_body(req, res, &a, &n)) {
        srv_journey_edit_lock();
        post_locked(req, res, &n);
        srv_journey_edit_unlock();
    }
    jm_arena_release(&a);
}

/* Removes annotation `id` from `j` into *gone (a copy); false when there is none. */
static bool remove_note(struct jm_journey *j, const char *id, struct jm_annotation *gone,
                        const char **stage)
{
    for (size_t s = 0; s < j->n_stages; s++) {
        struct jm_stage *st = &j->stages[s];
        for (size_t a = 0; a < st->n_annotations; a++) {
            if (strcmp(st->annotations[a].id, id) != 0)
                continue;
            *gone = st->annotations[a];
            *stage = st->key;
            memmove(&st->annotations[a], &st->annotations[a + 1],
                    (st->n_annotations - a - 1) * sizeof *st->annotations);
            st->n_annotations--;
            return true;
        }
    }
    return false;
}

static void delete_locked(struct srv_request *req, struct srv_response *res)
{
    struct srv_journey_text g = SRV_JOURNEY_TEXT_INIT;
    struct jm_strbuf extra = JM_STRBUF_INIT;
    struct jm_journey *j = NULL;
    struct jm_annotation gone;
    struct jm_error err = {0};
    const char *key = req->params[0], *id = req->params[1], *stage = NULL;
    jm_status rc = load(req, key, 0, INT64_MAX, &g, &j, &err);
    if (!rc && !remove_note(j, id, &gone, &stage))
        rc = jm_error_set(&err, JM_ENOTFOUND, "no annotation '%s' in journey '%s'", id, key);
    if (rc) {
        srv_fail(res, rc, &err);
    } else {
        char msg[160];
        snprintf(msg, sizeof msg, "remove %s %s from %s of %s", jm_annotation_kind_key(gone.kind),
                 id, jm_lane_key(gone.lane), stage);
        jm_strbuf_addstr(&extra, ",\"annotation\":");
        annotation_json(&extra, stage, &gone);
        save_edit(req, res, j, msg, 200, &extra);
    }
    jm_strbuf_release(&extra);
    jm_journey_free(j);
    srv_journey_text_release(&g);
}

void srv_delete_annotation(struct srv_request *req, struct srv_response *res)
{
    srv_journey_edit_lock();
    delete_locked(req, res);
    srv_journey_edit_unlock();
}
