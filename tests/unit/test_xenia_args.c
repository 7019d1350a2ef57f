/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite for tools/boot_args.c: `xenia boot` command-line parsing. */
#include "boot_args.h"

#include "check_suite.h"
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 16

/* One accepted command line and what it must parse to. */
struct parse_ok {
    const char *words[MAX_WORDS];
    bool tcg, dry_run, help;
    unsigned int timeout, memory;
    const char *cpu, *hv, *hv_args, *kernel, *kernel_args;
    const char *mod_path[3], *mod_args[3];
    size_t nr_modules;
    const char *qemu_extra[3];
    size_t nr_qemu_extra;
};

#define T BOOT_DEFAULT_TIMEOUT
#define M BOOT_DEFAULT_MEMORY

static const struct parse_ok parse_ok_cases[] = {
    {.words = {"k"}, .timeout = T, .memory = M, .kernel = "k"},
    {.words = {"k", "demo"},
     .timeout = T,
     .memory = M,
     .kernel = "k",
     .kernel_args = "demo"},
    {.words = {"k", "a b c"},
     .timeout = T,
     .memory = M,
     .kernel = "k",
     .kernel_args = "a b c"},
    /* options before, between and after the positionals */
    {.words = {"--tcg", "k", "--timeout", "5", "x", "--dry-run"},
     .tcg = true,
     .dry_run = true,
     .timeout = 5,
     .memory = M,
     .kernel = "k",
     .kernel_args = "x"},
    {.words = {"--timeout=0", "--memory=1024", "k"},
     .timeout = 0,
     .memory = 1024,
     .kernel = "k"},
    {.words = {"--cpu", "EPYC", "--cpu=Haswell-v4", "k"},
     .timeout = T,
     .memory = M,
     .cpu = "Haswell-v4",
     .kernel = "k"},
    {.words = {"--hv", "/x/xen", "--hv-args", "loglvl=all a,b", "k"},
     .timeout = T,
     .memory = M,
     .hv = "/x/xen",
     .hv_args = "loglvl=all a,b",
     .kernel = "k"},
    {.words = {"--hv-args=", "k"},
     .timeout = T,
     .memory = M,
     .hv_args = "",
     .kernel = "k"},
    /* a value is the next word even when it looks like an option */
    {.words = {"--hv-args", "--tcg", "k"},
     .timeout = T,
     .memory = M,
     .hv_args = "--tcg",
     .kernel = "k"},
    {.words = {"k", "--module", "m1", "--module=m2,x y", "--module", "m3,",
               "args"},
     .timeout = T,
     .memory = M,
     .kernel = "k",
     .kernel_args = "args",
     .mod_path = {"m1", "m2", "m3"},
     .mod_args = {"", "x y", ""},
     .nr_modules = 3},
    {.words = {"--module", "m,a,b,,c", "k"},
     .timeout = T,
     .memory = M,
     .kernel = "k",
     .mod_path = {"m"},
     .mod_args = {"a,b,,c"},
     .nr_modules = 1},
    {.words = {"--qemu-arg", "-s", "k", "--qemu-arg=-S", "--qemu-arg", ""},
     .timeout = T,
     .memory = M,
     .kernel = "k",
     .qemu_extra = {"-s", "-S", ""},
     .nr_qemu_extra = 3},
    /* "--" ends options; "-" alone is a positional */
    {.words = {"k", "--", "--not-an-option"},
     .timeout = T,
     .memory = M,
     .kernel = "k",
     .kernel_args = "--not-an-option"},
    {.words = {"--", "-k"}, .timeout = T, .memory = M, .kernel = "-k"},
    {.words = {"-", "-"},
     .timeout = T,
     .memory = M,
     .kernel = "-",
     .kernel_args = "-"},
    {.words = {"k", ""},
     .timeout = T,
     .memory = M,
     .kernel = "k",
     .kernel_args = ""},
    /* help needs no KERNEL */
    {.words = {"--help"}, .help = true, .timeout = T, .memory = M},
    {.words = {"-h", "k"},
     .help = true,
     .timeout = T,
     .memory = M,
     .kernel = "k"},
    {.words = {"--timeout", "86400", "--memory", "32", "k"},
     .timeout = 86400,
     .memory = 32,
     .kernel = "k"},
    {.words = {"--memory", "65536", "k"},
     .timeout = T,
     .memory = 65536,
     .kernel = "k"},
};

static size_t count_words(const char *const words[])
{
    size_t n = 0;

    while (n < MAX_WORDS && words[n])
        n++;
    return n;
}

static void ck_str_or_null(const char *got, const char *want, const char *what)
{
    if (!want)
        ck_assert_msg(!got, "%s: got '%s', want NULL", what, got);
    else
        ck_assert_msg(got && !strcmp(got, want), "%s: got '%s', want '%s'",
                      what, got ? got : "(null)", want);
}

START_TEST(test_parse_ok)
{
    const struct parse_ok *c = &parse_ok_cases[_i];
    struct boot_args a;
    int rc;

    rc = boot_args_parse(&a, (int)count_words(c->words),
                         (char *const *)c->words);
    ck_assert_msg(rc == 0, "case %d: unexpected error: %s", _i, a.err);
    ck_assert_int_eq(a.tcg, c->tcg);
    ck_assert_int_eq(a.dry_run, c->dry_run);
    ck_assert_int_eq(a.help, c->help);
    ck_assert_uint_eq(a.timeout, c->timeout);
    ck_assert_uint_eq(a.memory, c->memory);
    ck_str_or_null(a.cpu, c->cpu, "cpu");
    ck_str_or_null(a.hv, c->hv, "hv");
    ck_str_or_null(a.hv_args, c->hv_args, "hv_args");
    ck_str_or_null(a.kernel, c->kernel, "kernel");
    ck_str_or_null(a.kernel_args, c->kernel_args, "kernel_args");
    ck_assert_uint_eq(a.nr_modules, c->nr_modules);
    for (size_t i = 0; i < c->nr_modules; i++) {
        ck_assert_str_eq(a.modules[i].path, c->mod_path[i]);
        ck_assert_str_eq(a.modules[i].args, c->mod_args[i]);
    }
    ck_assert_uint_eq(a.nr_qemu_extra, c->nr_qemu_extra);
    for (size_t i = 0; i < c->nr_qemu_extra; i++)
        ck_assert_str_eq(a.qemu_extra[i], c->qemu_extra[i]);
    boot_args_release(&a);
}
END_TEST

/* One rejected command line and a fragment its message must contain. */
struct parse_bad {
    const char *words[MAX_WORDS];
    const char *msg;
};

static const struct parse_bad parse_bad_cases[] = {
    {{NULL}, "missing KERNEL"},
    {{"--tcg"}, "missing KERNEL"},
    {{"k", "a", "b"}, "unexpected argument 'b'"},
    {{"--bogus", "k"}, "unknown option '--bogus'"},
    {{"-x", "k"}, "unknown option '-x'"},
    {{"--tcgx", "k"}, "unknown option '--tcgx'"},
    {{"--tc", "k"}, "unknown option '--tc'"},
    {{"--tcg=1", "k"}, "--tcg takes no value"},
    {{"--dry-run=yes", "k"}, "--dry-run takes no value"},
    {{"k", "--timeout"}, "--timeout needs a value"},
    {{"k", "--module"}, "--module needs a value"},
    {{"--timeout", "abc", "k"}, "--timeout: 'abc'"},
    {{"--timeout", "-1", "k"}, "--timeout: '-1'"},
    {{"--timeout", "", "k"}, "--timeout: ''"},
    {{"--timeout", "5s", "k"}, "--timeout: '5s'"},
    {{"--timeout", " 5", "k"}, "--timeout: ' 5'"},
    {{"--timeout", "86401", "k"}, "--timeout: '86401'"},
    {{"--timeout", "99999999999999999999", "k"}, "--timeout: '9999"},
    {{"--memory", "31", "k"}, "--memory: '31'"},
    {{"--memory", "65537", "k"}, "--memory: '65537'"},
    {{"--memory", "0x100", "k"}, "--memory: '0x100'"},
    {{"--cpu", "", "k"}, "--cpu: empty"},
    {{"--hv=", "k"}, "--hv: empty"},
    {{"--module", ",args", "k"}, "--module: empty file name"},
    {{"--module", "", "k"}, "--module: empty file name"},
    {{"--module", "a b,x", "k"}, "contains a space"},
    {{"my kernel"}, "contains a space"},
    {{""}, "KERNEL: empty file name"},
};

START_TEST(test_parse_bad)
{
    const struct parse_bad *c = &parse_bad_cases[_i];
    struct boot_args a;
    int rc;

    rc = boot_args_parse(&a, (int)count_words(c->words),
                         (char *const *)c->words);
    ck_assert_msg(rc == -1, "case %d: accepted", _i);
    ck_assert_msg(strstr(a.err, c->msg), "case %d: message '%s' lacks '%s'", _i,
                  a.err, c->msg);
    boot_args_release(&a);
}
END_TEST

/* Release leaves a struct that can be released again (and ASan finds leaks). */
START_TEST(test_release_twice)
{
    const char *words[] = {"--module", "m,x",  "--qemu-arg", "-s",
                           "--cpu",    "EPYC", "k",          "a"};
    struct boot_args a;

    ck_assert_int_eq(boot_args_parse(&a, 8, (char *const *)words), 0);
    boot_args_release(&a);
    boot_args_release(&a);
    ck_assert_ptr_null(a.kernel);
    ck_assert_uint_eq(a.nr_modules, 0);
}
END_TEST

static Suite *xenia_args_suite(void)
{
    Suite *s = suite_create("xenia_args");
    TCase *tc;

    tc = tcase_create("accepted");
    tcase_add_loop_test(tc, test_parse_ok, 0,
                        sizeof(parse_ok_cases) / sizeof(parse_ok_cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("rejected");
    tcase_add_loop_test(tc, test_parse_bad, 0,
                        sizeof(parse_bad_cases) / sizeof(parse_bad_cases[0]));
    suite_add_tcase(s, tc);
    tc = tcase_create("release");
    tcase_add_test(tc, test_release_twice);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return suite_run(xenia_args_suite());
}
