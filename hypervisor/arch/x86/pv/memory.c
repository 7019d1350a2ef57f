/* SPDX-License-Identifier: GPL-2.0-only */
/* Memory reservation: increase/decrease_reservation and populate_physmap for PV domains. */
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
 * up to 9 (2 MiB) are accepted.
 */
#define MAX_EXTENT_ORDER 9
#define EXTENT_SHIFT 6      /* MEMOP_EXTENT_SHIFT: restart point in cmd */

static struct page_info *alloc_extent(struct domain *d, unsigned int order)
{
    unsigned long n = 1UL << order, i;
    struct page_info *pg;

    if (d->tot_pages + n > d->max_pages)
        return NULL;
    pg = order ? alloc_pages_contig(n, d->domain_id, NULL) : alloc_page(d->domain_id, NULL);
    if (!pg)
        return NULL;
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
        if (i - start == HYPERCALL_CHUNK && hypercall_preemptible())
            return hypercall_continuation(op | (i << EXTENT_SHIFT), arg, 0, 0, 0);

        if (op != XENMEM_increase_reservation &&
            copy_from_guest(&frame, slot, sizeof(frame)))
            break;
        if (op == XENMEM_decrease_reservation) {
            if (release_extent(d, frame, r.extent_order))
                break;
            continue;
        }
        pg = alloc_extent(d, r.extent_order);
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
