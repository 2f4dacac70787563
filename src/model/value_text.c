/*
 * The text form of a value, as exports and reports write it: text as it is, whole numbers in
 * decimal, reals in the shortest form that reads back to the same double, times in ISO-8601
 * UTC.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/internal.h"
#include "model/internal.h"

void jm_format_double(double d, char *buf, size_t cap)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

void jm_value_text(const struct jm_value *v, char *buf, size_t cap, const char **s, size_t *len)
{
    *s = buf;
    buf[0] = '\0';
    switch (v->kind) {
    case JM_V_TEXT:
        *s = v->s;
        *len = v->len;
        return;
    case JM_V_INT:
        snprintf(buf, cap, "%lld", (long long)v->i);
        break;
    case JM_V_REAL:
        jm_format_double(v->r, buf, cap);
        break;
    case JM_V_TIME:
        jm_time_format(v->i, false, buf, cap);
        break;
    default:
        break;
    }
    *len = strlen(buf);
}
