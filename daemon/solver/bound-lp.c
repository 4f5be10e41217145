/* bound-lp.c: the LP models' shared parts (bound-lp.h): a model built row by row and column
 * by column, solved with COIN-OR CLP. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* CLP's header declares one function without a prototype; that is its business, not ours. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <Clp_C_Interface.h>
#pragma GCC diagnostic pop

#include "solver/bound-lp.h"
void trip_add(struct triplets *t, int row, int col, double val) {
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


int lp_col(struct lp *lp, double lb, double ub, double obj) {
        dbl_add(&lp->collb, lb);
        dbl_add(&lp->colub, ub);
        return dbl_add(&lp->obj, obj);
}

int lp_row(struct lp *lp, double lb, double ub) {
        dbl_add(&lp->rowlb, lb);
        return dbl_add(&lp->rowub, ub);
}

bool lp_failed(const struct lp *lp) {
        return lp->t.failed || lp->collb.failed || lp->colub.failed || lp->obj.failed || lp->rowlb.failed ||
               lp->rowub.failed;
}

void lp_free(struct lp *lp) {
        free(lp->t.row);
        free(lp->t.col);
        free(lp->t.val);
        free(lp->collb.v);
        free(lp->colub.v);
        free(lp->obj.v);
        free(lp->rowlb.v);
        free(lp->rowub.v);
}

int lp_solve(struct lp *lp, double max_seconds, double *ret) {
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

int lp_bound(struct lp *lp, double max_seconds, long *ret) {
        if (lp_failed(lp))
                return -ENOMEM;
        if (lp->obj.n == 0) {
                *ret = 0;
                return 0;
        }
        double value = 0;
        int r = lp_solve(lp, max_seconds, &value);
        if (r == 0)
                /* The epsilon absorbs CLP's tolerances. */
                *ret = (long)floor(value + 1e-4);
        return r;
}

int bound_class_of(struct klass *classes, int *nclasses, const struct need *n) {
        for (int c = 0; c < *nclasses; c++)
                if (classes[c].program == n->program && classes[c].minutes == n->minutes &&
                    classes[c].sessions == n->sessions_per_week)
                        return c;
        classes[*nclasses] = (struct klass){ n->program, n->minutes, n->sessions_per_week };
        return (*nclasses)++;
}
