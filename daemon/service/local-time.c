/* local-time.c: dates and minutes of the school day to moments and back, in school time. */
#include "daemon.h"
#include "service/local-time.h"

time_t local_time_of(civil_date date, int minute) {
        int year, month, day;
        date_to_ymd(date, &year, &month, &day);
        struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day,
                         .tm_hour = minute / 60, .tm_min = minute % 60, .tm_isdst = -1 };
        return mktime(&tm);
}

civil_date local_date_of(time_t when, int *ret_minute) {
        struct tm tm;
        localtime_r(&when, &tm);
        if (ret_minute)
                *ret_minute = tm.tm_hour * 60 + tm.tm_min;
        return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

time_t local_next_midnight(time_t now) {
        return local_time_of(local_date_of(now, NULL) + 1, 0);
}

civil_date local_today(const struct daemon *daemon) {
        return local_date_of(clock_now(&daemon->clock), NULL);
}
