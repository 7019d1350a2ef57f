/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore transports: output queue and the shared-ring transport. */
#ifndef XS_RING_H
#define XS_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

#include "xs_codec.h"

/*
 * A byte FIFO of whole messages waiting for the peer.  A message may carry a
 * tag (xs_outq_put_tag): release(tag, release_arg) is called once its last
 * byte has been dropped (written), or when the queue is freed unsent.  Tags
 * are kept by absolute byte position, in order.
 */
struct xs_outq_tag {
    uint64_t end; /* sent count at which the message is fully written */
    void *tag;
};

struct xs_outq {
    char *buf;
    size_t head, tail, cap;
    uint64_t sent; /* bytes dropped so far */
    struct xs_outq_tag *tags;
    size_t thead, ttail, tcap;
    void (*release)(void *tag, void *arg);
    void *release_arg;
};

bool xs_outq_put(struct xs_outq *q, const void *d, size_t n);
/* The same with a tag (NULL: none); false (tag not kept) on ENOMEM. */
bool xs_outq_put_tag(struct xs_outq *q, const void *d, size_t n, void *tag);
static inline size_t xs_outq_len(const struct xs_outq *q)
{
    return q->tail - q->head;
}
static inline const char *xs_outq_data(const struct xs_outq *q)
{
    return q->buf + q->head;
}
void xs_outq_drop(struct xs_outq *q, size_t n);
void xs_outq_free(struct xs_outq *q);

/*
 * The server side of one domain's ring page.  The page is guest memory: every
 * index is read once into a local, checked (prod - cons <= ring size) and
 * only then used; a bad index or an oversized message sets the page's error
 * field and the ring goes dead (C xenstored ignores such a connection).
 *
 * Barrier pairing (guest <-> us):
 *   requests:  guest writes req[], wmb, req_prod++ | we read req_prod, rmb,
 *              copy req[], mb, req_cons = ..., notify
 *   responses: we write rsp[], wmb, rsp_prod = ... , notify | guest reads
 *              rsp_prod, rmb, copies, mb, rsp_cons++
 */
struct xs_ring {
    struct xenstore_domain_interface *intf;
    void (*notify)(void *arg);
    void *arg;
    struct xs_rx rx;
    struct xs_outq out;
    bool dead;
    size_t backlog; /* stop taking requests above this much output */
};

void xs_ring_init(struct xs_ring *r, struct xenstore_domain_interface *intf,
                  void (*notify)(void *), void *arg);
void xs_ring_fini(struct xs_ring *r);
/* Queue a message for the guest (does not touch the page). */
bool xs_ring_queue(struct xs_ring *r, const void *msg, size_t len);
bool xs_ring_queue_tag(struct xs_ring *r, const void *msg, size_t len,
                       void *tag);
/*
 * Do all the work the page allows: honour a reconnect request (reset is
 * called so the owner can forget watches and transactions), push queued
 * output, take requests (fn per message).  Returns false once dead.
 */
bool xs_ring_poll(struct xs_ring *r, xs_rx_fn fn, void *arg,
                  void (*reset)(void *), const bool *stop);

#endif /* XS_RING_H */
