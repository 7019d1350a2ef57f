/* SPDX-License-Identifier: GPL-2.0-only */
/* Local APIC: timer calibrated against the PIT, one-shot deadlines, EOI. */
#include <xenia/console.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/setup.h>
#include <asm/traps.h>
#include <xenia/hypercall.h>

#define APIC_PHYS        0xfee00000UL
#define APIC_ID          0x020
#define APIC_EOI         0x0b0
#define APIC_SVR         0x0f0
#define APIC_LVT_TIMER   0x320
#define APIC_TMICT       0x380
#define APIC_TMCCT       0x390
#define APIC_TDCR        0x3e0
#define APIC_LVT_MASKED  (1u << 16)

#define PIT_HZ           1193182u
#define CALIBRATE_MS     10

static volatile uint32_t *apic;
unsigned long apic_ticks_per_ms;
unsigned long tsc_khz;
static volatile unsigned long timer_fired;
void arch_time_init(void);

static uint32_t apic_read(unsigned int reg)
{
    return apic[reg / 4];
}

static void apic_write(unsigned int reg, uint32_t v)
{
    apic[reg / 4] = v;
}

/* Busy-wait ms milliseconds with PIT channel 2 (gate through port 0x61). */
static void pit_wait_ms(unsigned int ms)
{
    uint16_t count = (uint16_t)(PIT_HZ * ms / 1000);

    outb((inb(0x61) & ~0x02) | 0x01, 0x61);
    outb(0xb0, 0x43);                 /* channel 2, lo/hi, mode 0 */
    outb(count & 0xff, 0x42);
    outb(count >> 8, 0x42);
    while (!(inb(0x61) & 0x20))
        cpu_relax();
}

/* Move the legacy PICs off the exception vectors and mask every line. */
static void pic_disable(void)
{
    outb(0x11, 0x20);
    outb(0x11, 0xa0);
    outb(0x20, 0x21);                 /* master base vector 0x20 */
    outb(0x28, 0xa1);                 /* slave base vector 0x28 */
    outb(0x04, 0x21);
    outb(0x02, 0xa1);
    outb(0x01, 0x21);
    outb(0x01, 0xa1);
    outb(0xff, 0x21);
    outb(0xff, 0xa1);
}

void apic_init(void)
{
    uint64_t t0, t1;
    uint32_t start;

    pic_disable();
    /* The APIC page sits in the direct map's first 4 GiB, made uncacheable. */
    arch_time_init();
    apic = maddr_to_virt(APIC_PHYS);
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1UL << 11));
    apic_write(APIC_SVR, 0x100 | IRQ_SPURIOUS_VECTOR);
    apic_write(APIC_TDCR, 0x3);       /* divide by 16 */
    apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | IRQ_TIMER_VECTOR);

    start = 0xffffffffu;
    apic_write(APIC_TMICT, start);
    t0 = rdtsc();
    pit_wait_ms(CALIBRATE_MS);
    t1 = rdtsc();
    apic_ticks_per_ms = (start - apic_read(APIC_TMCCT)) / CALIBRATE_MS;
    apic_write(APIC_TMICT, 0);
    tsc_khz = (t1 - t0) / CALIBRATE_MS;
    printk("APIC timer: %lu ticks/ms (bus/16), TSC %lu.%03lu MHz",
           apic_ticks_per_ms, tsc_khz / 1000, tsc_khz % 1000);
}

/* Fire IRQ_TIMER_VECTOR once after us microseconds (0 cancels). */
void apic_timer_oneshot(unsigned long us)
{
    unsigned long ticks = us * apic_ticks_per_ms / 1000;

    apic_write(APIC_LVT_TIMER, IRQ_TIMER_VECTOR);
    apic_write(APIC_TMICT, us ? (uint32_t)MAX(MIN(ticks, 0xffffffffUL), 1UL) : 0);
}

void serial_poll_input(void);

void timer_interrupt(void)
{
    timer_fired++;
    apic_write(APIC_EOI, 0);
    serial_poll_input();
    timers_run();
}

/* Arm the one-shot LAPIC timer for an absolute system time (0: disarm). */
void arch_timer_program(uint64_t deadline_ns)
{
    uint64_t now = arch_now_ns(), sched = arch_sched_deadline(now);

    if (sched && (!deadline_ns || sched < deadline_ns))
        deadline_ns = sched;
    if (!deadline_ns) {
        apic_timer_oneshot(0);
        return;
    }
    apic_timer_oneshot(deadline_ns > now ? MAX((deadline_ns - now) / 1000, 1UL) : 1);
}

unsigned long timer_interrupts(void)
{
    return timer_fired;
}

/* System time: nanoseconds since boot, from the calibrated TSC. */
static uint64_t boot_tsc;

uint64_t arch_now_ns(void)
{
    uint64_t d = rdtsc() - boot_tsc;

    return tsc_khz ? d / tsc_khz * 1000000 + d % tsc_khz * 1000000 / tsc_khz : 0;
}

void arch_time_init(void)
{
    boot_tsc = rdtsc();
}
