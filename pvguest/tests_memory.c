/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: memory reservation tests: balloon frames out and back in, exchange them for contiguous ones. */
#include "tests.h"
#include "hypercall.h"

static const unsigned long *m2p_ro = (const unsigned long *)MACH2PHYS_VIRT_START;

/* A pfn at the top of our memory: never mapped by the boot layout. */
static unsigned long spare_pfn(void)
{
    return pvg_si->nr_pages - 1;
}

static long reservation(unsigned int cmd, xen_pfn_t *frames, unsigned long nr,
                        unsigned int order, domid_t domid)
{
    struct xen_memory_reservation r = {
        .nr_extents = nr, .extent_order = order, .domid = domid,
    };

    set_xen_guest_handle(r.extent_start, frames);
    return HYPERVISOR_memory_op(cmd, &r);
}

static long current_pages(void)
{
    domid_t self = DOMID_SELF;

    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}

/* decrease_reservation then populate_physmap: counts, M2P and p2m agree. */
static enum test_result t_balloon_round_trip(void)
{
    unsigned long *p2m = (unsigned long *)pvg_si->mfn_list;
    unsigned long pfn = spare_pfn(), old_mfn = p2m[pfn];
    long before = current_pages();
    xen_pfn_t frame = old_mfn;

    CHECK_EQ(m2p_ro[old_mfn], pfn);
    CHECK_EQ(reservation(XENMEM_decrease_reservation, &frame, 1, 0, DOMID_SELF), 1);
    CHECK_EQ(current_pages(), before - 1);
    CHECK(m2p_ro[old_mfn] != pfn);

    frame = pfn;
    CHECK_EQ(reservation(XENMEM_populate_physmap, &frame, 1, 0, DOMID_SELF), 1);
    CHECK_EQ(current_pages(), before);
    CHECK_EQ(m2p_ro[frame], pfn);
    p2m[pfn] = frame;
    return T_PASS;
}

/* Giving back a frame that is not ours completes nothing. */
static enum test_result t_decrease_foreign_frame(void)
{
    xen_pfn_t frame = 0;    /* machine frame 0: never a guest's */
    long before = current_pages();

    CHECK_EQ(reservation(XENMEM_decrease_reservation, &frame, 1, 0, DOMID_SELF), 0);
    CHECK_EQ(current_pages(), before);
    return T_PASS;
}

static enum test_result t_reservation_errors(void)
{
    struct xen_memory_reservation r = { .nr_extents = 1, .domid = DOMID_SELF };
    xen_pfn_t frame = spare_pfn();

    /* An unmapped extent list completes no extent (Xen returns 0). */
    set_xen_guest_handle(r.extent_start, (xen_pfn_t *)0x1000);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_populate_physmap, (void *)0x1000), 0);
    /* A domain that does not exist: nothing done, no error (as Xen). */
    CHECK_EQ(reservation(XENMEM_populate_physmap, &frame, 1, 0, 0x7ff0 - 1), 0);
    return T_PASS;
}

/*
 * A long extent list: 600 frames out and back in, one call each way.  Xen
 * and Xenia both do long lists in pieces (continuations); the guest sees
 * one call that did all 600.
 */
#define MANY 600
static xen_pfn_t many[MANY];

static enum test_result t_balloon_many(void)
{
    unsigned long *p2m = (unsigned long *)pvg_si->mfn_list;
    unsigned long first = pvg_si->nr_pages - 2000, i;
    long before = current_pages();

    for (i = 0; i < MANY; i++)
        many[i] = p2m[first + i];
    CHECK_EQ(reservation(XENMEM_decrease_reservation, many, MANY, 0, DOMID_SELF), MANY);
    CHECK_EQ(current_pages(), before - MANY);
    for (i = 0; i < MANY; i++)
        many[i] = first + i;
    CHECK_EQ(reservation(XENMEM_populate_physmap, many, MANY, 0, DOMID_SELF), MANY);
    CHECK_EQ(current_pages(), before);
    for (i = 0; i < MANY; i++) {
        CHECK_EQ(m2p_ro[many[i]], first + i);
        p2m[first + i] = many[i];
    }
    return T_PASS;
}

static long exchange(struct xen_memory_exchange *x, xen_pfn_t *in, unsigned long nin,
                     unsigned int in_order, xen_pfn_t *out, unsigned long nout,
                     unsigned int out_order)
{
    memset(x, 0, sizeof(*x));
    x->in.nr_extents = nin;
    x->in.extent_order = in_order;
    x->in.domid = DOMID_SELF;
    set_xen_guest_handle(x->in.extent_start, in);
    x->out.nr_extents = nout;
    x->out.extent_order = out_order;
    x->out.domid = DOMID_SELF;
    set_xen_guest_handle(x->out.extent_start, out);
    return HYPERVISOR_memory_op(XENMEM_exchange, x);
}

/*
 * XENMEM_exchange as Linux's xen_create_contiguous_region uses it: four
 * unmapped frames for two machine-contiguous, 2-aligned pairs backing the
 * same pfns, then back again; the reservation does not change.
 */
static enum test_result t_exchange(void)
{
    unsigned long *p2m = (unsigned long *)pvg_si->mfn_list;
    unsigned long base = pvg_si->nr_pages - 1300, k;
    long before = current_pages();
    struct xen_memory_exchange x;
    xen_pfn_t in[4], out[4];

    for (k = 0; k < 4; k++)
        in[k] = p2m[base + k];
    out[0] = base;
    out[1] = base + 2;
    CHECK_EQ(exchange(&x, in, 4, 0, out, 2, 1), 0);
    CHECK_EQ(x.nr_exchanged, 4);
    CHECK_EQ(current_pages(), before);
    for (k = 0; k < 4; k++) {
        unsigned long mfn = out[k / 2] + k % 2;

        CHECK_EQ(out[k / 2] & 1, 0);
        CHECK_EQ(m2p_ro[mfn], base + k);
        p2m[base + k] = mfn;
    }
    /* And back: two pairs for four single frames. */
    in[0] = out[0];
    in[1] = out[1];
    for (k = 0; k < 4; k++)
        out[k] = base + k;
    CHECK_EQ(exchange(&x, in, 2, 1, out, 4, 0), 0);
    CHECK_EQ(x.nr_exchanged, 2);
    CHECK_EQ(current_pages(), before);
    for (k = 0; k < 4; k++) {
        CHECK_EQ(m2p_ro[out[k]], base + k);
        p2m[base + k] = out[k];
    }
    return T_PASS;
}

/*
 * A long exchange: 600 single frames for 300 aligned pairs in one call.
 * Xenia (after 512 in-extents) and Xen both finish it in continuations;
 * the guest sees one call that exchanged all 600.
 */
static xen_pfn_t many_out[MANY / 2];

static enum test_result t_exchange_many(void)
{
    unsigned long *p2m = (unsigned long *)pvg_si->mfn_list;
    unsigned long first = pvg_si->nr_pages - 2000, i;
    long before = current_pages();
    struct xen_memory_exchange x;

    for (i = 0; i < MANY; i++)
        many[i] = p2m[first + i];
    for (i = 0; i < MANY / 2; i++)
        many_out[i] = first + 2 * i;
    CHECK_EQ(exchange(&x, many, MANY, 0, many_out, MANY / 2, 1), 0);
    CHECK_EQ(x.nr_exchanged, MANY);
    CHECK_EQ(current_pages(), before);
    for (i = 0; i < MANY; i++) {
        unsigned long mfn = many_out[i / 2] + i % 2;

        CHECK_EQ(many_out[i / 2] & 1, 0);
        CHECK_EQ(m2p_ro[mfn], first + i);
        p2m[first + i] = mfn;
    }
    return T_PASS;
}

/* Refusals: sizes that differ, two domains, a frame still mapped or named twice. */
static enum test_result t_exchange_errors(void)
{
    static uint8_t mapped[PAGE_SIZE] __page_aligned_bss;
    unsigned long *p2m = (unsigned long *)pvg_si->mfn_list;
    long before = current_pages();
    struct xen_memory_exchange x;
    xen_pfn_t in[2], out[2];

    in[0] = p2m[pvg_si->nr_pages - 1300];
    out[0] = pvg_si->nr_pages - 1300;
    CHECK_EQ(exchange(&x, in, 1, 0, out, 1, 1), -XEN_EINVAL);
    x.in.extent_order = 1;
    x.out.domid = 0;
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_exchange, &x), -XEN_EINVAL);
    CHECK_EQ(exchange(&x, in, 1, 0, out, 1, 0), 0);   /* an even swap */
    CHECK_EQ(m2p_ro[out[0]], pvg_si->nr_pages - 1300);
    p2m[pvg_si->nr_pages - 1300] = out[0];
    mapped[0] = 1;
    in[0] = virt_to_mfn(mapped);
    out[0] = pvg_si->nr_pages - 1300;
    CHECK_EQ(exchange(&x, in, 1, 0, out, 1, 0), -XEN_EINVAL);
    CHECK_EQ(x.nr_exchanged, 0);
    CHECK_EQ(mapped[0], 1);
    x.nr_exchanged = 2;
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_exchange, &x), -XEN_EINVAL);
    /* One frame named twice for a pair: refused, nothing taken. */
    in[0] = in[1] = p2m[pvg_si->nr_pages - 1300];
    out[0] = pvg_si->nr_pages - 1300;
    CHECK_EQ(exchange(&x, in, 2, 0, out, 1, 1), -XEN_EINVAL);
    CHECK_EQ(x.nr_exchanged, 0);
    CHECK_EQ(m2p_ro[in[0]], pvg_si->nr_pages - 1300);
    CHECK_EQ(current_pages(), before);
    return T_PASS;
}

const struct pvg_test tests_memory[] = {
    { "memory.balloon_many_extents", t_balloon_many },
    { "memory.balloon_round_trip", t_balloon_round_trip },
    { "memory.decrease_foreign_frame", t_decrease_foreign_frame },
    { "memory.reservation_errors", t_reservation_errors },
    { "memory.exchange_contiguous", t_exchange },
    { "memory.exchange_many", t_exchange_many },
    { "memory.exchange_errors", t_exchange_errors },
    { NULL, NULL },
};
