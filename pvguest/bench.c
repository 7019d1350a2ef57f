/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the bench role: TSC cycle counts of hypercalls, bounces and emulation as BENCH lines. */
#include "pvguest.h"
#include "arch.h"
#include "hypercall.h"

/*
 * Every row times BENCH_SAMPLES batches of BENCH_BATCH operations between
 * two TSC reads, subtracts the median cost of an empty batch (the timer's
 * own overhead) and divides by the batch size; min, median and p90 of the
 * per-operation figures are printed as
 *     BENCH <row>.<stat> <value> cycles
 * which tests/bench/run.sh collects.  A row whose operation does not behave
 * as expected (wrong return value, unexpected trap) prints
 *     BENCH-SKIP <row> <reason>
 * instead.  Under TCG the TSC runs at the host's rate against emulated
 * code: the figures are emulator cycles, comparable only with each other.
 */
#define BENCH_BATCH     10
#define BENCH_SAMPLES   10000           /* 100,000 operations per row */
#define BENCH_WARMUP    200             /* operations before timing */
#define HCALL_UNUSED    63              /* no Xen hypercall has this number */
#define HCALL_VERSION   __HYPERVISOR_xen_version

static uint64_t bench_samples[BENCH_SAMPLES];
static uint64_t bench_overhead;         /* median cycles of an empty batch */
static int bench_rdtscp;                /* CPUID 0x80000001 EDX[27] */
static uint8_t bench_guard[PAGE_SIZE] __page_aligned_bss;

/*
 * TSC reads for benchmarking (kept here rather than in arch.h: nothing
 * else needs them).  The start read waits for earlier instructions and
 * holds later ones back (lfence on both sides); the end read uses rdtscp,
 * which waits for the timed work, when the CPU policy offers it.
 */
static inline uint64_t tsc_start(void)
{
    uint32_t lo, hi;

    asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t tsc_stop(void)
{
    uint32_t lo, hi, aux;

    if (bench_rdtscp)
        asm volatile("rdtscp; lfence"
                     : "=a"(lo), "=d"(hi), "=c"(aux) :: "memory");
    else
        asm volatile("lfence; rdtsc; lfence"
                     : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

/* One hypercall through its hypercall-page stub, as XTF and Mini-OS do. */
static inline long bench_hcall_page(unsigned long nr, long a1, long a2)
{
    register long r_rdi asm("rdi") = a1;
    register long r_rsi asm("rsi") = a2;
    void *stub = hypercall_page + nr * 32;
    long ret;

    asm volatile("call *%[stub]"
                 : "=a"(ret), "+r"(r_rdi), "+r"(r_rsi)
                 : [stub] "r"(stub)
                 : "rcx", "rdx", "r8", "r10", "r11", "memory");
    return ret;
}

/* The same hypercall as an inline syscall (Linux since XSA-466). */
static inline long bench_hcall_syscall(unsigned long nr, long a1, long a2)
{
    register long r_rdi asm("rdi") = a1;
    register long r_rsi asm("rsi") = a2;
    long ret;

    asm volatile("syscall"
                 : "=a"(ret), "+r"(r_rdi), "+r"(r_rsi)
                 : "0"(nr)
                 : "rcx", "rdx", "r8", "r10", "r11", "memory");
    return ret;
}

/* A read of the unmapped guard page: #PF bounce, fix-up, HYPERVISOR_iret. */
static inline void bench_fault(void)
{
    uint64_t v;

    asm volatile("1: mov (%1), %0\n\t2:\n\t" EXTABLE(1b, 2b)
                 : "=r"(v) : "r"(bench_guard), "0"(0UL) : "memory");
}

/* Operations under test, each a statement. */
#define OP_NONE            barrier()
#define OP_VERSION_PAGE    bench_hcall_page(HCALL_VERSION, XENVER_version, 0)
#define OP_VERSION_SYSCALL bench_hcall_syscall(HCALL_VERSION, XENVER_version, 0)
#define OP_ENOSYS_PAGE     bench_hcall_page(HCALL_UNUSED, 0, 0)
#define OP_ENOSYS_SYSCALL  bench_hcall_syscall(HCALL_UNUSED, 0, 0)
#define OP_FAULT           bench_fault()
#define OP_RDMSR           rdmsr(MSR_FS_BASE)
#define OP_USYS            usys(USYS_ECHO, 0, 0)
#define OP_CPUID                                        \
    do {                                                \
        struct cpuid_res r_;                            \
        pv_cpuid(0x40000000, 0, &r_);                   \
    } while (0)

/* Fill bench_samples with the raw cycles of each batch of `op`. */
#define BENCH_LOOP(op)                                          \
    do {                                                        \
        unsigned int i_, j_;                                    \
        for (i_ = 0; i_ < BENCH_WARMUP; i_++)                   \
            op;                                                 \
        for (i_ = 0; i_ < BENCH_SAMPLES; i_++) {                \
            uint64_t t0_ = tsc_start();                         \
            for (j_ = 0; j_ < BENCH_BATCH; j_++)                \
                op;                                             \
            bench_samples[i_] = tsc_stop() - t0_;               \
        }                                                       \
    } while (0)

static void loop_none(void)
{
    BENCH_LOOP(OP_NONE);
}

static void loop_version_page(void)
{
    BENCH_LOOP(OP_VERSION_PAGE);
}

static void loop_version_syscall(void)
{
    BENCH_LOOP(OP_VERSION_SYSCALL);
}

static void loop_enosys_page(void)
{
    BENCH_LOOP(OP_ENOSYS_PAGE);
}

static void loop_enosys_syscall(void)
{
    BENCH_LOOP(OP_ENOSYS_SYSCALL);
}

static void loop_fault(void)
{
    BENCH_LOOP(OP_FAULT);
}

static void loop_rdmsr(void)
{
    BENCH_LOOP(OP_RDMSR);
}

static void loop_cpuid(void)
{
    BENCH_LOOP(OP_CPUID);
}


/* Runs in guest-user mode: the loop, then back to the kernel. */
static void user_loop_usys(void)
{
    BENCH_LOOP(OP_USYS);
    usys(USYS_EXIT, 0, 0);
}

static void loop_usys(void)
{
    long code = user_run(user_loop_usys);

    if (code)
        pvg_panic("bench: user loop exited with %ld", code);
}

/* Heapsort: no allocation, bounded time, fine for 10^4 samples. */
static void sift_down(uint64_t *a, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        uint64_t t;

        if (child >= n)
            return;
        if (child + 1 < n && a[child + 1] > a[child])
            child++;
        if (a[root] >= a[child])
            return;
        t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void sort_u64(uint64_t *a, size_t n)
{
    size_t i;

    for (i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (i = n; i-- > 1;) {
        uint64_t t = a[0];

        a[0] = a[i];
        a[i] = t;
        sift_down(a, 0, i);
    }
}

/* Per-operation cycles of a raw batch figure. */
static uint64_t per_op(uint64_t batch)
{
    return batch > bench_overhead ? (batch - bench_overhead) / BENCH_BATCH : 0;
}

static void bench_report(const char *row)
{
    sort_u64(bench_samples, BENCH_SAMPLES);
    printf("BENCH %s.min %lu cycles\n", row, per_op(bench_samples[0]));
    printf("BENCH %s.median %lu cycles\n", row,
           per_op(bench_samples[BENCH_SAMPLES / 2]));
    printf("BENCH %s.p90 %lu cycles\n", row,
           per_op(bench_samples[BENCH_SAMPLES * 9 / 10]));
}

/*
 * A row: a sanity check that the operation does what the row claims
 * (0 or a reason to skip), and the timed loop.
 */
struct bench_row {
    const char *name;
    const char *(*check)(void);
    void (*loop)(void);
};

static const char *check_version_page(void)
{
    return OP_VERSION_PAGE > 0 ? NULL : "xen_version(XENVER_version) failed";
}

static const char *check_version_syscall(void)
{
    return OP_VERSION_SYSCALL > 0 ? NULL : "xen_version(XENVER_version) failed";
}

static const char *check_enosys_page(void)
{
    return OP_ENOSYS_PAGE == -XEN_ENOSYS ? NULL : "hypercall 63 not -ENOSYS";
}

static const char *check_enosys_syscall(void)
{
    return OP_ENOSYS_SYSCALL == -XEN_ENOSYS ? NULL : "hypercall 63 not -ENOSYS";
}

static const char *check_fault(void)
{
    if (mm_set_pte(bench_guard, 0))
        return "cannot unmap the guard page";
    trap_reset();
    OP_FAULT;
    return last_trap.count == 1 && last_trap.vector == X86_EXC_PF &&
           last_trap.fixed_up ? NULL : "no #PF bounce";
}

/* A #GP that Xenia does not emulate would end in pvg_panic; FS_BASE is in
 * the emulated set (pvguest README), so only a silent bounce is left. */
static const char *check_rdmsr(void)
{
    trap_reset();
    OP_RDMSR;
    return last_trap.count == 0 ? NULL : "rdmsr bounced to the guest";
}

static const char *check_cpuid(void)
{
    struct cpuid_res r;

    trap_reset();
    pv_cpuid(0x40000000, 0, &r);
    if (last_trap.count)
        return "FEP cpuid bounced to the guest";
    return r.b == 0x566e6558 ? NULL : "leaf 0x40000000 is not XenVMMXenVMM";
}

static const char *check_usys(void)
{
    return user_init() ? "user_init failed" : NULL;
}

static const struct bench_row bench_rows[] = {
    { "null_hcall_page", check_version_page, loop_version_page },
    { "null_hcall_syscall", check_version_syscall, loop_version_syscall },
    { "enosys_hcall_page", check_enosys_page, loop_enosys_page },
    { "enosys_hcall_syscall", check_enosys_syscall, loop_enosys_syscall },
    { "pf_bounce", check_fault, loop_fault },
    { "user_syscall_bounce", check_usys, loop_usys },
    { "emul_rdmsr_fs_base", check_rdmsr, loop_rdmsr },
    { "fep_cpuid", check_cpuid, loop_cpuid },
};

static void bench_init(void)
{
    struct cpuid_res r;

    pv_cpuid(0x80000000, 0, &r);
    if (r.a >= 0x80000001) {
        pv_cpuid(0x80000001, 0, &r);
        bench_rdtscp = !!(r.d & (1U << 27));
    }
    loop_none();
    sort_u64(bench_samples, BENCH_SAMPLES);
    bench_overhead = bench_samples[BENCH_SAMPLES / 2];
}

int bench_main(void)
{
    uint64_t tsc = tsc_start();
    unsigned int i;

    /* The TSC counts from VM start (KVM zeroes it at vCPU reset, TCG
     * starts its tick count with the VM), so this dates the role's start
     * on the guest's own clock; run.sh converts with Xenia's TSC MHz. */
    printf("BENCH guest_tsc_at_bench_start %lu cycles\n", tsc);
    bench_init();
    printf("pvguest: bench: %u x %u operations per row, %s, "
           "timer overhead %lu cycles per batch\n",
           BENCH_SAMPLES, BENCH_BATCH,
           bench_rdtscp ? "rdtscp" : "lfence;rdtsc", bench_overhead);
    printf("BENCH tsc_overhead_per_batch %lu cycles\n", bench_overhead);
    for (i = 0; i < ARRAY_SIZE(bench_rows); i++) {
        const struct bench_row *b = &bench_rows[i];
        const char *why = b->check();

        if (why) {
            printf("BENCH-SKIP %s %s\n", b->name, why);
            continue;
        }
        b->loop();
        bench_report(b->name);
    }
    printf("pvguest: bench finished\n");
    return 0;
}
