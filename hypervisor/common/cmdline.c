/* SPDX-License-Identifier: GPL-2.0-only */
/* Xen-style command-line parsing against a caller-supplied parameter table. */
/*
 * The parser owns no state: it walks the line word by word, looks each
 * name up in the caller's table, decodes the value into a local, and only
 * then stores it (validate, then commit). Nothing is allocated; a word is
 * handled in place as spans of the line, and quote characters are dropped
 * while a value is copied out. Differences from Xen worth knowing: numbers
 * are decimal or 0x-hex (no octal), and a bad value does not stop the
 * parse of the other words but makes the whole call return -XEN_EINVAL.
 */
#include <xenia/cmdline.h>

#include <xen/errno.h>

#define NAME_MAX_LEN 64

struct span {
    const char *p;
    size_t len;
};

struct cl_state {
    char *err;
    size_t errlen;
    int rc;
};

static int cl_error(struct cl_state *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record an error (the first one is kept); returns -XEN_EINVAL. */
static int cl_error(struct cl_state *st, const char *fmt, ...)
{
    va_list ap;

    if (st->rc)
        return -XEN_EINVAL;
    st->rc = -XEN_EINVAL;
    if (st->err && st->errlen) {
        va_start(ap, fmt);
        vsnprintf(st->err, st->errlen, fmt, ap);
        va_end(ap);
    }
    return -XEN_EINVAL;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* First c in s, or NULL. */
static const char *span_chr(struct span s, char c)
{
    size_t i;

    for (i = 0; i < s.len; i++)
        if (s.p[i] == c)
            return s.p + i;
    return NULL;
}

/* Copy at most cap-1 bytes of s into dst for messages. */
static const char *excerpt(struct span s, char *dst, size_t cap)
{
    size_t n = MIN(s.len, cap - 1);

    memcpy(dst, s.p, n);
    dst[n] = '\0';
    return dst;
}

/* Next word at *pos; quoted blanks belong to the word. False at the end. */
static bool next_word(const char **pos, struct span *w)
{
    const char *p = *pos;
    bool quote = false;

    while (*p && is_blank(*p))
        p++;
    if (!*p)
        return false;
    w->p = p;
    while (*p && (quote || !is_blank(*p))) {
        if (*p == '"')
            quote = !quote;
        p++;
    }
    w->len = p - w->p;
    *pos = p;
    return true;
}

/*
 * Copy s without its quote characters into dst[cap] and NUL-terminate.
 * Returns the unquoted length; if that does not fit, nothing is written
 * and the length is still returned (so callers compare it with cap).
 */
static size_t unquote(struct span s, char *dst, size_t cap)
{
    size_t i, n = 0;

    for (i = 0; i < s.len; i++)
        n += s.p[i] != '"';
    if (!dst || n >= cap)
        return n;
    for (i = 0, n = 0; i < s.len; i++)
        if (s.p[i] != '"')
            dst[n++] = s.p[i];
    dst[n] = '\0';
    return n;
}

/* Table name equals the NUL-terminated s, with '-' and '_' the same. */
static bool name_eq(const char *name, const char *s)
{
    for (; *name && *s; name++, s++) {
        char a = *name == '-' ? '_' : *name, b = *s == '-' ? '_' : *s;

        if (a != b)
            return false;
    }
    return *name == *s;
}

static const struct cmdline_param *param_find(const struct cmdline_param *tbl,
                                              size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (tbl[i].name && name_eq(tbl[i].name, name))
            return &tbl[i];
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Value decoders                                                     */

/* Decimal or 0x-hex digits at *s; advances *s. False on none or overflow. */
static bool parse_u64(const char **s, uint64_t *out)
{
    const char *p = *s;
    unsigned int base = 10, digits = 0;
    uint64_t v = 0;

    if (p[0] == '0' && lower(p[1]) == 'x') {
        base = 16;
        p += 2;
    }
    for (;; p++, digits++) {
        char c = lower(*p);
        unsigned int d;

        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (base == 16 && c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else
            break;
        if (v > (UINT64_MAX - d) / base)
            return false;
        v = v * base + d;
    }
    *s = p;
    *out = v;
    return digits > 0;
}

int cmdline_parse_size(const char *s, uint64_t *out)
{
    unsigned int shift;
    uint64_t v;

    if (!parse_u64(&s, &v))
        return -XEN_EINVAL;
    switch (lower(*s)) {
    case 't':
        shift = 40;
        s++;
        break;
    case 'g':
        shift = 30;
        s++;
        break;
    case 'm':
        shift = 20;
        s++;
        break;
    case 'k':
        shift = 10;
        s++;
        break;
    case 'b':
        shift = 0;
        s++;
        break;
    default:
        shift = 10;
        break; /* no unit: KiB, as Xen */
    }
    if (*s || (shift && v > (UINT64_MAX >> shift)))
        return -XEN_EINVAL;
    *out = v << shift;
    return 0;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "yes", "on", "true", "enable"};
    static const char *const no[] = {"0", "no", "off", "false", "disable"};
    size_t i;

    for (i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(s, yes[i])) {
            *out = true;
            return 0;
        }
        if (!strcmp(s, no[i])) {
            *out = false;
            return 0;
        }
    }
    return -XEN_EINVAL;
}

static int apply_uint(struct cl_state *st, const struct cmdline_param *p,
                      const char *val)
{
    unsigned int max = p->max ? p->max : UINT32_MAX;
    const char *s = val;
    uint64_t v;

    if (!parse_u64(&s, &v) || *s)
        return cl_error(st, "%s: bad number '%s'", p->name, val);
    if (v < p->min || v > max)
        return cl_error(st, "%s: %s out of range [%u, %u]", p->name, val,
                        p->min, max);
    *(unsigned int *)p->var = v;
    return 0;
}

static int apply_string(struct cl_state *st, const struct cmdline_param *p,
                        struct span raw)
{
    size_t n = unquote(raw, NULL, 0);

    if (n >= p->size)
        return cl_error(st, "%s: value longer than %u characters", p->name,
                        (unsigned int)(p->size ? p->size - 1 : 0));
    unquote(raw, p->var, p->size);
    return 0;
}

static int apply_custom(struct cl_state *st, const struct cmdline_param *p,
                        const char *val)
{
    char msg[128] = "";

    if (p->parse(p->var, val, msg, sizeof(msg)))
        return cl_error(st, "%s: %s", p->name, msg[0] ? msg : "bad value");
    return 0;
}

/*
 * One known parameter: val is NULL for a bare name, raw its quoted form.
 * Returns 0 or the -XEN_EINVAL recorded by cl_error().
 */
static int apply(struct cl_state *st, const struct cmdline_param *p,
                 const char *val, struct span raw, bool negated)
{
    bool b;
    uint64_t size;

    if (negated && (p->type != CMDLINE_BOOL || val))
        return cl_error(st,
                        "no-%s: only a boolean without a value can be negated",
                        p->name);
    if (!val && p->type != CMDLINE_BOOL && p->type != CMDLINE_CUSTOM)
        return cl_error(st, "%s: needs a value", p->name);

    switch (p->type) {
    case CMDLINE_BOOL:
        b = !negated;
        if (val && parse_bool(val, &b))
            return cl_error(st, "%s: bad boolean '%s'", p->name, val);
        *(bool *)p->var = b;
        break;
    case CMDLINE_UINT:
        return apply_uint(st, p, val);
    case CMDLINE_SIZE:
        if (cmdline_parse_size(val, &size))
            return cl_error(st, "%s: bad size '%s'", p->name, val);
        *(uint64_t *)p->var = size;
        break;
    case CMDLINE_STRING:
        return apply_string(st, p, raw);
    case CMDLINE_CUSTOM:
        return apply_custom(st, p, val);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* Words                                                              */

static int cl_word(struct cl_state *st, struct span w,
                   const struct cmdline_param *tbl, size_t n,
                   cmdline_unknown_fn unknown, void *ctx)
{
    const struct cmdline_param *p;
    const char *eq = span_chr(w, '=');
    struct span name = {w.p, eq ? (size_t)(eq - w.p) : w.len};
    struct span raw = {eq ? eq + 1 : w.p + w.len,
                       eq ? w.len - name.len - 1 : 0};
    char nbuf[NAME_MAX_LEN], vbuf[CMDLINE_VALUE_MAX];
    const char *val = NULL;
    bool negated = false;

    if (unquote(name, nbuf, sizeof(nbuf)) >= sizeof(nbuf))
        goto unknown;
    p = param_find(tbl, n, nbuf);
    if (!p && (nbuf[0] == 'n' && nbuf[1] == 'o' &&
               (nbuf[2] == '-' || nbuf[2] == '_'))) {
        p = param_find(tbl, n, nbuf + 3);
        negated = true;
    }
    if (!p)
        goto unknown;
    if (eq && p->type != CMDLINE_STRING) {
        if (unquote(raw, vbuf, sizeof(vbuf)) >= sizeof(vbuf))
            return cl_error(st, "%s: value too long", p->name);
        val = vbuf;
    } else if (eq) {
        val = ""; /* strings are copied from raw */
    }
    return apply(st, p, val, raw, negated);

unknown:
    if (unknown)
        unknown(ctx, w.p, w.len);
    return 0;
}

int cmdline_parse(const char *line, const struct cmdline_param *tbl, size_t n,
                  cmdline_unknown_fn unknown, void *ctx, char *err,
                  size_t errlen)
{
    struct cl_state st = {.err = err, .errlen = errlen, .rc = 0};
    struct span w;
    char buf[48];

    if (err && errlen)
        err[0] = '\0';
    if (!line)
        return 0;
    while (next_word(&line, &w)) {
        if ((w.len - unquote(w, NULL, 0)) % 2) {
            cl_error(&st, "unterminated quote in '%s'",
                     excerpt(w, buf, sizeof(buf)));
            continue;
        }
        cl_word(&st, w, tbl, n, unknown, ctx);
    }
    return st.rc;
}

/* ------------------------------------------------------------------ */
/* Hypervisor parameters with a syntax of their own                    */

static const char *const loglvl_names[] = {
    [LOGLVL_NONE] = "none",       [LOGLVL_ERROR] = "error",
    [LOGLVL_WARNING] = "warning", [LOGLVL_INFO] = "info",
    [LOGLVL_DEBUG] = "debug",     [LOGLVL_ALL] = "all",
};

static int loglvl_lookup(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(loglvl_names); i++)
        if (strlen(loglvl_names[i]) == len && !strncmp(loglvl_names[i], s, len))
            return i;
    return -1;
}

int cmdline_parse_loglvl(void *var, const char *val, char *err, size_t errlen)
{
    const char *slash;
    int lvl;

    if (!val)
        val = "";
    slash = strchr(val, '/');
    lvl = loglvl_lookup(val, slash ? (size_t)(slash - val) : strlen(val));
    if (lvl < 0 || (slash && loglvl_lookup(slash + 1, strlen(slash + 1)) < 0)) {
        snprintf(err, errlen,
                 "bad level '%s' (none|error|warning|info|debug|all)", val);
        return -XEN_EINVAL;
    }
    *(unsigned int *)var = lvl;
    return 0;
}

/* One dom0_mem item of len bytes at s: "min:SIZE", "max:SIZE" or "SIZE". */
static int dom0_mem_item(struct cmdline_dom0_mem *m, const char *s, size_t len,
                         char *err, size_t errlen)
{
    char buf[40];
    uint64_t *dst = &m->amount;
    bool *has = &m->has_amount;
    size_t skip = 0;

    if (len >= 4 && !strncmp(s, "min:", 4)) {
        dst = &m->min;
        has = &m->has_min;
        skip = 4;
    } else if (len >= 4 && !strncmp(s, "max:", 4)) {
        dst = &m->max;
        has = &m->has_max;
        skip = 4;
    }
    if (len - skip >= sizeof(buf))
        goto bad;
    memcpy(buf, s + skip, len - skip);
    buf[len - skip] = '\0';
    if (buf[0] == '-') {
        snprintf(err, errlen, "negative amount '%s' not supported", buf);
        return -XEN_EINVAL;
    }
    if (cmdline_parse_size(buf, dst))
        goto bad;
    *has = true;
    return 0;

bad:
    snprintf(err, errlen, "bad size in '%s'",
             excerpt((struct span){s, len}, buf, sizeof(buf)));
    return -XEN_EINVAL;
}

int cmdline_parse_dom0_mem(void *var, const char *val, char *err, size_t errlen)
{
    struct cmdline_dom0_mem m = {0};
    const char *s = val;
    int rc;

    if (!val || !*val) {
        snprintf(err, errlen, "needs a value");
        return -XEN_EINVAL;
    }
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);

        if ((rc = dom0_mem_item(&m, s, len, err, errlen)))
            return rc;
        if (!comma)
            break;
        s = comma + 1;
    }
    *(struct cmdline_dom0_mem *)var = m;
    return 0;
}

size_t cmdline_first_word(const char *s, const char **word, const char **rest)
{
    const char *p;
    size_t len;

    if (!s)
        s = "";
    while (*s && is_blank(*s))
        s++;
    for (p = s; *p && !is_blank(*p); p++)
        ;
    len = p - s;
    while (*p && is_blank(*p))
        p++;
    *word = s;
    *rest = p;
    return len;
}
