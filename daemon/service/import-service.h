/* import-service.h: a data set from the bus into the store and the loop's state. */
#pragma once

#include "ical/district.h"
#include "import/import.h"
#include "store/store.h"

struct daemon;

/* Validates files as one data set and commits it in one transaction. On success the new
 * school is current and the latest schedule is re-read against it. On bad data returns
 * -EINVAL with every fault in report; on a store failure -EIO with the detail in
 * daemon->store->error. Nothing is changed on failure. A calendar.ics among the files is
 * read as a district calendar and merged into the school's calendar; what it contributed
 * (taken and ignored lines) comes back in *ret_district (may be NULL; NULL without one). */
int service_import(struct daemon *daemon, const struct import_file *files, size_t n_files,
                   struct import_report *report, struct ical_district **ret_district);
