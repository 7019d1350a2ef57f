/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite: permissions (owner, n/r/w/b, dom0, set_target). */
#include "xs_test.h"

static struct xs_store *s;
static struct tconn *d0, *d5, *d6;

static void setup(void)
{
    s = t_store();
    d0 = t_conn(s, 0);
    d5 = t_conn(s, 5);
    d6 = t_conn(s, 6);
    T_OK(d0, XS_INTRODUCE, 0, "5|1|1|");
    T_OK(d0, XS_INTRODUCE, 0, "6|1|1|");
    T_OK(d0, XS_WRITE, 0, "/local/domain/5|");
    T_OK(d0, XS_SET_PERMS, 0, "/local/domain/5|n5|");
    T_OK(d0, XS_WRITE, 0, "/local/domain/6|");
    T_OK(d0, XS_SET_PERMS, 0, "/local/domain/6|n6|");
}

static void teardown(void)
{
    t_conn_free(d6);
    t_conn_free(d5);
    t_conn_free(d0);
    xs_store_free(s);
}

/* perms of /p, who asks, op, payload, reply. */
static const struct {
    const char *perms;
    int dom;
    uint32_t op;
    const char *req;
    const char *want;
} access_table[] = {
    {"n0|", 5, XS_READ, "/p|", "E:EACCES"},
    {"r0|", 5, XS_READ, "/p|", "v"},
    {"w0|", 5, XS_READ, "/p|", "E:EACCES"},
    {"w0|", 5, XS_WRITE, "/p|x", "OK|"},
    {"r0|", 5, XS_WRITE, "/p|x", "E:EACCES"},
    {"b0|", 5, XS_WRITE, "/p|x", "OK|"},
    {"n0|r5|", 5, XS_READ, "/p|", "v"},
    {"n0|r5|", 6, XS_READ, "/p|", "E:EACCES"},
    {"r0|n5|", 5, XS_READ, "/p|", "E:EACCES"}, /* entry beats default */
    {"r0|n5|", 6, XS_READ, "/p|", "v"},
    {"n5|", 5, XS_READ, "/p|", "v"}, /* owner: everything */
    {"n5|", 5, XS_WRITE, "/p|x", "OK|"},
    {"n5|", 6, XS_GET_PERMS, "/p|", "E:EACCES"},
    {"r0|", 5, XS_GET_PERMS, "/p|", "r0|"},
    {"n0|", 0, XS_READ, "/p|", "v"}, /* dom0 bypasses */
    {"n0|b5|", 5, XS_DIRECTORY, "/p|", ""},
    {"n0|", 5, XS_READ, "/p/missing|", "E:EACCES"}, /* C: perms of parent */
    {"r0|", 5, XS_READ, "/p/missing|", "E:ENOENT"},
    {"r0|", 5, XS_WRITE, "/p/new|x", "E:EACCES"},
    {"w0|", 5, XS_WRITE, "/p/new|x", "OK|"},
    {"r0|", 5, XS_RM, "/p|", "E:EACCES"},
    {"w0|", 5, XS_RM, "/p|", "OK|"},
    {"b0|", 5, XS_SET_PERMS, "/p|n0|", "E:EACCES"}, /* owner only */
    {"n5|", 5, XS_SET_PERMS, "/p|n0|", "E:EPERM"},  /* guests keep owner */
    {"n5|", 5, XS_SET_PERMS, "/p|n5|r6|", "OK|"},
    {"n5|", 5, XS_SET_PERMS, "/p|n5|r6|r7|r8|r9|r10|", "OK|"},
    {"n5|", 5, XS_SET_PERMS, "/p|n5|r6|r7|r8|r9|r10|r11|", "E:ENOSPC"},
    {"n0|", 0, XS_SET_PERMS, "/p|z5|", "E:EINVAL"},
    {"n0|", 0, XS_SET_PERMS, "/p|r|", "E:EINVAL"},
    {"n0|", 0, XS_SET_PERMS, "/p|r5x|", "E:EINVAL"},
    {"n0|", 0, XS_SET_PERMS, "/p|", "E:EINVAL"},
    {"n0|", 0, XS_SET_PERMS, "/p|n99999|", "E:EINVAL"},
};

START_TEST(access)
{
    char req[128];
    struct tconn *who[] = {[0] = d0, [5] = d5, [6] = d6};

    snprintf(req, sizeof(req), "/p|%s", access_table[_i].perms);
    T_OK(d0, XS_WRITE, 0, "/p|v");
    T_OK(d0, XS_SET_PERMS, 0, req);
    ck_assert_str_eq(t_call(who[access_table[_i].dom], access_table[_i].op, 0,
                            access_table[_i].req),
                     access_table[_i].want);
}
END_TEST

START_TEST(inherit_and_owner)
{
    T_OK(d0, XS_WRITE, 0, "/p|");
    T_OK(d0, XS_SET_PERMS, 0, "/p|n0|w5|r6|");
    /* dom0 creates: copy of the parent's list. */
    T_OK(d0, XS_WRITE, 0, "/p/by0|");
    T_EQ(d0, XS_GET_PERMS, 0, "/p/by0|", "n0|w5|r6|");
    /* a guest creates: it becomes the owner. */
    T_OK(d5, XS_WRITE, 0, "/p/by5/deep|");
    T_EQ(d0, XS_GET_PERMS, 0, "/p/by5|", "n5|w5|r6|");
    T_EQ(d0, XS_GET_PERMS, 0, "/p/by5/deep|", "n5|w5|r6|");
    T_EQ(d6, XS_READ, 0, "/p/by5/deep|", "");
    /* dom0 may give a node away. */
    T_OK(d0, XS_SET_PERMS, 0, "/p/by0|n6|");
    T_OK(d6, XS_WRITE, 0, "/p/by0|mine");
}
END_TEST

START_TEST(home_dirs)
{
    T_OK(d5, XS_WRITE, 0, "/local/domain/5/x|1");
    T_EQ(d5, XS_WRITE, 0, "/local/domain/6/x|1", "E:EACCES");
    T_EQ(d6, XS_READ, 0, "/local/domain/5/x|", "E:EACCES");
    T_EQ(d5, XS_WRITE, 0, "/top|1", "E:EACCES");
    T_EQ(d5, XS_DIRECTORY, 0, "/|", "E:EACCES");
}
END_TEST

START_TEST(set_target)
{
    T_OK(d0, XS_WRITE, 0, "/local/domain/5/secret|s");
    T_EQ(d6, XS_READ, 0, "/local/domain/5/secret|", "E:EACCES");
    T_EQ(d5, XS_SET_TARGET, 0, "6|5|", "E:EACCES");
    T_OK(d0, XS_SET_TARGET, 0, "6|5|"); /* 6 (stubdom) acts for 5 */
    T_EQ(d6, XS_READ, 0, "/local/domain/5/secret|", "s");
    T_OK(d6, XS_WRITE, 0, "/local/domain/5/secret|t");
    T_EQ(d0, XS_SET_TARGET, 0, "9|5|", "E:ENOENT");
    T_EQ(d0, XS_SET_TARGET, 0, "6|", "E:EINVAL");
}
END_TEST

START_TEST(privileged_ops)
{
    static const struct {
        uint32_t op;
        const char *req;
    } ops[] = {
        {XS_INTRODUCE, "9|1|1|"}, {XS_RELEASE, "6|"},    {XS_RESUME, "6|"},
        {XS_SET_TARGET, "6|5|"},  {XS_CONTROL, "help|"},
    };

    for (unsigned i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        ck_assert_str_eq(t_call(d5, ops[i].op, 0, ops[i].req), "E:EACCES");
}
END_TEST

START_TEST(release_purges)
{
    T_OK(d0, XS_WRITE, 0, "/shared|");
    T_OK(d0, XS_SET_PERMS, 0, "/shared|n0|b6|r5|");
    T_OK(d6, XS_WRITE, 0, "/local/domain/6/stuff/x|1");
    T_OK(d0, XS_RELEASE, 0, "6|");
    /* Nodes owned by 6 are gone, and so is 6's entry elsewhere. */
    T_EQ(d0, XS_READ, 0, "/local/domain/6|", "E:ENOENT");
    T_EQ(d0, XS_GET_PERMS, 0, "/shared|", "n0|r5|");
    T_EQ(d0, XS_IS_DOMAIN_INTRODUCED, 0, "6|", "F|");
    T_EQ(d0, XS_RELEASE, 0, "6|", "E:ENOENT");
    T_EQ(d0, XS_RELEASE, 0, "0|", "E:EINVAL");
}
END_TEST

START_TEST(special_perms)
{
    T_EQ(d0, XS_GET_PERMS, 0, "@releaseDomain|", "E:EINVAL");
    T_OK(d0, XS_SET_PERMS, 0, "@releaseDomain|n0|r5|");
    T_EQ(d5, XS_SET_PERMS, 0, "@releaseDomain|n5|", "E:EACCES");
    T_EQ(d0, XS_SET_PERMS, 0, "@other|n0|", "E:EINVAL");
}
END_TEST

Suite *t_suite(void)
{
    Suite *su = suite_create("xenstore-perms");
    TCase *tc = tcase_create("perms");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, access, 0,
                        sizeof(access_table) / sizeof(access_table[0]));
    tcase_add_test(tc, inherit_and_owner);
    tcase_add_test(tc, home_dirs);
    tcase_add_test(tc, set_target);
    tcase_add_test(tc, privileged_ops);
    tcase_add_test(tc, release_purges);
    tcase_add_test(tc, special_perms);
    suite_add_tcase(su, tc);
    return su;
}
