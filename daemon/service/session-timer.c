/* session-timer.c: the one timer that fires reminders, fidelity prompts and missed-session
 * checks, each recorded with its state before its signal goes out. */
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "log.h"
#include "service/alert-command.h"
#include "service/alert-digest.h"
#include "service/alert-rules.h"
#include "service/local-time.h"
#include "service/session-json.h"
#include "service/session-sync.h"
#include "service/session-timer.h"
#include "service/signal-queue.h"
#include "store/session-store.h"

/* Fired at most this many at a time, so a long outage cannot hold the loop: the rest goes on
 * the next turn. */
#define FIRE_BATCH 500
/* When the database refuses the timer's work (a full disk, a lock held elsewhere, a deleted
 * file), it is tried again after 1 s, 2 s, 4 s... at most this long apart, one log line per
 * try, instead of at once and forever. */
#define RETRY_FIRST_SECONDS 1
#define RETRY_MAX_SECONDS 300

struct due {
        bool any;
        enum store_due_kind kind;
        time_t when;
        char session_id[STORE_SESSION_ID_MAX];
};

/* The earliest event not yet fired. Ties go to the order the kinds are listed in. */
static int next_due(struct daemon *daemon, struct due *ret) {
        const int64_t offsets[STORE_DUE_KIND_COUNT] = {
                [STORE_DUE_REMINDER] = daemon->conf.reminder_lead_seconds,
                [STORE_DUE_PROMPT] = 0,
                [STORE_DUE_MISSED] = daemon->conf.grace_seconds,
        };
        struct due best = { .any = false };
        for (int kind = 0; kind < STORE_DUE_KIND_COUNT; kind++) {
                char id[STORE_SESSION_ID_MAX];
                int64_t when = 0;
                int r = store_session_next_due(daemon->store, (enum store_due_kind)kind, offsets[kind], id, &when);
                if (r < 0)
                        return r;
                if (r > 0 && (!best.any || (time_t)when < best.when)) {
                        best = (struct due){ .any = true, .kind = (enum store_due_kind)kind, .when = (time_t)when };
                        memcpy(best.session_id, id, sizeof id);
                }
        }
        *ret = best;
        return 0;
}

static const char *json_text(struct json_object *o, const char *key) {
        return json_object_get_string(json_object_object_get(o, key));
}

static int load_json(struct daemon *daemon, const char *session_id, bool checklist, struct store_session *ret,
                     struct json_object **ret_json) {
        struct store_session_student *students = NULL;
        size_t n = 0;
        int r = store_session_get(daemon->store, session_id, ret);
        if (r < 0)
                return r;
        if ((r = store_session_students(daemon->store, session_id, &students, &n)) < 0) {
                store_session_clear(ret);
                return r;
        }
        *ret_json = session_json(daemon->school, ret, students, n, checklist);
        store_session_students_free(students, n);
        return 0;
}

static int fire(struct daemon *daemon, const struct due *due, time_t now, char why[static WHY_MAX]) {
        static const enum service_signal_kind signals[STORE_DUE_KIND_COUNT] = {
                [STORE_DUE_REMINDER] = SIGNAL_SESSION_REMINDER,
                [STORE_DUE_PROMPT] = SIGNAL_FIDELITY_CHECK_DUE,
                [STORE_DUE_MISSED] = SIGNAL_SESSION_MISSED,
        };
        const char *kind = store_due_kind_names[due->kind];
        char now_text[32];
        daemon_format_time(now, now_text);
        struct store_session stored = { 0 };
        struct json_object *session = NULL;
        int r = load_json(daemon, due->session_id, due->kind == STORE_DUE_PROMPT, &stored, &session);
        if (r < 0)
                return why_set(why, r, "cannot read session %s: %s", due->session_id, store_error(daemon->store));
        /* A reminder is for before the session: one that comes due after the start (the daemon
         * was down) is recorded as skipped, never sent late. */
        bool signal = due->kind != STORE_DUE_REMINDER || (int64_t)now <= stored.starts_at;
        store_session_clear(&stored);
        r = store_begin(daemon->store);
        if (r >= 0)
                r = store_session_record_event(daemon->store, due->session_id, due->kind, now_text, signal);
        if (r >= 0 && due->kind == STORE_DUE_MISSED) {
                r = store_session_mark_missed(daemon->store, due->session_id, now_text);
                /* One open alert for the group, however many of its sessions nobody logged. */
                if (r >= 0)
                        r = alerts_check_group_missed(daemon, json_text(session, "group_id"),
                                                      json_text(session, "staff_id"), due->session_id);
                if (r >= 0)
                        r = alerts_check_session(daemon, due->session_id);
                json_object_object_add(session, "status", json_object_new_string("missed"));
        }
        if (r >= 0 && signal) {
                struct json_object *ids = session_signal_json(session, kind, now_text,
                                                              due->kind == STORE_DUE_REMINDER
                                                                      ? daemon->conf.reminder_lead_seconds / 60
                                                                      : -1);
                /* The Alert of a missed session goes out after the SessionMissed it is about. */
                signals_queue(daemon, signals[due->kind], due->session_id, 0, ids, true);
                json_object_put(ids);
        }
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                why_set(why, r, "cannot record the %s of %s: %s", kind, due->session_id, store_error(daemon->store));
                store_rollback(daemon->store);
                signals_flush(daemon, false);
        } else {
                signals_flush(daemon, true);
        }
        json_object_put(session);
        return r;
}

/* Fires everything due at or before now, in order, at most limit of them: how many, or -errno
 * with why. */
static int fire_due(struct daemon *daemon, time_t now, int limit, char why[static WHY_MAX]) {
        int fired = 0;
        for (; fired < limit; fired++) {
                struct due due;
                int r = next_due(daemon, &due);
                if (r < 0)
                        return why_set(why, r, "cannot find the next due event: %s", store_error(daemon->store));
                if (!due.any || due.when > now)
                        break;
                if ((r = fire(daemon, &due, now, why)) < 0)
                        return r;
        }
        return fired;
}

/* The horizon stored and everything due fired: 0, or -errno with why. */
static int timer_work(struct daemon *daemon, char why[static WHY_MAX]) {
        int r = sessions_extend_horizon(daemon);
        if (r < 0)
                return why_set(why, r, "cannot store the sessions ahead: %s", store_error(daemon->store));
        r = fire_due(daemon, clock_now(&daemon->clock), FIRE_BATCH, why);
        return r < 0 ? r : 0;
}

static void on_timer(evutil_socket_t fd, short what, void *userdata);

static bool timer_ready(struct daemon *daemon) {
        return daemon->base &&
               (daemon->session_timer || (daemon->session_timer = evtimer_new(daemon->base, on_timer, daemon)));
}

/* The work failed: try again later, each time twice as late, saying so once per try. */
static void retry_later(struct daemon *daemon, const char *why) {
        int delay = RETRY_FIRST_SECONDS;
        for (int i = 0; i < daemon->session_failures && delay < RETRY_MAX_SECONDS; i++)
                delay *= 2;
        if (delay > RETRY_MAX_SECONDS)
                delay = RETRY_MAX_SECONDS;
        daemon->session_failures++;
        log_error("sessions: %s; trying again in %d s", why, delay);
        if (!timer_ready(daemon))
                return;
        struct timeval tv = { .tv_sec = delay, .tv_usec = 0 };
        evtimer_del(daemon->session_timer);
        evtimer_add(daemon->session_timer, &tv);
}

/* The work went through: the backoff ends. */
static void recovered(struct daemon *daemon) {
        if (daemon->session_failures == 0)
                return;
        log_info("sessions: the database takes the timer's work again (after %d failed tr%s)",
                 daemon->session_failures, daemon->session_failures == 1 ? "y" : "ies");
        daemon->session_failures = 0;
}

static void on_timer(evutil_socket_t fd, short what, void *userdata) {
        struct daemon *daemon = userdata;
        char why[WHY_MAX] = "";
        if (timer_work(daemon, why) < 0) {
                retry_later(daemon, why);
                return;
        }
        recovered(daemon);
        sessions_rearm(daemon);
}

void sessions_rearm(struct daemon *daemon) {
        if (!timer_ready(daemon))
                return;
        /* A try already waiting out its backoff is not brought forward. */
        if (daemon->session_failures > 0 && evtimer_pending(daemon->session_timer, NULL))
                return;
        evtimer_del(daemon->session_timer);
        struct due due;
        if (next_due(daemon, &due) < 0) {
                char why[WHY_MAX];
                why_set(why, -EIO, "cannot find the next due event: %s", store_error(daemon->store));
                retry_later(daemon, why);
                return;
        }
        time_t now = clock_now(&daemon->clock);
        /* Wake at midnight too, when the stored horizon moves a day. */
        if (daemon->schedule && daemon->schedule->version > 0 && (!due.any || due.when > local_next_midnight(now))) {
                due.any = true;
                due.when = local_next_midnight(now);
        }
        if (!due.any)
                return;
        struct timeval tv = { 0, 0 };
        if (due.when > now) {
                /* A manual clock moves only with ClockAdvance, which fires what it passes. */
                if (daemon->clock.manual)
                        return;
                /* Wake a little after the second so the event is due when we look. */
                tv.tv_sec = due.when - now;
                tv.tv_usec = 1000;
        }
        evtimer_add(daemon->session_timer, &tv);
}

int sessions_advance(struct daemon *daemon, long long seconds, struct json_object **ret, char why[static WHY_MAX]) {
        if (!daemon->clock.manual)
                return why_set(why, -EOPNOTSUPP,
                               "the clock is real: only a pulloutd started with --clock=manual can be advanced");
        if (seconds < 0 || seconds > SESSIONS_ADVANCE_MAX)
                return why_set(why, -EINVAL, "advance by 0..%lld days", SESSIONS_ADVANCE_MAX / 86400);
        time_t target = clock_now(&daemon->clock) + (time_t)seconds;
        char failed[WHY_MAX];
        /* Each event fires at its own time, as it would have on a real clock. */
        for (;;) {
                /* A database that refuses is not asked again for every day passed: the timer
                 * tries again with its backoff and catches up in order. */
                if (sessions_extend_horizon(daemon) < 0)
                        break;
                struct due due;
                if (next_due(daemon, &due) < 0)
                        break;
                time_t now = clock_now(&daemon->clock), midnight = local_next_midnight(now);
                /* The day's digest at its own time, between the events around it. */
                time_t digest = alert_digest_next(daemon);
                if (digest && digest <= target && digest < midnight && (!due.any || digest <= due.when)) {
                        if (digest > now)
                                clock_advance(&daemon->clock, digest - now);
                        if (alert_digest_run_due(daemon) <= 0)
                                break;
                        continue;
                }
                /* The days pass one by one, so the horizon is stored before their events. */
                if ((!due.any || due.when >= midnight) && midnight <= target) {
                        clock_advance(&daemon->clock, midnight - now);
                        continue;
                }
                if (!due.any || due.when > target)
                        break;
                if (due.when > now)
                        clock_advance(&daemon->clock, due.when - now);
                /* What fails here is the timer's to try again (sessions_rearm below). */
                if (fire_due(daemon, clock_now(&daemon->clock), 1, failed) <= 0)
                        break;
        }
        time_t now = clock_now(&daemon->clock);
        if (target > now)
                clock_advance(&daemon->clock, target - now);
        sessions_rearm(daemon);
        alert_command_kick(daemon);
        char now_text[32];
        daemon_format_time(clock_now(&daemon->clock), now_text);
        *ret = json_object_new_object();
        json_object_object_add(*ret, "now", json_object_new_string(now_text));
        return 0;
}

int sessions_start(struct daemon *daemon) {
        /* A schedule published before this build kept sessions: its occurrences begin now. */
        int64_t stored = 0;
        char why[WHY_MAX] = "";
        if (daemon->schedule && store_sessions_max_version(daemon->store, &stored) >= 0 &&
            stored < daemon->schedule->version)
                sessions_sync(daemon);
        int r = sessions_extend_horizon(daemon);
        if (r < 0)
                why_set(why, r, "cannot store the sessions ahead: %s", store_error(daemon->store));
        int fired = r < 0 ? r : fire_due(daemon, clock_now(&daemon->clock), FIRE_BATCH, why);
        if (fired > 0)
                log_info("sessions: caught up %d event%s due while pulloutd was not running", fired,
                         fired == 1 ? "" : "s");
        if (fired < 0)
                retry_later(daemon, why);
        else
                sessions_rearm(daemon);
        alert_command_kick(daemon);
        return 0;
}

void sessions_stop(struct daemon *daemon) {
        alert_command_stop(daemon);
        signals_stop(daemon);
        if (daemon->session_timer)
                event_free(daemon->session_timer);
        daemon->session_timer = NULL;
}
