/* SPDX-License-Identifier: GPL-2.0-only */
/* `xenia boot`: argument model, QEMU command builder, exit-status policy. */
#ifndef XENIA_TOOLS_BOOT_ARGS_H
#define XENIA_TOOLS_BOOT_ARGS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Exit statuses of `xenia boot`.  The hypervisor ends a run by writing one
 * byte V to the isa-debug-exit port 0xf4, and QEMU exits with (V << 1) | 1;
 * V 0..3 map to the statuses of the same number, V 4 (reboot or another
 * shutdown reason) and anything unexpected to XENIA_EXIT_OTHER.
 */
enum xenia_exit {
    XENIA_EXIT_OK = 0,          /* dom0 powered off with code 0 */
    XENIA_EXIT_DOM0_FAILED = 1, /* dom0 powered off with a non-zero code */
    XENIA_EXIT_CRASH = 2,       /* dom0 crashed */
    XENIA_EXIT_PANIC = 3,       /* hypervisor panic */
    XENIA_EXIT_TIMEOUT = 4,
    XENIA_EXIT_OTHER = 5,   /* reboot, signal, QEMU's own exit, ... */
    XENIA_EXIT_USAGE = 64,  /* EX_USAGE */
    XENIA_EXIT_NOQEMU = 69, /* EX_UNAVAILABLE: QEMU could not be started */
};

#define BOOT_DEFAULT_TIMEOUT 120 /* seconds */
#define BOOT_DEFAULT_MEMORY  512 /* MiB */
#define BOOT_MIN_MEMORY      32
#define BOOT_MAX_MEMORY      65536
#define BOOT_MAX_TIMEOUT     86400
#define BOOT_DEFAULT_HV_ARGS "console=com1 loglvl=info"
#define BOOT_TCG_CPU         "max"

struct boot_module {
    char *path;
    char *args; /* never NULL; "" when none */
};

/* Everything the user said; strings are owned (boot_args_release). */
struct boot_args {
    bool tcg;
    bool dry_run;
    bool help;
    unsigned int timeout; /* seconds; 0 = none */
    unsigned int memory;  /* MiB */
    char *cpu;            /* NULL: default for the accelerator */
    char *hv;             /* NULL: found by the caller */
    char *hv_args;        /* NULL: nothing appended */
    char *kernel;
    char *kernel_args; /* NULL: none */
    struct boot_module *modules;
    size_t nr_modules;
    char **qemu_extra;
    size_t nr_qemu_extra;
    char err[256]; /* why boot_args_parse failed */
};

/*
 * Parse the words after "boot".  Options may appear anywhere; "--" ends
 * them.  Returns 0 (check args->help), or -1 with args->err set.  Either
 * way args must be released with boot_args_release().
 */
int boot_args_parse(struct boot_args *args, int argc, char *const argv[]);
void boot_args_release(struct boot_args *args);

/* Facts about the host the QEMU command depends on, found by the caller. */
struct boot_host {
    const char *qemu;    /* QEMU binary */
    const char *hv_path; /* hypervisor image */
    bool kvm_usable;     /* /dev/kvm opens read-write */
    const char *kvm_cpu; /* CPU model under KVM unless --cpu */
};

/* A NULL-terminated argv for execvp(); strings owned. */
struct qemu_cmd {
    char **argv;
    size_t argc;
    size_t cap;
};

/* Build the QEMU command line.  Returns 0, or -1 when out of memory. */
int qemu_cmd_build(struct qemu_cmd *cmd, const struct boot_args *args,
                   const struct boot_host *host);
void qemu_cmd_release(struct qemu_cmd *cmd);

/*
 * QEMU splits some option values at ',' and reads ",," as a literal comma.
 * Returns a new string, or NULL when out of memory.
 */
char *qemu_escape_commas(const char *s);

/* A word the POSIX shell reads back as s.  New string, or NULL (no memory). */
char *shell_quote(const char *s);

/* The whole command as one shell-quoted line.  New string, or NULL. */
char *qemu_cmd_format(const struct qemu_cmd *cmd);

/*
 * Whether a line QEMU wrote on stderr means the machine has stopped for
 * good while QEMU itself keeps running (a KVM internal error pauses the VM).
 */
bool qemu_stderr_fatal(const char *line);

/* How QEMU ended, as observed by the caller. */
struct qemu_end {
    bool exited;     /* false: killed by a signal */
    int code;        /* exit status, or the signal number */
    bool saw_output; /* the machine wrote anything on its serial line */
};

/*
 * Map QEMU's end to `xenia boot`'s exit status (enum xenia_exit) and, for
 * non-zero statuses, a one-line reason written to reason[len].
 */
int boot_exit_status(const struct qemu_end *end, char *reason, size_t len);

#endif /* XENIA_TOOLS_BOOT_ARGS_H */
