/* SPDX-License-Identifier: GPL-2.0-only */
/* Included first in every hypervisor file: all symbols are local to one image. */
#pragma GCC visibility push(hidden)
