/* test-timeutil.c: school times, weekday sets and civil dates as the CSV files write them. */
#include <check.h>
#include <errno.h>

#include "model/timeutil.h"

START_TEST(test_time_parse_accepts_24h_and_rejects_junk) {
        int minutes = -1;
        ck_assert_int_eq(time_parse("09:40", &minutes), 0);
        ck_assert_int_eq(minutes, 580);
        ck_assert_int_eq(time_parse("23:59", &minutes), 0);
        ck_assert_int_eq(minutes, 1439);
        ck_assert_int_eq(time_parse("24:00", &minutes), -EINVAL);
        ck_assert_int_eq(time_parse("9:40", &minutes), -EINVAL);
        ck_assert_int_eq(time_parse("09:60", &minutes), -EINVAL);
        ck_assert_int_eq(time_parse("09:4a", &minutes), -EINVAL);
        ck_assert_int_eq(minutes, 1439); /* untouched on failure */
        char buf[6];
        ck_assert_str_eq(time_format(580, buf), "09:40");
}
END_TEST

START_TEST(test_date_round_trip_and_weekday) {
        civil_date date;
        ck_assert_int_eq(date_parse("2026-09-14", &date), 0);
        ck_assert_int_eq(date_weekday(date), DAY_MON);
        char buf[11];
        ck_assert_str_eq(date_format(date + 4, buf), "2026-09-18");
        ck_assert_int_eq(date_week_start(date + 4), date);
        ck_assert_int_eq(date_parse("2024-02-29", &date), 0);
        ck_assert_int_eq(date_parse("2026-02-29", &date), -EINVAL);
        ck_assert_int_eq(date_parse("2026-13-01", &date), -EINVAL);
        ck_assert_int_eq(date_parse("2026/09/14", &date), -EINVAL);
        ck_assert_int_eq(date_parse("1970-01-01", &date), 0);
        /* The week of the last date accepted prints right; 9999-12-31 itself is refused (its
         * week printed "0000-01-03"). */
        char text[11];
        ck_assert_int_eq(date_parse("9998-11-26", &date), 0);
        ck_assert_str_eq(date_format(date_week_start(date) + 6 + 366, text), "9999-11-30");
        ck_assert_int_eq(date_parse("9998-11-27", &date), -EINVAL);
        ck_assert_int_eq(date_parse("9999-12-31", &date), -EINVAL);
        ck_assert_str_eq(date_format(date_from_ymd(10000, 1, 3), text), "9999-12-31");
        ck_assert_int_eq(date_parse("1970-01-01", &date), 0);
        ck_assert_int_eq(date, 0);
}
END_TEST

START_TEST(test_dayset_letters) {
        dayset days = 0;
        ck_assert_int_eq(dayset_parse("MWF", &days), 0);
        ck_assert_int_eq(days, (1 << DAY_MON) | (1 << DAY_WED) | (1 << DAY_FRI));
        ck_assert_int_eq(dayset_parse("RT", &days), 0);
        char buf[6];
        ck_assert_str_eq(dayset_format(days, buf), "TR");
        ck_assert_int_eq(dayset_count(days), 2);
        ck_assert_int_eq(dayset_parse("MM", &days), -EINVAL);
        ck_assert_int_eq(dayset_parse("MS", &days), -EINVAL);
        ck_assert_int_eq(dayset_parse("", &days), -EINVAL);
}
END_TEST

START_TEST(test_duration_units) {
        long long seconds = -1;
        ck_assert_int_eq(duration_parse("2h", &seconds), 0);
        ck_assert_int_eq(seconds, 7200);
        ck_assert_int_eq(duration_parse("1h30m", &seconds), 0);
        ck_assert_int_eq(seconds, 5400);
        ck_assert_int_eq(duration_parse("10min", &seconds), 0);
        ck_assert_int_eq(seconds, 600);
        ck_assert_int_eq(duration_parse("45", &seconds), 0);
        ck_assert_int_eq(seconds, 45);
        ck_assert_int_eq(duration_parse("3d", &seconds), 0);
        ck_assert_int_eq(seconds, 3 * 86400);
        ck_assert_int_eq(duration_parse("2x", &seconds), -EINVAL);
        ck_assert_int_eq(duration_parse("h", &seconds), -EINVAL);
        ck_assert_int_eq(duration_parse("99999999999d", &seconds), -EINVAL);
        ck_assert_int_eq(seconds, 3 * 86400);
}
END_TEST

Suite *suite_timeutil(void) {
        Suite *suite = suite_create("timeutil");
        TCase *tcase = tcase_create("parse");
        tcase_add_test(tcase, test_time_parse_accepts_24h_and_rejects_junk);
        tcase_add_test(tcase, test_date_round_trip_and_weekday);
        tcase_add_test(tcase, test_dayset_letters);
        tcase_add_test(tcase, test_duration_units);
        suite_add_tcase(suite, tcase);
        return suite;
}
