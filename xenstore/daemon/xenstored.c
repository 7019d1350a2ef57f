/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstored for Linux: options, daemon, pid/log/state files. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xs_core.h"
#include "xs_loop.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void usage(FILE *f)
{
    fprintf(
        f,
        "Usage: xenstored [options]\n"
        "  -s, --socket PATH      listen here (default $XENSTORED_PATH, else\n"
        "                         $XENSTORED_RUNDIR/socket, else "
        "/var/run/xenstored/socket)\n"
        "  -N, --no-fork          stay in the foreground\n"
        "  -F, --pid-file FILE    write the daemon's pid to FILE\n"
        "  -L, --log-file FILE    append log lines to FILE\n"
        "  -S, --stream DEV       also serve the protocol on a serial line / "
        "FIFO (as dom0)\n"
        "  -r, --ring-dir DIR     map introduced domains' rings from "
        "DIR/ring-<domid>\n"
        "  -P, --state-file FILE  load the tree from FILE at start, save it "
        "there at exit\n"
        "  -Q, --quota NAME=VAL   set a quota (nodes, node-size, watches, "
        "transactions, ...)\n"
        "  -B, --busy-poll US     after serving, poll US microseconds before "
        "sleeping\n"
        "                         (for a daemon with a CPU of its own; default "
        "0)\n"
        "  -D, --no-domain-init   accepted for compatibility (no effect)\n"
        "      --live-restore FD  (internal) take over from a live update\n"
        "  -h, --help\n"
        "CONTROL live-update [binary] hands every connection to a new "
        "xenstored.\n");
}

static const char *default_socket(char *buf, size_t len)
{
    const char *p = getenv("XENSTORED_PATH");
    const char *rundir = getenv("XENSTORED_RUNDIR");

    if (p && *p)
        return p;
    snprintf(buf, len, "%s/socket",
             rundir && *rundir ? rundir : "/var/run/xenstored");
    return buf;
}

static int set_quota(struct xs_store *s, const char *arg)
{
    const char *eq = strchr(arg, '=');

    if (!eq)
        return -1;
    for (int i = 0; i < XS_Q_COUNT; i++) {
        if (strlen(xs_quota_table[i].name) == (size_t)(eq - arg) &&
            !strncmp(arg, xs_quota_table[i].name, (size_t)(eq - arg))) {
            xs_store_set_quota(s, (enum xs_quota_id)i,
                               (uint32_t)strtoul(eq + 1, NULL, 0));
            return 0;
        }
    }
    return -1;
}

static int state_load(struct xs_loop *l, const char *file)
{
    FILE *f = fopen(file, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    int rc;

    if (!f)
        return errno == ENOENT ? 0 : -errno;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);

            if (!nb) {
                free(buf);
                fclose(f);
                return -ENOMEM;
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n);
    fclose(f);
    /* Into the live store, so that re-attached rings belong to it. */
    rc = xs_store_load(xs_loop_store(l), buf, len);
    free(buf);
    return rc;
}

static int state_save(struct xs_loop *l, const char *file)
{
    char tmp[4200];
    char *buf;
    size_t len;
    int rc = xs_store_save(xs_loop_store(l), &buf, &len);
    FILE *f;

    if (rc)
        return rc;
    snprintf(tmp, sizeof(tmp), "%s.tmp", file);
    f = fopen(tmp, "wb");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f)) {
        free(buf);
        return -EIO;
    }
    free(buf);
    return rename(tmp, file) ? -errno : 0;
}

/*
 * SCHED_BATCH: a client's header write no longer preempts it before its
 * payload write (libxenstore writes them separately), so each request costs
 * one wake-up instead of two: +25-35% requests per second on one CPU.
 */
static void prefer_batching(void)
{
    struct sched_param sp = {0};

    sched_setscheduler(0, SCHED_BATCH, &sp); /* best effort */
}

static void raise_nofile(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int daemonise(void)
{
    pid_t pid = fork();
    int fd;

    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    setsid();
    fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
    return 0;
}

struct config {
    const char *sock, *pidfile, *logfile, *ringdir, *statefile;
    const char *streams[8], *quotas[32];
    int nstreams, nquotas;
    int restore_fd; /* --live-restore: state of the previous process */
    int spin_us;
    bool fork_it;
    char sockbuf[4200];
};

/* Returns -1 to go on, else the exit status. */
static int parse_args(struct config *cf, int argc, char **argv)
{
    static const struct option opts[] = {
        {"socket", required_argument, NULL, 's'},
        {"no-fork", no_argument, NULL, 'N'},
        {"pid-file", required_argument, NULL, 'F'},
        {"log-file", required_argument, NULL, 'L'},
        {"stream", required_argument, NULL, 'S'},
        {"ring-dir", required_argument, NULL, 'r'},
        {"state-file", required_argument, NULL, 'P'},
        {"quota", required_argument, NULL, 'Q'},
        {"no-domain-init", no_argument, NULL, 'D'},
        {"live-restore", required_argument, NULL, 'X'},
        {"busy-poll", required_argument, NULL, 'B'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;

    cf->fork_it = true;
    cf->restore_fd = -1;
    while ((c = getopt_long(argc, argv, "s:NF:L:S:r:P:Q:DB:h", opts, NULL)) !=
           -1) {
        switch (c) {
        case 's':
            cf->sock = optarg;
            break;
        case 'N':
            cf->fork_it = false;
            break;
        case 'F':
            cf->pidfile = optarg;
            break;
        case 'L':
            cf->logfile = optarg;
            break;
        case 'S':
            if (cf->nstreams < 8)
                cf->streams[cf->nstreams++] = optarg;
            break;
        case 'r':
            cf->ringdir = optarg;
            break;
        case 'P':
            cf->statefile = optarg;
            break;
        case 'Q':
            if (cf->nquotas < 32)
                cf->quotas[cf->nquotas++] = optarg;
            break;
        case 'D':
            break;
        case 'X':
            cf->restore_fd = atoi(optarg);
            cf->fork_it = false;
            break;
        case 'B':
            cf->spin_us = atoi(optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (!cf->sock)
        cf->sock = default_socket(cf->sockbuf, sizeof(cf->sockbuf));
    return -1;
}

static int fail(const char *what, int err)
{
    fprintf(stderr, "xenstored: %s: %s\n", what, strerror(err));
    return 1;
}

/* Everything before serving: log, socket, rings, saved state, quotas, lines. */
static int setup(struct xs_loop *l, const struct config *cf)
{
    int rc;

    if (cf->logfile) {
        int fd =
            open(cf->logfile, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

        if (fd < 0)
            return fail(cf->logfile, errno);
        xs_loop_set_log(l, fd);
    }
    if (cf->restore_fd < 0 && (rc = xs_loop_listen(l, cf->sock)))
        return fail(cf->sock, -rc);
    if (cf->ringdir && (rc = xs_loop_ring_dir(l, cf->ringdir)))
        return fail(cf->ringdir, -rc);
    /* After the ring directory: loading re-attaches the domains' rings. */
    if (cf->restore_fd >= 0) {
        rc = xs_loop_restore(l, cf->restore_fd);
        if (rc)
            return fail("live-restore", -rc);
        return 0; /* quotas and serial lines came with the state */
    }
    if (cf->statefile && (rc = state_load(l, cf->statefile)))
        return fail(cf->statefile, -rc);
    for (int i = 0; i < cf->nquotas; i++)
        if (set_quota(xs_loop_store(l), cf->quotas[i]))
            return fail(cf->quotas[i], EINVAL);
    for (int i = 0; i < cf->nstreams; i++) {
        int fd = open(cf->streams[i], O_RDWR | O_NOCTTY | O_CLOEXEC);

        if (fd < 0 || xs_loop_add_stream(l, fd))
            return fail(cf->streams[i], errno);
    }
    return 0;
}

static void write_pidfile(const char *file)
{
    FILE *f = fopen(file, "w");

    if (f) {
        fprintf(f, "%ld\n", (long)getpid());
        fclose(f);
    }
}

int main(int argc, char **argv)
{
    static struct config cf;
    struct xs_loop *l;
    int rc = parse_args(&cf, argc, argv);

    if (rc >= 0)
        return rc;
    raise_nofile();
    prefer_batching();
    signal(SIGPIPE, SIG_IGN);
    l = xs_loop_new();
    if (!l)
        return fail("start", ENOMEM);
    xs_loop_set_argv(l, argv);
    xs_loop_set_spin(l, cf.spin_us > 0 ? (unsigned int)cf.spin_us : 0);
    if (setup(l, &cf) || (cf.fork_it && daemonise()))
        return 1;
    if (cf.pidfile)
        write_pidfile(cf.pidfile);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    signal(SIGHUP, on_signal);
    rc = xs_loop_run(l, &stop_flag);
    if (cf.statefile) {
        int src = state_save(l, cf.statefile);

        if (src)
            fail(cf.statefile, -src);
    }
    unlink(cf.sock);
    if (cf.pidfile)
        unlink(cf.pidfile);
    xs_loop_free(l);
    return rc ? 1 : 0;
}
