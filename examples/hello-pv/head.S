/* SPDX-License-Identifier: GPL-2.0-only */
/* hello-pv: Xen ELF notes, PV entry point, hypercall page, hypercall and #BP trampolines. */

/*
 * Written only against Xen's public headers and the boot contract in
 * xen/xen.h ("start of day") and xen/elfnote.h.  Nothing here knows which
 * hypervisor loads it.
 */

#include <xen/elfnote.h>
#include <xen/xen.h>

/* One ELF note with owner "Xen": namesz, descsz, type, name, desc. */
#define XEN_NOTE(type, desc...)                 \
    .pushsection .note.Xen, "a", @note;         \
    .balign 4;                                  \
    .long 2f - 1f;                              \
    .long 4f - 3f;                              \
    .long type;                                 \
1:  .asciz "Xen";                               \
2:  .balign 4;                                  \
3:  desc;                                       \
4:  .balign 4;                                  \
    .popsection

/*
 * The builder refuses an image without LOADER "generic" (or GUEST_OS
 * "linux") and without XEN_VERSION "xen-3.0".  No VIRT_BASE note: virtual
 * address 0 is pseudo-physical frame 0, so the image linked at 0x100000
 * starts at pfn 0x100.  No ENTRY note: e_entry is used.
 */
XEN_NOTE(XEN_ELFNOTE_GUEST_OS,       .asciz "hello-pv")
XEN_NOTE(XEN_ELFNOTE_GUEST_VERSION,  .asciz "1")
XEN_NOTE(XEN_ELFNOTE_XEN_VERSION,    .asciz "xen-3.0")
XEN_NOTE(XEN_ELFNOTE_LOADER,         .asciz "generic")
XEN_NOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
XEN_NOTE(XEN_ELFNOTE_FEATURES,       .asciz "!writable_page_tables|pae_pgdir_above_4gb")

    .code64
    .section .text.entry, "ax"
/*
 * Entry, per the start-of-day contract: rsi = start_info (virtual),
 * rsp = top of the builder's one-page boot stack, cs/ss = FLAT_KERNEL_CS/SS,
 * guest-kernel mode, events masked.  Keep the boot rsp for the layout
 * report, move to our own stack, call hello_main(start_info, boot_rsp).
 */
    .globl _start
_start:
    mov     %rsp, %rax
    lea     stack_top(%rip), %rsp
    mov     %rsi, %rdi
    mov     %rax, %rsi
    xor     %ebp, %ebp
    call    hello_main
    ud2                                 /* hello_main does not return */

/*
 * The hypercall page: one page the builder overwrites with 128 stubs of
 * 32 bytes (stub n issues hypercall n).  Filled with `ret` so that a
 * missing page shows as a hypercall that "returns" garbage, not a jump
 * into zeroes; hello_main checks for the poison first.
 */
    .section .text.hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xc3

    .text
/*
 * long hypercall(nr, a1, a2, a3, a4): the C calling convention in, Xen's
 * out.  C passes nr, a1..a4 in rdi, rsi, rdx, rcx, r8; the stub for nr
 * wants a1..a4 in rdi, rsi, rdx, r10 and returns in rax.  The stub saves
 * rcx and r11 itself (syscall clobbers them); the argument registers are
 * caller-saved in C anyway, so a hypervisor that clobbers them is fine.
 */
    .globl hypercall
hypercall:
    shl     $5, %rdi
    lea     hypercall_page(%rip), %rax
    add     %rdi, %rax
    mov     %rsi, %rdi
    mov     %rdx, %rsi
    mov     %rcx, %rdx
    mov     %r8, %r10
    jmp     *%rax                       /* the stub's ret returns to our caller */

/*
 * #BP handler, the only trap-table entry.  The hypervisor bounced the
 * trap onto this stack: rcx, r11, rip, cs (with the saved event mask in
 * bits 32-39), rflags, rsp, ss, lowest first.  rcx and r11 in the frame
 * are the interrupted values; pop them back, record rip and cs, and return
 * with HYPERVISOR_iret: push its flags word (0: not from a syscall) and
 * jump to the iret stub, which pushes rcx, r11, rax and never returns.
 */
    .globl bp_handler
bp_handler:
    pop     %rcx
    pop     %r11
    incq    bp_count(%rip)
    push    %rax
    mov     8(%rsp), %rax
    mov     %rax, bp_frame_rip(%rip)
    mov     16(%rsp), %rax
    mov     %rax, bp_frame_cs(%rip)
    mov     24(%rsp), %rax
    mov     %rax, bp_frame_rflags(%rip)
    pop     %rax
    push    $0
    jmp     hypercall_page + __HYPERVISOR_iret * 32

/* Raise #BP; the handler returns to int3_next (int3 is a trap, not a fault). */
    .globl raise_int3, int3_next
raise_int3:
    int3
int3_next:
    ret

    .data
    .balign 8
    .globl bp_count, bp_frame_rip, bp_frame_cs, bp_frame_rflags
bp_count:         .quad 0
bp_frame_rip:     .quad 0
bp_frame_cs:      .quad 0
bp_frame_rflags:  .quad 0

    .bss
    .balign 16
stack:
    .skip 16384
stack_top:
