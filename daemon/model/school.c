/* school.c: life cycle and lookups of the in-memory school data set.
 * The reference count is atomic because a solve on the worker thread holds its own reference. */
#include <stdlib.h>
#include <string.h>

#include "model/school.h"

const char *const subject_names[SUBJECT_COUNT + 1] = {
        "reading", "math", "writing", "science", "social_studies",
        "specials", "lunch", "recess", "intervention", "other", NULL,
};
const char *const policy_names[POLICY_COUNT + 1] = { "never", "avoid", "ok", "preferred", NULL };
const char *const area_names[AREA_COUNT + 1] = { "reading", "math", "writing", "behavior", NULL };
const char *const role_names[ROLE_COUNT + 1] = { "interventionist", "coordinator", NULL };
const char *const calendar_kind_names[CALENDAR_KIND_COUNT + 1] = { "closed", "early_release", "blocked", NULL };

int name_lookup(const char *const *table, const char *name) {
        if (!name)
                return -1;
        for (int i = 0; table[i]; i++)
                if (strcmp(table[i], name) == 0)
                        return i;
        return -1;
}

enum policy subject_default_policy(enum subject subject) {
        switch (subject) {
        case SUBJECT_READING:
        case SUBJECT_MATH:
        case SUBJECT_SPECIALS:
        case SUBJECT_LUNCH:
        case SUBJECT_RECESS:
                return POLICY_NEVER;
        case SUBJECT_WRITING:
        case SUBJECT_SCIENCE:
        case SUBJECT_SOCIAL_STUDIES:
                return POLICY_AVOID;
        case SUBJECT_INTERVENTION:
                return POLICY_PREFERRED;
        default:
                return POLICY_OK;
        }
}

int area_subject(enum area area) {
        switch (area) {
        case AREA_READING:
                return SUBJECT_READING;
        case AREA_MATH:
                return SUBJECT_MATH;
        case AREA_WRITING:
                return SUBJECT_WRITING;
        default:
                return -1;
        }
}

struct school *school_new(void) {
        struct school *school = calloc(1, sizeof *school);
        if (school)
                school->refcount = 1;
        return school;
}

struct school *school_ref(struct school *school) {
        if (school)
                __atomic_add_fetch(&school->refcount, 1, __ATOMIC_RELAXED);
        return school;
}

static void free_strings(char **strings, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(strings[i]);
        free(strings);
}

static void school_free(struct school *school) {
        free(school->info.name);
        free(school->info.timezone);
        for (size_t i = 0; i < school->n_teachers; i++) {
                free(school->teachers[i].id);
                free(school->teachers[i].name);
                free(school->teachers[i].email);
                free(school->teachers[i].room);
        }
        free(school->teachers);
        for (size_t i = 0; i < school->n_blocks; i++)
                free(school->blocks[i].activity);
        free(school->blocks);
        for (size_t i = 0; i < school->n_students; i++) {
                free(school->students[i].id);
                free(school->students[i].name);
        }
        free(school->students);
        for (size_t i = 0; i < school->n_services; i++)
                free(school->services[i].label);
        free(school->services);
        for (size_t i = 0; i < school->n_staff; i++) {
                free(school->staff[i].id);
                free(school->staff[i].name);
                free(school->staff[i].email);
                free(school->staff[i].programs);
        }
        free(school->staff);
        free(school->availability);
        for (size_t i = 0; i < school->n_programs; i++) {
                free(school->programs[i].id);
                free(school->programs[i].name);
                free_strings(school->programs[i].checklist, school->programs[i].n_checklist);
        }
        free(school->programs);
        free(school->needs);
        for (size_t i = 0; i < school->n_calendar; i++)
                free(school->calendar[i].label);
        free(school->calendar);
        free(school);
}

struct school *school_unref(struct school *school) {
        if (school && __atomic_sub_fetch(&school->refcount, 1, __ATOMIC_ACQ_REL) == 0)
                school_free(school);
        return NULL;
}

#define DEFINE_FIND(func, array, count)                                        \
        int func(const struct school *school, const char *id) {               \
                for (size_t i = 0; id && i < school->count; i++)              \
                        if (strcmp(school->array[i].id, id) == 0)             \
                                return (int)i;                                \
                return -1;                                                    \
        }

DEFINE_FIND(school_find_teacher, teachers, n_teachers)
DEFINE_FIND(school_find_student, students, n_students)
DEFINE_FIND(school_find_staff, staff, n_staff)
DEFINE_FIND(school_find_program, programs, n_programs)

int school_find_need(const struct school *school, int student, int program) {
        for (size_t i = 0; i < school->n_needs; i++)
                if (school->needs[i].student == student && school->needs[i].program == program)
                        return (int)i;
        return -1;
}

bool staff_can_teach(const struct school *school, int staff, int program) {
        const struct staff *s = &school->staff[staff];
        if (s->role != ROLE_INTERVENTIONIST)
                return false;
        if (s->n_programs == 0)
                return true;
        for (size_t i = 0; i < s->n_programs; i++)
                if (s->programs[i] == program)
                        return true;
        return false;
}
