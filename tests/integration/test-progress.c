/* test-progress.c: progress monitoring end to end: goals and scores through the real pullout
 * into the real pulloutd, the decision as a team would read it, the graph file, and a CSV of
 * scores rejected whole on one bad row. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct harness h;

static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T07:30"); /* a Monday */
        harness_start_daemon(&h, NULL);
        char dir[512], *err = NULL;
        snprintf(dir, sizeof dir, "%s/examples/sample-school", harness_source());
        int code = harness_pullout(&h, NULL, &err, "import", dir, NULL);
        ck_assert_msg(code == 0, "import: %s", err);
        free(err);
}

static void teardown(void) {
        harness_stop(&h);
}

static void pullout_ok(const char *a, const char *b, const char *c, const char *d, const char *e, const char *f,
                       const char *g) {
        char *err = NULL;
        int code = harness_pullout(&h, NULL, &err, a, b, c, d, e, f, g, NULL);
        ck_assert_msg(code == 0, "pullout %s %s %s: exit %d: %s", a, b, c, code, err);
        free(err);
}

static struct json_object *progress_json(const char *measure) {
        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, "progress", "1001", "--measure", measure, "--json", NULL);
        ck_assert_msg(code == 0, "pullout progress: exit %d: %s", code, err);
        struct json_object *report = json_tokener_parse(out);
        ck_assert_msg(report, "not JSON: %s", out);
        free(out);
        free(err);
        return report;
}

static const char *field_string(struct json_object *o, const char *key) {
        return json_object_get_string(json_object_object_get(o, key));
}

START_TEST(test_goal_scores_and_the_decision) {
        /* Goal 40 -> 60 from today (Mon 2026-09-14) to 2026-11-23: 2 a week. */
        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, "goal", "set", "1001", "ORF", "--baseline", "40", "--target", "60",
                                   "--by", "2026-11-23", NULL);
        ck_assert_msg(code == 0, "goal set: %s", err);
        ck_assert_ptr_nonnull(strstr(out, "insufficient_data"));
        free(out);
        free(err);
        /* The probes are entered as the weeks pass: a score is never dated after today. */
        pullout_ok("clock", "advance", "21d", NULL, NULL, NULL, NULL);
        pullout_ok("score", "add", "1001", "ORF", "39", "--date", "2026-09-14");
        pullout_ok("score", "add", "1001", "ORF", "41", "--date", "2026-09-21");
        pullout_ok("score", "add", "1001", "ORF", "43", "--date", "2026-09-28");

        struct json_object *report = progress_json("ORF");
        ck_assert_double_eq_tol(json_object_get_double(json_object_object_get(report, "aimline_slope")), 2.0, 1e-9);
        ck_assert_double_eq_tol(json_object_get_double(json_object_object_get(report, "trend_slope")), 2.0, 1e-9);
        ck_assert_str_eq(field_string(report, "decision"), "on_track"); /* 3 below, but not 4 */
        ck_assert_int_eq(json_object_array_length(json_object_object_get(report, "points")), 3);
        json_object_put(report);

        /* The fourth below: intensify. No session logs yet, so delivery is unknown: the
         * decision stands with a reminder to check delivery. */
        pullout_ok("score", "add", "1001", "ORF", "45", "--date", "2026-10-05");
        report = progress_json("ORF");
        ck_assert_str_eq(field_string(report, "decision"), "intensify");
        ck_assert(!json_object_get_boolean(json_object_object_get(report, "decision_withheld")));
        ck_assert_ptr_nonnull(strstr(field_string(report, "warning"), "unknown"));
        ck_assert_str_eq(field_string(json_object_object_get(report, "delivery"), "adequacy"), "unknown");
        json_object_put(report);
        /* The coordinator hears of the change. */
        code = harness_pullout(&h, &out, &err, "alerts", "--json", NULL);
        ck_assert_msg(code == 0, "alerts: %s", err);
        ck_assert_msg(strstr(out, "progress_decision") && strstr(out, "now intensify"), "alerts: %s", out);
        free(out);
        free(err);

        /* A change of intervention starts a new window: one point since, insufficient data. */
        pullout_ok("progress", "1001", "--phase", "Wilson 45 min x 4", "--date", "2026-10-05", NULL);
        report = progress_json("ORF");
        ck_assert_str_eq(field_string(report, "decision"), "insufficient_data");
        ck_assert_int_eq(json_object_array_length(json_object_object_get(report, "phases")), 1);
        json_object_put(report);
}
END_TEST

START_TEST(test_graph_file_parses_with_a_point_per_score) {
        char *err = NULL;
        int code = harness_pullout(&h, NULL, &err, "goal", "set", "1001", "ORF", "--baseline", "40", "--target", "60",
                                   NULL);
        ck_assert_int_eq(code, 2); /* --by is required */
        free(err);
        code = harness_pullout(&h, NULL, &err, "goal", "set", "1001", "ORF", "--baseline", "40", "--target", "60",
                               "--by", "2026-11-23", NULL);
        ck_assert_int_eq(code, 0);
        free(err);
        pullout_ok("clock", "advance", "28d", NULL, NULL, NULL, NULL);
        const char *values[] = { "40", "43", "44", "47", "48" };
        const char *dates[] = { "2026-09-14", "2026-09-21", "2026-09-28", "2026-10-05", "2026-10-12" };
        for (int i = 0; i < 5; i++)
                pullout_ok("score", "add", "1001", "ORF", values[i], "--date", dates[i]);
        char svg_path[400];
        snprintf(svg_path, sizeof svg_path, "%s/progress.svg", h.dir);
        char *out = NULL;
        code = harness_pullout(&h, &out, &err, "progress", "1001", "--svg", svg_path, NULL);
        ck_assert_msg(code == 0, "progress --svg: %s", err);
        ck_assert_ptr_nonnull(strstr(out, "decision:"));
        free(out);
        free(err);
        char *svg = harness_read_file(svg_path);
        ck_assert_ptr_nonnull(svg);
        size_t points = 0;
        for (const char *p = strstr(svg, "class=\"point\""); p; p = strstr(p + 1, "class=\"point\""))
                points++;
        ck_assert_int_eq(points, 5);
        ck_assert_ptr_nonnull(strstr(svg, "class=\"aimline\""));
        ck_assert_ptr_nonnull(strstr(svg, "class=\"trend\""));
        free(svg);
        const char *argv[] = { "/usr/bin/python3", "-c", "import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])",
                               svg_path, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, argv), 0);
}
END_TEST

static void write_text(const char *path, const char *text) {
        FILE *file = fopen(path, "w");
        ck_assert_ptr_nonnull(file);
        fputs(text, file);
        fclose(file);
}

START_TEST(test_score_import_is_all_or_nothing) {
        char path[400], *out = NULL, *err = NULL;
        snprintf(path, sizeof path, "%s/scores.csv", h.dir);
        write_text(path, "student_id,measure,date,value\n"
                         "1001,MAZE,2026-09-14,12\n"
                         "1001,MAZE,2026-13-01,13\n"
                         "9999,MAZE,2026-09-28,x\n");
        int code = harness_pullout(&h, &out, &err, "score", "import", path, NULL);
        ck_assert_int_eq(code, 1);
        ck_assert_msg(strstr(err, "scores.csv:3: column date"), "%s", err);
        ck_assert_msg(strstr(err, "scores.csv:4: column student_id"), "%s", err);
        ck_assert_msg(strstr(err, "scores.csv:4: column value"), "%s", err);
        free(out);
        free(err);
        /* Nothing was stored. */
        code = harness_pullout(&h, &out, &err, "progress", "1001", "--measure", "MAZE", NULL);
        ck_assert_int_eq(code, 1);
        ck_assert_msg(strstr(err, "no scores"), "%s", err);
        free(out);
        free(err);

        pullout_ok("clock", "advance", "7d", NULL, NULL, NULL, NULL);
        write_text(path, "student_id,measure,date,value,percentile\n"
                         "1001,MAZE,2026-09-14,12,20\n"
                         "1001,MAZE,2026-09-21,13,22\n"
                         "1002,MAZE,2026-09-21,9,5\n");
        code = harness_pullout(&h, &out, &err, "score", "import", "--json", path, NULL);
        ck_assert_msg(code == 0, "%s", err);
        struct json_object *summary = json_tokener_parse(out);
        ck_assert_int_eq(json_object_get_int(json_object_object_get(summary, "added")), 3);
        json_object_put(summary);
        free(out);
        free(err);

        /* Two measures: the CLI asks which. */
        pullout_ok("score", "add", "1001", "ORF", "50", NULL, NULL);
        code = harness_pullout(&h, &out, &err, "progress", "1001", NULL);
        ck_assert_int_eq(code, 1);
        ck_assert_msg(strstr(err, "--measure"), "%s", err);
        free(out);
        free(err);
        code = harness_pullout(&h, &out, &err, "score", "add", "nobody", "ORF", "50", NULL);
        ck_assert_int_eq(code, 1);
        ck_assert_msg(strstr(err, "no student"), "%s", err);
        free(out);
        free(err);
}
END_TEST

/* The points of 1001's measure, "DATE=VALUE;..." */
static void points_of(const char *measure, char *buf, size_t size) {
        struct json_object *report = progress_json(measure);
        struct json_object *points = json_object_object_get(report, "points");
        buf[0] = '\0';
        for (size_t i = 0; i < json_object_array_length(points); i++) {
                struct json_object *p = json_object_array_get_idx(points, i);
                size_t used = strlen(buf);
                snprintf(buf + used, size - used, "%s=%g;", field_string(p, "date"),
                         json_object_get_double(json_object_object_get(p, "value")));
        }
        json_object_put(report);
}

/* A typo (470 for 47) can be corrected, not doubled; an entry from the future is refused. */
START_TEST(test_a_mistyped_score_is_corrected_not_added) {
        char *out = NULL, *err = NULL, points[512];
        pullout_ok("score", "add", "1001", "ORF", "45", "--date", "2026-09-07");
        pullout_ok("score", "add", "1001", "ORF", "470", "--date", "2026-09-14");
        int code = harness_pullout(&h, &out, &err, "score", "add", "1001", "ORF", "47", "--date", "2026-09-14", NULL);
        ck_assert_int_eq(code, 1);
        ck_assert_msg(strstr(err, "already has ORF 470 on 2026-09-14") && strstr(err, "--replace"), "%s", err);
        free(out);
        free(err);
        points_of("ORF", points, sizeof points);
        ck_assert_str_eq(points, "2026-09-07=45;2026-09-14=470;");
        harness_pullout_ok(&h, NULL, "score", "add", "1001", "ORF", "47", "--date", "2026-09-14", "--replace", NULL);
        points_of("ORF", points, sizeof points);
        ck_assert_str_eq(points, "2026-09-07=45;2026-09-14=47;");

        pullout_ok("score", "delete", "1001", "ORF", "--date", "2026-09-07", NULL);
        points_of("ORF", points, sizeof points);
        ck_assert_str_eq(points, "2026-09-14=47;");
        code = harness_pullout(&h, &out, &err, "score", "delete", "1001", "ORF", "--date", "2026-09-07", NULL);
        ck_assert_int_eq(code, 1);
        ck_assert_msg(strstr(err, "no ORF score on 2026-09-07"), "%s", err);
        free(out);
        free(err);

        /* Today is Mon 2026-09-14 on the manual clock: tomorrow has not been measured. */
        code = harness_pullout(&h, &out, &err, "score", "add", "1001", "ORF", "50", "--date", "2026-09-15", NULL);
        ck_assert_int_eq(code, 1);
        ck_assert_msg(strstr(err, "after today (2026-09-14)"), "%s", err);
        free(out);
        free(err);
        points_of("ORF", points, sizeof points);
        ck_assert_str_eq(points, "2026-09-14=47;");
}
END_TEST

static struct json_object *import_summary(const char *path, const char *columns, const char *measure) {
        char *out = NULL, *err = NULL;
        int code = columns ? harness_pullout(&h, &out, &err, "score", "import", "--json", "--columns", columns,
                                             "--measure", measure, path, NULL)
                           : harness_pullout(&h, &out, &err, "score", "import", "--json", path, NULL);
        ck_assert_msg(code == 0, "score import: %s", err);
        struct json_object *summary = json_tokener_parse(out);
        ck_assert_msg(summary, "not JSON: %s", out);
        free(out);
        free(err);
        return summary;
}

static void assert_summary(struct json_object *summary, int added, int replaced, int unchanged) {
        ck_assert_int_eq(json_object_get_int(json_object_object_get(summary, "added")), added);
        ck_assert_int_eq(json_object_get_int(json_object_object_get(summary, "replaced")), replaced);
        ck_assert_int_eq(json_object_get_int(json_object_object_get(summary, "unchanged")), unchanged);
        json_object_put(summary);
}

/* The same file twice stores each point once; a corrected export replaces; Excel's trailing
 * empty rows are skipped; a screener's own header imports as it is. */
START_TEST(test_score_import_replaces_on_the_same_date) {
        char path[400], *out = NULL, *err = NULL, points[512];
        snprintf(path, sizeof path, "%s/scores.csv", h.dir);
        write_text(path, "student_id,measure,date,value\n"
                         "1001,ORF,2026-09-07,45\n"
                         "1001,ORF,2026-09-14,47\n"
                         ",,,\n"
                         ",,,\n");
        assert_summary(import_summary(path, NULL, NULL), 2, 0, 0);
        assert_summary(import_summary(path, NULL, NULL), 0, 0, 2);
        points_of("ORF", points, sizeof points);
        ck_assert_str_eq(points, "2026-09-07=45;2026-09-14=47;");
        write_text(path, "student_id,measure,date,value\n"
                         "1001,ORF,2026-09-07,46\n"
                         "1001,ORF,2026-09-14,47\n");
        assert_summary(import_summary(path, NULL, NULL), 0, 1, 1);
        points_of("ORF", points, sizeof points);
        ck_assert_str_eq(points, "2026-09-07=46;2026-09-14=47;");

        /* A row after today rejects the file. */
        write_text(path, "student_id,measure,date,value\n"
                         "1001,ORF,2026-09-21,60\n");
        int code = harness_pullout(&h, &out, &err, "score", "import", path, NULL);
        ck_assert_int_eq(code, 1);
        ck_assert_msg(strstr(err, "scores.csv:2: column date: 2026-09-21 is after today"), "%s", err);
        free(out);
        free(err);

        /* A screener's export, as it is. */
        write_text(path, "Student ID,Last Name,Date,Score,Percentile\n"
                         "1001,Doe,2026-09-14,48,20\n"
                         "1002,Roe,2026-09-14,30,5\n");
        assert_summary(import_summary(path, "student_id=\"Student ID\",date=Date,value=Score", "ORF"), 1, 1, 0);
        points_of("ORF", points, sizeof points);
        ck_assert_str_eq(points, "2026-09-07=46;2026-09-14=48;");
        code = harness_pullout(&h, &out, &err, "score", "import", "--columns", "student_id=Student ID", path, NULL);
        ck_assert_int_eq(code, 1);
        ck_assert_msg(strstr(err, "column measure: missing"), "%s", err);
        free(out);
        free(err);
}
END_TEST

/* A student below the aimline whose sessions were never delivered: the decision to intensify
 * is withheld, because the plan was not delivered — from the daemon's own session records. */
START_TEST(test_intensify_is_withheld_when_sessions_were_not_delivered) {
        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "3", "--json", NULL);
        ck_assert_msg(code == 0, "solve: %s", err);
        free(out);
        free(err);
        code = harness_pullout(&h, &out, &err, "schedule", "--json", NULL);
        ck_assert_int_eq(code, 0);
        struct json_object *schedule = json_tokener_parse(out);
        struct json_object *group = json_object_array_get_idx(json_object_object_get(schedule, "groups"), 0);
        char student[32];
        snprintf(student, sizeof student, "%s",
                 json_object_get_string(json_object_array_get_idx(json_object_object_get(group, "students"), 0)));
        json_object_put(schedule);
        free(out);
        free(err);

        code = harness_pullout(&h, NULL, &err, "goal", "set", student, "ORF", "--baseline", "40", "--target", "60",
                               "--by", "2026-11-23", NULL);
        ck_assert_msg(code == 0, "goal set: %s", err);
        free(err);
        /* Four weeks pass with no session logged: every one of them is missed. */
        code = harness_pullout(&h, NULL, &err, "clock", "advance", "28d", NULL);
        ck_assert_msg(code == 0, "clock advance: %s", err);
        free(err);
        const char *dates[] = { "2026-09-18", "2026-09-25", "2026-10-02", "2026-10-09" };
        for (int i = 0; i < 4; i++)
                pullout_ok("score", "add", student, "ORF", "40", "--date", dates[i]);

        code = harness_pullout(&h, &out, &err, "progress", student, "--measure", "ORF", "--json", NULL);
        ck_assert_msg(code == 0, "progress: %s", err);
        struct json_object *report = json_tokener_parse(out);
        ck_assert_str_eq(field_string(report, "decision"), "intensify");
        ck_assert_msg(json_object_get_boolean(json_object_object_get(report, "decision_withheld")), "%s", out);
        struct json_object *delivery = json_object_object_get(report, "delivery");
        ck_assert_str_ne(field_string(delivery, "adequacy"), "unknown");
        ck_assert_msg(strstr(field_string(report, "warning"), "deliver"), "warning: %s", field_string(report, "warning"));
        json_object_put(report);
        free(out);
        free(err);
}
END_TEST

Suite *suite_progress(void) {
        Suite *suite = suite_create("progress");
        TCase *tc = tcase_create("progress");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_goal_scores_and_the_decision);
        tcase_add_test(tc, test_graph_file_parses_with_a_point_per_score);
        tcase_add_test(tc, test_score_import_is_all_or_nothing);
        tcase_add_test(tc, test_a_mistyped_score_is_corrected_not_added);
        tcase_add_test(tc, test_score_import_replaces_on_the_same_date);
        tcase_add_test(tc, test_intensify_is_withheld_when_sessions_were_not_delivered);
        suite_add_tcase(suite, tc);
        return suite;
}
