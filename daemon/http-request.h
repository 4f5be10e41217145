/* http-request.h: one HTTP/1.x request head (request line and header fields) parsed exactly,
 * in place. Pure, so it is fuzzed on its own and through the server. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum http_method { HTTP_METHOD_GET, HTTP_METHOD_HEAD, HTTP_METHOD_OTHER };

struct http_request {
        enum http_method method;
        const char *path;              /* the target up to '?', not decoded */
        int minor;                     /* HTTP/1.minor */
        const char *if_none_match;     /* NULL when absent */
        const char *if_modified_since; /* NULL when absent */
        bool keep_alive;               /* what the client asked for (1.1: unless "close") */
        bool has_body;                 /* Content-Length other than 0, or Transfer-Encoding */
};

/* Parses head[0..length), the bytes up to and including the blank line, writing NULs into it
 * (the strings in *ret point into head). 0, or -EINVAL for anything malformed: a bad request
 * line, a field without a colon, a folded line, a control character, a version not 1.x. */
int http_request_parse(char *head, size_t length, struct http_request *ret);
