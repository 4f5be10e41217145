/* why.h: what a service call says when it refuses: a negative errno, which the bus maps to one
 * org.pullout.Error.* (bus_error_from_errno), and a sentence a person can act on.
 *   -ENOENT   NotFound          no such session, student, group, alert, feed
 *   -EINVAL   InvalidArgument   a bad argument
 *   -EBADMSG  InvalidData       a file that does not hold what it should (import)
 *   -EEXIST, -EALREADY, -EMFILE Conflict   against the state (already done, a limit reached)
 *   -ENODATA  NotReady          nothing imported or solved yet
 *   -EBUSY    Busy              a solve is running
 *   -EOPNOTSUPP NotSupported    not in this mode (the real clock)
 *   -EIO      StorageFailed     the database refused (disk full, locked elsewhere, file deleted):
 *                               the store's errno; why carries sqlite's own words (store_error)
 *   other     Failed            the system (a solve that failed, a thread that did not start) */
#pragma once

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WHY_MAX 512

/* Fills why and returns r, so that a refusal is one statement. */
static inline int why_set(char why[static WHY_MAX], int r, const char *format, ...)
        __attribute__((format(printf, 3, 4)));
static inline int why_set(char why[static WHY_MAX], int r, const char *format, ...) {
        va_list ap;
        va_start(ap, format);
        vsnprintf(why, WHY_MAX, format, ap);
        va_end(ap);
        return r;
}

/* A refusal that lists every fault of a file, one a line after head (an import's): malloc'd,
 * NULL when out of memory. */
static inline char *why_lines(const char *head, char *const *lines, size_t n) {
        size_t size = strlen(head) + 1;
        for (size_t i = 0; i < n; i++)
                size += strlen(lines[i]) + 1;
        char *text = malloc(size), *p = text;
        if (!text)
                return NULL;
        p = stpcpy(p, head);
        for (size_t i = 0; i < n; i++) {
                *p++ = '\n';
                p = stpcpy(p, lines[i]);
        }
        return text;
}
