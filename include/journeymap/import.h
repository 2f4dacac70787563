/*
 * Importing CSV and JSONL files into the workspace through a column mapping.
 *
 * A mapping (YAML, docs/mapping.md) says, for each source file, which records each row
 * produces and where every field comes from: a column (renamed), a constant, a template of
 * several columns, with transforms (split, trim, case, email domain, url host, value map,
 * lookup in another file, date format). One row may produce several records: an Olist lead row
 * becomes a contact and a "lead created" event. Without a mapping, a file whose columns are
 * journeymap's own field names imports as one entity (`--entity`), other columns becoming
 * properties.
 *
 * An import of one or more files is one storage transaction: on any error nothing is written,
 * unless `skip_bad_rows` is set, in which case each bad row is left out and reported (with its
 * reason and position) to `rejects`.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_IMPORT_H
#define JM_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "storage.h"

#ifdef __cplusplus
extern "C" {
#endif

struct jm_mapping;

/*
 * Loads and validates a mapping. Unknown keys, wrong types, duplicate keys, unknown entities or
 * fields and bad transforms are reported as "mapping.yaml:line:column: message".
 * Returns owned; free with jm_mapping_free().
 */
JM_API jm_status jm_mapping_load(const char *path, struct jm_mapping **out, struct jm_error *err);
/* The same from memory; `name` is what messages call the file. */
JM_API jm_status jm_mapping_parse(const char *yaml, size_t len, const char *name,
                                  struct jm_mapping **out, struct jm_error *err);
/* The mapping for files already in journeymap's field names, for one entity. */
JM_API jm_status jm_mapping_identity(const struct jm_entity_def *def, struct jm_mapping **out,
                                     struct jm_error *err);
JM_API void jm_mapping_free(struct jm_mapping *m);
/* The mapping's display name. */
JM_API const char *jm_mapping_name(const struct jm_mapping *m);
/*
 * The files a mapping names, in import order, for importing a whole folder ("sales_teams.csv",
 * then "accounts.csv"...). Returns the count; names borrowed from `m`.
 */
JM_API size_t jm_mapping_files(const struct jm_mapping *m, const char **names, size_t cap);

struct jm_import_opts {
    char delimiter;          /* 0: from the mapping, else detect */
    const char *format;      /* "csv", "jsonl" or NULL: from the mapping or the extension */
    const char *date_format; /* overrides the mapping's default date format */
    bool skip_bad_rows;
    FILE *rejects; /* with skip_bad_rows: CSV of rejected rows (may be NULL) */
    bool progress; /* draw a progress bar when stderr is a terminal */
};

/*
 * Imports `paths` (files; a folder means every file of the mapping found in it) through `m`
 * in one transaction, adding counts to *stats. Returns JM_OK, or the first error with
 * "file:line:column: message" in `err` and nothing written.
 */
JM_API jm_status jm_import_files(struct jm_storage *st, const struct jm_mapping *m,
                                 const char *const *paths, size_t npaths,
                                 const struct jm_import_opts *opts, struct jm_import_stats *stats,
                                 struct jm_error *err);

#ifdef __cplusplus
}
#endif
#endif /* JM_IMPORT_H */
