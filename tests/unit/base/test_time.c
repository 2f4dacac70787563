/*
 * Tests for base/time.c. Expected values were computed independently (Python's datetime), not
 * by the code under test. The sweeps compare jm_time_civil with a calendar the test counts by
 * hand, and check format -> parse round trips.
 *
 * SPDX-License-Identifier: MIT
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "journeymap/base.h"

#define SEC INT64_C(1000000)
#define DAY (INT64_C(86400) * SEC)

static int64_t parse_ok(const char *s, const char *format)
{
    struct jm_error err = {0};
    int64_t us = 0;
    jm_status rc = jm_time_parse(s, strlen(s), format, &us, &err);
    if (rc)
        fail_msg("'%s' with format '%s': %s", s, format ? format : "(auto)", err.msg);
    return us;
}

static void parse_fails(const char *s, const char *format, const char *msg)
{
    struct jm_error err = {0};
    int64_t us = 777;
    assert_int_equal(jm_time_parse(s, strlen(s), format, &us, &err), JM_EPARSE);
    assert_int_equal(err.code, JM_EPARSE);
    assert_int_equal(us, 777); /* untouched on failure */
    if (msg)
        assert_string_equal(err.msg, msg);
}

#define ISO_HINT    "expected an ISO-8601 date such as 2024-03-05 or 2024-03-05T14:30:00Z, got "
#define ISO_FAIL(s) parse_fails((s), NULL, ISO_HINT "'" s "' (set a date format for others)")

/* ---------------------------------------------------------------- auto mode */

static void parse_accepts_a_plain_date_as_midnight_utc(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2024-03-05", NULL), INT64_C(1709596800000000));
    assert_int_equal(parse_ok("2024-03-05", "auto"), INT64_C(1709596800000000));
    assert_int_equal(parse_ok("2024-03-05", "iso"), INT64_C(1709596800000000));
    assert_int_equal(parse_ok("2024-03-05", ""), INT64_C(1709596800000000));
    assert_int_equal(parse_ok("1970-01-01", NULL), 0);
}

static void parse_accepts_t_or_space_with_optional_seconds(void **state)
{
    (void)state;
    int64_t t1430 = INT64_C(1709649000000000);
    assert_int_equal(parse_ok("2024-03-05T14:30", NULL), t1430);
    assert_int_equal(parse_ok("2024-03-05t14:30", NULL), t1430);
    assert_int_equal(parse_ok("2024-03-05 14:30", NULL), t1430);
    assert_int_equal(parse_ok("2024-03-05T14:30:00", NULL), t1430);
    assert_int_equal(parse_ok("2024-03-05 14:30:15", NULL), t1430 + 15 * SEC);
    assert_int_equal(parse_ok("2024-03-05T00:00:00", NULL), INT64_C(1709596800000000));
    assert_int_equal(parse_ok("2024-03-05T23:59:59", NULL), INT64_C(1709683199000000));
}

static void parse_truncates_fractions_to_microseconds(void **state)
{
    (void)state;
    int64_t base = INT64_C(1709649015000000);
    assert_int_equal(parse_ok("2024-03-05T14:30:15.1", NULL), base + 100000);
    assert_int_equal(parse_ok("2024-03-05T14:30:15.12", NULL), base + 120000);
    assert_int_equal(parse_ok("2024-03-05T14:30:15.123", NULL), base + 123000);
    assert_int_equal(parse_ok("2024-03-05T14:30:15.1234", NULL), base + 123400);
    assert_int_equal(parse_ok("2024-03-05T14:30:15.12345", NULL), base + 123450);
    assert_int_equal(parse_ok("2024-03-05T14:30:15.123456", NULL), base + 123456);
    assert_int_equal(parse_ok("2024-03-05T14:30:15.1234567", NULL), base + 123456);
    assert_int_equal(parse_ok("2024-03-05T14:30:15.12345678", NULL), base + 123456);
    assert_int_equal(parse_ok("2024-03-05T14:30:15.999999999", NULL), base + 999999);
    assert_int_equal(parse_ok("2024-03-05T14:30:15,5", NULL), base + 500000);
    assert_int_equal(parse_ok("2024-03-05T14:30:15.000001Z", NULL), base + 1);
    assert_int_equal(parse_ok("2024-03-05T14:30:15.5+07:00", NULL), base + 500000 - 7 * 3600 * SEC);
}

static void parse_applies_zone_offsets(void **state)
{
    (void)state;
    int64_t utc1430 = INT64_C(1709649000000000);
    assert_int_equal(parse_ok("2024-03-05T14:30Z", NULL), utc1430);
    assert_int_equal(parse_ok("2024-03-05T14:30:00z", NULL), utc1430);
    assert_int_equal(parse_ok("2024-03-05T14:30:00+00:00", NULL), utc1430);
    assert_int_equal(parse_ok("2024-03-05T14:30:00-00:00", NULL), utc1430);
    /* 14:30 in Hanoi (+07) is 07:30 UTC. */
    assert_int_equal(parse_ok("2024-03-05T14:30:00+07:00", NULL), INT64_C(1709623800000000));
    assert_int_equal(parse_ok("2024-03-05T14:30:00+0700", NULL), INT64_C(1709623800000000));
    assert_int_equal(parse_ok("2024-03-05T14:30:00+07", NULL), INT64_C(1709623800000000));
    assert_int_equal(parse_ok("2024-03-05T14:30+07", NULL), INT64_C(1709623800000000));
    assert_int_equal(parse_ok("2024-03-05 14:30 +07:00", NULL), INT64_C(1709623800000000));
    /* 23:30 at -05:30 is 05:00 UTC the next day. */
    assert_int_equal(parse_ok("2024-03-05T23:30:00-05:30", NULL), INT64_C(1709701200000000));
    /* A zone can move the date across a year boundary. */
    assert_int_equal(parse_ok("2024-01-01T00:30+01:00", NULL), INT64_C(1704065400000000));
}

static void parse_accepts_leap_days_only_in_leap_years(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2000-02-29", NULL), INT64_C(951782400000000));
    assert_int_equal(parse_ok("2024-02-29", NULL), INT64_C(1709164800000000));
    assert_int_equal(parse_ok("1600-02-29", NULL), INT64_C(-11670998400) * SEC);
    parse_fails("1900-02-29", NULL, "invalid date or time '1900-02-29': 1900-02 has no day 29");
    parse_fails("2100-02-29", NULL, "invalid date or time '2100-02-29': 2100-02 has no day 29");
    parse_fails("2023-02-29", NULL, "invalid date or time '2023-02-29': 2023-02 has no day 29");
    parse_fails("2024-02-30", NULL, "invalid date or time '2024-02-30': 2024-02 has no day 30");
}

static void parse_handles_dates_before_1970(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("1969-12-31T23:59:59Z", NULL), -SEC);
    assert_int_equal(parse_ok("1969-12-31T23:59:59.5Z", NULL), -SEC / 2);
    assert_int_equal(parse_ok("1900-01-01", NULL), INT64_C(-2208988800000000));
    assert_int_equal(parse_ok("0001-01-01", NULL), INT64_C(-62135596800000000));
    assert_int_equal(parse_ok("9999-12-31T23:59:59.999999Z", NULL), INT64_C(253402300799999999));
}

static void parse_folds_a_leap_second_into_the_next(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2016-12-31T23:59:60Z", NULL), parse_ok("2017-01-01", NULL));
    parse_fails("2016-12-31T23:59:61Z", NULL,
                "invalid date or time '2016-12-31T23:59:61Z': second 61 is out of range");
}

static void parse_refuses_to_guess_day_and_month(void **state)
{
    (void)state;
    ISO_FAIL("02/01/2024");
    ISO_FAIL("2/1/2024");
    ISO_FAIL("05.03.2024");
    ISO_FAIL("03-05-2024");
    ISO_FAIL("Mar 5, 2024");
}

static void parse_rejects_impossible_dates_and_times(void **state)
{
    (void)state;
    parse_fails("2024-13-01", NULL, "invalid date or time '2024-13-01': there is no month 13");
    parse_fails("2024-00-10", NULL, "invalid date or time '2024-00-10': there is no month 0");
    parse_fails("2024-04-31", NULL, "invalid date or time '2024-04-31': 2024-04 has no day 31");
    parse_fails("2024-04-00", NULL, "invalid date or time '2024-04-00': 2024-04 has no day 0");
    parse_fails("2024-03-05T24:00", NULL,
                "invalid date or time '2024-03-05T24:00': hour 24 is out of range");
    parse_fails("2024-03-05T12:60", NULL,
                "invalid date or time '2024-03-05T12:60': minute 60 is out of range");
}

static void parse_rejects_malformed_input(void **state)
{
    (void)state;
    ISO_FAIL("");
    ISO_FAIL("2024");
    ISO_FAIL("2024-03");
    ISO_FAIL("2024-3-5");
    ISO_FAIL("24-03-05");
    ISO_FAIL("20240305");
    ISO_FAIL("2024-03-05T");
    ISO_FAIL("2024-03-05T14");
    ISO_FAIL("2024-03-05T1430");
    ISO_FAIL("2024-03-05T14:3");
    ISO_FAIL("2024-03-05T14:30:1");
    ISO_FAIL("2024-03-05T14:30.5");
    ISO_FAIL("2024-03-05T14:30:15.");
    ISO_FAIL("2024-03-05T14:30:15.1234567890");
    ISO_FAIL(" 2024-03-05");
    ISO_FAIL("2024-03-05 ");
    ISO_FAIL("2024-03-05Z");
    ISO_FAIL("2024-03-05 +07:00");
    ISO_FAIL("2024-03-05T14:30:00Zjunk");
    ISO_FAIL("2024-03-05T14:30:00 junk");
    ISO_FAIL("2024-03-05T14:30:00+7");
    ISO_FAIL("2024-03-05T14:30:00+07:");
    ISO_FAIL("2024-03-05T14:30:00+07:0");
    ISO_FAIL("2024-03-05T14:30:00+070");
    ISO_FAIL("2024-03-05T14:30:00+24:00");
    ISO_FAIL("2024-03-05T14:30:00+07:60");
    ISO_FAIL("2024-03-05T14:30:00+07:00:00");
    ISO_FAIL("2024-03-05T14:30:00UTC");
    ISO_FAIL("２０２４-03-05");
}

static void parse_quotes_at_most_64_bytes_of_whole_characters(void **state)
{
    (void)state;
    char in[200];
    memset(in, 'x', sizeof(in));
    memcpy(in + 62, "ậ", 3); /* straddles the 64-byte cut */
    struct jm_error err;
    int64_t us;
    assert_int_equal(jm_time_parse(in, sizeof(in), NULL, &us, &err), JM_EPARSE);
    assert_true(jm_utf8_valid(err.msg, strlen(err.msg), NULL));
    char want[300];
    snprintf(want, sizeof(want), ISO_HINT "'%.62s' (set a date format for others)", in);
    assert_string_equal(err.msg, want);
    assert_int_equal(jm_time_parse(NULL, 0, NULL, &us, NULL), JM_EPARSE);
}

/* ---------------------------------------------------------------- unix */

static void parse_unix_seconds_and_milliseconds(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("1709596800", "unix"), INT64_C(1709596800000000));
    assert_int_equal(parse_ok("0", "unix"), 0);
    assert_int_equal(parse_ok("-86400", "unix"), -DAY);
    assert_int_equal(parse_ok("-1", "unix"), -SEC);
    assert_int_equal(parse_ok("1709596800123", "unix_ms"), INT64_C(1709596800123000));
    assert_int_equal(parse_ok("-1", "unix_ms"), -1000);
    assert_int_equal(parse_ok("-86400001", "unix_ms"), -DAY - 1000);
    assert_int_equal(parse_ok("9223372036854", "unix"), INT64_C(9223372036854000000));
    assert_int_equal(parse_ok("-9223372036854775", "unix_ms"), INT64_C(-9223372036854775000));
}

static void parse_unix_rejects_junk_and_overflow(void **state)
{
    (void)state;
    parse_fails("", "unix", "expected unix seconds, got ''");
    parse_fails("-", "unix", "expected unix seconds, got '-'");
    parse_fails("12a", "unix", "expected unix seconds, got '12a'");
    parse_fails("1.5", "unix", "expected unix seconds, got '1.5'");
    parse_fails("+5", "unix", "expected unix seconds, got '+5'");
    parse_fails(" 5", "unix", "expected unix seconds, got ' 5'");
    parse_fails("1e9", "unix_ms", "expected unix milliseconds, got '1e9'");
    parse_fails("2024-03-05", "unix", "expected unix seconds, got '2024-03-05'");
    /* 9223372036855 s is past INT64_MAX microseconds: refused, not wrapped. */
    parse_fails("9223372036855", "unix", "unix seconds '9223372036855' are out of range");
    parse_fails("-99999999999999", "unix", "unix seconds '-99999999999999' are out of range");
    parse_fails("9999999999999999999", "unix_ms",
                "unix milliseconds '9999999999999999999' are out of range");
    parse_fails("99999999999999999999", "unix_ms",
                "expected unix milliseconds, got '99999999999999999999'");
}

/* ---------------------------------------------------------------- patterns */

static void pattern_day_month_order_is_explicit(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("02/01/2024", "%d/%m/%Y"), INT64_C(1704153600000000));
    assert_int_equal(parse_ok("02/01/2024", "%m/%d/%Y"), INT64_C(1706745600000000));
    assert_int_equal(parse_ok("2/1/2024", "%d/%m/%Y"), INT64_C(1704153600000000));
    parse_fails("13/25/2024", "%m/%d/%Y",
                "invalid date or time '13/25/2024': there is no month 13");
    parse_fails("2024-03-05", "%d/%m/%Y", "'2024-03-05' does not match the date format '%d/%m/%Y'");
}

static void pattern_reads_month_names(void **state)
{
    (void)state;
    int64_t mar5 = INT64_C(1709596800000000);
    assert_int_equal(parse_ok("5 Mar 2024", "%d %b %Y"), mar5);
    assert_int_equal(parse_ok("05 march 2024", "%d %b %Y"), mar5);
    assert_int_equal(parse_ok("05 MARCH 2024", "%d %B %Y"), mar5);
    assert_int_equal(parse_ok("Mar. 5, 2024", "%b %d, %Y"), mar5);
    assert_int_equal(parse_ok("Mar  5 2024", "%b %e %Y"), mar5);
    assert_int_equal(parse_ok("2024-Sept-01", "%Y-%b-%d"), INT64_C(1725148800000000));
    assert_int_equal(parse_ok("2024-sep-01", "%Y-%b-%d"), INT64_C(1725148800000000));
    assert_int_equal(parse_ok("2024-May-01", "%Y-%b-%d"), INT64_C(1714521600000000));
    assert_int_equal(parse_ok("2024-december-31", "%Y-%b-%d"), INT64_C(1735603200000000));
    parse_fails("5 Mayday 2024", "%d %b %Y",
                "'5 Mayday 2024' does not match the date format "
                "'%d %b %Y'");
    parse_fails("5 Junk 2024", "%d %b %Y", NULL);
    parse_fails("5 Ma 2024", "%d %b %Y", NULL);
    parse_fails("5 Marc 2024", "%d %b %Y", NULL);
}

static void pattern_reads_a_12_hour_clock(void **state)
{
    (void)state;
    int64_t mar5 = INT64_C(1709596800000000);
    const char *f = "%m/%d/%Y %I:%M %p";
    assert_int_equal(parse_ok("03/05/2024 02:30 PM", f), mar5 + (14 * 60 + 30) * 60 * SEC);
    assert_int_equal(parse_ok("03/05/2024 2:30 pm", f), mar5 + (14 * 60 + 30) * 60 * SEC);
    assert_int_equal(parse_ok("03/05/2024 02:30 AM", f), mar5 + (2 * 60 + 30) * 60 * SEC);
    assert_int_equal(parse_ok("03/05/2024 12:05 AM", f), mar5 + 5 * 60 * SEC);
    assert_int_equal(parse_ok("03/05/2024 12:05 PM", f), mar5 + (12 * 60 + 5) * 60 * SEC);
    assert_int_equal(parse_ok("03/05/2024 11:59 pm", f), mar5 + (23 * 60 + 59) * 60 * SEC);
    parse_fails("03/05/2024 13:00 PM", f,
                "invalid date or time '03/05/2024 13:00 PM': hour 13 is not on a 12-hour clock");
    parse_fails("03/05/2024 00:30 AM", f,
                "invalid date or time '03/05/2024 00:30 AM': hour 0 is not on a 12-hour clock");
    parse_fails("03/05/2024 02:30 XM", f, NULL);
    parse_fails("03/05/2024 02:30", f, NULL);
}

static void pattern_two_digit_years_pivot_at_69(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("05.03.24", "%d.%m.%y"), INT64_C(1709596800000000));
    assert_int_equal(parse_ok("05.03.69", "%d.%m.%y"), INT64_C(-26092800000000));
    assert_int_equal(parse_ok("05.03.68", "%d.%m.%y"), INT64_C(3098131200000000));
    parse_fails("05.03.2024", "%d.%m.%y", NULL);
}

static void pattern_matches_literal_text(void **state)
{
    (void)state;
    int64_t mar5 = INT64_C(1709596800000000);
    assert_int_equal(parse_ok("Date: 2024-03-05", "Date: %Y-%m-%d"), mar5);
    assert_int_equal(parse_ok("20240305", "%Y%m%d"), mar5);
    assert_int_equal(parse_ok("2024% 03 05", "%Y%% %m %d"), mar5);
    assert_int_equal(parse_ok("2024   03 05", "%Y %m %d"), mar5); /* a space takes a run */
    assert_int_equal(parse_ok("14:30", "%H:%M"), (14 * 60 + 30) * 60 * SEC); /* 1970-01-01 */
    parse_fails("date: 2024-03-05", "Date: %Y-%m-%d", NULL);
    parse_fails("2024-03-05!", "%Y-%m-%d",
                "'2024-03-05!' does not match the date format "
                "'%Y-%m-%d'");
    parse_fails("202403-05", "%Y %m-%d", NULL);
}

static void pattern_reads_zones_and_fractions(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2024-03-05 14:30 -0500", "%Y-%m-%d %H:%M %z"),
                     INT64_C(1709667000000000));
    assert_int_equal(parse_ok("2024-03-05 14:30 Z", "%Y-%m-%d %H:%M %z"),
                     INT64_C(1709649000000000));
    assert_int_equal(parse_ok("2024-03-05 14:30 +07 (ICT)", "%Y-%m-%d %H:%M %z (ICT)"),
                     INT64_C(1709623800000000));
    assert_int_equal(parse_ok("05/03/2024 14:30:15.25", "%d/%m/%Y %H:%M:%S.%f"),
                     INT64_C(1709649015250000));
}

static void pattern_rejects_unsupported_directives(void **state)
{
    (void)state;
    parse_fails("2024-065", "%Y-%j",
                "date format '%Y-%j' has an unsupported directive '%j' (supported: %Y %y %m %d "
                "%e %H %I %M %S %f %z %b %p %%)");
    parse_fails("2024", "%Y%", "date format '%Y%' ends in a lone '%'");
}

/* ---------------------------------------------------------------- civil dates */

static void days_from_civil_matches_known_values(void **state)
{
    (void)state;
    assert_int_equal(jm_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(jm_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(jm_days_from_civil(2000, 1, 1), 10957);
    assert_int_equal(jm_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(jm_days_from_civil(2024, 2, 29), 19782);
    assert_int_equal(jm_days_from_civil(2024, 3, 5), 19787);
    assert_int_equal(jm_days_from_civil(1900, 1, 1), -25567);
    assert_int_equal(jm_days_from_civil(1900, 3, 1), -25508);
    assert_int_equal(jm_days_from_civil(1899, 12, 31), -25568);
    assert_int_equal(jm_days_from_civil(2100, 1, 1), 47482);
    assert_int_equal(jm_days_from_civil(1600, 1, 1), -135140);
    assert_int_equal(jm_days_from_civil(1, 1, 1), -719162);
    assert_int_equal(jm_days_from_civil(0, 3, 1), -719468);
    assert_int_equal(jm_days_from_civil(9999, 12, 31), 2932896);
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * Walks every day from 1900-01-01 to 2100-12-31 with a calendar counted by hand, and checks
 * days_from_civil, jm_time_civil, and that formatting (date and date-time) parses back.
 */
static void civil_and_format_round_trip_every_day_1900_to_2100(void **state)
{
    (void)state;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = 1900, m = 1, d = 1;
    int64_t day = -25567;
    for (; y <= 2100; day++) {
        assert_int_equal(jm_days_from_civil(y, (unsigned)m, (unsigned)d), day);
        int64_t tod = ((day * 7919) % 86400 + 86400) % 86400; /* a time of day that moves */
        int64_t us = day * DAY + tod * SEC;
        int cy, cm, cd, h, mi, s;
        jm_time_civil(us, &cy, &cm, &cd, &h, &mi, &s);
        assert_int_equal(cy, y);
        assert_int_equal(cm, m);
        assert_int_equal(cd, d);
        assert_int_equal(h * 3600 + mi * 60 + s, tod);
        char buf[32];
        jm_time_format(us, true, buf, sizeof(buf));
        assert_int_equal(parse_ok(buf, NULL), day * DAY);
        jm_time_format(us, false, buf, sizeof(buf));
        assert_int_equal(parse_ok(buf, NULL), us);
        if (++d > mdays[m - 1] + (m == 2 && leap(y)))
            d = 1, m++;
        if (m > 12)
            m = 1, y++;
    }
    assert_int_equal(day, jm_days_from_civil(2101, 1, 1));
}

static uint64_t rng_state = 0x853c49e6748fea9bULL;
static uint64_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return rng_state ^ (rng_state >> 29);
}

static void format_round_trips_random_microseconds(void **state)
{
    (void)state;
    int64_t lo = INT64_C(-62135596800000000); /* 0001-01-01 */
    int64_t hi = INT64_C(253402300799999999); /* 9999-12-31T23:59:59.999999 */
    for (int i = 0; i < 200000; i++) {
        int64_t us = lo + (int64_t)(rng() % (uint64_t)(hi - lo + 1));
        if (i % 4 == 0)
            us -= us % SEC; /* whole seconds take the short form */
        char buf[32];
        jm_time_format(us, false, buf, sizeof(buf));
        assert_int_equal(strlen(buf), us % SEC ? 27 : 20);
        assert_int_equal(parse_ok(buf, NULL), us);
    }
}

static void format_writes_iso_8601_utc(void **state)
{
    (void)state;
    char buf[32];
    jm_time_format(0, false, buf, sizeof(buf));
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    jm_time_format(INT64_C(1709649015123456), false, buf, sizeof(buf));
    assert_string_equal(buf, "2024-03-05T14:30:15.123456Z");
    jm_time_format(INT64_C(1709649015000001), false, buf, sizeof(buf));
    assert_string_equal(buf, "2024-03-05T14:30:15.000001Z");
    jm_time_format(INT64_C(1709649015123456), true, buf, sizeof(buf));
    assert_string_equal(buf, "2024-03-05");
    jm_time_format(-1, false, buf, sizeof(buf));
    assert_string_equal(buf, "1969-12-31T23:59:59.999999Z");
    jm_time_format(-SEC, false, buf, sizeof(buf));
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
    jm_time_format(INT64_C(-2208988800000000), true, buf, sizeof(buf));
    assert_string_equal(buf, "1900-01-01");
}

static void format_handles_the_extremes(void **state)
{
    (void)state;
    char buf[32];
    /* JM_TIME_NONE formatted by mistake must not overflow. */
    jm_time_format(JM_TIME_NONE, false, buf, sizeof(buf));
    assert_string_equal(buf, "-290308-12-21T19:59:05.224192Z");
    jm_time_format(INT64_MAX, false, buf, sizeof(buf));
    assert_string_equal(buf, "+294247-01-10T04:00:54.775807Z");
    jm_time_format(parse_ok("0000-01-01T00:30+01:00", NULL), false, buf, sizeof(buf));
    assert_string_equal(buf, "-0001-12-31T23:30:00Z");
    int y, mo, d, h, mi, s;
    jm_time_civil(JM_TIME_NONE, &y, &mo, &d, &h, &mi, &s);
    assert_int_equal(y, -290308);
    assert_int_equal(s, 5);
}

static void format_truncates_to_a_small_buffer(void **state)
{
    (void)state;
    char buf[8];
    jm_time_format(INT64_C(1709649015123456), false, buf, sizeof(buf));
    assert_string_equal(buf, "2024-03");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_accepts_a_plain_date_as_midnight_utc),
        cmocka_unit_test(parse_accepts_t_or_space_with_optional_seconds),
        cmocka_unit_test(parse_truncates_fractions_to_microseconds),
        cmocka_unit_test(parse_applies_zone_offsets),
        cmocka_unit_test(parse_accepts_leap_days_only_in_leap_years),
        cmocka_unit_test(parse_handles_dates_before_1970),
        cmocka_unit_test(parse_folds_a_leap_second_into_the_next),
        cmocka_unit_test(parse_refuses_to_guess_day_and_month),
        cmocka_unit_test(parse_rejects_impossible_dates_and_times),
        cmocka_unit_test(parse_rejects_malformed_input),
        cmocka_unit_test(parse_quotes_at_most_64_bytes_of_whole_characters),
        cmocka_unit_test(parse_unix_seconds_and_milliseconds),
        cmocka_unit_test(parse_unix_rejects_junk_and_overflow),
        cmocka_unit_test(pattern_day_month_order_is_explicit),
        cmocka_unit_test(pattern_reads_month_names),
        cmocka_unit_test(pattern_reads_a_12_hour_clock),
        cmocka_unit_test(pattern_two_digit_years_pivot_at_69),
        cmocka_unit_test(pattern_matches_literal_text),
        cmocka_unit_test(pattern_reads_zones_and_fractions),
        cmocka_unit_test(pattern_rejects_unsupported_directives),
        cmocka_unit_test(days_from_civil_matches_known_values),
        cmocka_unit_test(civil_and_format_round_trip_every_day_1900_to_2100),
        cmocka_unit_test(format_round_trips_random_microseconds),
        cmocka_unit_test(format_writes_iso_8601_utc),
        cmocka_unit_test(format_handles_the_extremes),
        cmocka_unit_test(format_truncates_to_a_small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
