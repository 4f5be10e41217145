/* zone.c: the school's time zone as libical needs it for feeds and district calendars.
 * libical 3.0 prefixes builtin TZIDs; clients want the bare IANA name, so the zone is rebuilt. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ical/zone.h"

struct ical_zone *ical_zone_free(struct ical_zone *zone) {
        if (!zone)
                return NULL;
        if (zone->zone)
                icaltimezone_free(zone->zone, 1);
        if (zone->vtimezone)
                icalcomponent_free(zone->vtimezone);
        free(zone->tzid);
        free(zone);
        return NULL;
}

static void rename_tzid(icalcomponent *vtimezone, const char *tzid) {
        icalproperty *property = icalcomponent_get_first_property(vtimezone, ICAL_TZID_PROPERTY);
        if (property)
                icalproperty_set_tzid(property, tzid);
        else
                icalcomponent_add_property(vtimezone, icalproperty_new_tzid(tzid));
}

int ical_zone_load(const char *name, civil_date truncate_from, struct ical_zone **ret) {
        struct ical_zone *zone = NULL;
        icalcomponent *full = NULL;
        int r;

        if (!name || !name[0]) {
                r = -ENOENT;
                goto finish;
        }
        icaltimezone *builtin = icaltimezone_get_builtin_timezone(name);
        icalcomponent *builtin_component = builtin ? icaltimezone_get_component(builtin) : NULL;
        if (!builtin_component) {
                r = -ENOENT;
                goto finish;
        }
        zone = calloc(1, sizeof *zone);
        if (!zone || !(zone->tzid = strdup(name))) {
                r = -ENOMEM;
                goto finish;
        }
        full = icalcomponent_new_clone(builtin_component);
        if (!full) {
                r = -ENOMEM;
                goto finish;
        }
        rename_tzid(full, zone->tzid);

        if (truncate_from > 0) {
                zone->vtimezone = icalcomponent_new_clone(full);
                if (!zone->vtimezone) {
                        r = -ENOMEM;
                        goto finish;
                }
                /* A day of margin: the truncation point is UTC, the date is local. */
                int year, month, day;
                date_to_ymd(truncate_from - 1, &year, &month, &day);
                struct icaltimetype start = icaltime_null_time();
                start.year = year;
                start.month = month;
                start.day = day;
                start = icaltime_set_timezone(&start, icaltimezone_get_utc_timezone());
                icaltimezone_truncate_vtimezone(zone->vtimezone, start, icaltime_null_time(), 0);
        }

        zone->zone = icaltimezone_new();
        if (!zone->zone || !icaltimezone_set_component(zone->zone, full)) {
                r = -ENOMEM;
                goto finish;
        }
        full = NULL; /* owned by zone->zone now */
        *ret = zone;
        zone = NULL;
        r = 0;
finish:
        if (full)
                icalcomponent_free(full);
        ical_zone_free(zone);
        return r;
}

struct icaltimetype ical_zone_local(const struct ical_zone *zone, civil_date date, int minutes) {
        int year, month, day;
        if (minutes >= 24 * 60) {
                date++;
                minutes -= 24 * 60;
        }
        date_to_ymd(date, &year, &month, &day);
        struct icaltimetype time = icaltime_null_time();
        time.year = year;
        time.month = month;
        time.day = day;
        time.hour = minutes / 60;
        time.minute = minutes % 60;
        time.is_date = 0;
        return icaltime_set_timezone(&time, zone->zone);
}
