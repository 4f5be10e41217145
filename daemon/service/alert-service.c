/* alert-service.c: the alerts as the coordinator reads and acknowledges them. */
#include <errno.h>
#include <string.h>

#include "daemon.h"
#include "service/alert-json.h"
#include "service/alert-service.h"
#include "store/alert-store.h"

int alerts_list(struct daemon *daemon, bool all, struct json_object **ret, char why[static WHY_MAX]) {
        struct store_alert *alerts = NULL;
        size_t n = 0;
        int r = store_alert_list(daemon->store, all, &alerts, &n);
        if (r < 0)
                return why_set(why, r, "cannot read the alerts: %s",
                               r == -ENOMEM ? strerror(ENOMEM) : store_error(daemon->store));
        *ret = alerts_json(alerts, n);
        store_alerts_free(alerts, n);
        return 0;
}

int alerts_ack(struct daemon *daemon, int64_t alert_id, struct json_object **ret, char why[static WHY_MAX]) {
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        int r = store_alert_ack(daemon->store, alert_id, now);
        if (r == -EALREADY)
                return why_set(why, -EEXIST, "alert %lld was already acknowledged", (long long)alert_id);
        if (r == -ENOENT)
                return why_set(why, r, "no alert %lld", (long long)alert_id);
        if (r < 0)
                return why_set(why, r, "cannot acknowledge the alert: %s", store_error(daemon->store));
        *ret = alert_ack_json(alert_id, now);
        return 0;
}
