/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the frame allocator and the kernel's 1:1 window over every frame. */
#include "kern.h"
#include "arch.h"
#include "pvpatch.h"

/*
 * One bit per pseudo-physical frame, set while the frame is in use.  The
 * kernel window (VIRT_BASE, L4 slot 511, L3 slots 510-511) is 2 GiB; we
 * manage at most 1 GiB of it, which bounds the bitmap at 32 KiB.
 */
#define MAX_FRAMES      (1UL << 18)
#define KTABLE_FLAGS    (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define BATCH           64

static uint64_t frame_bits[MAX_FRAMES / 64];
unsigned long kmem_nr_pages;
static unsigned long nfree, hint;
static uint64_t *kroot;

static int frame_used(unsigned long pfn)
{
    return (frame_bits[pfn / 64] >> (pfn % 64)) & 1;
}

static void frame_mark(unsigned long pfn, int used)
{
    if (used)
        frame_bits[pfn / 64] |= 1UL << (pfn % 64);
    else
        frame_bits[pfn / 64] &= ~(1UL << (pfn % 64));
}

unsigned long frames_free(void)
{
    return nfree;
}

/*
 * The bitmap is shared by every thread and by fault handlers (which run
 * with events enabled under Xen): each update is a critical section.
 */

/* First-fit from a rotating hint; pfn 0 (the image's first page) is never free. */
unsigned long frame_alloc(void)
{
    unsigned long flags = pv_save_fl(), i, pfn, got = 0;

    pv_irq_disable();
    for (i = 0; i < kmem_nr_pages; i++) {
        pfn = (hint + i) % kmem_nr_pages;
        if (pfn && !frame_used(pfn)) {
            frame_mark(pfn, 1);
            nfree--;
            hint = pfn + 1;
            got = pfn;
            break;
        }
    }
    pv_restore_fl(flags);
    return got;
}

void frame_free(unsigned long pfn)
{
    unsigned long flags = pv_save_fl();

    pv_irq_disable();
    if (!pfn || pfn >= kmem_nr_pages || !frame_used(pfn))
        pvg_panic("frame_free(%#lx): not an allocated frame", pfn);
    frame_mark(pfn, 0);
    nfree++;
    pv_restore_fl(flags);
}

unsigned long frames_alloc_run(unsigned int n)
{
    unsigned long flags = pv_save_fl(), pfn, run = 0, i, got = 0;

    pv_irq_disable();
    for (pfn = 1; pfn < kmem_nr_pages; pfn++) {
        run = frame_used(pfn) ? 0 : run + 1;
        if (run == n) {
            for (i = pfn + 1 - n; i <= pfn; i++)
                frame_mark(i, 1);
            nfree -= n;
            got = pfn + 1 - n;
            break;
        }
    }
    pv_restore_fl(flags);
    return got;
}

void frames_free_run(unsigned long pfn, unsigned int n)
{
    while (n--)
        frame_free(pfn++);
}

void *page_alloc(void)
{
    unsigned long pfn = frame_alloc();
    void *va;

    if (!pfn)
        return NULL;
    va = pfn_to_virt(pfn);
    memset(va, 0, PAGE_SIZE);
    return va;
}

void page_free(void *va)
{
    frame_free(virt_to_pfn(va));
}

static uint64_t *table_of(uint64_t entry)
{
    return pfn_to_virt(pv_mfn_to_pfn((entry & PTE_MFN_MASK) >> PAGE_SHIFT));
}

/*
 * The table below *entry, created (zeroed, handed to the platform with
 * pt_alloc, then linked) when absent; NULL when out of frames.
 */
static uint64_t *table_below(uint64_t *entry, enum pt_level level)
{
    uint64_t *t;

    if (*entry & _PAGE_PRESENT)
        return table_of(*entry);
    t = page_alloc();
    if (!t)
        return NULL;
    pv_pt_alloc(t, level);
    pv_set_pte(entry, (pv_pfn_to_mfn(virt_to_pfn(t)) << PAGE_SHIFT) |
                           KTABLE_FLAGS);
    return t;
}

/*
 * Map frames [from, to) at VIRT_BASE + (pfn << 12).  Natively the boot
 * code mapped everything with 2 MiB pages; a PV guest starts with only
 * the builder's region mapped and adds L1 tables here, which is the PV
 * MMU at work: tables go read-only first, then Xen validates each
 * entry as it is linked.
 */
static int kern_map_extend(unsigned long from, unsigned long to)
{
    struct pte_update u[BATCH];
    unsigned int n = 0;
    unsigned long pfn;
    int rc = 0;

    for (pfn = from; pfn < to; pfn++) {
        unsigned long va = (unsigned long)pfn_to_virt(pfn);
        uint64_t *l3, *l2, *l1 = NULL, *l2e;

        l3 = table_below(&kroot[(va >> 39) & 511], PT_L3);
        l2 = l3 ? table_below(&l3[(va >> 30) & 511], PT_L2) : NULL;
        l2e = l2 ? &l2[(va >> 21) & 511] : NULL;
        if (l2e && (*l2e & _PAGE_PRESENT) && (*l2e & (1UL << 7)))
            continue;                   /* inside a 2 MiB page */
        if (l2e)
            l1 = table_below(l2e, PT_L1);
        if (!l1) {
            rc = -1;                    /* out of frames for tables */
            break;
        }
        if (l1[(va >> PAGE_SHIFT) & 511] & _PAGE_PRESENT)
            continue;
        u[n].ptep = &l1[(va >> PAGE_SHIFT) & 511];
        u[n].val = (pv_pfn_to_mfn(pfn) << PAGE_SHIFT) | KTABLE_FLAGS;
        if (++n == BATCH) {
            pv_pte_batch(u, n);
            n = 0;
        }
    }
    if (n)
        pv_pte_batch(u, n);
    return rc;
}

static void frames_release(unsigned long from, unsigned long to)
{
    for (; from < to; from++) {
        frame_mark(from, 0);
        nfree++;
    }
}

int kmem_init(const struct boot_params *bp)
{
    unsigned long pfn, mapped;

    kroot = bp->root;
    kmem_nr_pages = bp->nr_pages < MAX_FRAMES ? bp->nr_pages : MAX_FRAMES;
    mapped = bp->mapped_pfns < kmem_nr_pages ? bp->mapped_pfns : kmem_nr_pages;
    if (bp->first_free_pfn >= mapped)
        return -1;
    memset(frame_bits, 0xff, sizeof(frame_bits));
    nfree = 0;
    frames_release(bp->first_free_pfn, mapped);
    hint = bp->first_free_pfn;
    /*
     * The rest becomes usable 2 MiB at a time: each chunk's L1 table comes
     * from what is free so far, the builder's slack at first, then the
     * chunks already mapped (1 GiB needs 512 tables; the slack holds far
     * fewer).
     */
    for (pfn = mapped; pfn < kmem_nr_pages;) {
        unsigned long end = (pfn | 511) + 1;

        if (end > kmem_nr_pages)
            end = kmem_nr_pages;
        if (kern_map_extend(pfn, end))
            return -1;
        frames_release(pfn, end);
        pfn = end;
    }
    return 0;
}
