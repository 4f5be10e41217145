/* school-fixture.c: the hand-built school of school-fixture.h. Aborts when out of memory:
 * a test without its fixture has nothing to say. */
#include <stdlib.h>
#include <string.h>

#include "school-fixture.h"

static char *copy(const char *text) {
        char *result = strdup(text);
        if (!result)
                abort();
        return result;
}

static void *array(size_t n, size_t size) {
        void *result = calloc(n, size);
        if (!result)
                abort();
        return result;
}

static civil_date date(const char *text) {
        civil_date result = 0;
        if (date_parse(text, &result) < 0)
                abort();
        return result;
}

struct school *fixture_school(void) {
        struct school *school = school_new();
        if (!school)
                abort();
        school->info = (struct school_info){
                .name = copy("Maple Elementary"),
                .timezone = copy("America/Chicago"),
                .day_start = 8 * 60,
                .day_end = 15 * 60,
                .term_start = date("2026-09-14"),
                .term_end = date("2026-11-20"),
                .transition_minutes = 5,
        };

        school->n_teachers = 2;
        school->teachers = array(2, sizeof *school->teachers);
        school->teachers[0] = (struct teacher){ copy("T1"), copy("Dana Okafor"), NULL, 2, NULL };
        school->teachers[1] = (struct teacher){ copy("T2"), copy("Miguel Santos"), NULL, 3, NULL };

        school->n_students = 4;
        school->students = array(4, sizeof *school->students);
        school->students[0] = (struct student){ copy("1021"), copy("Ada Nguyen"), 2, 0 };
        school->students[1] = (struct student){ copy("1033"), copy("Jon Smith"), 2, 0 };
        school->students[2] = (struct student){ copy("1044"), copy("Lena Park"), 3, 1 };
        school->students[3] = (struct student){ copy("1052"), copy("Omar Haddad"), 3, 1 };

        school->n_staff = 2;
        school->staff = array(2, sizeof *school->staff);
        school->staff[0] = (struct staff){ .id = copy("S1"), .name = copy("Dana Whitfield"),
                                           .email = copy("dwhitfield@maple.example"),
                                           .role = ROLE_INTERVENTIONIST };
        school->staff[1] = (struct staff){ .id = copy("S2"), .name = copy("Rosa Díaz"),
                                           .role = ROLE_INTERVENTIONIST };

        school->n_programs = 2;
        school->programs = array(2, sizeof *school->programs);
        school->programs[0] = (struct program){ .id = copy("LLI-P"), .name = copy("LLI Primary"),
                                                .area = AREA_READING, .max_group = 3, .minutes = 30,
                                                .sessions_per_week = 5, .max_grade_span = 1 };
        school->programs[1] = (struct program){ .id = copy("BRIDGES"), .name = copy("Bridges Math"),
                                                .area = AREA_MATH, .max_group = 4, .minutes = 40,
                                                .sessions_per_week = 3, .max_grade_span = 1 };

        school->n_needs = 5;
        school->needs = array(5, sizeof *school->needs);
        school->needs[0] = (struct need){ .student = 0, .program = 0, .tier = 2, .sessions_per_week = 5, .minutes = 30, .staff = -1 };
        school->needs[1] = (struct need){ .student = 1, .program = 0, .tier = 2, .sessions_per_week = 5, .minutes = 30, .staff = -1 };
        school->needs[2] = (struct need){ .student = 2, .program = 0, .tier = 3, .sessions_per_week = 5, .minutes = 30, .staff = -1 };
        school->needs[3] = (struct need){ .student = 3, .program = 1, .tier = 2, .sessions_per_week = 3, .minutes = 40, .staff = -1 };
        school->needs[4] = (struct need){ .student = 0, .program = 1, .tier = 3, .sessions_per_week = 3, .minutes = 40, .staff = -1 };

        static const struct {
                const char *date;
                enum calendar_kind kind;
                int start, end;
                const char *label;
        } days[] = {
                { "2026-10-12", CALENDAR_CLOSED, 0, 0, "Fall Holiday" },
                { "2026-10-23", CALENDAR_EARLY_RELEASE, 0, 12 * 60, NULL },
                { "2026-10-28", CALENDAR_BLOCKED, 9 * 60 + 30, 10 * 60 + 20, "Assembly" },
                { "2026-10-29", CALENDAR_BLOCKED, 9 * 60, 9 * 60 + 40, "Fire drill" },
                { "2026-11-11", CALENDAR_BLOCKED, 10 * 60, 11 * 60, "Parade" },
                { "2026-11-11", CALENDAR_CLOSED, 0, 0, "Veterans Day" },
                { "2026-10-03", CALENDAR_CLOSED, 0, 0, "Saturday closure" },
        };
        school->n_calendar = sizeof days / sizeof days[0];
        school->calendar = array(school->n_calendar, sizeof *school->calendar);
        for (size_t i = 0; i < school->n_calendar; i++)
                school->calendar[i] = (struct calendar_day){
                        .date = date(days[i].date),
                        .kind = days[i].kind,
                        .start = days[i].start,
                        .end = days[i].end,
                        .label = days[i].label ? copy(days[i].label) : NULL,
                };
        return school;
}

struct schedule *fixture_schedule(void) {
        struct school *school = fixture_school();
        struct schedule *schedule = schedule_new(school);
        school_unref(school);
        if (!schedule)
                abort();

        int g1_needs[] = { 0, 1, 2 };
        struct group g1 = { .id = "G1", .program = 0, .staff = 0, .needs = g1_needs, .n_needs = 3 };
        for (int day = DAY_MON; day <= DAY_THU; day++)
                g1.meetings[g1.n_meetings++] = (struct meeting){ day, 9 * 60 + 40, 10 * 60 + 10 };
        g1.meetings[g1.n_meetings++] = (struct meeting){ DAY_FRI, 13 * 60, 13 * 60 + 30 };

        int g2_needs[] = { 3, 4 };
        struct group g2 = { .id = "G2", .program = 1, .staff = 1, .needs = g2_needs, .n_needs = 2 };
        for (int day = DAY_MON; day <= DAY_FRI; day += 2)
                g2.meetings[g2.n_meetings++] = (struct meeting){ day, 10 * 60 + 15, 10 * 60 + 55 };

        if (schedule_add_group(schedule, &g1) < 0 || schedule_add_group(schedule, &g2) < 0)
                abort();
        return schedule;
}
