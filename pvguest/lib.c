/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: printf onto the platform's console, and the command line (strings and vsnprintf are the hypervisor's, see pvguest.mk). */
#include "pvguest.h"
#include "pvops.h"
#include "hypercall.h"

/* dom0 writes to Xen's console (CONSOLEIO_write), a domU to its ring. */
int printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    pv->console_write(buf, n);
    return n;
}

/* The command line, whichever entry path found it. */
const char *pvg_cmdline = "";

/* Is `word` one of the command line's space-separated words? */
int cmdline_has(const char *word)
{
    const char *p = pvg_cmdline;
    size_t n = strlen(word);

    while (*p) {
        while (*p == ' ')
            p++;
        if (!strncmp(p, word, n) && (p[n] == ' ' || p[n] == '\0'))
            return 1;
        while (*p && *p != ' ')
            p++;
    }
    return 0;
}

/* First word of the command line (the role), NUL-terminated into buf. */
void cmdline_role(char *buf, size_t size)
{
    const char *p = pvg_cmdline;
    size_t n = 0;

    while (*p == ' ')
        p++;
    while (p[n] && p[n] != ' ' && n + 1 < size) {
        buf[n] = p[n];
        n++;
    }
    buf[n] = '\0';
}
