/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the user programs: ring-3 code the kernel maps into every process (tests and the bench). */

/*
 * Built position-independent (pvguest.mk) and linked into the image's
 * user block (pvguest.lds), which every process maps read-only at
 * USER_TEXT_BASE: only RIP-relative references, no writable globals, no
 * calls into the kernel.  Each entry point takes (a0, a1) and ends with
 * SYS_exit; the exit code is the verdict the kernel's test checks.
 */
#pragma GCC visibility push(hidden)

#include <stdint.h>

#include "usys.h"

#define PAGE 4096UL

static inline long sys3(long nr, long a, long b, long c)
{
    long ret;
    register long rdx asm("rdx") = c;

    asm volatile("syscall"
                 : "=a"(ret)
                 : "0"(nr), "D"(a), "S"(b), "r"(rdx)
                 : "rcx", "r11", "memory");
    return ret;
}

static inline long sys0(long nr)
{
    return sys3(nr, 0, 0, 0);
}

static void __attribute__((noreturn)) sys_exit(long code)
{
    sys3(SYS_exit, code, 0, 0);
    for (;;)
        asm volatile("ud2");
}

static inline uint64_t utsc(void)
{
    uint32_t lo, hi;

    asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

void uprog_exit_code(long code, long unused)
{
    (void)unused;
    sys_exit(code);
}

void uprog_getpid(long unused0, long unused1)
{
    (void)unused0;
    (void)unused1;
    sys_exit(sys0(SYS_getpid));
}

void uprog_write(long unused0, long unused1)
{
    static const char msg[] = "user: hello from ring 3\n";
    long n = sys3(SYS_write, 1, (long)msg, sizeof(msg) - 1);

    (void)unused0;
    (void)unused1;
    sys_exit(n == (long)sizeof(msg) - 1 ? 0 : 1);
}

void uprog_yield(long count, long unused)
{
    long i;

    (void)unused;
    for (i = 0; i < count; i++)
        if (sys0(SYS_yield))
            sys_exit(1);
    sys_exit(0);
}

/* Bad buffers get -EFAULT, and the process lives on. */
void uprog_bad_write(long unused0, long unused1)
{
    long r1 = sys3(SYS_write, 1, 0xdead0000L, 10);
    long r2 = sys3(SYS_write, 1, (long)0xffffffff80000000UL, 10);
    long r3 = sys3(SYS_read, 1, 0, 1);
    long r4 = sys3(SYS_munmap, 0x1234, 1, 0);
    long r5 = sys3(99, 0, 0, 0);
    long r6 = sys3(SYS_mmap, 0, MMAP_WRITE, 0);
    long r7 = sys3(SYS_mmap, 4L << 30, MMAP_WRITE, 0);
    long r8 = sys3(SYS_mmap, (long)PAGE, 0x100, 0);
    long r9 = sys3(SYS_close, 99, 0, 0);
    long r10 = sys3(SYS_pipe, 0xdead0000L, 0, 0);
    int fds[2];
    long r11 = sys3(SYS_pipe, (long)fds, 0, 0);
    long r12 = r11 ? -1 : sys3(SYS_write, fds[0], (long)&r11, 1);

    (void)unused0;
    (void)unused1;
    if (r1 != -UERR_FAULT)
        sys_exit(1);
    if (r2 != -UERR_FAULT)
        sys_exit(2);
    if (r3 != -UERR_BADF)
        sys_exit(3);
    if (r4 != -UERR_INVAL)
        sys_exit(4);
    if (r5 != -UERR_NOSYS)
        sys_exit(5);
    if (r6 != -UERR_INVAL || r7 != -UERR_INVAL || r8 != -UERR_INVAL)
        sys_exit(6);
    /* A bad fd; a pipe that cannot tell its fds takes none; a read end. */
    if (r9 != -UERR_BADF || r10 != -UERR_FAULT || r11 != 0 || r12 != -UERR_BADF)
        sys_exit(7);
    sys_exit(fds[0] == 3 && fds[1] == 4 ? 0 : 8);
}

/* mmap'd memory reads as zero, holds what is written, and goes away. */
void uprog_demand_zero(long pages, long unused)
{
    long base = sys3(SYS_mmap, pages * (long)PAGE, MMAP_WRITE, 0);
    volatile uint64_t *p = (volatile uint64_t *)base;
    long i;

    (void)unused;
    if (base < 0)
        sys_exit(1);
    for (i = 0; i < pages; i++)
        if (p[i * (long)(PAGE / 8)] != 0)
            sys_exit(2);
    for (i = 0; i < pages; i++)
        p[i * (long)(PAGE / 8) + 7] = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
    for (i = 0; i < pages; i++)
        if (p[i * (long)(PAGE / 8) + 7] != (uint64_t)i * 0x9e3779b97f4a7c15ULL)
            sys_exit(3);
    if (sys3(SYS_munmap, base, pages * (long)PAGE, 0))
        sys_exit(4);
    sys_exit(0);
}

/* A fault handler that itself faults is not run again: the process dies. */
void uprog_handler_faults(long unused0, long unused1)
{
    (void)unused0;
    (void)unused1;
    if (sys3(SYS_fault_handler, 0x1000, 0, 0))    /* nothing mapped there */
        sys_exit(1);
    *(volatile char *)0x2000 = 1;
    sys_exit(2);
}

/*
 * mmap hands out addresses below the stack: past the room there, -ENOMEM;
 * unmapping the last mapping gives its room back.
 */
void uprog_mmap_room(long unused0, long unused1)
{
    long a = sys3(SYS_mmap, 1L << 30, MMAP_WRITE, 0), b;

    (void)unused0;
    (void)unused1;
    if (a < 0)
        sys_exit(1);
    b = sys3(SYS_mmap, 1L << 30, MMAP_WRITE, 0);
    if (b != -UERR_NOMEM)
        sys_exit(2);
    if (sys3(SYS_munmap, a, 1L << 30, 0))
        sys_exit(3);
    b = sys3(SYS_mmap, 1L << 30, MMAP_WRITE, 0);
    sys_exit(b == a ? 0 : 4);
}

/* Touching memory after munmap must kill the process. */
void uprog_munmap_fault(long unused0, long unused1)
{
    long base = sys3(SYS_mmap, PAGE, MMAP_WRITE, 0);
    volatile char *p = (volatile char *)base;

    (void)unused0;
    (void)unused1;
    p[0] = 1;
    if (sys3(SYS_munmap, base, PAGE, 0))
        sys_exit(1);
    p[0] = 2;
    sys_exit(2);
}

/* Writing our own (read-only, shared) text must kill the process. */
void uprog_protection_fault(long unused0, long unused1)
{
    (void)unused0;
    (void)unused1;
    *(volatile char *)(uintptr_t)uprog_protection_fault = 0;
    sys_exit(1);
}

/* The kernel's memory is not ours to read. */
void uprog_kernel_read(long unused0, long unused1)
{
    (void)unused0;
    (void)unused1;
    (void)*(volatile long *)0xffffffff80000000UL;
    sys_exit(1);
}

/* Ring 3 may not disable interrupts. */
void uprog_privileged(long unused0, long unused1)
{
    (void)unused0;
    (void)unused1;
    asm volatile("cli");
    sys_exit(1);
}

/* fork copies the address space: the child's writes stay its own. */
void uprog_fork(long unused0, long unused1)
{
    long base = sys3(SYS_mmap, PAGE, MMAP_WRITE, 0);
    volatile long *shared = (volatile long *)base;
    volatile long local = 7;
    long pid, code;

    (void)unused0;
    (void)unused1;
    if (base < 0)
        sys_exit(1);
    *shared = 100;
    pid = sys0(SYS_fork);
    if (pid < 0)
        sys_exit(2);
    if (pid == 0) {
        local = 8;
        *shared = 200;
        sys_exit(local + *shared == 208 ? 42 : 3);
    }
    code = sys3(SYS_wait, pid, 0, 0);
    if (code != 42)
        sys_exit(code == 3 ? 3 : 4);
    if (local != 7 || *shared != 100)
        sys_exit(5);
    if (sys3(SYS_wait, pid, 0, 0) != -UERR_CHILD)
        sys_exit(6);
    sys_exit(0);
}

/*
 * x87/SSE state is the process's own: xmm0 and MXCSR (its rounding bits)
 * set from the seed survive `rounds` yields to other processes doing the
 * same with other seeds; fork hands the child the parent's registers.
 * (This file is built without SSE code of its own: only the asm uses it.)
 */
static inline void fpu_set(uint64_t x, uint32_t mxcsr)
{
    asm volatile("movq %0, %%xmm0\n\tldmxcsr %1" :: "r"(x), "m"(mxcsr));
}

static inline int fpu_check(uint64_t x, uint32_t mxcsr)
{
    uint64_t got;
    uint32_t mx;

    asm volatile("movq %%xmm0, %0\n\tstmxcsr %1" : "=r"(got), "=m"(mx));
    return got == x && mx == mxcsr;
}

void uprog_fpu(long seed, long rounds)
{
    uint64_t x = (uint64_t)seed * 0x0101010101010101ULL;
    uint32_t mxcsr = 0x1f80 | (((uint32_t)seed & 3) << 13);
    long i, pid, code;

    fpu_set(x, mxcsr);
    for (i = 0; i < rounds; i++) {
        if (sys0(SYS_yield))
            sys_exit(1);
        if (!fpu_check(x, mxcsr))
            sys_exit(2);
    }
    pid = sys0(SYS_fork);
    if (pid < 0)
        sys_exit(3);
    if (pid == 0) {
        if (!fpu_check(x, mxcsr))
            sys_exit(44);
        fpu_set(~x, 0x1f80);            /* the parent must not see this */
        sys0(SYS_yield);
        sys_exit(fpu_check(~x, 0x1f80) ? 42 : 45);
    }
    code = sys3(SYS_wait, pid, 0, 0);
    if (code != 42)
        sys_exit(code == 44 || code == 45 ? code : 4);
    sys_exit(fpu_check(x, mxcsr) ? 0 : 5);
}

/* Fork until the kernel says no; every child then exits and is reaped. */
void uprog_fork_limit(long unused0, long unused1)
{
    long pids[64], n = 0, pid, i;

    (void)unused0;
    (void)unused1;
    for (;;) {
        pid = sys0(SYS_fork);
        if (pid == 0) {
            sys0(SYS_yield);
            sys_exit(7);
        }
        if (pid < 0)
            break;
        if (n == 64)
            sys_exit(1);                /* the limit never came */
        pids[n++] = pid;
    }
    if (pid != -UERR_NOMEM || n == 0)
        sys_exit(2);
    for (i = 0; i < n; i++)
        if (sys3(SYS_wait, pids[i], 0, 0) != 7)
            sys_exit(3);
    sys_exit(0);
}

/* Touch fresh memory until the kernel runs out of frames and kills us. */
void uprog_exhaust(long unused0, long unused1)
{
    (void)unused0;
    (void)unused1;
    for (;;) {
        long base = sys3(SYS_mmap, 256L << 20, MMAP_WRITE, 0), i;

        if (base < 0)
            sys_exit(1);
        for (i = 0; i < (256L << 20); i += (long)PAGE)
            *(volatile char *)(base + i) = 1;
    }
}

/* Two processes pass a counter back and forth through two pipes. */
void uprog_pipe_pingpong(long rounds, long unused)
{
    int to_child[2], to_parent[2];
    long i, v, pid;

    (void)unused;
    if (sys3(SYS_pipe, (long)to_child, 0, 0) ||
        sys3(SYS_pipe, (long)to_parent, 0, 0))
        sys_exit(1);
    pid = sys0(SYS_fork);
    if (pid < 0)
        sys_exit(2);
    if (pid == 0) {
        /* Only the parent writes to_child: its close must end our reads. */
        sys3(SYS_close, to_child[1], 0, 0);
        sys3(SYS_close, to_parent[0], 0, 0);
        for (;;) {
            long n = sys3(SYS_read, to_child[0], (long)&v, sizeof(v));

            if (n == 0)
                sys_exit(0);            /* the parent closed its end */
            if (n != sizeof(v))
                sys_exit(3);
            v++;
            if (sys3(SYS_write, to_parent[1], (long)&v, sizeof(v)) != sizeof(v))
                sys_exit(4);
        }
    }
    sys3(SYS_close, to_child[0], 0, 0);
    sys3(SYS_close, to_parent[1], 0, 0);
    for (i = 0; i < rounds; i++) {
        if (sys3(SYS_write, to_child[1], (long)&i, sizeof(i)) != sizeof(i))
            sys_exit(5);
        if (sys3(SYS_read, to_parent[0], (long)&v, sizeof(v)) != sizeof(v))
            sys_exit(6);
        if (v != i + 1)
            sys_exit(7);
    }
    sys3(SYS_close, to_child[1], 0, 0);
    sys_exit(sys3(SYS_wait, pid, 0, 0) == 0 ? 0 : 8);
}

/* Spin without a system call until the kernel sets the flag (preemption). */
void uprog_spin_until(long flag_va, long unused)
{
    (void)unused;
    while (!*(volatile long *)flag_va)
        ;
    sys_exit(0);
}

/* ---- the bench: each row fills ub->cycles[] with one batch per sample ---- */

/* A write to a read-only page; the fault handler returns for us. */
void uprot_touch(volatile char *p);
void uprot_handler(void);
asm(".pushsection .text\n"
    "uprot_touch:\n\t"
    "movb $1, (%rdi)\n\t"
    "ret\n"
    "uprot_handler:\n\t"        /* RSP as at the fault: back to the caller */
    "ret\n"
    ".popsection");

static long bench_null_syscall(struct ubench *ub)
{
    unsigned long s, i;

    for (s = 0; s < ub->samples; s++) {
        uint64_t t0 = utsc();

        for (i = 0; i < ub->batch; i++)
            sys0(SYS_getpid);
        ub->cycles[s] = utsc() - t0;
    }
    return 0;
}

static long bench_page_fault(struct ubench *ub)
{
    unsigned long s, i;

    for (s = 0; s < ub->samples; s++) {
        long base = sys3(SYS_mmap, (long)(ub->batch * PAGE), MMAP_WRITE, 0);
        volatile char *p = (volatile char *)base;
        uint64_t t0;

        if (base < 0)
            return 1;
        t0 = utsc();
        for (i = 0; i < ub->batch; i++)
            p[i * PAGE] = 1;
        ub->cycles[s] = utsc() - t0;
        if (sys3(SYS_munmap, base, (long)(ub->batch * PAGE), 0))
            return 2;
    }
    return 0;
}

static long bench_prot_fault(struct ubench *ub)
{
    long base = sys3(SYS_mmap, PAGE, MMAP_POPULATE, 0);
    unsigned long s, i;

    if (base < 0 || sys3(SYS_fault_handler, (long)uprot_handler, 0, 0))
        return 1;
    for (s = 0; s < ub->samples; s++) {
        uint64_t t0 = utsc();

        for (i = 0; i < ub->batch; i++)
            uprot_touch((volatile char *)base);
        ub->cycles[s] = utsc() - t0;
    }
    return 0;
}

/* Two processes yielding to each other: every yield is a switch. */
static long bench_ctx_switch(struct ubench *ub)
{
    unsigned long s, i, total = ub->samples * ub->batch;
    long pid = sys0(SYS_fork);

    if (pid < 0)
        return 1;
    if (pid == 0) {
        for (i = 0; i < total; i++)
            sys0(SYS_yield);
        sys_exit(0);
    }
    for (s = 0; s < ub->samples; s++) {
        uint64_t t0 = utsc();

        for (i = 0; i < ub->batch; i++)
            sys0(SYS_yield);
        ub->cycles[s] = utsc() - t0;
    }
    return sys3(SYS_wait, pid, 0, 0) ? 2 : 0;
}

/* fork of a process with ub->pages touched pages, the child's exit, wait. */
static long bench_fork(struct ubench *ub)
{
    long base = sys3(SYS_mmap, (long)(ub->pages * PAGE),
                     MMAP_WRITE | MMAP_POPULATE, 0);
    unsigned long s;

    if (base < 0)
        return 1;
    for (s = 0; s < ub->samples; s++) {
        uint64_t t0 = utsc();
        long pid = sys0(SYS_fork);

        if (pid == 0)
            sys_exit(0);
        if (pid < 0 || sys3(SYS_wait, pid, 0, 0))
            return 2;
        ub->cycles[s] = utsc() - t0;
    }
    return 0;
}

/* mmap of ub->pages pages, populated, and munmap. */
static long bench_mmap(struct ubench *ub)
{
    unsigned long s;

    for (s = 0; s < ub->samples; s++) {
        uint64_t t0 = utsc();
        long base = sys3(SYS_mmap, (long)(ub->pages * PAGE),
                         MMAP_WRITE | MMAP_POPULATE, 0);

        if (base < 0 || sys3(SYS_munmap, base, (long)(ub->pages * PAGE), 0))
            return 1;
        ub->cycles[s] = utsc() - t0;
    }
    return 0;
}

/* Integer work with no system call and no fault: should cost the same anywhere. */
static long bench_compute(struct ubench *ub)
{
    unsigned long s, i;
    uint64_t x = 88172645463325252ULL;

    for (s = 0; s < ub->samples; s++) {
        uint64_t t0 = utsc();

        for (i = 0; i < ub->batch; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        ub->cycles[s] = utsc() - t0;
    }
    return x == 0 ? 3 : 0;
}

void uprog_bench(long shared_va, long row)
{
    struct ubench *ub = (struct ubench *)shared_va;
    long rc;

    switch (row) {
    case UB_NULL_SYSCALL:
        rc = bench_null_syscall(ub);
        break;
    case UB_PAGE_FAULT:
        rc = bench_page_fault(ub);
        break;
    case UB_PROT_FAULT:
        rc = bench_prot_fault(ub);
        break;
    case UB_CTX_SWITCH:
        rc = bench_ctx_switch(ub);
        break;
    case UB_FORK:
        rc = bench_fork(ub);
        break;
    case UB_MMAP:
        rc = bench_mmap(ub);
        break;
    case UB_COMPUTE:
        rc = bench_compute(ub);
        break;
    default:
        rc = 9;
        break;
    }
    sys_exit(rc);
}
