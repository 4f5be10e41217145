/* import-service.h: a data set from the bus into the store and the loop's state. */
#pragma once

#include <json-c/json.h>

#include "import/import.h"
#include "service/why.h"

struct daemon;

/* Validates files as one data set and commits it in one transaction; the new school becomes
 * current, the published schedule is re-read against it, and the change is announced. A
 * calendar.ics among the files is read as a district calendar and merged into the school's
 * calendar. Answered with the counts, the warnings and what the district calendar gave.
 * Bad data: -EBADMSG with every fault, one a line, in *ret_detail (malloc'd); other errors as
 * why.h says (-EBUSY while a solve runs). Nothing is changed on failure. */
int service_import(struct daemon *daemon, const struct import_file *files, size_t n_files, struct json_object **ret,
                   char **ret_detail, char why[static WHY_MAX]);
