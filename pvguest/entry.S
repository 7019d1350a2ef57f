/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: exception, event and syscall entry stubs; return via HYPERVISOR_iret; user entry/exit. */

#include <xen/xen.h>

#include "cpu_regs.h"
#define IRET_SLOT       (__HYPERVISOR_iret * 32)

/*
 * Xen bounces to us with (low to high) RCX, R11, [error code], RIP, CS,
 * RFLAGS, RSP, SS on the stack.  Pop RCX/R11 back into place, make the
 * frame uniform (error code 0 when the vector has none), then save the
 * GPRs as struct cpu_regs.
 */
.macro ENTRY_NOERR name, vec
    .globl \name
\name:
    pop     %rcx
    pop     %r11
    pushq   $0
    pushq   $\vec
    jmp     handle_entry
.endm

.macro ENTRY_ERR name, vec
    .globl \name
\name:
    pop     %rcx
    pop     %r11
    pushq   $\vec
    jmp     handle_entry
.endm

    .text
ENTRY_NOERR entry_de,  0
ENTRY_NOERR entry_db,  1
ENTRY_NOERR entry_nmi, 2
ENTRY_NOERR entry_bp,  3
ENTRY_NOERR entry_of,  4
ENTRY_NOERR entry_br,  5
ENTRY_NOERR entry_ud,  6
ENTRY_NOERR entry_nm,  7
ENTRY_ERR   entry_df,  8
ENTRY_ERR   entry_ts,  10
ENTRY_ERR   entry_np,  11
ENTRY_ERR   entry_ss,  12
ENTRY_ERR   entry_gp,  13
ENTRY_ERR   entry_pf,  14
ENTRY_NOERR entry_mf,  16
ENTRY_ERR   entry_ac,  17
ENTRY_NOERR entry_mc,  18
ENTRY_NOERR entry_xm,  19
ENTRY_NOERR entry_soft_dpl3, 0x71
ENTRY_NOERR entry_soft_dpl1, 0x72
ENTRY_NOERR entry_soft_dpl0, 0x73
ENTRY_NOERR entry_int80, 0x80
ENTRY_NOERR entry_syscall, VEC_SYSCALL
ENTRY_NOERR entry_event, VEC_EVENT

/*
 * Failsafe frame (RCX, R11, DS, ES, FS, GS, RIP, CS, RFLAGS, RSP, SS): we
 * never load guest segments that can fail, so this is fatal; report it.
 */
    .globl entry_failsafe
entry_failsafe:
    pop     %rcx
    pop     %r11
    add     $32, %rsp
    pushq   $0
    pushq   $VEC_FAILSAFE
    jmp     handle_entry

handle_entry:
    SAVE_GPRS
    mov     %rsp, %rdi
    mov     %rsp, %rbx
    and     $-16, %rsp
    cld
    call    trap_dispatch           /* returns HYPERVISOR_iret flags */
    mov     %rbx, %rsp
    mov     %rax, REGS_ERRCODE(%rsp)
entry_exit:                         /* rsp: struct cpu_regs, flags in error_code */
    RESTORE_GPRS
    add     $8, %rsp                /* vector; error code slot = flags */
    jmp     hypercall_iret

/*
 * HYPERVISOR_iret with the iret frame (flags, RIP, CS, RFLAGS, RSP, SS) on
 * the stack: through the hypercall page, or the same bytes inline when the
 * guest runs with hcall=syscall (as Linux does since XSA-466).
 */
hypercall_iret:
    cmpl    $0, hcall_use_syscall(%rip)
    jne     1f
    jmp     hypercall_page + IRET_SLOT
1:  push    %rcx
    push    %r11
    push    %rax
    mov     $__HYPERVISOR_iret, %eax
    syscall
    ud2

/*
 * void pvg_ret_to_user(struct cpu_regs *regs): leave the kernel with this
 * frame (a new process's first entry to user mode) through the common
 * exit path: a full HYPERVISOR_iret, RCX and R11 restored from the frame.
 */
    .globl pvg_ret_to_user
pvg_ret_to_user:
    mov     %rdi, %rsp
    movq    $0, REGS_ERRCODE(%rsp)
    jmp     entry_exit

/*
 * void kernel_iret(uint64_t rflags): return to our caller through
 * HYPERVISOR_iret, staying in guest-kernel mode (CS RPL 0), with the given
 * RFLAGS in the frame.  Xen sets the event mask to !RFLAGS.IF.
 */
    .globl kernel_iret
kernel_iret:
    mov     (%rsp), %rcx            /* return address */
    lea     8(%rsp), %rax           /* caller's RSP after the return */
    pushq   $FLAT_KERNEL_SS
    push    %rax
    push    %rdi
    pushq   $(FLAT_KERNEL_CS & ~3)
    push    %rcx
    pushq   $0                      /* flags */
    jmp     hypercall_iret

/*
 * long user_enter(struct user_ctx *ctx, rip, rsp, rflags): save the
 * callee-saved state, then HYPERVISOR_iret to guest-user mode.  Returns
 * (through user_leave) the code the user program exited with.
 */
    .globl user_enter
user_enter:
    mov     %rbx, 0x00(%rdi)
    mov     %rbp, 0x08(%rdi)
    mov     %r12, 0x10(%rdi)
    mov     %r13, 0x18(%rdi)
    mov     %r14, 0x20(%rdi)
    mov     %r15, 0x28(%rdi)
    lea     8(%rsp), %rax
    mov     %rax, 0x30(%rdi)
    mov     (%rsp), %rax
    mov     %rax, 0x38(%rdi)
    pushq   $FLAT_USER_SS
    push    %rdx
    push    %rcx
    pushq   $FLAT_USER_CS
    push    %rsi
    pushq   $0                      /* flags */
    xor     %eax, %eax
    jmp     hypercall_iret

/* void user_leave(struct user_ctx *ctx, long code): resume user_enter's caller. */
    .globl user_leave
user_leave:
    mov     %rsi, %rax
    mov     0x00(%rdi), %rbx
    mov     0x08(%rdi), %rbp
    mov     0x10(%rdi), %r12
    mov     0x18(%rdi), %r13
    mov     0x20(%rdi), %r14
    mov     0x28(%rdi), %r15
    mov     0x30(%rdi), %rsp
    jmp     *0x38(%rdi)

    .section .note.GNU-stack, "", @progbits
