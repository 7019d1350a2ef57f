/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the bench role: TSC cycle counts of hypercalls, bounces, emulation and the PV MMU as BENCH lines. */
#include "pvguest.h"
#include "arch.h"
#include "hypercall.h"
#include "tests.h"
#include "tsc.h"

/*
 * Every row times BENCH_SAMPLES batches of BENCH_BATCH operations (the PV
 * MMU rows at the end choose their own counts) between two TSC reads,
 * subtracts the median cost of an empty batch (the timer's own overhead)
 * and divides by the batch size; min, median and p90 of the
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
static uint64_t bench_samples2[BENCH_SAMPLES];  /* a row's second half (unpin) */
static uint64_t bench_overhead;         /* median cycles of an empty batch */
static int bench_rdtscp;                /* CPUID 0x80000001 EDX[27] */
static uint8_t bench_guard[PAGE_SIZE] __page_aligned_bss;

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
            bench_samples[i_] = tsc_stop(bench_rdtscp) - t0_;   \
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

void sort_u64(uint64_t *a, size_t n)
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

/* Per-operation cycles of a raw batch figure of `ops` operations. */
static uint64_t per_op(uint64_t batch, unsigned int ops)
{
    return batch > bench_overhead ? (batch - bench_overhead) / ops : 0;
}

/* min, median and p90 of n samples, each covering `ops` operations. */
static void bench_report_n(const char *row, uint64_t *s, unsigned int n,
                           unsigned int ops)
{
    sort_u64(s, n);
    printf("BENCH %s.min %lu cycles\n", row, per_op(s[0], ops));
    printf("BENCH %s.median %lu cycles\n", row, per_op(s[n / 2], ops));
    printf("BENCH %s.p90 %lu cycles\n", row, per_op(s[n * 9 / 10], ops));
}

static void bench_report(const char *row)
{
    bench_report_n(row, bench_samples, BENCH_SAMPLES, BENCH_BATCH);
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

/* ---- The PV MMU rows ---------------------------------------------------- */

/*
 * A private 4-level tree in spare frames (pfns the boot layout never maps):
 * L4[0] -> L3[0] -> L2[0] -> L1, whose 512 entries map 512 more spare frames
 * read-write.  Per row, what one operation is:
 *   mmu_update_batched  one L1 entry, written in a single mmu_update call of
 *                       512 entries: a call that maps all 512 frames, then
 *                       one that clears them (cycles / 1024 entries)
 *   mmu_update_single   one L1 entry, one mmu_update call each (map, clear)
 *   pin_l4_tree         MMUEXT_PIN_L4_TABLE of the tree with its L1 full and
 *                       nothing typed: four tables validated, 512 writable
 *                       type references taken
 *   unpin_l4_tree       MMUEXT_UNPIN_TABLE of it: all of that released
 *   uvm_invlpg          update_va_mapping(UVMF_INVLPG) of one of our pages,
 *                       onto a second frame and back
 *   ptwr_mov            a plain mov of one entry into the pinned L1, which we
 *                       map read-only: #PF, decoded, validated and written by
 *                       the hypervisor (an entry, then zero)
 * Each row checks first that its operation has the effect it claims (the
 * entry really changed, the page really remapped, the tree really pinned).
 * Every row leaves entries, pins and mappings as it found them; at the end
 * the tree is unpinned and cleared, and where Xenia's debug hypercall exists
 * every frame's counts are compared with their values before the rows.
 */
#define MMU_ENTRIES     512
#define MMU_TABLES      4
#define MMU_FRAMES      (MMU_TABLES + MMU_ENTRIES)
#define MMU_BIG_SAMPLES 100     /* batched and pin rows: one 512-entry call */
#define MMU_SAMPLES     1000    /* the other rows: 5 pairs of operations */
#define MMU_PAIRS       5
#define MMU_TBL_FLAGS   (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define MMU_DATA_FLAGS  (MMU_TBL_FLAGS | _PAGE_DIRTY)
#define MMU_ENTRY(mfn, fl) (((uint64_t)(mfn) << PAGE_SHIFT) | (fl))
#define MMU_SLOT(mfn, i)   (((uint64_t)(mfn) << PAGE_SHIFT) + (i) * 8UL)

enum { M_L4, M_L3, M_L2, M_L1, M_DATA };

static unsigned long mmu_frames[MMU_FRAMES];
static struct xenia_page_info mmu_before[MMU_FRAMES];
static int mmu_have_debug;
static int mmu_built;                   /* the tables were cleared and pinned */
static long mmu_free0;
static mmu_update_t mmu_map_reqs[MMU_ENTRIES], mmu_unmap_reqs[MMU_ENTRIES];
static unsigned int mmu_next;           /* L1 slot of the next per-entry op */
static unsigned long mmu_errors;        /* failed calls in a timed loop */
static uint8_t uvm_pages[2][PAGE_SIZE] __page_aligned_bss;
static uint64_t uvm_pte[2];             /* uvm_pages[0]'s va -> frame 0 / 1 */
static uint8_t ptwr_window[PAGE_SIZE] __page_aligned_bss; /* our L1, read-only */
static uint64_t ptwr_window_pte;        /* the window's own mapping, or 0 */
static struct mmuext_op mmu_pin_op, mmu_unpin_op;

static long mmu_ext(unsigned int cmd, unsigned long mfn)
{
    struct mmuext_op op;

    memset(&op, 0, sizeof(op));
    op.cmd = cmd;
    op.arg1.mfn = mfn;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* 0 when all n updates were applied. */
static long mmu_batch(mmu_update_t *reqs, unsigned int n)
{
    unsigned int done = 0;
    long rc = HYPERVISOR_mmu_update(reqs, n, &done, DOMID_SELF);

    return rc ? rc : done == n ? 0 : -XEN_EIO;
}

/* Slot i of our L1 holds what mmu_map_reqs[i] writes (mapped: 1) or 0. */
static int l1_slot_is(unsigned int i, int mapped)
{
    uint64_t v = mm_peek(mmu_frames[M_L1], i);

    if (!mapped)
        return v == 0;
    return (v & PTE_MFN_MASK) == (mmu_map_reqs[i].val & PTE_MFN_MASK) &&
           (v & (_PAGE_PRESENT | _PAGE_RW)) == (_PAGE_PRESENT | _PAGE_RW);
}

/* Pick the frames, build the empty tree (pinned) and the request lists. */
static const char *mmu_setup(void)
{
    struct mmuext_op ops[MMU_TABLES + 1];
    mmu_update_t links[3];
    unsigned int i;

    for (i = 0; i < MMU_FRAMES; i++) {
        mmu_frames[i] = mm_spare_mfn(i);
        if (!mmu_frames[i])
            return "fewer than 516 spare frames";
    }
    mmu_free0 = HYPERVISOR_xenia_debug_op(XENIA_DEBUG_FREE_FRAMES, NULL);
    mmu_have_debug = mmu_free0 >= 0;
    for (i = 0; mmu_have_debug && i < MMU_FRAMES; i++)
        if (mm_page_info(mmu_frames[i], &mmu_before[i]))
            return "debug page info failed";
    memset(ops, 0, sizeof(ops));
    for (i = 0; i < MMU_TABLES; i++) {
        ops[i].cmd = MMUEXT_CLEAR_PAGE;
        ops[i].arg1.mfn = mmu_frames[i];
    }
    ops[i].cmd = MMUEXT_PIN_L4_TABLE;
    ops[i].arg1.mfn = mmu_frames[M_L4];
    if (HYPERVISOR_mmuext_op(ops, MMU_TABLES + 1, NULL, DOMID_SELF))
        return "cannot clear the tables and pin the L4";
    mmu_built = 1;
    links[0] = (mmu_update_t){ MMU_SLOT(mmu_frames[M_L4], 0),
                               MMU_ENTRY(mmu_frames[M_L3], MMU_TBL_FLAGS) };
    links[1] = (mmu_update_t){ MMU_SLOT(mmu_frames[M_L3], 0),
                               MMU_ENTRY(mmu_frames[M_L2], MMU_TBL_FLAGS) };
    links[2] = (mmu_update_t){ MMU_SLOT(mmu_frames[M_L2], 0),
                               MMU_ENTRY(mmu_frames[M_L1], MMU_TBL_FLAGS) };
    if (mmu_batch(links, 3))
        return "cannot link L4 -> L3 -> L2 -> L1";
    for (i = 0; i < MMU_ENTRIES; i++) {
        mmu_map_reqs[i] = (mmu_update_t){
            MMU_SLOT(mmu_frames[M_L1], i),
            MMU_ENTRY(mmu_frames[M_DATA + i], MMU_DATA_FLAGS) };
        mmu_unmap_reqs[i] = (mmu_update_t){ MMU_SLOT(mmu_frames[M_L1], i), 0 };
    }
    mmu_pin_op.cmd = MMUEXT_PIN_L4_TABLE;
    mmu_pin_op.arg1.mfn = mmu_frames[M_L4];
    mmu_unpin_op.cmd = MMUEXT_UNPIN_TABLE;
    mmu_unpin_op.arg1.mfn = mmu_frames[M_L4];
    return NULL;
}

/* Unpin (if still pinned) and clear the tables; check every frame's counts. */
static void mmu_teardown(void)
{
    struct xenia_page_info pi;
    unsigned int i, bad = 0;

    mmu_ext(MMUEXT_UNPIN_TABLE, mmu_frames[M_L4]);
    for (i = 0; i < MMU_TABLES; i++)
        if (mmu_ext(MMUEXT_CLEAR_PAGE, mmu_frames[i]))
            printf("pvguest: bench: cannot clear table frame %#lx\n", mmu_frames[i]);
    if (!mmu_have_debug) {
        printf("pvguest: bench: MMU rows done (frame counts not checked: "
               "no debug hypercall)\n");
        return;
    }
    for (i = 0; i < MMU_FRAMES; i++) {
        if (mm_page_info(mmu_frames[i], &pi) ||
            pi.count != mmu_before[i].count ||
            pi.type_count != mmu_before[i].type_count) {
            if (!bad++)
                printf("pvguest: bench: frame %u (mfn %#lx): count %u type_count "
                       "%u, was %u %u\n", i, mmu_frames[i], pi.count,
                       pi.type_count, mmu_before[i].count,
                       mmu_before[i].type_count);
        }
    }
    if (HYPERVISOR_xenia_debug_op(XENIA_DEBUG_FREE_FRAMES, NULL) != mmu_free0)
        bad++;
    printf("pvguest: bench: MMU rows done, %s\n",
           bad ? "frame counts NOT restored" : "every frame's counts restored");
}

static const char *check_mmu_batched(void)
{
    if (mmu_batch(mmu_map_reqs, MMU_ENTRIES))
        return "mmu_update of 512 entries failed";
    if (!l1_slot_is(0, 1) || !l1_slot_is(MMU_ENTRIES - 1, 1))
        return "L1 entries not written";
    if (mmu_batch(mmu_unmap_reqs, MMU_ENTRIES))
        return "clearing 512 entries failed";
    return l1_slot_is(0, 0) && l1_slot_is(MMU_ENTRIES - 1, 0) ? NULL
                                                            : "L1 entries not cleared";
}

static const char *check_mmu_single(void)
{
    if (mmu_batch(&mmu_map_reqs[7], 1) || !l1_slot_is(7, 1))
        return "mmu_update of one entry did not write it";
    if (mmu_batch(&mmu_unmap_reqs[7], 1) || !l1_slot_is(7, 0))
        return "mmu_update of one entry did not clear it";
    return NULL;
}

static long uvm_to(unsigned int which)
{
    return HYPERVISOR_update_va_mapping((unsigned long)uvm_pages[0], uvm_pte[which],
                                        UVMF_INVLPG | UVMF_LOCAL);
}

/* The remap must show through the TLB at once: that is what INVLPG buys. */
static const char *check_uvm(void)
{
    volatile uint8_t *p = uvm_pages[0];
    uint64_t *l1e = pte_lookup(uvm_pages[0]);

    if (!l1e)
        return "no PTE for the page";
    uvm_pte[0] = *l1e;
    uvm_pte[1] = (uvm_pte[0] & ~PTE_MFN_MASK) |
                 ((uint64_t)virt_to_mfn(uvm_pages[1]) << PAGE_SHIFT);
    p[0] = 0xa0;
    ((volatile uint8_t *)uvm_pages[1])[0] = 0xb1;
    if (uvm_to(1))
        return "update_va_mapping failed";
    if (p[0] != 0xb1) {
        uvm_to(0);
        return "page not remapped after UVMF_INVLPG";
    }
    if (uvm_to(0))
        pvg_panic("bench: cannot map our page back");
    return p[0] == 0xa0 ? NULL : "page not mapped back after UVMF_INVLPG";
}

static inline void ptwr_store(volatile uint64_t *p, uint64_t v)
{
    asm volatile("1: mov %1, (%0)\n\t2:\n\t" EXTABLE(1b, 2b)
                 :: "r"(p), "r"(v) : "memory");
}

/* Map our pinned L1 read-only at ptwr_window; one store in each direction. */
static const char *check_ptwr(void)
{
    volatile uint64_t *l1 = (volatile uint64_t *)ptwr_window;
    uint64_t *l1e = pte_lookup(ptwr_window), ro;

    if (!l1e)
        return "no PTE for the window";
    ro = (*l1e & ~(PTE_MFN_MASK | _PAGE_RW)) |
         ((uint64_t)mmu_frames[M_L1] << PAGE_SHIFT);
    ptwr_window_pte = *l1e;
    if (mm_set_pte(ptwr_window, ro)) {
        ptwr_window_pte = 0;
        return "cannot map the L1 read-only";
    }
    trap_reset();
    ptwr_store(&l1[3], mmu_map_reqs[3].val);
    if (last_trap.count)
        return "mov into the L1 bounced: no page-table write emulation";
    /* Compared under the mask: Xen adds _PAGE_GLOBAL to user mappings. */
    if (!l1_slot_is(3, 1) || (l1[3] & PTE_MFN_MASK) != (mmu_map_reqs[3].val & PTE_MFN_MASK))
        return "the emulated mov did not write the entry";
    ptwr_store(&l1[3], 0);
    if (last_trap.count || !l1_slot_is(3, 0) || l1[3])
        return "the emulated mov did not clear the entry";
    return NULL;
}

static void fini_ptwr(void)
{
    if (ptwr_window_pte && mm_set_pte(ptwr_window, ptwr_window_pte))
        pvg_panic("bench: cannot map the ptwr window back");
    ptwr_window_pte = 0;
}

/*
 * Fill the L1 and unpin: from here the tree is plain frames, nothing typed
 * (the state of a tree just built).  Then one checked pin and unpin.
 */
static const char *check_pin(void)
{
    struct xenia_page_info pi;

    if (mmu_batch(mmu_map_reqs, MMU_ENTRIES) || !l1_slot_is(MMU_ENTRIES - 1, 1))
        return "cannot fill the L1";
    if (mmu_ext(MMUEXT_UNPIN_TABLE, mmu_frames[M_L4]))
        return "cannot unpin the tree";
    if (mmu_ext(MMUEXT_PIN_L4_TABLE, mmu_frames[M_L4]))
        return "PIN_L4_TABLE of the full tree failed";
    if (mmu_ext(MMUEXT_PIN_L4_TABLE, mmu_frames[M_L4]) != -XEN_EINVAL)
        return "a second PIN_L4_TABLE was not -EINVAL: not pinned";
    if (mmu_have_debug) {
        if (mm_page_info(mmu_frames[M_L1], &pi) || pi.type != 1 ||
            !(pi.flags & XENIA_PGF_VALIDATED))
            return "the pinned tree's L1 is not a validated L1";
        if (mm_page_info(mmu_frames[M_DATA + 511], &pi) ||
            pi.type != XENIA_PGT_WRITABLE ||
            pi.type_count != mmu_before[M_DATA + 511].type_count + 1)
            return "the L1's last frame holds no writable reference";
    }
    if (mmu_ext(MMUEXT_UNPIN_TABLE, mmu_frames[M_L4]))
        return "UNPIN_TABLE failed";
    if (mmu_ext(MMUEXT_UNPIN_TABLE, mmu_frames[M_L4]) != -XEN_EINVAL)
        return "a second UNPIN_TABLE was not -EINVAL: still pinned";
    if (mmu_have_debug &&
        (mm_page_info(mmu_frames[M_DATA + 511], &pi) ||
         pi.type_count != mmu_before[M_DATA + 511].type_count))
        return "unpinning left a writable reference";
    return NULL;
}

static void op_mmu_batched(void)
{
    mmu_errors += mmu_batch(mmu_map_reqs, MMU_ENTRIES) != 0;
    mmu_errors += mmu_batch(mmu_unmap_reqs, MMU_ENTRIES) != 0;
}

static void op_mmu_single(void)
{
    unsigned int i = mmu_next++ % MMU_ENTRIES;

    mmu_errors += mmu_batch(&mmu_map_reqs[i], 1) != 0;
    mmu_errors += mmu_batch(&mmu_unmap_reqs[i], 1) != 0;
}

static void op_uvm(void)
{
    mmu_errors += uvm_to(1) != 0;
    mmu_errors += uvm_to(0) != 0;
}

static void op_ptwr(void)
{
    volatile uint64_t *l1 = (volatile uint64_t *)ptwr_window;
    unsigned int i = mmu_next++ % MMU_ENTRIES;

    ptwr_store(&l1[i], mmu_map_reqs[i].val);
    ptwr_store(&l1[i], 0);
}

static void op_pin(void)
{
    mmu_errors += HYPERVISOR_mmuext_op(&mmu_pin_op, 1, NULL, DOMID_SELF) != 0;
}

static void op_unpin(void)
{
    mmu_errors += HYPERVISOR_mmuext_op(&mmu_unpin_op, 1, NULL, DOMID_SELF) != 0;
}

/*
 * A MMU row: `op` runs `calls` times per sample and does `ops` operations
 * each time; with `op2`, each sample of op is followed by one of op2, timed
 * separately as row `name2` (pin, then unpin).
 */
struct mmu_row {
    const char *name, *name2;
    const char *(*check)(void);
    void (*op)(void), (*op2)(void);
    unsigned int samples, calls, ops;
    void (*fini)(void);
};

static const struct mmu_row mmu_rows[] = {
    { "mmu_update_batched", NULL, check_mmu_batched, op_mmu_batched, NULL,
      MMU_BIG_SAMPLES, 1, 2 * MMU_ENTRIES, NULL },
    { "mmu_update_single", NULL, check_mmu_single, op_mmu_single, NULL,
      MMU_SAMPLES, MMU_PAIRS, 2, NULL },
    { "uvm_invlpg", NULL, check_uvm, op_uvm, NULL,
      MMU_SAMPLES, MMU_PAIRS, 2, NULL },
    { "ptwr_mov", NULL, check_ptwr, op_ptwr, NULL,
      MMU_SAMPLES, MMU_PAIRS, 2, fini_ptwr },
    /* last: it leaves the tree unpinned with its L1 full */
    { "pin_l4_tree", "unpin_l4_tree", check_pin, op_pin, op_unpin,
      MMU_BIG_SAMPLES, 1, 1, NULL },
};

static void mmu_time(const struct mmu_row *r)
{
    unsigned int i, j;

    for (j = 0; j < r->calls; j++) {            /* warm-up */
        r->op();
        if (r->op2)
            r->op2();
    }
    mmu_errors = 0;
    trap_reset();
    for (i = 0; i < r->samples; i++) {
        uint64_t t0 = tsc_start();

        for (j = 0; j < r->calls; j++)
            r->op();
        bench_samples[i] = tsc_stop(bench_rdtscp) - t0;
        if (r->op2) {
            t0 = tsc_start();
            for (j = 0; j < r->calls; j++)
                r->op2();
            bench_samples2[i] = tsc_stop(bench_rdtscp) - t0;
        }
    }
    mmu_errors += last_trap.count;
}

static void mmu_bench(void)
{
    const char *why = mmu_setup();
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(mmu_rows); i++) {
        const struct mmu_row *r = &mmu_rows[i];
        const char *skip = why ? why : r->check();

        if (!skip) {
            mmu_time(r);
            if (mmu_errors)
                skip = "an operation failed in the timed loop";
        }
        if (r->fini)
            r->fini();
        if (skip) {
            printf("BENCH-SKIP %s %s\n", r->name, skip);
            if (r->name2)
                printf("BENCH-SKIP %s %s\n", r->name2, skip);
            continue;
        }
        bench_report_n(r->name, bench_samples, r->samples, r->calls * r->ops);
        if (r->name2)
            bench_report_n(r->name2, bench_samples2, r->samples, r->calls * r->ops);
    }
    if (mmu_built)
        mmu_teardown();
}

static void bench_init(void)
{
    bench_rdtscp = tsc_has_rdtscp();
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
    mmu_bench();
    printf("pvguest: bench finished\n");
    return 0;
}
