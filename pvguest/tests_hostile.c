/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest tests: the hostile guest: every PV MMU rule attacked, exact errno or fault, pages unchanged. */
#include "tests.h"
#include "arch.h"
#include "hypercall.h"

/*
 * Each case tries something the PV MMU must refuse, checks the errno (or
 * the fault) Xen 4.17 gives, and reads the target back through a
 * read-only view to prove nothing changed.  Where Xenia's debug hypercall
 * exists (not on Xen) the target frame's counts are compared too.
 *
 * Private page tables live in spare frames (never mapped by the boot
 * layout): a "mini tree" L4 -> L3 -> L2 -> L1 -> data, the L4 pinned, so
 * that upper-level entries can be attacked without risking our own.
 */

#define _PAGE_PWT       0x008UL
#define _PAGE_PCD       0x010UL
#define _PAGE_PSE       0x080UL         /* PAT in an L1e */
#define _PAGE_GLOBAL    0x100UL
#define _PAGE_AVAIL     0xe00UL
#define _PAGE_GNTTAB    (1UL << 62)
#define _PAGE_NX        (1UL << 63)
#define TABLE_FLAGS     (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define DATA_FLAGS      (TABLE_FLAGS | _PAGE_DIRTY)

#define MFN_OF(e)       (((e) & PTE_MFN_MASK) >> PAGE_SHIFT)
#define ENTRY(mfn, fl)  (((uint64_t)(mfn) << PAGE_SHIFT) | (fl))
#define TBL_MA(mfn, i)  (((uint64_t)(mfn) << PAGE_SHIFT) + (i) * 8UL)

static const unsigned long *const m2p = (const unsigned long *)MACH2PHYS_VIRT_START;

static uint8_t victim[PAGE_SIZE] __page_aligned_bss;
static uint8_t other[PAGE_SIZE] __page_aligned_bss;
static uint8_t hgdt[PAGE_SIZE] __page_aligned_bss;
static uint8_t fault_buf[2 * PAGE_SIZE] __page_aligned_bss;

/* ---- helpers ---------------------------------------------------------- */

static long mmu1(uint64_t ma, uint64_t val)
{
    mmu_update_t r = { .ptr = ma | MMU_NORMAL_PT_UPDATE, .val = val };

    return HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF);
}

static long ext(unsigned int cmd, unsigned long a1, unsigned long a2)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = a1;
    op.arg2.src_mfn = a2;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

static volatile uint64_t *victim_l1e(void)
{
    return pte_lookup(victim);
}

/*
 * Start of a case: the victim's entry as it was before the first case
 * (a case that failed half-way may have left it changed).
 */
static volatile uint64_t *victim_begin(void)
{
    static uint64_t pristine;
    volatile uint64_t *l1e = victim_l1e();

    if (!pristine)
        pristine = *l1e;
    if (*l1e != pristine && mm_set_pte(victim, pristine))
        pvg_panic("hostile: cannot restore the victim mapping");
    return l1e;
}

static uint64_t victim_l1e_ma(void)
{
    return virt_to_maddr((const void *)victim_l1e());
}

static uint64_t *boot_l4(void)
{
    return (uint64_t *)pvg_si->pt_base;
}

/* The table at `level` (4..1) on the boot walk to va. */
static uint64_t *boot_table(const void *va, int level)
{
    uint64_t *t = boot_l4();
    int l;

    for (l = 4; l > level; l--)
        t = mfn_to_virt(MFN_OF(t[((unsigned long)va >> (12 + 9 * (l - 1))) & 511]));
    return t;
}

/* A frame of the hypervisor: the L3 behind one of Xen's L4 slots. */
static unsigned long xen_frame(unsigned int slot)
{
    return MFN_OF(boot_l4()[slot]);
}

/* A RAM frame nobody gave us: the first one above our highest frame. */
static unsigned long unowned_frame(void)
{
    long max = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    unsigned long pfn, hi = 0, mfn;

    for (pfn = 0; pfn < pvg_si->nr_pages; pfn++)
        if (pfn_to_mfn(pfn) > hi)
            hi = pfn_to_mfn(pfn);
    for (mfn = hi + 1; (long)mfn < max; mfn++)
        if (m2p[mfn] >= pvg_si->nr_pages || pfn_to_mfn(m2p[mfn]) != mfn)
            return mfn;
    return 0;
}

static int have_debug(void)
{
    static int known = -1;

    if (known < 0)
        known = HYPERVISOR_xenia_debug_op(XENIA_DEBUG_FREE_FRAMES, NULL) >= 0;
    return known;
}

struct snap {
    struct xenia_page_info pi;
    int ok;
};

static void snap_take(struct snap *s, unsigned long mfn)
{
    s->ok = have_debug() && mm_page_info(mfn, &s->pi) == 0;
    s->pi.mfn = mfn;
}

/* Counts as in the snapshot (only where the debug hypercall exists). */
#define CHECK_SNAP(s)                                                       \
    do {                                                                    \
        struct xenia_page_info n_;                                          \
        if ((s).ok) {                                                       \
            CHECK_EQ(mm_page_info((s).pi.mfn, &n_), 0);                     \
            CHECK_EQ(n_.count, (s).pi.count);                               \
            CHECK_EQ(n_.type_count, (s).pi.type_count);                     \
        }                                                                   \
    } while (0)

/* ---- the mini tree ------------------------------------------------------ */

struct tree {
    unsigned long l4, l3, l2, l1, data, junk;
};
static struct tree tr;

static long tree_clear_and_pin(void)
{
    unsigned long f[] = { tr.l4, tr.l3, tr.l2, tr.l1, tr.data, tr.junk };
    struct mmuext_op ops[ARRAY_SIZE(f) + 1];
    unsigned int i;

    memset(ops, 0, sizeof(ops));
    for (i = 0; i < ARRAY_SIZE(f); i++) {
        ops[i].cmd = MMUEXT_CLEAR_PAGE;
        ops[i].arg1.mfn = f[i];
    }
    ops[i].cmd = MMUEXT_PIN_L4_TABLE;
    ops[i].arg1.mfn = tr.l4;
    return HYPERVISOR_mmuext_op(ops, ARRAY_SIZE(ops), NULL, DOMID_SELF);
}

/* Fill the junk frame with entries that validate at no level. */
static long junk_fill(void)
{
    volatile uint64_t *p = (volatile uint64_t *)victim;
    uint64_t old = *victim_l1e();
    unsigned int i;
    long rc;

    rc = mm_set_pte(victim, (old & ~PTE_MFN_MASK) | ((uint64_t)tr.junk << PAGE_SHIFT));
    if (rc)
        return rc;
    for (i = 0; i < 512; i++)
        p[i] = ENTRY(xen_frame(261), DATA_FLAGS);
    return mm_set_pte(victim, old);
}

/* Build L4 -> L3 -> L2 -> L1 -> data in spare frames 0..5; 0 or errno. */
static long tree_build(void)
{
    mmu_update_t r[4];
    unsigned int done = 0;
    long rc;

    tr = (struct tree){ mm_spare_mfn(0), mm_spare_mfn(1), mm_spare_mfn(2),
                        mm_spare_mfn(3), mm_spare_mfn(4), mm_spare_mfn(5) };
    if (!tr.l4 || !tr.l3 || !tr.l2 || !tr.l1 || !tr.data || !tr.junk)
        return -XEN_ENOMEM;
    ext(MMUEXT_UNPIN_TABLE, tr.l4, 0);  /* left pinned by a failed case */
    rc = tree_clear_and_pin();
    if (rc)
        return rc;
    r[0] = (mmu_update_t){ TBL_MA(tr.l4, 0), ENTRY(tr.l3, TABLE_FLAGS) };
    r[1] = (mmu_update_t){ TBL_MA(tr.l3, 0), ENTRY(tr.l2, TABLE_FLAGS) };
    r[2] = (mmu_update_t){ TBL_MA(tr.l2, 0), ENTRY(tr.l1, TABLE_FLAGS) };
    r[3] = (mmu_update_t){ TBL_MA(tr.l1, 0), ENTRY(tr.data, DATA_FLAGS) };
    rc = HYPERVISOR_mmu_update(r, 4, &done, DOMID_SELF);
    if (rc || done != 4)
        return rc ? rc : -XEN_EIO;
    return junk_fill();
}

static long tree_destroy(void)
{
    return ext(MMUEXT_UNPIN_TABLE, tr.l4, 0);
}

#define TREE_OR_FAIL()                                                      \
    do {                                                                    \
        long rc_ = tree_build();                                            \
        if (rc_)                                                            \
            return t_fail("building the mini tree: %ld", rc_);              \
    } while (0)

/* ---- cases ------------------------------------------------------------ */

static long free_at_start;       /* free frames before the first case */

static enum test_result t_debug_op(void)
{
    struct xenia_page_info pi;
    long nfree = HYPERVISOR_xenia_debug_op(XENIA_DEBUG_FREE_FRAMES, NULL);

    free_at_start = nfree;
    if (nfree == -XEN_ENOSYS)
        return t_skip("no debug hypercall 55 (Xen): count checks not run");
    CHECK(nfree > 0);
    CHECK_EQ(mm_page_info(virt_to_mfn(victim), &pi), 0);
    CHECK_EQ(pi.owner, 0);
    CHECK_EQ(pi.type, XENIA_PGT_WRITABLE);
    CHECK(pi.count >= 1 && pi.type_count >= 1);
    CHECK_EQ(mm_page_info(virt_to_mfn(boot_l4()), &pi), 0);
    CHECK_EQ(pi.type, 4);
    CHECK_EQ(pi.flags & (XENIA_PGF_PINNED | XENIA_PGF_VALIDATED),
             XENIA_PGF_PINNED | XENIA_PGF_VALIDATED);
    return T_PASS;
}

/* Map `mfn` (RO, then RW) at the victim page: want `err`, nothing changes. */
static enum test_result map_refused(unsigned long mfn, long err)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e;
    struct snap s;

    snap_take(&s, mfn);
    CHECK_EQ(mmu1(victim_l1e_ma(), ENTRY(mfn, _PAGE_PRESENT)), err);
    CHECK_EQ(*l1e, old);
    CHECK_EQ(mmu1(victim_l1e_ma(), ENTRY(mfn, DATA_FLAGS)), err);
    CHECK_EQ(*l1e, old);
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)victim,
                                          ENTRY(mfn, DATA_FLAGS), UVMF_INVLPG), err);
    CHECK_EQ(*l1e, old);
    CHECK_SNAP(s);
    return T_PASS;
}

static enum test_result t_map_xen_frames(void)
{
    static const unsigned int slots[] = { 256, 261, 262 };
    enum test_result r;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(slots); i++) {
        if (!(boot_l4()[slots[i]] & _PAGE_PRESENT))
            return t_fail("L4 slot %u not present", slots[i]);
        r = map_refused(xen_frame(slots[i]), -XEN_EBUSY);
        if (r != T_PASS)
            return r;
    }
    return T_PASS;
}

static enum test_result t_map_unowned_ram(void)
{
    unsigned long mfn = unowned_frame();

    if (!mfn)
        return t_skip("no RAM frame above ours");
    return map_refused(mfn, -XEN_EBUSY);
}

/* shared_info is ours: mappable read-write. */
static enum test_result t_map_shared_info(void)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e, si_mfn = pvg_si->shared_info >> PAGE_SHIFT;
    shared_info_t *alias = (shared_info_t *)victim;

    CHECK_EQ(mm_set_pte(victim, ENTRY(si_mfn, DATA_FLAGS)), 0);
    CHECK_EQ(MFN_OF(*l1e), si_mfn);
    CHECK_EQ(alias->arch.max_pfn, pvg_shared->arch.max_pfn);
    CHECK_EQ(mm_set_pte(victim, old), 0);
    CHECK_EQ(*l1e, old);
    return T_PASS;
}

/* Every level of our live tables: RO mapping fine, RW mapping -EBUSY. */
static enum test_result t_rw_map_live_tables(void)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e;
    int level;

    for (level = 4; level >= 1; level--) {
        unsigned long mfn = virt_to_mfn(boot_table(victim, level));
        struct snap s;

        snap_take(&s, mfn);
        CHECK_EQ(mmu1(victim_l1e_ma(), ENTRY(mfn, DATA_FLAGS)), -XEN_EBUSY);
        CHECK_EQ(*l1e, old);
        CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)victim,
                                              ENTRY(mfn, DATA_FLAGS), 0), -XEN_EBUSY);
        CHECK_EQ(*l1e, old);
        CHECK_SNAP(s);
        CHECK_EQ(mm_set_pte(victim, ENTRY(mfn, _PAGE_PRESENT)), 0);
        CHECK_EQ(*(volatile uint64_t *)victim, boot_table(victim, level)[0]);
        CHECK_EQ(mm_set_pte(victim, old), 0);
        CHECK_EQ(*l1e, old);
    }
    return T_PASS;
}

#define DESC_DATA_DPL3  0x00cff3000000ffffUL

/* A live GDT page cannot be mapped writable (it is typed seg_desc). */
static enum test_result t_rw_map_gdt(void)
{
    volatile uint64_t *l1e = victim_begin(), *gl1e = pte_lookup(hgdt);
    uint64_t old = *l1e, gold;
    unsigned long frame = virt_to_mfn(hgdt);

    ((uint64_t *)hgdt)[2] = DESC_DATA_DPL3;
    ((uint64_t *)hgdt)[3] = DESC_DATA_DPL3;
    CHECK_EQ(mm_protect(hgdt, 0), 0);
    CHECK_EQ(HYPERVISOR_set_gdt(&frame, 512), 0);
    gold = *gl1e;
    CHECK_EQ(mmu1(victim_l1e_ma(), ENTRY(frame, DATA_FLAGS)), -XEN_EBUSY);
    CHECK_EQ(*l1e, old);
    CHECK_EQ(mm_protect(hgdt, 1), -XEN_EBUSY);
    CHECK_EQ(*gl1e, gold);
    CHECK_EQ(((uint64_t *)hgdt)[2], DESC_DATA_DPL3);
    return T_PASS;
}

struct flag_case {
    uint64_t bits;
    long want;
};

/*
 * dom0 holds cache-flush (I/O) privilege: PWT/PCD/PAT allowed in an L1e.
 * Bit 62 (_PAGE_GNTTAB) is refused only by debug builds of Xen; a release
 * build such as 4.17's defines _PAGE_GNTTAB as 0 and lets it through.
 */
static const struct flag_case l1_flags[] = {
    { _PAGE_GNTTAB, 0 },
    { _PAGE_GLOBAL, 0 },
    { _PAGE_PWT | _PAGE_PCD, 0 },
    { _PAGE_PSE, 0 },
    { _PAGE_AVAIL, 0 },
    { 1UL << 58, 0 },
    { _PAGE_NX, 0 },
    { 1UL << 51, -XEN_EPERM },  /* beyond MAXPHYADDR: MMIO dom0 may not map */
};

static enum test_result t_l1_flags(void)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(l1_flags); i++) {
        const struct flag_case *c = &l1_flags[i];
        long rc = mmu1(victim_l1e_ma(), old | c->bits);

        if (rc != c->want)
            return t_fail("bits %#lx: %ld, want %ld", c->bits, rc, c->want);
        if (rc) {
            CHECK_EQ(*l1e, old);
            continue;
        }
        CHECK_EQ(*l1e & c->bits, c->bits);
        CHECK_EQ(mm_set_pte(victim, old), 0);
        CHECK_EQ(*l1e, old);
    }
    return T_PASS;
}

/* No superpages, no cache or global bits above L1. */
static const uint64_t upper_bad_bits[] = {
    _PAGE_PWT, _PAGE_PCD, _PAGE_PSE, _PAGE_GLOBAL,
};

static enum test_result upper_flags_one(unsigned long table, uint64_t ent)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(upper_bad_bits); i++) {
        long rc = mmu1(TBL_MA(table, 0), ent | upper_bad_bits[i]);

        if (rc != -XEN_EINVAL)
            return t_fail("table %#lx bits %#lx: %ld", table, upper_bad_bits[i], rc);
        CHECK_EQ(mm_peek(table, 0), ent);
    }
    return T_PASS;
}

static enum test_result t_upper_flags(void)
{
    unsigned long tables[3];
    enum test_result r = T_PASS;
    unsigned int i;

    TREE_OR_FAIL();
    tables[0] = tr.l4, tables[1] = tr.l3, tables[2] = tr.l2;
    for (i = 0; i < 3 && r == T_PASS; i++)
        r = upper_flags_one(tables[i], mm_peek(tables[i], 0));
    CHECK_EQ(tree_destroy(), 0);
    return r;
}

static const unsigned int xen_slots[] = { 256, 257, 258, 260, 261, 262, 271 };

/* Xen's L4 slots, in our live L4 and in a freshly pinned one. */
static enum test_result t_xen_l4_slots(void)
{
    uint64_t *l4 = boot_l4();
    unsigned int i;

    TREE_OR_FAIL();
    for (i = 0; i < ARRAY_SIZE(xen_slots); i++) {
        unsigned int s = xen_slots[i];
        uint64_t old = l4[s], told = mm_peek(tr.l4, s);

        CHECK_EQ(mmu1(virt_to_maddr(&l4[s]), 0), -XEN_EINVAL);
        CHECK_EQ(mmu1(virt_to_maddr(&l4[s]), l4[511]), -XEN_EINVAL);
        CHECK_EQ(l4[s], old);
        CHECK_EQ(mmu1(TBL_MA(tr.l4, s), ENTRY(tr.l3, TABLE_FLAGS)), -XEN_EINVAL);
        CHECK_EQ(mm_peek(tr.l4, s), told);
    }
    CHECK_EQ(tree_destroy(), 0);
    return T_PASS;
}

/* update_va_mapping inside Xen's area: no guest L1 there. */
static enum test_result t_uvm_xen_area(void)
{
    unsigned long mfn = virt_to_mfn(victim);
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(xen_slots); i++) {
        unsigned long va = 0xffff000000000000UL | ((unsigned long)xen_slots[i] << 39);

        CHECK_EQ(HYPERVISOR_update_va_mapping(va, ENTRY(mfn, DATA_FLAGS),
                                              UVMF_INVLPG), -XEN_EINVAL);
        CHECK_EQ(HYPERVISOR_update_va_mapping(va + 0x1000, 0, UVMF_INVLPG),
                 -XEN_EINVAL);
    }
    CHECK_EQ(m2p[mfn], ((unsigned long)victim - PVG_VIRT_BASE) >> PAGE_SHIFT);
    return T_PASS;
}

/* Linear (recursive) tables: read-only and same level only. */
static enum test_result t_linear_pt(void)
{
    TREE_OR_FAIL();
    CHECK_EQ(mmu1(TBL_MA(tr.l4, 1), ENTRY(tr.l4, TABLE_FLAGS)), -XEN_EINVAL);
    CHECK_EQ(mm_peek(tr.l4, 1), 0);
    CHECK_EQ(mmu1(TBL_MA(tr.l3, 1), ENTRY(tr.l3, TABLE_FLAGS)), -XEN_EINVAL);
    CHECK_EQ(mm_peek(tr.l3, 1), 0);
    CHECK_EQ(mmu1(TBL_MA(tr.l4, 1), ENTRY(tr.l4, _PAGE_PRESENT | _PAGE_ACCESSED)), 0);
    CHECK_EQ(MFN_OF(mm_peek(tr.l4, 1)), tr.l4);
    CHECK_EQ(mmu1(TBL_MA(tr.l3, 1), ENTRY(tr.l3, _PAGE_PRESENT | _PAGE_ACCESSED)), 0);
    CHECK_EQ(MFN_OF(mm_peek(tr.l3, 1)), tr.l3);
    CHECK_EQ(mmu1(TBL_MA(tr.l4, 1), 0), 0);
    CHECK_EQ(mmu1(TBL_MA(tr.l3, 1), 0), 0);
    CHECK_EQ(tree_destroy(), 0);
    return T_PASS;
}

/* An entry must point at a table one level down. */
static enum test_result t_level_mismatch(void)
{
    struct snap s;

    TREE_OR_FAIL();
    snap_take(&s, tr.junk);
    CHECK_EQ(mmu1(TBL_MA(tr.l2, 1), ENTRY(tr.l3, TABLE_FLAGS)), -XEN_EINVAL);
    CHECK_EQ(mm_peek(tr.l2, 1), 0);
    CHECK_EQ(mmu1(TBL_MA(tr.l4, 2), ENTRY(tr.l2, TABLE_FLAGS)), -XEN_EINVAL);
    CHECK_EQ(mm_peek(tr.l4, 2), 0);
    CHECK_EQ(mmu1(TBL_MA(tr.l3, 1), ENTRY(tr.junk, TABLE_FLAGS)), -XEN_EINVAL);
    CHECK_EQ(mm_peek(tr.l3, 1), 0);
    /* As an L1 the junk maps a hypervisor frame: the L1e's -EBUSY. */
    CHECK_EQ(mmu1(TBL_MA(tr.l2, 1), ENTRY(tr.junk, TABLE_FLAGS)), -XEN_EBUSY);
    CHECK_EQ(mm_peek(tr.l2, 1), 0);
    CHECK_SNAP(s);
    CHECK_EQ(mmu1(TBL_MA(tr.l2, 1), ENTRY(virt_to_mfn(victim), TABLE_FLAGS)),
             -XEN_EINVAL);
    CHECK_EQ(mm_peek(tr.l2, 1), 0);
    CHECK_EQ(tree_destroy(), 0);
    return T_PASS;
}

static enum test_result t_pin_errors(void)
{
    struct snap s4, sj;

    TREE_OR_FAIL();
    snap_take(&s4, tr.l4);
    snap_take(&sj, tr.junk);
    CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, tr.l4, 0), -XEN_EINVAL);      /* twice */
    CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, tr.l3, 0), -XEN_EINVAL);       /* not pinned */
    CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, tr.junk, 0), -XEN_EINVAL);
    CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, tr.l4, 0), -XEN_EINVAL);      /* wrong level */
    CHECK_EQ(ext(MMUEXT_PIN_L3_TABLE, tr.l2, 0), -XEN_EINVAL);
    CHECK_EQ(ext(MMUEXT_PIN_L1_TABLE, virt_to_mfn(victim), 0), -XEN_EINVAL); /* RW */
    CHECK_EQ(ext(MMUEXT_PIN_L2_TABLE, tr.junk, 0), -XEN_EINVAL);    /* invalid */
    CHECK_EQ(ext(MMUEXT_PIN_L4_TABLE, xen_frame(261), 0), -XEN_EINVAL);
    CHECK_EQ(ext(MMUEXT_UNPIN_TABLE, xen_frame(261), 0), -XEN_EINVAL);
    CHECK_SNAP(s4);
    CHECK_SNAP(sj);
    CHECK_EQ(tree_destroy(), 0);
    CHECK_EQ(tree_destroy(), -XEN_EINVAL);                          /* unpinned */
    return T_PASS;
}

static enum test_result t_new_baseptr_errors(void)
{
    uint64_t cr3 = read_cr3();

    TREE_OR_FAIL();
    CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, tr.l3, 0), -XEN_EINVAL);
    CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, tr.junk, 0), -XEN_EINVAL);
    CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, virt_to_mfn(victim), 0), -XEN_EINVAL);
    CHECK_EQ(ext(MMUEXT_NEW_BASEPTR, xen_frame(261), 0), -XEN_EINVAL);
    CHECK_EQ(ext(MMUEXT_NEW_USER_BASEPTR, tr.l3, 0), -XEN_EINVAL);
    CHECK_EQ(read_cr3(), cr3);
    CHECK_EQ(tree_destroy(), 0);
    return T_PASS;
}

static enum test_result t_set_ldt_errors(void)
{
    static const struct { unsigned long va, ents; } bad[] = {
        { 0, 8193 },
        { 0xffff800000000000UL, 1 },
        { 0x0000800000000000UL, 1 },
        { 0xffffffff80000008UL, 1 },
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };
        long rc;

        op.arg1.linear_addr = bad[i].va;
        op.arg2.nr_ents = bad[i].ents;
        rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
        if (rc != -XEN_EINVAL)
            return t_fail("SET_LDT %#lx/%lu: %ld", bad[i].va, bad[i].ents, rc);
    }
    CHECK_EQ(ext(MMUEXT_SET_LDT, 0, 0), 0);
    return T_PASS;
}

static enum test_result t_copy_clear_page(void)
{
    uint64_t e0;

    TREE_OR_FAIL();
    e0 = mm_peek(tr.l1, 0);
    CHECK_EQ(ext(MMUEXT_CLEAR_PAGE, tr.l1, 0), -XEN_EINVAL);
    CHECK_EQ(ext(MMUEXT_COPY_PAGE, tr.l1, tr.junk), -XEN_EINVAL);
    CHECK_EQ(ext(MMUEXT_CLEAR_PAGE, tr.l4, 0), -XEN_EINVAL);
    CHECK_EQ(mm_peek(tr.l1, 0), e0);
    CHECK_EQ(ext(MMUEXT_CLEAR_PAGE, xen_frame(261), 0), -XEN_EINVAL);
    CHECK_EQ(ext(MMUEXT_COPY_PAGE, tr.junk, xen_frame(261)), -XEN_EINVAL);
    CHECK(mm_peek(tr.junk, 0) != 0);
    /* Reading a page table is fine: copy it into the data page. */
    CHECK_EQ(ext(MMUEXT_COPY_PAGE, tr.data, tr.l1), 0);
    CHECK_EQ(mm_peek(tr.data, 0), e0);
    CHECK_EQ(tree_destroy(), 0);
    return T_PASS;
}

/* Entry 2 of 4 fails: done = 2, the first two applied, the last not. */
static enum test_result t_mmu_update_partial(void)
{
    volatile uint64_t *va = victim_begin(), *oa = pte_lookup(other);
    uint64_t v0 = *va, o0 = *oa;
    unsigned long l4_mfn = virt_to_mfn(boot_l4());
    mmu_update_t r[4] = {
        { victim_l1e_ma(), v0 & ~_PAGE_RW },
        { virt_to_maddr((const void *)oa), o0 & ~_PAGE_RW },
        { victim_l1e_ma(), ENTRY(l4_mfn, DATA_FLAGS) },
        { virt_to_maddr((const void *)oa), o0 },
    };
    unsigned int done = 99;

    CHECK_EQ(HYPERVISOR_mmu_update(r, 4, &done, DOMID_SELF), -XEN_EBUSY);
    CHECK_EQ(done, 2);
    CHECK_EQ(*va, v0 & ~_PAGE_RW);
    CHECK_EQ(*oa, o0 & ~_PAGE_RW);
    CHECK_EQ(mm_set_pte(victim, v0), 0);
    CHECK_EQ(mm_set_pte(other, o0), 0);
    return T_PASS;
}

static enum test_result t_mmuext_partial(void)
{
    struct mmuext_op ops[4];
    unsigned int done = 99;

    TREE_OR_FAIL();
    memset(ops, 0, sizeof(ops));
    ops[0].cmd = MMUEXT_TLB_FLUSH_LOCAL;
    ops[1].cmd = MMUEXT_INVLPG_LOCAL;
    ops[1].arg1.linear_addr = (unsigned long)victim;
    ops[2].cmd = MMUEXT_PIN_L4_TABLE;               /* already pinned */
    ops[2].arg1.mfn = tr.l4;
    ops[3].cmd = MMUEXT_UNPIN_TABLE;                /* must not run */
    ops[3].arg1.mfn = tr.l4;
    CHECK_EQ(HYPERVISOR_mmuext_op(ops, 4, &done, DOMID_SELF), -XEN_EINVAL);
    CHECK_EQ(done, 2);
    CHECK_EQ(tree_destroy(), 0);                    /* still pinned */
    return T_PASS;
}

/* A batch running into an unmapped page: -EFAULT after the readable part. */
static enum test_result t_efault_batches(void)
{
    uint8_t *guard = fault_buf + PAGE_SIZE;
    uint64_t gold = *pte_lookup(guard), v0 = *victim_begin();
    mmu_update_t *r = (mmu_update_t *)guard - 2;
    struct mmuext_op *op = (struct mmuext_op *)guard - 1;
    unsigned int done = 99;

    CHECK_EQ(mm_set_pte(guard, 0), 0);
    r[0] = (mmu_update_t){ victim_l1e_ma(), v0 & ~_PAGE_RW };
    r[1] = (mmu_update_t){ victim_l1e_ma(), v0 };
    CHECK_EQ(HYPERVISOR_mmu_update(r, 3, &done, DOMID_SELF), -XEN_EFAULT);
    CHECK_EQ(done, 2);
    CHECK_EQ(*victim_l1e(), v0);
    memset(op, 0, sizeof(*op));
    op->cmd = MMUEXT_TLB_FLUSH_LOCAL;
    done = 99;
    CHECK_EQ(HYPERVISOR_mmuext_op(op, 2, &done, DOMID_SELF), -XEN_EFAULT);
    CHECK_EQ(done, 1);
    CHECK_EQ(HYPERVISOR_mmu_update((mmu_update_t *)0x1000, 1, NULL, DOMID_SELF),
             -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_mmuext_op((struct mmuext_op *)0xffff830000000000UL, 1,
                                  NULL, DOMID_SELF), -XEN_EFAULT);
    CHECK_EQ(mm_set_pte(guard, gold), 0);
    return T_PASS;
}

/* The vCPU mask of TLB_FLUSH_MULTI / INVLPG_MULTI is read from the guest. */
static enum test_result t_bad_vcpumask(void)
{
    struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_MULTI };
    unsigned long mask = 1;

    /* Xen turns the failed copy into -EINVAL (update_va_mapping: -EFAULT). */
    set_xen_guest_handle(op.arg2.vcpumask, (void *)0x1000);
    CHECK_EQ(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    op.cmd = MMUEXT_INVLPG_MULTI;
    op.arg1.linear_addr = (unsigned long)victim;
    CHECK_EQ(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    set_xen_guest_handle(op.arg2.vcpumask, (void *)&mask);
    CHECK_EQ(HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF), 0);
    return T_PASS;
}

static void mc_set(multicall_entry_t *m, unsigned long op, unsigned long a0,
                   unsigned long a1, unsigned long a2, unsigned long a3)
{
    memset(m, 0, sizeof(*m));
    m->op = op;
    m->args[0] = a0, m->args[1] = a1, m->args[2] = a2, m->args[3] = a3;
    m->result = 0x5a5a;
}

/* MMU ops inside a multicall: per-entry results, the batch goes on. */
static enum test_result t_multicall_mmu(void)
{
    static mmu_update_t good, bad;
    static struct mmuext_op flush;
    static multicall_entry_t mc[5];
    uint64_t v0 = *victim_begin(), l4_mfn = virt_to_mfn(boot_l4());

    good = (mmu_update_t){ victim_l1e_ma(), v0 & ~_PAGE_RW };
    bad = (mmu_update_t){ virt_to_maddr(&boot_l4()[256]), 0 };
    flush = (struct mmuext_op){ .cmd = MMUEXT_INVLPG_LOCAL };
    flush.arg1.linear_addr = (unsigned long)victim;
    mc_set(&mc[0], __HYPERVISOR_mmu_update, (unsigned long)&good, 1, 0, DOMID_SELF);
    mc_set(&mc[1], __HYPERVISOR_update_va_mapping, (unsigned long)victim,
           ENTRY(l4_mfn, DATA_FLAGS), UVMF_INVLPG, 0);
    mc_set(&mc[2], __HYPERVISOR_mmuext_op, (unsigned long)&flush, 1, 0, DOMID_SELF);
    mc_set(&mc[3], __HYPERVISOR_mmu_update, (unsigned long)&bad, 1, 0, DOMID_SELF);
    mc_set(&mc[4], __HYPERVISOR_update_va_mapping, (unsigned long)victim, v0,
           UVMF_INVLPG, 0);
    CHECK_EQ(HYPERVISOR_multicall(mc, 5), 0);
    CHECK_EQ(mc[0].result, 0);
    CHECK_EQ(mc[1].result, -XEN_EBUSY);
    CHECK_EQ(mc[2].result, 0);
    CHECK_EQ(mc[3].result, -XEN_EINVAL);
    CHECK_EQ(mc[4].result, 0);
    CHECK_EQ(*victim_l1e(), v0);
    CHECK(boot_l4()[256] & _PAGE_PRESENT);
    return T_PASS;
}

/*
 * Long work inside a multicall: a 600-entry mmu_update (M2P rewrites to
 * the values they have) then 40 more entries.  Xen and Xenia may both
 * continue it (the entry's args become the continuation's, the batch goes
 * on from there); the guest sees every entry done once.  Xenia always
 * continues past 512 updates: there its args must show it.
 */
#define MC_LONG 600
static mmu_update_t mc_long[MC_LONG];
static multicall_entry_t mc_many[41];

static enum test_result t_multicall_long(void)
{
    const unsigned long *m2p = (const unsigned long *)MACH2PHYS_VIRT_START;
    unsigned int done = 0, i;

    for (i = 0; i < MC_LONG; i++) {
        unsigned long mfn = pfn_to_mfn(i);

        mc_long[i] = (mmu_update_t){
            ((uint64_t)mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, m2p[mfn] };
    }
    mc_set(&mc_many[0], __HYPERVISOR_mmu_update, (unsigned long)mc_long,
           MC_LONG, (unsigned long)&done, DOMID_SELF);
    for (i = 1; i < 41; i++)
        mc_set(&mc_many[i], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0);
    CHECK_EQ(HYPERVISOR_multicall(mc_many, 41), 0);
    CHECK_EQ(mc_many[0].result, 0);
    CHECK_EQ(done, MC_LONG);
    for (i = 1; i < 41; i++)
        CHECK_EQ(mc_many[i].result, PAGE_SIZE);
    for (i = 0; i < MC_LONG; i++)
        CHECK_EQ(m2p[pfn_to_mfn(i)], i);
    if (have_debug()) {
        CHECK_EQ(mc_many[0].args[0], (unsigned long)&mc_long[512]);
        /* count left, with the hypervisor's "preempted" bit (1 << 31) */
        CHECK_EQ(mc_many[0].args[1], (MC_LONG - 512) | (1UL << 31));
    }
    return T_PASS;
}

/* Flush-type 3 and a bad vCPU-mask pointer in update_va_mapping's flags. */
static enum test_result t_uvm_flags(void)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e, ro = old & ~_PAGE_RW;
    unsigned long mask = 1;

    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)victim, ro, 3), 0);
    CHECK_EQ(*l1e, ro);
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)victim, old,
                                          UVMF_INVLPG | 0x1000), -XEN_EFAULT);
    CHECK_EQ(*l1e, old);            /* the entry is written before the flush */
    CHECK_EQ(HYPERVISOR_update_va_mapping((unsigned long)victim, ro,
                                          UVMF_TLB_FLUSH | (unsigned long)&mask), 0);
    CHECK_EQ(*l1e, ro);
    CHECK_EQ(mm_set_pte(victim, old), 0);
    return T_PASS;
}

static enum test_result t_foreigndom(void)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e, ro = old & ~_PAGE_RW;
    mmu_update_t r = { victim_l1e_ma(), ro };
    struct mmuext_op op = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, 5), -XEN_ESRCH);
    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, 0x7ff5), -XEN_ESRCH);
    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF | (6 << 16)), -XEN_ESRCH);
    CHECK_EQ(*l1e, old);
    CHECK_EQ(HYPERVISOR_mmuext_op(&op, 1, NULL, 5), -XEN_ESRCH);
    CHECK_EQ(HYPERVISOR_mmuext_op(&op, 1, NULL, 0), -XEN_ESRCH);
    CHECK_EQ(HYPERVISOR_update_va_mapping_otherdomain((unsigned long)victim, ro,
                                                      UVMF_INVLPG, 5), -XEN_ESRCH);
    /* Naming ourselves by id instead of DOMID_SELF is refused too. */
    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, 0), -XEN_ESRCH);
    CHECK_EQ(*l1e, old);
    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF), 0);
    CHECK_EQ(*l1e, ro);
    CHECK_EQ(mm_set_pte(victim, old), 0);
    return T_PASS;
}

static enum test_result t_machphys_unowned(void)
{
    unsigned long mfns[] = { xen_frame(261), unowned_frame() };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(mfns); i++) {
        unsigned long mfn = mfns[i], before;
        mmu_update_t r;

        if (!mfn)
            continue;
        before = m2p[mfn];
        r = (mmu_update_t){ ((uint64_t)mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 7 };
        CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF), -XEN_EINVAL);
        CHECK_EQ(m2p[mfn], before);
    }
    return T_PASS;
}

/*
 * mmu_update's command bits, alignment, and a target frame not ours.  Xen
 * takes the command from ptr[2:0]: MMU_PT_UPDATE_NO_TRANSLATE (3) is a
 * normal update for a PV caller, and an address 4 bytes into an entry
 * reads as command 4: -ENOSYS.
 */
static enum test_result t_mmu_update_bad_ptr(void)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e, ma = victim_l1e_ma();
    mmu_update_t r;

    r = (mmu_update_t){ ma | 3, old & ~_PAGE_RW };     /* NO_TRANSLATE */
    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF), 0);
    CHECK_EQ(*l1e, old & ~_PAGE_RW);
    CHECK_EQ(mm_set_pte(victim, old), 0);
    r = (mmu_update_t){ (ma + 4) | MMU_NORMAL_PT_UPDATE, 0 };
    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF), -XEN_ENOSYS);
    CHECK_EQ(*l1e, old);
    r = (mmu_update_t){ TBL_MA(xen_frame(261), 0), 0 };
    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    CHECK(boot_l4()[261] & _PAGE_PRESENT);
    if (unowned_frame()) {
        r = (mmu_update_t){ TBL_MA(unowned_frame(), 0), 0 };
        CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF), -XEN_EINVAL);
    }
    return T_PASS;
}

/* MMU_PT_UPDATE_PRESERVE_AD validates like a normal update; keeps A/D. */
static enum test_result t_mmu_preserve_ad(void)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old, ma = victim_l1e_ma() | MMU_PT_UPDATE_PRESERVE_AD;
    mmu_update_t r;

    victim[0] = 1;                                  /* sets A and D */
    old = *l1e;
    CHECK_EQ(old & (_PAGE_ACCESSED | _PAGE_DIRTY), _PAGE_ACCESSED | _PAGE_DIRTY);
    r = (mmu_update_t){ ma, ENTRY(virt_to_mfn(boot_l4()), DATA_FLAGS) };
    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF), -XEN_EBUSY);
    CHECK_EQ(*l1e, old);
    r = (mmu_update_t){ ma, ENTRY(xen_frame(261), _PAGE_PRESENT) };
    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF), -XEN_EBUSY);
    CHECK_EQ(*l1e, old);
    r = (mmu_update_t){ ma, old & ~(_PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_RW) };
    CHECK_EQ(HYPERVISOR_mmu_update(&r, 1, NULL, DOMID_SELF), 0);
    CHECK_EQ(*l1e, old & ~_PAGE_RW);
    CHECK_EQ(mm_set_pte(victim, old), 0);
    return T_PASS;
}

/*
 * dom0 may map I/O frames (the first MiB belongs to DOMID_IO); Xen forces
 * a write-back request to uncacheable (PCD|PWT).
 */
static enum test_result t_map_io_frame(void)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e;

    CHECK_EQ(mmu1(victim_l1e_ma(), ENTRY(0xb8, _PAGE_PRESENT | _PAGE_ACCESSED)), 0);
    CHECK_EQ(MFN_OF(*l1e), 0xb8);
    CHECK_EQ(*l1e & (_PAGE_PCD | _PAGE_PWT), _PAGE_PCD | _PAGE_PWT);
    CHECK_EQ(mm_set_pte(victim, old), 0);
    CHECK_EQ(*l1e, old);
    return T_PASS;
}

/* Build and tear down the mini tree: every frame's counts as before. */
static enum test_result t_tree_counts(void)
{
    struct snap s[6];
    unsigned int i;

    for (i = 0; i < 6; i++) {
        if (!mm_spare_mfn(i))
            return t_skip("spare frame %u is mapped", i);
        snap_take(&s[i], mm_spare_mfn(i));
    }
    TREE_OR_FAIL();
    /* A user mapping (USER without Xen's kernel bit 52) gains GLOBAL. */
    CHECK_EQ(mm_peek(tr.l1, 0), ENTRY(tr.data, DATA_FLAGS | _PAGE_GLOBAL));
    CHECK_EQ(tree_destroy(), 0);
    for (i = 0; i < 6; i++)
        CHECK_SNAP(s[i]);
    return T_PASS;
}

/* Last case: all the above allocated nothing and leaked nothing. */
static enum test_result t_free_frames_unchanged(void)
{
    if (!have_debug())
        return t_skip("no debug hypercall 55 (Xen)");
    CHECK_EQ(HYPERVISOR_xenia_debug_op(XENIA_DEBUG_FREE_FRAMES, NULL), free_at_start);
    return T_PASS;
}

/* ---- writable page tables (PTWR) --------------------------------------- */

static uint64_t pte_to(uint64_t old, const void *page)
{
    return (old & ~PTE_MFN_MASK) | ((uint64_t)virt_to_mfn(page) << PAGE_SHIFT);
}

static enum test_result t_ptwr_cmpxchg(void)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e, expect = old, new = pte_to(old, other);
    uint8_t ok;

    other[8] = 0x77;
    victim[8] = 0x11;
    trap_reset();
    asm volatile("1: lock cmpxchg %3, (%2)\n\t2: sete %1\n\t" EXTABLE(1b, 2b)
                 : "+a"(expect), "=q"(ok) : "r"(l1e), "r"(new) : "memory", "cc");
    CHECK_NO_TRAP();
    CHECK(ok);
    CHECK_EQ(MFN_OF(*l1e), virt_to_mfn(other));
    CHECK_EQ(ext(MMUEXT_INVLPG_LOCAL, (unsigned long)victim, 0), 0);
    CHECK_EQ(*(volatile uint8_t *)&victim[8], 0x77);
    CHECK_EQ(mm_set_pte(victim, old), 0);
    CHECK_EQ(*(volatile uint8_t *)&victim[8], 0x11);
    return T_PASS;
}

static enum test_result t_ptwr_bitops(void)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e;

    trap_reset();
    asm volatile("1: lock btrq $1, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(l1e) : "memory", "cc");
    CHECK_NO_TRAP();
    CHECK_EQ(*l1e, old & ~_PAGE_RW);
    asm volatile("1: lock btsq $1, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(l1e) : "memory", "cc");
    CHECK_NO_TRAP();
    CHECK_EQ(*l1e, old);
    asm volatile("1: lock andb $0xfd, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(l1e) : "memory", "cc");
    CHECK_NO_TRAP();
    CHECK_EQ(*l1e, old & ~_PAGE_RW);
    CHECK_EQ(mm_set_pte(victim, old), 0);
    /* Linux on one CPU: its lock prefix patched into DS (fork's wrprotect). */
    asm volatile("1: ds andb $0xfd, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(l1e) : "memory", "cc");
    CHECK_NO_TRAP();
    CHECK_EQ(*l1e, old & ~_PAGE_RW);
    CHECK_EQ(mm_set_pte(victim, old), 0);
    /* Setting an address bit beyond MAXPHYADDR validates as MMIO: refused. */
    trap_reset();
    asm volatile("1: lock btsq $51, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(l1e) : "memory", "cc");
    CHECK_TRAP(X86_EXC_PF, 3);
    CHECK_EQ(*l1e, old);
    return T_PASS;
}

/* A cmpxchg whose comparison fails writes nothing and reports the value. */
static enum test_result t_ptwr_cmpxchg_mismatch(void)
{
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e, expect = old ^ _PAGE_DIRTY, new = pte_to(old, other);
    uint8_t ok = 1;

    trap_reset();
    asm volatile("1: lock cmpxchg %3, (%2)\n\t2: sete %1\n\t" EXTABLE(1b, 2b)
                 : "+a"(expect), "=q"(ok) : "r"(l1e), "r"(new) : "memory", "cc");
    CHECK_NO_TRAP();
    CHECK_EQ(ok, 0);
    CHECK_EQ(expect, old);
    CHECK_EQ(*l1e, old);
    return T_PASS;
}

static void ptwr_mov(volatile uint64_t *p, uint64_t v)
{
    asm volatile("1: mov %1, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(p), "r"(v) : "memory");
}

static void ptwr_xchg(volatile uint64_t *p, uint64_t v)
{
    asm volatile("1: xchg %1, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 : : "r"(p), "r"(v) : "memory");
}

static void ptwr_cmpxchg(volatile uint64_t *p, uint64_t v)
{
    uint64_t cur = *p;

    asm volatile("1: lock cmpxchg %2, (%1)\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "+a"(cur) : "r"(p), "r"(v) : "memory", "cc");
}

/* A PTWR write that validation refuses is the guest's #PF; entry unchanged. */
static enum test_result t_ptwr_forbidden(void)
{
    static void (*const op[])(volatile uint64_t *, uint64_t) = {
        ptwr_mov, ptwr_xchg, ptwr_cmpxchg,
    };
    volatile uint64_t *l1e = victim_begin();
    uint64_t old = *l1e;
    uint64_t bad[] = {
        ENTRY(xen_frame(261), DATA_FLAGS),
        old | (1UL << 51),
        ENTRY(virt_to_mfn(boot_l4()), DATA_FLAGS),
    };
    unsigned int i, j;

    for (i = 0; i < ARRAY_SIZE(op); i++)
        for (j = 0; j < ARRAY_SIZE(bad); j++) {
            trap_reset();
            op[i](l1e, bad[j]);
            if (last_trap.count != 1 || last_trap.vector != X86_EXC_PF ||
                last_trap.error_code != 3)
                return t_fail("op %u value %u: %u traps, vector %u code %#lx",
                              i, j, last_trap.count, last_trap.vector,
                              last_trap.error_code);
            CHECK_EQ(last_trap.cr2, (uint64_t)l1e);
            CHECK_EQ(*l1e, old);
        }
    return T_PASS;
}

/* PTWR is for L1 only: a write to our L2, L3 or L4 is a plain #PF. */
static enum test_result t_ptwr_upper_levels(void)
{
    int level;

    for (level = 2; level <= 4; level++) {
        uint64_t *t = boot_table(victim, level);
        volatile uint64_t *e = &t[((unsigned long)victim >> (12 + 9 * (level - 1))) & 511];
        uint64_t old = *e;

        trap_reset();
        ptwr_mov(e, old);
        CHECK_TRAP(X86_EXC_PF, 3);
        CHECK_EQ(last_trap.cr2, (uint64_t)e);
        trap_reset();
        ptwr_xchg(e, old & ~_PAGE_RW);
        CHECK_TRAP(X86_EXC_PF, 3);
        CHECK_EQ(*e, old);
    }
    return T_PASS;
}

const struct pvg_test tests_hostile[] = {
    { "hostile.debug_op", t_debug_op },
    { "hostile.map_xen_frames", t_map_xen_frames },
    { "hostile.map_unowned_ram", t_map_unowned_ram },
    { "hostile.map_own_shared_info", t_map_shared_info },
    { "hostile.rw_map_live_tables", t_rw_map_live_tables },
    { "hostile.rw_map_gdt", t_rw_map_gdt },
    { "hostile.l1_flags", t_l1_flags },
    { "hostile.upper_level_flags", t_upper_flags },
    { "hostile.xen_l4_slots", t_xen_l4_slots },
    { "hostile.uvm_xen_area", t_uvm_xen_area },
    { "hostile.linear_pt", t_linear_pt },
    { "hostile.level_mismatch", t_level_mismatch },
    { "hostile.pin_errors", t_pin_errors },
    { "hostile.new_baseptr_errors", t_new_baseptr_errors },
    { "hostile.set_ldt_errors", t_set_ldt_errors },
    { "hostile.copy_clear_page", t_copy_clear_page },
    { "hostile.mmu_update_partial", t_mmu_update_partial },
    { "hostile.mmuext_partial", t_mmuext_partial },
    { "hostile.efault_batches", t_efault_batches },
    { "hostile.bad_vcpumask", t_bad_vcpumask },
    { "hostile.multicall_mmu", t_multicall_mmu },
    { "hostile.multicall_long", t_multicall_long },
    { "hostile.uvm_flags", t_uvm_flags },
    { "hostile.foreigndom", t_foreigndom },
    { "hostile.machphys_unowned", t_machphys_unowned },
    { "hostile.mmu_update_bad_ptr", t_mmu_update_bad_ptr },
    { "hostile.mmu_preserve_ad", t_mmu_preserve_ad },
    { "hostile.map_io_frame", t_map_io_frame },
    { "hostile.ptwr_cmpxchg", t_ptwr_cmpxchg },
    { "hostile.ptwr_bitops", t_ptwr_bitops },
    { "hostile.ptwr_forbidden", t_ptwr_forbidden },
    { "hostile.ptwr_upper_levels", t_ptwr_upper_levels },
    { "hostile.ptwr_cmpxchg_mismatch", t_ptwr_cmpxchg_mismatch },
    { "hostile.tree_counts_restored", t_tree_counts },
    { "hostile.free_frames_unchanged", t_free_frames_unchanged },
    { NULL, NULL },
};
