/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite for common/pgtable.c: the PV MMU's entry rules. */
#include "check_suite.h"
#include <stdlib.h>

#include <xenia/pgtable.h>
#include <xenia/public.h>

#define FRAME(n) ((uint64_t)(n) << 12)
#define DATA     (PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY)

struct l1_case {
    const char *what;
    uint64_t e;
    bool priv;
    int rc;
};

static const struct l1_case l1_cases[] = {
    { "not present: anything goes", 0xfffffffffffffffeULL, false, 0 },
    { "plain data", FRAME(1) | DATA, false, 0 },
    { "user, global, NX", FRAME(1) | DATA | PTE_USER | PTE_GLOBAL | PTE_NX, false, 0 },
    { "avail bits 9-11 and 52-58", FRAME(1) | DATA | PTE_AVAIL | PTE_AVAIL_HIGH, false, 0 },
    { "bit 62 (Xen release builds accept it)", FRAME(1) | DATA | PTE_GNTTAB, false, 0 },
    { "protection key bits 59-61", FRAME(1) | DATA | (1ULL << 59), false, -XEN_EINVAL },
    { "PAT unprivileged", FRAME(1) | DATA | PTE_PAT, false, -XEN_EPERM },
    { "PCD unprivileged", FRAME(1) | DATA | PTE_PCD, false, -XEN_EPERM },
    { "PWT unprivileged", FRAME(1) | DATA | PTE_PWT, false, -XEN_EPERM },
    { "PAT|PCD|PWT privileged", FRAME(1) | DATA | PTE_PAT | PTE_PCD | PTE_PWT, true, 0 },
    { "top frame bits", FRAME(0xffffffffffULL) | DATA, false, 0 },
};

START_TEST(test_l1_rules)
{
    const struct l1_case *c = &l1_cases[_i];

    ck_assert_msg(pgt_check_l1e(c->e, c->priv) == c->rc, "%s", c->what);
}
END_TEST

struct ln_case {
    const char *what;
    uint64_t e;
    unsigned int level;
    int rc;
};

static const struct ln_case ln_cases[] = {
    { "L2 table entry", FRAME(2) | DATA | PTE_USER, 2, 0 },
    { "L4 table entry with NX and avail", FRAME(2) | DATA | PTE_NX | PTE_AVAIL, 4, 0 },
    { "L2 superpage", FRAME(2) | DATA | PTE_PSE, 2, -XEN_EINVAL },
    { "L3 superpage", FRAME(2) | DATA | PTE_PSE, 3, -XEN_EINVAL },
    { "L2 global", FRAME(2) | DATA | PTE_GLOBAL, 2, -XEN_EINVAL },
    { "L3 PCD", FRAME(2) | DATA | PTE_PCD, 3, -XEN_EINVAL },
    { "L4 PWT", FRAME(2) | DATA | PTE_PWT, 4, -XEN_EINVAL },
    { "L2 bit 62", FRAME(2) | DATA | PTE_GNTTAB, 2, -XEN_EINVAL },
    { "not present", 0x80, 2, 0 },
    { "level 1 is not an Ln", FRAME(2) | DATA, 1, -XEN_EINVAL },
    { "level 5 does not exist", FRAME(2) | DATA, 5, -XEN_EINVAL },
};

START_TEST(test_ln_rules)
{
    const struct ln_case *c = &ln_cases[_i];

    ck_assert_msg(pgt_check_lne(c->e, c->level) == c->rc, "%s", c->what);
}
END_TEST

START_TEST(test_xen_slots)
{
    unsigned int i;

    for (i = 0; i < 512; i++)
        ck_assert_int_eq(pgt_l4_slot_is_xen(i), i >= 256 && i <= 271);
    ck_assert(!pgt_l4_slot_is_xen(1000));
}
END_TEST

/* The example in pgtable.c's header comment. */
START_TEST(test_worked_example)
{
    ck_assert_int_eq(pgt_check_l1e(0x1063, false), 0);
    ck_assert_int_eq(pgt_check_lne(0x1063, 2), 0);
    ck_assert_int_eq(pgt_check_l1e(0x10e3, false), -XEN_EPERM);
    ck_assert_int_eq(pgt_check_l1e(0x10e3, true), 0);
    ck_assert_int_eq(pgt_check_lne(0x10e3, 2), -XEN_EINVAL);
}
END_TEST

START_TEST(test_adjust_l1e)
{
    /* kernel mapping: USER and bit 52 added, not global */
    ck_assert_uint_eq(pgt_adjust_l1e(FRAME(3) | DATA),
                      FRAME(3) | DATA | PTE_USER | PTE_GUEST_KERNEL);
    /* user mapping: made global */
    ck_assert_uint_eq(pgt_adjust_l1e(FRAME(3) | DATA | PTE_USER),
                      FRAME(3) | DATA | PTE_USER | PTE_GLOBAL);
    /* a guest-set bit 52 marks it kernel: no GLOBAL added */
    ck_assert_uint_eq(pgt_adjust_l1e(FRAME(3) | DATA | PTE_USER | PTE_GUEST_KERNEL),
                      FRAME(3) | DATA | PTE_USER | PTE_GUEST_KERNEL);
    /* GLOBAL the guest set on a kernel mapping stays (as Xen) */
    ck_assert_uint_eq(pgt_adjust_l1e(FRAME(3) | DATA | PTE_GLOBAL),
                      FRAME(3) | DATA | PTE_GLOBAL | PTE_USER | PTE_GUEST_KERNEL);
    /* not present: untouched */
    ck_assert_uint_eq(pgt_adjust_l1e(FRAME(3) | PTE_RW), FRAME(3) | PTE_RW);
    /* idempotent */
    ck_assert_uint_eq(pgt_adjust_l1e(pgt_adjust_l1e(FRAME(3) | DATA)),
                      pgt_adjust_l1e(FRAME(3) | DATA));
}
END_TEST

START_TEST(test_adjust_lne)
{
    ck_assert_uint_eq(pgt_adjust_lne(FRAME(4) | DATA), FRAME(4) | DATA | PTE_USER);
    ck_assert_uint_eq(pgt_adjust_lne(FRAME(4) | PTE_RW), FRAME(4) | PTE_RW);
}
END_TEST

static Suite *pgtable_suite(void)
{
    Suite *s = suite_create("pgtable");
    TCase *tc;

    tc = tcase_create("l1_rules");
    tcase_add_loop_test(tc, test_l1_rules, 0, sizeof(l1_cases) / sizeof(l1_cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("ln_rules");
    tcase_add_loop_test(tc, test_ln_rules, 0, sizeof(ln_cases) / sizeof(ln_cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("xen_slots");
    tcase_add_test(tc, test_xen_slots);
    suite_add_tcase(s, tc);
    tc = tcase_create("worked_example");
    tcase_add_test(tc, test_worked_example);
    suite_add_tcase(s, tc);
    tc = tcase_create("adjust");
    tcase_add_test(tc, test_adjust_l1e);
    tcase_add_test(tc, test_adjust_lne);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return suite_run(pgtable_suite());
}
