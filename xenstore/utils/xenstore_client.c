/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore-* utilities in one binary, as Debian's xenstore-utils. */
#define _GNU_SOURCE
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <xenstore.h>

enum mode {
    M_NONE,
    M_CHMOD,
    M_EXISTS,
    M_LIST,
    M_LS,
    M_READ,
    M_RM,
    M_WRITE,
    M_WATCH,
    M_CONTROL
};

static const struct {
    const char *name;
    enum mode mode;
    const char *usage;
} modes[] = {
    {"read", M_READ, "[-h] [-p] [-s] [-R] key [...]"},
    {"write", M_WRITE, "[-h] [-s] [-R] key value [...]"},
    {"rm", M_RM, "[-h] [-s] [-t] key [...]"},
    {"exists", M_EXISTS, "[-h] [-p] [-s] key [...]"},
    {"list", M_LIST, "[-h] [-p] [-s] key [...]"},
    {"ls", M_LS, "[-h] [-f] [-p] [-s] [path]"},
    {"chmod", M_CHMOD, "[-h] [-u] [-r] [-s] key <mode [modes...]>"},
    {"watch", M_WATCH, "[-h] [-n NR] key"},
    {"control", M_CONTROL, "<command> [<arg>...]"},
};

struct opts {
    enum mode mode;
    int mi;         /* index in modes[] */
    bool with_mode; /* invoked as "xenstore MODE" */
    const char *prog;
    bool prefix, tidy, upto, recurse, raw, flat;
    int nr_watches;
    int max_width, desired_width;
};

/* Output of read/list is collected and printed after the transaction. */
static char *obuf;
static size_t opos, ocap;

static void out_raw(const char *d, size_t n)
{
    if (opos + n > ocap) {
        ocap = (opos + n) * 2 + 1024;
        obuf = realloc(obuf, ocap);
        if (!obuf)
            err(1, "malloc");
    }
    memcpy(obuf + opos, d, n);
    opos += n;
}

static void out(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        err(1, "output");
    out_raw(s, (size_t)n);
    free(s);
}

static void usage(const struct opts *o)
{
    if (o->mode == M_NONE)
        errx(1, "Usage: %s <mode> [-h] [...]", o->prog);
    errx(1, "Usage: %s %s%s%s", o->prog, o->with_mode ? modes[o->mi].name : "",
         o->with_mode ? " " : "", modes[o->mi].usage);
}

/* Printable form of a value: \t \n \r \\, \ooo below 8, \xHH otherwise. */
static char *sanitise(const char *v, unsigned int len)
{
    char *o = malloc((size_t)len * 4 + 1), *p = o;

    if (!o)
        err(1, "malloc");
    for (unsigned int i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];

        if (c == '\t')
            p += sprintf(p, "\\t");
        else if (c == '\n')
            p += sprintf(p, "\\n");
        else if (c == '\r')
            p += sprintf(p, "\\r");
        else if (c == '\\')
            p += sprintf(p, "\\\\");
        else if (c < 8)
            p += sprintf(p, "\\%03o", c);
        else if (c < ' ' || c >= 127)
            p += sprintf(p, "\\x%02x", c);
        else
            *p++ = (char)c;
    }
    *p = '\0';
    return o;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The reverse: \t \n \r, \xH[H], \o[o[o]], \<other> is <other>. */
static char *unsanitise(const char *s, unsigned int *len)
{
    char *o = malloc(strlen(s) + 1), *p = o;

    if (!o)
        err(1, "malloc");
    while (*s) {
        if (*s != '\\' || !s[1]) {
            *p++ = *s++;
            continue;
        }
        s++;
        if (*s == 't' || *s == 'n' || *s == 'r') {
            *p++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : '\r';
            s++;
        } else if (*s == 'x' && hexval(s[1]) >= 0) {
            int v = hexval(s[1]);

            s += 2;
            if (hexval(*s) >= 0)
                v = v * 16 + hexval(*s++);
            *p++ = (char)v;
        } else if (*s >= '0' && *s <= '7') {
            int v = 0;

            for (int k = 0; k < 3 && *s >= '0' && *s <= '7'; k++)
                v = v * 8 + (*s++ - '0');
            *p++ = (char)v;
        } else {
            *p++ = *s++;
        }
    }
    *len = (unsigned int)(p - o);
    return o;
}

static const char perm_letter[4] = {'n', 'r', 'w', 'b'};

static void ls_perms(struct xs_handle *h, const char *path, const char *name)
{
    unsigned int n;
    struct xs_permissions *p = xs_get_permissions(h, XBT_NULL, path, &n);

    if (!p) {
        warn("\ncould not access permissions for %s", name);
        return;
    }
    fputs("  (", stdout);
    for (unsigned int i = 0; i < n; i++)
        printf("%s%c%u", i ? "," : "", perm_letter[p[i].perms & 3], p[i].id);
    putchar(')');
    free(p);
}

#define TAG_LEN 7 /* strlen(" = \"...\"") */

static void ls_one(struct xs_handle *h, const struct opts *o, const char *path,
                   const char *name, int depth)
{
    unsigned int len;
    int w = 0;
    char *val = xs_read(h, XBT_NULL, path, &len);

    if (o->flat) {
        fputs(path, stdout);
    } else {
        for (; w < depth; w++)
            putchar(' ');
        w += printf("%.*s", o->max_width - TAG_LEN - w, name);
    }
    if (!val) {
        printf(":\n");
    } else {
        char *sv = sanitise(val, len);

        if (o->max_width < w + (int)len + TAG_LEN) {
            printf(" = \"%.*s\\...\"", o->max_width - TAG_LEN - w, sv);
        } else {
            w += printf(" = \"%s\"", sv);
            if (o->prefix) {
                int lim = o->desired_width < o->max_width ? o->desired_width
                                                          : o->max_width;

                putchar(' ');
                for (w++; w < lim; w++)
                    putchar(w & 1 ? '.' : ' ');
            }
        }
        free(sv);
    }
    free(val);
    if (o->prefix)
        ls_perms(h, path, name);
    putchar('\n');
}

static void do_ls(struct xs_handle *h, const struct opts *o, const char *path,
                  int depth)
{
    unsigned int num;
    char **e = xs_directory(h, XBT_NULL, path, &num);

    if (!e) {
        if (depth && (errno == ENOENT || errno == EACCES))
            return; /* vanished while we walked */
        err(1, "xs_directory (%s)", path);
    }
    for (unsigned int i = 0; i < num; i++) {
        char *np;
        size_t pl = strlen(path);

        if (asprintf(&np, "%s%s%s", path, pl && path[pl - 1] == '/' ? "" : "/",
                     e[i]) < 0)
            err(1, "malloc");
        ls_one(h, o, np, e[i], depth);
        do_ls(h, o, np, depth + 1);
        free(np);
    }
    free(e);
}

static void do_chmod(struct xs_handle *h, xs_transaction_t t, char *path,
                     struct xs_permissions *p, int n, bool upto, bool recurse)
{
    if (!path[0])
        return;
    if (!xs_set_permissions(h, t, path, p, (unsigned int)n))
        err(1, "Error occurred setting permissions on '%s'", path);
    if (upto) {
        char *slash = strrchr(path, '/');

        if (!slash)
            errx(1, "Unable to locate path separator '/' in '%s'", path);
        *slash = '\0';
        do_chmod(h, t, path, p, n, true, false);
        *slash = '/';
    }
    if (recurse) {
        unsigned int num;
        char **kids = xs_directory(h, t, path, &num);

        for (unsigned int i = 0; kids && i < num; i++) {
            char buf[256];

            snprintf(buf, sizeof(buf), "%s/%s", path, kids[i]);
            do_chmod(h, t, buf, p, n, false, true);
        }
        free(kids);
    }
}

static int rm_tidy(struct xs_handle *h, xs_transaction_t t, const char *path)
{
    char *p = strdup(path);

    if (!p)
        err(1, "malloc");
    for (;;) {
        unsigned int len, num;
        char *slash, *val, **kids;

        if (!xs_rm(h, t, p)) {
            warnx("could not remove path %s", p);
            free(p);
            return 1;
        }
        slash = strrchr(p, '/');
        if (!slash)
            break;
        *slash = '\0';
        val = xs_read(h, t, p, &len);
        if (!val || len) {
            free(val);
            break;
        }
        free(val);
        kids = xs_directory(h, t, p, &num);
        free(kids);
        if (!kids || num)
            break;
    }
    free(p);
    return 0;
}

/* CONTROL: the command, then its arguments NUL-separated. */
static int do_control(struct xs_handle *h, char **args, int n)
{
    char buf[XENSTORE_PAYLOAD_MAX], *r;
    size_t len = 0;

    for (int k = 1; k < n; k++) {
        size_t l = strlen(args[k]) + 1;

        if (len + l > sizeof(buf))
            errx(1, "arguments too long");
        memcpy(buf + len, args[k], l);
        len += l;
    }
    r = xs_control_command(h, args[0], buf, (unsigned int)len);
    if (!r)
        err(1, "%s", args[0]);
    printf("%s\n", r);
    free(r);
    return 0;
}

static int do_read(struct xs_handle *h, xs_transaction_t t,
                   const struct opts *o, const char *path)
{
    unsigned int len;
    char *val = xs_read(h, t, path, &len);

    if (!val) {
        warnx("couldn't read path %s", path);
        return 1;
    }
    if (o->prefix)
        out("%s: ", path);
    if (o->raw) {
        out_raw(val, len);
    } else {
        char *sv = sanitise(val, len);

        out("%s\n", sv);
        free(sv);
    }
    free(val);
    return 0;
}

static int do_write(struct xs_handle *h, xs_transaction_t t,
                    const struct opts *o, const char *path, const char *spec)
{
    unsigned int len = (unsigned int)strlen(spec);
    char *v = o->raw ? strdup(spec) : unsanitise(spec, &len);
    bool ok = v && xs_write(h, t, path, v, len);

    free(v);
    if (!ok) {
        warnx("could not write path %s", path);
        return 1;
    }
    return 0;
}

static int do_list(struct xs_handle *h, xs_transaction_t t,
                   const struct opts *o, const char *path)
{
    unsigned int num;
    char **l = xs_directory(h, t, path, &num);

    if (!l) {
        warnx("could not list path %s", path);
        return 1;
    }
    for (unsigned int k = 0; k < num; k++)
        out("%s%s%s\n", o->prefix ? path : "", o->prefix ? "/" : "", l[k]);
    free(l);
    return 0;
}

/* chmod PATH MODE...: "<n|r|w|b><domid>" each, as Debian's (atoi). */
static int do_chmod_args(struct xs_handle *h, xs_transaction_t t,
                         const struct opts *o, char *path, char **modes, int n)
{
    struct xs_permissions *p = calloc((size_t)(n ? n : 1), sizeof(*p));

    if (!p)
        err(1, "malloc");
    for (int k = 0; k < n; k++) {
        const char *at = modes[k][0] ? strchr("nrwb", modes[k][0]) : NULL;

        if (!at)
            errx(1, "Invalid permission specification: '%c'", modes[k][0]);
        p[k].perms = (unsigned int)(at - "nrwb");
        p[k].id = (unsigned int)atoi(modes[k] + 1);
    }
    do_chmod(h, t, path, p, n, o->upto, o->recurse);
    free(p);
    return 0;
}

static int do_watch(struct xs_handle *h, const struct opts *o, char **paths,
                    int n)
{
    for (int k = 0; k < n; k++)
        if (!xs_watch(h, paths[k], paths[k]))
            errx(1, "Unable to add watch on %s\n", paths[k]);
    for (int k = 0; o->nr_watches == -1 || k < o->nr_watches; k++) {
        unsigned int num;
        char **vec = xs_read_watch(h, &num);

        if (!vec)
            continue;
        printf("%s\n", vec[XS_WATCH_PATH]);
        fflush(stdout);
        free(vec);
    }
    return 0;
}

/* One step of the verb; *i moves past the arguments it used. */
static int perform_one(struct xs_handle *h, xs_transaction_t t,
                       const struct opts *o, char **argv, int *i, int argc)
{
    int at = *i;
    char *val;

    switch (o->mode) {
    case M_READ:
        *i += 1;
        return do_read(h, t, o, argv[at]);
    case M_WRITE:
        *i += 2;
        return do_write(h, t, o, argv[at], argv[at + 1]);
    case M_RM:
        *i += 1;
        if (o->tidy)
            return rm_tidy(h, t, argv[at]);
        if (!xs_rm(h, t, argv[at])) {
            warnx("could not remove path %s", argv[at]);
            return 1;
        }
        return 0;
    case M_EXISTS:
        *i += 1;
        val = xs_read(h, t, argv[at], NULL);
        if (!val)
            return 1;
        free(val);
        return 0;
    case M_LIST:
        *i += 1;
        return do_list(h, t, o, argv[at]);
    case M_LS:
        *i += 1;
        do_ls(h, o, argv[at], 0);
        return 0;
    case M_CHMOD:
        *i = argc;
        return do_chmod_args(h, t, o, argv[at], argv + at + 1, argc - at - 1);
    case M_WATCH:
        *i = argc;
        return do_watch(h, o, argv + at, argc - at);
    case M_CONTROL:
        *i = argc;
        return do_control(h, argv + at, argc - at);
    case M_NONE:
        break;
    }
    return 1;
}

static int perform(struct xs_handle *h, xs_transaction_t t,
                   const struct opts *o, char **argv, int i, int argc)
{
    char *root[] = {"/", NULL};

    if (o->mode == M_LS && i == argc) {
        argv = root;
        i = 0;
        argc = 1;
    }
    while (i < argc)
        if (perform_one(h, t, o, argv, &i, argc))
            return 1;
    return 0;
}

static void pick_mode(struct opts *o, const char *name)
{
    for (unsigned int i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (!strcmp(name, modes[i].name)) {
            o->mode = modes[i].mode;
            o->mi = (int)i;
            return;
        }
    }
    errx(1, "unknown mode %s\n", name);
}

static void parse_opts(struct opts *o, int argc, char **argv)
{
    static const struct option lo[] = {
        {"help", 0, 0, 'h'},    {"flat", 0, 0, 'f'},   {"socket", 0, 0, 's'},
        {"prefix", 0, 0, 'p'},  {"tidy", 0, 0, 't'},   {"upto", 0, 0, 'u'},
        {"recurse", 0, 0, 'r'}, {"number", 1, 0, 'n'}, {"raw", 0, 0, 'R'},
        {0, 0, 0, 0},
    };
    int c;

    while ((c = getopt_long(argc, argv, "hfspturn:R", lo, NULL)) != -1) {
        enum mode m = o->mode;
        bool ok = true;

        switch (c) {
        case 'f':
            ok = m == M_LS;
            o->flat = true;
            o->max_width = INT_MAX / 2;
            o->desired_width = 0;
            break;
        case 's':
            break;
        case 'p':
            ok = m == M_READ || m == M_LIST || m == M_LS;
            o->prefix = true;
            break;
        case 't':
            ok = m == M_RM;
            o->tidy = true;
            break;
        case 'u':
            ok = m == M_CHMOD;
            o->upto = true;
            break;
        case 'r':
            ok = m == M_CHMOD;
            o->recurse = true;
            break;
        case 'n':
            ok = m == M_WATCH;
            o->nr_watches = atoi(optarg);
            break;
        case 'R':
            ok = m == M_READ || m == M_WRITE;
            o->raw = true;
            break;
        default:
            ok = false;
            break;
        }
        if (!ok)
            usage(o);
    }
}

int main(int argc, char **argv)
{
    struct opts o = {.prog = argv[0],
                     .nr_watches = -1,
                     .max_width = 80,
                     .desired_width = 60};
    const char *base = strrchr(argv[0], '/');
    struct xs_handle *h;
    xs_transaction_t t = XBT_NULL;
    bool txn;
    int shift, left, ret;
    struct winsize ws;

    base = base ? base + 1 : argv[0];
    if (!strncmp(base, "xenstore-", 9)) {
        shift = 0;
        pick_mode(&o, base + 9);
    } else {
        if (argc < 2)
            usage(&o);
        shift = 1;
        o.with_mode = true;
        pick_mode(&o, argv[1]);
    }
    argc -= shift;
    argv += shift;
    parse_opts(&o, argc, argv);
    left = argc - optind;
    if ((o.mode == M_WRITE && left % 2 == 1) || (o.mode != M_LS && left == 0))
        usage(&o);
    txn = o.mode == M_READ ? left > 1
          : o.mode == M_WRITE
              ? left > 2
              : !(o.mode == M_LS || o.mode == M_WATCH || o.mode == M_CONTROL);
    if (o.mode == M_LS && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0)
        o.max_width = ws.ws_col - 2;
    h = xs_open(0);
    if (!h)
        err(1, "xs_open");
    for (;;) {
        if (txn && (t = xs_transaction_start(h)) == XBT_NULL)
            errx(1, "couldn't start transaction");
        ret = perform(h, t, &o, argv, optind, argc);
        if (!txn || xs_transaction_end(h, t, ret))
            break;
        if (ret || errno != EAGAIN)
            errx(1, "couldn't end transaction");
        opos = 0;
    }
    if (opos)
        fwrite(obuf, 1, opos, stdout);
    free(obuf);
    xs_close(h);
    return ret;
}
