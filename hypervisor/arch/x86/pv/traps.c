/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest traps, system calls and hypercalls in; bounce frames and events out. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/traps.h>
#include "mm.h"

extern bool opt_sysret;

struct vcpu *current_vcpu(void)
{
    return current;
}

void set_current(struct vcpu *v)
{
    get_cpu_info()->curr_vcpu = v;
}

/* Load the page-table root of the vCPU's current mode. */
void pv_load_cr3(struct vcpu *v)
{
    unsigned long mfn = v->kernel_mode ? v->guest_table : v->guest_table_user;

    load_cr3_flush((uint64_t)mfn << PAGE_SHIFT);
}

/*
 * Guest kernel memory for a vCPU that may be in user mode (its user root
 * lacks the kernel half): run on its kernel root for the access and go
 * back after, GS bases untouched (Xen's toggle_guest_pt).  Only for the
 * running vCPU.  pv_kernel_tables() says whether it switched.
 */
bool pv_kernel_tables(struct vcpu *v)
{
    if (v->kernel_mode)
        return false;
    v->kernel_mode = true;
    pv_load_cr3(v);
    return true;
}

void pv_user_tables(struct vcpu *v, bool switched)
{
    if (!switched)
        return;
    v->kernel_mode = false;
    pv_load_cr3(v);
}

/* Kernel <-> user: flip the mode, the page-table root and the GS bases. */
void pv_toggle_guest_mode(struct vcpu *v)
{
    if (v->kernel_mode && !v->guest_table_user) {
        domain_crash(v->domain, "switch to user mode without a user page table");
        return;
    }
    v->kernel_mode = !v->kernel_mode;
    swapgs();
    pv_load_cr3(v);
}

void pv_inject_trap(struct vcpu *v, unsigned int vector, bool has_error,
                    uint32_t error_code)
{
    const struct trap_info *ti = &v->trap_ctxt[vector];
    struct trap_bounce *tb = &v->trap_bounce;

    if (!ti->address) {
        char why[64];

        snprintf(why, sizeof(why), "unhandled %s with no guest handler",
                 trap_name(vector));
        show_registers(guest_regs());
        domain_crash(v->domain, why);
        return;
    }
    tb->pending = true;
    tb->has_error_code = has_error;
    tb->error_code = error_code;
    tb->eip = ti->address;
    tb->mask_events = ti->flags & 4;   /* TI_SET_IF: mask events on entry */
}

static void bounce_callback(struct vcpu *v, unsigned long eip, bool mask)
{
    struct trap_bounce *tb = &v->trap_bounce;

    tb->pending = true;
    tb->has_error_code = false;
    tb->eip = eip;
    tb->mask_events = mask;
}

/*
 * Write Xen's bounce frame on the guest kernel stack:
 *   (low) RCX, R11, [error code], RIP, CS|mask<<32, RFLAGS, RSP, SS (high)
 * From user mode we first switch to the kernel and start at kernel_sp; in
 * kernel mode the interrupted RSP is used and CS's RPL is cleared.
 */
void pv_deliver_bounce(struct vcpu *v, struct cpu_regs *regs)
{
    struct trap_bounce *tb = &v->trap_bounce;
    uint8_t mask = v->vcpu_info->evtchn_upcall_mask;
    uint64_t frame[8], cs = regs->cs, sp;
    unsigned int n = 0;

    tb->pending = false;
    if (!v->kernel_mode) {
        pv_toggle_guest_mode(v);
        sp = v->kernel_sp;
    } else {
        sp = regs->rsp;
        cs &= ~3UL;
    }
    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    if (tb->has_error_code)
        frame[n++] = tb->error_code;
    frame[n++] = regs->rip;
    frame[n++] = cs | ((uint64_t)mask << 32);
    frame[n++] = (regs->rflags & ~X86_EFLAGS_IF) | (mask ? 0 : X86_EFLAGS_IF);
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;

    sp = (sp & ~15UL) - n * 8;
    if (copy_to_guest(sp, frame, n * 8)) {
        domain_crash(v->domain, "cannot write a bounce frame on the guest stack");
        return;
    }
    if (tb->mask_events)
        v->vcpu_info->evtchn_upcall_mask = 1;
    regs->rip = tb->eip;
    regs->cs = GUEST_CS64;
    regs->ss = GUEST_DS;
    regs->rsp = sp;
    regs->rflags = (regs->rflags & ~(X86_EFLAGS_AC | X86_EFLAGS_VM | X86_EFLAGS_RF |
                                     X86_EFLAGS_NT | X86_EFLAGS_TF | X86_EFLAGS_IOPL)) |
                   X86_EFLAGS_IF;
    regs->entry_vector = 0;
}

static void pv_page_fault(struct vcpu *v, struct cpu_regs *regs)
{
    unsigned long cr2 = read_cr2();
    uint32_t ec = regs->error_code;

    /* A write to a present, read-only page: maybe the guest's own L1. */
    if ((ec & 0x1b) == 0x3 && pv_ptwr_emulate(v, regs, cr2))
        return;

    /* The CPU saw ring 3; the guest wants to know whether its user faulted. */
    if (v->kernel_mode)
        ec &= ~4u;
    v->ctrlreg[2] = cr2;
    v->vcpu_info->arch.cr2 = cr2;
    pv_inject_trap(v, TRAP_page_fault, true, ec);
}

/* `int n` from the guest: Xen's IDT DPLs are 0, so it arrives as #GP. */
static bool pv_soft_interrupt(struct vcpu *v, struct cpu_regs *regs)
{
    unsigned int vector = regs->error_code >> 3;
    unsigned int dpl;

    if ((regs->error_code & 7) != 2 || vector >= NR_VECTORS)
        return false;
    dpl = v->trap_ctxt[vector].flags & 3;
    if (!v->trap_ctxt[vector].address)
        return false;
    if (v->kernel_mode ? dpl < 1 : dpl != 3)
        return false;
    regs->rip += 2;
    pv_inject_trap(v, vector, false, 0);
    return true;
}

/*
 * int $0x80 reaches us through a DPL 3 gate, as on Xen (its direct trap):
 * bounced to the guest's 0x80 handler whatever that entry's DPL, from
 * guest user or kernel.  With no handler it becomes the #GP an IDT entry
 * of DPL 0 would have raised, at the int instruction.  (Going through
 * that #GP would also depend on the CPU's error code, which QEMU's TCG
 * gets wrong for int n.)
 */
static void pv_int80(struct vcpu *v, struct cpu_regs *regs)
{
    if (v->trap_ctxt[LEGACY_SYSCALL_VECTOR].address) {
        pv_inject_trap(v, LEGACY_SYSCALL_VECTOR, false, 0);
        return;
    }
    regs->rip -= 2;
    pv_inject_trap(v, TRAP_gp_fault, true, (LEGACY_SYSCALL_VECTOR << 3) | 2);
}

static void pv_device_not_available(struct vcpu *v)
{
    /* Xen's ABI: an #NM always clears the virtual TS before the bounce. */
    clts();
    v->ctrlreg[0] &= ~X86_CR0_TS;
    pv_inject_trap(v, TRAP_no_device, false, 0);
}

void do_guest_trap(struct cpu_regs *regs)
{
    struct vcpu *v = current;
    unsigned int vec = regs->entry_vector;

    switch (vec) {
    case IRQ_TIMER_VECTOR:
        timer_interrupt();
        return;
    case IRQ_SPURIOUS_VECTOR:
        return;
    case TRAP_page_fault:
        pv_page_fault(v, regs);
        return;
    case TRAP_gp_fault:
        if (regs->error_code == 0 && pv_emulate_privileged_op(v, regs))
            return;
        if (pv_soft_interrupt(v, regs))
            return;
        pv_inject_trap(v, vec, true, regs->error_code);
        return;
    case TRAP_invalid_op:
        if (pv_emulate_forced_cpuid(v, regs))
            return;
        pv_inject_trap(v, vec, false, 0);
        return;
    case TRAP_no_device:
        pv_device_not_available(v);
        return;
    case LEGACY_SYSCALL_VECTOR:
        pv_int80(v, regs);
        return;
    case TRAP_debug:
        pv_debug_trap(v);
        return;
    }
    if (vec >= 32) {
        log_warn("unexpected vector %u from a guest", vec);
        return;
    }
    pv_inject_trap(v, vec, (TRAP_HAS_ERRCODE_MASK >> vec) & 1, regs->error_code);
}

/* A system call from guest user space: bounce to the registered callback. */
static void pv_user_syscall(struct vcpu *v, struct cpu_regs *regs)
{
    bool compat = regs->entry_vector == ENTRY_SYSCALL32;
    unsigned long cb = compat ? v->syscall32_callback : v->syscall_callback;
    bool mask = compat ? v->syscall32_masks : v->syscall_masks;

    regs->entry_vector = 0;
    if (!cb) {
        regs->rip -= 2;   /* report the syscall instruction itself */
        pv_inject_trap(v, TRAP_invalid_op, false, 0);
        return;
    }
    regs->rflags &= ~X86_EFLAGS_DF;
    bounce_callback(v, cb, mask);
}

void do_syscall(struct cpu_regs *regs)
{
    struct vcpu *v = current;
    unsigned long args[5];
    long rc;

    if (!v->kernel_mode || regs->entry_vector == ENTRY_SYSCALL32) {
        pv_user_syscall(v, regs);
        return;
    }
    args[0] = regs->rdi;
    args[1] = regs->rsi;
    args[2] = regs->rdx;
    args[3] = regs->r10;
    args[4] = regs->r8;
    v->iret_done = false;
    v->continuation = false;
    rc = hypercall_dispatch(regs->rax, args);
    if (v->continuation) {
        /* Run the same hypercall again with the remaining work. */
        v->continuation = false;
        regs->rdi = v->cont_args[0];
        regs->rsi = v->cont_args[1];
        regs->rdx = v->cont_args[2];
        regs->r10 = v->cont_args[3];
        regs->r8 = v->cont_args[4];
        regs->rip -= 2;
        return;
    }
    if (!v->iret_done)
        regs->rax = (unsigned long)rc;
}

/*
 * Last stop before the guest: deliver a pending bounce, then an event
 * upcall if one is pending and unmasked.  Returns 1 when the frame is a
 * plain hypercall return that sysret can take.
 */
int guest_return_work(struct cpu_regs *regs)
{
    struct vcpu *v;

    schedule_if_needed();   /* may switch to another vCPU's frame */
    v = current;
    if (v->trap_bounce.pending)
        pv_deliver_bounce(v, regs);
    if (v->vcpu_info->evtchn_upcall_pending && !v->vcpu_info->evtchn_upcall_mask &&
        v->event_callback) {
        bounce_callback(v, v->event_callback, true);
        pv_deliver_bounce(v, regs);
    }
    if (domain_is_dead(v->domain))
        arch_domain_shutdown(v->domain);
    pv_flush_if_pending();
    return opt_sysret && regs->entry_vector == ENTRY_SYSCALL && v->kernel_mode &&
           regs->cs == GUEST_CS64 && regs->ss == GUEST_DS &&
           is_canonical(regs->rip);
}

/*
 * iretq to the guest faulted: the selectors it asked for cannot be loaded.
 * As Xen does when reloading guest segments fails, hand the guest its
 * failsafe callback with the frame it wanted (RCX, R11, DS, ES, FS, GS,
 * RIP, CS|mask<<32, RFLAGS, RSP, SS, low to high) on its kernel stack;
 * without a failsafe callback the domain has nothing left to run.
 */
void guest_bad_frame(struct cpu_regs *regs)
{
    struct vcpu *v = current;
    uint8_t mask = v->vcpu_info->evtchn_upcall_mask;
    uint64_t frame[11], sp;

    if (!v->failsafe_callback || !v->kernel_mode) {
        domain_crash(v->domain, "return to an invalid guest frame");
        arch_domain_shutdown(v->domain);
        return;
    }
    frame[0] = regs->rcx;
    frame[1] = regs->r11;
    frame[2] = frame[3] = frame[4] = frame[5] = 0;   /* null DS/ES/FS/GS */
    frame[6] = regs->rip;
    frame[7] = (regs->cs & 0xffff) | ((uint64_t)mask << 32);
    frame[8] = (regs->rflags & ~X86_EFLAGS_IF) | (mask ? 0 : X86_EFLAGS_IF);
    frame[9] = regs->rsp;
    frame[10] = regs->ss & 0xffff;
    sp = (regs->rsp & ~15UL) - sizeof(frame);
    if (copy_to_guest(sp, frame, sizeof(frame))) {
        domain_crash(v->domain, "cannot write a failsafe frame on the guest stack");
        arch_domain_shutdown(v->domain);
        return;
    }
    if (v->failsafe_masks)
        v->vcpu_info->evtchn_upcall_mask = 1;
    regs->rip = v->failsafe_callback;
    regs->cs = GUEST_CS64;
    regs->ss = GUEST_DS;
    regs->rsp = sp;
    regs->rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;
    regs->entry_vector = 0;
}

/*
 * HYPERVISOR_iret: the guest's stack holds (low to high) RAX, R11, RCX,
 * flags, RIP, CS, RFLAGS, RSP, SS.  A fault reading it crashes the domain.
 */
long do_iret(unsigned long a1, unsigned long a2, unsigned long a3,
             unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current;
    struct cpu_regs *regs = guest_regs();
    struct iret_context f;

    (void)a1, (void)a2, (void)a3, (void)a4, (void)a5;
    v->iret_done = true;
    if (copy_from_guest(&f, regs->rsp, sizeof(f))) {
        domain_crash(v->domain, "bad iret frame");
        return 0;
    }
    if (!is_canonical(f.rip)) {
        domain_crash(v->domain, "iret to a non-canonical address");
        return 0;
    }
    if ((f.cs & 3) == 3 && v->kernel_mode) {
        pv_toggle_guest_mode(v);
        if (domain_is_dead(v->domain))
            return 0;
    }
    regs->rip = f.rip;
    regs->cs = (f.cs & 0xffff) | 3;
    regs->ss = (f.ss & 0xffff) | 3;
    regs->rsp = f.rsp;
    regs->rflags = (f.rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM | X86_EFLAGS_RF |
                                 X86_EFLAGS_NT)) | X86_EFLAGS_IF | X86_EFLAGS_MBS;
    regs->rax = f.rax;
    if (f.flags & VGCF_in_syscall) {
        /* Returned as sysret would: RCX and R11 carry RIP and RFLAGS. */
        regs->rcx = regs->rip;
        regs->r11 = regs->rflags;
    } else {
        regs->rcx = f.rcx;
        regs->r11 = f.r11;
    }
    v->vcpu_info->evtchn_upcall_mask = !(f.rflags & X86_EFLAGS_IF);
    regs->entry_vector = 0;
    return 0;
}
