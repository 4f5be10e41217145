/* alert-json.h: alerts as JSON: the document an alert carries (signal, alert command, list)
 * and the list `pullout alerts --json` prints. */
#pragma once

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "store/alert-store.h"

/* The alert's document: kind, created_at, message, the ids it is about, the school's name
 * (when known) and its alert_id. */
struct json_object *alert_document_json(const struct store_alert *alert, const char *school_name);
/* {"alerts": [document + alert_id, acked_at, command, command_attempts, ...]}. */
struct json_object *alerts_json(const struct store_alert *alerts, size_t n);
/* The reply to an acknowledgement. */
struct json_object *alert_ack_json(int64_t id, const char *acked_at);
