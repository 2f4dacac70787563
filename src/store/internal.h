/*
 * The store's internals shared between its files: the slice sort of jm_store_load().
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef JM_STORE_INTERNAL_H
#define JM_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "journeymap/store.h"

/* The columns of one account's slice, sorted in place. */
struct jm__store_cols {
    int64_t *time_us;
    uint32_t *contact;
    uint16_t *touchpoint;
    uint8_t *channel;
};

/* Buffers reused from slice to slice; zero-initialise, release once. */
struct jm__store_scratch {
    uint32_t *idx, *aux;
    unsigned char *buf;
    size_t cap_idx, cap_aux, cap_buf;
};

/*
 * Sorts the `n` events of `c` by (contact, time), stably: events equal in both keep their
 * order. A slice in order already costs one pass. Returns JM_OK or JM_ENOMEM (`c` untouched).
 */
jm_status jm__store_sort_slice(struct jm__store_cols *c, size_t n, struct jm__store_scratch *s);
void jm__store_scratch_release(struct jm__store_scratch *s);

#endif
