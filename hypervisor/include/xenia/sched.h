/* SPDX-License-Identifier: GPL-2.0-only */
/* Domains and virtual CPUs. */
#ifndef XENIA_SCHED_H
#define XENIA_SCHED_H

#include <xenia/public.h>
#include <asm/regs.h>
#include <xenia/mm.h>
#include <xenia/event.h>
#include <xen/io/console.h>

#define MAX_VIRT_CPUS   XEN_LEGACY_MAX_VCPUS
#define DOMAIN_NAME_LEN 32
#define XEN_PAGE_SIZE   4096
#define NR_VECTORS      256
/* Hypercall numbers below this have a table slot and a per-domain counter. */
#define NR_HYPERCALLS   64
#define DOMAIN_MAX_IOMEM_RANGES 16
#define GNTTAB_MAX_FRAMES_PER_DOMAIN 64
#define GDT_GUEST_FRAMES FIRST_RESERVED_GDT_PAGE

/* Scheduling (common/sched.c): weighted fair share with caps. */
#define SCHED_DEFAULT_WEIGHT 256
#define SCHED_SLICE          10000000ULL    /* 10 ms */
#define SCHED_MIN_SLICE      1000000ULL     /* 1 ms */
#define SCHED_PERIOD         100000000ULL   /* caps are per 100 ms */

struct sched_vcpu {
    uint64_t vruntime;       /* weighted run time, ns */
    uint64_t started;        /* when it last got the CPU, 0 = not running */
};

struct sched_domain {
    unsigned int weight;     /* relative share, default 256 */
    unsigned int cap;        /* percent of one CPU, 0 = uncapped */
    uint64_t period_start, period_used;
};

/* A bounce the vCPU must take on its next return to the guest. */
struct trap_bounce {
    bool pending;
    bool has_error_code;
    bool mask_events;     /* TBF_INTERRUPT: set upcall_mask */
    uint32_t error_code;
    uint64_t eip;
};

struct vcpu {
    struct domain *domain;
    unsigned int vcpu_id;
    bool online;

    /* Guest register state while this vCPU is not on a CPU. */
    struct cpu_regs user_regs;

    bool kernel_mode;            /* guest kernel (true) or guest user */
    bool iret_done;              /* this hypercall replaced the frame */
    bool continuation;           /* re-execute the hypercall with cont_args */
    unsigned long cont_args[5];
    unsigned long guest_table;   /* MFN of the kernel L4 */
    unsigned long guest_table_user; /* MFN of the user L4, 0 = none */
    unsigned long kernel_ss, kernel_sp;
    unsigned long fs_base, gs_base_kernel, gs_base_user;
    uint16_t fs_sel, gs_sel;
    unsigned int iopl;           /* virtual IOPL, 0-3 */
    unsigned long iobmp;        /* PHYSDEVOP_set_iobitmap: guest VA of the bitmap */
    unsigned int iobmp_limit;   /* ports it covers (0: none) */

    struct trap_info trap_ctxt[NR_VECTORS];
    unsigned long event_callback, failsafe_callback;
    unsigned long syscall_callback, syscall32_callback, sysenter_callback;
    unsigned long nmi_callback;
    bool failsafe_masks, syscall_masks, syscall32_masks, sysenter_masks;
    struct trap_bounce trap_bounce;

    unsigned long ctrlreg[8];    /* virtual CR0.TS, CR2, CR4 */
    unsigned long debugreg[8];

    unsigned long gdt_frames[GDT_GUEST_FRAMES];
    unsigned int gdt_ents;
    unsigned long ldt_base;
    unsigned int ldt_ents;

    vcpu_info_t *vcpu_info;      /* hypervisor address */
    unsigned long vcpu_info_mfn; /* 0 while inside shared_info */
    unsigned long runstate_guest; /* guest VA of runstate area, 0 = none */
    unsigned long time_guest;     /* guest VA of a second vcpu_time_info, 0 = none */
    struct vcpu_runstate_info runstate;

    evtchn_port_t virq_to_evtchn[NR_VIRQS];
    uint64_t singleshot_deadline;  /* system time, 0 = none */
    uint64_t periodic_period, periodic_next;
    uint64_t poll_deadline;        /* SCHEDOP_poll timeout, 0 = none */
    struct sched_vcpu sched;
    bool paused;
    bool blocked;
    bool poll_active;            /* in SCHEDOP_poll */
    unsigned long gs_base_active, gs_base_shadow; /* raw MSRs while switched out */
    uint8_t fpu_area[512] __attribute__((aligned(16)));
};

enum domain_state {
    DOMSTATE_RUNNING,
    DOMSTATE_SHUTDOWN,   /* asked to shut down: reason and code recorded */
    DOMSTATE_DYING,
};

struct domain {
    domid_t domain_id;
    char name[DOMAIN_NAME_LEN];
    bool is_privileged;
    enum domain_state state;
    unsigned int shutdown_reason;
    unsigned int shutdown_code;  /* from SCHEDOP_shutdown_code, ~0u = unset */
    /* SCHEDOP_watchdog: system-time deadlines, 0 = not armed; id i+1 is
     * in use while its bit is set in watchdog_inuse. */
#define NR_DOMAIN_WATCHDOG_TIMERS 2
    uint64_t watchdog_deadline[NR_DOMAIN_WATCHDOG_TIMERS];
    unsigned int watchdog_inuse;

    unsigned long tot_pages, max_pages;
    struct page_list page_list;  /* every frame the domain owns */
    unsigned long destroy_next;  /* dying: next frame to unpin (FRAME_NONE: done) */
    unsigned long destroy_stuck; /* dying: frames still referenced elsewhere */
    shared_info_t *shared_info;
    unsigned long shared_info_mfn;
    unsigned long vm_assist;

    unsigned int max_vcpus;
    struct vcpu *vcpu[MAX_VIRT_CPUS];
    struct sched_domain sched;
    bool paused;

    uint8_t *ioport_caps;        /* 8 KiB bitmap: ports the domain may use */
    unsigned int nr_iomem;       /* MMIO frame ranges granted (domctl) */
    struct { uint64_t first, end; } iomem[DOMAIN_MAX_IOMEM_RANGES];
    uint8_t irq_caps[32];        /* physical IRQs granted (recorded only) */

    unsigned long hypercall_count[NR_HYPERCALLS];
    void *grant_frames[GNTTAB_MAX_FRAMES_PER_DOMAIN];  /* v1 entries */
    unsigned int nr_grant_frames;
    struct evtchn_table *evtchn;

    char console_line[256];
    size_t console_len;
    struct xencons_interface *console_ring;   /* domU: hypervisor back-end */
    evtchn_port_t console_port;
};

bool sched_vcpu_runnable(const struct vcpu *v);
void sched_charge(struct vcpu *v, uint64_t ran_ns);
struct vcpu *sched_pick_next(uint64_t now);
uint64_t sched_slice(struct vcpu *next, uint64_t now);
uint64_t sched_next_refill(uint64_t now);
void sched_wake(struct vcpu *v, uint64_t now);
void sched_vcpu_yield(struct vcpu *v);
void sched_domain_init(struct domain *d);
void sched_vcpu_init(struct vcpu *v, uint64_t now);

#endif
