/* test-schedule.c: the weekly schedule through the real daemon: a school never seen solved
 * with no hard rule broken (checked here, independently of the solver), every need placed or
 * explained, the loop answering during a long solve, pins, manual moves and re-solves. */
#include <check.h>
#include <stdarg.h>
#include <dirent.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "import/import.h"

static struct harness h;

static void setup(void) {
        harness_start_bus(&h);
        harness_start_daemon(&h, NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

static void generate(const char *dir, const char *students, const char *seed) {
        const char *argv[] = { harness_gen_school(), "--students", students, "--seed", seed, dir, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, argv), 0);
}

static void run_ok(const char *what, char **ret_out, ...) __attribute__((sentinel));

/* pullout ARGS... must succeed; its stdout in *ret_out when not NULL. */
static void run_ok(const char *what, char **ret_out, ...) {
        const char *argv[32];
        int n = 0;
        argv[n++] = harness_pullout_path();
        argv[n++] = "--user";
        va_list ap;
        va_start(ap, ret_out);
        const char *arg;
        while ((arg = va_arg(ap, const char *)) && n < 31)
                argv[n++] = arg;
        va_end(ap);
        argv[n] = NULL;
        char *out = NULL, *err = NULL;
        int code = harness_command(&h, &out, &err, argv);
        ck_assert_msg(code == 0, "%s: exit %d: %s", what, code, err);
        if (ret_out)
                *ret_out = out;
        else
                free(out);
        free(err);
}

static struct json_object *schedule_json(void) {
        char *out;
        run_ok("schedule", &out, "schedule", "--json", NULL);
        struct json_object *schedule = json_tokener_parse(out);
        ck_assert_msg(schedule, "not JSON: %s", out);
        free(out);
        return schedule;
}

/* The data set read by the importer (not the solver), to check the daemon's schedule against. */
static struct school *load_school(const char *dir) {
        struct import_file files[16];
        char *data[16];
        size_t n = 0;
        DIR *d = opendir(dir);
        ck_assert_ptr_nonnull(d);
        struct dirent *entry;
        while ((entry = readdir(d)) && n < 16) {
                if (!strstr(entry->d_name, ".csv"))
                        continue;
                char path[600];
                snprintf(path, sizeof path, "%s/%s", dir, entry->d_name);
                data[n] = harness_read_file(path);
                files[n] = (struct import_file){ .name = strdup(entry->d_name), .data = data[n], .size = strlen(data[n]) };
                n++;
        }
        closedir(d);
        struct school *school = NULL;
        struct import_report report = { 0 };
        ck_assert_int_eq(import_school(files, n, &school, &report), 0);
        import_report_clear(&report);
        for (size_t i = 0; i < n; i++) {
                free((char *)files[i].name);
                free(data[i]);
        }
        return school;
}

static int minutes(const char *hhmm) {
        return atoi(hhmm) * 60 + atoi(hhmm + 3);
}

static int day_index(const char *letter) {
        const char *p = strchr("MTWRF", letter[0]);
        ck_assert_ptr_nonnull(p);
        return (int)(p - "MTWRF");
}

static bool overlaps(int a, int b, int c, int d) {
        return a < d && c < b;
}

/* Is the student out of class allowed in [start, end) on day for a program of area? */
static const char *student_conflict(const struct school *school, int student, int area, int day, int start, int end) {
        const struct student *s = &school->students[student];
        for (size_t i = 0; i < school->n_blocks; i++) {
                const struct block *b = &school->blocks[i];
                if (b->teacher != s->teacher || !(b->days & (1u << day)) || !overlaps(b->start, b->end, start, end))
                        continue;
                if (b->policy == POLICY_NEVER)
                        return "a never block";
                if (area_subject(area) == (int)b->subject)
                        return "core instruction of the intervention's own area";
        }
        for (size_t i = 0; i < school->n_services; i++) {
                const struct service *v = &school->services[i];
                if (v->student == student && (v->days & (1u << day)) && overlaps(v->start, v->end, start, end))
                        return "a service";
        }
        return NULL;
}

/* Every hard constraint of DESIGN §4, checked on the JSON the user sees. */
static void check_hard_constraints(const struct school *school, struct json_object *schedule) {
        struct json_object *groups = json_object_object_get(schedule, "groups");
        struct json_object *unscheduled = json_object_object_get(schedule, "unscheduled");
        size_t n_needs = school->n_needs;
        int *seen = calloc(n_needs, sizeof *seen);
        /* busy[person][day][minute] for students and staff */
        unsigned char(*student_busy)[5][1440] = calloc(school->n_students, sizeof *student_busy);
        unsigned char(*staff_busy)[5][1440] = calloc(school->n_staff, sizeof *staff_busy);
        int(*staff_per_day)[5] = calloc(school->n_staff, sizeof *staff_per_day);
        int transition = school->info.transition_minutes;

        for (size_t g = 0; g < json_object_array_length(groups); g++) {
                struct json_object *group = json_object_array_get_idx(groups, g);
                const char *gid = json_object_get_string(json_object_object_get(group, "group_id"));
                int program = school_find_program(school, json_object_get_string(json_object_object_get(group, "program_id")));
                int staff = school_find_staff(school, json_object_get_string(json_object_object_get(group, "staff_id")));
                ck_assert_int_ge(program, 0);
                ck_assert_int_ge(staff, 0);
                const struct program *p = &school->programs[program];
                ck_assert_msg(staff_can_teach(school, staff, program), "%s: staff not trained or not an interventionist", gid);
                struct json_object *students = json_object_object_get(group, "students");
                struct json_object *meetings = json_object_object_get(group, "meetings");
                size_t size = json_object_array_length(students);
                ck_assert_msg(size >= 1 && (int)size <= p->max_group, "%s: %zu students, max %d", gid, size, p->max_group);
                int lo = 99, hi = -1;
                int days_seen = 0;
                for (size_t i = 0; i < size; i++) {
                        int student = school_find_student(school, json_object_get_string(json_object_array_get_idx(students, i)));
                        ck_assert_int_ge(student, 0);
                        int need = school_find_need(school, student, program);
                        ck_assert_msg(need >= 0, "%s: a student without this need", gid);
                        seen[need]++;
                        const struct need *n = &school->needs[need];
                        ck_assert_msg((size_t)n->sessions_per_week == json_object_array_length(meetings),
                                      "%s: %zu meetings for %d a week", gid, json_object_array_length(meetings),
                                      n->sessions_per_week);
                        if (n->staff >= 0)
                                ck_assert_msg(n->staff == staff, "%s: pinned interventionist ignored", gid);
                        int grade = school->students[student].grade;
                        lo = grade < lo ? grade : lo;
                        hi = grade > hi ? grade : hi;
                        for (size_t m = 0; m < json_object_array_length(meetings); m++) {
                                struct json_object *meeting = json_object_array_get_idx(meetings, m);
                                int day = day_index(json_object_get_string(json_object_object_get(meeting, "day")));
                                int start = minutes(json_object_get_string(json_object_object_get(meeting, "start")));
                                int end = minutes(json_object_get_string(json_object_object_get(meeting, "end")));
                                ck_assert_msg(end - start == n->minutes, "%s: %d-minute meeting for %d", gid, end - start, n->minutes);
                                ck_assert_msg(start >= school->info.day_start && end <= school->info.day_end, "%s: outside the day", gid);
                                const char *why = student_conflict(school, student, p->area, day, start, end);
                                ck_assert_msg(!why, "%s: student %s is out during %s", gid, school->students[student].id, why);
                                for (int t = start; t < end; t++) {
                                        ck_assert_msg(!student_busy[student][day][t], "%s: student %s in two sessions",
                                                      gid, school->students[student].id);
                                        student_busy[student][day][t] = 1;
                                }
                        }
                }
                ck_assert_msg(hi - lo <= p->max_grade_span, "%s: grades span %d", gid, hi - lo);
                for (size_t m = 0; m < json_object_array_length(meetings); m++) {
                        struct json_object *meeting = json_object_array_get_idx(meetings, m);
                        int day = day_index(json_object_get_string(json_object_object_get(meeting, "day")));
                        int start = minutes(json_object_get_string(json_object_object_get(meeting, "start")));
                        int end = minutes(json_object_get_string(json_object_object_get(meeting, "end")));
                        ck_assert_msg(!(days_seen & (1 << day)), "%s: two meetings on one day", gid);
                        days_seen |= 1 << day;
                        bool available = false;
                        for (size_t a = 0; a < school->n_availability; a++) {
                                const struct availability *av = &school->availability[a];
                                available |= av->staff == staff && (av->days & (1u << day)) && av->start <= start &&
                                              end <= av->end;
                        }
                        ck_assert_msg(available, "%s: outside the interventionist's availability", gid);
                        /* One group at a time, with the transition after each session. */
                        int until = end + transition < 1440 ? end + transition : 1440;
                        for (int t = start; t < until; t++) {
                                ck_assert_msg(!staff_busy[staff][day][t] || t >= end, "%s: interventionist double-booked", gid);
                                if (t < end)
                                        ck_assert_msg(staff_busy[staff][day][t] != 2, "%s: no transition time", gid);
                        }
                        for (int t = start - transition < 0 ? 0 : start - transition; t < start; t++)
                                ck_assert_msg(staff_busy[staff][day][t] != 1, "%s: no transition before", gid);
                        for (int t = start; t < end; t++)
                                staff_busy[staff][day][t] = 1;
                        for (int t = end; t < until; t++)
                                if (!staff_busy[staff][day][t])
                                        staff_busy[staff][day][t] = 2;
                        staff_per_day[staff][day]++;
                        int max = school->staff[staff].max_sessions_per_day;
                        ck_assert_msg(max == 0 || staff_per_day[staff][day] <= max, "%s: over max sessions a day", gid);
                }
        }
        for (size_t i = 0; i < json_object_array_length(unscheduled); i++) {
                struct json_object *u = json_object_array_get_idx(unscheduled, i);
                int student = school_find_student(school, json_object_get_string(json_object_object_get(u, "student_id")));
                int program = school_find_program(school, json_object_get_string(json_object_object_get(u, "program_id")));
                int need = school_find_need(school, student, program);
                ck_assert_int_ge(need, 0);
                seen[need]++;
                const char *reason = json_object_get_string(json_object_object_get(u, "reason"));
                ck_assert_msg(reason && strlen(reason) > 20, "an unscheduled need without a reason");
        }
        for (size_t i = 0; i < n_needs; i++)
                ck_assert_msg(seen[i] == 1, "need %zu (%s, %s) appears %d times", i,
                              school->students[school->needs[i].student].id,
                              school->programs[school->needs[i].program].id, seen[i]);
        free(seen);
        free(student_busy);
        free(staff_busy);
        free(staff_per_day);
}

START_TEST(test_solves_a_school_never_seen_without_breaking_a_rule) {
        char dir[400];
        snprintf(dir, sizeof dir, "%s/school", h.dir);
        generate(dir, "500", "77");
        run_ok("import", NULL, "import", dir, NULL);
        char *out;
        run_ok("solve", &out, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "5", NULL);
        ck_assert_msg(strstr(out, "schedule version 1:"), "solve printed: %s", out);
        free(out);
        struct school *school = load_school(dir);
        struct json_object *schedule = schedule_json();
        ck_assert_int_eq(json_object_get_int64(json_object_object_get(schedule, "version")), 1);
        ck_assert_int_gt(json_object_array_length(json_object_object_get(schedule, "groups")), 0);
        check_hard_constraints(school, schedule);
        json_object_put(schedule);

        /* The terminal forms print without error. */
        run_ok("schedule", &out, "schedule", NULL);
        ck_assert_ptr_nonnull(strstr(out, "TIME"));
        free(out);

        /* The picture for the wall: well-formed SVG naming every group. */
        char svg[500];
        snprintf(svg, sizeof svg, "%s/week.svg", h.dir);
        run_ok("schedule --svg", NULL, "schedule", "--svg", svg, NULL);
        const char *parse[] = { "/usr/bin/python3", "-c", "import sys, xml.dom.minidom as m; m.parse(sys.argv[1])", svg, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, parse), 0);
        char *picture = harness_read_file(svg);
        struct json_object *again = schedule_json();
        struct json_object *groups = json_object_object_get(again, "groups");
        for (size_t g = 0; g < json_object_array_length(groups); g++) {
                const char *id = json_object_get_string(json_object_object_get(json_object_array_get_idx(groups, g), "group_id"));
                char needle[32];
                snprintf(needle, sizeof needle, " %s<", id);
                ck_assert_msg(strstr(picture, needle), "group %s missing from the picture", id);
        }
        json_object_put(again);
        free(picture);
        school_unref(school);
}
END_TEST

/* #11: the solve says how many it placed against the proven bound, uses its time when short of
 * it, and explain says which needs are lost to capacity and what time would seat them. */
START_TEST(test_overloaded_solve_reports_bound_and_uses_its_time) {
        char dir[400];
        snprintf(dir, sizeof dir, "%s/school", h.dir);
        const char *argv[] = { harness_gen_school(), "--students", "300", "--seed", "3", "--overloaded", dir, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, argv), 0);
        run_ok("import", NULL, "import", dir, NULL);
        char *out;
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        run_ok("solve", &out, "solve", "--publish", "--time-limit", "3", NULL);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double took = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
        long placed = -1, needs = -1, bound = -1;
        const char *line = strstr(out, "placed ");
        ck_assert_msg(line && sscanf(line, "placed %ld of %ld needs; no schedule can place more than %ld", &placed, &needs,
                                     &bound) == 3,
                      "%s", out);
        ck_assert_int_le(placed, bound);
        ck_assert_int_le(bound, needs);
        ck_assert_int_lt(bound, needs); /* overloaded: the bound knows it */
        free(out);
        /* Short of the bound, the search ran to its limit instead of stopping after a second. */
        if (placed < bound)
                ck_assert_msg(took >= 2.5, "stopped after %.2f s of 3 with %ld placed of at most %ld", took, placed, bound);

        struct json_object *schedule = schedule_json();
        struct json_object *metrics = json_object_object_get(schedule, "metrics");
        ck_assert_int_eq(json_object_get_int64(json_object_object_get(metrics, "placed")), placed);
        ck_assert_int_eq(json_object_get_int64(json_object_object_get(metrics, "upper_bound")), bound);
        struct json_object *unscheduled = json_object_object_get(schedule, "unscheduled");
        ck_assert_int_eq((long)json_object_array_length(unscheduled), needs - placed);
        int lost = 0;
        for (size_t i = 0; i < json_object_array_length(unscheduled) && lost == 0; i++) {
                struct json_object *u = json_object_array_get_idx(unscheduled, i);
                if (!strstr(json_object_get_string(json_object_object_get(u, "reason")), "lost to capacity"))
                        continue;
                lost++;
                const char *program = json_object_get_string(json_object_object_get(u, "program_id"));
                run_ok("explain", &out, "explain", json_object_get_string(json_object_object_get(u, "student_id")), NULL);
                char want[160];
                snprintf(want, sizeof want, "more of an interventionist trained for %s", program);
                ck_assert_msg(strstr(out, "lost to capacity") && strstr(out, want), "%s", out);
                free(out);
        }
        ck_assert_int_gt(lost, 0);
        json_object_put(schedule);
}
END_TEST

START_TEST(test_overloaded_school_places_what_time_allows_and_explains_the_rest) {
        char dir[400];
        snprintf(dir, sizeof dir, "%s/school", h.dir);
        const char *argv[] = { harness_gen_school(), "--students", "300", "--seed", "3", "--overloaded", dir, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, argv), 0);
        run_ok("import", NULL, "import", dir, NULL);
        run_ok("solve", NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "5", NULL);
        struct school *school = load_school(dir);
        struct json_object *schedule = schedule_json();
        check_hard_constraints(school, schedule);
        struct json_object *unscheduled = json_object_object_get(schedule, "unscheduled");
        ck_assert_int_gt(json_object_array_length(unscheduled), 0);
        /* explain names the same reason for an unplaced student. */
        struct json_object *first = json_object_array_get_idx(unscheduled, 0);
        const char *student = json_object_get_string(json_object_object_get(first, "student_id"));
        char *out;
        run_ok("explain", &out, "explain", student, NULL);
        ck_assert_msg(strstr(out, json_object_get_string(json_object_object_get(first, "program_id"))), "%s", out);
        free(out);
        json_object_put(schedule);
        school_unref(school);
}
END_TEST

START_TEST(test_loop_answers_during_a_long_solve_and_refuses_a_second) {
        char dir[400];
        snprintf(dir, sizeof dir, "%s/school", h.dir);
        generate(dir, "2000", "5");
        run_ok("import", NULL, "import", dir, NULL);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                char *out = NULL, *err = NULL;
                int code = harness_pullout(&h, &out, &err, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "30", "--fresh", NULL);
                _exit(code);
        }
        /* While the solve runs, status answers and says so, and a second solve is refused. */
        bool seen_solving = false, refused = false;
        for (int i = 0; i < 3000 && !(seen_solving && refused); i++) {
                char *out = NULL, *err = NULL;
                ck_assert_int_eq(harness_pullout(&h, &out, &err, "status", "--json", NULL), 0);
                struct json_object *status = json_tokener_parse(out);
                bool solving = json_object_get_boolean(json_object_object_get(status, "solving"));
                json_object_put(status);
                free(out);
                free(err);
                if (solving) {
                        seen_solving = true;
                        int code = harness_pullout(&h, NULL, &err, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "1", NULL);
                        if (code == 1 && err && strstr(err, "already running"))
                                refused = true;
                        free(err);
                }
                int status_code;
                if (waitpid(pid, &status_code, WNOHANG) == pid) {
                        pid = -1;
                        break;
                }
                usleep(5000);
        }
        ck_assert_msg(seen_solving, "status never answered during the solve");
        ck_assert_msg(refused, "a second solve was not refused with Busy");
        if (pid > 0) {
                int status_code;
                waitpid(pid, &status_code, 0);
                ck_assert_int_eq(WEXITSTATUS(status_code), 0);
        }
}
END_TEST

static struct json_object *group_of(struct json_object *schedule, const char *group_id) {
        struct json_object *groups = json_object_object_get(schedule, "groups");
        for (size_t g = 0; g < json_object_array_length(groups); g++) {
                struct json_object *group = json_object_array_get_idx(groups, g);
                if (strcmp(json_object_get_string(json_object_object_get(group, "group_id")), group_id) == 0)
                        return group;
        }
        return NULL;
}

START_TEST(test_pins_moves_and_resolves) {
        char sample[400];
        snprintf(sample, sizeof sample, "%s/examples/sample-school", harness_source());
        run_ok("import", NULL, "import", sample, NULL);
        run_ok("solve", NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "3", NULL);
        struct json_object *first = schedule_json();
        struct json_object *g0 = json_object_array_get_idx(json_object_object_get(first, "groups"), 0);
        char group_id[16];
        snprintf(group_id, sizeof group_id, "%s", json_object_get_string(json_object_object_get(g0, "group_id")));
        const char *meetings_before = json_object_to_json_string(json_object_object_get(g0, "meetings"));
        char *kept = strdup(meetings_before);

        /* Pinned: a fresh re-solve with another seed leaves it exactly as it was. */
        run_ok("pin", NULL, "pin", group_id, NULL);
        run_ok("solve", NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "2", "--fresh", "--seed", "99", NULL);
        struct json_object *second = schedule_json();
        struct json_object *pinned = group_of(second, group_id);
        ck_assert_ptr_nonnull(pinned);
        ck_assert(json_object_get_boolean(json_object_object_get(pinned, "pinned")));
        ck_assert_str_eq(json_object_to_json_string(json_object_object_get(pinned, "meetings")), kept);
        ck_assert_int_eq(json_object_get_int64(json_object_object_get(second, "version")), 2);
        run_ok("unpin", NULL, "unpin", group_id, NULL);

        /* A move into lunch (a never block for every homeroom at 12:00 is not guaranteed), so
         * move to 07:00: before the school day, which no school allows. */
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "move", group_id, "MTWRF", "06:00", NULL), 1);
        ck_assert_msg(err && strlen(err) > 20, "no reason given: %s", err);
        free(err);
        /* A wrong number of days is refused with the count the group needs. */
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "move", group_id, "M", "09:00", NULL), 1);
        ck_assert_msg(strstr(err, "times a week"), "got: %s", err);
        free(err);
        /* Moving a group onto the times it has is always allowed, and pins it. */
        struct json_object *m0 = json_object_array_get_idx(json_object_object_get(pinned, "meetings"), 0);
        char days[8] = "";
        struct json_object *meetings = json_object_object_get(pinned, "meetings");
        for (size_t i = 0; i < json_object_array_length(meetings); i++)
                strncat(days, json_object_get_string(json_object_object_get(json_object_array_get_idx(meetings, i), "day")), 1);
        run_ok("move", NULL, "move", group_id, days, json_object_get_string(json_object_object_get(m0, "start")), NULL);
        struct json_object *third = schedule_json();
        ck_assert(json_object_get_boolean(json_object_object_get(group_of(third, group_id), "pinned")));
        ck_assert_int_eq(json_object_get_int64(json_object_object_get(third, "version")), 3);

        /* A re-solve without --fresh keeps the published week: meetings change only where that
         * places more students (the week after a manual move may have room to use). */
        long placed_before = 0;
        struct json_object *groups = json_object_object_get(third, "groups");
        long total = 0;
        for (size_t g = 0; g < json_object_array_length(groups); g++) {
                struct json_object *group = json_object_array_get_idx(groups, g);
                total += (long)json_object_array_length(json_object_object_get(group, "meetings"));
                placed_before += (long)json_object_array_length(json_object_object_get(group, "students"));
        }
        for (int round = 0; round < 2; round++) {
                char *out;
                run_ok("solve", &out, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "2", "--json", NULL);
                struct json_object *summary = json_tokener_parse(out);
                free(out);
                long changed = json_object_get_int64(
                        json_object_object_get(json_object_object_get(summary, "metrics"), "changed_meetings"));
                long placed = json_object_get_int64(json_object_object_get(summary, "needs_scheduled"));
                ck_assert_msg(placed >= placed_before, "a re-solve dropped a placed need (%ld → %ld)", placed_before,
                              placed);
                ck_assert_msg(placed > placed_before || changed * 10 <= total,
                              "a re-solve that placed no one more changed %ld of %ld meetings", changed, total);
                placed_before = placed;
                json_object_put(summary);
        }
        free(kept);
        json_object_put(first);
        json_object_put(second);
        json_object_put(third);
}
END_TEST

START_TEST(test_errors_before_data_and_for_unknown_ids) {
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "solve", NULL), 1);
        ck_assert_msg(strstr(err, "import"), "got: %s", err);
        free(err);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "schedule", NULL), 1);
        free(err);
        char sample[400];
        snprintf(sample, sizeof sample, "%s/examples/sample-school", harness_source());
        run_ok("import", NULL, "import", sample, NULL);
        run_ok("solve", NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "2", NULL);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "explain", "no-such-student", NULL), 1);
        ck_assert_msg(strstr(err, "no student"), "got: %s", err);
        free(err);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "pin", "G999", NULL), 1);
        free(err);
        ck_assert_int_eq(harness_pullout(&h, NULL, NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "abc", NULL), 2);
        ck_assert_int_eq(harness_pullout(&h, NULL, NULL, "schedule", "--staff", "S1", "--teacher", "T01", NULL), 2);
        char *out;
        run_ok("schedule --staff", &out, "schedule", "--staff", "S1", "--json", NULL);
        struct json_object *schedule = json_tokener_parse(out);
        struct json_object *groups = json_object_object_get(schedule, "groups");
        for (size_t g = 0; g < json_object_array_length(groups); g++)
                ck_assert_str_eq(json_object_get_string(json_object_object_get(json_object_array_get_idx(groups, g), "staff_id")), "S1");
        json_object_put(schedule);
        free(out);
}
END_TEST

/* The penalty is the configured weights' sum, however a schedule was made: a group moved by
 * hand onto the times it has is the same schedule, so it gets the penalty the solve gave it. */
START_TEST(test_one_schedule_one_penalty) {
        harness_stop_daemon(&h);
        const char *weights[] = { "--set", "weights.interruption=97", "--set", "weights.avoid_minute=13",
                                  "--set", "weights.idle_minute=5", NULL };
        harness_start_daemon(&h, weights);
        char sample[400], *out = NULL;
        snprintf(sample, sizeof sample, "%s/examples/sample-school", harness_source());
        run_ok("import", NULL, "import", sample, NULL);
        run_ok("solve", &out, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "2", "--json", NULL);
        struct json_object *solved = json_tokener_parse(out);
        free(out);
        struct json_object *metrics = json_object_object_get(solved, "metrics");
        long penalty = json_object_get_int64(json_object_object_get(metrics, "penalty"));
        long interruptions = json_object_get_int64(json_object_object_get(metrics, "interruptions"));
        ck_assert_int_gt(interruptions, 0); /* so the configured interruption weight counts */

        struct json_object *schedule = schedule_json();
        struct json_object *group = json_object_array_get_idx(json_object_object_get(schedule, "groups"), 0);
        struct json_object *meetings = json_object_object_get(group, "meetings");
        char days[8] = "";
        for (size_t i = 0; i < json_object_array_length(meetings); i++)
                strncat(days, json_object_get_string(json_object_object_get(json_object_array_get_idx(meetings, i), "day")),
                        1);
        const char *start = json_object_get_string(json_object_object_get(json_object_array_get_idx(meetings, 0), "start"));
        /* A group of the sample school meets at one time on all its days. */
        for (size_t i = 0; i < json_object_array_length(meetings); i++)
                ck_assert_str_eq(json_object_get_string(json_object_object_get(json_object_array_get_idx(meetings, i),
                                                                               "start")),
                                 start);
        run_ok("move", &out, "move", json_object_get_string(json_object_object_get(group, "group_id")), days, start,
               "--json", NULL);
        struct json_object *moved = json_tokener_parse(out);
        ck_assert_msg(moved, "not JSON: %s", out);
        free(out);
        long moved_penalty =
                json_object_get_int64(json_object_object_get(json_object_object_get(moved, "metrics"), "penalty"));
        ck_assert_msg(moved_penalty == penalty, "the solve scored the schedule %ld, the same schedule moved by hand %ld",
                      penalty, moved_penalty);
        struct json_object *after = schedule_json();
        ck_assert_int_eq(json_object_get_int64(json_object_object_get(json_object_object_get(after, "metrics"), "penalty")),
                         penalty);
        json_object_put(after);
        json_object_put(moved);
        json_object_put(schedule);
        json_object_put(solved);
}
END_TEST

Suite *suite_schedule(void) {
        Suite *suite = suite_create("schedule");
        TCase *tcase = tcase_create("solve");
        tcase_set_timeout(tcase, 120);
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_solves_a_school_never_seen_without_breaking_a_rule);
        tcase_add_test(tcase, test_overloaded_school_places_what_time_allows_and_explains_the_rest);
        tcase_add_test(tcase, test_overloaded_solve_reports_bound_and_uses_its_time);
        tcase_add_test(tcase, test_loop_answers_during_a_long_solve_and_refuses_a_second);
        tcase_add_test(tcase, test_pins_moves_and_resolves);
        tcase_add_test(tcase, test_one_schedule_one_penalty);
        tcase_add_test(tcase, test_errors_before_data_and_for_unknown_ids);
        suite_add_tcase(suite, tcase);
        return suite;
}
