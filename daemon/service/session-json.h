/* session-json.h: sessions as JSON (`pullout sessions --json`, the session signals): a stored
 * session with its students' names and attendance, its log, and make-up suggestions. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/session-store.h"

struct school;
struct solver_makeup_slot;

/* school (may be NULL) names the program, the interventionist and the students. checklist:
 * add the program's checklist items. */
struct json_object *session_json(const struct school *school, const struct store_session *session,
                                 const struct store_session_student *students, size_t n_students, bool checklist);
/* {"from", "to", "now", "sessions": [...]}; the sessions array is taken. */
/* What a session signal carries: ids and times only (session_id, group_id, status, starts_at,
 * ends_at, event, at, lead_minutes when >= 0), never a name: every connection the bus lets
 * listen receives it, and a listener fetches the rest with GetSession. */
struct json_object *session_signal_json(struct json_object *session, const char *event, const char *at,
                                        long long lead_minutes);
struct json_object *sessions_list_json(civil_date from, civil_date to, const char *now, struct json_object *sessions);
/* The log of every change, oldest first. */
struct json_object *session_history_json(const struct store_session_log *log, size_t n);
/* The ranked make-up slots for a session of a group. */
struct json_object *makeup_slots_json(const struct school *school, const char *session_id, const char *group_id,
                                      const struct solver_makeup_slot *slots, size_t n);
