/*
 * The JSON writer the insights share (internal.h, "JSON"). attribution_json.c, paths_json.c
 * and retention_json.c each used to carry their own copy, and the copies had drifted apart:
 * paths printed numbers in their shortest form ("1.5") where the others printed fixed decimals
 * ("1.50"). One writer keeps every document printing alike.
 *
 * Commas come from the byte before the key or value: nothing precedes the first member of an
 * object or element of an array (after '{' or '['), nor a value after its key (':'), so the
 * writers never count members to know whether one is first.
 *
 * SPDX-License-Identifier: MIT
 */
#include <assert.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "insights/internal.h"
#include "base/banned.h"

void jm__jout_raw(struct jm__jout *o, const char *s)
{
    if (!o->rc)
        o->rc = jm_strbuf_addstr(o->sb, s);
}

/* The comma before a key or value, when something that ends a value precedes it. */
static void comma(struct jm__jout *o)
{
    if (o->rc || !o->sb->len)
        return;
    char last = o->sb->buf[o->sb->len - 1];
    if (last != '{' && last != '[' && last != ':' && last != ',')
        jm__jout_raw(o, ",");
}

static void string(struct jm__jout *o, const char *s)
{
    if (!s)
        jm__jout_raw(o, "null");
    else if (!o->rc)
        o->rc = jm_strbuf_add_json_string(o->sb, s, strlen(s));
}

void jm__jout_key(struct jm__jout *o, const char *k)
{
    comma(o);
    string(o, k);
    jm__jout_raw(o, ":");
}

/* What starts every value: the key when there is one, else the comma an element may need. */
static void start(struct jm__jout *o, const char *k)
{
    if (k)
        jm__jout_key(o, k);
    else
        comma(o);
}

void jm__jout_open(struct jm__jout *o, const char *k, char c)
{
    char s[2] = {c, '\0'};
    start(o, k);
    jm__jout_raw(o, s);
}

void jm__jout_str(struct jm__jout *o, const char *k, const char *s)
{
    start(o, k);
    string(o, s);
}

void jm__jout_bool(struct jm__jout *o, const char *k, bool b)
{
    start(o, k);
    jm__jout_raw(o, b ? "true" : "false");
}

void jm__jout_u64(struct jm__jout *o, const char *k, uint64_t x)
{
    start(o, k);
    if (!o->rc)
        o->rc = jm_strbuf_addf(o->sb, "%llu", (unsigned long long)x);
}

void jm__jout_num(struct jm__jout *o, const char *k, double x, int decimals)
{
    assert(decimals == 2 || decimals == 4);
    start(o, k);
    if (!isfinite(x)) {
        jm__jout_raw(o, "null");
        return;
    }
    /* jm_round4's half up, nudge included, at either scale: for 4 places the very same value */
    double scale = decimals == 4 ? 1e4 : 1e2, s = x * scale;
    double r = floor(s + 0.5 + 8 * DBL_EPSILON * fabs(s)) / scale;
    if (r == 0)
        r = 0; /* -0.001 rounds to -0, which "%.2f" would print as "-0.00" */
    if (!o->rc)
        o->rc = jm_strbuf_addf(o->sb, "%.*f", decimals, r);
}

void jm__jout_time(struct jm__jout *o, const char *k, int64_t t)
{
    char buf[40];
    if (t == INT64_MIN || t == INT64_MAX) {
        jm__jout_str(o, k, NULL);
        return;
    }
    jm_time_format(t, false, buf, sizeof(buf));
    jm__jout_str(o, k, buf);
}

void jm__jout_dist(struct jm__jout *o, const char *k, const struct jm_dist *d)
{
    jm__jout_open(o, k, '{');
    jm__jout_u64(o, "count", d->count);
    jm__jout_num(o, "mean", d->mean, 2);
    jm__jout_num(o, "median", d->median, 2);
    jm__jout_num(o, "p75", d->p75, 2);
    jm__jout_num(o, "p90", d->p90, 2);
    jm__jout_raw(o, "}");
}

void jm__jout_head(struct jm__jout *o, const struct jm_report *r)
{
    const struct jm_journey *j = r->tl->journey;
    jm__jout_raw(o, "{");
    jm__jout_str(o, "journey", j->key);
    jm__jout_str(o, "name", jm_text_get(&j->name, o->lang));
    jm__jout_str(o, "level", r->tl->level == JM_LEVEL_ACCOUNT ? "account" : "contact");
    jm__jout_open(o, "period", '{');
    jm__jout_time(o, "from", r->opts.from);
    jm__jout_time(o, "to", r->opts.to);
    jm__jout_raw(o, "}");
    jm__jout_time(o, "as_of", r->tl->as_of);
}

jm_status jm__jout_done(const struct jm__jout *o)
{
    if (o->rc)
        return o->rc;
    return o->sb->failed ? JM_ENOMEM : JM_OK;
}
