/*
 * Fuzz target: column mappings (YAML). Any input must either load or fail with a message, never
 * crash, leak or read out of bounds.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>

#include "journeymap/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jm_mapping *m = NULL;
    struct jm_error err;
    if (jm_mapping_parse((const char *)data, size, "fuzz.yaml", &m, &err) == JM_OK) {
        const char *names[16];
        jm_mapping_files(m, names, 16);
        jm_mapping_free(m);
    }
    return 0;
}
