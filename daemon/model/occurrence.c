/* occurrence.c: expands a weekly schedule into dated occurrences over the term.
 * The school calendar decides which of them are removed, and by which day. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/occurrence.h"

const char *const occurrence_state_names[OCCURRENCE_STATE_COUNT + 1] = {
        "scheduled", "closed", "early_release", "blocked", "cancelled", NULL,
};

/* Calendar days of one date can be several (an early release and an assembly): the rank lets
 * the strongest reason win, so a closed day is reported as closed and not as blocked. */
static int state_rank(enum occurrence_state state) {
        switch (state) {
        case OCCURRENCE_CLOSED:
                return 3;
        case OCCURRENCE_EARLY_RELEASE:
                return 2;
        case OCCURRENCE_BLOCKED:
                return 1;
        default:
                return 0;
        }
}

static enum occurrence_state day_effect(const struct calendar_day *day, int start, int end) {
        switch (day->kind) {
        case CALENDAR_CLOSED:
                return OCCURRENCE_CLOSED;
        case CALENDAR_EARLY_RELEASE:
                return end > day->end ? OCCURRENCE_EARLY_RELEASE : OCCURRENCE_SCHEDULED;
        case CALENDAR_BLOCKED:
                return start < day->end && day->start < end ? OCCURRENCE_BLOCKED : OCCURRENCE_SCHEDULED;
        default:
                return OCCURRENCE_SCHEDULED;
        }
}

/* The state among the calendar days listed in days (indices into school->calendar). */
static enum occurrence_state state_among(const struct school *school, const size_t *days, size_t n,
                                         int start, int end, int *ret_calendar) {
        enum occurrence_state best = OCCURRENCE_SCHEDULED;
        int best_day = -1;
        for (size_t i = 0; i < n; i++) {
                enum occurrence_state state = day_effect(&school->calendar[days[i]], start, end);
                if (state_rank(state) > state_rank(best)) {
                        best = state;
                        best_day = (int)days[i];
                }
        }
        if (ret_calendar)
                *ret_calendar = best_day;
        return best;
}

enum occurrence_state occurrence_calendar_state(const struct school *school, civil_date date,
                                                int start, int end, int *ret_calendar) {
        enum occurrence_state best = OCCURRENCE_SCHEDULED;
        int best_day = -1;
        for (size_t i = 0; i < school->n_calendar; i++) {
                if (school->calendar[i].date != date)
                        continue;
                enum occurrence_state state = day_effect(&school->calendar[i], start, end);
                if (state_rank(state) > state_rank(best)) {
                        best = state;
                        best_day = (int)i;
                }
        }
        if (ret_calendar)
                *ret_calendar = best_day;
        return best;
}

static int compare_occurrences(const void *a, const void *b) {
        const struct occurrence *x = a, *y = b;
        if (x->date != y->date)
                return x->date < y->date ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        if (x->group != y->group)
                return x->group < y->group ? -1 : 1;
        return (x->meeting > y->meeting) - (x->meeting < y->meeting);
}

/* Expands the groups first..last-1. */
static int expand_range(const struct schedule *schedule, size_t first, size_t last, civil_date from,
                        civil_date to, struct occurrence **ret, size_t *ret_n) {
        const struct school *school = schedule->school;
        struct occurrence *list = NULL;
        size_t n = 0, allocated = 0;
        size_t *days = NULL;
        int r = 0;

        if (from < school->info.term_start)
                from = school->info.term_start;
        if (to > school->info.term_end)
                to = school->info.term_end;

        if (school->n_calendar > 0) {
                days = malloc(school->n_calendar * sizeof *days);
                if (!days) {
                        r = -ENOMEM;
                        goto finish;
                }
        }

        for (civil_date date = from; date <= to; date++) {
                int weekday = date_weekday(date);
                if (weekday >= DAY_COUNT)
                        continue;
                size_t n_days = 0;
                for (size_t i = 0; i < school->n_calendar; i++)
                        if (school->calendar[i].date == date)
                                days[n_days++] = i;

                for (size_t g = first; g < last; g++) {
                        const struct group *group = &schedule->groups[g];
                        for (size_t m = 0; m < group->n_meetings; m++) {
                                const struct meeting *meeting = &group->meetings[m];
                                if (meeting->day != weekday)
                                        continue;
                                if (n == allocated) {
                                        size_t grown = allocated ? allocated * 2 : 64;
                                        struct occurrence *bigger = realloc(list, grown * sizeof *list);
                                        if (!bigger) {
                                                r = -ENOMEM;
                                                goto finish;
                                        }
                                        list = bigger;
                                        allocated = grown;
                                }
                                int calendar = -1;
                                enum occurrence_state state = state_among(
                                        school, days, n_days, meeting->start, meeting->end, &calendar);
                                const char *removed_by = NULL;
                                if (calendar >= 0) {
                                        removed_by = school->calendar[calendar].label;
                                        if (!removed_by || !removed_by[0])
                                                removed_by = calendar_kind_names[school->calendar[calendar].kind];
                                }
                                list[n++] = (struct occurrence){
                                        .date = date,
                                        .group = (int)g,
                                        .meeting = (int)m,
                                        .start = meeting->start,
                                        .end = meeting->end,
                                        .state = state,
                                        .calendar = calendar,
                                        .removed_by = removed_by,
                                };
                        }
                }
        }

        if (n > 1)
                qsort(list, n, sizeof *list, compare_occurrences);
        if (n == 0) {
                free(list);
                list = NULL;
        }
        *ret = list;
        *ret_n = n;
        list = NULL;
finish:
        free(list);
        free(days);
        return r;
}

int occurrence_expand(const struct schedule *schedule, civil_date from, civil_date to,
                      struct occurrence **ret, size_t *ret_n) {
        return expand_range(schedule, 0, schedule->n_groups, from, to, ret, ret_n);
}

int occurrence_expand_group(const struct schedule *schedule, int group, civil_date from,
                            civil_date to, struct occurrence **ret, size_t *ret_n) {
        if (group < 0 || (size_t)group >= schedule->n_groups)
                return -EINVAL;
        return expand_range(schedule, (size_t)group, (size_t)group + 1, from, to, ret, ret_n);
}

char *occurrence_session_id(const char *group_id, civil_date date, int start,
                            char buf[static OCCURRENCE_SESSION_ID_MAX]) {
        int year, month, day;
        date_to_ymd(date, &year, &month, &day);
        /* Bounded fields: the id has a fixed shape whatever the inputs. */
        unsigned minutes = (unsigned)start % (24 * 60);
        snprintf(buf, OCCURRENCE_SESSION_ID_MAX, "%.*s-%04u%02u%02u-%02u%02u", GROUP_ID_MAX - 1,
                 group_id, (unsigned)year % 10000, (unsigned)month % 100, (unsigned)day % 100,
                 minutes / 60, minutes % 60);
        return buf;
}

static bool all_digits(const char *text, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (text[i] < '0' || text[i] > '9')
                        return false;
        return true;
}

int occurrence_session_id_parse(const char *text, char group_id[static GROUP_ID_MAX],
                                civil_date *ret_date, int *ret_start) {
        /* Parsed from the end: a group id may itself contain '-'. */
        size_t length = strlen(text);
        if (length < 1 + 1 + 8 + 1 + 4)
                return -EINVAL;
        const char *tail = text + length - (1 + 8 + 1 + 4);
        size_t id_length = (size_t)(tail - text);
        if (id_length >= GROUP_ID_MAX || tail[0] != '-' || tail[9] != '-' ||
            !all_digits(tail + 1, 8) || !all_digits(tail + 10, 4))
                return -EINVAL;
        char date_text[11];
        snprintf(date_text, sizeof date_text, "%.4s-%.2s-%.2s", tail + 1, tail + 5, tail + 7);
        char time_text[6];
        snprintf(time_text, sizeof time_text, "%.2s:%.2s", tail + 10, tail + 12);
        civil_date date;
        int start;
        if (date_parse(date_text, &date) < 0 || time_parse(time_text, &start) < 0)
                return -EINVAL;
        memcpy(group_id, text, id_length);
        group_id[id_length] = '\0';
        *ret_date = date;
        *ret_start = start;
        return 0;
}
