/* alert-rules.c: the rules that raise alerts, one open alert per cause (DESIGN §6): a new
 * occurrence counts on the open alert, and each check that finds the cause gone resolves it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "service/alert-digest.h"
#include "service/alert-json.h"
#include "service/alert-rules.h"
#include "service/local-time.h"
#include "service/session-dosage.h"
#include "service/signal-queue.h"
#include "store/alert-store.h"
#include "store/session-store.h"

/* The alert's document rewritten from its row (its count, state and message changed); the
 * Alert signal when it is new. */
static int document_of(struct daemon *daemon, int64_t id, bool new_alert) {
        struct store_alert alert = { 0 };
        int r = store_alert_get(daemon->store, id, &alert);
        if (r < 0)
                return r;
        struct json_object *document =
                alert_document_json(&alert, daemon->school ? daemon->school->info.name : NULL);
        /* Whom the alert command (pullout-alert-mail) writes to. */
        json_object_object_add(document, "coordinators", alert_coordinators_json(daemon));
        r = store_alert_set_document(daemon->store, id,
                                     json_object_to_json_string_ext(document, JSON_C_TO_STRING_PLAIN));
        if (r >= 0 && new_alert) {
                struct json_object *ids = alert_signal_json(&alert);
                signals_queue(daemon, SIGNAL_ALERT, NULL, id, ids, false);
                json_object_put(ids);
                log_info("alert %lld (%s): %s", (long long)id, alert.kind, alert.message);
        }
        json_object_put(document);
        store_alert_clear(&alert);
        return r;
}

int alerts_raise(struct daemon *daemon, const char *kind, const char *key, const char *session_id,
                 const char *student_id, const char *group_id, const char *staff_id, const char *message) {
        char now[32];
        time_t now_time = clock_now(&daemon->clock);
        daemon_format_time(now_time, now);
        /* With a digest the command runs once a day for all of them instead. */
        bool command = daemon->conf.alert_command && daemon->conf.alert_command[0] &&
                       daemon->conf.alert_digest_minute < 0;
        struct store_alert alert = {
                .kind = (char *)kind, .key = (char *)key, .created_at = now, .session_id = (char *)session_id,
                .student_id = (char *)student_id, .group_id = (char *)group_id, .staff_id = (char *)staff_id,
                .message = (char *)message, .command_state = command ? ALERT_COMMAND_PENDING : ALERT_COMMAND_NONE,
                .command_next_at = (int64_t)now_time,
        };
        int64_t id = 0;
        int raised = store_alert_raise(daemon->store, &alert, &id);
        if (raised < 0)
                return raised;
        int r = document_of(daemon, id, raised == 1);
        return r < 0 ? r : raised;
}

/* The cause holds but nothing new occurred: its open alert (if any) says how things stand. */
static int alerts_refresh(struct daemon *daemon, const char *key, const char *message) {
        int64_t id = 0;
        int r = store_alert_refresh(daemon->store, key, message, &id);
        return r <= 0 ? r : document_of(daemon, id, false);
}

int alerts_resolve(struct daemon *daemon, const char *key) {
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        int64_t id = 0;
        int r = store_alert_resolve(daemon->store, key, now, &id);
        if (r <= 0)
                return r;
        log_info("alert %lld (%s) resolved", (long long)id, key);
        r = document_of(daemon, id, false);
        return r < 0 ? r : 1;
}

static const char *student_name(struct daemon *daemon, const char *student_id) {
        int s = daemon->school ? school_find_student(daemon->school, student_id) : -1;
        return s >= 0 ? daemon->school->students[s].name : student_id;
}

int alerts_check_group_missed(struct daemon *daemon, const char *group_id, const char *staff_id,
                              const char *occurred) {
        char key[128], message[320], first_date[11];
        int64_t n = 0, first = 0;
        snprintf(key, sizeof key, "missed_session:%s", group_id);
        int r = store_sessions_group_unlogged(daemon->store, group_id, &n, &first);
        if (r < 0)
                return r;
        if (n == 0)
                return alerts_resolve(daemon, key);
        date_format(local_date_of((time_t)first, NULL), first_date);
        snprintf(message, sizeof message, "group %s: %lld session%s not logged, the first on %s (pullout log SESSION)",
                 group_id, (long long)n, n == 1 ? "" : "s", first_date);
        if (occurred)
                return alerts_raise(daemon, "missed_session", key, occurred, NULL, group_id, staff_id, message);
        return alerts_refresh(daemon, key, message);
}

/* A student's dosage in the program over the configured window, from the logged sessions only
 * (a session nobody logged is the group's missed_session, not the student's shortfall); and the
 * student's recorded absences. */
static int check_student(struct daemon *daemon, const char *student_id, const struct store_session *session,
                         time_t now) {
        char key[160], message[400];
        time_t window = (time_t)daemon->conf.dosage_window_seconds;
        struct dosage_tally tally = { 0 };
        int64_t first = INT64_MAX, absences = 0;
        int r = session_dosage_student_logged(daemon->store, student_id, session->group_id, now - window, now + 1,
                                              &tally);
        /* A window is judged once it holds a week of the plan: one short session on the first
         * day is not yet a dosage shortfall. */
        if (r >= 0)
                r = store_sessions_first_end(daemon->store, student_id, INT64_MAX, &first);
        if (r >= 0)
                r = store_sessions_absences(daemon->store, student_id, (int64_t)(now - window), (int64_t)now,
                                            &absences);
        if (r < 0)
                return r;
        int percent = first <= (int64_t)now - 7 * 86400 ? dosage_percent(&tally) : -1;
        const char *name = student_name(daemon, student_id);
        snprintf(key, sizeof key, "low_dosage:%s:%s", student_id, session->program_id);
        if (percent >= 0 && percent < daemon->conf.dosage_threshold_percent) {
                snprintf(message, sizeof message,
                         "%s (%s) received %ld of %ld planned minutes of %s (%d %%) over the last %lld days, under %d %%",
                         name, student_id, tally.delivered_minutes, tally.planned_minutes, session->program_id,
                         percent, daemon->conf.dosage_window_seconds / 86400, daemon->conf.dosage_threshold_percent);
                r = alerts_raise(daemon, "low_dosage", key, NULL, student_id, session->group_id, session->staff_id,
                                 message);
        } else if (percent >= daemon->conf.dosage_threshold_percent) {
                r = alerts_resolve(daemon, key);
        }
        if (r < 0)
                return r;
        snprintf(key, sizeof key, "repeated_miss:%s", student_id);
        if (daemon->conf.repeated_miss_count > 0 && absences >= daemon->conf.repeated_miss_count) {
                snprintf(message, sizeof message, "%s (%s) was absent from %lld sessions over the last %lld days",
                         name, student_id, (long long)absences, daemon->conf.dosage_window_seconds / 86400);
                r = alerts_raise(daemon, "repeated_miss", key, NULL, student_id, session->group_id, session->staff_id,
                                 message);
        } else {
                r = alerts_resolve(daemon, key);
        }
        return r < 0 ? r : 0;
}

/* Fidelity of the group over the week of the session: an occurrence when this session's own
 * checklist was logged, resolved when the week is back over the threshold. */
static int check_group(struct daemon *daemon, const struct store_session *session) {
        civil_date monday = date_week_start(session->date);
        int64_t delivered = 0, applicable = 0;
        int r = store_sessions_group_fidelity(daemon->store, session->group_id, monday, monday + 7, &delivered,
                                              &applicable);
        if (r < 0)
                return r;
        struct fidelity_tally tally = { .sessions = 1, .delivered = delivered, .applicable = applicable };
        int percent = fidelity_percent(&tally);
        char from[11], key[96], message[256];
        snprintf(key, sizeof key, "low_fidelity:%s", session->group_id);
        if (percent < 0)
                return 0;
        if (!fidelity_below(&tally, daemon->conf.fidelity_threshold_percent))
                return alerts_resolve(daemon, key);
        date_format(monday, from);
        snprintf(message, sizeof message,
                 "group %s delivered %lld of %lld checklist items (%d %%) in the week of %s, under %d %%",
                 session->group_id, (long long)delivered, (long long)applicable, percent, from,
                 daemon->conf.fidelity_threshold_percent);
        bool occurred = session->status == SESSION_DELIVERED && session->fidelity_applicable > 0;
        r = occurred ? alerts_raise(daemon, "low_fidelity", key, session->session_id, NULL, session->group_id,
                                    session->staff_id, message)
                     : alerts_refresh(daemon, key, message);
        return r < 0 ? r : 0;
}

int alerts_check_session(struct daemon *daemon, const char *session_id) {
        struct store_session session = { 0 };
        struct store_session_student *students = NULL;
        size_t n = 0;
        time_t now = clock_now(&daemon->clock);
        int r = store_session_get(daemon->store, session_id, &session);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return r;
        r = alerts_check_group_missed(daemon, session.group_id, session.staff_id, NULL);
        if (r >= 0)
                r = check_group(daemon, &session);
        if (r >= 0)
                r = store_session_students(daemon->store, session_id, &students, &n);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = check_student(daemon, students[i].student_id, &session, now);
        store_session_students_free(students, n);
        store_session_clear(&session);
        return r < 0 ? r : 0;
}
