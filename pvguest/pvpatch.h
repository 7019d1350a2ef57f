/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the hot pv-ops as patchable call sites (interrupt state), like Linux's paravirt patching. */
#ifndef PVGUEST_PVPATCH_H
#define PVGUEST_PVPATCH_H

#include <stddef.h>

#include "pvops.h"

/*
 * Each use below is one 6-byte `call *pv_ops+off(%rip)` recorded in the
 * .pvpatch section.  At boot pvpatch_apply() rewrites every site: for the
 * native table with the instruction itself (cli, sti, pushf/pop, push/popf)
 * padded with NOPs, for any other table with a direct call.  Until then,
 * or with "nopvpatch" on the command line, the indirect call runs, which
 * is always correct: pv_ops holds the chosen table.
 *
 * The asm tells the compiler a C function may be called: every register
 * the SysV ABI lets a callee clobber is clobbered.
 */
enum pvpatch_op {
    PVOP_SAVE_FL, PVOP_RESTORE_FL, PVOP_IRQ_DISABLE, PVOP_IRQ_ENABLE, PVOP_NR
};

struct pvpatch_site {
    uint64_t addr;
    uint8_t op, len;
    uint8_t pad[6];
};

#define PVOP_SITE(op)                                                   \
    "771: call *pv_ops+%c[off](%%rip)\n"                                \
    "772:\n\t"                                                          \
    ".pushsection .pvpatch, \"a\"\n\t"                                  \
    ".balign 8\n\t"                                                     \
    ".quad 771b\n\t"                                                    \
    ".byte " #op ", 772b - 771b\n\t"                                    \
    ".balign 8\n\t"                                                     \
    ".popsection"

#define PVOP_CLOBBERS "rcx", "rdx", "rsi", "r8", "r9", "r10", "r11", \
                      "memory", "cc"

/* RFLAGS.IF (X86_EFLAGS_IF) is the only meaningful bit of the result. */
static inline unsigned long pv_save_fl(void)
{
    unsigned long flags;
    register unsigned long rdi asm("rdi");

    asm volatile(PVOP_SITE(0)
                 : "=a"(flags), "=r"(rdi)
                 : [off] "i"(offsetof(struct pv_ops, save_fl))
                 : PVOP_CLOBBERS);
    return flags;
}

static inline void pv_restore_fl(unsigned long flags)
{
    register unsigned long rdi asm("rdi") = flags;

    asm volatile(PVOP_SITE(1)
                 : "+r"(rdi)
                 : [off] "i"(offsetof(struct pv_ops, restore_fl))
                 : "rax", PVOP_CLOBBERS);
}

static inline void pv_irq_disable(void)
{
    register unsigned long rdi asm("rdi");

    asm volatile(PVOP_SITE(2)
                 : "=r"(rdi)
                 : [off] "i"(offsetof(struct pv_ops, irq_disable))
                 : "rax", PVOP_CLOBBERS);
}

static inline void pv_irq_enable(void)
{
    register unsigned long rdi asm("rdi");

    asm volatile(PVOP_SITE(3)
                 : "=r"(rdi)
                 : [off] "i"(offsetof(struct pv_ops, irq_enable))
                 : "rax", PVOP_CLOBBERS);
}

_Static_assert(PVOP_SAVE_FL == 0 && PVOP_RESTORE_FL == 1 &&
               PVOP_IRQ_DISABLE == 2 && PVOP_IRQ_ENABLE == 3,
               "PVOP_SITE numbers");

void pv_select(const struct pv_ops *ops);       /* copy into pv_ops */
unsigned int pvpatch_apply(void);               /* sites rewritten */
extern unsigned int pvpatch_sites;

#endif /* PVGUEST_PVPATCH_H */
