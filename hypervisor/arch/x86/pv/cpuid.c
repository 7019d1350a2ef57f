/* SPDX-License-Identifier: GPL-2.0-only */
/* The CPUID a PV guest sees: host leaves filtered, plus Xen's leaves at 0x40000000. */
#include <asm/processor.h>
#include <asm/pv.h>

#define XEN_CPUID_MAX_LEAF (XEN_CPUID_FIRST_LEAF + 5)

/* Feature bits hidden from PV guests (Xen's policy, cpufeatureset.h). */
#define LEAF1_ECX_HIDE ((1u << 3) /* MONITOR */ | (1u << 5) /* VMX */ |      \
                        (1u << 6) /* SMX */ | (1u << 7) /* EST */ |           \
                        (1u << 8) /* TM2 */ | (1u << 12) /* FMA */ |          \
                        (1u << 15) /* PDCM */ | (1u << 17) /* PCID */ |       \
                        (1u << 18) /* DCA */ | (1u << 21) /* x2APIC */ |      \
                        (1u << 24) /* TSC_DEADLINE */ | (1u << 26) /* XSAVE */ | \
                        (1u << 27) /* OSXSAVE */ | (1u << 28) /* AVX */ |     \
                        (1u << 29) /* F16C */)
#define LEAF1_EDX_HIDE ((1u << 1) /* VME */ | (1u << 3) /* PSE */ |           \
                        (1u << 12) /* MTRR */ | (1u << 13) /* PGE */ |        \
                        (1u << 17) /* PSE36 */ | (1u << 21) /* DS */ |        \
                        (1u << 22) /* ACPI */ | (1u << 29) /* TM */ |         \
                        (1u << 31) /* PBE */)
#define LEAF7_EBX_KEEP ((1u << 3) /* BMI1 */ | (1u << 8) /* BMI2 */ |         \
                        (1u << 9) /* ERMS */ | (1u << 18) /* RDSEED */ |      \
                        (1u << 19) /* ADX */ | (1u << 23) /* CLFLUSHOPT */)
#define EXT1_ECX_KEEP  ((1u << 0) /* LAHF */ | (1u << 5) /* ABM */ |          \
                        (1u << 8) /* PREFETCHW */)
#define EXT1_EDX_HIDE  ((1u << 26) /* PAGE1GB */ | (1u << 27) /* RDTSCP */)

static void xen_leaves(uint32_t leaf, uint32_t res[4])
{
    uint32_t a, b, c, d;

    switch (leaf - XEN_CPUID_FIRST_LEAF) {
    case 0:
        res[0] = XEN_CPUID_MAX_LEAF;
        res[1] = XEN_CPUID_SIGNATURE_EBX;
        res[2] = XEN_CPUID_SIGNATURE_ECX;
        res[3] = XEN_CPUID_SIGNATURE_EDX;
        break;
    case 1:
        res[0] = (4u << 16) | 17u;
        break;
    case 2:
        res[0] = 1;                  /* hypercall pages */
        res[1] = 0x40000000;         /* hypercall-page MSR */
        res[2] = XEN_CPUID_FEAT1_MMU_PT_UPDATE_PRESERVE_AD;
        break;
    case 5:
        cpuid_count(0x80000008, 0, &a, &b, &c, &d);
        res[1] = a & 0xff;           /* machine address width */
        break;
    default:
        break;                       /* 3 (TSC), 4 (HVM): nothing for PV */
    }
}

void pv_cpuid(struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t res[4])
{
    res[0] = res[1] = res[2] = res[3] = 0;
    if (leaf >= XEN_CPUID_FIRST_LEAF && leaf <= XEN_CPUID_MAX_LEAF) {
        xen_leaves(leaf, res);
        return;
    }
    if ((leaf >= 0x40000000 && leaf < 0x80000000) || leaf > 0x80000008)
        return;
    cpuid_count(leaf, sub, &res[0], &res[1], &res[2], &res[3]);

    switch (leaf) {
    case 0:
        res[0] = MIN(res[0], 0xdu);
        break;
    case 1:
        res[1] &= 0x0000ffff;        /* APIC id 0, one logical CPU */
        res[1] |= v->vcpu_id << 24;
        res[2] = (res[2] & ~LEAF1_ECX_HIDE) | (1u << 31);   /* HYPERVISOR */
        res[3] &= ~LEAF1_EDX_HIDE;
        break;
    case 5: case 6: case 0xa: case 0xb: case 0xd:
        res[0] = res[1] = res[2] = res[3] = 0;
        break;
    case 7:
        res[0] = 0;                  /* only subleaf 0 exists */
        res[1] = sub == 0 ? res[1] & LEAF7_EBX_KEEP : 0;
        res[2] = res[3] = 0;
        break;
    case 0x80000001:
        res[2] &= EXT1_ECX_KEEP;
        res[3] &= ~EXT1_EDX_HIDE;
        break;
    }
}
