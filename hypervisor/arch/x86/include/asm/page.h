/* SPDX-License-Identifier: GPL-2.0-only */
/* Page-table entry bits and address conversions. */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <xenia/lib.h>
#include <asm/config.h>

#define _PAGE_PRESENT  0x001UL
#define _PAGE_RW       0x002UL
#define _PAGE_USER     0x004UL
#define _PAGE_PWT      0x008UL
#define _PAGE_PCD      0x010UL
#define _PAGE_ACCESSED 0x020UL
#define _PAGE_DIRTY    0x040UL
#define _PAGE_PSE      0x080UL
#define _PAGE_PAT      0x080UL
#define _PAGE_GLOBAL   0x100UL
#define _PAGE_AVAIL    0xe00UL
#define _PAGE_GUEST_KERNEL (1UL << 52)
#define _PAGE_GNTTAB   (1UL << 62)
#define _PAGE_NX       (1UL << 63)

#define PADDR_BITS     52
#define PADDR_MASK     ((1UL << PADDR_BITS) - 1)
#define PTE_ADDR_MASK  (PADDR_MASK & ~0xfffUL)
#define PTE_FLAGS_MASK (~PTE_ADDR_MASK)

#define L1_SHIFT 12
#define L2_SHIFT 21
#define L3_SHIFT 30
#define L4_SHIFT 39
#define PT_ENTRIES 512
#define l1_index(va) (((va) >> L1_SHIFT) & 511)
#define l2_index(va) (((va) >> L2_SHIFT) & 511)
#define l3_index(va) (((va) >> L3_SHIFT) & 511)
#define l4_index(va) (((va) >> L4_SHIFT) & 511)

typedef uint64_t pte_t;

static inline unsigned long pte_mfn(pte_t e)
{
    return (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
}
static inline pte_t pte_make(unsigned long mfn, unsigned long flags)
{
    return ((pte_t)mfn << PAGE_SHIFT) | flags;
}

static inline void *maddr_to_virt(uint64_t ma)
{
    return (void *)(DIRECTMAP_START + ma);
}
static inline void *mfn_to_virt(unsigned long mfn)
{
    return maddr_to_virt((uint64_t)mfn << PAGE_SHIFT);
}
uint64_t virt_to_maddr(const void *va);
static inline unsigned long virt_to_mfn(const void *va)
{
    return virt_to_maddr(va) >> PAGE_SHIFT;
}

static inline bool is_canonical(uint64_t va)
{
    return ((int64_t)va >> 47) == 0 || ((int64_t)va >> 47) == -1;
}

#endif
