/* report-service.c: dosage and fidelity reports from the stored sessions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "service/local-time.h"
#include "service/report-json.h"
#include "service/report-service.h"
#include "service/session-dosage.h"
#include "store/session-store.h"

static int storage_failed(struct daemon *daemon, int r, char why[static WHY_MAX]) {
        return why_set(why, r, "cannot read the sessions: %s",
                       r == -ENOMEM ? strerror(ENOMEM) : store_error(daemon->store));
}

static struct report_periods periods_of(struct daemon *daemon) {
        struct report_periods p;
        p.now = clock_now(&daemon->clock);
        p.week_start = local_time_of(date_week_start(local_date_of(p.now, NULL)), 0);
        p.window_start = p.now - (time_t)daemon->conf.dosage_window_seconds;
        p.window_days = daemon->conf.dosage_window_seconds / 86400;
        p.threshold_percent = daemon->conf.dosage_threshold_percent;
        return p;
}

static const char *student_name(struct daemon *daemon, const char *student_id) {
        int s = daemon->school ? school_find_student(daemon->school, student_id) : -1;
        return s >= 0 ? daemon->school->students[s].name : student_id;
}

/* A student's (in one group, or in all when group_id is NULL) week and window. */
static int student_row(struct daemon *daemon, const struct report_periods *p, const char *student_id,
                       const char *group_id, struct dosage_row *ret) {
        struct dosage_row row = { .student_id = student_id, .name = student_name(daemon, student_id),
                                  .group_id = group_id };
        int r = session_dosage_student(daemon->store, student_id, group_id, p->week_start, p->now + 1, false, &row.week);
        if (r >= 0)
                r = session_dosage_student(daemon->store, student_id, group_id, p->window_start, p->now + 1, false,
                                           &row.window);
        if (r >= 0)
                *ret = row;
        return r;
}

static int group_row(struct daemon *daemon, const struct report_periods *p, const char *group_id,
                     struct dosage_row *ret) {
        struct dosage_row row = { .group_id = group_id };
        int r = session_dosage_group(daemon->store, group_id, p->week_start, p->now + 1, &row.week);
        if (r >= 0)
                r = session_dosage_group(daemon->store, group_id, p->window_start, p->now + 1, &row.window);
        if (r >= 0)
                *ret = row;
        return r;
}

static int one(const char *id, char ***ret, size_t *ret_n) {
        char **list = malloc(sizeof *list);
        if (!list || !(list[0] = strdup(id))) {
                free(list);
                return -ENOMEM;
        }
        *ret = list;
        *ret_n = 1;
        return 0;
}

/* The students and groups a dosage question is about. */
static int dosage_subjects(struct daemon *daemon, const char *kind, const char *id, char ***students,
                           size_t *n_students, char ***groups, size_t *n_groups, char why[static WHY_MAX]) {
        int r;
        if (strcmp(kind, "student") == 0) {
                if ((r = store_sessions_know_student(daemon->store, id)) < 0)
                        return storage_failed(daemon, r, why);
                if (r == 0 && (!daemon->school || school_find_student(daemon->school, id) < 0))
                        return why_set(why, -ENOENT, "no student %.64s", id);
                if ((r = one(id, students, n_students)) >= 0)
                        r = store_sessions_groups_of(daemon->store, id, groups, n_groups);
        } else if (strcmp(kind, "group") == 0) {
                if ((r = store_sessions_know_group(daemon->store, id)) < 0)
                        return storage_failed(daemon, r, why);
                if (r == 0)
                        return why_set(why, -ENOENT, "no sessions of group %.64s", id);
                if ((r = one(id, groups, n_groups)) >= 0)
                        r = store_sessions_students_of(daemon->store, id, students, n_students);
        } else if (strcmp(kind, "") == 0) {
                if ((r = store_sessions_all_students(daemon->store, students, n_students)) >= 0)
                        r = store_sessions_all_groups(daemon->store, groups, n_groups);
        } else {
                return why_set(why, -EINVAL, "dosage of \"%.32s\": use student or group", kind);
        }
        return r < 0 ? storage_failed(daemon, r, why) : 0;
}

int report_dosage(struct daemon *daemon, const char *kind, const char *id, struct json_object **ret,
                  char why[static WHY_MAX]) {
        struct report_periods p = periods_of(daemon);
        char **students = NULL, **groups = NULL;
        size_t n_students = 0, n_groups = 0;
        int r = dosage_subjects(daemon, kind, id, &students, &n_students, &groups, &n_groups, why);
        if (r < 0)
                goto out;
        struct json_object *o = report_header_json(NULL, &p);
        struct json_object *list = json_object_new_array();
        for (size_t i = 0; i < n_students && r >= 0; i++) {
                struct dosage_row row;
                if ((r = student_row(daemon, &p, students[i], NULL, &row)) >= 0)
                        json_object_array_add(list, dosage_row_json(&row));
        }
        json_object_object_add(o, "students", list);
        list = json_object_new_array();
        for (size_t i = 0; i < n_groups && r >= 0; i++) {
                struct dosage_row row;
                if ((r = group_row(daemon, &p, groups[i], &row)) >= 0)
                        json_object_array_add(list, dosage_row_json(&row));
        }
        json_object_object_add(o, "groups", list);
        if (r < 0) {
                json_object_put(o);
                r = storage_failed(daemon, r, why);
        } else {
                *ret = o;
        }
out:
        store_strings_free(students, n_students);
        store_strings_free(groups, n_groups);
        return r < 0 ? r : 0;
}

/* Each (student, group) of the window, worst first. */
static int dosage_report(struct daemon *daemon, const struct report_periods *p, const char *program_id,
                         const char *staff_id, struct json_object *o) {
        struct store_dosage_pair *pairs = NULL;
        size_t n = 0;
        int r = store_sessions_dosage_pairs(daemon->store, (int64_t)p->window_start, (int64_t)p->now, program_id,
                                            staff_id, &pairs, &n);
        if (r < 0)
                return r;
        struct dosage_row *rows = n ? calloc(n, sizeof *rows) : NULL;
        if (n && !rows)
                r = -ENOMEM;
        for (size_t i = 0; i < n && r >= 0; i++) {
                r = student_row(daemon, p, pairs[i].student_id, pairs[i].group_id, &rows[i]);
                rows[i].program_id = pairs[i].program_id;
                rows[i].staff_id = pairs[i].staff_id;
        }
        if (r >= 0)
                json_object_object_add(o, "rows", dosage_rows_json(rows, n));
        free(rows);
        store_dosage_pairs_free(pairs, n);
        return r;
}

/* One fidelity roll-up, worst first. */
static int fidelity_rollup(struct daemon *daemon, const struct report_periods *p, enum store_fidelity_key key,
                           const char *program_id, const char *staff_id, struct json_object **ret) {
        struct store_fidelity_row *stored = NULL;
        size_t n = 0;
        int r = store_sessions_fidelity(daemon->store, key, (int64_t)p->window_start, (int64_t)p->now, program_id,
                                        staff_id, &stored, &n);
        if (r < 0)
                return r;
        struct fidelity_row *rows = n ? calloc(n, sizeof *rows) : NULL;
        if (n && !rows) {
                store_fidelity_rows_free(stored, n);
                return -ENOMEM;
        }
        for (size_t i = 0; i < n; i++) {
                struct fidelity_tally t = { .sessions = stored[i].sessions, .delivered = stored[i].delivered,
                                            .applicable = stored[i].applicable };
                int percent = fidelity_percent(&t);
                rows[i] = (struct fidelity_row){
                        .id = stored[i].key ? stored[i].key : "",
                        .of_group = key == STORE_FIDELITY_GROUP,
                        .program_id = stored[i].program_id,
                        .staff_id = stored[i].staff_id,
                        .sessions = t.sessions,
                        .delivered = t.delivered,
                        .applicable = t.applicable,
                        .percent = percent,
                        .below_threshold = percent >= 0 && percent < daemon->conf.fidelity_threshold_percent,
                };
        }
        *ret = fidelity_rows_json(rows, n);
        free(rows);
        store_fidelity_rows_free(stored, n);
        return 0;
}

static int fidelity_report(struct daemon *daemon, const struct report_periods *p, const char *program_id,
                           const char *staff_id, struct json_object *o) {
        static const struct {
                const char *name;
                enum store_fidelity_key key;
        } levels[] = {
                { "rows", STORE_FIDELITY_GROUP },
                { "programs", STORE_FIDELITY_PROGRAM },
                { "staff", STORE_FIDELITY_STAFF },
                { "weeks", STORE_FIDELITY_WEEK },
        };
        json_object_object_add(o, "threshold_percent", json_object_new_int(daemon->conf.fidelity_threshold_percent));
        int r = 0;
        for (size_t i = 0; i < sizeof levels / sizeof levels[0] && r >= 0; i++) {
                struct json_object *rows = NULL;
                if ((r = fidelity_rollup(daemon, p, levels[i].key, program_id, staff_id, &rows)) >= 0)
                        json_object_object_add(o, levels[i].name, rows);
        }
        return r;
}

int report_run(struct daemon *daemon, const char *report, const char *program_id, const char *staff_id,
               struct json_object **ret, char why[static WHY_MAX]) {
        struct report_periods p = periods_of(daemon);
        if (program_id && daemon->school && school_find_program(daemon->school, program_id) < 0)
                return why_set(why, -ENOENT, "no program %.64s", program_id);
        if (staff_id && daemon->school && school_find_staff(daemon->school, staff_id) < 0)
                return why_set(why, -ENOENT, "no staff member %.64s", staff_id);
        bool dosage = strcmp(report, "dosage") == 0;
        if (!dosage && strcmp(report, "fidelity") != 0)
                return why_set(why, -EINVAL, "no report \"%.32s\": dosage or fidelity", report);
        struct json_object *o = report_header_json(report, &p);
        int r = dosage ? dosage_report(daemon, &p, program_id, staff_id, o)
                       : fidelity_report(daemon, &p, program_id, staff_id, o);
        if (r < 0) {
                json_object_put(o);
                return storage_failed(daemon, r, why);
        }
        *ret = o;
        return 0;
}
