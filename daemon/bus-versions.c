/* bus-versions.c: the schedule-version methods of org.pullout.Scheduler1: ScheduleVersion,
 * ScheduleHistory, ScheduleDiff, SchedulePublish and ScheduleRevert (DESIGN §4 "Versions"). A
 * version or diff naming a what-if is answered once its data set is read off the loop. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>

#include "bus.h"
#include "daemon.h"
#include "service/version-service.h"

static int read_version(sd_bus_message *message, int64_t *ret, sd_bus_error *error) {
        int r = sd_bus_message_read(message, "x", ret);
        if (r < 0)
                return r;
        if (*ret < 0)
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT, "a version is a positive number (0: the default)");
        return 0;
}

/* Publication options as a{sv}: from (s: "", today or YYYY-MM-DD), allow_drop (b). */
static int read_publish_options(sd_bus_message *message, struct publish_request *request, const char **from,
                                sd_bus_error *error) {
        int allow_drop = 0;
        const struct bus_option options[] = {
                { .key = "from", .type = "s", .value = from },
                { .key = "allow_drop", .type = "b", .value = &allow_drop },
        };
        int r = bus_read_options(message, "publish", options, sizeof options / sizeof options[0], NULL, error);
        if (r < 0)
                return r;
        request->from = *from;
        request->allow_drop = allow_drop;
        return 0;
}

/* A ScheduleVersion or ScheduleDiff call waiting for a what-if's data set to be read. */
struct pending_read {
        struct daemon *daemon;
        sd_bus_message *call;
};

static void read_done(void *userdata, int r, const char *why, struct json_object *answer) {
        struct pending_read *pending = userdata;
        bus_reply_late(pending->call, r, answer, why);
        sd_bus_message_unref(pending->call);
        bus_rearm(pending->daemon);
        free(pending);
}

/* Starts the read; the call is answered by read_done(), at once or when the what-if is read. */
static int start_read(sd_bus_message *message, struct daemon *daemon, bool diff, int64_t from, int64_t to,
                      sd_bus_error *error) {
        char why[WHY_MAX] = "";
        struct pending_read *pending = calloc(1, sizeof *pending);
        if (!pending)
                return -ENOMEM;
        *pending = (struct pending_read){ .daemon = daemon, .call = sd_bus_message_ref(message) };
        int r = diff ? versions_diff(daemon, from, to, read_done, pending, why)
                     : versions_show(daemon, from, read_done, pending, why);
        if (r < 0) {
                sd_bus_message_unref(pending->call);
                free(pending);
                return bus_error_from_errno(error, r, why);
        }
        return 1;
}

static int method_schedule_version(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        int64_t version;
        int r = read_version(message, &version, error);
        if (r < 0)
                return r;
        return start_read(message, userdata, false, version, 0, error);
}

static int method_history(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        int r = versions_history(userdata, &o, why);
        return bus_reply(message, error, r, o, why);
}

static int method_diff(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        int64_t from, to;
        int r = read_version(message, &from, error);
        if (r >= 0)
                r = read_version(message, &to, error);
        if (r < 0)
                return r;
        return start_read(message, userdata, true, from, to, error);
}

static int publish_or_revert(sd_bus_message *message, struct daemon *daemon, bool revert, sd_bus_error *error) {
        struct publish_request request = { 0 };
        const char *from = "";
        char why[WHY_MAX] = "", *detail = NULL;
        struct json_object *o = NULL;
        int r = read_version(message, &request.version, error);
        if (r >= 0)
                r = read_publish_options(message, &request, &from, error);
        if (r < 0)
                return r;
        r = revert ? versions_revert(daemon, &request, &o, &detail, why)
                   : versions_publish(daemon, &request, &o, &detail, why);
        r = bus_reply(message, error, r, o, detail ? detail : why);
        free(detail);
        bus_rearm(daemon);
        return r;
}

static int method_publish(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return publish_or_revert(message, userdata, false, error);
}

static int method_revert(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return publish_or_revert(message, userdata, true, error);
}

static const sd_bus_vtable versions_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("ScheduleVersion", SD_BUS_ARGS("x", version), SD_BUS_RESULT("s", schedule_json),
                                method_schedule_version, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ScheduleHistory", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", history_json), method_history,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ScheduleDiff", SD_BUS_ARGS("x", from, "x", to), SD_BUS_RESULT("s", diff_json),
                                method_diff, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SchedulePublish", SD_BUS_ARGS("x", version, "a{sv}", options),
                                SD_BUS_RESULT("s", publication_json), method_publish, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ScheduleRevert", SD_BUS_ARGS("x", version, "a{sv}", options),
                                SD_BUS_RESULT("s", publication_json), method_revert, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int bus_versions_register(struct daemon *daemon) {
        return sd_bus_add_object_vtable(daemon->bus->connection, NULL, BUS_PATH, BUS_INTERFACE, versions_vtable,
                                        daemon);
}
