/* http-request.c: an HTTP/1.x request head, parsed exactly (RFC 9112): what is not plainly a
 * request is refused (400), never guessed at. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http-request.h"

static bool is_tchar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* The next line of head (CRLF, or a bare LF as RFC 9112 lets a server accept); NUL-terminated
 * in place. NULL at the end. */
static char *next_line(char **cursor, char *end) {
        char *start = *cursor;
        if (start >= end)
                return NULL;
        char *lf = memchr(start, '\n', (size_t)(end - start));
        if (!lf)
                return NULL;
        char *stop = lf > start && lf[-1] == '\r' ? lf - 1 : lf;
        *stop = '\0';
        *cursor = lf + 1;
        return start;
}

static char *trim(char *value) {
        while (*value == ' ' || *value == '\t')
                value++;
        size_t n = strlen(value);
        while (n > 0 && (value[n - 1] == ' ' || value[n - 1] == '\t'))
                value[--n] = '\0';
        return value;
}

/* Whether a comma-separated list of tokens holds word. */
static bool list_has(const char *list, const char *word) {
        size_t n = strlen(word);
        for (const char *p = list; *p;) {
                while (*p == ' ' || *p == '\t' || *p == ',')
                        p++;
                const char *start = p;
                while (*p && *p != ',')
                        p++;
                const char *stop = p;
                while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t'))
                        stop--;
                if ((size_t)(stop - start) == n && strncasecmp(start, word, n) == 0)
                        return true;
        }
        return false;
}

static int request_line(char *line, struct http_request *ret) {
        char *space = strchr(line, ' ');
        if (!space || space == line)
                return -EINVAL;
        *space = '\0';
        for (char *c = line; *c; c++)
                if (!is_tchar(*c))
                        return -EINVAL;
        ret->method = strcmp(line, "GET") == 0 ? HTTP_METHOD_GET : strcmp(line, "HEAD") == 0 ? HTTP_METHOD_HEAD
                                                                                              : HTTP_METHOD_OTHER;
        char *target = space + 1;
        char *second = strchr(target, ' ');
        if (!second || target[0] != '/')
                return -EINVAL;
        *second = '\0';
        for (char *c = target; *c; c++)
                if ((unsigned char)*c <= ' ' || (unsigned char)*c >= 0x7f)
                        return -EINVAL;
        char *query = strchr(target, '?');
        if (query)
                *query = '\0';
        const char *version = second + 1;
        if (strncmp(version, "HTTP/1.", 7) != 0 || version[7] < '0' || version[7] > '9' || version[8])
                return -EINVAL;
        ret->path = target;
        ret->minor = version[7] - '0';
        ret->keep_alive = ret->minor >= 1;
        return 0;
}

int http_request_parse(char *head, size_t length, struct http_request *ret) {
        *ret = (struct http_request){ .method = HTTP_METHOD_OTHER };
        char *cursor = head, *end = head + length;
        if (memchr(head, '\0', length))
                return -EINVAL;
        char *line = next_line(&cursor, end);
        if (line && !*line) /* one empty line before the request may be tolerated (RFC 9112 2.2) */
                line = next_line(&cursor, end);
        if (!line || request_line(line, ret) < 0)
                return -EINVAL;
        bool connection_close = false, connection_keep_alive = false;
        while ((line = next_line(&cursor, end))) {
                if (!*line)
                        break;
                if (*line == ' ' || *line == '\t')
                        return -EINVAL; /* obsolete line folding */
                char *colon = strchr(line, ':');
                if (!colon || colon == line)
                        return -EINVAL;
                *colon = '\0';
                for (char *c = line; *c; c++)
                        if (!is_tchar(*c))
                                return -EINVAL;
                char *value = trim(colon + 1);
                for (char *c = value; *c; c++)
                        if (((unsigned char)*c < ' ' && *c != '\t') || *c == 0x7f)
                                return -EINVAL;
                if (strcasecmp(line, "If-None-Match") == 0) {
                        if (!ret->if_none_match)
                                ret->if_none_match = value;
                } else if (strcasecmp(line, "If-Modified-Since") == 0) {
                        if (!ret->if_modified_since)
                                ret->if_modified_since = value;
                } else if (strcasecmp(line, "Connection") == 0) {
                        connection_close |= list_has(value, "close");
                        connection_keep_alive |= list_has(value, "keep-alive");
                } else if (strcasecmp(line, "Transfer-Encoding") == 0) {
                        ret->has_body = true;
                } else if (strcasecmp(line, "Content-Length") == 0) {
                        if (!*value || strspn(value, "0123456789") != strlen(value))
                                return -EINVAL;
                        if (strspn(value, "0") != strlen(value))
                                ret->has_body = true;
                }
        }
        if (connection_close)
                ret->keep_alive = false;
        else if (ret->minor == 0 && connection_keep_alive)
                ret->keep_alive = true;
        return 0;
}
