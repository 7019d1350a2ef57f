/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the kernel's pv-op calls as patchable sites, like Linux's paravirt patching. */
#ifndef PVGUEST_PVPATCH_H
#define PVGUEST_PVPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "pvops.h"

/*
 * Every pv-op the kernel calls goes through one of the wrappers below: an
 * 8-byte site, `call *pv_ops+off(%rip)` and a 2-byte NOP, recorded in the
 * .pvpatch section with the operation's offset in struct pv_ops.  At boot
 * pvpatch_apply() rewrites each site once the table is chosen: with the
 * table's own instruction bytes where it has them (struct pvop_patch;
 * natively cli, a store, invlpg..., or nothing at all), else with a direct
 * call to the operation.  Until then, or with "nopvpatch", the indirect
 * call runs, which is always right: pv_ops holds the chosen table.
 *
 * The asm tells the compiler a C function may be called: arguments in
 * RDI, RSI, RDX (unused ones zero), the result in RAX, and every other
 * register the SysV ABI lets a callee clobber is clobbered.  Replacement
 * bytes must keep to that contract.
 */
#define PVOP_SITE_LEN   8

struct pvpatch_site {
    uint64_t addr;
    uint16_t off;               /* offsetof(struct pv_ops, op) */
    uint8_t len;
    uint8_t pad[5];
};

#ifdef __XENIA_HOST__
/* Host unit builds (tests/unit): no code to patch, a C call by offset. */
unsigned long pvop_host_call(size_t off, unsigned long a1, unsigned long a2,
                             unsigned long a3);
#define PVOP_CALL(op, a1, a2, a3)                                           \
    pvop_host_call(offsetof(struct pv_ops, op), (unsigned long)(a1),        \
                   (unsigned long)(a2), (unsigned long)(a3))
#else
#define PVOP_CALL(op, a1, a2, a3) ({                                        \
    register unsigned long rdi_ asm("rdi") = (unsigned long)(a1);           \
    register unsigned long rsi_ asm("rsi") = (unsigned long)(a2);           \
    register unsigned long rdx_ asm("rdx") = (unsigned long)(a3);           \
    unsigned long rax_;                                                     \
    asm volatile("771: call *pv_ops+%c[off](%%rip)\n\t"                     \
                 ".byte 0x66, 0x90\n"                                       \
                 "772:\n\t"                                                 \
                 ".pushsection .pvpatch, \"a\"\n\t"                         \
                 ".balign 8\n\t"                                            \
                 ".quad 771b\n\t"                                           \
                 ".short %c[off]\n\t"                                       \
                 ".byte 772b - 771b\n\t"                                    \
                 ".balign 8\n\t"                                            \
                 ".popsection"                                              \
                 : "=a"(rax_), "+r"(rdi_), "+r"(rsi_), "+r"(rdx_)           \
                 : [off] "i"(offsetof(struct pv_ops, op))                   \
                 : "rcx", "r8", "r9", "r10", "r11", "memory", "cc");        \
    rax_;                                                                   \
})
#endif

/* RFLAGS.IF (X86_EFLAGS_IF) is the only meaningful bit of the result. */
static inline unsigned long pv_save_fl(void)
{ return PVOP_CALL(save_fl, 0, 0, 0); }

static inline void pv_restore_fl(unsigned long flags)
{ PVOP_CALL(restore_fl, flags, 0, 0); }

static inline void pv_irq_disable(void)
{ PVOP_CALL(irq_disable, 0, 0, 0); }

static inline void pv_irq_enable(void)
{ PVOP_CALL(irq_enable, 0, 0, 0); }

static inline void pv_safe_halt(void)
{ PVOP_CALL(safe_halt, 0, 0, 0); }

static inline unsigned long pv_pfn_to_mfn(unsigned long pfn)
{ return PVOP_CALL(pfn_to_mfn, pfn, 0, 0); }

static inline unsigned long pv_mfn_to_pfn(unsigned long mfn)
{ return PVOP_CALL(mfn_to_pfn, mfn, 0, 0); }

static inline void pv_set_pte(uint64_t *ptep, uint64_t val)
{ PVOP_CALL(set_pte, ptep, val, 0); }

static inline void pv_pte_batch(const struct pte_update *u, unsigned int n)
{ PVOP_CALL(pte_batch, u, n, 0); }

static inline void pv_pt_alloc(void *table, enum pt_level level)
{ PVOP_CALL(pt_alloc, table, level, 0); }

static inline void pv_pt_free(void *table, enum pt_level level)
{ PVOP_CALL(pt_free, table, level, 0); }

static inline void pv_load_root(uint64_t *kernel_l4, uint64_t *user_l4)
{ PVOP_CALL(load_root, kernel_l4, user_l4, 0); }

static inline void pv_start_context_switch(void)
{ PVOP_CALL(start_context_switch, 0, 0, 0); }

static inline void pv_end_context_switch(void)
{ PVOP_CALL(end_context_switch, 0, 0, 0); }

static inline void pv_flush_tlb_one(unsigned long va)
{ PVOP_CALL(flush_tlb_one, va, 0, 0); }

static inline void pv_flush_tlb_all(void)
{ PVOP_CALL(flush_tlb_all, 0, 0, 0); }

static inline unsigned long pv_read_cr2(void)
{ return PVOP_CALL(read_cr2, 0, 0, 0); }

static inline void pv_load_sp0(unsigned long sp)
{ PVOP_CALL(load_sp0, sp, 0, 0); }

static inline void pv_set_fs_base(unsigned long base)
{ PVOP_CALL(set_fs_base, base, 0, 0); }

static inline void pv_cpuid_regs(uint32_t leaf, uint32_t sub, uint32_t res[4])
{ PVOP_CALL(cpuid, leaf, sub, res); }

static inline uint64_t pv_rdmsr(uint32_t msr)
{ return PVOP_CALL(rdmsr, msr, 0, 0); }

static inline void pv_wrmsr(uint32_t msr, uint64_t val)
{ PVOP_CALL(wrmsr, msr, val, 0); }

static inline uint64_t pv_clock_ns(void)
{ return PVOP_CALL(clock_ns, 0, 0, 0); }

static inline void pv_timer_oneshot(uint64_t deadline_ns)
{ PVOP_CALL(timer_oneshot, deadline_ns, 0, 0); }

void pv_select(const struct pv_ops *ops);       /* copy into pv_ops */
unsigned int pvpatch_apply(void);               /* sites rewritten */
extern unsigned int pvpatch_sites, pvpatch_inlined;

#endif /* PVGUEST_PVPATCH_H */
