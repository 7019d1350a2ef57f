/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite: quotas (defaults, nodes, sizes, watches, CONTROL). */
#include "xs_test.h"

static struct xs_store *s;
static struct tconn *d0, *g;

static void setup(void)
{
    s = t_store();
    d0 = t_conn(s, 0);
    g = t_conn(s, 5);
    T_OK(d0, XS_INTRODUCE, 0, "5|1|1|");
    T_OK(d0, XS_WRITE, 0, "/local/domain/5|");
    T_OK(d0, XS_SET_PERMS, 0, "/local/domain/5|n5|");
}

static void teardown(void)
{
    t_conn_free(g);
    t_conn_free(d0);
    xs_store_free(s);
}

static const struct {
    enum xs_quota_id q;
    const char *name;
    uint32_t def;
} defaults[] = {
    {XS_Q_NODES, "nodes", 1000},
    {XS_Q_WATCHES, "watches", 128},
    {XS_Q_TRANSACTIONS, "transactions", 10},
    {XS_Q_OUTSTANDING, "outstanding", 20},
    {XS_Q_TXN_NODES, "transaction-nodes", 1024},
    {XS_Q_MEMORY, "memory", 2621440},
    {XS_Q_NODE_SIZE, "node-size", 2048},
    {XS_Q_PATH_MAX, "path-max", 2048},
    {XS_Q_PERMS, "permissions", 5},
};

START_TEST(xen_defaults)
{
    ck_assert_str_eq(xs_quota_table[defaults[_i].q].name, defaults[_i].name);
    ck_assert_uint_eq(xs_store_quota(s, defaults[_i].q), defaults[_i].def);
}
END_TEST

START_TEST(node_quota)
{
    char req[64];
    int i;

    T_OK(d0, XS_CONTROL, 0, "quota|set|nodes|20|");
    /* /local/domain/5 itself is owned by 5: 19 more. */
    for (i = 0; i < 19; i++) {
        snprintf(req, sizeof(req), "n%d|", i);
        T_OK(g, XS_WRITE, 0, req);
    }
    T_EQ(g, XS_WRITE, 0, "one-too-many|", "E:ENOSPC");
    T_EQ(g, XS_WRITE, 0, "a/b|", "E:ENOSPC");
    T_OK(g, XS_WRITE, 0, "n3|overwrite is fine");
    T_OK(g, XS_RM, 0, "n0|");
    T_OK(g, XS_WRITE, 0, "again|");
    /* dom0 is not limited; its node inherits owner 5 from the parent. */
    T_OK(d0, XS_WRITE, 0, "/local/domain/5/by0|");
    const char *r = t_call(d0, XS_CONTROL, 0, "quota|5|");

    ck_assert_ptr_nonnull(strstr(r, "Domain 5:\nnodes           :       21\n"));
}
END_TEST

START_TEST(node_size)
{
    static char req[4200];
    int k = sprintf(req, "big|");

    memset(req + k, 'v', 2049);
    req[k + 2049] = '\0';
    T_EQ(g, XS_WRITE, 0, req, "E:ENOSPC");
    req[k + 2000] = '\0';
    T_OK(g, XS_WRITE, 0, req);
    /* dom0 may write a 4000-byte value (C 4.17). */
    k = sprintf(req, "/local/domain/0/big|");
    memset(req + k, 'v', 4000);
    req[k + 4000] = '\0';
    T_OK(d0, XS_WRITE, 0, req);
}
END_TEST

START_TEST(dir_size)
{
    /* Children's names count toward the parent's size (C: ~422 kids). */
    char req[64];
    const char *r = "OK|";
    int i;

    for (i = 0; i < 1000 && !strcmp(r, "OK|"); i++) {
        snprintf(req, sizeof(req), "d/child%04d|", i);
        r = t_call(g, XS_WRITE, 0, req);
    }
    ck_assert_str_eq(r, "E:ENOSPC");
    ck_assert_int_gt(i, 150);
    ck_assert_int_lt(i, 300);
}
END_TEST

START_TEST(watch_quota)
{
    char req[64];

    for (int i = 0; i < 128; i++) {
        snprintf(req, sizeof(req), "w|%d|", i);
        T_OK(g, XS_WATCH, 0, req);
    }
    T_EQ(g, XS_WATCH, 0, "w|x|", "E:E2BIG");
    T_OK(g, XS_UNWATCH, 0, "w|0|");
    T_OK(g, XS_WATCH, 0, "w|x|");
    /* dom0 is exempt. */
    for (int i = 0; i < 300; i++) {
        snprintf(req, sizeof(req), "/w|%d|", i);
        T_OK(d0, XS_WATCH, 0, req);
    }
}
END_TEST

START_TEST(memory_quota)
{
    static char req[2100];
    int k = sprintf(req, "m|");
    const char *r = "OK|";
    int i;

    T_OK(d0, XS_CONTROL, 0, "quota|set|memory|20000|");
    memset(req + k, 'v', 1900);
    req[k + 1900] = '\0';
    for (i = 0; i < 100 && !strcmp(r, "OK|"); i++) {
        req[0] = (char)('a' + i % 26);
        req[1] = (char)('a' + i / 26);
        req[2] = '|';
        r = t_call(g, XS_WRITE, 0, req);
    }
    ck_assert_str_eq(r, "E:ENOSPC");
    ck_assert_int_ge(i, 9);
    ck_assert_int_le(i, 12);
}
END_TEST

START_TEST(control)
{
    const char *r = t_call(d0, XS_CONTROL, 0, "quota|");

    ck_assert_ptr_nonnull(strstr(r, "nodes            :     1000"));
    ck_assert_ptr_nonnull(strstr(r, "transaction-nodes:     1024"));
    T_OK(d0, XS_CONTROL, 0, "quota|set|watches|3|");
    ck_assert_uint_eq(xs_store_quota(s, XS_Q_WATCHES), 3);
    T_EQ(d0, XS_CONTROL, 0, "quota|set|nosuch|3|", "E:EINVAL");
    T_EQ(d0, XS_CONTROL, 0, "quota|set|watches|x|", "E:EINVAL");
    T_EQ(d0, XS_CONTROL, 0, "quota|99|", "E:ENOENT");
    T_EQ(d0, XS_CONTROL, 0, "bogus|", "E:EINVAL");
    r = t_call(d0, XS_CONTROL, 0, "help|");
    ck_assert_ptr_nonnull(strstr(r, "quota"));
    T_OK(d0, XS_CONTROL, 0, "print|hello|");
    T_OK(d0, XS_CONTROL, 0, "check|");
    r = t_call(d0, XS_CONTROL, 0, "memreport|");
    ck_assert_ptr_nonnull(strstr(r, "nodes"));
}
END_TEST

/*
 * Outstanding requests: a transport that holds the charges of the messages
 * it queued (as xenstored's loop does until they are written).
 */
static struct xs_store *hs;
static struct tconn *hring;
static struct xs_charge *held[64];
static unsigned int nheld;

static bool hold_send(void *ctx, const struct xsd_sockmsg *h, const void *b)
{
    struct xs_charge *ch = xs_charge_get(hs);

    if (ch) {
        ck_assert_uint_lt(nheld, 64);
        held[nheld++] = ch;
    }
    return t_send(ctx, h, b);
}

static struct xs_conn *hold_introduce(void *opaque, unsigned int domid,
                                      uint64_t gfn, unsigned int port,
                                      int *err)
{
    (void)opaque;
    (void)gfn;
    (void)port;
    (void)err;
    hring = t_conn(hs, domid);
    return hring->c;
}

static const struct xs_ops hold_ops = {.send = hold_send,
                                       .introduce = hold_introduce};

static unsigned int outstanding_of(struct tconn *dom0, const char *domid)
{
    char req[32];
    const char *r, *p;

    snprintf(req, sizeof(req), "quota|%s|", domid);
    r = t_call(dom0, XS_CONTROL, 0, req);
    p = strstr(r, "outstanding     : ");
    ck_assert_msg(p != NULL, "%s", r);
    return (unsigned int)strtoul(p + 18, NULL, 10);
}

START_TEST(outstanding)
{
    struct tconn *a;
    unsigned int i;

    hs = xs_store_new(&hold_ops, NULL);
    a = t_conn(hs, 0);
    nheld = 0;
    T_OK(a, XS_INTRODUCE, 0, "5|1|1|");
    T_OK(a, XS_WRITE, 0, "/local/domain/5|");
    T_OK(a, XS_SET_PERMS, 0, "/local/domain/5|n5|");
    ck_assert_uint_eq(nheld, 0); /* dom0's requests are not counted */
    T_OK(a, XS_CONTROL, 0, "quota|set|outstanding|3|");

    /* Each request of domain 5 counts while its reply is queued. */
    for (i = 0; i < 3; i++) {
        ck_assert(xs_conn_may_read(hring->c));
        T_EQ(hring, XS_READ, 0, "/local/domain/5|", "");
    }
    ck_assert_uint_eq(nheld, 3);
    ck_assert_uint_eq(outstanding_of(a, "5"), 3);
    ck_assert(!xs_conn_may_read(hring->c)); /* at the quota: stop reading */
    ck_assert(xs_conn_may_read(a->c));      /* dom0 is never stopped */
    /* Going back below the quota names the ring to poll again. */
    ck_assert_ptr_eq(xs_charge_put(held[0]), hring->c);
    ck_assert(xs_conn_may_read(hring->c));
    ck_assert_ptr_null(xs_charge_put(held[1]));
    ck_assert_ptr_null(xs_charge_put(held[2]));
    ck_assert_uint_eq(outstanding_of(a, "5"), 0);

    /* A request counts until its reply and the events it caused are out. */
    nheld = 0;
    T_OK(a, XS_WATCH, 0, "/local/domain/5/x|tok|");
    t_drain(a);
    T_OK(hring, XS_WRITE, 0, "x|1");
    ck_assert_uint_eq(nheld, 2); /* the reply and dom0's event */
    ck_assert_str_eq(t_event(a), "/local/domain/5/x|tok|");
    ck_assert_uint_eq(outstanding_of(a, "5"), 1);
    ck_assert_ptr_null(xs_charge_put(held[0]));
    ck_assert_uint_eq(outstanding_of(a, "5"), 1);
    ck_assert_ptr_null(xs_charge_put(held[1]));
    ck_assert_uint_eq(outstanding_of(a, "5"), 0);

    /* Quota 0 is no limit; a released domain's late charges are harmless. */
    T_OK(a, XS_CONTROL, 0, "quota|set|outstanding|0|");
    nheld = 0;
    for (i = 0; i < 30; i++)
        T_EQ(hring, XS_READ, 0, "/local/domain/5/x|", "1");
    ck_assert(xs_conn_may_read(hring->c));
    T_OK(a, XS_RELEASE, 0, "5|");
    for (i = 0; i < nheld; i++)
        ck_assert_ptr_null(xs_charge_put(held[i]));
    t_conn_free(hring);
    t_conn_free(a);
    xs_store_free(hs);
}
END_TEST

Suite *t_suite(void)
{
    Suite *su = suite_create("xenstore-quota");
    TCase *tc = tcase_create("quota");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, xen_defaults, 0,
                        sizeof(defaults) / sizeof(defaults[0]));
    tcase_add_test(tc, node_quota);
    tcase_add_test(tc, node_size);
    tcase_add_test(tc, dir_size);
    tcase_add_test(tc, watch_quota);
    tcase_add_test(tc, memory_quota);
    tcase_add_test(tc, control);
    tcase_add_test(tc, outstanding);
    suite_add_tcase(su, tc);
    return su;
}
