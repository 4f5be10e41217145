/* bench-bound: each model of the upper bound (daemon/solver/bound.c, bound-group.c) on one
 * generated school, with its seconds, and the bound a solve would report (bound_compute).
 * Usage: bench-bound STUDENTS SEED overloaded|feasible [SECONDS]  (SECONDS per model, default 3:
 * the bound's share of the default 10 s solve)
 * Prints: needs N possible P group G (settled|stopped) S s  time T S s  day D S s
 *         lagrange L S s (the group model's subgradient steps alone)  bound B S s */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "solver/solver-internal.h"
#include "tools/schoolgen/schoolgen.h"

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A model's answer as a word: its bound, or why there is none. */
static void print_model(const char *name, int r, long v, double seconds) {
        if (r == 0 || r == -EAGAIN)
                printf(" %s %ld%s %.2f s", name, v, r == -EAGAIN ? " (stopped)" : "", seconds);
        else
                printf(" %s %s %.2f s", name, r == -E2BIG ? "too-large" : "failed", seconds);
}

int main(int argc, char **argv) {
        if (argc < 4 || argc > 5 || (strcmp(argv[3], "overloaded") != 0 && strcmp(argv[3], "feasible") != 0)) {
                fprintf(stderr, "usage: %s STUDENTS SEED overloaded|feasible [SECONDS]\n", argv[0]);
                return 2;
        }
        struct schoolgen_params p = { .students = atoi(argv[1]), .seed = (unsigned)atoi(argv[2]),
                                      .overloaded = strcmp(argv[3], "overloaded") == 0 };
        double limit = argc == 5 ? atof(argv[4]) : 3;
        struct school *school = NULL;
        struct solver_ctx *ctx = NULL;
        if (schoolgen_build(&p, &school) < 0 || solver_ctx_new(school, &ctx) < 0) {
                fprintf(stderr, "cannot build the school\n");
                return 1;
        }
        long possible = 0;
        bound_model(ctx, BOUND_COUNT_ONLY, 0, &possible);
        printf("needs %zu possible %ld", school->n_needs, possible);
        static const char *names[] = { "group", "time", "day", "lagrange" };
        for (int m = BOUND_GROUP; m <= BOUND_LAGRANGE; m++) {
                long v = -1;
                double t = now();
                int r = bound_model(ctx, (enum bound_model)m, limit, &v);
                print_model(names[m], r, v, now() - t);
        }
        long bound = -1;
        double t = now();
        int r = bound_compute(ctx, limit, -1, &bound, NULL);
        print_model("bound", r, bound, now() - t);
        printf("\n");
        solver_ctx_free(ctx);
        school_unref(school);
        return r == 0 ? 0 : 1;
}
