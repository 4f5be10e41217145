/* timeutil.h: school times, weekdays and civil dates as small integers.
 * Pure functions, no time zone and no I/O: the parsers of outside data use them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Weekdays of the school week. A set of them is a bit mask (bit d = day d). */
enum weekday { DAY_MON, DAY_TUE, DAY_WED, DAY_THU, DAY_FRI, DAY_COUNT };
typedef uint8_t dayset;
#define DAYSET_ALL ((dayset)0x1f)

/* A time of day is minutes since midnight (0..1439); a date is days since 1970-01-01. */
typedef int32_t civil_date;

/* "HH:MM", 24 h. Returns 0 and sets *ret_minutes, or -EINVAL. */
int time_parse(const char *text, int *ret_minutes);
/* Writes "HH:MM" into buf (at least 6 bytes). Returns buf. */
char *time_format(int minutes, char buf[static 6]);

/* Days a date from outside keeps from 9999-12-31: the longest span derived from one (a
 * horizon of at most 366 days and a week) still prints as YYYY-MM-DD. */
#define DATE_MARGIN_DAYS 400
/* "YYYY-MM-DD" (a real calendar date from 1970-01-01 to DATE_MARGIN_DAYS before 9999-12-31,
 * i.e. 9998-11-26). Returns 0 and sets *ret_date, or -EINVAL. */
int date_parse(const char *text, civil_date *ret_date);
/* Writes "YYYY-MM-DD" into buf (at least 11 bytes). Returns buf. A date outside the years
 * 0000..9999 is written as the nearest end of that range (none from date_parse gets there). */
char *date_format(civil_date date, char buf[static 11]);
civil_date date_from_ymd(int year, int month, int day);
void date_to_ymd(civil_date date, int *ret_year, int *ret_month, int *ret_day);
/* 0 = Monday .. 6 = Sunday. */
int date_weekday(civil_date date);
/* The Monday of the date's week. */
civil_date date_week_start(civil_date date);

/* A set of weekday letters from "MTWRF" (each at most once, any order).
 * Returns 0 and sets *ret_days, or -EINVAL. An empty text is invalid. */
int dayset_parse(const char *text, dayset *ret_days);
/* Writes the letters in week order into buf (at least 6 bytes). */
char *dayset_format(dayset days, char buf[static 6]);
/* The letter of one weekday ('M'..'F'), or '?' */
char weekday_letter(int day);
/* Short English name ("Mon".."Fri"). */
const char *weekday_name(int day);
int dayset_count(dayset days);

/* A duration such as "90s", "10m", "10min", "2h", "1d", "1h30m" or a bare number of seconds.
 * Returns 0 and sets *ret_seconds, or -EINVAL (also for overflow past 10 years). */
int duration_parse(const char *text, long long *ret_seconds);
