/* SPDX-License-Identifier: GPL-2.0-only */
/* What the boot path learns from the loader and hands between its stages. */
#ifndef ASM_SETUP_H
#define ASM_SETUP_H

#include <xenia/lib.h>
#include <asm/page.h>
#include <xen/xen.h>

#define MAX_MODULES   16
#define MAX_RAM_RANGES 64
#define CMDLINE_MAX   1024

struct boot_module {
    uint64_t start, end;        /* machine addresses */
    char cmdline[CMDLINE_MAX];  /* the module's string: "path args" */
};

struct boot_info {
    char cmdline[CMDLINE_MAX];
    unsigned int nr_ram;
    struct { uint64_t start, end; } ram[MAX_RAM_RANGES];
    unsigned int nr_modules;
    struct boot_module modules[MAX_MODULES];
};

/* A domain declared at boot (dom0, or a later module: hyperlaunch style). */
struct boot_domain {
    domid_t domid;
    char name[32];
    bool privileged;
    const struct boot_module *kernel, *initrd;
    uint64_t mem, max_mem;         /* bytes; dom0: 0 = default */
    unsigned int weight, cap, vcpus;
    char cmdline[CMDLINE_MAX];
};

extern unsigned long max_page;
extern uint64_t *machine_to_phys;

void mm_init(struct boot_info *bi);
void mm_release_module(const struct boot_module *m);
void map_pages(pte_t *l4, unsigned long va, unsigned long mfn,
               unsigned long n, unsigned long flags);
void gdt_window_init(void);
long machine_memory_map(unsigned long arg);

#endif
