/* import-service.c: an import is read and validated on a worker thread (the CSV files, and a
 * district calendar (calendar.ics) read with the school's term and zone and merged into its
 * calendar), then stored on the loop in one transaction together with the session sync it
 * implies, then the in-memory school is swapped; a failure at any step, or a crash at any
 * moment, leaves both the database and memory as they were. The loop answers everyone else
 * while the worker reads. */
#include <errno.h>
#include <event2/event.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "ical/district.h"
#include "log.h"
#include "service/changes.h"
#include "service/import-service.h"
#include "service/solve-service.h"
#include "service/status-json.h"

#define CLOSED_KEYWORDS_MAX 64

static const struct import_file *find_calendar_ics(const struct import_file *files, size_t n_files) {
        for (size_t i = 0; i < n_files; i++) {
                const char *slash = strrchr(files[i].name, '/');
                if (strcmp(slash ? slash + 1 : files[i].name, "calendar.ics") == 0)
                        return &files[i];
        }
        return NULL;
}

static int report_add(char ***lines, size_t *n, const char *prefix, const char *text) {
        char **grown = realloc(*lines, (*n + 1) * sizeof *grown);
        if (!grown)
                return -ENOMEM;
        *lines = grown;
        if (asprintf(&grown[*n], "%s%s", prefix, text) < 0)
                return -ENOMEM;
        (*n)++;
        return 0;
}

/* conf.closed_keywords split on ';' into a NULL-terminated list pointing into *ret_copy. */
static int split_keywords(const char *text, char **ret_copy, const char *keywords[static CLOSED_KEYWORDS_MAX + 1]) {
        char *copy = strdup(text ? text : "");
        size_t n = 0;
        if (!copy)
                return -ENOMEM;
        for (char *save = NULL, *word = strtok_r(copy, ";", &save); word && n < CLOSED_KEYWORDS_MAX;
             word = strtok_r(NULL, ";", &save)) {
                while (*word == ' ' || *word == '\t')
                        word++;
                char *end = word + strlen(word);
                while (end > word && (end[-1] == ' ' || end[-1] == '\t'))
                        *--end = '\0';
                if (*word)
                        keywords[n++] = word;
        }
        keywords[n] = NULL;
        *ret_copy = copy;
        return 0;
}

/* Reads calendar.ics against school and appends its days to school->calendar (the school is
 * not shared yet). Faults go to report->errors as "calendar.ics: line N: ...". */
static int merge_district(const char *closed_keywords, const struct import_file *file, struct school *school,
                          struct import_report *report, struct ical_district **ret_district) {
        const char *keywords[CLOSED_KEYWORDS_MAX + 1];
        char *copy = NULL, *error = NULL;
        struct ical_district *district = NULL;
        int r = split_keywords(closed_keywords, &copy, keywords);
        if (r < 0)
                return r;
        struct ical_district_options options = {
                .closed_keywords = keywords[0] ? keywords : NULL,
                .default_release = -1,
        };
        r = ical_district_read(file->data, file->size, &school->info, &options, &district, &error);
        if (r < 0) {
                char *line = error;
                while (line && *line) {
                        char *next = strchr(line, '\n');
                        if (next)
                                *next++ = '\0';
                        if (*line && report_add(&report->errors, &report->n_errors, "calendar.ics: ", line) < 0)
                                break;
                        line = next;
                }
                if (!error || !*error)
                        report_add(&report->errors, &report->n_errors, "calendar.ics: ",
                                   r == -EFBIG ? "file too large" : r == -E2BIG ? "too many events" : "unreadable");
                r = r == -ENOMEM ? r : -EINVAL;
                goto out;
        }
        if (district->n_days > 0) {
                struct calendar_day *grown =
                        realloc(school->calendar, (school->n_calendar + district->n_days) * sizeof *grown);
                if (!grown) {
                        r = -ENOMEM;
                        goto out;
                }
                school->calendar = grown;
                /* The labels move to the school. */
                memcpy(grown + school->n_calendar, district->days, district->n_days * sizeof *grown);
                school->n_calendar += district->n_days;
                free(district->days);
                district->days = NULL;
                district->n_days = 0;
        }
        for (size_t i = 0; i < district->n_ignored; i++)
                report_add(&report->warnings, &report->n_warnings, "calendar.ics: ignored: ", district->ignored[i]);
        *ret_district = district;
        district = NULL;
        r = 0;
out:
        ical_district_free(district);
        free(error);
        free(copy);
        return r;
}

struct import_job {
        struct daemon *daemon;
        import_done_fn done_fn;
        void *userdata;
        const struct import_file *files; /* the caller's, valid until done_fn */
        size_t n_files;
        char *closed_keywords; /* the settings' copy, for the thread */
        pthread_t thread;
        struct event *done;
        /* written by the worker, read on the loop after the join */
        int result;
        struct school *school;
        struct ical_district *district;
        struct import_report report;
};

static void import_job_free(struct import_job *job) {
        if (!job)
                return;
        if (job->done)
                event_free(job->done);
        school_unref(job->school);
        ical_district_free(job->district);
        import_report_clear(&job->report);
        free(job->closed_keywords);
        free(job);
}

/* The worker: reads and checks the files; touches nothing but the job. */
static void *import_thread(void *userdata) {
        struct import_job *job = userdata;
        int r = import_school(job->files, job->n_files, &job->school, &job->report);
        const struct import_file *ics = r >= 0 ? find_calendar_ics(job->files, job->n_files) : NULL;
        if (ics)
                r = merge_district(job->closed_keywords, ics, job->school, &job->report, &job->district);
        job->result = r;
        /* Safe from another thread: the loop was made thread-aware (evthread_use_pthreads). */
        event_active(job->done, EV_READ, 0);
        return NULL;
}

/* Stores school and what follows from it in one transaction: the data set, and the sessions
 * ahead synced to its calendar with the published schedule mapped onto it. Then the school
 * becomes current. */
static int commit(struct daemon *daemon, struct school *school) {
        struct schedule *schedule = NULL;
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        int r = store_begin(daemon->store);
        if (r >= 0)
                r = store_save_school(daemon->store, school, now);
        /* The published schedule, with ids mapped onto the new data set. */
        if (r >= 0 && (r = store_load_schedule(daemon->store, school, 0, &schedule)) == -ENOENT)
                r = 0;
        /* The sessions are dated in the new school's zone. */
        daemon_set_zone(school);
        if (r >= 0)
                r = changes_prepare(daemon, CHANGE_SCHOOL, schedule);
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                store_rollback(daemon->store);
                schedule_free(schedule);
                daemon_set_zone(daemon->school);
                return r;
        }
        daemon_set_school(daemon, school);
        if (schedule)
                daemon_set_schedule(daemon, schedule);
        changes_announce(daemon, CHANGE_SCHOOL);
        return 0;
}

static void tell(struct import_job *job, int error, const char *why, const char *detail, struct json_object *report) {
        struct import_result result = { .error = error, .why = why, .detail = detail, .report = report };
        job->done_fn(job->userdata, &result);
}

static void import_done(evutil_socket_t fd, short what, void *userdata) {
        struct import_job *job = userdata;
        struct daemon *daemon = job->daemon;
        struct import_report *report = &job->report;
        struct store_counts counts;
        char why[WHY_MAX];
        pthread_join(job->thread, NULL);
        daemon->import = NULL;
        int r = job->result;
        if (r == -EINVAL || (r < 0 && report->n_errors > 0)) {
                /* Every fault, one per line, as FILE:LINE: column NAME: what is wrong. */
                log_info("import rejected: %zu errors", report->n_errors);
                why_set(why, -EBADMSG, "import rejected, nothing was changed (%zu error%s):", report->n_errors,
                        report->n_errors == 1 ? "" : "s");
                char *detail = why_lines(why, report->errors, report->n_errors);
                tell(job, -EBADMSG, why, detail, NULL);
                free(detail);
                goto out;
        }
        if (r >= 0)
                r = commit(daemon, job->school);
        if (r < 0) {
                const char *detail = r == -EIO ? store_error(daemon->store) : strerror(-r);
                log_error("import: %s", detail);
                why_set(why, r, "import failed, nothing was changed: %s", detail);
                tell(job, r, why, NULL, NULL);
                goto out;
        }
        if ((r = store_count(daemon->store, &counts)) < 0) {
                why_set(why, r, "imported, but cannot read the database back: %s", store_error(daemon->store));
                tell(job, r, why, NULL, NULL);
                goto out;
        }
        log_info("imported \"%s\": %ld students, %ld needs", daemon->school->info.name, counts.students,
                 counts.needs);
        tell(job, 0, NULL, NULL, import_report_json(daemon->school->info.name, &counts, report, job->district));
out:
        import_job_free(job);
}

bool import_running(const struct daemon *daemon) {
        return daemon->import != NULL;
}

int import_start(struct daemon *daemon, const struct import_file *files, size_t n_files, import_done_fn done,
                 void *userdata, char why[static WHY_MAX]) {
        if (daemon->import)
                return why_set(why, -EBUSY, "an import is running; import again when it ends");
        if (solve_running(daemon))
                return why_set(why, -EBUSY, "a solve is running; import again when it ends");
        struct import_job *job = calloc(1, sizeof *job);
        if (!job)
                return why_set(why, -ENOMEM, "%s", strerror(ENOMEM));
        *job = (struct import_job){ .daemon = daemon, .done_fn = done, .userdata = userdata, .files = files,
                                    .n_files = n_files };
        job->closed_keywords = strdup(daemon->conf.closed_keywords ? daemon->conf.closed_keywords : "");
        job->done = event_new(daemon->base, -1, 0, import_done, job);
        if (!job->closed_keywords || !job->done || pthread_create(&job->thread, NULL, import_thread, job) != 0) {
                import_job_free(job);
                return why_set(why, -ENOMEM, "cannot start the import's thread");
        }
        daemon->import = job;
        return 0;
}

void import_cancel(struct daemon *daemon) {
        struct import_job *job = daemon->import;
        if (!job)
                return;
        /* Reading is bounded by the import's limits: wait for it, then store nothing. */
        pthread_join(job->thread, NULL);
        daemon->import = NULL;
        tell(job, -ECANCELED, "pulloutd is shutting down; nothing was imported", NULL, NULL);
        import_job_free(job);
}
