/* district.h: a district calendar (.ics) read into school calendar days (DESIGN §3): all-day
 * events with a closing keyword become closed days, timed events blocked times. Pure. */
#pragma once

#include <stddef.h>

#include "model/school.h"

#define ICAL_DISTRICT_MAX_BYTES (4u << 20) /* default bound of the input */
#define ICAL_DISTRICT_MAX_EVENTS 5000      /* default bound of VEVENTs */
#define ICAL_DISTRICT_MAX_DAYS 5000        /* calendar days produced, at most */
/* Rule evaluations a calendar may cost: each step libical's recurrence iterator takes (one per
 * FREQ*INTERVAL period from DTSTART to the term's end, times the BY* combinations finer than
 * FREQ) and each probe of an EXDATE or override lookup. Under a second of work (a step costs 1-3
 * µs); a daily or weekly rule over a school year costs a few hundred, a minute-by-minute one
 * 370,000. A calendar past it is refused (-E2BIG) with the
 * line of the event that crossed it, before that event is expanded. */
#define ICAL_DISTRICT_WORK_BUDGET 250000u

/* Case-insensitive substrings, NULL-terminated. */
extern const char *const ical_district_closed_keywords[];
extern const char *const ical_district_early_release_keywords[];

struct ical_district_options {
        const char *const *closed_keywords;        /* NULL: ical_district_closed_keywords */
        const char *const *early_release_keywords; /* NULL: ical_district_early_release_keywords */
        /* Dismissal time (minutes) of an all-day early release whose summary names no time
         * ("Early Release 12:30" names one); -1 or 0: such events are ignored, with a line why. */
        int default_release;
        size_t max_bytes;  /* 0: ICAL_DISTRICT_MAX_BYTES */
        size_t max_events; /* 0: ICAL_DISTRICT_MAX_EVENTS */
};

struct ical_district {
        struct calendar_day *days; /* sorted by date; labels malloc'd (the event's summary) */
        size_t n_days;
        char **taken; /* one line per event used: "line 12: Thanksgiving Break: closed 2026-11-25 .. 2026-11-27" */
        size_t n_taken;
        char **ignored; /* one line per event not used, and why */
        size_t n_ignored;
};

/* Reads the calendar in data[0..size) (need not be NUL-terminated) for the school's term and time
 * zone: all-day events matching a closed keyword give closed days (each weekday of a multi-day
 * event, DTEND exclusive); those matching an early-release keyword give early releases; timed
 * events give blocked times (converted into the school's zone, clipped to the school day) or,
 * with an early-release keyword, an early release at the event's start. Recurring events
 * (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) are expanded over the term. Weekends and
 * dates outside the term are skipped.
 * 0 and *ret; on failure *ret untouched and, when ret_error is not NULL, *ret_error gets every
 * problem found, one "line N: what is wrong" per line (malloc'd): -EINVAL unparseable input,
 * -EFBIG over max_bytes, -E2BIG over max_events or ICAL_DISTRICT_MAX_DAYS, -ENOENT unknown school
 * time zone, -ENOMEM. */
int ical_district_read(const char *data, size_t size, const struct school_info *info,
                       const struct ical_district_options *options, struct ical_district **ret,
                       char **ret_error);
/* Accepts NULL; returns NULL. */
struct ical_district *ical_district_free(struct ical_district *district);
