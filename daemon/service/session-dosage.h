/* session-dosage.h: planned against delivered minutes from the stored sessions (DESIGN §6):
 * what the dosage reports, the alerts and progress monitoring count. */
#pragma once

#include <stdbool.h>
#include <time.h>

#include "model/dosage.h"

struct store;

/* A student's sessions that ended in [from, to) (of one group, or all when group_id is NULL):
 * regular ones are planned, a cancelled one too (the student lost those minutes), delivered
 * ones the student attended are delivered. settled_only: sessions not yet logged (or missed)
 * count for nothing. */
int session_dosage_student(struct store *store, const char *student_id, const char *group_id, time_t from, time_t to,
                           bool settled_only, struct dosage_tally *ret);
/* The same over the logged sessions only (delivered or cancelled): a session nobody logged says
 * nothing of the student's dosage (the group's missed_session alert is about it). */
int session_dosage_student_logged(struct store *store, const char *student_id, const char *group_id, time_t from,
                                  time_t to, struct dosage_tally *ret);
/* A group's sessions that ended in [from, to): the delivered ones are delivered. */
int session_dosage_group(struct store *store, const char *group_id, time_t from, time_t to,
                         struct dosage_tally *ret);
