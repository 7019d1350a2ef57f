/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_mmu_update: checked writes into page tables, and M2P updates. */
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <xenia/pgtable.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/setup.h>
#include "mm.h"

#define AD_BITS (_PAGE_ACCESSED | _PAGE_DIRTY)

/*
 * Replace entry slot (index idx) of an Ln table, n >= 2: validate the new
 * entry (taking its references) before dropping the old one's, so that a
 * failure leaves the table untouched.
 */
static int mod_lne_entry(struct domain *d, unsigned long table_mfn,
                         unsigned int level, unsigned int idx, pte_t ne)
{
    pte_t *slot = (pte_t *)mfn_to_virt(table_mfn) + idx;
    pte_t oe = *slot;
    int rc;

    if (level == 4 && is_hv_l4_slot(idx))
        return -XEN_EINVAL;
    ne = pgt_adjust_lne(ne);
    rc = get_page_from_lne(ne, level, d, table_mfn);
    if (rc)
        return rc;
    *slot = ne;
    put_page_from_lne(oe, table_mfn);
    /* Upper-level changes take effect for every VA below them. */
    pv_flush_pending = true;
    return 0;
}

/* One MMU_NORMAL_PT_UPDATE / PRESERVE_AD request on the caller's frame;
 * an L1 entry may map a frame of pg_owner (foreigndom). */
static int pt_update(struct domain *d, uint64_t maddr, pte_t val, bool preserve_ad,
                     struct domain *pg_owner)
{
    unsigned long mfn = maddr >> PAGE_SHIFT;
    unsigned int idx = (maddr & (PAGE_SIZE - 1)) / sizeof(pte_t);
    struct page_info *pg;
    pte_t *slot;
    int rc;

    if ((maddr & 7) || !mfn_valid(mfn))
        return -XEN_EINVAL;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, d->domain_id))
        return -XEN_EINVAL;
    slot = (pte_t *)mfn_to_virt(mfn) + idx;
    if (preserve_ad)
        val |= *slot & AD_BITS;

    if (pg->type_count && pg->type >= PGT_l1_page_table &&
        pg->type <= PGT_l4_page_table && (pg->flags & PGF_validated)) {
        if (pg->type == PGT_l1_page_table)
            rc = pv_mod_l1_entry(d, slot, val, pg_owner);
        else
            rc = mod_lne_entry(d, mfn, pg->type, idx, val);
    } else if (get_page_type(pg, PGT_writable_page) == 0) {
        /* Not a live page table: an ordinary write. */
        *slot = val;
        put_page_type(pg);
        rc = 0;
    } else {
        rc = -XEN_EINVAL;   /* a descriptor page */
    }
    put_page(pg);
    return rc;
}

static int machphys_update(struct domain *owner, uint64_t maddr, uint64_t pfn)
{
    unsigned long mfn = maddr >> PAGE_SHIFT;

    if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != owner->domain_id)
        return -XEN_EINVAL;
    machine_to_phys[mfn] = pfn;
    return 0;
}

#define MMU_UPDATE_PREEMPTED (1UL << 31)

/*
 * mmu_update and mmuext_op continue long batches as Xen does: the count
 * argument carries MMU_UPDATE_PREEMPTED and the requests not yet done, the
 * list pointer moves on, and *pdone accumulates across the pieces.
 */
unsigned int pv_batch_resume(unsigned long *count, unsigned long pdone)
{
    unsigned int before = 0;

    if (*count & MMU_UPDATE_PREEMPTED) {
        *count &= ~MMU_UPDATE_PREEMPTED;
        if (pdone && copy_from_guest(&before, pdone, sizeof(before)))
            before = 0;
    }
    return before;
}

/* The batch stops after i requests with rc: *pdone gets the whole count. */
long pv_batch_finish(long rc, unsigned int i, unsigned int before,
                     unsigned long pdone)
{
    unsigned int done = before + i;

    if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
        return -XEN_EFAULT;
    return rc;
}

long pv_batch_continue(unsigned long list, size_t size, unsigned int i,
                       unsigned long count, unsigned long pdone,
                       unsigned long foreigndom, unsigned int before)
{
    long rc = pv_batch_finish(0, i, before, pdone);

    if (rc)
        return rc;
    return hypercall_continuation(list + i * size, (count - i) | MMU_UPDATE_PREEMPTED,
                                  pdone, foreigndom, 0);
}

long do_mmu_update(unsigned long reqs, unsigned long count, unsigned long pdone,
                   unsigned long foreigndom, unsigned long a5)
{
    struct domain *d = current_vcpu()->domain, *fdom = d;
    unsigned int done = 0, before;
    domid_t fd = foreigndom & 0xffff, pfd = foreigndom >> 16;
    long rc = 0;

    (void)a5;
    /*
     * FD owns the frames new L1 entries map (the control domain mapping
     * another domain's memory, as a toolstack does); the page tables
     * themselves must be ours (a foreign PFD is not supported).  As Xen,
     * naming ourselves explicitly is refused (-ESRCH).
     */
    if (pfd && pfd - 1 != DOMID_SELF)
        return d->is_privileged ? -XEN_ESRCH : -XEN_EPERM;
    if (fd != DOMID_SELF) {
        if (!d->is_privileged)
            return fd == d->domain_id ? -XEN_ESRCH : -XEN_EPERM;
        fdom = domain_by_id(fd);
        if (!fdom || fdom == d)
            return -XEN_ESRCH;
    }
    before = pv_batch_resume(&count, pdone);
    for (; done < count; done++) {
        struct mmu_update req;

        if (done == HYPERCALL_CHUNK)
            return pv_batch_continue(reqs, sizeof(req), done, count, pdone,
                                     foreigndom, before);
        if (copy_from_guest(&req, reqs + (unsigned long)done * sizeof(req), sizeof(req))) {
            rc = -XEN_EFAULT;
            break;
        }
        /* As Xen: the command is ptr's low three bits (the entry size). */
        switch (req.ptr & 7) {
        case MMU_NORMAL_PT_UPDATE:
        case MMU_PT_UPDATE_NO_TRANSLATE:   /* a PV domain is not translated */
            rc = pt_update(d, req.ptr & ~7ULL, req.val, false, fdom);
            break;
        case MMU_PT_UPDATE_PRESERVE_AD:
            rc = pt_update(d, req.ptr & ~7ULL, req.val, true, fdom);
            break;
        case MMU_MACHPHYS_UPDATE:
            rc = machphys_update(fdom, req.ptr & ~7ULL, req.val);
            break;
        default:
            rc = -XEN_ENOSYS;
            break;
        }
        if (rc)
            break;
    }
    return pv_batch_finish(rc, done, before, pdone);
}
