/* test-store.c: the database from empty to the current schema, a data set's round trip, and
 * the promise that a failed change leaves what was stored untouched. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store-internal.h"
#include "tools/schoolgen/schoolgen.h"

static char db_path[256];

static void setup(void) {
        snprintf(db_path, sizeof db_path, "/tmp/pullout-store-XXXXXX");
        int fd = mkstemp(db_path);
        ck_assert_int_ge(fd, 0);
        close(fd);
        unlink(db_path);
}

static void teardown(void) {
        char path[300];
        unlink(db_path);
        snprintf(path, sizeof path, "%s-wal", db_path);
        unlink(path);
        snprintf(path, sizeof path, "%s-shm", db_path);
        unlink(path);
}

static int user_version(struct store *store) {
        sqlite3_stmt *stmt;
        ck_assert_int_eq(store_prepare(store, "PRAGMA user_version", &stmt), 0);
        ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
        int version = sqlite3_column_int(stmt, 0);
        sqlite3_finalize(stmt);
        return version;
}

static struct school *generated_school(int students, unsigned seed) {
        struct schoolgen_params params = { .seed = seed, .students = students };
        struct school *school = NULL;
        ck_assert_int_eq(schoolgen_build(&params, &school), 0);
        return school;
}

START_TEST(test_migrates_from_empty_and_reopens) {
        struct store *store = NULL;
        char *error = NULL;
        ck_assert_int_eq(store_open(db_path, &store, &error), 0);
        ck_assert_int_eq(user_version(store), store_schema_version());
        struct store_counts counts;
        ck_assert_int_eq(store_count(store, &counts), 0);
        ck_assert_int_eq(counts.students, 0);
        ck_assert_int_eq(store_load_school(store, &(struct school *){ NULL }), -ENOENT);
        store_close(store);
        /* A second open finds the schema current and changes nothing. */
        ck_assert_int_eq(store_open(db_path, &store, &error), 0);
        ck_assert_int_eq(user_version(store), store_schema_version());
        store_close(store);
}
END_TEST

/* A database from before the one-score-a-day key (#14) keeps the latest entry of each day. */
START_TEST(test_migration_keeps_the_latest_score_of_a_day) {
        char dir[] = "/tmp/pullout-scores-XXXXXX", path[300], command[400];
        ck_assert_ptr_nonnull(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/pullout.db", dir);
        struct store *store = NULL;
        char *error = NULL;
        ck_assert_int_eq(store_open(path, &store, &error), 0);
        /* Back to the schema before the key, with a typo and its correction on one day. */
        ck_assert_int_eq(store_exec(store, "PRAGMA foreign_keys = OFF; DROP INDEX scores_one_a_day;"
                                           "ALTER TABLE teachers DROP COLUMN room;"
                                           /* and what the version states after it added */
                                           "DROP INDEX schedules_one_published; ALTER TABLE schedules DROP COLUMN state;"
                                           "ALTER TABLE schedules DROP COLUMN published_at;"
                                           "ALTER TABLE schedules DROP COLUMN effective_from;"
                                           "ALTER TABLE schedules DROP COLUMN placed; ALTER TABLE schedules DROP COLUMN needs;"
                                           "ALTER TABLE schedules DROP COLUMN upper_bound;"
                                           /* and the what-ifs' tables after that */
                                           "DROP TABLE what_if_group_members; DROP TABLE what_if_meetings; DROP TABLE what_if_unscheduled; DROP TABLE what_if_groups; DROP TABLE what_if_files; "
                                           "INSERT INTO scores (student_id, measure, date, value, entered_at) VALUES"
                                           " ('1001', 'ORF', '2026-09-14', 470, 'a'), ('1001', 'ORF', '2026-09-14', 47, 'b'),"
                                           " ('1001', 'ORF', '2026-09-21', 50, 'c'), ('1001', 'MAZE', '2026-09-14', 9, 'd');"),
                         0);
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d", store_schema_version() - 3); /* before step 7 */
        ck_assert_int_eq(store_exec(store, bump), 0);
        store_close(store);
        ck_assert_int_eq(store_open(path, &store, &error), 0);
        ck_assert_int_eq(user_version(store), store_schema_version());
        int64_t n = 0, value = 0;
        ck_assert_int_eq(store_int(store, -1, &n, "SELECT COUNT(*) FROM scores", ""), 0);
        ck_assert_int_eq(n, 3);
        ck_assert_int_eq(store_int(store, -1, &value,
                                   "SELECT value FROM scores WHERE measure = 'ORF' AND date = '2026-09-14'", ""), 0);
        ck_assert_int_eq(value, 47);
        /* The key holds from now on. */
        ck_assert_int_lt(store_exec(store, "INSERT INTO scores (student_id, measure, date, value, entered_at) VALUES"
                                           " ('1001', 'ORF', '2026-09-21', 51, 'e')"), 0);
        store_close(store);
        snprintf(command, sizeof command, "rm -rf '%s'", dir);
        ck_assert_int_eq(system(command), 0);
}
END_TEST

START_TEST(test_refuses_a_newer_schema) {
        struct store *store = NULL;
        char *error = NULL;
        ck_assert_int_eq(store_open(db_path, &store, &error), 0);
        ck_assert_int_eq(store_exec(store, "PRAGMA user_version = 999"), 0);
        store_close(store);
        ck_assert_int_lt(store_open(db_path, &store, &error), 0);
        ck_assert_ptr_nonnull(error);
        ck_assert_ptr_nonnull(strstr(error, "newer"));
        free(error);
}
END_TEST

START_TEST(test_school_round_trip) {
        struct school *school = generated_school(200, 11);
        struct store *store = NULL;
        ck_assert_int_eq(store_open(db_path, &store, NULL), 0);
        ck_assert_int_eq(store_begin(store), 0);
        ck_assert_int_eq(store_save_school(store, school, "2026-09-01T08:00:00"), 0);
        ck_assert_int_eq(store_commit(store), 0);

        struct school *loaded = NULL;
        ck_assert_int_eq(store_load_school(store, &loaded), 0);
        ck_assert_str_eq(loaded->info.name, school->info.name);
        ck_assert_str_eq(loaded->info.timezone, school->info.timezone);
        ck_assert_int_eq(loaded->info.term_start, school->info.term_start);
        ck_assert_int_eq(loaded->n_students, school->n_students);
        ck_assert_int_eq(loaded->n_blocks, school->n_blocks);
        ck_assert_int_eq(loaded->n_needs, school->n_needs);
        ck_assert_int_eq(loaded->n_calendar, school->n_calendar);
        for (size_t i = 0; i < school->n_needs; i++) {
                const struct need *a = &school->needs[i], *b = &loaded->needs[i];
                ck_assert_str_eq(loaded->students[b->student].id, school->students[a->student].id);
                ck_assert_str_eq(loaded->programs[b->program].id, school->programs[a->program].id);
                ck_assert_int_eq(a->minutes, b->minutes);
                ck_assert_int_eq(a->staff, b->staff);
        }
        for (size_t i = 0; i < school->n_programs; i++)
                ck_assert_int_eq(loaded->programs[i].n_checklist, school->programs[i].n_checklist);
        for (size_t i = 0; i < school->n_staff; i++)
                ck_assert_int_eq(loaded->staff[i].n_programs, school->staff[i].n_programs);
        school_unref(loaded);
        school_unref(school);
        store_close(store);
}
END_TEST

START_TEST(test_reimport_archives_students_that_left) {
        struct school *school = generated_school(120, 5);
        struct store *store = NULL;
        ck_assert_int_eq(store_open(db_path, &store, NULL), 0);
        ck_assert_int_eq(store_begin(store), 0);
        ck_assert_int_eq(store_save_school(store, school, "2026-09-01T08:00:00"), 0);
        ck_assert_int_eq(store_commit(store), 0);
        /* The last student (with no need of theirs in the set) leaves the data set. */
        size_t before = school->n_students;
        int last = (int)before - 1;
        for (size_t i = 0; i < school->n_needs; i++)
                ck_assert_int_ne(school->needs[i].student, last);
        school->n_students--;
        for (size_t i = 0; i < school->n_services; i++)
                if (school->services[i].student == last)
                        school->services[i].student = 0;
        ck_assert_int_eq(store_begin(store), 0);
        ck_assert_int_eq(store_save_school(store, school, "2026-09-02T08:00:00"), 0);
        ck_assert_int_eq(store_commit(store), 0);
        school->n_students++;
        struct store_counts counts;
        ck_assert_int_eq(store_count(store, &counts), 0);
        ck_assert_int_eq(counts.students, (long)before - 1);
        ck_assert_int_eq(counts.archived_students, 1);
        school_unref(school);
        store_close(store);
}
END_TEST

START_TEST(test_rollback_keeps_the_stored_data_set) {
        struct school *first = generated_school(100, 1), *second = generated_school(300, 2);
        struct store *store = NULL;
        ck_assert_int_eq(store_open(db_path, &store, NULL), 0);
        ck_assert_int_eq(store_begin(store), 0);
        ck_assert_int_eq(store_save_school(store, first, "2026-09-01T08:00:00"), 0);
        ck_assert_int_eq(store_commit(store), 0);

        ck_assert_int_eq(store_begin(store), 0);
        ck_assert_int_eq(store_save_school(store, second, "2026-09-02T08:00:00"), 0);
        store_rollback(store);

        struct school *loaded = NULL;
        ck_assert_int_eq(store_load_school(store, &loaded), 0);
        ck_assert_int_eq(loaded->n_students, first->n_students);
        ck_assert_int_eq(loaded->n_needs, first->n_needs);
        school_unref(loaded);
        school_unref(first);
        school_unref(second);
        store_close(store);
}
END_TEST

/* Counts the virtual-machine steps sqlite runs (in units of PROGRESS_OPS) and interrupts the
 * statement running when the count reaches the limit: a read that fails at that point. */
#define PROGRESS_OPS 50

struct interrupter {
        long calls, limit; /* limit 0: never */
};

static int interrupt_at(void *userdata) {
        struct interrupter *i = userdata;
        return ++i->calls == i->limit;
}

static size_t school_rows(const struct school *s) {
        return s->n_teachers + s->n_blocks + s->n_students + s->n_services + s->n_staff + s->n_availability +
               s->n_programs + s->n_needs + s->n_calendar;
}

/* A read that fails anywhere while the data set loads is an error, never a smaller school: a
 * school missing half its timetable would be solved and published as if it were whole. */
START_TEST(test_failed_read_is_an_error_not_a_truncated_school) {
        struct school *school = generated_school(150, 3);
        struct store *store = NULL;
        ck_assert_int_eq(store_open(db_path, &store, NULL), 0);
        ck_assert_int_eq(store_begin(store), 0);
        ck_assert_int_eq(store_save_school(store, school, "2026-09-01T08:00:00"), 0);
        ck_assert_int_eq(store_commit(store), 0);

        struct interrupter counter = { 0 };
        struct school *loaded = NULL;
        sqlite3_progress_handler(store->db, PROGRESS_OPS, interrupt_at, &counter);
        ck_assert_int_eq(store_load_school(store, &loaded), 0);
        ck_assert_uint_eq(school_rows(loaded), school_rows(school));
        school_unref(loaded);
        long total = counter.calls;
        ck_assert_int_gt(total, 10);

        /* Fail the read at every point of the load in turn. */
        for (long limit = 1; limit <= total; limit++) {
                struct interrupter at = { .limit = limit };
                sqlite3_progress_handler(store->db, PROGRESS_OPS, interrupt_at, &at);
                loaded = NULL;
                int r = store_load_school(store, &loaded);
                ck_assert_msg(r < 0, "a read interrupted at step %ld of %ld loaded a school of %zu of %zu rows", limit,
                              total, loaded ? school_rows(loaded) : 0, school_rows(school));
                ck_assert_ptr_null(loaded);
                ck_assert_ptr_nonnull(strstr(store_error(store), "interrupted"));
        }
        sqlite3_progress_handler(store->db, 0, NULL, NULL);
        ck_assert_int_eq(store_load_school(store, &loaded), 0);
        ck_assert_uint_eq(school_rows(loaded), school_rows(school));
        school_unref(loaded);
        school_unref(school);
        store_close(store);
}
END_TEST

Suite *suite_store(void) {
        Suite *suite = suite_create("store");
        TCase *schema = tcase_create("schema");
        tcase_add_checked_fixture(schema, setup, teardown);
        tcase_add_test(schema, test_migrates_from_empty_and_reopens);
        tcase_add_test(schema, test_refuses_a_newer_schema);
        tcase_add_test(schema, test_migration_keeps_the_latest_score_of_a_day);
        suite_add_tcase(suite, schema);
        TCase *data = tcase_create("data set");
        tcase_add_checked_fixture(data, setup, teardown);
        tcase_add_test(data, test_school_round_trip);
        tcase_add_test(data, test_reimport_archives_students_that_left);
        tcase_add_test(data, test_rollback_keeps_the_stored_data_set);
        tcase_add_test(data, test_failed_read_is_an_error_not_a_truncated_school);
        suite_add_tcase(suite, data);
        return suite;
}
