/* sessions.h: the life of each session (DESIGN §6): dated occurrences kept in step with the
 * published schedule, one timer for the next reminder, fidelity prompt or missed check,
 * logging, cancellations, make-ups, dosage, fidelity and coordinator alerts. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ical/feed.h"

struct daemon;

/* After the bus is up: catches up what fell due while the daemon was down (past reminders
 * skipped, prompts and missed checks delivered) and arms the timer. 0 or -errno. */
int sessions_start(struct daemon *daemon);
void sessions_stop(struct daemon *daemon);

/* Brings the stored occurrences in step with the published schedule and the calendar: the
 * ones that have not started yet are replaced, the past is kept as it is. Called when a
 * schedule version is published and after an import. 0 or -errno. */
int sessions_sync(struct daemon *daemon);

/* Manual clock: moves it by seconds, firing everything that falls due in between in order,
 * each at its own time. -EPERM in real mode. */
int sessions_advance(struct daemon *daemon, long long seconds);

/* Errors of the calls below: -ENOENT (no such session, student, group, alert), -EINVAL (bad
 * argument), -EEXIST (conflicts with its state), -ENODATA (nothing imported or solved yet),
 * other -errno. why gets a sentence a person can act on. */
#define SESSIONS_WHY_MAX 256

struct sessions_filter {
        const char *date; /* "YYYY-MM-DD", or NULL */
        const char *week; /* any date of the week, or NULL */
        const char *staff_id; /* or NULL */
};
int sessions_list(struct daemon *daemon, const struct sessions_filter *filter, struct json_object **ret,
                  char why[static SESSIONS_WHY_MAX]);

struct sessions_log_request {
        const char *session_id;
        char **absent; /* student ids; NULL: unchanged (first log: everyone present) */
        size_t n_absent;
        bool absent_given;
        int minutes; /* < 0: unchanged (first log: as planned) */
        int *fidelity; /* 0-based checklist indices */
        size_t n_fidelity;
        bool fidelity_given, fidelity_all;
        const char *note; /* NULL: unchanged */
};
int sessions_log(struct daemon *daemon, const struct sessions_log_request *request, struct json_object **ret,
                 char why[static SESSIONS_WHY_MAX]);
int sessions_cancel(struct daemon *daemon, const char *session_id, const char *reason, struct json_object **ret,
                    char why[static SESSIONS_WHY_MAX]);
/* book 0: list the ranked slots; book N: book the N-th as a session of its own. */
int sessions_makeup(struct daemon *daemon, const char *session_id, unsigned book, struct json_object **ret,
                    char why[static SESSIONS_WHY_MAX]);

int sessions_alerts(struct daemon *daemon, bool all, struct json_object **ret);
int sessions_ack(struct daemon *daemon, int64_t alert_id, struct json_object **ret, char why[static SESSIONS_WHY_MAX]);

/* kind "", "student" or "group". */
int sessions_dosage(struct daemon *daemon, const char *kind, const char *id, struct json_object **ret,
                    char why[static SESSIONS_WHY_MAX]);
/* report "dosage" or "fidelity", rows worst first. program_id and staff_id may be NULL. */
int sessions_report(struct daemon *daemon, const char *report, const char *program_id, const char *staff_id,
                    struct json_object **ret, char why[static SESSIONS_WHY_MAX]);

/* The dated changes the feeds must show, for the current schedule: cancelled occurrences
 * (CANCELLED) and booked make-ups (MAKEUP). Strings are owned by the array: free it with
 * sessions_feed_items_free. 0, or -errno. */
int sessions_feed_items(struct daemon *daemon, const struct schedule *schedule, struct ical_feed_item **ret,
                        size_t *ret_n);
void sessions_feed_items_free(struct ical_feed_item *items, size_t n);
