/* db-guard.h: the database file watched: a marker that says it existed, and a timer that
 * notices when it is deleted or replaced under the running daemon. */
#pragma once

#include <stdbool.h>

struct daemon;

/* Before the store opens it: whether the database is about to be created. In --system mode
 * a missing database whose marker says it existed is refused (-ENOENT, logged with what to
 * do): the daemon stops rather than start an empty school. */
int db_guard_before_open(struct daemon *daemon, bool *ret_creating);
/* After the store opened it: says so when it was created, and (--system) leaves the marker. */
int db_guard_after_open(struct daemon *daemon, bool created);
/* Looks at the database file every few seconds; logs loudly once when it was deleted or
 * replaced (changes are refused by the store from then on) and when it is back. */
int db_guard_start(struct daemon *daemon);
void db_guard_stop(struct daemon *daemon);
