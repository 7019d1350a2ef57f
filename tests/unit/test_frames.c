/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite for page_alloc.c: frame table, counts, types, validation. */
#include <xenia/mm.h>
#include <xenia/console.h>

#include "check_suite.h"
#include <setjmp.h>
#include <stdlib.h>

#include <xen/errno.h>

/*
 * The fake machine: frames 0-15 are not RAM (owned by DOMID_IO), 16-31 are
 * RAM the hypervisor keeps, HOLE_FIRST..HOLE_END-1 is a hole in the memory
 * map, everything else is free RAM.
 */
#define NFRAMES    1536
#define XEN_FIRST  16
#define XEN_END    32
#define HOLE_FIRST 0x200
#define HOLE_END   0x210
#define NR_RAM     (NFRAMES - XEN_FIRST - (HOLE_END - HOLE_FIRST))
#define NR_FREE    (NR_RAM - (XEN_END - XEN_FIRST))

#define D1 ((domid_t)1)
#define D2 ((domid_t)2)

static struct page_info table[NFRAMES];
static struct page_list d1_pages;
static unsigned long free_at_start;

/* ------------------------------------------------------------------ */
/* panic(): invariant violations fail the test unless a case expects one */

static sigjmp_buf panic_jmp;
static volatile bool panic_expected;
static char panic_msg[256];

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
    va_end(ap);
    if (panic_expected) {
        panic_expected = false;
        siglongjmp(panic_jmp, 1);
    }
    ck_abort_msg("panic: %s", panic_msg);
    abort();
}

#define ck_assert_panics(stmt)                                                 \
    do {                                                                       \
        panic_expected = true;                                                 \
        if (!sigsetjmp(panic_jmp, 0)) {                                        \
            stmt;                                                              \
            panic_expected = false;                                            \
            ck_abort_msg("no panic from: %s", #stmt);                          \
        }                                                                      \
    } while (0)

/* ------------------------------------------------------------------ */
/* Validator hooks                                                      */

static unsigned int nr_validate[NFRAMES], nr_devalidate[NFRAMES];
static unsigned int last_validate_type;
static int validate_rc; /* what the counting validator returns */

static int count_validate(struct page_info *pg, unsigned int type, void *ctx)
{
    ck_assert_ptr_eq(ctx, &nr_validate);
    /* The frame is held at the new type while its validator runs. */
    ck_assert_uint_eq(pg->type, type);
    ck_assert_uint_eq(pg->type_count, 1);
    ck_assert(!(pg->flags & PGF_validated));
    nr_validate[page_to_mfn(pg)]++;
    last_validate_type = type;
    return validate_rc;
}

static void count_devalidate(struct page_info *pg, unsigned int type, void *ctx)
{
    ck_assert_ptr_eq(ctx, &nr_validate);
    ck_assert_uint_eq(pg->type, type);
    ck_assert_uint_eq(pg->type_count, 0);
    nr_devalidate[page_to_mfn(pg)]++;
}

static const struct pgt_ops count_ops = {
    .validate = count_validate,
    .devalidate = count_devalidate,
};

/*
 * A fake guest page-table tree: each table frame has NENT entries naming a
 * frame (FRAME_NONE = not present) and whether the entry is writable.  An
 * Ln entry (n >= 2) takes an L(n-1) typed reference, or, failing that and
 * only if read-only and not the table itself, a same-level ("linear")
 * reference, as the x86 PV validator does.  L1 entries take a general
 * reference on the data frame, plus a writable-type one when writable.
 */
#define NENT 4

struct fake_table {
    uint32_t ent[NENT];
    bool rw[NENT];
};

static struct fake_table tables[NFRAMES];

static void tree_set(unsigned long mfn, unsigned int i, unsigned long target,
                     bool rw)
{
    tables[mfn].ent[i] = (uint32_t)target;
    tables[mfn].rw[i] = rw;
}

static int tree_get_entry(unsigned long self, unsigned int i,
                          unsigned int level)
{
    struct page_info *pg = mfn_to_page(tables[self].ent[i]);
    bool rw = tables[self].rw[i];

    if (level == PGT_l1_page_table) {
        if (rw)
            return get_page_and_type(pg, D1, PGT_writable_page) ? 0
                                                                : -XEN_EBUSY;
        return get_page(pg, D1) ? 0 : -XEN_EINVAL;
    }
    if (get_page_and_type(pg, D1, level - 1))
        return 0;
    if (rw || tables[self].ent[i] == self)
        return -XEN_EINVAL;
    return get_page_and_type(pg, D1, level) ? 0 : -XEN_EINVAL;
}

static void tree_put_entry(unsigned long self, unsigned int i,
                           unsigned int level)
{
    struct page_info *pg = mfn_to_page(tables[self].ent[i]);

    if (level == PGT_l1_page_table && !tables[self].rw[i])
        put_page(pg);
    else
        put_page_and_type(pg);
}

static int tree_validate(struct page_info *pg, unsigned int type, void *ctx)
{
    unsigned long mfn = page_to_mfn(pg);
    unsigned int i;
    int rc = 0;

    (void)ctx;
    nr_validate[mfn]++;
    if (type == PGT_seg_desc_page)
        return 0;
    for (i = 0; i < NENT; i++) {
        if (tables[mfn].ent[i] == FRAME_NONE)
            continue;
        rc = tree_get_entry(mfn, i, type);
        if (rc)
            break;
    }
    if (!rc)
        return 0;
    while (i--)
        if (tables[mfn].ent[i] != FRAME_NONE)
            tree_put_entry(mfn, i, type);
    return rc;
}

static void tree_devalidate(struct page_info *pg, unsigned int type, void *ctx)
{
    unsigned long mfn = page_to_mfn(pg);
    unsigned int i;

    (void)ctx;
    nr_devalidate[mfn]++;
    if (type == PGT_seg_desc_page)
        return;
    for (i = 0; i < NENT; i++)
        if (tables[mfn].ent[i] != FRAME_NONE)
            tree_put_entry(mfn, i, type);
}

static const struct pgt_ops tree_ops = {
    .validate = tree_validate,
    .devalidate = tree_devalidate,
};

/* ------------------------------------------------------------------ */
/* Fixture                                                              */

static void setup(void)
{
    unsigned long i;

    memset(nr_validate, 0, sizeof(nr_validate));
    memset(nr_devalidate, 0, sizeof(nr_devalidate));
    memset(tables, 0xff, sizeof(tables));
    validate_rc = 0;
    panic_expected = false;
    d1_pages = (struct page_list){FRAME_NONE, 0};
    pgt_set_ops(NULL, NULL);

    frames_init(table, NFRAMES);
    frames_mark_ram(XEN_FIRST, HOLE_FIRST);
    frames_mark_ram(HOLE_END, NFRAMES + 100); /* clipped to the table */
    frames_mark_xen(XEN_FIRST, XEN_END);
    frames_finish();
    free_at_start = frames_free();
    for (i = 0; i < NFRAMES; i++)
        ck_assert_uint_eq(table[i].type_count, 0);
}

static void teardown(void)
{
    pgt_set_ops(NULL, NULL);
}

static struct page_info *alloc_d1(void)
{
    struct page_info *pg = alloc_page(D1, &d1_pages);

    ck_assert_ptr_nonnull(pg);
    return pg;
}

static unsigned long alloc_d1_mfn(void)
{
    return page_to_mfn(alloc_d1());
}

static void frame_is(unsigned long mfn, unsigned int count, unsigned int type,
                     unsigned int type_count)
{
    const struct page_info *pg = mfn_to_page(mfn);

    ck_assert_msg(pg->count == count, "mfn %#lx count %u, want %u", mfn,
                  pg->count, count);
    ck_assert_msg(pg->type_count == type_count,
                  "mfn %#lx type_count %u, want %u", mfn, pg->type_count,
                  type_count);
    if (type_count)
        ck_assert_msg(pg->type == type, "mfn %#lx type %u, want %u", mfn,
                      pg->type, type);
}

/* ------------------------------------------------------------------ */
/* Setup and accounting                                                 */

START_TEST(test_init_layout)
{
    unsigned long mfn;

    ck_assert_uint_eq(frames_total(), NR_RAM);
    ck_assert_uint_eq(frames_free(), NR_FREE);
    for (mfn = 0; mfn < NFRAMES; mfn++) {
        const struct page_info *pg = mfn_to_page(mfn);
        bool ram = mfn >= XEN_FIRST && !(mfn >= HOLE_FIRST && mfn < HOLE_END);

        ck_assert_uint_eq(page_to_mfn(pg), mfn);
        ck_assert_int_eq(mfn_valid(mfn), ram);
        if (!ram) {
            ck_assert_uint_eq(pg->owner, DOMID_IO);
            ck_assert_uint_eq(pg->count, 0);
        } else if (mfn < XEN_END) {
            ck_assert_uint_eq(pg->owner, DOMID_XEN);
            ck_assert_uint_eq(pg->count, 1);
            ck_assert(!(pg->flags & PGF_free));
        } else {
            ck_assert_uint_eq(pg->owner, DOMID_FREE);
            ck_assert_uint_eq(pg->count, 0);
            ck_assert(pg->flags & PGF_free);
        }
    }
    ck_assert(!mfn_valid(NFRAMES));
    ck_assert(!mfn_valid(~0UL));
}
END_TEST

/*
 * The worked example at the top of page_alloc.c: a frame of d1, mapped
 * writable, cannot become an L1 table until the mapping goes.
 */
START_TEST(test_worked_example)
{
    struct page_info *pg;
    unsigned long mfn;

    pgt_set_ops(&count_ops, &nr_validate);
    pg = alloc_d1();
    mfn = page_to_mfn(pg);
    frame_is(mfn, 1, PGT_none, 0);
    ck_assert_uint_eq(pg->owner, D1);

    /* map it writable */
    ck_assert(get_page(pg, D1));
    ck_assert_int_eq(get_page_type(pg, PGT_writable_page), 0);
    frame_is(mfn, 2, PGT_writable_page, 1);

    /* use it as an L1: refused (-EINVAL, as Xen), nothing validated or changed */
    ck_assert_int_eq(get_page_type(pg, PGT_l1_page_table), -XEN_EINVAL);
    ck_assert(!get_page_and_type(pg, D1, PGT_l1_page_table));
    frame_is(mfn, 2, PGT_writable_page, 1);
    ck_assert_uint_eq(nr_validate[mfn], 0);

    /* the mapping goes */
    put_page_type(pg);
    put_page(pg);
    frame_is(mfn, 1, PGT_writable_page, 0);
    ck_assert_uint_eq(nr_devalidate[mfn], 0); /* writable is no table */

    /* now the L1 request succeeds after validation */
    ck_assert_int_eq(get_page_type(pg, PGT_l1_page_table), 0);
    frame_is(mfn, 1, PGT_l1_page_table, 1);
    ck_assert_uint_eq(nr_validate[mfn], 1);
    ck_assert_uint_eq(last_validate_type, PGT_l1_page_table);
    ck_assert(pg->flags & PGF_validated);

    /* and writable is refused while it is one */
    ck_assert_int_eq(get_page_type(pg, PGT_writable_page), -XEN_EINVAL);
    put_page_type(pg);
    ck_assert_uint_eq(nr_devalidate[mfn], 1);
    free_page(pg, &d1_pages);
    ck_assert_uint_eq(frames_free(), free_at_start);
}
END_TEST

START_TEST(test_alloc_free_cycle)
{
    static struct page_info *pgs[1000];
    static bool seen[NFRAMES];
    unsigned int round, i;

    for (round = 0; round < 3; round++) {
        memset(seen, 0, sizeof(seen));
        for (i = 0; i < ARRAY_SIZE(pgs); i++) {
            unsigned long mfn;

            pgs[i] = alloc_d1();
            mfn = page_to_mfn(pgs[i]);
            ck_assert(mfn_valid(mfn));
            ck_assert(mfn >= XEN_END);
            ck_assert_msg(!seen[mfn], "mfn %#lx handed out twice", mfn);
            seen[mfn] = true;
            ck_assert_uint_eq(pgs[i]->owner, D1);
            ck_assert_uint_eq(pgs[i]->flags, PGF_ram);
            frame_is(mfn, 1, PGT_none, 0);
        }
        ck_assert_uint_eq(frames_free(), free_at_start - ARRAY_SIZE(pgs));
        ck_assert_uint_eq(d1_pages.count, ARRAY_SIZE(pgs));
        /* free in an order unlike the allocation order */
        for (i = 0; i < ARRAY_SIZE(pgs); i += 2)
            free_page(pgs[i], &d1_pages);
        for (i = 1; i < ARRAY_SIZE(pgs); i += 2)
            free_page(pgs[i], &d1_pages);
        ck_assert_uint_eq(frames_free(), free_at_start);
        ck_assert_uint_eq(d1_pages.count, 0);
        ck_assert_uint_eq(d1_pages.head, FRAME_NONE);
        for (i = 0; i < ARRAY_SIZE(pgs); i++) {
            ck_assert_uint_eq(pgs[i]->owner, DOMID_FREE);
            ck_assert(pgs[i]->flags & PGF_free);
        }
    }
}
END_TEST

START_TEST(test_alloc_exhaust)
{
    struct page_list all = {FRAME_NONE, 0};
    unsigned long n = 0;

    while (alloc_page(D2, &all))
        n++;
    ck_assert_uint_eq(n, NR_FREE);
    ck_assert_uint_eq(frames_free(), 0);
    ck_assert_ptr_null(alloc_page(D1, NULL));
    ck_assert_ptr_null(alloc_pages_contig(1, D1, NULL));
    while (all.head != FRAME_NONE)
        free_page(mfn_to_page(all.head), &all);
    ck_assert_uint_eq(frames_free(), free_at_start);
    ck_assert_uint_eq(all.count, 0);
}
END_TEST

/* An allocation outside any list is freed the same way. */
START_TEST(test_alloc_no_list)
{
    struct page_info *pg = alloc_page(D1, NULL);

    ck_assert_ptr_nonnull(pg);
    ck_assert_uint_eq(pg->next, FRAME_NONE);
    ck_assert_uint_eq(pg->prev, FRAME_NONE);
    free_page(pg, NULL);
    ck_assert_uint_eq(frames_free(), free_at_start);
}
END_TEST

/* Another holder keeps the frame after free_page drops the allocation's ref. */
START_TEST(test_free_with_holder)
{
    struct page_info *pg = alloc_d1();

    ck_assert(get_page(pg, D1));
    free_page(pg, &d1_pages);
    ck_assert_uint_eq(d1_pages.count, 0);
    ck_assert_uint_eq(pg->count, 1);
    ck_assert_uint_eq(pg->owner, D1);
    ck_assert_uint_eq(frames_free(), free_at_start - 1);
    put_page(pg);
    ck_assert_uint_eq(pg->owner, DOMID_FREE);
    ck_assert_uint_eq(frames_free(), free_at_start);
}
END_TEST

/* A freed frame comes back clean: no stale type, flags or validation. */
START_TEST(test_realloc_clean)
{
    struct page_info *pg = alloc_d1();

    ck_assert_int_eq(get_page_type(pg, PGT_seg_desc_page), 0);
    put_page_type(pg);
    pg->flags |= PGF_pinned | PGF_xenheap;
    free_page(pg, &d1_pages);
    ck_assert_uint_eq(pg->flags, PGF_ram | PGF_free);
    pg = alloc_page(D2, NULL); /* LIFO: the same frame */
    ck_assert_uint_eq(pg->flags, PGF_ram);
    ck_assert_uint_eq(pg->type, PGT_none);
    ck_assert_uint_eq(pg->owner, D2);
    free_page(pg, NULL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Contiguous allocation                                                */

static void run_is(struct page_info *pg, unsigned long nr, domid_t owner)
{
    unsigned long i;

    ck_assert_ptr_nonnull(pg);
    for (i = 0; i < nr; i++) {
        ck_assert(mfn_valid(page_to_mfn(pg + i)));
        ck_assert_uint_eq(pg[i].owner, owner);
        ck_assert_uint_eq(pg[i].count, 1);
        ck_assert(!(pg[i].flags & PGF_free));
    }
}

static const unsigned long contig_sizes[] = {1, 2, 3, 16, 100, 255, 256, 1000};

START_TEST(test_contig_sizes)
{
    unsigned long nr = contig_sizes[_i], i;
    struct page_info *pg = alloc_pages_contig(nr, D1, &d1_pages);

    run_is(pg, nr, D1);
    ck_assert_uint_eq(d1_pages.count, nr);
    ck_assert_uint_eq(frames_free(), free_at_start - nr);
    /* first fit from the top: the run ends at the top of memory */
    ck_assert_uint_eq(page_to_mfn(pg) + nr, NFRAMES);
    for (i = 0; i < nr; i++)
        free_page(pg + i, &d1_pages);
    ck_assert_uint_eq(frames_free(), free_at_start);
}
END_TEST

/*
 * An extent of order k starts at a multiple of 2^k, first fit from the
 * top; a block with one frame taken is passed over for the next one down.
 */
START_TEST(test_aligned_extents)
{
    struct page_info *a, *one, *b;
    unsigned long i;

    a = alloc_pages_aligned(2, D1, &d1_pages);
    run_is(a, 4, D1);
    ck_assert_uint_eq(page_to_mfn(a), NFRAMES - 4);
    one = alloc_pages_contig(1, D1, NULL);          /* the top free frame */
    ck_assert_uint_eq(page_to_mfn(one), NFRAMES - 5);
    b = alloc_pages_aligned(2, D1, &d1_pages);
    run_is(b, 4, D1);
    ck_assert_uint_eq(page_to_mfn(b), NFRAMES - 12);
    ck_assert_uint_eq(frames_free(), free_at_start - 9);
    /*
     * Order 9: [1024, 1536) now holds our frames, [512, 1024) the hole,
     * [0, 512) Xen's frames: no block is wholly free.
     */
    ck_assert_ptr_null(alloc_pages_aligned(9, D1, NULL));
    for (i = 0; i < 4; i++) {
        free_page(a + i, &d1_pages);
        free_page(b + i, &d1_pages);
    }
    free_page(one, NULL);
    ck_assert_uint_eq(frames_free(), free_at_start);
}
END_TEST

START_TEST(test_contig_refusals)
{
    ck_assert_ptr_null(alloc_pages_contig(0, D1, NULL));
    /* more than is free, and more than one side of the hole holds */
    ck_assert_ptr_null(alloc_pages_contig(NR_FREE + 1, D1, NULL));
    ck_assert_ptr_null(alloc_pages_contig(NFRAMES - HOLE_END + 1, D1, NULL));
    ck_assert_uint_eq(frames_free(), free_at_start);
    /* exactly the run above the hole fits */
    run_is(alloc_pages_contig(NFRAMES - HOLE_END, D1, NULL), NFRAMES - HOLE_END,
           D1);
    ck_assert_uint_eq(frames_free(), HOLE_FIRST - XEN_END);
}
END_TEST

/* Runs never span the hole or a used frame; a freed gap is found exactly. */
START_TEST(test_contig_fragmented)
{
    struct page_list all = {FRAME_NONE, 0};
    struct page_info *pg;
    unsigned long mfn;

    while (alloc_page(D2, &all))
        ;
    /* free every other frame from 0x300: no run of two exists */
    for (mfn = 0x300; mfn < 0x340; mfn += 2)
        free_page(mfn_to_page(mfn), &all);
    ck_assert_ptr_null(alloc_pages_contig(2, D1, NULL));
    /* free four frames around the hole: still no run of two */
    free_page(mfn_to_page(HOLE_FIRST - 1), &all);
    free_page(mfn_to_page(HOLE_END), &all);
    ck_assert_ptr_null(alloc_pages_contig(2, D1, NULL));
    /* a gap of four at 0x400 */
    for (mfn = 0x400; mfn < 0x404; mfn++)
        free_page(mfn_to_page(mfn), &all);
    ck_assert_ptr_null(alloc_pages_contig(5, D1, NULL));
    pg = alloc_pages_contig(4, D1, &d1_pages);
    ck_assert_uint_eq(page_to_mfn(pg), 0x400);
    run_is(pg, 4, D1);
    ck_assert_ptr_null(alloc_pages_contig(2, D1, NULL));
    pg = alloc_pages_contig(1, D1, NULL);
    ck_assert_uint_eq(page_to_mfn(pg), 0x33e); /* the highest free frame */
}
END_TEST

/* ------------------------------------------------------------------ */
/* General references                                                   */

static const struct owner_case {
    unsigned long mfn; /* 0 = a frame freshly allocated to D1 */
    domid_t who;
    bool ok;
} owner_cases[] = {
    {0, D1, true},
    {0, D2, false},
    {0, DOMID_XEN, false},
    {0, DOMID_FREE, false},
    {XEN_FIRST, DOMID_XEN, true},
    {XEN_FIRST, D1, false},
    {XEN_END, DOMID_FREE, false}, /* free frame: count 0 */
    {XEN_END, D1, false},
    {3, DOMID_IO, false}, /* not RAM: count 0 */
    {3, D1, false},
    {HOLE_FIRST, DOMID_IO, false},
};

START_TEST(test_get_page_owner)
{
    const struct owner_case *c = &owner_cases[_i];
    unsigned long mfn = c->mfn;
    struct page_info *pg;
    uint32_t before;

    pg = mfn ? mfn_to_page(mfn) : alloc_page(D1, NULL);
    before = pg->count;
    ck_assert_int_eq(get_page(pg, c->who), c->ok);
    ck_assert_uint_eq(pg->count, before + c->ok);
    ck_assert_int_eq(get_page_and_type(pg, c->who, PGT_writable_page), c->ok);
    ck_assert_uint_eq(pg->count, before + 2 * c->ok);
    if (c->ok) {
        put_page_and_type(pg);
        put_page(pg);
    }
    ck_assert_uint_eq(pg->count, before);
}
END_TEST

START_TEST(test_count_overflow)
{
    struct page_info *pg = alloc_d1();

    pg->count = UINT32_MAX - 1;
    ck_assert(get_page(pg, D1));
    ck_assert_uint_eq(pg->count, UINT32_MAX);
    ck_assert(!get_page(pg, D1));
    ck_assert(!get_page_and_type(pg, D1, PGT_writable_page));
    ck_assert_uint_eq(pg->count, UINT32_MAX);
    ck_assert_uint_eq(pg->type_count, 0);
    put_page(pg);
    ck_assert(get_page(pg, D1));
}
END_TEST

START_TEST(test_type_count_overflow)
{
    struct page_info *pg = alloc_d1();

    pgt_set_ops(&count_ops, &nr_validate);
    ck_assert_int_eq(get_page_type(pg, PGT_l2_page_table), 0);
    pg->type_count = UINT32_MAX - 1;
    ck_assert_int_eq(get_page_type(pg, PGT_l2_page_table), 0);
    ck_assert_uint_eq(pg->type_count, UINT32_MAX);
    ck_assert_int_eq(get_page_type(pg, PGT_l2_page_table), -XEN_EBUSY);
    ck_assert_uint_eq(pg->type_count, UINT32_MAX);
    /* get_page_and_type gives the general reference back */
    ck_assert(!get_page_and_type(pg, D1, PGT_l2_page_table));
    ck_assert_uint_eq(pg->count, 1);
    ck_assert_uint_eq(pg->type_count, UINT32_MAX);
    ck_assert_uint_eq(nr_validate[page_to_mfn(pg)], 1);
    put_page_type(pg);
    ck_assert_int_eq(get_page_type(pg, PGT_l2_page_table), 0);
    ck_assert_uint_eq(nr_devalidate[page_to_mfn(pg)], 0);
}
END_TEST

/* Invariant violations reach panic() (and so would fail other cases). */
START_TEST(test_invariants_panic)
{
    struct page_info *pg = mfn_to_page(XEN_END); /* free */

    ck_assert_panics(put_page(pg));
    ck_assert_ptr_nonnull(strstr(panic_msg, "count > 0"));
    pg = alloc_d1();
    ck_assert_panics(put_page_type(pg));
    ck_assert_ptr_nonnull(strstr(panic_msg, "type_count > 0"));
    /* dropping the last general reference of a typed frame */
    ck_assert_int_eq(get_page_type(pg, PGT_writable_page), 0);
    ck_assert_panics(put_page(pg));
    ck_assert_ptr_nonnull(strstr(panic_msg, "type_count == 0"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* Type rules                                                           */

static const unsigned int all_types[] = {
    PGT_none,          PGT_l1_page_table, PGT_l2_page_table, PGT_l3_page_table,
    PGT_l4_page_table, PGT_seg_desc_page, PGT_writable_page,
};

static bool is_table(unsigned int t)
{
    return t >= PGT_l1_page_table && t <= PGT_seg_desc_page;
}

/* For every pair (a, b): b is refused while a is held, taken once a is gone. */
START_TEST(test_type_change_at_zero)
{
    unsigned int a = all_types[_i / ARRAY_SIZE(all_types)];
    unsigned int b = all_types[_i % ARRAY_SIZE(all_types)];
    struct page_info *pg = alloc_d1();
    unsigned long mfn = page_to_mfn(pg);

    pgt_set_ops(&count_ops, &nr_validate);
    ck_assert_int_eq(get_page_type(pg, a), 0);
    ck_assert_uint_eq(nr_validate[mfn], is_table(a));
    if (a == b) {
        ck_assert_int_eq(get_page_type(pg, b), 0);
        frame_is(mfn, 1, a, 2);
        put_page_type(pg);
    } else {
        ck_assert_int_eq(get_page_type(pg, b), -XEN_EINVAL);
        frame_is(mfn, 1, a, 1);
    }
    ck_assert_uint_eq(nr_validate[mfn], is_table(a));
    put_page_type(pg);
    ck_assert_uint_eq(nr_devalidate[mfn], is_table(a));
    ck_assert_int_eq(get_page_type(pg, b), 0);
    frame_is(mfn, 1, b, 1);
    ck_assert(pg->flags & PGF_validated);
    ck_assert_uint_eq(nr_validate[mfn], is_table(a) + is_table(b));
    put_page_type(pg);
}
END_TEST

/* Validation runs once per promotion, devalidation on the last typed ref. */
START_TEST(test_validate_once)
{
    struct page_info *pg = alloc_d1();
    unsigned long mfn = page_to_mfn(pg);
    unsigned int i, round;

    pgt_set_ops(&count_ops, &nr_validate);
    for (round = 1; round <= 3; round++) {
        for (i = 0; i < 5; i++)
            ck_assert(get_page_and_type(pg, D1, PGT_l3_page_table));
        ck_assert_uint_eq(nr_validate[mfn], round);
        frame_is(mfn, 6, PGT_l3_page_table, 5);
        for (i = 0; i < 4; i++)
            put_page_and_type(pg);
        ck_assert_uint_eq(nr_devalidate[mfn], round - 1);
        ck_assert(pg->flags & PGF_validated);
        put_page_and_type(pg);
        ck_assert_uint_eq(nr_devalidate[mfn], round);
        ck_assert(!(pg->flags & PGF_validated));
        frame_is(mfn, 1, PGT_l3_page_table, 0);
    }
}
END_TEST

/* Without hooks, table types are taken without validation. */
START_TEST(test_no_ops)
{
    struct page_info *pg = alloc_d1();

    ck_assert_int_eq(get_page_type(pg, PGT_l4_page_table), 0);
    ck_assert(pg->flags & PGF_validated);
    put_page_type(pg);
    ck_assert(!(pg->flags & PGF_validated));
    ck_assert_int_eq(get_page_type(pg, PGT_writable_page), 0);
    put_page_type(pg);
}
END_TEST

static const int fail_codes[] = {-XEN_EINVAL, -XEN_EBUSY, -XEN_EPERM,
                                 -XEN_ENOMEM};

/* A failed validation leaves the frame untyped and usable as anything. */
START_TEST(test_validate_failure)
{
    struct page_info *pg = alloc_d1();
    unsigned long mfn = page_to_mfn(pg);
    unsigned int t;

    pgt_set_ops(&count_ops, &nr_validate);
    validate_rc = fail_codes[_i];
    for (t = PGT_l1_page_table; t <= PGT_seg_desc_page; t++) {
        ck_assert_int_eq(get_page_type(pg, t), fail_codes[_i]);
        ck_assert_uint_eq(pg->type, PGT_none);
        ck_assert_uint_eq(pg->type_count, 0);
        ck_assert(!(pg->flags & PGF_validated));
        ck_assert(!get_page_and_type(pg, D1, t));
        ck_assert_uint_eq(pg->count, 1);
    }
    ck_assert_uint_eq(nr_validate[mfn], 2 * 5);
    ck_assert_uint_eq(nr_devalidate[mfn], 0);
    ck_assert_int_eq(get_page_type(pg, PGT_writable_page), 0);
    put_page_type(pg);
    validate_rc = 0;
    ck_assert_int_eq(get_page_type(pg, PGT_l1_page_table), 0);
    put_page_type(pg);
}
END_TEST

/*
 * Pinning-like double references: a pin and a CR3 load each hold a typed
 * reference; the table stays validated until the last one goes.
 */
START_TEST(test_pin_double_ref)
{
    struct page_info *pg = alloc_d1();
    unsigned long mfn = page_to_mfn(pg);

    pgt_set_ops(&count_ops, &nr_validate);
    ck_assert(get_page_and_type(pg, D1, PGT_l4_page_table)); /* pin */
    pg->flags |= PGF_pinned;
    ck_assert(get_page_and_type(pg, D1, PGT_l4_page_table)); /* cr3 */
    ck_assert_uint_eq(nr_validate[mfn], 1);
    frame_is(mfn, 3, PGT_l4_page_table, 2);
    /* another domain cannot pin it */
    ck_assert(!get_page_and_type(pg, D2, PGT_l4_page_table));
    put_page_and_type(pg); /* unload */
    ck_assert_uint_eq(nr_devalidate[mfn], 0);
    ck_assert(pg->flags & PGF_validated);
    ck_assert(get_page_and_type(pg, D1, PGT_l4_page_table)); /* reload */
    ck_assert_uint_eq(nr_validate[mfn], 1);
    put_page_and_type(pg);
    pg->flags &= ~PGF_pinned;
    put_page_and_type(pg); /* unpin */
    ck_assert_uint_eq(nr_devalidate[mfn], 1);
    frame_is(mfn, 1, PGT_none, 0);
    free_page(pg, &d1_pages);
    ck_assert_uint_eq(frames_free(), free_at_start);
}
END_TEST

/* ------------------------------------------------------------------ */
/* A fake 4-level tree                                                  */

enum { T_L4, T_L3, T_L2, T_L1, T_RW, T_RO, T_NR };

/* L4 -> L3 -> L2 -> L1 -> { rw data, ro data }; entry 3 stays free. */
static void tree_build(unsigned long t[T_NR])
{
    unsigned int i;

    for (i = 0; i < T_NR; i++)
        t[i] = alloc_d1_mfn();
    tree_set(t[T_L4], 0, t[T_L3], true);
    tree_set(t[T_L3], 1, t[T_L2], true);
    tree_set(t[T_L2], 2, t[T_L1], true);
    tree_set(t[T_L1], 0, t[T_RW], true);
    tree_set(t[T_L1], 1, t[T_RO], false);
    pgt_set_ops(&tree_ops, NULL);
}

static void tree_untyped(const unsigned long t[T_NR])
{
    unsigned int i;

    for (i = 0; i < T_NR; i++) {
        frame_is(t[i], 1, PGT_none, 0);
        if (i <= T_L1)
            ck_assert(!(mfn_to_page(t[i])->flags & PGF_validated));
    }
}

static unsigned int tables_validated(const unsigned long t[T_NR])
{
    return nr_validate[t[T_L3]] + nr_validate[t[T_L2]] + nr_validate[t[T_L1]];
}

static unsigned int tables_devalidated(const unsigned long t[T_NR])
{
    return nr_devalidate[t[T_L3]] + nr_devalidate[t[T_L2]] +
           nr_devalidate[t[T_L1]];
}

static bool pin_l4(unsigned long mfn)
{
    return get_page_and_type(mfn_to_page(mfn), D1, PGT_l4_page_table);
}

static void unpin(unsigned long mfn)
{
    put_page_and_type(mfn_to_page(mfn));
}

START_TEST(test_tree_valid)
{
    unsigned long t[T_NR];

    tree_build(t);
    ck_assert(pin_l4(t[T_L4]));
    frame_is(t[T_L4], 2, PGT_l4_page_table, 1);
    frame_is(t[T_L3], 2, PGT_l3_page_table, 1);
    frame_is(t[T_L2], 2, PGT_l2_page_table, 1);
    frame_is(t[T_L1], 2, PGT_l1_page_table, 1);
    frame_is(t[T_RW], 2, PGT_writable_page, 1);
    frame_is(t[T_RO], 2, PGT_none, 0);
    ck_assert_uint_eq(nr_validate[t[T_L4]], 1);
    ck_assert_uint_eq(tables_validated(t), 3);
    /* a mapped table cannot be mapped writable; a writable page is no table */
    ck_assert(!get_page_and_type(mfn_to_page(t[T_L2]), D1, PGT_writable_page));
    ck_assert(!get_page_and_type(mfn_to_page(t[T_RW]), D1, PGT_l1_page_table));
    frame_is(t[T_L2], 2, PGT_l2_page_table, 1);
    frame_is(t[T_RW], 2, PGT_writable_page, 1);
    /* the read-only data page can still become a table */
    ck_assert(get_page_and_type(mfn_to_page(t[T_RO]), D1, PGT_l1_page_table));
    put_page_and_type(mfn_to_page(t[T_RO]));

    unpin(t[T_L4]);
    ck_assert_uint_eq(nr_devalidate[t[T_L4]], 1);
    ck_assert_uint_eq(tables_devalidated(t), 3);
    tree_untyped(t);
}
END_TEST

/* Two roots share an L3: it is validated once and outlives the first root. */
START_TEST(test_tree_shared)
{
    unsigned long t[T_NR], l4b;

    tree_build(t);
    l4b = alloc_d1_mfn();
    tree_set(l4b, 3, t[T_L3], false);
    ck_assert(pin_l4(t[T_L4]));
    ck_assert(pin_l4(l4b));
    frame_is(t[T_L3], 3, PGT_l3_page_table, 2);
    ck_assert_uint_eq(nr_validate[t[T_L3]], 1);
    unpin(t[T_L4]);
    ck_assert_uint_eq(nr_devalidate[t[T_L3]], 0);
    frame_is(t[T_L1], 2, PGT_l1_page_table, 1);
    unpin(l4b);
    ck_assert_uint_eq(nr_devalidate[t[T_L3]], 1);
    tree_untyped(t);
}
END_TEST

/* A validated root may be mapped read-only at its own level by another. */
START_TEST(test_tree_linear)
{
    unsigned long t[T_NR], l4b;

    tree_build(t);
    l4b = alloc_d1_mfn();
    ck_assert(pin_l4(t[T_L4]));
    tree_set(l4b, 0, t[T_L4], false);
    ck_assert(pin_l4(l4b));
    frame_is(t[T_L4], 3, PGT_l4_page_table, 2);
    unpin(l4b);
    frame_is(t[T_L4], 2, PGT_l4_page_table, 1);
    unpin(t[T_L4]);
    tree_untyped(t);
}
END_TEST

/*
 * Cycles: an entry below a table under validation points back at it (or
 * at an ancestor).  The ancestor is held at its own type while validating,
 * so the cyclic entry cannot take a typed reference of any type and the
 * whole tree fails, undoing every reference taken on the way.  Read-only
 * L1 entries take no typed reference, so they may map any table.
 */
static const struct cycle_case {
    const char *what;
    unsigned int from; /* T_L4..T_L1: the table with the bad entry */
    unsigned int to;   /* the table it points back at */
    bool rw;
    bool ok;
} cycle_cases[] = {
    {"l2 -> l3 rw", T_L2, T_L3, true, false},
    {"l2 -> l3 ro", T_L2, T_L3, false, false},
    {"l2 -> l4 ro", T_L2, T_L4, false, false},
    {"l1 -> l3 rw", T_L1, T_L3, true, false},
    {"l1 -> l4 rw", T_L1, T_L4, true, false},
    {"l3 -> l4 ro", T_L3, T_L4, false, false},
    {"l3 -> l3 ro (self)", T_L3, T_L3, false, false},
    {"l4 -> l4 ro (self)", T_L4, T_L4, false, false},
    {"l4 -> l4 rw (self)", T_L4, T_L4, true, false},
    {"l1 -> l1 rw (self)", T_L1, T_L1, true, false},
    {"l1 -> l2 ro (mapping a table read-only)", T_L1, T_L2, false, true},
    {"l1 -> l4 ro (mapping a table read-only)", T_L1, T_L4, false, true},
};

START_TEST(test_tree_cycle)
{
    const struct cycle_case *c = &cycle_cases[_i];
    unsigned long t[T_NR];

    tree_build(t);
    tree_set(t[c->from], 3, t[c->to], c->rw);
    ck_assert_msg(pin_l4(t[T_L4]) == c->ok, "%s: wrong verdict", c->what);
    if (c->ok) {
        frame_is(t[c->to], 3, PGT_l4_page_table - c->to, 1);
        unpin(t[T_L4]);
    } else {
        /* every table validated on the way was devalidated on the way
         * back: all but the failing ones (from and its ancestors) */
        ck_assert_uint_eq(tables_devalidated(t), tables_validated(t) - c->from);
    }
    tree_untyped(t);
    /* with the entry gone the same tree validates */
    tables[t[c->from]].ent[3] = FRAME_NONE;
    ck_assert(pin_l4(t[T_L4]));
    unpin(t[T_L4]);
    tree_untyped(t);
}
END_TEST

/*
 * Two L3s mapping each other read-only.  Validating X tries Y as an L2
 * (fails: Y's entry cannot take X as an L1 or L2), then as a linear L3,
 * whose validation meets X, held as an L3 but not yet validated.  That
 * must fail too: otherwise Y holds a typed reference on X taken during X's
 * own validation, and X's count no longer matches its holders.
 */
START_TEST(test_tree_linear_cycle)
{
    unsigned long x = alloc_d1_mfn(), y = alloc_d1_mfn();

    tree_set(x, 0, y, false);
    tree_set(y, 0, x, false);
    pgt_set_ops(&tree_ops, NULL);
    ck_assert(!get_page_and_type(mfn_to_page(x), D1, PGT_l3_page_table));
    frame_is(x, 1, PGT_none, 0);
    frame_is(y, 1, PGT_none, 0);
    ck_assert(!get_page_and_type(mfn_to_page(y), D1, PGT_l3_page_table));
    frame_is(x, 1, PGT_none, 0);
    frame_is(y, 1, PGT_none, 0);
    ck_assert_uint_eq(nr_devalidate[x] + nr_devalidate[y], 0);
}
END_TEST

/* A frame under validation refuses every typed reference, even its own type. */
static int reenter_validate(struct page_info *pg, unsigned int type, void *ctx)
{
    unsigned int t;

    (void)ctx;
    nr_validate[page_to_mfn(pg)]++;
    for (t = 0; t < ARRAY_SIZE(all_types); t++)
        ck_assert_int_eq(get_page_type(pg, all_types[t]),
                         all_types[t] == pg->type ? -XEN_EBUSY : -XEN_EINVAL);
    ck_assert_uint_eq(pg->type, type);
    ck_assert_uint_eq(pg->type_count, 1);
    return 0;
}

START_TEST(test_validate_reentry)
{
    static const struct pgt_ops ops = {.validate = reenter_validate};
    struct page_info *pg = alloc_d1();

    pgt_set_ops(&ops, NULL);
    ck_assert_int_eq(get_page_type(pg, PGT_l2_page_table), 0);
    frame_is(page_to_mfn(pg), 1, PGT_l2_page_table, 1);
    ck_assert_uint_eq(nr_validate[page_to_mfn(pg)], 1);
    put_page_type(pg); /* no devalidate hook: fine */
    ck_assert_uint_eq(pg->type_count, 0);
}
END_TEST

/* The flush clock: removing a mapping only marks the frame; a flush comes
 * when the frame becomes a table or is reused, and only if none happened
 * since it was marked. */
static unsigned int nr_flushes;

void arch_flush_tlb_all(void)
{
    nr_flushes++;
    tlb_note_flush();
}

START_TEST(test_tlb_clock)
{
    struct page_info *pg = alloc_d1(), *pg2;
    unsigned int before = nr_flushes;

    /* stale, then typed as an L1: one flush, and only one */
    page_mark_tlb_stale(pg);
    ck_assert_int_eq(get_page_type(pg, PGT_l1_page_table), 0);
    ck_assert_uint_eq(nr_flushes, before + 1);
    put_page_type(pg);
    ck_assert_int_eq(get_page_type(pg, PGT_l2_page_table), 0);
    ck_assert_uint_eq(nr_flushes, before + 1);
    put_page_type(pg);

    /* stale, but a flush happened since: nothing more to do */
    page_mark_tlb_stale(pg);
    tlb_note_flush();
    ck_assert_int_eq(get_page_type(pg, PGT_l1_page_table), 0);
    ck_assert_uint_eq(nr_flushes, before + 1);
    put_page_type(pg);

    /* writable use never needs a flush */
    page_mark_tlb_stale(pg);
    ck_assert_int_eq(get_page_type(pg, PGT_writable_page), 0);
    ck_assert_uint_eq(nr_flushes, before + 1);
    put_page_type(pg);

    /* freed while stale: flushed before anyone gets it again */
    free_page(pg, &d1_pages);
    pg2 = alloc_page(D1, &d1_pages);
    ck_assert_ptr_eq(pg2, pg);   /* LIFO free list */
    ck_assert_uint_eq(nr_flushes, before + 2);
    free_page(pg2, &d1_pages);
}
END_TEST

/* ------------------------------------------------------------------ */

#define TC(name, fn) suite_add(s, name, fn, 0, setup, teardown)
#define TCL(name, fn, n) suite_add(s, name, fn, n, setup, teardown)

static Suite *frames_suite(void)
{
    Suite *s = suite_create("frames");

    TC("init_layout", test_init_layout);
    TC("worked_example", test_worked_example);
    TC("tlb_clock", test_tlb_clock);
    TC("alloc_free_cycle", test_alloc_free_cycle);
    TC("alloc_exhaust", test_alloc_exhaust);
    TC("alloc_no_list", test_alloc_no_list);
    TC("free_with_holder", test_free_with_holder);
    TC("realloc_clean", test_realloc_clean);
    TCL("contig_sizes", test_contig_sizes, ARRAY_SIZE(contig_sizes));
    TC("contig_refusals", test_contig_refusals);
    TC("aligned_extents", test_aligned_extents);
    TC("contig_fragmented", test_contig_fragmented);
    TCL("get_page_owner", test_get_page_owner, ARRAY_SIZE(owner_cases));
    TC("count_overflow", test_count_overflow);
    TC("type_count_overflow", test_type_count_overflow);
    TC("invariants_panic", test_invariants_panic);
    TCL("type_change_at_zero", test_type_change_at_zero,
        ARRAY_SIZE(all_types) * ARRAY_SIZE(all_types));
    TC("validate_once", test_validate_once);
    TC("no_ops", test_no_ops);
    TCL("validate_failure", test_validate_failure, ARRAY_SIZE(fail_codes));
    TC("pin_double_ref", test_pin_double_ref);
    TC("tree_valid", test_tree_valid);
    TC("tree_shared", test_tree_shared);
    TC("tree_linear", test_tree_linear);
    TCL("tree_cycle", test_tree_cycle, ARRAY_SIZE(cycle_cases));
    TC("tree_linear_cycle", test_tree_linear_cycle);
    TC("validate_reentry", test_validate_reentry);
    return s;
}

int main(void)
{
    return suite_run(frames_suite());
}
