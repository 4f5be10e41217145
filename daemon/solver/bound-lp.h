/* bound-lp.h: what bound.c's LP models share: a model built column by column and row by row
 * (bound-lp.c), solved with COIN-OR CLP, and the classes of needs that may meet together. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "solver/solver-internal.h"

/* CLP reads any bound this large as infinite. */
#define NO_LIMIT 1e30

/* The constraint matrix as (row, column, value) triplets. */
struct triplets {
        int *row, *col;
        double *val;
        size_t n, cap;
        bool failed;
};

struct dbl {
        double *v;
        size_t n, cap;
        bool failed;
};

/* An LP: its matrix and the bounds and objective of its columns and rows. */
struct lp {
        struct triplets t;
        struct dbl collb, colub, obj, rowlb, rowub;
};

/* Needs of one class (program, minutes, sessions) may meet together. */
struct klass {
        int program, minutes, sessions;
};

void trip_add(struct triplets *t, int row, int col, double val);
/* A new column or row with its bounds (and objective); its index. */
int lp_col(struct lp *lp, double lb, double ub, double obj);
int lp_row(struct lp *lp, double lb, double ub);
/* Whether building the LP ran out of memory. */
bool lp_failed(const struct lp *lp);
void lp_free(struct lp *lp);
/* Maximises the LP; its optimum in *ret. -EAGAIN when CLP did not prove an optimum in
 * max_seconds (0: no limit), -ENOMEM. */
int lp_solve(struct lp *lp, double max_seconds, double *ret);
/* The bound a model's LP proves: the floor of its optimum (placements are integers), 0 for an
 * LP without columns. -ENOMEM when building it ran out of memory, or as lp_solve. */
int lp_bound(struct lp *lp, double max_seconds, long *ret);
/* The day model (bound-day.c) and the time-indexed one (bound-time.c), as bound_model runs them
 * (the time model: -E2BIG when too large to solve in a solve's time). */
int bound_day(const struct solver_ctx *ctx, double max_seconds, long *ret);
int bound_time(const struct solver_ctx *ctx, double max_seconds, long *ret);
/* Cohorts of alike students and interventionists (bound-cohort.c). Student cohort k is the
 * students order[kfirst[k] .. kfirst[k + 1]); need_list[need_first[s] ..] are student s's
 * placeable needs in an order alike students share. Need cohort q is position q - (the kind's
 * first) of kind q_kind[q]: q_size[q] needs, one of them q_need[q]; a kind's need cohorts are
 * consecutive. Staff cohort k is the interventionists sorder[sfirst[k] .. sfirst[k + 1]). */
struct cohorts {
        int *need_first, *need_list;
        int *order, nkinds, *kfirst;
        int nq, *q_kind, *q_need, *q_size;
        int *sorder, nskinds, *sfirst;
};
/* need_class: each need's class (any numbering), -1 when it cannot be placed. 0 or -ENOMEM. */
int bound_cohorts_make(const struct solver_ctx *ctx, const int *need_class, struct cohorts *co);
void bound_cohorts_free(struct cohorts *co);
/* The index of n's class in classes (added when new; classes holds room for every need). */
int bound_class_of(struct klass *classes, int *nclasses, const struct need *n);
