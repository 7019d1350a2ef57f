/* SPDX-License-Identifier: GPL-2.0-only */
/* sched_op, vm_assist and vcpu_op: a vCPU's own scheduling and registration calls. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>

#define SCHED_POLL_MAX_PORTS 128

/* Wait until one of the ports is pending or the (absolute) timeout passes. */
static long sched_poll(struct vcpu *v, unsigned long arg)
{
    evtchn_port_t ports[SCHED_POLL_MAX_PORTS];
    struct sched_poll p;
    unsigned int i;

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -XEN_EFAULT;
    if (p.nr_ports > SCHED_POLL_MAX_PORTS)
        return -XEN_EINVAL;
    if (copy_from_guest(ports, (unsigned long)p.ports.p, p.nr_ports * sizeof(ports[0])))
        return -XEN_EFAULT;
    for (i = 0; i < p.nr_ports; i++)
        if (ports[i] >= EVTCHN_NR_PORTS)
            return -XEN_EINVAL;
    return arch_vcpu_poll(v, ports, p.nr_ports, p.timeout);
}

/*
 * SCHEDOP_watchdog, as Xen: id 0 takes a free watchdog (-ENOSPC if both
 * are taken) and arms it, returning its id (1 or 2); a taken id is re-armed
 * (0), or freed with timeout 0 (0); an id not taken is -EINVAL.  A watchdog
 * left to expire shuts the domain down with SHUTDOWN_watchdog (timers_run).
 * Xen 4.17 returns its -ENOSPC zero-extended from 32 bits; Xenia's is
 * sign-extended (the same to a caller that takes an int, as Linux does).
 */
static long sched_watchdog(struct domain *d, unsigned long arg)
{
    struct sched_watchdog w;
    unsigned int i;
    long rc = 0;

    if (copy_from_guest(&w, arg, sizeof(w)))
        return -XEN_EFAULT;
    if (w.id > NR_DOMAIN_WATCHDOG_TIMERS)
        return -XEN_EINVAL;
    if (w.id == 0) {
        for (i = 0; i < NR_DOMAIN_WATCHDOG_TIMERS; i++)
            if (!(d->watchdog_inuse & (1u << i)))
                break;
        if (i == NR_DOMAIN_WATCHDOG_TIMERS)
            return -XEN_ENOSPC;
        d->watchdog_inuse |= 1u << i;
        w.id = i + 1;
        rc = w.id;
    } else if (!(d->watchdog_inuse & (1u << (w.id - 1)))) {
        return -XEN_EINVAL;
    } else if (w.timeout == 0) {
        d->watchdog_inuse &= ~(1u << (w.id - 1));
        d->watchdog_deadline[w.id - 1] = 0;
        return 0;
    }
    /* +1: a deadline of 0 means disarmed (timeout 0 fires at once, as Xen). */
    d->watchdog_deadline[w.id - 1] = arch_now_ns() + w.timeout * 1000000000ULL + 1;
    timers_run();                       /* arm the hardware for it */
    return rc;
}

long do_sched_op(unsigned long cmd, unsigned long arg, unsigned long a3,
                 unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();
    struct sched_shutdown s;

    (void)a3, (void)a4, (void)a5;
    switch (cmd) {
    case SCHEDOP_yield:
        arch_vcpu_yield(v);
        return 0;
    case SCHEDOP_block:
        arch_vcpu_block(v);
        return 0;
    case SCHEDOP_shutdown:
        if (copy_from_guest(&s, arg, sizeof(s)))
            return -XEN_EFAULT;
        domain_shutdown(v->domain, (uint8_t)s.reason);
        return 0;
    case SCHEDOP_poll:
        return sched_poll(v, arg);
    case SCHEDOP_remote_shutdown: {
        struct sched_remote_shutdown rs;
        struct domain *target;

        if (!v->domain->is_privileged)
            return -XEN_EPERM;
        if (copy_from_guest(&rs, arg, sizeof(rs)))
            return -XEN_EFAULT;
        target = domain_by_id(rs.domain_id);
        if (!target)
            return -XEN_ESRCH;
        domain_shutdown(target, (uint8_t)rs.reason);
        return 0;
    }
    case SCHEDOP_shutdown_code:
        if (copy_from_guest(&s, arg, sizeof(s)))
            return -XEN_EFAULT;
        v->domain->shutdown_code = (uint8_t)s.reason;
        return 0;
    case SCHEDOP_watchdog:
        return sched_watchdog(v->domain, arg);
    default:
        return -XEN_ENOSYS;
    }
}

/* The assists a 64-bit PV guest may turn on (Xen's VM_ASSIST_VALID). */
#define VM_ASSIST_VALID ((1UL << VMASST_TYPE_4gb_segments) |               \
                         (1UL << VMASST_TYPE_4gb_segments_notify) |        \
                         (1UL << VMASST_TYPE_writable_pagetables) |        \
                         (1UL << VMASST_TYPE_pae_extended_cr3) |           \
                         (1UL << VMASST_TYPE_architectural_iopl) |         \
                         (1UL << VMASST_TYPE_runstate_update_flag) |       \
                         (1UL << VMASST_TYPE_m2p_strict))

long do_vm_assist(unsigned long cmd, unsigned long type, unsigned long a3,
                  unsigned long a4, unsigned long a5)
{
    struct domain *d = current_vcpu()->domain;

    (void)a3, (void)a4, (void)a5;
    if (type >= 64 || !(VM_ASSIST_VALID & (1UL << type)))
        return -XEN_EINVAL;
    switch (cmd) {
    case VMASST_CMD_enable:
        d->vm_assist |= 1UL << type;
        return 0;
    case VMASST_CMD_disable:
        d->vm_assist &= ~(1UL << type);
        return 0;
    default:
        return -XEN_ENOSYS;
    }
}

long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg,
                unsigned long a4, unsigned long a5)
{
    struct domain *d = current_vcpu()->domain;
    struct vcpu *v;

    (void)a4, (void)a5;
    if (vcpuid >= d->max_vcpus || !(v = d->vcpu[vcpuid]))
        return -XEN_ENOENT;

    switch (cmd) {
    case VCPUOP_is_up:
        return v->online;
    case VCPUOP_set_singleshot_timer:
    case VCPUOP_stop_singleshot_timer:
    case VCPUOP_set_periodic_timer:
    case VCPUOP_stop_periodic_timer:
        return vcpu_timer_op(v, cmd, arg);
    case VCPUOP_get_runstate_info:
        return copy_to_guest(arg, &v->runstate, sizeof(v->runstate));
    case VCPUOP_register_runstate_memory_area: {
        struct vcpu_register_runstate_memory_area area;

        if (copy_from_guest(&area, arg, sizeof(area)))
            return -XEN_EFAULT;
        if (area.addr.p && !guest_range_ok(area.addr.p, sizeof(v->runstate)))
            return -XEN_EINVAL;
        v->runstate_guest = area.addr.p;
        arch_vcpu_runstate_update(v);
        /* As Xen: register now, update whenever the area is reachable. */
        if (v->runstate_guest && v == current_vcpu())
            (void)copy_to_guest(v->runstate_guest, &v->runstate, sizeof(v->runstate));
        return 0;
    }
    case VCPUOP_register_vcpu_time_memory_area: {
        struct vcpu_register_time_memory_area area;

        if (copy_from_guest(&area, arg, sizeof(area)))
            return -XEN_EFAULT;
        if (area.addr.p && !guest_range_ok(area.addr.p, sizeof(vcpu_time_info_t)))
            return -XEN_EFAULT;
        v->time_guest = area.addr.p;
        /* As Xen: the area is current from the moment it is registered. */
        arch_vcpu_time_update(v);
        return 0;
    }
    case VCPUOP_register_vcpu_info: {
        struct vcpu_register_vcpu_info info;

        if (copy_from_guest(&info, arg, sizeof(info)))
            return -XEN_EFAULT;
        if (info.rsvd)
            return -XEN_EINVAL;
        if (info.offset > XEN_PAGE_SIZE - sizeof(vcpu_info_t))
            return -XEN_ENXIO;   /* the area would cross the page end */
        return arch_vcpu_register_info(v, info.mfn, info.offset);
    }
    default:
        return -XEN_ENOSYS;
    }
}

/* Bits above 6 of a memory_op command carry a continuation (MEMOP_EXTENT_SHIFT). */
#define XENIA_MEMOP_EXTENT_SHIFT 6

long do_memory_op(unsigned long cmd, unsigned long arg, unsigned long a3,
                  unsigned long a4, unsigned long a5)
{
    struct domain *d = current_vcpu()->domain;
    unsigned int op = cmd & ((1u << XENIA_MEMOP_EXTENT_SHIFT) - 1);

    (void)a3, (void)a4, (void)a5;
    switch (op) {
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn: {
        domid_t domid;

        if (copy_from_guest(&domid, arg, sizeof(domid)))
            return -XEN_EFAULT;
        if (domid != DOMID_SELF && domid != d->domain_id)
            return d->is_privileged ? -XEN_ESRCH : -XEN_EPERM;
        if (op == XENMEM_current_reservation)
            return (long)d->tot_pages;
        if (op == XENMEM_maximum_reservation)
            return (long)d->max_pages;
        return (long)d->tot_pages - 1;
    }
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return arch_memory_reservation(op, cmd, arg);
    default:
        return arch_memory_op(op, arg);
    }
}
