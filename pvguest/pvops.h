/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the paravirt-ops table: what a deprivileged kernel cannot do itself, native or as a Xen PV guest. */
#ifndef PVGUEST_PVOPS_H
#define PVGUEST_PVOPS_H

#include <stddef.h>
#include <stdint.h>

struct cpu_regs;

/*
 * Every operation the kernel (kern*.c) needs from the machine goes through
 * this one table.  Two instances exist: pv_native (native.c: the real
 * instructions, for a kernel booted by multiboot on bare x86-64) and
 * pv_xen (pvops_xen.c: hypercalls, vcpu_info and batched MMU updates, for a
 * kernel started at the Xen ELF entry).  The entry path picks one before
 * any kernel code runs; nothing else in the kernel tests which it is.
 *
 * Frames.  The kernel counts memory in pseudo-physical frames (pfns): pfn 0
 * is the first page of the image and pfn p is mapped at
 * VIRT_BASE + (p << 12).  A page-table entry holds a machine frame (mfn):
 * natively the physical frame (pfn + the load offset), under Xen the frame
 * the P2M names.  Page-table pages are written only through set_pte /
 * pte_batch, and handed over with pt_alloc before their first use as a
 * table (Xen wants them read-only and validated) and taken back with
 * pt_free.
 */
struct pte_update {
    uint64_t *ptep;             /* kernel VA of the entry */
    uint64_t val;
};

enum pt_level { PT_L1 = 1, PT_L2, PT_L3, PT_L4 };

/*
 * Instruction bytes that stand in for a call to an operation at its call
 * sites (pvpatch.h), under the same register contract: arguments in RDI,
 * RSI, RDX, the result in RAX, nothing else preserved but the callee-saved
 * registers.  An operation without one gets a direct call.
 */
struct pvop_patch {
    uint16_t off;                       /* offsetof(struct pv_ops, op) */
    uint8_t len;                        /* at most 8 */
    uint8_t bytes[8];
};

struct pv_ops {
    const char *name;                   /* "native" or "xen" */
    const struct pvop_patch *patches;   /* for pvpatch_apply() */
    unsigned int nr_patches;

    /* Interrupts: IF natively, vcpu_info's event mask under Xen. */
    unsigned long (*save_fl)(void);     /* X86_EFLAGS_IF set when enabled;
                                           other bits: for restore_fl only */
    void (*restore_fl)(unsigned long flags);
    void (*irq_disable)(void);
    void (*irq_enable)(void);           /* delivers anything pending */
    void (*safe_halt)(void);            /* enable and wait, atomically */

    /* Pseudo-physical <-> machine frames. */
    unsigned long (*pfn_to_mfn)(unsigned long pfn);
    unsigned long (*mfn_to_pfn)(unsigned long mfn);

    /* Page tables and TLB. */
    void (*set_pte)(uint64_t *ptep, uint64_t val);
    void (*pte_batch)(const struct pte_update *u, unsigned int n);
    void (*pt_alloc)(void *table, enum pt_level level);
    void (*pt_free)(void *table, enum pt_level level);
    /* Load an address space: kernel root, and the root user mode runs on
     * (Xen's 64-bit PV needs a second L4 without the kernel half; native
     * uses the kernel root for both; NULL: no user root). */
    void (*load_root)(uint64_t *kernel_l4, uint64_t *user_l4);
    int split_user_root;                /* user mode needs its own L4 */
    /* Around a process switch: load_sp0 and load_root in between may be
     * deferred to the end (Xen: one multicall; natively nothing to do). */
    void (*start_context_switch)(void);
    void (*end_context_switch)(void);
    void (*flush_tlb_one)(unsigned long va);
    void (*flush_tlb_all)(void);
    unsigned long (*read_cr2)(void);    /* fault address of the last #PF */

    /* CPU state.  The trap table is the IDT (and LSTAR) natively, Xen's
     * trap table and callbacks under Xen; the GDT is ours natively, while
     * Xen's reserved entries already hold the flat PV selectors. */
    void (*load_trap_table)(void);
    void (*load_gdt)(void);
    void (*load_sp0)(unsigned long sp); /* kernel stack for entries from user */
    void (*set_fs_base)(unsigned long base);
    void (*cpuid)(uint32_t leaf, uint32_t sub, uint32_t res[4]);
    uint64_t (*rdmsr)(uint32_t msr);
    void (*wrmsr)(uint32_t msr, uint64_t val);
    void (*fpu_init)(void);             /* make x87/SSE usable, TS clear */
    uint8_t (*inb)(uint16_t port);
    void (*outb)(uint16_t port, uint8_t val);
    uint16_t user_cs, user_ss;          /* selectors for ring-3 frames */
    /* Leave the kernel through the platform's exit path with this frame
     * (the initial entry into a new process). */
    void (*ret_to_user)(struct cpu_regs *regs) __attribute__((noreturn));

    /* Time: a monotonic clock and one single-shot timer whose expiry
     * calls kern_timer_interrupt(). */
    uint64_t (*clock_ns)(void);
    void (*timer_oneshot)(uint64_t deadline_ns);

    /* Console and power. */
    void (*console_write)(const char *buf, int n);
    void (*shutdown)(int code) __attribute__((noreturn));
};

extern const struct pv_ops *pv;         /* &pv_ops, filled by the entry path */
extern struct pv_ops pv_ops;            /* (pvpatch.c: pv_select) */
extern const struct pv_ops pv_native, pv_xen;

/* What the entry path found, handed to kernel_start(). */
struct boot_params {
    const char *cmdline;
    unsigned long nr_pages;             /* pfns [0, nr_pages) are ours */
    unsigned long first_free_pfn;       /* after the image and boot data */
    unsigned long mapped_pfns;          /* [0, mapped) mapped at VIRT_BASE */
    uint64_t *root;                     /* the boot page-table root (VA) */
    uint64_t tsc_khz;                   /* 0 when unknown */
};

/* kern.c: the portable kernel, entered once the platform is up. */
void __attribute__((noreturn)) kernel_start(const struct boot_params *bp);
/* Called from the platform's interrupt path when the one-shot timer fires. */
void kern_timer_interrupt(void);

#endif /* PVGUEST_PVOPS_H */
