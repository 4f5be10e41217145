/* bound-cohort.c: students and interventionists that the bound's models cannot tell apart.
 *
 * Two students are alike when they are in the same grade and their placeable needs, in a
 * canonical order, are pairwise of the same class, pinned to the same interventionist (or none)
 * and free at the same times: every model of the bound treats them the same, so swapping them
 * maps any solution onto another of the same worth. Two interventionists are alike when they
 * have the same hours, programs and daily maximum and no need is pinned to either. The time
 * model is written over these cohorts (bound-time.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "solver/bound-lp.h"

/* What the comparisons read: qsort's comparison has no argument for it, so it is the
 * thread's own (searchers of different solves may compute bounds at once). */
struct sort_env {
        const struct solver_ctx *ctx;
        const int *need_class;
        const struct cohorts *co;
        const bool *trained; /* [staff][program] */
        const bool *pinned_to; /* [staff]: some need is pinned to them */
};
static _Thread_local const struct sort_env *env;

static int cmp_int(int a, int b) {
        return (a > b) - (a < b);
}

static int cmp_need(const void *a, const void *b) {
        const struct solver_ctx *ctx = env->ctx;
        const struct school *school = ctx->school;
        int i = *(const int *)a, j = *(const int *)b;
        int c = cmp_int(env->need_class[i], env->need_class[j]);
        if (c)
                return c;
        if ((c = cmp_int(school->needs[i].staff, school->needs[j].staff)))
                return c;
        for (int d = 0; d < DAY_COUNT; d++)
                if ((c = memcmp(ctx->need_free[i].d[d].w, ctx->need_free[j].d[d].w, (size_t)ctx->nwords * sizeof(uint64_t))))
                        return c;
        return 0;
}

static int cmp_student(const void *a, const void *b) {
        const struct cohorts *co = env->co;
        const struct school *school = env->ctx->school;
        int s = *(const int *)a, u = *(const int *)b;
        int ns = co->need_first[s + 1] - co->need_first[s], nu = co->need_first[u + 1] - co->need_first[u];
        int c = cmp_int(ns, nu);
        if (c)
                return c;
        if ((c = cmp_int(school->students[s].grade, school->students[u].grade)))
                return c;
        for (int k = 0; k < ns; k++)
                if ((c = cmp_need(&co->need_list[co->need_first[s] + k], &co->need_list[co->need_first[u] + k])))
                        return c;
        return 0;
}

static int cmp_staff(const void *a, const void *b) {
        const struct solver_ctx *ctx = env->ctx;
        const struct school *school = ctx->school;
        int s = *(const int *)a, u = *(const int *)b;
        /* Someone's pinned interventionist is like nobody: order them by index, apart. */
        if (env->pinned_to[s] || env->pinned_to[u])
                return env->pinned_to[s] && env->pinned_to[u] ? cmp_int(s, u) : env->pinned_to[s] ? 1 : -1;
        int c = cmp_int(school->staff[s].max_sessions_per_day, school->staff[u].max_sessions_per_day);
        if (c)
                return c;
        for (int d = 0; d < DAY_COUNT; d++)
                if ((c = memcmp(ctx->staff_avail[s].d[d].w, ctx->staff_avail[u].d[d].w, (size_t)ctx->nwords * sizeof(uint64_t))))
                        return c;
        size_t np = school->n_programs;
        return memcmp(env->trained + (size_t)s * np, env->trained + (size_t)u * np, np * sizeof(bool));
}

void bound_cohorts_free(struct cohorts *co) {
        free(co->need_first);
        free(co->need_list);
        free(co->order);
        free(co->kfirst);
        free(co->q_kind);
        free(co->q_need);
        free(co->q_size);
        free(co->sorder);
        free(co->sfirst);
        memset(co, 0, sizeof *co);
}

/* Students: each one's placeable needs (a counting sort by student, then canonical order),
 * then the students sorted by those lists, cut where they differ. */
static int student_cohorts(struct cohorts *co, const int *need_class) {
        const struct school *school = env->ctx->school;
        size_t nn = school->n_needs, nstu = school->n_students;
        for (size_t i = 0; i < nn; i++)
                if (need_class[i] >= 0)
                        co->need_first[school->needs[i].student + 1]++;
        for (size_t s = 0; s < nstu; s++)
                co->need_first[s + 1] += co->need_first[s];
        int *fill = malloc((nstu + 1) * sizeof *fill);
        if (!fill)
                return -ENOMEM;
        memcpy(fill, co->need_first, nstu * sizeof *fill);
        for (size_t i = 0; i < nn; i++)
                if (need_class[i] >= 0)
                        co->need_list[fill[school->needs[i].student]++] = (int)i;
        free(fill);
        for (size_t s = 0; s < nstu; s++)
                qsort(co->need_list + co->need_first[s], (size_t)(co->need_first[s + 1] - co->need_first[s]),
                      sizeof *co->need_list, cmp_need);
        int nstudents = 0;
        for (size_t s = 0; s < nstu; s++)
                if (co->need_first[s + 1] > co->need_first[s])
                        co->order[nstudents++] = (int)s;
        qsort(co->order, (size_t)nstudents, sizeof *co->order, cmp_student);
        for (int k = 0; k < nstudents; k++)
                if (k == 0 || cmp_student(&co->order[k - 1], &co->order[k]) != 0) {
                        int s = co->order[k];
                        co->kfirst[co->nkinds] = k;
                        for (int p = co->need_first[s]; p < co->need_first[s + 1]; p++) {
                                co->q_kind[co->nq] = co->nkinds;
                                co->q_need[co->nq] = co->need_list[p];
                                co->nq++;
                        }
                        co->nkinds++;
                }
        co->kfirst[co->nkinds] = nstudents;
        for (int q = 0; q < co->nq; q++)
                co->q_size[q] = co->kfirst[co->q_kind[q] + 1] - co->kfirst[co->q_kind[q]];
        return 0;
}

int bound_cohorts_make(const struct solver_ctx *ctx, const int *need_class, struct cohorts *co) {
        const struct school *school = ctx->school;
        size_t nn = school->n_needs, nstu = school->n_students, nst = school->n_staff, np = school->n_programs;
        memset(co, 0, sizeof *co);
        co->need_first = calloc(nstu + 2, sizeof *co->need_first);
        co->need_list = malloc((nn + 1) * sizeof *co->need_list);
        co->order = malloc((nstu + 1) * sizeof *co->order);
        co->kfirst = malloc((nstu + 2) * sizeof *co->kfirst);
        co->q_kind = malloc((nn + 1) * sizeof *co->q_kind);
        co->q_need = malloc((nn + 1) * sizeof *co->q_need);
        co->q_size = malloc((nn + 1) * sizeof *co->q_size);
        co->sorder = malloc((nst + 1) * sizeof *co->sorder);
        co->sfirst = malloc((nst + 2) * sizeof *co->sfirst);
        bool *trained = calloc(nst * np + 1, sizeof *trained), *pinned_to = calloc(nst + 1, sizeof *pinned_to);
        int r = -ENOMEM;
        if (!co->need_first || !co->need_list || !co->order || !co->kfirst || !co->q_kind || !co->q_need ||
            !co->q_size || !co->sorder || !co->sfirst || !trained || !pinned_to)
                goto done;
        for (size_t p = 0; p < np; p++)
                for (const int *s = ctx->program_staff[p]; *s >= 0; s++)
                        trained[(size_t)*s * np + p] = true;
        for (size_t i = 0; i < nn; i++)
                if (school->needs[i].staff >= 0 && (size_t)school->needs[i].staff < nst)
                        pinned_to[school->needs[i].staff] = true;
        struct sort_env e = { ctx, need_class, co, trained, pinned_to };
        env = &e;
        r = student_cohorts(co, need_class);
        if (r == 0) {
                for (size_t s = 0; s < nst; s++)
                        co->sorder[s] = (int)s;
                qsort(co->sorder, nst, sizeof *co->sorder, cmp_staff);
                for (size_t k = 0; k < nst; k++)
                        if (k == 0 || cmp_staff(&co->sorder[k - 1], &co->sorder[k]) != 0)
                                co->sfirst[co->nskinds++] = (int)k;
                co->sfirst[co->nskinds] = (int)nst;
        }
        env = NULL;
done:
        free(trained);
        free(pinned_to);
        if (r < 0)
                bound_cohorts_free(co);
        return r;
}
