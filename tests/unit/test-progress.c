/* test-progress.c: progress monitoring checked against hand-computed worked examples (aimline,
 * OLS and Tukey trends, the decision rules, the delivery check), and the pictures as XML. */
#include <check.h>
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress/progress.h"
#include "progress/svg.h"
#include "solver/solver.h"
#include "tools/schoolgen/schoolgen.h"

/* All examples: goal 40 → 60 from Mon 2026-09-14 to Mon 2026-11-23 (10 weeks): aimline
 * 2 units a week, so on week k it is at 40 + 2k. Scores are probed on Mondays. */
static civil_date monday0(void) {
        return date_from_ymd(2026, 9, 14);
}

static struct progress_goal example_goal(void) {
        return (struct progress_goal){ .baseline = 40, .target = 60, .from = monday0(), .by = monday0() + 70 };
}

static void weekly(const double *values, size_t n, struct progress_score *ret) {
        for (size_t i = 0; i < n; i++)
                ret[i] = (struct progress_score){ .date = monday0() + 7 * (civil_date)i, .value = values[i] };
}

static void evaluate(const double *values, size_t n, const struct progress_goal *goal,
                     const struct progress_week *weeks, size_t n_weeks, struct progress_result *ret) {
        struct progress_score scores[16];
        weekly(values, n, scores);
        struct progress_input input = { .scores = scores, .n_scores = n, .goal = goal, .weeks = weeks, .n_weeks = n_weeks };
        ck_assert_int_eq(progress_evaluate(&input, ret), 0);
}

START_TEST(test_aimline_slope_per_week) {
        struct progress_goal goal = example_goal();
        struct progress_result result;
        double values[] = { 40, 42, 44 };
        evaluate(values, 3, &goal, NULL, 0, &result);
        ck_assert(result.aimline.valid);
        ck_assert_double_eq_tol(result.aimline.slope, 2.0, 1e-9);
        ck_assert_double_eq_tol(progress_line_value(&result.aimline, monday0() + 35), 50.0, 1e-9);
        progress_result_done(&result);

        struct progress_goal backwards = goal;
        backwards.by = backwards.from;
        ck_assert_int_eq(progress_goal_check(&backwards), -EINVAL);
        struct progress_input input = { .goal = &backwards };
        ck_assert_int_eq(progress_evaluate(&input, &result), -EINVAL);
}
END_TEST

START_TEST(test_flat_trend_is_zero_and_three_points_on_track) {
        /* 50, 50, 50 on weeks 0-2: OLS slope 0. Above the aimline (40, 42, 44) but only 3
         * points: the four-point rule cannot fire, the trend rule needs 6: on track. */
        struct progress_goal goal = example_goal();
        struct progress_result result;
        double values[] = { 50, 50, 50 };
        evaluate(values, 3, &goal, NULL, 0, &result);
        ck_assert(result.trend.valid);
        ck_assert_double_eq_tol(result.trend.slope, 0.0, 1e-12);
        ck_assert_int_eq(result.decision, PROGRESS_ON_TRACK);
        progress_result_done(&result);
}
END_TEST

START_TEST(test_flat_trend_six_points_below_intensify) {
        /* 40 six times: every point from week 2 on is under 44, 46, 48, 50: the four-point rule. */
        struct progress_goal goal = example_goal();
        struct progress_result result;
        double values[] = { 40, 40, 40, 40, 40, 40 };
        evaluate(values, 6, &goal, NULL, 0, &result);
        ck_assert_double_eq_tol(result.trend.slope, 0.0, 1e-12);
        ck_assert_int_eq(result.decision, PROGRESS_INTENSIFY);
        ck_assert_ptr_nonnull(strstr(result.reason, "last 4 points are all below"));
        progress_result_done(&result);
}
END_TEST

START_TEST(test_rising_above_raises_goal) {
        /* 41 44 45 48 49 52 against 40 42 44 46 48 50: all above. OLS by hand: x = 0..5,
         * x̄ = 2.5, Σ(x-x̄)y = 36.5, Σ(x-x̄)² = 17.5, slope = 2.0857 ≥ 2: no trend rule. */
        struct progress_goal goal = example_goal();
        struct progress_result result;
        double values[] = { 41, 44, 45, 48, 49, 52 };
        evaluate(values, 6, &goal, NULL, 0, &result);
        ck_assert_double_eq_tol(result.trend.slope, 36.5 / 17.5, 1e-9);
        ck_assert_int_eq(result.decision, PROGRESS_RAISE_GOAL);
        progress_result_done(&result);
}
END_TEST

START_TEST(test_rising_on_the_line_is_on_track) {
        /* 40 42 45 46 48 51: two points above, four on the line (on the line is neither above
         * nor below). Σ(x-x̄)y = 37, slope 37/17.5 = 2.114 ≥ 2: on track. */
        struct progress_goal goal = example_goal();
        struct progress_result result;
        double values[] = { 40, 42, 45, 46, 48, 51 };
        evaluate(values, 6, &goal, NULL, 0, &result);
        ck_assert_double_eq_tol(result.trend.slope, 37.0 / 17.5, 1e-9);
        ck_assert_int_eq(result.decision, PROGRESS_ON_TRACK);
        progress_result_done(&result);
}
END_TEST

START_TEST(test_trend_rule_needs_six_points) {
        /* 41 43 42 47 44 45: week 3 (47 > 46) breaks the four below. Σ(x-x̄)y = 14, slope
         * 14/17.5 = 0.8 < 2 with 6 points: intensify. The first 5 alone: on track. */
        struct progress_goal goal = example_goal();
        struct progress_result result;
        double values[] = { 41, 43, 42, 47, 44, 45 };
        evaluate(values, 6, &goal, NULL, 0, &result);
        ck_assert_double_eq_tol(result.trend.slope, 0.8, 1e-9);
        ck_assert_int_eq(result.decision, PROGRESS_INTENSIFY);
        ck_assert_ptr_nonnull(strstr(result.reason, "trend"));
        progress_result_done(&result);

        evaluate(values, 5, &goal, NULL, 0, &result);
        ck_assert_int_eq(result.decision, PROGRESS_ON_TRACK);
        progress_result_done(&result);
}
END_TEST

START_TEST(test_too_few_points) {
        struct progress_goal goal = example_goal();
        struct progress_result result;
        double values[] = { 30, 31 };
        evaluate(values, 2, &goal, NULL, 0, &result);
        ck_assert_int_eq(result.decision, PROGRESS_INSUFFICIENT_DATA);
        ck_assert(!result.trend.valid);
        struct json_object *json = NULL;
        struct progress_score scores[2];
        weekly(values, 2, scores);
        struct progress_input input = { .scores = scores, .n_scores = 2, .goal = &goal };
        ck_assert_int_eq(progress_to_json("1021", "ORF", &input, &result, &json), 0);
        struct json_object *field;
        ck_assert(json_object_object_get_ex(json, "trend_slope", &field));
        ck_assert_ptr_null(field);
        ck_assert(json_object_object_get_ex(json, "decision", &field));
        ck_assert_str_eq(json_object_get_string(field), "insufficient_data");
        ck_assert(json_object_object_get_ex(json, "aimline_slope", &field));
        ck_assert_double_eq_tol(json_object_get_double(field), 2.0, 1e-9);
        ck_assert(json_object_object_get_ex(json, "points", &field));
        ck_assert_int_eq(json_object_array_length(field), 2);
        json_object_put(json);
        progress_result_done(&result);

        /* Three points but no goal: nothing to compare with. */
        double three[] = { 30, 31, 33 };
        evaluate(three, 3, NULL, NULL, 0, &result);
        ck_assert_int_eq(result.decision, PROGRESS_INSUFFICIENT_DATA);
        ck_assert(result.trend.valid);
        ck_assert_ptr_nonnull(strstr(result.reason, "goal"));
        progress_result_done(&result);
}
END_TEST

START_TEST(test_four_point_rule_both_ways) {
        /* Four points only, so the trend rule is out: 39 41 43 45 under 40 42 44 46 → intensify;
         * 41 43 45 47 over → raise_goal; 39 43 43 47 mixed → on track. */
        struct progress_goal goal = example_goal();
        struct progress_result result;
        double below[] = { 39, 41, 43, 45 }, above[] = { 41, 43, 45, 47 }, mixed[] = { 39, 43, 43, 47 };
        evaluate(below, 4, &goal, NULL, 0, &result);
        ck_assert_int_eq(result.decision, PROGRESS_INTENSIFY);
        ck_assert_double_eq_tol(result.trend.slope, 2.0, 1e-9);
        /* Delivery unknown: the rule stands, with a reminder to check delivery. */
        ck_assert(!result.decision_withheld);
        ck_assert_ptr_nonnull(strstr(result.warning, "unknown"));
        progress_result_done(&result);
        evaluate(above, 4, &goal, NULL, 0, &result);
        ck_assert_int_eq(result.decision, PROGRESS_RAISE_GOAL);
        ck_assert_str_eq(result.warning, "");
        progress_result_done(&result);
        evaluate(mixed, 4, &goal, NULL, 0, &result);
        ck_assert_int_eq(result.decision, PROGRESS_ON_TRACK);
        progress_result_done(&result);
}
END_TEST

START_TEST(test_inadequate_dosage_withholds_intensify) {
        /* The four below of the last test, over weeks of 150 planned minutes of which 90 were
         * delivered: 360 of 600 = 60 % (band "adequate", but under the 80 % line). */
        struct progress_goal goal = example_goal();
        double below[] = { 39, 41, 43, 45 };
        struct progress_week weeks[5];
        for (int i = 0; i < 5; i++)
                weeks[i] = (struct progress_week){ .week = monday0() + 7 * i, .planned_minutes = 150,
                                                   .delivered_minutes = 90, .fidelity_percent = 95 };
        weeks[4].week = monday0() + 7 * 9; /* outside the scored weeks: not counted */
        weeks[4].delivered_minutes = 0;
        struct progress_result result;
        evaluate(below, 4, &goal, weeks, 5, &result);
        ck_assert_int_eq(result.decision, PROGRESS_INTENSIFY);
        ck_assert(result.decision_withheld);
        ck_assert_int_eq(result.delivery.planned_minutes, 600);
        ck_assert_int_eq(result.delivery.delivered_minutes, 360);
        ck_assert_double_eq_tol(result.delivery.dosage_percent, 60.0, 1e-9);
        ck_assert_str_eq(progress_dosage_band(result.delivery.dosage_percent), "adequate");
        ck_assert_ptr_nonnull(strstr(result.warning, "not delivered"));

        struct json_object *json = NULL;
        struct progress_score scores[4];
        weekly(below, 4, scores);
        struct progress_input input = { .scores = scores, .n_scores = 4, .goal = &goal, .weeks = weeks, .n_weeks = 5 };
        ck_assert_int_eq(progress_to_json("1021", "ORF", &input, &result, &json), 0);
        struct json_object *field;
        ck_assert(json_object_object_get_ex(json, "decision", &field));
        ck_assert_str_eq(json_object_get_string(field), "intensify");
        ck_assert(json_object_object_get_ex(json, "decision_withheld", &field));
        ck_assert(json_object_get_boolean(field));
        ck_assert(json_object_object_get_ex(json, "warning", &field));
        ck_assert_ptr_nonnull(field);
        json_object_put(json);
        progress_result_done(&result);

        /* Full dosage but fidelity 70 %: withheld too. */
        for (int i = 0; i < 4; i++)
                weeks[i].delivered_minutes = 150, weeks[i].fidelity_percent = 70;
        evaluate(below, 4, &goal, weeks, 4, &result);
        ck_assert(result.decision_withheld);
        ck_assert_ptr_nonnull(strstr(result.warning, "Fidelity 70%"));
        progress_result_done(&result);

        /* Delivered as planned: the rule stands, no warning. */
        for (int i = 0; i < 4; i++)
                weeks[i].fidelity_percent = 90;
        evaluate(below, 4, &goal, weeks, 4, &result);
        ck_assert_int_eq(result.decision, PROGRESS_INTENSIFY);
        ck_assert(!result.decision_withheld);
        ck_assert_str_eq(result.warning, "");
        ck_assert_int_eq(result.delivery.adequacy, PROGRESS_DELIVERY_ADEQUATE);
        progress_result_done(&result);
}
END_TEST

START_TEST(test_phase_change_starts_a_new_window) {
        /* Six points; the intervention changed on week 3: only weeks 3-5 are judged. */
        struct progress_goal goal = example_goal();
        double values[] = { 40, 40, 40, 40, 40, 40 };
        struct progress_score scores[6];
        weekly(values, 6, scores);
        struct progress_phase phase = { .date = monday0() + 21, .label = "Wilson 45 min x 4" };
        struct progress_input input = { .scores = scores, .n_scores = 6, .goal = &goal, .phases = &phase, .n_phases = 1 };
        struct progress_result result;
        ck_assert_int_eq(progress_evaluate(&input, &result), 0);
        ck_assert_int_eq(result.window_first, 3);
        ck_assert_int_eq(result.decision, PROGRESS_ON_TRACK); /* 3 below, not 4; 3 points, not 6 */
        ck_assert_double_eq_tol(result.trend.slope, 0.0, 1e-12);
        progress_result_done(&result);
}
END_TEST

START_TEST(test_tukey_resists_an_outlier) {
        /* 9 points, thirds of 3: left medians (week 1, 11), right (week 7, 20): slope 9/6.
         * Least squares by hand: Σ(x-4)y = 397, Σ(x-4)² = 60, slope 6.6. */
        double values[] = { 10, 12, 11, 15, 14, 14, 18, 20, 100 };
        struct progress_score scores[9];
        weekly(values, 9, scores);
        struct progress_line line;
        progress_trend_tukey(scores, 9, &line);
        ck_assert(line.valid);
        ck_assert_double_eq_tol(line.slope, 9.0 / 6.0, 1e-9);
        progress_trend_ols(scores, 9, &line);
        ck_assert_double_eq_tol(line.slope, 397.0 / 60.0, 1e-9); /* the 100 pulls least squares off */
        /* 4 points: ends of 1, a middle of 2: (week 3, 13) - (week 0, 10) = 1 a week. */
        double four[] = { 10, 50, 60, 13 };
        weekly(four, 4, scores);
        progress_trend_tukey(scores, 4, &line);
        ck_assert_double_eq_tol(line.slope, 1.0, 1e-9);
        progress_trend_tukey(scores, 2, &line);
        ck_assert(!line.valid);
}
END_TEST

/* Writes text to a temporary file and has Python's XML parser read it. */
static void assert_parses_as_xml(const char *text) {
        char path[] = "/tmp/pullout-test-svg-XXXXXX";
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
        char command[256];
        snprintf(command, sizeof command,
                 "/usr/bin/python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' %s", path);
        int status = system(command);
        unlink(path);
        ck_assert_int_eq(status, 0);
}

static size_t count(const char *text, const char *needle) {
        size_t n = 0;
        for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
                n++;
        return n;
}

START_TEST(test_progress_svg_has_points_and_lines) {
        struct progress_goal goal = example_goal();
        double values[] = { 38, 41, 40, 42, 44, 43, 45 };
        struct progress_score scores[8];
        weekly(values, 7, scores);
        scores[7] = (struct progress_score){ .date = monday0() - 7, .value = 37 }; /* before the goal */
        struct progress_phase phase = { .date = monday0(), .label = "LLI <Orange> & more" };
        struct progress_week weeks[7];
        for (int i = 0; i < 7; i++)
                weeks[i] = (struct progress_week){ .week = monday0() + 7 * i, .planned_minutes = 150,
                                                   .delivered_minutes = 100, .fidelity_percent = -1 };
        struct progress_input input = { .scores = scores, .n_scores = 8, .goal = &goal, .phases = &phase,
                                        .n_phases = 1, .weeks = weeks, .n_weeks = 7 };
        struct progress_result result;
        ck_assert_int_eq(progress_evaluate(&input, &result), 0);
        struct textbuf buf = { 0 };
        ck_assert_int_eq(progress_svg("Maya Lopez (1021) - ORF", &input, &result, &buf), 0);
        char *svg = NULL;
        ck_assert_int_eq(textbuf_steal(&buf, &svg), 0);
        ck_assert_int_eq(count(svg, "class=\"point\""), 8);
        ck_assert_int_eq(count(svg, "class=\"aimline\""), 1);
        ck_assert_int_eq(count(svg, "class=\"trend\""), 1);
        ck_assert_int_eq(count(svg, "class=\"goal\""), 2); /* on the graph and in the legend */
        ck_assert_ptr_nonnull(strstr(svg, "LLI &lt;Orange&gt; &amp; more"));
        ck_assert_ptr_nonnull(strstr(svg, "goal 60 by Nov 23"));
        assert_parses_as_xml(svg);
        const char *keep = getenv("PULLOUT_KEEP_SVG");
        if (keep) {
                FILE *file = fopen(keep, "w");
                if (file) {
                        fputs(svg, file);
                        fclose(file);
                }
        }
        free(svg);
        progress_result_done(&result);

        /* Nothing to draw: no scores, no goal. */
        struct progress_input empty = { 0 };
        ck_assert_int_eq(progress_evaluate(&empty, &result), 0);
        ck_assert_int_eq(progress_svg(NULL, &empty, &result, &buf), -EINVAL);
        textbuf_done(&buf);
        progress_result_done(&result);
}
END_TEST

START_TEST(test_schedule_svg_draws_every_meeting) {
        struct schoolgen_params params = { .seed = 7, .students = 150 };
        struct school *school = NULL;
        ck_assert_int_eq(schoolgen_build(&params, &school), 0);
        struct solver_options options;
        solver_options_default(&options);
        options.time_limit_seconds = 2;
        options.max_iterations = 2000;
        struct schedule *schedule = NULL;
        ck_assert_int_eq(solver_solve(school, NULL, &options, &schedule, NULL), 0);
        ck_assert_int_gt(schedule->n_groups, 0);
        size_t meetings = 0;
        for (size_t g = 0; g < schedule->n_groups; g++)
                meetings += schedule->groups[g].n_meetings;

        struct textbuf buf = { 0 };
        struct schedule_svg_options staff_view = { .teacher = -1, .staff = -1 };
        ck_assert_int_eq(schedule_svg(schedule, &staff_view, &buf), 0);
        char *svg = NULL;
        ck_assert_int_eq(textbuf_steal(&buf, &svg), 0);
        ck_assert_int_eq(count(svg, "class=\"session\""), meetings);
        assert_parses_as_xml(svg);
        const char *keep = getenv("PULLOUT_KEEP_SCHEDULE_SVG");
        if (keep) {
                FILE *file = fopen(keep, "w");
                if (file) {
                        fputs(svg, file);
                        fclose(file);
                }
        }
        free(svg);

        /* The teacher of the first grouped student sees that pull-out beside their timetable. */
        int teacher = school->students[school->needs[schedule->groups[0].needs[0]].student].teacher;
        struct schedule_svg_options teacher_view = { .teacher = teacher, .staff = -1 };
        ck_assert_int_eq(schedule_svg(schedule, &teacher_view, &buf), 0);
        ck_assert_int_eq(textbuf_steal(&buf, &svg), 0);
        ck_assert_ptr_nonnull(strstr(svg, school->teachers[teacher].name));
        ck_assert_ptr_nonnull(strstr(svg, school->programs[schedule->groups[0].program].id));
        assert_parses_as_xml(svg);
        keep = getenv("PULLOUT_KEEP_TEACHER_SVG");
        if (keep) {
                FILE *file = fopen(keep, "w");
                if (file) {
                        fputs(svg, file);
                        fclose(file);
                }
        }
        free(svg);
        struct schedule_svg_options bad = { .teacher = (int)school->n_teachers, .staff = -1 };
        ck_assert_int_eq(schedule_svg(schedule, &bad, &buf), -EINVAL);
        schedule_free(schedule);
        school_unref(school);
}
END_TEST

START_TEST(test_initials) {
        char buf[16];
        svg_initials("Maya Lopez", buf);
        ck_assert_str_eq(buf, "ML");
        svg_initials("Ana María Ruiz", buf);
        ck_assert_str_eq(buf, "AMR");
        svg_initials("Lea Ruiz-Gómez", buf);
        ck_assert_str_eq(buf, "LRG");
        svg_initials("Ana María de la Cruz", buf);
        ck_assert_str_eq(buf, "AC");
        svg_initials("Émile", buf);
        ck_assert_str_eq(buf, "É");
        svg_initials("", buf);
        ck_assert_str_eq(buf, "");
}
END_TEST

Suite *suite_progress(void) {
        Suite *suite = suite_create("progress");
        TCase *numbers = tcase_create("numbers");
        tcase_add_test(numbers, test_aimline_slope_per_week);
        tcase_add_test(numbers, test_tukey_resists_an_outlier);
        suite_add_tcase(suite, numbers);
        TCase *decision = tcase_create("decision");
        tcase_add_test(decision, test_flat_trend_is_zero_and_three_points_on_track);
        tcase_add_test(decision, test_flat_trend_six_points_below_intensify);
        tcase_add_test(decision, test_rising_above_raises_goal);
        tcase_add_test(decision, test_rising_on_the_line_is_on_track);
        tcase_add_test(decision, test_trend_rule_needs_six_points);
        tcase_add_test(decision, test_too_few_points);
        tcase_add_test(decision, test_four_point_rule_both_ways);
        tcase_add_test(decision, test_phase_change_starts_a_new_window);
        suite_add_tcase(suite, decision);
        TCase *delivery = tcase_create("delivery");
        tcase_add_test(delivery, test_inadequate_dosage_withholds_intensify);
        suite_add_tcase(suite, delivery);
        TCase *pictures = tcase_create("pictures");
        tcase_set_timeout(pictures, 30);
        tcase_add_test(pictures, test_progress_svg_has_points_and_lines);
        tcase_add_test(pictures, test_schedule_svg_draws_every_meeting);
        tcase_add_test(pictures, test_initials);
        suite_add_tcase(suite, pictures);
        return suite;
}
