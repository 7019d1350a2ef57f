/* SPDX-License-Identifier: GPL-2.0-only */
/* The initial memory layout of a 64-bit PV domain, computed as Xen does. */
/*
 * THE INITIAL LAYOUT
 *
 * A PV kernel starts with one contiguous virtual region [v_start, v_end)
 * mapped 1:1 onto pseudo-physical frames from 0: pfn = (va - v_start) >> 12,
 * v_start = VIRT_BASE. The builder packs, page aligned, in this order
 * (Xen's dom0_construct_pv and libxenguest's xc_dom_build_image agree):
 *
 *   kernel      v_start .. round_up(virt_kend): the pages below virt_kstart
 *               are allocated and mapped too
 *   initrd      here only if the kernel lacks MOD_START_PFN
 *   p2m list    8 bytes per pfn (mfn_list), here unless INIT_P2M moves it
 *   start_info  one page (dom0: its vga console info follows in the same page)
 *   xenstore    domU only, one page
 *   console     domU only, one page
 *   page tables L4, then the L3s, L2s, L1s (libxenguest order; Linux's
 *               check_pt_base wants the L4 at one end), mapped read-only
 *   boot stack  one page; RSP = its top
 *
 * v_end is the stack's end rounded up to 4 MiB, plus another 4 MiB if that
 * leaves less than 512 KiB of mapped padding. The number of page-table
 * frames depends on v_end and v_end on that number: starting from 0,
 * n := tables(v_end(n)) rises monotonically and stops at the smallest n
 * with tables(v_end(n)) <= n, where in fact tables(v_end(n)) == n. Here
 * tables(s, e) = 1 L4 + NR(39) L3 + NR(30) L2 + NR(21) L1, with
 * NR(shift) = ((e - 1) >> shift) - (s >> shift) + 1 the number of
 * 2^shift-aligned blocks that [s, e) touches.
 *
 * After v_end, in pfn space only (not mapped):
 *   initrd      with MOD_START_PFN: mod_start is its first pfn and
 *               SIF_MOD_START_PFN is set; mod_len is whole pages for a domU
 *               (libxenguest) and the exact length for dom0 (Xen)
 *   p2m list    with INIT_P2M: mapped at that VA through its own L3/L2/L1
 *               tables (4 KiB pages), which follow the p2m pages;
 *               first_p2m_pfn/nr_p2m_frames cover both. Tables the initial
 *               mapping already has (same L4 slot, same 1 GiB) are shared,
 *               so only the missing ones are counted. As libxenguest, an
 *               INIT_P2M that is not page aligned or not below VIRT_BASE is
 *               ignored and the p2m stays in the initial mapping.
 *
 * Refused: a layout needing more pfns than the domain has (-ENOMEM); a
 * region that wraps 2^64, is non-canonical, or touches the hypervisor hole
 * 0xffff800000000000-0xffff880000000000 (L4 slots 256-271) (-EINVAL).
 *
 * WORKED EXAMPLES (replayed by tests/unit/test_pv_layout.c)
 *
 * A. Linux-like domU: VIRT_BASE 0xffffffff80000000, kernel paddr 16 MiB ..
 *    44 MiB (virt_kend 0xffffffff82c00000), 512 MiB = 0x20000 pages, 8 MiB
 *    initrd, MOD_START_PFN, INIT_P2M 0x8000000000:
 *      kernel      va 0xffffffff80000000  pfn 0x0     0x2c00 pages
 *      start_info  va 0xffffffff82c00000  pfn 0x2c00
 *      xenstore    va 0xffffffff82c01000  pfn 0x2c01
 *      console     va 0xffffffff82c02000  pfn 0x2c02
 *      page tables va 0xffffffff82c03000  pfn 0x2c03  27 = 1 L4 + 1 L3 + 1 L2
 *                                                     + 24 L1 (48 MiB)
 *      stack       va 0xffffffff82c1e000  pfn 0x2c1e  RSP 0xffffffff82c1f000
 *      v_end 0xffffffff83000000: 0x3000 mapped pages
 *      initrd      pfn 0x3000, 0x800 pages, mod_start 0x3000, mod_len 8 MiB
 *      p2m         va 0x8000000000, pfn 0x3800, 0x100 pages (1 MiB)
 *      p2m tables  pfn 0x3900: 1 L3 (L4 slot 1 is new), 1 L2, 1 L1
 *      first_p2m_pfn 0x3800, nr_p2m_frames 0x103; 0x3903 pfns used
 *    Same as dom0: no xenstore/console, so page tables at pfn 0x2c01,
 *    stack at 0x2c1c, RSP 0xffffffff82c1d000, the rest unchanged.
 *    Same without MOD_START_PFN: the initrd is mapped at pfn 0x2c00
 *    (0x800 pages), start_info moves to 0x3400, v_end to 0xffffffff83800000
 *    and 28 L1s make 31 table frames.
 *
 * B. XTF-like domU: no VIRT_BASE (0), image 0x100000..0x10a000, 32 MiB =
 *    0x2000 pages, no initrd, no INIT_P2M:
 *      kernel 0x0 (pfn 0, 0x10a pages), p2m 0x10a000 (0x10 pages),
 *      start_info 0x11a000, xenstore 0x11b000, console 0x11c000,
 *      page tables 0x11d000 (5: L4, L3, L2, 2 L1), stack 0x122000,
 *      RSP 0x123000, v_end 0x400000, 0x400 pfns used.
 */
#include <xenia/pv_layout.h>

#include <xen/elfnote.h>
#include <xen/errno.h>
#include <xen/xen.h>

#define PAGE       PV_PAGE_SIZE
#define MAP_ALIGN  (4ull << 20)
#define MAP_PAD    (512ull << 10)
#define HOLE_START 0xffff800000000000ull
#define HOLE_END   0xffff880000000000ull
#define LOW_END    0x0000800000000000ull /* end of the lower canonical half */
#define MAX_PAGES  (1ull << 40)          /* 4 PiB: beyond any real domain */

BUILD_BUG_ON(sizeof(struct start_info) + sizeof(struct dom0_vga_console_info) >
             PV_PAGE_SIZE);

/* Shift of the block one table at each level maps: L1 2 MiB ... L4 256 TiB. */
static const unsigned int level_shift[PV_PT_LEVELS] = {21, 30, 39, 48};

struct lay_ctx {
    const struct pv_layout_in *in;
    struct pv_layout *out;
    char *err;
    size_t errlen;
};

static int lay_fail(struct lay_ctx *c, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int lay_fail(struct lay_ctx *c, int rc, const char *fmt, ...)
{
    va_list ap;

    if (c->err && c->errlen) {
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}

static uint64_t pages_for(uint64_t bytes)
{
    return (bytes >> PV_PAGE_SHIFT) + !!(bytes & (PAGE - 1));
}

/* *r = a + b, false if that wraps 2^64. */
static bool add_ok(uint64_t a, uint64_t b, uint64_t *r)
{
    *r = a + b;
    return *r >= a;
}

/* Number of 2^shift blocks [s, e) touches; e > s. */
static uint64_t blocks(uint64_t s, uint64_t e, unsigned int shift)
{
    return ((e - 1) >> shift) - (s >> shift) + 1;
}

static uint64_t tables_for(uint64_t s, uint64_t e, uint64_t nr[PV_PT_LEVELS])
{
    unsigned int l;

    for (l = 0; l < PV_PT_LEVELS - 1; l++)
        nr[l] = blocks(s, e, level_shift[l]);
    nr[PV_PT_LEVELS - 1] = 1;
    return nr[0] + nr[1] + nr[2] + nr[3];
}

/* [s, e) is canonical and outside the hypervisor hole. */
static int check_range(struct lay_ctx *c, const char *what, uint64_t s,
                       uint64_t e)
{
    if (e <= LOW_END || s >= HOLE_END)
        return 0;
    if (s < HOLE_END && e > HOLE_START)
        return lay_fail(c, -XEN_EINVAL,
                        "%s 0x%llx-0x%llx overlaps the hypervisor "
                        "hole (L4 slots 256-271)",
                        what, (unsigned long long)s, (unsigned long long)e);
    return lay_fail(c, -XEN_EINVAL, "%s 0x%llx-0x%llx is not canonical", what,
                    (unsigned long long)s, (unsigned long long)e);
}

/* Append nr pages at the VA cursor *va (inside the mapping). */
static int place(struct lay_ctx *c, struct pv_region *r, uint64_t *va,
                 uint64_t nr, const char *what)
{
    r->va = *va;
    r->pfn = (*va - c->out->v_start) >> PV_PAGE_SHIFT;
    r->nr_pages = nr;
    if (nr > MAX_PAGES || !add_ok(*va, nr << PV_PAGE_SHIFT, va))
        return lay_fail(c, -XEN_EINVAL,
                        "%s: layout wraps the 64-bit address space", what);
    return 0;
}

/* v_end for a stack ending at stack_end: 4 MiB aligned, >= 512 KiB padding. */
static bool map_end(uint64_t stack_end, uint64_t *v_end)
{
    uint64_t e;

    if (!add_ok(stack_end, MAP_ALIGN - 1, &e))
        return false;
    e &= ~(MAP_ALIGN - 1);
    if (e - stack_end < MAP_PAD && !add_ok(e, MAP_ALIGN, &e))
        return false;
    *v_end = e;
    return true;
}

/* Page tables, stack and v_end, solved together (see the essay). */
static int lay_pagetables(struct lay_ctx *c, uint64_t va)
{
    struct pv_layout *o = c->out;
    uint64_t nr = 0, need, end, v_end;
    unsigned int l, iter;

    for (iter = 0;; iter++) {
        if (iter > 64 || !add_ok(va, (nr + 1) << PV_PAGE_SHIFT, &end) ||
            !map_end(end, &v_end))
            return lay_fail(c, -XEN_EINVAL,
                            "page tables: layout wraps the 64-bit "
                            "address space");
        need = tables_for(o->v_start, v_end, o->nr_pt);
        if (need <= nr)
            break;
        nr = need;
    }
    place(c, &o->pgtables, &va, nr, "page tables");
    place(c, &o->stack, &va, 1, "stack");
    o->v_end = v_end;
    o->pt_pfn[3] = o->pgtables.pfn;
    for (l = 3; l > 0; l--)
        o->pt_pfn[l - 1] = o->pt_pfn[l] + o->nr_pt[l];
    return check_range(c, "initial mapping", o->v_start, o->v_end);
}

/* The mapped part: kernel, initrd?, p2m?, start_info, rings, tables, stack. */
static int lay_mapped(struct lay_ctx *c, bool initrd_mapped, uint64_t p2m_pages)
{
    const struct pv_layout_in *in = c->in;
    struct pv_layout *o = c->out;
    uint64_t va = o->v_start, kend;
    int rc;

    if (!add_ok(in->img->virt_kend, PAGE - 1, &kend))
        return lay_fail(c, -XEN_EINVAL,
                        "kernel: layout wraps the 64-bit address space");
    kend = ROUNDDOWN(kend, PAGE);
    if ((rc = place(c, &o->kernel, &va, (kend - o->v_start) >> PV_PAGE_SHIFT,
                    "kernel")) ||
        (initrd_mapped && (rc = place(c, &o->initrd, &va,
                                      pages_for(in->initrd_len), "initrd"))) ||
        (!o->p2m_relocated &&
         (rc = place(c, &o->p2m, &va, p2m_pages, "p2m"))) ||
        (rc = place(c, &o->start_info, &va, 1, "start_info")) ||
        (!in->is_dom0 && (rc = place(c, &o->xenstore, &va, 1, "xenstore"))) ||
        (!in->is_dom0 && (rc = place(c, &o->console, &va, 1, "console"))))
        return rc;
    return lay_pagetables(c, va);
}

/* Tables the p2m mapping [s, e) needs beyond those of [v_start, v_end). */
static void lay_p2m_tables(struct pv_layout *o, uint64_t s, uint64_t e)
{
    unsigned int l;
    uint64_t pfn = o->p2m_pt.pfn;

    for (l = 0; l < PV_PT_LEVELS - 1; l++) {
        unsigned int sh = level_shift[l];
        uint64_t first = s >> sh, last = (e - 1) >> sh;
        uint64_t map0 = o->v_start >> sh; /* first table of the mapping */

        /* e <= v_start, so last <= map0: only map0 itself can be shared. */
        o->nr_p2m_pt[l] = (last >= map0 ? map0 : last + 1) - first;
    }
    for (l = PV_PT_LEVELS - 1; l-- > 0;) {
        o->p2m_pt_pfn[l] = pfn;
        pfn += o->nr_p2m_pt[l];
    }
    o->p2m_pt.nr_pages = pfn - o->p2m_pt.pfn;
}

/* The unmapped part after v_end: initrd?, relocated p2m and its tables. */
static int lay_unmapped(struct lay_ctx *c, bool initrd_unmapped,
                        uint64_t p2m_pages)
{
    const struct pv_layout_in *in = c->in;
    struct pv_layout *o = c->out;
    uint64_t pfn = o->nr_mapped_pages, p2m_end;
    int rc;

    if (initrd_unmapped) {
        o->initrd = (struct pv_region){0, pfn, pages_for(in->initrd_len)};
        pfn += o->initrd.nr_pages;
    }
    if (o->p2m_relocated) {
        o->p2m = (struct pv_region){in->img->init_p2m, pfn, p2m_pages};
        if (!add_ok(o->p2m.va, p2m_pages << PV_PAGE_SHIFT, &p2m_end) ||
            p2m_end > o->v_start)
            return lay_fail(c, -XEN_EINVAL,
                            "INIT_P2M 0x%llx: p2m of 0x%llx pages "
                            "overlaps the initial mapping",
                            (unsigned long long)o->p2m.va,
                            (unsigned long long)p2m_pages);
        if ((rc = check_range(c, "INIT_P2M mapping", o->p2m.va, p2m_end)))
            return rc;
        o->p2m_pt.pfn = pfn + p2m_pages;
        lay_p2m_tables(o, o->p2m.va, p2m_end);
        o->first_p2m_pfn = pfn;
        o->nr_p2m_frames = p2m_pages + o->p2m_pt.nr_pages;
        pfn += o->nr_p2m_frames;
    }
    o->nr_pages_used = pfn;
    if (pfn > in->nr_pages)
        return lay_fail(c, -XEN_ENOMEM,
                        "domain too small: layout needs 0x%llx pages, "
                        "domain has 0x%llx",
                        (unsigned long long)pfn,
                        (unsigned long long)in->nr_pages);
    return 0;
}

static int lay_check_input(struct lay_ctx *c)
{
    const struct pv_layout_in *in = c->in;
    const struct pv_image *img = in->img;

    if (!img || !IS_ALIGNED(img->virt_base, PAGE) ||
        img->virt_kend < img->virt_base)
        return lay_fail(c, -XEN_EINVAL, "no parsed image");
    if (in->nr_pages == 0 || in->nr_pages > MAX_PAGES)
        return lay_fail(c, -XEN_EINVAL, "domain size 0x%llx pages out of range",
                        (unsigned long long)in->nr_pages);
    if (in->initrd_len > (MAX_PAGES << PV_PAGE_SHIFT))
        return lay_fail(c, -XEN_ENOMEM, "initrd of 0x%llx bytes too large",
                        (unsigned long long)in->initrd_len);
    if (in->unmapped_initrd && !img->mod_start_pfn)
        return lay_fail(c, -XEN_EINVAL,
                        "unmapped initrd without a MOD_START_PFN note");
    if (in->init_p2m && !pv_image_has_note(img, XEN_ELFNOTE_INIT_P2M))
        return lay_fail(c, -XEN_EINVAL,
                        "INIT_P2M placement without an INIT_P2M note");
    return 0;
}

static void lay_finish(const struct pv_layout_in *in, struct pv_layout *o,
                       bool initrd_unmapped)
{
    o->pt_base = o->pgtables.va;
    o->nr_pt_frames = o->pgtables.nr_pages;
    o->mfn_list = o->p2m.va;
    o->entry = in->img->entry;
    o->stack_top = o->stack.va + PAGE;
    o->start_info_va = o->start_info.va;
    if (!in->initrd_len)
        return;
    if (initrd_unmapped) {
        o->mod_start = o->initrd.pfn;
        o->mod_len =
            in->is_dom0 ? in->initrd_len : o->initrd.nr_pages << PV_PAGE_SHIFT;
        o->si_flags = SIF_MOD_START_PFN;
    } else {
        o->mod_start = o->initrd.va;
        o->mod_len = in->initrd_len;
    }
}

int pv_layout_compute(const struct pv_layout_in *in, struct pv_layout *out,
                      char *err, size_t errlen)
{
    struct lay_ctx c = {.in = in, .out = out, .err = err, .errlen = errlen};
    bool unmapped = in->initrd_len && in->unmapped_initrd;
    uint64_t p2m_pages;
    int rc;

    memset(out, 0, sizeof(*out));
    if (err && errlen)
        err[0] = '\0';
    if ((rc = lay_check_input(&c)))
        return rc;

    out->v_start = in->img->virt_base;
    out->p2m_relocated = in->init_p2m && IS_ALIGNED(in->img->init_p2m, PAGE) &&
                         in->img->init_p2m < in->img->virt_base;
    p2m_pages = pages_for(in->nr_pages * sizeof(uint64_t));

    if ((rc = lay_mapped(&c, in->initrd_len && !unmapped, p2m_pages)))
        return rc;
    out->nr_mapped_pages = (out->v_end - out->v_start) >> PV_PAGE_SHIFT;
    if ((rc = lay_unmapped(&c, unmapped, p2m_pages)))
        return rc;
    lay_finish(in, out, unmapped);
    return 0;
}
