/* bound-group.h: what the files of the group model share. bound-group.c builds the candidate
 * groups and drives the bound (the model is described there); bound-lagrange.c prices the
 * candidates and runs the subgradient; bound-master.c grows and solves the master LP. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "solver/bound-lp.h"

struct gcand {
        int staff, klass, days, start, len, occ, cap;
        int first, n; /* compatible needs: pairs[first .. first + n) */
        int set; /* its need set: candidates of other staff at the same time may share it */
        bool in_master;
};

/* The needs of a class meeting on days at start: what a candidate's needs are worth depends
 * on nothing else, so every interventionist free then shares one set and one pricing. */
struct gset {
        int klass, days, start, len, cap;
        int first, n;
};

struct gclass {
        int program, minutes, sessions;
};

struct gmodel {
        const struct solver_ctx *ctx;
        int nn, nst, ns, nclasses;
        struct gclass *classes;
        int *need_class; /* -1: the need cannot be placed at all */
        int *multi; /* per need: index of its student among students of 2+ needs, or -1 */
        int nmulti;
        struct gcand *c;
        size_t nc, capc;
        struct gset *sets;
        size_t nsets, capsets;
        int *set_table; /* open addressing: set index + 1, or 0 */
        size_t table_size;
        int *pairs; /* need indices, grouped by set */
        size_t npairs, cappairs;
        size_t cand_pairs; /* sum of the candidates' needs: the master's work */
        /* Row layout of the fixed part of the master. */
        int row_stu, row_staff, row_max, nfixed;
        /* The master row of each fixed row, -1 until a column of the master uses it: rows
         * nothing touches would only slow CLP down, and their multiplier is 0. */
        int *mrow;
        /* Multipliers of the fixed rows (>= 0) and prefix sums over slots for pricing. */
        double *price;
        double *pre_mu; /* [nmulti][D][ns + 1] */
        double *pre_lambda; /* [nst][D][ns + 1] */
        double *worth; /* per candidate */
        double *gain, *threshold; /* per set: see price_set */
        double rival; /* the smallest bound another model proved, NO_LIMIT if none */
        bool gave_up; /* the steps stopped early: far above the rival, see group_subgradient */
        bool failed;
};

static inline double group_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The fixed rows: need i (row i), student k's slot on a day, interventionist s's slot on a
 * day, s's meetings of a day. */
static inline int stu_row(const struct gmodel *m, int k, int d, int sigma) {
        return m->row_stu + (k * DAY_COUNT + d) * m->ns + sigma;
}
static inline int staff_row(const struct gmodel *m, int s, int d, int sigma) {
        return m->row_staff + (s * DAY_COUNT + d) * m->ns + sigma;
}
static inline int max_row(const struct gmodel *m, int s, int d) {
        return m->row_max + s * DAY_COUNT + d;
}

static inline double pre_sum(const double *pre, int ns, int from, int to) {
        to = to > ns ? ns : to;
        return from < to ? pre[to] - pre[from] : 0;
}

/* Prices every candidate with m->price (worth, gain, threshold) and returns the Lagrangian
 * bound; with act, also adds up each fixed row's activity in the subproblem's answer. */
double group_price(struct gmodel *m, double *scratch, double *act);

/* Subgradient steps from m->price until deadline, until the steps are spent, or until the
 * bound's floor is at most known (a count some schedule places); leaves in m->price the
 * multipliers of the best bound and returns it, or -ENOMEM. */
int group_subgradient(struct gmodel *m, double *scratch, double known, double deadline, double *ret_bound);

/* Column generation until deadline (0: none): lowers *lmin, the smallest bound seen, and sets
 * *settled when it is the LP's optimum (or no more than known). 0 or -ENOMEM. */
int group_column_generation(struct gmodel *m, double *scratch, long known, double deadline, double *lmin,
                            bool *settled);
