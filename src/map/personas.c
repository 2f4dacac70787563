/*
 * Persona cards, and which units a persona describes (the map's persona filter).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "journey/internal.h"
#include "map/internal.h"

static const char *const titles[][JM_LANG__COUNT] = {
    {"Challenges", "Thách thức"},
    {"Motivations", "Động lực"},
    {"Responsibilities", "Trách nhiệm"},
    {"Goals", "Mục tiêu"},
    {"KPIs they answer for", "KPI họ chịu trách nhiệm"},
    {"Decision criteria", "Tiêu chí quyết định"},
    {"Trusted sources", "Nguồn tin cậy"},
};

static void section(struct jm__builder *b, struct jm_map_persona *c, size_t title,
                    const struct jm_text_list *l)
{
    if (!l->n)
        return;
    struct jm_map_section *s = &c->sections[c->n_sections++];
    s->title = titles[title][b->lang == JM_LANG_VI];
    s->items = jm__map_texts(b, l, &s->n);
}

/* "Software · 200-1000 · Vietnam" from the company persona's texts that are set. */
static const char *company_line(struct jm__builder *b, const struct jm_persona *p)
{
    const struct jm_text *parts[] = {&p->industry, &p->size, &p->geography};
    char line[512] = "";
    size_t used = 0;
    for (size_t i = 0; i < 3; i++) {
        if (jm_text_empty(parts[i]) || used >= sizeof(line))
            continue;
        used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", used ? " · " : "",
                                 jm_text_get(parts[i], b->lang));
    }
    return jm__map_str(b, line);
}

static void card(struct jm__builder *b, const struct jm_persona *p, const char *filter,
                 struct jm_map_persona *c)
{
    bool company = p->kind == JM_PERSONA_COMPANY;
    c->key = jm__map_str(b, p->key);
    c->name = jm__map_text(b, &p->name);
    c->kind = company ? "company" : "person";
    c->description = jm__map_text(b, &p->description);
    c->subtitle = company   ? company_line(b, p)
                  : p->role ? jm__map_str(b, jm_journey_role_name(b->j, p->role, b->lang))
                            : "";
    c->matches_filter = filter && strcasecmp(filter, p->key) == 0;
    c->sections = jm__map_alloc(b, 7, sizeof(*c->sections));
    if (!c->sections)
        return;
    if (company) {
        section(b, c, 0, &p->challenges);
        section(b, c, 1, &p->motivations);
        return;
    }
    section(b, c, 2, &p->responsibilities);
    section(b, c, 3, &p->goals);
    section(b, c, 4, &p->kpis);
    section(b, c, 5, &p->decision_criteria);
    section(b, c, 6, &p->trusted_sources);
}

void jm__map_personas(struct jm__builder *b, const struct jm_map_options *o)
{
    const struct jm_journey *j = b->j;
    struct jm_map *m = b->m;
    m->personas = jm__map_alloc(b, j->n_personas, sizeof(*m->personas));
    for (size_t i = 0; m->personas && i < j->n_personas; i++)
        card(b, &j->personas[i], o->persona, &m->personas[m->n_personas++]);
}

/* ---------------------------------------------------------------- the persona filter */

static bool text_is(const struct jm_value *v, const char *want)
{
    return v && v->kind == JM_V_TEXT && strcasecmp(v->s, want) == 0;
}

/* The field equals the text in either language (a persona written in Vietnamese still matches
 * data labelled in English). An empty text matches anything. */
static bool matches(const struct jm_value *v, const struct jm_text *t)
{
    if (jm_text_empty(t))
        return true;
    for (size_t l = 0; l < JM_LANG__COUNT; l++)
        if (t->s[l] && text_is(v, t->s[l]))
            return true;
    return false;
}

/* An account of company persona `p`: its properties say so ("persona": KEY), or its industry,
 * size band and country match what the persona gives. */
static bool account_is(const struct jm_dataset *ds, size_t row, const struct jm_persona *p,
                       struct jm_strbuf *sb)
{
    const struct jm_entity_def *def = jm_entity_get(JM_ENT_ACCOUNT);
    const char *props = jm_dataset_props(ds, JM_ENT_ACCOUNT, row);
    jm_strbuf_reset(sb);
    if (props && jm__props_get(props, "persona", sb) && sb->len && strcasecmp(sb->buf, p->key) == 0)
        return true;
    if (jm_text_empty(&p->industry) && jm_text_empty(&p->size) && jm_text_empty(&p->geography))
        return false;
    const struct jm_value *ind = jm_dataset_value(ds, JM_ENT_ACCOUNT, row,
                                                  jm_entity_field(def, "industry")),
                          *size = jm_dataset_value(ds, JM_ENT_ACCOUNT, row,
                                                   jm_entity_field(def, "size_band")),
                          *country = jm_dataset_value(ds, JM_ENT_ACCOUNT, row,
                                                      jm_entity_field(def, "country"));
    return matches(ind, &p->industry) && matches(size, &p->size) && matches(country, &p->geography);
}

void jm__map_persona_mask(struct jm__builder *b, const struct jm_persona *p, uint8_t *in)
{
    const struct jm_timelines *tl = b->tl;
    const struct jm_dataset *ds = tl->ds;
    bool accounts = tl->level == JM_LEVEL_ACCOUNT;
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 0);
    if (p->kind == JM_PERSONA_PERSON) {
        int f = jm_entity_field(jm_entity_get(JM_ENT_CONTACT), "persona");
        for (size_t c = 0; c < jm_dataset_rows(ds, JM_ENT_CONTACT); c++) {
            if (!text_is(jm_dataset_value(ds, JM_ENT_CONTACT, c, f), p->key))
                continue;
            uint32_t u = accounts ? ds->tables[JM_ENT_CONTACT].account[c] : (uint32_t)c;
            if (u != JM_NONE && u < tl->n_units)
                in[u] = 1;
        }
    } else {
        for (size_t u = 0; u < tl->n_units; u++) {
            uint32_t a =
                accounts ? tl->unit_row[u] : ds->tables[JM_ENT_CONTACT].account[tl->unit_row[u]];
            in[u] = a != JM_NONE && account_is(ds, a, p, &sb);
        }
    }
    jm_strbuf_release(&sb);
}
