/* exchange.h: what the portfolio's searchers share while they run — the best schedule, at
 * fixed points of their work (the bound they share through bound-share.c). Internal to
 * daemon/solver/.
 *
 * Determinism: searchers meet in rounds, each after the same number of its own moves; a round
 * is complete when every searcher still searching has offered its best, and its winner is the
 * best offer by (unplaced, cost, searcher index). What a searcher receives therefore depends on
 * the seed and the thread count, never on which thread ran faster. A searcher that stops leaves
 * at a point of its own work, so the rounds after it are just as fixed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "solver/search.h"

struct exchange;

/* parties: the searchers that will meet; cancel: the solve's cancel flag (may be NULL) and stop,
 * the portfolio's own (may be NULL). Both are polled while a searcher waits. */
int exchange_new(int parties, const volatile int *cancel, const volatile int *stop, struct exchange **ret);
void exchange_free(struct exchange *ex);

/* Searcher who offers its best schedule (groups, unplaced, cost) and waits for the round's
 * other offers. weighs_changed: its cost counts the meetings changed from the published
 * version (a re-solve's searcher that keeps it). Costs of the two scales are not comparable:
 * a searcher takes the best of its own scale when it is better by (unplaced, cost), and one
 * that weighs changes also the other scale's best when that places more; one that does not
 * never looks at those that do, so the searchers from scratch of a re-solve are exactly a
 * fresh solve's. Returns 1 with *groups, *n (reallocated within *cap), *unplaced and *cost
 * replaced by the better schedule (2 when its cost was on the other scale: measure *cost
 * again), 0 when its own stands, -ECANCELED when the solve was cancelled while waiting (the
 * searcher has left), -ENOMEM. */
int exchange_meet(struct exchange *ex, int who, bool weighs_changed, struct sgroup **groups, size_t *n, size_t *cap,
                  long *unplaced, long *cost);

/* The searcher stops searching: the rounds no longer wait for it. Idempotent per searcher. */
void exchange_leave(struct exchange *ex, int who);
