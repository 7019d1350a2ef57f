/* SPDX-License-Identifier: GPL-2.0-only */
/* Domain lifecycle on x86: create a PV domain's structures, and destroy it all again. */
#include <xenia/console.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <asm/desc.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/setup.h>

/*
 * A domain's hypervisor-side state lives in frames owned by DOMID_XEN:
 * struct domain, one struct vcpu per vCPU, the event-channel table and the
 * I/O-port bitmap; shared_info is a frame owned by the domain itself (the
 * guest maps it).  domain_destroy_step() gives every one of them back, and with
 * them the domain's memory, so that create/destroy cycles lose nothing.
 */

static void *xen_pages_alloc(unsigned long n)
{
    struct page_info *pg = alloc_pages_contig(n, DOMID_XEN, NULL);
    void *p;

    if (!pg)
        return NULL;
    p = mfn_to_virt(page_to_mfn(pg));
    memset(p, 0, n << PAGE_SHIFT);
    return p;
}

static void xen_pages_free(void *p, unsigned long n)
{
    unsigned long mfn = virt_to_mfn(p), i;

    for (i = 0; i < n; i++)
        free_page(mfn_to_page(mfn + i), NULL);
}

#define PAGES_OF(type) (ROUNDUP(sizeof(type), PAGE_SIZE) >> PAGE_SHIFT)

/* The ports no domain may touch: the PICs, the PIT, COM1, QEMU's exit. */
static const struct { unsigned int first, last; } hv_ports[] = {
    { 0x20, 0x21 }, { 0xa0, 0xa1 }, { 0x40, 0x43 },
    { 0x3f8, 0x3ff }, { DEBUG_EXIT_PORT, DEBUG_EXIT_PORT },
};

bool arch_ioport_grantable(unsigned int port)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(hv_ports); i++)
        if (port >= hv_ports[i].first && port <= hv_ports[i].last)
            return false;
    return port <= 0xffff;
}

static void ioports_init(struct domain *d)
{
    unsigned int p;

    memset(d->ioport_caps, 0, 8192);
    if (d->is_privileged)
        for (p = 0; p <= 0xffff; p++)
            if (arch_ioport_grantable(p))
                d->ioport_caps[p / 8] |= 1u << (p % 8);
}

void *arch_alloc_domain_xenheap_page(struct domain *d)
{
    struct page_info *pg = alloc_page(d->domain_id, NULL);

    if (!pg)
        return NULL;
    pg->flags |= PGF_xenheap;
    return mfn_to_virt(page_to_mfn(pg));
}

void arch_free_domain_xenheap_page(void *p)
{
    struct page_info *pg = mfn_to_page(virt_to_mfn(p));

    if (pg->count > 1)
        pg->owner = DOMID_XEN;   /* still mapped somewhere: no domain's now */
    put_page(pg);
}

unsigned long arch_virt_to_mfn(const void *p)
{
    return virt_to_mfn(p);
}

void *arch_mfn_to_virt(unsigned long mfn)
{
    return mfn_to_virt(mfn);
}

static int shared_info_init(struct domain *d)
{
    struct page_info *pg = alloc_page(d->domain_id, NULL);
    unsigned int i;

    if (!pg)
        return -XEN_ENOMEM;
    pg->flags |= PGF_xenheap;
    d->shared_info_mfn = page_to_mfn(pg);
    d->shared_info = mfn_to_virt(d->shared_info_mfn);
    memset(d->shared_info, 0, PAGE_SIZE);
    for (i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
    return 0;
}

static struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
    struct vcpu *v = xen_pages_alloc(PAGES_OF(struct vcpu));

    if (!v)
        return NULL;
    v->domain = d;
    v->vcpu_id = id;
    v->vcpu_info = &d->shared_info->vcpu_info[id];
    v->user_regs.cs = GUEST_CS64;
    v->user_regs.ss = GUEST_DS;
    v->user_regs.rflags = X86_EFLAGS_IF | X86_EFLAGS_MBS;
    v->kernel_mode = true;
    v->debugreg[6] = 0xffff0ff0;
    v->debugreg[7] = 0x400;
    v->ctrlreg[4] = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
    vcpu_timers_init(v);
    arch_vcpu_fpu_init(v);
    sched_vcpu_init(v, arch_now_ns());
    d->vcpu[id] = v;
    return v;
}

/*
 * A new domain with max_vcpus vCPUs (offline until given a context), no
 * memory (max_pages 0) and its own shared_info and event channels.
 * Returns NULL with *rc set (-ENOMEM, -EINVAL) on failure, having freed
 * whatever it had allocated.
 */
struct domain *domain_create(domid_t id, const char *name, bool priv,
                             unsigned int max_vcpus, int *rc)
{
    struct domain *d;
    unsigned int i;

    *rc = -XEN_EINVAL;
    if (!max_vcpus || max_vcpus > MAX_VIRT_CPUS)
        return NULL;
    *rc = -XEN_ENOMEM;
    d = xen_pages_alloc(PAGES_OF(struct domain));
    if (!d)
        return NULL;
    d->domain_id = id;
    strlcpy(d->name, name, sizeof(d->name));
    d->is_privileged = priv;
    d->shutdown_code = ~0u;
    d->max_vcpus = max_vcpus;
    d->page_list.head = FRAME_NONE;
    d->evtchn = xen_pages_alloc(PAGES_OF(struct evtchn_table));
    d->ioport_caps = xen_pages_alloc(2);
    if (!d->evtchn || !d->ioport_caps || shared_info_init(d) || gnttab_init(d))
        goto fail;
    evtchn_init(d);
    ioports_init(d);
    sched_domain_init(d);
    for (i = 0; i < max_vcpus; i++)
        if (!vcpu_create(d, i))
            goto fail;
    domain_register(d);
    *rc = 0;
    return d;

fail:
    domain_free_structures(d);
    return NULL;
}

/* Give back the hypervisor-side structures (the domain is unregistered). */
void domain_free_structures(struct domain *d)
{
    unsigned int i;

    for (i = 0; i < MAX_VIRT_CPUS; i++)
        if (d->vcpu[i])
            xen_pages_free(d->vcpu[i], PAGES_OF(struct vcpu));
    if (d->shared_info)
        arch_free_domain_xenheap_page(d->shared_info);
    gnttab_release(d);
    if (d->ioport_caps)
        xen_pages_free(d->ioport_caps, 2);
    if (d->evtchn)
        xen_pages_free(d->evtchn, PAGES_OF(struct evtchn_table));
    xen_pages_free(d, PAGES_OF(struct domain));
}

/* Drop what a vCPU holds: its page-table roots, GDT frames, vcpu_info. */
static void vcpu_relinquish(struct vcpu *v)
{
    unsigned int i;

    if (v->guest_table)
        put_page_and_type(mfn_to_page(v->guest_table));
    if (v->guest_table_user)
        put_page_and_type(mfn_to_page(v->guest_table_user));
    v->guest_table = v->guest_table_user = 0;
    for (i = 0; i < (v->gdt_ents + 511) / 512; i++)
        put_page_and_type(mfn_to_page(v->gdt_frames[i]));
    v->gdt_ents = 0;
    if (v->vcpu_info_mfn)
        put_page_and_type(mfn_to_page(v->vcpu_info_mfn));
    v->vcpu_info_mfn = 0;
    v->vcpu_info = &v->domain->shared_info->vcpu_info[v->vcpu_id];
}

/*
 * Destroy a domain that is not running on this CPU, in steps of at most
 * `budget` frames.  The first step marks it dying (lookups and timers skip
 * it, its vCPUs never run again), closes its event channels (peers see
 * them unbound) and drops what its vCPUs hold; then its pinned tables are
 * unpinned and its frames freed, `budget` at a time.  Returns true while
 * work is left (call again); on the last step the domain and its
 * structures are gone and *stuck (if given) is the number of its frames
 * that could not be freed because something still references them.
 */
bool domain_destroy_step(struct domain *d, unsigned long budget, unsigned long *stuck)
{
    unsigned int i;

    if (d->state != DOMSTATE_DYING) {
        d->state = DOMSTATE_DYING;
        evtchn_reset(d);
        for (i = 0; i < d->max_vcpus; i++)
            if (d->vcpu[i])
                vcpu_relinquish(d->vcpu[i]);
        d->destroy_next = d->page_list.head;
        d->destroy_stuck = 0;
    }
    /* Unpinning releases whole page-table trees; no frame leaves the list. */
    while (d->destroy_next != FRAME_NONE) {
        struct page_info *pg = mfn_to_page(d->destroy_next);

        if (!budget--)
            return true;
        d->destroy_next = pg->next;
        if (pg->flags & PGF_pinned) {
            pg->flags &= ~PGF_pinned;
            put_page_and_type(pg);
        }
    }
    while (d->page_list.head != FRAME_NONE) {
        struct page_info *pg = mfn_to_page(d->page_list.head);

        if (!budget--)
            return true;
        machine_to_phys[page_to_mfn(pg)] = ~0UL;
        if (pg->count > 1 || pg->type_count) {
            /* Still mapped elsewhere: freed with its last reference, and
             * owned by no domain meanwhile (ids are reused). */
            d->destroy_stuck++;
            pg->owner = DOMID_XEN;
        }
        free_page(pg, &d->page_list);
    }
    if (d->destroy_stuck)
        log_warn("%s: %lu frames still referenced at destruction", d->name,
                 d->destroy_stuck);
    if (stuck)
        *stuck = d->destroy_stuck;
    domain_unregister(d);
    domain_free_structures(d);
    return false;
}
