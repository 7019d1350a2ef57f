/* SPDX-License-Identifier: GPL-2.0-only */
/* GDT (Xen's reserved selectors), TSS with IST stacks, IDT, syscall MSRs. */
#include <xenia/console.h>
#include <xenia/mm.h>
#include <xenia/sched.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

extern pte_t boot_l4[PT_ENTRIES];
extern const char idt_stub_base[];
#define idt_stubs(v) ((unsigned long)idt_stub_base + 16 * (v))
void syscall_entry(void);
void syscall32_entry(void);

static struct tss64 tss __attribute__((aligned(64)));
static uint64_t gdt_page[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));
static uint8_t zero_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static struct idt_entry idt[NR_VECTORS] __attribute__((aligned(PAGE_SIZE)));
static uint8_t ist_stacks[4][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static pte_t *gdt_l1;   /* the 16 L1 entries of the GDT window */

static uint64_t seg_desc(uint32_t base, uint32_t limit, unsigned int type,
                         unsigned int dpl, bool l, bool db, bool g)
{
    return (limit & 0xffffULL) | ((uint64_t)(base & 0xffffff) << 16) |
           ((uint64_t)type << 40) | (1ULL << 44) | ((uint64_t)dpl << 45) |
           (1ULL << 47) | ((uint64_t)(limit >> 16 & 0xf) << 48) |
           ((uint64_t)l << 53) | ((uint64_t)db << 54) | ((uint64_t)g << 55) |
           ((uint64_t)(base >> 24) << 56);
}

static void gdt_fill(void)
{
    uint64_t base = (uint64_t)&tss;
    unsigned int e;

    /* Data and code descriptors carry the accessed bit so the CPU never
     * writes to the GDT when loading them. */
    gdt_page[(HV_CS >> 3) & 511] = seg_desc(0, 0xfffff, 0xb, 0, true, false, true);
    gdt_page[(HV_DS >> 3) & 511] = seg_desc(0, 0xfffff, 0x3, 0, false, true, true);
    gdt_page[(GUEST_CS32 >> 3) & 511] = seg_desc(0, 0xfffff, 0xb, 3, false, true, true);
    gdt_page[(GUEST_DS >> 3) & 511] = seg_desc(0, 0xfffff, 0x3, 3, false, true, true);
    gdt_page[(GUEST_CS64 >> 3) & 511] = seg_desc(0, 0xfffff, 0xb, 3, true, false, true);

    e = (HV_TSS >> 3) & 511;
    gdt_page[e] = (sizeof(tss) - 1) | ((base & 0xffffff) << 16) |
                  (0x9ULL << 40) | (1ULL << 47) | ((base >> 24 & 0xff) << 56);
    gdt_page[e + 1] = base >> 32;
}

/* The 16-page GDT window: 14 guest frames, our page, one empty page. */
void gdt_window_init(void)
{
    unsigned int i;
    pte_t *l4 = boot_l4;

    for (i = 0; i < 16; i++)
        map_pages(l4, GDT_VIRT_START + i * PAGE_SIZE, virt_to_mfn(zero_page), 1,
                  _PAGE_PRESENT | _PAGE_NX);
    gdt_l1 = maddr_to_virt(((pte_t *)maddr_to_virt(((pte_t *)maddr_to_virt(
                 l4[l4_index(GDT_VIRT_START)] & PTE_ADDR_MASK))[l3_index(GDT_VIRT_START)]
                 & PTE_ADDR_MASK))[l2_index(GDT_VIRT_START)] & PTE_ADDR_MASK);
    gdt_l1 += l1_index(GDT_VIRT_START);
    gdt_l1[FIRST_RESERVED_GDT_PAGE] =
        pte_make(virt_to_mfn(gdt_page), _PAGE_PRESENT | _PAGE_RW | _PAGE_NX);
}

/* Point the guest part of the window at a vCPU's GDT frames (0 = empty). */
void gdt_load_guest_frames(const unsigned long *frames, unsigned int nr)
{
    unsigned int i;

    for (i = 0; i < FIRST_RESERVED_GDT_PAGE; i++) {
        unsigned long mfn = i < nr ? frames[i] : virt_to_mfn(zero_page);

        if (pte_mfn(gdt_l1[i]) != mfn) {
            gdt_l1[i] = pte_make(mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_NX);
            invlpg(GDT_VIRT_START + i * PAGE_SIZE);
        }
    }
}

static void idt_set(unsigned int vec, unsigned long handler, unsigned int dpl,
                    unsigned int ist)
{
    idt[vec] = (struct idt_entry){
        .offset_lo = handler & 0xffff,
        .selector = HV_CS,
        .ist = ist,
        .type_attr = 0x8e | (dpl << 5),
        .offset_mid = (handler >> 16) & 0xffff,
        .offset_hi = handler >> 32,
    };
}

void desc_init(void)
{
    struct desc_ptr gdtr = { 0xffff, GDT_VIRT_START };
    struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };
    unsigned int v;

    gdt_fill();
    lgdt(&gdtr);
    load_hv_segments(HV_CS, HV_DS);
    tss.rsp[0] = (uint64_t)&get_cpu_info()->guest_regs + sizeof(struct cpu_regs);
    tss.ist[IST_NMI - 1] = (uint64_t)ist_stacks[0] + PAGE_SIZE;
    tss.ist[IST_DF - 1] = (uint64_t)ist_stacks[1] + PAGE_SIZE;
    tss.ist[IST_MC - 1] = (uint64_t)ist_stacks[2] + PAGE_SIZE;
    tss.ist[IST_DB - 1] = (uint64_t)ist_stacks[3] + PAGE_SIZE;
    tss.iomap_base = sizeof(tss);   /* no I/O bitmap: ring 3 port I/O faults */
    ltr(HV_TSS);

    for (v = 0; v < NR_VECTORS; v++)
        idt_set(v, idt_stubs(v), 0, 0);
    idt_set(TRAP_int3, idt_stubs(TRAP_int3), 3, 0);
    idt_set(TRAP_overflow, idt_stubs(TRAP_overflow), 3, 0);
    idt_set(LEGACY_SYSCALL_VECTOR, idt_stubs(LEGACY_SYSCALL_VECTOR), 3, 0);
    idt_set(TRAP_nmi, idt_stubs(TRAP_nmi), 0, IST_NMI);
    idt_set(TRAP_double_fault, idt_stubs(TRAP_double_fault), 0, IST_DF);
    idt_set(TRAP_machine_check, idt_stubs(TRAP_machine_check), 0, IST_MC);
    /* #DB on its own stack: `mov ss` then `syscall` delivers a pending
     * #DB at the syscall entry, in ring 0 but still on the guest's stack. */
    idt_set(TRAP_debug, idt_stubs(TRAP_debug), 0, IST_DB);
    lidt(&idtr);

    /* syscall: CS/SS 0xe008/0xe010 in; sysret: 0xe033/0xe02b out. */
    wrmsr(MSR_STAR, ((uint64_t)(GUEST_CS32 & ~3) << 48) | ((uint64_t)HV_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    log_debug("STAR %#lx LSTAR %#lx", (unsigned long)rdmsr(MSR_STAR), (unsigned long)rdmsr(MSR_LSTAR));
    wrmsr(MSR_CSTAR, (uint64_t)syscall32_entry);
    wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | X86_EFLAGS_DF | X86_EFLAGS_TF |
                                X86_EFLAGS_NT | X86_EFLAGS_AC | X86_EFLAGS_IOPL);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE | EFER_NXE);
}
