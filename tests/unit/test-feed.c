/* test-feed.c: feeds of the fixture school as calendar clients read them: CRLF, folded lines,
 * zones, privacy, revisions; accepted by vobject and expanded by ical.js to exactly the held
 * sessions (closed Monday, early release, assembly, cancellation, move, make-up). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libical/ical.h>

#include "ical/feed.h"
#include "model/occurrence.h"
#include "school-fixture.h"

static civil_date day(const char *text) {
        civil_date date = 0;
        ck_assert_int_eq(date_parse(text, &date), 0);
        return date;
}

static struct schedule *schedule;
static struct ical_feed_item items[3];

static void setup(void) {
        schedule = fixture_schedule();
        /* Wed 16 Sep G1 is cancelled and made up Thu 17 Sep 14:00; Mon 21 Sep G2 moves to Tue. */
        items[0] = (struct ical_feed_item){ .kind = ICAL_FEED_CANCELLED, .group = 0, .session_id = "G1-20260916-0940" };
        items[1] = (struct ical_feed_item){ .kind = ICAL_FEED_MOVED, .group = 1, .session_id = "G2-20260921-1015",
                                            .date = day("2026-09-22"), .start = 13 * 60, .end = 13 * 60 + 40 };
        items[2] = (struct ical_feed_item){ .kind = ICAL_FEED_MAKEUP, .group = 0, .session_id = "G1-20260917-1400",
                                            .date = day("2026-09-17"), .start = 14 * 60, .end = 14 * 60 + 30,
                                            .makes_up = "G1-20260916-0940" };
}

static void teardown(void) {
        schedule = schedule_free(schedule);
}

static struct ical_feed_request request(enum ical_feed_subject subject, int index, enum ical_feed_privacy privacy) {
        return (struct ical_feed_request){
                .schedule = schedule,
                .subject = subject,
                .subject_index = index,
                .privacy = privacy,
                .host = "maple.example",
                .items = items,
                .n_items = 3,
                .now = 1789000000, /* 2026-09-10 */
        };
}

static char *build(const struct ical_feed_request *req) {
        char *text = NULL;
        size_t size = 0;
        ck_assert_int_eq(ical_feed_build(req, &text, &size), 0);
        ck_assert_uint_eq(strlen(text), size);
        return text;
}

static char *write_temp(const char *text) {
        char *path = strdup("/tmp/pullout-feed-XXXXXX");
        int fd = mkstemp(path);
        ck_assert_int_ge(fd, 0);
        size_t size = strlen(text);
        ck_assert_int_eq(write(fd, text, size), (ssize_t)size);
        close(fd);
        return path;
}

/* Runs command, returns its exit status and its stdout in *ret_output (malloc'd). */
static int run(const char *command, char **ret_output) {
        FILE *pipe = popen(command, "r");
        ck_assert_ptr_nonnull(pipe);
        char *output = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&output, &size);
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, pipe)) > 0)
                fwrite(chunk, 1, n, out);
        fclose(out);
        int status = pclose(pipe);
        *ret_output = output;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const char *source_dir(void) {
        const char *dir = getenv("PULLOUT_SOURCE");
        return dir && dir[0] ? dir : ".";
}

/* What the feed must expand to, "YYYY-MM-DD HH:MM HH:MM" lines sorted: the held occurrences of
 * the feed's groups, without cancelled and moved-away ones, with moves and make-ups added. */
static char *expected_lines(const bool *groups) {
        struct occurrence *list = NULL;
        size_t n = 0;
        ck_assert_int_eq(occurrence_expand(schedule, schedule->school->info.term_start,
                                           schedule->school->info.term_end, &list, &n), 0);
        size_t cap = n + 3;
        char **lines = calloc(cap, sizeof *lines);
        size_t n_lines = 0;
        for (size_t i = 0; i < n; i++) {
                if (!groups[list[i].group] || !occurrence_is_held(&list[i]))
                        continue;
                char id[OCCURRENCE_SESSION_ID_MAX];
                occurrence_session_id(schedule->groups[list[i].group].id, list[i].date, list[i].start, id);
                bool removed = false;
                for (size_t k = 0; k < 3; k++)
                        if (items[k].kind != ICAL_FEED_MAKEUP && strcmp(items[k].session_id, id) == 0)
                                removed = true;
                if (removed)
                        continue;
                char date[11], start[6], end[6];
                ck_assert_int_ge(asprintf(&lines[n_lines++], "%s %s %s", date_format(list[i].date, date),
                                          time_format(list[i].start, start), time_format(list[i].end, end)), 0);
        }
        for (size_t k = 0; k < 3; k++) {
                if (items[k].kind == ICAL_FEED_CANCELLED || !groups[items[k].group])
                        continue;
                char date[11], start[6], end[6];
                ck_assert_int_ge(asprintf(&lines[n_lines++], "%s %s %s", date_format(items[k].date, date),
                                          time_format(items[k].start, start), time_format(items[k].end, end)), 0);
        }
        /* Insertion sort: a few hundred lines. */
        for (size_t i = 1; i < n_lines; i++)
                for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
                        char *t = lines[j];
                        lines[j] = lines[j - 1];
                        lines[j - 1] = t;
                }
        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        for (size_t i = 0; i < n_lines; i++) {
                fprintf(out, "%s\n", lines[i]);
                free(lines[i]);
        }
        fclose(out);
        free(lines);
        free(list);
        return text;
}

static void assert_clients_accept(const char *text, const bool *groups) {
        char *path = write_temp(text);
        char *command = NULL, *output = NULL;

        ck_assert_int_ge(asprintf(&command, "/usr/bin/python3 %s/tests/tools/ical-validate.py %s 2>&1",
                                  source_dir(), path), 0);
        int status = run(command, &output);
        ck_assert_msg(status == 0, "vobject rejects the feed: %s", output);
        free(command);
        free(output);

        ck_assert_int_ge(asprintf(&command, "node %s/tests/tools/ical-expand.js %s %s %s", source_dir(), path,
                                  "2026-09-14", "2026-11-20"), 0);
        status = run(command, &output);
        ck_assert_msg(status == 0, "ical.js rejects the feed (is tests/node_modules installed?)");
        char *expected = expected_lines(groups);
        ck_assert_str_eq(output, expected);
        free(expected);
        free(command);
        free(output);
        unlink(path);
        free(path);
}

START_TEST(test_teacher_feed_expands_to_held_sessions) {
        struct ical_feed_request req = request(ICAL_FEED_TEACHER, 0, ICAL_PRIVACY_INITIALS);
        char *text = build(&req);
        bool groups[] = { true, true }; /* Ada is in both groups */
        assert_clients_accept(text, groups);
        free(text);
}
END_TEST

START_TEST(test_staff_and_group_feeds_expand_to_held_sessions) {
        struct ical_feed_request req = request(ICAL_FEED_STAFF, 1, ICAL_PRIVACY_FULL);
        char *text = build(&req);
        bool only_g2[] = { false, true };
        assert_clients_accept(text, only_g2);
        ck_assert_ptr_nonnull(strstr(text, "SUMMARY:Bridges Math — G2 — Omar Haddad\\, Ada Nguyen"));
        free(text);

        req = request(ICAL_FEED_GROUP, 0, ICAL_PRIVACY_BUSY);
        text = build(&req);
        bool only_g1[] = { true, false };
        assert_clients_accept(text, only_g1);
        free(text);

        req = request(ICAL_FEED_STUDENT, 3, ICAL_PRIVACY_INITIALS); /* Omar: G2 only */
        text = build(&req);
        assert_clients_accept(text, only_g2);
        free(text);
}
END_TEST

/* Unfolded content lines of text. */
static bool has_line_starting(const char *text, const char *prefix) {
        char *copy = strdup(text), *w = copy;
        for (const char *r = text; *r; r++) {
                if (r[0] == '\r' && r[1] == '\n' && (r[2] == ' ' || r[2] == '\t')) {
                        r += 2;
                        continue;
                }
                *w++ = *r;
        }
        *w = '\0';
        bool found = false;
        size_t length = strlen(prefix);
        for (char *line = copy; line && *line; line = strstr(line, "\r\n") ? strstr(line, "\r\n") + 2 : NULL)
                if (strncmp(line, prefix, length) == 0)
                        found = true;
        free(copy);
        return found;
}

START_TEST(test_feed_shape_for_clients) {
        struct ical_feed_request req = request(ICAL_FEED_TEACHER, 0, ICAL_PRIVACY_INITIALS);
        char *text = build(&req);
        /* CRLF everywhere and no line over 75 octets. */
        size_t line_length = 0;
        for (const char *c = text; *c; c++) {
                if (*c == '\n') {
                        ck_assert(c > text && c[-1] == '\r');
                        ck_assert_uint_le(line_length - 1, 75);
                        line_length = 0;
                } else {
                        line_length++;
                }
        }
        ck_assert_uint_eq(line_length, 0);
        const char *required[] = {
                "METHOD:PUBLISH", "PRODID:-//pullout//", "X-WR-CALNAME:Pull-outs — D. Okafor",
                "NAME:Pull-outs", "X-WR-TIMEZONE:America/Chicago", "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
                "X-PUBLISHED-TTL:PT1H", "TZID:America/Chicago", "ORGANIZER",
                "DTSTART;TZID=America/Chicago:20260914T094000",
                "RRULE:FREQ=WEEKLY;UNTIL=20261121T055900Z;BYDAY=MO,TU,WE,TH",
                "EXDATE;TZID=America/Chicago:20261012T094000", /* closed Monday */
                "EXDATE;TZID=America/Chicago:20261023T130000", /* early release */
                "EXDATE;TZID=America/Chicago:20261028T101500", /* assembly */
                "EXDATE;TZID=America/Chicago:20260916T094000", /* cancelled */
                "EXDATE;TZID=America/Chicago:20260921T101500", /* moved away */
                "DTSTART;TZID=America/Chicago:20260922T130000", /* moved to */
                "SUMMARY:Reading intervention — A.N.\\, J.S. — with D. Whitfield",
                "DTSTAMP:20260910T", "SEQUENCE:0",
        };
        for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
                ck_assert_msg(has_line_starting(text, required[i]), "missing %s", required[i]);
        ck_assert_ptr_null(strstr(text, "freeassociation"));
        /* libical's own iTIP rules for METHOD:PUBLISH (ORGANIZER, DTSTAMP, UID, no ATTENDEE). */
        icalcomponent *parsed = icalparser_parse_string(text);
        ck_assert_ptr_nonnull(parsed);
        ck_assert_int_eq(icalrestriction_check(parsed), 1);
        ck_assert_int_eq(icalcomponent_count_errors(parsed), 0);
        icalcomponent_free(parsed);
        /* No floating time in any event (the VTIMEZONE's own DTSTARTs are local by definition). */
        const char *events = strstr(text, "BEGIN:VEVENT");
        ck_assert_ptr_nonnull(events);
        ck_assert(!has_line_starting(events, "DTSTART:"));
        ck_assert(!has_line_starting(events, "DTEND:"));
        ck_assert(!has_line_starting(events, "EXDATE:"));
        free(text);
}
END_TEST

START_TEST(test_privacy_modes) {
        struct ical_feed_request req = request(ICAL_FEED_TEACHER, 0, ICAL_PRIVACY_INITIALS);
        char *text = build(&req);
        ck_assert_ptr_null(strstr(text, "Ada Nguyen"));
        ck_assert_ptr_null(strstr(text, "Nguyen"));
        ck_assert_ptr_null(strstr(text, "Dana Whitfield"));
        ck_assert_ptr_null(strstr(text, "L.P.")); /* Lena is another teacher's student */
        ck_assert_ptr_null(strstr(text, "dwhitfield@"));
        ck_assert_ptr_nonnull(strstr(text, "A.N."));
        free(text);

        req.privacy = ICAL_PRIVACY_FULL;
        text = build(&req);
        ck_assert_ptr_nonnull(strstr(text, "Ada Nguyen"));
        ck_assert_ptr_null(strstr(text, "Lena Park"));
        ck_assert(has_line_starting(text, "ORGANIZER;CN=Dana Whitfield:mailto:dwhitfield@maple.example"));
        free(text);

        req.privacy = ICAL_PRIVACY_BUSY;
        text = build(&req);
        const char *never[] = { "A.N.", "Nguyen", "Whitfield", "Okafor", "LLI", "Reading", "reading",
                                "Math", "tier", "Díaz", "1021" };
        for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
                ck_assert_msg(strstr(text, never[i]) == NULL, "busy feed says %s", never[i]);
        ck_assert(has_line_starting(text, "SUMMARY:Pull-out"));
        free(text);
}
END_TEST

START_TEST(test_fingerprints_follow_changes) {
        struct ical_feed_request req = request(ICAL_FEED_TEACHER, 0, ICAL_PRIVACY_INITIALS);
        req.n_items = 0;
        struct ical_feed_series *before = NULL, *again = NULL, *after = NULL;
        size_t n_before = 0, n_again = 0, n_after = 0;
        ck_assert_int_eq(ical_feed_series(&req, &before, &n_before), 0);
        ck_assert_uint_eq(n_before, 3); /* G1 09:40 MTWR, G1 13:00 F, G2 10:15 MWF */
        req.now += 3600; /* time alone changes nothing */
        ck_assert_int_eq(ical_feed_series(&req, &again, &n_again), 0);
        ck_assert_uint_eq(n_again, n_before);
        for (size_t i = 0; i < n_before; i++) {
                ck_assert_str_eq(before[i].uid, again[i].uid);
                ck_assert_str_eq(before[i].fingerprint, again[i].fingerprint);
        }
        req.n_items = 1; /* cancel G1 on Wed 16 Sep */
        ck_assert_int_eq(ical_feed_series(&req, &after, &n_after), 0);
        ck_assert_uint_eq(n_after, n_before);
        ck_assert_str_ne(before[0].fingerprint, after[0].fingerprint);
        ck_assert_str_eq(before[1].fingerprint, after[1].fingerprint);
        ck_assert_str_eq(before[2].fingerprint, after[2].fingerprint);
        ck_assert(strstr(before[0].uid, "@maple.example") != NULL);

        /* The caller's revision shows up as SEQUENCE and LAST-MODIFIED of that UID only. */
        struct ical_feed_revision revision = { .uid = after[0].uid, .sequence = 3, .last_modified = 1789100000 };
        req.revisions = &revision;
        req.n_revisions = 1;
        char *text = build(&req);
        ck_assert(has_line_starting(text, "SEQUENCE:3"));
        ck_assert(has_line_starting(text, "LAST-MODIFIED:20260911T"));
        ck_assert(has_line_starting(text, "SEQUENCE:0"));
        free(text);
        ical_feed_series_free(before, n_before);
        ical_feed_series_free(again, n_again);
        ical_feed_series_free(after, n_after);

        /* Standalone events are listed too. */
        req.n_items = 3;
        ck_assert_int_eq(ical_feed_series(&req, &after, &n_after), 0);
        ck_assert_uint_eq(n_after, 5);
        ck_assert(after[3].standalone && after[4].standalone);
        ical_feed_series_free(after, n_after);
}
END_TEST

START_TEST(test_bad_requests) {
        struct ical_feed_request req = request(ICAL_FEED_TEACHER, 2, ICAL_PRIVACY_INITIALS);
        char *text = (char *)"untouched";
        size_t size = 0;
        ck_assert_int_eq(ical_feed_build(&req, &text, &size), -EINVAL);
        ck_assert_str_eq(text, "untouched");
        req = request(ICAL_FEED_GROUP, 0, ICAL_PRIVACY_INITIALS);
        struct ical_feed_item bad = { .kind = ICAL_FEED_MAKEUP, .group = 7, .session_id = "x" };
        req.items = &bad;
        req.n_items = 1;
        ck_assert_int_eq(ical_feed_build(&req, &text, &size), -EINVAL);
        req.n_items = 0;
        free(schedule->school->info.timezone);
        schedule->school->info.timezone = strdup("Mars/Olympus_Mons");
        ck_assert_int_eq(ical_feed_build(&req, &text, &size), -ENOENT);
}
END_TEST

START_TEST(test_from_starts_series_later) {
        /* A schedule version published mid-term: the series begin at its first date. */
        struct ical_feed_request req = request(ICAL_FEED_GROUP, 0, ICAL_PRIVACY_BUSY);
        req.n_items = 0;
        req.from = day("2026-10-12"); /* a closed Monday: the series start on Tuesday */
        char *text = build(&req);
        ck_assert(has_line_starting(text, "DTSTART;TZID=America/Chicago:20261013T094000"));
        ck_assert(has_line_starting(text, "DTSTART;TZID=America/Chicago:20261016T130000"));
        ck_assert(!has_line_starting(text, "EXDATE;TZID=America/Chicago:20261012T094000"));
        free(text);
}
END_TEST

Suite *suite_feed(void) {
        Suite *suite = suite_create("feed");
        TCase *shape = tcase_create("shape");
        tcase_add_checked_fixture(shape, setup, teardown);
        tcase_add_test(shape, test_feed_shape_for_clients);
        tcase_add_test(shape, test_privacy_modes);
        tcase_add_test(shape, test_fingerprints_follow_changes);
        tcase_add_test(shape, test_bad_requests);
        tcase_add_test(shape, test_from_starts_series_later);
        suite_add_tcase(suite, shape);
        TCase *parsers = tcase_create("independent_parsers");
        tcase_add_checked_fixture(parsers, setup, teardown);
        tcase_set_timeout(parsers, 30);
        tcase_add_test(parsers, test_teacher_feed_expands_to_held_sessions);
        tcase_add_test(parsers, test_staff_and_group_feeds_expand_to_held_sessions);
        suite_add_tcase(suite, parsers);
        return suite;
}
