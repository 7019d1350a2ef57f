/* SPDX-License-Identifier: GPL-2.0-only */
/* Instruction wrappers: the only inline asm in the hypervisor lives here. */
#ifndef ASM_PROCESSOR_H
#define ASM_PROCESSOR_H

#include <xenia/lib.h>

#define X86_CR0_PE   (1UL << 0)
#define X86_CR0_MP   (1UL << 1)
#define X86_CR0_EM   (1UL << 2)
#define X86_CR0_TS   (1UL << 3)
#define X86_CR0_NE   (1UL << 5)
#define X86_CR0_WP   (1UL << 16)
#define X86_CR0_AM   (1UL << 18)
#define X86_CR0_PG   (1UL << 31)

#define X86_CR4_VME        (1UL << 0)
#define X86_CR4_PVI        (1UL << 1)
#define X86_CR4_TSD        (1UL << 2)
#define X86_CR4_DE         (1UL << 3)
#define X86_CR4_PSE        (1UL << 4)
#define X86_CR4_PAE        (1UL << 5)
#define X86_CR4_MCE        (1UL << 6)
#define X86_CR4_PGE        (1UL << 7)
#define X86_CR4_OSFXSR     (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_UMIP       (1UL << 11)
#define X86_CR4_FSGSBASE   (1UL << 16)
#define X86_CR4_OSXSAVE    (1UL << 18)
#define X86_CR4_SMEP       (1UL << 20)
#define X86_CR4_SMAP       (1UL << 21)

#define X86_EFLAGS_CF   0x00000001UL
#define X86_EFLAGS_MBS  0x00000002UL
#define X86_EFLAGS_PF   0x00000004UL
#define X86_EFLAGS_AF   0x00000010UL
#define X86_EFLAGS_ZF   0x00000040UL
#define X86_EFLAGS_SF   0x00000080UL
#define X86_EFLAGS_TF   0x00000100UL
#define X86_EFLAGS_IF   0x00000200UL
#define X86_EFLAGS_DF   0x00000400UL
#define X86_EFLAGS_OF   0x00000800UL
#define X86_EFLAGS_IOPL 0x00003000UL
#define X86_EFLAGS_NT   0x00004000UL
#define X86_EFLAGS_RF   0x00010000UL
#define X86_EFLAGS_VM   0x00020000UL
#define X86_EFLAGS_AC   0x00040000UL
#define X86_EFLAGS_ID   0x00200000UL

#define MSR_EFER            0xc0000080
#define MSR_STAR            0xc0000081
#define MSR_LSTAR           0xc0000082
#define MSR_CSTAR           0xc0000083
#define MSR_SYSCALL_MASK    0xc0000084
#define MSR_FS_BASE         0xc0000100
#define MSR_GS_BASE         0xc0000101
#define MSR_SHADOW_GS_BASE  0xc0000102
#define MSR_TSC_AUX         0xc0000103
#define MSR_APIC_BASE       0x0000001b
#define MSR_TSC             0x00000010
#define MSR_PAT             0x00000277
#define MSR_MISC_ENABLE     0x000001a0
#define MSR_SYSENTER_CS     0x00000174
#define MSR_SYSENTER_ESP    0x00000175
#define MSR_SYSENTER_EIP    0x00000176
#define MSR_MISC_FEATURES_ENABLES 0x00000140
#define MSR_MCG_CAP         0x00000179
#define MSR_MCG_STATUS      0x0000017a
#define MSR_MC0_CTL         0x00000400  /* bank i: CTL, STATUS, ADDR, MISC at +4i */

#define EFER_SCE (1UL << 0)
#define EFER_LME (1UL << 8)
#define EFER_LMA (1UL << 10)
#define EFER_NXE (1UL << 11)

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline void outb(uint8_t v, uint16_t port)
{
    asm volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outw(uint16_t v, uint16_t port)
{
    asm volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}
static inline void outl(uint32_t v, uint16_t port)
{
    asm volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}
/* rdmsr that reports a #GP instead of taking it (see the exception table). */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void cpuid_count(uint32_t leaf, uint32_t sub, uint32_t *a,
                               uint32_t *b, uint32_t *c, uint32_t *d)
{
    asm volatile("cpuid"
                 : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
                 : "0"(leaf), "2"(sub));
}

#define DEFINE_CR(n)                                                     \
    static inline unsigned long read_cr##n(void)                         \
    {                                                                    \
        unsigned long v;                                                 \
        asm volatile("mov %%cr" #n ", %0" : "=r"(v));                    \
        return v;                                                        \
    }                                                                    \
    static inline void write_cr##n(unsigned long v)                      \
    {                                                                    \
        asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory");           \
    }
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline void invlpg(unsigned long va)
{
    asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}
void tlb_note_flush(void);   /* common/page_alloc.c: the flush clock */

/* Without CR4.PGE every CR3 load flushes the whole TLB. */
static inline void load_cr3_flush(unsigned long cr3)
{
    write_cr3(cr3);
    tlb_note_flush();
}
static inline void flush_tlb_local(void)
{
    load_cr3_flush(read_cr3());
}

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static inline void lgdt(const struct desc_ptr *p)
{
    asm volatile("lgdt %0" : : "m"(*p));
}
static inline void lidt(const struct desc_ptr *p)
{
    asm volatile("lidt %0" : : "m"(*p));
}
static inline void ltr(uint16_t sel)
{
    asm volatile("ltr %0" : : "rm"(sel));
}
static inline void lldt(uint16_t sel)
{
    asm volatile("lldt %0" : : "rm"(sel));
}
/* Reload CS with a far return, data segments with the given selector. */
static inline void load_hv_segments(uint16_t cs, uint16_t ds)
{
    asm volatile("pushq %q0\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "mov %w1, %%ss"
                 : : "r"((unsigned long)cs), "r"(ds) : "rax", "memory");
}
static inline void load_gs_selector(uint16_t sel)
{
    asm volatile("mov %0, %%gs" : : "rm"(sel));
}
static inline void load_fs_selector(uint16_t sel)
{
    asm volatile("mov %0, %%fs" : : "rm"(sel));
}
static inline void swapgs(void)
{
    asm volatile("swapgs");
}

static inline void cli(void)
{
    asm volatile("cli" : : : "memory");
}
static inline void sti(void)
{
    asm volatile("sti" : : : "memory");
}
static inline void halt(void)
{
    asm volatile("hlt" : : : "memory");
}
static inline void safe_halt(void)
{
    asm volatile("sti; hlt" : : : "memory");
}
static inline void cpu_relax(void)
{
    asm volatile("pause" : : : "memory");
}
static inline void clts(void)
{
    asm volatile("clts");
}
static inline void stts(void)
{
    write_cr0(read_cr0() | X86_CR0_TS);
}

/* Debug registers: DR0-3, DR6, DR7 (no DR4/5 aliases). */
#define X86_DR6_DEFAULT 0xffff0ff0UL
#define X86_DR7_DEFAULT 0x400UL
static inline unsigned long read_debugreg(unsigned int n)
{
    unsigned long v = 0;

    switch (n) {
    case 0: asm volatile("mov %%db0, %0" : "=r"(v)); break;
    case 1: asm volatile("mov %%db1, %0" : "=r"(v)); break;
    case 2: asm volatile("mov %%db2, %0" : "=r"(v)); break;
    case 3: asm volatile("mov %%db3, %0" : "=r"(v)); break;
    case 6: asm volatile("mov %%db6, %0" : "=r"(v)); break;
    case 7: asm volatile("mov %%db7, %0" : "=r"(v)); break;
    }
    return v;
}
static inline void write_debugreg(unsigned int n, unsigned long v)
{
    switch (n) {
    case 0: asm volatile("mov %0, %%db0" : : "r"(v)); break;
    case 1: asm volatile("mov %0, %%db1" : : "r"(v)); break;
    case 2: asm volatile("mov %0, %%db2" : : "r"(v)); break;
    case 3: asm volatile("mov %0, %%db3" : : "r"(v)); break;
    case 6: asm volatile("mov %0, %%db6" : : "r"(v)); break;
    case 7: asm volatile("mov %0, %%db7" : : "r"(v)); break;
    }
}
static inline unsigned long read_rflags(void)
{
    unsigned long f;
    asm volatile("pushfq; popq %0" : "=r"(f));
    return f;
}
extern uint32_t mxcsr_mask;  /* MXCSR bits fxrstor accepts (setup.c) */
static inline void fxsave(void *area)
{
    asm volatile("fxsaveq %0" : "=m"(*(char (*)[512])area));
}
static inline void fxrstor(const void *area)
{
    asm volatile("fxrstorq %0" : : "m"(*(const char (*)[512])area));
}
static inline unsigned long read_rbp(void)
{
    unsigned long v;
    asm volatile("mov %%rbp, %0" : "=r"(v));
    return v;
}
static inline unsigned long read_rsp(void)
{
    unsigned long v;
    asm volatile("mov %%rsp, %0" : "=r"(v));
    return v;
}
static inline void barrier(void)
{
    asm volatile("" : : : "memory");
}
static inline void mb(void)
{
    asm volatile("mfence" : : : "memory");
}

#endif
