/* schoolgen.h: generates realistic elementary schools in memory, and writes them as the
 * CSV data set of DESIGN §3. Tests, benchmarks and the bundled sample school use it. */
#pragma once

#include <stdbool.h>

#include "model/school.h"

struct schoolgen_params {
        unsigned seed; /* same seed and parameters: same school, byte for byte */
        int students; /* total enrolment; homerooms of about 20-25, grades K-5 */
        int interventionists; /* 0: one per ~100 students (~250 when overloaded), at least 2 */
        double need_ratio; /* share of students with an intervention need; 0: 0.2 */
        bool overloaded; /* far more needs than interventionist time allows: needs are added
                          * (at least need_ratio, default 0.45) until they ask twice the
                          * interventionists' available minutes, or every student has two */
};

/* Builds a school. 0 or a negative errno; *ret_school untouched on failure. */
int schoolgen_build(const struct schoolgen_params *params, struct school **ret_school);
/* Gives count students without a need of the first program one (its default sessions and
 * minutes): the data change after which a re-solve must place what a fresh solve places.
 * 0 or -ENOMEM. */
int schoolgen_add_needs(struct school *school, int count);
/* Writes school as CSV files (and calendar.csv) into the existing folder dir. 0 or -errno. */
int schoolgen_write_csv(const struct school *school, const char *dir);

/* How many weekdays have a window of `minutes` where the student is free (no never-block, no
 * block of the program's area, no service) and one interventionist trained in the program
 * (or `staff` when >= 0) is available throughout. */
int schoolgen_need_window_days(const struct school *school, int student, int program, int minutes, int staff);
/* Interventionists' available minutes per week. */
long schoolgen_capacity_minutes(const struct school *school);
/* A lower bound of the teaching minutes per week the needs ask for (full groups). */
long schoolgen_load_minutes(const struct school *school);
