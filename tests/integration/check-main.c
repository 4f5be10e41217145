/* check-main.c: the one runner of the integration suites. Every file of tests/integration that defines
 * `Suite *suite_NAME(void)` is listed in integration-suites.inc by the Makefile. */
#include <check.h>
#include <stdlib.h>

#define SUITE(name) Suite *name(void);
#include "build-suites.inc"
#undef SUITE

int main(void) {
        SRunner *runner = srunner_create(NULL);
#define SUITE(name) srunner_add_suite(runner, name());
#include "build-suites.inc"
#undef SUITE
        srunner_run_all(runner, CK_NORMAL);
        int failed = srunner_ntests_failed(runner);
        srunner_free(runner);
        return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
