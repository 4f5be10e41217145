/* report-json.c: reports as JSON. Field names are part of the contract: fields may be added,
 * none renamed. */
#include <stdlib.h>

#include "daemon.h"
#include "service/report-json.h"

static struct json_object *tally_json(const struct dosage_tally *t) {
        struct json_object *o = json_object_new_object();
        int percent = dosage_percent(t), sessions = dosage_session_percent(t);
        json_object_object_add(o, "planned_minutes", json_object_new_int64(t->planned_minutes));
        json_object_object_add(o, "delivered_minutes", json_object_new_int64(t->delivered_minutes));
        json_object_object_add(o, "planned_sessions", json_object_new_int64(t->planned_sessions));
        json_object_object_add(o, "delivered_sessions", json_object_new_int64(t->delivered_sessions));
        json_object_object_add(o, "percent", percent >= 0 ? json_object_new_int(percent) : NULL);
        json_object_object_add(o, "sessions_percent", sessions >= 0 ? json_object_new_int(sessions) : NULL);
        json_object_object_add(o, "band", json_object_new_string(dosage_band_names[dosage_band(t)]));
        return o;
}

struct json_object *report_header_json(const char *report, const struct report_periods *p) {
        char now[32], week[32], window[32];
        struct json_object *o = json_object_new_object();
        if (report)
                json_object_object_add(o, "report", json_object_new_string(report));
        daemon_format_time(p->now, now);
        daemon_format_time(p->week_start, week);
        daemon_format_time(p->window_start, window);
        json_object_object_add(o, "now", json_object_new_string(now));
        json_object_object_add(o, "week_start", json_object_new_string(week));
        json_object_object_add(o, "window_start", json_object_new_string(window));
        json_object_object_add(o, "window_days", json_object_new_int64(p->window_days));
        json_object_object_add(o, "threshold_percent", json_object_new_int(p->threshold_percent));
        return o;
}

struct json_object *dosage_row_json(const struct dosage_row *row) {
        struct json_object *o = json_object_new_object();
        if (row->student_id) {
                json_object_object_add(o, "student_id", json_object_new_string(row->student_id));
                json_object_object_add(o, "name", json_object_new_string(row->name));
        }
        if (row->group_id)
                json_object_object_add(o, "group_id", json_object_new_string(row->group_id));
        json_object_object_add(o, "week", tally_json(&row->week));
        json_object_object_add(o, "window", tally_json(&row->window));
        if (row->program_id)
                json_object_object_add(o, "program_id", json_object_new_string(row->program_id));
        if (row->staff_id)
                json_object_object_add(o, "staff_id", json_object_new_string(row->staff_id));
        return o;
}

/* Worst first: the lowest percent; nothing planned (or checked) goes last. Ties keep their
 * order. */
struct ranked {
        int percent;
        size_t index;
};

static int compare_ranked(const void *a, const void *b) {
        const struct ranked *x = a, *y = b;
        int kx = x->percent < 0 ? 1000 : x->percent, ky = y->percent < 0 ? 1000 : y->percent;
        if (kx != ky)
                return (kx > ky) - (kx < ky);
        return (x->index > y->index) - (x->index < y->index);
}

static struct ranked *rank(size_t n, const int *percents) {
        struct ranked *order = calloc(n ? n : 1, sizeof *order);
        for (size_t i = 0; order && i < n; i++)
                order[i] = (struct ranked){ percents[i], i };
        if (order)
                qsort(order, n, sizeof *order, compare_ranked);
        return order;
}

struct json_object *dosage_rows_json(const struct dosage_row *rows, size_t n) {
        struct json_object *list = json_object_new_array();
        int *percents = calloc(n ? n : 1, sizeof *percents);
        for (size_t i = 0; percents && i < n; i++)
                percents[i] = dosage_percent(&rows[i].window);
        struct ranked *order = percents ? rank(n, percents) : NULL;
        for (size_t i = 0; order && i < n; i++)
                json_object_array_add(list, dosage_row_json(&rows[order[i].index]));
        free(order);
        free(percents);
        return list;
}

static struct json_object *fidelity_row_json(const struct fidelity_row *row) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(row->id));
        if (row->of_group) {
                json_object_object_add(o, "program_id", json_object_new_string(row->program_id ? row->program_id : ""));
                json_object_object_add(o, "staff_id", json_object_new_string(row->staff_id ? row->staff_id : ""));
        }
        json_object_object_add(o, "sessions", json_object_new_int64(row->sessions));
        json_object_object_add(o, "items_delivered", json_object_new_int64(row->delivered));
        json_object_object_add(o, "items_applicable", json_object_new_int64(row->applicable));
        json_object_object_add(o, "percent", row->percent >= 0 ? json_object_new_int(row->percent) : NULL);
        json_object_object_add(o, "below_threshold", json_object_new_boolean(row->below_threshold));
        return o;
}

struct json_object *fidelity_rows_json(const struct fidelity_row *rows, size_t n) {
        struct json_object *list = json_object_new_array();
        int *percents = calloc(n ? n : 1, sizeof *percents);
        for (size_t i = 0; percents && i < n; i++)
                percents[i] = rows[i].percent;
        struct ranked *order = percents ? rank(n, percents) : NULL;
        for (size_t i = 0; order && i < n; i++)
                json_object_array_add(list, fidelity_row_json(&rows[order[i].index]));
        free(order);
        free(percents);
        return list;
}
