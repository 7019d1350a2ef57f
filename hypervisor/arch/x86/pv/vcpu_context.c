/* SPDX-License-Identifier: GPL-2.0-only */
/* setvcpucontext / getvcpucontext: how a toolstack starts a vCPU it built. */
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>

/*
 * Checks everything first (canonical addresses, the kernel page-table root
 * validating as an L4 of the target domain, debug registers as
 * set_debugreg takes them, an FPU image whose MXCSR the CPU accepts),
 * then commits.  The vCPU must belong to a paused domain other than the
 * caller's.  A guest GDT in the context is not supported yet (-EINVAL):
 * the guest sets its own with set_gdt once running, as the domU builders'
 * contexts leave it empty.  The FPU image is taken with VGCF_i387_valid,
 * as Xen takes it; without, the vCPU keeps its initial state.
 */
long arch_set_vcpu_context(struct vcpu *v, const vcpu_guest_context_t *c)
{
    struct domain *d = v->domain;
    unsigned long cr3 = xen_cr3_to_pfn(c->ctrlreg[3]);
    unsigned long ucr3 = xen_cr3_to_pfn(c->ctrlreg[1]);
    const struct cpu_user_regs *u = &c->user_regs;
    unsigned long dr[8];
    unsigned int i;

    if (d == current_vcpu()->domain || !d->paused || c->gdt_ents)
        return -XEN_EINVAL;
    memcpy(dr, c->debugreg, sizeof(dr));
    if (!is_canonical(u->rip) || !is_canonical(u->rsp) ||
        !is_canonical(c->event_callback_eip) || !is_canonical(c->failsafe_callback_eip) ||
        !is_canonical(c->syscall_callback_eip) || !is_canonical(c->fs_base) ||
        !is_canonical(c->gs_base_kernel) || !is_canonical(c->gs_base_user))
        return -XEN_EINVAL;
    for (i = 0; i < 256; i++)
        if (!is_canonical(c->trap_ctxt[i].address))
            return -XEN_EINVAL;
    for (i = 0; i < 8; i++)
        if (i != 4 && i != 5 && pv_debugreg_check(i, &dr[i]))
            return -XEN_EINVAL;
    if (c->flags & VGCF_i387_valid) {
        uint32_t mxcsr;

        memcpy(&mxcsr, c->fpu_ctxt.x + 24, sizeof(mxcsr));
        if (mxcsr & ~mxcsr_mask)        /* fxrstor would #GP on it */
            return -XEN_EINVAL;
    }
    if (!mfn_valid(cr3) || !get_page_and_type(mfn_to_page(cr3), d->domain_id,
                                              PGT_l4_page_table))
        return -XEN_EINVAL;
    if (ucr3 && (!mfn_valid(ucr3) || !get_page_and_type(mfn_to_page(ucr3), d->domain_id,
                                                          PGT_l4_page_table))) {
        put_page_and_type(mfn_to_page(cr3));
        return -XEN_EINVAL;
    }

    if (v->guest_table)
        put_page_and_type(mfn_to_page(v->guest_table));
    if (v->guest_table_user)
        put_page_and_type(mfn_to_page(v->guest_table_user));
    v->guest_table = cr3;
    v->guest_table_user = ucr3;
    memset(&v->user_regs, 0, sizeof(v->user_regs));
    v->user_regs.r15 = u->r15, v->user_regs.r14 = u->r14, v->user_regs.r13 = u->r13;
    v->user_regs.r12 = u->r12, v->user_regs.rbp = u->rbp, v->user_regs.rbx = u->rbx;
    v->user_regs.r11 = u->r11, v->user_regs.r10 = u->r10, v->user_regs.r9 = u->r9;
    v->user_regs.r8 = u->r8, v->user_regs.rax = u->rax, v->user_regs.rcx = u->rcx;
    v->user_regs.rdx = u->rdx, v->user_regs.rsi = u->rsi, v->user_regs.rdi = u->rdi;
    v->user_regs.rip = u->rip;
    v->user_regs.rsp = u->rsp;
    v->user_regs.cs = GUEST_CS64;
    v->user_regs.ss = GUEST_DS;
    v->user_regs.rflags = (u->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM | X86_EFLAGS_NT)) |
                          X86_EFLAGS_IF | X86_EFLAGS_MBS;
    memcpy(v->trap_ctxt, c->trap_ctxt, sizeof(v->trap_ctxt));
    for (i = 0; i < 256; i++)
        v->trap_ctxt[i].cs |= 3;
    v->kernel_ss = (c->kernel_ss & 0xffff) | 3;
    v->kernel_sp = c->kernel_sp;
    v->event_callback = c->event_callback_eip;
    v->failsafe_callback = c->failsafe_callback_eip;
    v->syscall_callback = c->syscall_callback_eip;
    v->failsafe_masks = c->flags & VGCF_failsafe_disables_events;
    v->syscall_masks = c->flags & VGCF_syscall_disables_events;
    v->fs_base = c->fs_base;
    v->gs_base_active = c->gs_base_kernel;
    v->gs_base_shadow = c->gs_base_user;
    v->kernel_mode = true;
    for (i = 0; i < 8; i++)
        if (i != 4 && i != 5)
            v->debugreg[i] = dr[i];
    if (c->flags & VGCF_i387_valid)
        memcpy(v->fpu_area, c->fpu_ctxt.x, sizeof(c->fpu_ctxt.x));
    d->vm_assist = c->vm_assist;
    v->online = true;
    return 0;
}

void arch_get_vcpu_context(struct vcpu *v, vcpu_guest_context_t *c)
{
    struct cpu_user_regs *u = &c->user_regs;
    const struct cpu_regs *r = v == current_vcpu() ? guest_regs() : &v->user_regs;

    memset(c, 0, sizeof(*c));
    c->flags = VGCF_i387_valid | (v->kernel_mode ? VGCF_in_kernel : 0) |
               (v->online ? VGCF_online : 0);
    u->r15 = r->r15, u->r14 = r->r14, u->r13 = r->r13, u->r12 = r->r12;
    u->rbp = r->rbp, u->rbx = r->rbx, u->r11 = r->r11, u->r10 = r->r10;
    u->r9 = r->r9, u->r8 = r->r8, u->rax = r->rax, u->rcx = r->rcx;
    u->rdx = r->rdx, u->rsi = r->rsi, u->rdi = r->rdi;
    u->rip = r->rip, u->rsp = r->rsp, u->rflags = r->rflags;
    u->cs = (uint16_t)r->cs, u->ss = (uint16_t)r->ss;
    memcpy(c->fpu_ctxt.x, v->fpu_area, sizeof(c->fpu_ctxt.x));
    memcpy(c->trap_ctxt, v->trap_ctxt, sizeof(c->trap_ctxt));
    c->ldt_base = v->ldt_base;
    c->ldt_ents = v->ldt_ents;
    memcpy(c->gdt_frames, v->gdt_frames, sizeof(v->gdt_frames));
    c->gdt_ents = v->gdt_ents;
    c->kernel_ss = v->kernel_ss;
    c->kernel_sp = v->kernel_sp;
    c->ctrlreg[0] = v->ctrlreg[0];
    c->ctrlreg[1] = xen_pfn_to_cr3(v->guest_table_user);
    c->ctrlreg[2] = v->ctrlreg[2];
    c->ctrlreg[3] = xen_pfn_to_cr3(v->guest_table);
    c->ctrlreg[4] = v->ctrlreg[4];
    memcpy(c->debugreg, v->debugreg, sizeof(c->debugreg));
    c->event_callback_eip = v->event_callback;
    c->failsafe_callback_eip = v->failsafe_callback;
    c->syscall_callback_eip = v->syscall_callback;
    c->vm_assist = v->domain->vm_assist;
    c->fs_base = v->fs_base;
    c->gs_base_kernel = v->kernel_mode ? v->gs_base_active : v->gs_base_shadow;
    c->gs_base_user = v->kernel_mode ? v->gs_base_shadow : v->gs_base_active;
}
