/* SPDX-License-Identifier: GPL-2.0-only */
/* Trap table, callbacks, kernel stack, FPU switch, segment bases, debug registers, IOPL. */
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
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

#define DR7_ENABLE_MASK 0xffUL

long do_set_debugreg(unsigned long reg, unsigned long value, unsigned long a3,
                     unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();

    (void)a3, (void)a4, (void)a5;
    switch (reg) {
    case 0: case 1: case 2: case 3:
        if (!is_canonical(value) || !guest_range_ok(value, 1))
            return -XEN_EPERM;
        break;
    case 6:
        value = (value & 0xe00f) | 0xffff0ff0;   /* reserved bits read as 1 */
        break;
    case 7:
        /* Breakpoints are not context-switched yet: refuse to arm them
         * rather than pretend they work. */
        if (value & DR7_ENABLE_MASK)
            return -XEN_EPERM;
        value = (value & ~0xfc00UL) | 0x400;      /* bit 10 reads as 1 */
        break;
    default:
        return -XEN_ENODEV;
    }
    v->debugreg[reg] = value;
    return 0;
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
    default:
        return -XEN_ENOSYS;
    }
}
