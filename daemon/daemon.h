/* daemon.h: the state of pulloutd, owned by its one libevent loop. Modules that need more
 * than their own arguments take a struct daemon. */
#pragma once

#include <event2/event.h>
#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "clock.h"
#include "conf.h"
#include "model/schedule.h"
#include "model/school.h"
#include "store/store.h"

struct bus_watch;
struct solve_job;
struct sessions_runtime;
struct feeds;
struct http_server;

struct daemon {
        struct event_base *base;
        bool user_mode; /* --user: the session bus and $XDG_STATE_HOME */
        char *conf_path; /* NULL: none (user mode without --config) */
        struct conf conf;
        char *db_path;
        struct clock clock;

        struct store *store;
        struct school *school; /* the current data set, NULL before the first import */
        struct schedule *schedule; /* the latest schedule version, NULL before the first solve */

        sd_bus *bus;
        struct bus_watch *bus_watch;
        struct solve_job *solve; /* the running solve, NULL when none */
        struct sessions_runtime *sessions; /* timers and alert command of service/sessions.c */
        struct feeds *feeds; /* service/feed-service.h */
        struct http_server *http; /* http.c */

        struct event *signal_events[4];
        struct event *watchdog;
        int exit_code;
};

/* Time stamps as stored and shown: "YYYY-MM-DDTHH:MM:SS" in school local time. */
void daemon_format_time(time_t when, char buf[static 32]);
/* Makes school the current data set (takes a reference) and sets TZ to its zone. */
void daemon_set_school(struct daemon *daemon, struct school *school);
/* Replaces the current schedule (takes ownership). */
void daemon_set_schedule(struct daemon *daemon, struct schedule *schedule);
