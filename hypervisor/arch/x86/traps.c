/* SPDX-License-Identifier: GPL-2.0-only */
/* Exceptions taken in the hypervisor: fixups, and the fatal path with a backtrace. */
#include <xenia/guest_access.h>
#include <xenia/console.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/regs.h>
#include <asm/traps.h>

struct ex_entry {
    unsigned long fault, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];
extern char _start[], _etext[];

static const char *const trap_names[] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bounds", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD error", "#VE virtualisation",
    "#CP control protection",
};

const char *trap_name(unsigned int vec)
{
    return vec < ARRAY_SIZE(trap_names) ? trap_names[vec] : "interrupt";
}

static unsigned long search_exception_table(unsigned long rip)
{
    const struct ex_entry *e;

    for (e = __ex_table_start; e < __ex_table_end; e++)
        if (e->fault == rip)
            return e->fixup;
    return 0;
}

static bool is_text(unsigned long addr)
{
    return addr >= (unsigned long)_start && addr < (unsigned long)_etext;
}

/* Walk the frame-pointer chain (the hypervisor builds with frame pointers). */
static void show_backtrace(unsigned long rbp, unsigned long rip)
{
    unsigned int depth;

    printk_lvl(LOG_ERR, "Backtrace:");
    printk_lvl(LOG_ERR, "  [<%016lx>]", rip);
    for (depth = 0; depth < 32; depth++) {
        unsigned long *frame = (unsigned long *)rbp;
        unsigned long ret;

        if (!rbp || (rbp & 7) || rbp < XEN_VIRT_START)
            break;
        ret = frame[1];
        if (!is_text(ret))
            break;
        printk_lvl(LOG_ERR, "  [<%016lx>]", ret);
        rbp = frame[0];
    }
}

/*
 * The top of a guest's stack, as Xen prints it: the words a crashed
 * guest's return addresses hide in, read through the guest's own tables.
 */
static void show_guest_stack(const struct cpu_regs *r)
{
    unsigned long words[4];
    unsigned int line;

    printk_lvl(LOG_ERR, "Guest stack from rsp=%016lx:", (unsigned long)r->rsp);
    for (line = 0; line < 8; line++) {
        unsigned long at = r->rsp + line * sizeof(words);

        if (copy_from_guest(words, at, sizeof(words))) {
            printk_lvl(LOG_ERR, "  %016lx: (not mapped)", at);
            return;
        }
        printk_lvl(LOG_ERR, "  %016lx: %016lx %016lx %016lx %016lx", at,
                   words[0], words[1], words[2], words[3]);
    }
}

void show_registers(const struct cpu_regs *r)
{
    printk_lvl(LOG_ERR, "RIP: %04lx:%016lx  RFLAGS: %016lx  %s",
               (unsigned long)r->cs, (unsigned long)r->rip,
               (unsigned long)r->rflags, regs_from_guest(r) ? "guest" : "hypervisor");
    printk_lvl(LOG_ERR, "RAX: %016lx  RBX: %016lx  RCX: %016lx",
               (unsigned long)r->rax, (unsigned long)r->rbx, (unsigned long)r->rcx);
    printk_lvl(LOG_ERR, "RDX: %016lx  RSI: %016lx  RDI: %016lx",
               (unsigned long)r->rdx, (unsigned long)r->rsi, (unsigned long)r->rdi);
    printk_lvl(LOG_ERR, "RBP: %016lx  RSP: %016lx  R8:  %016lx",
               (unsigned long)r->rbp, (unsigned long)r->rsp, (unsigned long)r->r8);
    printk_lvl(LOG_ERR, "R9:  %016lx  R10: %016lx  R11: %016lx",
               (unsigned long)r->r9, (unsigned long)r->r10, (unsigned long)r->r11);
    printk_lvl(LOG_ERR, "R12: %016lx  R13: %016lx  R14: %016lx",
               (unsigned long)r->r12, (unsigned long)r->r13, (unsigned long)r->r14);
    printk_lvl(LOG_ERR, "R15: %016lx  CR2: %016lx  CR3: %016lx  SS: %04lx",
               (unsigned long)r->r15, read_cr2(), read_cr3(), (unsigned long)r->ss);
    if (regs_from_guest(r))
        show_guest_stack(r);
}

static void fatal_trap(const struct cpu_regs *r)
{
    printk_lvl(LOG_ERR, "FATAL TRAP: vector %u (%s), error code %#x",
               r->entry_vector, trap_name(r->entry_vector), r->error_code);
    show_registers(r);
    show_backtrace(r->rbp, r->rip);
    panic("fatal trap in the hypervisor");
}

void do_hv_trap(struct cpu_regs *r)
{
    unsigned long fixup;

    switch (r->entry_vector) {
    case IRQ_TIMER_VECTOR:
        timer_interrupt();
        return;
    case IRQ_SPURIOUS_VECTOR:
        return;
    case TRAP_nmi:
        log_warn("NMI received (%s context), ignored",
                 regs_from_guest(r) ? "guest" : "hypervisor");
        return;
    case TRAP_debug: {
        /* A guest's watchpoint hit by the hypervisor (a buffer it copies,
         * or one pending from `mov ss` before `syscall`), on the IST
         * stack: ignored, as Xen does.  Said once: a guest can repeat it. */
        static bool said;

        if (!said)
            log_warn("#DB in the hypervisor at %#lx, DR6 %#lx, ignored "
                     "(said once)", (unsigned long)r->rip, read_debugreg(6));
        said = true;
        write_debugreg(6, X86_DR6_DEFAULT);
        r->rflags |= X86_EFLAGS_RF;
        return;
    }
    }
    if (r->entry_vector >= 32) {
        log_warn("unexpected interrupt vector %u", r->entry_vector);
        return;
    }
    fixup = search_exception_table(r->rip);
    if (fixup && (r->entry_vector == TRAP_page_fault ||
                  r->entry_vector == TRAP_gp_fault)) {
        r->rip = fixup;
        return;
    }
    fatal_trap(r);
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    cli();
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk_lvl(LOG_ERR, "****************************************");
    printk_lvl(LOG_ERR, "PANIC: %s", buf);
    printk_lvl(LOG_ERR, "****************************************");
    show_backtrace(read_rbp(), (unsigned long)__builtin_return_address(0));
    machine_exit(EXIT_PANIC);
}

void machine_exit(unsigned int code)
{
    cli();
    outb((uint8_t)code, DEBUG_EXIT_PORT);
    /* Not under QEMU with isa-debug-exit: stop here. */
    for (;;)
        halt();
}
