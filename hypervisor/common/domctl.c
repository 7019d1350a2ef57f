/* SPDX-License-Identifier: GPL-2.0-only */
/* domctl and sysctl: the control domain's view and control of every domain. */
/* domctl.h and sysctl.h are the tools' interface; with __XEN_TOOLS__ the
 * headers pick the latest interface version themselves (the same one the
 * command line names). */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>

/*
 * Both hypercalls are HCF_PRIV in the table (-EPERM for anyone but the
 * control domain).  Each carries an interface version that must be the
 * one Debian's 4.17 headers define (-EACCES otherwise, as Xen).
 * Implemented today: createdomain, destroydomain, getdomaininfo,
 * pause/unpause, max_mem, max_vcpus (fixed at creation), set/getvcpucontext,
 * ioport/iomem/irq_permission, the credit scheduler's weight and cap;
 * sysctl physinfo, getdomaininfolist, readconsole, sched_id.  Everything
 * else is -ENOSYS.
 */

/* Frames a destroydomain step frees before the call continues. */
#define DESTROY_CHUNK (8 * HYPERCALL_CHUNK)

extern unsigned long tsc_khz;
extern unsigned long max_page;

static void fill_domaininfo(struct domain *d, struct xen_domctl_getdomaininfo *info)
{
    unsigned int i;

    memset(info, 0, sizeof(*info));
    info->domain = d->domain_id;
    if (d->state == DOMSTATE_DYING)
        info->flags |= XEN_DOMINF_dying;
    /* As Xen: a code set with SCHEDOP_shutdown_code replaces the reason. */
    if (d->state == DOMSTATE_SHUTDOWN)
        info->flags |= XEN_DOMINF_shutdown |
                       ((d->shutdown_code != ~0u ? d->shutdown_code : d->shutdown_reason) &
                        XEN_DOMINF_shutdownmask) << XEN_DOMINF_shutdownshift;
    if (d->paused)
        info->flags |= XEN_DOMINF_paused;
    info->tot_pages = d->tot_pages;
    info->max_pages = d->max_pages;
    info->shared_info_frame = d->shared_info_mfn;
    info->max_vcpu_id = XEN_INVALID_MAX_VCPU_ID;
    for (i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        if (!v)
            continue;
        info->max_vcpu_id = i;
        info->cpu_time += v->runstate.time[RUNSTATE_running];
        if (v->online) {
            info->nr_online_vcpus++;
            if (v->blocked)
                info->flags |= XEN_DOMINF_blocked;
            else if (v == current_vcpu())
                info->flags |= XEN_DOMINF_running;
        }
    }
    info->gpaddr_bits = 52;
}

/* The first live domain with an id >= id (how tools iterate), or NULL. */
static struct domain *domain_at_or_after(domid_t id)
{
    struct domain *d, *best = NULL;
    unsigned int i;

    for (i = 0; (d = domain_iterate(&i)) != NULL;)
        if (d->domain_id >= id && (!best || d->domain_id < best->domain_id))
            best = d;
    return best;
}

static long domctl_scheduler(struct domain *d, struct xen_domctl_scheduler_op *op)
{
    if (op->sched_id != XEN_SCHEDULER_CREDIT)
        return -XEN_EINVAL;
    switch (op->cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        op->u.credit.weight = d->sched.weight;
        op->u.credit.cap = d->sched.cap;
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        if (op->u.credit.cap > 100)
            return -XEN_EINVAL;
        if (op->u.credit.weight)
            d->sched.weight = op->u.credit.weight;
        d->sched.cap = op->u.credit.cap;
        return 0;
    }
    return -XEN_EINVAL;
}

/* A free domain id, or 0 if every one is taken. */
static domid_t domid_alloc(void)
{
    static domid_t next = 1;
    unsigned int tries;

    for (tries = 0; tries < DOMID_FIRST_RESERVED; tries++) {
        domid_t id = next;

        next = (unsigned int)next + 1 >= DOMID_FIRST_RESERVED ? 1 : next + 1;
        if (!domain_by_id_any(id))     /* a dying domain's id is taken */
            return id;
    }
    return 0;
}

/* As Xen: id 0 (or a reserved one) asks for any free id; new domains are
 * paused, with no memory and every vCPU offline. */
static long domctl_createdomain(struct xen_domctl *op)
{
    struct xen_domctl_createdomain *c = &op->u.createdomain;
    domid_t id = op->domain;
    struct domain *d;
    char name[16];
    int rc;

    if (id == 0 || id >= DOMID_FIRST_RESERVED) {
        id = domid_alloc();
        if (!id)
            return -XEN_ENOMEM;
    } else if (domain_by_id_any(id)) {
        return -XEN_EEXIST;
    }
    snprintf(name, sizeof(name), "d%u", id);
    d = domain_create(id, name, false, c->max_vcpus, &rc);
    if (!d)
        return rc;
    d->paused = true;
    d->max_pages = 0;
    op->domain = id;
    return 0;
}

/* One CPU, no preemption in the hypervisor: one buffer suffices. */
static vcpu_guest_context_t ctxt_buf;

static long domctl_vcpucontext(struct domain *d, struct xen_domctl_vcpucontext *vc,
                               bool set)
{
    struct vcpu *v;
    long rc;

    if (vc->vcpu >= d->max_vcpus || !(v = d->vcpu[vc->vcpu]))
        return -XEN_ESRCH;
    if (!set) {
        arch_get_vcpu_context(v, &ctxt_buf);
        return copy_to_guest((unsigned long)vc->ctxt.p, &ctxt_buf, sizeof(ctxt_buf));
    }
    if (copy_from_guest(&ctxt_buf, (unsigned long)vc->ctxt.p, sizeof(ctxt_buf)))
        return -XEN_EFAULT;
    rc = arch_set_vcpu_context(v, &ctxt_buf);
    if (rc == 0)
        sched_vcpu_init(v, arch_now_ns());
    return rc;
}

/* I/O ports the domain may use (the hypervisor's own stay out of reach). */
static long domctl_ioport_permission(struct domain *d, struct xen_domctl_ioport_permission *p)
{
    uint32_t port;

    if (p->first_port > 0xffff || p->nr_ports > 0x10000 - p->first_port)
        return -XEN_EINVAL;
    for (port = p->first_port; port < p->first_port + p->nr_ports; port++) {
        if (p->allow_access && !arch_ioport_grantable(port))
            continue;
        if (p->allow_access)
            d->ioport_caps[port / 8] |= 1u << (port % 8);
        else
            d->ioport_caps[port / 8] &= ~(1u << (port % 8));
    }
    return 0;
}

/* Grant or revoke MMIO frames [first, first + nr): a short range list. */
static long domctl_iomem_permission(struct domain *d, struct xen_domctl_iomem_permission *p)
{
    uint64_t first = p->first_mfn, end = p->first_mfn + p->nr_mfns;
    unsigned int i, n = 0;

    if (!p->nr_mfns || end < first)
        return -XEN_EINVAL;
    if (p->allow_access) {
        if (d->nr_iomem == DOMAIN_MAX_IOMEM_RANGES)
            return -XEN_ENOSPC;
        d->iomem[d->nr_iomem].first = first;
        d->iomem[d->nr_iomem].end = end;
        d->nr_iomem++;
        return 0;
    }
    /* Revoke: cut [first, end) out of every range (at most one split). */
    for (i = 0; i < d->nr_iomem; i++) {
        uint64_t a = d->iomem[i].first, b = d->iomem[i].end;

        if (b <= first || a >= end) {
            d->iomem[n++] = d->iomem[i];
            continue;
        }
        if (a < first)
            d->iomem[n++] = (typeof(d->iomem[0])){ a, first };
        if (b > end) {
            if (n >= DOMAIN_MAX_IOMEM_RANGES)
                return -XEN_ENOSPC;
            d->iomem[n++] = (typeof(d->iomem[0])){ end, b };
        }
    }
    d->nr_iomem = n;
    return 0;
}

/* Physical IRQs are recorded; Xenia delivers none to domains yet. */
static long domctl_irq_permission(struct domain *d, struct xen_domctl_irq_permission *p)
{
    if (p->pirq >= sizeof(d->irq_caps) * 8)
        return -XEN_EINVAL;
    if (p->allow_access)
        d->irq_caps[p->pirq / 8] |= 1u << (p->pirq % 8);
    else
        d->irq_caps[p->pirq / 8] &= ~(1u << (p->pirq % 8));
    return 0;
}

static long domctl_dispatch(struct xen_domctl *op)
{
    struct domain *d;

    if (op->cmd == XEN_DOMCTL_createdomain)
        return domctl_createdomain(op);
    if (op->cmd == XEN_DOMCTL_getdomaininfo) {
        d = domain_at_or_after(op->domain);
        if (!d)
            return -XEN_ESRCH;
        fill_domaininfo(d, &op->u.getdomaininfo);
        op->domain = d->domain_id;
        return 0;
    }
    /* A destruction in progress is found again to go on with it. */
    d = op->cmd == XEN_DOMCTL_destroydomain ? domain_by_id_any(op->domain)
                                            : domain_by_id(op->domain);
    if (!d)
        return -XEN_ESRCH;
    switch (op->cmd) {
    case XEN_DOMCTL_pausedomain:
        if (d == current_vcpu()->domain)
            return -XEN_EINVAL;
        d->paused = true;
        return 0;
    case XEN_DOMCTL_unpausedomain:
        d->paused = false;
        arch_vcpu_yield(current_vcpu());
        return 0;
    case XEN_DOMCTL_destroydomain:
        if (d == current_vcpu()->domain)
            return -XEN_EINVAL;
        /* Big domains go in steps: the call continues, as Xen's does. */
        if (domain_destroy_step(d, DESTROY_CHUNK, NULL))
            return HYPERCALL_RESTART;
        return 0;
    case XEN_DOMCTL_max_mem:
        d->max_pages = op->u.max_mem.max_memkb >> 2;
        return 0;
    case XEN_DOMCTL_scheduler_op:
        return domctl_scheduler(d, &op->u.scheduler_op);
    case XEN_DOMCTL_setvcpucontext:
    case XEN_DOMCTL_getvcpucontext:
        return domctl_vcpucontext(d, &op->u.vcpucontext,
                                  op->cmd == XEN_DOMCTL_setvcpucontext);
    case XEN_DOMCTL_max_vcpus:
        /* Fixed at creation here; only the same count is accepted. */
        return op->u.max_vcpus.max == d->max_vcpus ? 0 : -XEN_EINVAL;
    case XEN_DOMCTL_ioport_permission:
        return domctl_ioport_permission(d, &op->u.ioport_permission);
    case XEN_DOMCTL_iomem_permission:
        return domctl_iomem_permission(d, &op->u.iomem_permission);
    case XEN_DOMCTL_irq_permission:
        return domctl_irq_permission(d, &op->u.irq_permission);
    }
    return -XEN_ENOSYS;
}

long do_domctl(unsigned long arg, unsigned long a2, unsigned long a3,
               unsigned long a4, unsigned long a5)
{
    struct xen_domctl op;
    long rc;

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    rc = domctl_dispatch(&op);
    if (rc == HYPERCALL_RESTART)
        return hypercall_continuation(arg, 0, 0, 0, 0);
    if (rc == 0 && copy_to_guest(arg, &op, sizeof(op)))
        return -XEN_EFAULT;
    return rc;
}

static long sysctl_domaininfolist(struct xen_sysctl_getdomaininfolist *l)
{
    struct xen_domctl_getdomaininfo info;
    domid_t id = l->first_domain;
    uint32_t n = 0;
    struct domain *d;

    while (n < l->max_domains && (d = domain_at_or_after(id)) != NULL) {
        fill_domaininfo(d, &info);
        if (copy_to_guest((unsigned long)l->buffer.p + n * sizeof(info), &info, sizeof(info)))
            return -XEN_EFAULT;
        n++;
        id = d->domain_id + 1;
    }
    l->num_domains = n;
    return 0;
}

static long sysctl_readconsole(struct xen_sysctl_readconsole *rc)
{
    char chunk[256];
    uint32_t idx = rc->incremental ? rc->index : 0, done = 0;

    while (done < rc->count) {
        size_t n = console_read_history(chunk, MIN(sizeof(chunk), (size_t)(rc->count - done)), &idx);

        if (!n)
            break;
        if (copy_to_guest((unsigned long)rc->buffer.p + done, chunk, n))
            return -XEN_EFAULT;
        done += n;
    }
    rc->count = done;
    rc->index = idx;
    return 0;
}

long do_sysctl(unsigned long arg, unsigned long a2, unsigned long a3,
               unsigned long a4, unsigned long a5)
{
    struct xen_sysctl op;
    long rc = -XEN_ENOSYS;

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -XEN_EACCES;
    switch (op.cmd) {
    case XEN_SYSCTL_physinfo:
        memset(&op.u.physinfo, 0, sizeof(op.u.physinfo));
        op.u.physinfo.threads_per_core = 1;
        op.u.physinfo.cores_per_socket = 1;
        op.u.physinfo.nr_cpus = 1;
        op.u.physinfo.nr_nodes = 1;
        op.u.physinfo.cpu_khz = (uint32_t)tsc_khz;
        op.u.physinfo.total_pages = frames_total();
        op.u.physinfo.free_pages = frames_free();
        op.u.physinfo.max_mfn = max_page - 1;
        rc = 0;
        break;
    case XEN_SYSCTL_getdomaininfolist:
        rc = sysctl_domaininfolist(&op.u.getdomaininfolist);
        break;
    case XEN_SYSCTL_readconsole:
        rc = sysctl_readconsole(&op.u.readconsole);
        break;
    case XEN_SYSCTL_sched_id:
        op.u.sched_id.sched_id = XEN_SCHEDULER_CREDIT;
        rc = 0;
        break;
    }
    if (rc == 0 && copy_to_guest(arg, &op, sizeof(op)))
        return -XEN_EFAULT;
    return rc;
}
