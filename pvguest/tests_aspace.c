/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest tests: a 1,000-page process address space built and torn down with batched mmu_update. */
#include "tests.h"
#include "arch.h"
#include "hypercall.h"

/*
 * A fresh 4-level tree in spare frames: L4 -> L3 -> L2 -> two L1s mapping
 * AS_PAGES of our own frames read-write at AS_BASE, plus our kernel's L4
 * slot 511 so that the tree can be loaded and used.  Built with one
 * batched mmu_update (the L4 pinned first, so every entry is validated as
 * it is written), loaded with NEW_BASEPTR, every page written and read
 * back, then torn down with one batch and unpinned.  Where Xenia's debug
 * hypercall exists, every frame involved must end with the count and type
 * count it started with, and the free-frame count must be unchanged.
 */

#define AS_PAGES    1000
#define AS_BASE     0x10000000UL        /* L4 0, L3 0, L2 128 and 129 */
#define AS_L2_FIRST ((AS_BASE >> 21) & 511)
#define AS_TABLES   5
#define AS_FRAMES   (AS_TABLES + AS_PAGES)
#define AS_SPARE0   8                   /* tests_hostile uses spares 0..5 */
#define AS_MAGIC    0x5a17000000000000UL

#define TABLE_FLAGS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define DATA_FLAGS  (TABLE_FLAGS | _PAGE_DIRTY)
#define ENTRY(mfn, fl)  (((uint64_t)(mfn) << PAGE_SHIFT) | (fl))
#define TBL_MA(mfn, i)  (((uint64_t)(mfn) << PAGE_SHIFT) + (i) * 8UL)

enum { F_L4, F_L3, F_L2, F_L1A, F_L1B, F_DATA };

static unsigned long frames[AS_FRAMES];
static struct xenia_page_info before[AS_FRAMES];
static mmu_update_t reqs[AS_FRAMES];

static inline uint64_t rdtsc_probe(void)
{
    uint32_t lo, hi;

    asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static int as_pick_frames(void)
{
    unsigned int i;

    for (i = 0; i < AS_FRAMES; i++) {
        frames[i] = mm_spare_mfn(AS_SPARE0 + i);
        if (!frames[i])
            return -1;
    }
    return 0;
}

static unsigned long as_l1_of(unsigned int page)
{
    return frames[page < 512 ? F_L1A : F_L1B];
}

/* Links first (each validates an empty table), then the 1,000 L1 entries. */
static unsigned int as_build_reqs(void)
{
    uint64_t kernel_l4e = ((uint64_t *)pvg_si->pt_base)[511];
    unsigned int n = 0, i;

    reqs[n++] = (mmu_update_t){ TBL_MA(frames[F_L4], 0), ENTRY(frames[F_L3], TABLE_FLAGS) };
    reqs[n++] = (mmu_update_t){ TBL_MA(frames[F_L4], 511), kernel_l4e };
    reqs[n++] = (mmu_update_t){ TBL_MA(frames[F_L3], 0), ENTRY(frames[F_L2], TABLE_FLAGS) };
    reqs[n++] = (mmu_update_t){ TBL_MA(frames[F_L2], AS_L2_FIRST),
                                ENTRY(frames[F_L1A], TABLE_FLAGS) };
    reqs[n++] = (mmu_update_t){ TBL_MA(frames[F_L2], AS_L2_FIRST + 1),
                                ENTRY(frames[F_L1B], TABLE_FLAGS) };
    for (i = 0; i < AS_PAGES; i++)
        reqs[n++] = (mmu_update_t){ TBL_MA(as_l1_of(i), i % 512),
                                    ENTRY(frames[F_DATA + i], DATA_FLAGS) };
    return n;
}

/* The same slots in reverse order, all zeroed. */
static unsigned int as_teardown_reqs(void)
{
    unsigned int n = as_build_reqs(), i;

    for (i = 0; i < n / 2; i++) {
        mmu_update_t t = reqs[i];

        reqs[i] = reqs[n - 1 - i];
        reqs[n - 1 - i] = t;
    }
    for (i = 0; i < n; i++)
        reqs[i].val = 0;
    return n;
}

static long as_batch(unsigned int n, uint64_t *cycles)
{
    unsigned int done = 0;
    uint64_t t0 = rdtsc_probe();
    long rc = HYPERVISOR_mmu_update(reqs, n, &done, DOMID_SELF);

    *cycles = rdtsc_probe() - t0;
    if (!rc && done != n)
        return -XEN_EIO;
    return rc;
}

static long as_clear_and_pin(void)
{
    struct mmuext_op ops[AS_TABLES + 1];
    unsigned int i;

    memset(ops, 0, sizeof(ops));
    for (i = 0; i < AS_TABLES; i++) {
        ops[i].cmd = MMUEXT_CLEAR_PAGE;
        ops[i].arg1.mfn = frames[i];
    }
    ops[i].cmd = MMUEXT_PIN_L4_TABLE;
    ops[i].arg1.mfn = frames[F_L4];
    return HYPERVISOR_mmuext_op(ops, AS_TABLES + 1, NULL, DOMID_SELF);
}

static long as_snapshot(void)
{
    unsigned int i;
    long rc;

    for (i = 0; i < AS_FRAMES; i++) {
        rc = mm_page_info(frames[i], &before[i]);
        if (rc)
            return rc;
    }
    return 0;
}

/* Run on the new tree: write every page, read every page back. */
static unsigned int as_touch(void)
{
    unsigned long old = read_cr3() >> PAGE_SHIFT;
    volatile uint64_t *p = (volatile uint64_t *)AS_BASE;
    unsigned int i, bad = 0;
    struct mmuext_op op = { .cmd = MMUEXT_NEW_BASEPTR };

    op.arg1.mfn = frames[F_L4];
    if (HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF))
        return AS_PAGES + 1;
    for (i = 0; i < AS_PAGES; i++)
        p[i * 512] = AS_MAGIC | i;
    for (i = 0; i < AS_PAGES; i++)
        bad += p[i * 512] != (AS_MAGIC | i);
    op.arg1.mfn = old;
    if (HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF))
        pvg_panic("aspace: cannot return to the boot L4");
    return bad;
}

/* While built: tables typed and validated, data pages typed writable. */
static enum test_result as_check_built(void)
{
    struct xenia_page_info pi;
    unsigned int i;

    for (i = 0; i < AS_TABLES; i++) {
        CHECK_EQ(mm_page_info(frames[i], &pi), 0);
        CHECK_EQ(pi.type, i == F_L4 ? 4 : i == F_L3 ? 3 : i == F_L2 ? 2 : 1);
        CHECK(pi.flags & XENIA_PGF_VALIDATED);
        CHECK_EQ(pi.type_count, before[i].type_count + 1);
    }
    for (i = F_DATA; i < AS_FRAMES; i++) {
        CHECK_EQ(mm_page_info(frames[i], &pi), 0);
        CHECK_EQ(pi.type, XENIA_PGT_WRITABLE);
        CHECK_EQ(pi.type_count, before[i].type_count + 1);
        CHECK_EQ(pi.count, before[i].count + 1);
    }
    return T_PASS;
}

static enum test_result as_check_restored(long free0)
{
    struct xenia_page_info pi;
    unsigned int i;

    for (i = 0; i < AS_FRAMES; i++) {
        CHECK_EQ(mm_page_info(frames[i], &pi), 0);
        if (pi.count != before[i].count || pi.type_count != before[i].type_count)
            return t_fail("frame %u (mfn %#lx): count %u type_count %u, "
                          "was %u %u", i, frames[i], pi.count, pi.type_count,
                          before[i].count, before[i].type_count);
    }
    CHECK_EQ(HYPERVISOR_xenia_debug_op(XENIA_DEBUG_FREE_FRAMES, NULL), free0);
    return T_PASS;
}

/* The tree as written, read back through read-only mappings. */
static enum test_result as_check_entries(void)
{
    CHECK_EQ(mm_peek(frames[F_L4], 0) & PTE_MFN_MASK, ENTRY(frames[F_L3], 0));
    CHECK_EQ(mm_peek(frames[F_L2], AS_L2_FIRST + 1) & PTE_MFN_MASK,
             ENTRY(frames[F_L1B], 0));
    CHECK_EQ(mm_peek(frames[F_L1A], 0) & PTE_MFN_MASK, ENTRY(frames[F_DATA], 0));
    CHECK_EQ(mm_peek(frames[F_L1B], (AS_PAGES - 1) % 512) & PTE_MFN_MASK,
             ENTRY(frames[F_DATA + AS_PAGES - 1], 0));
    return T_PASS;
}

static enum test_result t_aspace_1000(void)
{
    int dbg = HYPERVISOR_xenia_debug_op(XENIA_DEBUG_FREE_FRAMES, NULL) >= 0;
    long free0 = 0;
    uint64_t c_build, c_down;
    enum test_result r;
    unsigned int n;

    if (as_pick_frames())
        return t_skip("fewer than %u spare frames", AS_FRAMES);
    if (dbg) {
        free0 = HYPERVISOR_xenia_debug_op(XENIA_DEBUG_FREE_FRAMES, NULL);
        CHECK_EQ(as_snapshot(), 0);
    }
    CHECK_EQ(as_clear_and_pin(), 0);
    n = as_build_reqs();
    CHECK_EQ(as_batch(n, &c_build), 0);
    if (dbg && (r = as_check_built()) != T_PASS)
        return r;
    if ((r = as_check_entries()) != T_PASS)
        return r;
    CHECK_EQ(as_touch(), 0);
    CHECK_EQ(mm_peek(frames[F_DATA + 777], 0), AS_MAGIC | 777);
    n = as_teardown_reqs();
    CHECK_EQ(as_batch(n, &c_down), 0);
    CHECK_EQ(mm_peek(frames[F_L1A], 0), 0);
    CHECK_EQ(HYPERVISOR_mmuext_op(&(struct mmuext_op){ .cmd = MMUEXT_UNPIN_TABLE,
                                                       .arg1.mfn = frames[F_L4] },
                                  1, NULL, DOMID_SELF), 0);
    printf("  aspace: %u entries: build %lu cycles (%lu/entry), teardown %lu "
           "(%lu/entry)%s\n", n, c_build, c_build / n, c_down, c_down / n,
           dbg ? "" : "; counts not checked (no debug hypercall)");
    return dbg ? as_check_restored(free0) : T_PASS;
}

const struct pvg_test tests_aspace[] = {
    { "aspace.build_use_teardown_1000_pages", t_aspace_1000 },
    { NULL, NULL },
};
