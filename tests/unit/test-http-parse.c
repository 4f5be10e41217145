/* test-http-parse.c: the feed server's parsers of client input: routes, HTTP dates and
 * If-None-Match lists, where a wrong answer means a stale calendar or a leaked 304. */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include "http-parse.h"

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

Suite *suite_http_parse(void) {
        Suite *s = suite_create("http-parse");
        TCase *t = tcase_create("client input");
        tcase_add_test(t, test_routes);
        tcase_add_test(t, test_dates_round_trip_and_reject);
        tcase_add_test(t, test_if_none_match_lists);
        suite_add_tcase(s, t);
        return s;
}
