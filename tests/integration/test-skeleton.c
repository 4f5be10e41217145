/* test-skeleton.c: the walking skeleton end to end: the real pulloutd on a private bus, driven
 * by the real pullout: imports counted, a broken data set rejected whole with every fault at
 * its FILE:LINE, a second daemon refused, a clean shutdown that keeps the data. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "harness.h"
#include "tools/schoolgen/schoolgen.h"

static struct harness h;

static void setup(void) {
        harness_start_bus(&h);
        harness_start_daemon(&h, NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

static struct json_object *status_json(void) {
        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, "status", "--json", NULL);
        ck_assert_msg(code == 0, "pullout status: exit %d: %s", code, err);
        struct json_object *status = json_tokener_parse(out);
        ck_assert_msg(status, "pullout status --json printed no JSON: %s", out);
        free(out);
        free(err);
        return status;
}

static int64_t count_of(struct json_object *status, const char *kind) {
        struct json_object *counts = json_object_object_get(status, "counts");
        return json_object_get_int64(json_object_object_get(counts, kind));
}

static void import_ok(const char *dir) {
        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, "import", dir, NULL);
        ck_assert_msg(code == 0, "pullout import %s: exit %d: %s", dir, code, err);
        free(out);
        free(err);
}

START_TEST(test_import_a_school_never_seen_and_count_it) {
        /* A school made for this run, counted from the generator's own model. */
        struct schoolgen_params params = { .seed = 4242, .students = 350, .interventionists = 4 };
        struct school *school = NULL;
        char dir[400];
        ck_assert_int_eq(schoolgen_build(&params, &school), 0);
        snprintf(dir, sizeof dir, "%s/school", h.dir);
        const char *argv[] = { harness_gen_school(), "--seed", "4242", "--students", "350",
                               "--interventionists", "4", dir, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, argv), 0);

        import_ok(dir);
        struct json_object *status = status_json();
        ck_assert_str_eq(json_object_get_string(json_object_object_get(status, "school")), school->info.name);
        ck_assert_int_eq(count_of(status, "students"), (int64_t)school->n_students);
        ck_assert_int_eq(count_of(status, "teachers"), (int64_t)school->n_teachers);
        ck_assert_int_eq(count_of(status, "staff"), (int64_t)school->n_staff);
        ck_assert_int_eq(count_of(status, "programs"), (int64_t)school->n_programs);
        ck_assert_int_eq(count_of(status, "needs"), (int64_t)school->n_needs);
        ck_assert_int_eq(count_of(status, "services"), (int64_t)school->n_services);
        ck_assert_int_eq(count_of(status, "availability"), (int64_t)school->n_availability);
        ck_assert_int_eq(count_of(status, "calendar_days"), (int64_t)school->n_calendar);
        json_object_put(status);
        school_unref(school);
}
END_TEST

/* The 1-based line of the first line of path that contains text. */
static int line_of(const char *path, const char *text) {
        char *data = harness_read_file(path);
        ck_assert_ptr_nonnull(data);
        char *hit = strstr(data, text);
        ck_assert_msg(hit, "%s has no \"%s\"", path, text);
        int line = 1;
        for (char *p = data; p < hit; p++)
                line += *p == '\n';
        free(data);
        return line;
}

START_TEST(test_broken_data_set_is_rejected_whole) {
        char sample[400], broken[400], path[500];
        snprintf(sample, sizeof sample, "%s/examples/sample-school", harness_source());
        import_ok(sample);
        struct json_object *before = status_json();

        /* A copy broken in four files, each in a way a person makes. */
        snprintf(broken, sizeof broken, "%s/broken", h.dir);
        harness_copy_dir(sample, broken);
        snprintf(path, sizeof path, "%s/timetable.csv", broken);
        harness_edit_file(path, "T03,MTWRF,08:15", "T03,MTWRF,08:75");
        int timetable_line = line_of(path, "08:75");
        snprintf(path, sizeof path, "%s/students.csv", broken);
        harness_edit_file(path, ",T04\n", ",T99\n");
        int students_line = line_of(path, ",T99");
        snprintf(path, sizeof path, "%s/needs.csv", broken);
        harness_edit_file(path, ",LLI-P,", ",LLI-X,");
        int needs_line = line_of(path, "LLI-X");
        snprintf(path, sizeof path, "%s/availability.csv", broken);
        harness_edit_file(path, "S1,MTWRF,", "S1,MTWXF,");
        int availability_line = line_of(path, "MTWXF");

        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, "import", broken, NULL);
        ck_assert_int_eq(code, 1);
        char expected[200];
        snprintf(expected, sizeof expected, "timetable.csv:%d: column start:", timetable_line);
        ck_assert_msg(strstr(err, expected), "no \"%s\" in:\n%s", expected, err);
        snprintf(expected, sizeof expected, "students.csv:%d: column teacher_id:", students_line);
        ck_assert_msg(strstr(err, expected), "no \"%s\" in:\n%s", expected, err);
        snprintf(expected, sizeof expected, "needs.csv:%d: column program_id:", needs_line);
        ck_assert_msg(strstr(err, expected), "no \"%s\" in:\n%s", expected, err);
        snprintf(expected, sizeof expected, "availability.csv:%d: column days:", availability_line);
        ck_assert_msg(strstr(err, expected), "no \"%s\" in:\n%s", expected, err);
        free(out);
        free(err);

        /* Nothing stored changed. */
        struct json_object *after = status_json();
        ck_assert_str_eq(json_object_to_json_string(json_object_object_get(after, "counts")),
                         json_object_to_json_string(json_object_object_get(before, "counts")));
        json_object_put(before);
        json_object_put(after);
}
END_TEST

START_TEST(test_missing_file_and_usage_errors) {
        char dir[400], path[500];
        snprintf(dir, sizeof dir, "%s/partial", h.dir);
        char sample[400];
        snprintf(sample, sizeof sample, "%s/examples/sample-school", harness_source());
        harness_copy_dir(sample, dir);
        snprintf(path, sizeof path, "%s/staff.csv", dir);
        ck_assert_int_eq(remove(path), 0);
        char *out = NULL, *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, &out, &err, "import", dir, NULL), 1);
        ck_assert_msg(strstr(err, "staff.csv: missing required file"), "got: %s", err);
        free(out);
        free(err);

        ck_assert_int_eq(harness_pullout(&h, NULL, NULL, "import", NULL), 2);
        ck_assert_int_eq(harness_pullout(&h, NULL, NULL, "no-such-command", NULL), 2);
        ck_assert_int_eq(harness_pullout(&h, NULL, NULL, "status", "--bogus", NULL), 2);
        ck_assert_int_eq(harness_pullout(&h, &out, NULL, "import", "--help", NULL), 0);
        ck_assert_ptr_nonnull(strstr(out, "Usage: pullout import"));
        free(out);
}
END_TEST

START_TEST(test_second_daemon_is_refused) {
        char *err = NULL;
        /* The same bus and settings: the second must leave the first alone. */
        int code = harness_run_daemon_to_exit(&h, NULL, &err);
        ck_assert_int_eq(code, 1);
        ck_assert_msg(err && strstr(err, "already owns org.pullout.Scheduler1"), "got: %s", err);
        free(err);
        /* And the first still answers. */
        ck_assert_int_eq(harness_pullout(&h, NULL, NULL, "status", NULL), 0);
}
END_TEST

START_TEST(test_shutdown_is_clean_and_data_survives) {
        char sample[400];
        snprintf(sample, sizeof sample, "%s/examples/sample-school", harness_source());
        import_ok(sample);
        ck_assert_int_eq(harness_stop_daemon(&h), 0);
        /* Gone from the bus. */
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "status", NULL), 1);
        ck_assert_msg(strstr(err, "not running"), "got: %s", err);
        free(err);
        harness_start_daemon(&h, NULL);
        struct json_object *status = status_json();
        ck_assert_int_eq(count_of(status, "students"), 440);
        json_object_put(status);
}
END_TEST

/* The interface as introspected from the running daemon equals docs/org.pullout.Scheduler1.xml. */
START_TEST(test_introspection_matches_the_docs) {
        sd_bus *bus = NULL;
        sd_bus_message *reply = NULL;
        const char *xml;
        ck_assert_int_ge(sd_bus_new(&bus), 0);
        ck_assert_int_ge(sd_bus_set_address(bus, h.bus_address), 0);
        ck_assert_int_ge(sd_bus_set_bus_client(bus, 1), 0);
        ck_assert_int_ge(sd_bus_start(bus), 0);
        ck_assert_int_ge(sd_bus_call_method(bus, "org.pullout.Scheduler1", "/org/pullout/Scheduler1",
                                            "org.freedesktop.DBus.Introspectable", "Introspect", NULL, &reply, ""),
                         0);
        ck_assert_int_ge(sd_bus_message_read(reply, "s", &xml), 0);
        const char *begin = strstr(xml, " <interface name=\"org.pullout.Scheduler1\">");
        ck_assert_ptr_nonnull(begin);
        const char *end = strstr(begin, " </interface>\n");
        ck_assert_ptr_nonnull(end);
        size_t length = (size_t)(end - begin) + strlen(" </interface>\n");

        char path[400];
        snprintf(path, sizeof path, "%s/docs/org.pullout.Scheduler1.xml", harness_source());
        char *doc = harness_read_file(path);
        ck_assert_msg(doc, "cannot read %s", path);
        char *live = strndup(begin, length);
        if (getenv("PULLOUT_WRITE_INTROSPECTION")) {
                /* Regenerating the doc: PULLOUT_WRITE_INTROSPECTION=1 make check-integration */
                FILE *file = fopen(path, "we");
                fprintf(file, "<!-- org.pullout.Scheduler1, as pulloutd introspects it. Checked by "
                              "tests/integration/test-skeleton.c. -->\n%s", live);
                fclose(file);
        } else {
                ck_assert_msg(strstr(doc, live), "docs/org.pullout.Scheduler1.xml differs from the running "
                                                 "daemon; regenerate it with PULLOUT_WRITE_INTROSPECTION=1 "
                                                 "make check-integration. Live:\n%s", live);
        }
        free(live);
        free(doc);
        sd_bus_message_unref(reply);
        sd_bus_flush_close_unref(bus);
}
END_TEST

static int64_t setting_of(const char *key) {
        struct json_object *status = status_json();
        int64_t value = json_object_get_int64(json_object_object_get(json_object_object_get(status, "settings"), key));
        json_object_put(status);
        return value;
}

static void write_text(const char *path, const char *text) {
        FILE *file = fopen(path, "we");
        ck_assert_ptr_nonnull(file);
        fputs(text, file);
        fclose(file);
}

/* SIGHUP re-reads the settings; a broken file is refused whole and the old settings stay. */
START_TEST(test_sighup_reloads_settings_and_keeps_them_on_error) {
        char conf[400], arg[420];
        snprintf(conf, sizeof conf, "%s/pulloutd.conf", h.dir);
        write_text(conf, "[sessions]\nreminder_lead = 5m\n");
        harness_stop_daemon(&h);
        snprintf(arg, sizeof arg, "--config=%s", conf);
        const char *args[] = { arg, NULL };
        harness_start_daemon(&h, args);
        ck_assert_int_eq(setting_of("reminder_lead_seconds"), 300);

        write_text(conf, "[sessions]\nreminder_lead = 15m\n");
        kill(h.daemon_pid, SIGHUP);
        int64_t lead = 0;
        for (int i = 0; i < 200 && lead != 900; i++, usleep(10000))
                lead = setting_of("reminder_lead_seconds");
        ck_assert_int_eq(lead, 900);

        write_text(conf, "[sessions]\nreminder_lead = 2m\ngrace_period = forever\n");
        kill(h.daemon_pid, SIGHUP);
        /* The daemon logs the refusal; wait for it, then see nothing of the file was taken. */
        char log[400];
        snprintf(log, sizeof log, "%s/pulloutd.log", h.dir);
        char *text = NULL;
        for (int i = 0; i < 200; i++, usleep(10000)) {
                free(text);
                text = harness_read_file(log);
                if (text && strstr(text, "keeping the previous settings"))
                        break;
        }
        ck_assert_msg(text && strstr(text, "pulloutd.conf:3: grace_period"), "log: %s", text);
        free(text);
        ck_assert_int_eq(setting_of("reminder_lead_seconds"), 900);
        ck_assert_int_eq(harness_stop_daemon(&h), 0);
}
END_TEST

/* Under systemd: READY=1 once the name is owned, watchdog pings, STOPPING=1 on SIGTERM. */
START_TEST(test_notifies_systemd_ready_watchdog_and_stopping) {
        harness_stop_daemon(&h);
        snprintf(h.notify_socket, sizeof h.notify_socket, "%s/notify", h.dir);
        int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un addr = { .sun_family = AF_UNIX };
        snprintf(addr.sun_path, sizeof addr.sun_path, "%s", h.notify_socket);
        ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
        snprintf(h.watchdog_usec, sizeof h.watchdog_usec, "%d", 200000);
        harness_start_daemon(&h, NULL);

        bool ready = false, watchdog = false, stopping = false, stopped = false;
        char message[512];
        struct timeval tv = { .tv_sec = 0, .tv_usec = 100000 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        for (int i = 0; i < 100 && !stopping; i++) {
                ssize_t n = recv(fd, message, sizeof message - 1, 0);
                if (n > 0) {
                        message[n] = '\0';
                        ready |= strstr(message, "READY=1") != NULL;
                        watchdog |= strstr(message, "WATCHDOG=1") != NULL;
                        stopping |= strstr(message, "STOPPING=1") != NULL;
                }
                if (ready && watchdog && !stopped) {
                        kill(h.daemon_pid, SIGTERM);
                        stopped = true;
                }
        }
        close(fd);
        ck_assert_msg(ready, "no READY=1");
        ck_assert_msg(watchdog, "no WATCHDOG=1 within the interval");
        ck_assert_msg(stopping, "no STOPPING=1 on SIGTERM");
        ck_assert_int_eq(harness_wait_daemon(&h), 0);
}
END_TEST

Suite *suite_skeleton(void) {
        Suite *suite = suite_create("skeleton");
        TCase *tcase = tcase_create("daemon and cli");
        tcase_set_timeout(tcase, 60);
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_import_a_school_never_seen_and_count_it);
        tcase_add_test(tcase, test_broken_data_set_is_rejected_whole);
        tcase_add_test(tcase, test_missing_file_and_usage_errors);
        tcase_add_test(tcase, test_second_daemon_is_refused);
        tcase_add_test(tcase, test_shutdown_is_clean_and_data_survives);
        tcase_add_test(tcase, test_introspection_matches_the_docs);
        tcase_add_test(tcase, test_sighup_reloads_settings_and_keeps_them_on_error);
        tcase_add_test(tcase, test_notifies_systemd_ready_watchdog_and_stopping);
        suite_add_tcase(suite, tcase);
        return suite;
}
