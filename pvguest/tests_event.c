/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest tests: 2-level event channels (loopback, masking, errors) and a timer VIRQ woken from SCHEDOP_block. */
#include "tests.h"
#include "arch.h"
#include "hypercall.h"

#define BITS_PER_LONG 64

static int evtchn_test(volatile unsigned long *arr, unsigned int port)
{
    return (arr[port / BITS_PER_LONG] >> (port % BITS_PER_LONG)) & 1;
}

static void evtchn_set(volatile unsigned long *arr, unsigned int port, int on)
{
    unsigned long bit = 1UL << (port % BITS_PER_LONG);

    if (on)
        __atomic_fetch_or(&arr[port / BITS_PER_LONG], bit, __ATOMIC_SEQ_CST);
    else
        __atomic_fetch_and(&arr[port / BITS_PER_LONG], ~bit, __ATOMIC_SEQ_CST);
}

static long evtchn_port_op(int cmd, evtchn_port_t port)
{
    struct evtchn_send s = { .port = port };    /* close/send/unmask: one port */

    return HYPERVISOR_event_channel_op(cmd, &s);
}

/* Forget every pending event (no upcall can come: the mask is 1). */
static void evtchn_quiesce(void)
{
    pvg_vcpu0->evtchn_upcall_pending = 0;
    pvg_vcpu0->evtchn_pending_sel = 0;
    memset((void *)pvg_shared->evtchn_pending, 0, sizeof(pvg_shared->evtchn_pending));
}

static enum test_result loopback_checks(evtchn_port_t a, evtchn_port_t b)
{
    volatile unsigned long *pending = pvg_shared->evtchn_pending;
    struct evtchn_status st = { .dom = DOMID_SELF, .port = a };

    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.port, b);
    evtchn_quiesce();
    CHECK_EQ(evtchn_port_op(EVTCHNOP_send, b), 0);
    CHECK(evtchn_test(pending, a));
    CHECK(!evtchn_test(pending, b));
    CHECK_EQ(pvg_vcpu0->evtchn_upcall_pending, 1);
    CHECK_EQ(pvg_vcpu0->evtchn_pending_sel, 1UL << (a / BITS_PER_LONG));
    /* Masked: pending is set but nobody is told; unmask tells. */
    evtchn_quiesce();
    evtchn_set(pvg_shared->evtchn_mask, a, 1);
    CHECK_EQ(evtchn_port_op(EVTCHNOP_send, b), 0);
    CHECK(evtchn_test(pending, a));
    CHECK_EQ(pvg_vcpu0->evtchn_upcall_pending, 0);
    CHECK_EQ(evtchn_port_op(EVTCHNOP_unmask, a), 0);
    CHECK(!evtchn_test(pvg_shared->evtchn_mask, a));
    CHECK_EQ(pvg_vcpu0->evtchn_upcall_pending, 1);
    return T_PASS;
}

static enum test_result t_evtchn_loopback(void)
{
    struct evtchn_alloc_unbound au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    struct evtchn_bind_interdomain bi = { .remote_dom = DOMID_SELF };
    enum test_result r;

    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0);
    CHECK(au.port != 0);
    bi.remote_port = au.port;
    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0);
    CHECK(bi.local_port != 0 && bi.local_port != au.port);
    r = loopback_checks(au.port, bi.local_port);
    evtchn_quiesce();
    if (r != T_PASS)
        return r;
    CHECK_EQ(evtchn_port_op(EVTCHNOP_close, au.port), 0);
    CHECK_EQ(evtchn_port_op(EVTCHNOP_close, bi.local_port), 0);
    CHECK_EQ(evtchn_port_op(EVTCHNOP_send, bi.local_port), -XEN_EINVAL);
    return T_PASS;
}

static enum test_result t_evtchn_errors(void)
{
    struct evtchn_status st = { .dom = DOMID_SELF, .port = 5000 };
    struct evtchn_bind_virq bv = { .virq = 99, .vcpu = 0 };

    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv), -XEN_EINVAL);
    CHECK_EQ(evtchn_port_op(EVTCHNOP_close, 0), -XEN_EINVAL);
    CHECK_EQ(evtchn_port_op(EVTCHNOP_send, 0), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_event_channel_op(99, &st), -XEN_ENOSYS);
    return T_PASS;
}

/*
 * Bind VIRQ_TIMER, arm a singleshot that is already due, then
 * SCHEDOP_block: it unmasks events, and the upcall must arrive before it
 * returns to us.
 */
static enum test_result t_timer_block(void)
{
    struct evtchn_bind_virq bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    unsigned long seen = pvg_events_seen;
    evtchn_port_t port;
    long rc;

    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv), 0);
    port = bv.port;
    evtchn_set(pvg_shared->evtchn_mask, port, 0);
    evtchn_quiesce();
    CHECK_EQ(HYPERVISOR_set_timer_op(pvg_vcpu0->time.system_time + 1000000), 0);
    rc = HYPERVISOR_sched_op(SCHEDOP_block, NULL);
    pvg_vcpu0->evtchn_upcall_mask = 1;
    HYPERVISOR_set_timer_op(0);
    evtchn_port_op(EVTCHNOP_close, port);
    evtchn_quiesce();
    CHECK_EQ(rc, 0);
    CHECK(pvg_events_seen > seen);
    /* Delivered in kernel mode with events unmasked (block cleared it). */
    CHECK_EQ(pvg_last_event_cs & 0xffff, FLAT_KERNEL_CS & ~3);
    CHECK_EQ((pvg_last_event_cs >> 32) & 0xff, 0);
    CHECK(pvg_last_event_rflags & X86_EFLAGS_IF);
    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv), 0);
    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bv), -XEN_EEXIST);
    CHECK_EQ(evtchn_port_op(EVTCHNOP_close, bv.port), 0);
    return T_PASS;
}

static enum test_result t_evtchn_ipi(void)
{
    struct evtchn_bind_ipi bi = { .vcpu = 0 };
    struct evtchn_status st = { .dom = DOMID_SELF };
    int pending;

    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bi), 0);
    st.port = bi.port;
    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_status, &st), 0);
    evtchn_quiesce();
    CHECK_EQ(evtchn_port_op(EVTCHNOP_send, bi.port), 0);
    pending = evtchn_test(pvg_shared->evtchn_pending, bi.port);
    evtchn_quiesce();
    CHECK_EQ(evtchn_port_op(EVTCHNOP_close, bi.port), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_ipi);
    CHECK_EQ(st.vcpu, 0);
    CHECK(pending);
    bi.vcpu = 1;
    CHECK_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &bi), -XEN_ENOENT);
    return T_PASS;
}

const struct pvg_test tests_event[] = {
    { "evtchn.loopback_send_mask_unmask", t_evtchn_loopback },
    { "evtchn.errors", t_evtchn_errors },
    { "evtchn.ipi_to_self", t_evtchn_ipi },
    { NULL, NULL },
};

/* Run at the very end: a hypervisor without timers would hang here. */
const struct pvg_test tests_event_blocking[] = {
    { "evtchn.timer_virq_wakes_block", t_timer_block },
    { NULL, NULL },
};
