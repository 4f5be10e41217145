/* schedule-diff.c: two versions compared by ids (student, program, staff, group), never by
 * index, so versions read against different imports compare as a person would. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "model/schedule-diff.h"
#include "model/schedule.h"
#include "model/school.h"

static const char *need_student(const struct schedule *s, int need) {
        return s->school->students[s->school->needs[need].student].id;
}

static const char *need_program(const struct schedule *s, int need) {
        return s->school->programs[s->school->needs[need].program].id;
}

/* Whether (student_id, program_id) has a place in s. */
static bool placed_in(const struct schedule *s, const char *student_id, const char *program_id) {
        for (size_t g = 0; s && g < s->n_groups; g++)
                for (size_t i = 0; i < s->groups[g].n_needs; i++)
                        if (strcmp(need_student(s, s->groups[g].needs[i]), student_id) == 0 &&
                            strcmp(need_program(s, s->groups[g].needs[i]), program_id) == 0)
                                return true;
        return false;
}

static size_t count_placed(const struct schedule *s) {
        size_t n = 0;
        for (size_t g = 0; s && g < s->n_groups; g++)
                n += s->groups[g].n_needs;
        return n;
}

/* The needs placed in a and not in b, into *ret (n_max entries allocated). */
static int needs_only_in(const struct schedule *a, const struct schedule *b, struct diff_need **ret, size_t *ret_n) {
        size_t n_max = count_placed(a), n = 0;
        struct diff_need *list = calloc(n_max ? n_max : 1, sizeof *list);
        if (!list)
                return -ENOMEM;
        for (size_t g = 0; a && g < a->n_groups; g++)
                for (size_t i = 0; i < a->groups[g].n_needs; i++) {
                        int need = a->groups[g].needs[i];
                        const char *student = need_student(a, need), *program = need_program(a, need);
                        if (placed_in(b, student, program))
                                continue;
                        list[n++] = (struct diff_need){
                                .student_id = student,
                                .student_name = a->school->students[a->school->needs[need].student].name,
                                .program_id = program,
                        };
                }
        *ret = list;
        *ret_n = n;
        return 0;
}

static bool meeting_in(const struct group *g, const struct meeting *m) {
        for (size_t i = 0; g && i < g->n_meetings; i++)
                if (g->meetings[i].day == m->day && g->meetings[i].start == m->start && g->meetings[i].end == m->end)
                        return true;
        return false;
}

static const struct group *group_named(const struct schedule *s, const char *id) {
        int g = s ? schedule_find_group(s, id) : -1;
        return g < 0 ? NULL : &s->groups[g];
}

static bool has_member(const struct schedule *s, const struct group *g, const char *student_id) {
        for (size_t i = 0; g && i < g->n_needs; i++)
                if (strcmp(need_student(s, g->needs[i]), student_id) == 0)
                        return true;
        return false;
}

static bool same_group(const struct schedule *a, const struct group *ga, const struct schedule *b,
                       const struct group *gb) {
        if (!ga || !gb || ga->n_needs != gb->n_needs || ga->n_meetings != gb->n_meetings ||
            strcmp(a->school->staff[ga->staff].id, b->school->staff[gb->staff].id) != 0 ||
            strcmp(a->school->programs[ga->program].id, b->school->programs[gb->program].id) != 0)
                return false;
        for (size_t i = 0; i < ga->n_needs; i++)
                if (!has_member(b, gb, need_student(a, ga->needs[i])))
                        return false;
        for (size_t i = 0; i < ga->n_meetings; i++)
                if (!meeting_in(gb, &ga->meetings[i]))
                        return false;
        return true;
}

/* A meeting moved counts once: per group, the larger of meetings gone and meetings new. */
static size_t meetings_changed(const struct group *ga, const struct group *gb) {
        size_t gone = 0, added = 0;
        for (size_t i = 0; ga && i < ga->n_meetings; i++)
                gone += !meeting_in(gb, &ga->meetings[i]);
        for (size_t i = 0; gb && i < gb->n_meetings; i++)
                added += !meeting_in(ga, &gb->meetings[i]);
        return gone > added ? gone : added;
}

static void count_groups(const struct schedule *from, const struct schedule *to, struct schedule_diff *d) {
        for (size_t g = 0; from && g < from->n_groups; g++) {
                const struct group *ga = &from->groups[g], *gb = group_named(to, ga->id);
                if (!same_group(from, ga, to, gb))
                        d->groups_changed++;
                d->meetings_changed += meetings_changed(ga, gb);
        }
        for (size_t g = 0; to && g < to->n_groups; g++) {
                const struct group *gb = &to->groups[g];
                if (group_named(from, gb->id))
                        continue;
                d->groups_changed++;
                d->meetings_changed += gb->n_meetings;
        }
}

/* Whether the student with this id is out of class at the same moments in both. */
static bool same_moments(const struct schedule *a, const struct schedule *b, const char *student_id) {
        const struct schedule *sides[2][2] = { { a, b }, { b, a } };
        for (int k = 0; k < 2; k++) {
                const struct schedule *x = sides[k][0], *y = sides[k][1];
                for (size_t g = 0; x && g < x->n_groups; g++) {
                        if (!has_member(x, &x->groups[g], student_id))
                                continue;
                        for (size_t m = 0; m < x->groups[g].n_meetings; m++) {
                                bool found = false;
                                for (size_t h = 0; y && h < y->n_groups && !found; h++)
                                        found = has_member(y, &y->groups[h], student_id) &&
                                                meeting_in(&y->groups[h], &x->groups[g].meetings[m]);
                                if (!found)
                                        return false;
                        }
                }
        }
        return true;
}

static int add_teacher(struct schedule_diff *d, size_t n_max, const char *teacher_id) {
        for (size_t i = 0; i < d->n_teachers_affected; i++)
                if (strcmp(d->teachers_affected[i], teacher_id) == 0)
                        return 0;
        if (d->n_teachers_affected == n_max)
                return -ENOMEM;
        d->teachers_affected[d->n_teachers_affected++] = teacher_id;
        return 0;
}

static int find_teachers(const struct schedule *from, const struct schedule *to, struct schedule_diff *d) {
        const struct schedule *sides[2] = { to, from };
        size_t n_max = (to ? to->school->n_teachers : 0) + (from ? from->school->n_teachers : 0);
        d->teachers_affected = calloc(n_max ? n_max : 1, sizeof *d->teachers_affected);
        if (!d->teachers_affected)
                return -ENOMEM;
        for (int k = 0; k < 2; k++) {
                const struct schedule *s = sides[k];
                for (size_t i = 0; s && i < s->school->n_students; i++) {
                        const struct student *st = &s->school->students[i];
                        if (same_moments(from, to, st->id))
                                continue;
                        int r = add_teacher(d, n_max, s->school->teachers[st->teacher].id);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

static struct diff_load *load_of(struct schedule_diff *d, const char *staff_id) {
        for (size_t i = 0; i < d->n_loads; i++)
                if (strcmp(d->loads[i].staff_id, staff_id) == 0)
                        return &d->loads[i];
        struct diff_load *l = &d->loads[d->n_loads++];
        l->staff_id = staff_id;
        return l;
}

static int count_loads(const struct schedule *from, const struct schedule *to, struct schedule_diff *d) {
        size_t n_max = (from ? from->n_groups : 0) + (to ? to->n_groups : 0);
        d->loads = calloc(n_max ? n_max : 1, sizeof *d->loads);
        if (!d->loads)
                return -ENOMEM;
        const struct schedule *sides[2] = { from, to };
        for (int k = 0; k < 2; k++)
                for (size_t g = 0; sides[k] && g < sides[k]->n_groups; g++) {
                        const struct group *gr = &sides[k]->groups[g];
                        struct diff_load *l = load_of(d, sides[k]->school->staff[gr->staff].id);
                        int minutes = 0;
                        for (size_t m = 0; m < gr->n_meetings; m++)
                                minutes += gr->meetings[m].end - gr->meetings[m].start;
                        if (k == 0) {
                                l->sessions_from += (int)gr->n_meetings;
                                l->minutes_from += minutes;
                        } else {
                                l->sessions_to += (int)gr->n_meetings;
                                l->minutes_to += minutes;
                        }
                }
        return 0;
}

int schedule_diff(const struct schedule *from, const struct schedule *to, struct schedule_diff *ret_diff) {
        struct schedule_diff d = { .placed_from = count_placed(from), .placed_to = count_placed(to) };
        int r = needs_only_in(from, to, &d.losing, &d.n_losing);
        if (r >= 0)
                r = needs_only_in(to, from, &d.gaining, &d.n_gaining);
        if (r >= 0)
                r = find_teachers(from, to, &d);
        if (r >= 0)
                r = count_loads(from, to, &d);
        if (r < 0) {
                schedule_diff_done(&d);
                return r;
        }
        count_groups(from, to, &d);
        *ret_diff = d;
        return 0;
}

void schedule_diff_done(struct schedule_diff *diff) {
        if (!diff)
                return;
        free(diff->losing);
        free(diff->gaining);
        free(diff->teachers_affected);
        free(diff->loads);
        *diff = (struct schedule_diff){ 0 };
}
