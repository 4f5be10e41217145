/* bus-progress.c: the progress-monitoring methods of org.pullout.Scheduler1: AddScore,
 * DeleteScore, SetGoal, AddPhase, Progress and ImportScores. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "daemon.h"
#include "service/progress-service.h"

static int method_add_score(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *student_id, *measure, *date;
        double value;
        char why[WHY_MAX] = "";
        struct json_object *json = NULL;
        int r;
        int replace = 0;
        const struct bus_option options[] = { { .key = "replace", .type = "b", .value = &replace } };
        if ((r = sd_bus_message_read(message, "sssd", &student_id, &measure, &date, &value)) < 0 ||
            (r = bus_read_options(message, "score", options, 1, NULL, error)) < 0)
                return r;
        if ((r = bus_check_id(student_id, "a student id", error)) < 0 ||
            (r = bus_check_text(measure, "\"measure\"", PROGRESS_LABEL_MAX, false, error)) < 0)
                return r;
        r = progress_service_add_score(daemon, student_id, measure, date, value, replace, &json, why);
        return bus_reply(message, error, r, json, why);
}

static int method_delete_score(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *student_id, *measure, *date;
        char why[WHY_MAX] = "";
        int r;
        if ((r = sd_bus_message_read(message, "sss", &student_id, &measure, &date)) < 0)
                return r;
        if ((r = bus_check_id(student_id, "a student id", error)) < 0 ||
            (r = bus_check_text(measure, "\"measure\"", PROGRESS_LABEL_MAX, false, error)) < 0)
                return r;
        r = progress_service_delete_score(userdata, student_id, measure, date, why);
        if (r < 0)
                return bus_error_from_errno(error, r, why);
        return sd_bus_reply_method_return(message, NULL);
}

static int method_set_goal(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *student_id, *measure, *from, *by;
        double baseline, target;
        char why[WHY_MAX] = "";
        struct json_object *json = NULL;
        int r;
        if ((r = sd_bus_message_read(message, "ssddss", &student_id, &measure, &baseline, &target, &from, &by)) < 0)
                return r;
        if ((r = bus_check_id(student_id, "a student id", error)) < 0 ||
            (r = bus_check_text(measure, "\"measure\"", PROGRESS_LABEL_MAX, false, error)) < 0)
                return r;
        r = progress_service_set_goal(daemon, student_id, measure, baseline, target, from, by, &json, why);
        return bus_reply(message, error, r, json, why);
}

static int method_add_phase(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *student_id, *measure, *date, *label;
        char why[WHY_MAX] = "";
        int r;
        if ((r = sd_bus_message_read(message, "ssss", &student_id, &measure, &date, &label)) < 0)
                return r;
        if ((r = bus_check_id(student_id, "a student id", error)) < 0 ||
            (r = bus_check_text(measure, "\"measure\"", PROGRESS_LABEL_MAX, false, error)) < 0)
                return r;
        if ((r = bus_check_text(label, "\"label\"", PROGRESS_LABEL_MAX, false, error)) < 0)
                return r;
        r = progress_service_add_phase(daemon, student_id, measure, date, label, why);
        if (r < 0)
                return bus_error_from_errno(error, r, why);
        return sd_bus_reply_method_return(message, NULL);
}

/* Options arrive as a{sv} so that new ones never change the signature: trend (s: ols or
 * tukey) and svg (b: also draw the graph). */
static int read_progress_options(sd_bus_message *message, enum progress_trend_method *method, bool *svg,
                                 sd_bus_error *error) {
        const char *trend = NULL;
        int want_svg = 0;
        const struct bus_option options[] = {
                { .key = "trend", .type = "s", .value = &trend },
                { .key = "svg", .type = "b", .value = &want_svg },
        };
        int r = bus_read_options(message, "progress", options, sizeof options / sizeof options[0], NULL, error);
        if (r < 0)
                return r;
        if (trend) {
                int m = name_lookup(progress_trend_method_names, trend);
                if (m < 0)
                        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                                 "trend must be ols or tukey, not \"%.32s\"", trend);
                *method = (enum progress_trend_method)m;
        }
        *svg = want_svg;
        return 0;
}

static int method_progress(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *student_id, *measure;
        enum progress_trend_method method = PROGRESS_TREND_OLS;
        bool want_svg = false;
        char why[WHY_MAX] = "", *svg = NULL;
        struct json_object *json = NULL;
        int r;
        if ((r = sd_bus_message_read(message, "ss", &student_id, &measure)) < 0 ||
            (r = read_progress_options(message, &method, &want_svg, error)) < 0)
                return r;
        if ((r = bus_check_id(student_id, "a student id", error)) < 0 ||
            (r = bus_check_text(measure, "\"measure\"", PROGRESS_LABEL_MAX, false, error)) < 0)
                return r;
        r = progress_service_report(daemon, student_id, measure, method, &json, want_svg ? &svg : NULL, why);
        if (r < 0)
                return bus_error_from_errno(error, r, why);
        r = sd_bus_reply_method_return(message, "ss", json_object_to_json_string_ext(json, JSON_C_TO_STRING_PLAIN),
                                       svg ? svg : "");
        json_object_put(json);
        free(svg);
        return r;
}

static int method_import_scores(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *name;
        const void *data;
        size_t size;
        int r;
        const char *columns = NULL, *measure = NULL;
        const struct bus_option options[] = {
                { .key = "columns", .type = "s", .value = &columns },
                { .key = "measure", .type = "s", .value = &measure },
        };
        if ((r = sd_bus_message_read(message, "s", &name)) < 0 ||
            (r = sd_bus_message_read_array(message, 'y', &data, &size)) < 0 ||
            (r = bus_read_options(message, "score import", options, 2, NULL, error)) < 0)
                return r;
        if (strlen(name) > BUS_FILE_NAME_MAX || strchr(name, '/'))
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                         "the file name is a plain name of at most %d bytes", BUS_FILE_NAME_MAX);
        if ((columns && (r = bus_check_text(columns, "score import option \"columns\"", 0, false, error)) < 0) ||
            (measure && (r = bus_check_text(measure, "score import option \"measure\"", PROGRESS_LABEL_MAX, false,
                                            error)) < 0))
                return r;
        char why[WHY_MAX] = "", *detail = NULL;
        struct json_object *o = NULL;
        r = progress_service_import(userdata, name, data, size, columns, measure, &o, &detail, why);
        r = bus_reply(message, error, r, o, detail ? detail : why);
        free(detail);
        return r;
}

static const sd_bus_vtable progress_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("AddScore",
                                SD_BUS_ARGS("s", student_id, "s", measure, "s", date, "d", value, "a{sv}", options),
                                SD_BUS_RESULT("s", progress_json), method_add_score, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("DeleteScore", SD_BUS_ARGS("s", student_id, "s", measure, "s", date),
                                SD_BUS_NO_RESULT, method_delete_score, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetGoal",
                                SD_BUS_ARGS("s", student_id, "s", measure, "d", baseline, "d", target, "s", from, "s", by),
                                SD_BUS_RESULT("s", progress_json), method_set_goal, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("AddPhase", SD_BUS_ARGS("s", student_id, "s", measure, "s", date, "s", label),
                                SD_BUS_NO_RESULT, method_add_phase, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Progress", SD_BUS_ARGS("s", student_id, "s", measure, "a{sv}", options),
                                SD_BUS_RESULT("s", progress_json, "s", svg), method_progress, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ImportScores", SD_BUS_ARGS("s", file_name, "ay", csv, "a{sv}", options),
                                SD_BUS_RESULT("s", summary_json), method_import_scores, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int bus_progress_register(struct daemon *daemon) {
        return sd_bus_add_object_vtable(daemon->bus->connection, NULL, BUS_PATH, BUS_INTERFACE, progress_vtable, daemon);
}
