/* changes.c: what follows a committed change, in one place (the table is in changes.h). */
#include "daemon.h"
#include "service/changes.h"
#include "service/feed-service.h"
#include "service/schedule-json.h"
#include "service/session-sync.h"
#include "service/session-timer.h"
#include "service/signal-queue.h"

void changes_announce(struct daemon *daemon, enum change change) {
        switch (change) {
        case CHANGE_SCHEDULE: {
                struct json_object *summary = schedule_summary_json(daemon->schedule, NULL);
                signals_emit(daemon, SIGNAL_SCHEDULE_CHANGED, NULL, daemon->schedule->version, summary);
                json_object_put(summary);
                /* The new version's occurrences replace those that have not started yet. */
                feeds_invalidate(daemon);
                sessions_sync(daemon);
                sessions_rearm(daemon);
                break;
        }
        case CHANGE_SCHOOL:
                /* The calendar (closed days, blocked times) or the groups' students may have changed. */
                feeds_invalidate(daemon);
                sessions_sync(daemon);
                sessions_rearm(daemon);
                break;
        case CHANGE_SESSIONS:
                /* Cancellations and make-ups show in the calendar feeds (rebuilt on the next fetch;
                 * unchanged bytes keep their ETag). */
                feeds_invalidate(daemon);
                sessions_rearm(daemon);
                break;
        case CHANGE_PINS:
                feeds_invalidate(daemon);
                break;
        case CHANGE_SCORES:
                break;
        }
}
