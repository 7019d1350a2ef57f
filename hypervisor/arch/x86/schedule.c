/* SPDX-License-Identifier: GPL-2.0-only */
/* Running vCPUs on this CPU: context switch, blocking, waking, idle, preemption. */
#include <xenia/console.h>
#include <xenia/hypercall.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/traps.h>

/*
 * One CPU, one hypervisor stack.  A vCPU's register frame lives at the top
 * of the stack while it runs (struct cpu_info.guest_regs) and in
 * vcpu->user_regs while it does not.  schedule() never returns to its
 * caller: it leaves through reset_stack_and_return() into whichever vCPU
 * runs next.  Blocking hypercalls only mark the vCPU; it leaves the CPU on
 * its way back to the guest, with the hypercall's result in its frame.
 * Interrupts are off in the hypervisor except in the idle loop.
 */

static uint64_t slice_end;      /* preempt the current vCPU at this time */
static bool need_resched;

static void vcpu_save(struct vcpu *v)
{
    v->user_regs = *guest_regs();
    v->fs_base = rdmsr(MSR_FS_BASE);
    v->gs_base_active = rdmsr(MSR_GS_BASE);
    v->gs_base_shadow = rdmsr(MSR_SHADOW_GS_BASE);
    clts();
    fxsave(v->fpu_area);
}

static void vcpu_restore(struct vcpu *v)
{
    *guest_regs() = v->user_regs;
    wrmsr(MSR_FS_BASE, v->fs_base);
    wrmsr(MSR_GS_BASE, v->gs_base_active);
    wrmsr(MSR_SHADOW_GS_BASE, v->gs_base_shadow);
    clts();
    fxrstor(v->fpu_area);
    if (v->ctrlreg[0] & X86_CR0_TS)
        stts();
    gdt_load_guest_frames(v->gdt_frames, (v->gdt_ents + 511) / 512);
    pv_debugreg_load(v);
    set_current(v);
    pv_load_cr3(v);
    time_update_vcpu(v);
}

/*
 * A new vCPU's FPU state, written out rather than saved from the CPU
 * (fninit resets neither the XMM registers nor MXCSR: the image would
 * carry whatever the last vCPU left there): fninit's x87 state, MXCSR's
 * reset value, every register zero.
 */
void arch_vcpu_fpu_init(struct vcpu *v)
{
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;

    memset(v->fpu_area, 0, sizeof(v->fpu_area));
    memcpy(v->fpu_area, &fcw, sizeof(fcw));             /* FCW */
    memcpy(v->fpu_area + 24, &mxcsr, sizeof(mxcsr));    /* MXCSR */
}

static void run_vcpu(struct vcpu *next, uint64_t now)
{
    next->sched.started = now;
    next->runstate.state = RUNSTATE_running;
    slice_end = now + sched_slice(next, now);
    need_resched = false;
    timers_run();
}

/*
 * Pick what runs next and go there.  The current vCPU (if any) still owns
 * the frame on the stack; it is saved only when another vCPU (or idle)
 * takes the CPU.
 */
void schedule(void)
{
    struct vcpu *prev = current, *next;
    uint64_t now = arch_now_ns();

    cli();
    if (prev && prev->sched.started) {
        sched_charge(prev, now - prev->sched.started);
        prev->sched.started = 0;
    }
    next = sched_pick_next(now);
    if (next && next == prev) {
        run_vcpu(next, now);
        reset_stack_and_return();
    }
    if (prev) {
        vcpu_save(prev);
        prev->runstate.state = prev->blocked ? RUNSTATE_blocked : RUNSTATE_runnable;
        set_current(NULL);
    }
    for (;;) {
        now = arch_now_ns();
        next = sched_pick_next(now);
        if (next) {
            vcpu_restore(next);
            run_vcpu(next, now);
            reset_stack_and_return();
        }
        /* Idle: wait for an interrupt to make something runnable. */
        slice_end = 0;
        timers_run();
        safe_halt();
        cli();
    }
}

/* On the way back to the guest: has its slice run out? */
void schedule_if_needed(void)
{
    if (need_resched || (slice_end && arch_now_ns() >= slice_end) ||
        !sched_vcpu_runnable(current))
        schedule();
}

/* The hardware timer must also fire at the end of the current slice, and
 * when a capped domain's budget comes back. */
uint64_t arch_sched_deadline(uint64_t now)
{
    uint64_t refill = sched_next_refill(now), d = slice_end;

    if (refill && (!d || refill < d))
        d = refill;
    if (slice_end && now >= slice_end)
        need_resched = true;
    return d;
}

void vcpu_kick(struct vcpu *v)
{
    if (!v->blocked)
        return;
    v->blocked = false;
    v->poll_active = false;
    v->poll_deadline = 0;
    sched_wake(v, arch_now_ns());
    need_resched = true;
}

/*
 * SCHEDOP_block and hlt: events are unmasked and, unless one is already
 * pending, the vCPU stops being runnable.  It leaves the CPU on its way
 * back to the guest (schedule_if_needed), as in Xen, so the rest of a
 * multicall still runs and the hypercall's result lands in its frame.
 */
void arch_vcpu_block(struct vcpu *v)
{
    v->vcpu_info->evtchn_upcall_mask = 0;
    if (v->vcpu_info->evtchn_upcall_pending)
        return;
    v->blocked = true;
    need_resched = true;
}

void arch_vcpu_yield(struct vcpu *v)
{
    sched_vcpu_yield(v);
    need_resched = true;
}

/* SCHEDOP_poll: sleep until one of the ports is pending or the timeout. */
long arch_vcpu_poll(struct vcpu *v, const evtchn_port_t *ports, unsigned int n,
                    uint64_t timeout)
{
    unsigned int i;

    for (i = 0; i < n; i++)
        if (evtchn_port_pending(v->domain, ports[i]))
            return 0;
    if (timeout && arch_now_ns() >= timeout)
        return 0;
    v->poll_active = true;
    v->poll_deadline = timeout;
    v->blocked = true;
    need_resched = true;
    timers_run();   /* the timeout must be armed */
    return 0;
}
