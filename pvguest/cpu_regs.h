/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: struct cpu_regs as the entry stubs build it (entry.S, entry_native.S): pseudo-vectors, offsets, save/restore. */
#ifndef PVGUEST_CPU_REGS_H
#define PVGUEST_CPU_REGS_H

/* Vectors beyond the CPU's 256, for entries that are not exceptions. */
#define VEC_SYSCALL     0x100
#define VEC_EVENT       0x101
#define VEC_FAILSAFE    0x102

/* Offsets into struct cpu_regs (pvguest.h; checked in traps.c). */
#define REGS_R11        (6 * 8)
#define REGS_RCX        (11 * 8)
#define REGS_VECTOR     (15 * 8)
#define REGS_ERRCODE    (16 * 8)
#define REGS_RIP        (17 * 8)
#define REGS_CS         (18 * 8)
#define REGS_RFLAGS     (19 * 8)
#define REGS_RSP        (20 * 8)
#define REGS_SS         (21 * 8)
#define REGS_SIZE       (22 * 8)

#ifdef __ASSEMBLY__
/*
 * Below the vector and error code: the general registers, RDI highest,
 * R15 lowest (at RSP when done), the order struct cpu_regs declares.
 */
.macro SAVE_GPRS
    push    %rdi
    push    %rsi
    push    %rdx
    push    %rcx
    push    %rax
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
.endm

.macro RESTORE_GPRS
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rax
    pop     %rcx
    pop     %rdx
    pop     %rsi
    pop     %rdi
.endm
#endif

#endif /* PVGUEST_CPU_REGS_H */
