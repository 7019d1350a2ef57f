/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV MMU's entry rules: allowed bits, superpages, reserved slots, adjustments. */
#include <xenia/pgtable.h>
#include <xenia/public.h>

/*
 * What a guest may put in a present entry (Xen's base_disallow_mask and
 * friends):
 *   L1:    P RW US A D GLOBAL AVAIL(9-11) AVAIL-HIGH(52-58) NX and the
 *          frame; PWT/PCD/PAT only with I/O (cache-flush) privilege;
 *          bits 59-61 (protection keys) refused.  Bit 62 is accepted: Xen
 *          4.17 release builds do (only its debug builds reserve it for
 *          grant mappings).
 *   L2-L4: P RW US A D AVAIL AVAIL-HIGH NX and the frame; no PSE (no
 *          guest superpages), no GLOBAL, no cache attributes.
 * Non-present entries are not checked (the hardware ignores them).
 * Example (tests/unit/test_pgtable.c): 0x1063 (P|RW|A|D, frame 1) is a
 * valid L1e and L2e; 0x10e3 (with PSE) is a valid L1e (PAT, privileged
 * only: -EPERM otherwise) but an invalid L2e (-EINVAL).
 */
#define L1_GUEST_BITS (PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | PTE_DIRTY | \
                       PTE_GLOBAL | PTE_AVAIL | PTE_AVAIL_HIGH | PTE_GNTTAB |     \
                       PTE_NX | PTE_ADDR)
#define L1_CACHE_BITS (PTE_PWT | PTE_PCD | PTE_PAT)
#define LN_GUEST_BITS (PTE_PRESENT | PTE_RW | PTE_USER | PTE_ACCESSED | PTE_DIRTY | \
                       PTE_AVAIL | PTE_AVAIL_HIGH | PTE_NX | PTE_ADDR)

bool pgt_l4_slot_is_xen(unsigned int idx)
{
    return idx >= PGT_XEN_L4_FIRST && idx <= PGT_XEN_L4_LAST;
}

int pgt_check_l1e(uint64_t e, bool may_set_cache_attrs)
{
    if (!(e & PTE_PRESENT))
        return 0;
    if (e & ~(L1_GUEST_BITS | L1_CACHE_BITS))
        return -XEN_EINVAL;
    if ((e & L1_CACHE_BITS) && !may_set_cache_attrs)
        return -XEN_EPERM;
    return 0;
}

int pgt_check_lne(uint64_t e, unsigned int level)
{
    if (level < 2 || level > 4)
        return -XEN_EINVAL;
    if (!(e & PTE_PRESENT))
        return 0;
    if (e & ~LN_GUEST_BITS)
        return -XEN_EINVAL;
    return 0;
}

/*
 * As Xen: a kernel mapping (no USER) becomes user-accessible and is marked
 * PTE_GUEST_KERNEL; any other (user) mapping becomes GLOBAL, since user
 * mappings are identical in the kernel and user page tables.  GLOBAL has no
 * effect while the hypervisor keeps CR4.PGE off.
 */
uint64_t pgt_adjust_l1e(uint64_t e)
{
    if (!(e & PTE_PRESENT))
        return e;
    if (!(e & PTE_USER))
        e |= PTE_USER | PTE_GUEST_KERNEL;
    if (!(e & PTE_GUEST_KERNEL))
        e |= PTE_GLOBAL;
    return e;
}

uint64_t pgt_adjust_lne(uint64_t e)
{
    return (e & PTE_PRESENT) ? e | PTE_USER : e;
}
