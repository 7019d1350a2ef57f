/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite for pvguest's frame allocator and address spaces (kmem.c, kpt.c) against a fake, Xen-strict pv-ops table. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suite.h"
#include "kern.h"
#include "arch.h"
#include "pvpatch.h"

/*
 * Host memory stands in for the guest's pseudo-physical frames: pfn p is
 * at kern_window + p * 4096.  The fake table behaves like Xen where it can
 * check: machine frames differ from pfns (MFN_OFFSET, so a pfn used as an
 * mfn shows), an entry may only be written into a page handed over with
 * pt_alloc, a page is claimed as a table at most once and given back with
 * its own level.
 */
#define NPAGES      2048
#define MFN_OFFSET  0x10000UL
#define BOOT_ROOT   1           /* pfn of the boot L4 */
#define FIRST_FREE  2

unsigned long kern_window;
static uint8_t *mem;
static struct pv_ops fake = { .name = "fake", .split_user_root = 1 };
const struct pv_ops *pv = &fake;

static uint8_t level_of[NPAGES];        /* 0: an ordinary page */
static unsigned int tables_live, flushes, roots_loaded, batches;
static unsigned long flags_if = X86_EFLAGS_IF;

void pvg_panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    ck_abort_msg("pvg_panic: %s", buf);
    abort();
}

static unsigned long pfn_of(unsigned long addr)
{
    unsigned long pfn = (addr - kern_window) >> PAGE_SHIFT;

    ck_assert_msg(addr >= kern_window && pfn < NPAGES, "address %#lx outside memory", addr);
    return pfn;
}

/*
 * As Xen validates an entry: it goes into a claimed table; it names a
 * machine frame; an upper-level entry names a claimed table one level
 * down; a writable L1 entry never names a table.
 */
static void pte_write(unsigned long ptep, uint64_t val)
{
    unsigned int level = level_of[pfn_of(ptep)];
    unsigned long target;

    ck_assert_msg(level, "entry written into pfn %lu, not a table", pfn_of(ptep));
    if (val & _PAGE_PRESENT) {
        ck_assert_msg(((val & PTE_MFN_MASK) >> PAGE_SHIFT) >= MFN_OFFSET,
                      "entry %#lx holds a pfn, not a machine frame", (unsigned long)val);
        target = ((val & PTE_MFN_MASK) >> PAGE_SHIFT) - MFN_OFFSET;
        ck_assert_uint_lt(target, NPAGES);
        if (level > 1)
            ck_assert_msg(level_of[target] == level - 1,
                          "L%u entry names pfn %lu, which is no L%u table", level,
                          target, level - 1);
        else if (val & _PAGE_RW)
            ck_assert_msg(!level_of[target], "writable mapping of table pfn %lu", target);
    }
    *(uint64_t *)ptep = val;
}

unsigned long pvop_host_call(size_t off, unsigned long a1, unsigned long a2,
                             unsigned long a3)
{
    unsigned int i;

    (void)a3;
    if (off == offsetof(struct pv_ops, save_fl))
        return flags_if;
    if (off == offsetof(struct pv_ops, restore_fl))
        flags_if = a1 & X86_EFLAGS_IF;
    else if (off == offsetof(struct pv_ops, irq_disable))
        flags_if = 0;
    else if (off == offsetof(struct pv_ops, irq_enable))
        flags_if = X86_EFLAGS_IF;
    else if (off == offsetof(struct pv_ops, pfn_to_mfn))
        return a1 + MFN_OFFSET;
    else if (off == offsetof(struct pv_ops, mfn_to_pfn)) {
        ck_assert_uint_ge(a1, MFN_OFFSET);
        return a1 - MFN_OFFSET;
    } else if (off == offsetof(struct pv_ops, set_pte)) {
        pte_write(a1, a2);
    } else if (off == offsetof(struct pv_ops, pte_batch)) {
        const struct pte_update *u = (const struct pte_update *)a1;

        for (i = 0; i < a2; i++)
            pte_write((unsigned long)u[i].ptep, u[i].val);
        batches++;
    } else if (off == offsetof(struct pv_ops, pt_alloc)) {
        ck_assert_msg(!level_of[pfn_of(a1)], "pfn %lu claimed twice", pfn_of(a1));
        level_of[pfn_of(a1)] = (uint8_t)a2;
        tables_live++;
    } else if (off == offsetof(struct pv_ops, pt_free)) {
        ck_assert_uint_eq(level_of[pfn_of(a1)], a2);
        level_of[pfn_of(a1)] = 0;
        tables_live--;
    } else if (off == offsetof(struct pv_ops, load_root)) {
        ck_assert_uint_eq(level_of[pfn_of(a1)], PT_L4);
        if (a2)
            ck_assert_uint_eq(level_of[pfn_of(a2)], PT_L4);
        roots_loaded++;
    } else if (off == offsetof(struct pv_ops, flush_tlb_one) ||
               off == offsetof(struct pv_ops, flush_tlb_all)) {
        flushes++;
    } else if (off != offsetof(struct pv_ops, start_context_switch) &&
               off != offsetof(struct pv_ops, end_context_switch)) {
        ck_abort_msg("unexpected pv-op at offset %zu", off);
    }
    return 0;
}

/* The boot state: frames [FIRST_FREE, mapped) free, pfn BOOT_ROOT a pinned L4. */
static void boot(unsigned long mapped)
{
    struct boot_params bp = {
        .cmdline = "", .nr_pages = NPAGES, .first_free_pfn = FIRST_FREE,
        .mapped_pfns = mapped, .root = (uint64_t *)pfn_to_virt(BOOT_ROOT),
    };

    memset(mem, 0, NPAGES * PAGE_SIZE);
    memset(level_of, 0, sizeof(level_of));
    level_of[BOOT_ROOT] = PT_L4;
    tables_live = flushes = roots_loaded = batches = 0;
    ck_assert_int_eq(kmem_init(&bp), 0);
    kpt_init(bp.root);
}

static void setup(void)
{
    mem = aligned_alloc(PAGE_SIZE, NPAGES * PAGE_SIZE);
    ck_assert_ptr_nonnull(mem);
    kern_window = (unsigned long)mem;
    fake.split_user_root = 1;
    boot(NPAGES);
}

static void teardown(void)
{
    free(mem);
}

/* The L1 entry for a kernel-window address, walked from the boot root. */
static uint64_t window_pte(unsigned long pfn)
{
    unsigned long va = (unsigned long)pfn_to_virt(pfn);
    uint64_t *t = pfn_to_virt(BOOT_ROOT);
    int level;

    for (level = 4; level > 1; level--) {
        uint64_t e = t[(va >> (12 + 9 * (level - 1))) & 511];

        if (!(e & _PAGE_PRESENT))
            return 0;
        t = pfn_to_virt(((e & PTE_MFN_MASK) >> PAGE_SHIFT) - MFN_OFFSET);
    }
    return t[(va >> PAGE_SHIFT) & 511];
}

START_TEST(test_frames_all_distinct)
{
    static unsigned long got[NPAGES];
    unsigned long n = 0, i;

    ck_assert_uint_eq(frames_free(), NPAGES - FIRST_FREE);
    while ((got[n] = frame_alloc()) != 0) {
        ck_assert_uint_ge(got[n], FIRST_FREE);
        ck_assert_uint_lt(got[n], NPAGES);
        n++;
    }
    ck_assert_uint_eq(n, NPAGES - FIRST_FREE);
    ck_assert_uint_eq(frames_free(), 0);
    for (i = 0; i < n; i++)
        frame_free(got[i]);
    ck_assert_uint_eq(frames_free(), NPAGES - FIRST_FREE);
    ck_assert_uint_eq(flags_if, X86_EFLAGS_IF);     /* critical sections close */
}
END_TEST

START_TEST(test_frames_run)
{
    unsigned long a = frames_alloc_run(4), b = frames_alloc_run(4), one, c;

    ck_assert_uint_ne(a, 0);
    ck_assert_uint_eq(b, a + 4);                     /* first fit */
    frames_free_run(a, 4);
    one = frame_alloc();                             /* takes a's first frame */
    ck_assert_uint_eq(one, a);
    c = frames_alloc_run(4);                         /* 3 left there: too short */
    ck_assert_uint_eq(c, b + 4);
    frame_free(one);
    ck_assert_uint_eq(frames_alloc_run(4), a);       /* whole again */
    frames_free_run(a, 4);
    frames_free_run(b, 4);
    frames_free_run(c, 4);
    ck_assert_uint_eq(frames_free(), NPAGES - FIRST_FREE);
    ck_assert_uint_eq(frames_alloc_run(NPAGES), 0);
}
END_TEST

/* Only 64 frames mapped at boot: the kernel maps the rest itself. */
START_TEST(test_map_extend)
{
    unsigned long pfn, tables;

    boot(64);
    for (pfn = 64; pfn < NPAGES; pfn++)
        ck_assert_uint_eq(window_pte(pfn), ((pfn + MFN_OFFSET) << PAGE_SHIFT) |
                                               _PAGE_PRESENT | _PAGE_RW |
                                               _PAGE_ACCESSED | _PAGE_DIRTY);
    tables = tables_live;
    ck_assert_uint_ge(tables, (NPAGES - 64) / 512);
    ck_assert_uint_eq(frames_free(), NPAGES - FIRST_FREE - tables);
    ck_assert_uint_ne(batches, 0);
}
END_TEST

START_TEST(test_aspace_map_unmap)
{
    unsigned long before = frames_free(), pfn = frame_alloc();
    struct aspace as;
    uint64_t *ptep;

    ck_assert_int_eq(as_create(&as), 0);
    ck_assert_uint_eq(tables_live, 2);              /* both roots */
    ck_assert_int_eq(as_map(&as, 0x400000, pfn, USER_FLAGS | _PAGE_RW), 0);
    ck_assert_uint_eq(tables_live, 5);              /* + L3, L2, L1 */
    ptep = as_lookup(&as, 0x400000);
    ck_assert_ptr_nonnull(ptep);
    ck_assert_uint_eq(*ptep, ((pfn + MFN_OFFSET) << PAGE_SHIFT) | USER_FLAGS | _PAGE_RW);
    /* The user root shares the one L3 slot 0 points at. */
    ck_assert_uint_eq(as.ul4[0], as.kl4[0]);
    ck_assert_ptr_null(as_lookup(&as, 0x40000000));
    ck_assert_ptr_null(as_lookup(&as, USER_TOP));
    as_switch(&as);
    as_unmap_range(&as, 0x400000, PAGE_SIZE);       /* frees the frame */
    ck_assert_uint_eq(*ptep, 0);
    ck_assert_uint_eq(flushes, 1);
    as_destroy(&as);
    ck_assert_uint_eq(tables_live, 0);
    ck_assert_uint_eq(frames_free(), before);
    ck_assert_uint_eq(roots_loaded, 2);             /* in, then back to boot */
}
END_TEST

START_TEST(test_aspace_batch)
{
    static unsigned long pfns[1000];
    unsigned long before = frames_free(), i;
    struct aspace as;

    ck_assert_int_eq(as_create(&as), 0);
    for (i = 0; i < 1000; i++)
        pfns[i] = frame_alloc();
    batches = 0;
    ck_assert_int_eq(as_map_batch(&as, 0x10000000, pfns, 1000, USER_FLAGS), 0);
    ck_assert_uint_eq(batches, (1000 + 63) / 64);
    ck_assert_uint_eq(as.pages, 1000);
    for (i = 0; i < 1000; i++)
        ck_assert_uint_eq(*as_lookup(&as, 0x10000000 + i * PAGE_SIZE) >> PAGE_SHIFT,
                          pfns[i] + MFN_OFFSET);
    as_unmap_range(&as, 0x10000000, 1000 * PAGE_SIZE);
    ck_assert_uint_eq(flushes, 0);                  /* not loaded: no flush */
    ck_assert_uint_eq(as.pages, 0);
    as_destroy(&as);
    ck_assert_uint_eq(frames_free(), before);
}
END_TEST

/* fork: private frames copied, shared ones mapped again, flags kept. */
START_TEST(test_aspace_copy)
{
    unsigned long before = frames_free(), priv = frame_alloc(), shared = frame_alloc();
    struct aspace a, b;
    uint64_t *pa, *pb, *sa, *sb;

    memset(pfn_to_virt(priv), 0x5a, PAGE_SIZE);
    ck_assert_int_eq(as_create(&a), 0);
    ck_assert_int_eq(as_map(&a, 0x7000000, priv, USER_FLAGS | _PAGE_RW), 0);
    ck_assert_int_eq(as_map(&a, 0x400000, shared, USER_FLAGS | PTE_SHARED), 0);
    ck_assert_int_eq(as_create(&b), 0);
    ck_assert_int_eq(as_copy(&b, &a), 0);
    pa = as_lookup(&a, 0x7000000);
    pb = as_lookup(&b, 0x7000000);
    sa = as_lookup(&a, 0x400000);
    sb = as_lookup(&b, 0x400000);
    ck_assert_uint_ne(*pa & PTE_MFN_MASK, *pb & PTE_MFN_MASK);
    ck_assert_uint_eq(*pa & ~PTE_MFN_MASK, *pb & ~PTE_MFN_MASK);
    ck_assert_int_eq(memcmp(pfn_to_virt(((*pb & PTE_MFN_MASK) >> PAGE_SHIFT) - MFN_OFFSET),
                            pfn_to_virt(priv), PAGE_SIZE), 0);
    ck_assert_uint_eq(*sa, *sb);
    ck_assert_uint_eq(b.pages, 1);
    as_destroy(&a);
    as_destroy(&b);
    frame_free(shared);                              /* the owner's to free */
    ck_assert_uint_eq(tables_live, 0);
    ck_assert_uint_eq(frames_free(), before);
}
END_TEST

/* Natively one root serves both modes: no second L4 is made. */
START_TEST(test_aspace_single_root)
{
    unsigned long before = frames_free();
    struct aspace as;

    fake.split_user_root = 0;
    ck_assert_int_eq(as_create(&as), 0);
    ck_assert_ptr_null(as.ul4);
    ck_assert_uint_eq(tables_live, 1);
    ck_assert_int_eq(as_map(&as, 0x400000, frame_alloc(), USER_FLAGS), 0);
    as_destroy(&as);
    ck_assert_uint_eq(frames_free(), before);
}
END_TEST

/* Out of frames part-way: an error, and everything comes back. */
START_TEST(test_aspace_out_of_frames)
{
    static unsigned long got[NPAGES];
    unsigned long before = frames_free(), n = 0;
    struct aspace as;

    ck_assert_int_eq(as_create(&as), 0);
    while (frames_free() > 2)
        got[n++] = frame_alloc();
    ck_assert_int_eq(as_map(&as, 0x400000, got[0], USER_FLAGS), -UERR_NOMEM);
    as_destroy(&as);
    while (n)
        frame_free(got[--n]);
    ck_assert_uint_eq(tables_live, 0);
    ck_assert_uint_eq(frames_free(), before);
}
END_TEST

#define TC(name, fn) suite_add(s, name, fn, 0, setup, teardown)

int main(void)
{
    Suite *s = suite_create("pvkernel");

    TC("frames_all_distinct", test_frames_all_distinct);
    TC("frames_run", test_frames_run);
    TC("map_extend", test_map_extend);
    TC("aspace_map_unmap", test_aspace_map_unmap);
    TC("aspace_batch", test_aspace_batch);
    TC("aspace_copy", test_aspace_copy);
    TC("aspace_single_root", test_aspace_single_root);
    TC("aspace_out_of_frames", test_aspace_out_of_frames);
    return suite_run(s);
}
