/* session-json.c: sessions as JSON. Field names are part of the contract: fields may be added,
 * none renamed. */
#include "daemon.h"
#include "model/dosage.h"
#include "service/session-json.h"
#include "solver/solver.h"

static struct json_object *string_or_null(const char *text) {
        return text ? json_object_new_string(text) : NULL;
}

static struct json_object *int_or_null(int value) {
        return value < 0 ? NULL : json_object_new_int64(value);
}

static const struct program *program_of(const struct school *school, const char *program_id) {
        int p = school ? school_find_program(school, program_id) : -1;
        return p >= 0 ? &school->programs[p] : NULL;
}

static struct json_object *fidelity_json(const struct store_session *s) {
        if (!s->fidelity)
                return NULL;
        struct json_object *f = json_object_new_object();
        struct json_object *items = json_tokener_parse(s->fidelity);
        json_object_object_add(f, "delivered", items ? items : json_object_new_array());
        json_object_object_add(f, "delivered_count", int_or_null(s->fidelity_delivered));
        json_object_object_add(f, "applicable", int_or_null(s->fidelity_applicable));
        json_object_object_add(f, "score_percent",
                               s->fidelity_applicable > 0
                                       ? json_object_new_int(fidelity_percent(&(struct fidelity_tally){
                                                 .sessions = 1,
                                                 .delivered = s->fidelity_delivered > 0 ? s->fidelity_delivered : 0,
                                                 .applicable = s->fidelity_applicable }))
                                       : NULL);
        return f;
}

struct json_object *session_json(const struct school *school, const struct store_session *s,
                                 const struct store_session_student *students, size_t n_students, bool checklist) {
        struct json_object *o = json_object_new_object();
        char date[11], start[6], end[6], starts_at[32], ends_at[32];
        json_object_object_add(o, "session_id", json_object_new_string(s->session_id));
        json_object_object_add(o, "group_id", json_object_new_string(s->group_id));
        json_object_object_add(o, "schedule_version", json_object_new_int64(s->version));
        const struct program *program = program_of(school, s->program_id);
        json_object_object_add(o, "program_id", json_object_new_string(s->program_id));
        json_object_object_add(o, "program", program ? json_object_new_string(program->name) : NULL);
        int staff = school ? school_find_staff(school, s->staff_id) : -1;
        json_object_object_add(o, "staff_id", json_object_new_string(s->staff_id));
        json_object_object_add(o, "staff_name",
                               json_object_new_string(staff >= 0 ? school->staff[staff].name : s->staff_id));
        json_object_object_add(o, "date", json_object_new_string(date_format(s->date, date)));
        json_object_object_add(o, "start", json_object_new_string(time_format(s->start, start)));
        json_object_object_add(o, "end", json_object_new_string(time_format(s->end, end)));
        daemon_format_time((time_t)s->starts_at, starts_at);
        daemon_format_time((time_t)s->ends_at, ends_at);
        json_object_object_add(o, "starts_at", json_object_new_string(starts_at));
        json_object_object_add(o, "ends_at", json_object_new_string(ends_at));
        json_object_object_add(o, "starts_at_unix", json_object_new_int64(s->starts_at));
        json_object_object_add(o, "planned_minutes", json_object_new_int(s->planned_minutes));
        json_object_object_add(o, "status", json_object_new_string(session_status_names[s->status]));
        json_object_object_add(o, "minutes", int_or_null(s->minutes));
        json_object_object_add(o, "fidelity", fidelity_json(s));
        json_object_object_add(o, "note", string_or_null(s->note));
        json_object_object_add(o, "reason", string_or_null(s->reason));
        json_object_object_add(o, "makes_up", string_or_null(s->makes_up));
        json_object_object_add(o, "logged_at", string_or_null(s->logged_at));

        struct json_object *list = json_object_new_array();
        for (size_t i = 0; i < n_students; i++) {
                struct json_object *student = json_object_new_object();
                const char *id = students[i].student_id;
                int index = school ? school_find_student(school, id) : -1;
                json_object_object_add(student, "student_id", json_object_new_string(id));
                json_object_object_add(student, "name",
                                       json_object_new_string(index >= 0 ? school->students[index].name : id));
                /* Where to collect them: the homeroom teacher and room. */
                const struct teacher *homeroom = index >= 0 && school->students[index].teacher >= 0
                                                         ? &school->teachers[school->students[index].teacher]
                                                         : NULL;
                json_object_object_add(student, "teacher_id", homeroom ? json_object_new_string(homeroom->id) : NULL);
                json_object_object_add(student, "teacher", homeroom ? json_object_new_string(homeroom->name) : NULL);
                json_object_object_add(student, "room", homeroom ? string_or_null(homeroom->room) : NULL);
                json_object_object_add(student, "present",
                                       students[i].present < 0 ? NULL : json_object_new_boolean(students[i].present));
                json_object_array_add(list, student);
        }
        json_object_object_add(o, "students", list);
        if (checklist) {
                struct json_object *items = json_object_new_array();
                for (size_t i = 0; program && i < program->n_checklist; i++)
                        json_object_array_add(items, json_object_new_string(program->checklist[i]));
                json_object_object_add(o, "checklist", items);
        }
        return o;
}

struct json_object *session_signal_json(struct json_object *session, const char *event, const char *at,
                                        long long lead_minutes) {
        static const char *const ids[] = { "session_id", "group_id", "status", "starts_at", "ends_at" };
        struct json_object *o = json_object_new_object();
        for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
                struct json_object *v = json_object_object_get(session, ids[i]);
                json_object_object_add(o, ids[i], v ? json_object_get(v) : NULL);
        }
        json_object_object_add(o, "event", json_object_new_string(event));
        json_object_object_add(o, "at", json_object_new_string(at));
        if (lead_minutes >= 0)
                json_object_object_add(o, "lead_minutes", json_object_new_int64(lead_minutes));
        return o;
}

struct json_object *sessions_list_json(civil_date from, civil_date to, const char *now, struct json_object *sessions) {
        char from_text[11], to_text[11];
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "from", json_object_new_string(date_format(from, from_text)));
        json_object_object_add(o, "to", json_object_new_string(date_format(to, to_text)));
        json_object_object_add(o, "now", json_object_new_string(now));
        json_object_object_add(o, "sessions", sessions);
        return o;
}

struct json_object *session_history_json(const struct store_session_log *log, size_t n) {
        struct json_object *history = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
                struct json_object *h = json_object_new_object();
                json_object_object_add(h, "at", json_object_new_string(log[i].at));
                json_object_object_add(h, "action", json_object_new_string(log[i].action));
                json_object_object_add(h, "detail", log[i].detail ? json_tokener_parse(log[i].detail) : NULL);
                json_object_array_add(history, h);
        }
        return history;
}

struct json_object *makeup_slots_json(const struct school *school, const char *session_id, const char *group_id,
                                      const struct solver_makeup_slot *slots, size_t n) {
        struct json_object *o = json_object_new_object();
        struct json_object *list = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
                struct json_object *s = json_object_new_object();
                char d[11], start[6], end[6];
                json_object_object_add(s, "rank", json_object_new_int((int)i + 1));
                json_object_object_add(s, "date", json_object_new_string(date_format(slots[i].date, d)));
                json_object_object_add(s, "day", json_object_new_string(weekday_name(date_weekday(slots[i].date))));
                json_object_object_add(s, "start", json_object_new_string(time_format(slots[i].start, start)));
                json_object_object_add(s, "end", json_object_new_string(time_format(slots[i].end, end)));
                json_object_object_add(s, "staff_id", json_object_new_string(school->staff[slots[i].staff].id));
                json_object_object_add(s, "staff_name", json_object_new_string(school->staff[slots[i].staff].name));
                json_object_object_add(s, "cost", json_object_new_int64(slots[i].cost));
                json_object_object_add(s, "reason", json_object_new_string(slots[i].reason ? slots[i].reason : ""));
                json_object_array_add(list, s);
        }
        json_object_object_add(o, "session_id", json_object_new_string(session_id));
        json_object_object_add(o, "group_id", json_object_new_string(group_id));
        json_object_object_add(o, "slots", list);
        return o;
}
