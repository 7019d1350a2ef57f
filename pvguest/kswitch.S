/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the kernel-thread context switch (callee-saved registers and the stack pointer). */

    .text
/*
 * void switch_stack(uint64_t *save_rsp, uint64_t next_rsp): push the
 * callee-saved registers, park RSP in *save_rsp, take next_rsp and pop
 * that thread's registers.  The caller-saved ones are the C caller's
 * business; RFLAGS.IF / the event mask is restored by schedule()'s callers.
 */
    .globl switch_stack
switch_stack:
    push    %rbp
    push    %rbx
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    mov     %rsp, (%rdi)
    mov     %rsi, %rsp
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbx
    pop     %rbp
    ret

/* A new thread's first switch_stack returns here. */
    .globl thread_trampoline
thread_trampoline:
    xor     %ebp, %ebp
    call    thread_entry
    ud2

    .section .note.GNU-stack, "", @progbits
