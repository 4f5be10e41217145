/* schedule.h: a weekly pull-out schedule (DESIGN §4): groups with their interventionist and
 * meetings, the needs left unscheduled with reasons, and the soft measures. Pure C. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/school.h"

#define MEETINGS_MAX DAY_COUNT /* a group meets at most once a day */
#define GROUP_ID_MAX 16

struct meeting {
        int day; /* enum weekday */
        int start, end; /* minutes since midnight */
};

struct group {
        char id[GROUP_ID_MAX]; /* "G1", "G2", ...: stable across re-solves where the group survives */
        int program; /* index into school.programs */
        int staff; /* index into school.staff */
        int *needs; /* indices into school.needs, all of this program */
        size_t n_needs;
        bool pinned;
        struct meeting meetings[MEETINGS_MAX]; /* sorted by day */
        size_t n_meetings;
};

struct unscheduled {
        int need; /* index into school.needs */
        char *reason; /* a sentence a person can act on */
};

/* The soft goals of §4, each measured on its own; penalty is their weighted sum. */
struct schedule_metrics {
        long avoid_minutes; /* student-minutes in avoid blocks */
        long preferred_minutes; /* student-minutes in preferred (WIN) blocks */
        long inconsistent_groups; /* groups not meeting at one time on all their days */
        long back_to_back_days; /* pairs of meetings on consecutive days, groups of 2-3 a week */
        long level_spread; /* sum over groups of (max level - min level) */
        long idle_minutes; /* interventionists' gaps between sessions of one day */
        long interruptions; /* distinct (homeroom, day, start) moments a class is interrupted */
        long changed_meetings; /* meetings differing from the previous schedule */
        long penalty; /* weighted sum; lower is better */
        long placed; /* needs in a group */
        long upper_bound; /* no schedule of the data places more (the solver's proof); -1: unknown */
};

struct schedule {
        int64_t version; /* 0 until stored */
        struct school *school; /* the data set the indices refer to (one reference held) */
        struct group *groups;
        size_t n_groups;
        struct unscheduled *unscheduled;
        size_t n_unscheduled;
        struct schedule_metrics metrics;
};

/* An empty schedule over school (takes a new reference). NULL when out of memory. */
struct schedule *schedule_new(struct school *school);
/* Accepts NULL; returns NULL. */
struct schedule *schedule_free(struct schedule *schedule);
/* A deep copy (sharing the school reference), or NULL when out of memory. */
struct schedule *schedule_copy(const struct schedule *schedule);

/* Appends a group (needs copied) / an unscheduled need (reason copied). 0 or -ENOMEM. */
int schedule_add_group(struct schedule *schedule, const struct group *group);
int schedule_add_unscheduled(struct schedule *schedule, int need, const char *reason);

/* The group that holds need, or -1. */
int schedule_find_need(const struct schedule *schedule, int need);
int schedule_find_group(const struct schedule *schedule, const char *group_id);
