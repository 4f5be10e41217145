/* bench-solve-one: one fresh solve of one generated school, as the daemon runs it (default
 * options: solver.time_limit, seed 1, one search per CPU), printed as one line for tools/bench-mip.sh
 * to set beside CBC's result on the same school (bench-mip-export, same STUDENTS and SEED).
 * Usage: bench-solve-one STUDENTS SEED overloaded|feasible [TIME_LIMIT [SOLVER_SEED [MAX_ITERATIONS [THREADS [INTERVENTIONISTS]]]]]
 * (MAX_ITERATIONS and THREADS > 0 make the run independent of the machine's speed: two builds
 * that must search alike print the same fingerprint; INTERVENTIONISTS, default 0, is the
 * generator's staffing: about one per 100 students)
 * Prints: needs N placed P upper_bound B proven yes|no seconds S to_final F settled E threads T violations V
 *         iterations I restarts R penalty C fingerprint H (FNV-1a of every group's needs and meetings) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/solver.h"
#include "tools/schoolgen/schoolgen.h"

static uint64_t mix(uint64_t h, long v) {
        h ^= (uint64_t)v;
        return h * 0x100000001b3ull;
}

/* The schedule itself, as one number: groups in order, each with its interventionist, needs
 * and meetings. */
static uint64_t fingerprint(const struct schedule *s) {
        uint64_t h = 0xcbf29ce484222325ull;
        for (size_t g = 0; g < s->n_groups; g++) {
                const struct group *gr = &s->groups[g];
                h = mix(h, gr->staff);
                for (size_t i = 0; i < gr->n_needs; i++)
                        h = mix(h, gr->needs[i]);
                for (size_t k = 0; k < gr->n_meetings; k++)
                        h = mix(mix(mix(h, gr->meetings[k].day), gr->meetings[k].start), gr->meetings[k].end);
        }
        return h;
}

int main(int argc, char **argv) {
        if (argc < 4 || argc > 9 || (strcmp(argv[3], "overloaded") != 0 && strcmp(argv[3], "feasible") != 0)) {
                fprintf(stderr,
                        "usage: %s STUDENTS SEED overloaded|feasible [TIME_LIMIT [SOLVER_SEED [MAX_ITERATIONS [THREADS [INTERVENTIONISTS]]]]]\n",
                        argv[0]);
                return 2;
        }
        struct schoolgen_params params = { .students = atoi(argv[1]), .seed = (unsigned)atoi(argv[2]),
                                           .overloaded = strcmp(argv[3], "overloaded") == 0,
                                           .interventionists = argc >= 9 ? atoi(argv[8]) : 0 };
        struct school *school = NULL;
        struct schedule *schedule = NULL;
        int r = schoolgen_build(&params, &school);
        if (r < 0) {
                fprintf(stderr, "schoolgen: %s\n", strerror(-r));
                return 1;
        }
        struct solver_options o;
        solver_options_default(&o);
        if (argc >= 5)
                o.time_limit_seconds = atof(argv[4]);
        if (argc >= 6)
                o.seed = (unsigned)atoi(argv[5]);
        if (argc >= 7)
                o.max_iterations = atol(argv[6]);
        if (argc >= 8)
                o.threads = atoi(argv[7]);
        struct solver_stats stats;
        if ((r = solver_solve(school, NULL, &o, &schedule, &stats)) < 0) {
                fprintf(stderr, "solve: %s\n", strerror(-r));
                school_unref(school);
                return 1;
        }
        int violations = solver_check(schedule, NULL, &o.weights, NULL, NULL, NULL);
        printf("needs %zu placed %zu upper_bound %ld proven %s seconds %.2f to_final %.2f settled %.2f threads %d violations %d iterations %ld restarts %ld penalty %ld fingerprint %016llx\n",
               school->n_needs, school->n_needs - schedule->n_unscheduled, schedule->metrics.upper_bound,
               stats.bound_proven ? "yes" : "no", stats.total_seconds, stats.first_complete_seconds, stats.settled_seconds, stats.threads,
               violations, stats.iterations, stats.restarts, schedule->metrics.penalty,
               (unsigned long long)fingerprint(schedule));
        schedule_free(schedule);
        school_unref(school);
        return violations == 0 ? 0 : 1;
}
