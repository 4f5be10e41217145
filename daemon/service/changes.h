/* changes.h: the one place a change is announced. Whatever changed the school, a schedule, the
 * sessions or the scores calls changes_announce() once it is committed; here, and only here,
 * the feed cache, the session sync, the session timer and the bus's signals learn of it:
 *
 *   change            feed cache   session sync   timer    signal
 *   CHANGE_SCHOOL     dropped      in the change  re-armed  -
 *   CHANGE_SCHEDULE   dropped      synced         re-armed  ScheduleChanged
 *   CHANGE_PINS       dropped      -              -         -
 *   CHANGE_SESSIONS   dropped      -              re-armed  -
 *   CHANGE_SCORES     -            -              -         -
 *
 * "in the change": the sync runs inside the change's own transaction (changes_prepare), so a
 * crash can never leave the sessions of the old data set (a day the import closed) stored.
 * (The feeds themselves are not a change of their own: the feed cache is what learns.) */
#pragma once

struct daemon;

enum change {
        CHANGE_SCHOOL, /* a data set was imported and made current (its schedule re-read against it) */
        CHANGE_SCHEDULE, /* a schedule version was published */
        CHANGE_PINS, /* the published version's pins changed, in place */
        CHANGE_SESSIONS, /* sessions were logged, cancelled or booked */
        CHANGE_SCORES, /* progress scores, goals or phases */
};

struct schedule;

/* Inside the change's transaction, before its commit: what must commit with it. For
 * CHANGE_SCHOOL the stored sessions ahead follow the new calendar with schedule (the published
 * one mapped onto the new school; NULL: none). 0 or -errno (the store's detail in
 * store_error()). */
int changes_prepare(struct daemon *daemon, enum change change, const struct schedule *schedule);
/* After the commit: everything else that follows the change. */
void changes_announce(struct daemon *daemon, enum change change);
