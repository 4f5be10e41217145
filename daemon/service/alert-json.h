/* alert-json.h: alerts as JSON: the document an alert carries (signal, alert command, list)
 * and the list `pullout alerts --json` prints. */
#pragma once

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "store/alert-store.h"

/* The alert's document: alert_id, kind, state, count, when it was first and last seen,
 * acknowledged and resolved, message, the ids it is about and the school's name (when known). */
struct json_object *alert_document_json(const struct store_alert *alert, const char *school_name);
/* What the Alert signal carries: ids only (alert_id, kind, state, session_id, group_id), never
 * a student's name or record, since every connection the bus lets listen receives it. */
struct json_object *alert_signal_json(const struct store_alert *alert);
/* {"alerts": [document + command, command_attempts, ...]}. */
struct json_object *alerts_json(const struct store_alert *alerts, size_t n, const char *school_name);
/* The reply to an acknowledgement: {"acknowledged": [ids], "acked_at"} (and "alert_id" for one). */
struct json_object *alert_ack_json(const int64_t *ids, size_t n, const char *acked_at);
