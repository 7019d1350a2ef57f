/* SPDX-License-Identifier: GPL-2.0-only */
/* hello-pv: console, start_info, xen_version, a trap, shared_info, poweroff. */

/*
 * A deliberately small 64-bit PV kernel built only against Xen's public
 * headers.  Every step is one hypercall or one look at memory the boot
 * contract promises; docs/writing-a-pv-guest.md walks through it.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/version.h>

/* PTE bits (architectural; Xen's public headers do not name them). */
#define PTE_PRESENT  0x001UL
#define PTE_RW       0x002UL
#define PTE_ACCESSED 0x020UL
#define PTE_DIRTY    0x040UL

#define PAGE_SIZE 4096UL

/* head.S */
long hypercall(unsigned int nr, unsigned long a1, unsigned long a2,
               unsigned long a3, unsigned long a4);
void raise_int3(void);
void bp_handler(void);
extern uint8_t hypercall_page[];
extern char _image_start[], _image_end[];
extern char int3_next[];
extern unsigned long bp_count, bp_frame_rip, bp_frame_cs, bp_frame_rflags;

/* A page of our own image whose frame we give up to map shared_info. */
static uint8_t shared_info_va[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/* ---- console: one CONSOLEIO_write per line ---------------------------- */

struct line {
    char buf[160];
    size_t len;
};

static void line_putc(struct line *l, char c)
{
    if (l->len < sizeof(l->buf))
        l->buf[l->len++] = c;
}

static void line_puts(struct line *l, const char *s)
{
    while (*s)
        line_putc(l, *s++);
}

static void line_putnum(struct line *l, unsigned long v, unsigned int base)
{
    char tmp[24];
    int i = 0;

    do {
        tmp[i++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (base == 16)
        line_puts(l, "0x");
    while (i)
        line_putc(l, tmp[--i]);
}

/* printf subset: %s %d %u %x on int, with an 'l' for long; %% literal. */
static void print(const char *fmt, ...)
{
    struct line l = {.len = 0};
    va_list ap;

    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        int is_long = 0;

        if (*fmt != '%') {
            line_putc(&l, *fmt);
            continue;
        }
        if (*++fmt == 'l') {
            is_long = 1;
            fmt++;
        }
        switch (*fmt) {
        case 's':
            line_puts(&l, va_arg(ap, const char *));
            break;
        case 'd': {
            long v = is_long ? va_arg(ap, long) : va_arg(ap, int);

            if (v < 0) {
                line_putc(&l, '-');
                v = -v;
            }
            line_putnum(&l, (unsigned long)v, 10);
            break;
        }
        case 'u':
        case 'x':
            line_putnum(&l,
                        is_long ? va_arg(ap, unsigned long)
                                : va_arg(ap, unsigned int),
                        *fmt == 'u' ? 10 : 16);
            break;
        case '%':
            line_putc(&l, '%');
            break;
        default: /* unknown or truncated: stop here */
            goto out;
        }
    }
out:
    va_end(ap);
    hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, l.len,
              (unsigned long)l.buf, 0);
}

/* ---- shutdown ---------------------------------------------------------- */

static void __attribute__((noreturn)) power_off(unsigned int code)
{
    struct sched_shutdown sd = {.reason = code};

    /* The exit code first (Xen: what dom0's end is reported as) ... */
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown_code, (unsigned long)&sd,
              0, 0);
    /* ... then the shutdown itself, which does not return. */
    sd.reason = SHUTDOWN_poweroff;
    hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (unsigned long)&sd, 0,
              0);
    for (;;)
        ;
}

static void __attribute__((noreturn)) fail(const char *what, long rc)
{
    print("hello-pv: FAILED: %s (rc %ld)\n", what, rc);
    power_off(1);
}

/* ---- the steps --------------------------------------------------------- */

static void show_start_info(const start_info_t *si, unsigned long boot_rsp)
{
    char magic[sizeof(si->magic) + 1];
    char cmdline[sizeof(si->cmd_line) + 1];
    size_t i;

    for (i = 0; i < sizeof(si->magic); i++)
        magic[i] = si->magic[i];
    magic[i] = '\0';
    for (i = 0; i < sizeof(si->cmd_line); i++)
        cmdline[i] = (char)si->cmd_line[i];
    cmdline[i] = '\0';

    print("start_info: magic \"%s\" nr_pages %lu flags %x cmd_line \"%s\"\n",
          magic, si->nr_pages, si->flags, cmdline);
    print("layout: image %lx-%lx, start_info %lx, mfn_list %lx, "
          "pt_base %lx (%lu frames), boot stack top %lx\n",
          (unsigned long)_image_start, (unsigned long)_image_end,
          (unsigned long)si, si->mfn_list, si->pt_base, si->nr_pt_frames,
          boot_rsp);
}

static void show_version(void)
{
    xen_extraversion_t extra;
    long ver, rc;

    ver = hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0, 0);
    rc = hypercall(__HYPERVISOR_xen_version, XENVER_extraversion,
                   (unsigned long)extra, 0, 0);
    if (rc < 0)
        fail("XENVER_extraversion", rc);
    extra[sizeof(extra) - 1] = '\0';
    print("xen_version: %lu.%lu%s\n", (unsigned long)ver >> 16,
          (unsigned long)ver & 0xffff, extra);
}

/* Install vector 3 (#BP, DPL 3 so int3 reaches it) and take one #BP. */
static void trap_roundtrip(void)
{
    struct trap_info traps[2] = {
        {.vector = 3,
         .flags = 3,
         .cs = FLAT_KERNEL_CS,
         .address = (unsigned long)bp_handler},
        {.address = 0}, /* terminator: address 0 */
    };
    long rc;

    rc = hypercall(__HYPERVISOR_set_trap_table, (unsigned long)traps, 0, 0, 0);
    if (rc)
        fail("set_trap_table", rc);
    raise_int3();
    if (bp_count != 1 || bp_frame_rip != (unsigned long)int3_next)
        fail("#BP bounce", (long)bp_count);
    print("trap: int3 bounced to the handler (frame rip %lx, cs %x, "
          "saved mask %lu, rflags %lx) and came back\n",
          bp_frame_rip, (unsigned int)(bp_frame_cs & 0xffff),
          (bp_frame_cs >> 32) & 0xff, bp_frame_rflags);
}

static void show_shared_info(const start_info_t *si)
{
    unsigned long va = (unsigned long)shared_info_va;
    unsigned long pte =
        si->shared_info | PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY;
    const volatile struct shared_info *s;
    long rc;

    rc = hypercall(__HYPERVISOR_update_va_mapping, va, pte, UVMF_INVLPG, 0);
    if (rc)
        fail("update_va_mapping(shared_info)", rc);
    s = (const volatile struct shared_info *)va;
    print("shared_info: machine %lx at %lx: wc_sec %u wc_version %u, "
          "vcpu0 time version %u system_time %lu, upcall_mask %u\n",
          si->shared_info, va, s->wc_sec, s->wc_version,
          s->vcpu_info[0].time.version,
          (unsigned long)s->vcpu_info[0].time.system_time,
          s->vcpu_info[0].evtchn_upcall_mask);
}

void __attribute__((noreturn))
hello_main(start_info_t *si, unsigned long boot_rsp);

void hello_main(start_info_t *si, unsigned long boot_rsp)
{
    /*
     * Still the poison: no hypercall can work, not even a report.  With no
     * trap table yet, the #UD crashes the domain, which is at least visible.
     */
    if (hypercall_page[0] == 0xc3)
        __builtin_trap();
    print("hello-pv: hello from a PV guest built only against Xen's headers\n");
    show_start_info(si, boot_rsp);
    show_version();
    trap_roundtrip();
    show_shared_info(si);
    print("hello-pv: done, powering off\n");
    power_off(0);
}
