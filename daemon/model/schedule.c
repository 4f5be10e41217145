/* schedule.c: life cycle of a weekly schedule. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/schedule.h"

struct schedule *schedule_new(struct school *school) {
        struct schedule *schedule = calloc(1, sizeof *schedule);
        if (schedule) {
                schedule->school = school_ref(school);
                schedule->metrics.upper_bound = -1;
        }
        return schedule;
}

struct schedule *schedule_free(struct schedule *schedule) {
        if (!schedule)
                return NULL;
        for (size_t i = 0; i < schedule->n_groups; i++)
                free(schedule->groups[i].needs);
        free(schedule->groups);
        for (size_t i = 0; i < schedule->n_unscheduled; i++)
                free(schedule->unscheduled[i].reason);
        free(schedule->unscheduled);
        school_unref(schedule->school);
        free(schedule);
        return NULL;
}

int schedule_add_group(struct schedule *schedule, const struct group *group) {
        struct group *groups = realloc(schedule->groups, (schedule->n_groups + 1) * sizeof *groups);
        if (!groups)
                return -ENOMEM;
        schedule->groups = groups;
        struct group *copy = &groups[schedule->n_groups];
        *copy = *group;
        copy->needs = NULL;
        if (group->n_needs > 0) {
                copy->needs = malloc(group->n_needs * sizeof *copy->needs);
                if (!copy->needs)
                        return -ENOMEM;
                memcpy(copy->needs, group->needs, group->n_needs * sizeof *copy->needs);
        }
        schedule->n_groups++;
        return 0;
}

int schedule_add_unscheduled(struct schedule *schedule, int need, const char *reason) {
        struct unscheduled *list =
                realloc(schedule->unscheduled, (schedule->n_unscheduled + 1) * sizeof *list);
        if (!list)
                return -ENOMEM;
        schedule->unscheduled = list;
        char *copy = strdup(reason ? reason : "");
        if (!copy)
                return -ENOMEM;
        list[schedule->n_unscheduled++] = (struct unscheduled){ .need = need, .reason = copy };
        return 0;
}

struct schedule *schedule_copy(const struct schedule *schedule) {
        struct schedule *copy = schedule_new(schedule->school);
        if (!copy)
                return NULL;
        copy->version = schedule->version;
        copy->metrics = schedule->metrics;
        for (size_t i = 0; i < schedule->n_groups; i++)
                if (schedule_add_group(copy, &schedule->groups[i]) < 0)
                        return schedule_free(copy);
        for (size_t i = 0; i < schedule->n_unscheduled; i++)
                if (schedule_add_unscheduled(copy, schedule->unscheduled[i].need,
                                             schedule->unscheduled[i].reason) < 0)
                        return schedule_free(copy);
        return copy;
}

int schedule_find_need(const struct schedule *schedule, int need) {
        for (size_t g = 0; g < schedule->n_groups; g++)
                for (size_t i = 0; i < schedule->groups[g].n_needs; i++)
                        if (schedule->groups[g].needs[i] == need)
                                return (int)g;
        return -1;
}

int schedule_find_group(const struct schedule *schedule, const char *group_id) {
        for (size_t g = 0; g < schedule->n_groups; g++)
                if (strcmp(schedule->groups[g].id, group_id) == 0)
                        return (int)g;
        return -1;
}
