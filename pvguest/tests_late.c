/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest tests run last: they move vcpu_info for good (register_vcpu_info) and take an upcall. */
#include "tests.h"
#include "arch.h"
#include "hypercall.h"

#define VCPU_INFO_OFFSET 0x40

static uint8_t vcpu_info_page[PAGE_SIZE] __page_aligned_bss;
static uint8_t late_guard[PAGE_SIZE] __page_aligned_bss;

static void u_nothing(void)
{
    usys(USYS_EXIT, 0, 0);
}

static enum test_result t_register_vcpu_info(void)
{
    struct vcpu_info *old = &pvg_shared->vcpu_info[0];
    struct vcpu_info *new = (struct vcpu_info *)(vcpu_info_page + VCPU_INFO_OFFSET);
    struct vcpu_register_vcpu_info info = {
        .mfn = virt_to_mfn(vcpu_info_page),
        .offset = VCPU_INFO_OFFSET,
    };

    memset(vcpu_info_page, 0, PAGE_SIZE);
    info.offset = PAGE_SIZE - 32;               /* crosses the page end */
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &info), -XEN_ENXIO);
    info.offset = VCPU_INFO_OFFSET;
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 1, &info), -XEN_ENOENT);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &info), 0);
    pvg_vcpu0 = new;
    /* Old contents copied, then everything flagged pending for a rescan. */
    CHECK_EQ(new->evtchn_upcall_mask, 1);
    CHECK_EQ(new->evtchn_upcall_pending, 1);
    CHECK_EQ(new->evtchn_pending_sel, ~0UL);
    CHECK(new->time.tsc_to_system_mul != 0);
    CHECK_EQ(new->time.tsc_to_system_mul, old->time.tsc_to_system_mul);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, &info), -XEN_EINVAL);
    return T_PASS;
}

static enum test_result t_vcpu_info_cr2(void)
{
    uint64_t v = 0;

    if (pvg_vcpu0 == &pvg_shared->vcpu_info[0])
        return t_skip("vcpu_info was not moved");
    CHECK_EQ(mm_set_pte(late_guard, 0), 0);
    trap_reset();
    asm volatile("1: mov (%1), %0\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "+r"(v) : "r"(late_guard + 48) : "memory");
    CHECK_TRAP(X86_EXC_PF, 0);
    CHECK_EQ(pvg_vcpu0->arch.cr2, (uint64_t)late_guard + 48);
    return T_PASS;
}

/*
 * upcall_pending is set (by the move) and the mask is 1.  Going to user
 * mode with IF set in the iret frame clears the mask, and Xen must deliver
 * the upcall on that exit.
 */
static enum test_result t_upcall_on_unmask(void)
{
    unsigned long seen = pvg_events_seen;

    if (!pvg_vcpu0->evtchn_upcall_pending)
        return t_skip("no upcall pending");
    CHECK_EQ(user_run(u_nothing), 0);
    CHECK_EQ(pvg_events_seen, seen + 1);
    CHECK_EQ(pvg_last_event_cs & 0xffff, FLAT_USER_CS);     /* from user */
    CHECK_EQ((pvg_last_event_cs >> 32) & 0xff, 0);
    CHECK_EQ(pvg_vcpu0->evtchn_upcall_pending, 0);
    CHECK_EQ(pvg_vcpu0->evtchn_upcall_mask, 1);     /* syscall callback masks */
    return T_PASS;
}

const struct pvg_test tests_late[] = {
    { "vcpu_op.register_vcpu_info", t_register_vcpu_info },
    { "vcpu_info.cr2_after_move", t_vcpu_info_cr2 },
    { "event.upcall_on_unmask", t_upcall_on_unmask },
    { NULL, NULL },
};
