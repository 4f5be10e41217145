/* test-what-if.c: `pullout solve --what-if DIR` end to end on the sample school: one more
 * interventionist (staff.csv + availability.csv in a folder) places at least as many needs as
 * the published schedule and says so; one more student (students.csv + needs.csv) is placed
 * and named; the what-if is listed as such, can never be published,
 * and leaves the stored data set as it was; a bad file is refused FILE:LINE, nothing stored. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"

static struct harness h;
static char school_dir[400], what_if_dir[400];

/* S1 can teach half an hour on Mondays only, and that is published: students are left out. */
static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T07:30"); /* a Monday of the term */
        harness_start_daemon(&h, NULL);
        snprintf(school_dir, sizeof school_dir, "%s/school", h.dir);
        snprintf(what_if_dir, sizeof what_if_dir, "%s/what-if", h.dir);
        char source[400], path[500];
        snprintf(source, sizeof source, "%s/examples/sample-school", harness_source());
        harness_copy_dir(source, school_dir);
        snprintf(path, sizeof path, "%s/availability.csv", school_dir);
        harness_edit_file(path, "S1,MTWRF,08:00,11:30", "S1,M,08:00,08:30");
        harness_edit_file(path, "S1,MTWRF,12:00,15:00", "S1,M,12:00,12:30");
        harness_pullout_ok(&h, NULL, "import", school_dir, NULL);
        harness_pullout_ok(&h, NULL, "solve", "--publish", "--time-limit", "2", "--seed", "1", NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

static void write_file(const char *dir, const char *name, const char *text) {
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        fclose(f);
}

/* The folder with the school's staff and availability and one more reading interventionist,
 * S6, mornings and afternoons every day. */
static void one_more_interventionist(void) {
        char path[500];
        mkdir(what_if_dir, 0700);
        snprintf(path, sizeof path, "%s/staff.csv", school_dir);
        char *staff = harness_read_file(path);
        snprintf(path, sizeof path, "%s/availability.csv", school_dir);
        char *availability = harness_read_file(path);
        ck_assert_ptr_nonnull(staff);
        ck_assert_ptr_nonnull(availability);
        size_t n = strlen(staff) + 200, m = strlen(availability) + 200;
        char *s = malloc(n), *a = malloc(m);
        snprintf(s, n, "%sS6,Noor Haddad,interventionist,,8,LLI-P;LLI-I;RN;WRS;MATH;SEL\n", staff);
        snprintf(a, m, "%sS6,MTWRF,08:00,11:30\nS6,MTWRF,12:00,15:00\n", availability);
        write_file(what_if_dir, "staff.csv", s);
        write_file(what_if_dir, "availability.csv", a);
        free(staff), free(availability), free(s), free(a);
}

/* What a person would ask of the stored data set: the counts, the published version, and
 * whether S6 is known. */
static char *stored_answer(void) {
        struct json_object *status = harness_pullout_json(&h, "status", "--json", NULL);
        struct json_object *s1 = harness_pullout_json(&h, "schedule", "--staff", "S1", "--json", NULL);
        char *err = NULL;
        int code = harness_pullout(&h, NULL, &err, "schedule", "--staff", "S6", NULL);
        size_t size = 1 << 16;
        char *answer = malloc(size);
        snprintf(answer, size, "%s\n%lld\n%s\n%d %s",
                 json_object_to_json_string(json_object_object_get(status, "counts")),
                 (long long)json_object_get_int64(json_object_object_get(status, "schedule_version")),
                 json_object_to_json_string(s1), code, err ? err : "");
        free(err);
        json_object_put(status), json_object_put(s1);
        return answer;
}

static long long int_of(struct json_object *o, const char *key) {
        return (long long)json_object_get_int64(json_object_object_get(o, key));
}

START_TEST(test_one_more_interventionist_places_at_least_as_many) {
        one_more_interventionist();
        char *before = stored_answer();
        struct json_object *w = harness_pullout_json(&h, "solve", "--what-if", what_if_dir, "--time-limit", "2",
                                                     "--seed", "1", "--json", NULL);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(w, "state")), "what-if");
        struct json_object *diff = json_object_object_get(w, "diff");
        ck_assert_int_eq(int_of(diff, "from"), 1);
        ck_assert_int_ge(int_of(diff, "placed_to"), int_of(diff, "placed_from"));
        ck_assert_int_eq(int_of(w, "placed"), int_of(diff, "placed_to"));
        char version[24];
        snprintf(version, sizeof version, "%lld", int_of(w, "version"));

        /* The stored data set and the published schedule are as they were. */
        char *after = stored_answer();
        ck_assert_str_eq(before, after);
        free(before), free(after);

        /* Never published, by number or as "the newest draft". */
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "schedule", "publish", version, NULL), 1);
        ck_assert_msg(strstr(err, "what-if"), "%s", err);
        free(err);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "schedule", "publish", NULL), 1);
        ck_assert_msg(strstr(err, "no draft"), "%s", err);
        free(err);
        struct json_object *history = harness_pullout_json(&h, "schedule", "history", "--json", NULL);
        struct json_object *versions = json_object_object_get(history, "versions");
        bool listed = false;
        for (size_t i = 0; i < json_object_array_length(versions); i++) {
                struct json_object *v = json_object_array_get_idx(versions, i);
                if (int_of(v, "version") == int_of(w, "version")) {
                        ck_assert_str_eq(json_object_get_string(json_object_object_get(v, "state")), "what-if");
                        ck_assert_int_eq(int_of(v, "placed"), int_of(w, "placed"));
                        listed = true;
                }
        }
        ck_assert_msg(listed, "history does not list the what-if");
        json_object_put(history), json_object_put(w);
        /* Its groups name S6, whom the stored data set does not know, by name. */
        char *shown = NULL;
        harness_pullout_ok(&h, &shown, "schedule", "--version", version, "--json", NULL);
        ck_assert_msg(strstr(shown, "\"S6\"") && strstr(shown, "Noor Haddad"), "%s", shown);
        free(shown);

        /* The words a coordinator takes to the principal. */
        char *out = NULL;
        harness_pullout_ok(&h, &out, "solve", "--what-if", what_if_dir, "--time-limit", "2", "--seed", "1", NULL);
        ck_assert_msg(strstr(out, "more needs than the published schedule") ||
                              strstr(out, "more need than the published schedule") ||
                              strstr(out, "as many needs as the published schedule"),
                      "%s", out);
        ck_assert_msg(strstr(out, "what-if version"), "%s", out);
        free(out);
}
END_TEST

START_TEST(test_a_bad_file_is_refused_where_it_is_wrong) {
        one_more_interventionist();
        /* S7 has time but is not in staff.csv: line 13 of availability.csv. */
        char path[600];
        snprintf(path, sizeof path, "%s/availability.csv", what_if_dir);
        FILE *f = fopen(path, "a");
        ck_assert_ptr_nonnull(f);
        fputs("S7,MTWRF,08:00,09:00\n", f);
        fclose(f);
        char *before = stored_answer();
        struct json_object *history = harness_pullout_json(&h, "schedule", "history", "--json", NULL);
        size_t n_versions = json_object_array_length(json_object_object_get(history, "versions"));
        json_object_put(history);

        char *err = NULL;
        ck_assert_int_ne(harness_pullout(&h, NULL, &err, "solve", "--what-if", what_if_dir, "--time-limit", "2",
                                         NULL),
                         0);
        ck_assert_msg(strstr(err, "availability.csv:13:") && strstr(err, "S7"), "%s", err);
        free(err);
        /* Any file of the data set may be replaced, and is read as an import reads it. */
        write_file(what_if_dir, "needs.csv", "student_id,program_id\n1002,LLI-P\n1002,NOPE\n");
        ck_assert_int_ne(harness_pullout(&h, NULL, &err, "solve", "--what-if", what_if_dir, NULL), 0);
        ck_assert_msg(strstr(err, "needs.csv:3:") && strstr(err, "NOPE"), "%s", err);
        free(err);
        char *after = stored_answer();
        ck_assert_str_eq(before, after);
        free(before), free(after);
        history = harness_pullout_json(&h, "schedule", "history", "--json", NULL);
        ck_assert_uint_eq(json_object_array_length(json_object_object_get(history, "versions")), n_versions);
        json_object_put(history);
}
END_TEST

/* A copy of the school's file name with extra appended, in the what-if folder. */
static void copy_with(const char *name, const char *extra) {
        char path[500];
        mkdir(what_if_dir, 0700);
        snprintf(path, sizeof path, "%s/%s", school_dir, name);
        char *text = harness_read_file(path);
        ck_assert_ptr_nonnull(text);
        size_t n = strlen(text) + strlen(extra) + 1;
        char *all = malloc(n);
        snprintf(all, n, "%s%s", text, extra);
        write_file(what_if_dir, name, all);
        free(text), free(all);
}

static bool names_student(struct json_object *list, const char *student_id) {
        for (size_t i = 0; i < json_object_array_length(list); i++)
                if (strcmp(json_object_get_string(json_object_object_get(json_object_array_get_idx(list, i),
                                                                         "student_id")),
                           student_id) == 0)
                        return true;
        return false;
}

/* students.csv and needs.csv of a what-if: one more student, who needs the check-in group. */
START_TEST(test_one_more_student_is_placed_and_named) {
        copy_with("students.csv", "9001,Zara Quinn,3,T12\n");
        copy_with("needs.csv", "9001,SEL,2,,,,1\n");
        char *before = stored_answer();
        struct json_object *published = harness_pullout_json(&h, "schedule", "--json", NULL);
        char *published_text = strdup(json_object_to_json_string(published));
        json_object_put(published);

        struct json_object *w = harness_pullout_json(&h, "solve", "--what-if", what_if_dir, "--time-limit", "2",
                                                     "--seed", "1", "--json", NULL);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(w, "state")), "what-if");
        struct json_object *diff = json_object_object_get(w, "diff");
        /* The student is placed; the counts say how many more or fewer in all (two searches of a
         * few seconds each, on schools that differ, need not place the others alike). */
        long long gaining = (long long)json_object_array_length(json_object_object_get(diff, "students_gaining"));
        long long losing = (long long)json_object_array_length(json_object_object_get(diff, "students_losing"));
        ck_assert_int_eq(int_of(diff, "placed_to") - int_of(diff, "placed_from"), gaining - losing);
        ck_assert_msg(names_student(json_object_object_get(diff, "students_gaining"), "9001"), "%s",
                      json_object_to_json_string(diff));
        char version[24];
        snprintf(version, sizeof version, "%lld", int_of(w, "version"));
        long long placed = int_of(w, "placed");
        json_object_put(w);

        /* It can be read: its groups, with the student the stored data set does not know. */
        struct json_object *shown = harness_pullout_json(&h, "schedule", "--version", version, "--json", NULL);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(shown, "state")), "what-if");
        const char *text = json_object_to_json_string(shown);
        ck_assert_msg(strstr(text, "\"9001\"") && strstr(text, "Zara Quinn"), "%s", text);
        ck_assert_int_eq(int_of(json_object_object_get(shown, "metrics"), "placed"), placed);
        json_object_put(shown);
        char *out = NULL;
        harness_pullout_ok(&h, &out, "schedule", "--version", version, NULL);
        ck_assert_msg(strstr(out, "what-if") && strstr(out, "Zara"), "%s", out);
        free(out);
        struct json_object *d = harness_pullout_json(&h, "schedule", "diff", "1", version, "--json", NULL);
        ck_assert_int_eq(int_of(d, "placed_to"), placed);
        ck_assert_msg(names_student(json_object_object_get(d, "students_gaining"), "9001"), "%s",
                      json_object_to_json_string(d));
        json_object_put(d);
        d = harness_pullout_json(&h, "schedule", "diff", version, "1", "--json", NULL);
        ck_assert_msg(names_student(json_object_object_get(d, "students_losing"), "9001"), "%s",
                      json_object_to_json_string(d));
        json_object_put(d);
        /* ... but never published, nor brought back. */
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "schedule", "publish", version, NULL), 1);
        ck_assert_msg(strstr(err, "what-if"), "%s", err);
        free(err);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "schedule", "revert", version, NULL), 1);
        ck_assert_msg(strstr(err, "what-if"), "%s", err);
        free(err);

        /* Nothing stored or published moved; the student is unknown to the stored data set. */
        char *after = stored_answer();
        ck_assert_str_eq(before, after);
        free(before), free(after);
        published = harness_pullout_json(&h, "schedule", "--json", NULL);
        ck_assert_str_eq(published_text, json_object_to_json_string(published));
        json_object_put(published);
        free(published_text);
        ck_assert_int_ne(harness_pullout(&h, NULL, &err, "explain", "9001", NULL), 0);
        free(err);

        /* A bad row of such a file is refused where it is. */
        copy_with("students.csv", "9001,Zara Quinn,3,T12\n9002,Ben Ortiz,3,T99\n");
        ck_assert_int_ne(harness_pullout(&h, NULL, &err, "solve", "--what-if", what_if_dir, NULL), 0);
        ck_assert_msg(strstr(err, "students.csv:443:") && strstr(err, "T99"), "%s", err);
        free(err);
}
END_TEST

Suite *suite_what_if(void) {
        Suite *suite = suite_create("what-if");
        TCase *tcase = tcase_create("what-if");
        tcase_set_timeout(tcase, 120);
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_one_more_interventionist_places_at_least_as_many);
        tcase_add_test(tcase, test_a_bad_file_is_refused_where_it_is_wrong);
        tcase_add_test(tcase, test_one_more_student_is_placed_and_named);
        suite_add_tcase(suite, tcase);
        return suite;
}
