/* session-store.h: the life of dated sessions in the database (DESIGN §6): occurrences and
 * their rosters, the log of every change, the events the timer fired, and the rows the reports,
 * alerts and feeds are computed from. Writers run inside the caller's transaction; readers
 * return malloc'd rows (free them with the matching function). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/timeutil.h"
#include "store/store.h"

/* session_id of "G12-20260914-0945"; ids the bus hands in are bounded by the importer's. */
#define STORE_SESSION_ID_MAX 80

enum session_status {
        SESSION_SCHEDULED,
        SESSION_DELIVERED,
        SESSION_MISSED,
        SESSION_CANCELLED,
        SESSION_STATUS_COUNT
};
/* "scheduled", "delivered", "missed", "cancelled"; NULL-terminated. */
extern const char *const session_status_names[SESSION_STATUS_COUNT + 1];

/* One stored session. Integers that are NULL in the database read as -1. */
struct store_session {
        char *session_id, *group_id, *program_id, *staff_id;
        int64_t version; /* the schedule version it belongs to */
        civil_date date;
        int start, end; /* minutes since midnight */
        int64_t starts_at, ends_at; /* Unix seconds */
        int planned_minutes;
        enum session_status status;
        int minutes; /* delivered minutes; -1 before it was logged */
        char *fidelity; /* JSON array of the checklist items delivered, or NULL */
        int fidelity_delivered, fidelity_applicable;
        char *note, *reason;
        char *makes_up; /* the session a make-up replaces, NULL for a regular one */
        char *logged_at;
};

struct store_session_student {
        char *student_id;
        int present; /* 1, 0, or -1 before the session was logged */
};

struct store_session_log {
        char *at, *action, *detail; /* detail: a JSON object */
};

void store_session_clear(struct store_session *session);
void store_sessions_free(struct store_session *sessions, size_t n);
void store_session_students_free(struct store_session_student *students, size_t n);
void store_session_logs_free(struct store_session_log *logs, size_t n);

/* ---- session-store.c: sessions, rosters, the log and the timer's events ---- */

/* -ENOENT when there is no such session. */
int store_session_get(struct store *store, const char *session_id, struct store_session *ret_session);
/* 1 when the session is stored, else 0. */
int store_session_exists(struct store *store, const char *session_id);
int store_session_has_student(struct store *store, const char *session_id, const char *student_id);
/* The roster in the order it was stored. */
int store_session_students(struct store *store, const char *session_id, struct store_session_student **ret,
                           size_t *ret_n);
/* Sessions from..to (to excluded), of one interventionist or (staff_id NULL) all, by date,
 * start and group. */
int store_sessions_between(struct store *store, civil_date from, civil_date to, const char *staff_id,
                           struct store_session **ret, size_t *ret_n);
int store_session_history(struct store *store, const char *session_id, struct store_session_log **ret,
                          size_t *ret_n);

/* Stores a session (status, minutes, fidelity and the log fields ignored) unless one of its id
 * exists: 1 when stored, 0 when it existed. */
int store_session_insert(struct store *store, const struct store_session *session, const char *updated_at);
int store_session_add_student(struct store *store, const char *session_id, const char *student_id);
/* A make-up is for the students of the session it replaces. */
int store_session_copy_students(struct store *store, const char *to_session_id, const char *from_session_id);
int store_session_log_append(struct store *store, const char *session_id, const char *at, const char *action,
                             const char *detail);

/* Logging: delivered at `at` (minutes as planned unless set); on the first log everyone is
 * present. */
int store_session_deliver(struct store *store, const char *session_id, const char *at, bool first);
int store_session_set_minutes(struct store *store, const char *session_id, int minutes);
/* Everyone present but the absent ones. */
int store_session_set_absent(struct store *store, const char *session_id, char *const *absent, size_t n_absent);
int store_session_set_fidelity(struct store *store, const char *session_id, const char *items_json, int delivered,
                               int applicable);
/* note NULL clears it. */
int store_session_set_note(struct store *store, const char *session_id, const char *note);
int store_session_cancel(struct store *store, const char *session_id, const char *reason, const char *at);
/* The timer found it unlogged past its grace: missed, with the log saying so. */
int store_session_mark_missed(struct store *store, const char *session_id, const char *at);
/* The live make-up of a session: 1 and its id in *ret_id (malloc'd), or 0. */
int store_session_makeup_of(struct store *store, const char *session_id, char **ret_id);

/* Booked make-ups (scheduled or delivered) from..to (to excluded), one row per student (a
 * make-up without students gives one row with student_id NULL). */
struct store_booked {
        civil_date date;
        int start, end;
        char *staff_id, *student_id;
};
int store_sessions_booked_makeups(struct store *store, civil_date from, civil_date to, struct store_booked **ret,
                                  size_t *ret_n);
void store_booked_free(struct store_booked *rows, size_t n);

/* What the timer fires for a scheduled session. */
enum store_due_kind { STORE_DUE_REMINDER, STORE_DUE_PROMPT, STORE_DUE_MISSED, STORE_DUE_KIND_COUNT };
/* "reminder", "prompt", "missed": as session_events.kind. */
extern const char *const store_due_kind_names[STORE_DUE_KIND_COUNT];
/* The scheduled session whose event of kind is due first (a reminder at starts_at - offset, a
 * prompt or missed check at ends_at + offset) and has not fired: 1 with its id and due time,
 * or 0 when there is none. */
int store_session_next_due(struct store *store, enum store_due_kind kind, int64_t offset,
                           char ret_session_id[static STORE_SESSION_ID_MAX], int64_t *ret_due);
/* Records that kind fired for the session (once; signalled: whether a signal went out). */
int store_session_record_event(struct store *store, const char *session_id, enum store_due_kind kind,
                               const char *at, bool signalled);

/* ---- keeping the stored future in step with the published schedule ---- */

/* The latest start after `after` (0 when none) and the highest schedule version stored (0). */
int store_sessions_last_start(struct store *store, int64_t after, int64_t *ret_starts_at);
int store_sessions_max_version(struct store *store, int64_t *ret_version);
/* The next regular scheduled session of a group after now, one row per student (student_id
 * NULL when it has none); no rows when the group has no such session. */
struct store_future_member {
        char *staff_id, *program_id, *student_id;
};
int store_sessions_future_members(struct store *store, const char *group_id, int64_t now,
                                  struct store_future_member **ret, size_t *ret_n);
void store_future_members_free(struct store_future_member *rows, size_t n);
/* Deletes the group's regular scheduled sessions that start after now. */
int store_sessions_drop_future(struct store *store, const char *group_id, int64_t now);
/* The sessions a new version holds: cleared, filled one by one, then every other regular
 * scheduled session after now is deleted. */
int store_sessions_hold_clear(struct store *store);
int store_sessions_hold(struct store *store, const char *session_id, int end);
int store_sessions_drop_unheld(struct store *store, int64_t now);
/* What stays of the future belongs to version. */
int store_sessions_adopt(struct store *store, int64_t version, int64_t now);

/* ---- session-report-store.c: what reports, alerts and feeds are computed from ---- */

/* One session of a student (or of a group, present -1) for a dosage tally. */
struct store_dosage_row {
        bool regular; /* not a make-up */
        int planned_minutes;
        enum session_status status;
        int present; /* 1, 0, -1 */
        int minutes; /* 0 before it was logged */
};
typedef void (*store_dosage_fn)(void *userdata, const struct store_dosage_row *row);
/* The student's sessions (of one group, or all when group_id is NULL) that end in [from, to). */
int store_sessions_student_dosage(struct store *store, const char *student_id, const char *group_id, int64_t from,
                                  int64_t to, store_dosage_fn each, void *userdata);
int store_sessions_group_dosage(struct store *store, const char *group_id, int64_t from, int64_t to,
                                store_dosage_fn each, void *userdata);
/* The end of the student's first regular session (fallback when none). */
int store_sessions_first_end(struct store *store, const char *student_id, int64_t fallback, int64_t *ret_ends_at);
/* Sessions the student was recorded absent from (logged, the student not present) that end in
 * (from, to]. A session nobody logged is not the student's absence. */
int store_sessions_absences(struct store *store, const char *student_id, int64_t from, int64_t to, int64_t *ret_n);
/* The group's sessions nobody logged in time (status missed): how many, and when the first of
 * them started (0 when none). */
int store_sessions_group_unlogged(struct store *store, const char *group_id, int64_t *ret_n, int64_t *ret_first);
/* Checklist items delivered and applicable over the group's delivered sessions dated
 * from..to (to excluded), and over the student's attended ones that end in [from, to). */
int store_sessions_group_fidelity(struct store *store, const char *group_id, civil_date from, civil_date to,
                                  int64_t *ret_delivered, int64_t *ret_applicable);
int store_sessions_student_fidelity(struct store *store, const char *student_id, int64_t from, int64_t to,
                                    int64_t *ret_delivered, int64_t *ret_applicable);

/* Whether any session names the student / the group. */
int store_sessions_know_student(struct store *store, const char *student_id);
int store_sessions_know_group(struct store *store, const char *group_id);
/* Ids, each once: the groups a student was in (by group id), the students of a group (in the
 * order they joined), every student (by id), every group (by id). Free with store_strings_free. */
int store_sessions_groups_of(struct store *store, const char *student_id, char ***ret, size_t *ret_n);
int store_sessions_students_of(struct store *store, const char *group_id, char ***ret, size_t *ret_n);
int store_sessions_all_students(struct store *store, char ***ret, size_t *ret_n);
int store_sessions_all_groups(struct store *store, char ***ret, size_t *ret_n);

/* Each (student, group) with a session ending in [from, to], of one program and one
 * interventionist when given, by student and group. */
struct store_dosage_pair {
        char *student_id, *group_id, *program_id, *staff_id;
};
int store_sessions_dosage_pairs(struct store *store, int64_t from, int64_t to, const char *program_id,
                                const char *staff_id, struct store_dosage_pair **ret, size_t *ret_n);
void store_dosage_pairs_free(struct store_dosage_pair *pairs, size_t n);

/* Fidelity of the delivered, checked sessions ending in [from, to], rolled up by one key. */
enum store_fidelity_key { STORE_FIDELITY_GROUP, STORE_FIDELITY_PROGRAM, STORE_FIDELITY_STAFF, STORE_FIDELITY_WEEK };
struct store_fidelity_row {
        char *key; /* the group, program, staff id or the Monday of the week */
        int64_t sessions, delivered, applicable;
        char *program_id, *staff_id; /* of the group (STORE_FIDELITY_GROUP) */
};
int store_sessions_fidelity(struct store *store, enum store_fidelity_key key, int64_t from, int64_t to,
                            const char *program_id, const char *staff_id, struct store_fidelity_row **ret,
                            size_t *ret_n);
void store_fidelity_rows_free(struct store_fidelity_row *rows, size_t n);

/* What the feeds show besides the weekly series: cancelled regular sessions and live make-ups,
 * by date, start and id. */
struct store_feed_change {
        char *session_id, *group_id;
        civil_date date;
        int start, end;
        char *makes_up; /* NULL: a cancellation */
};
int store_sessions_feed_changes(struct store *store, struct store_feed_change **ret, size_t *ret_n);
void store_feed_changes_free(struct store_feed_change *rows, size_t n);
/* The group's regular sessions that started by now. */
struct store_started {
        char *session_id;
        civil_date date;
        int start, end;
        bool cancelled;
};
int store_sessions_started(struct store *store, const char *group_id, int64_t now, struct store_started **ret,
                           size_t *ret_n);
void store_started_free(struct store_started *rows, size_t n);
/* The first start stored (-1 when none) and the first date (1 and *ret_date, or 0). */
int store_sessions_first_start(struct store *store, int64_t *ret_starts_at);
int store_sessions_first_date(struct store *store, civil_date *ret_date);
/* The (version, group) of regular sessions held by now, each once, by version: the groups of
 * earlier versions whose past stays in the feeds. */
struct store_held_group {
        int64_t version;
        char *group_id;
};
int store_sessions_held_groups(struct store *store, int64_t now, struct store_held_group **ret, size_t *ret_n);
void store_held_groups_free(struct store_held_group *rows, size_t n);
