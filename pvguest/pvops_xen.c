/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the Xen PV paravirt-ops: hypercalls, vcpu_info's event mask, batched MMU updates. */
#include "pvguest.h"
#include "arch.h"
#include "hypercall.h"
#include "pvops.h"

#define MMU_CHUNK 64            /* mmu_update requests per hypercall */

/* A pending upcall is delivered on the way back from any hypercall. */
static void xen_force_upcall(void)
{
    HYPERVISOR_xen_version(XENVER_version, NULL);
}

static unsigned long xen_save_fl(void)
{
    return pvg_vcpu0->evtchn_upcall_mask ? 0 : X86_EFLAGS_IF;
}

static void xen_irq_disable(void)
{
    pvg_vcpu0->evtchn_upcall_mask = 1;
    barrier();
}

static void xen_irq_enable(void)
{
    barrier();
    pvg_vcpu0->evtchn_upcall_mask = 0;
    /* Unmask, then look: an event set in between is not lost. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (pvg_vcpu0->evtchn_upcall_pending)
        xen_force_upcall();
}

static void xen_restore_fl(unsigned long flags)
{
    if (flags & X86_EFLAGS_IF)
        xen_irq_enable();
    else
        xen_irq_disable();
}

/* SCHEDOP_block unmasks events and sleeps until one is pending. */
static void xen_safe_halt(void)
{
    HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

static unsigned long xen_mfn_to_pfn(unsigned long mfn)
{
    return ((const unsigned long *)MACH2PHYS_VIRT_START)[mfn];
}

static void xen_pte_batch(const struct pte_update *u, unsigned int n)
{
    mmu_update_t req[MMU_CHUNK];

    while (n) {
        unsigned int k = n < MMU_CHUNK ? n : MMU_CHUNK, i, done = 0;
        long rc;

        for (i = 0; i < k; i++) {
            req[i].ptr = virt_to_maddr(u[i].ptep) | MMU_NORMAL_PT_UPDATE;
            req[i].val = u[i].val;
        }
        rc = HYPERVISOR_mmu_update(req, k, &done, DOMID_SELF);
        if (rc)
            pvg_panic("mmu_update of %#lx := %#lx: %ld",
                      (unsigned long)req[done].ptr, (unsigned long)req[done].val,
                      rc);
        u += k;
        n -= k;
    }
}

static void xen_set_pte(uint64_t *ptep, uint64_t val)
{
    struct pte_update u = { ptep, val };

    xen_pte_batch(&u, 1);
}

static long mmuext(unsigned int cmd, unsigned long arg)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = arg;          /* linear_addr shares the union */
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Remap a page of our 1:1 region read-only (a page table) or writable. */
static void remap_self(void *va, int writable)
{
    uint64_t pte = virt_to_maddr(va) | _PAGE_PRESENT | _PAGE_ACCESSED;
    long rc;

    if (writable)
        pte |= _PAGE_RW | _PAGE_DIRTY;
    rc = HYPERVISOR_update_va_mapping((unsigned long)va, pte,
                                      UVMF_INVLPG | UVMF_LOCAL);
    if (rc)
        pvg_panic("remapping %p %s: %ld", va, writable ? "rw" : "ro", rc);
}

/*
 * Xen validates a table when it is first used as one; it must be mapped
 * read-only everywhere by then.  Roots are pinned so they stay validated
 * while no CR3 names them.
 */
static void xen_pt_alloc(void *table, enum pt_level level)
{
    long rc;

    remap_self(table, 0);
    if (level != PT_L4)
        return;
    rc = mmuext(MMUEXT_PIN_L4_TABLE, virt_to_mfn(table));
    if (rc)
        pvg_panic("pinning L4 %p: %ld", table, rc);
}

static void xen_pt_free(void *table, enum pt_level level)
{
    long rc;

    if (level == PT_L4) {
        rc = mmuext(MMUEXT_UNPIN_TABLE, virt_to_mfn(table));
        if (rc)
            pvg_panic("unpinning L4 %p: %ld", table, rc);
    }
    remap_self(table, 1);
}

/*
 * A context switch changes the kernel stack Xen bounces to and the page
 * tables: between start_ and end_context_switch both are queued and go
 * to Xen as one multicall, one guest/hypervisor round trip instead of two
 * (Linux batches its context switch the same way).
 */
#define MC_MAX 2

static struct multicall_entry mc[MC_MAX];
static struct mmuext_op mc_roots[2];    /* read by Xen at the flush */
static unsigned int mc_n;
static int mc_lazy;

static void xen_start_context_switch(void)
{
    mc_lazy = 1;
}

static void xen_end_context_switch(void)
{
    unsigned int i;
    long rc;

    mc_lazy = 0;
    if (!mc_n)
        return;
    rc = HYPERVISOR_multicall(mc, mc_n);
    for (i = 0; i < mc_n; i++)
        if (rc || (long)mc[i].result)
            pvg_panic("context-switch multicall: %ld, op %lu gave %ld", rc,
                      (unsigned long)mc[i].op, (long)mc[i].result);
    mc_n = 0;
}

/* Queue one hypercall; 0, or -1 when not batching (issue it now). */
static int mc_queue(unsigned long op, unsigned long a0, unsigned long a1,
                    unsigned long a2, unsigned long a3)
{
    struct multicall_entry *e;

    if (!mc_lazy)
        return -1;
    if (mc_n == MC_MAX)
        pvg_panic("context-switch multicall: more than %d calls", MC_MAX);
    e = &mc[mc_n++];
    e->op = op;
    e->result = 0;
    e->args[0] = a0;
    e->args[1] = a1;
    e->args[2] = a2;
    e->args[3] = a3;
    return 0;
}

static void xen_load_root(uint64_t *kernel_l4, uint64_t *user_l4)
{
    struct mmuext_op op[2] = {
        { .cmd = MMUEXT_NEW_BASEPTR },
        { .cmd = MMUEXT_NEW_USER_BASEPTR },
    };
    long rc;

    /* A user root of 0 drops the old one (and its type reference). */
    op[0].arg1.mfn = virt_to_mfn(kernel_l4);
    op[1].arg1.mfn = user_l4 ? virt_to_mfn(user_l4) : 0;
    if (mc_lazy) {
        mc_roots[0] = op[0];
        mc_roots[1] = op[1];
        mc_queue(__HYPERVISOR_mmuext_op, (unsigned long)mc_roots, 2, 0,
                 DOMID_SELF);
        return;
    }
    rc = HYPERVISOR_mmuext_op(op, 2, NULL, DOMID_SELF);
    if (rc)
        pvg_panic("new baseptr %p/%p: %ld", kernel_l4, user_l4, rc);
}

static void xen_flush_tlb_one(unsigned long va)
{
    struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL };

    op.arg1.linear_addr = va;
    HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static void xen_flush_tlb_all(void)
{
    mmuext(MMUEXT_TLB_FLUSH_LOCAL, 0);
}

static unsigned long xen_read_cr2(void)
{
    return pvg_vcpu0->arch.cr2;
}

/*
 * Our selectors are Xen's FLAT_KERNEL_* and FLAT_USER_*, in the GDT
 * entries Xen reserves for itself: a PV kernel needs a GDT of its own
 * (HYPERVISOR_set_gdt) only for further segments, and we use none.
 */
static void xen_load_gdt(void)
{
}

static void xen_load_sp0(unsigned long sp)
{
    if (mc_queue(__HYPERVISOR_stack_switch, FLAT_KERNEL_SS, sp, 0, 0))
        HYPERVISOR_stack_switch(FLAT_KERNEL_SS, sp);
}

static void xen_set_fs_base(unsigned long base)
{
    HYPERVISOR_set_segment_base(SEGBASE_FS, base);
}

/* CPUID through the forced-emulation prefix: the policy Xen gives us. */
static void xen_cpuid(uint32_t leaf, uint32_t sub, uint32_t res[4])
{
    struct cpuid_res r;

    pv_cpuid(leaf, sub, &r);
    res[0] = r.a;
    res[1] = r.b;
    res[2] = r.c;
    res[3] = r.d;
}

/*
 * MSRs and ports: the instructions themselves, which Xen emulates; ports
 * once we hold (virtual) IOPL 1, which a domain with I/O privilege gets
 * by asking.
 */
static void xen_io_privilege(void)
{
    static int done;
    struct physdev_set_iopl iopl = { .iopl = 1 };

    if (!done && !HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl))
        done = 1;
}

static uint64_t xen_rdmsr(uint32_t msr)
{
    return rdmsr(msr);
}

static void xen_wrmsr(uint32_t msr, uint64_t val)
{
    wrmsr(msr, val);
}

static uint8_t xen_inb(uint16_t port)
{
    xen_io_privilege();
    return inb(port);
}

static void xen_outb(uint16_t port, uint8_t val)
{
    xen_io_privilege();
    outb(port, val);
}

/* pvclock: system time from vcpu_info's TSC scale, retried while Xen updates it. */
static uint64_t xen_clock_ns(void)
{
    volatile struct vcpu_time_info *t = &pvg_vcpu0->time;
    uint32_t ver;
    uint64_t ns;

    do {
        uint64_t delta;

        ver = t->version;
        barrier();
        delta = rdtsc() - t->tsc_timestamp;
        delta = t->tsc_shift >= 0 ? delta << t->tsc_shift
                                  : delta >> -t->tsc_shift;
        ns = t->system_time +
             (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
        barrier();
    } while ((ver & 1) || ver != t->version);
    return ns;
}

/* VIRQ_TIMER's port, bound on first use (traps.c dispatches it). */
uint32_t pvg_timer_port;

static void timer_bind(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    long rc;

    /* Xen arms a periodic timer for PV vCPUs; we want only ours. */
    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv);
    if (rc)
        pvg_panic("bind VIRQ_TIMER: %ld", rc);
    pvg_timer_port = bv.port;
    __atomic_fetch_and(&pvg_shared->evtchn_mask[bv.port / 64],
                       ~(1UL << (bv.port % 64)), __ATOMIC_SEQ_CST);
}

static void xen_timer_oneshot(uint64_t deadline_ns)
{
    struct vcpu_set_singleshot_timer st = { .timeout_abs_ns = deadline_ns };
    long rc;

    if (!pvg_timer_port)
        timer_bind();
    rc = HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st);
    if (rc)
        pvg_panic("set_singleshot_timer: %ld", rc);
}

static void __noreturn xen_shutdown(int code)
{
    struct sched_shutdown sd;

    sd.reason = (unsigned int)code;
    HYPERVISOR_sched_op(SCHEDOP_shutdown_code, &sd);
    sd.reason = SHUTDOWN_poweroff;
    for (;;)
        HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
}

void __noreturn pvg_ret_to_user(struct cpu_regs *regs);     /* entry.S */

/* Xen owns CR0/CR4 (OSFXSR is on); only the virtual TS is ours to clear. */
static void xen_fpu_init(void)
{
    HYPERVISOR_fpu_taskswitch(0);
}

const struct pv_ops pv_xen = {
    .name = "xen",
    .save_fl = xen_save_fl,
    .restore_fl = xen_restore_fl,
    .irq_disable = xen_irq_disable,
    .irq_enable = xen_irq_enable,
    .safe_halt = xen_safe_halt,
    .pfn_to_mfn = pfn_to_mfn,
    .mfn_to_pfn = xen_mfn_to_pfn,
    .set_pte = xen_set_pte,
    .pte_batch = xen_pte_batch,
    .pt_alloc = xen_pt_alloc,
    .pt_free = xen_pt_free,
    .load_root = xen_load_root,
    .start_context_switch = xen_start_context_switch,
    .end_context_switch = xen_end_context_switch,
    .split_user_root = 1,
    .flush_tlb_one = xen_flush_tlb_one,
    .flush_tlb_all = xen_flush_tlb_all,
    .read_cr2 = xen_read_cr2,
    .load_trap_table = traps_init,
    .load_gdt = xen_load_gdt,
    .load_sp0 = xen_load_sp0,
    .set_fs_base = xen_set_fs_base,
    .cpuid = xen_cpuid,
    .rdmsr = xen_rdmsr,
    .wrmsr = xen_wrmsr,
    .fpu_init = xen_fpu_init,
    .inb = xen_inb,
    .outb = xen_outb,
    .user_cs = FLAT_USER_CS,
    .user_ss = FLAT_USER_SS,
    .ret_to_user = pvg_ret_to_user,
    .clock_ns = xen_clock_ns,
    .timer_oneshot = xen_timer_oneshot,
    .console_write = pvg_console_write,
    .shutdown = xen_shutdown,
};
