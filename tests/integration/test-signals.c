/* test-signals.c: signals carry ids only (#13, DESIGN §5): a listener the daemon never
 * authorized, matching every signal of the interface on the bus, receives no student's or
 * staff member's name through a day of reminders, prompts, missed sessions and alerts, while
 * `pullout watch` (which fetches the details with authorized calls) still shows the names, the
 * numbered checklist of a prompt, and with --staff only that interventionist's sessions. */
#include <check.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "harness.h"

static struct harness h;
static sd_bus *listener;
static char *heard; /* every signal's member and arguments, one a line */
static size_t heard_len;
static int n_heard;

static int on_signal(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *member = sd_bus_message_get_member(message), *a = "", *b = "";
        int64_t number = 0;
        char line[8192];
        if (strcmp(member, "Alert") == 0 || strcmp(member, "ScheduleChanged") == 0)
                sd_bus_message_read(message, "xs", &number, &b);
        else
                sd_bus_message_read(message, "ss", &a, &b);
        int n = snprintf(line, sizeof line, "%s %s %lld %s\n", member, a, (long long)number, b);
        char *grown = realloc(heard, heard_len + (size_t)n + 1);
        ck_assert_ptr_nonnull(grown);
        heard = grown;
        memcpy(heard + heard_len, line, (size_t)n + 1);
        heard_len += (size_t)n;
        n_heard++;
        return 0;
}

static void drain(void) {
        sd_bus_message *reply = NULL;
        ck_assert_int_ge(sd_bus_call_method(listener, "org.pullout.Scheduler1", "/org/pullout/Scheduler1",
                                            "org.pullout.Scheduler1", "Status", NULL, &reply, ""),
                         0);
        sd_bus_message_unref(reply);
        while (sd_bus_process(listener, NULL) > 0)
                ;
}

static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T06:00"); /* a Monday */
        harness_start_daemon(&h, NULL);
        ck_assert_int_ge(sd_bus_new(&listener), 0);
        ck_assert_int_ge(sd_bus_set_address(listener, h.bus_address), 0);
        ck_assert_int_ge(sd_bus_set_bus_client(listener, 1), 0);
        ck_assert_int_ge(sd_bus_start(listener), 0);
        ck_assert_int_ge(sd_bus_match_signal(listener, NULL, NULL, "/org/pullout/Scheduler1", "org.pullout.Scheduler1",
                                             NULL, on_signal, NULL),
                         0);
        heard = NULL;
        heard_len = 0;
        n_heard = 0;
        char dir[512];
        snprintf(dir, sizeof dir, "%s/tests/fixtures/tiny-school", harness_source());
        harness_pullout_ok(&h, NULL, "import", dir, NULL);
}

static void teardown(void) {
        listener = sd_bus_flush_close_unref(listener);
        free(heard);
        heard = NULL;
        harness_stop(&h);
}

/* Starts `pullout watch ARGS` into path and waits until it surely listens (it has printed a
 * ScheduleChanged of a solve made meanwhile). */
static pid_t start_watch(const char *path, const char *a, const char *b) {
        const char *argv[] = { harness_pullout_path(), "--user", "watch", a, b, NULL };
        pid_t pid = harness_spawn(&h, argv, path);
        char *printed = NULL;
        for (int i = 0; i < 50 && !(printed && strstr(printed, "ScheduleChanged")); i++) {
                free(printed);
                harness_pullout_ok(&h, NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "1", NULL);
                usleep(50000);
                printed = harness_read_file(path);
        }
        ck_assert_msg(printed && strstr(printed, "ScheduleChanged"), "watch never printed a ScheduleChanged");
        free(printed);
        return pid;
}

static char *stop_watch(pid_t pid, const char *path, const char *until) {
        char *text = NULL;
        for (int i = 0; i < 300; i++, usleep(10000)) {
                free(text);
                text = harness_read_file(path);
                if (text && strstr(text, until))
                        break;
        }
        kill(pid, SIGTERM);
        waitpid(pid, NULL, 0);
        return text;
}

START_TEST(test_signals_carry_no_name_and_watch_shows_them) {
        char all_path[400], staff_path[400];
        snprintf(all_path, sizeof all_path, "%s/watch-all.out", h.dir);
        snprintf(staff_path, sizeof staff_path, "%s/watch-s2.out", h.dir);
        pid_t all = start_watch(all_path, NULL, NULL);
        pid_t staff = start_watch(staff_path, "--staff", "S2");
        /* Monday, then Tuesday past the grace period: reminders, prompts, missed sessions and
         * their alerts. */
        harness_pullout_ok(&h, NULL, "clock", "advance", "36h", NULL);
        drain();
        char *text = stop_watch(all, all_path, "Alert");
        char *staff_text = stop_watch(staff, staff_path, "SessionMissed");

        ck_assert_msg(strstr(heard, "SessionReminder") && strstr(heard, "FidelityCheckDue") &&
                              strstr(heard, "SessionMissed") && strstr(heard, "Alert"),
                      "the listener heard: %.1500s", heard);
        static const char *const names[] = { "Maya", "Noah Kim", "Ava Brown", "Liam Chen", "Zoe Adams",
                                             "Dana Wells", "Eli Park", "Fay Moss", "Reread familiar books" };
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
                ck_assert_msg(!strstr(heard, names[i]), "a signal carried \"%s\": %.1500s", names[i], heard);
        ck_assert_msg(!strstr(heard, "\"students\"") && !strstr(heard, "\"message\"") && !strstr(heard, "\"note\""),
                      "a signal carried a record: %.1500s", heard);

        /* watch fetched what the signals left out. */
        ck_assert_msg(text && strstr(text, "SessionReminder") && strstr(text, "Maya López"), "watch printed: %.1500s",
                      text ? text : "(nothing)");
        ck_assert_msg(strstr(text, "1. Reread familiar books") && strstr(text, "--fidelity"), "watch printed: %.1500s",
                      text);
        ck_assert_msg(strstr(text, "alert ") && strstr(text, "not logged"), "watch printed: %.1500s", text);
        /* --staff S2: only Eli Park's sessions. */
        ck_assert_msg(staff_text && strstr(staff_text, "Eli Park") && !strstr(staff_text, "Dana Wells"),
                      "watch --staff S2 printed: %.1500s", staff_text ? staff_text : "(nothing)");
        free(text);
        free(staff_text);
}
END_TEST

Suite *suite_signals(void) {
        Suite *suite = suite_create("signals");
        TCase *tcase = tcase_create("ids only");
        tcase_set_timeout(tcase, 120);
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_signals_carry_no_name_and_watch_shows_them);
        suite_add_tcase(suite, tcase);
        return suite;
}
