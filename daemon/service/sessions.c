/* sessions.c: occurrences kept in step with the published schedule, and the one timer that
 * fires reminders, fidelity prompts and missed-session checks, each recorded with its state. */
#include <errno.h>
#include <stdint.h>
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "log.h"
#include "model/dosage.h"
#include "model/occurrence.h"
#include "service/sessions-internal.h"

/* ---- SQL helpers ---- */

static int bind_args(sqlite3_stmt *stmt, const char *types, va_list ap) {
        for (int i = 0; types && types[i]; i++) {
                switch (types[i]) {
                case 't': {
                        const char *text = va_arg(ap, const char *);
                        if (text)
                                sqlite3_bind_text(stmt, i + 1, text, -1, SQLITE_TRANSIENT);
                        else
                                sqlite3_bind_null(stmt, i + 1);
                        break;
                }
                case 'i':
                        sqlite3_bind_int64(stmt, i + 1, va_arg(ap, int64_t));
                        break;
                case 'd':
                        sqlite3_bind_int(stmt, i + 1, va_arg(ap, int));
                        break;
                default:
                        return -EINVAL;
                }
        }
        return 0;
}

static int prepare_v(struct daemon *daemon, sqlite3_stmt **ret, const char *sql, const char *types, va_list ap) {
        sqlite3_stmt *stmt = NULL;
        int r = store_prepare(daemon->store, sql, &stmt);
        if (r < 0)
                return r;
        if ((r = bind_args(stmt, types, ap)) < 0) {
                sqlite3_finalize(stmt);
                return r;
        }
        *ret = stmt;
        return 0;
}

int sql_prepare(struct daemon *daemon, sqlite3_stmt **ret, const char *sql, const char *types, ...) {
        va_list ap;
        va_start(ap, types);
        int r = prepare_v(daemon, ret, sql, types, ap);
        va_end(ap);
        return r;
}

/* Changes run many times over (a term of sessions at each publication) reuse their
 * prepared statement. */
int sql_run(struct daemon *daemon, const char *sql, const char *types, ...) {
        sqlite3_stmt *stmt = NULL;
        bool cached = false;
        int r = store_prepare_cached(daemon->store, sql, &stmt, &cached);
        if (r < 0)
                return r;
        va_list ap;
        va_start(ap, types);
        r = bind_args(stmt, types, ap);
        va_end(ap);
        if (r >= 0)
                r = sqlite3_step(stmt) == SQLITE_DONE ? sqlite3_changes(daemon->store->db)
                                                      : store_fail(daemon->store, sql);
        if (cached)
                sqlite3_reset(stmt);
        else
                sqlite3_finalize(stmt);
        return r;
}

int64_t sql_int(struct daemon *daemon, int64_t fallback, const char *sql, const char *types, ...) {
        sqlite3_stmt *stmt = NULL;
        va_list ap;
        va_start(ap, types);
        int r = prepare_v(daemon, &stmt, sql, types, ap);
        va_end(ap);
        if (r < 0)
                return fallback;
        int64_t value = fallback;
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL)
                value = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
        return value;
}

const char *sql_text(sqlite3_stmt *stmt, int column) {
        const unsigned char *text = sqlite3_column_text(stmt, column);
        return text ? (const char *)text : "";
}

/* ---- time ---- */

time_t sessions_time_of(civil_date date, int minute) {
        int year, month, day;
        date_to_ymd(date, &year, &month, &day);
        struct tm tm = { .tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day,
                         .tm_hour = minute / 60, .tm_min = minute % 60, .tm_isdst = -1 };
        return mktime(&tm);
}

civil_date sessions_date_of(time_t when, int *ret_minute) {
        struct tm tm;
        localtime_r(&when, &tm);
        if (ret_minute)
                *ret_minute = tm.tm_hour * 60 + tm.tm_min;
        return date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static struct sessions_runtime *runtime(struct daemon *daemon) {
        if (!daemon->sessions)
                daemon->sessions = calloc(1, sizeof *daemon->sessions);
        return daemon->sessions;
}

/* ---- signals after commit ---- */

void sessions_queue_signal(struct daemon *daemon, const char *name, const char *id, int64_t alert_id,
                           struct json_object *document) {
        struct sessions_runtime *rt = runtime(daemon);
        struct pending_signal *grown = rt ? realloc(rt->pending, (rt->n_pending + 1) * sizeof *grown) : NULL;
        if (!grown)
                return;
        rt->pending = grown;
        grown[rt->n_pending++] = (struct pending_signal){
                .name = name,
                .id = strdup(id ? id : ""),
                .alert_id = alert_id,
                .document = strdup(json_object_to_json_string_ext(document, JSON_C_TO_STRING_PLAIN)),
        };
}

void sessions_flush_signals(struct daemon *daemon, bool send) {
        struct sessions_runtime *rt = daemon->sessions;
        if (!rt)
                return;
        for (size_t i = 0; i < rt->n_pending; i++) {
                struct pending_signal *p = &rt->pending[i];
                if (send && daemon->bus && p->id && p->document) {
                        if (strcmp(p->name, "Alert") == 0)
                                sd_bus_emit_signal(daemon->bus, BUS_PATH, BUS_INTERFACE, p->name, "xs", p->alert_id,
                                                   p->document);
                        else
                                sd_bus_emit_signal(daemon->bus, BUS_PATH, BUS_INTERFACE, p->name, "ss", p->id,
                                                   p->document);
                }
                free(p->id);
                free(p->document);
        }
        free(rt->pending);
        rt->pending = NULL;
        rt->n_pending = 0;
        if (send) {
                bus_rearm(daemon);
                alert_command_kick(daemon);
        }
}

/* ---- alerts ---- */

int sessions_raise_alert(struct daemon *daemon, const char *kind, const char *key, const char *session_id,
                         const char *student_id, const char *group_id, const char *staff_id,
                         const char *message) {
        char now[32];
        time_t now_time = clock_now(&daemon->clock);
        daemon_format_time(now_time, now);
        if (sql_int(daemon, 0, "SELECT COUNT(*) FROM alerts WHERE key = ?", "t", key) > 0)
                return 0;
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "kind", json_object_new_string(kind));
        json_object_object_add(o, "created_at", json_object_new_string(now));
        json_object_object_add(o, "message", json_object_new_string(message));
        json_object_object_add(o, "session_id", session_id ? json_object_new_string(session_id) : NULL);
        json_object_object_add(o, "student_id", student_id ? json_object_new_string(student_id) : NULL);
        json_object_object_add(o, "group_id", group_id ? json_object_new_string(group_id) : NULL);
        json_object_object_add(o, "staff_id", staff_id ? json_object_new_string(staff_id) : NULL);
        if (daemon->school)
                json_object_object_add(o, "school", json_object_new_string(daemon->school->info.name));
        bool command = daemon->conf.alert_command && daemon->conf.alert_command[0];
        int r = sql_run(daemon,
                        "INSERT INTO alerts (kind, key, created_at, session_id, student_id, group_id, staff_id,"
                        " message, document, command_state, command_next_at) VALUES (?,?,?,?,?,?,?,?,'',?,?)",
                        "ttttttttti", kind, key, now, session_id, student_id, group_id, staff_id, message,
                        command ? "pending" : "none", (int64_t)now_time);
        if (r < 0) {
                json_object_put(o);
                return r;
        }
        int64_t id = sqlite3_last_insert_rowid(daemon->store->db);
        json_object_object_add(o, "alert_id", json_object_new_int64(id));
        const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        r = sql_run(daemon, "UPDATE alerts SET document = ? WHERE id = ?", "ti", text, id);
        if (r >= 0) {
                char id_text[32];
                snprintf(id_text, sizeof id_text, "%lld", (long long)id);
                sessions_queue_signal(daemon, "Alert", id_text, id, o);
                log_info("alert %lld (%s): %s", (long long)id, kind, message);
        }
        json_object_put(o);
        return r < 0 ? r : 1;
}

static int iso_week_key(time_t now, char buf[static 11]) {
        date_format(date_week_start(sessions_date_of(now, NULL)), buf);
        return 0;
}

/* A student's dosage over the configured window, settled sessions only: an unlogged session
 * still inside its grace period is not yet a shortfall. */
static int check_student(struct daemon *daemon, const char *student_id, const char *group_id,
                         const char *staff_id, time_t now) {
        char week[11], key[128], message[320];
        iso_week_key(now, week);
        struct dosage_tally tally = { 0 };
        int r = sessions_student_dosage(daemon, student_id, now - (time_t)daemon->conf.dosage_window_seconds, now + 1,
                                        true, &tally);
        if (r < 0)
                return r;
        /* A window is judged once it holds a week of the plan: one missed session on the first
         * day is a missed-session alert, not yet a dosage shortfall. */
        int64_t first = sql_int(daemon, INT64_MAX,
                                "SELECT MIN(s.ends_at) FROM sessions s JOIN session_students p USING (session_id)"
                                " WHERE p.student_id = ? AND s.makes_up IS NULL", "t", student_id);
        int percent = first <= (int64_t)now - 7 * 86400 ? dosage_percent(&tally) : -1;
        const char *name = student_id;
        int s = daemon->school ? school_find_student(daemon->school, student_id) : -1;
        if (s >= 0)
                name = daemon->school->students[s].name;
        if (percent >= 0 && percent < daemon->conf.dosage_threshold_percent) {
                snprintf(key, sizeof key, "dosage:%s:%s", student_id, week);
                snprintf(message, sizeof message,
                         "%s (%s) received %ld of %ld planned minutes (%d %%) over the last %lld days, under %d %%",
                         name, student_id, tally.delivered_minutes, tally.planned_minutes, percent,
                         daemon->conf.dosage_window_seconds / 86400, daemon->conf.dosage_threshold_percent);
                if ((r = sessions_raise_alert(daemon, "low_dosage", key, NULL, student_id, group_id, staff_id,
                                              message)) < 0)
                        return r;
        }
        /* Misses of one student: sessions declared missed and absences, over the window. */
        int64_t misses = sql_int(daemon, 0,
                                 "SELECT COUNT(*) FROM sessions s JOIN session_students p USING (session_id)"
                                 " WHERE p.student_id = ? AND s.ends_at > ? AND s.ends_at <= ?"
                                 " AND (s.status = 'missed' OR (s.status = 'delivered' AND p.present = 0))",
                                 "tii", student_id, (int64_t)(now - daemon->conf.dosage_window_seconds),
                                 (int64_t)now);
        if (daemon->conf.repeated_miss_count > 0 && misses >= daemon->conf.repeated_miss_count) {
                snprintf(key, sizeof key, "repeated_miss:%s:%s", student_id, week);
                snprintf(message, sizeof message, "%s (%s) missed %lld sessions over the last %lld days",
                         name, student_id, (long long)misses, daemon->conf.dosage_window_seconds / 86400);
                if ((r = sessions_raise_alert(daemon, "repeated_miss", key, NULL, student_id, group_id, staff_id,
                                              message)) < 0)
                        return r;
        }
        return 0;
}

int sessions_check_alerts(struct daemon *daemon, const char *session_id) {
        sqlite3_stmt *stmt = NULL;
        char group_id[64] = "", staff_id[64] = "", date_text[16] = "";
        time_t now = clock_now(&daemon->clock);
        int r = sql_prepare(daemon, &stmt, "SELECT group_id, staff_id, date FROM sessions WHERE session_id = ?", "t",
                            session_id);
        if (r < 0)
                return r;
        if (sqlite3_step(stmt) == SQLITE_ROW) {
                snprintf(group_id, sizeof group_id, "%s", sql_text(stmt, 0));
                snprintf(staff_id, sizeof staff_id, "%s", sql_text(stmt, 1));
                snprintf(date_text, sizeof date_text, "%s", sql_text(stmt, 2));
        }
        sqlite3_finalize(stmt);
        if (!group_id[0])
                return 0;

        /* Fidelity of the group over the week of the session. */
        civil_date date;
        if (date_parse(date_text, &date) >= 0) {
                civil_date monday = date_week_start(date);
                char from[11], to[11];
                date_format(monday, from);
                date_format(monday + 7, to);
                int64_t delivered = sql_int(daemon, 0,
                                            "SELECT SUM(fidelity_delivered) FROM sessions WHERE group_id = ? AND"
                                            " date >= ? AND date < ? AND status = 'delivered' AND"
                                            " fidelity_applicable > 0", "ttt", group_id, from, to);
                int64_t applicable = sql_int(daemon, 0,
                                             "SELECT SUM(fidelity_applicable) FROM sessions WHERE group_id = ? AND"
                                             " date >= ? AND date < ? AND status = 'delivered' AND"
                                             " fidelity_applicable > 0", "ttt", group_id, from, to);
                struct fidelity_tally tally = { .sessions = 1, .delivered = delivered, .applicable = applicable };
                int percent = fidelity_percent(&tally);
                if (percent >= 0 && percent < daemon->conf.fidelity_threshold_percent) {
                        char key[96], message[256];
                        snprintf(key, sizeof key, "fidelity:%s:%s", group_id, from);
                        snprintf(message, sizeof message,
                                 "group %s delivered %lld of %lld checklist items (%d %%) in the week of %s, under %d %%",
                                 group_id, (long long)delivered, (long long)applicable, percent, from,
                                 daemon->conf.fidelity_threshold_percent);
                        if ((r = sessions_raise_alert(daemon, "low_fidelity", key, session_id, NULL, group_id,
                                                      staff_id, message)) < 0)
                                return r;
                }
        }

        char **students = NULL;
        size_t n = 0;
        r = sql_prepare(daemon, &stmt, "SELECT student_id FROM session_students WHERE session_id = ?", "t",
                        session_id);
        if (r < 0)
                return r;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                char **grown = realloc(students, (n + 1) * sizeof *students);
                if (!grown)
                        break;
                students = grown;
                students[n++] = strdup(sql_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
        for (size_t i = 0; i < n && r >= 0; i++)
                if (students[i])
                        r = check_student(daemon, students[i], group_id, staff_id, now);
        for (size_t i = 0; i < n; i++)
                free(students[i]);
        free(students);
        return r < 0 ? r : 0;
}

/* ---- occurrences ---- */

static int insert_occurrence(struct daemon *daemon, const struct schedule *schedule, const struct occurrence *o,
                             const char *now_text, time_t now) {
        const struct group *group = &schedule->groups[o->group];
        const struct school *school = schedule->school;
        char id[OCCURRENCE_SESSION_ID_MAX], date[11];
        time_t starts_at = sessions_time_of(o->date, o->start);
        time_t ends_at = sessions_time_of(o->date, o->end);
        if (starts_at <= now)
                return 0; /* the past belongs to the version that was published then */
        occurrence_session_id(group->id, o->date, o->start, id);
        date_format(o->date, date);
        int r = sql_run(daemon,
                        "INSERT OR IGNORE INTO sessions (session_id, group_id, version, program_id, staff_id, date,"
                        " start, end, starts_at, ends_at, planned_minutes, updated_at)"
                        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                        "ttitttddiidt", id, group->id, (int64_t)schedule->version, school->programs[group->program].id,
                        school->staff[group->staff].id, date, o->start, o->end, (int64_t)starts_at, (int64_t)ends_at,
                        o->end - o->start, now_text);
        if (r <= 0)
                return r;
        for (size_t i = 0; i < group->n_needs && r >= 0; i++)
                r = sql_run(daemon, "INSERT OR IGNORE INTO session_students (session_id, student_id) VALUES (?, ?)",
                            "tt", id, school->students[school->needs[group->needs[i]].student].id);
        return r < 0 ? r : 0;
}

/* The last day the sessions are kept stored ahead of today. */
static civil_date horizon_end(struct daemon *daemon, civil_date today) {
        return today + (civil_date)(daemon->conf.horizon_seconds / 86400);
}

/* Stores the published schedule's occurrences of [from, to] that have not started, leaving
 * every stored session as it is (one transaction). */
static int store_range(struct daemon *daemon, civil_date from, civil_date to) {
        const struct schedule *schedule = daemon->schedule;
        if (!schedule || !daemon->school || schedule->version <= 0 || from > to)
                return 0;
        if (to > schedule->school->info.term_end)
                to = schedule->school->info.term_end;
        time_t now = clock_now(&daemon->clock);
        char now_text[32];
        daemon_format_time(now, now_text);
        struct occurrence *list = NULL;
        size_t n = 0;
        int r = occurrence_expand(schedule, from, to, &list, &n);
        if (r < 0 || n == 0) {
                free(list);
                return r;
        }
        r = store_begin(daemon->store);
        for (size_t i = 0; i < n && r >= 0; i++)
                if (occurrence_is_held(&list[i]))
                        r = insert_occurrence(daemon, schedule, &list[i], now_text, now);
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                log_error("sessions: cannot store the sessions ahead: %s", daemon->store->error);
                store_rollback(daemon->store);
        }
        free(list);
        return r;
}

int sessions_materialize(struct daemon *daemon, civil_date from, civil_date to) {
        civil_date today = sessions_date_of(clock_now(&daemon->clock), NULL);
        return store_range(daemon, from > today ? from : today, to);
}

/* Keeps the horizon ahead of today stored: a day more each day. */
static int extend_horizon(struct daemon *daemon) {
        struct sessions_runtime *rt = runtime(daemon);
        if (!rt || !daemon->schedule || daemon->schedule->version <= 0)
                return 0;
        civil_date today = sessions_date_of(clock_now(&daemon->clock), NULL), until = horizon_end(daemon, today);
        if (rt->stored_to >= until)
                return 0;
        civil_date from = rt->stored_to >= today ? rt->stored_to + 1 : today;
        int r = store_range(daemon, from, until);
        if (r >= 0)
                rt->stored_to = until;
        return r;
}

/* The next local midnight after now: when the horizon moves a day. */
static time_t next_midnight(time_t now) {
        return sessions_time_of(sessions_date_of(now, NULL) + 1, 0);
}

/* Does the group still meet as its stored future sessions say: same interventionist, program
 * and students? Otherwise its future sessions are replaced whole. */
static int group_unchanged(struct daemon *daemon, const struct schedule *schedule, const struct group *group,
                           time_t now, bool *ret_same) {
        const struct school *school = schedule->school;
        sqlite3_stmt *stmt = NULL;
        int r = sql_prepare(daemon, &stmt,
                            "SELECT s.staff_id, s.program_id, p.student_id FROM sessions s"
                            " LEFT JOIN session_students p USING (session_id)"
                            " WHERE s.session_id = (SELECT session_id FROM sessions WHERE group_id = ?"
                            "   AND status = 'scheduled' AND makes_up IS NULL AND starts_at > ? LIMIT 1)",
                            "ti", group->id, (int64_t)now);
        if (r < 0)
                return r;
        size_t matched = 0, rows = 0;
        bool same = true;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
                rows++;
                if (strcmp(sql_text(stmt, 0), school->staff[group->staff].id) != 0 ||
                    strcmp(sql_text(stmt, 1), school->programs[group->program].id) != 0)
                        same = false;
                for (size_t i = 0; i < group->n_needs; i++)
                        if (strcmp(sql_text(stmt, 2), school->students[school->needs[group->needs[i]].student].id) == 0)
                                matched++;
        }
        sqlite3_finalize(stmt);
        *ret_same = same && rows == group->n_needs && matched == group->n_needs;
        return 0;
}

/* Brings the stored future to the published schedule. Only what changed is rewritten: a
 * re-solve that keeps most of the week keeps most rows (the loop is not held up rewriting a
 * whole term), and the past is never touched. */
int sessions_sync(struct daemon *daemon) {
        const struct schedule *schedule = daemon->schedule;
        if (!schedule || !daemon->school || schedule->version <= 0)
                return 0;
        time_t now = clock_now(&daemon->clock);
        char now_text[32];
        daemon_format_time(now, now_text);
        struct occurrence *list = NULL;
        size_t n = 0;
        /* The horizon ahead, and any later day stored already (a week listed, a session
         * cancelled in advance): all of it follows the new schedule. */
        civil_date today = sessions_date_of(now, NULL), until = horizon_end(daemon, today);
        int64_t last = sql_int(daemon, 0, "SELECT max(starts_at) FROM sessions WHERE starts_at > ?", "i", (int64_t)now);
        if (last > 0 && sessions_date_of((time_t)last, NULL) > until)
                until = sessions_date_of((time_t)last, NULL);
        if (until > schedule->school->info.term_end)
                until = schedule->school->info.term_end;
        int r = occurrence_expand(schedule, today, until, &list, &n);
        if (r < 0)
                return r;
        if ((r = store_begin(daemon->store)) < 0)
                goto out;
        /* Groups whose interventionist, program or students changed: their future goes. */
        for (size_t g = 0; g < schedule->n_groups && r >= 0; g++) {
                bool same = false;
                r = group_unchanged(daemon, schedule, &schedule->groups[g], now, &same);
                if (r >= 0 && !same)
                        r = sql_run(daemon,
                                    "DELETE FROM sessions WHERE group_id = ? AND status = 'scheduled'"
                                    " AND makes_up IS NULL AND starts_at > ?",
                                    "ti", schedule->groups[g].id, (int64_t)now);
        }
        /* Every other future session that the new week does not hold at the same times goes. */
        if (r >= 0)
                r = sql_run(daemon, "CREATE TEMP TABLE IF NOT EXISTS sync_held (session_id TEXT PRIMARY KEY, end INTEGER)",
                            "");
        if (r >= 0)
                r = sql_run(daemon, "DELETE FROM sync_held", "");
        for (size_t i = 0; i < n && r >= 0; i++) {
                if (!occurrence_is_held(&list[i]))
                        continue;
                char id[OCCURRENCE_SESSION_ID_MAX];
                occurrence_session_id(schedule->groups[list[i].group].id, list[i].date, list[i].start, id);
                r = sql_run(daemon, "INSERT OR IGNORE INTO sync_held VALUES (?, ?)", "td", id, list[i].end);
        }
        if (r >= 0)
                r = sql_run(daemon,
                            "DELETE FROM sessions WHERE status = 'scheduled' AND makes_up IS NULL AND starts_at > ?"
                            " AND NOT EXISTS (SELECT 1 FROM sync_held h WHERE h.session_id = sessions.session_id"
                            "   AND h.end = sessions.end)",
                            "i", (int64_t)now);
        /* What stays now belongs to this version; what is new is added. */
        if (r >= 0)
                r = sql_run(daemon,
                            "UPDATE sessions SET version = ? WHERE status = 'scheduled' AND makes_up IS NULL"
                            " AND starts_at > ? AND version <> ?",
                            "iii", (int64_t)schedule->version, (int64_t)now, (int64_t)schedule->version);
        for (size_t i = 0; i < n && r >= 0; i++)
                if (occurrence_is_held(&list[i]))
                        r = insert_occurrence(daemon, schedule, &list[i], now_text, now);
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                log_error("sessions: cannot store the occurrences of version %lld: %s", (long long)schedule->version,
                          daemon->store->error);
                store_rollback(daemon->store);
                goto out;
        }
        log_debug("sessions: occurrences of schedule version %lld stored from %s", (long long)schedule->version,
                  now_text);
        runtime(daemon)->stored_to = until;
        sessions_rearm(daemon);
out:
        free(list);
        return r < 0 ? r : 0;
}

/* ---- due events ---- */

enum due_kind { DUE_NONE, DUE_REMINDER, DUE_PROMPT, DUE_MISSED, DUE_ALERT_RETRY };

struct due {
        enum due_kind kind;
        time_t when;
        char session_id[64];
};

static void consider(struct daemon *daemon, struct due *best, enum due_kind kind, const char *sql, int64_t offset) {
        sqlite3_stmt *stmt = NULL;
        if (sql_prepare(daemon, &stmt, sql, "i", offset) < 0)
                return;
        if (sqlite3_step(stmt) == SQLITE_ROW) {
                time_t when = (time_t)sqlite3_column_int64(stmt, 1);
                if (best->kind == DUE_NONE || when < best->when) {
                        best->kind = kind;
                        best->when = when;
                        snprintf(best->session_id, sizeof best->session_id, "%s", sql_text(stmt, 0));
                }
        }
        sqlite3_finalize(stmt);
}

/* The earliest event not yet fired. Ties go to the order the kinds are listed in. Each query
 * walks an index in due order (due is the indexed time plus a constant) and stops early. */
static struct due next_due(struct daemon *daemon) {
        struct due best = { .kind = DUE_NONE };
        consider(daemon, &best, DUE_REMINDER,
                 "SELECT session_id, starts_at - ? AS due FROM sessions s WHERE status = 'scheduled' AND NOT EXISTS"
                 " (SELECT 1 FROM session_events e WHERE e.session_id = s.session_id AND e.kind = 'reminder')"
                 " ORDER BY starts_at, session_id LIMIT 1",
                 daemon->conf.reminder_lead_seconds);
        consider(daemon, &best, DUE_PROMPT,
                 "SELECT session_id, ends_at + ? AS due FROM sessions s WHERE status = 'scheduled' AND NOT EXISTS"
                 " (SELECT 1 FROM session_events e WHERE e.session_id = s.session_id AND e.kind = 'prompt')"
                 " ORDER BY ends_at, session_id LIMIT 1",
                 0);
        consider(daemon, &best, DUE_MISSED,
                 "SELECT session_id, ends_at + ? AS due FROM sessions s WHERE status = 'scheduled' AND NOT EXISTS"
                 " (SELECT 1 FROM session_events e WHERE e.session_id = s.session_id AND e.kind = 'missed')"
                 " ORDER BY ends_at, session_id LIMIT 1",
                 daemon->conf.grace_seconds);
        return best;
}

static int fire(struct daemon *daemon, const struct due *due, time_t now) {
        static const char *const kinds[] = { [DUE_REMINDER] = "reminder", [DUE_PROMPT] = "prompt",
                                             [DUE_MISSED] = "missed" };
        char now_text[32];
        daemon_format_time(now, now_text);
        struct json_object *session = sessions_session_json(daemon, due->session_id, due->kind == DUE_PROMPT);
        if (!session)
                return -ENOENT;
        int64_t starts_at = json_object_get_int64(json_object_object_get(session, "starts_at_unix"));
        /* A reminder is for before the session: one that comes due after the start (the daemon
         * was down) is recorded as skipped, never sent late. */
        bool signal = due->kind != DUE_REMINDER || now <= starts_at;
        int r = store_begin(daemon->store);
        if (r >= 0)
                r = sql_run(daemon, "INSERT OR IGNORE INTO session_events VALUES (?, ?, ?, ?)", "ttti",
                            due->session_id, kinds[due->kind], now_text, (int64_t)signal);
        if (r >= 0 && due->kind == DUE_MISSED) {
                r = sql_run(daemon, "UPDATE sessions SET status = 'missed', updated_at = ? WHERE session_id = ?"
                                    " AND status = 'scheduled'", "tt", now_text, due->session_id);
                if (r >= 0)
                        r = sql_run(daemon, "INSERT INTO session_log (session_id, at, action, detail)"
                                            " VALUES (?, ?, 'missed', '{}')", "tt", now_text, due->session_id);
                if (r >= 0) {
                        char key[96], message[256];
                        const char *group_id = json_object_get_string(json_object_object_get(session, "group_id"));
                        const char *staff_id = json_object_get_string(json_object_object_get(session, "staff_id"));
                        snprintf(key, sizeof key, "missed:%s", due->session_id);
                        snprintf(message, sizeof message, "session %s (group %s, %s %s-%s, %s) was not logged",
                                 due->session_id, group_id,
                                 json_object_get_string(json_object_object_get(session, "date")),
                                 json_object_get_string(json_object_object_get(session, "start")),
                                 json_object_get_string(json_object_object_get(session, "end")),
                                 json_object_get_string(json_object_object_get(session, "staff_name")));
                        r = sessions_raise_alert(daemon, "missed_session", key, due->session_id, NULL, group_id,
                                                 staff_id, message);
                }
                if (r >= 0)
                        r = sessions_check_alerts(daemon, due->session_id);
                json_object_object_add(session, "status", json_object_new_string("missed"));
        }
        if (r >= 0 && signal) {
                static const char *const names[] = { [DUE_REMINDER] = "SessionReminder",
                                                     [DUE_PROMPT] = "FidelityCheckDue",
                                                     [DUE_MISSED] = "SessionMissed" };
                json_object_object_add(session, "event", json_object_new_string(kinds[due->kind]));
                json_object_object_add(session, "at", json_object_new_string(now_text));
                if (due->kind == DUE_REMINDER)
                        json_object_object_add(session, "lead_minutes",
                                               json_object_new_int64(daemon->conf.reminder_lead_seconds / 60));
                /* The Alert of a missed session goes out after the SessionMissed it is about. */
                struct sessions_runtime *rt = daemon->sessions;
                size_t at = rt ? rt->n_pending : 0;
                sessions_queue_signal(daemon, names[due->kind], due->session_id, 0, session);
                if (rt && at > 0 && rt->n_pending == at + 1) {
                        struct pending_signal last = rt->pending[at];
                        memmove(rt->pending + 1, rt->pending, at * sizeof *rt->pending);
                        rt->pending[0] = last;
                }
        }
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                log_error("sessions: cannot record the %s of %s: %s", kinds[due->kind], due->session_id,
                          daemon->store->error);
                store_rollback(daemon->store);
                sessions_flush_signals(daemon, false);
        } else {
                sessions_flush_signals(daemon, true);
        }
        json_object_put(session);
        return r;
}

/* Fires everything due at or before now, in order. Bounded per call so a long outage cannot
 * hold the loop: the rest goes on the next turn. */
static int fire_due(struct daemon *daemon, time_t now, int limit) {
        int fired = 0;
        for (; fired < limit; fired++) {
                struct due due = next_due(daemon);
                if (due.kind == DUE_NONE || due.when > now)
                        break;
                if (fire(daemon, &due, now) < 0)
                        return -EIO;
        }
        return fired;
}

#define FIRE_BATCH 500

static void on_timer(evutil_socket_t fd, short what, void *userdata) {
        struct daemon *daemon = userdata;
        extend_horizon(daemon);
        fire_due(daemon, clock_now(&daemon->clock), FIRE_BATCH);
        sessions_rearm(daemon);
}

void sessions_rearm(struct daemon *daemon) {
        struct sessions_runtime *rt = runtime(daemon);
        if (!rt || !daemon->base)
                return;
        if (!rt->timer && !(rt->timer = evtimer_new(daemon->base, on_timer, daemon)))
                return;
        evtimer_del(rt->timer);
        struct due due = next_due(daemon);
        time_t now = clock_now(&daemon->clock);
        /* Wake at midnight too, when the stored horizon moves a day. */
        if (daemon->schedule && daemon->schedule->version > 0 &&
            (due.kind == DUE_NONE || due.when > next_midnight(now))) {
                due.kind = DUE_REMINDER;
                due.when = next_midnight(now);
        }
        if (due.kind == DUE_NONE)
                return;
        struct timeval tv = { 0, 0 };
        if (due.when > now) {
                /* A manual clock moves only with ClockAdvance, which fires what it passes. */
                if (daemon->clock.manual)
                        return;
                /* Wake a little after the second so the event is due when we look. */
                tv.tv_sec = due.when - now;
                tv.tv_usec = 1000;
        }
        evtimer_add(rt->timer, &tv);
}

int sessions_advance(struct daemon *daemon, long long seconds) {
        if (!daemon->clock.manual)
                return -EPERM;
        if (seconds < 0)
                return -EINVAL;
        time_t target = clock_now(&daemon->clock) + (time_t)seconds;
        /* Each event fires at its own time, as it would have on a real clock. */
        for (;;) {
                extend_horizon(daemon);
                struct due due = next_due(daemon);
                time_t now = clock_now(&daemon->clock), midnight = next_midnight(now);
                /* The days pass one by one, so the horizon is stored before their events. */
                if ((due.kind == DUE_NONE || due.when >= midnight) && midnight <= target) {
                        clock_advance(&daemon->clock, midnight - now);
                        continue;
                }
                if (due.kind == DUE_NONE || due.when > target)
                        break;
                if (due.when > now)
                        clock_advance(&daemon->clock, due.when - now);
                if (fire_due(daemon, clock_now(&daemon->clock), 1) <= 0)
                        break;
        }
        time_t now = clock_now(&daemon->clock);
        if (target > now)
                clock_advance(&daemon->clock, target - now);
        sessions_rearm(daemon);
        alert_command_kick(daemon);
        return 0;
}

int sessions_start(struct daemon *daemon) {
        if (!runtime(daemon))
                return -ENOMEM;
        /* A schedule published before this build kept sessions: its occurrences begin now. */
        if (daemon->schedule &&
            sql_int(daemon, 0, "SELECT MAX(version) FROM sessions", "") < daemon->schedule->version)
                sessions_sync(daemon);
        extend_horizon(daemon);
        int fired = fire_due(daemon, clock_now(&daemon->clock), FIRE_BATCH);
        if (fired > 0)
                log_info("sessions: caught up %d event%s due while pulloutd was not running", fired,
                         fired == 1 ? "" : "s");
        sessions_rearm(daemon);
        alert_command_kick(daemon);
        return 0;
}

void sessions_stop(struct daemon *daemon) {
        struct sessions_runtime *rt = daemon->sessions;
        if (!rt)
                return;
        alert_command_stop(daemon);
        sessions_flush_signals(daemon, false);
        if (rt->timer)
                event_free(rt->timer);
        free(rt);
        daemon->sessions = NULL;
}
