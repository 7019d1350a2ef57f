/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite: watches (initial, subtree, rm, relative, special). */
#include "xs_test.h"

static struct xs_store *s;
static struct tconn *d0, *w, *g;

static void setup(void)
{
    s = t_store();
    d0 = t_conn(s, 0);
    w = t_conn(s, 0);
    g = t_conn(s, 5);
    T_OK(d0, XS_INTRODUCE, 0, "5|1|1|");
    T_OK(d0, XS_WRITE, 0, "/local/domain/5|");
    T_OK(d0, XS_SET_PERMS, 0, "/local/domain/5|n5|");
}

static void teardown(void)
{
    t_conn_free(g);
    t_conn_free(w);
    t_conn_free(d0);
    xs_store_free(s);
}

START_TEST(initial_and_subtree)
{
    T_OK(w, XS_WATCH, 0, "/a|t1|");
    ck_assert_str_eq(t_event(w), "/a|t1|"); /* even though /a is missing */
    T_OK(d0, XS_WRITE, 0, "/a/b/c|1");
    ck_assert_str_eq(t_event(w), "/a/b/c|t1|"); /* once, not per parent */
    ck_assert_str_eq(t_event(w), "");
    T_OK(d0, XS_WRITE, 0, "/ab|1"); /* not a child of /a */
    T_OK(d0, XS_WRITE, 0, "/|");
    ck_assert_str_eq(t_event(w), "");
    T_OK(d0, XS_SET_PERMS, 0, "/a|n0|r5|");
    ck_assert_str_eq(t_event(w), "/a|t1|");
    T_OK(d0, XS_MKDIR, 0, "/a|"); /* exists: no event */
    ck_assert_str_eq(t_event(w), "");
}
END_TEST

START_TEST(rm_fires_once)
{
    char req[64];

    for (int i = 0; i < 50; i++) {
        snprintf(req, sizeof(req), "/r/c%d/x|", i);
        T_OK(d0, XS_WRITE, 0, req);
    }
    T_OK(w, XS_WATCH, 0, "/r|up|");
    T_OK(w, XS_WATCH, 0, "/r/c7/x|below|");
    T_OK(w, XS_WATCH, 0, "/other|no|");
    t_drain(w);
    T_OK(d0, XS_RM, 0, "/r|");
    ck_assert_uint_eq(t_nevents(w), 2);
    /* Ancestor watch gets the removed path; one below gets its own. */
    const char *e1 = t_event(w);
    char first[64];

    strcpy(first, e1);
    const char *e2 = t_event(w);

    ck_assert((!strcmp(first, "/r|up|") && !strcmp(e2, "/r/c7/x|below|")) ||
              (!strcmp(first, "/r/c7/x|below|") && !strcmp(e2, "/r|up|")));
    T_OK(d0, XS_RM, 0, "/r|"); /* missing: no event */
    ck_assert_uint_eq(t_nevents(w), 0);
}
END_TEST

START_TEST(duplicates_and_unwatch)
{
    T_OK(w, XS_WATCH, 0, "/d|tok|");
    T_EQ(w, XS_WATCH, 0, "/d|tok|", "E:EEXIST");
    T_OK(w, XS_WATCH, 0, "/d|tok2|"); /* other token fine */
    T_OK(d0, XS_WATCH, 0, "/d|tok|"); /* other conn fine */
    t_drain(w);
    T_OK(w, XS_UNWATCH, 0, "/d|tok|");
    T_EQ(w, XS_UNWATCH, 0, "/d|tok|", "E:ENOENT");
    T_EQ(w, XS_UNWATCH, 0, "/d|nope|", "E:ENOENT");
    T_OK(d0, XS_WRITE, 0, "/d|1");
    ck_assert_str_eq(t_event(w), "/d|tok2|");
    ck_assert_str_eq(t_event(w), "");
    T_EQ(w, XS_WATCH, 0, "/d|", "E:EINVAL");
    T_EQ(w, XS_WATCH, 0, "/d|t|1|", "E:EINVAL"); /* depth: 4.22 only */
    T_EQ(w, XS_WATCH, 0, "/bad.|t|", "E:EINVAL");
}
END_TEST

START_TEST(relative_watch)
{
    T_OK(g, XS_WATCH, 0, "data|rel|");
    ck_assert_str_eq(t_event(g), "data|rel|");
    T_OK(g, XS_WRITE, 0, "data/y|1");
    ck_assert_str_eq(t_event(g), "data/y|rel|");
    T_OK(d0, XS_WRITE, 0, "/local/domain/5/data/z|1");
    ck_assert_str_eq(t_event(g), "data/z|rel|");
    T_OK(g, XS_UNWATCH, 0, "data|rel|");
}
END_TEST

START_TEST(permission_filter)
{
    /* XSA-115: a guest only hears about nodes it may read. */
    T_OK(d0, XS_WRITE, 0, "/secret|");
    T_OK(g, XS_WATCH, 0, "/secret|s|");
    ck_assert_str_eq(t_event(g), "/secret|s|");
    T_OK(d0, XS_WRITE, 0, "/secret/x|1");
    ck_assert_str_eq(t_event(g), "");
    T_OK(d0, XS_SET_PERMS, 0, "/secret/x|n0|r5|");
    ck_assert_str_eq(t_event(g), "/secret/x|s|");
}
END_TEST

START_TEST(special_watches)
{
    T_OK(w, XS_WATCH, 0, "@introduceDomain|i|");
    T_OK(w, XS_WATCH, 0, "@releaseDomain|r|");
    T_OK(g, XS_WATCH, 0, "@releaseDomain|gr|");
    t_drain(w);
    t_drain(g);
    T_OK(d0, XS_INTRODUCE, 0, "7|100|3|");
    ck_assert_str_eq(t_event(w), "@introduceDomain|i|");
    T_OK(d0, XS_RELEASE, 0, "7|");
    ck_assert_str_eq(t_event(w), "@releaseDomain|r|");
    ck_assert_str_eq(t_event(g), ""); /* n0: not for guests */
    T_OK(d0, XS_SET_PERMS, 0, "@releaseDomain|n0|r5|");
    T_OK(d0, XS_INTRODUCE, 0, "7|100|3|");
    T_OK(d0, XS_RELEASE, 0, "7|");
    ck_assert_str_eq(t_event(g), "@releaseDomain|gr|");
    /* Normal writes do not reach special watches. */
    T_OK(d0, XS_WRITE, 0, "/x|1");
    ck_assert_str_eq(t_event(w),
                     "@introduceDomain|i|"); /* from 2nd introduce */
    ck_assert_str_eq(t_event(w), "@releaseDomain|r|");
    ck_assert_str_eq(t_event(w), "");
    /* Domain death reported by the host. */
    T_OK(d0, XS_INTRODUCE, 0, "8|100|3|");
    t_drain(w);
    xs_domain_gone(s, 8);
    ck_assert_str_eq(t_event(w), "@releaseDomain|r|");
    xs_domain_gone(s, 8); /* once */
    ck_assert_str_eq(t_event(w), "");
    T_OK(d0, XS_RESUME, 0, "8|");
    xs_domain_gone(s, 8);
    ck_assert_str_eq(t_event(w), "@releaseDomain|r|");
}
END_TEST

START_TEST(reset_watches)
{
    uint32_t t;

    T_OK(w, XS_WATCH, 0, "/x|1|");
    t = t_txn(w);
    T_OK(w, XS_RESET_WATCHES, 0, "|");
    t_drain(w);
    T_OK(d0, XS_WRITE, 0, "/x|2");
    ck_assert_str_eq(t_event(w), "");
    T_EQ(w, XS_TRANSACTION_END, t, "T|", "E:ENOENT");
    T_OK(w, XS_WATCH, 0, "/x|1|"); /* can add it again */
}
END_TEST

START_TEST(refused_events_dropped)
{
    /* A watcher that stops reading loses events; nothing else breaks. */
    T_OK(w, XS_WATCH, 0, "/f|t|");
    t_drain(w);
    w->refuse = true;
    T_OK(d0, XS_WRITE, 0, "/f|1");
    w->refuse = false;
    ck_assert_str_eq(t_event(w), "");
    T_OK(d0, XS_WRITE, 0, "/f|2");
    ck_assert_str_eq(t_event(w), "/f|t|");
}
END_TEST

START_TEST(oversized_event_dropped)
{
    /* XSA-324: path + token beyond 4096 bytes: no event at all. */
    static char req[4200];
    int k = sprintf(req, "/big|");

    memset(req + k, 'T', 3000);
    strcpy(req + k + 3000, "|");
    T_OK(w, XS_WATCH, 0, req);
    t_drain(w);
    char p[1300] = "/big/";

    memset(p + 5, 'x', 1200);
    strcpy(p + 1205, "|1");
    T_OK(d0, XS_WRITE, 0, p);
    ck_assert_str_eq(t_event(w), "");
}
END_TEST

Suite *t_suite(void)
{
    Suite *su = suite_create("xenstore-watch");
    TCase *tc = tcase_create("watch");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, initial_and_subtree);
    tcase_add_test(tc, rm_fires_once);
    tcase_add_test(tc, duplicates_and_unwatch);
    tcase_add_test(tc, relative_watch);
    tcase_add_test(tc, permission_filter);
    tcase_add_test(tc, special_watches);
    tcase_add_test(tc, reset_watches);
    tcase_add_test(tc, refused_events_dropped);
    tcase_add_test(tc, oversized_event_dropped);
    suite_add_tcase(su, tc);
    return su;
}
