/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite: wire codec (names, errors, arguments, reassembly). */
#include "xs_test.h"

START_TEST(type_names)
{
    ck_assert_str_eq(xs_type_name(XS_READ), "READ");
    ck_assert_str_eq(xs_type_name(XS_DIRECTORY_PART), "DIRECTORY_PART");
    ck_assert_ptr_null(xs_type_name(20)); /* RESTRICT, removed */
    ck_assert_ptr_null(xs_type_name(XS_TYPE_COUNT));
    ck_assert_ptr_null(xs_type_name(0xffff));
}
END_TEST

static const struct {
    int err;
    const char *s;
} err_table[] = {
    {EINVAL, "EINVAL"}, {EACCES, "EACCES"},   {EEXIST, "EEXIST"},
    {EISDIR, "EISDIR"}, {ENOENT, "ENOENT"},   {ENOMEM, "ENOMEM"},
    {ENOSPC, "ENOSPC"}, {EIO, "EIO"},         {ENOTEMPTY, "ENOTEMPTY"},
    {ENOSYS, "ENOSYS"}, {EROFS, "EROFS"},     {EBUSY, "EBUSY"},
    {EAGAIN, "EAGAIN"}, {EISCONN, "EISCONN"}, {E2BIG, "E2BIG"},
    {EPERM, "EPERM"},
};

START_TEST(error_strings)
{
    int e = err_table[_i].err;
    const char *s = err_table[_i].s;

    ck_assert_str_eq(xs_errno_string(e), s);
    ck_assert_int_eq(xs_errno_from_string(s, strlen(s)), e);
    ck_assert_int_eq(xs_errno_from_string(s, strlen(s) + 1), e);
}
END_TEST

START_TEST(error_unknown)
{
    ck_assert_str_eq(xs_errno_string(ERANGE), "EINVAL");
    ck_assert_int_eq(xs_errno_from_string("EQUOTA", 6), EINVAL);
    ck_assert_int_eq(xs_errno_from_string("EINV", 4), EINVAL);
    ck_assert_int_eq(xs_errno_from_string("EAGAINX", 7), EINVAL);
}
END_TEST

START_TEST(split_args)
{
    const char *a[4];
    uint32_t used;

    ck_assert_uint_eq(xs_split_args("a\0bc\0", 5, a, 4, &used), 2);
    ck_assert_str_eq(a[0], "a");
    ck_assert_str_eq(a[1], "bc");
    ck_assert_uint_eq(used, 5);
    /* A trailing fragment without NUL is not an argument. */
    ck_assert_uint_eq(xs_split_args("a\0bc", 4, a, 4, &used), 1);
    ck_assert_uint_eq(used, 2);
    ck_assert_uint_eq(xs_split_args("abc", 3, a, 4, &used), 0);
    ck_assert_uint_eq(xs_split_args("", 0, a, 4, &used), 0);
    ck_assert_uint_eq(xs_split_args("\0", 1, a, 4, &used), 1);
    ck_assert_str_eq(a[0], "");
    /* At most max. */
    ck_assert_uint_eq(xs_split_args("a\0b\0c\0", 6, a, 2, &used), 2);
    ck_assert_uint_eq(used, 4);
    ck_assert_uint_eq(xs_count_strings("a\0b\0", 4), 2);
}
END_TEST

struct got {
    unsigned int n;
    uint32_t types[16];
    uint32_t lens[16];
    char last[XENSTORE_PAYLOAD_MAX + 1];
    bool stop_after_one;
    bool stop;
};

static void collect(void *arg, const struct xsd_sockmsg *h, const char *body)
{
    struct got *g = arg;

    g->types[g->n] = h->type;
    g->lens[g->n] = h->len;
    g->n++;
    memcpy(g->last, body, h->len + 1);
    ck_assert_int_eq(body[h->len], '\0');
    if (g->stop_after_one)
        g->stop = true;
}

static uint32_t mk(char *out, uint32_t type, const char *p, uint32_t len)
{
    return xs_msg_build(out, type, 1, 0, p, len);
}

START_TEST(rx_whole_and_bytewise)
{
    static struct xs_rx rx;
    struct got g = {0};
    char buf[256];
    uint32_t n = mk(buf, XS_READ, "/a", 3);

    n += mk(buf + n, XS_WRITE, "/b\0xyz", 6);
    xs_rx_init(&rx);
    ck_assert_int_eq(xs_rx_feed(&rx, buf, n, collect, &g, NULL), (long)n);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_uint_eq(g.types[1], XS_WRITE);
    ck_assert_uint_eq(g.lens[1], 6);
    memset(&g, 0, sizeof(g));
    for (uint32_t i = 0; i < n; i++)
        ck_assert_int_eq(xs_rx_feed(&rx, buf + i, 1, collect, &g, NULL), 1);
    ck_assert_uint_eq(g.n, 2);
    ck_assert_mem_eq(g.last, "/b\0xyz", 6);
}
END_TEST

START_TEST(rx_stop_after_each)
{
    static struct xs_rx rx;
    struct got g = {.stop_after_one = true};
    char buf[256];
    uint32_t n = mk(buf, XS_READ, "/a", 3), first = n;

    n += mk(buf + n, XS_READ, "/b", 3);
    xs_rx_init(&rx);
    ck_assert_int_eq(xs_rx_feed(&rx, buf, n, collect, &g, &g.stop),
                     (long)first);
    ck_assert_uint_eq(g.n, 1);
}
END_TEST

START_TEST(rx_limits)
{
    static struct xs_rx rx;
    struct got g = {0};
    static char buf[XS_HDR_LEN + XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg h = {.type = XS_WRITE, .len = XENSTORE_PAYLOAD_MAX};

    /* Exactly 4096 is fine. */
    memcpy(buf, &h, sizeof(h));
    memset(buf + sizeof(h), 'x', XENSTORE_PAYLOAD_MAX);
    xs_rx_init(&rx);
    ck_assert_int_eq(xs_rx_feed(&rx, buf, XS_HDR_LEN + XENSTORE_PAYLOAD_MAX,
                                collect, &g, NULL),
                     (long)(XS_HDR_LEN + XENSTORE_PAYLOAD_MAX));
    ck_assert_uint_eq(g.n, 1);
    /* 4097 kills the stream, for good. */
    h.len = XENSTORE_PAYLOAD_MAX + 1;
    memcpy(buf, &h, sizeof(h));
    ck_assert_int_eq(xs_rx_feed(&rx, buf, XS_HDR_LEN, collect, &g, NULL), -1);
    ck_assert_int_eq(xs_rx_feed(&rx, buf, 1, collect, &g, NULL), -1);
    /* Huge and "negative" lengths too. */
    h.len = 0x80000000u;
    memcpy(buf, &h, sizeof(h));
    xs_rx_init(&rx);
    ck_assert_int_eq(xs_rx_feed(&rx, buf, XS_HDR_LEN, collect, &g, NULL), -1);
    /* Zero-length payload is a message. */
    h.len = 0;
    memcpy(buf, &h, sizeof(h));
    xs_rx_init(&rx);
    g.n = 0;
    ck_assert_int_eq(xs_rx_feed(&rx, buf, XS_HDR_LEN, collect, &g, NULL),
                     (long)XS_HDR_LEN);
    ck_assert_uint_eq(g.n, 1);
}
END_TEST

START_TEST(msg_build)
{
    char buf[64];
    struct xsd_sockmsg h;
    uint32_t n = xs_msg_build(buf, XS_ERROR, 5, 6, "ENOENT", 7);

    ck_assert_uint_eq(n, 16 + 7);
    memcpy(&h, buf, sizeof(h));
    ck_assert_uint_eq(h.type, XS_ERROR);
    ck_assert_uint_eq(h.req_id, 5);
    ck_assert_uint_eq(h.tx_id, 6);
    ck_assert_uint_eq(h.len, 7);
    ck_assert_str_eq(buf + 16, "ENOENT");
}
END_TEST

Suite *t_suite(void)
{
    Suite *s = suite_create("xenstore-codec");
    TCase *tc = tcase_create("codec");

    tcase_add_test(tc, type_names);
    tcase_add_loop_test(tc, error_strings, 0,
                        sizeof(err_table) / sizeof(err_table[0]));
    tcase_add_test(tc, error_unknown);
    tcase_add_test(tc, split_args);
    tcase_add_test(tc, rx_whole_and_bytewise);
    tcase_add_test(tc, rx_stop_after_each);
    tcase_add_test(tc, rx_limits);
    tcase_add_test(tc, msg_build);
    suite_add_tcase(s, tc);
    return s;
}
