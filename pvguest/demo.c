/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the demo role: hello, a handled #PF and #GP, a guest-user syscall round trip. */
#include "pvguest.h"
#include "arch.h"
#include "hypercall.h"

static uint8_t demo_guard[PAGE_SIZE] __page_aligned_bss;

static void demo_user(void)
{
    long r = usys(USYS_ECHO, 0x1234, 0);

    usys(USYS_EXIT, r == (long)(0x1234 ^ USYS_ECHO_XOR) ? 42 : 1, 0);
}

/* A read of a page we unmapped ourselves: #PF with CR2 in vcpu_info. */
static int demo_page_fault(void)
{
    uint64_t v;

    if (mm_set_pte(demo_guard, 0))
        return -1;
    trap_reset();
    asm volatile("1: mov (%1), %0\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "=r"(v) : "r"(demo_guard), "0"(0UL) : "memory");
    printf("pvguest: page fault handled: vector %u, cr2 %#lx, error %#lx\n",
           last_trap.vector, last_trap.cr2, last_trap.error_code);
    return last_trap.vector == X86_EXC_PF &&
           last_trap.cr2 == (uint64_t)demo_guard ? 0 : -1;
}

static int demo_gp(void)
{
    uint64_t v;

    /* A non-canonical address: #GP(0) on Xen and on Xenia alike (hlt is
     * not portable here: Xen bounces it, Xenia blocks the vCPU). */
    trap_reset();
    asm volatile("1: mov (%1), %0\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "=r"(v) : "r"(0x8000000000000000UL), "0"(0UL) : "memory");
    printf("pvguest: general protection handled: vector %u, error %#lx\n",
           last_trap.vector, last_trap.error_code);
    return last_trap.vector == X86_EXC_GP ? 0 : -1;
}

int demo_main(void)
{
    long code;

    printf("pvguest: hello from a Xen PV %s (start_info %p, %lu pages, cmdline '%s')\n",
           (pvg_si->flags & SIF_INITDOMAIN) ? "dom0" : "domU",
           (void *)pvg_si, pvg_si->nr_pages, (const char *)pvg_si->cmd_line);
    printf("pvguest: trap table and callbacks installed\n");
    if (demo_page_fault() || demo_gp())
        return 1;
    if (user_init())
        return 1;
    code = user_run(demo_user);
    printf("pvguest: user mode round trip done: user exited with %ld\n", code);
    if (code != 42)
        return 1;
    printf("pvguest: demo finished, shutting down\n");
    return 0;
}
