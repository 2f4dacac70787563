/*
 * A small YAML node tree for the files people write by hand (column mappings, journey
 * definitions). libyaml parses the text; ytree.c copies its document into these nodes, in one
 * arena, with 1-based positions, and drops libyaml's types, so yaml.h stays inside ytree.c
 * (STYLE.md: each third-party header is included by exactly one .c file).
 *
 *   jm_ydoc
 *    |- root ---------> jm_ynode MAP  (line, column)
 *    |                   `- pairs[n]: {key, value} -> jm_ynode SCALAR "stages"
 *    |                                                jm_ynode SEQ -> items[n] -> ...
 *    `- arena           owns every node and string
 *
 * Aliases (`*x`) point at the node of their anchor (`&x`), as in libyaml's own document, so the
 * nodes form a graph: a node may be reached twice, and `&a [*a]` is a sequence that holds
 * itself. Walkers that recurse must either reject aliases (JM_YDOC_NO_ALIASES) or bound their
 * depth. Each node records whether an alias refers to it.
 *
 * The helpers report problems as "file:line:column: message" through jm_error_at().
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_BASE_YTREE_H
#define JM_BASE_YTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/internal.h"

enum jm_ykind { JM_Y_SCALAR, JM_Y_SEQ, JM_Y_MAP };

struct jm_ynode;
struct jm_ypair {
    struct jm_ynode *key, *value;
};

struct jm_ynode {
    enum jm_ykind kind;
    unsigned long line, column; /* 1-based, of the node's first character (column in characters) */
    bool plain;                 /* a scalar written without quotes or block style */
    bool aliased;               /* an alias refers to this node */
    /* SCALAR: NUL-terminated text of `len` bytes (an escaped "\0" may end the C string early) */
    const char *s;
    size_t len;
    /* SEQ: items[n]; MAP: pairs[n] in document order (duplicate keys are kept) */
    size_t n;
    struct jm_ynode **items;
    struct jm_ypair *pairs;
};

/* Load flags. */
#define JM_YDOC_NO_ALIASES 0x1u /* fail on any anchor that an alias refers to */

struct jm_ydoc {
    const char *name;      /* the file, for messages; borrowed */
    struct jm_ynode *root; /* NULL when the document is empty */
    struct jm_error *err;  /* where the helpers report; borrowed, may be NULL */
    struct jm_arena arena;
};

/*
 * Parses the first YAML document of text[0..len) into `d`. `name` and `err` are kept (borrowed)
 * for the helpers below. Returns JM_OK; JM_EPARSE for malformed YAML ("name:line:column: problem
 * context", libyaml's words); JM_ENOMEM. Release `d` with jm__ydoc_release() in every case.
 */
jm_status jm__ydoc_load(struct jm_ydoc *d, const char *text, size_t len, const char *name,
                        unsigned flags, struct jm_error *err);
void jm__ydoc_release(struct jm_ydoc *d);

/* Records "name:line:column: message" at node `n` (no position when `n` is NULL); JM_EPARSE. */
jm_status jm__yfail(const struct jm_ydoc *d, const struct jm_ynode *n, const char *fmt, ...)
    JM_PRINTF(3, 4);
/* Records "out of memory" in d->err; JM_ENOMEM. */
jm_status jm__ynomem(const struct jm_ydoc *d);

/* "a value", "a list" or "a mapping", for messages. */
const char *jm__ykind_name(const struct jm_ynode *n);
/* JM_OK when `n` is of `kind`, else "WHAT must be a list|a mapping, not a value|...". */
jm_status jm__yexpect(const struct jm_ydoc *d, const struct jm_ynode *n, enum jm_ykind kind,
                      const char *what);
/* A plain `~`, `null`, `Null`, `NULL` or nothing at all: YAML's null. */
bool jm__ynull(const struct jm_ynode *n);

/* The value of `key` in mapping `map` (the first when repeated), or NULL (also when `map` is not
 * a mapping, so callers may look before they check the type). */
struct jm_ynode *jm__yget(const struct jm_ynode *map, const char *key);

/*
 * Checks that every key of mapping `n` is a scalar, appears once, and (when `allowed`, a
 * NULL-terminated list, is not NULL) is one of `allowed`. `where` names the mapping in the
 * messages: "unknown key 'x' in WHERE (expected one of: a, b)", "duplicate key 'x' in WHERE",
 * "keys in WHERE must be plain names". A node that is not a mapping passes (check that first).
 */
jm_status jm__ycheck_keys(const struct jm_ydoc *d, const struct jm_ynode *n, const char *where,
                          const char *const *allowed);

#endif /* JM_BASE_YTREE_H */
