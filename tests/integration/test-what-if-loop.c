/* test-what-if-loop.c: a what-if of a big school (2,000 generated students) is read back off
 * the loop: `pullout status` asked right after `pullout schedule --version N` (or a diff) of
 * it is answered first, while the what-if's files are read again, and what is answered is
 * still the what-if's schedule, naming the interventionist only it has. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>

#include "harness.h"

#define STUDENTS "2000"
#define STATUS_CALLS 3
#define BALLAST 3

static struct harness h;
static char school_dir[400], what_if_dir[400];
static long long what_if_version, what_if_placed;

static void append_to_copy(const char *name, const char *extra) {
        char path[500];
        snprintf(path, sizeof path, "%s/%s", school_dir, name);
        char *text = harness_read_file(path);
        ck_assert_ptr_nonnull(text);
        snprintf(path, sizeof path, "%s/%s", what_if_dir, name);
        FILE *f = fopen(path, "we");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        fputs(extra, f);
        ck_assert_int_eq(fclose(f), 0);
        free(text);
}

static long long int_of(struct json_object *o, const char *key) {
        return (long long)json_object_get_int64(json_object_object_get(o, key));
}

/* The school published, and a what-if with one more interventionist, S99, every day. */
static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T07:30");
        harness_start_daemon(&h, NULL);
        snprintf(school_dir, sizeof school_dir, "%s/school", h.dir);
        snprintf(what_if_dir, sizeof what_if_dir, "%s/what-if", h.dir);
        const char *argv[] = { harness_gen_school(), "--seed", "13", "--students", STUDENTS, school_dir, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, argv), 0);
        harness_pullout_ok(&h, NULL, "import", school_dir, NULL);
        harness_pullout_ok(&h, NULL, "solve", "--publish", "--time-limit", "2", "--seed", "1", NULL);
        mkdir(what_if_dir, 0700);
        append_to_copy("staff.csv", "S99,Noor Haddad,interventionist,,8,LLI-P;LLI-I;RN;WRS;MATH;SEL\n");
        append_to_copy("availability.csv", "S99,MTWRF,08:00,11:30\nS99,MTWRF,12:00,15:00\n");
        struct json_object *w = harness_pullout_json(&h, "solve", "--what-if", what_if_dir, "--time-limit", "2",
                                                     "--seed", "1", "--json", NULL);
        what_if_version = int_of(w, "version");
        what_if_placed = int_of(w, "placed");
        json_object_put(w);
}

static void teardown(void) {
        harness_stop(&h);
}

/* The replies of one connection, numbered in the order they came. */
struct reply {
        int order; /* 0: not yet */
        bool failed;
        char *text;
};
static int replies_seen;

static int on_reply(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct reply *reply = userdata;
        const char *text = NULL;
        reply->order = ++replies_seen;
        reply->failed = sd_bus_message_is_method_error(message, NULL);
        if (reply->failed)
                text = sd_bus_message_get_error(message)->message;
        else if (sd_bus_message_read(message, "s", &text) < 0)
                text = NULL;
        reply->text = strdup(text ? text : "");
        return 0;
}

/* Sends, at once on one connection, BALLAST diffs of the published version with itself, then
 * method (a what-if's read), then STATUS_CALLS Status calls, and waits for every reply. The
 * daemon takes calls in the order sent; while it works through the ballast on its loop (tens
 * of milliseconds) the others are all queued, so it comes to the read and the Status calls
 * together: a loop that waits for the read answers Status after it, a loop that hands the read
 * to a worker answers Status first (the worker's end is taken only after the queued calls).
 * The read's reply in *ret_read; whether a Status was answered before it. */
static bool status_answered_first(const char *method, int64_t a, int64_t b, struct reply *ret_read) {
        sd_bus *bus = NULL;
        struct reply status[STATUS_CALLS] = { 0 }, ballast[BALLAST] = { 0 };
        replies_seen = 0;
        ck_assert_int_ge(sd_bus_new(&bus), 0);
        ck_assert_int_ge(sd_bus_set_address(bus, h.bus_address), 0);
        ck_assert_int_ge(sd_bus_set_bus_client(bus, 1), 0);
        ck_assert_int_ge(sd_bus_start(bus), 0);
        const char *destination = "org.pullout.Scheduler1", *path = "/org/pullout/Scheduler1";
        for (int i = 0; i < BALLAST; i++)
                ck_assert_int_ge(sd_bus_call_method_async(bus, NULL, destination, path, destination, "ScheduleDiff",
                                                          on_reply, &ballast[i], "xx", (int64_t)1, (int64_t)1),
                                 0);
        if (strcmp(method, "ScheduleDiff") == 0)
                ck_assert_int_ge(sd_bus_call_method_async(bus, NULL, destination, path, destination, method, on_reply,
                                                          ret_read, "xx", a, b),
                                 0);
        else
                ck_assert_int_ge(sd_bus_call_method_async(bus, NULL, destination, path, destination, method, on_reply,
                                                          ret_read, "x", a),
                                 0);
        for (int i = 0; i < STATUS_CALLS; i++)
                ck_assert_int_ge(sd_bus_call_method_async(bus, NULL, destination, path, destination, "Status",
                                                          on_reply, &status[i], ""),
                                 0);
        while (replies_seen < BALLAST + 1 + STATUS_CALLS) {
                int r = sd_bus_process(bus, NULL);
                ck_assert_int_ge(r, 0);
                if (r == 0)
                        ck_assert_int_ge(sd_bus_wait(bus, 30 * 1000000ull), 0);
        }
        for (int i = 0; i < BALLAST; i++) {
                ck_assert_msg(!ballast[i].failed, "ScheduleDiff 1 1 failed: %s", ballast[i].text);
                free(ballast[i].text);
        }
        bool first = false;
        for (int i = 0; i < STATUS_CALLS; i++) {
                ck_assert_msg(!status[i].failed, "Status failed: %s", status[i].text);
                first = first || status[i].order < ret_read->order;
                free(status[i].text);
        }
        sd_bus_flush_close_unref(bus);
        return first;
}

START_TEST(test_status_is_answered_while_a_what_if_is_read) {
        struct reply read = { 0 };
        bool first = status_answered_first("ScheduleVersion", what_if_version, 0, &read);
        ck_assert_msg(!read.failed, "ScheduleVersion failed: %s", read.text);
        ck_assert_msg(first, "Status waited for the what-if of " STUDENTS " students to be read");
        /* The answer is the what-if's: its state, its count, the interventionist only it has. */
        struct json_object *shown = json_tokener_parse(read.text);
        ck_assert_ptr_nonnull(shown);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(shown, "state")), "what-if");
        ck_assert_int_eq(int_of(json_object_object_get(shown, "metrics"), "placed"), what_if_placed);
        ck_assert_msg(strstr(read.text, "\"S99\"") && strstr(read.text, "Noor Haddad"), "%.300s", read.text);
        json_object_put(shown);
        free(read.text);

        /* A diff of it likewise, and what the CLI prints. */
        read = (struct reply){ 0 };
        first = status_answered_first("ScheduleDiff", 1, what_if_version, &read);
        ck_assert_msg(!read.failed, "ScheduleDiff failed: %s", read.text);
        ck_assert_msg(first, "Status waited for the diff against a what-if of " STUDENTS " students");
        struct json_object *diff = json_tokener_parse(read.text);
        ck_assert_int_eq(int_of(diff, "placed_to"), what_if_placed);
        ck_assert_msg(strstr(read.text, "\"S99\""), "%.300s", read.text);
        json_object_put(diff);
        free(read.text);

        char version[24], *out = NULL;
        snprintf(version, sizeof version, "%lld", what_if_version);
        harness_pullout_ok(&h, &out, "schedule", "--version", version, NULL);
        ck_assert_msg(strstr(out, "what-if") && strstr(out, "Noor Haddad"), "%s", out);
        free(out);
        harness_pullout_ok(&h, &out, "schedule", "diff", "1", version, NULL);
        ck_assert_msg(strstr(out, "S99"), "%s", out);
        free(out);
        /* Against itself: read once for both sides, and nothing differs. */
        diff = harness_pullout_json(&h, "schedule", "diff", version, version, "--json", NULL);
        ck_assert_int_eq(int_of(diff, "placed_from"), what_if_placed);
        ck_assert_int_eq(int_of(diff, "placed_to"), what_if_placed);
        ck_assert_int_eq(int_of(diff, "groups_changed"), 0);
        json_object_put(diff);
}
END_TEST

/* Reads of the published version, which need no data set read back, answer as before. */
START_TEST(test_a_version_that_is_no_what_if_answers_as_before) {
        struct json_object *shown = harness_pullout_json(&h, "schedule", "--version", "1", "--json", NULL);
        ck_assert_str_eq(json_object_get_string(json_object_object_get(shown, "state")), "published");
        ck_assert_msg(!strstr(json_object_to_json_string(shown), "\"S99\""), "the published version names S99");
        json_object_put(shown);
        char *err = NULL;
        ck_assert_int_eq(harness_pullout(&h, NULL, &err, "schedule", "--version", "99", NULL), 1);
        ck_assert_msg(strstr(err, "no schedule version 99"), "%s", err);
        free(err);
}
END_TEST

Suite *suite_what_if_loop(void) {
        Suite *suite = suite_create("what-if read off the loop");
        TCase *tcase = tcase_create("a big what-if");
        tcase_set_timeout(tcase, 120);
        tcase_add_checked_fixture(tcase, setup, teardown);
        tcase_add_test(tcase, test_status_is_answered_while_a_what_if_is_read);
        tcase_add_test(tcase, test_a_version_that_is_no_what_if_answers_as_before);
        suite_add_tcase(suite, tcase);
        return suite;
}
