/*
 * Ingest internals shared by the files of src/ingest/:
 *
 *   json.c     the only file that includes <jansson.h>: body text -> a small read-only tree
 *              (struct jm__jv) in the batch's arena, and that tree back to compact JSON text
 *   parse.c    the tree -> items: call types, field mapping, time correction, failure reasons
 *   url.c      query strings and the utm_* parameters of a page URL
 *   writer.c   the group-commit writer thread and the identity resolution done while writing
 *
 * The tree is ours rather than jansson's so that the mapping code needs no third-party header
 * (STYLE.md §1) and everything a batch holds dies with one arena.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_INGEST_INTERNAL_H
#define JM_INGEST_INTERNAL_H

#include "journeymap/ingest.h"
#include "journeymap/model.h"
#include "base/internal.h"

/* ---------------------------------------------------------------- JSON tree (json.c) */

enum jm__jtype {
    JM_J_NULL,
    JM_J_FALSE,
    JM_J_TRUE,
    JM_J_INT,
    JM_J_REAL,
    JM_J_STRING,
    JM_J_ARRAY,
    JM_J_OBJECT
};

/* One JSON value. Objects keep their members in document order (a repeated key: the last). */
struct jm__jv {
    enum jm__jtype type;
    int64_t i;
    double r;
    const char *s; /* STRING: NUL-terminated (may hold NULs before `len`) */
    size_t len;
    size_t n;            /* ARRAY and OBJECT: members */
    struct jm__jv *item; /* n values */
    const char **key;    /* OBJECT: n NUL-terminated keys */
};

/*
 * Parses `text[0..len)` into a tree allocated in `a`. JM_EPARSE "line L, column C: ..." when
 * it is not JSON (invalid UTF-8 and nesting deeper than the parser allows included).
 */
jm_status jm__json_parse(const char *text, size_t len, struct jm_arena *a, struct jm__jv **out,
                         struct jm_error *err);
/* Appends `v` as compact JSON; object keys in the order given. */
jm_status jm__json_write(const struct jm__jv *v, struct jm_strbuf *sb);
/* Member `key` of object `v`, or NULL (also when `v` is NULL or not an object). */
const struct jm__jv *jm__json_get(const struct jm__jv *v, const char *key);

/* ---------------------------------------------------------------- URLs (url.c) */

/*
 * The value of query parameter `name` in `url` (after '?', before '#'), percent- and
 * plus-decoded, NUL-terminated in `a`; NULL when absent or empty.
 */
const char *jm__url_param(const char *url, const char *name, struct jm_arena *a);
/* The host of `url` ("https://www.Acme.com:8080/x" -> "www.acme.com"), lower case, in `a`. */
const char *jm__url_host(const char *url, struct jm_arena *a);

/* ---------------------------------------------------------------- items and batches */

/*
 * One call with what the writer needs. Strings and records live in the batch's arena. The
 * records are complete except for what only the workspace knows (the contact behind an
 * anonymous id, an account found by email domain), which the writer fills in.
 */
struct jm__item {
    struct jm_ingest_item pub;
    bool parse_failed; /* FAILED before writing; stays FAILED if the commit is retried */
    const char *json;  /* the call as received (compact JSON of a batch member) */
    size_t json_len;
    const char *user_id, *anon_id; /* NULL when absent */
    const char *account_id;        /* group: groupId; others: context.groupId or company.id */
    const char *email_domain;      /* identify: lower-case domain of traits.email, or NULL */
    bool has_contact, has_account, has_event;
    struct jm_record contact, account, event;
};

struct jm_ingest_batch {
    enum jm_ingest_call call;
    int64_t received;
    size_t n;
    struct jm__item *items;
    struct jm_arena arena;
};

/* Whether `domain` is a free-mail provider's, whose users say nothing about their company. */
bool jm__free_mail_domain(const char *domain);

/* The writer's checkpointer (checkpoint.c): a thread that keeps the write-ahead log small from
 * its own connection. Stop it after the writer's last commit. */
struct jm__checkpointer;
jm_status jm__checkpointer_start(const char *db_path, struct jm__checkpointer **out,
                                 struct jm_error *err);
void jm__checkpointer_stop(struct jm__checkpointer *c);

#endif /* JM_INGEST_INTERNAL_H */
