/* SPDX-License-Identifier: GPL-2.0-only */
/* The frame table: owner, reference count and type of every machine frame. */
#ifndef XENIA_MM_H
#define XENIA_MM_H

#include <xenia/public.h>

/* Frame types (Xen's PGT_* numbering). */
enum pgt_type {
    PGT_none = 0,
    PGT_l1_page_table = 1,
    PGT_l2_page_table = 2,
    PGT_l3_page_table = 3,
    PGT_l4_page_table = 4,
    PGT_seg_desc_page = 5,
    PGT_writable_page = 7,
};

#define PGF_ram       0x01  /* backed by RAM in the memory map */
#define PGF_free      0x02  /* on the free list */
#define PGF_validated 0x04  /* current type's contents have been checked */
#define PGF_pinned    0x08  /* a guest pin holds one type reference */
#define PGF_xenheap   0x10  /* hypervisor-internal, shared with a guest */

#define FRAME_NONE    0xffffffffu
#define DOMID_FREE    DOMID_INVALID

struct page_info {
    uint32_t count;       /* general references; the allocation holds one */
    uint32_t type_count;  /* references of the current type */
    domid_t owner;        /* domain, DOMID_XEN, DOMID_IO or DOMID_FREE */
    uint8_t type;         /* enum pgt_type */
    uint8_t flags;        /* PGF_* */
    uint32_t next, prev;  /* free list or owner's page list (frame numbers) */
    uint32_t tlb_gen;     /* a TLB may map it as of this flush generation */
};

struct page_list {
    uint32_t head;
    unsigned long count;
};

/* Frame table setup: every frame starts absent (not RAM, owned by DOMID_IO). */
void frames_init(struct page_info *table, unsigned long nr_frames);
void frames_mark_ram(unsigned long first, unsigned long end);
void frames_mark_xen(unsigned long first, unsigned long end);
void frames_set_owner(unsigned long first, unsigned long end, domid_t owner);
void frames_finish(void);

unsigned long frames_total(void);
unsigned long frames_free(void);
bool mfn_valid(unsigned long mfn);
struct page_info *mfn_to_page(unsigned long mfn);
unsigned long page_to_mfn(const struct page_info *pg);

/* Allocation: the page comes back with count 1, type none, given owner. */
struct page_info *alloc_page(domid_t owner, struct page_list *list);
struct page_info *alloc_pages_contig(unsigned long nr, domid_t owner,
                                     struct page_list *list);
struct page_info *alloc_pages_aligned(unsigned int order, domid_t owner,
                                      struct page_list *list);
void free_page(struct page_info *pg, struct page_list *list);

void page_list_add(struct page_list *list, struct page_info *pg);
void page_list_del(struct page_list *list, struct page_info *pg);

/*
 * Stale TLB entries.  Removing a mapping does not flush: the frame is
 * marked with the current flush generation instead, and a flush happens
 * only if the frame is about to become a page table or descriptor page, or
 * to be reused, while no flush has happened since (Xen's tlbflush clock).
 */
void tlb_note_flush(void);              /* arch: after every full flush */
void page_mark_tlb_stale(struct page_info *pg);
void arch_flush_tlb_all(void);          /* arch: flush, then tlb_note_flush */

/* General references. get_page fails if the frame is not owned by owner. */
bool get_page(struct page_info *pg, domid_t owner);
void put_page(struct page_info *pg);

/*
 * Typed references.  A frame's type changes only while its type count is
 * zero; taking a new type runs the validator, dropping the last reference
 * of a table type runs the devalidator.  Validators come from the caller
 * (the arch code reads table contents), so this file stays pure.
 */
struct pgt_ops {
    int (*validate)(struct page_info *pg, unsigned int type, void *ctx);
    void (*devalidate)(struct page_info *pg, unsigned int type, void *ctx);
};
void pgt_set_ops(const struct pgt_ops *ops, void *ctx);
int get_page_type(struct page_info *pg, unsigned int type);
void put_page_type(struct page_info *pg);
bool get_page_and_type(struct page_info *pg, domid_t owner, unsigned int type);
void put_page_and_type(struct page_info *pg);

#endif
