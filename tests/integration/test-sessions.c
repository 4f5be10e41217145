/* test-sessions.c: a generated school lives a week on the manual clock: one reminder and one
 * prompt per session, missed-session signals exactly for the unlogged ones, dosage counted by
 * hand from the script, a make-up booked for the next day, and a SIGKILL mid-week that
 * repeats nothing and loses nothing. Signals are counted by a listener on the private bus. */
#include <check.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>

#include "harness.h"
#include "model/occurrence.h"

static struct harness h;

/* ---- the listener ---- */

#define SEEN_MAX 4096

struct seen {
        char member[24];
        char id[48];
        int count;
};

static struct seen seen[SEEN_MAX];
static size_t n_seen;
static sd_bus *listener;

static int on_signal(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *member = sd_bus_message_get_member(message);
        char id[48] = "";
        if (strcmp(member, "Alert") == 0 || strcmp(member, "ScheduleChanged") == 0) {
                int64_t number;
                const char *doc;
                if (sd_bus_message_read(message, "xs", &number, &doc) >= 0)
                        snprintf(id, sizeof id, "%lld", (long long)number);
        } else {
                const char *session, *doc;
                if (sd_bus_message_read(message, "ss", &session, &doc) >= 0)
                        snprintf(id, sizeof id, "%s", session);
        }
        for (size_t i = 0; i < n_seen; i++)
                if (strcmp(seen[i].member, member) == 0 && strcmp(seen[i].id, id) == 0) {
                        seen[i].count++;
                        return 0;
                }
        ck_assert_uint_lt(n_seen, SEEN_MAX);
        snprintf(seen[n_seen].member, sizeof seen[n_seen].member, "%s", member);
        snprintf(seen[n_seen].id, sizeof seen[n_seen].id, "%s", id);
        seen[n_seen++].count = 1;
        return 0;
}

static int count_of(const char *member, const char *id) {
        for (size_t i = 0; i < n_seen; i++)
                if (strcmp(seen[i].member, member) == 0 && strcmp(seen[i].id, id) == 0)
                        return seen[i].count;
        return 0;
}

static int total_of(const char *member) {
        int total = 0;
        for (size_t i = 0; i < n_seen; i++)
                if (strcmp(seen[i].member, member) == 0)
                        total += seen[i].count;
        return total;
}

static void listen_start(void) {
        n_seen = 0;
        ck_assert_int_ge(sd_bus_new(&listener), 0);
        ck_assert_int_ge(sd_bus_set_address(listener, h.bus_address), 0);
        ck_assert_int_ge(sd_bus_set_bus_client(listener, 1), 0);
        ck_assert_int_ge(sd_bus_start(listener), 0);
        ck_assert_int_ge(sd_bus_match_signal(listener, NULL, NULL, "/org/pullout/Scheduler1", "org.pullout.Scheduler1",
                                             NULL, on_signal, NULL),
                         0);
}

/* Everything the daemon sent before it answers this call has reached us (one sender, one
 * receiver: the bus keeps the order); then it is dispatched. */
static void listen_drain(void) {
        sd_bus_message *reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = sd_bus_call_method(listener, "org.pullout.Scheduler1", "/org/pullout/Scheduler1",
                                   "org.pullout.Scheduler1", "Status", &error, &reply, "");
        ck_assert_msg(r >= 0, "Status: %s", error.message);
        sd_bus_message_unref(reply);
        sd_bus_error_free(&error);
        while (sd_bus_process(listener, NULL) > 0)
                ;
}

/* ---- driving the daemon ---- */

static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T06:00");
        harness_start_daemon(&h, NULL);
        listen_start();
}

static void teardown(void) {
        listener = sd_bus_flush_close_unref(listener);
        harness_stop(&h);
}

static void pullout_ok(const char *what, char **ret_out, ...) __attribute__((sentinel));

/* Runs pullout with up to 12 arguments and asserts exit 0. */
static void pullout_ok(const char *what, char **ret_out, ...) {
        const char *args[16] = { 0 };
        va_list ap;
        va_start(ap, ret_out);
        for (int i = 0; i < 14 && (args[i] = va_arg(ap, const char *)); i++)
                ;
        va_end(ap);
        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, args[0], args[1], args[2], args[3], args[4], args[5], args[6],
                                   args[7], args[8], args[9], args[10], args[11], args[12], (char *)NULL);
        ck_assert_msg(code == 0, "%s: exit %d: %s", what, code, err);
        if (ret_out)
                *ret_out = out;
        else
                free(out);
        free(err);
}

static struct json_object *pullout_json(const char *what, const char *a, const char *b, const char *c,
                                        const char *d) {
        char *out = NULL;
        pullout_ok(what, &out, a, b, c, d, (char *)NULL);
        struct json_object *o = json_tokener_parse(out);
        ck_assert_msg(o, "%s printed no JSON: %s", what, out);
        free(out);
        return o;
}

static void advance(const char *duration) {
        pullout_ok("clock advance", NULL, "clock", "advance", duration, (char *)NULL);
        listen_drain();
}

static const char *str(struct json_object *o, const char *key) {
        struct json_object *v = json_object_object_get(o, key);
        return v ? json_object_get_string(v) : "";
}

static void import_generated_school(void) {
        char dir[400];
        snprintf(dir, sizeof dir, "%s/school", h.dir);
        const char *argv[] = { harness_gen_school(), "--seed", "77", "--students", "220", "--interventionists", "3",
                               dir, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, argv), 0);
        pullout_ok("import", NULL, "import", dir, (char *)NULL);
        pullout_ok("solve", NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "3", (char *)NULL);
        listen_drain();
}

/* ---- what the test did, to count by hand ---- */

enum action { LEFT_UNLOGGED, LOGGED_SHORT_ONE_ABSENT, LOGGED_FULL, CANCELLED };

#define SESSIONS_MAX 1024
#define STUDENTS_PER_SESSION 8

struct done {
        char id[48];
        char group[32];
        char date[11];
        char start[6];
        int planned;
        bool makeup;
        enum action action;
        char students[STUDENTS_PER_SESSION][16];
        int n_students;
        char absent[16];
        int minutes;
};

static struct done done[SESSIONS_MAX];
static size_t n_done;

static struct done *find_done(const char *id) {
        for (size_t i = 0; i < n_done; i++)
                if (strcmp(done[i].id, id) == 0)
                        return &done[i];
        return NULL;
}

static void remember(struct json_object *s) {
        if (find_done(str(s, "session_id")))
                return;
        ck_assert_uint_lt(n_done, SESSIONS_MAX);
        struct done *d = &done[n_done++];
        memset(d, 0, sizeof *d);
        snprintf(d->id, sizeof d->id, "%s", str(s, "session_id"));
        snprintf(d->group, sizeof d->group, "%s", str(s, "group_id"));
        snprintf(d->date, sizeof d->date, "%s", str(s, "date"));
        snprintf(d->start, sizeof d->start, "%s", str(s, "start"));
        d->planned = json_object_get_int(json_object_object_get(s, "planned_minutes"));
        d->makeup = json_object_object_get(s, "makes_up") != NULL;
        struct json_object *students = json_object_object_get(s, "students");
        for (size_t i = 0; i < json_object_array_length(students) && i < STUDENTS_PER_SESSION; i++)
                snprintf(d->students[d->n_students++], 16, "%s",
                         str(json_object_array_get_idx(students, i), "student_id"));
}

static void load_week(void) {
        struct json_object *week = pullout_json("sessions --week", "sessions", "--week", "2026-09-14", "--json");
        struct json_object *list = json_object_object_get(week, "sessions");
        for (size_t i = 0; i < json_object_array_length(list); i++)
                remember(json_object_array_get_idx(list, i));
        json_object_put(week);
}

/* The day's script: of every four sessions, one is left unlogged, one logged 5 minutes short
 * with its first student absent, one logged in full, one cancelled (the daemon asked for its
 * checklist anyway: the cancellation comes after the end). Make-ups are always logged. */
static void live_day(const char *date, int *counter) {
        for (size_t i = 0; i < n_done; i++) {
                struct done *d = &done[i];
                if (strcmp(d->date, date) != 0)
                        continue;
                int k = d->makeup ? 2 : (*counter)++ % 4;
                char minutes[16];
                switch (k) {
                case 0:
                        d->action = LEFT_UNLOGGED;
                        break;
                case 1:
                        d->action = LOGGED_SHORT_ONE_ABSENT;
                        d->minutes = d->planned - 5;
                        snprintf(d->absent, sizeof d->absent, "%s", d->students[0]);
                        snprintf(minutes, sizeof minutes, "%d", d->minutes);
                        pullout_ok("log short", NULL, "log", d->id, "--absent", d->absent, "--minutes", minutes,
                                   "--fidelity", "1", (char *)NULL);
                        break;
                case 2:
                        d->action = LOGGED_FULL;
                        d->minutes = d->planned;
                        pullout_ok("log", NULL, "log", d->id, "--fidelity", "all", (char *)NULL);
                        break;
                default:
                        d->action = CANCELLED;
                        pullout_ok("cancel", NULL, "cancel", d->id, "--reason", "assembly", (char *)NULL);
                        break;
                }
        }
}

START_TEST(test_a_week_of_sessions_across_a_restart) {
        import_generated_school();
        load_week();
        ck_assert_uint_gt(n_done, 20);
        int counter = 0;

        /* Monday: the day lived, then a cancelled session made up on Tuesday. */
        advance("10h"); /* 16:00 */
        live_day("2026-09-14", &counter);
        /* A cancelled session made up: on Tuesday when one can be, else on the earliest day
         * the solver offers. */
        char cancelled[48] = "", makeup_date[11] = "";
        int tuesday = -1;
        for (size_t i = 0; i < n_done && tuesday < 0; i++) {
                if (done[i].action != CANCELLED)
                        continue;
                struct json_object *slots = pullout_json("makeup", "makeup", done[i].id, "--json", NULL);
                struct json_object *list = json_object_object_get(slots, "slots");
                for (size_t k = 0; k < json_object_array_length(list) && tuesday < 0; k++) {
                        const char *date = str(json_object_array_get_idx(list, k), "date");
                        if (!cancelled[0] || strcmp(date, "2026-09-15") == 0) {
                                snprintf(cancelled, sizeof cancelled, "%s", done[i].id);
                                snprintf(makeup_date, sizeof makeup_date, "%s", date);
                                if (strcmp(date, "2026-09-15") == 0)
                                        tuesday = (int)k + 1;
                        }
                }
                json_object_put(slots);
        }
        ck_assert_msg(cancelled[0], "no cancelled session has a make-up slot this week");
        if (tuesday < 0) {
                /* Book the best slot of the first cancelled session that had one. */
                struct json_object *slots = pullout_json("makeup", "makeup", cancelled, "--json", NULL);
                snprintf(makeup_date, sizeof makeup_date, "%s",
                         str(json_object_array_get_idx(json_object_object_get(slots, "slots"), 0), "date"));
                tuesday = 1;
                json_object_put(slots);
        }
        char rank[8];
        snprintf(rank, sizeof rank, "%d", tuesday);
        char *booked_text = NULL;
        pullout_ok("makeup --book", &booked_text, "makeup", cancelled, "--book", rank, "--json", (char *)NULL);
        struct json_object *booked = json_tokener_parse(booked_text);
        ck_assert_msg(booked, "makeup --book --json printed no JSON: %s", booked_text);
        free(booked_text);
        char makeup_id[48];
        snprintf(makeup_id, sizeof makeup_id, "%s", str(booked, "session_id"));
        json_object_put(booked);
        /* Seen in that day's sessions, as a make-up of the cancelled one. */
        struct json_object *next = pullout_json("sessions --date", "sessions", "--date", makeup_date, "--json");
        bool found = false;
        struct json_object *next_list = json_object_object_get(next, "sessions");
        for (size_t i = 0; i < json_object_array_length(next_list); i++) {
                struct json_object *s = json_object_array_get_idx(next_list, i);
                if (strcmp(str(s, "session_id"), makeup_id) == 0) {
                        found = true;
                        ck_assert_str_eq(str(s, "makes_up"), cancelled);
                        ck_assert_str_eq(str(s, "status"), "scheduled");
                        remember(s);
                }
        }
        ck_assert_msg(found, "make-up %s not in the sessions of %s", makeup_id, makeup_date);
        json_object_put(next);

        advance("24h"); /* Tue 16:00 */
        live_day("2026-09-15", &counter);
        advance("24h"); /* Wed 16:00 */
        live_day("2026-09-16", &counter);

        /* Killed without warning; back Thursday 10:00. */
        kill(h.daemon_pid, SIGKILL);
        waitpid(h.daemon_pid, NULL, 0);
        h.daemon_pid = 0;
        snprintf(h.now, sizeof h.now, "2026-09-17T10:00");
        harness_start_daemon(&h, NULL);
        listen_drain();

        advance("6h"); /* Thu 16:00 */
        live_day("2026-09-17", &counter);
        advance("24h"); /* Fri 16:00 */
        live_day("2026-09-18", &counter);
        advance("26h"); /* Sat 18:00: every grace period is over */

        int unlogged = 0;
        for (size_t i = 0; i < n_done; i++) {
                struct done *d = &done[i];
                /* Past reminders are skipped on restart, never sent late; every other once. */
                bool skipped = strcmp(d->date, "2026-09-17") == 0 && strcmp(d->start, "10:00") < 0;
                ck_assert_msg(count_of("SessionReminder", d->id) == (skipped ? 0 : 1), "%s: %d reminders", d->id,
                              count_of("SessionReminder", d->id));
                ck_assert_msg(count_of("FidelityCheckDue", d->id) == 1, "%s: %d prompts", d->id,
                              count_of("FidelityCheckDue", d->id));
                int missed = d->action == LEFT_UNLOGGED ? 1 : 0;
                unlogged += missed;
                ck_assert_msg(count_of("SessionMissed", d->id) == missed, "%s: %d missed signals", d->id,
                              count_of("SessionMissed", d->id));
        }
        ck_assert_int_gt(unlogged, 0);
        /* The groups that left a session unlogged. */
        int unlogged_groups = 0;
        for (size_t i = 0; i < n_done; i++) {
                bool earlier = false;
                for (size_t k = 0; k < i; k++)
                        earlier |= done[k].action == LEFT_UNLOGGED && strcmp(done[k].group, done[i].group) == 0;
                unlogged_groups += done[i].action == LEFT_UNLOGGED && !earlier;
        }

        /* Alerts: one per group that left sessions unlogged (not one per session), each
         * signalled once. */
        struct json_object *alerts = pullout_json("alerts", "alerts", "--all", "--json", NULL);
        struct json_object *alert_list = json_object_object_get(alerts, "alerts");
        int missed_alerts = 0;
        for (size_t i = 0; i < json_object_array_length(alert_list); i++) {
                struct json_object *a = json_object_array_get_idx(alert_list, i);
                char id[24];
                snprintf(id, sizeof id, "%lld", (long long)json_object_get_int64(json_object_object_get(a, "alert_id")));
                ck_assert_int_eq(count_of("Alert", id), 1);
                if (strcmp(str(a, "kind"), "missed_session") == 0)
                        missed_alerts++;
        }
        ck_assert_int_eq(missed_alerts, unlogged_groups);
        ck_assert_int_eq(total_of("Alert"), (int)json_object_array_length(alert_list));
        json_object_put(alerts);

        /* Dosage, counted by hand from what was done. */
        struct json_object *dosage = pullout_json("dosage", "dosage", "--json", NULL, NULL);
        struct json_object *students = json_object_object_get(dosage, "students");
        size_t checked = 0;
        for (size_t i = 0; i < json_object_array_length(students); i++) {
                struct json_object *row = json_object_array_get_idx(students, i);
                const char *student = str(row, "student_id");
                long planned = 0, delivered = 0, planned_n = 0, delivered_n = 0;
                for (size_t k = 0; k < n_done; k++) {
                        struct done *d = &done[k];
                        bool member = false;
                        for (int m = 0; m < d->n_students; m++)
                                member |= strcmp(d->students[m], student) == 0;
                        if (!member)
                                continue;
                        if (!d->makeup) {
                                planned += d->planned;
                                planned_n++;
                        }
                        bool present = (d->action == LOGGED_FULL || d->action == LOGGED_SHORT_ONE_ABSENT) &&
                                       strcmp(d->absent, student) != 0;
                        if (present) {
                                delivered += d->minutes;
                                delivered_n++;
                        }
                }
                struct json_object *week = json_object_object_get(row, "week");
                ck_assert_msg(json_object_get_int64(json_object_object_get(week, "planned_minutes")) == planned,
                              "%s planned", student);
                ck_assert_msg(json_object_get_int64(json_object_object_get(week, "delivered_minutes")) == delivered,
                              "%s delivered %lld, expected %ld", student,
                              (long long)json_object_get_int64(json_object_object_get(week, "delivered_minutes")),
                              delivered);
                ck_assert_int_eq(json_object_get_int64(json_object_object_get(week, "planned_sessions")), planned_n);
                ck_assert_int_eq(json_object_get_int64(json_object_object_get(week, "delivered_sessions")), delivered_n);
                int percent = planned > 0 ? (int)(delivered * 100 / planned) : -1;
                const char *band = percent < 0 ? "none" : percent >= 80 ? "high" : percent >= 60 ? "adequate"
                                                                        : percent >= 40 ? "partial" : "low";
                ck_assert_str_eq(str(week, "band"), band);
                checked++;
        }
        ck_assert_uint_gt(checked, 10);
        json_object_put(dosage);
}
END_TEST

START_TEST(test_clock_refused_in_real_mode_and_log_errors) {
        /* A second daemon on the real clock, on its own bus. */
        listener = sd_bus_flush_close_unref(listener);
        harness_stop(&h);
        harness_start_bus(&h);
        harness_start_daemon(&h, NULL);
        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, "clock", "advance", "1h", NULL);
        ck_assert_int_eq(code, 1);
        ck_assert_ptr_nonnull(strstr(err, "--clock=manual"));
        free(out);
        free(err);
        code = harness_pullout(&h, &out, &err, "log", "G1-20260914-0940", NULL);
        ck_assert_int_eq(code, 1);
        ck_assert_ptr_nonnull(strstr(err, "nothing imported"));
        free(out);
        free(err);
        code = harness_pullout(&h, &out, &err, "cancel", "G1-20260914-0940", NULL);
        ck_assert_int_eq(code, 2);
        free(out);
        free(err);
        listen_start();
}
END_TEST

/* `pullout watch --json` prints every signal as it comes, one JSON object a line. */
START_TEST(test_watch_prints_each_signal_as_it_comes) {
        char sample[400], out_path[400];
        snprintf(sample, sizeof sample, "%s/examples/sample-school", harness_source());
        pullout_ok("import", NULL, "import", sample, (char *)NULL);
        pullout_ok("solve", NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "2", (char *)NULL);
        snprintf(out_path, sizeof out_path, "%s/watch.out", h.dir);
        const char *argv[] = { harness_pullout_path(), "--user", "watch", "--json", NULL };
        pid_t watch = harness_spawn(&h, argv, out_path);
        /* It prints nothing until a signal comes: publish until it has seen one, so that it is
         * surely listening before the day starts. */
        char *printed = NULL;
        for (int i = 0; i < 50 && !(printed && strstr(printed, "ScheduleChanged")); i++) {
                free(printed);
                pullout_ok("solve", NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "1", (char *)NULL);
                usleep(50000);
                printed = harness_read_file(out_path);
        }
        ck_assert_msg(printed && strstr(printed, "ScheduleChanged"), "watch never printed a ScheduleChanged");
        free(printed);
        pullout_ok("clock advance", NULL, "clock", "advance", "5h", (char *)NULL); /* 06:00 -> 11:00 */
        char *text = NULL;
        for (int i = 0; i < 200; i++, usleep(10000)) {
                free(text);
                text = harness_read_file(out_path);
                if (text && strstr(text, "FidelityCheckDue"))
                        break;
        }
        kill(watch, SIGTERM);
        waitpid(watch, NULL, 0);
        ck_assert_msg(text && strstr(text, "SessionReminder"), "watch printed: %s", text ? text : "(nothing)");
        ck_assert_msg(strstr(text, "FidelityCheckDue"), "watch printed: %s", text);
        /* One JSON object a line. */
        size_t lines = 0;
        for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                struct json_object *o = json_tokener_parse(line);
                ck_assert_msg(o, "not JSON: %s", line);
                json_object_put(o);
                lines++;
        }
        ck_assert_int_gt(lines, 1);
        free(text);
}
END_TEST

/* Weeks past the stored horizon are there when someone looks, and can be cancelled ahead. */
START_TEST(test_weeks_ahead_are_listed_and_cancelled_on_demand) {
        char sample[400];
        snprintf(sample, sizeof sample, "%s/examples/sample-school", harness_source());
        pullout_ok("import", NULL, "import", sample, (char *)NULL);
        pullout_ok("solve", NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "2", (char *)NULL);
        char *out = NULL;
        pullout_ok("sessions far ahead", &out, "sessions", "--week", "2027-03-01", "--json", (char *)NULL);
        struct json_object *week = json_tokener_parse(out);
        free(out);
        struct json_object *sessions = json_object_object_get(week, "sessions");
        ck_assert_int_gt(json_object_array_length(sessions), 0);
        const char *id = json_object_get_string(json_object_object_get(json_object_array_get_idx(sessions, 0),
                                                                       "session_id"));
        char later[64];
        /* The same group a week later: not listed yet, cancelled all the same. */
        char group[GROUP_ID_MAX];
        civil_date date;
        int start;
        ck_assert_int_eq(occurrence_session_id_parse(id, group, &date, &start), 0);
        occurrence_session_id(group, date + 7, start, later);
        pullout_ok("cancel ahead", NULL, "cancel", later, "--reason", "state testing", (char *)NULL);
        pullout_ok("sessions", &out, "sessions", "--date", "2027-03-08", "--json", (char *)NULL);
        ck_assert_msg(strstr(out, later) && strstr(out, "cancelled"), "%s", out);
        free(out);
        json_object_put(week);
}
END_TEST

Suite *suite_sessions(void) {
        Suite *suite = suite_create("sessions");
        TCase *tcase = tcase_create("a week on the manual clock");
        tcase_set_timeout(tcase, 180);
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_a_week_of_sessions_across_a_restart);
        tcase_add_test(tcase, test_clock_refused_in_real_mode_and_log_errors);
        tcase_add_test(tcase, test_watch_prints_each_signal_as_it_comes);
        tcase_add_test(tcase, test_weeks_ahead_are_listed_and_cancelled_on_demand);
        suite_add_tcase(suite, tcase);
        return suite;
}
