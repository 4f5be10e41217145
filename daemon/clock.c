/* clock.c: real and manual time. Tests live a school week in a second with the manual one. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

int clock_init_manual(struct clock *clock, const char *now) {
        struct tm tm = { 0 };
        const char *end = now ? strptime(now, "%Y-%m-%dT%H:%M", &tm) : NULL;
        if (end && *end == ':')
                end = strptime(end, ":%S", &tm);
        if (!end || *end || tm.tm_year < 70)
                return -EINVAL;
        tm.tm_isdst = -1;
        *clock = (struct clock){ .manual = true, .start = tm };
        return 0;
}

time_t clock_now(const struct clock *clock) {
        if (!clock->manual)
                return time(NULL);
        struct tm tm = clock->start;
        tm.tm_isdst = -1;
        return mktime(&tm) + (time_t)clock->advanced;
}

int clock_advance(struct clock *clock, long long seconds) {
        if (!clock->manual)
                return -EPERM;
        if (seconds < 0)
                return -EINVAL;
        clock->advanced += seconds;
        return 0;
}
