/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot1 entry: from 32-bit protected mode to long mode at our link address. */
#include <asm/config.h>
#include <asm/asm-offsets.h>

#define PHYS(x)      ((x) - XEN_VIRT_START + XEN_LOAD_ADDR)
#define MB_MAGIC     0x1badb002
#define MB_FLAGS     0x00000003   /* modules page aligned, memory map wanted */
#define MB_BOOTED    0x2badb002

#define PTE_P        0x001
#define PTE_RW       0x002
#define PTE_PS       0x080

        .section .text.boot, "ax", @progbits
        .code32
        .align 4
multiboot_header:
        .long MB_MAGIC
        .long MB_FLAGS
        .long -(MB_MAGIC + MB_FLAGS)

        .global start
start:
        cli
        cld
        cmp     $MB_BOOTED, %eax
        jne     .Lnot_multiboot
        mov     %ebx, PHYS(multiboot_info_pa)

        /* Long mode and NX are required. */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      .Lno_long_mode
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     .Lno_long_mode
        bt      $20, %edx
        jnc     .Lno_long_mode

        /* Identity map and direct map of the first 4 GiB with 2 MiB pages. */
        mov     $PHYS(boot_l2_ident), %edi
        mov     $(PTE_P | PTE_RW | PTE_PS), %eax
        xor     %edx, %edx
        mov     $2048, %ecx
1:      mov     %eax, (%edi)
        mov     %edx, 4(%edi)
        add     $0x200000, %eax
        adc     $0, %edx
        add     $8, %edi
        loop    1b

        mov     $PHYS(boot_l3_ident), %edi
        mov     $(PHYS(boot_l2_ident) + PTE_P + PTE_RW), %eax
        mov     %eax, 0(%edi)
        add     $0x1000, %eax
        mov     %eax, 8(%edi)
        add     $0x1000, %eax
        mov     %eax, 16(%edi)
        add     $0x1000, %eax
        mov     %eax, 24(%edi)

        /* The image at XEN_VIRT_START: L4 slot 261, L3 slot 321, L2 slots 0.. */
        mov     $PHYS(boot_l2_xen), %edi
        mov     $(XEN_LOAD_ADDR | PTE_P | PTE_RW | PTE_PS), %eax
        mov     $(XEN_IMAGE_MAX >> 21), %ecx
1:      mov     %eax, (%edi)
        add     $0x200000, %eax
        add     $8, %edi
        loop    1b
        movl    $(PHYS(boot_l2_xen) + PTE_P + PTE_RW), PHYS(boot_l3_xen) + 321 * 8

        movl    $(PHYS(boot_l3_ident) + PTE_P + PTE_RW), PHYS(boot_l4) + 0 * 8
        movl    $(PHYS(boot_l3_xen) + PTE_P + PTE_RW), PHYS(boot_l4) + 261 * 8
        movl    $(PHYS(boot_l3_ident) + PTE_P + PTE_RW), PHYS(boot_l4) + 262 * 8

        mov     $PHYS(boot_l4), %eax
        mov     %eax, %cr3
        mov     %cr4, %eax
        or      $(1 << 5), %eax                 /* PAE */
        mov     %eax, %cr4
        mov     $0xc0000080, %ecx               /* EFER: LME, NXE, SCE */
        rdmsr
        or      $((1 << 8) | (1 << 11) | (1 << 0)), %eax
        wrmsr
        mov     %cr0, %eax
        or      $0x80010001, %eax               /* PG, WP, PE */
        mov     %eax, %cr0

        lgdt    PHYS(boot_gdtr)
        ljmp    $0x08, $PHYS(start64)

.Lnot_multiboot:
        mov     $PHYS(msg_not_multiboot), %esi
        jmp     early_fail
.Lno_long_mode:
        mov     $PHYS(msg_no_long_mode), %esi
        jmp     early_fail

/* Print the string at %esi on COM1 and leave QEMU with the panic code. */
early_fail:
        mov     $0x3f8, %dx
1:      lodsb
        test    %al, %al
        jz      2f
        out     %al, %dx
        jmp     1b
2:      mov     $DEBUG_EXIT_PORT, %dx
        mov     $EXIT_PANIC, %al
        out     %al, %dx
3:      hlt
        jmp     3b

        .code64
start64:
        xor     %eax, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %fs
        mov     %eax, %gs
        mov     $0x10, %eax
        mov     %eax, %ss
        movabs  $high64, %rax
        jmp     *%rax

        .text
high64:
        lea     cpu0_stack + STACK_SIZE - CPUINFO_sizeof(%rip), %rsp
        xor     %ebp, %ebp
        mov     multiboot_info_pa(%rip), %edi
        call    start_xenia
        ud2

        .section .rodata.boot, "a", @progbits
msg_not_multiboot:
        .asciz  "xenia: not loaded by a multiboot1 loader\r\n"
msg_no_long_mode:
        .asciz  "xenia: this CPU has no long mode or no NX\r\n"

        .align 8
boot_gdt:
        .quad   0
        .quad   0x00af9a000000ffff              /* 0x08: 64-bit code */
        .quad   0x00cf92000000ffff              /* 0x10: data */
boot_gdt_end:
boot_gdtr:
        .word   boot_gdt_end - boot_gdt - 1
        .long   PHYS(boot_gdt)

        .section .data.boot, "aw", @progbits
        .global multiboot_info_pa
        .align 8
multiboot_info_pa:
        .quad   0

        .section .bss.boot, "aw", @nobits
        .align  4096
        .global boot_l4
boot_l4:        .skip 4096
boot_l3_ident:  .skip 4096
boot_l2_ident:  .skip 4096 * 4
boot_l3_xen:    .skip 4096
boot_l2_xen:    .skip 4096

        .section .bss.stack, "aw", @nobits
        .align  STACK_SIZE
        .global cpu0_stack
cpu0_stack:     .skip STACK_SIZE
