/* SPDX-License-Identifier: GPL-2.0-only */
/* Check boilerplate shared by the hypervisor's unit suites: adding TCases and main(). */
#ifndef TESTS_UNIT_CHECK_SUITE_H
#define TESTS_UNIT_CHECK_SUITE_H

#include <check.h>
#include <stdlib.h>

/*
 * One TCase per behaviour: test runs once (loops == 0) or as a loop test
 * over _i in [0, loops), with the file's fixture when one is given.
 */
static inline void suite_add(Suite *s, const char *name, const TTest *test, int loops,
                             SFun setup, SFun teardown)
{
    TCase *tc = tcase_create(name);

    if (setup || teardown)
        tcase_add_checked_fixture(tc, setup, teardown);
    if (loops)
        tcase_add_loop_test(tc, test, 0, loops);
    else
        tcase_add_test(tc, test);
    suite_add_tcase(s, tc);
}

/* Run a suite; the exit status says whether anything failed. */
static inline int suite_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
