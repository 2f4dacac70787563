/*
 * The stage engine (DESIGN.md §3): applies a journey definition to a workspace and gives, per
 * account or per contact (a "unit"), the timeline of stage moves, the first entry into each
 * stage, the last touch, the lead score and the DMU roles engaged in each stage.
 *
 * A dataset is what the engine reads: the columnar event store plus every other entity
 * (accounts, contacts, deals, tickets, surveys, revenue, owners) as in-memory tables, linked to
 * each other and to the store. Both are snapshots; neither refers to the storage once loaded.
 *
 * How a unit's timeline is made (docs/journey-definition.md "Rules"):
 *   1. Each stream (a contact's events and records; at account level also the account's own
 *      records and contact-less events, or with rollup "combined" all of them as one stream)
 *      gives, per stage, the sorted times its entry rule occurs.
 *   2. A unit's occurrences are the union over its streams.
 *   3. Walking them in time order (ties: lower stage first) moves the unit: its first move
 *      enters a stage (skipping those before it), a later stage is a forward move (or a skip
 *      when stages lie between), an earlier one a backward move when that stage allows revisits
 *      (otherwise ignored), a stage entered before a re-entry. An occurrence of the current
 *      stage changes nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_JOURNEY_H
#define JM_JOURNEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "define.h"
#include "model.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

struct jm_storage;
struct jm_dataset;
struct jm_store_options;

#define JM_NONE UINT32_MAX /* no row / no event / no stage */

/*
 * Loads the store (with `opts`, NULL for the hot columns only) and every non-event entity.
 * Returns owned in *out; free with jm_dataset_free().
 */
JM_API jm_status jm_dataset_load(struct jm_storage *st, const struct jm_store_options *opts,
                                 struct jm_dataset **out, struct jm_error *err);
JM_API void jm_dataset_free(struct jm_dataset *ds);

JM_API const struct jm_store *jm_dataset_store(const struct jm_dataset *ds);
/* Rows of entity `kind` (not events). */
JM_API size_t jm_dataset_rows(const struct jm_dataset *ds, enum jm_entity kind);
/* Value of `field` of row `row`; strings are NUL-terminated and owned by the dataset. */
JM_API const struct jm_value *jm_dataset_value(const struct jm_dataset *ds, enum jm_entity kind,
                                               size_t row, int field);
/* Properties JSON of a row, or NULL. */
JM_API const char *jm_dataset_props(const struct jm_dataset *ds, enum jm_entity kind, size_t row);
/* Row of text id `id`, or JM_NONE. */
JM_API uint32_t jm_dataset_find(const struct jm_dataset *ds, enum jm_entity kind, const char *id,
                                size_t len);
/* Account / contact row of a store account / contact index (JM_NONE for none). */
JM_API uint32_t jm_dataset_account_row(const struct jm_dataset *ds, size_t store_account);
JM_API uint32_t jm_dataset_contact_row(const struct jm_dataset *ds, size_t store_contact);
/* The account row a record belongs to: its account, else its contact's account; JM_NONE. */
JM_API uint32_t jm_dataset_record_account(const struct jm_dataset *ds, enum jm_entity kind,
                                          size_t row);

/* ---------------------------------------------------------------- timelines */

enum jm_move_kind { JM_MOVE_ENTER, JM_MOVE_FORWARD, JM_MOVE_SKIP, JM_MOVE_BACK };

struct jm_move {
    int64_t time;
    uint16_t from; /* stage, or JM_NO_STAGE for a unit's first move */
    uint16_t to;
    uint8_t kind;    /* enum jm_move_kind */
    uint8_t reentry; /* `to` was entered before */
};
#define JM_NO_STAGE   UINT16_MAX
#define JM_MAX_STAGES 64
#define JM_MAX_ROLES  16

struct jm_timelines {
    const struct jm_journey *journey;
    const struct jm_dataset *ds;
    enum jm_level level;
    size_t n_units, n_stages;
    const uint32_t *unit_row;   /* accounts or contacts row of each unit */
    const uint32_t *move_start; /* n_units + 1: unit u's moves are moves[start[u] .. start[u+1]) */
    const struct jm_move *moves;
    /* n_units * n_stages, unit-major; INT64_MAX = never */
    const int64_t *entered; /* first actual entry */
    const int64_t *passed;  /* first entry, or first time skipped past it (whichever first) */
    const uint16_t *roles;  /* DMU roles (bit per jm_timelines_role) engaged while in the stage */
    /* per unit */
    const int64_t *first_touch, *last_touch;  /* INT64_MAX / INT64_MIN: no events */
    const uint32_t *first_event, *last_event; /* store index of the first / last event, JM_NONE */
    const double *score;                      /* lead score at the unit's last event */
    const double *max_score;
    int64_t as_of; /* "now" of the data: its latest time (event or record) */
    size_t n_roles;
    const char *role_keys[JM_MAX_ROLES];
};

/* Runs `j` over `ds`. Errors: JM_ELIMIT (more than 64 stages or 16 DMU roles), JM_ENOMEM. */
JM_API jm_status jm_journey_run(const struct jm_dataset *ds, const struct jm_journey *j,
                                struct jm_timelines **out, struct jm_error *err);
JM_API void jm_timelines_free(struct jm_timelines *tl);

/* The stage unit `u` is in at time `t` (after the moves at t), or JM_NO_STAGE. */
JM_API uint16_t jm_timelines_stage_at(const struct jm_timelines *tl, size_t u, int64_t t);
/* The unit's text id (account or contact id). */
JM_API const char *jm_timelines_unit_id(const struct jm_timelines *tl, size_t u);
/* Bit of DMU role `key` in `roles`, or -1. */
JM_API int jm_timelines_role(const struct jm_timelines *tl, const char *key);

#ifdef __cplusplus
}
#endif
#endif /* JM_JOURNEY_H */
