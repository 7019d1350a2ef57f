/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: trap table, callbacks, exception dispatch with fix-ups, event upcalls. */
#include "pvguest.h"
#include "arch.h"
#include "hypercall.h"
#include "kern.h"
#include "pvpatch.h"

volatile struct trap_record last_trap;
unsigned long pvg_events_seen;
uint64_t pvg_last_event_cs, pvg_last_event_rflags;
void (*trap_hook)(struct cpu_regs *regs);

/* The entry stubs (cpu_regs.h) and C agree on the frame. */
_Static_assert(offsetof(struct cpu_regs, r11) == REGS_R11, "cpu_regs.h");
_Static_assert(offsetof(struct cpu_regs, rcx) == REGS_RCX, "cpu_regs.h");
_Static_assert(offsetof(struct cpu_regs, vector) == REGS_VECTOR, "cpu_regs.h");
_Static_assert(offsetof(struct cpu_regs, error_code) == REGS_ERRCODE, "cpu_regs.h");
_Static_assert(offsetof(struct cpu_regs, rip) == REGS_RIP, "cpu_regs.h");
_Static_assert(offsetof(struct cpu_regs, cs) == REGS_CS, "cpu_regs.h");
_Static_assert(offsetof(struct cpu_regs, rflags) == REGS_RFLAGS, "cpu_regs.h");
_Static_assert(offsetof(struct cpu_regs, rsp) == REGS_RSP, "cpu_regs.h");
_Static_assert(offsetof(struct cpu_regs, ss) == REGS_SS, "cpu_regs.h");
_Static_assert(sizeof(struct cpu_regs) == REGS_SIZE, "cpu_regs.h");

struct extable_entry {
    uint64_t fault, fixup;
};
extern const struct extable_entry __ex_table_start[], __ex_table_end[];

/* Entry stubs (entry.S). */
extern char entry_de[], entry_db[], entry_nmi[], entry_bp[], entry_of[];
extern char entry_br[], entry_ud[], entry_nm[], entry_df[], entry_ts[];
extern char entry_np[], entry_ss[], entry_gp[], entry_pf[], entry_mf[];
extern char entry_ac[], entry_mc[], entry_xm[], entry_soft_dpl3[];
extern char entry_soft_dpl1[], entry_soft_dpl0[], entry_int80[];
extern char entry_syscall[], entry_event[], entry_failsafe[];

#define TRAP(vec, dpl, fn) { (vec), (dpl), FLAT_KERNEL_CS, (unsigned long)(fn) }

/*
 * flags = DPL: who may reach the vector with `int n` (exceptions raised by
 * the CPU ignore it).  #BP/#OF are DPL 3 as on native.
 */
const struct trap_info pvg_trap_table[] = {
    TRAP(X86_EXC_DE, 0, entry_de),
    TRAP(X86_EXC_DB, 0, entry_db),
    TRAP(2, 0, entry_nmi),
    TRAP(X86_EXC_BP, 3, entry_bp),
    TRAP(X86_EXC_OF, 3, entry_of),
    TRAP(5, 0, entry_br),
    TRAP(X86_EXC_UD, 0, entry_ud),
    TRAP(X86_EXC_NM, 0, entry_nm),
    TRAP(8, 0, entry_df),
    TRAP(10, 0, entry_ts),
    TRAP(11, 0, entry_np),
    TRAP(12, 0, entry_ss),
    TRAP(X86_EXC_GP, 0, entry_gp),
    TRAP(X86_EXC_PF, 0, entry_pf),
    TRAP(16, 0, entry_mf),
    TRAP(17, 0, entry_ac),
    TRAP(18, 0, entry_mc),
    TRAP(19, 0, entry_xm),
    TRAP(VEC_SOFT_DPL3, 3, entry_soft_dpl3),
    TRAP(VEC_SOFT_DPL1, 1, entry_soft_dpl1),
    TRAP(VEC_SOFT_DPL0, 0, entry_soft_dpl0),
    TRAP(0x80, 3, entry_int80),
    { 0, 0, 0, 0 },
};

void trap_reset(void)
{
    memset((void *)&last_trap, 0, sizeof(last_trap));
    barrier();
}

int traps_install(void)
{
    return (int)HYPERVISOR_set_trap_table(pvg_trap_table);
}

long callback_register(unsigned int type, void *fn)
{
    struct callback_register cb = {
        .type = type,
        .flags = CALLBACKF_mask_events,
        .address = (unsigned long)fn,
    };

    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

void traps_init(void)
{
    long rc;

    rc = traps_install();
    if (rc)
        pvg_panic("set_trap_table: %ld", rc);
    rc = callback_register(CALLBACKTYPE_event, entry_event);
    if (!rc)
        rc = callback_register(CALLBACKTYPE_failsafe, entry_failsafe);
    if (!rc)
        rc = callback_register(CALLBACKTYPE_syscall, entry_syscall);
    if (rc)
        pvg_panic("callback_op register: %ld", rc);
}

static uint64_t extable_find(uint64_t rip)
{
    const struct extable_entry *e;

    for (e = __ex_table_start; e < __ex_table_end; e++)
        if (e->fault == rip)
            return e->fixup;
    return 0;
}

/*
 * Consume pending events (2-level ABI).  The timer's port (pvops_xen.c)
 * goes to the kernel's tick, last: it may switch threads, and every
 * pending bit must be consumed before that.  Other ports are cleared.
 */
static void event_upcall(void)
{
    struct vcpu_info *v = pvg_vcpu0;
    unsigned long sel;
    int tick = 0;

    v->evtchn_upcall_pending = 0;
    sel = xchg64((volatile uint64_t *)&v->evtchn_pending_sel, 0);
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctzl(sel);
        unsigned long bits = pvg_shared->evtchn_pending[w] &
                             ~pvg_shared->evtchn_mask[w];

        sel &= sel - 1;
        __atomic_fetch_and(&pvg_shared->evtchn_pending[w], ~bits,
                           __ATOMIC_SEQ_CST);
        if (pvg_timer_port && w == pvg_timer_port / 64 &&
            (bits & (1UL << (pvg_timer_port % 64))))
            tick = 1;
    }
    pvg_events_seen++;
    if (tick)
        kern_timer_interrupt();
}

static void record_trap(const struct cpu_regs *regs)
{
    last_trap.vector = (unsigned int)regs->vector;
    last_trap.error_code = regs->error_code;
    last_trap.rip = regs->rip;
    last_trap.cs = regs->cs;
    last_trap.rflags = regs->rflags;
    last_trap.rsp = regs->rsp;
    last_trap.ss = regs->ss;
    last_trap.frame = regs;
    last_trap.fixed_up = 0;
    if (regs->vector == X86_EXC_PF)
        last_trap.cr2 = pv_read_cr2();
    last_trap.count++;
}

/* Vectors after which RIP already points past the instruction. */
static int vector_is_trap(uint64_t vec)
{
    return vec == X86_EXC_DB || vec == X86_EXC_BP || vec == X86_EXC_OF ||
           vec == X86_EXC_NM || vec >= 32;
}

/*
 * Called by every entry stub, Xen's bounce frames and native exceptions
 * alike; returns the flags for HYPERVISOR_iret (0, or VGCF_in_syscall for
 * a syscall return), which the native exit path ignores.
 */
unsigned long trap_dispatch(struct cpu_regs *regs)
{
    uint64_t fixup;

    switch (regs->vector) {
    case VEC_SYSCALL:
        if (kern_current_proc())
            return kern_syscall(regs);
        return trap_user_syscall(regs);
    case VEC_EVENT:
        pvg_last_event_cs = regs->cs;
        pvg_last_event_rflags = regs->rflags;
        event_upcall();
        return 0;
    case VEC_FAILSAFE:
        pvg_panic("failsafe callback at rip %#lx", regs->rip);
    }

    if (kern_current_proc() && kern_fault(regs))
        return 0;
    record_trap(regs);
    if (trap_hook)
        trap_hook(regs);
    fixup = extable_find(regs->rip);
    if (fixup) {
        regs->rip = fixup;
        last_trap.fixed_up = 1;
        return 0;
    }
    if (vector_is_trap(regs->vector))
        return 0;
    pvg_panic("unexpected exception %lu, error %#lx, rip %#lx, cs %#lx, cr2 %#lx",
              regs->vector, regs->error_code, regs->rip, regs->cs,
              pv_read_cr2());
}
