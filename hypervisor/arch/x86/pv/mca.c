/* SPDX-License-Identifier: GPL-2.0-only */
/* do_mca: the machine-check hypercall's physical-CPU information and (empty) telemetry for dom0. */
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <xen/arch-x86/xen-mca.h>

/*
 * What Linux's dom0 mcelog driver needs at boot: XEN_MC_physcpuinfo (the
 * number of physical CPUs with a null buffer, else one
 * mcinfo_logical_cpu each, from the CPU's own CPUID) and XEN_MC_fetch,
 * which finds no telemetry (XEN_MC_NODATA): the virtual MCE never reports
 * an error (pv/emul.c).  Control domain only (the table's HCF_PRIV gives
 * -EPERM, as Xen's XSM check does); a wrong interface version is -EACCES,
 * other commands -EINVAL, as Xen.
 */

static void cpuid_regs(uint32_t leaf, uint32_t r[4])
{
    cpuid_count(leaf, 0, &r[0], &r[1], &r[2], &r[3]);
}

/* One CPU's record, as Xen's x86_mc_get_cpu_info() describes it. */
static void logical_cpu(unsigned int nr, struct mcinfo_logical_cpu *c)
{
    uint32_t r[4], max_ext, family, model;
    unsigned int i;

    memset(c, 0, sizeof(*c));
    c->mc_cpunr = nr;
    cpuid_regs(0, r);
    c->mc_cpuid_level = (int32_t)r[0];
    memcpy(c->mc_vendorid, &r[1], 4);
    memcpy(c->mc_vendorid + 4, &r[3], 4);
    memcpy(c->mc_vendorid + 8, &r[2], 4);
    c->mc_vendor = !memcmp(c->mc_vendorid, "AuthenticAMD", 12) ? 2 :    /* X86_VENDOR_AMD */
                   !memcmp(c->mc_vendorid, "GenuineIntel", 12) ? 1 : 0; /* X86_VENDOR_INTEL */
    cpuid_regs(1, r);
    family = (r[0] >> 8) & 0xf;
    model = (r[0] >> 4) & 0xf;
    if (family == 0xf)
        family += (r[0] >> 20) & 0xff;
    if (family >= 6)
        model |= ((r[0] >> 16) & 0xf) << 4;
    c->mc_family = family;
    c->mc_model = model;
    c->mc_step = r[0] & 0xf;
    c->mc_apicid = r[1] >> 24;
    c->mc_cache_alignment = ((r[1] >> 8) & 0xff) * 8;   /* CLFLUSH line size */
    c->mc_cpu_caps[MC_CAPS_STD_EDX] = r[3];
    c->mc_cpu_caps[MC_CAPS_STD_ECX] = r[2];
    cpuid_regs(0x80000000, r);
    max_ext = r[0];
    if (max_ext >= 0x80000001) {
        cpuid_regs(0x80000001, r);
        c->mc_cpu_caps[MC_CAPS_AMD_EDX] = r[3];
        c->mc_cpu_caps[MC_CAPS_AMD_ECX] = r[2];
    }
    if (max_ext >= 0x80000004)
        for (i = 0; i < 3; i++)
            cpuid_regs(0x80000002 + i, (uint32_t *)(c->mc_brandid + 16 * i));
    if (max_ext >= 0x80000006) {
        cpuid_regs(0x80000006, r);
        c->mc_cache_size = r[2] >> 16;                  /* L2, KiB */
    }
    c->mc_ncores = c->mc_ncores_active = c->mc_nthreads = 1;
    c->mc_nmsrvals = 1;
    c->mc_msrvalues[0].reg = MSR_MCG_CAP;
    c->mc_msrvalues[0].value = VMCE_BANKS;  /* MCG_CAP as the guest reads it */
}

static long mca_physcpuinfo(struct xen_mc *op, unsigned long arg)
{
    struct xen_mc_physcpuinfo *p = &op->u.mc_physcpuinfo;
    struct mcinfo_logical_cpu c;
    unsigned int n = 1, i;   /* one physical CPU */

    if (!p->info.p) {
        p->ncpus = n;
        return copy_to_guest(arg, op, sizeof(*op)) ? -XEN_EFAULT : 0;
    }
    if ((int32_t)p->ncpus <= 0)
        return -XEN_EINVAL;
    if (p->ncpus < n)
        n = p->ncpus;
    for (i = 0; i < n; i++) {
        logical_cpu(i, &c);
        if (copy_to_guest((unsigned long)p->info.p + i * sizeof(c), &c, sizeof(c)))
            return -XEN_EFAULT;
    }
    return 0;
}

static long mca_fetch(struct xen_mc *op, unsigned long arg)
{
    struct xen_mc_fetch *f = &op->u.mc_fetch;
    uint32_t which = f->flags & (XEN_MC_NONURGENT | XEN_MC_URGENT);

    if (which != XEN_MC_NONURGENT && which != XEN_MC_URGENT)
        return -XEN_EINVAL;
    if (f->flags & XEN_MC_ACK)
        return 0;                       /* nothing was handed out to ack */
    if (!f->data.p)
        return -XEN_EINVAL;
    f->fetch_id = 0;
    f->flags = XEN_MC_OK | XEN_MC_NODATA;
    return copy_to_guest(arg, op, sizeof(*op)) ? -XEN_EFAULT : 0;
}

long do_mca(unsigned long arg, unsigned long a2, unsigned long a3,
            unsigned long a4, unsigned long a5)
{
    struct xen_mc op;

    (void)a2, (void)a3, (void)a4, (void)a5;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -XEN_EFAULT;
    if (op.interface_version != XEN_MCA_INTERFACE_VERSION)
        return -XEN_EACCES;
    switch (op.cmd) {
    case XEN_MC_physcpuinfo:
        return mca_physcpuinfo(&op, arg);
    case XEN_MC_fetch:
        return mca_fetch(&op, arg);
    default:
        return -XEN_EINVAL;
    }
}
