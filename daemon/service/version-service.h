/* version-service.h: schedule versions a person reviews before anyone sees them (DESIGN §4
 * "Versions"): drafts, what-ifs, the diff between two, publication from a date with its guard
 * against silent drops, history and revert. Errors as why.h says; a refusal with a list (the
 * students who would lose a place, the rules a revert would break) has it one a line in
 * *ret_detail (malloc'd). */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "service/why.h"

struct daemon;
struct schedule;

struct publish_request {
        int64_t version; /* 0: the newest draft */
        const char *from; /* NULL or "": the default (today for the first, else next Monday); "today"; YYYY-MM-DD */
        bool allow_drop; /* publish even when a student loses a place */
};

/* A finished solve: schedule (taken) stored as a draft (or what-if) and answered with its
 * summary, state, placed, needs, upper_bound and the diff against the published version; with
 * publish, published at once under the same guards as versions_publish. */
int versions_solved(struct daemon *daemon, struct schedule *schedule, unsigned seed, bool what_if,
                    const struct publish_request *publish, struct json_object **ret, char **ret_detail,
                    char why[static WHY_MAX]);
/* A hand change (move): schedule (taken) stored and published from from (NULL or "": today;
 * "today"; YYYY-MM-DD), nobody dropped. */
int versions_publish_now(struct daemon *daemon, struct schedule *schedule, const char *from, struct json_object **ret,
                         char why[static WHY_MAX]);
int versions_publish(struct daemon *daemon, const struct publish_request *request, struct json_object **ret,
                     char **ret_detail, char why[static WHY_MAX]);
/* Publishes a copy of request->version after checking it against today's data. */
int versions_revert(struct daemon *daemon, const struct publish_request *request, struct json_object **ret,
                    char **ret_detail, char why[static WHY_MAX]);
int versions_history(struct daemon *daemon, struct json_object **ret, char why[static WHY_MAX]);
/* How a ScheduleDiff or ScheduleVersion ended: error 0 and answer (the callee's to keep or
 * put), or a negative errno with why. */
typedef void (*versions_answer_fn)(void *userdata, int error, const char *why, struct json_object *answer);
/* The next two read a what-if against the data set it was solved on, read back from its files
 * on a worker thread (what-if-read.c), so they may answer later: 0 when done(userdata, ...) is
 * called (now, when no what-if is named, else later on the loop) exactly once; a negative errno
 * with why, and done never called, when refused at once. */
/* from 0: the published version; to 0: the newest draft. */
int versions_diff(struct daemon *daemon, int64_t from, int64_t to, versions_answer_fn done, void *userdata,
                  char why[static WHY_MAX]);
/* `pullout schedule --version N` (0: the published one). */
int versions_show(struct daemon *daemon, int64_t version, versions_answer_fn done, void *userdata,
                  char why[static WHY_MAX]);
/* At start: the day the published version took effect (daemon->published_from). */
int versions_load(struct daemon *daemon);
