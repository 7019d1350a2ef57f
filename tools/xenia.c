/* SPDX-License-Identifier: GPL-2.0-only */
/* The xenia CLI entry point: dispatches subcommands from one table. */
#include "xenia.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "boot_args.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const char cmd_help_usage[] =
    "usage: xenia help [COMMAND]\n"
    "\n"
    "Without COMMAND, list the commands; with it, show its usage.\n";

static const char cmd_version_usage[] = "usage: xenia version\n"
                                        "\n"
                                        "Print the toolstack's version.\n";

static const struct xenia_cmd xenia_cmds[] = {
    {"boot", cmd_boot, "boot the hypervisor and a dom0 kernel in QEMU",
     cmd_boot_usage},
    {"help", cmd_help, "show the commands, or one command's usage",
     cmd_help_usage},
    {"version", cmd_version, "print the version", cmd_version_usage},
};

#define NR_XENIA_CMDS (sizeof(xenia_cmds) / sizeof(xenia_cmds[0]))

void xenia_err(const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("xenia: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static const struct xenia_cmd *xenia_cmd_find(const char *name)
{
    for (size_t i = 0; i < NR_XENIA_CMDS; i++)
        if (!strcmp(xenia_cmds[i].name, name))
            return &xenia_cmds[i];
    return NULL;
}

static void xenia_usage(FILE *f)
{
    fputs("usage: xenia COMMAND [ARGS]\n\ncommands:\n", f);
    for (size_t i = 0; i < NR_XENIA_CMDS; i++)
        fprintf(f, "  %-10s %s\n", xenia_cmds[i].name, xenia_cmds[i].summary);
    fputs("\nRun 'xenia help COMMAND' for a command's usage.\n", f);
}

static int cmd_help(int argc, char **argv)
{
    const struct xenia_cmd *cmd;

    if (argc == 0) {
        xenia_usage(stdout);
        return 0;
    }
    if (argc > 1) {
        xenia_err("help: too many arguments");
        return XENIA_EXIT_USAGE;
    }
    cmd = xenia_cmd_find(argv[0]);
    if (!cmd) {
        xenia_err("help: unknown command '%s'", argv[0]);
        return XENIA_EXIT_USAGE;
    }
    fputs(cmd->usage, stdout);
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    (void)argv;
    if (argc) {
        xenia_err("version: takes no arguments");
        return XENIA_EXIT_USAGE;
    }
    printf("xenia %s\n", XENIA_VERSION);
    return 0;
}

int main(int argc, char **argv)
{
    const struct xenia_cmd *cmd;

    if (argc < 2) {
        xenia_usage(stderr);
        return XENIA_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
        return cmd_help(0, NULL);
    if (!strcmp(argv[1], "--version"))
        return cmd_version(0, NULL);
    cmd = xenia_cmd_find(argv[1]);
    if (!cmd) {
        xenia_err("unknown command '%s' (try 'xenia help')", argv[1]);
        return XENIA_EXIT_USAGE;
    }
    return cmd->run(argc - 2, argv + 2);
}
