/* SPDX-License-Identifier: GPL-2.0-only */
/* Boot memory: the memory map, frame table, direct map, M2P and GDT window. */
#include <xenia/console.h>
#include <xenia/mm.h>
#include <asm/multiboot.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>

extern pte_t boot_l4[PT_ENTRIES];
extern char _start[], _end[];

unsigned long max_page;                 /* one past the highest RAM frame */
uint64_t *machine_to_phys;              /* the M2P, through the direct map */
unsigned long m2p_frames;

/* The hypervisor's own ranges that must never be handed out. */
struct range {
    uint64_t start, end;
};
static struct range used[2 + MAX_MODULES];
static unsigned int nr_used;

uint64_t virt_to_maddr(const void *va)
{
    uint64_t v = (uint64_t)va;

    if (v >= DIRECTMAP_START && v < DIRECTMAP_END)
        return v - DIRECTMAP_START;
    ASSERT(v >= XEN_VIRT_START && v < XEN_VIRT_START + XEN_IMAGE_MAX);
    return v - XEN_VIRT_START + XEN_LOAD_ADDR;
}

/* Find room for n bytes of boot data in RAM below 4 GiB, clear of used. */
static uint64_t boot_find_room(const struct boot_info *bi, uint64_t n)
{
    unsigned int i;

    for (i = 0; i < bi->nr_ram; i++) {
        uint64_t s = ROUNDUP(MAX(bi->ram[i].start, (uint64_t)0x100000), PAGE_SIZE);
        uint64_t e = MIN(bi->ram[i].end, (uint64_t)1 << 32);

        for (; s + n <= e; s += PAGE_SIZE) {
            unsigned int j;
            bool clash = false;

            for (j = 0; j < nr_used; j++) {
                if (s < used[j].end && used[j].start < s + n) {
                    s = ROUNDUP(used[j].end, PAGE_SIZE) - PAGE_SIZE;
                    clash = true;
                    break;
                }
            }
            if (!clash)
                return s;
        }
    }
    panic("no room for %lu bytes of boot data", (unsigned long)n);
}

static void *alloc_boot_table(void)
{
    struct page_info *pg = alloc_page(DOMID_XEN, NULL);
    void *va;

    if (!pg)
        panic("out of memory for hypervisor page tables");
    va = mfn_to_virt(page_to_mfn(pg));
    memset(va, 0, PAGE_SIZE);
    return va;
}

/* Return the next-level table under entry e, allocating it if absent. */
static pte_t *table_walk_alloc(pte_t *e, unsigned long flags)
{
    if (!(*e & _PAGE_PRESENT))
        *e = virt_to_maddr(alloc_boot_table()) | flags;
    return maddr_to_virt(*e & PTE_ADDR_MASK);
}

/* Map [va, va + n pages) to consecutive frames from mfn with 4 KiB pages. */
void map_pages(pte_t *l4, unsigned long va, unsigned long mfn,
               unsigned long n, unsigned long flags)
{
    unsigned long tflags = _PAGE_PRESENT | _PAGE_RW | (flags & _PAGE_USER);

    for (; n--; va += PAGE_SIZE, mfn++) {
        pte_t *l3 = table_walk_alloc(&l4[l4_index(va)], tflags);
        pte_t *l2 = table_walk_alloc(&l3[l3_index(va)], tflags);
        pte_t *l1 = table_walk_alloc(&l2[l2_index(va)], tflags);

        l1[l1_index(va)] = pte_make(mfn, flags);
    }
}

/* Extend the boot direct map (first 4 GiB) to all RAM with 2 MiB pages. */
static void directmap_extend(void)
{
    uint64_t ma;
    pte_t *l3 = maddr_to_virt(boot_l4[l4_index(DIRECTMAP_START)] & PTE_ADDR_MASK);

    for (ma = 1UL << 32; ma < ((uint64_t)max_page << PAGE_SHIFT); ma += 1UL << L2_SHIFT) {
        unsigned long va = DIRECTMAP_START + ma;
        pte_t *l2 = table_walk_alloc(&l3[l3_index(va)], _PAGE_PRESENT | _PAGE_RW);

        l2[l2_index(va)] = ma | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | _PAGE_NX;
    }
}

static void m2p_init(void)
{
    struct page_info *pg;
    unsigned long i;

    m2p_frames = ROUNDUP(max_page * sizeof(uint64_t), PAGE_SIZE) >> PAGE_SHIFT;
    pg = alloc_pages_contig(m2p_frames, DOMID_XEN, NULL);
    if (!pg)
        panic("no memory for the M2P table");
    machine_to_phys = mfn_to_virt(page_to_mfn(pg));
    for (i = 0; i < max_page; i++)
        machine_to_phys[i] = ~0UL;
    /* Guests read it at RO_MPT_VIRT_START: user-readable, never writable. */
    map_pages(boot_l4, RO_MPT_VIRT_START, page_to_mfn(pg), m2p_frames,
              _PAGE_PRESENT | _PAGE_USER | _PAGE_NX);
    boot_l4[l4_index(RO_MPT_VIRT_START)] |= _PAGE_USER;
}

void mm_init(struct boot_info *bi)
{
    uint64_t ft_bytes, ft_at;
    unsigned int i;

    max_page = 0;
    for (i = 0; i < bi->nr_ram; i++)
        max_page = MAX(max_page, (unsigned long)(bi->ram[i].end >> PAGE_SHIFT));
    if (max_page > (DIRECTMAP_END - DIRECTMAP_START) >> PAGE_SHIFT)
        panic("more RAM than the direct map can hold");

    used[nr_used++] = (struct range){ 0, 0x100000 };
    used[nr_used++] = (struct range){ virt_to_maddr(_start), virt_to_maddr(_end) };
    for (i = 0; i < bi->nr_modules; i++)
        used[nr_used++] = (struct range){ bi->modules[i].start, bi->modules[i].end };

    ft_bytes = ROUNDUP(max_page * sizeof(struct page_info), PAGE_SIZE);
    ft_at = boot_find_room(bi, ft_bytes);
    frames_init(maddr_to_virt(ft_at), max_page);
    for (i = 0; i < bi->nr_ram; i++)
        frames_mark_ram(ROUNDUP(bi->ram[i].start, PAGE_SIZE) >> PAGE_SHIFT,
                        bi->ram[i].end >> PAGE_SHIFT);
    for (i = 0; i < nr_used; i++)
        frames_mark_xen(used[i].start >> PAGE_SHIFT,
                        ROUNDUP(used[i].end, PAGE_SIZE) >> PAGE_SHIFT);
    /* As Xen: the first MiB (BIOS, VGA, option ROMs) belongs to DOMID_IO,
     * which a privileged domain may map as I/O memory. */
    frames_set_owner(0, 0x100000 >> PAGE_SHIFT, DOMID_IO);
    frames_mark_xen(ft_at >> PAGE_SHIFT, (ft_at + ft_bytes) >> PAGE_SHIFT);
    frames_finish();

    directmap_extend();
    m2p_init();
    gdt_window_init();

    /* Nothing needs the identity map any more. */
    boot_l4[0] = 0;
    flush_tlb_local();

    printk("Memory: %lu MiB RAM, %lu MiB free, frame table at %#lx, M2P %lu frames",
           frames_total() >> 8, frames_free() >> 8, (unsigned long)ft_at, m2p_frames);
}

/* Give a boot module's frames back once the domain builder copied it. */
void mm_release_module(const struct boot_module *m)
{
    unsigned long mfn;

    for (mfn = m->start >> PAGE_SHIFT; mfn < ROUNDUP(m->end, PAGE_SIZE) >> PAGE_SHIFT; mfn++) {
        struct page_info *pg = mfn_to_page(mfn);

        if (mfn_valid(mfn) && pg->owner == DOMID_XEN)
            put_page(pg);
    }
}
