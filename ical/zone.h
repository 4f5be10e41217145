/* zone.h: the school's time zone for libical, named by its bare IANA name ("America/Chicago")
 * instead of libical 3.0's "/freeassociation.sourceforge.net/..." TZIDs (NOTES.md). */
#pragma once

#include <libical/ical.h>

#include "model/timeutil.h"

struct ical_zone {
        char *tzid; /* the bare IANA name, used in every TZID parameter */
        icaltimezone *zone; /* full rules under the bare TZID: conversions and set_dtstart */
        icalcomponent *vtimezone; /* a clone truncated for output, or NULL when not asked for */
};

/* Loads the builtin zone name. With truncate_from > 0, also prepares the VTIMEZONE to embed in a
 * feed, truncated to transitions from the day before truncate_from (a date in that zone).
 * 0, -ENOENT for a zone libical does not know (or one without rules, like UTC), -ENOMEM. */
int ical_zone_load(const char *name, civil_date truncate_from, struct ical_zone **ret);
/* Accepts NULL; returns NULL. */
struct ical_zone *ical_zone_free(struct ical_zone *zone);

/* The local time date at minutes (0..1440) in zone. */
struct icaltimetype ical_zone_local(const struct ical_zone *zone, civil_date date, int minutes);
