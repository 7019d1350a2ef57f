/* SPDX-License-Identifier: GPL-2.0-only */
/* `xenia boot`: runs QEMU, streams the serial console, enforces the timeout. */
#include "xenia.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "boot_args.h"

/*
 * Under KVM the CPU model must be named (`-cpu host` has failed here on MSR
 * 0x10a).  On this project's machines /dev/kvm is kvm_pvm, which shows the
 * guest the host's CPUID whatever the model: every model tried boots alike,
 * FSGSBASE works, XSAVE/XGETBV/XRSTOR stop the vCPU with "KVM internal
 * error" under all of them.  check=off silences QEMU's two dozen warnings
 * about features the host's KVM does not list.
 */
#define BOOT_KVM_CPU "Haswell-v4,check=off"

#define BOOT_STOP_GRACE_MS   2000 /* SIGTERM to SIGKILL */
#define BOOT_LINE_MAX        4096
#define BOOT_FATAL_LINGER_MS 500 /* collect QEMU's dump after a fatal line */

const char cmd_boot_usage[] =
    "usage: xenia boot [OPTION]... KERNEL [KERNEL-ARGS]\n"
    "                  [--module FILE[,ARGS]]...\n"
    "\n"
    "Boot the Xenia hypervisor in QEMU with KERNEL as dom0, stream the serial\n"
    "console to stdout, and exit with what happened to the machine.\n"
    "KERNEL-ARGS is one word (quote it); options may appear anywhere, and\n"
    "'--' ends them.\n"
    "\n"
    "options:\n"
    "  --module FILE[,ARGS]  one more multiboot module after KERNEL, with its\n"
    "                        command line (repeatable)\n"
    "  --timeout SECONDS     stop QEMU after this long (default 120,\n"
    "                        0: never)\n"
    "  --memory MIB          guest RAM (default 512)\n"
    "  --tcg                 use TCG even when /dev/kvm is usable\n"
    "  --cpu MODEL           QEMU CPU model (default under KVM:\n"
    "                        " BOOT_KVM_CPU ", under TCG: max)\n"
    "  --hv PATH             hypervisor image (default $XENIA_HV, else\n"
    "                        hypervisor/xenia beside this executable, that is\n"
    "                        build/hypervisor/xenia)\n"
    "  --hv-args ARGS        appended to the hypervisor's command line\n"
    "                        'console=com1 loglvl=info'\n"
    "  --qemu-arg ARG        one more QEMU argument, verbatim (repeatable)\n"
    "  --dry-run             print the QEMU command line, shell-quoted, and\n"
    "                        exit 0 without checking files or starting QEMU\n"
    "  -h, --help            show this text\n"
    "\n"
    "environment: XENIA_HV (hypervisor image), XENIA_QEMU (QEMU binary,\n"
    "default qemu-system-x86_64), XENIA_KVM=1 (use /dev/kvm even when it is\n"
    "PVM, which cannot run PV guests: TCG is chosen otherwise).\n"
    "\n"
    "exit status:\n"
    "  0   dom0 powered off with code 0\n"
    "  1   dom0 powered off with a non-zero code\n"
    "  2   dom0 crashed\n"
    "  3   hypervisor panic\n"
    "  4   timeout\n"
    "  5   anything else (reboot request, signal, QEMU's own exit)\n"
    "  64  usage error, or a file that does not exist\n"
    "  69  QEMU could not be started\n";

static volatile sig_atomic_t boot_stop_signal;
static volatile sig_atomic_t boot_child_event;

static void boot_on_signal(int sig)
{
    if (sig == SIGCHLD)
        boot_child_event = 1;
    else
        boot_stop_signal = sig;
}

/* Output toward one of our fds, passed on a whole line at a time. */
struct boot_line {
    int fd;
    bool watch;     /* look for QEMU's fatal messages (its stderr) */
    bool matched;   /* saw one: the vCPU has stopped for good */
    bool we_killed; /* drop QEMU's "terminating on signal" about our kill */
    size_t len;
    char buf[BOOT_LINE_MAX];
};

struct boot_run {
    pid_t pid; /* QEMU, leader of its own process group; 0 once reaped */
    int status;
    int src[2]; /* QEMU's stdout and stderr pipes; -1 once at EOF */
    struct boot_line line[2];
    bool saw_output;
};

static void boot_write_all(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* reader gone: drop output, keep supervising QEMU */
        p += n;
        len -= (size_t)n;
    }
}

/* Serial lines end in "\r\n"; pass them on as "\n". */
static void boot_line_flush(struct boot_line *l, bool eol)
{
    if (eol && l->len && l->buf[l->len - 1] == '\r')
        l->len--;
    l->buf[l->len] = '\0';
    if (l->watch && qemu_stderr_fatal(l->buf))
        l->matched = true;
    if (l->we_killed && strstr(l->buf, "terminating on signal")) {
        l->len = 0;
        return;
    }
    if (eol)
        l->buf[l->len++] = '\n';
    boot_write_all(l->fd, l->buf, l->len);
    l->len = 0;
}

static void boot_line_feed(struct boot_line *l, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            boot_line_flush(l, true);
            continue;
        }
        l->buf[l->len++] = p[i];
        if (l->len == sizeof(l->buf) - 1)
            boot_line_flush(l, false);
    }
}

/* Read what one pipe has; at EOF close it.  Returns bytes read or -1. */
static ssize_t boot_pump(struct boot_run *run, int i)
{
    char buf[4096];
    ssize_t n = read(run->src[i], buf, sizeof(buf));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return -1;
    if (n <= 0) {
        close(run->src[i]);
        run->src[i] = -1;
        return -1;
    }
    if (i == 0)
        run->saw_output = true;
    boot_line_feed(&run->line[i], buf, (size_t)n);
    return n;
}

/* After QEMU is gone: take what is left in the pipes without blocking. */
static void boot_drain(struct boot_run *run)
{
    for (int i = 0; i < 2; i++) {
        if (run->src[i] < 0)
            continue;
        fcntl(run->src[i], F_SETFL, O_NONBLOCK);
        while (run->src[i] >= 0 && boot_pump(run, i) > 0)
            ;
        if (run->src[i] >= 0) {
            close(run->src[i]);
            run->src[i] = -1;
        }
        if (run->line[i].len)
            boot_line_flush(&run->line[i], true);
    }
}

static bool boot_reap(struct boot_run *run, int flags)
{
    pid_t r;

    do
        r = waitpid(run->pid, &run->status, flags);
    while (r < 0 && errno == EINTR);
    if (r == run->pid) {
        run->pid = 0;
        return true;
    }
    return false;
}

/* Kill QEMU's whole process group: SIGTERM, then SIGKILL after a grace. */
static void boot_stop_qemu(struct boot_run *run)
{
    struct timespec tick = {0, 20 * 1000 * 1000};

    run->line[1].we_killed = true;
    kill(-run->pid, SIGTERM);
    for (int ms = 0; ms < BOOT_STOP_GRACE_MS; ms += 20) {
        if (boot_reap(run, WNOHANG))
            return;
        nanosleep(&tick, NULL);
    }
    kill(-run->pid, SIGKILL);
    boot_reap(run, 0);
}

/* Make sure fds 0-2 are open, so no pipe of ours lands on them. */
static void boot_fix_stdio(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        int null = open("/dev/null", fd ? O_WRONLY : O_RDONLY);
        if (null >= 0 && null != fd) {
            dup2(null, fd);
            close(null);
        }
    }
}

/*
 * QEMU runs in a process group of its own (so that it can be killed with
 * everything it started).  When stdin is our controlling terminal, that
 * group must also be the terminal's foreground group: `-serial stdio`
 * puts the terminal in raw mode and reads it, and a background group
 * doing either is stopped (SIGTTOU/SIGTTIN), which left QEMU frozen and
 * `make run` silent in a terminal.  The child takes the foreground before
 * exec (SIGTTOU blocked meanwhile); we take it back when QEMU is gone.
 */
static bool boot_tty;                   /* stdin is our terminal, in front */
static struct termios boot_tty_saved;

static void boot_tty_check(void)
{
    boot_tty = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp() &&
               tcgetattr(STDIN_FILENO, &boot_tty_saved) == 0;
}

/* Make our process group the terminal's foreground (SIGTTOU held off). */
static void boot_tty_foreground(bool restore_settings)
{
    sigset_t ttou, old;

    if (!boot_tty)
        return;
    sigemptyset(&ttou);
    sigaddset(&ttou, SIGTTOU);
    sigprocmask(SIG_BLOCK, &ttou, &old);
    (void)tcsetpgrp(STDIN_FILENO, getpgrp());
    if (restore_settings)       /* as before QEMU may have left them raw */
        (void)tcsetattr(STDIN_FILENO, TCSANOW, &boot_tty_saved);
    sigprocmask(SIG_SETMASK, &old, NULL);
}

static void boot_child_exec(char **argv, pid_t parent, int report_fd,
                            const int out[2], const int err[2])
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGPIPE};
    sigset_t none;
    int null, e;

    setpgid(0, 0);
    boot_tty_foreground(false);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    /* stdin stays ours: what is typed (or piped) reaches the serial line,
     * and from there the domain with the console input focus. */
    (void)null;
    if (dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0) {
        e = errno;
    } else {
        execvp(argv[0], argv);
        e = errno;
    }
    if (write(report_fd, &e, sizeof(e)) < 0)
        _exit(127);
    _exit(127);
}

/* Start QEMU in its own process group.  Returns 0 or a positive errno. */
static int boot_spawn(struct boot_run *run, char **argv)
{
    int report[2], out[2], err[2], e = 0;
    pid_t parent = getpid();
    ssize_t n;

    if (pipe2(report, O_CLOEXEC))
        return errno;
    if (pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC))
        return errno; /* exiting soon: fds are not worth unwinding */
    run->pid = fork();
    if (run->pid < 0)
        return errno;
    if (run->pid == 0)
        boot_child_exec(argv, parent, report[1], out, err);
    setpgid(run->pid, run->pid); /* whichever of us runs first */
    close(report[1]);
    close(out[1]);
    close(err[1]);
    do
        n = read(report[0], &e, sizeof(e));
    while (n < 0 && errno == EINTR);
    close(report[0]);
    run->src[0] = out[0];
    run->src[1] = err[0];
    if (n == sizeof(e)) {
        boot_reap(run, 0);
        close(out[0]);
        close(err[0]);
        return e ? e : EIO;
    }
    return 0;
}

static long boot_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

enum boot_wait {
    BOOT_QEMU_EXITED,
    BOOT_TIMED_OUT,
    BOOT_SIGNALLED,
    BOOT_QEMU_STUCK, /* QEMU reported a fatal vCPU error and idles */
};

/*
 * Stream QEMU's output until it exits, the deadline passes, or we are told
 * to stop.  Signals are blocked except inside ppoll(), so none is missed.
 */
static enum boot_wait boot_supervise(struct boot_run *run, unsigned timeout,
                                     const sigset_t *wait_mask)
{
    long deadline = boot_now_ms() + (long)timeout * 1000L;
    bool stuck = false;

    for (;;) {
        struct pollfd pfd[2];
        struct timespec ts, *tsp = NULL;
        nfds_t n = 0;
        int idx[2];

        if (boot_child_event) {
            boot_child_event = 0;
            if (boot_reap(run, WNOHANG))
                return BOOT_QEMU_EXITED;
        }
        if (boot_stop_signal)
            return BOOT_SIGNALLED;
        if (!stuck && run->line[1].matched) {
            stuck = true;
            timeout = 1; /* only makes the deadline below count */
            deadline = boot_now_ms() + BOOT_FATAL_LINGER_MS;
        }
        if (timeout) {
            long left = deadline - boot_now_ms();

            if (left <= 0)
                return stuck ? BOOT_QEMU_STUCK : BOOT_TIMED_OUT;
            ts.tv_sec = left / 1000;
            ts.tv_nsec = (left % 1000) * 1000000L;
            tsp = &ts;
        }
        for (int i = 0; i < 2; i++) {
            if (run->src[i] < 0)
                continue;
            pfd[n].fd = run->src[i];
            pfd[n].events = POLLIN;
            idx[n++] = i;
        }
        if (ppoll(pfd, n, tsp, wait_mask) <= 0)
            continue;
        for (nfds_t k = 0; k < n; k++)
            if (pfd[k].revents)
                boot_pump(run, idx[k]);
    }
}

static void boot_signals(sigset_t *wait_mask)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGCHLD};
    struct sigaction sa;
    sigset_t block;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = boot_on_signal;
    sigemptyset(&sa.sa_mask);
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
        sigaction(sigs[i], &sa, NULL);
        sigaddset(&block, sigs[i]);
    }
    signal(SIGPIPE, SIG_IGN);
    sigprocmask(SIG_BLOCK, &block, wait_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigdelset(wait_mask, sigs[i]);
}

static int boot_run_qemu(struct qemu_cmd *cmd, const struct boot_args *args)
{
    struct boot_run run = {
        .src = {-1, -1},
        .line = {{.fd = STDOUT_FILENO}, {.fd = STDERR_FILENO, .watch = true}},
    };
    struct qemu_end end;
    char reason[256];
    sigset_t wait_mask;
    enum boot_wait how;
    int e, status;

    boot_signals(&wait_mask);
    boot_tty_check();
    e = boot_spawn(&run, cmd->argv);
    if (e) {
        boot_tty_foreground(true);
        xenia_err("cannot run %s: %s", cmd->argv[0], strerror(e));
        return XENIA_EXIT_NOQEMU;
    }
    how = boot_supervise(&run, args->timeout, &wait_mask);
    if (how != BOOT_QEMU_EXITED)
        boot_stop_qemu(&run);
    boot_tty_foreground(true);
    boot_drain(&run);
    if (how == BOOT_TIMED_OUT) {
        xenia_err("timeout after %u s", args->timeout);
        return XENIA_EXIT_TIMEOUT;
    }
    if (how == BOOT_SIGNALLED) {
        const char *name = sigabbrev_np(boot_stop_signal);

        if (name)
            xenia_err("stopped by SIG%s; QEMU killed", name);
        else
            xenia_err("stopped by signal %d; QEMU killed", boot_stop_signal);
        return XENIA_EXIT_OTHER;
    }
    if (how == BOOT_QEMU_STUCK) {
        xenia_err("QEMU stopped the machine on a fatal error (see above)");
        return XENIA_EXIT_OTHER;
    }
    end.exited = WIFEXITED(run.status);
    end.code = end.exited ? WEXITSTATUS(run.status) : WTERMSIG(run.status);
    end.saw_output = run.saw_output;
    status = boot_exit_status(&end, reason, sizeof(reason));
    if (status)
        xenia_err("%s", reason);
    return status;
}

/* A readable regular file, or a message saying why not. */
static int boot_check_file(const char *what, const char *path)
{
    struct stat st;

    if (stat(path, &st)) {
        xenia_err("%s '%s': %s", what, path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        xenia_err("%s '%s': not a regular file", what, path);
        return -1;
    }
    if (access(path, R_OK)) {
        xenia_err("%s '%s': %s", what, path, strerror(errno));
        return -1;
    }
    return 0;
}

static int boot_check_files(const struct boot_args *args, const char *hv)
{
    if (boot_check_file("hypervisor image", hv) ||
        boot_check_file("KERNEL", args->kernel))
        return -1;
    for (size_t i = 0; i < args->nr_modules; i++)
        if (boot_check_file("module", args->modules[i].path))
            return -1;
    return 0;
}

/* --hv, else $XENIA_HV, else hypervisor/xenia beside this executable. */
static const char *boot_find_hv(const struct boot_args *args, char *buf,
                                size_t len)
{
    const char *env = getenv("XENIA_HV");
    char exe[PATH_MAX];
    ssize_t n;
    char *slash;

    if (args->hv)
        return args->hv;
    if (env && *env)
        return env;
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return "build/hypervisor/xenia";
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    *slash = '\0';
    snprintf(buf, len, "%s/hypervisor/xenia", exe);
    return buf;
}

/*
 * KVM when /dev/kvm opens -- unless it is PVM (kvm_pvm), under which a
 * ring-3 PV guest's syscall reaches the hypervisor still at CPL 3, so no
 * hypercall can work (docs/ARCHITECTURE.md, "Known problems").  XENIA_KVM=1
 * insists on KVM anyway.
 */
static bool boot_kvm_usable(void)
{
    const char *force = getenv("XENIA_KVM");
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return false;
    close(fd);
    if (access("/sys/module/kvm_pvm", F_OK) == 0 && !(force && !strcmp(force, "1"))) {
        fprintf(stderr, "xenia: /dev/kvm is PVM (kvm_pvm), which cannot run PV guests' "
                        "hypercalls: using TCG (XENIA_KVM=1 overrides)\n");
        return false;
    }
    return true;
}

int cmd_boot(int argc, char **argv)
{
    const char *qemu = getenv("XENIA_QEMU");
    struct boot_args args;
    struct boot_host host;
    struct qemu_cmd cmd;
    char hv[PATH_MAX + 32];
    int rc = XENIA_EXIT_USAGE;

    boot_fix_stdio();
    if (boot_args_parse(&args, argc, argv)) {
        xenia_err("boot: %s (see 'xenia help boot')", args.err);
        goto out;
    }
    if (args.help) {
        fputs(cmd_boot_usage, stdout);
        rc = 0;
        goto out;
    }
    host.qemu = qemu && *qemu ? qemu : "qemu-system-x86_64";
    host.hv_path = boot_find_hv(&args, hv, sizeof(hv));
    host.kvm_usable = boot_kvm_usable();
    host.kvm_cpu = BOOT_KVM_CPU;
    if (!args.dry_run && boot_check_files(&args, host.hv_path))
        goto out;
    if (qemu_cmd_build(&cmd, &args, &host)) {
        xenia_err("out of memory");
        rc = XENIA_EXIT_OTHER;
        goto out;
    }
    if (args.dry_run) {
        char *line = qemu_cmd_format(&cmd);

        rc = line ? 0 : XENIA_EXIT_OTHER;
        if (line)
            printf("%s\n", line);
        else
            xenia_err("out of memory");
        free(line);
    } else {
        fflush(stdout);
        rc = boot_run_qemu(&cmd, &args);
    }
    qemu_cmd_release(&cmd);
out:
    boot_args_release(&args);
    return rc;
}
