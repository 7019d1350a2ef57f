/* SPDX-License-Identifier: GPL-2.0-only */
/* xen_version and console_io. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>

/* We implement the interface of Xen 4.17. */
#define XENIA_MAJOR 4
#define XENIA_MINOR 17

static long version_copy_string(unsigned long arg, const char *s, size_t size)
{
    char buf[1024];

    memset(buf, 0, size);
    strlcpy(buf, s, size);
    return copy_to_guest(arg, buf, size);
}

static uint32_t features_submap(const struct domain *d, unsigned int idx)
{
    uint32_t map = 0;

    if (idx != 0)
        return 0;
    map |= 1u << XENFEAT_mmu_pt_update_preserve_ad;
    /*
     * How a grant mapping treats the PTE's available bits.  Every PV Linux
     * since 5.x refuses to boot without it; no grant can be mapped yet
     * (GNTTABOP_map_grant_ref is -ENOSYS), so nothing can break it.
     */
    map |= 1u << XENFEAT_gnttab_map_avail_bits;
    if (d->is_privileged)
        map |= 1u << XENFEAT_dom0;
    return map;
}

long do_xen_version(unsigned long cmd, unsigned long arg, unsigned long a3,
                    unsigned long a4, unsigned long a5)
{
    struct domain *d = current_vcpu()->domain;

    (void)a3, (void)a4, (void)a5;
    switch (cmd) {
    case XENVER_version:
        return (XENIA_MAJOR << 16) | XENIA_MINOR;
    case XENVER_extraversion:
        return version_copy_string(arg, ".0-xenia", sizeof(xen_extraversion_t));
    case XENVER_compile_info: {
        xen_compile_info_t info;

        memset(&info, 0, sizeof(info));
        strlcpy(info.compiler, "gcc " __VERSION__, sizeof(info.compiler));
        strlcpy(info.compile_by, "xenia", sizeof(info.compile_by));
        strlcpy(info.compile_domain, "xenia", sizeof(info.compile_domain));
        strlcpy(info.compile_date, __DATE__ " " __TIME__, sizeof(info.compile_date));
        return copy_to_guest(arg, &info, sizeof(info));
    }
    case XENVER_capabilities:
        return version_copy_string(arg, "xen-3.0-x86_64", sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return version_copy_string(arg, "xenia", sizeof(xen_changeset_info_t));
    case XENVER_platform_parameters: {
        xen_platform_parameters_t p = { .virt_start = HYPERVISOR_VIRT_START };

        return copy_to_guest(arg, &p, sizeof(p));
    }
    case XENVER_get_features: {
        xen_feature_info_t fi;

        if (copy_from_guest(&fi, arg, sizeof(fi)))
            return -XEN_EFAULT;
        if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
            return -XEN_EINVAL;
        fi.submap = features_submap(d, fi.submap_idx);
        return copy_to_guest(arg, &fi, sizeof(fi));
    }
    case XENVER_pagesize:
        return 4096;
    case XENVER_guest_handle: {
        xen_domain_handle_t h;

        memset(h, 0, sizeof(h));
        return copy_to_guest(arg, h, sizeof(h));
    }
    case XENVER_commandline:
        if (!d->is_privileged)
            return -XEN_EPERM;
        return version_copy_string(arg, hv_cmdline(), sizeof(xen_commandline_t));
    default:
        return -XEN_ENOSYS;
    }
}

long do_console_io(unsigned long cmd_arg, unsigned long count_arg, unsigned long buf,
                   unsigned long a4, unsigned long a5)
{
    struct domain *d = current_vcpu()->domain;
    /* Xen's prototype takes int cmd and int count: the upper halves of the
     * registers are not part of the request. */
    unsigned int cmd = (unsigned int)cmd_arg;
    unsigned long count = (unsigned int)count_arg;
    char chunk[128];

    (void)a4, (void)a5;
    switch (cmd) {
    case CONSOLEIO_write:
        if ((int)count < 0)
            return -XEN_EINVAL;
        for (unsigned int chunks = 0; count; chunks++) {
            size_t n = MIN(count, sizeof(chunk));

            if (chunks == HYPERCALL_CHUNK)
                return hypercall_continuation(cmd, count, buf, 0, 0);
            if (copy_from_guest(chunk, buf, n))
                return -XEN_EFAULT;
            console_guest_write(d->name, d->console_line, &d->console_len, chunk, n);
            buf += n;
            count -= n;
        }
        return 0;
    case CONSOLEIO_read: {
        size_t got = 0;

        if (!d->is_privileged)
            return -XEN_EPERM;
        if ((int)count < 0)
            return -XEN_EINVAL;
        arch_console_read_input(chunk, MIN(count, sizeof(chunk)), &got);
        if (copy_to_guest(buf, chunk, got))
            return -XEN_EFAULT;
        return (long)got;
    }
    default:
        return -XEN_ENOSYS;
    }
}
