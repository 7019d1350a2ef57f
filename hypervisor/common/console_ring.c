/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor as back-end of domUs' PV console rings (io/console.h). */
#include <xenia/console.h>
#include <xenia/event.h>
#include <xenia/sched.h>

/*
 * struct xencons_interface: the guest produces into out[] (out_prod) and we
 * consume (out_cons); we produce into in[] and the guest consumes.  Indices
 * run freely and are masked on access.  Barriers: read out_prod before the
 * bytes it covers; publish out_cons only after reading them; write in[]
 * bytes before in_prod.  Each side notifies the other through the console
 * event channel after moving an index.
 */

#define RING_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

static void console_ring_drain(struct domain *d)
{
    struct xencons_interface *r = d->console_ring;
    XENCONS_RING_IDX cons, prod;
    char buf[64];

    for (;;) {
        size_t n = 0;

        cons = __atomic_load_n(&r->out_cons, __ATOMIC_RELAXED);
        prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);
        /* A producer more than a ring ahead is lying: take one ring. */
        if (prod - cons > sizeof(r->out))
            cons = prod - sizeof(r->out);
        if (cons == prod)
            break;
        while (cons != prod && n < sizeof(buf))
            buf[n++] = r->out[RING_IDX(cons++, r->out)];
        console_guest_write(d->name, d->console_line, &d->console_len, buf, n);
        __atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
    }
}

/* Queue console input for a domU; returns how many bytes fitted. */
size_t console_ring_input(struct domain *d, const char *data, size_t len)
{
    struct xencons_interface *r = d->console_ring;
    XENCONS_RING_IDX prod, cons;
    size_t n = 0;

    if (!r)
        return 0;
    prod = __atomic_load_n(&r->in_prod, __ATOMIC_RELAXED);
    cons = __atomic_load_n(&r->in_cons, __ATOMIC_ACQUIRE);
    while (n < len && prod - cons < sizeof(r->in))
        r->in[RING_IDX(prod++, r->in)] = data[n++];
    __atomic_store_n(&r->in_prod, prod, __ATOMIC_RELEASE);
    if (n)
        evtchn_raise(d, d->console_port);
    return n;
}

void xen_port_notify(struct domain *d, unsigned int kind)
{
    if (kind != XEN_PORT_CONSOLE || !d->console_ring)
        return;
    console_ring_drain(d);
    evtchn_raise(d, d->console_port);   /* out_cons moved: room again */
}
