/* test-arguments.c: option arguments (a{sv}) from a caller that is not pullout: a variant of
 * the wrong type is refused as InvalidArgument naming the key and the type it takes, for every
 * method that reads options, and the same call with the right type passes the reader. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static struct harness h;

static void setup(void) {
        harness_start_bus(&h);
        harness_start_daemon(&h, NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

struct answer {
        char name[128];
        char message[512];
};

/* harness_call's answer, kept in the test's own buffers (empty name: the call succeeded). */
#define call(method, ...)                                                                                  \
        ({                                                                                                 \
                struct answer answer_ = { "", "" };                                                        \
                char *name_ = NULL, *message_ = NULL;                                                      \
                if (harness_call(&h, &name_, &message_, method, __VA_ARGS__) < 0) {                        \
                        snprintf(answer_.name, sizeof answer_.name, "%s", name_);                          \
                        snprintf(answer_.message, sizeof answer_.message, "%s", message_);                 \
                }                                                                                          \
                free(name_);                                                                               \
                free(message_);                                                                            \
                answer_;                                                                                   \
        })

static void assert_type_refused(struct answer answer, const char *method, const char *key, const char *type) {
        char quoted[64], takes[64];
        snprintf(quoted, sizeof quoted, "\"%s\"", key);
        snprintf(takes, sizeof takes, "D-Bus type %s)", type);
        ck_assert_msg(strcmp(answer.name, "org.pullout.Error.InvalidArgument") == 0,
                      "%s with a wrong type for %s: %s (%s), not InvalidArgument", method, key, answer.name,
                      answer.message);
        ck_assert_msg(strstr(answer.message, quoted) && strstr(answer.message, takes),
                      "%s: the refusal does not name %s and type %s: %s", method, key, type, answer.message);
}

START_TEST(test_the_issue_repro_through_busctl) {
        /* busctl --user call ... Sessions 'a{sv}' 1 date u 5, as an administrator would type it. */
        const char *argv[] = { "busctl", "--user", "call", "org.pullout.Scheduler1", "/org/pullout/Scheduler1",
                               "org.pullout.Scheduler1", "Sessions", "a{sv}", "1", "date", "u", "5", NULL };
        char *out = NULL, *err = NULL;
        int code = harness_command(&h, &out, &err, argv);
        ck_assert_msg(code != 0, "busctl: a date given as a number was accepted: %s", out);
        ck_assert_msg(strstr(err, "option \"date\" takes a string (D-Bus type s), not type u"),
                      "busctl shows no refusal naming the key and its type: %s", err);
        free(out);
        free(err);
}
END_TEST

START_TEST(test_every_option_reader_names_key_and_type) {
        assert_type_refused(call("Sessions", "a{sv}", 1, "date", "u", 5), "Sessions", "date", "s");
        assert_type_refused(call("Sessions", "a{sv}", 1, "staff", "b", 1), "Sessions", "staff", "s");
        assert_type_refused(call("LogSession", "sa{sv}", "G1-20260914-0940", 1, "minutes", "s", "ten"), "LogSession",
                            "minutes", "u");
        assert_type_refused(call("LogSession", "sa{sv}", "G1-20260914-0940", 1, "absent", "s", "1021"), "LogSession",
                            "absent", "as");
        assert_type_refused(call("LogSession", "sa{sv}", "G1-20260914-0940", 1, "fidelity", "ai", 1, 2), "LogSession",
                            "fidelity", "au");
        assert_type_refused(call("Progress", "ssa{sv}", "1021", "ORF", 1, "svg", "s", "yes"), "Progress", "svg", "b");
        assert_type_refused(call("Progress", "ssa{sv}", "1021", "ORF", 1, "trend", "u", 1), "Progress", "trend", "s");
        assert_type_refused(call("Solve", "a{sv}", 1, "seed", "s", "7"), "Solve", "seed", "u");
        assert_type_refused(call("Solve", "a{sv}", 1, "time_limit", "u", 5), "Solve", "time_limit", "d");
}
END_TEST

START_TEST(test_right_types_pass_the_reader) {
        /* Nothing is imported: the readers pass and the service answers NotReady or NotFound. */
        struct answer a = call("Sessions", "a{sv}", 1, "date", "s", "2026-09-14");
        ck_assert_msg(strcmp(a.name, "") == 0 || strcmp(a.name, "org.pullout.Error.NotReady") == 0, "Sessions: %s %s",
                      a.name, a.message);
        a = call("LogSession", "sa{sv}", "G1-20260914-0940", 2, "minutes", "u", 30, "absent", "as", 1, "1021");
        ck_assert_msg(strcmp(a.name, "org.pullout.Error.NotReady") == 0, "LogSession: %s %s", a.name, a.message);
        a = call("Solve", "a{sv}", 2, "seed", "u", 7, "fresh", "b", 1);
        ck_assert_msg(strcmp(a.name, "org.pullout.Error.NotReady") == 0, "Solve: %s %s", a.name, a.message);
        /* An unknown key lists the known ones. */
        a = call("Solve", "a{sv}", 1, "speed", "u", 7);
        ck_assert_str_eq(a.name, "org.pullout.Error.InvalidArgument");
        ck_assert_msg(strstr(a.message, "time_limit, seed, fresh"), "%s", a.message);
}
END_TEST

Suite *suite_arguments(void) {
        Suite *suite = suite_create("arguments");
        TCase *options = tcase_create("a{sv} options");
        tcase_set_timeout(options, 60);
        tcase_add_checked_fixture(options, setup, teardown);
        tcase_add_test(options, test_the_issue_repro_through_busctl);
        tcase_add_test(options, test_every_option_reader_names_key_and_type);
        tcase_add_test(options, test_right_types_pass_the_reader);
        suite_add_tcase(suite, options);
        return suite;
}
