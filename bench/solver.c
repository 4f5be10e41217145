/* bench-solver.c: the solver on generated schools of growing size — time to the first complete
 * schedule, time to the best, needs placed, penalty, peak memory — and a re-solve after one
 * student changes homeroom. Prints a table; docs/benchmarks.md records it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "solver/solver.h"
#include "tools/schoolgen/schoolgen.h"

static double now_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long peak_kib(void) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return ru.ru_maxrss;
}

/* Moves one placed student to another homeroom of the same grade (or any other homeroom). */
static int change_one_student(struct school *school, const struct schedule *s) {
        if (s->n_groups == 0 || s->groups[0].n_needs == 0)
                return -1;
        int student = school->needs[s->groups[0].needs[0]].student;
        int from = school->students[student].teacher, to = -1;
        for (size_t t = 0; t < school->n_teachers && to < 0; t++)
                if ((int)t != from && school->teachers[t].grade == school->teachers[from].grade)
                        to = (int)t;
        if (to < 0)
                to = (from + 1) % (int)school->n_teachers;
        school->students[student].teacher = to;
        return student;
}

static int run(int students, bool overloaded, double limit, unsigned seed) {
        struct schoolgen_params params = { .seed = seed, .students = students, .overloaded = overloaded };
        struct school *school = NULL, *changed = NULL;
        struct schedule *schedule = NULL, *again = NULL;
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
        r = solver_solve(school, NULL, &o, &schedule, &stats);
        if (r < 0) {
                fprintf(stderr, "solve: %s\n", strerror(-r));
                goto finish;
        }
        int violations = solver_check(schedule, NULL, &o.weights, NULL, NULL, NULL);
        size_t placed = school->n_needs - schedule->n_unscheduled;
        printf("| %5d%s | %3zu | %6.3f | %6.3f | %6.3f | %4zu / %-4zu | %4zu | %8ld | %6ld | %3d |",
               students, overloaded ? " (overloaded)" : "", school->n_staff, stats.first_complete_seconds,
               stats.best_seconds, stats.total_seconds, placed, school->n_needs, schedule->n_groups,
               schedule->metrics.penalty, peak_kib() / 1024, violations);
        fflush(stdout);

        /* Re-solve after one student changed homeroom, from the published schedule. */
        r = schoolgen_build(&params, &changed);
        if (r < 0)
                goto finish;
        change_one_student(changed, schedule);
        struct solver_stats again_stats;
        double t0 = now_seconds();
        o.seed = seed + 1;
        r = solver_solve(changed, schedule, &o, &again, &again_stats);
        double resolve = now_seconds() - t0;
        if (r < 0)
                goto finish;
        printf(" %6.3f | %3ld |\n", resolve, again->metrics.changed_meetings);
finish:
        schedule_free(schedule);
        schedule_free(again);
        school_unref(school);
        school_unref(changed);
        return r;
}

int main(int argc, char **argv) {
        double limit = argc > 1 ? atof(argv[1]) : 30;
        printf("solver benchmark: one core, time limit %.0f s, seed 1 (times in seconds)\n\n", limit);
        printf("| students | staff | first complete | best | total | needs placed | groups | penalty | peak MiB | violations | re-solve | changed |\n");
        printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        static const int sizes[] = { 100, 500, 2000, 5000 };
        for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++)
                if (run(sizes[i], false, limit, 1) < 0)
                        return EXIT_FAILURE;
        if (run(500, true, limit, 1) < 0)
                return EXIT_FAILURE;
        return EXIT_SUCCESS;
}
