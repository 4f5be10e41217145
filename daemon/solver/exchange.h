/* exchange.h: what the portfolio's searchers share while they run — the best schedule, at
 * fixed points of their work (the bound they share through bound-share.c). Internal to
 * daemon/solver/.
 *
 * Determinism: searchers meet in rounds, each after the same number of its own moves; a round
 * is complete when every searcher still searching has offered its best, and its winner is the
 * best offer by (unplaced, cost, searcher index). What a searcher receives therefore depends on
 * the seed and the thread count, never on which thread ran faster. A searcher that stops leaves
 * at a point of its own work, so the rounds after it are just as fixed.
 *
 * A re-solve's keeper (the searcher that keeps the published schedule) is no party to the
 * rounds: it follows them. Nobody waits for it, so it can run on the CPU the others leave idle
 * and the searchers from scratch search exactly as a fresh solve's do, at a fresh solve's
 * speed. At its own fixed points it reads a fixed round's result, waiting for that round if it
 * is ahead; the rounds' winners that placed more than any before are kept until it has read
 * past them, so a keeper that lags reads what it would have read on time. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "solver/search.h"

struct exchange;

/* parties: the searchers that will meet; followed: a keeper will follow the rounds; cancel: the
 * solve's cancel flag (may be NULL) and stop, the portfolio's own (may be NULL). Both are
 * polled while a searcher waits. */
int exchange_new(int parties, bool followed, const volatile int *cancel, const volatile int *stop,
                 struct exchange **ret);
void exchange_free(struct exchange *ex);

/* Searcher who offers its best schedule (groups, unplaced, cost) and waits for the round's
 * other offers. Returns 1 with *groups, *n (reallocated within *cap), *unplaced and *cost
 * replaced by the round's winner when that is better, 0 when its own stands, -ECANCELED when
 * the solve was cancelled while waiting (the searcher has left), -ENOMEM. */
int exchange_meet(struct exchange *ex, int who, struct sgroup **groups, size_t *n, size_t *cap, long *unplaced,
                  long *cost);

/* The keeper at its fixed point for round: once that round is complete (or every party has
 * left), takes the best that the rounds up to it found when it places more than *unplaced;
 * when every party left before that round, their best when they left counts too (round
 * ULONG_MAX: the keeper's last look, once all have left).
 * Returns 1 with *groups, *n, *cap and *unplaced replaced (its cost is on the parties' scale,
 * without changed meetings: measure it again), 0 when nothing placed more, -ECANCELED,
 * -ENOMEM. */
int exchange_follow(struct exchange *ex, unsigned long round, struct sgroup **groups, size_t *n, size_t *cap,
                    long *unplaced);

/* The searcher stops searching: the rounds no longer wait for it. Idempotent per searcher. */
void exchange_leave(struct exchange *ex, int who);
/* The same, leaving its best schedule for the keeper (kept only when followed; without memory
 * it is not, and the keeper does without it). */
void exchange_leave_with(struct exchange *ex, int who, const struct sgroup *groups, size_t n, long unplaced,
                         long cost);
