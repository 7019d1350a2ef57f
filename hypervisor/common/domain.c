/* SPDX-License-Identifier: GPL-2.0-only */
/* Domain lifecycle: shutdown with a reason and code, crash. */
#include <xenia/console.h>
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
    arch_domain_shutdown(d);
}
