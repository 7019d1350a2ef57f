/* SPDX-License-Identifier: GPL-2.0-only */
/* The xenia CLI: subcommand table entries and helpers shared by their files. */
#ifndef XENIA_TOOLS_XENIA_H
#define XENIA_TOOLS_XENIA_H

#define XENIA_VERSION "0.1.0"

/* One subcommand.  The handler gets the words after the subcommand's name
 * and returns the process exit status. */
struct xenia_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary; /* one line, for `xenia help` */
    const char *usage;   /* full text, for `xenia help NAME` */
};

/* Print "xenia: <message>" on stderr. */
void xenia_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_boot(int argc, char **argv);
extern const char cmd_boot_usage[];

#endif /* XENIA_TOOLS_XENIA_H */
