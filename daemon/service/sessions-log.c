/* sessions-log.c: what people do with sessions: list them, log them (corrections kept as
 * history), cancel them, and find and book make-ups in the same week. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "model/occurrence.h"
#include "service/feed-service.h"
#include "service/sessions-internal.h"
#include "solver/solver.h"

#define SESSION_COLUMNS                                                                                          \
        "session_id, group_id, version, program_id, staff_id, date, start, end, starts_at, ends_at,"            \
        " planned_minutes, status, minutes, fidelity, fidelity_delivered, fidelity_applicable, note, reason,"  \
        " makes_up, logged_at"

static struct json_object *text_or_null(sqlite3_stmt *stmt, int column) {
        return sqlite3_column_type(stmt, column) == SQLITE_NULL ? NULL : json_object_new_string(sql_text(stmt, column));
}

static struct json_object *int_or_null(sqlite3_stmt *stmt, int column) {
        return sqlite3_column_type(stmt, column) == SQLITE_NULL ? NULL
                                                                 : json_object_new_int64(sqlite3_column_int64(stmt, column));
}

static const struct program *program_of(struct daemon *daemon, const char *program_id) {
        int p = daemon->school ? school_find_program(daemon->school, program_id) : -1;
        return p >= 0 ? &daemon->school->programs[p] : NULL;
}

/* One row of SESSION_COLUMNS as JSON. */
static struct json_object *row_json(struct daemon *daemon, sqlite3_stmt *stmt, bool checklist) {
        struct json_object *o = json_object_new_object();
        char start[6], end[6], starts_at[32], ends_at[32];
        const char *session_id = sql_text(stmt, 0);
        json_object_object_add(o, "session_id", json_object_new_string(session_id));
        json_object_object_add(o, "group_id", json_object_new_string(sql_text(stmt, 1)));
        json_object_object_add(o, "schedule_version", json_object_new_int64(sqlite3_column_int64(stmt, 2)));
        const char *program_id = sql_text(stmt, 3);
        const struct program *program = program_of(daemon, program_id);
        json_object_object_add(o, "program_id", json_object_new_string(program_id));
        json_object_object_add(o, "program", program ? json_object_new_string(program->name) : NULL);
        const char *staff_id = sql_text(stmt, 4);
        int staff = daemon->school ? school_find_staff(daemon->school, staff_id) : -1;
        json_object_object_add(o, "staff_id", json_object_new_string(staff_id));
        json_object_object_add(o, "staff_name",
                               json_object_new_string(staff >= 0 ? daemon->school->staff[staff].name : staff_id));
        json_object_object_add(o, "date", json_object_new_string(sql_text(stmt, 5)));
        json_object_object_add(o, "start", json_object_new_string(time_format(sqlite3_column_int(stmt, 6), start)));
        json_object_object_add(o, "end", json_object_new_string(time_format(sqlite3_column_int(stmt, 7), end)));
        daemon_format_time((time_t)sqlite3_column_int64(stmt, 8), starts_at);
        daemon_format_time((time_t)sqlite3_column_int64(stmt, 9), ends_at);
        json_object_object_add(o, "starts_at", json_object_new_string(starts_at));
        json_object_object_add(o, "ends_at", json_object_new_string(ends_at));
        json_object_object_add(o, "starts_at_unix", json_object_new_int64(sqlite3_column_int64(stmt, 8)));
        json_object_object_add(o, "planned_minutes", json_object_new_int(sqlite3_column_int(stmt, 10)));
        json_object_object_add(o, "status", json_object_new_string(sql_text(stmt, 11)));
        json_object_object_add(o, "minutes", int_or_null(stmt, 12));
        if (sqlite3_column_type(stmt, 13) != SQLITE_NULL) {
                struct json_object *f = json_object_new_object();
                struct json_object *items = json_tokener_parse(sql_text(stmt, 13));
                json_object_object_add(f, "delivered", items ? items : json_object_new_array());
                json_object_object_add(f, "delivered_count", int_or_null(stmt, 14));
                json_object_object_add(f, "applicable", int_or_null(stmt, 15));
                int applicable = sqlite3_column_int(stmt, 15);
                json_object_object_add(f, "score_percent",
                                       applicable > 0 ? json_object_new_int(sqlite3_column_int(stmt, 14) * 100 /
                                                                            applicable)
                                                      : NULL);
                json_object_object_add(o, "fidelity", f);
        } else {
                json_object_object_add(o, "fidelity", NULL);
        }
        json_object_object_add(o, "note", text_or_null(stmt, 16));
        json_object_object_add(o, "reason", text_or_null(stmt, 17));
        json_object_object_add(o, "makes_up", text_or_null(stmt, 18));
        json_object_object_add(o, "logged_at", text_or_null(stmt, 19));

        struct json_object *students = json_object_new_array();
        sqlite3_stmt *s = NULL;
        if (sql_prepare(daemon, &s, "SELECT student_id, present FROM session_students WHERE session_id = ?"
                                    " ORDER BY rowid", "t", session_id) >= 0) {
                while (sqlite3_step(s) == SQLITE_ROW) {
                        struct json_object *student = json_object_new_object();
                        const char *id = sql_text(s, 0);
                        int index = daemon->school ? school_find_student(daemon->school, id) : -1;
                        json_object_object_add(student, "student_id", json_object_new_string(id));
                        json_object_object_add(student, "name", json_object_new_string(
                                                                        index >= 0 ? daemon->school->students[index].name
                                                                                   : id));
                        json_object_object_add(student, "present",
                                               sqlite3_column_type(s, 1) == SQLITE_NULL
                                                       ? NULL
                                                       : json_object_new_boolean(sqlite3_column_int(s, 1)));
                        json_object_array_add(students, student);
                }
                sqlite3_finalize(s);
        }
        json_object_object_add(o, "students", students);
        if (checklist) {
                struct json_object *items = json_object_new_array();
                for (size_t i = 0; program && i < program->n_checklist; i++)
                        json_object_array_add(items, json_object_new_string(program->checklist[i]));
                json_object_object_add(o, "checklist", items);
        }
        return o;
}

struct json_object *sessions_session_json(struct daemon *daemon, const char *session_id, bool checklist) {
        sqlite3_stmt *stmt = NULL;
        if (sql_prepare(daemon, &stmt, "SELECT " SESSION_COLUMNS " FROM sessions WHERE session_id = ?", "t",
                        session_id) < 0)
                return NULL;
        struct json_object *o = sqlite3_step(stmt) == SQLITE_ROW ? row_json(daemon, stmt, checklist) : NULL;
        sqlite3_finalize(stmt);
        return o;
}

static int not_ready(struct daemon *daemon, char *why) {
        if (!daemon->school) {
                snprintf(why, SESSIONS_WHY_MAX, "nothing imported yet: pullout import DIR, then pullout solve");
                return -ENODATA;
        }
        return 0;
}

int sessions_list(struct daemon *daemon, const struct sessions_filter *filter, struct json_object **ret,
                  char why[static SESSIONS_WHY_MAX]) {
        civil_date from, to;
        char from_text[11], to_text[11];
        const char *day = filter->date ? filter->date : filter->week;
        if (day) {
                if (date_parse(day, &from) < 0) {
                        snprintf(why, SESSIONS_WHY_MAX, "\"%.32s\" is not a date YYYY-MM-DD", day);
                        return -EINVAL;
                }
        } else {
                from = sessions_date_of(clock_now(&daemon->clock), NULL);
        }
        if (filter->week) {
                from = date_week_start(from);
                to = from + 7;
        } else {
                to = from + 1;
        }
        if (filter->staff_id && daemon->school && school_find_staff(daemon->school, filter->staff_id) < 0) {
                snprintf(why, SESSIONS_WHY_MAX, "no staff member %.64s", filter->staff_id);
                return -ENOENT;
        }
        /* Days past the stored horizon are stored when someone looks at them. */
        if (daemon->sessions && to - 1 > daemon->sessions->stored_to)
                sessions_materialize(daemon, from > daemon->sessions->stored_to ? from : daemon->sessions->stored_to + 1,
                                     to - 1);
        date_format(from, from_text);
        date_format(to, to_text);
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(daemon, &stmt,
                            "SELECT " SESSION_COLUMNS " FROM sessions WHERE date >= ? AND date < ?"
                            " AND (? IS NULL OR staff_id = ?) ORDER BY date, start, group_id",
                            "tttt", from_text, to_text, filter->staff_id, filter->staff_id);
        if (r < 0)
                return r;
        struct json_object *o = json_object_new_object();
        struct json_object *list = json_object_new_array();
        while (sqlite3_step(stmt) == SQLITE_ROW)
                json_object_array_add(list, row_json(daemon, stmt, false));
        sqlite3_finalize(stmt);
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        json_object_object_add(o, "from", json_object_new_string(from_text));
        json_object_object_add(o, "to", json_object_new_string(to_text));
        json_object_object_add(o, "now", json_object_new_string(now));
        json_object_object_add(o, "sessions", list);
        *ret = o;
        return 0;
}

/* The state of one session row that the calls below check. */
struct session_state {
        char status[16];
        char group_id[GROUP_ID_MAX + 8];
        char program_id[64];
        char staff_id[64];
        char date[16];
        char makes_up[64];
        int start, end;
        time_t starts_at, ends_at;
        int planned_minutes;
};

static int load_state(struct daemon *daemon, const char *session_id, struct session_state *st, char *why) {
        /* A session beyond the stored horizon (cancelled weeks ahead) is stored on demand. */
        char group_id[GROUP_ID_MAX];
        civil_date date;
        int start;
        if (occurrence_session_id_parse(session_id, group_id, &date, &start) == 0 && daemon->sessions &&
            date > daemon->sessions->stored_to &&
            sql_int(daemon, 0, "SELECT count(*) FROM sessions WHERE session_id = ?", "t", session_id) == 0)
                sessions_materialize(daemon, date, date);
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(daemon, &stmt,
                            "SELECT status, group_id, program_id, staff_id, date, start, end, starts_at, ends_at,"
                            " planned_minutes, makes_up FROM sessions WHERE session_id = ?",
                            "t", session_id);
        if (r < 0)
                return r;
        if (sqlite3_step(stmt) != SQLITE_ROW) {
                sqlite3_finalize(stmt);
                snprintf(why, SESSIONS_WHY_MAX, "no session %.64s (pullout sessions --week lists them)", session_id);
                return -ENOENT;
        }
        snprintf(st->status, sizeof st->status, "%s", sql_text(stmt, 0));
        snprintf(st->group_id, sizeof st->group_id, "%s", sql_text(stmt, 1));
        snprintf(st->program_id, sizeof st->program_id, "%s", sql_text(stmt, 2));
        snprintf(st->staff_id, sizeof st->staff_id, "%s", sql_text(stmt, 3));
        snprintf(st->date, sizeof st->date, "%s", sql_text(stmt, 4));
        st->start = sqlite3_column_int(stmt, 5);
        st->end = sqlite3_column_int(stmt, 6);
        st->starts_at = (time_t)sqlite3_column_int64(stmt, 7);
        st->ends_at = (time_t)sqlite3_column_int64(stmt, 8);
        st->planned_minutes = sqlite3_column_int(stmt, 9);
        snprintf(st->makes_up, sizeof st->makes_up, "%s", sql_text(stmt, 10));
        sqlite3_finalize(stmt);
        return 0;
}

static bool is_member(struct daemon *daemon, const char *session_id, const char *student_id) {
        return sql_int(daemon, 0, "SELECT COUNT(*) FROM session_students WHERE session_id = ? AND student_id = ?",
                       "tt", session_id, student_id) > 0;
}

/* Ends a change: commit and send its signals, or roll back and drop them. */
static int finish(struct daemon *daemon, int r, const char *what) {
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                log_error("sessions: %s: %s", what, daemon->store->error);
                store_rollback(daemon->store);
                sessions_flush_signals(daemon, false);
                return r;
        }
        sessions_flush_signals(daemon, true);
        sessions_rearm(daemon);
        /* Cancellations and make-ups show in the calendar feeds (rebuilt on the next fetch;
         * unchanged bytes keep their ETag). */
        feeds_invalidate(daemon);
        return 0;
}

int sessions_log(struct daemon *daemon, const struct sessions_log_request *req, struct json_object **ret,
                 char why[static SESSIONS_WHY_MAX]) {
        struct session_state st;
        int r = not_ready(daemon, why);
        if (r < 0 || (r = load_state(daemon, req->session_id, &st, why)) < 0)
                return r;
        time_t now = clock_now(&daemon->clock);
        if (strcmp(st.status, "cancelled") == 0) {
                snprintf(why, SESSIONS_WHY_MAX, "session %.64s was cancelled; book a make-up with pullout makeup %.64s",
                         req->session_id, req->session_id);
                return -EEXIST;
        }
        if (st.starts_at > now) {
                snprintf(why, SESSIONS_WHY_MAX, "session %.64s has not started yet (it starts %s %02d:%02d)",
                         req->session_id, st.date, st.start / 60, st.start % 60);
                return -EEXIST;
        }
        int max_minutes = st.planned_minutes * 2 > 240 ? st.planned_minutes * 2 : 240;
        if (req->minutes > max_minutes) {
                snprintf(why, SESSIONS_WHY_MAX, "--minutes %d is more than this session could hold (at most %d)",
                         req->minutes, max_minutes);
                return -EINVAL;
        }
        for (size_t i = 0; i < req->n_absent; i++)
                if (!is_member(daemon, req->session_id, req->absent[i])) {
                        snprintf(why, SESSIONS_WHY_MAX, "student %.64s is not in session %.64s", req->absent[i],
                                 req->session_id);
                        return -ENOENT;
                }
        const struct program *program = program_of(daemon, st.program_id);
        size_t n_items = program ? program->n_checklist : 0;
        for (size_t i = 0; i < req->n_fidelity; i++)
                if (req->fidelity[i] < 0 || (size_t)req->fidelity[i] >= n_items) {
                        snprintf(why, SESSIONS_WHY_MAX, "fidelity item %d does not exist: program %.64s has %zu items",
                                 req->fidelity[i] + 1, st.program_id, n_items);
                        return -EINVAL;
                }

        bool first = strcmp(st.status, "delivered") != 0;
        char now_text[32];
        daemon_format_time(now, now_text);
        struct json_object *detail = json_object_new_object();
        if ((r = store_begin(daemon->store)) < 0) {
                json_object_put(detail);
                return r;
        }
        r = sql_run(daemon, "UPDATE sessions SET status = 'delivered', logged_at = ?, updated_at = ?,"
                            " minutes = COALESCE(minutes, planned_minutes) WHERE session_id = ?",
                    "ttt", now_text, now_text, req->session_id);
        if (r >= 0 && first)
                r = sql_run(daemon, "UPDATE session_students SET present = 1 WHERE session_id = ?", "t",
                            req->session_id);
        if (r >= 0 && req->minutes >= 0) {
                r = sql_run(daemon, "UPDATE sessions SET minutes = ? WHERE session_id = ?", "dt", req->minutes,
                            req->session_id);
                json_object_object_add(detail, "minutes", json_object_new_int(req->minutes));
        }
        if (r >= 0 && req->absent_given) {
                struct json_object *absent = json_object_new_array();
                r = sql_run(daemon, "UPDATE session_students SET present = 1 WHERE session_id = ?", "t",
                            req->session_id);
                for (size_t i = 0; i < req->n_absent && r >= 0; i++) {
                        r = sql_run(daemon, "UPDATE session_students SET present = 0 WHERE session_id = ? AND"
                                            " student_id = ?", "tt", req->session_id, req->absent[i]);
                        json_object_array_add(absent, json_object_new_string(req->absent[i]));
                }
                json_object_object_add(detail, "absent", absent);
        }
        if (r >= 0 && req->fidelity_given) {
                struct json_object *items = json_object_new_array();
                bool seen[256] = { false };
                int delivered = 0;
                for (size_t i = 0; i < n_items && i < 256; i++) {
                        bool on = req->fidelity_all;
                        for (size_t k = 0; k < req->n_fidelity && !on; k++)
                                on = (size_t)req->fidelity[k] == i;
                        if (on && !seen[i]) {
                                seen[i] = true;
                                delivered++;
                                json_object_array_add(items, json_object_new_string(program->checklist[i]));
                        }
                }
                r = sql_run(daemon, "UPDATE sessions SET fidelity = ?, fidelity_delivered = ?, fidelity_applicable = ?"
                                    " WHERE session_id = ?", "tddt",
                            json_object_to_json_string_ext(items, JSON_C_TO_STRING_PLAIN), delivered, (int)n_items,
                            req->session_id);
                json_object_object_add(detail, "fidelity", items);
        }
        if (r >= 0 && req->note) {
                r = sql_run(daemon, "UPDATE sessions SET note = ? WHERE session_id = ?", "tt",
                            req->note[0] ? req->note : NULL, req->session_id);
                json_object_object_add(detail, "note", json_object_new_string(req->note));
        }
        if (r >= 0)
                r = sql_run(daemon, "INSERT INTO session_log (session_id, at, action, detail) VALUES (?, ?, ?, ?)",
                            "tttt", req->session_id, now_text, first ? "logged" : "corrected",
                            json_object_to_json_string_ext(detail, JSON_C_TO_STRING_PLAIN));
        json_object_put(detail);
        if (r >= 0)
                r = sessions_check_alerts(daemon, req->session_id);
        if ((r = finish(daemon, r, "log")) < 0)
                return r;
        *ret = sessions_session_json(daemon, req->session_id, true);
        /* The history of every change, oldest first. */
        struct json_object *history = json_object_new_array();
        sqlite3_stmt *stmt = NULL;
        if (sql_prepare(daemon, &stmt, "SELECT at, action, detail FROM session_log WHERE session_id = ? ORDER BY id",
                        "t", req->session_id) >= 0) {
                while (sqlite3_step(stmt) == SQLITE_ROW) {
                        struct json_object *h = json_object_new_object();
                        json_object_object_add(h, "at", json_object_new_string(sql_text(stmt, 0)));
                        json_object_object_add(h, "action", json_object_new_string(sql_text(stmt, 1)));
                        json_object_object_add(h, "detail", json_tokener_parse(sql_text(stmt, 2)));
                        json_object_array_add(history, h);
                }
                sqlite3_finalize(stmt);
        }
        json_object_object_add(*ret, "history", history);
        return 0;
}

int sessions_cancel(struct daemon *daemon, const char *session_id, const char *reason, struct json_object **ret,
                    char why[static SESSIONS_WHY_MAX]) {
        struct session_state st;
        int r = not_ready(daemon, why);
        if (r < 0 || (r = load_state(daemon, session_id, &st, why)) < 0)
                return r;
        if (strcmp(st.status, "scheduled") != 0 && strcmp(st.status, "missed") != 0) {
                snprintf(why, SESSIONS_WHY_MAX, "session %.64s is already %s", session_id, st.status);
                return -EEXIST;
        }
        if (!reason || !reason[0] || strlen(reason) > 500) {
                snprintf(why, SESSIONS_WHY_MAX, "say why the session is cancelled (--reason, at most 500 characters)");
                return -EINVAL;
        }
        char now_text[32];
        daemon_format_time(clock_now(&daemon->clock), now_text);
        struct json_object *detail = json_object_new_object();
        json_object_object_add(detail, "reason", json_object_new_string(reason));
        json_object_object_add(detail, "was", json_object_new_string(st.status));
        if ((r = store_begin(daemon->store)) >= 0)
                r = sql_run(daemon, "UPDATE sessions SET status = 'cancelled', reason = ?, updated_at = ?"
                                    " WHERE session_id = ?", "ttt", reason, now_text, session_id);
        if (r >= 0)
                r = sql_run(daemon, "INSERT INTO session_log (session_id, at, action, detail) VALUES (?, ?, 'cancelled', ?)",
                            "ttt", session_id, now_text, json_object_to_json_string_ext(detail, JSON_C_TO_STRING_PLAIN));
        json_object_put(detail);
        if (r >= 0)
                r = sessions_check_alerts(daemon, session_id);
        if ((r = finish(daemon, r, "cancel")) < 0)
                return r;
        log_info("session %s cancelled: %s", session_id, reason);
        *ret = sessions_session_json(daemon, session_id, false);
        return 0;
}

/* Make-ups already booked in the week, as busy time for the solver: their interventionist
 * and every one of their students. */
static int booked_busy(struct daemon *daemon, civil_date week, struct solver_busy **ret, size_t *ret_n) {
        const struct school *school = daemon->school;
        char from[11], to[11];
        date_format(date_week_start(week), from);
        date_format(date_week_start(week) + 7, to);
        struct solver_busy *busy = NULL;
        size_t n = 0;
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(daemon, &stmt,
                            "SELECT s.date, s.start, s.end, s.staff_id, p.student_id FROM sessions s"
                            " LEFT JOIN session_students p USING (session_id) WHERE s.makes_up IS NOT NULL"
                            " AND s.status IN ('scheduled', 'delivered') AND s.date >= ? AND s.date < ?",
                            "tt", from, to);
        if (r < 0)
                return r;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                struct solver_busy *grown = realloc(busy, (n + 2) * sizeof *busy);
                if (!grown) {
                        r = -ENOMEM;
                        break;
                }
                busy = grown;
                civil_date date;
                if (date_parse(sql_text(stmt, 0), &date) < 0)
                        continue;
                int start = sqlite3_column_int(stmt, 1), end = sqlite3_column_int(stmt, 2);
                int staff = school_find_staff(school, sql_text(stmt, 3));
                int student = school_find_student(school, sql_text(stmt, 4));
                if (staff >= 0)
                        busy[n++] = (struct solver_busy){ date, start, end, staff, -1 };
                if (student >= 0)
                        busy[n++] = (struct solver_busy){ date, start, end, -1, student };
        }
        sqlite3_finalize(stmt);
        if (r < 0) {
                free(busy);
                return r;
        }
        *ret = busy;
        *ret_n = n;
        return 0;
}

static int book(struct daemon *daemon, const char *session_id, const struct session_state *st,
                const struct group *group, const struct solver_makeup_slot *slot, struct json_object **ret) {
        const struct school *school = daemon->school;
        char id[OCCURRENCE_SESSION_ID_MAX], date[11], now_text[32];
        occurrence_session_id(group->id, slot->date, slot->start, id);
        date_format(slot->date, date);
        daemon_format_time(clock_now(&daemon->clock), now_text);
        if (sql_int(daemon, 0, "SELECT COUNT(*) FROM sessions WHERE session_id = ?", "t", id) > 0)
                return -EEXIST;
        int r = store_begin(daemon->store);
        if (r >= 0)
                r = sql_run(daemon,
                            "INSERT INTO sessions (session_id, group_id, version, program_id, staff_id, date, start,"
                            " end, starts_at, ends_at, planned_minutes, makes_up, updated_at)"
                            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            "ttitttddiidtt", id, group->id, (int64_t)daemon->schedule->version, st->program_id,
                            school->staff[slot->staff].id, date, slot->start, slot->end,
                            (int64_t)sessions_time_of(slot->date, slot->start),
                            (int64_t)sessions_time_of(slot->date, slot->end), slot->end - slot->start, session_id,
                            now_text);
        /* The make-up is for the students of the session it replaces. */
        if (r >= 0)
                r = sql_run(daemon, "INSERT INTO session_students (session_id, student_id)"
                                    " SELECT ?, student_id FROM session_students WHERE session_id = ? ORDER BY rowid",
                            "tt", id, session_id);
        char detail[160];
        snprintf(detail, sizeof detail, "{\"makeup\":\"%s\"}", id);
        if (r >= 0)
                r = sql_run(daemon, "INSERT INTO session_log (session_id, at, action, detail) VALUES (?, ?, 'makeup_booked', ?)",
                            "ttt", session_id, now_text, detail);
        snprintf(detail, sizeof detail, "{\"makes_up\":\"%s\"}", session_id);
        if (r >= 0)
                r = sql_run(daemon, "INSERT INTO session_log (session_id, at, action, detail) VALUES (?, ?, 'booked', ?)",
                            "ttt", id, now_text, detail);
        if ((r = finish(daemon, r, "book a make-up")) < 0)
                return r;
        log_info("make-up %s booked for %s", id, session_id);
        *ret = sessions_session_json(daemon, id, false);
        return 0;
}

int sessions_makeup(struct daemon *daemon, const char *session_id, unsigned book_index, struct json_object **ret,
                    char why[static SESSIONS_WHY_MAX]) {
        struct session_state st;
        int r = not_ready(daemon, why);
        if (r < 0 || (r = load_state(daemon, session_id, &st, why)) < 0)
                return r;
        if (!daemon->schedule) {
                snprintf(why, SESSIONS_WHY_MAX, "no schedule yet: run pullout solve");
                return -ENODATA;
        }
        if (strcmp(st.status, "cancelled") != 0 && strcmp(st.status, "missed") != 0) {
                snprintf(why, SESSIONS_WHY_MAX, "session %.64s is %s: only a cancelled or missed session is made up",
                         session_id, st.status);
                return -EEXIST;
        }
        if (st.makes_up[0]) {
                snprintf(why, SESSIONS_WHY_MAX, "session %.64s is itself a make-up (of %.64s)", session_id, st.makes_up);
                return -EEXIST;
        }
        char existing[64] = "";
        sqlite3_stmt *stmt = NULL;
        if (sql_prepare(daemon, &stmt, "SELECT session_id FROM sessions WHERE makes_up = ? AND status != 'cancelled'",
                        "t", session_id) >= 0) {
                if (sqlite3_step(stmt) == SQLITE_ROW)
                        snprintf(existing, sizeof existing, "%s", sql_text(stmt, 0));
                sqlite3_finalize(stmt);
        }
        if (existing[0]) {
                snprintf(why, SESSIONS_WHY_MAX, "session %.64s already has a make-up: %.64s", session_id, existing);
                return -EEXIST;
        }
        int g = schedule_find_group(daemon->schedule, st.group_id);
        if (g < 0) {
                snprintf(why, SESSIONS_WHY_MAX, "group %.32s is no longer in the published schedule", st.group_id);
                return -ENOENT;
        }
        civil_date date;
        if (date_parse(st.date, &date) < 0)
                return -EIO;
        int minute;
        civil_date today = sessions_date_of(clock_now(&daemon->clock), &minute);
        struct solver_busy *busy = NULL;
        size_t n_busy = 0;
        if ((r = booked_busy(daemon, date, &busy, &n_busy)) < 0)
                return r;
        struct solver_makeup_request request = {
                .group = g,
                .week = date,
                .not_before_date = today,
                .not_before_minute = minute,
                .any_staff = true,
                .busy = busy,
                .n_busy = n_busy,
                .max_results = 10,
        };
        struct solver_makeup_slot *slots = NULL;
        size_t n = 0;
        r = solver_makeup(daemon->schedule, &request, &slots, &n);
        free(busy);
        if (r < 0) {
                snprintf(why, SESSIONS_WHY_MAX, "cannot search make-up slots: %s", strerror(-r));
                return r;
        }
        const struct group *group = &daemon->schedule->groups[g];
        if (book_index > 0) {
                if (book_index > n) {
                        snprintf(why, SESSIONS_WHY_MAX, "there are %zu suggestions; --book takes 1..%zu", n, n);
                        r = -EINVAL;
                } else {
                        r = book(daemon, session_id, &st, group, &slots[book_index - 1], ret);
                        if (r == -EEXIST)
                                snprintf(why, SESSIONS_WHY_MAX, "a session already takes that slot");
                }
                solver_makeup_slots_free(slots, n);
                return r;
        }
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
                json_object_object_add(s, "staff_id", json_object_new_string(daemon->school->staff[slots[i].staff].id));
                json_object_object_add(s, "staff_name",
                                       json_object_new_string(daemon->school->staff[slots[i].staff].name));
                json_object_object_add(s, "cost", json_object_new_int64(slots[i].cost));
                json_object_object_add(s, "reason", json_object_new_string(slots[i].reason ? slots[i].reason : ""));
                json_object_array_add(list, s);
        }
        solver_makeup_slots_free(slots, n);
        json_object_object_add(o, "session_id", json_object_new_string(session_id));
        json_object_object_add(o, "group_id", json_object_new_string(st.group_id));
        json_object_object_add(o, "slots", list);
        *ret = o;
        return 0;
}
