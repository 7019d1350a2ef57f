/* SPDX-License-Identifier: GPL-2.0-only */
/* Domain lifecycle: shutdown with a reason and code, crash. */
#include <xenia/console.h>
#include <xenia/event.h>
#include <xenia/hypercall.h>

static const char *const shutdown_names[] = {
    [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
    [SHUTDOWN_suspend] = "suspend", [SHUTDOWN_crash] = "crash",
    [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
};

const char *shutdown_reason_name(unsigned int reason)
{
    return reason < ARRAY_SIZE(shutdown_names) ? shutdown_names[reason] : "unknown";
}

/* As Xen: the control domain hears of any other domain's shutdown. */
static void domain_notify_control(struct domain *d)
{
    struct domain *ctl = domain_by_id(0);

    if (ctl && ctl != d)
        evtchn_send_global_virq(ctl, VIRQ_DOM_EXC);
}

bool domain_is_dead(const struct domain *d)
{
    return d->state != DOMSTATE_RUNNING;
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    if (d->state != DOMSTATE_RUNNING)
        return;
    d->state = DOMSTATE_SHUTDOWN;
    d->shutdown_reason = reason;
    printk("%s shut down: %s, code %u", d->name, shutdown_reason_name(reason),
           d->shutdown_code == ~0u ? 0 : d->shutdown_code);
    domain_notify_control(d);
    arch_domain_shutdown(d);
}

/* Guest misbehaviour we cannot report: the domain dies, nothing else does. */
void domain_crash(struct domain *d, const char *why)
{
    if (d->state != DOMSTATE_RUNNING)
        return;
    log_err("%s crashed: %s", d->name, why);
    d->state = DOMSTATE_SHUTDOWN;
    d->shutdown_reason = SHUTDOWN_crash;
    domain_notify_control(d);
    arch_domain_shutdown(d);
}

/* Every live domain by id (a small table until the domain-control work). */
#define MAX_DOMAINS 64
static struct domain *domain_table[MAX_DOMAINS];

void domain_register(struct domain *d)
{
    unsigned int i;

    for (i = 0; i < MAX_DOMAINS; i++)
        if (!domain_table[i]) {
            domain_table[i] = d;
            return;
        }
    panic("too many domains");
}

void domain_unregister(struct domain *d)
{
    unsigned int i;

    for (i = 0; i < MAX_DOMAINS; i++)
        if (domain_table[i] == d)
            domain_table[i] = NULL;
}

struct domain *domain_by_id_any(domid_t id)
{
    unsigned int i;

    for (i = 0; i < MAX_DOMAINS; i++)
        if (domain_table[i] && domain_table[i]->domain_id == id)
            return domain_table[i];
    return NULL;
}

struct domain *domain_by_id(domid_t id)
{
    struct domain *d = domain_by_id_any(id);

    return d && d->state != DOMSTATE_DYING ? d : NULL;
}

struct domain *domain_iterate(unsigned int *i)
{
    while (*i < MAX_DOMAINS) {
        struct domain *d = domain_table[(*i)++];

        if (d && d->state != DOMSTATE_DYING)
            return d;
    }
    return NULL;
}
