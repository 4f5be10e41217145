/* sessions-report.c: what the coordinator reads: dosage per student and group (this week and
 * over the rolling window), fidelity rolled up, alerts and their acknowledgement, and the dated
 * changes (cancellations, make-ups) the calendar feeds show. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/dosage.h"
#include "model/occurrence.h"
#include "service/sessions-internal.h"

/* group_id NULL: every group of the student. */
static int student_tally(struct daemon *daemon, const char *student_id, const char *group_id, time_t from,
                         time_t to, bool settled_only, struct dosage_tally *ret) {
        sqlite3_stmt *stmt = NULL;
        struct dosage_tally tally = { 0 };
        int r = sql_prepare(daemon, &stmt,
                            "SELECT s.makes_up IS NULL, s.planned_minutes, s.status, p.present, s.minutes"
                            " FROM sessions s JOIN session_students p USING (session_id)"
                            " WHERE p.student_id = ? AND (? IS NULL OR s.group_id = ?)"
                            " AND s.ends_at >= ? AND s.ends_at < ?",
                            "tttii", student_id, group_id, group_id, (int64_t)from, (int64_t)to);
        if (r < 0)
                return r;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                const char *status = sql_text(stmt, 2);
                bool regular = sqlite3_column_int(stmt, 0);
                bool settled = strcmp(status, "scheduled") != 0;
                bool delivered = strcmp(status, "delivered") == 0 && sqlite3_column_int(stmt, 3) == 1;
                /* A cancelled session stays planned: the student still lost those minutes. */
                dosage_add(&tally, regular && (settled || !settled_only), sqlite3_column_int(stmt, 1), delivered,
                           sqlite3_column_int(stmt, 4));
        }
        sqlite3_finalize(stmt);
        *ret = tally;
        return 0;
}

int sessions_student_dosage(struct daemon *daemon, const char *student_id, time_t from, time_t to,
                            bool settled_only, struct dosage_tally *ret) {
        return student_tally(daemon, student_id, NULL, from, to, settled_only, ret);
}

static int group_tally(struct daemon *daemon, const char *group_id, time_t from, time_t to,
                       struct dosage_tally *ret) {
        sqlite3_stmt *stmt = NULL;
        struct dosage_tally tally = { 0 };
        int r = sql_prepare(daemon, &stmt,
                            "SELECT makes_up IS NULL, planned_minutes, status, minutes FROM sessions"
                            " WHERE group_id = ? AND ends_at >= ? AND ends_at < ?",
                            "tii", group_id, (int64_t)from, (int64_t)to);
        if (r < 0)
                return r;
        while (sqlite3_step(stmt) == SQLITE_ROW)
                dosage_add(&tally, sqlite3_column_int(stmt, 0), sqlite3_column_int(stmt, 1),
                           strcmp(sql_text(stmt, 2), "delivered") == 0, sqlite3_column_int(stmt, 3));
        sqlite3_finalize(stmt);
        *ret = tally;
        return 0;
}

static struct json_object *tally_json(const struct dosage_tally *t) {
        struct json_object *o = json_object_new_object();
        int percent = dosage_percent(t), sessions = dosage_session_percent(t);
        json_object_object_add(o, "planned_minutes", json_object_new_int64(t->planned_minutes));
        json_object_object_add(o, "delivered_minutes", json_object_new_int64(t->delivered_minutes));
        json_object_object_add(o, "planned_sessions", json_object_new_int64(t->planned_sessions));
        json_object_object_add(o, "delivered_sessions", json_object_new_int64(t->delivered_sessions));
        json_object_object_add(o, "percent", percent >= 0 ? json_object_new_int(percent) : NULL);
        json_object_object_add(o, "sessions_percent", sessions >= 0 ? json_object_new_int(sessions) : NULL);
        json_object_object_add(o, "band", json_object_new_string(dosage_band_names[dosage_band(t)]));
        return o;
}

struct periods {
        time_t now, week_start, window_start;
};

static struct periods periods_of(struct daemon *daemon) {
        struct periods p;
        p.now = clock_now(&daemon->clock);
        p.week_start = sessions_time_of(date_week_start(sessions_date_of(p.now, NULL)), 0);
        p.window_start = p.now - (time_t)daemon->conf.dosage_window_seconds;
        return p;
}

static const char *student_name(struct daemon *daemon, const char *student_id) {
        int s = daemon->school ? school_find_student(daemon->school, student_id) : -1;
        return s >= 0 ? daemon->school->students[s].name : student_id;
}

static int student_row(struct daemon *daemon, const struct periods *p, const char *student_id, const char *group_id,
                       struct json_object **ret, struct dosage_tally *ret_window) {
        struct dosage_tally week, window;
        int r = student_tally(daemon, student_id, group_id, p->week_start, p->now + 1, false, &week);
        if (r >= 0)
                r = student_tally(daemon, student_id, group_id, p->window_start, p->now + 1, false, &window);
        if (r < 0)
                return r;
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "student_id", json_object_new_string(student_id));
        json_object_object_add(o, "name", json_object_new_string(student_name(daemon, student_id)));
        if (group_id)
                json_object_object_add(o, "group_id", json_object_new_string(group_id));
        json_object_object_add(o, "week", tally_json(&week));
        json_object_object_add(o, "window", tally_json(&window));
        *ret = o;
        if (ret_window)
                *ret_window = window;
        return 0;
}

static int group_row(struct daemon *daemon, const struct periods *p, const char *group_id, struct json_object **ret) {
        struct dosage_tally week, window;
        int r = group_tally(daemon, group_id, p->week_start, p->now + 1, &week);
        if (r >= 0)
                r = group_tally(daemon, group_id, p->window_start, p->now + 1, &window);
        if (r < 0)
                return r;
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "group_id", json_object_new_string(group_id));
        json_object_object_add(o, "week", tally_json(&week));
        json_object_object_add(o, "window", tally_json(&window));
        *ret = o;
        return 0;
}

static void add_header(struct daemon *daemon, struct json_object *o, const struct periods *p) {
        char now[32], week[32], window[32];
        daemon_format_time(p->now, now);
        daemon_format_time(p->week_start, week);
        daemon_format_time(p->window_start, window);
        json_object_object_add(o, "now", json_object_new_string(now));
        json_object_object_add(o, "week_start", json_object_new_string(week));
        json_object_object_add(o, "window_start", json_object_new_string(window));
        json_object_object_add(o, "window_days", json_object_new_int64(daemon->conf.dosage_window_seconds / 86400));
        json_object_object_add(o, "threshold_percent", json_object_new_int(daemon->conf.dosage_threshold_percent));
}

/* Distinct values of one query's first column. */
static int distinct(struct daemon *daemon, const char *sql, const char *id, char ***ret, size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(daemon, &stmt, sql, "tt", id, id);
        if (r < 0)
                return r;
        char **list = NULL;
        size_t n = 0;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                char **grown = realloc(list, (n + 1) * sizeof *list);
                if (!grown)
                        break;
                list = grown;
                list[n++] = strdup(sql_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
        *ret = list;
        *ret_n = n;
        return 0;
}

static int one(const char *id, char ***ret, size_t *ret_n) {
        char **list = malloc(sizeof *list);
        if (!list || !(list[0] = strdup(id))) {
                free(list);
                return -ENOMEM;
        }
        *ret = list;
        *ret_n = 1;
        return 0;
}

static void strings_free(char **list, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(list[i]);
        free(list);
}

int sessions_dosage(struct daemon *daemon, const char *kind, const char *id, struct json_object **ret,
                    char why[static SESSIONS_WHY_MAX]) {
        struct periods p = periods_of(daemon);
        char **students = NULL, **groups = NULL;
        size_t n_students = 0, n_groups = 0;
        int r;
        if (strcmp(kind, "student") == 0) {
                if (sql_int(daemon, 0, "SELECT COUNT(*) FROM session_students WHERE student_id = ?", "t", id) == 0 &&
                    (!daemon->school || school_find_student(daemon->school, id) < 0)) {
                        snprintf(why, SESSIONS_WHY_MAX, "no student %.64s", id);
                        return -ENOENT;
                }
                r = one(id, &students, &n_students);
                if (r >= 0)
                        r = distinct(daemon, "SELECT DISTINCT s.group_id FROM sessions s JOIN session_students p"
                                             " USING (session_id) WHERE p.student_id = ? AND ? IS NOT NULL"
                                             " ORDER BY s.group_id", id, &groups, &n_groups);
        } else if (strcmp(kind, "group") == 0) {
                if (sql_int(daemon, 0, "SELECT COUNT(*) FROM sessions WHERE group_id = ?", "t", id) == 0) {
                        snprintf(why, SESSIONS_WHY_MAX, "no sessions of group %.64s", id);
                        return -ENOENT;
                }
                r = one(id, &groups, &n_groups);
                if (r >= 0)
                        r = distinct(daemon, "SELECT p.student_id FROM session_students p JOIN sessions s"
                                             " USING (session_id) WHERE s.group_id = ? AND ? IS NOT NULL"
                                             " GROUP BY p.student_id ORDER BY MIN(p.rowid)", id, &students,
                                     &n_students);
        } else if (strcmp(kind, "") == 0) {
                r = distinct(daemon, "SELECT p.student_id FROM session_students p WHERE ? IS NULL AND ? IS NULL"
                                     " GROUP BY p.student_id ORDER BY p.student_id", NULL, &students, &n_students);
                if (r >= 0)
                        r = distinct(daemon, "SELECT DISTINCT group_id FROM sessions WHERE ? IS NULL AND ? IS NULL"
                                             " ORDER BY group_id", NULL, &groups, &n_groups);
        } else {
                snprintf(why, SESSIONS_WHY_MAX, "dosage of \"%.32s\": use student or group", kind);
                return -EINVAL;
        }
        if (r < 0)
                goto out;
        struct json_object *o = json_object_new_object();
        add_header(daemon, o, &p);
        struct json_object *list = json_object_new_array();
        for (size_t i = 0; i < n_students && r >= 0; i++) {
                struct json_object *row = NULL;
                if ((r = student_row(daemon, &p, students[i], NULL, &row, NULL)) >= 0)
                        json_object_array_add(list, row);
        }
        json_object_object_add(o, "students", list);
        list = json_object_new_array();
        for (size_t i = 0; i < n_groups && r >= 0; i++) {
                struct json_object *row = NULL;
                if ((r = group_row(daemon, &p, groups[i], &row)) >= 0)
                        json_object_array_add(list, row);
        }
        json_object_object_add(o, "groups", list);
        if (r < 0)
                json_object_put(o);
        else
                *ret = o;
out:
        strings_free(students, n_students);
        strings_free(groups, n_groups);
        return r < 0 ? r : 0;
}

static int compare_percent(const void *a, const void *b) {
        struct json_object *x = *(struct json_object *const *)a, *y = *(struct json_object *const *)b;
        struct json_object *px = json_object_object_get(x, "sort"), *py = json_object_object_get(y, "sort");
        int64_t vx = json_object_get_int64(px), vy = json_object_get_int64(py);
        return (vx > vy) - (vx < vy);
}

/* Sorts an array of rows by their "sort" key (then removes it): worst first. */
static struct json_object *sorted(struct json_object *rows) {
        size_t n = json_object_array_length(rows);
        struct json_object **items = calloc(n ? n : 1, sizeof *items);
        struct json_object *out = json_object_new_array();
        for (size_t i = 0; i < n && items; i++)
                items[i] = json_object_get(json_object_array_get_idx(rows, i));
        if (items)
                qsort(items, n, sizeof *items, compare_percent);
        for (size_t i = 0; i < n && items; i++) {
                json_object_object_del(items[i], "sort");
                json_object_array_add(out, items[i]);
        }
        free(items);
        json_object_put(rows);
        return out;
}

static int64_t sort_key(int percent) {
        return percent < 0 ? 1000 : percent; /* nothing planned goes last */
}

static int report_dosage(struct daemon *daemon, const struct periods *p, const char *program_id, const char *staff_id,
                         struct json_object *o) {
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(daemon, &stmt,
                            "SELECT p.student_id, s.group_id, MAX(s.program_id), MAX(s.staff_id) FROM sessions s"
                            " JOIN session_students p USING (session_id) WHERE s.ends_at >= ? AND s.ends_at <= ?"
                            " AND (? IS NULL OR s.program_id = ?) AND (? IS NULL OR s.staff_id = ?)"
                            " GROUP BY p.student_id, s.group_id ORDER BY p.student_id, s.group_id",
                            "iitttt", (int64_t)p->window_start, (int64_t)p->now, program_id, program_id, staff_id,
                            staff_id);
        if (r < 0)
                return r;
        struct json_object *rows = json_object_new_array();
        while (r >= 0 && sqlite3_step(stmt) == SQLITE_ROW) {
                struct json_object *row = NULL;
                struct dosage_tally window;
                r = student_row(daemon, p, sql_text(stmt, 0), sql_text(stmt, 1), &row, &window);
                if (r < 0)
                        break;
                json_object_object_add(row, "program_id", json_object_new_string(sql_text(stmt, 2)));
                json_object_object_add(row, "staff_id", json_object_new_string(sql_text(stmt, 3)));
                json_object_object_add(row, "sort", json_object_new_int64(sort_key(dosage_percent(&window))));
                json_object_array_add(rows, row);
        }
        sqlite3_finalize(stmt);
        json_object_object_add(o, "rows", sorted(rows));
        return r;
}

/* One fidelity rollup: rows of (key, sessions, delivered, applicable) from sql. */
static int fidelity_rollup(struct daemon *daemon, const struct periods *p, const char *key_column,
                           const char *program_id, const char *staff_id, struct json_object **ret) {
        char sql[640];
        snprintf(sql, sizeof sql,
                 "SELECT %s, COUNT(*), SUM(fidelity_delivered), SUM(fidelity_applicable), MAX(program_id),"
                 " MAX(staff_id) FROM sessions WHERE status = 'delivered' AND fidelity_applicable > 0"
                 " AND ends_at >= ? AND ends_at <= ? AND (? IS NULL OR program_id = ?)"
                 " AND (? IS NULL OR staff_id = ?) GROUP BY 1 ORDER BY 1",
                 key_column);
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(daemon, &stmt, sql, "iitttt", (int64_t)p->window_start, (int64_t)p->now, program_id,
                            program_id, staff_id, staff_id);
        if (r < 0)
                return r;
        struct json_object *rows = json_object_new_array();
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                struct fidelity_tally t = { .sessions = sqlite3_column_int64(stmt, 1),
                                            .delivered = sqlite3_column_int64(stmt, 2),
                                            .applicable = sqlite3_column_int64(stmt, 3) };
                int percent = fidelity_percent(&t);
                struct json_object *row = json_object_new_object();
                json_object_object_add(row, "id", json_object_new_string(sql_text(stmt, 0)));
                if (strcmp(key_column, "group_id") == 0) {
                        json_object_object_add(row, "program_id", json_object_new_string(sql_text(stmt, 4)));
                        json_object_object_add(row, "staff_id", json_object_new_string(sql_text(stmt, 5)));
                }
                json_object_object_add(row, "sessions", json_object_new_int64(t.sessions));
                json_object_object_add(row, "items_delivered", json_object_new_int64(t.delivered));
                json_object_object_add(row, "items_applicable", json_object_new_int64(t.applicable));
                json_object_object_add(row, "percent", percent >= 0 ? json_object_new_int(percent) : NULL);
                json_object_object_add(row, "below_threshold",
                                       json_object_new_boolean(percent >= 0 &&
                                                               percent < daemon->conf.fidelity_threshold_percent));
                json_object_object_add(row, "sort", json_object_new_int64(sort_key(percent)));
                json_object_array_add(rows, row);
        }
        sqlite3_finalize(stmt);
        *ret = sorted(rows);
        return 0;
}

int sessions_report(struct daemon *daemon, const char *report, const char *program_id, const char *staff_id,
                    struct json_object **ret, char why[static SESSIONS_WHY_MAX]) {
        struct periods p = periods_of(daemon);
        if (program_id && daemon->school && school_find_program(daemon->school, program_id) < 0) {
                snprintf(why, SESSIONS_WHY_MAX, "no program %.64s", program_id);
                return -ENOENT;
        }
        if (staff_id && daemon->school && school_find_staff(daemon->school, staff_id) < 0) {
                snprintf(why, SESSIONS_WHY_MAX, "no staff member %.64s", staff_id);
                return -ENOENT;
        }
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "report", json_object_new_string(report));
        add_header(daemon, o, &p);
        int r;
        if (strcmp(report, "dosage") == 0) {
                r = report_dosage(daemon, &p, program_id, staff_id, o);
        } else if (strcmp(report, "fidelity") == 0) {
                static const struct {
                        const char *name, *column;
                } levels[] = {
                        { "rows", "group_id" },
                        { "programs", "program_id" },
                        { "staff", "staff_id" },
                        /* The Monday of each session's week. */
                        { "weeks", "date(date, '-6 days', 'weekday 1')" },
                };
                json_object_object_add(o, "threshold_percent",
                                       json_object_new_int(daemon->conf.fidelity_threshold_percent));
                r = 0;
                for (size_t i = 0; i < sizeof levels / sizeof levels[0] && r >= 0; i++) {
                        struct json_object *rows = NULL;
                        if ((r = fidelity_rollup(daemon, &p, levels[i].column, program_id, staff_id, &rows)) >= 0)
                                json_object_object_add(o, levels[i].name, rows);
                }
        } else {
                snprintf(why, SESSIONS_WHY_MAX, "no report \"%.32s\": dosage or fidelity", report);
                r = -EINVAL;
        }
        if (r < 0) {
                json_object_put(o);
                return r;
        }
        *ret = o;
        return 0;
}

int sessions_alerts(struct daemon *daemon, bool all, struct json_object **ret) {
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(daemon, &stmt,
                            "SELECT id, document, acked_at, command_state, command_attempts FROM alerts"
                            " WHERE ? OR acked_at IS NULL ORDER BY id", "d", (int)all);
        if (r < 0)
                return r;
        struct json_object *list = json_object_new_array();
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                struct json_object *a = json_tokener_parse(sql_text(stmt, 1));
                if (!a)
                        a = json_object_new_object();
                json_object_object_add(a, "alert_id", json_object_new_int64(sqlite3_column_int64(stmt, 0)));
                json_object_object_add(a, "acked_at", sqlite3_column_type(stmt, 2) == SQLITE_NULL
                                                              ? NULL
                                                              : json_object_new_string(sql_text(stmt, 2)));
                json_object_object_add(a, "command", json_object_new_string(sql_text(stmt, 3)));
                json_object_object_add(a, "command_attempts", json_object_new_int(sqlite3_column_int(stmt, 4)));
                json_object_array_add(list, a);
        }
        sqlite3_finalize(stmt);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "alerts", list);
        *ret = o;
        return 0;
}

int sessions_ack(struct daemon *daemon, int64_t alert_id, struct json_object **ret, char why[static SESSIONS_WHY_MAX]) {
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        int r = sql_run(daemon, "UPDATE alerts SET acked_at = ? WHERE id = ? AND acked_at IS NULL", "ti", now, alert_id);
        if (r < 0)
                return r;
        if (r == 0) {
                bool exists = sql_int(daemon, 0, "SELECT COUNT(*) FROM alerts WHERE id = ?", "i", alert_id) > 0;
                snprintf(why, SESSIONS_WHY_MAX, exists ? "alert %lld was already acknowledged" : "no alert %lld",
                         (long long)alert_id);
                return exists ? -EEXIST : -ENOENT;
        }
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "alert_id", json_object_new_int64(alert_id));
        json_object_object_add(o, "acked_at", json_object_new_string(now));
        *ret = o;
        return 0;
}

void sessions_feed_items_free(struct ical_feed_item *items, size_t n) {
        for (size_t i = 0; items && i < n; i++) {
                free((char *)items[i].session_id);
                free((char *)items[i].makes_up);
        }
        free(items);
}

static int push_item(struct ical_feed_item **items, size_t *n, struct ical_feed_item item) {
        struct ical_feed_item *grown = realloc(*items, (*n + 1) * sizeof *grown);
        if (!grown) {
                free((char *)item.session_id);
                free((char *)item.makes_up);
                return -ENOMEM;
        }
        *items = grown;
        (*items)[(*n)++] = item;
        return item.session_id ? 0 : -ENOMEM;
}

struct past_session {
        char id[OCCURRENCE_SESSION_ID_MAX];
        civil_date date;
        int start, end;
        bool cancelled;
};

/* The group's regular sessions that have started, as stored. */
static int past_sessions(struct daemon *daemon, const char *group_id, time_t now, struct past_session **ret,
                         size_t *ret_n) {
        sqlite3_stmt *stmt = NULL;
        struct past_session *list = NULL;
        size_t n = 0;
        int r = sql_prepare(daemon, &stmt,
                            "SELECT session_id, date, start, end, status = 'cancelled' FROM sessions"
                            " WHERE group_id = ? AND makes_up IS NULL AND starts_at <= ?",
                            "ti", group_id, (int64_t)now);
        if (r < 0)
                return r;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                struct past_session *grown = realloc(list, (n + 1) * sizeof *grown);
                if (!grown) {
                        r = -ENOMEM;
                        break;
                }
                list = grown;
                struct past_session *p = &list[n];
                snprintf(p->id, sizeof p->id, "%s", sql_text(stmt, 0));
                if (date_parse(sql_text(stmt, 1), &p->date) < 0)
                        continue;
                p->start = sqlite3_column_int(stmt, 2);
                p->end = sqlite3_column_int(stmt, 3);
                p->cancelled = sqlite3_column_int(stmt, 4) != 0;
                n++;
        }
        sqlite3_finalize(stmt);
        if (r < 0) {
                free(list);
                return r;
        }
        *ret = list;
        *ret_n = n;
        return 0;
}

/* The past against the current weekly series: a series occurrence that was never a session
 * here (the schedule was different then) is taken out, and a session that was held then at
 * other times is shown on its own, so a feed shows what happened and what will. */
static int past_items(struct daemon *daemon, const struct schedule *schedule, struct ical_feed_item **items,
                      size_t *n) {
        time_t now = clock_now(&daemon->clock);
        int64_t earliest = sql_int(daemon, -1, "SELECT min(starts_at) FROM sessions", "");
        if (earliest < 0 || earliest > (int64_t)now)
                return 0;
        civil_date today = sessions_date_of(now, NULL), first = sessions_date_of((time_t)earliest, NULL);
        int r = 0;
        for (size_t g = 0; g < schedule->n_groups && r >= 0; g++) {
                const struct group *group = &schedule->groups[g];
                struct occurrence *series = NULL;
                struct past_session *held = NULL;
                size_t n_series = 0, n_held = 0;
                if ((r = occurrence_expand_group(schedule, (int)g, first, today, &series, &n_series)) < 0 ||
                    (r = past_sessions(daemon, group->id, now, &held, &n_held)) < 0) {
                        free(series);
                        break;
                }
                /* Series occurrences that started already but never existed as sessions. */
                for (size_t i = 0; i < n_series && r >= 0; i++) {
                        if (!occurrence_is_held(&series[i]) || sessions_time_of(series[i].date, series[i].start) > now)
                                continue;
                        bool stored = false;
                        for (size_t k = 0; k < n_held && !stored; k++)
                                stored = held[k].date == series[i].date && held[k].start == series[i].start;
                        if (stored)
                                continue;
                        char id[OCCURRENCE_SESSION_ID_MAX];
                        occurrence_session_id(group->id, series[i].date, series[i].start, id);
                        r = push_item(items, n, (struct ical_feed_item){ .kind = ICAL_FEED_CANCELLED, .group = (int)g,
                                                                          .session_id = strdup(id) });
                }
                /* Sessions held at times the series does not have. */
                for (size_t k = 0; k < n_held && r >= 0; k++) {
                        bool in_series = false;
                        for (size_t i = 0; i < n_series && !in_series; i++)
                                in_series = occurrence_is_held(&series[i]) && series[i].date == held[k].date &&
                                            series[i].start == held[k].start;
                        if (in_series || held[k].cancelled)
                                continue;
                        r = push_item(items, n, (struct ical_feed_item){ .kind = ICAL_FEED_HELD, .group = (int)g,
                                                                          .session_id = strdup(held[k].id),
                                                                          .date = held[k].date, .start = held[k].start,
                                                                          .end = held[k].end });
                }
                free(series);
                free(held);
        }
        return r;
}

int sessions_feed_items(struct daemon *daemon, const struct schedule *schedule, struct ical_feed_item **ret,
                        size_t *ret_n) {
        if (!schedule) {
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(daemon, &stmt,
                            "SELECT session_id, group_id, status, date, start, end, makes_up FROM sessions"
                            " WHERE (status = 'cancelled' AND makes_up IS NULL)"
                            " OR (makes_up IS NOT NULL AND status != 'cancelled') ORDER BY date, start, session_id",
                            "");
        if (r < 0)
                return r;
        struct ical_feed_item *items = NULL;
        size_t n = 0;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                int group = schedule_find_group(schedule, sql_text(stmt, 1));
                civil_date date;
                if (group < 0 || date_parse(sql_text(stmt, 3), &date) < 0)
                        continue; /* a group of an older version: nothing of it is in the feeds */
                bool makeup = sqlite3_column_type(stmt, 6) != SQLITE_NULL;
                r = push_item(&items, &n, (struct ical_feed_item){
                        .kind = makeup ? ICAL_FEED_MAKEUP : ICAL_FEED_CANCELLED,
                        .group = group,
                        .session_id = strdup(sql_text(stmt, 0)),
                        .date = date,
                        .start = sqlite3_column_int(stmt, 4),
                        .end = sqlite3_column_int(stmt, 5),
                        .makes_up = makeup ? strdup(sql_text(stmt, 6)) : NULL,
                });
                if (r >= 0 && makeup && !items[n - 1].makes_up)
                        r = -ENOMEM;
                if (r < 0)
                        break;
        }
        sqlite3_finalize(stmt);
        if (r >= 0)
                r = past_items(daemon, schedule, &items, &n);
        if (r < 0) {
                sessions_feed_items_free(items, n);
                return r;
        }
        *ret = items;
        *ret_n = n;
        return 0;
}
