/* backup-service.h: a consistent copy of the live database into a file descriptor the caller
 * opened, taken on the loop and written out on a worker thread; the end is reported through
 * a completion callback (the bus layer keeps the method call and answers it there). */
#pragma once

#include <json-c/json.h>

#include "service/why.h"

struct daemon;

/* How a backup ended: error 0 and answer ({"bytes", "schema_version", "integrity_check"},
 * the callee's to keep or put), or a negative errno with why (-ECANCELED at shutdown). */
typedef void (*backup_done_fn)(void *userdata, int error, const char *why, struct json_object *answer);

/* Starts a backup into fd (a file open for writing, a pipe or a socket; the daemon keeps its
 * own duplicate). done(userdata, ...) is called on the loop exactly once. -EBUSY while one is
 * being written, -EINVAL for a descriptor that cannot take it. */
int backup_start(struct daemon *daemon, int fd, backup_done_fn done, void *userdata, char why[static WHY_MAX]);
/* At shutdown: the copy is abandoned, its thread joined and the callback told. */
void backup_cancel(struct daemon *daemon);
