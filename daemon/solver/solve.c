/* solve.c: the driver. A group's week is a day pattern plus one start time; needs are placed
 * hardest first, then late-acceptance local search improves the schedule with journaled moves. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "solver/exchange.h"
#include "solver/search.h"

#define LATE_ACCEPTANCE 400
/* At most this share of the time limit goes to the LP bound. */
#define BOUND_SHARE 0.3
/* Per mille of moves that ruin and recreate while needs are unplaced. */
#define LNS_PER_MILLE 20
/* Restarts from the best in a row without a better schedule after which the search has settled. */
#define SETTLED_RESTARTS 3
/* ...and at least this many moves were made: restarts of a small school are cheap, and a few
 * more of them find its last placements (a 25-need school reached CBC's proven optimum). */
#define SETTLED_MOVES 50000
/* The portfolio's searchers meet to hand on the best schedule after ROUND_WORK / needs moves
 * of each, at least ROUND_MOVES_MIN and at most ROUND_MOVES_MAX: about one round a second on
 * any school, a move taking time in proportion to the needs. Meeting more often than that
 * pulls the searchers into one basin: every 2,048 moves, both searchers of the 2,000-student
 * overloaded school placed 317 in 10 s, and in 60 s; every 16,384 moves 323 and 324, as many
 * as seed 1 alone. A search that still improves steadily gains from meeting often, and its
 * moves are slow: the 5,000-student school does best at 2,048–6,144 (docs/benchmarks.md). */
#define ROUND_WORK (1L << 24)
#define ROUND_MOVES_MIN 2048L
#define ROUND_MOVES_MAX (KEEPER_MOVES * KEEPER_PACE)
/* A re-solve's keeper looks at the rounds every this many of its own moves. */
#define KEEPER_MOVES 2048L
/* A re-solve's keeper makes one move to every this many of a searcher from scratch (it waits
 * for their rounds to get ahead): even at idle priority a keeper that searched flat out cost
 * them about 13 % of their moves on two CPUs (caches, the host's scheduling; one to 8: 5 %),
 * and its work is mostly done when its head start is, the published schedule kept and the
 * new needs placed. */
#define KEEPER_PACE 32

static double now_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
static int cmp_int(const void *a, const void *b) {
        int x = *(const int *)a, y = *(const int *)b;
        return x < y ? -1 : x > y;
}


struct hardness {
        const struct school *school;
        const long *key;
};

static int cmp_hardness(const void *a, const void *b, void *data) {
        const struct hardness *h = data;
        const struct school *sort_school = h->school;
        const long *sort_key = h->key;
        int x = *(const int *)a, y = *(const int *)b;
        if (sort_key[x] != sort_key[y])
                return sort_key[x] < sort_key[y] ? -1 : 1;
        const struct need *u = &sort_school->needs[x], *v = &sort_school->needs[y];
        long lu = (long)u->minutes * u->sessions_per_week, lv = (long)v->minutes * v->sessions_per_week;
        if (lu != lv)
                return lu > lv ? -1 : 1;
        return x < y ? -1 : x > y;
}

/* ---- results ---------------------------------------------------------------------------- */

static int group_number(const char *id) {
        if (id[0] != 'G')
                return 0;
        char *end;
        long n = strtol(id + 1, &end, 10);
        return *end == '\0' && n > 0 && n < 1000000000 ? (int)n : 0;
}

static int cmp_meeting(const void *a, const void *b) {
        const struct meeting *x = a, *y = b;
        return x->day - y->day;
}

static int build_schedule(struct state *st, const struct sgroup *groups, size_t n, struct school *school,
                          const struct schedule *previous, struct schedule **ret) {
        struct schedule *s = schedule_new(school);
        int *placed = calloc(school->n_needs + 1, sizeof *placed);
        int *prev_of = malloc((n + 1) * sizeof *prev_of);
        bool *claimed = calloc(st->nprev + 1, sizeof *claimed);
        int r = -ENOMEM;
        if (!s || !placed || !prev_of || !claimed)
                goto fail;
        previous_match(st, groups, n, prev_of, claimed);
        int next = 0;
        if (previous)
                for (size_t i = 0; i < previous->n_groups; i++) {
                        int k = group_number(previous->groups[i].id);
                        next = k > next ? k : next;
                }
        /* Survivors keep their ids and come first in the previous order; new groups follow. */
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < n; i++) {
                        const struct sgroup *sg = &groups[i];
                        if (!sg->alive || (sg->n == 0 && !sg->pinned) || (pass == 0) != (prev_of[i] >= 0))
                                continue;
                        struct group g = { .program = sg->program, .staff = sg->staff, .pinned = sg->pinned };
                        if (prev_of[i] >= 0)
                                snprintf(g.id, sizeof g.id, "%s", st->prev[prev_of[i]].id);
                        else
                                snprintf(g.id, sizeof g.id, "G%d", ++next);
                        int needs[GROUP_CAP];
                        memcpy(needs, sg->needs, sizeof(int) * (size_t)sg->n);
                        qsort(needs, (size_t)sg->n, sizeof(int), cmp_int);
                        g.needs = needs;
                        g.n_needs = (size_t)sg->n;
                        g.n_meetings = (size_t)sg->nm;
                        memcpy(g.meetings, sg->m, sizeof(struct meeting) * (size_t)sg->nm);
                        qsort(g.meetings, g.n_meetings, sizeof(struct meeting), cmp_meeting);
                        if (schedule_add_group(s, &g) < 0)
                                goto fail;
                        for (int k = 0; k < sg->n; k++)
                                placed[sg->needs[k]] = 1;
                }
        for (size_t i = 0; i < school->n_needs; i++) {
                if (placed[i])
                        continue;
                char *reason = solver_unscheduled_reason(st->ctx, s, (int)i);
                if (!reason)
                        goto fail;
                r = schedule_add_unscheduled(s, (int)i, reason);
                free(reason);
                if (r < 0)
                        goto fail;
        }
        r = solver_measure(st->ctx, s, previous, st->w, st->weigh_changed, &s->metrics);
        if (r < 0)
                goto fail;
        free(placed);
        free(prev_of);
        free(claimed);
        *ret = s;
        return 0;
fail:
        free(placed);
        free(prev_of);
        free(claimed);
        schedule_free(s);
        return r < 0 ? r : -ENOMEM;
}

/* ---- the solve -------------------------------------------------------------------------- */

void solver_options_default(struct solver_options *options) {
        *options = (struct solver_options){ .time_limit_seconds = 10, .seed = 1 };
        solver_weights_default(&options->weights);
}

/* The portfolio's own stop (another searcher has placed every need that fits). */
static __thread const volatile int *portfolio_stop;

static bool stop_requested(const struct solver_options *o) {
        return (o->cancel && *o->cancel) || (portfolio_stop && *portfolio_stop);
}

/* A re-solve's keeper, after its head start, runs only on the CPU the searchers from scratch
 * leave idle (while one waits for the other at a round, or for the bound): they then search
 * at a fresh solve's speed, and what the keeper adds comes on top. The keeper runs on a thread
 * of its own, so the policy ends with it. Refused (it never is for lowering), it runs as before. */
static void run_on_idle_cpu(void) {
        struct sched_param idle = { 0 };
        (void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
}

/* Moves of each searcher between two rounds of the portfolio (ROUND_WORK). */
static long exchange_moves(const struct school *school, const struct solver_options *options) {
        if (options->exchange_moves > 0)
                return options->exchange_moves < ROUND_MOVES_MAX ? options->exchange_moves : ROUND_MOVES_MAX;
        long moves = ROUND_WORK / (long)(school->n_needs > 0 ? school->n_needs : 1);
        return moves < ROUND_MOVES_MIN ? ROUND_MOVES_MIN : moves > ROUND_MOVES_MAX ? ROUND_MOVES_MAX : moves;
}

/* A re-solve's keeper walks st back towards the published schedule wherever that places as
 * many (previous.c): published times, then published groups put back whole. adopted: st
 * takes over groups first, a schedule searched from scratch, whose groups that are published
 * groups again are linked to them. */
static int keeper_walk_back(struct state *st, struct sgroup *groups, size_t n, bool adopted, int *scratch) {
        if (adopted && (previous_link(st, groups, n) < 0 || state_load(st, groups, n) < 0))
                return -ENOMEM;
        int r = previous_reseat(st);
        if (r >= 0)
                r = previous_restore_all(st, scratch);
        return r < 0 ? r : 0;
}

/* One search. start_fresh: a re-solve that builds from scratch (pins kept) but still counts
 * every meeting changed from previous, so it competes with the others on equal terms. ex: the
 * portfolio's exchange (NULL for a search on its own), in which this is searcher who, or which
 * it follows when it is a re-solve's keeper (exchange.h). */
static int solve_one(struct school *school, const struct schedule *previous, const struct solver_options *options,
                     bool start_fresh, struct exchange *ex, int who, struct schedule **ret_schedule,
                     struct solver_stats *ret_stats) {
        double t0 = now_seconds();
        double limit = options->time_limit_seconds > 0 ? options->time_limit_seconds : 10;
        struct solver_stats stats = { 0 };
        struct solver_ctx *ctx = NULL;
        struct state st = { 0 };
        struct sgroup *best = NULL;
        int *order = NULL;
        long *keys = NULL;
        long *history = NULL;
        int *scratch = NULL;
        size_t nbest = 0, capbest = 0;
        bool keeper = ex && previous && !options->fresh && !start_fresh, on_idle_cpu = false;
        long round_moves = exchange_moves(school, options);
        int r = solver_ctx_new(school, &ctx);
        if (r < 0)
                return r;
        ctx_mark_busy_spans(ctx, options->busy, options->n_busy);
        r = state_init(&st, ctx, &options->weights, options->seed);
        if (r < 0)
                goto finish;
        /* The searcher from scratch searches exactly as a fresh solve with its seed would (its
         * changes are weighed only when the searchers' results are compared), so a re-solve
         * places at least what that fresh solve places. */
        st.weigh_changed = previous && !options->fresh && !start_fresh;
        if (previous) {
                r = previous_adopt(&st, previous, options->fresh || start_fresh);
                if (r < 0)
                        goto finish;
        }
        /* Needs no schedule can hold are set aside; their reasons are written at the end. */
        order = malloc((school->n_needs + 1) * sizeof *order);
        keys = malloc((school->n_needs + 1) * sizeof *keys);
        if (!order || !keys) {
                r = -ENOMEM;
                goto finish;
        }
        size_t n_order = 0;
        for (size_t i = 0; i < school->n_needs; i++) {
                const struct need *n = &school->needs[i];
                bool bad = n->sessions_per_week < 1 || n->sessions_per_week > DAY_COUNT || n->minutes <= 0 ||
                           n->minutes > ctx->span || st.max_group[n->program] < 1;
                keys[i] = bad ? 0 : need_windows(&st, (int)i);
                if (keys[i] == 0) {
                        st.impossible[i] = true;
                        if (st.need_group[i] < 0)
                                st.n_impossible++;
                        continue;
                }
                if (st.need_group[i] < 0)
                        order[n_order++] = (int)i;
        }
        struct hardness h = { school, keys };
        qsort_r(order, n_order, sizeof *order, cmp_hardness, &h);
        for (size_t i = 0; i < n_order; i++) {
                if (stop_requested(options))
                        break;
                int need = order[i];
                if (st.need_group[need] >= 0)
                        continue;
                move_begin(&st);
                if (best_insert(&st, need))
                        continue;
                /* A few ejection chains, kept only when they place more. */
                for (int tries = 0; tries < 6 && st.need_group[need] < 0; tries++) {
                        long before = st.n_unplaced;
                        move_begin(&st);
                        if (!move_eject(&st, need) || st.n_unplaced >= before)
                                move_rollback(&st);
                }
        }
        if (st.oom) {
                r = -ENOMEM;
                goto finish;
        }
        stats.construct_seconds = now_seconds() - t0;
        if (stop_requested(options)) {
                stats.cancelled = true;
        }
        /* The bound tells the search when to stop: no schedule places more. Until the search
         * settles short of every need that fits the day at all, that count is the bound and no
         * LP is solved, which keeps schools where everything fits as fast as ever. */
        long possible = (long)school->n_needs - st.n_impossible;
        long bound = possible;
        bool bound_known = false;
#define KNOW_BOUND(placed_now)                                                                            \
        do {                                                                                          \
                if (!bound_known && (placed_now) < possible) {                                        \
                        double tb = now_seconds();                                                    \
                        if (keeper) {                                                                 \
                                bound_known = bound_peek(ctx, limit * BOUND_SHARE, &bound, &stats.bound_proven); \
                        } else {                                                                      \
                                r = bound_compute(ctx, limit * BOUND_SHARE, (placed_now), &bound, &stats.bound_proven); \
                                if (r < 0)                                                            \
                                        goto finish;                                                  \
                                bound_known = true;                                                   \
                        }                                                                             \
                        stats.bound_seconds = now_seconds() - tb;                                     \
                        bound = bound < possible ? bound : possible;                                  \
                }                                                                                     \
        } while (0)

        /* Late acceptance local search; the best schedule seen is kept. */
        long cost = state_cost(&st), best_cost = cost;
        history = malloc(LATE_ACCEPTANCE * sizeof *history);
        if (!history) {
                r = -ENOMEM;
                goto finish;
        }
        for (int i = 0; i < LATE_ACCEPTANCE; i++)
                history[i] = cost;
        long best_unplaced = st.n_unplaced;
        stats.first_complete_seconds = stats.best_seconds = stats.construct_seconds;
        long n_needs = (long)school->n_needs;
        /* Converged: no better schedule in this many moves. A re-solve starts from a good
         * schedule and mostly confirms it, so it gives up sooner. */
        long idle_limit = st.weigh_changed ? 500 + n_needs / 2 : 3000 + 12 * n_needs;
        /* Automatic: the time limit ends a search short of the bound. */
        long max_iter = options->max_iterations > 0 ? options->max_iterations : LONG_MAX;
        long since_best = 0, it = 0;
        /* Restarts in a row that found no better schedule. */
        long fruitless = 0;
        /* The soft goals have settled (SETTLED_RESTARTS fruitless restarts): from then on the
         * search goes on to the time limit for placements only, and a new best schedule must
         * place more. So the returned schedule is the one the same data, seed and thread count
         * settle on, on any machine, unless the extra time placed more needs. */
        bool hunting = false;
#define SAVE_BEST()                                                                           \
        do {                                                                                  \
                if (capbest < st.ng) {                                                        \
                        struct sgroup *more = realloc(best, st.ng * sizeof *more);            \
                        if (!more) {                                                          \
                                r = -ENOMEM;                                                  \
                                goto finish;                                                  \
                        }                                                                     \
                        best = more;                                                          \
                        capbest = st.ng;                                                      \
                }                                                                             \
                if (st.ng)                                                                    \
                        memcpy(best, st.g, st.ng * sizeof *best);                             \
                nbest = st.ng;                                                                \
        } while (0)
        SAVE_BEST();
        bool has_movable = false;
        for (size_t i = 0; i < st.ng; i++)
                has_movable |= st.g[i].alive && !st.g[i].pinned;
        /* Adaptive weights of the ruin-and-recreate neighbourhoods: those that pay are picked
         * more often (reaction 0.1; a new best scores 10, an accepted move 1). */
        double lns_weight[LNS_COUNT];
        for (int k = 0; k < LNS_COUNT; k++)
                lns_weight[k] = 1;
        /* The large moves start once the local search stagnates short of the bound: before
         * that they would only slow down schools where everything fits. */
        bool lns_on = false;
        scratch = malloc((school->n_needs + 1) * sizeof *scratch);
        if (!scratch) {
                r = -ENOMEM;
                goto finish;
        }
        while (!stats.cancelled && it < max_iter && (has_movable || st.n_unplaced > st.n_impossible)) {
                if (since_best >= idle_limit) {
                        /* Settled. Done when no schedule places more; otherwise the time (or
                         * the moves of max_iterations, searched just as the time would be) is
                         * used: restart from the best with the large moves. */
                        KNOW_BOUND((long)school->n_needs - best_unplaced);
                        if ((long)school->n_needs - best_unplaced >= bound || best_unplaced <= st.n_impossible)
                                break;
                        if (fruitless >= SETTLED_RESTARTS && it >= SETTLED_MOVES && !hunting) {
                                stats.settled_seconds = now_seconds() - t0;
                                if (options->stop_when_settled)
                                        break;
                                hunting = true;
                        }
                        fruitless++;
                        if (now_seconds() - t0 > limit) {
                                stats.timed_out = true;
                                break;
                        }
                        if (state_load(&st, best, nbest) < 0) {
                                r = -ENOMEM;
                                goto finish;
                        }
                        cost = state_cost(&st);
                        for (int i = 0; i < LATE_ACCEPTANCE; i++)
                                history[i] = cost;
                        since_best = 0;
                        stats.restarts++;
                        lns_on = true;
                }
                /* A keeper that places every need that fits has nothing to take from the
                 * others: it settles its soft goals on its own and stops them (searcher_run). */
                bool follows = keeper && best_unplaced > st.n_impossible;
                if (ex && it > 0 && (keeper ? follows && it % KEEPER_MOVES == 0 : it % round_moves == 0)) {
                        int got;
                        if (keeper) {
                                if (!on_idle_cpu)
                                        run_on_idle_cpu(); /* its head start is over */
                                on_idle_cpu = true;
                                /* The round they have reached when it has made a KEEPER_PACE'th
                                 * of their moves (round_moves is at most KEEPER_MOVES times
                                 * KEEPER_PACE, so that is round 0 or later). */
                                got = exchange_follow(ex, (unsigned long)(it * KEEPER_PACE / round_moves - 1), &best,
                                                      &nbest, &capbest, &best_unplaced);
                        } else {
                                got = exchange_meet(ex, who, &best, &nbest, &capbest, &best_unplaced, &best_cost);
                        }
                        if (got == -ECANCELED) {
                                stats.cancelled = true;
                                break;
                        }
                        if (got < 0) {
                                r = got;
                                goto finish;
                        }
                        /* Another searcher found better: it becomes this one's best, which the
                         * next restart goes on from. The current walk goes on undisturbed, so
                         * the searchers stay apart between restarts. */
                        if (got > 0)
                                stats.adopted++;
                        if (keeper) {
                                /* Every round the keeper walks its schedule back towards the
                                 * published one; a schedule it takes over is measured again,
                                 * counting changed meetings, and goes on from there. */
                                r = keeper_walk_back(&st, best, nbest, got > 0, scratch);
                                if (r < 0)
                                        goto finish;
                                cost = state_cost(&st);
                                if (got > 0 || (cost < best_cost && st.n_unplaced <= best_unplaced)) {
                                        best_cost = cost;
                                        best_unplaced = st.n_unplaced;
                                        SAVE_BEST();
                                }
                                if (got > 0) {
                                        for (int i = 0; i < LATE_ACCEPTANCE; i++)
                                                history[i] = cost;
                                        since_best = 0;
                                }
                        }
                }
                if ((it & 255) == 0) {
                        if (stop_requested(options)) {
                                stats.cancelled = true;
                                break;
                        }
                        double elapsed = now_seconds() - t0;
                        if (elapsed > limit) {
                                stats.timed_out = true;
                                break;
                        }
                        /* Still short of settling this late: the bound is worked out now, so
                         * that it ends within the limit too (the search goes on after it). */
                        if (!bound_known && elapsed > limit * (1 - BOUND_SHARE))
                                KNOW_BOUND((long)school->n_needs - best_unplaced);
                        if (st.ng > 2 * (size_t)n_needs + 256)
                                state_compact(&st);
                }
                it++;
                since_best++;
                move_begin(&st);
                long unplaced_before = st.n_unplaced;
                int kind = rng_below(&st, 100);
                bool unplaced = st.n_unplaced > st.n_impossible;
                bool done;
                int lns = -1;
                if (!lns_on && since_best >= idle_limit / 8)
                        lns_on = true; /* stagnating */
                if (unplaced && lns_on && rng_below(&st, 1000) < LNS_PER_MILLE) {
                        double total = 0;
                        for (int k = 0; k < LNS_COUNT; k++)
                                total += lns_weight[k];
                        double x = (double)(rng_next(&st) >> 11) / 9007199254740992.0 * total;
                        for (lns = 0; lns < LNS_COUNT - 1 && x >= lns_weight[lns]; lns++)
                                x -= lns_weight[lns];
                        done = move_ruin_recreate(&st, lns, scratch);
                        kind = 100;
                } else if (unplaced && kind < 30)
                        done = move_insert(&st);
                else if (kind < 60)
                        done = move_relocate(&st);
                else if (kind < 82)
                        done = move_student(&st);
                else if (kind < 92)
                        done = move_swap(&st);
                else
                        done = move_merge(&st);
                if (st.oom) {
                        r = -ENOMEM;
                        goto finish;
                }
                if (!done) {
                        move_rollback(&st);
                        debug_verify(&st, "rollback of a refused move");
                        continue;
                }
                debug_verify(&st, kind < 30 && unplaced ? "insert" : kind < 60 ? "relocate" : kind < 82 ? "student" : kind < 92 ? "swap" : "merge");
                long next = state_cost(&st);
                int slot = (int)(it % LATE_ACCEPTANCE);
                bool accepted = next <= cost || next < history[slot];
                /* A placement outweighs every soft goal: a ruin and recreate that places as
                 * many is taken whatever it does to them, so the search can cross the plateaus
                 * between schedules of one count (the best is still kept by the whole cost). */
                if (lns >= 0 && st.n_unplaced <= unplaced_before)
                        accepted = true;
                if (lns >= 0)
                        lns_weight[lns] = 0.9 * lns_weight[lns] + 0.1 * (next < best_cost ? 10 : accepted ? 1 : 0.05);
                if (accepted) {
                        cost = next;
                } else {
                        move_rollback(&st);
                        debug_verify(&st, kind < 30 && unplaced ? "rollback insert" : kind < 60 ? "rollback relocate" : kind < 82 ? "rollback student" : kind < 92 ? "rollback swap" : "rollback merge");
                }
                if (cost < history[slot])
                        history[slot] = cost;
                if (cost < best_cost && (!hunting || st.n_unplaced < best_unplaced)) {
                        hunting = false; /* a new count: its soft goals settle anew */
                        if (st.n_unplaced < best_unplaced) {
                                best_unplaced = st.n_unplaced;
                                stats.first_complete_seconds = now_seconds() - t0;
                        }
                        best_cost = cost;
                        since_best = 0;
                        fruitless = 0;
                        stats.best_seconds = now_seconds() - t0;
                        SAVE_BEST();
                }
        }
        /* The others' rounds no longer wait for this one; its best is left for the keeper. */
        if (ex && !keeper)
                exchange_leave_with(ex, who, best, nbest, best_unplaced, best_cost);
        /* The keeper's last look, once they have all left: what they found after their last
         * round, walked back like the rest (unless nothing places more than it does). */
        if (keeper && !stats.cancelled && (long)school->n_needs - best_unplaced < bound) {
                int got = exchange_follow(ex, ULONG_MAX, &best, &nbest, &capbest, &best_unplaced);
                if (got == -ECANCELED) {
                        stats.cancelled = true;
                } else if (got < 0) {
                        r = got;
                        goto finish;
                } else if (got > 0) {
                        stats.adopted++;
                        r = keeper_walk_back(&st, best, nbest, true, scratch);
                        if (r < 0)
                                goto finish;
                        best_unplaced = st.n_unplaced;
                        SAVE_BEST();
                }
        }
#undef SAVE_BEST
        stats.iterations = it;
        if (!stats.cancelled)
                KNOW_BOUND((long)school->n_needs - best_unplaced);
#undef KNOW_BOUND
        if (!bound_known)
                stats.bound_proven = best_unplaced <= st.n_impossible;
        /* A pinned group stands with every student it had, beyond max_group or the grade span
         * if need be, which no model of the bound allows: what a schedule places is a bound's
         * floor in any case. */
        if (bound < (long)school->n_needs - best_unplaced)
                bound = (long)school->n_needs - best_unplaced;
        stats.upper_bound = bound;
        stats.all_placed = best_unplaced <= st.n_impossible;
        st.weigh_changed = previous && !options->fresh;
        r = build_schedule(&st, best, nbest, school, previous, ret_schedule);
        if (r >= 0)
                (*ret_schedule)->metrics.upper_bound = bound;
        stats.total_seconds = now_seconds() - t0;
        if (r >= 0 && ret_stats)
                *ret_stats = stats;
finish:
        if (ex && !keeper)
                exchange_leave(ex, who);
        free(history);
        free(scratch);
        free(best);
        free(order);
        free(keys);
        state_free(&st);
        solver_ctx_free(ctx);
        return r;
}

/* ---- the portfolio ---------------------------------------------------------------------- */

struct searcher {
        const volatile int *stop;
        /* Set when this searcher has placed every need that fits: the others stop. */
        volatile int *announce;
        struct exchange *exchange;
        int who;
        struct school *school;
        const struct schedule *previous;
        struct solver_options options;
        bool start_fresh;
        struct schedule *schedule;
        struct solver_stats stats;
        int result;
};

static void *searcher_run(void *data) {
        struct searcher *s = data;
        portfolio_stop = s->stop;
        s->result = solve_one(s->school, s->previous, &s->options, s->start_fresh, s->exchange, s->who, &s->schedule,
                              &s->stats);
        if (s->announce && s->result >= 0 && s->schedule && s->stats.all_placed)
                *s->announce = 1;
        return NULL;
}

static bool better(const struct searcher *a, const struct searcher *b) {
        if (a->schedule->n_unscheduled != b->schedule->n_unscheduled)
                return a->schedule->n_unscheduled < b->schedule->n_unscheduled;
        return a->schedule->metrics.penalty < b->schedule->metrics.penalty;
}

int solver_solve(struct school *school, const struct schedule *previous, const struct solver_options *options,
                 struct schedule **ret_schedule, struct solver_stats *ret_stats) {
        int threads = options->threads;
        if (threads <= 0) {
                long cpus = sysconf(_SC_NPROCESSORS_ONLN);
                threads = cpus > 0 ? (int)(cpus > 64 ? 64 : cpus) : 1;
        }
        /* A placement outweighs keeping the published meetings: a re-solve runs, beside the
         * searcher that keeps the published schedule, the very searchers a fresh solve would
         * run (same seeds, from scratch, handing on their best among themselves only, at full
         * speed: the keeper only follows them, from the CPU they leave idle), so it places at
         * least what a fresh solve of the same data places with the same time. */
        bool resolve = previous && !options->fresh;
        if (threads == 1 && !resolve) {
                int r = solve_one(school, previous, options, false, NULL, 0, ret_schedule, ret_stats);
                if (r >= 0 && ret_stats)
                        ret_stats->threads = 1;
                return r;
        }
        int n = resolve ? threads + 1 : threads;
        struct searcher *s = calloc((size_t)n, sizeof *s);
        pthread_t *tid = calloc((size_t)n, sizeof *tid);
        bool *started = calloc((size_t)n, sizeof *started);
        struct exchange *ex = NULL;
        volatile int stop = 0;
        int r = 0;
        if (!s || !tid || !started || exchange_new(threads, resolve, options->cancel, &stop, &ex) < 0) {
                r = -ENOMEM;
                goto finish;
        }
        /* Searcher k runs with seed + k (on a re-solve: searcher 0, the keeper, with seed and
         * searcher k > 0 from scratch with seed + k - 1, as party k - 1: a fresh solve's
         * searcher k - 1); they share the school (read only), the cancel flag, the bound and,
         * in rounds at fixed counts of their moves, the best schedule (exchange.h), so the
         * result depends on the seed and the thread count only. Searcher 0 stops the others
         * when it places every need that fits. The first party runs on this thread; a keeper
         * runs on its own, which it lowers to idle priority after its head start. */
        int first = resolve ? 1 : 0;
        for (int k = 0; k < n; k++) {
                s[k] = (struct searcher){ .school = school, .previous = previous, .options = *options, .exchange = ex,
                                          .who = k - first, .start_fresh = resolve && k > 0 };
                s[k].options.seed = options->seed + (unsigned)(k - first + (resolve && k == 0));
                s[k].options.threads = 1;
                s[k].stop = k > 0 ? &stop : NULL;
                s[k].announce = k == 0 ? &stop : NULL;
        }
        for (int k = 0; k < n; k++) {
                if (k == first)
                        continue;
                started[k] = pthread_create(&tid[k], NULL, searcher_run, &s[k]) == 0;
                if (!started[k] && k > 0)
                        exchange_leave(ex, k - first); /* nobody waits for a searcher that never ran */
        }
        started[first] = true;
        searcher_run(&s[first]);
        portfolio_stop = NULL;
        for (int k = 0; k < n; k++)
                if (started[k] && k != first)
                        pthread_join(tid[k], NULL);
        /* Searcher 0 placed every need that fits: nobody places more, its schedule is the
         * answer (the others are stopped and not looked at, so timing cannot change it). This
         * keeps re-solves of schools where everything fits as fast as one search. */
        bool zero_wins = s[0].result >= 0 && s[0].schedule && s[0].stats.all_placed;
        int best = -1;
        for (int k = 0; k < n; k++) {
                if (s[k].result < 0 || !s[k].schedule) {
                        if (s[k].result < 0 && started[k])
                                r = s[k].result;
                        continue;
                }
                if (best < 0 || (!zero_wins && better(&s[k], &s[best])))
                        best = k;
        }
        if (best < 0) {
                r = r < 0 ? r : -ENOMEM;
                goto finish;
        }
        r = 0;
        *ret_schedule = s[best].schedule;
        s[best].schedule = NULL;
        if (ret_stats) {
                *ret_stats = s[best].stats;
                ret_stats->threads = threads;
                ret_stats->adopted = 0;
                for (int k = 0; k < n; k++)
                        ret_stats->adopted += s[k].result >= 0 ? s[k].stats.adopted : 0;
                /* The bound is the smallest proven by any searcher (each is valid). */
                for (int k = 0; k < n && !zero_wins; k++)
                        if (s[k].schedule && s[k].stats.upper_bound < ret_stats->upper_bound)
                                ret_stats->upper_bound = s[k].stats.upper_bound;
        }
        for (int k = 0; k < n && !zero_wins; k++)
                if (s[k].schedule && s[k].stats.upper_bound < (*ret_schedule)->metrics.upper_bound)
                        (*ret_schedule)->metrics.upper_bound = s[k].stats.upper_bound;
finish:
        if (s)
                for (int k = 0; k < n; k++)
                        schedule_free(s[k].schedule);
        exchange_free(ex);
        free(s);
        free(tid);
        free(started);
        return r;
}
