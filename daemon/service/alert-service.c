/* alert-service.c: the alerts as the coordinator reads and acknowledges them. */
#include <errno.h>
#include <string.h>

#include "daemon.h"
#include "service/alert-json.h"
#include "service/alert-service.h"
#include "store/alert-store.h"

int alerts_list(struct daemon *daemon, const struct store_alert_filter *filter, struct json_object **ret,
                char why[static WHY_MAX]) {
        civil_date day;
        if (filter->since && date_parse(filter->since, &day) < 0)
                return why_set(why, -EINVAL, "since %.32s: a date YYYY-MM-DD", filter->since);
        struct store_alert *alerts = NULL;
        size_t n = 0;
        int r = store_alert_list(daemon->store, filter, &alerts, &n);
        if (r < 0)
                return why_set(why, r, "cannot read the alerts: %s",
                               r == -ENOMEM ? strerror(ENOMEM) : store_error(daemon->store));
        *ret = alerts_json(alerts, n, daemon->school ? daemon->school->info.name : NULL);
        store_alerts_free(alerts, n);
        return 0;
}

int alerts_get(struct daemon *daemon, int64_t alert_id, struct json_object **ret, char why[static WHY_MAX]) {
        struct store_alert alert = { 0 };
        int r = store_alert_get(daemon->store, alert_id, &alert);
        if (r == -ENOENT)
                return why_set(why, r, "no alert %lld", (long long)alert_id);
        if (r < 0)
                return why_set(why, r, "cannot read the alert: %s", store_error(daemon->store));
        *ret = alert_document_json(&alert, daemon->school ? daemon->school->info.name : NULL);
        store_alert_clear(&alert);
        return 0;
}

int alerts_ack(struct daemon *daemon, const int64_t *ids, size_t n, struct json_object **ret,
               char why[static WHY_MAX]) {
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        if (n == 0)
                return why_set(why, -EINVAL, "name the alerts to acknowledge");
        /* All or none: a wrong id in the list leaves every alert as it was. */
        int r = store_begin(daemon->store);
        if (r < 0)
                return why_set(why, r, "cannot acknowledge the alerts: %s", store_error(daemon->store));
        for (size_t i = 0; i < n && r >= 0; i++) {
                r = store_alert_ack(daemon->store, ids[i], now);
                if (r == -EALREADY) {
                        struct store_alert a = { 0 };
                        bool resolved = store_alert_get(daemon->store, ids[i], &a) >= 0 && a.state == ALERT_RESOLVED;
                        store_alert_clear(&a);
                        why_set(why, -EEXIST, "alert %lld was already %s", (long long)ids[i],
                                resolved ? "resolved" : "acknowledged");
                        r = -EEXIST;
                } else if (r == -ENOENT) {
                        why_set(why, r, "no alert %lld", (long long)ids[i]);
                } else if (r < 0) {
                        why_set(why, r, "cannot acknowledge alert %lld: %s", (long long)ids[i],
                                store_error(daemon->store));
                }
        }
        if (r >= 0 && (r = store_commit(daemon->store)) < 0)
                why_set(why, r, "cannot acknowledge the alerts: %s", store_error(daemon->store));
        if (r < 0) {
                store_rollback(daemon->store);
                return r;
        }
        *ret = alert_ack_json(ids, n, now);
        return 0;
}

int alerts_ack_kind(struct daemon *daemon, const char *kind, const char *before, struct json_object **ret,
                    char why[static WHY_MAX]) {
        static const char *const kinds[] = { "missed_session", "low_dosage", "low_fidelity", "repeated_miss",
                                             "progress_decision" };
        bool known = false;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
                known |= kind && strcmp(kind, kinds[i]) == 0;
        if (!known)
                return why_set(why, -EINVAL,
                               "kind %.64s: one of missed_session, low_dosage, low_fidelity, repeated_miss, "
                               "progress_decision",
                               kind ? kind : "");
        civil_date day;
        if (before && date_parse(before, &day) < 0)
                return why_set(why, -EINVAL, "before %.32s: a date YYYY-MM-DD", before);
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        int r = store_alert_ack_kind(daemon->store, kind, before, now);
        if (r < 0)
                return why_set(why, r, "cannot acknowledge the alerts: %s", store_error(daemon->store));
        *ret = json_object_new_object();
        json_object_object_add(*ret, "acknowledged_count", json_object_new_int(r));
        json_object_object_add(*ret, "kind", json_object_new_string(kind));
        json_object_object_add(*ret, "acked_at", json_object_new_string(now));
        return 0;
}
