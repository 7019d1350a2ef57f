/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: shared declarations of the PV guest kernel (layout, console, traps, roles). */
#ifndef PVGUEST_H
#define PVGUEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include "cpu_regs.h"

/*
 * Memory layout (see also pvguest.lds):
 *   VIRT_BASE 0xffffffff80000000 maps pseudo-physical frame 0 (Xen VIRT_BASE
 *   note, PADDR_OFFSET 0).  The image starts at pfn 0; the hypercall page is
 *   the second page of .text.  Xen's dom0 builder places, after the image,
 *   the p2m list, start_info, the boot page tables and the boot stack, all
 *   inside the same 1:1 region, so va = VIRT_BASE + (pfn << 12) holds for
 *   every page we touch.  L4 slot 0 (the low half) stays empty.
 */
#define PVG_VIRT_BASE   0xffffffff80000000UL
#define PAGE_SHIFT      12
#define PAGE_SIZE       4096UL
#define PAGE_MASK       (~(PAGE_SIZE - 1))

#define __aligned(n)    __attribute__((aligned(n)))
#define __noreturn      __attribute__((noreturn))
#define __printf(a, b)  __attribute__((format(printf, a, b)))
#define __page_aligned_bss __attribute__((section(".bss.page_aligned"), aligned(4096)))
#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))

/* Boot state (main.c). */
struct boot_regs {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rflags, cs, ss, ds, es, fs, gs;
};
extern struct boot_regs pvg_boot_regs;
extern start_info_t *pvg_si;
extern shared_info_t *pvg_shared;          /* mapped early in boot */
extern struct vcpu_info *pvg_vcpu0;        /* vcpu0's vcpu_info, wherever it lives */
extern uint8_t pvg_boot_upcall_mask[XEN_LEGACY_MAX_VCPUS]; /* as found at entry */
extern uint64_t pvg_early_gs_base;      /* GS_BASE read back before traps_init */
extern char hypercall_page[];
extern char _image_start[], _image_end[];

void __noreturn pvg_main(start_info_t *si);     /* from head.S */
void __noreturn pvg_shutdown(int code);
void __noreturn pvg_panic(const char *fmt, ...) __printf(1, 2);

/* Library (lib.c). */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int printf(const char *fmt, ...) __printf(1, 2);
extern const char *pvg_cmdline;
int cmdline_has(const char *word);
void cmdline_role(char *buf, size_t size);

/* Memory helpers (mm.c). */
unsigned long pfn_to_mfn(unsigned long pfn);
unsigned long virt_to_mfn(const void *va);
uint64_t virt_to_maddr(const void *va);
void pvg_console_write(const char *buf, int n);   /* console.c */
int wait_main(void);                              /* multi.c */
int pingpong_main(void);
int spin_main(void);
int watchdog_main(void);                          /* multi.c */
int unpriv_main(void);
int lifecycle_main(void);
int build_main(void);
int echo_main(void);                              /* echo.c */
void *mfn_to_virt(unsigned long mfn);        /* only for frames in our 1:1 map */
uint64_t *pte_lookup(const void *va);        /* RO view of the L1e, or NULL */
int mm_set_pte(const void *va, uint64_t pte);/* update_va_mapping + invlpg */
int mm_protect(const void *va, int writable);
void mm_init(void);

/* Traps, events, user mode (traps.c). */

struct cpu_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10;
    uint64_t r9, r8, rax, rcx, rdx, rsi, rdi;
    uint64_t vector, error_code;                /* error_code: 0 if none */
    uint64_t rip, cs, rflags, rsp, ss;          /* Xen's bounce frame */
};

struct trap_record {
    unsigned int count;         /* traps taken since trap_reset() */
    unsigned int vector;        /* of the last one */
    uint64_t error_code, rip, cs, rflags, rsp, ss;
    uint64_t cr2;               /* vcpu_info.arch.cr2 at #PF delivery */
    int fixed_up;
    const struct cpu_regs *frame;
};
extern volatile struct trap_record last_trap;
extern unsigned long pvg_events_seen;
extern uint32_t pvg_timer_port;         /* VIRQ_TIMER's port, once bound */
extern uint64_t pvg_last_event_cs, pvg_last_event_rflags; /* upcall frame */
/* Called (in guest-kernel mode) after a trap is recorded, before fix-up. */
extern void (*trap_hook)(struct cpu_regs *regs);

unsigned long trap_dispatch(struct cpu_regs *regs);    /* from entry.S */
void kernel_iret(uint64_t rflags);                     /* entry.S */
void trap_reset(void);
void traps_init(void);
long callback_register(unsigned int type, void *fn);
int traps_install(void);                    /* (re)load our trap table */
extern const struct trap_info pvg_trap_table[];

/* Software interrupt vectors in our trap table, one per DPL. */
#define VEC_SOFT_DPL3   0x71
#define VEC_SOFT_DPL1   0x72
#define VEC_SOFT_DPL0   0x73

/* Guest-user mode (user.c). */
#define USYS_EXIT       0       /* rdi = code: back to user_run's caller */
#define USYS_ECHO       1       /* rax := rdi ^ USYS_ECHO_XOR */
#define USYS_SETREGS    2       /* return with rcx := rdi, r11 := rsi */
#define USYS_ECHO_XOR   0x5a5a5a5aUL

struct user_syscall_frame {     /* what the last user syscall bounce looked like */
    uint64_t rcx, r11, rip, cs, rflags, rsp, ss, rax;
    uint64_t kstack_rsp;        /* where the frame was */
};
extern struct user_syscall_frame last_usyscall;
extern unsigned long user_iret_flags;   /* flags for the return to user */

int user_init(void);
long user_run(void (*fn)(void));
uint64_t user_kstack_lo(void);
uint64_t user_kstack_hi(void);
unsigned long trap_user_syscall(struct cpu_regs *regs);

static inline long usys(long nr, long a1, long a2)
{
    long ret;
    register long r_rdi asm("rdi") = a1;
    register long r_rsi asm("rsi") = a2;
    asm volatile("syscall"
                 : "=a"(ret), "+r"(r_rdi), "+r"(r_rsi)
                 : "0"(nr)
                 : "rcx", "r11", "memory");
    return ret;
}

/* Roles. */
int demo_main(void);
int tests_main(void);
struct pvg_test;
int tests_run(const struct pvg_test *const *tables, size_t n);

#endif /* PVGUEST_H */
