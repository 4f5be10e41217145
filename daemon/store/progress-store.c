/* progress-store.c: scores, goals and phase changes in the database. Dates are stored as
 * YYYY-MM-DD text so that a person reading the database reads them too. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/progress-store.h"

static int progress_step_done(struct store *store, sqlite3_stmt *stmt, const char *what) {
        int r = sqlite3_step(stmt) == SQLITE_DONE ? 0 : store_fail(store, what);
        sqlite3_finalize(stmt);
        return r;
}

int store_add_score(struct store *store, const char *student_id, const char *measure, civil_date date, double value,
                    const char *entered_at) {
        sqlite3_stmt *stmt;
        char day[11];
        int r = store_prepare(store,
                              "INSERT INTO scores (student_id, measure, date, value, entered_at) VALUES (?, ?, ?, ?, ?)",
                              &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_text(stmt, 1, student_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 2, measure, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 3, date_format(date, day), -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(stmt, 4, value);
        sqlite3_bind_text(stmt, 5, entered_at, -1, SQLITE_TRANSIENT);
        return progress_step_done(store, stmt, "add score");
}

int store_set_goal(struct store *store, const char *student_id, const char *measure, const struct progress_goal *goal,
                   const char *set_at) {
        sqlite3_stmt *stmt;
        char from[11], by[11];
        int r = store_prepare(store,
                              "INSERT OR REPLACE INTO goals (student_id, measure, baseline, target, from_date, by_date, set_at)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?)",
                              &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_text(stmt, 1, student_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 2, measure, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(stmt, 3, goal->baseline);
        sqlite3_bind_double(stmt, 4, goal->target);
        sqlite3_bind_text(stmt, 5, date_format(goal->from, from), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 6, date_format(goal->by, by), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 7, set_at, -1, SQLITE_TRANSIENT);
        return progress_step_done(store, stmt, "set goal");
}

int store_add_phase(struct store *store, const char *student_id, const char *measure, civil_date date,
                    const char *label, const char *entered_at) {
        sqlite3_stmt *stmt;
        char day[11];
        int r = store_prepare(store,
                              "INSERT INTO phases (student_id, measure, date, label, entered_at) VALUES (?, ?, ?, ?, ?)",
                              &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_text(stmt, 1, student_id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 2, measure, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 3, date_format(date, day), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 4, label, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 5, entered_at, -1, SQLITE_TRANSIENT);
        return progress_step_done(store, stmt, "add phase");
}

void store_strings_free(char **strings, size_t n) {
        for (size_t i = 0; strings && i < n; i++)
                free(strings[i]);
        free(strings);
}

int store_list_measures(struct store *store, const char *student_id, char ***ret_measures, size_t *ret_n) {
        sqlite3_stmt *stmt;
        char **measures = NULL;
        size_t n = 0;
        int r = store_prepare(store,
                              "SELECT measure FROM scores WHERE student_id = ?1 UNION "
                              "SELECT measure FROM goals WHERE student_id = ?1 ORDER BY 1",
                              &stmt);
        if (r < 0)
                return r;
        sqlite3_bind_text(stmt, 1, student_id, -1, SQLITE_TRANSIENT);
        int step;
        while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
                char **grown = realloc(measures, (n + 1) * sizeof *grown);
                if (!grown) {
                        r = -ENOMEM;
                        goto fail;
                }
                measures = grown;
                if (!(measures[n] = strdup((const char *)sqlite3_column_text(stmt, 0)))) {
                        r = -ENOMEM;
                        goto fail;
                }
                n++;
        }
        if (step != SQLITE_DONE) {
                r = store_fail(store, "list measures");
                goto fail;
        }
        sqlite3_finalize(stmt);
        *ret_measures = measures;
        *ret_n = n;
        return 0;
fail:
        sqlite3_finalize(stmt);
        store_strings_free(measures, n);
        return r;
}

/* A stored date back to a civil date; the store only ever writes valid ones. */
static civil_date progress_column_date(sqlite3_stmt *stmt, int column) {
        civil_date date = 0;
        const unsigned char *text = sqlite3_column_text(stmt, column);
        if (text)
                date_parse((const char *)text, &date);
        return date;
}

void progress_record_done(struct progress_record *record) {
        if (!record)
                return;
        free(record->student_id);
        free(record->measure);
        free(record->scores);
        for (size_t i = 0; i < record->n_phases; i++)
                free((char *)record->phases[i].label);
        free(record->phases);
        *record = (struct progress_record){ 0 };
}

int store_load_progress(struct store *store, const char *student_id, const char *measure,
                        struct progress_record *ret_record) {
        struct progress_record record = { 0 };
        sqlite3_stmt *scores = NULL, *goal = NULL, *phases = NULL;
        int r, step;
        if ((r = store_prepare(store,
                               "SELECT date, value FROM scores WHERE student_id = ? AND measure = ? "
                               "ORDER BY date, score_id",
                               &scores)) < 0 ||
            (r = store_prepare(store,
                               "SELECT baseline, target, from_date, by_date FROM goals WHERE student_id = ? AND measure = ?",
                               &goal)) < 0 ||
            (r = store_prepare(store,
                               "SELECT date, label FROM phases WHERE student_id = ? AND (measure = ? OR measure = '') "
                               "ORDER BY date, phase_id",
                               &phases)) < 0)
                goto finish;
        r = -ENOMEM;
        if (!(record.student_id = strdup(student_id)) || !(record.measure = strdup(measure)))
                goto finish;
        sqlite3_stmt *all[] = { scores, goal, phases };
        for (size_t i = 0; i < 3; i++) {
                sqlite3_bind_text(all[i], 1, student_id, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(all[i], 2, measure, -1, SQLITE_TRANSIENT);
        }
        while ((step = sqlite3_step(scores)) == SQLITE_ROW) {
                struct progress_score score = { progress_column_date(scores, 0), sqlite3_column_double(scores, 1) };
                /* Past the limit the oldest scores give way: the rules look at the recent ones. */
                if (record.n_scores == PROGRESS_SCORES_MAX) {
                        memmove(record.scores, record.scores + 1, (record.n_scores - 1) * sizeof *record.scores);
                        record.n_scores--;
                }
                struct progress_score *grown = realloc(record.scores, (record.n_scores + 1) * sizeof *grown);
                if (!grown)
                        goto finish;
                record.scores = grown;
                record.scores[record.n_scores++] = score;
        }
        if (step != SQLITE_DONE) {
                r = store_fail(store, "load scores");
                goto finish;
        }
        if ((step = sqlite3_step(goal)) == SQLITE_ROW) {
                record.has_goal = true;
                record.goal = (struct progress_goal){ .baseline = sqlite3_column_double(goal, 0),
                                                      .target = sqlite3_column_double(goal, 1),
                                                      .from = progress_column_date(goal, 2),
                                                      .by = progress_column_date(goal, 3) };
        } else if (step != SQLITE_DONE) {
                r = store_fail(store, "load goal");
                goto finish;
        }
        while ((step = sqlite3_step(phases)) == SQLITE_ROW) {
                struct progress_phase *grown = realloc(record.phases, (record.n_phases + 1) * sizeof *grown);
                if (!grown)
                        goto finish;
                record.phases = grown;
                char *label = strdup((const char *)sqlite3_column_text(phases, 1));
                if (!label)
                        goto finish;
                record.phases[record.n_phases++] = (struct progress_phase){ progress_column_date(phases, 0), label };
        }
        if (step != SQLITE_DONE) {
                r = store_fail(store, "load phases");
                goto finish;
        }
        if (record.n_scores == 0 && !record.has_goal) {
                r = -ENOENT;
                goto finish;
        }
        *ret_record = record;
        record = (struct progress_record){ 0 };
        r = 0;
finish:
        sqlite3_finalize(scores);
        sqlite3_finalize(goal);
        sqlite3_finalize(phases);
        progress_record_done(&record);
        return r;
}
