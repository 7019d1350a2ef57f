/* SPDX-License-Identifier: GPL-2.0-only */
/* pvguest: string helpers and a small printf over HYPERVISOR_console_io. */
#include "pvguest.h"
#include "pvops.h"
#include "hypercall.h"

void *memset(void *s, int c, size_t n)
{
    unsigned char *p = s;

    while (n--)
        *p++ = (unsigned char)c;
    return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;

    while (n--)
        *dp++ = *sp++;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}

/* Output cursor for vsnprintf: writes what fits, counts everything. */
struct outbuf {
    char *buf;
    size_t size, len;
};

static void out_char(struct outbuf *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

struct fmt_spec {
    int alt, zero, left, width, lng;
};

static void out_number(struct outbuf *o, uint64_t v, int neg, unsigned base,
                       const struct fmt_spec *fs)
{
    static const char digits[] = "0123456789abcdef";
    char tmp[24];
    int n = 0, len, pad;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    len = n + neg + ((fs->alt && base == 16) ? 2 : 0);
    pad = fs->width > len ? fs->width - len : 0;
    if (!fs->left && !fs->zero)
        while (pad-- > 0)
            out_char(o, ' ');
    if (neg)
        out_char(o, '-');
    if (fs->alt && base == 16) {
        out_char(o, '0');
        out_char(o, 'x');
    }
    if (!fs->left && fs->zero)
        while (pad-- > 0)
            out_char(o, '0');
    while (n)
        out_char(o, tmp[--n]);
    while (fs->left && pad-- > 0)
        out_char(o, ' ');
}

static void out_string(struct outbuf *o, const char *s, const struct fmt_spec *fs)
{
    int len = (int)strlen(s ? s : "(null)"), pad = fs->width - len;

    if (!s)
        s = "(null)";
    while (!fs->left && pad-- > 0)
        out_char(o, ' ');
    while (*s)
        out_char(o, *s++);
    while (fs->left && pad-- > 0)
        out_char(o, ' ');
}

static const char *parse_spec(const char *f, struct fmt_spec *fs)
{
    memset(fs, 0, sizeof(*fs));
    for (;; f++) {
        if (*f == '#')
            fs->alt = 1;
        else if (*f == '0')
            fs->zero = 1;
        else if (*f == '-')
            fs->left = 1;
        else
            break;
    }
    while (*f >= '0' && *f <= '9')
        fs->width = fs->width * 10 + (*f++ - '0');
    while (*f == 'l' || *f == 'z') {
        fs->lng++;
        f++;
    }
    return f;
}

static void out_conv(struct outbuf *o, char c, struct fmt_spec *fs, va_list *ap)
{
    int64_t sv;
    uint64_t uv;

    switch (c) {
    case 'd':
    case 'i':
        sv = fs->lng ? va_arg(*ap, long) : va_arg(*ap, int);
        out_number(o, sv < 0 ? -(uint64_t)sv : (uint64_t)sv, sv < 0, 10, fs);
        break;
    case 'u':
    case 'x':
        uv = fs->lng ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned int);
        out_number(o, uv, 0, c == 'x' ? 16 : 10, fs);
        break;
    case 'p':
        fs->alt = 1;
        out_number(o, (uint64_t)va_arg(*ap, void *), 0, 16, fs);
        break;
    case 's':
        out_string(o, va_arg(*ap, const char *), fs);
        break;
    case 'c':
        out_char(o, (char)va_arg(*ap, int));
        break;
    default:
        out_char(o, '%');
        out_char(o, c);
        break;
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct outbuf o = { buf, size, 0 };
    struct fmt_spec fs;
    va_list aq;

    va_copy(aq, ap);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(&o, *fmt);
            continue;
        }
        fmt = parse_spec(fmt + 1, &fs);
        if (!*fmt)
            break;
        if (*fmt == '%')
            out_char(&o, '%');
        else
            out_conv(&o, *fmt, &fs, &aq);
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

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
