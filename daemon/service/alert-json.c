/* alert-json.c: alerts as JSON. Field names are part of the contract (DESIGN §6). */
#include "service/alert-json.h"

static struct json_object *string_or_null(const char *text) {
        return text ? json_object_new_string(text) : NULL;
}

struct json_object *alert_document_json(const struct store_alert *alert, const char *school_name) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "alert_id", json_object_new_int64(alert->id));
        json_object_object_add(o, "kind", json_object_new_string(alert->kind));
        json_object_object_add(o, "state", json_object_new_string(alert_state_names[alert->state]));
        json_object_object_add(o, "count", json_object_new_int64(alert->count > 0 ? alert->count : 1));
        json_object_object_add(o, "created_at", json_object_new_string(alert->created_at));
        json_object_object_add(o, "first_seen", string_or_null(alert->first_seen ? alert->first_seen : alert->created_at));
        json_object_object_add(o, "last_seen", string_or_null(alert->last_seen ? alert->last_seen : alert->created_at));
        json_object_object_add(o, "acked_at", string_or_null(alert->acked_at));
        json_object_object_add(o, "resolved_at", string_or_null(alert->resolved_at));
        json_object_object_add(o, "message", json_object_new_string(alert->message));
        json_object_object_add(o, "session_id", string_or_null(alert->session_id));
        json_object_object_add(o, "student_id", string_or_null(alert->student_id));
        json_object_object_add(o, "group_id", string_or_null(alert->group_id));
        json_object_object_add(o, "staff_id", string_or_null(alert->staff_id));
        if (school_name)
                json_object_object_add(o, "school", json_object_new_string(school_name));
        return o;
}

struct json_object *alert_signal_json(const struct store_alert *alert) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "alert_id", json_object_new_int64(alert->id));
        json_object_object_add(o, "kind", json_object_new_string(alert->kind));
        json_object_object_add(o, "state", json_object_new_string(alert_state_names[alert->state]));
        json_object_object_add(o, "session_id", string_or_null(alert->session_id));
        json_object_object_add(o, "group_id", string_or_null(alert->group_id));
        return o;
}

struct json_object *alerts_json(const struct store_alert *alerts, size_t n, const char *school_name) {
        struct json_object *list = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
                struct json_object *a = alert_document_json(&alerts[i], school_name);
                json_object_object_add(a, "command",
                                       json_object_new_string(alert_command_state_names[alerts[i].command_state]));
                json_object_object_add(a, "command_attempts", json_object_new_int(alerts[i].command_attempts));
                json_object_array_add(list, a);
        }
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "alerts", list);
        return o;
}

struct json_object *alert_ack_json(const int64_t *ids, size_t n, const char *acked_at) {
        struct json_object *o = json_object_new_object(), *list = json_object_new_array();
        for (size_t i = 0; i < n; i++)
                json_object_array_add(list, json_object_new_int64(ids[i]));
        json_object_object_add(o, "acknowledged", list);
        if (n == 1)
                json_object_object_add(o, "alert_id", json_object_new_int64(ids[0]));
        json_object_object_add(o, "acked_at", json_object_new_string(acked_at));
        return o;
}
