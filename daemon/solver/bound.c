/* bound.c: a proven upper bound on how many needs any schedule of the data can place.
 *
 * Three linear relaxations, solved with COIN-OR CLP, each valid on its own. bound_compute tries
 * the group model first (bound-group.c: candidate groups with a time and classmates for the
 * whole week, the tightest, 78 against the day model's 95 on the generated 100-student
 * overloaded school), after the day model below (fast on any school, so none is left with a
 * loose count) and before the time-indexed one (only when the group model does not settle in
 * the time left); the smallest bound wins.
 *
 * The time-indexed model: each day's meetings are placed independently: a need meets on `sessions` different days at any
 * start where the student is free, its meetings need not share a time or classmates. Every
 * real schedule is a feasible point of it, so its optimum is at least the best schedule's count;
 * placements are integers, so the floor of the optimum is still a bound.
 *
 * Variables (all in [0, 1]):
 *   y[i]          need i is placed                                  (objective: sum of y)
 *   x[i][d][t]    need i meets on day d starting at slot t
 *   z[s][c][d][t] interventionist s teaches a meeting of class c (program, minutes, sessions)
 *                 on day d at slot t
 * Rows:
 *   sum x[i] = sessions_i * y[i]                   a placed need meets sessions times a week
 *   sum_t x[i][d][t] <= y[i]                       at most once a day
 *   sum over a student's meetings covering a slot <= 1
 *   sum_{i in c} x[i][d][t] <= cap_c * sum_s z[s][c][d][t]   a meeting holds max_group students
 *   x[i][d][t] <= sum_s z[s][c][d][t]              a student meets only where a meeting is
 *   sum over s's meetings whose time plus transition covers a slot <= 1
 *   sum_{c,t} z[s][c][d][t] <= max_sessions_per_day
 * What is left out (grade span, pinned interventionists, one time for all days) only makes the
 * relaxation looser, never invalid. Meetings start on the 5-minute grid, as the search places
 * them. The day model (day_model below) sums this one's times of a day up. When no model is
 * solved in time, the bound falls back to the needs that fit the school day at all (still
 * valid, just loose). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* CLP's header declares one function without a prototype; that is its business, not ours. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <Clp_C_Interface.h>
#pragma GCC diagnostic pop

#include "solver/solver-internal.h"

/* Past this many columns the time-indexed LP takes longer than a solve is worth (a 100-student
 * overloaded school has ~50,000 and CLP needs minutes); the day model is always solved. */
#define TIME_MODEL_MAX_COLS 12000
/* CLP reads any bound this large as infinite. */
#define NO_LIMIT 1e30

struct triplets {
        int *row, *col;
        double *val;
        size_t n, cap;
        bool failed;
};

static void trip_add(struct triplets *t, int row, int col, double val) {
        if (t->failed)
                return;
        if (t->n == t->cap) {
                size_t cap = t->cap ? 2 * t->cap : 4096;
                int *r = realloc(t->row, cap * sizeof *r);
                if (r)
                        t->row = r;
                int *c = realloc(t->col, cap * sizeof *c);
                if (c)
                        t->col = c;
                double *v = realloc(t->val, cap * sizeof *v);
                if (v)
                        t->val = v;
                if (!r || !c || !v) {
                        t->failed = true;
                        return;
                }
                t->cap = cap;
        }
        t->row[t->n] = row;
        t->col[t->n] = col;
        t->val[t->n] = val;
        t->n++;
}

struct dbl {
        double *v;
        size_t n, cap;
        bool failed;
};

static int dbl_add(struct dbl *a, double v) {
        if (a->n == a->cap) {
                size_t cap = a->cap ? 2 * a->cap : 1024;
                double *m = realloc(a->v, cap * sizeof *m);
                if (!m) {
                        a->failed = true;
                        return -1;
                }
                a->v = m;
                a->cap = cap;
        }
        a->v[a->n] = v;
        return (int)a->n++;
}

struct lp {
        struct triplets t;
        struct dbl collb, colub, obj, rowlb, rowub;
};

static int lp_col(struct lp *lp, double lb, double ub, double obj) {
        dbl_add(&lp->collb, lb);
        dbl_add(&lp->colub, ub);
        return dbl_add(&lp->obj, obj);
}

static int lp_row(struct lp *lp, double lb, double ub) {
        dbl_add(&lp->rowlb, lb);
        return dbl_add(&lp->rowub, ub);
}

static bool lp_failed(const struct lp *lp) {
        return lp->t.failed || lp->collb.failed || lp->colub.failed || lp->obj.failed || lp->rowlb.failed ||
               lp->rowub.failed;
}

static void lp_free(struct lp *lp) {
        free(lp->t.row);
        free(lp->t.col);
        free(lp->t.val);
        free(lp->collb.v);
        free(lp->colub.v);
        free(lp->obj.v);
        free(lp->rowlb.v);
        free(lp->rowub.v);
}

/* Solves the LP; its optimum in *ret, or -EAGAIN when CLP did not prove one. */
static int lp_solve(struct lp *lp, double max_seconds, double *ret) {
        int ncols = (int)lp->obj.n, nrows = (int)lp->rowlb.n;
        CoinBigIndex *start = calloc((size_t)ncols + 1, sizeof *start);
        int *index = malloc((lp->t.n + 1) * sizeof *index);
        double *value = malloc((lp->t.n + 1) * sizeof *value);
        int r = -ENOMEM;
        if (!start || !index || !value)
                goto done;
        /* Column-major, as Clp_loadProblem takes it: a counting sort of the triplets. */
        for (size_t k = 0; k < lp->t.n; k++)
                start[lp->t.col[k] + 1]++;
        for (int c = 0; c < ncols; c++)
                start[c + 1] += start[c];
        CoinBigIndex *fill = malloc(((size_t)ncols + 1) * sizeof *fill);
        if (!fill)
                goto done;
        memcpy(fill, start, ((size_t)ncols + 1) * sizeof *fill);
        for (size_t k = 0; k < lp->t.n; k++) {
                CoinBigIndex at = fill[lp->t.col[k]]++;
                index[at] = lp->t.row[k];
                value[at] = lp->t.val[k];
        }
        free(fill);
        Clp_Simplex *model = Clp_newModel();
        if (!model)
                goto done;
        Clp_setLogLevel(model, 0);
        Clp_loadProblem(model, ncols, nrows, start, index, value, lp->collb.v, lp->colub.v, lp->obj.v,
                        lp->rowlb.v, lp->rowub.v);
        Clp_setOptimizationDirection(model, -1); /* maximise */
        if (max_seconds > 0)
                Clp_setMaximumSeconds(model, max_seconds);
        Clp_initialSolve(model);
        if (Clp_isProvenOptimal(model)) {
                *ret = Clp_objectiveValue(model);
                r = 0;
        } else {
                r = -EAGAIN;
        }
        Clp_deleteModel(model);
done:
        free(start);
        free(index);
        free(value);
        return r;
}

/* Whether need i can be placed at all: the search's own test of a need it sets aside. */
bool bound_need_possible(const struct solver_ctx *ctx, int i) {
        const struct school *school = ctx->school;
        const struct need *n = &school->needs[i];
        if (n->student < 0 || (size_t)n->student >= school->n_students || n->program < 0 ||
            (size_t)n->program >= school->n_programs)
                return false;
        return n->sessions_per_week >= 1 && n->sessions_per_week <= DAY_COUNT && n->minutes > 0 &&
               n->minutes <= ctx->span && school->programs[n->program].max_group >= 1 &&
               ctx->program_staff[n->program][0] >= 0;
}

struct klass {
        int program, minutes, sessions;
};

static int class_of(struct klass *classes, int *nclasses, const struct need *n) {
        for (int c = 0; c < *nclasses; c++)
                if (classes[c].program == n->program && classes[c].minutes == n->minutes &&
                    classes[c].sessions == n->sessions_per_week)
                        return c;
        classes[*nclasses] = (struct klass){ n->program, n->minutes, n->sessions_per_week };
        return (*nclasses)++;
}

static long fallback_bound(const struct solver_ctx *ctx) {
        long k = 0;
        for (size_t i = 0; i < ctx->school->n_needs; i++)
                k += bound_need_possible(ctx, (int)i);
        return k;
}

static int time_model(const struct solver_ctx *ctx, double max_seconds, long *ret) {
        const struct school *school = ctx->school;
        size_t nn = school->n_needs, nst = school->n_staff;
        int ns = ctx->nslots, D = DAY_COUNT;
        struct lp lp = { 0 };
        struct klass *classes = malloc((nn + 1) * sizeof *classes);
        int *need_class = malloc((nn + 1) * sizeof *need_class);
        int *ycol = malloc((nn + 1) * sizeof *ycol);
        /* x column of (need, day, slot), -1 when the need cannot start there. */
        int *xcol = malloc((nn * D * (size_t)ns + 1) * sizeof *xcol);
        int *zcol = NULL;
        int nclasses = 0, r = -ENOMEM;
        if (!classes || !need_class || !ycol || !xcol)
                goto done;
        for (size_t i = 0; i < nn; i++)
                need_class[i] = bound_need_possible(ctx, (int)i) ? class_of(classes, &nclasses, &school->needs[i]) : -1;
        /* z column of (class, staff, day, slot), -1 when s cannot teach c there. */
        zcol = malloc(((size_t)nclasses * nst * D * (size_t)ns + 1) * sizeof *zcol);
        if (!zcol)
                goto done;
        memset(zcol, 0xff, ((size_t)nclasses * nst * D * (size_t)ns) * sizeof *zcol);
        memset(xcol, 0xff, (nn * D * (size_t)ns) * sizeof *xcol);
#define X(i, d, t) xcol[((size_t)(i) * D + (size_t)(d)) * (size_t)ns + (size_t)(t)]
#define Z(c, s, d, t) zcol[(((size_t)(c) * nst + (size_t)(s)) * D + (size_t)(d)) * (size_t)ns + (size_t)(t)]
        /* Where some interventionist of the class can start a meeting, per class and day. */
        struct daybits *class_staff = calloc((size_t)nclasses * D + 1, sizeof *class_staff);
        struct daybits *class_need = calloc((size_t)nclasses * D + 1, sizeof *class_need);
        if (!class_staff || !class_need) {
                free(class_staff);
                free(class_need);
                goto done;
        }
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
        size_t ncols_x = 0;
        for (size_t i = 0; i < nn; i++) {
                int c = need_class[i];
                if (c < 0)
                        continue;
                int len = (classes[c].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                for (int d = 0; d < D; d++) {
                        struct daybits w;
                        daybits_window_n(&w, &ctx->need_free[i].d[d], len, ctx->nwords);
                        daybits_and(&w, &w, &class_staff[c * D + d]);
                        for (int k = 0; k < SLOT_WORDS; k++)
                                class_need[c * D + d].w[k] |= w.w[k];
                        ncols_x += (size_t)daybits_count(&w);
                }
        }
        if (ncols_x > TIME_MODEL_MAX_COLS) {
                free(class_staff);
                free(class_need);
                r = -E2BIG;
                goto done;
        }
        for (size_t i = 0; i < nn; i++) {
                ycol[i] = -1;
                int c = need_class[i];
                if (c < 0)
                        continue;
                ycol[i] = lp_col(&lp, 0, 1, 1);
                int len = (classes[c].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                for (int d = 0; d < D; d++) {
                        struct daybits w;
                        daybits_window_n(&w, &ctx->need_free[i].d[d], len, ctx->nwords);
                        daybits_and(&w, &w, &class_staff[c * D + d]);
                        for (int t = 0; t < ns; t++)
                                if (daybits_test(&w, t))
                                        X(i, d, t) = lp_col(&lp, 0, 1, 0);
                }
        }
        for (int c = 0; c < nclasses; c++) {
                int len = (classes[c].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                for (const int *s = ctx->program_staff[classes[c].program]; *s >= 0; s++)
                        for (int d = 0; d < D; d++) {
                                struct daybits w;
                                daybits_window_n(&w, &ctx->staff_avail[*s].d[d], len, ctx->nwords);
                                daybits_and(&w, &w, &class_need[c * D + d]);
                                for (int t = 0; t < ns; t++)
                                        if (daybits_test(&w, t))
                                                Z(c, *s, d, t) = lp_col(&lp, 0, 1, 0);
                        }
        }
        free(class_staff);
        free(class_need);
        if (lp.obj.n > TIME_MODEL_MAX_COLS) {
                r = -E2BIG;
                goto done;
        }

        /* A placed need meets sessions times a week, at most once a day. */
        for (size_t i = 0; i < nn; i++) {
                if (ycol[i] < 0)
                        continue;
                int week = lp_row(&lp, 0, 0);
                trip_add(&lp.t, week, ycol[i], -(double)school->needs[i].sessions_per_week);
                for (int d = 0; d < D; d++) {
                        int day = -1;
                        for (int t = 0; t < ns; t++) {
                                if (X(i, d, t) < 0)
                                        continue;
                                if (day < 0) {
                                        day = lp_row(&lp, -NO_LIMIT, 0);
                                        trip_add(&lp.t, day, ycol[i], -1);
                                }
                                trip_add(&lp.t, week, X(i, d, t), 1);
                                trip_add(&lp.t, day, X(i, d, t), 1);
                        }
                }
        }
        /* A student is in one meeting at a time (only matters with two needs or more). */
        int *first = malloc((school->n_students + 1) * sizeof *first);
        int *next = malloc((nn + 1) * sizeof *next);
        if (!first || !next) {
                free(first);
                free(next);
                goto done;
        }
        memset(first, 0xff, school->n_students * sizeof *first);
        for (size_t i = nn; i-- > 0;) {
                if (ycol[i] < 0)
                        continue;
                int s = school->needs[i].student;
                next[i] = first[s];
                first[s] = (int)i;
        }
        for (size_t s = 0; s < school->n_students; s++) {
                if (first[s] < 0 || next[first[s]] < 0)
                        continue;
                for (int d = 0; d < D; d++)
                        for (int sigma = 0; sigma < ns; sigma++) {
                                int row = -1;
                                for (int i = first[s]; i >= 0; i = next[i]) {
                                        int len = (school->needs[i].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                                        for (int t = sigma - len + 1; t <= sigma; t++)
                                                if (t >= 0 && X(i, d, t) >= 0) {
                                                        if (row < 0)
                                                                row = lp_row(&lp, -NO_LIMIT, 1);
                                                        trip_add(&lp.t, row, X(i, d, t), 1);
                                                }
                                }
                        }
        }
        free(first);
        free(next);
        /* Students meet only where a meeting is, at most max_group of them in it. */
        for (int c = 0; c < nclasses; c++) {
                int cap = school->programs[classes[c].program].max_group;
                cap = cap > GROUP_CAP ? GROUP_CAP : cap;
                for (int d = 0; d < D; d++)
                        for (int t = 0; t < ns; t++) {
                                int row = -1;
                                for (size_t i = 0; i < nn; i++) {
                                        if (need_class[i] != c || X(i, d, t) < 0)
                                                continue;
                                        if (row < 0)
                                                row = lp_row(&lp, -NO_LIMIT, 0);
                                        trip_add(&lp.t, row, X(i, d, t), 1);
                                        int one = lp_row(&lp, -NO_LIMIT, 0);
                                        trip_add(&lp.t, one, X(i, d, t), 1);
                                        for (const int *s = ctx->program_staff[classes[c].program]; *s >= 0; s++)
                                                if (Z(c, *s, d, t) >= 0)
                                                        trip_add(&lp.t, one, Z(c, *s, d, t), -1);
                                }
                                if (row < 0)
                                        continue;
                                for (const int *s = ctx->program_staff[classes[c].program]; *s >= 0; s++)
                                        if (Z(c, *s, d, t) >= 0)
                                                trip_add(&lp.t, row, Z(c, *s, d, t), -(double)cap);
                        }
        }
        /* An interventionist teaches one meeting at a time, a transition between two, and no
         * more than max_sessions_per_day meetings a day. */
        for (size_t s = 0; s < nst; s++) {
                int max = school->staff[s].max_sessions_per_day;
                for (int d = 0; d < D; d++) {
                        int day = -1;
                        for (int sigma = 0; sigma < ns; sigma++) {
                                int row = -1;
                                for (int c = 0; c < nclasses; c++) {
                                        int occ = (classes[c].minutes + ctx->transition + SLOT_MINUTES - 1) / SLOT_MINUTES;
                                        for (int t = sigma - occ + 1; t <= sigma; t++) {
                                                if (t < 0 || Z(c, s, d, t) < 0)
                                                        continue;
                                                if (row < 0)
                                                        row = lp_row(&lp, -NO_LIMIT, 1);
                                                trip_add(&lp.t, row, Z(c, s, d, t), 1);
                                        }
                                        if (max > 0 && Z(c, s, d, sigma) >= 0) {
                                                if (day < 0)
                                                        day = lp_row(&lp, -NO_LIMIT, max);
                                                trip_add(&lp.t, day, Z(c, s, d, sigma), 1);
                                        }
                                }
                        }
                }
        }
#undef X
#undef Z
        if (lp_failed(&lp))
                goto done;
        double value = 0;
        r = lp.obj.n == 0 ? 0 : lp_solve(&lp, max_seconds, &value);
        if (r == 0)
                /* Placements are integers; the epsilon absorbs CLP's tolerances. */
                *ret = (long)floor(value + 1e-4);
done:
        free(classes);
        free(need_class);
        free(ycol);
        free(xcol);
        free(zcol);
        lp_free(&lp);
        return r;
}

/* The day model: the time-indexed model with the times of a day summed up. A need meets on
 * days (x[i][d]); an interventionist holds m[s][c][d] meetings of class c on day d, as many as
 * fit in the available slots (each takes its slots plus the transition; the last of each
 * window may leave its transition outside); a meeting holds max_group students; a student's
 * meetings of a day fit in the slots free for any of their needs. Small whatever the school. */
static int day_model(const struct solver_ctx *ctx, double max_seconds, long *ret) {
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
                need_class[i] = bound_need_possible(ctx, (int)i) ? class_of(classes, &nclasses, &school->needs[i]) : -1;
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
        if (lp_failed(&lp))
                goto done;
        double value = 0;
        r = lp.obj.n == 0 ? 0 : lp_solve(&lp, max_seconds, &value);
        if (r == 0)
                *ret = (long)floor(value + 1e-4);
done:
        free(classes);
        free(need_class);
        free(xcol);
        free(ycol);
        free(mcol);
        lp_free(&lp);
        return r;
}

int bound_model(const struct solver_ctx *ctx, enum bound_model model, double max_seconds, long *ret) {
        switch (model) {
        case BOUND_GROUP:
        case BOUND_LAGRANGE: {
                bool settled = false;
                int r = bound_group(ctx, max_seconds, -1, model == BOUND_LAGRANGE, ret, &settled);
                return r < 0 ? r : settled ? 0 : -EAGAIN;
        }
        case BOUND_TIME:
                return time_model(ctx, max_seconds, ret);
        case BOUND_DAY:
                return day_model(ctx, max_seconds, ret);
        default:
                *ret = fallback_bound(ctx);
                return 0;
        }
}

static double clock_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bound_compute_models(const struct solver_ctx *ctx, double max_seconds, long known, long *ret_bound, bool *ret_proven) {
        double t0 = clock_seconds();
        long best = fallback_bound(ctx), v = 0;
        bool proven = false, settled = false;
        /* Every model is valid; the bound is the smallest of those solved. The day model first:
         * a tenth of a second on any school, so no school is left with the loose count. Then
         * the group model, the tightest, with the time left: when it settles the time model
         * cannot say less; else the time model gets what is left. */
        static const enum bound_model order[] = { BOUND_DAY, BOUND_GROUP, BOUND_TIME };
        for (size_t k = 0; k < sizeof order / sizeof order[0] && !settled && best > known; k++) {
                enum bound_model m = order[k];
                double left = max_seconds > 0 ? max_seconds - (clock_seconds() - t0) : 0;
                if (max_seconds > 0 && left <= 0)
                        break;
                int r;
                if (m == BOUND_GROUP) {
                        r = bound_group(ctx, left, known, false, &v, &settled);
                        if (r == 0 && !settled)
                                r = -EAGAIN;
                        /* A group model stopped on time still has a valid bound in v. */
                        if (r == -EAGAIN) {
                                proven = true;
                                best = v < best ? v : best;
                        }
                } else {
                        r = bound_model(ctx, m, left, &v);
                }
                if (r == -ENOMEM)
                        return r;
                if (r == 0) {
                        proven = true;
                        best = v < best ? v : best;
                }
        }
        *ret_bound = best;
        if (ret_proven)
                *ret_proven = proven;
        return 0;
}

int solver_upper_bound(const struct school *school, double max_seconds, long *ret_bound) {
        struct solver_ctx *ctx = NULL;
        int r = solver_ctx_new(school, &ctx);
        if (r < 0)
                return r;
        r = bound_compute(ctx, max_seconds, -1, ret_bound, NULL);
        solver_ctx_free(ctx);
        return r;
}
