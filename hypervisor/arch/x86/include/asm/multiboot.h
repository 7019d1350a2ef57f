/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot1 information structure as the loader hands it to us. */
#ifndef ASM_MULTIBOOT_H
#define ASM_MULTIBOOT_H

#include <xenia/lib.h>

#define MBI_MEMLIMITS (1u << 0)
#define MBI_CMDLINE   (1u << 2)
#define MBI_MODULES   (1u << 3)
#define MBI_MEMMAP    (1u << 6)
#define MBI_LOADERNAME (1u << 9)

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name;
} __attribute__((packed));

struct mb_module {
    uint32_t mod_start, mod_end;
    uint32_t string;
    uint32_t reserved;
} __attribute__((packed));

struct mb_mmap_entry {
    uint32_t size;          /* of the rest of this entry */
    uint64_t base, length;
    uint32_t type;          /* 1 = RAM */
} __attribute__((packed));

#endif
