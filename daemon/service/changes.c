/* changes.c: what follows a committed change, in one place: the table of changes.h. */
#include <stdbool.h>

#include "daemon.h"
#include "service/changes.h"
#include "service/feed-service.h"
#include "service/schedule-json.h"
#include "service/session-sync.h"
#include "service/session-timer.h"
#include "service/signal-queue.h"

static const struct {
        bool signal; /* ScheduleChanged, with the published version's summary */
        bool feeds; /* the feed cache is dropped (rebuilt on the next fetch; same bytes, same ETag) */
        bool sync; /* the stored future follows the published schedule and the calendar */
        bool sync_in_transaction; /* the same, inside the change's own transaction (changes_prepare) */
        bool timer; /* the next due session event is looked up again */
} follows[] = {
        [CHANGE_SCHOOL] = { .feeds = true, .sync_in_transaction = true, .timer = true },
        [CHANGE_SCHEDULE] = { .signal = true, .feeds = true, .sync = true, .timer = true },
        [CHANGE_PINS] = { .feeds = true },
        [CHANGE_SESSIONS] = { .feeds = true, .timer = true },
        [CHANGE_SCORES] = { 0 },
};

int changes_prepare(struct daemon *daemon, enum change change, const struct schedule *schedule) {
        if (follows[change].sync_in_transaction && schedule)
                return sessions_sync_in_transaction(daemon, schedule);
        return 0;
}

void changes_announce(struct daemon *daemon, enum change change) {
        if (follows[change].signal && daemon->schedule) {
                /* Counts only: the summary's staff load names people, and a signal reaches every
                 * connection the bus lets listen (pullout schedule shows the rest). */
                struct json_object *summary = schedule_summary_json(daemon->schedule, NULL), *counts = json_object_new_object();
                static const char *const keys[] = { "version", "needs_scheduled", "needs_total", "groups", "unscheduled" };
                for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
                        struct json_object *v = json_object_object_get(summary, keys[i]);
                        json_object_object_add(counts, keys[i], v ? json_object_get(v) : NULL);
                }
                signals_emit(daemon, SIGNAL_SCHEDULE_CHANGED, NULL, daemon->schedule->version, counts);
                json_object_put(counts);
                json_object_put(summary);
        }
        if (follows[change].feeds)
                feeds_invalidate(daemon);
        if (follows[change].sync)
                sessions_sync(daemon);
        if (follows[change].timer)
                sessions_rearm(daemon);
}
