/* solve.c: the search. A group's week is a day pattern plus one start time; needs are placed
 * hardest first, then late-acceptance local search improves the schedule with journaled moves. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "solver/solver-internal.h"

enum { M_AVOID, M_PREF, M_INCONS, M_B2B, M_LEVEL, M_IDLE, M_INTERRUPT, M_CHANGED, M_COUNT };

/* Placing a need outweighs every soft goal: the search ranks needs placed first. */
#define UNPLACED_COST 10000000L
/* A new group spends an interventionist's time: joining one that exists is preferred. */
#define NEW_GROUP_COST 400
/* Bonus per unplaced student who could join a new group at the same time. */
#define PARTNER_BONUS 250
#define LATE_ACCEPTANCE 400

struct prevref {
        const char *id;
        int program, staff; /* current indices, -1 when gone */
        struct meeting m[MEETINGS_MAX];
        int nm;
        int needs[GROUP_CAP]; /* mapped needs still in the data set */
        int n;
        bool pinned;
};

struct sgroup {
        int program, staff, sessions, minutes;
        int n;
        int needs[GROUP_CAP];
        int nm;
        struct meeting m[MEETINGS_MAX];
        bool pinned, alive;
        int prev; /* index into state.prev, or -1 */
        long c[M_COUNT]; /* contributions while attached */
};

struct intlist {
        int *v;
        size_t n, cap;
};

struct journal_entry {
        int gi;
        struct sgroup snap;
};

struct state {
        const struct solver_ctx *ctx;
        const struct school *school;
        const struct solver_weights *w;
        bool weigh_changed, measure_changed;
        struct sgroup *g;
        size_t ng, capg;
        int *need_group;
        struct weekbits *stu_busy, *staff_busy;
        uint16_t *staff_count; /* [staff][day] */
        long *staff_load; /* meetings per staff in the week */
        struct intlist *staff_groups;
        uint16_t *moments; /* [teacher][day][minute of day] student-meetings starting then */
        long metric[M_COUNT];
        long n_unplaced, n_impossible, changed_base;
        struct prevref *prev;
        size_t nprev;
        struct journal_entry *journal;
        size_t nj, capj, ng_mark;
        unsigned *stamp;
        unsigned epoch;
        uint64_t rng;
        bool *impossible;
        int *max_group; /* per program, clamped to GROUP_CAP */
        uint8_t patterns[DAY_COUNT + 1][32];
        int n_patterns[DAY_COUNT + 1];
        bool oom;
};

/* ---- small helpers ---------------------------------------------------------------------- */

static uint64_t rng_next(struct state *st) {
        /* xorshift64*: fast and, above all, the same on every machine for a seed. */
        uint64_t x = st->rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        st->rng = x;
        return x * UINT64_C(2685821657736338717);
}

static int rng_below(struct state *st, int n) {
        return n <= 1 ? 0 : (int)((rng_next(st) >> 33) % (uint64_t)n);
}

static double now_seconds(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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

static const struct need *need_of(const struct state *st, int n) {
        return &st->school->needs[n];
}

static int teacher_of(const struct state *st, int n) {
        return st->school->students[st->school->needs[n].student].teacher;
}

static int grade_of(const struct state *st, int n) {
        return st->school->students[st->school->needs[n].student].grade;
}

static int slots_len(int minutes) {
        return (minutes + SLOT_MINUTES - 1) / SLOT_MINUTES;
}

/* ---- cost bookkeeping ------------------------------------------------------------------- */

static long state_cost(const struct state *st) {
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

static void group_cost(const struct state *st, const struct sgroup *g, long c[M_COUNT]) {
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

static int cmp_int(const void *a, const void *b) {
        int x = *(const int *)a, y = *(const int *)b;
        return x < y ? -1 : x > y;
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

static uint16_t *moment_at(const struct state *st, int teacher, int day, int start) {
        int k = start - st->ctx->day_start;
        if (teacher < 0 || k < 0 || k >= st->ctx->span)
                return NULL;
        return &st->moments[((size_t)teacher * DAY_COUNT + (size_t)day) * (size_t)st->ctx->span + (size_t)k];
}

static int staff_tail_end(const struct state *st, const struct meeting *m) {
        int to = ctx_slot_ceil(st->ctx, m->end + st->ctx->transition);
        return to > st->ctx->nslots ? st->ctx->nslots : to;
}

static int group_days(const struct sgroup *g) {
        int days = 0;
        for (int k = 0; k < g->nm; k++)
                days |= 1 << g->m[k].day;
        return days;
}

static void attach(struct state *st, int gi) {
        struct sgroup *g = &st->g[gi];
        const struct solver_ctx *ctx = st->ctx;
        int days = group_days(g);
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
                        uint16_t *mo = moment_at(st, teacher_of(st, g->needs[i]), m->day, m->start);
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

static void detach(struct state *st, int gi) {
        struct sgroup *g = &st->g[gi];
        const struct solver_ctx *ctx = st->ctx;
        int days = group_days(g);
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
                        uint16_t *mo = moment_at(st, teacher_of(st, g->needs[i]), m->day, m->start);
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

struct savepoint {
        size_t nj, ng;
};

/* A savepoint inside a move (an evaluation, a nested try). The epoch moves on so that a group
 * changed after it is remembered again; duplicates in the journal restore in reverse order. */
static struct savepoint savepoint(struct state *st) {
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
static void rollback_to(struct state *st, struct savepoint sp) {
        size_t end = st->nj;
        for (size_t i = sp.nj; i < end; i++)
                if (!journal_seen_after(st, i, end) && st->g[st->journal[i].gi].alive)
                        detach(st, st->journal[i].gi);
        for (size_t i = end; i-- > sp.nj;)
                st->g[st->journal[i].gi] = st->journal[i].snap;
        for (size_t i = sp.nj; i < end; i++)
                if (!journal_seen_after(st, i, end) && st->g[st->journal[i].gi].alive)
                        attach(st, st->journal[i].gi);
        st->nj = sp.nj;
        st->ng = sp.ng;
        st->epoch++;
}

static void move_begin(struct state *st) {
        st->nj = 0;
        st->ng_mark = st->ng;
        st->epoch++;
}

static void move_rollback(struct state *st) {
        rollback_to(st, (struct savepoint){ 0, st->ng_mark });
}

/* Remembers gi as it was; call before changing it. */
static void touch(struct state *st, int gi) {
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
static void open_group(struct state *st, int gi) {
        touch(st, gi);
        if (st->g[gi].alive)
                detach(st, gi);
}

static void close_group(struct state *st, int gi) {
        struct sgroup *g = &st->g[gi];
        if (g->n == 0 && !g->pinned)
                g->alive = false;
        if (g->alive)
                attach(st, gi);
}

static int new_group(struct state *st, int program, int sessions, int minutes) {
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
        touch(st, gi); /* a rollback leaves it dead */
        return gi;
}

/* ---- feasibility ------------------------------------------------------------------------ */

static bool need_free_at(const struct state *st, int need, const struct meeting *m) {
        int a = ctx_slot_floor(st->ctx, m->start), b = ctx_slot_ceil(st->ctx, m->end);
        return daybits_all(&st->ctx->need_free[need].d[m->day], a, b) &&
               !daybits_any(&st->stu_busy[need_of(st, need)->student].d[m->day], a, b);
}

static bool need_fits_group(const struct state *st, int need, const struct sgroup *g) {
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

static bool staff_fits(const struct state *st, int staff, const struct meeting *m, int nm) {
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

/* Starts (bit a of out[d]) where all of needs and staff can meet for minutes on day d. */
static void feasible_starts(const struct state *st, const int *needs, int n, int staff, int minutes,
                            bool ignore_staff_load, struct daybits out[DAY_COUNT]) {
        int len = slots_len(minutes), tail = slots_len(minutes + st->ctx->transition);
        const struct staff *s = &st->school->staff[staff];
        for (int d = 0; d < DAY_COUNT; d++) {
                struct daybits x = st->ctx->staff_avail[staff].d[d];
                for (int i = 0; i < n; i++) {
                        daybits_and(&x, &x, &st->ctx->need_free[needs[i]].d[d]);
                        daybits_andnot(&x, &x, &st->stu_busy[need_of(st, needs[i])->student].d[d]);
                }
                daybits_window_n(&out[d], &x, len, st->ctx->nwords);
                if (ignore_staff_load)
                        continue;
                if (s->max_sessions_per_day > 0 && st->staff_count[staff * DAY_COUNT + d] >= s->max_sessions_per_day) {
                        memset(&out[d], 0, sizeof out[d]);
                        continue;
                }
                struct daybits idle, win;
                for (int w = 0; w < SLOT_WORDS; w++)
                        idle.w[w] = ~st->staff_busy[staff].d[d].w[w];
                daybits_window_n(&win, &idle, tail, st->ctx->nwords);
                daybits_and(&out[d], &out[d], &win);
        }
}

static int start_days(const struct daybits f[DAY_COUNT], int a) {
        int days = 0;
        for (int d = 0; d < DAY_COUNT; d++)
                if (daybits_test(&f[d], a))
                        days |= 1 << d;
        return days;
}

static void set_placement(const struct state *st, struct sgroup *g, int days, int slot) {
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
static bool random_placement(struct state *st, const int *needs, int n, int staff, int sessions, int minutes,
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

static const int *staff_for(const struct state *st, int need, int *one) {
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
static int seat_alone(struct state *st, int need, int staff, int days, int slot) {
        const struct need *u = need_of(st, need);
        int gi = new_group(st, u->program, u->sessions_per_week, u->minutes);
        if (gi < 0)
                return -1;
        struct sgroup *g = &st->g[gi];
        g->staff = staff;
        g->alive = true;
        g->needs[g->n++] = need;
        set_placement(st, g, days, slot);
        attach(st, gi);
        return gi;
}

/* The best new group for need: scored by its own soft cost, the students who could join it
 * later (partners) and the interventionist's load. Applies it; false when none exists. */
static bool place_new_group(struct state *st, int need, const int *partners, int n_partners) {
        const struct need *u = need_of(st, need);
        int one[2];
        const int *staff_list = staff_for(st, need, one);
        int k = u->sessions_per_week, len = slots_len(u->minutes), t = teacher_of(st, need);
        int maxg = st->max_group[u->program];
        struct daybits pw[GROUP_CAP * 2][DAY_COUNT];
        if (n_partners > GROUP_CAP * 2)
                n_partners = GROUP_CAP * 2;
        for (int p = 0; p < n_partners; p++)
                for (int d = 0; d < DAY_COUNT; d++) {
                        struct daybits x;
                        daybits_andnot(&x, &st->ctx->need_free[partners[p]].d[d],
                                       &st->stu_busy[need_of(st, partners[p])->student].d[d]);
                        daybits_window_n(&pw[p][d], &x, len, st->ctx->nwords);
                }
        long best = 0;
        int best_staff = -1, best_days = 0, best_slot = 0;
        for (const int *s = staff_list; *s >= 0; s++) {
                struct daybits f[DAY_COUNT];
                feasible_starts(st, &need, 1, *s, u->minutes, false, f);
                for (int a = 0; a < st->ctx->nslots; a++) {
                        int mask = start_days(f, a);
                        if (dayset_bits((int)mask) < k)
                                continue;
                        int start = ctx_slot_minute(st->ctx, a);
                        long day_cost[DAY_COUNT];
                        for (int d = 0; d < DAY_COUNT; d++) {
                                if (!(mask & (1 << d)))
                                        continue;
                                uint16_t *mo = moment_at(st, t, d, start);
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

/* Places need where it costs least: into an existing group, or a new one. */
static bool best_insert(struct state *st, int need) {
        long before = state_cost(st), best = 0;
        int best_g = -1;
        for (size_t gi = 0; gi < st->ng; gi++) {
                struct sgroup *g = &st->g[gi];
                if (!g->alive || !need_fits_group(st, need, g))
                        continue;
                struct savepoint sp = savepoint(st);
                open_group(st, (int)gi);
                g->needs[g->n++] = need;
                close_group(st, (int)gi);
                long delta = state_cost(st) - before;
                rollback_to(st, sp);
                if (best_g < 0 || delta < best) {
                        best = delta;
                        best_g = (int)gi;
                }
        }
        /* Joining costs no interventionist time: take it unless a new group is far better. */
        if (best_g >= 0 && best + UNPLACED_COST < NEW_GROUP_COST) {
                open_group(st, best_g);
                st->g[best_g].needs[st->g[best_g].n++] = need;
                close_group(st, best_g);
                return true;
        }
        int partners[GROUP_CAP * 2];
        int np = find_partners(st, need, partners, GROUP_CAP * 2);
        if (place_new_group(st, need, partners, np))
                return true;
        if (best_g >= 0) {
                open_group(st, best_g);
                st->g[best_g].needs[st->g[best_g].n++] = need;
                close_group(st, best_g);
                return true;
        }
        return false;
}

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
static bool move_relocate(struct state *st) {
        int gi = random_movable_group(st);
        if (gi < 0)
                return false;
        open_group(st, gi);
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
                close_group(st, gi);
                return true;
        }
        g->staff = staff;
        set_placement(st, g, days, slot);
        close_group(st, gi);
        return true;
}

/* Move one student to another group of the same kind, or out into a new group. */
static bool move_student(struct state *st) {
        int need = random_need(st, true);
        if (need < 0)
                return false;
        int from = st->need_group[need];
        open_group(st, from);
        struct sgroup *g = &st->g[from];
        for (int i = 0; i < g->n; i++)
                if (g->needs[i] == need) {
                        g->needs[i] = g->needs[--g->n];
                        break;
                }
        close_group(st, from);
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
        open_group(st, to);
        st->g[to].needs[st->g[to].n++] = need;
        close_group(st, to);
        return true;
}

static bool move_swap(struct state *st) {
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
        open_group(st, ga);
        open_group(st, gb);
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
        close_group(st, ga);
        close_group(st, gb);
        return ok; /* on false the caller rolls the move back */
        return true;
}

/* Merge two groups of the same kind when all students fit the first one's times. */
static bool move_merge(struct state *st) {
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
        open_group(st, gb);
        open_group(st, ga);
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
        close_group(st, ga);
        close_group(st, gb);
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
                int gi = new_group(st, old->program, old->sessions, old->minutes);
                if (gi < 0)
                        return;
                struct sgroup *g = &st->g[gi];
                g->staff = staff;
                g->alive = true;
                g->n = old->n;
                memcpy(g->needs, old->needs, sizeof(int) * (size_t)old->n);
                set_placement(st, g, days, slot);
                attach(st, gi);
                return;
        }
        for (int i = 0; i < old->n; i++)
                if (st->need_group[old->needs[i]] < 0)
                        best_insert(st, old->needs[i]);
}

/* An ejection chain for an unplaced need: make room at an interventionist's time by moving
 * the groups in the way (or a student out of a full group), then re-seat them. */
static bool move_eject(struct state *st, int need) {
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
                        struct savepoint sp = savepoint(st);
                        int gi = cands[rng_below(st, nc)];
                        open_group(st, gi);
                        struct sgroup *g = &st->g[gi];
                        int k = rng_below(st, g->n), out = g->needs[k];
                        g->needs[k] = g->needs[--g->n];
                        bool ok = need_fits_group(st, need, g);
                        if (ok)
                                g->needs[g->n++] = need;
                        close_group(st, gi);
                        if (ok) {
                                best_insert(st, out);
                                return true;
                        }
                        rollback_to(st, sp);
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
        struct savepoint sp = savepoint(st);
        for (int v = 0; v < nv; v++) {
                open_group(st, victims[v]);
                saved[v] = st->g[victims[v]];
                st->g[victims[v]].n = 0;
                st->g[victims[v]].alive = false;
        }
        if (!staff_fits(st, staff, probe.m, probe.nm)) {
                rollback_to(st, sp);
                return false;
        }
        if (seat_alone(st, need, staff, days, slot) < 0)
                return false;
        for (int v = 0; v < nv; v++)
                reseat(st, &saved[v]);
        return true;
}

static bool move_insert(struct state *st) {
        int need = random_need(st, false);
        if (need < 0)
                return false;
        if (rng_below(st, 2) == 0 && best_insert(st, need))
                return true;
        return move_eject(st, need);
}

#ifdef SOLVER_DEBUG
static void debug_verify(const struct state *st, const char *where) {
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
#else
#define debug_verify(st, where) ((void)0)
#endif

/* ---- state life cycle ------------------------------------------------------------------- */

static void state_reset_dynamic(struct state *st) {
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
        st->n_unplaced = (long)school->n_needs;
}

/* Drops dead groups and rebuilds every derived structure from the live ones. */
static void state_compact(struct state *st) {
        size_t k = 0;
        for (size_t i = 0; i < st->ng; i++)
                if (st->g[i].alive)
                        st->g[k++] = st->g[i];
        st->ng = k;
        state_reset_dynamic(st);
        for (size_t i = 0; i < st->ng; i++) {
                st->stamp[i] = 0;
                attach(st, (int)i);
        }
}

static void state_free(struct state *st) {
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
}

static int state_init(struct state *st, const struct solver_ctx *ctx, const struct solver_weights *w, unsigned seed) {
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

/* How many (days, start) placements need has at all, with any trained interventionist's
 * availability and ignoring everybody else: the hardness of a need. */
static long need_windows(const struct state *st, int need) {
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

/* Maps previous into prevrefs and re-creates its groups where they still fit. */
static int adopt_previous(struct state *st, const struct schedule *previous, bool fresh) {
        const struct school *now = st->school, *then = previous->school;
        st->prev = calloc(previous->n_groups + 1, sizeof *st->prev);
        if (!st->prev)
                return -ENOMEM;
        st->nprev = previous->n_groups;
        for (size_t i = 0; i < previous->n_groups; i++) {
                const struct group *pg = &previous->groups[i];
                struct prevref *p = &st->prev[i];
                p->id = pg->id;
                p->pinned = pg->pinned;
                p->program = school_find_program(now, then->programs[pg->program].id);
                p->staff = school_find_staff(now, then->staff[pg->staff].id);
                p->nm = (int)(pg->n_meetings > MEETINGS_MAX ? MEETINGS_MAX : pg->n_meetings);
                memcpy(p->m, pg->meetings, sizeof(struct meeting) * (size_t)p->nm);
                for (size_t k = 0; k < pg->n_needs && p->n < GROUP_CAP; k++) {
                        const struct need *n = &then->needs[pg->needs[k]];
                        int student = now == then ? n->student : school_find_student(now, then->students[n->student].id);
                        int program = now == then ? n->program : school_find_program(now, then->programs[n->program].id);
                        int ni = student >= 0 && program >= 0 ? school_find_need(now, student, program) : -1;
                        if (ni >= 0)
                                p->needs[p->n++] = ni;
                }
                qsort(p->needs, (size_t)p->n, sizeof(int), cmp_int);
                st->changed_base += p->nm;
        }
        st->measure_changed = true;
        st->metric[M_CHANGED] = st->changed_base;
        /* Pinned groups first: they own their times whatever else changed. */
        for (int pass = 0; pass < 2; pass++)
                for (size_t i = 0; i < st->nprev; i++) {
                        struct prevref *p = &st->prev[i];
                        bool pinned = p->pinned && p->staff >= 0;
                        if (pass == 0 ? !pinned : pinned)
                                continue;
                        if (p->program < 0 || p->nm == 0 || (fresh && !pinned))
                                continue;
                        int minutes = p->m[0].end - p->m[0].start;
                        move_begin(st);
                        int gi = new_group(st, p->program, p->nm, minutes);
                        if (gi < 0)
                                return -ENOMEM;
                        struct sgroup *g = &st->g[gi];
                        g->prev = (int)i;
                        g->staff = p->staff;
                        g->nm = p->nm;
                        memcpy(g->m, p->m, sizeof(struct meeting) * (size_t)p->nm);
                        if (pinned) {
                                /* Pins stand even without students who no longer fit. */
                                for (int k = 0; k < p->n; k++) {
                                        int ni = p->needs[k];
                                        const struct need *n = need_of(st, ni);
                                        if (st->need_group[ni] >= 0 || n->program != p->program ||
                                            n->sessions_per_week != p->nm || n->minutes != minutes)
                                                continue;
                                        bool ok = g->n < GROUP_CAP;
                                        for (int j = 0; j < g->nm && ok; j++)
                                                ok = need_free_at(st, ni, &g->m[j]);
                                        for (int j = 0; j < g->n && ok; j++)
                                                ok = need_of(st, g->needs[j])->student != n->student;
                                        if (ok)
                                                g->needs[g->n++] = ni;
                                }
                                g->pinned = true;
                                g->alive = true;
                                attach(st, gi);
                                continue;
                        }
                        bool minutes_ok = true;
                        for (int k = 0; k < g->nm; k++)
                                minutes_ok &= g->m[k].end - g->m[k].start == minutes && g->m[k].start >= st->ctx->day_start &&
                                              g->m[k].end <= st->ctx->day_end;
                        bool staff_ok = minutes_ok && p->staff >= 0 && staff_can_teach(now, p->staff, p->program) &&
                                        staff_fits(st, p->staff, g->m, g->nm);
                        if (!staff_ok) {
                                move_rollback(st);
                                continue; /* its students are placed afresh */
                        }
                        g->alive = true;
                        for (int k = 0; k < p->n; k++)
                                if (st->need_group[p->needs[k]] < 0 && need_fits_group(st, p->needs[k], g))
                                        g->needs[g->n++] = p->needs[k];
                        close_group(st, gi);
                }
        return st->oom ? -ENOMEM : 0;
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
        int r = -ENOMEM;
        if (!s || !placed)
                goto fail;
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
                        if (!sg->alive || (sg->n == 0 && !sg->pinned) || (pass == 0) != (sg->prev >= 0))
                                continue;
                        struct group g = { .program = sg->program, .staff = sg->staff, .pinned = sg->pinned };
                        if (sg->prev >= 0)
                                snprintf(g.id, sizeof g.id, "%s", st->prev[sg->prev].id);
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
        *ret = s;
        return 0;
fail:
        free(placed);
        schedule_free(s);
        return r < 0 ? r : -ENOMEM;
}

/* ---- the solve -------------------------------------------------------------------------- */

void solver_options_default(struct solver_options *options) {
        *options = (struct solver_options){ .time_limit_seconds = 10, .seed = 1 };
        solver_weights_default(&options->weights);
}

static bool stop_requested(const struct solver_options *o) {
        return o->cancel && *o->cancel;
}

int solver_solve(struct school *school, const struct schedule *previous, const struct solver_options *options,
                 struct schedule **ret_schedule, struct solver_stats *ret_stats) {
        double t0 = now_seconds();
        double limit = options->time_limit_seconds > 0 ? options->time_limit_seconds : 10;
        struct solver_stats stats = { 0 };
        struct solver_ctx *ctx = NULL;
        struct state st = { 0 };
        struct sgroup *best = NULL;
        int *order = NULL;
        long *keys = NULL;
        long *history = NULL;
        size_t nbest = 0, capbest = 0;
        int r = solver_ctx_new(school, &ctx);
        if (r < 0)
                return r;
        r = state_init(&st, ctx, &options->weights, options->seed);
        if (r < 0)
                goto finish;
        st.weigh_changed = previous && !options->fresh;
        if (previous) {
                r = adopt_previous(&st, previous, options->fresh);
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
        long max_iter = options->max_iterations > 0 ? options->max_iterations : 200 * idle_limit;
        long since_best = 0, it = 0;
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
        while (!stats.cancelled && it < max_iter && since_best < idle_limit && (has_movable || st.n_unplaced > st.n_impossible)) {
                if ((it & 255) == 0) {
                        if (stop_requested(options)) {
                                stats.cancelled = true;
                                break;
                        }
                        if (now_seconds() - t0 > limit) {
                                stats.timed_out = true;
                                break;
                        }
                        if (st.ng > 2 * (size_t)n_needs + 256)
                                state_compact(&st);
                }
                it++;
                since_best++;
                move_begin(&st);
                int kind = rng_below(&st, 100);
                bool unplaced = st.n_unplaced > st.n_impossible;
                bool done;
                if (unplaced && kind < 30)
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
                if (next <= cost || next < history[slot]) {
                        cost = next;
                } else {
                        move_rollback(&st);
                        debug_verify(&st, kind < 30 && unplaced ? "rollback insert" : kind < 60 ? "rollback relocate" : kind < 82 ? "rollback student" : kind < 92 ? "rollback swap" : "rollback merge");
                }
                if (cost < history[slot])
                        history[slot] = cost;
                if (cost < best_cost) {
                        if (st.n_unplaced < best_unplaced) {
                                best_unplaced = st.n_unplaced;
                                stats.first_complete_seconds = now_seconds() - t0;
                        }
                        best_cost = cost;
                        since_best = 0;
                        stats.best_seconds = now_seconds() - t0;
                        SAVE_BEST();
                }
        }
#undef SAVE_BEST
        stats.iterations = it;
        r = build_schedule(&st, best, nbest, school, previous, ret_schedule);
        stats.total_seconds = now_seconds() - t0;
        if (r >= 0 && ret_stats)
                *ret_stats = stats;
finish:
        free(history);
        free(best);
        free(order);
        free(keys);
        state_free(&st);
        solver_ctx_free(ctx);
        return r;
}
