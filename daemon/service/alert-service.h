/* alert-service.h: what the coordinator does with alerts: read them and acknowledge them.
 * Errors as why.h says. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "service/why.h"
#include "store/alert-store.h"

struct daemon;

/* The alerts the filter lets through (open ones unless filter->all). */
int alerts_list(struct daemon *daemon, const struct store_alert_filter *filter, struct json_object **ret,
                char why[static WHY_MAX]);
/* One alert's document: what a listener of the Alert signal (ids only) fetches. */
int alerts_get(struct daemon *daemon, int64_t alert_id, struct json_object **ret, char why[static WHY_MAX]);
/* Acknowledges the n alerts ids, all of them or (a wrong or settled one) none. */
int alerts_ack(struct daemon *daemon, const int64_t *ids, size_t n, struct json_object **ret,
               char why[static WHY_MAX]);
/* Acknowledges every open alert of kind first seen before the day before (NULL: all). */
int alerts_ack_kind(struct daemon *daemon, const char *kind, const char *before, struct json_object **ret,
                    char why[static WHY_MAX]);
