/* test-idmap.c: the id hash the importer resolves cross-file references with: every id found
 * again after the table grew, duplicates refused with the first index. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "import/idmap.h"

START_TEST(test_idmap_grows_and_finds_every_id) {
        enum { N = 5000 };
        static char ids[N][16];
        struct idmap map = { 0 }; /* zeroed: no idmap_init, so the table must grow by itself */
        for (int i = 0; i < N; i++) {
                snprintf(ids[i], sizeof ids[i], "S%d", i);
                ck_assert_int_eq(idmap_add(&map, ids[i], i, NULL), 1);
        }
        ck_assert_uint_eq(map.n, N);
        for (int i = 0; i < N; i++)
                ck_assert_int_eq(idmap_get(&map, ids[i]), i);
        ck_assert_int_eq(idmap_get(&map, "S5000"), -1);
        ck_assert_int_eq(idmap_get(&map, ""), -1);
        ck_assert_int_eq(idmap_get(&map, NULL), -1);
        int existing = -1;
        ck_assert_int_eq(idmap_add(&map, "S42", 7, &existing), 0);
        ck_assert_int_eq(existing, 42);
        ck_assert_int_eq(idmap_get(&map, "S42"), 42);
        idmap_done(&map);
        ck_assert_int_eq(idmap_get(&map, "S1"), -1);
}
END_TEST

Suite *suite_idmap(void) {
        Suite *suite = suite_create("idmap");
        TCase *tcase = tcase_create("lookup");
        tcase_add_test(tcase, test_idmap_grows_and_finds_every_id);
        suite_add_tcase(suite, tcase);
        return suite;
}
