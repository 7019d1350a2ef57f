/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: choosing the pv-ops table, and rewriting the kernel's call sites once it is chosen. */
#include "pvguest.h"
#include "arch.h"
#include "pvpatch.h"

/*
 * The table in use, a copy of pv_native or pv_xen: call sites address it
 * directly (one indirect call, no pointer to load first).
 */
struct pv_ops pv_ops;
const struct pv_ops *pv = &pv_ops;
unsigned int pvpatch_sites, pvpatch_inlined;

extern const struct pvpatch_site __pvpatch_start[], __pvpatch_end[];

void pv_select(const struct pv_ops *ops)
{
    pv_ops = *ops;
}

static const struct pvop_patch *patch_for(unsigned int off)
{
    unsigned int i;

    for (i = 0; i < pv_ops.nr_patches; i++)
        if (pv_ops.patches[i].off == off)
            return &pv_ops.patches[i];
    return NULL;
}

/*
 * Rewrite every recorded site: the table's own bytes for the operation
 * when it has some, else a direct call (e8 rel32); NOPs fill the rest.
 * One CPU, and no site has run concurrently yet; the return to our caller
 * orders the new bytes before any of them executes.
 */
unsigned int pvpatch_apply(void)
{
    const struct pvpatch_site *s;

    for (s = __pvpatch_start; s < __pvpatch_end; s++) {
        uint8_t *p = (uint8_t *)s->addr;
        const struct pvop_patch *inl = patch_for(s->off);
        unsigned int i, n = 0;
        int64_t rel;

        if (s->len != PVOP_SITE_LEN || s->off >= sizeof(struct pv_ops) ||
            (s->off & 7) || p[0] != 0xff || p[1] != 0x15)
            pvg_panic("pvpatch: bad site %#lx (offset %u, length %u)",
                      (unsigned long)s->addr, s->off, s->len);
        if (inl) {
            for (; n < inl->len; n++)
                p[n] = inl->bytes[n];
            pvpatch_inlined++;
        } else {
            rel = (int64_t)(*(const uint64_t *)((const char *)&pv_ops + s->off) -
                            (s->addr + 5));

            p[n++] = 0xe8;
            for (i = 0; i < 4; i++)
                p[n++] = (uint8_t)(rel >> (8 * i));
        }
        while (n < PVOP_SITE_LEN)
            p[n++] = 0x90;
        pvpatch_sites++;
    }
    barrier();
    return pvpatch_sites;
}
