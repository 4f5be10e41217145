/* test-versions.c: schedule versions end to end on the sample school and the manual clock: a
 * draft changes nothing anyone sees (schedule, sessions, a teacher's feed byte for byte), the
 * diff is what comparing the two versions gives, a publication that drops students is refused
 * naming them, what happened stands, a revert brings the old meetings back. */
#include <arpa/inet.h>
#include <check.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

static struct harness h;
static char school_dir[400];

static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T07:30"); /* a Monday of the term */
        harness_start_daemon(&h, NULL);
        snprintf(school_dir, sizeof school_dir, "%s/school", h.dir);
        char source[400];
        snprintf(source, sizeof source, "%s/examples/sample-school", harness_source());
        harness_copy_dir(source, school_dir);
        harness_pullout_ok(&h, NULL, "import", school_dir, NULL);
        harness_pullout_ok(&h, NULL, "solve", "--publish", "--time-limit", "2", "--seed", "1", NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

/* GET path over HTTP/1.1 from the daemon's feed server: the whole answer (malloc'd). */
static char *http_get(const char *path) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(fd, 0);
        struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)h.http_port) };
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
        ck_assert_int_eq(connect(fd, (struct sockaddr *)&address, sizeof address), 0);
        char request[1024];
        int n = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                         path);
        ck_assert_int_eq(write(fd, request, (size_t)n), n);
        size_t size = 0, allocated = 1 << 16;
        char *data = malloc(allocated + 1);
        ssize_t got;
        while ((got = read(fd, data + size, allocated - size)) > 0)
                if ((size += (size_t)got) == allocated)
                        data = realloc(data, (allocated *= 2) + 1);
        close(fd);
        data[size] = '\0';
        ck_assert_msg(strncmp(data, "HTTP/1.1 200", 12) == 0, "GET %s: %.80s", path, data);
        return data;
}

/* The feed's path (/feeds/TOKEN.ics) of a new feed for teacher T01. */
static char *teacher_feed(void) {
        struct json_object *o = harness_pullout_json(&h, "feed", "create", "--teacher", "T01", "--json", NULL);
        const char *url = json_object_get_string(json_object_object_get(o, "url"));
        char *path = strdup(strstr(strstr(url, "://") + 3, "/"));
        json_object_put(o);
        return path;
}

static char *etag_of(const char *response) {
        const char *line = strcasestr(response, "\r\nETag:");
        ck_assert_ptr_nonnull(line);
        line += 7;
        return strndup(line, strcspn(line, "\r\n"));
}

static char *run_out(const char *first, ...) __attribute__((sentinel));
static char *run_out(const char *first, ...) {
        const char *argv[16] = { harness_pullout_path(), "--user", first };
        int n = 3;
        va_list ap;
        va_start(ap, first);
        while (n < 15 && (argv[n] = va_arg(ap, const char *)))
                n++;
        va_end(ap);
        argv[n] = NULL;
        char *out = NULL, *err = NULL;
        int code = harness_command(&h, &out, &err, argv);
        ck_assert_msg(code == 0, "pullout %s: exit %d: %s", first, code, err);
        free(err);
        return out;
}

static int count_state(struct json_object *history, const char *state) {
        struct json_object *versions = json_object_object_get(history, "versions");
        int n = 0;
        for (size_t i = 0; i < json_object_array_length(versions); i++)
                n += strcmp(json_object_get_string(json_object_object_get(json_object_array_get_idx(versions, i),
                                                                          "state")),
                            state) == 0;
        return n;
}

START_TEST(test_a_draft_changes_nothing_anyone_sees) {
        char *path = teacher_feed();
        char *before = http_get(path), *etag_before = etag_of(before);
        char *body_before = strdup(strstr(before, "\r\n\r\n"));
        char *schedule_before = run_out("schedule", "--json", NULL);
        char *sessions_before = run_out("sessions", "--week", "2026-09-14", "--json", NULL);

        struct json_object *draft = harness_pullout_json(&h, "solve", "--fresh", "--seed", "7", "--time-limit", "2",
                                                         "--json", NULL);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(draft, "state")), "draft");
        ck_assert_ptr_nonnull(json_object_object_get(draft, "diff"));
        ck_assert_ptr_nonnull(json_object_object_get(draft, "placed"));
        ck_assert_ptr_nonnull(json_object_object_get(draft, "needs"));
        ck_assert_msg(json_object_object_get_ex(draft, "upper_bound", NULL), "solve --json carries upper_bound");
        json_object_put(draft);

        char *after = http_get(path), *etag_after = etag_of(after);
        ck_assert_str_eq(etag_after, etag_before);
        ck_assert_str_eq(strstr(after, "\r\n\r\n"), body_before);
        char *schedule_after = run_out("schedule", "--json", NULL);
        ck_assert_str_eq(schedule_after, schedule_before);
        char *sessions_after = run_out("sessions", "--week", "2026-09-14", "--json", NULL);
        ck_assert_str_eq(sessions_after, sessions_before);

        struct json_object *history = harness_pullout_json(&h, "schedule", "history", "--json", NULL);
        ck_assert_int_eq(count_state(history, "published"), 1);
        ck_assert_int_eq(count_state(history, "draft"), 1);
        json_object_put(history);
        free(path), free(before), free(etag_before), free(body_before), free(schedule_before), free(sessions_before);
        free(after), free(etag_after), free(schedule_after), free(sessions_after);
}
END_TEST

/* (student, program) pairs placed in a version's schedule JSON, as "student/program" strings. */
static size_t placed_pairs(struct json_object *schedule, char pairs[][48], size_t max) {
        struct json_object *groups = json_object_object_get(schedule, "groups");
        size_t n = 0;
        for (size_t g = 0; g < json_object_array_length(groups); g++) {
                struct json_object *group = json_object_array_get_idx(groups, g);
                struct json_object *students = json_object_object_get(group, "students");
                for (size_t i = 0; i < json_object_array_length(students) && n < max; i++)
                        snprintf(pairs[n++], 48, "%s/%s", json_object_get_string(json_object_array_get_idx(students, i)),
                                 json_object_get_string(json_object_object_get(group, "program_id")));
        }
        return n;
}

static bool listed(char pairs[][48], size_t n, const char *pair) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(pairs[i], pair) == 0)
                        return true;
        return false;
}

/* Every pair of a not in b is in the diff's list, and the list holds nothing else. */
static void assert_list(struct json_object *list, char a[][48], size_t na, char b[][48], size_t nb) {
        size_t expected = 0;
        for (size_t i = 0; i < na; i++) {
                if (listed(b, nb, a[i]))
                        continue;
                expected++;
                bool found = false;
                for (size_t k = 0; k < json_object_array_length(list) && !found; k++) {
                        struct json_object *o = json_object_array_get_idx(list, k);
                        char pair[48];
                        snprintf(pair, sizeof pair, "%s/%s", json_object_get_string(json_object_object_get(o, "student_id")),
                                 json_object_get_string(json_object_object_get(o, "program_id")));
                        found = strcmp(pair, a[i]) == 0;
                }
                ck_assert_msg(found, "%s is missing from the diff", a[i]);
        }
        ck_assert_uint_eq(json_object_array_length(list), expected);
}

/* A data set where S1 can teach half an hour on Mondays only: a re-solve loses students. */
static void import_short_staffed(void) {
        char path[500];
        snprintf(path, sizeof path, "%s/availability.csv", school_dir);
        harness_edit_file(path, "S1,MTWRF,08:00,11:30", "S1,M,08:00,08:30");
        harness_edit_file(path, "S1,MTWRF,12:00,15:00", "S1,M,12:00,12:30");
        harness_pullout_ok(&h, NULL, "import", school_dir, NULL);
}

START_TEST(test_diff_is_what_comparing_the_versions_gives) {
        import_short_staffed();
        struct json_object *draft = harness_pullout_json(&h, "solve", "--time-limit", "2", "--json", NULL);
        char version[24];
        snprintf(version, sizeof version, "%lld", (long long)json_object_get_int64(json_object_object_get(draft, "version")));
        struct json_object *diff = harness_pullout_json(&h, "schedule", "diff", "--json", NULL);
        ck_assert_str_eq(json_object_to_json_string(diff),
                         json_object_to_json_string(json_object_object_get(draft, "diff")));
        struct json_object *published = harness_pullout_json(&h, "schedule", "--version", "1", "--json", NULL);
        struct json_object *drafted = harness_pullout_json(&h, "schedule", "--version", version, "--json", NULL);
        static char a[512][48], b[512][48];
        size_t na = placed_pairs(published, a, 512), nb = placed_pairs(drafted, b, 512);
        ck_assert_int_eq(json_object_get_int64(json_object_object_get(diff, "placed_from")), (int64_t)na);
        ck_assert_int_eq(json_object_get_int64(json_object_object_get(diff, "placed_to")), (int64_t)nb);
        assert_list(json_object_object_get(diff, "students_losing"), a, na, b, nb);
        assert_list(json_object_object_get(diff, "students_gaining"), b, nb, a, na);
        ck_assert_msg(json_object_array_length(json_object_object_get(diff, "students_losing")) > 0,
                      "S1 short of time: someone loses a place");
        json_object_put(draft), json_object_put(diff), json_object_put(published), json_object_put(drafted);
}
END_TEST

START_TEST(test_publishing_a_drop_is_refused_naming_the_students) {
        import_short_staffed();
        struct json_object *draft = harness_pullout_json(&h, "solve", "--time-limit", "2", "--json", NULL);
        struct json_object *losing = json_object_object_get(json_object_object_get(draft, "diff"), "students_losing");
        ck_assert_int_gt(json_object_array_length(losing), 0);
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "schedule", "publish", NULL), 1);
        ck_assert_msg(strstr(err, "would take a place away"), "%s", err);
        for (size_t i = 0; i < json_object_array_length(losing); i++) {
                const char *id = json_object_get_string(json_object_object_get(json_object_array_get_idx(losing, i),
                                                                                "student_id"));
                ck_assert_msg(strstr(err, id), "student %s is not named: %s", id, err);
        }
        free(err);
        struct json_object *status = harness_pullout_json(&h, "status", "--json", NULL);
        ck_assert_int_eq(json_object_get_int64(json_object_object_get(status, "schedule_version")), 1);
        json_object_put(status);
        /* Said so, it is published, from next Monday. */
        struct json_object *done = harness_pullout_json(&h, "schedule", "publish", "--allow-drop", "--json", NULL);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(done, "from")), "2026-09-21");
        json_object_put(done);
        struct json_object *history = harness_pullout_json(&h, "schedule", "history", "--json", NULL);
        ck_assert_int_eq(count_state(history, "published"), 1);
        ck_assert_int_eq(count_state(history, "superseded"), 1);
        json_object_put(history);
        json_object_put(draft);
}
END_TEST

static struct json_object *week_sessions(const char *week) {
        return harness_pullout_json(&h, "sessions", "--week", week, "--json", NULL);
}

static struct json_object *session_named(struct json_object *list, const char *id) {
        struct json_object *sessions = json_object_object_get(list, "sessions");
        for (size_t i = 0; i < json_object_array_length(sessions); i++) {
                struct json_object *s = json_object_array_get_idx(sessions, i);
                if (strcmp(json_object_get_string(json_object_object_get(s, "session_id")), id) == 0)
                        return s;
        }
        return NULL;
}

/* On a Wednesday a new version from next Monday leaves this week as it was; from today, the
 * sessions already delivered stay delivered. */
START_TEST(test_this_week_stays_and_what_happened_stands) {
        struct json_object *monday = harness_pullout_json(&h, "sessions", "--date", "2026-09-14", "--json", NULL);
        struct json_object *first = json_object_array_get_idx(json_object_object_get(monday, "sessions"), 0);
        char *delivered = strdup(json_object_get_string(json_object_object_get(first, "session_id")));
        json_object_put(monday);
        harness_pullout_ok(&h, NULL, "clock", "advance", "2d4h", NULL); /* Wednesday 11:30 */
        harness_pullout_ok(&h, NULL, "log", delivered, "--fidelity", "all", NULL);
        char *week_before = run_out("sessions", "--week", "2026-09-14", "--json", NULL);

        struct json_object *next = harness_pullout_json(&h, "solve", "--fresh", "--seed", "7", "--time-limit", "2",
                                                        "--publish", "--allow-drop", "--json", NULL);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(next, "from")), "2026-09-21");
        ck_assert_int_eq(json_object_array_length(json_object_object_get(next, "this_week")), 0);
        json_object_put(next);
        char *week_after = run_out("sessions", "--week", "2026-09-14", "--json", NULL);
        ck_assert_str_eq(week_after, week_before);

        harness_pullout_ok(&h, NULL, "solve", "--fresh", "--seed", "8", "--time-limit", "2", "--publish", "--from",
                           "today", "--allow-drop", NULL);
        struct json_object *week = week_sessions("2026-09-14");
        struct json_object *s = session_named(week, delivered);
        ck_assert_msg(s, "the delivered session %s is gone", delivered);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(s, "status")), "delivered");
        json_object_put(week);
        free(delivered), free(week_before), free(week_after);
}
END_TEST

START_TEST(test_revert_brings_the_old_meetings_back) {
        struct json_object *v1 = harness_pullout_json(&h, "schedule", "--json", NULL);
        harness_pullout_ok(&h, NULL, "solve", "--fresh", "--seed", "7", "--time-limit", "2", "--publish", "--from",
                           "today", "--allow-drop", NULL);
        struct json_object *v2 = harness_pullout_json(&h, "schedule", "--json", NULL);
        ck_assert_str_ne(json_object_to_json_string(json_object_object_get(v2, "groups")),
                         json_object_to_json_string(json_object_object_get(v1, "groups")));
        harness_pullout_ok(&h, NULL, "schedule", "revert", "1", "--from", "today", "--allow-drop", NULL);
        struct json_object *v3 = harness_pullout_json(&h, "schedule", "--json", NULL);
        ck_assert_int_eq(json_object_get_int64(json_object_object_get(v3, "version")), 3);
        ck_assert_str_eq(json_object_to_json_string(json_object_object_get(v3, "groups")),
                         json_object_to_json_string(json_object_object_get(v1, "groups")));
        /* The sessions of today on follow it. */
        struct json_object *today = harness_pullout_json(&h, "sessions", "--date", "2026-09-15", "--json", NULL);
        struct json_object *sessions = json_object_object_get(today, "sessions");
        ck_assert_int_gt(json_object_array_length(sessions), 0);
        for (size_t i = 0; i < json_object_array_length(sessions); i++)
                ck_assert_int_eq(json_object_get_int64(json_object_object_get(json_object_array_get_idx(sessions, i),
                                                                              "schedule_version")),
                                 3);
        struct json_object *history = harness_pullout_json(&h, "schedule", "history", "--json", NULL);
        ck_assert_int_eq(count_state(history, "published"), 1);
        json_object_put(history), json_object_put(today);
        json_object_put(v1), json_object_put(v2), json_object_put(v3);
}
END_TEST

static const char *text_of(struct json_object *o, const char *key) {
        return json_object_get_string(json_object_object_get(o, key));
}

static void append_to(const char *name, const char *text) {
        char path[500];
        snprintf(path, sizeof path, "%s/%s", school_dir, name);
        FILE *f = fopen(path, "a");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        fclose(f);
}

/* Version 1 after a re-import where one of its students has speech at their group's time and
 * S5, who teaches groups in it, left: bringing it back is refused, naming each of them. */
START_TEST(test_a_revert_that_no_longer_fits_names_every_broken_rule) {
        struct json_object *v1 = harness_pullout_json(&h, "schedule", "--json", NULL);
        struct json_object *groups = json_object_object_get(v1, "groups");
        const char *colliding_group = NULL, *student = NULL;
        struct json_object *meeting = NULL;
        const char *s5_groups[16];
        size_t n_s5 = 0;
        for (size_t i = 0; i < json_object_array_length(groups); i++) {
                struct json_object *g = json_object_array_get_idx(groups, i);
                if (strcmp(text_of(g, "staff_id"), "S5") == 0) {
                        if (n_s5 < 16)
                                s5_groups[n_s5++] = text_of(g, "group_id");
                } else if (!colliding_group) {
                        colliding_group = text_of(g, "group_id");
                        student = json_object_get_string(json_object_array_get_idx(json_object_object_get(g, "students"), 0));
                        meeting = json_object_array_get_idx(json_object_object_get(g, "meetings"), 0);
                }
        }
        ck_assert_msg(colliding_group && n_s5 > 0, "version 1 has no group to break: %s",
                      json_object_to_json_string(groups));
        harness_pullout_ok(&h, NULL, "solve", "--fresh", "--seed", "7", "--time-limit", "2", "--publish", "--from",
                           "today", "--allow-drop", NULL);

        char line[200], path[500];
        snprintf(line, sizeof line, "%s,%s,%s,%s,Speech\n", student, text_of(meeting, "day"),
                 text_of(meeting, "start"), text_of(meeting, "end"));
        append_to("services.csv", line);
        snprintf(path, sizeof path, "%s/staff.csv", school_dir);
        harness_edit_file(path, "S5,Valentina Smith-Jones,interventionist,valentina.smithjones@maplegrove.example.org,6,WRS;RN;SEL\n", "");
        snprintf(path, sizeof path, "%s/availability.csv", school_dir);
        harness_edit_file(path, "S5,MWF,08:00,11:30\nS5,MWF,12:00,15:00\n", "");
        harness_pullout_ok(&h, NULL, "import", school_dir, NULL);

        char *history = run_out("schedule", "history", "--json", NULL);
        char *published = run_out("schedule", "--json", NULL);
        char *err = NULL;
        ck_assert_int_ne(harness_pullout(&h, NULL, &err, "schedule", "revert", "1", "--from", "today", "--allow-drop",
                                         NULL),
                         0);
        ck_assert_msg(strstr(err, "version 1 no longer fits today's data"), "%s", err);
        /* The student and their group, at the time of the service. */
        char expected[200];
        snprintf(expected, sizeof expected, "%s: ", colliding_group);
        const char *at = strstr(err, expected);
        ck_assert_msg(at && strstr(at, student) && strstr(at, "Speech"), "no line for %s's %s in:\n%s", student,
                      colliding_group, err);
        /* Every group S5 taught, naming who left. */
        for (size_t i = 0; i < n_s5; i++) {
                snprintf(expected, sizeof expected, "%s: taught by Valentina Smith-Jones (S5), who is no longer in the data set",
                         s5_groups[i]);
                ck_assert_msg(strstr(err, expected), "no \"%s\" in:\n%s", expected, err);
        }
        free(err);
        /* Nothing stored changed. */
        char *history_after = run_out("schedule", "history", "--json", NULL);
        char *published_after = run_out("schedule", "--json", NULL);
        ck_assert_str_eq(history, history_after);
        ck_assert_str_eq(published, published_after);
        free(history), free(history_after), free(published), free(published_after);
        json_object_put(v1);
}
END_TEST

/* The versions of the sessions stored on date (all of them the same: that version, else -1). */
static long long version_of_day(const char *date) {
        struct json_object *day = harness_pullout_json(&h, "sessions", "--date", date, "--json", NULL);
        struct json_object *sessions = json_object_object_get(day, "sessions");
        long long version = 0;
        ck_assert_msg(json_object_array_length(sessions) > 0, "no session on %s", date);
        for (size_t i = 0; i < json_object_array_length(sessions); i++) {
                long long v = json_object_get_int64(
                        json_object_object_get(json_object_array_get_idx(sessions, i), "schedule_version"));
                version = version == 0 || version == v ? v : -1;
        }
        json_object_put(day);
        return version;
}

/* Sessions are stored 28 days ahead; a publication from seven weeks on leaves every day before
 * it to the version published now, those past the stored days too. */
START_TEST(test_a_publication_from_beyond_the_stored_days_leaves_the_days_before_it) {
        harness_pullout_ok(&h, NULL, "solve", "--fresh", "--seed", "7", "--time-limit", "2", NULL);
        harness_pullout_ok(&h, NULL, "schedule", "publish", "--from", "2026-11-02", "--allow-drop", NULL);
        ck_assert_int_eq(version_of_day("2026-09-16"), 1); /* stored before */
        ck_assert_int_eq(version_of_day("2026-10-20"), 1); /* past the stored days, before --from */
        ck_assert_int_eq(version_of_day("2026-10-30"), 1); /* the Friday before */
        ck_assert_int_eq(version_of_day("2026-11-02"), 2);
        ck_assert_int_eq(version_of_day("2026-11-10"), 2);
        /* Still so once the days come and the horizon moves over them. */
        harness_pullout_ok(&h, NULL, "clock", "advance", "30d", NULL);
        ck_assert_int_eq(version_of_day("2026-10-20"), 1);
        ck_assert_int_eq(version_of_day("2026-10-30"), 1);
        ck_assert_int_eq(version_of_day("2026-11-03"), 2);
}
END_TEST

START_TEST(test_publish_refuses_what_is_not_a_draft) {
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "schedule", "publish", "1", NULL), 1);
        ck_assert_msg(strstr(err, "published one already"), "%s", err);
        free(err);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "schedule", "publish", "9", NULL), 1);
        ck_assert_msg(strstr(err, "no schedule version 9"), "%s", err);
        free(err);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "schedule", "publish", NULL), 1);
        ck_assert_msg(strstr(err, "no draft"), "%s", err);
        free(err);
        harness_pullout_ok(&h, NULL, "solve", "--time-limit", "1", NULL);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "schedule", "publish", "--from", "2026-09-01", NULL), 1);
        ck_assert_msg(strstr(err, "in the past"), "%s", err);
        free(err);
}
END_TEST

static int minutes(const char *hhmm) {
        return atoi(hhmm) * 60 + atoi(hhmm + 3);
}

/* No interventionist is in two sessions at once (cancelled ones aside). */
static void assert_nobody_double_booked(struct json_object *list) {
        struct json_object *sessions = json_object_object_get(list, "sessions");
        size_t n = json_object_array_length(sessions);
        for (size_t i = 0; i < n; i++)
                for (size_t k = i + 1; k < n; k++) {
                        struct json_object *a = json_object_array_get_idx(sessions, i),
                                           *b = json_object_array_get_idx(sessions, k);
#define F(o, key) json_object_get_string(json_object_object_get(o, key))
                        if (strcmp(F(a, "status"), "cancelled") == 0 || strcmp(F(b, "status"), "cancelled") == 0 ||
                            strcmp(F(a, "staff_id"), F(b, "staff_id")) != 0 || strcmp(F(a, "date"), F(b, "date")) != 0)
                                continue;
                        ck_assert_msg(minutes(F(a, "end")) <= minutes(F(b, "start")) ||
                                              minutes(F(b, "end")) <= minutes(F(a, "start")),
                                      "%s double-booked on %s: %s %s-%s and %s %s-%s", F(a, "staff_id"), F(a, "date"),
                                      F(a, "session_id"), F(a, "start"), F(a, "end"), F(b, "session_id"), F(b, "start"),
                                      F(b, "end"));
#undef F
                }
}

/* A make-up booked before a publication from today stands, and the new version is solved
 * around it: its interventionist is not booked twice. */
START_TEST(test_a_booked_makeup_stands_and_nobody_is_double_booked) {
        struct json_object *schedule = harness_pullout_json(&h, "schedule", "--json", NULL);
        struct json_object *monday = harness_pullout_json(&h, "sessions", "--date", "2026-09-14", "--json", NULL);
        struct json_object *groups = json_object_object_get(schedule, "groups");
        struct json_object *sessions = json_object_object_get(monday, "sessions");
        /* Cancel Monday sessions of groups meeting under five times a week until one has a
         * make-up slot left this week, and book it. */
        char cancelled[64] = "";
        bool booked = false;
        for (size_t i = 0; i < json_object_array_length(sessions) && !booked; i++) {
                struct json_object *s = json_object_array_get_idx(sessions, i);
                const char *group = json_object_get_string(json_object_object_get(s, "group_id"));
                bool under_five = false;
                for (size_t g = 0; g < json_object_array_length(groups); g++) {
                        struct json_object *gr = json_object_array_get_idx(groups, g);
                        under_five |= strcmp(json_object_get_string(json_object_object_get(gr, "group_id")), group) == 0 &&
                                      json_object_array_length(json_object_object_get(gr, "meetings")) < 5;
                }
                if (!under_five)
                        continue;
                snprintf(cancelled, sizeof cancelled, "%s", json_object_get_string(json_object_object_get(s, "session_id")));
                harness_pullout_ok(&h, NULL, "cancel", cancelled, "--reason", "assembly", NULL);
                booked = harness_pullout(&h, NULL, NULL, "makeup", cancelled, "--book", "1", NULL) == 0;
        }
        ck_assert_msg(booked, "a Monday session of a group meeting under five times a week has a make-up slot");
        json_object_put(schedule), json_object_put(monday);
        struct json_object *week = week_sessions("2026-09-14");
        char makeup[64] = "";
        sessions = json_object_object_get(week, "sessions");
        for (size_t i = 0; i < json_object_array_length(sessions); i++) {
                struct json_object *s = json_object_array_get_idx(sessions, i), *of = json_object_object_get(s, "makes_up");
                if (of && strcmp(json_object_get_string(of), cancelled) == 0)
                        snprintf(makeup, sizeof makeup, "%s",
                                 json_object_get_string(json_object_object_get(s, "session_id")));
        }
        ck_assert_msg(*makeup, "the make-up of %s was booked", cancelled);
        json_object_put(week);

        for (const char *seed = "7"; seed; seed = strcmp(seed, "7") == 0 ? "8" : NULL) {
                harness_pullout_ok(&h, NULL, "solve", "--fresh", "--seed", seed, "--time-limit", "2", "--publish",
                                   "--from", "today", "--allow-drop", NULL);
                week = week_sessions("2026-09-14");
                struct json_object *m = session_named(week, makeup);
                ck_assert_msg(m, "the booked make-up %s is gone", makeup);
                ck_assert_str_eq(json_object_get_string(json_object_object_get(m, "status")), "scheduled");
                assert_nobody_double_booked(week);
                json_object_put(week);
        }
}
END_TEST

/* Sessions of the week per group (cancelled ones and make-ups aside), as "G5=3" words. */
static int week_count(struct json_object *list, const char *group) {
        struct json_object *sessions = json_object_object_get(list, "sessions");
        int n = 0;
        for (size_t i = 0; i < json_object_array_length(sessions); i++) {
                struct json_object *s = json_object_array_get_idx(sessions, i);
                n += strcmp(json_object_get_string(json_object_object_get(s, "group_id")), group) == 0 &&
                     strcmp(json_object_get_string(json_object_object_get(s, "status")), "cancelled") != 0 &&
                     !json_object_object_get(s, "makes_up");
        }
        return n;
}

/* On a Wednesday a version published from today says what the week in progress loses or
 * gains, group by group, and what it says is what the sessions show. */
START_TEST(test_a_publication_says_what_this_week_loses) {
        harness_pullout_ok(&h, NULL, "clock", "advance", "2d4h", NULL); /* Wednesday 11:30 */
        struct json_object *before = week_sessions("2026-09-14");
        struct json_object *published = harness_pullout_json(&h, "solve", "--fresh", "--seed", "7", "--time-limit", "2",
                                                             "--publish", "--from", "today", "--allow-drop", "--json",
                                                             NULL);
        struct json_object *after = week_sessions("2026-09-14");
        struct json_object *week = json_object_object_get(published, "this_week");
        ck_assert_int_gt(json_object_array_length(week), 0);
        for (size_t i = 0; i < json_object_array_length(week); i++) {
                char group[32] = "";
                int now = 0, was = 0;
                const char *line = json_object_get_string(json_object_array_get_idx(week, i));
                ck_assert_msg(sscanf(line, "%31s meets %d %*s this week instead of %d", group, &now, &was) == 3,
                              "%s", line);
                ck_assert_msg(now == week_count(after, group) && was == week_count(before, group),
                              "%s, but the sessions say %d instead of %d", line, week_count(after, group),
                              week_count(before, group));
        }
        json_object_put(before), json_object_put(after), json_object_put(published);
}
END_TEST

/* Before the first publication there is only a draft: whatever reads the schedule says so
 * and what to run, instead of sending the person back to the solve they just ran. */
START_TEST(test_before_the_first_publication_the_draft_is_named) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T07:30");
        harness_start_daemon(&h, NULL);
        char source[400];
        snprintf(source, sizeof source, "%s/examples/sample-school", harness_source());
        snprintf(school_dir, sizeof school_dir, "%s/school", h.dir);
        harness_copy_dir(source, school_dir);
        harness_pullout_ok(&h, NULL, "import", school_dir, NULL);
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "explain", "1084", NULL), 1);
        ck_assert_msg(strstr(err, "no schedule yet: run pullout solve"), "%s", err);
        free(err);
        harness_pullout_ok(&h, NULL, "solve", "--time-limit", "1", "--seed", "1", NULL);
        static const char *const readers[][3] = { { "explain", "1084", NULL }, { "schedule", NULL, NULL } };
        for (size_t i = 0; i < sizeof readers / sizeof *readers; i++) {
                ck_assert_int_eq(harness_pullout(&h, NULL, &err, readers[i][0], readers[i][1], NULL), 1);
                ck_assert_msg(strstr(err, "version 1 is a draft") && strstr(err, "pullout schedule publish"), "%s: %s",
                              readers[i][0], err);
                free(err);
        }
        harness_pullout_ok(&h, NULL, "schedule", "publish", NULL);
        harness_pullout_ok(&h, NULL, "explain", "1084", NULL);
        harness_stop(&h);
}
END_TEST

Suite *suite_versions(void) {
        Suite *suite = suite_create("versions");
        TCase *tcase = tcase_create("versions");
        tcase_set_timeout(tcase, 120);
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_a_draft_changes_nothing_anyone_sees);
        tcase_add_test(tcase, test_diff_is_what_comparing_the_versions_gives);
        tcase_add_test(tcase, test_publishing_a_drop_is_refused_naming_the_students);
        tcase_add_test(tcase, test_this_week_stays_and_what_happened_stands);
        tcase_add_test(tcase, test_revert_brings_the_old_meetings_back);
        tcase_add_test(tcase, test_a_revert_that_no_longer_fits_names_every_broken_rule);
        tcase_add_test(tcase, test_a_publication_from_beyond_the_stored_days_leaves_the_days_before_it);
        tcase_add_test(tcase, test_a_booked_makeup_stands_and_nobody_is_double_booked);
        tcase_add_test(tcase, test_a_publication_says_what_this_week_loses);
        tcase_add_test(tcase, test_publish_refuses_what_is_not_a_draft);
        suite_add_tcase(suite, tcase);
        TCase *first = tcase_create("before the first publication");
        tcase_set_timeout(first, 120);
        tcase_add_test(first, test_before_the_first_publication_the_draft_is_named);
        suite_add_tcase(suite, first);
        return suite;
}
