/* test-memo.c: what the construction remembers (daemon/solver/memo.c) never hides a placement.
 * A search runs ruin-and-recreate moves on an overloaded school; now and then every unplaced
 * need is checked against a copy of the same schedule built from nothing (state_load: no
 * version, cache or remembered answer survives it): each group it could join is among those
 * the memo says to try, its windows alone with each interventionist are the same, and seating
 * it goes where it goes in the copy. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "solver/search.h"
#include "solver/solver.h"
#include "tools/schoolgen/schoolgen.h"

struct seat {
        bool placed;
        int staff, n, nm;
        struct meeting m[MEETINGS_MAX];
};

/* Seats need by best_insert and takes it back: where it went. */
static struct seat try_seat(struct state *st, int need) {
        struct seat out = { 0 };
        move_begin(st);
        out.placed = best_insert(st, need);
        int gi = st->need_group[need];
        if (out.placed && gi >= 0) {
                out.staff = st->g[gi].staff;
                out.n = st->g[gi].n;
                out.nm = st->g[gi].nm;
                memcpy(out.m, st->g[gi].m, sizeof out.m);
        }
        move_rollback(st);
        return out;
}

static void check_against_a_fresh_copy(struct state *st, const struct solver_ctx *ctx, const struct solver_weights *w,
                                       int round) {
        struct state fresh = { 0 };
        ck_assert_int_eq(state_init(&fresh, ctx, w, 1), 0);
        ck_assert_int_eq(state_load(&fresh, st->g, st->ng), 0);
        memcpy(fresh.impossible, st->impossible, st->school->n_needs * sizeof *st->impossible);
        int checked = 0, windows = 0;
        for (size_t i = 0; i < st->school->n_needs; i++) {
                int need = (int)i, one[2];
                if (st->impossible[i])
                        continue;
                for (const int *s = staff_for(st, need, one); *s >= 0; s++) {
                        struct daybits remembered[DAY_COUNT], afresh[DAY_COUNT];
                        alone_starts(st, need, *s, remembered);
                        alone_starts(&fresh, need, *s, afresh);
                        ck_assert_msg(memcmp(remembered, afresh, sizeof remembered) == 0,
                                      "round %d: need %d alone with staff %d: remembered windows differ", round, need, *s);
                        for (int d = 0; d < DAY_COUNT; d++)
                                windows += daybits_count(&afresh[d]);
                }
                if (st->need_group[i] >= 0)
                        continue;
                checked++;
                int since[256], n = memo_join_candidates(st, need, since);
                for (size_t gi = 0; n >= 0 && gi < st->ng; gi++) {
                        if (!st->g[gi].alive || !need_fits_group(st, need, &st->g[gi]))
                                continue;
                        bool listed = false;
                        for (int k = 0; k < n && !listed; k++)
                                listed = since[k] == (int)gi;
                        ck_assert_msg(listed, "round %d: need %d fits group %zu, which the memo does not try", round,
                                      need, gi);
                }
                struct seat a = try_seat(st, need), b = try_seat(&fresh, need);
                ck_assert_msg(a.placed == b.placed && a.staff == b.staff && a.n == b.n && a.nm == b.nm &&
                                      memcmp(a.m, b.m, sizeof a.m) == 0,
                              "round %d: need %d is seated %s (staff %d, %d students) where a fresh copy seats it %s "
                              "(staff %d, %d students)",
                              round, need, a.placed ? "" : "nowhere", a.staff, a.n, b.placed ? "" : "nowhere", b.staff,
                              b.n);
        }
        /* The school is overloaded, but not so much that nobody has a window left. */
        ck_assert_int_gt(windows, 0);
        ck_assert_int_gt(checked, 0);
        state_free(&fresh);
}

START_TEST(test_remembered_answers_are_the_fresh_ones) {
        struct schoolgen_params params = { .seed = 3, .students = 300, .overloaded = true };
        struct school *school = NULL;
        ck_assert_int_eq(schoolgen_build(&params, &school), 0);
        struct solver_ctx *ctx = NULL;
        ck_assert_int_eq(solver_ctx_new(school, &ctx), 0);
        struct solver_weights w;
        solver_weights_default(&w);
        struct state st = { 0 };
        ck_assert_int_eq(state_init(&st, ctx, &w, 1), 0);
        for (size_t i = 0; i < school->n_needs; i++)
                st.impossible[i] = need_windows(&st, (int)i) == 0;
        for (size_t i = 0; i < school->n_needs; i++)
                if (!st.impossible[i]) {
                        move_begin(&st);
                        best_insert(&st, (int)i);
                }
        int *scratch = malloc((school->n_needs + 1) * sizeof *scratch);
        ck_assert_ptr_nonnull(scratch);
        check_against_a_fresh_copy(&st, ctx, &w, 0);
        /* Moves kept and moves taken back, of every neighbourhood. */
        for (int round = 1; round <= 400; round++) {
                move_begin(&st);
                move_ruin_recreate(&st, round % LNS_COUNT, scratch);
                if (round % 3 == 0)
                        move_rollback(&st);
                if (round % 20 == 0)
                        check_against_a_fresh_copy(&st, ctx, &w, round);
        }
        ck_assert(!st.oom);
        free(scratch);
        state_free(&st);
        solver_ctx_free(ctx);
        school_unref(school);
}
END_TEST

Suite *suite_memo(void) {
        Suite *suite = suite_create("memo");
        TCase *tc = tcase_create("memo");
        tcase_set_timeout(tc, 120);
        tcase_add_test(tc, test_remembered_answers_are_the_fresh_ones);
        suite_add_tcase(suite, tc);
        return suite;
}
