/* progress.c: the numbers of progress monitoring and the decision rules of DESIGN §6, with
 * the delivery check that keeps a team from calling an undelivered intervention ineffective. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progress/progress.h"

const char *const progress_decision_names[PROGRESS_DECISION_COUNT + 1] = {
        [PROGRESS_INSUFFICIENT_DATA] = "insufficient_data",
        [PROGRESS_INTENSIFY] = "intensify",
        [PROGRESS_RAISE_GOAL] = "raise_goal",
        [PROGRESS_ON_TRACK] = "on_track",
        NULL,
};

const char *const progress_trend_method_names[PROGRESS_TREND_METHOD_COUNT + 1] = {
        [PROGRESS_TREND_OLS] = "ols",
        [PROGRESS_TREND_TUKEY] = "tukey",
        NULL,
};

/* Scores are small numbers typed by people; this only absorbs rounding of the aimline. */
#define PROGRESS_EPSILON 1e-9

int progress_goal_check(const struct progress_goal *goal) {
        if (!isfinite(goal->baseline) || !isfinite(goal->target) || goal->by <= goal->from)
                return -EINVAL;
        return 0;
}

double progress_line_value(const struct progress_line *line, civil_date date) {
        return line->intercept + line->slope * (double)(date - line->origin) / 7.0;
}

const char *progress_dosage_band(double percent) {
        if (percent >= 80.0)
                return "high";
        if (percent >= 60.0)
                return "adequate";
        if (percent >= 40.0)
                return "partial";
        return "low";
}

int progress_trend_ols(const struct progress_score *points, size_t n, struct progress_line *ret_line) {
        struct progress_line line = { .valid = false };
        if (n >= PROGRESS_MIN_POINTS) {
                civil_date origin = points[0].date;
                double mean_x = 0, mean_y = 0;
                for (size_t i = 0; i < n; i++) {
                        mean_x += (double)(points[i].date - origin) / 7.0;
                        mean_y += points[i].value;
                }
                mean_x /= (double)n;
                mean_y /= (double)n;
                double sxy = 0, sxx = 0;
                for (size_t i = 0; i < n; i++) {
                        double dx = (double)(points[i].date - origin) / 7.0 - mean_x;
                        sxy += dx * (points[i].value - mean_y);
                        sxx += dx * dx;
                }
                if (sxx > 0) {
                        line.valid = true;
                        line.origin = origin;
                        line.slope = sxy / sxx;
                        line.intercept = mean_y - line.slope * mean_x;
                }
        }
        *ret_line = line;
        return 0;
}

static int progress_compare_double(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

/* The median of the xs (weeks from origin) or the ys of points[first..first+count). */
static double progress_median(const struct progress_score *points, size_t first, size_t count, civil_date origin,
                              bool of_x) {
        double values[PROGRESS_SCORES_MAX];
        for (size_t i = 0; i < count; i++)
                values[i] = of_x ? (double)(points[first + i].date - origin) / 7.0 : points[first + i].value;
        qsort(values, count, sizeof values[0], progress_compare_double);
        return count % 2 ? values[count / 2] : (values[count / 2 - 1] + values[count / 2]) / 2.0;
}

int progress_trend_tukey(const struct progress_score *points, size_t n, struct progress_line *ret_line) {
        struct progress_line line = { .valid = false };
        if (n >= PROGRESS_MIN_POINTS && n <= PROGRESS_SCORES_MAX) {
                /* Thirds as in Tukey's EDA: a remainder of 1 goes to the middle, of 2 to the ends. */
                size_t third = n / 3, outer = third + (n % 3 == 2), middle = n - 2 * outer;
                civil_date origin = points[0].date;
                double xl = progress_median(points, 0, outer, origin, true);
                double yl = progress_median(points, 0, outer, origin, false);
                double xm = progress_median(points, outer, middle, origin, true);
                double ym = progress_median(points, outer, middle, origin, false);
                double xr = progress_median(points, n - outer, outer, origin, true);
                double yr = progress_median(points, n - outer, outer, origin, false);
                if (xr > xl) {
                        line.valid = true;
                        line.origin = origin;
                        line.slope = (yr - yl) / (xr - xl);
                        line.intercept = ((yl - line.slope * xl) + (ym - line.slope * xm) + (yr - line.slope * xr)) / 3.0;
                }
        }
        *ret_line = line;
        return 0;
}

static int progress_compare_score(const void *a, const void *b) {
        const struct progress_score *x = a, *y = b;
        return (x->date > y->date) - (x->date < y->date);
}

static void progress_sum_delivery(const struct progress_input *input, struct progress_result *result) {
        struct progress_delivery *delivery = &result->delivery;
        *delivery = (struct progress_delivery){ .adequacy = PROGRESS_DELIVERY_UNKNOWN };
        if (result->window_first >= result->n_points)
                return;
        delivery->has_weeks = true;
        delivery->first_week = date_week_start(result->points[result->window_first].date);
        delivery->last_week = date_week_start(result->points[result->n_points - 1].date);
        size_t fidelity_weeks = 0;
        double fidelity_sum = 0;
        for (size_t i = 0; i < input->n_weeks; i++) {
                const struct progress_week *week = &input->weeks[i];
                if (week->week < delivery->first_week || week->week > delivery->last_week)
                        continue;
                if (week->planned_minutes > 0) {
                        delivery->planned_minutes += week->planned_minutes;
                        delivery->delivered_minutes += week->delivered_minutes > 0 ? week->delivered_minutes : 0;
                }
                if (week->fidelity_percent >= 0) {
                        fidelity_sum += week->fidelity_percent;
                        fidelity_weeks++;
                }
        }
        if (delivery->planned_minutes > 0) {
                delivery->dosage_known = true;
                delivery->dosage_percent = 100.0 * (double)delivery->delivered_minutes / (double)delivery->planned_minutes;
        }
        if (fidelity_weeks > 0) {
                delivery->fidelity_known = true;
                delivery->fidelity_percent = fidelity_sum / (double)fidelity_weeks;
        }
        if ((delivery->dosage_known && delivery->dosage_percent < PROGRESS_DOSAGE_ADEQUATE) ||
            (delivery->fidelity_known && delivery->fidelity_percent < PROGRESS_FIDELITY_ADEQUATE))
                delivery->adequacy = PROGRESS_DELIVERY_INADEQUATE;
        else if (delivery->dosage_known && delivery->fidelity_known)
                delivery->adequacy = PROGRESS_DELIVERY_ADEQUATE;
}

/* How many of the last `count` window points lie strictly below (sign < 0) or above the aimline. */
static bool progress_last_all(const struct progress_result *result, size_t count, int sign) {
        size_t in_window = result->n_points - result->window_first;
        if (in_window < count)
                return false;
        for (size_t i = result->n_points - count; i < result->n_points; i++) {
                double aim = progress_line_value(&result->aimline, result->points[i].date);
                double diff = result->points[i].value - aim;
                if (sign < 0 ? !(diff < -PROGRESS_EPSILON) : !(diff > PROGRESS_EPSILON))
                        return false;
        }
        return true;
}

static void progress_decide(struct progress_result *result) {
        size_t in_window = result->n_points - result->window_first;
        char since[11] = "";
        if (result->has_window_start)
                date_format(result->window_start, since);
        if (in_window < PROGRESS_MIN_POINTS) {
                result->decision = PROGRESS_INSUFFICIENT_DATA;
                snprintf(result->reason, sizeof result->reason, "%zu point%s%s%s; the rules need at least %d",
                         in_window, in_window == 1 ? "" : "s", since[0] ? " since " : "", since, PROGRESS_MIN_POINTS);
                return;
        }
        if (!result->aimline.valid) {
                result->decision = PROGRESS_INSUFFICIENT_DATA;
                snprintf(result->reason, sizeof result->reason,
                         "no goal is set, so there is no aimline to compare with (pullout goal set)");
                return;
        }
        if (progress_last_all(result, PROGRESS_RULE_POINTS, -1)) {
                result->decision = PROGRESS_INTENSIFY;
                snprintf(result->reason, sizeof result->reason, "the last %d points are all below the aimline",
                         PROGRESS_RULE_POINTS);
                return;
        }
        if (in_window >= PROGRESS_TREND_RULE_POINTS && result->trend.valid &&
            result->trend.slope < result->aimline.slope - PROGRESS_EPSILON) {
                result->decision = PROGRESS_INTENSIFY;
                snprintf(result->reason, sizeof result->reason,
                         "over %zu points the trend (%.2f a week) is under the aimline (%.2f a week)", in_window,
                         result->trend.slope, result->aimline.slope);
                return;
        }
        if (progress_last_all(result, PROGRESS_RULE_POINTS, +1)) {
                result->decision = PROGRESS_RAISE_GOAL;
                snprintf(result->reason, sizeof result->reason, "the last %d points are all above the aimline",
                         PROGRESS_RULE_POINTS);
                return;
        }
        result->decision = PROGRESS_ON_TRACK;
        snprintf(result->reason, sizeof result->reason, "no decision rule fired: continue the intervention");
}

static void progress_warn(struct progress_result *result) {
        const struct progress_delivery *delivery = &result->delivery;
        if (result->decision != PROGRESS_INTENSIFY)
                return;
        if (delivery->adequacy == PROGRESS_DELIVERY_INADEQUATE) {
                char first[11], last[11], dosage[96] = "", fidelity[64] = "";
                date_format(delivery->first_week, first);
                date_format(delivery->last_week + 4, last);
                if (delivery->dosage_known && delivery->dosage_percent < PROGRESS_DOSAGE_ADEQUATE)
                        snprintf(dosage, sizeof dosage, "Dosage %.0f%% of planned minutes (%s)",
                                 delivery->dosage_percent, progress_dosage_band(delivery->dosage_percent));
                if (delivery->fidelity_known && delivery->fidelity_percent < PROGRESS_FIDELITY_ADEQUATE)
                        snprintf(fidelity, sizeof fidelity, "%s %.0f%%", dosage[0] ? "fidelity" : "Fidelity",
                                 delivery->fidelity_percent);
                result->decision_withheld = true;
                snprintf(result->warning, sizeof result->warning,
                         "%s%s%s from %s to %s is under %.0f%%: the plan was not delivered, which is not "
                         "\"the plan did not work\". Deliver it as planned before intensifying.",
                         dosage, dosage[0] && fidelity[0] ? " and " : "", fidelity, first, last,
                         PROGRESS_DOSAGE_ADEQUATE);
        } else if (delivery->adequacy == PROGRESS_DELIVERY_UNKNOWN) {
                snprintf(result->warning, sizeof result->warning,
                         "Dosage or fidelity of these weeks is unknown: check that the intervention was "
                         "delivered as planned before intensifying");
        }
}

int progress_evaluate(const struct progress_input *input, struct progress_result *ret_result) {
        if (input->n_scores > PROGRESS_SCORES_MAX || (input->goal && progress_goal_check(input->goal) < 0) ||
            input->method >= PROGRESS_TREND_METHOD_COUNT)
                return -EINVAL;
        for (size_t i = 0; i < input->n_scores; i++)
                if (!isfinite(input->scores[i].value))
                        return -EINVAL;

        struct progress_result result = { 0 };
        if (input->n_scores > 0) {
                result.points = malloc(input->n_scores * sizeof *result.points);
                if (!result.points)
                        return -ENOMEM;
                memcpy(result.points, input->scores, input->n_scores * sizeof *result.points);
                /* Insertion sort: stable, so two probes of one day keep the order they were given. */
                for (size_t i = 1; i < input->n_scores; i++)
                        for (size_t j = i; j > 0 && progress_compare_score(&result.points[j - 1], &result.points[j]) > 0; j--) {
                                struct progress_score swap = result.points[j];
                                result.points[j] = result.points[j - 1];
                                result.points[j - 1] = swap;
                        }
        }
        result.n_points = input->n_scores;

        /* The rules judge the current intervention against the current goal: points from before
         * the goal started or before the last change of intervention are plotted, not judged. */
        if (input->goal) {
                result.has_window_start = true;
                result.window_start = input->goal->from;
                result.aimline = (struct progress_line){
                        .valid = true,
                        .origin = input->goal->from,
                        .intercept = input->goal->baseline,
                        .slope = (input->goal->target - input->goal->baseline) /
                                 ((double)(input->goal->by - input->goal->from) / 7.0),
                };
        }
        for (size_t i = 0; i < input->n_phases; i++)
                if (!result.has_window_start || input->phases[i].date > result.window_start) {
                        result.has_window_start = true;
                        result.window_start = input->phases[i].date;
                }
        while (result.has_window_start && result.window_first < result.n_points &&
               result.points[result.window_first].date < result.window_start)
                result.window_first++;

        const struct progress_score *window = result.points ? result.points + result.window_first : NULL;
        size_t in_window = result.n_points - result.window_first;
        if (input->method == PROGRESS_TREND_TUKEY)
                progress_trend_tukey(window, in_window, &result.trend);
        else
                progress_trend_ols(window, in_window, &result.trend);

        progress_sum_delivery(input, &result);
        progress_decide(&result);
        progress_warn(&result);
        *ret_result = result;
        return 0;
}

void progress_result_done(struct progress_result *result) {
        if (!result)
                return;
        free(result->points);
        result->points = NULL;
        result->n_points = 0;
}
