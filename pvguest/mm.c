/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: pfn/mfn translation (p2m from start_info, Xen's read-only M2P) and PTE updates. */
#include "pvguest.h"
#include "arch.h"
#include "hypercall.h"
#include "tests.h"

static const unsigned long *p2m;
static const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

void mm_init(void)
{
    p2m = (const unsigned long *)pvg_si->mfn_list;
}

unsigned long pfn_to_mfn(unsigned long pfn)
{
    return p2m[pfn];
}

unsigned long virt_to_mfn(const void *va)
{
    return pfn_to_mfn(((unsigned long)va - PVG_VIRT_BASE) >> PAGE_SHIFT);
}

uint64_t virt_to_maddr(const void *va)
{
    return ((uint64_t)virt_to_mfn(va) << PAGE_SHIFT) |
           ((unsigned long)va & ~PAGE_MASK);
}

void *mfn_to_virt(unsigned long mfn)
{
    return (void *)(PVG_VIRT_BASE + (m2p[mfn] << PAGE_SHIFT));
}

/*
 * Walk the boot page tables (mapped read-only inside our 1:1 region) to
 * the L1 entry for va.  Only valid for 4 KiB mappings, which is all the
 * dom0 builder creates.
 */
uint64_t *pte_lookup(const void *va)
{
    uint64_t *table = (uint64_t *)pvg_si->pt_base;
    unsigned long v = (unsigned long)va;
    int level;

    for (level = 4; level > 1; level--) {
        uint64_t e = table[(v >> (PAGE_SHIFT + 9 * (level - 1))) & 511];

        if (!(e & _PAGE_PRESENT))
            return NULL;
        table = mfn_to_virt((e & PTE_MFN_MASK) >> PAGE_SHIFT);
    }
    return &table[(v >> PAGE_SHIFT) & 511];
}

int mm_set_pte(const void *va, uint64_t pte)
{
    return (int)HYPERVISOR_update_va_mapping((unsigned long)va, pte,
                                             UVMF_INVLPG | UVMF_LOCAL);
}

int mm_protect(const void *va, int writable)
{
    uint64_t *l1e = pte_lookup(va);
    uint64_t pte;

    if (!l1e)
        return -XEN_EFAULT;
    pte = *l1e;
    pte = writable ? (pte | _PAGE_RW) : (pte & ~_PAGE_RW);
    return mm_set_pte(va, pte);
}

/* Mapped read-only over some other frame by mm_peek, else our own page. */
static uint8_t peek_page[PAGE_SIZE] __page_aligned_bss;

/*
 * Read qword idx of any frame we may map read-only (our page tables
 * included), through a scratch page; PEEK_FAILED if Xen refuses.
 */
uint64_t mm_peek(unsigned long mfn, unsigned int idx)
{
    uint64_t *l1e = pte_lookup(peek_page), old = *l1e, v;
    uint64_t ro = (old & ~(PTE_MFN_MASK | _PAGE_RW)) | ((uint64_t)mfn << PAGE_SHIFT);

    if (mm_set_pte(peek_page, ro))
        return PEEK_FAILED;
    v = ((volatile uint64_t *)peek_page)[idx];
    if (mm_set_pte(peek_page, old))
        pvg_panic("mm_peek: cannot restore the scratch mapping");
    return v;
}

/*
 * Spare frame i: the frame of pfn nr_pages - 32 - i, which the boot layout
 * never maps (the top pfn itself belongs to the balloon test).  Returns 0
 * when that pfn is mapped after all, or out of range.
 */
unsigned long mm_spare_mfn(unsigned int i)
{
    unsigned long pfn = pvg_si->nr_pages - 32 - i;
    uint64_t *l1e;

    if (i + 32 >= pvg_si->nr_pages)
        return 0;
    l1e = pte_lookup((void *)(PVG_VIRT_BASE + (pfn << PAGE_SHIFT)));
    if (l1e && (*l1e & _PAGE_PRESENT))
        return 0;
    return pfn_to_mfn(pfn);
}

/* Counts of a frame from Xenia's debug hypercall; -ENOSYS on Xen. */
long mm_page_info(unsigned long mfn, struct xenia_page_info *pi)
{
    memset(pi, 0, sizeof(*pi));
    pi->mfn = mfn;
    return HYPERVISOR_xenia_debug_op(XENIA_DEBUG_PAGE_INFO, pi);
}
