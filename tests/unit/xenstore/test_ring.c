/* SPDX-License-Identifier: GPL-2.0-only */
/* Check suite: shared-ring transport on a page in memory. */
#include "xs_test.h"
#include "xs_ring.h"

static struct xenstore_domain_interface page;
static struct xs_ring ring;
static struct xs_store *s;
static struct xs_conn *gc;
static unsigned int kicks, resets;

static void notify(void *arg)
{
    (void)arg;
    kicks++;
}

static bool ring_send(void *ctx, const struct xsd_sockmsg *h, const void *b)
{
    char buf[XS_HDR_LEN + XENSTORE_PAYLOAD_MAX];
    uint32_t n = xs_msg_build(buf, h->type, h->req_id, h->tx_id, b, h->len);

    (void)ctx;
    return xs_ring_queue(&ring, buf, n);
}

static const struct xs_ops ring_ops = {.send = ring_send};

static void on_msg(void *arg, const struct xsd_sockmsg *h, const char *body)
{
    (void)arg;
    xs_dispatch(gc, h, body);
}

static void on_reset(void *arg)
{
    (void)arg;
    resets++;
    xs_conn_reset(gc);
}

static void setup_at(uint32_t start)
{
    memset(&page, 0, sizeof(page));
    page.req_cons = page.req_prod = start;
    page.rsp_cons = page.rsp_prod = start;
    xs_ring_init(&ring, &page, notify, NULL);
    s = xs_store_new(&ring_ops, NULL);
    gc = xs_conn_new(s, 0, NULL);
    kicks = resets = 0;
}

static void setup(void)
{
    setup_at(0);
}

static void teardown(void)
{
    xs_conn_free(gc);
    xs_store_free(s);
    xs_ring_fini(&ring);
}

/* Guest side: put as much of buf as fits; returns bytes written. */
static uint32_t guest_put(const char *buf, uint32_t len)
{
    uint32_t prod = page.req_prod, n = 0;

    while (n < len && prod - page.req_cons < XENSTORE_RING_SIZE)
        page.req[MASK_XENSTORE_IDX(prod++)] = buf[n++];
    page.req_prod = prod;
    return n;
}

static uint32_t guest_get(char *buf, uint32_t room)
{
    uint32_t n = 0;

    while (n < room && page.rsp_cons != page.rsp_prod)
        buf[n++] = page.rsp[MASK_XENSTORE_IDX(page.rsp_cons++)];
    return n;
}

static void poll(void)
{
    ck_assert(xs_ring_poll(&ring, on_msg, NULL, on_reset, NULL));
}

/* Full round trip: request (possibly in pieces), reply reassembled. */
static const char *roundtrip(uint32_t type, const char *bar, char *out)
{
    char req[XS_HDR_LEN + XENSTORE_PAYLOAD_MAX], body[XENSTORE_PAYLOAD_MAX];
    static char rsp[XS_HDR_LEN + XENSTORE_PAYLOAD_MAX];
    uint32_t blen = t_unbar(bar, body);
    uint32_t n = xs_msg_build(req, type, 9, 0, body, blen), sent = 0, got = 0;
    struct xsd_sockmsg h;

    for (int guard = 0; guard < 100; guard++) {
        sent += guest_put(req + sent, n - sent);
        poll();
        got += guest_get(rsp + got, sizeof(rsp) - got);
        if (got >= XS_HDR_LEN) {
            memcpy(&h, rsp, sizeof(h));
            if (got >= XS_HDR_LEN + h.len)
                break;
        }
    }
    memcpy(&h, rsp, sizeof(h));
    ck_assert_uint_eq(got, XS_HDR_LEN + h.len);
    ck_assert_uint_eq(h.req_id, 9);
    for (uint32_t i = 0; i < h.len; i++)
        out[i] = rsp[XS_HDR_LEN + i] ? rsp[XS_HDR_LEN + i] : '|';
    out[h.len] = '\0';
    return h.type == XS_ERROR ? "ERROR" : out;
}

START_TEST(simple)
{
    char out[8192];

    ck_assert_str_eq(roundtrip(XS_WRITE, "/a|hello", out), "OK|");
    ck_assert_str_eq(roundtrip(XS_READ, "/a|", out), "hello");
    ck_assert_uint_gt(kicks, 0);
    ck_assert_uint_eq(page.server_features & 3, 3);
}
END_TEST

START_TEST(wrap_at_2_32)
{
    char out[8192];
    static char big[4000];

    teardown();
    setup_at(0xffffff00u);
    memset(big, 'x', sizeof(big));
    memcpy(big, "/big|", 5);
    big[sizeof(big) - 1] = '\0';
    for (int i = 0; i < 8; i++) {
        ck_assert_str_eq(roundtrip(XS_WRITE, big, out), "OK|");
        ck_assert_str_eq(roundtrip(XS_READ, "/big|", out), big + 5);
    }
    ck_assert_uint_lt(page.req_prod, 0x10000u); /* it did wrap */
}
END_TEST

START_TEST(full_ring_backpressure)
{
    /* Many requests, guest not reading: the rsp ring fills and stops. */
    static char req[70 * 32];
    char out[64];
    uint32_t n = 0, sent = 0;

    for (int i = 0; i < 70; i++)
        n += xs_msg_build(req + n, XS_READ, 1, 0, "/tool\0", 6);
    for (int i = 0; i < 10; i++) {
        sent += guest_put(req + sent, n - sent);
        poll();
    }
    ck_assert_uint_eq(sent, n);
    ck_assert_uint_eq(page.rsp_prod - page.rsp_cons, XENSTORE_RING_SIZE);
    /* Drain: every reply arrives intact and in order. */
    unsigned int replies = 0;
    char stream[XS_HDR_LEN];
    uint32_t have = 0;

    for (int guard = 0; guard < 1000 && replies < 70; guard++) {
        have += guest_get(stream + have, XS_HDR_LEN - have);
        if (have == XS_HDR_LEN) {
            struct xsd_sockmsg h;

            memcpy(&h, stream, sizeof(h));
            ck_assert_uint_eq(h.type, XS_READ);
            ck_assert_uint_eq(h.len, 0);
            replies++;
            have = 0;
        }
        poll();
    }
    ck_assert_uint_eq(replies, 70);
    (void)out;
}
END_TEST

START_TEST(bad_index)
{
    page.req_prod = page.req_cons + XENSTORE_RING_SIZE + 1;
    ck_assert(!xs_ring_poll(&ring, on_msg, NULL, on_reset, NULL));
    ck_assert_uint_eq(page.error, XENSTORE_ERROR_RINGIDX);
    ck_assert(!xs_ring_poll(&ring, on_msg, NULL, on_reset, NULL));
}
END_TEST

START_TEST(bad_rsp_index)
{
    char req[64];
    uint32_t n = xs_msg_build(req, XS_READ, 1, 0, "/tool\0", 6);

    page.rsp_cons = page.rsp_prod + 5000; /* guest scribbled */
    guest_put(req, n);
    ck_assert(!xs_ring_poll(&ring, on_msg, NULL, on_reset, NULL));
    ck_assert_uint_eq(page.error, XENSTORE_ERROR_RINGIDX);
}
END_TEST

START_TEST(oversized_message)
{
    struct xsd_sockmsg h = {.type = XS_WRITE, .len = 4097};

    guest_put((const char *)&h, sizeof(h));
    ck_assert(!xs_ring_poll(&ring, on_msg, NULL, on_reset, NULL));
    ck_assert_uint_eq(page.error, XENSTORE_ERROR_PROTO);
}
END_TEST

START_TEST(reconnect)
{
    char out[64], half[8] = {0}, req[64], junk[256];
    uint32_t n = xs_msg_build(req, XS_WATCH, 1, 0, "/a\0t\0", 5);

    guest_put(req, n);
    poll();
    ck_assert_uint_eq(guest_get(junk, sizeof(junk)), 19 + 21); /* OK + event */
    guest_put(half, sizeof(half)); /* partial header */
    poll();
    page.connection = XENSTORE_RECONNECT;
    poll();
    ck_assert_uint_eq(resets, 1);
    ck_assert_uint_eq(page.connection, XENSTORE_CONNECTED);
    ck_assert_uint_eq(page.req_prod, page.req_cons);
    ck_assert_uint_eq(page.rsp_prod, page.rsp_cons);
    /* The partial header is gone; the watch too. */
    ck_assert_str_eq(roundtrip(XS_UNWATCH, "/a|t|", out), "ERROR");
    ck_assert_str_eq(out, "ENOENT|");
}
END_TEST

/* Tags come back in order, once each message's last byte is dropped. */
static char released[32];
static unsigned int nreleased;

static void note_release(void *tag, void *arg)
{
    ck_assert_ptr_eq(arg, &nreleased);
    ck_assert_uint_lt(nreleased, sizeof(released) - 1);
    released[nreleased++] = *(const char *)tag;
    released[nreleased] = '\0';
}

START_TEST(outq_tags)
{
    struct xs_outq q = {.release = note_release, .release_arg = &nreleased};
    static const char tags[] = "abcdefghijklmnopqrstuvwxyz";
    char big[5000];

    nreleased = 0;
    released[0] = '\0';
    ck_assert(xs_outq_put_tag(&q, "12345", 5, (void *)&tags[0]));
    ck_assert(xs_outq_put(&q, "678", 3)); /* untagged */
    ck_assert(xs_outq_put_tag(&q, "90", 2, (void *)&tags[1]));
    ck_assert(xs_outq_put_tag(&q, "x", 1, (void *)&tags[2]));
    xs_outq_drop(&q, 4);
    ck_assert_str_eq(released, "");
    xs_outq_drop(&q, 1);
    ck_assert_str_eq(released, "a");
    xs_outq_drop(&q, 4); /* past "678" and into "90" */
    ck_assert_str_eq(released, "a");
    xs_outq_drop(&q, 1);
    ck_assert_str_eq(released, "ab");
    xs_outq_drop(&q, 1); /* empty: the buffer resets, counts go on */
    ck_assert_str_eq(released, "abc");
    ck_assert_uint_eq(xs_outq_len(&q), 0);
    /* Many tags (the tag array grows and compacts) and a growing buffer. */
    memset(big, 'z', sizeof(big));
    for (int i = 0; i < 20; i++)
        ck_assert(xs_outq_put_tag(&q, big, 300, (void *)&tags[3 + i % 20]));
    xs_outq_drop(&q, 300 * 10);
    ck_assert_str_eq(released, "abcdefghijklm");
    ck_assert(xs_outq_put_tag(&q, big, sizeof(big), (void *)&tags[23]));
    /* Freed unsent: the rest come back too, in order. */
    xs_outq_free(&q);
    ck_assert_str_eq(released, "abcdefghijklmnopqrstuvwx");
}
END_TEST

/* A stop set by the request handler leaves later requests in req[]. */
static int stop_after;
static bool stop_flag;

static void on_msg_stop(void *arg, const struct xsd_sockmsg *h,
                        const char *body)
{
    on_msg(arg, h, body);
    if (--stop_after == 0)
        stop_flag = true;
}

START_TEST(stop_leaves_requests)
{
    char req[5 * 32];
    uint32_t n = 0, one;

    for (int i = 0; i < 5; i++)
        n += xs_msg_build(req + n, XS_READ, (uint32_t)i, 0, "/tool\0", 6);
    one = n / 5;
    ck_assert_uint_eq(guest_put(req, n), n);
    stop_after = 2;
    stop_flag = false;
    ck_assert(xs_ring_poll(&ring, on_msg_stop, NULL, on_reset, &stop_flag));
    ck_assert_uint_eq(page.req_cons, 2 * one); /* the rest stays put */
    ck_assert_uint_eq(page.rsp_prod - page.rsp_cons, 2 * XS_HDR_LEN);
    ck_assert(xs_ring_poll(&ring, on_msg_stop, NULL, on_reset, &stop_flag));
    ck_assert_uint_eq(page.req_cons, 2 * one); /* still stopped */
    stop_flag = false;
    ck_assert(xs_ring_poll(&ring, on_msg_stop, NULL, on_reset, &stop_flag));
    ck_assert_uint_eq(page.req_cons, n);
    ck_assert_uint_eq(page.rsp_prod - page.rsp_cons, 5 * XS_HDR_LEN);
}
END_TEST

Suite *t_suite(void)
{
    Suite *su = suite_create("xenstore-ring");
    TCase *tc = tcase_create("ring");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, simple);
    tcase_add_test(tc, wrap_at_2_32);
    tcase_add_test(tc, full_ring_backpressure);
    tcase_add_test(tc, bad_index);
    tcase_add_test(tc, bad_rsp_index);
    tcase_add_test(tc, oversized_message);
    tcase_add_test(tc, reconnect);
    tcase_add_test(tc, outq_tags);
    tcase_add_test(tc, stop_leaves_requests);
    suite_add_tcase(su, tc);
    return su;
}
