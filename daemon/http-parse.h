/* http-parse.h: the exact parsers of what an HTTP client sends the feed server: the request
 * path, If-None-Match and If-Modified-Since. Pure, so they are fuzzed on their own. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define HTTP_DATE_SIZE 30 /* "Sun, 06 Nov 1994 08:49:37 GMT" and a NUL */

enum http_route {
        HTTP_ROUTE_NONE, /* not ours: 404 */
        HTTP_ROUTE_HEALTH, /* /healthz */
        HTTP_ROUTE_FEED, /* /feeds/TOKEN.ics */
};

/* Routes a request path (without query). For a feed, *ret_token points into path and
 * *ret_length is the token's length (checked later against the stored hashes). */
enum http_route http_route_path(const char *path, const char **ret_token, size_t *ret_length);

/* IMF-fixdate only ("Sun, 06 Nov 1994 08:49:37 GMT"): 0 and *ret_time, else -EINVAL. The
 * obsolete forms count as unparseable, which only ever means a full 200 answer. */
int http_date_parse(const char *text, time_t *ret_time);
char *http_date_format(time_t when, char buf[static HTTP_DATE_SIZE]);

/* Whether an If-None-Match value lists etag (weak comparison, as RFC 9110 asks for this
 * header) or is "*". A malformed list matches nothing. */
bool http_etag_matches(const char *if_none_match, const char *etag);
