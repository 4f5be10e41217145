/* schedule-json.h: a schedule as the JSON of DESIGN §4 (`pullout schedule --json`), and the
 * summary a solve answers with. */
#pragma once

#include <json-c/json.h>

#include "model/schedule.h"

struct solver_stats;

/* Which groups to include: all, or those of one interventionist, homeroom teacher or student
 * (indices into the school, -1 for none). */
struct schedule_filter {
        int staff, teacher, student;
};

struct json_object *schedule_to_json(const struct schedule *schedule, const struct schedule_filter *filter);
/* Needs placed of total, groups, each interventionist's load, the soft measures. */
struct json_object *schedule_summary_json(const struct schedule *schedule, const struct solver_stats *stats);
struct json_object *schedule_metrics_json(const struct schedule_metrics *metrics);
/* `pullout explain STUDENT --json`: the student (index into school) and the solver's lines. */
struct json_object *schedule_explanation_json(const struct school *school, int student, char **lines, size_t n);
