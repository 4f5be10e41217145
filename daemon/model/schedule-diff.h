/* schedule-diff.h: what one schedule version changes against another (DESIGN §4): who loses
 * or gains a place, which groups and meetings change, whose classroom interruptions move, and
 * each interventionist's load before and after. Pure: no I/O. */
#pragma once

#include <stddef.h>

struct schedule;

/* A need by its ids, pointing into the schedule's school (valid while the schedule is). */
struct diff_need {
        const char *student_id, *student_name, *program_id;
};

struct diff_load {
        const char *staff_id;
        int sessions_from, sessions_to; /* meetings a week */
        int minutes_from, minutes_to;
};

struct schedule_diff {
        size_t placed_from, placed_to;
        struct diff_need *losing; /* placed in from, not in to */
        size_t n_losing;
        struct diff_need *gaining; /* placed in to, not in from */
        size_t n_gaining;
        size_t groups_changed, meetings_changed;
        const char **teachers_affected; /* homeroom teacher ids, each once, in the data set's order */
        size_t n_teachers_affected;
        struct diff_load *loads; /* every interventionist teaching in either, in the data set's order */
        size_t n_loads;
};

/* The changes from from (NULL: an empty schedule) to to. 0 or -ENOMEM (*ret untouched). */
int schedule_diff(const struct schedule *from, const struct schedule *to, struct schedule_diff *ret_diff);
void schedule_diff_done(struct schedule_diff *diff);
