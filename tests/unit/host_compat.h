/* SPDX-License-Identifier: GPL-2.0-only */
/* Host builds of hypervisor/common: C library names that glibc may lack. */
#ifndef TESTS_UNIT_HOST_COMPAT_H
#define TESTS_UNIT_HOST_COMPAT_H

#include <string.h>

/* glibc has strlcpy from 2.38; before that the test binary supplies one. */
#if defined(__GLIBC__) && !__GLIBC_PREREQ(2, 38)
#define HOST_COMPAT_STRLCPY 1
size_t strlcpy(char *dst, const char *src, size_t size);
#endif

#endif
