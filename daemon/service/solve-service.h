/* solve-service.h: a solve on a worker thread over a snapshot of the school, its result
 * stored as a new schedule version back on the loop. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

struct daemon;

struct solve_request {
        double time_limit_seconds; /* <= 0: the configured limit */
        unsigned seed;
        bool seed_given;
        bool fresh;
};

/* Starts a solve answering the method call `call` when it ends (the reply is a JSON summary).
 * -EBUSY when one runs; -ENODATA when nothing was imported. */
int solve_start(struct daemon *daemon, sd_bus_message *call, const struct solve_request *request);
/* Stops a running solve (at shutdown): the search is cancelled and the thread joined. */
void solve_cancel(struct daemon *daemon);

/* Stores schedule (taking ownership) as the new published version in one transaction, makes
 * it current and signals ScheduleChanged. 0 or -errno (detail in daemon->store->error). */
int schedule_publish(struct daemon *daemon, struct schedule *schedule, unsigned seed);
