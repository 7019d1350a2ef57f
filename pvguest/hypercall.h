/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: hypercall wrappers, through the hypercall page or an inline syscall. */
#ifndef PVGUEST_HYPERCALL_H
#define PVGUEST_HYPERCALL_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/callback.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/arch-x86/xen-mca.h>
#include <xen/platform.h>

/*
 * Both take the arguments in SysV order with the hypercall number last and
 * load Xen's registers (rdi, rsi, rdx, r10, r8; rax = nr) themselves.
 *   hcall_page:    call hypercall_page + nr * 32 (XTF, Mini-OS, old Linux)
 *   hcall_syscall: the stub's body inline: syscall (Linux after XSA-466)
 */
long hcall_page(long a1, long a2, long a3, long a4, long a5, unsigned long nr);
long hcall_syscall(long a1, long a2, long a3, long a4, long a5, unsigned long nr);

extern int hcall_use_syscall;           /* current mode */
extern int pvg_hcall_syscall_default;   /* from the command line */

static inline long hypercall(unsigned long nr, long a1, long a2, long a3,
                             long a4, long a5)
{
    if (hcall_use_syscall)
        return hcall_syscall(a1, a2, a3, a4, a5, nr);
    return hcall_page(a1, a2, a3, a4, a5, nr);
}

#define HC(nr, a1, a2, a3, a4, a5) \
    hypercall((nr), (long)(a1), (long)(a2), (long)(a3), (long)(a4), (long)(a5))

static inline long HYPERVISOR_set_trap_table(const void *t)
{ return HC(__HYPERVISOR_set_trap_table, t, 0, 0, 0, 0); }

static inline long HYPERVISOR_mmu_update(const mmu_update_t *req, unsigned count,
                                         unsigned *done, unsigned dom)
{ return HC(__HYPERVISOR_mmu_update, req, count, done, dom, 0); }

static inline long HYPERVISOR_set_gdt(const unsigned long *frames, unsigned entries)
{ return HC(__HYPERVISOR_set_gdt, frames, entries, 0, 0, 0); }

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long sp)
{ return HC(__HYPERVISOR_stack_switch, ss, sp, 0, 0, 0); }

static inline long HYPERVISOR_set_callbacks(unsigned long ev, unsigned long fs,
                                            unsigned long sc)
{ return HC(__HYPERVISOR_set_callbacks, ev, fs, sc, 0, 0); }

static inline long HYPERVISOR_set_debugreg(int reg, unsigned long value)
{ return HC(__HYPERVISOR_set_debugreg, reg, value, 0, 0, 0); }

static inline long HYPERVISOR_get_debugreg(int reg)
{ return HC(__HYPERVISOR_get_debugreg, reg, 0, 0, 0, 0); }

static inline long HYPERVISOR_fpu_taskswitch(int set)
{ return HC(__HYPERVISOR_fpu_taskswitch, set, 0, 0, 0, 0); }

static inline long HYPERVISOR_update_descriptor(uint64_t maddr, uint64_t desc)
{ return HC(__HYPERVISOR_update_descriptor, maddr, desc, 0, 0, 0); }

static inline long HYPERVISOR_memory_op(unsigned cmd, void *arg)
{ return HC(__HYPERVISOR_memory_op, cmd, arg, 0, 0, 0); }

static inline long HYPERVISOR_multicall(void *calls, unsigned nr)
{ return HC(__HYPERVISOR_multicall, calls, nr, 0, 0, 0); }

static inline long HYPERVISOR_update_va_mapping(unsigned long va, uint64_t pte,
                                                unsigned long flags)
{ return HC(__HYPERVISOR_update_va_mapping, va, pte, flags, 0, 0); }

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{ return HC(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0); }

static inline long HYPERVISOR_console_io(int cmd, int count, const void *buf)
{ return HC(__HYPERVISOR_console_io, cmd, count, buf, 0, 0); }

static inline long HYPERVISOR_vm_assist(unsigned cmd, unsigned type)
{ return HC(__HYPERVISOR_vm_assist, cmd, type, 0, 0, 0); }

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned vcpu, void *arg)
{ return HC(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0, 0); }

static inline long HYPERVISOR_set_segment_base(int which, unsigned long base)
{ return HC(__HYPERVISOR_set_segment_base, which, base, 0, 0, 0); }

static inline long HYPERVISOR_mmuext_op(struct mmuext_op *op, unsigned count,
                                        unsigned *done, unsigned dom)
{ return HC(__HYPERVISOR_mmuext_op, op, count, done, dom, 0); }

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{ return HC(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0); }

static inline long HYPERVISOR_callback_op(int cmd, const void *arg)
{ return HC(__HYPERVISOR_callback_op, cmd, arg, 0, 0, 0); }

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{ return HC(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0); }

static inline long HYPERVISOR_set_timer_op(uint64_t timeout_ns)
{ return HC(__HYPERVISOR_set_timer_op, timeout_ns, 0, 0, 0, 0); }

static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop,
                                             unsigned int count)
{ return HC(__HYPERVISOR_grant_table_op, cmd, uop, count, 0, 0); }

static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{ return HC(__HYPERVISOR_physdev_op, cmd, arg, 0, 0, 0); }

static inline long HYPERVISOR_update_va_mapping_otherdomain(unsigned long va,
                                                            uint64_t pte,
                                                            unsigned long flags,
                                                            unsigned dom)
{ return HC(__HYPERVISOR_update_va_mapping_otherdomain, va, pte, flags, dom, 0); }

/*
 * Xenia's test hypercall (Xen leaves __HYPERVISOR_arch_7 unused on x86 and
 * answers -ENOSYS): a control-domain window on frame reference counts.
 */
#define __HYPERVISOR_xenia_debug_op __HYPERVISOR_arch_7
#define XENIA_DEBUG_PAGE_INFO   0       /* arg: struct xenia_page_info */
#define XENIA_DEBUG_FREE_FRAMES 1       /* returns the number of free frames */

#define XENIA_PGT_NONE      0           /* 1..4: L1..L4, as Xen's PGT_* */
#define XENIA_PGT_SEG_DESC  5
#define XENIA_PGT_WRITABLE  7
#define XENIA_PGF_VALIDATED 0x04
#define XENIA_PGF_PINNED    0x08

struct xenia_page_info {
    uint64_t mfn;                       /* IN */
    uint32_t count, type_count;         /* OUT from here on */
    uint16_t owner;
    uint8_t type, flags;
    uint32_t pad;
};

static inline long HYPERVISOR_xenia_debug_op(unsigned cmd, void *arg)
{ return HC(__HYPERVISOR_xenia_debug_op, cmd, arg, 0, 0, 0); }

static inline long HYPERVISOR_mca(struct xen_mc *op)
{ return HC(__HYPERVISOR_mca, op, 0, 0, 0, 0); }

static inline long HYPERVISOR_platform_op(struct xen_platform_op *op)
{ return HC(__HYPERVISOR_platform_op, op, 0, 0, 0, 0); }

#endif /* PVGUEST_HYPERCALL_H */
