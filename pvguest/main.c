/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: C entry, shared_info mapping, role selection from the command line, shutdown. */
#include "pvguest.h"
#include "arch.h"
#include "hypercall.h"
#include "pvpatch.h"

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
    pv->shutdown(code);
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

static unsigned long pfn_after(uint64_t va)
{
    return (va - PVG_VIRT_BASE + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

static unsigned long max_ul(unsigned long a, unsigned long b)
{
    return a > b ? a : b;
}

/*
 * What the portable kernel needs from Xen's boot layout: every frame the
 * builder used (image, p2m list, start_info, boot tables, boot stack, a
 * domU's console and xenstore pages) stays out of the allocator, and the
 * region mapped for us ends at the first unmapped pfn after them.
 */
static void xen_boot_params(struct boot_params *bp)
{
    const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;
    unsigned long first = pfn_after((uint64_t)_image_end), mapped;

    first = max_ul(first, pfn_after(pvg_si->mfn_list + pvg_si->nr_pages * 8));
    first = max_ul(first, pfn_after((uint64_t)pvg_si + sizeof(*pvg_si)));
    first = max_ul(first, pfn_after(pvg_si->pt_base +
                                    pvg_si->nr_pt_frames * PAGE_SIZE));
    first = max_ul(first, pfn_after(pvg_boot_regs.rsp));
    if (!(pvg_si->flags & SIF_INITDOMAIN)) {
        first = max_ul(first, m2p[pvg_si->console.domU.mfn] + 1);
        first = max_ul(first, m2p[pvg_si->store_mfn] + 1);
    }
    if (pvg_si->mod_start)
        first = max_ul(first, pfn_after(pvg_si->mod_start + pvg_si->mod_len));
    for (mapped = first; mapped < pvg_si->nr_pages; mapped++) {
        uint64_t *l1e = pte_lookup((void *)(PVG_VIRT_BASE + (mapped << PAGE_SHIFT)));

        if (!l1e || !(*l1e & _PAGE_PRESENT))
            break;
    }
    bp->cmdline = pvg_cmdline;
    bp->nr_pages = pvg_si->nr_pages;
    bp->first_free_pfn = first;
    bp->mapped_pfns = mapped;
    bp->root = (uint64_t *)pvg_si->pt_base;
    bp->tsc_khz = 0;
}

void __noreturn pvg_main(start_info_t *si)
{
    char role[32];
    int rc;

    pv_select(&pv_xen);
    pvg_si = si;
    pvg_cmdline = (const char *)si->cmd_line;
    /* hcall=syscall: every hypercall (and iret) as an inline syscall. */
    pvg_hcall_syscall_default = cmdline_has("hcall=syscall");
    hcall_use_syscall = pvg_hcall_syscall_default;
    cmdline_role(role, sizeof(role));
    if (!strcmp(role, "xentest"))
        early_msr_probe();
    mm_init();
    map_shared_info();
    pv->load_gdt();
    pv->load_trap_table();

    if (!strcmp(role, "test") || !strcmp(role, "bench")) {
        struct boot_params bp;

        xen_boot_params(&bp);
        kernel_start(&bp);
    }
    if (!strcmp(role, "xentest"))
        rc = tests_main();
    else if (!strcmp(role, "demo") || !role[0])
        rc = demo_main();
    else if (!strcmp(role, "xenbench"))
        rc = bench_main();
    else if (!strcmp(role, "wait"))
        rc = wait_main();
    else if (!strcmp(role, "pingpong"))
        rc = pingpong_main();
    else if (!strcmp(role, "spin"))
        rc = spin_main();
    else if (!strcmp(role, "watchdog"))
        rc = watchdog_main();
    else if (!strcmp(role, "unpriv"))
        rc = unpriv_main();
    else if (!strcmp(role, "lifecycle"))
        rc = lifecycle_main();
    else if (!strcmp(role, "build"))
        rc = build_main();
    else if (!strcmp(role, "echo"))
        rc = echo_main();
    else {
        printf("pvguest: unknown role '%s' (want test, bench, xentest, demo, "
               "xenbench, wait, pingpong, spin, unpriv, lifecycle, build or "
               "echo)\n", role);
        rc = 1;
    }
    pvg_shutdown(rc);
}
