/* SPDX-License-Identifier: GPL-2.0-only */
/* Structure offsets for entry.S, generated at build time. */
#include <asm/config.h>
#include <asm/regs.h>
#include <xenia/sched.h>

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %0\"" : : "i"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, __builtin_offsetof(struct str, mem))

void asm_offsets(void);
void asm_offsets(void)
{
    OFFSET(REGS_r15, cpu_regs, r15);
    OFFSET(REGS_rax, cpu_regs, rax);
    OFFSET(REGS_rcx, cpu_regs, rcx);
    OFFSET(REGS_r11, cpu_regs, r11);
    OFFSET(REGS_error_code, cpu_regs, error_code);
    OFFSET(REGS_entry_vector, cpu_regs, entry_vector);
    OFFSET(REGS_rip, cpu_regs, rip);
    OFFSET(REGS_cs, cpu_regs, cs);
    OFFSET(REGS_rflags, cpu_regs, rflags);
    OFFSET(REGS_rsp, cpu_regs, rsp);
    OFFSET(REGS_ss, cpu_regs, ss);
    DEFINE(REGS_sizeof, sizeof(struct cpu_regs));
    DEFINE(CPUINFO_sizeof, sizeof(struct cpu_info));
    OFFSET(CPUINFO_guest_regs, cpu_info, guest_regs);
    OFFSET(CPUINFO_curr_vcpu, cpu_info, curr_vcpu);
    OFFSET(CPUINFO_syscall_scratch, cpu_info, syscall_scratch);
    DEFINE(ENTRY_SYSCALL_NR, ENTRY_SYSCALL);
    DEFINE(ENTRY_SYSCALL32_NR, ENTRY_SYSCALL32);
}
