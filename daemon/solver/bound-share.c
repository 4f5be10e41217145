/* bound-share.c: the portfolio's searchers (solve.c, one per CPU) each ask for the upper bound
 * of the same data when they settle short of every need. Solved once per data: a second
 * searcher asking while the first solves waits for its answer instead of running the same LPs
 * beside it on the same cores (which halved the time each got, and left the group model of a
 * 150-student school unsettled). The data is recognised by a hash of everything the models
 * read, so another school, a what-if or changed busy spans are solved afresh. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "solver/solver-internal.h"

static pthread_mutex_t share_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
        bool valid, proven;
        uint64_t key;
        double max_seconds;
        long bound;
} last;

static uint64_t mix(uint64_t h, const void *p, size_t n) {
        const unsigned char *b = p;
        for (size_t i = 0; i < n; i++) {
                h ^= b[i];
                h *= 0x100000001b3ull; /* FNV-1a */
        }
        return h;
}

#define MIX(h, v) mix((h), &(v), sizeof(v))

/* Everything bound.c and bound-group.c read of ctx and its school. */
static uint64_t data_key(const struct solver_ctx *ctx) {
        const struct school *s = ctx->school;
        uint64_t h = 0xcbf29ce484222325ull;
        h = MIX(h, ctx->span);
        h = MIX(h, ctx->nslots);
        h = MIX(h, ctx->nwords);
        h = MIX(h, ctx->transition);
        h = MIX(h, s->n_needs);
        h = MIX(h, s->n_students);
        h = MIX(h, s->n_staff);
        h = MIX(h, s->n_programs);
        for (size_t i = 0; i < s->n_needs; i++) {
                const struct need *n = &s->needs[i];
                int grade = n->student >= 0 && (size_t)n->student < s->n_students ? s->students[n->student].grade : -1;
                h = MIX(h, n->student);
                h = MIX(h, n->program);
                h = MIX(h, n->minutes);
                h = MIX(h, n->sessions_per_week);
                h = MIX(h, n->staff);
                h = MIX(h, grade);
                h = mix(h, &ctx->need_free[i], sizeof ctx->need_free[i]);
        }
        for (size_t p = 0; p < s->n_programs; p++) {
                h = MIX(h, s->programs[p].max_group);
                h = MIX(h, s->programs[p].max_grade_span);
                for (const int *st = ctx->program_staff[p]; *st >= 0; st++)
                        h = MIX(h, *st);
                int end = -1;
                h = MIX(h, end);
        }
        for (size_t st = 0; st < s->n_staff; st++) {
                h = MIX(h, s->staff[st].max_sessions_per_day);
                h = mix(h, &ctx->staff_avail[st], sizeof ctx->staff_avail[st]);
        }
        return h;
}

/* With share_lock held: an answer found with no less time than this call allows is as good as
 * a new one. */
static bool answer_known(uint64_t key, double max_seconds, long *ret_bound, bool *ret_proven) {
        if (!last.valid || last.key != key ||
            !(last.max_seconds <= 0 || (max_seconds > 0 && max_seconds <= last.max_seconds * 1.01)))
                return false;
        *ret_bound = last.bound;
        if (ret_proven)
                *ret_proven = last.proven;
        return true;
}

bool bound_peek(const struct solver_ctx *ctx, double max_seconds, long *ret_bound, bool *ret_proven) {
        uint64_t key = data_key(ctx);
        /* Busy: another searcher is solving the models now, and a peek never waits for it. */
        if (pthread_mutex_trylock(&share_lock) != 0)
                return false;
        bool known = answer_known(key, max_seconds, ret_bound, ret_proven);
        pthread_mutex_unlock(&share_lock);
        return known;
}

int bound_compute(const struct solver_ctx *ctx, double max_seconds, long known, long *ret_bound, bool *ret_proven) {
        uint64_t key = data_key(ctx);
        pthread_mutex_lock(&share_lock);
        if (answer_known(key, max_seconds, ret_bound, ret_proven)) {
                pthread_mutex_unlock(&share_lock);
                return 0;
        }
        bool proven = false;
        int r = bound_compute_models(ctx, max_seconds, known, ret_bound, &proven);
        if (r == 0) {
                last.valid = true;
                last.key = key;
                last.max_seconds = max_seconds;
                last.bound = *ret_bound;
                last.proven = proven;
        }
        pthread_mutex_unlock(&share_lock);
        if (ret_proven)
                *ret_proven = proven;
        return r;
}

void solver_forget_bound(void) {
        pthread_mutex_lock(&share_lock);
        last.valid = false;
        pthread_mutex_unlock(&share_lock);
}
