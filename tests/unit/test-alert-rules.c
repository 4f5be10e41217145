/* test-alert-rules.c: the alert rules over a real store, without a bus: one missed_session
 * alert per group that counts its sessions and resolves when all are logged; a session nobody
 * logged blames no student (no repeated_miss, no low_dosage); recorded absences do, and clear
 * when corrected; a group's low fidelity resolves when the week is back over the threshold. */
#include <check.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "service/alert-rules.h"
#include "service/local-time.h"
#include "service/signal-queue.h"
#include "store-fixture.h"
#include "store/alert-store.h"
#include "store/session-store.h"

static struct daemon daemon_;

static void setup(void) {
        memset(&daemon_, 0, sizeof daemon_);
        ck_assert_int_eq(conf_init(&daemon_.conf), 0);
        daemon_.conf.repeated_miss_count = 2;
        ck_assert_int_eq(clock_init_manual(&daemon_.clock, "2026-09-14T06:00"), 0);
        daemon_.store = fixture_store_open();
}

static void teardown(void) {
        signals_stop(&daemon_);
        fixture_store_close(daemon_.store);
        conf_clear(&daemon_.conf);
}

/* A 30-minute session of group on day d (0: Monday 2026-09-14) at 09:40, of students. */
static void add_session(const char *id, const char *group, int d, const char *const *students) {
        civil_date monday;
        ck_assert_int_eq(date_parse("2026-09-14", &monday), 0);
        time_t start = local_time_of(monday + d, 580);
        struct store_session s = {
                .session_id = (char *)id, .group_id = (char *)group, .program_id = "LLI", .staff_id = "S1",
                .version = 1, .date = monday + d, .start = 580, .end = 610, .starts_at = start,
                .ends_at = start + 30 * 60, .planned_minutes = 30,
        };
        ck_assert_int_eq(store_session_insert(daemon_.store, &s, "2026-09-13T12:00:00"), 1);
        for (size_t i = 0; students[i]; i++)
                ck_assert_int_eq(store_session_add_student(daemon_.store, id, students[i]), 0);
}

static void advance_days(int days) {
        ck_assert_int_eq(clock_advance(&daemon_.clock, days * 86400LL), 0);
}

/* The open alerts of kind (NULL: any). */
static size_t open_of(const char *kind, struct store_alert **ret) {
        struct store_alert_filter f = { .kind = kind };
        size_t n = 0;
        ck_assert_int_eq(store_alert_list(daemon_.store, &f, ret, &n), 0);
        return n;
}

static size_t count_open(const char *kind) {
        struct store_alert *list = NULL;
        size_t n = open_of(kind, &list);
        store_alerts_free(list, n);
        return n;
}

static void missed(const char *id) {
        ck_assert_int_eq(store_session_mark_missed(daemon_.store, id, "2026-09-20T10:00:00"), 0);
        struct store_session s = { 0 };
        ck_assert_int_eq(store_session_get(daemon_.store, id, &s), 0);
        ck_assert_int_ge(alerts_check_group_missed(&daemon_, s.group_id, s.staff_id, id), 0);
        ck_assert_int_ge(alerts_check_session(&daemon_, id), 0);
        store_session_clear(&s);
}

static void logged(const char *id, const char *absent) {
        ck_assert_int_eq(store_session_deliver(daemon_.store, id, "2026-09-20T10:00:00", true), 0);
        if (absent)
                ck_assert_int_eq(store_session_set_absent(daemon_.store, id, (char *const[]){ (char *)absent }, 1), 0);
        ck_assert_int_ge(alerts_check_session(&daemon_, id), 0);
}

static const char *const pair[] = { "1021", "1033", NULL };

START_TEST(test_unlogged_sessions_are_one_group_alert_and_blame_no_student) {
        const char *ids[] = { "G1-0", "G1-1", "G1-2", "G1-3" };
        for (int d = 0; d < 4; d++)
                add_session(ids[d], "G1", d, pair);
        add_session("G2-0", "G2", 0, pair + 1);
        advance_days(8);
        for (int d = 0; d < 4; d++)
                missed(ids[d]);
        missed("G2-0");

        struct store_alert *list = NULL;
        ck_assert_uint_eq(open_of(NULL, &list), 2);
        ck_assert_str_eq(list[0].kind, "missed_session");
        ck_assert_str_eq(list[0].group_id, "G1");
        ck_assert_int_eq(list[0].count, 4);
        ck_assert_ptr_nonnull(strstr(list[0].message, "4 sessions not logged"));
        ck_assert_str_eq(list[1].group_id, "G2");
        store_alerts_free(list, 2);
        ck_assert_uint_eq(count_open("repeated_miss"), 0);
        ck_assert_uint_eq(count_open("low_dosage"), 0);

        /* Logged late, one by one: the line says how many are left, then resolves. */
        logged(ids[0], NULL);
        ck_assert_uint_eq(open_of("missed_session", &list), 2);
        ck_assert_ptr_nonnull(strstr(list[0].message, "3 sessions not logged"));
        ck_assert_int_eq(list[0].count, 4);
        store_alerts_free(list, 2);
        for (int d = 1; d < 4; d++)
                logged(ids[d], NULL);
        ck_assert_uint_eq(open_of("missed_session", &list), 1);
        ck_assert_str_eq(list[0].group_id, "G2");
        store_alerts_free(list, 1);
        struct store_alert_filter all = { .all = true, .group_id = "G1" };
        size_t n = 0;
        ck_assert_int_eq(store_alert_list(daemon_.store, &all, &list, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(list[0].state, ALERT_RESOLVED);
        store_alerts_free(list, n);
}
END_TEST

START_TEST(test_recorded_absences_are_the_students_and_clear_when_corrected) {
        const char *ids[] = { "G1-0", "G1-1", "G1-2" };
        for (int d = 0; d < 3; d++)
                add_session(ids[d], "G1", d, pair);
        advance_days(3);
        logged(ids[0], "1021");
        logged(ids[1], "1021");
        logged(ids[2], NULL);
        struct store_alert *list = NULL;
        ck_assert_uint_eq(open_of("repeated_miss", &list), 1);
        ck_assert_str_eq(list[0].student_id, "1021");
        ck_assert_int_eq(list[0].count, 2);
        store_alerts_free(list, 1);
        /* Corrected: 1021 was there after all. */
        ck_assert_int_eq(store_session_set_absent(daemon_.store, ids[1], NULL, 0), 0);
        ck_assert_int_ge(alerts_check_session(&daemon_, ids[1]), 0);
        ck_assert_uint_eq(count_open("repeated_miss"), 0);
}
END_TEST

START_TEST(test_low_dosage_per_student_and_program_from_logged_sessions) {
        const char *ids[] = { "G1-0", "G1-1", "G1-2", "G1-7" };
        const int days[] = { 0, 1, 2, 7 };
        for (int i = 0; i < 4; i++)
                add_session(ids[i], "G1", days[i], pair);
        advance_days(8);
        for (int i = 0; i < 4; i++) {
                ck_assert_int_eq(store_session_deliver(daemon_.store, ids[i], "2026-09-20T10:00:00", true), 0);
                ck_assert_int_eq(store_session_set_minutes(daemon_.store, ids[i], 10), 0);
                ck_assert_int_ge(alerts_check_session(&daemon_, ids[i]), 0);
        }
        /* 40 of 120 minutes: one alert per student and program, counted. */
        struct store_alert *list = NULL;
        ck_assert_uint_eq(open_of("low_dosage", &list), 2);
        ck_assert_str_eq(list[0].key, "low_dosage:1021:LLI");
        ck_assert_int_eq(list[0].count, 4);
        store_alerts_free(list, 2);
        for (int i = 0; i < 4; i++) {
                ck_assert_int_eq(store_session_set_minutes(daemon_.store, ids[i], 30), 0);
                ck_assert_int_ge(alerts_check_session(&daemon_, ids[i]), 0);
        }
        ck_assert_uint_eq(count_open("low_dosage"), 0);
}
END_TEST

START_TEST(test_low_fidelity_resolves_when_corrected) {
        add_session("G1-0", "G1", 0, pair);
        advance_days(1);
        ck_assert_int_eq(store_session_deliver(daemon_.store, "G1-0", "2026-09-14T10:20:00", true), 0);
        ck_assert_int_eq(store_session_set_fidelity(daemon_.store, "G1-0", "[]", 1, 3), 0);
        ck_assert_int_ge(alerts_check_session(&daemon_, "G1-0"), 0);
        ck_assert_uint_eq(count_open("low_fidelity"), 1);
        ck_assert_int_eq(store_session_set_fidelity(daemon_.store, "G1-0", "[]", 3, 3), 0);
        ck_assert_int_ge(alerts_check_session(&daemon_, "G1-0"), 0);
        ck_assert_uint_eq(count_open("low_fidelity"), 0);
}
END_TEST

Suite *suite_alert_rules(void) {
        Suite *suite = suite_create("alert rules");
        TCase *tcase = tcase_create("rules");
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_unlogged_sessions_are_one_group_alert_and_blame_no_student);
        tcase_add_test(tcase, test_recorded_absences_are_the_students_and_clear_when_corrected);
        tcase_add_test(tcase, test_low_dosage_per_student_and_program_from_logged_sessions);
        tcase_add_test(tcase, test_low_fidelity_resolves_when_corrected);
        suite_add_tcase(suite, tcase);
        return suite;
}
