/* SPDX-License-Identifier: GPL-2.0-only */
/* Check harness for the xenstore core: fake transport, "a|b|" strings. */
#ifndef XS_TEST_H
#define XS_TEST_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_codec.h"
#include "xs_core.h"

/*
 * Payloads and replies are written as strings with '|' for NUL: a READ of
 * "/a" is t_call(c, XS_READ, 0, "/a|") and an error reply reads "E:ENOENT".
 */
#define T_MAXQ 256

struct tmsg {
    uint32_t type, req_id, tx_id, len;
    char body[XENSTORE_PAYLOAD_MAX + 1];
};

struct tconn {
    struct xs_conn *c;
    struct tmsg q[T_MAXQ]; /* replies and events, in order */
    unsigned int head, tail;
    bool refuse; /* pretend the peer stopped reading */
    char last[XENSTORE_PAYLOAD_MAX * 2 + 16];
};

static inline bool t_send(void *ctx, const struct xsd_sockmsg *h, const void *b)
{
    struct tconn *tc = ctx;
    struct tmsg *m;

    if (tc->refuse || tc->tail - tc->head >= T_MAXQ)
        return false;
    m = &tc->q[tc->tail++ % T_MAXQ];
    m->type = h->type;
    m->req_id = h->req_id;
    m->tx_id = h->tx_id;
    m->len = h->len;
    ck_assert_uint_le(h->len, XENSTORE_PAYLOAD_MAX);
    memcpy(m->body, b, h->len);
    m->body[h->len] = '\0';
    return true;
}

static const struct xs_ops t_ops = {.send = t_send};

static inline struct xs_store *t_store(void)
{
    struct xs_store *s = xs_store_new(&t_ops, NULL);

    ck_assert_ptr_nonnull(s);
    return s;
}

static inline struct tconn *t_conn(struct xs_store *s, unsigned int domid)
{
    struct tconn *tc = calloc(1, sizeof(*tc));

    ck_assert_ptr_nonnull(tc);
    tc->c = xs_conn_new(s, domid, tc);
    ck_assert_ptr_nonnull(tc->c);
    return tc;
}

static inline void t_conn_free(struct tconn *tc)
{
    xs_conn_free(tc->c);
    free(tc);
}

/* "a|b|" -> bytes; returns the length. */
static inline uint32_t t_unbar(const char *in, char *out)
{
    uint32_t n = 0;

    for (; *in; in++)
        out[n++] = *in == '|' ? '\0' : *in;
    return n;
}

static inline const char *t_bar(struct tconn *tc, const struct tmsg *m)
{
    uint32_t o = 0;

    if (m->type == XS_ERROR) {
        snprintf(tc->last, sizeof(tc->last), "E:%s", m->body);
        return tc->last;
    }
    for (uint32_t i = 0; i < m->len; i++)
        tc->last[o++] = m->body[i] ? m->body[i] : '|';
    tc->last[o] = '\0';
    return tc->last;
}

static inline struct tmsg *t_pop(struct tconn *tc)
{
    if (tc->head == tc->tail)
        return NULL;
    return &tc->q[tc->head++ % T_MAXQ];
}

/* Send raw bytes as one request; return the reply (watch events stay queued).
 */
static inline const char *t_callb(struct tconn *tc, uint32_t type, uint32_t tx,
                                  const char *p, uint32_t len)
{
    struct xsd_sockmsg h = {
        .type = type, .req_id = 77, .tx_id = tx, .len = len};
    char body[XENSTORE_PAYLOAD_MAX + 1];
    unsigned int before = tc->tail;

    memcpy(body, p, len);
    body[len] = '\0';
    xs_dispatch(tc->c, &h, body);
    /* The reply is the first message this request produced for tc. */
    for (unsigned int i = before; i != tc->tail; i++) {
        struct tmsg *m = &tc->q[i % T_MAXQ];

        if (m->type == XS_WATCH_EVENT)
            continue;
        ck_assert_uint_eq(m->req_id, 77);
        ck_assert_uint_eq(m->tx_id, tx);
        if (type != XS_WATCH && type != XS_INTRODUCE)
            ck_assert(m->type == type || m->type == XS_ERROR);
        /* Remove it, keep events in order. */
        const char *r = t_bar(tc, m);

        for (unsigned int j = i; j + 1 != tc->tail; j++)
            tc->q[j % T_MAXQ] = tc->q[(j + 1) % T_MAXQ];
        tc->tail--;
        return r;
    }
    return "NO REPLY";
}

static inline const char *t_call(struct tconn *tc, uint32_t type, uint32_t tx,
                                 const char *bar)
{
    char buf[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t n = t_unbar(bar, buf);

    return t_callb(tc, type, tx, buf, n);
}

/* Next watch event as "path|token|", or "" if none. */
static inline const char *t_event(struct tconn *tc)
{
    struct tmsg *m;

    while ((m = t_pop(tc)))
        if (m->type == XS_WATCH_EVENT)
            return t_bar(tc, m);
    return "";
}

static inline unsigned int t_nevents(struct tconn *tc)
{
    unsigned int n = 0;

    for (unsigned int i = tc->head; i != tc->tail; i++)
        n += tc->q[i % T_MAXQ].type == XS_WATCH_EVENT;
    return n;
}

static inline void t_drain(struct tconn *tc)
{
    tc->head = tc->tail = 0;
}

static inline uint32_t t_txn(struct tconn *tc)
{
    const char *r = t_call(tc, XS_TRANSACTION_START, 0, "|");

    ck_assert_msg(r[0] >= '1' && r[0] <= '9', "txn start: %s", r);
    return (uint32_t)strtoul(r, NULL, 10);
}

#define T_OK(tc, type, tx, bar)                                                \
    ck_assert_str_eq(t_call(tc, type, tx, bar), "OK|")
#define T_EQ(tc, type, tx, bar, want)                                          \
    ck_assert_str_eq(t_call(tc, type, tx, bar), want)

/* One Check suite per binary: the file defines its TCases in t_suite(). */
Suite *t_suite(void);

int main(void)
{
    SRunner *sr = srunner_create(t_suite());
    int nf;

    srunner_run_all(sr, CK_NORMAL);
    nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? 1 : 0;
}

#endif /* XS_TEST_H */
