/* session-sync.c: dated occurrences of the published schedule in the database. Only what
 * changed is rewritten: a re-solve that keeps most of the week keeps most rows, so the loop is
 * not held up rewriting a whole term, and the past is never touched. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "model/occurrence.h"
#include "service/local-time.h"
#include "service/session-sync.h"
#include "store/session-store.h"

static int insert_occurrence(struct daemon *daemon, const struct schedule *schedule, const struct occurrence *o,
                             const char *now_text, time_t now) {
        const struct group *group = &schedule->groups[o->group];
        const struct school *school = schedule->school;
        char id[OCCURRENCE_SESSION_ID_MAX];
        time_t starts_at = local_time_of(o->date, o->start);
        if (starts_at <= now)
                return 0; /* the past belongs to the version that was published then */
        struct store_session session = {
                .session_id = occurrence_session_id(group->id, o->date, o->start, id),
                .group_id = (char *)group->id,
                .program_id = school->programs[group->program].id,
                .staff_id = school->staff[group->staff].id,
                .version = schedule->version,
                .date = o->date,
                .start = o->start,
                .end = o->end,
                .starts_at = (int64_t)starts_at,
                .ends_at = (int64_t)local_time_of(o->date, o->end),
                .planned_minutes = o->end - o->start,
        };
        int r = store_session_insert(daemon->store, &session, now_text);
        if (r <= 0)
                return r;
        for (size_t i = 0; i < group->n_needs && r >= 0; i++)
                r = store_session_add_student(daemon->store, id,
                                              school->students[school->needs[group->needs[i]].student].id);
        return r < 0 ? r : 0;
}

/* The last day the sessions are kept stored ahead of today. */
static civil_date horizon_end(struct daemon *daemon, civil_date today) {
        return today + (civil_date)(daemon->conf.horizon_seconds / 86400);
}

/* Stores the published schedule's occurrences of [from, to] that have not started, leaving
 * every stored session as it is (one transaction). */
static int store_range(struct daemon *daemon, civil_date from, civil_date to) {
        const struct schedule *schedule = daemon->schedule;
        /* The days before the published version took effect belong to the versions before it,
         * which stored them when it was published (sessions_keep_until). */
        if (from < daemon->published_from)
                from = daemon->published_from;
        if (!schedule || !daemon->school || schedule->version <= 0 || from > to)
                return 0;
        if (to > schedule->school->info.term_end)
                to = schedule->school->info.term_end;
        time_t now = clock_now(&daemon->clock);
        char now_text[32];
        daemon_format_time(now, now_text);
        struct occurrence *list = NULL;
        size_t n = 0;
        int r = occurrence_expand(schedule, from, to, &list, &n);
        if (r < 0 || n == 0) {
                free(list);
                return r;
        }
        r = store_begin(daemon->store);
        for (size_t i = 0; i < n && r >= 0; i++)
                if (occurrence_is_held(&list[i]))
                        r = insert_occurrence(daemon, schedule, &list[i], now_text, now);
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0)
                store_rollback(daemon->store);
        free(list);
        return r;
}

int sessions_materialize(struct daemon *daemon, civil_date from, civil_date to) {
        civil_date today = local_today(daemon);
        int r = store_range(daemon, from > today ? from : today, to);
        if (r < 0)
                log_error("sessions: cannot store the sessions asked for: %s", store_error(daemon->store));
        return r;
}

int sessions_keep_until(struct daemon *daemon, civil_date last) {
        civil_date today = local_today(daemon);
        civil_date from = daemon->sessions_stored_to >= today ? daemon->sessions_stored_to + 1 : today;
        if (!daemon->schedule || last < from)
                return 0;
        int r = store_range(daemon, from, last);
        if (r >= 0)
                daemon->sessions_stored_to = last;
        return r;
}

int sessions_extend_horizon(struct daemon *daemon) {
        if (!daemon->schedule || daemon->schedule->version <= 0)
                return 0;
        civil_date today = local_today(daemon), until = horizon_end(daemon, today);
        if (daemon->sessions_stored_to >= until)
                return 0;
        civil_date from = daemon->sessions_stored_to >= today ? daemon->sessions_stored_to + 1 : today;
        int r = store_range(daemon, from, until);
        if (r >= 0)
                daemon->sessions_stored_to = until;
        return r;
}

/* Does the group still meet as its stored future sessions say: same interventionist, program
 * and students? Otherwise its future sessions are replaced whole. */
static int group_unchanged(struct daemon *daemon, const struct schedule *schedule, const struct group *group,
                           time_t now, bool *ret_same) {
        const struct school *school = schedule->school;
        struct store_future_member *rows = NULL;
        size_t n = 0, matched = 0;
        int r = store_sessions_future_members(daemon->store, group->id, (int64_t)now, &rows, &n);
        if (r < 0)
                return r;
        bool same = true;
        for (size_t k = 0; k < n; k++) {
                if (strcmp(rows[k].staff_id, school->staff[group->staff].id) != 0 ||
                    strcmp(rows[k].program_id, school->programs[group->program].id) != 0)
                        same = false;
                for (size_t i = 0; rows[k].student_id && i < group->n_needs; i++)
                        if (strcmp(rows[k].student_id, school->students[school->needs[group->needs[i]].student].id) == 0)
                                matched++;
        }
        store_future_members_free(rows, n);
        *ret_same = same && n == group->n_needs && matched == group->n_needs;
        return 0;
}

/* Every future session the new schedule holds at the same times stays; the others go. */
static int hold_new_week(struct daemon *daemon, const struct schedule *schedule, const struct occurrence *list,
                         size_t n, time_t now) {
        int r = store_sessions_hold_clear(daemon->store);
        for (size_t i = 0; i < n && r >= 0; i++) {
                if (!occurrence_is_held(&list[i]))
                        continue;
                char id[OCCURRENCE_SESSION_ID_MAX];
                occurrence_session_id(schedule->groups[list[i].group].id, list[i].date, list[i].start, id);
                r = store_sessions_hold(daemon->store, id, list[i].end);
        }
        if (r >= 0)
                r = store_sessions_drop_unheld(daemon->store, (int64_t)now);
        return r;
}

time_t sessions_settled_until(const struct daemon *daemon) {
        time_t now = clock_now(&daemon->clock);
        if (daemon->published_from > 0 && local_time_of(daemon->published_from, 0) > now)
                return local_time_of(daemon->published_from, 0) - 1;
        return now;
}

/* The stored future brought to schedule, inside the caller's transaction; the last day it
 * stored in *ret_until. A version published from a later day leaves the days before it as the
 * earlier version stored them (the week in progress stays as teachers were told). */
static int sync_within(struct daemon *daemon, const struct schedule *schedule, civil_date *ret_until) {
        time_t clock = clock_now(&daemon->clock), now = sessions_settled_until(daemon);
        char now_text[32];
        daemon_format_time(clock, now_text);
        struct occurrence *list = NULL;
        size_t n = 0;
        /* The horizon ahead, and any later day stored already (a week listed, a session
         * cancelled in advance): all of it follows the new schedule. */
        civil_date today = local_date_of(now, NULL), until = horizon_end(daemon, local_date_of(clock, NULL));
        int64_t last = 0;
        int r = store_sessions_last_start(daemon->store, (int64_t)now, &last);
        if (r < 0)
                return r;
        if (last > 0 && local_date_of((time_t)last, NULL) > until)
                until = local_date_of((time_t)last, NULL);
        if (until > schedule->school->info.term_end)
                until = schedule->school->info.term_end;
        if ((r = occurrence_expand(schedule, today, until, &list, &n)) < 0)
                return r;
        /* Groups whose interventionist, program or students changed: their future goes. */
        for (size_t g = 0; g < schedule->n_groups && r >= 0; g++) {
                bool same = false;
                r = group_unchanged(daemon, schedule, &schedule->groups[g], now, &same);
                if (r >= 0 && !same)
                        r = store_sessions_drop_future(daemon->store, schedule->groups[g].id, (int64_t)now);
        }
        if (r >= 0)
                r = hold_new_week(daemon, schedule, list, n, now);
        /* What stays now belongs to this version; what is new is added. */
        if (r >= 0)
                r = store_sessions_adopt(daemon->store, schedule->version, (int64_t)now);
        for (size_t i = 0; i < n && r >= 0; i++)
                if (occurrence_is_held(&list[i]))
                        r = insert_occurrence(daemon, schedule, &list[i], now_text, now);
        free(list);
        if (r >= 0)
                *ret_until = until;
        return r;
}

int sessions_sync_in_transaction(struct daemon *daemon, const struct schedule *schedule) {
        civil_date until = 0;
        if (!schedule || schedule->version <= 0)
                return 0;
        /* The stored horizon (sessions_stored_to) is left as it is: should the transaction
         * roll back it is still true, and once it commits the days up to it are stored. */
        return sync_within(daemon, schedule, &until);
}

int sessions_sync(struct daemon *daemon) {
        const struct schedule *schedule = daemon->schedule;
        civil_date until = 0;
        if (!schedule || !daemon->school || schedule->version <= 0)
                return 0;
        int r = store_begin(daemon->store);
        if (r >= 0)
                r = sync_within(daemon, schedule, &until);
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                log_error("sessions: cannot store the occurrences of version %lld: %s", (long long)schedule->version,
                          store_error(daemon->store));
                store_rollback(daemon->store);
                return r;
        }
        log_debug("sessions: occurrences of schedule version %lld stored", (long long)schedule->version);
        daemon->sessions_stored_to = until;
        return 0;
}
