/* test-http-parse.c: the feed server's parsers of client input: routes, HTTP dates and
 * If-None-Match lists, where a wrong answer means a stale calendar or a leaked 304. */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "http-parse.h"
#include "http-request.h"

START_TEST(test_routes) {
        const char *token = NULL;
        size_t length = 0;
        ck_assert_int_eq(http_route_path("/healthz", &token, &length), HTTP_ROUTE_HEALTH);
        ck_assert_int_eq(http_route_path("/feeds/abc_DEF-123.ics", &token, &length), HTTP_ROUTE_FEED);
        ck_assert_uint_eq(length, 11);
        ck_assert_int_eq(strncmp(token, "abc_DEF-123", length), 0);
        ck_assert_int_eq(http_route_path("/feeds/.ics", &token, &length), HTTP_ROUTE_NONE);
        ck_assert_int_eq(http_route_path("/feeds/../x.ics", &token, &length), HTTP_ROUTE_NONE);
        ck_assert_int_eq(http_route_path("/feeds/a/b.ics", &token, &length), HTTP_ROUTE_NONE);
        ck_assert_int_eq(http_route_path("/feeds/abc.ics/", &token, &length), HTTP_ROUTE_NONE);
        ck_assert_int_eq(http_route_path("/feeds/abc.ical", &token, &length), HTTP_ROUTE_NONE);
        ck_assert_int_eq(http_route_path(NULL, &token, &length), HTTP_ROUTE_NONE);
        ck_assert_int_eq(http_route_path("/", &token, &length), HTTP_ROUTE_NONE);
}
END_TEST

START_TEST(test_dates_round_trip_and_reject) {
        time_t t;
        char buf[HTTP_DATE_SIZE];
        ck_assert_int_eq(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
        ck_assert_int_eq((long long)t, 784111777LL);
        ck_assert_str_eq(http_date_format(t, buf), "Sun, 06 Nov 1994 08:49:37 GMT");
        ck_assert_int_eq(http_date_parse("Mon, 14 Sep 2026 12:30:00 GMT", &t), 0);
        ck_assert_str_eq(http_date_format(t, buf), "Mon, 14 Sep 2026 12:30:00 GMT");
        ck_assert_int_eq(http_date_parse("Tue, 29 Feb 2028 00:00:00 GMT", &t), 0);
        /* Obsolete forms, wrong weekdays, impossible dates and junk are all unparseable. */
        ck_assert_int_eq(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t), -EINVAL);
        ck_assert_int_eq(http_date_parse("Sun Nov  6 08:49:37 1994", &t), -EINVAL);
        ck_assert_int_eq(http_date_parse("Mon, 06 Nov 1994 08:49:37 GMT", &t), -EINVAL);
        ck_assert_int_eq(http_date_parse("Wed, 29 Feb 2027 00:00:00 GMT", &t), -EINVAL);
        ck_assert_int_eq(http_date_parse("Sun, 06 Nov 1994 24:49:37 GMT", &t), -EINVAL);
        ck_assert_int_eq(http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", &t), -EINVAL);
        ck_assert_int_eq(http_date_parse("", &t), -EINVAL);
        ck_assert_int_eq(http_date_parse(NULL, &t), -EINVAL);
}
END_TEST

START_TEST(test_if_none_match_lists) {
        const char *etag = "\"abc\"";
        ck_assert(http_etag_matches("\"abc\"", etag));
        ck_assert(http_etag_matches("W/\"abc\"", etag));
        ck_assert(http_etag_matches("\"x\", \"abc\"", etag));
        ck_assert(http_etag_matches("*", etag));
        ck_assert(!http_etag_matches("\"abcd\"", etag));
        ck_assert(!http_etag_matches("abc", etag));
        ck_assert(!http_etag_matches("\"ab", etag));
        ck_assert(!http_etag_matches("", etag));
        ck_assert(!http_etag_matches("\"x\" junk, \"abc\"", etag));
        ck_assert(!http_etag_matches("*x", etag));
}
END_TEST

static int parse(const char *text, struct http_request *ret) {
        static char head[1024];
        size_t n = strlen(text);
        memcpy(head, text, n + 1);
        return http_request_parse(head, n, ret);
}

START_TEST(test_request_heads) {
        struct http_request r;
        ck_assert_int_eq(parse("GET /feeds/x.ics?y=1 HTTP/1.1\r\nHost: a\r\nIf-None-Match:  \"e\" \r\n\r\n", &r), 0);
        ck_assert_int_eq(r.method, HTTP_METHOD_GET);
        ck_assert_str_eq(r.path, "/feeds/x.ics");
        ck_assert_str_eq(r.if_none_match, "\"e\"");
        ck_assert(r.keep_alive && !r.has_body && !r.if_modified_since);
        ck_assert_int_eq(parse("HEAD / HTTP/1.0\nConnection: Keep-Alive\n\n", &r), 0);
        ck_assert(r.method == HTTP_METHOD_HEAD && r.keep_alive && r.minor == 0);
        ck_assert_int_eq(parse("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n", &r), 0);
        ck_assert(!r.keep_alive);
        ck_assert_int_eq(parse("POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n", &r), 0);
        ck_assert(r.method == HTTP_METHOD_OTHER && r.has_body);
        ck_assert_int_eq(parse("POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", &r), 0);
        ck_assert(!r.has_body);
        static const char *const bad[] = {
                "GET / HTTP/2.0\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n", "GET x HTTP/1.1\r\n\r\n",
                "GET / HTTP/1.1\r\nNo colon\r\n\r\n", "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
                "GET / HTTP/1.1\r\nA: b\x1b]0;x\a\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
                "G(T / HTTP/1.1\r\n\r\n", "GET /\x7f HTTP/1.1\r\n\r\n", "",
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
                ck_assert_msg(parse(bad[i], &r) == -EINVAL, "accepted %s", bad[i]);
}
END_TEST

Suite *suite_http_parse(void) {
        Suite *s = suite_create("http-parse");
        TCase *t = tcase_create("client input");
        tcase_add_test(t, test_routes);
        tcase_add_test(t, test_request_heads);
        tcase_add_test(t, test_dates_round_trip_and_reject);
        tcase_add_test(t, test_if_none_match_lists);
        suite_add_tcase(s, t);
        return s;
}
