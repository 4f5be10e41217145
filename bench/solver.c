/* bench-solver.c: the solver on generated feasible and overloaded schools of growing size:
 * needs, placed, the proven upper bound and the gap, seconds to the final count, and two
 * re-solves from the published schedule — after one student changes homeroom (seconds,
 * meetings changed) and after ten new needs (placed against a fresh solve of the same data).
 * Prints a table; docs/benchmarks.md records it.
 * Usage: bench-solver [TIME_LIMIT [MAX_STUDENTS [both|feasible|overloaded [MIN_STUDENTS]]]] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "solver/solver.h"
#include "tools/schoolgen/schoolgen.h"

static double now_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Moves one placed student to another homeroom of the same grade (or any other homeroom). */
static void change_one_student(struct school *school, const struct schedule *s) {
        if (s->n_groups == 0 || s->groups[0].n_needs == 0)
                return;
        int student = school->needs[s->groups[0].needs[0]].student;
        int from = school->students[student].teacher, to = -1;
        for (size_t t = 0; t < school->n_teachers && to < 0; t++)
                if ((int)t != from && school->teachers[t].grade == school->teachers[from].grade)
                        to = (int)t;
        if (to < 0)
                to = (from + 1) % (int)school->n_teachers;
        school->students[student].teacher = to;
}

static long placed_of(const struct schedule *s) {
        return (long)(s->school->n_needs - s->n_unscheduled);
}

static int run(int students, bool overloaded, double limit, unsigned seed) {
        struct schoolgen_params params = { .seed = seed, .students = students, .overloaded = overloaded };
        struct school *school = NULL, *changed = NULL, *grown = NULL;
        struct schedule *schedule = NULL, *again = NULL, *regrown = NULL, *fresh = NULL;
        int r = schoolgen_build(&params, &school);
        if (r < 0) {
                fprintf(stderr, "schoolgen: %s\n", strerror(-r));
                return r;
        }
        struct solver_options o;
        solver_options_default(&o);
        o.time_limit_seconds = limit;
        o.seed = seed;
        struct solver_stats stats;
        if ((r = solver_solve(school, NULL, &o, &schedule, &stats)) < 0)
                goto finish;
        int violations = solver_check(schedule, NULL, &o.weights, NULL, NULL, NULL);
        long placed = placed_of(schedule), bound = schedule->metrics.upper_bound;
        printf("| %5d %-10s | %5zu | %5ld | %5ld%s | %4.1f%% | %6.2f | %6.2f | %3d |", students,
               overloaded ? "overloaded" : "feasible", school->n_needs, placed, bound, stats.bound_proven ? "" : "*",
               bound > 0 ? 100.0 * (double)(bound - placed) / (double)bound : 0.0, stats.first_complete_seconds,
               stats.total_seconds, violations);
        fflush(stdout);

        /* Re-solve after one student changed homeroom, from the published schedule. */
        if ((r = schoolgen_build(&params, &changed)) < 0)
                goto finish;
        change_one_student(changed, schedule);
        struct solver_stats again_stats;
        double t0 = now_seconds();
        o.seed = seed + 1;
        if ((r = solver_solve(changed, schedule, &o, &again, &again_stats)) < 0)
                goto finish;
        printf(" %6.3f | %4ld |", now_seconds() - t0, again->metrics.changed_meetings);
        fflush(stdout);

        /* Ten new needs: the re-solve against a fresh solve of the same data. */
        if ((r = schoolgen_build(&params, &grown)) < 0 || (r = schoolgen_add_needs(grown, 10)) < 0)
                goto finish;
        if ((r = solver_solve(grown, schedule, &o, &regrown, NULL)) < 0)
                goto finish;
        o.fresh = true;
        solver_forget_bound(); /* the fresh solve works out the bound too, in its own time */
        if ((r = solver_solve(grown, NULL, &o, &fresh, NULL)) < 0)
                goto finish;
        printf(" %5ld / %-5ld |\n", placed_of(regrown), placed_of(fresh));
finish:
        if (r < 0)
                fprintf(stderr, "solve: %s\n", strerror(-r));
        schedule_free(schedule);
        schedule_free(again);
        schedule_free(regrown);
        schedule_free(fresh);
        school_unref(school);
        school_unref(changed);
        school_unref(grown);
        return r;
}

int main(int argc, char **argv) {
        double limit = argc > 1 ? atof(argv[1]) : 10;
        int max_students = argc > 2 ? atoi(argv[2]) : 5000;
        /* One kind of school and a smallest size: one row of the table, measured again. */
        const char *kind = argc > 3 ? argv[3] : "both";
        int min_students = argc > 4 ? atoi(argv[4]) : 0;
        printf("solver benchmark: time limit %.0f s, seed 1 (times in seconds; * bound not proven by the LP)\n\n", limit);
        printf("| students | needs | placed | upper bound | gap | to final count | total | violations | "
               "re-solve 1 student | changed | 10 new needs: re-solve / fresh |\n");
        printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
        static const int sizes[] = { 100, 500, 2000, 5000 };
        for (int overloaded = 0; overloaded < 2; overloaded++)
                for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
                        if (sizes[i] <= max_students && sizes[i] >= min_students &&
                            (strcmp(kind, "both") == 0 || strcmp(kind, overloaded ? "overloaded" : "feasible") == 0) &&
                            run(sizes[i], overloaded, limit, 1) < 0)
                                return EXIT_FAILURE;
        return EXIT_SUCCESS;
}
