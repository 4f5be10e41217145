/* bound-time.c: the time-indexed model of the upper bound (bound.c), solved over cohorts.
 *
 * Each day's meetings are placed independently: a need meets on `sessions` different days at
 * any start where the student is free; its meetings need not share a time or classmates. Every
 * real schedule is a feasible point of it, so its optimum is at least the best schedule's
 * count (what it leaves out, grade span, pinned interventionists, one time for all days, only
 * makes it looser). It is as tight as the group model on the generated schools (79 against 78
 * for 100 students, 101 and 101 for 300): what bounds an overloaded school is which students
 * are free when an interventionist is.
 *
 * Written per need it is too large for CLP past a hundred students. But students of the same
 * homeroom with the same needs are the same to it, and so are interventionists with the same
 * hours and programs (bound-cohort.c): the model is written over cohorts, a variable counting
 * how many of them do a thing, and each row is the sum of its members' rows. Every schedule still maps onto a
 * feasible point (sum its members' values), so the bound stays valid; and since any solution of
 * the per-need model averaged over each cohort is one of this model, the optimum is the same.
 * The 300-student overloaded school has 58 student cohorts and 3 staff cohorts, 5,000 students
 * 257 and 11; CLP solves the first in 1.2 s where the model per need took 15 s.
 *
 * Variables, for a need cohort q (n_q needs: one position in a student cohort's needs), a staff
 * cohort s (n_s interventionists) and a class c (program, minutes, sessions):
 *   y[q]          how many of q are placed                      in [0, n_q], objective: sum
 *   x[q][d][t]    how many of q meet on day d starting at slot t        in [0, n_q]
 *   z[s][c][d][t] how many of s teach a meeting of c then               in [0, n_s]
 * Rows:
 *   sum x[q] = sessions * y[q]          a placed need meets sessions times a week
 *   sum_t x[q][d][t] <= y[q]            at most once a day
 *   a student cohort's meetings covering a slot <= its students
 *   sum_{q in c} x[q][d][t] <= cap_c * sum_s z[s][c][d][t]      max_group students a meeting
 *   x[q][d][t] <= n_q * sum_s z[s][c][d][t]     students meet where a meeting is (implied by the
 *                                               row above when n_q >= cap_c)
 *   a staff cohort's meetings and transitions covering a slot <= its interventionists
 *   sum_{c,t} z[s][c][d][t] <= n_s * max_sessions_per_day
 * Meetings start on the 5-minute grid, as the search places them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "solver/bound-lp.h"

/* Past this many columns CLP takes longer than a solve's share of the bound: 8,600 columns (the
 * 300-student overloaded school) take 1.2 s, 24,000 (2,000 students) 17 s. */
#define TIME_MODEL_MAX_COLS 16000

int bound_time(const struct solver_ctx *ctx, double max_seconds, long *ret) {
        const struct school *school = ctx->school;
        size_t nn = school->n_needs, nst = school->n_staff, np = school->n_programs;
        int ns = ctx->nslots, D = DAY_COUNT;
        struct lp lp = { 0 };
        struct cohorts co = { 0 };
        struct klass *classes = malloc((nn + 1) * sizeof *classes);
        int *need_class = malloc((nn + 1) * sizeof *need_class);
        bool *trained = calloc(nst * np + 1, sizeof *trained);
        int *ycol = NULL, *xcol = NULL, *zcol = NULL;
        struct daybits *class_staff = NULL, *class_need = NULL;
        int nclasses = 0, r = -ENOMEM;
        if (!classes || !need_class || !trained)
                goto done;
        for (size_t i = 0; i < nn; i++)
                need_class[i] = bound_need_possible(ctx, (int)i) ? bound_class_of(classes, &nclasses, &school->needs[i]) : -1;
        for (size_t p = 0; p < np; p++)
                for (const int *s = ctx->program_staff[p]; *s >= 0; s++)
                        trained[(size_t)*s * np + p] = true;
        if (bound_cohorts_make(ctx, need_class, &co) < 0)
                goto done;
        int nq = co.nq, nsk = co.nskinds;
        ycol = malloc(((size_t)nq + 1) * sizeof *ycol);
        /* x column of (need cohort, day, slot), z of (class, staff cohort, day, slot); -1: none. */
        xcol = malloc(((size_t)nq * D * (size_t)ns + 1) * sizeof *xcol);
        zcol = malloc(((size_t)nclasses * (size_t)nsk * D * (size_t)ns + 1) * sizeof *zcol);
        /* Where some interventionist of the class can start, and some need of it too. */
        class_staff = calloc((size_t)nclasses * D + 1, sizeof *class_staff);
        class_need = calloc((size_t)nclasses * D + 1, sizeof *class_need);
        if (!ycol || !xcol || !zcol || !class_staff || !class_need)
                goto done;
        memset(xcol, 0xff, (size_t)nq * D * (size_t)ns * sizeof *xcol);
        memset(zcol, 0xff, (size_t)nclasses * (size_t)nsk * D * (size_t)ns * sizeof *zcol);
#define X(q, d, t) xcol[((size_t)(q) * D + (size_t)(d)) * (size_t)ns + (size_t)(t)]
#define Z(c, k, d, t) zcol[(((size_t)(c) * (size_t)nsk + (size_t)(k)) * D + (size_t)(d)) * (size_t)ns + (size_t)(t)]
        for (int c = 0; c < nclasses; c++) {
                int len = (classes[c].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                for (const int *s = ctx->program_staff[classes[c].program]; *s >= 0; s++)
                        for (int d = 0; d < D; d++) {
                                struct daybits w;
                                daybits_window_n(&w, &ctx->staff_avail[*s].d[d], len, ctx->nwords);
                                for (int k = 0; k < SLOT_WORDS; k++)
                                        class_staff[c * D + d].w[k] |= w.w[k];
                        }
        }
        for (int q = 0; q < nq; q++) {
                int i = co.q_need[q], c = need_class[i];
                int len = (classes[c].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                ycol[q] = lp_col(&lp, 0, co.q_size[q], 1);
                for (int d = 0; d < D; d++) {
                        struct daybits w;
                        daybits_window_n(&w, &ctx->need_free[i].d[d], len, ctx->nwords);
                        daybits_and(&w, &w, &class_staff[c * D + d]);
                        for (int k = 0; k < SLOT_WORDS; k++)
                                class_need[c * D + d].w[k] |= w.w[k];
                        for (int t = 0; t < ns; t++)
                                if (daybits_test(&w, t))
                                        X(q, d, t) = lp_col(&lp, 0, co.q_size[q], 0);
                }
        }
        for (int c = 0; c < nclasses; c++) {
                int len = (classes[c].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                for (int k = 0; k < nsk; k++) {
                        int s = co.sorder[co.sfirst[k]], size = co.sfirst[k + 1] - co.sfirst[k];
                        if (!trained[(size_t)s * np + (size_t)classes[c].program])
                                continue;
                        for (int d = 0; d < D; d++) {
                                struct daybits w;
                                daybits_window_n(&w, &ctx->staff_avail[s].d[d], len, ctx->nwords);
                                daybits_and(&w, &w, &class_need[c * D + d]);
                                for (int t = 0; t < ns; t++)
                                        if (daybits_test(&w, t))
                                                Z(c, k, d, t) = lp_col(&lp, 0, size, 0);
                        }
                }
        }
        if (lp.obj.n > TIME_MODEL_MAX_COLS) {
                r = -E2BIG;
                goto done;
        }

        /* A placed need meets sessions times a week, at most once a day. */
        for (int q = 0; q < nq; q++) {
                int week = lp_row(&lp, 0, 0);
                trip_add(&lp.t, week, ycol[q], -(double)school->needs[co.q_need[q]].sessions_per_week);
                for (int d = 0; d < D; d++) {
                        int day = -1;
                        for (int t = 0; t < ns; t++) {
                                if (X(q, d, t) < 0)
                                        continue;
                                if (day < 0) {
                                        day = lp_row(&lp, -NO_LIMIT, 0);
                                        trip_add(&lp.t, day, ycol[q], -1);
                                }
                                trip_add(&lp.t, week, X(q, d, t), 1);
                                trip_add(&lp.t, day, X(q, d, t), 1);
                        }
                }
        }
        /* A student is in one meeting at a time (only matters with two needs or more); the need
         * cohorts of a student cohort are consecutive. */
        for (int q0 = 0; q0 < nq;) {
                int q1 = q0;
                while (q1 < nq && co.q_kind[q1] == co.q_kind[q0])
                        q1++;
                if (q1 - q0 >= 2)
                        for (int d = 0; d < D; d++)
                                for (int sigma = 0; sigma < ns; sigma++) {
                                        int row = -1;
                                        for (int q = q0; q < q1; q++) {
                                                int len = (school->needs[co.q_need[q]].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                                                for (int t = sigma - len + 1; t <= sigma; t++)
                                                        if (t >= 0 && X(q, d, t) >= 0) {
                                                                if (row < 0)
                                                                        row = lp_row(&lp, -NO_LIMIT, co.q_size[q0]);
                                                                trip_add(&lp.t, row, X(q, d, t), 1);
                                                        }
                                        }
                                }
                q0 = q1;
        }
        /* Students meet only where a meeting is, at most max_group of them in it. */
        for (int c = 0; c < nclasses; c++) {
                int cap = school->programs[classes[c].program].max_group;
                cap = cap > GROUP_CAP ? GROUP_CAP : cap;
                for (int d = 0; d < D; d++)
                        for (int t = 0; t < ns; t++) {
                                int row = -1;
                                for (int q = 0; q < nq; q++) {
                                        if (need_class[co.q_need[q]] != c || X(q, d, t) < 0)
                                                continue;
                                        if (row < 0)
                                                row = lp_row(&lp, -NO_LIMIT, 0);
                                        trip_add(&lp.t, row, X(q, d, t), 1);
                                        if (co.q_size[q] >= cap)
                                                continue;
                                        int one = lp_row(&lp, -NO_LIMIT, 0);
                                        trip_add(&lp.t, one, X(q, d, t), 1);
                                        for (int k = 0; k < nsk; k++)
                                                if (Z(c, k, d, t) >= 0)
                                                        trip_add(&lp.t, one, Z(c, k, d, t), -(double)co.q_size[q]);
                                }
                                if (row < 0)
                                        continue;
                                for (int k = 0; k < nsk; k++)
                                        if (Z(c, k, d, t) >= 0)
                                                trip_add(&lp.t, row, Z(c, k, d, t), -(double)cap);
                        }
        }
        /* An interventionist teaches one meeting at a time, a transition between two, and no
         * more than max_sessions_per_day meetings a day. */
        for (int k = 0; k < nsk; k++) {
                int size = co.sfirst[k + 1] - co.sfirst[k];
                int max = school->staff[co.sorder[co.sfirst[k]]].max_sessions_per_day;
                for (int d = 0; d < D; d++) {
                        int day = -1;
                        for (int sigma = 0; sigma < ns; sigma++) {
                                int row = -1;
                                for (int c = 0; c < nclasses; c++) {
                                        int occ = (classes[c].minutes + ctx->transition + SLOT_MINUTES - 1) / SLOT_MINUTES;
                                        for (int t = sigma - occ + 1; t <= sigma; t++) {
                                                if (t < 0 || Z(c, k, d, t) < 0)
                                                        continue;
                                                if (row < 0)
                                                        row = lp_row(&lp, -NO_LIMIT, size);
                                                trip_add(&lp.t, row, Z(c, k, d, t), 1);
                                        }
                                        if (max > 0 && Z(c, k, d, sigma) >= 0) {
                                                if (day < 0)
                                                        day = lp_row(&lp, -NO_LIMIT, (double)size * max);
                                                trip_add(&lp.t, day, Z(c, k, d, sigma), 1);
                                        }
                                }
                        }
                }
        }
#undef X
#undef Z
        r = lp_bound(&lp, max_seconds, ret);
done:
        bound_cohorts_free(&co);
        free(classes);
        free(need_class);
        free(trained);
        free(ycol);
        free(xcol);
        free(zcol);
        free(class_staff);
        free(class_need);
        lp_free(&lp);
        return r;
}
