/* solver-school.c: hand-built and random schools for the solver's tests, and an independent
 * minute-by-minute checker of the hard constraints (written apart from daemon/solver). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/solver-school.h"

#define GROW(arr, n) ((arr) = realloc((arr), ((n) + 1) * sizeof *(arr)))

static int t(const char *hhmm) {
        int m = 0;
        if (time_parse(hhmm, &m) < 0)
                abort();
        return m;
}

static dayset days_of(const char *letters) {
        dayset d = 0;
        if (dayset_parse(letters, &d) < 0)
                abort();
        return d;
}

struct school *ts_school(const char *day_start, const char *day_end, int transition) {
        struct school *s = school_new();
        s->info.name = strdup("Test Elementary");
        s->info.timezone = strdup("America/Chicago");
        s->info.day_start = t(day_start);
        s->info.day_end = t(day_end);
        s->info.term_start = date_from_ymd(2026, 9, 1);
        s->info.term_end = date_from_ymd(2027, 5, 28);
        s->info.transition_minutes = transition;
        return s;
}

int ts_teacher(struct school *s, const char *id, int grade) {
        GROW(s->teachers, s->n_teachers);
        char name[64];
        snprintf(name, sizeof name, "Teacher %s", id);
        s->teachers[s->n_teachers] = (struct teacher){ .id = strdup(id), .name = strdup(name), .grade = grade };
        return (int)s->n_teachers++;
}

void ts_block(struct school *s, int teacher, const char *days, const char *start, const char *end, enum subject subject,
              int policy) {
        GROW(s->blocks, s->n_blocks);
        s->blocks[s->n_blocks++] = (struct block){ .teacher = teacher, .days = days_of(days), .start = t(start),
                                                   .end = t(end), .subject = subject,
                                                   .policy = policy < 0 ? subject_default_policy(subject) : (enum policy)policy };
}

int ts_student(struct school *s, const char *id, const char *name, int grade, int teacher) {
        GROW(s->students, s->n_students);
        s->students[s->n_students] = (struct student){ .id = strdup(id), .name = strdup(name), .grade = grade, .teacher = teacher };
        return (int)s->n_students++;
}

void ts_service(struct school *s, int student, const char *days, const char *start, const char *end) {
        GROW(s->services, s->n_services);
        s->services[s->n_services++] = (struct service){ .student = student, .days = days_of(days), .start = t(start),
                                                         .end = t(end), .label = strdup("speech") };
}

int ts_staff(struct school *s, const char *id, enum role role, int max_per_day, const int *programs) {
        GROW(s->staff, s->n_staff);
        char name[64];
        snprintf(name, sizeof name, "Staff %s", id);
        struct staff st = { .id = strdup(id), .name = strdup(name), .role = role, .max_sessions_per_day = max_per_day };
        if (programs) {
                while (programs[st.n_programs] >= 0)
                        st.n_programs++;
                st.programs = malloc((st.n_programs + 1) * sizeof(int));
                memcpy(st.programs, programs, st.n_programs * sizeof(int));
        }
        s->staff[s->n_staff] = st;
        return (int)s->n_staff++;
}

void ts_avail(struct school *s, int staff, const char *days, const char *start, const char *end) {
        GROW(s->availability, s->n_availability);
        s->availability[s->n_availability++] = (struct availability){ .staff = staff, .days = days_of(days),
                                                                       .start = t(start), .end = t(end) };
}

int ts_program(struct school *s, const char *id, enum area area, int max_group, int minutes, int sessions, int span) {
        GROW(s->programs, s->n_programs);
        s->programs[s->n_programs] = (struct program){ .id = strdup(id), .name = strdup(id), .area = area,
                                                       .max_group = max_group, .minutes = minutes,
                                                       .sessions_per_week = sessions, .max_grade_span = span };
        return (int)s->n_programs++;
}

int ts_need(struct school *s, int student, int program, int staff, int level) {
        GROW(s->needs, s->n_needs);
        const struct program *p = &s->programs[program];
        s->needs[s->n_needs] = (struct need){ .student = student, .program = program, .tier = 2,
                                              .sessions_per_week = p->sessions_per_week, .minutes = p->minutes,
                                              .staff = staff, .level = level };
        return (int)s->n_needs++;
}

static unsigned next_rand(unsigned *state) {
        *state = *state * 1103515245u + 12345u;
        return (*state >> 16) & 0x7fff;
}

struct school *ts_random_school(unsigned seed, int students, double need_ratio, int interventionists) {
        unsigned r = seed * 2654435761u + 1;
        struct school *s = ts_school("08:00", "15:00", 5);
        int reading = ts_program(s, "LLI", AREA_READING, 3, 30, 5, 1);
        int math = ts_program(s, "MATH", AREA_MATH, 4, 30, 3, 1);
        int writing = ts_program(s, "WRITE", AREA_WRITING, 4, 45, 2, 1);
        int homerooms = (students + 19) / 20;
        for (int h = 0; h < homerooms; h++) {
                char id[16];
                snprintf(id, sizeof id, "T%d", h + 1);
                int grade = h % 6;
                int tr = ts_teacher(s, id, grade);
                /* Core blocks shifted by grade: no two grades share a timetable. */
                static const char *reading_at[6][2] = { { "08:00", "09:30" }, { "08:30", "10:00" }, { "09:00", "10:30" },
                                                        { "10:00", "11:30" }, { "12:30", "14:00" }, { "13:00", "14:30" } };
                static const char *math_at[6][2] = { { "10:00", "11:00" }, { "10:15", "11:15" }, { "12:30", "13:30" },
                                                     { "08:00", "09:00" }, { "08:30", "09:30" }, { "09:00", "10:00" } };
                static const char *lunch_at[6] = { "11:00", "11:15", "11:30", "11:45", "12:00", "11:30" };
                static const char *specials_at[5][2] = { { "13:00", "13:45" }, { "13:45", "14:30" }, { "14:15", "15:00" },
                                                          { "09:30", "10:15" }, { "11:00", "11:45" } };
                ts_block(s, tr, "MTWRF", reading_at[grade][0], reading_at[grade][1], SUBJECT_READING, -1);
                ts_block(s, tr, "MTWRF", math_at[grade][0], math_at[grade][1], SUBJECT_MATH, -1);
                int lm = t(lunch_at[grade]);
                char ls[6], le[6];
                ts_block(s, tr, "MTWRF", time_format(lm, ls), time_format(lm + 30, le), SUBJECT_LUNCH, -1);
                int sp = (int)(next_rand(&r) % 5);
                ts_block(s, tr, next_rand(&r) % 2 ? "MWF" : "TR", specials_at[sp][0], specials_at[sp][1], SUBJECT_SPECIALS, -1);
                if (grade >= 2)
                        ts_block(s, tr, "MTWRF", "14:30", "15:00", SUBJECT_INTERVENTION, -1);
                else
                        ts_block(s, tr, "TR", "14:00", "14:45", SUBJECT_SCIENCE, -1);
        }
        for (int i = 0; i < students; i++) {
                char id[16], name[32];
                snprintf(id, sizeof id, "%d", 1000 + i);
                snprintf(name, sizeof name, "Student%d", i);
                int home = i % homerooms;
                int st = ts_student(s, id, name, s->teachers[home].grade, home);
                if ((int)(next_rand(&r) % 1000) < (int)(need_ratio * 1000)) {
                        int kind = (int)(next_rand(&r) % 10);
                        int p = kind < 5 ? reading : kind < 8 ? math : writing;
                        ts_need(s, st, p, -1, (int)(next_rand(&r) % 4));
                        if (next_rand(&r) % 8 == 0)
                                ts_need(s, st, p == math ? reading : math, -1, (int)(next_rand(&r) % 4));
                }
                if (next_rand(&r) % 15 == 0)
                        ts_service(s, st, "TR", "10:30", "11:00");
        }
        for (int i = 0; i < interventionists; i++) {
                char id[16];
                snprintf(id, sizeof id, "S%d", i + 1);
                int only_reading[] = { reading, -1 }, math_writing[] = { math, writing, -1 };
                const int *programs = i % 3 == 1 ? only_reading : i % 3 == 2 ? math_writing : NULL;
                int st = ts_staff(s, id, ROLE_INTERVENTIONIST, 8, programs);
                ts_avail(s, st, "MTWRF", i % 2 ? "08:00" : "08:30", "11:30");
                ts_avail(s, st, "MTWRF", "12:00", "15:00");
        }
        ts_staff(s, "C1", ROLE_COORDINATOR, 0, NULL);
        return s;
}

/* ---- the independent checker ------------------------------------------------------------ */

struct report {
        int n;
        char *first;
        size_t size;
};

static void fail(struct report *r, const char *format, ...) {
        if (r->n++ == 0 && r->first) {
                va_list ap;
                va_start(ap, format);
                vsnprintf(r->first, r->size, format, ap);
                va_end(ap);
        }
}

static bool trained(const struct school *s, int staff, int program) {
        const struct staff *st = &s->staff[staff];
        if (st->role != ROLE_INTERVENTIONIST)
                return false;
        if (st->n_programs == 0)
                return true;
        for (size_t i = 0; i < st->n_programs; i++)
                if (st->programs[i] == program)
                        return true;
        return false;
}

int ts_independent_check(const struct schedule *schedule, const struct schedule *pinned_from, char *first, size_t size) {
        const struct school *s = schedule->school;
        struct report r = { 0, first, size };
        if (first && size)
                first[0] = '\0';
        int *seen = calloc(s->n_needs + 1, sizeof *seen);
        /* Minute maps: 1 where a student is out, per student and day. */
        unsigned char(*out)[DAY_COUNT][1440] = calloc(s->n_students + 1, sizeof *out);
        for (size_t g = 0; g < schedule->n_groups; g++) {
                const struct group *gr = &schedule->groups[g];
                const struct program *p = &s->programs[gr->program];
                if ((int)gr->n_needs > p->max_group)
                        fail(&r, "%s too big", gr->id);
                if (!trained(s, gr->staff, gr->program))
                        fail(&r, "%s: staff not trained or not an interventionist", gr->id);
                int lo = 100, hi = -100, days = 0;
                for (size_t k = 0; k < gr->n_meetings; k++) {
                        const struct meeting *m = &gr->meetings[k];
                        if (days & (1 << m->day))
                                fail(&r, "%s meets twice a day", gr->id);
                        days |= 1 << m->day;
                        if (m->start < s->info.day_start || m->end > s->info.day_end)
                                fail(&r, "%s outside the day", gr->id);
                        for (int min = m->start; min < m->end; min++) {
                                bool avail = false;
                                for (size_t a = 0; a < s->n_availability; a++) {
                                        const struct availability *av = &s->availability[a];
                                        avail |= av->staff == gr->staff && (av->days & (1 << m->day)) && av->start <= min &&
                                                 min < av->end;
                                }
                                if (!avail) {
                                        fail(&r, "%s: staff unavailable at minute %d", gr->id, min);
                                        break;
                                }
                        }
                }
                for (size_t i = 0; i < gr->n_needs; i++) {
                        const struct need *n = &s->needs[gr->needs[i]];
                        const struct student *st = &s->students[n->student];
                        seen[gr->needs[i]]++;
                        lo = st->grade < lo ? st->grade : lo;
                        hi = st->grade > hi ? st->grade : hi;
                        if (n->program != gr->program)
                                fail(&r, "%s: wrong program", gr->id);
                        if ((int)gr->n_meetings != n->sessions_per_week)
                                fail(&r, "%s: %zu meetings for %d sessions", gr->id, gr->n_meetings, n->sessions_per_week);
                        if (n->staff >= 0 && n->staff != gr->staff)
                                fail(&r, "%s: pinned staff ignored", gr->id);
                        for (size_t k = 0; k < gr->n_meetings; k++) {
                                const struct meeting *m = &gr->meetings[k];
                                if (m->end - m->start != n->minutes)
                                        fail(&r, "%s: meeting of %d min, need %d", gr->id, m->end - m->start, n->minutes);
                                for (int min = m->start; min < m->end; min++) {
                                        if (out[n->student][m->day][min]++)
                                                fail(&r, "%s: student %s double-booked", gr->id, st->id);
                                        for (size_t b = 0; b < s->n_blocks; b++) {
                                                const struct block *bl = &s->blocks[b];
                                                if (bl->teacher != st->teacher || !(bl->days & (1 << m->day)) ||
                                                    min < bl->start || min >= bl->end)
                                                        continue;
                                                bool same_area = (p->area == AREA_READING && bl->subject == SUBJECT_READING) ||
                                                                 (p->area == AREA_MATH && bl->subject == SUBJECT_MATH) ||
                                                                 (p->area == AREA_WRITING && bl->subject == SUBJECT_WRITING);
                                                if (bl->policy == POLICY_NEVER || same_area)
                                                        fail(&r, "%s: student %s pulled from %s", gr->id, st->id,
                                                             subject_names[bl->subject]);
                                        }
                                        for (size_t v = 0; v < s->n_services; v++) {
                                                const struct service *sv = &s->services[v];
                                                if (sv->student == n->student && (sv->days & (1 << m->day)) &&
                                                    min >= sv->start && min < sv->end)
                                                        fail(&r, "%s: student %s pulled from a service", gr->id, st->id);
                                        }
                                }
                        }
                }
                if (gr->n_needs && hi - lo > p->max_grade_span)
                        fail(&r, "%s: grade span %d", gr->id, hi - lo);
        }
        /* Interventionists: one group at a time, transitions, sessions per day. */
        for (size_t st = 0; st < s->n_staff; st++)
                for (int d = 0; d < DAY_COUNT; d++) {
                        int count = 0;
                        for (size_t g = 0; g < schedule->n_groups; g++)
                                for (size_t k = 0; k < schedule->groups[g].n_meetings; k++) {
                                        const struct meeting *a = &schedule->groups[g].meetings[k];
                                        if (schedule->groups[g].staff != (int)st || a->day != d)
                                                continue;
                                        count++;
                                        for (size_t h = 0; h < schedule->n_groups; h++)
                                                for (size_t l = 0; l < schedule->groups[h].n_meetings; l++) {
                                                        const struct meeting *b = &schedule->groups[h].meetings[l];
                                                        if ((h == g && l == k) || schedule->groups[h].staff != (int)st || b->day != d)
                                                                continue;
                                                        if (b->start >= a->start && b->start < a->end + s->info.transition_minutes)
                                                                fail(&r, "staff %s: %s and %s too close", s->staff[st].id,
                                                                     schedule->groups[g].id, schedule->groups[h].id);
                                                }
                                }
                        if (s->staff[st].max_sessions_per_day > 0 && count > s->staff[st].max_sessions_per_day)
                                fail(&r, "staff %s: %d sessions on day %d", s->staff[st].id, count, d);
                }
        for (size_t n = 0; n < s->n_needs; n++) {
                int listed = 0;
                for (size_t u = 0; u < schedule->n_unscheduled; u++)
                        if (schedule->unscheduled[u].need == (int)n) {
                                listed++;
                                if (!schedule->unscheduled[u].reason || strlen(schedule->unscheduled[u].reason) < 20)
                                        fail(&r, "need %zu: no reason", n);
                        }
                if (seen[n] + listed != 1)
                        fail(&r, "need %zu: in %d groups and listed %d times", n, seen[n], listed);
        }
        if (pinned_from)
                for (size_t p = 0; p < pinned_from->n_groups; p++) {
                        const struct group *pg = &pinned_from->groups[p];
                        if (!pg->pinned)
                                continue;
                        int g = schedule_find_group(schedule, pg->id);
                        if (g < 0) {
                                fail(&r, "pinned %s gone", pg->id);
                                continue;
                        }
                        const struct group *gr = &schedule->groups[g];
                        if (gr->staff != pg->staff || gr->n_meetings != pg->n_meetings ||
                            memcmp(gr->meetings, pg->meetings, gr->n_meetings * sizeof *gr->meetings) != 0)
                                fail(&r, "pinned %s changed", pg->id);
                }
        free(seen);
        free(out);
        return r.n;
}
