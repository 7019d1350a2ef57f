/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest descriptor tables: set_gdt, update_descriptor and descriptor validation. */
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/pv.h>

#define DESC_P       (1u << 15)
#define DESC_S       (1u << 12)
#define DESC_DPL(b)  (((b) >> 13) & 3)
#define DESC_TYPE(b) (((b) >> 8) & 0xf)

/*
 * A descriptor a guest may own: not present, or a code/data segment (its
 * DPL raised to 3: the guest kernel runs in ring 3).  System descriptors
 * (TSS, LDT, gates) are refused; Xen's call-gate support is not provided.
 * Fixes the descriptor up in place and returns false when it is refused.
 */
static bool check_descriptor(uint64_t *desc)
{
    uint32_t b = (uint32_t)(*desc >> 32);

    if (!(b & DESC_P))
        return true;
    if (!(b & DESC_S))
        return false;
    /* 64-bit code with D set is reserved. */
    if ((DESC_TYPE(b) & 8) && (b & (1u << 21)) && (b & (1u << 22)))
        return false;
    b |= 3u << 13;
    /* Accessed set, so the CPU never writes into the table itself. */
    b |= 1u << 8;
    *desc = (*desc & 0xffffffffULL) | ((uint64_t)b << 32);
    return true;
}

int pv_validate_descriptor_page(const void *page)
{
    uint64_t *d = (uint64_t *)page;
    unsigned int i;

    for (i = 0; i < PAGE_SIZE / 8; i++)
        if (!check_descriptor(&d[i]))
            return -XEN_EINVAL;
    return 0;
}

static void put_gdt_frames(unsigned long *frames, unsigned int nr)
{
    while (nr--)
        put_page_and_type(mfn_to_page(frames[nr]));
}

long do_set_gdt(unsigned long list, unsigned long entries, unsigned long a3,
                unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();
    unsigned long frames[GDT_GUEST_FRAMES];
    unsigned int i, nr;

    (void)a3, (void)a4, (void)a5;
    if (entries > FIRST_RESERVED_GDT_ENTRY)
        return -XEN_EINVAL;
    nr = (entries + 511) / 512;
    if (nr && copy_from_guest(frames, list, nr * sizeof(frames[0])))
        return -XEN_EFAULT;
    for (i = 0; i < nr; i++) {
        if (!mfn_valid(frames[i]) ||
            !get_page_and_type(mfn_to_page(frames[i]), v->domain->domain_id,
                               PGT_seg_desc_page)) {
            put_gdt_frames(frames, i);
            return -XEN_EINVAL;
        }
    }
    put_gdt_frames(v->gdt_frames, (v->gdt_ents + 511) / 512);
    memcpy(v->gdt_frames, frames, nr * sizeof(frames[0]));
    v->gdt_ents = entries;
    gdt_load_guest_frames(v->gdt_frames, nr);
    return 0;
}

long do_update_descriptor(unsigned long maddr, unsigned long desc,
                          unsigned long a3, unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();
    unsigned long mfn = maddr >> PAGE_SHIFT;
    struct page_info *pg;
    uint64_t d = desc;
    unsigned int type;

    (void)a3, (void)a4, (void)a5;
    if ((maddr & 7) || !mfn_valid(mfn) || !check_descriptor(&d))
        return -XEN_EINVAL;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, v->domain->domain_id))
        return -XEN_EINVAL;
    /* A live descriptor page, or else a page that could be made writable. */
    type = pg->type == PGT_seg_desc_page && pg->type_count ? PGT_seg_desc_page
                                                           : PGT_writable_page;
    if (get_page_type(pg, type)) {
        put_page(pg);
        return -XEN_EINVAL;
    }
    *(uint64_t *)((char *)mfn_to_virt(mfn) + (maddr & (PAGE_SIZE - 1))) = d;
    put_page_and_type(pg);
    return 0;
}
