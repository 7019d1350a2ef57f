/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite: tree operations and path rules via the dispatcher. */
#include "xs_test.h"

static struct xs_store *s;
static struct tconn *d0;

static void setup(void)
{
    s = t_store();
    d0 = t_conn(s, 0);
}

static void teardown(void)
{
    t_conn_free(d0);
    xs_store_free(s);
}

START_TEST(initial_tree)
{
    T_EQ(d0, XS_DIRECTORY, 0, "/|", "tool|");
    T_EQ(d0, XS_DIRECTORY, 0, "/tool|", "xenstored|");
    T_EQ(d0, XS_READ, 0, "/tool/xenstored|", "");
    T_EQ(d0, XS_GET_PERMS, 0, "/|", "n0|");
}
END_TEST

START_TEST(write_read)
{
    T_OK(d0, XS_WRITE, 0, "/a/b/c|hello");
    T_EQ(d0, XS_READ, 0, "/a/b/c|", "hello");
    T_EQ(d0, XS_READ, 0, "/a/b|", ""); /* parents made, empty */
    T_EQ(d0, XS_DIRECTORY, 0, "/a|", "b|");
    T_OK(d0, XS_WRITE, 0, "/a/b/c|"); /* empty value */
    T_EQ(d0, XS_READ, 0, "/a/b/c|", "");
    T_EQ(d0, XS_READ, 0, "/nope|", "E:ENOENT");
}
END_TEST

START_TEST(value_binary)
{
    const char p[] = "/bin\0a\0b\0";

    ck_assert_str_eq(t_callb(d0, XS_WRITE, 0, p, sizeof(p) - 1), "OK|");
    ck_assert_str_eq(t_call(d0, XS_READ, 0, "/bin|"), "a|b|");
}
END_TEST

START_TEST(dir_order)
{
    T_OK(d0, XS_WRITE, 0, "/d/z|1");
    T_OK(d0, XS_WRITE, 0, "/d/a|1");
    T_OK(d0, XS_WRITE, 0, "/d/m|1");
    T_EQ(d0, XS_DIRECTORY, 0, "/d|", "z|a|m|"); /* creation order, as C */
    T_OK(d0, XS_RM, 0, "/d/a|");
    T_OK(d0, XS_WRITE, 0, "/d/a|2");
    T_EQ(d0, XS_DIRECTORY, 0, "/d|", "z|m|a|");
    T_EQ(d0, XS_DIRECTORY, 0, "/d/z|", "");
}
END_TEST

START_TEST(mkdir_rm)
{
    T_OK(d0, XS_MKDIR, 0, "/m/n|");
    T_OK(d0, XS_MKDIR, 0, "/m/n|"); /* exists: OK */
    T_OK(d0, XS_WRITE, 0, "/m/n/o|v");
    T_OK(d0, XS_RM, 0, "/m|");
    T_EQ(d0, XS_READ, 0, "/m/n/o|", "E:ENOENT");
    T_OK(d0, XS_RM, 0, "/m|");               /* missing, parent exists */
    T_EQ(d0, XS_RM, 0, "/m/n|", "E:ENOENT"); /* parent missing */
    T_EQ(d0, XS_RM, 0, "/|", "E:EINVAL");
}
END_TEST

static const struct {
    const char *path;
    const char *want;
} path_table[] = {
    {"/ok-_@9|", "OK|"},      {"/a//b|", "E:EINVAL"},
    {"/trail/|", "E:EINVAL"}, {"/dot.|", "E:EINVAL"},
    {"/sp ace|", "E:EINVAL"}, {"|", "E:EINVAL"},
    {"@foo|", "E:EINVAL"},    {"rel/x|", "OK|"},
    {"/", "E:EINVAL"}, /* no NUL terminator */
};

START_TEST(path_rules)
{
    char req[64];

    snprintf(req, sizeof(req), "%sv", path_table[_i].path);
    ck_assert_str_eq(t_call(d0, XS_WRITE, 0, req), path_table[_i].want);
}
END_TEST

START_TEST(path_lengths)
{
    static char p[4200];

    /* C 4.17: "/" + 2047 chars fine, "/" + 2048 too long. */
    p[0] = '/';
    memset(p + 1, 'a', 2047);
    strcpy(p + 2048, "|v");
    T_OK(d0, XS_WRITE, 0, p);
    memset(p + 1, 'a', 2048);
    strcpy(p + 2049, "|v");
    T_EQ(d0, XS_WRITE, 0, p, "E:EINVAL");
    /* Below a domain's home the limit counts from there. */
    int k = sprintf(p, "/local/domain/7/");

    memset(p + k, 'b', 2048);
    strcpy(p + k + 2048, "|v");
    T_OK(d0, XS_WRITE, 0, p);
}
END_TEST

START_TEST(relative_paths)
{
    struct tconn *d5 = t_conn(s, 5);

    T_OK(d0, XS_WRITE, 0, "/local/domain/5|");
    T_OK(d0, XS_SET_PERMS, 0, "/local/domain/5|n5|");
    T_OK(d5, XS_WRITE, 0, "data/x|1");
    T_EQ(d0, XS_READ, 0, "/local/domain/5/data/x|", "1");
    T_EQ(d5, XS_READ, 0, "data/x|", "1");
    T_OK(d0, XS_WRITE, 0, "mine|0");
    T_EQ(d0, XS_READ, 0, "/local/domain/0/mine|", "0");
    T_EQ(d0, XS_GET_DOMAIN_PATH, 0, "5|", "/local/domain/5|");
    T_EQ(d5, XS_GET_DOMAIN_PATH, 0, "12|", "/local/domain/12|");
    /* As C xenstored (atoi): a query with a bad domid reads it as 0. */
    T_EQ(d0, XS_GET_DOMAIN_PATH, 0, "x|", "/local/domain/0|");
    T_EQ(d0, XS_GET_DOMAIN_PATH, 0, "7x|", "/local/domain/7|");
    t_conn_free(d5);
}
END_TEST

START_TEST(big_directory)
{
    char req[64];

    for (int i = 0; i < 1000; i++) {
        snprintf(req, sizeof(req), "/big/c%04d|", i);
        T_OK(d0, XS_WRITE, 0, req);
    }
    /* 1000 * 6 bytes > 4096: E2BIG, then DIRECTORY_PART pages. */
    T_EQ(d0, XS_DIRECTORY, 0, "/big|", "E:E2BIG");
    const char *r = t_call(d0, XS_DIRECTORY_PART, 0, "/big|0|");
    const char *bar = strchr(r, '|');

    ck_assert_ptr_nonnull(bar);
    ck_assert(strncmp(bar + 1, "c0000|c0001|", 12) == 0);
    /* Chunks hold whole names; walking all offsets yields every name once. */
    uint32_t off = 0, names = 0;

    for (int guard = 0; guard < 10; guard++) {
        char q[64];
        size_t len;

        snprintf(q, sizeof(q), "/big|%u|", off);
        r = t_call(d0, XS_DIRECTORY_PART, 0, q);
        len = strlen(r);
        ck_assert_uint_le(len, XENSTORE_PAYLOAD_MAX);
        bar = strchr(r, '|') + 1;
        bool last = len >= 2 && r[len - 1] == '|' && r[len - 2] == '|';

        for (const char *p = bar; *p && !(p[0] == '|' && p[1] == '\0');
             p += 6) {
            names++;
            off += 6;
        }
        if (last)
            break;
    }
    ck_assert_uint_eq(names, 1000);
    r = t_call(d0, XS_DIRECTORY_PART, 0, "/big|999999|");
    ck_assert_str_eq(strchr(r, '|'), "||"); /* past the end: empty, done */
}
END_TEST

START_TEST(dirpart_small)
{
    T_OK(d0, XS_WRITE, 0, "/p/q|");
    T_OK(d0, XS_WRITE, 0, "/p/bin|");
    const char *r = t_call(d0, XS_DIRECTORY_PART, 0, "/p|0|");

    ck_assert_str_eq(strchr(r, '|'), "|q|bin||");
    r = t_call(d0, XS_DIRECTORY_PART, 0, "/p|2|");
    ck_assert_str_eq(strchr(r, '|'), "|bin||");
    r = t_call(d0, XS_DIRECTORY_PART, 0, "/p|6|");
    ck_assert_str_eq(strchr(r, '|'), "||");
    r = t_call(d0, XS_DIRECTORY_PART, 0, "/p|3|"); /* inside "bin", as C */
    ck_assert_str_eq(strchr(r, '|'), "|in||");
}
END_TEST

START_TEST(deep_tree)
{
    /* 1000 levels: remove and purge must not recurse. */
    static char p[4200];
    int k = 0;

    for (int i = 0; i < 1000 && k < 2040; i++)
        k += sprintf(p + k, "/d");
    strcpy(p + k, "|v");
    T_OK(d0, XS_WRITE, 0, p);
    T_OK(d0, XS_RM, 0, "/d|");
    T_EQ(d0, XS_DIRECTORY, 0, "/|", "tool|");
}
END_TEST

START_TEST(zero_length_and_unknown)
{
    /* Debian's C 4.17 daemon aborts on these; we answer EINVAL. */
    static const uint32_t types[] = {
        XS_DIRECTORY,
        XS_READ,
        XS_GET_PERMS,
        XS_WATCH,
        XS_UNWATCH,
        XS_WRITE,
        XS_MKDIR,
        XS_RM,
        XS_SET_PERMS,
        XS_INTRODUCE,
        XS_RELEASE,
        XS_GET_DOMAIN_PATH,
        XS_IS_DOMAIN_INTRODUCED,
        XS_RESUME,
        XS_SET_TARGET,
        XS_DIRECTORY_PART,
        XS_CONTROL,
    };

    for (unsigned i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        ck_assert_str_eq(t_callb(d0, types[i], 0, "", 0), "E:EINVAL");
    ck_assert_str_eq(t_callb(d0, XS_RESET_WATCHES, 0, "", 0), "OK|");
    ck_assert_str_eq(t_callb(d0, XS_TRANSACTION_END, 0, "", 0), "E:EINVAL");
    ck_assert_str_eq(t_callb(d0, 20, 0, "", 0), "E:ENOSYS");
    ck_assert_str_eq(t_callb(d0, XS_WATCH_EVENT, 0, "a", 1), "E:ENOSYS");
    ck_assert_str_eq(t_callb(d0, XS_ERROR, 0, "a", 1), "E:ENOSYS");
    ck_assert_str_eq(t_callb(d0, 0xffff, 0, "a", 1), "E:ENOSYS");
    ck_assert_str_eq(t_callb(d0, XS_TYPE_COUNT, 0, "a", 1), "E:ENOSYS");
}
END_TEST

Suite *t_suite(void)
{
    Suite *su = suite_create("xenstore-tree");
    TCase *tc = tcase_create("tree");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, initial_tree);
    tcase_add_test(tc, write_read);
    tcase_add_test(tc, value_binary);
    tcase_add_test(tc, dir_order);
    tcase_add_test(tc, mkdir_rm);
    tcase_add_loop_test(tc, path_rules, 0,
                        sizeof(path_table) / sizeof(path_table[0]));
    tcase_add_test(tc, path_lengths);
    tcase_add_test(tc, relative_paths);
    tcase_add_test(tc, big_directory);
    tcase_add_test(tc, dirpart_small);
    tcase_add_test(tc, deep_tree);
    tcase_add_test(tc, zero_length_and_unknown);
    suite_add_tcase(su, tc);
    return su;
}
