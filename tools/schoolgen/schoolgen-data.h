/* schoolgen-data.h: the fixed tables the school generator draws from (timetables per grade,
 * programs, staff profiles, names, the 2026-27 calendar). Internal to tools/schoolgen/. */
#pragma once

#include "model/school.h"

/* One homeroom block of a grade's master timetable. SUBJECT_SPECIALS rows are expanded into
 * a weekly rotation (art, music, PE, library). policy -1 takes the subject's default. */
struct schoolgen_block_template {
        const char *start, *end;
        enum subject subject;
        const char *activity;
        const char *days;
        int policy;
};

#define SCHOOLGEN_GRADES 6 /* K..5 */
#define SCHOOLGEN_MAX_TEMPLATE_BLOCKS 16

struct schoolgen_grade_template {
        struct schoolgen_block_template blocks[SCHOOLGEN_MAX_TEMPLATE_BLOCKS];
};

extern const struct schoolgen_grade_template schoolgen_grades[SCHOOLGEN_GRADES];
extern const char *const schoolgen_specials[4];

struct schoolgen_program_template {
        const char *id, *name;
        enum area area;
        int max_group, minutes, sessions_per_week, max_grade_span;
        const char *checklist; /* items separated by ';' */
        int weight[SCHOOLGEN_GRADES]; /* how often a need of each grade is in this program */
};

#define SCHOOLGEN_PROGRAMS 6
extern const struct schoolgen_program_template schoolgen_programs[SCHOOLGEN_PROGRAMS];

struct schoolgen_window {
        const char *days, *start, *end;
};

/* An interventionist's profile: what they are trained in and when they work. */
struct schoolgen_staff_template {
        const char *programs; /* program ids separated by ';', empty: any */
        int max_sessions_per_day;
        struct schoolgen_window availability[3];
};

#define SCHOOLGEN_STAFF_PROFILES 6
extern const struct schoolgen_staff_template schoolgen_staff_profiles[SCHOOLGEN_STAFF_PROFILES];

struct schoolgen_name {
        const char *name;
        const char *ascii; /* for e-mail addresses; NULL: name is ASCII already */
};

extern const struct schoolgen_name schoolgen_first_names[];
extern const size_t schoolgen_n_first_names;
extern const struct schoolgen_name schoolgen_last_names[];
extern const size_t schoolgen_n_last_names;

struct schoolgen_calendar_entry {
        const char *date, *last; /* last: NULL for a single day, else an inclusive range */
        enum calendar_kind kind;
        const char *start, *end, *label;
};

extern const struct schoolgen_calendar_entry schoolgen_calendar[];
extern const size_t schoolgen_n_calendar;
