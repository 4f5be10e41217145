/* timeutil.c: parsing and formatting of school times, weekdays and civil dates.
 * Dates use the days-from-civil algorithm, so no time zone or libc state is involved. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model/timeutil.h"

static const char weekday_letters[DAY_COUNT] = { 'M', 'T', 'W', 'R', 'F' };
static const char *const weekday_names[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };

static bool is_digit(char c) {
        return c >= '0' && c <= '9';
}

int time_parse(const char *text, int *ret_minutes) {
        if (!text || strlen(text) != 5 || !is_digit(text[0]) || !is_digit(text[1]) || text[2] != ':' ||
            !is_digit(text[3]) || !is_digit(text[4]))
                return -EINVAL;
        int hours = (text[0] - '0') * 10 + (text[1] - '0');
        int minutes = (text[3] - '0') * 10 + (text[4] - '0');
        if (hours > 23 || minutes > 59)
                return -EINVAL;
        *ret_minutes = hours * 60 + minutes;
        return 0;
}

char *time_format(int minutes, char buf[static 6]) {
        if (minutes < 0 || minutes >= 24 * 60)
                minutes = 0;
        snprintf(buf, 6, "%02d:%02d", minutes / 60, minutes % 60);
        return buf;
}

civil_date date_from_ymd(int year, int month, int day) {
        year -= month <= 2;
        int era = (year >= 0 ? year : year - 399) / 400;
        int year_of_era = year - era * 400;
        int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
        int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        return era * 146097 + day_of_era - 719468;
}

void date_to_ymd(civil_date date, int *ret_year, int *ret_month, int *ret_day) {
        int z = date + 719468;
        int era = (z >= 0 ? z : z - 146096) / 146097;
        int day_of_era = z - era * 146097;
        int year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
        int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        int mp = (5 * day_of_year + 2) / 153;
        int day = day_of_year - (153 * mp + 2) / 5 + 1;
        int month = mp + (mp < 10 ? 3 : -9);
        *ret_year = year_of_era + era * 400 + (month <= 2);
        *ret_month = month;
        *ret_day = day;
}

int date_parse(const char *text, civil_date *ret_date) {
        if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-')
                return -EINVAL;
        for (int i = 0; i < 10; i++)
                if (i != 4 && i != 7 && !is_digit(text[i]))
                        return -EINVAL;
        int year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
        int month = (text[5] - '0') * 10 + (text[6] - '0');
        int day = (text[8] - '0') * 10 + (text[9] - '0');
        if (year < 1970 || month < 1 || month > 12 || day < 1)
                return -EINVAL;
        if (date_from_ymd(year, month, day) > date_from_ymd(9999, 12, 31) - DATE_MARGIN_DAYS)
                return -EINVAL; /* a week or horizon from it would print past 9999 */
        /* Round-trip to reject 2026-02-30 and friends. */
        civil_date date = date_from_ymd(year, month, day);
        int y, m, d;
        date_to_ymd(date, &y, &m, &d);
        if (y != year || m != month || d != day)
                return -EINVAL;
        *ret_date = date;
        return 0;
}

char *date_format(civil_date date, char buf[static 11]) {
        int y, m, d;
        date_to_ymd(date, &y, &m, &d);
        char text[48];
        /* Only 0000..9999 fit; date_parse keeps what is derived from input inside (it printed
         * the year modulo 10000: "to":"0000-01-03" for the week of 9999-12-31). */
        if (y < 0 || y > 9999)
                y = y < 0 ? 0 : 9999, m = y ? 12 : 1, d = y ? 31 : 1;
        snprintf(text, sizeof text, "%04d-%02d-%02d", y, m, d);
        memcpy(buf, text, 10);
        buf[10] = '\0';
        return buf;
}

int date_weekday(civil_date date) {
        /* 1970-01-01 was a Thursday (3). */
        int w = (date + 3) % 7;
        return w < 0 ? w + 7 : w;
}

civil_date date_week_start(civil_date date) {
        return date - date_weekday(date);
}

int dayset_parse(const char *text, dayset *ret_days) {
        if (!text || !*text)
                return -EINVAL;
        dayset days = 0;
        for (const char *p = text; *p; p++) {
                const char *hit = memchr(weekday_letters, *p, DAY_COUNT);
                if (!hit)
                        return -EINVAL;
                dayset bit = (dayset)(1u << (hit - weekday_letters));
                if (days & bit)
                        return -EINVAL;
                days |= bit;
        }
        *ret_days = days;
        return 0;
}

char *dayset_format(dayset days, char buf[static 6]) {
        size_t n = 0;
        for (int d = 0; d < DAY_COUNT; d++)
                if (days & (1u << d))
                        buf[n++] = weekday_letters[d];
        buf[n] = '\0';
        return buf;
}

char weekday_letter(int day) {
        return day >= 0 && day < DAY_COUNT ? weekday_letters[day] : '?';
}

const char *weekday_name(int day) {
        return day >= 0 && day < 7 ? weekday_names[day] : "?";
}

int dayset_count(dayset days) {
        return __builtin_popcount(days & DAYSET_ALL);
}

int duration_parse(const char *text, long long *ret_seconds) {
        if (!text || !*text)
                return -EINVAL;
        const long long limit = 10LL * 366 * 86400;
        long long total = 0;
        const char *p = text;
        while (*p) {
                if (!is_digit(*p))
                        return -EINVAL;
                long long value = 0;
                while (is_digit(*p)) {
                        value = value * 10 + (*p++ - '0');
                        if (value > limit)
                                return -EINVAL;
                }
                long long unit;
                if (*p == '\0' && p == text + strspn(text, "0123456789"))
                        unit = 1; /* a bare number */
                else if (strncmp(p, "min", 3) == 0)
                        unit = 60, p += 3;
                else if (*p == 's')
                        unit = 1, p++;
                else if (*p == 'm')
                        unit = 60, p++;
                else if (*p == 'h')
                        unit = 3600, p++;
                else if (*p == 'd')
                        unit = 86400, p++;
                else if (*p == 'w')
                        unit = 7 * 86400, p++;
                else
                        return -EINVAL;
                total += value * unit;
                if (total > limit)
                        return -EINVAL;
        }
        *ret_seconds = total;
        return 0;
}
