/* school.h: the school's data set in memory (DESIGN §3), as the importer builds it.
 * Immutable once built and shared by reference count between the loop and solver threads. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "model/timeutil.h"

enum subject {
        SUBJECT_READING,
        SUBJECT_MATH,
        SUBJECT_WRITING,
        SUBJECT_SCIENCE,
        SUBJECT_SOCIAL_STUDIES,
        SUBJECT_SPECIALS,
        SUBJECT_LUNCH,
        SUBJECT_RECESS,
        SUBJECT_INTERVENTION,
        SUBJECT_OTHER,
        SUBJECT_COUNT
};

enum policy { POLICY_NEVER, POLICY_AVOID, POLICY_OK, POLICY_PREFERRED, POLICY_COUNT };

/* Intervention areas. The first three share their name with a subject (§3's one rule). */
enum area { AREA_READING, AREA_MATH, AREA_WRITING, AREA_BEHAVIOR, AREA_COUNT };

enum role { ROLE_INTERVENTIONIST, ROLE_COORDINATOR, ROLE_COUNT };

enum calendar_kind { CALENDAR_CLOSED, CALENDAR_EARLY_RELEASE, CALENDAR_BLOCKED, CALENDAR_KIND_COUNT };

/* Name tables for the enums above, as they appear in the CSV files; NULL-terminated. */
extern const char *const subject_names[SUBJECT_COUNT + 1];
extern const char *const policy_names[POLICY_COUNT + 1];
extern const char *const area_names[AREA_COUNT + 1];
extern const char *const role_names[ROLE_COUNT + 1];
extern const char *const calendar_kind_names[CALENDAR_KIND_COUNT + 1];
/* Index of name in a table above, or -1. */
int name_lookup(const char *const *table, const char *name);
/* The policy a block gets when the CSV leaves it empty. */
enum policy subject_default_policy(enum subject subject);
/* The subject an area must never be pulled out of, or -1 (behavior). */
int area_subject(enum area area);

#define GRADE_K 0 /* grades are 0 (K) .. 12 */
#define GRADE_MAX 12

struct school_info {
        char *name;
        char *timezone; /* IANA name, e.g. "America/Chicago" */
        int day_start, day_end; /* minutes since midnight */
        civil_date term_start, term_end; /* inclusive */
        int transition_minutes;
};

struct teacher {
        char *id, *name, *email; /* email may be NULL */
        int grade;
        char *room; /* where the homeroom meets, e.g. "114"; may be NULL */
};

struct block {
        int teacher; /* index into school.teachers */
        dayset days;
        int start, end;
        enum subject subject;
        char *activity; /* may be NULL */
        enum policy policy;
};

struct student {
        char *id, *name;
        int grade;
        int teacher;
};

struct service {
        int student;
        dayset days;
        int start, end;
        char *label; /* may be NULL */
};

struct staff {
        char *id, *name, *email; /* email may be NULL */
        enum role role;
        int max_sessions_per_day; /* 0: no limit */
        int *programs; /* indices into school.programs; n_programs == 0 means any program */
        size_t n_programs;
};

struct availability {
        int staff;
        dayset days;
        int start, end;
};

struct program {
        char *id, *name;
        enum area area;
        int max_group, minutes, sessions_per_week, max_grade_span;
        char **checklist; /* fidelity items */
        size_t n_checklist;
};

struct need {
        int student, program;
        int tier;
        int sessions_per_week, minutes; /* the program's values filled in when the CSV left them empty */
        int staff; /* pinned interventionist, or -1 */
        int level; /* skill level; 0 when not given */
};

struct calendar_day {
        civil_date date;
        enum calendar_kind kind;
        int start, end; /* early_release: end is the new day end; blocked: the blocked span */
        char *label; /* may be NULL */
};

struct school {
        int refcount; /* atomic */
        struct school_info info;
        struct teacher *teachers;
        size_t n_teachers;
        struct block *blocks;
        size_t n_blocks;
        struct student *students;
        size_t n_students;
        struct service *services;
        size_t n_services;
        struct staff *staff;
        size_t n_staff;
        struct availability *availability;
        size_t n_availability;
        struct program *programs;
        size_t n_programs;
        struct need *needs;
        size_t n_needs;
        struct calendar_day *calendar;
        size_t n_calendar;
};

/* An empty school with refcount 1. NULL when out of memory. */
struct school *school_new(void);
struct school *school_ref(struct school *school);
/* Drops one reference and frees on the last. Accepts NULL; returns NULL. */
struct school *school_unref(struct school *school);

/* Lookups by id: index or -1. Linear over the sorted-by-insertion arrays; callers that look
 * up many ids build their own index (see import). */
int school_find_teacher(const struct school *school, const char *id);
int school_find_student(const struct school *school, const char *id);
int school_find_staff(const struct school *school, const char *id);
int school_find_program(const struct school *school, const char *id);
/* The need of (student, program), or -1. */
int school_find_need(const struct school *school, int student, int program);

/* True when staff may deliver program (role interventionist, trained or trained in any). */
bool staff_can_teach(const struct school *school, int staff, int program);
