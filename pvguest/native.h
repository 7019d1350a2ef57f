/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the native platform's layout, selectors and vectors (for boot_native.S, entry_native.S, native.c). */
#ifndef PVGUEST_NATIVE_H
#define PVGUEST_NATIVE_H

/*
 * Natively the image is loaded by multiboot at physical LOAD_BASE and runs
 * at VIRT_BASE: pfn p is physical frame p + (LOAD_BASE >> 12).  The boot
 * page tables map [VIRT_BASE, VIRT_BASE + 1 GiB) onto
 * [LOAD_BASE, LOAD_BASE + 1 GiB) with 2 MiB pages (L4 slot 511, L3 slot
 * 510), and the local APIC uncached at LAPIC_VA (L3 slot 511).
 */
#define NATIVE_VIRT_BASE    0xffffffff80000000
#define NATIVE_LOAD_BASE    0x200000
#define NATIVE_MAP_SIZE     0x40000000          /* the 1 GiB at VIRT_BASE */
#define NATIVE_LAPIC_PHYS   0xfee00000
#define NATIVE_LAPIC_VA     0xffffffffc0000000  /* VIRT_BASE + 1 GiB */

/*
 * GDT.  SYSCALL takes CS = STAR[47:32] and SS = that + 8; a 64-bit SYSRET
 * takes SS = STAR[63:48] + 8 and CS = STAR[63:48] + 16, hence user data
 * before user code, both after the unused 32-bit user slot.
 */
#define GDT_KERNEL_CS       0x08
#define GDT_KERNEL_DS       0x10
#define GDT_USER_CS32       0x18                /* sysret base, left empty */
#define GDT_USER_DS         0x23
#define GDT_USER_CS         0x2b
#define GDT_TSS             0x30                /* two slots */
#define GDT_ENTRIES         8

/* Vectors at or above this go to native_irq(), below to trap_dispatch(). */
#define NATIVE_VEC_FIRST_IRQ 0x20
#define NATIVE_VEC_TIMER    0x20
#define NATIVE_VEC_PIC_BASE 0xf0                /* both 8259s, all masked */
#define NATIVE_VEC_PIC_SPURIOUS 0xf7            /* the master's IRQ 7 */
#define NATIVE_VEC_SPURIOUS 0xff                /* LAPIC; also the slave's IRQ 15 */

/* Exceptions that push an error code: 8, 10-14, 17, 21, 29, 30. */
#define NATIVE_ERRCODE_VECS 0x60227d00

#ifndef __ASSEMBLY__
#include <stdint.h>

struct cpu_regs;

extern uint64_t native_boot_l4[512];            /* boot_native.S */
extern uint64_t native_boot_l2[512];            /* VIRT_BASE's 2 MiB pages */
extern char native_boot_stack_top[];
extern char native_idt_stubs[];                 /* entry_native.S: 16 bytes each */
extern char native_syscall_entry[];
void __attribute__((noreturn)) native_ret_to_user(struct cpu_regs *regs);
extern unsigned long native_sp0;                /* kernel stack for syscall */

void __attribute__((noreturn)) native_main(uint32_t mbi_phys);
void native_irq(struct cpu_regs *regs);
#endif

#endif /* PVGUEST_NATIVE_H */
