/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the portable kernel's start: memory, address spaces, the scheduler, then the role. */
#include "kern.h"
#include "arch.h"
#include "pvpatch.h"

/*
 * Both entry paths end here once their platform is up: the native one
 * (native.c, after multiboot) and the Xen one (main.c, after the PV
 * boot).  From here on the kernel knows the machine only through pv.
 */
void __noreturn kernel_start(const struct boot_params *bp)
{
    char role[16];
    int rc;

    pvg_cmdline = bp->cmdline;
    cmdline_role(role, sizeof(role));
    /* Before any patchable site runs; "nopvpatch" keeps the indirect calls. */
    if (!cmdline_has("nopvpatch"))
        pvpatch_apply();
    if (kmem_init(bp))
        pvg_panic("kmem_init: frames %#lx..%#lx, %#lx mapped", bp->first_free_pfn,
                  bp->nr_pages, bp->mapped_pfns);
    kpt_init(bp->root);
    if (sched_init())
        pvg_panic("sched_init: out of frames");
    printf("pvguest: kernel up on %s: %lu MiB, %lu frames free, %u pv-op "
           "sites patched (%u inline)\n", pv->name, kmem_nr_pages >> 8,
           frames_free(), pvpatch_sites, pvpatch_inlined);
    if (!strcmp(role, "test")) {
        rc = ktests_main();
    } else if (!strcmp(role, "bench")) {
        rc = kbench_main();
    } else {
        printf("pvguest: unknown role '%s' for the %s kernel (want test or "
               "bench)\n", role, pv->name);
        rc = 1;
    }
    pvg_shutdown(rc);
}
