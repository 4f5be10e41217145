/* test-digest.c: [alerts] digest = HH:MM runs the alert command once a school day with one
 * {"kind": "digest"} document instead of once per alert, through the shipped
 * pullout-alert-mail and a fake sendmail(1) on PATH: two days of unlogged sessions arrive as
 * one mail a day to the coordinators of staff.csv, and what was logged shows as resolved. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static struct harness h;
static char mails[400];

static void write_text(const char *path, const char *text) {
        FILE *file = fopen(path, "we");
        ck_assert_ptr_nonnull(file);
        fputs(text, file);
        fclose(file);
}

static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T06:00"); /* a Monday */
        char bin[400], sendmail[480], conf[400], text[2048], arg[420];
        snprintf(bin, sizeof bin, "%s/bin", h.dir);
        ck_assert_int_eq(mkdir(bin, 0755), 0);
        snprintf(mails, sizeof mails, "%s/mails.txt", h.dir);
        snprintf(sendmail, sizeof sendmail, "%s/sendmail", bin);
        snprintf(text, sizeof text, "#!/bin/sh\necho \"sendmail $*\" >> %s\ncat >> %s\necho '----' >> %s\n", mails, mails,
                 mails);
        write_text(sendmail, text);
        ck_assert_int_eq(chmod(sendmail, 0755), 0);
        snprintf(conf, sizeof conf, "%s/pulloutd.conf", h.dir);
        snprintf(text, sizeof text, "[alerts]\ndigest = 07:30\ncommand = PATH=%s:$PATH %s/scripts/pullout-alert-mail\n",
                 bin, harness_source());
        write_text(conf, text);
        snprintf(arg, sizeof arg, "--config=%s", conf);
        const char *args[] = { arg, NULL };
        harness_start_daemon(&h, args);
        char dir[512];
        snprintf(dir, sizeof dir, "%s/tests/fixtures/tiny-school", harness_source());
        harness_pullout_ok(&h, NULL, "import", dir, NULL);
        harness_pullout_ok(&h, NULL, "solve", "--publish", "--time-limit", "3", NULL);
}

static void teardown(void) {
        harness_stop(&h);
}

static int count_of(const char *text, const char *what) {
        int n = 0;
        for (const char *p = text; p && (p = strstr(p, what)); p += strlen(what))
                n++;
        return n;
}

/* The mails so far, once n of them have arrived (or 5 s passed). */
static char *mails_after(int n) {
        char *text = NULL;
        for (int i = 0; i < 500; i++, usleep(10000)) {
                free(text);
                text = harness_read_file(mails);
                if (text && count_of(text, "----\n") >= n)
                        break;
        }
        return text;
}

START_TEST(test_one_mail_a_day_to_the_coordinators) {
        /* Wednesday 08:00: Monday's sessions went unlogged, missed on Tuesday after the 24 h
         * grace, one alert per group. Monday's and Tuesday's digests had nothing to say;
         * Wednesday's is one mail for all of them. */
        harness_pullout_ok(&h, NULL, "clock", "advance", "50h", NULL);
        char *text = mails_after(1);
        ck_assert_msg(text, "no mail arrived");
        usleep(200000); /* nothing else comes */
        free(text);
        text = harness_read_file(mails);
        ck_assert_msg(count_of(text, "----\n") == 1, "expected 1 mail: %.3000s", text);
        ck_assert_msg(count_of(text, "sendmail -oi -t") == 1, "%.3000s", text);
        ck_assert_msg(strstr(text, "To: Fay Moss <fmoss@maple.example.org>"), "%.3000s", text);
        ck_assert_msg(!strstr(text, "dwells@"), "an interventionist got the coordinators' mail: %.3000s", text);
        ck_assert_msg(strstr(text, "New alerts") && strstr(text, "sessions not logged") && strstr(text, "Still open"),
                      "%.3000s", text);
        ck_assert_msg(strstr(text, "Subject:") && strstr(text, "new,"), "%.3000s", text);
        free(text);

        /* Every missed session logged: the next digest reports them resolved. */
        struct json_object *open = harness_pullout_json(&h, "alerts", "--kind", "missed_session", "--json", NULL);
        size_t n_open = json_object_array_length(json_object_object_get(open, "alerts"));
        ck_assert_uint_gt(n_open, 0);
        json_object_put(open);
        const char *days[] = { "2026-09-14" };
        for (int d = 0; d < 1; d++) {
                struct json_object *o = harness_pullout_json(&h, "sessions", "--date", days[d], "--json", NULL);
                struct json_object *list = json_object_object_get(o, "sessions");
                for (size_t i = 0; i < json_object_array_length(list); i++) {
                        struct json_object *s = json_object_array_get_idx(list, i);
                        if (strcmp(json_object_get_string(json_object_object_get(s, "status")), "missed") == 0)
                                harness_pullout_ok(&h, NULL, "log",
                                                   json_object_get_string(json_object_object_get(s, "session_id")),
                                                   NULL);
                }
                json_object_put(o);
        }
        harness_pullout_ok(&h, NULL, "clock", "advance", "24h", NULL); /* Thursday 08:00 */
        text = mails_after(2);
        ck_assert_msg(count_of(text, "----\n") == 2, "expected 2 mails: %.3000s", text);
        const char *last = strstr(text, "----\n");
        ck_assert_msg(strstr(last, "Resolved since the last digest (") && !strstr(last, "Resolved since the last digest (0)"),
                      "%.3000s", last);
        free(text);
}
END_TEST

/* The script on its own: bad input is exit 2, no recipients is said and nothing sent. */
START_TEST(test_the_script_refuses_what_is_not_an_alert) {
        char script[480], *err = NULL;
        snprintf(script, sizeof script, "%s/scripts/pullout-alert-mail", harness_source());
        const char *argv[] = { "/bin/sh", "-c", "echo 'not json' | \"$0\"", script, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, &err, argv), 2);
        ck_assert_msg(strstr(err, "not an alert"), "%s", err);
        free(err);
        const char *none[] = { "/bin/sh", "-c", "echo '{\"kind\":\"low_dosage\",\"coordinators\":[]}' | \"$0\"", script,
                               NULL };
        ck_assert_int_eq(harness_command(&h, NULL, &err, none), 0);
        ck_assert_msg(strstr(err, "no coordinator"), "%s", err);
        free(err);
}
END_TEST

Suite *suite_digest(void) {
        Suite *suite = suite_create("digest");
        TCase *tcase = tcase_create("digest");
        tcase_set_timeout(tcase, 120);
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_one_mail_a_day_to_the_coordinators);
        tcase_add_test(tcase, test_the_script_refuses_what_is_not_an_alert);
        suite_add_tcase(suite, tcase);
        return suite;
}
