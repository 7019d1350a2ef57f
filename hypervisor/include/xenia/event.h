/* SPDX-License-Identifier: GPL-2.0-only */
/* Event channels: the 2-level port state machine and its delivery. */
#ifndef XENIA_EVENT_H
#define XENIA_EVENT_H

#include <xenia/public.h>

struct domain;
struct vcpu;

/* 2-level ABI on 64-bit: 64 words of 64 bits (EVTCHN_2L_NR_CHANNELS). */
#define EVTCHN_NR_PORTS (sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64)
#define EVTCHN_NR_VIRQS NR_VIRQS

enum evtchn_state {
    ECS_FREE = 0,
    ECS_UNBOUND,
    ECS_INTERDOMAIN,
    ECS_PIRQ,
    ECS_VIRQ,
    ECS_IPI,
    ECS_RESERVED,   /* port 0: never handed out */
    ECS_XEN,        /* the other end is the hypervisor (console back-end) */
};

/* What a hypervisor-bound port is for. */
enum xen_port_kind {
    XEN_PORT_CONSOLE = 1,
};

struct evtchn {
    uint8_t state;
    uint16_t notify_vcpu;
    union {
        domid_t unbound_remote;                 /* ECS_UNBOUND */
        struct {
            struct domain *dom;
            evtchn_port_t port;
        } interdomain;                          /* ECS_INTERDOMAIN */
        uint32_t virq;                          /* ECS_VIRQ */
        uint32_t xen_kind;                      /* ECS_XEN */
    } u;
};

/* Per-domain table; allocated by the domain's creator. */
struct evtchn_table {
    struct evtchn port[EVTCHN_NR_PORTS];
};

/* Hooks the core needs (implemented by domain management / arch). */
struct domain *domain_by_id(domid_t id);
void vcpu_kick(struct vcpu *v);

void evtchn_init(struct domain *d);
/* Close every port (the peers see theirs unbound again). */
void evtchn_reset(struct domain *d);

/* Raise a VIRQ on a vCPU if the guest bound it. */
void evtchn_send_virq(struct vcpu *v, unsigned int virq);
/* Raise a global VIRQ (bound on vCPU 0) of a domain. */
void evtchn_send_global_virq(struct domain *d, unsigned int virq);
/* Raise a port from inside the hypervisor (console, xenstore back-ends). */
int evtchn_raise(struct domain *d, evtchn_port_t port);

/* A port of d whose other end is the hypervisor; 0 if none is free. */
evtchn_port_t evtchn_bind_xen(struct domain *d, unsigned int kind);
/* The guest sent on such a port (implemented by the back-ends). */
void xen_port_notify(struct domain *d, unsigned int kind);

/* True if any of the ports is pending (SCHEDOP_poll). */
bool evtchn_port_pending(struct domain *d, evtchn_port_t port);

long do_event_channel_op(unsigned long cmd, unsigned long arg, unsigned long,
                         unsigned long, unsigned long);

#endif
