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
/* from 0: the published version; to 0: the newest draft. */
int versions_diff(struct daemon *daemon, int64_t from, int64_t to, struct json_object **ret, char why[static WHY_MAX]);
/* `pullout schedule --version N` (0: the published one). */
int versions_show(struct daemon *daemon, int64_t version, struct json_object **ret, char why[static WHY_MAX]);
/* At start: the day the published version took effect (daemon->published_from). */
int versions_load(struct daemon *daemon);
