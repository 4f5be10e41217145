/* feed-items.h: the dated changes the calendar feeds show beside the weekly series, from the
 * session records: cancellations (EXDATE), make-ups and sessions held at other times under
 * earlier schedules (events of their own). */
#pragma once

#include <stddef.h>

#include "ical/feed.h"

struct daemon;
struct schedule;

/* For schedule (the published one, maybe with the groups of its past): NULL gives none.
 * Strings are owned by the array: free it with feed_items_free. 0 or -errno. */
int feed_items(struct daemon *daemon, const struct schedule *schedule, struct ical_feed_item **ret, size_t *ret_n);
void feed_items_free(struct ical_feed_item *items, size_t n);
