/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest tests: grant tables v1 on our own grants (setup, map/unmap into our page tables, copy). */
#include "tests.h"
#include "arch.h"
#include "hypercall.h"

#define TEST_GREF   8           /* first entry not reserved for the toolstack */

static uint8_t gnt_table_va[PAGE_SIZE] __page_aligned_bss;
static uint8_t granted[PAGE_SIZE] __page_aligned_bss;
static uint8_t map_here[PAGE_SIZE] __page_aligned_bss;
static uint8_t copy_dest[PAGE_SIZE] __page_aligned_bss;
static grant_entry_v1_t *gnt;

static enum test_result t_gnttab_setup(void)
{
    struct gnttab_query_size qs = { .dom = DOMID_SELF };
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
    struct gnttab_set_version sv = { .version = 1 };
    static xen_pfn_t frame;

    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &qs, 1), 0);
    CHECK_EQ(qs.status, GNTST_okay);
    CHECK(qs.nr_frames >= 1 && qs.max_nr_frames >= qs.nr_frames);
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), 0);
    CHECK_EQ(sv.version, 1);
    set_xen_guest_handle(st.frame_list, &frame);
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0);
    CHECK_EQ(st.status, GNTST_okay);
    CHECK(frame != 0);
    CHECK_EQ(mm_set_pte(gnt_table_va, ((uint64_t)frame << PAGE_SHIFT) |
                        _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY), 0);
    gnt = (grant_entry_v1_t *)gnt_table_va;
    CHECK_EQ(HYPERVISOR_grant_table_op(99, &qs, 1), -XEN_ENOSYS);
    return T_PASS;
}

static void grant_page(grant_ref_t ref, const void *page, int readonly)
{
    gnt[ref].domid = 0;         /* dom0 grants to itself */
    gnt[ref].frame = (uint32_t)virt_to_mfn(page);
    barrier();
    gnt[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
}

static long invlpg_local(const void *va)
{
    struct mmuext_op op = { .cmd = MMUEXT_INVLPG_LOCAL };

    op.arg1.linear_addr = (unsigned long)va;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/*
 * Map our own grant over map_here's PTE.  Xen does not flush the old
 * translation of host_addr: that is the guest's job (it shows on CPUs
 * without XPTI).
 */
static enum test_result t_gnttab_map_self(void)
{
    struct gnttab_map_grant_ref map = {
        .host_addr = (uint64_t)map_here,
        .flags = GNTMAP_host_map,
        .ref = TEST_GREF,
        .dom = 0,               /* our own domid: DOMID_SELF is refused */
    };
    struct gnttab_unmap_grant_ref unmap = { .host_addr = (uint64_t)map_here };
    uint64_t old = *pte_lookup(map_here), pte_after;
    uint16_t flags_mapped, flags_unmapped;
    uint8_t seen;

    if (!gnt)
        return t_skip("grant table not set up");
    granted[0] = 0x77;
    map_here[0] = 0x11;
    grant_page(TEST_GREF, granted, 0);
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &map, 1), 0);
    CHECK_EQ(map.status, GNTST_okay);
    invlpg_local(map_here);
    seen = *(volatile uint8_t *)map_here;
    flags_mapped = gnt[TEST_GREF].flags;
    unmap.handle = map.handle;
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &unmap, 1), 0);
    flags_unmapped = gnt[TEST_GREF].flags;
    pte_after = *pte_lookup(map_here);
    gnt[TEST_GREF].flags = 0;
    CHECK_EQ(mm_set_pte(map_here, old), 0);
    CHECK_EQ(unmap.status, GNTST_okay);
    CHECK_EQ(seen, 0x77);
    CHECK_EQ(flags_mapped & (GTF_reading | GTF_writing), GTF_reading | GTF_writing);
    CHECK_EQ(flags_unmapped & (GTF_reading | GTF_writing), 0);
    CHECK_EQ(pte_after & _PAGE_PRESENT, 0);
    CHECK_EQ(map_here[0], 0x11);
    return T_PASS;
}

static enum test_result t_gnttab_map_errors(void)
{
    struct gnttab_map_grant_ref map = {
        .host_addr = (uint64_t)map_here,
        .flags = GNTMAP_host_map,
        .ref = TEST_GREF,
        .dom = DOMID_SELF,
    };

    if (!gnt)
        return t_skip("grant table not set up");
    grant_page(TEST_GREF, granted, 0);
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &map, 1), 0);
    CHECK_EQ(map.status, GNTST_bad_domain);     /* DOMID_SELF */
    map.dom = 0;
    gnt[TEST_GREF].flags = 0;                   /* not granted */
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &map, 1), 0);
    CHECK_EQ(map.status, GNTST_general_error);
    map.ref = 100000;
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &map, 1), 0);
    CHECK_EQ(map.status, GNTST_bad_gntref);
    grant_page(TEST_GREF, granted, 1);          /* read-only grant, RW map */
    map.ref = TEST_GREF;
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &map, 1), 0);
    gnt[TEST_GREF].flags = 0;
    CHECK_EQ(map.status, GNTST_general_error);
    return T_PASS;
}

static enum test_result t_gnttab_copy(void)
{
    struct gnttab_copy cp = { 0 };
    unsigned int i;

    if (!gnt)
        return t_skip("grant table not set up");
    for (i = 0; i < 64; i++) {
        granted[100 + i] = (uint8_t)(i * 3);
        copy_dest[i] = 0;
    }
    grant_page(TEST_GREF, granted, 1);
    cp.source.u.ref = TEST_GREF;
    cp.source.domid = DOMID_SELF;
    cp.source.offset = 100;
    cp.dest.u.gmfn = virt_to_mfn(copy_dest);
    cp.dest.domid = DOMID_SELF;
    cp.len = 64;
    cp.flags = GNTCOPY_source_gref;
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, &cp, 1), 0);
    CHECK_EQ(cp.status, GNTST_okay);
    CHECK(!memcmp(copy_dest, granted + 100, 64));
    cp.source.offset = PAGE_SIZE - 8;           /* crosses the page end */
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, &cp, 1), 0);
    gnt[TEST_GREF].flags = 0;
    CHECK_EQ(cp.status, GNTST_bad_copy_arg);
    return T_PASS;
}

/*
 * 600 copies in one call (4 bytes each out of one grant): Xen and Xenia
 * both go past 512 in continuations; every op has its status and data.
 */
#define MANY_COPIES 600
static struct gnttab_copy many_cp[MANY_COPIES];

static enum test_result t_gnttab_copy_many(void)
{
    unsigned int i;

    if (!gnt)
        return t_skip("grant table not set up");
    for (i = 0; i < MANY_COPIES * 4; i++) {
        granted[i] = (uint8_t)(i * 7 + 1);
        copy_dest[i] = 0;
    }
    grant_page(TEST_GREF, granted, 1);
    for (i = 0; i < MANY_COPIES; i++) {
        struct gnttab_copy *cp = &many_cp[i];

        memset(cp, 0, sizeof(*cp));
        cp->source.u.ref = TEST_GREF;
        cp->source.domid = DOMID_SELF;
        cp->source.offset = (uint16_t)(4 * i);
        cp->dest.u.gmfn = virt_to_mfn(copy_dest);
        cp->dest.domid = DOMID_SELF;
        cp->dest.offset = (uint16_t)(4 * i);
        cp->len = 4;
        cp->flags = GNTCOPY_source_gref;
        cp->status = 99;
    }
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, many_cp, MANY_COPIES), 0);
    gnt[TEST_GREF].flags = 0;
    for (i = 0; i < MANY_COPIES; i++)
        CHECK_EQ(many_cp[i].status, GNTST_okay);
    CHECK(!memcmp(copy_dest, granted, MANY_COPIES * 4));
    /* A negative count (as an int) is refused. */
    CHECK_EQ(HYPERVISOR_grant_table_op(GNTTABOP_copy, many_cp, 0x80000000u),
             -XEN_EINVAL);
    return T_PASS;
}

const struct pvg_test tests_gnttab[] = {
    { "grant_table.setup", t_gnttab_setup },
    { "grant_table.map_own_grant", t_gnttab_map_self },
    { "grant_table.map_errors", t_gnttab_map_errors },
    { "grant_table.copy", t_gnttab_copy },
    { "grant_table.copy_many", t_gnttab_copy_many },
    { NULL, NULL },
};
