/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the test role: runs every test table and prints the verdict line. */
#include "tests.h"
#include "hypercall.h"
#include <stdbool.h>

static char detail[256];

enum test_result t_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return T_FAIL;
}

enum test_result t_skip(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return T_SKIP;
}

/*
 * Order matters: tests_late changes global state (vcpu_info placement);
 * the *_blocking tables can hang a hypervisor that gets them wrong, so they
 * come last and everything else still reports.
 */
static const struct pvg_test *const tables[] = {
    tests_boot, tests_hcall, tests_traps, tests_emul, tests_mm, tests_user,
    tests_event, tests_gnttab, tests_memory, tests_late, tests_hostile,
    tests_aspace, tests_event_blocking, tests_emul_blocking,
};

static const char *strstr_simple(const char *h, const char *n)
{
    size_t len = strlen(n);

    for (; *h; h++)
        if (!strncmp(h, n, len))
            return h;
    return NULL;
}

/*
 * "skip=PREFIX,PREFIX..." on the command line: tests whose names start
 * with a listed prefix are reported as skipped, not run (a hypervisor that
 * lacks a feature, or would hang in it, can still run everything else).
 */
static bool skipped_by_cmdline(const char *name)
{
    const char *p = strstr_simple(pvg_cmdline, "skip=");

    if (!p)
        return false;
    for (p += 5; *p && *p != ' ';) {
        size_t n = 0;

        while (p[n] && p[n] != ',' && p[n] != ' ')
            n++;
        if (n && !strncmp(name, p, n))
            return true;
        p += n;
        if (*p == ',')
            p++;
    }
    return false;
}

/* Run each table's cases in order; the verdict line; exit code 0 or 1. */
int tests_run(const struct pvg_test *const *tabs, size_t n)
{
    unsigned int counts[3] = { 0, 0, 0 };
    const struct pvg_test *t;
    size_t i;

    for (i = 0; i < n; i++) {
        for (t = tabs[i]; t->name; t++) {
            enum test_result r;

            detail[0] = '\0';
            if (skipped_by_cmdline(t->name)) {
                counts[T_SKIP]++;
                printf("[SKIP] %s: skipped by the command line\n", t->name);
                continue;
            }
            hcall_use_syscall = pvg_hcall_syscall_default;
            r = t->fn();
            hcall_use_syscall = pvg_hcall_syscall_default;
            counts[r]++;
            if (r == T_PASS)
                printf("[PASS] %s\n", t->name);
            else
                printf("[%s] %s: %s\n", r == T_FAIL ? "FAIL" : "SKIP",
                       t->name, detail);
        }
    }
    printf("pvguest: %u passed, %u failed, %u skipped\n",
           counts[T_PASS], counts[T_FAIL], counts[T_SKIP]);
    return counts[T_FAIL] ? 1 : 0;
}

int tests_main(void)
{
    return tests_run(tables, ARRAY_SIZE(tables));
}
