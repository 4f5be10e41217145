/* test-conf.c: pulloutd.conf: defaults, values read, and a bad line named by FILE:LINE
 * while the settings stay as they were. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static char path[64];

static void write_conf(const char *text) {
        snprintf(path, sizeof path, "/tmp/pullout-conf-XXXXXX");
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        close(fd);
}

START_TEST(test_defaults) {
        struct conf conf;
        ck_assert_int_eq(conf_init(&conf), 0);
        ck_assert_str_eq(conf.listen, "127.0.0.1:8470");
        ck_assert_int_eq(conf.reminder_lead_seconds, 600);
        ck_assert_int_eq(conf.grace_seconds, 86400);
        ck_assert_int_eq(conf.dosage_threshold_percent, 80);
        ck_assert_int_eq(conf.dosage_window_seconds, 14 * 86400);
        ck_assert_ptr_null(conf.alert_command);
        ck_assert_double_eq(conf.solver_time_limit_seconds, 10.0);
        ck_assert_int_eq(conf.solver_threads, 0);
        conf_clear(&conf);
}
END_TEST

START_TEST(test_reads_values) {
        write_conf("[daemon]\nlisten = 0.0.0.0:9000\nbase_url = https://feeds.example.org\n"
                   "[sessions]\nreminder_lead = 15m\ngrace_period = 2d\nhorizon = 6w\n"
                   "[alerts]\ndosage_threshold = 75\ncommand = /usr/local/bin/notify\n"
                   "[solver]\ntime_limit = 30s\nthreads = 3\n"
                   "[weights]\navoid_minute = 7\n");
        struct conf conf;
        char *error = NULL;
        conf_init(&conf);
        ck_assert_int_eq(conf_load(&conf, path, false, &error), 0);
        ck_assert_str_eq(conf.listen, "0.0.0.0:9000");
        ck_assert_str_eq(conf.base_url, "https://feeds.example.org");
        ck_assert_int_eq(conf.reminder_lead_seconds, 900);
        ck_assert_int_eq(conf.grace_seconds, 2 * 86400);
        ck_assert_int_eq(conf.horizon_seconds, 42 * 86400);
        ck_assert_int_eq(conf.dosage_threshold_percent, 75);
        ck_assert_str_eq(conf.alert_command, "/usr/local/bin/notify");
        ck_assert_double_eq(conf.solver_time_limit_seconds, 30.0);
        ck_assert_int_eq(conf.solver_threads, 3);
        ck_assert_int_eq(conf.n_weights, 1);
        ck_assert_str_eq(conf.weights[0].name, "avoid_minute");
        ck_assert_int_eq(conf.weights[0].value, 7);
        conf_clear(&conf);
        unlink(path);
}
END_TEST

START_TEST(test_bad_value_names_the_line_and_changes_nothing) {
        write_conf("[sessions]\nreminder_lead = 5m\n\n[alerts]\ndosage_threshold = 180\n");
        struct conf conf;
        char *error = NULL;
        conf_init(&conf);
        ck_assert_int_eq(conf_load(&conf, path, false, &error), -EINVAL);
        ck_assert_ptr_nonnull(error);
        char expected[128];
        snprintf(expected, sizeof expected, "%s:5: dosage_threshold", path);
        ck_assert_msg(strstr(error, expected), "got \"%s\"", error);
        /* The valid line before it was not applied either. */
        ck_assert_int_eq(conf.reminder_lead_seconds, 600);
        free(error);
        conf_clear(&conf);
        unlink(path);
}
END_TEST

START_TEST(test_unknown_key_and_missing_file) {
        write_conf("[daemon]\nlisten_adress = 1.2.3.4:5\n");
        struct conf conf;
        char *error = NULL;
        conf_init(&conf);
        ck_assert_int_eq(conf_load(&conf, path, false, &error), -EINVAL);
        ck_assert_ptr_nonnull(strstr(error, "unknown key \"listen_adress\""));
        free(error);
        unlink(path);
        ck_assert_int_eq(conf_load(&conf, "/nonexistent/pulloutd.conf", true, NULL), 0);
        ck_assert_int_lt(conf_load(&conf, "/nonexistent/pulloutd.conf", false, NULL), 0);
        conf_clear(&conf);
}
END_TEST

Suite *suite_conf(void) {
        Suite *suite = suite_create("conf");
        TCase *tcase = tcase_create("pulloutd.conf");
        tcase_add_test(tcase, test_defaults);
        tcase_add_test(tcase, test_reads_values);
        tcase_add_test(tcase, test_bad_value_names_the_line_and_changes_nothing);
        tcase_add_test(tcase, test_unknown_key_and_missing_file);
        suite_add_tcase(suite, tcase);
        return suite;
}
