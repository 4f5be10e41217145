/* alert-service.h: what the coordinator does with alerts: read them and acknowledge them.
 * Errors as why.h says. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "service/why.h"

struct daemon;

/* Unacknowledged alerts, or all of them. */
int alerts_list(struct daemon *daemon, bool all, struct json_object **ret, char why[static WHY_MAX]);
int alerts_ack(struct daemon *daemon, int64_t alert_id, struct json_object **ret, char why[static WHY_MAX]);
