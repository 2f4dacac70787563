/*
 * Attribution as JSON (insights.h): the table and the drill-down behind one of its rows.
 * Credits and shares are printed to 4 decimals, money to 2, NAN as null.
 *
 *   table  {"journey","name","level","period":{"from","to"},"as_of",
 *           "conversion":{"kind","target"},"by","lookback_days","half_life_days",
 *           "models":[key...],"model_names":{key:name},"conversions","with_touches","revenue",
 *           "markov":{"paths","converting","p"},
 *           "rows":[{"key","touches","converting","conversions":{model:credit},
 *                    "revenue":{model:credit},"removal_effect"}]}
 *   drill  {"row":key|null,"conversions":[{"account":{"id","name"},
 *           "deal":{"id","name","amount"}|null,"time","value","touches","share":{model:share}}]}
 *
 * SPDX-License-Identifier: MIT
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "insights/internal.h"
#include "base/banned.h"

struct out {
    struct jm_strbuf *sb;
    jm_status rc;
};

static void raw(struct out *o, const char *s)
{
    if (!o->rc)
        o->rc = jm_strbuf_addstr(o->sb, s);
}

static void str(struct out *o, const char *s)
{
    if (!s)
        raw(o, "null");
    else if (!o->rc)
        o->rc = jm_strbuf_add_json_string(o->sb, s, strlen(s));
}

/* `"key":` with the comma before it unless it opens an object. */
static void key(struct out *o, const char *k)
{
    if (!o->rc && o->sb->len && o->sb->buf[o->sb->len - 1] != '{')
        raw(o, ",");
    str(o, k);
    raw(o, ":");
}

static void u64(struct out *o, const char *k, uint64_t x)
{
    key(o, k);
    if (!o->rc)
        o->rc = jm_strbuf_addf(o->sb, "%llu", (unsigned long long)x);
}

/* x rounded half up to `places` (2 or 4) decimals; NAN as null. */
static void fixed(struct out *o, const char *k, double x, int places)
{
    key(o, k);
    if (!isfinite(x)) {
        raw(o, "null");
        return;
    }
    double r;
    if (places == 4) {
        r = jm_round4(x);
    } else { /* jm_round4's nudge, for decimal fractions stored a hair low */
        double s = x * 100;
        r = floor(s + 0.5 + 8 * DBL_EPSILON * fabs(s)) / 100;
    }
    if (r == 0)
        r = 0; /* no "-0.0000" */
    if (!o->rc)
        o->rc = jm_strbuf_addf(o->sb, "%.*f", places, r);
}

static void time_value(struct out *o, const char *k, int64_t t)
{
    char buf[40];
    key(o, k);
    if (t == INT64_MIN || t == INT64_MAX) {
        raw(o, "null");
        return;
    }
    jm_time_format(t, false, buf, sizeof(buf));
    str(o, buf);
}

/* The journey head every insight starts with; leaves the object open. */
static void head(struct out *o, const struct jm_report *r, enum jm_lang lang)
{
    const struct jm_journey *j = r->tl->journey;
    raw(o, "{");
    key(o, "journey");
    str(o, j->key);
    key(o, "name");
    str(o, jm_text_get(&j->name, lang));
    key(o, "level");
    str(o, r->tl->level == JM_LEVEL_ACCOUNT ? "account" : "contact");
    key(o, "period");
    raw(o, "{");
    time_value(o, "from", r->opts.from);
    time_value(o, "to", r->opts.to);
    raw(o, "}");
    time_value(o, "as_of", r->tl->as_of);
}

/* {model: x} for every model, x to `places` decimals; Markov as null when `no_markov`. */
static void per_model(struct out *o, const char *k, const double *x, int places, bool no_markov)
{
    key(o, k);
    raw(o, "{");
    for (int m = 0; m < JM_ATTR__COUNT; m++) {
        if (m == JM_ATTR_MARKOV && no_markov) {
            key(o, jm_attr_model_key(JM_ATTR_MARKOV));
            raw(o, "null");
        } else {
            fixed(o, jm_attr_model_key((enum jm_attr_model)m), x[m], places);
        }
    }
    raw(o, "}");
}

/* ---------------------------------------------------------------- table */

static const char *conversion_key(enum jm_conversion_kind k)
{
    static const char *const KEY[] = {"stage", "touchpoint", "won", "revenue"};
    return (unsigned)k < sizeof(KEY) / sizeof(KEY[0]) ? KEY[k] : "";
}

static void options(struct out *o, const struct jm_attribution_opts *op, enum jm_lang lang)
{
    bool targeted = op->conversion == JM_CONVERT_STAGE || op->conversion == JM_CONVERT_TOUCHPOINT;
    key(o, "conversion");
    raw(o, "{");
    key(o, "kind");
    str(o, conversion_key(op->conversion));
    key(o, "target");
    str(o, targeted ? op->target : NULL);
    raw(o, "}");
    key(o, "by");
    str(o, jm_insight_dim_key(op->by));
    fixed(o, "lookback_days", op->lookback_days, 2);
    fixed(o, "half_life_days", op->half_life_days, 2);
    key(o, "models");
    raw(o, "[");
    for (int m = 0; m < JM_ATTR__COUNT; m++) {
        raw(o, m ? "," : "");
        str(o, jm_attr_model_key((enum jm_attr_model)m));
    }
    raw(o, "]");
    key(o, "model_names");
    raw(o, "{");
    for (int m = 0; m < JM_ATTR__COUNT; m++) {
        key(o, jm_attr_model_key((enum jm_attr_model)m));
        str(o, jm_attr_model_name((enum jm_attr_model)m, lang));
    }
    raw(o, "}");
}

static void row(struct out *o, const struct jm_attribution_row *rw)
{
    raw(o, "{");
    key(o, "key");
    str(o, rw->key);
    u64(o, "touches", rw->touches);
    u64(o, "converting", rw->converting);
    per_model(o, "conversions", rw->conversions, 4, false);
    per_model(o, "revenue", rw->revenue, 2, false);
    fixed(o, "removal_effect", rw->removal_effect, 4);
    raw(o, "}");
}

jm_status jm_attribution_json(const struct jm_report *r, const struct jm_attribution *a,
                              enum jm_lang lang, struct jm_strbuf *sb)
{
    struct out o = {sb, JM_OK};
    head(&o, r, lang);
    options(&o, &a->opts, lang);
    u64(&o, "conversions", a->conversions);
    u64(&o, "with_touches", a->with_touches);
    fixed(&o, "revenue", a->revenue, 2);
    key(&o, "markov");
    raw(&o, "{");
    u64(&o, "paths", a->paths);
    u64(&o, "converting", a->converting_paths);
    fixed(&o, "p", a->markov_p, 4);
    raw(&o, "}");
    key(&o, "rows");
    raw(&o, "[");
    for (size_t i = 0; i < a->n_rows; i++) {
        raw(&o, i ? "," : "");
        row(&o, &a->rows[i]);
    }
    raw(&o, "]}\n");
    return o.rc;
}

/* ---------------------------------------------------------------- drill-down */

/* One listed conversion and the shares it gave the row (all of it when no row is asked). */
struct listed {
    const struct jm_conversion *c;
    double share[JM_ATTR__COUNT];
};

static int listed_cmp(const void *x, const void *y)
{
    const struct listed *a = x, *b = y;
    if (a->share[JM_ATTR_LINEAR] != b->share[JM_ATTR_LINEAR])
        return a->share[JM_ATTR_LINEAR] > b->share[JM_ATTR_LINEAR] ? -1 : 1;
    /* a->conv is in time order already: its position breaks ties */
    return (a->c > b->c) - (a->c < b->c);
}

/* The conversions that gave row `row` a credit (every one when row < 0), with their shares. */
static size_t collect(const struct jm_attribution *a, ptrdiff_t row, struct listed *v)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n_conv; i++) {
        const struct jm_conversion *c = &a->conv[i];
        struct listed l = {c, {0}};
        bool hit = row < 0;
        for (uint32_t k = c->credit_start; k < c->credit_end; k++) {
            if (row >= 0 && a->credits[k].row != (uint32_t)row)
                continue;
            hit = true;
            for (int m = 0; m < JM_ATTR__COUNT; m++)
                l.share[m] += a->credits[k].share[m];
        }
        if (hit)
            v[n++] = l;
    }
    return n;
}

static const char *text_of(const struct jm_dataset *ds, enum jm_entity kind, size_t r,
                           const char *field, char *buf, size_t cap)
{
    const struct jm_value *v = jm__field(ds, kind, r, field);
    if (v->kind != JM_V_TEXT)
        return NULL;
    size_t len = v->len < cap - 1 ? v->len : cap - 1;
    memcpy(buf, v->s, len);
    buf[len] = '\0';
    return buf;
}

static void record(struct out *o, const struct jm_dataset *ds, enum jm_entity kind, uint32_t r)
{
    char buf[512];
    raw(o, "{");
    key(o, "id");
    str(o, text_of(ds, kind, r, "id", buf, sizeof(buf)));
    key(o, "name");
    str(o, text_of(ds, kind, r, "name", buf, sizeof(buf)));
    if (kind == JM_ENT_DEAL)
        fixed(o, "amount", jm__value_number(jm__field(ds, kind, r, "amount")), 2);
    raw(o, "}");
}

static void listed_one(struct out *o, const struct jm_dataset *ds, const struct listed *l)
{
    raw(o, "{");
    key(o, "account");
    record(o, ds, JM_ENT_ACCOUNT, l->c->account);
    key(o, "deal");
    if (l->c->deal == JM_NONE)
        raw(o, "null");
    else
        record(o, ds, JM_ENT_DEAL, l->c->deal);
    time_value(o, "time", l->c->time);
    fixed(o, "value", l->c->value, 2);
    u64(o, "touches", l->c->n_touches);
    per_model(o, "share", l->share, 4, true);
    raw(o, "}");
}

jm_status jm_attribution_drill_json(const struct jm_report *r, const struct jm_attribution *a,
                                    ptrdiff_t row, size_t limit, enum jm_lang lang,
                                    struct jm_strbuf *sb)
{
    (void)lang; /* nothing in the list is a label */
    if (row >= (ptrdiff_t)a->n_rows)
        return JM_EINVAL;
    struct listed *v = jm_malloc((a->n_conv + 1) * sizeof(*v));
    if (!v)
        return JM_ENOMEM;
    size_t n = collect(a, row, v);
    jm__qsort(v, n, sizeof(*v), listed_cmp);
    if (limit && n > limit)
        n = limit;
    struct out o = {sb, JM_OK};
    raw(&o, "{");
    key(&o, "row");
    str(&o, row < 0 ? NULL : a->rows[row].key);
    key(&o, "conversions");
    raw(&o, "[");
    for (size_t i = 0; i < n; i++) {
        raw(&o, i ? "," : "");
        listed_one(&o, r->tl->ds, &v[i]);
    }
    raw(&o, "]}\n");
    jm_free(v);
    return o.rc;
}
