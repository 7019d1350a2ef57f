/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: pfn/mfn translation (p2m from start_info, Xen's read-only M2P) and PTE updates. */
#include "pvguest.h"
#include "arch.h"
#include "hypercall.h"

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
