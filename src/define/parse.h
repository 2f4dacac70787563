/*
 * The journey-definition parser's shared pieces: parse.c (the file, settings, stages), catalog.c
 * (touchpoints, personas, DMU roles, channel groups, scoring, KPIs) and rule.c (entry rules,
 * `where` conditions, cycles of stage rules). Private to src/define/.
 *
 * Every function here reads one YAML node (base/ytree.h), copies what it keeps into the
 * journey's arena, and reports the first problem as "file:line:column: message". A YAML null
 * (`~`, `null`, or nothing after the colon) counts as an absent key, so `owner:` left empty in a
 * template is not an error.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_DEFINE_PARSE_H
#define JM_DEFINE_PARSE_H

#include "base/ytree.h"
#include "journeymap/define.h"

#define JM_DEF_MAX_RULE_DEPTH 32 /* all/any/not nesting; real rules use two or three */
#define JM_DEF_MAX_KEY        128
#define JM_DEF_MAX_DAYS       36500.0 /* a window or threshold in days: at most a century */
#define JM_DEF_MAX_AT_LEAST   1000000.0

struct jm_defparse {
    struct jm_ydoc doc; /* its arena also holds the parse's scratch data */
    struct jm_journey *j;
    struct jm_error *err;
};

#define jm__def_fail(p, n, ...) jm__yfail(&(p)->doc, (n), __VA_ARGS__)

/* ---------------------------------------------------------------- parse.c: values */

/* The value of `key` in mapping `map`, or NULL when absent or null. */
const struct jm_ynode *jm__def_get(const struct jm_ynode *map, const char *key);
/* Checks `n` is a mapping whose keys are in `allowed` (or any names when NULL), each once. */
jm_status jm__def_map(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                      const char *const *allowed);
/* A single value, copied into the journey's arena ("" for null). */
jm_status jm__def_str(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                      const char **out);
/* A key: 1..128 letters, digits, '-' or '_'. `what` names it: "stage key". */
jm_status jm__def_key(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                      const char **out);
/* A decimal number within [lo, hi] (either may be infinite). */
jm_status jm__def_number(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                         double lo, double hi, double *out);
jm_status jm__def_bool(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                       bool *out);
/* One of `names` (NULL-terminated); *out is its index. */
jm_status jm__def_enum(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                       const char *const *names, int *out);
/* A list of single values, or one value standing for a list of one. */
jm_status jm__def_strlist(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                          struct jm_strlist *out);
/* A text: a plain value in the file's language, or {en: ..., vi: ...}. "" counts as none. */
jm_status jm__def_text(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                       struct jm_text *out);
/* A list of texts, or one text. */
jm_status jm__def_text_list(struct jm_defparse *p, const struct jm_ynode *n, const char *what,
                            struct jm_text_list *out);
/* The index of stage `key`, or "no stage 'KEY' (stages: ...)" at node `n`. */
jm_status jm__def_stage_index(struct jm_defparse *p, const struct jm_ynode *n, const char *key,
                              size_t *out);
/* `count` zeroed elements of `size` bytes in the journey's arena (JM_ENOMEM reported). */
jm_status jm__def_array(struct jm_defparse *p, size_t count, size_t size, void **out);

/* ---------------------------------------------------------------- annotation.c */

/* A stage's `annotations:` list into st (ids checked against the stages parsed before). */
jm_status jm__def_annotations(struct jm_defparse *p, const struct jm_ynode *n, struct jm_stage *st);

/* ---------------------------------------------------------------- catalog.c */

jm_status jm__def_kpi(struct jm_defparse *p, const struct jm_ynode *n, struct jm_kpi *k);
jm_status jm__def_dmu_roles(struct jm_defparse *p, const struct jm_ynode *n);
/* Checks `key` names a built-in DMU role or one under dmu_roles; `n` is where it is written. */
jm_status jm__def_check_role(struct jm_defparse *p, const struct jm_ynode *n, const char *key);
jm_status jm__def_personas(struct jm_defparse *p, const struct jm_ynode *n);
jm_status jm__def_touchpoints(struct jm_defparse *p, const struct jm_ynode *n);
jm_status jm__def_channel_groups(struct jm_defparse *p, const struct jm_ynode *n);
jm_status jm__def_scoring(struct jm_defparse *p, const struct jm_ynode *n);

/* ---------------------------------------------------------------- rule.c */

/* A stage's entry rule (stage keys must be known already). */
jm_status jm__def_entry(struct jm_defparse *p, const struct jm_ynode *n, struct jm_rule **out);
/* `where: {FIELD: value or [values], ...}` for event rules and scoring rules. */
jm_status jm__def_where(struct jm_defparse *p, const struct jm_ynode *n, size_t *n_where,
                        struct jm_condition **where);
/* Fails when stage rules refer to each other in a cycle (a -> b -> a). */
jm_status jm__def_check_cycles(struct jm_defparse *p);

#endif /* JM_DEFINE_PARSE_H */
