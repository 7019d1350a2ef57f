/* SPDX-License-Identifier: GPL-2.0-only */
/* Scheduling policy: weighted fair share with caps, over every runnable vCPU. */
#include <xenia/console.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>

/*
 * Each vCPU accumulates virtual time: real run time scaled by
 * SCHED_DEFAULT_WEIGHT / its domain's weight, so a domain of weight 512
 * advances half as fast as one of 256 and gets twice the CPU when both are
 * busy.  The runnable vCPU with the least virtual time runs next, for at
 * most one slice.  A cap (percent of one CPU, 0 = none) limits a domain to
 * cap% of every SCHED_PERIOD: once spent, its vCPUs wait for the next period
 * even if the CPU would otherwise idle.  A vCPU that wakes from a block
 * resumes no further back than one slice behind the most-behind runnable
 * vCPU, so sleeping does not bank CPU time.
 *
 * Example (tests/unit/test_sched.c): domains A (weight 256) and B (512),
 * both busy: over 30 slices B runs 20 and A 10.  With B capped at 25%, B
 * runs 25 ms of every 100 ms period and A takes the rest.
 */

static uint64_t min_vruntime_runnable(uint64_t now, struct vcpu *skip);

bool sched_vcpu_runnable(const struct vcpu *v)
{
    return v && v->online && !v->blocked && !v->paused &&
           v->domain->state == DOMSTATE_RUNNING && !v->domain->paused;
}

static void refill_period(struct domain *d, uint64_t now)
{
    if (now - d->sched.period_start >= SCHED_PERIOD) {
        d->sched.period_start = now - (now - d->sched.period_start) % SCHED_PERIOD;
        d->sched.period_used = 0;
    }
}

static uint64_t cap_budget(const struct domain *d)
{
    return (uint64_t)d->sched.cap * SCHED_PERIOD / 100;
}

static bool capped_out(struct domain *d, uint64_t now)
{
    refill_period(d, now);
    return d->sched.cap && d->sched.period_used >= cap_budget(d);
}

void sched_charge(struct vcpu *v, uint64_t ran_ns)
{
    struct domain *d = v->domain;
    unsigned int w = d->sched.weight ? d->sched.weight : SCHED_DEFAULT_WEIGHT;

    v->sched.vruntime += ran_ns * SCHED_DEFAULT_WEIGHT / w;
    d->sched.period_used += ran_ns;
    v->runstate.time[RUNSTATE_running] += ran_ns;
}

struct vcpu *sched_pick_next(uint64_t now)
{
    struct vcpu *best = NULL;
    struct domain *d;
    unsigned int i, vid;

    for (i = 0; (d = domain_iterate(&i)) != NULL;) {
        if (capped_out(d, now))
            continue;
        for (vid = 0; vid < d->max_vcpus; vid++) {
            struct vcpu *v = d->vcpu[vid];

            if (sched_vcpu_runnable(v) &&
                (!best || v->sched.vruntime < best->sched.vruntime))
                best = v;
        }
    }
    return best;
}

/* How long next may run before the scheduler looks again. */
uint64_t sched_slice(struct vcpu *next, uint64_t now)
{
    struct domain *d = next->domain;
    uint64_t slice = SCHED_SLICE;

    if (d->sched.cap) {
        uint64_t left = cap_budget(d) - MIN(d->sched.period_used, cap_budget(d));

        slice = MIN(slice, MAX(left, SCHED_MIN_SLICE));
    }
    (void)now;
    return slice;
}

/* The earliest time a capped-out domain may run again (0: none waiting). */
uint64_t sched_next_refill(uint64_t now)
{
    uint64_t next = 0;
    struct domain *d;
    unsigned int i;

    for (i = 0; (d = domain_iterate(&i)) != NULL;) {
        if (!d->sched.cap || !capped_out(d, now))
            continue;
        if (!next || d->sched.period_start + SCHED_PERIOD < next)
            next = d->sched.period_start + SCHED_PERIOD;
    }
    return next;
}

static uint64_t min_vruntime_runnable(uint64_t now, struct vcpu *skip)
{
    uint64_t min = UINT64_MAX;
    struct domain *d;
    unsigned int i, vid;

    (void)now;
    for (i = 0; (d = domain_iterate(&i)) != NULL;)
        for (vid = 0; vid < d->max_vcpus; vid++) {
            struct vcpu *v = d->vcpu[vid];

            if (v != skip && sched_vcpu_runnable(v) && v->sched.vruntime < min)
                min = v->sched.vruntime;
        }
    return min;
}

/* A vCPU becomes runnable again: no credit for the time it slept. */
void sched_wake(struct vcpu *v, uint64_t now)
{
    uint64_t min = min_vruntime_runnable(now, v);

    if (min != UINT64_MAX && min > SCHED_SLICE && v->sched.vruntime < min - SCHED_SLICE)
        v->sched.vruntime = min - SCHED_SLICE;
}

void sched_domain_init(struct domain *d)
{
    d->sched.weight = SCHED_DEFAULT_WEIGHT;
    d->sched.cap = 0;
    d->sched.period_start = 0;
    d->sched.period_used = 0;
}

void sched_vcpu_init(struct vcpu *v, uint64_t now)
{
    uint64_t min = min_vruntime_runnable(now, v);

    v->sched.vruntime = min == UINT64_MAX ? 0 : min;
}

/* SCHEDOP_yield: go behind every other runnable vCPU, as Xen's yield does. */
void sched_vcpu_yield(struct vcpu *v)
{
    struct domain *d;
    unsigned int i, vid;
    uint64_t max = v->sched.vruntime;

    for (i = 0; (d = domain_iterate(&i)) != NULL;)
        for (vid = 0; vid < d->max_vcpus; vid++) {
            struct vcpu *o = d->vcpu[vid];

            if (o != v && sched_vcpu_runnable(o) && o->sched.vruntime > max)
                max = o->sched.vruntime;
        }
    v->sched.vruntime = max + 1;
}
