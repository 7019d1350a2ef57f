/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: TSC reads and sample sorting for the timed roles (bench, timed pingpong and build). */
#ifndef PVGUEST_TSC_H
#define PVGUEST_TSC_H

#include <stddef.h>
#include <stdint.h>
#include "arch.h"
#include "pvops.h"

/*
 * The start read waits for earlier instructions and holds later ones back
 * (lfence on both sides); the end read uses rdtscp, which waits for the
 * timed work, when the CPU policy offers it (tsc_has_rdtscp()).
 */
static inline uint64_t tsc_start(void)
{
    uint32_t lo, hi;

    asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t tsc_stop(int rdtscp)
{
    uint32_t lo, hi, aux;

    if (rdtscp)
        asm volatile("rdtscp; lfence"
                     : "=a"(lo), "=d"(hi), "=c"(aux) :: "memory");
    else
        asm volatile("lfence; rdtsc; lfence"
                     : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

/*
 * Does CPUID offer RDTSCP (0x80000001 EDX[27])?  Asked through the pv-op:
 * under Xen that is the PV policy (forced emulation), natively the CPU.
 */
static inline int tsc_has_rdtscp(void)
{
    uint32_t r[4];

    pv->cpuid(0x80000000, 0, r);
    if (r[0] < 0x80000001)
        return 0;
    pv->cpuid(0x80000001, 0, r);
    return !!(r[3] & (1U << 27));
}

/* Sort n samples in place, ascending (bench.c: heapsort, no allocation). */
void sort_u64(uint64_t *a, size_t n);

#endif
