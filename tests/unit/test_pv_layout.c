/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite for hypervisor/common/pv_layout.c: worked examples, invariants */
#include <xenia/pv_layout.h>

#include "check_suite.h"
#include <stdlib.h>

#include <xen/elfnote.h>
#include <xen/errno.h>
#include <xen/xen.h>

#define PG      0x1000ull
#define MiB     (1ull << 20)
#define LX_BASE 0xffffffff80000000ull
#define P2M_VA  0x8000000000ull

/* A parsed image as elf_pv_parse would leave it (only what the layout reads).
 */
static struct pv_image mkimg(uint64_t virt_base, uint64_t kstart, uint64_t kend)
{
    struct pv_image img;

    memset(&img, 0, sizeof(img));
    img.virt_base = virt_base;
    img.virt_kstart = kstart;
    img.virt_kend = kend;
    img.entry = kstart;
    return img;
}

static void with_mod_start_pfn(struct pv_image *img)
{
    img->mod_start_pfn = 1;
    img->notes_present |= 1u << XEN_ELFNOTE_MOD_START_PFN;
}

static void with_init_p2m(struct pv_image *img, uint64_t va)
{
    img->init_p2m = va;
    img->notes_present |= 1u << XEN_ELFNOTE_INIT_P2M;
}

/* Example A of the essay: Linux-like, kernel paddr 16 MiB .. 44 MiB. */
static struct pv_image linux_img(void)
{
    struct pv_image img =
        mkimg(LX_BASE, LX_BASE + 16 * MiB, LX_BASE + 44 * MiB);

    img.entry = LX_BASE + 16 * MiB + 0x180;
    with_mod_start_pfn(&img);
    with_init_p2m(&img, P2M_VA);
    return img;
}

static struct pv_layout lay;
static char err[256];

static void region_is(const struct pv_region *r, uint64_t va, uint64_t pfn,
                      uint64_t nr)
{
    ck_assert_uint_eq(r->va, va);
    ck_assert_uint_eq(r->pfn, pfn);
    ck_assert_uint_eq(r->nr_pages, nr);
}

/* ------------------------------------------------------------------ */
/* Worked examples                                                      */

START_TEST(test_example_a_domu)
{
    struct pv_image img = linux_img();
    struct pv_layout_in in = {&img, 0x20000, 8 * MiB, false, true, true};

    ck_assert_int_eq(pv_layout_compute(&in, &lay, err, sizeof(err)), 0);
    ck_assert_str_eq(err, "");
    region_is(&lay.kernel, LX_BASE, 0, 0x2c00);
    region_is(&lay.start_info, 0xffffffff82c00000ull, 0x2c00, 1);
    region_is(&lay.xenstore, 0xffffffff82c01000ull, 0x2c01, 1);
    region_is(&lay.console, 0xffffffff82c02000ull, 0x2c02, 1);
    region_is(&lay.pgtables, 0xffffffff82c03000ull, 0x2c03, 27);
    ck_assert_uint_eq(lay.nr_pt[3], 1);
    ck_assert_uint_eq(lay.nr_pt[2], 1);
    ck_assert_uint_eq(lay.nr_pt[1], 1);
    ck_assert_uint_eq(lay.nr_pt[0], 24);
    ck_assert_uint_eq(lay.pt_pfn[3], 0x2c03);
    ck_assert_uint_eq(lay.pt_pfn[2], 0x2c04);
    ck_assert_uint_eq(lay.pt_pfn[1], 0x2c05);
    ck_assert_uint_eq(lay.pt_pfn[0], 0x2c06);
    region_is(&lay.stack, 0xffffffff82c1e000ull, 0x2c1e, 1);
    ck_assert_uint_eq(lay.stack_top, 0xffffffff82c1f000ull);
    ck_assert_uint_eq(lay.v_start, LX_BASE);
    ck_assert_uint_eq(lay.v_end, 0xffffffff83000000ull);
    ck_assert_uint_eq(lay.nr_mapped_pages, 0x3000);
    region_is(&lay.initrd, 0, 0x3000, 0x800);
    ck_assert_uint_eq(lay.mod_start, 0x3000);
    ck_assert_uint_eq(lay.mod_len, 8 * MiB);
    ck_assert_uint_eq(lay.si_flags, SIF_MOD_START_PFN);
    ck_assert(lay.p2m_relocated);
    region_is(&lay.p2m, P2M_VA, 0x3800, 0x100);
    region_is(&lay.p2m_pt, 0, 0x3900, 3);
    ck_assert_uint_eq(lay.nr_p2m_pt[2], 1);
    ck_assert_uint_eq(lay.nr_p2m_pt[1], 1);
    ck_assert_uint_eq(lay.nr_p2m_pt[0], 1);
    ck_assert_uint_eq(lay.p2m_pt_pfn[2], 0x3900);
    ck_assert_uint_eq(lay.p2m_pt_pfn[1], 0x3901);
    ck_assert_uint_eq(lay.p2m_pt_pfn[0], 0x3902);
    ck_assert_uint_eq(lay.first_p2m_pfn, 0x3800);
    ck_assert_uint_eq(lay.nr_p2m_frames, 0x103);
    ck_assert_uint_eq(lay.nr_pages_used, 0x3903);
    ck_assert_uint_eq(lay.pt_base, 0xffffffff82c03000ull);
    ck_assert_uint_eq(lay.nr_pt_frames, 27);
    ck_assert_uint_eq(lay.mfn_list, P2M_VA);
    ck_assert_uint_eq(lay.entry, LX_BASE + 16 * MiB + 0x180);
    ck_assert_uint_eq(lay.start_info_va, 0xffffffff82c00000ull);
    ck_assert_uint_eq(pv_layout_va_to_pfn(&lay, 0xffffffff82c1e000ull), 0x2c1e);
}
END_TEST

START_TEST(test_example_a_dom0)
{
    struct pv_image img = linux_img();
    struct pv_layout_in in = {&img, 0x20000, 8 * MiB, true, true, true};

    ck_assert_int_eq(pv_layout_compute(&in, &lay, err, sizeof(err)), 0);
    region_is(&lay.start_info, 0xffffffff82c00000ull, 0x2c00, 1);
    region_is(&lay.xenstore, 0, 0, 0);
    region_is(&lay.console, 0, 0, 0);
    region_is(&lay.pgtables, 0xffffffff82c01000ull, 0x2c01, 27);
    region_is(&lay.stack, 0xffffffff82c1c000ull, 0x2c1c, 1);
    ck_assert_uint_eq(lay.stack_top, 0xffffffff82c1d000ull);
    ck_assert_uint_eq(lay.v_end, 0xffffffff83000000ull);
    ck_assert_uint_eq(lay.first_p2m_pfn, 0x3800);
    ck_assert_uint_eq(lay.nr_p2m_frames, 0x103);
    ck_assert_uint_eq(lay.nr_pages_used, 0x3903);

    /* dom0's mod_len is the exact length; a domU's is whole pages. */
    in.initrd_len = 8 * MiB - 100;
    ck_assert_int_eq(pv_layout_compute(&in, &lay, err, sizeof(err)), 0);
    ck_assert_uint_eq(lay.mod_len, 8 * MiB - 100);
    in.is_dom0 = false;
    ck_assert_int_eq(pv_layout_compute(&in, &lay, err, sizeof(err)), 0);
    ck_assert_uint_eq(lay.mod_len, 8 * MiB);
}
END_TEST

START_TEST(test_example_a_mapped_initrd)
{
    struct pv_image img = linux_img();
    struct pv_layout_in in = {&img, 0x20000, 8 * MiB, false, false, true};

    ck_assert_int_eq(pv_layout_compute(&in, &lay, err, sizeof(err)), 0);
    region_is(&lay.initrd, 0xffffffff82c00000ull, 0x2c00, 0x800);
    ck_assert_uint_eq(lay.mod_start, 0xffffffff82c00000ull);
    ck_assert_uint_eq(lay.mod_len, 8 * MiB);
    ck_assert_uint_eq(lay.si_flags, 0);
    region_is(&lay.start_info, 0xffffffff83400000ull, 0x3400, 1);
    ck_assert_uint_eq(lay.v_end, 0xffffffff83800000ull);
    ck_assert_uint_eq(lay.nr_pt[0], 28);
    ck_assert_uint_eq(lay.nr_pt_frames, 31);
    ck_assert_uint_eq(lay.first_p2m_pfn, 0x3800);
}
END_TEST

START_TEST(test_example_b_xtf)
{
    struct pv_image img = mkimg(0, 0x100000, 0x10a000);
    struct pv_layout_in in = {&img, 0x2000, 0, false, false, false};

    ck_assert_int_eq(pv_layout_compute(&in, &lay, err, sizeof(err)), 0);
    region_is(&lay.kernel, 0, 0, 0x10a);
    region_is(&lay.p2m, 0x10a000, 0x10a, 0x10);
    ck_assert(!lay.p2m_relocated);
    ck_assert_uint_eq(lay.mfn_list, 0x10a000);
    region_is(&lay.start_info, 0x11a000, 0x11a, 1);
    region_is(&lay.xenstore, 0x11b000, 0x11b, 1);
    region_is(&lay.console, 0x11c000, 0x11c, 1);
    region_is(&lay.pgtables, 0x11d000, 0x11d, 5);
    ck_assert_uint_eq(lay.nr_pt[0], 2);
    region_is(&lay.stack, 0x122000, 0x122, 1);
    ck_assert_uint_eq(lay.stack_top, 0x123000);
    ck_assert_uint_eq(lay.v_end, 0x400000);
    ck_assert_uint_eq(lay.nr_pages_used, 0x400);
    ck_assert_uint_eq(lay.first_p2m_pfn, 0);
    ck_assert_uint_eq(lay.nr_p2m_frames, 0);
    ck_assert_uint_eq(lay.mod_start, 0);
    ck_assert_uint_eq(lay.mod_len, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* INIT_P2M                                                             */

struct p2m_case {
    const char *what;
    uint64_t virt_base, init_p2m;
    bool relocated;
    uint64_t l3, l2, l1;
};

static const struct p2m_case p2m_cases[] = {
    {"other L4 slot", LX_BASE, P2M_VA, true, 1, 1, 1},
    {"same slot, other GiB", LX_BASE, 0xffffffff00000000ull, true, 0, 1, 1},
    {"same GiB, other 2 MiB", LX_BASE + 4 * MiB, LX_BASE, true, 0, 0, 1},
    {"shares the first L1", LX_BASE + 5 * MiB, LX_BASE + 4 * MiB, true, 0, 0,
     0},
    {"not aligned: ignored", LX_BASE, P2M_VA + 8, false, 0, 0, 0},
    {"above VIRT_BASE: ignored", 0x400000, LX_BASE, false, 0, 0, 0},
    {"at 0 below VIRT_BASE", 0x40000000, 0, true, 0, 1, 1},
};

START_TEST(test_init_p2m_tables)
{
    const struct p2m_case *pc = &p2m_cases[_i];
    struct pv_image img =
        mkimg(pc->virt_base, pc->virt_base + 2 * MiB, pc->virt_base + 3 * MiB);
    struct pv_layout_in in = {&img, 0x20000, 0, false, false, true};

    with_init_p2m(&img, pc->init_p2m);
    ck_assert_msg(pv_layout_compute(&in, &lay, err, sizeof(err)) == 0, "%s: %s",
                  pc->what, err);
    ck_assert_msg(lay.p2m_relocated == pc->relocated, "%s", pc->what);
    ck_assert_uint_eq(lay.nr_p2m_pt[3], 0);
    ck_assert_uint_eq(lay.nr_p2m_pt[2], pc->l3);
    ck_assert_uint_eq(lay.nr_p2m_pt[1], pc->l2);
    ck_assert_uint_eq(lay.nr_p2m_pt[0], pc->l1);
    if (pc->relocated) {
        ck_assert_uint_eq(lay.p2m.va, pc->init_p2m);
        ck_assert_uint_eq(lay.p2m.pfn, lay.nr_mapped_pages);
        ck_assert_uint_eq(lay.nr_p2m_frames, 0x100 + pc->l3 + pc->l2 + pc->l1);
        ck_assert_uint_eq(lay.p2m_pt.pfn, lay.p2m.pfn + 0x100);
    } else {
        ck_assert_uint_eq(lay.p2m.va,
                          lay.kernel.va + (lay.kernel.nr_pages << 12));
        ck_assert_uint_eq(lay.nr_p2m_frames, 0);
    }
}
END_TEST

/* ------------------------------------------------------------------ */
/* Refusals, table-driven                                               */

struct bad_case {
    const char *what;
    uint64_t virt_base, kstart, kend;
    uint64_t nr_pages, initrd_len;
    int notes; /* 1 = MOD_START_PFN, 2 = INIT_P2M */
    uint64_t init_p2m;
    bool unmapped, init;
    int rc;
    const char *msg;
};

static const struct bad_case bad_cases[] = {
    {"too small", LX_BASE, LX_BASE + 16 * MiB, LX_BASE + 44 * MiB, 0x2fff, 0, 0,
     0, false, false, -XEN_ENOMEM,
     "domain too small: layout needs 0x3000 pages"},
    {"too small for initrd", LX_BASE, LX_BASE + 16 * MiB, LX_BASE + 44 * MiB,
     0x3000, 4096, 1, 0, true, false, -XEN_ENOMEM,
     "needs 0x3001 pages, domain has 0x3000"},
    {"exact fit", LX_BASE, LX_BASE + 16 * MiB, LX_BASE + 44 * MiB, 0x3001, 4096,
     1, 0, true, false, 0, ""},
    {"huge initrd", 0, 0x100000, 0x200000, 0x10000, UINT64_MAX, 1, 0, true,
     false, -XEN_ENOMEM, "initrd of 0xffffffffffffffff bytes too large"},
    {"huge mapped initrd", 0, 0x100000, 0x200000, 0x10000, 1ull << 50, 0, 0,
     false, false, -XEN_EINVAL,
     "initial mapping 0x0-0x4020202400000 is not canonical"},
    {"hole", 0xffff840000000000ull, 0xffff840000000000ull,
     0xffff840000100000ull, 0x10000, 0, 0, 0, false, false, -XEN_EINVAL,
     "initial mapping 0xffff840000000000-0xffff840000400000 overlaps the "
     "hypervisor hole"},
    {"hole end", 0xffff87ffffe00000ull, 0xffff87ffffe00000ull,
     0xffff87fffff00000ull, 0x10000, 0, 0, 0, false, false, -XEN_EINVAL,
     "overlaps the hypervisor hole"},
    {"just above hole", 0xffff880000000000ull, 0xffff880000000000ull,
     0xffff880000100000ull, 0x10000, 0, 0, 0, false, false, 0, ""},
    {"non-canonical", 0x00007fffffe00000ull, 0x00007fffffe00000ull,
     0x00007ffffff00000ull, 0x10000, 0, 0, 0, false, false, -XEN_EINVAL,
     "initial mapping 0x7fffffe00000-0x800000400000 is not canonical"},
    {"wraps", 0xfffffffffff00000ull, 0xfffffffffff00000ull,
     0xfffffffffff10000ull, 0x10000, 0, 0, 0, false, false, -XEN_EINVAL,
     "wraps the 64-bit address space"},
    {"wraps in kernel", 0xfffffffffff00000ull, 0xfffffffffff00000ull,
     0xffffffffffffffffull, 0x10000, 0, 0, 0, false, false, -XEN_EINVAL,
     "kernel: layout wraps"},
    {"top 4 MiB", 0xffffffffffc00000ull, 0xffffffffffc00000ull,
     0xffffffffffc10000ull, 0x10000, 0, 0, 0, false, false, -XEN_EINVAL,
     "wraps"},
    {"p2m in hole", LX_BASE, LX_BASE, LX_BASE + MiB, 0x10000, 0, 2,
     0xffff800000000000ull, false, true, -XEN_EINVAL,
     "INIT_P2M mapping 0xffff800000000000-0xffff800000080000 overlaps the "
     "hypervisor hole"},
    {"p2m non-canonical", LX_BASE, LX_BASE, LX_BASE + MiB, 0x10000, 0, 2,
     0x0000900000000000ull, false, true, -XEN_EINVAL, "INIT_P2M mapping"},
    {"p2m overlaps map", LX_BASE, LX_BASE, LX_BASE + MiB, 0x10000, 0, 2,
     LX_BASE - 0x1000, false, true, -XEN_EINVAL,
     "INIT_P2M 0xffffffff7ffff000: p2m of 0x80 pages overlaps the initial "
     "mapping"},
    {"p2m wraps", LX_BASE, LX_BASE, LX_BASE + MiB, 0x10000, 0, 2,
     0xfffffffffffff000ull, false, true, 0,
     ""}, /* >= VIRT_BASE: ignored, fine */
    {"no mod_start_pfn note", 0, 0x100000, 0x200000, 0x10000, 4096, 0, 0, true,
     false, -XEN_EINVAL, "unmapped initrd without a MOD_START_PFN note"},
    {"no init_p2m note", 0, 0x100000, 0x200000, 0x10000, 0, 0, 0, false, true,
     -XEN_EINVAL, "INIT_P2M placement without an INIT_P2M note"},
    {"no pages", 0, 0x100000, 0x200000, 0, 0, 0, 0, false, false, -XEN_EINVAL,
     "domain size 0x0 pages out of range"},
    {"absurd pages", 0, 0x100000, 0x200000, UINT64_MAX, 0, 0, 0, false, false,
     -XEN_EINVAL, "out of range"},
    {"unaligned base", 0x800, 0x100000, 0x200000, 0x10000, 0, 0, 0, false,
     false, -XEN_EINVAL, "no parsed image"},
};

START_TEST(test_refusals)
{
    const struct bad_case *bc = &bad_cases[_i];
    struct pv_image img = mkimg(bc->virt_base, bc->kstart, bc->kend);
    struct pv_layout_in in = {&img,  bc->nr_pages, bc->initrd_len,
                              false, bc->unmapped, bc->init};
    int rc;

    if (bc->notes & 1)
        with_mod_start_pfn(&img);
    if (bc->notes & 2)
        with_init_p2m(&img, bc->init_p2m);
    rc = pv_layout_compute(&in, &lay, err, sizeof(err));
    ck_assert_msg(rc == bc->rc, "%s: rc %d (%s)", bc->what, rc, err);
    ck_assert_msg(strstr(err, bc->msg), "%s: error '%s' lacks '%s'", bc->what,
                  err, bc->msg);
}
END_TEST

START_TEST(test_null_image)
{
    struct pv_layout_in in = {NULL, 0x1000, 0, false, false, false};

    ck_assert_int_eq(pv_layout_compute(&in, &lay, NULL, 0), -XEN_EINVAL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Invariants over many image sizes, against a brute-force reference    */

static uint64_t ref_tables(uint64_t s, uint64_t e)
{
    uint64_t n = 1;

    for (unsigned int sh = 21; sh <= 39; sh += 9) {
        uint64_t cnt = 0, last = 0;

        for (uint64_t va = s; va < e; va += 1ull << 21) {
            if (!cnt || (va >> sh) != last)
                cnt++;
            last = va >> sh;
        }
        if (((e - 1) >> sh) != last)
            cnt++;
        n += cnt;
    }
    return n;
}

static uint64_t ref_v_end(uint64_t stack_end)
{
    uint64_t e = (stack_end + (4 * MiB - 1)) & ~(4 * MiB - 1);

    return e - stack_end < 512 * 1024 ? e + 4 * MiB : e;
}

/*
 * Xen's dom0 search wants the smallest n whose tables fit in n frames;
 * tables(n) only grows with n, so n fits and n - 1 does not.
 */
static bool ref_nr_pt_ok(uint64_t v_start, uint64_t pt_va, uint64_t n)
{
    return ref_tables(v_start, ref_v_end(pt_va + (n + 1) * PG)) <= n &&
           ref_tables(v_start, ref_v_end(pt_va + n * PG)) > n - 1;
}

static void check_invariants(const struct pv_layout_in *in,
                             const struct pv_layout *l)
{
    const struct pv_region *order[] = {
        &l->kernel,   &l->initrd,  &l->p2m,      &l->start_info,
        &l->xenstore, &l->console, &l->pgtables, &l->stack};
    uint64_t va = l->v_start, sum = 0;

    for (unsigned int i = 0; i < ARRAY_SIZE(order); i++) {
        const struct pv_region *r = order[i];

        if (!r->nr_pages || (r->va == 0 && r != &l->kernel))
            continue; /* absent or unmapped */
        ck_assert_uint_eq(r->va, va);
        ck_assert_uint_eq(r->pfn, (va - l->v_start) >> 12);
        va += r->nr_pages * PG;
    }
    ck_assert_uint_eq(va, l->stack.va + PG);
    ck_assert_uint_eq(l->v_end % (4 * MiB), 0);
    ck_assert_uint_ge(l->v_end - va, 512 * 1024);
    ck_assert_uint_lt(l->v_end - 4 * MiB, va + 512 * 1024); /* no spare 4 MiB */
    for (unsigned int i = 0; i < PV_PT_LEVELS; i++)
        sum += l->nr_pt[i];
    ck_assert_uint_eq(sum, l->nr_pt_frames);
    ck_assert_uint_eq(sum, ref_tables(l->v_start, l->v_end));
    ck_assert(ref_nr_pt_ok(l->v_start, l->pgtables.va, l->nr_pt_frames));
    ck_assert_uint_eq(l->pt_pfn[0] + l->nr_pt[0],
                      l->pgtables.pfn + l->nr_pt_frames);
    ck_assert_uint_eq(l->nr_mapped_pages, (l->v_end - l->v_start) >> 12);
    ck_assert_uint_le(l->nr_pages_used, in->nr_pages);
    ck_assert_uint_eq(l->p2m.nr_pages, (in->nr_pages * 8 + PG - 1) / PG);
}

START_TEST(test_sweep_low)
{
    uint64_t nr_pages = 0x400 << (_i % 4);
    bool dom0 = _i & 4;
    unsigned int ok = 0;

    for (uint64_t kend = 0x100800; kend < 0x1400000; kend += 0x2800) {
        struct pv_image img = mkimg(0, 0x100000, kend);
        struct pv_layout_in in = {&img, nr_pages, 0, dom0, false, false};
        int rc = pv_layout_compute(&in, &lay, err, sizeof(err));

        if (rc == -XEN_ENOMEM)
            continue;
        ck_assert_msg(rc == 0, "kend 0x%llx: %s", (unsigned long long)kend,
                      err);
        check_invariants(&in, &lay);
        ok++;
    }
    ck_assert_uint_gt(ok, 50u << (_i % 4));
}
END_TEST

START_TEST(test_sweep_linux)
{
    unsigned int ok = 0;

    /* 16 MiB .. 4 GiB domains, kernel up to ~1 GiB, mapped p2m and initrd. */
    for (uint64_t nr_pages = 0x4000; nr_pages <= 0x100000; nr_pages *= 2)
        for (uint64_t ksize = 0x1000; ksize < (1ull << 30);
             ksize = ksize * 3 + 0x1000) {
            struct pv_image img =
                mkimg(LX_BASE, LX_BASE + 16 * MiB, LX_BASE + 16 * MiB + ksize);
            struct pv_layout_in in = {&img, nr_pages, ksize / 3,
                                      _i,   false,    false};
            int rc = pv_layout_compute(&in, &lay, err, sizeof(err));

            if (rc == -XEN_ENOMEM)
                continue;
            ck_assert_msg(rc == 0, "ksize 0x%llx: %s",
                          (unsigned long long)ksize, err);
            check_invariants(&in, &lay);
            ok++;
        }
    ck_assert_uint_gt(ok, 60);
}
END_TEST

#define TC(name, fn) suite_add(s, name, fn, 0, NULL, NULL)
#define TCL(name, fn, n) suite_add(s, name, fn, n, NULL, NULL)

static Suite *layout_suite(void)
{
    Suite *s = suite_create("pv_layout");

    TC("example_a_domu", test_example_a_domu);
    TC("example_a_dom0", test_example_a_dom0);
    TC("example_a_mapped_initrd", test_example_a_mapped_initrd);
    TC("example_b_xtf", test_example_b_xtf);
    TCL("init_p2m_tables", test_init_p2m_tables, ARRAY_SIZE(p2m_cases));
    TCL("refusals", test_refusals, ARRAY_SIZE(bad_cases));
    TC("null_image", test_null_image);
    TCL("sweep_low", test_sweep_low, 8);
    TCL("sweep_linux", test_sweep_linux, 2);
    return s;
}

int main(void)
{
    return suite_run(layout_suite());
}
