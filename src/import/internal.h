/*
 * The importer's moving parts, shared by plan.c (a source spec compiled against one file's
 * columns), row.c (one row -> checked records) and import.c (files, transaction, rejects).
 *
 *   file ──source──> row ──plan──> records (checked, refs resolved) ──> jm_storage_put
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_IMPORT_INTERNAL_H
#define JM_IMPORT_INTERNAL_H

#include "import/mapping.h"
#include "import/source.h"

/* A value spec bound to the columns of the file at hand. */
struct jm_plan_val {
    const struct jm_value_spec *spec;
    long col;  /* COLUMN: index in the row, -1 when the file lacks it (yet) */
    long *tpl; /* TEMPLATE: column index per part (-1 for literals) */
};

struct jm_plan_rec {
    const struct jm_record_spec *spec;
    struct jm_plan_val fields[JM_MAX_FIELDS];
    struct jm_plan_val *props;
    struct jm_plan_val when;
    bool *mapped_cols; /* other_columns: columns some spec of this record already uses */
};

/* A lookup table loaded from its file: key -> index into `values`. */
struct jm_lookup_table {
    const struct jm_lookup *def;
    struct jm_strmap map;
    bool loaded;
};

struct jm_importer {
    struct jm_storage *st;
    const struct jm_mapping *m;
    const struct jm_import_opts *opts;
    struct jm_import_stats *stats;
    struct jm_error *err;

    /* the file at hand */
    struct jm_source *src;
    const struct jm_source_spec *sspec;
    const char *fname;
    const char *dir; /* the file's folder, where lookup files are found */
    struct jm_plan_rec *plan;
    size_t nplan;
    struct jm_arena file_arena;

    /* per row */
    struct jm_arena row_arena;
    struct jm_record recs[8];
    struct jm_strbuf props[8];
    bool rec_dup[8];     /* a repeat of an identical record earlier in the import */
    struct jm_bare_ref { /* entities create_missing adds before the row's records */
        enum jm_entity kind;
        const char *id;
        size_t len;
    } bare[8 * 3]; /* up to 8 records a row, each with at most 3 references */
    size_t nbare;

    struct jm_lookup_table *lookups;      /* one per mapping lookup */
    struct jm_strmap seen[JM_ENT__COUNT]; /* key -> (digest hi 32 | first line) */
    struct jm_strbuf key;
};

/* plan.c: binds the source spec to `imp->src`'s columns; unknown columns are errors. */
jm_status jm__plan_build(struct jm_importer *imp);
/* plan.c: re-resolves columns a JSONL file had not shown yet. */
void jm__plan_refresh(struct jm_importer *imp, struct jm_plan_val *pv);
/* plan.c: the lookup table of `def`, loaded on first use from the data file's folder. */
jm_status jm__lookup_get(struct jm_importer *imp, const struct jm_lookup *def,
                         struct jm_lookup_table **out);

/*
 * row.c: turns one row into checked records in imp->recs (*n of them), with references
 * checked against the workspace and the records before them in the row. Errors carry the
 * position of the offending cell.
 */
jm_status jm__row_records(struct jm_importer *imp, const struct jm_row *row, size_t *n);

#endif
