/* place.c: where a group can meet — the feasible starts of needs with an interventionist — and
 * the construction heuristic that seats a need in the group or new group that costs least. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "solver/search.h"

/* A new group spends an interventionist's time: joining one that exists is preferred. */
#define NEW_GROUP_COST 400
/* Bonus per unplaced student who could join a new group at the same time. */
#define PARTNER_BONUS 250

/* ---- feasibility ------------------------------------------------------------------------ */

bool need_free_at(const struct state *st, int need, const struct meeting *m) {
        int a = ctx_slot_floor(st->ctx, m->start), b = ctx_slot_ceil(st->ctx, m->end);
        return daybits_all(&st->ctx->need_free[need].d[m->day], a, b) &&
               !daybits_any(&st->stu_busy[need_of(st, need)->student].d[m->day], a, b);
}

bool need_fits_group(const struct state *st, int need, const struct sgroup *g) {
        const struct need *n = need_of(st, need);
        if (g->pinned || n->program != g->program || n->sessions_per_week != g->sessions || n->minutes != g->minutes)
                return false;
        if (n->staff >= 0 && n->staff != g->staff)
                return false;
        if (g->n >= st->max_group[g->program])
                return false;
        int grade = grade_of(st, need), span = st->school->programs[g->program].max_grade_span;
        for (int i = 0; i < g->n; i++) {
                int d = grade_of(st, g->needs[i]) - grade;
                if (d > span || -d > span)
                        return false;
        }
        for (int k = 0; k < g->nm; k++)
                if (!need_free_at(st, need, &g->m[k]))
                        return false;
        return true;
}

bool staff_fits(const struct state *st, int staff, const struct meeting *m, int nm) {
        const struct staff *s = &st->school->staff[staff];
        for (int k = 0; k < nm; k++) {
                int a = ctx_slot_floor(st->ctx, m[k].start), b = ctx_slot_ceil(st->ctx, m[k].end);
                if (!daybits_all(&st->ctx->staff_avail[staff].d[m[k].day], a, b))
                        return false;
                if (daybits_any(&st->staff_busy[staff].d[m[k].day], a, staff_tail_end(st, &m[k])))
                        return false;
                if (s->max_sessions_per_day > 0 && st->staff_count[staff * DAY_COUNT + m[k].day] >= s->max_sessions_per_day)
                        return false;
        }
        return true;
}

/* Starts (bit a of out[d]) where all of needs and staff can meet for minutes on day d. A
 * start is feasible when every slot of the meeting is free for all of them, so the
 * interventionist's part can be worked out, and cached, on its own (staff_starts). */
static void feasible_starts(struct state *st, const int *needs, int n, int staff, int minutes, bool ignore_staff_load,
                            struct daybits out[DAY_COUNT]) {
        int len = slots_len(minutes);
        struct daybits scratch[DAY_COUNT];
        const struct daybits *theirs = ignore_staff_load ? NULL : staff_starts(st, staff, minutes, scratch);
        for (int d = 0; d < DAY_COUNT; d++) {
                struct daybits x = st->ctx->staff_avail[staff].d[d];
                for (int i = 0; i < n; i++) {
                        daybits_and(&x, &x, &st->ctx->need_free[needs[i]].d[d]);
                        daybits_andnot(&x, &x, &st->stu_busy[need_of(st, needs[i])->student].d[d]);
                }
                daybits_window_n(&out[d], &x, len, st->ctx->nwords);
                if (theirs)
                        daybits_and(&out[d], &out[d], &theirs[d]);
        }
}

static int start_days(const struct daybits f[DAY_COUNT], int a) {
        int days = 0;
        for (int d = 0; d < DAY_COUNT; d++)
                if (daybits_test(&f[d], a))
                        days |= 1 << d;
        return days;
}

void set_placement(const struct state *st, struct sgroup *g, int days, int slot) {
        int start = ctx_slot_minute(st->ctx, slot);
        g->nm = 0;
        for (int d = 0; d < DAY_COUNT; d++)
                if (days & (1 << d))
                        g->m[g->nm++] = (struct meeting){ .day = d, .start = start, .end = start + g->minutes };
}

/* A random pattern of k days inside mask, preferring spread days for 2-3 sessions. */
static int random_pattern(struct state *st, int mask, int k) {
        int options[32], n = 0;
        for (int i = 0; i < st->n_patterns[k]; i++)
                if ((st->patterns[k][i] & mask) == st->patterns[k][i])
                        options[n++] = st->patterns[k][i];
        return n ? options[rng_below(st, n)] : 0;
}

/* A random feasible (days, start) for these needs with staff; false when none. */
bool random_placement(struct state *st, const int *needs, int n, int staff, int sessions, int minutes,
                             bool ignore_staff_load, int *ret_days, int *ret_slot) {
        struct daybits f[DAY_COUNT];
        feasible_starts(st, needs, n, staff, minutes, ignore_staff_load, f);
        int cands[SLOTS_MAX], nc = 0;
        for (int a = 0; a < st->ctx->nslots; a++)
                if (dayset_bits((int)start_days(f, a)) >= sessions)
                        cands[nc++] = a;
        if (nc == 0)
                return false;
        int a = cands[rng_below(st, nc)];
        *ret_days = random_pattern(st, start_days(f, a), sessions);
        *ret_slot = a;
        return *ret_days != 0;
}

const int *staff_for(const struct state *st, int need, int *one) {
        const struct need *n = need_of(st, need);
        if (n->staff >= 0) {
                one[0] = staff_can_teach(st->school, n->staff, n->program) ? n->staff : -1;
                one[1] = -1;
                return one;
        }
        return st->ctx->program_staff[n->program];
}

/* ---- construction ----------------------------------------------------------------------- */

static long patterns_b2b(int days, int k) {
        if (k < 2 || k > 3)
                return 0;
        return dayset_bits((int)(days & (days >> 1)));
}

/* A new group of need alone, taught by staff on days at slot. Its index, or -1 (out of memory). */
int seat_alone(struct state *st, int need, int staff, int days, int slot) {
        const struct need *u = need_of(st, need);
        int gi = group_new(st, u->program, u->sessions_per_week, u->minutes);
        if (gi < 0)
                return -1;
        struct sgroup *g = &st->g[gi];
        g->staff = staff;
        g->alive = true;
        g->needs[g->n++] = need;
        set_placement(st, g, days, slot);
        state_attach(st, gi);
        return gi;
}

/* Bit a of the result: start a of word w is feasible on at least k of the days of f. The
 * days are added up bit-sliced (c0 + 2 c1 + 4 c2, at most 5), a word at a time. */
static uint64_t on_k_days(const struct daybits f[DAY_COUNT], int k, int w) {
        uint64_t c0 = 0, c1 = 0, c2 = 0;
        for (int d = 0; d < DAY_COUNT; d++) {
                uint64_t x = f[d].w[w], carry = c0 & x;
                c0 ^= x;
                c2 |= c1 & carry;
                c1 ^= carry;
        }
        switch (k) {
        case 1:
                return c0 | c1 | c2;
        case 2:
                return c1 | c2;
        case 3:
                return c2 | (c1 & c0);
        case 4:
                return c2;
        default:
                return c2 & c0;
        }
}

static uint64_t day_words_mask(int w, int nslots) {
        return nslots - w * 64 >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << (nslots - w * 64)) - 1;
}

static bool starts_on_k_days(const struct daybits f[DAY_COUNT], int k, int nslots) {
        for (int w = 0; w * 64 < nslots; w++)
                if (on_k_days(f, k, w) & day_words_mask(w, nslots))
                        return true;
        return false;
}

/* Whether need could start a new group with any of staff_list (staff_for's) at all. An
 * interventionist found impossible is remembered with the versions of their time and the
 * student's: until either changes, the answer stands (a recreate on an overloaded school
 * tries every unplaced need, and most fail the same way each time). */
static bool new_group_possible(struct state *st, int need, const int *staff_list) {
        const struct need *u = need_of(st, need);
        if (u->sessions_per_week < 1 || u->sessions_per_week > DAY_COUNT)
                return false;
        struct memo *m = &st->memo;
        uint64_t *known = &m->alone_none[m->alone_at[need]], stu = m->stu_ver[u->student];
        for (const int *s = staff_list; *s >= 0; s++, known++) {
                uint64_t now = m->staff_ver[*s] + stu;
                if (*known == now)
                        continue;
                struct daybits f[DAY_COUNT];
                alone_starts(st, need, *s, f);
                if (starts_on_k_days(f, u->sessions_per_week, st->ctx->nslots))
                        return true;
                *known = now;
        }
        return false;
}

static int find_partners(const struct state *st, int need, int *out, int max);

/* The best new group for need: scored by its own soft cost, the students who could join it
 * later (partners) and the interventionist's load. Applies it; false when none exists. */
static bool place_new_group(struct state *st, int need) {
        const struct need *u = need_of(st, need);
        int one[2];
        const int *staff_list = staff_for(st, need, one);
        /* Most unplaced needs of an overloaded school fit no interventionist's free time: found
         * out before their partners' windows are worked out (on the 2,000-student overloaded
         * school those windows were a third of the search's time). */
        if (!new_group_possible(st, need, staff_list))
                return false;
        int k = u->sessions_per_week, t = teacher_of(st, need);
        int maxg = st->max_group[u->program];
        int partners[GROUP_CAP * 2];
        int n_partners = find_partners(st, need, partners, GROUP_CAP * 2);
        const struct daybits *pw[GROUP_CAP * 2];
        for (int p = 0; p < n_partners; p++)
                pw[p] = need_starts(st, partners[p]); /* same length as need's */
        long best = 0;
        int best_staff = -1, best_days = 0, best_slot = 0;
        for (const int *s = staff_list; *s >= 0; s++) {
                struct daybits f[DAY_COUNT];
                alone_starts(st, need, *s, f);
                for (int a = 0; a < st->ctx->nslots; a++) {
                        if (!(a & 63) && !(on_k_days(f, k, a >> 6) & day_words_mask(a >> 6, st->ctx->nslots))) {
                                a += 63; /* no start of this word is on k days */
                                continue;
                        }
                        int mask = start_days(f, a);
                        if (dayset_bits((int)mask) < k)
                                continue;
                        int start = ctx_slot_minute(st->ctx, a);
                        long day_cost[DAY_COUNT];
                        for (int d = 0; d < DAY_COUNT; d++) {
                                if (!(mask & (1 << d)))
                                        continue;
                                uint16_t *mo = state_moment(st, t, d, start);
                                day_cost[d] = (long)st->w->avoid_minute * ctx_avoid_minutes(st->ctx, t, d, start, start + u->minutes) -
                                              (long)st->w->preferred_minute * ctx_preferred_minutes(st->ctx, t, d, start, start + u->minutes) +
                                              (mo && *mo ? 0 : st->w->interruption);
                        }
                        for (int i = 0; i < st->n_patterns[k]; i++) {
                                int days = st->patterns[k][i];
                                if ((days & mask) != days)
                                        continue;
                                long cost = (long)st->w->back_to_back * patterns_b2b(days, k) + 3 * st->staff_load[*s];
                                for (int d = 0; d < DAY_COUNT; d++)
                                        if (days & (1 << d))
                                                cost += day_cost[d];
                                int pot = 0;
                                for (int p = 0; p < n_partners && pot < maxg - 1; p++) {
                                        bool ok = true;
                                        for (int d = 0; d < DAY_COUNT && ok; d++)
                                                if (days & (1 << d))
                                                        ok = daybits_test(&pw[p][d], a);
                                        pot += ok;
                                }
                                cost -= (long)PARTNER_BONUS * pot;
                                if (best_staff < 0 || cost < best) {
                                        best = cost;
                                        best_staff = *s;
                                        best_days = days;
                                        best_slot = a;
                                }
                        }
                }
        }
        if (best_staff < 0)
                return false;
        return seat_alone(st, need, best_staff, best_days, best_slot) >= 0;
}

/* Unplaced needs that could share a group with need (same program, length, sessions, grades). */
static int find_partners(const struct state *st, int need, int *out, int max) {
        const struct need *u = need_of(st, need);
        int n = 0, span = st->school->programs[u->program].max_grade_span, grade = grade_of(st, need);
        for (size_t i = 0; i < st->school->n_needs && n < max; i++) {
                const struct need *v = need_of(st, (int)i);
                if ((int)i == need || st->need_group[i] >= 0 || st->impossible[i] || v->program != u->program ||
                    v->sessions_per_week != u->sessions_per_week || v->minutes != u->minutes)
                        continue;
                if ((u->staff >= 0 && v->staff >= 0 && u->staff != v->staff) || abs(grade_of(st, (int)i) - grade) > span ||
                    v->student == u->student)
                        continue;
                out[n++] = (int)i;
        }
        return n;
}

/* Tries need in group gi: its cost change becomes the best when it is lower (on a tie, the
 * lower index wins, so the order of the tries does not matter). */
static void try_join(struct state *st, int need, int gi, long before, long *best, int *best_g) {
        struct sgroup *g = &st->g[gi];
        if ((size_t)gi >= st->ng || !g->alive || !need_fits_group(st, need, g))
                return;
        struct memo_mark mark;
        memo_mark(st, gi, need, &mark);
        struct savepoint sp = state_savepoint(st);
        group_open(st, gi);
        g->needs[g->n++] = need;
        group_close(st, gi);
        long delta = state_cost(st) - before;
        state_rollback_to(st, sp);
        memo_restore(st, &mark); /* the try changed nothing */
        if (*best_g < 0 || delta < *best || (delta == *best && gi < *best_g)) {
                *best = delta;
                *best_g = gi;
        }
}

/* Places need where it costs least: into an existing group, or a new one. */
bool best_insert(struct state *st, int need) {
        if (memo_fails_again(st, need))
                return false;
        long before = state_cost(st), best = 0;
        int best_g = -1, since[256];
        /* When no group could take it last time, only those attached since might. */
        int n = memo_join_candidates(st, need, since);
        size_t words = 0;
        const uint64_t *bits = n < 0 ? memo_join_bits(st, need, &words) : NULL;
        /* Every group of its key, in index order (a try re-attaches the group it tries, which
         * sets the same bit again: the word is read before). */
        for (size_t w = 0; bits && w < words; w++)
                for (uint64_t x = bits[w]; x; x &= x - 1)
                        try_join(st, need, (int)(w * 64 + (size_t)__builtin_ctzll(x)), before, &best, &best_g);
        for (int i = 0; i < n; i++)
                try_join(st, need, since[i], before, &best, &best_g);
        if (best_g < 0)
                memo_join_none(st, need); /* no try ran: nothing has changed since the scan */
        /* Joining costs no interventionist time: take it unless a new group is far better. */
        if (best_g >= 0 && best + UNPLACED_COST < NEW_GROUP_COST) {
                group_open(st, best_g);
                st->g[best_g].needs[st->g[best_g].n++] = need;
                group_close(st, best_g);
                return true;
        }
        if (place_new_group(st, need))
                return true;
        if (best_g >= 0) {
                group_open(st, best_g);
                st->g[best_g].needs[st->g[best_g].n++] = need;
                group_close(st, best_g);
                return true;
        }
        memo_failed(st, need);
        return false;
}

/* How many (days, start) placements need has at all, with any trained interventionist's
 * availability and ignoring everybody else: the hardness of a need. */
long need_windows(const struct state *st, int need) {
        const struct need *u = need_of(st, need);
        int one[2];
        const int *list = staff_for(st, need, one);
        int len = slots_len(u->minutes);
        struct daybits any[DAY_COUNT];
        memset(any, 0, sizeof any);
        for (const int *s = list; *s >= 0; s++)
                for (int d = 0; d < DAY_COUNT; d++) {
                        struct daybits x;
                        daybits_and(&x, &st->ctx->need_free[need].d[d], &st->ctx->staff_avail[*s].d[d]);
                        daybits_window_n(&x, &x, len, st->ctx->nwords);
                        for (int w = 0; w < SLOT_WORDS; w++)
                                any[d].w[w] |= x.w[w];
                }
        static const int choose[6][6] = { { 1 }, { 1, 1 }, { 1, 2, 1 }, { 1, 3, 3, 1 }, { 1, 4, 6, 4, 1 }, { 1, 5, 10, 10, 5, 1 } };
        long total = 0;
        for (int a = 0; a < st->ctx->nslots; a++) {
                int days = dayset_bits((int)start_days(any, a));
                if (days >= u->sessions_per_week)
                        total += choose[days][u->sessions_per_week];
        }
        return total;
}
