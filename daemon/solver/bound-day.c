/* bound-day.c: the day model of the upper bound (bound.c), and its row prices.
 *
 * The day model is the time-indexed model with the times of a day summed up. A need meets on
 * days (x[i][d]); an interventionist holds m[s][c][d] meetings of class c on day d, as many as
 * fit in the available slots (each takes its slots plus the transition; the last of each
 * window may leave its transition outside); a meeting holds max_group students; a student's
 * meetings of a day fit in the slots free for any of their needs. Small whatever the school:
 * a tenth of a second for 2,000 students, 0.4 s for 5,000.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "solver/bound-lp.h"

int bound_day(const struct solver_ctx *ctx, double max_seconds, long *ret) {
        const struct school *school = ctx->school;
        size_t nn = school->n_needs, nst = school->n_staff;
        int D = DAY_COUNT;
        struct lp lp = { 0 };
        struct klass *classes = malloc((nn + 1) * sizeof *classes);
        int *need_class = malloc((nn + 1) * sizeof *need_class);
        int *xcol = malloc((nn * D + 1) * sizeof *xcol);
        int *mcol = NULL, *ycol = malloc((nn + 1) * sizeof *ycol);
        int nclasses = 0, r = -ENOMEM;
        if (!classes || !need_class || !xcol || !ycol)
                goto done;
        for (size_t i = 0; i < nn; i++)
                need_class[i] = bound_need_possible(ctx, (int)i) ? bound_class_of(classes, &nclasses, &school->needs[i]) : -1;
        mcol = malloc(((size_t)nclasses * nst * D + 1) * sizeof *mcol);
        if (!mcol)
                goto done;
        memset(mcol, 0xff, (size_t)nclasses * nst * D * sizeof *mcol);
#define M(c, s, d) mcol[((size_t)(c) * nst + (size_t)(s)) * D + (size_t)(d)]
        for (int c = 0; c < nclasses; c++) {
                int len = (classes[c].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                for (const int *s = ctx->program_staff[classes[c].program]; *s >= 0; s++)
                        for (int d = 0; d < D; d++) {
                                struct daybits w;
                                daybits_window_n(&w, &ctx->staff_avail[*s].d[d], len, ctx->nwords);
                                if (daybits_count(&w) > 0)
                                        M(c, *s, d) = lp_col(&lp, 0, NO_LIMIT, 0);
                        }
        }
        for (size_t i = 0; i < nn; i++) {
                ycol[i] = -1;
                int c = need_class[i];
                if (c < 0)
                        continue;
                int len = (classes[c].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                int week = -1;
                for (int d = 0; d < D; d++) {
                        xcol[i * D + d] = -1;
                        struct daybits w, any = { 0 };
                        daybits_window_n(&w, &ctx->need_free[i].d[d], len, ctx->nwords);
                        for (const int *s = ctx->program_staff[classes[c].program]; *s >= 0; s++) {
                                struct daybits sw;
                                daybits_window_n(&sw, &ctx->staff_avail[*s].d[d], len, ctx->nwords);
                                for (int k = 0; k < SLOT_WORDS; k++)
                                        any.w[k] |= sw.w[k];
                        }
                        daybits_and(&w, &w, &any);
                        if (daybits_count(&w) == 0)
                                continue;
                        if (ycol[i] < 0) {
                                ycol[i] = lp_col(&lp, 0, 1, 1);
                                week = lp_row(&lp, 0, 0);
                                trip_add(&lp.t, week, ycol[i], -(double)school->needs[i].sessions_per_week);
                        }
                        int x = xcol[i * D + d] = lp_col(&lp, 0, 1, 0);
                        trip_add(&lp.t, week, x, 1);
                        int day = lp_row(&lp, -NO_LIMIT, 0);
                        trip_add(&lp.t, day, x, 1);
                        trip_add(&lp.t, day, ycol[i], -1);
                }
                if (ycol[i] < 0)
                        for (int d = 0; d < D; d++)
                                xcol[i * D + d] = -1;
        }
        /* Interventionists' slots and daily maximum. */
        for (size_t s = 0; s < nst; s++)
                for (int d = 0; d < D; d++) {
                        const struct daybits *a = &ctx->staff_avail[s].d[d];
                        int slots = 0, windows = 0;
                        for (int t = 0; t < ctx->nslots; t++) {
                                bool on = daybits_test(a, t);
                                slots += on;
                                windows += on && (t == 0 || !daybits_test(a, t - 1));
                        }
                        int row = -1, extra = 0, max = school->staff[s].max_sessions_per_day, maxrow = -1;
                        for (int c = 0; c < nclasses; c++) {
                                if (M(c, s, d) < 0)
                                        continue;
                                int len = (classes[c].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                                int occ = (classes[c].minutes + ctx->transition + SLOT_MINUTES - 1) / SLOT_MINUTES;
                                extra = occ - len > extra ? occ - len : extra;
                                if (row < 0)
                                        row = lp_row(&lp, -NO_LIMIT, 0);
                                trip_add(&lp.t, row, M(c, s, d), occ);
                                if (max > 0) {
                                        if (maxrow < 0)
                                                maxrow = lp_row(&lp, -NO_LIMIT, max);
                                        trip_add(&lp.t, maxrow, M(c, s, d), 1);
                                }
                        }
                        if (row >= 0)
                                lp.rowub.v[row] = slots + windows * extra;
                }
        /* Meetings hold max_group students. */
        for (int c = 0; c < nclasses; c++) {
                int cap = school->programs[classes[c].program].max_group;
                cap = cap > GROUP_CAP ? GROUP_CAP : cap;
                for (int d = 0; d < D; d++) {
                        int row = lp_row(&lp, -NO_LIMIT, 0);
                        for (size_t i = 0; i < nn; i++)
                                if (need_class[i] == c && xcol[i * D + d] >= 0)
                                        trip_add(&lp.t, row, xcol[i * D + d], 1);
                        for (size_t s = 0; s < nst; s++)
                                if (M(c, s, d) >= 0)
                                        trip_add(&lp.t, row, M(c, s, d), -(double)cap);
                }
        }
        /* A student's meetings of a day fit in the slots free for any of their needs (rows for
         * students of two needs or more; next links a student's needs). */
        int *head = malloc((school->n_students + 1) * sizeof *head), *next = malloc((nn + 1) * sizeof *next);
        if (!head || !next) {
                free(head);
                free(next);
                goto done;
        }
        memset(head, 0xff, school->n_students * sizeof *head);
        for (size_t i = nn; i-- > 0;)
                if (ycol[i] >= 0) {
                        next[i] = head[school->needs[i].student];
                        head[school->needs[i].student] = (int)i;
                }
        for (size_t st = 0; st < school->n_students; st++) {
                if (head[st] < 0 || next[head[st]] < 0)
                        continue;
                for (int d = 0; d < D; d++) {
                        struct daybits u = { 0 };
                        int row = -1;
                        for (int j = head[st]; j >= 0; j = next[j]) {
                                if (xcol[j * D + d] < 0)
                                        continue;
                                for (int k = 0; k < SLOT_WORDS; k++)
                                        u.w[k] |= ctx->need_free[j].d[d].w[k];
                                if (row < 0)
                                        row = lp_row(&lp, -NO_LIMIT, 0);
                                trip_add(&lp.t, row, xcol[j * D + d], (school->needs[j].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES);
                        }
                        if (row >= 0) {
                                int free_slots = 0;
                                for (int t = 0; t < ctx->nslots; t++)
                                        free_slots += daybits_test(&u, t);
                                lp.rowub.v[row] = free_slots;
                        }
                }
        }
        free(head);
        free(next);
#undef M
        r = lp_bound(&lp, max_seconds, ret);
done:
        free(classes);
        free(need_class);
        free(xcol);
        free(ycol);
        free(mcol);
        lp_free(&lp);
        return r;
}