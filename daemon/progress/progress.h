/* progress.h: progress monitoring (DESIGN §6): scores against a goal's aimline, the trend,
 * the decision rules, and the delivery (dosage, fidelity) beside them. Pure C, no I/O. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model/timeutil.h"

struct json_object;

enum progress_decision {
        PROGRESS_INSUFFICIENT_DATA,
        PROGRESS_INTENSIFY,
        PROGRESS_RAISE_GOAL,
        PROGRESS_ON_TRACK,
        PROGRESS_DECISION_COUNT
};
/* "insufficient_data", "intensify", "raise_goal", "on_track"; NULL-terminated. */
extern const char *const progress_decision_names[PROGRESS_DECISION_COUNT + 1];

enum progress_trend_method { PROGRESS_TREND_OLS, PROGRESS_TREND_TUKEY, PROGRESS_TREND_METHOD_COUNT };
/* "ols", "tukey"; NULL-terminated. */
extern const char *const progress_trend_method_names[PROGRESS_TREND_METHOD_COUNT + 1];

/* The published rules (NOTES.md, practice numbers). */
#define PROGRESS_MIN_POINTS 3 /* fewer: insufficient data, no trend */
#define PROGRESS_RULE_POINTS 4 /* the four-point rule */
#define PROGRESS_TREND_RULE_POINTS 6 /* the trend rule needs this many points */
#define PROGRESS_DOSAGE_ADEQUATE 80.0 /* percent of planned minutes */
#define PROGRESS_FIDELITY_ADEQUATE 80.0 /* percent of checklist items */
#define PROGRESS_SCORES_MAX 2000 /* per student and measure */
#define PROGRESS_LABEL_MAX 80 /* phase labels, measure names */

struct progress_score {
        civil_date date;
        double value;
};

/* The aimline runs from baseline on `from` to target on `by` (by > from). */
struct progress_goal {
        double baseline, target;
        civil_date from, by;
};

/* A change of intervention on a date, e.g. "LLI 30 min x 5" → "Wilson 45 min x 4". */
struct progress_phase {
        civil_date date;
        const char *label;
};

/* What was planned and delivered in one school week (from the session logs). */
struct progress_week {
        civil_date week; /* its Monday */
        int planned_minutes; /* < 0: unknown */
        int delivered_minutes;
        double fidelity_percent; /* < 0: unknown (no fidelity checks that week) */
};

struct progress_input {
        const struct progress_score *scores; /* any order */
        size_t n_scores;
        const struct progress_goal *goal; /* NULL: no goal set */
        const struct progress_phase *phases; /* any order */
        size_t n_phases;
        const struct progress_week *weeks; /* NULL: delivery unknown */
        size_t n_weeks;
        enum progress_trend_method method;
};

/* value(date) = intercept + slope * (date - origin) / 7; slope in score units per week. */
struct progress_line {
        bool valid;
        double slope, intercept;
        civil_date origin;
};

enum progress_adequacy { PROGRESS_DELIVERY_UNKNOWN, PROGRESS_DELIVERY_ADEQUATE, PROGRESS_DELIVERY_INADEQUATE };

/* The delivery summed over the weeks of the points the decision looked at. */
struct progress_delivery {
        bool has_weeks; /* false: no points to span weeks */
        civil_date first_week, last_week; /* Mondays */
        bool dosage_known;
        long planned_minutes, delivered_minutes;
        double dosage_percent;
        bool fidelity_known;
        double fidelity_percent; /* mean of the weeks that had checks */
        enum progress_adequacy adequacy;
};

struct progress_result {
        struct progress_score *points; /* every score, sorted by date (then as given) */
        size_t n_points;
        size_t window_first; /* points[window_first..] are the ones trend and decision use */
        bool has_window_start;
        civil_date window_start; /* the later of the goal's `from` and the last phase change */
        struct progress_line aimline; /* valid when a goal is set */
        struct progress_line trend; /* valid with >= 3 points in the window on >= 2 dates */
        enum progress_decision decision;
        char reason[200]; /* why, in a sentence */
        /* intensify although the plan was not delivered: the rule fired but is not to be acted
         * on until the plan was delivered. decision stays PROGRESS_INTENSIFY. */
        bool decision_withheld;
        char warning[320]; /* "" when none */
        struct progress_delivery delivery;
};

/* 0 or -EINVAL (by not after from, or a value that is not finite). */
int progress_goal_check(const struct progress_goal *goal);

/* Fills *ret_result (free with progress_result_done). 0, -EINVAL (a bad goal, too many or
 * non-finite scores) or -ENOMEM. */
int progress_evaluate(const struct progress_input *input, struct progress_result *ret_result);
void progress_result_done(struct progress_result *result);

double progress_line_value(const struct progress_line *line, civil_date date);
/* Least squares over n points (dates as weeks): ret_line->valid false below 3 points or
 * when all share one date. Always returns 0. */
int progress_trend_ols(const struct progress_score *points, size_t n, struct progress_line *ret_line);
/* Tukey's resistant line (medians of the first and last thirds); points sorted by date. */
int progress_trend_tukey(const struct progress_score *points, size_t n, struct progress_line *ret_line);

/* "high" (>= 80), "adequate" (60-79), "partial" (40-59), "low" (< 40). */
const char *progress_dosage_band(double percent);

/* The JSON of DESIGN §6 for one student and measure. 0 or -ENOMEM. */
int progress_to_json(const char *student_id, const char *measure, const struct progress_input *input,
                     const struct progress_result *result, struct json_object **ret_json);
