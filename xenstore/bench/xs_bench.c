/* SPDX-License-Identifier: GPL-2.0-only */
/* Benchmark client: the same libxenstore calls against any daemon. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

static struct xs_handle *h;
static int scale = 1; /* XS_BENCH_SCALE divides the big sizes */

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "xs-bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void row(const char *name, double v, const char *unit)
{
    printf("%s %.3f %s\n", name, v, unit);
    fflush(stdout);
}

/*
 * Each throughput row is measured ROUNDS times and the best round reported,
 * for every daemon alike: on a shared machine other work only ever slows a
 * round down.  With the daemon's pid, a second row gives the daemon's own CPU
 * time per request (all its threads, from /proc/PID/task/TID/schedstat): the
 * part of a round trip the daemon is responsible for, without the client's
 * and the kernel's fixed share.
 */
#define ROUNDS 3

static int daemon_pid;

static double daemon_cpu_ns(void)
{
    char path[96], line[128];
    double sum = 0;
    DIR *d;
    struct dirent *e;

    if (!daemon_pid)
        return -1;
    snprintf(path, sizeof(path), "/proc/%d/task", daemon_pid);
    d = opendir(path);
    if (!d)
        return -1;
    while ((e = readdir(d))) {
        FILE *f;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "/proc/%d/task/%.20s/schedstat",
                 daemon_pid, e->d_name);
        f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(line, sizeof(line), f))
            sum += strtod(line, NULL);
        fclose(f);
    }
    closedir(d);
    return sum;
}

/* Run `one` (n requests per call, `per` requests per op) ROUNDS times. */
static void measure(const char *name, void (*one)(int), int n, int per)
{
    double best = 0, best_cpu = -1;
    char cname[96];

    for (int r = 0; r < ROUNDS; r++) {
        double c0 = daemon_cpu_ns(), t0 = now(), t, c1;

        one(n);
        t = now() - t0;
        c1 = daemon_cpu_ns();
        if (!best || t < best)
            best = t;
        if (c0 >= 0 && c1 >= 0 && (best_cpu < 0 || c1 - c0 < best_cpu))
            best_cpu = c1 - c0;
    }
    row(name, n / best, "ops/s");
    if (best_cpu >= 0) {
        snprintf(cname, sizeof(cname), "%s_daemon_cpu_per_req", name);
        row(cname, best_cpu / ((double)n * per) / 1e3, "us");
    }
}

static void one_read(int n)
{
    unsigned int len;

    for (int i = 0; i < n; i++)
        free(xs_read(h, XBT_NULL, "/bench/r", &len));
}

static void one_write(int n)
{
    for (int i = 0; i < n; i++)
        if (!xs_write(h, XBT_NULL, "/bench/w", "value", 5))
            die("write");
}

static void one_dir(int n)
{
    unsigned int num;

    for (int i = 0; i < n; i++)
        free(xs_directory(h, XBT_NULL, "/bench/d", &num));
}

static void one_perms(int n)
{
    unsigned int num;

    for (int i = 0; i < n; i++)
        free(xs_get_permissions(h, XBT_NULL, "/bench/r", &num));
}

static void one_txn(int n)
{
    for (int i = 0; i < n; i++) {
        for (;;) {
            xs_transaction_t t = xs_transaction_start(h);

            if (!t)
                die("transaction_start");
            if (!xs_write(h, t, "/bench/t", "v", 1))
                die("write in transaction");
            if (xs_transaction_end(h, t, false))
                break;
            if (errno != EAGAIN)
                die("transaction_end");
        }
    }
}

static void bench_read(int n)
{
    if (!xs_write(h, XBT_NULL, "/bench/r", "value", 5))
        die("write");
    measure("read", one_read, n, 1);
}

static void bench_write(int n)
{
    measure("overwrite", one_write, n, 1);
}

static void bench_dir(int n)
{
    char p[64];

    for (int i = 0; i < 10; i++) {
        snprintf(p, sizeof(p), "/bench/d/c%d", i);
        if (!xs_write(h, XBT_NULL, p, "", 0))
            die("write");
    }
    measure("directory_of_10", one_dir, n, 1);
}

static void bench_perms(int n)
{
    measure("get_perms", one_perms, n, 1);
}

static void bench_txn(int n)
{
    measure("txn_start_write_commit", one_txn, n, 3);
}

static void bench_watch(int n)
{
    unsigned int num;
    char **ev;
    double t0, sum, best = 0;

    if (!xs_watch(h, "/bench/wf", "tok"))
        die("watch");
    free(xs_read_watch(h, &num)); /* the initial event */
    for (int r = 0; r < ROUNDS; r++) {
        sum = 0;
        for (int i = 0; i < n; i++) {
            t0 = now();
            if (!xs_write(h, XBT_NULL, "/bench/wf", "x", 1))
                die("write");
            ev = xs_read_watch(h, &num);
            sum += now() - t0;
            free(ev);
        }
        if (!best || sum < best)
            best = sum;
    }
    row("watch_fire_write_to_event", best / n * 1e6, "us");
    xs_unwatch(h, "/bench/wf", "tok");
}

/* Add `total` children to one directory: cost per child early and late. */
static void bench_bigdir(int total)
{
    char p[64];
    double t0 = 0, first = 0, last = 0;
    int band = total / 8;

    for (int i = 0; i < total; i++) {
        if (i == 0 || i == total - band)
            t0 = now();
        snprintf(p, sizeof(p), "/bench/big/c%06d", i);
        if (!xs_write(h, XBT_NULL, p, "", 0))
            die("write big");
        if (i == band - 1)
            first = (now() - t0) / band;
        if (i == total - 1)
            last = (now() - t0) / band;
    }
    snprintf(p, sizeof(p), "add_child_first_%dk", band / 1000);
    row(p, first * 1e6, "us");
    snprintf(p, sizeof(p), "add_child_last_%dk_of_%dk", band / 1000,
             total / 1000);
    row(p, last * 1e6, "us");
    t0 = now();
    if (!xs_rm(h, XBT_NULL, "/bench/big"))
        die("rm big");
    snprintf(p, sizeof(p), "rm_dir_of_%dk_children", total / 1000);
    row(p, (now() - t0) * 1e3, "ms");
}

static long rss_kb(int pid)
{
    char path[64], line[256];
    long kb = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f))
        if (!strncmp(line, "VmRSS:", 6))
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

static void bench_memory(int pid, int nodes)
{
    char p[64];
    long before = rss_kb(pid), after;

    for (int i = 0; i < nodes; i++) {
        snprintf(p, sizeof(p), "/bench/mem/g%03d/n%06d", i % 100, i);
        if (!xs_write(h, XBT_NULL, p, "some-value-1234", 15))
            die("write mem");
    }
    after = rss_kb(pid);
    row("rss_per_100k_nodes",
        (double)(after - before) * 100000.0 / nodes / 1024.0, "MiB");
    xs_rm(h, XBT_NULL, "/bench/mem");
}

/* A read's cost with `idle` other connections open and silent. */
static void bench_idle(const char *sock, int idle, int n)
{
    int *fds = calloc((size_t)idle, sizeof(int));
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    unsigned int len;
    char name[64];
    double t0;
    int opened = 0;

    strncpy(sa.sun_path, sock, sizeof(sa.sun_path) - 1);
    for (; opened < idle; opened++) {
        fds[opened] = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fds[opened] < 0 ||
            connect(fds[opened], (struct sockaddr *)&sa, sizeof(sa)) < 0)
            break;
    }
    usleep(200000);
    t0 = now();
    for (int i = 0; i < n; i++)
        free(xs_read(h, XBT_NULL, "/bench/r", &len));
    snprintf(name, sizeof(name), "read_with_%d_idle_conns", opened);
    row(name, (now() - t0) / n * 1e6, "us");
    for (int i = 0; i < opened; i++)
        close(fds[i]);
    free(fds);
}

/*
 * The ceiling of the read row: a "daemon" that does no work (epoll, one read,
 * one write per request, SCHED_BATCH like ours) under the same client on the
 * same CPU.  Two context switches and the client's own system calls per
 * request (six on Debian's libxenstore, two on ours) are paid whatever the
 * daemon does; this row shows how much is left for any daemon to win.
 */
static void null_daemon(int ls)
{
    struct sched_param sp = {0};
    struct epoll_event ev = {.events = EPOLLIN};
    static char in[16384];
    char out[sizeof(struct xsd_sockmsg) + 8];
    size_t have = 0;
    int fd, ep;

    sched_setscheduler(0, SCHED_BATCH, &sp);
    fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK);
    ep = epoll_create1(0);
    if (fd < 0 || ep < 0)
        _exit(1);
    ev.data.fd = fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    for (;;) {
        struct xsd_sockmsg m, *o = (struct xsd_sockmsg *)out;
        size_t off = 0;
        ssize_t n;

        if (epoll_wait(ep, &ev, 1, -1) < 0 && errno != EINTR)
            _exit(1);
        n = read(fd, in + have, sizeof(in) - have);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
            _exit(0);
        if (n < 0)
            continue;
        have += (size_t)n;
        while (have - off >= sizeof(m)) {
            memcpy(&m, in + off, sizeof(m));
            if (m.len > sizeof(in) - sizeof(m))
                _exit(1);
            if (have - off < sizeof(m) + m.len)
                break;
            *o = m;
            o->len = m.type == XS_READ ? 5 : 3;
            memcpy(o + 1, m.type == XS_READ ? "value" : "OK", o->len);
            if (write(fd, out, sizeof(m) + o->len) < 0)
                _exit(1);
            off += sizeof(m) + m.len;
        }
        memmove(in, in + off, have - off);
        have -= off;
    }
}

static void bench_null_daemon(int n)
{
    char dir[] = "/tmp/xs-null.XXXXXX";
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int ls, child;

    if (!mkdtemp(dir))
        die("mkdtemp");
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", dir);
    ls = socket(AF_UNIX, SOCK_STREAM, 0);
    if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        listen(ls, 1) < 0)
        die("null daemon socket");
    child = fork();
    if (child < 0)
        die("fork");
    if (child == 0)
        null_daemon(ls);
    close(ls);
    setenv("XENSTORED_PATH", sa.sun_path, 1);
    h = xs_open(0);
    if (!h)
        die("xs_open null daemon");
    daemon_pid = child;
    measure("read_no_op_daemon_ceiling", one_read, n, 1);
    xs_close(h);
    waitpid(child, NULL, 0);
    unlink(sa.sun_path);
    rmdir(dir);
}

/* Which libxenstore this run uses (LD_LIBRARY_PATH picks it): a comment line. */
static void report_client_lib(void)
{
    Dl_info info;

    if (dladdr((void *)xs_open, &info) && info.dli_fname)
        printf("# client library %s\n", info.dli_fname);
}

int main(int argc, char **argv)
{
    const char *sock = getenv("XENSTORED_PATH");
    int pid = argc > 1 ? atoi(argv[1]) : 0;
    int n = 20000;
    /* XS_BENCH_ONLY=throughput: the rows whose cost is per request only. */
    const char *only = getenv("XS_BENCH_ONLY");
    bool throughput_only = only && !strcmp(only, "throughput");

    daemon_pid = pid;
    if (getenv("XS_BENCH_SCALE"))
        scale = atoi(getenv("XS_BENCH_SCALE")) > 0
                    ? atoi(getenv("XS_BENCH_SCALE"))
                    : 1;
    n /= scale;
    report_client_lib();
    if (argc > 1 && !strcmp(argv[1], "--no-op-daemon")) {
        bench_null_daemon(n);
        return 0;
    }
    h = xs_open(0);
    if (!h)
        die("xs_open");
    xs_rm(h, XBT_NULL, "/bench");
    bench_read(n);
    bench_write(n);
    bench_dir(n);
    bench_perms(n);
    bench_txn(n / 4);
    if (!throughput_only) {
        /* Memory before the big directory, whose freed memory is reused. */
        if (pid)
            bench_memory(pid, 100000 / scale);
        bench_idle(sock ? sock : xs_daemon_socket(), 1000 / scale, n / 10);
        bench_bigdir(40000 / scale);
    }
    bench_watch(n / 4);
    xs_rm(h, XBT_NULL, "/bench");
    xs_close(h);
    return 0;
}
