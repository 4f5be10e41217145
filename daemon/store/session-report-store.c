/* session-report-store.c: the rows dosage, fidelity, alerts and the calendar feeds are
 * computed from. Nothing here decides what counts: the callers tally. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/session-store.h"
#include "store/store-internal.h"

static int dosage_rows(struct store *store, sqlite3_stmt *stmt, bool with_presence, store_dosage_fn each,
                       void *userdata) {
        int r;
        while ((r = store_step(store, stmt, "read dosage")) > 0) {
                int status = name_lookup(session_status_names, store_column_text(stmt, 2));
                struct store_dosage_row row = {
                        .regular = sqlite3_column_int(stmt, 0) != 0,
                        .planned_minutes = sqlite3_column_int(stmt, 1),
                        .status = status < 0 ? SESSION_SCHEDULED : (enum session_status)status,
                        .present = with_presence && !store_column_null(stmt, 3) ? sqlite3_column_int(stmt, 3) : -1,
                        .minutes = sqlite3_column_int(stmt, with_presence ? 4 : 3),
                };
                each(userdata, &row);
        }
        sqlite3_finalize(stmt);
        return r;
}

int store_sessions_student_dosage(struct store *store, const char *student_id, const char *group_id, int64_t from,
                                  int64_t to, store_dosage_fn each, void *userdata) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT s.makes_up IS NULL, s.planned_minutes, s.status, p.present, s.minutes"
                            " FROM sessions s JOIN session_students p USING (session_id)"
                            " WHERE p.student_id = ? AND (? IS NULL OR s.group_id = ?)"
                            " AND s.ends_at >= ? AND s.ends_at < ?",
                            "tttii", student_id, group_id, group_id, from, to);
        return r < 0 ? r : dosage_rows(store, stmt, true, each, userdata);
}

int store_sessions_group_dosage(struct store *store, const char *group_id, int64_t from, int64_t to,
                                store_dosage_fn each, void *userdata) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT makes_up IS NULL, planned_minutes, status, minutes FROM sessions"
                            " WHERE group_id = ? AND ends_at >= ? AND ends_at < ?",
                            "tii", group_id, from, to);
        return r < 0 ? r : dosage_rows(store, stmt, false, each, userdata);
}

int store_sessions_first_end(struct store *store, const char *student_id, int64_t fallback, int64_t *ret_ends_at) {
        return store_int(store, fallback, ret_ends_at,
                         "SELECT MIN(s.ends_at) FROM sessions s JOIN session_students p USING (session_id)"
                         " WHERE p.student_id = ? AND s.makes_up IS NULL",
                         "t", student_id);
}

int store_sessions_absences(struct store *store, const char *student_id, int64_t from, int64_t to, int64_t *ret_n) {
        return store_int(store, 0, ret_n,
                         "SELECT COUNT(*) FROM sessions s JOIN session_students p USING (session_id)"
                         " WHERE p.student_id = ? AND s.ends_at > ? AND s.ends_at <= ?"
                         " AND s.status = 'delivered' AND p.present = 0",
                         "tii", student_id, from, to);
}

int store_sessions_group_unlogged(struct store *store, const char *group_id, int64_t *ret_n, int64_t *ret_first) {
        int r = store_int(store, 0, ret_n, "SELECT COUNT(*) FROM sessions WHERE group_id = ? AND status = 'missed'",
                          "t", group_id);
        if (r >= 0)
                r = store_int(store, 0, ret_first,
                              "SELECT MIN(starts_at) FROM sessions WHERE group_id = ? AND status = 'missed'", "t",
                              group_id);
        return r;
}

static int two_sums(struct store *store, sqlite3_stmt *stmt, int64_t *ret_a, int64_t *ret_b) {
        int r = store_step(store, stmt, "read fidelity");
        if (r >= 0) {
                *ret_a = r > 0 ? sqlite3_column_int64(stmt, 0) : 0;
                *ret_b = r > 0 ? sqlite3_column_int64(stmt, 1) : 0;
                r = 0;
        }
        sqlite3_finalize(stmt);
        return r;
}

int store_sessions_group_fidelity(struct store *store, const char *group_id, civil_date from, civil_date to,
                                  int64_t *ret_delivered, int64_t *ret_applicable) {
        sqlite3_stmt *stmt = NULL;
        char from_text[11], to_text[11];
        int r = store_query(store, &stmt,
                            "SELECT coalesce(SUM(fidelity_delivered), 0), coalesce(SUM(fidelity_applicable), 0)"
                            " FROM sessions WHERE group_id = ? AND date >= ? AND date < ? AND status = 'delivered'"
                            " AND fidelity_applicable > 0",
                            "ttt", group_id, date_format(from, from_text), date_format(to, to_text));
        return r < 0 ? r : two_sums(store, stmt, ret_delivered, ret_applicable);
}

int store_sessions_student_fidelity(struct store *store, const char *student_id, int64_t from, int64_t to,
                                    int64_t *ret_delivered, int64_t *ret_applicable) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT coalesce(sum(s.fidelity_delivered), 0), coalesce(sum(s.fidelity_applicable), 0)"
                            " FROM sessions s JOIN session_students p USING (session_id)"
                            " WHERE p.student_id = ? AND p.present = 1 AND s.status = 'delivered'"
                            " AND s.fidelity_applicable > 0 AND s.ends_at >= ? AND s.ends_at < ?",
                            "tii", student_id, from, to);
        return r < 0 ? r : two_sums(store, stmt, ret_delivered, ret_applicable);
}

int store_sessions_know_student(struct store *store, const char *student_id) {
        int64_t n = 0;
        int r = store_int(store, 0, &n, "SELECT COUNT(*) FROM session_students WHERE student_id = ?", "t", student_id);
        return r < 0 ? r : n > 0;
}

int store_sessions_know_group(struct store *store, const char *group_id) {
        int64_t n = 0;
        int r = store_int(store, 0, &n, "SELECT COUNT(*) FROM sessions WHERE group_id = ?", "t", group_id);
        return r < 0 ? r : n > 0;
}

int store_sessions_groups_of(struct store *store, const char *student_id, char ***ret, size_t *ret_n) {
        return store_strings(store, ret, ret_n,
                             "SELECT DISTINCT s.group_id FROM sessions s JOIN session_students p USING (session_id)"
                             " WHERE p.student_id = ? ORDER BY s.group_id",
                             "t", student_id);
}

int store_sessions_students_of(struct store *store, const char *group_id, char ***ret, size_t *ret_n) {
        return store_strings(store, ret, ret_n,
                             "SELECT p.student_id FROM session_students p JOIN sessions s USING (session_id)"
                             " WHERE s.group_id = ? GROUP BY p.student_id ORDER BY MIN(p.rowid)",
                             "t", group_id);
}

int store_sessions_all_students(struct store *store, char ***ret, size_t *ret_n) {
        return store_strings(store, ret, ret_n,
                             "SELECT p.student_id FROM session_students p GROUP BY p.student_id ORDER BY p.student_id",
                             "");
}

int store_sessions_all_groups(struct store *store, char ***ret, size_t *ret_n) {
        return store_strings(store, ret, ret_n, "SELECT DISTINCT group_id FROM sessions ORDER BY group_id", "");
}

static int read_pair(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_dosage_pair *p = element;
        char **fields[] = { &p->student_id, &p->group_id, &p->program_id, &p->staff_id };
        int r = 0;
        for (int i = 0; i < 4 && r >= 0; i++)
                r = store_column_strdup(stmt, i, fields[i]);
        return r;
}

static void clear_pair(void *element) {
        struct store_dosage_pair *p = element;
        free(p->student_id);
        free(p->group_id);
        free(p->program_id);
        free(p->staff_id);
}

int store_sessions_dosage_pairs(struct store *store, int64_t from, int64_t to, const char *program_id,
                                const char *staff_id, struct store_dosage_pair **ret, size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT p.student_id, s.group_id, MAX(s.program_id), MAX(s.staff_id) FROM sessions s"
                            " JOIN session_students p USING (session_id) WHERE s.ends_at >= ? AND s.ends_at <= ?"
                            " AND (? IS NULL OR s.program_id = ?) AND (? IS NULL OR s.staff_id = ?)"
                            " GROUP BY p.student_id, s.group_id ORDER BY p.student_id, s.group_id",
                            "iitttt", from, to, program_id, program_id, staff_id, staff_id);
        return r < 0 ? r : store_collect(store, stmt, "read dosage pairs", sizeof **ret, read_pair, clear_pair, ret, ret_n);
}

static int read_fidelity(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_fidelity_row *row = element;
        row->sessions = sqlite3_column_int64(stmt, 1);
        row->delivered = sqlite3_column_int64(stmt, 2);
        row->applicable = sqlite3_column_int64(stmt, 3);
        int r = store_column_strdup(stmt, 0, &row->key);
        if (r >= 0)
                r = store_column_strdup(stmt, 4, &row->program_id);
        if (r >= 0)
                r = store_column_strdup(stmt, 5, &row->staff_id);
        return r;
}

static void clear_fidelity(void *element) {
        struct store_fidelity_row *row = element;
        free(row->key);
        free(row->program_id);
        free(row->staff_id);
}

int store_sessions_fidelity(struct store *store, enum store_fidelity_key key, int64_t from, int64_t to,
                            const char *program_id, const char *staff_id, struct store_fidelity_row **ret,
                            size_t *ret_n) {
        static const char *const columns[] = {
                [STORE_FIDELITY_GROUP] = "group_id",
                [STORE_FIDELITY_PROGRAM] = "program_id",
                [STORE_FIDELITY_STAFF] = "staff_id",
                /* The Monday of each session's week. */
                [STORE_FIDELITY_WEEK] = "date(date, '-6 days', 'weekday 1')",
        };
        char sql[640];
        snprintf(sql, sizeof sql,
                 "SELECT %s, COUNT(*), SUM(fidelity_delivered), SUM(fidelity_applicable), MAX(program_id),"
                 " MAX(staff_id) FROM sessions WHERE status = 'delivered' AND fidelity_applicable > 0"
                 " AND ends_at >= ? AND ends_at <= ? AND (? IS NULL OR program_id = ?)"
                 " AND (? IS NULL OR staff_id = ?) GROUP BY 1 ORDER BY 1",
                 columns[key]);
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt, sql, "iitttt", from, to, program_id, program_id, staff_id, staff_id);
        return r < 0 ? r
                     : store_collect(store, stmt, "read fidelity", sizeof **ret, read_fidelity, clear_fidelity, ret,
                                     ret_n);
}

static int read_change(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_feed_change *c = element;
        c->start = sqlite3_column_int(stmt, 3);
        c->end = sqlite3_column_int(stmt, 4);
        int r = store_column_strdup(stmt, 0, &c->session_id);
        if (r >= 0)
                r = store_column_strdup(stmt, 1, &c->group_id);
        if (r >= 0)
                r = store_column_strdup(stmt, 5, &c->makes_up);
        if (r >= 0)
                r = store_column_date(store, stmt, 2, &c->date);
        return r;
}

static void clear_change(void *element) {
        struct store_feed_change *c = element;
        free(c->session_id);
        free(c->group_id);
        free(c->makes_up);
}

int store_sessions_feed_changes(struct store *store, struct store_feed_change **ret, size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT session_id, group_id, date, start, end, makes_up FROM sessions"
                            " WHERE (status = 'cancelled' AND makes_up IS NULL)"
                            " OR (makes_up IS NOT NULL AND status != 'cancelled') ORDER BY date, start, session_id",
                            "");
        return r < 0 ? r
                     : store_collect(store, stmt, "read cancellations and make-ups", sizeof **ret, read_change,
                                     clear_change, ret, ret_n);
}

static int read_started(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_started *s = element;
        s->start = sqlite3_column_int(stmt, 2);
        s->end = sqlite3_column_int(stmt, 3);
        s->cancelled = sqlite3_column_int(stmt, 4) != 0;
        int r = store_column_strdup(stmt, 0, &s->session_id);
        if (r >= 0)
                r = store_column_date(store, stmt, 1, &s->date);
        return r;
}

static void clear_started(void *element) {
        free(((struct store_started *)element)->session_id);
}

int store_sessions_started(struct store *store, const char *group_id, int64_t now, struct store_started **ret,
                           size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT session_id, date, start, end, status = 'cancelled' FROM sessions"
                            " WHERE group_id = ? AND makes_up IS NULL AND starts_at <= ?",
                            "ti", group_id, now);
        return r < 0 ? r
                     : store_collect(store, stmt, "read past sessions", sizeof **ret, read_started, clear_started, ret,
                                     ret_n);
}

int store_sessions_first_start(struct store *store, int64_t *ret_starts_at) {
        return store_int(store, -1, ret_starts_at, "SELECT min(starts_at) FROM sessions", "");
}

int store_sessions_first_date(struct store *store, civil_date *ret_date) {
        char **dates = NULL;
        size_t n = 0;
        int r = store_strings(store, &dates, &n, "SELECT min(date) FROM sessions", "");
        if (r < 0)
                return r;
        r = n > 0 && date_parse(dates[0], ret_date) == 0;
        store_strings_free(dates, n);
        return r;
}

static int read_held(struct store *store, sqlite3_stmt *stmt, void *element) {
        struct store_held_group *g = element;
        g->version = sqlite3_column_int64(stmt, 0);
        return store_column_strdup(stmt, 1, &g->group_id);
}

static void clear_held(void *element) {
        free(((struct store_held_group *)element)->group_id);
}

int store_sessions_held_groups(struct store *store, int64_t now, struct store_held_group **ret, size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = store_query(store, &stmt,
                            "SELECT DISTINCT version, group_id FROM sessions WHERE makes_up IS NULL"
                            " AND status != 'cancelled' AND starts_at <= ? AND group_id IS NOT NULL ORDER BY version",
                            "i", now);
        return r < 0 ? r
                     : store_collect(store, stmt, "read the groups that held sessions", sizeof **ret, read_held,
                                     clear_held, ret, ret_n);
}

void store_dosage_pairs_free(struct store_dosage_pair *pairs, size_t n) {
        store_array_free(pairs, n, sizeof *pairs, clear_pair);
}

void store_fidelity_rows_free(struct store_fidelity_row *rows, size_t n) {
        store_array_free(rows, n, sizeof *rows, clear_fidelity);
}

void store_feed_changes_free(struct store_feed_change *rows, size_t n) {
        store_array_free(rows, n, sizeof *rows, clear_change);
}

void store_started_free(struct store_started *rows, size_t n) {
        store_array_free(rows, n, sizeof *rows, clear_started);
}

void store_held_groups_free(struct store_held_group *rows, size_t n) {
        store_array_free(rows, n, sizeof *rows, clear_held);
}
