/* SPDX-License-Identifier: GPL-2.0-only */
/* vCPU timers: single-shot and periodic deadlines that raise VIRQ_TIMER. */
#include <xenia/console.h>
#include <xenia/event.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>

/*
 * Every vCPU has a single-shot deadline (set_timer_op,
 * VCPUOP_set_singleshot_timer) and a periodic timer (10 ms at start, as in
 * Xen; VCPUOP_set/stop_periodic_timer), all in system time (ns since boot).
 * timers_run() fires what is due and reprograms the one hardware timer for
 * the nearest deadline left.
 */
#define MILLISECS(ms)       ((uint64_t)(ms) * 1000000)
#define DEFAULT_PERIOD      MILLISECS(10)
#define STIME_DELTA_MAX     (1ULL << 62)

void vcpu_timers_init(struct vcpu *v)
{
    v->singleshot_deadline = 0;
    v->periodic_period = DEFAULT_PERIOD;
    v->periodic_next = arch_now_ns() + DEFAULT_PERIOD;
}

static uint64_t vcpu_next_deadline(const struct vcpu *v)
{
    uint64_t next = v->singleshot_deadline;

    if (v->periodic_period && (!next || v->periodic_next < next))
        next = v->periodic_next;
    if (v->poll_deadline && (!next || v->poll_deadline < next))
        next = v->poll_deadline;
    return next;
}

/* Fire due timers of every vCPU, then arm the hardware for the next one. */
void timers_run(void)
{
    uint64_t now = arch_now_ns(), next = 0;
    unsigned int i;
    struct domain *d;

    for (i = 0; (d = domain_iterate(&i)) != NULL;) {
        unsigned int vid, w;

        for (w = 0; w < NR_DOMAIN_WATCHDOG_TIMERS; w++) {
            uint64_t dl = d->watchdog_deadline[w];

            if (!dl)
                continue;
            if (dl <= now) {
                d->watchdog_deadline[w] = 0;    /* fires once, as Xen's */
                if (domain_is_dead(d))
                    continue;                   /* already shutting down */
                printk("watchdog %u of %s fired", w + 1, d->name);
                domain_shutdown(d, SHUTDOWN_watchdog);
            } else if (!next || dl < next) {
                next = dl;
            }
        }

        for (vid = 0; vid < d->max_vcpus; vid++) {
            struct vcpu *v = d->vcpu[vid];
            uint64_t n;

            if (!v)
                continue;
            if (v->singleshot_deadline && v->singleshot_deadline <= now) {
                v->singleshot_deadline = 0;
                evtchn_send_virq(v, VIRQ_TIMER);
            }
            if (v->periodic_period && v->periodic_next <= now) {
                v->periodic_next = now + v->periodic_period;
                evtchn_send_virq(v, VIRQ_TIMER);
            }
            if (v->poll_deadline && v->poll_deadline <= now) {
                v->poll_deadline = 0;
                vcpu_kick(v);           /* SCHEDOP_poll timed out */
            }
            n = vcpu_next_deadline(v);
            if (n && (!next || n < next))
                next = n;
        }
    }
    arch_timer_program(next);
}

static void set_singleshot(struct vcpu *v, uint64_t deadline)
{
    v->singleshot_deadline = deadline;
    timers_run();
}

long do_set_timer_op(unsigned long timeout, unsigned long a2, unsigned long a3,
                     unsigned long a4, unsigned long a5)
{
    (void)a2, (void)a3, (void)a4, (void)a5;
    /* 0 cancels; a deadline in the past fires at once. */
    set_singleshot(current_vcpu(), timeout);
    return 0;
}

long vcpu_timer_op(struct vcpu *v, unsigned int cmd, unsigned long arg)
{
    switch (cmd) {
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer t;

        if (copy_from_guest(&t, arg, sizeof(t)))
            return -XEN_EFAULT;
        /* Xen 4.17 accepts a past deadline even with VCPU_SSHOTTMR_future. */
        set_singleshot(v, t.timeout_abs_ns ? t.timeout_abs_ns : 1);
        return 0;
    }
    case VCPUOP_stop_singleshot_timer:
        set_singleshot(v, 0);
        return 0;
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer t;

        if (copy_from_guest(&t, arg, sizeof(t)))
            return -XEN_EFAULT;
        if (t.period_ns < MILLISECS(1) || t.period_ns > STIME_DELTA_MAX)
            return -XEN_EINVAL;
        v->periodic_period = t.period_ns;
        v->periodic_next = arch_now_ns() + t.period_ns;
        timers_run();
        return 0;
    }
    case VCPUOP_stop_periodic_timer:
        v->periodic_period = 0;
        timers_run();
        return 0;
    }
    return -XEN_ENOSYS;
}
