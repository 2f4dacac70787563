/*
 * Tests for the SVG and HTML renderers of the journey map (src/render/svg*.c, html*.c) and for
 * their escaping and wrapping (escape.c, text.c), on the hand-built maps of map_fixture.h.
 *
 * There is no XML parser among our C dependencies, so markup_check() below is a small strict
 * one: it balances tags, reads every attribute, and rejects what a safe map never contains
 * (script, foreignObject, links, event handlers, href/src, url() in styles, raw '<' or '>' in
 * text, '&' that starts no entity). text_of() recovers the SVG's visible text, joining the
 * <tspan> lines of each <text> with spaces, so a test can look for a wrapped phrase.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/internal.h"
#include "map_fixture.h"

/* ---------------------------------------------------------------- helpers */

static char *render_svg(const struct jm_map *m, struct jm__svg_layout *l)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm__svg_map(m, &sb, l), JM_OK);
    return jm_strbuf_detach(&sb, NULL);
}

static char *render_html(const struct jm_map *m)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm__html_map(m, &sb), JM_OK);
    return jm_strbuf_detach(&sb, NULL);
}

static bool starts_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix))
            return false;
    return true;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0, len = strlen(needle);
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += len)
        n++;
    return n;
}

/* Whether `word` occurs in `hay` not inside a longer word ("nan" but not "Finance"). */
static bool has_word(const char *hay, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = hay; (p = strstr(p, word)) != NULL; p++) {
        bool before = p > hay && isalpha((unsigned char)p[-1]);
        bool after = isalpha((unsigned char)p[len]);
        if (!before && !after)
            return true;
    }
    return false;
}

/* s escaped the way the renderers must escape it (for strings that are valid, clean UTF-8). */
static char *ref_escape(const char *s)
{
    static char buf[8][4096];
    static int slot;
    char *out = buf[slot++ % 8];
    size_t o = 0;
    for (; *s && o + 8 < sizeof(buf[0]); s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '\'':
            rep = "&#39;";
            break;
        default:
            break;
        }
        if (rep) {
            memcpy(out + o, rep, strlen(rep));
            o += strlen(rep);
        } else {
            out[o++] = *s;
        }
    }
    out[o] = '\0';
    return out;
}

/* ---------------------------------------------------------------- the markup checker */

static const char *const forbidden_elements[] = {
    "script", "foreignobject", "iframe", "object", "embed",  "image",   "img",     "use",
    "a",      "link",          "base",   "form",   "input",  "animate", "set",     "feimage",
    "frame",  "meta-refresh",  "audio",  "video",  "source", "handler", "listener"};

static bool forbidden_element(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(forbidden_elements) / sizeof(*forbidden_elements); i++)
        if (strlen(forbidden_elements[i]) == len && starts_ci(name, forbidden_elements[i]))
            return true;
    return len >= 7 && starts_ci(name, "animate");
}

static bool void_element(const char *name, size_t len, bool html)
{
    static const char *const v[] = {"meta", "br", "col", "hr", "wbr"};
    for (size_t i = 0; html && i < sizeof(v) / sizeof(*v); i++)
        if (strlen(v[i]) == len && starts_ci(name, v[i]))
            return true;
    return false;
}

static bool entity_at(const char *p)
{
    static const char *const named[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
    for (size_t i = 0; i < 5; i++)
        if (strncmp(p, named[i], strlen(named[i])) == 0)
            return true;
    return false;
}

/* Checks an attribute; returns NULL or what is wrong. */
static const char *bad_attribute(const char *name, size_t nlen, const char *val, size_t vlen)
{
    if (nlen >= 2 && starts_ci(name, "on"))
        return "event handler attribute";
    static const char *const banned[] = {"href",   "xlink:href", "src",    "srcdoc",
                                         "action", "formaction", "srcset", "background"};
    for (size_t i = 0; i < sizeof(banned) / sizeof(*banned); i++)
        if (strlen(banned[i]) == nlen && starts_ci(name, banned[i]))
            return "link attribute";
    /* Model text may sit in data-*, title and aria-label values, where it is inert; anywhere
     * else a url() would be a reference to something. */
    bool text_attr = (nlen > 5 && starts_ci(name, "data-")) ||
                     (nlen == 5 && starts_ci(name, "title")) ||
                     (nlen == 10 && starts_ci(name, "aria-label"));
    for (size_t i = 0; i < vlen; i++) {
        if (!text_attr && starts_ci(val + i, "url("))
            return "url() in an attribute";
        if (val[i] == '<')
            return "raw '<' in an attribute";
        if (val[i] == '&' && !entity_at(val + i))
            return "bare '&' in an attribute";
    }
    if (nlen == 5 && starts_ci(name, "style")) {
        /* Our styles are custom properties, sizes and colours: nothing that could load. */
        for (size_t i = 0; i < vlen; i++)
            if (!isalnum((unsigned char)val[i]) && !strchr("-:#;.%/ ", val[i]))
                return "unexpected character in a style";
    }
    return NULL;
}

/*
 * Returns NULL when `doc` is well-formed and inert, else a message (static) with the offset.
 */
static const char *markup_check(const char *doc, bool html)
{
    static char why[160];
    enum { DEPTH = 128 };
    const char *stack[DEPTH];
    size_t stack_len[DEPTH], depth = 0;
    const char *p = doc;
#define FAIL(msg)                                                                                  \
    do {                                                                                           \
        snprintf(why, sizeof(why), "%s at offset %ld", msg, (long)(p - doc));                      \
        return why;                                                                                \
    } while (0)
    while (*p) {
        if (*p != '<') {
            if (*p == '>')
                FAIL("raw '>' in text");
            if (*p == '&' && !entity_at(p))
                FAIL("bare '&' in text");
            p++;
            continue;
        }
        if (strncmp(p, "<?xml", 5) == 0 && p == doc) {
            p = strstr(p, "?>");
            if (!p)
                FAIL("unterminated declaration");
            p += 2;
            continue;
        }
        if (html && p == doc && starts_ci(p, "<!DOCTYPE html>")) {
            p += 15;
            continue;
        }
        if (p[1] == '!')
            FAIL("comment, CDATA or declaration");
        if (p[1] == '/') {
            const char *name = p + 2;
            size_t len =
                strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
            if (!depth || stack_len[depth - 1] != len || strncmp(stack[depth - 1], name, len))
                FAIL("mismatched end tag");
            depth--;
            p = name + len;
            if (*p != '>')
                FAIL("malformed end tag");
            p++;
            continue;
        }
        const char *name = ++p;
        size_t len = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        if (!len)
            FAIL("raw '<' in text");
        if (forbidden_element(name, len))
            FAIL("forbidden element");
        p += len;
        for (;;) {
            p += strspn(p, " \n\t");
            if (*p == '/' && p[1] == '>') {
                p += 2;
                break;
            }
            if (*p == '>') {
                p++;
                if (!void_element(name, len, html)) {
                    if (depth == DEPTH)
                        FAIL("nesting too deep");
                    stack[depth] = name;
                    stack_len[depth++] = len;
                }
                break;
            }
            const char *an = p;
            size_t alen =
                strspn(an, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.");
            if (!alen)
                FAIL("malformed attribute");
            p += alen;
            if (html && *p != '=') /* a bare HTML attribute */
                continue;
            if (p[0] != '=' || p[1] != '"')
                FAIL("attribute value not double-quoted");
            const char *val = p + 2, *end = strchr(val, '"');
            if (!end)
                FAIL("unterminated attribute");
            const char *bad = bad_attribute(an, alen, val, (size_t)(end - val));
            if (bad)
                FAIL(bad);
            p = end + 1;
        }
        /* Style sheets are raw text in HTML; ours holds only our own rules. */
        if (html && len == 5 && starts_ci(name, "style")) {
            const char *close = strstr(p, "</style>");
            if (!close)
                FAIL("unterminated style");
            for (const char *q = p; q < close; q++)
                if (starts_ci(q, "url(") || starts_ci(q, "@import") || starts_ci(q, "expression"))
                    FAIL("style sheet loads something");
            p = close;
        }
    }
    if (depth)
        FAIL("unclosed element");
#undef FAIL
    return NULL;
}

#define assert_markup_ok(doc, html)                                                                \
    do {                                                                                           \
        const char *why_ = markup_check(doc, html);                                                \
        if (why_)                                                                                  \
            fail_msg("%s", why_);                                                                  \
    } while (0)

/* ---------------------------------------------------------------- the svg's visible text */

static void decode_into(char *out, size_t *o, const char *s, size_t len)
{
    static const struct {
        const char *e;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
    for (size_t i = 0; i < len;) {
        bool done = false;
        for (size_t k = 0; k < 5 && !done; k++) {
            size_t el = strlen(ents[k].e);
            if (i + el <= len && strncmp(s + i, ents[k].e, el) == 0) {
                out[(*o)++] = ents[k].c;
                i += el;
                done = true;
            }
        }
        if (!done)
            out[(*o)++] = s[i++];
    }
}

/* The text of every <text>, its lines joined by spaces, one per line, entities decoded. */
static char *text_of(const char *svg)
{
    char *out = malloc(strlen(svg) + 1);
    size_t o = 0;
    assert_non_null(out);
    for (const char *p = svg; (p = strstr(p, "<text")) != NULL;) {
        const char *end = strstr(p, "</text>");
        assert_non_null(end);
        const char *q = strchr(p, '>') + 1;
        bool first = true;
        while (q < end) {
            const char *lt = strchr(q, '<');
            if (lt > q) {
                if (!first)
                    out[o++] = ' ';
                decode_into(out, &o, q, (size_t)(lt - q));
                first = false;
            }
            q = strchr(lt, '>') + 1;
        }
        out[o++] = '\n';
        p = end + 7;
    }
    out[o] = '\0';
    return out;
}

/* Every line of text, with its estimated width, inside the document's content box. */
static void assert_text_inside(const char *svg, double width)
{
    for (const char *p = svg; (p = strstr(p, "<text")) != NULL;) {
        const char *end = strstr(p, "</text>");
        const char *fs = strstr(p, "font-size=\"");
        double size = fs && fs < end ? strtod(fs + 11, NULL) : 16;
        const char *open_end = strchr(p, '>');
        bool bold = strstr(p, "font-weight=\"700\"") && strstr(p, "font-weight=\"700\"") < open_end;
        const char *an = strstr(p, "text-anchor=\"");
        char anchor = an && an < open_end ? an[13] : 's';
        for (const char *t = strstr(p, "<tspan x=\""); t && t < end;
             t = strstr(t + 1, "<tspan x=\"")) {
            double x = strtod(t + 10, NULL);
            const char *q = strchr(t, '>') + 1, *lt = strchr(q, '<');
            char line[2048];
            size_t n = 0;
            decode_into(line, &n, q, (size_t)(lt - q));
            double w = jm__text_width(line, n, size, bold) / 1.06; /* the estimate, no margin */
            double left = anchor == 'm' ? x - w / 2 : anchor == 'e' ? x - w : x;
            if (left < -0.5 || left + w > width + 0.5)
                fail_msg("text '%.*s' (%.0f px at x %.0f) leaves the page", (int)n, line, w, x);
        }
        p = end;
    }
}

/* ---------------------------------------------------------------- escaping */

static void escape_replaces_markup_and_quotes(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    const char *in = "<a href=\"x\">Tom & 'Jerry'</a> ]]>";
    assert_int_equal(jm__xml_escape(&sb, in, strlen(in), false), JM_OK);
    assert_string_equal(sb.buf, "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt; "
                                "]]&gt;");
    jm_strbuf_reset(&sb);
    assert_int_equal(jm__xml_escape(&sb, "a\nb\tc", 5, true), JM_OK);
    assert_string_equal(sb.buf, "a b c");
    jm_strbuf_reset(&sb);
    assert_int_equal(jm__xml_escape(&sb, "a\nb\tc", 5, false), JM_OK);
    assert_string_equal(sb.buf, "a\nb\tc");
    jm_strbuf_release(&sb);
}

static void escape_keeps_vietnamese_byte_for_byte(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    const char *in = "Nhận biết · Cân nhắc · Khoảnh khắc sự thật · Ưu đãi ₫ 🚀";
    assert_int_equal(jm__xml_escape(&sb, in, strlen(in), false), JM_OK);
    assert_string_equal(sb.buf, in);
    jm_strbuf_release(&sb);
}

static void escape_replaces_invalid_utf8_and_drops_controls(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a\xff"
         "b",
         "a\xef\xbf\xbd"
         "b"},
        {"\xc3\x28", "\xef\xbf\xbd("},                            /* bad continuation */
        {"\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"},                 /* truncated */
        {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong '/' */
        {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* a surrogate */
        {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"}, /* > U+10FFFF */
        {"\xef\xbf\xbe", "\xef\xbf\xbd"}, /* U+FFFE is no XML character */
        {"x\x01\x1b[1m\x7fy", "x[1my"},
        {"\xc2\x85"
         "c1",
         "c1"},                           /* a C1 control */
        {"\xef\xbf\xbd", "\xef\xbf\xbd"}, /* a real U+FFFD stays */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        jm_strbuf_reset(&sb);
        assert_int_equal(jm__xml_escape(&sb, cases[i].in, strlen(cases[i].in), false), JM_OK);
        assert_string_equal(sb.buf, cases[i].out);
        assert_true(jm_utf8_valid(sb.buf, sb.len, NULL));
    }
    jm_strbuf_release(&sb);
}

static void writer_keeps_its_first_failure(void **state)
{
    (void)state;
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 8);
    struct jm__out o = {&sb, JM_OK};
    jm__out_raw(&o, "12345");
    jm__out_text(&o, "67890");
    assert_int_equal(o.rc, JM_ELIMIT);
    jm__out_raw(&o, "1");
    assert_int_equal(o.rc, JM_ELIMIT);
    assert_string_equal(sb.buf, "12345");
    jm_strbuf_release(&sb);
}

static void numbers_print_without_exponents_or_nan(void **state)
{
    (void)state;
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct jm__out o = {&sb, JM_OK};
    double v[] = {0, -0.0, 1e-9, 12.345, -3.1, NAN, INFINITY, 1e300};
    for (size_t i = 0; i < sizeof(v) / sizeof(*v); i++) {
        jm__out_num(&o, v[i]);
        jm__out_raw(&o, " ");
    }
    assert_string_equal(sb.buf, "0 0 0 12.35 -3.1 0 0 0 ");
    char buf[48];
    jm__fmt_count(1234, buf, sizeof(buf));
    assert_string_equal(buf, "1234");
    jm__fmt_count(1234567, buf, sizeof(buf));
    assert_string_equal(buf, "1\xe2\x80\xaf"
                             "234\xe2\x80\xaf"
                             "567");
    jm__fmt_pct(0.4249, 1, buf, sizeof(buf));
    assert_string_equal(buf, "42.5%");
    jm__fmt_pct(NAN, 1, buf, sizeof(buf));
    assert_string_equal(buf, "\xe2\x80\x94");
    jm__fmt_fixed(-0.001, 2, true, buf, sizeof(buf));
    assert_string_equal(buf, "0.00");
    jm__fmt_fixed(0.42, 2, true, buf, sizeof(buf));
    assert_string_equal(buf, "+0.42");
    jm_strbuf_release(&sb);
}

/* ---------------------------------------------------------------- text */

static void widths_follow_noto_sans(void **state)
{
    (void)state;
    /* Vietnamese letters take their base letter's width; the horn letters their own. */
    assert_true(jm__text_width("ạ", strlen("ạ"), 10, false) == jm__text_width("a", 1, 10, false));
    assert_true(jm__text_width("Ấ", strlen("Ấ"), 10, true) == jm__text_width("A", 1, 10, true));
    assert_true(jm__text_width("ự", strlen("ự"), 10, false) > jm__text_width("u", 1, 10, false));
    /* Decomposed text measures like precomposed text. */
    assert_true(jm__text_width("a\xcc\xa3", 3, 10, false) ==
                jm__text_width("ạ", strlen("ạ"), 10, false));
    assert_true(jm__text_width("W", 1, 10, false) > jm__text_width("i", 1, 10, false));
    assert_true(jm__text_width("ab", 2, 10, true) > jm__text_width("ab", 2, 10, false));
    /* "Nhận biết khách hàng tiềm năng" is 15.408 em in Noto Sans; we may only overestimate. */
    const char *s = "Nhận biết khách hàng tiềm năng";
    double w = jm__text_width(s, strlen(s), 1000, false);
    assert_true(w >= 15408 && w < 15408 * 1.12);
}

static void wrap_breaks_at_spaces_and_inside_long_words(void **state)
{
    (void)state;
    struct jm__lines l;
    jm__lines_init(&l);
    const char *s =
        "Xem tài liệu https://acme.example.com/tai-lieu/huong-dan-tich-hop-chi-tiet-nhat "
        "rồi quyết định";
    assert_int_equal(jm__text_wrap(&l, s, 120, 13, false), JM_OK);
    assert_true(l.n >= 4);
    char joined[512] = "", squeezed[512] = "";
    size_t j = 0, q = 0;
    for (size_t i = 0; i < l.n; i++) {
        assert_true(l.v[i].width <= 120);
        assert_true(jm_utf8_valid(l.text.buf + l.v[i].off, l.v[i].len, NULL));
        for (size_t k = 0; k < l.v[i].len; k++)
            if (l.text.buf[l.v[i].off + k] != ' ')
                joined[j++] = l.text.buf[l.v[i].off + k];
    }
    for (const char *p = s; *p; p++)
        if (*p != ' ')
            squeezed[q++] = *p;
    /* Nothing is lost but the spaces the breaks replaced. */
    assert_string_equal(joined, squeezed);
    /* A long word breaks after '/' or '-' when it can. */
    bool slash_or_dash_end = false;
    for (size_t i = 0; i < l.n; i++) {
        char last = l.text.buf[l.v[i].off + l.v[i].len - 1];
        slash_or_dash_end |= last == '/' || last == '-';
    }
    assert_true(slash_or_dash_end);
    jm__lines_release(&l);
}

static void wrap_honours_newlines_and_never_splits_a_letter(void **state)
{
    (void)state;
    struct jm__lines l;
    jm__lines_init(&l);
    assert_int_equal(jm__text_wrap(&l, "một\nhai\n\nba\n", 500, 13, false), JM_OK);
    assert_int_equal(l.n, 4);
    assert_int_equal(l.v[2].len, 0);
    /* A word of decomposed letters too long for any line: cut between letters, marks kept. */
    assert_int_equal(jm__text_wrap(&l,
                                   "a\xcc\xa3"
                                   "a\xcc\xa3"
                                   "a\xcc\xa3"
                                   "a\xcc\xa3",
                                   1, 13, false),
                     JM_OK);
    assert_int_equal(l.n, 4);
    for (size_t i = 0; i < l.n; i++)
        assert_int_equal(l.v[i].len, 3);
    assert_int_equal(jm__text_wrap(&l, NULL, 100, 13, false), JM_OK);
    assert_int_equal(l.n, 0);
    assert_int_equal(jm__text_wrap(&l, "   ", 100, 13, false), JM_OK);
    assert_int_equal(l.n, 0);
    jm__lines_release(&l);
}

/* ---------------------------------------------------------------- svg */

static void svg_is_well_formed_and_inert(void **state)
{
    (void)state;
    for (int kind = FIXTURE_VI; kind <= FIXTURE_HOSTILE; kind++) {
        for (int st = JM_STATE_CURRENT; st <= JM_STATE_BOTH; st++) {
            struct jm_map *m = fixture_map((enum fixture_kind)kind);
            assert_non_null(m);
            m->state = (enum jm_map_state)st;
            m->stages[1].in_view = false;
            char *svg = render_svg(m, NULL);
            assert_markup_ok(svg, false);
            assert_true(strncmp(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg ", 44) == 0);
            assert_null(strstr(svg, "<script"));
            if (kind != FIXTURE_HOSTILE) /* its text says "url(javascript:...)", escaped */
                assert_null(strstr(svg, "url("));
            assert_true(jm_utf8_valid(svg, strlen(svg), NULL));
            free(svg);
            fixture_free(m);
        }
    }
}

static void svg_shows_every_stage_lane_and_kpi(void **state)
{
    (void)state;
    for (int kind = FIXTURE_VI; kind <= FIXTURE_EN; kind++) {
        struct jm_map *m = fixture_map((enum fixture_kind)kind);
        char *svg = render_svg(m, NULL);
        char *text = text_of(svg);
        assert_non_null(strstr(text, m->title));
        assert_non_null(strstr(text, m->period_text));
        assert_non_null(strstr(text, m->filter_text));
        assert_non_null(strstr(text, m->ui[JM_UI_VIEW]));
        assert_non_null(strstr(text, m->ui[JM_UI_GENERATED]));
        for (size_t i = 0; i < m->n_stages; i++) {
            const struct jm_map_stage *st = &m->stages[i];
            /* In the header, the funnel and the Sankey; escaped in the markup. */
            assert_true(count(text, st->name) >= 3);
            assert_non_null(strstr(svg, ref_escape(st->name)));
            assert_non_null(strstr(text, st->owner_name));
            for (size_t k = 0; k < st->n_kpis; k++) {
                const struct jm_map_kpi *kp = &st->kpis[k];
                assert_non_null(strstr(text, kp->name));
                assert_non_null(strstr(text, kp->measured_text));
                assert_non_null(strstr(text, kp->target_text));
            }
            for (size_t k = 0; k < st->n_touchpoints; k++)
                assert_non_null(strstr(text, st->touchpoints[k].name));
            for (size_t k = 0; k < st->n_roles; k++)
                assert_non_null(strstr(text, st->roles[k].name));
        }
        for (size_t i = 0; i < m->n_lanes; i++)
            assert_non_null(strstr(text, m->lanes[i].name));
        /* Status in words, not colour alone. */
        for (int w = JM_UI_MET; w <= JM_UI_NO_DATA; w++)
            assert_non_null(strstr(text, m->ui[w]));
        for (size_t i = 0; i < m->n_breaks; i++)
            assert_non_null(strstr(text, m->breaks[i].headline));
        for (size_t i = 0; i < m->n_idle; i++)
            assert_non_null(strstr(text, m->idle[i].name));
        for (size_t i = 0; i < m->n_personas; i++)
            assert_non_null(strstr(text, m->personas[i].name));
        assert_non_null(strstr(text, m->ui[JM_UI_PEAK]));
        assert_non_null(strstr(text, m->ui[JM_UI_VALLEY]));
        assert_non_null(strstr(text, m->ui[JM_UI_HANDOFF]));
        free(text);
        free(svg);
        fixture_free(m);
    }
}

static void svg_keeps_vietnamese_diacritics(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    char *svg = render_svg(m, NULL);
    assert_non_null(strstr(svg, ">Nhận biết<"));
    assert_non_null(strstr(svg, ">Cân nhắc<"));
    assert_non_null(strstr(svg, ">Khoảnh khắc sự thật<"));
    assert_non_null(strstr(svg, ">Gắn bó &amp; giới thiệu<"));
    assert_non_null(strstr(svg, "xml:lang=\"vi\""));
    free(svg);
    fixture_free(m);
}

static void svg_text_stays_on_the_page(void **state)
{
    (void)state;
    for (int kind = FIXTURE_VI; kind <= FIXTURE_HOSTILE; kind++) {
        struct jm_map *m = fixture_map((enum fixture_kind)kind);
        struct jm__svg_layout l;
        m->state = JM_STATE_BOTH;
        char *svg = render_svg(m, &l);
        assert_text_inside(svg, l.width);
        free(svg);
        fixture_free(m);
    }
}

static void svg_layout_sections_are_ordered(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    struct jm__svg_layout l;
    char *svg = render_svg(m, &l);
    assert_int_equal(l.n_sections, 4 + 5); /* the map, charts, breaks, personas; 5 insights */
    assert_true(l.top[0] == 0);
    for (size_t i = 0; i < l.n_sections; i++) {
        assert_true(l.top[i] < l.bottom[i]);
        if (i + 1 < l.n_sections)
            assert_true(l.bottom[i] <= l.top[i + 1]);
    }
    assert_true(l.bottom[l.n_sections - 1] == l.height);
    char expect[96];
    snprintf(expect, sizeof(expect), "width=\"%.0f\" height=\"%.0f\"", l.width, l.height);
    assert_non_null(strstr(svg, expect));
    assert_true(l.width >= jm__grid_width(m) + 2 * JM__MARGIN);
    free(svg);
    fixture_free(m);
}

static void svg_layout_leaves_out_hidden_or_empty_sections(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    struct jm__svg_layout l;
    struct {
        bool funnel, flows, breaks, idle, personas;
        size_t n_personas, n_flows;
        size_t want;
    } cases[] = {
        {false, false, false, false, false, 2, 15, 1}, {true, false, false, false, false, 2, 15, 2},
        {false, true, false, false, false, 2, 15, 2},  {false, true, false, false, false, 2, 0, 1},
        {false, false, false, true, false, 2, 15, 2},  {false, false, false, false, true, 0, 15, 1},
        {true, true, true, true, true, 0, 15, 3},      {true, true, true, true, true, 2, 15, 4},
    };
    size_t n_flows = m->n_flows;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        m->panels = (struct jm_map_panels){.funnel = cases[i].funnel,
                                           .flows = cases[i].flows,
                                           .breaks = cases[i].breaks,
                                           .idle = cases[i].idle,
                                           .personas = cases[i].personas};
        m->n_personas = cases[i].n_personas;
        m->n_flows = cases[i].n_flows ? n_flows : 0;
        char *svg = render_svg(m, &l);
        assert_int_equal(l.n_sections, cases[i].want);
        assert_true(l.bottom[l.n_sections - 1] == l.height);
        free(svg);
        char *html = render_html(m);
        assert_int_equal(strstr(html, "<section id=\"jm-funnel\"") != NULL, cases[i].funnel);
        assert_int_equal(strstr(html, "<section id=\"jm-flows\"") != NULL,
                         cases[i].flows && cases[i].n_flows);
        assert_int_equal(strstr(html, "<section id=\"jm-idle\"") != NULL, cases[i].idle);
        assert_int_equal(strstr(html, "<section id=\"jm-personas\"") != NULL,
                         cases[i].personas && cases[i].n_personas);
        free(html);
    }
    m->n_personas = 2;
    fixture_free(m);
}

static void svg_rows_grow_to_hold_long_cells(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    struct jm__svg_layout before, after;
    free(render_svg(m, &before));
    static const char *many[40];
    for (size_t i = 0; i < 40; i++)
        many[i] = "Một dòng khá dài để chắc chắn ô này cao hơn mọi ô khác trong hàng";
    m->stages[2].cells[JM_LANE_QUESTIONS].items = many;
    m->stages[2].cells[JM_LANE_QUESTIONS].n = 40;
    char *svg = render_svg(m, &after);
    /* 40 items of 2-3 lines each at 18.5 px: the map section grows by well over 1500 px. */
    assert_true(after.bottom[0] - before.bottom[0] > 1500);
    assert_true(after.height - before.height == after.bottom[0] - before.bottom[0]);
    assert_text_inside(svg, after.width);
    free(svg);
    fixture_free(m);
}

static void svg_shows_the_state_asked_for(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_EN);
    const char *future = "An automatic ROI calculator on the pricing page";
    char *svg = render_svg(m, NULL), *text = text_of(svg);
    assert_null(strstr(text, future));
    free(text);
    free(svg);
    m->state = JM_STATE_FUTURE;
    svg = render_svg(m, NULL);
    text = text_of(svg);
    assert_non_null(strstr(text, future));
    assert_non_null(strstr(svg, "stroke-dasharray=\"7 4\"")); /* the future curve */
    free(text);
    free(svg);
    m->state = JM_STATE_BOTH;
    svg = render_svg(m, NULL);
    text = text_of(svg);
    assert_non_null(strstr(text, future));
    assert_non_null(strstr(text, "\nToday\n"));
    assert_non_null(strstr(svg, "stroke-dasharray=\"5 3\"")); /* the future block */
    free(text);
    free(svg);
    fixture_free(m);
}

static void svg_dims_stages_out_of_view(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    char *svg = render_svg(m, NULL);
    size_t dim_before = count(svg, "opacity=\"0.45\"");
    free(svg);
    m->stages[0].in_view = false;
    svg = render_svg(m, NULL);
    assert_true(count(svg, "opacity=\"0.45\"") > dim_before + m->n_lanes);
    free(svg);
    fixture_free(m);
}

/* ---------------------------------------------------------------- hostile text */

static void assert_hostile_text_is_harmless(const char *doc, bool html)
{
    assert_markup_ok(doc, html);
    assert_true(jm_utf8_valid(doc, strlen(doc), NULL));
    assert_non_null(strstr(doc, "\xef\xbf\xbd")); /* the invalid bytes, replaced */
    for (const char *p = doc; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\t');
    assert_null(strstr(doc, "\x7f"));
    for (size_t i = 0; i < FIXTURE_N_HOSTILE; i++) {
        const char *h = fixture_hostile[i];
        /* "&amp;" escaped is "&amp;amp;", which contains it: only test strings that change. */
        if (strpbrk(h, "<>\"'&") && !strstr(ref_escape(h), h))
            assert_null(strstr(doc, h));
    }
    assert_null(strstr(doc, "<script"));
    assert_null(strstr(doc, "<img"));
    assert_null(strstr(doc, "<svg onload"));
    assert_null(strstr(doc, "]]>"));
    assert_null(strstr(doc, "<!--"));
    /* Shown, escaped: the text is there for the reader to see. */
    assert_non_null(strstr(doc, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_non_null(strstr(doc, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert_non_null(strstr(doc, "]]&gt;"));
    assert_non_null(strstr(doc, "&amp;amp;"));
    assert_non_null(strstr(doc, "ctl[31m chars"));
}

static void hostile_strings_never_reach_the_svg_raw(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_HOSTILE);
    m->state = JM_STATE_BOTH;
    char *svg = render_svg(m, NULL);
    assert_hostile_text_is_harmless(svg, false);
    /* librsvg draws a blank page for an xml:lang it cannot parse. */
    assert_non_null(strstr(svg, "xml:lang=\"und\""));
    free(svg);
    fixture_free(m);
}

static void hostile_strings_never_reach_the_html_raw(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_HOSTILE);
    m->state = JM_STATE_BOTH;
    char *html = render_html(m);
    assert_hostile_text_is_harmless(html, true);
    assert_non_null(strstr(html, "<html lang=\"und\">"));
    /* Keys become attribute values, escaped. */
    assert_non_null(strstr(html, "data-stage=\"&lt;script&gt;alert(1)&lt;/script&gt;\"") ||
                    strstr(html, "data-stage=\"&quot;&gt;&lt;img src=x onerror=alert(1)&gt;\"") ||
                    strstr(html, "data-stage=\"&lt;svg onload=alert(1)&gt;\"") ||
                    strstr(html, "data-stage=\"]]&gt;\""));
    free(html);
    fixture_free(m);
}

/* ---------------------------------------------------------------- html */

static void html_is_self_contained_and_inert(void **state)
{
    (void)state;
    for (int kind = FIXTURE_VI; kind <= FIXTURE_EN; kind++) {
        struct jm_map *m = fixture_map((enum fixture_kind)kind);
        char *html = render_html(m);
        assert_markup_ok(html, true);
        assert_true(strncmp(html, "<!DOCTYPE html>\n<html lang=\"", 28) == 0);
        assert_non_null(
            strstr(html, kind == FIXTURE_VI ? "<html lang=\"vi\">" : "<html lang=\"en\">"));
        assert_non_null(strstr(html, "<meta charset=\"utf-8\">"));
        assert_non_null(strstr(html, "<meta http-equiv=\"Content-Security-Policy\" "
                                     "content=\"default-src 'none'; style-src 'unsafe-inline'; "
                                     "img-src data:\">"));
        assert_null(strstr(html, "<script"));
        assert_null(strstr(html, "http:"));
        /* The only address is the model's own text, in a cell. */
        assert_int_equal(count(html, "https:"), count(html, "https://acme.example.com"));
        assert_null(strstr(html, "<link"));
        assert_null(strstr(html, "@import"));
        assert_null(strstr(html, "@font-face"));
        assert_null(strstr(html, "src="));
        assert_non_null(strstr(html, "@page{size:A3 landscape"));
        assert_non_null(strstr(html, "overflow-wrap:anywhere"));
        assert_true(jm_utf8_valid(html, strlen(html), NULL));
        free(html);
        fixture_free(m);
    }
}

static void html_has_the_hooks_the_browser_tests_use(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    char *html = render_html(m);
    char buf[512];
    assert_non_null(strstr(html, "<main id=\"jm-map\" data-view=\"full\" data-lang=\"vi\""));
    for (size_t i = 0; i < m->n_stages; i++) {
        /* The stage header holds the stage's name. */
        snprintf(buf, sizeof(buf), "data-stage=\"%s\"", m->stages[i].key);
        const char *h = strstr(html, buf);
        assert_non_null(h);
        snprintf(buf, sizeof(buf), "<h2>%s</h2>", ref_escape(m->stages[i].name));
        assert_non_null(strstr(h, buf));
    }
    for (size_t l = 0; l < m->n_lanes; l++) {
        snprintf(buf, sizeof(buf), "<div class=\"jm-lane\" data-lane=\"%s\"", m->lanes[l].key);
        const char *h = strstr(html, buf);
        assert_non_null(h);
        snprintf(buf, sizeof(buf), "<h3>%s</h3>", ref_escape(m->lanes[l].name));
        assert_non_null(strstr(h, buf));
        for (size_t i = 0; i < m->n_stages; i++) {
            snprintf(buf, sizeof(buf), "data-stage=\"%s\" data-lane=\"%s\"", m->stages[i].key,
                     m->lanes[l].key);
            assert_int_equal(count(html, buf), 1);
        }
    }
    assert_int_equal(count(html, "<div class=\"jm-cell"), m->n_lanes * m->n_stages);
    size_t kpis = 0;
    for (size_t i = 0; i < m->n_stages; i++) {
        for (size_t k = 0; k < m->stages[i].n_kpis; k++, kpis++) {
            const struct jm_map_kpi *kp = &m->stages[i].kpis[k];
            snprintf(buf, sizeof(buf), "data-kpi=\"%s\" data-status=\"%s\"", kp->metric,
                     jm__status_key(kp->status));
            assert_non_null(strstr(html, buf));
        }
    }
    assert_int_equal(count(html, "data-kpi=\""), kpis);
    assert_int_equal(count(html, "data-status=\"met\""), 2);
    assert_int_equal(count(html, "data-status=\"near\""), 2);
    assert_int_equal(count(html, "data-status=\"missed\""), 1);
    assert_int_equal(count(html, "data-status=\"no_data\""), 1);
    static const char *const ids[] = {"jm-funnel", "jm-flows", "jm-breaks", "jm-idle",
                                      "jm-personas"};
    for (size_t i = 0; i < 5; i++) {
        snprintf(buf, sizeof(buf), "<section id=\"%s\">", ids[i]);
        assert_int_equal(count(html, buf), 1);
    }
    /* The same chart fragments as the SVG, inline. */
    snprintf(buf, sizeof(buf), "<svg width=\"%.0f\" height=\"%.0f\"",
             (double)m->n_stages * JM__COL_W, JM__EMOTION_H);
    assert_int_equal(count(html, buf), 1);
    assert_non_null(strstr(html, ">Khoảnh khắc sự thật<"));
    assert_non_null(strstr(html, "Gắn bó &amp; giới thiệu"));
    free(html);
    fixture_free(m);
}

/* ---------------------------------------------------------------- edges and failures */

static void empty_maps_render(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_EN);
    struct jm__svg_layout l;
    m->n_stages = 0;
    m->n_lanes = 0;
    m->n_flows = 0;
    m->n_breaks = 0;
    m->n_idle = 0;
    m->n_stalled = m->n_silent = 0;
    m->title = NULL;
    m->filter_text = NULL;
    char *svg = render_svg(m, &l);
    assert_markup_ok(svg, false);
    assert_non_null(strstr(svg, m->ui[JM_UI_NO_BREAKS]));
    assert_non_null(strstr(svg, m->ui[JM_UI_NO_IDLE]));
    assert_int_equal(l.n_sections, 3 + 5); /* map, breaks and idle, personas; the insights */
    char *html = render_html(m);
    assert_markup_ok(html, true);
    assert_non_null(strstr(html, m->ui[JM_UI_NO_BREAKS]));
    free(svg);
    free(html);
    fixture_free(m);
}

static void odd_values_still_render(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_EN);
    struct jm__svg_layout l;
    static struct jm_map_flow flows[] = {
        {JM_FLOW_BACK, 2, 2, 30},            /* re-entering the same stage */
        {JM_FLOW_FORWARD, 99, 1, 10},        /* no such stage */
        {JM_FLOW_SKIP, 0, JM_NONE, 10},      /* no target */
        {JM_FLOW_ENTER, JM_NONE, 4, 5},      /* entering at the last stage */
        {JM_FLOW_DROP, 4, JM_NONE, 0},       /* nothing */
        {JM_FLOW_FORWARD, 0, 1, UINT64_MAX}, /* absurdly many */
    };
    m->flows = flows;
    m->n_flows = sizeof(flows) / sizeof(*flows);
    m->stages[0].emotion = 7;
    m->stages[1].emotion = -INFINITY;
    m->stages[2].rate = NAN;
    m->stages[2].channels[0].share = 3;
    m->stages[2].channels[1].share = -1;
    m->stages[3].roles[0].coverage = NAN;
    m->stages[0].reached = UINT64_MAX;
    m->breaks[0].severity = NAN;
    m->breaks[1].severity = -4;
    m->breaks[2].stage = 77;
    m->idle[0].stage = JM_NONE;
    m->idle[1].days_silent = NAN;
    m->lanes[0].lane = (enum jm_lane)99;
    m->personas[0].kind = NULL;
    m->stages[1].owner = "";
    m->stages[1].owner_name = NULL;
    m->view_key = NULL;
    m->lang_code = NULL;
    for (int st = JM_STATE_CURRENT; st <= JM_STATE_BOTH; st++) {
        m->state = (enum jm_map_state)st;
        char *svg = render_svg(m, &l);
        assert_markup_ok(svg, false);
        assert_text_inside(svg, l.width);
        assert_false(has_word(svg, "nan"));
        assert_false(has_word(svg, "inf"));
        assert_false(has_word(svg, "e+"));
        char *html = render_html(m);
        assert_markup_ok(html, true);
        free(svg);
        free(html);
    }
    m->flows = NULL;
    m->n_flows = 0;
    fixture_free(m);
}

/* ---------------------------------------------------------------- insight panels */

/* The fixture's insight numbers, formatted by hand: first-touch credit 20 of 40 deals is
 * "50.0%"; the 2025-01 cohort's NRR at month 11 is 1 + 0.02 x 11 = "122%"; the voice headline
 * is NPS +30, CSAT 80% satisfied, CES 5.5; urgent tickets were late to respond 3 of 10 times. */
static void insight_panels_show_their_numbers_in_vietnamese(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    char *svg = render_svg(m, NULL), *html = render_html(m);
    const char *docs[2] = {svg, html};
    for (int d = 0; d < 2; d++) {
        assert_markup_ok(docs[d], d == 1);
        const char *want[] = {"Điều gì mang lại hợp đồng",
                              "Bốn câu hỏi",
                              "Tiếng nói khách hàng",
                              "Giữ chân khách hàng và doanh thu",
                              "Các hành trình phổ biến nhất đến mục tiêu",
                              "Điểm chạm đầu tiên",
                              "50.0%",
                              "122%",
                              "+30",
                              "80%",
                              "5.5",
                              "30.0%",
                              "Bài blog \xe2\x86\x92 Trang giá \xe2\x86\x92 Demo",
                              "Khách hàng gặp chúng ta lần đầu ở đâu?",
                              "Vi phạm SLA theo mức ưu tiên",
                              "NPS +25 \xc2\xb7 12 câu trả lời",
                              "CES 5.2 \xc2\xb7 5 câu trả lời"};
        for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++)
            if (!strstr(docs[d], want[i]))
                fail_msg("%s lacks '%s'", d ? "html" : "svg", want[i]);
    }
    const char *ids[] = {"jm-questions", "jm-attribution", "jm-paths", "jm-retention", "jm-voice"};
    const char *prev = html;
    for (size_t i = 0; i < 5; i++) { /* in page order */
        char tag[64];
        snprintf(tag, sizeof(tag), "<section id=\"%s\" data-panel=", ids[i]);
        const char *at = strstr(html, tag);
        assert_non_null(at);
        assert_true(at > prev);
        prev = at;
    }
    assert_non_null(strstr(html, "<td class=\"jm-heat\" style=\"background:#c5e4cd\">122%</td>"));
    free(svg);
    free(html);
    fixture_free(m);
}

static void insight_panels_follow_the_panel_choice(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_EN);
    struct jm__svg_layout l;
    m->panels.attribution = m->panels.voice = false;
    m->paths = NULL;             /* shown but not computed: left out */
    m->retention->n_cohorts = 0; /* computed, empty: says so */
    char *svg = render_svg(m, &l), *html = render_html(m);
    assert_int_equal(l.n_sections, 4 + 2);
    assert_null(strstr(html, "id=\"jm-attribution\""));
    assert_null(strstr(html, "id=\"jm-voice\""));
    assert_null(strstr(html, "id=\"jm-paths\""));
    const char *ret = strstr(html, "id=\"jm-retention\"");
    assert_non_null(ret);
    assert_non_null(strstr(ret, "<p class=\"jm-none\">no data</p>"));
    assert_null(strstr(svg, "What wins deals"));
    assert_non_null(strstr(svg, "The four questions"));
    free(svg);
    free(html);
    fixture_free(m);
}

static char *render_fmt(const struct jm_map *m, enum jm_map_format f)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    assert_int_equal(jm_map_render(m, f, NULL, &sb, NULL), JM_OK);
    return jm_strbuf_detach(&sb, NULL);
}

static void insight_panels_reach_csv_and_json(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_EN);
    char *csv = render_fmt(m, JM_FORMAT_CSV), *json = render_fmt(m, JM_FORMAT_JSON);
    /* 3 channels x 4 models; cohorts of 12, 11 and 10 months; 2 priorities x 2; 4 answers;
     * voice: stage 0 NPS, stage 1 NPS+CSAT, stage 2 all three, then the 3 overall */
    assert_int_equal(count(csv, "\nattribution,"), 12);
    assert_int_equal(count(csv, "\ncohorts,"), 33);
    assert_int_equal(count(csv, "\nsla,"), 4);
    assert_int_equal(count(csv, "\nquestions,"), 4);
    assert_int_equal(count(csv, "\nvoice,"), 1 + 2 + 3 + 3);
    assert_int_equal(count(csv, "\nretention,"), 4);
    assert_true(strncmp(csv + strcspn(csv, "\n") - 6, ",month", 6) == 0);
    assert_non_null(strstr(csv, "Blog post \xe2\x86\x92 Pricing page \xe2\x86\x92 Demo"));
    assert_non_null(strstr(json, "\"insights\":{\"attribution\":{\"conversions\":40,"));
    assert_non_null(strstr(json, "\"first_touch\":{\"credit\":20.0000,\"share\":0.5000}"));
    assert_non_null(strstr(json, "\"cohort\":\"2025-01\",\"accounts\":10"));
    assert_non_null(strstr(json, "\"voice\":{\"nps\":{\"n\":12,"));
    assert_non_null(strstr(json, "\"panels\":{\"funnel\":true,\"flows\":true,\"breaks\":true,"
                                 "\"idle\":true,\"personas\":true,\"attribution\":true"));
    free(csv);
    free(json);
    fixture_free(m);
}

static void every_allocation_can_fail(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    m->state = JM_STATE_BOTH;
    for (int html = 0; html < 2; html++) {
        struct jm_strbuf sb = JM_STRBUF_INIT;
        jm_alloc_fail_reset();
        assert_int_equal(html ? jm__html_map(m, &sb) : jm__svg_map(m, &sb, NULL), JM_OK);
        unsigned long n = jm_alloc_count();
        jm_strbuf_release(&sb);
        assert_true(n > 10);
        /* Every allocation once when the count is small, a spread of them when it is not. */
        unsigned long step = n / 400 + 1;
        for (unsigned long k = 1; k <= n; k += step) {
            struct jm_strbuf out = JM_STRBUF_INIT;
            jm_alloc_fail_at(k);
            jm_status rc = html ? jm__html_map(m, &out) : jm__svg_map(m, &out, NULL);
            jm_alloc_fail_reset();
            assert_int_equal(rc, JM_ENOMEM);
            assert_int_equal(out.len, 0);
            jm_strbuf_release(&out);
        }
    }
    fixture_free(m);
}

static void a_full_buffer_fails_cleanly(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    struct jm_strbuf sb;
    jm_strbuf_init(&sb, 4096);
    assert_int_equal(jm_strbuf_addstr(&sb, "keep"), JM_OK);
    assert_int_equal(jm__svg_map(m, &sb, NULL), JM_ELIMIT);
    assert_string_equal(sb.buf, "keep");
    assert_int_equal(jm__html_map(m, &sb), JM_ELIMIT);
    assert_string_equal(sb.buf, "keep");
    jm_strbuf_release(&sb);
    fixture_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(escape_replaces_markup_and_quotes),
        cmocka_unit_test(escape_keeps_vietnamese_byte_for_byte),
        cmocka_unit_test(escape_replaces_invalid_utf8_and_drops_controls),
        cmocka_unit_test(writer_keeps_its_first_failure),
        cmocka_unit_test(numbers_print_without_exponents_or_nan),
        cmocka_unit_test(widths_follow_noto_sans),
        cmocka_unit_test(wrap_breaks_at_spaces_and_inside_long_words),
        cmocka_unit_test(wrap_honours_newlines_and_never_splits_a_letter),
        cmocka_unit_test(svg_is_well_formed_and_inert),
        cmocka_unit_test(svg_shows_every_stage_lane_and_kpi),
        cmocka_unit_test(svg_keeps_vietnamese_diacritics),
        cmocka_unit_test(svg_text_stays_on_the_page),
        cmocka_unit_test(svg_layout_sections_are_ordered),
        cmocka_unit_test(svg_layout_leaves_out_hidden_or_empty_sections),
        cmocka_unit_test(svg_rows_grow_to_hold_long_cells),
        cmocka_unit_test(svg_shows_the_state_asked_for),
        cmocka_unit_test(svg_dims_stages_out_of_view),
        cmocka_unit_test(hostile_strings_never_reach_the_svg_raw),
        cmocka_unit_test(hostile_strings_never_reach_the_html_raw),
        cmocka_unit_test(html_is_self_contained_and_inert),
        cmocka_unit_test(html_has_the_hooks_the_browser_tests_use),
        cmocka_unit_test(empty_maps_render),
        cmocka_unit_test(odd_values_still_render),
        cmocka_unit_test(insight_panels_show_their_numbers_in_vietnamese),
        cmocka_unit_test(insight_panels_follow_the_panel_choice),
        cmocka_unit_test(insight_panels_reach_csv_and_json),
        cmocka_unit_test(every_allocation_can_fail),
        cmocka_unit_test(a_full_buffer_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
