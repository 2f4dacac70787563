/*
 * What the API files need from the engine besides internal.h's srv_view: a level other than
 * the definition's, the per-view cache of rendered outputs, and the per-view "status report"
 * (every unit's idle state) behind the accounts' statuses.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_SERVER_ENGINE_H
#define JM_SERVER_ENGINE_H

#include "journeymap/analytics.h"
#include "server/internal.h"

/* Like srv_view_acquire, at `level` (-1: the definition's; else an enum jm_level). */
jm_status srv_view_acquire_at(struct srv_request *req, const char *key, int version, int64_t as_of,
                              int level, const struct srv_view **out, struct jm_error *err);

/* Whether the view has an output saved under `name`: if so appends it to `out`. */
bool srv_view_cached(const struct srv_view *v, const char *name, struct jm_strbuf *out);
/* Saves bytes under `name` for the view's lifetime (best effort: silently skipped when the
 * cache is full or memory is short). */
void srv_view_cache_put(const struct srv_view *v, const char *name, const void *bytes, size_t len);

/* A unit's status now: "won" (a deal won), "lost" (deals, all lost), else "silent" or
 * "stalled" (analytics' idle units), else "active" (in a stage), else "none" (no stage yet). */
enum srv_status { SRV_NONE, SRV_ACTIVE, SRV_STALLED, SRV_SILENT, SRV_WON, SRV_LOST, SRV__COUNT };
extern const char *const srv_status_key[SRV__COUNT];

/*
 * The view analysed over all time, without filter, with every idle unit listed, and each unit's
 * status (n_units entries): what the accounts list and drill-downs read. Built once per view,
 * owned by it.
 */
jm_status srv_view_status(const struct srv_view *v, const struct jm_report **report,
                          const uint8_t **status, struct jm_error *err);

/* The journey key a request names (?journey=), else the server's default. */
const char *srv_journey_arg(struct srv_request *req);

/* ---------------------------------------------------------------- api_args.c */

/* The query arguments the analysis, drill-down and map answers share. */
struct srv_args {
    const char *journey;
    int version;   /* ?version= (0: latest) */
    int64_t as_of; /* ?as_of= (INT64_MAX: now) */
    int level;     /* ?level= (-1: the definition's) */
    enum jm_lang lang;
    const char *period;            /* as given, or NULL */
    struct jm_analysis_options ao; /* period, by, segment (filter_by / filter_value) */
    char segment[256];
};
/* Reads them; false with a 400 in `res` naming the argument and what it takes. */
bool srv_args_parse(struct srv_request *req, struct srv_response *res, struct srv_args *a);
/* The view the arguments name; false with the error in `res`. */
bool srv_args_view(struct srv_request *req, struct srv_response *res, const struct srv_args *a,
                   const struct srv_view **v);
/* ?name= as a whole number in [min, max] (`def` when absent); false with a 400. */
bool srv_int_arg(struct srv_request *req, struct srv_response *res, const char *name, long min,
                 long max, long def, long *out);
/* A unit as the lists show it: {"id", "name", "stage", "stage_name", "status",
 * "days_in_stage", "last_touch", "last_touchpoint"}. */
void srv_unit_json(struct jm_strbuf *sb, const struct srv_view *v, const uint8_t *status, size_t u,
                   enum jm_lang lang);
/* The unit of text id `id` in the view, or JM_NONE. */
size_t srv_unit_find(const struct srv_view *v, const char *id);
/* The unit's display name (account or contact name; its id when it has none). */
const char *srv_unit_name(const struct srv_view *v, size_t u);

/* ---------------------------------------------------------------- api_journeys.c */

/* One stored version of a journey: its row (yaml NULL), its text, and its fields as the start
 * of a JSON object ({"key", "version", "saved", "author", "message" without the closing brace). */
struct srv_journey_text {
    struct jm_journey_version v;
    struct jm_strbuf text, meta;
};
#define SRV_JOURNEY_TEXT_INIT                                                                      \
    {                                                                                              \
        .text = JM_STRBUF_INIT, .meta = JM_STRBUF_INIT                                             \
    }
void srv_journey_text_release(struct srv_journey_text *g);
/* The version of `key` (0: latest; or in force at as_of) into *g. */
jm_status srv_journey_fetch(struct srv_request *req, const char *key, int version, int64_t as_of,
                            struct srv_journey_text *g, struct jm_error *err);
/*
 * Parses `yaml`, checks its key against `key` (NULL: any) and saves it as the next version by
 * the caller, answering {"key", "version"`extra`} with `status` (`extra`, JSON members with
 * their leading comma, may be NULL) or the error.
 */
void srv_journey_save(struct srv_request *req, struct srv_response *res, const char *key,
                      const char *yaml, size_t len, const char *message, int status,
                      const char *extra);
/*
 * Edits of the latest version (a lane, an annotation) read, change and save it under this lock,
 * so two editors saving at once cannot both start from the same version and lose one edit.
 */
void srv_journey_edit_lock(void);
void srv_journey_edit_unlock(void);

/* ---------------------------------------------------------------- api_annotations.c */

/* The parsed stages for the web app's editors: [{"key", "name": {"en", "vi"}, "owner",
 * "lanes": {"pain_points": [{"en", "vi"}]...}, "annotations": [...]}...]. */
void srv_stages_json(struct jm_strbuf *sb, const struct jm_journey *j);
void srv_get_annotations(struct srv_request *req, struct srv_response *res);
void srv_post_annotation(struct srv_request *req, struct srv_response *res);
void srv_delete_annotation(struct srv_request *req, struct srv_response *res);

#endif /* JM_SERVER_ENGINE_H */
