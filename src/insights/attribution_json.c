/*
 * Attribution as JSON (insights.h): the table and the drill-down behind one of its rows.
 * Credits and shares are printed to 4 decimals, money to 2, NAN as null (json_out.c).
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
#include <string.h>

#include "insights/internal.h"
#include "base/banned.h"

/* {model: x} for every model, x to `places` decimals; Markov as null when `no_markov`. */
static void per_model(struct jm__jout *o, const char *k, const double *x, int places,
                      bool no_markov)
{
    jm__jout_open(o, k, '{');
    for (int m = 0; m < JM_ATTR__COUNT; m++) {
        const char *model = jm_attr_model_key((enum jm_attr_model)m);
        if (m == JM_ATTR_MARKOV && no_markov)
            jm__jout_str(o, model, NULL);
        else
            jm__jout_num(o, model, x[m], places);
    }
    jm__jout_raw(o, "}");
}

/* ---------------------------------------------------------------- table */

static const char *conversion_key(enum jm_conversion_kind k)
{
    static const char *const KEY[] = {"stage", "touchpoint", "won", "revenue"};
    return (unsigned)k < sizeof(KEY) / sizeof(KEY[0]) ? KEY[k] : "";
}

static void options(struct jm__jout *o, const struct jm_attribution_opts *op)
{
    bool targeted = op->conversion == JM_CONVERT_STAGE || op->conversion == JM_CONVERT_TOUCHPOINT;
    jm__jout_open(o, "conversion", '{');
    jm__jout_str(o, "kind", conversion_key(op->conversion));
    jm__jout_str(o, "target", targeted ? op->target : NULL);
    jm__jout_raw(o, "}");
    jm__jout_str(o, "by", jm_insight_dim_key(op->by));
    jm__jout_num(o, "lookback_days", op->lookback_days, 2);
    jm__jout_num(o, "half_life_days", op->half_life_days, 2);
    jm__jout_open(o, "models", '[');
    for (int m = 0; m < JM_ATTR__COUNT; m++)
        jm__jout_str(o, NULL, jm_attr_model_key((enum jm_attr_model)m));
    jm__jout_raw(o, "]");
    jm__jout_open(o, "model_names", '{');
    for (int m = 0; m < JM_ATTR__COUNT; m++)
        jm__jout_str(o, jm_attr_model_key((enum jm_attr_model)m),
                     jm_attr_model_name((enum jm_attr_model)m, o->lang));
    jm__jout_raw(o, "}");
}

static void row(struct jm__jout *o, const struct jm_attribution_row *rw)
{
    jm__jout_open(o, NULL, '{');
    jm__jout_str(o, "key", rw->key);
    jm__jout_u64(o, "touches", rw->touches);
    jm__jout_u64(o, "converting", rw->converting);
    per_model(o, "conversions", rw->conversions, 4, false);
    per_model(o, "revenue", rw->revenue, 2, false);
    jm__jout_num(o, "removal_effect", rw->removal_effect, 4);
    jm__jout_raw(o, "}");
}

jm_status jm_attribution_json(const struct jm_report *r, const struct jm_attribution *a,
                              enum jm_lang lang, struct jm_strbuf *sb)
{
    struct jm__jout o = {.sb = sb, .lang = lang};
    jm__jout_head(&o, r);
    options(&o, &a->opts);
    jm__jout_u64(&o, "conversions", a->conversions);
    jm__jout_u64(&o, "with_touches", a->with_touches);
    jm__jout_num(&o, "revenue", a->revenue, 2);
    jm__jout_open(&o, "markov", '{');
    jm__jout_u64(&o, "paths", a->paths);
    jm__jout_u64(&o, "converting", a->converting_paths);
    jm__jout_num(&o, "p", a->markov_p, 4);
    jm__jout_raw(&o, "}");
    jm__jout_open(&o, "rows", '[');
    for (size_t i = 0; i < a->n_rows; i++)
        row(&o, &a->rows[i]);
    jm__jout_raw(&o, "]}\n");
    return jm__jout_done(&o);
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

static void record(struct jm__jout *o, const struct jm_dataset *ds, enum jm_entity kind, uint32_t r)
{
    char buf[512];
    jm__jout_open(o, NULL, '{');
    jm__jout_str(o, "id", text_of(ds, kind, r, "id", buf, sizeof(buf)));
    jm__jout_str(o, "name", text_of(ds, kind, r, "name", buf, sizeof(buf)));
    if (kind == JM_ENT_DEAL)
        jm__jout_num(o, "amount", jm__value_number(jm__field(ds, kind, r, "amount")), 2);
    jm__jout_raw(o, "}");
}

static void listed_one(struct jm__jout *o, const struct jm_dataset *ds, const struct listed *l)
{
    jm__jout_open(o, NULL, '{');
    jm__jout_key(o, "account");
    record(o, ds, JM_ENT_ACCOUNT, l->c->account);
    jm__jout_key(o, "deal");
    if (l->c->deal == JM_NONE)
        jm__jout_raw(o, "null");
    else
        record(o, ds, JM_ENT_DEAL, l->c->deal);
    jm__jout_time(o, "time", l->c->time);
    jm__jout_num(o, "value", l->c->value, 2);
    jm__jout_u64(o, "touches", l->c->n_touches);
    per_model(o, "share", l->share, 4, true);
    jm__jout_raw(o, "}");
}

jm_status jm_attribution_drill_json(const struct jm_report *r, const struct jm_attribution *a,
                                    ptrdiff_t row, size_t limit, enum jm_lang lang,
                                    struct jm_strbuf *sb)
{
    if (row >= (ptrdiff_t)a->n_rows)
        return JM_EINVAL;
    struct listed *v = jm_malloc((a->n_conv + 1) * sizeof(*v));
    if (!v)
        return JM_ENOMEM;
    size_t n = collect(a, row, v);
    jm__qsort(v, n, sizeof(*v), listed_cmp);
    if (limit && n > limit)
        n = limit;
    struct jm__jout o = {.sb = sb, .lang = lang}; /* nothing in the list is a label */
    jm__jout_raw(&o, "{");
    jm__jout_str(&o, "row", row < 0 ? NULL : a->rows[row].key);
    jm__jout_open(&o, "conversions", '[');
    for (size_t i = 0; i < n; i++)
        listed_one(&o, r->tl->ds, &v[i]);
    jm__jout_raw(&o, "]}\n");
    jm_free(v);
    return jm__jout_done(&o);
}
