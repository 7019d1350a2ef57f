/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite for event channels (common/event_channel.c) on fake domains. */
#include <xenia/event.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>

#include "check_suite.h"
#include <limits.h>
#include <stdlib.h>

/*
 * Under test: hypervisor/common/event_channel.c.  Three domains with real
 * shared_info pages and port tables: dom0 (privileged, vCPUs 0-1), domU
 * (vCPUs 0-1, slot 2 empty, so max_vcpus is 3) and domV (one vCPU).  The
 * guest's memory is two pages, one read-write and one read-only; vcpu_kick
 * and xen_port_notify only record their calls.
 */

#define NR_DOMS 3
#define DOM_MISSING ((domid_t)9)
#define WORD_BITS (sizeof(xen_ulong_t) * 8)

static struct domain *dom0, *domu, *domv;
static struct domain *doms[NR_DOMS];
static struct vcpu *cur;

/* ------------------------------------------------------------------ */
/* Fakes                                                                */

#define G_RW 0x400000UL
#define G_RO 0x402000UL   /* a hole below: G_RW + G_PAGE is unmapped */
#define G_PAGE 0x1000UL

static uint8_t mem_rw[G_PAGE], mem_ro[G_PAGE];

static uint8_t *gmem(unsigned long va, size_t n, bool write)
{
    if (va >= G_RW && va - G_RW <= G_PAGE - MIN(n, G_PAGE) && n <= G_PAGE)
        return &mem_rw[va - G_RW];
    if (!write && va >= G_RO && va - G_RO <= G_PAGE - MIN(n, G_PAGE) && n <= G_PAGE)
        return &mem_ro[va - G_RO];
    return NULL;
}

int copy_from_guest(void *dst, unsigned long gva, size_t n)
{
    uint8_t *p = gmem(gva, n, false);

    if (!p)
        return -XEN_EFAULT;
    memcpy(dst, p, n);
    return 0;
}

int copy_to_guest(unsigned long gva, const void *src, size_t n)
{
    uint8_t *p = gmem(gva, n, true);

    if (!p)
        return -XEN_EFAULT;
    memcpy(p, src, n);
    return 0;
}

struct vcpu *current_vcpu(void)
{
    return cur;
}

struct domain *domain_by_id(domid_t id)
{
    unsigned int i;

    for (i = 0; i < NR_DOMS; i++)
        if (doms[i] && doms[i]->domain_id == id)
            return doms[i];
    return NULL;
}

static struct vcpu *kicked[256];
static unsigned int nr_kicks;

void vcpu_kick(struct vcpu *v)
{
    ck_assert_uint_lt(nr_kicks, ARRAY_SIZE(kicked));
    kicked[nr_kicks++] = v;
}

static struct domain *notified_d;
static unsigned int notified_kind, nr_notifies;

void xen_port_notify(struct domain *d, unsigned int kind)
{
    notified_d = d;
    notified_kind = kind;
    nr_notifies++;
}

static struct domain *dom_new(domid_t id, bool priv, unsigned int nr_vcpus)
{
    struct domain *d = calloc(1, sizeof(*d));
    unsigned int i;

    ck_assert_ptr_nonnull(d);
    d->domain_id = id;
    d->is_privileged = priv;
    d->state = DOMSTATE_RUNNING;
    d->max_vcpus = nr_vcpus;
    d->shared_info = calloc(1, sizeof(*d->shared_info));
    d->evtchn = calloc(1, sizeof(*d->evtchn));
    ck_assert_ptr_nonnull(d->shared_info);
    ck_assert_ptr_nonnull(d->evtchn);
    for (i = 0; i < nr_vcpus; i++) {
        struct vcpu *v = calloc(1, sizeof(*v));

        ck_assert_ptr_nonnull(v);
        v->domain = d;
        v->vcpu_id = i;
        v->online = true;
        v->vcpu_info = &d->shared_info->vcpu_info[i];
        d->vcpu[i] = v;
    }
    evtchn_init(d);
    return d;
}

static void dom_free(struct domain *d)
{
    unsigned int i;

    for (i = 0; i < d->max_vcpus; i++)
        free(d->vcpu[i]);
    free(d->evtchn);
    free(d->shared_info);
    free(d);
}

static void setup(void)
{
    doms[0] = dom0 = dom_new(0, true, 2);
    doms[1] = domu = dom_new(1, false, 3);
    doms[2] = domv = dom_new(2, false, 1);
    free(domu->vcpu[2]);
    domu->vcpu[2] = NULL;       /* a slot that was never brought up */
    cur = dom0->vcpu[0];
    nr_kicks = nr_notifies = 0;
    notified_d = NULL;
    notified_kind = 0;
    memset(mem_rw, 0, sizeof(mem_rw));
    memset(mem_ro, 0, sizeof(mem_ro));
}

static void teardown(void)
{
    unsigned int i;

    for (i = 0; i < NR_DOMS; i++) {
        dom_free(doms[i]);
        doms[i] = NULL;
    }
}

/* ------------------------------------------------------------------ */
/* The guest's side: hypercalls through guest memory, bits as it sees them */

/* Issue cmd as d's vCPU 0 with *arg in read-write guest memory. */
static long evop(struct domain *d, unsigned int cmd, void *arg, size_t size)
{
    long rc;

    cur = d->vcpu[0];
    memcpy(mem_rw, arg, size);
    rc = do_event_channel_op(cmd, G_RW, 0, 0, 0);
    memcpy(arg, mem_rw, size);
    return rc;
}

static long alloc_unbound(struct domain *d, domid_t dom, domid_t remote,
                          evtchn_port_t *port)
{
    evtchn_alloc_unbound_t a = {.dom = dom, .remote_dom = remote, .port = 0xdead};
    long rc = evop(d, EVTCHNOP_alloc_unbound, &a, sizeof(a));

    if (port)
        *port = a.port;
    return rc;
}

static long bind_interdomain(struct domain *d, domid_t rdom, evtchn_port_t rport,
                             evtchn_port_t *lport)
{
    evtchn_bind_interdomain_t b = {.remote_dom = rdom, .remote_port = rport};
    long rc = evop(d, EVTCHNOP_bind_interdomain, &b, sizeof(b));

    if (lport)
        *lport = b.local_port;
    return rc;
}

static long bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu,
                      evtchn_port_t *port)
{
    evtchn_bind_virq_t b = {.virq = virq, .vcpu = vcpu};
    long rc = evop(d, EVTCHNOP_bind_virq, &b, sizeof(b));

    if (port)
        *port = b.port;
    return rc;
}

static long bind_ipi(struct domain *d, uint32_t vcpu, evtchn_port_t *port)
{
    evtchn_bind_ipi_t b = {.vcpu = vcpu};
    long rc = evop(d, EVTCHNOP_bind_ipi, &b, sizeof(b));

    if (port)
        *port = b.port;
    return rc;
}

static long bind_vcpu(struct domain *d, evtchn_port_t port, uint32_t vcpu)
{
    evtchn_bind_vcpu_t b = {.port = port, .vcpu = vcpu};

    return evop(d, EVTCHNOP_bind_vcpu, &b, sizeof(b));
}

static long ev_close(struct domain *d, evtchn_port_t port)
{
    evtchn_close_t c = {.port = port};

    return evop(d, EVTCHNOP_close, &c, sizeof(c));
}

static long ev_send(struct domain *d, evtchn_port_t port)
{
    evtchn_send_t s = {.port = port};

    return evop(d, EVTCHNOP_send, &s, sizeof(s));
}

static long ev_status(struct domain *d, domid_t dom, evtchn_port_t port,
                      evtchn_status_t *st)
{
    memset(st, 0xa5, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return evop(d, EVTCHNOP_status, st, sizeof(*st));
}

static long ev_unmask(struct domain *d, evtchn_port_t port)
{
    evtchn_unmask_t u = {.port = port};

    return evop(d, EVTCHNOP_unmask, &u, sizeof(u));
}

static long ev_reset(struct domain *d, domid_t dom)
{
    evtchn_reset_t r = {.dom = dom};

    return evop(d, EVTCHNOP_reset, &r, sizeof(r));
}

static bool bit(const xen_ulong_t *w, unsigned int b)
{
    return (w[b / WORD_BITS] >> (b % WORD_BITS)) & 1;
}

static bool pending(struct domain *d, evtchn_port_t p)
{
    return bit(d->shared_info->evtchn_pending, p);
}

static void mask(struct domain *d, evtchn_port_t p)
{
    d->shared_info->evtchn_mask[p / WORD_BITS] |= (xen_ulong_t)1 << (p % WORD_BITS);
}

static bool sel(struct vcpu *v, evtchn_port_t p)
{
    return (v->vcpu_info->evtchn_pending_sel >> (p / WORD_BITS)) & 1;
}

static uint8_t upcall(struct vcpu *v)
{
    return v->vcpu_info->evtchn_upcall_pending;
}

static unsigned int kicks_of(struct vcpu *v)
{
    unsigned int i, n = 0;

    for (i = 0; i < nr_kicks; i++)
        n += kicked[i] == v;
    return n;
}

/* The guest handled everything: pending bits, selectors and upcall flags clear. */
static void guest_ack(struct domain *d)
{
    unsigned int i;

    memset(d->shared_info->evtchn_pending, 0, sizeof(d->shared_info->evtchn_pending));
    for (i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i]) {
            d->vcpu[i]->vcpu_info->evtchn_pending_sel = 0;
            d->vcpu[i]->vcpu_info->evtchn_upcall_pending = 0;
        }
    nr_kicks = 0;
}

static unsigned int nr_pending(struct domain *d)
{
    unsigned int p, n = 0;

    for (p = 0; p < EVTCHN_NR_PORTS; p++)
        n += pending(d, p);
    return n;
}

static void assert_status(struct domain *d, evtchn_port_t port, uint32_t status)
{
    evtchn_status_t st;

    ck_assert_int_eq(ev_status(d, DOMID_SELF, port, &st), 0);
    ck_assert_uint_eq(st.status, status);
}

/* An interdomain link a:pa <-> b:pb made the way guests make them. */
static void ev_link(struct domain *a, evtchn_port_t *pa, struct domain *b,
                 evtchn_port_t *pb)
{
    ck_assert_int_eq(alloc_unbound(a, DOMID_SELF, b->domain_id, pa), 0);
    ck_assert_int_eq(bind_interdomain(b, a->domain_id, *pa, pb), 0);
}

/* ------------------------------------------------------------------ */
/* The worked example of event_channel.c's header comment               */

START_TEST(test_example)
{
    evtchn_port_t p1, p2;
    evtchn_status_t st;

    ck_assert_int_eq(alloc_unbound(domu, DOMID_SELF, DOMID_SELF, &p1), 0);
    ck_assert_uint_eq(p1, 1);
    ck_assert_int_eq(bind_interdomain(domu, DOMID_SELF, 1, &p2), 0);
    ck_assert_uint_eq(p2, 2);
    ck_assert(pending(domu, 2));
    ck_assert(!pending(domu, 1));

    guest_ack(domu);
    ck_assert_int_eq(ev_send(domu, 1), 0);
    ck_assert(pending(domu, 2));
    ck_assert(!pending(domu, 1));

    guest_ack(domu);
    ck_assert_int_eq(ev_send(domu, 2), 0);
    ck_assert(pending(domu, 1));
    ck_assert(!pending(domu, 2));

    ck_assert_int_eq(ev_close(domu, 2), 0);
    ck_assert_int_eq(ev_status(domu, DOMID_SELF, 1, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, domu->domain_id);
    assert_status(domu, 2, EVTCHNSTAT_closed);
}
END_TEST

/* ------------------------------------------------------------------ */
/* EVTCHNOP_alloc_unbound                                               */

static const struct alloc_case {
    unsigned int caller;    /* index in doms[] */
    domid_t dom, remote;
    long rc;
    unsigned int owner;     /* where the port appears */
    domid_t expect_remote;
} alloc_cases[] = {
    {1, DOMID_SELF, DOMID_SELF, 0, 1, 1},   /* self/self */
    {1, DOMID_SELF, 0, 0, 1, 0},            /* waits for dom0 */
    {1, DOMID_SELF, 2, 0, 1, 2},
    {1, 1, 0, 0, 1, 0},                     /* own id == DOMID_SELF */
    {1, DOMID_SELF, DOM_MISSING, 0, 1, DOM_MISSING}, /* remote not checked */
    {0, 1, 2, 0, 1, 2},                     /* privileged: in domU */
    {0, 1, DOMID_SELF, 0, 1, 0},            /* DOMID_SELF is the caller */
    {1, 0, 1, -XEN_EPERM, 0, 0},            /* unprivileged naming dom0 */
    {1, 2, 1, -XEN_EPERM, 0, 0},
    {1, DOM_MISSING, 1, -XEN_EPERM, 0, 0},
    {0, DOM_MISSING, 0, -XEN_ESRCH, 0, 0},  /* privileged, no such domain */
};

START_TEST(test_alloc_unbound)
{
    const struct alloc_case *c = &alloc_cases[_i];
    evtchn_port_t port;
    evtchn_status_t st;
    unsigned int i;

    ck_assert_int_eq(alloc_unbound(doms[c->caller], c->dom, c->remote, &port), c->rc);
    if (c->rc) {
        ck_assert_uint_eq(port, 0xdead);   /* nothing copied back */
        for (i = 0; i < NR_DOMS; i++)
            assert_status(doms[i], 1, EVTCHNSTAT_closed);
        return;
    }
    ck_assert_uint_eq(port, 1);
    ck_assert_int_eq(ev_status(doms[c->owner], DOMID_SELF, 1, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, c->expect_remote);
    ck_assert_uint_eq(nr_pending(doms[c->owner]), 0);
    for (i = 0; i < NR_DOMS; i++)
        if (i != c->owner)
            assert_status(doms[i], 1, EVTCHNSTAT_closed);
}
END_TEST

START_TEST(test_alloc_unbound_full)
{
    evtchn_port_t p, got;

    for (p = 1; p < EVTCHN_NR_PORTS; p++) {
        ck_assert_int_eq(alloc_unbound(domu, DOMID_SELF, 0, &got), 0);
        ck_assert_uint_eq(got, p);
    }
    ck_assert_int_eq(alloc_unbound(domu, DOMID_SELF, 0, &got), -XEN_ENOSPC);
    ck_assert_int_eq(bind_ipi(domu, 0, &got), -XEN_ENOSPC);
    ck_assert_int_eq(bind_virq(domu, VIRQ_TIMER, 0, &got), -XEN_ENOSPC);
    ck_assert_uint_eq(domu->vcpu[0]->virq_to_evtchn[VIRQ_TIMER], 0);
    ck_assert_uint_eq(evtchn_bind_xen(domu, XEN_PORT_CONSOLE), 0);
    /* A freed port is the next one handed out. */
    ck_assert_int_eq(ev_close(domu, 77), 0);
    ck_assert_int_eq(alloc_unbound(domu, DOMID_SELF, 0, &got), 0);
    ck_assert_uint_eq(got, 77);
}
END_TEST

/* ------------------------------------------------------------------ */
/* EVTCHNOP_bind_interdomain                                            */

/*
 * domU has port 1 unbound for dom0, port 2 unbound for domV, port 3 an
 * IPI; dom0 binds to one of them.
 */
static const struct bind_case {
    domid_t rdom;
    evtchn_port_t rport;
    long rc;
} bind_cases[] = {
    {1, 1, 0},
    {1, 2, -XEN_EINVAL},            /* remote expects domV */
    {1, 3, -XEN_EINVAL},            /* not unbound: IPI */
    {1, 4, -XEN_EINVAL},            /* not unbound: free */
    {1, 0, -XEN_EINVAL},            /* reserved */
    {1, EVTCHN_NR_PORTS, -XEN_EINVAL},
    {1, UINT32_MAX, -XEN_EINVAL},
    {2, 1, -XEN_EINVAL},            /* wrong remote: domV has no port 1 */
    {DOMID_SELF, 1, -XEN_EINVAL},   /* dom0's own port 1 is free */
    {DOM_MISSING, 1, -XEN_ESRCH},
};

START_TEST(test_bind_interdomain)
{
    const struct bind_case *c = &bind_cases[_i];
    evtchn_port_t p, lport = 0xdead;
    evtchn_status_t st;

    ck_assert_int_eq(alloc_unbound(domu, DOMID_SELF, 0, &p), 0);
    ck_assert_int_eq(alloc_unbound(domu, DOMID_SELF, 2, &p), 0);
    ck_assert_int_eq(bind_ipi(domu, 0, &p), 0);
    ck_assert_uint_eq(p, 3);
    guest_ack(domu);

    ck_assert_int_eq(bind_interdomain(dom0, c->rdom, c->rport, &lport), c->rc);
    if (c->rc) {
        ck_assert_uint_eq(lport, 0);        /* nothing copied back */
        assert_status(dom0, 1, EVTCHNSTAT_closed);
        ck_assert_uint_eq(nr_pending(dom0), 0);
        ck_assert_uint_eq(nr_kicks, 0);
        ck_assert_int_eq(ev_status(domu, DOMID_SELF, 1, &st), 0);
        ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
        return;
    }
    ck_assert_uint_eq(lport, 1);
    /* Raised at once: a notification may have gone to the unbound port. */
    ck_assert(pending(dom0, lport));
    ck_assert(sel(dom0->vcpu[0], lport));
    ck_assert_uint_eq(upcall(dom0->vcpu[0]), 1);
    ck_assert_uint_eq(kicks_of(dom0->vcpu[0]), 1);
    ck_assert_uint_eq(nr_kicks, 1);
    ck_assert_uint_eq(nr_pending(domu), 0);
    ck_assert_int_eq(ev_status(dom0, DOMID_SELF, lport, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_interdomain);
    ck_assert_uint_eq(st.u.interdomain.dom, 1);
    ck_assert_uint_eq(st.u.interdomain.port, c->rport);
    ck_assert_int_eq(ev_status(domu, DOMID_SELF, c->rport, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_interdomain);
    ck_assert_uint_eq(st.u.interdomain.dom, 0);
    ck_assert_uint_eq(st.u.interdomain.port, lport);
    /* Bound once only. */
    ck_assert_int_eq(bind_interdomain(dom0, 1, c->rport, NULL), -XEN_EINVAL);
}
END_TEST

START_TEST(test_bind_interdomain_full)
{
    evtchn_port_t p, rport;
    evtchn_status_t st;

    ck_assert_int_eq(alloc_unbound(domu, DOMID_SELF, 0, &rport), 0);
    for (p = 1; p < EVTCHN_NR_PORTS; p++)
        ck_assert_int_eq(bind_ipi(dom0, 0, NULL), 0);
    ck_assert_int_eq(bind_interdomain(dom0, 1, rport, NULL), -XEN_ENOSPC);
    ck_assert_int_eq(ev_status(domu, DOMID_SELF, rport, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* EVTCHNOP_bind_virq and EVTCHNOP_bind_ipi                             */

static const struct virq_case {
    uint32_t virq, vcpu;
    long rc;
} virq_cases[] = {
    {VIRQ_TIMER, 0, 0},
    {VIRQ_TIMER, 1, 0},             /* per-vCPU */
    {VIRQ_DEBUG, 1, 0},
    {VIRQ_XENOPROF, 1, 0},
    {VIRQ_CONSOLE, 0, 0},           /* global: vCPU 0 only */
    {VIRQ_DOM_EXC, 0, 0},
    {NR_VIRQS - 1, 0, 0},
    {VIRQ_CONSOLE, 1, -XEN_EINVAL},
    {VIRQ_DOM_EXC, 2, -XEN_EINVAL},
    {NR_VIRQS, 0, -XEN_EINVAL},
    {UINT32_MAX, 0, -XEN_EINVAL},
    {VIRQ_TIMER, 2, -XEN_ENOENT},   /* slot never brought up */
    {VIRQ_TIMER, 3, -XEN_ENOENT},   /* past max_vcpus */
    {VIRQ_TIMER, MAX_VIRT_CPUS, -XEN_ENOENT},
    {VIRQ_TIMER, UINT32_MAX, -XEN_ENOENT},
};

START_TEST(test_bind_virq)
{
    const struct virq_case *c = &virq_cases[_i];
    evtchn_port_t port = 0xdead;
    evtchn_status_t st;
    unsigned int i;

    ck_assert_int_eq(bind_virq(domu, c->virq, c->vcpu, &port), c->rc);
    if (c->rc) {
        ck_assert_uint_eq(port, 0);
        assert_status(domu, 1, EVTCHNSTAT_closed);
        for (i = 0; i < 2; i++)
            ck_assert_uint_eq(domu->vcpu[i]->virq_to_evtchn[VIRQ_TIMER], 0);
        return;
    }
    ck_assert_uint_eq(port, 1);
    ck_assert_uint_eq(domu->vcpu[c->vcpu]->virq_to_evtchn[c->virq], port);
    ck_assert_int_eq(ev_status(domu, DOMID_SELF, port, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_virq);
    ck_assert_uint_eq(st.u.virq, c->virq);
    ck_assert_uint_eq(st.vcpu, c->vcpu);
    ck_assert_uint_eq(nr_pending(domu), 0);

    ck_assert_int_eq(bind_virq(domu, c->virq, c->vcpu, NULL), -XEN_EEXIST);
    /* Closing the port frees the VIRQ for a new binding. */
    ck_assert_int_eq(ev_close(domu, port), 0);
    ck_assert_uint_eq(domu->vcpu[c->vcpu]->virq_to_evtchn[c->virq], 0);
    ck_assert_int_eq(bind_virq(domu, c->virq, c->vcpu, &port), 0);
    ck_assert_uint_eq(port, 1);
}
END_TEST

START_TEST(test_bind_virq_per_vcpu)
{
    evtchn_port_t p0, p1;

    ck_assert_int_eq(bind_virq(domu, VIRQ_TIMER, 0, &p0), 0);
    ck_assert_int_eq(bind_virq(domu, VIRQ_TIMER, 1, &p1), 0);
    ck_assert_uint_ne(p0, p1);
    ck_assert_int_eq(bind_virq(domu, VIRQ_TIMER, 1, NULL), -XEN_EEXIST);

    evtchn_send_virq(domu->vcpu[1], VIRQ_TIMER);
    ck_assert(pending(domu, p1));
    ck_assert(!pending(domu, p0));
    ck_assert(sel(domu->vcpu[1], p1));
    ck_assert_uint_eq(upcall(domu->vcpu[1]), 1);
    ck_assert_uint_eq(upcall(domu->vcpu[0]), 0);
    ck_assert_uint_eq(kicks_of(domu->vcpu[1]), 1);
    ck_assert_uint_eq(nr_kicks, 1);
}
END_TEST

static const struct ipi_case {
    uint32_t vcpu;
    long rc;
} ipi_cases[] = {
    {0, 0}, {1, 0}, {2, -XEN_ENOENT}, {3, -XEN_ENOENT},
    {MAX_VIRT_CPUS, -XEN_ENOENT}, {UINT32_MAX, -XEN_ENOENT},
};

START_TEST(test_bind_ipi)
{
    const struct ipi_case *c = &ipi_cases[_i];
    evtchn_port_t port = 0xdead;
    evtchn_status_t st;

    ck_assert_int_eq(bind_ipi(domu, c->vcpu, &port), c->rc);
    if (c->rc) {
        ck_assert_uint_eq(port, 0);
        assert_status(domu, 1, EVTCHNSTAT_closed);
        return;
    }
    ck_assert_uint_eq(port, 1);
    ck_assert_int_eq(ev_status(domu, DOMID_SELF, port, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_ipi);
    ck_assert_uint_eq(st.vcpu, c->vcpu);
    /* An IPI raises the port itself, on the vCPU it names. */
    ck_assert_int_eq(ev_send(domu, port), 0);
    ck_assert(pending(domu, port));
    ck_assert_uint_eq(upcall(domu->vcpu[c->vcpu]), 1);
    ck_assert_uint_eq(upcall(domu->vcpu[1 - c->vcpu]), 0);
    ck_assert_uint_eq(kicks_of(domu->vcpu[c->vcpu]), 1);
    ck_assert_uint_eq(nr_kicks, 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* EVTCHNOP_bind_vcpu                                                   */

enum port_kind {
    PK_FREE, PK_RESERVED, PK_UNBOUND, PK_INTERDOMAIN, PK_GLOBAL_VIRQ,
    PK_VCPU_VIRQ, PK_IPI, PK_XEN, PK_OUT_OF_RANGE,
};

/* Make a port of domU of the given kind (its peer, if any, in dom0). */
static evtchn_port_t make_port(enum port_kind k)
{
    evtchn_port_t p = 0, peer;

    switch (k) {
    case PK_FREE:
        return 100;
    case PK_RESERVED:
        return 0;
    case PK_OUT_OF_RANGE:
        return EVTCHN_NR_PORTS;
    case PK_UNBOUND:
        ck_assert_int_eq(alloc_unbound(domu, DOMID_SELF, 0, &p), 0);
        break;
    case PK_INTERDOMAIN:
        ev_link(domu, &p, dom0, &peer);
        break;
    case PK_GLOBAL_VIRQ:
        ck_assert_int_eq(bind_virq(domu, VIRQ_CONSOLE, 0, &p), 0);
        break;
    case PK_VCPU_VIRQ:
        ck_assert_int_eq(bind_virq(domu, VIRQ_TIMER, 0, &p), 0);
        break;
    case PK_IPI:
        ck_assert_int_eq(bind_ipi(domu, 0, &p), 0);
        break;
    case PK_XEN:
        p = evtchn_bind_xen(domu, XEN_PORT_CONSOLE);
        break;
    }
    ck_assert_uint_ne(p, 0);
    guest_ack(domu);
    guest_ack(dom0);
    return p;
}

static const struct bind_vcpu_case {
    enum port_kind kind;
    uint32_t vcpu;
    long rc;
} bind_vcpu_cases[] = {
    {PK_UNBOUND, 1, 0},
    {PK_INTERDOMAIN, 1, 0},
    {PK_GLOBAL_VIRQ, 1, 0},
    {PK_INTERDOMAIN, 0, 0},
    {PK_VCPU_VIRQ, 1, -XEN_EINVAL},
    {PK_IPI, 1, -XEN_EINVAL},
    {PK_XEN, 1, -XEN_EINVAL},
    {PK_FREE, 1, -XEN_EINVAL},
    {PK_RESERVED, 1, -XEN_EINVAL},
    {PK_OUT_OF_RANGE, 1, -XEN_EINVAL},
    {PK_INTERDOMAIN, 2, -XEN_ENOENT},
    {PK_INTERDOMAIN, 3, -XEN_ENOENT},
    {PK_INTERDOMAIN, UINT32_MAX, -XEN_ENOENT},
};

START_TEST(test_bind_vcpu)
{
    const struct bind_vcpu_case *c = &bind_vcpu_cases[_i];
    evtchn_port_t port = make_port(c->kind);
    evtchn_status_t st;

    ck_assert_int_eq(bind_vcpu(domu, port, c->vcpu), c->rc);
    if (port == 0 || port >= EVTCHN_NR_PORTS)
        return;
    ck_assert_int_eq(ev_status(domu, DOMID_SELF, port, &st), 0);
    ck_assert_uint_eq(st.vcpu, c->rc ? 0 : c->vcpu);
}
END_TEST

/* Rebound ports notify the new vCPU; a global VIRQ stays recorded on vCPU 0. */
START_TEST(test_bind_vcpu_delivery)
{
    evtchn_port_t mine, peer, virq;

    ev_link(domu, &mine, dom0, &peer);
    ck_assert_int_eq(bind_virq(domu, VIRQ_CONSOLE, 0, &virq), 0);
    guest_ack(domu);
    ck_assert_int_eq(bind_vcpu(domu, mine, 1), 0);
    ck_assert_int_eq(bind_vcpu(domu, virq, 1), 0);

    ck_assert_int_eq(ev_send(dom0, peer), 0);
    ck_assert(pending(domu, mine));
    ck_assert_uint_eq(upcall(domu->vcpu[1]), 1);
    ck_assert_uint_eq(upcall(domu->vcpu[0]), 0);
    ck_assert_uint_eq(kicks_of(domu->vcpu[1]), 1);

    guest_ack(domu);
    evtchn_send_global_virq(domu, VIRQ_CONSOLE);
    ck_assert(pending(domu, virq));
    ck_assert(sel(domu->vcpu[1], virq));
    ck_assert_uint_eq(upcall(domu->vcpu[0]), 0);
    ck_assert_uint_eq(kicks_of(domu->vcpu[1]), 1);

    ck_assert_int_eq(bind_virq(domu, VIRQ_CONSOLE, 0, NULL), -XEN_EEXIST);
    ck_assert_int_eq(ev_close(domu, virq), 0);
    ck_assert_uint_eq(domu->vcpu[0]->virq_to_evtchn[VIRQ_CONSOLE], 0);
    ck_assert_int_eq(bind_virq(domu, VIRQ_CONSOLE, 0, NULL), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* EVTCHNOP_close and EVTCHNOP_reset                                    */

START_TEST(test_close_interdomain)
{
    evtchn_port_t mine, peer;
    evtchn_status_t st;

    ev_link(domu, &mine, dom0, &peer);
    ck_assert(pending(dom0, peer));
    ck_assert_int_eq(ev_close(dom0, peer), 0);
    assert_status(dom0, peer, EVTCHNSTAT_closed);
    ck_assert(!pending(dom0, peer));    /* a freed port is not left pending */
    /* The peer waits for the domain that closed, and can be bound again. */
    ck_assert_int_eq(ev_status(domu, DOMID_SELF, mine, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 0);
    ck_assert_int_eq(ev_send(domu, mine), 0);
    ck_assert_uint_eq(nr_pending(dom0), 0);
    ck_assert_int_eq(bind_interdomain(dom0, 1, mine, &peer), 0);

    /* The other way round: dom0's end goes back to waiting for domU. */
    ck_assert_int_eq(ev_close(domu, mine), 0);
    ck_assert_int_eq(ev_status(dom0, DOMID_SELF, peer, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 1);
    ck_assert_int_eq(ev_close(domu, mine), -XEN_EINVAL);
}
END_TEST

static const struct close_case {
    enum port_kind kind;
    long rc;
} close_cases[] = {
    {PK_UNBOUND, 0}, {PK_INTERDOMAIN, 0}, {PK_GLOBAL_VIRQ, 0},
    {PK_VCPU_VIRQ, 0}, {PK_IPI, 0}, {PK_XEN, 0},
    {PK_FREE, -XEN_EINVAL}, {PK_RESERVED, -XEN_EINVAL},
    {PK_OUT_OF_RANGE, -XEN_EINVAL},
};

START_TEST(test_close)
{
    const struct close_case *c = &close_cases[_i];
    evtchn_port_t port = make_port(c->kind);
    evtchn_status_t st;

    ck_assert_int_eq(ev_close(domu, port), c->rc);
    if (c->rc == 0) {
        assert_status(domu, port, EVTCHNSTAT_closed);
        ck_assert_int_eq(ev_close(domu, port), -XEN_EINVAL);
        ck_assert_uint_eq(domu->vcpu[0]->virq_to_evtchn[VIRQ_TIMER], 0);
        ck_assert_uint_eq(domu->vcpu[0]->virq_to_evtchn[VIRQ_CONSOLE], 0);
    }
    /* Port 0 stays reserved. */
    ck_assert_int_eq(ev_status(domu, DOMID_SELF, 0, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_closed);
    ck_assert_uint_eq(domu->evtchn->port[0].state, ECS_RESERVED);
}
END_TEST

START_TEST(test_reset)
{
    evtchn_port_t mine, peer, virq, ipi, self1, self2;
    evtchn_status_t st;

    ev_link(domu, &mine, dom0, &peer);
    ck_assert_int_eq(bind_virq(domu, VIRQ_TIMER, 1, &virq), 0);
    ck_assert_int_eq(bind_ipi(domu, 1, &ipi), 0);
    ck_assert_int_eq(alloc_unbound(domu, DOMID_SELF, DOMID_SELF, &self1), 0);
    ck_assert_int_eq(bind_interdomain(domu, DOMID_SELF, self1, &self2), 0);

    ck_assert_int_eq(ev_reset(domu, 0), -XEN_EPERM);
    ck_assert_int_eq(ev_reset(dom0, DOM_MISSING), -XEN_ESRCH);
    ck_assert_int_eq(ev_reset(domu, DOMID_SELF), 0);
    for (mine = 1; mine < EVTCHN_NR_PORTS; mine++)
        ck_assert_uint_eq(domu->evtchn->port[mine].state, ECS_FREE);
    ck_assert_uint_eq(domu->evtchn->port[0].state, ECS_RESERVED);
    ck_assert_uint_eq(domu->vcpu[1]->virq_to_evtchn[VIRQ_TIMER], 0);
    ck_assert_uint_eq(nr_pending(domu), 0);
    ck_assert_int_eq(ev_status(dom0, DOMID_SELF, peer, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    ck_assert_uint_eq(st.u.unbound.dom, 1);

    /* The control domain may reset another. */
    ck_assert_int_eq(bind_interdomain(domu, 0, peer, &mine), 0);
    ck_assert_int_eq(ev_reset(dom0, 1), 0);
    assert_status(domu, mine, EVTCHNSTAT_closed);
    ck_assert_int_eq(ev_status(dom0, DOMID_SELF, peer, &st), 0);
    ck_assert_uint_eq(st.status, EVTCHNSTAT_unbound);
    (void)virq, (void)ipi, (void)self2;
}
END_TEST

/* ------------------------------------------------------------------ */
/* EVTCHNOP_send                                                        */

static const struct send_case {
    enum port_kind kind;
    long rc;
    bool raises_peer, raises_self, notifies_xen;
} send_cases[] = {
    {PK_INTERDOMAIN, 0, true, false, false},
    {PK_IPI, 0, false, true, false},
    {PK_UNBOUND, 0, false, false, false},   /* dropped */
    {PK_XEN, 0, false, false, true},
    {PK_GLOBAL_VIRQ, -XEN_EINVAL, false, false, false},
    {PK_VCPU_VIRQ, -XEN_EINVAL, false, false, false},
    {PK_FREE, -XEN_EINVAL, false, false, false},
    {PK_RESERVED, -XEN_EINVAL, false, false, false},
    {PK_OUT_OF_RANGE, -XEN_EINVAL, false, false, false},
};

START_TEST(test_send)
{
    const struct send_case *c = &send_cases[_i];
    evtchn_port_t port = make_port(c->kind);

    ck_assert_int_eq(ev_send(domu, port), c->rc);
    ck_assert_uint_eq(nr_pending(dom0), c->raises_peer);
    ck_assert_uint_eq(upcall(dom0->vcpu[0]), c->raises_peer);
    ck_assert_uint_eq(nr_pending(domu), c->raises_self);
    if (c->raises_self)
        ck_assert(pending(domu, port));
    ck_assert_uint_eq(nr_kicks, c->raises_peer || c->raises_self);
    ck_assert_uint_eq(nr_notifies, c->notifies_xen);
    if (c->notifies_xen) {
        ck_assert_ptr_eq(notified_d, domu);
        ck_assert_uint_eq(notified_kind, XEN_PORT_CONSOLE);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* EVTCHNOP_status                                                      */

static const struct status_case {
    enum port_kind kind;
    long rc;
    uint32_t status;
    domid_t dom;        /* unbound.dom or interdomain.dom */
} status_cases[] = {
    {PK_FREE, 0, EVTCHNSTAT_closed, 0},
    {PK_RESERVED, 0, EVTCHNSTAT_closed, 0},
    {PK_UNBOUND, 0, EVTCHNSTAT_unbound, 0},
    {PK_INTERDOMAIN, 0, EVTCHNSTAT_interdomain, 0},
    {PK_GLOBAL_VIRQ, 0, EVTCHNSTAT_virq, 0},
    {PK_IPI, 0, EVTCHNSTAT_ipi, 0},
    {PK_XEN, 0, EVTCHNSTAT_interdomain, DOMID_XEN},
    {PK_OUT_OF_RANGE, -XEN_EINVAL, 0, 0},
};

START_TEST(test_status)
{
    const struct status_case *c = &status_cases[_i];
    evtchn_port_t port = make_port(c->kind);
    evtchn_status_t st, st0;

    ck_assert_int_eq(ev_status(domu, DOMID_SELF, port, &st), c->rc);
    /* The control domain sees the same by naming domU. */
    ck_assert_int_eq(ev_status(dom0, 1, port, &st0), c->rc);
    if (c->rc)
        return;
    ck_assert_uint_eq(st.status, st0.status);
    ck_assert_uint_eq(st.vcpu, st0.vcpu);
    ck_assert_mem_eq(&st.u, &st0.u, sizeof(st.u));
    ck_assert_uint_eq(st.port, port);
    ck_assert_uint_eq(st.status, c->status);
    ck_assert_uint_eq(st.vcpu, 0);
    switch (c->status) {
    case EVTCHNSTAT_unbound:
        ck_assert_uint_eq(st.u.unbound.dom, c->dom);
        break;
    case EVTCHNSTAT_interdomain:
        ck_assert_uint_eq(st.u.interdomain.dom, c->dom);
        ck_assert_uint_eq(st.u.interdomain.port, c->kind == PK_XEN ? 0 : 1);
        break;
    case EVTCHNSTAT_virq:
        ck_assert_uint_eq(st.u.virq, VIRQ_CONSOLE);
        break;
    default:
        ck_assert_uint_eq(st.u.virq, 0);    /* union cleared */
        break;
    }
}
END_TEST

START_TEST(test_status_perm)
{
    evtchn_status_t st;

    ck_assert_int_eq(ev_status(domu, 0, 1, &st), -XEN_EPERM);
    ck_assert_int_eq(ev_status(domu, 2, 1, &st), -XEN_EPERM);
    ck_assert_int_eq(ev_status(dom0, DOM_MISSING, 1, &st), -XEN_ESRCH);
    ck_assert_int_eq(ev_status(domu, 1, 1, &st), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The 2-level bit protocol, EVTCHNOP_unmask and the in-hypervisor API   */

START_TEST(test_2l_set_pending)
{
    struct vcpu *v = domu->vcpu[0];
    evtchn_port_t a, b, far;

    ck_assert_int_eq(bind_ipi(domu, 0, &a), 0);
    ck_assert_int_eq(bind_ipi(domu, 0, &b), 0);
    far = 200;                                  /* in word 3 */
    domu->evtchn->port[far].state = ECS_IPI;

    ck_assert_int_eq(evtchn_raise(domu, a), 0);
    ck_assert(pending(domu, a));
    ck_assert_uint_eq(v->vcpu_info->evtchn_pending_sel, 1);
    ck_assert_uint_eq(upcall(v), 1);
    ck_assert_uint_eq(nr_kicks, 1);

    /* Already pending: nothing changes, nobody is kicked. */
    v->vcpu_info->evtchn_pending_sel = 0;
    ck_assert_int_eq(evtchn_raise(domu, a), 0);
    ck_assert_uint_eq(v->vcpu_info->evtchn_pending_sel, 0);
    ck_assert_uint_eq(nr_kicks, 1);
    v->vcpu_info->evtchn_pending_sel = 1;

    /* Same word, upcall already pending: no new kick. */
    ck_assert_int_eq(evtchn_raise(domu, b), 0);
    ck_assert(pending(domu, b));
    ck_assert_uint_eq(nr_kicks, 1);

    /* Another word: its selector bit, still no kick while running. */
    ck_assert_int_eq(evtchn_raise(domu, far), 0);
    ck_assert_uint_eq(v->vcpu_info->evtchn_pending_sel, 1 | (1u << 3));
    ck_assert_uint_eq(nr_kicks, 1);
}
END_TEST

START_TEST(test_2l_masked)
{
    struct vcpu *v = domu->vcpu[0];
    evtchn_port_t p, q;

    ck_assert_int_eq(bind_ipi(domu, 0, &p), 0);
    ck_assert_int_eq(bind_ipi(domu, 0, &q), 0);
    mask(domu, p);
    ck_assert_int_eq(evtchn_raise(domu, p), 0);
    ck_assert(pending(domu, p));
    ck_assert_uint_eq(v->vcpu_info->evtchn_pending_sel, 0);
    ck_assert_uint_eq(upcall(v), 0);
    ck_assert_uint_eq(nr_kicks, 0);
    ck_assert(bit(domu->shared_info->evtchn_mask, p));   /* guest's mask kept */

    /* Unmask makes it visible, exactly once. */
    ck_assert_int_eq(ev_unmask(domu, p), 0);
    ck_assert(!bit(domu->shared_info->evtchn_mask, p));
    ck_assert(sel(v, p));
    ck_assert_uint_eq(upcall(v), 1);
    ck_assert_uint_eq(nr_kicks, 1);
    ck_assert_int_eq(ev_unmask(domu, p), 0);
    ck_assert_uint_eq(nr_kicks, 1);
    mask(domu, p);
    ck_assert_int_eq(ev_unmask(domu, p), 0);    /* selector still set */
    ck_assert_uint_eq(nr_kicks, 1);

    /* Unmasking a port that is not pending delivers nothing. */
    guest_ack(domu);
    mask(domu, q);
    ck_assert_int_eq(ev_unmask(domu, q), 0);
    ck_assert_uint_eq(v->vcpu_info->evtchn_pending_sel, 0);
    ck_assert_uint_eq(upcall(v), 0);
    ck_assert_uint_eq(nr_kicks, 0);

    /* Unmask goes to the port's vCPU; port 0 and out of range refused. */
    ck_assert_int_eq(bind_ipi(domu, 1, &q), 0);
    mask(domu, q);
    ck_assert_int_eq(evtchn_raise(domu, q), 0);
    ck_assert_int_eq(ev_unmask(domu, q), 0);
    ck_assert_uint_eq(upcall(domu->vcpu[1]), 1);
    ck_assert_uint_eq(upcall(v), 0);
    ck_assert_uint_eq(kicks_of(domu->vcpu[1]), 1);
    ck_assert_int_eq(ev_unmask(domu, EVTCHN_NR_PORTS), -XEN_EINVAL);
    ck_assert_int_eq(ev_unmask(domu, 0), 0);    /* port 0: valid, never pending (Xen) */
}
END_TEST

/* A blocked or polling vCPU is kicked even when its upcall is already pending. */
START_TEST(test_2l_kick_sleepers)
{
    struct vcpu *v = domu->vcpu[0];
    evtchn_port_t a, b, m;

    ck_assert_int_eq(bind_ipi(domu, 0, &a), 0);
    ck_assert_int_eq(bind_ipi(domu, 0, &b), 0);
    ck_assert_int_eq(bind_ipi(domu, 0, &m), 0);
    v->vcpu_info->evtchn_upcall_pending = 1;
    ck_assert_int_eq(evtchn_raise(domu, a), 0);
    ck_assert_uint_eq(nr_kicks, 0);

    v->blocked = true;
    v->vcpu_info->evtchn_pending_sel = 0;
    ck_assert_int_eq(evtchn_raise(domu, b), 0);
    ck_assert_uint_eq(kicks_of(v), 1);
    v->blocked = false;

    v->poll_active = true;
    ck_assert_int_eq(evtchn_raise(domu, b), 0);         /* already pending */
    ck_assert_uint_eq(kicks_of(v), 2);
    mask(domu, m);
    ck_assert_int_eq(evtchn_raise(domu, m), 0);         /* masked */
    ck_assert_uint_eq(kicks_of(v), 3);
    ck_assert_uint_eq(nr_kicks, 3);
}
END_TEST

START_TEST(test_send_virq)
{
    evtchn_port_t t1, con;

    /* Nothing bound: nothing happens. */
    evtchn_send_virq(domu->vcpu[1], VIRQ_TIMER);
    evtchn_send_global_virq(domu, VIRQ_CONSOLE);
    ck_assert_uint_eq(nr_pending(domu), 0);
    ck_assert_uint_eq(nr_kicks, 0);

    ck_assert_int_eq(bind_virq(domu, VIRQ_TIMER, 1, &t1), 0);
    ck_assert_int_eq(bind_virq(domu, VIRQ_CONSOLE, 0, &con), 0);
    evtchn_send_virq(domu->vcpu[0], VIRQ_TIMER);
    ck_assert_uint_eq(nr_pending(domu), 0);
    evtchn_send_virq(domu->vcpu[1], VIRQ_TIMER);
    ck_assert(pending(domu, t1));
    ck_assert_uint_eq(kicks_of(domu->vcpu[1]), 1);
    evtchn_send_global_virq(domu, VIRQ_CONSOLE);
    ck_assert(pending(domu, con));
    ck_assert_uint_eq(kicks_of(domu->vcpu[0]), 1);
    ck_assert_uint_eq(nr_pending(domu), 2);
    ck_assert_uint_eq(nr_pending(dom0), 0);
}
END_TEST

static const struct raise_case {
    enum port_kind kind;
    int rc;
} raise_cases[] = {
    {PK_UNBOUND, 0}, {PK_INTERDOMAIN, 0}, {PK_GLOBAL_VIRQ, 0},
    {PK_IPI, 0}, {PK_XEN, 0},
    {PK_FREE, -XEN_EINVAL}, {PK_RESERVED, -XEN_EINVAL},
    {PK_OUT_OF_RANGE, -XEN_EINVAL},
};

START_TEST(test_raise)
{
    const struct raise_case *c = &raise_cases[_i];
    evtchn_port_t port = make_port(c->kind);

    ck_assert(!evtchn_port_pending(domu, port));
    ck_assert_int_eq(evtchn_raise(domu, port), c->rc);
    ck_assert_uint_eq(nr_pending(domu), c->rc == 0);
    ck_assert(evtchn_port_pending(domu, port) == (c->rc == 0));
    ck_assert_uint_eq(nr_pending(dom0), 0);     /* never the peer */
    ck_assert_uint_eq(nr_notifies, 0);
}
END_TEST

START_TEST(test_port_pending)
{
    domu->shared_info->evtchn_pending[0] = ~(xen_ulong_t)0;
    domu->shared_info->evtchn_pending[ARRAY_SIZE(domu->shared_info->evtchn_pending) - 1] =
        ~(xen_ulong_t)0;
    ck_assert(!evtchn_port_pending(domu, 0));
    ck_assert(evtchn_port_pending(domu, 1));
    ck_assert(evtchn_port_pending(domu, 63));
    ck_assert(!evtchn_port_pending(domu, 64));
    ck_assert(evtchn_port_pending(domu, EVTCHN_NR_PORTS - 1));
    ck_assert(!evtchn_port_pending(domu, EVTCHN_NR_PORTS));
    ck_assert(!evtchn_port_pending(domu, UINT32_MAX));
}
END_TEST

/* ------------------------------------------------------------------ */
/* do_event_channel_op: copy in, dispatch, copy out                      */

static const unsigned long unknown_cmds[] = {
    EVTCHNOP_bind_pirq, EVTCHNOP_init_control, EVTCHNOP_expand_array,
    EVTCHNOP_set_priority, 14 /* reset_cont */, 15, 64, 0x10000, ULONG_MAX,
};

START_TEST(test_hc_unknown)
{
    cur = domu->vcpu[0];
    memset(mem_rw, 0, sizeof(mem_rw));
    ck_assert_int_eq(do_event_channel_op(unknown_cmds[_i], G_RW, 0, 0, 0), -XEN_ENOSYS);
    ck_assert_int_eq(do_event_channel_op(unknown_cmds[_i], 0, 0, 0, 0), -XEN_ENOSYS);
}
END_TEST

static const unsigned long known_cmds[] = {
    EVTCHNOP_bind_interdomain, EVTCHNOP_bind_virq, EVTCHNOP_close,
    EVTCHNOP_send, EVTCHNOP_status, EVTCHNOP_alloc_unbound,
    EVTCHNOP_bind_ipi, EVTCHNOP_bind_vcpu, EVTCHNOP_unmask, EVTCHNOP_reset,
};

static const unsigned long bad_ptrs[] = {
    0, 0x1000, G_RW + G_PAGE, G_RW + G_PAGE - 1, G_RO + G_PAGE - 1,
    0xffff800000000000UL, ULONG_MAX, ULONG_MAX - 3,
};

START_TEST(test_hc_bad_pointer)
{
    unsigned int i;

    cur = domu->vcpu[0];
    for (i = 0; i < ARRAY_SIZE(bad_ptrs); i++)
        ck_assert_int_eq(do_event_channel_op(known_cmds[_i], bad_ptrs[i], 0, 0, 0),
                         -XEN_EFAULT);
    for (i = 1; i < EVTCHN_NR_PORTS; i++)
        ck_assert_uint_eq(domu->evtchn->port[i].state, ECS_FREE);
    ck_assert_uint_eq(nr_kicks, 0);
}
END_TEST

/* Results are written back; commands without results work from read-only memory. */
START_TEST(test_hc_copy_out)
{
    evtchn_alloc_unbound_t a = {.dom = DOMID_SELF, .remote_dom = 0};
    evtchn_send_t s;
    evtchn_alloc_unbound_t out;

    cur = domu->vcpu[0];
    memcpy(mem_rw + 8, &a, sizeof(a));
    ck_assert_int_eq(do_event_channel_op(EVTCHNOP_alloc_unbound, G_RW + 8, 0, 0, 0), 0);
    memcpy(&out, mem_rw + 8, sizeof(out));
    ck_assert_uint_eq(out.port, 1);
    ck_assert_uint_eq(out.remote_dom, 0);

    /* No room to write the result: -EFAULT (the port was allocated, as in Xen). */
    memcpy(mem_ro, &a, sizeof(a));
    ck_assert_int_eq(do_event_channel_op(EVTCHNOP_alloc_unbound, G_RO, 0, 0, 0),
                     -XEN_EFAULT);

    s.port = 1;
    memcpy(mem_ro + 16, &s, sizeof(s));
    ck_assert_int_eq(do_event_channel_op(EVTCHNOP_send, G_RO + 16, 0, 0, 0), 0);
    s.port = 0;
    memcpy(mem_ro + 16, &s, sizeof(s));
    ck_assert_int_eq(do_event_channel_op(EVTCHNOP_send, G_RO + 16, 0, 0, 0),
                     -XEN_EINVAL);
    s.port = 1;
    memcpy(mem_ro + 16, &s, sizeof(s));
    ck_assert_int_eq(do_event_channel_op(EVTCHNOP_unmask, G_RO + 16, 0, 0, 0), 0);
    ck_assert_int_eq(do_event_channel_op(EVTCHNOP_close, G_RO + 16, 0, 0, 0), 0);
    assert_status(domu, 1, EVTCHNSTAT_closed);
}
END_TEST

/* A failed command leaves the guest's argument as it was. */
START_TEST(test_hc_no_copy_on_error)
{
    evtchn_bind_ipi_t b = {.vcpu = 7, .port = 0x5555};
    evtchn_bind_ipi_t out;

    cur = domu->vcpu[0];
    memcpy(mem_rw, &b, sizeof(b));
    ck_assert_int_eq(do_event_channel_op(EVTCHNOP_bind_ipi, G_RW, 0, 0, 0), -XEN_ENOENT);
    memcpy(&out, mem_rw, sizeof(out));
    ck_assert_uint_eq(out.port, 0x5555);
}
END_TEST

/* ------------------------------------------------------------------ */

#define TC(name, fn) suite_add(s, name, fn, 0, setup, teardown)
#define TCL(name, fn, n) suite_add(s, name, fn, n, setup, teardown)

static Suite *evtchn_suite(void)
{
    Suite *s = suite_create("evtchn");

    TC("example", test_example);
    TCL("alloc_unbound", test_alloc_unbound, ARRAY_SIZE(alloc_cases));
    TC("alloc_unbound_full", test_alloc_unbound_full);
    TCL("bind_interdomain", test_bind_interdomain, ARRAY_SIZE(bind_cases));
    TC("bind_interdomain_full", test_bind_interdomain_full);
    TCL("bind_virq", test_bind_virq, ARRAY_SIZE(virq_cases));
    TC("bind_virq_per_vcpu", test_bind_virq_per_vcpu);
    TCL("bind_ipi", test_bind_ipi, ARRAY_SIZE(ipi_cases));
    TCL("bind_vcpu", test_bind_vcpu, ARRAY_SIZE(bind_vcpu_cases));
    TC("bind_vcpu_delivery", test_bind_vcpu_delivery);
    TC("close_interdomain", test_close_interdomain);
    TCL("close", test_close, ARRAY_SIZE(close_cases));
    TC("reset", test_reset);
    TCL("send", test_send, ARRAY_SIZE(send_cases));
    TCL("status", test_status, ARRAY_SIZE(status_cases));
    TC("status_perm", test_status_perm);
    TC("2l_set_pending", test_2l_set_pending);
    TC("2l_masked_unmask", test_2l_masked);
    TC("2l_kick_sleepers", test_2l_kick_sleepers);
    TC("send_virq", test_send_virq);
    TCL("raise", test_raise, ARRAY_SIZE(raise_cases));
    TC("port_pending", test_port_pending);
    TCL("hc_unknown", test_hc_unknown, ARRAY_SIZE(unknown_cmds));
    TCL("hc_bad_pointer", test_hc_bad_pointer, ARRAY_SIZE(known_cmds));
    TC("hc_copy_out", test_hc_copy_out);
    TC("hc_no_copy_on_error", test_hc_no_copy_on_error);
    return s;
}

int main(void)
{
    return suite_run(evtchn_suite());
}
