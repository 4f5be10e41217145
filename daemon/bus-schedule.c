/* bus-schedule.c: the schedule methods of org.pullout.Scheduler1: Solve (answered when the
 * worker ends), Schedule, Explain, Pin, Unpin and Move. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "daemon.h"
#include "log.h"
#include "progress/svg.h"
#include "service/feed-service.h"
#include "service/schedule-json.h"
#include "service/solve-service.h"
#include "solver/solver.h"

#define SOLVE_TIME_LIMIT_MAX 3600.0

/* Options arrive as a{sv} so that new ones never change the signature. */
static int read_solve_options(sd_bus_message *message, struct solve_request *request, sd_bus_error *error) {
        int r = sd_bus_message_enter_container(message, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(message, 'e', "sv")) > 0) {
                const char *key;
                if ((r = sd_bus_message_read(message, "s", &key)) < 0)
                        return r;
                if (strcmp(key, "time_limit") == 0) {
                        if ((r = sd_bus_message_read(message, "v", "d", &request->time_limit_seconds)) < 0)
                                return r;
                        if (!(request->time_limit_seconds > 0 && request->time_limit_seconds <= SOLVE_TIME_LIMIT_MAX))
                                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                                         "time_limit must be between 0 and %.0f seconds",
                                                         SOLVE_TIME_LIMIT_MAX);
                } else if (strcmp(key, "seed") == 0) {
                        if ((r = sd_bus_message_read(message, "v", "u", &request->seed)) < 0)
                                return r;
                        request->seed_given = true;
                } else if (strcmp(key, "fresh") == 0) {
                        int fresh;
                        if ((r = sd_bus_message_read(message, "v", "b", &fresh)) < 0)
                                return r;
                        request->fresh = fresh;
                } else {
                        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                                 "unknown solve option \"%.64s\" (time_limit, seed, fresh)", key);
                }
                if ((r = sd_bus_message_exit_container(message)) < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(message);
}

static int method_solve(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        struct solve_request request = { 0 };
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = read_solve_options(message, &request, error)) < 0)
                return r;
        r = solve_start(daemon, message, &request);
        if (r == -EBUSY)
                return sd_bus_error_setf(error, BUS_ERROR_BUSY, "a solve is already running; wait for it to end");
        if (r == -ENODATA)
                return sd_bus_error_setf(error, BUS_ERROR_NOT_READY,
                                         "nothing to schedule yet: import a data set first (pullout import DIR)");
        if (r < 0)
                return r;
        log_info("solve started (time limit %.0f s)", request.time_limit_seconds > 0 ? request.time_limit_seconds
                                                                                  : daemon->conf.solver_time_limit_seconds);
        return 1; /* answered by solve_done() */
}

static int require_schedule(struct daemon *daemon, sd_bus_error *error) {
        if (!daemon->school)
                return sd_bus_error_setf(error, BUS_ERROR_NOT_READY,
                                         "nothing imported yet: pullout import DIR, then pullout solve");
        if (!daemon->schedule)
                return sd_bus_error_setf(error, BUS_ERROR_NOT_READY, "no schedule yet: run pullout solve");
        return 0;
}

/* The (kind, id) arguments of Schedule and SchedulePicture: everyone (""), one interventionist,
 * one homeroom teacher's students, or (with_student) one student. */
static int read_filter(struct daemon *daemon, sd_bus_message *message, bool with_student,
                       struct schedule_filter *ret_filter, sd_bus_error *error) {
        const char *kind, *id;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "ss", &kind, &id)) < 0)
                return r;
        if ((r = require_schedule(daemon, error)) < 0)
                return r;
        struct schedule_filter filter = { -1, -1, -1 };
        const struct school *school = daemon->school;
        if (strcmp(kind, "") == 0) {
        } else if (strcmp(kind, "staff") == 0) {
                if ((filter.staff = school_find_staff(school, id)) < 0)
                        return sd_bus_error_setf(error, BUS_ERROR_NOT_FOUND, "no staff member %.64s", id);
        } else if (strcmp(kind, "teacher") == 0) {
                if ((filter.teacher = school_find_teacher(school, id)) < 0)
                        return sd_bus_error_setf(error, BUS_ERROR_NOT_FOUND, "no homeroom teacher %.64s", id);
        } else if (with_student && strcmp(kind, "student") == 0) {
                if ((filter.student = school_find_student(school, id)) < 0)
                        return sd_bus_error_setf(error, BUS_ERROR_NOT_FOUND, "no student %.64s", id);
        } else {
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT, "filter must be \"\", staff, teacher%s, not \"%.32s\"",
                                         with_student ? " or student" : "", kind);
        }
        *ret_filter = filter;
        return 0;
}

static int method_schedule(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        struct schedule_filter filter;
        int r = read_filter(daemon, message, true, &filter, error);
        if (r < 0)
                return r;
        return bus_reply_json(message, schedule_to_json(daemon->schedule, &filter));
}

/* The week grid as SVG, for a wall or a staff meeting: every interventionist's lane, one
 * interventionist's, or a teacher's class against their own timetable. */
static int method_schedule_picture(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        struct schedule_filter filter;
        int r = read_filter(daemon, message, false, &filter, error);
        if (r < 0)
                return r;
        struct schedule_svg_options options = { .teacher = filter.teacher, .staff = filter.staff };
        struct textbuf buf = { 0 };
        char *svg = NULL;
        r = schedule_svg(daemon->schedule, &options, &buf);
        if (r >= 0)
                r = textbuf_steal(&buf, &svg);
        textbuf_done(&buf);
        if (r < 0)
                return sd_bus_error_setf(error, BUS_ERROR_FAILED, "cannot draw the schedule: %s", strerror(-r));
        r = sd_bus_reply_method_return(message, "s", svg);
        free(svg);
        return r;
}

static int method_explain(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        struct daemon *daemon = userdata;
        const char *student_id;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "s", &student_id)) < 0)
                return r;
        if ((r = require_schedule(daemon, error)) < 0)
                return r;
        int student = school_find_student(daemon->school, student_id);
        if (student < 0)
                return sd_bus_error_setf(error, BUS_ERROR_NOT_FOUND, "no student %.64s in the data set", student_id);
        char **lines = NULL;
        size_t n = 0;
        if ((r = solver_explain(daemon->schedule, student, &lines, &n)) < 0)
                return r;
        struct json_object *o = json_object_new_object();
        json_object_object_add(o, "student_id", json_object_new_string(student_id));
        json_object_object_add(o, "name", json_object_new_string(daemon->school->students[student].name));
        struct json_object *array = json_object_new_array();
        for (size_t i = 0; i < n; i++)
                json_object_array_add(array, json_object_new_string(lines[i]));
        json_object_object_add(o, "lines", array);
        solver_strings_free(lines, n);
        return bus_reply_json(message, o);
}

static int set_pin(sd_bus_message *message, struct daemon *daemon, bool pinned, sd_bus_error *error) {
        const char *group_id;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "s", &group_id)) < 0)
                return r;
        if ((r = require_schedule(daemon, error)) < 0)
                return r;
        int g = schedule_find_group(daemon->schedule, group_id);
        if (g < 0)
                return sd_bus_error_setf(error, BUS_ERROR_NOT_FOUND, "no group %.32s in schedule version %lld",
                                         group_id, (long long)daemon->schedule->version);
        r = store_set_pinned(daemon->store, group_id, pinned);
        if (r < 0)
                return sd_bus_error_setf(error, BUS_ERROR_FAILED, "cannot store the pin: %s", daemon->store->error);
        daemon->schedule->groups[g].pinned = pinned;
        feeds_invalidate(daemon);
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
        struct daemon *daemon = userdata;
        const char *group_id, *days_text, *start_text;
        int r = bus_check_access(daemon->user_mode, message, error);
        if (r < 0)
                return r;
        if ((r = sd_bus_message_read(message, "sss", &group_id, &days_text, &start_text)) < 0)
                return r;
        if ((r = require_schedule(daemon, error)) < 0)
                return r;
        if (daemon->solve)
                return sd_bus_error_setf(error, BUS_ERROR_BUSY, "a solve is running; move the group when it ends");
        int g = schedule_find_group(daemon->schedule, group_id);
        if (g < 0)
                return sd_bus_error_setf(error, BUS_ERROR_NOT_FOUND, "no group %.32s", group_id);
        dayset days;
        int start;
        if (dayset_parse(days_text, &days) < 0)
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                         "\"%.16s\" is not a set of days (letters of MTWRF, e.g. MWF)", days_text);
        if (time_parse(start_text, &start) < 0)
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                         "\"%.16s\" is not a time (use HH:MM, 24 h)", start_text);
        const struct school *school = daemon->school;
        const struct group *group = &daemon->schedule->groups[g];
        const struct need *need = &school->needs[group->needs[0]];
        if (dayset_count(days) != need->sessions_per_week)
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                         "%s meets %d times a week (%s: %d × %d min); give %d days",
                                         group->id, need->sessions_per_week, school->programs[group->program].id,
                                         need->sessions_per_week, need->minutes, need->sessions_per_week);

        struct schedule *moved = schedule_copy(daemon->schedule);
        if (!moved)
                return -ENOMEM;
        struct group *target = &moved->groups[g];
        target->n_meetings = 0;
        for (int d = 0; d < DAY_COUNT; d++)
                if (days & (1u << d))
                        target->meetings[target->n_meetings++] =
                                (struct meeting){ .day = d, .start = start, .end = start + need->minutes };
        target->pinned = true;

        char **violations = NULL;
        size_t n = 0;
        struct solver_weights weights;
        solver_weights_default(&weights);
        r = solver_check(moved, NULL, &weights, &moved->metrics, &violations, &n);
        if (r < 0) {
                schedule_free(moved);
                return r;
        }
        if (n > 0) {
                size_t size = 128;
                for (size_t i = 0; i < n; i++)
                        size += strlen(violations[i]) + 3;
                char *text = calloc(1, size);
                if (text) {
                        snprintf(text, size, "%s cannot move to %s %s: it would break %zu rule%s:", group_id, days_text,
                                 start_text, n, n == 1 ? "" : "s");
                        for (size_t i = 0; i < n; i++) {
                                strcat(text, "\n  ");
                                strcat(text, violations[i]);
                        }
                }
                solver_strings_free(violations, n);
                schedule_free(moved);
                r = sd_bus_error_set(error, BUS_ERROR_CONFLICT, text ? text : "the move breaks a rule");
                free(text);
                return r;
        }
        solver_strings_free(violations, n);
        /* Meetings changed from the published version: the moved group's. */
        moved->metrics.changed_meetings = (long)target->n_meetings;
        if ((r = schedule_publish(daemon, moved, 0)) < 0)
                return sd_bus_error_setf(error, BUS_ERROR_FAILED, "cannot store the schedule: %s",
                                         daemon->store->error);
        log_info("%s moved to %s %s by hand (schedule version %lld)", group_id, days_text, start_text,
                 (long long)daemon->schedule->version);
        return bus_reply_json(message, schedule_summary_json(daemon->schedule, NULL));
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
        SD_BUS_METHOD_WITH_ARGS("Move", SD_BUS_ARGS("s", group_id, "s", days, "s", start),
                                SD_BUS_RESULT("s", summary_json), method_move, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int bus_schedule_register(struct daemon *daemon) {
        return sd_bus_add_object_vtable(daemon->bus, NULL, BUS_PATH, BUS_INTERFACE, schedule_vtable, daemon);
}
