/*
 * Time parsing and formatting. Every time in journeymap is UTC microseconds since the epoch.
 *
 * The parser is strict on purpose: CRM exports mix "03/04/2024" meaning 3 April and 4 March, and
 * a guess silently moves deals by months. Auto mode takes only ISO-8601 (and plain unix numbers
 * when the caller names them); anything else needs an explicit pattern.
 *
 * Civil-date arithmetic follows Howard Hinnant's public-domain days_from_civil algorithm (the
 * idea, rewritten here), valid for every proleptic Gregorian date.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/internal.h"

int64_t jm_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

void jm_time_civil(int64_t us, int *year, int *month, int *day, int *hour, int *min, int *sec)
{
    /*
     * Floor division written so nothing overflows: days * JM_US_PER_DAY would, for times near
     * INT64_MIN (JM_TIME_NONE among them), and formatting one by mistake must not be undefined.
     */
    int64_t days = us / JM_US_PER_DAY, rem = us % JM_US_PER_DAY;
    if (rem < 0) {
        rem += JM_US_PER_DAY;
        days--;
    }
    rem /= JM_US_PER_SEC;
    civil_from_days(days, year, month, day);
    *hour = (int)(rem / 3600);
    *min = (int)(rem / 60 % 60);
    *sec = (int)(rem % 60);
}

void jm_time_format(int64_t us, bool date_only, char *buf, size_t cap)
{
    int y, mo, d, h, mi, s;
    jm_time_civil(us, &y, &mo, &d, &h, &mi, &s);
    /* Years outside 0000-9999 take a sign, as ISO 8601's expanded form does. */
    int n = y >= 0 && y <= 9999
                ? snprintf(buf, cap, "%04d-%02d-%02d", y, mo, d)
                : snprintf(buf, cap, "%c%04d-%02d-%02d", y < 0 ? '-' : '+', y < 0 ? -y : y, mo, d);
    if (date_only || n < 0 || (size_t)n >= cap)
        return;
    int64_t frac = us % JM_US_PER_SEC;
    if (frac < 0)
        frac += JM_US_PER_SEC;
    if (frac)
        snprintf(buf + n, cap - (size_t)n, "T%02d:%02d:%02d.%06ldZ", h, mi, s, (long)frac);
    else
        snprintf(buf + n, cap - (size_t)n, "T%02d:%02d:%02dZ", h, mi, s);
}

/* ---------------------------------------------------------------- parsing */

struct tparse {
    const char *p, *end;
    int year, month, day, hour, min, sec;
    int64_t frac_us;
    int64_t zone_s; /* offset east of UTC, seconds */
    int pm;         /* -1 none, 0 am, 1 pm */
};

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c | 32) >= 'a' && (c | 32) <= 'z';
}

/* Reads between `min` and `max` digits; returns -1 when fewer than `min` are there. */
static long read_digits(struct tparse *t, int min, int max)
{
    long v = 0;
    int n = 0;
    while (n < max && t->p < t->end && is_digit(*t->p)) {
        v = v * 10 + (*t->p++ - '0');
        n++;
    }
    return n >= min ? v : -1;
}

static bool eat(struct tparse *t, char c)
{
    if (t->p < t->end && *t->p == c) {
        t->p++;
        return true;
    }
    return false;
}

/* 1 to 9 digits of a second; digits past the sixth are dropped (truncated, not rounded). */
static bool read_fraction(struct tparse *t)
{
    int64_t scale = 100000;
    const char *start = t->p;
    t->frac_us = 0;
    while (t->p < t->end && is_digit(*t->p)) {
        if (t->p - start >= 9)
            return false;
        t->frac_us += (*t->p - '0') * scale;
        scale /= 10;
        t->p++;
    }
    return t->p > start;
}

/* Z, +07:00, +0700, +07, -05:30 */
static bool read_zone(struct tparse *t)
{
    if (eat(t, 'Z') || eat(t, 'z')) {
        t->zone_s = 0;
        return true;
    }
    int sign = eat(t, '+') ? 1 : eat(t, '-') ? -1 : 0;
    if (!sign)
        return false;
    long hh = read_digits(t, 2, 2), mm = 0;
    if (hh < 0 || hh > 23)
        return false;
    /* Minutes only after a colon or as two more digits, so "+07" may be followed by text. */
    if (eat(t, ':') || (t->p < t->end && is_digit(*t->p))) {
        mm = read_digits(t, 2, 2);
        if (mm < 0 || mm > 59)
            return false;
    }
    t->zone_s = sign * (hh * 3600 + mm * 60);
    return true;
}

/* 14:30, 14:30:15, 14:30:15.123456789, then an optional zone (after an optional space). */
static bool parse_iso_time(struct tparse *t)
{
    long h = read_digits(t, 2, 2);
    if (h < 0 || !eat(t, ':'))
        return false;
    long mi = read_digits(t, 2, 2);
    if (mi < 0)
        return false;
    t->hour = (int)h, t->min = (int)mi;
    if (eat(t, ':')) {
        long s = read_digits(t, 2, 2);
        if (s < 0)
            return false;
        t->sec = (int)s;
        if ((eat(t, '.') || eat(t, ',')) && !read_fraction(t))
            return false;
    }
    if (t->p == t->end)
        return true;
    eat(t, ' ');
    return read_zone(t) && t->p == t->end;
}

static bool parse_iso(struct tparse *t)
{
    long y = read_digits(t, 4, 4);
    if (y < 0 || !eat(t, '-'))
        return false;
    long m = read_digits(t, 2, 2);
    if (m < 0 || !eat(t, '-'))
        return false;
    long d = read_digits(t, 2, 2);
    if (d < 0)
        return false;
    t->year = (int)y, t->month = (int)m, t->day = (int)d;
    if (t->p == t->end)
        return true;
    if (!eat(t, 'T') && !eat(t, 't') && !eat(t, ' '))
        return false;
    return parse_iso_time(t);
}

static const char *const month_names[] = {"january",   "february", "march",    "april",
                                          "may",       "june",     "july",     "august",
                                          "september", "october",  "november", "december"};

/*
 * A month name in English, any case: the full name, its first three letters, or "Sept", with an
 * optional dot. A whole word is read, so "Mayday" or "Junk" is no month.
 */
static bool read_month_name(struct tparse *t)
{
    size_t n = 0;
    while (t->p + n < t->end && is_alpha(t->p[n]) && n < 10)
        n++;
    for (int i = 0; i < 12 && n >= 3; i++) {
        size_t full = strlen(month_names[i]);
        if (n > full || strncasecmp(t->p, month_names[i], n) != 0)
            continue;
        if (n != 3 && n != full && !(i == 8 && n == 4))
            continue;
        t->p += n;
        eat(t, '.');
        t->month = i + 1;
        return true;
    }
    return false;
}

static bool read_am_pm(struct tparse *t)
{
    if (t->end - t->p < 2)
        return false;
    if (strncasecmp(t->p, "am", 2) == 0)
        t->pm = 0;
    else if (strncasecmp(t->p, "pm", 2) == 0)
        t->pm = 1;
    else
        return false;
    t->p += 2;
    return true;
}

/* Stores a number read with read_digits() into *field; false when none was there. */
static bool set_number(long v, int *field)
{
    if (v < 0)
        return false;
    *field = (int)v;
    return true;
}

/* The directives parse_directive() knows, for checking a pattern before using it. */
#define TIME_DIRECTIVES "YymdeHIMSfzbBp%"

static bool parse_directive(struct tparse *t, char d)
{
    long v;
    switch (d) {
    case 'Y':
        return set_number(read_digits(t, 4, 4), &t->year);
    case 'y':
        v = read_digits(t, 2, 2);
        /* POSIX: 69-99 are 1969-1999, 00-68 are 2000-2068. */
        return set_number(v < 0 ? v : v < 69 ? 2000 + v : 1900 + v, &t->year);
    case 'm':
        return set_number(read_digits(t, 1, 2), &t->month);
    case 'e':
        eat(t, ' '); /* strftime pads %e with a space: " 5" */
        return set_number(read_digits(t, 1, 2), &t->day);
    case 'd':
        return set_number(read_digits(t, 1, 2), &t->day);
    case 'H':
    case 'I':
        return set_number(read_digits(t, 1, 2), &t->hour);
    case 'M':
        return set_number(read_digits(t, 2, 2), &t->min);
    case 'S':
        return set_number(read_digits(t, 2, 2), &t->sec);
    case 'f':
        return read_fraction(t);
    case 'z':
        return read_zone(t);
    case 'b':
    case 'B':
        return read_month_name(t);
    case 'p':
        return read_am_pm(t);
    case '%':
        return eat(t, '%');
    default:
        return false;
    }
}

static bool parse_pattern(struct tparse *t, const char *fmt)
{
    for (const char *f = fmt; *f; f++) {
        if (*f == '%') {
            if (!f[1] || !parse_directive(t, *++f))
                return false;
        } else if (*f == ' ') {
            /* A space matches one or more spaces, as columns padded for alignment have. */
            if (!eat(t, ' '))
                return false;
            while (eat(t, ' '))
                ;
        } else if (!eat(t, *f)) {
            return false;
        }
    }
    return t->p == t->end;
}

/*
 * Returns the first directive of `fmt` we do not support (pointing after its '%'), or NULL.
 * *n is its length in bytes: a whole UTF-8 character, so the message quoting it stays valid;
 * 0 for a lone '%' at the end.
 */
static const char *unsupported_directive(const char *fmt, int *n)
{
    for (const char *f = fmt; *f; f++) {
        if (*f != '%')
            continue;
        f++;
        if (*f && strchr(TIME_DIRECTIVES, *f))
            continue;
        unsigned lead = (unsigned char)*f;
        size_t want = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
        size_t have = strnlen(f, want);
        *n = have == want && jm_utf8_valid(f, want, NULL) ? (int)want : (int)(have > 0);
        return f;
    }
    return NULL;
}

static int days_in_month(int y, int m)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : mdays[m - 1];
}

/*
 * Checks the fields and applies AM/PM. Returns NULL when valid, else what is wrong (in `why`).
 * 23:59:60 is a leap second; it folds into the next second as most systems do.
 */
static const char *check_fields(struct tparse *t, char *why, size_t cap)
{
    if (t->month < 1 || t->month > 12)
        snprintf(why, cap, "there is no month %d", t->month);
    else if (t->day < 1 || t->day > days_in_month(t->year, t->month))
        snprintf(why, cap, "%04d-%02d has no day %d", t->year, t->month, t->day);
    else if (t->pm >= 0 && (t->hour < 1 || t->hour > 12))
        snprintf(why, cap, "hour %d is not on a 12-hour clock", t->hour);
    else if (t->hour > 23)
        snprintf(why, cap, "hour %d is out of range", t->hour);
    else if (t->min > 59)
        snprintf(why, cap, "minute %d is out of range", t->min);
    else if (t->sec > 60)
        snprintf(why, cap, "second %d is out of range", t->sec);
    else
        why = NULL;
    if (!why && t->pm >= 0)
        t->hour = t->hour % 12 + (t->pm ? 12 : 0);
    return why;
}

/* How much of the input an error message quotes: at most 64 bytes, whole characters. */
static int quoted(const char *s, size_t len)
{
    return (int)jm__utf8_prefix(s, len, 64);
}

static jm_status parse_unix(const char *s, size_t len, int64_t scale, const char *unit,
                            int64_t *out, struct jm_error *err)
{
    size_t i = len > 0 && s[0] == '-';
    bool ok = i < len && len - i <= 19; /* 19 digits cannot overflow a uint64_t */
    uint64_t v = 0;
    for (size_t k = i; ok && k < len; k++) {
        ok = is_digit(s[k]);
        v = v * 10 + (uint64_t)(s[k] - '0');
    }
    if (!ok)
        return jm_error_set(err, JM_EPARSE, "expected unix %s, got '%.*s'", unit, quoted(s, len),
                            s);
    if (v > (uint64_t)(INT64_MAX / scale))
        return jm_error_set(err, JM_EPARSE, "unix %s '%.*s' are out of range", unit, quoted(s, len),
                            s);
    *out = (i ? -(int64_t)v : (int64_t)v) * scale;
    return JM_OK;
}

static bool is_iso_format(const char *format)
{
    return !format || !*format || strcmp(format, "auto") == 0 || strcmp(format, "iso") == 0;
}

jm_status jm_time_parse(const char *s, size_t len, const char *format, int64_t *out_us,
                        struct jm_error *err)
{
    if (!s)
        s = "", len = 0;
    if (format && strcmp(format, "unix") == 0)
        return parse_unix(s, len, JM_US_PER_SEC, "seconds", out_us, err);
    if (format && strcmp(format, "unix_ms") == 0)
        return parse_unix(s, len, 1000, "milliseconds", out_us, err);
    bool iso = is_iso_format(format);
    int n = 0;
    const char *bad = iso ? NULL : unsupported_directive(format, &n);
    if (bad && !n)
        return jm_error_set(err, JM_EPARSE, "date format '%s' ends in a lone '%%'", format);
    if (bad)
        return jm_error_set(err, JM_EPARSE,
                            "date format '%s' has an unsupported directive '%%%.*s' (supported: "
                            "%%Y %%y %%m %%d %%e %%H %%I %%M %%S %%f %%z %%b %%p %%%%)",
                            format, n, bad);
    struct tparse t = {.p = s, .end = s + len, .year = 1970, .month = 1, .day = 1, .pm = -1};
    if (iso ? !parse_iso(&t) : !parse_pattern(&t, format)) {
        if (iso)
            return jm_error_set(err, JM_EPARSE,
                                "expected an ISO-8601 date such as 2024-03-05 or "
                                "2024-03-05T14:30:00Z, got '%.*s' (set a date format for others)",
                                quoted(s, len), s);
        return jm_error_set(err, JM_EPARSE, "'%.*s' does not match the date format '%s'",
                            quoted(s, len), s, format);
    }
    char why[64];
    if (check_fields(&t, why, sizeof(why)))
        return jm_error_set(err, JM_EPARSE, "invalid date or time '%.*s': %s", quoted(s, len), s,
                            why);
    int64_t days = jm_days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day);
    int64_t secs = days * 86400 + t.hour * 3600 + t.min * 60 + t.sec - t.zone_s;
    *out_us = secs * JM_US_PER_SEC + t.frac_us;
    return JM_OK;
}
