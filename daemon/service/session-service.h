/* session-service.h: what people do with sessions (DESIGN §6): list them, log them (a
 * correction keeps the earlier record), cancel them, and find and book a make-up in the same
 * week. Errors as why.h says; why gets the sentence. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "service/why.h"

struct daemon;

/* Limits of what a log or a cancellation carries. */
#define SESSION_ABSENT_MAX 64 /* absent students in one log */
#define SESSION_FIDELITY_ITEMS_MAX 64 /* checklist items of one program */
#define SESSION_NOTE_MAX 2000
#define SESSION_REASON_MAX 500
#define SESSION_MINUTES_MAX 600
#define SESSION_MAKEUP_CHOICES_MAX 100 /* the suggestion number --book takes */

struct sessions_filter {
        const char *date; /* "YYYY-MM-DD", or NULL */
        const char *week; /* any date of the week, or NULL */
        const char *staff_id; /* or NULL */
        const char *student_id; /* or NULL: only the sessions this student is in */
};
int sessions_list(struct daemon *daemon, const struct sessions_filter *filter, struct json_object **ret,
                  char why[static WHY_MAX]);

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
                 char why[static WHY_MAX]);
/* One session as sessions_list shows it, with its program's checklist: what a listener of the
 * session signals (which carry ids only) fetches, through an authorized call. */
int sessions_get(struct daemon *daemon, const char *session_id, struct json_object **ret, char why[static WHY_MAX]);
int sessions_cancel(struct daemon *daemon, const char *session_id, const char *reason, struct json_object **ret,
                    char why[static WHY_MAX]);
/* book 0: list the ranked slots; book N: book the N-th as a session of its own. */
int sessions_makeup(struct daemon *daemon, const char *session_id, unsigned book, struct json_object **ret,
                    char why[static WHY_MAX]);
