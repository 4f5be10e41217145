/* test-feeds.c: feeds end to end: a school never seen, imported (with a district calendar.ics)
 * and solved by the real pulloutd, fetched over real HTTP, accepted by both independent parsers
 * and expanding to exactly the held sessions; caching, revocation, rotation, privacy, SEQUENCE,
 * and a feed served while a long solve runs. */
#include <arpa/inet.h>
#include <check.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "model/occurrence.h"
#include "tools/schoolgen/schoolgen.h"

#define SEED 7311
#define STUDENTS 260
#define DISTRICT_CLOSED "2026-10-05" /* a Monday the district calendar closes */
#define FIRST_HELD "2026-09-14" /* the manual clock's first day: the schedule is published then */

static struct harness h;
static struct school *school; /* the generator's own model of the imported school */
static char school_dir[400];

struct response {
        int status;
        char *headers; /* raw, CRLF separated */
        char *body;
        size_t body_size;
};

static void response_clear(struct response *r) {
        free(r->headers);
        free(r->body);
        memset(r, 0, sizeof *r);
}

/* A tiny HTTP/1.1 client: one request with Connection: close, the whole answer read. */
static void http(const char *method, const char *path, const char *extra_headers, struct response *ret) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ck_assert_int_ge(fd, 0);
        struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)h.http_port) };
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
        ck_assert_msg(connect(fd, (struct sockaddr *)&address, sizeof address) == 0, "connect to the feed server");
        struct timeval timeout = { .tv_sec = 10 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        char request[2048];
        int n = snprintf(request, sizeof request, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s\r\n",
                         method, path, extra_headers ? extra_headers : "");
        /* A server refusing oversized headers may close before reading them all. */
        if (write(fd, request, (size_t)n) != n) {
                close(fd);
                ret->status = 0;
                ret->headers = strdup("");
                ret->body = strdup("");
                return;
        }
        size_t size = 0, allocated = 65536;
        char *data = malloc(allocated + 1);
        ssize_t got;
        while ((got = read(fd, data + size, allocated - size)) > 0) {
                size += (size_t)got;
                if (size == allocated)
                        data = realloc(data, (allocated *= 2) + 1);
        }
        close(fd);
        data[size] = '\0';
        char *end = strstr(data, "\r\n\r\n");
        if (!end && size == 0 && n > 8192) {
                free(data);
                ret->status = 0;
                ret->headers = strdup("");
                ret->body = strdup("");
                return;
        }
        ck_assert_msg(end, "no complete HTTP answer to %s %s (%zu bytes)", method, path, size);
        *end = '\0';
        ret->headers = strdup(data);
        ret->body_size = size - (size_t)(end + 4 - data);
        ret->body = malloc(ret->body_size + 1);
        memcpy(ret->body, end + 4, ret->body_size);
        ret->body[ret->body_size] = '\0';
        ck_assert_int_eq(sscanf(data, "HTTP/1.%*d %d", &ret->status), 1);
        free(data);
}

/* A header's value (malloc'd) or NULL. */
static char *header(const struct response *r, const char *name) {
        size_t n = strlen(name);
        for (const char *line = strstr(r->headers, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
                if (strncasecmp(line + 2, name, n) == 0 && line[2 + n] == ':') {
                        const char *value = line + 3 + n;
                        while (*value == ' ')
                                value++;
                        return strndup(value, strcspn(value, "\r\n"));
                }
        }
        return NULL;
}

static char *pullout_ok(const char *what, ...) __attribute__((sentinel));
static char *pullout_ok(const char *what, ...) {
        const char *argv[16];
        int n = 0;
        va_list ap;
        va_start(ap, what);
        argv[n++] = what;
        while (n < 15 && (argv[n] = va_arg(ap, const char *)))
                n++;
        va_end(ap);
        argv[n] = NULL;
        char *out = NULL, *err = NULL;
        const char *full[20] = { harness_pullout_path(), "--user" };
        for (int i = 0; i <= n; i++)
                full[2 + i] = argv[i];
        int code = harness_command(&h, &out, &err, full);
        ck_assert_msg(code == 0, "pullout %s: exit %d: %s", what, code, err);
        free(err);
        return out;
}

static void setup(void) {
        harness_start_bus(&h);
        snprintf(h.now, sizeof h.now, "2026-09-14T07:30"); /* a Monday of the term */
        harness_start_daemon(&h, NULL);

        struct schoolgen_params params = { .seed = SEED, .students = STUDENTS, .interventionists = 3 };
        ck_assert_int_eq(schoolgen_build(&params, &school), 0);
        snprintf(school_dir, sizeof school_dir, "%s/school", h.dir);
        char seed[16], students[16];
        snprintf(seed, sizeof seed, "%d", SEED);
        snprintf(students, sizeof students, "%d", STUDENTS);
        const char *argv[] = { harness_gen_school(), "--seed", seed, "--students", students,
                               "--interventionists", "3", school_dir, NULL };
        ck_assert_int_eq(harness_command(&h, NULL, NULL, argv), 0);
        /* A district calendar beside the data set: one closed Monday, and an event it ignores. */
        char path[500];
        snprintf(path, sizeof path, "%s/calendar.ics", school_dir);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//district//EN\r\n"
              "BEGIN:VEVENT\r\nUID:ns-1@district\r\nDTSTAMP:20260801T000000Z\r\n"
              "DTSTART;VALUE=DATE:20261005\r\nDTEND;VALUE=DATE:20261006\r\nSUMMARY:No School - Staff Development\r\n"
              "END:VEVENT\r\n"
              "BEGIN:VEVENT\r\nUID:bb-1@district\r\nDTSTAMP:20260801T000000Z\r\n"
              "DTSTART;VALUE=DATE:20261009\r\nDTEND;VALUE=DATE:20261010\r\nSUMMARY:Booster club bake sale\r\n"
              "END:VEVENT\r\nEND:VCALENDAR\r\n",
              f);
        fclose(f);
        char *out = pullout_ok("import", "--json", school_dir, NULL);
        struct json_object *report = json_tokener_parse(out);
        struct json_object *district = json_object_object_get(report, "district_calendar");
        ck_assert_msg(district, "the import reply reports the district calendar: %s", out);
        ck_assert_int_eq(json_object_array_length(json_object_object_get(district, "taken")), 1);
        ck_assert_int_eq(json_object_array_length(json_object_object_get(district, "ignored")), 1);
        json_object_put(report);
        free(out);
        free(pullout_ok("solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "2", "--seed", "1", NULL));
}

static void teardown(void) {
        school = school_unref(school);
        harness_stop(&h);
}

static struct json_object *schedule_json(void) {
        char *out = pullout_ok("schedule", "--json", NULL);
        struct json_object *schedule = json_tokener_parse(out);
        ck_assert_ptr_nonnull(schedule);
        free(out);
        return schedule;
}

static bool student_of_teacher(const char *student_id, int teacher) {
        int s = school_find_student(school, student_id);
        return s >= 0 && school->students[s].teacher == teacher;
}

/* The teacher whose students sit in the most groups. */
static int busiest_teacher(struct json_object *schedule) {
        struct json_object *groups = json_object_object_get(schedule, "groups");
        int best = -1, best_count = 0;
        for (size_t t = 0; t < school->n_teachers; t++) {
                int count = 0;
                for (size_t g = 0; g < json_object_array_length(groups); g++) {
                        struct json_object *students =
                                json_object_object_get(json_object_array_get_idx(groups, g), "students");
                        for (size_t i = 0; i < json_object_array_length(students); i++)
                                if (student_of_teacher(json_object_get_string(json_object_array_get_idx(students, i)),
                                                       (int)t)) {
                                        count++;
                                        break;
                                }
                }
                if (count > best_count) {
                        best = (int)t;
                        best_count = count;
                }
        }
        ck_assert_int_ge(best, 0);
        return best;
}

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "YYYY-MM-DD HH:MM HH:MM" of every held session of the teacher's students' groups, over the
 * term, from the schedule JSON and the school calendar (plus the district's closed Monday). */
static size_t expected_lines(struct json_object *schedule, int teacher, char ***ret, size_t *ret_removed) {
        struct json_object *groups = json_object_object_get(schedule, "groups");
        char **lines = NULL;
        size_t n = 0, removed = 0;
        civil_date district_closed;
        ck_assert_int_eq(date_parse(DISTRICT_CLOSED, &district_closed), 0);
        for (size_t g = 0; g < json_object_array_length(groups); g++) {
                struct json_object *group = json_object_array_get_idx(groups, g);
                struct json_object *students = json_object_object_get(group, "students");
                bool mine = false;
                for (size_t i = 0; i < json_object_array_length(students); i++)
                        mine |= student_of_teacher(json_object_get_string(json_object_array_get_idx(students, i)),
                                                   teacher);
                if (!mine)
                        continue;
                struct json_object *meetings = json_object_object_get(group, "meetings");
                for (size_t m = 0; m < json_object_array_length(meetings); m++) {
                        struct json_object *meeting = json_object_array_get_idx(meetings, m);
                        int day = -1, start, end;
                        const char *letter = strchr("MTWRF", json_object_get_string(
                                                                     json_object_object_get(meeting, "day"))[0]);
                        if (letter && *letter)
                                day = (int)(letter - "MTWRF");
                        ck_assert_int_ge(day, 0);
                        ck_assert_int_eq(time_parse(json_object_get_string(json_object_object_get(meeting, "start")),
                                                    &start), 0);
                        ck_assert_int_eq(time_parse(json_object_get_string(json_object_object_get(meeting, "end")),
                                                    &end), 0);
                        /* The daemon holds sessions from the first publication: today. */
                        civil_date first_held;
                        ck_assert_int_eq(date_parse(FIRST_HELD, &first_held), 0);
                        for (civil_date date = first_held; date <= school->info.term_end; date++) {
                                if (date_weekday(date) != day)
                                        continue;
                                if (date == district_closed ||
                                    occurrence_calendar_state(school, date, start, end, NULL) != OCCURRENCE_SCHEDULED) {
                                        removed++;
                                        continue;
                                }
                                char d[11], a[6], b[6];
                                lines = realloc(lines, (n + 1) * sizeof *lines);
                                ck_assert_int_ge(asprintf(&lines[n++], "%s %s %s", date_format(date, d),
                                                          time_format(start, a), time_format(end, b)), 0);
                        }
                }
        }
        qsort(lines, n, sizeof *lines, compare_strings);
        *ret = lines;
        *ret_removed = removed;
        return n;
}

/* Creates a feed; returns the path of its link ("/feeds/TOKEN.ics", malloc'd) and its id. */
static char *create_feed(const char *kind_option, const char *id, const char *privacy, int64_t *ret_id) {
        char *out = privacy ? pullout_ok("feed", "create", kind_option, id, "--privacy", privacy, "--json", NULL)
                            : pullout_ok("feed", "create", kind_option, id, "--json", NULL);
        struct json_object *feed = json_tokener_parse(out);
        ck_assert_ptr_nonnull(feed);
        const char *url = json_object_get_string(json_object_object_get(feed, "url"));
        ck_assert_ptr_nonnull(url);
        const char *path = strstr(url, "/feeds/");
        ck_assert_ptr_nonnull(path);
        char *copy = strdup(path);
        if (ret_id)
                *ret_id = json_object_get_int64(json_object_object_get(feed, "id"));
        ck_assert_ptr_nonnull(strstr(json_object_get_string(json_object_object_get(feed, "webcal")), "webcal://"));
        ck_assert_ptr_nonnull(strstr(json_object_get_string(json_object_object_get(feed, "google")),
                                     "calendar.google.com"));
        json_object_put(feed);
        free(out);
        return copy;
}

static char *fetch(const char *path) {
        struct response r = { 0 };
        http("GET", path, NULL, &r);
        ck_assert_msg(r.status == 200, "GET %s: %d", path, r.status);
        char *body = r.body;
        r.body = NULL;
        response_clear(&r);
        return body;
}

static char *write_temp(const char *name, const char *text) {
        char *path = NULL;
        ck_assert_int_ge(asprintf(&path, "%s/%s", h.dir, name), 0);
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        fclose(f);
        return path;
}

START_TEST(test_teacher_feed_is_valid_and_expands_to_held_sessions) {
        struct json_object *schedule = schedule_json();
        int teacher = busiest_teacher(schedule);
        char **expected = NULL;
        size_t removed = 0;
        size_t n_expected = expected_lines(schedule, teacher, &expected, &removed);
        ck_assert_msg(n_expected > 0, "the teacher has sessions");
        ck_assert_msg(removed > 0, "holidays, early releases or assemblies remove some of them");

        char *path = create_feed("--teacher", school->teachers[teacher].id, NULL, NULL);
        struct response r = { 0 };
        http("GET", path, NULL, &r);
        ck_assert_int_eq(r.status, 200);
        char *type = header(&r, "Content-Type"), *cache = header(&r, "Cache-Control");
        ck_assert_str_eq(type, "text/calendar; charset=utf-8");
        ck_assert_ptr_nonnull(strstr(cache, "private"));
        free(type);
        free(cache);
        char *file = write_temp("teacher.ics", r.body);

        char *source = NULL, *out = NULL, *err = NULL;
        ck_assert_int_ge(asprintf(&source, "%s/tests/tools/ical-validate.py", harness_source()), 0);
        const char *validate[] = { "/usr/bin/python3", source, file, NULL };
        int code = harness_command(&h, &out, &err, validate);
        ck_assert_msg(code == 0, "python3-vobject rejects the feed: %s %s", out, err);
        free(out);
        free(err);
        free(source);

        char from[11], to[11];
        ck_assert_int_ge(asprintf(&source, "%s/tests/tools/ical-expand.js", harness_source()), 0);
        const char *expand[] = { "node", source, file, date_format(school->info.term_start, from),
                                 date_format(school->info.term_end, to), NULL };
        code = harness_command(&h, &out, &err, expand);
        ck_assert_msg(code == 0, "ical.js rejects the feed: %s", err);
        char **got = NULL;
        size_t n_got = 0;
        for (char *save = NULL, *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                got = realloc(got, (n_got + 1) * sizeof *got);
                got[n_got++] = line;
        }
        qsort(got, n_got, sizeof *got, compare_strings);
        for (size_t i = 0; i < n_expected && i < n_got; i++)
                ck_assert_msg(strcmp(expected[i], got[i]) == 0, "occurrence %zu: expected %s, the feed has %s", i,
                              expected[i], got[i]);
        ck_assert_msg(n_got == n_expected, "the feed expands to %zu sessions, the daemon holds %zu", n_got,
                      n_expected);
        /* Nothing on the district's closed Monday. */
        for (size_t i = 0; i < n_got; i++)
                ck_assert_msg(strncmp(got[i], DISTRICT_CLOSED, 10) != 0, "a session on the closed day: %s", got[i]);

        for (size_t i = 0; i < n_expected; i++)
                free(expected[i]);
        free(expected);
        free(got);
        free(out);
        free(err);
        free(source);
        free(file);
        free(path);
        response_clear(&r);
        json_object_put(schedule);
}
END_TEST

START_TEST(test_caching_head_and_methods) {
        char *path = create_feed("--teacher", school->teachers[0].id, NULL, NULL);
        struct response full = { 0 }, r = { 0 };
        http("GET", path, NULL, &full);
        ck_assert_int_eq(full.status, 200);
        char *etag = header(&full, "ETag"), *modified = header(&full, "Last-Modified");
        ck_assert_ptr_nonnull(etag);
        ck_assert_ptr_nonnull(modified);
        ck_assert_msg(etag[0] == '"', "a strong ETag: %s", etag);
        char headers[512];

        /* If-None-Match: 304 with ETag and Last-Modified repeated, no body. */
        snprintf(headers, sizeof headers, "If-None-Match: \"x\", %s\r\n", etag);
        http("GET", path, headers, &r);
        ck_assert_int_eq(r.status, 304);
        ck_assert_uint_eq(r.body_size, 0);
        char *again = header(&r, "ETag"), *modified_again = header(&r, "Last-Modified");
        ck_assert_str_eq(again, etag);
        ck_assert_str_eq(modified_again, modified);
        free(again);
        free(modified_again);
        response_clear(&r);

        /* If-None-Match wins over If-Modified-Since. */
        snprintf(headers, sizeof headers, "If-None-Match: \"other\"\r\nIf-Modified-Since: %s\r\n", modified);
        http("GET", path, headers, &r);
        ck_assert_int_eq(r.status, 200);
        response_clear(&r);

        snprintf(headers, sizeof headers, "If-Modified-Since: %s\r\n", modified);
        http("GET", path, headers, &r);
        ck_assert_int_eq(r.status, 304);
        response_clear(&r);
        http("GET", path, "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n", &r);
        ck_assert_int_eq(r.status, 200);
        response_clear(&r);
        /* An unparseable date never gets 304, not even one far in the future. */
        http("GET", path, "If-Modified-Since: tomorrow, probably\r\n", &r);
        ck_assert_int_eq(r.status, 200);
        response_clear(&r);
        http("GET", path, "If-Modified-Since: Sunday, 06-Nov-94 08:49:37 GMT\r\n", &r);
        ck_assert_int_eq(r.status, 200);
        response_clear(&r);

        /* HEAD: the same headers and length, no body. */
        http("HEAD", path, NULL, &r);
        ck_assert_int_eq(r.status, 200);
        ck_assert_uint_eq(r.body_size, 0);
        char *length = header(&r, "Content-Length");
        ck_assert_int_eq(atol(length), (long)full.body_size);
        free(length);
        response_clear(&r);

        http("POST", path, "Content-Length: 0\r\n", &r);
        ck_assert_int_eq(r.status, 405);
        char *allow = header(&r, "Allow");
        ck_assert_str_eq(allow, "GET, HEAD");
        free(allow);
        response_clear(&r);
        http("DELETE", path, NULL, &r);
        ck_assert_int_eq(r.status, 405);
        response_clear(&r);

        http("GET", "/healthz", NULL, &r);
        ck_assert_int_eq(r.status, 200);
        response_clear(&r);
        http("GET", "/feeds/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics", NULL, &r);
        ck_assert_int_eq(r.status, 404);
        response_clear(&r);
        http("GET", "/feeds/../etc/passwd", NULL, &r);
        ck_assert_int_eq(r.status, 404);
        response_clear(&r);
        /* Oversized headers are refused, and the server goes on serving. */
        char *big = malloc(20000);
        memset(big, 'a', 19990);
        memcpy(big, "X-Big: ", 7);
        strcpy(big + 19990, "\r\n");
        http("GET", path, big, &r);
        ck_assert_msg(r.status == 0 || r.status >= 400, "oversized headers answered %d", r.status);
        free(big);
        response_clear(&r);
        http("GET", path, NULL, &r);
        ck_assert_int_eq(r.status, 200);
        response_clear(&r);

        response_clear(&full);
        free(etag);
        free(modified);
        free(path);
}
END_TEST

START_TEST(test_revoke_rotate_and_list) {
        int64_t first, second;
        char *path = create_feed("--teacher", school->teachers[0].id, NULL, &first);
        char *other = create_feed("--staff", school->staff[0].id, NULL, &second);
        char *before = fetch(other);
        free(fetch(path));
        char id[24];
        snprintf(id, sizeof id, "%lld", (long long)first);
        free(pullout_ok("feed", "revoke", id, NULL));
        struct response r = { 0 };
        http("GET", path, NULL, &r);
        ck_assert_int_eq(r.status, 404);
        response_clear(&r);

        snprintf(id, sizeof id, "%lld", (long long)second);
        char *out = pullout_ok("feed", "rotate", id, NULL);
        free(out);
        http("GET", other, NULL, &r);
        ck_assert_msg(r.status == 404, "the old link ends with a rotation");
        response_clear(&r);

        out = pullout_ok("feed", "list", "--json", NULL);
        struct json_object *list = json_tokener_parse(out);
        ck_assert_int_eq(json_object_array_length(list), 2);
        struct json_object *revoked = json_object_array_get_idx(list, 0);
        ck_assert_ptr_nonnull(json_object_object_get(revoked, "revoked"));
        ck_assert_ptr_nonnull(json_object_object_get(revoked, "last_fetched"));
        /* Never a token. */
        const char *token = path + strlen("/feeds/");
        char *token_copy = strndup(token, 32);
        ck_assert_ptr_null(strstr(out, token_copy));
        free(token_copy);
        ck_assert_ptr_null(strstr(out, "/feeds/"));
        json_object_put(list);
        free(out);
        free(before);
        free(path);
        free(other);
}
END_TEST

static bool contains_name_word(const char *text, const char *name) {
        return strstr(text, name) != NULL;
}

START_TEST(test_privacy_modes) {
        struct json_object *schedule = schedule_json();
        int teacher = busiest_teacher(schedule);
        json_object_put(schedule);
        const char *id = school->teachers[teacher].id;
        char *full_path = create_feed("--teacher", id, "full", NULL);
        char *initials_path = create_feed("--teacher", id, NULL, NULL);
        char *busy_path = create_feed("--teacher", id, "busy", NULL);
        char *full = fetch(full_path), *initials = fetch(initials_path), *busy = fetch(busy_path);
        bool named = false;
        for (size_t s = 0; s < school->n_students; s++) {
                if (school->students[s].teacher != teacher)
                        continue;
                /* Names are unfolded only when short; a student's first name is enough here. */
                char first[64];
                snprintf(first, sizeof first, "%.*s", (int)strcspn(school->students[s].name, " "),
                         school->students[s].name);
                if (contains_name_word(full, first))
                        named = true;
                ck_assert_msg(!contains_name_word(busy, first), "a busy feed names %s", first);
                if (strlen(first) >= 4)
                        ck_assert_msg(!contains_name_word(initials, school->students[s].name),
                                      "an initials feed names %s", school->students[s].name);
        }
        ck_assert_msg(named, "a full feed names the students");
        for (size_t p = 0; p < school->n_programs; p++)
                ck_assert_msg(!strstr(busy, school->programs[p].name) && !strstr(busy, school->programs[p].id),
                              "a busy feed names the program %s", school->programs[p].id);
        ck_assert_ptr_null(strstr(busy, "Tier"));
        free(full);
        free(initials);
        free(busy);
        free(full_path);
        free(initials_path);
        free(busy_path);
}
END_TEST

/* uid -> (event text without DTSTAMP, SEQUENCE, LAST-MODIFIED; sequence) */
struct event_text {
        char *uid, *text;
        int sequence;
};

static size_t events_of(const char *calendar, struct event_text **ret) {
        struct event_text *events = NULL;
        size_t n = 0;
        const char *p = calendar;
        while ((p = strstr(p, "BEGIN:VEVENT\r\n"))) {
                const char *end = strstr(p, "END:VEVENT\r\n");
                ck_assert_ptr_nonnull(end);
                struct event_text e = { 0 };
                size_t size = 0;
                FILE *out = open_memstream(&e.text, &size);
                for (const char *line = p; line < end;) {
                        const char *next = strstr(line, "\r\n") + 2;
                        if (strncmp(line, "UID:", 4) == 0)
                                e.uid = strndup(line + 4, (size_t)(next - line - 6));
                        if (strncmp(line, "SEQUENCE:", 9) == 0)
                                e.sequence = atoi(line + 9);
                        else if (strncmp(line, "DTSTAMP:", 8) != 0 && strncmp(line, "LAST-MODIFIED:", 14) != 0)
                                fwrite(line, 1, (size_t)(next - line), out);
                        line = next;
                }
                fclose(out);
                ck_assert_ptr_nonnull(e.uid);
                events = realloc(events, (n + 1) * sizeof *events);
                events[n++] = e;
                p = end;
        }
        *ret = events;
        return n;
}

static void events_free(struct event_text *events, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(events[i].uid);
                free(events[i].text);
        }
        free(events);
}

/* The days letters and the one start of a group's meetings; false when they differ. */
static bool group_slot(struct json_object *group, char days[static 8], char start[static 8]) {
        struct json_object *meetings = json_object_object_get(group, "meetings");
        days[0] = '\0';
        snprintf(start, 8, "%s",
                 json_object_get_string(json_object_object_get(json_object_array_get_idx(meetings, 0), "start")));
        for (size_t m = 0; m < json_object_array_length(meetings); m++) {
                struct json_object *meeting = json_object_array_get_idx(meetings, m);
                size_t n = strlen(days);
                days[n] = json_object_get_string(json_object_object_get(meeting, "day"))[0];
                days[n + 1] = '\0';
                if (strcmp(json_object_get_string(json_object_object_get(meeting, "start")), start) != 0)
                        return false;
        }
        return days[0] != '\0';
}

START_TEST(test_sequence_rises_only_for_changed_series) {
        struct json_object *schedule = schedule_json();
        int teacher = busiest_teacher(schedule);
        struct json_object *groups = json_object_object_get(schedule, "groups");
        char *path = create_feed("--teacher", school->teachers[teacher].id, NULL, NULL);
        char *first = fetch(path);
        struct response r = { 0 };
        http("GET", path, NULL, &r);
        char *etag = header(&r, "ETag");
        ck_assert_ptr_null(strstr(first, "SEQUENCE:1"));
        response_clear(&r);

        /* A move to the days and time a group already has: a new version, no change. */
        char days[8], start[8];
        for (size_t g = 0; g < json_object_array_length(groups); g++) {
                struct json_object *group = json_object_array_get_idx(groups, g);
                if (!group_slot(group, days, start))
                        continue;
                free(pullout_ok("move", json_object_get_string(json_object_object_get(group, "group_id")), days, start,
                                NULL));
                break;
        }
        http("GET", path, NULL, &r);
        char *etag_after = header(&r, "ETag");
        ck_assert_msg(strcmp(etag, etag_after) == 0, "an unchanged feed keeps its ETag across schedule versions");
        free(etag_after);
        response_clear(&r);

        /* A student of this teacher renamed in a re-import: the series of that student's groups
         * change (same UIDs), the others do not. */
        const char *renamed = NULL;
        for (size_t g = 0; g < json_object_array_length(groups) && !renamed; g++) {
                struct json_object *students =
                        json_object_object_get(json_object_array_get_idx(groups, g), "students");
                for (size_t i = 0; i < json_object_array_length(students) && !renamed; i++) {
                        const char *id = json_object_get_string(json_object_array_get_idx(students, i));
                        if (student_of_teacher(id, teacher))
                                renamed = school->students[school_find_student(school, id)].name;
                }
        }
        ck_assert_ptr_nonnull(renamed);
        char csv[500];
        snprintf(csv, sizeof csv, "%s/students.csv", school_dir);
        harness_edit_file(csv, renamed, "Zed Quux");
        free(pullout_ok("import", school_dir, NULL));
        char *second = fetch(path);
        struct event_text *before = NULL, *after = NULL;
        size_t n_before = events_of(first, &before), n_after = events_of(second, &after);
        size_t same = 0, changed = 0;
        for (size_t i = 0; i < n_after; i++) {
                for (size_t j = 0; j < n_before; j++) {
                        if (strcmp(after[i].uid, before[j].uid) != 0)
                                continue;
                        if (strcmp(after[i].text, before[j].text) == 0) {
                                ck_assert_msg(after[i].sequence == before[j].sequence,
                                              "%s did not change but its SEQUENCE went %d -> %d", after[i].uid,
                                              before[j].sequence, after[i].sequence);
                                same++;
                        } else {
                                ck_assert_msg(after[i].sequence == before[j].sequence + 1,
                                              "%s changed but its SEQUENCE went %d -> %d", after[i].uid,
                                              before[j].sequence, after[i].sequence);
                                changed++;
                        }
                }
        }
        ck_assert_msg(changed >= 1, "the renamed student's series changed");
        ck_assert_msg(same + changed == n_before && n_after == n_before, "every series kept its UID");
        ck_assert_ptr_nonnull(strstr(second, "Z.Q."));
        events_free(before, n_before);
        events_free(after, n_after);
        free(first);
        free(second);
        free(etag);
        free(path);
        json_object_put(schedule);
}
END_TEST


/* ical.js's occurrences of a feed over the term, as sorted "YYYY-MM-DD HH:MM HH:MM" lines. */
static size_t expand_feed(const char *calendar, char **ret_text, char ***ret_lines) {
        char *file = write_temp("expand.ics", calendar);
        char *source = NULL, *out = NULL, *err = NULL, from[11], to[11];
        ck_assert_int_ge(asprintf(&source, "%s/tests/tools/ical-expand.js", harness_source()), 0);
        const char *expand[] = { "node", source, file, date_format(school->info.term_start, from),
                                 date_format(school->info.term_end, to), NULL };
        ck_assert_msg(harness_command(&h, &out, &err, expand) == 0, "ical.js rejects the feed: %s", err);
        char **lines = NULL;
        size_t n = 0;
        for (char *save = NULL, *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                lines = realloc(lines, (n + 1) * sizeof *lines);
                lines[n++] = line;
        }
        free(err);
        free(source);
        free(file);
        *ret_text = out;
        *ret_lines = lines;
        return n;
}

static size_t count_line(char **lines, size_t n, const char *line) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
                k += strcmp(lines[i], line) == 0;
        return k;
}

static bool has_line(char **lines, size_t n, const char *line) {
        return count_line(lines, n, line) > 0;
}

/* A session cancelled for an assembly leaves the teacher's calendar; its make-up, booked
 * later that week, appears in it; both parsers agree. */
START_TEST(test_cancellation_and_makeup_follow_into_the_feed) {
        struct json_object *schedule = schedule_json();
        int teacher = busiest_teacher(schedule);
        json_object_put(schedule);
        char *path = create_feed("--teacher", school->teachers[teacher].id, "full", NULL);
        char *before_text, **before, *first = fetch(path);
        size_t n_before = expand_feed(first, &before_text, &before);
        free(first);

        /* This week's sessions of the teacher's students that have a make-up slot left. */
        char *out = pullout_ok("sessions", "--week", "2026-09-14", "--json", NULL);
        struct json_object *week = json_tokener_parse(out);
        free(out);
        struct json_object *sessions = json_object_object_get(week, "sessions");
        char cancelled[64] = "", cancelled_line[40] = "", makeup_line[40] = "";
        /* Two of the teacher's students may be pulled out at one moment by two groups (fewer
         * interruptions), so the feed is checked by how many events each moment holds. */
        char cancelled_lines[128][40];
        size_t n_cancelled = 0;
        for (size_t i = 0; i < json_object_array_length(sessions) && !makeup_line[0]; i++) {
                struct json_object *session = json_object_array_get_idx(sessions, i);
                struct json_object *students = json_object_object_get(session, "students");
                bool mine = false;
                for (size_t k = 0; k < json_object_array_length(students); k++)
                        mine |= student_of_teacher(json_object_get_string(json_object_object_get(
                                                           json_object_array_get_idx(students, k), "student_id")),
                                                   teacher);
                const char *date = json_object_get_string(json_object_object_get(session, "date"));
                if (!mine || strcmp(date, "2026-09-15") < 0)
                        continue;
                const char *id = json_object_get_string(json_object_object_get(session, "session_id"));
                char line[40];
                snprintf(line, sizeof line, "%s %s %s", date, json_object_get_string(json_object_object_get(session, "start")),
                         json_object_get_string(json_object_object_get(session, "end")));
                free(pullout_ok("cancel", id, "--reason", "assembly", NULL));
                if (n_cancelled < sizeof cancelled_lines / sizeof cancelled_lines[0])
                        snprintf(cancelled_lines[n_cancelled++], sizeof cancelled_lines[0], "%s", line);
                snprintf(cancelled, sizeof cancelled, "%s", id);
                snprintf(cancelled_line, sizeof cancelled_line, "%s", line);
                char *err = NULL;
                if (harness_pullout(&h, &out, &err, "makeup", id, "--book", "1", "--json", NULL) == 0) {
                        struct json_object *booked = json_tokener_parse(out);
                        snprintf(makeup_line, sizeof makeup_line, "%s %s %s",
                                 json_object_get_string(json_object_object_get(booked, "date")),
                                 json_object_get_string(json_object_object_get(booked, "start")),
                                 json_object_get_string(json_object_object_get(booked, "end")));
                        json_object_put(booked);
                }
                free(out);
                free(err);
        }
        ck_assert_msg(cancelled[0], "the teacher's students have a session to cancel this week (%zu sessions)",
                      json_object_array_length(sessions));
        json_object_put(week);
        ck_assert_msg(makeup_line[0], "some cancelled session of the week has a make-up slot");

        char *calendar = fetch(path);
        char *file = write_temp("after.ics", calendar);
        char *source = NULL, *err = NULL;
        ck_assert_int_ge(asprintf(&source, "%s/tests/tools/ical-validate.py", harness_source()), 0);
        const char *validate[] = { "/usr/bin/python3", source, file, NULL };
        ck_assert_msg(harness_command(&h, &out, &err, validate) == 0, "python3-vobject rejects the feed: %s %s", out,
                      err);
        free(out);
        free(err);
        char *after_text, **after;
        size_t n_after = expand_feed(calendar, &after_text, &after);
        /* The last cancelled session is gone, its make-up is there; every other cancellation of
         * the loop (those without a slot) is gone too. */
        size_t k_cancelled = 0;
        for (size_t i = 0; i < n_cancelled; i++)
                k_cancelled += strcmp(cancelled_lines[i], cancelled_line) == 0;
        size_t k_before = count_line(before, n_before, cancelled_line), k_after = count_line(after, n_after, cancelled_line);
        ck_assert_msg(k_before >= k_cancelled, "%s was in the feed %zu times", cancelled_line, k_before);
        ck_assert_msg(k_after == k_before - k_cancelled, "%s: %zu events before, %zu cancelled, %zu after", cancelled_line,
                      k_before, k_cancelled, k_after);
        ck_assert_msg(has_line(after, n_after, makeup_line), "the make-up %s is not in the feed", makeup_line);
        ck_assert_msg(n_after < n_before + 1, "the feed has %zu sessions, before %zu", n_after, n_before);
        free(before_text);
        free(before);
        free(after_text);
        free(after);
        free(calendar);
        free(file);
        free(source);
        free(path);
}
END_TEST

/* Lines of `pullout sessions --week WEEK` for the teacher's students (cancelled ones left out),
 * as "YYYY-MM-DD HH:MM HH:MM". */
static size_t held_lines(const char *week, int teacher, char ***ret) {
        char *out = pullout_ok("sessions", "--week", week, "--json", NULL);
        struct json_object *doc = json_tokener_parse(out);
        free(out);
        struct json_object *sessions = json_object_object_get(doc, "sessions");
        char **lines = NULL;
        size_t n = 0;
        for (size_t i = 0; i < json_object_array_length(sessions); i++) {
                struct json_object *session = json_object_array_get_idx(sessions, i);
                if (strcmp(json_object_get_string(json_object_object_get(session, "status")), "cancelled") == 0)
                        continue;
                struct json_object *students = json_object_object_get(session, "students");
                bool mine = false;
                for (size_t k = 0; k < json_object_array_length(students); k++)
                        mine |= student_of_teacher(json_object_get_string(json_object_object_get(
                                                           json_object_array_get_idx(students, k), "student_id")),
                                                   teacher);
                if (!mine)
                        continue;
                lines = realloc(lines, (n + 1) * sizeof *lines);
                ck_assert_int_ge(asprintf(&lines[n++], "%s %s %s",
                                          json_object_get_string(json_object_object_get(session, "date")),
                                          json_object_get_string(json_object_object_get(session, "start")),
                                          json_object_get_string(json_object_object_get(session, "end"))),
                                 0);
        }
        json_object_put(doc);
        qsort(lines, n, sizeof *lines, compare_strings);
        *ret = lines;
        return n;
}

/* Midweek the schedule is solved afresh: the feed keeps the sessions held before under the
 * old times, shows the new times after, and equals the daemon's sessions day by day. */
START_TEST(test_feed_keeps_the_past_across_a_new_schedule) {
        struct json_object *schedule = schedule_json();
        int teacher = busiest_teacher(schedule);
        json_object_put(schedule);
        char *path = create_feed("--teacher", school->teachers[teacher].id, "full", NULL);
        free(pullout_ok("clock", "advance", "2d", NULL)); /* Wednesday 07:30 */
        free(pullout_ok("solve", "--publish", "--from", "today", "--allow-drop", "--fresh", "--seed", "99", "--time-limit", "2", NULL));

        char *calendar = fetch(path), *text, **got;
        size_t n_got = expand_feed(calendar, &text, &got);
        char **want;
        size_t n_want = held_lines("2026-09-14", teacher, &want);
        ck_assert_msg(n_want > 0, "the teacher's students have sessions this week");
        /* The feed's lines of that week. */
        char **week = NULL;
        size_t n_week = 0;
        for (size_t i = 0; i < n_got; i++)
                if (strncmp(got[i], "2026-09-14", 10) >= 0 && strncmp(got[i], "2026-09-19", 10) < 0) {
                        week = realloc(week, (n_week + 1) * sizeof *week);
                        week[n_week++] = got[i];
                }
        qsort(week, n_week, sizeof *week, compare_strings);
        for (size_t i = 0; i < n_want && i < n_week; i++)
                ck_assert_msg(strcmp(want[i], week[i]) == 0, "session %zu of the week: the daemon holds %s, the feed %s",
                              i, want[i], week[i]);
        ck_assert_msg(n_week == n_want, "the feed has %zu sessions that week, the daemon %zu", n_week, n_want);
        for (size_t i = 0; i < n_want; i++)
                free(want[i]);
        free(want);
        free(week);
        free(got);
        free(text);
        free(calendar);
        free(path);
}
END_TEST

/* The feed's sessions of the week from monday to saturday (excluded) are the daemon's. */
static void assert_week_is_held(const char *path, int teacher, const char *monday, const char *saturday) {
        char *calendar = fetch(path), *text, **got;
        size_t n_got = expand_feed(calendar, &text, &got);
        char **want;
        size_t n_want = held_lines(monday, teacher, &want);
        ck_assert_msg(n_want > 0, "the teacher's students have sessions the week of %s", monday);
        char **week = NULL;
        size_t n_week = 0;
        for (size_t i = 0; i < n_got; i++)
                if (strncmp(got[i], monday, 10) >= 0 && strncmp(got[i], saturday, 10) < 0) {
                        week = realloc(week, (n_week + 1) * sizeof *week);
                        week[n_week++] = got[i];
                }
        qsort(week, n_week, sizeof *week, compare_strings);
        for (size_t i = 0; i < n_want && i < n_week; i++)
                ck_assert_msg(strcmp(want[i], week[i]) == 0, "session %zu of the week of %s: the daemon holds %s, the feed %s",
                              i, monday, want[i], week[i]);
        ck_assert_msg(n_week == n_want, "the feed has %zu sessions the week of %s, the daemon %zu", n_week, monday, n_want);
        for (size_t i = 0; i < n_want; i++)
                free(want[i]);
        free(want);
        free(week);
        free(got);
        free(text);
        free(calendar);
}

/* Midweek a new version is published from next Monday: the feed keeps this week as the
 * daemon holds it (the earlier version's) and shows the new one from Monday. */
START_TEST(test_feed_follows_a_version_published_from_next_monday) {
        struct json_object *schedule = schedule_json();
        int teacher = busiest_teacher(schedule);
        json_object_put(schedule);
        char *path = create_feed("--teacher", school->teachers[teacher].id, "full", NULL);
        free(pullout_ok("clock", "advance", "2d", NULL)); /* Wednesday 07:30 */
        free(pullout_ok("solve", "--publish", "--allow-drop", "--fresh", "--seed", "99", "--time-limit", "2", NULL));
        assert_week_is_held(path, teacher, "2026-09-14", "2026-09-19");
        assert_week_is_held(path, teacher, "2026-09-21", "2026-09-26");
        free(path);
}
END_TEST

static bool solving_now(void) {
        char *out = pullout_ok("status", "--json", NULL);
        struct json_object *status = json_tokener_parse(out);
        bool solving = json_object_get_boolean(json_object_object_get(status, "solving"));
        json_object_put(status);
        free(out);
        return solving;
}

START_TEST(test_feed_served_while_a_long_solve_runs) {
        char *path = create_feed("--teacher", school->teachers[0].id, NULL, NULL);
        pid_t child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0) {
                char *out = NULL, *err = NULL;
                int code = harness_pullout(&h, &out, &err, "solve", "--publish", "--from", "today", "--allow-drop", "--time-limit", "6", "--fresh", "--seed", "5",
                                           NULL);
                _exit(code);
        }
        /* A fetch counts when the daemon said "solving" both before and after it: the feed
         * was served while the search ran on its worker thread. */
        bool served_during_solve = false;
        for (int i = 0; i < 300 && !served_during_solve; i++) {
                usleep(20000);
                if (!solving_now())
                        continue;
                struct response r = { 0 };
                http("GET", path, NULL, &r);
                ck_assert_int_eq(r.status, 200);
                response_clear(&r);
                served_during_solve = solving_now();
        }
        ck_assert_msg(served_during_solve, "no feed was served while the solve ran");
        int status;
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the solve ended well");
        free(path);
}
END_TEST

START_TEST(test_export_and_publish) {
        const char *id = school->teachers[0].id;
        char *path = create_feed("--teacher", id, NULL, NULL);
        char *served = fetch(path);
        char *exported = pullout_ok("export", "--teacher", id, NULL);
        ck_assert_ptr_nonnull(strstr(exported, "BEGIN:VCALENDAR\r\n"));
        /* The same events as the feed (DTSTAMP aside). */
        struct event_text *a = NULL, *b = NULL;
        size_t na = events_of(served, &a), nb = events_of(exported, &b);
        ck_assert_uint_eq(na, nb);
        for (size_t i = 0; i < na; i++)
                ck_assert_str_eq(a[i].text, b[i].text);
        events_free(a, na);
        events_free(b, nb);

        char dir[400];
        snprintf(dir, sizeof dir, "%s/public", h.dir);
        ck_assert_int_eq(mkdir(dir, 0755), 0);
        free(pullout_ok("publish", dir, NULL));
        char *list = pullout_ok("feed", "list", "--json", NULL);
        (void)list;
        free(list);
        const char *ls[] = { "sh", "-c", "cat \"$0\"/*.ics", dir, NULL };
        char *out = NULL;
        ck_assert_int_eq(harness_command(&h, &out, NULL, ls), 0);
        ck_assert_str_eq(out, served);
        free(out);
        free(served);
        free(exported);
        free(path);
}
END_TEST

Suite *suite_feeds(void) {
        Suite *s = suite_create("feeds");
        TCase *t = tcase_create("feeds over HTTP");
        tcase_add_checked_fixture(t, setup, teardown);
        tcase_set_timeout(t, 120);
        tcase_add_test(t, test_teacher_feed_is_valid_and_expands_to_held_sessions);
        tcase_add_test(t, test_caching_head_and_methods);
        tcase_add_test(t, test_revoke_rotate_and_list);
        tcase_add_test(t, test_privacy_modes);
        tcase_add_test(t, test_sequence_rises_only_for_changed_series);
        tcase_add_test(t, test_feed_served_while_a_long_solve_runs);
        tcase_add_test(t, test_export_and_publish);
        tcase_add_test(t, test_cancellation_and_makeup_follow_into_the_feed);
        tcase_add_test(t, test_feed_keeps_the_past_across_a_new_schedule);
        tcase_add_test(t, test_feed_follows_a_version_published_from_next_monday);
        suite_add_tcase(s, t);
        return s;
}
