/* SPDX-License-Identifier: GPL-2.0-only */
/* Privileged instructions a ring-3 guest kernel executes, emulated on #GP/#UD. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>

#define XEN_MSR_PAT 0x0000050100070406UL

struct insn {
    uint8_t bytes[16];
    unsigned int len;      /* bytes consumed so far */
    bool opsize;           /* 0x66 */
    uint8_t rex;
};

/* The guest's CPL for I/O checks: kernel counts as 1 (0 with architectural_iopl). */
static unsigned int guest_cpl(const struct vcpu *v)
{
    if (!v->kernel_mode)
        return 3;
    return (v->domain->vm_assist & (1UL << VMASST_TYPE_architectural_iopl)) ? 0 : 1;
}

static bool ioport_permitted(const struct domain *d, unsigned int port, unsigned int size)
{
    unsigned int p;

    if (!d->ioport_caps)
        return false;
    for (p = port; p < port + size; p++)
        if (p > 0xffff || !(d->ioport_caps[p / 8] & (1u << (p % 8))))
            return false;
    return true;
}

static void emulate_in(struct domain *d, struct cpu_regs *r, unsigned int port,
                       unsigned int size)
{
    uint32_t val = 0xffffffffu;

    if (ioport_permitted(d, port, size)) {
        if (size == 1)
            val = inb(port);
        else if (size == 2)
            val = inw(port);
        else
            val = inl(port);
    }
    if (size == 4)
        r->rax = val;   /* 32-bit results zero-extend */
    else
        r->rax = (r->rax & ~((1UL << (size * 8)) - 1)) | (val & ((1UL << (size * 8)) - 1));
}

static void emulate_out(struct domain *d, struct cpu_regs *r, unsigned int port,
                        unsigned int size)
{
    if (!ioport_permitted(d, port, size))
        return;   /* dropped, as Xen does for ports the domain does not own */
    if (size == 1)
        outb((uint8_t)r->rax, port);
    else if (size == 2)
        outw((uint16_t)r->rax, port);
    else
        outl((uint32_t)r->rax, port);
}

/*
 * The guest's I/O bitmap (PHYSDEVOP_set_iobitmap), as Xen reads it: a
 * clear bit per port allows it; ports past the limit, and bytes that
 * cannot be read, deny.  It is in guest kernel memory, so from user mode
 * it is read through the kernel's page tables.
 */
static bool iobitmap_allows(struct vcpu *v, unsigned int port, unsigned int size)
{
    uint8_t b0 = 0xff, b1 = 0xff, t;
    bool switched;

    if (port + size > v->iobmp_limit)
        return false;
    switched = pv_kernel_tables(v);
    if (!copy_from_guest(&t, v->iobmp + port / 8, 1)) {
        b0 = t;
        if (!copy_from_guest(&t, v->iobmp + port / 8 + 1, 1))
            b1 = t;
    }
    pv_user_tables(v, switched);
    return !(((unsigned int)b1 << 8 | b0) & (((1u << size) - 1) << (port & 7)));
}

static bool emulate_io(struct vcpu *v, struct cpu_regs *r, struct insn *in)
{
    uint8_t op = in->bytes[in->len];
    unsigned int size = (op & 1) ? (in->opsize ? 2 : 4) : 1;
    unsigned int port;

    switch (op) {
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:
        port = in->bytes[in->len + 1];
        in->len += 2;
        break;
    case 0xec: case 0xed: case 0xee: case 0xef:
        port = (uint16_t)r->rdx;
        in->len += 1;
        break;
    default:
        return false;
    }
    if (v->iopl < guest_cpl(v) && !iobitmap_allows(v, port, size))
        return false;
    if (op == 0xe4 || op == 0xe5 || op == 0xec || op == 0xed)
        emulate_in(v->domain, r, port, size);
    else
        emulate_out(v->domain, r, port, size);
    return true;
}

/*
 * Virtual machine-check architecture, as Xen's vMCE gives a PV guest:
 * VMCE_BANKS banks that never report an error.  Linux's MCE code reads
 * and clears them at boot (and panics on a #GP); nothing is injected.
 * As on Xen, a bank's CTL reads all ones and every write is taken
 * without effect (MCG_CAP is read-only, there is no error to clear).
 */

static bool vmce_msr(uint32_t msr)
{
    return msr == MSR_MCG_CAP || msr == MSR_MCG_STATUS ||
           (msr >= MSR_MC0_CTL && msr < MSR_MC0_CTL + 4 * VMCE_BANKS);
}

static bool msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    if (vmce_msr(msr)) {
        if (msr == MSR_MCG_CAP)
            *val = VMCE_BANKS;
        else
            *val = msr >= MSR_MC0_CTL && (msr - MSR_MC0_CTL) % 4 == 0 ? ~0UL : 0;
        return true;
    }
    switch (msr) {
    case MSR_FS_BASE:
        *val = rdmsr(MSR_FS_BASE);
        return true;
    case MSR_GS_BASE:
        *val = rdmsr(MSR_GS_BASE);
        return true;
    case MSR_SHADOW_GS_BASE:
        *val = rdmsr(MSR_SHADOW_GS_BASE);
        return true;
    case MSR_TSC:
        *val = rdtsc();
        return true;
    case MSR_EFER:
        *val = rdmsr(MSR_EFER);
        return true;
    case MSR_PAT:
        *val = XEN_MSR_PAT;
        return true;
    case MSR_APIC_BASE:
        *val = 0xfee00000UL | (1UL << 11) | (v->vcpu_id == 0 ? 1UL << 8 : 0);
        return true;
    case MSR_MISC_ENABLE:
        return rdmsr_safe(msr, val) == 0;
    case MSR_MISC_FEATURES_ENABLES:
    case 0x345: /* PERF_CAPABILITIES */
        *val = 0;
        return true;
    }
    /* Xen's "faking RDMSR": before the guest has a #GP handler, an MSR the
     * hardware has reads as 0 instead of killing the guest. */
    if (!v->trap_ctxt[13].address && rdmsr_safe(msr, val) == 0) {
        *val = 0;
        return true;
    }
    return false;
}

static bool msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    uint64_t cur;

    if (vmce_msr(msr))
        return true;

    switch (msr) {
    case MSR_FS_BASE:
    case MSR_GS_BASE:
    case MSR_SHADOW_GS_BASE:
        if (!is_canonical(val))
            return false;
        wrmsr(msr, val);
        if (msr == MSR_FS_BASE)
            v->fs_base = val;
        return true;
    case MSR_EFER:
    case MSR_MISC_ENABLE:
        /* Writable only as a no-op: Linux writes back what it read. */
        return rdmsr_safe(msr, &cur) == 0 &&
               (msr == MSR_EFER ? (cur & ~EFER_LMA) == (val & ~EFER_LMA) : cur == val);
    case MSR_PAT:
        return val == XEN_MSR_PAT;
    case MSR_MISC_FEATURES_ENABLES:
        return val == 0;
    }
    (void)v;
    return false;
}

static unsigned long cr_read(struct vcpu *v, unsigned int cr, bool *ok)
{
    *ok = true;
    switch (cr) {
    case 0:
        return (read_cr0() & ~X86_CR0_TS) | (v->ctrlreg[0] & X86_CR0_TS);
    case 2:
        return v->ctrlreg[2];
    case 3:
        return (v->kernel_mode ? v->guest_table : v->guest_table_user) << PAGE_SHIFT;
    case 4:
        return v->ctrlreg[4];
    }
    *ok = false;
    return 0;
}

static bool cr_write(struct vcpu *v, unsigned int cr, unsigned long val)
{
    switch (cr) {
    case 0:
        if ((val ^ read_cr0()) & ~X86_CR0_TS)
            return false;   /* only TS is the guest's */
        return do_fpu_taskswitch(!!(val & X86_CR0_TS), 0, 0, 0, 0) == 0;
    case 2:
        v->ctrlreg[2] = val;
        v->vcpu_info->arch.cr2 = val;
        return true;
    case 3: {
        mmuext_op_t op = { .cmd = MMUEXT_NEW_BASEPTR, .arg1.mfn = val >> PAGE_SHIFT };

        return pv_mmuext_one(v, &op) == 0;
    }
    case 4:
        /* The guest's view only; the real CR4 stays ours. */
        v->ctrlreg[4] = val & PV_CR4_GUEST_BITS;
        return true;
    }
    return false;
}

static bool emulate_0f(struct vcpu *v, struct cpu_regs *r, struct insn *in)
{
    uint8_t op = in->bytes[in->len + 1], modrm = in->bytes[in->len + 2];
    unsigned int reg = ((modrm >> 3) & 7) | ((in->rex & 4) ? 8 : 0);
    unsigned int rm = (modrm & 7) | ((in->rex & 1) ? 8 : 0);
    uint64_t val;
    bool ok;

    switch (op) {
    case 0x06: /* clts */
        in->len += 2;
        return do_fpu_taskswitch(0, 0, 0, 0, 0) == 0;
    case 0x09: /* wbinvd: only the cache-flush privileged may, others no-op */
        in->len += 2;
        return true;
    case 0x30: /* wrmsr */
        in->len += 2;
        return msr_write(v, (uint32_t)r->rcx, (r->rdx << 32) | (uint32_t)r->rax);
    case 0x32: /* rdmsr */
        in->len += 2;
        if (!msr_read(v, (uint32_t)r->rcx, &val))
            return false;
        r->rax = (uint32_t)val;
        r->rdx = val >> 32;
        return true;
    case 0x31: /* rdtsc */
        in->len += 2;
        val = rdtsc();
        r->rax = (uint32_t)val;
        r->rdx = val >> 32;
        return true;
    case 0x20: /* mov %crN, reg */
    case 0x22: /* mov reg, %crN */
        if ((modrm >> 6) != 3)
            return false;
        in->len += 3;
        if (op == 0x20) {
            val = cr_read(v, reg, &ok);
            if (ok)
                *regs_gpr(r, rm) = val;
            return ok;
        }
        return cr_write(v, reg, *regs_gpr(r, rm));
    case 0x21: /* mov %drN, reg */
    case 0x23: /* mov reg, %drN */
        if ((modrm >> 6) != 3 || reg > 7 || reg == 4 || reg == 5)
            return false;
        in->len += 3;
        if (op == 0x21)
            *regs_gpr(r, rm) = v->debugreg[reg];
        else
            return do_set_debugreg(reg, *regs_gpr(r, rm), 0, 0, 0) == 0;
        return true;
    }
    return false;
}

/*
 * #GP(0) from the guest: decode one instruction at RIP and emulate it if it
 * is one a PV kernel may use.  Returns false to have the #GP bounced.
 */
bool pv_emulate_privileged_op(struct vcpu *v, struct cpu_regs *r)
{
    struct insn in;
    unsigned int i;

    memset(&in, 0, sizeof(in));
    for (i = 0; i < 15; i++)
        if (copy_from_guest(&in.bytes[i], r->rip + i, 1))
            break;
    if (i == 0)
        return false;
    for (; in.len < 4; in.len++) {
        uint8_t b = in.bytes[in.len];

        if (b == 0x66)
            in.opsize = true;
        else if ((b & 0xf0) == 0x40)
            in.rex = b;
        else
            break;
    }

    switch (in.bytes[in.len]) {
    case 0xe4: case 0xe5: case 0xe6: case 0xe7:
    case 0xec: case 0xed: case 0xee: case 0xef:
        if (!emulate_io(v, r, &in))
            return false;
        break;
    case 0xfa: /* cli */
    case 0xfb: /* sti */
        /* As Xen: allowed (and without effect) when the virtual IOPL
         * permits, #GP otherwise.  Events are masked through vcpu_info. */
        if (v->iopl < guest_cpl(v))
            return false;
        in.len++;
        break;
    case 0xf4: /* hlt: block until an event */
        if (!v->kernel_mode)
            return false;
        in.len++;
        r->rip += in.len;
        arch_vcpu_block(v);
        return true;
    case 0x0f:
        if (!emulate_0f(v, r, &in))
            return false;
        break;
    default:
        return false;
    }
    if (domain_is_dead(v->domain))
        return true;
    r->rip += in.len;
    return true;
}

/* The forced-emulation prefix: ud2a; .ascii "xen"; cpuid. */
bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_regs *r)
{
    static const uint8_t sig[7] = { 0x0f, 0x0b, 'x', 'e', 'n', 0x0f, 0xa2 };
    uint8_t bytes[7];
    uint32_t res[4];

    if (copy_from_guest(bytes, r->rip, sizeof(bytes)) || memcmp(bytes, sig, 7))
        return false;
    pv_cpuid(v, (uint32_t)r->rax, (uint32_t)r->rcx, res);
    r->rax = res[0];
    r->rbx = res[1];
    r->rcx = res[2];
    r->rdx = res[3];
    r->rip += 7;
    return true;
}
