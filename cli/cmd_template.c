/*
 * journeymap template: the built-in journey templates (the YAML files in templates/, compiled
 * into the library). `list` names them, `show` summarises one (or any definition file) in
 * English or Vietnamese, and `init` writes one as a definition file to edit, in one language or
 * both.
 *
 * `show` reads the parsed definition, not the YAML, so what it prints is what analyses will
 * use: entry rules come out as an indented tree in words, touchpoints by their names in the
 * chosen language.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "journeymap/define.h"

#define WIDTH 100 /* wrap summaries at this many characters */

static const char template_help[] =
    "usage: journeymap template <list|show|init> [options]\n"
    "\n"
    "Built-in journey definitions to start from, each written in English and Vietnamese:\n"
    "the classic 5-stage B2B journey, the 8-stage buyer journey, the lead lifecycle, the\n"
    "loyalty loop and the Martin Giant journey by DMU role.\n"
    "\n"
    "  journeymap template list [--lang en|vi]\n"
    "      the templates: name, number of stages, level and what each is for\n"
    "  journeymap template show NAME [--lang en|vi]\n"
    "  journeymap template show --journey FILE [--lang en|vi]\n"
    "      stages with owner, entry rule in words, key roles and KPIs; touchpoints; personas\n"
    "  journeymap template init NAME --lang en|vi|both [-o FILE] [--force]\n"
    "      write the template as a definition file to edit (standard output without -o)\n"
    "\n"
    "Each subcommand takes --help. The definition format: docs/journey-definition.md.\n"
    "\n"
    "  -h, --help     show this help\n";

static const char list_help[] =
    "usage: journeymap template list [--lang en|vi]\n"
    "\n"
    "Lists the built-in journey templates: name, number of stages, level (account: a buying\n"
    "company moves through the stages; contact: each person does) and a one-line description.\n"
    "\n"
    "  --lang L       en (default) or vi\n"
    "  -h, --help     show this help\n";

static const char show_help[] =
    "usage: journeymap template show NAME [--lang en|vi]\n"
    "       journeymap template show --journey FILE [--lang en|vi]\n"
    "\n"
    "Summarises a template, or any journey definition file: the settings; each stage with its\n"
    "owner, entry rule in words, key DMU roles and KPI targets; the touchpoint catalog; the\n"
    "personas, DMU roles and lead scoring. `template init` writes the whole definition.\n"
    "\n"
    "  --journey FILE  summarise this definition file instead of a template\n"
    "  --lang L        en (default) or vi\n"
    "  -h, --help      show this help\n";

static const char init_help[] =
    "usage: journeymap template init NAME --lang en|vi|both [-o FILE] [--force]\n"
    "\n"
    "Writes template NAME as a journey definition to edit: every text in one language (en or\n"
    "vi), or in both as {en: ..., vi: ...}. Without -o it goes to standard output. An existing\n"
    "FILE is never overwritten unless --force is given, and FILE is written in full or not at\n"
    "all.\n"
    "\n"
    "  --lang L        en, vi or both (required)\n"
    "  -o, --output F  the file to write (default: standard output)\n"
    "  --force         overwrite FILE when it exists\n"
    "  -h, --help      show this help\n";

/* ---------------------------------------------------------------- shared */

/* The text in English or Vietnamese. */
#define TR(lang, en, vi) ((lang) == JM_LANG_VI ? (vi) : (en))

/* Parses --lang: en or vi, or also "both" (JM_LANG__COUNT) when `both` is allowed. */
static bool parse_lang(const char *s, bool both, enum jm_lang *out)
{
    if (both && strcmp(s, "both") == 0) {
        *out = JM_LANG__COUNT;
        return true;
    }
    return jm_lang_parse(s, out);
}

/* "b2b-5, buyer-8, ..." for messages. */
static void template_names(char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < jm_template_count() && used < cap; i++)
        used +=
            (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", jm_template_name(i));
}

static int unknown_template(const char *cmd, const char *name)
{
    char names[256];
    template_names(names, sizeof(names));
    return cli_usage_error(cmd, "unknown template '%s' (templates: %s)", name, names);
}

/* Prints `s` padded with spaces to `width` characters (UTF-8 aware). */
static void pad(const char *s, size_t width)
{
    size_t n = jm_utf8_count(s, strlen(s));
    printf("%s%*s", s, n < width ? (int)(width - n) : 0, "");
}

/*
 * Prints `text` after `indent` spaces, wrapped at spaces so lines stay within WIDTH characters;
 * continuation lines are indented by `hang`. Runs of spaces inside a line are kept (columns).
 */
static void wrapped(int indent, int hang, const char *text)
{
    int col = indent;
    printf("%*s", indent, "");
    for (const char *p = text; *p;) {
        size_t gap = strspn(p, " ");
        size_t len = strcspn(p + gap, " ");
        int chars = (int)jm_utf8_count(p + gap, len);
        if (gap && col > hang && col + (int)gap + chars > WIDTH) {
            printf("\n%*s", hang, "");
            col = hang;
        } else {
            printf("%.*s", (int)gap, p);
            col += (int)gap;
        }
        fwrite(p + gap, 1, len, stdout);
        col += chars;
        p += gap + len;
    }
    putchar('\n');
}

/* ---------------------------------------------------------------- list */

static int template_list(int argc, char **argv)
{
    static const struct option opts[] = {
        {"lang", required_argument, NULL, 'l'}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    enum jm_lang lang = JM_LANG_EN;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h')
            return fputs(list_help, stdout), JM_EXIT_OK;
        if (c != 'l')
            return cli_option_error("template list", c, argv);
        if (!parse_lang(optarg, false, &lang))
            return cli_usage_error("template list", "--lang must be en or vi");
    }
    if (optind < argc)
        return cli_usage_error("template list", "unexpected argument '%s'", argv[optind]);
    const char *h_stages = TR(lang, "STAGES", "GIAI ĐOẠN"), *h_level = TR(lang, "LEVEL", "CẤP ĐỘ");
    const char *account = TR(lang, "account", "tài khoản"),
               *contact = TR(lang, "contact", "liên hệ");
    size_t w_stages = jm_utf8_count(h_stages, strlen(h_stages));
    size_t w_level = jm_utf8_count(account, strlen(account));
    if (jm_utf8_count(h_level, strlen(h_level)) > w_level)
        w_level = jm_utf8_count(h_level, strlen(h_level));
    pad(TR(lang, "TEMPLATE", "MẪU"), 16);
    pad(h_stages, w_stages + 2);
    pad(h_level, w_level + 2);
    printf("%s\n", TR(lang, "DESCRIPTION", "MÔ TẢ"));
    for (size_t i = 0; i < jm_template_count(); i++) {
        struct jm_journey *j;
        struct jm_error err;
        jm_error_clear(&err);
        jm_status rc = jm_template_load(jm_template_name(i), &j, &err);
        if (rc)
            return cli_fail(rc, &err);
        pad(jm_template_name(i), 16);
        printf("%*zu  ", (int)w_stages, j->n_stages);
        pad(j->settings.level == JM_LEVEL_CONTACT ? contact : account, w_level + 2);
        printf("%s\n", jm_text_get(&j->description, lang));
        jm_journey_free(j);
    }
    return JM_EXIT_OK;
}

/* ---------------------------------------------------------------- show: rules in words */

struct show {
    const struct jm_journey *j;
    enum jm_lang lang;
    struct jm_strbuf sb; /* one line being built */
};

/* A touchpoint by its name in the chosen language, or its key when the catalog lacks it. */
static const char *tp_name(const struct show *s, const char *key)
{
    const struct jm_touchpoint_def *tp = jm_journey_touchpoint(s->j, key);
    const char *name = tp ? jm_text_get(&tp->name, s->lang) : "";
    return *name ? name : key;
}

static void add_list(struct show *s, const struct jm_strlist *l, bool touchpoints)
{
    for (size_t i = 0; i < l->n; i++)
        jm_strbuf_addf(&s->sb, "%s%s", i ? ", " : "", touchpoints ? tp_name(s, l->v[i]) : l->v[i]);
}

static void event_words(struct show *s, const struct jm_rule *r)
{
    enum jm_lang lang = s->lang;
    if (r->touchpoints.n == 0 && r->channels.n == 0 && r->n_where == 0)
        jm_strbuf_addstr(&s->sb, TR(lang, "any event", "bất kỳ sự kiện nào"));
    else if (r->at_least > 1)
        jm_strbuf_addf(&s->sb, TR(lang, "at least %u events", "ít nhất %u sự kiện"),
                       (unsigned)r->at_least);
    else
        jm_strbuf_addstr(&s->sb, TR(lang, "event", "sự kiện"));
    if (r->within_days > 0)
        jm_strbuf_addf(&s->sb, TR(lang, " within %g days", " trong %g ngày"), r->within_days);
    const char *sep = ": ";
    if (r->touchpoints.n) {
        jm_strbuf_addstr(&s->sb, sep);
        add_list(s, &r->touchpoints, true);
        sep = "; ";
    }
    if (r->channels.n) {
        jm_strbuf_addf(&s->sb, "%s%s", sep, TR(lang, "channel ", "kênh "));
        add_list(s, &r->channels, false);
        sep = "; ";
    }
    for (size_t i = 0; i < r->n_where; i++) {
        jm_strbuf_addf(&s->sb, "%s%s = ", sep, r->where[i].field);
        add_list(s, &r->where[i].values, false);
        sep = "; ";
    }
}

static void deal_words(struct show *s, const struct jm_rule *r)
{
    enum jm_lang lang = s->lang;
    switch (r->deal) {
    case JM_DEAL_CREATED:
        jm_strbuf_addstr(&s->sb, TR(lang, "deal created", "thương vụ được tạo"));
        break;
    case JM_DEAL_WON:
        jm_strbuf_addstr(&s->sb, TR(lang, "deal won", "thương vụ thắng"));
        break;
    case JM_DEAL_LOST:
        jm_strbuf_addstr(&s->sb, TR(lang, "deal lost", "thương vụ thua"));
        break;
    case JM_DEAL_IN_STAGE:
        jm_strbuf_addstr(&s->sb, TR(lang, "deal in stage ", "thương vụ ở bước "));
        add_list(s, &r->deal_stages, false);
        break;
    }
    if (r->pipelines.n) {
        jm_strbuf_addstr(&s->sb, TR(lang, " (pipeline ", " (pipeline "));
        add_list(s, &r->pipelines, false);
        jm_strbuf_addch(&s->sb, ')');
    }
}

static void leaf_words(struct show *s, const struct jm_rule *r)
{
    static const char *const rev_en[] = {"started", "grew", "shrank", "ended"};
    static const char *const rev_vi[] = {"bắt đầu", "tăng", "giảm", "chấm dứt"};
    enum jm_lang lang = s->lang;
    switch (r->kind) {
    case JM_RULE_EVENT:
        event_words(s, r);
        break;
    case JM_RULE_SCORE:
        if (r->threshold)
            jm_strbuf_addf(&s->sb,
                           TR(lang, "lead score reaches %s (%g)", "điểm lead đạt ngưỡng %s (%g)"),
                           r->threshold, r->score_at_least);
        else
            jm_strbuf_addf(&s->sb, TR(lang, "lead score reaches %g", "điểm lead đạt %g"),
                           r->score_at_least);
        break;
    case JM_RULE_DEAL:
        deal_words(s, r);
        break;
    case JM_RULE_TICKET:
        jm_strbuf_addstr(&s->sb, TR(lang, "support ticket opened", "có yêu cầu hỗ trợ"));
        if (r->priorities.n) {
            jm_strbuf_addstr(&s->sb, TR(lang, " (priority ", " (mức ưu tiên "));
            add_list(s, &r->priorities, false);
            jm_strbuf_addch(&s->sb, ')');
        }
        break;
    case JM_RULE_SURVEY:
        jm_strbuf_addf(&s->sb,
                       TR(lang, "%s survey answered %g to %g", "khảo sát %s được chấm %g đến %g"),
                       r->survey_kind ? r->survey_kind : TR(lang, "any", "bất kỳ"), r->score_min,
                       r->score_max);
        break;
    case JM_RULE_REVENUE:
        jm_strbuf_addf(&s->sb, TR(lang, "recurring revenue %s", "doanh thu định kỳ %s"),
                       TR(lang, rev_en[r->revenue], rev_vi[r->revenue]));
        break;
    case JM_RULE_STAGE:
        jm_strbuf_addf(&s->sb, TR(lang, "entry into %s", "vào giai đoạn %s"),
                       jm_text_get(&s->j->stages[r->stage].name, lang));
        break;
    default:
        break;
    }
}

/* One rule as an indented tree: composites on a line of their own, their children below. */
static void rule_tree(struct show *s, const struct jm_rule *r, int indent)
{
    enum jm_lang lang = s->lang;
    jm_strbuf_reset(&s->sb);
    jm_strbuf_addstr(&s->sb, "- ");
    if (r->kind == JM_RULE_ALL || r->kind == JM_RULE_ANY) {
        jm_strbuf_addstr(&s->sb, r->kind == JM_RULE_ALL ? TR(lang, "all of:", "tất cả:")
                                                        : TR(lang, "any of:", "một trong:"));
        wrapped(indent, indent + 2, s->sb.buf);
        for (size_t i = 0; i < r->n_children; i++)
            rule_tree(s, &r->children[i], indent + 2);
        return;
    }
    const struct jm_rule *leaf = r;
    if (r->kind == JM_RULE_NOT) {
        jm_strbuf_addstr(&s->sb, TR(lang, "not yet: ", "chưa có: "));
        leaf = &r->children[0];
        if (leaf->kind == JM_RULE_ALL || leaf->kind == JM_RULE_ANY || leaf->kind == JM_RULE_NOT) {
            wrapped(indent, indent + 2, s->sb.buf);
            rule_tree(s, leaf, indent + 2);
            return;
        }
    }
    leaf_words(s, leaf);
    wrapped(indent, indent + 2, s->sb.buf);
}

/* ---------------------------------------------------------------- show: the summary */

static void kpi_words(struct show *s, const struct jm_kpi *k)
{
    enum jm_lang lang = s->lang;
    const char *name = jm_text_get(&k->name, lang);
    jm_strbuf_addf(&s->sb, "%s %s ", *name ? name : jm_kpi_name(k->metric, lang),
                   jm_kpi_higher_is_better(k->metric) ? "≥" : "≤");
    switch (k->metric) {
    case JM_KPI_CONVERSION_RATE:
    case JM_KPI_WIN_RATE:
    case JM_KPI_DMU_COVERAGE:
    case JM_KPI_NRR:
        jm_strbuf_addf(&s->sb, "%.4g%%", k->target * 100);
        break;
    case JM_KPI_MEDIAN_DAYS:
        jm_strbuf_addf(&s->sb, TR(lang, "%g days", "%g ngày"), k->target);
        break;
    default:
        jm_strbuf_addf(&s->sb, "%g", k->target);
        break;
    }
}

static void show_settings(struct show *s)
{
    const struct jm_journey *j = s->j;
    enum jm_lang lang = s->lang;
    const struct jm_settings *st = &j->settings;
    printf("%s: %s", TR(lang, "Level", "Cấp độ"),
           st->level == JM_LEVEL_CONTACT ? TR(lang, "contact", "liên hệ")
                                         : TR(lang, "account", "tài khoản"));
    if (st->level == JM_LEVEL_ACCOUNT && st->rollup == JM_ROLLUP_COMBINED)
        fputs(TR(lang, " (rules see all its people together)",
                 " (điều kiện xét chung mọi người của tài khoản)"),
              stdout);
    putchar('\n');
    jm_strbuf_reset(&s->sb);
    if (j->n_stages)
        jm_strbuf_addf(&s->sb, TR(lang, "Converted at: %s", "Mốc chuyển đổi: %s"),
                       jm_text_get(&j->stages[st->goal].name, lang));
    if (st->conversion_window_days > 0)
        jm_strbuf_addf(&s->sb,
                       TR(lang, " · conversion window: %g days", " · cửa sổ chuyển đổi: %g ngày"),
                       st->conversion_window_days);
    if (st->period_from != INT64_MIN || st->period_to != INT64_MAX) {
        char from[32] = "…", to[32] = "…";
        if (st->period_from != INT64_MIN)
            jm_time_format(st->period_from, true, from, sizeof(from));
        if (st->period_to != INT64_MAX)
            jm_time_format(st->period_to, true, to, sizeof(to));
        jm_strbuf_addf(&s->sb,
                       TR(lang, " · period: %s to before %s", " · giai đoạn: %s đến trước %s"),
                       from, to);
    }
    wrapped(0, 2, s->sb.buf);
    printf(TR(lang, "Gone silent: %g days without a touch\n",
              "Coi là im lặng: %g ngày không có tương tác\n"),
           st->stall_days);
}

static void show_stage(struct show *s, size_t i)
{
    const struct jm_stage *st = &s->j->stages[i];
    enum jm_lang lang = s->lang;
    jm_strbuf_reset(&s->sb);
    jm_strbuf_addf(&s->sb, "%zu. %s [%s]", i + 1, jm_text_get(&st->name, lang), st->key);
    if (st->owner && *st->owner)
        jm_strbuf_addf(&s->sb, TR(lang, " · owner: %s", " · phụ trách: %s"), st->owner);
    if (st->has_emotion)
        jm_strbuf_addf(&s->sb, TR(lang, " · emotion %+.1f", " · cảm xúc %+.1f"), st->emotion);
    if (st->revisit)
        jm_strbuf_addstr(&s->sb, TR(lang, " · may be revisited", " · có thể quay lại"));
    if (!st->active)
        jm_strbuf_addstr(&s->sb,
                         TR(lang, " · not watched for stalls", " · không theo dõi im lặng"));
    wrapped(2, 7, s->sb.buf);
    printf("     %s:\n", TR(lang, "Entry", "Điều kiện vào"));
    rule_tree(s, st->entry, 7);
    if (st->dmu_roles.n) {
        jm_strbuf_reset(&s->sb);
        jm_strbuf_addf(&s->sb, "%s: ", TR(lang, "Key roles", "Vai trò chính"));
        for (size_t r = 0; r < st->dmu_roles.n; r++)
            jm_strbuf_addf(&s->sb, "%s%s", r ? ", " : "",
                           jm_journey_role_name(s->j, st->dmu_roles.v[r], lang));
        wrapped(5, 7, s->sb.buf);
    }
    if (st->n_kpis) {
        jm_strbuf_reset(&s->sb);
        jm_strbuf_addstr(&s->sb, "KPI: ");
        for (size_t k = 0; k < st->n_kpis; k++) {
            jm_strbuf_addstr(&s->sb, k ? "; " : "");
            kpi_words(s, &st->kpis[k]);
        }
        wrapped(5, 7, s->sb.buf);
    }
}

static void show_touchpoints(struct show *s)
{
    const struct jm_journey *j = s->j;
    enum jm_lang lang = s->lang;
    size_t w = 0;
    for (size_t i = 0; i < j->n_touchpoints; i++)
        if (strlen(j->touchpoints[i].key) > w)
            w = strlen(j->touchpoints[i].key);
    printf("\n%s (%zu)\n", TR(lang, "Touchpoints", "Điểm chạm"), j->n_touchpoints);
    for (size_t i = 0; i < j->n_touchpoints; i++) {
        const struct jm_touchpoint_def *tp = &j->touchpoints[i];
        jm_strbuf_reset(&s->sb);
        jm_strbuf_addf(&s->sb, "%-*s  %s", (int)w, tp->key, jm_text_get(&tp->name, lang));
        if (tp->stage)
            jm_strbuf_addf(&s->sb, " · %s", jm_text_get(&j->stages[tp->stage_index].name, lang));
        if (tp->channel && *tp->channel)
            jm_strbuf_addf(&s->sb, TR(lang, " · channel %s", " · kênh %s"), tp->channel);
        if (tp->owner && *tp->owner)
            jm_strbuf_addf(&s->sb, " · %s", tp->owner);
        wrapped(2, (int)w + 4, s->sb.buf);
        const char *outcome = jm_text_get(&tp->outcome, lang);
        if (*outcome || tp->has_kpi) {
            jm_strbuf_reset(&s->sb);
            if (*outcome)
                jm_strbuf_addf(&s->sb, "→ %s", outcome);
            if (tp->has_kpi) {
                jm_strbuf_addstr(&s->sb, *outcome ? " · " : "");
                kpi_words(s, &tp->kpi);
            }
            wrapped((int)w + 4, (int)w + 6, s->sb.buf);
        }
    }
}

/* "Label: a; b; c" for a list of texts, when it has any. */
static void text_list_line(struct show *s, const char *label, const struct jm_text_list *l,
                           int indent)
{
    if (!l->n)
        return;
    jm_strbuf_reset(&s->sb);
    jm_strbuf_addf(&s->sb, "%s: ", label);
    for (size_t i = 0; i < l->n; i++)
        jm_strbuf_addf(&s->sb, "%s%s", i ? "; " : "", jm_text_get(&l->items[i], s->lang));
    wrapped(indent, indent + 2, s->sb.buf);
}

static void text_line(struct show *s, const char *label, const struct jm_text *t, int indent)
{
    if (jm_text_empty(t))
        return;
    jm_strbuf_reset(&s->sb);
    jm_strbuf_addf(&s->sb, "%s: %s", label, jm_text_get(t, s->lang));
    wrapped(indent, indent + 2, s->sb.buf);
}

static void show_persona(struct show *s, const struct jm_persona *p)
{
    enum jm_lang lang = s->lang;
    jm_strbuf_reset(&s->sb);
    jm_strbuf_addf(&s->sb, "%s [%s]", jm_text_get(&p->name, lang), p->key);
    if (p->kind == JM_PERSONA_COMPANY)
        jm_strbuf_addf(&s->sb, " · %s", TR(lang, "company", "doanh nghiệp"));
    else if (p->role)
        jm_strbuf_addf(&s->sb, " · %s", jm_journey_role_name(s->j, p->role, lang));
    wrapped(2, 4, s->sb.buf);
    if (!jm_text_empty(&p->description))
        wrapped(4, 4, jm_text_get(&p->description, lang));
    text_line(s, TR(lang, "Industry", "Ngành"), &p->industry, 4);
    text_line(s, TR(lang, "Size", "Quy mô"), &p->size, 4);
    text_line(s, TR(lang, "Geography", "Khu vực"), &p->geography, 4);
    text_list_line(s, TR(lang, "Challenges", "Thách thức"), &p->challenges, 4);
    text_list_line(s, TR(lang, "Motivations", "Động lực"), &p->motivations, 4);
    text_list_line(s, TR(lang, "Responsibilities", "Trách nhiệm"), &p->responsibilities, 4);
    text_list_line(s, "KPI", &p->kpis, 4);
    text_list_line(s, TR(lang, "Goals", "Mục tiêu"), &p->goals, 4);
    text_list_line(s, TR(lang, "Trusted sources", "Nguồn tin cậy"), &p->trusted_sources, 4);
    text_list_line(s, TR(lang, "Decision criteria", "Tiêu chí quyết định"), &p->decision_criteria,
                   4);
}

static void show_roles_and_scoring(struct show *s)
{
    const struct jm_journey *j = s->j;
    enum jm_lang lang = s->lang;
    if (j->n_dmu_roles)
        printf("\n%s\n", TR(lang, "DMU roles", "Vai trò trong DMU"));
    for (size_t i = 0; i < j->n_dmu_roles; i++) {
        jm_strbuf_reset(&s->sb);
        jm_strbuf_addf(&s->sb, "%s [%s]", jm_text_get(&j->dmu_roles[i].name, lang),
                       j->dmu_roles[i].key);
        if (!jm_text_empty(&j->dmu_roles[i].description))
            jm_strbuf_addf(&s->sb, ": %s", jm_text_get(&j->dmu_roles[i].description, lang));
        wrapped(2, 4, s->sb.buf);
    }
    const struct jm_scoring *sc = &j->scoring;
    if (!sc->n_rules)
        return;
    printf("\n%s", TR(lang, "Lead scoring", "Chấm điểm lead"));
    if (sc->half_life_days > 0)
        printf(TR(lang, " (points halve every %g days)", " (điểm giảm một nửa sau mỗi %g ngày)"),
               sc->half_life_days);
    putchar('\n');
    for (size_t i = 0; i < sc->n_rules; i++) {
        const struct jm_score_rule *r = &sc->rules[i];
        jm_strbuf_reset(&s->sb);
        jm_strbuf_addf(&s->sb, "%+5g  ", r->points);
        if (r->touchpoints.n)
            add_list(s, &r->touchpoints, true);
        else
            jm_strbuf_addstr(&s->sb, TR(lang, "any event", "mọi sự kiện"));
        for (size_t w = 0; w < r->n_where; w++) {
            jm_strbuf_addf(&s->sb, "; %s = ", r->where[w].field);
            add_list(s, &r->where[w].values, false);
        }
        wrapped(2, 8, s->sb.buf);
    }
    for (size_t i = 0; i < sc->n_thresholds; i++)
        printf(TR(lang, "  threshold %s: %g points\n", "  ngưỡng %s: %g điểm\n"),
               sc->thresholds[i].name, sc->thresholds[i].value);
}

static void show_channel_groups(struct show *s)
{
    enum jm_lang lang = s->lang;
    if (!s->j->n_channel_rules)
        return;
    printf("\n%s\n", TR(lang, "Channel groups (before the default grouping)",
                        "Nhóm kênh (xét trước nhóm mặc định)"));
    for (size_t i = 0; i < s->j->n_channel_rules; i++) {
        const struct jm_channel_rule *r = &s->j->channel_rules[i];
        const struct jm_strlist *lists[] = {&r->channels, &r->sources, &r->mediums, &r->referrers};
        const char *en[] = {"channel", "source", "medium", "referrer"};
        const char *vi[] = {"kênh", "nguồn", "phương tiện", "trang giới thiệu"};
        jm_strbuf_reset(&s->sb);
        jm_strbuf_addf(&s->sb, "%s:", r->group);
        const char *sep = " ";
        for (size_t l = 0; l < 4; l++) {
            if (!lists[l]->n)
                continue;
            jm_strbuf_addf(&s->sb, "%s%s ", sep, TR(lang, en[l], vi[l]));
            add_list(s, lists[l], false);
            sep = "; ";
        }
        if (sep[0] == ' ')
            jm_strbuf_addstr(&s->sb, TR(lang, " everything else", " mọi trường hợp còn lại"));
        wrapped(2, 4, s->sb.buf);
    }
}

static void show_journey(const struct jm_journey *j, enum jm_lang lang)
{
    struct show s = {.j = j, .lang = lang, .sb = JM_STRBUF_INIT};
    jm_strbuf_addf(&s.sb, "%s: %s", j->key, jm_text_get(&j->name, lang));
    wrapped(0, 2, s.sb.buf);
    if (!jm_text_empty(&j->description))
        wrapped(0, 0, jm_text_get(&j->description, lang));
    show_settings(&s);
    printf("\n%s (%zu)\n", TR(lang, "Stages", "Các giai đoạn"), j->n_stages);
    for (size_t i = 0; i < j->n_stages; i++)
        show_stage(&s, i);
    if (j->n_touchpoints)
        show_touchpoints(&s);
    if (j->n_personas)
        printf("\n%s (%zu)\n", TR(lang, "Personas", "Chân dung khách hàng"), j->n_personas);
    for (size_t i = 0; i < j->n_personas; i++)
        show_persona(&s, &j->personas[i]);
    show_roles_and_scoring(&s);
    show_channel_groups(&s);
    jm_strbuf_release(&s.sb);
}

static int template_show(int argc, char **argv)
{
    static const struct option opts[] = {{"lang", required_argument, NULL, 'l'},
                                         {"journey", required_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    enum jm_lang lang = JM_LANG_EN;
    const char *file = NULL;
    int c;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        if (c == 'h')
            return fputs(show_help, stdout), JM_EXIT_OK;
        if (c == 'j')
            file = optarg;
        else if (c != 'l')
            return cli_option_error("template show", c, argv);
        else if (!parse_lang(optarg, false, &lang))
            return cli_usage_error("template show", "--lang must be en or vi");
    }
    if (file && optind < argc)
        return cli_usage_error("template show", "give either a template name or --journey FILE");
    if (optind + 1 < argc)
        return cli_usage_error("template show", "unexpected argument '%s'", argv[optind + 1]);
    if (!file && optind == argc)
        return cli_usage_error("template show", "name a template, or give --journey FILE");
    if (!file && !jm_template_source(argv[optind], NULL))
        return unknown_template("template show", argv[optind]);
    struct jm_journey *j;
    struct jm_error err;
    jm_error_clear(&err);
    jm_status rc =
        file ? jm_journey_load(file, &j, &err) : jm_template_load(argv[optind], &j, &err);
    if (rc)
        return cli_fail(rc, &err);
    show_journey(j, lang);
    jm_journey_free(j);
    return fflush(stdout) == 0 ? JM_EXIT_OK : JM_EXIT_NOTFOUND;
}

/* ---------------------------------------------------------------- init */

/* The comment that starts a file made by `template init`, in the file's language. */
static jm_status add_header(struct jm_strbuf *sb, const char *name, enum jm_lang lang)
{
    if (lang == JM_LANG_VI)
        return jm_strbuf_addf(
            sb,
            "# Định nghĩa hành trình khách hàng tạo từ mẫu '%s' của journeymap\n"
            "# (xem tóm tắt: journeymap template show %s --lang vi).\n"
            "# Hãy sửa nội dung từng giai đoạn, điều kiện vào và chỉ tiêu KPI cho phù hợp với\n"
            "# doanh nghiệp của bạn. Định dạng: docs/journey-definition.md\n",
            name, name);
    return jm_strbuf_addf(
        sb,
        "# Customer journey definition made from the journeymap template '%s'\n"
        "# (summary: journeymap template show %s).\n"
        "# Adapt the stages' texts, entry rules and KPI targets to your company.\n"
        "# Format: docs/journey-definition.md\n",
        name, name);
}

static int init_run(const char *name, enum jm_lang lang, const char *output, bool force)
{
    struct jm_journey *j;
    struct jm_error err;
    jm_error_clear(&err);
    struct jm_strbuf sb = JM_STRBUF_INIT;
    jm_status rc = jm_template_load(name, &j, &err);
    if (!rc) {
        rc = add_header(&sb, name, lang);
        if (!rc)
            rc = jm_journey_write(j, lang, &sb, &err);
        jm_journey_free(j);
    }
    if (!rc && !output && (fwrite(sb.buf, 1, sb.len, stdout) != sb.len || fflush(stdout) != 0))
        rc = jm_error_set(&err, JM_EIO, "cannot write to standard output: %s", strerror(errno));
    else if (!rc && output)
        rc = cli_write_file(output, &sb, force, &err);
    jm_strbuf_release(&sb);
    if (rc == JM_ECONFLICT)
        return cli_usage_error("template init", "'%s' already exists (add --force to overwrite it)",
                               output);
    if (rc)
        return cli_fail(rc, &err);
    if (output)
        printf("wrote %s from template %s (%s)\n", output, name,
               lang == JM_LANG__COUNT ? "en and vi" : jm_lang_code(lang));
    return JM_EXIT_OK;
}

static int template_init(int argc, char **argv)
{
    static const struct option opts[] = {{"lang", required_argument, NULL, 'l'},
                                         {"output", required_argument, NULL, 'o'},
                                         {"force", no_argument, NULL, 'f'},
                                         {"help", no_argument, NULL, 'h'},
                                         {0, 0, 0, 0}};
    enum jm_lang lang = JM_LANG_EN;
    const char *output = NULL, *lang_arg = NULL;
    bool force = false;
    int c;
    while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        if (c == 'h')
            return fputs(init_help, stdout), JM_EXIT_OK;
        if (c == 'o')
            output = optarg;
        else if (c == 'f')
            force = true;
        else if (c == 'l')
            lang_arg = optarg;
        else
            return cli_option_error("template init", c, argv);
    }
    if (optind + 1 < argc)
        return cli_usage_error("template init", "unexpected argument '%s'", argv[optind + 1]);
    if (optind == argc)
        return cli_usage_error("template init", "name the template to start from");
    if (!lang_arg)
        return cli_usage_error("template init", "choose the language: --lang en, vi or both");
    if (!parse_lang(lang_arg, true, &lang))
        return cli_usage_error("template init", "--lang must be en, vi or both");
    if (!jm_template_source(argv[optind], NULL))
        return unknown_template("template init", argv[optind]);
    if (output && !force && access(output, F_OK) == 0)
        return cli_usage_error("template init", "'%s' already exists (add --force to overwrite it)",
                               output);
    return init_run(argv[optind], lang, output, force);
}

/* ---------------------------------------------------------------- dispatch */

int cmd_template(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage_error("template", "name a subcommand: list, show or init");
    if (cli_is_help(argv[1]))
        return fputs(template_help, stdout), JM_EXIT_OK;
    if (argv[1][0] == '-')
        return cli_usage_error("template", "unknown option '%s'", argv[1]);
    if (strcmp(argv[1], "list") == 0)
        return template_list(argc - 1, argv + 1);
    if (strcmp(argv[1], "show") == 0)
        return template_show(argc - 1, argv + 1);
    if (strcmp(argv[1], "init") == 0)
        return template_init(argc - 1, argv + 1);
    return cli_usage_error("template", "unknown subcommand '%s' (expected list, show or init)",
                           argv[1]);
}
