/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channels: Xen's 2-level ABI, port state machine and EVTCHNOP_* hypercalls. */
#include <xenia/event.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>

/*
 * Each domain has EVTCHN_NR_PORTS ports; port 0 is reserved.  A port is
 * FREE, UNBOUND (waiting for a given remote domain), INTERDOMAIN (linked
 * to a port of another -- or the same -- domain), VIRQ or IPI.  Closing an
 * interdomain port returns its peer to UNBOUND, so a peer never points at a
 * dead port.  Delivery is Xen's 2-level protocol on shared_info and
 * vcpu_info:
 *
 *   set pending:  if test_and_set(pending[p]) -> done (already pending);
 *                 if !mask[p] && !test_and_set(sel[p/64]) -> upcall_pending
 *   unmask:       if test_and_clear(mask[p]) && pending[p] &&
 *                 !test_and_set(sel[p/64]) -> upcall_pending
 *
 * Masks belong to the guest; the hypervisor never clears one except on
 * unmask.  Example (replayed by tests/unit/test_evtchn.c): d alloc_unbound
 * (self, self) -> port 1; bind_interdomain(self, 1) -> port 2, and port 2
 * is raised at once (notifications to an unbound port may have been lost);
 * send(1) raises 2, send(2) raises 1; close(2) leaves 1 unbound for d.
 */

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

static bool test_and_set(xen_ulong_t *w, unsigned int bit)
{
    xen_ulong_t m = (xen_ulong_t)1 << (bit % BITS_PER_WORD);

    return __atomic_fetch_or(&w[bit / BITS_PER_WORD], m, __ATOMIC_SEQ_CST) & m;
}

static bool test_and_clear(xen_ulong_t *w, unsigned int bit)
{
    xen_ulong_t m = (xen_ulong_t)1 << (bit % BITS_PER_WORD);

    return __atomic_fetch_and(&w[bit / BITS_PER_WORD], ~m, __ATOMIC_SEQ_CST) & m;
}

static bool test_bit(const xen_ulong_t *w, unsigned int bit)
{
    return (__atomic_load_n(&w[bit / BITS_PER_WORD], __ATOMIC_SEQ_CST) >>
            (bit % BITS_PER_WORD)) & 1;
}

static bool virq_is_global(unsigned int virq)
{
    switch (virq) {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true;
    }
}

static struct evtchn *port_chn(struct domain *d, evtchn_port_t port)
{
    if (!d->evtchn || port == 0 || port >= EVTCHN_NR_PORTS)
        return NULL;
    return &d->evtchn->port[port];
}

static struct vcpu *notify_vcpu(struct domain *d, const struct evtchn *chn)
{
    struct vcpu *v = chn->notify_vcpu < d->max_vcpus ? d->vcpu[chn->notify_vcpu] : NULL;

    return v ? v : d->vcpu[0];
}

static void vcpu_mark_events_pending(struct vcpu *v)
{
    if (!__atomic_exchange_n(&v->vcpu_info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST))
        vcpu_kick(v);
    else if (v->blocked || v->poll_active)
        vcpu_kick(v);
}

static void evtchn_set_pending(struct domain *d, evtchn_port_t port)
{
    shared_info_t *s = d->shared_info;
    struct vcpu *v = notify_vcpu(d, &d->evtchn->port[port]);

    if (test_and_set(s->evtchn_pending, port)) {
        if (v->poll_active)
            vcpu_kick(v);
        return;
    }
    if (!test_bit(s->evtchn_mask, port) &&
        !test_and_set(&v->vcpu_info->evtchn_pending_sel, port / BITS_PER_WORD))
        vcpu_mark_events_pending(v);
    else if (v->poll_active)
        vcpu_kick(v);
}

void evtchn_init(struct domain *d)
{
    memset(d->evtchn, 0, sizeof(*d->evtchn));
    d->evtchn->port[0].state = ECS_RESERVED;
}

static evtchn_port_t get_free_port(struct domain *d)
{
    evtchn_port_t p;

    for (p = 1; p < EVTCHN_NR_PORTS; p++)
        if (d->evtchn->port[p].state == ECS_FREE)
            return p;
    return 0;
}

/* Resolve DOMID_SELF and check who may act on whom. */
static long lookup_domain(struct domain *self, domid_t id, struct domain **out)
{
    struct domain *d;

    if (id == DOMID_SELF || id == self->domain_id) {
        *out = self;
        return 0;
    }
    if (!self->is_privileged)
        return -XEN_EPERM;
    d = domain_by_id(id);
    if (!d)
        return -XEN_ESRCH;
    *out = d;
    return 0;
}

static void free_port(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn = &d->evtchn->port[port];

    memset(chn, 0, sizeof(*chn));
    test_and_clear(d->shared_info->evtchn_pending, port);
}

static long evtchn_alloc_unbound(struct domain *self, evtchn_alloc_unbound_t *a)
{
    struct domain *d;
    evtchn_port_t port;
    long rc = lookup_domain(self, a->dom, &d);

    if (rc)
        return rc;
    port = get_free_port(d);
    if (!port)
        return -XEN_ENOSPC;
    d->evtchn->port[port].state = ECS_UNBOUND;
    d->evtchn->port[port].u.unbound_remote =
        a->remote_dom == DOMID_SELF ? self->domain_id : a->remote_dom;
    a->port = port;
    return 0;
}

static long evtchn_bind_interdomain(struct domain *ld, evtchn_bind_interdomain_t *b)
{
    struct domain *rd = b->remote_dom == DOMID_SELF ? ld : domain_by_id(b->remote_dom);
    struct evtchn *rchn, *lchn;
    evtchn_port_t lport;

    if (!rd)
        return -XEN_ESRCH;
    rchn = port_chn(rd, b->remote_port);
    if (!rchn || rchn->state != ECS_UNBOUND || rchn->u.unbound_remote != ld->domain_id)
        return -XEN_EINVAL;
    lport = get_free_port(ld);
    if (!lport)
        return -XEN_ENOSPC;
    lchn = &ld->evtchn->port[lport];
    lchn->state = ECS_INTERDOMAIN;
    lchn->notify_vcpu = 0;
    lchn->u.interdomain.dom = rd;
    lchn->u.interdomain.port = b->remote_port;
    rchn->state = ECS_INTERDOMAIN;
    rchn->u.interdomain.dom = ld;
    rchn->u.interdomain.port = lport;
    b->local_port = lport;
    /* Notifications sent to the unbound port may have been lost. */
    evtchn_set_pending(ld, lport);
    return 0;
}

static long evtchn_bind_virq(struct domain *d, evtchn_bind_virq_t *b)
{
    struct vcpu *v;
    evtchn_port_t port;

    if (b->virq >= EVTCHN_NR_VIRQS)
        return -XEN_EINVAL;
    if (virq_is_global(b->virq) && b->vcpu != 0)
        return -XEN_EINVAL;
    if (b->vcpu >= d->max_vcpus || !(v = d->vcpu[b->vcpu]))
        return -XEN_ENOENT;
    if (v->virq_to_evtchn[b->virq])
        return -XEN_EEXIST;
    port = get_free_port(d);
    if (!port)
        return -XEN_ENOSPC;
    d->evtchn->port[port].state = ECS_VIRQ;
    d->evtchn->port[port].notify_vcpu = b->vcpu;
    d->evtchn->port[port].u.virq = b->virq;
    v->virq_to_evtchn[b->virq] = port;
    b->port = port;
    return 0;
}

static long evtchn_bind_ipi(struct domain *d, evtchn_bind_ipi_t *b)
{
    evtchn_port_t port;

    if (b->vcpu >= d->max_vcpus || !d->vcpu[b->vcpu])
        return -XEN_ENOENT;
    port = get_free_port(d);
    if (!port)
        return -XEN_ENOSPC;
    d->evtchn->port[port].state = ECS_IPI;
    d->evtchn->port[port].notify_vcpu = b->vcpu;
    b->port = port;
    return 0;
}

static long evtchn_close(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn = port_chn(d, port), *peer;
    struct vcpu *v;

    if (!chn || chn->state == ECS_FREE || chn->state == ECS_RESERVED)
        return -XEN_EINVAL;
    switch (chn->state) {
    case ECS_VIRQ:
        /* Global VIRQs are recorded on vCPU 0 wherever they notify. */
        v = virq_is_global(chn->u.virq) ? d->vcpu[0] : notify_vcpu(d, chn);
        if (v->virq_to_evtchn[chn->u.virq] == port)
            v->virq_to_evtchn[chn->u.virq] = 0;
        break;
    case ECS_INTERDOMAIN:
        peer = &chn->u.interdomain.dom->evtchn->port[chn->u.interdomain.port];
        peer->state = ECS_UNBOUND;
        peer->u.unbound_remote = d->domain_id;
        break;
    }
    free_port(d, port);
    return 0;
}

void evtchn_reset(struct domain *d)
{
    evtchn_port_t p;

    if (!d->evtchn)
        return;
    for (p = 1; p < EVTCHN_NR_PORTS; p++)
        if (d->evtchn->port[p].state != ECS_FREE)
            evtchn_close(d, p);
}

static long evtchn_send(struct domain *d, evtchn_port_t port)
{
    struct evtchn *chn = port_chn(d, port);

    if (!chn)
        return -XEN_EINVAL;
    switch (chn->state) {
    case ECS_INTERDOMAIN:
        evtchn_set_pending(chn->u.interdomain.dom, chn->u.interdomain.port);
        return 0;
    case ECS_IPI:
        evtchn_set_pending(d, port);
        return 0;
    case ECS_UNBOUND:
        return 0;   /* nobody listens yet: dropped, as Xen does */
    case ECS_XEN:
        xen_port_notify(d, chn->u.xen_kind);
        return 0;
    default:
        return -XEN_EINVAL;
    }
}

evtchn_port_t evtchn_bind_xen(struct domain *d, unsigned int kind)
{
    evtchn_port_t port = get_free_port(d);

    if (port) {
        d->evtchn->port[port].state = ECS_XEN;
        d->evtchn->port[port].u.xen_kind = kind;
    }
    return port;
}

static long evtchn_status(struct domain *self, evtchn_status_t *st)
{
    struct domain *d;
    struct evtchn *chn;
    long rc = lookup_domain(self, st->dom, &d);

    if (rc)
        return rc;
    /* Port 0 reads as closed: xen-lsevtchn enumerates from 0 to the first error. */
    if (!d->evtchn || st->port >= EVTCHN_NR_PORTS)
        return -XEN_EINVAL;
    chn = &d->evtchn->port[st->port];
    memset(&st->u, 0, sizeof(st->u));
    st->vcpu = chn->notify_vcpu;
    switch (chn->state) {
    case ECS_FREE:
    case ECS_RESERVED:
        st->status = EVTCHNSTAT_closed;
        break;
    case ECS_UNBOUND:
        st->status = EVTCHNSTAT_unbound;
        st->u.unbound.dom = chn->u.unbound_remote;
        break;
    case ECS_INTERDOMAIN:
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = chn->u.interdomain.dom->domain_id;
        st->u.interdomain.port = chn->u.interdomain.port;
        break;
    case ECS_VIRQ:
        st->status = EVTCHNSTAT_virq;
        st->u.virq = chn->u.virq;
        break;
    case ECS_IPI:
        st->status = EVTCHNSTAT_ipi;
        break;
    case ECS_XEN:
        /* Shown as a link to the hypervisor, which Xen's tools also do
         * for ports whose back-end lives in Xen. */
        st->status = EVTCHNSTAT_interdomain;
        st->u.interdomain.dom = DOMID_XEN;
        st->u.interdomain.port = 0;
        break;
    default:
        st->status = EVTCHNSTAT_pirq;
        break;
    }
    return 0;
}

static long evtchn_unmask(struct domain *d, evtchn_port_t port)
{
    shared_info_t *s = d->shared_info;
    struct vcpu *v;

    if (port == 0)
        return 0;   /* as Xen: port 0 is valid (reserved) and never pending */
    if (!port_chn(d, port))
        return -XEN_EINVAL;
    v = notify_vcpu(d, &d->evtchn->port[port]);
    if (test_and_clear(s->evtchn_mask, port) && test_bit(s->evtchn_pending, port) &&
        !test_and_set(&v->vcpu_info->evtchn_pending_sel, port / BITS_PER_WORD))
        vcpu_mark_events_pending(v);
    return 0;
}

static long evtchn_bind_vcpu(struct domain *d, evtchn_bind_vcpu_t *b)
{
    struct evtchn *chn = port_chn(d, b->port);

    if (b->vcpu >= d->max_vcpus || !d->vcpu[b->vcpu])
        return -XEN_ENOENT;
    if (!chn)
        return -XEN_EINVAL;
    switch (chn->state) {
    case ECS_VIRQ:
        if (!virq_is_global(chn->u.virq))
            return -XEN_EINVAL;
        /* fall through */
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
        chn->notify_vcpu = b->vcpu;
        return 0;
    default:
        return -XEN_EINVAL;
    }
}

void evtchn_send_virq(struct vcpu *v, unsigned int virq)
{
    evtchn_port_t port = v->virq_to_evtchn[virq];

    if (port)
        evtchn_set_pending(v->domain, port);
}

void evtchn_send_global_virq(struct domain *d, unsigned int virq)
{
    if (d->vcpu[0])
        evtchn_send_virq(d->vcpu[0], virq);
}

int evtchn_raise(struct domain *d, evtchn_port_t port)
{
    if (!port_chn(d, port) || d->evtchn->port[port].state == ECS_FREE)
        return -XEN_EINVAL;
    evtchn_set_pending(d, port);
    return 0;
}

bool evtchn_port_pending(struct domain *d, evtchn_port_t port)
{
    return port_chn(d, port) && test_bit(d->shared_info->evtchn_pending, port);
}

/* Argument size per command, and whether it has results to copy back. */
static const struct {
    size_t size;
    bool out;
} evtchnop_arg[] = {
    [EVTCHNOP_bind_interdomain] = {sizeof(evtchn_bind_interdomain_t), true},
    [EVTCHNOP_bind_virq] = {sizeof(evtchn_bind_virq_t), true},
    [EVTCHNOP_close] = {sizeof(evtchn_close_t), false},
    [EVTCHNOP_send] = {sizeof(evtchn_send_t), false},
    [EVTCHNOP_status] = {sizeof(evtchn_status_t), true},
    [EVTCHNOP_alloc_unbound] = {sizeof(evtchn_alloc_unbound_t), true},
    [EVTCHNOP_bind_ipi] = {sizeof(evtchn_bind_ipi_t), true},
    [EVTCHNOP_bind_vcpu] = {sizeof(evtchn_bind_vcpu_t), false},
    [EVTCHNOP_unmask] = {sizeof(evtchn_unmask_t), false},
    [EVTCHNOP_reset] = {sizeof(evtchn_reset_t), false},
};

static long evtchn_dispatch(struct domain *d, unsigned int cmd, void *a)
{
    struct domain *target;
    long rc;

    switch (cmd) {
    case EVTCHNOP_bind_interdomain:
        return evtchn_bind_interdomain(d, a);
    case EVTCHNOP_bind_virq:
        return evtchn_bind_virq(d, a);
    case EVTCHNOP_close:
        return evtchn_close(d, ((evtchn_close_t *)a)->port);
    case EVTCHNOP_send:
        return evtchn_send(d, ((evtchn_send_t *)a)->port);
    case EVTCHNOP_status:
        return evtchn_status(d, a);
    case EVTCHNOP_alloc_unbound:
        return evtchn_alloc_unbound(d, a);
    case EVTCHNOP_bind_ipi:
        return evtchn_bind_ipi(d, a);
    case EVTCHNOP_bind_vcpu:
        return evtchn_bind_vcpu(d, a);
    case EVTCHNOP_unmask:
        return evtchn_unmask(d, ((evtchn_unmask_t *)a)->port);
    case EVTCHNOP_reset:
        rc = lookup_domain(d, ((evtchn_reset_t *)a)->dom, &target);
        if (!rc)
            evtchn_reset(target);
        return rc;
    }
    return -XEN_ENOSYS;
}

/* FIFO ABI (init_control, expand_array, set_priority) and pirqs: -ENOSYS. */
long do_event_channel_op(unsigned long cmd, unsigned long arg, unsigned long a3,
                         unsigned long a4, unsigned long a5)
{
    struct domain *d = current_vcpu()->domain;
    union {
        evtchn_bind_interdomain_t bi;
        evtchn_status_t st;
        uint8_t raw[64];
    } u;
    size_t size = cmd < ARRAY_SIZE(evtchnop_arg) ? evtchnop_arg[cmd].size : 0;
    long rc;

    (void)a3, (void)a4, (void)a5;
    if (!size)
        return -XEN_ENOSYS;
    if (copy_from_guest(&u, arg, size))
        return -XEN_EFAULT;
    rc = evtchn_dispatch(d, (unsigned int)cmd, &u);
    /* As Xen: input-only arguments are never written (they may be read-only). */
    if (rc == 0 && evtchnop_arg[cmd].out && copy_to_guest(arg, &u, size))
        return -XEN_EFAULT;
    return rc;
}
