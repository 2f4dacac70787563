/*
 * The insight panels of the HTML page (ipanel.c lays them out), each a <section> with the
 * panel's id and data-panel:
 *
 *   <section id="jm-retention" data-panel="retention">
 *     <h2>  <p class="jm-note-line">  <div class="jm-facts"><article class="jm-fact">...
 *     <table class="jm-table" data-table>  th/td: .jm-num (right), .jm-heat (tinted), bars
 *
 * Fact cards and table rows do not break across printed pages. Every string is escaped.
 *
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

static void facts(struct jm__svg *s, const struct jm__ipanel *p)
{
    if (!p->n_facts)
        return;
    jm__out_raw(&s->o, "<div class=\"jm-facts\">\n");
    for (size_t i = 0; i < p->n_facts; i++) {
        const struct jm__fact *f = &p->facts[i];
        jm__out_raw(&s->o, "<article class=\"jm-fact\">");
        jm__html_el(s, "h3", NULL, f->label);
        jm__html_el(s, "b", NULL, f->value);
        if (f->detail && *f->detail)
            jm__html_el(s, "p", NULL, f->detail);
        jm__out_raw(&s->o, "</article>\n");
    }
    jm__out_raw(&s->o, "</div>\n");
}

static const char *col_class(enum jm__icol k)
{
    return k == JM__ICOL_NUM ? "jm-num" : k == JM__ICOL_HEAT ? "jm-heat" : NULL;
}

static void td(struct jm__svg *s, const struct jm__itable *t, size_t k, const struct jm__icell *c)
{
    const char *tint = t->kind[k] == JM__ICOL_HEAT ? jm__heat_color(c->v) : NULL;
    if (tint) {
        jm__out_f(&s->o, "<td class=\"jm-heat\" style=\"background:%s\">", tint);
        jm__out_text(&s->o, c->text);
        jm__out_raw(&s->o, "</td>");
    } else if (t->kind[k] == JM__ICOL_BAR) {
        jm__out_raw(&s->o, "<td>");
        jm__out_text(&s->o, c->text);
        jm__html_bar(s, c->v, "#5b7db8");
        jm__out_raw(&s->o, "</td>");
    } else {
        jm__html_el(s, "td", col_class(t->kind[k]), c->text);
    }
}

static void table(struct jm__svg *s, const struct jm__itable *t)
{
    if (t->caption && *t->caption)
        jm__html_el(s, "p", "jm-caption", t->caption);
    jm__out_raw(&s->o, "<table class=\"jm-table\"><colgroup>");
    for (size_t k = 0; k < t->n_cols; k++)
        jm__out_f(&s->o, "<col style=\"width:%.2f%%\">", t->width[k] * 100);
    jm__out_raw(&s->o, "</colgroup><thead><tr>");
    for (size_t k = 0; k < t->n_cols; k++)
        jm__html_el(s, "th", col_class(t->kind[k]), t->head[k]);
    jm__out_raw(&s->o, "</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < t->n_rows; r++) {
        jm__out_raw(&s->o, "<tr>");
        for (size_t k = 0; k < t->n_cols; k++)
            td(s, t, k, &t->cells[r * t->n_cols + k]);
        jm__out_raw(&s->o, "</tr>\n");
    }
    jm__out_raw(&s->o, "</tbody></table>\n");
}

void jm__html_ipanel(struct jm__svg *s, const struct jm__ipanel *p)
{
    jm__out_f(&s->o, "<section id=\"%s\" data-panel=\"%s\">\n", p->id, jm_map_panel_key(p->panel));
    jm__html_el(s, "h2", NULL, p->title);
    jm__out_raw(&s->o, "\n");
    if (p->note && *p->note)
        jm__html_el(s, "p", "jm-note-line", p->note);
    if (p->empty)
        jm__html_el(s, "p", "jm-none", jm__ui(s->m, JM_UI_NO_DATA));
    facts(s, p);
    for (size_t i = 0; i < p->n_tables; i++)
        table(s, &p->tables[i]);
    jm__out_raw(&s->o, "</section>\n");
}
