/* test-search.c: the search of #11 — the portfolio is deterministic for a seed and thread count,
 * a re-solve places at least what a fresh solve places and keeps what it can of the published
 * schedule while it does, and an overloaded solve uses its time limit when it is short of the
 * proven bound. */
#include <check.h>
#include <stdlib.h>
#include <time.h>

#include "solver/solver.h"
#include "tools/schoolgen/schoolgen.h"

static struct school *overloaded(unsigned seed, int students) {
        struct schoolgen_params p = { .seed = seed, .students = students, .overloaded = true };
        struct school *s = NULL;
        ck_assert_int_eq(schoolgen_build(&p, &s), 0);
        return s;
}

static struct schedule *solve_with(struct school *school, const struct schedule *previous, unsigned seed,
                                   int threads, long iterations, double limit, bool fresh, struct solver_stats *stats) {
        struct solver_options o;
        solver_options_default(&o);
        o.seed = seed;
        o.threads = threads;
        o.max_iterations = iterations;
        o.time_limit_seconds = limit;
        o.fresh = fresh;
        /* Rounds every 2,048 moves (the default meets every 65,536 at these sizes): the
         * searchers hand on their best, and a keeper follows them, within the few moves here. */
        o.exchange_moves = 2048;
        struct schedule *s = NULL;
        ck_assert_int_eq(solver_solve(school, previous, &o, &s, stats), 0);
        return s;
}

static struct schedule *solve(struct school *school, const struct schedule *previous, unsigned seed, int threads,
                              long iterations, double limit, struct solver_stats *stats) {
        return solve_with(school, previous, seed, threads, iterations, limit, false, stats);
}

/* pullout solve --fresh with the published schedule previous: two searchers, 20,000 moves. */
static struct schedule *solve_fresh(struct school *school, const struct schedule *previous, unsigned seed) {
        return solve_with(school, previous, seed, 2, 20000, 60, true, NULL);
}

/* A re-solve case's schools (as solved, and changed) and schedules (first, re-solved, fresh). */
static void free_case(struct school *school, struct school *changed, struct schedule *first, struct schedule *again,
                      struct schedule *fresh) {
        schedule_free(first);
        schedule_free(again);
        schedule_free(fresh);
        school_unref(school);
        school_unref(changed);
}

static long placed(const struct schedule *s) {
        return (long)(s->school->n_needs - s->n_unscheduled);
}

static void assert_same_schedule(const struct schedule *a, const struct schedule *b) {
        ck_assert_int_eq(placed(a), placed(b));
        ck_assert_int_eq(a->n_groups, b->n_groups);
        ck_assert_int_eq(a->metrics.penalty, b->metrics.penalty);
        ck_assert_int_eq(a->metrics.changed_meetings, b->metrics.changed_meetings);
        for (size_t g = 0; g < a->n_groups; g++) {
                const struct group *x = &a->groups[g], *y = &b->groups[g];
                ck_assert_str_eq(x->id, y->id);
                ck_assert_int_eq(x->staff, y->staff);
                ck_assert_int_eq(x->n_needs, y->n_needs);
                for (size_t k = 0; k < x->n_needs; k++)
                        ck_assert_int_eq(x->needs[k], y->needs[k]);
                ck_assert_int_eq(x->n_meetings, y->n_meetings);
                for (size_t k = 0; k < x->n_meetings; k++) {
                        ck_assert_int_eq(x->meetings[k].day, y->meetings[k].day);
                        ck_assert_int_eq(x->meetings[k].start, y->meetings[k].start);
                }
        }
}

START_TEST(test_same_seed_and_threads_same_schedule) {
        /* Three searchers on two CPUs: they run at different speeds and meet to hand on the
         * best schedule; what they hand on must not depend on which ran faster. */
        struct school *school = overloaded(2, 100);
        struct solver_stats sa, sb;
        struct schedule *a = solve(school, NULL, 7, 3, 20000, 60, &sa);
        struct schedule *b = solve(school, NULL, 7, 3, 20000, 60, &sb);
        ck_assert_msg(sa.adopted > 0, "the searchers handed on no better schedule");
        ck_assert_int_eq(sa.adopted, sb.adopted);
        assert_same_schedule(a, b);
        /* A re-solve's keeper follows the rounds from idle priority, far behind the others:
         * what it reads from them must not depend on how far behind it is either. */
        struct school *grown = overloaded(2, 100);
        ck_assert_int_eq(schoolgen_add_needs(grown, 10), 0);
        struct schedule *again = solve(grown, a, 7, 2, 20000, 60, &sa);
        struct schedule *once_more = solve(grown, a, 7, 2, 20000, 60, &sb);
        ck_assert_int_eq(sa.adopted, sb.adopted);
        assert_same_schedule(again, once_more);
        schedule_free(again);
        schedule_free(once_more);
        school_unref(grown);
        schedule_free(a);
        schedule_free(b);
        school_unref(school);
}
END_TEST

/* The defect: a re-solve after needs were added stopped after ~900 moves and kept the
 * published meetings at the cost of 4-15 placements against a fresh solve of the same data. */
START_TEST(test_resolve_places_what_a_fresh_solve_places) {
        for (unsigned seed = 1; seed <= 2; seed++) {
                struct school *school = overloaded(seed, 100), *grown = overloaded(seed, 100);
                ck_assert_int_eq(schoolgen_add_needs(grown, 10), 0);
                /* Capped in moves, not seconds, so the outcome does not depend on the machine's
                 * load: beside the searcher keeping the published schedule, the re-solve runs
                 * the fresh solve's own two searchers, so it places at least as many. */
                struct schedule *first = solve(school, NULL, seed, 2, 20000, 60, NULL);
                struct schedule *again = solve(grown, first, seed, 2, 20000, 60, NULL);
                struct schedule *fresh = solve(grown, NULL, seed, 2, 20000, 60, NULL);
                ck_assert_msg(placed(again) >= placed(fresh), "seed %u: re-solve %ld, fresh %ld", seed, placed(again),
                              placed(fresh));
                free_case(school, grown, first, again, fresh);
        }
}
END_TEST

/* A solve from scratch (pullout solve --fresh) builds every group anew. Where it builds one of
 * the published groups again — the same interventionist and students — that group keeps its
 * id, so a teacher's calendar keeps its events and no meeting of it counts as changed. The
 * defect: every group got a new id, and a solve that found the published schedule again
 * reported every meeting changed. */
START_TEST(test_groups_built_again_keep_their_ids) {
        struct school *school = overloaded(2, 100);
        struct schedule *first = solve(school, NULL, 7, 2, 20000, 60, NULL);
        struct schedule *again = solve_fresh(school, first, 7);
        /* The same data, seed and moves: the same groups, found from scratch. */
        ck_assert_int_eq(again->n_groups, first->n_groups);
        ck_assert_int_gt(first->n_groups, 10);
        for (size_t g = 0; g < again->n_groups; g++) {
                const struct group *x = &again->groups[g];
                int p = schedule_find_group(first, x->id);
                ck_assert_msg(p >= 0, "group %s is not a published id", x->id);
                ck_assert_int_eq(first->groups[p].staff, x->staff);
                ck_assert_int_eq(first->groups[p].n_needs, x->n_needs);
                for (size_t k = 0; k < x->n_needs; k++)
                        ck_assert_int_eq(first->groups[p].needs[k], x->needs[k]);
        }
        ck_assert_int_eq(again->metrics.changed_meetings, 0);
        schedule_free(again);
        schedule_free(first);
        school_unref(school);
}
END_TEST

/* The defect: when a searcher from scratch placed more than the searcher keeping the published
 * schedule, the re-solve took its schedule as it was, built of groups of its own, so about every
 * published meeting changed (426 of them for a one-student change at 2,000 students). The keeper
 * now takes it over and walks it back towards the published schedule wherever that places as
 * many: published groups put back whole, at their published times. */
START_TEST(test_resolve_that_places_more_keeps_published_groups) {
        /* Published with seed 1, re-solved with seed 2 (as the bench does): its searchers from
         * scratch place more than the published schedule, so the re-solve takes theirs. */
        static const struct { unsigned school; int students, new_needs; } cases[] = { { 1, 100, 1 }, { 2, 200, 0 } };
        for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
                struct school *school = overloaded(cases[c].school, cases[c].students);
                struct school *grown = overloaded(cases[c].school, cases[c].students);
                ck_assert_int_eq(schoolgen_add_needs(grown, cases[c].new_needs), 0);
                struct schedule *first = solve(school, NULL, 1, 2, 20000, 60, NULL);
                struct solver_stats stats;
                struct schedule *again = solve(grown, first, 2, 2, 20000, 60, &stats);
                struct schedule *fresh = solve_fresh(grown, first, 2);
                ck_assert_int_gt(placed(fresh), placed(first));
                ck_assert_int_gt(stats.adopted, 0);
                ck_assert_int_ge(placed(again), placed(fresh));
                /* Before: 117 of the fresh solve's 119 changed meetings, and 86 of 129. */
                ck_assert_msg(3 * again->metrics.changed_meetings < 2 * fresh->metrics.changed_meetings,
                              "case %zu: %ld meetings changed, from scratch %ld", c, again->metrics.changed_meetings,
                              fresh->metrics.changed_meetings);
                ck_assert_int_eq(solver_check(again, first, NULL, NULL, NULL, NULL), 0);
                free_case(school, grown, first, again, fresh);
        }
}
END_TEST

/* The defect: the search stopped after about a second whatever the time limit said, the first
 * time it settled. Short of the bound it now restarts from the best with the large moves, until
 * three restarts in a row found nothing better (so the same seed gives the same schedule on any
 * machine) or the time limit ends it. */
START_TEST(test_overloaded_solve_uses_its_time) {
        struct school *school = overloaded(3, 100);
        struct solver_stats stats;
        struct schedule *s = solve(school, NULL, 1, 1, 0, 3, &stats);
        ck_assert_int_le(placed(s), stats.upper_bound);
        ck_assert_int_eq(s->metrics.upper_bound, stats.upper_bound);
        /* Short of the bound it searches on for placements after its soft goals settle, to
         * the time limit (the first round stopped at the settling, after about a second).
         * How many restarts fit in the time is the machine's business (under valgrind, one). */
        if (placed(s) < stats.upper_bound)
                ck_assert_msg(stats.timed_out && stats.total_seconds >= 3, "stopped after %ld restarts, %.2f s of 3",
                              stats.restarts, stats.total_seconds);
        schedule_free(s);
        school_unref(school);
}
END_TEST

Suite *suite_search(void) {
        Suite *suite = suite_create("search");
        TCase *tc = tcase_create("search");
        tcase_set_timeout(tc, 120);
        tcase_add_test(tc, test_same_seed_and_threads_same_schedule);
        tcase_add_test(tc, test_resolve_places_what_a_fresh_solve_places);
        tcase_add_test(tc, test_groups_built_again_keep_their_ids);
        tcase_add_test(tc, test_resolve_that_places_more_keeps_published_groups);
        tcase_add_test(tc, test_overloaded_solve_uses_its_time);
        suite_add_tcase(suite, tc);
        return suite;
}
