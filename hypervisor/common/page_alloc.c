/* SPDX-License-Identifier: GPL-2.0-only */
/* The frame table and page allocator: ownership, general and typed counts. */
#include <xenia/mm.h>
#include <xenia/console.h>

/*
 * Every machine frame has one struct page_info.  Invariants:
 *  - a free frame has PGF_free, owner DOMID_FREE, count 0, type_count 0 and
 *    sits on free_list; no other frame does;
 *  - an allocated frame has count >= 1 (the allocation's reference) until
 *    free_page() drops it; other holders (mappings, pins, grants) add their
 *    own references with get_page();
 *  - type_count > 0 means "type is in use": the type cannot change until
 *    every typed reference is dropped.  A frame typed as a page table or
 *    descriptor page therefore never has a writable mapping at the same time
 *    (writable mappings hold PGT_writable_page references).
 *
 * Example (replayed by tests/unit/test_frames.c): a frame allocated to d1
 * has count 1; mapping it writable takes get_page (count 2) and
 * get_page_type(writable) (type_count 1); a request to use it as an L1
 * table now fails with -EINVAL; once the mapping goes (put_page_type,
 * put_page) the L1 request succeeds after validation.
 */

static struct page_info *frame_table;
static uint32_t tlbflush_gen = 1;
static unsigned long nr_frames;
static struct page_list free_list = { FRAME_NONE, 0 };
static unsigned long nr_ram;
static const struct pgt_ops *pgt_ops;
static void *pgt_ctx;

void frames_init(struct page_info *table, unsigned long nr)
{
    unsigned long i;

    frame_table = table;
    nr_frames = nr;
    free_list.head = FRAME_NONE;
    free_list.count = 0;
    nr_ram = 0;
    for (i = 0; i < nr; i++) {
        table[i] = (struct page_info){
            .owner = DOMID_IO, .next = FRAME_NONE, .prev = FRAME_NONE,
        };
    }
}

void frames_mark_ram(unsigned long first, unsigned long end)
{
    for (; first < end && first < nr_frames; first++) {
        if (!(frame_table[first].flags & PGF_ram))
            nr_ram++;
        frame_table[first].flags |= PGF_ram;
        frame_table[first].owner = DOMID_FREE;
    }
}

void frames_mark_xen(unsigned long first, unsigned long end)
{
    for (; first < end && first < nr_frames; first++) {
        frame_table[first].owner = DOMID_XEN;
        frame_table[first].count = 1;
    }
}

/* Hand reserved frames to a special owner (DOMID_IO: I/O memory). */
void frames_set_owner(unsigned long first, unsigned long end, domid_t owner)
{
    for (; first < end && first < nr_frames; first++)
        frame_table[first].owner = owner;
}

/* Put every RAM frame nobody claimed on the free list, lowest last. */
void frames_finish(void)
{
    unsigned long i = nr_frames;

    while (i--) {
        struct page_info *pg = &frame_table[i];

        if ((pg->flags & PGF_ram) && pg->owner == DOMID_FREE) {
            pg->flags |= PGF_free;
            page_list_add(&free_list, pg);
        }
    }
}

unsigned long frames_total(void)
{
    return nr_ram;
}

unsigned long frames_free(void)
{
    return free_list.count;
}

bool mfn_valid(unsigned long mfn)
{
    return mfn < nr_frames && (frame_table[mfn].flags & PGF_ram);
}

struct page_info *mfn_to_page(unsigned long mfn)
{
    return &frame_table[mfn];
}

unsigned long page_to_mfn(const struct page_info *pg)
{
    return (unsigned long)(pg - frame_table);
}

void page_list_add(struct page_list *list, struct page_info *pg)
{
    uint32_t mfn = (uint32_t)page_to_mfn(pg);

    pg->prev = FRAME_NONE;
    pg->next = list->head;
    if (list->head != FRAME_NONE)
        frame_table[list->head].prev = mfn;
    list->head = mfn;
    list->count++;
}

void page_list_del(struct page_list *list, struct page_info *pg)
{
    if (pg->prev != FRAME_NONE)
        frame_table[pg->prev].next = pg->next;
    else
        list->head = pg->next;
    if (pg->next != FRAME_NONE)
        frame_table[pg->next].prev = pg->prev;
    pg->next = pg->prev = FRAME_NONE;
    list->count--;
}

void tlb_note_flush(void)
{
    tlbflush_gen++;
}

void page_mark_tlb_stale(struct page_info *pg)
{
    pg->tlb_gen = tlbflush_gen;
}

/* No TLB may still map pg when this returns. */
static void page_tlb_clean(struct page_info *pg)
{
    if (pg->tlb_gen == tlbflush_gen)
        arch_flush_tlb_all();
    pg->tlb_gen = 0;
}

static void page_take(struct page_info *pg, domid_t owner,
                      struct page_list *list)
{
    page_tlb_clean(pg);
    page_list_del(&free_list, pg);
    pg->flags &= PGF_ram;
    pg->owner = owner;
    pg->count = 1;
    pg->type = PGT_none;
    pg->type_count = 0;
    if (list)
        page_list_add(list, pg);
}

struct page_info *alloc_page(domid_t owner, struct page_list *list)
{
    struct page_info *pg;

    if (free_list.head == FRAME_NONE)
        return NULL;
    pg = &frame_table[free_list.head];
    page_take(pg, owner, list);
    return pg;
}

/* First fit from the top of memory; O(frames), for rare multi-page needs. */
struct page_info *alloc_pages_contig(unsigned long nr, domid_t owner,
                                     struct page_list *list)
{
    unsigned long i, run = 0;

    if (!nr)
        return NULL;
    for (i = nr_frames; i--;) {
        if (!(frame_table[i].flags & PGF_free)) {
            run = 0;
            continue;
        }
        if (++run == nr) {
            unsigned long j;

            for (j = 0; j < nr; j++)
                page_take(&frame_table[i + j], owner, list);
            return &frame_table[i];
        }
    }
    return NULL;
}

/*
 * 2^order free frames starting at a multiple of 2^order, as Xen's buddy
 * allocator hands out an extent of that order; first fit from the top.
 */
struct page_info *alloc_pages_aligned(unsigned int order, domid_t owner,
                                      struct page_list *list)
{
    unsigned long n = 1UL << order, base, j;

    for (base = nr_frames & ~(n - 1); base >= n;) {
        base -= n;
        for (j = 0; j < n && (frame_table[base + j].flags & PGF_free); j++)
            ;
        if (j == n) {
            for (j = 0; j < n; j++)
                page_take(&frame_table[base + j], owner, list);
            return &frame_table[base];
        }
    }
    return NULL;
}

static void page_release(struct page_info *pg)
{
    pg->owner = DOMID_FREE;
    pg->type = PGT_none;
    pg->type_count = 0;
    pg->flags = (pg->flags & PGF_ram) | PGF_free;
    page_list_add(&free_list, pg);
}

/* Drop the allocation's reference; the frame is freed when none remain. */
void free_page(struct page_info *pg, struct page_list *list)
{
    if (list)
        page_list_del(list, pg);
    put_page(pg);
}

bool get_page(struct page_info *pg, domid_t owner)
{
    if (pg->owner != owner || pg->count == 0 || pg->count == UINT32_MAX)
        return false;
    pg->count++;
    return true;
}

void put_page(struct page_info *pg)
{
    ASSERT(pg->count > 0);
    if (--pg->count == 0) {
        ASSERT(pg->type_count == 0);
        page_release(pg);
    }
}

void pgt_set_ops(const struct pgt_ops *ops, void *ctx)
{
    pgt_ops = ops;
    pgt_ctx = ctx;
}

static bool pgt_is_table(unsigned int type)
{
    return type >= PGT_l1_page_table && type <= PGT_seg_desc_page;
}

int get_page_type(struct page_info *pg, unsigned int type)
{
    int rc;

    if (pg->type_count == UINT32_MAX)
        return -XEN_EBUSY;
    if (pg->type_count && pg->type != type)
        return -XEN_EINVAL;   /* in use as something else (Xen: -EINVAL) */
    /* Held but not validated: its validator is running further up this
     * call chain (a cycle through same-level linear entries).  A reference
     * now would be lost when the hold is dropped below. */
    if (pg->type_count && !(pg->flags & PGF_validated))
        return -XEN_EBUSY;
    if (pg->type_count == 0 && (pg->type != type || !(pg->flags & PGF_validated))) {
        pg->flags &= ~PGF_validated;
        /* A stale writable translation must not outlive a table type. */
        if (pgt_is_table(type))
            page_tlb_clean(pg);
        if (pgt_is_table(type) && pgt_ops && pgt_ops->validate) {
            /* Hold the type while validating so that a cycle back to this
             * frame (a table mapping itself at the wrong level) fails. */
            pg->type = type;
            pg->type_count = 1;
            rc = pgt_ops->validate(pg, type, pgt_ctx);
            pg->type_count = 0;
            if (rc) {
                pg->type = PGT_none;
                return rc;
            }
        }
        pg->type = type;
        pg->flags |= PGF_validated;
    }
    pg->type_count++;
    return 0;
}

void put_page_type(struct page_info *pg)
{
    ASSERT(pg->type_count > 0);
    if (--pg->type_count == 0 && pgt_is_table(pg->type)) {
        if (pgt_ops && pgt_ops->devalidate)
            pgt_ops->devalidate(pg, pg->type, pgt_ctx);
        pg->flags &= ~PGF_validated;
    }
}

bool get_page_and_type(struct page_info *pg, domid_t owner, unsigned int type)
{
    if (!get_page(pg, owner))
        return false;
    if (get_page_type(pg, type)) {
        put_page(pg);
        return false;
    }
    return true;
}

void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}
