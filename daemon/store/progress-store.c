/* progress-store.c: scores, goals and phase changes in the database. Dates are stored as
 * YYYY-MM-DD text so that a person reading the database reads them too. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/progress-store.h"
#include "store/store-internal.h"

int store_put_score(struct store *store, const char *student_id, const char *measure, civil_date date, double value,
                    bool replace, const char *entered_at, enum store_score_outcome *ret_outcome, double *ret_stored) {
        char day[11];
        sqlite3_stmt *stmt = NULL;
        date_format(date, day);
        int r = store_query(store, &stmt, "SELECT value FROM scores WHERE student_id = ? AND measure = ? AND date = ?",
                            "ttt", student_id, measure, day);
        if (r < 0)
                return r;
        r = store_step(store, stmt, "find score");
        double stored = r > 0 ? sqlite3_column_double(stmt, 0) : 0;
        sqlite3_finalize(stmt);
        if (r < 0)
                return r;
        if (ret_stored)
                *ret_stored = stored;
        if (r == 0) {
                r = store_run(store,
                              "INSERT INTO scores (student_id, measure, date, value, entered_at) VALUES (?, ?, ?, ?, ?)",
                              "tttft", student_id, measure, day, value, entered_at);
                *ret_outcome = STORE_SCORE_ADDED;
        } else if (stored == value) {
                *ret_outcome = STORE_SCORE_UNCHANGED;
                return 0;
        } else if (!replace) {
                *ret_outcome = STORE_SCORE_REFUSED;
                return 0;
        } else {
                r = store_run(store,
                              "UPDATE scores SET value = ?, entered_at = ? WHERE student_id = ? AND measure = ? AND date = ?",
                              "ftttt", value, entered_at, student_id, measure, day);
                *ret_outcome = STORE_SCORE_REPLACED;
        }
        return r < 0 ? r : 0;
}

int store_delete_score(struct store *store, const char *student_id, const char *measure, civil_date date) {
        char day[11];
        int r = store_run(store, "DELETE FROM scores WHERE student_id = ? AND measure = ? AND date = ?", "ttt",
                          student_id, measure, date_format(date, day));
        return r < 0 ? r : r > 0;
}

int store_set_goal(struct store *store, const char *student_id, const char *measure, const struct progress_goal *goal,
                   const char *set_at) {
        char from[11], by[11];
        int r = store_run(store,
                          "INSERT OR REPLACE INTO goals (student_id, measure, baseline, target, from_date, by_date, set_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?)",
                          "ttffttt", student_id, measure, goal->baseline, goal->target, date_format(goal->from, from),
                          date_format(goal->by, by), set_at);
        return r < 0 ? r : 0;
}

int store_add_phase(struct store *store, const char *student_id, const char *measure, civil_date date,
                    const char *label, const char *entered_at) {
        char day[11];
        int r = store_run(store,
                          "INSERT INTO phases (student_id, measure, date, label, entered_at) VALUES (?, ?, ?, ?, ?)",
                          "ttttt", student_id, measure, date_format(date, day), label, entered_at);
        return r < 0 ? r : 0;
}

int store_list_measures(struct store *store, const char *student_id, char ***ret_measures, size_t *ret_n) {
        return store_strings(store, ret_measures, ret_n,
                             "SELECT measure FROM scores WHERE student_id = ?1 UNION "
                             "SELECT measure FROM goals WHERE student_id = ?1 ORDER BY 1",
                             "t", student_id);
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
        int r;
        if ((r = store_query(store, &scores,
                             "SELECT date, value FROM scores WHERE student_id = ? AND measure = ? "
                             "ORDER BY date, score_id",
                             "tt", student_id, measure)) < 0 ||
            (r = store_query(store, &goal,
                             "SELECT baseline, target, from_date, by_date FROM goals WHERE student_id = ? AND measure = ?",
                             "tt", student_id, measure)) < 0 ||
            (r = store_query(store, &phases,
                             "SELECT date, label FROM phases WHERE student_id = ? AND (measure = ? OR measure = '') "
                             "ORDER BY date, phase_id",
                             "tt", student_id, measure)) < 0)
                goto finish;
        r = -ENOMEM;
        if (!(record.student_id = strdup(student_id)) || !(record.measure = strdup(measure)))
                goto finish;
        while ((r = store_step(store, scores, "load scores")) > 0) {
                struct progress_score score = { progress_column_date(scores, 0), sqlite3_column_double(scores, 1) };
                /* Past the limit the oldest scores give way: the rules look at the recent ones. */
                if (record.n_scores == PROGRESS_SCORES_MAX) {
                        memmove(record.scores, record.scores + 1, (record.n_scores - 1) * sizeof *record.scores);
                        record.n_scores--;
                }
                struct progress_score *grown = realloc(record.scores, (record.n_scores + 1) * sizeof *grown);
                if (!grown) {
                        r = -ENOMEM;
                        goto finish;
                }
                record.scores = grown;
                record.scores[record.n_scores++] = score;
        }
        if (r < 0 || (r = store_step(store, goal, "load goal")) < 0)
                goto finish;
        if (r > 0) {
                record.has_goal = true;
                record.goal = (struct progress_goal){ .baseline = sqlite3_column_double(goal, 0),
                                                      .target = sqlite3_column_double(goal, 1),
                                                      .from = progress_column_date(goal, 2),
                                                      .by = progress_column_date(goal, 3) };
        }
        while ((r = store_step(store, phases, "load phases")) > 0) {
                struct progress_phase *grown = realloc(record.phases, (record.n_phases + 1) * sizeof *grown);
                char *label = grown ? strdup(store_column_text(phases, 1)) : NULL;
                if (grown)
                        record.phases = grown;
                if (!label) {
                        r = -ENOMEM;
                        goto finish;
                }
                record.phases[record.n_phases++] = (struct progress_phase){ progress_column_date(phases, 0), label };
        }
        if (r < 0)
                goto finish;
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
