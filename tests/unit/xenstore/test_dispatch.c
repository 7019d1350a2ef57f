/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite: dispatcher (framing, domain messages, bad arguments). */
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

START_TEST(reply_framing)
{
    struct xsd_sockmsg h = {.type = XS_READ, .req_id = 555, .len = 6};
    struct tmsg *m;

    xs_dispatch(d0->c, &h, "/tool");
    h.req_id = 556;
    xs_dispatch(d0->c, &h, "/nope");
    m = t_pop(d0);
    ck_assert_uint_eq(m->type, XS_READ);
    ck_assert_uint_eq(m->req_id, 555);
    ck_assert_uint_eq(m->len, 0);
    m = t_pop(d0);
    ck_assert_uint_eq(m->type, XS_ERROR);
    ck_assert_uint_eq(m->req_id, 556);
    ck_assert_uint_eq(m->len, 7);
    ck_assert_str_eq(m->body, "ENOENT");
}
END_TEST

START_TEST(txn_id_echoed)
{
    uint32_t t = t_txn(d0);

    T_OK(d0, XS_WRITE, t, "/x|1"); /* t_callb checks tx_id */
    T_EQ(d0, XS_READ, t, "/x|", "1");
    T_OK(d0, XS_TRANSACTION_END, t, "T|");
}
END_TEST

START_TEST(domains)
{
    T_EQ(d0, XS_IS_DOMAIN_INTRODUCED, 0, "0|", "T|");
    T_EQ(d0, XS_IS_DOMAIN_INTRODUCED, 0, "3|", "F|");
    T_OK(d0, XS_INTRODUCE, 0, "3|4096|7|");
    T_EQ(d0, XS_IS_DOMAIN_INTRODUCED, 0, "3|", "T|");
    T_OK(d0, XS_INTRODUCE, 0, "3|4096|8|"); /* again: re-bind */
    T_OK(d0, XS_RESUME, 0, "3|");
    T_EQ(d0, XS_RESUME, 0, "4|", "E:ENOENT");
    T_EQ(d0, XS_INTRODUCE, 0, "3|4096|", "E:EINVAL");
    T_EQ(d0, XS_INTRODUCE, 0, "x|4096|7|", "E:EINVAL");
    T_EQ(d0, XS_INTRODUCE, 0, "32752|1|1|",
         "E:EINVAL"); /* DOMID_FIRST_RESERVED */
    T_EQ(d0, XS_INTRODUCE, 0, "3|-1|7|", "E:EINVAL");
    T_EQ(d0, XS_IS_DOMAIN_INTRODUCED, 0, "x|", "T|"); /* atoi: 0, as C */
    T_OK(d0, XS_RELEASE, 0, "3|");
    T_EQ(d0, XS_IS_DOMAIN_INTRODUCED, 0, "3|", "F|");
    T_EQ(d0, XS_GET_DOMAIN_PATH, 0, "32751|", "/local/domain/32751|");
    T_EQ(d0, XS_GET_DOMAIN_PATH, 0, "|", "/local/domain/0|");
    T_EQ(d0, XS_GET_DOMAIN_PATH, 0, "", "E:EINVAL"); /* no argument at all */
}
END_TEST

START_TEST(read_without_nul)
{
    /* C answers ENOENT (stale errno), oxenstored EINVAL: we say EINVAL. */
    ck_assert_str_eq(t_callb(d0, XS_READ, 0, "/tool", 5), "E:EINVAL");
    ck_assert_str_eq(t_callb(d0, XS_WRITE, 0, "/tool", 5), "E:EINVAL");
}
END_TEST

START_TEST(garbage_args)
{
    /* Every type with assorted junk: always exactly one reply. */
    static const char *junk[] = {
        "\xff\xfe|", "||||", "/a|b|c|d|e|", "@|",    "@introduceDomain|",
        "0|0|0|0|",  "/|",   "T|",          "../x|",
    };

    for (uint32_t type = 0; type < 30; type++) {
        for (unsigned j = 0; j < sizeof(junk) / sizeof(junk[0]); j++) {
            const char *r = t_call(d0, type, 0, junk[j]);

            ck_assert_str_ne(r, "NO REPLY");
            t_drain(d0);
        }
    }
    /* The store is still sane. */
    T_EQ(d0, XS_READ, 0, "/tool/xenstored|", "");
}
END_TEST

Suite *t_suite(void)
{
    Suite *su = suite_create("xenstore-dispatch");
    TCase *tc = tcase_create("dispatch");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, reply_framing);
    tcase_add_test(tc, txn_id_echoed);
    tcase_add_test(tc, domains);
    tcase_add_test(tc, read_without_nul);
    tcase_add_test(tc, garbage_args);
    suite_add_tcase(su, tc);
    return su;
}
