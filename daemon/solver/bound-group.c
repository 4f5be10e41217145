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
 * their place in any solution). Candidates of several interventionists at the same class, days
 * and start have the same needs: they share one need set (struct gset), stored and priced once.
 *
 * The full LP has tens of thousands of columns on a 150-student school and CLP needs minutes for
 * it. Keeping each candidate's own rows as its subproblem and pricing the rest with non-negative
 * multipliers gives a Lagrangian bound,
 *   L = sum pi + sum mu + sum lambda + sum nu * max + sum over candidates of max(0, worth_c),
 * (a candidate is worth the best cap of its needs' 1 - pi_i - mu less z's lambda and nu), valid
 * by weak duality for any multipliers >= 0, and whose least value is the LP optimum. So the bound
 * is computed here, not read from CLP, and a run stopped on its time limit still returns a
 * valid — only looser — bound. The multipliers come first from subgradient steps
 * (bound-lagrange.c: a pass over the candidates each, so 2,000 students get near the optimum in
 * their seconds), then from the duals of a master LP grown by column generation
 * (bound-master.c), which reaches the LP's exact optimum where the school is small enough. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "solver/bound-group.h"

/* Past this many distinct (need, set) pairs or candidates, a pass of pricing takes longer
 * than the bound is worth (the 5,000-student overloaded school: 1.1 million and 49,000). */
#define GROUP_MODEL_MAX_PAIRS 4000000
#define GROUP_MODEL_MAX_CANDIDATES 500000
/* The subgradient's share of the time; the master LP has the rest. */
#define SUBGRADIENT_SHARE 0.75

/* p grown to hold want elements of size (doubling from first), or NULL with p kept. */
static void *grown(void *p, size_t *cap, size_t want, size_t size, size_t first) {
        if (want <= *cap)
                return p;
        size_t n = *cap ? *cap : first;
        while (n < want)
                n *= 2;
        void *more = realloc(p, n * size);
        if (more)
                *cap = n;
        return more;
}

static size_t set_hash(const struct gcand *c, const int *needs) {
        uint64_t h = 0xcbf29ce484222325ull;
        int head[4] = { c->klass, c->days, c->start, c->n };
        for (int k = 0; k < 4 + c->n; k++) {
                h ^= (uint64_t)(unsigned)(k < 4 ? head[k] : needs[k - 4]);
                h *= 0x100000001b3ull; /* FNV-1a, a word at a time */
        }
        return (size_t)h;
}

static bool set_is(const struct gmodel *m, const struct gset *g, const struct gcand *c, const int *needs) {
        return g->klass == c->klass && g->days == c->days && g->start == c->start && g->n == c->n &&
               memcmp(m->pairs + g->first, needs, (size_t)c->n * sizeof *needs) == 0;
}

/* The set of c's needs: found, or added with its pairs. -1 when out of memory. */
static int find_set(struct gmodel *m, const struct gcand *c, const int *needs) {
        if (2 * (m->nsets + 1) > m->table_size) {
                size_t size = m->table_size ? 2 * m->table_size : 4096;
                int *table = calloc(size, sizeof *table);
                if (!table)
                        return -1;
                for (size_t k = 0; k < m->nsets; k++) {
                        const struct gset *g = &m->sets[k];
                        struct gcand key = { .klass = g->klass, .days = g->days, .start = g->start, .n = g->n };
                        size_t h = set_hash(&key, m->pairs + g->first) & (size - 1);
                        while (table[h])
                                h = (h + 1) & (size - 1);
                        table[h] = (int)k + 1;
                }
                free(m->set_table);
                m->set_table = table;
                m->table_size = size;
        }
        size_t h = set_hash(c, needs) & (m->table_size - 1);
        for (; m->set_table[h]; h = (h + 1) & (m->table_size - 1))
                if (set_is(m, &m->sets[m->set_table[h] - 1], c, needs))
                        return m->set_table[h] - 1;
        struct gset *sets = grown(m->sets, &m->capsets, m->nsets + 1, sizeof *m->sets, 1024);
        if (!sets)
                return -1;
        m->sets = sets;
        int *pairs = grown(m->pairs, &m->cappairs, m->npairs + (size_t)c->n, sizeof *m->pairs, 4096);
        if (!pairs)
                return -1;
        m->pairs = pairs;
        m->sets[m->nsets] = (struct gset){ .klass = c->klass, .days = c->days, .start = c->start, .len = c->len,
                                           .cap = c->cap, .first = (int)m->npairs, .n = c->n };
        memcpy(m->pairs + m->npairs, needs, (size_t)c->n * sizeof *needs);
        m->npairs += (size_t)c->n;
        m->set_table[h] = (int)m->nsets + 1;
        return (int)m->nsets++;
}

static void add_cand(struct gmodel *m, const struct gcand *c, const int *needs) {
        if (m->failed)
                return;
        int set = find_set(m, c, needs);
        struct gcand *cands = set < 0 ? NULL : grown(m->c, &m->capc, m->nc + 1, sizeof *m->c, 1024);
        if (!cands) {
                m->failed = true;
                return;
        }
        m->c = cands;
        struct gcand *dst = &m->c[m->nc++];
        *dst = *c;
        dst->set = set;
        dst->first = m->sets[set].first;
        m->cand_pairs += (size_t)c->n;
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
                                if (m->npairs > GROUP_MODEL_MAX_PAIRS || m->nc > GROUP_MODEL_MAX_CANDIDATES) {
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
        free(m->gain);
        free(m->threshold);
        free(m->sets);
        free(m->set_table);
}

int bound_group(const struct solver_ctx *ctx, double max_seconds, long known, long rival, bool subgradient_only,
                long *ret, bool *ret_settled) {
        double t0 = group_seconds(), deadline = max_seconds > 0 ? t0 + max_seconds : 0;
        struct gmodel m = { .rival = rival >= 0 ? (double)rival : NO_LIMIT };
        double *scratch = NULL;
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
        m.gain = malloc((m.nsets + 1) * sizeof *m.gain);
        m.threshold = malloc((m.nsets + 1) * sizeof *m.threshold);
        scratch = malloc(((size_t)m.nn + 1) * sizeof *scratch);
        if (!m.price || !m.mrow || !m.pre_mu || !m.pre_lambda || !m.worth || !m.gain || !m.threshold || !scratch)
                goto done;
        if (m.nc == 0) {
                *ret = 0;
                *ret_settled = true;
                r = 0;
                goto done;
        }
        /* From every need priced at 1 (the bound: every need placed), subgradient steps for
         * most of the time; the master LP then starts from their multipliers. */
        for (int i = 0; i < m.nn; i++)
                m.price[i] = 1;
        double lmin = NO_LIMIT;
        double share = subgradient_only ? 1 : SUBGRADIENT_SHARE;
        r = group_subgradient(&m, scratch, known > 0 ? (double)known : 0, deadline > 0 ? t0 + share * max_seconds : 0,
                              &lmin);
        if (r == 0 && (floor(lmin + 1e-4) <= known || (subgradient_only && (deadline <= 0 || group_seconds() < deadline))))
                *ret_settled = true;
        else if (r == 0 && !subgradient_only && !m.gave_up)
                r = group_column_generation(&m, scratch, known, deadline, &lmin, ret_settled);
        if (r == 0)
                *ret = (long)floor(lmin + 1e-4);
done:
        free(scratch);
        model_free(&m);
        return r;
}
