/* SPDX-License-Identifier: GPL-2.0-only */
/* The PV MMU: validating guest page tables, mmuext_op, update_va_mapping. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <xenia/pgtable.h>
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
 * The flag rules (common/pgtable.c, unit-tested) come first; then the
 * frame: it must be RAM owned by the domain (MMIO only for a privileged
 * domain, never the APICs), and a writable mapping needs the frame's
 * writable type (-EBUSY for a live table or descriptor page).  Same-level
 * ("linear") references are accepted only read-only.  L4 slots 256-271 are
 * the hypervisor's and are rewritten on every validation.
 */

extern pte_t boot_l4[PT_ENTRIES];

bool is_hv_l4_slot(unsigned int i)
{
    return pgt_l4_slot_is_xen(i);
}

static struct domain *page_owner_domain(struct page_info *pg)
{
    return domain_by_id(pg->owner);
}

/*
 * Frames outside RAM (MMIO): only a privileged domain or one granted the
 * range (iomem_permission) may map them, never
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
    unsigned int i;
    bool granted = d->is_privileged;

    for (i = 0; i < d->nr_iomem && !granted; i++)
        granted = mfn >= d->iomem[i].first && mfn < d->iomem[i].end;
    return granted && mfn < (1UL << (phys_bits - PAGE_SHIFT)) &&
           mfn != 0xfee00 && mfn != 0xfec00;
}

/* I/O memory: non-RAM frames and frames owned by DOMID_IO. */
static bool is_io_frame(unsigned long mfn)
{
    return !mfn_valid(mfn) || mfn_to_page(mfn)->owner == DOMID_IO;
}

/*
 * Xen's adjustments (common/pgtable.c), plus: I/O memory mapped without
 * cache attributes is made uncacheable (PCD|PWT), as Xen does.
 */
pte_t pv_adjust_l1e(pte_t e)
{
    e = pgt_adjust_l1e(e);
    if ((e & _PAGE_PRESENT) && is_io_frame(pte_mfn(e)) &&
        !(e & (_PAGE_PCD | _PAGE_PWT | _PAGE_PAT)))
        e |= _PAGE_PCD | _PAGE_PWT;
    return e;
}

/*
 * Take the references a present L1 entry needs.  d owns the table (its
 * privileges decide cache attributes and I/O memory), pg_owner must own
 * the frame: d itself, or another domain when the control domain maps a
 * foreign frame (mmu_update's foreigndom).
 */
int get_page_from_l1e(pte_t e, struct domain *d, struct domain *pg_owner)
{
    unsigned long mfn = pte_mfn(e);
    struct page_info *pg;

    int rc = pgt_check_l1e(e, d->is_privileged);

    if (rc || !(e & _PAGE_PRESENT))
        return rc;
    if (is_io_frame(mfn))
        return mmio_permitted(d, mfn) ? 0 : -XEN_EPERM;
    pg = mfn_to_page(mfn);
    if (!get_page(pg, pg_owner->domain_id))
        return -XEN_EBUSY;   /* as Xen: another owner's (or no one's) frame */
    if ((e & _PAGE_RW) && get_page_type(pg, PGT_writable_page)) {
        put_page(pg);
        return -XEN_EBUSY;   /* a table or descriptor page: no writable mapping */
    }
    return 0;
}

void put_page_from_l1e(pte_t e)
{
    unsigned long mfn = pte_mfn(e);

    if (!(e & _PAGE_PRESENT) || is_io_frame(mfn))
        return;
    page_mark_tlb_stale(mfn_to_page(mfn));
    if (e & _PAGE_RW)
        put_page_and_type(mfn_to_page(mfn));
    else
        put_page(mfn_to_page(mfn));
}

/*
 * An entry of an Ln table (n >= 2): it must point at a frame of ours that
 * validates as L(n-1) (the lower table's error is passed up), or -- read
 * only -- be a linear (same-level) reference; a table mapping itself takes
 * no reference at all (as in Xen), so it can never keep itself alive.
 */
int get_page_from_lne(pte_t e, unsigned int level, struct domain *d,
                      unsigned long self_mfn)
{
    struct page_info *pg;
    int rc = pgt_check_lne(e, level);

    if (rc || !(e & _PAGE_PRESENT))
        return rc;
    if (!mfn_valid(pte_mfn(e)))
        return -XEN_EINVAL;
    if (pte_mfn(e) == self_mfn)
        return (e & _PAGE_RW) ? -XEN_EINVAL : 0;
    pg = mfn_to_page(pte_mfn(e));
    if (!get_page(pg, d->domain_id))
        return -XEN_EINVAL;
    rc = get_page_type(pg, level - 1);
    if (rc == 0)
        return 0;
    /* Linear page table: read-only, same level, already validated. */
    if (!(e & _PAGE_RW) && pg->type == level && pg->type_count &&
        get_page_type(pg, level) == 0)
        return 0;
    put_page(pg);
    return rc;
}

void put_page_from_lne(pte_t e, unsigned long self_mfn)
{
    if ((e & _PAGE_PRESENT) && pte_mfn(e) != self_mfn)
        put_page_and_type(mfn_to_page(pte_mfn(e)));
}

/* Drop the references entries [0, n) of page table t (at mfn) hold. */
static void pt_put_entries(const pte_t *t, unsigned int type, unsigned long mfn,
                           unsigned int n)
{
    unsigned int i;

    for (i = 0; i < n; i++) {
        if (type == PGT_l4_page_table && is_hv_l4_slot(i))
            continue;
        if (type == PGT_l1_page_table)
            put_page_from_l1e(t[i]);
        else
            put_page_from_lne(t[i], mfn);
    }
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
            rc = get_page_from_l1e(t[i], d, d);
            if (!rc)
                t[i] = pv_adjust_l1e(t[i]);
        } else {
            rc = get_page_from_lne(t[i], type, d, mfn);
            if (!rc)
                t[i] = pgt_adjust_lne(t[i]);
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
    pt_put_entries(t, type, mfn, i);
    return rc;
}

static void pt_devalidate(struct page_info *pg, unsigned int type, void *ctx)
{
    unsigned long mfn = page_to_mfn(pg);
    pte_t *t = mfn_to_virt(mfn);

    (void)ctx;
    if (type == PGT_seg_desc_page)
        return;
    pt_put_entries(t, type, mfn, PT_ENTRIES);
}

bool pv_flush_pending;

void arch_flush_tlb_all(void)
{
    flush_tlb_local();   /* one CPU */
}

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
int pv_mod_l1_entry(struct domain *d, pte_t *slot, pte_t nl1e, struct domain *pg_owner)
{
    pte_t ol1e = *slot;
    int rc;

    nl1e = pv_adjust_l1e(nl1e);
    rc = get_page_from_l1e(nl1e, d, pg_owner);
    if (rc)
        return rc;
    *slot = nl1e;
    /* No flush here: the old frame is marked stale (page_alloc.c) and is
     * flushed for only if it becomes a table or is reused; the guest
     * flushes its own view as the ABI asks it to. */
    put_page_from_l1e(ol1e);
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

/*
 * The flush an update_va_mapping asks for: type in bits 0-1, and in the
 * rest UVMF_LOCAL, UVMF_ALL, or a pointer to a vCPU bitmap (UVMF_MULTI),
 * which must be readable (-EFAULT; the entry is already written, as Xen).
 */
static long flush_by_flags(unsigned long flags, unsigned long va)
{
    unsigned long scope = flags & ~(unsigned long)UVMF_FLUSHTYPE_MASK, mask;

    if (!(flags & UVMF_FLUSHTYPE_MASK) || (flags & UVMF_FLUSHTYPE_MASK) == 3)
        return 0;
    if (scope != UVMF_LOCAL && scope != UVMF_ALL &&
        copy_from_guest(&mask, scope, sizeof(mask)))
        return -XEN_EFAULT;
    if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH)
        flush_tlb_local();
    else
        invlpg(va);
    return 0;
}

static long update_va_mapping(unsigned long va, unsigned long val, unsigned long flags,
                              struct domain *pg_owner)
{
    struct vcpu *v = current_vcpu();
    pte_t *slot;
    int rc;

    slot = guest_l1_slot(v, va);
    if (!slot)
        return -XEN_EINVAL;
    rc = pv_mod_l1_entry(v->domain, slot, val, pg_owner);
    if (rc)
        return rc;
    rc = flush_by_flags(flags, va);
    pv_flush_if_pending();
    return rc;
}

long do_update_va_mapping(unsigned long va, unsigned long val,
                          unsigned long flags, unsigned long a4, unsigned long a5)
{
    (void)a4, (void)a5;
    return update_va_mapping(va, val, flags, current_vcpu()->domain);
}

/*
 * The frame mapped belongs to domid (the control domain mapping another
 * domain's memory).  As Xen, naming ourselves explicitly is -ESRCH.
 */
long do_update_va_mapping_otherdomain(unsigned long va, unsigned long val,
                                      unsigned long flags, unsigned long domid,
                                      unsigned long a5)
{
    struct domain *d = current_vcpu()->domain, *owner;

    (void)a5;
    if (domid == DOMID_SELF)
        return update_va_mapping(va, val, flags, d);
    if (!d->is_privileged)
        return domid == d->domain_id ? -XEN_ESRCH : -XEN_EPERM;
    owner = domain_by_id((domid_t)domid);
    if (!owner || owner == d)
        return -XEN_ESRCH;
    return update_va_mapping(va, val, flags, owner);
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
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_INVLPG_MULTI: {
        unsigned long mask;

        /* One CPU: the vCPU mask only has to be readable. */
        if (copy_from_guest(&mask, (unsigned long)op->arg2.vcpumask.p, sizeof(mask)))
            return -XEN_EINVAL;
        if (op->cmd == MMUEXT_TLB_FLUSH_MULTI) {
            flush_tlb_local();
            return 0;
        }
        if (!is_canonical(op->arg1.linear_addr))
            return -XEN_EINVAL;
        invlpg(op->arg1.linear_addr);
        return 0;
    }
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_ALL:
        flush_tlb_local();
        return 0;
    case MMUEXT_INVLPG_LOCAL:
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
    unsigned int done = 0, before;
    long rc = 0;

    (void)a5;
    /* As Xen, naming ourselves explicitly is refused (-ESRCH). */
    if (foreigndom != DOMID_SELF)
        return v->domain->is_privileged || foreigndom == v->domain->domain_id
                   ? -XEN_ESRCH : -XEN_EPERM;
    before = pv_batch_resume(&count, pdone);
    for (; done < count; done++) {
        mmuext_op_t op;

        if (done == HYPERCALL_CHUNK)
            return pv_batch_continue(ops, sizeof(op), done, count, pdone,
                                     foreigndom, before);
        if (copy_from_guest(&op, ops + done * sizeof(op), sizeof(op))) {
            rc = -XEN_EFAULT;
            break;
        }
        rc = pv_mmuext_one(v, &op);
        if (rc)
            break;
    }
    return pv_batch_finish(rc, done, before, pdone);
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
    case XENMEM_exchange:
        return pv_memory_exchange(arg);
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
