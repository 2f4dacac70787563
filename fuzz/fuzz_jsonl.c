/*
 * libFuzzer target for the JSONL reader (import/jsonl.c): opens the input from memory and
 * reads every line, bad lines included, checking what must hold whatever the bytes are:
 * every call makes progress or reaches the end, rows have as many cells as there are columns,
 * and every byte of every cell is readable (ASan checks the sum loop).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>

#include "import/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned check_row(const struct jm_source *src, const struct jm_row *row)
{
    unsigned sum = 0;
    if (row->n != jm__source_ncolumns(src))
        abort();
    for (size_t i = 0; i < row->n; i++) {
        const struct jm_cell *c = &row->cells[i];
        if (!c->s || c->line != row->line || c->column == 0 || (!c->present && c->len))
            abort();
        for (size_t k = 0; k < c->len; k++)
            sum += (unsigned char)c->s[k];
    }
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jm_source_opts o = {.format = JM_SRC_JSONL};
    struct jm_source *src = NULL;
    struct jm_error err;
    if (jm__source_open_mem((const char *)data, size, "fuzz.jsonl", &o, &src, &err))
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
            abort(); /* no progress: a caller skipping bad lines would loop forever */
        if (!rc)
            sink += check_row(src, &row);
    }
    jm__source_close(src);
    (void)sink;
    return 0;
}
