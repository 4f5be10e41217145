/* check.c: measures a schedule's soft goals in exact minutes and lists every hard constraint
 * of DESIGN §4 it breaks, straight from the school data (not from the search's bitsets). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/solver-internal.h"

void solver_weights_default(struct solver_weights *w) {
        *w = (struct solver_weights){
                .avoid_minute = 2,
                .preferred_minute = 1,
                .inconsistent_group = 40,
                .back_to_back = 30,
                .level_spread = 15,
                .idle_minute = 1,
                .interruption = 10,
                .changed_meeting = 60,
        };
}

const char solver_weight_names[] = "avoid_minute, preferred_minute, inconsistent_group, back_to_back, "
                                   "level_spread, idle_minute, interruption, changed_meeting";

int solver_weight_set(struct solver_weights *w, const char *name, int value) {
        static const struct {
                const char *name;
                size_t offset;
        } fields[] = {
                { "avoid_minute", offsetof(struct solver_weights, avoid_minute) },
                { "preferred_minute", offsetof(struct solver_weights, preferred_minute) },
                { "inconsistent_group", offsetof(struct solver_weights, inconsistent_group) },
                { "back_to_back", offsetof(struct solver_weights, back_to_back) },
                { "level_spread", offsetof(struct solver_weights, level_spread) },
                { "idle_minute", offsetof(struct solver_weights, idle_minute) },
                { "interruption", offsetof(struct solver_weights, interruption) },
                { "changed_meeting", offsetof(struct solver_weights, changed_meeting) },
        };
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
                if (strcmp(fields[i].name, name) == 0) {
                        *(int *)((char *)w + fields[i].offset) = value;
                        return 0;
                }
        return -ENOENT;
}

long solver_penalty(const struct schedule_metrics *m, const struct solver_weights *w, bool weigh_changed) {
        return (long)w->avoid_minute * m->avoid_minutes - (long)w->preferred_minute * m->preferred_minutes +
               (long)w->inconsistent_group * m->inconsistent_groups +
               (long)w->back_to_back * m->back_to_back_days + (long)w->level_spread * m->level_spread +
               (long)w->idle_minute * m->idle_minutes + (long)w->interruption * m->interruptions +
               (weigh_changed ? (long)w->changed_meeting * m->changed_meetings : 0);
}

static int cmp_long(const void *a, const void *b) {
        long x = *(const long *)a, y = *(const long *)b;
        return x < y ? -1 : x > y;
}

struct span {
        int start, end;
};

static int cmp_span(const void *a, const void *b) {
        const struct span *x = a, *y = b;
        return x->start != y->start ? (x->start < y->start ? -1 : 1) : (x->end < y->end ? -1 : x->end > y->end);
}

static bool same_meeting(const struct meeting *a, const struct meeting *b) {
        return a->day == b->day && a->start == b->start && a->end == b->end;
}

/* The need of the current school that a previous schedule's need index names, or -1. */
static int map_need(const struct school *now, const struct school *then, int need) {
        if (now == then)
                return need;
        if (need < 0 || (size_t)need >= then->n_needs)
                return -1;
        const struct need *n = &then->needs[need];
        int student = school_find_student(now, then->students[n->student].id);
        int program = school_find_program(now, then->programs[n->program].id);
        if (student < 0 || program < 0)
                return -1;
        return school_find_need(now, student, program);
}

static bool roster_same(const struct school *school, const struct group *g, const struct school *then,
                        const struct group *p) {
        size_t kept = 0;
        for (size_t i = 0; i < p->n_needs; i++) {
                int n = map_need(school, then, p->needs[i]);
                if (n < 0)
                        continue; /* a student who left changes nobody's meeting */
                bool found = false;
                for (size_t j = 0; j < g->n_needs && !found; j++)
                        found = g->needs[j] == n;
                if (!found)
                        return false;
                kept++;
        }
        return kept == g->n_needs;
}

/* Changed meetings of one group against its previous version (NULL: it is new). */
static long group_changes(const struct school *school, const struct group *g, const struct school *then,
                          const struct group *p) {
        if (!p)
                return (long)g->n_meetings;
        size_t n = g->n_meetings > p->n_meetings ? g->n_meetings : p->n_meetings;
        bool same_staff = strcmp(school->staff[g->staff].id, then->staff[p->staff].id) == 0;
        if (!same_staff || !roster_same(school, g, then, p))
                return (long)n;
        size_t added = 0, removed = 0;
        for (size_t i = 0; i < g->n_meetings; i++) {
                bool found = false;
                for (size_t j = 0; j < p->n_meetings && !found; j++)
                        found = same_meeting(&g->meetings[i], &p->meetings[j]);
                added += !found;
        }
        for (size_t j = 0; j < p->n_meetings; j++) {
                bool found = false;
                for (size_t i = 0; i < g->n_meetings && !found; i++)
                        found = same_meeting(&g->meetings[i], &p->meetings[j]);
                removed += !found;
        }
        return (long)(added > removed ? added : removed);
}

int solver_measure(const struct solver_ctx *ctx, const struct schedule *schedule,
                   const struct schedule *previous, const struct solver_weights *w, bool weigh_changed,
                   struct schedule_metrics *m) {
        const struct school *school = schedule->school;
        struct schedule_metrics out = { 0 };
        size_t n_moments = 0, cap = 0;
        long *moments = NULL;
        for (size_t g = 0; g < schedule->n_groups; g++) {
                const struct group *gr = &schedule->groups[g];
                int lo = 1 << 30, hi = -(1 << 30);
                for (size_t i = 0; i < gr->n_needs; i++) {
                        const struct need *n = &school->needs[gr->needs[i]];
                        int t = school->students[n->student].teacher;
                        lo = n->level < lo ? n->level : lo;
                        hi = n->level > hi ? n->level : hi;
                        for (size_t k = 0; k < gr->n_meetings; k++) {
                                const struct meeting *mt = &gr->meetings[k];
                                out.avoid_minutes += ctx_avoid_minutes(ctx, t, mt->day, mt->start, mt->end);
                                out.preferred_minutes += ctx_preferred_minutes(ctx, t, mt->day, mt->start, mt->end);
                                if (n_moments == cap) {
                                        cap = cap ? cap * 2 : 256;
                                        long *more = realloc(moments, cap * sizeof *moments);
                                        if (!more) {
                                                free(moments);
                                                return -ENOMEM;
                                        }
                                        moments = more;
                                }
                                moments[n_moments++] = ((long)t * DAY_COUNT + mt->day) * 1440 + mt->start;
                        }
                }
                if (gr->n_needs > 0)
                        out.level_spread += hi - lo;
                for (size_t k = 1; k < gr->n_meetings; k++)
                        if (gr->meetings[k].start != gr->meetings[0].start ||
                            gr->meetings[k].end != gr->meetings[0].end) {
                                out.inconsistent_groups++;
                                break;
                        }
                if (gr->n_meetings >= 2 && gr->n_meetings <= 3)
                        for (size_t a = 0; a < gr->n_meetings; a++)
                                for (size_t b = 0; b < gr->n_meetings; b++)
                                        if (gr->meetings[b].day == gr->meetings[a].day + 1)
                                                out.back_to_back_days++;
        }
        if (n_moments)
                qsort(moments, n_moments, sizeof *moments, cmp_long);
        for (size_t i = 0; i < n_moments; i++)
                if (i == 0 || moments[i] != moments[i - 1])
                        out.interruptions++;
        free(moments);

        /* Idle: per interventionist and day, the waits between sessions beyond the transition. */
        struct span *spans = malloc((schedule->n_groups * MEETINGS_MAX + 1) * sizeof *spans);
        if (!spans)
                return -ENOMEM;
        for (size_t s = 0; s < school->n_staff; s++)
                for (int d = 0; d < DAY_COUNT; d++) {
                        size_t n = 0;
                        for (size_t g = 0; g < schedule->n_groups; g++) {
                                const struct group *gr = &schedule->groups[g];
                                if (gr->staff != (int)s)
                                        continue;
                                for (size_t k = 0; k < gr->n_meetings; k++)
                                        if (gr->meetings[k].day == d)
                                                spans[n++] = (struct span){ gr->meetings[k].start, gr->meetings[k].end };
                        }
                        qsort(spans, n, sizeof *spans, cmp_span);
                        for (size_t i = 1; i < n; i++) {
                                int gap = spans[i].start - spans[i - 1].end - ctx->transition;
                                if (gap > 0)
                                        out.idle_minutes += gap;
                        }
                }
        free(spans);

        if (previous) {
                const struct school *then = previous->school;
                for (size_t g = 0; g < schedule->n_groups; g++) {
                        int p = schedule_find_group(previous, schedule->groups[g].id);
                        out.changed_meetings += group_changes(school, &schedule->groups[g], then,
                                                              p >= 0 ? &previous->groups[p] : NULL);
                }
                for (size_t p = 0; p < previous->n_groups; p++)
                        if (schedule_find_group(schedule, previous->groups[p].id) < 0)
                                out.changed_meetings += (long)previous->groups[p].n_meetings;
        }
        out.penalty = solver_penalty(&out, w, weigh_changed);
        /* Placed is counted here; the bound is the solver's proof, kept from the schedule. */
        for (size_t g = 0; g < schedule->n_groups; g++)
                out.placed += (long)schedule->groups[g].n_needs;
        out.upper_bound = schedule->metrics.upper_bound;
        *m = out;
        return 0;
}

static void when(struct textbuf *sb, int day, int start, int end) {
        char a[6], b[6];
        textbuf_printf(sb, "%s %s–%s", weekday_name(day), time_format(start, a), time_format(end, b));
}

static bool overlaps(int s1, int e1, int s2, int e2) {
        return s1 < e2 && s2 < e1;
}

/* Is [start, end) of day inside the union of staff's availability? */
static bool available(const struct school *school, int staff, int day, int start, int end) {
        int t = start;
        bool progress = true;
        while (t < end && progress) {
                progress = false;
                for (size_t i = 0; i < school->n_availability; i++) {
                        const struct availability *a = &school->availability[i];
                        if (a->staff == staff && (a->days & (1u << day)) && a->start <= t && a->end > t) {
                                t = a->end;
                                progress = true;
                        }
                }
        }
        return t >= end;
}

static const char *student_label(const struct school *school, int need, char *buf, size_t size) {
        const struct student *s = &school->students[school->needs[need].student];
        snprintf(buf, size, "%s (%s)", s->name, s->id);
        return buf;
}

static void check_groups(const struct schedule *schedule, struct lines *out) {
        const struct school *school = schedule->school;
        int *count = calloc(school->n_needs + 1, sizeof *count);
        if (!count) {
                out->failed = true;
                return;
        }
        char who[160];
        for (size_t g = 0; g < schedule->n_groups; g++) {
                const struct group *gr = &schedule->groups[g];
                if (gr->program < 0 || (size_t)gr->program >= school->n_programs || gr->staff < 0 ||
                    (size_t)gr->staff >= school->n_staff) {
                        lines_add(out, "%s: names no valid program or interventionist", gr->id);
                        continue;
                }
                const struct program *p = &school->programs[gr->program];
                const struct staff *st = &school->staff[gr->staff];
                if ((int)gr->n_needs > p->max_group)
                        lines_add(out, "%s: %zu students, more than %s's max_group of %d", gr->id, gr->n_needs,
                                  p->id, p->max_group);
                if (st->role != ROLE_INTERVENTIONIST)
                        lines_add(out, "%s: taught by %s (%s), who is not an interventionist", gr->id, st->name, st->id);
                else if (!staff_can_teach(school, gr->staff, gr->program))
                        lines_add(out, "%s: taught by %s (%s), who is not trained for %s", gr->id, st->name, st->id, p->id);
                int lo = 99, hi = -99;
                for (size_t i = 0; i < gr->n_needs; i++) {
                        int ni = gr->needs[i];
                        if (ni < 0 || (size_t)ni >= school->n_needs) {
                                lines_add(out, "%s: holds an unknown need", gr->id);
                                continue;
                        }
                        count[ni]++;
                        const struct need *n = &school->needs[ni];
                        int grade = school->students[n->student].grade;
                        lo = grade < lo ? grade : lo;
                        hi = grade > hi ? grade : hi;
                        student_label(school, ni, who, sizeof who);
                        if (n->program != gr->program)
                                lines_add(out, "%s: %s's need is for %s, not %s", gr->id, who,
                                          school->programs[n->program].id, p->id);
                        if ((int)gr->n_meetings != n->sessions_per_week)
                                lines_add(out, "%s: meets %zu times a week; %s needs %d", gr->id, gr->n_meetings, who,
                                          n->sessions_per_week);
                        for (size_t k = 0; k < gr->n_meetings; k++)
                                if (gr->meetings[k].end - gr->meetings[k].start != n->minutes) {
                                        lines_add(out, "%s: meets %d minutes on %s; %s needs %d", gr->id,
                                                  gr->meetings[k].end - gr->meetings[k].start,
                                                  weekday_name(gr->meetings[k].day), who, n->minutes);
                                        break;
                                }
                        if (n->staff >= 0 && n->staff != gr->staff)
                                lines_add(out, "%s: %s must be taught by %s, not %s", gr->id, who,
                                          school->staff[n->staff].id, st->id);
                }
                if (gr->n_needs > 0 && hi - lo > p->max_grade_span)
                        lines_add(out, "%s: grades span %d to %d, more than %s's max_grade_span of %d", gr->id, lo, hi,
                                  p->id, p->max_grade_span);
                int days = 0;
                for (size_t k = 0; k < gr->n_meetings; k++) {
                        const struct meeting *m = &gr->meetings[k];
                        if (m->day < 0 || m->day >= DAY_COUNT) {
                                lines_add(out, "%s: meets on an invalid day", gr->id);
                                continue;
                        }
                        struct textbuf sb = { 0 };
                        if (days & (1 << m->day)) {
                                textbuf_printf(&sb, "%s: meets twice on %s", gr->id, weekday_name(m->day));
                                lines_take(out, &sb);
                        }
                        days |= 1 << m->day;
                        if (m->start < school->info.day_start || m->end > school->info.day_end || m->start >= m->end) {
                                textbuf_printf(&sb, "%s: meeting ", gr->id);
                                when(&sb, m->day, m->start, m->end);
                                textbuf_printf(&sb, " is outside the school day");
                                lines_take(out, &sb);
                        }
                        if (st->role == ROLE_INTERVENTIONIST && !available(school, gr->staff, m->day, m->start, m->end)) {
                                textbuf_printf(&sb, "%s: %s (%s) is not available ", gr->id, st->name, st->id);
                                when(&sb, m->day, m->start, m->end);
                                lines_take(out, &sb);
                        }
                }
        }
        for (size_t n = 0; n < school->n_needs; n++) {
                student_label(school, (int)n, who, sizeof who);
                const char *program = school->programs[school->needs[n].program].id;
                if (count[n] > 1)
                        lines_add(out, "%s's need for %s is in %d groups", who, program, count[n]);
                bool listed = false;
                for (size_t u = 0; u < schedule->n_unscheduled && !listed; u++)
                        listed = schedule->unscheduled[u].need == (int)n;
                if (listed && count[n] > 0)
                        lines_add(out, "%s's need for %s is both scheduled and unscheduled", who, program);
                if (!listed && count[n] == 0)
                        lines_add(out, "%s's need for %s is neither scheduled nor reported unscheduled", who, program);
        }
        free(count);
}

struct placed {
        int group, need;
        const struct meeting *m;
};

static void check_students(const struct schedule *schedule, struct lines *out) {
        const struct school *school = schedule->school;
        char who[160];
        /* Every student's meetings, one list per student. */
        size_t total = 0;
        for (size_t g = 0; g < schedule->n_groups; g++)
                total += schedule->groups[g].n_needs * schedule->groups[g].n_meetings;
        struct placed *all = malloc((total + 1) * sizeof *all);
        size_t *first = calloc(school->n_students + 1, sizeof *first);
        if (!all || !first) {
                free(all);
                free(first);
                out->failed = true;
                return;
        }
        for (size_t g = 0; g < schedule->n_groups; g++) {
                const struct group *gr = &schedule->groups[g];
                for (size_t i = 0; i < gr->n_needs; i++)
                        if (gr->needs[i] >= 0 && (size_t)gr->needs[i] < school->n_needs)
                                first[school->needs[gr->needs[i]].student + 1] += gr->n_meetings;
        }
        for (size_t s = 0; s < school->n_students; s++)
                first[s + 1] += first[s];
        size_t *fill = calloc(school->n_students + 1, sizeof *fill);
        if (!fill) {
                free(all);
                free(first);
                out->failed = true;
                return;
        }
        for (size_t g = 0; g < schedule->n_groups; g++) {
                const struct group *gr = &schedule->groups[g];
                for (size_t i = 0; i < gr->n_needs; i++) {
                        if (gr->needs[i] < 0 || (size_t)gr->needs[i] >= school->n_needs)
                                continue;
                        int s = school->needs[gr->needs[i]].student;
                        for (size_t k = 0; k < gr->n_meetings; k++)
                                all[first[s] + fill[s]++] = (struct placed){ (int)g, gr->needs[i], &gr->meetings[k] };
                }
        }
        for (size_t s = 0; s < school->n_students; s++) {
                const struct student *st = &school->students[s];
                for (size_t i = first[s]; i < first[s + 1]; i++) {
                        const struct placed *p = &all[i];
                        const struct meeting *m = p->m;
                        const char *gid = schedule->groups[p->group].id;
                        enum area area = school->programs[school->needs[p->need].program].area;
                        student_label(school, p->need, who, sizeof who);
                        for (size_t b = 0; b < school->n_blocks; b++) {
                                const struct block *bl = &school->blocks[b];
                                if (bl->teacher != st->teacher || !(bl->days & (1u << m->day)) ||
                                    !overlaps(bl->start, bl->end, m->start, m->end))
                                        continue;
                                bool area_rule = area_subject(area) == (int)bl->subject;
                                if (bl->policy != POLICY_NEVER && !area_rule)
                                        continue;
                                struct textbuf sb = { 0 };
                                textbuf_printf(&sb, "%s: %s is out during %s (%s) ", gid, who, subject_names[bl->subject],
                                              area_rule ? "the intervention's own area" : "a never block");
                                when(&sb, m->day, m->start, m->end);
                                lines_take(out, &sb);
                        }
                        for (size_t v = 0; v < school->n_services; v++) {
                                const struct service *sv = &school->services[v];
                                if (sv->student != (int)s || !(sv->days & (1u << m->day)) ||
                                    !overlaps(sv->start, sv->end, m->start, m->end))
                                        continue;
                                struct textbuf sb = { 0 };
                                textbuf_printf(&sb, "%s: %s is out during the service %s ", gid, who,
                                              sv->label ? sv->label : "");
                                when(&sb, m->day, m->start, m->end);
                                lines_take(out, &sb);
                        }
                        for (size_t j = i + 1; j < first[s + 1]; j++) {
                                const struct meeting *o = all[j].m;
                                if (o->day != m->day || !overlaps(o->start, o->end, m->start, m->end))
                                        continue;
                                struct textbuf sb = { 0 };
                                textbuf_printf(&sb, "%s and %s: %s has two sessions at once ", gid,
                                              schedule->groups[all[j].group].id, who);
                                when(&sb, m->day, m->start, m->end);
                                lines_take(out, &sb);
                        }
                }
        }
        free(all);
        free(first);
        free(fill);
}

static void check_staff(const struct schedule *schedule, struct lines *out) {
        const struct school *school = schedule->school;
        int transition = school->info.transition_minutes;
        for (size_t s = 0; s < school->n_staff; s++) {
                const struct staff *st = &school->staff[s];
                for (int d = 0; d < DAY_COUNT; d++) {
                        int sessions = 0;
                        for (size_t g = 0; g < schedule->n_groups; g++) {
                                const struct group *a = &schedule->groups[g];
                                if (a->staff != (int)s)
                                        continue;
                                for (size_t k = 0; k < a->n_meetings; k++) {
                                        const struct meeting *m = &a->meetings[k];
                                        if (m->day != d)
                                                continue;
                                        sessions++;
                                        for (size_t h = g; h < schedule->n_groups; h++) {
                                                const struct group *b = &schedule->groups[h];
                                                if (b->staff != (int)s)
                                                        continue;
                                                for (size_t l = h == g ? k + 1 : 0; l < b->n_meetings; l++) {
                                                        const struct meeting *o = &b->meetings[l];
                                                        if (o->day != d ||
                                                            !overlaps(o->start, o->end + transition, m->start,
                                                                      m->end + transition))
                                                                continue;
                                                        struct textbuf sb = { 0 };
                                                        bool clash = overlaps(o->start, o->end, m->start, m->end);
                                                        textbuf_printf(&sb, "%s and %s: %s (%s) %s ", a->id, b->id, st->name,
                                                                      st->id,
                                                                      clash ? "teaches two groups at once"
                                                                            : "has less than the transition time between sessions");
                                                        when(&sb, d, m->start, m->end);
                                                        lines_take(out, &sb);
                                                }
                                        }
                                }
                        }
                        if (st->max_sessions_per_day > 0 && sessions > st->max_sessions_per_day)
                                lines_add(out, "%s (%s) has %d sessions on %s, more than the %d allowed", st->name, st->id,
                                          sessions, weekday_name(d), st->max_sessions_per_day);
                }
        }
}

static void check_pins(const struct schedule *schedule, const struct schedule *previous, struct lines *out) {
        for (size_t p = 0; p < previous->n_groups; p++) {
                const struct group *pg = &previous->groups[p];
                if (!pg->pinned)
                        continue;
                int g = schedule_find_group(schedule, pg->id);
                if (g < 0) {
                        lines_add(out, "%s: pinned, but gone from the schedule", pg->id);
                        continue;
                }
                const struct group *gr = &schedule->groups[g];
                bool same = gr->n_meetings == pg->n_meetings && gr->pinned &&
                            strcmp(schedule->school->staff[gr->staff].id, previous->school->staff[pg->staff].id) == 0;
                for (size_t k = 0; same && k < gr->n_meetings; k++)
                        same = same_meeting(&gr->meetings[k], &pg->meetings[k]);
                if (!same)
                        lines_add(out, "%s: pinned, but its interventionist or meetings changed", pg->id);
        }
}

int solver_check(const struct schedule *schedule, const struct schedule *previous,
                 const struct solver_weights *w, struct schedule_metrics *ret_metrics,
                 char ***ret_violations, size_t *ret_n) {
        struct solver_weights defaults;
        struct lines out = { 0 };
        struct solver_ctx *ctx = NULL;
        int r;
        if (!w) {
                solver_weights_default(&defaults);
                w = &defaults;
        }
        if (ret_metrics) {
                r = solver_ctx_new(schedule->school, &ctx);
                if (r < 0)
                        goto finish;
                struct schedule_metrics m;
                r = solver_measure(ctx, schedule, previous, w, previous != NULL, &m);
                if (r < 0)
                        goto finish;
                *ret_metrics = m;
        }
        check_groups(schedule, &out);
        check_students(schedule, &out);
        check_staff(schedule, &out);
        if (previous)
                check_pins(schedule, previous, &out);
        if (out.failed) {
                r = -ENOMEM;
                goto finish;
        }
        r = (int)out.n;
        if (ret_violations && ret_n) {
                *ret_violations = out.lines;
                *ret_n = out.n;
                out.lines = NULL;
                out.n = 0;
        }
finish:
        solver_strings_free(out.lines, out.n);
        solver_ctx_free(ctx);
        return r;
}
