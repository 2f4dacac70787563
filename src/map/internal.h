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

#endif /* JM_MAP_INTERNAL_H */
