/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite for the scheduling policy (common/sched.c) on a simulated clock. */
#include <xenia/hypercall.h>
#include <xenia/sched.h>

#include "check_suite.h"
#include <stdlib.h>

/*
 * Under test: hypervisor/common/sched.c.  Up to four domains, each with a
 * few vCPUs, walked by a fake domain_iterate.  The simulated CPU repeatedly
 * picks a vCPU, runs it for its slice (charging it) and advances the clock;
 * when nothing may run it idles until the next cap refill.
 */

#define MAX_DOMS 4
#define MS 1000000ULL

static struct domain *doms[MAX_DOMS];
static unsigned int nr_doms;
static uint64_t now;

struct domain *domain_iterate(unsigned int *i)
{
    return *i < nr_doms ? doms[(*i)++] : NULL;
}

/* A running domain of the given weight with nr online, runnable vCPUs. */
static struct domain *dom_add(unsigned int weight, unsigned int nr)
{
    struct domain *d = calloc(1, sizeof(*d));
    unsigned int i;

    ck_assert_ptr_nonnull(d);
    ck_assert_uint_lt(nr_doms, MAX_DOMS);
    d->domain_id = (domid_t)nr_doms;
    d->state = DOMSTATE_RUNNING;
    d->max_vcpus = nr;
    sched_domain_init(d);
    d->sched.weight = weight;
    for (i = 0; i < nr; i++) {
        struct vcpu *v = calloc(1, sizeof(*v));

        ck_assert_ptr_nonnull(v);
        v->domain = d;
        v->vcpu_id = i;
        v->online = true;
        d->vcpu[i] = v;
    }
    doms[nr_doms++] = d;
    return d;
}

static void setup(void)
{
    nr_doms = 0;
    now = 0;
}

static void teardown(void)
{
    unsigned int i, v;

    for (i = 0; i < nr_doms; i++) {
        for (v = 0; v < doms[i]->max_vcpus; v++)
            free(doms[i]->vcpu[v]);
        free(doms[i]);
    }
    nr_doms = 0;
}

/* Per-vCPU accounting of the simulation, split into SCHED_PERIOD windows. */
#define NR_WINDOWS 12
static uint64_t ran_in_window[MAX_DOMS][NR_WINDOWS];

static void account(const struct vcpu *v, uint64_t start, uint64_t len)
{
    while (len) {
        uint64_t w = start / SCHED_PERIOD;
        uint64_t end = (w + 1) * SCHED_PERIOD;
        uint64_t part = MIN(len, end - start);

        if (w < NR_WINDOWS)
            ran_in_window[v->domain->domain_id][w] += part;
        start += part;
        len -= part;
    }
}

/*
 * One scheduling decision at the current time: the vCPU that ran for its
 * slice, or NULL when the CPU idled until the next refill (or, with no
 * refill due, did nothing).
 */
static struct vcpu *step(void)
{
    struct vcpu *v = sched_pick_next(now);
    uint64_t slice, refill;

    if (!v) {
        refill = sched_next_refill(now);
        if (refill) {
            ck_assert_uint_gt(refill, now);
            now = refill;
        }
        return NULL;
    }
    ck_assert(sched_vcpu_runnable(v));
    slice = sched_slice(v, now);
    ck_assert_uint_ge(slice, SCHED_MIN_SLICE);
    ck_assert_uint_le(slice, SCHED_SLICE);
    sched_charge(v, slice);
    account(v, now, slice);
    now += slice;
    return v;
}

static unsigned int run_count(struct vcpu *v, unsigned int steps)
{
    unsigned int n = 0;

    while (steps--)
        n += step() == v;
    return n;
}

/* ------------------------------------------------------------------ */
/* The worked example of sched.c's header comment                       */

START_TEST(test_example_weights)
{
    struct domain *a = dom_add(256, 1), *b = dom_add(512, 1);
    unsigned int na = 0, nb = 0, i;

    for (i = 0; i < 30; i++) {
        struct vcpu *v = step();

        ck_assert_ptr_nonnull(v);
        na += v == a->vcpu[0];
        nb += v == b->vcpu[0];
    }
    ck_assert_uint_eq(na, 10);
    ck_assert_uint_eq(nb, 20);
    ck_assert_uint_eq(now, 30 * SCHED_SLICE);
    ck_assert_uint_eq(a->vcpu[0]->runstate.time[RUNSTATE_running], 10 * SCHED_SLICE);
    ck_assert_uint_eq(b->vcpu[0]->runstate.time[RUNSTATE_running], 20 * SCHED_SLICE);
    /* Equal virtual time: neither is owed anything. */
    ck_assert_uint_eq(a->vcpu[0]->sched.vruntime, b->vcpu[0]->sched.vruntime);
}
END_TEST

START_TEST(test_example_cap)
{
    struct domain *a = dom_add(256, 1), *b = dom_add(512, 1);
    unsigned int w;

    b->sched.cap = 25;
    while (now < 10 * SCHED_PERIOD)
        ck_assert_ptr_nonnull(step());  /* A is always there: never idle */
    for (w = 0; w < 10; w++) {
        ck_assert_uint_eq(ran_in_window[b->domain_id][w], 25 * MS);
        ck_assert_uint_eq(ran_in_window[a->domain_id][w], 75 * MS);
    }
}
END_TEST

/* Alone, the capped domain runs its 25 ms and the CPU idles for the rest. */
START_TEST(test_cap_alone)
{
    struct domain *b = dom_add(512, 1);
    unsigned int w, idles = 0;

    b->sched.cap = 25;
    while (now < 10 * SCHED_PERIOD)
        idles += step() == NULL;
    ck_assert_uint_eq(idles, 10);
    for (w = 0; w < 10; w++)
        ck_assert_uint_eq(ran_in_window[b->domain_id][w], 25 * MS);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Who may be picked                                                    */

static void blocked(struct vcpu *v) { v->blocked = true; }
static void vcpu_paused(struct vcpu *v) { v->paused = true; }
static void offline(struct vcpu *v) { v->online = false; }
static void dom_paused(struct vcpu *v) { v->domain->paused = true; }
static void dom_shutdown(struct vcpu *v) { v->domain->state = DOMSTATE_SHUTDOWN; }
static void dom_dying(struct vcpu *v) { v->domain->state = DOMSTATE_DYING; }

static const struct unrunnable_case {
    const char *what;
    void (*make)(struct vcpu *v);
} unrunnable_cases[] = {
    {"blocked", blocked},
    {"vcpu paused", vcpu_paused},
    {"offline", offline},
    {"domain paused", dom_paused},
    {"domain shut down", dom_shutdown},
    {"domain dying", dom_dying},
};

START_TEST(test_not_picked)
{
    const struct unrunnable_case *c = &unrunnable_cases[_i];
    struct domain *x = dom_add(65535, 1), *y = dom_add(256, 2);
    struct vcpu *xv = x->vcpu[0];
    unsigned int i;

    /* xv would win every time: the heaviest weight and far behind. */
    for (i = 0; i < 2; i++)
        y->vcpu[i]->sched.vruntime = 1000 * MS;
    c->make(xv);
    ck_assert_msg(!sched_vcpu_runnable(xv), "%s", c->what);
    for (i = 0; i < 50; i++) {
        struct vcpu *v = step();

        ck_assert_ptr_nonnull(v);
        ck_assert_ptr_eq(v->domain, y);
    }
    ck_assert_uint_eq(xv->sched.vruntime, 0);
    ck_assert_uint_eq(xv->runstate.time[RUNSTATE_running], 0);

    /* Nothing else to run: the CPU idles, no refill is due. */
    y->vcpu[0]->blocked = y->vcpu[1]->blocked = true;
    ck_assert_ptr_null(sched_pick_next(now));
    ck_assert_uint_eq(sched_next_refill(now), 0);
}
END_TEST

START_TEST(test_null_and_empty)
{
    ck_assert(!sched_vcpu_runnable(NULL));
    ck_assert_ptr_null(sched_pick_next(0));
    ck_assert_uint_eq(sched_next_refill(0), 0);
    dom_add(256, 0);
    ck_assert_ptr_null(sched_pick_next(0));
}
END_TEST

/* Several vCPUs of one domain share it round-robin. */
START_TEST(test_vcpus_share)
{
    struct domain *d = dom_add(256, 3);
    unsigned int i;

    for (i = 0; i < 30; i++)
        ck_assert_ptr_eq(step(), d->vcpu[i % 3]);
}
END_TEST

/* ------------------------------------------------------------------ */
/* sched_wake: sleeping does not bank CPU time                          */

START_TEST(test_wake_limits_credit)
{
    struct domain *a = dom_add(256, 1), *b = dom_add(256, 1), *c = dom_add(256, 1);
    struct vcpu *cv = c->vcpu[0];
    uint64_t min;
    unsigned int i, first_run = 0, nc;

    cv->blocked = true;
    for (i = 0; i < 100; i++)
        ck_assert_ptr_ne(step(), cv);
    min = MIN(a->vcpu[0]->sched.vruntime, b->vcpu[0]->sched.vruntime);
    ck_assert_uint_eq(min, 500 * MS);

    cv->blocked = false;
    sched_wake(cv, now);
    ck_assert_uint_eq(cv->sched.vruntime, min - SCHED_SLICE);

    /* At most about one slice of catching up, then a fair third. */
    while (step() == cv)
        first_run++;
    ck_assert_uint_ge(first_run, 1);
    ck_assert_uint_le(first_run, 2);
    nc = run_count(cv, 30);
    ck_assert_uint_ge(nc, 9);
    ck_assert_uint_le(nc, 11);
}
END_TEST

START_TEST(test_wake_keeps_debt)
{
    struct domain *a = dom_add(256, 1), *b = dom_add(256, 1);
    struct vcpu *bv = b->vcpu[0];

    a->vcpu[0]->sched.vruntime = 100 * MS;
    bv->sched.vruntime = 300 * MS;      /* ran ahead before it slept */
    sched_wake(bv, now);
    ck_assert_uint_eq(bv->sched.vruntime, 300 * MS);

    /* Within a slice of the others: left alone. */
    bv->sched.vruntime = 95 * MS;
    sched_wake(bv, now);
    ck_assert_uint_eq(bv->sched.vruntime, 95 * MS);

    /* Others still near zero: nothing to clamp against. */
    a->vcpu[0]->sched.vruntime = SCHED_SLICE / 2;
    bv->sched.vruntime = 0;
    sched_wake(bv, now);
    ck_assert_uint_eq(bv->sched.vruntime, 0);

    /* Alone: nothing to clamp against either. */
    a->vcpu[0]->blocked = true;
    sched_wake(bv, now);
    ck_assert_uint_eq(bv->sched.vruntime, 0);
}
END_TEST

/* A new vCPU starts level with the others rather than at zero. */
START_TEST(test_vcpu_init)
{
    struct domain *a = dom_add(256, 1), *b = dom_add(256, 1);
    struct vcpu *bv = b->vcpu[0];

    bv->blocked = true;
    run_count(a->vcpu[0], 10);
    bv->blocked = false;
    sched_vcpu_init(bv, now);
    ck_assert_uint_eq(bv->sched.vruntime, a->vcpu[0]->sched.vruntime);
    ck_assert_uint_eq(run_count(bv, 10), 5);

    a->vcpu[0]->blocked = true;
    sched_vcpu_init(bv, now);
    ck_assert_uint_eq(bv->sched.vruntime, 0);
    ck_assert_uint_eq(a->sched.weight, 256);
    ck_assert_uint_eq(a->sched.cap, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* sched_vcpu_yield                                                          */

START_TEST(test_yield)
{
    struct domain *a = dom_add(256, 1), *b = dom_add(256, 1), *c = dom_add(256, 1);
    struct vcpu *av = a->vcpu[0], *bv = b->vcpu[0], *cv = c->vcpu[0];

    ck_assert_ptr_eq(sched_pick_next(now), av);
    sched_vcpu_yield(av);
    ck_assert_ptr_eq(step(), bv);
    ck_assert_ptr_eq(step(), cv);
    ck_assert_ptr_eq(step(), av);

    /* Behind the others even when it was ahead of none. */
    av->sched.vruntime = bv->sched.vruntime = cv->sched.vruntime = 0;
    sched_vcpu_yield(cv);
    ck_assert_uint_eq(cv->sched.vruntime, 1);
    ck_assert_ptr_eq(step(), av);
    ck_assert_ptr_eq(step(), bv);
    ck_assert_ptr_eq(step(), cv);

    /* Blocked vCPUs do not count; alone, yield changes nothing visible. */
    bv->blocked = cv->blocked = true;
    bv->sched.vruntime = 1000 * MS;
    sched_vcpu_yield(av);
    ck_assert_uint_lt(av->sched.vruntime, 1000 * MS);
    ck_assert_ptr_eq(sched_pick_next(now), av);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Caps: slices and refills                                             */

static const struct slice_case {
    unsigned int cap;
    uint64_t used, slice;
} slice_cases[] = {
    {0, 0, SCHED_SLICE},
    {0, 500 * MS, SCHED_SLICE},         /* uncapped: period_used ignored */
    {25, 0, SCHED_SLICE},
    {25, 20 * MS, 5 * MS},
    {25, 24 * MS + MS / 2, SCHED_MIN_SLICE},
    {25, 30 * MS, SCHED_MIN_SLICE},
    {5, 0, 5 * MS},
    {1, 0, SCHED_MIN_SLICE},
    {100, 95 * MS, 5 * MS},
    {400, 0, SCHED_SLICE},              /* several CPUs' worth */
};

START_TEST(test_slice)
{
    const struct slice_case *c = &slice_cases[_i];
    struct domain *d = dom_add(256, 1);

    d->sched.cap = c->cap;
    d->sched.period_used = c->used;
    ck_assert_uint_eq(sched_slice(d->vcpu[0], now), c->slice);
}
END_TEST

START_TEST(test_next_refill)
{
    struct domain *a = dom_add(256, 1), *b = dom_add(256, 1), *c = dom_add(256, 1);
    unsigned int i;

    c->vcpu[0]->blocked = true;         /* c only holds a cap below */
    b->sched.cap = 30;
    ck_assert_uint_eq(sched_next_refill(now), 0);       /* not spent yet */
    a->vcpu[0]->blocked = true;
    for (i = 0; i < 10 && sched_pick_next(now); i++)
        step();
    ck_assert_uint_eq(now, 30 * MS);
    ck_assert_uint_eq(b->vcpu[0]->runstate.time[RUNSTATE_running], 30 * MS);
    ck_assert_uint_eq(sched_next_refill(now), SCHED_PERIOD);

    /* An uncapped domain that ran a lot is never "waiting". */
    a->sched.period_used = 10 * SCHED_PERIOD;
    ck_assert_uint_eq(sched_next_refill(now), SCHED_PERIOD);

    /* The earliest of several (later in b's period, so none goes back in time). */
    now = 60 * MS;
    c->sched.cap = 10;
    c->sched.period_start = 50 * MS;
    c->sched.period_used = 10 * MS;
    ck_assert_uint_eq(sched_next_refill(now), SCHED_PERIOD);
    b->sched.period_start = 20 * MS;
    ck_assert_uint_eq(sched_next_refill(now), 120 * MS);
    c->sched.period_start = 10 * MS;
    ck_assert_uint_eq(sched_next_refill(now), 110 * MS);
    c->sched.period_used = 0;           /* budget left: not waiting */
    ck_assert_uint_eq(sched_next_refill(now), 120 * MS);
    b->sched.period_start = 0;
    c->sched.cap = 0;

    /* At the refill the capped domain runs again. */
    ck_assert_ptr_null(sched_pick_next(SCHED_PERIOD - 1));
    now = SCHED_PERIOD;
    ck_assert_ptr_eq(sched_pick_next(now), b->vcpu[0]);
    ck_assert_uint_eq(sched_next_refill(now), 0);
}
END_TEST

/* A late look at the clock keeps periods aligned and drops the unused budget. */
START_TEST(test_refill_late)
{
    struct domain *b = dom_add(256, 1);

    b->sched.cap = 25;
    b->sched.period_used = 25 * MS;
    ck_assert_ptr_null(sched_pick_next(50 * MS));
    ck_assert_uint_eq(sched_next_refill(50 * MS), SCHED_PERIOD);
    now = 7 * SCHED_PERIOD + 3 * MS;
    ck_assert_ptr_eq(sched_pick_next(now), b->vcpu[0]);
    ck_assert_uint_eq(b->sched.period_start, 7 * SCHED_PERIOD);
    ck_assert_uint_eq(b->sched.period_used, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Weights at the ends of their range                                   */

static const struct weight_case {
    unsigned int weight;
    uint64_t ran, vruntime;
} weight_cases[] = {
    {256, SCHED_SLICE, SCHED_SLICE},
    {512, SCHED_SLICE, SCHED_SLICE / 2},
    {1, SCHED_SLICE, SCHED_SLICE * 256},
    {65535, SCHED_SLICE, SCHED_SLICE * 256 / 65535},
    {0, SCHED_SLICE, SCHED_SLICE},                  /* unset: default */
    {1, 3600ULL * 1000 * MS, 3600ULL * 1000 * MS * 256},   /* an hour */
    {65535, 3600ULL * 1000 * MS, 3600ULL * 1000 * MS * 256 / 65535},
};

START_TEST(test_weight_charge)
{
    const struct weight_case *c = &weight_cases[_i];
    struct domain *d = dom_add(c->weight, 1);
    unsigned int i;

    for (i = 1; i <= 100; i++) {
        sched_charge(d->vcpu[0], c->ran);
        ck_assert_uint_eq(d->vcpu[0]->sched.vruntime, i * c->vruntime);
    }
    ck_assert_uint_eq(d->vcpu[0]->runstate.time[RUNSTATE_running], 100 * c->ran);
    ck_assert_uint_eq(d->sched.period_used, 100 * c->ran);
}
END_TEST

START_TEST(test_weight_extremes)
{
    struct domain *light = dom_add(1, 1), *heavy = dom_add(65535, 1);
    struct vcpu *lv = light->vcpu[0], *hv = heavy->vcpu[0];
    uint64_t last = 0;
    unsigned int i, nl = 0;

    /* 200k slices (33 simulated minutes): each vCPU's clock only goes up. */
    for (i = 0; i < 200000; i++) {
        struct vcpu *v = step();

        ck_assert_ptr_nonnull(v);
        if (v == lv) {
            nl++;
        } else {
            ck_assert_uint_gt(hv->sched.vruntime, last);
            last = hv->sched.vruntime;
        }
    }
    /* The light one runs once per 65537 of the heavy one's slices. */
    ck_assert_uint_eq(nl, 4);
    ck_assert_uint_eq(lv->sched.vruntime, 4 * SCHED_SLICE * 256);
}
END_TEST

#define TC(name, fn) suite_add(s, name, fn, 0, setup, teardown)
#define TCL(name, fn, n) suite_add(s, name, fn, n, setup, teardown)

static Suite *sched_suite(void)
{
    Suite *s = suite_create("sched");

    TC("example_weights", test_example_weights);
    TC("example_cap", test_example_cap);
    TC("cap_alone", test_cap_alone);
    TCL("not_picked", test_not_picked, ARRAY_SIZE(unrunnable_cases));
    TC("null_and_empty", test_null_and_empty);
    TC("vcpus_share", test_vcpus_share);
    TC("wake_limits_credit", test_wake_limits_credit);
    TC("wake_keeps_debt", test_wake_keeps_debt);
    TC("vcpu_init", test_vcpu_init);
    TC("yield", test_yield);
    TCL("slice", test_slice, ARRAY_SIZE(slice_cases));
    TC("next_refill", test_next_refill);
    TC("refill_late", test_refill_late);
    TCL("weight_charge", test_weight_charge, ARRAY_SIZE(weight_cases));
    TC("weight_extremes", test_weight_extremes);
    return s;
}

int main(void)
{
    return suite_run(sched_suite());
}
