/* test-records.c: sessions an interventionist can act on, on the sample school and the manual
 * clock: each student's homeroom teacher and room in the sessions (JSON and text), the staff
 * feed and the staff picture; the sessions of one student; names accepted where ids are. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct harness h;

static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T07:30"); /* the sample school's first Monday */
        harness_start_daemon(&h, NULL);
        char dir[512];
        snprintf(dir, sizeof dir, "%s/examples/sample-school", harness_source());
        harness_pullout_ok(&h, NULL, "import", dir, NULL);
        harness_pullout_ok(&h, NULL, "solve", "--publish", "--time-limit", "3", NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

static const char *field(struct json_object *o, const char *key) {
        const char *text = json_object_get_string(json_object_object_get(o, key));
        return text ? text : "";
}

/* The room teachers.csv gives teacher_id ("" when none), read from the file itself. */
static void room_in_file(const char *teacher_id, char room[static 32]) {
        char path[512], line[512], prefix[40];
        snprintf(path, sizeof path, "%s/examples/sample-school/teachers.csv", harness_source());
        snprintf(prefix, sizeof prefix, "%s,", teacher_id);
        room[0] = '\0';
        FILE *file = fopen(path, "r");
        ck_assert_ptr_nonnull(file);
        while (fgets(line, sizeof line, file))
                if (strncmp(line, prefix, strlen(prefix)) == 0) {
                        line[strcspn(line, "\r\n")] = '\0';
                        snprintf(room, 32, "%s", strrchr(line, ',') + 1);
                }
        fclose(file);
}

/* The week's first session with students: its JSON (the caller puts the list). */
static struct json_object *week_sessions(const char *student) {
        return student ? harness_pullout_json(&h, "sessions", "--week", "2026-09-14", "--student", student, "--json", NULL)
                       : harness_pullout_json(&h, "sessions", "--week", "2026-09-14", "--json", NULL);
}

START_TEST(test_sessions_say_where_to_collect_each_student) {
        struct json_object *o = week_sessions(NULL);
        struct json_object *list = json_object_object_get(o, "sessions");
        ck_assert_int_gt(json_object_array_length(list), 0);
        struct json_object *session = json_object_array_get_idx(list, 0);
        struct json_object *students = json_object_object_get(session, "students");
        ck_assert_int_gt(json_object_array_length(students), 0);
        char student_id[32], teacher[128], room[32], staff_id[32];
        snprintf(staff_id, sizeof staff_id, "%s", field(session, "staff_id"));
        for (size_t i = 0; i < json_object_array_length(students); i++) {
                struct json_object *st = json_object_array_get_idx(students, i);
                room_in_file(field(st, "teacher_id"), room);
                ck_assert_msg(*room, "student %s has no homeroom teacher with a room: %s", field(st, "student_id"),
                              json_object_to_json_string(st));
                ck_assert_str_eq(field(st, "room"), room);
                ck_assert_str_ne(field(st, "teacher"), "");
        }
        struct json_object *first = json_object_array_get_idx(students, 0);
        snprintf(student_id, sizeof student_id, "%s", field(first, "student_id"));
        snprintf(teacher, sizeof teacher, "%s", field(first, "teacher"));
        snprintf(room, sizeof room, "%s", field(first, "room"));
        size_t all = json_object_array_length(list);
        json_object_put(o);

        /* The text a person reads names the teacher and the room. */
        char *out = NULL, expected[200];
        harness_pullout_ok(&h, &out, "sessions", "--week", "2026-09-14", NULL);
        snprintf(expected, sizeof expected, "%s, room %s", teacher, room);
        ck_assert_msg(strstr(out, expected), "no \"%s\" in:\n%s", expected, out);
        free(out);

        /* One student's sessions: every one holds them, and they are not all of the week's. */
        o = week_sessions(student_id);
        list = json_object_object_get(o, "sessions");
        ck_assert_int_gt(json_object_array_length(list), 0);
        ck_assert_int_lt(json_object_array_length(list), all);
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                struct json_object *ids = json_object_object_get(json_object_array_get_idx(list, i), "students");
                bool found = false;
                for (size_t k = 0; k < json_object_array_length(ids); k++)
                        found |= strcmp(field(json_object_array_get_idx(ids, k), "student_id"), student_id) == 0;
                ck_assert_msg(found, "a session without %s", student_id);
        }
        json_object_put(o);
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "sessions", "--student", "9999", NULL), 1);
        ck_assert_msg(strstr(err, "no student 9999"), "%s", err);
        free(err);

        /* The interventionist's feed: LOCATION and DESCRIPTION name the room (lines unfolded). */
        harness_pullout_ok(&h, &out, "export", "--staff", staff_id, NULL);
        char *w = out;
        for (char *r = out; *r; r++) {
                if (r[0] == '\r' && r[1] == '\n' && r[2] == ' ') {
                        r += 2;
                        continue;
                }
                *w++ = *r;
        }
        *w = '\0';
        char location[64];
        snprintf(location, sizeof location, "LOCATION:Room %s", room);
        ck_assert_msg(strstr(out, "LOCATION:Room ") && strstr(out, location), "no %s in the staff feed", location);
        snprintf(expected, sizeof expected, ", room %s)", room);
        ck_assert_msg(strstr(out, expected), "no \"%s\" in the staff feed's DESCRIPTION", expected);
        free(out);

        /* The interventionist's picture. */
        harness_pullout_ok(&h, &out, "schedule", "--staff", staff_id, "--svg", "-", NULL);
        snprintf(expected, sizeof expected, "from %s, room %s", teacher, room);
        ck_assert_msg(strstr(out, expected), "no \"%s\" in the staff picture", expected);
        snprintf(expected, sizeof expected, "@%s", room);
        ck_assert_msg(strstr(out, expected), "no \"%s\" in the staff picture's boxes", expected);
        free(out);
}
END_TEST

/* A person types a name, whole or in part, in any case: the daemon says whose id it is. */
START_TEST(test_a_student_is_named_by_name) {
        struct json_object *o = week_sessions(NULL);
        struct json_object *session = json_object_array_get_idx(json_object_object_get(o, "sessions"), 0);
        struct json_object *st = json_object_array_get_idx(json_object_object_get(session, "students"), 0);
        char id[32], name[128], lower[128];
        snprintf(id, sizeof id, "%s", field(st, "student_id"));
        snprintf(name, sizeof name, "%s", field(st, "name"));
        json_object_put(o);
        for (size_t i = 0; i <= strlen(name); i++)
                lower[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);

        o = week_sessions(lower);
        struct json_object *list = json_object_object_get(o, "sessions");
        ck_assert_int_gt(json_object_array_length(list), 0);
        json_object_put(o);
        harness_pullout_ok(&h, NULL, "score", "add", lower, "ORF", "40", "--date", "2026-09-14", NULL);
        harness_pullout_ok(&h, NULL, "goal", "set", name, "ORF", "--baseline", "40", "--target", "60", "--by",
                           "2026-12-14", NULL);
        o = harness_pullout_json(&h, "progress", lower, "--json", NULL);
        ck_assert_str_eq(field(o, "student_id"), id);
        json_object_put(o);
        o = harness_pullout_json(&h, "explain", name, "--json", NULL);
        ck_assert_str_eq(field(o, "student_id"), id);
        json_object_put(o);

        /* A part many names share: refused, with the candidates to choose from. */
        char *out = NULL, *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, &out, &err, "progress", "a", NULL), 1);
        ck_assert_msg(strstr(err, "\"a\" matches") && strstr(err, " (10") && strstr(err, "more"), "%s", err);
        free(out);
        free(err);
        ck_assert_int_eq(harness_pullout(&h, &out, &err, "score", "add", "Nobody Atall", "ORF", "1", NULL), 1);
        ck_assert_msg(strstr(err, "no student Nobody Atall"), "%s", err);
        free(out);
        free(err);
}
END_TEST

Suite *suite_records(void) {
        Suite *suite = suite_create("records");
        TCase *tc = tcase_create("records");
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_set_timeout(tc, 60);
        tcase_add_test(tc, test_sessions_say_where_to_collect_each_student);
        tcase_add_test(tc, test_a_student_is_named_by_name);
        suite_add_tcase(suite, tc);
        return suite;
}
