/*
 * The map builder's insides: its phrases in each language, and the team views (which lanes and
 * panels each shows, and which stages it puts forward).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_MAP_INTERNAL_H
#define JM_MAP_INTERNAL_H

#include "base/internal.h"
#include "journeymap/map.h"

/* The UI phrase `u` in `lang`. */
const char *jm__map_ui(enum jm_map_ui u, enum jm_lang lang);
/* A team's name ("marketing" -> "Marketing" / "Tiếp thị"); the key itself when unknown. */
const char *jm__map_team_name(const char *team, enum jm_lang lang);
/* The heading of a measured lane (touchpoints, channels, emotion, kpis, dmu). */
const char *jm__map_lane_name(enum jm_map_lane_kind kind, enum jm_lang lang);

/* One row of a view: a measured lane, or a text lane with an optional heading of its own. */
struct jm__view_lane {
    enum jm_map_lane_kind kind;
    enum jm_lane lane;
    const char *name[JM_LANG__COUNT]; /* NULL: the lane's usual heading */
};

struct jm__view {
    const char *key;
    const char *name[JM_LANG__COUNT];
    const char *const *teams; /* stage owners this view puts forward; NULL: every stage */
    struct jm_map_panels panels;
    size_t n_lanes;
    const struct jm__view_lane *lanes;
};
const struct jm__view *jm__map_view(enum jm_map_view v);

/* A map under construction: the inputs, and a sticky out-of-memory flag the copy helpers set
 * so the steps read straight through (jm_map_build checks it once at the end). */
struct jm__builder {
    struct jm_map *m;
    const struct jm_journey *j;
    enum jm_lang lang;
    struct jm_timelines *tl;
    struct jm_report *r;
    struct jm_activity *act;
    bool oom;
};
/* Copies into the map's arena ("" for NULL; "" and b->oom set when out of memory). */
const char *jm__map_str(struct jm__builder *b, const char *s);
const char *jm__map_text(struct jm__builder *b, const struct jm_text *t);
const char *jm__map_printf(struct jm__builder *b, const char *fmt, ...) JM_PRINTF(2, 3);
const char **jm__map_texts(struct jm__builder *b, const struct jm_text_list *l, size_t *n);
/* n zeroed elements from the map's arena, or NULL (b->oom set). */
void *jm__map_alloc(struct jm__builder *b, size_t n, size_t size);

/* The panels shown, the Voice lane's numbers and the insight panels (insights.c); after the
 * stage columns, before the lanes. */
void jm__map_insights(struct jm__builder *b, const struct jm_map_options *o);
/* The stage columns (stages.c) and persona cards (personas.c). */
void jm__map_stages(struct jm__builder *b, const struct jm_map_options *o);
void jm__map_personas(struct jm__builder *b, const struct jm_map_options *o);
/* in[u] = 1 for each unit persona `p` describes. */
void jm__map_persona_mask(struct jm__builder *b, const struct jm_persona *p, uint8_t *in);

#endif /* JM_MAP_INTERNAL_H */
