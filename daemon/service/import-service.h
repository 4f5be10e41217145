/* import-service.h: a data set from the bus into the store and the loop's state: read and
 * validated on a worker thread, stored on the loop, reported through a completion callback
 * (the bus layer keeps the method call and answers it there). */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>

#include "import/import.h"
#include "service/why.h"

struct daemon;

/* How an import ended: error 0 and report (the counts, the warnings and what the district
 * calendar gave; the callee's to keep or put), or a negative errno with why. Bad data:
 * -EBADMSG, and detail holds why then every fault, one a line. -ECANCELED at shutdown. */
struct import_result {
        int error;
        const char *why;
        const char *detail;
        struct json_object *report;
};
typedef void (*import_done_fn)(void *userdata, const struct import_result *result);

/* Starts an import of files as one data set (they must stay valid until done is called):
 * read and validated on a worker thread, then committed on the loop in one transaction with
 * the sessions ahead synced to its calendar; the new school becomes current, the published
 * schedule is re-read against it, and the change is announced. A calendar.ics among the files
 * is read as a district calendar and merged into the school's calendar. done(userdata, ...)
 * is called on the loop exactly once; nothing is changed on failure. -EBUSY while an import
 * or a solve runs. */
int import_start(struct daemon *daemon, const struct import_file *files, size_t n_files, import_done_fn done,
                 void *userdata, char why[static WHY_MAX]);
/* Whether an import is being read. */
bool import_running(const struct daemon *daemon);
/* At shutdown: waits for the reading to end, stores nothing and tells the callback. */
void import_cancel(struct daemon *daemon);
