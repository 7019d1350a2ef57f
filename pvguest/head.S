/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: Xen ELF notes, the PV entry point, the hypercall page and hypercall stubs. */

#include <xen/elfnote.h>
#include <xen/features.h>

#define VIRT_BASE 0xffffffff80000000

/* One note in the PT_NOTE segment, owner "Xen". */
#define ELFNOTE(type, body...)                  \
    .pushsection .note.Xen, "a", @note;         \
    .balign 4;                                  \
    .long 2f - 1f;                              \
    .long 4f - 3f;                              \
    .long type;                                 \
1:  .asciz "Xen";                               \
2:  .balign 4;                                  \
3:  body;                                       \
4:  .balign 4;                                  \
    .popsection

ELFNOTE(XEN_ELFNOTE_GUEST_OS,       .asciz "xenia-pvguest")
ELFNOTE(XEN_ELFNOTE_GUEST_VERSION,  .asciz "0.1")
ELFNOTE(XEN_ELFNOTE_XEN_VERSION,    .asciz "xen-3.0")
ELFNOTE(XEN_ELFNOTE_LOADER,         .asciz "generic")
ELFNOTE(XEN_ELFNOTE_VIRT_BASE,      .quad VIRT_BASE)
ELFNOTE(XEN_ELFNOTE_PADDR_OFFSET,   .quad 0)
ELFNOTE(XEN_ELFNOTE_ENTRY,          .quad pvg_start)
ELFNOTE(XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page)
ELFNOTE(XEN_ELFNOTE_FEATURES,       .asciz "!writable_page_tables|pae_pgdir_above_4gb")
ELFNOTE(XEN_ELFNOTE_SUPPORTED_FEATURES,
        .long (1 << XENFEAT_writable_page_tables) | (1 << XENFEAT_dom0))

    .section .text.head, "ax"
    .code64
/*
 * Entry: rsi = start_info VA, rsp = top of the builder's boot stack page,
 * cs/ss = FLAT_KERNEL_CS/SS.  Record every register as handed over (the
 * test role checks them), move to our own stack and enter C.
 */
    .globl pvg_start
pvg_start:
    mov     %rax, pvg_boot_regs + 0x00(%rip)
    mov     %rbx, pvg_boot_regs + 0x08(%rip)
    mov     %rcx, pvg_boot_regs + 0x10(%rip)
    mov     %rdx, pvg_boot_regs + 0x18(%rip)
    mov     %rsi, pvg_boot_regs + 0x20(%rip)
    mov     %rdi, pvg_boot_regs + 0x28(%rip)
    mov     %rbp, pvg_boot_regs + 0x30(%rip)
    mov     %rsp, pvg_boot_regs + 0x38(%rip)
    mov     %r8,  pvg_boot_regs + 0x40(%rip)
    mov     %r9,  pvg_boot_regs + 0x48(%rip)
    mov     %r10, pvg_boot_regs + 0x50(%rip)
    mov     %r11, pvg_boot_regs + 0x58(%rip)
    mov     %r12, pvg_boot_regs + 0x60(%rip)
    mov     %r13, pvg_boot_regs + 0x68(%rip)
    mov     %r14, pvg_boot_regs + 0x70(%rip)
    mov     %r15, pvg_boot_regs + 0x78(%rip)
    pushfq
    popq    pvg_boot_regs + 0x80(%rip)
    xor     %eax, %eax
    mov     %cs, %ax
    mov     %rax, pvg_boot_regs + 0x88(%rip)
    mov     %ss, %ax
    mov     %rax, pvg_boot_regs + 0x90(%rip)
    mov     %ds, %ax
    mov     %rax, pvg_boot_regs + 0x98(%rip)
    mov     %es, %ax
    mov     %rax, pvg_boot_regs + 0xa0(%rip)
    mov     %fs, %ax
    mov     %rax, pvg_boot_regs + 0xa8(%rip)
    mov     %gs, %ax
    mov     %rax, pvg_boot_regs + 0xb0(%rip)

    lea     pvg_boot_stack_top(%rip), %rsp
    mov     %rsi, %rdi
    xor     %ebp, %ebp
    call    pvg_main
    ud2

/*
 * The hypercall page: Xen's builder overwrites it with 128 stubs of 32
 * bytes.  Filled with `ret` so an image loaded without it fails loudly
 * (every hypercall would return its stub's address) rather than jumping
 * to zeros.
 */
    .section .text.hypercall_page, "ax"
    .fill 4096, 1, 0xc3

    .text
/* long hcall_page(a1, a2, a3, a4, a5, nr): call hypercall_page + nr * 32. */
    .globl hcall_page
hcall_page:
    mov     %rcx, %r10
    shl     $5, %r9
    lea     hypercall_page(%rip), %rax
    add     %r9, %rax
    call    *%rax
    ret

/* long hcall_syscall(a1, a2, a3, a4, a5, nr): the 64-bit PV hypercall insn. */
    .globl hcall_syscall
hcall_syscall:
    mov     %rcx, %r10
    mov     %r9, %rax
    syscall
    ret

    .section .bss.page_aligned, "aw", @nobits
    .balign 4096
pvg_boot_stack:
    .skip   4 * 4096
    .globl pvg_boot_stack_top
pvg_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
