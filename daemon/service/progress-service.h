/* progress-service.h: progress monitoring for the bus: scores and goals into the store, the
 * numbers and pictures out of it, with the delivery of the same weeks beside them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "progress/progress.h"
#include "service/why.h"

struct daemon;
struct json_object;

#define PROGRESS_IMPORT_BYTES_MAX (4u * 1024 * 1024)
#define PROGRESS_VALUE_MAX 1e9

/* The delivery of the student's sessions per school week (Mondays from..to): planned and
 * delivered minutes and the fidelity score of the settled sessions. A week with nothing
 * planned is left out (delivery unknown). *ret_weeks is malloc'd (NULL when *ret_n is 0). */
int progress_delivery_weeks(struct daemon *daemon, const char *student_id, civil_date from, civil_date to,
                            struct progress_week **ret_weeks, size_t *ret_n);

/* A measure name: 1..PROGRESS_LABEL_MAX bytes, no control characters. */
bool progress_measure_valid(const char *measure);

/* Errors as why.h says: -ENOENT unknown student or nothing stored, -EINVAL bad argument,
 * -ENODATA no data set yet, -EIO store failure, -ENOMEM. */
/* One score per student, measure and date: a different value on a date that has one is
 * -EEXIST unless replace; a date after today is -EINVAL. */
int progress_service_add_score(struct daemon *daemon, const char *student_id, const char *measure, const char *date,
                               double value, bool replace, struct json_object **ret_json, char why[static WHY_MAX]);
/* -ENOENT when there is no score on that date. */
int progress_service_delete_score(struct daemon *daemon, const char *student_id, const char *measure,
                                  const char *date, char why[static WHY_MAX]);
int progress_service_set_goal(struct daemon *daemon, const char *student_id, const char *measure, double baseline,
                              double target, const char *from, const char *by, struct json_object **ret_json,
                              char why[static WHY_MAX]);
int progress_service_add_phase(struct daemon *daemon, const char *student_id, const char *measure, const char *date,
                               const char *label, char why[static WHY_MAX]);
/* measure NULL or "": the student's only measure (-EINVAL naming them when there are several).
 * ret_svg may be NULL; else it receives the graph (malloc'd). */
int progress_service_report(struct daemon *daemon, const char *student_id, const char *measure,
                            enum progress_trend_method method, struct json_object **ret_json, char **ret_svg,
                            char why[static WHY_MAX]);
/* A CSV of scores (student_id, measure, date, value; columns maps them to a screener's own
 * headers, "FIELD=HEADER,..."; measure non-empty gives every row that measure) in one
 * transaction; a row on a stored key replaces its value; blank rows are skipped. Answered
 * with {"added": N, "replaced": N, "unchanged": N}. Any bad row rejects all: -EBADMSG with
 * every fault in *ret_detail (malloc'd, one "NAME:LINE: column C: what" a line after the summary). */
int progress_service_import(struct daemon *daemon, const char *name, const char *data, size_t size,
                            const char *columns, const char *measure, struct json_object **ret_json,
                            char **ret_detail, char why[static WHY_MAX]);
