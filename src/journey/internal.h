/*
 * The stage engine's insides: the dataset's tables, rules compiled against a dataset, and the
 * per-stream evaluation that turns a stream of events and records into rule occurrences.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_JOURNEY_INTERNAL_H
#define JM_JOURNEY_INTERNAL_H

#include "base/internal.h"
#include "journeymap/journey.h"

/* One entity's rows; `account` and `contact` link each row (JM_NONE when it has none). */
struct jm_table {
    const struct jm_entity_def *def;
    size_t n, cap;
    struct jm_value *values; /* n * def->nfields */
    const char **props;
    uint32_t *account, *contact;
    struct jm_strmap index; /* id -> row */
};

struct jm_dataset {
    struct jm_store *store;
    struct jm_table tables[JM_ENT__COUNT];
    uint32_t *store_account; /* store account index -> accounts row */
    uint32_t *store_contact; /* store contact index -> contacts row */
    struct jm_arena arena;
};

/* Rows of a table grouped by a key (account or contact row), each group in time order. */
struct jm_groups {
    uint32_t *start; /* n_keys + 1 */
    uint32_t *rows;
};
jm_status jm__groups_build(const struct jm_dataset *ds, enum jm_entity kind, bool by_contact,
                           size_t n_keys, struct jm_groups *g);
void jm__groups_release(struct jm_groups *g);
/* The time a record is placed at on a timeline (created, opened, time, period_start). */
int64_t jm__record_time(const struct jm_dataset *ds, enum jm_entity kind, size_t row);

/* A growable list of times. */
struct jm_tvec {
    int64_t *t;
    size_t n, cap;
};
jm_status jm__tvec_push(struct jm_tvec *v, int64_t t);

/* A `where` condition compiled against the dataset: which values pass. */
enum jm_csource {
    CS_EVENT_DICT,
    CS_TOUCHPOINT,
    CS_CHANNEL,
    CS_GROUP,
    CS_EVENT_PROP,
    CS_CONTACT,
    CS_ACCOUNT
};
struct jm_ccond {
    enum jm_csource source;
    enum jm_event_field field; /* CS_EVENT_DICT */
    const char *prop;          /* CS_EVENT_PROP: the property name */
    const struct jm_strlist *values;
    uint8_t *ok; /* per dictionary id / contact row / account row / group */
    size_t n_ok;
};

/* A rule compiled against the dataset; `out` is scratch for its occurrences in one stream. */
struct jm_crule {
    const struct jm_rule *src;
    size_t n_children;
    struct jm_crule *children;
    uint8_t *tp_ok;  /* per touchpoint id; NULL: any */
    uint8_t *ch_ok;  /* per raw channel id; NULL: any channel */
    uint8_t *grp_ok; /* per channel group (a channel names the raw channel or its group) */
    size_t n_where;
    struct jm_ccond *where;
    struct jm_tvec out;  /* occurrences in the current stream, sorted, unique */
    struct jm_tvec hits; /* scratch: matching event times (EVENT with at_least > 1) */
};

/* Everything a run shares across streams. */
struct jm_engine {
    const struct jm_dataset *ds;
    const struct jm_journey *j;
    const struct jm_store_columns *col;
    struct jm_crule *stage_rules; /* n_stages */
    struct jm_crule *back_rules;  /* n_stages: `revisit: RULE`, src NULL where none */
    size_t *order;                /* stages in evaluation order (stage rules first) */
    uint8_t *group;               /* channel group of each event, or NULL when unused */
    size_t n_groups;
    const char **group_names;
    struct jm_crule *score_rules; /* scoring rules compiled like EVENT rules */
    int64_t last_revenue_period;  /* the workspace's latest revenue period_start */
    struct jm_groups recs[JM_ENT__COUNT];
    struct jm_arena arena;
};

/* A stream: events (store indexes in time order) and records of one contact or account. */
struct jm_stream {
    const uint32_t *ev;
    size_t n_ev;
    const uint32_t *rec[JM_ENT__COUNT]; /* rows of deals, tickets, surveys, revenue */
    size_t n_rec[JM_ENT__COUNT];
    double score, max_score; /* lead score at the stream's last event, and its highest */
};

jm_status jm__engine_compile(struct jm_engine *e, struct jm_error *err);
void jm__engine_release(struct jm_engine *e);
/* Evaluates every stage rule over `s`; results in e->stage_rules[i].out and, for stages with
 * `revisit: RULE`, e->back_rules[i].out. */
jm_status jm__engine_eval(struct jm_engine *e, struct jm_stream *s);
/* Whether event `i` passes condition `c`. */
bool jm__ccond_event(const struct jm_engine *e, const struct jm_ccond *c, size_t i);

/* Text of top-level key `key` of JSON object `json` (strings unescaped) into `sb`. */
bool jm__props_get(const char *json, const char *key, struct jm_strbuf *sb);

#endif /* JM_JOURNEY_INTERNAL_H */
