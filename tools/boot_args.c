/* SPDX-License-Identifier: GPL-2.0-only */
/* `xenia boot` argument parser: argv words into struct boot_args, no I/O. */
#include "boot_args.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum boot_opt_id {
    OPT_TCG,
    OPT_TIMEOUT,
    OPT_MEMORY,
    OPT_CPU,
    OPT_HV,
    OPT_HV_ARGS,
    OPT_QEMU_ARG,
    OPT_MODULE,
    OPT_DRY_RUN,
    OPT_HELP,
};

struct boot_opt {
    const char *name; /* without the leading "--" */
    enum boot_opt_id id;
    bool has_value;
};

static const struct boot_opt boot_opts[] = {
    {"tcg", OPT_TCG, false},
    {"timeout", OPT_TIMEOUT, true},
    {"memory", OPT_MEMORY, true},
    {"cpu", OPT_CPU, true},
    {"hv", OPT_HV, true},
    {"hv-args", OPT_HV_ARGS, true},
    {"qemu-arg", OPT_QEMU_ARG, true},
    {"module", OPT_MODULE, true},
    {"dry-run", OPT_DRY_RUN, false},
    {"help", OPT_HELP, false},
};

static int boot_err(struct boot_args *args, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int boot_err(struct boot_args *args, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(args->err, sizeof(args->err), fmt, ap);
    va_end(ap);
    return -1;
}

static const struct boot_opt *boot_opt_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof(boot_opts) / sizeof(boot_opts[0]); i++) {
        if (strlen(boot_opts[i].name) == len &&
            !strncmp(boot_opts[i].name, name, len))
            return &boot_opts[i];
    }
    return NULL;
}

/* Strict unsigned decimal in [min, max]: no sign, no blanks, no suffix. */
static int boot_parse_uint(const char *s, unsigned int min, unsigned int max,
                           unsigned int *out)
{
    unsigned long v = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
        if (v > max)
            return -1;
    }
    if (v < min)
        return -1;
    *out = (unsigned int)v;
    return 0;
}

/* Replace *slot by a copy of s. */
static int boot_set_str(struct boot_args *args, char **slot, const char *s)
{
    char *copy = strdup(s);

    if (!copy)
        return boot_err(args, "out of memory");
    free(*slot);
    *slot = copy;
    return 0;
}

/* QEMU's multiboot loader takes a module's file name up to the first space. */
static int boot_check_path(struct boot_args *args, const char *what,
                           const char *path)
{
    if (!*path)
        return boot_err(args, "%s: empty file name", what);
    if (strchr(path, ' '))
        return boot_err(args,
                        "%s '%s': QEMU cannot load a file whose name "
                        "contains a space",
                        what, path);
    return 0;
}

/* FILE[,ARGS]: the file name ends at the first comma. */
static int boot_add_module(struct boot_args *args, const char *spec)
{
    const char *comma = strchr(spec, ',');
    size_t path_len = comma ? (size_t)(comma - spec) : strlen(spec);
    struct boot_module *mods, *mod;

    mods = realloc(args->modules, (args->nr_modules + 1) * sizeof(*mods));
    if (!mods)
        return boot_err(args, "out of memory");
    args->modules = mods;
    mod = &mods[args->nr_modules];
    mod->path = strndup(spec, path_len);
    mod->args = strdup(comma ? comma + 1 : "");
    if (!mod->path || !mod->args) {
        free(mod->path);
        free(mod->args);
        return boot_err(args, "out of memory");
    }
    args->nr_modules++;
    return boot_check_path(args, "--module", mod->path);
}

static int boot_add_qemu_arg(struct boot_args *args, const char *arg)
{
    char **extra;
    char *copy;

    extra =
        realloc(args->qemu_extra, (args->nr_qemu_extra + 1) * sizeof(*extra));
    if (!extra)
        return boot_err(args, "out of memory");
    args->qemu_extra = extra;
    copy = strdup(arg);
    if (!copy)
        return boot_err(args, "out of memory");
    extra[args->nr_qemu_extra++] = copy;
    return 0;
}

static int boot_apply_opt(struct boot_args *args, const struct boot_opt *opt,
                          const char *val)
{
    switch (opt->id) {
    case OPT_TCG:
        args->tcg = true;
        return 0;
    case OPT_DRY_RUN:
        args->dry_run = true;
        return 0;
    case OPT_HELP:
        args->help = true;
        return 0;
    case OPT_TIMEOUT:
        if (boot_parse_uint(val, 0, BOOT_MAX_TIMEOUT, &args->timeout))
            return boot_err(args,
                            "--timeout: '%s' is not a whole number of "
                            "seconds in 0..%u (0: none)",
                            val, BOOT_MAX_TIMEOUT);
        return 0;
    case OPT_MEMORY:
        if (boot_parse_uint(val, BOOT_MIN_MEMORY, BOOT_MAX_MEMORY,
                            &args->memory))
            return boot_err(args,
                            "--memory: '%s' is not a number of MiB in "
                            "%u..%u",
                            val, BOOT_MIN_MEMORY, BOOT_MAX_MEMORY);
        return 0;
    case OPT_CPU:
        if (!*val)
            return boot_err(args, "--cpu: empty CPU model");
        return boot_set_str(args, &args->cpu, val);
    case OPT_HV:
        if (!*val)
            return boot_err(args, "--hv: empty file name");
        return boot_set_str(args, &args->hv, val);
    case OPT_HV_ARGS:
        return boot_set_str(args, &args->hv_args, val);
    case OPT_QEMU_ARG:
        return boot_add_qemu_arg(args, val);
    case OPT_MODULE:
        return boot_add_module(args, val);
    }
    return boot_err(args, "internal error: option without a handler");
}

/*
 * One option word at argv[*i]: "--name", "--name=value" or "--name value"
 * (the value is then the next word, whatever it looks like).
 */
static int boot_parse_opt(struct boot_args *args, int argc, char *const argv[],
                          int *i)
{
    const char *word = argv[*i];
    const char *name = word + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct boot_opt *opt;
    const char *val = NULL;

    if (!strcmp(word, "-h"))
        return boot_apply_opt(args, boot_opt_find("help", 4), NULL);
    if (word[1] != '-' || !(opt = boot_opt_find(name, len)))
        return boot_err(args, "unknown option '%s'", word);
    if (!opt->has_value) {
        if (eq)
            return boot_err(args, "option --%s takes no value", opt->name);
    } else if (eq) {
        val = eq + 1;
    } else if (*i + 1 < argc) {
        val = argv[++*i];
    } else {
        return boot_err(args, "option --%s needs a value", opt->name);
    }
    return boot_apply_opt(args, opt, val);
}

static int boot_parse_positional(struct boot_args *args, const char *word)
{
    if (!args->kernel) {
        if (boot_check_path(args, "KERNEL", word))
            return -1;
        return boot_set_str(args, &args->kernel, word);
    }
    if (!args->kernel_args)
        return boot_set_str(args, &args->kernel_args, word);
    return boot_err(args,
                    "unexpected argument '%s' (KERNEL-ARGS is one "
                    "word: quote it)",
                    word);
}

int boot_args_parse(struct boot_args *args, int argc, char *const argv[])
{
    bool opts_done = false;

    memset(args, 0, sizeof(*args));
    args->timeout = BOOT_DEFAULT_TIMEOUT;
    args->memory = BOOT_DEFAULT_MEMORY;

    for (int i = 0; i < argc; i++) {
        const char *word = argv[i];
        int rc;

        if (!opts_done && !strcmp(word, "--")) {
            opts_done = true;
            continue;
        }
        if (!opts_done && word[0] == '-' && word[1])
            rc = boot_parse_opt(args, argc, argv, &i);
        else
            rc = boot_parse_positional(args, word);
        if (rc)
            return rc;
    }
    if (!args->help && !args->kernel)
        return boot_err(args, "missing KERNEL");
    return 0;
}

void boot_args_release(struct boot_args *args)
{
    for (size_t i = 0; i < args->nr_modules; i++) {
        free(args->modules[i].path);
        free(args->modules[i].args);
    }
    for (size_t i = 0; i < args->nr_qemu_extra; i++)
        free(args->qemu_extra[i]);
    free(args->modules);
    free(args->qemu_extra);
    free(args->cpu);
    free(args->hv);
    free(args->hv_args);
    free(args->kernel);
    free(args->kernel_args);
    args->modules = NULL;
    args->qemu_extra = NULL;
    args->nr_modules = 0;
    args->nr_qemu_extra = 0;
    args->cpu = args->hv = args->hv_args = NULL;
    args->kernel = args->kernel_args = NULL;
}
