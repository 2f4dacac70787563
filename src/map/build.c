/*
 * jm_map_build: runs the journey, analyses it and measures what happened in each stage, then
 * copies into one arena everything a renderer shows -- the definition's texts in the map's
 * language, the numbers, and the phrases around them -- so the map outlives the journey, the
 * dataset and the report it came from.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <stdarg.h>

#include "map/internal.h"

const char *jm__map_str(struct jm__builder *b, const char *s)
{
    const char *c = jm_arena_strdup(&b->m->arena, s ? s : "");
    if (!c)
        b->oom = true;
    return c ? c : "";
}

const char *jm__map_text(struct jm__builder *b, const struct jm_text *t)
{
    return jm__map_str(b, jm_text_get(t, b->lang));
}

const char *jm__map_printf(struct jm__builder *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return jm__map_str(b, buf);
}

void *jm__map_alloc(struct jm__builder *b, size_t n, size_t size)
{
    void *p = jm_arena_alloc(&b->m->arena, n * size + 1);
    if (!p)
        b->oom = true;
    else
        memset(p, 0, n * size + 1);
    return p;
}

const char **jm__map_texts(struct jm__builder *b, const struct jm_text_list *l, size_t *n)
{
    const char **v = jm__map_alloc(b, l->n, sizeof(char *));
    *n = 0;
    for (size_t i = 0; v && i < l->n; i++)
        v[(*n)++] = jm__map_text(b, &l->items[i]);
    return v;
}

static const char *date_text(struct jm__builder *b, int64_t t)
{
    char buf[40];
    jm_time_format(t, true, buf, sizeof(buf));
    return jm__map_str(b, buf);
}

static void header(struct jm__builder *b, const struct jm_map_options *o)
{
    struct jm_map *m = b->m;
    const struct jm_journey *j = b->j;
    const struct jm__view *v = jm__map_view(o->view);
    m->lang = b->lang;
    m->lang_code = jm_lang_code(b->lang);
    m->view = o->view;
    m->view_key = v->key;
    m->state = o->state;
    m->journey_key = jm__map_str(b, j->key);
    m->journey_name = jm__map_text(b, &j->name);
    m->title = o->title && *o->title ? jm__map_printf(b, "%s — %s", o->title, m->journey_name)
                                     : m->journey_name;
    m->level = b->tl->level == JM_LEVEL_ACCOUNT ? "account" : "contact";
    for (size_t u = 0; u < JM_UI__COUNT; u++)
        m->ui[u] = jm__map_ui((enum jm_map_ui)u, b->lang);
    m->ui[JM_UI_VIEW] = v->name[b->lang == JM_LANG_VI];
    if (b->tl->level == JM_LEVEL_CONTACT)
        m->ui[JM_UI_UNITS] = b->lang == JM_LANG_VI ? "liên hệ" : "contacts";
    m->from = b->r->opts.from;
    m->to = b->r->opts.to;
    m->as_of = b->tl->as_of;
    m->as_of_text = date_text(b, b->tl->as_of);
    if (m->from == INT64_MIN && m->to == INT64_MAX)
        m->period_text = m->ui[JM_UI_ALL_TIME];
    else
        m->period_text = jm__map_printf(
            b, "%s – %s", m->from == INT64_MIN ? "…" : date_text(b, m->from),
            m->to == INT64_MAX ? "…" : date_text(b, m->to - 1)); /* `to` is exclusive */
    m->units = b->r->groups[0].units;
}

/* Whether any stage has something to show in lane `vl`: a lane empty across the whole map
 * (no text written, no survey and no authored emotion, no committee data) is left out. */
static bool lane_has_content(const struct jm_map *m, const struct jm__view_lane *vl)
{
    for (size_t s = 0; s < m->n_stages; s++) {
        const struct jm_map_stage *st = &m->stages[s];
        const struct jm_map_cell *c = &st->cells[vl->lane];
        switch (vl->kind) {
        case JM_MAP_LANE_TEXT:
            if (c->n || c->n_notes || (m->state != JM_STATE_CURRENT && c->n_future))
                return true;
            break;
        case JM_MAP_LANE_TOUCHPOINTS:
            if (st->n_touchpoints)
                return true;
            break;
        case JM_MAP_LANE_CHANNELS:
            if (st->n_channels)
                return true;
            break;
        case JM_MAP_LANE_EMOTION:
            if (isfinite(st->emotion) || isfinite(st->future_emotion))
                return true;
            break;
        case JM_MAP_LANE_KPIS:
            if (st->n_kpis)
                return true;
            break;
        case JM_MAP_LANE_DMU:
            for (size_t r = 0; r < st->n_roles; r++)
                if (st->roles[r].coverage > 0)
                    return true;
            break;
        case JM_MAP_LANE_VOICE:
            for (size_t k = 0; k < JM_SURVEY__COUNT; k++)
                if (st->voice[k].n)
                    return true;
            break;
        }
    }
    return false;
}

/* The view's lanes that have something to show, with their headings in this view. */
static void lanes(struct jm__builder *b, const struct jm_map_options *o)
{
    static const char *const keys[] = {"",     "touchpoints", "channels", "emotion",
                                       "kpis", "dmu",         "voice"};
    const struct jm__view *v = jm__map_view(o->view);
    struct jm_map *m = b->m;
    m->lanes = jm__map_alloc(b, v->n_lanes, sizeof(*m->lanes));
    for (size_t i = 0; m->lanes && i < v->n_lanes; i++) {
        const struct jm__view_lane *vl = &v->lanes[i];
        if (!lane_has_content(m, vl))
            continue;
        struct jm_map_lane *l = &m->lanes[m->n_lanes++];
        l->kind = vl->kind;
        l->lane = vl->lane;
        l->key = vl->kind == JM_MAP_LANE_TEXT ? jm_lane_key(vl->lane) : keys[vl->kind];
        const char *own = vl->name[b->lang == JM_LANG_VI];
        l->name = own                            ? own
                  : vl->kind == JM_MAP_LANE_TEXT ? jm_lane_name(vl->lane, b->lang)
                                                 : jm__map_lane_name(vl->kind, b->lang);
    }
}

/* Copies the breaks into words; the stage of each, for the markers on the map. */
static void breaks(struct jm__builder *b, const struct jm_map_options *o)
{
    static const char *const kinds[] = {"drop", "kpi", "last_touch", "dmu", "stall"};
    struct jm_map *m = b->m;
    size_t max = o->max_breaks ? o->max_breaks : 8, n = b->r->n_breaks < max ? b->r->n_breaks : max;
    m->breaks = jm__map_alloc(b, n, sizeof(*m->breaks));
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 0);
    for (size_t i = 0; m->breaks && i < n; i++) {
        const struct jm_break_point *bp = &b->r->breaks[i];
        struct jm_map_break *x = &m->breaks[m->n_breaks++];
        x->kind = kinds[bp->kind];
        x->stage = bp->stage < b->tl->n_stages ? (uint32_t)bp->stage : JM_NONE;
        x->severity = bp->severity;
        jm_strbuf_reset(&sb);
        if (jm_break_headline(b->r, bp, b->lang, &sb))
            b->oom = true;
        x->headline = jm__map_str(b, sb.len ? sb.buf : "");
        jm_strbuf_reset(&sb);
        if (jm_break_text(b->r, bp, b->lang, &sb))
            b->oom = true;
        x->text = jm__map_str(b, sb.len ? sb.buf : "");
    }
    jm_strbuf_release(&sb);
}

/* The unit's display name: the account's or contact's name, else its email, else its id. */
static const char *unit_name(const struct jm_timelines *tl, size_t u)
{
    enum jm_entity k = tl->level == JM_LEVEL_ACCOUNT ? JM_ENT_ACCOUNT : JM_ENT_CONTACT;
    const struct jm_entity_def *def = jm_entity_get(k);
    const char *fields[] = {"name", "email"};
    for (size_t i = 0; i < 2; i++) {
        int f = jm_entity_field(def, fields[i]);
        const struct jm_value *v = f < 0 ? NULL : jm_dataset_value(tl->ds, k, tl->unit_row[u], f);
        if (v && v->kind == JM_V_TEXT && *v->s)
            return v->s;
    }
    return jm_timelines_unit_id(tl, u);
}

static void idle(struct jm__builder *b)
{
    const struct jm_report *r = b->r;
    const struct jm_journey *j = b->j;
    struct jm_map *m = b->m;
    m->n_stalled = r->n_stalled;
    m->n_silent = r->n_silent;
    m->idle = jm__map_alloc(b, r->n_idle, sizeof(*m->idle));
    for (size_t i = 0; m->idle && i < r->n_idle; i++) {
        const struct jm_idle_unit *x = &r->idle[i];
        const struct jm_touchpoint_def *tp = jm_journey_touchpoint(j, x->last_touchpoint);
        struct jm_map_idle *y = &m->idle[m->n_idle++];
        y->id = jm__map_str(b, jm_timelines_unit_id(b->tl, x->unit));
        y->name = jm__map_str(b, unit_name(b->tl, x->unit));
        y->stage = (uint32_t)x->stage;
        y->silent = x->kind == JM_IDLE_SILENT;
        y->days_in_stage = x->days_in_stage;
        y->days_silent = x->days_silent;
        y->last_touch = x->last_touch == INT64_MIN ? "" : date_text(b, x->last_touch);
        y->last_touchpoint = tp ? jm__map_text(b, &tp->name) : jm__map_str(b, x->last_touchpoint);
    }
}

/* The Sankey's bands: every non-zero cell of the transition matrix, then the drop-offs. */
static void flows(struct jm__builder *b)
{
    const struct jm_group_result *g = &b->r->groups[0];
    size_t ns = b->tl->n_stages, n = 0;
    struct jm_map *m = b->m;
    m->flows = jm__map_alloc(b, (ns + 1) * ns + ns, sizeof(*m->flows));
    for (size_t from = 0; m->flows && from <= ns; from++)
        for (size_t to = 0; to < ns; to++) {
            uint64_t c = g->transitions[from * ns + to];
            if (!c)
                continue;
            struct jm_map_flow *f = &m->flows[n++];
            f->count = c;
            f->to = (uint32_t)to;
            f->from = from ? (uint32_t)(from - 1) : JM_NONE;
            /* row `from` of the matrix is stage from - 1; row 0 is the start */
            f->kind = !from        ? JM_FLOW_ENTER
                      : to == from ? JM_FLOW_FORWARD
                      : to > from  ? JM_FLOW_SKIP
                                   : JM_FLOW_BACK;
        }
    for (size_t s = 0; m->flows && s + 1 < ns; s++)
        if (g->stages[s].dropped)
            m->flows[n++] =
                (struct jm_map_flow){JM_FLOW_DROP, (uint32_t)s, JM_NONE, g->stages[s].dropped};
    m->n_flows = n;
}

static jm_status finish(struct jm__builder *b, const struct jm_map_options *o)
{
    header(b, o);
    jm__map_stages(b, o);
    jm__map_insights(b, o);
    lanes(b, o);
    flows(b);
    breaks(b, o);
    idle(b);
    jm__map_personas(b, o);
    return b->oom ? JM_ENOMEM : JM_OK;
}

/* The persona filter: person personas pick contacts by their persona field (at account level,
 * the accounts with such a contact); company personas pick accounts whose industry, size band
 * or country matches the persona's, or whose properties say so. */
static jm_status persona_units(struct jm__builder *b, const char *key, uint8_t **in,
                               struct jm_error *err)
{
    const struct jm_persona *p = NULL;
    for (size_t i = 0; i < b->j->n_personas; i++)
        if (strcasecmp(b->j->personas[i].key, key) == 0)
            p = &b->j->personas[i];
    if (!p) {
        char list[256] = "";
        for (size_t i = 0, used = 0; i < b->j->n_personas && used < sizeof(list); i++)
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
                                     b->j->personas[i].key);
        return jm_error_set(err, JM_EINVAL, "no persona '%s' in journey '%s' (personas: %s)", key,
                            b->j->key, *list ? list : "none");
    }
    *in = jm_calloc(b->tl->n_units + 1, 1);
    if (!*in)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    jm__map_persona_mask(b, p, *in);
    return JM_OK;
}

static jm_status build(struct jm__builder *b, const struct jm_map_options *o, struct jm_error *err)
{
    struct jm_analysis_options ao = {.from = o->from, .to = o->to, .max_listed = o->max_listed};
    if (!ao.max_listed)
        ao.max_listed = 12;
    char *seg = NULL;
    uint8_t *in = NULL;
    jm_status rc = JM_OK;
    if (o->segment) {
        const char *eq = strchr(o->segment, '=');
        if (!eq || eq == o->segment)
            return jm_error_set(err, JM_EINVAL,
                                "a segment is PATH=VALUE (e.g. industry=Software), not '%s'",
                                o->segment);
        seg = jm_strndup(o->segment, (size_t)(eq - o->segment));
        if (!seg)
            return jm_error_set(err, JM_ENOMEM, "out of memory");
        ao.filter_by = seg;
        ao.filter_value = eq + 1;
    }
    if (o->persona)
        rc = persona_units(b, o->persona, &in, err);
    ao.units_in = in;
    if (!rc)
        rc = jm_analyze(b->tl, &ao, &b->r, err);
    if (!rc)
        rc = jm_activity_of(b->r, &b->act, err);
    if (!rc && (o->segment || o->persona))
        b->m->filter_text = o->segment ? jm__map_printf(b, "%s = %s", seg, ao.filter_value)
                                       : jm__map_str(b, o->persona);
    if (!rc && finish(b, o))
        rc = jm_error_set(err, JM_ENOMEM, "out of memory building the map");
    jm_free(seg);
    jm_free(in);
    return rc;
}

jm_status jm_map_build(const struct jm_dataset *ds, const struct jm_journey *j,
                       const struct jm_map_options *opts, struct jm_map **out, struct jm_error *err)
{
    *out = NULL;
    struct jm__builder b = {.j = j, .lang = opts->lang};
    b.m = jm_calloc(1, sizeof(*b.m));
    if (!b.m)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    jm_arena_init(&b.m->arena);
    jm_status rc = jm_journey_run(ds, j, &b.tl, err);
    if (!rc)
        rc = build(&b, opts, err);
    jm_activity_free(b.act);
    jm_report_free(b.r);
    jm_timelines_free(b.tl);
    if (rc) {
        jm_map_free(b.m);
        return rc;
    }
    *out = b.m;
    return JM_OK;
}

void jm_map_free(struct jm_map *m)
{
    if (!m)
        return;
    jm_arena_release(&m->arena);
    jm_free(m);
}

void jm_map_store_options(const struct jm_journey *j, const struct jm_map_options *opts,
                          struct jm_store_options *so)
{
    const char *eq = opts->segment ? strchr(opts->segment, '=') : NULL;
    char path[128] = "";
    if (eq && (size_t)(eq - opts->segment) < sizeof(path))
        memcpy(path, opts->segment, (size_t)(eq - opts->segment));
    jm_journey_store_options(j, *path ? path : NULL, so);
    so->fields |= UINT64_C(1) << JM_EV_SENTIMENT;
}
