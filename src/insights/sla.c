/*
 * Support tickets against SLA targets (internal.h): a ticket's priority and whether its first
 * response and its resolution came later than the targets allow. A ticket still waiting counts
 * as breached once its target has passed as of the data's "now", so a backlog of unanswered
 * urgent tickets shows up before anyone answers them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <string.h>

#include "insights/internal.h"

#define HOUR_US 3600000000.0

enum jm_priority jm__ticket_prio(const struct jm_dataset *ds, size_t row)
{
    static const char *const names[JM_PRIO__COUNT] = {"low", "normal", "high", "urgent"};
    const struct jm_value *v = jm__field(ds, JM_ENT_TICKET, row, "priority");
    for (int p = 0; p < JM_PRIO__COUNT; p++)
        if (jm__value_is(v, names[p]))
            return (enum jm_priority)p;
    return JM_PRIO__COUNT;
}

/* Hours from `opened` to `done` (NAN when not done); breached when the target has passed. */
static bool late(int64_t opened, int64_t done, double target_h, int64_t as_of, double *hours)
{
    *hours = done == INT64_MAX ? NAN : (double)(done - opened) / HOUR_US;
    if (!(target_h > 0))
        return false;
    int64_t until = done == INT64_MAX ? as_of : done;
    return (double)(until - opened) > target_h * HOUR_US;
}

void jm__ticket_breach(const struct jm_dataset *ds, size_t row, const struct jm_sla_target *sla,
                       int64_t as_of, struct jm__breach *out)
{
    memset(out, 0, sizeof(*out));
    out->resp_h = out->res_h = NAN;
    int64_t opened = jm__value_time(jm__field(ds, JM_ENT_TICKET, row, "opened"));
    if (opened == INT64_MAX)
        return;
    int64_t first = jm__value_time(jm__field(ds, JM_ENT_TICKET, row, "first_response"));
    int64_t resolved = jm__value_time(jm__field(ds, JM_ENT_TICKET, row, "resolved"));
    enum jm_priority p = jm__ticket_prio(ds, row);
    struct jm_sla_target none = {0, 0};
    const struct jm_sla_target *target = p < JM_PRIO__COUNT ? &sla[p] : &none;
    out->response = late(opened, first, target->first_response_hours, as_of, &out->resp_h);
    out->resolution = late(opened, resolved, target->resolution_hours, as_of, &out->res_h);
}
