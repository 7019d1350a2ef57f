/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading and writing guest virtual memory from hypercall handlers. */
#ifndef XENIA_GUEST_ACCESS_H
#define XENIA_GUEST_ACCESS_H

#include <xenia/lib.h>

/*
 * Each returns 0 or -XEN_EFAULT.  An address range that is non-canonical,
 * wraps, or touches the hypervisor hole fails without being touched; a range
 * that is not mapped (or not writable, for writes) fails at the first bad
 * byte.  The hypervisor never faults fatally on guest addresses.
 */
int copy_from_guest(void *dst, unsigned long gva, size_t n);
int copy_to_guest(unsigned long gva, const void *src, size_t n);
int clear_guest(unsigned long gva, size_t n);
bool guest_range_ok(unsigned long gva, size_t n);

#endif
