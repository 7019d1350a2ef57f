/* SPDX-License-Identifier: GPL-2.0-only */
/* The entry rules of the x86-64 PV MMU: which page-table entries a guest may write. */
#ifndef XENIA_PGTABLE_H
#define XENIA_PGTABLE_H

#include <xenia/lib.h>

/* x86-64 page-table entry bits (part of the PV ABI: guests write them). */
#define PTE_PRESENT      (1ULL << 0)
#define PTE_RW           (1ULL << 1)
#define PTE_USER         (1ULL << 2)
#define PTE_PWT          (1ULL << 3)
#define PTE_PCD          (1ULL << 4)
#define PTE_ACCESSED     (1ULL << 5)
#define PTE_DIRTY        (1ULL << 6)
#define PTE_PSE          (1ULL << 7)   /* L2/L3: superpage; L1: PAT */
#define PTE_PAT          (1ULL << 7)
#define PTE_GLOBAL       (1ULL << 8)
#define PTE_AVAIL        (7ULL << 9)
#define PTE_ADDR         0x000ffffffffff000ULL
#define PTE_AVAIL_HIGH   (0x7fULL << 52)   /* bits 52-58, software use */
#define PTE_GUEST_KERNEL (1ULL << 52)      /* Xen: a "kernel" L1 mapping */
#define PTE_GNTTAB       (1ULL << 62)      /* Xen: a grant mapping */
#define PTE_NX           (1ULL << 63)

/* The hypervisor's L4 slots in every guest address space. */
#define PGT_XEN_L4_FIRST 256
#define PGT_XEN_L4_LAST  271

bool pgt_l4_slot_is_xen(unsigned int idx);

/*
 * Flag checks of a present entry, before any frame is looked at:
 * 0, -XEN_EINVAL (bits a guest may never set, superpages), or -XEN_EPERM
 * (cache attributes without the privilege to use them).
 */
int pgt_check_l1e(uint64_t e, bool may_set_cache_attrs);
int pgt_check_lne(uint64_t e, unsigned int level);

/* Xen's adjustments when a present entry is written: all guest mappings
 * are user-accessible at the hardware level, kernel L1 mappings carry
 * PTE_GUEST_KERNEL, user L1 mappings GLOBAL; L2-L4 entries get USER. */
uint64_t pgt_adjust_l1e(uint64_t e);
uint64_t pgt_adjust_lne(uint64_t e);

#endif
