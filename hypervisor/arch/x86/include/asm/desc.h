/* SPDX-License-Identifier: GPL-2.0-only */
/* IDT gates, vectors and IST slots. */
#ifndef ASM_DESC_H
#define ASM_DESC_H

#include <xenia/lib.h>

#define TRAP_divide_error      0
#define TRAP_debug             1
#define TRAP_nmi               2
#define TRAP_int3              3
#define TRAP_overflow          4
#define TRAP_bounds            5
#define TRAP_invalid_op        6
#define TRAP_no_device         7
#define TRAP_double_fault      8
#define TRAP_invalid_tss       10
#define TRAP_no_segment        11
#define TRAP_stack_error       12
#define TRAP_gp_fault          13
#define TRAP_page_fault        14
#define TRAP_copro_error       16
#define TRAP_alignment_check   17
#define TRAP_machine_check     18
#define TRAP_simd_error        19
#define TRAP_virtualisation    20
#define TRAP_control_prot      21

#define LEGACY_SYSCALL_VECTOR  0x80 /* int $0x80: Xen's direct trap */
#define IRQ_TIMER_VECTOR       0xf0
#define IRQ_SPURIOUS_VECTOR    0xff

#define IST_NMI 1
#define IST_DF  2
#define IST_MC  3
#define IST_DB  4

/* Vectors whose exceptions push an error code. */
#define TRAP_HAS_ERRCODE_MASK ((1u << 8) | (1u << 10) | (1u << 11) | (1u << 12) | \
                               (1u << 13) | (1u << 14) | (1u << 17) | (1u << 21))

struct idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t reserved;
} __attribute__((packed));

/* The 64-bit task-state segment. */
struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

void desc_init(void);
void gdt_load_guest_frames(const unsigned long *frames, unsigned int nr);

#endif
