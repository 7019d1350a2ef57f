/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor as back-end of domUs' PV console rings (io/console.h). */
#include <xenia/console.h>
#include <xenia/event.h>
#include <xenia/sched.h>
#include <xenia/hypercall.h>

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

/*
 * Serial input goes to one domain at a time, dom0 first; pressing Ctrl-A
 * three times in a row moves it to the next domain (as Xen's console
 * switch does).  dom0 reads its input with CONSOLEIO_read (and hears of it
 * through VIRQ_CONSOLE); a domU gets it in its console ring.
 */
#define SWITCH_CHAR 0x01
#define DOM0_INPUT_SIZE 256

static domid_t input_focus;
static unsigned int switch_presses;
static char dom0_input[DOM0_INPUT_SIZE];
static uint32_t dom0_in_prod, dom0_in_cons;

/* dom0, then each domU with a console ring, then the hypervisor itself. */
static void input_switch(void)
{
    struct domain *d, *next = NULL;
    unsigned int i;

    if (input_focus == DOMID_XEN) {
        input_focus = 0;
        printk("*** Serial input to d0 (type 'CTRL-a' three times to switch input)");
        return;
    }
    for (i = 0; (d = domain_iterate(&i)) != NULL;) {
        if (d->domain_id == 0 || !d->console_ring)
            continue;
        if (d->domain_id > input_focus && (!next || d->domain_id < next->domain_id))
            next = d;
    }
    input_focus = next ? next->domain_id : DOMID_XEN;
    printk("*** Serial input to %s (type 'CTRL-a' three times to switch input%s)",
           next ? next->name : "Xen", next ? "" : "; 'h' for help");
}

/* Hypervisor keys, when the input focus is on Xen (as Xen's debug keys). */
static void debug_key(char c)
{
    struct domain *d;
    unsigned int i, v, nr;

    switch (c) {
    case 'h':
        printk("keys: 'h' this help, 'q' domains and their hypercall counts, "
               "'r' raise VIRQ_DEBUG in every vCPU");
        return;
    case 'q':
        for (i = 0; (d = domain_iterate(&i)) != NULL;) {
            printk("%s: id %u, %s, %lu/%lu pages, weight %u cap %u%%", d->name,
                   d->domain_id, d->state == DOMSTATE_RUNNING ? "running" : "shut down",
                   d->tot_pages, d->max_pages, d->sched.weight, d->sched.cap);
            for (v = 0; v < d->max_vcpus; v++)
                if (d->vcpu[v])
                    printk("  vcpu%u: %s%s, upcall pending %u mask %u", v,
                           d->vcpu[v]->online ? "online" : "offline",
                           d->vcpu[v]->blocked ? ", blocked" : "",
                           d->vcpu[v]->vcpu_info->evtchn_upcall_pending,
                           d->vcpu[v]->vcpu_info->evtchn_upcall_mask);
            for (nr = 0; nr < NR_HYPERCALLS; nr++)
                if (d->hypercall_count[nr])
                    printk("  hypercall %u (%s): %lu", nr,
                           hypercall_lookup(nr) ? hypercall_lookup(nr)->name : "?",
                           d->hypercall_count[nr]);
        }
        return;
    case 'r':
        for (i = 0; (d = domain_iterate(&i)) != NULL;)
            for (v = 0; v < d->max_vcpus; v++)
                if (d->vcpu[v])
                    evtchn_send_virq(d->vcpu[v], VIRQ_DEBUG);
        printk("VIRQ_DEBUG raised");
        return;
    }
}

void console_input_char(char c)
{
    struct domain *d;

    if (c == SWITCH_CHAR) {
        if (++switch_presses == 3) {
            switch_presses = 0;
            input_switch();
        }
        return;
    }
    switch_presses = 0;
    if (input_focus == DOMID_XEN) {
        debug_key(c);
        return;
    }
    d = domain_by_id(input_focus);
    if (d && d->console_ring) {
        console_ring_input(d, &c, 1);
        return;
    }
    if (dom0_in_prod - dom0_in_cons < DOM0_INPUT_SIZE)
        dom0_input[dom0_in_prod++ % DOM0_INPUT_SIZE] = c;
    if ((d = domain_by_id(0)) != NULL)
        evtchn_send_global_virq(d, VIRQ_CONSOLE);
}

/* CONSOLEIO_read: what the serial line typed for dom0. */
size_t console_read_dom0(char *buf, size_t len)
{
    size_t n = 0;

    while (n < len && dom0_in_cons != dom0_in_prod)
        buf[n++] = dom0_input[dom0_in_cons++ % DOM0_INPUT_SIZE];
    return n;
}
