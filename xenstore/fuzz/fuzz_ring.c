/* SPDX-License-Identifier: GPL-2.0-only */
/* libFuzzer target: a hostile guest's ring page against the ring transport. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xs_codec.h"
#include "xs_core.h"
#include "xs_ring.h"

/*
 * The input scripts what a guest does to its page between two polls:
 *   op:u8 then
 *   0: u32 req_prod            1: u32 req_cons
 *   2: u32 rsp_prod            3: u32 rsp_cons
 *   4: u8 len, len bytes put at req_prod, req_prod += len (honest producer)
 *   5: u8 off, u8 len, bytes written anywhere in the page
 *   6: connection = RECONNECT
 *   7: drain the response ring (honest consumer)
 *   any op: then the server polls
 */
static struct xenstore_domain_interface page;
static struct xs_ring ring;
static struct xs_conn *gc;

static void notify(void *arg)
{
    (void)arg;
}

static bool ring_send(void *ctx, const struct xsd_sockmsg *h, const void *b)
{
    char buf[XS_HDR_LEN + XENSTORE_PAYLOAD_MAX];

    (void)ctx;
    if (h->len > XENSTORE_PAYLOAD_MAX)
        abort();
    return xs_ring_queue(&ring, buf,
                         xs_msg_build(buf, h->type, h->req_id, h->tx_id, b,
                                      h->len));
}

static const struct xs_ops ops = {.send = ring_send};

static void on_msg(void *arg, const struct xsd_sockmsg *h, const char *body)
{
    (void)arg;
    xs_dispatch(gc, h, body);
}

static void on_reset(void *arg)
{
    (void)arg;
    xs_conn_reset(gc);
}

static uint32_t get32(const uint8_t *d, size_t n, size_t *off)
{
    uint32_t v = 0;

    if (n - *off >= 4) {
        memcpy(&v, d + *off, 4);
        *off += 4;
    } else {
        *off = n;
    }
    return v;
}

static void guest_op(const uint8_t *d, size_t n, size_t *off, uint8_t op)
{
    uint8_t len, at;

    switch (op % 8) {
    case 0: page.req_prod = get32(d, n, off); break;
    case 1: page.req_cons = get32(d, n, off); break;
    case 2: page.rsp_prod = get32(d, n, off); break;
    case 3: page.rsp_cons = get32(d, n, off); break;
    case 4:
        if (*off >= n)
            return;
        len = d[(*off)++];
        for (uint8_t i = 0; i < len && *off < n; i++)
            page.req[MASK_XENSTORE_IDX(page.req_prod++)] = (char)d[(*off)++];
        break;
    case 5:
        if (n - *off < 2)
            return;
        at = d[(*off)++];
        len = d[(*off)++];
        for (uint8_t i = 0; i < len && *off < n; i++)
            ((uint8_t *)&page)[(at * 16u + i) % sizeof(page)] = d[(*off)++];
        break;
    case 6: page.connection = XENSTORE_RECONNECT; break;
    case 7: page.rsp_cons = page.rsp_prod; break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    struct xs_store *s = xs_store_new(&ops, NULL);
    size_t off = 0;

    memset(&page, 0, sizeof(page));
    xs_ring_init(&ring, &page, notify, NULL);
    gc = xs_conn_new(s, 5, NULL);
    while (off < n) {
        guest_op(d, n, &off, d[off++]);
        xs_ring_poll(&ring, on_msg, NULL, on_reset, NULL);
    }
    xs_conn_free(gc);
    xs_ring_fini(&ring);
    xs_store_free(s);
    return 0;
}
