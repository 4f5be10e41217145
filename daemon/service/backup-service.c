/* backup-service.c: `pullout backup`: a consistent copy of the live database written into a
 * file descriptor the caller opened (the daemon opens no path a caller names). The copy is
 * taken on the loop a few pages a turn with sqlite's online backup API, so changes made
 * meanwhile are carried into it; it is checked and written out on a worker thread, so a slow
 * or stuck reader never holds the loop. */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "service/backup-service.h"
#include "service/status-json.h"

/* Pages copied per turn of the loop (4 KiB each: about a millisecond's work). */
#define PAGES_PER_STEP 256
/* A reader that takes nothing for this long loses its backup. */
#define STALL_SECONDS 30

struct backup_job {
        struct daemon *daemon;
        backup_done_fn done_fn;
        void *userdata;
        int fd;
        bool regular; /* a file (fsync'd at the end), not a pipe or socket */
        struct store_backup *backup;
        struct event *step; /* the next few pages, on the loop */
        struct event *done; /* made active by the thread */
        pthread_t thread;
        bool thread_started;
        volatile int cancel;
        /* written by the worker, read on the loop after the join */
        int result;
        size_t bytes;
        char why[WHY_MAX];
};

static void job_free(struct backup_job *job) {
        if (!job)
                return;
        if (job->step)
                event_free(job->step);
        if (job->done)
                event_free(job->done);
        store_backup_free(job->backup);
        if (job->fd >= 0)
                close(job->fd);
        free(job);
}

/* Writes all of data into fd; the descriptor is non-blocking unless it is a file, so a reader
 * that stops reading is waited for in short polls that watch the cancel flag. */
static int write_all(struct backup_job *job, const unsigned char *data, size_t size) {
        size_t done = 0;
        time_t last_progress = time(NULL);
        while (done < size) {
                if (__atomic_load_n(&job->cancel, __ATOMIC_ACQUIRE))
                        return why_set(job->why, -ECANCELED, "pulloutd is shutting down; the backup was stopped");
                ssize_t n = write(job->fd, data + done, size - done > 65536 ? 65536 : size - done);
                if (n > 0) {
                        done += (size_t)n;
                        last_progress = time(NULL);
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno != EAGAIN)
                        return why_set(job->why, -errno, "cannot write the backup: %s", strerror(errno));
                if (time(NULL) - last_progress > STALL_SECONDS)
                        return why_set(job->why, -ETIMEDOUT, "the backup's reader took nothing for %d s",
                                       STALL_SECONDS);
                struct pollfd pfd = { .fd = job->fd, .events = POLLOUT };
                poll(&pfd, 1, 500);
        }
        job->bytes = done;
        if (job->regular && fsync(job->fd) < 0)
                return why_set(job->why, -errno, "cannot write the backup to its disk: %s", strerror(errno));
        return 0;
}

static void *backup_thread(void *userdata) {
        struct backup_job *job = userdata;
        const void *data = NULL;
        size_t size = 0;
        job->result = store_backup_finish(job->backup, &data, &size);
        if (job->result < 0)
                why_set(job->why, job->result, "the copy is not sound, nothing was written: %s",
                        store_backup_error(job->backup));
        else
                job->result = write_all(job, data, size);
        /* Safe from another thread: the loop was made thread-aware (evthread_use_pthreads). */
        event_active(job->done, EV_READ, 0);
        return NULL;
}

static void finish(struct backup_job *job, int r, const char *why) {
        struct daemon *daemon = job->daemon;
        daemon->backup = NULL;
        struct json_object *answer = NULL;
        if (r >= 0) {
                answer = backup_json(job->bytes, store_backup_schema_version(job->backup));
                log_info("backup written: %zu bytes, schema %d", job->bytes, store_backup_schema_version(job->backup));
        } else if (r != -ECANCELED) {
                log_error("backup: %s", why);
        }
        job->done_fn(job->userdata, r, why, answer);
        job_free(job);
}

static void on_done(evutil_socket_t fd, short what, void *userdata) {
        struct backup_job *job = userdata;
        pthread_join(job->thread, NULL);
        finish(job, job->result, job->why);
}

static void on_step(evutil_socket_t fd, short what, void *userdata) {
        struct backup_job *job = userdata;
        int r = store_backup_step(job->backup, PAGES_PER_STEP);
        if (r > 0) {
                event_active(job->step, EV_TIMEOUT, 0); /* again on the next turn, after what waits */
                return;
        }
        if (r < 0) {
                why_set(job->why, r, "cannot copy the database: %s", store_backup_error(job->backup));
                finish(job, r, job->why);
                return;
        }
        if (pthread_create(&job->thread, NULL, backup_thread, job) != 0) {
                finish(job, why_set(job->why, -ENOMEM, "cannot start the backup's thread"), job->why);
                return;
        }
        job->thread_started = true;
}

/* The caller's descriptor: something to write into, never a terminal or a device. */
static int check_fd(int fd, bool *ret_regular, char why[static WHY_MAX]) {
        struct stat st;
        int flags = fcntl(fd, F_GETFL);
        if (fstat(fd, &st) < 0 || flags < 0)
                return why_set(why, -EINVAL, "the backup's file descriptor is not usable: %s", strerror(errno));
        if ((flags & O_ACCMODE) == O_RDONLY)
                return why_set(why, -EINVAL, "the backup's file descriptor is not open for writing");
        if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode))
                return why_set(why, -EINVAL, "a backup goes into a file or a pipe, not a device or a folder");
        *ret_regular = S_ISREG(st.st_mode);
        /* A pipe or socket is written without blocking (the flag is shared with the caller's
         * copy of the descriptor, which only waits for the answer). */
        if (!*ret_regular && fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return why_set(why, -EINVAL, "cannot write the backup's pipe without blocking: %s", strerror(errno));
        return 0;
}

int backup_start(struct daemon *daemon, int fd, backup_done_fn done, void *userdata, char why[static WHY_MAX]) {
        if (daemon->backup)
                return why_set(why, -EBUSY, "a backup is being written; wait for it to end");
        bool regular = false;
        int r = check_fd(fd, &regular, why);
        if (r < 0)
                return r;
        struct backup_job *job = calloc(1, sizeof *job);
        if (!job)
                return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        *job = (struct backup_job){ .daemon = daemon, .done_fn = done, .userdata = userdata, .regular = regular };
        job->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (job->fd < 0) {
                r = why_set(why, errno == EMFILE ? -EMFILE : -ENOMEM, "cannot keep the backup's file descriptor: %s",
                            strerror(errno));
                job_free(job);
                return r;
        }
        if ((r = store_backup_start(daemon->store, &job->backup)) < 0) {
                why_set(why, r, "cannot start the copy: %s", store_error(daemon->store));
                job_free(job);
                return r;
        }
        job->step = event_new(daemon->base, -1, 0, on_step, job);
        job->done = event_new(daemon->base, -1, 0, on_done, job);
        if (!job->step || !job->done) {
                job_free(job);
                return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        }
        daemon->backup = job;
        event_active(job->step, EV_TIMEOUT, 0);
        log_info("backup started");
        return 0;
}

void backup_cancel(struct daemon *daemon) {
        struct backup_job *job = daemon->backup;
        if (!job)
                return;
        if (job->thread_started) {
                __atomic_store_n(&job->cancel, 1, __ATOMIC_RELEASE);
                pthread_join(job->thread, NULL);
        }
        finish(job, -ECANCELED, "pulloutd is shutting down; the backup was stopped");
}
