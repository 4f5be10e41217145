/* what-if-read.h: the data sets what-ifs were solved on, read back from the files stored with
 * them on a worker thread (the read grows with the school), ended on the loop through a
 * completion callback. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "service/why.h"

struct daemon;
struct school;

/* Reads running at once; one more is -EBUSY (each holds a thread and a copy of its files). */
#define WHAT_IF_READS_MAX 4
/* Versions read by one call: a diff's two. */
#define WHAT_IF_READ_VERSIONS_MAX 2

/* How a read ended, on the loop: error 0 and schools[i] the data set of versions[i] (the
 * callee's to keep with school_ref for longer than the call), or a negative errno with why
 * (-ECANCELED at shutdown) and schools NULL. */
typedef void (*what_if_read_fn)(struct daemon *daemon, void *userdata, int error, const char *why,
                                struct school *const *schools);

/* Starts reading the data sets of the what-if versions[0..n) (1..WHAT_IF_READ_VERSIONS_MAX):
 * their files are taken from the store now, on the loop, and read as an import reads them on
 * a worker thread. done(daemon, userdata, ...) is called on the loop exactly once, never
 * before this returns 0. On failure (a what-if stored before what-ifs kept their files: -EPERM;
 * the store: -EIO; WHAT_IF_READS_MAX running: -EBUSY) done is never called. */
int what_if_read_start(struct daemon *daemon, const int64_t *versions, size_t n, what_if_read_fn done,
                       void *userdata, char why[static WHY_MAX]);
/* At shutdown: waits for every read's thread and tells each callback -ECANCELED. */
void what_if_read_cancel(struct daemon *daemon);
