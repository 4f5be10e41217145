/* bus-schedule.c: the schedule methods of org.pullout.Scheduler1: Solve (answered when the
 * worker ends), Schedule, SchedulePicture, Explain, Pin, Unpin and Move. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "daemon.h"
#include "import/import.h"
#include "service/schedule-json.h"
#include "service/schedule-service.h"
#include "service/solve-service.h"

/* what_if (a{say}): file name -> contents, as the CLI read them; the daemon opens no path a
 * caller names. Names are plain file names; the data stays in the message, kept until the
 * solve has copied it. */
static int read_what_if(sd_bus_message *message, const char *key, void *userdata, sd_bus_error *error) {
        struct solve_request *request = userdata;
        struct import_file *files = (struct import_file *)request->what_if;
        int r;
        if ((r = sd_bus_message_enter_container(message, 'v', "a{say}")) < 0 ||
            (r = sd_bus_message_enter_container(message, 'a', "{say}")) < 0)
                return r;
        while ((r = sd_bus_message_enter_container(message, 'e', "say")) > 0) {
                const char *name;
                const void *data;
                size_t size;
                if ((r = sd_bus_message_read(message, "s", &name)) < 0 ||
                    (r = sd_bus_message_read_array(message, 'y', &data, &size)) < 0 ||
                    (r = sd_bus_message_exit_container(message)) < 0)
                        return r;
                if (request->n_what_if == IMPORT_MAX_FILES)
                        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                                 "what_if: at most %d files", IMPORT_MAX_FILES);
                if (!*name || strlen(name) > BUS_FILE_NAME_MAX || strchr(name, '/') || name[0] == '.')
                        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                                 "what_if: \"%.64s\" is not a data-set file name (e.g. staff.csv)",
                                                 name);
                files[request->n_what_if++] = (struct import_file){ .name = name, .data = data, .size = size };
        }
        if (r < 0 || (r = sd_bus_message_exit_container(message)) < 0)
                return r;
        return sd_bus_message_exit_container(message);
}

/* Options arrive as a{sv} so that new ones never change the signature. files has room for
 * IMPORT_MAX_FILES what_if files. */
static int read_solve_options(sd_bus_message *message, struct solve_request *request, struct import_file *files,
                              sd_bus_error *error) {
        int fresh = 0, publish = 0, allow_drop = 0;
        const char *from = "";
        bool time_limit_given = false, what_if_given = false;
        request->what_if = files;
        const struct bus_option options[] = {
                { .key = "what_if", .type = "a{say}", .given = &what_if_given, .read = read_what_if },
                { .key = "time_limit", .type = "d", .value = &request->time_limit_seconds,
                  .given = &time_limit_given },
                { .key = "seed", .type = "u", .value = &request->seed, .given = &request->seed_given },
                { .key = "fresh", .type = "b", .value = &fresh },
                { .key = "publish", .type = "b", .value = &publish },
                { .key = "from", .type = "s", .value = &from },
                { .key = "allow_drop", .type = "b", .value = &allow_drop },
        };
        int r = bus_read_options(message, "solve", options, sizeof options / sizeof options[0], request, error);
        if (r < 0)
                return r;
        if (!what_if_given)
                request->what_if = NULL;
        else if (request->n_what_if == 0)
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                         "what_if holds no file (e.g. staff.csv, needs.csv)");
        if (what_if_given && publish)
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                         "a what-if is never published: drop publish, or import the files and solve");
        request->fresh = fresh;
        request->publish = publish;
        request->allow_drop = allow_drop;
        if (strlen(from) >= sizeof request->publish_from)
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                         "from must be today or a date YYYY-MM-DD");
        snprintf(request->publish_from, sizeof request->publish_from, "%s", from);
        if (time_limit_given &&
            !(request->time_limit_seconds > 0 && request->time_limit_seconds <= SOLVE_TIME_LIMIT_MAX))
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                         "time_limit must be between 0 and %.0f seconds", SOLVE_TIME_LIMIT_MAX);
        return 0;
}

/* A Solve call waiting for its solve to end. */
struct pending_solve {
        struct daemon *daemon;
        sd_bus_message *call;
};

/* The end of a solve: the method call kept since Solve is answered now. */
static void solve_done(void *userdata, const struct solve_result *result) {
        struct pending_solve *pending = userdata;
        if (result->error < 0) {
                sd_bus_error error = SD_BUS_ERROR_NULL;
                int r = bus_error_from_errno(&error, result->error, result->why);
                if (r < 0 && !sd_bus_error_is_set(&error))
                        sd_bus_error_set_errno(&error, r);
                sd_bus_reply_method_error(pending->call, &error);
                sd_bus_error_free(&error);
        } else {
                bus_reply_json(pending->call, result->report);
        }
        sd_bus_message_unref(pending->call);
        bus_rearm(pending->daemon);
        free(pending);
}

static int method_solve(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct solve_request request = { 0 };
        struct import_file files[IMPORT_MAX_FILES];
        char why[WHY_MAX] = "";
        int r = read_solve_options(message, &request, files, error);
        if (r < 0)
                return r;
        struct pending_solve *pending = calloc(1, sizeof *pending);
        if (!pending)
                return -ENOMEM;
        *pending = (struct pending_solve){ .daemon = userdata, .call = sd_bus_message_ref(message) };
        r = solve_start(userdata, &request, solve_done, pending, why);
        if (r < 0) {
                sd_bus_message_unref(pending->call);
                free(pending);
                return bus_error_from_errno(error, r, why);
        }
        return 1; /* answered by solve_done() */
}

static int method_schedule(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *kind, *id;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        int r = sd_bus_message_read(message, "ss", &kind, &id);
        if (r < 0)
                return r;
        r = schedule_show(userdata, kind, id, &o, why);
        return bus_reply(message, error, r, o, why);
}

/* The week grid as SVG, for a wall or a staff meeting: every interventionist's lane, one
 * interventionist's, or a teacher's class against their own timetable. */
static int method_schedule_picture(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *kind, *id;
        char why[WHY_MAX] = "", *svg = NULL;
        int r = sd_bus_message_read(message, "ss", &kind, &id);
        if (r < 0)
                return r;
        if ((r = schedule_picture(userdata, kind, id, &svg, why)) < 0)
                return bus_error_from_errno(error, r, why);
        r = sd_bus_reply_method_return(message, "s", svg);
        free(svg);
        return r;
}

static int method_explain(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *student_id;
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        int r = sd_bus_message_read(message, "s", &student_id);
        if (r < 0)
                return r;
        r = schedule_explain(userdata, student_id, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int set_pin(sd_bus_message *message, struct daemon *daemon, bool pinned, sd_bus_error *error) {
        const char *group_id;
        char why[WHY_MAX] = "";
        int r = sd_bus_message_read(message, "s", &group_id);
        if (r < 0)
                return r;
        if ((r = schedule_pin(daemon, group_id, pinned, why)) < 0)
                return bus_error_from_errno(error, r, why);
        return sd_bus_reply_method_return(message, "");
}

static int method_pin(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return set_pin(message, userdata, true, error);
}

static int method_unpin(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return set_pin(message, userdata, false, error);
}

/* A manual change is applied only when it breaks no hard constraint; the moved group is pinned
 * so that the next solve keeps what a person decided. */
static int method_move(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *group_id, *days, *start, *from = "";
        char why[WHY_MAX] = "", *detail = NULL;
        struct json_object *o = NULL;
        const struct bus_option options[] = { { .key = "from", .type = "s", .value = &from } };
        int r = sd_bus_message_read(message, "sss", &group_id, &days, &start);
        if (r < 0)
                return r;
        if ((r = bus_read_options(message, "move", options, 1, NULL, error)) < 0)
                return r;
        r = schedule_move(userdata, group_id, days, start, from, &o, &detail, why);
        r = bus_reply(message, error, r, o, detail ? detail : why);
        free(detail);
        return r;
}

static const sd_bus_vtable schedule_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Solve", SD_BUS_ARGS("a{sv}", options), SD_BUS_RESULT("s", summary_json),
                                method_solve, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Schedule", SD_BUS_ARGS("s", filter_kind, "s", filter_id),
                                SD_BUS_RESULT("s", schedule_json), method_schedule, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SchedulePicture", SD_BUS_ARGS("s", filter_kind, "s", filter_id),
                                SD_BUS_RESULT("s", svg), method_schedule_picture, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Explain", SD_BUS_ARGS("s", student_id), SD_BUS_RESULT("s", explanation_json),
                                method_explain, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Pin", SD_BUS_ARGS("s", group_id), SD_BUS_NO_RESULT, method_pin,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Unpin", SD_BUS_ARGS("s", group_id), SD_BUS_NO_RESULT, method_unpin,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Move", SD_BUS_ARGS("s", group_id, "s", days, "s", start, "a{sv}", options),
                                SD_BUS_RESULT("s", summary_json), method_move, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int bus_schedule_register(struct daemon *daemon) {
        return sd_bus_add_object_vtable(daemon->bus->connection, NULL, BUS_PATH, BUS_INTERFACE, schedule_vtable,
                                        daemon);
}
