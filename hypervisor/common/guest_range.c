/* SPDX-License-Identifier: GPL-2.0-only */
/* Which guest virtual ranges a hypercall may touch at all. */
#include <xenia/guest_access.h>

#define HOLE_START 0xffff800000000000UL
#define HOLE_END   0xffff880000000000UL

static bool canonical(unsigned long va)
{
    return ((long)va >> 47) == 0 || ((long)va >> 47) == -1;
}

/* Canonical, not wrapping, and clear of the hypervisor's L4 slots. */
bool guest_range_ok(unsigned long gva, size_t n)
{
    unsigned long last;

    if (n == 0)
        return true;
    if (gva + n - 1 < gva)
        return false;
    last = gva + n - 1;
    if (!canonical(gva) || !canonical(last))
        return false;
    /* Both ends canonical and no wrap: the range cannot span the
     * non-canonical gap, so it is all-low or all-high. */
    if ((long)gva >= 0 && (long)last < 0)
        return false;
    return last < HOLE_START || gva >= HOLE_END;
}
