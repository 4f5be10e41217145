/* test-district.c: district calendars (.ics) read into closed days, early releases and blocked
 * times, the way a district IT person's export looks; and rejected with line numbers when broken. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ical/district.h"

static struct school_info info;

static void setup(void) {
        info = (struct school_info){ .name = "Maple Elementary", .timezone = "America/Chicago",
                                     .day_start = 8 * 60, .day_end = 15 * 60, .transition_minutes = 5 };
        ck_assert_int_eq(date_parse("2026-08-17", &info.term_start), 0);
        ck_assert_int_eq(date_parse("2027-05-28", &info.term_end), 0);
}

static civil_date day(const char *text) {
        civil_date date = 0;
        ck_assert_int_eq(date_parse(text, &date), 0);
        return date;
}

static struct ical_district *read_ok(const char *text, const struct ical_district_options *options) {
        struct ical_district *district = NULL;
        char *error = NULL;
        int r = ical_district_read(text, strlen(text), &info, options, &district, &error);
        ck_assert_msg(r == 0, "read failed (%d): %s", r, error ? error : "");
        return district;
}

/* The day of kind on date (blocked: the one starting at start), or NULL. */
static const struct calendar_day *find(const struct ical_district *d, const char *date, enum calendar_kind kind, int start) {
        for (size_t i = 0; i < d->n_days; i++)
                if (d->days[i].date == day(date) && d->days[i].kind == kind &&
                    (kind != CALENDAR_BLOCKED || start < 0 || d->days[i].start == start))
                        return &d->days[i];
        return NULL;
}

static bool reported(char **lines, size_t n, const char *a, const char *b) {
        for (size_t i = 0; i < n; i++)
                if (strstr(lines[i], a) && (!b || strstr(lines[i], b)))
                        return true;
        return false;
}

#define HEAD "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//District//EN\r\n"
#define TAIL "END:VCALENDAR\r\n"

static const char keywords_ics[] = HEAD
        "BEGIN:VEVENT\r\nUID:a@d\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Thanksgiving Break\r\n"
        "DTSTART;VALUE=DATE:20261125\r\nDTEND;VALUE=DATE:20261128\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b@d\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Picture Day\r\n"
        "DTSTART;VALUE=DATE:20260910\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:c@d\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Labor Day - NO SCHOOL\r\n"
        "DTSTART;VALUE=DATE:20260907\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:d@d\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Weekend Closed\r\n"
        "DTSTART;VALUE=DATE:20261003\r\nDTEND;VALUE=DATE:20261005\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:e@d\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Summer Break\r\n"
        "DTSTART;VALUE=DATE:20270601\r\nDTEND;VALUE=DATE:20270815\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:f@d\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Teacher Workday - Student\r\n"
        " Holiday\r\nDTSTART;VALUE=DATE:20270104\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:g@d\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:Winter Break\r\nSTATUS:CANCELLED\r\n"
        "DTSTART;VALUE=DATE:20261221\r\nEND:VEVENT\r\n" TAIL;

START_TEST(test_closed_keywords_and_multi_day) {
        struct ical_district *d = read_ok(keywords_ics, NULL);
        /* DTEND is exclusive: Wed 25, Thu 26, Fri 27 Nov. */
        ck_assert_ptr_nonnull(find(d, "2026-11-25", CALENDAR_CLOSED, -1));
        ck_assert_ptr_nonnull(find(d, "2026-11-27", CALENDAR_CLOSED, -1));
        ck_assert_ptr_null(find(d, "2026-11-28", CALENDAR_CLOSED, -1));
        ck_assert_str_eq(find(d, "2026-11-26", CALENDAR_CLOSED, -1)->label, "Thanksgiving Break");
        ck_assert_ptr_nonnull(find(d, "2026-09-07", CALENDAR_CLOSED, -1)); /* case-insensitive */
        ck_assert_ptr_nonnull(find(d, "2027-01-04", CALENDAR_CLOSED, -1)); /* folded summary */
        ck_assert_ptr_null(find(d, "2026-09-10", CALENDAR_CLOSED, -1));
        ck_assert_ptr_null(find(d, "2026-12-21", CALENDAR_CLOSED, -1));
        ck_assert_uint_eq(d->n_days, 3 + 1 + 1);
        for (size_t i = 1; i < d->n_days; i++)
                ck_assert_int_le(d->days[i - 1].date, d->days[i].date);
        ck_assert(reported(d->taken, d->n_taken, "line 4:", "closed 2026-11-25 .. 2026-11-27 (3 school days)"));
        ck_assert(reported(d->ignored, d->n_ignored, "Picture Day", "without a closed-day keyword"));
        ck_assert(reported(d->ignored, d->n_ignored, "Weekend Closed", "only on weekends"));
        ck_assert(reported(d->ignored, d->n_ignored, "Summer Break", "outside the term"));
        ck_assert(reported(d->ignored, d->n_ignored, "Winter Break", "cancelled"));
        ical_district_free(d);
}
END_TEST

START_TEST(test_configurable_keywords) {
        const char *const closed[] = { "asynchronous", NULL };
        struct ical_district_options options = { .closed_keywords = closed, .default_release = -1 };
        const char text[] = HEAD
                "BEGIN:VEVENT\nUID:a@d\nSUMMARY:Asynchronous Learning Day\nDTSTART;VALUE=DATE:20261009\nEND:VEVENT\n"
                "BEGIN:VEVENT\nUID:b@d\nSUMMARY:Columbus Day Holiday\nDTSTART;VALUE=DATE:20261012\nEND:VEVENT\n" TAIL;
        struct ical_district *d = read_ok(text, &options);
        ck_assert_uint_eq(d->n_days, 1);
        ck_assert_int_eq(d->days[0].date, day("2026-10-09"));
        ck_assert(reported(d->ignored, d->n_ignored, "Columbus Day Holiday", NULL));
        ical_district_free(d);
}
END_TEST

static const char recurring_ics[] = HEAD
        "BEGIN:VEVENT\nUID:pd@d\nSUMMARY:Staff PD - No School\nDTSTART;VALUE=DATE:20260904\n"
        "RRULE:FREQ=MONTHLY;BYDAY=1FR;COUNT=5\nEXDATE;VALUE=DATE:20261002\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:as@d\nSUMMARY:Assembly\nDTSTART;TZID=America/Chicago:20260902T090000\n"
        "DTEND;TZID=America/Chicago:20260902T094500\nRRULE:FREQ=WEEKLY;BYDAY=WE;UNTIL=20260930T235959Z\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:as@d\nSUMMARY:Assembly (gym)\nRECURRENCE-ID;TZID=America/Chicago:20260923T090000\n"
        "DTSTART;TZID=America/Chicago:20260923T100000\nDTEND;TZID=America/Chicago:20260923T104500\nEND:VEVENT\n" TAIL;

START_TEST(test_recurring_events_expand_over_the_term) {
        struct ical_district *d = read_ok(recurring_ics, NULL);
        /* First Fridays: Sep 4, (Oct 2 excluded), Nov 6, Dec 4, Jan 1. */
        ck_assert_ptr_nonnull(find(d, "2026-09-04", CALENDAR_CLOSED, -1));
        ck_assert_ptr_null(find(d, "2026-10-02", CALENDAR_CLOSED, -1));
        ck_assert_ptr_nonnull(find(d, "2026-11-06", CALENDAR_CLOSED, -1));
        ck_assert_ptr_nonnull(find(d, "2027-01-01", CALENDAR_CLOSED, -1));
        ck_assert_ptr_null(find(d, "2027-02-05", CALENDAR_CLOSED, -1)); /* COUNT=5 is spent */
        /* Wednesdays 09:00-09:45, but the override moves Sep 23 to 10:00-10:45. */
        const char *wednesdays[] = { "2026-09-02", "2026-09-09", "2026-09-16", "2026-09-30" };
        for (size_t i = 0; i < 4; i++) {
                const struct calendar_day *b = find(d, wednesdays[i], CALENDAR_BLOCKED, 9 * 60);
                ck_assert_ptr_nonnull(b);
                ck_assert_int_eq(b->end, 9 * 60 + 45);
        }
        ck_assert_ptr_null(find(d, "2026-09-23", CALENDAR_BLOCKED, 9 * 60));
        ck_assert_int_eq(find(d, "2026-09-23", CALENDAR_BLOCKED, 10 * 60)->end, 10 * 60 + 45);
        ck_assert_ptr_null(find(d, "2026-10-07", CALENDAR_BLOCKED, -1));
        ical_district_free(d);
}
END_TEST

static const char timed_ics[] = HEAD
        "BEGIN:VEVENT\nUID:t1@d\nSUMMARY:State testing\nDTSTART:20261014T140000Z\nDTEND:20261014T170000Z\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:t2@d\nSUMMARY:Board meeting\nDTSTART;TZID=America/Chicago:20261015T180000\n"
        "DTEND;TZID=America/Chicago:20261015T200000\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:t3@d\nSUMMARY:Early Dismissal\nDTSTART;TZID=America/Chicago:20261218T123000\n"
        "DTEND;TZID=America/Chicago:20261218T150000\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:t4@d\nSUMMARY:Early Release 1:15 PM\nDTSTART;VALUE=DATE:20270212\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:t5@d\nSUMMARY:Early Release Day\nDTSTART;VALUE=DATE:20270219\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:t6@d\nSUMMARY:Outdoor Ed overnight\nDTSTART:20261020T130000\nDTEND:20261021T110000\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:t7@d\nSUMMARY:Fire drill\nDTSTART;TZID=America/Chicago:20261109T093000\n"
        "DURATION:PT20M\nEND:VEVENT\n" TAIL;

START_TEST(test_timed_events_in_school_time) {
        struct ical_district *d = read_ok(timed_ics, NULL);
        /* 14:00Z is 09:00 in Chicago (CDT). */
        const struct calendar_day *testing = find(d, "2026-10-14", CALENDAR_BLOCKED, -1);
        ck_assert_ptr_nonnull(testing);
        ck_assert_int_eq(testing->start, 9 * 60);
        ck_assert_int_eq(testing->end, 12 * 60);
        ck_assert_str_eq(testing->label, "State testing");
        ck_assert_ptr_null(find(d, "2026-10-15", CALENDAR_BLOCKED, -1));
        ck_assert(reported(d->ignored, d->n_ignored, "Board meeting", "outside the school day"));
        ck_assert_int_eq(find(d, "2026-12-18", CALENDAR_EARLY_RELEASE, -1)->end, 12 * 60 + 30);
        ck_assert_int_eq(find(d, "2027-02-12", CALENDAR_EARLY_RELEASE, -1)->end, 13 * 60 + 15);
        ck_assert_ptr_null(find(d, "2027-02-19", CALENDAR_EARLY_RELEASE, -1));
        ck_assert(reported(d->ignored, d->n_ignored, "Early Release Day", "dismissal time"));
        /* A floating overnight event: school time, clipped to each school day. */
        ck_assert_int_eq(find(d, "2026-10-20", CALENDAR_BLOCKED, 13 * 60)->end, 15 * 60);
        ck_assert_int_eq(find(d, "2026-10-21", CALENDAR_BLOCKED, 8 * 60)->end, 11 * 60);
        ck_assert_int_eq(find(d, "2026-11-09", CALENDAR_BLOCKED, 9 * 60 + 30)->end, 9 * 60 + 50);
        ical_district_free(d);

        struct ical_district_options options = { .default_release = 12 * 60 };
        d = read_ok(timed_ics, &options);
        ck_assert_int_eq(find(d, "2027-02-19", CALENDAR_EARLY_RELEASE, -1)->end, 12 * 60);
        ical_district_free(d);
}
END_TEST

static int read_bad(const char *text, const struct ical_district_options *options, char **ret_error) {
        struct ical_district *d = (struct ical_district *)&info; /* must stay untouched */
        *ret_error = NULL;
        int r = ical_district_read(text, strlen(text), &info, options, &d, ret_error);
        ck_assert_ptr_eq(d, (struct ical_district *)&info);
        ck_assert_ptr_nonnull(*ret_error);
        return r;
}

START_TEST(test_unparseable_input_names_the_line) {
        char *error;
        ck_assert_int_eq(read_bad("hello, world\n", NULL, &error), -EINVAL);
        ck_assert_ptr_nonnull(strstr(error, "line 1:"));
        free(error);

        ck_assert_int_eq(read_bad(HEAD "BEGIN:VEVENT\nUID:x\nDTSTART;VALUE=DATE:20261012\nSUMMARY:Holiday\n" TAIL, NULL, &error),
                         -EINVAL);
        ck_assert_ptr_nonnull(strstr(error, "line 8: END:VCALENDAR does not close BEGIN:VEVENT of line 4"));
        free(error);

        ck_assert_int_eq(read_bad(HEAD "BEGIN:VEVENT\nUID:x\nDTSTART20261012\nEND:VEVENT\n" TAIL, NULL, &error), -EINVAL);
        ck_assert_ptr_nonnull(strstr(error, "line 6: not an iCalendar content line"));
        free(error);

        ck_assert_int_eq(read_bad(HEAD "BEGIN:VEVENT\nUID:x\nSUMMARY:Holiday\nDTSTART:2026XX12\nEND:VEVENT\n" TAIL, NULL, &error),
                         -EINVAL);
        ck_assert_ptr_nonnull(strstr(error, "line 4: Holiday:"));
        free(error);

        ck_assert_int_eq(read_bad(HEAD "BEGIN:VEVENT\nUID:x\nSUMMARY:Holiday\nEND:VEVENT\n" TAIL, NULL, &error), -EINVAL);
        ck_assert_ptr_nonnull(strstr(error, "line 4: Holiday: no valid DTSTART"));
        free(error);

        struct ical_district_options small = { .max_bytes = 64 };
        ck_assert_int_eq(read_bad(keywords_ics, &small, &error), -EFBIG);
        free(error);
        struct ical_district_options few = { .max_events = 2 };
        ck_assert_int_eq(read_bad(keywords_ics, &few, &error), -E2BIG);
        ck_assert_ptr_nonnull(strstr(error, "more than 2 events"));
        free(error);

        struct school_info mars = info;
        mars.timezone = "Mars/Olympus_Mons";
        struct ical_district *d = NULL;
        ck_assert_int_eq(ical_district_read(keywords_ics, strlen(keywords_ics), &mars, NULL, &d, NULL), -ENOENT);
        ck_assert_ptr_null(d);
}
END_TEST

/* Labels follow the rule of CSV cells: no control characters, at most 4096 bytes (a 3 MB
 * SUMMARY was stored as a label). */
START_TEST(test_summaries_are_checked_like_cells) {
        char *error = NULL;
        ck_assert_int_eq(read_bad(HEAD "BEGIN:VEVENT\nUID:x\nSUMMARY:Holiday\x1b[2J\nDTSTART;VALUE=DATE:20261012\n"
                                       "END:VEVENT\n" TAIL,
                                  NULL, &error),
                         -EINVAL);
        ck_assert_msg(strstr(error, "line 4: SUMMARY holds control character U+001B"), "%s", error);
        free(error);
        size_t big = 3 << 20;
        char *text = malloc(big + 256);
        int n = snprintf(text, 256, HEAD "BEGIN:VEVENT\r\nUID:x\r\nDTSTART;VALUE=DATE:20261012\r\nSUMMARY:Holiday ");
        memset(text + n, 'a', big);
        strcpy(text + n + big, "\r\nEND:VEVENT\r\n" TAIL);
        ck_assert_int_eq(read_bad(text, NULL, &error), -EINVAL);
        ck_assert_msg(strstr(error, "line 7: SUMMARY is 3145736 bytes long, more than the limit of 4096"), "%s", error);
        free(error);
        free(text);
}
END_TEST

/* Reads text and fails unless it is refused within a second as over the work budget, with the
 * event's line; returns the error. */
static char *refused_quickly(const char *text, size_t size) {
        struct ical_district *d = NULL;
        char *error = NULL;
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        int r = ical_district_read(text, size, &info, NULL, &d, &error);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double seconds = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        ck_assert_msg(seconds < 1.0, "took %.1f s", seconds);
        ck_assert_int_eq(r, -E2BIG);
        ck_assert_ptr_null(d);
        ck_assert_ptr_nonnull(error);
        ck_assert_msg(strstr(error, "line 4: ") && strstr(error, "budget"), "%s", error);
        return error;
}

START_TEST(test_runaway_recurrence_is_bounded) {
        const char text[] = HEAD "BEGIN:VEVENT\nUID:x\nSUMMARY:Bell\nDTSTART:19000101T080000\n"
                                 "RRULE:FREQ=MINUTELY\nEND:VEVENT\n" TAIL;
        free(refused_quickly(text, strlen(text)));
}
END_TEST

/* The repro: a minute-by-minute rule and 1,000 EXDATEs froze the reader for 91 s. */
START_TEST(test_minutely_rule_with_exdates_is_refused) {
        size_t size = 64 << 10, n = 0;
        char *text = malloc(size);
        n += (size_t)snprintf(text + n, size - n, "%s",
                              HEAD "BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Assembly\r\nDTSTART;TZID=America/Chicago:20260915T090000\r\n"
                                   "DURATION:PT1M\r\nRRULE:FREQ=MINUTELY\r\n");
        for (int i = 0; i < 1000; i++)
                n += (size_t)snprintf(text + n, size - n, "EXDATE;TZID=America/Chicago:20270101T%02d%02d00\r\n",
                                      i / 60 % 24, i % 60);
        n += (size_t)snprintf(text + n, size - n, "END:VEVENT\r\n" TAIL);
        char *error = refused_quickly(text, n);
        ck_assert_msg(strstr(error, "Assembly: RRULE:FREQ=MINUTELY"), "%s", error);
        free(error);
        free(text);
}
END_TEST

/* Rules that filter (almost) every candidate out cost what libical steps through, not what they
 * produce: these took from 6 s to minutes. */
START_TEST(test_by_rules_are_charged_their_work) {
        static const char *const rules[] = {
                "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",
                "FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30;COUNT=3",
                "FREQ=SECONDLY;BYHOUR=3;BYMINUTE=1,2,3,4,5,6,7,8,9,10;BYSECOND=1,2,3,4,5",
                "FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY=1,2,3,4,5,6,7,8,9,10,11,12,13,14;"
                "BYHOUR=1,2,3,4,5,6,7,8,9,10,11,12;BYMINUTE=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15;BYSECOND=1,2,3,4,5,6,7,8",
        };
        for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
                char text[1024];
                int n = snprintf(text, sizeof text,
                                 HEAD "BEGIN:VEVENT\r\nUID:b\r\nSUMMARY:Bell\r\nDTSTART;TZID=America/Chicago:20260915T090000\r\n"
                                      "DURATION:PT1M\r\nRRULE:%s\r\nEND:VEVENT\r\n" TAIL,
                                 rules[i]);
                free(refused_quickly(text, (size_t)n));
        }
}
END_TEST

/* A school year's rules are far inside the budget, EXDATEs and overrides still apply. */
START_TEST(test_ordinary_rules_fit_the_budget) {
        const char text[] = HEAD "BEGIN:VEVENT\r\nUID:w\r\nSUMMARY:Staff meeting\r\n"
                                 "DTSTART;TZID=America/Chicago:20150105T140000\r\nDTEND;TZID=America/Chicago:20150105T150000\r\n"
                                 "RRULE:FREQ=WEEKLY;BYDAY=MO,WE\r\nEXDATE;TZID=America/Chicago:20260914T140000\r\n"
                                 "END:VEVENT\r\n"
                                 "BEGIN:VEVENT\r\nUID:w\r\nSUMMARY:Staff meeting\r\nRECURRENCE-ID;TZID=America/Chicago:20260916T140000\r\n"
                                 "DTSTART;TZID=America/Chicago:20260916T080000\r\nDTEND;TZID=America/Chicago:20260916T090000\r\n"
                                 "END:VEVENT\r\n" TAIL;
        struct ical_district *d = read_ok(text, NULL);
        ck_assert_ptr_null(find(d, "2026-09-14", CALENDAR_BLOCKED, 14 * 60));
        ck_assert_ptr_null(find(d, "2026-09-16", CALENDAR_BLOCKED, 14 * 60));
        ck_assert_ptr_nonnull(find(d, "2026-09-16", CALENDAR_BLOCKED, 8 * 60));
        ck_assert_ptr_nonnull(find(d, "2026-09-21", CALENDAR_BLOCKED, 14 * 60));
        ck_assert_ptr_nonnull(find(d, "2027-05-26", CALENDAR_BLOCKED, 14 * 60));
        ical_district_free(d);
}
END_TEST

Suite *suite_district(void) {
        Suite *suite = suite_create("district");
        TCase *read = tcase_create("read");
        tcase_add_checked_fixture(read, setup, NULL);
        tcase_add_test(read, test_closed_keywords_and_multi_day);
        tcase_add_test(read, test_configurable_keywords);
        tcase_add_test(read, test_recurring_events_expand_over_the_term);
        tcase_add_test(read, test_timed_events_in_school_time);
        suite_add_tcase(suite, read);
        TCase *bad = tcase_create("unparseable");
        tcase_add_checked_fixture(bad, setup, NULL);
        tcase_add_test(bad, test_unparseable_input_names_the_line);
        tcase_add_test(bad, test_runaway_recurrence_is_bounded);
        tcase_add_test(bad, test_summaries_are_checked_like_cells);
        tcase_add_test(bad, test_minutely_rule_with_exdates_is_refused);
        tcase_add_test(bad, test_by_rules_are_charged_their_work);
        tcase_add_test(read, test_ordinary_rules_fit_the_budget);
        suite_add_tcase(suite, bad);
        return suite;
}
