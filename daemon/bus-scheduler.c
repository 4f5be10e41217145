/* bus-scheduler.c: the core of org.pullout.Scheduler1: Status, Import, and the properties
 * and ScheduleChanged signal. Other method groups live in their own bus-*.c files. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "daemon.h"
#include "log.h"
#include "service/import-service.h"

/* An import is a school's CSV files and maybe a calendar.ics: a few files, bounded in size. */
#define IMPORT_FILES_MAX 32
#define IMPORT_BYTES_MAX (32u * 1024 * 1024)
#define IMPORT_NAME_MAX 64

static struct json_object *counts_json(const struct store_counts *c) {
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "teachers", json_object_new_int64(c->teachers));
        json_object_object_add(o, "timetable_blocks", json_object_new_int64(c->blocks));
        json_object_object_add(o, "students", json_object_new_int64(c->students));
        json_object_object_add(o, "archived_students", json_object_new_int64(c->archived_students));
        json_object_object_add(o, "services", json_object_new_int64(c->services));
        json_object_object_add(o, "staff", json_object_new_int64(c->staff));
        json_object_object_add(o, "availability", json_object_new_int64(c->availability));
        json_object_object_add(o, "programs", json_object_new_int64(c->programs));
        json_object_object_add(o, "needs", json_object_new_int64(c->needs));
        json_object_object_add(o, "calendar_days", json_object_new_int64(c->calendar));
        return o;
}

static int method_status(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        struct store_counts counts;
        char now[32];
        if (store_count(daemon->store, &counts) < 0)
                return sd_bus_error_setf(error, BUS_ERROR_FAILED, "cannot read the database: %s",
                                         daemon->store->error);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "version", json_object_new_string(PULLOUT_VERSION));
        json_object_object_add(o, "bus", json_object_new_string(daemon->user_mode ? "user" : "system"));
        json_object_object_add(o, "database", json_object_new_string(daemon->db_path));
        json_object_object_add(o, "schema_version", json_object_new_int(store_schema_version()));
        json_object_object_add(o, "school", daemon->school ? json_object_new_string(daemon->school->info.name) : NULL);
        json_object_object_add(o, "timezone",
                               daemon->school ? json_object_new_string(daemon->school->info.timezone) : NULL);
        json_object_object_add(o, "counts", counts_json(&counts));
        json_object_object_add(o, "schedule_version", json_object_new_int64(counts.schedule_version));
        json_object_object_add(o, "solving", json_object_new_boolean(daemon->solve != NULL));
        json_object_object_add(o, "clock", json_object_new_string(daemon->clock.manual ? "manual" : "real"));
        daemon_format_time(clock_now(&daemon->clock), now);
        json_object_object_add(o, "now", json_object_new_string(now));
        json_object_object_add(o, "listen", json_object_new_string(daemon->conf.listen));
        /* The settings in force, so an operator sees what a reload (SIGHUP) took. */
        struct json_object *settings = json_object_new_object();
        json_object_object_add(settings, "config", daemon->conf_path ? json_object_new_string(daemon->conf_path) : NULL);
        json_object_object_add(settings, "reminder_lead_seconds", json_object_new_int64(daemon->conf.reminder_lead_seconds));
        json_object_object_add(settings, "grace_seconds", json_object_new_int64(daemon->conf.grace_seconds));
        json_object_object_add(settings, "dosage_threshold_percent", json_object_new_int(daemon->conf.dosage_threshold_percent));
        json_object_object_add(settings, "dosage_window_seconds", json_object_new_int64(daemon->conf.dosage_window_seconds));
        json_object_object_add(settings, "fidelity_threshold_percent",
                               json_object_new_int(daemon->conf.fidelity_threshold_percent));
        json_object_object_add(settings, "solver_time_limit_seconds",
                               json_object_new_double(daemon->conf.solver_time_limit_seconds));
        json_object_object_add(o, "settings", settings);
        return bus_reply_json(message, o);
}

static void free_files(struct import_file *files, size_t n) {
        for (size_t i = 0; i < n; i++)
                free((char *)files[i].name);
        free(files);
}

/* Reads a(say): (file name, contents). Names are plain file names, never paths: the daemon
 * opens nothing a caller names. */
static int read_import_files(sd_bus_message *message, struct import_file **ret_files, size_t *ret_n,
                             sd_bus_error *error) {
        struct import_file *files = NULL;
        size_t n = 0, total = 0;
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
                if (n == IMPORT_FILES_MAX) {
                        r = sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                              "too many files in one import (at most %d)", IMPORT_FILES_MAX);
                        goto fail;
                }
                if (!*name || strlen(name) > IMPORT_NAME_MAX || strchr(name, '/') || name[0] == '.') {
                        r = sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                              "\"%.64s\" is not a data-set file name (e.g. students.csv)", name);
                        goto fail;
                }
                total += size;
                if (total > IMPORT_BYTES_MAX) {
                        r = sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                              "data set larger than %u MiB", IMPORT_BYTES_MAX >> 20);
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

static struct json_object *strings_json(char **strings, size_t n) {
        struct json_object *array = json_object_new_array();
        for (size_t i = 0; i < n; i++)
                json_object_array_add(array, json_object_new_string(strings[i]));
        return array;
}

static int method_import(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        struct import_file *files = NULL;
        struct import_report report = { 0 };
        struct ical_district *district = NULL;
        struct store_counts counts;
        size_t n = 0;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        r = read_import_files(message, &files, &n, error);
        if (r < 0)
                return r;
        if (daemon->solve) {
                r = sd_bus_error_setf(error, BUS_ERROR_BUSY, "a solve is running; import again when it ends");
                goto out;
        }
        r = service_import(daemon, files, n, &report, &district);
        if (r == -EINVAL || (r < 0 && report.n_errors > 0)) {
                /* Every fault, one per line, as FILE:LINE: column NAME: what is wrong. */
                size_t size = 64;
                for (size_t i = 0; i < report.n_errors; i++)
                        size += strlen(report.errors[i]) + 1;
                char *text = calloc(1, size);
                if (!text) {
                        r = -ENOMEM;
                        goto out;
                }
                snprintf(text, size, "import rejected, nothing was changed (%zu error%s):", report.n_errors,
                         report.n_errors == 1 ? "" : "s");
                for (size_t i = 0; i < report.n_errors; i++) {
                        strcat(text, "\n");
                        strcat(text, report.errors[i]);
                }
                log_info("import rejected: %zu errors", report.n_errors);
                r = sd_bus_error_set(error, BUS_ERROR_INVALID_DATA, text);
                free(text);
                goto out;
        }
        if (r < 0) {
                log_error("import: %s", r == -EIO ? daemon->store->error : strerror(-r));
                r = sd_bus_error_setf(error, BUS_ERROR_FAILED, "import failed: %s",
                                      r == -EIO ? daemon->store->error : strerror(-r));
                goto out;
        }
        if (store_count(daemon->store, &counts) < 0) {
                r = sd_bus_error_setf(error, BUS_ERROR_FAILED, "cannot read the database: %s", daemon->store->error);
                goto out;
        }
        log_info("imported \"%s\": %ld students, %ld needs", daemon->school->info.name, counts.students,
                 counts.needs);
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "school", json_object_new_string(daemon->school->info.name));
        json_object_object_add(o, "counts", counts_json(&counts));
        json_object_object_add(o, "warnings", strings_json(report.warnings, report.n_warnings));
        if (district) {
                struct json_object *calendar = json_object_new_object();
                json_object_object_add(calendar, "taken", strings_json(district->taken, district->n_taken));
                json_object_object_add(calendar, "ignored", strings_json(district->ignored, district->n_ignored));
                json_object_object_add(o, "district_calendar", calendar);
        }
        r = bus_reply_json(message, o);
out:
        ical_district_free(district);
        import_report_clear(&report);
        free_files(files, n);
        return r;
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
        return sd_bus_add_object_vtable(daemon->bus, NULL, BUS_PATH, BUS_INTERFACE, scheduler_vtable, daemon);
}
