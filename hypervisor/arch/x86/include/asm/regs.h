/* SPDX-License-Identifier: GPL-2.0-only */
/* The register frame saved on every entry from a guest or an exception. */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <xenia/lib.h>
#include <asm/config.h>

/*
 * Layout follows the push order of entry.S: the hardware frame (rip..ss)
 * highest, error code and vector below it, general registers lowest.
 */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint32_t error_code;
    uint32_t entry_vector;
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Per-CPU block at the top of each hypervisor stack. */
struct vcpu;
struct cpu_info {
    uint64_t pad;                 /* keeps guest_regs' end 16-byte aligned */
    struct cpu_regs guest_regs;   /* TSS.rsp0 points just past it */
    struct vcpu *curr_vcpu;
    unsigned long syscall_scratch; /* guest rsp during syscall entry */
    unsigned int processor_id;
    unsigned int pad2;
    uint64_t pad3;
};
/* TSS.rsp0 (the end of guest_regs) must be 16-byte aligned: the CPU
 * aligns its frame down to 16 and would otherwise miss guest_regs. */
_Static_assert(sizeof(struct cpu_info) % 16 == 0, "cpu_info size");
_Static_assert((__builtin_offsetof(struct cpu_info, guest_regs) +
                sizeof(struct cpu_regs)) % 16 == 0, "guest_regs alignment");

static inline struct cpu_info *get_cpu_info(void)
{
    unsigned long sp;

    asm("mov %%rsp, %0" : "=r"(sp));
    return (struct cpu_info *)((sp | (STACK_SIZE - 1)) + 1) - 1;
}

static inline struct cpu_regs *guest_regs(void)
{
    return &get_cpu_info()->guest_regs;
}

#define current (get_cpu_info()->curr_vcpu)

static inline bool regs_from_guest(const struct cpu_regs *r)
{
    return (r->cs & 3) != 0;
}

/* Marker for entry_vector: the frame was built by the syscall path. */
#define ENTRY_SYSCALL   0x100
#define ENTRY_SYSCALL32 0x101

#endif
