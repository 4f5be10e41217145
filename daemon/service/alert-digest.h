/* alert-digest.h: [alerts] digest = HH:MM (DESIGN §6): the alert command runs once a school day
 * at that time with one document, {"kind": "digest"}, of the alerts new, still open and
 * resolved since the last digest, instead of once per alert. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/alert-store.h"

struct daemon;

/* When the next digest is due (the day's time on a school day with none made yet), or 0 when
 * no digest is configured. */
time_t alert_digest_next(struct daemon *daemon);
/* The digest document as of now and the alerts it reports (the caller frees both), or NULL when
 * there is nothing to report. */
struct json_object *alert_digest_build(struct daemon *daemon, struct store_alert **ret_alerts, size_t *ret_n);
/* The day's digest was handed over (delivered: the command succeeded, so its alerts are
 * reported as their state now; else they stay for the next). */
void alert_digest_done(struct daemon *daemon, const struct store_alert *alerts, size_t n, bool delivered);
/* The staff.csv coordinators that have an email, as [{"staff_id", "name", "email"}]: who the
 * alert command (pullout-alert-mail) writes to. */
struct json_object *alert_coordinators_json(struct daemon *daemon);
