/* test-solver.c: the solver on small hand-built schools with known answers, and on random
 * schools checked by an independent checker (tests/unit/solver-school.c). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/solver.h"
#include "tests/unit/solver-school.h"
#include "tools/schoolgen/schoolgen.h"

static struct schedule *solve(struct school *school, const struct schedule *previous, unsigned seed, bool fresh) {
        struct solver_options o;
        solver_options_default(&o);
        o.seed = seed;
        o.fresh = fresh;
        o.time_limit_seconds = 20;
        o.stop_when_settled = true; /* these check rules, not the search's last placements */
        struct schedule *s = NULL;
        ck_assert_int_eq(solver_solve(school, previous, &o, &s, NULL), 0);
        ck_assert_ptr_nonnull(s);
        return s;
}

static void assert_valid(const struct schedule *s, const struct schedule *pins) {
        char first[256];
        int n = ts_independent_check(s, pins, first, sizeof first);
        ck_assert_msg(n == 0, "independent checker: %d violations, first: %s", n, first);
        char **v = NULL;
        size_t nv = 0;
        ck_assert_int_eq(solver_check(s, pins, NULL, NULL, &v, &nv), 0);
        solver_strings_free(v, nv);
}

static const char *reason_of(const struct schedule *s, int need) {
        for (size_t i = 0; i < s->n_unscheduled; i++)
                if (s->unscheduled[i].need == need)
                        return s->unscheduled[i].reason;
        return NULL;
}

/* One grade-2 homeroom, core reading 9-10, math 10-11, lunch 11:30-12. */
static struct school *small_school(int students, int *ret_program) {
        struct school *s = ts_school("08:00", "14:00", 5);
        int t = ts_teacher(s, "T1", 2);
        ts_block(s, t, "MTWRF", "09:00", "10:00", SUBJECT_READING, -1);
        ts_block(s, t, "MTWRF", "10:00", "11:00", SUBJECT_MATH, -1);
        ts_block(s, t, "MTWRF", "11:30", "12:00", SUBJECT_LUNCH, -1);
        ts_block(s, t, "MTWRF", "13:00", "13:30", SUBJECT_INTERVENTION, -1);
        int p = ts_program(s, "LLI", AREA_READING, 3, 30, 5, 1);
        int st = ts_staff(s, "S1", ROLE_INTERVENTIONIST, 0, NULL);
        ts_avail(s, st, "MTWRF", "08:00", "14:00");
        for (int i = 0; i < students; i++) {
                char id[8], name[16];
                snprintf(id, sizeof id, "%d", 100 + i);
                snprintf(name, sizeof name, "Kid%d", i);
                ts_need(s, ts_student(s, id, name, 2, t), p, -1, i % 2);
        }
        *ret_program = p;
        return s;
}

START_TEST(test_small_school_forms_one_group_in_win_time) {
        int p;
        struct school *school = small_school(3, &p);
        struct schedule *s = solve(school, NULL, 1, false);
        ck_assert_uint_eq(s->n_unscheduled, 0);
        ck_assert_uint_eq(s->n_groups, 1);
        ck_assert_uint_eq(s->groups[0].n_needs, 3);
        ck_assert_uint_eq(s->groups[0].n_meetings, 5);
        /* The preferred (WIN) block is the best free time. */
        ck_assert_int_eq(s->groups[0].meetings[0].start, 13 * 60);
        ck_assert_int_eq(s->metrics.preferred_minutes, 3 * 5 * 30);
        ck_assert_int_eq(s->metrics.inconsistent_groups, 0);
        ck_assert_str_eq(s->groups[0].id, "G1");
        assert_valid(s, NULL);
        schedule_free(s);
        school_unref(school);
}
END_TEST

START_TEST(test_area_rule_beats_avoid_policy) {
        /* Core reading marked avoid is still never used for reading; math may use it. */
        struct school *school = ts_school("08:00", "10:00", 5);
        int t = ts_teacher(school, "T1", 3);
        ts_block(school, t, "MTWRF", "08:00", "09:30", SUBJECT_READING, POLICY_AVOID);
        int reading = ts_program(school, "READ", AREA_READING, 4, 30, 5, 1);
        int math = ts_program(school, "MATH", AREA_MATH, 4, 30, 5, 1);
        int st = ts_staff(school, "S1", ROLE_INTERVENTIONIST, 0, NULL);
        ts_avail(school, st, "MTWRF", "08:00", "10:00");
        int a = ts_student(school, "1", "Ann", 3, t), b = ts_student(school, "2", "Bob", 3, t);
        int na = ts_need(school, a, reading, -1, 0);
        int nb = ts_need(school, b, math, -1, 0);
        struct schedule *s = solve(school, NULL, 1, false);
        ck_assert_uint_eq(s->n_unscheduled, 0);
        int ga = schedule_find_need(s, na), gb = schedule_find_need(s, nb);
        ck_assert_int_ge(ga, 0);
        ck_assert_int_ge(gb, 0);
        ck_assert_int_ge(s->groups[ga].meetings[0].start, 9 * 60 + 30);
        ck_assert_int_lt(s->groups[gb].meetings[0].start, 9 * 60 + 30);
        assert_valid(s, NULL);
        schedule_free(s);
        school_unref(school);
}
END_TEST

START_TEST(test_reason_names_the_only_windows) {
        /* Maya's homeroom leaves only 20 minutes on Monday: a 30-minute need cannot fit. */
        struct school *school = ts_school("08:00", "10:00", 5);
        int t = ts_teacher(school, "T1", 1);
        ts_block(school, t, "MTWRF", "08:00", "09:40", SUBJECT_MATH, -1);
        ts_block(school, t, "TWRF", "09:40", "10:00", SUBJECT_SPECIALS, -1);
        int p = ts_program(school, "LLI", AREA_READING, 3, 30, 5, 1);
        int st = ts_staff(school, "S1", ROLE_INTERVENTIONIST, 0, NULL);
        ts_avail(school, st, "MTWRF", "08:00", "10:00");
        int need = ts_need(school, ts_student(school, "7", "Maya", 1, t), p, -1, 0);
        struct schedule *s = solve(school, NULL, 1, false);
        const char *reason = reason_of(s, need);
        ck_assert_ptr_nonnull(reason);
        ck_assert_msg(strstr(reason, "Maya") && strstr(reason, "Mon 09:40–10:00") && strstr(reason, "5 × 30"), "%s", reason);
        assert_valid(s, NULL);
        char **lines;
        size_t n;
        ck_assert_int_eq(solver_explain(s, 0, &lines, &n), 0);
        bool advice = false;
        for (size_t i = 0; i < n; i++)
                advice |= strstr(lines[i], "what would free it") != NULL;
        ck_assert(advice);
        solver_strings_free(lines, n);
        schedule_free(s);
        school_unref(school);
}
END_TEST

START_TEST(test_reason_names_unavailable_interventionists) {
        int p;
        struct school *school = small_school(1, &p);
        /* Replace the only availability with time the student spends in core reading. */
        school->availability[0].start = 9 * 60;
        school->availability[0].end = 10 * 60;
        struct schedule *s = solve(school, NULL, 1, false);
        const char *reason = reason_of(s, 0);
        ck_assert_ptr_nonnull(reason);
        ck_assert_msg(strstr(reason, "no trained interventionist is available") && strstr(reason, "Staff S1"), "%s", reason);
        schedule_free(s);
        school_unref(school);
}
END_TEST

START_TEST(test_overloaded_interventionist_places_what_time_allows) {
        /* 08:00-09:45 with 5-minute transitions holds three 30-minute sessions a day:
         * three groups of two, so six of ten students; the rest are told the staff is full. */
        struct school *school = ts_school("08:00", "09:45", 5);
        int t = ts_teacher(school, "T1", 2);
        int p = ts_program(school, "LLI", AREA_READING, 2, 30, 5, 0);
        int st = ts_staff(school, "S1", ROLE_INTERVENTIONIST, 0, NULL);
        ts_avail(school, st, "MTWRF", "08:00", "09:45");
        for (int i = 0; i < 10; i++) {
                char id[8];
                snprintf(id, sizeof id, "%d", i);
                ts_need(school, ts_student(school, id, id, 2, t), p, -1, 0);
        }
        struct schedule *s = solve(school, NULL, 3, false);
        ck_assert_uint_eq(s->n_groups, 3);
        ck_assert_uint_eq(s->n_unscheduled, 4);
        ck_assert_msg(strstr(s->unscheduled[0].reason, "full"), "%s", s->unscheduled[0].reason);
        assert_valid(s, NULL);
        schedule_free(s);
        school_unref(school);
}
END_TEST

START_TEST(test_max_sessions_per_day_and_pinned_staff) {
        int p;
        struct school *school = small_school(4, &p);
        school->staff[0].max_sessions_per_day = 1;
        int other = ts_staff(school, "S2", ROLE_INTERVENTIONIST, 0, NULL);
        ts_avail(school, other, "MTWRF", "08:00", "14:00");
        ts_staff(school, "C1", ROLE_COORDINATOR, 0, NULL);
        school->needs[3].staff = other;
        struct schedule *s = solve(school, NULL, 1, false);
        ck_assert_uint_eq(s->n_unscheduled, 0);
        ck_assert_int_eq(s->groups[schedule_find_need(s, 3)].staff, other);
        assert_valid(s, NULL);
        schedule_free(s);
        school_unref(school);
}
END_TEST

static bool same_schedule(const struct schedule *a, const struct schedule *b) {
        if (a->n_groups != b->n_groups || a->n_unscheduled != b->n_unscheduled)
                return false;
        for (size_t g = 0; g < a->n_groups; g++) {
                const struct group *x = &a->groups[g], *y = &b->groups[g];
                if (strcmp(x->id, y->id) || x->staff != y->staff || x->n_needs != y->n_needs || x->n_meetings != y->n_meetings ||
                    memcmp(x->needs, y->needs, x->n_needs * sizeof(int)) ||
                    memcmp(x->meetings, y->meetings, x->n_meetings * sizeof(struct meeting)))
                        return false;
        }
        return a->metrics.penalty == b->metrics.penalty;
}

START_TEST(test_same_seed_same_schedule) {
        struct school *school = ts_random_school(11, 120, 0.3, 3);
        struct schedule *a = solve(school, NULL, 42, false);
        struct schedule *b = solve(school, NULL, 42, false);
        ck_assert(same_schedule(a, b));
        schedule_free(a);
        schedule_free(b);
        school_unref(school);
}
END_TEST

START_TEST(test_random_schools_break_no_hard_constraint) {
        static const int sizes[] = { 40, 120, 300 };
        for (int i = 0; i < 3; i++)
                for (unsigned seed = 1; seed <= 3; seed++) {
                        struct school *school = ts_random_school(seed * 7 + (unsigned)i, sizes[i], 0.25, sizes[i] / 60 + 1);
                        struct schedule *s = solve(school, NULL, seed, false);
                        assert_valid(s, NULL);
                        /* Enough interventionist time here: nearly everything is placed. */
                        ck_assert_msg(s->n_unscheduled * 10 <= school->n_needs, "%zu of %zu unscheduled",
                                      s->n_unscheduled, school->n_needs);
                        schedule_free(s);
                        school_unref(school);
                }
}
END_TEST

START_TEST(test_generated_schools_pass_the_independent_checker) {
        for (unsigned seed = 1; seed <= 2; seed++)
                for (int overloaded = 0; overloaded <= 1; overloaded++) {
                        struct schoolgen_params params = { .seed = seed, .students = 250, .overloaded = overloaded };
                        struct school *school = NULL;
                        ck_assert_int_eq(schoolgen_build(&params, &school), 0);
                        struct schedule *s = solve(school, NULL, seed, false);
                        assert_valid(s, NULL);
                        ck_assert_uint_lt(s->n_unscheduled, school->n_needs);
                        schedule_free(s);
                        school_unref(school);
                }
}
END_TEST

START_TEST(test_pinned_groups_are_kept) {
        struct school *school = ts_random_school(5, 100, 0.3, 3);
        struct schedule *first = solve(school, NULL, 1, false);
        ck_assert_uint_ge(first->n_groups, 2);
        first->groups[0].pinned = true;
        first->groups[1].pinned = true;
        struct schedule *again = solve(school, first, 99, true);
        assert_valid(again, first);
        ck_assert(again->groups[schedule_find_group(again, first->groups[0].id)].pinned);
        schedule_free(first);
        schedule_free(again);
        school_unref(school);
}
END_TEST

START_TEST(test_resolve_after_homeroom_change_touches_only_that_student) {
        struct school *school = ts_random_school(8, 120, 0.3, 3);
        struct schedule *first = solve(school, NULL, 1, false);
        /* Pick a placed student and move them to a homeroom of another grade timetable. */
        int need = first->groups[0].needs[0], student = school->needs[need].student;
        struct school *changed = ts_random_school(8, 120, 0.3, 3);
        int homeroom = changed->students[student].teacher;
        changed->students[student].teacher = (homeroom + 1) % (int)changed->n_teachers;
        struct schedule *again = solve(changed, first, 2, false);
        assert_valid(again, NULL);
        size_t kept = 0, others = 0;
        for (size_t g = 0; g < first->n_groups; g++) {
                const struct group *old = &first->groups[g];
                bool touched = false;
                for (size_t i = 0; i < old->n_needs; i++)
                        touched |= school->needs[old->needs[i]].student == student;
                if (touched)
                        continue;
                others++;
                int h = schedule_find_group(again, old->id);
                if (h >= 0 && again->groups[h].n_meetings == old->n_meetings &&
                    memcmp(again->groups[h].meetings, old->meetings, old->n_meetings * sizeof(struct meeting)) == 0)
                        kept++;
        }
        ck_assert_msg(kept == others, "only %zu of %zu untouched groups kept their meetings", kept, others);
        ck_assert_int_le(again->metrics.changed_meetings, 10);
        schedule_free(first);
        schedule_free(again);
        school_unref(school);
        school_unref(changed);
}
END_TEST

START_TEST(test_makeup_suggests_free_slots_only) {
        int p;
        struct school *school = small_school(3, &p);
        struct schedule *s = solve(school, NULL, 1, false);
        civil_date monday = date_from_ymd(2026, 9, 14);
        struct solver_busy busy[] = { { .date = monday + 1, .start = 8 * 60, .end = 14 * 60, .staff = -1, .student = -1 } };
        struct solver_makeup_request req = { .group = 0, .week = monday + 2, .not_before_date = monday,
                                             .busy = busy, .n_busy = 1, .max_results = 5 };
        struct solver_makeup_slot *slots;
        size_t n;
        ck_assert_int_eq(solver_makeup(s, &req, &slots, &n), 0);
        ck_assert_uint_ge(n, 1);
        for (size_t i = 0; i < n; i++) {
                ck_assert_int_ne(slots[i].date, monday + 1); /* blocked all Tuesday */
                ck_assert(slots[i].start >= 8 * 60 && slots[i].end <= 14 * 60);
                /* Never during core reading, math or lunch, nor the group's own session. */
                ck_assert(slots[i].end <= 9 * 60 || slots[i].start >= 11 * 60);
                ck_assert(slots[i].end <= 11 * 60 + 30 || slots[i].start >= 12 * 60);
                ck_assert(slots[i].end <= 13 * 60 || slots[i].start >= 13 * 60 + 30 + 5);
                ck_assert_ptr_nonnull(slots[i].reason);
        }
        solver_makeup_slots_free(slots, n);
        schedule_free(s);
        school_unref(school);
}
END_TEST

START_TEST(test_check_reports_broken_constraints) {
        int p;
        struct school *school = small_school(2, &p);
        struct schedule *s = solve(school, NULL, 1, false);
        /* Move the group into core reading by hand: the check must say so. */
        for (size_t k = 0; k < s->groups[0].n_meetings; k++) {
                s->groups[0].meetings[k].start = 9 * 60;
                s->groups[0].meetings[k].end = 9 * 60 + 30;
        }
        char **v = NULL;
        size_t n = 0;
        int r = solver_check(s, NULL, NULL, NULL, &v, &n);
        ck_assert_int_gt(r, 0);
        ck_assert_msg(strstr(v[0], "reading"), "%s", v[0]);
        solver_strings_free(v, n);
        ck_assert_int_gt(ts_independent_check(s, NULL, NULL, 0), 0);
        schedule_free(s);
        school_unref(school);
}
END_TEST

Suite *suite_solver(void) {
        Suite *suite = suite_create("solver");
        TCase *tc = tcase_create("known answers");
        tcase_add_test(tc, test_small_school_forms_one_group_in_win_time);
        tcase_add_test(tc, test_area_rule_beats_avoid_policy);
        tcase_add_test(tc, test_overloaded_interventionist_places_what_time_allows);
        tcase_add_test(tc, test_max_sessions_per_day_and_pinned_staff);
        tcase_add_test(tc, test_check_reports_broken_constraints);
        suite_add_tcase(suite, tc);
        tc = tcase_create("reasons");
        tcase_add_test(tc, test_reason_names_the_only_windows);
        tcase_add_test(tc, test_reason_names_unavailable_interventionists);
        suite_add_tcase(suite, tc);
        tc = tcase_create("random schools");
        tcase_set_timeout(tc, 120);
        tcase_add_test(tc, test_same_seed_same_schedule);
        tcase_add_test(tc, test_random_schools_break_no_hard_constraint);
        tcase_add_test(tc, test_generated_schools_pass_the_independent_checker);
        suite_add_tcase(suite, tc);
        tc = tcase_create("living with a schedule");
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_pinned_groups_are_kept);
        tcase_add_test(tc, test_resolve_after_homeroom_change_touches_only_that_student);
        tcase_add_test(tc, test_makeup_suggests_free_slots_only);
        suite_add_tcase(suite, tc);
        return suite;
}
