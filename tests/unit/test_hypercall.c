/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite for the hypercall table and common handlers on a fake guest. */
#include <xenia/hypercall.h>
#include <xenia/console.h>
#include <xenia/guest_access.h>

#include "check_suite.h"
#include <xen/arch-x86/xen-mca.h>
#include <limits.h>
#include <stdlib.h>

/*
 * Under test: hypervisor/common/{hypercall,version,sched_op,guest_range,
 * domain}.c.  Everything they call is faked here: the current vCPU, guest
 * memory, the arch hooks, the console, and the x86 handlers the table
 * points at (those only record that they ran: the table is under test).
 */

#define HOLE_START 0xffff800000000000UL
#define HOLE_END   0xffff880000000000UL

/* ------------------------------------------------------------------ */
/* Fake guest address space                                             */

#define G_RW       0x400000UL /* three pages, read-write */
#define G_RW_SZ    0x11000UL  /* 68 KiB: room for a console continuation */
#define G_RW_END   (G_RW + G_RW_SZ)
#define G_RO       0x500000UL       /* one page, read-only */
#define G_HIGH     HOLE_END         /* first page past the hole, rw */
#define G_TOP      0x7ffffffff000UL /* last page of the low half, rw */
#define G_NONE     0x600000UL       /* a fine range, not mapped */
#define G_NONCANON 0x0000800000000000UL

static uint8_t mem_rw[G_RW_SZ], mem_ro[0x1000], mem_high[0x1000],
    mem_top[0x1000];

static const struct gregion {
    unsigned long va;
    size_t size;
    bool writable;
    uint8_t *mem;
} gregions[] = {
    {G_RW, sizeof(mem_rw), true, mem_rw},
    {G_RO, sizeof(mem_ro), false, mem_ro},
    {G_HIGH, sizeof(mem_high), true, mem_high},
    {G_TOP, sizeof(mem_top), true, mem_top},
};

static unsigned int nr_guest_faults;

static uint8_t *gbyte(unsigned long va, bool write)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(gregions); i++) {
        const struct gregion *r = &gregions[i];

        if (va - r->va < r->size)
            return !write || r->writable ? &r->mem[va - r->va] : NULL;
    }
    return NULL;
}

static int guest_fault(void)
{
    nr_guest_faults++;
    return -XEN_EFAULT;
}

/* As the real ones: range checked first, then byte by byte to the first fault.
 */
int copy_from_guest(void *dst, unsigned long gva, size_t n)
{
    size_t i;

    if (!guest_range_ok(gva, n))
        return guest_fault();
    for (i = 0; i < n; i++) {
        uint8_t *p = gbyte(gva + i, false);

        if (!p)
            return guest_fault();
        ((uint8_t *)dst)[i] = *p;
    }
    return 0;
}

static int guest_write(unsigned long gva, const void *src, size_t n)
{
    size_t i;

    if (!guest_range_ok(gva, n))
        return guest_fault();
    for (i = 0; i < n; i++) {
        uint8_t *p = gbyte(gva + i, true);

        if (!p)
            return guest_fault();
        *p = src ? ((const uint8_t *)src)[i] : 0;
    }
    return 0;
}

int copy_to_guest(unsigned long gva, const void *src, size_t n)
{
    return guest_write(gva, src, n);
}

int clear_guest(unsigned long gva, size_t n)
{
    return guest_write(gva, NULL, n);
}

/* The test's own view of guest memory (no permission checks). */
static void *gptr(unsigned long va)
{
    uint8_t *p = gbyte(va, false);

    ck_assert_msg(p, "%#lx is not guest memory", va);
    return p;
}

#ifdef HOST_COMPAT_STRLCPY
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = MIN(len, size - 1);

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
#endif

/* ------------------------------------------------------------------ */
/* Fake domains and vCPUs                                               */

#define DOM0_ID ((domid_t)0)
#define DOMU_ID ((domid_t)7)

static struct domain dom0, domu;
static struct vcpu dom0_v0, domu_v0, domu_v1;
static struct vcpu *cur;

struct vcpu *current_vcpu(void)
{
    return cur;
}

static void domain_setup(struct domain *d, domid_t id, const char *name,
                         bool priv, unsigned long tot, unsigned long max)
{
    memset(d, 0, sizeof(*d));
    d->domain_id = id;
    strcpy(d->name, name);
    d->is_privileged = priv;
    d->state = DOMSTATE_RUNNING;
    d->shutdown_code = ~0u;
    d->tot_pages = tot;
    d->max_pages = max;
}

static void vcpu_setup(struct vcpu *v, struct domain *d, unsigned int id,
                       bool online)
{
    memset(v, 0, sizeof(*v));
    v->domain = d;
    v->vcpu_id = id;
    v->online = online;
    d->vcpu[id] = v;
    if (d->max_vcpus <= id)
        d->max_vcpus = id + 1;
}

static void as_dom0(void)
{
    cur = &dom0_v0;
}

/* ------------------------------------------------------------------ */
/* Arch hooks, console and x86 handlers: record and return              */

static struct {
    unsigned int block, yield, runstate_update, time_update, memory_op,
        memory_reservation;
    unsigned int register_info, read_input, domain_shutdown, poll, timer_op;
    unsigned int timers_run;
} calls;
static evtchn_port_t poll_ports[8];
static unsigned int poll_n, timer_cmd;
static uint64_t poll_timeout;
static struct vcpu *poll_v, *timer_v;
static unsigned long timer_arg;
static struct vcpu *block_v, *register_v;
static struct domain *shutdown_d;
static unsigned long memop_cmd, memop_arg, reg_mfn;
static unsigned int memop_op, reg_offset;
static int register_info_rc;

#define ARCH_MEMOP_RET  0x1234L
#define ARCH_RESERV_RET 0x4321L
#define ARCH_POLL_RET   0x7777L
#define TIMER_OP_RET    0x8888L
#define CMDLINE         "console=com1 loglvl=all dom0_mem=512M"
#define INPUT           "typed at the console"

void arch_vcpu_block(struct vcpu *v)
{
    calls.block++;
    block_v = v;
}

void arch_vcpu_yield(struct vcpu *v)
{
    ck_assert_ptr_nonnull(v);
    calls.yield++;
}

void arch_vcpu_runstate_update(struct vcpu *v)
{
    ck_assert_ptr_nonnull(v);
    calls.runstate_update++;
}

void arch_vcpu_time_update(struct vcpu *v)
{
    ck_assert_ptr_nonnull(v);
    calls.time_update++;
}

uint64_t arch_now_ns(void)
{
    return 1000000;
}

/* timer.c is not linked here: count the re-arms it would do. */
void timers_run(void)
{
    calls.timers_run++;
}

long arch_memory_op(unsigned int cmd, unsigned long arg)
{
    calls.memory_op++;
    memop_op = cmd;
    memop_arg = arg;
    return ARCH_MEMOP_RET;
}

long arch_memory_reservation(unsigned int op, unsigned long cmd,
                             unsigned long arg)
{
    calls.memory_reservation++;
    memop_op = op;
    memop_cmd = cmd;
    memop_arg = arg;
    return ARCH_RESERV_RET;
}

int arch_vcpu_register_info(struct vcpu *v, unsigned long mfn,
                            unsigned int offset)
{
    calls.register_info++;
    register_v = v;
    reg_mfn = mfn;
    reg_offset = offset;
    return register_info_rc;
}

long arch_vcpu_poll(struct vcpu *v, const evtchn_port_t *ports, unsigned int n,
                    uint64_t timeout)
{
    calls.poll++;
    poll_v = v;
    poll_n = n;
    memcpy(poll_ports, ports, MIN(n, ARRAY_SIZE(poll_ports)) * sizeof(*ports));
    poll_timeout = timeout;
    return ARCH_POLL_RET;
}

/* common/timer.c has a suite of its own. */
long vcpu_timer_op(struct vcpu *v, unsigned int cmd, unsigned long arg)
{
    calls.timer_op++;
    timer_v = v;
    timer_cmd = cmd;
    timer_arg = arg;
    return TIMER_OP_RET;
}

void arch_console_read_input(char *buf, size_t len, size_t *got)
{
    calls.read_input++;
    *got = MIN(len, strlen(INPUT));
    memcpy(buf, INPUT, *got);
}

const char *hv_cmdline(void)
{
    return CMDLINE;
}

void arch_domain_shutdown(struct domain *d)
{
    calls.domain_shutdown++;
    shutdown_d = d;
}

static char con_out[0x11000];
static size_t con_len, con_max_chunk;
static unsigned int con_calls;

void console_guest_write(const char *name, char *linebuf, size_t *linelen,
                         const char *data, size_t len)
{
    struct domain *d = cur->domain;

    ck_assert_str_eq(name, d->name);
    ck_assert_ptr_eq(linebuf, d->console_line);
    ck_assert_ptr_eq(linelen, &d->console_len);
    ck_assert_uint_le(con_len + len, sizeof(con_out));
    memcpy(con_out + con_len, data, len);
    con_len += len;
    con_max_chunk = MAX(con_max_chunk, len);
    con_calls++;
}

static char last_log[512];
static unsigned int nr_logs;

void printk_lvl(int lvl, const char *fmt, ...)
{
    va_list ap;

    (void)lvl;
    va_start(ap, fmt);
    vsnprintf(last_log, sizeof(last_log), fmt, ap);
    va_end(ap);
    nr_logs++;
}

void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    ck_abort_msg("panic: %s", msg);
    abort();
}

static struct {
    unsigned int calls;
    unsigned int nr;
    unsigned long a[5];
} hit;

#define STUB_RET(nr) (0x5000L + (nr))

static long stub_hit(unsigned int nr, unsigned long a1, unsigned long a2,
                     unsigned long a3, unsigned long a4, unsigned long a5)
{
    hit.calls++;
    hit.nr = nr;
    hit.a[0] = a1;
    hit.a[1] = a2;
    hit.a[2] = a3;
    hit.a[3] = a4;
    hit.a[4] = a5;
    return STUB_RET(nr);
}

#define STUB(name)                                                             \
    long do_##name(unsigned long a1, unsigned long a2, unsigned long a3,       \
                   unsigned long a4, unsigned long a5)                         \
    {                                                                          \
        return stub_hit(__HYPERVISOR_##name, a1, a2, a3, a4, a5);              \
    }

/* Adding a hypercall to the table means adding it here and to hc_expect. */
STUB(set_trap_table)
STUB(set_timer_op)
STUB(mmu_update)
STUB(update_va_mapping_otherdomain)
STUB(set_callbacks)
STUB(callback_op)
STUB(iret)
STUB(stack_switch)
STUB(fpu_taskswitch)
STUB(set_segment_base)
STUB(set_gdt)
STUB(update_descriptor)
STUB(set_debugreg)
STUB(get_debugreg)
STUB(mmuext_op)
STUB(update_va_mapping)
STUB(physdev_op)
/* Common handlers with suites of their own: only their slots are tested here.
 */
STUB(event_channel_op)
STUB(xenia_debug_op)
STUB(mca)
STUB(platform_op)
STUB(domctl)
STUB(sysctl)
STUB(grant_table_op)

/* domain.c tells the control domain about shutdowns through VIRQ_DOM_EXC. */
void evtchn_send_global_virq(struct domain *d, unsigned int virq)
{
    ck_assert_ptr_nonnull(d);
    ck_assert_uint_eq(virq, VIRQ_DOM_EXC);
}

/* ------------------------------------------------------------------ */
/* Fixture                                                              */

static void setup(void)
{
    domain_setup(&dom0, DOM0_ID, "dom0", true, 1000, 2000);
    domain_setup(&domu, DOMU_ID, "guest", false, 256, 512);
    vcpu_setup(&dom0_v0, &dom0, 0, true);
    vcpu_setup(&domu_v0, &domu, 0, true);
    vcpu_setup(&domu_v1, &domu, 1, false);
    cur = &domu_v0;

    memset(mem_rw, 0, sizeof(mem_rw));
    memset(mem_ro, 0, sizeof(mem_ro));
    memset(mem_high, 0, sizeof(mem_high));
    memset(mem_top, 0, sizeof(mem_top));
    nr_guest_faults = 0;
    memset(&calls, 0, sizeof(calls));
    memset(&hit, 0, sizeof(hit));
    block_v = register_v = NULL;
    shutdown_d = NULL;
    memop_cmd = memop_arg = reg_mfn = 0;
    memop_op = reg_offset = ~0u;
    register_info_rc = 0;
    con_len = con_max_chunk = 0;
    con_calls = 0;
    last_log[0] = '\0';
    nr_logs = 0;
}

static void teardown(void)
{
}

static long hc(unsigned int nr, unsigned long a1, unsigned long a2,
               unsigned long a3)
{
    const unsigned long a[5] = {a1, a2, a3, 0, 0};

    return hypercall_dispatch(nr, a);
}

static unsigned long counters_total(const struct domain *d)
{
    unsigned long n = 0;
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(d->hypercall_count); i++)
        n += d->hypercall_count[i];
    return n;
}

/* ------------------------------------------------------------------ */
/* The table                                                            */

static const struct hc_expect {
    unsigned int nr;
    const char *name;
    hypercall_fn_t fn;
    unsigned int flags;
    bool stub; /* an x86 handler faked above */
} hc_expect[] = {
#define E(n, fl, st)                                                           \
    {                                                                          \
        __HYPERVISOR_##n, #n, do_##n, fl, st                                   \
    }
    E(set_trap_table, 0, true),
    E(mmu_update, 0, true),
    E(set_gdt, 0, true),
    E(stack_switch, 0, true),
    E(set_callbacks, 0, true),
    E(fpu_taskswitch, 0, true),
    E(set_debugreg, 0, true),
    E(get_debugreg, 0, true),
    E(update_descriptor, 0, true),
    E(memory_op, 0, false),
    E(multicall, 0, false),
    E(update_va_mapping, 0, true),
    E(update_va_mapping_otherdomain, 0, true),
    E(set_timer_op, 0, true),
    E(xen_version, 0, false),
    E(console_io, 0, false),
    E(vm_assist, 0, false),
    E(iret, 0, true),
    E(vcpu_op, 0, false),
    E(set_segment_base, 0, true),
    E(mmuext_op, 0, true),
    E(sched_op, 0, false),
    E(physdev_op, 0, true),
    E(callback_op, 0, true),
    E(event_channel_op, 0, true),
    E(platform_op, HCF_PRIV, true),
    E(mca, HCF_PRIV, true),
    E(xenia_debug_op, HCF_PRIV, true),
    E(grant_table_op, 0, true),
    E(domctl, HCF_PRIV, true),
    E(sysctl, HCF_PRIV, true),
#undef E
};

static const struct hc_expect *expect_for(unsigned int nr)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(hc_expect); i++)
        if (hc_expect[i].nr == nr)
            return &hc_expect[i];
    return NULL;
}

/* Every slot of the table holds exactly what Xen's numbering says. */
START_TEST(test_table_contents)
{
    unsigned int nr;

    for (nr = 0; nr < NR_HYPERCALLS + 8; nr++) {
        const struct hc_expect *e = expect_for(nr);
        const struct hypercall_desc *h = hypercall_lookup(nr);

        if (!e) {
            ck_assert_msg(!h, "slot %u: unexpected handler %s", nr,
                          h ? h->name : "");
            continue;
        }
        ck_assert_msg(h, "slot %u (%s): no handler", nr, e->name);
        ck_assert_ptr_eq(h->fn, e->fn);
        ck_assert_str_eq(h->name, e->name);
        ck_assert_uint_eq(h->flags, e->flags);
    }
    ck_assert_ptr_null(hypercall_lookup(UINT_MAX));
}
END_TEST

/* Each x86 handler is reached with the guest's five arguments and its
 * return value comes back untouched. */
START_TEST(test_dispatch_stub)
{
    const struct hc_expect *e = &hc_expect[_i];
    const unsigned long a[5] = {0x11UL + e->nr, ~0UL, 0, 1UL << 63, 0x55};
    unsigned int i;

    if (!e->stub)
        return;
    if (e->flags & HCF_PRIV)
        as_dom0();
    ck_assert_int_eq(hypercall_dispatch(e->nr, a), STUB_RET(e->nr));
    ck_assert_uint_eq(hit.calls, 1);
    ck_assert_uint_eq(hit.nr, e->nr);
    for (i = 0; i < 5; i++)
        ck_assert_uint_eq(hit.a[i], a[i]);
    ck_assert_uint_eq(cur->domain->hypercall_count[e->nr], 1);
    ck_assert_uint_eq(counters_total(cur->domain), 1);
}
END_TEST

static const unsigned int unknown_nrs[] = {
    __HYPERVISOR_sched_op_compat,
    11,
    __HYPERVISOR_event_channel_op_compat,
    __HYPERVISOR_physdev_op_compat,
    __HYPERVISOR_xsm_op,
    __HYPERVISOR_nmi_op,
    __HYPERVISOR_xenoprof_op,
    __HYPERVISOR_hvm_op,
    __HYPERVISOR_hypfs_op,
    43,
    47,
    __HYPERVISOR_arch_1,
    __HYPERVISOR_arch_6,
    56,
    NR_HYPERCALLS - 1,
    NR_HYPERCALLS,
    NR_HYPERCALLS + 1,
    255,
    256,
    0x1000,
    0x7fffffff,
    0x80000000,
    UINT_MAX - 1,
    UINT_MAX,
};

START_TEST(test_dispatch_unknown)
{
    unsigned int nr = unknown_nrs[_i];
    const unsigned long a[5] = {1, 2, 3, 4, 5};

    ck_assert_ptr_null(expect_for(nr));
    ck_assert_int_eq(hypercall_dispatch(nr, a), -XEN_ENOSYS);
    as_dom0();
    ck_assert_int_eq(hypercall_dispatch(nr, a), -XEN_ENOSYS);
    ck_assert_uint_eq(hit.calls, 0);
    ck_assert_uint_eq(counters_total(&domu), 0);
    ck_assert_uint_eq(counters_total(&dom0), 0);
}
END_TEST

/* HCF_PRIV: -EPERM for others without reaching the handler or the count. */
START_TEST(test_dispatch_priv)
{
    unsigned int nr, nr_priv = 0;

    for (nr = 0; nr < NR_HYPERCALLS; nr++) {
        const struct hypercall_desc *h = hypercall_lookup(nr);
        const struct hc_expect *e = expect_for(nr);

        if (!h || !(h->flags & HCF_PRIV))
            continue;
        nr_priv++;
        ck_assert(e && e->stub);
        cur = &domu_v0;
        ck_assert_int_eq(hc(nr, 0, 0, 0), -XEN_EPERM);
        ck_assert_uint_eq(hit.calls, 0);
        ck_assert_uint_eq(domu.hypercall_count[nr], 0);
        as_dom0();
        ck_assert_int_eq(hc(nr, 0, 0, 0), STUB_RET(nr));
        ck_assert_uint_eq(hit.calls, 1);
        ck_assert_uint_eq(dom0.hypercall_count[nr], 1);
        hit.calls = 0;
    }
    ck_assert_uint_eq(nr_priv, 5);   /* platform_op, sysctl, domctl, mca, xenia_debug_op */
}
END_TEST

START_TEST(test_dispatch_counters)
{
    unsigned int i;

    for (i = 0; i < 3; i++)
        ck_assert_int_eq(hc(__HYPERVISOR_xen_version, XENVER_version, 0, 0),
                         0x40011);
    hc(__HYPERVISOR_sched_op, SCHEDOP_yield, 0, 0);
    hc(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 99, 0); /* fails: counted */
    hc(40, 0, 0, 0);                                      /* unknown */
    as_dom0();
    hc(__HYPERVISOR_set_trap_table, 0, 0, 0);
    ck_assert_uint_eq(domu.hypercall_count[__HYPERVISOR_xen_version], 3);
    ck_assert_uint_eq(domu.hypercall_count[__HYPERVISOR_sched_op], 1);
    ck_assert_uint_eq(domu.hypercall_count[__HYPERVISOR_vm_assist], 1);
    ck_assert_uint_eq(counters_total(&domu), 5);
    ck_assert_uint_eq(dom0.hypercall_count[__HYPERVISOR_set_trap_table], 1);
    ck_assert_uint_eq(counters_total(&dom0), 1);
}
END_TEST

/* ------------------------------------------------------------------ */
/* multicall                                                            */

#define MC_SENTINEL 0x5e5e5e5e5e5e5e5eUL

static multicall_entry_t *mc_at(unsigned long list, unsigned int i)
{
    return gptr(list + i * sizeof(multicall_entry_t));
}

static void mc_set(unsigned long list, unsigned int i, unsigned long op,
                   unsigned long a0, unsigned long a1)
{
    multicall_entry_t *e = mc_at(list, i);
    unsigned int j;

    e->op = op;
    e->result = MC_SENTINEL;
    e->args[0] = a0;
    e->args[1] = a1;
    for (j = 2; j < 6; j++)
        e->args[j] = 0xa0 + j;
}

static long mc_result(unsigned long list, unsigned int i)
{
    return (long)mc_at(list, i)->result;
}

START_TEST(test_multicall_results)
{
    multicall_entry_t *e;

    mc_set(G_RW, 0, __HYPERVISOR_xen_version, XENVER_version, 0);
    mc_set(G_RW, 1, __HYPERVISOR_vm_assist, VMASST_CMD_enable,
           VMASST_TYPE_writable_pagetables);
    mc_set(G_RW, 2, __HYPERVISOR_set_segment_base, 3, 0x1234);
    mc_set(G_RW, 3, __HYPERVISOR_vm_assist, VMASST_CMD_enable, 63);
    mc_set(G_RW, 4, __HYPERVISOR_xen_version, XENVER_pagesize, 0);
    ck_assert_int_eq(hc(__HYPERVISOR_multicall, G_RW, 5, 0), 0);
    ck_assert_int_eq(mc_result(G_RW, 0), 0x40011);
    ck_assert_int_eq(mc_result(G_RW, 1), 0);
    ck_assert_uint_eq(domu.vm_assist, 1UL << VMASST_TYPE_writable_pagetables);
    ck_assert_int_eq(mc_result(G_RW, 2),
                     STUB_RET(__HYPERVISOR_set_segment_base));
    ck_assert_uint_eq(hit.a[0], 3);
    ck_assert_uint_eq(hit.a[1], 0x1234);
    ck_assert_uint_eq(hit.a[2], 0xa2);
    ck_assert_uint_eq(hit.a[4], 0xa4);
    ck_assert_int_eq(mc_result(G_RW, 3), -XEN_EINVAL);
    ck_assert_int_eq(mc_result(G_RW, 4), 4096);
    /* only the result is written back */
    e = mc_at(G_RW, 2);
    ck_assert_uint_eq(e->op, __HYPERVISOR_set_segment_base);
    ck_assert_uint_eq(e->args[5], 0xa5);
    /* each entry counts as its own hypercall */
    ck_assert_uint_eq(domu.hypercall_count[__HYPERVISOR_multicall], 1);
    ck_assert_uint_eq(domu.hypercall_count[__HYPERVISOR_xen_version], 2);
    ck_assert_uint_eq(domu.hypercall_count[__HYPERVISOR_vm_assist], 2);
    /* an empty batch does nothing */
    ck_assert_int_eq(hc(__HYPERVISOR_multicall, G_NONE, 0, 0), 0);
}
END_TEST

/* Nested and unknown entries fail alone; the batch goes on. */
static const unsigned long mc_bad_ops[] = {
    __HYPERVISOR_multicall,
    __HYPERVISOR_sched_op_compat,
    NR_HYPERCALLS,
    1000,
    UINT_MAX,
    1UL << 32, /* bit 32 set, low half set_trap_table */
    (1UL << 32) | __HYPERVISOR_multicall,
    (1UL << 32) | __HYPERVISOR_xen_version,
    (1UL << 32) | __HYPERVISOR_set_gdt,
    (1UL << 32) | __HYPERVISOR_iret,
    (1UL << 63) | __HYPERVISOR_sched_op,
    ~0UL,
};

START_TEST(test_multicall_bad_entry)
{
    unsigned long op = mc_bad_ops[_i];
    long want = op == __HYPERVISOR_multicall ? -XEN_EINVAL : -XEN_ENOSYS;

    mc_set(G_RW, 0, __HYPERVISOR_set_trap_table, 1, 2);
    mc_set(G_RW, 1, op, 0, 1); /* xen_version: XENVER_version */
    mc_set(G_RW, 2, __HYPERVISOR_set_gdt, 3, 4);
    ck_assert_int_eq(hc(__HYPERVISOR_multicall, G_RW, 3, 0), 0);
    ck_assert_int_eq(mc_result(G_RW, 0), STUB_RET(__HYPERVISOR_set_trap_table));
    ck_assert_msg(mc_result(G_RW, 1) == want, "op %#lx: result %ld, want %ld",
                  op, mc_result(G_RW, 1), want);
    ck_assert_int_eq(mc_result(G_RW, 2), STUB_RET(__HYPERVISOR_set_gdt));
    ck_assert_uint_eq(hit.calls, 2);
    ck_assert_uint_eq(domu.hypercall_count[__HYPERVISOR_multicall], 1);
}
END_TEST

static const struct mc_fault_case {
    const char *what;
    unsigned long list;
    unsigned long nr;
    unsigned int ran; /* entries that took effect before the fault */
} mc_fault_cases[] = {
    {"unmapped", G_NONE, 1, 0},
    {"null", 0, 3, 0},
    {"hole", HOLE_START, 1, 0},
    {"non-canonical", G_NONCANON, 1, 0},
    {"wraps", ~0UL - 16, 1, 0},
    {"read-only: result not writable", G_RO, 2, 1},
    {"runs off the end", G_RW_END - 2 * sizeof(multicall_entry_t) + 8, 2, 1},
    {"huge count", G_RW_END - 3 * sizeof(multicall_entry_t), ~0UL, 3},
};

START_TEST(test_multicall_fault)
{
    const struct mc_fault_case *c = &mc_fault_cases[_i];
    unsigned int i;

    /* fill whatever of the list is mapped with set_gdt entries */
    for (i = 0; i < 4; i++) {
        unsigned long va = c->list + i * sizeof(multicall_entry_t);

        if (gbyte(va, false) &&
            gbyte(va + sizeof(multicall_entry_t) - 1, false))
            mc_set(c->list, i, __HYPERVISOR_set_gdt, i, 0);
    }
    ck_assert_msg(hc(__HYPERVISOR_multicall, c->list, c->nr, 0) == -XEN_EFAULT,
                  "%s", c->what);
    ck_assert_uint_eq(hit.calls, c->ran);
    for (i = 0; i < c->ran && gbyte(c->list, true); i++)
        ck_assert_int_eq(mc_result(c->list, i), STUB_RET(__HYPERVISOR_set_gdt));
}
END_TEST

/* iret replaces the frame the rest would return through: it ends the batch. */
START_TEST(test_multicall_iret)
{
    mc_set(G_RW, 0, __HYPERVISOR_set_gdt, 0, 0);
    mc_set(G_RW, 1, __HYPERVISOR_iret, 0, 0);
    mc_set(G_RW, 2, __HYPERVISOR_set_trap_table, 0, 0);
    ck_assert_int_eq(hc(__HYPERVISOR_multicall, G_RW, 3, 0), 0);
    ck_assert_uint_eq(hit.calls, 2);
    ck_assert_uint_eq(hit.nr, __HYPERVISOR_iret);
    ck_assert_int_eq(mc_result(G_RW, 1), STUB_RET(__HYPERVISOR_iret));
    ck_assert_uint_eq(mc_result(G_RW, 2), MC_SENTINEL);
}
END_TEST

/* A batch entry that kills the domain stops the batch. */
START_TEST(test_multicall_dead_domain)
{
    struct sched_shutdown s = {.reason = SHUTDOWN_poweroff};
    unsigned long sva = G_RW + 0x2000;

    memcpy(gptr(sva), &s, sizeof(s));
    mc_set(G_RW, 0, __HYPERVISOR_sched_op, SCHEDOP_shutdown, sva);
    mc_set(G_RW, 1, __HYPERVISOR_set_gdt, 0, 0);
    ck_assert_int_eq(hc(__HYPERVISOR_multicall, G_RW, 2, 0), 0);
    ck_assert_int_eq(mc_result(G_RW, 0), 0);
    ck_assert(domain_is_dead(&domu));
    ck_assert_uint_eq(calls.domain_shutdown, 1);
    ck_assert_uint_eq(hit.calls, 0);
    ck_assert_uint_eq(mc_result(G_RW, 1), MC_SENTINEL);
}
END_TEST

/* ------------------------------------------------------------------ */
/* xen_version                                                          */

static const struct ver_copy {
    unsigned long cmd;
    size_t size;
    const char *str; /* NUL-padded string result, or NULL */
} ver_copies[] = {
    {XENVER_extraversion, sizeof(xen_extraversion_t), ".0-xenia"},
    {XENVER_compile_info, sizeof(xen_compile_info_t), NULL},
    {XENVER_capabilities, sizeof(xen_capabilities_info_t), "xen-3.0-x86_64"},
    {XENVER_changeset, sizeof(xen_changeset_info_t), "xenia"},
    {XENVER_platform_parameters, sizeof(xen_platform_parameters_t), NULL},
    {XENVER_guest_handle, sizeof(xen_domain_handle_t), NULL},
    {XENVER_commandline, sizeof(xen_commandline_t), CMDLINE},
};

static long xenver(unsigned long cmd, unsigned long arg)
{
    return hc(__HYPERVISOR_xen_version, cmd, arg, 0);
}

/* Exactly size bytes land at the pointer, up to the very end of a mapping. */
START_TEST(test_version_copy)
{
    const struct ver_copy *c = &ver_copies[_i];
    unsigned long at = G_RW_END - c->size;
    const uint8_t *p = gptr(at);
    size_t i;

    as_dom0();
    memset(mem_rw, 0xaa, sizeof(mem_rw));
    ck_assert_int_eq(xenver(c->cmd, at), 0);
    ck_assert_uint_eq(mem_rw[at - G_RW - 1], 0xaa);
    if (c->str) {
        ck_assert_str_eq((const char *)p, c->str);
        for (i = strlen(c->str); i < c->size; i++)
            ck_assert_uint_eq(p[i], 0);
    }
    if (c->cmd == XENVER_platform_parameters) {
        ck_assert_uint_eq(((const xen_platform_parameters_t *)p)->virt_start,
                          HYPERVISOR_VIRT_START);
    } else if (c->cmd == XENVER_guest_handle) {
        for (i = 0; i < c->size; i++)
            ck_assert_uint_eq(p[i], 0);
    } else if (c->cmd == XENVER_compile_info) {
        const xen_compile_info_t *ci = (const void *)p;

        ck_assert_str_eq(ci->compile_by, "xenia");
        ck_assert_str_eq(ci->compile_domain, "xenia");
        ck_assert_int_eq(strncmp(ci->compiler, "gcc ", 4), 0);
    }
    ck_assert_int_eq(xenver(c->cmd, G_HIGH), 0);
    ck_assert_int_eq(xenver(c->cmd, G_TOP + 0x1000 - c->size), 0);

    /* one byte short, unmapped, read-only, the hole, non-canonical, wrap */
    ck_assert_int_eq(xenver(c->cmd, at + 1), -XEN_EFAULT);
    ck_assert_int_eq(xenver(c->cmd, G_NONE), -XEN_EFAULT);
    ck_assert_int_eq(xenver(c->cmd, 0), -XEN_EFAULT);
    ck_assert_int_eq(xenver(c->cmd, G_RO), -XEN_EFAULT);
    ck_assert_int_eq(xenver(c->cmd, HOLE_START), -XEN_EFAULT);
    ck_assert_int_eq(xenver(c->cmd, HOLE_END - c->size), -XEN_EFAULT);
    ck_assert_int_eq(xenver(c->cmd, G_NONCANON), -XEN_EFAULT);
    ck_assert_int_eq(xenver(c->cmd, ~0UL - 1), -XEN_EFAULT);
    ck_assert_uint_eq(mem_ro[0], 0);
}
END_TEST

START_TEST(test_version_values)
{
    /* no pointer is touched: any arg works */
    ck_assert_int_eq(xenver(XENVER_version, 0), (4 << 16) | 17);
    ck_assert_int_eq(xenver(XENVER_version, HOLE_START), (4 << 16) | 17);
    ck_assert_int_eq(xenver(XENVER_pagesize, ~0UL), 4096);
    ck_assert_uint_eq(nr_guest_faults, 0);
}
END_TEST

START_TEST(test_version_commandline_unpriv)
{
    memset(mem_rw, 0xaa, sizeof(mem_rw));
    ck_assert_int_eq(xenver(XENVER_commandline, G_RW), -XEN_EPERM);
    ck_assert_uint_eq(mem_rw[0], 0xaa);
    ck_assert_int_eq(xenver(XENVER_commandline, G_NONE), -XEN_EPERM);
}
END_TEST

/* Every domain: A/D-preserving mmu_update; the control domain: dom0. */
#define FEAT_ALL  (1u << XENFEAT_mmu_pt_update_preserve_ad | \
                   1u << XENFEAT_gnttab_map_avail_bits)
#define FEAT_DOM0 (FEAT_ALL | 1u << XENFEAT_dom0)

static const struct feat_case {
    bool priv;
    unsigned int idx;
    unsigned long at;
    long rc;
    uint32_t submap;
} feat_cases[] = {
    {true, 0, G_RW, 0, FEAT_DOM0},
    {false, 0, G_RW, 0, FEAT_ALL},
    {false, 0, G_HIGH, 0, FEAT_ALL},
    {true, XENFEAT_NR_SUBMAPS, G_RW, -XEN_EINVAL, 0},
    {false, 1, G_RW, -XEN_EINVAL, 0},
    {false, 31, G_RW, -XEN_EINVAL, 0},
    {true, 0x80000000u, G_RW, -XEN_EINVAL, 0},
    {false, UINT_MAX, G_RW, -XEN_EINVAL, 0},
    {false, 0, G_NONE, -XEN_EFAULT, 0},
    {false, 0, G_RO, -XEN_EFAULT, 0}, /* readable, not writable */
    {false, 0, G_RW_END - 4, -XEN_EFAULT, 0},
    {false, 0, HOLE_START, -XEN_EFAULT, 0},
};

START_TEST(test_version_get_features)
{
    const struct feat_case *c = &feat_cases[_i];
    xen_feature_info_t fi = {.submap_idx = c->idx, .submap = 0xdeadbeef};
    xen_feature_info_t *g = gbyte(c->at, false) ? gptr(c->at) : NULL;

    if (c->priv)
        as_dom0();
    if (g && c->at + sizeof(fi) <= G_RW_END)
        memcpy(g, &fi, sizeof(fi));
    else if (g)
        memcpy(g, &fi, 4);
    ck_assert_int_eq(xenver(XENVER_get_features, c->at), c->rc);
    if (c->rc == 0) {
        ck_assert_uint_eq(g->submap_idx, c->idx);
        ck_assert_uint_eq(g->submap, c->submap);
    } else if (c->rc == -XEN_EINVAL) {
        ck_assert_uint_eq(g->submap, 0xdeadbeef);
    }
}
END_TEST

static const unsigned long ver_unknown[] = {
    XENVER_build_id,
    11,
    12,
    0x40,
    0x7fffffff,
    1UL << 32,
    (1UL << 32) | XENVER_version,
    ~0UL,
};

START_TEST(test_version_unknown)
{
    as_dom0();
    ck_assert_int_eq(xenver(ver_unknown[_i], G_RW), -XEN_ENOSYS);
    cur = &domu_v0;
    ck_assert_int_eq(xenver(ver_unknown[_i], G_RW), -XEN_ENOSYS);
}
END_TEST

/* ------------------------------------------------------------------ */
/* console_io                                                           */

static long conio(unsigned long cmd, unsigned long count, unsigned long buf)
{
    return hc(__HYPERVISOR_console_io, cmd, count, buf);
}

static const size_t write_lens[] = {0,   1,   127, 128,  129,
                                    255, 256, 300, 4096, 0x3000};

START_TEST(test_console_write)
{
    size_t len = write_lens[_i], i;

    for (i = 0; i < G_RW_SZ; i++)
        mem_rw[i] = (uint8_t)('a' + i % 26);
    ck_assert_int_eq(conio(CONSOLEIO_write, len, G_RW_END - len), 0);
    ck_assert_uint_eq(con_len, len);
    ck_assert_int_eq(memcmp(con_out, mem_rw + G_RW_SZ - len, len), 0);
    ck_assert_uint_le(con_max_chunk, 128);
    ck_assert_uint_eq(con_calls, (len + 127) / 128);
}
END_TEST

/* Past HYPERCALL_CHUNK chunks a write continues: the rest is re-issued. */
START_TEST(test_console_write_continues)
{
    size_t len = HYPERCALL_CHUNK * 128 + 5;

    memset(mem_rw, 'x', G_RW_SZ);
    ck_assert_int_eq(conio(CONSOLEIO_write, len, G_RW), HYPERCALL_RESTART);
    ck_assert_uint_eq(con_len, HYPERCALL_CHUNK * 128);
    ck_assert(cur->continuation);
    ck_assert_uint_eq(cur->cont_args[0], CONSOLEIO_write);
    ck_assert_uint_eq(cur->cont_args[1], 5);
    ck_assert_uint_eq(cur->cont_args[2], G_RW + HYPERCALL_CHUNK * 128);
    /* the re-issued call finishes the job */
    cur->continuation = false;
    ck_assert_int_eq(conio(CONSOLEIO_write, 5, G_RW + HYPERCALL_CHUNK * 128), 0);
    ck_assert_uint_eq(con_len, len);
}
END_TEST

/*
 * Inside a multicall the entry continues as Xen's do: its args become the
 * continuation's (result not written) and the multicall goes on from it.
 */
START_TEST(test_multicall_entry_continues)
{
    size_t len = HYPERCALL_CHUNK * 128 + 5;
    unsigned long list = G_RW_END - 2 * sizeof(multicall_entry_t);
    multicall_entry_t *e = mc_at(list, 0);

    memset(mem_rw, 'x', len);
    mc_set(list, 0, __HYPERVISOR_console_io, CONSOLEIO_write, len);
    e->args[2] = G_RW;
    mc_set(list, 1, __HYPERVISOR_xen_version, XENVER_pagesize, 0);
    ck_assert_int_eq(hc(__HYPERVISOR_multicall, list, 2, 0), HYPERCALL_RESTART);
    ck_assert(cur->continuation);
    ck_assert_uint_eq(cur->cont_args[0], list);
    ck_assert_uint_eq(cur->cont_args[1], 2);
    ck_assert_uint_eq(con_len, HYPERCALL_CHUNK * 128);
    ck_assert_uint_eq(e->op, __HYPERVISOR_console_io);
    ck_assert_uint_eq(e->args[0], CONSOLEIO_write);
    ck_assert_uint_eq(e->args[1], 5);
    ck_assert_uint_eq(e->args[2], G_RW + HYPERCALL_CHUNK * 128);
    ck_assert_uint_eq(e->result, MC_SENTINEL);
    ck_assert_uint_eq(mc_result(list, 1), MC_SENTINEL);
    /* the guest's syscall runs again with the continuation's arguments */
    cur->continuation = false;
    ck_assert_int_eq(hc(__HYPERVISOR_multicall, list, 2, 0), 0);
    ck_assert(!cur->continuation);
    ck_assert_uint_eq(con_len, len);
    ck_assert_int_eq(mc_result(list, 0), 0);
    ck_assert_int_eq(mc_result(list, 1), 4096);
    /* An entry list the hypervisor cannot write: the args cannot be
     * rewritten, so the call fails with -EFAULT and does not continue. */
    con_len = 0;
    mc_set(G_RO, 0, __HYPERVISOR_console_io, CONSOLEIO_write, len);
    mc_at(G_RO, 0)->args[2] = G_RW;
    ck_assert_int_eq(hc(__HYPERVISOR_multicall, G_RO, 1, 0), -XEN_EFAULT);
    ck_assert(!cur->continuation);
    ck_assert_uint_eq(mc_at(G_RO, 0)->args[1], len);
}
END_TEST

/* A long batch continues every 32 entries, from the next one. */
START_TEST(test_multicall_long_batch)
{
    unsigned int i;

    for (i = 0; i < 40; i++)
        mc_set(G_RW, i, __HYPERVISOR_xen_version, XENVER_pagesize, 0);
    ck_assert_int_eq(hc(__HYPERVISOR_multicall, G_RW, 40, 0), HYPERCALL_RESTART);
    ck_assert(cur->continuation);
    ck_assert_uint_eq(cur->cont_args[0], G_RW + 32 * sizeof(multicall_entry_t));
    ck_assert_uint_eq(cur->cont_args[1], 8);
    for (i = 0; i < 40; i++)
        ck_assert_uint_eq(mc_result(G_RW, i), i < 32 ? 4096 : MC_SENTINEL);
    cur->continuation = false;
    ck_assert_int_eq(hc(__HYPERVISOR_multicall, cur->cont_args[0],
                        cur->cont_args[1], 0), 0);
    ck_assert(!cur->continuation);
    for (i = 0; i < 40; i++)
        ck_assert_int_eq(mc_result(G_RW, i), 4096);
    ck_assert_uint_eq(domu.hypercall_count[__HYPERVISOR_multicall], 2);
    ck_assert_uint_eq(domu.hypercall_count[__HYPERVISOR_xen_version], 40);
}
END_TEST

static const struct con_bad {
    unsigned long count;
    unsigned long buf;
    long rc;
    size_t written; /* chunks that went out before the fault */
} con_bad[] = {
    {~0UL, G_RW, -XEN_EINVAL, 0},
    {0x80000000UL, G_RW, -XEN_EINVAL, 0},
    {0xffffffffUL, G_RW, -XEN_EINVAL, 0},
    {(unsigned long)INT_MIN, G_NONE, -XEN_EINVAL, 0},
    {1, G_NONE, -XEN_EFAULT, 0},
    {16, 0, -XEN_EFAULT, 0},
    {16, HOLE_START, -XEN_EFAULT, 0},
    {16, HOLE_END - 8, -XEN_EFAULT, 0},
    {16, G_NONCANON - 8, -XEN_EFAULT, 0},
    {16, ~0UL - 4, -XEN_EFAULT, 0},
    {300, G_RW_END - 200, -XEN_EFAULT, 128},
    {129, G_RW_END - 128, -XEN_EFAULT, 128},
};

START_TEST(test_console_write_bad)
{
    const struct con_bad *c = &con_bad[_i];

    ck_assert_int_eq(conio(CONSOLEIO_write, c->count, c->buf), c->rc);
    ck_assert_uint_eq(con_len, c->written);
}
END_TEST

START_TEST(test_console_read)
{
    size_t n = strlen(INPUT);

    ck_assert_int_eq(conio(CONSOLEIO_read, 100, G_RW), -XEN_EPERM);
    ck_assert_uint_eq(calls.read_input, 0);
    as_dom0();
    memset(mem_rw, 0xaa, sizeof(mem_rw));
    ck_assert_int_eq(conio(CONSOLEIO_read, 5, G_RW), 5);
    ck_assert_int_eq(memcmp(mem_rw, INPUT, 5), 0);
    ck_assert_uint_eq(mem_rw[5], 0xaa);
    ck_assert_int_eq(conio(CONSOLEIO_read, 1000, G_RW), (long)n);
    ck_assert_int_eq(memcmp(mem_rw, INPUT, n), 0);
    ck_assert_int_eq(conio(CONSOLEIO_read, 0, G_NONE), 0);
    ck_assert_int_eq(conio(CONSOLEIO_read, ~0UL, G_RW), -XEN_EINVAL);
    ck_assert_int_eq(conio(CONSOLEIO_read, 10, G_NONE), -XEN_EFAULT);
    ck_assert_int_eq(conio(CONSOLEIO_read, 10, G_RO), -XEN_EFAULT);
    ck_assert_int_eq(conio(CONSOLEIO_read, 10, HOLE_START), -XEN_EFAULT);
}
END_TEST

/* cmd is an unsigned int in Xen: only the low 32 bits count. */
static const unsigned long con_unknown[] = {2, 3, 99, (1UL << 32) | 2, ~0UL};

START_TEST(test_console_unknown)
{
    ck_assert_int_eq(conio(con_unknown[_i], 10, G_RW), -XEN_ENOSYS);
    as_dom0();
    ck_assert_int_eq(conio(con_unknown[_i], 10, G_RW), -XEN_ENOSYS);
    ck_assert_uint_eq(con_len, 0);
    ck_assert_uint_eq(calls.read_input, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* sched_op and the domain lifecycle                                    */

static long schedop(unsigned long cmd, unsigned long arg)
{
    return hc(__HYPERVISOR_sched_op, cmd, arg, 0);
}

static unsigned long put_shutdown(unsigned int reason)
{
    struct sched_shutdown s = {.reason = reason};

    memcpy(gptr(G_RW + 0x100), &s, sizeof(s));
    return G_RW + 0x100;
}

START_TEST(test_sched_yield_block)
{
    ck_assert_int_eq(schedop(SCHEDOP_yield, 0), 0);
    ck_assert_uint_eq(calls.yield, 1);
    ck_assert_uint_eq(calls.block, 0);
    ck_assert_int_eq(schedop(SCHEDOP_block, 0), 0);
    ck_assert_uint_eq(calls.block, 1);
    ck_assert_ptr_eq(block_v, &domu_v0);
    ck_assert(!domain_is_dead(&domu));
}
END_TEST

static const struct shutdown_case {
    unsigned int reason;
    unsigned int recorded;
    const char *name;
} shutdown_cases[] = {
    {SHUTDOWN_poweroff, SHUTDOWN_poweroff, "poweroff"},
    {SHUTDOWN_reboot, SHUTDOWN_reboot, "reboot"},
    {SHUTDOWN_suspend, SHUTDOWN_suspend, "suspend"},
    {SHUTDOWN_crash, SHUTDOWN_crash, "crash"},
    {SHUTDOWN_watchdog, SHUTDOWN_watchdog, "watchdog"},
    {SHUTDOWN_soft_reset, SHUTDOWN_soft_reset, "soft_reset"},
    {6, 6, "unknown"},
    {255, 255, "unknown"},
    {0x102, SHUTDOWN_suspend, "suspend"}, /* Xen keeps the low byte */
};

START_TEST(test_sched_shutdown)
{
    const struct shutdown_case *c = &shutdown_cases[_i];

    ck_assert_int_eq(schedop(SCHEDOP_shutdown, put_shutdown(c->reason)), 0);
    ck_assert_uint_eq(domu.state, DOMSTATE_SHUTDOWN);
    ck_assert(domain_is_dead(&domu));
    ck_assert_uint_eq(domu.shutdown_reason, c->recorded);
    ck_assert_uint_eq(calls.domain_shutdown, 1);
    ck_assert_ptr_eq(shutdown_d, &domu);
    ck_assert_ptr_nonnull(strstr(last_log, "guest"));
    ck_assert_ptr_nonnull(strstr(last_log, c->name));
    /* a second request changes nothing */
    ck_assert_int_eq(schedop(SCHEDOP_shutdown, put_shutdown(SHUTDOWN_reboot)),
                     0);
    ck_assert_uint_eq(domu.shutdown_reason, c->recorded);
    ck_assert_uint_eq(calls.domain_shutdown, 1);
    domain_crash(&domu, "late");
    ck_assert_uint_eq(domu.shutdown_reason, c->recorded);
    ck_assert_uint_eq(calls.domain_shutdown, 1);
    ck_assert(!domain_is_dead(&dom0));
}
END_TEST

START_TEST(test_sched_shutdown_code)
{
    ck_assert_int_eq(schedop(SCHEDOP_shutdown_code, put_shutdown(3)), 0);
    ck_assert_uint_eq(domu.shutdown_code, 3);
    ck_assert(!domain_is_dead(&domu));
    ck_assert_uint_eq(calls.domain_shutdown, 0);
    ck_assert_int_eq(schedop(SCHEDOP_shutdown_code, put_shutdown(0x1ff)), 0);
    ck_assert_uint_eq(domu.shutdown_code, 0xff);
    ck_assert_int_eq(schedop(SCHEDOP_shutdown, put_shutdown(SHUTDOWN_poweroff)),
                     0);
    ck_assert_uint_eq(domu.shutdown_reason, SHUTDOWN_poweroff);
    ck_assert_uint_eq(calls.domain_shutdown, 1);
    ck_assert_ptr_nonnull(strstr(last_log, "code 255"));
}
END_TEST

static long watchdog(uint32_t id, uint32_t timeout)
{
    struct sched_watchdog w = {.id = id, .timeout = timeout};

    memcpy(gptr(G_RW + 0x200), &w, sizeof(w));
    return schedop(SCHEDOP_watchdog, G_RW + 0x200);
}

/* Xen's watchdogs: two per domain, taken with id 0, fed, freed with 0. */
START_TEST(test_sched_watchdog)
{
    ck_assert_int_eq(watchdog(0, 30), 1);
    ck_assert_uint_eq(domu.watchdog_deadline[0], 1000000 + 30000000000ULL + 1);
    ck_assert_int_eq(watchdog(0, 5), 2);
    ck_assert_int_eq(watchdog(0, 5), -XEN_ENOSPC);
    ck_assert_int_eq(watchdog(1, 60), 0);       /* fed: a new deadline */
    ck_assert_uint_eq(domu.watchdog_deadline[0], 1000000 + 60000000000ULL + 1);
    ck_assert_int_eq(watchdog(3, 5), -XEN_EINVAL);
    ck_assert_int_eq(watchdog(~0u, 5), -XEN_EINVAL);
    ck_assert_int_eq(watchdog(1, 0), 0);        /* freed */
    ck_assert_uint_eq(domu.watchdog_deadline[0], 0);
    ck_assert_int_eq(watchdog(1, 0), -XEN_EINVAL);
    ck_assert_int_eq(watchdog(1, 5), -XEN_EINVAL);
    ck_assert_int_eq(watchdog(0, 7), 1);        /* the free one again */
    ck_assert_uint_eq(calls.timers_run, 4);     /* every arm re-programs */
    ck_assert_uint_eq(dom0.watchdog_inuse, 0);  /* per domain */
    ck_assert_int_eq(schedop(SCHEDOP_watchdog, G_NONE), -XEN_EFAULT);
    ck_assert_uint_eq(calls.domain_shutdown, 0);
}
END_TEST

static const unsigned long sched_bad_ptrs[] = {
    0, G_NONE, HOLE_START, G_NONCANON, G_RW_END - 2, ~0UL,
};

START_TEST(test_sched_bad_pointer)
{
    unsigned long p = sched_bad_ptrs[_i];

    ck_assert_int_eq(schedop(SCHEDOP_shutdown, p), -XEN_EFAULT);
    ck_assert_int_eq(schedop(SCHEDOP_shutdown_code, p), -XEN_EFAULT);
    ck_assert_int_eq(schedop(SCHEDOP_poll, p), -XEN_EFAULT);
    ck_assert(!domain_is_dead(&domu));
    ck_assert_uint_eq(domu.shutdown_code, ~0u);
    ck_assert_uint_eq(calls.domain_shutdown, 0);
    ck_assert_uint_eq(calls.poll, 0);
}
END_TEST

/* Poll checks the request and every port, then waits in the arch hook. */
static unsigned long put_poll(unsigned long ports_va, unsigned int n,
                              uint64_t timeout)
{
    struct sched_poll p = {.nr_ports = n, .timeout = timeout};

    set_xen_guest_handle(p.ports, (evtchn_port_t *)ports_va);
    memcpy(gptr(G_RW + 0x200), &p, sizeof(p));
    return G_RW + 0x200;
}

START_TEST(test_sched_poll)
{
    evtchn_port_t *ports = gptr(G_RO + 0x10);

    ports[0] = 3;
    ports[1] = EVTCHN_NR_PORTS - 1;
    ck_assert_int_eq(schedop(SCHEDOP_poll, put_poll(G_RO + 0x10, 2, 5000)),
                     ARCH_POLL_RET);
    ck_assert_uint_eq(calls.poll, 1);
    ck_assert_ptr_eq(poll_v, &domu_v0);
    ck_assert_uint_eq(poll_n, 2);
    ck_assert_uint_eq(poll_ports[0], 3);
    ck_assert_uint_eq(poll_ports[1], EVTCHN_NR_PORTS - 1);
    ck_assert_uint_eq(poll_timeout, 5000);
    /* refused before the hook */
    ports[1] = EVTCHN_NR_PORTS;
    ck_assert_int_eq(schedop(SCHEDOP_poll, put_poll(G_RO + 0x10, 2, 0)),
                     -XEN_EINVAL);
    ck_assert_int_eq(schedop(SCHEDOP_poll, put_poll(G_RO + 0x10, UINT_MAX, 0)),
                     -XEN_EINVAL);
    ck_assert_int_eq(schedop(SCHEDOP_poll, put_poll(G_NONE, 1, 0)),
                     -XEN_EFAULT);
    ck_assert_int_eq(schedop(SCHEDOP_poll, put_poll(HOLE_START, 1, 0)),
                     -XEN_EFAULT);
    ck_assert_int_eq(schedop(SCHEDOP_poll, put_poll(G_RW_END - 4, 2, 0)),
                     -XEN_EFAULT);
    ck_assert_uint_eq(calls.poll, 1);
}
END_TEST

static const unsigned long sched_unknown[] = {
    SCHEDOP_pin_override,
    8,
    99,
    1UL << 32,
    ~0UL,
};

START_TEST(test_sched_unknown)
{
    ck_assert_int_eq(schedop(sched_unknown[_i], put_shutdown(0)), -XEN_ENOSYS);
    ck_assert(!domain_is_dead(&domu));
    ck_assert_uint_eq(calls.block, 0);
}
END_TEST

START_TEST(test_domain_crash)
{
    domain_crash(&domu, "bad iret frame");
    ck_assert(domain_is_dead(&domu));
    ck_assert_uint_eq(domu.shutdown_reason, SHUTDOWN_crash);
    ck_assert_uint_eq(calls.domain_shutdown, 1);
    ck_assert_ptr_nonnull(strstr(last_log, "bad iret frame"));
    domain_crash(&domu, "again");
    domain_shutdown(&domu, SHUTDOWN_poweroff);
    ck_assert_uint_eq(domu.shutdown_reason, SHUTDOWN_crash);
    ck_assert_uint_eq(calls.domain_shutdown, 1);
    /* a dying domain counts as dead too */
    dom0.state = DOMSTATE_DYING;
    ck_assert(domain_is_dead(&dom0));
    domain_shutdown(&dom0, SHUTDOWN_reboot);
    ck_assert_uint_eq(calls.domain_shutdown, 1);
}
END_TEST

const char *shutdown_reason_name(unsigned int reason); /* domain.c */

START_TEST(test_shutdown_names)
{
    ck_assert_str_eq(shutdown_reason_name(SHUTDOWN_poweroff), "poweroff");
    ck_assert_str_eq(shutdown_reason_name(SHUTDOWN_soft_reset), "soft_reset");
    ck_assert_str_eq(shutdown_reason_name(SHUTDOWN_soft_reset + 1), "unknown");
    ck_assert_str_eq(shutdown_reason_name(UINT_MAX), "unknown");
}
END_TEST

/* ------------------------------------------------------------------ */
/* vm_assist                                                            */

static const unsigned int vmasst_valid[] = {
    VMASST_TYPE_4gb_segments,        VMASST_TYPE_4gb_segments_notify,
    VMASST_TYPE_writable_pagetables, VMASST_TYPE_pae_extended_cr3,
    VMASST_TYPE_architectural_iopl,  VMASST_TYPE_runstate_update_flag,
    VMASST_TYPE_m2p_strict,
};

static long vmasst(unsigned long cmd, unsigned long type)
{
    return hc(__HYPERVISOR_vm_assist, cmd, type, 0);
}

START_TEST(test_vm_assist_valid)
{
    unsigned int t = vmasst_valid[_i];
    unsigned long others = 1UL << VMASST_TYPE_4gb_segments_notify;

    if (t == VMASST_TYPE_4gb_segments_notify)
        others = 1UL << VMASST_TYPE_m2p_strict;
    domu.vm_assist = others;
    ck_assert_int_eq(vmasst(VMASST_CMD_enable, t), 0);
    ck_assert_uint_eq(domu.vm_assist, others | (1UL << t));
    ck_assert_int_eq(vmasst(VMASST_CMD_enable, t), 0);
    ck_assert_uint_eq(domu.vm_assist, others | (1UL << t));
    ck_assert_int_eq(vmasst(VMASST_CMD_disable, t), 0);
    ck_assert_uint_eq(domu.vm_assist, others);
    ck_assert_int_eq(vmasst(VMASST_CMD_disable, t), 0);
    ck_assert_uint_eq(domu.vm_assist, others);
    /* bad command on a valid type */
    ck_assert_int_eq(vmasst(2, t), -XEN_ENOSYS);
    ck_assert_int_eq(vmasst(~0UL, t), -XEN_ENOSYS);
    ck_assert_int_eq(vmasst((1UL << 32) | VMASST_CMD_enable, t), -XEN_ENOSYS);
    ck_assert_uint_eq(domu.vm_assist, others);
    ck_assert_uint_eq(dom0.vm_assist, 0);
}
END_TEST

static const unsigned long vmasst_invalid[] = {
    6,
    7,
    8,
    16,
    31,
    33,
    40,
    63,
    64,
    65,
    128,
    1UL << 32,
    (1UL << 32) | VMASST_TYPE_writable_pagetables,
    ~0UL,
};

START_TEST(test_vm_assist_invalid)
{
    unsigned long t = vmasst_invalid[_i];

    ck_assert_int_eq(vmasst(VMASST_CMD_enable, t), -XEN_EINVAL);
    ck_assert_int_eq(vmasst(VMASST_CMD_disable, t), -XEN_EINVAL);
    ck_assert_int_eq(vmasst(99, t), -XEN_EINVAL); /* type checked first */
    ck_assert_uint_eq(domu.vm_assist, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* vcpu_op                                                              */

static long vcpuop(unsigned long cmd, unsigned long id, unsigned long arg)
{
    return hc(__HYPERVISOR_vcpu_op, cmd, id, arg);
}

static const unsigned long vcpu_bad_ids[] = {
    2, 3, MAX_VIRT_CPUS - 1, MAX_VIRT_CPUS, 1000, 1UL << 32, ~0UL,
};

START_TEST(test_vcpu_enoent)
{
    unsigned long id = vcpu_bad_ids[_i];
    static const unsigned long cmds[] = {
        VCPUOP_is_up,
        VCPUOP_get_runstate_info,
        VCPUOP_register_runstate_memory_area,
        VCPUOP_register_vcpu_info,
        99,
    };
    unsigned int i;

    domu.max_vcpus = 4; /* slots 2 and 3 exist but hold no vCPU */
    for (i = 0; i < ARRAY_SIZE(cmds); i++)
        ck_assert_int_eq(vcpuop(cmds[i], id, G_RW), -XEN_ENOENT);
    ck_assert_uint_eq(calls.register_info + calls.runstate_update, 0);
    ck_assert_uint_eq(nr_guest_faults, 0);
}
END_TEST

START_TEST(test_vcpu_is_up)
{
    ck_assert_int_eq(vcpuop(VCPUOP_is_up, 0, 0), 1);
    ck_assert_int_eq(vcpuop(VCPUOP_is_up, 1, 0), 0);
    domu_v1.online = true;
    ck_assert_int_eq(vcpuop(VCPUOP_is_up, 1, 0), 1);
    as_dom0();
    ck_assert_int_eq(vcpuop(VCPUOP_is_up, 0, 0), 1);
    ck_assert_int_eq(vcpuop(VCPUOP_is_up, 1, 0), -XEN_ENOENT);
}
END_TEST

START_TEST(test_vcpu_runstate_info)
{
    struct vcpu_runstate_info *g = gptr(G_RW + 0x40);

    domu_v1.runstate.state = RUNSTATE_offline;
    domu_v1.runstate.state_entry_time = 123456789;
    domu_v1.runstate.time[RUNSTATE_offline] = 42;
    ck_assert_int_eq(vcpuop(VCPUOP_get_runstate_info, 1, G_RW + 0x40), 0);
    ck_assert_int_eq(g->state, RUNSTATE_offline);
    ck_assert_uint_eq(g->state_entry_time, 123456789);
    ck_assert_uint_eq(g->time[RUNSTATE_offline], 42);
    ck_assert_int_eq(vcpuop(VCPUOP_get_runstate_info, 1, G_NONE), -XEN_EFAULT);
    ck_assert_int_eq(vcpuop(VCPUOP_get_runstate_info, 1, G_RO), -XEN_EFAULT);
    ck_assert_int_eq(vcpuop(VCPUOP_get_runstate_info, 1, HOLE_START),
                     -XEN_EFAULT);
    ck_assert_int_eq(vcpuop(VCPUOP_get_runstate_info, 1, G_RW_END - 8),
                     -XEN_EFAULT);
}
END_TEST

#define RS_SIZE sizeof(struct vcpu_runstate_info)

static const struct runstate_case {
    const char *what;
    unsigned int vcpu;
    unsigned long addr;
    long rc;
    bool copied;
} runstate_cases[] = {
    {"mapped", 0, G_RW + 0x800, 0, true},
    {"high half", 0, G_HIGH, 0, true},
    {"end of the low half", 0, G_TOP + 0x1000 - RS_SIZE, 0, true},
    {"unmapped: registered, updated later", 0, G_NONE, 0, false},
    {"read-only: registered", 0, G_RO, 0, false},
    {"other vcpu: not copied now", 1, G_RW + 0x800, 0, false},
    {"zero: unregister", 0, 0, 0, false},
    {"crosses into non-canonical", 0, G_TOP + 0x1000 - RS_SIZE + 1, -XEN_EINVAL,
     false},
    {"non-canonical", 0, G_NONCANON, -XEN_EINVAL, false},
    {"hole start", 0, HOLE_START, -XEN_EINVAL, false},
    {"last bytes of the hole", 0, HOLE_END - 8, -XEN_EINVAL, false},
    {"wraps", 0, ~0UL - 8, -XEN_EINVAL, false},
};

START_TEST(test_vcpu_register_runstate)
{
    const struct runstate_case *c = &runstate_cases[_i];
    struct vcpu_register_runstate_memory_area area = {.addr.p = c->addr};
    struct vcpu *v = c->vcpu ? &domu_v1 : &domu_v0;
    const unsigned long old = 0x1230;

    v->runstate_guest = old;
    v->runstate.state = RUNSTATE_blocked;
    v->runstate.state_entry_time = 777;
    memcpy(gptr(G_RW), &area, sizeof(area));
    ck_assert_msg(vcpuop(VCPUOP_register_runstate_memory_area, c->vcpu, G_RW) ==
                      c->rc,
                  "%s", c->what);
    if (c->rc) {
        ck_assert_uint_eq(v->runstate_guest, old);
        ck_assert_uint_eq(calls.runstate_update, 0);
        return;
    }
    ck_assert_uint_eq(v->runstate_guest, c->addr);
    ck_assert_uint_eq(calls.runstate_update, 1);
    if (c->copied) {
        const struct vcpu_runstate_info *g = gptr(c->addr);

        ck_assert_int_eq(g->state, RUNSTATE_blocked);
        ck_assert_uint_eq(g->state_entry_time, 777);
    } else if (gbyte(c->addr, false) && c->addr) {
        ck_assert_uint_eq(((const struct vcpu_runstate_info *)gptr(c->addr))
                              ->state_entry_time,
                          0);
    }
}
END_TEST

#define TI_SIZE sizeof(struct vcpu_time_info)

static const struct time_area_case {
    const char *what;
    unsigned long addr;
    long rc;
} time_area_cases[] = {
    {"mapped", G_RW + 0x800, 0},
    {"unmapped: registered, written when reachable", G_NONE, 0},
    {"zero: unregister", 0, 0},
    {"end of the low half", G_TOP + 0x1000 - TI_SIZE, 0},
    {"crosses into non-canonical", G_TOP + 0x1000 - TI_SIZE + 1, -XEN_EFAULT},
    {"hole start", HOLE_START, -XEN_EFAULT},
    {"wraps", ~0UL - 8, -XEN_EFAULT},
};

START_TEST(test_vcpu_register_time_area)
{
    const struct time_area_case *c = &time_area_cases[_i];
    struct vcpu_register_time_memory_area area = {.addr.p = c->addr};
    const unsigned long old = 0x4560;

    domu_v0.time_guest = old;
    memcpy(gptr(G_RW), &area, sizeof(area));
    ck_assert_msg(vcpuop(VCPUOP_register_vcpu_time_memory_area, 0, G_RW) ==
                      c->rc,
                  "%s", c->what);
    ck_assert_uint_eq(domu_v0.time_guest, c->rc ? old : c->addr);
    ck_assert_uint_eq(calls.time_update, c->rc ? 0 : 1);
    ck_assert_int_eq(vcpuop(VCPUOP_register_vcpu_time_memory_area, 0, G_NONE),
                     -XEN_EFAULT);
}
END_TEST

START_TEST(test_vcpu_register_runstate_bad_arg)
{
    ck_assert_int_eq(vcpuop(VCPUOP_register_runstate_memory_area, 0, G_NONE),
                     -XEN_EFAULT);
    ck_assert_int_eq(
        vcpuop(VCPUOP_register_runstate_memory_area, 0, HOLE_START),
        -XEN_EFAULT);
    ck_assert_int_eq(
        vcpuop(VCPUOP_register_runstate_memory_area, 0, G_RW_END - 4),
        -XEN_EFAULT);
    ck_assert_uint_eq(calls.runstate_update, 0);
    ck_assert_uint_eq(domu_v0.runstate_guest, 0);
}
END_TEST

static const struct vinfo_case {
    uint64_t mfn;
    uint32_t offset, rsvd;
    long rc; /* before the hook */
} vinfo_cases[] = {
    {0x1234, 0, 0, 0},
    {0x1234, 64, 0, 0},
    {0x1234, XEN_PAGE_SIZE - sizeof(vcpu_info_t), 0, 0},
    /* as Xen: an area crossing the page end is -ENXIO */
    {0x1234, XEN_PAGE_SIZE - sizeof(vcpu_info_t) + 1, 0, -XEN_ENXIO},
    {0x1234, XEN_PAGE_SIZE, 0, -XEN_ENXIO},
    {0x1234, UINT32_MAX, 0, -XEN_ENXIO},
    {0x1234, UINT32_MAX, 1, -XEN_EINVAL},
    {0x1234, 0, 1, -XEN_EINVAL},
    {0x1234, 0, 0x80000000u, -XEN_EINVAL},
    {~0ULL, 0, 0, 0}, /* the mfn is the arch hook's to judge */
};

START_TEST(test_vcpu_register_info)
{
    const struct vinfo_case *c = &vinfo_cases[_i];
    struct vcpu_register_vcpu_info info = {
        .mfn = c->mfn,
        .offset = c->offset,
        .rsvd = c->rsvd,
    };

    memcpy(gptr(G_RO), &info, sizeof(info));
    ck_assert_int_eq(vcpuop(VCPUOP_register_vcpu_info, 1, G_RO), c->rc);
    if (c->rc) {
        ck_assert_uint_eq(calls.register_info, 0);
        return;
    }
    ck_assert_uint_eq(calls.register_info, 1);
    ck_assert_ptr_eq(register_v, &domu_v1);
    ck_assert_uint_eq(reg_mfn, (unsigned long)c->mfn);
    ck_assert_uint_eq(reg_offset, c->offset);
    /* the hook's verdict is the hypercall's */
    register_info_rc = -XEN_EEXIST;
    ck_assert_int_eq(vcpuop(VCPUOP_register_vcpu_info, 1, G_RO), -XEN_EEXIST);
}
END_TEST

START_TEST(test_vcpu_register_info_bad_arg)
{
    ck_assert_int_eq(vcpuop(VCPUOP_register_vcpu_info, 0, G_NONE), -XEN_EFAULT);
    ck_assert_int_eq(vcpuop(VCPUOP_register_vcpu_info, 0, G_RW_END - 8),
                     -XEN_EFAULT);
    ck_assert_int_eq(vcpuop(VCPUOP_register_vcpu_info, 0, HOLE_START),
                     -XEN_EFAULT);
    ck_assert_uint_eq(calls.register_info, 0);
}
END_TEST

static const unsigned int timer_cmds[] = {
    VCPUOP_set_singleshot_timer,
    VCPUOP_stop_singleshot_timer,
    VCPUOP_set_periodic_timer,
    VCPUOP_stop_periodic_timer,
};

START_TEST(test_vcpu_timer_forward)
{
    ck_assert_int_eq(vcpuop(timer_cmds[_i], 1, G_RW + 8), TIMER_OP_RET);
    ck_assert_uint_eq(calls.timer_op, 1);
    ck_assert_ptr_eq(timer_v, &domu_v1);
    ck_assert_uint_eq(timer_cmd, timer_cmds[_i]);
    ck_assert_uint_eq(timer_arg, G_RW + 8);
    ck_assert_int_eq(vcpuop(timer_cmds[_i], 2, G_RW + 8), -XEN_ENOENT);
    ck_assert_uint_eq(calls.timer_op, 1);
}
END_TEST

START_TEST(test_vcpu_unknown)
{
    ck_assert_int_eq(vcpuop(99, 0, G_RW), -XEN_ENOSYS);
    ck_assert_int_eq(vcpuop(1UL << 32 | VCPUOP_is_up, 0, G_RW), -XEN_ENOSYS);
    ck_assert_int_eq(vcpuop(~0UL, 1, G_RW), -XEN_ENOSYS);
}
END_TEST

/* ------------------------------------------------------------------ */
/* memory_op reservation queries                                        */

static const struct memq_case {
    unsigned long cmd;
    bool priv;
    domid_t domid; /* DOMID_SELF, or a domain */
    long rc;
} memq_cases[] = {
    {XENMEM_current_reservation, false, DOMID_SELF, 256},
    {XENMEM_current_reservation, false, DOMU_ID, 256},
    {XENMEM_maximum_reservation, false, DOMID_SELF, 512},
    {XENMEM_maximum_reservation, false, DOMU_ID, 512},
    {XENMEM_maximum_gpfn, false, DOMID_SELF, 255},
    {XENMEM_current_reservation, true, DOMID_SELF, 1000},
    {XENMEM_maximum_reservation, true, DOM0_ID, 2000},
    {XENMEM_maximum_gpfn, true, DOM0_ID, 999},
    /* continuation bits above the op are ignored by the queries */
    {(5UL << 6) | XENMEM_current_reservation, false, DOMID_SELF, 256},
    /* somebody else's */
    {XENMEM_current_reservation, false, DOM0_ID, -XEN_EPERM},
    {XENMEM_maximum_reservation, false, 1, -XEN_EPERM},
    {XENMEM_maximum_gpfn, false, DOMID_IO, -XEN_EPERM},
    {XENMEM_current_reservation, true, DOMU_ID, -XEN_ESRCH},
    {XENMEM_maximum_reservation, true, 0x7fef, -XEN_ESRCH},
    {XENMEM_maximum_gpfn, true, DOMID_XEN, -XEN_ESRCH},
};

START_TEST(test_memory_query)
{
    const struct memq_case *c = &memq_cases[_i];

    if (c->priv)
        as_dom0();
    memcpy(gptr(G_RO + 6), &c->domid, sizeof(c->domid));
    ck_assert_int_eq(hc(__HYPERVISOR_memory_op, c->cmd, G_RO + 6, 0), c->rc);
    ck_assert_uint_eq(calls.memory_op + calls.memory_reservation, 0);
}
END_TEST

START_TEST(test_memory_query_bad_pointer)
{
    static const unsigned long ops[] = {
        XENMEM_current_reservation,
        XENMEM_maximum_reservation,
        XENMEM_maximum_gpfn,
    };
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(ops); i++) {
        ck_assert_int_eq(hc(__HYPERVISOR_memory_op, ops[i], G_NONE, 0),
                         -XEN_EFAULT);
        ck_assert_int_eq(hc(__HYPERVISOR_memory_op, ops[i], G_RW_END - 1, 0),
                         -XEN_EFAULT);
        ck_assert_int_eq(hc(__HYPERVISOR_memory_op, ops[i], HOLE_START, 0),
                         -XEN_EFAULT);
        ck_assert_int_eq(hc(__HYPERVISOR_memory_op, ops[i], 0, 0), -XEN_EFAULT);
    }
}
END_TEST

static const unsigned long memop_fwd[] = {
    XENMEM_increase_reservation,
    (3UL << 6) | XENMEM_decrease_reservation,
    XENMEM_populate_physmap,
    XENMEM_memory_map,
    XENMEM_machphys_mapping,
    (7UL << 6) | XENMEM_add_to_physmap,
    63,
    ~0UL,
};

/* Everything else goes to exactly one arch hook, op decoded. */
START_TEST(test_memory_forward)
{
    unsigned long cmd = memop_fwd[_i];
    long rc = hc(__HYPERVISOR_memory_op, cmd, G_RW, 0);

    ck_assert_uint_eq(calls.memory_op + calls.memory_reservation, 1);
    ck_assert_int_eq(rc, calls.memory_op ? ARCH_MEMOP_RET : ARCH_RESERV_RET);
    ck_assert_uint_eq(memop_op, cmd & 63);
    ck_assert_uint_eq(memop_arg, G_RW);
    if (calls.memory_reservation)
        ck_assert_uint_eq(memop_cmd, cmd);
}
END_TEST

/* ------------------------------------------------------------------ */
/* guest_range_ok                                                       */

static const struct range_case {
    unsigned long va;
    size_t n;
    bool ok;
} range_cases[] = {
    /* zero length touches nothing */
    {0, 0, true},
    {HOLE_START, 0, true},
    {G_NONCANON, 0, true},
    {~0UL, 0, true},
    /* the low half */
    {0, 1, true},
    {0, 0x1000, true},
    {0x7fffffffffffUL, 1, true},
    {G_TOP, 0x1000, true},       /* ends exactly at the top */
    {0, 0x800000000000UL, true}, /* the whole low half */
    {0x7fffffffffffUL, 2, false},
    {G_TOP, 0x1001, false},
    {0, 0x800000000001UL, false},
    /* non-canonical */
    {G_NONCANON, 1, false},
    {0x0000fffffffff000UL, 0x1000, false},
    {0xffff7fffffffffffUL, 1, false},
    {HOLE_START - 0x1000, 0x1000, false}, /* ends exactly at the hole */
    {HOLE_START - 1, 2, false},
    /* the hole, either end */
    {HOLE_START, 1, false},
    {HOLE_START, HOLE_END - HOLE_START, false},
    {HOLE_START + 0x1000, 0x1000, false},
    {HOLE_END - 1, 1, false},
    {HOLE_END - 0x1000, 0x1000, false}, /* ends exactly at the hole end */
    {HOLE_END - 1, 2, false},
    {HOLE_END - 0x1000, 0x2000, false},
    /* the high half past the hole */
    {HOLE_END, 1, true},
    {HOLE_END, 0x1000, true},
    {0xffffffff80000000UL, 0x80000000UL, true},
    {~0UL, 1, true},                  /* the last byte */
    {HOLE_END, 0UL - HOLE_END, true}, /* all of it */
    {HOLE_END, 0UL - HOLE_END + 1, false},
    /* wrap-around */
    {~0UL, 2, false},
    {~0UL - 0xfff, 0x2000, false},
    {0x1000, ~0UL, false},
    {1, ~0UL, false},
    {0, ~0UL, false},
    {HOLE_END, ~0UL, false},
    /* low start, high end: spans the gap */
    {0x1000, 0xffff900000000000UL, false},
    {0x7ffffffff000UL, HOLE_END + 0x1000 - 0x7ffffffff000UL, false},
};

START_TEST(test_guest_range)
{
    const struct range_case *c = &range_cases[_i];

    ck_assert_msg(guest_range_ok(c->va, c->n) == c->ok,
                  "guest_range_ok(%#lx, %#zx) != %d", c->va, c->n, c->ok);
}
END_TEST

/* ------------------------------------------------------------------ */

#define TC(name, fn) suite_add(s, name, fn, 0, setup, teardown)
#define TCL(name, fn, n) suite_add(s, name, fn, n, setup, teardown)

static Suite *hypercall_suite(void)
{
    Suite *s = suite_create("hypercall");

    TC("table_contents", test_table_contents);
    TCL("dispatch_stub", test_dispatch_stub, ARRAY_SIZE(hc_expect));
    TCL("dispatch_unknown", test_dispatch_unknown, ARRAY_SIZE(unknown_nrs));
    TC("dispatch_priv", test_dispatch_priv);
    TC("dispatch_counters", test_dispatch_counters);
    TC("multicall_results", test_multicall_results);
    TCL("multicall_bad_entry", test_multicall_bad_entry,
        ARRAY_SIZE(mc_bad_ops));
    TCL("multicall_fault", test_multicall_fault, ARRAY_SIZE(mc_fault_cases));
    TC("multicall_iret", test_multicall_iret);
    TC("multicall_dead_domain", test_multicall_dead_domain);
    TCL("version_copy", test_version_copy, ARRAY_SIZE(ver_copies));
    TC("version_values", test_version_values);
    TC("version_commandline_unpriv", test_version_commandline_unpriv);
    TCL("version_get_features", test_version_get_features,
        ARRAY_SIZE(feat_cases));
    TCL("version_unknown", test_version_unknown, ARRAY_SIZE(ver_unknown));
    TCL("console_write", test_console_write, ARRAY_SIZE(write_lens));
    TCL("console_write_bad", test_console_write_bad, ARRAY_SIZE(con_bad));
    TC("console_write_continues", test_console_write_continues);
    TC("multicall_entry_continues", test_multicall_entry_continues);
    TC("multicall_long_batch", test_multicall_long_batch);
    TC("console_read", test_console_read);
    TCL("console_unknown", test_console_unknown, ARRAY_SIZE(con_unknown));
    TC("sched_yield_block", test_sched_yield_block);
    TCL("sched_shutdown", test_sched_shutdown, ARRAY_SIZE(shutdown_cases));
    TC("sched_shutdown_code", test_sched_shutdown_code);
    TC("sched_watchdog", test_sched_watchdog);
    TCL("sched_bad_pointer", test_sched_bad_pointer,
        ARRAY_SIZE(sched_bad_ptrs));
    TC("sched_poll", test_sched_poll);
    TCL("sched_unknown", test_sched_unknown, ARRAY_SIZE(sched_unknown));
    TC("domain_crash", test_domain_crash);
    TC("shutdown_names", test_shutdown_names);
    TCL("vm_assist_valid", test_vm_assist_valid, ARRAY_SIZE(vmasst_valid));
    TCL("vm_assist_invalid", test_vm_assist_invalid,
        ARRAY_SIZE(vmasst_invalid));
    TCL("vcpu_enoent", test_vcpu_enoent, ARRAY_SIZE(vcpu_bad_ids));
    TC("vcpu_is_up", test_vcpu_is_up);
    TC("vcpu_runstate_info", test_vcpu_runstate_info);
    TCL("vcpu_register_runstate", test_vcpu_register_runstate,
        ARRAY_SIZE(runstate_cases));
    TC("vcpu_register_runstate_bad_arg", test_vcpu_register_runstate_bad_arg);
    TCL("vcpu_register_time_area", test_vcpu_register_time_area,
        ARRAY_SIZE(time_area_cases));
    TCL("vcpu_register_info", test_vcpu_register_info, ARRAY_SIZE(vinfo_cases));
    TC("vcpu_register_info_bad_arg", test_vcpu_register_info_bad_arg);
    TCL("vcpu_timer_forward", test_vcpu_timer_forward, ARRAY_SIZE(timer_cmds));
    TC("vcpu_unknown", test_vcpu_unknown);
    TCL("memory_query", test_memory_query, ARRAY_SIZE(memq_cases));
    TC("memory_query_bad_pointer", test_memory_query_bad_pointer);
    TCL("memory_forward", test_memory_forward, ARRAY_SIZE(memop_fwd));
    TCL("guest_range", test_guest_range, ARRAY_SIZE(range_cases));
    return s;
}

int main(void)
{
    return suite_run(hypercall_suite());
}
