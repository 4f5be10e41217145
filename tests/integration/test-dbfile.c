/* test-dbfile.c: the database file deleted or replaced under the running daemon (every change
 * refused and said so, loudly in the log, until the file is back), and a system daemon whose
 * database went missing refusing to start an empty school, while the very first start
 * creates one and says so. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static struct harness h;

static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T06:00");
        harness_start_daemon(&h, NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

static void pullout_ok(char **ret_out, const char *a, const char *b, const char *c, const char *d) {
        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, a, b, c, d, NULL);
        ck_assert_msg(code == 0, "pullout %s %s: exit %d: %s", a, b ? b : "", code, err);
        if (ret_out)
                *ret_out = out;
        else
                free(out);
        free(err);
}

static void first_session(char session_id[static 64]) {
        char school[400], *out = NULL;
        snprintf(school, sizeof school, "%s/tests/fixtures/tiny-school", harness_source());
        pullout_ok(NULL, "import", school, NULL, NULL);
        pullout_ok(NULL, "solve", "--time-limit", "2", NULL);
        pullout_ok(&out, "sessions", "--date", "2026-09-14", "--json");
        struct json_object *o = json_tokener_parse(out);
        struct json_object *first = json_object_array_get_idx(json_object_object_get(o, "sessions"), 0);
        ck_assert_msg(first, "no sessions on Monday: %s", out);
        snprintf(session_id, 64, "%s", json_object_get_string(json_object_object_get(first, "session_id")));
        json_object_put(o);
        free(out);
}

/* A change is refused, in words that say why, as StorageFailed. */
static void assert_change_refused(const char *session_id) {
        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, "cancel", session_id, "--reason", "assembly", NULL);
        ck_assert_msg(code == 1 && strstr(err, "was deleted or replaced"),
                      "a change to a deleted database: exit %d (expected 1): %s%s", code, out, err);
        free(out);
        free(err);
        char *name = NULL, *message = NULL;
        ck_assert_int_eq(harness_call(&h, &name, &message, "LogSession", "sa{sv}", session_id, 0), -1);
        ck_assert_msg(strcmp(name, "org.pullout.Error.StorageFailed") == 0 && strstr(message, "deleted or replaced"),
                      "LogSession on a deleted database: %s: %s", name, message);
        free(name);
        free(message);
}

START_TEST(test_deleted_under_the_daemon) {
        char session[64], *out = NULL;
        first_session(session);
        pullout_ok(NULL, "clock", "advance", "10h", NULL);
        ck_assert_int_eq(unlink(h.db), 0);

        assert_change_refused(session);
        ck_assert_msg(harness_log_wait(&h, "WAS DELETED OR REPLACED", 15), "nothing loud in the log:\n%s",
                      harness_daemon_log(&h));
        /* Reads still answer from the open file: the school is there to be saved. */
        pullout_ok(&out, "status", "--json", NULL, NULL);
        ck_assert_msg(strstr(out, "Maple Elementary"), "%s", out);
        free(out);
}
END_TEST

START_TEST(test_replaced_then_put_back) {
        char session[64], aside[400], other[400];
        first_session(session);
        pullout_ok(NULL, "clock", "advance", "10h", NULL);
        /* Someone moves the database aside and puts an empty one in its place. */
        snprintf(aside, sizeof aside, "%s.aside", h.db);
        snprintf(other, sizeof other, "%s/other.db", h.dir);
        const char *make_other[] = { "sqlite3", other, "CREATE TABLE t (x);", NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, make_other), 0);
        ck_assert_int_eq(rename(h.db, aside), 0);
        ck_assert_int_eq(rename(other, h.db), 0);
        assert_change_refused(session);
        ck_assert_msg(harness_log_wait(&h, "WAS DELETED OR REPLACED", 15), "nothing loud in the log:\n%s",
                      harness_daemon_log(&h));

        /* The real file back in place: changes go through again. */
        ck_assert_int_eq(rename(aside, h.db), 0);
        pullout_ok(NULL, "cancel", session, "--reason", "assembly");
        ck_assert_msg(harness_log_wait(&h, "is back: changes are accepted again", 15), "%s", harness_daemon_log(&h));
}
END_TEST

/* ---- a system daemon's database gone missing ---------------------------------------------- */

static void system_setup(void) {
        harness_start_system_bus(&h, NULL);
}

static void remove_database(void) {
        char path[400];
        ck_assert_int_eq(unlink(h.db), 0);
        snprintf(path, sizeof path, "%s-wal", h.db);
        unlink(path);
        snprintf(path, sizeof path, "%s-shm", h.db);
        unlink(path);
}

START_TEST(test_system_daemon_refuses_an_empty_school_where_one_was) {
        char marker[400], *err = NULL;
        harness_start_daemon(&h, NULL);
        ck_assert_msg(harness_log_wait(&h, "created a new, empty database", 5), "the first start did not say so:\n%s",
                      harness_daemon_log(&h));
        snprintf(marker, sizeof marker, "%s/state/.pullout.db.created", h.dir);
        ck_assert_msg(access(marker, F_OK) == 0, "no marker %s", marker);
        ck_assert_int_eq(harness_stop_daemon(&h), 0);

        /* A restart with the database in place says nothing of the kind. */
        harness_start_daemon(&h, NULL);
        ck_assert_int_eq(harness_stop_daemon(&h), 0);
        ck_assert_int_eq(harness_log_count(&h, "created a new, empty database"), 1);

        remove_database();
        int code = harness_run_daemon_to_exit(&h, NULL, &err);
        ck_assert_msg(code == 1 && strstr(err, "is missing, but one was created there before") &&
                              strstr(err, "RESTORING A BACKUP"),
                      "pulloutd --system without its database: exit %d: %s", code, err);
        free(err);
        struct stat st;
        ck_assert_msg(stat(h.db, &st) < 0, "an empty database was created anyway");

        /* Removing the marker is how one starts again from nothing. */
        ck_assert_int_eq(unlink(marker), 0);
        harness_start_daemon(&h, NULL);
        ck_assert_int_eq(harness_log_count(&h, "created a new, empty database"), 2);
}
END_TEST

Suite *suite_dbfile(void) {
        Suite *suite = suite_create("dbfile");
        TCase *running = tcase_create("file moved under the daemon");
        tcase_set_timeout(running, 60);
        tcase_add_checked_fixture(running, setup, teardown);
        tcase_add_test(running, test_deleted_under_the_daemon);
        tcase_add_test(running, test_replaced_then_put_back);
        suite_add_tcase(suite, running);

        TCase *missing = tcase_create("missing at start");
        tcase_set_timeout(missing, 60);
        tcase_add_checked_fixture(missing, system_setup, teardown);
        tcase_add_test(missing, test_system_daemon_refuses_an_empty_school_where_one_was);
        suite_add_tcase(suite, missing);
        return suite;
}
