/* status-service.h: what `pullout status` shows: the daemon, the school's counts, the clock and
 * the settings in force (so an operator sees what a reload took). */
#pragma once

#include <json-c/json.h>

#include "service/why.h"
#include "store/store.h"

struct daemon;

int status_get(struct daemon *daemon, struct json_object **ret, char why[static WHY_MAX]);
/* The stored data set's counts, as status and import show them. */
struct json_object *status_counts_json(const struct store_counts *counts);
