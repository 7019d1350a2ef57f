/* SPDX-License-Identifier: GPL-2.0-only */
/* The x86-64 PV execution model: mode switches, bounces, emulation. */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <xenia/sched.h>
#include <asm/processor.h>

/* General register n (0 = RAX ... 15 = R15, instruction-encoding order). */
static inline uint64_t *regs_gpr(struct cpu_regs *r, unsigned int n)
{
    uint64_t *map[16] = {
        &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp, &r->rsi, &r->rdi,
        &r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14, &r->r15,
    };
    return map[n & 15];
}

void pv_toggle_guest_mode(struct vcpu *v);
/* Queue a bounce of vector to the guest's trap table entry (crash if none). */
void pv_inject_trap(struct vcpu *v, unsigned int vector, bool has_error,
                    uint32_t error_code);
/* Build the frame for a pending bounce on the guest stack now. */
void pv_deliver_bounce(struct vcpu *v, struct cpu_regs *regs);
#define VMCE_BANKS 2   /* the virtual MCE's banks (MCG_CAP.Count) */
void pv_debugreg_load(struct vcpu *v);  /* v's DR0-3/DR7 into the hardware */
long pv_debugreg_check(unsigned int reg, unsigned long *value);
void pv_debug_trap(struct vcpu *v);     /* #DB from the guest */

bool pv_emulate_privileged_op(struct vcpu *v, struct cpu_regs *regs);
bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_regs *regs);
void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t subleaf, uint32_t res[4]);

void pv_load_cr3(struct vcpu *v);
bool pv_kernel_tables(struct vcpu *v);
void pv_user_tables(struct vcpu *v, bool switched);
void pv_vcpu_switch_in(struct vcpu *v);

/* The vCPU whose register frame sits on this CPU's stack. */
void set_current(struct vcpu *v);

extern struct domain *dom0;

/* CR4 bits a guest may see and set in its virtual CR4. */
#define PV_CR4_GUEST_BITS (X86_CR4_TSD | X86_CR4_DE | X86_CR4_PAE | X86_CR4_MCE | \
                           X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

/* One mmuext operation for the current vCPU (also used for mov to CR3). */
int pv_mmuext_one(struct vcpu *v, const mmuext_op_t *op);

void pv_mm_init(void);
void time_init(void);
void time_update_vcpu(struct vcpu *v);
long pv_memory_exchange(unsigned long arg);       /* XENMEM_exchange */
void time_update_wallclock(struct domain *d);
int pv_validate_descriptor_page(const void *page);
#include <asm/page.h>
pte_t pv_adjust_l1e(pte_t e);
int pv_mod_l1_entry(struct domain *d, pte_t *slot, pte_t nl1e, struct domain *pg_owner);
/* #PF on a write to the guest's own read-only L1 table: emulate it. */
bool pv_ptwr_emulate(struct vcpu *v, struct cpu_regs *regs, unsigned long cr2);

#endif
