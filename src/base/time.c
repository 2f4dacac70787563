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

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

void jm_time_civil(int64_t us, int *year, int *month, int *day, int *hour, int *min, int *sec)
{
    int64_t days = floor_div(us, JM_US_PER_DAY);
    int64_t rem = (us - days * JM_US_PER_DAY) / JM_US_PER_SEC;
    civil_from_days(days, year, month, day);
    *hour = (int)(rem / 3600);
    *min = (int)(rem / 60 % 60);
    *sec = (int)(rem % 60);
}

void jm_time_format(int64_t us, bool date_only, char *buf, size_t cap)
{
    int y, mo, d, h, mi, s;
    jm_time_civil(us, &y, &mo, &d, &h, &mi, &s);
    if (date_only) {
        snprintf(buf, cap, "%04d-%02d-%02d", y, mo, d);
        return;
    }
    int64_t frac = us - floor_div(us, JM_US_PER_SEC) * JM_US_PER_SEC;
    if (frac)
        snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", y, mo, d, h, mi, s,
                 (long)frac);
    else
        snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
}

/* ---------------------------------------------------------------- parsing */

struct tparse {
    const char *p, *end;
    int year, month, day, hour, min, sec;
    int64_t frac_us;
    int64_t zone_s; /* offset east of UTC, seconds */
    int pm;         /* -1 none, 0 am, 1 pm */
};

/* Reads between `min` and `max` digits; returns -1 when fewer than `min` are there. */
static long read_digits(struct tparse *t, int min, int max)
{
    long v = 0;
    int n = 0;
    while (n < max && t->p < t->end && *t->p >= '0' && *t->p <= '9') {
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

static bool read_fraction(struct tparse *t)
{
    int64_t scale = 100000;
    const char *start = t->p;
    t->frac_us = 0;
    while (t->p < t->end && *t->p >= '0' && *t->p <= '9') {
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
    if (t->p < t->end) {
        eat(t, ':');
        mm = read_digits(t, 2, 2);
        if (mm < 0 || mm > 59)
            return false;
    }
    t->zone_s = sign * (hh * 3600 + mm * 60);
    return true;
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

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};

static bool read_month_name(struct tparse *t)
{
    for (int i = 0; i < 12; i++) {
        if (t->end - t->p < 3 || strncasecmp(t->p, month_names[i], 3) != 0)
            continue;
        t->p += 3;
        while (t->p < t->end && ((*t->p | 32) >= 'a' && (*t->p | 32) <= 'z'))
            t->p++; /* "March", "Sept" */
        eat(t, '.');
        t->month = i + 1;
        return true;
    }
    return false;
}

static bool parse_directive(struct tparse *t, char d)
{
    long v;
    switch (d) {
    case 'Y':
        v = read_digits(t, 4, 4);
        return v >= 0 && (t->year = (int)v, true);
    case 'y':
        v = read_digits(t, 2, 2);
        /* POSIX: 69-99 are 1969-1999, 00-68 are 2000-2068. */
        return v >= 0 && (t->year = (int)(v < 69 ? 2000 + v : 1900 + v), true);
    case 'm':
        v = read_digits(t, 1, 2);
        return v >= 0 && (t->month = (int)v, true);
    case 'd':
    case 'e':
        v = read_digits(t, 1, 2);
        return v >= 0 && (t->day = (int)v, true);
    case 'H':
    case 'I':
        v = read_digits(t, 1, 2);
        return v >= 0 && (t->hour = (int)v, true);
    case 'M':
        v = read_digits(t, 2, 2);
        return v >= 0 && (t->min = (int)v, true);
    case 'S':
        v = read_digits(t, 2, 2);
        return v >= 0 && (t->sec = (int)v, true);
    case 'f':
        return read_fraction(t);
    case 'z':
        return read_zone(t);
    case 'b':
    case 'B':
        return read_month_name(t);
    case 'p':
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
            if (!eat(t, ' '))
                return false;
            while (eat(t, ' '))
                ;
        } else if (!eat(t, *f)) {
            return false;
        }
    }
    if (t->pm >= 0) {
        if (t->hour < 1 || t->hour > 12)
            return false;
        t->hour = t->hour % 12 + (t->pm ? 12 : 0);
    }
    return t->p == t->end;
}

static bool parse_unix(const char *s, size_t len, int64_t scale_us, int64_t *out)
{
    size_t i = 0;
    bool neg = len > 0 && s[0] == '-';
    i = neg;
    if (i == len || len - i > 16)
        return false;
    int64_t v = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = (neg ? -v : v) * scale_us;
    return true;
}

static bool valid_fields(const struct tparse *t)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (t->month < 1 || t->month > 12 || t->day < 1 || t->day > mdays[t->month - 1])
        return false;
    bool leap = (t->year % 4 == 0 && t->year % 100 != 0) || t->year % 400 == 0;
    if (t->month == 2 && t->day == 29 && !leap)
        return false;
    /* 23:59:60 is a leap second; we fold it into the next second like most systems do. */
    return t->hour <= 23 && t->min <= 59 && t->sec <= 60;
}

jm_status jm_time_parse(const char *s, size_t len, const char *format, int64_t *out_us,
                        struct jm_error *err)
{
    if (format && strcmp(format, "unix") == 0) {
        if (!parse_unix(s, len, JM_US_PER_SEC, out_us))
            return jm_error_set(err, JM_EPARSE, "expected unix seconds, got '%.*s'", (int)len, s);
        return JM_OK;
    }
    if (format && strcmp(format, "unix_ms") == 0) {
        if (!parse_unix(s, len, 1000, out_us))
            return jm_error_set(err, JM_EPARSE, "expected unix milliseconds, got '%.*s'",
                                (int)len, s);
        return JM_OK;
    }
    struct tparse t = {.p = s, .end = s + len, .year = 1970, .month = 1, .day = 1, .pm = -1};
    bool iso = !format || !*format || strcmp(format, "auto") == 0 || strcmp(format, "iso") == 0;
    bool ok = iso ? parse_iso(&t) : parse_pattern(&t, format);
    if (!ok || !valid_fields(&t)) {
        if (iso)
            return jm_error_set(err, JM_EPARSE,
                                "expected an ISO-8601 date such as 2024-03-05 or "
                                "2024-03-05T14:30:00Z, got '%.*s' (set a date format for others)",
                                (int)len > 64 ? 64 : (int)len, s);
        return jm_error_set(err, JM_EPARSE, "'%.*s' does not match the date format '%s'",
                            (int)len > 64 ? 64 : (int)len, s, format);
    }
    int64_t days = jm_days_from_civil(t.year, (unsigned)t.month, (unsigned)t.day);
    int64_t secs = days * 86400 + t.hour * 3600 + t.min * 60 + t.sec - t.zone_s;
    *out_us = secs * JM_US_PER_SEC + t.frac_us;
    return JM_OK;
}
