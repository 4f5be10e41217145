/* test-import-loop.c: a big import (a generated school of 5,000 students) is read off the
 * loop, so `pullout status` and /healthz are answered while it runs; and an import that closes
 * a day is one transaction with the session sync it implies: pulloutd killed at any moment of
 * it comes back with either the old data set and its sessions, or the new one and no session
 * on the closed day. */
#include <arpa/inet.h>
#include <check.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define STUDENTS "5000"
#define CLOSED_DAY "2026-09-16" /* a Wednesday inside the stored horizon */

static struct harness h;
static char school[400];

static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T06:00");
        harness_start_daemon(&h, NULL);
        snprintf(school, sizeof school, "%s/school", h.dir);
        const char *argv[] = { harness_gen_school(), "--seed", "13", "--students", STUDENTS, school, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, argv), 0);
}

static void teardown(void) {
        harness_stop(&h);
}

static bool says_importing(struct json_object *status) {
        bool running = json_object_get_boolean(json_object_object_get(status, "importing"));
        json_object_put(status);
        return running;
}

/* What `pullout status` answers now: whether an import is running. */
static bool cli_importing(void) {
        return says_importing(harness_pullout_json(&h, "status", "--json", NULL));
}

/* The same question asked straight on a connection kept open: a fraction of a millisecond. */
static sd_bus *bus;

static bool importing(void) {
        sd_bus_message *reply = NULL;
        const char *text = NULL;
        ck_assert_int_ge(sd_bus_call_method(bus, "org.pullout.Scheduler1", "/org/pullout/Scheduler1",
                                            "org.pullout.Scheduler1", "Status", NULL, &reply, ""),
                         0);
        ck_assert_int_ge(sd_bus_message_read(reply, "s", &text), 0);
        bool running = says_importing(json_tokener_parse(text));
        sd_bus_message_unref(reply);
        return running;
}

/* GET /healthz: the status code. */
static int healthz(void) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)h.http_port) };
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
        ck_assert_int_eq(connect(fd, (struct sockaddr *)&address, sizeof address), 0);
        const char request[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        ck_assert_int_eq(write(fd, request, sizeof request - 1), (ssize_t)sizeof request - 1);
        char answer[256] = "";
        ssize_t n = read(fd, answer, sizeof answer - 1);
        close(fd);
        int code = 0;
        if (n > 0)
                sscanf(answer, "HTTP/1.%*d %d", &code);
        return code;
}

static pid_t spawn_import(void) {
        char out[400];
        snprintf(out, sizeof out, "%s/import.out", h.dir);
        const char *argv[] = { harness_pullout_path(), "--user", "import", school, NULL };
        return harness_spawn(&h, argv, out);
}

static bool alive(pid_t pid) {
        return waitpid(pid, NULL, WNOHANG) == 0;
}

START_TEST(test_status_and_healthz_answer_during_a_big_import) {
        bool status_seen = false, healthz_seen = false;
        ck_assert_int_ge(sd_bus_new(&bus), 0);
        ck_assert_int_ge(sd_bus_set_address(bus, h.bus_address), 0);
        ck_assert_int_ge(sd_bus_set_bus_client(bus, 1), 0);
        ck_assert_int_ge(sd_bus_start(bus), 0);
        /* The window is the reading of 5,000 students: look until each was answered inside it. */
        for (int attempt = 0; attempt < 30 && !(status_seen && healthz_seen); attempt++) {
                pid_t import = spawn_import();
                /* Asked again and again while this import runs: a loaded machine may start the
                 * CLI too late for one try to land inside the reading. */
                while (alive(import) && !(status_seen && healthz_seen)) {
                        /* pullout status answered "importing": answered while the import ran.
                         * Asked without waiting for the reading to start, as starting the CLI
                         * takes about as long as the reading of the data. */
                        if (!status_seen && cli_importing())
                                status_seen = true;
                        /* /healthz answered between two answers that both say the import runs. */
                        if (!healthz_seen && importing() && healthz() == 200 && importing())
                                healthz_seen = true;
                }
                waitpid(import, NULL, 0);
        }
        bus = sd_bus_flush_close_unref(bus);
        ck_assert_msg(status_seen, "pullout status was never answered while an import of " STUDENTS " students ran");
        ck_assert_msg(healthz_seen, "/healthz was never answered while an import of " STUDENTS " students ran");
        /* And the imports went through. */
        struct json_object *status = harness_pullout_json(&h, "status", "--json", NULL);
        ck_assert_int_eq(json_object_get_int(json_object_object_get(json_object_object_get(status, "counts"),
                                                                    "students")),
                         atoi(STUDENTS));
        json_object_put(status);
}
END_TEST

/* ---- killed during an import that closes a day -------------------------------------------- */

static void copy_file(const char *from, const char *to) {
        FILE *in = fopen(from, "re"), *out = fopen(to, "we");
        ck_assert(in && out);
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
                ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
        fclose(in);
        ck_assert_int_eq(fclose(out), 0);
}

/* The database as it was before the import: no write-ahead log of a killed daemon. */
static void restore(const char *template) {
        char path[400];
        snprintf(path, sizeof path, "%s-wal", h.db);
        unlink(path);
        snprintf(path, sizeof path, "%s-shm", h.db);
        unlink(path);
        copy_file(template, h.db);
}

static int sessions_on(const char *date) {
        struct json_object *list = harness_pullout_json(&h, "sessions", "--date", date, "--json", NULL);
        int n = (int)json_object_array_length(json_object_object_get(list, "sessions"));
        json_object_put(list);
        return n;
}

static bool new_data_set(void) {
        struct json_object *status = harness_pullout_json(&h, "status", "--json", NULL);
        bool changed = strstr(json_object_get_string(json_object_object_get(status, "school")), "new calendar");
        json_object_put(status);
        return changed;
}

static double seconds_now(void) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

START_TEST(test_killed_at_any_moment_of_an_import_that_closes_a_day) {
        char template[400], calendar[480], school_csv[480];
        harness_pullout_ok(&h, NULL, "import", school, NULL);
        harness_pullout_ok(&h, NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "2", NULL);
        int before = sessions_on(CLOSED_DAY);
        ck_assert_int_gt(before, 0);
        ck_assert_int_eq(harness_stop_daemon(&h), 0);
        snprintf(template, sizeof template, "%s/template.db", h.dir);
        copy_file(h.db, template);

        /* The next data set closes Wednesday and is named so that it shows. */
        snprintf(calendar, sizeof calendar, "%s/calendar.csv", school);
        FILE *f = fopen(calendar, "ae");
        fputs(CLOSED_DAY ",closed,,,Water main break\n", f);
        fclose(f);
        snprintf(school_csv, sizeof school_csv, "%s/school.csv", school);
        harness_edit_file(school_csv, "Elementary School", "Elementary School (new calendar)");

        /* How long the whole import takes here, to spread the kills over it. */
        restore(template);
        harness_start_daemon(&h, NULL);
        double start = seconds_now();
        harness_pullout_ok(&h, NULL, "import", school, NULL);
        double took = seconds_now() - start;
        ck_assert_int_eq(sessions_on(CLOSED_DAY), 0);
        ck_assert_int_eq(harness_stop_daemon(&h), 0);

        const int rounds = 12;
        int committed = 0;
        for (int i = 0; i < rounds; i++) {
                restore(template);
                harness_start_daemon(&h, NULL);
                pid_t import = spawn_import();
                if (i == rounds - 1)
                        waitpid(import, NULL, 0); /* the last after the commit, however slow the machine */
                else
                        usleep((useconds_t)(took * 1e6 * i / (rounds - 2)));
                kill(h.daemon_pid, SIGKILL);
                waitpid(h.daemon_pid, NULL, 0);
                h.daemon_pid = 0;
                kill(import, SIGKILL);
                waitpid(import, NULL, 0);

                harness_start_daemon(&h, NULL);
                bool changed = new_data_set();
                int left = sessions_on(CLOSED_DAY);
                if (changed) {
                        committed++;
                        ck_assert_msg(left == 0, "killed %.0f ms into the import: the new calendar closed " CLOSED_DAY
                                                 " but %d sessions are still stored on it",
                                      took * 1000 * i / (rounds - 2), left);
                } else {
                        ck_assert_msg(left == before, "killed %.0f ms into the import: the old data set kept %d of "
                                                      "its %d sessions on " CLOSED_DAY,
                                      took * 1000 * i / (rounds - 2), left, before);
                }
                ck_assert_int_eq(harness_stop_daemon(&h), 0);
        }
        ck_assert_msg(committed > 0, "no kill came after the import's commit");
}
END_TEST

/* ---- a calendar that costs too much work -------------------------------------------------- */

static void setup_small(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T06:00");
        harness_start_daemon(&h, NULL);
}

/* The repro (a minute-by-minute rule with 1,000 EXDATEs froze the daemon for 91 s):
 * refused within seconds with the file, the line and the reason; the loop answers all along and
 * nothing is stored. */
START_TEST(test_a_calendar_past_the_work_budget_is_refused) {
        char sample[400], ics[400], *err = NULL;
        snprintf(sample, sizeof sample, "%s/examples/sample-school", harness_source());
        snprintf(ics, sizeof ics, "%s/slow.ics", h.dir);
        FILE *f = fopen(ics, "we");
        ck_assert_ptr_nonnull(f);
        fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:Assembly\r\n"
              "DTSTART;TZID=America/Chicago:20260915T090000\r\nDURATION:PT1M\r\nRRULE:FREQ=MINUTELY\r\n",
              f);
        for (int i = 0; i < 1000; i++)
                fprintf(f, "EXDATE;TZID=America/Chicago:20270101T%02d%02d00\r\n", i / 60 % 24, i % 60);
        fputs("END:VEVENT\r\nEND:VCALENDAR\r\n", f);
        ck_assert_int_eq(fclose(f), 0);

        ck_assert_int_ge(sd_bus_new(&bus), 0);
        ck_assert_int_ge(sd_bus_set_address(bus, h.bus_address), 0);
        ck_assert_int_ge(sd_bus_set_bus_client(bus, 1), 0);
        ck_assert_int_ge(sd_bus_start(bus), 0);
        char out[400];
        snprintf(out, sizeof out, "%s/import.out", h.dir);
        /* Its error output is what the test reads: the harness keeps only stdout. */
        const char *argv[] = { "/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", harness_pullout_path(),
                               "--user", "import", "--calendar", ics, sample, NULL };
        double start = seconds_now();
        pid_t import = harness_spawn(&h, argv, out);
        double slowest = 0;
        int status = 0;
        while (waitpid(import, &status, WNOHANG) == 0) {
                ck_assert_msg(seconds_now() - start < 10, "the import still runs after 10 s");
                double asked = seconds_now();
                importing();
                if (seconds_now() - asked > slowest)
                        slowest = seconds_now() - asked;
                usleep(10000);
        }
        bus = sd_bus_flush_close_unref(bus);
        ck_assert_msg(slowest < 0.1, "Status took %.0f ms during the import", slowest * 1000);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) != 0);
        err = harness_read_file(out);
        ck_assert_msg(strstr(err, "calendar.ics: line 4: Assembly") && strstr(err, "budget"), "%s", err);
        free(err);
        struct json_object *now = harness_pullout_json(&h, "status", "--json", NULL);
        ck_assert_int_eq(json_object_get_int(json_object_object_get(json_object_object_get(now, "counts"), "students")), 0);
        json_object_put(now);
}
END_TEST

/* A 3 MB SUMMARY was stored as a label, though CSV cells stop at 4,096 bytes. */
START_TEST(test_a_huge_summary_is_refused) {
        char sample[400], ics[400], *err = NULL;
        snprintf(sample, sizeof sample, "%s/examples/sample-school", harness_source());
        snprintf(ics, sizeof ics, "%s/huge.ics", h.dir);
        FILE *f = fopen(ics, "we");
        ck_assert_ptr_nonnull(f);
        fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
              "DTSTART;VALUE=DATE:20261012\r\nSUMMARY:Holiday ",
              f);
        for (int i = 0; i < 3 << 20; i++)
                fputc('a', f);
        fputs("\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n", f);
        ck_assert_int_eq(fclose(f), 0);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "import", "--calendar", ics, sample, NULL), 1);
        ck_assert_msg(strstr(err, "calendar.ics: line 7: SUMMARY is 3145736 bytes long, more than the limit of 4096"),
                      "%s", err);
        free(err);
        struct json_object *now = harness_pullout_json(&h, "status", "--json", NULL);
        ck_assert_int_eq(json_object_get_int(json_object_object_get(json_object_object_get(now, "counts"), "students")), 0);
        json_object_put(now);
}
END_TEST

Suite *suite_import_loop(void) {
        Suite *suite = suite_create("import off the loop");
        TCase *big = tcase_create("a big import");
        tcase_set_timeout(big, 240);
        tcase_add_checked_fixture(big, setup, teardown);
        tcase_add_test(big, test_status_and_healthz_answer_during_a_big_import);
        tcase_add_test(big, test_killed_at_any_moment_of_an_import_that_closes_a_day);
        suite_add_tcase(suite, big);
        TCase *costly = tcase_create("a costly calendar");
        tcase_set_timeout(costly, 60);
        tcase_add_checked_fixture(costly, setup_small, teardown);
        tcase_add_test(costly, test_a_calendar_past_the_work_budget_is_refused);
        tcase_add_test(costly, test_a_huge_summary_is_refused);
        suite_add_tcase(suite, costly);
        return suite;
}
