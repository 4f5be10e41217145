/* bus.c: attaches sd-bus to libevent (before each wait the fd's events and the bus timeout,
 * absolute CLOCK_MONOTONIC µs, are re-armed: libevent 2.1 has no prepare hook), sends the
 * service layer's signals, and maps its errors to org.pullout.Error.*. */
#include <errno.h>
#include <event2/event.h>
#include <string.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "bus.h"
#include "daemon.h"
#include "import/import.h"
#include "log.h"
#include "model/text-field.h"
#include "service/signal-queue.h"

typedef int (*bus_register_fn)(struct daemon *daemon);

/* Every interface file's registration, in one place. */
static const bus_register_fn bus_registrations[] = {
        bus_scheduler_register,
        bus_schedule_register,
        bus_versions_register,
        bus_progress_register,
        bus_sessions_register,
        bus_feeds_register,
        bus_admin_register,
        bus_students_register,
};

static void bus_process(evutil_socket_t fd, short what, void *userdata);

void bus_rearm(struct daemon *daemon) {
        struct bus *bus = daemon->bus;
        if (!bus || !bus->io)
                return;
        int events = sd_bus_get_events(bus->connection);
        if (events < 0) {
                log_error("bus: connection lost (%s), shutting down", strerror(-events));
                daemon->exit_code = 1;
                event_base_loopexit(daemon->base, NULL);
                return;
        }
        short flags = EV_PERSIST | ((events & POLLIN) ? EV_READ : 0) | ((events & POLLOUT) ? EV_WRITE : 0);
        if (flags != bus->armed_flags) {
                event_del(bus->io);
                event_assign(bus->io, daemon->base, sd_bus_get_fd(bus->connection), flags, bus_process, daemon);
                event_add(bus->io, NULL);
                bus->armed_flags = flags;
        }

        uint64_t until;
        if (sd_bus_get_timeout(bus->connection, &until) < 0 || until == UINT64_MAX) {
                evtimer_del(bus->timer);
                return;
        }
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        uint64_t now_usec = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
        uint64_t delay = until > now_usec ? until - now_usec : 0;
        /* libevent's clock is coarse: round up so the timer never fires early and spins. */
        delay = (delay + 999) / 1000 * 1000;
        struct timeval tv = { .tv_sec = (time_t)(delay / 1000000u), .tv_usec = (suseconds_t)(delay % 1000000u) };
        evtimer_add(bus->timer, &tv);
}

static void bus_process(evutil_socket_t fd, short what, void *userdata) {
        struct daemon *daemon = userdata;
        for (;;) {
                int r = sd_bus_process(daemon->bus->connection, NULL);
                if (r < 0) {
                        log_error("bus: processing failed: %s", strerror(-r));
                        break;
                }
                if (r == 0)
                        break;
        }
        bus_rearm(daemon);
}

int bus_reply_json(sd_bus_message *message, struct json_object *document) {
        const char *text = json_object_to_json_string_ext(document, JSON_C_TO_STRING_PLAIN);
        int r = sd_bus_reply_method_return(message, "s", text);
        json_object_put(document);
        return r;
}

int bus_error_from_errno(sd_bus_error *error, int r, const char *why) {
        const char *name;
        switch (r) {
        case -ENOENT:
                name = BUS_ERROR_NOT_FOUND;
                break;
        case -EINVAL:
                name = BUS_ERROR_INVALID_ARGUMENT;
                break;
        case -EBADMSG:
                name = BUS_ERROR_INVALID_DATA;
                break;
        case -EEXIST:
        case -EALREADY:
        case -EMFILE:
                name = BUS_ERROR_CONFLICT;
                break;
        case -ENODATA:
                name = BUS_ERROR_NOT_READY;
                break;
        case -EBUSY:
                name = BUS_ERROR_BUSY;
                break;
        case -EOPNOTSUPP:
                name = BUS_ERROR_NOT_SUPPORTED;
                break;
        case -EACCES:
        case -EPERM:
                name = BUS_ERROR_ACCESS_DENIED;
                break;
        case -EIO:
                /* The database refused (full disk, a lock held elsewhere, a deleted file): why
                 * carries sqlite's own words. The service logged it where it happened. */
                name = BUS_ERROR_STORAGE_FAILED;
                break;
        case -ENOMEM:
                return -ENOMEM;
        default:
                /* The system failed; the service logged it where it happened. */
                name = BUS_ERROR_FAILED;
                log_debug("bus: answered Failed: %s", why && why[0] ? why : strerror(-r));
                break;
        }
        return sd_bus_error_set(error, name, why && why[0] ? why : strerror(-r));
}

int bus_reply(sd_bus_message *message, sd_bus_error *error, int r, struct json_object *document, const char *why) {
        if (r < 0) {
                json_object_put(document);
                return bus_error_from_errno(error, r, why);
        }
        return bus_reply_json(message, document);
}

void bus_reply_late(sd_bus_message *call, int r, struct json_object *document, const char *why) {
        if (r >= 0) {
                bus_reply_json(call, document);
                return;
        }
        json_object_put(document);
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int e = bus_error_from_errno(&error, r, why);
        if (e < 0 && !sd_bus_error_is_set(&error))
                sd_bus_error_set_errno(&error, e);
        sd_bus_reply_method_error(call, &error);
        sd_bus_error_free(&error);
}

int bus_check_text(const char *text, const char *argument, size_t max_bytes, bool prose, sd_bus_error *error) {
        size_t n = strlen(text);
        if (max_bytes == 0 || max_bytes > TEXT_FIELD_MAX_BYTES)
                max_bytes = TEXT_FIELD_MAX_BYTES;
        if (n > max_bytes)
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                         "%s is %zu bytes long, more than the limit of %zu", argument, n, max_bytes);
        const char *problem = prose ? text_prose_problem(text, n) : text_field_problem(text, n);
        if (problem)
                return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT, "%s %s", argument, problem);
        return 0;
}

int bus_check_id(const char *id, const char *what, sd_bus_error *error) {
        size_t n = strlen(id);
        if (n > 0 && n <= IMPORT_MAX_ID_BYTES)
                return 0;
        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT, "%s must be 1..%d characters", what,
                                 IMPORT_MAX_ID_BYTES);
}

/* The service layer's signals, as the interface declares them. */
static void emit_signal(void *userdata, const struct service_signal *signal) {
        static const char *const members[SIGNAL_KIND_COUNT] = {
                [SIGNAL_SCHEDULE_CHANGED] = "ScheduleChanged",
                [SIGNAL_SESSION_REMINDER] = "SessionReminder",
                [SIGNAL_FIDELITY_CHECK_DUE] = "FidelityCheckDue",
                [SIGNAL_SESSION_MISSED] = "SessionMissed",
                [SIGNAL_ALERT] = "Alert",
        };
        struct daemon *daemon = userdata;
        sd_bus *connection = daemon->bus ? daemon->bus->connection : NULL;
        if (!connection)
                return;
        int r;
        switch (signal->kind) {
        case SIGNAL_SCHEDULE_CHANGED:
                r = sd_bus_emit_signal(connection, BUS_PATH, BUS_INTERFACE, members[signal->kind], "xs", signal->number,
                                       signal->document);
                if (r >= 0)
                        r = sd_bus_emit_properties_changed(connection, BUS_PATH, BUS_INTERFACE, "ScheduleVersion", NULL);
                break;
        case SIGNAL_ALERT:
                r = sd_bus_emit_signal(connection, BUS_PATH, BUS_INTERFACE, members[signal->kind], "xs", signal->number,
                                       signal->document);
                break;
        default:
                r = sd_bus_emit_signal(connection, BUS_PATH, BUS_INTERFACE, members[signal->kind], "ss",
                                       signal->id ? signal->id : "", signal->document);
                break;
        }
        if (r < 0)
                log_warning("bus: cannot send %s: %s", members[signal->kind], strerror(-r));
        bus_rearm(daemon);
}

int bus_start(struct daemon *daemon) {
        struct bus *bus = calloc(1, sizeof *bus);
        if (!bus)
                return -ENOMEM;
        daemon->bus = bus;
        int r = daemon->user_mode ? sd_bus_open_user(&bus->connection) : sd_bus_open_system(&bus->connection);
        if (r < 0) {
                log_error("bus: cannot connect to the %s bus: %s", daemon->user_mode ? "session" : "system",
                          strerror(-r));
                return r;
        }
        r = bus_access_install(bus->connection, daemon->user_mode);
        if (r < 0) {
                log_error("bus: cannot install the access check: %s", strerror(-r));
                return r;
        }
        if ((r = signals_set_hook(daemon, emit_signal, daemon)) < 0)
                return r;
        for (size_t i = 0; i < sizeof bus_registrations / sizeof bus_registrations[0]; i++) {
                r = bus_registrations[i](daemon);
                if (r < 0) {
                        log_error("bus: cannot register an interface: %s", strerror(-r));
                        return r;
                }
        }
        r = sd_bus_request_name(bus->connection, BUS_NAME, 0);
        if (r == -EEXIST || r == -EALREADY) {
                log_error("another pulloutd already owns %s on the %s bus; not starting a second one", BUS_NAME,
                          daemon->user_mode ? "session" : "system");
                return -EEXIST;
        }
        if (r < 0) {
                log_error("bus: cannot own %s: %s%s", BUS_NAME, strerror(-r),
                          r == -EACCES ? " (is the D-Bus policy org.pullout.Scheduler1.conf installed?)" : "");
                return r;
        }
        bus->io = event_new(daemon->base, sd_bus_get_fd(bus->connection), EV_READ | EV_PERSIST, bus_process, daemon);
        bus->timer = evtimer_new(daemon->base, bus_process, daemon);
        if (!bus->io || !bus->timer)
                return -ENOMEM;
        bus_rearm(daemon);
        return 0;
}

void bus_stop(struct daemon *daemon) {
        struct bus *bus = daemon->bus;
        if (!bus)
                return;
        if (daemon->signals)
                signals_set_hook(daemon, NULL, NULL); /* nothing leaves through a closed connection */
        if (bus->io)
                event_free(bus->io);
        if (bus->timer)
                event_free(bus->timer);
        if (bus->connection) {
                sd_bus_release_name(bus->connection, BUS_NAME);
                sd_bus_flush(bus->connection);
                sd_bus_flush_close_unref(bus->connection);
        }
        free(bus);
        daemon->bus = NULL;
}
