/* bound-lagrange.c: the Lagrangian bound of the group model (bound-group.c).
 *
 * With multipliers >= 0 on the fixed rows (a need placed once, a student's and an
 * interventionist's slot, a day's maximum), each candidate left on its own is worth its cap
 * best needs' 1 - pi - mu, less its z's lambda and nu; the bound is the rows' right-hand
 * sides times their multipliers plus every candidate's positive worth. Valid for any
 * multipliers by weak duality, and its least value over them is the LP optimum (the
 * candidate's own rows describe an integral polytope).
 *
 * The multipliers come from two places: the subgradient method here, which is cheap per step
 * (a pass over the candidates, no LP) and so gets near the optimum on schools whose LP is too
 * large to solve in the time, and the master LP's duals (bound-master.c), which reach the exact
 * optimum on smaller schools. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver/bound-group.h"

/* The subgradient's step factor starts at THETA_START and is halved after PATIENCE steps
 * without a bound 0.1 % lower; it stops at THETA_END. Each direction keeps DEFLECTION times
 * the last one's part against it (Camerini, Fratta and Maffioli), which damps the zigzag
 * between a student's and an interventionist's rows: on the 2,000-student overloaded school
 * 374 instead of 377 in 3 s. Tuned on the generated schools of bench-bound. */
#define THETA_START 2.0
#define THETA_END 1e-5
#define PATIENCE 50
#define DEFLECTION 1.5
/* A third of the way through its time, a bound still this many times the rival's will not get
 * below it: on the 5,000-student overloaded school the steps are at twice the day model's bound
 * after one second of three (and at 1,629 after three, against 1,164), on the 2,000-student
 * one already below it. Stopping then gives the searcher computing the bound its CPU back. */
#define GIVE_UP_RATIO 1.5

/* What need i is worth in a meeting of set g: 1 less its multipliers. */
static double need_worth(const struct gmodel *m, const struct gset *g, int i) {
        double v = 1 - m->price[i];
        int k = m->multi[i];
        if (k >= 0)
                for (int d = 0; d < DAY_COUNT; d++)
                        if (g->days & (1 << d))
                                v -= pre_sum(&m->pre_mu[((size_t)k * DAY_COUNT + (size_t)d) * (size_t)(m->ns + 1)], m->ns,
                                             g->start, g->start + g->len);
        return v;
}

/* Adds candidate c's chosen needs and its z (the Lagrangian subproblem's answer at m->price,
 * worth > 0) to the activity of each fixed row. */
static void add_activity(const struct gmodel *m, const struct gcand *c, double *act) {
        const struct gset *g = &m->sets[c->set];
        double threshold = m->threshold[c->set];
        int taken = 0;
        for (int j = 0; j < g->n && taken < g->cap; j++) {
                int i = m->pairs[g->first + j];
                double v = need_worth(m, g, i);
                if (v <= 0 || v < threshold)
                        continue;
                taken++;
                act[i] += 1;
                int k = m->multi[i];
                if (k >= 0)
                        for (int d = 0; d < DAY_COUNT; d++)
                                if (g->days & (1 << d))
                                        for (int t = g->start; t < g->start + g->len && t < m->ns; t++)
                                                act[stu_row(m, k, d, t)] += 1;
        }
        for (int d = 0; d < DAY_COUNT; d++) {
                if (!(c->days & (1 << d)))
                        continue;
                act[max_row(m, c->staff, d)] += 1;
                for (int t = c->start; t < c->start + c->occ && t < m->ns; t++)
                        act[staff_row(m, c->staff, d, t)] += 1;
        }
}

/* The cap best worths of set g's needs at m->price: their sum in gain[g], the least of them
 * in threshold[g] when more needs are worth something (0 otherwise). */
static void price_set(struct gmodel *m, size_t si, double *top) {
        const struct gset *g = &m->sets[si];
        int nv = 0, seen = 0;
        for (int j = 0; j < g->n; j++) {
                double v = need_worth(m, g, m->pairs[g->first + j]);
                if (v <= 0)
                        continue;
                seen++;
                if (nv == g->cap && v <= top[nv - 1])
                        continue;
                int at = nv < g->cap ? nv++ : nv - 1;
                while (at > 0 && top[at - 1] < v) {
                        top[at] = top[at - 1];
                        at--;
                }
                top[at] = v;
        }
        double gain = 0;
        for (int j = 0; j < nv; j++)
                gain += top[j];
        m->gain[si] = gain;
        m->threshold[si] = seen > g->cap ? top[g->cap - 1] : 0;
}

double group_price(struct gmodel *m, double *scratch, double *act) {
        int ns = m->ns, D = DAY_COUNT;
        for (int k = 0; k < m->nmulti; k++)
                for (int d = 0; d < D; d++) {
                        double *pre = &m->pre_mu[((size_t)k * D + (size_t)d) * (size_t)(ns + 1)];
                        pre[0] = 0;
                        for (int t = 0; t < ns; t++)
                                pre[t + 1] = pre[t] + m->price[stu_row(m, k, d, t)];
                }
        for (int s = 0; s < m->nst; s++)
                for (int d = 0; d < D; d++) {
                        double *pre = &m->pre_lambda[((size_t)s * D + (size_t)d) * (size_t)(ns + 1)];
                        pre[0] = 0;
                        for (int t = 0; t < ns; t++)
                                pre[t + 1] = pre[t] + m->price[staff_row(m, s, d, t)];
                }
        double L = 0;
        const struct school *school = m->ctx->school;
        for (int i = 0; i < m->row_staff; i++)
                L += m->price[i]; /* needs and students: right-hand sides of 1 */
        for (int s = 0; s < m->nst; s++) {
                int max = school->staff[s].max_sessions_per_day;
                for (int d = 0; d < D; d++) {
                        L += pre_sum(&m->pre_lambda[((size_t)s * D + (size_t)d) * (size_t)(ns + 1)], ns, 0, ns);
                        if (max > 0)
                                L += max * m->price[max_row(m, s, d)];
                }
        }
        for (size_t si = 0; si < m->nsets; si++)
                price_set(m, si, scratch);
        for (size_t ci = 0; ci < m->nc; ci++) {
                const struct gcand *c = &m->c[ci];
                double cost = 0;
                for (int d = 0; d < D; d++)
                        if (c->days & (1 << d))
                                cost += m->price[max_row(m, c->staff, d)] +
                                        pre_sum(&m->pre_lambda[((size_t)c->staff * D + (size_t)d) * (size_t)(ns + 1)], ns,
                                                c->start, c->start + c->occ);
                m->worth[ci] = m->gain[c->set] - cost;
                if (m->worth[ci] > 0) {
                        L += m->worth[ci];
                        if (act)
                                add_activity(m, c, act);
                }
        }
        return L;
}

/* The right-hand side of fixed row f; 0 stands for a row without a limit. */
static double row_rhs(const struct gmodel *m, int f) {
        if (f < m->row_max)
                return 1;
        return m->ctx->school->staff[(f - m->row_max) / DAY_COUNT].max_sessions_per_day;
}

/* One direction: the projected subgradient rhs - act (into act), deflected by the last one
 * (dir, updated). Returns its squared norm. */
static double direction(const struct gmodel *m, double *act, double *dir) {
        double dot = 0, dnorm = 0;
        for (int f = 0; f < m->nfixed; f++) {
                double rhs = row_rhs(m, f);
                double g = rhs > 0 ? rhs - act[f] : 0;
                /* A multiplier at 0 cannot go lower: that part of the step is left out. */
                if (m->price[f] <= 0 && g > 0)
                        g = 0;
                act[f] = g;
                dot += g * dir[f];
                dnorm += dir[f] * dir[f];
        }
        double beta = dnorm > 0 && dot < 0 ? -DEFLECTION * dot / dnorm : 0, norm = 0;
        for (int f = 0; f < m->nfixed; f++) {
                dir[f] = act[f] + beta * dir[f];
                norm += dir[f] * dir[f];
        }
        return norm;
}

int group_subgradient(struct gmodel *m, double *scratch, double known, double deadline, double *ret_bound) {
        size_t bytes = ((size_t)m->nfixed + 1) * sizeof(double);
        double *act = malloc(bytes), *dir = calloc(1, bytes), *best_price = malloc(bytes);
        if (!act || !dir || !best_price) {
                free(act);
                free(dir);
                free(best_price);
                return -ENOMEM;
        }
        double lbest = NO_LIMIT, theta = THETA_START, started = group_seconds();
        int since = 0;
        memcpy(best_price, m->price, bytes);
        while (theta > THETA_END && (deadline <= 0 || group_seconds() < deadline)) {
                memset(act, 0, bytes);
                double L = group_price(m, scratch, act);
                if (L < lbest) {
                        if (L < lbest - 1e-3 * (lbest < NO_LIMIT ? lbest : 1))
                                since = 0;
                        lbest = L;
                        memcpy(best_price, m->price, bytes);
                }
                if (++since >= PATIENCE) {
                        theta /= 2;
                        since = 0;
                }
                if (floor(lbest + 1e-4) <= known)
                        break;
                if (deadline > 0 && m->rival < NO_LIMIT && lbest > GIVE_UP_RATIO * m->rival &&
                    group_seconds() > started + (deadline - started) / 3) {
                        m->gave_up = true;
                        break;
                }
                double norm = direction(m, act, dir);
                if (norm < 1e-12)
                        break; /* no row is off: the bound is the optimum */
                /* Polyak's step towards 0, far below the optimum: the count a schedule places
                 * is closer, but steps towards it are too short to get anywhere in the time
                 * (the 2,000-student overloaded school: 377 towards 317, 373 towards 0 in the
                 * same 2.7 s; 5,000 students, 12.7 s: 1,169 towards 891, 1,109 towards 0). */
                double step = theta * L / norm;
                for (int f = 0; f < m->nfixed; f++) {
                        double p = m->price[f] - step * dir[f];
                        m->price[f] = p > 0 ? p : 0;
                }
        }
        memcpy(m->price, best_price, bytes);
        free(act);
        free(dir);
        free(best_price);
        *ret_bound = lbest;
        return 0;
}
