/* version-json.c: the JSON of schedule versions; keys as DESIGN §4 names them (fields may be
 * added, none renamed). */
#include "model/schedule-diff.h"
#include "service/version-json.h"
#include "store/version-store.h"

static struct json_object *needs_json(const struct diff_need *needs, size_t n) {
        struct json_object *a = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "student_id", json_object_new_string(needs[i].student_id));
                json_object_object_add(o, "name", json_object_new_string(needs[i].student_name));
                json_object_object_add(o, "program_id", json_object_new_string(needs[i].program_id));
                json_object_array_add(a, o);
        }
        return a;
}

static struct json_object *version_or_null(int64_t version) {
        return version > 0 ? json_object_new_int64(version) : NULL;
}

struct json_object *version_diff_json(int64_t from, int64_t to, const struct schedule_diff *d) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "from", version_or_null(from));
        json_object_object_add(o, "to", version_or_null(to));
        json_object_object_add(o, "placed_from", json_object_new_int64((int64_t)d->placed_from));
        json_object_object_add(o, "placed_to", json_object_new_int64((int64_t)d->placed_to));
        json_object_object_add(o, "students_losing", needs_json(d->losing, d->n_losing));
        json_object_object_add(o, "students_gaining", needs_json(d->gaining, d->n_gaining));
        json_object_object_add(o, "groups_changed", json_object_new_int64((int64_t)d->groups_changed));
        json_object_object_add(o, "meetings_changed", json_object_new_int64((int64_t)d->meetings_changed));
        struct json_object *teachers = json_object_new_array();
        for (size_t i = 0; i < d->n_teachers_affected; i++)
                json_object_array_add(teachers, json_object_new_string(d->teachers_affected[i]));
        json_object_object_add(o, "teachers_affected", teachers);
        struct json_object *loads = json_object_new_array();
        for (size_t i = 0; i < d->n_loads; i++) {
                const struct diff_load *l = &d->loads[i];
                struct json_object *row = json_object_new_object();
                json_object_object_add(row, "staff_id", json_object_new_string(l->staff_id));
                json_object_object_add(row, "sessions_from", json_object_new_int64(l->sessions_from));
                json_object_object_add(row, "sessions_to", json_object_new_int64(l->sessions_to));
                json_object_object_add(row, "minutes_from", json_object_new_int64(l->minutes_from));
                json_object_object_add(row, "minutes_to", json_object_new_int64(l->minutes_to));
                json_object_array_add(loads, row);
        }
        json_object_object_add(o, "staff_load", loads);
        return o;
}

static struct json_object *text_or_null(const char *text) {
        return text ? json_object_new_string(text) : NULL;
}

struct json_object *version_entry_json(const struct store_version *v) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "version", json_object_new_int64(v->version));
        json_object_object_add(o, "state", json_object_new_string(v->state ? v->state : ""));
        json_object_object_add(o, "created", text_or_null(v->created));
        json_object_object_add(o, "published", text_or_null(v->published));
        json_object_object_add(o, "from", text_or_null(v->from));
        json_object_object_add(o, "placed", json_object_new_int64(v->placed));
        json_object_object_add(o, "needs", json_object_new_int64(v->needs));
        json_object_object_add(o, "upper_bound", v->has_upper_bound ? json_object_new_int64(v->upper_bound) : NULL);
        return o;
}

struct json_object *version_history_json(const struct store_version *versions, size_t n) {
        struct json_object *o = json_object_new_object(), *a = json_object_new_array();
        for (size_t i = n; i > 0; i--)
                json_object_array_add(a, version_entry_json(&versions[i - 1]));
        json_object_object_add(o, "versions", a);
        return o;
}
