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

/* A round whose winner placed more than every round before it, kept for the keeper. */
struct milestone {
        unsigned long round;
        struct offer best;
};

struct exchange {
        pthread_mutex_t lock;
        pthread_cond_t changed;
        const volatile int *cancel, *stop;
        int parties, arrived, n_finals;
        unsigned long round;
        /* Round r's offers go to offers[r % 2]: the other one is still read by the searchers
         * of round r - 1 until each of them arrives at round r. */
        struct offer offers[2];
        bool *left;
        /* Each party's best when it left (who -1: it left without one); read by the keeper
         * only once every party has left before the round it waits for. */
        struct offer *finals;
        /* Kept only when followed, oldest first; those before the last one the keeper read
         * are freed as it reads on. */
        bool followed;
        struct milestone *milestones;
        size_t n_milestones, cap_milestones;
};

int exchange_new(int parties, bool followed, const volatile int *cancel, const volatile int *stop,
                 struct exchange **ret) {
        struct exchange *ex = calloc(1, sizeof *ex);
        if (!ex)
                return -ENOMEM;
        ex->left = calloc((size_t)parties + 1, sizeof *ex->left);
        ex->finals = calloc((size_t)parties + 1, sizeof *ex->finals);
        for (int i = 0; ex->finals && i < parties; i++)
                ex->finals[i].who = -1;
        pthread_condattr_t attr;
        bool attr_ok = pthread_condattr_init(&attr) == 0;
        if (!ex->left || !ex->finals || !attr_ok || pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0 ||
            pthread_cond_init(&ex->changed, &attr) != 0) {
                if (attr_ok)
                        pthread_condattr_destroy(&attr);
                free(ex->left);
                free(ex->finals);
                free(ex);
                return -ENOMEM;
        }
        pthread_condattr_destroy(&attr);
        pthread_mutex_init(&ex->lock, NULL);
        ex->cancel = cancel;
        ex->stop = stop;
        ex->parties = parties;
        ex->n_finals = parties;
        ex->followed = followed;
        ex->offers[0].who = ex->offers[1].who = -1;
        *ret = ex;
        return 0;
}

void exchange_free(struct exchange *ex) {
        if (!ex)
                return;
        pthread_cond_destroy(&ex->changed);
        pthread_mutex_destroy(&ex->lock);
        free(ex->offers[0].g);
        free(ex->offers[1].g);
        for (size_t i = 0; i < ex->n_milestones; i++)
                free(ex->milestones[i].best.g);
        free(ex->milestones);
        for (int i = 0; ex->finals && i < ex->n_finals; i++)
                free(ex->finals[i].g);
        free(ex->finals);
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

/* With the lock held: the winner of the round being completed, when it places more than
 * every round before it, is kept for the keeper. Without memory it is not, and the keeper
 * reads an older one: the schedule is still valid. */
static void keep_milestone(struct exchange *ex) {
        const struct offer *won = &ex->offers[ex->round % 2];
        if (!ex->followed || won->who < 0 ||
            (ex->n_milestones > 0 && won->unplaced >= ex->milestones[ex->n_milestones - 1].best.unplaced))
                return;
        if (ex->n_milestones == ex->cap_milestones) {
                size_t cap = ex->cap_milestones ? 2 * ex->cap_milestones : 8;
                struct milestone *more = realloc(ex->milestones, cap * sizeof *more);
                if (!more)
                        return;
                ex->milestones = more;
                ex->cap_milestones = cap;
        }
        struct milestone *m = &ex->milestones[ex->n_milestones];
        *m = (struct milestone){ .round = ex->round, .best = *won };
        m->best.g = NULL;
        m->best.cap = 0;
        if (copy_groups(&m->best.g, &m->best.cap, won->g, won->n) < 0)
                return;
        ex->n_milestones++;
}

/* With the lock held: every searcher still searching has arrived. */
static void complete_round(struct exchange *ex) {
        keep_milestone(ex);
        ex->round++;
        ex->arrived = 0;
        ex->offers[ex->round % 2].who = -1;
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
        pthread_cond_broadcast(&ex->changed); /* a keeper waits for the last to leave */
}

int exchange_meet(struct exchange *ex, int who, struct sgroup **groups, size_t *n, size_t *cap, long *unplaced,
                  long *cost) {
        int r = 0;
        pthread_mutex_lock(&ex->lock);
        unsigned long round = ex->round;
        struct offer *o = &ex->offers[round % 2];
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
        if (r == 0 && o->who >= 0 && o->who != who &&
            offer_better(o->unplaced, o->cost, o->who,
                         &(struct offer){ .unplaced = *unplaced, .cost = *cost, .who = who })) {
                r = copy_groups(groups, cap, o->g, o->n);
                if (r == 0) {
                        *n = o->n;
                        *unplaced = o->unplaced;
                        *cost = o->cost;
                        r = 1;
                }
        }
        pthread_mutex_unlock(&ex->lock);
        return r;
}

int exchange_follow(struct exchange *ex, unsigned long round, struct sgroup **groups, size_t *n, size_t *cap,
                    long *unplaced) {
        pthread_mutex_lock(&ex->lock);
        while (ex->round <= round && ex->parties > 0) {
                if (cancelled(ex)) {
                        pthread_mutex_unlock(&ex->lock);
                        return -ECANCELED;
                }
                wait_a_little(ex);
        }
        /* Every party left before this round: what they found after their last round counts
         * too, and which of them is best does not depend on timing either. */
        bool finals = ex->round <= round;
        /* The last round up to this one that placed more than those before it. */
        size_t i = ex->n_milestones;
        while (i > 0 && ex->milestones[i - 1].round > round)
                i--;
        int r = 0;
        if (i > 0) {
                const struct offer *best = &ex->milestones[i - 1].best;
                if (best->unplaced < *unplaced) {
                        r = copy_groups(groups, cap, best->g, best->n);
                        if (r == 0) {
                                *n = best->n;
                                *unplaced = best->unplaced;
                                r = 1;
                        }
                }
                /* The keeper reads on from here: those before it are never read again. */
                for (size_t k = 0; k + 1 < i; k++)
                        free(ex->milestones[k].best.g);
                memmove(ex->milestones, ex->milestones + (i - 1), (ex->n_milestones - (i - 1)) * sizeof *ex->milestones);
                ex->n_milestones -= i - 1;
        }
        const struct offer *won = NULL;
        for (int k = 0; finals && r >= 0 && k < ex->n_finals; k++) {
                const struct offer *f = &ex->finals[k];
                if (f->who >= 0 && f->unplaced < *unplaced && (!won || offer_better(f->unplaced, f->cost, f->who, won)))
                        won = f;
        }
        if (won) {
                r = copy_groups(groups, cap, won->g, won->n);
                if (r == 0) {
                        *n = won->n;
                        *unplaced = won->unplaced;
                        r = 1;
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

void exchange_leave_with(struct exchange *ex, int who, const struct sgroup *groups, size_t n, long unplaced,
                         long cost) {
        pthread_mutex_lock(&ex->lock);
        struct offer *f = &ex->finals[who];
        if (ex->followed && !ex->left[who] && copy_groups(&f->g, &f->cap, groups, n) == 0)
                *f = (struct offer){ .g = f->g, .cap = f->cap, .n = n, .unplaced = unplaced, .cost = cost, .who = who };
        leave_locked(ex, who);
        pthread_mutex_unlock(&ex->lock);
}
