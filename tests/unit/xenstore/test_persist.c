/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite: saving and loading the store across a restart. */
#include "xs_test.h"

START_TEST(roundtrip)
{
    struct xs_store *a = t_store(), *b = t_store();
    struct tconn *ca = t_conn(a, 0), *cb;
    const char bin[] = "/bin\0x\0y";
    char *buf;
    size_t len;

    T_OK(ca, XS_WRITE, 0, "/d/z|1");
    T_OK(ca, XS_WRITE, 0, "/d/a|2");
    T_OK(ca, XS_WRITE, 0, "/d/m/deep|3");
    T_OK(ca, XS_SET_PERMS, 0, "/d/a|n5|r6|");
    ck_assert_str_eq(t_callb(ca, XS_WRITE, 0, bin, sizeof(bin) - 1), "OK|");
    T_OK(ca, XS_RM, 0, "/tool|");
    T_OK(ca, XS_INTRODUCE, 0, "5|77|9|");
    T_OK(ca, XS_CONTROL, 0, "quota|set|nodes|77|");
    ck_assert_int_eq(xs_store_save(a, &buf, &len), 0);
    ck_assert_int_eq(xs_store_load(b, buf, len), 0);
    free(buf);
    cb = t_conn(b, 0);
    T_EQ(cb, XS_DIRECTORY, 0, "/d|", "z|a|m|");
    T_EQ(cb, XS_READ, 0, "/d/m/deep|", "3");
    T_EQ(cb, XS_GET_PERMS, 0, "/d/a|", "n5|r6|");
    T_EQ(cb, XS_READ, 0, "/bin|", "x|y");
    T_EQ(cb, XS_IS_DOMAIN_INTRODUCED, 0, "5|", "T|");
    ck_assert_uint_eq(xs_store_quota(b, XS_Q_NODES), 77);
    /* Node accounting survives too: 5 owns /d/a. */
    ck_assert_ptr_nonnull(strstr(t_call(cb, XS_CONTROL, 0, "quota|5|"),
                                 "nodes           :        1"));
    t_conn_free(ca);
    t_conn_free(cb);
    xs_store_free(a);
    xs_store_free(b);
}
END_TEST

/* A host whose INTRODUCE gives each domain a ring connection (tconn). */
static struct tconn *rings[16];
static struct xs_store *ring_store;

static struct xs_conn *fake_introduce(void *opaque, unsigned int domid,
                                      uint64_t gfn, unsigned int port, int *err)
{
    (void)opaque;
    (void)gfn;
    (void)port;
    (void)err;
    rings[domid] = t_conn(ring_store, domid);
    return rings[domid]->c;
}

static const struct xs_ops ring_ops = {.send = t_send,
                                       .introduce = fake_introduce};

START_TEST(rings_and_watches_survive)
{
    struct xs_store *a, *b;
    struct tconn *d0;
    char *buf;
    size_t len;

    ring_store = a = xs_store_new(&ring_ops, NULL);
    d0 = t_conn(a, 0);
    T_OK(d0, XS_WRITE, 0, "/local/domain/5|");
    T_OK(d0, XS_SET_PERMS, 0, "/local/domain/5|n5|");
    T_OK(d0, XS_INTRODUCE, 0, "5|77|9|");
    T_OK(rings[5], XS_WATCH, 0, "data|tok|");
    ck_assert_int_eq(xs_store_save(a, &buf, &len), 0);
    t_conn_free(d0);
    t_conn_free(rings[5]);
    xs_store_free(a);
    rings[5] = NULL;

    ring_store = b = xs_store_new(&ring_ops, NULL);
    ck_assert_int_eq(xs_store_load(b, buf, len), 0);
    free(buf);
    ck_assert_ptr_nonnull(rings[5]); /* the ring was re-attached */
    d0 = t_conn(b, 0);
    T_OK(d0, XS_WRITE, 0, "/local/domain/5/data/x|1");
    ck_assert_str_eq(t_event(rings[5]),
                     "data/x|tok|"); /* watch kept, relative */
    T_OK(rings[5], XS_UNWATCH, 0, "data|tok|");
    t_conn_free(d0);
    t_conn_free(rings[5]);
    xs_store_free(b);
}
END_TEST

START_TEST(corrupt_rejected)
{
    struct xs_store *a = t_store();
    char *buf;
    size_t len;

    ck_assert_int_eq(xs_store_save(a, &buf, &len), 0);
    for (size_t cut = 0; cut < len; cut += 7) {
        struct xs_store *b = t_store();

        ck_assert_int_ne(xs_store_load(b, buf, cut), 0);
        xs_store_free(b);
    }
    buf[0] = 'Y';
    struct xs_store *b = t_store();

    ck_assert_int_eq(xs_store_load(b, buf, len), -EINVAL);
    xs_store_free(b);
    free(buf);
    xs_store_free(a);
}
END_TEST

Suite *t_suite(void)
{
    Suite *su = suite_create("xenstore-persist");
    TCase *tc = tcase_create("persist");

    tcase_add_test(tc, roundtrip);
    tcase_add_test(tc, corrupt_rejected);
    tcase_add_test(tc, rings_and_watches_survive);
    suite_add_tcase(su, tc);
    return su;
}
