/* moves.c: the local search's moves. Each changes a few groups through the journal, so the
 * driver can weigh the result and take it back. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "solver/search.h"

/* ---- moves ------------------------------------------------------------------------------ */

static int random_movable_group(struct state *st) {
        for (int tries = 0; tries < 16 && st->ng > 0; tries++) {
                int gi = rng_below(st, (int)st->ng);
                if (st->g[gi].alive && !st->g[gi].pinned)
                        return gi;
        }
        return -1;
}

static int random_need(struct state *st, bool placed) {
        int n = (int)st->school->n_needs;
        for (int tries = 0; tries < 32 && n > 0; tries++) {
                int i = rng_below(st, n);
                if (st->impossible[i])
                        continue;
                int gi = st->need_group[i];
                if (placed ? (gi >= 0 && !st->g[gi].pinned) : gi < 0)
                        return i;
        }
        return -1;
}

/* Shift a group to other days, another time, maybe another interventionist. */
bool move_relocate(struct state *st) {
        int gi = random_movable_group(st);
        if (gi < 0)
                return false;
        group_open(st, gi);
        struct sgroup *g = &st->g[gi];
        int staff = g->staff;
        bool pinned_staff = false;
        for (int i = 0; i < g->n; i++)
                pinned_staff |= need_of(st, g->needs[i])->staff >= 0;
        if (!pinned_staff && rng_below(st, 4) == 0) {
                const int *list = st->ctx->program_staff[g->program];
                int n = 0;
                while (list[n] >= 0)
                        n++;
                if (n > 0)
                        staff = list[rng_below(st, n)];
        }
        int days, slot;
        if (!random_placement(st, g->needs, g->n, staff, g->sessions, g->minutes, false, &days, &slot)) {
                group_close(st, gi);
                return true;
        }
        g->staff = staff;
        set_placement(st, g, days, slot);
        group_close(st, gi);
        return true;
}

/* Move one student to another group of the same kind, or out into a new group. */
bool move_student(struct state *st) {
        int need = random_need(st, true);
        if (need < 0)
                return false;
        int from = st->need_group[need];
        group_open(st, from);
        struct sgroup *g = &st->g[from];
        for (int i = 0; i < g->n; i++)
                if (g->needs[i] == need) {
                        g->needs[i] = g->needs[--g->n];
                        break;
                }
        group_close(st, from);
        if (rng_below(st, 5) == 0) {
                int one[2];
                const int *list = staff_for(st, need, one);
                int n = 0;
                while (list[n] >= 0)
                        n++;
                if (n == 0)
                        return true;
                int staff = list[rng_below(st, n)], days, slot;
                const struct need *u = need_of(st, need);
                if (!random_placement(st, &need, 1, staff, u->sessions_per_week, u->minutes, false, &days, &slot))
                        return true;
                seat_alone(st, need, staff, days, slot);
                return true;
        }
        int cands[64], nc = 0;
        for (size_t gi = 0; gi < st->ng && nc < 64; gi++)
                if ((int)gi != from && st->g[gi].alive && need_fits_group(st, need, &st->g[gi]))
                        cands[nc++] = (int)gi;
        if (nc == 0)
                return true; /* the need stays out: the cost says whether that is acceptable */
        int to = cands[rng_below(st, nc)];
        group_open(st, to);
        st->g[to].needs[st->g[to].n++] = need;
        group_close(st, to);
        return true;
}

bool move_swap(struct state *st) {
        int a = random_need(st, true);
        if (a < 0)
                return false;
        int ga = st->need_group[a];
        int cands[64], nc = 0;
        const struct need *u = need_of(st, a);
        for (size_t i = 0; i < st->school->n_needs && nc < 64; i++) {
                int gb = st->need_group[i];
                if (gb < 0 || gb == ga || st->g[gb].pinned)
                        continue;
                const struct need *v = need_of(st, (int)i);
                if (v->program == u->program && v->minutes == u->minutes && v->sessions_per_week == u->sessions_per_week)
                        cands[nc++] = (int)i;
        }
        if (nc == 0)
                return false;
        int b = cands[rng_below(st, nc)], gb = st->need_group[b];
        group_open(st, ga);
        group_open(st, gb);
        struct sgroup *A = &st->g[ga], *B = &st->g[gb];
        for (int i = 0; i < A->n; i++)
                if (A->needs[i] == a)
                        A->needs[i] = A->needs[--A->n];
        for (int i = 0; i < B->n; i++)
                if (B->needs[i] == b)
                        B->needs[i] = B->needs[--B->n];
        bool ok = need_fits_group(st, a, B);
        if (ok)
                B->needs[B->n++] = a;
        ok = ok && need_fits_group(st, b, A);
        if (ok)
                A->needs[A->n++] = b;
        group_close(st, ga);
        group_close(st, gb);
        return ok; /* on false the caller rolls the move back */
        return true;
}

/* Merge two groups of the same kind when all students fit the first one's times. */
bool move_merge(struct state *st) {
        int ga = random_movable_group(st);
        if (ga < 0)
                return false;
        int cands[64], nc = 0;
        const struct sgroup *A = &st->g[ga];
        for (size_t gi = 0; gi < st->ng && nc < 64; gi++) {
                const struct sgroup *B = &st->g[gi];
                if ((int)gi == ga || !B->alive || B->pinned || B->program != A->program || B->minutes != A->minutes ||
                    B->sessions != A->sessions || A->n + B->n > st->max_group[A->program])
                        continue;
                cands[nc++] = (int)gi;
        }
        if (nc == 0)
                return false;
        int gb = cands[rng_below(st, nc)];
        group_open(st, gb);
        group_open(st, ga);
        struct sgroup *B = &st->g[gb], *Am = &st->g[ga];
        while (B->n > 0) {
                int need = B->needs[--B->n];
                if (need_fits_group(st, need, Am)) {
                        Am->needs[Am->n++] = need;
                } else {
                        B->n++;
                        break;
                }
        }
        group_close(st, ga);
        group_close(st, gb);
        return B->n == 0;
}

/* Re-seats a detached group's students elsewhere: the whole group at a new time, or one by one. */
static void reseat(struct state *st, const struct sgroup *old) {
        int n = 0;
        const int *list = st->ctx->program_staff[old->program];
        while (list[n] >= 0)
                n++;
        bool pinned_staff = false;
        for (int i = 0; i < old->n; i++)
                pinned_staff |= need_of(st, old->needs[i])->staff >= 0;
        for (int tries = 0; tries < 4 && old->n > 0; tries++) {
                int staff = tries == 0 || pinned_staff || n == 0 ? old->staff : list[rng_below(st, n)];
                int days, slot;
                if (!random_placement(st, old->needs, old->n, staff, old->sessions, old->minutes, false, &days, &slot))
                        continue;
                int gi = group_new(st, old->program, old->sessions, old->minutes);
                if (gi < 0)
                        return;
                struct sgroup *g = &st->g[gi];
                g->staff = staff;
                g->alive = true;
                g->n = old->n;
                memcpy(g->needs, old->needs, sizeof(int) * (size_t)old->n);
                set_placement(st, g, days, slot);
                state_attach(st, gi);
                return;
        }
        for (int i = 0; i < old->n; i++)
                if (st->need_group[old->needs[i]] < 0)
                        best_insert(st, old->needs[i]);
}

/* An ejection chain for an unplaced need: make room at an interventionist's time by moving
 * the groups in the way (or a student out of a full group), then re-seat them. */
bool move_eject(struct state *st, int need) {
        const struct need *u = need_of(st, need);
        int one[2];
        const int *list = staff_for(st, need, one);
        int n = 0;
        while (list[n] >= 0)
                n++;
        if (n == 0)
                return false;
        if (rng_below(st, 3) == 0) {
                /* A full group at good times: swap the need in, the displaced student out. */
                int cands[64], nc = 0;
                for (size_t gi = 0; gi < st->ng && nc < 64; gi++) {
                        struct sgroup *g = &st->g[gi];
                        if (!g->alive || g->pinned || g->n < st->max_group[g->program] || g->program != u->program)
                                continue;
                        cands[nc++] = (int)gi;
                }
                if (nc > 0) {
                        struct savepoint sp = state_savepoint(st);
                        int gi = cands[rng_below(st, nc)];
                        group_open(st, gi);
                        struct sgroup *g = &st->g[gi];
                        int k = rng_below(st, g->n), out = g->needs[k];
                        g->needs[k] = g->needs[--g->n];
                        bool ok = need_fits_group(st, need, g);
                        if (ok)
                                g->needs[g->n++] = need;
                        group_close(st, gi);
                        if (ok) {
                                best_insert(st, out);
                                return true;
                        }
                        state_rollback_to(st, sp);
                }
        }
        int staff = list[rng_below(st, n)], days, slot;
        if (!random_placement(st, &need, 1, staff, u->sessions_per_week, u->minutes, true, &days, &slot))
                return false;
        struct sgroup probe = { .minutes = u->minutes };
        set_placement(st, &probe, days, slot);
        /* The groups of staff in the way: overlapping with transitions, or on a full day. */
        int victims[8], nv = 0;
        const struct intlist *gl = &st->staff_groups[staff];
        const struct staff *s = &st->school->staff[staff];
        for (size_t i = 0; i < gl->n; i++) {
                const struct sgroup *g = &st->g[gl->v[i]];
                bool hit = false;
                for (int k = 0; k < g->nm && !hit; k++)
                        for (int j = 0; j < probe.nm && !hit; j++)
                                hit = g->m[k].day == probe.m[j].day &&
                                      g->m[k].start < probe.m[j].end + st->ctx->transition &&
                                      probe.m[j].start < g->m[k].end + st->ctx->transition;
                if (!hit)
                        continue;
                if (g->pinned || nv == 2)
                        return false;
                victims[nv++] = gl->v[i];
        }
        if (s->max_sessions_per_day > 0)
                for (int j = 0; j < probe.nm; j++) {
                        int d = probe.m[j].day, count = st->staff_count[staff * DAY_COUNT + d];
                        for (int v = 0; v < nv; v++)
                                count -= (group_days(&st->g[victims[v]]) >> d) & 1;
                        if (count < s->max_sessions_per_day)
                                continue;
                        for (size_t i = 0; i < gl->n && count >= s->max_sessions_per_day; i++) {
                                const struct sgroup *g = &st->g[gl->v[i]];
                                bool already = false;
                                for (int v = 0; v < nv; v++)
                                        already |= victims[v] == gl->v[i];
                                if (already || !((group_days(g) >> d) & 1))
                                        continue;
                                if (g->pinned || nv == 3)
                                        return false;
                                victims[nv++] = gl->v[i];
                                count--;
                        }
                        if (count >= s->max_sessions_per_day)
                                return false;
                }
        struct sgroup saved[3];
        struct savepoint sp = state_savepoint(st);
        for (int v = 0; v < nv; v++) {
                group_open(st, victims[v]);
                saved[v] = st->g[victims[v]];
                st->g[victims[v]].n = 0;
                st->g[victims[v]].alive = false;
        }
        if (!staff_fits(st, staff, probe.m, probe.nm)) {
                state_rollback_to(st, sp);
                return false;
        }
        if (seat_alone(st, need, staff, days, slot) < 0)
                return false;
        for (int v = 0; v < nv; v++)
                reseat(st, &saved[v]);
        return true;
}

bool move_insert(struct state *st) {
        int need = random_need(st, false);
        if (need < 0)
                return false;
        if (rng_below(st, 2) == 0 && best_insert(st, need))
                return true;
        return move_eject(st, need);
}
