/* local-time.h: the school's wall time. The daemon's TZ is the school's zone (set when a data
 * set is made current), so these are plain mktime/localtime over it. */
#pragma once

#include <time.h>

#include "model/timeutil.h"

struct daemon;

/* The moment of minute (since midnight) on date, in school time. */
time_t local_time_of(civil_date date, int minute);
/* The school-time date of a moment and, when ret_minute is not NULL, its minute of the day. */
civil_date local_date_of(time_t when, int *ret_minute);
/* The next local midnight after now: when the stored horizon moves a day. */
time_t local_next_midnight(time_t now);
/* Today by the daemon's (possibly manual) clock. */
civil_date local_today(const struct daemon *daemon);
