/* session-service.c: what people do with sessions: list them, log them (corrections kept as
 * history), cancel them, and find and book make-ups in the same week. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "model/occurrence.h"
#include "service/alert-rules.h"
#include "service/changes.h"
#include "service/local-time.h"
#include "service/schedule-service.h"
#include "service/session-json.h"
#include "service/session-service.h"
#include "service/session-sync.h"
#include "service/signal-queue.h"
#include "solver/solver.h"
#include "store/session-store.h"

static int storage_failed(struct daemon *daemon, int r, const char *what, char why[static WHY_MAX]) {
        return why_set(why, r, "%s: %s", what, r == -ENOMEM ? strerror(ENOMEM) : store_error(daemon->store));
}

static int not_ready(struct daemon *daemon, char why[static WHY_MAX]) {
        if (!daemon->school)
                return why_set(why, -ENODATA, "nothing imported yet: pullout import DIR, then pullout solve");
        return 0;
}

/* The session and its students as JSON. */
static int load_json(struct daemon *daemon, const char *session_id, bool checklist, struct json_object **ret) {
        struct store_session session = { 0 };
        struct store_session_student *students = NULL;
        size_t n = 0;
        int r = store_session_get(daemon->store, session_id, &session);
        if (r >= 0 && (r = store_session_students(daemon->store, session_id, &students, &n)) >= 0)
                *ret = session_json(daemon->school, &session, students, n, checklist);
        store_session_students_free(students, n);
        store_session_clear(&session);
        return r;
}

/* Whether student_id (NULL: anyone) is among the session's students. */
static bool session_has_student(const struct store_session_student *students, size_t n, const char *student_id) {
        if (!student_id)
                return true;
        for (size_t i = 0; i < n; i++)
                if (strcmp(students[i].student_id, student_id) == 0)
                        return true;
        return false;
}

int sessions_list(struct daemon *daemon, const struct sessions_filter *filter, struct json_object **ret,
                  char why[static WHY_MAX]) {
        civil_date from, to;
        const char *day = filter->date ? filter->date : filter->week;
        if (day) {
                if (date_parse(day, &from) < 0)
                        return why_set(why, -EINVAL, "\"%.32s\" is not a date YYYY-MM-DD", day);
        } else {
                from = local_today(daemon);
        }
        if (filter->week) {
                from = date_week_start(from);
                to = from + 7;
        } else {
                to = from + 1;
        }
        if (filter->staff_id && daemon->school && school_find_staff(daemon->school, filter->staff_id) < 0)
                return why_set(why, -ENOENT, "no staff member %.64s", filter->staff_id);
        if (filter->student_id && daemon->school && school_find_student(daemon->school, filter->student_id) < 0)
                return why_set(why, -ENOENT, "no student %.64s in the data set", filter->student_id);
        /* Days past the stored horizon are stored when someone looks at them. */
        if (to - 1 > daemon->sessions_stored_to)
                sessions_materialize(daemon, from > daemon->sessions_stored_to ? from : daemon->sessions_stored_to + 1,
                                     to - 1);
        struct store_session *sessions = NULL;
        size_t n = 0;
        int r = store_sessions_between(daemon->store, from, to, filter->staff_id, &sessions, &n);
        if (r < 0)
                return storage_failed(daemon, r, "cannot read the sessions", why);
        struct json_object *list = json_object_new_array();
        for (size_t i = 0; i < n && r >= 0; i++) {
                struct store_session_student *students = NULL;
                size_t n_students = 0;
                if ((r = store_session_students(daemon->store, sessions[i].session_id, &students, &n_students)) >= 0 &&
                    session_has_student(students, n_students, filter->student_id))
                        json_object_array_add(list, session_json(daemon->school, &sessions[i], students, n_students,
                                                                 false));
                store_session_students_free(students, n_students);
        }
        store_sessions_free(sessions, n);
        if (r < 0) {
                json_object_put(list);
                return storage_failed(daemon, r, "cannot read the sessions", why);
        }
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        *ret = sessions_list_json(from, to, now, list);
        return 0;
}

/* The session a call is about; a session beyond the stored horizon (cancelled weeks ahead) is
 * stored on demand. */
static int load_session(struct daemon *daemon, const char *session_id, struct store_session *ret,
                        char why[static WHY_MAX]) {
        char group_id[GROUP_ID_MAX];
        civil_date date;
        int start;
        if (occurrence_session_id_parse(session_id, group_id, &date, &start) == 0 &&
            date > daemon->sessions_stored_to && store_session_exists(daemon->store, session_id) == 0)
                sessions_materialize(daemon, date, date);
        int r = store_session_get(daemon->store, session_id, ret);
        if (r == -ENOENT)
                return why_set(why, r, "no session %.64s (pullout sessions --week lists them)", session_id);
        if (r < 0)
                return storage_failed(daemon, r, "cannot read the session", why);
        return 0;
}

/* Ends a change: commit and send its signals, or roll back and drop them. */
static int finish(struct daemon *daemon, int r, const char *what, char why[static WHY_MAX]) {
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                log_error("sessions: %s: %s", what, store_error(daemon->store));
                storage_failed(daemon, r, what, why);
                store_rollback(daemon->store);
                signals_flush(daemon, false);
                return r;
        }
        signals_flush(daemon, true);
        /* Cancellations and make-ups show in the calendar feeds. */
        changes_announce(daemon, CHANGE_SESSIONS);
        return 0;
}

static const struct program *program_of(struct daemon *daemon, const char *program_id) {
        int p = daemon->school ? school_find_program(daemon->school, program_id) : -1;
        return p >= 0 ? &daemon->school->programs[p] : NULL;
}

/* What a log may say about this session. */
static int check_log(struct daemon *daemon, const struct sessions_log_request *req, const struct store_session *s,
                     size_t n_items, char why[static WHY_MAX]) {
        char date[11];
        if (s->status == SESSION_CANCELLED)
                return why_set(why, -EEXIST, "session %.64s was cancelled; book a make-up with pullout makeup %.64s",
                               req->session_id, req->session_id);
        if (s->starts_at > (int64_t)clock_now(&daemon->clock))
                return why_set(why, -EEXIST, "session %.64s has not started yet (it starts %s %02d:%02d)",
                               req->session_id, date_format(s->date, date), s->start / 60, s->start % 60);
        /* Minutes past the planned length would read as more than 100 % delivered and lift the
         * student's dosage over sessions that fell short. */
        if (req->minutes > s->planned_minutes)
                return why_set(why, -EINVAL,
                               "--minutes %d is more than session %.64s's planned length of %d minutes (%02d:%02d-%02d:%02d)",
                               req->minutes, req->session_id, s->planned_minutes, s->start / 60, s->start % 60,
                               s->end / 60, s->end % 60);
        if (req->note && strlen(req->note) > SESSION_NOTE_MAX)
                return why_set(why, -EINVAL, "a note has at most %d characters", SESSION_NOTE_MAX);
        for (size_t i = 0; i < req->n_absent; i++) {
                int member = store_session_has_student(daemon->store, req->session_id, req->absent[i]);
                if (member < 0)
                        return storage_failed(daemon, member, "cannot read the session", why);
                if (!member)
                        return why_set(why, -ENOENT, "student %.64s is not in session %.64s", req->absent[i],
                                       req->session_id);
        }
        for (size_t i = 0; i < req->n_fidelity; i++)
                if (req->fidelity[i] < 0 || (size_t)req->fidelity[i] >= n_items)
                        return why_set(why, -EINVAL, "fidelity item %d does not exist: program %.64s has %zu items",
                                       req->fidelity[i] + 1, s->program_id, n_items);
        return 0;
}

/* The checklist items delivered, each once, as the program names them. */
static struct json_object *delivered_items(const struct sessions_log_request *req, const struct program *program,
                                           size_t n_items, int *ret_delivered) {
        struct json_object *items = json_object_new_array();
        bool seen[256] = { false }; /* more items than a checklist has in practice */
        int delivered = 0;
        for (size_t i = 0; i < n_items && i < sizeof seen / sizeof seen[0]; i++) {
                bool on = req->fidelity_all;
                for (size_t k = 0; k < req->n_fidelity && !on; k++)
                        on = (size_t)req->fidelity[k] == i;
                if (on && !seen[i]) {
                        seen[i] = true;
                        delivered++;
                        json_object_array_add(items, json_object_new_string(program->checklist[i]));
                }
        }
        *ret_delivered = delivered;
        return items;
}

/* The changes of one log, inside its transaction; detail records what it said. */
static int record_log(struct daemon *daemon, const struct sessions_log_request *req, const struct program *program,
                      size_t n_items, bool first, const char *now, struct json_object *detail) {
        struct store *store = daemon->store;
        int r = store_session_deliver(store, req->session_id, now, first);
        if (r >= 0 && req->minutes >= 0) {
                r = store_session_set_minutes(store, req->session_id, req->minutes);
                json_object_object_add(detail, "minutes", json_object_new_int(req->minutes));
        }
        if (r >= 0 && req->absent_given) {
                struct json_object *absent = json_object_new_array();
                r = store_session_set_absent(store, req->session_id, req->absent, req->n_absent);
                for (size_t i = 0; i < req->n_absent; i++)
                        json_object_array_add(absent, json_object_new_string(req->absent[i]));
                json_object_object_add(detail, "absent", absent);
        }
        if (r >= 0 && req->fidelity_given) {
                int delivered = 0;
                struct json_object *items = delivered_items(req, program, n_items, &delivered);
                r = store_session_set_fidelity(store, req->session_id,
                                               json_object_to_json_string_ext(items, JSON_C_TO_STRING_PLAIN), delivered,
                                               (int)n_items);
                json_object_object_add(detail, "fidelity", items);
        }
        if (r >= 0 && req->note) {
                r = store_session_set_note(store, req->session_id, req->note[0] ? req->note : NULL);
                json_object_object_add(detail, "note", json_object_new_string(req->note));
        }
        if (r >= 0)
                r = store_session_log_append(store, req->session_id, now, first ? "logged" : "corrected",
                                             json_object_to_json_string_ext(detail, JSON_C_TO_STRING_PLAIN));
        if (r >= 0)
                r = alerts_check_session(daemon, req->session_id);
        return r;
}

int sessions_log(struct daemon *daemon, const struct sessions_log_request *req, struct json_object **ret,
                 char why[static WHY_MAX]) {
        struct store_session s = { 0 };
        int r = not_ready(daemon, why);
        if (r < 0 || (r = load_session(daemon, req->session_id, &s, why)) < 0)
                return r;
        const struct program *program = program_of(daemon, s.program_id);
        size_t n_items = program ? program->n_checklist : 0;
        bool first = s.status != SESSION_DELIVERED;
        r = check_log(daemon, req, &s, n_items, why);
        store_session_clear(&s);
        if (r < 0)
                return r;

        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        struct json_object *detail = json_object_new_object();
        if ((r = store_begin(daemon->store)) >= 0)
                r = record_log(daemon, req, program, n_items, first, now, detail);
        json_object_put(detail);
        if ((r = finish(daemon, r, "cannot record the log", why)) < 0)
                return r;
        /* The session as it is now, with the history of every change, oldest first. */
        struct store_session_log *log = NULL;
        size_t n = 0;
        struct json_object *o = NULL;
        if ((r = load_json(daemon, req->session_id, true, &o)) >= 0 &&
            (r = store_session_history(daemon->store, req->session_id, &log, &n)) >= 0)
                json_object_object_add(o, "history", session_history_json(log, n));
        store_session_logs_free(log, n);
        if (r < 0) {
                json_object_put(o);
                return storage_failed(daemon, r, "the log is stored, but cannot be read back", why);
        }
        *ret = o;
        return 0;
}

int sessions_get(struct daemon *daemon, const char *session_id, struct json_object **ret, char why[static WHY_MAX]) {
        struct store_session s = { 0 };
        int r = not_ready(daemon, why);
        if (r < 0 || (r = load_session(daemon, session_id, &s, why)) < 0)
                return r;
        store_session_clear(&s);
        if ((r = load_json(daemon, session_id, true, ret)) < 0)
                return storage_failed(daemon, r, "cannot read the session", why);
        return 0;
}

static void add_makeup_count(struct daemon *daemon, const char *session_id, struct json_object *o);

int sessions_cancel(struct daemon *daemon, const char *session_id, const char *reason, struct json_object **ret,
                    char why[static WHY_MAX]) {
        struct store_session s = { 0 };
        int r = not_ready(daemon, why);
        if (r < 0 || (r = load_session(daemon, session_id, &s, why)) < 0)
                return r;
        enum session_status was = s.status;
        store_session_clear(&s);
        if (was != SESSION_SCHEDULED && was != SESSION_MISSED)
                return why_set(why, -EEXIST, "session %.64s is already %s", session_id, session_status_names[was]);
        if (!reason || !reason[0] || strlen(reason) > SESSION_REASON_MAX)
                return why_set(why, -EINVAL, "say why the session is cancelled (--reason, at most %d characters)",
                               SESSION_REASON_MAX);
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        struct json_object *detail = json_object_new_object();
        json_object_object_add(detail, "reason", json_object_new_string(reason));
        json_object_object_add(detail, "was", json_object_new_string(session_status_names[was]));
        if ((r = store_begin(daemon->store)) >= 0)
                r = store_session_cancel(daemon->store, session_id, reason, now);
        if (r >= 0)
                r = store_session_log_append(daemon->store, session_id, now, "cancelled",
                                             json_object_to_json_string_ext(detail, JSON_C_TO_STRING_PLAIN));
        json_object_put(detail);
        if (r >= 0)
                r = alerts_check_session(daemon, session_id);
        if ((r = finish(daemon, r, "cannot record the cancellation", why)) < 0)
                return r;
        log_info("session %s cancelled: %s", session_id, reason);
        if ((r = load_json(daemon, session_id, false, ret)) < 0)
                return storage_failed(daemon, r, "the cancellation is stored, but cannot be read back", why);
        add_makeup_count(daemon, session_id, *ret);
        return 0;
}

/* Make-ups already booked in the week, as busy time for the solver: their interventionist
 * and every one of their students. */
static int booked_busy(struct daemon *daemon, civil_date week, struct solver_busy **ret, size_t *ret_n) {
        const struct school *school = daemon->school;
        struct store_booked *rows = NULL;
        size_t n_rows = 0;
        int r = store_sessions_booked_makeups(daemon->store, date_week_start(week), date_week_start(week) + 7, &rows,
                                              &n_rows);
        if (r < 0)
                return r;
        struct solver_busy *busy = n_rows ? calloc(2 * n_rows, sizeof *busy) : NULL;
        size_t n = 0;
        if (n_rows && !busy) {
                store_booked_free(rows, n_rows);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n_rows; i++) {
                int staff = school_find_staff(school, rows[i].staff_id);
                int student = rows[i].student_id ? school_find_student(school, rows[i].student_id) : -1;
                if (staff >= 0)
                        busy[n++] = (struct solver_busy){ rows[i].date, rows[i].start, rows[i].end, staff, -1 };
                if (student >= 0)
                        busy[n++] = (struct solver_busy){ rows[i].date, rows[i].start, rows[i].end, -1, student };
        }
        store_booked_free(rows, n_rows);
        *ret = busy;
        *ret_n = n;
        return 0;
}

static int book(struct daemon *daemon, const char *session_id, const struct store_session *s,
                const struct group *group, const struct solver_makeup_slot *slot, struct json_object **ret,
                char why[static WHY_MAX]) {
        const struct school *school = daemon->school;
        char id[OCCURRENCE_SESSION_ID_MAX], now[32], detail[160];
        occurrence_session_id(group->id, slot->date, slot->start, id);
        daemon_format_time(clock_now(&daemon->clock), now);
        int r = store_session_exists(daemon->store, id);
        if (r < 0)
                return storage_failed(daemon, r, "cannot read the sessions", why);
        if (r > 0)
                return why_set(why, -EEXIST, "a session already takes that slot");
        struct store_session makeup = {
                .session_id = id,
                .group_id = (char *)group->id,
                .version = daemon->schedule->version,
                .program_id = s->program_id,
                .staff_id = school->staff[slot->staff].id,
                .date = slot->date,
                .start = slot->start,
                .end = slot->end,
                .starts_at = (int64_t)local_time_of(slot->date, slot->start),
                .ends_at = (int64_t)local_time_of(slot->date, slot->end),
                .planned_minutes = slot->end - slot->start,
                .makes_up = (char *)session_id,
        };
        if ((r = store_begin(daemon->store)) >= 0)
                r = store_session_insert(daemon->store, &makeup, now);
        if (r >= 0)
                r = store_session_copy_students(daemon->store, id, session_id);
        snprintf(detail, sizeof detail, "{\"makeup\":\"%s\"}", id);
        if (r >= 0)
                r = store_session_log_append(daemon->store, session_id, now, "makeup_booked", detail);
        snprintf(detail, sizeof detail, "{\"makes_up\":\"%s\"}", session_id);
        if (r >= 0)
                r = store_session_log_append(daemon->store, id, now, "booked", detail);
        if ((r = finish(daemon, r, "cannot book the make-up", why)) < 0)
                return r;
        log_info("make-up %s booked for %s", id, session_id);
        if ((r = load_json(daemon, id, false, ret)) < 0)
                return storage_failed(daemon, r, "the make-up is booked, but cannot be read back", why);
        return 0;
}

/* Why a session cannot be made up, or 0. */
static int check_makeup(struct daemon *daemon, const char *session_id, const struct store_session *s,
                        char why[static WHY_MAX]) {
        int r = schedule_required(daemon, why);
        if (r < 0)
                return r;
        if (s->status != SESSION_CANCELLED && s->status != SESSION_MISSED)
                return why_set(why, -EEXIST, "session %.64s is %s: only a cancelled or missed session is made up",
                               session_id, session_status_names[s->status]);
        if (s->makes_up)
                return why_set(why, -EEXIST, "session %.64s is itself a make-up (of %.64s)", session_id, s->makes_up);
        char *existing = NULL;
        r = store_session_makeup_of(daemon->store, session_id, &existing);
        if (r > 0)
                r = why_set(why, -EEXIST, "session %.64s already has a make-up: %.64s", session_id, existing);
        else if (r < 0)
                r = storage_failed(daemon, r, "cannot read the sessions", why);
        free(existing);
        return r;
}

/* The free slots of s's week for a make-up of it, best first (at most 10): what `pullout makeup`
 * lists. Refused, with why, when s cannot be made up. */
static int makeup_slots(struct daemon *daemon, const char *session_id, const struct store_session *s, int *ret_group,
                        struct solver_makeup_slot **ret_slots, size_t *ret_n, char why[static WHY_MAX]) {
        struct solver_busy *busy = NULL;
        size_t n_busy = 0;
        int r = check_makeup(daemon, session_id, s, why);
        if (r < 0)
                return r;
        int g = schedule_find_group(daemon->schedule, s->group_id);
        if (g < 0)
                return why_set(why, -ENOENT, "group %.32s is no longer in the published schedule", s->group_id);
        if ((r = booked_busy(daemon, s->date, &busy, &n_busy)) < 0)
                return storage_failed(daemon, r, "cannot read the booked make-ups", why);
        int minute;
        civil_date today = local_date_of(clock_now(&daemon->clock), &minute);
        struct solver_weights weights;
        conf_solver_weights(&daemon->conf, &weights);
        struct solver_makeup_request request = {
                .group = g,
                .week = s->date,
                .not_before_date = today,
                .not_before_minute = minute,
                .any_staff = true,
                .busy = busy,
                .n_busy = n_busy,
                .max_results = 10,
                .weights = &weights,
        };
        if ((r = solver_makeup(daemon->schedule, &request, ret_slots, ret_n)) < 0)
                why_set(why, r, "cannot search make-up slots: %s", strerror(-r));
        else
                *ret_group = g;
        free(busy);
        return r;
}

int sessions_makeup(struct daemon *daemon, const char *session_id, unsigned book_index, struct json_object **ret,
                    char why[static WHY_MAX]) {
        struct store_session s = { 0 };
        struct solver_makeup_slot *slots = NULL;
        size_t n = 0;
        int g = -1;
        int r = not_ready(daemon, why);
        if (r < 0 || (r = load_session(daemon, session_id, &s, why)) < 0)
                return r;
        if ((r = makeup_slots(daemon, session_id, &s, &g, &slots, &n, why)) < 0)
                goto out;
        const struct group *group = &daemon->schedule->groups[g];
        if (book_index == 0)
                *ret = makeup_slots_json(daemon->school, session_id, s.group_id, slots, n);
        else if (book_index > n)
                r = why_set(why, -EINVAL, "there are %zu suggestions; --book takes 1..%zu", n, n);
        else
                r = book(daemon, session_id, &s, group, &slots[book_index - 1], ret, why);
out:
        solver_makeup_slots_free(slots, n);
        store_session_clear(&s);
        return r;
}

/* A cancellation's answer says whether a make-up can be had this week: makeup_slots, how many
 * slots `pullout makeup` would list now (0: none is free), or null with makeup_why when the
 * session cannot be made up at all. The cancellation stands either way. */
static void add_makeup_count(struct daemon *daemon, const char *session_id, struct json_object *o) {
        struct store_session s = { 0 };
        struct solver_makeup_slot *slots = NULL;
        size_t n = 0;
        int g = -1;
        char why[WHY_MAX] = "";
        int r = load_session(daemon, session_id, &s, why);
        if (r >= 0)
                r = makeup_slots(daemon, session_id, &s, &g, &slots, &n, why);
        json_object_object_add(o, "makeup_slots", r >= 0 ? json_object_new_int64((int64_t)n) : NULL);
        if (r < 0)
                json_object_object_add(o, "makeup_why", json_object_new_string(why));
        solver_makeup_slots_free(slots, n);
        store_session_clear(&s);
}
