/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite for tools/boot_qemu.c: QEMU command, quoting, exit statuses. */
#include "boot_args.h"

#include "check_suite.h"
#include <signal.h>
#include <stdlib.h>
#include <string.h>

/* ---- comma escaping and shell quoting ---------------------------------- */

static const struct {
    const char *in, *out;
} comma_cases[] = {
    {"", ""},        {"abc", "abc"}, {",", ",,"},
    {"a,b", "a,,b"}, {",,", ",,,,"}, {"k x,y,", "k x,,y,,"},
};

START_TEST(test_escape_commas)
{
    char *got = qemu_escape_commas(comma_cases[_i].in);

    ck_assert_str_eq(got, comma_cases[_i].out);
    free(got);
}
END_TEST

static const struct {
    const char *in, *out;
} quote_cases[] = {
    {"", "''"},
    {"plain", "plain"},
    {"a/b.c-d_e:f=g,h@i%j+k", "a/b.c-d_e:f=g,h@i%j+k"},
    {"two words", "'two words'"},
    {"it's", "'it'\\''s'"},
    {"'", "''\\'''"},
    {"$HOME", "'$HOME'"},
    {"a\"b", "'a\"b'"},
    {"*", "'*'"},
    {"back\\slash", "'back\\slash'"},
    {"new\nline", "'new\nline'"},
    {"~", "'~'"},
};

START_TEST(test_shell_quote)
{
    char *got = shell_quote(quote_cases[_i].in);

    ck_assert_str_eq(got, quote_cases[_i].out);
    free(got);
}
END_TEST

/* ---- the QEMU command line --------------------------------------------- */

static const char *const fixed_head[] = {
    "qemu",
    "-M",
    "pc",
    "-m",
    NULL /* memory */,
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
#define HEAD_LEN (sizeof(fixed_head) / sizeof(fixed_head[0]))

static const struct {
    const char *words[12];
    bool kvm_usable;
    const char *memory, *accel, *cpu, *append, *initrd;
    const char *extra[3];
} cmd_cases[] = {
    {{"k"},
     true,
     "512",
     "kvm",
     "KVMCPU",
     "console=com1 loglvl=info",
     "k",
     {NULL}},
    {{"k"},
     false,
     "512",
     "tcg",
     "max",
     "console=com1 loglvl=info",
     "k",
     {NULL}},
    {{"--tcg", "k"},
     true,
     "512",
     "tcg",
     "max",
     "console=com1 loglvl=info",
     "k",
     {NULL}},
    {{"--cpu", "EPYC", "k"},
     true,
     "512",
     "kvm",
     "EPYC",
     "console=com1 loglvl=info",
     "k",
     {NULL}},
    {{"--cpu", "EPYC", "--tcg", "k"},
     true,
     "512",
     "tcg",
     "EPYC",
     "console=com1 loglvl=info",
     "k",
     {NULL}},
    {{"--memory", "2048", "k", "demo"},
     true,
     "2048",
     "kvm",
     "KVMCPU",
     "console=com1 loglvl=info",
     "k demo",
     {NULL}},
    /* -append is not split at commas; -initrd items are */
    {{"--hv-args", "a,b dom0_mem=1", "k", "x,y"},
     true,
     "512",
     "kvm",
     "KVMCPU",
     "console=com1 loglvl=info a,b dom0_mem=1",
     "k x,,y",
     {NULL}},
    {{"--hv-args", "", "k", ""},
     true,
     "512",
     "kvm",
     "KVMCPU",
     "console=com1 loglvl=info",
     "k",
     {NULL}},
    {{"k", "role=dom0", "--module", "m1", "--module", "m,2,a b,c"},
     true,
     "512",
     "kvm",
     "KVMCPU",
     "console=com1 loglvl=info",
     "k role=dom0,m1,m 2,,a b,,c",
     {NULL}},
    {{"k", "--qemu-arg", "-s", "--qemu-arg", "-d", "--qemu-arg", "int,cpu"},
     true,
     "512",
     "kvm",
     "KVMCPU",
     "console=com1 loglvl=info",
     "k",
     {"-s", "-d", "int,cpu"}},
};

START_TEST(test_qemu_cmd)
{
    const struct boot_host host = {
        .qemu = "qemu",
        .hv_path = "build/hypervisor/xenia",
        .kvm_usable = cmd_cases[_i].kvm_usable,
        .kvm_cpu = "KVMCPU",
    };
    const char *tail[] = {
        "-accel",  cmd_cases[_i].accel,      "-cpu",    cmd_cases[_i].cpu,
        "-kernel", "build/hypervisor/xenia", "-append", cmd_cases[_i].append,
        "-initrd", cmd_cases[_i].initrd,
    };
    size_t nwords = 0, nextra = 0, at = 0;
    struct boot_args args;
    struct qemu_cmd cmd;

    while (cmd_cases[_i].words[nwords])
        nwords++;
    while (nextra < 3 && cmd_cases[_i].extra[nextra])
        nextra++;
    ck_assert_int_eq(
        boot_args_parse(&args, (int)nwords, (char *const *)cmd_cases[_i].words),
        0);
    ck_assert_int_eq(qemu_cmd_build(&cmd, &args, &host), 0);
    ck_assert_uint_eq(cmd.argc, HEAD_LEN + 10 + nextra);
    ck_assert_ptr_null(cmd.argv[cmd.argc]);
    for (size_t i = 0; i < HEAD_LEN; i++, at++)
        ck_assert_str_eq(cmd.argv[at],
                         fixed_head[i] ? fixed_head[i] : cmd_cases[_i].memory);
    for (size_t i = 0; i < 10; i++, at++)
        ck_assert_str_eq(cmd.argv[at], tail[i]);
    for (size_t i = 0; i < nextra; i++, at++)
        ck_assert_str_eq(cmd.argv[at], cmd_cases[_i].extra[i]);
    qemu_cmd_release(&cmd);
    boot_args_release(&args);
}
END_TEST

START_TEST(test_qemu_cmd_format)
{
    const char *words[] = {"--hv-args", "x=it's", "k", "demo run"};
    const struct boot_host host = {"qemu", "/hv dir/xenia", false, "C"};
    struct boot_args args;
    struct qemu_cmd cmd;
    char *line;

    ck_assert_int_eq(boot_args_parse(&args, 4, (char *const *)words), 0);
    ck_assert_int_eq(qemu_cmd_build(&cmd, &args, &host), 0);
    line = qemu_cmd_format(&cmd);
    ck_assert_str_eq(line,
                     "qemu -M pc -m 512 -smp 1 -display none -monitor none "
                     "-no-reboot -serial stdio -device "
                     "isa-debug-exit,iobase=0xf4,iosize=0x04 -accel tcg "
                     "-cpu max -kernel '/hv dir/xenia' -append "
                     "'console=com1 loglvl=info x=it'\\''s' "
                     "-initrd 'k demo run'");
    free(line);
    qemu_cmd_release(&cmd);
    boot_args_release(&args);
}
END_TEST

/* ---- exit statuses ------------------------------------------------------- */

static const struct {
    struct qemu_end end;
    int status;
    const char *reason; /* fragment; "" for none */
} exit_cases[] = {
    {{true, 1, true}, XENIA_EXIT_OK, ""},
    {{true, 3, true}, XENIA_EXIT_DOM0_FAILED, "non-zero code"},
    {{true, 5, true}, XENIA_EXIT_CRASH, "dom0 crashed"},
    {{true, 7, true}, XENIA_EXIT_PANIC, "hypervisor panic"},
    {{true, 9, true}, XENIA_EXIT_OTHER, "reboot"},
    {{true, 11, true}, XENIA_EXIT_OTHER, "unknown code 5"},
    {{true, 255, true}, XENIA_EXIT_OTHER, "unknown code 127"},
    /* a silent machine and status 1: QEMU's own failure, not V = 0 */
    {{true, 1, false}, XENIA_EXIT_NOQEMU, "could not start"},
    {{true, 3, false}, XENIA_EXIT_DOM0_FAILED, "non-zero code"},
    {{true, 0, true}, XENIA_EXIT_OTHER, "status 0 (the machine reset"},
    {{true, 2, true}, XENIA_EXIT_OTHER, "on its own with status 2"},
    {{false, SIGKILL, true}, XENIA_EXIT_OTHER, "signal 9"},
    {{false, SIGSEGV, false}, XENIA_EXIT_OTHER, "signal 11"},
};

START_TEST(test_exit_status)
{
    char reason[256];
    int status = boot_exit_status(&exit_cases[_i].end, reason, sizeof(reason));

    ck_assert_int_eq(status, exit_cases[_i].status);
    if (!*exit_cases[_i].reason)
        ck_assert_str_eq(reason, "");
    else
        ck_assert_msg(strstr(reason, exit_cases[_i].reason),
                      "reason '%s' lacks '%s'", reason, exit_cases[_i].reason);
}
END_TEST

START_TEST(test_stderr_fatal)
{
    ck_assert(qemu_stderr_fatal("KVM internal error. Suberror: 1"));
    ck_assert(qemu_stderr_fatal("error: kvm run failed Bad address"));
    ck_assert(!qemu_stderr_fatal("qemu-system-x86_64: warning: host doesn't "
                                 "support requested feature"));
    ck_assert(!qemu_stderr_fatal(""));
    ck_assert(!qemu_stderr_fatal(" KVM internal error."));
}
END_TEST

#define LOOP(tc, fn, table)                                                    \
    tcase_add_loop_test(tc, fn, 0, sizeof(table) / sizeof((table)[0]))

static Suite *xenia_qemu_suite(void)
{
    Suite *s = suite_create("xenia_qemu");
    TCase *tc;

    tc = tcase_create("escape_commas");
    LOOP(tc, test_escape_commas, comma_cases);
    suite_add_tcase(s, tc);
    tc = tcase_create("shell_quote");
    LOOP(tc, test_shell_quote, quote_cases);
    suite_add_tcase(s, tc);
    tc = tcase_create("command");
    LOOP(tc, test_qemu_cmd, cmd_cases);
    tcase_add_test(tc, test_qemu_cmd_format);
    suite_add_tcase(s, tc);
    tc = tcase_create("exit_status");
    LOOP(tc, test_exit_status, exit_cases);
    suite_add_tcase(s, tc);
    tc = tcase_create("stderr_fatal");
    tcase_add_test(tc, test_stderr_fatal);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return suite_run(xenia_qemu_suite());
}
