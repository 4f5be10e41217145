/* test-storage.c: the database refuses writes (another program holds its write lock; the disk
 * is full; the file was deleted or replaced under the daemon) and pulloutd keeps answering:
 * the caller gets StorageFailed in sqlite's own words (or in words that say the file is gone),
 * the session timer backs off (one log line per try, each twice as late) instead of spinning,
 * and once the database takes writes again nothing due was lost. A system daemon whose
 * database went missing refuses to start an empty school; the very first start says it
 * created one. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static struct harness h;

static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T06:00");
}

static void teardown(void) {
        harness_stop(&h);
}

/* The tiny school, imported and solved; the id of Monday's first session. */
static void school_with_sessions(char session_id[static 64]) {
        char school[400];
        snprintf(school, sizeof school, "%s/tests/fixtures/tiny-school", harness_source());
        harness_pullout_ok(&h, NULL, "import", school, NULL);
        harness_pullout_ok(&h, NULL, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "2", NULL);
        struct json_object *o = harness_pullout_json(&h, "sessions", "--date", "2026-09-14", "--json", NULL);
        struct json_object *first = json_object_array_get_idx(json_object_object_get(o, "sessions"), 0);
        ck_assert_msg(first, "no sessions on Monday");
        snprintf(session_id, 64, "%s", json_object_get_string(json_object_object_get(first, "session_id")));
        json_object_put(o);
}

static const char *status_of(const char *session_id, const char *date) {
        static char status[32];
        struct json_object *o = harness_pullout_json(&h, "sessions", "--date", date, "--json", NULL);
        struct json_object *list = json_object_object_get(o, "sessions");
        status[0] = '\0';
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                struct json_object *s = json_object_array_get_idx(list, i);
                if (strcmp(json_object_get_string(json_object_object_get(s, "session_id")), session_id) == 0)
                        snprintf(status, sizeof status, "%s", json_object_get_string(json_object_object_get(s, "status")));
        }
        json_object_put(o);
        return status;
}

/* A second program holding the database's write lock: sqlite3 inside BEGIN IMMEDIATE, until
 * its standard input closes. */
struct lock_holder {
        pid_t pid;
        int input;
};

static struct lock_holder hold_write_lock(const char *db) {
        int in[2], out[2];
        ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
        ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                dup2(in[0], STDIN_FILENO);
                dup2(out[1], STDOUT_FILENO);
                execlp("sqlite3", "sqlite3", "-batch", db, (char *)NULL);
                _exit(127);
        }
        close(in[0]);
        close(out[1]);
        const char *script = "BEGIN IMMEDIATE;\nSELECT 'holding';\n";
        ck_assert_int_eq(write(in[1], script, strlen(script)), (ssize_t)strlen(script));
        char answer[64] = "";
        ssize_t n = read(out[0], answer, sizeof answer - 1);
        close(out[0]);
        ck_assert_msg(n > 0 && strstr(answer, "holding"), "sqlite3 did not take the write lock: %.*s", (int)n, answer);
        return (struct lock_holder){ pid, in[1] };
}

static void release(struct lock_holder *lock) {
        close(lock->input); /* end of input: sqlite3 rolls back and exits */
        waitpid(lock->pid, NULL, 0);
}

static void assert_storage_failed(const char *session_id, const char *words) {
        char *name = NULL, *message = NULL;
        ck_assert_int_eq(harness_call(&h, &name, &message, "CancelSession", "ss", session_id, "assembly"), -1);
        ck_assert_msg(strcmp(name, "org.pullout.Error.StorageFailed") == 0 && strstr(message, words),
                      "CancelSession on a refusing database: %s: %s (expected StorageFailed with \"%s\")", name, message,
                      words);
        free(name);
        free(message);
}

START_TEST(test_a_write_lock_held_elsewhere) {
        char session[64];
        harness_start_daemon(&h, NULL);
        school_with_sessions(session);
        struct lock_holder lock = hold_write_lock(h.db);

        /* Reads go on; a change is refused at once, in sqlite's words, and nothing changes. */
        harness_pullout_ok(&h, NULL, "status", NULL);
        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, "cancel", session, "--reason", "assembly", NULL);
        ck_assert_msg(code == 1 && strstr(err, "database is locked") && strstr(err, "another program"),
                      "pullout cancel under a lock: exit %d: %s", code, err);
        free(out);
        free(err);
        assert_storage_failed(session, "database is locked");

        /* Two days pass: every event due is refused; the timer tries again 1 s, then 2 s later
         * (one line each), not at once. */
        harness_pullout_ok(&h, NULL, "clock", "advance", "2d", NULL);
        ck_assert_msg(harness_log_wait(&h, "trying again in 2 s", 20), "the timer did not back off:\n%s",
                      harness_daemon_log(&h));
        int tries = harness_log_count(&h, "trying again in");
        ck_assert_msg(tries == 2, "%d tries logged before the second retry (expected 2):\n%s", tries,
                      harness_daemon_log(&h));
        ck_assert_int_eq(harness_log_count(&h, "trying again in 1 s"), 1);

        /* The lock goes: the next try does what fell due. Monday's session was never logged. */
        release(&lock);
        ck_assert_msg(harness_log_wait(&h, "takes the timer's work again", 20), "no recovery:\n%s",
                      harness_daemon_log(&h));
        ck_assert_str_eq(status_of(session, "2026-09-14"), "missed");
        harness_pullout_ok(&h, NULL, "cancel", session, "--reason", "assembly", NULL);
        ck_assert_str_eq(status_of(session, "2026-09-14"), "cancelled");
}
END_TEST

/* ---- a full disk: a small tmpfs of its own, mounted in a mount namespace of this test ---- */

static bool private_small_disk(char disk[static 400]) {
        snprintf(disk, 400, "%s/disk", h.dir);
        ck_assert_int_eq(mkdir(disk, 0700), 0);
        if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
            mount("tmpfs", disk, "tmpfs", 0, "size=8m,mode=0700") < 0) {
                fprintf(stderr, "test-storage: cannot mount a tmpfs of its own (%s): skipping the full-disk test\n",
                        strerror(errno));
                return false;
        }
        return true;
}

/* Writes zeros into path until the disk refuses. */
static void fill(const char *path) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ck_assert_int_ge(fd, 0);
        static char zeros[65536];
        while (write(fd, zeros, sizeof zeros) > 0)
                ;
        while (write(fd, zeros, 512) > 0)
                ;
        ck_assert_int_eq(errno, ENOSPC);
        close(fd);
}

START_TEST(test_a_full_disk) {
        char disk[400], filler[480], session[64];
        if (!private_small_disk(disk))
                return;
        snprintf(h.db, sizeof h.db, "%s/pullout.db", disk);
        harness_start_daemon(&h, NULL);
        school_with_sessions(session);
        /* A clean stop folds the write-ahead log into the database; after the restart every
         * change needs new room on the disk. */
        ck_assert_int_eq(harness_stop_daemon(&h), 0);
        harness_start_daemon(&h, NULL);
        snprintf(filler, sizeof filler, "%s/filler", disk);
        fill(filler);

        char *out = NULL, *err = NULL;
        int code = harness_pullout(&h, &out, &err, "cancel", session, "--reason", "assembly", NULL);
        ck_assert_msg(code == 1 && strstr(err, "database or disk is full"), "pullout cancel on a full disk: exit %d: %s",
                      code, err);
        free(out);
        free(err);
        assert_storage_failed(session, "database or disk is full");

        harness_pullout_ok(&h, NULL, "clock", "advance", "2d", NULL);
        ck_assert_msg(harness_log_wait(&h, "trying again in 2 s", 20), "the timer did not back off:\n%s",
                      harness_daemon_log(&h));
        int full = harness_log_count(&h, "database or disk is full");
        ck_assert_msg(full <= 4, "%d lines say the disk is full by the second retry:\n%s", full, harness_daemon_log(&h));

        ck_assert_int_eq(unlink(filler), 0);
        ck_assert_msg(harness_log_wait(&h, "takes the timer's work again", 20), "no recovery:\n%s",
                      harness_daemon_log(&h));
        ck_assert_str_eq(status_of(session, "2026-09-14"), "missed");
        harness_stop_daemon(&h);
        umount2(disk, MNT_DETACH);
}
END_TEST

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
        char session[64];
        harness_start_daemon(&h, NULL);
        school_with_sessions(session);
        harness_pullout_ok(&h, NULL, "clock", "advance", "10h", NULL);
        ck_assert_int_eq(unlink(h.db), 0);

        assert_change_refused(session);
        ck_assert_msg(harness_log_wait(&h, "WAS DELETED OR REPLACED", 15), "nothing loud in the log:\n%s",
                      harness_daemon_log(&h));
        /* Reads still answer from the open file: the school is there to be saved. */
        struct json_object *status = harness_pullout_json(&h, "status", "--json", NULL);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(status, "school")), "Maple Elementary");
        json_object_put(status);
}
END_TEST

START_TEST(test_replaced_then_put_back) {
        char session[64], aside[400], other[400];
        harness_start_daemon(&h, NULL);
        school_with_sessions(session);
        harness_pullout_ok(&h, NULL, "clock", "advance", "10h", NULL);
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
        harness_pullout_ok(&h, NULL, "cancel", session, "--reason", "assembly", NULL);
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

Suite *suite_storage(void) {
        Suite *suite = suite_create("storage");
        TCase *faults = tcase_create("refused writes");
        tcase_set_timeout(faults, 90);
        tcase_add_checked_fixture(faults, setup, teardown);
        tcase_add_test(faults, test_a_write_lock_held_elsewhere);
        tcase_add_test(faults, test_a_full_disk);
        tcase_add_test(faults, test_deleted_under_the_daemon);
        tcase_add_test(faults, test_replaced_then_put_back);
        suite_add_tcase(suite, faults);

        TCase *missing = tcase_create("database missing at start");
        tcase_set_timeout(missing, 60);
        tcase_add_checked_fixture(missing, system_setup, teardown);
        tcase_add_test(missing, test_system_daemon_refuses_an_empty_school_where_one_was);
        suite_add_tcase(suite, missing);
        return suite;
}
