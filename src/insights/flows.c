/*
 * The paths behind the map's Sankey (jm_paths_flows): one paths computation per stage pair
 * (A, B) with forward moves or skips in the report's "(all)" transitions.
 *
 * A unit's path in flow A -> B is anchored at its first such move in the period: from the
 * move into A that it left from (its latest entry into A before the move) to the move into B.
 * First entries would miss a unit that entered B, went back and moved A -> B again, and the
 * flow's units are exactly those that made the move, as the Sankey counts them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "insights/paths_internal.h"

/* Per unit: whether it made the move, and its anchor times. */
struct movers {
    uint8_t *only;
    int64_t *from_at, *to_at;
};

/* Marks the units that moved a -> b in the period and sets their anchor times. */
static void flow_units(const struct jm_report *r, size_t a, size_t b, struct movers *mv)
{
    uint8_t *only = mv->only;
    int64_t *from_at = mv->from_at, *to_at = mv->to_at;
    const struct jm_timelines *tl = r->tl;
    for (size_t u = 0; u < tl->n_units; u++) {
        only[u] = 0;
        from_at[u] = to_at[u] = INT64_MAX;
        if (!jm__unit_in(r, u))
            continue;
        size_t enter = SIZE_MAX;
        for (size_t k = tl->move_start[u]; k < tl->move_start[u + 1]; k++) {
            const struct jm_move *m = &tl->moves[k];
            if (m->to == a)
                enter = k;
            if (m->from == a && m->to == b && enter != SIZE_MAX &&
                jm__in_period(&r->opts, m->time)) {
                only[u] = 1;
                from_at[u] = tl->moves[enter].time;
                to_at[u] = m->time;
                break;
            }
        }
    }
}

/* The (from, to) pairs to list: forward moves and skips the report counted. */
static size_t count_flows(const struct jm_report *r)
{
    size_t ns = r->tl->n_stages, n = 0;
    for (size_t a = 0; a < ns; a++)
        for (size_t b = a + 1; b < ns; b++)
            n += r->groups[0].transitions[(a + 1) * ns + b] != 0;
    return n;
}

static jm_status one_flow(const struct jm_report *r, size_t limit, struct jm_flow_paths *f,
                          struct movers *mv, struct jm_error *err)
{
    const struct jm_journey *j = r->tl->journey;
    struct jm_paths_opts o;
    jm_paths_defaults(&o);
    o.from_kind = o.to_kind = JM_ANCHOR_STAGE;
    o.from = j->stages[f->from].key;
    o.to = j->stages[f->to].key;
    o.limit = limit;
    flow_units(r, f->from, f->to, mv);
    struct jm__paths_units pu = {mv->only, mv->from_at, mv->to_at};
    return jm__paths_compute(r, &o, &pu, &f->paths, err);
}

jm_status jm_paths_flows(const struct jm_report *r, size_t limit, struct jm_flows **out,
                         struct jm_error *err)
{
    size_t nu = r->tl->n_units, ns = r->tl->n_stages;
    *out = NULL;
    struct jm_flows *fl = jm_calloc(1, sizeof(*fl));
    struct movers mv = {jm_malloc(nu + 1), jm_malloc((nu + 1) * sizeof(int64_t)),
                        jm_malloc((nu + 1) * sizeof(int64_t))};
    if (fl)
        fl->flows = jm_calloc(count_flows(r) + 1, sizeof(*fl->flows));
    jm_status rc = fl && fl->flows && mv.only && mv.from_at && mv.to_at ? JM_OK : JM_ENOMEM;
    if (rc)
        jm_error_set(err, rc, "out of memory computing flows");
    for (size_t a = 0; !rc && a < ns; a++)
        for (size_t b = a + 1; !rc && b < ns; b++) {
            uint64_t moves = r->groups[0].transitions[(a + 1) * ns + b];
            if (!moves)
                continue;
            struct jm_flow_paths *f = &fl->flows[fl->n++];
            *f = (struct jm_flow_paths){a, b, moves, NULL};
            rc = one_flow(r, limit, f, &mv, err);
        }
    jm_free(mv.only);
    jm_free(mv.from_at);
    jm_free(mv.to_at);
    if (rc)
        jm_flows_free(fl);
    else
        *out = fl;
    return rc;
}

void jm_flows_free(struct jm_flows *f)
{
    if (!f)
        return;
    for (size_t i = 0; f->flows && i < f->n; i++)
        jm_paths_free(f->flows[i].paths);
    jm_free(f->flows);
    jm_free(f);
}
