/*
 * Files compiled into the library at build time by cmake/embed.cmake: the built-in journey
 * templates (the YAML files in templates/). The generated C file defines the arrays;
 * template.c reads them.
 *
 *   jm__templates[i] = {name "b2b-5", data: the file's bytes + NUL, len: bytes without the NUL}
 *
 * Entries are sorted by name; `jm__templates_count` says how many there are. Private to
 * src/define/.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_DEFINE_EMBED_H
#define JM_DEFINE_EMBED_H

#include <stddef.h>

struct jm__embedded_file {
    const char *name;          /* the file name without its extension */
    const unsigned char *data; /* NUL-terminated */
    size_t len;                /* bytes, without the NUL */
};

extern const struct jm__embedded_file jm__templates[];
extern const size_t jm__templates_count;

#endif /* JM_DEFINE_EMBED_H */
