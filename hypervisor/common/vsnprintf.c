/* SPDX-License-Identifier: GPL-2.0-only */
/* A small vsnprintf: %d %i %u %x %X %o %p %s %c %%, flags '-' '0' '#', width, precision, l/ll/z/h. */
#include <xenia/lib.h>

struct outbuf {
    char *buf;
    size_t size;
    size_t len;
};

static void put(struct outbuf *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct outbuf *o, const char *s, size_t n, int width,
                       bool left, char padc)
{
    int pad = width > (int)n ? width - (int)n : 0;

    if (!left)
        while (pad-- > 0)
            put(o, padc);
    while (n--)
        put(o, *s++);
    if (left)
        while (pad-- > 0)
            put(o, ' ');
}

static void put_number(struct outbuf *o, unsigned long long v, bool neg,
                       unsigned base, bool upper, const char *prefix,
                       int width, bool left, bool zero)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, plen = (int)strlen(prefix) + (neg ? 1 : 0), pad;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    pad = width > n + plen ? width - n - plen : 0;
    if (!left && !zero)
        while (pad-- > 0)
            put(o, ' ');
    if (neg)
        put(o, '-');
    while (*prefix)
        put(o, *prefix++);
    if (!left && zero)
        while (pad-- > 0)
            put(o, '0');
    while (n)
        put(o, tmp[--n]);
    if (left)
        while (pad-- > 0)
            put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct outbuf o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        bool left = false, zero = false, alt = false;
        int width = 0, prec = -1, lng = 0;
        unsigned long long v;
        const char *s;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        for (fmt++;; fmt++) {
            if (*fmt == '-')
                left = true;
            else if (*fmt == '0')
                zero = true;
            else if (*fmt == '#')
                alt = true;
            else
                break;
        }
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            prec = 0;
            fmt++;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            }
            while (*fmt >= '0' && *fmt <= '9')
                prec = prec * 10 + (*fmt++ - '0');
        }
        while (*fmt == 'l' || *fmt == 'z' || *fmt == 'h') {
            if (*fmt != 'h')
                lng++;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long sv = lng ? va_arg(ap, long long) : va_arg(ap, int);
            put_number(&o, sv < 0 ? -(unsigned long long)sv : (unsigned long long)sv,
                       sv < 0, 10, false, "", width, left, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            v = lng ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned int);
            put_number(&o, v, false,
                       *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X',
                       alt && *fmt != 'u' ? (*fmt == 'o' ? "0" : "0x") : "",
                       width, left, zero);
            break;
        case 'p':
            put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false,
                       "0x", width, left, zero);
            break;
        case 's':
            s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            put_padded(&o, s, prec >= 0 ? strnlen(s, prec) : strlen(s), width,
                       left, ' ');
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(&o, &c, 1, width, left, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
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
