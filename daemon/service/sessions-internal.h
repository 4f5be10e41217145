/* sessions-internal.h: what the sessions service files share: the runtime state hung on the
 * daemon, SQL helpers, time conversions and the queue of signals sent after a commit. */
#pragma once

#include <json-c/json.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "daemon.h"
#include "model/timeutil.h"
#include "service/sessions.h"

/* A signal waits here until the transaction that recorded it commits. */
struct pending_signal {
        const char *name; /* SessionReminder, FidelityCheckDue, SessionMissed, Alert */
        char *id; /* session id, or the alert id as text */
        int64_t alert_id;
        char *document;
};

struct sessions_runtime {
        struct event *timer;
        struct pending_signal *pending;
        size_t n_pending;
        bool firing; /* inside sessions_fire_due: no recursive re-arming */
        civil_date stored_to; /* the published schedule's sessions are stored through this day */
        /* the alert command: at most one child at a time */
        pid_t child;
        int64_t child_alert;
        int child_pipe; /* read end: EOF when the child (and all it started) exited */
        struct event *child_event;
        struct event *child_timeout;
        bool child_timed_out;
        struct event *retry_timer;
};

/* SQL: prepares sql, binds args by types ('t' text or NULL, 'i' int64, 'd' int), one char per
 * '?'. 0 or -EIO with the detail in daemon->store->error. */
int sql_prepare(struct daemon *daemon, sqlite3_stmt **ret, const char *sql, const char *types, ...);
/* Runs a statement with no rows; returns sqlite3_changes() or -EIO. */
int sql_run(struct daemon *daemon, const char *sql, const char *types, ...);
/* One integer (the first column of the first row); fallback when there is no row. */
int64_t sql_int(struct daemon *daemon, int64_t fallback, const char *sql, const char *types, ...);
const char *sql_text(sqlite3_stmt *stmt, int column); /* "" for NULL */

/* School local time. */
time_t sessions_time_of(civil_date date, int minute);
civil_date sessions_date_of(time_t when, int *ret_minute);

/* A session as JSON (students with names and attendance, fidelity, log state); NULL when
 * there is no such session. checklist: add the program's checklist. */
struct json_object *sessions_session_json(struct daemon *daemon, const char *session_id, bool checklist);

/* Records an alert once per key, inside the caller's transaction; queues its signal and the
 * alert command. Any of the ids may be NULL. 1 when new, 0 when the key existed, -EIO. */
int sessions_raise_alert(struct daemon *daemon, const char *kind, const char *key, const char *session_id,
                         const char *student_id, const char *group_id, const char *staff_id,
                         const char *message);
/* After a change to a session's state (inside the transaction): dosage, fidelity and
 * repeated-miss checks for its group and students. */
int sessions_check_alerts(struct daemon *daemon, const char *session_id);
void sessions_queue_signal(struct daemon *daemon, const char *name, const char *id, int64_t alert_id,
                           struct json_object *document);
/* Stores the published schedule's sessions of [from, to] that have not started and are not
 * stored yet (a week listed or a session cancelled beyond the horizon). */
int sessions_materialize(struct daemon *daemon, civil_date from, civil_date to);
/* Sends the queued signals (after a commit) or drops them (after a rollback). */
void sessions_flush_signals(struct daemon *daemon, bool send);
/* Re-points the one timer at the next due event. */
void sessions_rearm(struct daemon *daemon);

/* Dosage of one student over [from, to) (unix seconds): regular sessions that ended in it
 * are planned, delivered ones attended are delivered. settled_only: skip unlogged ones. */
struct dosage_tally;
int sessions_student_dosage(struct daemon *daemon, const char *student_id, time_t from, time_t to,
                            bool settled_only, struct dosage_tally *ret);

/* alert-command.c: runs conf.alert_command for pending alerts, one child at a time. */
void alert_command_kick(struct daemon *daemon);
void alert_command_stop(struct daemon *daemon);
