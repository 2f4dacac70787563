/*
 * Text measurement and word wrapping for the SVG renderer. SVG has no line breaking of its own,
 * so every label is measured here and cut into lines that fit its box; each line becomes one
 * <tspan>. Browsers and librsvg then draw it with the first font of the stack they have.
 *
 * Widths are estimates from advance-width tables of Noto Sans Regular and Bold (measured with
 * cairo at 1000 units per em, Debian 12's fonts-noto-core, 2026-11), scaled up by a safety
 * margin so a font that runs a little wider (DejaVu Sans, the usual Linux fallback, averages ~8%
 * wider) still stays inside its box in the common case. Outside ASCII:
 *
 *   Latin-1, Latin Extended-A, Vietnamese (U+1EA0..1EF9)  the base letter's width; the horn
 *                                                         letters ơ/ư (and their tones) their own
 *   combining marks (U+0300..036F), zero-width spaces     0 (decomposed Vietnamese measures right)
 *   CJK, fullwidth forms, U+FFFD                          1 em
 *   emoji and symbols                                     1.2 em
 *   anything else                                         0.65 em (wider than most letters)
 *
 * Wrapping is greedy: words (runs between spaces) fill a line while they fit; a word longer
 * than the line is cut, after a '-', '/', '_', '.' or ':' in its second half when there is one,
 * else between characters (never before a combining mark). "\n" always breaks.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "render/internal.h"
#include "base/banned.h"

#define MARGIN 1.06

/* Advance widths of ' '..'~' in 1/1000 em. */
static const unsigned short ascii_regular[95] = {
    260, 269, 408, 646, 572, 831, 732, 225, 300, 300, 551, 572, 268, 322, 268, 372, 572, 572, 572,
    572, 572, 572, 572, 572, 572, 572, 268, 268, 572, 572, 572, 434, 899, 639, 650, 632, 730, 556,
    519, 728, 741, 339, 273, 619, 524, 907, 760, 781, 605, 781, 622, 549, 556, 731, 600, 930, 586,
    566, 572, 329, 372, 329, 572, 444, 281, 561, 615, 480, 615, 564, 344, 615, 618, 258, 258, 534,
    258, 935, 618, 605, 615, 615, 413, 479, 361, 618, 508, 786, 529, 510, 470, 380, 551, 380, 572};
static const unsigned short ascii_bold[95] = {
    260, 286, 472, 646, 572, 901, 750, 266, 339, 339, 545, 572, 285, 322, 285, 413, 572, 572, 572,
    572, 572, 572, 572, 572, 572, 572, 285, 285, 572, 572, 572, 477, 897, 690, 672, 637, 740, 560,
    549, 724, 765, 389, 331, 664, 565, 943, 813, 796, 628, 796, 660, 551, 579, 756, 650, 967, 667,
    624, 579, 331, 413, 331, 572, 411, 362, 604, 633, 514, 633, 591, 387, 633, 657, 305, 305, 620,
    305, 982, 657, 619, 633, 633, 454, 497, 434, 657, 569, 856, 578, 569, 488, 394, 551, 394, 572};

/*
 * Base letters of U+00C0..00FF, U+0100..017F and U+1EA0..1EF9. '1' '2' '3' '4' stand for
 * Ơ ơ Ư ư, whose horn makes them wider than O o U u (ư is 9% wider than u in regular, 16% in
 * bold).
 */
static const char latin1_base[] =
    "AAAAAAWCEEEEIIIIDNOOOOO+OUUUUYPbaaaaaamceeeeiiiionooooo+ouuuuypy";
static const char latin_ext_a_base[] = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiUuJjKkk"
                                       "LlLlLlLlLlNnNnNnnNnOoOoOoWmRrRrRrSsSsSsSsTtTtTtUuUuUuUuUu"
                                       "UuWwYyYZzZzZzf";
static const char vietnamese_base[] = "AaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOo"
                                      "1212121212UuUu3434343434YyYyYyYy";
static const unsigned short horn_regular[4] = {784, 616, 780, 674};
static const unsigned short horn_bold[4] = {825, 679, 885, 760};

static unsigned base_width(char c, bool bold)
{
    if (c >= '1' && c <= '4')
        return (bold ? horn_bold : horn_regular)[c - '1'];
    return (bold ? ascii_bold : ascii_regular)[c - ' '];
}

/* Width of one code point in 1/1000 em. */
static unsigned cp_width(uint32_t cp, bool bold)
{
    if (cp >= 0x20 && cp < 0x7f)
        return base_width((char)cp, bold);
    if (cp >= 0xc0 && cp <= 0xff)
        return base_width(latin1_base[cp - 0xc0], bold);
    if (cp >= 0x100 && cp <= 0x17f)
        return base_width(latin_ext_a_base[cp - 0x100], bold);
    if (cp >= 0x1ea0 && cp <= 0x1ef9)
        return base_width(vietnamese_base[cp - 0x1ea0], bold);
    switch (cp) {
    case '\t':
    case 0xa0:
        return 260;
    case 0x1a0:
        return base_width('1', bold);
    case 0x1a1:
        return base_width('2', bold);
    case 0x1af:
        return base_width('3', bold);
    case 0x1b0:
        return base_width('4', bold);
    case 0x2010:
    case 0x2011:
        return 322;
    case 0x2013:
        return 500;
    case 0x2014:
        return 1000;
    case 0x2022:
        return 376;
    case 0x2026:
        return bold ? 855 : 791;
    case 0x202f:
        return 166;
    case 0xb7:
        return bold ? 285 : 268;
    case 0xfffd:
        return 1000;
    default:
        break;
    }
    if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp == 0xfeff)
        return 0;
    if (cp >= 0x2000 && cp <= 0x200a)
        return 260;
    if (cp >= 0x2018 && cp <= 0x201f)
        return bold ? 445 : 360;
    if ((cp >= 0x2e80 && cp <= 0xa4cf) || (cp >= 0xac00 && cp <= 0xd7af) ||
        (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xff00 && cp <= 0xffef) ||
        (cp >= 0x20000 && cp <= 0x3ffff))
        return 1000;
    if ((cp >= 0x2190 && cp <= 0x2bff) || cp >= 0x1f000)
        return 1200;
    return bold ? 690 : 650;
}

static bool combining(uint32_t cp)
{
    return (cp >= 0x300 && cp <= 0x36f) || cp == 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f);
}

double jm__text_width(const char *s, size_t len, double size, bool bold)
{
    unsigned long sum = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += jm__utf8_next(s + i, len - i, &cp);
        sum += cp_width(cp, bold);
    }
    return (double)sum / 1000.0 * size * MARGIN;
}

/* ---------------------------------------------------------------- wrapping */

void jm__lines_init(struct jm__lines *l)
{
    memset(l, 0, sizeof(*l));
    jm_strbuf_init(&l->text, 0);
}

void jm__lines_release(struct jm__lines *l)
{
    jm_free(l->v);
    jm_strbuf_release(&l->text);
    memset(l, 0, sizeof(*l));
}

struct wrap {
    struct jm__lines *l;
    const char *t; /* the cleaned text */
    double max_w, size;
    bool bold;
    jm_status rc;
    bool open; /* a line is being filled */
    size_t start, end;
};

static void push(struct wrap *w, size_t start, size_t end)
{
    struct jm__lines *l = w->l;
    if (w->rc)
        return;
    w->rc = jm_grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v));
    if (w->rc)
        return;
    l->v[l->n].off = start;
    l->v[l->n].len = end - start;
    l->v[l->n].width = jm__text_width(w->t + start, end - start, w->size, w->bold);
    l->n++;
}

static void flush(struct wrap *w)
{
    if (w->open)
        push(w, w->start, w->end);
    w->open = false;
}

/* Where the longest prefix of t[a..b) that fits ends: at least one character (with its marks). */
static size_t fit_prefix(const struct wrap *w, size_t a, size_t b)
{
    double x = 0;
    size_t i = a, brk = 0;
    while (i < b) {
        uint32_t cp;
        size_t n = jm__utf8_next(w->t + i, b - i, &cp);
        size_t j = i + n;
        double cw = cp_width(cp, w->bold);
        while (j < b) { /* keep combining marks with their letter */
            uint32_t next;
            size_t m = jm__utf8_next(w->t + j, b - j, &next);
            if (!combining(next))
                break;
            j += m;
        }
        double nx = x + cw / 1000.0 * w->size * MARGIN;
        if (nx > w->max_w && i > a)
            break;
        x = nx;
        if (strchr("-/_.:", (int)cp) && cp < 0x80 && j < b)
            brk = j;
        i = j;
    }
    if (i < b && brk > a + (i - a) / 2)
        return brk;
    return i;
}

static void add_word(struct wrap *w, size_t a, size_t b)
{
    if (w->open) {
        double lw = jm__text_width(w->t + w->start, b - w->start, w->size, w->bold);
        if (lw <= w->max_w) {
            w->end = b;
            return;
        }
        flush(w);
    }
    while (jm__text_width(w->t + a, b - a, w->size, w->bold) > w->max_w) {
        size_t cut = fit_prefix(w, a, b);
        if (cut >= b)
            break;
        push(w, a, cut);
        a = cut;
    }
    w->open = true;
    w->start = a;
    w->end = b;
}

jm_status jm__text_wrap(struct jm__lines *l, const char *s, double max_w, double size, bool bold)
{
    struct wrap w = {l, NULL, max_w > size ? max_w : size, size, bold, JM_OK, false, 0, 0};
    l->n = 0;
    jm_strbuf_reset(&l->text);
    if (s)
        w.rc = jm__text_clean(&l->text, s, strlen(s));
    if (w.rc)
        return w.rc;
    w.t = l->text.buf;
    size_t n = l->text.len, i = 0;
    while (i < n) {
        size_t eol = i;
        while (eol < n && w.t[eol] != '\n')
            eol++;
        size_t p = i;
        bool any = false;
        while (p < eol) {
            while (p < eol && (w.t[p] == ' ' || w.t[p] == '\t'))
                p++;
            size_t q = p;
            while (q < eol && w.t[q] != ' ' && w.t[q] != '\t')
                q++;
            if (q > p) {
                add_word(&w, p, q);
                any = true;
            }
            p = q;
        }
        if (any)
            flush(&w);
        else if (eol < n && l->n > 0) /* a blank line between paragraphs keeps its space */
            push(&w, i, i);
        i = eol + 1;
    }
    while (l->n > 0 && l->v[l->n - 1].len == 0)
        l->n--;
    return w.rc;
}
