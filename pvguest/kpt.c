/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: process address spaces: the user half of a 4-level page table, built through the pv-ops. */
#include "kern.h"
#include "arch.h"
#include "pvpatch.h"

/*
 * A process owns L4 slot 0 (512 GiB from 0); slot 511 is the kernel's,
 * shared by every address space.  Under Xen a 64-bit PV guest runs user
 * mode on a second root that must not map the kernel (Xen marks every
 * guest mapping user-accessible), so pv->split_user_root asks for a user
 * L4 whose slot 0 points at the same L3.  Tables are written only through
 * pv_set_pte/pv_pte_batch once pv_pt_alloc has claimed them.
 */
#define TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
                     _PAGE_DIRTY)
#define KERNEL_SLOT 511
#define BATCH       64

static uint64_t *boot_root;
static const struct aspace *loaded;     /* NULL: the boot root */

void kpt_init(uint64_t *root)
{
    boot_root = root;
}

static uint64_t mkpte(unsigned long pfn, uint64_t flags)
{
    return (pv_pfn_to_mfn(pfn) << PAGE_SHIFT) | flags;
}

static unsigned long pte_pfn(uint64_t pte)
{
    return pv_mfn_to_pfn((pte & PTE_MFN_MASK) >> PAGE_SHIFT);
}

static uint64_t *pte_table(uint64_t pte)
{
    return pfn_to_virt(pte_pfn(pte));
}

static unsigned int idx(unsigned long va, int level)
{
    return (va >> (PAGE_SHIFT + 9 * (level - 1))) & 511;
}

int as_create(struct aspace *as)
{
    as->pages = 0;
    as->ul4 = NULL;
    as->kl4 = page_alloc();
    if (!as->kl4)
        return -UERR_NOMEM;
    if (pv->split_user_root) {
        as->ul4 = page_alloc();
        if (!as->ul4) {
            page_free(as->kl4);
            return -UERR_NOMEM;
        }
        pv_pt_alloc(as->ul4, PT_L4);
    }
    /* Still ours to write: the kernel half, then hand the root over. */
    as->kl4[KERNEL_SLOT] = boot_root[KERNEL_SLOT];
    pv_pt_alloc(as->kl4, PT_L4);
    return 0;
}

/* Interrupts off: a switch in between would leave `loaded` stale. */
void as_switch(const struct aspace *as)
{
    unsigned long flags = pv_save_fl();

    pv_irq_disable();
    if (as != loaded) {
        if (as)
            pv_load_root(as->kl4, as->ul4);
        else
            pv_load_root(boot_root, NULL);
        loaded = as;
    }
    pv_restore_fl(flags);
}

/* The L1 entry for va, or NULL when a table on the way is missing. */
uint64_t *as_lookup(const struct aspace *as, unsigned long va)
{
    uint64_t *t = as->kl4;
    int level;

    if (va >= USER_TOP)
        return NULL;
    for (level = 4; level > 1; level--) {
        uint64_t e = t[idx(va, level)];

        if (!(e & _PAGE_PRESENT))
            return NULL;
        t = pte_table(e);
    }
    return &t[idx(va, 1)];
}

/* The L1 entry for va, creating the tables on the way; NULL when out of frames. */
static uint64_t *as_walk_alloc(struct aspace *as, unsigned long va)
{
    uint64_t *t = as->kl4;
    int level;

    for (level = 4; level > 1; level--) {
        uint64_t *e = &t[idx(va, level)];
        uint64_t *next;

        if (*e & _PAGE_PRESENT) {
            t = pte_table(*e);
            continue;
        }
        next = page_alloc();
        if (!next)
            return NULL;
        pv_pt_alloc(next, (enum pt_level)(level - 1));
        pv_set_pte(e, mkpte(virt_to_pfn(next), TABLE_FLAGS));
        if (level == 4 && as->ul4)
            pv_set_pte(&as->ul4[idx(va, 4)], *e);
        t = next;
    }
    return &t[idx(va, 1)];
}

/*
 * Set n consecutive PTEs from va on (machine-form values; 0 entries are
 * skipped), creating tables as needed, in batches of BATCH updates.
 */
static int as_set_ptes(struct aspace *as, unsigned long va, const uint64_t *ptes,
                       unsigned int n)
{
    struct pte_update u[BATCH];
    unsigned int i, k = 0;

    for (i = 0; i < n; i++, va += PAGE_SIZE) {
        uint64_t *ptep;

        if (!ptes[i])
            continue;
        ptep = as_walk_alloc(as, va);
        if (!ptep) {
            if (k)
                pv_pte_batch(u, k);
            return -UERR_NOMEM;
        }
        u[k].ptep = ptep;
        u[k].val = ptes[i];
        if (!(ptes[i] & PTE_SHARED))
            as->pages++;
        if (++k == BATCH) {
            pv_pte_batch(u, k);
            k = 0;
        }
    }
    if (k)
        pv_pte_batch(u, k);
    return 0;
}

int as_map(struct aspace *as, unsigned long va, unsigned long pfn, uint64_t flags)
{
    uint64_t pte = mkpte(pfn, flags);

    return as_set_ptes(as, va, &pte, 1);
}

int as_map_batch(struct aspace *as, unsigned long va, const unsigned long *pfns,
                 unsigned int n, uint64_t flags)
{
    uint64_t ptes[BATCH];

    while (n) {
        unsigned int k = n < BATCH ? n : BATCH, i;
        int rc;

        for (i = 0; i < k; i++)
            ptes[i] = mkpte(pfns[i], flags);
        rc = as_set_ptes(as, va, ptes, k);
        if (rc)
            return rc;
        va += (unsigned long)k * PAGE_SIZE;
        pfns += k;
        n -= k;
    }
    return 0;
}

/*
 * Clear the PTEs of [va, va + len) in batches, then flush (once, when the
 * space is loaded), then free the frames: never free a frame another CPU
 * view could still reach through a stale TLB entry.
 */
void as_unmap_range(struct aspace *as, unsigned long va, unsigned long len)
{
    struct pte_update u[BATCH];
    unsigned long freed[BATCH], end = va + len;
    unsigned int k = 0, i;

    while (va < end) {
        uint64_t *ptep = as_lookup(as, va);

        if (ptep && (*ptep & _PAGE_PRESENT)) {
            u[k].ptep = ptep;
            u[k].val = 0;
            freed[k] = (*ptep & PTE_SHARED) ? 0 : pte_pfn(*ptep);
            k++;
        }
        va += PAGE_SIZE;
        if (k == BATCH || (k && va >= end)) {
            pv_pte_batch(u, k);
            if (loaded == as) {
                if (k == 1)
                    pv_flush_tlb_one(va - PAGE_SIZE);
                else
                    pv_flush_tlb_all();
            }
            for (i = 0; i < k; i++) {
                if (freed[i]) {
                    frame_free(freed[i]);
                    as->pages--;
                }
            }
            k = 0;
        }
    }
}

/* Free the frames a table maps (level 1) or the tables below it. */
static void free_below(uint64_t *t, int level)
{
    unsigned int i;

    for (i = 0; i < 512; i++) {
        uint64_t e = t[i];

        if (!(e & _PAGE_PRESENT))
            continue;
        if (level > 1) {
            uint64_t *sub = pte_table(e);

            free_below(sub, level - 1);
            pv_pt_free(sub, (enum pt_level)(level - 1));
            page_free(sub);
        } else if (!(e & PTE_SHARED)) {
            frame_free(pte_pfn(e));
        }
    }
}

/*
 * Tear down: leave the space, release both roots (under Xen: unpin, after
 * which nothing below is a validated table any more), then walk and free.
 */
void as_destroy(struct aspace *as)
{
    uint64_t l4e = as->kl4[0];

    if (loaded == as)
        as_switch(NULL);
    pv_pt_free(as->kl4, PT_L4);
    if (as->ul4) {
        pv_pt_free(as->ul4, PT_L4);
        page_free(as->ul4);
    }
    if (l4e & _PAGE_PRESENT) {
        uint64_t *l3 = pte_table(l4e);

        free_below(l3, 3);
        pv_pt_free(l3, PT_L3);
        page_free(l3);
    }
    page_free(as->kl4);
    as->kl4 = as->ul4 = NULL;
    as->pages = 0;
}

/*
 * Copy src's user half into dst (fresh from as_create): shared frames are
 * mapped again, every other frame is copied; one batch per L1 table.
 */
int as_copy(struct aspace *dst, const struct aspace *src)
{
    uint64_t ptes[512];
    uint64_t l4e = src->kl4[0];
    unsigned int i3, i2, i1;

    if (!(l4e & _PAGE_PRESENT))
        return 0;
    for (i3 = 0; i3 < 512; i3++) {
        uint64_t l3e = pte_table(l4e)[i3];

        if (!(l3e & _PAGE_PRESENT))
            continue;
        for (i2 = 0; i2 < 512; i2++) {
            uint64_t l2e = pte_table(l3e)[i2];
            const uint64_t *l1;
            unsigned long va = ((unsigned long)i3 << 30) | ((unsigned long)i2 << 21);
            int rc;

            if (!(l2e & _PAGE_PRESENT))
                continue;
            l1 = pte_table(l2e);
            for (i1 = 0; i1 < 512; i1++) {
                uint64_t e = l1[i1];
                unsigned long pfn;

                ptes[i1] = 0;
                if (!(e & _PAGE_PRESENT))
                    continue;
                if (e & PTE_SHARED) {
                    ptes[i1] = e;
                    continue;
                }
                pfn = frame_alloc();
                if (!pfn) {
                    /* Map what was copied: as_destroy frees it. */
                    (void)as_set_ptes(dst, va, ptes, i1);
                    return -UERR_NOMEM;
                }
                memcpy(pfn_to_virt(pfn), pfn_to_virt(pte_pfn(e)), PAGE_SIZE);
                ptes[i1] = mkpte(pfn, e & ~PTE_MFN_MASK);
            }
            rc = as_set_ptes(dst, va, ptes, 512);
            if (rc)
                return rc;
        }
    }
    return 0;
}
