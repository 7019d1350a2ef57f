/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: x86 instruction wrappers and the exception-table macro (the only inline asm besides probes). */
#ifndef PVGUEST_ARCH_H
#define PVGUEST_ARCH_H

#include <stdint.h>

/*
 * Exception table: an instruction at label `fault` that traps resumes at
 * `fixup`; the trap is recorded in last_trap (see traps.c).
 */
#define EXTABLE(fault, fixup)                                   \
    ".pushsection .ex_table, \"a\"\n\t"                         \
    ".balign 8\n\t"                                             \
    ".quad " #fault ", " #fixup "\n\t"                          \
    ".popsection\n\t"

/* Xen's forced-emulation prefix: ud2a; .ascii "xen". */
#define XEN_FEP ".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e\n\t"

#define MSR_FS_BASE         0xc0000100U
#define MSR_GS_BASE         0xc0000101U
#define MSR_SHADOW_GS_BASE  0xc0000102U
#define MSR_IA32_CR_PAT     0x00000277U
#define MSR_EFER            0xc0000080U

#define X86_CR0_PE  (1UL << 0)
#define X86_CR0_MP  (1UL << 1)
#define X86_CR0_EM  (1UL << 2)
#define X86_CR0_TS  (1UL << 3)
#define X86_CR0_PG  (1UL << 31)
#define X86_CR4_PAE (1UL << 5)
#define X86_CR4_OSFXSR     (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)

#define X86_EFLAGS_IF   (1UL << 9)

#define _PAGE_PRESENT   0x001UL
#define _PAGE_RW        0x002UL
#define _PAGE_USER      0x004UL
#define _PAGE_ACCESSED  0x020UL
#define _PAGE_DIRTY     0x040UL
#define PTE_MFN_MASK    0x000ffffffffff000UL

/* Vectors. */
#define X86_EXC_DE  0
#define X86_EXC_DB  1
#define X86_EXC_BP  3
#define X86_EXC_OF  4
#define X86_EXC_UD  6
#define X86_EXC_NM  7
#define X86_EXC_GP  13
#define X86_EXC_PF  14

struct cpuid_res {
    uint32_t a, b, c, d;
};

/* Privileged operations: each traps to Xen (#GP) and is emulated or bounced. */
static inline uint64_t read_cr0(void)
{
    uint64_t v;
    asm volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline void write_cr0(uint64_t v)
{
    asm volatile("mov %0, %%cr0" :: "r"(v) : "memory");
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;
    asm volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void write_cr3(uint64_t v)
{
    asm volatile("mov %0, %%cr3" :: "r"(v) : "memory");
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;

    asm volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr4(void)
{
    uint64_t v;
    asm volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void clts(void)
{
    asm volatile("clts" ::: "memory");
}

static inline void write_cr4(uint64_t v)
{
    asm volatile("mov %0, %%cr4" :: "r"(v) : "memory");
}

/* x87/SSE state, 512 bytes, 16-aligned (unprivileged: any ring). */
static inline void fxsave(void *area)
{
    asm volatile("fxsave64 %0" : "=m"(*(char (*)[512])area));
}

static inline void fxrstor(const void *area)
{
    asm volatile("fxrstor64 %0" :: "m"(*(const char (*)[512])area));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    asm volatile("wrmsr" :: "c"(msr), "a"((uint32_t)v),
                 "d"((uint32_t)(v >> 32)) : "memory");
}

/* CPUID through the PV forced-emulation prefix (the guest-visible policy). */
static inline void pv_cpuid(uint32_t leaf, uint32_t subleaf, struct cpuid_res *r)
{
    asm volatile(XEN_FEP "cpuid"
                 : "=a"(r->a), "=b"(r->b), "=c"(r->c), "=d"(r->d)
                 : "0"(leaf), "2"(subleaf));
}

static inline uint64_t read_rflags(void)
{
    uint64_t v;
    asm volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

static inline uint16_t read_cs(void)
{
    uint16_t v;
    asm volatile("mov %%cs, %0" : "=r"(v));
    return v;
}

static inline uint16_t read_ss(void)
{
    uint16_t v;
    asm volatile("mov %%ss, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_fs_qword0(void)
{
    uint64_t v;
    asm volatile("mov %%fs:0, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_gs_qword0(void)
{
    uint64_t v;
    asm volatile("mov %%gs:0, %0" : "=r"(v));
    return v;
}

static inline uint64_t xchg64(volatile uint64_t *p, uint64_t v)
{
    asm volatile("xchg %0, %1" : "+r"(v), "+m"(*p) :: "memory");
    return v;
}

/* Ports, interrupt flag, TLB: native instructions (traps under Xen unless allowed). */
static inline void outb(uint16_t port, uint8_t v)
{
    asm volatile("outb %0, %1" :: "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;

    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline void outl(uint16_t port, uint32_t v)
{
    asm volatile("outl %0, %1" :: "a"(v), "Nd"(port));
}

static inline void invlpg(unsigned long va)
{
    asm volatile("invlpg (%0)" :: "r"(va) : "memory");
}

static inline void cli(void)
{
    asm volatile("cli" ::: "memory");
}

static inline void sti(void)
{
    asm volatile("sti" ::: "memory");
}

static inline void barrier(void)
{
    asm volatile("" ::: "memory");
}

/* Time-stamp counter (serialising is the caller's business). */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

#endif /* PVGUEST_ARCH_H */
