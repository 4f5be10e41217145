/* test-text-limits.c: free text that arrives over D-Bus (a cancellation's reason, a session's
 * note, a phase label, a name to look up) keeps the rule of a CSV cell: bounded, and no control
 * character a terminal would obey. A refusal names the argument and the limit, and nothing
 * stored changes. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct harness h;
static char session[64]; /* a Monday session, over by 16:00 */

static const char *str(struct json_object *o, const char *key) {
        struct json_object *v = json_object_object_get(o, key);
        return v ? json_object_get_string(v) : "";
}

/* The sample school published on Monday morning; the clock at 16:00, the day's sessions over. */
static void setup(void) {
        char school[400];
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T07:30");
        harness_start_daemon(&h, NULL);
        snprintf(school, sizeof school, "%s/examples/sample-school", harness_source());
        harness_pullout_ok(&h, NULL, "import", school, NULL);
        harness_pullout_ok(&h, NULL, "solve", "--publish", "--time-limit", "2", "--seed", "1", NULL);
        struct json_object *o = harness_pullout_json(&h, "sessions", "--date", "2026-09-14", "--json", NULL);
        struct json_object *list = json_object_object_get(o, "sessions");
        ck_assert_uint_gt(json_object_array_length(list), 0);
        snprintf(session, sizeof session, "%s", str(json_object_array_get_idx(list, 0), "session_id"));
        json_object_put(o);
        harness_pullout_ok(&h, NULL, "clock", "advance", "8h30m", NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

/* The session as `pullout sessions` lists it (the caller puts). */
static struct json_object *the_session(void) {
        struct json_object *o = harness_pullout_json(&h, "sessions", "--date", "2026-09-14", "--json", NULL);
        struct json_object *list = json_object_object_get(o, "sessions"), *found = NULL;
        for (size_t i = 0; i < json_object_array_length(list); i++)
                if (strcmp(str(json_object_array_get_idx(list, i), "session_id"), session) == 0)
                        found = json_object_get(json_object_array_get_idx(list, i));
        json_object_put(o);
        ck_assert_msg(found, "%s is not listed", session);
        return found;
}

static char *repeated(char c, size_t n) {
        char *text = malloc(n + 1);
        memset(text, c, n);
        text[n] = '\0';
        return text;
}

static void assert_refused(int code, const char *name, const char *message, const char *what, const char *why) {
        ck_assert_msg(code < 0 && name && strcmp(name, "org.pullout.Error.InvalidArgument") == 0,
                      "accepted, or not InvalidArgument: %s %s", name ? name : "", message ? message : "");
        ck_assert_msg(strstr(message, what) && strstr(message, why), "the refusal does not say %s %s: %s", what, why,
                      message);
}

START_TEST(test_a_reason_with_a_terminal_escape_is_refused) {
        /* What a caller could make every later `pullout sessions` print: clear the screen. */
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "cancel", session, "--reason", "assembly\033[2J", NULL), 1);
        ck_assert_msg(strstr(err, "\"reason\" holds control character U+001B"), "%s", err);
        free(err);
        char *name = NULL, *message = NULL, *long_reason = repeated('a', 5000);
        int code = harness_call(&h, &name, &message, "CancelSession", "ss", session, long_reason);
        assert_refused(code, name, message, "\"reason\" is 5000 bytes long", "more than the limit of 500");
        free(name), free(message), free(long_reason);
        /* Nothing stored: the session is as it was, and can still be cancelled. */
        struct json_object *s = the_session();
        ck_assert_str_ne(str(s, "status"), "cancelled");
        json_object_put(s);
        harness_pullout_ok(&h, NULL, "cancel", session, "--reason", "assembly", NULL);
        s = the_session();
        ck_assert_str_eq(str(s, "status"), "cancelled");
        json_object_put(s);
}
END_TEST

START_TEST(test_a_note_keeps_its_lines_but_no_escape) {
        harness_pullout_ok(&h, NULL, "log", session, "--note", "read aloud\nasked for more", NULL);
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "log", session, "--note", "\033]0;owned\007", NULL), 1);
        ck_assert_msg(strstr(err, "log option \"note\" holds control character U+001B"), "%s", err);
        free(err);
        char *long_note = repeated('n', 5000);
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "log", session, "--note", long_note, NULL), 1);
        ck_assert_msg(strstr(err, "\"note\" is 5000 bytes long, more than the limit of 2000"), "%s", err);
        free(err), free(long_note);
        struct json_object *s = the_session();
        ck_assert_str_eq(str(s, "note"), "read aloud\nasked for more");
        json_object_put(s);
}
END_TEST

START_TEST(test_a_label_and_a_name_past_their_limits_are_refused) {
        char *name = NULL, *message = NULL, *label = repeated('l', 5000);
        int code = harness_call(&h, &name, &message, "AddPhase", "ssss", "1329", "ORF", "2026-09-14", label);
        assert_refused(code, name, message, "\"label\" is 5000 bytes long", "more than the limit of 80");
        free(name), free(message), free(label);
        code = harness_call(&h, &name, &message, "FindStudent", "s", "Zara\033[8m");
        assert_refused(code, name, message, "\"id_or_name\"", "control character U+001B");
        free(name), free(message);
        char *huge = repeated('x', 100000);
        code = harness_call(&h, &name, &message, "FindStudent", "s", huge);
        assert_refused(code, name, message, "\"id_or_name\" is 100000 bytes long", "more than the limit of 256");
        free(name), free(message), free(huge);
}
END_TEST

Suite *suite_text_limits(void) {
        Suite *suite = suite_create("text limits on the bus");
        TCase *tcase = tcase_create("free text arguments");
        tcase_set_timeout(tcase, 60);
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_a_reason_with_a_terminal_escape_is_refused);
        tcase_add_test(tcase, test_a_note_keeps_its_lines_but_no_escape);
        tcase_add_test(tcase, test_a_label_and_a_name_past_their_limits_are_refused);
        suite_add_tcase(suite, tcase);
        return suite;
}
