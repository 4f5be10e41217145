/* makeup.c: ranks the free slots of one week where a group could make up a missed session —
 * like a recommendation API: every hard rule of §4 holds, the soft goals rank the slots. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/solver-internal.h"

struct candidate {
        civil_date date;
        int start, staff;
        long cost;
        bool meets_that_day;
        long avoid, preferred;
};

static int cmp_candidate(const void *a, const void *b) {
        const struct candidate *x = a, *y = b;
        if (x->cost != y->cost)
                return x->cost < y->cost ? -1 : 1;
        if (x->date != y->date)
                return x->date < y->date ? -1 : 1;
        if (x->start != y->start)
                return x->start < y->start ? -1 : 1;
        return x->staff - y->staff;
}

static void mark(const struct solver_ctx *ctx, struct daybits *b, int start, int end) {
        if (end <= start)
                return;
        daybits_set(b, ctx_slot_floor(ctx, start), ctx_slot_ceil(ctx, end));
}

/* Busy time of one weekday and date: the regular schedule, the calendar and the caller's list. */
static void day_busy(const struct schedule *schedule, const struct solver_ctx *ctx,
                     const struct solver_makeup_request *req, int day, civil_date date, int staff,
                     const struct group *group, struct daybits *students_busy, struct daybits *staff_busy,
                     int *staff_sessions) {
        const struct school *school = schedule->school;
        memset(students_busy, 0, sizeof *students_busy);
        memset(staff_busy, 0, sizeof *staff_busy);
        *staff_sessions = 0;
        for (size_t g = 0; g < schedule->n_groups; g++) {
                const struct group *gr = &schedule->groups[g];
                bool shares = false;
                for (size_t i = 0; i < gr->n_needs && !shares; i++)
                        for (size_t j = 0; j < group->n_needs && !shares; j++)
                                shares = school->needs[gr->needs[i]].student == school->needs[group->needs[j]].student;
                for (size_t k = 0; k < gr->n_meetings; k++) {
                        const struct meeting *m = &gr->meetings[k];
                        if (m->day != day)
                                continue;
                        if (shares)
                                mark(ctx, students_busy, m->start, m->end);
                        if (gr->staff == staff) {
                                mark(ctx, staff_busy, m->start, m->end + ctx->transition);
                                (*staff_sessions)++;
                        }
                }
        }
        for (size_t i = 0; i < req->n_busy; i++) {
                const struct solver_busy *b = &req->busy[i];
                if (b->date != date)
                        continue;
                bool everyone = b->staff < 0 && b->student < 0;
                bool student = false;
                for (size_t j = 0; j < group->n_needs && !student; j++)
                        student = school->needs[group->needs[j]].student == b->student;
                if (everyone || student)
                        mark(ctx, students_busy, b->start, b->end);
                if (everyone || b->staff == staff)
                        mark(ctx, staff_busy, b->start, b->end + (b->staff == staff ? ctx->transition : 0));
        }
}

int solver_makeup(const struct schedule *schedule, const struct solver_makeup_request *req,
                  struct solver_makeup_slot **ret_slots, size_t *ret_n) {
        const struct school *school = schedule->school;
        if (!req || req->group < 0 || (size_t)req->group >= schedule->n_groups)
                return -EINVAL;
        const struct group *group = &schedule->groups[req->group];
        if (group->n_meetings == 0)
                return -EINVAL;
        struct solver_ctx *ctx = NULL;
        struct candidate *cands = NULL;
        struct solver_makeup_slot *slots = NULL;
        size_t n_cands = 0, cap = 0, n_slots = 0;
        struct solver_weights w;
        if (req->weights)
                w = *req->weights;
        else
                solver_weights_default(&w);
        int r = solver_ctx_new(school, &ctx);
        if (r < 0)
                return r;
        int minutes = group->meetings[0].end - group->meetings[0].start;
        int len = (minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
        int tail = (minutes + ctx->transition + SLOT_MINUTES - 1) / SLOT_MINUTES;
        int staff_list[256], ns = 0;
        staff_list[ns++] = group->staff;
        bool staff_pinned = false;
        for (size_t i = 0; i < group->n_needs; i++)
                staff_pinned |= school->needs[group->needs[i]].staff >= 0;
        if (req->any_staff && !staff_pinned)
                for (const int *l = ctx->program_staff[group->program]; *l >= 0 && ns < 256; l++)
                        if (*l != group->staff)
                                staff_list[ns++] = *l;
        civil_date monday = date_week_start(req->week);
        for (int day = 0; day < DAY_COUNT; day++) {
                civil_date date = monday + day;
                int day_end = ctx->day_end;
                bool closed = false;
                struct daybits blocked = { 0 };
                for (size_t c = 0; c < school->n_calendar; c++) {
                        const struct calendar_day *cd = &school->calendar[c];
                        if (cd->date != date)
                                continue;
                        if (cd->kind == CALENDAR_CLOSED)
                                closed = true;
                        else if (cd->kind == CALENDAR_EARLY_RELEASE && cd->end < day_end)
                                day_end = cd->end;
                        else if (cd->kind == CALENDAR_BLOCKED)
                                mark(ctx, &blocked, cd->start, cd->end);
                }
                if (closed || date < req->not_before_date)
                        continue;
                bool meets = false;
                for (size_t k = 0; k < group->n_meetings; k++)
                        meets |= group->meetings[k].day == day;
                for (int si = 0; si < ns; si++) {
                        int staff = staff_list[si];
                        const struct staff *st = &school->staff[staff];
                        struct daybits students_busy, staff_busy;
                        int sessions;
                        day_busy(schedule, ctx, req, day, date, staff, group, &students_busy, &staff_busy, &sessions);
                        if (st->max_sessions_per_day > 0 && sessions >= st->max_sessions_per_day)
                                continue;
                        struct daybits open = ctx->staff_avail[staff].d[day];
                        for (size_t i = 0; i < group->n_needs; i++)
                                daybits_and(&open, &open, &ctx->need_free[group->needs[i]].d[day]);
                        daybits_andnot(&open, &open, &students_busy);
                        daybits_andnot(&open, &open, &blocked);
                        struct daybits starts, idle, idle_win;
                        daybits_window(&starts, &open, len);
                        for (int k = 0; k < SLOT_WORDS; k++)
                                idle.w[k] = ~staff_busy.w[k];
                        daybits_window(&idle_win, &idle, tail);
                        daybits_and(&starts, &starts, &idle_win);
                        for (int a = 0; a < ctx->nslots; a++) {
                                if (!daybits_test(&starts, a))
                                        continue;
                                int start = ctx_slot_minute(ctx, a);
                                if (start + minutes > day_end)
                                        continue;
                                if (date == req->not_before_date && start < req->not_before_minute)
                                        continue;
                                struct candidate c = { .date = date, .start = start, .staff = staff, .meets_that_day = meets };
                                for (size_t i = 0; i < group->n_needs; i++) {
                                        int t = school->students[school->needs[group->needs[i]].student].teacher;
                                        c.avoid += ctx_avoid_minutes(ctx, t, day, start, start + minutes);
                                        c.preferred += ctx_preferred_minutes(ctx, t, day, start, start + minutes);
                                }
                                /* Soon is better (dosage this week), another day than the group's
                                 * own is better, the group's own interventionist is better. */
                                c.cost = (long)w.avoid_minute * c.avoid - (long)w.preferred_minute * c.preferred +
                                         (meets ? 100 : 0) + (si > 0 ? 300 : 0) + 10L * day;
                                if (n_cands == cap) {
                                        cap = cap ? cap * 2 : 64;
                                        struct candidate *more = realloc(cands, cap * sizeof *more);
                                        if (!more) {
                                                r = -ENOMEM;
                                                goto finish;
                                        }
                                        cands = more;
                                }
                                cands[n_cands++] = c;
                        }
                }
        }
        if (n_cands)
                qsort(cands, n_cands, sizeof *cands, cmp_candidate);
        size_t max = req->max_results ? req->max_results : 10;
        slots = calloc(max, sizeof *slots);
        if (!slots) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < n_cands && n_slots < max; i++) {
                const struct candidate *c = &cands[i];
                /* Offer distinct moments, not the same slot shifted by five minutes. */
                bool overlap = false;
                for (size_t j = 0; j < n_slots && !overlap; j++)
                        overlap = slots[j].date == c->date && slots[j].start < c->start + minutes &&
                                  c->start < slots[j].end;
                if (overlap)
                        continue;
                struct textbuf sb = { 0 };
                const struct staff *st = &school->staff[c->staff];
                char a[6], b[6], day[11];
                textbuf_printf(&sb, "%s %s %s–%s with %s%s: all %zu student%s free", weekday_name(date_weekday(c->date)),
                              date_format(c->date, day), time_format(c->start, a), time_format(c->start + minutes, b),
                              st->name, c->staff == group->staff ? "" : " (not the group's own interventionist)",
                              group->n_needs, group->n_needs == 1 ? "" : "s");
                if (c->preferred > 0)
                        textbuf_printf(&sb, "; %ld student-minutes in intervention (WIN) time", c->preferred);
                if (c->avoid > 0)
                        textbuf_printf(&sb, "; %ld student-minutes out of avoid blocks", c->avoid);
                textbuf_printf(&sb, c->meets_that_day ? "; a second session that day" : "; the group has no session that day");
                char *reason = NULL;
                if ((r = textbuf_steal(&sb, &reason)) < 0)
                        goto finish;
                slots[n_slots++] = (struct solver_makeup_slot){ .date = c->date, .start = c->start, .end = c->start + minutes,
                                                               .staff = c->staff, .cost = c->cost, .reason = reason };
        }
        *ret_slots = slots;
        *ret_n = n_slots;
        slots = NULL;
        n_slots = 0;
        r = 0;
finish:
        solver_makeup_slots_free(slots, n_slots);
        free(cands);
        solver_ctx_free(ctx);
        return r;
}

void solver_makeup_slots_free(struct solver_makeup_slot *slots, size_t n) {
        if (!slots)
                return;
        for (size_t i = 0; i < n; i++)
                free(slots[i].reason);
        free(slots);
}
