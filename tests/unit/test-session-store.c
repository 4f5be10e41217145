/* test-session-store.c: the sessions tables on their own (sqlite only, no bus): a session's
 * round trip with its roster and log, the timer's due queries, keeping the future in step with
 * a new schedule version, and the rows the reports and feeds are computed from. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/session-store.h"
#include "store-fixture.h"

/* Monday 2026-09-14, 09:40 in Unix seconds as the tests count them: the store keeps what it
 * is told. */
#define MONDAY 1789400000
#define HOUR 3600
#define DAY 86400

static civil_date monday(void) {
        civil_date date;
        ck_assert_int_eq(date_parse("2026-09-14", &date), 0);
        return date;
}

/* A regular session (or a make-up of makes_up) d days after Monday, 09:40-10:10, of students. */
static void add_session(struct store *store, const char *id, const char *group, int d, const char *makes_up,
                        const char *const *students) {
        struct store_session s = {
                .session_id = (char *)id, .group_id = (char *)group, .program_id = "LLI", .staff_id = "S1",
                .version = 1, .date = monday() + d, .start = 580, .end = 610,
                .starts_at = MONDAY + (int64_t)d * DAY, .ends_at = MONDAY + (int64_t)d * DAY + 30 * 60,
                .planned_minutes = 30, .makes_up = (char *)makes_up,
        };
        ck_assert_int_eq(store_session_insert(store, &s, "2026-09-13T12:00:00"), 1);
        for (size_t i = 0; students && students[i]; i++)
                ck_assert_int_eq(store_session_add_student(store, id, students[i]), 0);
}

static const char *const trio[] = { "1021", "1033", "1044", NULL };

START_TEST(test_session_round_trip) {
        struct store *store = fixture_store_open();
        add_session(store, "G1-20260914-0940", "G1", 0, NULL, trio);
        /* Stored once: a second insert of the same id keeps the first. */
        struct store_session again = { .session_id = "G1-20260914-0940", .group_id = "G9", .program_id = "X",
                                       .staff_id = "S9", .date = monday() };
        ck_assert_int_eq(store_session_insert(store, &again, "2026-09-13T12:00:00"), 0);

        struct store_session s = { 0 };
        ck_assert_int_eq(store_session_get(store, "G1-20260914-0940", &s), 0);
        ck_assert_str_eq(s.group_id, "G1");
        ck_assert_str_eq(s.staff_id, "S1");
        ck_assert_int_eq(s.date, monday());
        ck_assert_int_eq(s.start, 580);
        ck_assert_int_eq(s.starts_at, MONDAY);
        ck_assert_int_eq(s.status, SESSION_SCHEDULED);
        ck_assert_int_eq(s.minutes, -1);
        ck_assert_ptr_null(s.makes_up);
        ck_assert_ptr_null(s.fidelity);
        store_session_clear(&s);
        ck_assert_int_eq(store_session_get(store, "G1-20260915-0940", &s), -ENOENT);
        ck_assert_int_eq(store_session_exists(store, "G1-20260914-0940"), 1);
        ck_assert_int_eq(store_session_exists(store, "G1-20260915-0940"), 0);
        ck_assert_int_eq(store_session_has_student(store, "G1-20260914-0940", "1033"), 1);
        ck_assert_int_eq(store_session_has_student(store, "G1-20260914-0940", "9999"), 0);

        struct store_session_student *roster = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_session_students(store, "G1-20260914-0940", &roster, &n), 0);
        ck_assert_uint_eq(n, 3);
        ck_assert_str_eq(roster[0].student_id, "1021");
        ck_assert_str_eq(roster[2].student_id, "1044");
        ck_assert_int_eq(roster[0].present, -1);
        store_session_students_free(roster, n);
        fixture_store_close(store);
}
END_TEST

START_TEST(test_logging_keeps_history) {
        struct store *store = fixture_store_open();
        const char *id = "G1-20260914-0940";
        add_session(store, id, "G1", 0, NULL, trio);
        ck_assert_int_eq(store_session_deliver(store, id, "2026-09-14T10:20:00", true), 0);
        ck_assert_int_eq(store_session_log_append(store, id, "2026-09-14T10:20:00", "logged", "{}"), 0);
        char *absent[] = { "1033" };
        ck_assert_int_eq(store_session_set_absent(store, id, absent, 1), 0);
        ck_assert_int_eq(store_session_set_minutes(store, id, 25), 0);
        ck_assert_int_eq(store_session_set_fidelity(store, id, "[\"Warm-up\"]", 1, 4), 0);
        ck_assert_int_eq(store_session_set_note(store, id, "short day"), 0);
        ck_assert_int_eq(store_session_log_append(store, id, "2026-09-14T11:00:00", "corrected", "{\"minutes\":25}"), 0);

        struct store_session s = { 0 };
        ck_assert_int_eq(store_session_get(store, id, &s), 0);
        ck_assert_int_eq(s.status, SESSION_DELIVERED);
        ck_assert_int_eq(s.minutes, 25);
        ck_assert_str_eq(s.fidelity, "[\"Warm-up\"]");
        ck_assert_int_eq(s.fidelity_delivered, 1);
        ck_assert_int_eq(s.fidelity_applicable, 4);
        ck_assert_str_eq(s.note, "short day");
        ck_assert_str_eq(s.logged_at, "2026-09-14T10:20:00");
        store_session_clear(&s);
        struct store_session_student *roster = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_session_students(store, id, &roster, &n), 0);
        ck_assert_int_eq(roster[0].present, 1);
        ck_assert_int_eq(roster[1].present, 0);
        ck_assert_int_eq(roster[2].present, 1);
        store_session_students_free(roster, n);
        /* Clearing the note; the history keeps both entries, oldest first. */
        ck_assert_int_eq(store_session_set_note(store, id, NULL), 0);
        struct store_session_log *log = NULL;
        ck_assert_int_eq(store_session_history(store, id, &log, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(log[0].action, "logged");
        ck_assert_str_eq(log[1].detail, "{\"minutes\":25}");
        store_session_logs_free(log, n);
        fixture_store_close(store);
}
END_TEST

START_TEST(test_makeups_and_cancellations) {
        struct store *store = fixture_store_open();
        add_session(store, "G1-20260914-0940", "G1", 0, NULL, trio);
        ck_assert_int_eq(store_session_cancel(store, "G1-20260914-0940", "assembly", "2026-09-14T08:00:00"), 0);
        char *makeup = NULL;
        ck_assert_int_eq(store_session_makeup_of(store, "G1-20260914-0940", &makeup), 0);
        add_session(store, "G1-20260916-1300", "G1", 2, "G1-20260914-0940", NULL);
        ck_assert_int_eq(store_session_copy_students(store, "G1-20260916-1300", "G1-20260914-0940"), 0);
        ck_assert_int_eq(store_session_makeup_of(store, "G1-20260914-0940", &makeup), 1);
        ck_assert_str_eq(makeup, "G1-20260916-1300");
        free(makeup);

        struct store_booked *booked = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_sessions_booked_makeups(store, monday(), monday() + 7, &booked, &n), 0);
        ck_assert_uint_eq(n, 3); /* one row per student of the make-up */
        ck_assert_int_eq(booked[0].date, monday() + 2);
        ck_assert_str_eq(booked[0].staff_id, "S1");
        store_booked_free(booked, n);
        ck_assert_int_eq(store_sessions_booked_makeups(store, monday() + 7, monday() + 14, &booked, &n), 0);
        ck_assert_uint_eq(n, 0);
        store_booked_free(booked, n);

        struct store_feed_change *changes = NULL;
        ck_assert_int_eq(store_sessions_feed_changes(store, &changes, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(changes[0].session_id, "G1-20260914-0940");
        ck_assert_ptr_null(changes[0].makes_up);
        ck_assert_str_eq(changes[1].makes_up, "G1-20260914-0940");
        store_feed_changes_free(changes, n);
        fixture_store_close(store);
}
END_TEST

START_TEST(test_due_events_in_order) {
        struct store *store = fixture_store_open();
        add_session(store, "G1-20260915-0940", "G1", 1, NULL, trio);
        add_session(store, "G1-20260914-0940", "G1", 0, NULL, trio);
        char id[STORE_SESSION_ID_MAX];
        int64_t due = 0;
        ck_assert_int_eq(store_session_next_due(store, STORE_DUE_REMINDER, 600, id, &due), 1);
        ck_assert_str_eq(id, "G1-20260914-0940");
        ck_assert_int_eq(due, MONDAY - 600);
        ck_assert_int_eq(store_session_record_event(store, id, STORE_DUE_REMINDER, "2026-09-14T09:30:00", true), 0);
        ck_assert_int_eq(store_session_next_due(store, STORE_DUE_REMINDER, 600, id, &due), 1);
        ck_assert_str_eq(id, "G1-20260915-0940");
        /* The missed check comes at the end plus the grace; once missed, nothing else is due. */
        ck_assert_int_eq(store_session_next_due(store, STORE_DUE_MISSED, DAY, id, &due), 1);
        ck_assert_str_eq(id, "G1-20260914-0940");
        ck_assert_int_eq(due, MONDAY + 30 * 60 + DAY);
        ck_assert_int_eq(store_session_mark_missed(store, id, "2026-09-15T10:10:00"), 0);
        ck_assert_int_eq(store_session_next_due(store, STORE_DUE_PROMPT, 0, id, &due), 1);
        ck_assert_str_eq(id, "G1-20260915-0940");
        struct store_session_log *log = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_session_history(store, "G1-20260914-0940", &log, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_str_eq(log[0].action, "missed");
        store_session_logs_free(log, n);
        /* A delivered session is never declared missed. */
        ck_assert_int_eq(store_session_deliver(store, "G1-20260915-0940", "2026-09-15T10:15:00", true), 0);
        ck_assert_int_eq(store_session_mark_missed(store, "G1-20260915-0940", "2026-09-16T10:10:00"), 0);
        struct store_session s = { 0 };
        ck_assert_int_eq(store_session_get(store, "G1-20260915-0940", &s), 0);
        ck_assert_int_eq(s.status, SESSION_DELIVERED);
        store_session_clear(&s);
        ck_assert_int_eq(store_session_next_due(store, STORE_DUE_PROMPT, 0, id, &due), 0);
        fixture_store_close(store);
}
END_TEST

/* A new version: the future it holds stays (adopted), the rest of the future goes, the past
 * and make-ups stay as they are. */
START_TEST(test_future_follows_a_new_version) {
        struct store *store = fixture_store_open();
        add_session(store, "G1-20260914-0940", "G1", 0, NULL, trio); /* past */
        add_session(store, "G1-20260915-0940", "G1", 1, NULL, trio);
        add_session(store, "G1-20260916-0940", "G1", 2, NULL, trio);
        add_session(store, "G1-20260917-0940", "G1", 3, "G1-20260914-0940", trio);
        int64_t now = MONDAY + HOUR;
        int64_t last = 0, version = 0;
        ck_assert_int_eq(store_sessions_last_start(store, now, &last), 0);
        ck_assert_int_eq(last, MONDAY + 3 * DAY);

        struct store_future_member *members = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_sessions_future_members(store, "G1", now, &members, &n), 0);
        ck_assert_uint_eq(n, 3);
        ck_assert_str_eq(members[0].staff_id, "S1");
        store_future_members_free(members, n);
        ck_assert_int_eq(store_sessions_future_members(store, "G7", now, &members, &n), 0);
        ck_assert_uint_eq(n, 0);
        store_future_members_free(members, n);

        ck_assert_int_eq(store_sessions_hold_clear(store), 0);
        ck_assert_int_eq(store_sessions_hold(store, "G1-20260915-0940", 610), 0);
        ck_assert_int_eq(store_sessions_hold(store, "G1-20260916-0940", 620), 0); /* other times: goes */
        ck_assert_int_eq(store_sessions_drop_unheld(store, now), 0);
        ck_assert_int_eq(store_sessions_adopt(store, 2, now), 0);
        ck_assert_int_eq(store_session_exists(store, "G1-20260914-0940"), 1);
        ck_assert_int_eq(store_session_exists(store, "G1-20260915-0940"), 1);
        ck_assert_int_eq(store_session_exists(store, "G1-20260916-0940"), 0);
        ck_assert_int_eq(store_session_exists(store, "G1-20260917-0940"), 1);
        ck_assert_int_eq(store_sessions_max_version(store, &version), 0);
        ck_assert_int_eq(version, 2);
        struct store_session s = { 0 };
        ck_assert_int_eq(store_session_get(store, "G1-20260914-0940", &s), 0);
        ck_assert_int_eq(s.version, 1);
        store_session_clear(&s);
        /* A group whose future goes whole (its students changed). */
        ck_assert_int_eq(store_sessions_drop_future(store, "G1", now), 0);
        ck_assert_int_eq(store_session_exists(store, "G1-20260915-0940"), 0);
        ck_assert_int_eq(store_session_exists(store, "G1-20260917-0940"), 1);
        fixture_store_close(store);
}
END_TEST

struct tally {
        int rows, planned, present, missed;
};

static void count_row(void *userdata, const struct store_dosage_row *row) {
        struct tally *t = userdata;
        t->rows++;
        t->planned += row->regular ? row->planned_minutes : 0;
        t->present += row->present == 1;
        t->missed += row->status == SESSION_MISSED;
}

START_TEST(test_report_rows) {
        struct store *store = fixture_store_open();
        const char *const pair[] = { "1021", "1033", NULL };
        add_session(store, "G1-20260914-0940", "G1", 0, NULL, trio);
        add_session(store, "G2-20260915-0940", "G2", 1, NULL, pair);
        add_session(store, "G1-20260916-0940", "G1", 2, NULL, trio);
        ck_assert_int_eq(store_session_deliver(store, "G1-20260914-0940", "2026-09-14T10:20:00", true), 0);
        ck_assert_int_eq(store_session_set_fidelity(store, "G1-20260914-0940", "[]", 3, 4), 0);
        ck_assert_int_eq(store_session_mark_missed(store, "G2-20260915-0940", "2026-09-16T10:10:00"), 0);

        struct tally t = { 0 };
        ck_assert_int_eq(store_sessions_student_dosage(store, "1021", NULL, MONDAY, MONDAY + 7 * DAY, count_row, &t), 0);
        ck_assert_int_eq(t.rows, 3);
        ck_assert_int_eq(t.planned, 90);
        ck_assert_int_eq(t.present, 1);
        ck_assert_int_eq(t.missed, 1);
        t = (struct tally){ 0 };
        ck_assert_int_eq(store_sessions_student_dosage(store, "1021", "G2", MONDAY, MONDAY + 7 * DAY, count_row, &t), 0);
        ck_assert_int_eq(t.rows, 1);
        t = (struct tally){ 0 };
        ck_assert_int_eq(store_sessions_group_dosage(store, "G1", MONDAY, MONDAY + DAY, count_row, &t), 0);
        ck_assert_int_eq(t.rows, 1);

        int64_t misses = 0, delivered = 0, applicable = 0, first = 0;
        /* A session nobody logged is not the student's absence; a recorded one is. */
        ck_assert_int_eq(store_sessions_absences(store, "1033", MONDAY, MONDAY + 7 * DAY, &misses), 0);
        ck_assert_int_eq(misses, 0);
        const char *const absent[] = { "1033" };
        ck_assert_int_eq(store_session_set_absent(store, "G1-20260914-0940", (char **)absent, 1), 0);
        ck_assert_int_eq(store_sessions_absences(store, "1033", MONDAY, MONDAY + 7 * DAY, &misses), 0);
        ck_assert_int_eq(misses, 1);
        int64_t unlogged = 0, first_unlogged = 0;
        ck_assert_int_eq(store_sessions_group_unlogged(store, "G2", &unlogged, &first_unlogged), 0);
        ck_assert_int_eq(unlogged, 1);
        ck_assert_int_eq(first_unlogged, MONDAY + DAY);
        ck_assert_int_eq(store_sessions_group_unlogged(store, "G1", &unlogged, &first_unlogged), 0);
        ck_assert_int_eq(unlogged, 0);
        ck_assert_int_eq(store_sessions_group_fidelity(store, "G1", monday(), monday() + 7, &delivered, &applicable), 0);
        ck_assert_int_eq(delivered, 3);
        ck_assert_int_eq(applicable, 4);
        ck_assert_int_eq(store_sessions_student_fidelity(store, "1044", MONDAY, MONDAY + DAY, &delivered, &applicable),
                         0);
        ck_assert_int_eq(applicable, 4);
        ck_assert_int_eq(store_sessions_first_end(store, "1044", -1, &first), 0);
        ck_assert_int_eq(first, MONDAY + 30 * 60);
        ck_assert_int_eq(store_sessions_first_end(store, "9999", -1, &first), 0);
        ck_assert_int_eq(first, -1);

        char **ids = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_sessions_groups_of(store, "1021", &ids, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(ids[1], "G2");
        store_strings_free(ids, n);
        ck_assert_int_eq(store_sessions_students_of(store, "G1", &ids, &n), 0);
        ck_assert_uint_eq(n, 3);
        ck_assert_str_eq(ids[0], "1021");
        store_strings_free(ids, n);
        ck_assert_int_eq(store_sessions_know_student(store, "1044"), 1);
        ck_assert_int_eq(store_sessions_know_group(store, "G7"), 0);

        struct store_fidelity_row *rows = NULL;
        ck_assert_int_eq(store_sessions_fidelity(store, STORE_FIDELITY_WEEK, MONDAY, MONDAY + 7 * DAY, NULL, NULL, &rows,
                                                 &n),
                         0);
        ck_assert_uint_eq(n, 1);
        ck_assert_str_eq(rows[0].key, "2026-09-14");
        ck_assert_int_eq(rows[0].delivered, 3);
        store_fidelity_rows_free(rows, n);
        struct store_dosage_pair *pairs = NULL;
        ck_assert_int_eq(store_sessions_dosage_pairs(store, MONDAY, MONDAY + 7 * DAY, NULL, NULL, &pairs, &n), 0);
        ck_assert_uint_eq(n, 5); /* 1021 and 1033 in G1 and G2, 1044 in G1 */
        store_dosage_pairs_free(pairs, n);

        civil_date date = 0;
        int64_t start = 0;
        ck_assert_int_eq(store_sessions_first_date(store, &date), 1);
        ck_assert_int_eq(date, monday());
        ck_assert_int_eq(store_sessions_first_start(store, &start), 0);
        ck_assert_int_eq(start, MONDAY);
        struct store_held_group *held = NULL;
        ck_assert_int_eq(store_sessions_held_groups(store, MONDAY + DAY + HOUR, &held, &n), 0);
        ck_assert_uint_eq(n, 2);
        store_held_groups_free(held, n);
        struct store_started *started = NULL;
        ck_assert_int_eq(store_sessions_started(store, "G1", MONDAY + 3 * DAY, &started, &n), 0);
        ck_assert_uint_eq(n, 2);
        store_started_free(started, n);
        fixture_store_close(store);
}
END_TEST

START_TEST(test_empty_store) {
        struct store *store = fixture_store_open();
        civil_date date = 0;
        int64_t start = 0;
        ck_assert_int_eq(store_sessions_first_date(store, &date), 0);
        ck_assert_int_eq(store_sessions_first_start(store, &start), 0);
        ck_assert_int_eq(start, -1);
        struct store_session *list = NULL;
        size_t n = 7;
        ck_assert_int_eq(store_sessions_between(store, monday(), monday() + 7, NULL, &list, &n), 0);
        ck_assert_uint_eq(n, 0);
        store_sessions_free(list, n);
        fixture_store_close(store);
}
END_TEST

START_TEST(test_sessions_between) {
        struct store *store = fixture_store_open();
        add_session(store, "G2-20260914-0940", "G2", 0, NULL, trio);
        add_session(store, "G1-20260914-0940", "G1", 0, NULL, trio);
        add_session(store, "G1-20260921-0940", "G1", 7, NULL, trio);
        struct store_session *list = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_sessions_between(store, monday(), monday() + 7, NULL, &list, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(list[0].group_id, "G1");
        ck_assert_str_eq(list[1].group_id, "G2");
        store_sessions_free(list, n);
        ck_assert_int_eq(store_sessions_between(store, monday(), monday() + 7, "S2", &list, &n), 0);
        ck_assert_uint_eq(n, 0);
        store_sessions_free(list, n);
        fixture_store_close(store);
}
END_TEST

Suite *suite_session_store(void) {
        Suite *suite = suite_create("session store");
        TCase *life = tcase_create("life");
        tcase_add_test(life, test_session_round_trip);
        tcase_add_test(life, test_logging_keeps_history);
        tcase_add_test(life, test_makeups_and_cancellations);
        tcase_add_test(life, test_due_events_in_order);
        tcase_add_test(life, test_sessions_between);
        suite_add_tcase(suite, life);
        TCase *sync = tcase_create("sync");
        tcase_add_test(sync, test_future_follows_a_new_version);
        suite_add_tcase(suite, sync);
        TCase *reports = tcase_create("reports");
        tcase_add_test(reports, test_report_rows);
        tcase_add_test(reports, test_empty_store);
        suite_add_tcase(suite, reports);
        return suite;
}
