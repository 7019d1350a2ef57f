/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite for hypervisor/common/cmdline.c with the hypervisor's params. */
#include <xenia/cmdline.h>

#include "check_suite.h"
#include <stdlib.h>

#include <xen/errno.h>

/* Expected values override the defaults field by field. */
#pragma GCC diagnostic ignored "-Woverride-init"

struct vars {
    char console[16];
    unsigned int loglvl;
    struct cmdline_dom0_mem dom0_mem;
    bool noreboot, sync_console;
    unsigned int timer_hz;
    uint64_t conring_size;
};

#define DEFAULTS                                                               \
    .console = "com1", .loglvl = LOGLVL_WARNING, .timer_hz = 100,              \
    .conring_size = 16384

static struct vars v;

/* The table the hypervisor will use, plus a SIZE and a second BOOL. */
static const struct cmdline_param params[] = {
    {.name = "console",
     .type = CMDLINE_STRING,
     .var = v.console,
     .size = sizeof(v.console)},
    {.name = "loglvl",
     .type = CMDLINE_CUSTOM,
     .var = &v.loglvl,
     .parse = cmdline_parse_loglvl},
    {.name = "dom0_mem",
     .type = CMDLINE_CUSTOM,
     .var = &v.dom0_mem,
     .parse = cmdline_parse_dom0_mem},
    {.name = "noreboot", .type = CMDLINE_BOOL, .var = &v.noreboot},
    {.name = "sync_console", .type = CMDLINE_BOOL, .var = &v.sync_console},
    {.name = "timer_hz",
     .type = CMDLINE_UINT,
     .var = &v.timer_hz,
     .min = 10,
     .max = 10000},
    {.name = "conring_size", .type = CMDLINE_SIZE, .var = &v.conring_size},
};

/* Unknown words are collected here, '|'-separated. */
static char unknown_seen[256];

static void collect_unknown(void *ctx, const char *word, size_t len)
{
    char *buf = ctx;
    size_t at = strlen(buf);

    ck_assert_uint_lt(at + len + 2, sizeof(unknown_seen));
    if (at)
        buf[at++] = '|';
    memcpy(buf + at, word, len);
    buf[at + len] = '\0';
}

struct cl_case {
    const char *line;
    int rc;
    const char *err; /* substring of the message; "" when rc == 0 */
    struct vars want;
    const char *unknown;
};

#define MiB (1ull << 20)

static const struct cl_case cases[] = {
    /* Empty and blank lines. */
    {"", 0, "", {DEFAULTS}, ""},
    {"   \t ", 0, "", {DEFAULTS}, ""},
    /* Strings, including quoting. */
    {"console=com1,vga", 0, "", {DEFAULTS, .console = "com1,vga"}, ""},
    {"console=\"com1 vga\" noreboot",
     0,
     "",
     {DEFAULTS, .console = "com1 vga", .noreboot = true},
     ""},
    {"\"console=com1 vga\"", 0, "", {DEFAULTS, .console = "com1 vga"}, ""},
    {"console=", 0, "", {DEFAULTS, .console = ""}, ""},
    {"console=123456789012345",
     0,
     "",
     {DEFAULTS, .console = "123456789012345"},
     ""},
    {"console=1234567890123456",
     -XEN_EINVAL,
     "console: value longer than 15 characters",
     {DEFAULTS},
     ""},
    {"console", -XEN_EINVAL, "console: needs a value", {DEFAULTS}, ""},
    {"console=\"com1",
     -XEN_EINVAL,
     "unterminated quote in 'console=\"com1'",
     {DEFAULTS},
     ""},
    /* Booleans. */
    {"noreboot", 0, "", {DEFAULTS, .noreboot = true}, ""},
    {"noreboot no-noreboot", 0, "", {DEFAULTS}, ""},
    {"noreboot=on sync-console=yes",
     0,
     "",
     {DEFAULTS, .noreboot = true, .sync_console = true},
     ""},
    {"noreboot=1 noreboot=false", 0, "", {DEFAULTS}, ""},
    {"sync_console no_sync_console", 0, "", {DEFAULTS}, ""},
    {"noreboot=maybe",
     -XEN_EINVAL,
     "noreboot: bad boolean 'maybe'",
     {DEFAULTS},
     ""},
    {"no-noreboot=1",
     -XEN_EINVAL,
     "no-noreboot: only a boolean",
     {DEFAULTS},
     ""},
    {"no-timer_hz", -XEN_EINVAL, "no-timer_hz: only a boolean", {DEFAULTS}, ""},
    /* Unsigned integers. */
    {"timer_hz=250", 0, "", {DEFAULTS, .timer_hz = 250}, ""},
    {"timer-hz=0x3e8", 0, "", {DEFAULTS, .timer_hz = 1000}, ""},
    {"timer_hz=10000", 0, "", {DEFAULTS, .timer_hz = 10000}, ""},
    {"timer_hz=10001",
     -XEN_EINVAL,
     "timer_hz: 10001 out of range [10, 10000]",
     {DEFAULTS},
     ""},
    {"timer_hz=9", -XEN_EINVAL, "out of range", {DEFAULTS}, ""},
    {"timer_hz=12x", -XEN_EINVAL, "timer_hz: bad number '12x'", {DEFAULTS}, ""},
    {"timer_hz=", -XEN_EINVAL, "timer_hz: bad number ''", {DEFAULTS}, ""},
    {"timer_hz=-5", -XEN_EINVAL, "bad number", {DEFAULTS}, ""},
    {"timer_hz=99999999999999999999999",
     -XEN_EINVAL,
     "bad number",
     {DEFAULTS},
     ""},
    {"timer_hz", -XEN_EINVAL, "timer_hz: needs a value", {DEFAULTS}, ""},
    /* Sizes: no suffix means KiB, as Xen. */
    {"conring_size=64k", 0, "", {DEFAULTS, .conring_size = 65536}, ""},
    {"conring_size=2M", 0, "", {DEFAULTS, .conring_size = 2 * MiB}, ""},
    {"conring_size=1G", 0, "", {DEFAULTS, .conring_size = 1024 * MiB}, ""},
    {"conring_size=1T", 0, "", {DEFAULTS, .conring_size = 1ull << 40}, ""},
    {"conring_size=4096b", 0, "", {DEFAULTS, .conring_size = 4096}, ""},
    {"conring_size=32", 0, "", {DEFAULTS, .conring_size = 32768}, ""},
    {"conring_size=0x10M", 0, "", {DEFAULTS, .conring_size = 16 * MiB}, ""},
    {"conring_size=16Q",
     -XEN_EINVAL,
     "conring_size: bad size '16Q'",
     {DEFAULTS},
     ""},
    {"conring_size=M", -XEN_EINVAL, "bad size", {DEFAULTS}, ""},
    {"conring_size=17179869184G", -XEN_EINVAL, "bad size", {DEFAULTS}, ""},
    /* loglvl. */
    {"loglvl=all", 0, "", {DEFAULTS, .loglvl = LOGLVL_ALL}, ""},
    {"loglvl=none", 0, "", {DEFAULTS, .loglvl = LOGLVL_NONE}, ""},
    {"loglvl=debug/warning", 0, "", {DEFAULTS, .loglvl = LOGLVL_DEBUG}, ""},
    {"loglvl=loud", -XEN_EINVAL, "loglvl: bad level 'loud'", {DEFAULTS}, ""},
    {"loglvl=info/x", -XEN_EINVAL, "loglvl: bad level", {DEFAULTS}, ""},
    {"loglvl", -XEN_EINVAL, "loglvl: bad level ''", {DEFAULTS}, ""},
    /* dom0_mem: plain size, max:, min:, combinations. */
    {"dom0_mem=256M",
     0,
     "",
     {DEFAULTS, .dom0_mem = {.amount = 256 * MiB, .has_amount = true}},
     ""},
    {"dom0_mem=max:512M",
     0,
     "",
     {DEFAULTS, .dom0_mem = {.max = 512 * MiB, .has_max = true}},
     ""},
    {"dom0_mem=min:128M,max:1G,512M",
     0,
     "",
     {DEFAULTS, .dom0_mem = {.amount = 512 * MiB,
                             .min = 128 * MiB,
                             .max = 1024 * MiB,
                             .has_amount = true,
                             .has_min = true,
                             .has_max = true}},
     ""},
    {"dom0_mem=-1G",
     -XEN_EINVAL,
     "dom0_mem: negative amount '-1G' not supported",
     {DEFAULTS},
     ""},
    {"dom0_mem=max:",
     -XEN_EINVAL,
     "dom0_mem: bad size in 'max:'",
     {DEFAULTS},
     ""},
    {"dom0_mem=256M,", -XEN_EINVAL, "dom0_mem: bad size", {DEFAULTS}, ""},
    {"dom0_mem=", -XEN_EINVAL, "dom0_mem: needs a value", {DEFAULTS}, ""},
    {"dom0_mem", -XEN_EINVAL, "dom0_mem: needs a value", {DEFAULTS}, ""},
    /* Unknown names are reported, not fatal; valid ones still apply. */
    {"frob=1 noreboot dom0_max_vcpus=2 no-frob",
     0,
     "",
     {DEFAULTS, .noreboot = true},
     "frob=1|dom0_max_vcpus=2|no-frob"},
    {"noreboot2 re", 0, "", {DEFAULTS}, "noreboot2|re"},
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1",
     0,
     "",
     {DEFAULTS},
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa="
     "1"},
    {"=5", 0, "", {DEFAULTS}, "=5"},
    /* A bad value leaves its variable alone, the rest still apply, the first
       error wins. */
    {"timer_hz=5 console=vga loglvl=x noreboot",
     -XEN_EINVAL,
     "timer_hz: 5 out of range",
     {DEFAULTS, .console = "vga", .noreboot = true},
     ""},
    /* Later words override earlier ones. */
    {"console=a console=b timer_hz=50 timer_hz=60",
     0,
     "",
     {DEFAULTS, .console = "b", .timer_hz = 60},
     ""},
    /* Xen's full example line. */
    {"console=com1,vga loglvl=all dom0_mem=max:512M noreboot timer_hz=1000",
     0,
     "",
     {DEFAULTS, .console = "com1,vga", .loglvl = LOGLVL_ALL,
      .dom0_mem = {.max = 512 * MiB, .has_max = true}, .noreboot = true,
      .timer_hz = 1000},
     ""},
};

static void check_vars(const struct vars *want, unsigned int i)
{
    ck_assert_msg(!strcmp(v.console, want->console), "case %u console '%s'", i,
                  v.console);
    ck_assert_uint_eq(v.loglvl, want->loglvl);
    ck_assert_uint_eq(v.noreboot, want->noreboot);
    ck_assert_uint_eq(v.sync_console, want->sync_console);
    ck_assert_uint_eq(v.timer_hz, want->timer_hz);
    ck_assert_uint_eq(v.conring_size, want->conring_size);
    ck_assert_uint_eq(v.dom0_mem.amount, want->dom0_mem.amount);
    ck_assert_uint_eq(v.dom0_mem.min, want->dom0_mem.min);
    ck_assert_uint_eq(v.dom0_mem.max, want->dom0_mem.max);
    ck_assert_uint_eq(v.dom0_mem.has_amount, want->dom0_mem.has_amount);
    ck_assert_uint_eq(v.dom0_mem.has_min, want->dom0_mem.has_min);
    ck_assert_uint_eq(v.dom0_mem.has_max, want->dom0_mem.has_max);
}

START_TEST(test_table)
{
    const struct cl_case *c = &cases[_i];
    static const struct vars defaults = {DEFAULTS};
    char err[128] = "junk";
    char *line = strdup(c->line); /* exact-size copy for ASan */
    int rc;

    v = defaults;
    unknown_seen[0] = '\0';
    rc = cmdline_parse(line, params, ARRAY_SIZE(params), collect_unknown,
                       unknown_seen, err, sizeof(err));
    ck_assert_msg(rc == c->rc, "case %u '%s': rc %d (%s)", _i, c->line, rc,
                  err);
    ck_assert_msg(strstr(err, c->err), "case %u: error '%s' lacks '%s'", _i,
                  err, c->err);
    if (rc == 0)
        ck_assert_str_eq(err, "");
    check_vars(&c->want, _i);
    ck_assert_str_eq(unknown_seen, c->unknown);
    free(line);
}
END_TEST

/* No callback, no error buffer, NULL line: all allowed. */
START_TEST(test_optional_args)
{
    ck_assert_int_eq(
        cmdline_parse(NULL, params, ARRAY_SIZE(params), NULL, NULL, NULL, 0),
        0);
    ck_assert_int_eq(cmdline_parse("frob timer_hz=1", params,
                                   ARRAY_SIZE(params), NULL, NULL, NULL, 0),
                     -XEN_EINVAL);
    ck_assert_int_eq(cmdline_parse("noreboot", NULL, 0, NULL, NULL, NULL, 0),
                     0);
}
END_TEST

/* An error message longer than the buffer is truncated, not overrun. */
START_TEST(test_small_err_buffer)
{
    char *err = malloc(8);

    ck_assert_int_eq(cmdline_parse("timer_hz=zzzzzzzzzzzzzzzzzzz", params,
                                   ARRAY_SIZE(params), NULL, NULL, err, 8),
                     -XEN_EINVAL);
    ck_assert_str_eq(err, "timer_h");
    free(err);
}
END_TEST

/* Values longer than the parser's scratch buffer are refused by name. */
START_TEST(test_long_value)
{
    char line[CMDLINE_VALUE_MAX + 32], err[64];

    strcpy(line, "timer_hz=");
    memset(line + 9, '1', CMDLINE_VALUE_MAX);
    line[9 + CMDLINE_VALUE_MAX] = '\0';
    ck_assert_int_eq(cmdline_parse(line, params, ARRAY_SIZE(params), NULL, NULL,
                                   err, sizeof(err)),
                     -XEN_EINVAL);
    ck_assert_str_eq(err, "timer_hz: value too long");
}
END_TEST

struct word_case {
    const char *in, *word, *rest;
};

static const struct word_case words[] = {
    {"/boot/vmlinuz console=hvc0 root=/dev/xvda", "/boot/vmlinuz",
     "console=hvc0 root=/dev/xvda"},
    {"  pvguest.elf   role=dom0  ", "pvguest.elf", "role=dom0  "},
    {"initrd.img", "initrd.img", ""},
    {"initrd.img   ", "initrd.img", ""},
    {"", "", ""},
    {"   ", "", ""},
    {NULL, "", ""},
    {"a\tb", "a", "b"},
};

START_TEST(test_first_word)
{
    const struct word_case *c = &words[_i];
    const char *word, *rest;
    size_t n = cmdline_first_word(c->in, &word, &rest);

    ck_assert_uint_eq(n, strlen(c->word));
    ck_assert(!strncmp(word, c->word, n));
    ck_assert_str_eq(rest, c->rest);
}
END_TEST

START_TEST(test_parse_size_direct)
{
    uint64_t s;

    ck_assert_int_eq(cmdline_parse_size("0", &s), 0);
    ck_assert_uint_eq(s, 0);
    ck_assert_int_eq(cmdline_parse_size("16777215T", &s), 0);
    ck_assert_uint_eq(s, 16777215ull << 40);
    ck_assert_int_eq(cmdline_parse_size("16777216T", &s), -XEN_EINVAL);
    ck_assert_int_eq(cmdline_parse_size("18446744073709551615b", &s), 0);
    ck_assert_uint_eq(s, UINT64_MAX);
    ck_assert_int_eq(cmdline_parse_size("18446744073709551616b", &s),
                     -XEN_EINVAL);
    ck_assert_int_eq(cmdline_parse_size("", &s), -XEN_EINVAL);
    ck_assert_int_eq(cmdline_parse_size("1MB", &s), -XEN_EINVAL);
}
END_TEST

static Suite *cmdline_suite(void)
{
    Suite *s = suite_create("cmdline");
    TCase *tc;

    tc = tcase_create("table");
    tcase_add_loop_test(tc, test_table, 0, ARRAY_SIZE(cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("optional_args");
    tcase_add_test(tc, test_optional_args);
    suite_add_tcase(s, tc);
    tc = tcase_create("small_err_buffer");
    tcase_add_test(tc, test_small_err_buffer);
    suite_add_tcase(s, tc);
    tc = tcase_create("long_value");
    tcase_add_test(tc, test_long_value);
    suite_add_tcase(s, tc);
    tc = tcase_create("first_word");
    tcase_add_loop_test(tc, test_first_word, 0, ARRAY_SIZE(words));
    suite_add_tcase(s, tc);
    tc = tcase_create("parse_size");
    tcase_add_test(tc, test_parse_size_direct);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return suite_run(cmdline_suite());
}
