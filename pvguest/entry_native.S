/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: native interrupt and syscall entry: struct cpu_regs frames, exit by iretq or sysretq. */

#include "cpu_regs.h"
#include "native.h"
#define EFLAGS_TF       (1 << 8)
#define EFLAGS_RF       (1 << 16)

/*
 * One 16-byte stub per IDT vector, at native_idt_stubs + 16 * vector.  The
 * CPU has pushed SS, RSP, RFLAGS, CS, RIP (struct cpu_regs' tail) and, for
 * some exceptions, an error code; the stub makes the frame uniform.  Every
 * gate is an interrupt gate, so IF is clear from here on.
 */
    .text
    .balign 16
    .globl native_idt_stubs
native_idt_stubs:
    .set    vec, 0
    .rept   256
    .balign 16
    .set    errcode, 0
    .if     vec < 32
    .set    errcode, (NATIVE_ERRCODE_VECS >> vec) & 1
    .endif
    .if     errcode == 0
    pushq   $0
    .endif
    pushq   $vec
    jmp     native_entry
    .set    vec, vec + 1
    .endr

/*
 * Save the GPRs as struct cpu_regs (the order entry.S uses) and dispatch.
 * The CPU aligned RSP to 16 before its frame, and 22 quadwords keep it so.
 */
native_entry:
    SAVE_GPRS
    mov     %rsp, %rdi
    cld
    cmpq    $NATIVE_VEC_FIRST_IRQ, REGS_VECTOR(%rsp)
    jae     1f
    call    trap_dispatch                       /* Xen's iret flags: unused */
    jmp     native_exit
1:  call    native_irq

/* rsp: a struct cpu_regs to resume.  Handlers may have enabled interrupts. */
native_exit:
    cli
    RESTORE_GPRS
    add     $16, %rsp                           /* vector, error code */
    iretq

/* void native_ret_to_user(struct cpu_regs *regs): resume that frame. */
    .globl native_ret_to_user
native_ret_to_user:
    cli
    mov     %rdi, %rsp
    jmp     native_exit

/*
 * SYSCALL from user mode (LSTAR): RCX = user RIP, R11 = user RFLAGS, RSP
 * still the user's, IF/DF/TF/AC/NT cleared by SFMASK.  One CPU, so the
 * kernel stack and the user RSP live in globals.  The frame is built where
 * an interrupt from user mode would put it: below native_sp0, 16-aligned.
 */
    .globl native_syscall_entry
native_syscall_entry:
    mov     %rsp, native_user_rsp(%rip)
    mov     native_sp0(%rip), %rsp
    and     $-16, %rsp
    pushq   $GDT_USER_DS
    pushq   native_user_rsp(%rip)
    push    %r11
    pushq   $GDT_USER_CS
    push    %rcx
    pushq   $0
    pushq   $VEC_SYSCALL
    SAVE_GPRS
    mov     %rsp, %rdi
    call    trap_dispatch
    cli

    /*
     * SYSRET reloads RIP from RCX and RFLAGS from R11 and cannot restore
     * RF (nor take TF as IRET does, trapping at once), and on Intel it
     * faults in ring 0 on a non-canonical RIP.  Use it only when the frame
     * is exactly what it would produce; anything else leaves by iretq.
     */
    cmpq    $GDT_USER_CS, REGS_CS(%rsp)
    jne     native_exit
    cmpq    $GDT_USER_DS, REGS_SS(%rsp)
    jne     native_exit
    mov     REGS_RIP(%rsp), %rcx
    cmp     REGS_RCX(%rsp), %rcx
    jne     native_exit
    shr     $47, %rcx                           /* lower canonical half */
    jnz     native_exit
    mov     REGS_RFLAGS(%rsp), %r11
    cmp     REGS_R11(%rsp), %r11
    jne     native_exit
    test    $(EFLAGS_TF | EFLAGS_RF), %r11
    jnz     native_exit

    RESTORE_GPRS
    mov     (REGS_RSP - REGS_VECTOR)(%rsp), %rsp
    sysretq

    .bss
    .balign 8
native_user_rsp:                                /* scratch during entry */
    .skip   8

    .section .note.GNU-stack, "", @progbits
