/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: guest-user mode: entering it with HYPERVISOR_iret, the syscall callback, leaving it. */
#include "pvguest.h"
#include "arch.h"
#include "hypercall.h"

#define USER_STACK_SIZE  (4 * PAGE_SIZE)
#define KSTACK_SIZE      (4 * PAGE_SIZE)

/* Callee-saved state of user_run's caller (layout used by entry.S). */
struct user_ctx {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

_Static_assert(sizeof(struct user_ctx) == 0x40, "entry.S layout");

long user_enter(struct user_ctx *ctx, uint64_t rip, uint64_t rsp, uint64_t rflags);
void __noreturn user_leave(struct user_ctx *ctx, long code);
extern char user_return_stub[];

static uint8_t user_stack[USER_STACK_SIZE] __page_aligned_bss;
/* kernel_sp (stack_switch): where Xen bounces syscalls and traps from user. */
static uint8_t user_kstack[KSTACK_SIZE] __page_aligned_bss;
static struct user_ctx user_ctx;

struct user_syscall_frame last_usyscall;
unsigned long user_iret_flags = VGCF_in_syscall;

/* A user function that returns lands here and exits with code 0. */
asm(".pushsection .text\n"
    "user_return_stub:\n\t"
    "xor %edi, %edi\n\t"
    "xor %eax, %eax\n\t"
    "syscall\n\t"
    "ud2\n"
    ".popsection");

uint64_t user_kstack_lo(void)
{
    return (uint64_t)user_kstack;
}

uint64_t user_kstack_hi(void)
{
    return (uint64_t)user_kstack + KSTACK_SIZE;
}

/*
 * Make user mode reachable: a kernel stack for bounces from user mode and a
 * user page-table root.  Like XTF we register the kernel's own L4: every
 * dom0 mapping is user-accessible in hardware anyway.
 */
int user_init(void)
{
    struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR };
    long rc;

    rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS, user_kstack_hi());
    if (rc)
        return (int)rc;
    op.arg1.mfn = virt_to_mfn((void *)pvg_si->pt_base);
    return (int)HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Run fn in guest-user mode until it exits; returns its exit code. */
long user_run(void (*fn)(void))
{
    uint64_t *sp = (uint64_t *)(user_stack + USER_STACK_SIZE);

    *--sp = 0;
    *--sp = (uint64_t)user_return_stub;     /* fn's return address */
    return user_enter(&user_ctx, (uint64_t)fn, (uint64_t)sp,
                      X86_EFLAGS_IF | 0x2);
}

unsigned long trap_user_syscall(struct cpu_regs *regs)
{
    last_usyscall.rcx = regs->rcx;
    last_usyscall.r11 = regs->r11;
    last_usyscall.rip = regs->rip;
    last_usyscall.cs = regs->cs;
    last_usyscall.rflags = regs->rflags;
    last_usyscall.rsp = regs->rsp;
    last_usyscall.ss = regs->ss;
    last_usyscall.rax = regs->rax;
    last_usyscall.kstack_rsp = (uint64_t)regs;

    switch (regs->rax) {
    case USYS_EXIT:
        user_leave(&user_ctx, (long)regs->rdi);
    case USYS_ECHO:
        regs->rax = regs->rdi ^ USYS_ECHO_XOR;
        break;
    case USYS_SETREGS:
        regs->rcx = regs->rdi;
        regs->r11 = regs->rsi;
        regs->rax = 0;
        break;
    default:
        regs->rax = (uint64_t)-XEN_ENOSYS;
        break;
    }
    return user_iret_flags;
}
