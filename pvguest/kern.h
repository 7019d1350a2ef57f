/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the portable kernel: frames, address spaces, threads, processes (all through pvops.h). */
#ifndef PVGUEST_KERN_H
#define PVGUEST_KERN_H

#include <stddef.h>
#include <stdint.h>

#include "pvguest.h"
#include "usys.h"

struct boot_params;

/* Frames (kmem.c).  pfn p is mapped at VIRT_BASE + (p << 12). */
extern unsigned long kmem_nr_pages;     /* frames we manage, [0, nr) */
int kmem_init(const struct boot_params *bp);
unsigned long frame_alloc(void);        /* 0 when none is left */
void frame_free(unsigned long pfn);
unsigned long frames_free(void);
unsigned long frames_alloc_run(unsigned int n);  /* n contiguous, or 0 */
void frames_free_run(unsigned long pfn, unsigned int n);

#ifdef __XENIA_HOST__
extern unsigned long kern_window;       /* unit tests: host memory stands in */
#define KERN_WINDOW kern_window
#else
#define KERN_WINDOW PVG_VIRT_BASE
#endif

static inline void *pfn_to_virt(unsigned long pfn)
{
    return (void *)(KERN_WINDOW + (pfn << PAGE_SHIFT));
}

static inline unsigned long virt_to_pfn(const void *va)
{
    return ((unsigned long)va - KERN_WINDOW) >> PAGE_SHIFT;
}

void *page_alloc(void);                 /* a zeroed, mapped frame, or NULL */
void page_free(void *va);

/* Address spaces (kpt.c): the user half (L4 slot 0) of a process. */
#define PTE_SHARED      (1UL << 9)      /* software bit: frame not ours to free */
#define USER_FLAGS      (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)

struct aspace {
    uint64_t *kl4;                      /* root in kernel mode (both halves) */
    uint64_t *ul4;                      /* root in user mode (Xen: user half only) */
    unsigned long pages;                /* user frames mapped (excluding shared) */
};

void kpt_init(uint64_t *boot_root);
int as_create(struct aspace *as);
void as_destroy(struct aspace *as);
void as_switch(const struct aspace *as);        /* NULL: the boot root */
uint64_t *as_lookup(const struct aspace *as, unsigned long va);
int as_map(struct aspace *as, unsigned long va, unsigned long pfn,
           uint64_t flags);
int as_map_batch(struct aspace *as, unsigned long va,
                 const unsigned long *pfns, unsigned int n, uint64_t flags);
void as_unmap_range(struct aspace *as, unsigned long va, unsigned long len);
int as_copy(struct aspace *dst, const struct aspace *src);

/* Threads (sched.c). */
#define KSTACK_PAGES    4

enum thread_state { T_RUNNABLE, T_BLOCKED, T_DEAD };

struct thread;

struct waitq {
    struct thread *head;
};

struct proc;

struct thread {
    uint64_t rsp;                       /* saved while switched out */
    void *kstack;                       /* KSTACK_PAGES pages */
    struct thread *next;                /* run queue or wait queue */
    enum thread_state state;
    struct proc *proc;                  /* NULL for a kernel thread */
    void (*fn)(void *);
    void *arg;
    uint64_t wake_at;                   /* clock_ns deadline while sleeping */
    struct thread *sleep_next;
    struct waitq done;                  /* woken when it exits */
    unsigned int id;
    /* A process's x87/SSE registers while switched out (fxsave image);
     * the kernel itself never touches them. */
    uint8_t fpu[512] __attribute__((aligned(16)));
};

extern struct thread *current;
extern unsigned long sched_switches, sched_preemptions, sched_ticks;

int sched_init(void);
struct thread *thread_new(void (*fn)(void *), void *arg);     /* stopped */
void thread_run(struct thread *t);
struct thread *thread_create(void (*fn)(void *), void *arg);  /* new + run */
void thread_join(struct thread *t);     /* wait for its end, free it */
void thread_reap(struct thread *t);     /* free a dead thread */
void __noreturn thread_exit(void);
void yield(void);
void sleep_ns(uint64_t ns);
void schedule(void);                    /* with interrupts disabled */
void wait_on(struct waitq *q);          /* with interrupts disabled */
void wake_all(struct waitq *q);
uint64_t kstack_top(const struct thread *t);

/* Processes (proc.c). */
#define MAX_PROCS       16
#define MAX_VMAS        8
#define MAX_FDS         8

struct vma {
    unsigned long start, end;           /* [start, end), page aligned */
    int writable;
};

struct proc {
    int pid;                            /* 0: slot free */
    int zombie, exit_code;
    int orphan;                         /* its parent exited first */
    struct aspace as;
    struct thread *thread;
    struct proc *parent;
    struct vma vmas[MAX_VMAS];
    unsigned long mmap_next;
    unsigned long fault_handler;        /* user VA, 0: faults kill */
    struct pipe *fds[MAX_FDS];
    uint8_t fd_write[MAX_FDS];          /* the write end */
    struct waitq exitq;
};

struct proc *kern_current_proc(void);
unsigned long kern_syscall(struct cpu_regs *regs);
int kern_fault(struct cpu_regs *regs);
struct proc *proc_spawn(void (*entry)(long, long), long a0, long a1);
void proc_start(struct proc *p);        /* let a spawned process run */
int proc_wait(struct proc *p);          /* exit code, frees the slot */
int proc_map_page(struct proc *p, unsigned long va, unsigned long pfn,
                  int writable);        /* share a kernel frame */
extern unsigned long proc_faults_killed;

/* User programs (uprog.c): entry points, called with (a0, a1). */
extern char __user_start[], __user_end[];
void uprog_exit_code(long code, long unused);
void uprog_getpid(long unused0, long unused1);
void uprog_write(long unused0, long unused1);
void uprog_yield(long count, long unused);
void uprog_bad_write(long unused0, long unused1);
void uprog_demand_zero(long pages, long unused);
void uprog_munmap_fault(long unused0, long unused1);
void uprog_handler_faults(long unused0, long unused1);
void uprog_mmap_room(long unused0, long unused1);
void uprog_protection_fault(long unused0, long unused1);
void uprog_kernel_read(long unused0, long unused1);
void uprog_privileged(long unused0, long unused1);
void uprog_fork(long unused0, long unused1);
void uprog_fpu(long seed, long rounds);
void uprog_fork_limit(long unused0, long unused1);
void uprog_exhaust(long unused0, long unused1);
void uprog_pipe_pingpong(long rounds, long unused);
void uprog_spin_until(long flag_va, long unused);
void uprog_bench(long shared_va, long row);

/* Kernel roles. */
int ktests_main(void);
int kbench_main(void);

#endif /* PVGUEST_KERN_H */
