/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest tests: privileged instructions Xen emulates (MSRs, CRs, DRs, I/O, cli/sti, hlt, FEP cpuid). */
#include "tests.h"
#include "arch.h"
#include "hypercall.h"

#define XEN_MSR_PAT 0x0000050100070406UL
#define COM1_LSR    0x3fd

static uint64_t probe_rdmsr(uint32_t msr)
{
    uint32_t lo = 0, hi = 0;

    asm volatile("1: rdmsr\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static void probe_wrmsr(uint32_t msr, uint64_t v)
{
    asm volatile("1: wrmsr\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
                 : "memory");
}

static uint8_t probe_inb(uint16_t port)
{
    uint8_t v = 0x5a;

    asm volatile("1: inb %w1, %b0\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "+a"(v) : "d"(port) : "memory");
    return v;
}

static uint16_t probe_inw(uint16_t port)
{
    uint16_t v = 0x5a5a;

    asm volatile("1: inw %w1, %w0\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "+a"(v) : "d"(port) : "memory");
    return v;
}

static uint32_t probe_inl(uint16_t port)
{
    uint32_t v = 0x5a5a5a5a;

    asm volatile("1: inl %w1, %0\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "+a"(v) : "d"(port) : "memory");
    return v;
}

static void probe_outb(uint16_t port, uint8_t v)
{
    asm volatile("1: outb %b0, %w1\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "a"(v), "d"(port) : "memory");
}

static long set_iopl(unsigned int iopl)
{
    struct physdev_set_iopl arg = { .iopl = iopl };

    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &arg);
}

static enum test_result t_msr_pat(void)
{
    trap_reset();
    CHECK_EQ(probe_rdmsr(MSR_IA32_CR_PAT), XEN_MSR_PAT);
    CHECK_NO_TRAP();
    return T_PASS;
}

static enum test_result t_msr_unknown(void)
{
    trap_reset();
    probe_rdmsr(0xdeadbeef);
    CHECK_TRAP(X86_EXC_GP, 0);
    trap_reset();
    probe_wrmsr(0xdeadbeef, 0);
    CHECK_TRAP(X86_EXC_GP, 0);
    return T_PASS;
}

/*
 * Virtual machine check (Xen's vMCE): the guest sees banks that never
 * report anything, and may clear them.  Linux reads these at boot and
 * panics if one faults.
 */
static enum test_result t_msr_vmce(void)
{
    uint64_t cap, status, bank0, ctl0;

    trap_reset();
    cap = probe_rdmsr(0x179);           /* MCG_CAP */
    status = probe_rdmsr(0x17a);        /* MCG_STATUS */
    bank0 = probe_rdmsr(0x401);         /* MC0_STATUS */
    ctl0 = probe_rdmsr(0x400);          /* MC0_CTL: all ones, fixed */
    probe_wrmsr(0x17a, 0);
    probe_wrmsr(0x401, 0);
    probe_wrmsr(0x400, 0);              /* taken, without effect */
    probe_wrmsr(0x179, 0);              /* read-only: ignored, no #GP */
    CHECK_NO_TRAP();
    CHECK((cap & 0xff) >= 1);
    CHECK_EQ(probe_rdmsr(0x179), cap);
    CHECK_EQ(status, 0);
    CHECK_EQ(bank0, 0);
    CHECK_EQ(ctl0, ~0UL);
    CHECK_EQ(probe_rdmsr(0x400), ~0UL);
    return T_PASS;
}

static uint64_t msr_var = 0x0123456789abcdefUL;

static enum test_result t_msr_fs_base(void)
{
    wrmsr(MSR_FS_BASE, (uint64_t)&msr_var);
    CHECK_EQ(rdmsr(MSR_FS_BASE), (uint64_t)&msr_var);
    CHECK_EQ(read_fs_qword0(), msr_var);
    wrmsr(MSR_FS_BASE, 0);
    CHECK_EQ(rdmsr(MSR_FS_BASE), 0);
    trap_reset();
    probe_wrmsr(MSR_FS_BASE, 0x0000800000000000UL);   /* non-canonical */
    CHECK_TRAP(X86_EXC_GP, 0);
    return T_PASS;
}

static enum test_result t_msr_gs_bases(void)
{
    wrmsr(MSR_GS_BASE, (uint64_t)&msr_var);
    CHECK_EQ(rdmsr(MSR_GS_BASE), (uint64_t)&msr_var);
    CHECK_EQ(read_gs_qword0(), msr_var);
    wrmsr(MSR_SHADOW_GS_BASE, 0x1000);
    CHECK_EQ(rdmsr(MSR_SHADOW_GS_BASE), 0x1000);
    CHECK_EQ(rdmsr(MSR_GS_BASE), (uint64_t)&msr_var);
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_SHADOW_GS_BASE, 0);
    CHECK_EQ(rdmsr(MSR_SHADOW_GS_BASE), 0);
    return T_PASS;
}

static enum test_result t_msr_before_trap_table(void)
{
    CHECK(pvg_early_gs_base != 0);
    CHECK(pvg_early_gs_base >= (uint64_t)_image_start);
    CHECK(pvg_early_gs_base < (uint64_t)_image_end);
    return T_PASS;
}

static enum test_result t_msr_efer(void)
{
    uint64_t efer = rdmsr(MSR_EFER);

    CHECK_EQ(efer & ((1 << 0) | (1 << 8) | (1 << 10)), (1 << 0) | (1 << 8) | (1 << 10));
    trap_reset();
    probe_wrmsr(MSR_EFER, efer);            /* unchanged: accepted */
    CHECK_NO_TRAP();
    return T_PASS;
}

static enum test_result t_cr_reads(void)
{
    uint64_t cr0 = read_cr0();

    CHECK_EQ(cr0 & (X86_CR0_PE | X86_CR0_PG), X86_CR0_PE | X86_CR0_PG);
    CHECK_EQ(read_cr3(), (uint64_t)virt_to_mfn((void *)pvg_si->pt_base) << PAGE_SHIFT);
    CHECK(read_cr4() & X86_CR4_PAE);
    return T_PASS;
}

static enum test_result t_cr0_ts(void)
{
    uint64_t cr0 = read_cr0();

    write_cr0(cr0 | X86_CR0_TS);
    CHECK(read_cr0() & X86_CR0_TS);
    clts();
    CHECK_EQ(read_cr0() & X86_CR0_TS, 0);
    write_cr0(cr0 | X86_CR0_TS);
    write_cr0(cr0 & ~X86_CR0_TS);
    CHECK_EQ(read_cr0() & X86_CR0_TS, 0);
    return T_PASS;
}

static enum test_result t_debug_regs(void)
{
    uint64_t dr6, dr7;

    asm volatile("mov %%dr6, %0" : "=r"(dr6));
    asm volatile("mov %%dr7, %0" : "=r"(dr7));
    CHECK_EQ(dr6, 0xffff0ff0);
    CHECK_EQ(dr7, 0x400);
    return T_PASS;
}

static enum test_result t_io_iopl1(void)
{
    CHECK_EQ(set_iopl(1), 0);
    trap_reset();
    CHECK_EQ(probe_inb(COM1_LSR), 0xff);            /* Xen's own UART */
    CHECK_EQ(probe_inw(0x3fc), 0xffff);
    CHECK_EQ(probe_inl(0x3f8), 0xffffffff);
    probe_outb(0x3ff, 0x5a);                        /* dropped, no fault */
    CHECK_EQ(probe_inb(0x3ff), 0xff);
    CHECK_NO_TRAP();
    CHECK_EQ(set_iopl(0), 0);
    return T_PASS;
}

static enum test_result t_io_no_iopl(void)
{
    CHECK_EQ(set_iopl(0), 0);
    trap_reset();
    probe_inb(COM1_LSR);
    CHECK_TRAP(X86_EXC_GP, 0);
    trap_reset();
    probe_outb(0x3ff, 0);
    CHECK_TRAP(X86_EXC_GP, 0);
    return T_PASS;
}

/*
 * Xen treats cli/sti as no-ops when the virtual IOPL allows them: the event
 * mask is not touched.  (The mask is put back afterwards so that a
 * hypervisor mapping sti onto it cannot disturb later tests.)
 */
static enum test_result t_cli_sti_iopl1(void)
{
    uint8_t mask = pvg_vcpu0->evtchn_upcall_mask, after_cli, after_sti;

    CHECK_EQ(set_iopl(1), 0);
    trap_reset();
    asm volatile("1: cli\n\t2:\n\t" EXTABLE(1b, 2b) ::: "memory");
    after_cli = pvg_vcpu0->evtchn_upcall_mask;
    asm volatile("1: sti\n\t2:\n\t" EXTABLE(1b, 2b) ::: "memory");
    after_sti = pvg_vcpu0->evtchn_upcall_mask;
    pvg_vcpu0->evtchn_upcall_mask = mask;
    CHECK_EQ(set_iopl(0), 0);
    CHECK_NO_TRAP();
    CHECK_EQ(after_cli, mask);
    CHECK_EQ(after_sti, mask);
    CHECK(read_rflags() & X86_EFLAGS_IF);
    return T_PASS;
}

static enum test_result t_cli_no_iopl(void)
{
    trap_reset();
    asm volatile("1: cli\n\t2:\n\t" EXTABLE(1b, 2b) ::: "memory");
    CHECK_TRAP(X86_EXC_GP, 0);
    trap_reset();
    asm volatile("1: sti\n\t2:\n\t" EXTABLE(1b, 2b) ::: "memory");
    CHECK_TRAP(X86_EXC_GP, 0);
    return T_PASS;
}

static enum test_result t_hlt(void)
{
    trap_reset();
    asm volatile("1: hlt\n\t2:\n\t" EXTABLE(1b, 2b) ::: "memory");
    CHECK_TRAP(X86_EXC_GP, 0);
    return T_PASS;
}

/* invlpg is not among the instructions Xen emulates for PV guests. */
static enum test_result t_invlpg_gp(void)
{
    trap_reset();
    asm volatile("1: invlpg (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(pvg_si) : "memory");
    CHECK_TRAP(X86_EXC_GP, 0);
    return T_PASS;
}

static enum test_result t_cpuid_xen_leaves(void)
{
    struct cpuid_res r;

    pv_cpuid(0x40000000, 0, &r);
    CHECK_EQ(r.b, 0x566e6558);      /* "XenV" */
    CHECK_EQ(r.c, 0x65584d4d);      /* "MMXe" */
    CHECK_EQ(r.d, 0x4d4d566e);      /* "nVMM" */
    CHECK(r.a >= 0x40000002 && r.a < 0x40000100);
    pv_cpuid(0x40000001, 0, &r);
    CHECK_EQ(r.a, (4 << 16) | 17);
    pv_cpuid(0x40000002, 0, &r);
    CHECK_EQ(r.a, 1);               /* hypercall pages */
    CHECK_EQ(r.b, 0x40000000);      /* hypercall MSR */
    return T_PASS;
}

static enum test_result t_cpuid_leaf1(void)
{
    struct cpuid_res r;

    pv_cpuid(1, 0, &r);
    CHECK(r.c & (1U << 31));        /* hypervisor */
    CHECK(!(r.c & (1U << 5)));      /* VMX hidden */
    CHECK(!(r.c & (1U << 3)));      /* MONITOR hidden */
    CHECK(!(r.c & (1U << 21)));     /* x2APIC hidden */
    CHECK(r.d & (1U << 0));         /* FPU */
    return T_PASS;
}

/* The prefix followed by anything but cpuid is a plain #UD at the prefix. */
static enum test_result t_fep_not_cpuid(void)
{
    uint64_t at;

    trap_reset();
    asm volatile("lea 1f(%%rip), %0\n\t"
                 "1: " XEN_FEP "nop\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "=r"(at) :: "memory");
    CHECK_TRAP(X86_EXC_UD, 0);
    CHECK_EQ(last_trap.rip, at);
    return T_PASS;
}

const struct pvg_test tests_emul[] = {
    { "emul.rdmsr_pat", t_msr_pat },
    { "emul.msr_unknown_gp", t_msr_unknown },
    { "emul.msr_vmce", t_msr_vmce },
    { "emul.msr_fs_base", t_msr_fs_base },
    { "emul.msr_gs_bases", t_msr_gs_bases },
    { "emul.msr_gs_base_before_trap_table", t_msr_before_trap_table },
    { "emul.msr_efer", t_msr_efer },
    { "emul.cr_reads", t_cr_reads },
    { "emul.cr0_ts", t_cr0_ts },
    { "emul.debug_regs", t_debug_regs },
    { "emul.io_iopl1_denied_ports", t_io_iopl1 },
    { "emul.io_without_iopl_gp", t_io_no_iopl },
    { "emul.cli_sti_iopl1_noop", t_cli_sti_iopl1 },
    { "emul.cli_sti_without_iopl_gp", t_cli_no_iopl },
    { "emul.invlpg_gp", t_invlpg_gp },
    { "cpuid.xen_leaves", t_cpuid_xen_leaves },
    { "cpuid.leaf1", t_cpuid_leaf1 },
    { "cpuid.fep_not_cpuid_ud", t_fep_not_cpuid },
    { NULL, NULL },
};

/* Last of all: a hypervisor that blocks on hlt instead of #GP hangs here. */
const struct pvg_test tests_emul_blocking[] = {
    { "emul.hlt_gp", t_hlt },
    { NULL, NULL },
};
