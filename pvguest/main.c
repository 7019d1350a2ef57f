/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: C entry, shared_info mapping, role selection from the command line, shutdown. */
#include "pvguest.h"
#include "arch.h"
#include "hypercall.h"

struct boot_regs pvg_boot_regs;
start_info_t *pvg_si;
shared_info_t *pvg_shared;
struct vcpu_info *pvg_vcpu0;
uint8_t pvg_boot_upcall_mask[XEN_LEGACY_MAX_VCPUS];
uint64_t pvg_early_gs_base;
int hcall_use_syscall;           /* read by entry.S too */
int pvg_hcall_syscall_default;

int bench_main(void);           /* bench.c: the bench role */

/* head.S stores the entry registers at fixed offsets. */
_Static_assert(offsetof(struct boot_regs, rsi) == 0x20, "head.S layout");
_Static_assert(offsetof(struct boot_regs, rflags) == 0x80, "head.S layout");
_Static_assert(offsetof(struct boot_regs, gs) == 0xb0, "head.S layout");

/* The frame whose mapping we replace with the shared_info page. */
static uint8_t shared_info_va[PAGE_SIZE] __page_aligned_bss;

void __noreturn pvg_shutdown(int code)
{
    struct sched_shutdown sd;

    sd.reason = (unsigned int)code;
    HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &sd);
    sd.reason = SHUTDOWN_poweroff;
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
}

void __noreturn pvg_panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printf("pvguest: PANIC: %s\n", buf);
    pvg_shutdown(2);
}

static void map_shared_info(void)
{
    uint64_t pte = (pvg_si->shared_info & PAGE_MASK) | _PAGE_PRESENT |
                   _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;
    long rc = mm_set_pte(shared_info_va, pte);
    unsigned int i;

    if (rc)
        pvg_panic("mapping shared_info failed: %ld", rc);
    pvg_shared = (shared_info_t *)shared_info_va;
    pvg_vcpu0 = &pvg_shared->vcpu_info[0];
    for (i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        pvg_boot_upcall_mask[i] = pvg_shared->vcpu_info[i].evtchn_upcall_mask;
}

/* Is `word` one of the command line's space-separated words? */
static int cmdline_has(const char *word)
{
    const char *p = (const char *)pvg_si->cmd_line;
    size_t n = strlen(word);

    while (*p) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, word, n) && (p[n] == ' ' || p[n] == '\0'))
            return 1;
        while (*p && *p != ' ')
            p++;
    }
    return 0;
}

/* First word of the command line, NUL-terminated into buf. */
static void cmdline_role(char *buf, size_t size)
{
    const char *p = (const char *)pvg_si->cmd_line;
    size_t n = 0;

    while (*p == ' ')
        p++;
    while (p[n] && p[n] != ' ' && n + 1 < size) {
        buf[n] = p[n];
        n++;
    }
    buf[n] = '\0';
}

/*
 * Like Linux's startup_xen: write GS_BASE before any trap table exists.
 * Xen must emulate it (a #GP now would have nowhere to go).
 */
static void early_msr_probe(void)
{
    static uint64_t marker;

    wrmsr(MSR_GS_BASE, (uint64_t)&marker);
    pvg_early_gs_base = rdmsr(MSR_GS_BASE);
    wrmsr(MSR_GS_BASE, 0);
}

void __noreturn pvg_main(start_info_t *si)
{
    char role[32];
    int rc;

    pvg_si = si;
    /* hcall=syscall: every hypercall (and iret) as an inline syscall. */
    pvg_hcall_syscall_default = cmdline_has("hcall=syscall");
    hcall_use_syscall = pvg_hcall_syscall_default;
    cmdline_role(role, sizeof(role));
    if (!strcmp(role, "test"))
        early_msr_probe();
    mm_init();
    map_shared_info();
    traps_init();

    if (!strcmp(role, "test"))
        rc = tests_main();
    else if (!strcmp(role, "demo") || !role[0])
        rc = demo_main();
    else if (!strcmp(role, "bench"))
        rc = bench_main();
    else if (!strcmp(role, "wait"))
        rc = wait_main();
    else if (!strcmp(role, "pingpong"))
        rc = pingpong_main();
    else if (!strcmp(role, "spin"))
        rc = spin_main();
    else if (!strcmp(role, "unpriv"))
        rc = unpriv_main();
    else if (!strcmp(role, "lifecycle"))
        rc = lifecycle_main();
    else if (!strcmp(role, "build"))
        rc = build_main();
    else if (!strcmp(role, "echo"))
        rc = echo_main();
    else {
        printf("pvguest: unknown role '%s' (want test, demo, bench, wait, "
               "pingpong, spin, unpriv, lifecycle, build or echo)\n", role);
        rc = 1;
    }
    pvg_shutdown(rc);
}
