/*
 * One account's (or contact's) journey as a person reads it: each move with its date, the days
 * spent in the stage it left, and who of the buying committee engaged in each stage; then the
 * lead score and the last touch.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_report.h"

static const char *const KIND[JM_LANG__COUNT][4] = {
    {"enters", "moves on to", "skips ahead to", "goes back to"},
    {"vào", "chuyển sang", "bỏ qua tới", "quay lại"},
};

static void roles_of(const struct jm_timelines *tl, uint16_t mask, enum jm_lang lang)
{
    bool first = true;
    for (size_t b = 0; b < tl->n_roles; b++)
        if (mask >> b & 1u) {
            printf("%s%s", first ? "" : ", ",
                   jm_journey_role_name(tl->journey, tl->role_keys[b], lang));
            first = false;
        }
    if (first)
        fputs("-", stdout);
}

int cli_report_timeline(const struct jm_timelines *tl, const char *id, enum jm_lang lang)
{
    size_t u = 0;
    while (u < tl->n_units && strcmp(jm_timelines_unit_id(tl, u), id) != 0)
        u++;
    if (u == tl->n_units) {
        fprintf(stderr, "journeymap: no %s '%s' in the workspace\n",
                tl->level == JM_LEVEL_ACCOUNT ? "account" : "contact", id);
        return JM_EXIT_NOTFOUND;
    }
    const struct jm_journey *j = tl->journey;
    bool vi = lang == JM_LANG_VI;
    printf("%s · %s\n", id, jm_text_get(&j->name, lang));
    for (size_t k = tl->move_start[u]; k < tl->move_start[u + 1]; k++) {
        const struct jm_move *m = &tl->moves[k];
        char when[40];
        jm_time_format(m->time, true, when, sizeof(when));
        printf("  %s  %s %s%s", when, KIND[lang][m->kind],
               jm_text_get(&j->stages[m->to].name, lang),
               m->reentry ? (vi ? " (lần nữa)" : " (again)") : "");
        if (k > tl->move_start[u])
            printf(vi ? "  — %.1f ngày ở %s" : "  — after %.1f days in %s",
                   (double)(m->time - tl->moves[k - 1].time) / (86400.0 * JM_US_PER_SEC),
                   jm_text_get(&j->stages[m->from].name, lang));
        putchar('\n');
    }
    if (tl->move_start[u] == tl->move_start[u + 1])
        puts(vi ? "  chưa vào giai đoạn nào" : "  has not entered any stage");
    puts(vi ? "Nhóm mua tham gia theo giai đoạn:" : "Buying committee engaged per stage:");
    for (size_t s = 0; s < tl->n_stages; s++) {
        if (tl->entered[u * tl->n_stages + s] == INT64_MAX)
            continue;
        printf("  %s: ", jm_text_get(&j->stages[s].name, lang));
        roles_of(tl, tl->roles[u * tl->n_stages + s], lang);
        putchar('\n');
    }
    if (j->scoring.n_rules)
        printf(vi ? "Điểm tiềm năng: %.1f (cao nhất %.1f)\n" : "Lead score: %.1f (highest %.1f)\n",
               tl->score[u], tl->max_score[u]);
    if (tl->last_event[u] != JM_NONE) {
        const struct jm_store *st = jm_dataset_store(tl->ds);
        char when[40];
        jm_time_format(tl->last_touch[u], false, when, sizeof(when));
        printf(vi ? "Điểm chạm cuối: %s, %s\n" : "Last touch: %s, %s\n",
               jm_store_text(st, JM_STORE_TOUCHPOINT,
                             jm_store_columns(st)->touchpoint[tl->last_event[u]], NULL),
               when);
    }
    return fflush(stdout) ? JM_EXIT_INTERNAL : JM_EXIT_OK;
}
