/* occurrence.h: a weekly schedule expanded into dated session occurrences over the term
 * (DESIGN §6), with the school calendar applied. Pure C: feeds, sessions and tests share it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model/schedule.h"

enum occurrence_state {
        OCCURRENCE_SCHEDULED,     /* takes place as the weekly schedule says */
        OCCURRENCE_CLOSED,        /* removed: no school that day */
        OCCURRENCE_EARLY_RELEASE, /* removed: school ends before the meeting does */
        OCCURRENCE_BLOCKED,       /* removed: overlaps a blocked time (assembly, testing) */
        OCCURRENCE_CANCELLED,     /* cancelled by a person; never set by occurrence_expand */
        OCCURRENCE_STATE_COUNT
};

/* "scheduled", "closed", "early_release", "blocked", "cancelled"; NULL-terminated. */
extern const char *const occurrence_state_names[OCCURRENCE_STATE_COUNT + 1];

struct occurrence {
        civil_date date;
        int group;   /* index into schedule->groups */
        int meeting; /* index into that group's meetings */
        int start, end; /* minutes since midnight, as the meeting says */
        enum occurrence_state state;
        int calendar; /* index into school->calendar of the day that removed it, or -1 */
        /* The label of that calendar day ("Thanksgiving", "Assembly"), or the kind's name when it
         * has none; NULL while scheduled. Points into the school, which the schedule holds. */
        const char *removed_by;
};

/* "G3-20260914-0940": group id, date and original start. 15 + 1 + 8 + 1 + 4 + NUL. */
#define OCCURRENCE_SESSION_ID_MAX 32

/* Expands schedule over the dates from..to (inclusive), clipped to the school's term, skipping
 * weekends. Returns the held occurrences and the ones the school calendar removes (flagged with
 * their state and removed_by, so feeds can exclude them), sorted by date, start, group.
 * *ret is malloc'd (NULL when there are none). 0 or -ENOMEM; outputs untouched on failure. */
int occurrence_expand(const struct schedule *schedule, civil_date from, civil_date to,
                      struct occurrence **ret, size_t *ret_n);

/* The same for one group only (index into schedule->groups); -EINVAL for a bad index. */
int occurrence_expand_group(const struct schedule *schedule, int group, civil_date from,
                            civil_date to, struct occurrence **ret, size_t *ret_n);

/* The state a meeting of start..end on date gets from the school calendar alone, and the index
 * of the calendar day responsible (or -1) in *ret_calendar (may be NULL). Closed beats early
 * release beats blocked. Weekends and the term are not checked here. */
enum occurrence_state occurrence_calendar_state(const struct school *school, civil_date date,
                                                int start, int end, int *ret_calendar);

static inline bool occurrence_is_held(const struct occurrence *occurrence) {
        return occurrence->state == OCCURRENCE_SCHEDULED;
}

/* Writes the stable session id of (group id, date, original start) into buf. Returns buf. */
char *occurrence_session_id(const char *group_id, civil_date date, int start,
                            char buf[static OCCURRENCE_SESSION_ID_MAX]);
/* Splits a session id. 0, or -EINVAL when text is not GROUP-YYYYMMDD-HHMM with a real date
 * and time; outputs untouched on failure. group_id gets at least GROUP_ID_MAX bytes. */
int occurrence_session_id_parse(const char *text, char group_id[static GROUP_ID_MAX],
                                civil_date *ret_date, int *ret_start);
