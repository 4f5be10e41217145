/* test-alert-store.c: the alerts table on its own: one open alert per cause that counts its
 * occurrences and resolves, acknowledgement by id and by kind, the filters, the digest's
 * bookkeeping, the alert command's attempts, and a refused write reported in sqlite's words. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "store/alert-store.h"
#include "store-fixture.h"

static const struct store_alert_filter every = { .all = true };
static const struct store_alert_filter open_only = { .all = false };

static struct store_alert cause(const char *kind, const char *key, enum alert_command_state command,
                                int64_t next_at) {
        return (struct store_alert){ .kind = (char *)kind, .key = (char *)key, .created_at = "2026-09-14T10:00:00",
                                     .student_id = "1021", .group_id = "G3", .message = "a message",
                                     .command_state = command, .command_next_at = next_at };
}

START_TEST(test_one_alert_per_cause) {
        struct store *store = fixture_store_open();
        struct store_alert a = cause("low_dosage", "dosage:1021:2026-09-14", ALERT_COMMAND_NONE, 0);
        struct store_alert b = cause("missed_session", "missed:G3-20260914-0940", ALERT_COMMAND_NONE, 0);
        int64_t first = 0, again = 0, other = 0;
        ck_assert_int_eq(store_alert_raise(store, &a, &first), 1);
        ck_assert_int_gt(first, 0);
        ck_assert_int_eq(store_alert_raise(store, &a, &again), 0);
        ck_assert_int_eq(again, first);
        ck_assert_int_eq(store_alert_raise(store, &b, &other), 1);
        ck_assert_int_ne(other, first);
        ck_assert_int_eq(store_alert_set_document(store, first, "{\"alert_id\":1}"), 0);

        struct store_alert *list = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_alert_list(store, &open_only, &list, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_int_eq(list[0].id, first);
        ck_assert_str_eq(list[0].kind, "low_dosage");
        ck_assert_str_eq(list[0].document, "{\"alert_id\":1}");
        ck_assert_str_eq(list[0].student_id, "1021");
        ck_assert_ptr_null(list[0].session_id);
        ck_assert_ptr_null(list[0].acked_at);
        store_alerts_free(list, n);
        fixture_store_close(store);
}
END_TEST

START_TEST(test_acknowledged_once) {
        struct store *store = fixture_store_open();
        struct store_alert a = cause("low_dosage", "dosage:1021:2026-09-14", ALERT_COMMAND_NONE, 0);
        struct store_alert b = cause("low_dosage", "dosage:1033:2026-09-14", ALERT_COMMAND_NONE, 0);
        int64_t id_a, id_b;
        ck_assert_int_eq(store_alert_raise(store, &a, &id_a), 1);
        ck_assert_int_eq(store_alert_raise(store, &b, &id_b), 1);
        ck_assert_int_eq(store_alert_ack(store, id_a, "2026-09-15T08:00:00"), 0);
        ck_assert_int_eq(store_alert_ack(store, id_a, "2026-09-15T09:00:00"), -EALREADY);
        ck_assert_int_eq(store_alert_ack(store, id_a + id_b + 100, "2026-09-15T09:00:00"), -ENOENT);
        ck_assert_int_eq(store_alert_ack(store, id_b + 100, "2026-09-15T09:00:00"), -ENOENT);

        struct store_alert *list = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_alert_list(store, &open_only, &list, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(list[0].id, id_b);
        store_alerts_free(list, n);
        ck_assert_int_eq(store_alert_list(store, &every, &list, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_str_eq(list[0].acked_at, "2026-09-15T08:00:00");
        store_alerts_free(list, n);
        fixture_store_close(store);
}
END_TEST

START_TEST(test_alert_command_attempts) {
        struct store *store = fixture_store_open();
        struct store_alert late = cause("low_dosage", "late", ALERT_COMMAND_PENDING, 2000);
        struct store_alert soon = cause("low_dosage", "soon", ALERT_COMMAND_PENDING, 1000);
        struct store_alert none = cause("low_dosage", "none", ALERT_COMMAND_NONE, 10);
        int64_t id_late, id_soon, id_none;
        ck_assert_int_eq(store_alert_raise(store, &late, &id_late), 1);
        ck_assert_int_eq(store_alert_raise(store, &soon, &id_soon), 1);
        ck_assert_int_eq(store_alert_raise(store, &none, &id_none), 1);

        /* The one due first, whatever order they were raised in. */
        struct store_alert next = { 0 };
        ck_assert_int_eq(store_alert_next_command(store, &next), 1);
        ck_assert_int_eq(next.id, id_soon);
        ck_assert_int_eq(next.command_state, ALERT_COMMAND_PENDING);
        store_alert_clear(&next);
        /* A failure puts it back for later; the other comes first now. */
        ck_assert_int_eq(store_alert_command_failed(store, id_soon, 1, false, 3000), 0);
        ck_assert_int_eq(store_alert_next_command(store, &next), 1);
        ck_assert_int_eq(next.id, id_late);
        store_alert_clear(&next);
        ck_assert_int_eq(store_alert_command_done(store, id_late), 0);
        ck_assert_int_eq(store_alert_next_command(store, &next), 1);
        ck_assert_int_eq(next.id, id_soon);
        ck_assert_int_eq(next.command_attempts, 1);
        ck_assert_int_eq(next.command_next_at, 3000);
        store_alert_clear(&next);
        /* Given up: nothing is pending any more. */
        ck_assert_int_eq(store_alert_command_failed(store, id_soon, 5, true, 9000), 0);
        ck_assert_int_eq(store_alert_next_command(store, &next), 0);

        struct store_alert *list = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_alert_list(store, &every, &list, &n), 0);
        ck_assert_uint_eq(n, 3);
        ck_assert_int_eq(list[0].command_state, ALERT_COMMAND_DONE);
        ck_assert_int_eq(list[0].command_attempts, 1);
        ck_assert_int_eq(list[1].command_state, ALERT_COMMAND_FAILED);
        ck_assert_int_eq(list[1].command_attempts, 5);
        ck_assert_int_eq(list[2].command_state, ALERT_COMMAND_NONE);
        store_alerts_free(list, n);
        fixture_store_close(store);
}
END_TEST

/* A write the database refuses comes back as an error with sqlite's own words. */
START_TEST(test_refused_write_says_why) {
        struct store *store = fixture_store_open();
        struct store_alert broken = cause(NULL, "no kind", ALERT_COMMAND_NONE, 0);
        int64_t id = -7;
        ck_assert_int_eq(store_alert_raise(store, &broken, &id), -EIO);
        ck_assert_int_eq(id, -7);
        ck_assert_ptr_nonnull(strstr(store_error(store), "NOT NULL constraint failed: alerts.kind"));
        struct store_alert *list = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_alert_list(store, &every, &list, &n), 0);
        ck_assert_uint_eq(n, 0);
        store_alerts_free(list, n);
        fixture_store_close(store);
}
END_TEST

/* A new occurrence counts on the open alert; the cause going away resolves it; coming back it
 * opens a new one and the old stays as history. */
START_TEST(test_occurrences_and_resolution) {
        struct store *store = fixture_store_open();
        struct store_alert a = cause("missed_session", "missed_session:G3", ALERT_COMMAND_NONE, 0);
        int64_t first = 0, again = 0, resolved = 0, back = 0;
        ck_assert_int_eq(store_alert_raise(store, &a, &first), 1);
        a.created_at = "2026-09-21T10:00:00";
        a.message = "two sessions not logged";
        ck_assert_int_eq(store_alert_raise(store, &a, &again), 0);
        ck_assert_int_eq(again, first);
        struct store_alert got = { 0 };
        ck_assert_int_eq(store_alert_get(store, first, &got), 0);
        ck_assert_int_eq(got.count, 2);
        ck_assert_int_eq(got.state, ALERT_OPEN);
        ck_assert_str_eq(got.first_seen, "2026-09-14T10:00:00");
        ck_assert_str_eq(got.last_seen, "2026-09-21T10:00:00");
        ck_assert_str_eq(got.message, "two sessions not logged");
        ck_assert_ptr_null(got.resolved_at);
        ck_assert_int_eq(got.digested_state, -1);
        store_alert_clear(&got);

        int64_t refreshed = 0;
        ck_assert_int_eq(store_alert_refresh(store, "missed_session:G3", "one session not logged", &refreshed), 1);
        ck_assert_int_eq(refreshed, first);
        ck_assert_int_eq(store_alert_resolve(store, "missed_session:G3", "2026-09-22T08:00:00", &resolved), 1);
        ck_assert_int_eq(resolved, first);
        ck_assert_int_eq(store_alert_resolve(store, "missed_session:G3", "2026-09-22T09:00:00", &resolved), 0);
        ck_assert_int_eq(store_alert_refresh(store, "missed_session:G3", "x", &refreshed), 0);
        ck_assert_int_eq(store_alert_get(store, first, &got), 0);
        ck_assert_int_eq(got.state, ALERT_RESOLVED);
        ck_assert_str_eq(got.resolved_at, "2026-09-22T08:00:00");
        ck_assert_str_eq(got.message, "one session not logged");
        store_alert_clear(&got);
        /* A resolved alert cannot be acknowledged. */
        ck_assert_int_eq(store_alert_ack(store, first, "2026-09-22T09:00:00"), -EALREADY);

        a.created_at = "2026-09-28T10:00:00";
        ck_assert_int_eq(store_alert_raise(store, &a, &back), 1);
        ck_assert_int_ne(back, first);
        struct store_alert *list = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_alert_list(store, &open_only, &list, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(list[0].id, back);
        ck_assert_int_eq(list[0].count, 1);
        store_alerts_free(list, n);
        ck_assert_int_eq(store_alert_list(store, &every, &list, &n), 0);
        ck_assert_uint_eq(n, 2);
        store_alerts_free(list, n);
        fixture_store_close(store);
}
END_TEST

START_TEST(test_filters_and_ack_by_kind) {
        struct store *store = fixture_store_open();
        struct store_alert a = cause("low_dosage", "low_dosage:1021:LLI", ALERT_COMMAND_NONE, 0);
        struct store_alert b = cause("low_dosage", "low_dosage:1033:LLI", ALERT_COMMAND_NONE, 0);
        struct store_alert c = cause("missed_session", "missed_session:G4", ALERT_COMMAND_NONE, 0);
        b.student_id = "1033";
        b.created_at = "2026-09-21T10:00:00";
        c.student_id = NULL;
        c.group_id = "G4";
        c.staff_id = "S2";
        int64_t id_a, id_b, id_c;
        ck_assert_int_eq(store_alert_raise(store, &a, &id_a), 1);
        ck_assert_int_eq(store_alert_raise(store, &b, &id_b), 1);
        ck_assert_int_eq(store_alert_raise(store, &c, &id_c), 1);
        struct store_alert *list = NULL;
        size_t n = 0;
        struct store_alert_filter f = { .kind = "low_dosage" };
        ck_assert_int_eq(store_alert_list(store, &f, &list, &n), 0);
        ck_assert_uint_eq(n, 2);
        store_alerts_free(list, n);
        f = (struct store_alert_filter){ .student_id = "1033" };
        ck_assert_int_eq(store_alert_list(store, &f, &list, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(list[0].id, id_b);
        store_alerts_free(list, n);
        f = (struct store_alert_filter){ .group_id = "G4", .staff_id = "S2" };
        ck_assert_int_eq(store_alert_list(store, &f, &list, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(list[0].id, id_c);
        store_alerts_free(list, n);
        f = (struct store_alert_filter){ .since = "2026-09-20" };
        ck_assert_int_eq(store_alert_list(store, &f, &list, &n), 0);
        ck_assert_uint_eq(n, 1);
        store_alerts_free(list, n);

        /* By kind, first seen before a day: only a. */
        ck_assert_int_eq(store_alert_ack_kind(store, "low_dosage", "2026-09-20", "2026-09-22T08:00:00"), 1);
        ck_assert_int_eq(store_alert_ack_kind(store, "low_dosage", NULL, "2026-09-22T08:00:00"), 1);
        ck_assert_int_eq(store_alert_ack_kind(store, "low_dosage", NULL, "2026-09-22T08:00:00"), 0);
        ck_assert_int_eq(store_alert_list(store, &open_only, &list, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(list[0].id, id_c);
        store_alerts_free(list, n);
        ck_assert_int_eq(store_alert_list(store, &every, &list, &n), 0);
        ck_assert_uint_eq(n, 3);
        ck_assert_int_eq(list[0].state, ALERT_ACKNOWLEDGED);
        ck_assert_str_eq(list[0].acked_at, "2026-09-22T08:00:00");
        store_alerts_free(list, n);
        fixture_store_close(store);
}
END_TEST

/* The digest reports an alert until it has reported it resolved. */
START_TEST(test_digest_bookkeeping) {
        struct store *store = fixture_store_open();
        struct store_alert a = cause("low_fidelity", "low_fidelity:G3", ALERT_COMMAND_NONE, 0);
        struct store_alert b = cause("low_fidelity", "low_fidelity:G4", ALERT_COMMAND_NONE, 0);
        int64_t id_a, id_b, id;
        ck_assert_int_eq(store_alert_raise(store, &a, &id_a), 1);
        ck_assert_int_eq(store_alert_raise(store, &b, &id_b), 1);
        struct store_alert *list = NULL;
        size_t n = 0;
        ck_assert_int_eq(store_alert_digest_list(store, &list, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_int_eq(list[0].digested_state, -1);
        store_alerts_free(list, n);
        ck_assert_int_eq(store_alert_digested(store, id_a, ALERT_OPEN), 0);
        ck_assert_int_eq(store_alert_digested(store, id_b, ALERT_OPEN), 0);
        ck_assert_int_eq(store_alert_resolve(store, "low_fidelity:G4", "2026-09-15T08:00:00", &id), 1);
        ck_assert_int_eq(store_alert_digest_list(store, &list, &n), 0);
        ck_assert_uint_eq(n, 2);
        ck_assert_int_eq(list[1].state, ALERT_RESOLVED);
        ck_assert_int_eq(list[1].digested_state, ALERT_OPEN);
        store_alerts_free(list, n);
        ck_assert_int_eq(store_alert_digested(store, id_b, ALERT_RESOLVED), 0);
        ck_assert_int_eq(store_alert_digest_list(store, &list, &n), 0);
        ck_assert_uint_eq(n, 1);
        ck_assert_int_eq(list[0].id, id_a);
        store_alerts_free(list, n);
        fixture_store_close(store);
}
END_TEST

Suite *suite_alert_store(void) {
        Suite *suite = suite_create("alert store");
        TCase *alerts = tcase_create("alerts");
        tcase_add_test(alerts, test_one_alert_per_cause);
        tcase_add_test(alerts, test_acknowledged_once);
        tcase_add_test(alerts, test_alert_command_attempts);
        tcase_add_test(alerts, test_refused_write_says_why);
        tcase_add_test(alerts, test_occurrences_and_resolution);
        tcase_add_test(alerts, test_filters_and_ack_by_kind);
        tcase_add_test(alerts, test_digest_bookkeeping);
        suite_add_tcase(suite, alerts);
        return suite;
}
