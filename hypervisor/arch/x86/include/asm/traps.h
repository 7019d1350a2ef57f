/* SPDX-License-Identifier: GPL-2.0-only */
/* Trap entry points shared by entry.S and the C handlers. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <asm/regs.h>

const char *trap_name(unsigned int vec);
void show_registers(const struct cpu_regs *r);
void do_hv_trap(struct cpu_regs *r);
void do_guest_trap(struct cpu_regs *r);
void do_syscall(struct cpu_regs *r);
int guest_return_work(struct cpu_regs *r);
void guest_bad_frame(struct cpu_regs *r);
void timer_interrupt(void);
void machine_exit(unsigned int code) __attribute__((noreturn));
void reset_stack_and_return(void) __attribute__((noreturn));

size_t raw_copy(void *dst, const void *src, size_t n);
size_t raw_clear(void *dst, size_t n);

#endif
