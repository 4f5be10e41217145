/* bus-scheduler.c: the core of org.pullout.Scheduler1: Status, Import, and the properties
 * and ScheduleChanged signal. Other method groups live in their own bus-*.c files. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "daemon.h"
#include "service/import-service.h"
#include "service/status-service.h"

static int method_status(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        char why[WHY_MAX] = "";
        struct json_object *o = NULL;
        int r = status_get(userdata, &o, why);
        return bus_reply(message, error, r, o, why);
}

static void free_files(struct import_file *files, size_t n) {
        for (size_t i = 0; i < n; i++)
                free((char *)files[i].name);
        free(files);
}

/* Reads a(say): (file name, contents), at most the importer's number of files. Names are plain
 * file names, never paths: the daemon opens nothing a caller names. The size of the whole is
 * the importer's to check. */
static int read_import_files(sd_bus_message *message, struct import_file **ret_files, size_t *ret_n,
                             sd_bus_error *error) {
        struct import_file *files = NULL;
        size_t n = 0;
        int r = sd_bus_message_enter_container(message, 'a', "(say)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(message, 'r', "say")) > 0) {
                const char *name;
                const void *data;
                size_t size;
                if ((r = sd_bus_message_read(message, "s", &name)) < 0 ||
                    (r = sd_bus_message_read_array(message, 'y', &data, &size)) < 0 ||
                    (r = sd_bus_message_exit_container(message)) < 0)
                        goto fail;
                if (n == IMPORT_MAX_FILES) {
                        r = sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                              "too many files in one import (at most %d)", IMPORT_MAX_FILES);
                        goto fail;
                }
                if (!*name || strlen(name) > BUS_FILE_NAME_MAX || strchr(name, '/') || name[0] == '.') {
                        r = sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                              "\"%.64s\" is not a data-set file name (e.g. students.csv)", name);
                        goto fail;
                }
                struct import_file *grown = realloc(files, (n + 1) * sizeof *files);
                if (!grown) {
                        r = -ENOMEM;
                        goto fail;
                }
                files = grown;
                /* The data stays in the message, which outlives the import. */
                files[n] = (struct import_file){ .name = strdup(name), .data = data, .size = size };
                if (!files[n++].name) {
                        r = -ENOMEM;
                        goto fail;
                }
        }
        if (r < 0 || (r = sd_bus_message_exit_container(message)) < 0)
                goto fail;
        *ret_files = files;
        *ret_n = n;
        return 0;
fail:
        free_files(files, n);
        return r;
}

/* An Import call waiting for its data set to be read and stored; the files point into it. */
struct pending_import {
        struct daemon *daemon;
        sd_bus_message *call;
        struct import_file *files;
        size_t n_files;
};

static void import_done(void *userdata, const struct import_result *result) {
        struct pending_import *pending = userdata;
        if (result->error < 0) {
                sd_bus_error error = SD_BUS_ERROR_NULL;
                int r = bus_error_from_errno(&error, result->error, result->detail ? result->detail : result->why);
                if (r < 0 && !sd_bus_error_is_set(&error))
                        sd_bus_error_set_errno(&error, r);
                sd_bus_reply_method_error(pending->call, &error);
                sd_bus_error_free(&error);
        } else {
                bus_reply_json(pending->call, result->report);
        }
        sd_bus_message_unref(pending->call);
        free_files(pending->files, pending->n_files);
        bus_rearm(pending->daemon);
        free(pending);
}

static int method_import(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct import_file *files = NULL;
        size_t n = 0;
        int r = read_import_files(message, &files, &n, error);
        if (r < 0)
                return r;
        char why[WHY_MAX] = "";
        struct pending_import *pending = calloc(1, sizeof *pending);
        if (!pending) {
                free_files(files, n);
                return -ENOMEM;
        }
        *pending = (struct pending_import){ .daemon = userdata, .call = sd_bus_message_ref(message), .files = files,
                                            .n_files = n };
        r = import_start(userdata, files, n, import_done, pending, why);
        if (r < 0) {
                sd_bus_message_unref(pending->call);
                free_files(files, n);
                free(pending);
                return bus_error_from_errno(error, r, why);
        }
        return 1; /* answered by import_done() */
}

static int property_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                            sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", PULLOUT_VERSION);
}

static int property_schedule_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                     sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        return sd_bus_message_append(reply, "x", daemon->schedule ? daemon->schedule->version : (int64_t)0);
}

static int property_count(sd_bus *bus, const char *path, const char *interface, const char *property,
                          sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const struct school *s = daemon->school;
        uint32_t n = 0;
        if (s && strcmp(property, "Students") == 0)
                n = (uint32_t)s->n_students;
        else if (s && strcmp(property, "Needs") == 0)
                n = (uint32_t)s->n_needs;
        else if (s && strcmp(property, "Staff") == 0)
                n = (uint32_t)s->n_staff;
        return sd_bus_message_append(reply, "u", n);
}

static const sd_bus_vtable scheduler_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("ScheduleVersion", "x", property_schedule_version, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Students", "u", property_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Needs", "u", property_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Staff", "u", property_count, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD_WITH_ARGS("Status", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", status_json), method_status,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Import", SD_BUS_ARGS("a(say)", files), SD_BUS_RESULT("s", report_json),
                                method_import, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("ScheduleChanged", SD_BUS_ARGS("x", version, "s", summary_json), 0),
        SD_BUS_VTABLE_END,
};

int bus_scheduler_register(struct daemon *daemon) {
        return sd_bus_add_object_vtable(daemon->bus->connection, NULL, BUS_PATH, BUS_INTERFACE, scheduler_vtable, daemon);
}
