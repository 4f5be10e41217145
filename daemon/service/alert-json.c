/* alert-json.c: alerts as JSON. Field names are part of the contract (DESIGN §6). */
#include "service/alert-json.h"

static struct json_object *string_or_null(const char *text) {
        return text ? json_object_new_string(text) : NULL;
}

struct json_object *alert_document_json(const struct store_alert *alert, const char *school_name) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "kind", json_object_new_string(alert->kind));
        json_object_object_add(o, "created_at", json_object_new_string(alert->created_at));
        json_object_object_add(o, "message", json_object_new_string(alert->message));
        json_object_object_add(o, "session_id", string_or_null(alert->session_id));
        json_object_object_add(o, "student_id", string_or_null(alert->student_id));
        json_object_object_add(o, "group_id", string_or_null(alert->group_id));
        json_object_object_add(o, "staff_id", string_or_null(alert->staff_id));
        if (school_name)
                json_object_object_add(o, "school", json_object_new_string(school_name));
        json_object_object_add(o, "alert_id", json_object_new_int64(alert->id));
        return o;
}

struct json_object *alerts_json(const struct store_alert *alerts, size_t n) {
        struct json_object *list = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
                struct json_object *a = alerts[i].document ? json_tokener_parse(alerts[i].document) : NULL;
                if (!a)
                        a = json_object_new_object();
                json_object_object_add(a, "alert_id", json_object_new_int64(alerts[i].id));
                json_object_object_add(a, "acked_at", string_or_null(alerts[i].acked_at));
                json_object_object_add(a, "command",
                                       json_object_new_string(alert_command_state_names[alerts[i].command_state]));
                json_object_object_add(a, "command_attempts", json_object_new_int(alerts[i].command_attempts));
                json_object_array_add(list, a);
        }
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "alerts", list);
        return o;
}

struct json_object *alert_ack_json(int64_t id, const char *acked_at) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "alert_id", json_object_new_int64(id));
        json_object_object_add(o, "acked_at", json_object_new_string(acked_at));
        return o;
}
