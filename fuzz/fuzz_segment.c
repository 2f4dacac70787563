/*
 * libFuzzer target for Segment-compatible ingest parsing (src/ingest/): the first byte picks
 * the call ('0' identify, '1' group, '2' track, '3' page, '4' batch), the rest is the body.
 * Whatever the bytes, a parse either refuses the body or gives items that are each PENDING
 * with records the workspace accepts (jm_record_check), or FAILED with a reason; every string
 * an item holds is readable (ASan checks the sum loop).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest/internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned sum(const char *s, size_t len)
{
    unsigned x = 0;
    for (size_t i = 0; s && i < len; i++)
        x += (unsigned char)s[i];
    return x;
}

static unsigned check_record(bool present, const struct jm_record *r)
{
    if (!present)
        return 0;
    if (jm_record_check(r, NULL, NULL))
        abort(); /* the writer would be handed a record the workspace refuses */
    return sum(r->props, r->props_len);
}

static unsigned check_item(const struct jm__item *it)
{
    if (!it->pub.message_id || !it->json)
        abort();
    unsigned x = sum(it->json, it->json_len) + sum(it->pub.message_id, strlen(it->pub.message_id));
    if (it->pub.outcome == JM_ITEM_FAILED) {
        if (!it->pub.reason || !it->pub.reason[0] || !it->parse_failed)
            abort();
        return x + sum(it->pub.reason, strlen(it->pub.reason));
    }
    if (it->pub.outcome != JM_ITEM_PENDING)
        abort();
    if (it->has_event && (it->pub.call == JM_CALL_IDENTIFY || it->pub.call == JM_CALL_GROUP))
        abort();
    return x + check_record(it->has_event, &it->event) +
           check_record(it->has_contact, &it->contact) +
           check_record(it->has_account, &it->account);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    enum jm_ingest_call call = (enum jm_ingest_call)((uint8_t)(data[0] - '0') % JM_CALL__COUNT);
    struct jm_ingest_batch *b = NULL;
    struct jm_error err;
    int64_t received = INT64_C(1717243200) * JM_US_PER_SEC;
    jm_status rc = jm_ingest_parse(call, (const char *)data + 1, size - 1, received, &b, &err);
    if (rc) {
        if (b || (rc != JM_EPARSE && rc != JM_ELIMIT && rc != JM_ENOMEM) || !err.msg[0])
            abort();
        return 0;
    }
    volatile unsigned sink = 0;
    for (size_t i = 0; i < jm_ingest_batch_count(b); i++)
        sink += check_item(&b->items[i]);
    if (call != JM_CALL_BATCH && jm_ingest_batch_count(b) != 1)
        abort();
    jm_ingest_batch_free(b);
    (void)sink;
    return 0;
}
