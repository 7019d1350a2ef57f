/* SPDX-License-Identifier: GPL-2.0-only */
/* printk, log levels, a history ring for readconsole, guest console lines. */
#include <xenia/console.h>

static int loglvl = LOG_INFO;

#define HISTORY_SIZE 16384
static char history[HISTORY_SIZE];
static uint32_t history_prod;

static const char *const lvl_names[] = {
    [LOG_NONE] = "none", [LOG_ERR] = "error", [LOG_WARN] = "warning",
    [LOG_INFO] = "info", [LOG_DEBUG] = "debug", [LOG_ALL] = "all",
};

int console_parse_loglvl(const char *s)
{
    unsigned int i;

    for (i = 0; i < ARRAY_SIZE(lvl_names); i++)
        if (!strcmp(s, lvl_names[i]))
            return (int)i;
    return -1;
}

void console_set_loglvl(int lvl)
{
    loglvl = lvl;
}

int console_loglvl(void)
{
    return loglvl;
}

static void console_emit(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        history[history_prod++ % HISTORY_SIZE] = s[i];
    arch_console_write(s, n);
}

size_t console_read_history(char *buf, size_t len, uint32_t *idx)
{
    size_t n = 0;
    uint32_t start = *idx;

    if (history_prod - start > HISTORY_SIZE)
        start = history_prod - HISTORY_SIZE;
    while (n < len && start != history_prod)
        buf[n++] = history[start++ % HISTORY_SIZE];
    *idx = start;
    return n;
}

static void vprintk_prefixed(const char *prefix, const char *fmt, va_list ap)
{
    char buf[512];
    int n;

    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n >= (int)sizeof(buf))
        n = sizeof(buf) - 1;
    console_emit(prefix, strlen(prefix));
    console_emit(buf, n);
    if (n == 0 || buf[n - 1] != '\n')
        console_emit("\n", 1);
}

void printk_lvl(int lvl, const char *fmt, ...)
{
    va_list ap;

    if (lvl > loglvl)
        return;
    va_start(ap, fmt);
    vprintk_prefixed("(XEN) ", fmt, ap);
    va_end(ap);
}

void console_guest_write(const char *name, char *linebuf, size_t *linelen,
                         const char *data, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        char c = data[i];
        bool flush = c == '\n' || *linelen == 255;

        if (c != '\n' && c != '\r')
            linebuf[(*linelen)++] = (c >= 0x20 && c < 0x7f) || c == '\t' ? c : '?';
        if (flush) {
            console_emit("(", 1);
            console_emit(name, strlen(name));
            console_emit(") ", 2);
            console_emit(linebuf, *linelen);
            console_emit("\n", 1);
            *linelen = 0;
        }
    }
}
