/*
 * The map's stage columns: owner and handoff, the funnel numbers, the emotion (measured where
 * surveys or sentiment exist, else authored), touchpoints and channels seen in the stage, KPIs
 * judged against their targets, buying-committee coverage, and each text lane's cell.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "map/internal.h"

#define MAX_TOUCHPOINTS 8
#define MAX_CHANNELS    6
#define NEAR_GAP        0.10 /* a KPI within 10% of its target is "near" */

static bool owned_by(const char *owner, const char *const *teams)
{
    for (size_t i = 0; owner && teams && teams[i]; i++)
        if (strcasecmp(owner, teams[i]) == 0)
            return true;
    return false;
}

/* Owner, view and handoff of each stage, and the owning teams in order. A view whose teams own
 * no stage shows all of them. */
static void owners(struct jm__builder *b, const struct jm_map_options *o)
{
    const struct jm__view *v = jm__map_view(o->view);
    const struct jm_journey *j = b->j;
    bool any = false;
    for (size_t s = 0; s < j->n_stages; s++)
        any |= owned_by(j->stages[s].owner, v->teams);
    struct jm_map *m = b->m;
    m->teams = jm__map_alloc(b, j->n_stages, sizeof(*m->teams));
    for (size_t s = 0; s < j->n_stages; s++) {
        struct jm_map_stage *st = &b->m->stages[s];
        const char *owner = j->stages[s].owner,
                   *next = s + 1 < j->n_stages ? j->stages[s + 1].owner : NULL;
        st->owner = jm__map_str(b, owner);
        st->owner_name = jm__map_str(b, jm__map_team_name(owner, b->lang));
        st->in_view = !v->teams || !any || owned_by(owner, v->teams);
        st->handoff = owner && next && strcasecmp(owner, next) != 0;
        bool known = !owner || !*owner || !m->teams;
        for (size_t t = 0; !known && t < m->n_teams; t++)
            known = strcmp(m->teams[t].key, owner) == 0;
        if (!known)
            m->teams[m->n_teams++] = (struct jm_map_team){st->owner, st->owner_name};
    }
}

static void funnel(struct jm__builder *b, size_t s)
{
    struct jm_map_stage *st = &b->m->stages[s];
    const struct jm_stage_result *sr = &b->r->groups[0].stages[s];
    st->reached = sr->reached;
    st->converted = sr->converted;
    st->dropped = sr->dropped;
    st->skipped = sr->skipped;
    st->entered = sr->entered;
    st->rate = sr->rate;
    st->in_stage = sr->in_stage;
    st->idle = b->r->idle_by_stage[s];
}

/* Units in each stage at the end of the data: one pass over the units for every stage. */
static void now_in(struct jm__builder *b)
{
    for (size_t u = 0; u < b->tl->n_units; u++) {
        uint16_t s = jm_timelines_stage_at(b->tl, u, INT64_MAX);
        if (s != JM_NO_STAGE && (!b->r->unit_in || b->r->unit_in[u]))
            b->m->stages[s].now_in++;
    }
}

/* Measured emotion: the mean of the survey mean and the sentiment mean, those that exist. */
static void emotion(struct jm__builder *b, size_t s)
{
    struct jm_map_stage *st = &b->m->stages[s];
    const struct jm_stage_activity *a = &b->act->stages[s];
    const struct jm_stage *def = &b->j->stages[s];
    st->n_surveys = a->n_surveys;
    st->n_sentiment = a->n_sentiment;
    st->nps = a->nps;
    st->sentiment = a->sentiment;
    st->events = a->events;
    double sum = 0;
    int n = 0;
    if (isfinite(a->emotion))
        sum += a->emotion, n++;
    if (isfinite(a->sentiment))
        sum += a->sentiment, n++;
    st->emotion_measured = n > 0;
    st->emotion = n ? sum / n : def->has_emotion ? def->emotion : NAN;
    st->future_emotion = def->has_future_emotion ? def->future_emotion : NAN;
}

/* The highest and the lowest point of the curve, when it has a shape (three points or more). */
static void peaks(struct jm_map *m)
{
    size_t hi = JM_NONE, lo = JM_NONE, n = 0;
    for (size_t s = 0; s < m->n_stages; s++) {
        double e = m->stages[s].emotion;
        if (!isfinite(e))
            continue;
        n++;
        if (hi == JM_NONE || e > m->stages[hi].emotion)
            hi = s;
        if (lo == JM_NONE || e < m->stages[lo].emotion)
            lo = s;
    }
    if (n < 3 || m->stages[hi].emotion == m->stages[lo].emotion)
        return;
    m->stages[hi].emotion_mark = 1;
    m->stages[lo].emotion_mark = -1;
}

static int touchpoint_cmp(const void *x, const void *y)
{
    const struct jm_map_touchpoint *a = x, *b = y;
    return a->events != b->events ? (a->events < b->events ? 1 : -1) : strcmp(a->key, b->key);
}

/* The catalog's touchpoints of the stage, then others seen there, each by events. */
static void touchpoints(struct jm__builder *b, size_t s)
{
    const struct jm_store *store = jm_dataset_store(b->tl->ds);
    const struct jm_stage_activity *a = &b->act->stages[s];
    const struct jm_journey *j = b->j;
    struct jm_map_stage *st = &b->m->stages[s];
    size_t cap = j->n_touchpoints + b->act->n_touchpoints, n = 0, n_catalog = 0;
    struct jm_map_touchpoint *v = jm__map_alloc(b, cap, sizeof(*v));
    uint8_t *seen = jm_calloc(b->act->n_touchpoints + 1, 1);
    if (!v || !seen) {
        b->oom = true;
        jm_free(seen);
        return;
    }
    for (size_t t = 0; t < j->n_touchpoints; t++) {
        const struct jm_touchpoint_def *d = &j->touchpoints[t];
        int64_t id = jm_store_lookup(store, JM_STORE_TOUCHPOINT, d->key, strlen(d->key));
        if (id > 0)
            seen[id] = 1;
        uint64_t ev = id > 0 ? a->by_touchpoint[id] : 0;
        if (!(d->stage && d->stage_index == s) && !ev)
            continue;
        v[n++] = (struct jm_map_touchpoint){jm__map_str(b, d->key),
                                            jm__map_text(b, &d->name),
                                            jm__map_str(b, d->channel),
                                            jm__map_str(b, jm__map_team_name(d->owner, b->lang)),
                                            ev,
                                            0};
    }
    n_catalog = n;
    for (size_t id = 1; id < b->act->n_touchpoints; id++)
        if (!seen[id] && a->by_touchpoint[id]) {
            const char *key = jm__map_str(b, jm_store_text(store, JM_STORE_TOUCHPOINT, id, NULL));
            v[n++] = (struct jm_map_touchpoint){key, key, "", "", a->by_touchpoint[id], 0};
        }
    jm_free(seen);
    jm__qsort(v, n_catalog, sizeof(*v), touchpoint_cmp);
    jm__qsort(v + n_catalog, n - n_catalog, sizeof(*v), touchpoint_cmp);
    st->n_touchpoints = n < MAX_TOUCHPOINTS ? n : MAX_TOUCHPOINTS;
    st->touchpoints = v;
    for (size_t i = 0; i < n; i++)
        v[i].share = a->events ? (double)v[i].events / (double)a->events : 0;
}

static int share_cmp(const void *x, const void *y)
{
    const struct jm_map_share *a = x, *b = y;
    return a->events != b->events ? (a->events < b->events ? 1 : -1) : strcmp(a->label, b->label);
}

static void channels(struct jm__builder *b, size_t s)
{
    const struct jm_stage_activity *a = &b->act->stages[s];
    struct jm_map_stage *st = &b->m->stages[s];
    st->channels = jm__map_alloc(b, b->act->n_groups, sizeof(*st->channels));
    size_t n = 0;
    for (size_t g = 0; st->channels && g < b->act->n_groups; g++)
        if (a->by_group[g])
            st->channels[n++] =
                (struct jm_map_share){jm__map_str(b, b->act->group_names[g]), a->by_group[g],
                                      (double)a->by_group[g] / (double)a->events};
    if (st->channels)
        jm__qsort(st->channels, n, sizeof(*st->channels), share_cmp);
    st->n_channels = n < MAX_CHANNELS ? n : MAX_CHANNELS;
}

/* "42.5%", "12.3 days", "-12", "1,204". */
static const char *kpi_value(struct jm__builder *b, enum jm_kpi_metric m, double x)
{
    if (!isfinite(x))
        return "—";
    switch (m) {
    case JM_KPI_CONVERSION_RATE:
    case JM_KPI_WIN_RATE:
    case JM_KPI_DMU_COVERAGE:
    case JM_KPI_NRR:
        return jm__map_printf(b, "%.1f%%", 100 * x);
    case JM_KPI_MEDIAN_DAYS:
        return jm__map_printf(b, "%.1f %s", x, jm__map_ui(JM_UI_DAYS, b->lang));
    case JM_KPI_NPS:
        return jm__map_printf(b, "%+.0f", x);
    default:
        return jm__map_printf(b, "%.0f", x);
    }
}

static void kpi(struct jm__builder *b, const struct jm_kpi_result *k, struct jm_map_kpi *out)
{
    const struct jm_kpi *def = k->kpi;
    const struct jm_touchpoint_def *tp =
        k->touchpoint ? jm_journey_touchpoint(b->j, k->touchpoint) : NULL;
    out->name =
        jm_text_empty(&def->name) ? jm_kpi_name(def->metric, b->lang) : jm__map_text(b, &def->name);
    out->metric = jm_kpi_key(def->metric);
    out->touchpoint = tp              ? jm__map_text(b, &tp->name)
                      : k->touchpoint ? jm__map_str(b, k->touchpoint)
                                      : NULL;
    out->measured = k->measured;
    out->target = def->target;
    out->higher_is_better = jm_kpi_higher_is_better(def->metric);
    out->percent = def->metric == JM_KPI_CONVERSION_RATE || def->metric == JM_KPI_WIN_RATE ||
                   def->metric == JM_KPI_DMU_COVERAGE || def->metric == JM_KPI_NRR;
    out->status = !isfinite(k->measured)     ? JM_STATUS_NO_DATA
                  : k->met                   ? JM_STATUS_MET
                  : fabs(k->gap) <= NEAR_GAP ? JM_STATUS_NEAR
                                             : JM_STATUS_MISSED;
    out->measured_text = kpi_value(b, def->metric, k->measured);
    out->target_text = kpi_value(b, def->metric, def->target);
}

/* The stage's KPIs, and those of touchpoints that usually belong to it. */
static void kpis(struct jm__builder *b, size_t s)
{
    struct jm_map_stage *st = &b->m->stages[s];
    st->kpis = jm__map_alloc(b, b->r->n_kpis, sizeof(*st->kpis));
    for (size_t i = 0; st->kpis && i < b->r->n_kpis; i++) {
        const struct jm_kpi_result *k = &b->r->kpis[i];
        const struct jm_touchpoint_def *tp =
            k->touchpoint ? jm_journey_touchpoint(b->j, k->touchpoint) : NULL;
        bool here = k->touchpoint ? tp && tp->stage && tp->stage_index == s : k->stage == s;
        if (here)
            kpi(b, k, &st->kpis[st->n_kpis++]);
    }
}

static bool is_key_role(const struct jm_stage *def, const char *role)
{
    for (size_t i = 0; i < def->dmu_roles.n; i++)
        if (strcmp(def->dmu_roles.v[i], role) == 0)
            return true;
    return false;
}

/* Every DMU role the data knows, key roles of the stage first. */
static void roles(struct jm__builder *b, size_t s)
{
    const struct jm_timelines *tl = b->tl;
    const struct jm_stage *def = &b->j->stages[s];
    struct jm_map_stage *st = &b->m->stages[s];
    st->roles = jm__map_alloc(b, tl->n_roles, sizeof(*st->roles));
    for (int pass = 0; st->roles && pass < 2; pass++)
        for (size_t r = 0; r < tl->n_roles; r++) {
            bool key = is_key_role(def, tl->role_keys[r]);
            if (key != (pass == 0))
                continue;
            st->roles[st->n_roles++] = (struct jm_map_role){
                jm__map_str(b, tl->role_keys[r]),
                jm__map_str(b, jm_journey_role_name(b->j, tl->role_keys[r], b->lang)), key,
                b->r->dmu_coverage[s * tl->n_roles + r]};
        }
}

/*
 * The annotations of lane `l` as "Pain point: text" in the map's language. The kind goes into
 * the text because the renderers draw a note as one string: a pain point noted in the
 * opportunities lane must still read as one.
 */
static void notes(struct jm__builder *b, const struct jm_stage *def, size_t l,
                  struct jm_map_cell *c)
{
    size_t n = 0;
    for (size_t a = 0; a < def->n_annotations; a++)
        n += def->annotations[a].lane == (enum jm_lane)l;
    c->notes = jm__map_alloc(b, n, sizeof(char *));
    for (size_t a = 0; c->notes && a < def->n_annotations; a++) {
        const struct jm_annotation *an = &def->annotations[a];
        if (an->lane != (enum jm_lane)l)
            continue;
        const char *kind = jm_annotation_kind_name(an->kind, b->lang);
        const char *text = jm_text_get(&an->text, b->lang);
        size_t klen = strlen(kind), tlen = strlen(text);
        char *s = jm__map_alloc(b, klen + tlen + 3, 1);
        if (!s)
            return;
        memcpy(s, kind, klen);
        memcpy(s + klen, ": ", 2);
        memcpy(s + klen + 2, text, tlen + 1);
        c->notes[c->n_notes++] = s;
    }
}

static void cells(struct jm__builder *b, size_t s)
{
    const struct jm_stage *def = &b->j->stages[s];
    struct jm_map_stage *st = &b->m->stages[s];
    for (size_t l = 0; l < JM_LANE__COUNT; l++) {
        struct jm_map_cell *c = &st->cells[l];
        c->items = jm__map_texts(b, &def->lanes[l], &c->n);
        c->future = jm__map_texts(b, &def->future[l], &c->n_future);
        notes(b, def, l, c);
    }
}

void jm__map_stages(struct jm__builder *b, const struct jm_map_options *o)
{
    const struct jm_journey *j = b->j;
    struct jm_map *m = b->m;
    m->stages = jm__map_alloc(b, j->n_stages, sizeof(*m->stages));
    if (!m->stages)
        return;
    m->n_stages = j->n_stages;
    owners(b, o);
    for (size_t s = 0; s < j->n_stages; s++) {
        struct jm_map_stage *st = &m->stages[s];
        st->key = jm__map_str(b, j->stages[s].key);
        st->name = jm__map_text(b, &j->stages[s].name);
        st->active = j->stages[s].active;
        funnel(b, s);
        emotion(b, s);
        touchpoints(b, s);
        channels(b, s);
        kpis(b, s);
        roles(b, s);
        cells(b, s);
    }
    now_in(b);
    peaks(m);
}
