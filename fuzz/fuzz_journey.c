/*
 * Fuzz target: journey definitions (YAML). Any input must either load or fail with a message,
 * never crash, leak or read out of bounds. What loads must also survive a round trip: written
 * in each language form it parses back, and writing that again gives the same text (a break
 * here means jm_journey_write() lost or mangled something, so it aborts to be reported).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "journeymap/define.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct jm_journey *j, enum jm_lang lang)
{
    struct jm_strbuf first = JM_STRBUF_INIT, second = JM_STRBUF_INIT;
    struct jm_journey *back = NULL;
    struct jm_error err;
    if (jm_journey_write(j, lang, &first, &err) != JM_OK)
        abort();
    if (jm_journey_parse(first.buf, first.len, "written.yaml", &back, &err) != JM_OK)
        abort();
    if (jm_journey_write(back, lang, &second, &err) != JM_OK || strcmp(first.buf, second.buf) != 0)
        abort();
    jm_journey_free(back);
    jm_strbuf_release(&first);
    jm_strbuf_release(&second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jm_journey *j = NULL;
    struct jm_error err;
    if (jm_journey_parse((const char *)data, size, "fuzz.yaml", &j, &err) != JM_OK)
        return 0;
    for (int lang = 0; lang <= JM_LANG__COUNT; lang++)
        round_trip(j, (enum jm_lang)lang);
    /* The definition's own texts make good channel-grouping inputs. */
    for (size_t i = 0; i < j->n_touchpoints; i++) {
        const struct jm_touchpoint_def *t = &j->touchpoints[i];
        jm_channel_group(j->channel_rules, j->n_channel_rules, t->channel, t->key, t->owner,
                         t->stage);
    }
    for (size_t i = 0; i < j->n_stages; i++)
        jm_journey_role_name(j, j->stages[i].key, JM_LANG_VI);
    jm_journey_free(j);
    return 0;
}
