/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the native platform: pv_native, CPU tables, 8259s, LAPIC timer, TSC clock, COM1, multiboot entry. */
#include "pvguest.h"
#include "arch.h"
#include "native.h"
#include <asm/desc.h>      /* the hypervisor's IDT gate and TSS layouts */
#include "pvpatch.h"

#define LOAD_PFN        (NATIVE_LOAD_BASE >> PAGE_SHIFT)
#define NSEC_PER_SEC    1000000000UL

#define MSR_APIC_BASE   0x0000001bU
#define MSR_STAR        0xc0000081U
#define MSR_LSTAR       0xc0000082U
#define MSR_SFMASK      0xc0000084U
#define EFER_SCE        (1UL << 0)
#define APIC_BASE_BSP   (1UL << 8)
#define APIC_BASE_ENABLE (1UL << 11)

/* RFLAGS bits SYSCALL clears: IF, TF, DF, AC, and NT (iretq faults on it). */
#define SYSCALL_MASK    ((1UL << 9) | (1UL << 8) | (1UL << 10) | (1UL << 18) | \
                         (1UL << 14))

static inline uint64_t virt_to_phys(const void *va)
{
    return (uint64_t)va - NATIVE_VIRT_BASE + NATIVE_LOAD_BASE;
}

/* ---- COM1: a 16550 at 115200 8n1, polled ---- */

#define COM1            0x3f8
#define UART_LSR_THRE   0x20

static void uart_init(void)
{
    outb(COM1 + 1, 0x00);       /* IER: no interrupts */
    outb(COM1 + 3, 0x80);       /* LCR: DLAB, to reach the divisor */
    outb(COM1 + 0, 0x01);       /* 115200 / 1 */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);       /* 8 data bits, no parity, 1 stop bit */
    outb(COM1 + 2, 0xc7);       /* FIFOs on and cleared */
    outb(COM1 + 4, 0x03);       /* DTR, RTS */
}

static void native_console_write(const char *buf, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        while (!(inb(COM1 + 5) & UART_LSR_THRE))
            ;
        outb(COM1, (uint8_t)buf[i]);
    }
}

/* QEMU's isa-debug-exit at 0xf4 ends QEMU with status (code << 1) | 1. */
static void __noreturn native_shutdown(int code)
{
    outl(0xf4, (uint32_t)code);
    for (;;)
        asm volatile("cli; hlt");
}

/* For the platform's own boot failures, before the kernel's printf is of use. */
static void __noreturn native_fatal(const char *msg)
{
    static const char prefix[] = "pvguest: PANIC: native: ";

    native_console_write(prefix, sizeof(prefix) - 1);
    native_console_write(msg, (int)strlen(msg));
    native_console_write("\n", 1);
    native_shutdown(2);
}

/* ---- Descriptor tables and system-call MSRs ---- */

struct desc_ptr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

/* Accessed bits preset: the CPU never writes descriptors but the TSS's. */
static uint64_t gdt[GDT_ENTRIES] __aligned(16) = {
    [GDT_KERNEL_CS >> 3] = 0x00af9b000000ffffUL,   /* 64-bit, DPL 0 */
    [GDT_KERNEL_DS >> 3] = 0x00cf93000000ffffUL,
    [GDT_USER_DS >> 3]   = 0x00cff3000000ffffUL,   /* DPL 3 */
    [GDT_USER_CS >> 3]   = 0x00affb000000ffffUL,   /* 64-bit, DPL 3 */
};

/* iomap_base past the limit: no I/O bitmap, so ring 3 I/O faults. */
static struct tss64 tss __aligned(16) = { .iomap_base = sizeof(struct tss64) };
static struct idt_entry idt[256] __aligned(16);
static uint8_t df_stack[2 * PAGE_SIZE] __page_aligned_bss;
unsigned long native_sp0;


static void gdt_set_tss(void)
{
    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
    unsigned int i = GDT_TSS >> 3;

    gdt[i] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
             (0x89UL << 40) |                   /* present, 64-bit TSS */
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[i + 1] = base >> 32;
}

/* Load our GDT and reload every segment register from it (CS by lretq). */
static void gdt_load(void)
{
    struct desc_ptr p = { sizeof(gdt) - 1, (uint64_t)gdt };

    asm volatile("lgdt %0\n\t"
                 "pushq %1\n\t"
                 "leaq 1f(%%rip), %%rax\n\t"
                 "pushq %%rax\n\t"
                 "lretq\n"
                 "1:\n\t"
                 "mov %2, %%ds\n\t"
                 "mov %2, %%es\n\t"
                 "mov %2, %%ss"
                 :: "m"(p), "i"(GDT_KERNEL_CS), "r"(GDT_KERNEL_DS)
                 : "rax", "memory");
    asm volatile("ltr %w0" :: "r"(GDT_TSS));
}

static void idt_set(unsigned int vec, unsigned int dpl, unsigned int ist)
{
    uint64_t fn = (uint64_t)native_idt_stubs + 16 * vec;
    struct idt_entry *g = &idt[vec];

    g->offset_lo = (uint16_t)fn;
    g->selector = GDT_KERNEL_CS;
    g->ist = (uint8_t)ist;
    g->type_attr = (uint8_t)(0x8e | (dpl << 5));    /* present interrupt gate */
    g->offset_mid = (uint16_t)(fn >> 16);
    g->offset_hi = (uint32_t)(fn >> 32);
}

/* Every vector has a stub; #BP and #OF may be raised by int3/into in ring 3. */
static void idt_load(void)
{
    struct desc_ptr p = { sizeof(idt) - 1, (uint64_t)idt };
    unsigned int v;

    for (v = 0; v < ARRAY_SIZE(idt); v++)
        idt_set(v, 0, 0);
    idt_set(X86_EXC_BP, 3, 0);
    idt_set(X86_EXC_OF, 3, 0);
    idt_set(8, 0, IST_DF);                      /* #DF: a known-good stack */
    asm volatile("lidt %0" :: "m"(p));
}

/*
 * SYSCALL enters at native_syscall_entry with the kernel selectors; a
 * 64-bit SYSRET returns with GDT_USER_CS/DS (see native.h).
 */
static void syscall_init(void)
{
    wrmsr(MSR_STAR, ((uint64_t)GDT_USER_CS32 << 48) |
                    ((uint64_t)GDT_KERNEL_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)native_syscall_entry);
    wrmsr(MSR_SFMASK, SYSCALL_MASK);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

static void native_load_sp0(unsigned long sp)
{
    tss.rsp[0] = sp;
    native_sp0 = sp;
}

/* The GDT with its TSS (kernel stack for entries from ring 3, #DF's IST). */
static void native_load_gdt(void)
{
    gdt_set_tss();
    tss.ist[IST_DF - 1] = (uint64_t)df_stack + sizeof(df_stack);
    native_load_sp0((unsigned long)native_boot_stack_top);
    gdt_load();
}

/* Every way into the kernel: the IDT, and LSTAR for syscall. */
static void native_load_trap_table(void)
{
    idt_load();
    syscall_init();
}

/* ---- Interrupt controllers ---- */

/* Both 8259s moved off the exception vectors (to 0xf0-0xff), then masked. */
static void pic_disable(void)
{
    outb(0x20, 0x11);                   /* ICW1: edge, cascade, ICW4 */
    outb(0xa0, 0x11);
    outb(0x21, NATIVE_VEC_PIC_BASE);    /* ICW2: vector base */
    outb(0xa1, NATIVE_VEC_PIC_BASE + 8);
    outb(0x21, 0x04);                   /* ICW3: slave on IRQ 2 */
    outb(0xa1, 0x02);
    outb(0x21, 0x01);                   /* ICW4: 8086 mode */
    outb(0xa1, 0x01);
    outb(0x21, 0xff);                   /* OCW1: mask all */
    outb(0xa1, 0xff);
}

#define LAPIC_TPR       0x080
#define LAPIC_EOI       0x0b0
#define LAPIC_SVR       0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_TMICT     0x380           /* initial count */
#define LAPIC_TMCCT     0x390           /* current count */
#define LAPIC_TDCR      0x3e0
#define LAPIC_SVR_ENABLE (1U << 8)
#define LVT_MASKED      (1U << 16)      /* one-shot mode is 0 */
#define TDCR_DIV16      0x3

static inline uint32_t lapic_read(unsigned int reg)
{
    return *(volatile uint32_t *)(NATIVE_LAPIC_VA + reg);
}

static inline void lapic_write(unsigned int reg, uint32_t v)
{
    *(volatile uint32_t *)(NATIVE_LAPIC_VA + reg) = v;
}

/* xAPIC mode at the address boot_native.S mapped; LINT0 (the 8259s) off. */
static void lapic_init(void)
{
    uint32_t r[4];

    asm volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                 : "0"(1), "2"(0));
    if (!(r[3] & (1U << 9)))
        native_fatal("no local APIC");
    wrmsr(MSR_APIC_BASE, (rdmsr(MSR_APIC_BASE) & APIC_BASE_BSP) |
                         NATIVE_LAPIC_PHYS | APIC_BASE_ENABLE);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | NATIVE_VEC_TIMER);
    lapic_write(LAPIC_TDCR, TDCR_DIV16);
    lapic_write(LAPIC_TMICT, 0);
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | NATIVE_VEC_SPURIOUS);
}

/* ---- Time ---- */

/*
 * clock_ns = (tsc - tsc_base) * ns_mult >> 32, and LAPIC ticks for an
 * interval = ns * apic_mult >> 32: 32.32 fixed-point rates computed once,
 * so the fast paths need a 64x64->128 multiply but no 128-bit division.
 */
static uint64_t tsc_base, tsc_hz, ns_mult;
static uint64_t apic_hz, apic_mult;
static uint64_t timer_deadline;         /* of the armed one-shot */

#define PIT_HZ          1193182UL
#define PIT_CAL_MS      20
#define PIT_LATCH       (PIT_HZ * PIT_CAL_MS / 1000)
#define PIT_CAL_SPINS   (1UL << 26)     /* gives up after seconds, not ms */

/*
 * Count TSC cycles and LAPIC timer ticks (masked, counting down from the
 * top) over one PIT channel 2 countdown of PIT_CAL_MS.  Mode 0 drives OUT2
 * (port 0x61 bit 5) low on the command and high at terminal count; bit 0
 * of port 0x61 is the channel's gate, bit 1 the speaker (kept off).
 */
static void time_calibrate(void)
{
    uint64_t t0, t1;
    uint32_t a0, a1;
    unsigned long spins = 0;

    outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01));
    outb(0x43, 0xb0);                   /* channel 2, lo/hi byte, mode 0 */
    lapic_write(LAPIC_TMICT, 0xffffffff);
    outb(0x42, PIT_LATCH & 0xff);
    outb(0x42, PIT_LATCH >> 8);         /* counting starts */
    t0 = rdtsc();
    a0 = lapic_read(LAPIC_TMCCT);
    while (!(inb(0x61) & 0x20))
        if (++spins > PIT_CAL_SPINS)
            native_fatal("PIT channel 2 never reached terminal count");
    t1 = rdtsc();
    a1 = lapic_read(LAPIC_TMCCT);
    lapic_write(LAPIC_TMICT, 0);

    tsc_hz = (t1 - t0) * PIT_HZ / PIT_LATCH;
    apic_hz = (uint64_t)(a0 - a1) * PIT_HZ / PIT_LATCH;
    if (!tsc_hz || !apic_hz || apic_hz >> 32)
        native_fatal("TSC or LAPIC timer calibration failed");
    tsc_base = t1;
    ns_mult = (NSEC_PER_SEC << 32) / tsc_hz;
    apic_mult = (apic_hz << 32) / NSEC_PER_SEC;
}

static uint64_t native_clock_ns(void)
{
    return (uint64_t)(((unsigned __int128)(rdtsc() - tsc_base) * ns_mult) >> 32);
}

/*
 * One-shot LAPIC countdown to `deadline`, one tick late rather than early;
 * a deadline already past fires after a single tick.  Intervals beyond the
 * 32-bit count fire early and native_irq() re-arms.
 */
static void lapic_timer_arm(uint64_t deadline)
{
    uint64_t now = native_clock_ns();
    unsigned __int128 ticks = 1;

    if (deadline > now)
        ticks = (((unsigned __int128)(deadline - now) * apic_mult) >> 32) + 1;
    if (ticks > UINT32_MAX)
        ticks = UINT32_MAX;
    lapic_write(LAPIC_LVT_TIMER, NATIVE_VEC_TIMER);
    lapic_write(LAPIC_TMICT, (uint32_t)ticks);
}

static void native_timer_oneshot(uint64_t deadline_ns)
{
    timer_deadline = deadline_ns;
    lapic_timer_arm(deadline_ns);
}

/*
 * Vectors >= NATIVE_VEC_FIRST_IRQ, with interrupts disabled.  The timer is
 * acknowledged before the kernel's tick, which may switch threads and come
 * back much later.  Any other vector can only be a software `int n`:
 * trap_dispatch() records it as under Xen.
 */
void native_irq(struct cpu_regs *regs)
{
    switch (regs->vector) {
    case NATIVE_VEC_TIMER:
        lapic_write(LAPIC_EOI, 0);
        if (native_clock_ns() < timer_deadline) {
            lapic_timer_arm(timer_deadline);    /* clamped or stale: early */
            return;
        }
        kern_timer_interrupt();
        return;
    case NATIVE_VEC_PIC_SPURIOUS:
    case NATIVE_VEC_SPURIOUS:
        return;
    default:
        trap_dispatch(regs);
    }
}

/* ---- The operations table ---- */

static unsigned long native_save_fl(void)
{
    return read_rflags() & X86_EFLAGS_IF;
}

static void native_restore_fl(unsigned long flags)
{
    if (flags & X86_EFLAGS_IF)
        sti();
    else
        cli();
}

/* sti holds interrupts off for one more instruction: none slips in before hlt. */
static void native_safe_halt(void)
{
    asm volatile("sti; hlt" ::: "memory");
}

static unsigned long native_pfn_to_mfn(unsigned long pfn)
{
    return pfn + LOAD_PFN;
}

static unsigned long native_mfn_to_pfn(unsigned long mfn)
{
    return mfn - LOAD_PFN;
}

static void native_set_pte(uint64_t *ptep, uint64_t val)
{
    *(volatile uint64_t *)ptep = val;
}

static void native_pte_batch(const struct pte_update *u, unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n; i++)
        native_set_pte(u[i].ptep, u[i].val);
}

static void native_pt_nop(void *table, enum pt_level level)
{
    (void)table;
    (void)level;
}

/* One root for both modes: the user half is simply not supervisor-only. */
static void native_load_root(uint64_t *kernel_l4, uint64_t *user_l4)
{
    (void)user_l4;
    write_cr3(virt_to_phys(kernel_l4));
}

/* No batching natively: each load already took effect. */
static void native_nop(void)
{
}

static void native_flush_tlb_one(unsigned long va)
{
    invlpg(va);
}

/* No global pages (CR4.PGE off): a CR3 write flushes everything. */
static void native_flush_tlb_all(void)
{
    write_cr3(read_cr3());
}

static unsigned long native_read_cr2(void)
{
    return read_cr2();
}

static void native_set_fs_base(unsigned long base)
{
    wrmsr(MSR_FS_BASE, base);
}

static void native_cpuid(uint32_t leaf, uint32_t sub, uint32_t res[4])
{
    asm volatile("cpuid"
                 : "=a"(res[0]), "=b"(res[1]), "=c"(res[2]), "=d"(res[3])
                 : "0"(leaf), "2"(sub));
}

static uint64_t native_rdmsr(uint32_t msr)
{
    return rdmsr(msr);
}

static void native_wrmsr(uint32_t msr, uint64_t val)
{
    wrmsr(msr, val);
}

static uint8_t native_inb(uint16_t port)
{
    return inb(port);
}

static void native_outb(uint16_t port, uint8_t val)
{
    outb(port, val);
}

static void native_irq_disable(void)
{
    cli();
}

static void native_irq_enable(void)
{
    sti();
}

/*
 * What the kernel's call sites become natively (pvpatch.c): the
 * instruction itself, or nothing at all.  Same contract as a call:
 * arguments in RDI, RSI, result in RAX.
 */
#define PATCH(op, ...) \
    { offsetof(struct pv_ops, op), sizeof((uint8_t[]){ __VA_ARGS__ }), { __VA_ARGS__ } }
#define PATCH_NOTHING(op) { offsetof(struct pv_ops, op), 0, { 0 } }
#define LE32(v) (uint8_t)(v), (uint8_t)((v) >> 8), (uint8_t)((v) >> 16), \
                (uint8_t)((v) >> 24)

static const struct pvop_patch native_patches[] = {
    PATCH(save_fl, 0x9c, 0x58),                 /* pushfq; pop %rax */
    PATCH(restore_fl, 0x57, 0x9d),              /* push %rdi; popfq */
    PATCH(irq_disable, 0xfa),                   /* cli */
    PATCH(irq_enable, 0xfb),                    /* sti */
    PATCH(safe_halt, 0xfb, 0xf4),               /* sti; hlt */
    PATCH(pfn_to_mfn, 0x48, 0x8d, 0x87, LE32(LOAD_PFN)),    /* lea LOAD_PFN(%rdi), %rax */
    PATCH(mfn_to_pfn, 0x48, 0x8d, 0x87, LE32(0u - LOAD_PFN)), /* lea -LOAD_PFN(%rdi), %rax */
    PATCH(set_pte, 0x48, 0x89, 0x37),           /* mov %rsi, (%rdi) */
    PATCH_NOTHING(pt_alloc),
    PATCH_NOTHING(pt_free),
    PATCH_NOTHING(start_context_switch),
    PATCH_NOTHING(end_context_switch),
    PATCH(flush_tlb_one, 0x0f, 0x01, 0x3f),     /* invlpg (%rdi) */
    PATCH(flush_tlb_all, 0x0f, 0x20, 0xd8, 0x0f, 0x22, 0xd8),   /* via %rax */
    PATCH(read_cr2, 0x0f, 0x20, 0xd0),          /* mov %cr2, %rax */
};

/* SSE needs CR4.OSFXSR (and fxsave saves XMM only with it); no #NM. */
static void native_fpu_init(void)
{
    write_cr0((read_cr0() & ~(X86_CR0_EM | X86_CR0_TS)) | X86_CR0_MP);
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
}

const struct pv_ops pv_native = {
    .name = "native",
    .patches = native_patches,
    .nr_patches = ARRAY_SIZE(native_patches),
    .save_fl = native_save_fl,
    .restore_fl = native_restore_fl,
    .irq_disable = native_irq_disable,
    .irq_enable = native_irq_enable,
    .safe_halt = native_safe_halt,
    .pfn_to_mfn = native_pfn_to_mfn,
    .mfn_to_pfn = native_mfn_to_pfn,
    .set_pte = native_set_pte,
    .pte_batch = native_pte_batch,
    .pt_alloc = native_pt_nop,
    .pt_free = native_pt_nop,
    .load_root = native_load_root,
    .start_context_switch = native_nop,
    .end_context_switch = native_nop,
    .flush_tlb_one = native_flush_tlb_one,
    .flush_tlb_all = native_flush_tlb_all,
    .read_cr2 = native_read_cr2,
    .load_trap_table = native_load_trap_table,
    .load_gdt = native_load_gdt,
    .load_sp0 = native_load_sp0,
    .set_fs_base = native_set_fs_base,
    .cpuid = native_cpuid,
    .rdmsr = native_rdmsr,
    .wrmsr = native_wrmsr,
    .fpu_init = native_fpu_init,
    .inb = native_inb,
    .outb = native_outb,
    .user_cs = GDT_USER_CS,
    .user_ss = GDT_USER_DS,
    .ret_to_user = native_ret_to_user,
    .clock_ns = native_clock_ns,
    .timer_oneshot = native_timer_oneshot,
    .console_write = native_console_write,
    .shutdown = native_shutdown,
};

/* ---- Multiboot entry ---- */

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;      /* KiB below 640 KiB / above 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;                   /* physical address of a string */
};

#define MB_INFO_MEM     (1U << 0)
#define MB_INFO_CMDLINE (1U << 2)

static char native_cmdline[256];

/*
 * Loaders (QEMU, GRUB) put the image's path first: drop that word, as Xen
 * does with its own command line, so the role comes first as under Xen.
 */
static void mb_copy_cmdline(const char *s)
{
    size_t i = 0;

    while (*s == ' ')
        s++;
    while (*s && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    while (*s && i < sizeof(native_cmdline) - 1)
        native_cmdline[i++] = *s++;
    native_cmdline[i] = '\0';
}

/*
 * Read what we need from the multiboot info through the identity map
 * (the info and the string lie just after the image); returns the top of
 * the RAM above 1 MiB.
 */
static uint64_t mb_read(uint32_t mbi_phys)
{
    const struct mb_info *mbi = (const struct mb_info *)(uintptr_t)mbi_phys;

    if (mbi_phys >= NATIVE_MAP_SIZE - sizeof(*mbi))
        native_fatal("multiboot info beyond the boot identity map");
    if ((mbi->flags & MB_INFO_CMDLINE) && mbi->cmdline < NATIVE_MAP_SIZE)
        mb_copy_cmdline((const char *)(uintptr_t)mbi->cmdline);
    if (!(mbi->flags & MB_INFO_MEM))
        native_fatal("no memory size from the boot loader");
    return 0x100000 + (uint64_t)mbi->mem_upper * 1024;
}

/* The frames after the load offset, as far as the VIRT_BASE mapping goes. */
static unsigned long native_nr_pages(uint64_t ram_top)
{
    uint64_t image = (uint64_t)(_image_end - _image_start);

    if (ram_top < NATIVE_LOAD_BASE + image)
        native_fatal("the image does not fit in RAM");
    if (ram_top > NATIVE_LOAD_BASE + NATIVE_MAP_SIZE)
        ram_top = NATIVE_LOAD_BASE + NATIVE_MAP_SIZE;
    return (ram_top - NATIVE_LOAD_BASE) >> PAGE_SHIFT;
}

/*
 * The boot code mapped the whole 1 GiB window, cacheable: keep only the
 * 2 MiB pages that hold RAM, so nothing maps what may be device memory.
 */
static void native_trim_map(unsigned long nr_pages)
{
    unsigned long i;

    for (i = (nr_pages + 511) / 512; i < 512; i++)
        native_boot_l2[i] = 0;
    native_flush_tlb_all();
}

/*
 * From boot_native.S on the boot stack, interrupts off, the boot page
 * tables loaded.  The low identity map goes once the multiboot info is
 * read: as under Xen, L4 slot 0 is empty when the kernel starts.
 */
void __noreturn native_main(uint32_t mbi_phys)
{
    static struct boot_params bp;
    uint64_t ram_top;

    pv_select(&pv_native);
    uart_init();
    ram_top = mb_read(mbi_phys);
    pv->load_gdt();
    pv->load_trap_table();
    native_boot_l4[0] = 0;
    native_flush_tlb_all();
    pic_disable();
    lapic_init();
    time_calibrate();

    bp.cmdline = native_cmdline;
    bp.nr_pages = native_nr_pages(ram_top);
    native_trim_map(bp.nr_pages);
    bp.first_free_pfn = (unsigned long)(_image_end - _image_start) >> PAGE_SHIFT;
    bp.mapped_pfns = bp.nr_pages;
    bp.root = native_boot_l4;
    bp.tsc_khz = tsc_hz / 1000;
    printf("native: loaded at %#lx, RAM top %#lx, TSC %lu kHz, LAPIC timer %lu kHz\n",
           (unsigned long)NATIVE_LOAD_BASE, (unsigned long)ram_top,
           (unsigned long)bp.tsc_khz, (unsigned long)(apic_hz / 1000));
    kernel_start(&bp);
}
