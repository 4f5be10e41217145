/* progress-store.h: scores, goals and phase changes of progress monitoring in the database.
 * Writers run inside the caller's transaction; readers return malloc'd records. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "progress/progress.h"
#include "store/store.h"

/* Everything stored for one student and measure, ready for progress_evaluate(). */
struct progress_record {
        char *student_id, *measure;
        struct progress_score *scores; /* by date */
        size_t n_scores;
        bool has_goal;
        struct progress_goal goal;
        struct progress_phase *phases; /* by date; labels owned by the record */
        size_t n_phases;
};

/* What store_put_score did with a score. */
enum store_score_outcome {
        STORE_SCORE_ADDED,
        STORE_SCORE_REPLACED,
        STORE_SCORE_UNCHANGED, /* the same value was stored on that date already */
        STORE_SCORE_REFUSED,   /* another value is stored on that date and replace was false */
};

/* Stores the score of (student, measure, date), one a day: a different value already there is
 * replaced only when replace is true (else nothing changes and the outcome says REFUSED, with
 * the stored value in *ret_stored). ret_stored may be NULL. */
int store_put_score(struct store *store, const char *student_id, const char *measure, civil_date date, double value,
                    bool replace, const char *entered_at, enum store_score_outcome *ret_outcome, double *ret_stored);
/* Deletes the score of (student, measure, date): 1 when there was one, 0 when not. */
int store_delete_score(struct store *store, const char *student_id, const char *measure, civil_date date);
/* Replaces the goal of (student, measure). */
int store_set_goal(struct store *store, const char *student_id, const char *measure, const struct progress_goal *goal,
                   const char *set_at);
/* measure "" marks the change on every measure of the student. */
int store_add_phase(struct store *store, const char *student_id, const char *measure, civil_date date,
                    const char *label, const char *entered_at);
/* The measures with a score or a goal for the student, sorted. *ret_measures is a malloc'd
 * array of malloc'd strings (free with store_strings_free). */
int store_list_measures(struct store *store, const char *student_id, char ***ret_measures, size_t *ret_n);
/* Loads (student, measure): -ENOENT when it has neither a score nor a goal. */
int store_load_progress(struct store *store, const char *student_id, const char *measure,
                        struct progress_record *ret_record);
void progress_record_done(struct progress_record *record);
