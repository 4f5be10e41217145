/* progress-json.c: the JSON of `pullout progress --json` (DESIGN §6). Numbers are rounded to
 * what a person reads (slopes to 0.001) so that the output is stable across platforms. */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>

#include "progress/progress.h"

static struct json_object *progress_json_number(double value) {
        double rounded = round(value * 1000.0) / 1000.0;
        if (rounded == floor(rounded) && fabs(rounded) < 1e15)
                return json_object_new_int64((int64_t)rounded);
        return json_object_new_double(rounded);
}

static struct json_object *progress_json_date(civil_date date) {
        char buf[11];
        return json_object_new_string(date_format(date, buf));
}

static struct json_object *progress_json_delivery(const struct progress_input *input,
                                                  const struct progress_result *result) {
        const struct progress_delivery *delivery = &result->delivery;
        struct json_object *object = json_object_new_object();
        static const char *const adequacy_names[] = { "unknown", "adequate", "inadequate" };
        json_object_object_add(object, "first_week", delivery->has_weeks ? progress_json_date(delivery->first_week) : NULL);
        json_object_object_add(object, "last_week", delivery->has_weeks ? progress_json_date(delivery->last_week) : NULL);
        json_object_object_add(object, "planned_minutes",
                               delivery->dosage_known ? json_object_new_int64(delivery->planned_minutes) : NULL);
        json_object_object_add(object, "delivered_minutes",
                               delivery->dosage_known ? json_object_new_int64(delivery->delivered_minutes) : NULL);
        json_object_object_add(object, "dosage_percent",
                               delivery->dosage_known ? progress_json_number(round(delivery->dosage_percent * 10) / 10) : NULL);
        json_object_object_add(object, "dosage_band",
                               delivery->dosage_known ? json_object_new_string(progress_dosage_band(delivery->dosage_percent)) : NULL);
        json_object_object_add(object, "fidelity_percent",
                               delivery->fidelity_known ? progress_json_number(round(delivery->fidelity_percent * 10) / 10) : NULL);
        json_object_object_add(object, "adequacy", json_object_new_string(adequacy_names[delivery->adequacy]));
        struct json_object *weeks = json_object_new_array();
        for (size_t i = 0; delivery->has_weeks && i < input->n_weeks; i++) {
                const struct progress_week *week = &input->weeks[i];
                if (week->week < delivery->first_week || week->week > delivery->last_week)
                        continue;
                struct json_object *entry = json_object_new_object();
                json_object_object_add(entry, "week", progress_json_date(week->week));
                json_object_object_add(entry, "planned_minutes",
                                       week->planned_minutes >= 0 ? json_object_new_int(week->planned_minutes) : NULL);
                json_object_object_add(entry, "delivered_minutes",
                                       week->planned_minutes >= 0 ? json_object_new_int(week->delivered_minutes) : NULL);
                json_object_object_add(entry, "fidelity_percent",
                                       week->fidelity_percent >= 0 ? progress_json_number(week->fidelity_percent) : NULL);
                json_object_array_add(weeks, entry);
        }
        json_object_object_add(object, "weeks", weeks);
        return object;
}

int progress_to_json(const char *student_id, const char *measure, const struct progress_input *input,
                     const struct progress_result *result, struct json_object **ret_json) {
        struct json_object *root = json_object_new_object();
        if (!root)
                return -ENOMEM;
        json_object_object_add(root, "student_id", json_object_new_string(student_id));
        json_object_object_add(root, "measure", json_object_new_string(measure));

        struct json_object *goal = NULL;
        if (input->goal) {
                goal = json_object_new_object();
                json_object_object_add(goal, "baseline", progress_json_number(input->goal->baseline));
                json_object_object_add(goal, "target", progress_json_number(input->goal->target));
                json_object_object_add(goal, "from", progress_json_date(input->goal->from));
                json_object_object_add(goal, "by", progress_json_date(input->goal->by));
        }
        json_object_object_add(root, "goal", goal);

        struct json_object *points = json_object_new_array();
        for (size_t i = 0; i < result->n_points; i++) {
                struct json_object *point = json_object_new_object();
                json_object_object_add(point, "date", progress_json_date(result->points[i].date));
                json_object_object_add(point, "value", progress_json_number(result->points[i].value));
                json_object_object_add(point, "judged", json_object_new_boolean(i >= result->window_first));
                if (result->aimline.valid)
                        json_object_object_add(point, "aimline",
                                               progress_json_number(progress_line_value(&result->aimline, result->points[i].date)));
                json_object_array_add(points, point);
        }
        json_object_object_add(root, "points", points);

        struct json_object *phases = json_object_new_array();
        for (size_t i = 0; i < input->n_phases; i++) {
                struct json_object *phase = json_object_new_object();
                json_object_object_add(phase, "date", progress_json_date(input->phases[i].date));
                json_object_object_add(phase, "label", json_object_new_string(input->phases[i].label ? input->phases[i].label : ""));
                json_object_array_add(phases, phase);
        }
        json_object_object_add(root, "phases", phases);

        json_object_object_add(root, "window_start",
                               result->has_window_start ? progress_json_date(result->window_start) : NULL);
        json_object_object_add(root, "aimline_slope",
                               result->aimline.valid ? progress_json_number(result->aimline.slope) : NULL);
        json_object_object_add(root, "trend_slope", result->trend.valid ? progress_json_number(result->trend.slope) : NULL);
        json_object_object_add(root, "trend_method", json_object_new_string(progress_trend_method_names[input->method]));
        json_object_object_add(root, "decision", json_object_new_string(progress_decision_names[result->decision]));
        json_object_object_add(root, "reason", json_object_new_string(result->reason));
        json_object_object_add(root, "decision_withheld", json_object_new_boolean(result->decision_withheld));
        json_object_object_add(root, "warning", result->warning[0] ? json_object_new_string(result->warning) : NULL);
        json_object_object_add(root, "delivery", progress_json_delivery(input, result));
        *ret_json = root;
        return 0;
}
