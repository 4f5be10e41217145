/* alert-rules.c: the rules that raise alerts, each once per cause and week. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "service/alert-json.h"
#include "service/alert-rules.h"
#include "service/local-time.h"
#include "service/session-dosage.h"
#include "service/signal-queue.h"
#include "store/alert-store.h"
#include "store/session-store.h"

int alerts_raise(struct daemon *daemon, const char *kind, const char *key, const char *session_id,
                 const char *student_id, const char *group_id, const char *staff_id, const char *message) {
        char now[32];
        time_t now_time = clock_now(&daemon->clock);
        daemon_format_time(now_time, now);
        bool command = daemon->conf.alert_command && daemon->conf.alert_command[0];
        struct store_alert alert = {
                .kind = (char *)kind, .key = (char *)key, .created_at = now, .session_id = (char *)session_id,
                .student_id = (char *)student_id, .group_id = (char *)group_id, .staff_id = (char *)staff_id,
                .message = (char *)message, .command_state = command ? ALERT_COMMAND_PENDING : ALERT_COMMAND_NONE,
                .command_next_at = (int64_t)now_time,
        };
        int r = store_alert_raise(daemon->store, &alert, &alert.id);
        if (r <= 0)
                return r;
        struct json_object *document =
                alert_document_json(&alert, daemon->school ? daemon->school->info.name : NULL);
        r = store_alert_set_document(daemon->store, alert.id,
                                     json_object_to_json_string_ext(document, JSON_C_TO_STRING_PLAIN));
        if (r >= 0) {
                signals_queue(daemon, SIGNAL_ALERT, NULL, alert.id, document, false);
                log_info("alert %lld (%s): %s", (long long)alert.id, kind, message);
        }
        json_object_put(document);
        return r < 0 ? r : 1;
}

/* A student's dosage over the configured window, settled sessions only: an unlogged session
 * still inside its grace period is not yet a shortfall. */
static int check_student(struct daemon *daemon, const char *student_id, const char *group_id,
                         const char *staff_id, time_t now) {
        char week[11], key[128], message[320];
        date_format(date_week_start(local_date_of(now, NULL)), week);
        time_t window = (time_t)daemon->conf.dosage_window_seconds;
        struct dosage_tally tally = { 0 };
        int64_t first = INT64_MAX, misses = 0;
        int r = session_dosage_student(daemon->store, student_id, NULL, now - window, now + 1, true, &tally);
        /* A window is judged once it holds a week of the plan: one missed session on the first
         * day is a missed-session alert, not yet a dosage shortfall. */
        if (r >= 0)
                r = store_sessions_first_end(daemon->store, student_id, INT64_MAX, &first);
        /* Misses of one student: sessions declared missed and absences, over the window. */
        if (r >= 0)
                r = store_sessions_misses(daemon->store, student_id, (int64_t)(now - window), (int64_t)now, &misses);
        if (r < 0)
                return r;
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
                if ((r = alerts_raise(daemon, "low_dosage", key, NULL, student_id, group_id, staff_id, message)) < 0)
                        return r;
        }
        if (daemon->conf.repeated_miss_count > 0 && misses >= daemon->conf.repeated_miss_count) {
                snprintf(key, sizeof key, "repeated_miss:%s:%s", student_id, week);
                snprintf(message, sizeof message, "%s (%s) missed %lld sessions over the last %lld days",
                         name, student_id, (long long)misses, daemon->conf.dosage_window_seconds / 86400);
                if ((r = alerts_raise(daemon, "repeated_miss", key, NULL, student_id, group_id, staff_id, message)) < 0)
                        return r;
        }
        return 0;
}

/* Fidelity of the group over the week of the session. */
static int check_group(struct daemon *daemon, const struct store_session *session) {
        civil_date monday = date_week_start(session->date);
        int64_t delivered = 0, applicable = 0;
        int r = store_sessions_group_fidelity(daemon->store, session->group_id, monday, monday + 7, &delivered,
                                              &applicable);
        if (r < 0)
                return r;
        struct fidelity_tally tally = { .sessions = 1, .delivered = delivered, .applicable = applicable };
        int percent = fidelity_percent(&tally);
        if (percent < 0 || percent >= daemon->conf.fidelity_threshold_percent)
                return 0;
        char from[11], key[96], message[256];
        date_format(monday, from);
        snprintf(key, sizeof key, "fidelity:%s:%s", session->group_id, from);
        snprintf(message, sizeof message,
                 "group %s delivered %lld of %lld checklist items (%d %%) in the week of %s, under %d %%",
                 session->group_id, (long long)delivered, (long long)applicable, percent, from,
                 daemon->conf.fidelity_threshold_percent);
        r = alerts_raise(daemon, "low_fidelity", key, session->session_id, NULL, session->group_id, session->staff_id,
                         message);
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
        r = check_group(daemon, &session);
        if (r >= 0)
                r = store_session_students(daemon->store, session_id, &students, &n);
        for (size_t i = 0; i < n && r >= 0; i++)
                r = check_student(daemon, students[i].student_id, session.group_id, session.staff_id, now);
        store_session_students_free(students, n);
        store_session_clear(&session);
        return r < 0 ? r : 0;
}
