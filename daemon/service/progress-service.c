/* progress-service.c: progress monitoring between the bus and the store: checks what callers
 * send, keeps every change in one transaction, and evaluates with the delivery beside it. */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon.h"
#include "import/csv.h"
#include "log.h"
#include "model/dosage.h"
#include "progress/svg.h"
#include "service/alert-rules.h"
#include "service/changes.h"
#include "service/local-time.h"
#include "service/progress-service.h"
#include "service/session-dosage.h"
#include "service/signal-queue.h"
#include "store/progress-store.h"
#include "store/session-store.h"

#define PROGRESS_IMPORT_ERRORS_MAX 100


/* The student's fidelity in [from, to): items delivered ÷ applicable over delivered sessions
 * they attended; < 0 when no session of theirs was checked. */
static int week_fidelity(struct daemon *daemon, const char *student_id, time_t from, time_t to,
                         double *ret_percent) {
        int64_t delivered = 0, applicable = 0;
        int r = store_sessions_student_fidelity(daemon->store, student_id, (int64_t)from, (int64_t)to, &delivered,
                                                &applicable);
        if (r < 0)
                return r;
        *ret_percent = applicable > 0 ? 100.0 * (double)delivered / (double)applicable : -1;
        return 0;
}

/* Planned and delivered minutes and fidelity, week by week, from the session logs: only
 * settled sessions (logged, missed, cancelled) count, so next Friday does not lower today's
 * dosage. A week with nothing planned is unknown. */
int progress_delivery_weeks(struct daemon *daemon, const char *student_id, civil_date from, civil_date to,
                            struct progress_week **ret_weeks, size_t *ret_n) {
        struct progress_week *weeks = NULL;
        size_t n = 0;
        if (to < from || (to - from) / 7 > 520)
                goto done;
        weeks = calloc((size_t)((to - from) / 7 + 1), sizeof *weeks);
        if (!weeks)
                return -ENOMEM;
        for (civil_date week = date_week_start(from); week <= to; week += 7) {
                time_t start = local_time_of(week, 0), end = local_time_of(week + 7, 0);
                struct dosage_tally tally;
                double fidelity;
                int r = session_dosage_student(daemon->store, student_id, NULL, start, end, true, &tally);
                if (r >= 0)
                        r = week_fidelity(daemon, student_id, start, end, &fidelity);
                if (r < 0) {
                        free(weeks);
                        return r;
                }
                if (tally.planned_minutes == 0)
                        continue;
                weeks[n++] = (struct progress_week){
                        .week = week,
                        .planned_minutes = (int)tally.planned_minutes,
                        .delivered_minutes = (int)tally.delivered_minutes,
                        .fidelity_percent = fidelity,
                };
        }
done:
        if (n == 0) {
                free(weeks);
                weeks = NULL;
        }
        *ret_weeks = weeks;
        *ret_n = n;
        return 0;
}

bool progress_measure_valid(const char *measure) {
        size_t length = strlen(measure);
        if (length == 0 || length > PROGRESS_LABEL_MAX)
                return false;
        for (const unsigned char *p = (const unsigned char *)measure; *p; p++)
                if (*p < 0x20 || *p == 0x7f)
                        return false;
        return true;
}

/* The student must be in the current data set to get new records. */
static int progress_check_student(struct daemon *daemon, const char *student_id, char why[static WHY_MAX]) {
        if (!daemon->school)
                return why_set(why, -ENODATA, "nothing imported yet: pullout import DIR first");
        if (school_find_student(daemon->school, student_id) < 0)
                return why_set(why, -ENOENT, "no student %.64s in the data set", student_id);
        return 0;
}

static int progress_parse_date(struct daemon *daemon, const char *text, const char *what, civil_date *ret_date,
                               char why[static WHY_MAX]) {
        if (!text || !*text) {
                *ret_date = local_today(daemon);
                return 0;
        }
        if (date_parse(text, ret_date) < 0)
                return why_set(why, -EINVAL, "%s \"%.32s\" is not a date (YYYY-MM-DD)", what, text);
        return 0;
}

static bool progress_value_valid(double value) {
        return isfinite(value) && fabs(value) <= PROGRESS_VALUE_MAX;
}

/* One change in one transaction; the store's detail on failure. */
static int progress_commit(struct daemon *daemon, int r, char why[static WHY_MAX]) {
        if (r >= 0)
                r = store_commit(daemon->store);
        if (r < 0) {
                snprintf(why, WHY_MAX, "cannot write the database: %s", store_error(daemon->store));
                log_error("progress: %s", why);
                store_rollback(daemon->store);
                return -EIO;
        }
        changes_announce(daemon, CHANGE_SCORES);
        return 0;
}

/* The decision on (student, measure) now, or "" when there is none to read. */
static void decision_of(struct daemon *daemon, const char *student_id, const char *measure, char buf[static 32]) {
        struct json_object *json = NULL;
        char why[WHY_MAX];
        buf[0] = '\0';
        if (progress_service_report(daemon, student_id, measure, PROGRESS_TREND_OLS, &json, NULL, why) >= 0)
                snprintf(buf, 32, "%s", json_object_get_string(json_object_object_get(json, "decision")));
        json_object_put(json);
}

/* A coordinator hears when a student's decision changes to one a team must act on: the
 * four-point rule or the trend says intensify (or raise the goal). Raised once per score date. */
static void alert_decision_change(struct daemon *daemon, const char *student_id, const char *measure,
                                  const char *before, struct json_object *report) {
        const char *after = json_object_get_string(json_object_object_get(report, "decision"));
        if (!after || strcmp(after, before) == 0 ||
            (strcmp(after, "intensify") != 0 && strcmp(after, "raise_goal") != 0))
                return;
        struct json_object *points = json_object_object_get(report, "points");
        size_t n = json_object_array_length(points);
        const char *last = n ? json_object_get_string(json_object_object_get(json_object_array_get_idx(points, n - 1),
                                                                             "date"))
                             : "";
        bool withheld = json_object_get_boolean(json_object_object_get(report, "decision_withheld"));
        int s = daemon->school ? school_find_student(daemon->school, student_id) : -1;
        char key[256], message[512];
        snprintf(key, sizeof key, "progress:%s:%s:%s:%s", student_id, measure, last ? last : "", after);
        snprintf(message, sizeof message, "%s (%s), %s: the decision is now %s (was %s)%s",
                 s >= 0 ? daemon->school->students[s].name : student_id, student_id, measure, after,
                 *before ? before : "none",
                 withheld ? "; but the plan was not delivered as designed: check dosage and fidelity first" : "");
        if (store_begin(daemon->store) < 0)
                return;
        if (alerts_raise(daemon, "progress_decision", key, NULL, student_id, NULL, NULL, message) < 0 ||
            store_commit(daemon->store) < 0) {
                log_warning("progress: cannot raise the alert for %s: %s", student_id, store_error(daemon->store));
                store_rollback(daemon->store);
                signals_flush(daemon, false);
                return;
        }
        signals_flush(daemon, true);
}

/* A score is what a probe measured: never on a day that has not come yet (the daemon's
 * clock, so a manual clock's today counts). */
static int progress_check_not_future(struct daemon *daemon, civil_date day, char why[static WHY_MAX]) {
        civil_date today = local_today(daemon);
        if (day <= today)
                return 0;
        char a[11], b[11];
        return why_set(why, -EINVAL, "the date %s is after today (%s): a score is recorded once it was measured",
                       date_format(day, a), date_format(today, b));
}

int progress_service_add_score(struct daemon *daemon, const char *student_id, const char *measure, const char *date,
                               double value, bool replace, struct json_object **ret_json, char why[static WHY_MAX]) {
        civil_date day;
        int r = progress_check_student(daemon, student_id, why);
        if (r < 0)
                return r;
        if (!progress_measure_valid(measure))
                return why_set(why, -EINVAL,
                                     "a measure is a name of 1 to %d characters without control characters",
                                     PROGRESS_LABEL_MAX);
        if (!progress_value_valid(value))
                return why_set(why, -EINVAL, "a score is a finite number of at most %.0g",
                                     PROGRESS_VALUE_MAX);
        if ((r = progress_parse_date(daemon, date, "date", &day, why)) < 0 ||
            (r = progress_check_not_future(daemon, day, why)) < 0)
                return r;
        char now[32], before[32], day_text[11];
        decision_of(daemon, student_id, measure, before);
        daemon_format_time(clock_now(&daemon->clock), now);
        if (store_begin(daemon->store) < 0)
                return why_set(why, -EIO, "cannot write the database: %s", store_error(daemon->store));
        enum store_score_outcome outcome;
        double stored = 0;
        r = store_put_score(daemon->store, student_id, measure, day, value, replace, now, &outcome, &stored);
        if (r >= 0 && outcome == STORE_SCORE_REFUSED) {
                store_rollback(daemon->store);
                return why_set(why, -EEXIST,
                               "student %.64s already has %.64s %g on %s: add --replace to correct it, or "
                               "pullout score delete %.64s %.64s --date %s",
                               student_id, measure, stored, date_format(day, day_text), student_id, measure, day_text);
        }
        if ((r = progress_commit(daemon, r, why)) < 0)
                return r;
        r = progress_service_report(daemon, student_id, measure, PROGRESS_TREND_OLS, ret_json, NULL, why);
        if (r >= 0)
                alert_decision_change(daemon, student_id, measure, before, *ret_json);
        return r;
}

int progress_service_delete_score(struct daemon *daemon, const char *student_id, const char *measure,
                                  const char *date, char why[static WHY_MAX]) {
        civil_date day;
        char day_text[11];
        if (!date || !*date)
                return why_set(why, -EINVAL, "say which score: --date YYYY-MM-DD");
        int r = progress_parse_date(daemon, date, "date", &day, why);
        if (r < 0)
                return r;
        if (store_begin(daemon->store) < 0)
                return why_set(why, -EIO, "cannot write the database: %s", store_error(daemon->store));
        r = store_delete_score(daemon->store, student_id, measure, day);
        if (r == 0) {
                store_rollback(daemon->store);
                return why_set(why, -ENOENT, "student %.64s has no %.64s score on %s", student_id, measure,
                               date_format(day, day_text));
        }
        return progress_commit(daemon, r, why);
}

int progress_service_set_goal(struct daemon *daemon, const char *student_id, const char *measure, double baseline,
                              double target, const char *from, const char *by, struct json_object **ret_json,
                              char why[static WHY_MAX]) {
        struct progress_goal goal = { .baseline = baseline, .target = target };
        int r = progress_check_student(daemon, student_id, why);
        if (r < 0)
                return r;
        if (!progress_measure_valid(measure))
                return why_set(why, -EINVAL,
                                     "a measure is a name of 1 to %d characters without control characters",
                                     PROGRESS_LABEL_MAX);
        if (!progress_value_valid(baseline) || !progress_value_valid(target))
                return why_set(why, -EINVAL, "baseline and target are finite numbers");
        if (!by || !*by)
                return why_set(why, -EINVAL, "a goal needs its date (--by YYYY-MM-DD)");
        if ((r = progress_parse_date(daemon, from, "--from", &goal.from, why)) < 0 ||
            (r = progress_parse_date(daemon, by, "--by", &goal.by, why)) < 0)
                return r;
        if (progress_goal_check(&goal) < 0) {
                char first[11];
                return why_set(why, -EINVAL, "the goal date %s must come after the start %s", by,
                                     date_format(goal.from, first));
        }
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        if (store_begin(daemon->store) < 0)
                return why_set(why, -EIO, "cannot write the database: %s", store_error(daemon->store));
        r = store_set_goal(daemon->store, student_id, measure, &goal, now);
        if ((r = progress_commit(daemon, r, why)) < 0)
                return r;
        return progress_service_report(daemon, student_id, measure, PROGRESS_TREND_OLS, ret_json, NULL, why);
}

int progress_service_add_phase(struct daemon *daemon, const char *student_id, const char *measure, const char *date,
                               const char *label, char why[static WHY_MAX]) {
        civil_date day;
        int r = progress_check_student(daemon, student_id, why);
        if (r < 0)
                return r;
        if (*measure && !progress_measure_valid(measure))
                return why_set(why, -EINVAL, "a bad measure name (empty: every measure)");
        if (!progress_measure_valid(label))
                return why_set(why, -EINVAL,
                                     "a phase label names the new intervention in 1 to %d characters",
                                     PROGRESS_LABEL_MAX);
        if ((r = progress_parse_date(daemon, date, "date", &day, why)) < 0)
                return r;
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        if (store_begin(daemon->store) < 0)
                return why_set(why, -EIO, "cannot write the database: %s", store_error(daemon->store));
        r = store_add_phase(daemon->store, student_id, measure, day, label, now);
        return progress_commit(daemon, r, why);
}

/* The measure to report: the one named, or the student's only one. */
static int progress_pick_measure(struct daemon *daemon, const char *student_id, const char *measure, char **ret_measure,
                                 char why[static WHY_MAX]) {
        if (measure && *measure) {
                char *copy = strdup(measure);
                if (!copy)
                        return -ENOMEM;
                *ret_measure = copy;
                return 0;
        }
        char **measures = NULL;
        size_t n = 0;
        int r = store_list_measures(daemon->store, student_id, &measures, &n);
        if (r < 0)
                return why_set(why, -EIO, "cannot read the database: %s", store_error(daemon->store));
        if (n == 0)
                r = why_set(why, -ENOENT,
                                  "no scores or goals for student %.64s yet (pullout score add, pullout goal set)",
                                  student_id);
        else if (n > 1) {
                char list[512] = "";
                for (size_t i = 0; i < n; i++) {
                        size_t used = strlen(list);
                        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", measures[i]);
                }
                r = why_set(why, -EINVAL, "student %.64s has %zu measures (%s): choose one with --measure",
                                  student_id, n, list);
        } else {
                *ret_measure = measures[0];
                measures[0] = NULL;
        }
        store_strings_free(measures, n);
        return r;
}

int progress_service_report(struct daemon *daemon, const char *student_id, const char *measure,
                            enum progress_trend_method method, struct json_object **ret_json, char **ret_svg,
                            char why[static WHY_MAX]) {
        struct progress_record record = { 0 };
        struct progress_result result = { 0 };
        struct progress_week *weeks = NULL;
        size_t n_weeks = 0;
        struct json_object *json = NULL;
        char *chosen = NULL, *svg = NULL;
        int r = progress_pick_measure(daemon, student_id, measure, &chosen, why);
        if (r < 0)
                goto finish;
        r = store_load_progress(daemon->store, student_id, chosen, &record);
        if (r == -ENOENT) {
                r = why_set(why, -ENOENT, "no scores or goal for student %.64s in %.80s", student_id,
                                  chosen);
                goto finish;
        }
        if (r < 0) {
                r = why_set(why, r == -ENOMEM ? -ENOMEM : -EIO, "cannot read the database: %s",
                                  store_error(daemon->store));
                goto finish;
        }
        civil_date first = record.n_scores ? record.scores[0].date : record.goal.from;
        civil_date last = record.n_scores ? record.scores[record.n_scores - 1].date : record.goal.from;
        if ((r = progress_delivery_weeks(daemon, student_id, date_week_start(first), date_week_start(last), &weeks,
                                         &n_weeks)) < 0) {
                r = why_set(why, r, "cannot read the session logs");
                goto finish;
        }
        struct progress_input input = { .scores = record.scores, .n_scores = record.n_scores,
                                        .goal = record.has_goal ? &record.goal : NULL, .phases = record.phases,
                                        .n_phases = record.n_phases, .weeks = weeks, .n_weeks = n_weeks, .method = method };
        if ((r = progress_evaluate(&input, &result)) < 0) {
                r = why_set(why, r, "the stored scores cannot be evaluated");
                goto finish;
        }
        if ((r = progress_to_json(student_id, chosen, &input, &result, &json)) < 0)
                goto finish;
        int student = daemon->school ? school_find_student(daemon->school, student_id) : -1;
        const char *name = student >= 0 ? daemon->school->students[student].name : NULL;
        json_object_object_add(json, "name", name ? json_object_new_string(name) : NULL);
        if (ret_svg) {
                char title[256];
                if (name)
                        snprintf(title, sizeof title, "%s (%s): %s", name, student_id, chosen);
                else
                        snprintf(title, sizeof title, "%s: %s", student_id, chosen);
                struct textbuf buf = { 0 };
                if ((r = progress_svg(title, &input, &result, &buf)) < 0 || (r = textbuf_steal(&buf, &svg)) < 0) {
                        textbuf_done(&buf);
                        r = why_set(why, r, "cannot draw the graph");
                        goto finish;
                }
        }
        *ret_json = json;
        json = NULL;
        if (ret_svg) {
                *ret_svg = svg;
                svg = NULL;
        }
        r = 0;
finish:
        json_object_put(json);
        free(svg);
        free(chosen);
        free(weeks);
        progress_result_done(&result);
        progress_record_done(&record);
        return r;
}

struct progress_import_errors {
        const char *name;
        struct json_object *list;
};

static void progress_import_error(struct progress_import_errors *errors, unsigned line, const char *column,
                                  const char *format, ...) __attribute__((format(printf, 4, 5)));
static void progress_import_error(struct progress_import_errors *errors, unsigned line, const char *column,
                                  const char *format, ...) {
        if (json_object_array_length(errors->list) >= PROGRESS_IMPORT_ERRORS_MAX)
                return;
        char what[256], text[512];
        va_list args;
        va_start(args, format);
        vsnprintf(what, sizeof what, format, args);
        va_end(args);
        if (column)
                snprintf(text, sizeof text, "%s:%u: column %s: %s", errors->name, line, column, what);
        else
                snprintf(text, sizeof text, "%s:%u: %s", errors->name, line, what);
        json_object_array_add(errors->list, json_object_new_string(text));
}

static void progress_csv_error(void *userdata, unsigned line, const char *message) {
        progress_import_error(userdata, line, NULL, "%s", message);
}

/* The four fields a score needs, in this order. */
static const char *const score_fields[] = { "student_id", "measure", "date", "value" };

/* --columns "student_id=Student ID,date=Date,value=Score": each field named by the header the
 * screener's export gives it (quotes around a header are dropped); fields not named keep
 * their own name. The headers are copied into headers[] (each at most 127 bytes). */
static int progress_parse_columns(const char *columns, char headers[4][128], char why[static WHY_MAX]) {
        for (size_t f = 0; f < 4; f++)
                snprintf(headers[f], 128, "%s", score_fields[f]);
        if (!columns || !*columns)
                return 0;
        const char *p = columns;
        while (*p) {
                const char *end = strchr(p, ','), *eq = strchr(p, '=');
                if (!end)
                        end = p + strlen(p);
                if (!eq || eq > end)
                        return why_set(why, -EINVAL, "--columns: \"%.*s\" is not FIELD=HEADER", (int)(end - p > 64 ? 64 : end - p), p);
                size_t f = 0;
                while (f < 4 && (strlen(score_fields[f]) != (size_t)(eq - p) || strncmp(p, score_fields[f], (size_t)(eq - p)) != 0))
                        f++;
                if (f == 4)
                        return why_set(why, -EINVAL, "--columns: \"%.*s\" is not a field (student_id, measure, date, value)",
                                       (int)(eq - p > 32 ? 32 : eq - p), p);
                const char *h = eq + 1, *h_end = end;
                if (h_end - h >= 2 && *h == '"' && h_end[-1] == '"')
                        h++, h_end--;
                if (h_end == h || h_end - h > 127)
                        return why_set(why, -EINVAL, "--columns: the header of %s is empty or longer than 127 bytes",
                                       score_fields[f]);
                snprintf(headers[f], 128, "%.*s", (int)(h_end - h), h);
                p = *end ? end + 1 : end;
        }
        return 0;
}

static bool progress_row_blank(const struct csv_row *row) {
        for (size_t i = 0; i < row->n_fields; i++)
                if (row->fields[i][0])
                        return false;
        return true;
}

int progress_service_import(struct daemon *daemon, const char *name, const char *data, size_t size,
                            const char *columns_option, const char *measure_option, struct json_object **ret_json,
                            char **ret_detail, char why[static WHY_MAX]) {
        struct progress_import_errors errors = { .name = name && *name ? name : "scores.csv",
                                                 .list = json_object_new_array() };
        struct csv_table *table = NULL;
        long counts[3] = { 0 }; /* added, replaced, unchanged */
        char headers[4][128];
        bool fixed_measure = measure_option && *measure_option;
        int r;
        if (!errors.list)
                return -ENOMEM;
        if (!daemon->school) {
                r = why_set(why, -ENODATA, "nothing imported yet: pullout import DIR first");
                goto finish;
        }
        if (size > PROGRESS_IMPORT_BYTES_MAX) {
                r = why_set(why, -EINVAL, "%s is larger than %u bytes", errors.name, PROGRESS_IMPORT_BYTES_MAX);
                goto finish;
        }
        if ((r = progress_parse_columns(columns_option, headers, why)) < 0)
                goto finish;
        if (fixed_measure && !progress_measure_valid(measure_option)) {
                r = why_set(why, -EINVAL, "--measure: a measure is a name of 1 to %d characters without control "
                                          "characters", PROGRESS_LABEL_MAX);
                goto finish;
        }
        r = csv_table_parse(data, size, CSV_TABLE_TRIM, progress_csv_error, &errors, &table);
        if (r == -ENOMEM)
                goto finish;
        if (r < 0)
                goto rejected;
        int columns[4];
        for (size_t c = 0; c < 4; c++) {
                columns[c] = csv_table_column(table, headers[c]);
                if (c == 1 && fixed_measure)
                        columns[c] = -1; /* every row is of the measure --measure names */
                else if (columns[c] < 0)
                        progress_import_error(&errors, 1, headers[c],
                                              "missing (the columns are student_id, measure, date, value; "
                                              "--columns FIELD=HEADER,... maps others)");
        }
        if (json_object_array_length(errors.list) > 0)
                goto rejected;
        if (store_begin(daemon->store) < 0) {
                r = why_set(why, -EIO, "cannot write the database: %s", store_error(daemon->store));
                goto finish;
        }
        char now[32];
        daemon_format_time(clock_now(&daemon->clock), now);
        civil_date today = local_today(daemon);
        for (size_t i = 0; i < table->n_rows; i++) {
                const struct csv_row *row = &table->rows[i];
                /* Spreadsheets leave empty rows under the data: skipped, as the data-set import does. */
                if (progress_row_blank(row))
                        continue;
                const char *student_id = csv_row_field(row, columns[0]);
                const char *measure = fixed_measure ? measure_option : csv_row_field(row, columns[1]);
                const char *date_text = csv_row_field(row, columns[2]), *value_text = csv_row_field(row, columns[3]);
                civil_date date;
                double value = 0;
                char *end = NULL;
                bool ok = true;
                if (school_find_student(daemon->school, student_id) < 0) {
                        progress_import_error(&errors, row->line, headers[0], "no student \"%.64s\" in the data set",
                                              student_id);
                        ok = false;
                }
                if (!progress_measure_valid(measure)) {
                        progress_import_error(&errors, row->line, headers[1], "empty, too long or with control characters");
                        ok = false;
                }
                if (date_parse(date_text, &date) < 0) {
                        progress_import_error(&errors, row->line, headers[2], "\"%.32s\" is not a date (YYYY-MM-DD)",
                                              date_text);
                        ok = false;
                } else if (date > today) {
                        char today_text[11];
                        progress_import_error(&errors, row->line, headers[2], "%.32s is after today (%s)", date_text,
                                              date_format(today, today_text));
                        ok = false;
                }
                if (*value_text)
                        value = strtod(value_text, &end);
                if (!*value_text || *end || !progress_value_valid(value)) {
                        progress_import_error(&errors, row->line, headers[3], "\"%.32s\" is not a number", value_text);
                        ok = false;
                }
                if (!ok || json_object_array_length(errors.list) > 0)
                        continue;
                /* The same key again is a corrected export: the file's value replaces the stored one. */
                enum store_score_outcome outcome;
                if (store_put_score(daemon->store, student_id, measure, date, value, true, now, &outcome, NULL) < 0) {
                        r = why_set(why, -EIO, "cannot write the database: %s", store_error(daemon->store));
                        store_rollback(daemon->store);
                        goto finish;
                }
                counts[outcome == STORE_SCORE_ADDED ? 0 : outcome == STORE_SCORE_REPLACED ? 1 : 2]++;
        }
        if (json_object_array_length(errors.list) > 0) {
                store_rollback(daemon->store);
                goto rejected;
        }
        if ((r = progress_commit(daemon, 0, why)) < 0)
                goto finish;
        log_info("imported scores from %s: %ld added, %ld replaced, %ld unchanged", errors.name, counts[0], counts[1],
                 counts[2]);
        *ret_json = json_object_new_object();
        json_object_object_add(*ret_json, "added", json_object_new_int64(counts[0]));
        json_object_object_add(*ret_json, "replaced", json_object_new_int64(counts[1]));
        json_object_object_add(*ret_json, "unchanged", json_object_new_int64(counts[2]));
        r = 0;
        goto finish;
rejected:
        r = why_set(why, -EBADMSG, "%s was not imported: %zu problem%s", errors.name,
                    json_object_array_length(errors.list), json_object_array_length(errors.list) == 1 ? "" : "s");
        /* Every fault, one a line, as the data-set import reports them. */
        size_t n = json_object_array_length(errors.list);
        char **lines = calloc(n ? n : 1, sizeof *lines);
        for (size_t i = 0; lines && i < n; i++)
                lines[i] = (char *)json_object_get_string(json_object_array_get_idx(errors.list, i));
        *ret_detail = lines ? why_lines(why, lines, n) : NULL;
        free(lines);
finish:
        csv_table_free(table);
        json_object_put(errors.list);
        return r;
}
