/* exchange.c: rounds of best-schedule exchange between the portfolio's searchers (exchange.h
 * says why the rounds keep a solve deterministic). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "solver/exchange.h"

/* How often a waiting searcher looks at the cancel flags. */
#define POLL_NANOSECONDS 20000000L

struct offer {
        struct sgroup *g;
        size_t n, cap;
        long unplaced, cost;
        int who; /* -1: nobody offered yet */
};

struct exchange {
        pthread_mutex_t lock;
        pthread_cond_t changed;
        const volatile int *cancel, *stop;
        int parties, arrived;
        unsigned long round;
        /* Round r's offers go to offers[r % 2]: the other one is still read by the searchers
         * of round r - 1 until each of them arrives at round r. Within a round, one best per
         * scale of cost: [1] counts changed meetings, [0] does not. */
        struct offer offers[2][2];
        bool *left;
};

int exchange_new(int parties, const volatile int *cancel, const volatile int *stop, struct exchange **ret) {
        struct exchange *ex = calloc(1, sizeof *ex);
        if (!ex)
                return -ENOMEM;
        ex->left = calloc((size_t)parties + 1, sizeof *ex->left);
        pthread_condattr_t attr;
        bool attr_ok = pthread_condattr_init(&attr) == 0;
        if (!ex->left || !attr_ok || pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
            pthread_cond_init(&ex->changed, &attr) != 0) {
                if (attr_ok)
                        pthread_condattr_destroy(&attr);
                free(ex->left);
                free(ex);
                return -ENOMEM;
        }
        pthread_condattr_destroy(&attr);
        pthread_mutex_init(&ex->lock, NULL);
        ex->cancel = cancel;
        ex->stop = stop;
        ex->parties = parties;
        for (int k = 0; k < 4; k++)
                ex->offers[k / 2][k % 2].who = -1;
        *ret = ex;
        return 0;
}

void exchange_free(struct exchange *ex) {
        if (!ex)
                return;
        pthread_cond_destroy(&ex->changed);
        pthread_mutex_destroy(&ex->lock);
        for (int k = 0; k < 4; k++)
                free(ex->offers[k / 2][k % 2].g);
        free(ex->left);
        free(ex);
}

static bool offer_better(long unplaced, long cost, int who, const struct offer *o) {
        if (o->who < 0)
                return true;
        if (unplaced != o->unplaced)
                return unplaced < o->unplaced;
        if (cost != o->cost)
                return cost < o->cost;
        return who < o->who;
}

static int copy_groups(struct sgroup **dst, size_t *dst_cap, const struct sgroup *src, size_t n) {
        if (*dst_cap < n) {
                struct sgroup *more = realloc(*dst, n * sizeof *more);
                if (!more)
                        return -ENOMEM;
                *dst = more;
                *dst_cap = n;
        }
        if (n)
                memcpy(*dst, src, n * sizeof **dst);
        return 0;
}

/* With the lock held: every searcher still searching has arrived. */
static void complete_round(struct exchange *ex) {
        ex->round++;
        ex->arrived = 0;
        ex->offers[ex->round % 2][0].who = ex->offers[ex->round % 2][1].who = -1;
        pthread_cond_broadcast(&ex->changed);
}

static bool cancelled(const struct exchange *ex) {
        return (ex->cancel && *ex->cancel) || (ex->stop && *ex->stop);
}

/* With the lock held: waits for a change, or the poll interval. */
static void wait_a_little(struct exchange *ex) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += POLL_NANOSECONDS;
        if (until.tv_nsec >= 1000000000L) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&ex->changed, &ex->lock, &until);
}

static void leave_locked(struct exchange *ex, int who) {
        if (ex->left[who])
                return;
        ex->left[who] = true;
        ex->parties--;
        if (ex->parties > 0 && ex->arrived == ex->parties)
                complete_round(ex);
}

int exchange_meet(struct exchange *ex, int who, bool weighs_changed, struct sgroup **groups, size_t *n, size_t *cap,
                  long *unplaced, long *cost) {
        int r = 0;
        pthread_mutex_lock(&ex->lock);
        unsigned long round = ex->round;
        struct offer *mine = ex->offers[round % 2], *o = &mine[weighs_changed];
        if (offer_better(*unplaced, *cost, who, o)) {
                if (copy_groups(&o->g, &o->cap, *groups, *n) < 0) {
                        /* Nothing offered: the round goes on without this searcher's best. */
                        r = -ENOMEM;
                } else {
                        o->n = *n;
                        o->unplaced = *unplaced;
                        o->cost = *cost;
                        o->who = who;
                }
        }
        ex->arrived++;
        if (ex->arrived == ex->parties)
                complete_round(ex);
        while (ex->round == round) {
                if (cancelled(ex)) {
                        ex->arrived--;
                        leave_locked(ex, who);
                        pthread_mutex_unlock(&ex->lock);
                        return -ECANCELED;
                }
                wait_a_little(ex);
        }
        /* The best of this searcher's own scale when it is better; a searcher that weighs
         * changed meetings also takes the other scale's best when that places more (its cost
         * is then measured again). A searcher that does not weigh them never looks at those
         * that do: the searchers from scratch of a re-solve stay what a fresh solve is. */
        bool same_scale = true;
        const struct offer *pick = o;
        if (pick->who == who || pick->who < 0 ||
            !offer_better(pick->unplaced, pick->cost, pick->who,
                          &(struct offer){ .unplaced = *unplaced, .cost = *cost, .who = who }))
                pick = NULL;
        const struct offer *other = &mine[0];
        if (weighs_changed && other->who >= 0 && other->unplaced < (pick ? pick->unplaced : *unplaced)) {
                pick = other;
                same_scale = false;
        }
        if (r == 0 && pick) {
                r = copy_groups(groups, cap, pick->g, pick->n);
                if (r == 0) {
                        *n = pick->n;
                        *unplaced = pick->unplaced;
                        *cost = pick->cost;
                        r = same_scale ? 1 : 2;
                }
        }
        pthread_mutex_unlock(&ex->lock);
        return r;
}

void exchange_leave(struct exchange *ex, int who) {
        pthread_mutex_lock(&ex->lock);
        leave_locked(ex, who);
        pthread_mutex_unlock(&ex->lock);
}
