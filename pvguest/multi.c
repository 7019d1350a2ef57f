/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: roles for several domains: wait, lifecycle and build (dom0), pingpong, spin, unpriv; timed pingpong and build for make bench. */

/* domctl.h is the tools' interface: with __XEN_TOOLS__ the headers pick
 * the latest interface version themselves. */
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__ 1
#include <stdbool.h>
#include "pvguest.h"
#include "arch.h"
#include "hypercall.h"
#include "tsc.h"
#include <xen/domctl.h>
#include <xen/sysctl.h>

#define MAX_WAIT_DOMAINS 16

/* Is word one of the command line's words? */
static bool cmdline_word(const char *word)
{
    const char *p = (const char *)pvg_si->cmd_line;
    size_t n = strlen(word);

    for (; *p; p++)
        if ((p == (const char *)pvg_si->cmd_line || p[-1] == ' ') &&
            !strncmp(p, word, n) && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* The value of "key=N" on the command line, or def. */
static unsigned long cmdline_ulong(const char *key, unsigned long def)
{
    const char *p = (const char *)pvg_si->cmd_line;
    size_t n = strlen(key);

    for (; *p; p++) {
        if ((p == (const char *)pvg_si->cmd_line || p[-1] == ' ') &&
            !strncmp(p, key, n) && p[n] == '=') {
            unsigned long v = 0;

            for (p += n + 1; *p >= '0' && *p <= '9'; p++)
                v = v * 10 + (unsigned long)(*p - '0');
            return v;
        }
    }
    return def;
}

static long domctl_getdomaininfo(domid_t dom, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op = {
        .cmd = XEN_DOMCTL_getdomaininfo,
        .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
        .domain = dom,
    };
    long rc = HC(__HYPERVISOR_domctl, &op, 0, 0, 0, 0);

    if (rc == 0 && op.domain != dom)
        return -XEN_ESRCH;      /* the next domain up answered */
    if (rc == 0)
        *info = op.u.getdomaininfo;
    return rc;
}

static long domctl_simple(uint32_t cmd, domid_t dom, struct xen_domctl *op);
static long free_frames(void);

/*
 * "wait ... destroy": destroy the finished domains and check that their
 * memory came back (every frame they had, and their structures).
 */
static int destroy_finished(unsigned long n)
{
    long before = free_frames(), after;
    unsigned long d, pages = 0;

    for (d = 1; d <= n; d++) {
        struct xen_domctl_getdomaininfo info;
        struct xen_domctl op = { 0 };

        if (domctl_getdomaininfo((domid_t)d, &info))
            continue;
        pages += info.tot_pages;
        if (domctl_simple(XEN_DOMCTL_destroydomain, (domid_t)d, &op))
            return 1;
    }
    after = free_frames();
    printf("pvguest: destroyed %lu domain(s): %lu pages of theirs, free frames %ld -> %ld\n",
           n, pages, before, after);
    return after - before >= (long)pages ? 0 : 1;
}

/* Block for a while on one port (SCHEDOP_poll with a timeout). */
static void poll_port(evtchn_port_t port, uint64_t timeout_ns)
{
    struct sched_poll poll = { .nr_ports = 1, .timeout = 0 };
    uint64_t now = pvg_shared->vcpu_info[0].time.system_time;

    set_xen_guest_handle(poll.ports, &port);
    poll.timeout = timeout_ns ? now + timeout_ns : 0;
    HYPERVISOR_sched_op(SCHEDOP_poll, &poll);
}

static void clear_pending(evtchn_port_t port)
{
    __atomic_fetch_and(&pvg_shared->evtchn_pending[port / 64], ~(1UL << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

static bool port_pending(evtchn_port_t port)
{
    return (__atomic_load_n(&pvg_shared->evtchn_pending[port / 64], __ATOMIC_SEQ_CST) >>
            (port % 64)) & 1;
}

/*
 * dom0: "wait domains=N [want=R]" -- sleep on VIRQ_DOM_EXC until domains
 * 1..N have all shut down, report how, and succeed if every one shut down
 * with reason R (default SHUTDOWN_poweroff).
 */
int wait_main(void)
{
    unsigned long n = cmdline_ulong("domains", 1), left = n, d;
    unsigned long want = cmdline_ulong("want", SHUTDOWN_poweroff);
    evtchn_bind_virq_t bind = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    bool done[MAX_WAIT_DOMAINS] = { false };
    int failures = 0;

    if (n >= MAX_WAIT_DOMAINS || HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind))
        return 1;
    printf("pvguest: waiting for %lu domain(s) to shut down\n", n);
    while (left) {
        for (d = 1; d <= n; d++) {
            struct xen_domctl_getdomaininfo info;
            long rc;

            if (done[d])
                continue;
            rc = domctl_getdomaininfo((domid_t)d, &info);
            if (rc == 0 && !(info.flags & XEN_DOMINF_shutdown))
                continue;
            done[d] = true;
            left--;
            if (rc) {
                printf("pvguest: domain %lu: gone (%ld)\n", d, rc);
                failures++;
                continue;
            }
            printf("pvguest: domain %lu shut down, code %u\n", d,
                   (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask);
            if (((info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) !=
                want)
                failures++;
        }
        if (left) {
            poll_port(bind.port, 100000000);   /* 100 ms: a lost edge costs little */
            clear_pending(bind.port);
        }
    }
    printf("pvguest: all %lu domain(s) done, %d failed\n", n, failures);
    if (cmdline_word("destroy") && destroy_finished(n))
        failures++;
    return failures ? 1 : 0;
}

static unsigned long pp_waits;   /* yields or polls made by pp_wait */

/* Wait for the peer's event on port and consume it: block in SCHEDOP_poll,
 * or stay runnable and SCHEDOP_yield between checks of the pending bit. */
static void pp_wait(evtchn_port_t port, bool yield)
{
    while (!port_pending(port)) {
        pp_waits++;
        if (yield)
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        else
            poll_port(port, 0);
    }
    clear_pending(port);
}

/* n round trips: the client sends and waits, the server waits and answers. */
static int pp_round_trips(evtchn_port_t port, bool server, unsigned long n, bool yield)
{
    evtchn_send_t send = { .port = port };
    unsigned long i;

    for (i = 0; i < n; i++) {
        if (!server && HYPERVISOR_event_channel_op(EVTCHNOP_send, &send))
            return -1;
        pp_wait(port, yield);
        if (server && HYPERVISOR_event_channel_op(EVTCHNOP_send, &send))
            return -1;
    }
    return 0;
}

#define PP_WARMUP       100     /* round trips before each timed variant */
#define PP_BATCH        10      /* round trips between two TSC reads */
#define PP_MAX_SAMPLES  5000
#define TIMED_OVERHEAD_SAMPLES 1000

static uint64_t timed_samples[PP_MAX_SAMPLES];
static uint64_t timed_samples2[PP_MAX_SAMPLES];

/* Median cycles of an empty tsc_start/tsc_stop pair. */
static uint64_t tsc_overhead(int rdtscp)
{
    unsigned int i;

    for (i = 0; i < TIMED_OVERHEAD_SAMPLES; i++) {
        uint64_t t0 = tsc_start();

        timed_samples[i] = tsc_stop(rdtscp) - t0;
    }
    sort_u64(timed_samples, TIMED_OVERHEAD_SAMPLES);
    return timed_samples[TIMED_OVERHEAD_SAMPLES / 2];
}

/* min, median and p90 of n samples of `ops` operations each, less overhead. */
static void timed_report(const char *row, uint64_t *s, unsigned long n, unsigned int ops,
                         uint64_t overhead)
{
    static const struct { const char *stat; unsigned int num; } stats[] = {
        { "min", 0 }, { "median", 5 }, { "p90", 9 },
    };
    unsigned int k;

    sort_u64(s, n);
    for (k = 0; k < ARRAY_SIZE(stats); k++) {
        uint64_t v = s[n * stats[k].num / 10];

        printf("BENCH %s.%s %lu cycles\n", row, stats[k].stat,
               v > overhead ? (v - overhead) / ops : 0);
    }
}

/*
 * "pingpong ... bench": both sides run two variants of PP_WARMUP + count
 * round trips: first with both sides spinning on the pending bit and
 * yielding between checks (the peer stays runnable), then with both
 * blocking in SCHEDOP_poll (the peer is blocked when the event arrives).
 * The client times batches of PP_BATCH round trips and prints the
 * per-round-trip figures.
 */
static int pp_bench(evtchn_port_t port, bool server, unsigned long count)
{
    static const struct { const char *row; bool yield; } variants[] = {
        { "evtchn_rtt_peer_runnable", true },
        { "evtchn_rtt_peer_blocked", false },
    };
    unsigned long samples = count / PP_BATCH, i, v;
    int rdtscp = tsc_has_rdtscp();
    uint64_t overhead = tsc_overhead(rdtscp);

    if (samples == 0 || samples > PP_MAX_SAMPLES) {
        printf("pingpong: bench count must be %u..%u\n", PP_BATCH, PP_BATCH * PP_MAX_SAMPLES);
        return 1;
    }
    for (v = 0; v < ARRAY_SIZE(variants); v++) {
        bool yield = variants[v].yield;

        if (pp_round_trips(port, server, PP_WARMUP, yield))
            return 1;
        if (server) {
            if (pp_round_trips(port, server, samples * PP_BATCH, yield))
                return 1;
            continue;
        }
        pp_waits = 0;
        for (i = 0; i < samples; i++) {
            uint64_t t0 = tsc_start();

            if (pp_round_trips(port, server, PP_BATCH, yield))
                return 1;
            timed_samples[i] = tsc_stop(rdtscp) - t0;
        }
        timed_report(variants[v].row, timed_samples, samples, PP_BATCH, overhead);
        /* How often the client found no answer yet and yielded or polled. */
        printf("BENCH %s.waits_per_1000 %lu waits\n", variants[v].row,
               pp_waits * 1000 / (samples * PP_BATCH));
    }
    printf("pingpong: bench %s: %lu x %u round trips per variant, %s, timer overhead %lu cycles\n",
           server ? "server" : "client", samples, PP_BATCH,
           rdtscp ? "rdtscp" : "lfence;rdtsc", overhead);
    return 0;
}

/*
 * "pingpong peer=D count=N server" or "pingpong peer=D port=P count=N":
 * the server offers an unbound port to the peer and answers every event;
 * the client binds to it and sends N events, waiting for each answer
 * (both block in SCHEDOP_poll).  With "bench" on both command lines the
 * round trips are timed instead (pp_bench).
 */
int pingpong_main(void)
{
    domid_t peer = (domid_t)cmdline_ulong("peer", 0);
    unsigned long count = cmdline_ulong("count", 1000), tries = 0;
    evtchn_port_t port;
    bool server = cmdline_word("server");

    if (server) {
        evtchn_alloc_unbound_t a = { .dom = DOMID_SELF, .remote_dom = peer };

        if (HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a))
            return 1;
        port = a.port;
        printf("pingpong: serving domain %u on port %u\n", peer, port);
    } else {
        evtchn_bind_interdomain_t b = {
            .remote_dom = peer, .remote_port = (evtchn_port_t)cmdline_ulong("port", 1),
        };

        /* The server may not have offered its port yet. */
        while (HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b)) {
            if (++tries > 100000)
                return 1;
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        }
        port = b.local_port;
        clear_pending(port);    /* binding raises the local port once */
        printf("pingpong: bound to domain %u port %u as local port %u\n", peer,
               b.remote_port, port);
    }
    if (cmdline_word("bench"))
        return pp_bench(port, server, count);
    if (pp_round_trips(port, server, count, false))
        return 1;
    printf("pingpong: %lu round trips done\n", count);
    return 0;
}

/*
 * domU: "watchdog": arm a 2 s watchdog (SCHEDOP_watchdog), feed it every
 * 500 ms for 4 s, then stop and wait: the hypervisor must shut the domain
 * down with SHUTDOWN_watchdog (dom0's "wait want=4" checks the reason).
 */
int watchdog_main(void)
{
    struct sched_watchdog w = { .id = 0, .timeout = 2 };
    long id = HYPERVISOR_sched_op(SCHEDOP_watchdog, &w);
    unsigned int i;

    if (id <= 0) {
        printf("watchdog: arming failed (%ld)\n", id);
        return 1;
    }
    for (i = 0; i < 8; i++) {
        poll_port(1, 500000000);       /* port 1 is never signalled */
        w.id = (uint32_t)id;
        w.timeout = 2;
        if (HYPERVISOR_sched_op(SCHEDOP_watchdog, &w)) {
            printf("watchdog: feeding failed\n");
            return 1;
        }
    }
    printf("watchdog: fed for 4 s, now starving it\n");
    for (;;)
        poll_port(1, 0);
}

/* "spin ms=T": count loop iterations for T ms of system time. */
int spin_main(void)
{
    volatile struct vcpu_time_info *t = &pvg_shared->vcpu_info[0].time;
    unsigned long ms = cmdline_ulong("ms", 2000), iterations = 0;
    uint64_t start = t->system_time, end = start + ms * 1000000ULL;

    for (;;) {
        uint32_t ver = t->version;
        uint64_t now, tsc0 = t->tsc_timestamp, base = t->system_time;
        uint32_t mul = t->tsc_to_system_mul;
        int8_t shift = t->tsc_shift;
        unsigned int k;

        for (k = 0; k < 10000; k++)
            __asm__ volatile("" ::: "memory");
        iterations++;
        if (ver & 1 || ver != t->version)
            continue;
        now = rdtsc() - tsc0;
        now = shift >= 0 ? now << shift : now >> -shift;
        now = base + (uint64_t)(((unsigned __int128)now * mul) >> 32);
        if (now >= end)
            break;
    }
    printf("spin: %lu iterations in %lu ms\n", iterations, ms);
    return 0;
}

/*
 * "unpriv" (run as a domU): every control operation must be refused with
 * Xen's error, and nothing the domain may not see must leak.
 */
int unpriv_main(void)
{
    struct xen_domctl dc = {
        .cmd = XEN_DOMCTL_getdomaininfo,
        .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
    };
    struct xen_domctl pause = {
        .cmd = XEN_DOMCTL_pausedomain,
        .interface_version = XEN_DOMCTL_INTERFACE_VERSION,
    };
    struct mmuext_op flush = { .cmd = MMUEXT_FLUSH_CACHE };
    struct sched_remote_shutdown kill = { .domain_id = 0, .reason = SHUTDOWN_poweroff };
    char buf[16];
    struct {
        const char *what;
        long rc, want;
    } checks[] = {
        { "domctl getdomaininfo", HC(__HYPERVISOR_domctl, &dc, 0, 0, 0, 0), -XEN_EPERM },
        { "domctl pausedomain", HC(__HYPERVISOR_domctl, &pause, 0, 0, 0, 0), -XEN_EPERM },
        { "sysctl", HC(__HYPERVISOR_sysctl, &dc, 0, 0, 0, 0), -XEN_EPERM },
        { "xenia_debug_op", HC(__HYPERVISOR_arch_7, 1, 0, 0, 0, 0), -XEN_EPERM },
        { "console_io read", HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf),
          -XEN_EPERM },
        { "mmuext flush_cache", HYPERVISOR_mmuext_op(&flush, 1, NULL, DOMID_SELF),
          -XEN_EACCES },
        { "xen_version commandline", HYPERVISOR_xen_version(XENVER_commandline, buf),
          -XEN_EPERM },
        { "sched_op remote_shutdown", HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &kill),
          -XEN_EPERM },
    };
    unsigned int i, failed = 0;

    for (i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
        bool ok = checks[i].rc == checks[i].want;

        printf("[%s] unpriv.%s: %ld (want %ld)\n", ok ? "PASS" : "FAIL",
               checks[i].what, checks[i].rc, checks[i].want);
        failed += !ok;
    }
    printf("unpriv: %u passed, %u failed\n", i - failed, failed);
    return failed ? 1 : 0;
}

static long domctl_simple(uint32_t cmd, domid_t dom, struct xen_domctl *op)
{
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = dom;
    return HC(__HYPERVISOR_domctl, op, 0, 0, 0, 0);
}

static long free_frames(void)
{
    return HC(__HYPERVISOR_arch_7, 1, 0, 0, 0, 0);   /* xenia_debug_op */
}

/* One create -> give memory -> check -> destroy cycle; 0 on success. */
static int lifecycle_once(unsigned long pages)
{
    struct xen_domctl op = { 0 };
    xen_pfn_t frames[64];
    struct xen_memory_reservation r = { .nr_extents = pages };
    struct xen_domctl_getdomaininfo info;
    domid_t id;
    unsigned long i;

    op.u.createdomain.max_vcpus = 1;
    if (domctl_simple(XEN_DOMCTL_createdomain, 0, &op))
        return -1;
    id = op.domain;
    memset(&op, 0, sizeof(op));
    op.u.max_mem.max_memkb = pages * 4;
    if (domctl_simple(XEN_DOMCTL_max_mem, id, &op))
        return -2;
    for (i = 0; i < pages; i++)
        frames[i] = i;
    r.domid = id;
    set_xen_guest_handle(r.extent_start, frames);
    if (HYPERVISOR_memory_op(XENMEM_populate_physmap, &r) != (long)pages)
        return -3;
    if (domctl_getdomaininfo(id, &info) || info.tot_pages != pages ||
        !(info.flags & XEN_DOMINF_paused))
        return -4;
    memset(&op, 0, sizeof(op));
    if (domctl_simple(XEN_DOMCTL_destroydomain, id, &op))
        return -5;
    if (domctl_getdomaininfo(id, &info) != -XEN_ESRCH)
        return -6;
    return 0;
}

/*
 * dom0: "lifecycle count=N": create a domain, give it memory through a
 * foreign populate_physmap, destroy it -- N times -- and prove with
 * Xenia's test hypercall that not one frame was lost.
 */
int lifecycle_main(void)
{
    unsigned long count = cmdline_ulong("count", 1000), i;
    long before = free_frames(), after;
    int rc;

    if (before < 0) {
        printf("lifecycle: no frame counter (%ld): not Xenia?\n", before);
        return 1;
    }
    for (i = 0; i < count; i++) {
        rc = lifecycle_once(16 + i % 48);
        if (rc) {
            printf("lifecycle: cycle %lu failed at step %d\n", i, -rc);
            return 1;
        }
    }
    after = free_frames();
    printf("lifecycle: %lu create/destroy cycles, free frames %ld before, %ld after\n",
           count, before, after);
    return after == before ? 0 : 1;
}

extern const uint8_t tinyguest_start[], tinyguest_end[];

#define TINY_PAGES  6          /* L4, L3, L2, L1, code, stack */
#define TINY_VA     0x400000UL /* L4[0] L3[0] L2[2] L1[0..1] */
#define TINY_FLAGS  (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static uint8_t build_scratch[PAGE_SIZE] __page_aligned_bss;

/* Map a frame of domain id at build_scratch (foreign mapping), or back ours. */
static int scratch_map(unsigned long mfn, domid_t id)
{
    return (int)HC(__HYPERVISOR_update_va_mapping_otherdomain, build_scratch,
                   ((uint64_t)mfn << PAGE_SHIFT) | TINY_FLAGS, UVMF_INVLPG, id, 0);
}

static void tiny_fill(unsigned int pfn, const xen_pfn_t *mfn)
{
    uint64_t *t = (uint64_t *)build_scratch;

    memset(build_scratch, 0, PAGE_SIZE);
    switch (pfn) {
    case 0: t[0] = ((uint64_t)mfn[1] << PAGE_SHIFT) | TINY_FLAGS; break;
    case 1: t[0] = ((uint64_t)mfn[2] << PAGE_SHIFT) | TINY_FLAGS; break;
    case 2: t[2] = ((uint64_t)mfn[3] << PAGE_SHIFT) | TINY_FLAGS; break;
    case 3:
        t[0] = ((uint64_t)mfn[4] << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED;
        t[1] = ((uint64_t)mfn[5] << PAGE_SHIFT) | TINY_FLAGS;
        break;
    case 4:
        memcpy(build_scratch, tinyguest_start, (size_t)(tinyguest_end - tinyguest_start));
        break;
    }
}

/* TSC after each of tiny_build's steps (build_bench's breakdown). */
enum { TINY_CREATED, TINY_POPULATED, TINY_FILLED, TINY_CONTEXT, TINY_STEPS };
static uint64_t tiny_tsc[TINY_STEPS];

/*
 * "build" (not the bench) also checks the context's debug registers and
 * FPU image: refused when bad, read back by getvcpucontext when good.
 */
static bool tiny_verify;

#define DOM0_XMM0 0x5a5a5a5a5a5a5a5aULL   /* in dom0's xmm0 while it builds */

static long tiny_context_checks(domid_t id, vcpu_guest_context_t *ctxt)
{
    static vcpu_guest_context_t back;
    static const uint8_t zero[16];
    struct xen_domctl op;
    uint32_t mxcsr = 0x80000000u;           /* a reserved MXCSR bit */
    uint16_t fcw = 0x37f;

    /* A new vCPU starts from a clean FPU image, not the builder's. */
    memset(&op, 0, sizeof(op));
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &back);
    if (domctl_simple(XEN_DOMCTL_getvcpucontext, id, &op) ||
        memcmp(back.fpu_ctxt.x + 160, zero, sizeof(zero)) ||      /* XMM0 */
        memcmp(back.fpu_ctxt.x + 24, &(uint32_t){ 0x1f80 }, 4))    /* MXCSR */
        return -9;
    memset(&op, 0, sizeof(op));
    set_xen_guest_handle(op.u.vcpucontext.ctxt, ctxt);
    ctxt->debugreg[0] = HYPERVISOR_VIRT_START;  /* not a guest address */
    if (domctl_simple(XEN_DOMCTL_setvcpucontext, id, &op) != -XEN_EINVAL)
        return -10;
    ctxt->debugreg[0] = TINY_VA;
    ctxt->debugreg[7] = 1UL << 13;              /* general detect */
    if (domctl_simple(XEN_DOMCTL_setvcpucontext, id, &op) != -XEN_EINVAL)
        return -11;
    ctxt->debugreg[7] = 0;
    ctxt->flags |= VGCF_i387_valid;
    memcpy(ctxt->fpu_ctxt.x, &fcw, sizeof(fcw));
    memcpy(ctxt->fpu_ctxt.x + 24, &mxcsr, sizeof(mxcsr));
    if (domctl_simple(XEN_DOMCTL_setvcpucontext, id, &op) != -XEN_EINVAL)
        return -12;
    mxcsr = 0x3f80;                         /* masked, round down */
    memcpy(ctxt->fpu_ctxt.x + 24, &mxcsr, sizeof(mxcsr));
    if (domctl_simple(XEN_DOMCTL_setvcpucontext, id, &op))
        return -13;
    memset(&op, 0, sizeof(op));
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &back);
    if (domctl_simple(XEN_DOMCTL_getvcpucontext, id, &op) ||
        back.debugreg[0] != TINY_VA || back.debugreg[7] != 0x400 ||
        memcmp(back.fpu_ctxt.x + 24, &mxcsr, sizeof(mxcsr)))
        return -14;
    printf("build: context checks passed (debug registers, FPU image)\n");
    return 0;
}

/* Create, fill (through foreign mappings), start: the toolstack's steps. */
static long tiny_build(domid_t *out)
{
    static vcpu_guest_context_t ctxt;
    struct xen_domctl op = { 0 };
    xen_pfn_t mfn[TINY_PAGES];
    struct xen_memory_reservation r = { .nr_extents = TINY_PAGES };
    uint64_t own = ((uint64_t)virt_to_mfn(build_scratch) << PAGE_SHIFT) | TINY_FLAGS;
    unsigned int i;
    domid_t id;

    if (tiny_verify)    /* what a new vCPU must not inherit (checked later) */
        asm volatile("movq %0, %%xmm0" :: "r"(DOM0_XMM0));
    op.u.createdomain.max_vcpus = 1;
    if (domctl_simple(XEN_DOMCTL_createdomain, 0, &op))
        return -1;
    tiny_tsc[TINY_CREATED] = rdtsc();
    *out = id = op.domain;
    memset(&op, 0, sizeof(op));
    op.u.max_mem.max_memkb = TINY_PAGES * 4;
    if (domctl_simple(XEN_DOMCTL_max_mem, id, &op))
        return -2;
    for (i = 0; i < TINY_PAGES; i++)
        mfn[i] = i;
    r.domid = id;
    set_xen_guest_handle(r.extent_start, mfn);
    if (HYPERVISOR_memory_op(XENMEM_populate_physmap, &r) != TINY_PAGES)
        return -3;
    tiny_tsc[TINY_POPULATED] = rdtsc();
    for (i = 0; i < TINY_PAGES; i++) {
        if (scratch_map(mfn[i], id))
            return -4;
        tiny_fill(i, mfn);
    }
    if (mm_set_pte(build_scratch, own))   /* no mapping of theirs remains */
        return -5;
    tiny_tsc[TINY_FILLED] = rdtsc();

    memset(&ctxt, 0, sizeof(ctxt));
    ctxt.flags = VGCF_in_kernel | VGCF_online;
    ctxt.user_regs.rip = TINY_VA;
    ctxt.user_regs.rsp = TINY_VA + 2 * PAGE_SIZE;
    ctxt.user_regs.cs = FLAT_KERNEL_CS;
    ctxt.user_regs.ss = FLAT_KERNEL_SS;
    ctxt.kernel_ss = FLAT_KERNEL_SS;
    ctxt.kernel_sp = TINY_VA + 2 * PAGE_SIZE;
    ctxt.ctrlreg[3] = xen_pfn_to_cr3(mfn[0]);
    if (tiny_verify) {
        long rc = tiny_context_checks(id, &ctxt);

        if (rc)
            return rc;
    }
    memset(&op, 0, sizeof(op));
    op.u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &ctxt);
    if (domctl_simple(XEN_DOMCTL_setvcpucontext, id, &op))
        return -6;
    tiny_tsc[TINY_CONTEXT] = rdtsc();
    memset(&op, 0, sizeof(op));
    return domctl_simple(XEN_DOMCTL_unpausedomain, id, &op) ? -7 : 0;
}

/* Read the hypervisor's console history from *idx on (XEN_SYSCTL_readconsole,
 * incremental); the number of bytes read, or a negative error. */
static long read_console(uint32_t *idx, char *buf, uint32_t len)
{
    struct xen_sysctl op = {
        .cmd = XEN_SYSCTL_readconsole,
        .interface_version = XEN_SYSCTL_INTERFACE_VERSION,
    };
    long rc;

    op.u.readconsole.incremental = 1;
    op.u.readconsole.index = *idx;
    op.u.readconsole.count = len;
    set_xen_guest_handle(op.u.readconsole.buffer, buf);
    rc = HC(__HYPERVISOR_sysctl, &op, 0, 0, 0, 0);
    if (rc)
        return rc;
    *idx = op.u.readconsole.index;
    return op.u.readconsole.count;
}

/* Console lines assembled from readconsole's bytes, one at a time. */
struct line_scan {
    char line[128];
    size_t len;
};

#define TINY_LINE "tinyguest: hello from a domain dom0 built at run time"

/* Feed n bytes; true once a complete line contains TINY_LINE. */
static bool scan_for_tiny(struct line_scan *ls, const char *buf, size_t n)
{
    size_t want = sizeof(TINY_LINE) - 1, i, k;
    bool found = false;

    for (i = 0; i < n; i++) {
        if (buf[i] != '\n') {
            if (ls->len < sizeof(ls->line))
                ls->line[ls->len++] = buf[i];
            continue;
        }
        for (k = 0; k + want <= ls->len && !found; k++)
            found = !memcmp(ls->line + k, TINY_LINE, want);
        ls->len = 0;
    }
    return found;
}

/* Wait on VIRQ_DOM_EXC until domain id has shut down; its shutdown code. */
static unsigned int wait_shutdown(domid_t id, evtchn_port_t virq_port)
{
    struct xen_domctl_getdomaininfo info = { 0 };

    while (domctl_getdomaininfo(id, &info) == 0 && !(info.flags & XEN_DOMINF_shutdown)) {
        poll_port(virq_port, 100000000);
        clear_pending(virq_port);
    }
    return (info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
}

#define BUILD_MAX_SAMPLES  200
#define BUILD_MAX_SPINS    1000000UL

static uint64_t build_steps[TINY_STEPS + 1][BUILD_MAX_SAMPLES];

/*
 * dom0: "build bench count=N": N times, time a run-time build from just
 * before XEN_DOMCTL_createdomain (a) to the moment the tiny guest's console
 * line is in the hypervisor's console, seen by polling
 * XEN_SYSCTL_readconsole (incremental) with SCHEDOP_yield in between, and
 * (b) to just before the unpause (the build itself); then wait for its
 * shutdown and destroy it.  The unpause wakes the new vCPU, which runs
 * first: by the time dom0 reads the console again the guest has printed
 * its line and shut down.
 */
static int build_bench(evtchn_port_t virq_port)
{
    static char buf[512];
    unsigned long count = cmdline_ulong("count", 20), i;
    long before = free_frames(), after, rc;
    unsigned int k;
    int rdtscp = tsc_has_rdtscp();
    uint64_t overhead = tsc_overhead(rdtscp);

    if (count == 0 || count > BUILD_MAX_SAMPLES) {
        printf("build: bench count must be 1..%u\n", BUILD_MAX_SAMPLES);
        return 1;
    }
    for (i = 0; i < count; i++) {
        struct line_scan ls = { .len = 0 };
        struct xen_domctl op = { 0 };
        unsigned long spins = 0;
        uint32_t idx = 0;
        uint64_t t0;
        domid_t id = 0;
        bool seen = false;

        /* Skip everything already in the console history. */
        while ((rc = read_console(&idx, buf, sizeof(buf))) > 0)
            ;
        if (rc < 0) {
            printf("build: readconsole failed: %ld\n", rc);
            return 1;
        }
        t0 = tsc_start();
        rc = tiny_build(&id);
        if (rc) {
            printf("build: bench build %lu failed at step %ld\n", i, -rc);
            return 1;
        }
        while (!seen) {
            rc = read_console(&idx, buf, sizeof(buf));
            if (rc < 0 || ++spins > BUILD_MAX_SPINS) {
                printf("build: no console line from domain %u (%ld)\n", id, rc);
                return 1;
            }
            seen = scan_for_tiny(&ls, buf, (size_t)rc);
            if (!seen && rc == 0)
                HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
        }
        timed_samples[i] = tsc_stop(rdtscp) - t0;
        timed_samples2[i] = tiny_tsc[TINY_CONTEXT] - t0;
        build_steps[0][i] = tiny_tsc[TINY_CREATED] - t0;
        for (k = 1; k < TINY_STEPS; k++)
            build_steps[k][i] = tiny_tsc[k] - tiny_tsc[k - 1];
        build_steps[TINY_STEPS][i] = timed_samples[i] - timed_samples2[i];
        if (wait_shutdown(id, virq_port) != SHUTDOWN_poweroff ||
            domctl_simple(XEN_DOMCTL_destroydomain, id, &op)) {
            printf("build: bench domain %u did not power off or destroy\n", id);
            return 1;
        }
    }
    after = free_frames();
    for (k = 0; k <= TINY_STEPS; k++)
        sort_u64(build_steps[k], count);
    printf("build: bench: median cycles of each step: createdomain %lu, max_mem + "
           "populate_physmap %lu, foreign maps and fill %lu, setvcpucontext %lu, "
           "unpause to the console line seen %lu\n",
           build_steps[0][count / 2], build_steps[1][count / 2], build_steps[2][count / 2],
           build_steps[3][count / 2], build_steps[4][count / 2]);
    timed_report("domain_create_to_console", timed_samples, count, 1, overhead);
    timed_report("domain_create_to_unpause", timed_samples2, count, 1, overhead);
    printf("build: bench: %lu domains built, run and destroyed; free frames %ld before, "
           "%ld after\n", count, before, after);
    return after == before ? 0 : 1;
}

/*
 * dom0: "build": make a domain at run time the way a toolstack does
 * (createdomain, max_mem, populate_physmap, foreign mappings to write its
 * page tables and code, setvcpucontext, unpause), wait for it to power off,
 * destroy it, and check that every frame came back.  "build bench" times
 * it instead (build_bench).
 */
int build_main(void)
{
    evtchn_bind_virq_t bind = { .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    struct xen_domctl op = { 0 };
    long before = free_frames(), rc, after;
    unsigned int code;
    domid_t id = 0;

    if (HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &bind))
        return 1;
    if (cmdline_word("bench"))
        return build_bench(bind.port);
    tiny_verify = true;
    rc = tiny_build(&id);
    if (rc) {
        printf("build: failed at step %ld\n", -rc);
        return 1;
    }
    printf("build: domain %u built and unpaused\n", id);
    code = wait_shutdown(id, bind.port);
    printf("build: domain %u shut down, code %u\n", id, code);
    if (domctl_simple(XEN_DOMCTL_destroydomain, id, &op))
        return 1;
    after = free_frames();
    printf("build: destroyed; free frames %ld before, %ld after\n", before, after);
    return after == before ? 0 : 1;
}
