/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest tests: guest-user mode (iret to user, syscall bounce, traps from user, GS swap). */
#include "tests.h"
#include "arch.h"
#include "hypercall.h"

extern char entry_syscall[];

static uint8_t user_guard[PAGE_SIZE] __page_aligned_bss;
static volatile uint64_t user_out[4];
static uint64_t user_gs_var = 0xfeedfacecafebeefUL;

static void u_echo(void)
{
    user_out[0] = (uint64_t)usys(USYS_ECHO, 0x1234, 0);
    usys(USYS_EXIT, 7, 0);
}

static enum test_result t_user_init(void)
{
    CHECK_EQ(user_init(), 0);
    return T_PASS;
}

static enum test_result t_user_round_trip(void)
{
    const struct user_syscall_frame *f = &last_usyscall;

    user_iret_flags = VGCF_in_syscall;
    CHECK_EQ(user_run(u_echo), 7);
    CHECK_EQ(user_out[0], 0x1234 ^ USYS_ECHO_XOR);
    /* The exit syscall's bounce frame, as Xen built it on kernel_sp. */
    CHECK_EQ(f->cs & 0xffff, FLAT_USER_CS);
    CHECK_EQ(f->ss, FLAT_USER_SS);
    CHECK_EQ(f->rcx, f->rip);                   /* syscall put RIP in RCX */
    CHECK(f->rflags & X86_EFLAGS_IF);           /* events were unmasked */
    CHECK_EQ(f->kstack_rsp + sizeof(struct cpu_regs), user_kstack_hi());
    CHECK_EQ(read_cs(), FLAT_KERNEL_CS);
    return T_PASS;
}

/* USYS_SETREGS asks for rcx/r11; VGCF_in_syscall makes Xen sysret instead. */
static void u_setregs(void)
{
    register uint64_t r11 asm("r11");
    uint64_t rcx, after;

    asm volatile("mov %3, %%eax\n\t"
                 "mov $0x1111, %%edi\n\t"
                 "mov $0x2222, %%esi\n\t"
                 "syscall\n\t"
                 "1: lea 1b(%%rip), %2"
                 : "=c"(rcx), "=r"(r11), "=r"(after)
                 : "i"(USYS_SETREGS)
                 : "rax", "rdi", "rsi", "memory");
    user_out[0] = rcx;
    user_out[1] = r11;
    user_out[2] = after;
    usys(USYS_EXIT, 0, 0);
}

static enum test_result t_user_iret_plain(void)
{
    user_iret_flags = 0;
    CHECK_EQ(user_run(u_setregs), 0);
    user_iret_flags = VGCF_in_syscall;
    CHECK_EQ(user_out[0], 0x1111);
    CHECK_EQ(user_out[1], 0x2222);
    return T_PASS;
}

static enum test_result t_user_iret_in_syscall(void)
{
    user_iret_flags = VGCF_in_syscall;
    CHECK_EQ(user_run(u_setregs), 0);
    CHECK_EQ(user_out[0], user_out[2]);         /* rcx = return RIP */
    CHECK(user_out[1] & X86_EFLAGS_IF);         /* r11 = RFLAGS */
    return T_PASS;
}

static void u_page_fault(void)
{
    uint64_t v = 0;

    asm volatile("1: mov (%1), %0\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "+r"(v) : "r"(user_guard + 32) : "memory");
    usys(USYS_EXIT, 0, 0);
}

static enum test_result t_user_pf(void)
{
    CHECK_EQ(mm_set_pte(user_guard, 0), 0);
    trap_reset();
    CHECK_EQ(user_run(u_page_fault), 0);
    CHECK_TRAP(X86_EXC_PF, 4);                  /* user, read, not present */
    CHECK_EQ(last_trap.cr2, (uint64_t)user_guard + 32);
    CHECK_EQ(last_trap.cs & 0xffff, FLAT_USER_CS);
    CHECK(last_trap.fixed_up);
    return T_PASS;
}

static void u_int80(void)
{
    asm volatile("1: int $0x80\n\t2:\n\t" EXTABLE(1b, 2b) ::: "memory");
    usys(USYS_EXIT, 0, 0);
}

static enum test_result t_user_int80(void)
{
    trap_reset();
    CHECK_EQ(user_run(u_int80), 0);
    CHECK_TRAP(0x80, 0);
    CHECK_EQ(last_trap.cs & 0xffff, FLAT_USER_CS);
    return T_PASS;
}

static void u_int71(void)
{
    asm volatile("1: int $0x71\n\t2:\n\t" EXTABLE(1b, 2b) ::: "memory");
    usys(USYS_EXIT, 0, 0);
}

static void u_int72(void)
{
    asm volatile("1: int $0x72\n\t2:\n\t" EXTABLE(1b, 2b) ::: "memory");
    usys(USYS_EXIT, 0, 0);
}

static enum test_result t_user_int_dpl(void)
{
    if (platform_int_gp_quirk())
        return t_skip("CPU reports int-n #GP code as (n<<4)|2 (QEMU TCG); "
                      "Xen decodes vector = code>>3");
    trap_reset();
    CHECK_EQ(user_run(u_int71), 0);
    CHECK_TRAP(VEC_SOFT_DPL3, 0);
    trap_reset();
    CHECK_EQ(user_run(u_int72), 0);             /* DPL 1: not from user */
    CHECK_TRAP(X86_EXC_GP, (VEC_SOFT_DPL1 << 3) | 2);
    return T_PASS;
}

static void u_gs(void)
{
    uint64_t v = 0;

    asm volatile("1: mov %%gs:0, %0\n\t2:\n\t" EXTABLE(1b, 2b) : "+r"(v) :: "memory");
    user_out[0] = v;
    usys(USYS_EXIT, 0, 0);
}

/* Xen swapgs'es on every mode switch: user sees GS_USER, kernel GS_KERNEL. */
static enum test_result t_user_gs_swap(void)
{
    static uint64_t kernel_gs_var = 0x1234;

    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL,
                                         (unsigned long)&kernel_gs_var), 0);
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER,
                                         (unsigned long)&user_gs_var), 0);
    trap_reset();
    CHECK_EQ(user_run(u_gs), 0);
    CHECK_NO_TRAP();
    CHECK_EQ(user_out[0], user_gs_var);
    CHECK_EQ(read_gs_qword0(), kernel_gs_var);
    CHECK_EQ(rdmsr(MSR_SHADOW_GS_BASE), (uint64_t)&user_gs_var);
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0), 0);
    CHECK_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0), 0);
    return T_PASS;
}

static void u_io_cli(void)
{
    uint8_t v = 0;

    asm volatile("1: inb $0x80, %0\n\t2:\n\t" EXTABLE(1b, 2b) : "+a"(v) :: "memory");
    user_out[0] = last_trap.vector | (last_trap.error_code << 8);
    asm volatile("1: cli\n\t2:\n\t" EXTABLE(1b, 2b) ::: "memory");
    usys(USYS_EXIT, 0, 0);
}

/* Virtual IOPL 1 covers the guest kernel, never guest user (CPL 3). */
static enum test_result t_user_io_gp(void)
{
    struct physdev_set_iopl iopl = { .iopl = 1 };

    CHECK_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl), 0);
    trap_reset();
    user_out[0] = 0xff;
    CHECK_EQ(user_run(u_io_cli), 0);
    iopl.iopl = 0;
    CHECK_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl), 0);
    CHECK_EQ(user_out[0], X86_EXC_GP);          /* the inb: #GP(0) */
    CHECK_EQ(last_trap.count, 2);
    CHECK_EQ(last_trap.vector, X86_EXC_GP);     /* the cli: #GP(0) */
    CHECK_EQ(last_trap.error_code, 0);
    return T_PASS;
}

/* Ports 0-255: every bit set (denied) but port 0x80's. */
static uint8_t io_bitmap[32];

static void u_io_bitmap(void)
{
    uint8_t v = 0;

    asm volatile("1: inb $0x80, %0\n\t2:\n\t" EXTABLE(1b, 2b) : "+a"(v) :: "memory");
    user_out[0] = last_trap.count;
    asm volatile("1: inb $0x81, %0\n\t2:\n\t" EXTABLE(1b, 2b) : "+a"(v) :: "memory");
    user_out[1] = last_trap.count;
    asm volatile("1: inw $0x80, %w0\n\t2:\n\t" EXTABLE(1b, 2b) : "+a"(v) :: "memory");
    user_out[2] = last_trap.count;
    usys(USYS_EXIT, 0, 0);
}

/*
 * PHYSDEVOP_set_iobitmap: with IOPL 0, user mode may use exactly the
 * ports whose bits are clear (the bitmap lives in kernel memory); a
 * word access needs both ports.  Over 65536 ports: -EINVAL.
 */
static enum test_result t_user_io_bitmap(void)
{
    struct physdev_set_iobitmap bm = { .nr_ports = 256 };

    memset(io_bitmap, 0xff, sizeof(io_bitmap));
    io_bitmap[0x80 / 8] &= (uint8_t)~(1u << (0x80 % 8));
    set_xen_guest_handle(bm.bitmap, io_bitmap);
    CHECK_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iobitmap, &bm), 0);
    trap_reset();
    CHECK_EQ(user_run(u_io_bitmap), 0);
    bm.nr_ports = 0;
    CHECK_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iobitmap, &bm), 0);
    CHECK_EQ(user_out[0], 0);                   /* port 0x80: allowed */
    CHECK_EQ(user_out[1], 1);                   /* 0x81: #GP */
    CHECK_EQ(user_out[2], 2);                   /* 0x80-0x81 as a word: #GP */
    CHECK_EQ(last_trap.vector, X86_EXC_GP);
    bm.nr_ports = 65537;
    CHECK_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iobitmap, &bm), -XEN_EINVAL);
    /* A bitmap that cannot be read denies every port. */
    bm.nr_ports = 256;
    set_xen_guest_handle(bm.bitmap, (uint8_t *)BAD_LOW_PTR);
    CHECK_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iobitmap, &bm), 0);
    trap_reset();
    CHECK_EQ(user_run(u_io_bitmap), 0);
    bm.nr_ports = 0;
    CHECK_EQ(HYPERVISOR_physdev_op(PHYSDEVOP_set_iobitmap, &bm), 0);
    CHECK_EQ(user_out[0], 1);                   /* port 0x80 now #GP too */
    return T_PASS;
}

static void restore_syscall_callback(struct cpu_regs *regs)
{
    (void)regs;
    callback_register(CALLBACKTYPE_syscall, entry_syscall);
    trap_hook = NULL;
}

static void u_syscall_ud(void)
{
    asm volatile("mov %0, %%eax\n\t"
                 "1: syscall\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "i"(USYS_ECHO) : "rax", "rcx", "r11", "memory");
    usys(USYS_EXIT, 5, 0);
}

/* No syscall callback: Xen injects #UD at the user's syscall. */
static enum test_result t_user_syscall_no_callback(void)
{
    long rc;

    CHECK_EQ(callback_register(CALLBACKTYPE_syscall, NULL), 0);
    trap_hook = restore_syscall_callback;
    trap_reset();
    rc = user_run(u_syscall_ud);
    trap_hook = NULL;
    CHECK_EQ(rc, 5);
    CHECK_TRAP(X86_EXC_UD, 0);
    CHECK_EQ(last_trap.cs & 0xffff, FLAT_USER_CS);
    return T_PASS;
}

const struct pvg_test tests_user[] = {
    { "user.init_new_user_baseptr", t_user_init },
    { "user.syscall_round_trip", t_user_round_trip },
    { "user.iret_restores_rcx_r11", t_user_iret_plain },
    { "user.iret_vgcf_in_syscall", t_user_iret_in_syscall },
    { "user.page_fault_user_bit", t_user_pf },
    { "user.int80_direct", t_user_int80 },
    { "user.io_bitmap", t_user_io_bitmap },
    { "user.int_dpl_rules", t_user_int_dpl },
    { "user.gs_swap", t_user_gs_swap },
    { "user.io_and_cli_gp", t_user_io_gp },
    { "user.syscall_without_callback_ud", t_user_syscall_no_callback },
    { NULL, NULL },
};
