/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite: transactions (isolation, conflicts, commit, limits). */
#include "xs_test.h"

static struct xs_store *s;
static struct tconn *a, *b;

static void setup(void)
{
    s = t_store();
    a = t_conn(s, 0);
    b = t_conn(s, 0);
}

static void teardown(void)
{
    t_conn_free(a);
    t_conn_free(b);
    xs_store_free(s);
}

START_TEST(isolation)
{
    uint32_t t;

    T_OK(a, XS_WRITE, 0, "/x|a");
    t = t_txn(a);
    T_EQ(a, XS_READ, t, "/x|", "a");
    T_OK(a, XS_WRITE, t, "/x|b");
    T_OK(a, XS_WRITE, t, "/y/z|new");
    T_EQ(a, XS_READ, t, "/x|", "b");
    T_EQ(a, XS_READ, 0, "/x|", "a"); /* others see the old value */
    T_EQ(b, XS_READ, 0, "/y/z|", "E:ENOENT");
    T_EQ(a, XS_DIRECTORY, t, "/y|", "z|");
    T_OK(a, XS_TRANSACTION_END, t, "T|");
    T_EQ(b, XS_READ, 0, "/x|", "b");
    T_EQ(b, XS_READ, 0, "/y/z|", "new");
}
END_TEST

START_TEST(snapshot_then_conflict)
{
    /* test-xenstore "ta err": the transaction keeps seeing its value. */
    uint32_t t;

    T_OK(a, XS_WRITE, 0, "/x|a");
    t = t_txn(a);
    T_EQ(a, XS_READ, t, "/x|", "a");
    T_OK(b, XS_WRITE, 0, "/x|b");
    T_EQ(a, XS_READ, t, "/x|", "a");
    T_OK(a, XS_WRITE, t, "/x|c");
    T_EQ(a, XS_READ, t, "/x|", "c");
    T_EQ(a, XS_TRANSACTION_END, t, "T|", "E:EAGAIN");
    T_EQ(b, XS_READ, 0, "/x|", "b");
    /* The id is gone after EAGAIN. */
    T_EQ(a, XS_TRANSACTION_END, t, "T|", "E:ENOENT");
}
END_TEST

START_TEST(sibling_creation_conflicts)
{
    /* C xenstored: creating a child changes the parent, so this conflicts. */
    uint32_t t;

    T_OK(a, XS_WRITE, 0, "/t|");
    t = t_txn(a);
    T_OK(a, XS_WRITE, t, "/t/b|1");
    T_OK(b, XS_WRITE, 0, "/t/u|2");
    T_EQ(a, XS_TRANSACTION_END, t, "T|", "E:EAGAIN");
}
END_TEST

START_TEST(unrelated_no_conflict)
{
    uint32_t t;

    T_OK(a, XS_WRITE, 0, "/p/x|1");
    T_OK(a, XS_WRITE, 0, "/q/y|1");
    t = t_txn(a);
    T_OK(a, XS_WRITE, t, "/p/x|2");
    T_OK(b, XS_WRITE, 0, "/q/y|3");
    T_OK(a, XS_TRANSACTION_END, t, "T|");
    T_EQ(b, XS_READ, 0, "/p/x|", "2");
}
END_TEST

START_TEST(abort_discards)
{
    uint32_t t = t_txn(a);

    T_OK(a, XS_WRITE, t, "/gone|1");
    T_OK(a, XS_TRANSACTION_END, t, "F|");
    T_EQ(a, XS_READ, 0, "/gone|", "E:ENOENT");
}
END_TEST

START_TEST(essay_example)
{
    /* The worked example at the top of xs_txn.c. */
    uint32_t t;

    T_OK(a, XS_WRITE, 0, "/a/b|old");
    t = t_txn(a);
    T_OK(a, XS_RM, t, "/a|");
    T_EQ(a, XS_READ, t, "/a/b|", "E:ENOENT");
    T_EQ(a, XS_READ, 0, "/a/b|", "old");
    T_OK(a, XS_WRITE, t, "/a/c|x");
    T_EQ(a, XS_DIRECTORY, t, "/a|", "c|");
    T_EQ(a, XS_READ, t, "/a/b|", "E:ENOENT");
    T_OK(b, XS_WATCH, 0, "/a|w|");
    ck_assert_str_eq(t_event(b), "/a|w|");
    T_OK(a, XS_TRANSACTION_END, t, "T|");
    T_EQ(b, XS_DIRECTORY, 0, "/a|", "c|");
    T_EQ(b, XS_READ, 0, "/a/c|", "x");
    ck_assert_str_eq(t_event(b), "/a|w|");
    ck_assert_str_eq(t_event(b), "/a/c|w|");
    ck_assert_str_eq(t_event(b), "");
}
END_TEST

START_TEST(events_only_at_commit)
{
    uint32_t t;

    T_OK(b, XS_WATCH, 0, "/e|tok|");
    ck_assert_str_eq(t_event(b), "/e|tok|");
    t = t_txn(a);
    T_OK(a, XS_WRITE, t, "/e/1|x");
    T_OK(a, XS_WRITE, t, "/e/2|x");
    ck_assert_uint_eq(t_nevents(b), 0);
    T_OK(a, XS_TRANSACTION_END, t, "T|");
    ck_assert_str_eq(t_event(b), "/e/1|tok|");
    ck_assert_str_eq(t_event(b), "/e/2|tok|");
    /* Aborted: nothing. */
    t = t_txn(a);
    T_OK(a, XS_WRITE, t, "/e/3|x");
    T_OK(a, XS_TRANSACTION_END, t, "F|");
    ck_assert_uint_eq(t_nevents(b), 0);
}
END_TEST

START_TEST(bad_ids_and_args)
{
    uint32_t t;

    T_EQ(a, XS_READ, 12345, "/tool|", "E:ENOENT");
    T_EQ(a, XS_TRANSACTION_START, 5, "|", "E:ENOENT");
    T_EQ(a, XS_TRANSACTION_END, 0, "T|", "E:ENOENT");
    t = t_txn(a);
    T_EQ(a, XS_TRANSACTION_END, t, "X|", "E:EINVAL");
    T_EQ(b, XS_READ, t, "/tool|", "E:ENOENT"); /* not b's */
    T_OK(a, XS_TRANSACTION_END, t, "F|");
}
END_TEST

START_TEST(rm_and_perms_in_txn)
{
    uint32_t t;

    T_OK(a, XS_WRITE, 0, "/r/x|1");
    T_OK(a, XS_WRITE, 0, "/r/y|1");
    t = t_txn(a);
    T_OK(a, XS_RM, t, "/r/x|");
    T_OK(a, XS_SET_PERMS, t, "/r/y|r3|");
    T_EQ(a, XS_DIRECTORY, t, "/r|", "y|");
    T_EQ(a, XS_GET_PERMS, t, "/r/y|", "r3|");
    T_EQ(a, XS_GET_PERMS, 0, "/r/y|", "n0|");
    T_OK(a, XS_RM, t, "/r/nothere|");
    T_EQ(a, XS_RM, t, "/nothere/x|", "E:ENOENT");
    T_OK(a, XS_TRANSACTION_END, t, "T|");
    T_EQ(a, XS_DIRECTORY, 0, "/r|", "y|");
    T_EQ(a, XS_GET_PERMS, 0, "/r/y|", "r3|");
}
END_TEST

START_TEST(rm_recreate_deep)
{
    uint32_t t;

    T_OK(a, XS_WRITE, 0, "/z/old/deep|1");
    t = t_txn(a);
    T_OK(a, XS_RM, t, "/z|");
    T_OK(a, XS_WRITE, t, "/z/new|2");
    T_OK(a, XS_RM, t, "/z/new|");
    T_OK(a, XS_WRITE, t, "/z/new/er|3");
    T_OK(a, XS_TRANSACTION_END, t, "T|");
    T_EQ(a, XS_DIRECTORY, 0, "/z|", "new|");
    T_EQ(a, XS_READ, 0, "/z/new/er|", "3");
    T_EQ(a, XS_READ, 0, "/z/old|", "E:ENOENT");
}
END_TEST

START_TEST(guest_limits)
{
    struct tconn *g = t_conn(s, 3);
    uint32_t ids[10];

    for (int i = 0; i < 10; i++)
        ids[i] = t_txn(g);
    T_EQ(g, XS_TRANSACTION_START, 0, "|", "E:ENOSPC");
    T_OK(g, XS_TRANSACTION_END, ids[0], "F|");
    ids[0] = t_txn(g);
    /* Disconnect mid-transaction: everything is dropped. */
    t_conn_free(g);
    (void)ids;
    g = t_conn(s, 3);
    ck_assert_uint_ne(t_txn(g), 0);
    t_conn_free(g);
}
END_TEST

START_TEST(txn_node_quota)
{
    struct tconn *g = t_conn(s, 3);
    char req[64];
    uint32_t t;

    T_OK(a, XS_WRITE, 0, "/local/domain/3|");
    T_OK(a, XS_SET_PERMS, 0, "/local/domain/3|n3|");
    T_OK(a, XS_CONTROL, 0, "quota|set|transaction-nodes|8|");
    t = t_txn(g);
    const char *r = "OK|";
    int i;

    for (i = 0; i < 20 && !strcmp(r, "OK|"); i++) {
        snprintf(req, sizeof(req), "/local/domain/3/n%d|", i);
        r = t_call(g, XS_READ, t, req);
        if (!strcmp(r, "E:ENOENT"))
            r = "OK|";
    }
    ck_assert_str_eq(r, "E:ENOSPC");
    t_conn_free(g);
}
END_TEST

START_TEST(txn_counts_own_creations)
{
    /* XSA-421: a transaction cannot create past the guest's node quota. */
    struct tconn *g = t_conn(s, 3);
    char req[64];
    const char *r = "OK|";
    uint32_t t;
    int i;

    T_OK(a, XS_WRITE, 0, "/local/domain/3|");
    T_OK(a, XS_SET_PERMS, 0, "/local/domain/3|n3|");
    T_OK(a, XS_CONTROL, 0, "quota|set|nodes|20|");
    t = t_txn(g);
    for (i = 0; i < 40 && !strcmp(r, "OK|"); i++) {
        snprintf(req, sizeof(req), "/local/domain/3/n%d|", i);
        r = t_call(g, XS_WRITE, t, req);
    }
    ck_assert_str_eq(r, "E:ENOSPC");
    ck_assert_int_eq(i, 20); /* 19 created + the home = 20 */
    t_conn_free(g);
}
END_TEST

START_TEST(many_dom0_txns)
{
    /* dom0 is exempt from the quota (C: 300 open fine) but bounded. */
    for (int i = 0; i < 300; i++)
        t_txn(a);
}
END_TEST

Suite *t_suite(void)
{
    Suite *su = suite_create("xenstore-txn");
    TCase *tc = tcase_create("txn");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, isolation);
    tcase_add_test(tc, snapshot_then_conflict);
    tcase_add_test(tc, sibling_creation_conflicts);
    tcase_add_test(tc, unrelated_no_conflict);
    tcase_add_test(tc, abort_discards);
    tcase_add_test(tc, essay_example);
    tcase_add_test(tc, events_only_at_commit);
    tcase_add_test(tc, bad_ids_and_args);
    tcase_add_test(tc, rm_and_perms_in_txn);
    tcase_add_test(tc, rm_recreate_deep);
    tcase_add_test(tc, guest_limits);
    tcase_add_test(tc, txn_node_quota);
    tcase_add_test(tc, txn_counts_own_creations);
    tcase_add_test(tc, many_dom0_txns);
    suite_add_tcase(su, tc);
    return su;
}
