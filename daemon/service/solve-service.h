/* solve-service.h: a solve on a worker thread over a snapshot of the school, its result
 * stored as a draft schedule version (published only when asked) back on the loop and reported through a completion
 * callback (the bus layer keeps the method call and answers it there). */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#include "service/why.h"

struct daemon;
struct schedule;
struct solver_stats;
struct import_file;

#define SOLVE_TIME_LIMIT_MAX 3600.0 /* seconds one solve may be given */

struct solve_request {
        double time_limit_seconds; /* <= 0: the configured limit */
        unsigned seed;
        bool seed_given;
        bool fresh;
        bool publish; /* publish the draft at once, with publish_from and allow_drop */
        char publish_from[16]; /* "" (the default), "today" or YYYY-MM-DD */
        bool allow_drop;
        /* A what-if (never published): these files (any of the data set's CSVs) laid over the
         * stored data set. Borrowed for the call only; solve_start copies them. */
        const struct import_file *what_if;
        size_t n_what_if;
};

/* How a solve ended: error 0 and the draft's report (version-service.h; the callback takes
 * it) with the search's statistics, or a negative errno with why (-ECANCELED when the daemon
 * stopped it). */
struct solve_result {
        int error;
        const char *why;
        struct json_object *report;
        const struct solver_stats *stats;
};
typedef void (*solve_done_fn)(void *userdata, const struct solve_result *result);

/* Starts a solve (with what_if: on a copy of the stored data set with the files laid over it
 * on the worker, a bad file failing the solve with -EINVAL and the import's FILE:LINE lines as
 * why); done(userdata, ...) is called on the loop when it ends, exactly once.
 * -EBUSY when one runs, -ENODATA when nothing was imported. */
int solve_start(struct daemon *daemon, const struct solve_request *request, solve_done_fn done, void *userdata,
                char why[static WHY_MAX]);
/* Whether a solve runs. */
bool solve_running(const struct daemon *daemon);
/* Stops a running solve (at shutdown): the search is cancelled, the thread joined and the
 * callback told. */
void solve_cancel(struct daemon *daemon);
