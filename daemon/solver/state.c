/* state.c: the search's state — groups with journaled changes that can be taken back, the
 * busy bitsets they occupy, and the soft-goal cost kept up to date as groups attach and detach. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "solver/search.h"

static int intlist_add(struct intlist *l, int v) {
        if (l->n == l->cap) {
                size_t cap = l->cap ? l->cap * 2 : 8;
                int *more = realloc(l->v, cap * sizeof *more);
                if (!more)
                        return -ENOMEM;
                l->v = more;
                l->cap = cap;
        }
        l->v[l->n++] = v;
        return 0;
}

static void intlist_remove(struct intlist *l, int v) {
        for (size_t i = 0; i < l->n; i++)
                if (l->v[i] == v) {
                        l->v[i] = l->v[--l->n];
                        return;
                }
}

/* ---- cost bookkeeping ------------------------------------------------------------------- */

long state_cost(const struct state *st) {
        const struct solver_weights *w = st->w;
        const long *m = st->metric;
        return UNPLACED_COST * st->n_unplaced + (long)w->avoid_minute * m[M_AVOID] -
               (long)w->preferred_minute * m[M_PREF] + (long)w->inconsistent_group * m[M_INCONS] +
               (long)w->back_to_back * m[M_B2B] + (long)w->level_spread * m[M_LEVEL] +
               (long)w->idle_minute * m[M_IDLE] + (long)w->interruption * m[M_INTERRUPT] +
               (st->weigh_changed ? (long)w->changed_meeting * m[M_CHANGED] : 0);
}

static bool meeting_eq(const struct meeting *a, const struct meeting *b) {
        return a->day == b->day && a->start == b->start && a->end == b->end;
}

static long group_changes(const struct state *st, const struct sgroup *g) {
        if (g->prev < 0)
                return g->nm;
        const struct prevref *p = &st->prev[g->prev];
        int n = g->nm > p->nm ? g->nm : p->nm;
        bool roster = p->n == g->n;
        for (int i = 0; roster && i < p->n; i++) {
                bool found = false;
                for (int j = 0; j < g->n && !found; j++)
                        found = g->needs[j] == p->needs[i];
                roster = found;
        }
        if (g->staff != p->staff || !roster)
                return n - p->nm;
        int added = 0, removed = 0;
        for (int i = 0; i < g->nm; i++) {
                bool found = false;
                for (int j = 0; j < p->nm && !found; j++)
                        found = meeting_eq(&g->m[i], &p->m[j]);
                added += !found;
        }
        for (int j = 0; j < p->nm; j++) {
                bool found = false;
                for (int i = 0; i < g->nm && !found; i++)
                        found = meeting_eq(&g->m[i], &p->m[j]);
                removed += !found;
        }
        return (added > removed ? added : removed) - p->nm;
}

void group_cost(const struct state *st, const struct sgroup *g, long c[M_COUNT]) {
        memset(c, 0, sizeof(long) * M_COUNT);
        int lo = 1 << 30, hi = -(1 << 30);
        for (int i = 0; i < g->n; i++) {
                int t = teacher_of(st, g->needs[i]), level = need_of(st, g->needs[i])->level;
                lo = level < lo ? level : lo;
                hi = level > hi ? level : hi;
                for (int k = 0; k < g->nm; k++) {
                        c[M_AVOID] += ctx_avoid_minutes(st->ctx, t, g->m[k].day, g->m[k].start, g->m[k].end);
                        c[M_PREF] += ctx_preferred_minutes(st->ctx, t, g->m[k].day, g->m[k].start, g->m[k].end);
                }
        }
        if (g->n > 0)
                c[M_LEVEL] = hi - lo;
        for (int k = 1; k < g->nm; k++)
                if (g->m[k].start != g->m[0].start || g->m[k].end != g->m[0].end) {
                        c[M_INCONS] = 1;
                        break;
                }
        if (g->nm >= 2 && g->nm <= 3)
                for (int a = 0; a < g->nm; a++)
                        for (int b = 0; b < g->nm; b++)
                                c[M_B2B] += g->m[b].day == g->m[a].day + 1;
        if (st->measure_changed)
                c[M_CHANGED] = group_changes(st, g);
}

/* Waiting minutes of one interventionist on the days of mask, beyond the transitions. */
static long staff_idle(const struct state *st, int staff, int mask) {
        int starts[DAY_COUNT][32], ends[DAY_COUNT][32], n[DAY_COUNT] = { 0 };
        const struct intlist *l = &st->staff_groups[staff];
        for (size_t i = 0; i < l->n; i++) {
                const struct sgroup *g = &st->g[l->v[i]];
                for (int k = 0; k < g->nm; k++) {
                        int d = g->m[k].day;
                        if (!(mask & (1 << d)) || n[d] == 32)
                                continue;
                        /* Insertion by start: a handful of meetings a day. */
                        int j = n[d]++;
                        while (j > 0 && starts[d][j - 1] > g->m[k].start) {
                                starts[d][j] = starts[d][j - 1];
                                ends[d][j] = ends[d][j - 1];
                                j--;
                        }
                        starts[d][j] = g->m[k].start;
                        ends[d][j] = g->m[k].end;
                }
        }
        long idle = 0;
        for (int d = 0; d < DAY_COUNT; d++)
                for (int i = 1; i < n[d]; i++) {
                        int gap = starts[d][i] - ends[d][i - 1] - st->ctx->transition;
                        if (gap > 0)
                                idle += gap;
                }
        return idle;
}

uint16_t *state_moment(const struct state *st, int teacher, int day, int start) {
        int k = start - st->ctx->day_start;
        if (teacher < 0 || k < 0 || k >= st->ctx->span)
                return NULL;
        return &st->moments[((size_t)teacher * DAY_COUNT + (size_t)day) * (size_t)st->ctx->span + (size_t)k];
}

int staff_tail_end(const struct state *st, const struct meeting *m) {
        int to = ctx_slot_ceil(st->ctx, m->end + st->ctx->transition);
        return to > st->ctx->nslots ? st->ctx->nslots : to;
}

int group_days(const struct sgroup *g) {
        int days = 0;
        for (int k = 0; k < g->nm; k++)
                days |= 1 << g->m[k].day;
        return days;
}

void state_attach(struct state *st, int gi) {
        struct sgroup *g = &st->g[gi];
        const struct solver_ctx *ctx = st->ctx;
        int days = group_days(g);
        memo_attached(st, gi);
        if (st->w->idle_minute)
                st->metric[M_IDLE] -= staff_idle(st, g->staff, days);
        if (intlist_add(&st->staff_groups[g->staff], gi) < 0)
                st->oom = true;
        for (int k = 0; k < g->nm; k++) {
                const struct meeting *m = &g->m[k];
                int a = ctx_slot_floor(ctx, m->start), b = ctx_slot_ceil(ctx, m->end);
                daybits_set(&st->staff_busy[g->staff].d[m->day], a, staff_tail_end(st, m));
                st->staff_count[g->staff * DAY_COUNT + m->day]++;
                st->staff_load[g->staff]++;
                for (int i = 0; i < g->n; i++) {
                        daybits_set(&st->stu_busy[need_of(st, g->needs[i])->student].d[m->day], a, b);
                        uint16_t *mo = state_moment(st, teacher_of(st, g->needs[i]), m->day, m->start);
                        if (mo && (*mo)++ == 0)
                                st->metric[M_INTERRUPT]++;
                }
        }
        if (st->w->idle_minute)
                st->metric[M_IDLE] += staff_idle(st, g->staff, days);
        group_cost(st, g, g->c);
        for (int i = 0; i < M_COUNT; i++)
                st->metric[i] += g->c[i];
        for (int i = 0; i < g->n; i++)
                st->need_group[g->needs[i]] = gi;
        st->n_unplaced -= g->n;
}

void state_detach(struct state *st, int gi) {
        struct sgroup *g = &st->g[gi];
        const struct solver_ctx *ctx = st->ctx;
        int days = group_days(g);
        memo_detached(st, gi);
        if (st->w->idle_minute)
                st->metric[M_IDLE] -= staff_idle(st, g->staff, days);
        intlist_remove(&st->staff_groups[g->staff], gi);
        for (int k = 0; k < g->nm; k++) {
                const struct meeting *m = &g->m[k];
                int a = ctx_slot_floor(ctx, m->start), b = ctx_slot_ceil(ctx, m->end);
                daybits_clear(&st->staff_busy[g->staff].d[m->day], a, staff_tail_end(st, m));
                st->staff_count[g->staff * DAY_COUNT + m->day]--;
                st->staff_load[g->staff]--;
                for (int i = 0; i < g->n; i++) {
                        daybits_clear(&st->stu_busy[need_of(st, g->needs[i])->student].d[m->day], a, b);
                        uint16_t *mo = state_moment(st, teacher_of(st, g->needs[i]), m->day, m->start);
                        if (mo && --(*mo) == 0)
                                st->metric[M_INTERRUPT]--;
                }
        }
        if (st->w->idle_minute)
                st->metric[M_IDLE] += staff_idle(st, g->staff, days);
        for (int i = 0; i < M_COUNT; i++)
                st->metric[i] -= g->c[i];
        for (int i = 0; i < g->n; i++)
                st->need_group[g->needs[i]] = -1;
        st->n_unplaced += g->n;
}

/* ---- the journal: every move can be taken back ------------------------------------------ */

/* A savepoint inside a move (an evaluation, a nested try). The epoch moves on so that a group
 * changed after it is remembered again; duplicates in the journal restore in reverse order. */
struct savepoint state_savepoint(struct state *st) {
        st->epoch++;
        return (struct savepoint){ st->nj, st->ng };
}

static bool journal_seen_after(const struct state *st, size_t i, size_t end) {
        for (size_t j = i + 1; j < end; j++)
                if (st->journal[j].gi == st->journal[i].gi)
                        return true;
        return false;
}

/* Three phases, because a student may have moved between journaled groups: detaching one at a
 * time would clear the need's group after another group had claimed it back. */
void state_rollback_to(struct state *st, struct savepoint sp) {
        size_t end = st->nj;
        for (size_t i = sp.nj; i < end; i++)
                if (!journal_seen_after(st, i, end) && st->g[st->journal[i].gi].alive)
                        state_detach(st, st->journal[i].gi);
        for (size_t i = end; i-- > sp.nj;)
                st->g[st->journal[i].gi] = st->journal[i].snap;
        for (size_t i = sp.nj; i < end; i++)
                if (!journal_seen_after(st, i, end) && st->g[st->journal[i].gi].alive)
                        state_attach(st, st->journal[i].gi);
        st->nj = sp.nj;
        st->ng = sp.ng;
        st->epoch++;
}

void move_begin(struct state *st) {
        st->nj = 0;
        st->ng_mark = st->ng;
        st->epoch++;
}

void move_rollback(struct state *st) {
        state_rollback_to(st, (struct savepoint){ 0, st->ng_mark });
}

/* Remembers gi as it was; call before changing it. */
void state_touch(struct state *st, int gi) {
        if (st->stamp[gi] == st->epoch)
                return;
        if (st->nj == st->capj) {
                size_t cap = st->capj ? st->capj * 2 : 16;
                struct journal_entry *more = realloc(st->journal, cap * sizeof *more);
                if (!more) {
                        st->oom = true;
                        return;
                }
                st->journal = more;
                st->capj = cap;
        }
        st->stamp[gi] = st->epoch;
        st->journal[st->nj].gi = gi;
        st->journal[st->nj].snap = st->g[gi];
        st->nj++;
}

/* Opens a group for changes: journaled and detached. */
void group_open(struct state *st, int gi) {
        state_touch(st, gi);
        if (st->g[gi].alive)
                state_detach(st, gi);
}

void group_close(struct state *st, int gi) {
        struct sgroup *g = &st->g[gi];
        if (g->n == 0 && !g->pinned)
                g->alive = false;
        if (g->alive)
                state_attach(st, gi);
}

int group_new(struct state *st, int program, int sessions, int minutes) {
        if (st->ng == st->capg) {
                size_t cap = st->capg ? st->capg * 2 : 64;
                struct sgroup *more = realloc(st->g, cap * sizeof *more);
                unsigned *stamps = realloc(st->stamp, cap * sizeof *stamps);
                if (more)
                        st->g = more;
                if (stamps)
                        st->stamp = stamps;
                if (!more || !stamps) {
                        st->oom = true;
                        return -1;
                }
                memset(st->stamp + st->capg, 0, (cap - st->capg) * sizeof *stamps);
                st->capg = cap;
        }
        int gi = (int)st->ng++;
        st->g[gi] = (struct sgroup){ .program = program, .sessions = sessions, .minutes = minutes, .prev = -1, .staff = -1 };
        st->stamp[gi] = 0;
        state_touch(st, gi); /* a rollback leaves it dead */
        return gi;
}

#ifdef SOLVER_DEBUG
void debug_verify(const struct state *st, const char *where) {
        int *seen = calloc(st->school->n_needs + 1, sizeof *seen);
        for (size_t g = 0; g < st->ng; g++) {
                if (!st->g[g].alive)
                        continue;
                for (int i = 0; i < st->g[g].n; i++) {
                        int n = st->g[g].needs[i];
                        if (seen[n]++ || st->need_group[n] != (int)g) {
                                fprintf(stderr, "inconsistent after %s: need %d group %zu (need_group %d)\n", where, n, g,
                                        st->need_group[n]);
                                abort();
                        }
                }
        }
        free(seen);
}
#endif

/* ---- state life cycle ------------------------------------------------------------------- */

void state_reset_dynamic(struct state *st) {
        const struct school *school = st->school;
        memset(st->stu_busy, 0, school->n_students * sizeof *st->stu_busy);
        memset(st->staff_busy, 0, school->n_staff * sizeof *st->staff_busy);
        memset(st->staff_count, 0, school->n_staff * DAY_COUNT * sizeof *st->staff_count);
        memset(st->staff_load, 0, school->n_staff * sizeof *st->staff_load);
        memset(st->moments, 0, school->n_teachers * DAY_COUNT * (size_t)st->ctx->span * sizeof *st->moments);
        for (size_t s = 0; s < school->n_staff; s++)
                st->staff_groups[s].n = 0;
        for (size_t i = 0; i < school->n_needs; i++)
                st->need_group[i] = -1;
        memset(st->metric, 0, sizeof st->metric);
        st->metric[M_CHANGED] = st->changed_base;
        memo_reset(st);
        st->n_unplaced = (long)school->n_needs;
}

/* Drops dead groups and rebuilds every derived structure from the live ones. */
void state_compact(struct state *st) {
        size_t k = 0;
        for (size_t i = 0; i < st->ng; i++)
                if (st->g[i].alive)
                        st->g[k++] = st->g[i];
        st->ng = k;
        state_reset_dynamic(st);
        for (size_t i = 0; i < st->ng; i++) {
                st->stamp[i] = 0;
                state_attach(st, (int)i);
        }
}

int state_load(struct state *st, const struct sgroup *groups, size_t n) {
        if (st->capg < n) {
                struct sgroup *more = realloc(st->g, n * sizeof *more);
                if (more)
                        st->g = more;
                unsigned *stamps = realloc(st->stamp, n * sizeof *stamps);
                if (stamps)
                        st->stamp = stamps;
                if (!more || !stamps) {
                        st->oom = true;
                        return -ENOMEM;
                }
                st->capg = n;
        }
        if (n)
                memcpy(st->g, groups, n * sizeof *groups);
        st->ng = n;
        move_begin(st);
        state_compact(st);
        return 0;
}

void state_free(struct state *st) {
        free(st->g);
        free(st->need_group);
        free(st->stu_busy);
        free(st->staff_busy);
        free(st->staff_count);
        free(st->staff_load);
        if (st->staff_groups)
                for (size_t s = 0; s < st->school->n_staff; s++)
                        free(st->staff_groups[s].v);
        free(st->staff_groups);
        free(st->moments);
        free(st->prev);
        free(st->journal);
        free(st->stamp);
        free(st->impossible);
        free(st->max_group);
        memo_free(st);
}

int state_init(struct state *st, const struct solver_ctx *ctx, const struct solver_weights *w, unsigned seed) {
        const struct school *school = ctx->school;
        st->ctx = ctx;
        st->school = school;
        st->w = w;
        st->rng = UINT64_C(0x9E3779B97F4A7C15) ^ ((uint64_t)seed * UINT64_C(0xBF58476D1CE4E5B9));
        if (st->rng == 0)
                st->rng = 1;
        st->need_group = malloc((school->n_needs + 1) * sizeof *st->need_group);
        st->stu_busy = malloc((school->n_students + 1) * sizeof *st->stu_busy);
        st->staff_busy = malloc((school->n_staff + 1) * sizeof *st->staff_busy);
        st->staff_count = malloc((school->n_staff + 1) * DAY_COUNT * sizeof *st->staff_count);
        st->staff_load = malloc((school->n_staff + 1) * sizeof *st->staff_load);
        st->staff_groups = calloc(school->n_staff + 1, sizeof *st->staff_groups);
        st->moments = malloc((school->n_teachers + 1) * DAY_COUNT * (size_t)ctx->span * sizeof *st->moments);
        st->impossible = calloc(school->n_needs + 1, sizeof *st->impossible);
        st->max_group = calloc(school->n_programs + 1, sizeof *st->max_group);
        if (!st->need_group || !st->stu_busy || !st->staff_busy || !st->staff_count || !st->staff_load ||
            !st->staff_groups || !st->moments || !st->impossible || !st->max_group)
                return -ENOMEM;
        if (memo_init(st) < 0)
                return -ENOMEM;
        for (size_t p = 0; p < school->n_programs; p++) {
                int m = school->programs[p].max_group;
                st->max_group[p] = m > GROUP_CAP ? GROUP_CAP : m;
        }
        for (int mask = 1; mask < (1 << DAY_COUNT); mask++) {
                int k = dayset_bits((int)mask);
                st->patterns[k][st->n_patterns[k]++] = (uint8_t)mask;
        }
        state_reset_dynamic(st);
        return 0;
}

