/* explain.c: why a need sits where it sits, or why it could not be placed and what would free
 * it — told in the school's own words: homeroom blocks, services, interventionists and times. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "K", "1".."12": as a school writes grades. */
static const char *grade_label(int grade) {
        static const char *const labels[] = { "K", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12" };
        return grade >= 0 && grade <= 12 ? labels[grade] : "?";
}

#include "solver/solver-internal.h"

enum cause {
        CAUSE_NONE,
        CAUSE_DATA, /* the need itself cannot be met (sessions, minutes, group size) */
        CAUSE_NO_STAFF, /* nobody trained or the pinned person cannot teach it */
        CAUSE_STUDENT_DAY, /* the homeroom and services leave no window */
        CAUSE_STAFF_AVAILABILITY, /* windows exist, but no trained interventionist works then */
        CAUSE_OWN_SESSIONS, /* the student's other sessions take the windows */
        CAUSE_STAFF_FULL, /* the interventionists are busy at every window */
        CAUSE_SEARCH, /* a place exists: the search did not reach it */
};

static int len_slots(int minutes) {
        return (minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
}

/* Is there one start free on at least k days? */
static bool has_placement(const struct solver_ctx *ctx, const struct weekbits *free, int minutes, int k) {
        struct weekbits win;
        for (int d = 0; d < DAY_COUNT; d++)
                daybits_window(&win.d[d], &free->d[d], len_slots(minutes));
        for (int a = 0; a < ctx->nslots; a++) {
                int days = 0;
                for (int d = 0; d < DAY_COUNT; d++)
                        days += daybits_test(&win.d[d], a);
                if (days >= k)
                        return true;
        }
        return false;
}

static int days_with_window(const struct weekbits *free, int minutes) {
        int days = 0;
        for (int d = 0; d < DAY_COUNT; d++) {
                struct daybits w;
                daybits_window(&w, &free->d[d], len_slots(minutes));
                days += daybits_count(&w) > 0;
        }
        return days;
}

static void weekbits_andnot(struct weekbits *out, const struct weekbits *a, const struct weekbits *b) {
        for (int d = 0; d < DAY_COUNT; d++)
                daybits_andnot(&out->d[d], &a->d[d], &b->d[d]);
}

static void weekbits_and(struct weekbits *out, const struct weekbits *a, const struct weekbits *b) {
        for (int d = 0; d < DAY_COUNT; d++)
                daybits_and(&out->d[d], &a->d[d], &b->d[d]);
}

/* Marks the meetings of schedule's groups taught by staff (with transition tails) and counts
 * the sessions per day; or, for student >= 0, the student's sessions outside need's group. */
static void busy_from_schedule(const struct solver_ctx *ctx, const struct schedule *schedule, int staff,
                               int student, int skip_need, struct weekbits *busy, int count[DAY_COUNT]) {
        const struct school *school = ctx->school;
        memset(busy, 0, sizeof *busy);
        if (count)
                memset(count, 0, sizeof(int) * DAY_COUNT);
        for (size_t g = 0; g < schedule->n_groups; g++) {
                const struct group *gr = &schedule->groups[g];
                bool mine = false;
                if (staff >= 0)
                        mine = gr->staff == staff;
                else
                        for (size_t i = 0; i < gr->n_needs; i++)
                                mine |= gr->needs[i] != skip_need && school->needs[gr->needs[i]].student == student;
                if (!mine)
                        continue;
                for (size_t k = 0; k < gr->n_meetings; k++) {
                        const struct meeting *m = &gr->meetings[k];
                        int end = m->end + (staff >= 0 ? ctx->transition : 0);
                        daybits_set(&busy->d[m->day], ctx_slot_floor(ctx, m->start), ctx_slot_ceil(ctx, end));
                        if (count)
                                count[m->day]++;
                }
        }
}

static const char *pronoun(const struct student *s) {
        (void)s;
        return "their";
}

/* Writes the reason need is not scheduled into sb and returns its cause. */
static enum cause diagnose(const struct solver_ctx *ctx, const struct schedule *schedule, int need, struct textbuf *sb) {
        const struct school *school = ctx->school;
        const struct need *n = &school->needs[need];
        const struct student *s = &school->students[n->student];
        const struct program *p = &school->programs[n->program];
        int k = n->sessions_per_week, minutes = n->minutes;
        textbuf_printf(sb, "needs %d × %d min of %s; ", k, minutes, p->id);
        if (k < 1 || k > DAY_COUNT) {
                textbuf_printf(sb, "a group meets at most once a day, so %d sessions a week cannot be given", k);
                return CAUSE_DATA;
        }
        if (minutes <= 0 || minutes > ctx->span) {
                textbuf_printf(sb, "%d minutes do not fit in the school day", minutes);
                return CAUSE_DATA;
        }
        if (p->max_group < 1) {
                textbuf_printf(sb, "%s's max_group is %d, so no group can hold a student", p->id, p->max_group);
                return CAUSE_DATA;
        }
        /* Who may teach it. */
        int staff_list[512], ns = 0;
        if (n->staff >= 0) {
                const struct staff *st = &school->staff[n->staff];
                if (!staff_can_teach(school, n->staff, n->program)) {
                        textbuf_printf(sb, "the plan names %s (%s), who %s", st->name, st->id,
                                      st->role != ROLE_INTERVENTIONIST ? "is not an interventionist"
                                                                       : "is not trained for this program");
                        return CAUSE_NO_STAFF;
                }
                staff_list[ns++] = n->staff;
        } else {
                for (const int *l = ctx->program_staff[n->program]; *l >= 0 && ns < 512; l++)
                        staff_list[ns++] = *l;
                if (ns == 0) {
                        textbuf_printf(sb, "no interventionist is trained for %s", p->id);
                        return CAUSE_NO_STAFF;
                }
        }
        const char *area = area_names[p->area];
        const struct weekbits *free = &ctx->need_free[need];
        if (!has_placement(ctx, free, minutes, k)) {
                int days = days_with_window(free, minutes);
                textbuf_printf(sb, "%s's homeroom and services leave ", s->name);
                if (days == 0) {
                        textbuf_printf(sb, "no %d-minute window free of never-blocks%s%s%s", minutes,
                                      area_subject(p->area) >= 0 ? " and core " : "",
                                      area_subject(p->area) >= 0 ? area : "", "");
                        textbuf_printf(sb, " (free: ");
                        if (ctx_print_windows(sb, ctx, free, 0, 6) == 0)
                                textbuf_printf(sb, "nothing");
                        textbuf_printf(sb, ")");
                } else {
                        textbuf_printf(sb, "only ");
                        ctx_print_windows(sb, ctx, free, minutes, 6);
                        textbuf_printf(sb, " free of never-blocks%s%s", area_subject(p->area) >= 0 ? " and core " : "",
                                      area_subject(p->area) >= 0 ? area : "");
                        if (days < k)
                                textbuf_printf(sb, ": %d day%s, not %d", days, days == 1 ? "" : "s", k);
                        else
                                textbuf_printf(sb, ", never at one time on %d days", k);
                }
                return CAUSE_STUDENT_DAY;
        }
        /* Windows against the trained interventionists' availability. */
        struct weekbits any = { 0 };
        for (int i = 0; i < ns; i++)
                for (int d = 0; d < DAY_COUNT; d++)
                        for (int w = 0; w < SLOT_WORDS; w++)
                                any.d[d].w[w] |= ctx->staff_avail[staff_list[i]].d[d].w[w];
        struct weekbits both;
        weekbits_and(&both, free, &any);
        if (!has_placement(ctx, &both, minutes, k)) {
                textbuf_printf(sb, "%s is free ", s->name);
                ctx_print_windows(sb, ctx, free, minutes, 4);
                textbuf_printf(sb, ", but no trained interventionist is available then (");
                for (int i = 0; i < ns && i < 4; i++) {
                        const struct staff *st = &school->staff[staff_list[i]];
                        textbuf_printf(sb, "%s%s: ", i ? "; " : "", st->name);
                        if (ctx_print_windows(sb, ctx, &ctx->staff_avail[staff_list[i]], 0, 3) == 0)
                                textbuf_printf(sb, "no availability");
                }
                if (ns > 4)
                        textbuf_printf(sb, "; and %d more", ns - 4);
                textbuf_printf(sb, ")");
                return CAUSE_STAFF_AVAILABILITY;
        }
        /* The student's own other sessions. */
        struct weekbits own, left;
        busy_from_schedule(ctx, schedule, -1, n->student, need, &own, NULL);
        weekbits_andnot(&left, &both, &own);
        if (!has_placement(ctx, &left, minutes, k)) {
                textbuf_printf(sb, "the windows %s shares with the interventionists (", s->name);
                ctx_print_windows(sb, ctx, &both, minutes, 4);
                textbuf_printf(sb, ") are taken by %s other sessions", pronoun(s));
                for (size_t g = 0, listed = 0; g < schedule->n_groups && listed < 4; g++) {
                        const struct group *gr = &schedule->groups[g];
                        for (size_t i = 0; i < gr->n_needs; i++)
                                if (gr->needs[i] != need && school->needs[gr->needs[i]].student == n->student) {
                                        char a[6], b[6];
                                        textbuf_printf(sb, "%s%s %s–%s", listed ? ", " : " (", gr->id,
                                                      time_format(gr->meetings[0].start, a), time_format(gr->meetings[0].end, b));
                                        listed++;
                                        break;
                                }
                        if (g + 1 == schedule->n_groups && listed)
                                textbuf_printf(sb, ")");
                }
                return CAUSE_OWN_SESSIONS;
        }
        /* Everyone is busy at those windows? */
        bool someone_free = false;
        int free_staff = -1;
        for (int i = 0; i < ns && !someone_free; i++) {
                struct weekbits busy, open;
                int count[DAY_COUNT];
                busy_from_schedule(ctx, schedule, staff_list[i], -1, -1, &busy, count);
                const struct staff *st = &school->staff[staff_list[i]];
                weekbits_and(&open, &left, &ctx->staff_avail[staff_list[i]]);
                /* A start needs the staff idle through the transition after it. */
                int tail = len_slots(minutes + ctx->transition);
                for (int d = 0; d < DAY_COUNT; d++) {
                        struct daybits idle, win;
                        for (int w = 0; w < SLOT_WORDS; w++)
                                idle.w[w] = ~busy.d[d].w[w];
                        daybits_window(&win, &idle, tail);
                        struct daybits want;
                        daybits_window(&want, &open.d[d], len_slots(minutes));
                        daybits_and(&want, &want, &win);
                        if (st->max_sessions_per_day > 0 && count[d] >= st->max_sessions_per_day)
                                memset(&want, 0, sizeof want);
                        /* Back to a window of minutes-long starts for has_placement. */
                        memset(&open.d[d], 0, sizeof open.d[d]);
                        for (int a = 0; a < ctx->nslots; a++)
                                if (daybits_test(&want, a))
                                        daybits_set(&open.d[d], a, a + len_slots(minutes));
                }
                if (has_placement(ctx, &open, minutes, k)) {
                        someone_free = true;
                        free_staff = staff_list[i];
                }
        }
        long bound = schedule->metrics.upper_bound;
        if (someone_free && bound >= 0 && schedule->metrics.placed >= bound) {
                /* Proven: no schedule of this data places more needs than this one. */
                const struct staff *st = &school->staff[free_staff];
                textbuf_printf(sb, "lost to capacity: %s and %s (%s) share a free time, but no schedule of this data "
                              "places more than %ld needs and this one places %ld, so seating %s takes the place "
                              "of another student",
                              s->name, st->name, st->id, bound, schedule->metrics.placed, s->name);
                return CAUSE_STAFF_FULL;
        }
        if (someone_free) {
                const struct staff *st = &school->staff[free_staff];
                textbuf_printf(sb, "%s and %s (%s) are both free at a common time, but the search ended before "
                              "placing it; a longer time limit or a fresh solve may place it",
                              s->name, st->name, st->id);
                return CAUSE_SEARCH;
        }
        textbuf_printf(sb, "lost to capacity: %s is free ", s->name);
        ctx_print_windows(sb, ctx, &left, minutes, 4);
        textbuf_printf(sb, ", but every interventionist trained for %s is full then (", p->id);
        for (int i = 0; i < ns && i < 4; i++) {
                const struct staff *st = &school->staff[staff_list[i]];
                int sessions = 0, groups = 0;
                for (size_t g = 0; g < schedule->n_groups; g++)
                        if (schedule->groups[g].staff == staff_list[i]) {
                                groups++;
                                sessions += (int)schedule->groups[g].n_meetings;
                        }
                textbuf_printf(sb, "%s%s: %d groups, %d sessions a week", i ? "; " : "", st->name, groups, sessions);
        }
        if (ns > 4)
                textbuf_printf(sb, "; and %d more", ns - 4);
        textbuf_printf(sb, ")");
        /* Groups of the program at those times that are full or of other grades. */
        int listed = 0;
        for (size_t g = 0; g < schedule->n_groups && listed < 3; g++) {
                const struct group *gr = &schedule->groups[g];
                if (gr->program != n->program || (int)gr->n_meetings != k)
                        continue;
                bool fits = gr->n_meetings > 0;
                for (size_t m = 0; m < gr->n_meetings && fits; m++)
                        fits = gr->meetings[m].end - gr->meetings[m].start == minutes &&
                               daybits_all(&left.d[gr->meetings[m].day], ctx_slot_floor(ctx, gr->meetings[m].start),
                                           ctx_slot_ceil(ctx, gr->meetings[m].end));
                if (!fits)
                        continue;
                textbuf_printf(sb, "%s%s meets then but ", listed ? "; " : "; ", gr->id);
                if ((int)gr->n_needs >= p->max_group)
                        textbuf_printf(sb, "is full (%zu of %d)", gr->n_needs, p->max_group);
                else
                        textbuf_printf(sb, "holds other grades or another interventionist's plan");
                listed++;
        }
        return CAUSE_STAFF_FULL;
}

char *solver_unscheduled_reason(const struct solver_ctx *ctx, const struct schedule *schedule, int need) {
        struct textbuf sb = { 0 };
        char *text = NULL;
        diagnose(ctx, schedule, need, &sb);
        return textbuf_steal(&sb, &text) < 0 ? NULL : text;
}

static const char *policy_at(const struct school *school, int teacher, int day, int start, int end, char *buf,
                             size_t size) {
        size_t len = 0;
        buf[0] = '\0';
        for (size_t b = 0; b < school->n_blocks; b++) {
                const struct block *bl = &school->blocks[b];
                if (bl->teacher != teacher || !(bl->days & (1u << day)) || bl->start >= end || bl->end <= start)
                        continue;
                int w = snprintf(buf + len, size - len, "%s%s (%s)", len ? ", " : "", subject_names[bl->subject],
                                 policy_names[bl->policy]);
                if (w < 0 || (size_t)w >= size - len)
                        break;
                len += (size_t)w;
        }
        if (len == 0)
                snprintf(buf, size, "no block (free time)");
        return buf;
}

static const char *advice(enum cause cause) {
        switch (cause) {
        case CAUSE_DATA:
                return "correct the plan in needs.csv or programs.csv";
        case CAUSE_NO_STAFF:
                return "train an interventionist for the program (staff.csv programs) or clear the plan's staff_id";
        case CAUSE_STUDENT_DAY:
                return "mark one of the homeroom's blocks `avoid` instead of `never`, or move a service, to open a window";
        case CAUSE_STAFF_AVAILABILITY:
                return "extend a trained interventionist's availability (availability.csv) into one of the student's windows";
        case CAUSE_OWN_SESSIONS:
                return "lower another of the student's sessions per week, or move that group (`pullout move`)";
        case CAUSE_STAFF_FULL:
                return "add interventionist time at those windows, raise the program's max_group, or train another interventionist";
        case CAUSE_SEARCH:
                return "solve again with a longer --time-limit, or with --fresh";
        default:
                return "";
        }
}

int solver_explain(const struct schedule *schedule, int student, char ***ret_lines, size_t *ret_n) {
        const struct school *school = schedule->school;
        if (student < 0 || (size_t)student >= school->n_students)
                return -EINVAL;
        struct solver_ctx *ctx = NULL;
        int r = solver_ctx_new(school, &ctx);
        if (r < 0)
                return r;
        const struct student *s = &school->students[student];
        struct lines out = { 0 };
        const struct teacher *t = s->teacher >= 0 ? &school->teachers[s->teacher] : NULL;
        lines_add(&out, "%s (%s), grade %s, homeroom %s", s->name, s->id, grade_label(s->grade), t ? t->name : "none");
        size_t n_needs = 0;
        for (size_t i = 0; i < school->n_needs; i++) {
                const struct need *n = &school->needs[i];
                if (n->student != student)
                        continue;
                n_needs++;
                const struct program *p = &school->programs[n->program];
                int g = schedule_find_need(schedule, (int)i);
                struct textbuf sb = { 0 };
                if (g < 0) {
                        textbuf_printf(&sb, "%s (%s, %d × %d min): not scheduled: ", p->name, p->id, n->sessions_per_week,
                                      n->minutes);
                        enum cause cause = diagnose(ctx, schedule, (int)i, &sb);
                        lines_take(&out, &sb);
                        if (cause == CAUSE_STAFF_FULL)
                                /* The kind and amount of time that would seat it. */
                                lines_add(&out,
                                          "  what would free it: %d × %d min a week more of an interventionist trained "
                                          "for %s (plus %d min transition each), at the student's free times above; "
                                          "or room in a group: raise %s's max_group (now %d)",
                                          n->sessions_per_week, n->minutes, p->id, school->info.transition_minutes, p->id,
                                          p->max_group);
                        else
                                lines_add(&out, "  what would free it: %s", advice(cause));
                        continue;
                }
                const struct group *gr = &schedule->groups[g];
                const struct staff *st = &school->staff[gr->staff];
                textbuf_printf(&sb, "%s (%s, %d × %d min): group %s with %s (%s)%s, ", p->name, p->id, n->sessions_per_week,
                              n->minutes, gr->id, st->name, st->id, gr->pinned ? ", pinned" : "");
                for (size_t m = 0; m < gr->n_meetings; m++) {
                        char a[6], b[6];
                        textbuf_printf(&sb, "%s%s %s–%s", m ? ", " : "", weekday_name(gr->meetings[m].day),
                                      time_format(gr->meetings[m].start, a), time_format(gr->meetings[m].end, b));
                }
                lines_take(&out, &sb);
                if (gr->n_needs > 1) {
                        textbuf_printf(&sb, "  with ");
                        for (size_t k = 0, w = 0; k < gr->n_needs; k++) {
                                const struct student *o = &school->students[school->needs[gr->needs[k]].student];
                                if (gr->needs[k] == (int)i)
                                        continue;
                                textbuf_printf(&sb, "%s%s (grade %s, level %d)", w++ ? ", " : "", o->name, grade_label(o->grade),
                                              school->needs[gr->needs[k]].level);
                        }
                        textbuf_printf(&sb, "; %s allows %d students, grades %d apart", p->id, p->max_group,
                                      p->max_grade_span);
                        lines_take(&out, &sb);
                }
                for (size_t m = 0; m < gr->n_meetings; m++) {
                        char buf[256];
                        char a[6];
                        lines_add(&out, "  %s %s: the homeroom has %s", weekday_name(gr->meetings[m].day),
                                  time_format(gr->meetings[m].start, a),
                                  policy_at(school, s->teacher, gr->meetings[m].day, gr->meetings[m].start,
                                            gr->meetings[m].end, buf, sizeof buf));
                }
                textbuf_printf(&sb, "  %s's windows for it (free of never-blocks%s%s and services): ", s->name,
                              area_subject(p->area) >= 0 ? ", core " : "", area_subject(p->area) >= 0 ? area_names[p->area] : "");
                if (ctx_print_windows(&sb, ctx, &ctx->need_free[i], n->minutes, 6) == 0)
                        textbuf_printf(&sb, "none");
                lines_take(&out, &sb);
        }
        if (n_needs == 0)
                lines_add(&out, "%s has no intervention need", s->name);
        solver_ctx_free(ctx);
        if (out.failed) {
                solver_strings_free(out.lines, out.n);
                return -ENOMEM;
        }
        *ret_lines = out.lines;
        *ret_n = out.n;
        return 0;
}
