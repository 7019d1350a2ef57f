/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: native boot: the multiboot v1 header and the 32-bit entry that enters long mode at VIRT_BASE. */

#include "native.h"

/* Where a symbol lies while paging is off. */
#define PHYS(sym)       ((sym) - NATIVE_VIRT_BASE + NATIVE_LOAD_BASE)

#define MB_MAGIC        0x1badb002
#define MB_FLAGS        ((1 << 1) | (1 << 16))  /* memory info; addresses below */
#define MB_BOOT_MAGIC   0x2badb002              /* in eax from the loader */

#define PTE_TABLE       0x003                   /* present, writable */
#define PTE_2M          0x083                   /* present, writable, 2 MiB */
#define PTE_2M_UC       0x09b                   /* ... write-through, uncached */
#define SIZE_2M         0x200000

#define CR0_PE          (1 << 0)
#define CR0_WP          (1 << 16)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define MSR_EFER        0xc0000080
#define EFER_LME        (1 << 8)
#define EFER_NXE        (1 << 11)
#define CPUID_EXT_NX    20                      /* 0x80000001 edx bits */
#define CPUID_EXT_LM    29

/*
 * The header sits at the very start of .text (file offset 0x1000, inside
 * the 8 KiB a loader searches).  QEMU refuses ELF64 multiboot images, so
 * flag 16 (the "a.out kludge") tells it to copy the file from the header's
 * offset minus (header_addr - load_addr) to load_addr, up to load_end_addr,
 * and zero on to bss_end_addr: our single load segment, placed at
 * LOAD_BASE.  Under Xen none of this runs.
 */
    .section .text.multiboot, "ax"
    .code32
    .balign 4
mb_header:
    .long   MB_MAGIC
    .long   MB_FLAGS
    .long   -(MB_MAGIC + MB_FLAGS)
    .long   PHYS(mb_header)                     /* header_addr */
    .long   PHYS(_image_start)                  /* load_addr */
    .long   PHYS(_data_end)                     /* load_end_addr */
    .long   PHYS(_image_end)                    /* bss_end_addr */
    .long   PHYS(native_start32)                /* entry_addr */

/*
 * Protected mode, paging off, eax = MB_BOOT_MAGIC, ebx = the multiboot
 * info (physical).  No stack is needed until 64-bit code runs; edi carries
 * the info pointer to native_main.
 */
native_start32:
    cli
    cld
    mov     %ebx, %edi
    cmp     $MB_BOOT_MAGIC, %eax
    jne     halt32
    mov     $0x80000000, %eax
    cpuid
    cmp     $0x80000001, %eax
    jb      halt32
    mov     $0x80000001, %eax
    cpuid
    bt      $CPUID_EXT_LM, %edx
    jnc     halt32
    mov     %edx, %esi                          /* NX, for EFER below */

    /*
     * The .bss is zero (the loader cleared it), so only the low halves of
     * the entries need writing: every address here is below 4 GiB.
     */
    movl    $(PHYS(boot_l3_ident) + PTE_TABLE), PHYS(native_boot_l4)
    movl    $(PHYS(boot_l3) + PTE_TABLE), PHYS(native_boot_l4) + 511 * 8
    movl    $(PHYS(boot_l2_ident) + PTE_TABLE), PHYS(boot_l3_ident)
    movl    $(PHYS(native_boot_l2) + PTE_TABLE), PHYS(boot_l3) + 510 * 8
    movl    $(PHYS(boot_l2_lapic) + PTE_TABLE), PHYS(boot_l3) + 511 * 8
    movl    $(NATIVE_LAPIC_PHYS + PTE_2M_UC), PHYS(boot_l2_lapic)
    xor     %ecx, %ecx
    mov     $PTE_2M, %eax
1:  mov     %eax, PHYS(boot_l2_ident)(, %ecx, 8)
    lea     NATIVE_LOAD_BASE(%eax), %edx
    mov     %edx, PHYS(native_boot_l2)(, %ecx, 8)
    add     $SIZE_2M, %eax
    inc     %ecx
    cmp     $512, %ecx
    jne     1b

    mov     %cr4, %eax
    or      $CR4_PAE, %eax
    mov     %eax, %cr4
    mov     $PHYS(native_boot_l4), %eax
    mov     %eax, %cr3
    mov     $MSR_EFER, %ecx
    rdmsr
    or      $EFER_LME, %eax
    bt      $CPUID_EXT_NX, %esi
    jnc     2f
    or      $EFER_NXE, %eax
2:  wrmsr
    mov     %cr0, %eax
    or      $(CR0_PG | CR0_WP | CR0_PE), %eax
    mov     %eax, %cr0
    lgdt    PHYS(boot_gdt_ptr32)
    ljmp    $GDT_KERNEL_CS, $PHYS(native_start64)

halt32:
    hlt
    jmp     halt32

/* Long mode, still on the identity map: jump to the kernel's address. */
    .code64
native_start64:
    movabs  $native_high64, %rax
    jmp     *%rax

    .text
native_high64:
    lgdt    boot_gdt_ptr64(%rip)                /* off the identity map */
    mov     $GDT_KERNEL_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    xor     %eax, %eax
    mov     %eax, %fs
    mov     %eax, %gs
    lea     native_boot_stack_top(%rip), %rsp
    xor     %ebp, %ebp
    mov     %edi, %edi                          /* upper half undefined */
    call    native_main
    ud2

/*
 * The boot GDT: the kernel selectors of native.c's GDT, which replaces it.
 * Accessed bits preset so the CPU never writes here.
 */
    .section .rodata
    .balign 16
boot_gdt:
    .quad   0
    .quad   0x00af9b000000ffff                  /* GDT_KERNEL_CS: 64-bit */
    .quad   0x00cf93000000ffff                  /* GDT_KERNEL_DS */
boot_gdt_end:
boot_gdt_ptr32:
    .word   boot_gdt_end - boot_gdt - 1
    .long   PHYS(boot_gdt)
boot_gdt_ptr64:
    .word   boot_gdt_end - boot_gdt - 1
    .quad   boot_gdt

    .section .bss.page_aligned, "aw", @nobits
    .balign 4096
    .globl native_boot_l4
native_boot_l4:
    .skip   4096
boot_l3:                                        /* VIRT_BASE and the LAPIC */
    .skip   4096
    .globl native_boot_l2
native_boot_l2:
    .skip   4096
boot_l2_lapic:
    .skip   4096
boot_l3_ident:                                  /* [0, 1 GiB) 1:1, for the switch */
    .skip   4096
boot_l2_ident:
    .skip   4096
native_boot_stack:
    .skip   4 * 4096
    .globl native_boot_stack_top
native_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
