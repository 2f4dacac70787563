/*
 * The inside of a source, shared by source.c (opening, columns, accessors) and the two readers,
 * csv.c and jsonl.c. Nothing outside those three files includes this: everyone else sees the
 * opaque struct jm_source of source.h.
 *
 * A source is the file's bytes plus a cursor:
 *
 *   data [0 .............. pos ................... len)
 *         rows already read  ^ next row starts here
 *
 * The row handed out lives in `cells` (one per column, grown as columns appear) and points into
 * `data`, into `scratch` (unescaped CSV fields, JSON numbers and nested values) or into the
 * parsed JSON document kept in `json` until the next row.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_IMPORT_SOURCE_IMPL_H
#define JM_IMPORT_SOURCE_IMPL_H

#include "base/internal.h"
#include "import/source.h"

/* Marks a cell whose text is in `scratch` at soff[i], until jm__source_fix_cells(). */
#define JM_SRC_IN_SCRATCH NULL

struct jm_source {
    char *name; /* owned copy, for messages */
    enum jm_source_format format;
    size_t max_field, max_columns; /* resolved: never 0 */
    char delimiter;                /* CSV */

    const char *data; /* the file: mapped, owned (stdin) or borrowed (open_mem) */
    size_t len;
    void *map; /* mmap(2) region, or NULL */
    size_t map_len;
    char *owned; /* jm_malloc'ed copy of standard input, or NULL */

    size_t pos;         /* where the next row starts */
    unsigned long line; /* the physical line at `pos`, 1-based */

    /* Columns: names in order, and name -> index. */
    struct jm_arena names_arena;
    const char **names;
    size_t ncols, names_cap;
    struct jm_strmap index;

    /* The current row. */
    struct jm_cell *cells;
    size_t *soff; /* scratch offsets of cells marked JM_SRC_IN_SCRATCH */
    size_t cells_cap;
    struct jm_strbuf scratch;

    /* CSV: offsets where each physical line of the current row starts. */
    size_t *lines;
    size_t nlines, lines_cap;

    /* JSONL: the parsed line (json_t *), released on the next row; the dotted key at hand. */
    void *json;
    struct jm_strbuf key;
};

/* source.c: adds column `name` (copied); *index is its position, *added false if it existed. */
jm_status jm__source_add_column(struct jm_source *src, const char *name, size_t len, size_t *index,
                                bool *added);
/* source.c: makes room for `n` cells (and their scratch offsets). */
jm_status jm__source_reserve_cells(struct jm_source *src, size_t n);
/* source.c: points the first `n` cells marked JM_SRC_IN_SCRATCH at their text in `scratch`. */
void jm__source_fix_cells(struct jm_source *src, size_t n);

/* csv.c: picks the delimiter and reads the header. Errors carry the header cell's position. */
jm_status jm__csv_start(struct jm_source *src, struct jm_error *err);
jm_status jm__csv_next(struct jm_source *src, struct jm_row *row, bool *eof, struct jm_error *err);

/* jsonl.c: JSONL has no header; start only sets up. release frees the last parsed line. */
jm_status jm__jsonl_start(struct jm_source *src, struct jm_error *err);
jm_status jm__jsonl_next(struct jm_source *src, struct jm_row *row, bool *eof,
                         struct jm_error *err);
void jm__jsonl_release(struct jm_source *src);

#endif /* JM_IMPORT_SOURCE_IMPL_H */
