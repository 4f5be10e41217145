/* session-store.c: dated sessions, their rosters, the log of every change and the events the
 * timer fired. The past is never rewritten: corrections append to session_log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/session-store.h"
#include "store/store-internal.h"

const char *const session_status_names[SESSION_STATUS_COUNT + 1] = {
        [SESSION_SCHEDULED] = "scheduled",
        [SESSION_DELIVERED] = "delivered",
        [SESSION_MISSED] = "missed",
        [SESSION_CANCELLED] = "cancelled",
        [SESSION_STATUS_COUNT] = NULL,
};

const char *const store_due_kind_names[STORE_DUE_KIND_COUNT] = {
        [STORE_DUE_REMINDER] = "reminder",
        [STORE_DUE_PROMPT] = "prompt",
        [STORE_DUE_MISSED] = "missed",
};

#define SESSION_COLUMNS                                                                                          \
        "session_id, group_id, version, program_id, staff_id, date, start, end, starts_at, ends_at,"            \
        " planned_minutes, status, minutes, fidelity, fidelity_delivered, fidelity_applicable, note, reason,"  \
        " makes_up, logged_at"

void store_session_clear(struct store_session *s) {
        if (!s)
                return;
        free(s->session_id);
        free(s->group_id);
        free(s->program_id);
        free(s->staff_id);
        free(s->fidelity);
        free(s->note);
        free(s->reason);
        free(s->makes_up);
        free(s->logged_at);
        *s = (struct store_session){ 0 };
}



static int int_or_unset(sqlite3_stmt *stmt, int column) {
        return store_column_null(stmt, column) ? -1 : sqlite3_column_int(stmt, column);
}


/* One row of SESSION_COLUMNS. */
static int read_session(struct store *store, sqlite3_stmt *stmt, struct store_session *ret) {
        struct store_session s = {
                .version = sqlite3_column_int64(stmt, 2),
                .start = sqlite3_column_int(stmt, 6),
                .end = sqlite3_column_int(stmt, 7),
                .starts_at = sqlite3_column_int64(stmt, 8),
                .ends_at = sqlite3_column_int64(stmt, 9),
                .planned_minutes = sqlite3_column_int(stmt, 10),
                .minutes = int_or_unset(stmt, 12),
                .fidelity_delivered = int_or_unset(stmt, 14),
                .fidelity_applicable = int_or_unset(stmt, 15),
        };
        int status = name_lookup(session_status_names, store_column_text(stmt, 11));
        s.status = status < 0 ? SESSION_SCHEDULED : (enum session_status)status;
        int r = store_column_date(store, stmt, 5, &s.date);
        struct {
                int column;
                char **field;
        } texts[] = { { 0, &s.session_id }, { 1, &s.group_id }, { 3, &s.program_id }, { 4, &s.staff_id },
                      { 13, &s.fidelity }, { 16, &s.note }, { 17, &s.reason }, { 18, &s.makes_up },
                      { 19, &s.logged_at } };
        for (size_t i = 0; r >= 0 && i < sizeof texts / sizeof texts[0]; i++)
                r = store_column_strdup(stmt, texts[i].column, texts[i].field);
        if (r >= 0 && (!s.session_id || !s.group_id || !s.program_id || !s.staff_id))
                r = -ENOMEM; /* NOT NULL columns: only a failed copy leaves them NULL */
        if (r < 0) {
                store_session_clear(&s);
                return r;
        }
        *ret = s;
        return 0;
}

int store_session_get(struct store *store, const char *session_id, struct store_session *ret_session) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt, "SELECT " SESSION_COLUMNS " FROM sessions WHERE session_id = ?", "t",
                            session_id);
        if (r < 0)
                return r;
        r = store_step(store, stmt, "read session");
        if (r == 0)
                r = -ENOENT;
        else if (r > 0)
                r = read_session(store, stmt, ret_session);
        sqlite3_finalize(stmt);
        return r;
}

static int count(struct store *store, const char *sql, const char *a, const char *b) {
        int64_t n = 0;
        int r = store_int(store, 0, &n, sql, b ? "tt" : "t", a, b);
        return r < 0 ? r : n > 0;
}

int store_session_exists(struct store *store, const char *session_id) {
        return count(store, "SELECT COUNT(*) FROM sessions WHERE session_id = ?", session_id, NULL);
}

int store_session_has_student(struct store *store, const char *session_id, const char *student_id) {
        return count(store, "SELECT COUNT(*) FROM session_students WHERE session_id = ? AND student_id = ?",
                     session_id, student_id);
}

static int read_student(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_session_student *s = element;
        s->present = int_or_unset(stmt, 1);
        return store_column_strdup(stmt, 0, &s->student_id);
}

static void clear_student(void *element) {
        free(((struct store_session_student *)element)->student_id);
}

int store_session_students(struct store *store, const char *session_id, struct store_session_student **ret,
                           size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT student_id, present FROM session_students WHERE session_id = ? ORDER BY rowid",
                            "t", session_id);
        return r < 0 ? r : store_collect(store, stmt, "read roster", sizeof **ret, read_student, clear_student, ret, ret_n);
}

static int read_session_element(struct store *store, sqlite3_stmt *stmt, void *element) {
        return read_session(store, stmt, element);
}

static void clear_session(void *element) {
        store_session_clear(element);
}

int store_sessions_between(struct store *store, civil_date from, civil_date to, const char *staff_id,
                           struct store_session **ret, size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        char from_text[11], to_text[11];
        int r = store_query(store, &stmt,
                            "SELECT " SESSION_COLUMNS " FROM sessions WHERE date >= ? AND date < ?"
                            " AND (? IS NULL OR staff_id = ?) ORDER BY date, start, group_id",
                            "tttt", date_format(from, from_text), date_format(to, to_text), staff_id, staff_id);
        return r < 0 ? r
                     : store_collect(store, stmt, "list sessions", sizeof **ret, read_session_element, clear_session, ret,
                                     ret_n);
}

static int read_log(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_session_log *l = element;
        int r = store_column_strdup(stmt, 0, &l->at);
        if (r >= 0)
                r = store_column_strdup(stmt, 1, &l->action);
        if (r >= 0)
                r = store_column_strdup(stmt, 2, &l->detail);
        return r;
}

static void clear_log(void *element) {
        struct store_session_log *l = element;
        free(l->at);
        free(l->action);
        free(l->detail);
}

int store_session_history(struct store *store, const char *session_id, struct store_session_log **ret,
                          size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt, "SELECT at, action, detail FROM session_log WHERE session_id = ? ORDER BY id",
                            "t", session_id);
        return r < 0 ? r : store_collect(store, stmt, "read session log", sizeof **ret, read_log, clear_log, ret, ret_n);
}

static int changed(int r) {
        return r < 0 ? r : 0;
}

int store_session_insert(struct store *store, const struct store_session *s, const char *updated_at) {
        char date[11];
        return store_run(store,
                         "INSERT OR IGNORE INTO sessions (session_id, group_id, version, program_id, staff_id, date,"
                         " start, end, starts_at, ends_at, planned_minutes, makes_up, updated_at)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         "ttitttddiidtt", s->session_id, s->group_id, s->version, s->program_id, s->staff_id,
                         date_format(s->date, date), s->start, s->end, s->starts_at, s->ends_at, s->planned_minutes,
                         s->makes_up, updated_at);
}

int store_session_add_student(struct store *store, const char *session_id, const char *student_id) {
        return changed(store_run(store, "INSERT OR IGNORE INTO session_students (session_id, student_id) VALUES (?, ?)",
                                 "tt", session_id, student_id));
}

int store_session_copy_students(struct store *store, const char *to_session_id, const char *from_session_id) {
        return changed(store_run(store,
                                 "INSERT INTO session_students (session_id, student_id)"
                                 " SELECT ?, student_id FROM session_students WHERE session_id = ? ORDER BY rowid",
                                 "tt", to_session_id, from_session_id));
}

int store_session_log_append(struct store *store, const char *session_id, const char *at, const char *action,
                             const char *detail) {
        return changed(store_run(store, "INSERT INTO session_log (session_id, at, action, detail) VALUES (?, ?, ?, ?)",
                                 "tttt", session_id, at, action, detail));
}

int store_session_deliver(struct store *store, const char *session_id, const char *at, bool first) {
        int r = store_run(store,
                          "UPDATE sessions SET status = 'delivered', logged_at = ?, updated_at = ?,"
                          " minutes = COALESCE(minutes, planned_minutes) WHERE session_id = ?",
                          "ttt", at, at, session_id);
        if (r >= 0 && first)
                r = store_run(store, "UPDATE session_students SET present = 1 WHERE session_id = ?", "t", session_id);
        return changed(r);
}

int store_session_set_minutes(struct store *store, const char *session_id, int minutes) {
        return changed(store_run(store, "UPDATE sessions SET minutes = ? WHERE session_id = ?", "dt", minutes,
                                 session_id));
}

int store_session_set_absent(struct store *store, const char *session_id, char *const *absent, size_t n_absent) {
        int r = store_run(store, "UPDATE session_students SET present = 1 WHERE session_id = ?", "t", session_id);
        for (size_t i = 0; i < n_absent && r >= 0; i++)
                r = store_run(store, "UPDATE session_students SET present = 0 WHERE session_id = ? AND student_id = ?",
                              "tt", session_id, absent[i]);
        return changed(r);
}

int store_session_set_fidelity(struct store *store, const char *session_id, const char *items_json, int delivered,
                               int applicable) {
        return changed(store_run(store,
                                 "UPDATE sessions SET fidelity = ?, fidelity_delivered = ?, fidelity_applicable = ?"
                                 " WHERE session_id = ?",
                                 "tddt", items_json, delivered, applicable, session_id));
}

int store_session_set_note(struct store *store, const char *session_id, const char *note) {
        return changed(store_run(store, "UPDATE sessions SET note = ? WHERE session_id = ?", "tt", note, session_id));
}

int store_session_cancel(struct store *store, const char *session_id, const char *reason, const char *at) {
        return changed(store_run(store,
                                 "UPDATE sessions SET status = 'cancelled', reason = ?, updated_at = ? WHERE session_id = ?",
                                 "ttt", reason, at, session_id));
}

int store_session_mark_missed(struct store *store, const char *session_id, const char *at) {
        int r = store_run(store,
                          "UPDATE sessions SET status = 'missed', updated_at = ? WHERE session_id = ? AND status = 'scheduled'",
                          "tt", at, session_id);
        if (r >= 0)
                r = store_session_log_append(store, session_id, at, "missed", "{}");
        return changed(r);
}

int store_session_makeup_of(struct store *store, const char *session_id, char **ret_id) {
        char **ids = NULL;
        size_t n = 0;
        int r = store_strings(store, &ids, &n,
                              "SELECT session_id FROM sessions WHERE makes_up = ? AND status != 'cancelled' LIMIT 1",
                              "t", session_id);
        if (r < 0)
                return r;
        if (n == 0) {
                store_strings_free(ids, n);
                return 0;
        }
        *ret_id = ids[0];
        ids[0] = NULL;
        store_strings_free(ids, n);
        return 1;
}

static int read_booked(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_booked *b = element;
        b->start = sqlite3_column_int(stmt, 1);
        b->end = sqlite3_column_int(stmt, 2);
        int r = store_column_date(store, stmt, 0, &b->date);
        if (r >= 0)
                r = store_column_strdup(stmt, 3, &b->staff_id);
        if (r >= 0)
                r = store_column_strdup(stmt, 4, &b->student_id);
        return r;
}

static void clear_booked(void *element) {
        struct store_booked *b = element;
        free(b->staff_id);
        free(b->student_id);
}

int store_sessions_booked_makeups(struct store *store, civil_date from, civil_date to, struct store_booked **ret,
                                  size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        char from_text[11], to_text[11];
        int r = store_query(store, &stmt,
                            "SELECT s.date, s.start, s.end, s.staff_id, p.student_id FROM sessions s"
                            " LEFT JOIN session_students p USING (session_id) WHERE s.makes_up IS NOT NULL"
                            " AND s.status IN ('scheduled', 'delivered') AND s.date >= ? AND s.date < ?",
                            "tt", date_format(from, from_text), date_format(to, to_text));
        return r < 0 ? r
                     : store_collect(store, stmt, "read booked make-ups", sizeof **ret, read_booked, clear_booked, ret,
                                     ret_n);
}

/* Each query walks an index in due order (the due time is the indexed time plus a constant)
 * and stops at the first session whose event has not fired. */
static const char *const due_sql[STORE_DUE_KIND_COUNT] = {
        [STORE_DUE_REMINDER] =
                "SELECT session_id, starts_at - ? AS due FROM sessions s WHERE status = 'scheduled' AND NOT EXISTS"
                " (SELECT 1 FROM session_events e WHERE e.session_id = s.session_id AND e.kind = 'reminder')"
                " ORDER BY starts_at, session_id LIMIT 1",
        [STORE_DUE_PROMPT] =
                "SELECT session_id, ends_at + ? AS due FROM sessions s WHERE status = 'scheduled' AND NOT EXISTS"
                " (SELECT 1 FROM session_events e WHERE e.session_id = s.session_id AND e.kind = 'prompt')"
                " ORDER BY ends_at, session_id LIMIT 1",
        [STORE_DUE_MISSED] =
                "SELECT session_id, ends_at + ? AS due FROM sessions s WHERE status = 'scheduled' AND NOT EXISTS"
                " (SELECT 1 FROM session_events e WHERE e.session_id = s.session_id AND e.kind = 'missed')"
                " ORDER BY ends_at, session_id LIMIT 1",
};

int store_session_next_due(struct store *store, enum store_due_kind kind, int64_t offset,
                           char ret_session_id[static STORE_SESSION_ID_MAX], int64_t *ret_due) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt, due_sql[kind], "i", offset);
        if (r < 0)
                return r;
        r = store_step(store, stmt, "find the next due session");
        if (r > 0) {
                snprintf(ret_session_id, STORE_SESSION_ID_MAX, "%s", store_column_text(stmt, 0));
                *ret_due = sqlite3_column_int64(stmt, 1);
        }
        sqlite3_finalize(stmt);
        return r;
}

int store_session_record_event(struct store *store, const char *session_id, enum store_due_kind kind,
                               const char *at, bool signalled) {
        return changed(store_run(store, "INSERT OR IGNORE INTO session_events VALUES (?, ?, ?, ?)", "ttti", session_id,
                                 store_due_kind_names[kind], at, (int64_t)signalled));
}

int store_sessions_last_start(struct store *store, int64_t after, int64_t *ret_starts_at) {
        return store_int(store, 0, ret_starts_at, "SELECT max(starts_at) FROM sessions WHERE starts_at > ?", "i", after);
}

int store_sessions_max_version(struct store *store, int64_t *ret_version) {
        return store_int(store, 0, ret_version, "SELECT MAX(version) FROM sessions", "");
}

static int read_member(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_future_member *m = element;
        int r = store_column_strdup(stmt, 0, &m->staff_id);
        if (r >= 0)
                r = store_column_strdup(stmt, 1, &m->program_id);
        if (r >= 0)
                r = store_column_strdup(stmt, 2, &m->student_id);
        return r;
}

static void clear_member(void *element) {
        struct store_future_member *m = element;
        free(m->staff_id);
        free(m->program_id);
        free(m->student_id);
}

int store_sessions_future_members(struct store *store, const char *group_id, int64_t now,
                                  struct store_future_member **ret, size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT s.staff_id, s.program_id, p.student_id FROM sessions s"
                            " LEFT JOIN session_students p USING (session_id)"
                            " WHERE s.session_id = (SELECT session_id FROM sessions WHERE group_id = ?"
                            "   AND status = 'scheduled' AND makes_up IS NULL AND starts_at > ? LIMIT 1)",
                            "ti", group_id, now);
        return r < 0 ? r
                     : store_collect(store, stmt, "read a group's next session", sizeof **ret, read_member,
                                     clear_member, ret, ret_n);
}

int store_sessions_drop_future(struct store *store, const char *group_id, int64_t now) {
        return changed(store_run(store,
                                 "DELETE FROM sessions WHERE group_id = ? AND status = 'scheduled'"
                                 " AND makes_up IS NULL AND starts_at > ?",
                                 "ti", group_id, now));
}

int store_sessions_hold_clear(struct store *store) {
        int r = store_run(store, "CREATE TEMP TABLE IF NOT EXISTS sync_held (session_id TEXT PRIMARY KEY, end INTEGER)",
                          "");
        if (r >= 0)
                r = store_run(store, "DELETE FROM sync_held", "");
        return changed(r);
}

int store_sessions_hold(struct store *store, const char *session_id, int end) {
        return changed(store_run(store, "INSERT OR IGNORE INTO sync_held VALUES (?, ?)", "td", session_id, end));
}

int store_sessions_drop_unheld(struct store *store, int64_t now) {
        return changed(store_run(store,
                                 "DELETE FROM sessions WHERE status = 'scheduled' AND makes_up IS NULL AND starts_at > ?"
                                 " AND NOT EXISTS (SELECT 1 FROM sync_held h WHERE h.session_id = sessions.session_id"
                                 "   AND h.end = sessions.end)",
                                 "i", now));
}

int store_sessions_adopt(struct store *store, int64_t version, int64_t now) {
        return changed(store_run(store,
                                 "UPDATE sessions SET version = ? WHERE status = 'scheduled' AND makes_up IS NULL"
                                 " AND starts_at > ? AND version <> ?",
                                 "iii", version, now, version));
}

void store_sessions_free(struct store_session *sessions, size_t n) {
        store_array_free(sessions, n, sizeof *sessions, clear_session);
}

void store_session_students_free(struct store_session_student *students, size_t n) {
        store_array_free(students, n, sizeof *students, clear_student);
}

void store_session_logs_free(struct store_session_log *logs, size_t n) {
        store_array_free(logs, n, sizeof *logs, clear_log);
}

void store_booked_free(struct store_booked *rows, size_t n) {
        store_array_free(rows, n, sizeof *rows, clear_booked);
}

void store_future_members_free(struct store_future_member *rows, size_t n) {
        store_array_free(rows, n, sizeof *rows, clear_member);
}
