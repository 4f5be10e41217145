/* student-lookup.h: a student named the way a person types it: the id, the whole name or an
 * unambiguous part of it, without sending the school's names to anyone. */
#pragma once

#include "service/why.h"

struct daemon;

#define STUDENT_LOOKUP_CANDIDATES_SHOWN 8

/* The student text names, in the current data set: an exact id first, then a name equal to
 * text (case-insensitive), then the names containing it. Its id into id_buf. -ENOENT none,
 * -EINVAL several (why lists them: "Name (id)", at most STUDENT_LOOKUP_CANDIDATES_SHOWN),
 * -ENODATA nothing imported yet. */
int student_lookup(struct daemon *daemon, const char *text, char *id_buf, size_t size, char why[static WHY_MAX]);
