/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest memory access through the live guest page tables, with fault fixups. */
#include <xenia/guest_access.h>
#include <xenia/public.h>
#include <asm/traps.h>

int copy_from_guest(void *dst, unsigned long gva, size_t n)
{
    if (!guest_range_ok(gva, n))
        return -XEN_EFAULT;
    return raw_copy(dst, (const void *)gva, n) ? -XEN_EFAULT : 0;
}

int copy_to_guest(unsigned long gva, const void *src, size_t n)
{
    if (!guest_range_ok(gva, n))
        return -XEN_EFAULT;
    return raw_copy((void *)gva, src, n) ? -XEN_EFAULT : 0;
}

int clear_guest(unsigned long gva, size_t n)
{
    if (!guest_range_ok(gva, n))
        return -XEN_EFAULT;
    return raw_clear((void *)gva, n) ? -XEN_EFAULT : 0;
}
