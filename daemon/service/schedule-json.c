/* schedule-json.c: schedules as JSON. Field names are part of the contract (DESIGN §4):
 * fields may be added, none renamed. */
#include <stdlib.h>

#include "service/schedule-json.h"
#include "solver/solver.h"

struct json_object *schedule_metrics_json(const struct schedule_metrics *m) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "avoid_minutes", json_object_new_int64(m->avoid_minutes));
        json_object_object_add(o, "preferred_minutes", json_object_new_int64(m->preferred_minutes));
        json_object_object_add(o, "inconsistent_groups", json_object_new_int64(m->inconsistent_groups));
        json_object_object_add(o, "back_to_back_days", json_object_new_int64(m->back_to_back_days));
        json_object_object_add(o, "level_spread", json_object_new_int64(m->level_spread));
        json_object_object_add(o, "idle_minutes", json_object_new_int64(m->idle_minutes));
        json_object_object_add(o, "interruptions", json_object_new_int64(m->interruptions));
        json_object_object_add(o, "changed_meetings", json_object_new_int64(m->changed_meetings));
        json_object_object_add(o, "penalty", json_object_new_int64(m->penalty));
        json_object_object_add(o, "placed", json_object_new_int64(m->placed));
        if (m->upper_bound >= 0)
                json_object_object_add(o, "upper_bound", json_object_new_int64(m->upper_bound));
        return o;
}

static bool group_matches(const struct schedule *schedule, const struct group *group,
                          const struct schedule_filter *filter) {
        const struct school *school = schedule->school;
        if (!filter)
                return true;
        if (filter->staff >= 0 && group->staff != filter->staff)
                return false;
        if (filter->teacher < 0 && filter->student < 0)
                return true;
        for (size_t i = 0; i < group->n_needs; i++) {
                const struct student *student = &school->students[school->needs[group->needs[i]].student];
                if (filter->student >= 0 && school->needs[group->needs[i]].student == filter->student)
                        return true;
                if (filter->teacher >= 0 && student->teacher == filter->teacher)
                        return true;
        }
        return false;
}

struct json_object *schedule_to_json(const struct schedule *schedule, const struct schedule_filter *filter) {
        const struct school *school = schedule->school;
        struct json_object *root = json_object_new_object();
        struct json_object *groups = json_object_new_array();
        char day[2] = { 0 }, start[6], end[6];

        json_object_object_add(root, "version", json_object_new_int64(schedule->version));
        for (size_t g = 0; g < schedule->n_groups; g++) {
                const struct group *group = &schedule->groups[g];
                if (!group_matches(schedule, group, filter))
                        continue;
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "group_id", json_object_new_string(group->id));
                json_object_object_add(o, "program_id", json_object_new_string(school->programs[group->program].id));
                json_object_object_add(o, "program", json_object_new_string(school->programs[group->program].name));
                json_object_object_add(o, "staff_id", json_object_new_string(school->staff[group->staff].id));
                json_object_object_add(o, "staff", json_object_new_string(school->staff[group->staff].name));
                struct json_object *students = json_object_new_array();
                struct json_object *names = json_object_new_array();
                for (size_t i = 0; i < group->n_needs; i++) {
                        const struct student *s = &school->students[school->needs[group->needs[i]].student];
                        json_object_array_add(students, json_object_new_string(s->id));
                        json_object_array_add(names, json_object_new_string(s->name));
                }
                json_object_object_add(o, "students", students);
                json_object_object_add(o, "student_names", names);
                json_object_object_add(o, "pinned", json_object_new_boolean(group->pinned));
                struct json_object *meetings = json_object_new_array();
                for (size_t m = 0; m < group->n_meetings; m++) {
                        const struct meeting *meeting = &group->meetings[m];
                        struct json_object *mo = json_object_new_object();
                        day[0] = weekday_letter(meeting->day);
                        json_object_object_add(mo, "day", json_object_new_string(day));
                        json_object_object_add(mo, "start", json_object_new_string(time_format(meeting->start, start)));
                        json_object_object_add(mo, "end", json_object_new_string(time_format(meeting->end, end)));
                        json_object_array_add(meetings, mo);
                }
                json_object_object_add(o, "meetings", meetings);
                json_object_array_add(groups, o);
        }
        json_object_object_add(root, "groups", groups);

        struct json_object *unscheduled = json_object_new_array();
        for (size_t i = 0; i < schedule->n_unscheduled; i++) {
                const struct need *need = &school->needs[schedule->unscheduled[i].need];
                if (filter && filter->student >= 0 && need->student != filter->student)
                        continue;
                if (filter && filter->teacher >= 0 && school->students[need->student].teacher != filter->teacher)
                        continue;
                if (filter && filter->staff >= 0 && need->staff != filter->staff)
                        continue;
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "student_id", json_object_new_string(school->students[need->student].id));
                json_object_object_add(o, "program_id", json_object_new_string(school->programs[need->program].id));
                json_object_object_add(o, "reason", json_object_new_string(schedule->unscheduled[i].reason));
                json_object_array_add(unscheduled, o);
        }
        json_object_object_add(root, "unscheduled", unscheduled);
        json_object_object_add(root, "metrics", schedule_metrics_json(&schedule->metrics));
        return root;
}

struct json_object *schedule_summary_json(const struct schedule *schedule, const struct solver_stats *stats) {
        const struct school *school = schedule->school;
        struct json_object *o = json_object_new_object();
        size_t placed = 0;
        for (size_t g = 0; g < schedule->n_groups; g++)
                placed += schedule->groups[g].n_needs;
        json_object_object_add(o, "version", json_object_new_int64(schedule->version));
        json_object_object_add(o, "needs_scheduled", json_object_new_int64((int64_t)placed));
        json_object_object_add(o, "needs_total", json_object_new_int64((int64_t)school->n_needs));
        json_object_object_add(o, "groups", json_object_new_int64((int64_t)schedule->n_groups));
        json_object_object_add(o, "unscheduled", json_object_new_int64((int64_t)schedule->n_unscheduled));
        /* DESIGN §4: placed and upper_bound side by side wherever a schedule is summed up. */
        json_object_object_add(o, "placed", json_object_new_int64((int64_t)placed));
        json_object_object_add(o, "needs", json_object_new_int64((int64_t)school->n_needs));
        if (schedule->metrics.upper_bound >= 0)
                json_object_object_add(o, "upper_bound", json_object_new_int64(schedule->metrics.upper_bound));

        struct json_object *load = json_object_new_array();
        for (size_t s = 0; s < school->n_staff; s++) {
                if (school->staff[s].role != ROLE_INTERVENTIONIST)
                        continue;
                long groups = 0, sessions = 0, minutes = 0, students = 0;
                for (size_t g = 0; g < schedule->n_groups; g++) {
                        const struct group *group = &schedule->groups[g];
                        if (group->staff != (int)s)
                                continue;
                        groups++;
                        students += (long)group->n_needs;
                        sessions += (long)group->n_meetings;
                        for (size_t m = 0; m < group->n_meetings; m++)
                                minutes += group->meetings[m].end - group->meetings[m].start;
                }
                struct json_object *row = json_object_new_object();
                json_object_object_add(row, "staff_id", json_object_new_string(school->staff[s].id));
                json_object_object_add(row, "name", json_object_new_string(school->staff[s].name));
                json_object_object_add(row, "groups", json_object_new_int64(groups));
                json_object_object_add(row, "students", json_object_new_int64(students));
                json_object_object_add(row, "sessions_per_week", json_object_new_int64(sessions));
                json_object_object_add(row, "minutes_per_week", json_object_new_int64(minutes));
                json_object_array_add(load, row);
        }
        json_object_object_add(o, "staff_load", load);
        json_object_object_add(o, "metrics", schedule_metrics_json(&schedule->metrics));
        if (stats) {
                struct json_object *st = json_object_new_object();
                json_object_object_add(st, "seconds", json_object_new_double(stats->total_seconds));
                json_object_object_add(st, "best_seconds", json_object_new_double(stats->best_seconds));
                json_object_object_add(st, "settled_seconds", json_object_new_double(stats->settled_seconds));
                json_object_object_add(st, "iterations", json_object_new_int64(stats->iterations));
                json_object_object_add(st, "timed_out", json_object_new_boolean(stats->timed_out));
                json_object_object_add(o, "search", st);
        }
        return o;
}

struct json_object *schedule_explanation_json(const struct school *school, int student, char **lines, size_t n) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "student_id", json_object_new_string(school->students[student].id));
        json_object_object_add(o, "name", json_object_new_string(school->students[student].name));
        struct json_object *array = json_object_new_array();
        for (size_t i = 0; i < n; i++)
                json_object_array_add(array, json_object_new_string(lines[i]));
        json_object_object_add(o, "lines", array);
        return o;
}
