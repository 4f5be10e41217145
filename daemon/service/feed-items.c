/* feed-items.c: what happened and what will, against the weekly series: cancellations and
 * make-ups, and the past as it was held. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "model/occurrence.h"
#include "service/feed-items.h"
#include "service/session-sync.h"
#include "service/local-time.h"
#include "store/session-store.h"

void feed_items_free(struct ical_feed_item *items, size_t n) {
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

/* One group's past against its weekly series. */
static int group_past(struct daemon *daemon, const struct schedule *schedule, size_t g, civil_date first,
                      civil_date today, time_t now, struct ical_feed_item **items, size_t *n) {
        const struct group *group = &schedule->groups[g];
        struct occurrence *series = NULL;
        struct store_started *held = NULL;
        size_t n_series = 0, n_held = 0;
        int r = occurrence_expand_group(schedule, (int)g, first, today, &series, &n_series);
        if (r >= 0)
                r = store_sessions_started(daemon->store, group->id, (int64_t)now, &held, &n_held);
        /* Series occurrences that started already but never existed as sessions. */
        for (size_t i = 0; i < n_series && r >= 0; i++) {
                if (!occurrence_is_held(&series[i]) || local_time_of(series[i].date, series[i].start) > now)
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
                                                                  .session_id = strdup(held[k].session_id),
                                                                  .date = held[k].date, .start = held[k].start,
                                                                  .end = held[k].end });
        }
        free(series);
        store_started_free(held, n_held);
        return r;
}

/* The past against the current weekly series: a series occurrence that was never a session
 * here (the schedule was different then) is taken out, and a session that was held then at
 * other times is shown on its own, so a feed shows what happened and what will. */
static int past_items(struct daemon *daemon, const struct schedule *schedule, struct ical_feed_item **items,
                      size_t *n) {
        /* Before a version published from a later day takes effect, the sessions stored stand
         * as they are, as the past does. */
        time_t now = sessions_settled_until(daemon);
        int64_t earliest = -1;
        int r = store_sessions_first_start(daemon->store, &earliest);
        if (r < 0 || earliest < 0 || earliest > (int64_t)now)
                return r;
        civil_date today = local_date_of(now, NULL), first = local_date_of((time_t)earliest, NULL);
        for (size_t g = 0; g < schedule->n_groups && r >= 0; g++)
                r = group_past(daemon, schedule, g, first, today, now, items, n);
        return r;
}

int feed_items(struct daemon *daemon, const struct schedule *schedule, struct ical_feed_item **ret, size_t *ret_n) {
        if (!schedule) {
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        struct store_feed_change *changes = NULL;
        struct ical_feed_item *items = NULL;
        size_t n_changes = 0, n = 0;
        int r = store_sessions_feed_changes(daemon->store, &changes, &n_changes);
        for (size_t i = 0; i < n_changes && r >= 0; i++) {
                int group = schedule_find_group(schedule, changes[i].group_id);
                if (group < 0)
                        continue; /* a group of an older version: nothing of it is in the feeds */
                bool makeup = changes[i].makes_up != NULL;
                r = push_item(&items, &n, (struct ical_feed_item){
                        .kind = makeup ? ICAL_FEED_MAKEUP : ICAL_FEED_CANCELLED,
                        .group = group,
                        .session_id = strdup(changes[i].session_id),
                        .date = changes[i].date,
                        .start = changes[i].start,
                        .end = changes[i].end,
                        .makes_up = makeup ? strdup(changes[i].makes_up) : NULL,
                });
                if (r >= 0 && makeup && !items[n - 1].makes_up)
                        r = -ENOMEM;
        }
        store_feed_changes_free(changes, n_changes);
        if (r >= 0)
                r = past_items(daemon, schedule, &items, &n);
        if (r < 0) {
                feed_items_free(items, n);
                return r;
        }
        *ret = items;
        *ret_n = n;
        return 0;
}
