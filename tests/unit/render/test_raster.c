/*
 * Tests for render/render.c, render/raster.c and render/csv.c: format names and extensions;
 * the PNG (signature, and IHDR dimensions that are the SVG layout's size times the scale); the
 * PDF (A3 and A4 landscape pages, page counts, the title); the CSV (one header, every row as
 * wide as it, numbers rounded half up, formula injection defused and hostile text quoted so a
 * CSV reader gets it back); and that a failed render leaves the caller's buffer as it was.
 *
 * librsvg renders text through pango and fontconfig, whose caches LeakSanitizer reports at exit:
 * ctest runs this with tests/lsan.supp.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journeymap/map.h"
#include "render/internal.h"

#include "map_fixture.h"

static int teardown(void **state)
{
    (void)state;
    jm_alloc_fail_reset();
    return 0;
}

/* Renders `m` as `format` into a fresh buffer the caller releases; asserts success. */
static struct jm_strbuf render_ok(const struct jm_map *m, enum jm_map_format format,
                                  const struct jm_render_options *opts)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct jm_error err;
    jm_status rc = jm_map_render(m, format, opts, &sb, &err);
    if (rc)
        fail_msg("render as format %d: %s", (int)format, err.msg);
    assert_true(sb.len > 0);
    return sb;
}

/* The SVG layout of `m`, straight from the SVG renderer. */
static struct jm__svg_layout layout_of(const struct jm_map *m)
{
    struct jm_strbuf sb = JM_STRBUF_INIT;
    struct jm__svg_layout lo;
    memset(&lo, 0, sizeof(lo));
    assert_int_equal(jm__svg_map(m, &sb, &lo), JM_OK);
    jm_strbuf_release(&sb);
    assert_true(lo.width >= 1 && lo.height >= 1);
    return lo;
}

/* Occurrences of `needle` in buf[0..len), where the byte after it is not `not_next` (0: any). */
static size_t count(const char *buf, size_t len, const char *needle, char not_next)
{
    size_t n = 0, k = strlen(needle);
    for (size_t i = 0; i + k <= len; i++)
        if (memcmp(buf + i, needle, k) == 0 &&
            (i + k == len || buf[i + k] != not_next || !not_next))
            n++;
    return n;
}

/* ---------------------------------------------------------------- format names */

static void format_parse_accepts_every_name_in_any_case(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        enum jm_map_format f;
    } ok[] = {{"html", JM_FORMAT_HTML}, {"SVG", JM_FORMAT_SVG},   {"Png", JM_FORMAT_PNG},
              {"pdf", JM_FORMAT_PDF},   {"json", JM_FORMAT_JSON}, {"CSV", JM_FORMAT_CSV}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        enum jm_map_format f = JM_FORMAT_CSV + 1;
        assert_true(jm_map_format_parse(ok[i].s, &f));
        assert_int_equal(f, ok[i].f);
    }
    static const char *const bad[] = {"", "htm", "xml", "pdfx", " pdf", "jpeg"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum jm_map_format f = JM_FORMAT_JSON;
        assert_false(jm_map_format_parse(bad[i], &f));
        assert_int_equal(f, JM_FORMAT_JSON);
    }
    enum jm_map_format f;
    assert_false(jm_map_format_parse(NULL, &f));
}

static void format_of_path_reads_the_last_extension_of_the_file_name(void **state)
{
    (void)state;
    static const struct {
        const char *path;
        enum jm_map_format f;
    } ok[] = {
        {"map.html", JM_FORMAT_HTML},      {"map.htm", JM_FORMAT_HTML},
        {"/tmp/x/Map.SVG", JM_FORMAT_SVG}, {"out.d/map.png", JM_FORMAT_PNG},
        {"bản đồ.PDF", JM_FORMAT_PDF},     {"map.tar.json", JM_FORMAT_JSON},
        {"./a.b/map.Csv", JM_FORMAT_CSV},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        enum jm_map_format f = JM_FORMAT_CSV + 1;
        if (!jm_map_format_of_path(ok[i].path, &f))
            fail_msg("no format for '%s'", ok[i].path);
        assert_int_equal(f, ok[i].f);
    }
    static const char *const bad[] = {"map",     "map.",        ".svg", "dir.svg/map",
                                      "map.txt", "map.svg.bak", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        enum jm_map_format f;
        if (jm_map_format_of_path(bad[i], &f))
            fail_msg("'%s' should name no format", bad[i]);
    }
    enum jm_map_format f;
    assert_false(jm_map_format_of_path(NULL, &f));
}

/* ---------------------------------------------------------------- PNG */

/* The IHDR width and height of a PNG. */
static void png_size(const struct jm_strbuf *sb, unsigned long *w, unsigned long *h)
{
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    assert_true(sb->len > 33);
    assert_memory_equal(sb->buf, sig, 8);
    assert_memory_equal(sb->buf + 12, "IHDR", 4);
    const unsigned char *p = (const unsigned char *)sb->buf + 16;
    *w = (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
    *h = (unsigned long)p[4] << 24 | (unsigned long)p[5] << 16 | (unsigned long)p[6] << 8 | p[7];
}

static void png_is_the_layout_size_times_the_scale(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    assert_non_null(m);
    struct jm__svg_layout lo = layout_of(m);
    static const double scales[] = {1, 0.5};
    for (size_t i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
        struct jm_render_options opts = {JM_PAPER_A3, scales[i]};
        double s = scales[i];
        struct jm_strbuf sb = render_ok(m, JM_FORMAT_PNG, &opts);
        unsigned long w, h;
        png_size(&sb, &w, &h);
        assert_int_equal(w, (unsigned long)ceil(lo.width * s - 1e-9));
        assert_int_equal(h, (unsigned long)ceil(lo.height * s - 1e-9));
        jm_strbuf_release(&sb);
    }
    /* A scale of 0 (or no options at all) is the default scale: 2. */
    struct jm_render_options zero = {JM_PAPER_A3, 0};
    struct jm_strbuf sb = render_ok(m, JM_FORMAT_PNG, &zero);
    unsigned long w, h;
    png_size(&sb, &w, &h);
    assert_int_equal(w, (unsigned long)ceil(lo.width * 2 - 1e-9));
    assert_int_equal(h, (unsigned long)ceil(lo.height * 2 - 1e-9));
    jm_strbuf_release(&sb);
    fixture_free(m);
}

/*
 * The hostile map draws as much as the normal one. librsvg draws nothing at all, and says
 * nothing, when the SVG has something it rejects (an invalid xml:lang, for one), so a blank
 * image is the failure to look for: it compresses to a few kilobytes, where the fixture's map
 * takes a hundred or more.
 */
static void png_of_the_hostile_map_is_not_blank(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI), *h = fixture_map(FIXTURE_HOSTILE);
    assert_non_null(m);
    assert_non_null(h);
    struct jm_render_options opts = {JM_PAPER_A3, 0.5};
    struct jm_strbuf normal = render_ok(m, JM_FORMAT_PNG, &opts);
    struct jm_strbuf hostile = render_ok(h, JM_FORMAT_PNG, &opts);
    unsigned long w, hh;
    png_size(&hostile, &w, &hh);
    assert_true(w > 100 && hh > 100);
    size_t hostile_len = hostile.len, normal_len = normal.len;
    jm_strbuf_release(&normal);
    jm_strbuf_release(&hostile);
    fixture_free(m);
    fixture_free(h);
    if (hostile_len < normal_len / 4)
        fail_msg("the hostile map's PNG is %zu bytes, the normal one's %zu: blank?", hostile_len,
                 normal_len);
}

static void a_bad_scale_is_refused_and_the_buffer_kept(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_EN);
    assert_non_null(m);
    static const double bad[] = {-1, NAN, INFINITY};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct jm_strbuf sb = JM_STRBUF_INIT;
        struct jm_error err;
        struct jm_render_options opts = {JM_PAPER_A3, bad[i]};
        assert_int_equal(jm_strbuf_addstr(&sb, "keep"), JM_OK);
        assert_int_equal(jm_map_render(m, JM_FORMAT_PNG, &opts, &sb, &err), JM_EINVAL);
        assert_int_equal(err.code, JM_EINVAL);
        assert_non_null(strstr(err.msg, "scale"));
        assert_string_equal(sb.buf, "keep");
        jm_strbuf_release(&sb);
    }
    fixture_free(m);
}

/* ---------------------------------------------------------------- PDF */

/* Pages of a PDF: "/Type /Page" objects (not the "/Type /Pages" tree). */
static size_t pdf_pages(const struct jm_strbuf *sb)
{
    assert_true(sb->len > 8);
    assert_memory_equal(sb->buf, "%PDF-", 5);
    return count(sb->buf, sb->len, "/Type /Page", 's');
}

/* Appends the PDF text-string form cairo writes for `s`: <FEFF...> in UTF-16BE hex. */
static void utf16_hex(const char *s, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "<FEFF");
    const unsigned char *p = (const unsigned char *)s;
    while (*p && n + 10 < cap) {
        unsigned long cp = *p++;
        int more = cp >= 0xf0 ? 3 : cp >= 0xe0 ? 2 : cp >= 0xc0 ? 1 : 0;
        cp &= more == 3 ? 0x07 : more == 2 ? 0x0f : more == 1 ? 0x1f : 0x7f;
        while (more-- > 0 && *p)
            cp = cp << 6 | (*p++ & 0x3f);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            n += (size_t)snprintf(out + n, cap - n, "%04lX%04lX", 0xd800 + (cp >> 10),
                                  0xdc00 + (cp & 0x3ff));
        } else {
            n += (size_t)snprintf(out + n, cap - n, "%04lX", cp);
        }
    }
    snprintf(out + n, cap - n, ">");
}

static void pdf_pages_are_a3_landscape_by_default_with_the_maps_title(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    assert_non_null(m);
    struct jm_strbuf sb = render_ok(m, JM_FORMAT_PDF, NULL);
    size_t pages = pdf_pages(&sb);
    assert_true(pages >= 1);
    /* Every page is 420 x 297 mm: 1190.55 x 841.89 pt. */
    assert_int_equal(count(sb.buf, sb.len, "/MediaBox [ 0 0 1190.55", 0), pages);
    assert_int_equal(count(sb.buf, sb.len, "/MediaBox [", 0), pages);
    /* The document's title is the map's (a PDF text string: UTF-16BE in hex). */
    char want[1024];
    utf16_hex(m->title, want, sizeof(want));
    const char *title = NULL;
    for (size_t i = 0; !title && i + 7 <= sb.len; i++)
        if (memcmp(sb.buf + i, "/Title ", 7) == 0)
            title = sb.buf + i;
    assert_non_null(title);
    assert_memory_equal(title + 7, want, strlen(want));
    jm_strbuf_release(&sb);
    fixture_free(m);
}

static void pdf_on_a4_needs_more_pages_of_a4_landscape(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI);
    assert_non_null(m);
    struct jm_render_options a3 = {JM_PAPER_A3, 0}, a4 = {JM_PAPER_A4, 0};
    struct jm_strbuf sb3 = render_ok(m, JM_FORMAT_PDF, &a3);
    struct jm_strbuf sb4 = render_ok(m, JM_FORMAT_PDF, &a4);
    size_t p3 = pdf_pages(&sb3), p4 = pdf_pages(&sb4);
    /* The fixture has every section; they do not all fit one A4 page at a readable size. */
    assert_true(p4 >= 2);
    assert_true(p4 >= p3);
    assert_int_equal(count(sb4.buf, sb4.len, "/MediaBox [ 0 0 841.88", 0), p4);
    /* Without its panels the map is one section; too tall for one A4 page at the width-filling
     * scale, it is cut between lane rows and runs on over pages instead of shrinking onto one,
     * and A3 (wider and taller) needs no more pages than A4. */
    m->panels = (struct jm_map_panels){0};
    struct jm_strbuf one = render_ok(m, JM_FORMAT_PDF, &a4);
    struct jm_strbuf one3 = render_ok(m, JM_FORMAT_PDF, &a3);
    assert_true(pdf_pages(&one) > 1);
    assert_true(pdf_pages(&one) <= p4);
    assert_true(pdf_pages(&one3) <= pdf_pages(&one));
    jm_strbuf_release(&one);
    jm_strbuf_release(&one3);
    jm_strbuf_release(&sb3);
    jm_strbuf_release(&sb4);
    fixture_free(m);
}

/* As for PNG: a PDF whose pages librsvg left blank holds no fonts and is a few kilobytes. */
static void pdf_of_the_hostile_map_is_not_blank(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_VI), *h = fixture_map(FIXTURE_HOSTILE);
    assert_non_null(m);
    assert_non_null(h);
    struct jm_render_options a4 = {JM_PAPER_A4, 0};
    struct jm_strbuf normal = render_ok(m, JM_FORMAT_PDF, &a4);
    struct jm_strbuf hostile = render_ok(h, JM_FORMAT_PDF, &a4);
    assert_true(pdf_pages(&hostile) >= 1);
    size_t hostile_len = hostile.len, normal_len = normal.len;
    jm_strbuf_release(&normal);
    jm_strbuf_release(&hostile);
    fixture_free(m);
    fixture_free(h);
    if (hostile_len < normal_len / 4)
        fail_msg("the hostile map's PDF is %zu bytes, the normal one's %zu: blank?", hostile_len,
                 normal_len);
}

/* ---------------------------------------------------------------- CSV */

/* A parsed CSV: rows of NUL-terminated fields, RFC 4180 (quotes doubled inside quotes). The
 * fields point into `store`: unquoting only shrinks, so the input's length (plus a NUL for a
 * last field without a newline) holds them all. */
#define CSV_MAX_ROWS   1024
#define CSV_MAX_FIELDS 48
struct csv_doc {
    char *store;
    size_t n_rows;
    size_t n_fields[CSV_MAX_ROWS];
    const char *fields[CSV_MAX_ROWS][CSV_MAX_FIELDS];
};

static void csv_parse(const char *s, size_t len, struct csv_doc *d)
{
    memset(d, 0, sizeof(*d));
    char *out = d->store = malloc(len + 1);
    assert_non_null(out);
    size_t i = 0;
    while (i < len) {
        assert_true(d->n_rows < CSV_MAX_ROWS);
        size_t r = d->n_rows++;
        for (;;) {
            assert_true(d->n_fields[r] < CSV_MAX_FIELDS);
            d->fields[r][d->n_fields[r]++] = out;
            if (i < len && s[i] == '"') {
                for (i++;; i++) {
                    assert_true(i < len); /* an unterminated quote is a bug */
                    if (s[i] == '"' && i + 1 < len && s[i + 1] == '"')
                        *out++ = s[i++];
                    else if (s[i] == '"')
                        break;
                    else
                        *out++ = s[i];
                }
                i++;
                assert_true(i >= len || s[i] == ',' || s[i] == '\n');
            } else {
                while (i < len && s[i] != ',' && s[i] != '\n')
                    *out++ = s[i++];
            }
            *out++ = '\0';
            if (i >= len || s[i++] == '\n')
                break;
        }
    }
}

static void csv_free(struct csv_doc *d)
{
    free(d->store);
}

static long csv_col(const struct csv_doc *d, const char *name)
{
    for (size_t f = 0; f < d->n_fields[0]; f++)
        if (strcmp(d->fields[0][f], name) == 0)
            return (long)f;
    fail_msg("no column '%s'", name);
    return -1;
}

/* The first row of `table` whose `col` is `value` (NULL: any), or -1. */
static long csv_row(const struct csv_doc *d, const char *table, const char *col, const char *value)
{
    long c = col ? csv_col(d, col) : 0;
    for (size_t r = 1; r < d->n_rows; r++)
        if (strcmp(d->fields[r][0], table) == 0 && (!value || strcmp(d->fields[r][c], value) == 0))
            return (long)r;
    return -1;
}

static bool is_number(const char *s)
{
    char *end;
    if (!*s)
        return false;
    strtod(s, &end);
    return *end == '\0';
}

static void csv_has_one_header_and_rows_as_wide(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_EN);
    assert_non_null(m);
    struct jm_strbuf sb = render_ok(m, JM_FORMAT_CSV, NULL);
    assert_memory_equal(sb.buf, "table,stage,", 12);
    struct csv_doc *d = malloc(sizeof(*d));
    assert_non_null(d);
    csv_parse(sb.buf, sb.len, d);
    for (size_t r = 1; r < d->n_rows; r++)
        assert_int_equal(d->n_fields[r], d->n_fields[0]);
    static const char *const tables[] = {"stages", "kpis",        "flows",    "breaks",
                                         "idle",   "touchpoints", "channels", "lanes"};
    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
        if (csv_row(d, tables[t], NULL, NULL) < 0)
            fail_msg("no rows of table '%s'", tables[t]);
    /* One stage row per stage, in order; one flow row per flow; one KPI row per KPI. */
    size_t stages = 0, flows = 0, kpis = 0, want_kpis = 0;
    for (size_t r = 1; r < d->n_rows; r++) {
        if (strcmp(d->fields[r][0], "stages") == 0) {
            assert_true(stages < m->n_stages);
            assert_string_equal(d->fields[r][csv_col(d, "stage")], m->stages[stages].key);
            assert_string_equal(d->fields[r][csv_col(d, "name")], m->stages[stages].name);
            stages++;
        }
        flows += strcmp(d->fields[r][0], "flows") == 0;
        kpis += strcmp(d->fields[r][0], "kpis") == 0;
    }
    for (size_t i = 0; i < m->n_stages; i++)
        want_kpis += m->stages[i].n_kpis;
    assert_int_equal(stages, m->n_stages);
    assert_int_equal(flows, m->n_flows);
    assert_int_equal(kpis, want_kpis);
    /* A flow from the start has no `from`; a drop has no `to`. */
    long enter = csv_row(d, "flows", "kind", "enter"), drop = csv_row(d, "flows", "kind", "drop");
    assert_true(enter > 0 && drop > 0);
    assert_string_equal(d->fields[enter][csv_col(d, "from")], "");
    assert_string_equal(d->fields[drop][csv_col(d, "to")], "");
    csv_free(d);
    free(d);
    jm_strbuf_release(&sb);
    fixture_free(m);
}

static void csv_numbers_round_half_up_and_nan_is_empty(void **state)
{
    (void)state;
    struct jm_map_stage st[2];
    memset(st, 0, sizeof(st));
    st[0].key = "a";
    st[0].name = "A";
    st[0].rate = 0.12345; /* half up: 0.1235 */
    st[0].in_stage.count = 3;
    st[0].in_stage.median = 1.005; /* half up: 1.01, not 1.00 */
    st[0].in_stage.p90 = 2.5;
    st[0].emotion = -0.5; /* negative numbers are numbers, not formulas */
    st[0].nps = NAN;
    st[1].key = "b";
    st[1].name = "B";
    st[1].rate = NAN; /* none reached */
    st[1].emotion = NAN;
    st[1].nps = NAN;
    struct jm_map m;
    memset(&m, 0, sizeof(m));
    m.n_stages = 2;
    m.stages = st;
    struct jm_strbuf sb = render_ok(&m, JM_FORMAT_CSV, NULL);
    struct csv_doc *d = malloc(sizeof(*d));
    assert_non_null(d);
    csv_parse(sb.buf, sb.len, d);
    assert_int_equal(d->n_rows, 3);
    assert_string_equal(d->fields[1][csv_col(d, "rate")], "0.1235");
    assert_string_equal(d->fields[1][csv_col(d, "median_days")], "1.01");
    assert_string_equal(d->fields[1][csv_col(d, "p90_days")], "2.50");
    assert_string_equal(d->fields[1][csv_col(d, "emotion")], "-0.5000");
    assert_string_equal(d->fields[1][csv_col(d, "nps")], "");
    assert_string_equal(d->fields[2][csv_col(d, "rate")], "");
    assert_string_equal(d->fields[2][csv_col(d, "median_days")], "");
    assert_string_equal(d->fields[2][csv_col(d, "reached")], "0");
    csv_free(d);
    free(d);
    jm_strbuf_release(&sb);
}

/* What a CSV reader must get back for model text `s`: cleaned (control characters out, bad
 * UTF-8 replaced) and, when a spreadsheet would run it, an apostrophe first. */
static void expected_field(const char *s, struct jm_strbuf *out)
{
    struct jm_strbuf clean = JM_STRBUF_INIT;
    assert_int_equal(jm__text_clean(&clean, s, strlen(s)), JM_OK);
    jm_strbuf_reset(out);
    if (clean.len && strchr("=+-@\t\r", clean.buf[0]))
        assert_int_equal(jm_strbuf_addch(out, '\''), JM_OK);
    assert_int_equal(jm_strbuf_add(out, clean.buf, clean.len), JM_OK);
    jm_strbuf_release(&clean);
}

static void csv_of_hostile_text_quotes_it_and_defuses_formulas(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_HOSTILE);
    assert_non_null(m);
    /* Formula payloads in the places a spreadsheet user looks first. */
    m->stages[0].name = "=HYPERLINK(\"http://evil.invalid\",\"x\")";
    m->stages[1].name = "+cmd|' /C calc'!A0";
    m->stages[2].name = "-2+3";
    m->stages[3].name = "@SUM(1,2)";
    m->stages[4].name = "\t=1+1";
    m->idle[0].name = "a,b\n\"c\"\r\nd";
    struct jm_strbuf sb = render_ok(m, JM_FORMAT_CSV, NULL);
    struct csv_doc *d = malloc(sizeof(*d));
    assert_non_null(d);
    csv_parse(sb.buf, sb.len, d);
    struct jm_strbuf want = JM_STRBUF_INIT;
    /* Every row has the header's width: quoting held, whatever the text. */
    for (size_t r = 1; r < d->n_rows; r++)
        assert_int_equal(d->n_fields[r], d->n_fields[0]);
    /* Nothing a spreadsheet would evaluate, except plain numbers. */
    for (size_t r = 1; r < d->n_rows; r++)
        for (size_t f = 0; f < d->n_fields[r]; f++) {
            const char *v = d->fields[r][f];
            if (*v && strchr("=+-@\t\r", v[0]) && !is_number(v))
                fail_msg("row %zu, %s: '%s' would run as a formula", r, d->fields[0][f], v);
        }
    /* The text comes back exactly: cleaned, with the apostrophe where one belongs. */
    long name = csv_col(d, "name");
    long first = csv_row(d, "stages", NULL, NULL);
    assert_true(first > 0);
    for (size_t i = 0; i < m->n_stages; i++) {
        expected_field(m->stages[i].name, &want);
        assert_string_equal(d->fields[first + (long)i][name], want.buf);
    }
    assert_string_equal(d->fields[csv_row(d, "stages", NULL, NULL)][name],
                        "'=HYPERLINK(\"http://evil.invalid\",\"x\")");
    long idle = csv_row(d, "idle", NULL, NULL);
    assert_true(idle > 0);
    assert_string_equal(d->fields[idle][name], "a,b\n\"c\"\nd");
    /* Invalid UTF-8 and control characters never reach the file. */
    for (size_t i = 0; i < sb.len; i++) {
        unsigned char c = (unsigned char)sb.buf[i];
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            fail_msg("control character 0x%02x at byte %zu", c, i);
    }
    assert_true(jm_utf8_valid(sb.buf, sb.len, NULL));
    jm_strbuf_release(&want);
    csv_free(d);
    free(d);
    jm_strbuf_release(&sb);
    fixture_free(m);
}

/* ---------------------------------------------------------------- dispatch and failure */

static void render_dispatches_each_format(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_EN);
    assert_non_null(m);
    struct jm_strbuf sb = render_ok(m, JM_FORMAT_SVG, NULL);
    assert_non_null(strstr(sb.buf, "<svg"));
    jm_strbuf_release(&sb);
    sb = render_ok(m, JM_FORMAT_CSV, NULL);
    assert_memory_equal(sb.buf, "table,", 6);
    jm_strbuf_release(&sb);
    /* An unknown format is refused and appends nothing. */
    struct jm_error err;
    assert_int_equal(jm_map_render(m, (enum jm_map_format)99, NULL, &sb, &err), JM_EINVAL);
    assert_int_equal(sb.len, 0);
    assert_non_null(strstr(err.msg, "format"));
    assert_int_equal(jm_map_render(NULL, JM_FORMAT_SVG, NULL, &sb, NULL), JM_EINVAL);
    jm_strbuf_release(&sb);
    fixture_free(m);
}

/* An allocation of a CSV or SVG render may fail: the render says so and the caller's buffer
 * holds what it held before. CSV fails at every allocation; SVG (whose every allocation
 * test_render.c fails) at a spread of them, enough to cover the dispatch. */
static void a_failed_render_leaves_the_buffer_as_it_was(void **state)
{
    (void)state;
    struct jm_map *m = fixture_map(FIXTURE_EN);
    assert_non_null(m);
    static const enum jm_map_format formats[] = {JM_FORMAT_CSV, JM_FORMAT_SVG};
    for (size_t k = 0; k < sizeof(formats) / sizeof(formats[0]); k++) {
        struct jm_strbuf sb = JM_STRBUF_INIT;
        assert_int_equal(jm_strbuf_addstr(&sb, "before"), JM_OK); /* as below */
        jm_alloc_fail_reset();
        assert_int_equal(jm_map_render(m, formats[k], NULL, &sb, NULL), JM_OK);
        unsigned long n = jm_alloc_count(), step = formats[k] == JM_FORMAT_CSV ? 1 : n / 25 + 1;
        jm_strbuf_release(&sb);
        assert_true(n > 0);
        for (unsigned long i = 1; i <= n; i += step) {
            struct jm_error err;
            assert_int_equal(jm_strbuf_addstr(&sb, "before"), JM_OK);
            jm_alloc_fail_at(i);
            jm_status rc = jm_map_render(m, formats[k], NULL, &sb, &err);
            jm_alloc_fail_reset();
            assert_int_equal(rc, JM_ENOMEM);
            assert_int_equal(err.code, JM_ENOMEM);
            assert_string_equal(sb.buf, "before");
            jm_strbuf_release(&sb);
        }
    }
    /* A ceiling on the buffer fails the same way (JM_ELIMIT), PNG included. */
    struct jm_strbuf small;
    jm_strbuf_init(&small, 4096);
    struct jm_error err;
    assert_int_equal(jm_map_render(m, JM_FORMAT_PNG, NULL, &small, &err), JM_ELIMIT);
    assert_int_equal(small.len, 0);
    assert_int_equal(jm_map_render(m, JM_FORMAT_PDF, NULL, &small, &err), JM_ELIMIT);
    assert_int_equal(small.len, 0);
    assert_int_equal(jm_map_render(m, JM_FORMAT_CSV, NULL, &small, &err), JM_ELIMIT);
    assert_int_equal(small.len, 0);
    jm_strbuf_release(&small);
    fixture_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(format_parse_accepts_every_name_in_any_case, teardown),
        cmocka_unit_test_teardown(format_of_path_reads_the_last_extension_of_the_file_name,
                                  teardown),
        cmocka_unit_test_teardown(png_is_the_layout_size_times_the_scale, teardown),
        cmocka_unit_test_teardown(png_of_the_hostile_map_is_not_blank, teardown),
        cmocka_unit_test_teardown(a_bad_scale_is_refused_and_the_buffer_kept, teardown),
        cmocka_unit_test_teardown(pdf_pages_are_a3_landscape_by_default_with_the_maps_title,
                                  teardown),
        cmocka_unit_test_teardown(pdf_on_a4_needs_more_pages_of_a4_landscape, teardown),
        cmocka_unit_test_teardown(pdf_of_the_hostile_map_is_not_blank, teardown),
        cmocka_unit_test_teardown(csv_has_one_header_and_rows_as_wide, teardown),
        cmocka_unit_test_teardown(csv_numbers_round_half_up_and_nan_is_empty, teardown),
        cmocka_unit_test_teardown(csv_of_hostile_text_quotes_it_and_defuses_formulas, teardown),
        cmocka_unit_test_teardown(render_dispatches_each_format, teardown),
        cmocka_unit_test_teardown(a_failed_render_leaves_the_buffer_as_it_was, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
