/* SPDX-License-Identifier: GPL-2.0-only */
/* The hypercall table and every handler it dispatches to. */
#ifndef XENIA_HYPERCALL_H
#define XENIA_HYPERCALL_H

#include <xenia/sched.h>

typedef long (*hypercall_fn_t)(unsigned long a1, unsigned long a2,
                               unsigned long a3, unsigned long a4,
                               unsigned long a5);

#define HCF_PRIV   0x1  /* control domain only: -EPERM for others */

struct hypercall_desc {
    const char *name;
    hypercall_fn_t fn;
    unsigned int flags;
};

/* Look up nr: NULL when no handler exists. */
const struct hypercall_desc *hypercall_lookup(unsigned long nr);
/* Run hypercall nr for the current vCPU; -ENOSYS / -EPERM as Xen. */
long hypercall_dispatch(unsigned long nr, const unsigned long args[5]);

/* Xenia's own test hypercall (common/debug_op.c), in Xen's unused arch_7 slot. */
#define __HYPERVISOR_xenia_debug_op __HYPERVISOR_arch_7
#define XENIA_DEBUG_PAGE_INFO   0
#define XENIA_DEBUG_FREE_FRAMES 1
long do_platform_op(unsigned long arg, unsigned long, unsigned long,
                    unsigned long, unsigned long);
long do_mca(unsigned long arg, unsigned long, unsigned long, unsigned long,
            unsigned long);
long do_xenia_debug_op(unsigned long cmd, unsigned long arg, unsigned long,
                       unsigned long, unsigned long);

/*
 * Continuations: a long hypercall does a bounded chunk, then asks to be
 * re-executed with updated arguments (the guest's syscall runs again, as
 * in Xen), so the CPU can serve interrupts and other vCPUs in between.
 * Inside a multicall the entry's args are rewritten and the multicall
 * continues from it (do_multicall).
 */
#define HYPERCALL_CHUNK 512
#define HYPERCALL_RESTART (-85)   /* Xen's internal ERESTART: never returned */
long hypercall_continuation(unsigned long a1, unsigned long a2, unsigned long a3,
                            unsigned long a4, unsigned long a5);

/* Handlers (common). */
long do_console_io(unsigned long cmd, unsigned long count, unsigned long buf,
                   unsigned long, unsigned long);
long do_xen_version(unsigned long cmd, unsigned long arg, unsigned long,
                    unsigned long, unsigned long);
long do_sched_op(unsigned long cmd, unsigned long arg, unsigned long,
                 unsigned long, unsigned long);
long do_vm_assist(unsigned long cmd, unsigned long type, unsigned long,
                  unsigned long, unsigned long);
long do_multicall(unsigned long list, unsigned long nr, unsigned long,
                  unsigned long, unsigned long);
long do_vcpu_op(unsigned long cmd, unsigned long vcpuid, unsigned long arg,
                unsigned long, unsigned long);
long do_memory_op(unsigned long cmd, unsigned long arg, unsigned long,
                  unsigned long, unsigned long);

/* Handlers (x86 PV). */
long do_set_trap_table(unsigned long, unsigned long, unsigned long,
                       unsigned long, unsigned long);
long do_set_callbacks(unsigned long, unsigned long, unsigned long,
                      unsigned long, unsigned long);
long do_callback_op(unsigned long, unsigned long, unsigned long,
                    unsigned long, unsigned long);
long do_iret(unsigned long, unsigned long, unsigned long, unsigned long,
             unsigned long);
long do_stack_switch(unsigned long, unsigned long, unsigned long,
                     unsigned long, unsigned long);
long do_fpu_taskswitch(unsigned long, unsigned long, unsigned long,
                       unsigned long, unsigned long);
long do_set_segment_base(unsigned long, unsigned long, unsigned long,
                         unsigned long, unsigned long);
long do_set_gdt(unsigned long, unsigned long, unsigned long, unsigned long,
                unsigned long);
long do_update_descriptor(unsigned long, unsigned long, unsigned long,
                          unsigned long, unsigned long);
long do_set_debugreg(unsigned long, unsigned long, unsigned long,
                     unsigned long, unsigned long);
long do_get_debugreg(unsigned long, unsigned long, unsigned long,
                     unsigned long, unsigned long);
long do_mmu_update(unsigned long, unsigned long, unsigned long, unsigned long,
                   unsigned long);
long do_mmuext_op(unsigned long, unsigned long, unsigned long, unsigned long,
                  unsigned long);
long do_update_va_mapping(unsigned long, unsigned long, unsigned long,
                          unsigned long, unsigned long);
long do_update_va_mapping_otherdomain(unsigned long, unsigned long, unsigned long,
                                      unsigned long, unsigned long);
long do_domctl(unsigned long, unsigned long, unsigned long, unsigned long,
               unsigned long);
long do_sysctl(unsigned long, unsigned long, unsigned long, unsigned long,
               unsigned long);
long do_grant_table_op(unsigned long, unsigned long, unsigned long,
                       unsigned long, unsigned long);
int gnttab_init(struct domain *d);
void gnttab_release(struct domain *d);
/* Frames a domain maps but that are not part of its memory (grant tables). */
void *arch_alloc_domain_xenheap_page(struct domain *d);
void arch_free_domain_xenheap_page(void *p);
unsigned long arch_virt_to_mfn(const void *p);
void *arch_mfn_to_virt(unsigned long mfn);
long do_physdev_op(unsigned long, unsigned long, unsigned long,
                   unsigned long, unsigned long);

/* Arch services the common handlers use. */
struct vcpu *current_vcpu(void);
void arch_vcpu_block(struct vcpu *v);
void arch_vcpu_yield(struct vcpu *v);
void schedule(void) __attribute__((noreturn));
void schedule_if_needed(void);
uint64_t arch_sched_deadline(uint64_t now);
void arch_vcpu_fpu_init(struct vcpu *v);
void arch_vcpu_runstate_update(struct vcpu *v);
void arch_vcpu_time_update(struct vcpu *v);     /* republish its pvclock */
uint64_t arch_now_ns(void);
long arch_memory_op(unsigned int cmd, unsigned long arg);
long arch_memory_reservation(unsigned int op, unsigned long cmd, unsigned long arg);
int arch_vcpu_register_info(struct vcpu *v, unsigned long mfn,
                            unsigned int offset);
void arch_console_read_input(char *buf, size_t len, size_t *got);
const char *hv_cmdline(void);

/* Domain lifecycle (common/domain.c). */
void domain_shutdown(struct domain *d, unsigned int reason);
void domain_crash(struct domain *d, const char *why);
void arch_domain_shutdown(struct domain *d);
bool domain_is_dead(const struct domain *d);
void domain_register(struct domain *d);
void domain_unregister(struct domain *d);
struct domain *domain_create(domid_t id, const char *name, bool priv,
                             unsigned int max_vcpus, int *rc);
void domain_free_structures(struct domain *d);
bool domain_destroy_step(struct domain *d, unsigned long budget, unsigned long *stuck);
/* Also a dying domain (a destruction that goes on in steps). */
struct domain *domain_by_id_any(domid_t id);
long arch_set_vcpu_context(struct vcpu *v, const vcpu_guest_context_t *c);
void arch_get_vcpu_context(struct vcpu *v, vcpu_guest_context_t *c);
bool arch_ioport_grantable(unsigned int port);
/* Walk live domains: start with *i = 0, NULL at the end. */
struct domain *domain_iterate(unsigned int *i);

/* Timers (common/timer.c) and the hardware timer behind them. */
void vcpu_timers_init(struct vcpu *v);
void timers_run(void);
long vcpu_timer_op(struct vcpu *v, unsigned int cmd, unsigned long arg);
long do_set_timer_op(unsigned long, unsigned long, unsigned long, unsigned long,
                     unsigned long);
void arch_timer_program(uint64_t deadline_ns);
long arch_vcpu_poll(struct vcpu *v, const evtchn_port_t *ports, unsigned int n,
                    uint64_t timeout);

#endif
