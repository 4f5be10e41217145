/* test-store-faults.c: the store when its file or its lock is not its own: a database deleted
 * or replaced under an open store refuses every change (a transaction and a lone statement
 * alike) in words that say so, and a write lock held by another connection is a prompt
 * failure in sqlite's words. */
#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store-fixture.h"
#include "store/store-internal.h"

static int64_t count_settings(struct store *store) {
        int64_t n = -1;
        ck_assert_int_eq(store_int(store, 0, &n, "SELECT count(*) FROM school", ""), 0);
        return n;
}

START_TEST(test_a_deleted_file_refuses_changes) {
        struct store *store = fixture_store_open();
        ck_assert_int_eq(store_check_file(store), 0);
        ck_assert_int_eq(unlink(fixture_store_path()), 0);

        ck_assert_int_eq(store_check_file(store), -EIO);
        ck_assert_int_eq(store_begin(store), -EIO);
        ck_assert_ptr_nonnull(strstr(store_error(store), "was deleted or replaced"));
        /* A statement outside any transaction commits by itself: the commit hook refuses it. */
        int r = store_run(store, "INSERT INTO school (id, name, timezone, day_start, day_end, term_start, term_end, "
                                 "transition_minutes, imported_at) VALUES (1, 'x', 'UTC', 0, 1, 'a', 'b', 0, 'c')",
                          "");
        ck_assert_int_eq(r, -EIO);
        ck_assert_msg(strstr(store_error(store), "was deleted or replaced"), "%s", store_error(store));
        ck_assert_int_eq(count_settings(store), 0);
        fixture_store_close(store);
}
END_TEST

START_TEST(test_a_replaced_file_refuses_changes_until_put_back) {
        struct store *store = fixture_store_open();
        char aside[300];
        snprintf(aside, sizeof aside, "%s.aside", fixture_store_path());
        ck_assert_int_eq(rename(fixture_store_path(), aside), 0);
        FILE *other = fopen(fixture_store_path(), "we");
        ck_assert_ptr_nonnull(other);
        fclose(other);
        ck_assert_int_eq(store_begin(store), -EIO);
        ck_assert_int_eq(rename(aside, fixture_store_path()), 0);
        ck_assert_int_eq(store_begin(store), 0);
        ck_assert_int_eq(store_commit(store), 0);
        fixture_store_close(store);
}
END_TEST

START_TEST(test_a_lock_held_elsewhere_fails_in_sqlite_words) {
        struct store *store = fixture_store_open();
        sqlite3 *other = NULL;
        ck_assert_int_eq(sqlite3_open(fixture_store_path(), &other), SQLITE_OK);
        ck_assert_int_eq(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
        ck_assert_int_eq(store_begin(store), -EIO);
        ck_assert_msg(strstr(store_error(store), "database is locked") && strstr(store_error(store), "another program"),
                      "%s", store_error(store));
        /* How long the loop's connection waits, as sqlite reports it. */
        int64_t timeout = 0;
        ck_assert_int_eq(store_int(store, 0, &timeout, "PRAGMA busy_timeout", ""), 0);
        ck_assert_int_le(timeout, 100);
        sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(other);
        ck_assert_int_eq(store_begin(store), 0);
        ck_assert_int_eq(store_commit(store), 0);
        fixture_store_close(store);
}
END_TEST

/* A write made by the store's own connection between two steps of a backup is in the copy. */
START_TEST(test_backup_carries_changes_made_during_the_copy) {
        struct store *store = fixture_store_open();
        ck_assert_int_eq(store_exec(store, "CREATE TABLE filler (n INTEGER, pad TEXT)"), 0);
        ck_assert_int_eq(store_exec(store, "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < "
                                           "3000) INSERT INTO filler SELECT n, printf('%0500d', n) FROM k"),
                         0);
        struct store_backup *backup = NULL;
        ck_assert_int_eq(store_backup_start(store, &backup), 0);
        ck_assert_int_eq(store_backup_step(backup, 5), 1);
        ck_assert_int_eq(store_exec(store, "INSERT INTO filler VALUES (-1, 'written during the copy')"), 0);
        int r, steps = 1;
        while ((r = store_backup_step(backup, 5)) > 0)
                steps++;
        ck_assert_int_eq(r, 0);
        ck_assert_int_gt(steps, 10);
        const void *data = NULL;
        size_t size = 0;
        ck_assert_int_eq(store_backup_finish(backup, &data, &size), 0);
        ck_assert_int_eq(store_backup_schema_version(backup), store_schema_version());
        ck_assert_int_eq(memcmp(data, "SQLite format 3", 15), 0);

        /* The bytes are a database of their own. */
        sqlite3 *copy = NULL;
        ck_assert_int_eq(sqlite3_open(":memory:", &copy), SQLITE_OK);
        unsigned char *bytes = sqlite3_malloc64(size);
        memcpy(bytes, data, size);
        ck_assert_int_eq(sqlite3_deserialize(copy, "main", bytes, (sqlite3_int64)size, (sqlite3_int64)size,
                                             SQLITE_DESERIALIZE_FREEONCLOSE),
                         SQLITE_OK);
        sqlite3_stmt *stmt = NULL;
        ck_assert_int_eq(sqlite3_prepare_v2(copy, "SELECT count(*), sum(n = -1) FROM filler", -1, &stmt, NULL),
                         SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
        ck_assert_int_eq(sqlite3_column_int(stmt, 0), 3001);
        ck_assert_int_eq(sqlite3_column_int(stmt, 1), 1);
        sqlite3_finalize(stmt);
        sqlite3_close(copy);
        store_backup_free(backup);
        fixture_store_close(store);
}
END_TEST

static int files_with_prefix(const char *folder, const char *prefix, bool *ret_has) {
        char command[700], line[512];
        int n = 0;
        snprintf(command, sizeof command, "ls '%s'", folder);
        FILE *ls = popen(command, "r");
        while (fgets(line, sizeof line, ls))
                if (strncmp(line, prefix, strlen(prefix)) == 0) {
                        n++;
                        if (ret_has && strstr(line, "20000101"))
                                *ret_has = true;
                }
        pclose(ls);
        return n;
}

START_TEST(test_migration_keeps_a_copy_and_only_the_newest_few) {
        char folder[300], backups[320], path[400], *error = NULL;
        struct store *store = fixture_store_open();
        snprintf(folder, sizeof folder, "%s", fixture_store_path());
        *strrchr(folder, '/') = '\0';
        /* A fresh database needs no copy. */
        int from = -1;
        const char *copy = "";
        store_opened(store, &from, &copy);
        ck_assert_int_eq(from, 0);
        ck_assert_ptr_null(copy);
        ck_assert_int_eq(store_exec(store, "PRAGMA user_version = 2"), 0);
        store_close(store);

        /* Copies of earlier migrations of the same database, older than the one to come. */
        const char *name = strrchr(fixture_store_path(), '/') + 1;
        snprintf(backups, sizeof backups, "%s/%s", folder, STORE_BACKUP_FOLDER);
        mkdir(backups, 0700);
        const char *stamps[] = { "20000101T000000Z", "20000102T000000Z", "20000103T000000Z", "20000104T000000Z" };
        for (size_t i = 0; i < 4; i++) {
                snprintf(path, sizeof path, "%s/%s-schema1-%s.db", backups, name, stamps[i]);
                FILE *f = fopen(path, "we");
                fclose(f);
        }
        /* user_version 2 with the later steps' tables already there fails after the copy. */
        ck_assert_int_lt(store_open(fixture_store_path(), &store, &error), 0);
        free(error);
        char prefix[300];
        snprintf(prefix, sizeof prefix, "%s-schema", name);
        bool oldest_kept = false;
        ck_assert_int_eq(files_with_prefix(backups, prefix, &oldest_kept), STORE_MIGRATION_BACKUPS_KEPT);
        ck_assert_msg(!oldest_kept, "the oldest copies were kept, not the newest");
        snprintf(prefix, sizeof prefix, "%s-schema2-", name);
        ck_assert_int_eq(files_with_prefix(backups, prefix, NULL), 1);

        char command[400];
        snprintf(command, sizeof command, "rm -rf '%s'", backups);
        ck_assert_int_eq(system(command), 0);
        unlink(fixture_store_path());
}
END_TEST

Suite *suite_store_faults(void) {
        Suite *suite = suite_create("store faults");
        TCase *file = tcase_create("file and lock");
        tcase_add_test(file, test_a_deleted_file_refuses_changes);
        tcase_add_test(file, test_a_replaced_file_refuses_changes_until_put_back);
        tcase_add_test(file, test_a_lock_held_elsewhere_fails_in_sqlite_words);
        suite_add_tcase(suite, file);
        TCase *copies = tcase_create("copies");
        tcase_add_test(copies, test_backup_carries_changes_made_during_the_copy);
        tcase_add_test(copies, test_migration_keeps_a_copy_and_only_the_newest_few);
        suite_add_tcase(suite, copies);
        return suite;
}
