/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the kernel's self-tests, the same verdicts natively, on Xenia and on Xen. */
#include "kern.h"
#include "arch.h"
#include "pvpatch.h"
#include "tests.h"

/*
 * Every case uses only the portable kernel (pv-ops, frames, address
 * spaces, threads, processes), so a platform that implements the pv-ops
 * table correctly passes them all; tests/compat/pvguest-3way.sh compares
 * the verdict lines of the three platforms.
 */
#define MS              1000000ULL
#define SCRATCH_VA      0x1000000UL

/* Read a qword that may fault: 0 and *out, or -1 (exception table). */
static int probe_read(unsigned long va, uint64_t *out)
{
    uint64_t v = 0;
    int fail;

    asm volatile("xor %k[f], %k[f]\n\t"
                 "1: mov (%[va]), %[v]\n\t"
                 "jmp 3f\n\t"
                 "2: mov $1, %k[f]\n\t"
                 "3:\n\t"
                 EXTABLE(1b, 2b)
                 : [f] "=&r"(fail), [v] "+r"(v)
                 : [va] "r"(va)
                 : "memory");
    *out = v;
    return fail ? -1 : 0;
}

/* Spawn entry(a0, a1) in a new process and wait for its exit code. */
static int run_proc(void (*entry)(long, long), long a0, long a1)
{
    struct proc *p = proc_spawn(entry, a0, a1);

    if (!p)
        return -1000;
    proc_start(p);
    return proc_wait(p);
}

static enum test_result t_irq_state(void)
{
    unsigned long flags = pv_save_fl();

    CHECK(flags & X86_EFLAGS_IF);
    pv_irq_disable();
    CHECK(!(pv_save_fl() & X86_EFLAGS_IF));
    pv_restore_fl(flags);
    CHECK(pv_save_fl() & X86_EFLAGS_IF);
    return T_PASS;
}

static enum test_result t_cpuid(void)
{
    uint32_t r[4];
    unsigned int i;

    pv_cpuid_regs(0, 0, r);
    CHECK(r[0] >= 1);
    for (i = 0; i < 4; i++) {
        char c = (char)(r[1 + i % 3] >> (8 * i));

        CHECK(c >= ' ' && c <= '~');
    }
    pv_cpuid_regs(1, 0, r);
    CHECK(r[3] & (1U << 4));            /* TSC */
    return T_PASS;
}

static enum test_result t_clock(void)
{
    uint64_t t0 = pv_clock_ns(), t1;
    volatile unsigned long i;

    for (i = 0; i < 100000; i++)
        ;
    t1 = pv_clock_ns();
    CHECK(t1 > t0);
    CHECK(t1 - t0 < 10000 * MS);
    return T_PASS;
}

/* FS_BASE through the segment-base op, read back as an MSR and through %fs. */
static enum test_result t_fs_base(void)
{
    static uint64_t cell = 0x0123456789abcdefUL;
    uint64_t seen_fs, seen_msr;

    pv_set_fs_base((unsigned long)&cell);
    seen_fs = read_fs_qword0();
    seen_msr = pv_rdmsr(MSR_FS_BASE);
    pv_wrmsr(MSR_FS_BASE, 0);
    CHECK_EQ(seen_fs, cell);
    CHECK_EQ(seen_msr, (uint64_t)&cell);
    CHECK_EQ(pv_rdmsr(MSR_FS_BASE), 0);
    return T_PASS;
}

static enum test_result t_frames(void)
{
    static unsigned long pfns[256];
    unsigned long before = frames_free();
    unsigned int i, j;

    for (i = 0; i < ARRAY_SIZE(pfns); i++) {
        pfns[i] = frame_alloc();
        CHECK(pfns[i] && pfns[i] < kmem_nr_pages);
        *(volatile uint64_t *)pfn_to_virt(pfns[i]) = pfns[i] * 31;
    }
    CHECK_EQ(frames_free(), before - ARRAY_SIZE(pfns));
    for (i = 0; i < ARRAY_SIZE(pfns); i++) {
        CHECK_EQ(*(volatile uint64_t *)pfn_to_virt(pfns[i]), pfns[i] * 31);
        for (j = 0; j < i; j++)
            CHECK(pfns[i] != pfns[j]);
    }
    for (i = 0; i < ARRAY_SIZE(pfns); i++)
        frame_free(pfns[i]);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

/* The highest frame is mapped and usable (the PV kernel mapped it itself). */
static enum test_result t_frames_top(void)
{
    volatile uint64_t *top = pfn_to_virt(kmem_nr_pages - 1);
    uint64_t old = *top;

    *top = 0x5a5a5a5a12345678UL;
    CHECK_EQ(*top, 0x5a5a5a5a12345678UL);
    *top = old;
    return T_PASS;
}

static enum test_result t_frames_run(void)
{
    unsigned long before = frames_free(), pfn = frames_alloc_run(8);

    CHECK(pfn);
    CHECK_EQ(frames_free(), before - 8);
    frames_free_run(pfn, 8);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

/* Map a frame into a fresh address space, use it there, unmap it: it faults. */
static enum test_result t_pt_map(void)
{
    unsigned long before = frames_free(), pfn = frame_alloc();
    volatile uint64_t *kva = pfn_to_virt(pfn);
    struct aspace as;
    uint64_t v, first = 0, seen;
    int rc;

    CHECK(pfn);
    *kva = 0x1122334455667788UL;
    CHECK_EQ(as_create(&as), 0);
    CHECK_EQ(as_map(&as, SCRATCH_VA, pfn, USER_FLAGS | _PAGE_RW | _PAGE_DIRTY), 0);
    as_switch(&as);
    rc = probe_read(SCRATCH_VA, &first);
    *(volatile uint64_t *)SCRATCH_VA = 0x99;
    v = *kva;
    as_unmap_range(&as, SCRATCH_VA, PAGE_SIZE);    /* frees the frame */
    trap_reset();
    CHECK_EQ(probe_read(SCRATCH_VA, &seen), -1);
    CHECK_EQ(last_trap.vector, X86_EXC_PF);
    CHECK_EQ(last_trap.cr2, SCRATCH_VA);
    as_switch(NULL);
    as_destroy(&as);
    CHECK_EQ(rc, 0);
    CHECK_EQ(first, 0x1122334455667788UL);
    CHECK_EQ(v, 0x99);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

/* 1,000 pages in one batched build, found where they were put, torn down. */
static enum test_result t_pt_batch(void)
{
    static unsigned long pfns[1000];
    unsigned long before = frames_free();
    struct aspace as;
    unsigned int i;

    CHECK_EQ(as_create(&as), 0);
    for (i = 0; i < ARRAY_SIZE(pfns); i++) {
        pfns[i] = frame_alloc();
        CHECK(pfns[i]);
    }
    CHECK_EQ(as_map_batch(&as, SCRATCH_VA, pfns, ARRAY_SIZE(pfns),
                          USER_FLAGS | _PAGE_RW | _PAGE_DIRTY), 0);
    CHECK_EQ(as.pages, ARRAY_SIZE(pfns));
    for (i = 0; i < ARRAY_SIZE(pfns); i++) {
        uint64_t *ptep = as_lookup(&as, SCRATCH_VA + i * PAGE_SIZE);

        CHECK(ptep && (*ptep & _PAGE_PRESENT));
        CHECK_EQ(pv_mfn_to_pfn((*ptep & PTE_MFN_MASK) >> PAGE_SHIFT), pfns[i]);
    }
    as_destroy(&as);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

static enum test_result t_sleep(void)
{
    unsigned long ticks = sched_ticks;
    uint64_t t0 = pv_clock_ns(), dt;

    sleep_ns(30 * MS);
    dt = pv_clock_ns() - t0;
    CHECK(dt >= 30 * MS);
    CHECK(dt < 5000 * MS);
    CHECK(sched_ticks > ticks);
    return T_PASS;
}

static volatile unsigned long counter;

static void counting_thread(void *arg)
{
    unsigned long i, n = (unsigned long)arg;

    for (i = 0; i < n; i++) {
        unsigned long flags = pv_save_fl();

        pv_irq_disable();
        counter++;
        pv_restore_fl(flags);
        if (i % 10 == 0)
            yield();
    }
}

static enum test_result t_threads(void)
{
    struct thread *t[4];
    unsigned long before = frames_free(), switches = sched_switches;
    unsigned int i;

    counter = 0;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        t[i] = thread_create(counting_thread, (void *)1000UL);
        CHECK(t[i]);
    }
    for (i = 0; i < ARRAY_SIZE(t); i++)
        thread_join(t[i]);
    CHECK_EQ(counter, 4000);
    CHECK(sched_switches - switches >= 400);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

static volatile int stop_spinning;

/* Never yields: only a timer preemption lets anyone else run. */
static void spinning_thread(void *arg)
{
    uint64_t deadline = pv_clock_ns() + 10000 * MS;

    (void)arg;
    while (!stop_spinning && pv_clock_ns() < deadline)
        ;
}

static enum test_result t_preempt(void)
{
    unsigned long preemptions = sched_preemptions;
    struct thread *t;

    stop_spinning = 0;
    t = thread_create(spinning_thread, NULL);
    CHECK(t);
    yield();                            /* let it start spinning */
    sleep_ns(20 * MS);
    stop_spinning = 1;
    thread_join(t);
    CHECK(sched_preemptions > preemptions);
    return T_PASS;
}

static struct waitq box_q;
static volatile unsigned long box;

static void consumer_thread(void *arg)
{
    unsigned long flags = pv_save_fl(), sum = 0, i;

    (void)arg;
    pv_irq_disable();
    for (i = 0; i < 100; i++) {
        while (!box)
            wait_on(&box_q);
        sum += box;
        box = 0;
        wake_all(&box_q);
    }
    pv_restore_fl(flags);
    counter = sum;
}

static enum test_result t_waitq(void)
{
    struct thread *t = thread_create(consumer_thread, NULL);
    unsigned long i;

    CHECK(t);
    counter = 0;
    pv_irq_disable();
    for (i = 1; i <= 100; i++) {
        while (box)
            wait_on(&box_q);
        box = i;
        wake_all(&box_q);
    }
    pv_irq_enable();
    thread_join(t);
    CHECK_EQ(counter, 5050);
    return T_PASS;
}

static enum test_result t_user_exit(void)
{
    unsigned long before = frames_free();

    CHECK_EQ(run_proc(uprog_exit_code, 42, 0), 42);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

static enum test_result t_user_getpid(void)
{
    struct proc *p = proc_spawn(uprog_getpid, 0, 0);
    int pid;

    CHECK(p);
    pid = p->pid;
    proc_start(p);
    CHECK_EQ(proc_wait(p), pid);
    return T_PASS;
}

static enum test_result t_user_write(void)
{
    CHECK_EQ(run_proc(uprog_write, 0, 0), 0);
    return T_PASS;
}

/* Two processes yielding: each yield is a switch to the other. */
static enum test_result t_user_yield(void)
{
    unsigned long switches = sched_switches;
    struct proc *a, *b;

    a = proc_spawn(uprog_yield, 100, 0);
    b = proc_spawn(uprog_yield, 100, 0);
    CHECK(a && b);
    proc_start(a);                      /* both spawned before either runs */
    proc_start(b);
    CHECK_EQ(proc_wait(a), 0);
    CHECK_EQ(proc_wait(b), 0);
    CHECK(sched_switches - switches >= 200);
    return T_PASS;
}

static enum test_result t_user_bad_pointers(void)
{
    CHECK_EQ(run_proc(uprog_bad_write, 0, 0), 0);
    return T_PASS;
}

static enum test_result t_user_demand_zero(void)
{
    unsigned long before = frames_free();

    CHECK_EQ(run_proc(uprog_demand_zero, 64, 0), 0);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

static enum test_result fault_kills(void (*entry)(long, long))
{
    unsigned long before = frames_free(), killed = proc_faults_killed;

    CHECK_EQ(run_proc(entry, 0, 0), EXIT_FAULT);
    CHECK_EQ(proc_faults_killed, killed + 1);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

static enum test_result t_user_munmap_fault(void)
{
    return fault_kills(uprog_munmap_fault);
}

static enum test_result t_user_protection_fault(void)
{
    return fault_kills(uprog_protection_fault);
}

static enum test_result t_user_kernel_read(void)
{
    return fault_kills(uprog_kernel_read);
}

static enum test_result t_user_privileged(void)
{
    return fault_kills(uprog_privileged);
}

static enum test_result t_user_handler_faults(void)
{
    return fault_kills(uprog_handler_faults);
}

static enum test_result t_user_mmap_room(void)
{
    unsigned long before = frames_free();

    CHECK_EQ(run_proc(uprog_mmap_room, 0, 0), 0);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

static enum test_result t_user_fork(void)
{
    unsigned long before = frames_free();

    CHECK_EQ(run_proc(uprog_fork, 0, 0), 0);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

/*
 * Three processes keep different xmm0 and MXCSR values across 50 yields
 * to each other, and each forks a child that starts with its registers.
 */
static enum test_result t_user_fpu(void)
{
    struct proc *p[3];
    unsigned int i;

    for (i = 0; i < 3; i++) {
        p[i] = proc_spawn(uprog_fpu, (long)i + 1, 50);
        CHECK(p[i] != NULL);
    }
    for (i = 0; i < 3; i++)
        proc_start(p[i]);
    for (i = 0; i < 3; i++)
        CHECK_EQ(proc_wait(p[i]), 0);
    return T_PASS;
}

/* A fork bomb meets the process table's limit; everything comes back. */
static enum test_result t_user_fork_limit(void)
{
    unsigned long before = frames_free();

    CHECK_EQ(run_proc(uprog_fork_limit, 0, 0), 0);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

/* Running the kernel out of frames kills the process, not the kernel. */
static enum test_result t_user_out_of_memory(void)
{
    unsigned long before = frames_free();

    CHECK_EQ(run_proc(uprog_exhaust, 0, 0), EXIT_FAULT);
    CHECK_EQ(frames_free(), before);
    CHECK_EQ(run_proc(uprog_exit_code, 5, 0), 5);     /* and life goes on */
    return T_PASS;
}

static enum test_result t_user_pipe(void)
{
    unsigned long before = frames_free(), switches = sched_switches;

    CHECK_EQ(run_proc(uprog_pipe_pingpong, 200, 0), 0);
    CHECK(sched_switches - switches >= 400);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

static enum test_result t_user_many(void)
{
    struct proc *p[8];
    unsigned long before = frames_free();
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(p); i++) {
        p[i] = proc_spawn(uprog_exit_code, 10 + i, 0);
        CHECK(p[i]);
        proc_start(p[i]);
    }
    for (i = 0; i < ARRAY_SIZE(p); i++)
        CHECK_EQ(proc_wait(p[i]), 10 + i);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

/* A process spinning in ring 3 is preempted: this thread's sleep ends. */
static enum test_result t_user_preempt(void)
{
    unsigned long before = frames_free(), pfn = frame_alloc();
    volatile long *flag = pfn_to_virt(pfn);
    struct proc *p;
    int code;

    CHECK(pfn);
    *flag = 0;
    p = proc_spawn(uprog_spin_until, USER_SHARED_VA, 0);
    CHECK(p);
    /* The page is there before the process first runs. */
    CHECK_EQ(proc_map_page(p, USER_SHARED_VA, pfn, 0), 0);
    proc_start(p);
    sleep_ns(30 * MS);
    *flag = 1;
    code = proc_wait(p);
    frame_free(pfn);
    CHECK_EQ(code, 0);
    CHECK_EQ(frames_free(), before);
    return T_PASS;
}

static const struct pvg_test kern_tests[] = {
    { "kern.pvops.irq_state", t_irq_state },
    { "kern.pvops.cpuid", t_cpuid },
    { "kern.pvops.clock", t_clock },
    { "kern.pvops.fs_base", t_fs_base },
    { "kern.frames.alloc_free", t_frames },
    { "kern.frames.top_mapped", t_frames_top },
    { "kern.frames.contiguous_run", t_frames_run },
    { "kern.pt.map_use_unmap", t_pt_map },
    { "kern.pt.batch_1000", t_pt_batch },
    { "kern.timer.sleep", t_sleep },
    { "kern.thread.create_join", t_threads },
    { "kern.thread.waitq", t_waitq },
    { "kern.thread.preempt", t_preempt },
    { "kern.user.exit_code", t_user_exit },
    { "kern.user.getpid", t_user_getpid },
    { "kern.user.write", t_user_write },
    { "kern.user.yield", t_user_yield },
    { "kern.user.bad_pointers", t_user_bad_pointers },
    { "kern.user.demand_zero", t_user_demand_zero },
    { "kern.user.munmap_fault", t_user_munmap_fault },
    { "kern.user.protection_fault", t_user_protection_fault },
    { "kern.user.kernel_memory", t_user_kernel_read },
    { "kern.user.privileged", t_user_privileged },
    { "kern.user.fault_handler_faults", t_user_handler_faults },
    { "kern.user.mmap_room", t_user_mmap_room },
    { "kern.user.fork", t_user_fork },
    { "kern.user.fpu_state", t_user_fpu },
    { "kern.user.pipe_pingpong", t_user_pipe },
    { "kern.user.fork_limit", t_user_fork_limit },
    { "kern.user.out_of_memory", t_user_out_of_memory },
    { "kern.user.many", t_user_many },
    { "kern.user.preempt", t_user_preempt },
    { NULL, NULL },
};

int ktests_main(void)
{
    static const struct pvg_test *const tabs[] = { kern_tests };

    return tests_run(tabs, ARRAY_SIZE(tabs));
}
