/* bus-sessions.c: the session methods of org.pullout.Scheduler1 (Sessions, LogSession,
 * CancelSession, Makeup, GetSession, GetAlert, Alerts, AckAlerts, AckAlertsOfKind, Dosage, Report, ClockAdvance) and their signals. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "daemon.h"
#include "log.h"
#include "service/alert-service.h"
#include "service/report-service.h"
#include "service/session-service.h"
#include "service/session-timer.h"

static int method_sessions(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        struct sessions_filter filter = { 0 };
        const struct bus_option options[] = {
                { .key = "date", .type = "s", .value = &filter.date },
                { .key = "week", .type = "s", .value = &filter.week },
                { .key = "staff", .type = "s", .value = &filter.staff_id },
                { .key = "student", .type = "s", .value = &filter.student_id },
        };
        int r = bus_read_options(message, "sessions", options, sizeof options / sizeof options[0], NULL, error);
        if (r < 0)
                return r;
        if ((filter.date && (r = bus_check_id(filter.date, "date", error)) < 0) ||
            (filter.week && (r = bus_check_id(filter.week, "week", error)) < 0) ||
            (filter.staff_id && (r = bus_check_id(filter.staff_id, "staff", error)) < 0) ||
            (filter.student_id && (r = bus_check_id(filter.student_id, "a student id", error)) < 0))
                return r;
        if (filter.date && filter.week)
                return sd_bus_error_set(error, BUS_ERROR_INVALID_ARGUMENT, "give a date or a week, not both");
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = sessions_list(daemon, &filter, &o, why);
        return bus_reply(message, error, r, o, why);
}

/* absent (as): the students who missed the session; everyone else was there. */
static int read_absent(sd_bus_message *message, const char *key, void *userdata, sd_bus_error *error) {
        struct sessions_log_request *req = userdata;
        const char *id;
        int r;
        if ((r = sd_bus_message_enter_container(message, 'v', "as")) < 0 ||
            (r = sd_bus_message_enter_container(message, 'a', "s")) < 0)
                return r;
        while ((r = sd_bus_message_read(message, "s", &id)) > 0) {
                if (req->n_absent == SESSION_ABSENT_MAX)
                        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT, "at most %d absent students",
                                                 SESSION_ABSENT_MAX);
                if ((r = bus_check_id(id, "a student id", error)) < 0)
                        return r;
                req->absent[req->n_absent++] = (char *)id;
        }
        if (r < 0 || (r = sd_bus_message_exit_container(message)) < 0)
                return r;
        return sd_bus_message_exit_container(message);
}

/* fidelity (au): the checklist items delivered, 1-based as people count them. */
static int read_fidelity(sd_bus_message *message, const char *key, void *userdata, sd_bus_error *error) {
        struct sessions_log_request *req = userdata;
        uint32_t item;
        int r;
        if ((r = sd_bus_message_enter_container(message, 'v', "au")) < 0 ||
            (r = sd_bus_message_enter_container(message, 'a', "u")) < 0)
                return r;
        while ((r = sd_bus_message_read(message, "u", &item)) > 0) {
                if (req->n_fidelity == SESSION_FIDELITY_ITEMS_MAX || item == 0 || item > SESSION_FIDELITY_ITEMS_MAX)
                        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT, "fidelity items are numbered 1..%d",
                                                 SESSION_FIDELITY_ITEMS_MAX);
                req->fidelity[req->n_fidelity++] = (int)item - 1;
        }
        if (r < 0 || (r = sd_bus_message_exit_container(message)) < 0)
                return r;
        return sd_bus_message_exit_container(message);
}

static int method_log(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        struct sessions_log_request req = { .minutes = -1 };
        char *absent[SESSION_ABSENT_MAX];
        int fidelity[SESSION_FIDELITY_ITEMS_MAX];
        uint32_t minutes = 0;
        int fidelity_all = 0;
        bool minutes_given = false, fidelity_all_given = false;
        req.absent = absent;
        req.fidelity = fidelity;
        const struct bus_option options[] = {
                { .key = "absent", .type = "as", .given = &req.absent_given, .read = read_absent },
                { .key = "minutes", .type = "u", .value = &minutes, .given = &minutes_given },
                { .key = "fidelity", .type = "au", .given = &req.fidelity_given, .read = read_fidelity },
                { .key = "fidelity_all", .type = "b", .value = &fidelity_all, .given = &fidelity_all_given },
                { .key = "note", .type = "s", .value = &req.note },
        };
        int r = sd_bus_message_read(message, "s", &req.session_id);
        if (r < 0)
                return r;
        if ((r = bus_check_id(req.session_id, "the session id", error)) < 0)
                return r;
        if ((r = bus_read_options(message, "log", options, sizeof options / sizeof options[0], &req, error)) < 0)
                return r;
        if (minutes_given) {
                if (minutes > SESSION_MINUTES_MAX)
                        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT, "minutes must be 0..%d",
                                                 SESSION_MINUTES_MAX);
                req.minutes = (int)minutes;
        }
        if (fidelity_all_given) {
                req.fidelity_all = fidelity_all;
                req.fidelity_given = true;
        }
        if (req.note && (r = bus_check_text(req.note, "log option \"note\"", SESSION_NOTE_MAX, true, error)) < 0)
                return r;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = sessions_log(daemon, &req, &o, why);
        if (r >= 0)
                log_info("session %s logged", req.session_id);
        return bus_reply(message, error, r, o, why);
}

static int method_cancel(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *session_id, *reason;
        int r = sd_bus_message_read(message, "ss", &session_id, &reason);
        if (r < 0 || (r = bus_check_id(session_id, "the session id", error)) < 0 ||
            (r = bus_check_text(reason, "\"reason\"", SESSION_REASON_MAX, false, error)) < 0)
                return r;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = sessions_cancel(userdata, session_id, reason, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_makeup(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *session_id;
        uint32_t book;
        int r = sd_bus_message_read(message, "su", &session_id, &book);
        if (r < 0 || (r = bus_check_id(session_id, "the session id", error)) < 0)
                return r;
        if (book > SESSION_MAKEUP_CHOICES_MAX)
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT, "book takes a suggestion number 1..%d",
                                         SESSION_MAKEUP_CHOICES_MAX);
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = sessions_makeup(userdata, session_id, book, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_get_session(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *session_id;
        int r = sd_bus_message_read(message, "s", &session_id);
        if (r < 0 || (r = bus_check_id(session_id, "the session id", error)) < 0)
                return r;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = sessions_get(userdata, session_id, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_get_alert(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        int64_t id;
        int r = sd_bus_message_read(message, "x", &id);
        if (r < 0)
                return r;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = alerts_get(userdata, id, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_alerts(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct store_alert_filter filter = { 0 };
        int all = 0;
        const struct bus_option options[] = {
                { .key = "all", .type = "b", .value = &all },
                { .key = "kind", .type = "s", .value = &filter.kind },
                { .key = "student", .type = "s", .value = &filter.student_id },
                { .key = "group", .type = "s", .value = &filter.group_id },
                { .key = "staff", .type = "s", .value = &filter.staff_id },
                { .key = "since", .type = "s", .value = &filter.since },
        };
        int r = bus_read_options(message, "alerts", options, sizeof options / sizeof options[0], NULL, error);
        if (r < 0)
                return r;
        if ((filter.kind && (r = bus_check_id(filter.kind, "kind", error)) < 0) ||
            (filter.student_id && (r = bus_check_id(filter.student_id, "student", error)) < 0) ||
            (filter.group_id && (r = bus_check_id(filter.group_id, "group", error)) < 0) ||
            (filter.staff_id && (r = bus_check_id(filter.staff_id, "staff", error)) < 0) ||
            (filter.since && (r = bus_check_id(filter.since, "since", error)) < 0))
                return r;
        filter.all = all;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = alerts_list(userdata, &filter, &o, why);
        return bus_reply(message, error, r, o, why);
}

/* At most this many alerts acknowledged by id in one call. */
#define ACK_IDS_MAX 1000

static int method_ack(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        int64_t ids[ACK_IDS_MAX], id;
        size_t n = 0;
        int r = sd_bus_message_enter_container(message, 'a', "x");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(message, "x", &id)) > 0) {
                if (n == ACK_IDS_MAX)
                        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT, "at most %d alerts at a time",
                                                 ACK_IDS_MAX);
                ids[n++] = id;
        }
        if (r < 0 || (r = sd_bus_message_exit_container(message)) < 0)
                return r;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = alerts_ack(userdata, ids, n, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_ack_kind(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *kind, *before;
        int r = sd_bus_message_read(message, "ss", &kind, &before);
        if (r < 0 || (r = bus_check_id(kind, "kind", error)) < 0 ||
            (before[0] && (r = bus_check_id(before, "before", error)) < 0))
                return r;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = alerts_ack_kind(userdata, kind, before[0] ? before : NULL, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_dosage(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *kind, *id;
        int r = sd_bus_message_read(message, "ss", &kind, &id);
        if (r < 0 || (kind[0] && (r = bus_check_id(id, "the id", error)) < 0))
                return r;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = report_dosage(userdata, kind, id, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_report(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *report, *program_id, *staff_id;
        int r = sd_bus_message_read(message, "sss", &report, &program_id, &staff_id);
        if (r < 0)
                return r;
        if ((program_id[0] && (r = bus_check_id(program_id, "an id", error)) < 0) ||
            (staff_id[0] && (r = bus_check_id(staff_id, "an id", error)) < 0))
                return r;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = report_run(userdata, report, program_id[0] ? program_id : NULL, staff_id[0] ? staff_id : NULL, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_clock_advance(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        int64_t seconds;
        int r = sd_bus_message_read(message, "x", &seconds);
        if (r < 0)
                return r;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        r = sessions_advance(userdata, seconds, &o, why);
        return bus_reply(message, error, r, o, why);
}

static const sd_bus_vtable sessions_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Sessions", SD_BUS_ARGS("a{sv}", options), SD_BUS_RESULT("s", sessions_json),
                                method_sessions, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("LogSession", SD_BUS_ARGS("s", session_id, "a{sv}", options),
                                SD_BUS_RESULT("s", session_json), method_log, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("CancelSession", SD_BUS_ARGS("s", session_id, "s", reason),
                                SD_BUS_RESULT("s", session_json), method_cancel, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Makeup", SD_BUS_ARGS("s", session_id, "u", book), SD_BUS_RESULT("s", result_json),
                                method_makeup, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetSession", SD_BUS_ARGS("s", session_id), SD_BUS_RESULT("s", session_json),
                                method_get_session, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetAlert", SD_BUS_ARGS("x", alert_id), SD_BUS_RESULT("s", alert_json),
                                method_get_alert, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Alerts", SD_BUS_ARGS("a{sv}", options), SD_BUS_RESULT("s", alerts_json),
                                method_alerts, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("AckAlerts", SD_BUS_ARGS("ax", alert_ids), SD_BUS_RESULT("s", result_json),
                                method_ack, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("AckAlertsOfKind", SD_BUS_ARGS("s", kind, "s", before),
                                SD_BUS_RESULT("s", result_json), method_ack_kind, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Dosage", SD_BUS_ARGS("s", kind, "s", id), SD_BUS_RESULT("s", dosage_json),
                                method_dosage, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Report", SD_BUS_ARGS("s", report, "s", program_id, "s", staff_id),
                                SD_BUS_RESULT("s", report_json), method_report, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ClockAdvance", SD_BUS_ARGS("x", seconds), SD_BUS_RESULT("s", clock_json),
                                method_clock_advance, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("SessionReminder", SD_BUS_ARGS("s", session_id, "s", session_json), 0),
        SD_BUS_SIGNAL_WITH_ARGS("FidelityCheckDue", SD_BUS_ARGS("s", session_id, "s", session_json), 0),
        SD_BUS_SIGNAL_WITH_ARGS("SessionMissed", SD_BUS_ARGS("s", session_id, "s", session_json), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Alert", SD_BUS_ARGS("x", alert_id, "s", alert_json), 0),
        SD_BUS_VTABLE_END,
};

int bus_sessions_register(struct daemon *daemon) {
        return sd_bus_add_object_vtable(daemon->bus->connection, NULL, BUS_PATH, BUS_INTERFACE, sessions_vtable, daemon);
}
