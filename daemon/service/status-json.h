/* status-json.h: what `pullout status` and `pullout import` answer, as JSON: the daemon, the
 * stored data set's counts, the clock and the settings in force (so an operator sees what a
 * reload took); an import's counts, warnings and what the district calendar gave. */
#pragma once

#include <json-c/json.h>

#include "import/import.h"
#include "store/store.h"

struct daemon;
struct ical_district;

struct json_object *status_json(const struct daemon *daemon, const struct store_counts *counts);
struct json_object *status_counts_json(const struct store_counts *counts);
/* district may be NULL (no calendar.ics). */
struct json_object *import_report_json(const char *school_name, const struct store_counts *counts,
                                       const struct import_report *report, const struct ical_district *district);
/* A backup written: its size, the schema version it holds, and that it passed the check. */
struct json_object *backup_json(size_t bytes, int schema_version);
