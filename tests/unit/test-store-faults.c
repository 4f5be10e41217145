/* test-store-faults.c: the store when its file or its lock is not its own: a database deleted
 * or replaced under an open store refuses every change (a transaction and a lone statement
 * alike) in words that say so, and a write lock held by another connection is a prompt
 * failure in sqlite's words. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

Suite *suite_store_faults(void) {
        Suite *suite = suite_create("store faults");
        TCase *file = tcase_create("file and lock");
        tcase_add_test(file, test_a_deleted_file_refuses_changes);
        tcase_add_test(file, test_a_replaced_file_refuses_changes_until_put_back);
        tcase_add_test(file, test_a_lock_held_elsewhere_fails_in_sqlite_words);
        suite_add_tcase(suite, file);
        return suite;
}
