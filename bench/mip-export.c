/* bench-mip-export: writes a generated school as an exact integer program in CPLEX LP format,
 * for CBC (coinor-cbc) to check the solver's placed count against: only a checker for the
 * benchmark, never part of pullout. The model is the solver's problem on its 5-minute grid:
 * a candidate group is (interventionist, program with minutes and sessions, day pattern,
 * start, lowest grade); z says it meets, x puts a need in it; a need is placed at most once,
 * a group holds max_group needs within the program's grade span, students and interventionists
 * are in one place at a time (the transition after each of an interventionist's meetings),
 * at most max_sessions_per_day meetings a day. Maximises the needs placed.
 * Usage: bench-mip-export STUDENTS SEED overloaded|feasible FILE.lp [FILE.map]
 * FILE.map names the variables, to read a solution by: "z C staff program days start grade_lo"
 * and "x J need C" lines (days a bit mask, Monday bit 0; start a slot of the grid). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/solver-internal.h"
#include "tools/schoolgen/schoolgen.h"

struct cand {
        int staff, program, minutes, sessions, days, start, grade_lo;
};

#define TABLE (1u << 23)
struct slot {
        unsigned long long key;
        size_t index;
        bool used;
};

struct xvar {
        int need, cand;
};

static void *grow(void *p, size_t *cap, size_t n, size_t size) {
        if (n < *cap)
                return p;
        *cap = *cap ? 2 * *cap : 1024;
        void *q = realloc(p, *cap * size);
        if (!q) {
                fprintf(stderr, "out of memory\n");
                exit(1);
        }
        return q;
}

/* Terms are written a few to a line: LP readers take long rows that way. */
static void term(FILE *f, int *k, double coef, const char *var, long index) {
        fprintf(f, " %s %g %s%ld", coef < 0 ? "-" : "+", coef < 0 ? -coef : coef, var, index);
        if (++*k % 8 == 0)
                fputs("\n", f);
}

int main(int argc, char **argv) {
        if (argc != 5 && argc != 6) {
                fprintf(stderr, "usage: %s STUDENTS SEED overloaded|feasible FILE.lp [FILE.map]\n", argv[0]);
                return 2;
        }
        struct schoolgen_params p = { .students = atoi(argv[1]), .seed = (unsigned)atoi(argv[2]),
                                      .overloaded = strcmp(argv[3], "overloaded") == 0 };
        struct school *school = NULL;
        struct solver_ctx *ctx = NULL;
        if (schoolgen_build(&p, &school) < 0 || solver_ctx_new(school, &ctx) < 0) {
                fprintf(stderr, "cannot build the school\n");
                return 1;
        }
        FILE *f = fopen(argv[4], "we");
        if (!f) {
                perror(argv[4]);
                return 1;
        }
        int ns = ctx->nslots;
        struct cand *cands = NULL;
        struct xvar *xs = NULL;
        size_t nc = 0, capc = 0, nx = 0, capx = 0;
        struct slot *table = calloc(TABLE, sizeof *table);
        if (!table) {
                fprintf(stderr, "out of memory\n");
                return 1;
        }
        /* Candidate groups: per class of needs (program, minutes, sessions) and grade band. */
        for (size_t i = 0; i < school->n_needs; i++) {
                const struct need *n = &school->needs[i];
                int len = (n->minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                const struct program *pr = &school->programs[n->program];
                int g = school->students[n->student].grade;
                for (int lo = g - pr->max_grade_span; lo <= g; lo++)
                        for (const int *s = ctx->program_staff[n->program]; *s >= 0; s++) {
                                if (n->staff >= 0 && n->staff != *s)
                                        continue;
                                for (int days = 1; days < 32; days++) {
                                        if (dayset_bits(days) != n->sessions_per_week)
                                                continue;
                                        for (int t = 0; t + len <= ns; t++) {
                                                bool ok = true;
                                                for (int d = 0; d < DAY_COUNT && ok; d++)
                                                        if (days & (1 << d))
                                                                ok = daybits_all(&ctx->need_free[i].d[d], t, t + len) &&
                                                                     daybits_all(&ctx->staff_avail[*s].d[d], t, t + len);
                                                if (!ok)
                                                        continue;
                                                /* Find or add the candidate (an open-addressing table). */
                                                unsigned long long key =
                                                        ((((((unsigned long long)*s * school->n_programs + (unsigned)n->program) * 1500 +
                                                             (unsigned)n->minutes) * 6 + (unsigned)n->sessions_per_week) * 32 +
                                                           (unsigned)days) * 400 + (unsigned)t) * 32 + (unsigned)(lo + 16);
                                                size_t h = (size_t)(key * 0x9E3779B97F4A7C15ull >> 40) & (TABLE - 1);
                                                while (table[h].used && table[h].key != key)
                                                        h = (h + 1) & (TABLE - 1);
                                                size_t c = table[h].used ? table[h].index : nc;
                                                if (c == nc) {
                                                        if (nc >= TABLE / 2) {
                                                                fprintf(stderr, "too many candidate groups\n");
                                                                return 1;
                                                        }
                                                        table[h] = (struct slot){ key, nc, true };
                                                        cands = grow(cands, &capc, nc, sizeof *cands);
                                                        cands[nc++] = (struct cand){ *s, n->program, n->minutes, n->sessions_per_week, days, t, lo };
                                                }
                                                xs = grow(xs, &capx, nx, sizeof *xs);
                                                xs[nx++] = (struct xvar){ (int)i, (int)c };
                                        }
                                }
                        }
        }
        fprintf(stderr, "%zu needs, %zu candidate groups, %zu assignments\n", school->n_needs, nc, nx);
        /* Linked lists: the assignments of each need, candidate and student, the candidates of
         * each interventionist. */
        long *need_head = malloc((school->n_needs + 1) * sizeof(long)), *cand_head = malloc((nc + 1) * sizeof(long));
        long *stu_head = malloc((school->n_students + 1) * sizeof(long)), *staff_head = malloc((school->n_staff + 1) * sizeof(long));
        long *next_need = malloc((nx + 1) * sizeof(long)), *next_cand = malloc((nx + 1) * sizeof(long));
        long *next_stu = malloc((nx + 1) * sizeof(long)), *next_staff = malloc((nc + 1) * sizeof(long));
        if (!need_head || !cand_head || !stu_head || !staff_head || !next_need || !next_cand || !next_stu || !next_staff) {
                fprintf(stderr, "out of memory\n");
                return 1;
        }
        memset(need_head, 0xff, school->n_needs * sizeof(long));
        memset(cand_head, 0xff, nc * sizeof(long));
        memset(stu_head, 0xff, school->n_students * sizeof(long));
        memset(staff_head, 0xff, school->n_staff * sizeof(long));
        for (size_t j = nx; j-- > 0;) {
                int st = school->needs[xs[j].need].student;
                next_need[j] = need_head[xs[j].need];
                need_head[xs[j].need] = (long)j;
                next_cand[j] = cand_head[xs[j].cand];
                cand_head[xs[j].cand] = (long)j;
                next_stu[j] = stu_head[st];
                stu_head[st] = (long)j;
        }
        for (size_t c = nc; c-- > 0;) {
                next_staff[c] = staff_head[cands[c].staff];
                staff_head[cands[c].staff] = (long)c;
        }
        int k = 0;
        fputs("Maximize\n obj:", f);
        for (size_t i = 0; i < school->n_needs; i++)
                term(f, &k, 1, "y", (long)i);
        fputs("\nSubject To\n", f);
        /* A need is placed at most once. */
        for (size_t i = 0; i < school->n_needs; i++) {
                k = 0;
                fprintf(f, " need%zu:", i);
                for (long j = need_head[i]; j >= 0; j = next_need[j])
                        term(f, &k, 1, "x", j);
                term(f, &k, -1, "y", (long)i);
                fputs(" = 0\n", f);
        }
        /* A group holds max_group needs and exists when one is in it. */
        for (size_t c = 0; c < nc; c++) {
                k = 0;
                fprintf(f, " cap%zu:", c);
                for (long j = cand_head[c]; j >= 0; j = next_cand[j])
                        term(f, &k, 1, "x", j);
                int cap = school->programs[cands[c].program].max_group;
                term(f, &k, -(cap > GROUP_CAP ? GROUP_CAP : cap), "z", (long)c);
                fputs(" <= 0\n", f);
        }
        /* Students: one meeting at a time. */
        for (size_t st = 0; st < school->n_students; st++)
                for (int d = 0; d < DAY_COUNT; d++)
                        for (int sigma = 0; sigma < ns; sigma++) {
                                k = 0;
                                for (long j = stu_head[st]; j >= 0; j = next_stu[j]) {
                                        const struct cand *c = &cands[xs[j].cand];
                                        int len = (c->minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
                                        if (!(c->days & (1 << d)) || sigma < c->start || sigma >= c->start + len)
                                                continue;
                                        if (k == 0)
                                                fprintf(f, " s%zu_%d_%d:", st, d, sigma);
                                        term(f, &k, 1, "x", j);
                                }
                                if (k > 0)
                                        fputs(" <= 1\n", f);
                        }
        /* Interventionists: one meeting at a time, the transition after each; a daily maximum. */
        for (size_t s = 0; s < school->n_staff; s++)
                for (int d = 0; d < DAY_COUNT; d++) {
                        for (int sigma = 0; sigma < ns; sigma++) {
                                k = 0;
                                for (long c = staff_head[s]; c >= 0; c = next_staff[c]) {
                                        const struct cand *g = &cands[c];
                                        int occ = (g->minutes + ctx->transition + SLOT_MINUTES - 1) / SLOT_MINUTES;
                                        if (!(g->days & (1 << d)) || sigma < g->start || sigma >= g->start + occ)
                                                continue;
                                        if (k == 0)
                                                fprintf(f, " t%zu_%d_%d:", s, d, sigma);
                                        term(f, &k, 1, "z", (long)c);
                                }
                                if (k > 0)
                                        fputs(" <= 1\n", f);
                        }
                        int max = school->staff[s].max_sessions_per_day;
                        if (max <= 0)
                                continue;
                        k = 0;
                        for (long c = staff_head[s]; c >= 0; c = next_staff[c])
                                if (cands[c].days & (1 << d)) {
                                        if (k == 0)
                                                fprintf(f, " max%zu_%d:", s, d);
                                        term(f, &k, 1, "z", c);
                                }
                        if (k > 0)
                                fprintf(f, " <= %d\n", max);
                }
        fputs("Binaries\n", f);
        for (size_t i = 0; i < school->n_needs; i++)
                fprintf(f, " y%zu\n", i);
        for (size_t c = 0; c < nc; c++)
                fprintf(f, " z%zu\n", c);
        for (size_t j = 0; j < nx; j++)
                fprintf(f, " x%zu\n", j);
        fputs("End\n", f);
        fclose(f);
        if (argc == 6) {
                FILE *m = fopen(argv[5], "we");
                if (!m) {
                        perror(argv[5]);
                        return 1;
                }
                for (size_t c = 0; c < nc; c++)
                        fprintf(m, "z %zu %s %s %d %d %d\n", c, school->staff[cands[c].staff].id,
                                school->programs[cands[c].program].id, cands[c].days, cands[c].start, cands[c].grade_lo);
                for (size_t j = 0; j < nx; j++)
                        fprintf(m, "x %zu %d %d\n", j, xs[j].need, xs[j].cand);
                fclose(m);
        }
        free(need_head);
        free(cand_head);
        free(stu_head);
        free(staff_head);
        free(next_need);
        free(next_cand);
        free(next_stu);
        free(next_staff);
        free(table);
        free(cands);
        free(xs);
        solver_ctx_free(ctx);
        school_unref(school);
        return 0;
}
