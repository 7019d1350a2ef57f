/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest tests: the boot contract (start_info, entry registers, shared_info, hypercall page). */
#include "tests.h"
#include "arch.h"
#include "hypercall.h"

static enum test_result t_si_magic(void)
{
    CHECK(!strcmp(pvg_si->magic, "xen-3.0-x86_64"));
    return T_PASS;
}

static enum test_result t_si_flags_dom0(void)
{
    CHECK_EQ(pvg_si->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN),
             SIF_PRIVILEGED | SIF_INITDOMAIN);
    CHECK_EQ(pvg_si->flags & SIF_MOD_START_PFN, 0);
    return T_PASS;
}

static enum test_result t_si_nr_pages(void)
{
    uint64_t image_pages = ((uint64_t)_image_end - PVG_VIRT_BASE) >> PAGE_SHIFT;

    CHECK(pvg_si->nr_pages > image_pages);
    CHECK(pvg_si->nr_pages < (1UL << 32));
    return T_PASS;
}

static enum test_result t_si_shared_info(void)
{
    CHECK(pvg_si->shared_info != 0);
    CHECK_EQ(pvg_si->shared_info & ~PAGE_MASK, 0);
    return T_PASS;
}

/* Page tables follow the image, p2m and start_info, inside the 1:1 region. */
static enum test_result t_si_pt_base(void)
{
    uint64_t pt = pvg_si->pt_base;

    CHECK_EQ(pt & ~PAGE_MASK, 0);
    CHECK(pt >= (uint64_t)_image_end);
    CHECK(pt > (uint64_t)pvg_si);
    CHECK(pvg_si->nr_pt_frames >= 4);
    CHECK(pvg_si->nr_pt_frames < 64);
    CHECK_EQ(read_cr3(), (uint64_t)virt_to_mfn((void *)pt) << PAGE_SHIFT);
    return T_PASS;
}

/* The page tables are mapped, read-only. */
static enum test_result t_si_pt_readonly(void)
{
    uint64_t *l1e = pte_lookup((void *)pvg_si->pt_base);

    CHECK(l1e != NULL);
    CHECK(*l1e & _PAGE_PRESENT);
    CHECK_EQ(*l1e & _PAGE_RW, 0);
    l1e = pte_lookup(pvg_si);
    CHECK(l1e && (*l1e & _PAGE_RW));
    return T_PASS;
}

/* mfn_list: readable, every entry a plausible, distinct-looking MFN. */
static enum test_result t_si_mfn_list(void)
{
    const unsigned long *p2m = (const unsigned long *)pvg_si->mfn_list;
    unsigned long i;

    CHECK_EQ(pvg_si->mfn_list & 7, 0);
    CHECK(pvg_si->mfn_list > (uint64_t)_image_end - 1);
    for (i = 0; i < pvg_si->nr_pages; i++) {
        if (p2m[i] == 0 || p2m[i] >= (1UL << 40))
            return t_fail("mfn_list[%lu] = %#lx", i, p2m[i]);
        if (i && p2m[i] == p2m[i - 1])
            return t_fail("mfn_list[%lu] repeats %#lx", i, p2m[i]);
    }
    return T_PASS;
}

/* The role we run as, first on the line start_info hands over. */
static enum test_result t_si_cmdline(void)
{
    const char *cl = (const char *)pvg_si->cmd_line;

    while (*cl == ' ')
        cl++;
    CHECK(!strncmp(cl, "xentest", 7) && (cl[7] == '\0' || cl[7] == ' '));
    return T_PASS;
}

static enum test_result t_si_no_module(void)
{
    CHECK_EQ(pvg_si->mod_start, 0);
    CHECK_EQ(pvg_si->mod_len, 0);
    return T_PASS;
}

static enum test_result t_upcall_masks(void)
{
    unsigned int i;

    for (i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        if (pvg_boot_upcall_mask[i] != 1)
            return t_fail("vcpu_info[%u].evtchn_upcall_mask = %u at entry",
                          i, pvg_boot_upcall_mask[i]);
    return T_PASS;
}

static enum test_result t_entry_rsi_rsp(void)
{
    CHECK_EQ(pvg_boot_regs.rsi, (uint64_t)pvg_si);
    CHECK_EQ(pvg_boot_regs.rsp & ~PAGE_MASK, 0);
    CHECK(pvg_boot_regs.rsp > pvg_si->pt_base);
    return T_PASS;
}

static enum test_result t_entry_selectors(void)
{
    CHECK_EQ(pvg_boot_regs.cs, FLAT_KERNEL_CS);
    CHECK_EQ(pvg_boot_regs.ss, FLAT_KERNEL_SS);
    CHECK_EQ(pvg_boot_regs.ds, 0);
    CHECK_EQ(pvg_boot_regs.es, 0);
    CHECK_EQ(pvg_boot_regs.fs, 0);
    CHECK_EQ(pvg_boot_regs.gs, 0);
    CHECK_EQ(read_cs(), FLAT_KERNEL_CS);
    CHECK_EQ(read_ss(), FLAT_KERNEL_SS);
    return T_PASS;
}

static enum test_result t_entry_gprs_zero(void)
{
    const struct boot_regs *r = &pvg_boot_regs;

    CHECK_EQ(r->rax, 0);
    CHECK_EQ(r->rbx, 0);
    CHECK_EQ(r->rcx, 0);
    CHECK_EQ(r->r11, 0);
    CHECK_EQ(r->rdx, 0);
    CHECK_EQ(r->rdi, 0);
    CHECK_EQ(r->rbp, 0);
    CHECK_EQ(r->r8, 0);
    CHECK_EQ(r->r9, 0);
    CHECK_EQ(r->r10, 0);
    CHECK_EQ(r->r12, 0);
    CHECK_EQ(r->r13, 0);
    CHECK_EQ(r->r14, 0);
    CHECK_EQ(r->r15, 0);
    return T_PASS;
}

static enum test_result t_entry_rflags(void)
{
    CHECK(pvg_boot_regs.rflags & X86_EFLAGS_IF);
    CHECK_EQ(pvg_boot_regs.rflags & (3UL << 12), 0);    /* IOPL 0 */
    return T_PASS;
}

/* Slot i: push %rcx; push %r11; mov $i,%eax; syscall; pop %r11; pop %rcx; ret */
static enum test_result t_hypercall_page(void)
{
    static const uint8_t head[] = { 0x51, 0x41, 0x53, 0xb8 };
    static const uint8_t tail[] = { 0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3 };
    static const uint8_t iret[] = { 0x51, 0x41, 0x53, 0x50, 0xb8, 0x17, 0,
                                    0, 0, 0x0f, 0x05 };
    unsigned int i;

    for (i = 0; i < 128; i++) {
        const uint8_t *s = (const uint8_t *)hypercall_page + 32 * i;
        uint32_t nr;

        if (i == __HYPERVISOR_iret)
            continue;
        memcpy(&nr, s + 4, 4);
        if (memcmp(s, head, 4) || nr != i || memcmp(s + 8, tail, 6))
            return t_fail("slot %u does not hold the syscall stub", i);
    }
    CHECK(!memcmp(hypercall_page + 32 * __HYPERVISOR_iret, iret, sizeof(iret)));
    return T_PASS;
}

const struct pvg_test tests_boot[] = {
    { "start_info.magic", t_si_magic },
    { "start_info.flags_dom0", t_si_flags_dom0 },
    { "start_info.nr_pages", t_si_nr_pages },
    { "start_info.shared_info_maddr", t_si_shared_info },
    { "start_info.pt_base", t_si_pt_base },
    { "start_info.pt_readonly", t_si_pt_readonly },
    { "start_info.mfn_list", t_si_mfn_list },
    { "start_info.cmd_line", t_si_cmdline },
    { "start_info.no_module", t_si_no_module },
    { "shared_info.upcall_masks_at_entry", t_upcall_masks },
    { "entry.rsi_rsp", t_entry_rsi_rsp },
    { "entry.selectors", t_entry_selectors },
    { "entry.gprs_zero", t_entry_gprs_zero },
    { "entry.rflags", t_entry_rflags },
    { "hypercall_page.contents", t_hypercall_page },
    { NULL, NULL },
};
