/* session-sync.h: the stored sessions kept in step with the published schedule and the school
 * calendar (DESIGN §6): the days of the horizon ahead are stored, a day more each midnight,
 * and later days when someone looks at them. */
#pragma once

#include <time.h>

#include "model/timeutil.h"

struct daemon;

/* The moment before which the stored sessions stand as they are: now, or the start of the
 * day the published version took effect when that is later (the days before it stay as the
 * earlier version stored them). Feeds draw the weekly series from it on. */
time_t sessions_settled_until(const struct daemon *daemon);
/* Brings the stored future to the published schedule: sessions that have not started are
 * replaced where the schedule or the calendar changed them, the past is kept as it is. One
 * transaction. 0 or -errno (logged). */
int sessions_sync(struct daemon *daemon);
/* The same for schedule (a new school's view of the published schedule, not yet current),
 * inside the caller's transaction, which commits it with the change that implies it. */
struct schedule;
int sessions_sync_in_transaction(struct daemon *daemon, const struct schedule *schedule);
/* Stores the published schedule's sessions of [from, to] that have not started and are not
 * stored yet (a week listed, a session cancelled beyond the horizon). */
int sessions_materialize(struct daemon *daemon, civil_date from, civil_date to);
/* Before a version is published from a day past the stored horizon: the published version's
 * sessions are stored through last (the day before the new one takes effect), so those days
 * keep it once it is no longer published. One transaction; 0 or -errno. */
int sessions_keep_until(struct daemon *daemon, civil_date last);
/* Keeps the horizon ahead of today stored: a day more each day. -errno (not logged: the
 * timer retries it) with the detail in store_error(). */
int sessions_extend_horizon(struct daemon *daemon);
