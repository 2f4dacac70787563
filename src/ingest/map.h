/*
 * The mapping of one parsed call to its records (map.c), shared with parse.c, which decides
 * what a call is and whether it is valid before handing it here.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_INGEST_MAP_H
#define JM_INGEST_MAP_H

#include "ingest/internal.h"

/* The call being parsed: its tree, the batch's shared context, where it came from. */
struct jm__call {
    struct jm_ingest_batch *b;
    struct jm__item *it;
    const struct jm__jv *v;    /* the call object */
    const struct jm__jv *bctx; /* the batch's "context", or NULL */
    long index;                /* position in the batch, -1 for a single call */
};

/*
 * Marks the item FAILED with reason "<where>.<field>: <msg>" (field may be NULL) and returns
 * JM_EPARSE, which the callers pass up to mean "this item failed, go on with the next".
 * JM_ENOMEM when the reason cannot be kept.
 */
jm_status jm__call_fail(struct jm__call *c, const char *field, const char *fmt, ...)
    JM_PRINTF(3, 4);
/* The text of a string, number or boolean member (NULL when absent, null, empty, or a
 * structure), in the batch's arena. */
const char *jm__call_text(struct jm__call *c, const struct jm__jv *v);
/* Member `key` of the call's context, else of the batch's context. */
const struct jm__jv *jm__call_context(const struct jm__call *c, const char *key);

jm_status jm__map_identify(struct jm__call *c);
jm_status jm__map_group(struct jm__call *c);
/* track and page (and screen); `time` is the corrected time of the call. */
jm_status jm__map_event(struct jm__call *c, int64_t time);

#endif /* JM_INGEST_MAP_H */
