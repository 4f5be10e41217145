/* alert-digest.c: the daily digest of alerts: when it is due, what it says, and the record
 * that it was made (alert_digests and each alert's digested_state). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "service/alert-digest.h"
#include "service/alert-json.h"
#include "service/local-time.h"

/* Weekdays the calendar does not close. */
static bool school_day(const struct daemon *daemon, civil_date date) {
        if (date_weekday(date) >= 5)
                return false;
        const struct school *school = daemon->school;
        for (size_t i = 0; school && i < school->n_calendar; i++)
                if (school->calendar[i].date == date && school->calendar[i].kind == CALENDAR_CLOSED)
                        return false;
        return true;
}

time_t alert_digest_next(struct daemon *daemon) {
        int minute = daemon->conf.alert_digest_minute;
        if (minute < 0 || !daemon->conf.alert_command || !daemon->conf.alert_command[0])
                return 0;
        char last[11] = "";
        if (store_alert_digest_last(daemon->store, last) < 0)
                return 0;
        civil_date day = local_date_of(clock_now(&daemon->clock), NULL), done = 0;
        bool any = last[0] && date_parse(last, &done) == 0;
        /* Today's, unless made already; else the next school day's. A day missed while the
         * daemon was down is not made late: the next digest covers it. */
        for (int i = 0; i < 30; i++, day++)
                if (school_day(daemon, day) && (!any || day > done))
                        return local_time_of(day, minute);
        return 0;
}

struct json_object *alert_coordinators_json(struct daemon *daemon) {
        struct json_object *list = json_object_new_array();
        const struct school *school = daemon->school;
        for (size_t i = 0; school && i < school->n_staff; i++) {
                const struct staff *s = &school->staff[i];
                if (s->role != ROLE_COORDINATOR || !s->email || !s->email[0])
                        continue;
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "staff_id", json_object_new_string(s->id));
                json_object_object_add(o, "name", json_object_new_string(s->name));
                json_object_object_add(o, "email", json_object_new_string(s->email));
                json_object_array_add(list, o);
        }
        return list;
}

struct json_object *alert_digest_build(struct daemon *daemon, struct store_alert **ret_alerts, size_t *ret_n) {
        struct store_alert *alerts = NULL;
        size_t n = 0;
        if (store_alert_digest_list(daemon->store, &alerts, &n) < 0) {
                log_warning("alert digest: cannot read the alerts: %s", store_error(daemon->store));
                return NULL;
        }
        if (n == 0) {
                free(alerts);
                return NULL;
        }
        const char *school = daemon->school ? daemon->school->info.name : NULL;
        struct json_object *new_alerts = json_object_new_array(), *still_open = json_object_new_array(),
                           *resolved = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
                struct json_object *a = alert_document_json(&alerts[i], NULL);
                if (alerts[i].state == ALERT_RESOLVED)
                        json_object_array_add(resolved, a);
                else if (alerts[i].digested_state < 0)
                        json_object_array_add(new_alerts, a);
                else
                        json_object_array_add(still_open, a);
        }
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "kind", json_object_new_string("digest"));
        json_object_object_add(o, "created_at", json_object_new_string(now));
        if (school)
                json_object_object_add(o, "school", json_object_new_string(school));
        json_object_object_add(o, "coordinators", alert_coordinators_json(daemon));
        json_object_object_add(o, "new", new_alerts);
        json_object_object_add(o, "still_open", still_open);
        json_object_object_add(o, "resolved", resolved);
        *ret_alerts = alerts;
        *ret_n = n;
        return o;
}

void alert_digest_done(struct daemon *daemon, const struct store_alert *alerts, size_t n, bool delivered) {
        char now[32], today[11];
        time_t t = clock_now(&daemon->clock);
        daemon_format_time(t, now);
        date_format(local_date_of(t, NULL), today);
        int r = store_begin(daemon->store);
        if (r >= 0)
                r = store_alert_digest_record(daemon->store, today, now);
        for (size_t i = 0; delivered && i < n && r >= 0; i++)
                r = store_alert_digested(daemon->store, alerts[i].id, alerts[i].state);
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                log_warning("alert digest: cannot record it: %s", store_error(daemon->store));
                store_rollback(daemon->store);
        }
}
