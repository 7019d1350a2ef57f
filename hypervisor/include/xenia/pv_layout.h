/* SPDX-License-Identifier: GPL-2.0-only */
/* Initial virtual/pseudo-physical layout of a 64-bit PV domain (Xen's). */
#ifndef XENIA_PV_LAYOUT_H
#define XENIA_PV_LAYOUT_H

#include <xenia/lib.h>
#include <xenia/elf.h>

#define PV_PAGE_SHIFT 12
#define PV_PAGE_SIZE  (1ull << PV_PAGE_SHIFT)

/* Page-table levels, index 0 = L1 ... 3 = L4. */
#define PV_PT_LEVELS 4

struct pv_layout_in {
    const struct pv_image *img;
    uint64_t nr_pages;    /* domain memory, 4 KiB pages */
    uint64_t initrd_len;  /* bytes, 0 = no initrd */
    bool is_dom0;         /* dom0: no xenstore / console pages */
    bool unmapped_initrd; /* img has MOD_START_PFN and the builder honours it */
    bool init_p2m;        /* img has INIT_P2M and the builder honours it */
};

/* A run of pages: VA (0 if not mapped), first pfn, count. */
struct pv_region {
    uint64_t va;
    uint64_t pfn;
    uint64_t nr_pages;
};

struct pv_layout {
    /* The initial mapping [v_start, v_end), pfn = (va - v_start) >> 12. */
    uint64_t v_start, v_end;
    uint64_t nr_mapped_pages;

    struct pv_region kernel; /* virt_base .. round_up(virt_kend) */
    struct pv_region initrd; /* mapped, or unmapped after v_end (va 0) */
    struct pv_region p2m;    /* mfn_list: in the mapping or at INIT_P2M */
    struct pv_region start_info;
    struct pv_region xenstore; /* domU only */
    struct pv_region console;  /* domU only */
    struct pv_region pgtables; /* bootstrap tables, mapped read-only */
    struct pv_region stack;    /* one page */

    /* Bootstrap tables in pgtables, in order L4, L3s, L2s, L1s. */
    uint64_t nr_pt[PV_PT_LEVELS];  /* [0] = L1 ... [3] = L4 (always 1) */
    uint64_t pt_pfn[PV_PT_LEVELS]; /* first pfn of each level's tables */

    /* INIT_P2M: the p2m's own L3/L2/L1 tables (4 KiB mappings, no L4). */
    bool p2m_relocated;
    struct pv_region p2m_pt;          /* pfns right after the p2m pages */
    uint64_t nr_p2m_pt[PV_PT_LEVELS]; /* [3] always 0 */
    uint64_t p2m_pt_pfn[PV_PT_LEVELS];

    /* Ready for start_info and the vCPU. */
    uint64_t pt_base; /* VA of the L4 (start_info.pt_base; CR3 = its MFN) */
    uint64_t nr_pt_frames; /* start_info.nr_pt_frames */
    uint64_t mfn_list;     /* start_info.mfn_list */
    uint64_t mod_start;    /* VA, or PFN when unmapped (0 without initrd) */
    uint64_t mod_len;      /* bytes; whole pages when unmapped (domU rule) */
    uint32_t si_flags;     /* SIF_MOD_START_PFN when unmapped */
    uint64_t first_p2m_pfn, nr_p2m_frames; /* INIT_P2M only, else 0 */
    uint64_t entry;                        /* RIP */
    uint64_t stack_top;                    /* RSP */
    uint64_t start_info_va;                /* RSI */
    uint64_t nr_pages_used; /* pfns 0 .. nr_pages_used-1 are populated */
};

/*
 * Compute the layout. Pure arithmetic; 0, or -XEN_ENOMEM when the domain
 * is too small, -XEN_EINVAL for a layout that wraps, is non-canonical or
 * enters the hypervisor hole, with a message in err.
 */
int pv_layout_compute(const struct pv_layout_in *in, struct pv_layout *out,
                      char *err, size_t errlen);

/* pfn of a VA inside the initial mapping; caller checks the range. */
static inline uint64_t pv_layout_va_to_pfn(const struct pv_layout *l,
                                           uint64_t va)
{
    return (va - l->v_start) >> PV_PAGE_SHIFT;
}

#endif /* XENIA_PV_LAYOUT_H */
