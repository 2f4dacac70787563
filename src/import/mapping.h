/*
 * The parsed form of a column mapping, shared by mapping.c (YAML -> this) and import.c (rows ->
 * records through this). All of a mapping's memory lives in its arena.
 *
 *   mapping
 *    |- lookups[]          named key -> value tables read from another file
 *    `- sources[]          one per file pattern
 *        `- records[]      what each row of that file produces
 *            |- fields[]   one value spec per entity field (or none: ABSENT)
 *            `- props[]    property name -> value spec
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_IMPORT_MAPPING_H
#define JM_IMPORT_MAPPING_H

#include "base/internal.h"
#include "journeymap/import.h"

enum jm_spec_kind { JM_SPEC_NONE, JM_SPEC_COLUMN, JM_SPEC_CONSTANT, JM_SPEC_TEMPLATE };

#define JM_XF_TRIM         0x01u
#define JM_XF_LOWER        0x02u
#define JM_XF_UPPER        0x04u
#define JM_XF_EMAIL_DOMAIN 0x08u
#define JM_XF_URL_HOST     0x10u

/* A template's pieces: literal text, or a column reference. */
struct jm_tpl_part {
    const char *text; /* literal, or the column name */
    size_t len;
    bool is_column;
};

struct jm_map_pair {
    const char *from, *to;
};

struct jm_lookup {
    const char *name, *file, *key, *value;
    int on_missing;             /* 0 keep the input, 1 empty, 2 error */
    unsigned long line, column; /* where it is defined, for errors */
};

struct jm_value_spec {
    enum jm_spec_kind kind;
    const char *column;   /* COLUMN */
    const char *constant; /* CONSTANT */
    struct jm_tpl_part *parts;
    size_t nparts;
    const char *split; /* separator, or NULL */
    int part;          /* which piece after split; negative counts from the end */
    unsigned xforms;
    struct jm_map_pair *map;
    size_t nmap;
    const char *otherwise; /* value for a map miss; NULL keeps the input */
    const char *fallback;  /* value when the result is empty (`default`) */
    const struct jm_lookup *lookup;
    const char *date_format;
    bool optional;             /* a column the file may lack (identity mappings): ABSENT */
    unsigned long yline, ycol; /* of the spec in the YAML, for errors */
};

enum jm_when_op { JM_WHEN_ALWAYS, JM_WHEN_NOT_EMPTY, JM_WHEN_IN, JM_WHEN_NOT_IN };

struct jm_when {
    enum jm_when_op op;
    struct jm_value_spec value;
    const char **values;
    size_t nvalues;
};

struct jm_prop_spec {
    const char *key;
    struct jm_value_spec value;
};

struct jm_record_spec {
    const struct jm_entity_def *def;
    struct jm_value_spec fields[JM_MAX_FIELDS]; /* kind NONE: not mapped */
    struct jm_prop_spec *props;
    size_t nprops;
    bool other_columns_as_props;
    unsigned create_missing; /* bit (1 << enum jm_entity) for refs to create when dangling */
    struct jm_when when;
    unsigned long line, column;
};

struct jm_source_spec {
    const char *file; /* basename pattern (fnmatch), or NULL for any file */
    const char *format;
    char delimiter;
    const char *date_format;
    struct jm_record_spec *records;
    size_t nrecords;
    unsigned long line, column;
};

struct jm_mapping {
    const char *name;
    const char *path; /* the YAML file, for messages; "" for built-in mappings */
    const char *format;
    char delimiter;
    const char *date_format;
    struct jm_lookup *lookups;
    size_t nlookups;
    struct jm_source_spec *sources;
    size_t nsources;
    struct jm_arena arena;
};

/* The source spec for a file (by basename), or NULL when the mapping has none for it. */
const struct jm_source_spec *jm__mapping_source_for(const struct jm_mapping *m, const char *path);

#endif
