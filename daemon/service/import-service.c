/* import-service.c: an import is validate, then store in one transaction, then swap the
 * in-memory school; a failure at any step leaves both the database and memory as they were.
 * A district calendar (calendar.ics) is read with the school's term and zone and its days
 * merged into the school's calendar before anything is stored. */
#include <errno.h>
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
static int merge_district(struct daemon *daemon, const struct import_file *file, struct school *school,
                          struct import_report *report, struct ical_district **ret_district) {
        const char *keywords[CLOSED_KEYWORDS_MAX + 1];
        char *copy = NULL, *error = NULL;
        struct ical_district *district = NULL;
        int r = split_keywords(daemon->conf.closed_keywords, &copy, keywords);
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

/* Validates, merges the district calendar and commits; the school becomes current. */
static int import_and_store(struct daemon *daemon, const struct import_file *files, size_t n_files,
                            struct import_report *report, struct ical_district **ret_district) {
        struct school *school = NULL;
        struct schedule *schedule = NULL;
        struct ical_district *district = NULL;
        char now[32];
        int r = import_school(files, n_files, &school, report);
        if (r < 0)
                return r;
        const struct import_file *ics = find_calendar_ics(files, n_files);
        if (ics && (r = merge_district(daemon, ics, school, report, &district)) < 0)
                goto out;

        daemon_format_time(clock_now(&daemon->clock), now);
        r = store_begin(daemon->store);
        if (r < 0)
                goto out;
        r = store_save_school(daemon->store, school, now);
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                store_rollback(daemon->store);
                goto out;
        }
        daemon_set_school(daemon, school);
        /* The published schedule, with ids mapped onto the new data set. */
        if (store_load_schedule(daemon->store, school, 0, &schedule) >= 0)
                daemon_set_schedule(daemon, schedule);
        changes_announce(daemon, CHANGE_SCHOOL);
        *ret_district = district;
        district = NULL;
        r = 0;
out:
        ical_district_free(district);
        school_unref(school);
        return r;
}

int service_import(struct daemon *daemon, const struct import_file *files, size_t n_files, struct json_object **ret,
                   char **ret_detail, char why[static WHY_MAX]) {
        struct import_report report = { 0 };
        struct ical_district *district = NULL;
        struct store_counts counts;
        if (solve_running(daemon))
                return why_set(why, -EBUSY, "a solve is running; import again when it ends");
        int r = import_and_store(daemon, files, n_files, &report, &district);
        if (r == -EINVAL || (r < 0 && report.n_errors > 0)) {
                /* Every fault, one per line, as FILE:LINE: column NAME: what is wrong. */
                log_info("import rejected: %zu errors", report.n_errors);
                r = why_set(why, -EBADMSG, "import rejected, nothing was changed (%zu error%s):", report.n_errors,
                            report.n_errors == 1 ? "" : "s");
                *ret_detail = why_lines(why, report.errors, report.n_errors);
                goto out;
        }
        if (r < 0) {
                const char *detail = r == -EIO ? store_error(daemon->store) : strerror(-r);
                log_error("import: %s", detail);
                why_set(why, r, "import failed: %s", detail);
                goto out;
        }
        if ((r = store_count(daemon->store, &counts)) < 0) {
                why_set(why, r, "cannot read the database: %s", store_error(daemon->store));
                goto out;
        }
        log_info("imported \"%s\": %ld students, %ld needs", daemon->school->info.name, counts.students,
                 counts.needs);
        *ret = import_report_json(daemon->school->info.name, &counts, &report, district);
out:
        ical_district_free(district);
        import_report_clear(&report);
        return r;
}
