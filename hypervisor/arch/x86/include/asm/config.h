/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypervisor's virtual memory map and fixed sizes (shared by C and asm). */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

/*
 * Guests own L4 slots 0-255 and 272-511; slots 256-271 are ours in every
 * guest L4 (Xen's layout, xen-x86_64.h):
 *
 *  slot 256  0xffff800000000000  read-only M2P, guest readable
 *  slot 260  0xffff820000000000  per-CPU GDT window (16 pages)
 *  slot 261  0xffff82d040000000  hypervisor image (loaded at 2 MiB)
 *  slot 262+ 0xffff830000000000  direct map of all RAM
 */
#define PAGE_SHIFT          12
#define PAGE_SIZE           (1 << PAGE_SHIFT)

#define HYPERVISOR_START    0xffff800000000000
#define HYPERVISOR_END      0xffff880000000000
#define HV_L4_FIRST         256
#define HV_L4_LAST          271

#define RO_MPT_VIRT_START   0xffff800000000000
#define RO_MPT_VIRT_END     0xffff804000000000
#define GDT_VIRT_START      0xffff820000000000
#define XEN_VIRT_START      0xffff82d040000000
#define XEN_LOAD_ADDR       0x200000
#define XEN_IMAGE_MAX       (32 << 20)
#define DIRECTMAP_START     0xffff830000000000
#define DIRECTMAP_END       0xffff880000000000

#define STACK_ORDER         3
#define STACK_SIZE          (PAGE_SIZE << STACK_ORDER)

/* Hypervisor selectors (Xen's reserved GDT entries from 0xe000). */
#define HV_CS               0xe008
#define HV_DS               0xe010
#define GUEST_CS32          0xe023
#define GUEST_DS            0xe02b
#define GUEST_CS64          0xe033
#define HV_TSS              0xe040
#define HV_LDT              0xe050

/* Exit codes written to QEMU's isa-debug-exit port. */
#define DEBUG_EXIT_PORT     0xf4
#define EXIT_DOM0_OK        0
#define EXIT_DOM0_CODE      1
#define EXIT_DOM0_CRASH     2
#define EXIT_PANIC          3
#define EXIT_DOM0_OTHER     4

#endif
