/* SPDX-License-Identifier: GPL-2.0-only */
/* Xen's public ABI headers (Debian libxen-dev), included in one place. */
#ifndef XENIA_PUBLIC_H
#define XENIA_PUBLIC_H

#include <xenia/lib.h>
#include <xen/xen.h>
#include <xen/callback.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/arch-x86/cpuid.h>

/* Xen's errno values as XEN_Exxx enumerators, from xen/errno.h itself. */
#include <xen/errno.h>

#endif
