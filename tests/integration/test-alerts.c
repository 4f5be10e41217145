/* test-alerts.c: the coordinator's list after two weeks nobody logged (issue #14's "Done
 * when"): one line per group at fault, none blaming a student for a session nobody logged, and
 * it clears itself as the logs come in; alerts filtered, acknowledged by id and by kind; a
 * low-fidelity log corrected resolves its alert. The tiny school, on the manual clock. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct harness h;

static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T06:00"); /* a Monday */
        harness_start_daemon(&h, NULL);
        char dir[512];
        snprintf(dir, sizeof dir, "%s/tests/fixtures/tiny-school", harness_source());
        harness_pullout_ok(&h, NULL, "import", dir, NULL);
        harness_pullout_ok(&h, NULL, "solve", "--publish", "--time-limit", "3", NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

static const char *str(struct json_object *o, const char *key) {
        struct json_object *v = json_object_object_get(o, key);
        return v ? json_object_get_string(v) : "";
}

/* The alerts `pullout alerts ARGS --json` lists (the caller puts them). */
static struct json_object *alerts(const char *a, const char *b) {
        struct json_object *o = a ? b ? harness_pullout_json(&h, "alerts", a, b, "--json", NULL)
                                      : harness_pullout_json(&h, "alerts", a, "--json", NULL)
                                  : harness_pullout_json(&h, "alerts", "--json", NULL);
        struct json_object *list = json_object_get(json_object_object_get(o, "alerts"));
        json_object_put(o);
        ck_assert_ptr_nonnull(list);
        return list;
}

static int count_kind(struct json_object *list, const char *kind, const char *group) {
        int n = 0;
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                struct json_object *a = json_object_array_get_idx(list, i);
                n += strcmp(str(a, "kind"), kind) == 0 && (!group || strcmp(str(a, "group_id"), group) == 0);
        }
        return n;
}

/* The sessions of the two weeks, by group: how many each. */
struct group_count {
        char group[32];
        int n;
        char sessions[32][48];
};

static size_t two_weeks(struct group_count *groups, size_t max) {
        size_t n = 0;
        const char *weeks[] = { "2026-09-14", "2026-09-21" };
        for (int w = 0; w < 2; w++) {
                struct json_object *o = harness_pullout_json(&h, "sessions", "--week", weeks[w], "--json", NULL);
                struct json_object *list = json_object_object_get(o, "sessions");
                for (size_t i = 0; i < json_object_array_length(list); i++) {
                        struct json_object *s = json_object_array_get_idx(list, i);
                        size_t g = 0;
                        while (g < n && strcmp(groups[g].group, str(s, "group_id")) != 0)
                                g++;
                        if (g == n) {
                                ck_assert_uint_lt(n, max);
                                snprintf(groups[n++].group, sizeof groups[0].group, "%s", str(s, "group_id"));
                        }
                        ck_assert_int_lt(groups[g].n, 32);
                        snprintf(groups[g].sessions[groups[g].n++], 48, "%s", str(s, "session_id"));
                }
                json_object_put(o);
        }
        return n;
}

START_TEST(test_two_unlogged_weeks_leave_one_line_per_group) {
        struct group_count groups[16] = { 0 };
        size_t n_groups = two_weeks(groups, 16);
        ck_assert_uint_gt(n_groups, 1);
        /* Sat 2026-09-26 08:00 (with the 24 h grace, every session of the two weeks is missed),
         * then Mon 07:00 so the dosage windows have been judged too. */
        harness_pullout_ok(&h, NULL, "clock", "advance", "290h", NULL);
        harness_pullout_ok(&h, NULL, "clock", "advance", "2d", NULL);

        struct json_object *open = alerts(NULL, NULL);
        ck_assert_int_eq(count_kind(open, "missed_session", NULL), (int)n_groups);
        for (size_t g = 0; g < n_groups; g++)
                ck_assert_msg(count_kind(open, "missed_session", groups[g].group) == 1, "group %s: %d lines",
                              groups[g].group, count_kind(open, "missed_session", groups[g].group));
        /* Nobody logged: no student is blamed for it. */
        ck_assert_int_eq(count_kind(open, "repeated_miss", NULL), 0);
        ck_assert_int_eq(count_kind(open, "low_dosage", NULL), 0);
        ck_assert_uint_eq(json_object_array_length(open), n_groups);
        for (size_t i = 0; i < json_object_array_length(open); i++) {
                struct json_object *a = json_object_array_get_idx(open, i);
                ck_assert_str_eq(str(a, "state"), "open");
                size_t g = 0;
                while (strcmp(groups[g].group, str(a, "group_id")) != 0)
                        g++;
                ck_assert_int_eq(json_object_get_int(json_object_object_get(a, "count")), groups[g].n);
                ck_assert_msg(strstr(str(a, "message"), "not logged"), "%s", str(a, "message"));
                ck_assert_str_lt(str(a, "first_seen"), str(a, "last_seen"));
        }
        json_object_put(open);

        /* The first group's logs come in: its line clears itself, the history stays. */
        for (int i = 0; i < groups[0].n; i++)
                harness_pullout_ok(&h, NULL, "log", groups[0].sessions[i], NULL);
        open = alerts(NULL, NULL);
        ck_assert_int_eq(count_kind(open, "missed_session", groups[0].group), 0);
        ck_assert_int_eq(count_kind(open, "missed_session", NULL), (int)n_groups - 1);
        ck_assert_int_eq(count_kind(open, "low_dosage", NULL), 0);
        json_object_put(open);
        struct json_object *all = alerts("--all", NULL);
        ck_assert_int_eq(count_kind(all, "missed_session", groups[0].group), 1);
        for (size_t i = 0; i < json_object_array_length(all); i++) {
                struct json_object *a = json_object_array_get_idx(all, i);
                if (strcmp(str(a, "group_id"), groups[0].group) == 0 && strcmp(str(a, "kind"), "missed_session") == 0) {
                        ck_assert_str_eq(str(a, "state"), "resolved");
                        ck_assert_str_ne(str(a, "resolved_at"), "");
                }
        }
        json_object_put(all);

        /* Half of the second group's: its line stays, saying how many are left. */
        for (int i = 0; i < groups[1].n - 1; i++)
                harness_pullout_ok(&h, NULL, "log", groups[1].sessions[i], NULL);
        open = alerts("--group", groups[1].group);
        ck_assert_uint_eq(json_object_array_length(open), 1);
        ck_assert_msg(strstr(str(json_object_array_get_idx(open, 0), "message"), ": 1 session not logged"), "%s",
                      str(json_object_array_get_idx(open, 0), "message"));
        json_object_put(open);

        /* The text table shows the state and the count. */
        char *out = NULL;
        harness_pullout_ok(&h, &out, "alerts", "--all", NULL);
        ck_assert_msg(strstr(out, "STATE") && strstr(out, "COUNT") && strstr(out, "resolved") && strstr(out, "open"),
                      "%s", out);
        free(out);
}
END_TEST

START_TEST(test_ack_by_id_and_by_kind) {
        harness_pullout_ok(&h, NULL, "clock", "advance", "5d", NULL);
        struct json_object *open = alerts(NULL, NULL);
        size_t n = json_object_array_length(open);
        ck_assert_uint_ge(n, 2);
        char first[24], second[24];
        snprintf(first, sizeof first, "%s", str(json_object_array_get_idx(open, 0), "alert_id"));
        snprintf(second, sizeof second, "%s", str(json_object_array_get_idx(open, 1), "alert_id"));
        json_object_put(open);

        /* A wrong id in the list leaves every alert as it was. */
        char *out = NULL, *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "ack", first, "999999", NULL), 1);
        ck_assert_msg(strstr(err, "no alert 999999"), "%s", err);
        free(err);
        open = alerts(NULL, NULL);
        ck_assert_uint_eq(json_object_array_length(open), n);
        json_object_put(open);

        harness_pullout_ok(&h, &out, "ack", first, second, NULL);
        ck_assert_msg(strstr(out, "acknowledged"), "%s", out);
        free(out);
        open = alerts(NULL, NULL);
        ck_assert_uint_eq(json_object_array_length(open), n - 2);
        json_object_put(open);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "ack", first, NULL), 1);
        ck_assert_msg(strstr(err, "already acknowledged"), "%s", err);
        free(err);

        harness_pullout_ok(&h, &out, "ack", "--kind", "missed_session", "--before", "2026-09-14", NULL);
        ck_assert_msg(strstr(out, "0 missed_session alerts acknowledged"), "%s", out);
        free(out);
        harness_pullout_ok(&h, &out, "ack", "--kind", "missed_session", NULL);
        free(out);
        harness_pullout_ok(&h, &out, "alerts", NULL);
        ck_assert_msg(strstr(out, "no open alerts"), "%s", out);
        free(out);
        struct json_object *all = alerts("--all", NULL);
        ck_assert_uint_eq(json_object_array_length(all), n);
        ck_assert_str_eq(str(json_object_array_get_idx(all, 0), "state"), "acknowledged");
        json_object_put(all);
        struct json_object *kind = alerts("--kind", "low_dosage");
        ck_assert_uint_eq(json_object_array_length(kind), 0);
        json_object_put(kind);

        /* Usage errors: exit 2, nothing sent. */
        ck_assert_int_eq(harness_pullout(&h, NULL, NULL, "ack", NULL), 2);
        ck_assert_int_eq(harness_pullout(&h, NULL, NULL, "ack", "--kind", "missed_session", "3", NULL), 2);
        ck_assert_int_eq(harness_pullout(&h, NULL, NULL, "alerts", "--since", "yesterday", NULL), 2);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "ack", "--kind", "bogus", NULL), 1);
        ck_assert_msg(strstr(err, "missed_session, low_dosage"), "%s", err);
        free(err);
}
END_TEST

/* A session logged with one checklist item of three: low fidelity for its group; the log
 * corrected to all of them: resolved. */
START_TEST(test_corrected_fidelity_resolves_its_alert) {
        struct json_object *o = harness_pullout_json(&h, "sessions", "--date", "2026-09-14", "--json", NULL);
        struct json_object *list = json_object_object_get(o, "sessions");
        char id[48] = "", group[32] = "";
        for (size_t i = 0; i < json_object_array_length(list) && !id[0]; i++) {
                struct json_object *s = json_object_array_get_idx(list, i);
                if (strncmp(str(s, "program_id"), "LLI-P", 5) == 0 || strncmp(str(s, "program_id"), "BRIDGES", 7) == 0) {
                        snprintf(id, sizeof id, "%s", str(s, "session_id"));
                        snprintf(group, sizeof group, "%s", str(s, "group_id"));
                }
        }
        json_object_put(o);
        ck_assert_msg(id[0], "no session with a checklist on Monday");
        harness_pullout_ok(&h, NULL, "clock", "advance", "12h", NULL);
        harness_pullout_ok(&h, NULL, "log", id, "--fidelity", "1", NULL);
        struct json_object *open = alerts("--kind", "low_fidelity");
        ck_assert_int_eq(count_kind(open, "low_fidelity", group), 1);
        json_object_put(open);
        harness_pullout_ok(&h, NULL, "log", id, "--fidelity", "all", NULL);
        open = alerts("--kind", "low_fidelity");
        ck_assert_int_eq(count_kind(open, "low_fidelity", group), 0);
        json_object_put(open);
        struct json_object *all = alerts("--all", NULL);
        ck_assert_int_eq(count_kind(all, "low_fidelity", group), 1);
        json_object_put(all);
}
END_TEST

/* A log that says more minutes than the session holds is refused with its length; two of three
 * items read 67 %; the checklist is numbered as --fidelity takes it; a correction keeps the
 * earlier record. */
START_TEST(test_logs_refuse_impossible_minutes_and_number_the_checklist) {
        struct json_object *o = harness_pullout_json(&h, "sessions", "--date", "2026-09-14", "--json", NULL);
        struct json_object *list = json_object_object_get(o, "sessions");
        char id[48] = "";
        int planned = 0;
        for (size_t i = 0; i < json_object_array_length(list) && !id[0]; i++) {
                struct json_object *s = json_object_array_get_idx(list, i);
                if (strcmp(str(s, "program_id"), "LLI-P") == 0) {
                        snprintf(id, sizeof id, "%s", str(s, "session_id"));
                        planned = json_object_get_int(json_object_object_get(s, "planned_minutes"));
                }
        }
        json_object_put(o);
        ck_assert_msg(id[0], "no LLI-P session on Monday");
        harness_pullout_ok(&h, NULL, "clock", "advance", "12h", NULL);
        char minutes[16], length[48], *out = NULL, *err = NULL;
        snprintf(minutes, sizeof minutes, "%d", planned + 55);
        snprintf(length, sizeof length, "planned length of %d minutes", planned);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "log", id, "--minutes", minutes, NULL), 1);
        ck_assert_msg(strstr(err, length), "%s", err);
        free(err);
        o = harness_pullout_json(&h, "sessions", "--date", "2026-09-14", "--json", NULL);
        ck_assert_msg(!strstr(json_object_to_json_string(o), "\"delivered\""), "a refused log was stored");
        json_object_put(o);

        harness_pullout_ok(&h, &out, "log", id, "--fidelity", "1,2", NULL);
        ck_assert_msg(strstr(out, "2 of 3 items (67 %)"), "%s", out);
        ck_assert_msg(strstr(out, "[x] 1. Reread familiar books") && strstr(out, "[x] 2. Phonics lesson") &&
                              strstr(out, "[ ] 3. Writing about reading"),
                      "%s", out);
        free(out);
        /* Corrected: the earlier record stays in the history. */
        o = harness_pullout_json(&h, "log", id, "--fidelity", "all", "--json", NULL);
        struct json_object *history = json_object_object_get(o, "history");
        ck_assert_int_eq(json_object_array_length(history), 2);
        ck_assert_str_eq(str(json_object_array_get_idx(history, 0), "action"), "logged");
        ck_assert_str_eq(str(json_object_array_get_idx(history, 1), "action"), "corrected");
        json_object_put(o);
}
END_TEST

Suite *suite_alerts(void) {
        Suite *suite = suite_create("alerts");
        TCase *tcase = tcase_create("alerts");
        tcase_set_timeout(tcase, 120);
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_two_unlogged_weeks_leave_one_line_per_group);
        tcase_add_test(tcase, test_ack_by_id_and_by_kind);
        tcase_add_test(tcase, test_corrected_fidelity_resolves_its_alert);
        tcase_add_test(tcase, test_logs_refuse_impossible_minutes_and_number_the_checklist);
        suite_add_tcase(suite, tcase);
        return suite;
}
