/* status-service.h: what `pullout status` shows (status-json.h says what it holds). */
#pragma once

#include <json-c/json.h>

#include "service/why.h"

struct daemon;

int status_get(struct daemon *daemon, struct json_object **ret, char why[static WHY_MAX]);
