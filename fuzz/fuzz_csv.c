/*
 * libFuzzer target for the CSV reader (import/csv.c): opens the input from memory and reads
 * every row, bad rows included, checking what must hold whatever the bytes are.
 *
 * The first byte configures the run, so the options get fuzzed too:
 *   bits 0-2  the delimiter: detect , ; TAB | : '"' (refused: EINVAL) 0xa7 (a non-ASCII byte)
 *   bit 3     small limits (max_field 16, max_columns 8), to reach the limit errors
 * Seed files therefore start with a letter: 'a' comma, '`' detect, 'b' ';', 'c' TAB, 'd' '|',
 * 'i' comma with small limits.
 *
 * Invariants checked (abort() on failure, so the corpus replay fails too): every call makes
 * progress or reaches the end; every cell has a position on or after its row's line; every
 * byte of every cell is readable (ASan checks the sum loop).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>

#include "import/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned check_row(const struct jm_row *row)
{
    unsigned sum = 0;
    for (size_t i = 0; i < row->n; i++) {
        const struct jm_cell *c = &row->cells[i];
        if (!c->s || c->line < row->line || c->column == 0)
            abort();
        for (size_t k = 0; k < c->len; k++)
            sum += (unsigned char)c->s[k];
    }
    for (size_t k = 0; k < row->raw_len; k++)
        sum += (unsigned char)row->raw[k];
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char delimiters[8] = {0, ',', ';', '\t', '|', ':', '"', (char)0xa7};
    struct jm_source_opts o = {.format = JM_SRC_CSV};
    if (size == 0)
        return 0;
    o.delimiter = delimiters[data[0] & 7];
    if (data[0] & 8) {
        o.max_field = 16;
        o.max_columns = 8;
    }
    struct jm_source *src = NULL;
    struct jm_error err;
    if (jm__source_open_mem((const char *)data + 1, size - 1, "fuzz.csv", &o, &src, &err))
        return 0;
    volatile unsigned sink = 0;
    for (;;) {
        struct jm_row row;
        bool eof = false;
        uint64_t before = jm__source_offset(src);
        jm_status rc = jm__source_next(src, &row, &eof, &err);
        if (!rc && eof)
            break;
        if (jm__source_offset(src) <= before || jm__source_offset(src) > jm__source_size(src))
            abort(); /* no progress: a caller skipping bad rows would loop forever */
        if (!rc)
            sink += check_row(&row);
    }
    jm__source_close(src);
    (void)sink;
    return 0;
}
