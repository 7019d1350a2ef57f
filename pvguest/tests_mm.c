/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest tests: memory (memory_op, M2P, update_va_mapping, mmu_update, mmuext_op), FPU, GDT. */
#include "tests.h"
#include "arch.h"
#include "hypercall.h"

static const unsigned long *const m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

static uint8_t page_a[PAGE_SIZE] __page_aligned_bss;
static uint8_t page_b[PAGE_SIZE] __page_aligned_bss;
static uint8_t gdt_page[PAGE_SIZE] __page_aligned_bss;
static uint8_t gdt_rw_page[PAGE_SIZE] __page_aligned_bss;

static long mmuext1(unsigned int cmd, unsigned long arg1)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = arg1;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

struct e820entry {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));

static enum test_result t_memory_map(void)
{
    static struct e820entry map[32];
    struct xen_memory_map mm = { .nr_entries = ARRAY_SIZE(map) };

    /*
     * A PV dom0 has no pseudo-physical e820 on Xen: -ENOSYS, which Linux
     * takes as "one RAM region of nr_pages".
     */
    set_xen_guest_handle(mm.buffer, map);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), -XEN_ENOSYS);
    return T_PASS;
}

static enum test_result t_machine_memory_map(void)
{
    static struct e820entry map[64];
    struct xen_memory_map mm = { .nr_entries = ARRAY_SIZE(map) };

    set_xen_guest_handle(mm.buffer, map);
    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_machine_memory_map, &mm), 0);
    CHECK(mm.nr_entries >= 2);
    return T_PASS;
}

static enum test_result t_reservations(void)
{
    domid_t self = DOMID_SELF;
    long cur, max;

    cur = HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
    max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &self);
    CHECK_EQ(cur, pvg_si->nr_pages);
    CHECK(max >= cur);
    return T_PASS;
}

static enum test_result t_machphys_mapping(void)
{
    struct xen_machphys_mapping mp = { 0 };

    CHECK_EQ(HYPERVISOR_memory_op(XENMEM_machphys_mapping, &mp), 0);
    CHECK_EQ(mp.v_start, 0xffff800000000000UL);
    CHECK_EQ(mp.v_end, 0xffff804000000000UL);
    CHECK(mp.max_mfn > pfn_to_mfn(pvg_si->nr_pages - 1));
    return T_PASS;
}

static enum test_result t_maximum_ram_page(void)
{
    long max = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    unsigned long i;

    CHECK(max > 0);
    for (i = 0; i < pvg_si->nr_pages; i++)
        if (pfn_to_mfn(i) >= (unsigned long)max)
            return t_fail("mfn %#lx of pfn %#lx >= max_page %#lx",
                          pfn_to_mfn(i), i, max);
    return T_PASS;
}

static enum test_result t_m2p_read(void)
{
    unsigned long pfn;

    for (pfn = 0; pfn < pvg_si->nr_pages; pfn++)
        if (m2p[pfn_to_mfn(pfn)] != pfn)
            return t_fail("m2p[%#lx] = %#lx, want pfn %#lx", pfn_to_mfn(pfn),
                          m2p[pfn_to_mfn(pfn)], pfn);
    return T_PASS;
}

static enum test_result t_m2p_write_faults(void)
{
    volatile unsigned long *slot = (unsigned long *)&m2p[pfn_to_mfn(0)];

    trap_reset();
    asm volatile("1: movq $0, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(slot) : "memory");
    CHECK_TRAP(X86_EXC_PF, 3);
    CHECK_EQ(last_trap.cr2, (uint64_t)slot);
    CHECK_EQ(*slot, 0);
    return T_PASS;
}

/* Point page_a's mapping at page_b's frame, then back. */
static enum test_result t_uvm_remap(void)
{
    uint64_t *l1e = pte_lookup(page_a), old = *l1e;
    uint64_t mfn_b = virt_to_mfn(page_b);

    page_b[100] = 0xab;
    page_a[100] = 0x11;
    CHECK_EQ(mm_set_pte(page_a, (old & ~PTE_MFN_MASK) | (mfn_b << PAGE_SHIFT)), 0);
    CHECK_EQ(*(volatile uint8_t *)&page_a[100], 0xab);
    CHECK_EQ(mm_set_pte(page_a, old), 0);
    CHECK_EQ(*(volatile uint8_t *)&page_a[100], 0x11);
    return T_PASS;
}

static enum test_result t_uvm_errors(void)
{
    uint64_t *l4e = pte_lookup((void *)pvg_si->pt_base);

    /* No L1 table covers the low half. */
    CHECK_EQ(HYPERVISOR_update_va_mapping(0x1000, 0, UVMF_INVLPG), -XEN_EINVAL);
    /* Inside Xen's hole. */
    CHECK_EQ(HYPERVISOR_update_va_mapping(0xffff830000000000UL, 0, UVMF_INVLPG),
             -XEN_EINVAL);
    /* A writable mapping of a live page table: the type conflict is -EBUSY. */
    CHECK_EQ(HYPERVISOR_update_va_mapping(pvg_si->pt_base, *l4e | _PAGE_RW,
                                          UVMF_INVLPG), -XEN_EBUSY);
    CHECK_EQ(*l4e & _PAGE_RW, 0);
    return T_PASS;
}

static enum test_result t_mmu_update_l1(void)
{
    uint64_t *l1e = pte_lookup(page_a), old = *l1e;
    uint64_t mfn_b = virt_to_mfn(page_b);
    mmu_update_t req;
    unsigned int done = 99;

    page_b[200] = 0xcd;
    req.ptr = virt_to_maddr(l1e) | MMU_NORMAL_PT_UPDATE;
    req.val = (old & ~PTE_MFN_MASK) | (mfn_b << PAGE_SHIFT);
    CHECK_EQ(HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF), 0);
    CHECK_EQ(done, 1);
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)page_a), 0);
    CHECK_EQ(*(volatile uint8_t *)&page_a[200], 0xcd);
    CHECK_EQ(mm_set_pte(page_a, old), 0);
    CHECK_EQ(*l1e, old);
    return T_PASS;
}

static enum test_result t_mmu_update_xen_slot(void)
{
    uint64_t *l4 = (uint64_t *)pvg_si->pt_base;
    mmu_update_t req;
    unsigned int done = 99;

    req.ptr = virt_to_maddr(&l4[256]) | MMU_NORMAL_PT_UPDATE;
    req.val = 0;
    CHECK_EQ(HYPERVISOR_mmu_update(&req, 1, &done, DOMID_SELF), -XEN_EINVAL);
    CHECK_EQ(done, 0);
    CHECK(l4[256] & _PAGE_PRESENT);
    return T_PASS;
}

static enum test_result t_mmu_machphys(void)
{
    unsigned long pfn = ((unsigned long)page_a - PVG_VIRT_BASE) >> PAGE_SHIFT;
    mmu_update_t req;

    req.ptr = ((uint64_t)pfn_to_mfn(pfn) << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
    req.val = pfn;
    CHECK_EQ(HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF), 0);
    CHECK_EQ(m2p[pfn_to_mfn(pfn)], pfn);
    return T_PASS;
}

static enum test_result t_mmuext(void)
{
    unsigned long l4_mfn = virt_to_mfn((void *)pvg_si->pt_base);

    CHECK_EQ(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)page_a), 0);
    CHECK_EQ(mmuext1(MMUEXT_TLB_FLUSH_ALL, 0), 0);
    CHECK_EQ(mmuext1(MMUEXT_PIN_L4_TABLE, l4_mfn), -XEN_EINVAL); /* pinned */
    CHECK_EQ(mmuext1(MMUEXT_UNPIN_TABLE, virt_to_mfn(page_a)), -XEN_EINVAL);
    CHECK_EQ(mmuext1(14, 0), -XEN_ENOSYS);
    CHECK_EQ(mmuext1(MMUEXT_MARK_SUPER, 0), -XEN_EOPNOTSUPP);
    CHECK_EQ(mmuext1(MMUEXT_NEW_BASEPTR, l4_mfn), 0);
    CHECK_EQ(read_cr3(), (uint64_t)l4_mfn << PAGE_SHIFT);
    return T_PASS;
}

static enum test_result t_fpu_taskswitch(void)
{
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(1), 0);
    CHECK(read_cr0() & X86_CR0_TS);
    trap_reset();
    asm volatile("1: fnop\n\t2:\n\t" EXTABLE(1b, 2b) ::: "memory");
    CHECK_TRAP(X86_EXC_NM, 0);
    CHECK_EQ(read_cr0() & X86_CR0_TS, 0);    /* Xen clears TS on #NM */
    trap_reset();
    asm volatile("1: fnop\n\t2:\n\t" EXTABLE(1b, 2b) ::: "memory");
    CHECK_NO_TRAP();
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(1), 0);
    CHECK_EQ(HYPERVISOR_fpu_taskswitch(0), 0);
    CHECK_EQ(read_cr0() & X86_CR0_TS, 0);
    return T_PASS;
}

#define DESC_DATA_DPL3  0x00cff3000000ffffUL    /* flat 4G RW data, DPL 3 */
#define DESC_DATA_DPL0  0x00cf93000000ffffUL    /* same, DPL 0: Xen raises it */
#define DESC_TSS        0x0000890000000067UL    /* system descriptor: refused */

static uint16_t load_es(uint16_t sel)
{
    uint16_t out;

    asm volatile("1: mov %1, %%es\n\t2:\n\t" EXTABLE(1b, 2b)
                 "mov %%es, %0\n\t"
                 "xor %%eax, %%eax\n\t"
                 "mov %%eax, %%es"
                 : "=r"(out) : "r"((uint32_t)sel) : "eax", "memory");
    return out;
}

static enum test_result t_set_gdt(void)
{
    unsigned long frame;
    uint64_t *gdt = (uint64_t *)gdt_page;

    gdt[2] = DESC_DATA_DPL3;
    frame = virt_to_mfn(gdt_rw_page);
    CHECK_EQ(HYPERVISOR_set_gdt(&frame, 512), -XEN_EINVAL);  /* still RW */
    frame = virt_to_mfn(gdt_page);
    CHECK_EQ(HYPERVISOR_set_gdt(&frame, 7169), -XEN_EINVAL);
    CHECK_EQ(mm_protect(gdt_page, 0), 0);
    CHECK_EQ(HYPERVISOR_set_gdt(&frame, 512), 0);
    trap_reset();
    CHECK_EQ(load_es(0x13), 0x13);
    CHECK_NO_TRAP();
    return T_PASS;
}

static enum test_result t_update_descriptor(void)
{
    uint64_t ma = virt_to_maddr(gdt_page);
    uint64_t *gdt = (uint64_t *)gdt_page;

    if (*pte_lookup(gdt_page) & _PAGE_RW)
        return t_skip("needs set_gdt.valid_page first");
    CHECK_EQ(HYPERVISOR_update_descriptor(ma + 3 * 8, DESC_DATA_DPL0), 0);
    CHECK_EQ(gdt[3] & (3UL << 45), 3UL << 45);         /* DPL raised to 3 */
    trap_reset();
    CHECK_EQ(load_es(0x1b), 0x1b);
    CHECK_NO_TRAP();
    CHECK_EQ(HYPERVISOR_update_descriptor(ma + 4 * 8, DESC_TSS), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_update_descriptor(ma + 4 * 8 + 4, DESC_DATA_DPL3), -XEN_EINVAL);
    CHECK_EQ(gdt[4], 0);
    /* A plain writable page takes descriptors too. */
    CHECK_EQ(HYPERVISOR_update_descriptor(virt_to_maddr(gdt_rw_page) + 8,
                                          DESC_DATA_DPL3), 0);
    CHECK_EQ(((uint64_t *)gdt_rw_page)[1], DESC_DATA_DPL3);
    return T_PASS;
}

/* Linux's cpu_init: SET_LDT with no entries; a misaligned base is refused. */
static enum test_result t_mmuext_set_ldt(void)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };

    CHECK_EQ(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    op.arg1.linear_addr = (unsigned long)page_a + 8;
    op.arg2.nr_ents = 1;
    CHECK_EQ(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    op.arg1.linear_addr = 0;
    op.arg2.nr_ents = 0;
    CHECK_EQ(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    return T_PASS;
}

/*
 * Writes straight into a read-only L1 page table are emulated by Xen
 * (PTWR) with the same validation as mmu_update; Linux relies on it for
 * xchg/cmpxchg on PTEs.
 */
static enum test_result t_ptwr_l1(void)
{
    volatile uint64_t *l1e = pte_lookup(page_a);
    uint64_t old = *l1e, mfn_b = virt_to_mfn(page_b), prev = 0;
    uint64_t new = (old & ~PTE_MFN_MASK) | (mfn_b << PAGE_SHIFT);

    page_a[300] = 0x12;
    page_b[300] = 0x34;
    trap_reset();
    asm volatile("1: mov %1, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(l1e), "r"(new) : "memory");
    CHECK_NO_TRAP();
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)page_a), 0);
    CHECK_EQ(*(volatile uint8_t *)&page_a[300], 0x34);
    prev = old;
    asm volatile("1: xchg %0, (%1)\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "+r"(prev) : "r"(l1e) : "memory");
    CHECK_EQ(mmuext1(MMUEXT_INVLPG_LOCAL, (unsigned long)page_a), 0);
    CHECK_NO_TRAP();
    CHECK_EQ(prev & PTE_MFN_MASK, mfn_b << PAGE_SHIFT);
    CHECK_EQ(*(volatile uint8_t *)&page_a[300], 0x12);
    return T_PASS;
}

/* PTWR covers L1 only: a write into the L4 faults (same value, harmless). */
static enum test_result t_ptwr_l4_faults(void)
{
    volatile uint64_t *l4e = (uint64_t *)pvg_si->pt_base + 511;
    uint64_t v = *l4e;

    trap_reset();
    asm volatile("1: mov %1, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(l4e), "r"(v) : "memory");
    CHECK_TRAP(X86_EXC_PF, 3);
    CHECK_EQ(last_trap.cr2, (uint64_t)l4e);
    return T_PASS;
}

/* A PTWR write that would map a page table writable is refused: #PF. */
static enum test_result t_ptwr_refused(void)
{
    volatile uint64_t *l1e = pte_lookup(page_a);
    uint64_t old = *l1e;
    uint64_t l4_mfn = virt_to_mfn((void *)pvg_si->pt_base);

    trap_reset();
    asm volatile("1: mov %1, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(l1e), "r"((old & ~PTE_MFN_MASK) | (l4_mfn << PAGE_SHIFT) | _PAGE_RW)
                 : "memory");
    CHECK_TRAP(X86_EXC_PF, 3);
    CHECK_EQ(*l1e, old);
    return T_PASS;
}

const struct pvg_test tests_mm[] = {
    { "memory_op.memory_map", t_memory_map },
    { "memory_op.machine_memory_map", t_machine_memory_map },
    { "memory_op.reservations", t_reservations },
    { "memory_op.machphys_mapping", t_machphys_mapping },
    { "memory_op.maximum_ram_page", t_maximum_ram_page },
    { "m2p.read_matches_p2m", t_m2p_read },
    { "m2p.write_faults", t_m2p_write_faults },
    { "update_va_mapping.remap", t_uvm_remap },
    { "update_va_mapping.errors", t_uvm_errors },
    { "mmu_update.l1_entry", t_mmu_update_l1 },
    { "mmu_update.xen_l4_slot_refused", t_mmu_update_xen_slot },
    { "mmu_update.machphys", t_mmu_machphys },
    { "mmuext_op.basic", t_mmuext },
    { "mmuext_op.set_ldt", t_mmuext_set_ldt },
    { "ptwr.l1_mov_and_xchg", t_ptwr_l1 },
    { "ptwr.l4_write_faults", t_ptwr_l4_faults },
    { "ptwr.bad_pte_refused", t_ptwr_refused },
    { "fpu_taskswitch.nm_clears_ts", t_fpu_taskswitch },
    { "set_gdt.valid_page", t_set_gdt },
    { "update_descriptor.validation", t_update_descriptor },
    { NULL, NULL },
};
