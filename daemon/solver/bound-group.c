/* bound-group.c: the group model of the upper bound, the tightest of bound.c's models.
 *
 * A candidate group is (interventionist s, class = program + minutes + sessions, day pattern
 * with `sessions` days, start slot t on the 5-minute grid, grade band [lo, lo + max_grade_span]);
 * its compatible needs are those of the class, free at those times, in the band, not pinned to
 * someone else. Variables in [0, 1]: z_c (candidate c meets), x_ic (need i is in it).
 *   maximise sum x_ic
 *   sum_c x_ic <= 1                         a need is placed at most once          (dual pi_i)
 *   sum_i x_ic <= cap_c z_c, x_ic <= z_c    a group holds max_group needs, and a need alone in
 *                                           a candidate pays for the interventionist's time
 *   sum of a student's x covering a slot <= 1                                      (dual mu)
 *   sum of s's z whose meeting or transition covers a slot <= 1                    (dual lambda)
 *   sum of s's z meeting on a day <= max_sessions_per_day                          (dual nu)
 * Every schedule is an integer point of it (a group's band starts at its lowest grade), so its
 * optimum is at least the best schedule's count. Candidates whose needs are a subset of another
 * band's at the same interventionist, class, days and start are left out (the other one takes
 * their place in any solution).
 *
 * The full LP has tens of thousands of columns on a 150-student school and CLP needs minutes for
 * it, so it is solved by column generation: a master LP holds some candidates with their rows;
 * its duals price the others (a candidate is worth z's cost against lambda and nu plus the best
 * cap of its needs' 1 - pi_i - mu). Whatever the duals, keeping each candidate's own rows as its
 * subproblem and pricing the rest with non-negative multipliers gives a Lagrangian bound,
 *   L = sum pi + sum mu + sum lambda + sum nu * max + sum over candidates of max(0, worth_c),
 * valid by weak duality for any multipliers >= 0 (it equals the LP optimum when no candidate is
 * worth anything more). So the bound is computed here, not read from CLP, and a run stopped on
 * its time limit still returns a valid — only looser — bound. */
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

/* Past this many (need, candidate) pairs pricing alone takes longer than the bound is worth. */
#define GROUP_MODEL_MAX_PAIRS 400000
#define NO_LIMIT 1e30
/* A candidate worth less than this is not worth adding: CLP's own tolerance is 1e-7. */
#define WORTH_EPS 1e-6

struct gcand {
        int staff, klass, days, start, len, occ, cap;
        int first, n; /* compatible needs: pairs[first .. first + n) */
        bool in_master;
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
        int *pairs; /* need indices, grouped by candidate */
        size_t npairs, cappairs;
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
        bool failed;
};

static double seconds_now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void add_cand(struct gmodel *m, const struct gcand *c, const int *needs) {
        if (m->failed)
                return;
        if (m->nc == m->capc) {
                size_t cap = m->capc ? 2 * m->capc : 1024;
                struct gcand *more = realloc(m->c, cap * sizeof *more);
                if (!more) {
                        m->failed = true;
                        return;
                }
                m->c = more;
                m->capc = cap;
        }
        while (m->npairs + (size_t)c->n > m->cappairs) {
                size_t cap = m->cappairs ? 2 * m->cappairs : 4096;
                int *more = realloc(m->pairs, cap * sizeof *more);
                if (!more) {
                        m->failed = true;
                        return;
                }
                m->pairs = more;
                m->cappairs = cap;
        }
        struct gcand *dst = &m->c[m->nc++];
        *dst = *c;
        dst->first = (int)m->npairs;
        memcpy(m->pairs + m->npairs, needs, (size_t)c->n * sizeof *needs);
        m->npairs += (size_t)c->n;
}

static int grade_of_need(const struct gmodel *m, int i) {
        const struct school *school = m->ctx->school;
        return school->students[school->needs[i].student].grade;
}

static int cmp_long(const void *a, const void *b) {
        long x = *(const long *)a, y = *(const long *)b;
        return x < y ? -1 : x > y;
}

/* Sorts needs by grade, then index (keys: grade above, index below; no shared state, as two
 * threads may price at once). */
static void sort_by_grade(const struct gmodel *m, int *needs, int n, long *keys) {
        for (int k = 0; k < n; k++)
                keys[k] = ((long)(grade_of_need(m, needs[k]) + 1024) << 32) | (long)needs[k];
        qsort(keys, (size_t)n, sizeof *keys, cmp_long);
        for (int k = 0; k < n; k++)
                needs[k] = (int)(keys[k] & 0xffffffffL);
}

/* Emits the candidates of one (staff, class, days, start) whose needs (sorted by grade) are
 * given: one per grade band that starts at a need's grade and is not a subset of the previous. */
static void emit_bands(struct gmodel *m, struct gcand *proto, const int *needs, int n, int span) {
        int prev_top = -1, hi = 0;
        for (int k = 0; k < n; k++) {
                int g = grade_of_need(m, needs[k]);
                if (k > 0 && g == grade_of_need(m, needs[k - 1]))
                        continue;
                while (hi < n && grade_of_need(m, needs[hi]) <= g + span)
                        hi++;
                int top = grade_of_need(m, needs[hi - 1]);
                /* The band at the previous grade holds every need up to its top: only a band
                 * reaching a grade it does not is new. */
                if (k > 0 && top <= prev_top)
                        continue;
                prev_top = top;
                proto->n = hi - k;
                add_cand(m, proto, needs + k);
        }
}

static int enumerate(struct gmodel *m) {
        const struct solver_ctx *ctx = m->ctx;
        const struct school *school = ctx->school;
        int D = DAY_COUNT, ns = m->ns;
        int *list = malloc(((size_t)m->nn + 1) * sizeof *list);
        int *at = malloc(((size_t)m->nn + 1) * sizeof *at);
        long *keys = malloc(((size_t)m->nn + 1) * sizeof *keys);
        struct daybits *nw = malloc(((size_t)m->nn * D + 1) * sizeof *nw);
        if (!list || !at || !keys || !nw) {
                free(list);
                free(at);
                free(keys);
                free(nw);
                return -ENOMEM;
        }
        /* Where each need could start a meeting of its length, per day. */
        for (int i = 0; i < m->nn; i++) {
                int k = m->need_class[i];
                if (k < 0)
                        continue;
                int len = (m->classes[k].minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                for (int d = 0; d < D; d++)
                        daybits_window_n(&nw[i * D + d], &ctx->need_free[i].d[d], len, ctx->nwords);
        }
        for (int k = 0; k < m->nclasses && !m->failed; k++) {
                const struct gclass *cl = &m->classes[k];
                const struct program *pr = &school->programs[cl->program];
                int len = (cl->minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                int occ = (cl->minutes + ctx->transition + SLOT_MINUTES - 1) / SLOT_MINUTES;
                int cap = pr->max_group > GROUP_CAP ? GROUP_CAP : pr->max_group;
                for (const int *s = ctx->program_staff[cl->program]; *s >= 0 && !m->failed; s++) {
                        struct daybits sw[DAY_COUNT];
                        for (int d = 0; d < D; d++)
                                daybits_window_n(&sw[d], &ctx->staff_avail[*s].d[d], len, ctx->nwords);
                        for (int days = 1; days < 32 && !m->failed; days++) {
                                if (dayset_bits(days) != cl->sessions)
                                        continue;
                                /* Starts where each need of the class and s can meet on all those days. */
                                int nl = 0;
                                struct daybits common = { 0 };
                                for (int w = 0; w < SLOT_WORDS; w++)
                                        common.w[w] = ~0ull;
                                for (int d = 0; d < D; d++)
                                        if (days & (1 << d))
                                                daybits_and(&common, &common, &sw[d]);
                                if (daybits_count(&common) == 0)
                                        continue;
                                struct daybits *win = malloc(((size_t)m->nn + 1) * sizeof *win);
                                if (!win) {
                                        m->failed = true;
                                        break;
                                }
                                for (int i = 0; i < m->nn; i++) {
                                        const struct need *n = &school->needs[i];
                                        if (m->need_class[i] != k || (n->staff >= 0 && n->staff != *s))
                                                continue;
                                        struct daybits w = common;
                                        for (int d = 0; d < D; d++)
                                                if (days & (1 << d))
                                                        daybits_and(&w, &w, &nw[i * D + d]);
                                        if (daybits_count(&w) == 0)
                                                continue;
                                        win[nl] = w;
                                        list[nl++] = i;
                                }
                                for (int t = 0; t + len <= ns && nl > 0; t++) {
                                        int na = 0;
                                        for (int j = 0; j < nl; j++)
                                                if (daybits_test(&win[j], t))
                                                        at[na++] = list[j];
                                        if (na == 0)
                                                continue;
                                        sort_by_grade(m, at, na, keys);
                                        struct gcand proto = { .staff = *s, .klass = k, .days = days, .start = t,
                                                               .len = len, .occ = occ, .cap = cap };
                                        emit_bands(m, &proto, at, na, pr->max_grade_span);
                                }
                                free(win);
                                if (m->npairs > GROUP_MODEL_MAX_PAIRS) {
                                        free(list);
                                        free(at);
                                        free(keys);
                                        free(nw);
                                        return -E2BIG;
                                }
                        }
                }
        }
        free(list);
        free(at);
        free(keys);
        free(nw);
        return m->failed ? -ENOMEM : 0;
}

/* ---- pricing ------------------------------------------------------------------------------ */

static int stu_row(const struct gmodel *m, int k, int d, int sigma) {
        return m->row_stu + (k * DAY_COUNT + d) * m->ns + sigma;
}
static int staff_row(const struct gmodel *m, int s, int d, int sigma) {
        return m->row_staff + (s * DAY_COUNT + d) * m->ns + sigma;
}
static int max_row(const struct gmodel *m, int s, int d) {
        return m->row_max + s * DAY_COUNT + d;
}

static double pre_sum(const double *pre, int ns, int from, int to) {
        to = to > ns ? ns : to;
        return from < to ? pre[to] - pre[from] : 0;
}

/* What need i is worth in candidate c: 1 less its multipliers. */
static double need_worth(const struct gmodel *m, const struct gcand *c, int i) {
        double v = 1 - m->price[i];
        int k = m->multi[i];
        if (k >= 0)
                for (int d = 0; d < DAY_COUNT; d++)
                        if (c->days & (1 << d))
                                v -= pre_sum(&m->pre_mu[((size_t)k * DAY_COUNT + (size_t)d) * (size_t)(m->ns + 1)], m->ns,
                                             c->start, c->start + c->len);
        return v;
}

static int cmp_desc(const void *a, const void *b) {
        double x = *(const double *)a, y = *(const double *)b;
        return x > y ? -1 : x < y;
}

/* Prices every candidate with m->price; returns the Lagrangian bound. */
static double price_all(struct gmodel *m, double *scratch) {
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
        for (size_t ci = 0; ci < m->nc; ci++) {
                const struct gcand *c = &m->c[ci];
                double cost = 0;
                for (int d = 0; d < D; d++)
                        if (c->days & (1 << d))
                                cost += m->price[max_row(m, c->staff, d)] +
                                        pre_sum(&m->pre_lambda[((size_t)c->staff * D + (size_t)d) * (size_t)(ns + 1)], ns,
                                                c->start, c->start + c->occ);
                int nv = 0;
                for (int j = 0; j < c->n; j++) {
                        double v = need_worth(m, c, m->pairs[c->first + j]);
                        if (v > 0)
                                scratch[nv++] = v;
                }
                if (nv > c->cap)
                        qsort(scratch, (size_t)nv, sizeof *scratch, cmp_desc);
                double gain = 0;
                for (int j = 0; j < nv && j < c->cap; j++)
                        gain += scratch[j];
                m->worth[ci] = gain - cost;
                if (m->worth[ci] > 0)
                        L += m->worth[ci];
        }
        return L;
}

/* ---- the master LP ------------------------------------------------------------------------ */

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

static int model_init(struct gmodel *m, const struct solver_ctx *ctx) {
        const struct school *school = ctx->school;
        m->ctx = ctx;
        m->nn = (int)school->n_needs;
        m->nst = (int)school->n_staff;
        m->ns = ctx->nslots;
        m->classes = malloc(((size_t)m->nn + 1) * sizeof *m->classes);
        m->need_class = malloc(((size_t)m->nn + 1) * sizeof *m->need_class);
        m->multi = malloc(((size_t)m->nn + 1) * sizeof *m->multi);
        int *count = calloc(school->n_students + 1, sizeof *count);
        int *index = malloc((school->n_students + 1) * sizeof *index);
        int r = -ENOMEM;
        if (!m->classes || !m->need_class || !m->multi || !count || !index)
                goto done;
        for (int i = 0; i < m->nn; i++) {
                const struct need *n = &school->needs[i];
                m->need_class[i] = -1;
                if (!bound_need_possible(ctx, i))
                        continue;
                int k = 0;
                while (k < m->nclasses && !(m->classes[k].program == n->program && m->classes[k].minutes == n->minutes &&
                                            m->classes[k].sessions == n->sessions_per_week))
                        k++;
                if (k == m->nclasses)
                        m->classes[m->nclasses++] = (struct gclass){ n->program, n->minutes, n->sessions_per_week };
                m->need_class[i] = k;
                count[n->student]++;
        }
        /* Students of one need cannot clash with themselves: rows only for those of two or more. */
        for (size_t st = 0; st < school->n_students; st++)
                index[st] = count[st] >= 2 ? m->nmulti++ : -1;
        for (int i = 0; i < m->nn; i++)
                m->multi[i] = m->need_class[i] >= 0 ? index[school->needs[i].student] : -1;
        m->row_stu = m->nn;
        m->row_staff = m->row_stu + m->nmulti * DAY_COUNT * m->ns;
        m->row_max = m->row_staff + m->nst * DAY_COUNT * m->ns;
        m->nfixed = m->row_max + m->nst * DAY_COUNT;
        r = enumerate(m);
done:
        free(count);
        free(index);
        return r;
}

static void model_free(struct gmodel *m) {
        free(m->classes);
        free(m->need_class);
        free(m->multi);
        free(m->c);
        free(m->pairs);
        free(m->price);
        free(m->mrow);
        free(m->pre_mu);
        free(m->pre_lambda);
        free(m->worth);
}

int bound_group(const struct solver_ctx *ctx, double max_seconds, long known, long *ret, bool *ret_settled) {
        double t0 = seconds_now();
        struct gmodel m = { 0 };
        Clp_Simplex *lp = NULL;
        double *scratch = NULL;
        int *chosen = NULL, *best = NULL;
        *ret_settled = false;
        int r = model_init(&m, ctx);
        if (r < 0)
                goto done;
        r = -ENOMEM;
        int D = DAY_COUNT;
        m.price = calloc((size_t)m.nfixed + 1, sizeof *m.price);
        m.mrow = malloc(((size_t)m.nfixed + 1) * sizeof *m.mrow);
        m.pre_mu = malloc(((size_t)m.nmulti * D * (size_t)(m.ns + 1) + 1) * sizeof *m.pre_mu);
        m.pre_lambda = malloc(((size_t)m.nst * D * (size_t)(m.ns + 1) + 1) * sizeof *m.pre_lambda);
        m.worth = malloc((m.nc + 1) * sizeof *m.worth);
        scratch = malloc(((size_t)m.nn + 1) * sizeof *scratch);
        chosen = malloc(((size_t)m.nn + 1) * sizeof *chosen);
        best = malloc(((size_t)m.nn + 1) * sizeof *best);
        if (!m.price || !m.mrow || !m.pre_mu || !m.pre_lambda || !m.worth || !scratch || !chosen || !best)
                goto done;
        if (m.nc == 0) {
                *ret = 0;
                *ret_settled = true;
                r = 0;
                goto done;
        }
        for (int f = 0; f < m.nfixed; f++)
                m.mrow[f] = -1;
        lp = Clp_newModel();
        if (!lp)
                goto done;
        Clp_setLogLevel(lp, 0);
        double lmin = NO_LIMIT;
        for (;;) {
                /* Any multipliers >= 0 give a bound; the smallest seen is kept. (Smoothing the
                 * duals towards the best multipliers, Wentges' way, was tried: no faster here.) */
                double L = price_all(&m, scratch);
                lmin = L < lmin ? L : lmin;
                double master = Clp_getNumCols(lp) > 0 ? -Clp_objectiveValue(lp) : 0;
                long floor_l = (long)floor(lmin + 1e-4);
                /* Done when more iterations cannot lower the floor (the LP optimum is at least
                 * the master's, a feasible point of it), or when a schedule already places that
                 * many. */
                if (floor_l <= (long)floor(master + 1e-9) || floor_l <= known) {
                        *ret_settled = true;
                        break;
                }
                /* The most worth candidate of each need that could gain. */
                for (int i = 0; i < m.nn; i++)
                        best[i] = -1;
                int nch = 0;
                for (size_t ci = 0; ci < m.nc; ci++) {
                        if (m.c[ci].in_master || m.worth[ci] <= WORTH_EPS)
                                continue;
                        for (int j = 0; j < m.c[ci].n; j++) {
                                int i = m.pairs[m.c[ci].first + j];
                                if (best[i] < 0 || m.worth[best[i]] < m.worth[ci])
                                        best[i] = (int)ci;
                        }
                }
                for (int i = 0; i < m.nn; i++) {
                        if (best[i] < 0 || m.c[best[i]].in_master)
                                continue;
                        m.c[best[i]].in_master = true; /* marks it chosen; master_add sets it again */
                        chosen[nch++] = best[i];
                }
                if (nch == 0) {
                        /* Nothing worth adding: L is the LP optimum. */
                        *ret_settled = true;
                        break;
                }
                double left = max_seconds > 0 ? max_seconds - (seconds_now() - t0) : 0;
                if (max_seconds > 0 && left <= 0)
                        break;
                if (master_add(&m, lp, chosen, nch) < 0)
                        goto done;
                if (max_seconds > 0)
                        Clp_setMaximumSeconds(lp, left);
                Clp_primal(lp, 0);
                /* Stopped on time or not optimal: its duals are still multipliers, and only a
                 * bound computed from them is used. */
                const double *dual = Clp_dualRowSolution(lp);
                for (int f = 0; f < m.nfixed; f++) {
                        double p = m.mrow[f] >= 0 ? -dual[m.mrow[f]] : 0;
                        m.price[f] = p > 0 ? p : 0;
                }
                /* A row without a limit takes no multiplier (it would make L infinite). */
                for (int st = 0; st < m.nst; st++)
                        if (ctx->school->staff[st].max_sessions_per_day <= 0)
                                for (int d = 0; d < D; d++)
                                        m.price[max_row(&m, st, d)] = 0;
                if (max_seconds > 0 && seconds_now() - t0 >= max_seconds) {
                        L = price_all(&m, scratch);
                        lmin = L < lmin ? L : lmin;
                        break;
                }
        }
        *ret = (long)floor(lmin + 1e-4);
        r = 0;
done:
        if (lp)
                Clp_deleteModel(lp);
        free(scratch);
        free(chosen);
        free(best);
        model_free(&m);
        return r;
}
