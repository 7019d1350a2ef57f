/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the kernel's bench role: lmbench-style rows measured in ring 3, printed as BENCH lines. */
#include "kern.h"
#include "arch.h"
#include "pvpatch.h"
#include "tsc.h"

/*
 * Each row runs in a fresh process (uprog_bench) that times batches of
 * operations with the TSC and writes one figure per batch into a page
 * the kernel shares with it.  We print min, median and p90 per operation:
 *     BENCH lmb.<row>.<stat> <value> cycles
 * tests/bench/pvkernel.py runs this role natively, on Xenia and on Xen and
 * prints the ratios.  The same code runs everywhere; only pv differs.
 */
struct row {
    const char *name;
    enum ubench_row id;
    unsigned long batch, samples, pages;
    unsigned long per_batch;            /* operations a batch counts as */
};

#define FORK_PAGES  256
#define MMAP_PAGES  256

static const struct row rows[] = {
    { "syscall", UB_NULL_SYSCALL, 100, 256, 0, 100 },
    { "page_fault", UB_PAGE_FAULT, 64, 64, 0, 64 },
    { "prot_fault", UB_PROT_FAULT, 20, 128, 0, 20 },
    { "ctxsw", UB_CTX_SWITCH, 50, 128, 0, 100 },        /* 2 switches per yield */
    { "fork", UB_FORK, 1, 32, FORK_PAGES, 1 },
    { "mmap", UB_MMAP, 1, 64, MMAP_PAGES, 1 },
    { "compute", UB_COMPUTE, 100000, 32, 0, 1 },
};

static void report(const char *row, const char *stat, uint64_t v)
{
    printf("BENCH lmb.%s.%s %lu cycles\n", row, stat, (unsigned long)v);
}

static int run_row(const struct row *r)
{
    unsigned long pfn = frame_alloc(), i, n;
    struct ubench *ub = pfn_to_virt(pfn);
    struct proc *p;
    int code;

    if (!pfn)
        return -1;
    memset(ub, 0, PAGE_SIZE);
    ub->batch = r->batch;
    ub->samples = r->samples;
    ub->pages = r->pages;
    p = proc_spawn(uprog_bench, USER_SHARED_VA, r->id);
    if (!p) {
        frame_free(pfn);
        return -1;
    }
    /* Shared before it first runs. */
    if (proc_map_page(p, USER_SHARED_VA, pfn, 1))
        pvg_panic("bench: sharing the result page failed");
    proc_start(p);
    code = proc_wait(p);
    if (code) {
        printf("BENCH-SKIP lmb.%s the measuring process exited with %d\n",
               r->name, code);
        frame_free(pfn);
        return -1;
    }
    n = r->samples;
    for (i = 0; i < n; i++)
        ub->cycles[i] /= r->per_batch;
    sort_u64(ub->cycles, n);
    report(r->name, "min", ub->cycles[0]);
    report(r->name, "median", ub->cycles[n / 2]);
    report(r->name, "p90", ub->cycles[n * 9 / 10]);
    frame_free(pfn);
    return 0;
}

/*
 * In the kernel: the interrupt-state triple every critical section pays
 * (save, disable, restore), 1,000 per sample.  The row that shows what
 * call-site patching buys ("nopvpatch" keeps the indirect calls).
 */
static void irq_row(void)
{
    static uint64_t samples[256];
    unsigned int s, i;
    int rdtscp = tsc_has_rdtscp();

    for (s = 0; s < ARRAY_SIZE(samples); s++) {
        uint64_t t0 = tsc_start();

        for (i = 0; i < 1000; i++) {
            unsigned long flags = pv_save_fl();

            pv_irq_disable();
            pv_restore_fl(flags);
        }
        samples[s] = (tsc_stop(rdtscp) - t0) / 1000;
    }
    sort_u64(samples, ARRAY_SIZE(samples));
    report("irq_triple", "min", samples[0]);
    report("irq_triple", "median", samples[ARRAY_SIZE(samples) / 2]);
    report("irq_triple", "p90", samples[ARRAY_SIZE(samples) * 9 / 10]);
}

int kbench_main(void)
{
    unsigned int i;
    int failed = 0;

    irq_row();
    printf("BENCH lmb.fork.pages %d pages\n", FORK_PAGES);
    printf("BENCH lmb.mmap.pages %d pages\n", MMAP_PAGES);
    for (i = 0; i < ARRAY_SIZE(rows); i++)
        if (run_row(&rows[i]))
            failed++;
    printf("pvguest: bench finished (%s)\n", pv->name);
    return failed ? 1 : 0;
}
