/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: console output: console_io for dom0, the PV console ring for a domU. */
#include "pvguest.h"
#include "hypercall.h"
#include <xen/io/console.h>

/*
 * A domU's start_info names a console page and event channel; the back-end
 * (Xen's xenconsoled, or Xenia's hypervisor) drains out[].  We produce at
 * out_prod: bytes first, then the index (release), then a notification;
 * when the ring is full we notify and yield until the back-end catches up.
 */
static struct xencons_interface *console_ring(void)
{
    if ((pvg_si->flags & SIF_INITDOMAIN) || !pvg_si->console.domU.mfn)
        return NULL;
    return mfn_to_virt(pvg_si->console.domU.mfn);
}

static void console_notify(void)
{
    evtchn_send_t send = { .port = pvg_si->console.domU.evtchn };

    HYPERVISOR_event_channel_op(EVTCHNOP_send, &send);
}

static void ring_write(struct xencons_interface *r, const char *buf, int n)
{
    XENCONS_RING_IDX prod = r->out_prod;

    while (n > 0) {
        XENCONS_RING_IDX cons = __atomic_load_n(&r->out_cons, __ATOMIC_ACQUIRE);

        if (prod - cons >= sizeof(r->out)) {
            __atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
            console_notify();
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        r->out[prod++ & (sizeof(r->out) - 1)] = *buf++;
        n--;
    }
    __atomic_store_n(&r->out_prod, prod, __ATOMIC_RELEASE);
    console_notify();
}

void pvg_console_write(const char *buf, int n)
{
    struct xencons_interface *r = console_ring();

    if (r)
        ring_write(r, buf, n);
    else
        HYPERVISOR_console_io(CONSOLEIO_write, n, buf);
}
