/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: xenstore codec and dispatcher, dom0 and guests. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xs_codec.h"
#include "xs_core.h"

/*
 * Input: records of
 *   conn:u8  kind:u8  ...
 * kind < 0x80: a request of type kind % 32 on connection conn % NCONN, then
 *   txsel:u8 (0: none, 1-4: a transaction this connection started, else raw),
 *   len:u8, len payload bytes;
 * kind 0x80: len:u8 bytes fed raw into conn's stream reassembler;
 * kind 0x81: conn disconnects (mid-transaction or not) and reconnects;
 * kind 0x82: the domain of conn dies (@releaseDomain).
 * Every run ends by saving the store, loading it elsewhere and saving again:
 * the two images must be identical.
 */
#define NCONN 4

struct fconn {
    struct xs_conn *c;
    struct xs_rx rx;
    uint32_t txids[4];
    unsigned int ntx;
    uint32_t last_type;
};

static struct xs_store *store;
static struct fconn conns[NCONN];
static const unsigned int domids[NCONN] = {0, 0, 5, 6};

static bool f_send(void *ctx, const struct xsd_sockmsg *h, const void *b)
{
    struct fconn *fc = ctx;

    if (h->len > XENSTORE_PAYLOAD_MAX)
        abort(); /* never send an oversized message */
    if (h->type != XS_WATCH_EVENT && h->type != XS_ERROR &&
        h->type != fc->last_type)
        abort(); /* a reply of another type than the request */
    if (h->type == XS_TRANSACTION_START && h->len) {
        const char *s = b;

        fc->txids[fc->ntx++ % 4] = (uint32_t)strtoul(s, NULL, 10);
    }
    return true;
}

static const struct xs_ops f_ops = {.send = f_send};

static void on_msg(void *arg, const struct xsd_sockmsg *h, const char *body)
{
    struct fconn *fc = arg;

    fc->last_type = h->type;
    xs_dispatch(fc->c, h, body);
}

static void conn_open(int i)
{
    memset(&conns[i], 0, sizeof(conns[i]));
    conns[i].c = xs_conn_new(store, domids[i], &conns[i]);
    xs_rx_init(&conns[i].rx);
}

static void request(struct fconn *fc, const uint8_t *d, size_t n, size_t *off,
                    uint32_t type)
{
    char body[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg h = {.type = type};
    uint8_t txsel, len;

    if (*off + 2 > n)
        return;
    txsel = d[(*off)++];
    len = d[(*off)++];
    if (len > n - *off)
        len = (uint8_t)(n - *off);
    if (txsel >= 1 && txsel <= 4)
        h.tx_id = fc->txids[txsel - 1];
    else if (txsel > 4)
        h.tx_id = txsel;
    memcpy(body, d + *off, len);
    body[len] = '\0';
    *off += len;
    h.len = len;
    on_msg(fc, &h, body);
}

static void roundtrip_check(void)
{
    char *a, *b;
    size_t la, lb;
    struct xs_store *s2 = xs_store_new(&f_ops, NULL);

    if (!s2 || xs_store_save(store, &a, &la))
        abort();
    if (xs_store_load(s2, a, la) || xs_store_save(s2, &b, &lb))
        abort();
    if (la != lb || memcmp(a, b, la))
        abort();
    free(a);
    free(b);
    xs_store_free(s2);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    size_t off = 0;

    store = xs_store_new(&f_ops, NULL);
    for (int i = 0; i < NCONN; i++)
        conn_open(i);
    /* The guests are introduced and own their homes, as a toolstack does. */
    static const char *setup[][2] = {
        {"\x08", "5\0"
                 "1\0"
                 "1\0"},
        {"\x08", "6\0"
                 "1\0"
                 "1\0"},
        {"\x0b", "/local/domain/5\0"},
        {"\x0e", "/local/domain/5\0n5\0"},
        {"\x0b", "/local/domain/6\0"},
        {"\x0e", "/local/domain/6\0n6\0r5\0"},
    };
    static const uint32_t setup_len[] = {6, 6, 16, 19, 16, 22};
    for (unsigned int i = 0; i < 6; i++) {
        struct xsd_sockmsg h = {.type = (uint8_t)setup[i][0][0],
                                .len = setup_len[i]};
        char body[64];

        memcpy(body, setup[i][1], setup_len[i]);
        body[setup_len[i]] = '\0';
        conns[0].last_type = h.type;
        xs_dispatch(conns[0].c, &h, body);
    }
    while (off + 2 <= n) {
        struct fconn *fc = &conns[d[off] % NCONN];
        uint8_t kind = d[off + 1];
        uint8_t len;

        off += 2;
        if (kind < 0x80) {
            request(fc, d, n, &off, kind % 32);
        } else if (kind == 0x80 && off < n) {
            len = d[off++];
            if (len > n - off)
                len = (uint8_t)(n - off);
            if (xs_rx_feed(&fc->rx, d + off, len, on_msg, fc, NULL) < 0)
                xs_rx_init(&fc->rx); /* the transport drops it */
            off += len;
        } else if (kind == 0x81) {
            int i = (int)(fc - conns);

            xs_conn_free(fc->c);
            conn_open(i);
        } else if (kind == 0x82) {
            xs_domain_gone(store, domids[fc - conns]);
        }
    }
    roundtrip_check();
    for (int i = 0; i < NCONN; i++)
        xs_conn_free(conns[i].c);
    xs_store_free(store);
    return 0;
}
