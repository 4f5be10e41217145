/* what-if-read.c: a what-if's groups name the students and staff of the files it was solved
 * on, so reading it back means importing those files again: seconds for a big school. The
 * files come out of the store on the loop (one query), the import runs on a thread of its own
 * that touches nothing but its job, and the result comes back through the loop. */
#include <errno.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "import/import.h"
#include "log.h"
#include "service/what-if-read.h"

struct what_if_read {
        struct what_if_read *next; /* daemon->what_if_reads */
        struct daemon *daemon;
        what_if_read_fn done_fn;
        void *userdata;
        size_t n;
        int64_t versions[WHAT_IF_READ_VERSIONS_MAX];
        struct import_file *files[WHAT_IF_READ_VERSIONS_MAX];
        size_t n_files[WHAT_IF_READ_VERSIONS_MAX];
        pthread_t thread;
        struct event *done;
        /* written by the worker, read on the loop after the join */
        int result;
        struct school *schools[WHAT_IF_READ_VERSIONS_MAX];
        char why[WHY_MAX];
};

static void read_free(struct what_if_read *job) {
        if (!job)
                return;
        if (job->done)
                event_free(job->done);
        for (size_t i = 0; i < job->n; i++) {
                store_what_if_files_free(job->files[i], job->n_files[i]);
                school_unref(job->schools[i]);
        }
        free(job);
}

static void *read_thread(void *userdata) {
        struct what_if_read *job = userdata;
        int r = 0;
        for (size_t i = 0; i < job->n && r >= 0; i++) {
                struct import_report report = { 0 };
                if ((r = import_school(job->files[i], job->n_files[i], &job->schools[i], &report)) < 0)
                        why_set(job->why, r == -ENOMEM ? -ENOMEM : -EPROTO,
                                "cannot read the data set of what-if %lld: %s", (long long)job->versions[i],
                                report.n_errors ? report.errors[0] : strerror(-r));
                import_report_clear(&report);
        }
        job->result = r < 0 ? (r == -ENOMEM ? -ENOMEM : -EPROTO) : 0;
        /* Safe from another thread: the loop was made thread-aware (evthread_use_pthreads). */
        event_active(job->done, EV_READ, 0);
        return NULL;
}

static void unlink_read(struct daemon *daemon, struct what_if_read *job) {
        for (struct what_if_read **p = &daemon->what_if_reads; *p; p = &(*p)->next)
                if (*p == job) {
                        *p = job->next;
                        return;
                }
}

static void finish(struct what_if_read *job, int r, const char *why) {
        unlink_read(job->daemon, job);
        if (r < 0 && r != -ECANCELED)
                log_error("what-if: %s", why);
        job->done_fn(job->daemon, job->userdata, r, why, r < 0 ? NULL : job->schools);
        read_free(job);
}

static void on_done(evutil_socket_t fd, short what, void *userdata) {
        struct what_if_read *job = userdata;
        pthread_join(job->thread, NULL);
        finish(job, job->result, job->why);
}

/* The files stored with version, into job's slot i. */
static int take_files(struct daemon *daemon, struct what_if_read *job, size_t i, char why[static WHY_MAX]) {
        int r = store_load_what_if_files(daemon->store, job->versions[i], &job->files[i], &job->n_files[i]);
        if (r < 0)
                return why_set(why, r, "cannot read the what-if's data set: %s", store_error(daemon->store));
        if (job->n_files[i] == 0)
                return why_set(why, -EPERM,
                               "version %lld is a what-if stored before what-ifs kept their groups: only its counts "
                               "are kept (pullout schedule history)",
                               (long long)job->versions[i]);
        return 0;
}

int what_if_read_start(struct daemon *daemon, const int64_t *versions, size_t n, what_if_read_fn done,
                       void *userdata, char why[static WHY_MAX]) {
        size_t running = 0;
        for (struct what_if_read *job = daemon->what_if_reads; job; job = job->next)
                running++;
        if (n == 0 || n > WHAT_IF_READ_VERSIONS_MAX)
                return why_set(why, -EINVAL, "a read takes 1 to %d what-ifs", WHAT_IF_READ_VERSIONS_MAX);
        if (running >= WHAT_IF_READS_MAX)
                return why_set(why, -EBUSY, "%zu what-ifs are being read; ask again when one is answered", running);
        struct what_if_read *job = calloc(1, sizeof *job);
        if (!job)
                return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        *job = (struct what_if_read){ .daemon = daemon, .done_fn = done, .userdata = userdata, .n = n };
        int r = 0;
        for (size_t i = 0; i < n && r >= 0; i++) {
                job->versions[i] = versions[i];
                r = take_files(daemon, job, i, why);
        }
        if (r >= 0 && !(job->done = event_new(daemon->base, -1, 0, on_done, job)))
                r = why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        if (r >= 0 && pthread_create(&job->thread, NULL, read_thread, job) != 0)
                r = why_set(why, -EAGAIN, "cannot start a thread to read the what-if");
        if (r < 0) {
                read_free(job);
                return r;
        }
        job->next = daemon->what_if_reads;
        daemon->what_if_reads = job;
        return 0;
}

void what_if_read_cancel(struct daemon *daemon) {
        while (daemon->what_if_reads) {
                struct what_if_read *job = daemon->what_if_reads;
                /* The import cannot be stopped half way; it is bounded by the files' size. */
                pthread_join(job->thread, NULL);
                finish(job, -ECANCELED, "pulloutd is shutting down; the what-if was not read");
        }
}
