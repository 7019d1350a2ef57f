/* SPDX-License-Identifier: GPL-2.0-only */
/* Trap table, callbacks, kernel stack, FPU switch, segment bases, debug registers, IOPL. */
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>

int load_user_gs_selector(unsigned long sel);

long do_set_trap_table(unsigned long traps, unsigned long a2, unsigned long a3,
                       unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();
    struct trap_info ti;

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (!traps) {
        memset(v->trap_ctxt, 0, sizeof(v->trap_ctxt));
        return 0;
    }
    /* Entries take effect one by one, as in Xen; a zero address ends. */
    for (;; traps += sizeof(ti)) {
        if (copy_from_guest(&ti, traps, sizeof(ti)))
            return -XEN_EFAULT;
        if (!ti.address)
            return 0;
        if (!is_canonical(ti.address))
            return -XEN_EINVAL;
        ti.cs |= 3;
        v->trap_ctxt[ti.vector] = ti;
    }
}

static long callback_register(struct vcpu *v, unsigned int type,
                              unsigned int flags, unsigned long addr)
{
    bool mask = flags & CALLBACKF_mask_events;

    if (!is_canonical(addr))
        return -XEN_EINVAL;
    switch (type) {
    case CALLBACKTYPE_event:
        v->event_callback = addr;
        return 0;
    case CALLBACKTYPE_failsafe:
        v->failsafe_callback = addr;
        v->failsafe_masks = mask;
        return 0;
    case CALLBACKTYPE_syscall:
        v->syscall_callback = addr;
        v->syscall_masks = mask;
        return 0;
    case CALLBACKTYPE_syscall32:
        v->syscall32_callback = addr;
        v->syscall32_masks = mask;
        return 0;
    case CALLBACKTYPE_sysenter:
        v->sysenter_callback = addr;
        v->sysenter_masks = mask;
        return 0;
    case CALLBACKTYPE_nmi:
        v->nmi_callback = addr;
        v->trap_ctxt[2].address = addr;
        v->trap_ctxt[2].cs = GUEST_CS64;
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

long do_set_callbacks(unsigned long event, unsigned long failsafe,
                      unsigned long syscall, unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();

    (void)a4, (void)a5;
    if (!is_canonical(event) || !is_canonical(failsafe) || !is_canonical(syscall))
        return -XEN_EINVAL;
    callback_register(v, CALLBACKTYPE_event, 0, event);
    callback_register(v, CALLBACKTYPE_failsafe, 0, failsafe);
    callback_register(v, CALLBACKTYPE_syscall, 0, syscall);
    return 0;
}

long do_callback_op(unsigned long cmd, unsigned long arg, unsigned long a3,
                    unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();
    struct callback_register reg;
    struct callback_unregister unreg;

    (void)a3, (void)a4, (void)a5;
    switch (cmd) {
    case CALLBACKOP_register:
        if (copy_from_guest(&reg, arg, sizeof(reg)))
            return -XEN_EFAULT;
        return callback_register(v, reg.type, reg.flags, reg.address);
    case CALLBACKOP_unregister:
        if (copy_from_guest(&unreg, arg, sizeof(unreg)))
            return -XEN_EFAULT;
        if (unreg.type > CALLBACKTYPE_syscall32)
            return -XEN_ENOSYS;
        if (unreg.type != CALLBACKTYPE_nmi)
            return -XEN_EINVAL;
        v->nmi_callback = 0;
        v->trap_ctxt[2].address = 0;
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

long do_stack_switch(unsigned long ss, unsigned long sp, unsigned long a3,
                     unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();

    (void)a3, (void)a4, (void)a5;
    v->kernel_ss = (ss & 0xffff) | 3;
    v->kernel_sp = sp;
    return 0;
}

long do_fpu_taskswitch(unsigned long set, unsigned long a2, unsigned long a3,
                       unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (set) {
        v->ctrlreg[0] |= X86_CR0_TS;
        stts();
    } else {
        v->ctrlreg[0] &= ~X86_CR0_TS;
        clts();
    }
    return 0;
}

long do_set_segment_base(unsigned long which, unsigned long base,
                         unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();

    (void)a3, (void)a4, (void)a5;
    switch (which) {
    case SEGBASE_FS:
        if (!is_canonical(base))
            return -XEN_EINVAL;
        wrmsr(MSR_FS_BASE, base);
        v->fs_base = base;
        return 0;
    case SEGBASE_GS_USER:
        if (!is_canonical(base))
            return -XEN_EINVAL;
        wrmsr(MSR_SHADOW_GS_BASE, base);
        v->gs_base_user = base;
        return 0;
    case SEGBASE_GS_KERNEL:
        if (!is_canonical(base))
            return -XEN_EINVAL;
        wrmsr(MSR_GS_BASE, base);
        v->gs_base_kernel = base;
        return 0;
    case SEGBASE_GS_USER_SEL:
        /* Loads the user %gs selector (and with it a zero base). */
        return load_user_gs_selector(base & 0xffff) ? -XEN_EFAULT : 0;
    default:
        return -XEN_EINVAL;
    }
}

/*
 * Debug registers, as Xen's set_debugreg for PV: DR0-3 must be guest
 * addresses (8 bytes of room); DR6 keeps its fixed bits; DR7 keeps bit 10
 * set, its other reserved bits clear, and GD (general detect) is refused.
 * Instruction breakpoints and data watchpoints are armed.  A watchpoint
 * the hypervisor itself hits (copying a guest buffer, or pending from a
 * `mov ss` just before `syscall`) arrives in ring 0 on #DB's IST stack
 * and is ignored, as Xen does.  I/O breakpoints (R/W 10) get -EPERM: Xen
 * emulates them when the guest set CR4.DE; Xenia does not.  The running
 * vCPU's registers are in the hardware; pv_debugreg_load() switches them.
 */
#define DR7_ACTIVE_MASK   0xffUL               /* L0-3, G0-3 */
#define DR7_RESERVED_ZERO 0xffffffff0000d800UL /* bits 11-12, 14-15, 32-63 */
#define DR7_GD            (1UL << 13)

static bool hw_dr7_armed;   /* the hardware DR7 has breakpoints enabled */

void pv_debugreg_load(struct vcpu *v)
{
    unsigned int i;

    if (v->debugreg[7] & DR7_ACTIVE_MASK) {
        for (i = 0; i < 4; i++)
            write_debugreg(i, v->debugreg[i]);
        write_debugreg(7, v->debugreg[7]);
        hw_dr7_armed = true;
    } else if (hw_dr7_armed) {
        write_debugreg(7, X86_DR7_DEFAULT);
        hw_dr7_armed = false;
    }
}

/* An enabled slot asks for an I/O breakpoint (R/W 10). */
static bool dr7_has_io(unsigned long dr7)
{
    unsigned int i;

    for (i = 0; i < 4; i++)
        if ((dr7 >> (2 * i)) & 3 && ((dr7 >> (16 + 4 * i)) & 3) == 2)
            return true;
    return false;
}

/* One debug register's value as it may be held: adjusted, or -EPERM/-ENODEV. */
long pv_debugreg_check(unsigned int reg, unsigned long *value)
{
    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!is_canonical(*value) || !guest_range_ok(*value, 8))
            return -XEN_EPERM;
        return 0;
    case 6:
        *value = (*value & 0xe00f) | X86_DR6_DEFAULT;   /* fixed bits */
        return 0;
    case 7:
        *value = (*value & ~DR7_RESERVED_ZERO) | X86_DR7_DEFAULT;
        if ((*value & DR7_GD) || dr7_has_io(*value))
            return -XEN_EPERM;
        return 0;
    default:
        return -XEN_ENODEV;
    }
}

long do_set_debugreg(unsigned long reg, unsigned long value, unsigned long a3,
                     unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();
    long rc = reg < 8 ? pv_debugreg_check((unsigned int)reg, &value) : -XEN_ENODEV;

    (void)a3, (void)a4, (void)a5;
    if (rc)
        return rc;
    v->debugreg[reg] = value;
    if (reg != 6)
        pv_debugreg_load(v);
    return 0;
}

/*
 * A #DB from the guest: its status goes where get_debugreg(6) reads it
 * (bits set in the hardware's DR6 are set, fixed-one bits the hardware
 * cleared are cleared, as Xen merges them), the hardware's is reset.
 */
void pv_debug_trap(struct vcpu *v)
{
    unsigned long dr6 = read_debugreg(6);

    write_debugreg(6, X86_DR6_DEFAULT);
    v->debugreg[6] |= dr6 & ~X86_DR6_DEFAULT;
    v->debugreg[6] &= dr6 | ~X86_DR6_DEFAULT;
    pv_inject_trap(v, TRAP_debug, false, 0);
}

long do_get_debugreg(unsigned long reg, unsigned long a2, unsigned long a3,
                     unsigned long a4, unsigned long a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    if (reg > 7 || reg == 4 || reg == 5)
        return -XEN_ENODEV;
    return (long)current_vcpu()->debugreg[reg];
}

long do_physdev_op(unsigned long cmd, unsigned long arg, unsigned long a3,
                   unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();
    struct physdev_set_iopl iopl;

    (void)a3, (void)a4, (void)a5;
    switch (cmd) {
    case PHYSDEVOP_set_iopl:
        if (copy_from_guest(&iopl, arg, sizeof(iopl)))
            return -XEN_EFAULT;
        if (iopl.iopl > 3)
            return -XEN_EINVAL;
        v->iopl = iopl.iopl;
        return 0;
    case PHYSDEVOP_set_iobitmap: {
        /* As Xen: recorded, read at each access the IOPL does not cover. */
        struct physdev_set_iobitmap bm;

        if (copy_from_guest(&bm, arg, sizeof(bm)))
            return -XEN_EFAULT;
        if (bm.nr_ports > 65536)
            return -XEN_EINVAL;
        v->iobmp = (unsigned long)bm.bitmap.p;
        v->iobmp_limit = bm.nr_ports;
        return 0;
    }
    default:
        return -XEN_ENOSYS;
    }
}
