/* report-service.h: what the coordinator reads (DESIGN §6): dosage per student and group, this
 * week and over the rolling window, and the dosage and fidelity reports, worst first. Errors
 * as why.h says. */
#pragma once

#include <json-c/json.h>

#include "service/why.h"

struct daemon;

/* kind "" (everyone), "student" or "group". */
int report_dosage(struct daemon *daemon, const char *kind, const char *id, struct json_object **ret,
                  char why[static WHY_MAX]);
/* report "dosage" or "fidelity"; program_id and staff_id narrow it (NULL: all). */
int report_run(struct daemon *daemon, const char *report, const char *program_id, const char *staff_id,
               struct json_object **ret, char why[static WHY_MAX]);
