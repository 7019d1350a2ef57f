/* SPDX-License-Identifier: GPL-2.0-only */
/* Memory reservation: increase/decrease_reservation, populate_physmap and exchange for PV domains. */
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/setup.h>

/*
 * A PV domain is not translated: its "GMFNs" are machine frames, and the
 * guest keeps its own pfn->mfn list.  So:
 *  - increase_reservation allocates extents and writes their MFNs back;
 *  - populate_physmap reads a GPFN per extent, allocates, sets the M2P
 *    entries to that GPFN and writes the MFN back;
 *  - decrease_reservation gives back the extents at the MFNs it reads (the
 *    frame is freed when its last mapping goes).
 * The return value is the number of extents completed, as in Xen (an
 * unreadable extent list just stops the count); a reservation over the
 * domain's max_pages stops there.  Extents of order
 * up to 9 (2 MiB) are accepted, aligned to their size as Xen's are.
 */
#define MAX_EXTENT_ORDER 9
#define EXTENT_SHIFT 6      /* MEMOP_EXTENT_SHIFT: restart point in cmd */

/*
 * A zeroed extent for d, aligned to its size and, with address_bits, below
 * 2^address_bits (0: anywhere); its M2P entries say "no pfn" until set.
 */
static struct page_info *alloc_extent(struct domain *d, unsigned int order,
                                      unsigned int address_bits)
{
    unsigned long n = 1UL << order, i;
    struct page_info *pg;

    pg = order ? alloc_pages_aligned(order, d->domain_id, NULL)
               : alloc_page(d->domain_id, NULL);
    if (!pg)
        return NULL;
    if (address_bits && address_bits < 64 &&
        page_to_mfn(pg) + n > (1UL << (address_bits - PAGE_SHIFT))) {
        for (i = 0; i < n; i++)
            free_page(pg + i, NULL);
        return NULL;
    }
    for (i = 0; i < n; i++) {
        page_list_add(&d->page_list, pg + i);
        memset(mfn_to_virt(page_to_mfn(pg) + i), 0, PAGE_SIZE);
        machine_to_phys[page_to_mfn(pg) + i] = ~0UL;
    }
    d->tot_pages += n;
    return pg;
}

/* Give back one extent at mfn: every frame must be an ordinary frame of d. */
static int release_extent(struct domain *d, unsigned long mfn, unsigned int order)
{
    unsigned long n = 1UL << order, i;

    for (i = 0; i < n; i++) {
        struct page_info *pg;

        if (!mfn_valid(mfn + i))
            return -XEN_EINVAL;
        pg = mfn_to_page(mfn + i);
        if (pg->owner != d->domain_id || (pg->flags & PGF_xenheap) || !pg->count)
            return -XEN_EINVAL;
    }
    for (i = 0; i < n; i++) {
        struct page_info *pg = mfn_to_page(mfn + i);

        if (pg->flags & PGF_pinned) {
            pg->flags &= ~PGF_pinned;
            put_page_and_type(pg);
        }
        machine_to_phys[mfn + i] = ~0UL;
        d->tot_pages--;
        free_page(pg, &d->page_list);
    }
    return 0;
}

long arch_memory_reservation(unsigned int op, unsigned long cmd, unsigned long arg)
{
    struct domain *caller = current_vcpu()->domain, *d = caller;
    struct xen_memory_reservation r;
    unsigned long i = cmd >> EXTENT_SHIFT;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return (long)i;   /* as Xen: nothing done, no error */
    /* Another domain: the control domain may (a toolstack building a
     * domain); as Xen, a domain we may not or cannot act on completes
     * nothing. */
    if (r.domid != DOMID_SELF && r.domid != caller->domain_id) {
        if (!caller->is_privileged || !(d = domain_by_id(r.domid)))
            return (long)i;
    }
    if (r.extent_order > MAX_EXTENT_ORDER)
        return 0;
    /* As Xen: an unusable extent list completes nothing (returns the
     * extents done so far) rather than failing with -EFAULT. */
    if (r.nr_extents && !guest_range_ok((unsigned long)r.extent_start.p,
                                        r.nr_extents * sizeof(xen_pfn_t)))
        return (long)i;

    for (unsigned long start = i; i < r.nr_extents; i++) {
        unsigned long slot = (unsigned long)r.extent_start.p + i * sizeof(xen_pfn_t);
        xen_pfn_t frame = 0;
        struct page_info *pg;

        /* Long lists go on in a continuation, from extent i (cmd >> 6). */
        if (i - start == HYPERCALL_CHUNK)
            return hypercall_continuation(op | (i << EXTENT_SHIFT), arg, 0, 0, 0);

        if (op != XENMEM_increase_reservation &&
            copy_from_guest(&frame, slot, sizeof(frame)))
            break;
        if (op == XENMEM_decrease_reservation) {
            if (release_extent(d, frame, r.extent_order))
                break;
            continue;
        }
        if (d->tot_pages + (1UL << r.extent_order) > d->max_pages)
            break;
        pg = alloc_extent(d, r.extent_order, 0);
        if (!pg)
            break;
        if (op == XENMEM_populate_physmap) {
            unsigned long j;

            for (j = 0; j < (1UL << r.extent_order); j++)
                machine_to_phys[page_to_mfn(pg) + j] = frame + j;
        }
        frame = page_to_mfn(pg);
        if (r.extent_start.p && copy_to_guest(slot, &frame, sizeof(frame))) {
            /* Nobody can learn this extent's frame: take it back. */
            release_extent(d, frame, r.extent_order);
            break;
        }
    }
    return (long)i;
}

/*
 * An in-extent may be exchanged only if the guest holds nothing on it but
 * the allocation: no mapping, no type, no pin (Xen's steal_page).
 */
static bool extent_unused(struct domain *d, unsigned long mfn, unsigned int order)
{
    unsigned long i;

    for (i = 0; i < (1UL << order); i++) {
        struct page_info *pg;

        if (!mfn_valid(mfn + i))
            return false;
        pg = mfn_to_page(mfn + i);
        if (pg->owner != d->domain_id || (pg->flags & (PGF_xenheap | PGF_pinned)) ||
            pg->count != 1 || pg->type_count)
            return false;
    }
    return true;
}

/*
 * XENMEM_exchange, as Xen does it for a PV domain: in.extent_start lists
 * machine frames to give back, out.extent_start the pseudo-physical frames
 * the new extents will back (their M2P entries are set; the guest updates
 * its own P2M), overwritten with the new machine frames.  Work goes in
 * chunks of the larger extent order; nr_exchanged (in-extents done) is
 * written back whatever happens, so a failed call says how far it got.
 * After HYPERCALL_CHUNK in-extents a preemptible call goes on in a
 * continuation: the same call again, resuming from that nr_exchanged.
 * Linux uses it to make machine-contiguous memory for DMA (swiotlb).
 */
/* One chunk's frames (one pCPU, and nothing here waits: static is safe). */
static xen_pfn_t xch_in[1u << MAX_EXTENT_ORDER], xch_out[1u << MAX_EXTENT_ORDER];
static struct page_info *xch_got[1u << MAX_EXTENT_ORDER];

long pv_memory_exchange(unsigned long arg)
{
    struct domain *d = current_vcpu()->domain;
    struct xen_memory_exchange x;
    unsigned int in_chunk, out_chunk, bits;
    unsigned long start;
    bool preempt = false;
    long rc = 0;

    if (copy_from_guest(&x, arg, sizeof(x)))
        return -XEN_EFAULT;
    if (x.in.extent_order > MAX_EXTENT_ORDER || x.out.extent_order > MAX_EXTENT_ORDER ||
        x.nr_exchanged > x.in.nr_extents || x.in.domid != x.out.domid ||
        (~0UL >> x.in.extent_order) < x.in.nr_extents ||
        (~0UL >> x.out.extent_order) < x.out.nr_extents ||
        (x.in.nr_extents << x.in.extent_order) != (x.out.nr_extents << x.out.extent_order))
        return -XEN_EINVAL;
    if (x.in.domid != DOMID_SELF && x.in.domid != d->domain_id)
        return d->is_privileged ? -XEN_ESRCH : -XEN_EPERM;
    if ((x.in.nr_extents && !guest_range_ok((unsigned long)x.in.extent_start.p,
                                            x.in.nr_extents * sizeof(xen_pfn_t))) ||
        (x.out.nr_extents && !guest_range_ok((unsigned long)x.out.extent_start.p,
                                             x.out.nr_extents * sizeof(xen_pfn_t))))
        return -XEN_EFAULT;
    in_chunk = x.out.extent_order > x.in.extent_order ?
                   1u << (x.out.extent_order - x.in.extent_order) : 1;
    out_chunk = x.in.extent_order > x.out.extent_order ?
                    1u << (x.in.extent_order - x.out.extent_order) : 1;
    bits = x.out.mem_flags & 0xff;      /* XENMEMF_address_bits */

    for (start = x.nr_exchanged; !rc && x.nr_exchanged < x.in.nr_extents;) {
        unsigned long in_base = (unsigned long)x.in.extent_start.p +
                                x.nr_exchanged * sizeof(xen_pfn_t);
        unsigned long out_idx = (x.nr_exchanged / in_chunk) * out_chunk;
        unsigned long out_base = (unsigned long)x.out.extent_start.p +
                                 out_idx * sizeof(xen_pfn_t);
        unsigned int i, j, n_got = 0;

        if (x.nr_exchanged - start >= HYPERCALL_CHUNK) {
            preempt = true;
            break;
        }
        if (x.nr_exchanged + in_chunk > x.in.nr_extents) {
            rc = -XEN_EINVAL;
            break;
        }
        if (copy_from_guest(xch_in, in_base, in_chunk * sizeof(xen_pfn_t)) ||
            copy_from_guest(xch_out, out_base, out_chunk * sizeof(xen_pfn_t))) {
            rc = -XEN_EFAULT;
            break;
        }
        for (i = 0; i < in_chunk; i++) {
            if (!extent_unused(d, xch_in[i], x.in.extent_order))
                rc = -XEN_EINVAL;
            /* The same frame twice would be paid for once. */
            for (j = 0; j < i; j++)
                if (xch_in[j] == xch_in[i])
                    rc = -XEN_EINVAL;
        }
        /* Not held to max_pages: as many frames go back just after. */
        for (j = 0; !rc && j < out_chunk; j++) {
            xch_got[j] = alloc_extent(d, x.out.extent_order, bits);
            if (xch_got[j])
                n_got++;
            else
                rc = -XEN_ENOMEM;
        }
        if (rc) {
            while (n_got--)
                release_extent(d, page_to_mfn(xch_got[n_got]), x.out.extent_order);
            break;
        }
        /* The new frames back the guest's pfns; tell it where they are. */
        for (j = 0; j < out_chunk; j++) {
            unsigned long mfn = page_to_mfn(xch_got[j]), k;

            for (k = 0; k < (1UL << x.out.extent_order); k++)
                machine_to_phys[mfn + k] = xch_out[j] + k;
            xch_out[j] = mfn;
        }
        if (copy_to_guest(out_base, xch_out, out_chunk * sizeof(xen_pfn_t))) {
            for (j = 0; j < out_chunk; j++)
                release_extent(d, page_to_mfn(xch_got[j]), x.out.extent_order);
            rc = -XEN_EFAULT;
            break;
        }
        for (i = 0; i < in_chunk; i++)
            release_extent(d, xch_in[i], x.in.extent_order);
        x.nr_exchanged += in_chunk;
    }
    if (copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
                      &x.nr_exchanged, sizeof(x.nr_exchanged)))
        return -XEN_EFAULT;
    if (preempt)
        return hypercall_continuation(XENMEM_exchange, arg, 0, 0, 0);
    return rc;
}
