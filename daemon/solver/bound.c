/* bound.c: a proven upper bound on how many needs any schedule of the data can place.
 *
 * Three linear relaxations, solved with COIN-OR CLP (bound-lp.c), each valid on its own:
 * every real schedule is a feasible point of each, so each optimum is at least the best
 * schedule's count, and since placements are integers its floor is still a bound.
 * bound_compute_models tries the day model first (bound-day.c: each day's meetings summed up,
 * fast on any school, so none is left with a loose count), then the group model (bound-group.c:
 * candidate groups with a time and classmates for the whole week, the tightest, 78 against the
 * day model's 95 on the generated 100-student overloaded school), then, when the group model
 * does not settle in the time, the time-indexed one (bound-time.c: each day's meetings at their
 * times, over cohorts of like students and interventionists); the smallest bound wins. When no
 * model is solved in time, the bound falls back to the needs that fit the school day at all
 * (still valid, just loose). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "solver/bound-lp.h"

/* Whether need i can be placed at all: the search's own test of a need it sets aside. */
bool bound_need_possible(const struct solver_ctx *ctx, int i) {
        const struct school *school = ctx->school;
        const struct need *n = &school->needs[i];
        if (n->student < 0 || (size_t)n->student >= school->n_students || n->program < 0 ||
            (size_t)n->program >= school->n_programs)
                return false;
        return n->sessions_per_week >= 1 && n->sessions_per_week <= DAY_COUNT && n->minutes > 0 &&
               n->minutes <= ctx->span && school->programs[n->program].max_group >= 1 &&
               ctx->program_staff[n->program][0] >= 0;
}

static long fallback_bound(const struct solver_ctx *ctx) {
        long k = 0;
        for (size_t i = 0; i < ctx->school->n_needs; i++)
                k += bound_need_possible(ctx, (int)i);
        return k;
}

int bound_model(const struct solver_ctx *ctx, enum bound_model model, double max_seconds, long *ret) {
        switch (model) {
        case BOUND_GROUP:
        case BOUND_LAGRANGE: {
                bool settled = false;
                int r = bound_group(ctx, max_seconds, -1, -1, model == BOUND_LAGRANGE, ret, &settled);
                return r < 0 ? r : settled ? 0 : -EAGAIN;
        }
        case BOUND_TIME:
                return bound_time(ctx, max_seconds, ret);
        case BOUND_DAY:
                return bound_day(ctx, max_seconds, ret);
        default:
                *ret = fallback_bound(ctx);
                return 0;
        }
}

static double clock_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int bound_compute_models(const struct solver_ctx *ctx, double max_seconds, long known, long *ret_bound, bool *ret_proven) {
        double t0 = clock_seconds();
        long best = fallback_bound(ctx), v = 0;
        bool proven = false, settled = false;
        /* Every model is valid; the bound is the smallest of those solved. The day model first:
         * a tenth of a second on any school, so no school is left with the loose count. Then
         * the group model, the tightest, with the time left: when it settles the time model
         * cannot say less; else the time model gets what is left. */
        static const enum bound_model order[] = { BOUND_DAY, BOUND_GROUP, BOUND_TIME };
        for (size_t k = 0; k < sizeof order / sizeof order[0] && !settled && best > known; k++) {
                enum bound_model m = order[k];
                double left = max_seconds > 0 ? max_seconds - (clock_seconds() - t0) : 0;
                if (max_seconds > 0 && left <= 0)
                        break;
                int r;
                if (m == BOUND_GROUP) {
                        r = bound_group(ctx, left, known, proven ? best : -1, false, &v, &settled);
                        if (r == 0 && !settled)
                                r = -EAGAIN;
                        /* A group model stopped on time still has a valid bound in v. */
                        if (r == -EAGAIN) {
                                proven = true;
                                best = v < best ? v : best;
                        }
                } else {
                        r = bound_model(ctx, m, left, &v);
                }
                if (r == -ENOMEM)
                        return r;
                if (r == 0) {
                        proven = true;
                        best = v < best ? v : best;
                }
        }
        *ret_bound = best;
        if (ret_proven)
                *ret_proven = proven;
        return 0;
}

int solver_upper_bound(const struct school *school, double max_seconds, long *ret_bound) {
        struct solver_ctx *ctx = NULL;
        int r = solver_ctx_new(school, &ctx);
        if (r < 0)
                return r;
        r = bound_compute(ctx, max_seconds, -1, ret_bound, NULL);
        solver_ctx_free(ctx);
        return r;
}
