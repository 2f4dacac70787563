/*
 * Sources: CSV and JSONL files read as a stream of rows of named cells, so the column mapping
 * (mapping.c) and the importer (import.c) do not care which format a file came in.
 *
 * A CSV source's columns are its header line. A JSONL source's columns are the keys it has seen
 * so far: each line is one JSON object; nested objects are flattened with dots
 * ("context.page.url") and also kept whole, as JSON text, under their own key; arrays are kept
 * as JSON text; numbers as their shortest round-trip text; true/false as "true"/"false"; null as
 * an empty cell. A key a line lacks is an empty cell with `present` false.
 *
 * Files are memory-mapped and read in place: a cell points into the file unless it had to be
 * unescaped, in which case it points into a scratch buffer owned by the source. Either way
 * cells are valid until the next jm__source_next() call.
 *
 * Positions are 1-based: `line` counts physical lines (a quoted newline starts a new one) and
 * `column` counts characters (UTF-8 code points) from the start of that line, so an editor's
 * "go to line:column" lands on the cell.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_IMPORT_SOURCE_H
#define JM_IMPORT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journeymap/base.h"

enum jm_source_format { JM_SRC_AUTO, JM_SRC_CSV, JM_SRC_JSONL };

struct jm_source_opts {
    enum jm_source_format format; /* AUTO: by extension (.jsonl/.ndjson/.json -> JSONL) */
    char delimiter;               /* CSV; 0: detect from the header line among , ; TAB | */
    size_t max_field;             /* longest cell in bytes; 0: 1 MiB */
    size_t max_columns;           /* 0: 4096 */
};

struct jm_cell {
    const char *s;
    size_t len;
    unsigned long line, column;
    bool present; /* false: the row has no such column (JSONL) */
};

struct jm_row {
    unsigned long line; /* where the row starts */
    size_t n;           /* == source's ncolumns at the time of reading */
    struct jm_cell *cells;
    const char *raw; /* the row's bytes in the file, for rejected-row reports */
    size_t raw_len;
};

struct jm_source;

/*
 * Opens `path` ("-" reads standard input into memory). `name` is what errors call the file
 * (usually `path`). Returns owned; free with jm__source_close(). Errors: JM_ENOTFOUND, JM_EIO,
 * JM_EPARSE (a CSV header with an empty or repeated column name, with its position).
 */
jm_status jm__source_open(const char *path, const char *name, const struct jm_source_opts *opts,
                          struct jm_source **out, struct jm_error *err);
/* Opens an in-memory buffer (borrowed until close): for tests and fuzzing. */
jm_status jm__source_open_mem(const char *data, size_t len, const char *name,
                              const struct jm_source_opts *opts, struct jm_source **out,
                              struct jm_error *err);
void jm__source_close(struct jm_source *src);

/*
 * Reads the next row into *row (valid until the next call). Sets *eof at the end, with JM_OK.
 * Blank lines are skipped in both formats. Errors carry "file:line:column: message": unterminated
 * quoted field, stray quote, wrong number of fields (names expected and found), invalid UTF-8,
 * field longer than max_field, malformed JSON, a JSON line that is not an object.
 */
jm_status jm__source_next(struct jm_source *src, struct jm_row *row, bool *eof,
                          struct jm_error *err);

/* Column names in order (CSV: header; JSONL: keys seen so far). */
size_t jm__source_ncolumns(const struct jm_source *src);
const char *jm__source_column(const struct jm_source *src, size_t i);
/* Index of column `name`, or -1. For JSONL a key not seen yet may appear later. */
long jm__source_find(const struct jm_source *src, const char *name);
/* True for JSONL, whose columns are known only as rows arrive. */
bool jm__source_open_columns(const struct jm_source *src);
/* Bytes consumed and total bytes, for progress. */
uint64_t jm__source_offset(const struct jm_source *src);
uint64_t jm__source_size(const struct jm_source *src);
const char *jm__source_name(const struct jm_source *src);

/*
 * True when s[0..len) is one well-formed JSON object: a `properties` column (as `journeymap
 * export` writes it) then joins the record's properties instead of becoming a string.
 */
bool jm__json_is_object(const char *s, size_t len);

/*
 * Rewrites the JSON text in `sb` in canonical form: keys sorted at every level, no spaces. Two
 * property objects that differ only in key order then are the same text, which matters for
 * event content keys and for "unchanged" on re-import.
 */
jm_status jm__json_canonical(struct jm_strbuf *sb);

#endif /* JM_IMPORT_SOURCE_H */
