/* SPDX-License-Identifier: GPL-2.0-only */
/* Grant tables v1: table setup and size, version, and grant copy. */
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <xen/grant_table.h>

/*
 * Each domain owns its grant table: frames it maps itself (setup_table
 * hands out their frame numbers) holding grant_entry_v1_t entries it
 * writes: flags, the grantee's domid, the granted frame.  Xenia implements
 * version 1: query_size, setup_table (growing up to GNTTAB_MAX_FRAMES),
 * set/get_version and GNTTABOP_copy (each side a grant reference of
 * another domain or a frame of the caller).  Mapping grants
 * (map/unmap_grant_ref) is not implemented yet (-ENOSYS), nor transfer.
 * Per-operation results go into each op's status (GNTST_*), as in Xen.
 */
#define GNTTAB_MAX_FRAMES  GNTTAB_MAX_FRAMES_PER_DOMAIN
#define ENTRIES_PER_FRAME  (XEN_PAGE_SIZE / sizeof(grant_entry_v1_t))

/* Grant-table frames are the domain's own (it maps them), outside tot_pages. */
static int gnttab_grow(struct domain *d, unsigned int nr)
{
    while (d->nr_grant_frames < nr) {
        void *p = arch_alloc_domain_xenheap_page(d);

        if (!p)
            return -XEN_ENOMEM;
        memset(p, 0, XEN_PAGE_SIZE);
        d->grant_frames[d->nr_grant_frames++] = p;
    }
    return 0;
}

/* A new domain starts with one frame, as in Xen. */
int gnttab_init(struct domain *d)
{
    return gnttab_grow(d, 1);
}

void gnttab_release(struct domain *d)
{
    while (d->nr_grant_frames)
        arch_free_domain_xenheap_page(d->grant_frames[--d->nr_grant_frames]);
}

static grant_entry_v1_t *gnttab_entry(struct domain *d, grant_ref_t ref)
{
    if (ref >= d->nr_grant_frames * ENTRIES_PER_FRAME)
        return NULL;
    return (grant_entry_v1_t *)d->grant_frames[ref / ENTRIES_PER_FRAME] +
           ref % ENTRIES_PER_FRAME;
}

/* The domain an op names: self, or any for the control domain. */
static struct domain *gnttab_domain(struct domain *self, domid_t id)
{
    if (id == DOMID_SELF || id == self->domain_id)
        return self;
    return self->is_privileged ? domain_by_id(id) : NULL;
}

static int16_t op_query_size(struct domain *self, struct gnttab_query_size *q)
{
    struct domain *d = gnttab_domain(self, q->dom);

    if (!d)
        return GNTST_bad_domain;
    q->nr_frames = d->nr_grant_frames;
    q->max_nr_frames = GNTTAB_MAX_FRAMES;
    return GNTST_okay;
}

static int16_t op_setup_table(struct domain *self, struct gnttab_setup_table *st)
{
    struct domain *d = gnttab_domain(self, st->dom);
    unsigned int i;

    if (!d)
        return GNTST_bad_domain;
    if (st->nr_frames > GNTTAB_MAX_FRAMES || gnttab_grow(d, st->nr_frames))
        return GNTST_general_error;
    for (i = 0; i < st->nr_frames; i++) {
        xen_pfn_t mfn = arch_virt_to_mfn(d->grant_frames[i]);

        if (copy_to_guest((unsigned long)st->frame_list.p + i * sizeof(mfn), &mfn, sizeof(mfn)))
            return GNTST_bad_virt_addr;
    }
    return GNTST_okay;
}

/*
 * One side of a copy: a grant reference of ptr->domid (the grant must name
 * the caller, and not be read-only for a destination), or a frame of the
 * caller's own.  Returns the hypervisor address of the byte range or NULL
 * with *st set.
 */
static uint8_t *copy_side(struct domain *self, const struct gnttab_copy_ptr *p,
                          bool is_gref, bool dest, uint16_t len, int16_t *st)
{
    unsigned long mfn;

    if ((unsigned int)p->offset + len > XEN_PAGE_SIZE) {
        *st = GNTST_bad_copy_arg;
        return NULL;
    }
    if (is_gref) {
        struct domain *granter = p->domid == DOMID_SELF ? self : domain_by_id(p->domid);
        grant_entry_v1_t *e = granter ? gnttab_entry(granter, p->u.ref) : NULL;
        uint16_t flags;

        if (!granter) {
            *st = GNTST_bad_domain;
            return NULL;
        }
        if (!e) {
            *st = GNTST_bad_gntref;
            return NULL;
        }
        flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
        if ((flags & GTF_type_mask) != GTF_permit_access ||
            e->domid != self->domain_id ||
            (dest && (flags & GTF_readonly))) {
            *st = GNTST_permission_denied;
            return NULL;
        }
        mfn = e->frame;
        if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != granter->domain_id) {
            *st = GNTST_bad_page;
            return NULL;
        }
    } else {
        if (p->domid != DOMID_SELF && p->domid != self->domain_id) {
            *st = GNTST_permission_denied;
            return NULL;
        }
        mfn = p->u.gmfn;
        if (!mfn_valid(mfn) || mfn_to_page(mfn)->owner != self->domain_id) {
            *st = GNTST_bad_page;
            return NULL;
        }
    }
    return (uint8_t *)arch_mfn_to_virt(mfn) + p->offset;
}

static int16_t op_copy(struct domain *self, struct gnttab_copy *c)
{
    int16_t st = GNTST_okay;
    uint8_t *src, *dst;

    src = copy_side(self, &c->source, c->flags & GNTCOPY_source_gref, false, c->len, &st);
    if (!src)
        return st;
    dst = copy_side(self, &c->dest, c->flags & GNTCOPY_dest_gref, true, c->len, &st);
    if (!dst)
        return st;
    memmove(dst, src, c->len);
    return GNTST_okay;
}

/*
 * Ops with a status field: run count of them, each copied in and back.
 * Past HYPERCALL_CHUNK the rest continues as the same call further on, as
 * Xen's does (uop advanced, count reduced).
 */
#define GNTTAB_OP(type, fn)                                                    \
    do {                                                                       \
        for (i = 0; i < count; i++) {                                          \
            type op;                                                           \
            unsigned long a = uop + i * sizeof(op);                            \
                                                                               \
            if (i == HYPERCALL_CHUNK)                                          \
                return hypercall_continuation(cmd, a, count - i, 0, 0);        \
            if (copy_from_guest(&op, a, sizeof(op)))                           \
                return -XEN_EFAULT;                                            \
            op.status = fn(d, &op);                                            \
            if (copy_to_guest(a, &op, sizeof(op)))                             \
                return -XEN_EFAULT;                                            \
        }                                                                      \
        return 0;                                                              \
    } while (0)

long do_grant_table_op(unsigned long cmd, unsigned long uop, unsigned long count,
                       unsigned long a4, unsigned long a5)
{
    struct domain *d = current_vcpu()->domain;
    struct gnttab_set_version sv;
    unsigned long i;

    (void)a4, (void)a5;
    count = (unsigned int)count;        /* Xen's count is an unsigned int */
    if ((int)count < 0)
        return -XEN_EINVAL;
    switch (cmd) {
    case GNTTABOP_query_size:
        GNTTAB_OP(struct gnttab_query_size, op_query_size);
    case GNTTABOP_setup_table:
        GNTTAB_OP(struct gnttab_setup_table, op_setup_table);
    case GNTTABOP_copy:
        GNTTAB_OP(struct gnttab_copy, op_copy);
    case GNTTABOP_set_version:
        if (copy_from_guest(&sv, uop, sizeof(sv)))
            return -XEN_EFAULT;
        if (sv.version != 1) {
            sv.version = 1;
            (void)copy_to_guest(uop, &sv, sizeof(sv));
            return -XEN_EOPNOTSUPP;   /* version 2 is not implemented */
        }
        return 0;
    case GNTTABOP_get_version: {
        struct gnttab_get_version gv;

        if (copy_from_guest(&gv, uop, sizeof(gv)))
            return -XEN_EFAULT;
        if (!gnttab_domain(d, gv.dom))
            return -XEN_ESRCH;
        gv.version = 1;
        return copy_to_guest(uop, &gv, sizeof(gv));
    }
    default:
        return -XEN_ENOSYS;
    }
}
