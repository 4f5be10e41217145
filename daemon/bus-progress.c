/* bus-progress.c: the progress-monitoring methods of org.pullout.Scheduler1: AddScore,
 * SetGoal, AddPhase, Progress and ImportScores. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "daemon.h"
#include "log.h"
#include "service/progress-service.h"

#define PROGRESS_ID_MAX 64

/* The service's error codes as the bus's named errors. */
static int progress_bus_error(sd_bus_error *error, int r, const char *detail) {
        switch (r) {
        case -ENOENT:
                return sd_bus_error_set(error, BUS_ERROR_NOT_FOUND, detail);
        case -EINVAL:
                return sd_bus_error_set(error, BUS_ERROR_INVALID_ARGUMENT, detail);
        case -ENODATA:
                return sd_bus_error_set(error, BUS_ERROR_NOT_READY, detail);
        case -ENOMEM:
                return -ENOMEM;
        default:
                log_error("progress: %s", detail);
                return sd_bus_error_set(error, BUS_ERROR_FAILED, detail);
        }
}

static bool progress_id_valid(const char *id) {
        return *id && strlen(id) <= PROGRESS_ID_MAX;
}

static int method_add_score(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *student_id, *measure, *date;
        double value;
        char detail[512];
        struct json_object *json = NULL;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "sssd", &student_id, &measure, &date, &value)) < 0)
                return r;
        if (!progress_id_valid(student_id))
                return sd_bus_error_set(error, BUS_ERROR_INVALID_ARGUMENT, "a student id is 1 to 64 bytes");
        r = progress_service_add_score(daemon, student_id, measure, date, value, &json, detail, sizeof detail);
        if (r < 0)
                return progress_bus_error(error, r, detail);
        return bus_reply_json(message, json);
}

static int method_set_goal(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *student_id, *measure, *from, *by;
        double baseline, target;
        char detail[512];
        struct json_object *json = NULL;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "ssddss", &student_id, &measure, &baseline, &target, &from, &by)) < 0)
                return r;
        if (!progress_id_valid(student_id))
                return sd_bus_error_set(error, BUS_ERROR_INVALID_ARGUMENT, "a student id is 1 to 64 bytes");
        r = progress_service_set_goal(daemon, student_id, measure, baseline, target, from, by, &json, detail,
                                      sizeof detail);
        if (r < 0)
                return progress_bus_error(error, r, detail);
        return bus_reply_json(message, json);
}

static int method_add_phase(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *student_id, *measure, *date, *label;
        char detail[512];
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "ssss", &student_id, &measure, &date, &label)) < 0)
                return r;
        if (!progress_id_valid(student_id))
                return sd_bus_error_set(error, BUS_ERROR_INVALID_ARGUMENT, "a student id is 1 to 64 bytes");
        r = progress_service_add_phase(daemon, student_id, measure, date, label, detail, sizeof detail);
        if (r < 0)
                return progress_bus_error(error, r, detail);
        return sd_bus_reply_method_return(message, NULL);
}

/* Options arrive as a{sv} so that new ones never change the signature: trend (s: ols or
 * tukey) and svg (b: also draw the graph). */
static int read_progress_options(sd_bus_message *message, enum progress_trend_method *method, bool *svg,
                                 sd_bus_error *error) {
        int r = sd_bus_message_enter_container(message, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(message, 'e', "sv")) > 0) {
                const char *key;
                if ((r = sd_bus_message_read(message, "s", &key)) < 0)
                        return r;
                if (strcmp(key, "trend") == 0) {
                        const char *name;
                        if ((r = sd_bus_message_read(message, "v", "s", &name)) < 0)
                                return r;
                        int m = name_lookup(progress_trend_method_names, name);
                        if (m < 0)
                                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                                         "trend must be ols or tukey, not \"%.32s\"", name);
                        *method = (enum progress_trend_method)m;
                } else if (strcmp(key, "svg") == 0) {
                        int want;
                        if ((r = sd_bus_message_read(message, "v", "b", &want)) < 0)
                                return r;
                        *svg = want;
                } else {
                        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                                 "unknown progress option \"%.64s\" (trend, svg)", key);
                }
                if ((r = sd_bus_message_exit_container(message)) < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(message);
}

static int method_progress(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *student_id, *measure;
        enum progress_trend_method method = PROGRESS_TREND_OLS;
        bool want_svg = false;
        char detail[512], *svg = NULL;
        struct json_object *json = NULL;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "ss", &student_id, &measure)) < 0 ||
            (r = read_progress_options(message, &method, &want_svg, error)) < 0)
                return r;
        if (!progress_id_valid(student_id))
                return sd_bus_error_set(error, BUS_ERROR_INVALID_ARGUMENT, "a student id is 1 to 64 bytes");
        r = progress_service_report(daemon, student_id, measure, method, &json, want_svg ? &svg : NULL, detail,
                                    sizeof detail);
        if (r < 0)
                return progress_bus_error(error, r, detail);
        r = sd_bus_reply_method_return(message, "ss", json_object_to_json_string_ext(json, JSON_C_TO_STRING_PLAIN),
                                       svg ? svg : "");
        json_object_put(json);
        free(svg);
        return r;
}

static int method_import_scores(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *name;
        const void *data;
        size_t size;
        long added = 0;
        char detail[512];
        struct json_object *errors = NULL;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "s", &name)) < 0 ||
            (r = sd_bus_message_read_array(message, 'y', &data, &size)) < 0)
                return r;
        if (strlen(name) > PROGRESS_ID_MAX || strchr(name, '/'))
                return sd_bus_error_set(error, BUS_ERROR_INVALID_ARGUMENT, "the file name is a plain name of at most 64 bytes");
        r = progress_service_import(daemon, name, data, size, &added, &errors, detail, sizeof detail);
        if (r == -EINVAL && errors) {
                /* Every fault, one a line, as the data-set import reports them. */
                size_t n = json_object_array_length(errors), length = strlen(detail) + 1;
                for (size_t i = 0; i < n; i++)
                        length += strlen(json_object_get_string(json_object_array_get_idx(errors, i))) + 1;
                char *text = malloc(length);
                if (!text) {
                        json_object_put(errors);
                        return -ENOMEM;
                }
                strcpy(text, detail);
                for (size_t i = 0; i < n; i++) {
                        strcat(text, "\n");
                        strcat(text, json_object_get_string(json_object_array_get_idx(errors, i)));
                }
                json_object_put(errors);
                r = sd_bus_error_set(error, BUS_ERROR_INVALID_DATA, text);
                free(text);
                return r;
        }
        json_object_put(errors);
        if (r < 0)
                return progress_bus_error(error, r, detail);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "added", json_object_new_int64(added));
        log_info("imported %ld scores from %s", added, name);
        return bus_reply_json(message, o);
}

static const sd_bus_vtable progress_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("AddScore", SD_BUS_ARGS("s", student_id, "s", measure, "s", date, "d", value),
                                SD_BUS_RESULT("s", progress_json), method_add_score, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetGoal",
                                SD_BUS_ARGS("s", student_id, "s", measure, "d", baseline, "d", target, "s", from, "s", by),
                                SD_BUS_RESULT("s", progress_json), method_set_goal, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("AddPhase", SD_BUS_ARGS("s", student_id, "s", measure, "s", date, "s", label),
                                SD_BUS_NO_RESULT, method_add_phase, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Progress", SD_BUS_ARGS("s", student_id, "s", measure, "a{sv}", options),
                                SD_BUS_RESULT("s", progress_json, "s", svg), method_progress, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ImportScores", SD_BUS_ARGS("s", file_name, "ay", csv),
                                SD_BUS_RESULT("s", summary_json), method_import_scores, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int bus_progress_register(struct daemon *daemon) {
        return sd_bus_add_object_vtable(daemon->bus, NULL, BUS_PATH, BUS_INTERFACE, progress_vtable, daemon);
}
