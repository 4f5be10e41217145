/* http-parse.c: the request path, entity-tag lists and HTTP dates, parsed exactly; anything
 * unexpected is "no match", never a guess. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "http-parse.h"

#define FEED_PREFIX "/feeds/"
#define FEED_SUFFIX ".ics"
#define TOKEN_LENGTH_MAX 128

enum http_route http_route_path(const char *path, const char **ret_token, size_t *ret_length) {
        if (!path)
                return HTTP_ROUTE_NONE;
        if (strcmp(path, "/healthz") == 0)
                return HTTP_ROUTE_HEALTH;
        size_t prefix = strlen(FEED_PREFIX), suffix = strlen(FEED_SUFFIX), n = strlen(path);
        if (n <= prefix + suffix || strncmp(path, FEED_PREFIX, prefix) != 0 ||
            strcmp(path + n - suffix, FEED_SUFFIX) != 0)
                return HTTP_ROUTE_NONE;
        size_t length = n - prefix - suffix;
        if (length > TOKEN_LENGTH_MAX)
                return HTTP_ROUTE_NONE;
        for (size_t i = 0; i < length; i++) {
                char c = path[prefix + i];
                if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_'))
                        return HTTP_ROUTE_NONE;
        }
        *ret_token = path + prefix;
        *ret_length = length;
        return HTTP_ROUTE_FEED;
}

static const char *const weekdays[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const months[12] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static int digits(const char *text, int n) {
        int value = 0;
        for (int i = 0; i < n; i++) {
                if (text[i] < '0' || text[i] > '9')
                        return -1;
                value = value * 10 + (text[i] - '0');
        }
        return value;
}

static bool leap(int year) {
        return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int http_date_parse(const char *text, time_t *ret_time) {
        /* "Sun, 06 Nov 1994 08:49:37 GMT": 29 characters, fixed positions. */
        if (!text || strlen(text) != 29 || text[3] != ',' || text[4] != ' ' || text[7] != ' ' || text[11] != ' ' ||
            text[16] != ' ' || text[19] != ':' || text[22] != ':' || strcmp(text + 25, " GMT") != 0)
                return -EINVAL;
        int weekday = -1, month = -1;
        for (int i = 0; i < 7; i++)
                if (strncmp(text, weekdays[i], 3) == 0)
                        weekday = i;
        for (int i = 0; i < 12; i++)
                if (strncmp(text + 8, months[i], 3) == 0)
                        month = i;
        int day = digits(text + 5, 2), year = digits(text + 12, 4);
        int hour = digits(text + 17, 2), minute = digits(text + 20, 2), second = digits(text + 23, 2);
        static const int month_days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
        if (weekday < 0 || month < 0 || day < 1 || year < 1970 || hour < 0 || hour > 23 || minute < 0 ||
            minute > 59 || second < 0 || second > 60)
                return -EINVAL;
        if (day > month_days[month] + (month == 1 && leap(year)))
                return -EINVAL;
        /* Days since the epoch (Howard Hinnant's days_from_civil). */
        int y = year - (month < 2), m = month + 1;
        int era = y / 400, yoe = y - era * 400;
        int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        long long days = (long long)era * 146097 + doe - 719468;
        if ((int)((days % 7 + 11) % 7) != weekday) /* 1970-01-01 was a Thursday */
                return -EINVAL;
        *ret_time = (time_t)(days * 86400 + hour * 3600 + minute * 60 + (second > 59 ? 59 : second));
        return 0;
}

char *http_date_format(time_t when, char buf[static HTTP_DATE_SIZE]) {
        struct tm tm;
        gmtime_r(&when, &tm);
        snprintf(buf, HTTP_DATE_SIZE, "%s, %02d %s %04d %02d:%02d:%02d GMT", weekdays[tm.tm_wday % 7], tm.tm_mday,
                 months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
        return buf;
}

bool http_etag_matches(const char *list, const char *etag) {
        if (!list || !etag)
                return false;
        size_t etag_length = strlen(etag);
        const char *p = list;
        for (;;) {
                while (*p == ' ' || *p == '\t' || *p == ',')
                        p++;
                if (!*p)
                        return false;
                if (*p == '*') {
                        p++;
                        while (*p == ' ' || *p == '\t')
                                p++;
                        if (*p && *p != ',')
                                return false;
                        return true;
                }
                if (p[0] == 'W' && p[1] == '/')
                        p += 2;
                if (*p != '"')
                        return false;
                const char *end = strchr(p + 1, '"');
                if (!end)
                        return false;
                size_t length = (size_t)(end - p) + 1;
                if (length == etag_length && memcmp(p, etag, length) == 0)
                        return true;
                p = end + 1;
                while (*p == ' ' || *p == '\t')
                        p++;
                if (*p && *p != ',')
                        return false;
        }
}
