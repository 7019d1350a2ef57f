/* SPDX-License-Identifier: GPL-2.0-only */
/* One table numbers and dispatches every hypercall; multicall runs batches through it. */
#include <xenia/hypercall.h>
#include <xenia/guest_access.h>
#include <xenia/event.h>
#include <xen/arch-x86/xen-mca.h>   /* __HYPERVISOR_mca */

#define HC(nr, fn, flags) [__HYPERVISOR_##nr] = { #nr, fn, flags }

static const struct hypercall_desc hypercall_table[NR_HYPERCALLS] = {
    HC(set_trap_table, do_set_trap_table, 0),
    HC(mmu_update, do_mmu_update, 0),
    HC(set_gdt, do_set_gdt, 0),
    HC(stack_switch, do_stack_switch, 0),
    HC(set_callbacks, do_set_callbacks, 0),
    HC(fpu_taskswitch, do_fpu_taskswitch, 0),
    HC(set_debugreg, do_set_debugreg, 0),
    HC(get_debugreg, do_get_debugreg, 0),
    HC(update_descriptor, do_update_descriptor, 0),
    HC(memory_op, do_memory_op, 0),
    HC(multicall, do_multicall, 0),
    HC(update_va_mapping, do_update_va_mapping, 0),
    HC(update_va_mapping_otherdomain, do_update_va_mapping_otherdomain, 0),
    HC(set_timer_op, do_set_timer_op, 0),
    HC(xen_version, do_xen_version, 0),
    HC(console_io, do_console_io, 0),
    HC(grant_table_op, do_grant_table_op, 0),
    HC(vm_assist, do_vm_assist, 0),
    HC(iret, do_iret, 0),
    HC(vcpu_op, do_vcpu_op, 0),
    HC(set_segment_base, do_set_segment_base, 0),
    HC(mmuext_op, do_mmuext_op, 0),
    HC(sched_op, do_sched_op, 0),
    HC(physdev_op, do_physdev_op, 0),
    HC(callback_op, do_callback_op, 0),
    HC(event_channel_op, do_event_channel_op, 0),
    HC(platform_op, do_platform_op, HCF_PRIV),
    HC(mca, do_mca, HCF_PRIV),
    HC(xenia_debug_op, do_xenia_debug_op, HCF_PRIV),
    HC(domctl, do_domctl, HCF_PRIV),
    HC(sysctl, do_sysctl, HCF_PRIV),
};

const struct hypercall_desc *hypercall_lookup(unsigned long nr)
{
    if (nr >= NR_HYPERCALLS || !hypercall_table[nr].fn)
        return NULL;
    return &hypercall_table[nr];
}

long hypercall_dispatch(unsigned long nr, const unsigned long a[5])
{
    const struct hypercall_desc *h = hypercall_lookup(nr);
    struct vcpu *v = current_vcpu();

    if (!h)
        return -XEN_ENOSYS;
    if ((h->flags & HCF_PRIV) && !v->domain->is_privileged)
        return -XEN_EPERM;
    v->domain->hypercall_count[nr]++;
    return h->fn(a[0], a[1], a[2], a[3], a[4]);
}

long hypercall_continuation(unsigned long a1, unsigned long a2, unsigned long a3,
                            unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();

    v->continuation = true;
    v->cont_args[0] = a1, v->cont_args[1] = a2, v->cont_args[2] = a3;
    v->cont_args[3] = a4, v->cont_args[4] = a5;
    return HYPERCALL_RESTART;   /* never seen by the guest */
}

/*
 * Batches: each entry's result is written back as it completes.  A fault
 * reading or writing an entry fails the whole call with -EFAULT (entries
 * before it have taken effect, as in Xen).  Nested multicalls are refused
 * per entry; an iret entry ends the batch (XSA-213) since it replaces the
 * frame the rest would return through.
 *
 * Continuations, as Xen's: an entry whose call asks to continue gets the
 * continuation's arguments written over its own args[] (its result is not
 * written), and the multicall itself continues from that entry; every
 * MULTICALL_CHUNK entries the batch also continues from the next one.  The
 * guest sees one call; in between, events may be delivered to it.
 */
#define MULTICALL_CHUNK 32

long do_multicall(unsigned long list, unsigned long nr, unsigned long a3,
                  unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();
    unsigned long i;

    (void)a3, (void)a4, (void)a5;
    for (i = 0; i < nr; i++) {
        unsigned long gva = list + i * sizeof(multicall_entry_t);
        multicall_entry_t e;
        long rc;

        if (i == MULTICALL_CHUNK)
            return hypercall_continuation(gva, nr - i, 0, 0, 0);
        if (copy_from_guest(&e, gva, sizeof(e)))
            return -XEN_EFAULT;
        /* e.op is 64 bits wide: an op with high bits set is unknown. */
        if (e.op == __HYPERVISOR_multicall)
            rc = -XEN_EINVAL;
        else
            rc = hypercall_dispatch(e.op, (unsigned long *)e.args);
        if (v->continuation) {
            /* This entry goes on: its args become the continuation's. */
            v->continuation = false;
            if (copy_to_guest(gva + offsetof(multicall_entry_t, args),
                              v->cont_args, sizeof(v->cont_args)))
                return -XEN_EFAULT;
            return hypercall_continuation(gva, nr - i, 0, 0, 0);
        }
        e.result = (unsigned long)rc;
        if (copy_to_guest(gva + offsetof(multicall_entry_t, result),
                          &e.result, sizeof(e.result)))
            return -XEN_EFAULT;
        if (e.op == __HYPERVISOR_iret)
            break;
        if (domain_is_dead(v->domain))
            break;
    }
    return 0;
}
