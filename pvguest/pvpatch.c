/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: choosing the pv-ops table, and rewriting the hot call sites once it is chosen. */
#include "pvguest.h"
#include "arch.h"
#include "pvpatch.h"

/*
 * The table in use, a copy of pv_native or pv_xen: call sites address it
 * directly (one indirect call, no pointer to load first).
 */
struct pv_ops pv_ops;
const struct pv_ops *pv = &pv_ops;
unsigned int pvpatch_sites;

extern const struct pvpatch_site __pvpatch_start[], __pvpatch_end[];

void pv_select(const struct pv_ops *ops)
{
    pv_ops = *ops;
}

#define CALL_LEN 6      /* ff 15 disp32 */

/* The native instructions, in place of the call. */
static const struct {
    uint8_t len;
    uint8_t bytes[3];
} native_code[PVOP_NR] = {
    [PVOP_SAVE_FL] = { 2, { 0x9c, 0x58 } },     /* pushfq; pop %rax */
    [PVOP_RESTORE_FL] = { 2, { 0x57, 0x9d } },  /* push %rdi; popfq */
    [PVOP_IRQ_DISABLE] = { 1, { 0xfa } },       /* cli */
    [PVOP_IRQ_ENABLE] = { 1, { 0xfb } },        /* sti */
};

static void *op_target(unsigned int op)
{
    switch (op) {
    case PVOP_SAVE_FL:
        return (void *)pv_ops.save_fl;
    case PVOP_RESTORE_FL:
        return (void *)pv_ops.restore_fl;
    case PVOP_IRQ_DISABLE:
        return (void *)pv_ops.irq_disable;
    default:
        return (void *)pv_ops.irq_enable;
    }
}

/*
 * Rewrite every recorded site: the instruction itself for the native
 * table, a direct call (e8 rel32) for any other.  One CPU and no thread
 * has run a site concurrently yet; the jump back to our caller orders
 * the new bytes before any of them executes.
 */
unsigned int pvpatch_apply(void)
{
    const struct pvpatch_site *s;
    int native = pv_ops.save_fl == pv_native.save_fl;

    for (s = __pvpatch_start; s < __pvpatch_end; s++) {
        uint8_t *p = (uint8_t *)s->addr;
        unsigned int i, n = 0;

        if (s->len != CALL_LEN || s->op >= PVOP_NR || p[0] != 0xff || p[1] != 0x15)
            pvg_panic("pvpatch: bad site %#lx (op %u, length %u)",
                      (unsigned long)s->addr, s->op, s->len);
        if (native) {
            for (; n < native_code[s->op].len; n++)
                p[n] = native_code[s->op].bytes[n];
        } else {
            int64_t rel = (int64_t)((uint64_t)op_target(s->op) - (s->addr + 5));

            p[n++] = 0xe8;
            for (i = 0; i < 4; i++)
                p[n++] = (uint8_t)(rel >> (8 * i));
        }
        while (n < CALL_LEN)
            p[n++] = 0x90;
        pvpatch_sites++;
    }
    barrier();
    return pvpatch_sites;
}
