/* test-dosage.c: dosage and fidelity arithmetic against weeks counted by hand, and the bands
 * of practice (high >= 80 %, adequate 60-79 %, partial 40-59 %, low < 40 %). */
#include <check.h>

#include "model/dosage.h"

START_TEST(test_bands_at_their_edges) {
        ck_assert_int_eq(dosage_band_of_percent(-1), DOSAGE_NONE);
        ck_assert_int_eq(dosage_band_of_percent(0), DOSAGE_LOW);
        ck_assert_int_eq(dosage_band_of_percent(39), DOSAGE_LOW);
        ck_assert_int_eq(dosage_band_of_percent(40), DOSAGE_PARTIAL);
        ck_assert_int_eq(dosage_band_of_percent(59), DOSAGE_PARTIAL);
        ck_assert_int_eq(dosage_band_of_percent(60), DOSAGE_ADEQUATE);
        ck_assert_int_eq(dosage_band_of_percent(79), DOSAGE_ADEQUATE);
        ck_assert_int_eq(dosage_band_of_percent(80), DOSAGE_HIGH);
        ck_assert_int_eq(dosage_band_of_percent(100), DOSAGE_HIGH);
        ck_assert_str_eq(dosage_band_names[DOSAGE_ADEQUATE], "adequate");
}
END_TEST

START_TEST(test_a_week_of_lli_counted_by_hand) {
        /* LLI 30 min x 5: Mon full, Tue 25 min, Wed absent, Thu cancelled, Fri full, and a
         * 30-minute make-up (delivered, never planned). */
        struct dosage_tally t = { 0 };
        dosage_add(&t, true, 30, true, 30);
        dosage_add(&t, true, 30, true, 25);
        dosage_add(&t, true, 30, false, 0);
        dosage_add(&t, true, 30, false, 0);
        dosage_add(&t, true, 30, true, 30);
        dosage_add(&t, false, 30, true, 30);
        ck_assert_int_eq(t.planned_minutes, 150);
        ck_assert_int_eq(t.delivered_minutes, 115);
        ck_assert_int_eq(t.planned_sessions, 5);
        ck_assert_int_eq(t.delivered_sessions, 4);
        ck_assert_int_eq(dosage_percent(&t), 76); /* 115/150 = 76.6: rounded down */
        ck_assert_int_eq(dosage_session_percent(&t), 80);
        ck_assert_int_eq(dosage_band(&t), DOSAGE_ADEQUATE);
}
END_TEST

START_TEST(test_just_under_eighty_is_not_high) {
        struct dosage_tally t = { .planned_minutes = 1000, .delivered_minutes = 799 };
        ck_assert_int_eq(dosage_percent(&t), 79);
        ck_assert_int_eq(dosage_band(&t), DOSAGE_ADEQUATE);
        struct dosage_tally none = { 0 };
        ck_assert_int_eq(dosage_percent(&none), -1);
        ck_assert_int_eq(dosage_band(&none), DOSAGE_NONE);
}
END_TEST

START_TEST(test_merge_adds_weeks) {
        struct dosage_tally a = { 150, 120, 5, 4 }, b = { 150, 30, 5, 1 };
        dosage_merge(&a, &b);
        ck_assert_int_eq(a.planned_minutes, 300);
        ck_assert_int_eq(a.delivered_minutes, 150);
        ck_assert_int_eq(dosage_percent(&a), 50);
        ck_assert_int_eq(dosage_band(&a), DOSAGE_PARTIAL);
}
END_TEST

START_TEST(test_fidelity_rolls_up_items_not_session_averages) {
        /* 6 of 6, then 1 of 4: items 7 of 10 = 70 %, not the 62 % of averaged scores. */
        struct fidelity_tally t = { 0 };
        fidelity_add(&t, 6, 6);
        fidelity_add(&t, 1, 4);
        fidelity_add(&t, 0, 0); /* a program without a checklist does not count */
        ck_assert_int_eq(t.sessions, 2);
        ck_assert_int_eq(fidelity_percent(&t), 70);
        struct fidelity_tally empty = { 0 };
        ck_assert_int_eq(fidelity_percent(&empty), -1);
        /* Rounded to nearest for people; the threshold compared exactly. */
        struct fidelity_tally four_of_six = { .sessions = 1, .delivered = 4, .applicable = 6 };
        ck_assert_int_eq(fidelity_percent(&four_of_six), 67);
        struct fidelity_tally just_under = { .sessions = 1, .delivered = 159, .applicable = 200 };
        ck_assert_int_eq(fidelity_percent(&just_under), 80);
        ck_assert(fidelity_below(&just_under, 80));
        ck_assert(!fidelity_below(&t, 70));
        ck_assert(fidelity_below(&t, 71));
        ck_assert(!fidelity_below(&empty, 80));
}
END_TEST

Suite *suite_dosage(void) {
        Suite *suite = suite_create("dosage");
        TCase *bands = tcase_create("bands");
        tcase_add_test(bands, test_bands_at_their_edges);
        tcase_add_test(bands, test_just_under_eighty_is_not_high);
        suite_add_tcase(suite, bands);
        TCase *tally = tcase_create("tallies");
        tcase_add_test(tally, test_a_week_of_lli_counted_by_hand);
        tcase_add_test(tally, test_merge_adds_weeks);
        tcase_add_test(tally, test_fidelity_rolls_up_items_not_session_averages);
        suite_add_tcase(suite, tally);
        return suite;
}
