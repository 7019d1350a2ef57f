/* SPDX-License-Identifier: GPL-2.0-only */
/* Entry and exit: exception/interrupt stubs, syscall entry, return to guest. */
#include <asm/config.h>
#include <asm/asm-offsets.h>

#define CPU0_INFO   (cpu0_stack + STACK_SIZE - CPUINFO_sizeof)
#define ERRCODE_MASK 0x227d00   /* vectors 8,10-14,17,21 push an error code */

/* Push the general registers in struct cpu_regs order (rdi highest). */
.macro SAVE_ALL
        pushq   %rdi
        pushq   %rsi
        pushq   %rdx
        pushq   %rcx
        pushq   %rax
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %rbx
        pushq   %rbp
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
.endm

.macro RESTORE_ALL
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbp
        popq    %rbx
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rax
        popq    %rcx
        popq    %rdx
        popq    %rsi
        popq    %rdi
.endm

.macro EXTABLE fault, fixup
        .pushsection .ex_table, "a"
        .quad   \fault, \fixup
        .popsection
.endm

        .text
/* 256 stubs, 16 bytes apart: vector v's stub is at idt_stub_base + 16 * v. */
        .align  16
        .global idt_stub_base
idt_stub_base:
        .set    vec, 0
        .rept   256
        .align  16
        .if     vec > 21
        pushq   $0
        .elseif ((ERRCODE_MASK >> vec) & 1) == 0
        pushq   $0
        .endif
        movl    $vec, 4(%rsp)
        jmp     common_entry
        .set    vec, vec + 1
        .endr

common_entry:
        cld
        SAVE_ALL
        xor     %ebp, %ebp
        /* #DB arrives on its IST stack.  From the guest its frame belongs
         * at guest_regs, where the exit path (which may switch vCPUs)
         * expects it: move it there.  From the hypervisor it is handled
         * and returned from here. */
        cmpl    $1, REGS_entry_vector(%rsp)
        jne     2f
        testb   $3, REGS_cs(%rsp)
        jz      2f
        mov     %rsp, %rsi
        leaq    CPU0_INFO + CPUINFO_guest_regs(%rip), %rdi
        mov     $REGS_sizeof / 8, %ecx
        rep movsq
        leaq    CPU0_INFO + CPUINFO_guest_regs(%rip), %rsp
2:      mov     %rsp, %rdi
        /* NMI, #DF and #MC run on IST stacks, not at guest_regs: never let
         * them reach the guest exit path (which may switch vCPUs).  The
         * hypervisor path ignores an NMI and treats the others as fatal;
         * a #DB from ring 0 (still on its IST stack) is ignored too. */
        cmpl    $2, REGS_entry_vector(%rsp)
        je      1f
        cmpl    $8, REGS_entry_vector(%rsp)
        je      1f
        cmpl    $18, REGS_entry_vector(%rsp)
        je      1f
        testb   $3, REGS_cs(%rsp)
        jz      1f
        call    do_guest_trap
        jmp     return_to_guest
1:      call    do_hv_trap
        RESTORE_ALL
        add     $8, %rsp
        iretq

/*
 * syscall from ring 3: from the guest kernel a hypercall, from guest user
 * a system call to bounce.  RSP is still the guest's; interrupts are off
 * (SFMASK).  One CPU: the scratch slot and stack are cpu0's.  The frame
 * records the CS the guest ran with and which entry it came through.
 */
.macro SYSCALL_ENTRY name, guest_cs, vector
        .global \name
\name:
        movq    %rsp, CPU0_INFO + CPUINFO_syscall_scratch(%rip)
        leaq    CPU0_INFO + CPUINFO_guest_regs + REGS_sizeof(%rip), %rsp
        pushq   $GUEST_DS
        pushq   CPU0_INFO + CPUINFO_syscall_scratch(%rip)
        pushq   %r11
        pushq   $\guest_cs
        pushq   %rcx
        subq    $8, %rsp
        movl    $0, (%rsp)
        movl    $\vector, 4(%rsp)
        SAVE_ALL
        xor     %ebp, %ebp
        mov     %rsp, %rdi
        call    do_syscall
        jmp     return_to_guest
.endm

        SYSCALL_ENTRY syscall_entry, GUEST_CS64, ENTRY_SYSCALL_NR
        SYSCALL_ENTRY syscall32_entry, GUEST_CS32, ENTRY_SYSCALL32_NR   /* compat user */

/*
 * Leave for the guest whose frame is at the top of this stack.  The C side
 * delivers pending events and bounces and says whether sysret may be used
 * (a plain hypercall return to the guest kernel at a canonical address).
 */
        .global return_to_guest
return_to_guest:
        cli
        mov     %rsp, %rdi
        call    guest_return_work
        test    %eax, %eax
        RESTORE_ALL
        jnz     1f
        add     $8, %rsp
.Liret_guest:
        iretq
1:      movq    8(%rsp), %rcx
        movq    24(%rsp), %r11
        movq    32(%rsp), %rsp
        sysretq
        EXTABLE .Liret_guest, guest_iret_fault

/*
 * An iretq to the guest faulted.  The #GP frame, pushed just below the
 * iret frame, overwrote the saved general registers; the fixup returned
 * here with the guest's registers live again, so save them once more.
 */
guest_iret_fault:
        leaq    CPU0_INFO + CPUINFO_guest_regs + REGS_error_code(%rip), %rsp
        movq    $0, (%rsp)
        SAVE_ALL
        mov     %rsp, %rdi
        call    guest_bad_frame
        jmp     return_to_guest

/* Start a vCPU: its frame is already in cpu_info.guest_regs. */
        .global reset_stack_and_return
reset_stack_and_return:
        leaq    CPU0_INFO + CPUINFO_guest_regs(%rip), %rsp
        jmp     return_to_guest

/*
 * size_t raw_copy(void *dst, const void *src, size_t n): bytes NOT copied.
 * A fault on either side stops the copy (the #PF handler jumps to 2:).
 */
        .global raw_copy
raw_copy:
        mov     %rdx, %rcx
1:      rep movsb
        xor     %eax, %eax
        ret
2:      mov     %rcx, %rax
        ret
        EXTABLE 1b, 2b

/* size_t raw_clear(void *dst, size_t n): bytes NOT cleared. */
        .global raw_clear
raw_clear:
        mov     %rsi, %rcx
        xor     %eax, %eax
1:      rep stosb
        xor     %eax, %eax
        ret
2:      mov     %rcx, %rax
        ret
        EXTABLE 1b, 2b

/* int rdmsr_safe(uint32_t msr, uint64_t *val): 0, or -1 on #GP. */
        .global rdmsr_safe
rdmsr_safe:
        mov     %edi, %ecx
1:      rdmsr
        shl     $32, %rdx
        or      %rdx, %rax
        mov     %rax, (%rsi)
        xor     %eax, %eax
        ret
2:      mov     $-1, %eax
        ret
        EXTABLE 1b, 2b

/* int wrmsr_safe(uint32_t msr, uint64_t val): 0, or -1 on #GP. */
        .global wrmsr_safe
wrmsr_safe:
        mov     %edi, %ecx
        mov     %esi, %eax
        mov     %rsi, %rdx
        shr     $32, %rdx
1:      wrmsr
        xor     %eax, %eax
        ret
2:      mov     $-1, %eax
        ret
        EXTABLE 1b, 2b

/*
 * int load_user_gs_selector(unsigned long sel): load the guest user's %gs
 * selector (its base lands in the shadow GS slot).  0, or -1 if the
 * selector faults, in which case %gs is left null.
 */
        .global load_user_gs_selector
load_user_gs_selector:
        pushfq
        cli
        swapgs
1:      mov     %edi, %gs
        xor     %eax, %eax
3:      swapgs
        popfq
        ret
2:      xor     %eax, %eax
        mov     %eax, %gs
        mov     $-1, %eax
        jmp     3b
        EXTABLE 1b, 2b
