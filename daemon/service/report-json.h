/* report-json.h: the coordinator's reports as JSON (`pullout dosage --json`, `pullout report
 * --json`): tallies this week and over the rolling window, fidelity rolled up, worst first. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "model/dosage.h"

/* The periods a report covers. */
struct report_periods {
        time_t now, week_start, window_start;
        long long window_days;
        int threshold_percent;
};

/* One student's (in one group, or all) or one group's dosage. */
struct dosage_row {
        const char *student_id; /* NULL: a group's row */
        const char *name;
        const char *group_id; /* NULL: every group of the student */
        const char *program_id, *staff_id; /* NULL but in the dosage report */
        struct dosage_tally week, window;
};

struct fidelity_row {
        const char *id;
        bool of_group; /* a group's row, with its program and interventionist */
        const char *program_id, *staff_id;
        long long sessions, delivered, applicable;
        int percent; /* -1: nothing checked */
        bool below_threshold;
};

/* The header every report starts with: now, week_start, window_start, window_days and
 * threshold_percent; and report (when not NULL). */
struct json_object *report_header_json(const char *report, const struct report_periods *periods);
struct json_object *dosage_row_json(const struct dosage_row *row);
/* Rows sorted worst first (lowest window percent, nothing planned last), stable. */
struct json_object *dosage_rows_json(const struct dosage_row *rows, size_t n);
struct json_object *fidelity_rows_json(const struct fidelity_row *rows, size_t n);
