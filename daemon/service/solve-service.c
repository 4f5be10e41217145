/* solve-service.c: one solve at a time, on a worker thread over an immutable snapshot (a
 * reference to the school and a copy of the published schedule). The thread touches nothing
 * else; its result comes back to the loop through a libevent event made active from it. */
#include <errno.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "import/import.h"
#include "log.h"
#include "service/local-time.h"
#include "service/solve-service.h"
#include "service/version-service.h"
#include "solver/solver.h"
#include "store/session-store.h"

struct solve_job {
        struct daemon *daemon;
        solve_done_fn done_fn;
        void *userdata;
        struct school *school;
        struct schedule *previous;
        struct solver_options options;
        struct solver_busy *busy; /* booked make-ups ahead (options.busy) */
        struct store_booked *booked; /* ... as read, by id: resolved against the school solved */
        size_t n_booked;
        /* A what-if: the files (copied) laid over school, the stored data set, on the worker,
         * which then solves the school they make; its errors, one a line, in why_detail. */
        bool what_if;
        struct import_file *files;
        size_t n_files;
        char *why_detail;
        struct solve_request request;
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
        school_unref(job->school);
        free(job->busy);
        store_booked_free(job->booked, job->n_booked);
        for (size_t i = 0; i < job->n_files; i++) {
                free((char *)job->files[i].name);
                free((char *)job->files[i].data);
        }
        free(job->files);
        free(job->why_detail);
        schedule_free(job->previous);
        schedule_free(job->schedule);
        solver_strings_free(job->violations, job->n_violations);
        if (job->done)
                event_free(job->done);
        free(job);
}

/* The files of a what-if over the stored data set; -EINVAL with their errors in why_detail. */
static int lay_over(struct solve_job *job) {
        struct import_report report = { 0 };
        struct school *school = NULL;
        int r = import_overlay(job->school, job->files, job->n_files, &school, &report);
        if (r >= 0) {
                school_unref(job->school);
                job->school = school;
        }
        if (r == -EINVAL) {
                size_t size = 1;
                for (size_t i = 0; i < report.n_errors; i++)
                        size += strlen(report.errors[i]) + 1;
                if ((job->why_detail = calloc(1, size)))
                        for (size_t i = 0; i < report.n_errors; i++) {
                                if (i)
                                        strcat(job->why_detail, "\n");
                                strcat(job->why_detail, report.errors[i]);
                        }
        }
        import_report_clear(&report);
        return r;
}

/* The booked make-ups as indices into the school solved (a what-if's staff may differ). */
static int resolve_busy(struct solve_job *job) {
        if (job->n_booked > 0 && !(job->busy = calloc(job->n_booked, sizeof *job->busy)))
                return -ENOMEM;
        const struct school *school = job->school;
        for (size_t i = 0; i < job->n_booked; i++) {
                const struct store_booked *b = &job->booked[i];
                job->busy[i] = (struct solver_busy){
                        .staff = b->staff_id ? school_find_staff(school, b->staff_id) : -1,
                        .student = b->student_id ? school_find_student(school, b->student_id) : -1,
                        .date = b->date,
                        .start = b->start,
                        .end = b->end,
                };
        }
        job->options.busy = job->busy;
        job->options.n_busy = job->n_booked;
        return 0;
}

static void *solve_thread(void *userdata) {
        struct solve_job *job = userdata;
        job->result = job->what_if ? lay_over(job) : 0;
        if (job->result == -EINVAL) {
                job->result = -EBADMSG; /* the files', not the solver's */
                event_active(job->done, EV_READ, 0);
                return NULL;
        }
        if (job->result >= 0)
                job->result = resolve_busy(job);
        if (job->result >= 0)
                job->result = solver_solve(job->school, job->previous, &job->options, &job->schedule, &job->stats);
        /* Checked independently of the search before anyone sees it. */
        if (job->result >= 0 &&
            solver_check(job->schedule, NULL, &job->options.weights, NULL, &job->violations, &job->n_violations) > 0)
                job->result = -EPROTO;
        /* Safe from another thread: the loop was made thread-aware (evthread_use_pthreads). */
        event_active(job->done, EV_READ, 0);
        return NULL;
}

static void tell(struct solve_job *job, int error, const char *why, struct json_object *report) {
        struct solve_result result = { .error = error, .why = why, .stats = &job->stats, .report = report };
        job->done_fn(job->userdata, &result);
}

static void solve_done(evutil_socket_t fd, short what, void *userdata) {
        struct solve_job *job = userdata;
        struct daemon *daemon = job->daemon;
        char why[WHY_MAX];
        pthread_join(job->thread, NULL);
        daemon->solve = NULL;

        if (job->result == -EBADMSG) {
                log_info("what-if refused: %s", job->why_detail ? job->why_detail : "out of memory");
                tell(job, job->why_detail ? -EINVAL : -ENOMEM, job->why_detail ? job->why_detail : strerror(ENOMEM),
                     NULL);
                goto out;
        }
        for (size_t i = 0; i < job->n_violations && i < 10; i++)
                log_error("solver result breaks a rule: %s", job->violations[i]);
        if (job->result < 0) {
                log_error("solve failed: %s", strerror(-job->result));
                why_set(why, job->result, "the solve failed: %s",
                        job->result == -EINVAL   ? "the school day is longer than the solver can plan"
                        : job->result == -EPROTO ? "the result broke a scheduling rule and was not published (a bug: "
                                                   "see the daemon's log)"
                                                 : strerror(-job->result));
                /* Not the storage's: Failed, not StorageFailed. */
                tell(job, job->result == -ENOMEM ? -ENOMEM : -EPROTO, why, NULL);
                goto out;
        }
        struct schedule *schedule = job->schedule;
        job->schedule = NULL;
        log_info("schedule version drafted: %zu groups, %zu needs unscheduled, penalty %ld, %.2f s",
                 schedule->n_groups, schedule->n_unscheduled, schedule->metrics.penalty, job->stats.total_seconds);
        struct publish_request publish = {
                .from = job->request.publish_from,
                .allow_drop = job->request.allow_drop,
        };
        struct json_object *report = NULL;
        char *detail = NULL;
        int r = versions_solved(daemon, schedule, job->options.seed, job->what_if,
                                job->request.publish && !job->what_if ? &publish : NULL,
                                &report, &detail, why);
        if (r < 0) {
                log_info("solve: %s", why);
                tell(job, r, detail ? detail : why, NULL);
                free(detail);
                goto out;
        }
        tell(job, 0, NULL, report);
out:
        solve_job_free(job);
}

/* The booked make-ups of the stored weeks ahead: a new version is solved around them (their
 * interventionist and students are busy then), so publishing it double-books nobody. */
static int booked_spans(struct daemon *daemon, struct solve_job *job) {
        civil_date today = local_today(daemon);
        civil_date until = daemon->sessions_stored_to > today ? daemon->sessions_stored_to + 1 : today + 7;
        return store_sessions_booked_makeups(daemon->store, today, until, &job->booked, &job->n_booked);
}

/* A what-if's own copy of the files (the call's message goes). */
static int what_if_start(struct solve_job *job, const struct solve_request *request) {
        if (!(job->files = calloc(request->n_what_if ? request->n_what_if : 1, sizeof *job->files)))
                return -ENOMEM;
        for (size_t i = 0; i < request->n_what_if; i++) {
                const struct import_file *f = &request->what_if[i];
                char *name = strdup(f->name ? f->name : ""), *data = malloc(f->size ? f->size : 1);
                job->files[job->n_files++] = (struct import_file){ .name = name, .data = data, .size = f->size };
                if (!name || !data)
                        return -ENOMEM;
                if (f->size)
                        memcpy(data, f->data, f->size);
        }
        job->what_if = true;
        return 0;
}

bool solve_running(const struct daemon *daemon) {
        return daemon->solve != NULL;
}

int solve_start(struct daemon *daemon, const struct solve_request *request, solve_done_fn done, void *userdata,
                char why[static WHY_MAX]) {
        if (daemon->solve)
                return why_set(why, -EBUSY, "a solve is already running; wait for it to end");
        if (daemon->import)
                return why_set(why, -EBUSY, "an import is running; solve again when it ends");
        if (!daemon->school)
                return why_set(why, -ENODATA, "nothing to schedule yet: import a data set first (pullout import DIR)");
        struct solve_job *job = calloc(1, sizeof *job);
        if (!job)
                return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        job->daemon = daemon;
        job->done_fn = done;
        job->userdata = userdata;
        job->request = *request;
        job->request.what_if = NULL; /* borrowed: copied below */
        job->request.n_what_if = 0;
        /* A what-if is solved fresh: the published schedule's indices are into the stored
         * school, not the overlaid one. */
        int r = request->what_if ? what_if_start(job, request) : 0;
        if (r < 0) {
                solve_job_free(job);
                return why_set(why, r, "%s", strerror(ENOMEM));
        }
        job->school = school_ref(daemon->school);
        if (daemon->schedule && !request->what_if && !(job->previous = schedule_copy(daemon->schedule))) {
                solve_job_free(job);
                return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        }
        solver_options_default(&job->options);
        conf_solver_weights(&daemon->conf, &job->options.weights);
        job->options.time_limit_seconds = request->time_limit_seconds > 0 ? request->time_limit_seconds
                                                                         : daemon->conf.solver_time_limit_seconds;
        job->options.seed = request->seed_given ? request->seed : daemon->conf.solver_seed;
        job->options.fresh = request->fresh || request->what_if;
        job->options.threads = daemon->conf.solver_threads;
        job->options.cancel = &job->cancel;
        r = booked_spans(daemon, job);
        if (r < 0) {
                solve_job_free(job);
                return why_set(why, r, "cannot read the booked make-ups: %s", store_error(daemon->store));
        }
        job->done = event_new(daemon->base, -1, 0, solve_done, job);
        if (!job->done || pthread_create(&job->thread, NULL, solve_thread, job) != 0) {
                solve_job_free(job);
                return why_set(why, -ENOMEM, "cannot start the solver's thread");
        }
        daemon->solve = job;
        log_info("solve started (time limit %.0f s)", job->options.time_limit_seconds);
        return 0;
}

void solve_cancel(struct daemon *daemon) {
        struct solve_job *job = daemon->solve;
        if (!job)
                return;
        __atomic_store_n(&job->cancel, 1, __ATOMIC_RELEASE);
        pthread_join(job->thread, NULL);
        daemon->solve = NULL;
        tell(job, -ECANCELED, "pulloutd is shutting down; the solve was stopped", NULL);
        solve_job_free(job);
}
