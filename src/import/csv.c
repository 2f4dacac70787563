/*
 * The CSV reader: RFC 4180 rows, tokenised in place over the whole file in memory.
 *
 * The importer aims at 2M rows/s end to end on 45-byte rows, so this reader must spend well
 * under 100 ns on a row. How it stays there:
 *
 *   - No copies. The file is mapped (source.c) and a cell is a (pointer, length) slice of it.
 *     Only a quoted field holding doubled quotes ("say ""hi""") is unescaped, into the source's
 *     scratch buffer. The scratch may move while a row is read, so such a cell is marked
 *     JM_SRC_IN_SCRATCH with its offset in soff[] and pointed at the buffer once the row is
 *     done (jm__source_fix_cells).
 *
 *   - A tight scan for the unquoted field, the common case. scan_plain() looks at 8 bytes at a
 *     time for the only bytes that end such a field (delimiter, quote, LF), using the classic
 *     "has zero byte" test on the word XORed with each of them:
 *
 *         x = w ^ (0x01 * c);   hit = (x - 0x0101..01) & ~x & 0x8080..80
 *
 *     The lowest flagged byte is always a real match (a false flag only appears above a real
 *     one), and the lowest is all we need. CR is not scanned for: it only matters right before
 *     LF, so it is trimmed from a field that ends there. Quoted fields use the same scan for
 *     quote and LF (counting LFs for line numbers): many exporters quote every field, and
 *     two memchr() calls per short field cost more than the scan.
 *
 *   - UTF-8 is checked once per row, not per byte in the tokenizer: one pass finds the row's
 *     ASCII prefix 8 bytes at a time, and only a row with a non-ASCII byte goes through
 *     jm_utf8_valid(). The tokenizer records columns as byte offsets, which equal character
 *     columns for ASCII; a non-ASCII row has its columns recounted in one linear pass.
 *
 *   - No allocation in steady state: cells, scratch and the line-start list keep their memory
 *     from row to row (cells are sized by the header).
 *
 * Errors. The tokenizer never stops early: it records the first fault (stray quote, text after
 * a closing quote, unterminated quote, oversized field, too many header columns) with its
 * position and reads on to the end of the row, resynchronising at the next delimiter. So the
 * row's extent is always known: the error can show the row's raw bytes, the next call starts
 * at the next row (an importer can skip bad rows), and "found M fields" counts them all. When
 * several things are wrong, the earliest in the file is reported; a wrong field count only
 * when nothing else is. An unterminated quote runs to the end of the file.
 *
 * Positions: `line` counts LFs (a quoted LF starts a new line), `column` counts characters
 * from the line's start (after a UTF-8 BOM on line 1), both 1-based. Blank lines (empty or a
 * lone CR) are skipped, including in a one-column file where they could mean an empty cell.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "import/source_impl.h"

/* ---------------------------------------------------------------- byte scanning */

#define ONES  UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* Flags (high bit) the bytes of `w` equal to the byte repeated in `pat`; the lowest is exact. */
static inline uint64_t bytes_equal(uint64_t w, uint64_t pat)
{
    uint64_t x = w ^ pat;
    return (x - ONES) & ~x & HIGHS;
}

/* Returns the offset of the first delimiter, quote or LF in d[p..end), or end. */
static inline size_t scan_plain(const char *d, size_t p, size_t end, char delim)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t dl = ONES * (unsigned char)delim;
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, d + p, 8);
        uint64_t m = bytes_equal(w, dl) | bytes_equal(w, ONES * '"') | bytes_equal(w, ONES * '\n');
        if (m)
            return p + (size_t)(__builtin_ctzll(m) >> 3);
        p += 8;
    }
#endif
    while (p < end && d[p] != delim && d[p] != '"' && d[p] != '\n')
        p++;
    return p;
}

/* Returns the length of the ASCII prefix of s[0..len). */
static size_t ascii_prefix(const char *s, size_t len)
{
    size_t i = 0;
    for (; len - i >= 8; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & HIGHS)
            break;
    }
    while (i < len && !(s[i] & 0x80))
        i++;
    return i;
}

/* ---------------------------------------------------------------- the tokenizer */

enum csv_fault {
    F_NONE,
    F_UNTERMINATED,
    F_STRAY_QUOTE,
    F_AFTER_QUOTE,
    F_TOO_LONG,
    F_TOO_MANY_COLUMNS,
};

/* A place in the file: byte offset, the start of its line, and the line number. */
struct place {
    size_t off, ls;
    unsigned long line;
};

/* The state of reading one row. */
struct scan {
    struct jm_source *src;
    const char *d;
    size_t end;         /* file length */
    size_t p;           /* cursor */
    size_t ls;          /* start of the current physical line */
    unsigned long line; /* the current physical line */
    char delim;
    bool header;
    size_t keep;          /* cells to store: the header's count, or max_columns for the header */
    size_t nf;            /* fields seen */
    bool in_scratch;      /* some stored cell waits for jm__source_fix_cells() */
    jm_status sys;        /* JM_ENOMEM or JM_ELIMIT from our own buffers */
    enum csv_fault fault; /* the first fault and where */
    struct place at;
    struct place extra; /* where field keep+1 starts */
};

static void fault(struct scan *sc, enum csv_fault f, size_t off, size_t ls, unsigned long line)
{
    if (sc->fault)
        return;
    sc->fault = f;
    sc->at = (struct place){off, ls, line};
}

/* Notes a quoted LF at `nl`: a new physical line starts after it. */
static void new_line(struct scan *sc, size_t nl)
{
    struct jm_source *src = sc->src;
    sc->line++;
    sc->ls = nl + 1;
    if (jm_grow((void **)&src->lines, &src->lines_cap, src->nlines + 1, sizeof(size_t)))
        sc->sys = JM_ENOMEM;
    else
        src->lines[src->nlines++] = nl + 1;
}

/*
 * Stores field number sc->nf, which starts at byte `off` of the line starting at `ls` (its
 * column is in bytes for now). Scalars rather than a struct place, which the compiler spilled
 * and reloaded through the stack on the hot path.
 */
static inline void add_cell(struct scan *sc, size_t off, size_t ls, unsigned long line,
                            const char *s, size_t len)
{
    struct jm_source *src = sc->src;
    if (sc->nf < sc->keep) {
        if (sc->nf >= src->cells_cap && jm__source_reserve_cells(src, sc->nf + 1)) {
            sc->sys = JM_ENOMEM;
        } else {
            struct jm_cell *c = &src->cells[sc->nf];
            c->s = s;
            c->len = len;
            c->line = line;
            c->column = off - ls + 1;
            c->present = true;
        }
    } else if (sc->nf == sc->keep) {
        sc->extra = (struct place){off, ls, line};
        if (sc->header)
            fault(sc, F_TOO_MANY_COLUMNS, off, ls, line);
    }
    if (len > src->max_field)
        fault(sc, F_TOO_LONG, off, ls, line);
    sc->nf++;
}

static void plain_field(struct scan *sc)
{
    const char *d = sc->d;
    size_t f = sc->p, q = scan_plain(d, f, sc->end, sc->delim);
    while (q < sc->end && d[q] == '"') {
        fault(sc, F_STRAY_QUOTE, q, sc->ls, sc->line);
        q = scan_plain(d, q + 1, sc->end, sc->delim);
    }
    size_t e = q;
    if (e > f && d[e - 1] == '\r' && (q == sc->end || d[q] == '\n'))
        e--; /* CRLF */
    add_cell(sc, f, sc->ls, sc->line, d + f, e - f);
    sc->p = q;
}

/* Returns the offset of the first quote or LF in d[p..end), or end: scan_plain's twin. */
static inline size_t scan_quoted(const char *d, size_t p, size_t end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, d + p, 8);
        uint64_t m = bytes_equal(w, ONES * '"') | bytes_equal(w, ONES * '\n');
        if (m)
            return p + (size_t)(__builtin_ctzll(m) >> 3);
        p += 8;
    }
#endif
    while (p < end && d[p] != '"' && d[p] != '\n')
        p++;
    return p;
}

/* Returns the offset of the next quote at or after `p` (or the end), counting LFs on the way. */
static size_t next_quote(struct scan *sc, size_t p)
{
    for (;;) {
        p = scan_quoted(sc->d, p, sc->end);
        if (p == sc->end || sc->d[p] == '"')
            return p;
        new_line(sc, p++);
    }
}

/*
 * Appends d[from..to) to the scratch copy of the field that started at scratch offset `soff`,
 * stopping one byte past max_field: enough for add_cell() to see the field is too long.
 */
static void copy_part(struct scan *sc, size_t soff, size_t from, size_t to)
{
    struct jm_strbuf *sb = &sc->src->scratch;
    size_t used = sb->len - soff, max = sc->src->max_field;
    size_t room = used > max ? 0 : max - used < SIZE_MAX ? max - used + 1 : SIZE_MAX;
    size_t n = to - from < room ? to - from : room;
    jm_status rc = jm_strbuf_add(sb, sc->d + from, n);
    if (rc && !sc->sys)
        sc->sys = rc;
}

/* After a closing quote: the field must end (delimiter, LF, CRLF or the end of the file). */
static void after_quote(struct scan *sc, size_t p)
{
    const char *d = sc->d;
    if (p < sc->end && d[p] == '\r' && (p + 1 == sc->end || d[p + 1] == '\n'))
        p++;
    if (p < sc->end && d[p] != sc->delim && d[p] != '\n') {
        fault(sc, F_AFTER_QUOTE, p, sc->ls, sc->line);
        p = scan_plain(d, p, sc->end, sc->delim);
        while (p < sc->end && d[p] == '"')
            p = scan_plain(d, p + 1, sc->end, sc->delim);
    }
    sc->p = p;
}

static void quoted_field(struct scan *sc)
{
    struct place open = {sc->p, sc->ls, sc->line};
    size_t soff = sc->src->scratch.len;
    bool stored = sc->nf < sc->keep, copied = false;
    size_t seg = open.off + 1, q;
    for (;;) {
        q = next_quote(sc, seg);
        if (q + 1 >= sc->end || sc->d[q + 1] != '"')
            break;
        /* A doubled quote: keep one, so the field needs its own copy from here on. */
        if (stored)
            copy_part(sc, soff, seg, q + 1);
        copied = true;
        seg = q + 2;
    }
    if (q == sc->end)
        fault(sc, F_UNTERMINATED, open.off, open.ls, open.line);
    if (copied && stored) {
        copy_part(sc, soff, seg, q);
        sc->in_scratch = true;
        add_cell(sc, open.off, open.ls, open.line, JM_SRC_IN_SCRATCH, sc->src->scratch.len - soff);
        if (sc->nf - 1 < sc->src->cells_cap) /* else storing it ran out of memory */
            sc->src->soff[sc->nf - 1] = soff;
    } else {
        /* Not stored (an extra field) but still measured: its length is then approximate. */
        add_cell(sc, open.off, open.ls, open.line, sc->d + open.off + 1, q - open.off - 1);
    }
    after_quote(sc, q < sc->end ? q + 1 : q);
}

/* Reads fields up to the row's LF (sc->p stops on it) or the end of the file. */
static void scan_row(struct scan *sc)
{
    for (;;) {
        if (sc->p < sc->end && sc->d[sc->p] == '"')
            quoted_field(sc);
        else
            plain_field(sc);
        if (sc->p >= sc->end || sc->d[sc->p] != sc->delim)
            return;
        sc->p++;
    }
}

/* ---------------------------------------------------------------- rows */

static unsigned long column_of(const struct jm_source *src, size_t ls, size_t off)
{
    return (unsigned long)jm_utf8_count(src->data + ls, off - ls) + 1;
}

/* The place of byte `off` of the row just read (whose first line is `line0`). */
static struct place place_of(const struct jm_source *src, size_t off, unsigned long line0)
{
    size_t i = src->nlines - 1;
    while (i > 0 && src->lines[i] > off)
        i--;
    return (struct place){off, src->lines[i], line0 + i};
}

/* Turns the byte columns of a row with non-ASCII text (from byte `first`) into characters. */
static void count_columns(struct jm_source *src, size_t ncells, unsigned long line0, size_t first)
{
    size_t cur = SIZE_MAX, prev = 0;
    unsigned long col = 1;
    for (size_t i = 0; i < ncells; i++) {
        struct jm_cell *c = &src->cells[i];
        size_t li = c->line - line0, ls = src->lines[li], off = ls + c->column - 1;
        if (off <= first)
            continue; /* everything before it on its line is ASCII */
        if (li != cur) {
            cur = li;
            prev = ls;
            col = 1;
        }
        col += (unsigned long)jm_utf8_count(src->data + prev, off - prev);
        prev = off;
        c->column = col;
    }
}

static jm_status report_fault(const struct jm_source *src, const struct scan *sc,
                              struct jm_error *err)
{
    const char *name = src->name;
    unsigned long line = sc->at.line, col = column_of(src, sc->at.ls, sc->at.off);
    switch (sc->fault) {
    case F_UNTERMINATED:
        return jm_error_at(err, JM_EPARSE, name, line, col, "unterminated quoted field");
    case F_STRAY_QUOTE:
        return jm_error_at(err, JM_EPARSE, name, line, col, "stray quote in unquoted field");
    case F_AFTER_QUOTE:
        return jm_error_at(err, JM_EPARSE, name, line, col, "unexpected text after closing quote");
    case F_TOO_LONG:
        return jm_error_at(err, JM_ELIMIT, name, line, col, "field longer than %zu bytes",
                           src->max_field);
    case F_TOO_MANY_COLUMNS:
        return jm_error_at(err, JM_ELIMIT, name, line, col, "more than %zu columns",
                           src->max_columns);
    case F_NONE:
        break;
    }
    return JM_OK;
}

static jm_status report_count(const struct jm_source *src, const struct scan *sc, size_t start,
                              struct jm_error *err)
{
    struct place at = sc->extra;
    if (sc->nf < sc->keep) {
        /* Too few: point just past the row's last character. */
        size_t e = sc->p;
        if (e > start && src->data[e - 1] == '\r')
            e--;
        at = (struct place){e, sc->ls, sc->line};
    }
    return jm_error_at(err, JM_EPARSE, src->name, at.line, column_of(src, at.ls, at.off),
                       "expected %zu field%s, found %zu", sc->keep, sc->keep == 1 ? "" : "s",
                       sc->nf);
}

/* Checks the row d[start..sc->p) once tokenised: UTF-8, faults, field count; fixes cells. */
static jm_status finish_row(struct jm_source *src, struct scan *sc, size_t start,
                            unsigned long line0, struct jm_error *err)
{
    const char *d = src->data;
    size_t end = sc->p, first = start + ascii_prefix(d + start, end - start), bad;
    if (sc->sys == JM_ENOMEM)
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    if (first < end && !jm_utf8_valid(d + first, end - first, &bad) &&
        (!sc->fault || first + bad < sc->at.off)) {
        struct place at = place_of(src, first + bad, line0);
        return jm_error_at(err, JM_EPARSE, src->name, at.line, column_of(src, at.ls, at.off),
                           "invalid UTF-8 byte 0x%02x", (unsigned char)d[first + bad]);
    }
    if (sc->fault)
        return report_fault(src, sc, err);
    if (sc->sys)
        return jm_error_at(err, sc->sys, src->name, line0, 1, "row longer than %zu bytes",
                           src->scratch.max);
    size_t ncells = sc->nf < sc->keep ? sc->nf : sc->keep;
    if (first < end)
        count_columns(src, ncells, line0, first);
    if (!sc->header && sc->nf != sc->keep)
        return report_count(src, sc, start, err);
    if (sc->in_scratch)
        jm__source_fix_cells(src, ncells);
    return JM_OK;
}

/* Skips blank lines (empty, or a lone CR) at src->pos. */
static void skip_blank(struct jm_source *src)
{
    const char *d = src->data;
    size_t p = src->pos;
    while (p < src->len) {
        if (d[p] == '\n') {
            src->line++;
            p++;
        } else if (d[p] == '\r' && (p + 1 == src->len || d[p + 1] == '\n')) {
            p++;
        } else {
            break;
        }
    }
    src->pos = p;
}

/*
 * Reads the row at src->pos (not blank), storing up to `keep` cells, and moves past it whatever
 * happens, so that after an error the next call reads the next row.
 */
static jm_status read_row(struct jm_source *src, size_t keep, bool header, struct jm_row *row,
                          struct jm_error *err)
{
    struct scan sc = {.src = src,
                      .d = src->data,
                      .end = src->len,
                      .p = src->pos,
                      .ls = src->pos,
                      .line = src->line,
                      .delim = src->delimiter,
                      .header = header,
                      .keep = keep};
    size_t start = src->pos;
    unsigned long line0 = src->line;
    src->lines[0] = start; /* lines_cap >= 1 since jm__csv_start() */
    src->nlines = 1;
    jm_strbuf_reset(&src->scratch);
    scan_row(&sc);
    row->line = line0;
    row->raw = src->data + start;
    row->raw_len = sc.p - start;
    if (row->raw_len && row->raw[row->raw_len - 1] == '\r')
        row->raw_len--;
    row->cells = src->cells;
    row->n = 0;
    src->pos = sc.p < src->len ? sc.p + 1 : sc.p;
    src->line = sc.line + (sc.p < src->len);
    jm_status rc = finish_row(src, &sc, start, line0, err);
    if (!rc)
        row->n = sc.nf;
    return rc;
}

jm_status jm__csv_next(struct jm_source *src, struct jm_row *row, bool *eof, struct jm_error *err)
{
    skip_blank(src);
    *eof = src->pos >= src->len;
    if (*eof) {
        *row = (struct jm_row){.line = src->line, .cells = src->cells, .raw = src->data + src->len};
        return JM_OK;
    }
    return read_row(src, src->ncols, false, row, err);
}

/* ---------------------------------------------------------------- the header */

/* The candidate that occurs most often outside quotes on the first line; ties go to the first. */
static char detect_delimiter(const struct jm_source *src)
{
    static const char cand[] = {',', ';', '\t', '|'};
    size_t count[sizeof(cand)] = {0};
    bool quoted = false;
    for (size_t p = src->pos; p < src->len; p++) {
        char c = src->data[p];
        if (c == '"')
            quoted = !quoted;
        if (quoted)
            continue;
        if (c == '\n')
            break;
        for (size_t k = 0; k < sizeof(cand); k++)
            count[k] += c == cand[k];
    }
    size_t best = 0;
    for (size_t k = 1; k < sizeof(cand); k++)
        if (count[k] > count[best])
            best = k;
    return cand[best];
}

static jm_status add_header(struct jm_source *src, const struct jm_row *row, struct jm_error *err)
{
    for (size_t i = 0; i < row->n; i++) {
        const struct jm_cell *c = &row->cells[i];
        size_t index;
        bool added;
        if (c->len == 0)
            return jm_error_at(err, JM_EPARSE, src->name, c->line, c->column, "empty column name");
        if (jm__source_add_column(src, c->s, c->len, &index, &added))
            return jm_error_set(err, JM_ENOMEM, "out of memory");
        if (!added)
            return jm_error_at(err, JM_EPARSE, src->name, c->line, c->column,
                               "repeated column name '%.*s'", (int)c->len, c->s);
    }
    return JM_OK;
}

jm_status jm__csv_start(struct jm_source *src, struct jm_error *err)
{
    struct jm_row row;
    char dl = src->delimiter;
    if (dl == '"' || dl == '\n' || dl == '\r')
        return jm_error_set(err, JM_EINVAL, "%s: the delimiter cannot be a quote or a line break",
                            src->name);
    if (src->len >= 3 && memcmp(src->data, "\xef\xbb\xbf", 3) == 0)
        src->pos = 3; /* a UTF-8 byte order mark, as spreadsheets write */
    if (jm_grow((void **)&src->lines, &src->lines_cap, 1, sizeof(size_t)))
        return jm_error_set(err, JM_ENOMEM, "out of memory");
    skip_blank(src);
    if (!dl)
        src->delimiter = detect_delimiter(src);
    if (src->pos >= src->len)
        return JM_OK; /* an empty file: no columns, no rows */
    jm_status rc = read_row(src, src->max_columns, true, &row, err);
    return rc ? rc : add_header(src, &row, err);
}
