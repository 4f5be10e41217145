/* bound-master.c: column generation for the group model (bound-group.c). A master LP holds
 * some candidates with their rows (a row enters only once a column uses it: rows nothing
 * touches would only slow CLP down, and their multiplier is 0); its duals price the others
 * (bound-lagrange.c), and the most worth candidate of each need that could gain joins it.
 * When nothing is worth adding, or the floor of the bound meets the master's optimum (a point
 * of the LP, so the LP's optimum is at least that), the bound is the LP's. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* CLP's header declares one function without a prototype; that is its business, not ours. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <Clp_C_Interface.h>
#pragma GCC diagnostic pop

#include "solver/bound-group.h"

/* A candidate worth less than this is not worth adding: CLP's own tolerance is 1e-7. */
#define WORTH_EPS 1e-6

struct buf {
        double *lo, *hi, *obj, *val;
        int *idx;
        CoinBigIndex *start;
        size_t n, cap, nz, capnz;
        bool failed;
};

static void buf_free(struct buf *b) {
        free(b->lo);
        free(b->hi);
        free(b->obj);
        free(b->val);
        free(b->idx);
        free(b->start);
        memset(b, 0, sizeof *b);
}

/* Opens a new row or column (vectors lo, hi, obj, start). */
static void buf_open(struct buf *b, double lo, double hi, double obj) {
        if (b->failed)
                return;
        if (b->n + 1 >= b->cap) {
                size_t cap = b->cap ? 2 * b->cap : 256;
                double *l = realloc(b->lo, cap * sizeof *l);
                if (l)
                        b->lo = l;
                double *h = realloc(b->hi, cap * sizeof *h);
                if (h)
                        b->hi = h;
                double *o = realloc(b->obj, cap * sizeof *o);
                if (o)
                        b->obj = o;
                CoinBigIndex *s = realloc(b->start, (cap + 1) * sizeof *s);
                if (s)
                        b->start = s;
                if (!l || !h || !o || !s) {
                        b->failed = true;
                        return;
                }
                b->cap = cap;
        }
        if (b->n == 0)
                b->start[0] = 0;
        b->lo[b->n] = lo;
        b->hi[b->n] = hi;
        b->obj[b->n] = obj;
        b->n++;
        b->start[b->n] = (CoinBigIndex)b->nz;
}

static void buf_elem(struct buf *b, int index, double value) {
        if (b->failed)
                return;
        if (b->nz == b->capnz) {
                size_t cap = b->capnz ? 2 * b->capnz : 1024;
                int *i = realloc(b->idx, cap * sizeof *i);
                if (i)
                        b->idx = i;
                double *v = realloc(b->val, cap * sizeof *v);
                if (v)
                        b->val = v;
                if (!i || !v) {
                        b->failed = true;
                        return;
                }
                b->capnz = cap;
        }
        b->idx[b->nz] = index;
        b->val[b->nz] = value;
        b->nz++;
        b->start[b->n] = (CoinBigIndex)b->nz;
}

/* The master row of fixed row f, opened in rows on first use. */
static int use_row(struct gmodel *m, struct buf *rows, int *next, int f) {
        if (m->mrow[f] < 0) {
                double hi = 1;
                if (f >= m->row_max) {
                        int max = m->ctx->school->staff[(f - m->row_max) / DAY_COUNT].max_sessions_per_day;
                        hi = max > 0 ? max : NO_LIMIT;
                }
                m->mrow[f] = (*next)++;
                buf_open(rows, -NO_LIMIT, hi, 0);
        }
        return m->mrow[f];
}

/* Adds candidates chosen[0 .. n) to the master with their rows (minimising -sum x). */
static int master_add(struct gmodel *m, Clp_Simplex *lp, const int *chosen, int n) {
        const struct school *school = m->ctx->school;
        struct buf rows = { 0 }, cols = { 0 };
        int next = Clp_numberRows(lp);
        for (int k = 0; k < n; k++) {
                struct gcand *c = &m->c[chosen[k]];
                c->in_master = true;
                /* One need: z = x in any solution that matters, one column is both. With no more
                 * needs than seats the rows x <= z imply the capacity row. */
                bool single = c->n == 1, cap_needed = c->n > c->cap;
                int cap_row = -1, link = next;
                if (!single) {
                        if (cap_needed) {
                                cap_row = next++;
                                buf_open(&rows, -NO_LIMIT, 0, 0);
                        }
                        link = next;
                        next += c->n;
                        for (int j = 0; j < c->n; j++)
                                buf_open(&rows, -NO_LIMIT, 0, 0);
                }
                buf_open(&cols, 0, 1, single ? -1 : 0); /* z */
                if (cap_needed)
                        buf_elem(&cols, cap_row, -c->cap);
                for (int j = 0; j < c->n && !single; j++)
                        buf_elem(&cols, link + j, -1);
                int max = school->staff[c->staff].max_sessions_per_day;
                for (int d = 0; d < DAY_COUNT; d++) {
                        if (!(c->days & (1 << d)))
                                continue;
                        for (int t = c->start; t < c->start + c->occ && t < m->ns; t++)
                                buf_elem(&cols, use_row(m, &rows, &next, staff_row(m, c->staff, d, t)), 1);
                        if (max > 0)
                                buf_elem(&cols, use_row(m, &rows, &next, max_row(m, c->staff, d)), 1);
                }
                for (int j = 0; j < c->n; j++) {
                        int i = m->pairs[c->first + j];
                        /* The rows first: buf_elem adds to the column opened last. */
                        int need_row = use_row(m, &rows, &next, i);
                        if (m->multi[i] >= 0)
                                for (int d = 0; d < DAY_COUNT; d++)
                                        if (c->days & (1 << d))
                                                for (int t = c->start; t < c->start + c->len; t++)
                                                        use_row(m, &rows, &next, stu_row(m, m->multi[i], d, t));
                        if (!single) {
                                buf_open(&cols, 0, 1, -1); /* x */
                                if (cap_needed)
                                        buf_elem(&cols, cap_row, 1);
                                buf_elem(&cols, link + j, 1);
                        }
                        buf_elem(&cols, need_row, 1);
                        if (m->multi[i] >= 0)
                                for (int d = 0; d < DAY_COUNT; d++)
                                        if (c->days & (1 << d))
                                                for (int t = c->start; t < c->start + c->len; t++)
                                                        buf_elem(&cols, m->mrow[stu_row(m, m->multi[i], d, t)], 1);
                }
        }
        int r = -ENOMEM;
        if (!rows.failed && !cols.failed) {
                if (rows.n > 0) {
                        /* Rows without elements: every start is 0. */
                        memset(rows.start, 0, (rows.n + 1) * sizeof *rows.start);
                        Clp_addRows(lp, (int)rows.n, rows.lo, rows.hi, rows.start, NULL, NULL);
                }
                if (cols.n > 0)
                        Clp_addColumns(lp, (int)cols.n, cols.lo, cols.hi, cols.obj, cols.start, cols.idx, cols.val);
                r = 0;
        }
        buf_free(&rows);
        buf_free(&cols);
        return r;
}

/* Marks and lists in chosen the most worth candidate of each need that could gain; returns
 * how many. */
static int choose(struct gmodel *m, int *best, int *chosen) {
        for (int i = 0; i < m->nn; i++)
                best[i] = -1;
        for (size_t ci = 0; ci < m->nc; ci++) {
                if (m->c[ci].in_master || m->worth[ci] <= WORTH_EPS)
                        continue;
                for (int j = 0; j < m->c[ci].n; j++) {
                        int i = m->pairs[m->c[ci].first + j];
                        if (best[i] < 0 || m->worth[best[i]] < m->worth[ci])
                                best[i] = (int)ci;
                }
        }
        int n = 0;
        for (int i = 0; i < m->nn; i++) {
                if (best[i] < 0 || m->c[best[i]].in_master)
                        continue;
                m->c[best[i]].in_master = true; /* marks it chosen; master_add sets it again */
                chosen[n++] = best[i];
        }
        return n;
}

/* The master's duals as the fixed rows' multipliers. Stopped on time or not optimal, they are
 * still multipliers, and only a bound computed from them is used. */
static void take_duals(struct gmodel *m, Clp_Simplex *lp) {
        const double *dual = Clp_dualRowSolution(lp);
        for (int f = 0; f < m->nfixed; f++) {
                double p = m->mrow[f] >= 0 ? -dual[m->mrow[f]] : 0;
                m->price[f] = p > 0 ? p : 0;
        }
        /* A row without a limit takes no multiplier (it would make the bound infinite). */
        for (int st = 0; st < m->nst; st++)
                if (m->ctx->school->staff[st].max_sessions_per_day <= 0)
                        for (int d = 0; d < DAY_COUNT; d++)
                                m->price[max_row(m, st, d)] = 0;
}

int group_column_generation(struct gmodel *m, double *scratch, long known, double deadline, double *lmin,
                            bool *settled) {
        int *chosen = malloc(((size_t)m->nn + 1) * sizeof *chosen), *best = malloc(((size_t)m->nn + 1) * sizeof *best);
        Clp_Simplex *lp = Clp_newModel();
        int r = -ENOMEM;
        if (!chosen || !best || !lp)
                goto done;
        Clp_setLogLevel(lp, 0);
        for (int f = 0; f < m->nfixed; f++)
                m->mrow[f] = -1;
        *settled = false;
        for (;;) {
                /* Any multipliers >= 0 give a bound; the smallest seen is kept. (Smoothing the
                 * duals towards the best multipliers, Wentges' way, was tried: no faster here.) */
                double L = group_price(m, scratch, NULL);
                *lmin = L < *lmin ? L : *lmin;
                double master = Clp_getNumCols(lp) > 0 ? -Clp_objectiveValue(lp) : 0;
                long floor_l = (long)floor(*lmin + 1e-4);
                if (floor_l <= (long)floor(master + 1e-9) || floor_l <= known) {
                        *settled = true;
                        break;
                }
                int n = choose(m, best, chosen);
                if (n == 0) {
                        *settled = true; /* nothing worth adding: L is the LP optimum */
                        break;
                }
                double left = deadline > 0 ? deadline - group_seconds() : 0;
                if (deadline > 0 && left <= 0)
                        break;
                if (master_add(m, lp, chosen, n) < 0)
                        goto done;
                if (deadline > 0)
                        Clp_setMaximumSeconds(lp, left);
                Clp_primal(lp, 0);
                take_duals(m, lp);
                if (deadline > 0 && group_seconds() >= deadline) {
                        L = group_price(m, scratch, NULL);
                        *lmin = L < *lmin ? L : *lmin;
                        break;
                }
        }
        r = 0;
done:
        if (lp)
                Clp_deleteModel(lp);
        free(chosen);
        free(best);
        return r;
}
