/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest time: pvclock parameters in vcpu_info and the wall clock in shared_info. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <xen/platform.h>

extern unsigned long tsc_khz;

/* The wall clock at system time 0: seconds since the epoch and nanoseconds. */
static uint64_t wc_sec;
static uint32_t wc_nsec;
static uint32_t tsc_mul;
static int8_t tsc_shift;

static unsigned int cmos_read(unsigned int reg)
{
    outb((uint8_t)reg, 0x70);
    return inb(0x71);
}

static unsigned int bcd(unsigned int v, bool binary)
{
    return binary ? v : (v & 0xf) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static uint64_t days_since_epoch(unsigned int y, unsigned int m, unsigned int d)
{
    static const unsigned int before[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243,
                                           273, 304, 334 };
    uint64_t days = (uint64_t)(y - 1970) * 365 + before[(m - 1) % 12] + d - 1;
    unsigned int yy;

    for (yy = 1970; yy < y; yy++)
        days += (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0;
    if (m > 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        days++;
    return days;
}

/* Read the RTC once at boot (waiting out an update in progress). */
static uint64_t rtc_read_epoch(void)
{
    unsigned int sec, min, hour, day, mon, year, status;
    bool binary;

    while (cmos_read(0x0a) & 0x80)
        cpu_relax();
    status = cmos_read(0x0b);
    binary = status & 0x04;
    sec = bcd(cmos_read(0x00), binary);
    min = bcd(cmos_read(0x02), binary);
    hour = bcd(cmos_read(0x04) & 0x7f, binary);
    day = bcd(cmos_read(0x07), binary);
    mon = bcd(cmos_read(0x08), binary);
    year = bcd(cmos_read(0x09), binary) + 2000;
    if (mon < 1 || mon > 12 || day < 1 || day > 31)
        return 0;
    return days_since_epoch(year, mon, day) * 86400 + hour * 3600 + min * 60 + sec;
}

/* ns = ((tsc_delta << shift) * mul) >> 32, Xen's pvclock scaling. */
void time_init(void)
{
    uint64_t scale;

    scale = tsc_khz ? (1000000ULL << 32) / tsc_khz : 1ULL << 32;
    tsc_shift = 0;
    while (scale >= (1ULL << 32)) {
        scale >>= 1;
        tsc_shift++;
    }
    tsc_mul = (uint32_t)scale;
    wc_sec = rtc_read_epoch();
    printk("Time: wall clock %lu s since the epoch, pvclock mul %u shift %d",
           (unsigned long)wc_sec, tsc_mul, tsc_shift);
}

/*
 * The copy a guest registered with VCPUOP_register_vcpu_time_memory_area
 * (Linux maps it into user space for its vDSO clock), under the same
 * version protocol: odd version and body first, the even version last.
 * It is a kernel address, so a vCPU in user mode is switched to its kernel
 * root for the copy, as Xen does.  Only the running vCPU's tables are
 * loaded; an unreachable area is left for the next update.
 */
static void time_update_secondary(struct vcpu *v, const struct vcpu_time_info *t)
{
    struct vcpu_time_info copy = *t;
    bool switched;

    if (!v->time_guest || v != current_vcpu())
        return;
    switched = pv_kernel_tables(v);
    copy.version = t->version - 1;     /* odd: an update in progress */
    if (!copy_to_guest(v->time_guest, &copy, sizeof(copy))) {
        barrier();
        (void)copy_to_guest(v->time_guest, &t->version, sizeof(t->version));
    }
    pv_user_tables(v, switched);
}

/* Publish this vCPU's pvclock (version odd while writing, even after). */
void time_update_vcpu(struct vcpu *v)
{
    struct vcpu_time_info *t = &v->vcpu_info->time;

    t->version++;
    barrier();
    t->tsc_timestamp = rdtsc();
    t->system_time = arch_now_ns();
    t->tsc_to_system_mul = tsc_mul;
    t->tsc_shift = tsc_shift;
    t->flags = XEN_PVCLOCK_TSC_STABLE_BIT;
    barrier();
    t->version++;
    time_update_secondary(v, t);
}

void arch_vcpu_time_update(struct vcpu *v)
{
    time_update_vcpu(v);
}

/* The wall clock at system time 0, in shared_info (same version protocol). */
void time_update_wallclock(struct domain *d)
{
    shared_info_t *s = d->shared_info;

    s->wc_version++;
    barrier();
    s->wc_sec = (uint32_t)wc_sec;
    s->wc_sec_hi = (uint32_t)(wc_sec >> 32);
    s->wc_nsec = wc_nsec;
    barrier();
    s->wc_version++;
}

/*
 * platform_op (control domain only, Xen's interface version or -EACCES).
 * XENPF_settime64, as Xen's do_settime(): the wall clock was secs.nsecs
 * at system time system_time, so at system time 0 it was that minus
 * system_time; every domain's shared_info gets it (mbz set: -EINVAL).
 * Every other command is -ENOSYS.
 */
long do_platform_op(unsigned long arg, unsigned long a2, unsigned long a3,
                    unsigned long a4, unsigned long a5)
{
    struct xen_platform_op op;
    struct xenpf_settime64 *st = &op.u.settime64;
    unsigned int i;
    struct domain *d;
    uint64_t ns;

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -XEN_EACCES;
    if (op.cmd != XENPF_settime64)
        return -XEN_ENOSYS;
    if (st->mbz)
        return -XEN_EINVAL;
    ns = st->secs * 1000000000ULL + st->nsecs - st->system_time;
    wc_sec = ns / 1000000000ULL;
    wc_nsec = (uint32_t)(ns % 1000000000ULL);
    for (i = 0; (d = domain_iterate(&i)) != NULL;)
        time_update_wallclock(d);
    return 0;
}
