/* solver-school.h: builds small schools by hand for the solver's tests, a random school of a
 * given size, and an independent checker of §4's hard constraints (not the solver's own). */
#pragma once

#include <stddef.h>

#include "model/schedule.h"
#include "model/school.h"

struct school *ts_school(const char *day_start, const char *day_end, int transition);
int ts_teacher(struct school *s, const char *id, int grade);
/* policy -1: the subject's default. */
void ts_block(struct school *s, int teacher, const char *days, const char *start, const char *end, enum subject subject,
              int policy);
int ts_student(struct school *s, const char *id, const char *name, int grade, int teacher);
void ts_service(struct school *s, int student, const char *days, const char *start, const char *end);
/* programs: NULL for any, else a list of program indices terminated by -1. */
int ts_staff(struct school *s, const char *id, enum role role, int max_per_day, const int *programs);
void ts_avail(struct school *s, int staff, const char *days, const char *start, const char *end);
int ts_program(struct school *s, const char *id, enum area area, int max_group, int minutes, int sessions, int span);
int ts_need(struct school *s, int student, int program, int staff, int level);

/* A random elementary school: homerooms of 20, varied timetables, three programs. */
struct school *ts_random_school(unsigned seed, int students, double need_ratio, int interventionists);

/* Every hard constraint of §4 checked minute by minute. Returns the number of violations and
 * writes the first into first (may be NULL). pinned_from: check its pinned groups are kept. */
int ts_independent_check(const struct schedule *schedule, const struct schedule *pinned_from, char *first, size_t size);
