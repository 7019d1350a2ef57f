/* SPDX-License-Identifier: GPL-2.0-only */
/* Build dom0 from its multiboot module: Xen's PV boot contract, then start it. */
#include <xenia/cmdline.h>
#include <xenia/console.h>
#include <xenia/elf.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <xenia/pv_layout.h>
#include <xen/elfnote.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/setup.h>
#include <asm/traps.h>

struct domain *dom0;
extern bool opt_bootscrub;

/* What the builder needs while filling a new domain's memory. */
struct build_ctx {
    struct domain *d;
    unsigned long first_mfn;     /* the domain's frames are contiguous */
    unsigned long nr_pages;
    const struct pv_layout *l;
};

static void *pfn_to_virt(const struct build_ctx *c, uint64_t pfn)
{
    return mfn_to_virt(c->first_mfn + pfn);
}

/* Guest VA inside the initial mapping -> hypervisor pointer, or NULL. */
static void *gva_to_virt(const struct build_ctx *c, uint64_t va)
{
    const struct pv_layout *l = c->l;

    if (va < l->v_start || va >= l->v_end)
        return NULL;
    return (char *)pfn_to_virt(c, (va - l->v_start) >> PAGE_SHIFT) + (va & (PAGE_SIZE - 1));
}

static int build_copy(void *ctx, uint64_t va, const void *src, uint64_t n)
{
    const struct build_ctx *c = ctx;

    while (n) {
        uint64_t chunk = MIN(n, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        void *dst = gva_to_virt(c, va);

        if (!dst)
            return -XEN_EFAULT;
        if (src) {
            memcpy(dst, src, chunk);
            src = (const char *)src + chunk;
        } else {
            memset(dst, 0, chunk);
        }
        va += chunk;
        n -= chunk;
    }
    return 0;
}

static int build_zero(void *ctx, uint64_t va, uint64_t n)
{
    return build_copy(ctx, va, NULL, n);
}

static const struct elf_load_ops build_load_ops = {
    .copy = build_copy,
    .zero = build_zero,
};

/* 64-bit hypercall stubs: push rcx; push r11; mov $i,%eax; syscall; pop; pop; ret. */
static void write_hypercall_page(uint8_t *p)
{
    unsigned int i;

    memset(p, 0xcc, PAGE_SIZE);
    for (i = 0; i < PAGE_SIZE / 32; i++) {
        uint8_t *s = p + i * 32;

        if (i == __HYPERVISOR_iret) {
            /* The guest jumps here with its iret frame pushed. */
            static const uint8_t iret_stub[] = { 0x51, 0x41, 0x53, 0x50, 0xb8,
                                                 0x17, 0, 0, 0, 0x0f, 0x05 };
            memcpy(s, iret_stub, sizeof(iret_stub));
            continue;
        }
        s[0] = 0x51;
        s[1] = 0x41;
        s[2] = 0x53;
        s[3] = 0xb8;
        memcpy(&s[4], &i, 4);
        s[8] = 0x0f;
        s[9] = 0x05;
        s[10] = 0x41;
        s[11] = 0x5b;
        s[12] = 0x59;
        s[13] = 0xc3;
    }
}

/* Take the next unused table frame of a level from its pool. */
static pte_t *pt_take(const struct build_ctx *c, uint64_t *next, uint64_t end,
                      uint64_t *mfn)
{
    if (*next >= end)
        panic("domain builder: page-table pool exhausted");
    *mfn = c->first_mfn + *next;
    return pfn_to_virt(c, (*next)++);
}

struct pt_pools {
    uint64_t next[PV_PT_LEVELS], end[PV_PT_LEVELS];
};

/* Map va -> mfn in the tree under l4, taking tables from pools. */
static void pt_map(const struct build_ctx *c, pte_t *l4, struct pt_pools *pools,
                   uint64_t va, unsigned long mfn, unsigned long l1flags)
{
    const unsigned long tflags = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
                                 _PAGE_ACCESSED | _PAGE_DIRTY;
    pte_t *t = l4;
    unsigned int level;

    for (level = 4; level > 1; level--) {
        unsigned int shift = L1_SHIFT + 9 * (level - 1);
        pte_t *e = &t[(va >> shift) & 511];

        if (!(*e & _PAGE_PRESENT)) {
            uint64_t tmfn;
            pte_t *nt = pt_take(c, &pools->next[level - 2], pools->end[level - 2], &tmfn);

            memset(nt, 0, PAGE_SIZE);
            *e = pte_make(tmfn, tflags);
        }
        t = mfn_to_virt(pte_mfn(*e));
    }
    t[l1_index(va)] = pte_make(mfn, l1flags);
}

static bool pfn_in(const struct pv_region *r, uint64_t pfn)
{
    return pfn >= r->pfn && pfn < r->pfn + r->nr_pages;
}

static void build_page_tables(const struct build_ctx *c)
{
    const struct pv_layout *l = c->l;
    struct pt_pools pools, p2m_pools;
    pte_t *l4 = pfn_to_virt(c, l->pt_pfn[3]);
    uint64_t va;
    unsigned int i;

    memset(l4, 0, PAGE_SIZE);
    for (i = 0; i < 3; i++) {
        pools.next[i] = l->pt_pfn[i];
        pools.end[i] = l->pt_pfn[i] + l->nr_pt[i];
        p2m_pools.next[i] = l->p2m_pt_pfn[i];
        p2m_pools.end[i] = l->p2m_pt_pfn[i] + l->nr_p2m_pt[i];
    }
    for (va = l->v_start; va < l->v_end; va += PAGE_SIZE) {
        uint64_t pfn = (va - l->v_start) >> PAGE_SHIFT;
        unsigned long flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY;

        if (pfn_in(&l->pgtables, pfn) || pfn_in(&l->p2m_pt, pfn))
            flags &= ~(_PAGE_RW | _PAGE_DIRTY);
        pt_map(c, l4, &pools, va, c->first_mfn + pfn, flags);
    }
    if (l->p2m_relocated) {
        for (i = 0; i < l->p2m.nr_pages; i++)
            pt_map(c, l4, &p2m_pools, l->p2m.va + (uint64_t)i * PAGE_SIZE,
                   c->first_mfn + l->p2m.pfn + i,
                   _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY);
    }
}

static void fill_start_info(const struct build_ctx *c, const char *cmdline)
{
    const struct pv_layout *l = c->l;
    start_info_t *si = pfn_to_virt(c, l->start_info.pfn);

    memset(si, 0, PAGE_SIZE);
    snprintf(si->magic, sizeof(si->magic), "xen-3.0-x86_64");
    si->nr_pages = c->nr_pages;
    si->shared_info = (uint64_t)c->d->shared_info_mfn << PAGE_SHIFT;
    si->flags = l->si_flags;
    if (c->d->domain_id == 0)
        si->flags |= SIF_PRIVILEGED | SIF_INITDOMAIN;
    si->pt_base = l->pt_base;
    si->nr_pt_frames = l->nr_pt_frames;
    si->mfn_list = l->mfn_list;
    si->mod_start = l->mod_start;
    si->mod_len = l->mod_len;
    si->first_p2m_pfn = l->first_p2m_pfn;
    si->nr_p2m_frames = l->nr_p2m_frames;
    strlcpy((char *)si->cmd_line, cmdline, sizeof(si->cmd_line));
}

static void fill_p2m(const struct build_ctx *c)
{
    uint64_t pfn;

    for (pfn = 0; pfn < c->nr_pages; pfn++) {
        uint64_t *p2m = pfn_to_virt(c, c->l->p2m.pfn + pfn / 512);

        p2m[pfn % 512] = c->first_mfn + pfn;
        machine_to_phys[c->first_mfn + pfn] = pfn;
    }
}






static void vcpu_init_regs(struct vcpu *v, const struct pv_layout *l)
{
    struct cpu_regs *r = &v->user_regs;

    memset(r, 0, sizeof(*r));
    r->rip = l->entry;
    r->rsp = l->stack_top;
    r->rsi = l->start_info_va;
    r->cs = GUEST_CS64;
    r->ss = GUEST_DS;
    r->rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;
    v->kernel_mode = true;
    v->kernel_ss = GUEST_DS;
    v->kernel_sp = l->stack_top;
    v->online = true;
}

static unsigned long dom0_pages(uint64_t dom0_mem)
{
    unsigned long avail = frames_free() > 4096 ? frames_free() - 4096 : 0;
    unsigned long want = dom0_mem ? dom0_mem >> PAGE_SHIFT : MIN(avail, 32768UL);

    if (want > avail)
        panic("dom0_mem=%lu MiB: only %lu MiB available", want >> 8, avail >> 8);
    return want;
}

/* A domU's console ring: the hypervisor is its back-end (console.c). */
static void domu_console_init(struct domain *d, const struct build_ctx *c)
{
    const struct pv_layout *l = c->l;
    start_info_t *si = pfn_to_virt(c, l->start_info.pfn);
    evtchn_port_t port = evtchn_bind_xen(d, XEN_PORT_CONSOLE);

    if (!port)
        panic("%s: no event channel for its console", d->name);
    d->console_ring = pfn_to_virt(c, l->console.pfn);
    d->console_port = port;
    si->console.domU.mfn = c->first_mfn + l->console.pfn;
    si->console.domU.evtchn = port;
    /* No xenstored yet: store_evtchn 0 means "local xenstore" to Linux. */
    si->store_mfn = c->first_mfn + l->xenstore.pfn;
    si->store_evtchn = 0;
}

static struct domain *domain_setup(const struct boot_domain *bd, unsigned long nr_pages,
                                   struct page_info **mem)
{
    struct domain *d;
    unsigned long i;
    int rc;

    d = domain_create(bd->domid, bd->name, bd->privileged, 1, &rc);
    if (!d)
        panic("%s: cannot create the domain (%d)", bd->name, rc);
    *mem = alloc_pages_contig(nr_pages, bd->domid, NULL);
    if (!*mem)
        panic("no %lu MiB of contiguous memory for %s", nr_pages >> 8, bd->name);
    for (i = 0; i < nr_pages; i++) {
        unsigned long mfn = page_to_mfn(*mem) + i;

        page_list_add(&d->page_list, mfn_to_page(mfn));
        /* Boot memory may hold a loader's leftovers; with bootscrub=0
         * (QEMU: RAM starts zeroed) the cost of touching it is skipped. */
        if (opt_bootscrub)
            memset(mfn_to_virt(mfn), 0, PAGE_SIZE);
    }
    d->tot_pages = nr_pages;
    /* dom0_mem=max:X lets dom0 balloon up to X; the default is no growth. */
    d->max_pages = MAX((unsigned long)(bd->max_mem >> PAGE_SHIFT), nr_pages);
    if (bd->weight)
        d->sched.weight = bd->weight;
    d->sched.cap = bd->cap;
    return d;
}

/*
 * Parse, lay out, fill and type a boot domain's memory, ready to run:
 * Xen's PV boot contract (dom0 gets SIF_INITDOMAIN and no rings; a domU
 * gets console and xenstore pages).  Boot-time configuration errors panic.
 */
struct domain *construct_pv_domain(const struct boot_domain *bd)
{
    static struct pv_image img;
    struct pv_layout l;
    struct pv_layout_in in;
    struct build_ctx c;
    struct page_info *pg;
    struct domain *d;
    char err[160];

    if (elf_pv_parse(maddr_to_virt(bd->kernel->start), bd->kernel->end - bd->kernel->start,
                     &img, err, sizeof(err)) ||
        (bd->privileged && elf_pv_check_dom0(&img, err, sizeof(err))))
        panic("%s kernel refused: %s", bd->name, err);

    memset(&in, 0, sizeof(in));
    in.img = &img;
    in.nr_pages = bd->domid == 0 ? dom0_pages(bd->mem) : bd->mem >> PAGE_SHIFT;
    in.initrd_len = bd->initrd ? bd->initrd->end - bd->initrd->start : 0;
    in.is_dom0 = bd->domid == 0;
    in.unmapped_initrd = pv_image_has_note(&img, XEN_ELFNOTE_MOD_START_PFN) && img.mod_start_pfn;
    in.init_p2m = pv_image_has_note(&img, XEN_ELFNOTE_INIT_P2M);
    if (pv_layout_compute(&in, &l, err, sizeof(err)))
        panic("%s layout: %s", bd->name, err);

    d = domain_setup(bd, in.nr_pages, &pg);
    c = (struct build_ctx){ d, page_to_mfn(pg), in.nr_pages, &l };
    if (elf_pv_load(&img, maddr_to_virt(bd->kernel->start),
                    bd->kernel->end - bd->kernel->start, &build_load_ops, &c))
        panic("%s: loading the kernel image failed", bd->name);
    if (bd->initrd)
        memcpy(pfn_to_virt(&c, l.initrd.pfn), maddr_to_virt(bd->initrd->start), in.initrd_len);
    if (pv_image_has_note(&img, XEN_ELFNOTE_HYPERCALL_PAGE))
        write_hypercall_page(gva_to_virt(&c, img.hypercall_page));
    fill_p2m(&c);
    fill_start_info(&c, bd->cmdline);
    if (!in.is_dom0)
        domu_console_init(d, &c);
    build_page_tables(&c);

    /* Typing the L4 validates the whole tree; the L4 starts pinned. */
    pg = mfn_to_page(c.first_mfn + l.pt_pfn[3]);
    if (!get_page_and_type(pg, d->domain_id, PGT_l4_page_table) ||
        !get_page_and_type(pg, d->domain_id, PGT_l4_page_table))
        panic("%s's bootstrap page tables do not validate", bd->name);
    pg->flags |= PGF_pinned;
    d->vcpu[0]->guest_table = page_to_mfn(pg);
    vcpu_init_regs(d->vcpu[0], &l);
    time_update_wallclock(d);

    printk("%s: %s kernel, %lu MiB, entry %#lx, start_info %#lx, %lu page-table frames%s",
           d->name, img.guest_os[0] ? img.guest_os : "unknown",
           (unsigned long)in.nr_pages >> 8, (unsigned long)l.entry,
           (unsigned long)l.start_info_va, (unsigned long)l.nr_pt_frames,
           d->sched.cap || d->sched.weight != SCHED_DEFAULT_WEIGHT ? ", scheduling set" : "");
    return d;
}

/* Hand the CPU to the scheduler: dom0 and the boot domains start. */
void start_domains(void)
{
    set_current(NULL);
    schedule();
}

void arch_domain_shutdown(struct domain *d)
{
    unsigned int code = d->shutdown_code == ~0u ? 0 : d->shutdown_code;

    if (d != dom0)
        return;
    switch (d->shutdown_reason) {
    case SHUTDOWN_poweroff:
        machine_exit(code ? EXIT_DOM0_CODE : EXIT_DOM0_OK);
    case SHUTDOWN_crash:
        machine_exit(EXIT_DOM0_CRASH);
    default:
        machine_exit(EXIT_DOM0_OTHER);
    }
}
