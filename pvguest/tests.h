/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the self-test framework: test tables, verdicts and check macros. */
#ifndef PVGUEST_TESTS_H
#define PVGUEST_TESTS_H

#include "pvguest.h"

enum test_result { T_PASS, T_FAIL, T_SKIP };

struct pvg_test {
    const char *name;
    enum test_result (*fn)(void);
};

/* Record a detail line for the verdict; return the result. */
enum test_result t_fail(const char *fmt, ...) __printf(1, 2);
enum test_result t_skip(const char *fmt, ...) __printf(1, 2);

#define CHECK_EQ(actual, expected)                                          \
    do {                                                                    \
        long a_ = (long)(actual), e_ = (long)(expected);                    \
        if (a_ != e_)                                                       \
            return t_fail("%s = %ld (%#lx), want %ld (%#lx)", #actual,      \
                          a_, a_, e_, e_);                                  \
    } while (0)

#define CHECK(cond)                                                         \
    do {                                                                    \
        if (!(cond))                                                        \
            return t_fail("%s", #cond);                                     \
    } while (0)

/* An address no test maps (L4 slot 0 is empty in the kernel's tables). */
#define BAD_LOW_PTR ((void *)0x1000UL)

/* Expect exactly one trap of `vec` (with `err`) since trap_reset(). */
#define CHECK_TRAP(vec, err)                                                \
    do {                                                                    \
        CHECK_EQ(last_trap.count, 1);                                       \
        CHECK_EQ(last_trap.vector, (vec));                                  \
        CHECK_EQ(last_trap.error_code, (err));                              \
    } while (0)

#define CHECK_NO_TRAP() CHECK_EQ(last_trap.count, 0)

int platform_int_gp_quirk(void);   /* tests_traps.c */

/* MMU test helpers (mm.c); struct xenia_page_info is in hypercall.h. */
struct xenia_page_info;
#define PEEK_FAILED (~0UL)
uint64_t mm_peek(unsigned long mfn, unsigned int idx);
unsigned long mm_spare_mfn(unsigned int i);
long mm_page_info(unsigned long mfn, struct xenia_page_info *pi);

/* Tables, each ending with { NULL, NULL }. */
extern const struct pvg_test tests_boot[];
extern const struct pvg_test tests_hcall[];
extern const struct pvg_test tests_traps[];
extern const struct pvg_test tests_emul[];
extern const struct pvg_test tests_mm[];
extern const struct pvg_test tests_user[];
extern const struct pvg_test tests_event[];
extern const struct pvg_test tests_gnttab[];
extern const struct pvg_test tests_memory[];
extern const struct pvg_test tests_late[];
extern const struct pvg_test tests_hostile[];
extern const struct pvg_test tests_aspace[];
extern const struct pvg_test tests_event_blocking[];
extern const struct pvg_test tests_emul_blocking[];

#endif /* PVGUEST_TESTS_H */
