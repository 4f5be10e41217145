/* bus.c: attaches sd-bus to libevent. Before each wait the fd's events and the bus timeout
 * (absolute CLOCK_MONOTONIC µs) are re-armed, since libevent 2.1 has no prepare hook. */
#include <errno.h>
#include <event2/event.h>
#include <string.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "bus.h"
#include "daemon.h"
#include "log.h"

struct bus_watch {
        struct daemon *daemon;
        struct event *io;
        struct event *timer;
        short armed_flags;
};

typedef int (*bus_register_fn)(struct daemon *daemon);

/* Every interface file's registration, in one place. */
static const bus_register_fn bus_registrations[] = {
        bus_scheduler_register,
        bus_schedule_register,
        bus_progress_register,
        bus_sessions_register,
        bus_feeds_register,
};

static void bus_process(evutil_socket_t fd, short what, void *userdata);

void bus_rearm(struct daemon *daemon) {
        struct bus_watch *watch = daemon->bus_watch;
        if (!watch || !daemon->bus)
                return;
        int events = sd_bus_get_events(daemon->bus);
        if (events < 0) {
                log_error("bus: connection lost (%s), shutting down", strerror(-events));
                daemon->exit_code = 1;
                event_base_loopexit(daemon->base, NULL);
                return;
        }
        short flags = EV_PERSIST | ((events & POLLIN) ? EV_READ : 0) | ((events & POLLOUT) ? EV_WRITE : 0);
        if (flags != watch->armed_flags) {
                event_del(watch->io);
                event_assign(watch->io, daemon->base, sd_bus_get_fd(daemon->bus), flags, bus_process, daemon);
                event_add(watch->io, NULL);
                watch->armed_flags = flags;
        }

        uint64_t until;
        if (sd_bus_get_timeout(daemon->bus, &until) < 0 || until == UINT64_MAX) {
                evtimer_del(watch->timer);
                return;
        }
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        uint64_t now_usec = (uint64_t)now.tv_sec * 1000000u + (uint64_t)now.tv_nsec / 1000u;
        uint64_t delay = until > now_usec ? until - now_usec : 0;
        /* libevent's clock is coarse: round up so the timer never fires early and spins. */
        delay = (delay + 999) / 1000 * 1000;
        struct timeval tv = { .tv_sec = (time_t)(delay / 1000000u), .tv_usec = (suseconds_t)(delay % 1000000u) };
        evtimer_add(watch->timer, &tv);
}

static void bus_process(evutil_socket_t fd, short what, void *userdata) {
        struct daemon *daemon = userdata;
        for (;;) {
                int r = sd_bus_process(daemon->bus, NULL);
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

int bus_start(struct daemon *daemon) {
        int r = daemon->user_mode ? sd_bus_open_user(&daemon->bus) : sd_bus_open_system(&daemon->bus);
        if (r < 0) {
                log_error("bus: cannot connect to the %s bus: %s", daemon->user_mode ? "session" : "system",
                          strerror(-r));
                return r;
        }
        r = bus_access_install(daemon->bus, daemon->user_mode);
        if (r < 0) {
                log_error("bus: cannot install the access check: %s", strerror(-r));
                return r;
        }
        for (size_t i = 0; i < sizeof bus_registrations / sizeof bus_registrations[0]; i++) {
                r = bus_registrations[i](daemon);
                if (r < 0) {
                        log_error("bus: cannot register an interface: %s", strerror(-r));
                        return r;
                }
        }
        r = sd_bus_request_name(daemon->bus, BUS_NAME, 0);
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
        struct bus_watch *watch = calloc(1, sizeof *watch);
        if (!watch)
                return -ENOMEM;
        watch->daemon = daemon;
        watch->io = event_new(daemon->base, sd_bus_get_fd(daemon->bus), EV_READ | EV_PERSIST, bus_process, daemon);
        watch->timer = evtimer_new(daemon->base, bus_process, daemon);
        watch->armed_flags = 0;
        if (!watch->io || !watch->timer) {
                if (watch->io)
                        event_free(watch->io);
                if (watch->timer)
                        event_free(watch->timer);
                free(watch);
                return -ENOMEM;
        }
        daemon->bus_watch = watch;
        bus_rearm(daemon);
        return 0;
}

void bus_stop(struct daemon *daemon) {
        if (daemon->bus_watch) {
                event_free(daemon->bus_watch->io);
                event_free(daemon->bus_watch->timer);
                free(daemon->bus_watch);
                daemon->bus_watch = NULL;
        }
        if (daemon->bus) {
                sd_bus_release_name(daemon->bus, BUS_NAME);
                sd_bus_flush(daemon->bus);
                daemon->bus = sd_bus_flush_close_unref(daemon->bus);
        }
}
