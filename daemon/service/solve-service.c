/* solve-service.c: one solve at a time, on a worker thread over an immutable snapshot (a
 * reference to the school and a copy of the published schedule). The thread touches nothing
 * else; its result comes back to the loop through a libevent event made active from it. */
#include <errno.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "daemon.h"
#include "log.h"
#include "service/feed-service.h"
#include "service/schedule-json.h"
#include "service/sessions.h"
#include "service/solve-service.h"
#include "solver/solver.h"

struct solve_job {
        struct daemon *daemon;
        sd_bus_message *call; /* answered when the solve ends */
        struct school *school;
        struct schedule *previous;
        struct solver_options options;
        volatile int cancel;
        pthread_t thread;
        struct event *done;
        /* written by the worker, read on the loop after the join */
        int result;
        struct schedule *schedule;
        struct solver_stats stats;
        char **violations; /* a result that breaks a hard rule is never published */
        size_t n_violations;
};

static void solve_job_free(struct solve_job *job) {
        if (!job)
                return;
        sd_bus_message_unref(job->call);
        school_unref(job->school);
        schedule_free(job->previous);
        schedule_free(job->schedule);
        solver_strings_free(job->violations, job->n_violations);
        if (job->done)
                event_free(job->done);
        free(job);
}

static void *solve_thread(void *userdata) {
        struct solve_job *job = userdata;
        job->result = solver_solve(job->school, job->previous, &job->options, &job->schedule, &job->stats);
        /* Checked independently of the search before anyone sees it. */
        if (job->result >= 0 &&
            solver_check(job->schedule, NULL, &job->options.weights, NULL, &job->violations, &job->n_violations) > 0)
                job->result = -EPROTO;
        /* Safe from another thread: the loop was made thread-aware (evthread_use_pthreads). */
        event_active(job->done, EV_READ, 0);
        return NULL;
}

/* The configured weights, by name (checked when the settings were read), over the defaults. */
static void apply_weights(const struct conf *conf, struct solver_weights *w) {
        for (int i = 0; i < conf->n_weights; i++)
                solver_weight_set(w, conf->weights[i].name, (int)conf->weights[i].value);
}

int schedule_publish(struct daemon *daemon, struct schedule *schedule, unsigned seed) {
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        int r = store_begin(daemon->store);
        if (r >= 0)
                r = store_save_schedule(daemon->store, schedule, now, seed);
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                store_rollback(daemon->store);
                schedule_free(schedule);
                return r;
        }
        daemon_set_schedule(daemon, schedule);
        feeds_invalidate(daemon);
        struct json_object *summary = schedule_summary_json(schedule, NULL);
        sd_bus_emit_signal(daemon->bus, BUS_PATH, BUS_INTERFACE, "ScheduleChanged", "xs", schedule->version,
                           json_object_to_json_string_ext(summary, JSON_C_TO_STRING_PLAIN));
        json_object_put(summary);
        sd_bus_emit_properties_changed(daemon->bus, BUS_PATH, BUS_INTERFACE, "ScheduleVersion", NULL);
        /* The new version's occurrences replace those that have not started yet. */
        sessions_sync(daemon);
        bus_rearm(daemon);
        return 0;
}

static void solve_done(evutil_socket_t fd, short what, void *userdata) {
        struct solve_job *job = userdata;
        struct daemon *daemon = job->daemon;
        pthread_join(job->thread, NULL);
        daemon->solve = NULL;

        for (size_t i = 0; i < job->n_violations && i < 10; i++)
                log_error("solver result breaks a rule: %s", job->violations[i]);
        if (job->result < 0) {
                log_error("solve failed: %s", strerror(-job->result));
                sd_bus_reply_method_errorf(job->call, BUS_ERROR_FAILED, "the solve failed: %s",
                                           job->result == -EINVAL   ? "the school day is longer than the solver "
                                                                      "can plan"
                                           : job->result == -EPROTO ? "the result broke a scheduling rule and was "
                                                                      "not published (a bug: see the daemon's log)"
                                                                    : strerror(-job->result));
                goto out;
        }
        struct schedule *schedule = job->schedule;
        job->schedule = NULL;
        int r = schedule_publish(daemon, schedule, job->options.seed);
        if (r < 0) {
                log_error("cannot store the schedule: %s", daemon->store->error);
                sd_bus_reply_method_errorf(job->call, BUS_ERROR_FAILED, "cannot store the schedule: %s",
                                           daemon->store->error);
                goto out;
        }
        log_info("schedule version %lld: %zu groups, %zu needs unscheduled, penalty %ld, %.2f s",
                 (long long)daemon->schedule->version, daemon->schedule->n_groups, daemon->schedule->n_unscheduled,
                 daemon->schedule->metrics.penalty, job->stats.total_seconds);
        bus_reply_json(job->call, schedule_summary_json(daemon->schedule, &job->stats));
out:
        solve_job_free(job);
        bus_rearm(daemon);
}

int solve_start(struct daemon *daemon, sd_bus_message *call, const struct solve_request *request) {
        if (daemon->solve)
                return -EBUSY;
        if (!daemon->school)
                return -ENODATA;
        struct solve_job *job = calloc(1, sizeof *job);
        if (!job)
                return -ENOMEM;
        job->daemon = daemon;
        job->call = sd_bus_message_ref(call);
        job->school = school_ref(daemon->school);
        if (daemon->schedule && !(job->previous = schedule_copy(daemon->schedule))) {
                solve_job_free(job);
                return -ENOMEM;
        }
        solver_options_default(&job->options);
        apply_weights(&daemon->conf, &job->options.weights);
        job->options.time_limit_seconds = request->time_limit_seconds > 0 ? request->time_limit_seconds
                                                                         : daemon->conf.solver_time_limit_seconds;
        job->options.seed = request->seed_given ? request->seed : daemon->conf.solver_seed;
        job->options.fresh = request->fresh;
        job->options.cancel = &job->cancel;
        job->done = event_new(daemon->base, -1, 0, solve_done, job);
        if (!job->done || pthread_create(&job->thread, NULL, solve_thread, job) != 0) {
                solve_job_free(job);
                return -ENOMEM;
        }
        daemon->solve = job;
        return 0;
}

void solve_cancel(struct daemon *daemon) {
        struct solve_job *job = daemon->solve;
        if (!job)
                return;
        __atomic_store_n(&job->cancel, 1, __ATOMIC_RELEASE);
        pthread_join(job->thread, NULL);
        daemon->solve = NULL;
        sd_bus_reply_method_errorf(job->call, BUS_ERROR_FAILED, "pulloutd is shutting down; the solve was stopped");
        solve_job_free(job);
}
