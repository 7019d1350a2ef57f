/* SPDX-License-Identifier: GPL-2.0-only */
/* xenia_debug_op: a Xenia-only, control-domain-only window on hypervisor state for tests. */
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>

/*
 * Hypercall __HYPERVISOR_arch_7 (55), which Xen leaves unused on x86:
 *   XENIA_DEBUG_PAGE_INFO (0), arg -> struct xenia_debug_page_info:
 *     IN  u64 mfn
 *     OUT u32 count, u32 type_count, u16 owner, u8 type, u8 flags
 *   XENIA_DEBUG_FREE_FRAMES (1): returns the number of free frames.
 * Tests use it to prove that reference counts return to where they were.
 * -EINVAL for an mfn that is not RAM, -ENOSYS for other sub-ops.
 */
struct xenia_debug_page_info {
    uint64_t mfn;
    uint32_t count;
    uint32_t type_count;
    uint16_t owner;
    uint8_t type;
    uint8_t flags;
    uint32_t pad;
};

long do_xenia_debug_op(unsigned long cmd, unsigned long arg, unsigned long a3,
                       unsigned long a4, unsigned long a5)
{
    struct xenia_debug_page_info info;
    struct page_info *pg;

    (void)a3, (void)a4, (void)a5;
    switch (cmd) {
    case XENIA_DEBUG_PAGE_INFO:
        if (copy_from_guest(&info, arg, sizeof(info)))
            return -XEN_EFAULT;
        if (!mfn_valid(info.mfn))
            return -XEN_EINVAL;
        pg = mfn_to_page(info.mfn);
        info.count = pg->count;
        info.type_count = pg->type_count;
        info.owner = pg->owner;
        info.type = pg->type;
        info.flags = pg->flags;
        info.pad = 0;
        return copy_to_guest(arg, &info, sizeof(info));
    case XENIA_DEBUG_FREE_FRAMES:
        return (long)frames_free();
    default:
        return -XEN_ENOSYS;
    }
}
