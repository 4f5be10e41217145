/* test-backup.c: `pullout backup FILE` while the school is being written to gives a database
 * that sqlite3 opens, that passes PRAGMA integrity_check and holds the school; it still saves
 * the school after the database file was deleted under the daemon; and a database of an older
 * schema is copied before pulloutd migrates it. */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define STUDENTS "220"

static struct harness h;
static char school[400];

static void setup(void) {
        harness_start_bus(&h);
        harness_start_daemon(&h, NULL);
        snprintf(school, sizeof school, "%s/school", h.dir);
        const char *argv[] = { harness_gen_school(), "--seed", "31", "--students", STUDENTS, school, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, argv), 0);
        harness_pullout_ok(&h, NULL, "import", school, NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

/* sqlite3 FILE SQL: its output, trimmed. */
static char *sqlite(const char *file, const char *sql) {
        const char *argv[] = { "sqlite3", "-batch", file, sql, NULL };
        char *out = NULL, *err = NULL;
        int code = harness_command(&h, &out, &err, argv);
        ck_assert_msg(code == 0, "sqlite3 %s \"%s\": exit %d: %s", file, sql, code, err);
        free(err);
        out[strcspn(out, "\n")] = '\0';
        return out;
}

static void assert_sound_copy(const char *file, const char *students) {
        char *check = sqlite(file, "PRAGMA integrity_check");
        ck_assert_msg(strcmp(check, "ok") == 0, "%s: integrity_check says %s", file, check);
        char *count = sqlite(file, "SELECT count(*) FROM students WHERE archived = 0");
        ck_assert_msg(strcmp(count, students) == 0, "%s holds %s students, not %s", file, count, students);
        char *name = sqlite(file, "SELECT name FROM school");
        ck_assert_msg(strlen(name) > 0, "%s holds no school", file);
        free(check);
        free(count);
        free(name);
}

START_TEST(test_backup_taken_during_writes) {
        /* Someone keeps re-importing the school (a large write each time) all along. */
        char script[1200], log[400];
        snprintf(script, sizeof script, "while :; do '%s' --user import '%s' || exit 1; done", harness_pullout_path(),
                 school);
        snprintf(log, sizeof log, "%s/writer.out", h.dir);
        const char *writer_argv[] = { "sh", "-c", script, NULL };
        pid_t writer = harness_spawn(&h, writer_argv, log);
        int imports_before = harness_log_count(&h, "imported \"");

        for (int i = 0; i < 4; i++) {
                char file[400], *out = NULL, *err = NULL;
                snprintf(file, sizeof file, "%s/copy-%d.db", h.dir, i);
                int code = harness_pullout(&h, &out, &err, "backup", file, NULL);
                ck_assert_msg(code == 0 && strstr(out, "integrity check ok"), "pullout backup: exit %d: %s%s", code,
                              out, err);
                free(out);
                free(err);
                struct stat st;
                ck_assert_int_eq(stat(file, &st), 0);
                ck_assert_msg((st.st_mode & 077) == 0, "%s is readable by others (mode %o)", file, st.st_mode & 0777);
                assert_sound_copy(file, STUDENTS);
        }
        int status = 0;
        ck_assert_msg(waitpid(writer, &status, WNOHANG) == 0, "the writer stopped: %s", harness_read_file(log));
        kill(writer, SIGKILL);
        waitpid(writer, NULL, 0);
        ck_assert_msg(harness_log_count(&h, "imported \"") > imports_before + 1, "no imports ran during the backups");
}
END_TEST

START_TEST(test_backup_saves_a_deleted_database) {
        char file[400], *out = NULL, *err = NULL;
        ck_assert_int_eq(unlink(h.db), 0);
        snprintf(file, sizeof file, "%s/rescued.db", h.dir);
        int code = harness_pullout(&h, &out, &err, "backup", file, NULL);
        ck_assert_msg(code == 0, "pullout backup after the database was deleted: exit %d: %s", code, err);
        assert_sound_copy(file, STUDENTS);
        free(out);
        free(err);
}
END_TEST

START_TEST(test_backup_refuses_what_it_cannot_write) {
        char file[400], *out = NULL, *err = NULL;
        snprintf(file, sizeof file, "%s/exists.db", h.dir);
        FILE *f = fopen(file, "we");
        fputs("keep me\n", f);
        fclose(f);
        int code = harness_pullout(&h, &out, &err, "backup", file, NULL);
        ck_assert_msg(code == 1 && strstr(err, "exists"), "backup over an existing file: exit %d: %s", code, err);
        char *kept = harness_read_file(file);
        ck_assert_str_eq(kept, "keep me\n");
        free(kept);
        free(out);
        free(err);

        /* A descriptor open for reading only is refused by the daemon itself. */
        FILE *readonly = fopen(file, "re");
        char *name = NULL, *message = NULL;
        ck_assert_int_eq(harness_call(&h, &name, &message, "Backup", "h", fileno(readonly)), -1);
        ck_assert_msg(strcmp(name, "org.pullout.Error.InvalidArgument") == 0 && strstr(message, "not open for writing"),
                      "%s: %s", name, message);
        fclose(readonly);
        free(name);
        free(message);
}
END_TEST

START_TEST(test_a_copy_is_kept_before_a_migration) {
        ck_assert_int_eq(harness_stop_daemon(&h), 0);
        /* The database as the previous release left it: schema 4, without the due indexes of 5
         * and what 6 (alert states), 7 (the score key and rooms), 8 (version states) and 9 (the
         * what-ifs' tables) added. */
        char *ignored = sqlite(h.db, "DROP INDEX sessions_due_start; DROP INDEX sessions_due_end; "
                                     "DROP INDEX scores_one_a_day; ALTER TABLE teachers DROP COLUMN room; "
                                     "DROP INDEX schedules_one_published; ALTER TABLE schedules DROP COLUMN state; "
                                     "ALTER TABLE schedules DROP COLUMN published_at; "
                                     "ALTER TABLE schedules DROP COLUMN effective_from; "
                                     "ALTER TABLE schedules DROP COLUMN placed; ALTER TABLE schedules DROP COLUMN needs; "
                                     "ALTER TABLE schedules DROP COLUMN upper_bound; "
                                     "DROP TABLE what_if_group_members; DROP TABLE what_if_meetings; DROP TABLE what_if_unscheduled; DROP TABLE what_if_groups; DROP TABLE what_if_files; "
                                     "PRAGMA user_version = 4");
        free(ignored);
        harness_start_daemon(&h, NULL);
        ck_assert_msg(harness_log_wait(&h, "from schema 4 to ", 5), "%s",
                      harness_daemon_log(&h));
        char *log = harness_daemon_log(&h);
        char *copy = strstr(log, "is kept in ") + strlen("is kept in ");
        copy[strcspn(copy, "\n")] = '\0';
        char folder[400];
        snprintf(folder, sizeof folder, "%s/backups/pullout-schema4-", h.dir);
        ck_assert_msg(strncmp(copy, folder, strlen(folder)) == 0, "the copy is not in backups/ beside the database: %s",
                      copy);
        char *version = sqlite(copy, "PRAGMA user_version");
        ck_assert_str_eq(version, "4");
        assert_sound_copy(copy, STUDENTS);
        free(version);
        free(log);
        /* The live database is at the new schema. */
        version = sqlite(h.db, "PRAGMA user_version");
        ck_assert_msg(atoi(version) > 4, "the database was not migrated: schema %s", version);
        free(version);
}
END_TEST

Suite *suite_backup(void) {
        Suite *suite = suite_create("backup");
        TCase *backup = tcase_create("backup");
        tcase_set_timeout(backup, 90);
        tcase_add_checked_fixture(backup, setup, teardown);
        tcase_add_test(backup, test_backup_taken_during_writes);
        tcase_add_test(backup, test_backup_saves_a_deleted_database);
        tcase_add_test(backup, test_backup_refuses_what_it_cannot_write);
        tcase_add_test(backup, test_a_copy_is_kept_before_a_migration);
        suite_add_tcase(suite, backup);
        return suite;
}
