/* previous.c: what a re-solve keeps of the published schedule. Its groups are mapped onto
 * today's school and re-created where they still fit; a group that a search builds anew and
 * that is a published group again (the same interventionist, program and students) is linked
 * to it, so it keeps its id, and is put back at its published times where they are free. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "solver/search.h"

static int cmp_int(const void *a, const void *b) {
        int x = *(const int *)a, y = *(const int *)b;
        return x < y ? -1 : x > y;
}

/* Maps previous into prevrefs and re-creates its groups where they still fit. */
int previous_adopt(struct state *st, const struct schedule *previous, bool fresh) {
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
        /* Changed meetings are counted move by move only where they are weighed: a search from
         * scratch leaves them to solver_measure at the end, and runs as fast as a fresh solve. */
        st->measure_changed = !fresh;
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
                        int gi = group_new(st, p->program, p->nm, minutes);
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
                                state_attach(st, gi);
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
                        group_close(st, gi);
                }
        return st->oom ? -ENOMEM : 0;
}

/* Whether search group sg is previous group p again: the same interventionist, program and
 * students (p's needs are sorted). */
static bool same_as_previous(const struct prevref *p, const struct sgroup *sg) {
        if (p->staff != sg->staff || p->program != sg->program || p->n != sg->n)
                return false;
        int needs[GROUP_CAP];
        memcpy(needs, sg->needs, sizeof(int) * (size_t)sg->n);
        qsort(needs, (size_t)sg->n, sizeof(int), cmp_int);
        return memcmp(needs, p->needs, sizeof(int) * (size_t)sg->n) == 0;
}

/* The previous group each search group is: the one it was re-created from, or, for a group
 * built anew (a search from scratch builds them all anew), an unclaimed previous group with the
 * same interventionist and students. That one keeps its id, so a teacher's calendar keeps its
 * events and only the meetings that moved count as changed. -1: a new group. */
void previous_match(const struct state *st, const struct sgroup *groups, size_t n, int *prev_of,
                           bool *claimed) {
        for (size_t i = 0; i < n; i++) {
                prev_of[i] = groups[i].prev;
                if (prev_of[i] >= 0)
                        claimed[prev_of[i]] = true;
        }
        for (size_t i = 0; i < n; i++) {
                const struct sgroup *sg = &groups[i];
                if (prev_of[i] >= 0 || !sg->alive || sg->n == 0)
                        continue;
                for (size_t p = 0; p < st->nprev; p++)
                        if (!claimed[p] && same_as_previous(&st->prev[p], sg)) {
                                prev_of[i] = (int)p;
                                claimed[p] = true;
                                break;
                        }
        }
}


/* Links each group of groups that is a published group again (previous_match) to it, so the
 * search that goes on from them counts only the meetings that moved as changed. */
int previous_link(const struct state *st, struct sgroup *groups, size_t n) {
        int *prev_of = malloc((n + 1) * sizeof *prev_of);
        bool *claimed = calloc(st->nprev + 1, sizeof *claimed);
        if (!prev_of || !claimed) {
                free(prev_of);
                free(claimed);
                return -ENOMEM;
        }
        previous_match(st, groups, n, prev_of, claimed);
        int linked = 0;
        for (size_t i = 0; i < n; i++) {
                linked += groups[i].prev < 0 && prev_of[i] >= 0;
                groups[i].prev = prev_of[i];
        }
        free(prev_of);
        free(claimed);
        return linked;
}

static bool same_meetings(const struct sgroup *g, const struct prevref *p) {
        if (g->nm != p->nm)
                return false;
        for (int i = 0; i < g->nm; i++) {
                bool found = false;
                for (int j = 0; j < p->nm && !found; j++)
                        found = g->m[i].day == p->m[j].day && g->m[i].start == p->m[j].start &&
                                g->m[i].end == p->m[j].end;
                if (!found)
                        return false;
        }
        return true;
}

/* Whether group gi, detached, could meet at its published meetings p. */
static bool fits_published(const struct state *st, const struct sgroup *g, const struct prevref *p) {
        if (p->nm != g->sessions)
                return false;
        for (int k = 0; k < p->nm; k++)
                if (p->m[k].end - p->m[k].start != g->minutes || p->m[k].start < st->ctx->day_start ||
                    p->m[k].end > st->ctx->day_end)
                        return false;
        if (!staff_fits(st, g->staff, p->m, p->nm))
                return false;
        for (int i = 0; i < g->n; i++)
                for (int k = 0; k < p->nm; k++)
                        if (!need_free_at(st, g->needs[i], &p->m[k]))
                                return false;
        return true;
}

/* Puts linked groups back at their published times where those are free and the schedule
 * costs no more for it (a meeting put back is one change fewer, which the cost weighs).
 * Each pass may free the times another group needs; it stops when a pass puts none back.
 * Returns how many groups were put back. */
int previous_reseat(struct state *st) {
        int total = 0;
        for (int pass = 0; pass < 4; pass++) {
                int moved = 0;
                for (size_t gi = 0; gi < st->ng; gi++) {
                        struct sgroup *g = &st->g[gi];
                        if (!g->alive || g->pinned || g->prev < 0 || same_meetings(g, &st->prev[g->prev]))
                                continue;
                        const struct prevref *p = &st->prev[g->prev];
                        long before = state_cost(st);
                        move_begin(st);
                        group_open(st, (int)gi);
                        g = &st->g[gi];
                        bool ok = fits_published(st, g, p);
                        if (ok) {
                                g->nm = p->nm;
                                memcpy(g->m, p->m, sizeof(struct meeting) * (size_t)p->nm);
                        }
                        group_close(st, (int)gi);
                        if (!ok || state_cost(st) > before)
                                move_rollback(st);
                        else
                                moved++;
                }
                total += moved;
                if (moved == 0)
                        break;
        }
        return st->oom ? -ENOMEM : total;
}

static bool overlaps(const struct meeting *a, const struct meeting *b, int margin) {
        return a->day == b->day && a->start < b->end + margin && b->start < a->end + margin;
}

/* Whether live group g stands in the way of published group p: it holds one of p's students
 * at one of p's times (or p's need itself), or p's interventionist at one of p's times. */
static bool in_the_way(const struct state *st, const struct sgroup *g, const struct prevref *p) {
        for (int k = 0; k < g->nm; k++)
                for (int j = 0; j < p->nm; j++) {
                        if (g->staff == p->staff && overlaps(&g->m[k], &p->m[j], st->ctx->transition))
                                return true;
                        if (!overlaps(&g->m[k], &p->m[j], 0))
                                continue;
                        for (int i = 0; i < g->n; i++)
                                for (int q = 0; q < p->n; q++)
                                        if (need_of(st, g->needs[i])->student == need_of(st, p->needs[q])->student)
                                                return true;
                }
        for (int i = 0; i < g->n; i++)
                for (int q = 0; q < p->n; q++)
                        if (g->needs[i] == p->needs[q])
                                return true;
        return false;
}

/* Puts published group p back as it was: its interventionist, its times and those of its
 * students who still fit. The groups in its way are ruined and their other students placed
 * again by the construction heuristic (scratch: n_needs ints). The caller weighs the result
 * and takes it back if it places fewer or costs more. False when p cannot stand at all. */
bool previous_restore(struct state *st, int pi, int *scratch) {
        const struct prevref *p = &st->prev[pi];
        if (p->pinned || p->staff < 0 || p->program < 0 || p->nm == 0 || p->n == 0 ||
            !staff_can_teach(st->school, p->staff, p->program))
                return false;
        int minutes = p->m[0].end - p->m[0].start;
        for (size_t gi = 0; gi < st->ng; gi++)
                if (st->g[gi].alive && st->g[gi].pinned && in_the_way(st, &st->g[gi], p))
                        return false;
        int nfree = 0;
        for (size_t gi = 0; gi < st->ng; gi++) {
                struct sgroup *g = &st->g[gi];
                if (!g->alive || g->pinned || !in_the_way(st, g, p))
                        continue;
                group_open(st, (int)gi);
                for (int i = 0; i < g->n; i++)
                        scratch[nfree++] = g->needs[i];
                g->n = 0;
                group_close(st, (int)gi);
        }
        int gi = group_new(st, p->program, p->nm, minutes);
        if (gi < 0)
                return false;
        struct sgroup *g = &st->g[gi];
        g->prev = pi;
        g->staff = p->staff;
        g->nm = p->nm;
        memcpy(g->m, p->m, sizeof(struct meeting) * (size_t)p->nm);
        bool ok = fits_published(st, g, p);
        if (ok) {
                g->alive = true;
                for (int k = 0; k < p->n; k++)
                        if (st->need_group[p->needs[k]] < 0 && need_fits_group(st, p->needs[k], g))
                                g->needs[g->n++] = p->needs[k];
                group_close(st, gi);
        }
        for (int i = 0; i < nfree && !st->oom; i++)
                if (st->need_group[scratch[i]] < 0)
                        best_insert(st, scratch[i]);
        return ok && !st->oom;
}

/* Restores, one by one, every published group no live group is (previous_restore), keeping
 * each restore that places as many needs and costs no more: after a re-solve's keeper adopts
 * a schedule searched from scratch, this walks it back towards the published one. Returns how
 * many groups were restored, or -ENOMEM. */
int previous_restore_all(struct state *st, int *scratch) {
        bool *claimed = calloc(st->nprev + 1, sizeof *claimed);
        if (!claimed)
                return -ENOMEM;
        int total = 0;
        for (int pass = 0; pass < 6; pass++) {
                int restored = 0;
                memset(claimed, 0, (st->nprev + 1) * sizeof *claimed);
                for (size_t gi = 0; gi < st->ng; gi++)
                        if (st->g[gi].alive && st->g[gi].prev >= 0)
                                claimed[st->g[gi].prev] = true;
                for (size_t pi = 0; pi < st->nprev; pi++) {
                        if (claimed[pi])
                                continue;
                        long before = state_cost(st), unplaced = st->n_unplaced;
                        move_begin(st);
                        if (previous_restore(st, (int)pi, scratch) && st->n_unplaced <= unplaced &&
                            state_cost(st) < before) {
                                claimed[pi] = true;
                                restored++;
                        } else {
                                move_rollback(st);
                        }
                        if (st->oom)
                                break;
                }
                total += restored;
                if (restored == 0 || st->oom)
                        break;
        }
        free(claimed);
        return st->oom ? -ENOMEM : total;
}
