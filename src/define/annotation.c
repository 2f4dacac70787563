/*
 * Annotations on map cells (define.h): their kinds, and their parse from a stage's
 * `annotations:` list.
 *
 *   annotations:
 *     - {id: a1, lane: pain_points, kind: pain_point, text: {en: ..., vi: ...},
 *        author: "Lan (sales)", at: 2025-03-05T14:30:00Z}
 *
 * Ids are unique within the whole journey, not only the stage: the web app and the API edit
 * and delete an annotation by its id alone.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "define/parse.h"

static const struct {
    const char *key, *name[JM_LANG__COUNT];
} kinds[JM_ANNOTATION__COUNT] = {
    [JM_ANNOTATION_PAIN_POINT] = {"pain_point", {"Pain point", "Điểm đau"}},
    [JM_ANNOTATION_OPPORTUNITY] = {"opportunity", {"Opportunity", "Cơ hội"}},
    [JM_ANNOTATION_NOTE] = {"note", {"Note", "Ghi chú"}},
};

const char *jm_annotation_kind_key(enum jm_annotation_kind k)
{
    return (unsigned)k < JM_ANNOTATION__COUNT ? kinds[k].key : "";
}

const char *jm_annotation_kind_name(enum jm_annotation_kind k, enum jm_lang lang)
{
    if ((unsigned)k >= JM_ANNOTATION__COUNT)
        return "";
    return kinds[k].name[(unsigned)lang < JM_LANG__COUNT ? lang : JM_LANG_EN];
}

bool jm_annotation_kind_parse(const char *s, enum jm_annotation_kind *out)
{
    for (int k = 0; s && k < JM_ANNOTATION__COUNT; k++)
        if (strcmp(s, kinds[k].key) == 0) {
            *out = (enum jm_annotation_kind)k;
            return true;
        }
    return false;
}

static const char *const annotation_keys[] = {"id", "lane", "kind", "text", "author", "at", NULL};

/* The annotation `id` already used in this stage (before `upto`) or an earlier one. */
static bool id_taken(const struct jm_journey *j, const struct jm_stage *st, size_t upto,
                     const char *id)
{
    for (size_t s = 0; s < j->n_stages && &j->stages[s] != st; s++)
        for (size_t a = 0; a < j->stages[s].n_annotations; a++)
            if (strcmp(j->stages[s].annotations[a].id, id) == 0)
                return true;
    for (size_t a = 0; a < upto; a++)
        if (strcmp(st->annotations[a].id, id) == 0)
            return true;
    return false;
}

static jm_status annotation_at(struct jm_defparse *p, const struct jm_ynode *n, int64_t *at)
{
    const char *s;
    jm_status rc = jm__def_str(p, n, "at", &s);
    if (rc)
        return rc;
    struct jm_error why;
    if (jm_time_parse(s, strlen(s), NULL, at, &why))
        return jm__def_fail(p, n,
                            "at: expected an ISO-8601 time such as 2025-03-05T14:30:00Z, "
                            "not '%s'",
                            s);
    return JM_OK;
}

/* Fills `a` from mapping `n`; lane, kind and text are required. */
static jm_status annotation(struct jm_defparse *p, const struct jm_ynode *n,
                            struct jm_annotation *a)
{
    const char *lane_keys[JM_LANE__COUNT + 1] = {NULL};
    const char *kind_keys[JM_ANNOTATION__COUNT + 1] = {NULL};
    for (int l = 0; l < JM_LANE__COUNT; l++)
        lane_keys[l] = jm_lane_key((enum jm_lane)l);
    for (int k = 0; k < JM_ANNOTATION__COUNT; k++)
        kind_keys[k] = kinds[k].key;
    const char *const need[] = {"id", "lane", "kind", "text"};
    jm_status rc = jm__def_map(p, n, "an annotation", annotation_keys);
    for (size_t i = 0; !rc && i < 4; i++)
        if (!jm__def_get(n, need[i]))
            rc = jm__def_fail(p, n, "an annotation needs %s", need[i]);
    int lane = 0, kind = 0;
    const struct jm_ynode *x;
    a->line = n->line;
    a->column = n->column;
    a->author = "";
    a->at = JM_TIME_NONE;
    if (!rc)
        rc = jm__def_key(p, jm__def_get(n, "id"), "annotation id", &a->id);
    if (!rc)
        rc = jm__def_enum(p, jm__def_get(n, "lane"), "lane", lane_keys, &lane);
    if (!rc)
        rc = jm__def_enum(p, jm__def_get(n, "kind"), "kind", kind_keys, &kind);
    if (!rc)
        rc = jm__def_text(p, jm__def_get(n, "text"), "text", &a->text);
    if (!rc && jm_text_empty(&a->text))
        rc = jm__def_fail(p, jm__def_get(n, "text"), "an annotation's text must not be empty");
    if (!rc && (x = jm__def_get(n, "author")))
        rc = jm__def_str(p, x, "author", &a->author);
    if (!rc && (x = jm__def_get(n, "at")))
        rc = annotation_at(p, x, &a->at);
    a->lane = (enum jm_lane)lane;
    a->kind = (enum jm_annotation_kind)kind;
    return rc;
}

jm_status jm__def_annotations(struct jm_defparse *p, const struct jm_ynode *n, struct jm_stage *st)
{
    jm_status rc = jm__yexpect(&p->doc, n, JM_Y_SEQ, "annotations");
    if (!rc)
        rc = jm__def_array(p, n->n, sizeof(*st->annotations), (void **)&st->annotations);
    for (size_t i = 0; !rc && i < n->n; i++) {
        struct jm_annotation *a = &st->annotations[i];
        rc = annotation(p, n->items[i], a);
        if (!rc && id_taken(p->j, st, i, a->id))
            rc = jm__def_fail(p, jm__def_get(n->items[i], "id"), "duplicate annotation id '%s'",
                              a->id);
        if (!rc)
            st->n_annotations = i + 1;
    }
    return rc;
}
