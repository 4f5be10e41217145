/* test-cancel.c: what `pullout cancel` says of a make-up is what `pullout makeup` then finds:
 * it points to the free slots when there are some, says none is free when the week has none
 * left (Friday after school), and says a make-up cannot itself be made up. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct harness h;

/* The sample school published on Monday morning of a term week. */
static void setup(void) {
        char school[400];
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T07:30");
        harness_start_daemon(&h, NULL);
        snprintf(school, sizeof school, "%s/examples/sample-school", harness_source());
        harness_pullout_ok(&h, NULL, "import", school, NULL);
        harness_pullout_ok(&h, NULL, "solve", "--publish", "--time-limit", "2", "--seed", "1", NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

static const char *str(struct json_object *o, const char *key) {
        struct json_object *v = json_object_object_get(o, key);
        return v ? json_object_get_string(v) : "";
}

/* The sessions of date, as `pullout sessions --date DATE --json` lists them (the caller puts). */
static struct json_object *sessions_on(const char *date) {
        struct json_object *o = harness_pullout_json(&h, "sessions", "--date", date, "--json", NULL);
        struct json_object *list = json_object_get(json_object_object_get(o, "sessions"));
        json_object_put(o);
        ck_assert_msg(json_object_array_length(list) > 0, "no sessions on %s", date);
        return list;
}

/* How many slots `pullout makeup ID` lists. */
static size_t makeup_slots(const char *id) {
        struct json_object *o = harness_pullout_json(&h, "makeup", id, "--json", NULL);
        size_t n = json_object_array_length(json_object_object_get(o, "slots"));
        json_object_put(o);
        return n;
}

static char *cancel(const char *id) {
        char *out = NULL;
        harness_pullout_ok(&h, &out, "cancel", id, "--reason", "assembly", NULL);
        return out;
}

START_TEST(test_a_make_up_is_offered_when_a_slot_is_free) {
        struct json_object *list = sessions_on("2026-09-14");
        char offered[64] = "";
        for (size_t i = 0; i < json_object_array_length(list) && !offered[0]; i++) {
                const char *id = str(json_object_array_get_idx(list, i), "session_id");
                char *out = cancel(id);
                size_t n = makeup_slots(id);
                char expected[200];
                if (n > 0) {
                        snprintf(expected, sizeof expected, "pullout makeup %s lists %zu free slot%s for a make-up", id,
                                 n, n == 1 ? "" : "s");
                        snprintf(offered, sizeof offered, "%s", id);
                } else {
                        snprintf(expected, sizeof expected, "no make-up slot is free this week");
                }
                ck_assert_msg(strstr(out, expected), "cancel said \"%s\", makeup lists %zu slots", out, n);
                free(out);
        }
        json_object_put(list);
        ck_assert_msg(offered[0], "no cancelled Monday session has a make-up slot");

        /* The make-up booked, then cancelled itself: it is not made up in turn. */
        struct json_object *booked = harness_pullout_json(&h, "makeup", offered, "--book", "1", "--json", NULL);
        char makeup[64];
        snprintf(makeup, sizeof makeup, "%s", str(booked, "session_id"));
        json_object_put(booked);
        char *out = cancel(makeup);
        ck_assert_msg(strstr(out, "it cannot be made up: ") && strstr(out, "itself a make-up") &&
                              !strstr(out, "pullout makeup"),
                      "%s", out);
        free(out);
        /* --json carries the count as makeup_slots. */
        list = sessions_on("2026-09-15");
        harness_pullout_ok(&h, &out, "cancel", str(json_object_array_get_idx(list, 0), "session_id"), "--reason",
                           "testing", "--json", NULL);
        struct json_object *o = json_tokener_parse(out), *count = NULL;
        ck_assert_msg(json_object_object_get_ex(o, "makeup_slots", &count) && json_object_is_type(count, json_type_int),
                      "%s", out);
        ck_assert_uint_eq((size_t)json_object_get_int64(count),
                          makeup_slots(str(json_object_array_get_idx(list, 0), "session_id")));
        json_object_put(o);
        json_object_put(list);
        free(out);
}
END_TEST

/* Friday after school no time of the week is left: the cancellation says so, and points to
 * nothing that would find none. */
START_TEST(test_no_make_up_is_promised_when_the_week_is_over) {
        harness_pullout_ok(&h, NULL, "clock", "advance", "4d8h", NULL); /* Friday 15:30 */
        struct json_object *list = sessions_on("2026-09-18");
        const char *id = str(json_object_array_get_idx(list, 0), "session_id");
        char *out = cancel(id);
        ck_assert_msg(strstr(out, "no make-up slot is free this week for group ") && !strstr(out, "lists"), "%s", out);
        free(out);
        ck_assert_uint_eq(makeup_slots(id), 0);
        harness_pullout_ok(&h, &out, "makeup", id, NULL);
        ck_assert_msg(strstr(out, "no free slot left this week"), "%s", out);
        free(out);
        /* The cancellation stands. */
        struct json_object *after = sessions_on("2026-09-18");
        bool cancelled = false;
        for (size_t i = 0; i < json_object_array_length(after); i++) {
                struct json_object *s = json_object_array_get_idx(after, i);
                if (strcmp(str(s, "session_id"), id) == 0)
                        cancelled = strcmp(str(s, "status"), "cancelled") == 0;
        }
        ck_assert_msg(cancelled, "%s is not cancelled", id);
        json_object_put(after);
        json_object_put(list);
}
END_TEST

Suite *suite_cancel(void) {
        Suite *suite = suite_create("cancel");
        TCase *tcase = tcase_create("what a cancellation says of a make-up");
        tcase_set_timeout(tcase, 60);
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_a_make_up_is_offered_when_a_slot_is_free);
        tcase_add_test(tcase, test_no_make_up_is_promised_when_the_week_is_over);
        suite_add_tcase(suite, tcase);
        return suite;
}
