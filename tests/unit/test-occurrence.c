/* test-occurrence.c: the weekly schedule expanded into dated sessions over the term, with
 * closed days, early releases, blocked times, weekends and the term's bounds. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/occurrence.h"
#include "school-fixture.h"

static civil_date day(const char *text) {
        civil_date date = 0;
        ck_assert_int_eq(date_parse(text, &date), 0);
        return date;
}

/* The occurrence of group g on date, or NULL. */
static const struct occurrence *find(const struct occurrence *list, size_t n, int g, const char *date) {
        civil_date wanted = day(date);
        for (size_t i = 0; i < n; i++)
                if (list[i].group == g && list[i].date == wanted)
                        return &list[i];
        return NULL;
}

static struct schedule *schedule;
static struct occurrence *all;
static size_t n_all;

static void setup(void) {
        schedule = fixture_schedule();
        ck_assert_int_eq(occurrence_expand(schedule, day("2026-01-01"), day("2027-12-31"), &all, &n_all), 0);
}

static void teardown(void) {
        free(all);
        all = NULL;
        schedule = schedule_free(schedule);
}

START_TEST(test_every_meeting_of_every_term_week) {
        /* 10 weeks; G1 meets 5 times a week, G2 3 times. */
        ck_assert_uint_eq(n_all, 10 * 5 + 10 * 3);
        ck_assert_int_eq(all[0].date, day("2026-09-14"));
        ck_assert_int_eq(all[n_all - 1].date, day("2026-11-20"));
        for (size_t i = 1; i < n_all; i++) {
                ck_assert(all[i - 1].date < all[i].date ||
                          (all[i - 1].date == all[i].date && all[i - 1].start <= all[i].start));
        }
}
END_TEST

START_TEST(test_weekends_never_meet) {
        for (size_t i = 0; i < n_all; i++)
                ck_assert_int_lt(date_weekday(all[i].date), DAY_COUNT);
        /* A closed Saturday removes nothing: the Friday before and Monday after are held. */
        ck_assert(occurrence_is_held(find(all, n_all, 0, "2026-10-02")));
        ck_assert(occurrence_is_held(find(all, n_all, 0, "2026-10-05")));
}
END_TEST

START_TEST(test_closed_day_removes_every_meeting) {
        const struct occurrence *g1 = find(all, n_all, 0, "2026-10-12");
        const struct occurrence *g2 = find(all, n_all, 1, "2026-10-12");
        ck_assert_ptr_nonnull(g1);
        ck_assert_ptr_nonnull(g2);
        ck_assert_int_eq(g1->state, OCCURRENCE_CLOSED);
        ck_assert_int_eq(g2->state, OCCURRENCE_CLOSED);
        ck_assert_str_eq(g1->removed_by, "Fall Holiday");
        ck_assert_int_ge(g1->calendar, 0);
}
END_TEST

START_TEST(test_early_release_removes_only_later_meetings) {
        const struct occurrence *g1 = find(all, n_all, 0, "2026-10-23"); /* 13:00, after 12:00 */
        const struct occurrence *g2 = find(all, n_all, 1, "2026-10-23"); /* 10:15-10:55 */
        ck_assert_int_eq(g1->state, OCCURRENCE_EARLY_RELEASE);
        ck_assert_str_eq(g1->removed_by, "early_release"); /* no label: the kind's name */
        ck_assert_int_eq(g2->state, OCCURRENCE_SCHEDULED);
        ck_assert_ptr_null(g2->removed_by);
        ck_assert_int_eq(g2->calendar, -1);
}
END_TEST

START_TEST(test_blocked_removes_overlapping_meetings_only) {
        /* Assembly 09:30-10:20 overlaps G1 09:40-10:10 and G2 10:15-10:55. */
        ck_assert_int_eq(find(all, n_all, 0, "2026-10-28")->state, OCCURRENCE_BLOCKED);
        ck_assert_int_eq(find(all, n_all, 1, "2026-10-28")->state, OCCURRENCE_BLOCKED);
        ck_assert_str_eq(find(all, n_all, 1, "2026-10-28")->removed_by, "Assembly");
        /* Fire drill 09:00-09:40 ends as G1 starts: no overlap. */
        ck_assert_int_eq(find(all, n_all, 0, "2026-10-29")->state, OCCURRENCE_SCHEDULED);
}
END_TEST

START_TEST(test_closed_beats_blocked_on_one_day) {
        const struct occurrence *g2 = find(all, n_all, 1, "2026-11-11");
        ck_assert_int_eq(g2->state, OCCURRENCE_CLOSED);
        ck_assert_str_eq(g2->removed_by, "Veterans Day");
}
END_TEST

START_TEST(test_range_is_clipped_to_the_term) {
        struct occurrence *list = NULL;
        size_t n = 99;
        ck_assert_int_eq(occurrence_expand(schedule, day("2026-09-01"), day("2026-09-20"), &list, &n), 0);
        ck_assert_uint_eq(n, 5 + 3); /* only the first term week */
        ck_assert_int_eq(list[0].date, day("2026-09-14"));
        free(list);

        ck_assert_int_eq(occurrence_expand(schedule, day("2026-11-21"), day("2026-12-31"), &list, &n), 0);
        ck_assert_uint_eq(n, 0);
        ck_assert_ptr_null(list);

        ck_assert_int_eq(occurrence_expand_group(schedule, 1, day("2026-09-14"), day("2026-09-18"), &list, &n), 0);
        ck_assert_uint_eq(n, 3);
        for (size_t i = 0; i < n; i++)
                ck_assert_int_eq(list[i].group, 1);
        free(list);
        ck_assert_int_eq(occurrence_expand_group(schedule, 2, day("2026-09-14"), day("2026-09-18"), &list, &n), -EINVAL);
}
END_TEST

START_TEST(test_session_id_round_trip) {
        char buf[OCCURRENCE_SESSION_ID_MAX];
        ck_assert_str_eq(occurrence_session_id("G3", day("2026-09-14"), 9 * 60 + 40, buf), "G3-20260914-0940");
        char group[GROUP_ID_MAX] = "";
        civil_date date = 0;
        int start = -1;
        ck_assert_int_eq(occurrence_session_id_parse("G-1-20260914-0940", group, &date, &start), 0);
        ck_assert_str_eq(group, "G-1");
        ck_assert_int_eq(date, day("2026-09-14"));
        ck_assert_int_eq(start, 580);
        ck_assert_int_eq(occurrence_session_id_parse("G1-20260231-0940", group, &date, &start), -EINVAL);
        ck_assert_int_eq(occurrence_session_id_parse("G1-20260914-2460", group, &date, &start), -EINVAL);
        ck_assert_int_eq(occurrence_session_id_parse("-20260914-0940", group, &date, &start), -EINVAL);
        ck_assert_int_eq(occurrence_session_id_parse("G1_20260914_0940", group, &date, &start), -EINVAL);
        ck_assert_int_eq(occurrence_session_id_parse("G1234567890123456-20260914-0940", group, &date, &start), -EINVAL);
        ck_assert_str_eq(group, "G-1"); /* untouched on failure */
}
END_TEST

Suite *suite_occurrence(void) {
        Suite *suite = suite_create("occurrence");
        TCase *calendar = tcase_create("calendar");
        tcase_add_checked_fixture(calendar, setup, teardown);
        tcase_add_test(calendar, test_every_meeting_of_every_term_week);
        tcase_add_test(calendar, test_weekends_never_meet);
        tcase_add_test(calendar, test_closed_day_removes_every_meeting);
        tcase_add_test(calendar, test_early_release_removes_only_later_meetings);
        tcase_add_test(calendar, test_blocked_removes_overlapping_meetings_only);
        tcase_add_test(calendar, test_closed_beats_blocked_on_one_day);
        tcase_add_test(calendar, test_range_is_clipped_to_the_term);
        suite_add_tcase(suite, calendar);
        TCase *ids = tcase_create("session_id");
        tcase_add_test(ids, test_session_id_round_trip);
        suite_add_tcase(suite, ids);
        return suite;
}
