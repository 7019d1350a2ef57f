/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore transports: output queue and the shared-ring transport. */
#include "xs_ring.h"

#include <stdlib.h>
#include <string.h>

#define xs_mb()         __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xs_rmb()        __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xs_wmb()        __atomic_thread_fence(__ATOMIC_RELEASE)
#define READ_IDX(p)     __atomic_load_n(&(p), __ATOMIC_RELAXED)
#define WRITE_IDX(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELAXED)

/* ---- output queue ---- */

bool xs_outq_put(struct xs_outq *q, const void *d, size_t n)
{
    if (q->tail + n > q->cap) {
        size_t live = q->tail - q->head;

        if (q->head && live + n <= q->cap) {
            memmove(q->buf, q->buf + q->head, live);
        } else {
            size_t nc = q->cap ? q->cap : 4096;

            while (nc < live + n)
                nc *= 2;
            char *nb = malloc(nc);

            if (!nb)
                return false;
            if (live)
                memcpy(nb, q->buf + q->head, live);
            free(q->buf);
            q->buf = nb;
            q->cap = nc;
        }
        q->head = 0;
        q->tail = live;
    }
    memcpy(q->buf + q->tail, d, n);
    q->tail += n;
    return true;
}

/* Room for one more tag; false on ENOMEM. */
static bool tag_room(struct xs_outq *q)
{
    if (q->ttail < q->tcap)
        return true;
    if (q->thead) {
        memmove(q->tags, q->tags + q->thead,
                (q->ttail - q->thead) * sizeof(*q->tags));
        q->ttail -= q->thead;
        q->thead = 0;
        return true;
    }
    size_t nc = q->tcap ? 2 * q->tcap : 16;
    struct xs_outq_tag *nt = realloc(q->tags, nc * sizeof(*nt));

    if (!nt)
        return false;
    q->tags = nt;
    q->tcap = nc;
    return true;
}

bool xs_outq_put_tag(struct xs_outq *q, const void *d, size_t n, void *tag)
{
    if (tag && !tag_room(q))
        return false;
    if (!xs_outq_put(q, d, n))
        return false;
    if (tag)
        q->tags[q->ttail++] = (struct xs_outq_tag){
            .end = q->sent + xs_outq_len(q),
            .tag = tag,
        };
    return true;
}

/* Release the tags of messages written by now (all of them if `all`). */
static void release_tags(struct xs_outq *q, bool all)
{
    while (q->thead < q->ttail && (all || q->tags[q->thead].end <= q->sent)) {
        void *tag = q->tags[q->thead++].tag;

        if (q->thead == q->ttail)
            q->thead = q->ttail = 0;
        if (q->release)
            q->release(tag, q->release_arg);
    }
}

void xs_outq_drop(struct xs_outq *q, size_t n)
{
    q->sent += n;
    release_tags(q, false);
    q->head += n;
    if (q->head == q->tail) {
        q->head = q->tail = 0;
        if (q->cap > 65536) { /* give a burst's memory back */
            free(q->buf);
            q->buf = NULL;
            q->cap = 0;
        }
    }
}

void xs_outq_free(struct xs_outq *q)
{
    release_tags(q, true);
    free(q->tags);
    q->tags = NULL;
    q->thead = q->ttail = q->tcap = 0;
    free(q->buf);
    q->buf = NULL;
    q->head = q->tail = q->cap = 0;
}

/* ---- ring ---- */

void xs_ring_init(struct xs_ring *r, struct xenstore_domain_interface *intf,
                  void (*notify)(void *), void *arg)
{
    memset(r, 0, sizeof(*r));
    r->intf = intf;
    r->notify = notify;
    r->arg = arg;
    r->backlog = 65536;
    xs_rx_init(&r->rx);
    intf->server_features |=
        XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR;
}

void xs_ring_fini(struct xs_ring *r)
{
    xs_outq_free(&r->out);
}

bool xs_ring_queue(struct xs_ring *r, const void *msg, size_t len)
{
    return xs_ring_queue_tag(r, msg, len, NULL);
}

bool xs_ring_queue_tag(struct xs_ring *r, const void *msg, size_t len,
                       void *tag)
{
    return !r->dead && xs_outq_put_tag(&r->out, msg, len, tag);
}

static void ring_fail(struct xs_ring *r, uint32_t err)
{
    WRITE_IDX(r->intf->error, err);
    r->dead = true;
    r->notify(r->arg);
}

/* Copy queued output into rsp[]; true if the page changed. */
static bool ring_push(struct xs_ring *r)
{
    struct xenstore_domain_interface *in = r->intf;
    XENSTORE_RING_IDX cons = READ_IDX(in->rsp_cons);
    XENSTORE_RING_IDX prod = READ_IDX(in->rsp_prod);
    size_t len = xs_outq_len(&r->out), done = 0;

    xs_mb();
    if (prod - cons > XENSTORE_RING_SIZE) {
        ring_fail(r, XENSTORE_ERROR_RINGIDX);
        return false;
    }
    size_t space = XENSTORE_RING_SIZE - (prod - cons);

    if (len > space)
        len = space;
    while (done < len) {
        uint32_t off = MASK_XENSTORE_IDX(prod + (uint32_t)done);
        size_t n = XENSTORE_RING_SIZE - off;

        if (n > len - done)
            n = len - done;
        memcpy(in->rsp + off, xs_outq_data(&r->out) + done, n);
        done += n;
    }
    if (!done)
        return false;
    xs_outq_drop(&r->out, done);
    xs_wmb();
    WRITE_IDX(in->rsp_prod, prod + (uint32_t)done);
    return true;
}

/* Take request bytes from req[]; true if the page changed. */
static bool ring_pull(struct xs_ring *r, xs_rx_fn fn, void *arg,
                      const bool *stop)
{
    struct xenstore_domain_interface *in = r->intf;
    XENSTORE_RING_IDX cons = READ_IDX(in->req_cons);
    XENSTORE_RING_IDX prod = READ_IDX(in->req_prod);
    char tmp[XENSTORE_RING_SIZE];
    uint32_t avail = prod - cons, done = 0;

    xs_rmb();
    if (avail > XENSTORE_RING_SIZE) {
        ring_fail(r, XENSTORE_ERROR_RINGIDX);
        return false;
    }
    if (!avail)
        return false;
    while (done < avail) {
        uint32_t off = MASK_XENSTORE_IDX(cons + done);
        uint32_t n = XENSTORE_RING_SIZE - off;

        if (n > avail - done)
            n = avail - done;
        memcpy(tmp + done, in->req + off, n);
        done += n;
    }
    /* A stop mid-way leaves the rest in req[]: the guest waits for us. */
    long fed = xs_rx_feed(&r->rx, tmp, avail, fn, arg, stop);

    if (fed < 0) {
        ring_fail(r, XENSTORE_ERROR_PROTO);
        return false;
    }
    xs_mb();
    WRITE_IDX(in->req_cons, cons + (uint32_t)fed);
    return fed > 0;
}

static void ring_reconnect(struct xs_ring *r, void (*reset)(void *), void *arg)
{
    struct xenstore_domain_interface *in = r->intf;

    xs_rx_init(&r->rx);
    xs_outq_drop(&r->out, xs_outq_len(&r->out));
    if (reset)
        reset(arg);
    WRITE_IDX(in->req_cons, 0);
    WRITE_IDX(in->req_prod, 0);
    WRITE_IDX(in->rsp_cons, 0);
    WRITE_IDX(in->rsp_prod, 0);
    WRITE_IDX(in->error, XENSTORE_ERROR_NONE);
    xs_mb();
    WRITE_IDX(in->connection, XENSTORE_CONNECTED);
    r->notify(r->arg);
}

bool xs_ring_poll(struct xs_ring *r, xs_rx_fn fn, void *arg,
                  void (*reset)(void *), const bool *stop)
{
    bool kick = false;

    if (r->dead)
        return false;
    if (READ_IDX(r->intf->connection) == XENSTORE_RECONNECT) {
        ring_reconnect(r, reset, arg);
        return true;
    }
    for (;;) {
        bool moved = ring_push(r);

        if (r->dead)
            return false;
        if (xs_outq_len(&r->out) < r->backlog && !(stop && *stop))
            moved |= ring_pull(r, fn, arg, stop);
        if (r->dead)
            return false;
        kick |= moved;
        if (!moved)
            break;
    }
    if (kick)
        r->notify(r->arg);
    return true;
}
