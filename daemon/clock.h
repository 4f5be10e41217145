/* clock.h: the daemon's notion of now. Real by default; with --clock=manual it starts at a
 * given school-local wall time and moves only when told (`pullout clock advance`). */
#pragma once

#include <stdbool.h>
#include <time.h>

struct clock {
        bool manual;
        struct tm start; /* manual: the wall time given by --now, in school local time */
        long long advanced; /* manual: seconds advanced since start */
};

/* "YYYY-MM-DDTHH:MM" (or with ":SS"). 0 or -EINVAL. */
int clock_init_manual(struct clock *clock, const char *now);
/* Seconds since the epoch. Manual wall times are read in the current TZ (the school's, set
 * by the daemon once it knows it), so a manual day stays the same local day after import. */
time_t clock_now(const struct clock *clock);
/* Manual only: -EPERM in real mode. */
int clock_advance(struct clock *clock, long long seconds);
