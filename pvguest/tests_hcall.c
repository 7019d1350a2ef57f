/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest tests: hypercall interfaces (version, console, sched, vm_assist, multicall, vcpu, callbacks, segments). */
#include "tests.h"
#include "arch.h"
#include "hypercall.h"

#define BAD_HOLE_PTR    ((void *)0xffff830000000000UL)  /* Xen's direct map */
#define NONCANONICAL    0x0000800000000000UL
#define UNKNOWN_HCALL   60

static enum test_result t_version(void)
{
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_version, NULL), (4 << 16) | 17);
    return T_PASS;
}

static enum test_result t_version_syscall(void)
{
    long a;

    hcall_use_syscall = 0;
    a = HYPERVISOR_xen_version(XENVER_version, NULL);
    hcall_use_syscall = 1;
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_version, NULL), a);
    CHECK_EQ(hypercall(UNKNOWN_HCALL, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    CHECK_EQ(hypercall(200, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    return T_PASS;
}

static int memchr_nul(const char *s, size_t n)
{
    while (n--)
        if (!*s++)
            return 1;
    return 0;
}

static enum test_result t_extraversion(void)
{
    xen_extraversion_t ev;

    memset(ev, 0x55, sizeof(ev));
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_extraversion, ev), 0);
    CHECK(memchr_nul(ev, sizeof(ev)));
    CHECK_EQ(ev[0], '.');
    return T_PASS;
}

static enum test_result t_capabilities(void)
{
    xen_capabilities_info_t caps;
    size_t i;

    CHECK_EQ(HYPERVISOR_xen_version(XENVER_capabilities, caps), 0);
    for (i = 0; caps[i]; i++)
        if (!strncmp(&caps[i], "xen-3.0-x86_64", 14))
            return T_PASS;
    return t_fail("'%s' lacks xen-3.0-x86_64", caps);
}

static enum test_result t_get_features(void)
{
    xen_feature_info_t fi = { .submap_idx = 0 };
    uint32_t f;

    CHECK_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), 0);
    f = fi.submap;
    CHECK(f & (1U << XENFEAT_dom0));
    CHECK(f & (1U << XENFEAT_mmu_pt_update_preserve_ad));
    CHECK(f & (1U << XENFEAT_gnttab_map_avail_bits));
    CHECK(!(f & (1U << XENFEAT_auto_translated_physmap)));
    CHECK(!(f & (1U << XENFEAT_supervisor_mode_kernel)));
    return T_PASS;
}

static enum test_result t_get_features_bad(void)
{
    xen_feature_info_t fi = { .submap_idx = 1, .submap = 0xdead };

    CHECK_EQ(HYPERVISOR_xen_version(XENVER_get_features, BAD_LOW_PTR), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_get_features, &fi), -XEN_EINVAL);
    return T_PASS;
}

static enum test_result t_pagesize(void)
{
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_pagesize, NULL), 4096);
    return T_PASS;
}

static enum test_result t_platform_parameters(void)
{
    xen_platform_parameters_t pp = { 0 };

    CHECK_EQ(HYPERVISOR_xen_version(XENVER_platform_parameters, &pp), 0);
    CHECK_EQ(pp.virt_start, HYPERVISOR_VIRT_START);
    return T_PASS;
}

static enum test_result t_version_unknown(void)
{
    CHECK_EQ(HYPERVISOR_xen_version(0x7fff, NULL), -XEN_ENOSYS);
    return T_PASS;
}

static enum test_result t_console_io(void)
{
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0, "x"), 0);
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 8, BAD_LOW_PTR), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 8, BAD_HOLE_PTR), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_console_io(99, 1, "x"), -XEN_ENOSYS);
    return T_PASS;
}

static enum test_result t_sched_op(void)
{
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, NULL), 0);
    CHECK_EQ(HYPERVISOR_sched_op(99, NULL), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_poll, BAD_LOW_PTR), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, BAD_LOW_PTR), -XEN_EFAULT);
    return T_PASS;
}

static enum test_result t_vm_assist(void)
{
    CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_pae_extended_cr3), 0);
    CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
    CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_disable, VMASST_TYPE_runstate_update_flag), 0);
    CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, 31), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, 64), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_vm_assist(7, VMASST_TYPE_writable_pagetables), -XEN_ENOSYS);
    return T_PASS;
}

static enum test_result t_multicall(void)
{
    static multicall_entry_t mc[3];

    memset(mc, 0, sizeof(mc));
    mc[0].op = __HYPERVISOR_xen_version;
    mc[0].args[0] = XENVER_version;
    mc[1].op = __HYPERVISOR_sched_op;
    mc[1].args[0] = SCHEDOP_yield;
    mc[2].op = UNKNOWN_HCALL;
    CHECK_EQ(HYPERVISOR_multicall(mc, 3), 0);
    CHECK_EQ(mc[0].result, (4 << 16) | 17);
    CHECK_EQ(mc[1].result, 0);
    CHECK_EQ(mc[2].result, -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_multicall(BAD_LOW_PTR, 1), -XEN_EFAULT);
    CHECK_EQ(HYPERVISOR_multicall(mc, 0), 0);
    return T_PASS;
}

static enum test_result t_vcpu_is_up(void)
{
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), -XEN_ENOENT);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_is_up, 4096, NULL), -XEN_ENOENT);
    CHECK_EQ(HYPERVISOR_vcpu_op(99, 0, NULL), -XEN_ENOSYS);
    return T_PASS;
}

static enum test_result t_vcpu_runstate(void)
{
    static struct vcpu_runstate_info rs;
    struct vcpu_register_runstate_memory_area area;

    memset(&rs, 0xff, sizeof(rs));
    area.addr.v = &rs;
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), 0);
    /* Filled in at once; time[] only advances at state changes. */
    CHECK_EQ(rs.state, RUNSTATE_running);
    CHECK(rs.state_entry_time > 0 && rs.state_entry_time < (1UL << 62));
    CHECK(rs.time[RUNSTATE_running] < (1UL << 62));
    area.addr.v = NULL;         /* unregister before rs goes stale */
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area), 0);
    return T_PASS;
}

/*
 * A second copy of the vCPU's pvclock where the guest wants it (Linux's
 * vDSO page): current from the moment it is registered, with the scale
 * vcpu_info has; an address in the hypervisor's range is refused.
 */
static enum test_result t_vcpu_time_area(void)
{
    static struct vcpu_time_info ti;
    struct vcpu_register_time_memory_area area = { .addr.v = &ti };
    uint64_t now = pvg_vcpu0->time.system_time;

    memset(&ti, 0, sizeof(ti));
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area), 0);
    CHECK(ti.version != 0 && !(ti.version & 1));
    CHECK_EQ(ti.tsc_to_system_mul, pvg_vcpu0->time.tsc_to_system_mul);
    CHECK_EQ(ti.tsc_shift, pvg_vcpu0->time.tsc_shift);
    CHECK(ti.system_time >= now);
    area.addr.p = (uint64_t)BAD_HOLE_PTR;
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area),
             -XEN_EFAULT);
    area.addr.v = NULL;         /* unregister before ti goes stale */
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area), 0);
    return T_PASS;
}

static enum test_result t_callback_op(void)
{
    extern char entry_event[];
    struct callback_register cb = { .type = CALLBACKTYPE_event,
                                    .address = NONCANONICAL };
    struct callback_unregister cu = { .type = CALLBACKTYPE_event };

    CHECK_EQ(HYPERVISOR_callback_op(CALLBACKOP_register, &cb), -XEN_EINVAL);
    cb.type = 99;               /* unknown type: -ENOSYS, not -EINVAL */
    cb.address = (unsigned long)entry_event;
    CHECK_EQ(HYPERVISOR_callback_op(CALLBACKOP_register, &cb), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_callback_op(CALLBACKOP_unregister, &cu), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_callback_op(7, &cb), -XEN_ENOSYS);
    CHECK_EQ(HYPERVISOR_callback_op(CALLBACKOP_register, BAD_LOW_PTR), -XEN_EFAULT);
    return T_PASS;
}

static enum test_result t_set_callbacks(void)
{
    extern char entry_event[], entry_failsafe[], entry_syscall[];
    long rc;

    rc = HYPERVISOR_set_callbacks((unsigned long)entry_event,
                                  (unsigned long)entry_failsafe,
                                  (unsigned long)entry_syscall);
    traps_init();               /* back to the masking registrations */
    CHECK_EQ(rc, 0);
    return T_PASS;
}

static enum test_result t_set_trap_table(void)
{
    static const struct trap_info bad[] = {
        { 0x7e, 0, FLAT_KERNEL_CS, NONCANONICAL },
        { 0, 0, 0, 0 },
    };

    CHECK_EQ(HYPERVISOR_set_trap_table(bad), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_set_trap_table(BAD_LOW_PTR), -XEN_EFAULT);
    CHECK_EQ(traps_install(), 0);
    return T_PASS;
}

static enum test_result t_unknown_hypercall(void)
{
    CHECK_EQ(hypercall(UNKNOWN_HCALL, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    CHECK_EQ(hypercall(127, 0, 0, 0, 0, 0), -XEN_ENOSYS);
    return T_PASS;
}

static uint64_t seg_var_a = 0x1111222233334444UL;
static uint64_t seg_var_b = 0x5555666677778888UL;

static enum test_result t_segbase_fs(void)
{
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, (unsigned long)&seg_var_a), 0);
    CHECK_EQ(rdmsr(MSR_FS_BASE), (uint64_t)&seg_var_a);
    CHECK_EQ(read_fs_qword0(), seg_var_a);
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, NONCANONICAL), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, 0), 0);
    return T_PASS;
}

static enum test_result t_segbase_gs(void)
{
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, (unsigned long)&seg_var_b), 0);
    CHECK_EQ(rdmsr(MSR_GS_BASE), (uint64_t)&seg_var_b);
    CHECK_EQ(read_gs_qword0(), seg_var_b);
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, (unsigned long)&seg_var_a), 0);
    CHECK_EQ(rdmsr(MSR_SHADOW_GS_BASE), (uint64_t)&seg_var_a);
    CHECK_EQ(rdmsr(MSR_GS_BASE), (uint64_t)&seg_var_b);
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, NONCANONICAL), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, NONCANONICAL), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_set_segment_base(9, 0), -XEN_EINVAL);
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0), 0);
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0), 0);
    return T_PASS;
}

static enum test_result t_stack_switch(void)
{
    CHECK_EQ(HYPERVISOR_stack_switch(FLAT_KERNEL_SS, user_kstack_hi()), 0);
    return T_PASS;
}

/* Linux's cpu_init clears DR0-3, DR6, DR7 through these. */
static enum test_result t_debugreg(void)
{
    CHECK_EQ(HYPERVISOR_set_debugreg(7, 0), 0);
    CHECK_EQ(HYPERVISOR_get_debugreg(7), 0x400);
    CHECK_EQ(HYPERVISOR_set_debugreg(6, 0), 0);
    CHECK_EQ(HYPERVISOR_get_debugreg(6), 0xffff0ff0);
    CHECK_EQ(HYPERVISOR_set_debugreg(0, (unsigned long)&seg_var_a), 0);
    CHECK_EQ(HYPERVISOR_get_debugreg(0), (unsigned long)&seg_var_a);
    CHECK_EQ(HYPERVISOR_set_debugreg(0, 0), 0);
    CHECK_EQ(HYPERVISOR_set_debugreg(0, HYPERVISOR_VIRT_START), -XEN_EPERM);
    CHECK_EQ(HYPERVISOR_set_debugreg(8, 0), -XEN_ENODEV);
    CHECK_EQ(HYPERVISOR_get_debugreg(8), -XEN_ENODEV);
    return T_PASS;
}

/* A one-byte function whose first instruction has a fixup past it. */
extern char dbg_bp_site[], dbg_bp_after[];
asm(".pushsection .text\n\t"
    ".globl dbg_bp_site, dbg_bp_after\n"
    "dbg_bp_site: nop\n"
    "dbg_bp_after: ret\n\t"
    EXTABLE(dbg_bp_site, dbg_bp_after)
    ".popsection");

/* An instruction breakpoint (DR0, DR7.L0): #DB at the site, DR6.B0 set. */
static enum test_result t_debug_instr_bp(void)
{
    void (*site)(void) = (void (*)(void))dbg_bp_site;

    CHECK_EQ(HYPERVISOR_set_debugreg(6, 0), 0);
    CHECK_EQ(HYPERVISOR_set_debugreg(0, (unsigned long)dbg_bp_site), 0);
    CHECK_EQ(HYPERVISOR_set_debugreg(7, 1), 0);
    CHECK_EQ(HYPERVISOR_get_debugreg(7), 0x401);
    trap_reset();
    site();
    CHECK_TRAP(X86_EXC_DB, 0);
    CHECK_EQ(last_trap.rip, (uint64_t)dbg_bp_site);
    CHECK(last_trap.fixed_up);
    CHECK_EQ(HYPERVISOR_get_debugreg(6) & 0x400f, 1);       /* B0 only */
    /* Disarmed, the site runs without a trap. */
    CHECK_EQ(HYPERVISOR_set_debugreg(7, 0), 0);
    trap_reset();
    site();
    CHECK_NO_TRAP();
    CHECK_EQ(HYPERVISOR_set_debugreg(6, 0), 0);
    CHECK_EQ(HYPERVISOR_set_debugreg(0, 0), 0);
    return T_PASS;
}

static void clear_tf(struct cpu_regs *regs)
{
    regs->rflags &= ~0x100UL;  /* TF */
}

/* TF set by popf: #DB after the next instruction, DR6.BS set. */
static enum test_result t_debug_single_step(void)
{
    uint64_t after;

    CHECK_EQ(HYPERVISOR_set_debugreg(6, 0), 0);
    trap_hook = clear_tf;
    trap_reset();
    asm volatile("pushfq\n\t"
                 "orq $0x100, (%%rsp)\n\t"
                 "popfq\n\t"
                 "nop\n\t"
                 "1: lea 1b(%%rip), %0"
                 : "=r"(after) :: "memory", "cc");
    trap_hook = NULL;
    CHECK_TRAP(X86_EXC_DB, 0);
    CHECK_EQ(last_trap.rip, after);
    CHECK(HYPERVISOR_get_debugreg(6) & (1UL << 14));       /* BS */
    CHECK_EQ(HYPERVISOR_set_debugreg(6, 0), 0);
    return T_PASS;
}

/* DR7 refusals, as Xen: GD; an I/O breakpoint without CR4.DE. */
static enum test_result t_debug_refusals(void)
{
    unsigned long io_bp = 1 | (2UL << 16);      /* L0, R/W 10 */

    CHECK_EQ(HYPERVISOR_set_debugreg(7, 1UL << 13), -XEN_EPERM);
    CHECK_EQ(HYPERVISOR_set_debugreg(0, 0x80), 0);
    CHECK_EQ(HYPERVISOR_set_debugreg(7, io_bp), -XEN_EPERM);
    CHECK_EQ(HYPERVISOR_get_debugreg(7), 0x400);
    CHECK_EQ(HYPERVISOR_set_debugreg(0, HYPERVISOR_VIRT_START - 4), -XEN_EPERM);
    CHECK_EQ(HYPERVISOR_set_debugreg(0, 0), 0);
    return T_PASS;
}

/* xen_feature_info's layout: the hypervisor writes .watched (submap). */
static struct {
    uint32_t idx;
    volatile uint32_t watched;
} dbg_feat;
static uint16_t dbg_ss;

/*
 * A write watchpoint (DR1, 4 bytes): the guest's own write traps after
 * it, DR6.B1.  The hypervisor writing the same bytes for the guest (a
 * hypercall's output) hits it in ring 0: ignored, no #DB for the guest.
 */
static enum test_result t_debug_watchpoint(void)
{
    unsigned long watch = (1UL << 2) | (1UL << 20) | (3UL << 22);  /* L1, W, 4 */
    uint64_t after;

    CHECK_EQ(HYPERVISOR_set_debugreg(6, 0), 0);
    CHECK_EQ(HYPERVISOR_set_debugreg(1, (unsigned long)&dbg_feat.watched), 0);
    CHECK_EQ(HYPERVISOR_set_debugreg(7, watch), 0);
    trap_reset();
    asm volatile("movl $7, %1\n\t"
                 "1: lea 1b(%%rip), %0"
                 : "=r"(after), "=m"(dbg_feat.watched) :: "memory");
    CHECK_TRAP(X86_EXC_DB, 0);
    CHECK_EQ(last_trap.rip, after);
    CHECK_EQ(HYPERVISOR_get_debugreg(6) & 0xf, 2);           /* B1 */
    CHECK_EQ(dbg_feat.watched, 7);
    /* The hypervisor writes the watched bytes: nothing for the guest. */
    trap_reset();
    dbg_feat.idx = 0;
    CHECK_EQ(HYPERVISOR_xen_version(XENVER_get_features, (void *)&dbg_feat), 0);
    CHECK_NO_TRAP();
    CHECK(dbg_feat.watched != 7);                 /* submap 0 was written */
    CHECK_EQ(HYPERVISOR_set_debugreg(7, 0), 0);
    CHECK_EQ(HYPERVISOR_set_debugreg(1, 0), 0);
    CHECK_EQ(HYPERVISOR_set_debugreg(6, 0), 0);
    return T_PASS;
}

/*
 * `mov ss` from a watched word, then `syscall` (a hypercall): the #DB is
 * held back past the mov ss and, on hardware, lands on the hypervisor's
 * syscall entry, in ring 0 with the guest's stack (CVE-2018-8897).  It
 * must be survived and the hypercall done; where the CPU (QEMU's TCG)
 * delivers it at once, the guest sees it instead.
 */
static enum test_result t_debug_mov_ss_syscall(void)
{
    unsigned long watch = 1 | (3UL << 16) | (1UL << 18);       /* L0, RW, 2 */
    long rc;

    asm volatile("mov %%ss, %0" : "=m"(dbg_ss));
    CHECK_EQ(HYPERVISOR_set_debugreg(0, (unsigned long)&dbg_ss), 0);
    CHECK_EQ(HYPERVISOR_set_debugreg(7, watch), 0);
    trap_reset();
    asm volatile("mov %[nr], %%eax\n\t"
                 "xor %%edi, %%edi\n\t"
                 "xor %%esi, %%esi\n\t"
                 "mov %[ss], %%ss\n\t"
                 "syscall"
                 : "=a"(rc)
                 : [nr] "i"(__HYPERVISOR_xen_version), [ss] "m"(dbg_ss)
                 : "rcx", "r11", "rdi", "rsi", "memory");
    CHECK_EQ(HYPERVISOR_set_debugreg(7, 0), 0);
    CHECK_EQ(HYPERVISOR_set_debugreg(0, 0), 0);
    CHECK_EQ(rc, HYPERVISOR_xen_version(XENVER_version, NULL));
    CHECK(last_trap.count == 0 ||
          (last_trap.count == 1 && last_trap.vector == X86_EXC_DB));
    CHECK_EQ(HYPERVISOR_set_debugreg(6, 0), 0);
    return T_PASS;
}

static long watchdog(uint32_t id, uint32_t timeout)
{
    struct sched_watchdog w = { .id = id, .timeout = timeout };

    return HYPERVISOR_sched_op(SCHEDOP_watchdog, &w);
}

/* Two watchdogs: taken with id 0, fed, freed with timeout 0 (none fires). */
static enum test_result t_watchdog(void)
{
    CHECK_EQ(watchdog(0, 300), 1);
    CHECK_EQ(watchdog(0, 300), 2);
    /* Xen 4.17 returns this one zero-extended from 32 bits (its
     * conditional mixes -ENOSPC with an unsigned id): compare as an int,
     * as Linux's xen_wdt does. */
    CHECK_EQ((int)watchdog(0, 300), -XEN_ENOSPC);
    CHECK_EQ(watchdog(2, 600), 0);             /* fed */
    CHECK_EQ(watchdog(3, 300), -XEN_EINVAL);
    CHECK_EQ(watchdog(1, 0), 0);
    CHECK_EQ(watchdog(1, 0), -XEN_EINVAL);
    CHECK_EQ(watchdog(1, 300), -XEN_EINVAL);
    CHECK_EQ(watchdog(0, 300), 1);
    CHECK_EQ(watchdog(1, 0), 0);
    CHECK_EQ(watchdog(2, 0), 0);
    CHECK_EQ(HYPERVISOR_sched_op(SCHEDOP_watchdog, BAD_LOW_PTR), -XEN_EFAULT);
    return T_PASS;
}

/*
 * The machine-check hypercall as Linux's dom0 mcelog driver uses it:
 * the CPU count, each CPU's record (checked against CPUID), a fetch that
 * finds no telemetry; a wrong interface version and a bad command.
 */
static struct xen_mc mc_op;
static struct mcinfo_logical_cpu mc_cpus[4];
static struct mc_info mc_data;

static enum test_result t_mca(void)
{
    struct cpuid_res r;
    char vendor[12];
    uint32_t n, family, model;

    memset(&mc_op, 0, sizeof(mc_op));
    mc_op.cmd = XEN_MC_physcpuinfo;
    mc_op.interface_version = XEN_MCA_INTERFACE_VERSION;
    CHECK_EQ(HYPERVISOR_mca(&mc_op), 0);
    n = mc_op.u.mc_physcpuinfo.ncpus;
    CHECK(n >= 1);
    mc_op.u.mc_physcpuinfo.ncpus = n < 4 ? n : 4;
    set_xen_guest_handle(mc_op.u.mc_physcpuinfo.info, mc_cpus);
    CHECK_EQ(HYPERVISOR_mca(&mc_op), 0);
    CHECK_EQ(mc_cpus[0].mc_cpunr, 0);
    pv_cpuid(0, 0, &r);
    memcpy(vendor, &r.b, 4);
    memcpy(vendor + 4, &r.d, 4);
    memcpy(vendor + 8, &r.c, 4);
    CHECK(!memcmp(mc_cpus[0].mc_vendorid, vendor, 12));
    pv_cpuid(1, 0, &r);
    family = (r.a >> 8) & 0xf;
    model = (r.a >> 4) & 0xf;
    if (family == 0xf)
        family += (r.a >> 20) & 0xff;
    if (family >= 6)
        model |= ((r.a >> 16) & 0xf) << 4;
    CHECK_EQ(mc_cpus[0].mc_family, family);
    CHECK_EQ(mc_cpus[0].mc_model, model);
    CHECK_EQ(mc_cpus[0].mc_step, r.a & 0xf);
    mc_op.u.mc_physcpuinfo.ncpus = 0;               /* a buffer of none */
    CHECK_EQ(HYPERVISOR_mca(&mc_op), -XEN_EINVAL);

    memset(&mc_op, 0, sizeof(mc_op));
    mc_op.cmd = XEN_MC_fetch;
    mc_op.interface_version = XEN_MCA_INTERFACE_VERSION;
    mc_op.u.mc_fetch.flags = XEN_MC_URGENT;
    set_xen_guest_handle(mc_op.u.mc_fetch.data, &mc_data);
    CHECK_EQ(HYPERVISOR_mca(&mc_op), 0);
    CHECK(mc_op.u.mc_fetch.flags & XEN_MC_NODATA);
    mc_op.u.mc_fetch.flags = XEN_MC_URGENT;
    set_xen_guest_handle(mc_op.u.mc_fetch.data, NULL);
    CHECK_EQ(HYPERVISOR_mca(&mc_op), -XEN_EINVAL);  /* nowhere to put data */
    mc_op.u.mc_fetch.flags = 0;                     /* neither urgency */
    CHECK_EQ(HYPERVISOR_mca(&mc_op), -XEN_EINVAL);
    mc_op.cmd = 99;
    mc_op.u.mc_fetch.flags = XEN_MC_URGENT;
    CHECK_EQ(HYPERVISOR_mca(&mc_op), -XEN_EINVAL);
    mc_op.cmd = XEN_MC_fetch;
    mc_op.interface_version = XEN_MCA_INTERFACE_VERSION + 1;
    CHECK_EQ(HYPERVISOR_mca(&mc_op), -XEN_EACCES);
    return T_PASS;
}

/* shared_info's wall clock (seconds, nanoseconds at system time 0). */
static void read_wallclock(uint64_t *sec, uint32_t *nsec)
{
    volatile struct shared_info *s = pvg_shared;
    uint32_t v;

    do {
        v = s->wc_version;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        *sec = s->wc_sec | (uint64_t)s->wc_sec_hi << 32;
        *nsec = s->wc_nsec;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    } while ((v & 1) || v != s->wc_version);
}

/*
 * XENPF_settime64, as Linux's dom0 sets Xen's clock once NTP has it: the
 * wall clock at system time 0 becomes secs.nsecs - system_time, in our
 * shared_info; then the old value is put back.  mbz set: -EINVAL; a bad
 * interface version: -EACCES.
 */
static struct xen_platform_op pf_op;

static enum test_result t_settime64(void)
{
    uint64_t sec0, sec;
    uint32_t nsec0, nsec;

    read_wallclock(&sec0, &nsec0);
    memset(&pf_op, 0, sizeof(pf_op));
    pf_op.cmd = XENPF_settime64;
    pf_op.interface_version = XENPF_INTERFACE_VERSION;
    pf_op.u.settime64.secs = sec0 + 1000;
    pf_op.u.settime64.nsecs = 250000000;
    pf_op.u.settime64.system_time = 2000000000ULL;   /* 2 s */
    CHECK_EQ(HYPERVISOR_platform_op(&pf_op), 0);
    read_wallclock(&sec, &nsec);
    CHECK_EQ(sec, sec0 + 998);
    CHECK_EQ(nsec, 250000000);
    pf_op.u.settime64.mbz = 1;
    CHECK_EQ(HYPERVISOR_platform_op(&pf_op), -XEN_EINVAL);
    pf_op.u.settime64.mbz = 0;
    pf_op.interface_version = XENPF_INTERFACE_VERSION + 1;
    CHECK_EQ(HYPERVISOR_platform_op(&pf_op), -XEN_EACCES);
    pf_op.interface_version = XENPF_INTERFACE_VERSION;
    pf_op.u.settime64.secs = sec0;
    pf_op.u.settime64.nsecs = nsec0;
    pf_op.u.settime64.system_time = 0;
    CHECK_EQ(HYPERVISOR_platform_op(&pf_op), 0);
    read_wallclock(&sec, &nsec);
    CHECK_EQ(sec, sec0);
    CHECK_EQ(nsec, nsec0);
    return T_PASS;
}

static enum test_result t_vcpu_timers(void)
{
    struct vcpu_set_singleshot_timer st = {
        .timeout_abs_ns = 1,
        .flags = VCPU_SSHOTTMR_future,
    };
    struct vcpu_runstate_info rs;

    /* VCPU_SSHOTTMR_future is ignored: a past deadline just fires. */
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &st), 0);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0);
    CHECK_EQ(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &rs), 0);
    CHECK_EQ(rs.state, RUNSTATE_running);
    return T_PASS;
}

static enum test_result t_physdev_unknown(void)
{
    CHECK_EQ(HYPERVISOR_physdev_op(99, NULL), -XEN_ENOSYS);
    return T_PASS;
}

static enum test_result t_memory_op_unknown(void)
{
    CHECK_EQ(HYPERVISOR_memory_op(63, NULL), -XEN_ENOSYS);
    return T_PASS;
}

const struct pvg_test tests_hcall[] = {
    { "xen_version.version", t_version },
    { "xen_version.syscall_insn", t_version_syscall },
    { "xen_version.extraversion", t_extraversion },
    { "xen_version.capabilities", t_capabilities },
    { "xen_version.get_features", t_get_features },
    { "xen_version.get_features_bad", t_get_features_bad },
    { "xen_version.pagesize", t_pagesize },
    { "xen_version.platform_parameters", t_platform_parameters },
    { "xen_version.unknown_cmd", t_version_unknown },
    { "console_io.errors", t_console_io },
    { "sched_op.yield_and_errors", t_sched_op },
    { "vm_assist.types", t_vm_assist },
    { "multicall.batch", t_multicall },
    { "vcpu_op.is_up", t_vcpu_is_up },
    { "vcpu_op.runstate_area", t_vcpu_runstate },
    { "vcpu_op.time_memory_area", t_vcpu_time_area },
    { "callback_op.errors", t_callback_op },
    { "set_callbacks.legacy", t_set_callbacks },
    { "set_trap_table.errors", t_set_trap_table },
    { "hypercall.unknown_nr", t_unknown_hypercall },
    { "set_segment_base.fs", t_segbase_fs },
    { "set_segment_base.gs", t_segbase_gs },
    { "stack_switch.ok", t_stack_switch },
    { "memory_op.unknown_cmd", t_memory_op_unknown },
    { "sched.watchdog", t_watchdog },
    { "mca.physcpuinfo_and_fetch", t_mca },
    { "platform.settime64", t_settime64 },
    { "debugreg.set_get", t_debugreg },
    { "debugreg.instruction_breakpoint", t_debug_instr_bp },
    { "debugreg.single_step", t_debug_single_step },
    { "debugreg.refusals", t_debug_refusals },
    { "debugreg.write_watchpoint", t_debug_watchpoint },
    { "debugreg.mov_ss_syscall", t_debug_mov_ss_syscall },
    { "vcpu_op.timers_runstate", t_vcpu_timers },
    { "physdev_op.unknown_cmd", t_physdev_unknown },
    { NULL, NULL },
};
