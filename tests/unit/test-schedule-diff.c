/* test-schedule-diff.c: the diff between two versions of a small school built by hand, where
 * every expected count can be read off the test. */
#include <check.h>
#include <string.h>

#include "model/schedule-diff.h"
#include "tests/unit/solver-school.h"

static struct school *school;
static int kids[4], program, staff_a, staff_b;

static void setup(void) {
        school = ts_school("08:00", "14:00", 5);
        int t1 = ts_teacher(school, "T1", 2), t2 = ts_teacher(school, "T2", 2);
        program = ts_program(school, "LLI", AREA_READING, 3, 30, 2, 1);
        staff_a = ts_staff(school, "SA", ROLE_INTERVENTIONIST, 0, NULL);
        staff_b = ts_staff(school, "SB", ROLE_INTERVENTIONIST, 0, NULL);
        const char *ids[4] = { "101", "102", "201", "202" };
        for (int i = 0; i < 4; i++)
                ts_need(school, kids[i] = ts_student(school, ids[i], ids[i], 2, i < 2 ? t1 : t2), program, -1, 0);
}

static void teardown(void) {
        school_unref(school);
}

static void add(struct schedule *s, const char *id, int staff, const int *needs, size_t n, int day0, int start) {
        struct group g = { .program = program, .staff = staff, .needs = (int *)needs, .n_needs = n, .n_meetings = 2 };
        strcpy(g.id, id);
        g.meetings[0] = (struct meeting){ day0, start, start + 30 };
        g.meetings[1] = (struct meeting){ day0 + 2, start, start + 30 };
        ck_assert_int_eq(schedule_add_group(s, &g), 0);
}

START_TEST(test_identical_versions_change_nothing) {
        struct schedule *a = schedule_new(school);
        int g1[] = { 0, 1 };
        add(a, "G1", staff_a, g1, 2, 0, 600);
        struct schedule *b = schedule_copy(a);
        struct schedule_diff d;
        ck_assert_int_eq(schedule_diff(a, b, &d), 0);
        ck_assert_uint_eq(d.placed_from, 2);
        ck_assert_uint_eq(d.placed_to, 2);
        ck_assert_uint_eq(d.n_losing + d.n_gaining + d.groups_changed + d.meetings_changed + d.n_teachers_affected, 0);
        ck_assert_uint_eq(d.n_loads, 1);
        ck_assert_int_eq(d.loads[0].minutes_from, 60);
        ck_assert_int_eq(d.loads[0].minutes_to, 60);
        schedule_diff_done(&d);
        schedule_free(a);
        schedule_free(b);
}
END_TEST

/* G1 (101, 102) moves Monday's meeting and loses 102; G2 (201, 202) is new with SB. */
START_TEST(test_losers_gainers_moves_teachers_loads) {
        struct schedule *a = schedule_new(school), *b = schedule_new(school);
        int before[] = { 0, 1 }, after[] = { 0 }, new_group[] = { 2, 3 };
        add(a, "G1", staff_a, before, 2, 0, 600);
        add(b, "G1", staff_a, after, 1, 0, 600);
        b->groups[0].meetings[0].start = 660, b->groups[0].meetings[0].end = 690;
        add(b, "G2", staff_b, new_group, 2, 1, 540);
        struct schedule_diff d;
        ck_assert_int_eq(schedule_diff(a, b, &d), 0);
        ck_assert_uint_eq(d.placed_from, 2);
        ck_assert_uint_eq(d.placed_to, 3);
        ck_assert_uint_eq(d.n_losing, 1);
        ck_assert_str_eq(d.losing[0].student_id, "102");
        ck_assert_str_eq(d.losing[0].program_id, "LLI");
        ck_assert_uint_eq(d.n_gaining, 2);
        ck_assert_str_eq(d.gaining[0].student_id, "201");
        ck_assert_str_eq(d.gaining[1].student_id, "202");
        ck_assert_uint_eq(d.groups_changed, 2);
        ck_assert_uint_eq(d.meetings_changed, 1 + 2); /* G1's Monday moved; G2's two are new */
        ck_assert_uint_eq(d.n_teachers_affected, 2);
        ck_assert_str_eq(d.teachers_affected[0], "T1");
        ck_assert_str_eq(d.teachers_affected[1], "T2");
        ck_assert_uint_eq(d.n_loads, 2);
        ck_assert_str_eq(d.loads[1].staff_id, "SB");
        ck_assert_int_eq(d.loads[1].sessions_from, 0);
        ck_assert_int_eq(d.loads[1].sessions_to, 2);
        schedule_diff_done(&d);
        /* Reversed, losers and gainers swap. */
        ck_assert_int_eq(schedule_diff(b, a, &d), 0);
        ck_assert_uint_eq(d.n_losing, 2);
        ck_assert_uint_eq(d.n_gaining, 1);
        ck_assert_str_eq(d.gaining[0].student_id, "102");
        schedule_diff_done(&d);
        schedule_free(a);
        schedule_free(b);
}
END_TEST

START_TEST(test_first_version_gains_everyone) {
        struct schedule *b = schedule_new(school);
        int all[] = { 0, 1, 2 };
        add(b, "G1", staff_a, all, 3, 0, 600);
        struct schedule_diff d;
        ck_assert_int_eq(schedule_diff(NULL, b, &d), 0);
        ck_assert_uint_eq(d.placed_from, 0);
        ck_assert_uint_eq(d.n_gaining, 3);
        ck_assert_uint_eq(d.groups_changed, 1);
        ck_assert_uint_eq(d.meetings_changed, 2);
        schedule_diff_done(&d);
        schedule_free(b);
}
END_TEST

Suite *suite_schedule_diff(void) {
        Suite *suite = suite_create("schedule_diff");
        TCase *tc = tcase_create("diff");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, test_identical_versions_change_nothing);
        tcase_add_test(tc, test_losers_gainers_moves_teachers_loads);
        tcase_add_test(tc, test_first_version_gains_everyone);
        suite_add_tcase(suite, tc);
        return suite;
}
