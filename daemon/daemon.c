/* daemon.c: the few operations on the daemon's shared state that several modules need. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"

void daemon_format_time(time_t when, char buf[static 32]) {
        struct tm tm;
        localtime_r(&when, &tm);
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%S", &tm);
}

void daemon_set_zone(const struct school *school) {
        /* All wall-clock arithmetic (sessions, feeds, the manual clock) is in school time. */
        const char *current = getenv("TZ");
        if (school && school->info.timezone && (!current || strcmp(current, school->info.timezone) != 0)) {
                setenv("TZ", school->info.timezone, 1);
                tzset();
        }
}

void daemon_set_school(struct daemon *daemon, struct school *school) {
        school_ref(school);
        school_unref(daemon->school);
        daemon->school = school;
        daemon_set_zone(school);
}

void daemon_set_schedule(struct daemon *daemon, struct schedule *schedule) {
        schedule_free(daemon->schedule);
        daemon->schedule = schedule;
}
