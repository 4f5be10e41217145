/* lns.c: large-neighbourhood moves for overloaded schools. The local moves change one group at
 * a time and get stuck when every interventionist is full; these ruin a related part of the
 * schedule — every group of one interventionist, of one program, of one time band, of one
 * grade, or the groups that could take an unplaced need — and recreate it with the
 * construction heuristic together with every unplaced need. The driver (solve.c) picks the
 * neighbourhood by adaptive weights and accepts the result like any other move. */
#include <stdlib.h>

#include "solver/search.h"

const char *const lns_names[LNS_COUNT] = { "interventionist", "program", "time band", "grade", "unplaced need" };

/* Whether group g belongs to the part chosen for ruin. */
struct ruin {
        int kind, staff, program, day, from, to, grade, need;
};

static bool in_part(const struct state *st, const struct sgroup *g, const struct ruin *r) {
        switch (r->kind) {
        case LNS_STAFF:
                return g->staff == r->staff;
        case LNS_PROGRAM:
                return g->program == r->program;
        case LNS_BAND:
                for (int k = 0; k < g->nm; k++)
                        if (g->m[k].day == r->day && g->m[k].start < r->to && g->m[k].end > r->from)
                                return true;
                return false;
        case LNS_GRADE:
                for (int i = 0; i < g->n; i++)
                        if (grade_of(st, g->needs[i]) == r->grade)
                                return true;
                return false;
        default: {
                /* The groups whose interventionist could teach the need, at times the student
                 * is free: ruining them makes room for it. */
                const struct need *u = need_of(st, r->need);
                if (g->program != u->program && !staff_can_teach(st->school, g->staff, u->program))
                        return false;
                for (int k = 0; k < g->nm; k++)
                        if (need_free_at(st, r->need, &g->m[k]))
                                return true;
                return false;
        }
        }
}

static void shuffle(struct state *st, int *v, int n) {
        for (int i = n - 1; i > 0; i--) {
                int j = rng_below(st, i + 1), t = v[i];
                v[i] = v[j];
                v[j] = t;
        }
}

bool move_ruin_recreate(struct state *st, int kind, int *scratch) {
        const struct school *school = st->school;
        struct ruin r = { .kind = kind, .need = -1 };
        int movable = 0;
        for (size_t gi = 0; gi < st->ng; gi++)
                movable += st->g[gi].alive && !st->g[gi].pinned;
        if (movable == 0 && kind != LNS_NEED)
                return false;
        /* The part is chosen around a random movable group, so it is never empty. */
        int pick = rng_below(st, movable > 0 ? movable : 1), seed_group = -1;
        for (size_t gi = 0; gi < st->ng && seed_group < 0; gi++)
                if (st->g[gi].alive && !st->g[gi].pinned && pick-- == 0)
                        seed_group = (int)gi;
        if (seed_group >= 0) {
                const struct sgroup *g = &st->g[seed_group];
                r.staff = g->staff;
                r.program = g->program;
                r.day = g->m[0].day;
                r.from = g->m[0].start - 30;
                r.to = g->m[0].end + 30;
                r.grade = grade_of(st, g->needs[rng_below(st, g->n > 0 ? g->n : 1)]);
        }
        if (kind == LNS_NEED) {
                int n = (int)school->n_needs;
                for (int tries = 0; tries < 64 && r.need < 0; tries++) {
                        int i = rng_below(st, n);
                        if (!st->impossible[i] && st->need_group[i] < 0)
                                r.need = i;
                }
                if (r.need < 0)
                        return false;
        } else if (seed_group < 0) {
                return false;
        }
        /* Ruin: the part's students leave their groups, which die. */
        int nfree = 0;
        for (size_t gi = 0; gi < st->ng; gi++) {
                struct sgroup *g = &st->g[gi];
                if (!g->alive || g->pinned || !in_part(st, g, &r))
                        continue;
                group_open(st, (int)gi);
                g->n = 0;
                group_close(st, (int)gi);
        }
        /* Recreate: every unplaced need, in random order within hardness bands, by the
         * construction heuristic. */
        for (size_t i = 0; i < school->n_needs; i++)
                if (!st->impossible[i] && st->need_group[i] < 0)
                        scratch[nfree++] = (int)i;
        shuffle(st, scratch, nfree);
        if (r.need >= 0)
                for (int i = 0; i < nfree; i++)
                        if (scratch[i] == r.need) {
                                scratch[i] = scratch[0];
                                scratch[0] = r.need;
                        }
        for (int i = 0; i < nfree && !st->oom; i++)
                if (st->need_group[scratch[i]] < 0)
                        best_insert(st, scratch[i]);
        return !st->oom;
}
