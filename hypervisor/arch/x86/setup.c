/* SPDX-License-Identifier: GPL-2.0-only */
/* start_xenia: the boot path from long mode to running dom0. */
#include <xenia/cmdline.h>
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <asm/desc.h>
#include <asm/multiboot.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/setup.h>
#include <asm/traps.h>

void serial_init(void);
void serial_poll_input(void);
void serial_disable(void);
void apic_init(void);
void start_xenia(uint32_t mbi_pa);
struct domain *construct_pv_domain(const struct boot_domain *bd);
void start_domains(void) __attribute__((noreturn));

static struct boot_info boot_info;
static bool cmdline_has_image_name;   /* the loader put our path first */

/* Hypervisor command-line options. */
static char opt_console[64] = "com1";
static int opt_loglvl = LOG_INFO;
static struct cmdline_dom0_mem opt_dom0_mem;
bool opt_bootscrub = true;
bool opt_sysret = true;

const char *hv_cmdline(void)
{
    return boot_info.cmdline;
}

static void unknown_option(void *ctx, const char *word, size_t len)
{
    (void)ctx;
    log_warn("unknown command-line option '%.*s' ignored", (int)len, word);
}

/* console=com1 (the default), console=none, or a comma-separated list. */
static void apply_console_option(void)
{
    const char *p = opt_console;
    bool com1 = false;

    while (*p) {
        size_t n = 0;

        while (p[n] && p[n] != ',')
            n++;
        if (n == 4 && !strncmp(p, "com1", 4))
            com1 = true;
        else if (!(n == 4 && !strncmp(p, "none", 4)))
            log_warn("console=%.*s: only com1 and none exist", (int)n, p);
        p += n + (p[n] == ',');
    }
    if (!com1)
        serial_disable();   /* the history ring still records everything */
}

static void parse_cmdline(void)
{
    const struct cmdline_param params[] = {
        { .name = "console", .type = CMDLINE_STRING, .var = opt_console,
          .size = sizeof(opt_console) },
        { .name = "loglvl", .type = CMDLINE_CUSTOM, .var = &opt_loglvl,
          .parse = cmdline_parse_loglvl },
        { .name = "dom0_mem", .type = CMDLINE_CUSTOM, .var = &opt_dom0_mem,
          .parse = cmdline_parse_dom0_mem },
        { .name = "sysret", .type = CMDLINE_BOOL, .var = &opt_sysret },
        { .name = "bootscrub", .type = CMDLINE_BOOL, .var = &opt_bootscrub },
    };
    const char *image, *rest;
    char err[128];

    if (cmdline_has_image_name) {
        cmdline_first_word(boot_info.cmdline, &image, &rest);
        memmove(boot_info.cmdline, rest, strlen(rest) + 1);
    }
    if (cmdline_parse(boot_info.cmdline, params, ARRAY_SIZE(params),
                      unknown_option, NULL, err, sizeof(err)))
        log_err("command line: %s", err);
    console_set_loglvl(opt_loglvl);
    apply_console_option();
}

static void copy_string(char *dst, uint32_t pa)
{
    const char *s = maddr_to_virt(pa);

    dst[0] = '\0';
    if (pa)
        strlcpy(dst, s, CMDLINE_MAX);
}

/* Copy what the loader gave us before any of its memory is reused. */
static void read_multiboot(uint32_t mbi_pa)
{
    const struct mb_info *mbi = maddr_to_virt(mbi_pa);
    unsigned int i;

    if (mbi->flags & MBI_CMDLINE)
        copy_string(boot_info.cmdline, mbi->cmdline);
    /* As Xen: GRUB 2 leaves the image path out of the command line, other
     * multiboot loaders (QEMU, GRUB legacy) put it first. */
    cmdline_has_image_name = !((mbi->flags & MBI_LOADERNAME) &&
                               !strncmp(maddr_to_virt(mbi->boot_loader_name), "GRUB 2", 6));
    if (mbi->flags & MBI_MODULES) {
        const struct mb_module *m = maddr_to_virt(mbi->mods_addr);

        for (i = 0; i < mbi->mods_count && i < MAX_MODULES; i++) {
            boot_info.modules[i].start = m[i].mod_start;
            boot_info.modules[i].end = m[i].mod_end;
            copy_string(boot_info.modules[i].cmdline, m[i].string);
        }
        boot_info.nr_modules = i;
    }
    if (!(mbi->flags & MBI_MEMMAP))
        panic("the boot loader gave no memory map");
    for (i = 0; i < mbi->mmap_length && boot_info.nr_ram < MAX_RAM_RANGES;) {
        const struct mb_mmap_entry *e = maddr_to_virt(mbi->mmap_addr + i);

        if (e->type == 1 && e->length)
            boot_info.ram[boot_info.nr_ram++] = (typeof(boot_info.ram[0])){
                e->base, e->base + e->length };
        i += e->size + 4;
    }
}

static struct boot_domain boot_domains[MAX_MODULES];
static void keep_guest_word(void *ctx, const char *word, size_t len);
static unsigned int nr_boot_domains;

static bool module_is_elf(const struct boot_module *m)
{
    return m->end - m->start >= 4 && !memcmp(maddr_to_virt(m->start), "\x7f" "ELF", 4);
}

/*
 * A boot domain's module string: "path [xenia.OPTION=VALUE]... guest args".
 * The xenia.* words configure the domain and are removed; the rest is the
 * guest's command line.  Options: name, mem (size), weight, cap (percent).
 */
static void boot_domain_options(struct boot_domain *bd, const char *args)
{
    const struct cmdline_param params[] = {
        { .name = "xenia.name", .type = CMDLINE_STRING, .var = bd->name,
          .size = sizeof(bd->name) },
        { .name = "xenia.mem", .type = CMDLINE_SIZE, .var = &bd->mem },
        { .name = "xenia.weight", .type = CMDLINE_UINT, .var = &bd->weight,
          .min = 1, .max = 65535 },
        { .name = "xenia.cap", .type = CMDLINE_UINT, .var = &bd->cap, .max = 100 },
        { .name = "xenia.vcpus", .type = CMDLINE_UINT, .var = &bd->vcpus,
          .min = 1, .max = 1 },
    };
    char err[128];

    bd->cmdline[0] = '\0';
    if (cmdline_parse(args, params, ARRAY_SIZE(params), keep_guest_word, bd,
                      err, sizeof(err)))
        panic("%s: %s", bd->name, err);
}

/* Words that are not xenia.* options belong to the guest. */
static void keep_guest_word(void *ctx, const char *word, size_t len)
{
    struct boot_domain *bd = ctx;
    size_t used = strlen(bd->cmdline);

    if (used + len + 2 > sizeof(bd->cmdline))
        panic("%s: guest command line too long", bd->name);
    if (used)
        bd->cmdline[used++] = ' ';
    memcpy(bd->cmdline + used, word, len);
    bd->cmdline[used + len] = '\0';
}

/*
 * Module 0 is dom0's kernel; each later ELF module is another boot domain
 * (domain ids 1, 2, ...), and a non-ELF module is the initrd of the kernel
 * before it.
 */
static void build_boot_domains(void)
{
    unsigned int i;
    const char *word, *args;

    for (i = 0; i < boot_info.nr_modules; i++) {
        struct boot_module *m = &boot_info.modules[i];
        struct boot_domain *bd;

        cmdline_first_word(m->cmdline, &word, &args);
        if (i > 0 && !module_is_elf(m)) {
            bd = &boot_domains[nr_boot_domains - 1];
            if (bd->initrd)
                panic("module %u: %s already has an initrd", i, bd->name);
            bd->initrd = m;
            continue;
        }
        bd = &boot_domains[nr_boot_domains];
        bd->domid = (domid_t)nr_boot_domains;
        bd->kernel = m;
        snprintf(bd->name, sizeof(bd->name), "d%u", nr_boot_domains);
        if (nr_boot_domains == 0) {
            bd->privileged = true;
            bd->mem = opt_dom0_mem.has_amount ? opt_dom0_mem.amount : 0;
            bd->max_mem = opt_dom0_mem.has_max ? opt_dom0_mem.max : 0;
            strlcpy(bd->cmdline, args, sizeof(bd->cmdline));
        } else {
            bd->mem = 32 << 20;
            boot_domain_options(bd, args);
        }
        nr_boot_domains++;
    }
    for (i = 0; i < nr_boot_domains; i++) {
        struct domain *d = construct_pv_domain(&boot_domains[i]);

        if (i == 0)
            dom0 = d;
    }
    for (i = 0; i < boot_info.nr_modules; i++)
        mm_release_module(&boot_info.modules[i]);
}

uint32_t mxcsr_mask;    /* MXCSR bits fxrstor accepts (fxsave's MXCSR_MASK) */

static void cpu_init(void)
{
    static uint8_t area[512] __attribute__((aligned(16)));

    write_cr0((read_cr0() | X86_CR0_MP | X86_CR0_NE) & ~X86_CR0_EM);
    write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
    fxsave(area);
    memcpy(&mxcsr_mask, area + 28, sizeof(mxcsr_mask));
    if (!mxcsr_mask)
        mxcsr_mask = 0xffbf;    /* the architectural default */
}

void start_xenia(uint32_t mbi_pa)
{

    serial_init();
    read_multiboot(mbi_pa);
    parse_cmdline();
    printk("Xenia hypervisor, Xen 4.17 PV ABI. Command line: %s", boot_info.cmdline);
    cpu_init();
    mm_init(&boot_info);
    desc_init();
    pv_mm_init();
    apic_init();
    time_init();

    if (boot_info.nr_modules == 0)
        panic("no dom0 kernel: give it as the first multiboot module");
    build_boot_domains();
    printk("Starting domains");
    start_domains();
}

void arch_console_read_input(char *buf, size_t len, size_t *got)
{
    serial_poll_input();
    *got = console_read_dom0(buf, len);
}

/* Publish the runstate (time accounted by the scheduler) to the guest. */
void arch_vcpu_runstate_update(struct vcpu *v)
{
    if (!v->runstate.state_entry_time) {
        v->runstate.state = RUNSTATE_running;
        v->runstate.state_entry_time = arch_now_ns();
    }
    if (v->runstate_guest && v == current_vcpu())
        (void)copy_to_guest(v->runstate_guest, &v->runstate, sizeof(v->runstate));
}

/* XENMEM_machine_memory_map: the RAM ranges the loader reported, as E820. */
long machine_memory_map(unsigned long arg)
{
    struct xen_memory_map map;
    struct { uint64_t addr, size; uint32_t type; } __attribute__((packed)) e;
    unsigned int i;

    if (copy_from_guest(&map, arg, sizeof(map)))
        return -XEN_EFAULT;
    for (i = 0; i < boot_info.nr_ram && i < map.nr_entries; i++) {
        e.addr = boot_info.ram[i].start;
        e.size = boot_info.ram[i].end - boot_info.ram[i].start;
        e.type = 1;
        if (copy_to_guest((unsigned long)map.buffer.p + i * sizeof(e), &e, sizeof(e)))
            return -XEN_EFAULT;
    }
    map.nr_entries = i;
    return copy_to_guest(arg, &map, sizeof(map.nr_entries));
}


