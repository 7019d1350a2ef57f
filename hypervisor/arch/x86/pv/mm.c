/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV MMU: validating guest page tables, mmuext_op, update_va_mapping. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/setup.h>
#include "mm.h"

/*
 * Guest page tables are guest frames typed L1..L4 (xenia/mm.h).  Taking an
 * Ln type validates every present entry and takes a reference on what it
 * points to: L1 entries take a general reference on the data frame (plus a
 * writable-type reference when RW), Ln entries take an L(n-1) typed
 * reference on the lower table.  So a frame never is a table and writable at
 * once, and a table stays validated while anything points to it.
 *
 * Entries the guest may set: P, RW, US, A, D, the AVAIL bits and NX; in an
 * L1 also GLOBAL (and cache attributes for privileged domains).  L2-L4 may
 * not be superpages.  Same-level ("linear") references are accepted only
 * read-only.  L4 slots 256-271 are the hypervisor's and are rewritten on
 * every validation.  Present entries are adjusted as Xen does: everything
 * is user-accessible at the hardware level (the guest kernel runs in ring
 * 3), kernel L1 mappings carry bit 52 to remember they were "kernel".
 */

extern pte_t boot_l4[PT_ENTRIES];

#define L1_ALLOWED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
                    _PAGE_DIRTY | _PAGE_GLOBAL | _PAGE_AVAIL | _PAGE_NX |    \
                    _PAGE_GUEST_KERNEL | PTE_ADDR_MASK | (0x7fUL << 52))
#define L1_CACHE   (_PAGE_PWT | _PAGE_PCD | _PAGE_PAT)
#define LN_ALLOWED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
                    _PAGE_DIRTY | _PAGE_AVAIL | _PAGE_NX | PTE_ADDR_MASK |   \
                    (0x7fUL << 52))

bool is_hv_l4_slot(unsigned int i)
{
    return i >= HV_L4_FIRST && i <= HV_L4_LAST;
}

static struct domain *page_owner_domain(struct page_info *pg)
{
    return dom0 && pg->owner == dom0->domain_id ? dom0 : NULL;
}

/*
 * Frames outside RAM (MMIO): only a privileged domain may map them, never
 * the local APIC or I/O APIC pages the hypervisor drives, and never above
 * the CPU's physical address width (those bits would be reserved).
 */
static bool mmio_permitted(const struct domain *d, unsigned long mfn)
{
    static unsigned int phys_bits;
    uint32_t a, b, c, dd;

    if (!phys_bits) {
        cpuid_count(0x80000008, 0, &a, &b, &c, &dd);
        phys_bits = a & 0xff;
    }
    return d->is_privileged && mfn < (1UL << (phys_bits - PAGE_SHIFT)) &&
           mfn != 0xfee00 && mfn != 0xfec00;
}

pte_t pv_adjust_l1e(pte_t e)
{
    if (!(e & _PAGE_PRESENT))
        return e;
    if (!(e & _PAGE_USER))
        e |= _PAGE_USER | _PAGE_GUEST_KERNEL;
    return e & ~_PAGE_GLOBAL;   /* no global pages: we do not enable PGE */
}

int get_page_from_l1e(pte_t e, struct domain *d)
{
    unsigned long mfn = pte_mfn(e);
    struct page_info *pg;

    if (!(e & _PAGE_PRESENT))
        return 0;
    if (e & ~(L1_ALLOWED | L1_CACHE))
        return -XEN_EINVAL;
    if ((e & L1_CACHE) && !d->is_privileged)
        return -XEN_EPERM;
    if (!mfn_valid(mfn))
        return mmio_permitted(d, mfn) ? 0 : -XEN_EPERM;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, d->domain_id))
        return -XEN_EINVAL;
    if ((e & _PAGE_RW) && get_page_type(pg, PGT_writable_page)) {
        put_page(pg);
        return -XEN_EBUSY;   /* a table or descriptor page: no writable mapping */
    }
    return 0;
}

void put_page_from_l1e(pte_t e)
{
    unsigned long mfn = pte_mfn(e);

    if (!(e & _PAGE_PRESENT) || !mfn_valid(mfn))
        return;
    if (e & _PAGE_RW)
        put_page_and_type(mfn_to_page(mfn));
    else
        put_page(mfn_to_page(mfn));
}

/* An entry of an Ln table (n >= 2) pointing at an L(n-1), or linear. */
int get_page_from_lne(pte_t e, unsigned int level, struct domain *d,
                             unsigned long self_mfn)
{
    struct page_info *pg;

    if (!(e & _PAGE_PRESENT))
        return 0;
    if ((e & ~LN_ALLOWED) || (e & _PAGE_PSE))
        return -XEN_EINVAL;
    if (!mfn_valid(pte_mfn(e)))
        return -XEN_EINVAL;
    pg = mfn_to_page(pte_mfn(e));
    if (get_page_and_type(pg, d->domain_id, level - 1))
        return 0;
    /* Linear page table: read-only, same level, already validated. */
    if ((e & _PAGE_RW) || pte_mfn(e) == self_mfn)
        return -XEN_EINVAL;
    return get_page_and_type(pg, d->domain_id, level) ? 0 : -XEN_EINVAL;
}

void put_page_from_lne(pte_t e)
{
    if (e & _PAGE_PRESENT)
        put_page_and_type(mfn_to_page(pte_mfn(e)));
}

static int pt_validate(struct page_info *pg, unsigned int type, void *ctx)
{
    struct domain *d = page_owner_domain(pg);
    unsigned long mfn = page_to_mfn(pg);
    pte_t *t = mfn_to_virt(mfn);
    unsigned int i;
    int rc = 0;

    (void)ctx;
    if (!d)
        return -XEN_EINVAL;
    if (type == PGT_seg_desc_page)
        return pv_validate_descriptor_page(t);
    for (i = 0; i < PT_ENTRIES; i++) {
        if (type == PGT_l4_page_table && is_hv_l4_slot(i))
            continue;
        if (type == PGT_l1_page_table) {
            rc = get_page_from_l1e(t[i], d);
            if (!rc)
                t[i] = pv_adjust_l1e(t[i]);
        } else {
            rc = get_page_from_lne(t[i], type, d, mfn);
            if (!rc && (t[i] & _PAGE_PRESENT))
                t[i] |= _PAGE_USER;
        }
        if (rc)
            break;
    }
    if (!rc) {
        if (type == PGT_l4_page_table)
            for (i = HV_L4_FIRST; i <= HV_L4_LAST; i++)
                t[i] = boot_l4[i];
        return 0;
    }
    while (i--) {
        if (type == PGT_l4_page_table && is_hv_l4_slot(i))
            continue;
        if (type == PGT_l1_page_table)
            put_page_from_l1e(t[i]);
        else
            put_page_from_lne(t[i]);
    }
    return rc;
}

static void pt_devalidate(struct page_info *pg, unsigned int type, void *ctx)
{
    pte_t *t = mfn_to_virt(page_to_mfn(pg));
    unsigned int i;

    (void)ctx;
    if (type == PGT_seg_desc_page)
        return;
    for (i = 0; i < PT_ENTRIES; i++) {
        if (type == PGT_l4_page_table && is_hv_l4_slot(i))
            continue;
        if (type == PGT_l1_page_table)
            put_page_from_l1e(t[i]);
        else
            put_page_from_lne(t[i]);
    }
}

bool pv_flush_pending;

/* Called before returning to the guest after page-table changes. */
void pv_flush_if_pending(void)
{
    if (pv_flush_pending) {
        pv_flush_pending = false;
        flush_tlb_local();
    }
}

static const struct pgt_ops pv_pgt_ops = {
    .validate = pt_validate,
    .devalidate = pt_devalidate,
};

void pv_mm_init(void)
{
    pgt_set_ops(&pv_pgt_ops, NULL);
}

/* Replace one L1 entry: validate the new one, then drop the old one. */
int pv_mod_l1_entry(struct domain *d, pte_t *slot, pte_t nl1e)
{
    pte_t ol1e = *slot;
    int rc;

    nl1e = pv_adjust_l1e(nl1e);
    rc = get_page_from_l1e(nl1e, d);
    if (rc)
        return rc;
    *slot = nl1e;
    put_page_from_l1e(ol1e);
    /* The old mapping's references are gone: no TLB may keep using it
     * (it could be the last writable mapping of a future page table). */
    if ((ol1e & _PAGE_PRESENT) &&
        (!(nl1e & _PAGE_PRESENT) || pte_mfn(ol1e) != pte_mfn(nl1e) ||
         ((ol1e & _PAGE_RW) && !(nl1e & _PAGE_RW))))
        pv_flush_pending = true;
    return 0;
}

/* Find the L1 slot mapping va in the vCPU's kernel tables, or NULL. */
pte_t *guest_l1_slot(struct vcpu *v, unsigned long va)
{
    pte_t e = pte_make(v->guest_table, _PAGE_PRESENT);
    unsigned int level, shift[] = { 0, L1_SHIFT, L2_SHIFT, L3_SHIFT, L4_SHIFT };

    if (is_hv_l4_slot(l4_index(va)) || !is_canonical(va))
        return NULL;
    for (level = 4; level >= 1; level--) {
        pte_t *t;
        struct page_info *pg;

        if (!(e & _PAGE_PRESENT) || (level < 4 && (e & _PAGE_PSE)) ||
            !mfn_valid(pte_mfn(e)))
            return NULL;
        t = mfn_to_virt(pte_mfn(e));
        pg = mfn_to_page(pte_mfn(e));
        if (pg->owner != v->domain->domain_id || pg->type != level || !pg->type_count)
            return NULL;
        if (level == 1)
            return &t[(va >> shift[1]) & 511];
        e = t[(va >> shift[level]) & 511];
    }
    return NULL;
}

static void flush_by_flags(unsigned long flags, unsigned long va)
{
    switch (flags & UVMF_FLUSHTYPE_MASK) {
    case UVMF_TLB_FLUSH:
        flush_tlb_local();
        break;
    case UVMF_INVLPG:
        invlpg(va);
        break;
    }
}

/* The same with another page owner: for now only our own domain id. */
long do_update_va_mapping_otherdomain(unsigned long va, unsigned long val,
                                      unsigned long flags, unsigned long domid,
                                      unsigned long a5)
{
    struct domain *d = current_vcpu()->domain;

    if (domid != DOMID_SELF && domid != d->domain_id)
        return d->is_privileged ? -XEN_ESRCH : -XEN_EPERM;
    return do_update_va_mapping(va, val, flags, 0, a5);
}

long do_update_va_mapping(unsigned long va, unsigned long val,
                          unsigned long flags, unsigned long a4, unsigned long a5)
{
    struct vcpu *v = current_vcpu();
    pte_t *slot;
    int rc;

    (void)a4, (void)a5;
    if ((flags & UVMF_FLUSHTYPE_MASK) == 3)
        return -XEN_EINVAL;
    slot = guest_l1_slot(v, va);
    if (!slot)
        return -XEN_EINVAL;
    rc = pv_mod_l1_entry(v->domain, slot, val);
    if (rc)
        return rc;
    flush_by_flags(flags, va);
    pv_flush_if_pending();
    return 0;
}

static int pin_table(struct domain *d, unsigned long mfn, unsigned int type)
{
    struct page_info *pg;
    int rc;

    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, d->domain_id))
        return -XEN_EINVAL;
    if (pg->flags & PGF_pinned) {
        put_page(pg);
        return -XEN_EINVAL;
    }
    rc = get_page_type(pg, type);
    if (rc) {
        put_page(pg);
        return -XEN_EINVAL;
    }
    pg->flags |= PGF_pinned;
    return 0;
}

static int unpin_table(struct domain *d, unsigned long mfn)
{
    struct page_info *pg;

    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    pg = mfn_to_page(mfn);
    if (pg->owner != d->domain_id || !(pg->flags & PGF_pinned))
        return -XEN_EINVAL;
    pg->flags &= ~PGF_pinned;
    put_page_and_type(pg);
    return 0;
}

/* Install mfn (0 = none, user root only) as a root, swapping references. */
static int new_baseptr(struct vcpu *v, unsigned long mfn, bool user)
{
    unsigned long *slot = user ? &v->guest_table_user : &v->guest_table;
    unsigned long old = *slot;

    if (mfn) {
        if (!mfn_valid(mfn) ||
            !get_page_and_type(mfn_to_page(mfn), v->domain->domain_id,
                               PGT_l4_page_table))
            return -XEN_EINVAL;
    } else if (!user) {
        return -XEN_EINVAL;
    }
    *slot = mfn;
    if (user == !v->kernel_mode)   /* the root in use changed */
        pv_load_cr3(v);
    if (old)
        put_page_and_type(mfn_to_page(old));
    return 0;
}

int pv_mmuext_one(struct vcpu *v, const mmuext_op_t *op)
{
    struct domain *d = v->domain;

    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pin_table(d, op->arg1.mfn, op->cmd - MMUEXT_PIN_L1_TABLE + PGT_l1_page_table);
    case MMUEXT_UNPIN_TABLE:
        return unpin_table(d, op->arg1.mfn);
    case MMUEXT_NEW_BASEPTR:
        return new_baseptr(v, op->arg1.mfn, false);
    case MMUEXT_NEW_USER_BASEPTR:
        return new_baseptr(v, op->arg1.mfn, true);
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
        flush_tlb_local();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        if (!is_canonical(op->arg1.linear_addr))
            return -XEN_EINVAL;
        invlpg(op->arg1.linear_addr);
        return 0;
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        return d->is_privileged ? 0 : -XEN_EACCES;
    case MMUEXT_SET_LDT:
        if ((op->arg1.linear_addr & (PAGE_SIZE - 1)) || op->arg2.nr_ents > 8192 ||
            !guest_range_ok(op->arg1.linear_addr, op->arg2.nr_ents * 8))
            return -XEN_EINVAL;
        v->ldt_base = op->arg1.linear_addr;
        v->ldt_ents = op->arg2.nr_ents;
        return 0;
    case MMUEXT_CLEAR_PAGE:
    case MMUEXT_COPY_PAGE: {
        struct page_info *dst = mfn_valid(op->arg1.mfn) ? mfn_to_page(op->arg1.mfn) : NULL;
        struct page_info *src = NULL;

        if (!dst || !get_page_and_type(dst, d->domain_id, PGT_writable_page))
            return -XEN_EINVAL;
        if (op->cmd == MMUEXT_COPY_PAGE) {
            src = mfn_valid(op->arg2.src_mfn) ? mfn_to_page(op->arg2.src_mfn) : NULL;
            if (!src || !get_page(src, d->domain_id)) {
                put_page_and_type(dst);
                return -XEN_EINVAL;
            }
            memcpy(mfn_to_virt(op->arg1.mfn), mfn_to_virt(op->arg2.src_mfn), PAGE_SIZE);
            put_page(src);
        } else {
            memset(mfn_to_virt(op->arg1.mfn), 0, PAGE_SIZE);
        }
        put_page_and_type(dst);
        return 0;
    }
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -XEN_EOPNOTSUPP;
    default:
        return -XEN_ENOSYS;
    }
}

long do_mmuext_op(unsigned long ops, unsigned long count, unsigned long pdone,
                  unsigned long foreigndom, unsigned long a5)
{
    struct vcpu *v = current_vcpu();
    unsigned int done = 0;
    long rc = 0;

    (void)a5;
    if (foreigndom != DOMID_SELF && foreigndom != v->domain->domain_id)
        return v->domain->is_privileged ? -XEN_ESRCH : -XEN_EPERM;
    count &= ~(1UL << 31);   /* MMU_UPDATE_PREEMPTED: continuation flag */
    for (; done < count; done++) {
        mmuext_op_t op;

        if (copy_from_guest(&op, ops + done * sizeof(op), sizeof(op))) {
            rc = -XEN_EFAULT;
            break;
        }
        rc = pv_mmuext_one(v, &op);
        if (rc)
            break;
    }
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
        return -XEN_EFAULT;
    return rc;
}

long arch_memory_op(unsigned int cmd, unsigned long arg)
{
    struct domain *d = current_vcpu()->domain;

    switch (cmd) {
    case XENMEM_maximum_ram_page:
        return (long)max_page;
    case XENMEM_machphys_mapping: {
        struct xen_machphys_mapping m = {
            .v_start = RO_MPT_VIRT_START,
            .v_end = RO_MPT_VIRT_END,
            .max_mfn = max_page - 1,
        };
        return copy_to_guest(arg, &m, sizeof(m));
    }
    case XENMEM_memory_map:
        /* As Xen: a PV domain has a pseudo-physical map only when its
         * toolstack set one (XENMEM_set_memory_map), dom0 included. */
        (void)d;
        return -XEN_ENOSYS;
    case XENMEM_machine_memory_map:
        if (!d->is_privileged)
            return -XEN_EPERM;
        return machine_memory_map(arg);
    default:
        return -XEN_ENOSYS;
    }
}

int arch_vcpu_register_info(struct vcpu *v, unsigned long mfn, unsigned int offset)
{
    struct page_info *pg;
    vcpu_info_t *new_info;

    if (v->vcpu_info_mfn)
        return -XEN_EINVAL;
    if (!mfn_valid(mfn))
        return -XEN_EINVAL;
    pg = mfn_to_page(mfn);
    if (!get_page_and_type(pg, v->domain->domain_id, PGT_writable_page))
        return -XEN_EINVAL;
    new_info = (vcpu_info_t *)((char *)mfn_to_virt(mfn) + offset);
    memcpy(new_info, v->vcpu_info, sizeof(*new_info));
    /* Make the guest rescan everything: nothing raised meanwhile is lost. */
    new_info->evtchn_pending_sel = ~0UL;
    new_info->evtchn_upcall_pending = 1;
    v->vcpu_info = new_info;
    v->vcpu_info_mfn = mfn;
    time_update_vcpu(v);
    return 0;
}
