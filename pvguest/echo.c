/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: the "echo" role: print one line of console input back, for the input path's test. */
#include "pvguest.h"
#include "hypercall.h"
#include <xen/io/console.h>

/* Next input byte, or -1: dom0 asks CONSOLEIO_read, a domU its ring. */
static int console_getc(void)
{
    if (pvg_si->flags & SIF_INITDOMAIN) {
        char c;

        return HYPERVISOR_console_io(CONSOLEIO_read, 1, &c) == 1 ? (unsigned char)c : -1;
    } else {
        struct xencons_interface *r = mfn_to_virt(pvg_si->console.domU.mfn);
        XENCONS_RING_IDX cons = r->in_cons;
        int c;

        if (cons == __atomic_load_n(&r->in_prod, __ATOMIC_ACQUIRE))
            return -1;
        c = (unsigned char)r->in[cons & (sizeof(r->in) - 1)];
        __atomic_store_n(&r->in_cons, cons + 1, __ATOMIC_RELEASE);
        return c;
    }
}

/* "echo": wait (yielding) for a line of input, print it, power off. */
int echo_main(void)
{
    char line[80];
    unsigned int n = 0;
    unsigned long spins = 0;

    printf("echo: waiting for a line of input\n");
    while (n + 1 < sizeof(line)) {
        int c = console_getc();

        if (c < 0) {
            if (++spins > 50000000UL)
                return 1;
            HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
            continue;
        }
        if (c == '\r' || c == '\n')
            break;
        line[n++] = (char)c;
    }
    line[n] = '\0';
    printf("echo: got '%s'\n", line);
    return 0;
}
