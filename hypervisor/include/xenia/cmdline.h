/* SPDX-License-Identifier: GPL-2.0-only */
/* Xen-style hypervisor command line against a caller-owned parameter table. */
#ifndef XENIA_CMDLINE_H
#define XENIA_CMDLINE_H

#include <xenia/lib.h>

/*
 * Syntax (Xen's): words separated by blanks; each word is
 *   name=value   name   no-name
 * '"' toggles quoting anywhere in a word, so `console="com1 vga"` and
 * `"console=com1 vga"` both give console the value `com1 vga`; the quote
 * characters are removed. '-' and '_' are the same character in names.
 * A later word overrides an earlier one.
 */

enum cmdline_type {
    CMDLINE_BOOL,   /* bool *: name | no-name | name=yes/on/true/enable/1 |
                       =no/off/false/disable/0 */
    CMDLINE_UINT,   /* unsigned int *: decimal or 0x-hex, within [min, max] */
    CMDLINE_SIZE,   /* uint64_t * bytes: number + T/G/M/K/B; no suffix means KiB
                       (Xen) */
    CMDLINE_STRING, /* char[size]: the value, NUL-terminated; too long is an
                       error */
    CMDLINE_CUSTOM, /* parse(var, value, err, errlen); value NULL for a bare
                       name */
};

#define CMDLINE_VALUE_MAX 256 /* longest value for non-string types */

struct cmdline_param {
    const char *name;
    enum cmdline_type type;
    void *var;
    size_t size;           /* CMDLINE_STRING: buffer size incl NUL */
    unsigned int min, max; /* CMDLINE_UINT: inclusive; max 0 = no upper limit */
    int (*parse)(void *var, const char *val, char *err, size_t errlen);
};

/* Called for each word whose name is not in the table: the whole word. */
typedef void (*cmdline_unknown_fn)(void *ctx, const char *word, size_t len);

/*
 * Parse line against tbl[0..n). Every valid parameter is applied (a variable
 * is written only once its value parsed completely); unknown names go to
 * unknown() (may be NULL) and are not an error. Returns 0, or -XEN_EINVAL if
 * any value was bad, with the first message ("loglvl: bad value 'x'") in err.
 */
int cmdline_parse(const char *line, const struct cmdline_param *tbl, size_t n,
                  cmdline_unknown_fn unknown, void *ctx, char *err,
                  size_t errlen);

/* Parse a size (CMDLINE_SIZE rules) from a NUL-terminated string. */
int cmdline_parse_size(const char *s, uint64_t *out);

/* Log levels in Xen's order (loglvl=none|error|warning|info|debug|all). */
enum cmdline_loglvl {
    LOGLVL_NONE,
    LOGLVL_ERROR,
    LOGLVL_WARNING,
    LOGLVL_INFO,
    LOGLVL_DEBUG,
    LOGLVL_ALL,
};

/*
 * CMDLINE_CUSTOM parser for loglvl=: var is an unsigned int * receiving an
 * enum cmdline_loglvl. Xen's "lvl/rate-limited-lvl" form is accepted; the
 * part after '/' is checked and otherwise ignored.
 */
int cmdline_parse_loglvl(void *var, const char *val, char *err, size_t errlen);

/*
 * dom0_mem=[min:SIZE,][max:SIZE,][SIZE] (any order, comma-separated).
 * Xen's negative sizes ("all but") are refused.
 */
struct cmdline_dom0_mem {
    uint64_t amount, min, max; /* bytes */
    bool has_amount, has_min, has_max;
};

/* CMDLINE_CUSTOM parser for dom0_mem=: var is a struct cmdline_dom0_mem *. */
int cmdline_parse_dom0_mem(void *var, const char *val, char *err,
                           size_t errlen);

/*
 * Split a multiboot string "path arg arg" (GRUB and QEMU give module and
 * kernel strings this way) into its first word and the rest: *word/returned
 * length is the first blank-delimited word, *rest the text after the blanks
 * that follow it (never NULL; "" when there is none). s may be NULL.
 */
size_t cmdline_first_word(const char *s, const char **word, const char **rest);

#endif /* XENIA_CMDLINE_H */
