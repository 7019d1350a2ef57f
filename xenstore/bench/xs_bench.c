/* SPDX-License-Identifier: GPL-2.0-only */
/* Benchmark client: the same libxenstore calls against any daemon. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
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

static void ops_row(const char *name, int n, double secs)
{
    row(name, n / secs, "ops/s");
}

static void bench_read(int n)
{
    double t0;
    unsigned int len;

    if (!xs_write(h, XBT_NULL, "/bench/r", "value", 5))
        die("write");
    t0 = now();
    for (int i = 0; i < n; i++)
        free(xs_read(h, XBT_NULL, "/bench/r", &len));
    ops_row("read", n, now() - t0);
}

static void bench_write(int n)
{
    double t0 = now();

    for (int i = 0; i < n; i++)
        if (!xs_write(h, XBT_NULL, "/bench/w", "value", 5))
            die("write");
    ops_row("overwrite", n, now() - t0);
}

static void bench_dir(int n)
{
    char p[64];
    unsigned int num;
    double t0;

    for (int i = 0; i < 10; i++) {
        snprintf(p, sizeof(p), "/bench/d/c%d", i);
        if (!xs_write(h, XBT_NULL, p, "", 0))
            die("write");
    }
    t0 = now();
    for (int i = 0; i < n; i++)
        free(xs_directory(h, XBT_NULL, "/bench/d", &num));
    ops_row("directory_of_10", n, now() - t0);
}

static void bench_perms(int n)
{
    unsigned int num;
    double t0 = now();

    for (int i = 0; i < n; i++)
        free(xs_get_permissions(h, XBT_NULL, "/bench/r", &num));
    ops_row("get_perms", n, now() - t0);
}

static void bench_txn(int n)
{
    double t0 = now();

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
    ops_row("txn_start_write_commit", n, now() - t0);
}

static void bench_watch(int n)
{
    unsigned int num;
    char **ev;
    double t0, sum = 0;

    if (!xs_watch(h, "/bench/wf", "tok"))
        die("watch");
    free(xs_read_watch(h, &num)); /* the initial event */
    for (int i = 0; i < n; i++) {
        t0 = now();
        if (!xs_write(h, XBT_NULL, "/bench/wf", "x", 1))
            die("write");
        ev = xs_read_watch(h, &num);
        sum += now() - t0;
        free(ev);
    }
    row("watch_fire_write_to_event", sum / n * 1e6, "us");
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

int main(int argc, char **argv)
{
    const char *sock = getenv("XENSTORED_PATH");
    int pid = argc > 1 ? atoi(argv[1]) : 0;
    int n = 20000;

    if (getenv("XS_BENCH_SCALE"))
        scale = atoi(getenv("XS_BENCH_SCALE")) > 0
                    ? atoi(getenv("XS_BENCH_SCALE"))
                    : 1;
    n /= scale;
    h = xs_open(0);
    if (!h)
        die("xs_open");
    xs_rm(h, XBT_NULL, "/bench");
    bench_read(n);
    bench_write(n);
    bench_dir(n);
    bench_perms(n);
    bench_txn(n / 4);
    /* Memory before the big directory, whose freed memory would be reused. */
    if (pid)
        bench_memory(pid, 100000 / scale);
    bench_idle(sock ? sock : xs_daemon_socket(), 1000 / scale, n / 10);
    bench_bigdir(40000 / scale);
    bench_watch(n / 4);
    xs_rm(h, XBT_NULL, "/bench");
    xs_close(h);
    return 0;
}
