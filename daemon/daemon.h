/* daemon.h: the state of pulloutd, owned by its one libevent loop. Modules that need more
 * than their own arguments take a struct daemon. */
#pragma once

#include <event2/event.h>
#include <stdbool.h>

#include "clock.h"
#include "conf.h"
#include "model/schedule.h"
#include "model/school.h"
#include "store/store.h"

struct alert_command;
struct backup_job;
struct bus;
struct feeds;
struct http_server;
struct import_job;
struct signal_queue;
struct solve_job;
struct what_if_read;

struct daemon {
        struct event_base *base;
        bool user_mode; /* --user: the session bus and $XDG_STATE_HOME */
        char *conf_path; /* NULL: none (user mode without --config) */
        struct conf conf;
        char *db_path;
        struct clock clock;

        struct store *store;
        struct school *school; /* the current data set, NULL before the first import */
        struct schedule *schedule; /* the published schedule version, NULL before the first publication */
        civil_date published_from; /* the day it took effect: sessions before it stay the earlier version's */

        struct bus *bus; /* bus.c: the connection and its watch on the loop; NULL off the bus */
        struct http_server *http; /* http.c */
        /* The service layer's state (daemon/service/). */
        struct solve_job *solve; /* solve-service.c: the running solve, NULL when none */
        struct import_job *import; /* import-service.c: the import being read, NULL when none */
        struct signal_queue *signals; /* signal-queue.c: signals waiting for a commit, the bus's hook */
        struct event *session_timer; /* session-timer.c: the next due session event, or the next try */
        int session_failures; /* session-timer.c: tries of the timer's work that failed in a row */
        civil_date sessions_stored_to; /* session-sync.c: the published schedule's sessions are stored through this day */
        struct alert_command *alert_command; /* alert-command.c: the child running, its watchers */
        struct feeds *feeds; /* feed-service.c: the feeds and their cached bytes */
        struct backup_job *backup; /* backup-service.c: the backup being written, NULL when none */
        struct what_if_read *what_if_reads; /* what-if-read.c: the what-ifs being read, a list */

        struct event *db_watch; /* db-guard.c: looks at the database file */
        bool db_moved; /* db-guard.c: the open file was deleted or replaced (said once) */

        struct event *signal_events[4];
        struct event *watchdog;
        int exit_code;
};

/* Time stamps as stored and shown: "YYYY-MM-DDTHH:MM:SS" in school local time. */
void daemon_format_time(time_t when, char buf[static 32]);
/* Sets TZ to school's zone (no change for NULL). */
void daemon_set_zone(const struct school *school);
/* Makes school the current data set (takes a reference) and sets TZ to its zone. */
void daemon_set_school(struct daemon *daemon, struct school *school);
/* Replaces the current schedule (takes ownership). */
void daemon_set_schedule(struct daemon *daemon, struct schedule *schedule);
