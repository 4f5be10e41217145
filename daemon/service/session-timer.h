/* session-timer.h: one libevent timer for the next due session event (DESIGN §6): a reminder
 * before each session, a fidelity prompt after it, and the missed check when it stays unlogged
 * past the grace; each recorded with the state change it announces, in one transaction. */
#pragma once

#include <json-c/json.h>

#include "service/why.h"

struct daemon;

#define SESSIONS_ADVANCE_MAX (400LL * 86400) /* seconds one ClockAdvance moves the manual clock */

/* After the bus is up: catches up what fell due while the daemon was down (past reminders
 * skipped, prompts and missed checks delivered) and arms the timer. 0 or -errno. */
int sessions_start(struct daemon *daemon);
void sessions_stop(struct daemon *daemon);
/* Re-points the timer at the next due event (after a change to sessions or the schedule). */
void sessions_rearm(struct daemon *daemon);
/* Manual clock: moves it by seconds (0..SESSIONS_ADVANCE_MAX), firing everything that falls
 * due in between in order, each at its own time; answered with {"now"}. -EOPNOTSUPP with the
 * real clock. */
int sessions_advance(struct daemon *daemon, long long seconds, struct json_object **ret, char why[static WHY_MAX]);
