/* SPDX-License-Identifier: GPL-2.0-only */
/* `xenia boot`: QEMU command line, quoting, exit-status policy; no I/O. */
#include "boot_args.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *qemu_escape_commas(const char *s)
{
    size_t commas = 0;
    char *out, *p;

    for (const char *c = s; *c; c++)
        commas += *c == ',';
    out = malloc(strlen(s) + commas + 1);
    if (!out)
        return NULL;
    for (p = out; *s; s++) {
        *p++ = *s;
        if (*s == ',')
            *p++ = ',';
    }
    *p = '\0';
    return out;
}

static bool shell_is_safe(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c && strchr("@%+=:,./_-", c));
}

char *shell_quote(const char *s)
{
    size_t len = 0, quotes = 0;
    bool safe = *s != '\0';
    char *out, *p;

    for (const char *c = s; *c; c++, len++) {
        safe = safe && shell_is_safe(*c);
        quotes += *c == '\'';
    }
    if (safe)
        return strdup(s);
    /* 'it'\''s': each ' closes the quote, adds \', and reopens it. */
    out = malloc(len + 3 * quotes + 3);
    if (!out)
        return NULL;
    p = out;
    *p++ = '\'';
    for (; *s; s++) {
        if (*s == '\'') {
            memcpy(p, "'\\''", 4);
            p += 4;
        } else {
            *p++ = *s;
        }
    }
    *p++ = '\'';
    *p = '\0';
    return out;
}

/* Append one word, taking ownership of it (NULL: out of memory). */
static int qemu_cmd_push_owned(struct qemu_cmd *cmd, char *word)
{
    if (!word)
        return -1;
    if (cmd->argc + 2 > cmd->cap) {
        size_t cap = cmd->cap ? cmd->cap * 2 : 32;
        char **argv = realloc(cmd->argv, cap * sizeof(*argv));

        if (!argv) {
            free(word);
            return -1;
        }
        cmd->argv = argv;
        cmd->cap = cap;
    }
    cmd->argv[cmd->argc++] = word;
    cmd->argv[cmd->argc] = NULL;
    return 0;
}

static int qemu_cmd_push(struct qemu_cmd *cmd, const char *word)
{
    return qemu_cmd_push_owned(cmd, strdup(word));
}

static int qemu_cmd_pushf(struct qemu_cmd *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int qemu_cmd_pushf(struct qemu_cmd *cmd, const char *fmt, ...)
{
    va_list ap;
    char *word;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&word, fmt, ap);
    va_end(ap);
    return qemu_cmd_push_owned(cmd, n < 0 ? NULL : word);
}

/* "FILE ARGS" (or "FILE" alone), commas doubled: one -initrd item. */
static char *qemu_initrd_item(const char *path, const char *args)
{
    char *item, *escaped;

    if (asprintf(&item, "%s%s%s", path, args && *args ? " " : "",
                 args ? args : "") < 0)
        return NULL;
    escaped = qemu_escape_commas(item);
    free(item);
    return escaped;
}

/* The multiboot module list: dom0's kernel first, then each --module. */
static char *qemu_initrd_list(const struct boot_args *args)
{
    char *list = qemu_initrd_item(args->kernel, args->kernel_args);

    for (size_t i = 0; list && i < args->nr_modules; i++) {
        char *item =
            qemu_initrd_item(args->modules[i].path, args->modules[i].args);
        char *joined = NULL;

        if (item && asprintf(&joined, "%s,%s", list, item) < 0)
            joined = NULL;
        free(item);
        free(list);
        list = joined;
    }
    return list;
}

static int qemu_cmd_push_accel(struct qemu_cmd *cmd,
                               const struct boot_args *args,
                               const struct boot_host *host)
{
    bool kvm = host->kvm_usable && !args->tcg;
    const char *cpu = args->cpu ? args->cpu
                      : kvm     ? host->kvm_cpu
                                : BOOT_TCG_CPU;

    if (qemu_cmd_push(cmd, "-accel") || qemu_cmd_push(cmd, kvm ? "kvm" : "tcg"))
        return -1;
    return qemu_cmd_push(cmd, "-cpu") || qemu_cmd_push(cmd, cpu);
}

int qemu_cmd_build(struct qemu_cmd *cmd, const struct boot_args *args,
                   const struct boot_host *host)
{
    static const char *const fixed[] = {
        "-M",
        "pc",
        "-smp",
        "1",
        "-display",
        "none",
        "-monitor",
        "none",
        "-no-reboot",
        "-serial",
        "stdio",
        "-device",
        "isa-debug-exit,iobase=0xf4,iosize=0x04",
    };
    bool extra_hv = args->hv_args && *args->hv_args;
    int rc = -1;

    memset(cmd, 0, sizeof(*cmd));
    if (qemu_cmd_push(cmd, host->qemu) || qemu_cmd_push(cmd, fixed[0]) ||
        qemu_cmd_push(cmd, fixed[1]) || qemu_cmd_push(cmd, "-m") ||
        qemu_cmd_pushf(cmd, "%u", args->memory))
        goto out;
    for (size_t i = 2; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (qemu_cmd_push(cmd, fixed[i]))
            goto out;
    if (qemu_cmd_push_accel(cmd, args, host) || qemu_cmd_push(cmd, "-kernel") ||
        qemu_cmd_push(cmd, host->hv_path) || qemu_cmd_push(cmd, "-append") ||
        qemu_cmd_pushf(cmd, "%s%s%s", BOOT_DEFAULT_HV_ARGS, extra_hv ? " " : "",
                       extra_hv ? args->hv_args : "") ||
        qemu_cmd_push(cmd, "-initrd") ||
        qemu_cmd_push_owned(cmd, qemu_initrd_list(args)))
        goto out;
    for (size_t i = 0; i < args->nr_qemu_extra; i++)
        if (qemu_cmd_push(cmd, args->qemu_extra[i]))
            goto out;
    rc = 0;
out:
    if (rc)
        qemu_cmd_release(cmd);
    return rc;
}

void qemu_cmd_release(struct qemu_cmd *cmd)
{
    for (size_t i = 0; i < cmd->argc; i++)
        free(cmd->argv[i]);
    free(cmd->argv);
    memset(cmd, 0, sizeof(*cmd));
}

char *qemu_cmd_format(const struct qemu_cmd *cmd)
{
    char *line = strdup("");

    for (size_t i = 0; line && i < cmd->argc; i++) {
        char *word = shell_quote(cmd->argv[i]);
        char *joined = NULL;

        if (word && asprintf(&joined, "%s%s%s", line, i ? " " : "", word) < 0)
            joined = NULL;
        free(word);
        free(line);
        line = joined;
    }
    return line;
}

bool qemu_stderr_fatal(const char *line)
{
    static const char *const fatal[] = {
        "KVM internal error.",
        "error: kvm run failed",
    };

    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
        if (!strncmp(line, fatal[i], strlen(fatal[i])))
            return true;
    return false;
}

/* What the byte V written to port 0xf4 means; see enum xenia_exit. */
static const struct {
    int status;
    const char *reason;
} boot_debug_exit[] = {
    {XENIA_EXIT_OK, NULL},
    {XENIA_EXIT_DOM0_FAILED, "dom0 powered off with a non-zero code"},
    {XENIA_EXIT_CRASH, "dom0 crashed"},
    {XENIA_EXIT_PANIC, "hypervisor panic"},
    {XENIA_EXIT_OTHER, "dom0 asked for a reboot or shut down for another "
                       "reason"},
};

int boot_exit_status(const struct qemu_end *end, char *reason, size_t len)
{
    unsigned int v;

    if (len)
        reason[0] = '\0';
    if (!end->exited) {
        snprintf(reason, len, "QEMU was killed by signal %d (%s)", end->code,
                 strsignal(end->code));
        return XENIA_EXIT_OTHER;
    }
    if (!(end->code & 1)) {
        snprintf(reason, len, "QEMU exited on its own with status %d%s",
                 end->code,
                 end->code ? "" : " (the machine reset or triple-faulted)");
        return XENIA_EXIT_OTHER;
    }
    /* QEMU's own failures exit 1 too, which reads as V = 0: tell them apart
     * by the machine never having said anything. */
    if (end->code == 1 && !end->saw_output) {
        snprintf(reason, len,
                 "QEMU exited with status 1 before the machine "
                 "wrote anything: QEMU could not start it");
        return XENIA_EXIT_NOQEMU;
    }
    v = (unsigned int)end->code >> 1;
    if (v >= sizeof(boot_debug_exit) / sizeof(boot_debug_exit[0])) {
        snprintf(reason, len, "hypervisor ended the run with unknown code %u",
                 v);
        return XENIA_EXIT_OTHER;
    }
    if (boot_debug_exit[v].reason)
        snprintf(reason, len, "%s", boot_debug_exit[v].reason);
    return boot_debug_exit[v].status;
}
