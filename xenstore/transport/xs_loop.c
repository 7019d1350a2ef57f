/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstored's epoll loop: unix sockets, serial streams, rings. */
#define _GNU_SOURCE
#include "xs_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "xs_codec.h"
#include "xs_ring.h"

/*
 * Flow control: a connection's requests are only read while its pending
 * output is below OUT_SOFT, so a client that stops reading replies stops
 * being served (back-pressure) but costs at most OUT_SOFT + one reply.  Watch
 * events are not bounded by that: past OUT_HARD the watcher is disconnected
 * (a guest's ring cannot be disconnected: past OUT_HARD_RING its events are
 * dropped).
 * Idle connections cost nothing per request: epoll reports only ready fds.
 */
#define OUT_SOFT      (256u * 1024)
#define OUT_HARD      (16u * 1024 * 1024)
#define OUT_HARD_RING (1024u * 1024)
#define IN_CHUNK      16384
#define MAX_EVENTS    256
/*
 * Speculative reads: once a reply is out, a client on the same CPU has
 * usually written its next request before we run again, so we read it right
 * away instead of going through epoll_wait first.  At most SPEC_PER_ITER per
 * connection between two epoll_waits (others are not starved); after a miss,
 * stop trying for SPEC_BACKOFF replies (cross-CPU clients are not slowed).
 */
#define SPEC_PER_ITER 8
#define SPEC_BACKOFF  32

enum lc_kind { LC_LISTEN, LC_SOCK, LC_STREAM, LC_EVTCHN, LC_RING };

struct lconn {
    enum lc_kind kind;
    int fd;
    struct xs_loop *l;
    struct xs_conn *core;
    struct xs_rx *rx;
    struct xs_outq out;
    char *in;
    size_t in_off, in_len;
    uint32_t events; /* registered with epoll */
    bool closing, stop, dirty;
    uint64_t spec_iter;  /* loop iteration of the last speculative reads */
    uint32_t spec_count; /* how many in that iteration */
    uint32_t spec_skip;  /* misses back off: replies left without trying */
    struct lconn *dirty_next, *dead_next;
    struct lconn *ring_next; /* LC_RING list */
    struct xs_ring ring;
    void *page;
    uint32_t port, domid;
};

struct xs_loop {
    int ep;
    uint64_t iter; /* epoll_wait calls so far */
    struct lconn *listener;
    uint64_t spin_ns; /* poll this long after serving before sleeping */
    char **argv;      /* to re-exec ourselves for a live update */
    bool lu_pending;
    char lu_binary[512];
    struct timespec lu_deadline;
    struct xs_store *s;
    struct lconn *dirty, *dead, *rings;
    char ring_dir[256];
    int logfd;
};

static bool lc_send(void *ctx, const struct xsd_sockmsg *hdr, const void *body);
static struct xs_conn *lc_introduce(void *opaque, unsigned int domid,
                                    uint64_t gfn, unsigned int port, int *err);
static void lc_release(void *opaque, unsigned int domid, struct xs_conn *conn);
static void lc_log(void *opaque, const char *msg);
static int lc_control(void *opaque, const char *const *args, unsigned int n,
                      char *out, uint32_t room);

static const struct xs_ops loop_ops = {
    .send = lc_send,
    .introduce = lc_introduce,
    .release = lc_release,
    .log = lc_log,
    .control = lc_control,
};

const struct xs_ops *xs_loop_ops(void)
{
    return &loop_ops;
}

static void loop_log(struct xs_loop *l, const char *fmt, const char *a, long n)
{
    char buf[512];
    struct timespec ts;
    int k;

    if (l->logfd < 0)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    k = snprintf(buf, sizeof(buf), "%lld.%03ld ", (long long)ts.tv_sec,
                 ts.tv_nsec / 1000000);
    k += snprintf(buf + k, sizeof(buf) - (size_t)k, fmt, a, n);
    if (k > (int)sizeof(buf) - 2)
        k = (int)sizeof(buf) - 2;
    buf[k++] = '\n';
    if (write(l->logfd, buf, (size_t)k) < 0)
        return;
}

static void lc_log(void *opaque, const char *msg)
{
    loop_log(opaque, "control: %s%ld", msg, 0);
}

struct xs_loop *xs_loop_new(void)
{
    struct xs_loop *l = calloc(1, sizeof(*l));

    if (!l)
        return NULL;
    l->logfd = -1;
    l->ep = epoll_create1(EPOLL_CLOEXEC);
    l->s = xs_store_new(&loop_ops, l);
    if (l->ep < 0 || !l->s) {
        xs_loop_free(l);
        return NULL;
    }
    return l;
}

struct xs_store *xs_loop_store(struct xs_loop *l)
{
    return l->s;
}

void xs_loop_set_log(struct xs_loop *l, int fd)
{
    l->logfd = fd;
}

/* ---- connection bookkeeping ---- */

static int lc_watch(struct lconn *lc, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = lc};
    int op = lc->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

    if (lc->fd < 0 || events == lc->events)
        return 0;
    if (!events) {
        epoll_ctl(lc->l->ep, EPOLL_CTL_DEL, lc->fd, NULL);
        lc->events = 0;
        return 0;
    }
    if (epoll_ctl(lc->l->ep, op, lc->fd, &ev) < 0)
        return -errno;
    lc->events = events;
    return 0;
}

static struct lconn *lc_new(struct xs_loop *l, enum lc_kind kind, int fd)
{
    struct lconn *lc = calloc(1, sizeof(*lc));

    if (!lc)
        return NULL;
    lc->kind = kind;
    lc->fd = fd;
    lc->l = l;
    return lc;
}

static void lc_close(struct lconn *lc)
{
    if (lc->closing)
        return;
    lc->closing = true;
    lc->dead_next = lc->l->dead;
    lc->l->dead = lc;
}

static void lc_destroy(struct lconn *lc)
{
    struct xs_loop *l = lc->l;

    lc_watch(lc, 0);
    if (lc->core)
        xs_conn_free(lc->core);
    if (lc->kind == LC_RING) {
        struct lconn **pp = &l->rings;

        while (*pp && *pp != lc)
            pp = &(*pp)->ring_next;
        if (*pp)
            *pp = lc->ring_next;
        xs_ring_fini(&lc->ring);
        if (lc->page)
            munmap(lc->page, 4096);
    }
    if (lc->fd >= 0)
        close(lc->fd);
    xs_outq_free(&lc->out);
    free(lc->rx);
    free(lc->in);
    free(lc);
}

static void lc_mark_dirty(struct lconn *lc)
{
    if (lc->dirty)
        return;
    lc->dirty = true;
    lc->dirty_next = lc->l->dirty;
    lc->l->dirty = lc;
}

/*
 * A queued message of a counted request is out (or thrown away): the
 * request may stop counting, and its domain's ring, stopped at the
 * outstanding quota, may take requests again.
 */
static void lc_settle(void *tag, void *arg)
{
    struct xs_conn *ring = xs_charge_put(tag);
    struct lconn *r = ring ? xs_conn_ctx(ring) : NULL;

    (void)arg;
    if (r && !r->closing) {
        r->stop = false;
        lc_mark_dirty(r);
    }
}

static bool lc_send(void *ctx, const struct xsd_sockmsg *hdr, const void *body)
{
    struct lconn *lc = ctx;
    char buf[XS_HDR_LEN + XENSTORE_PAYLOAD_MAX];
    struct xs_charge *ch;
    uint32_t n;

    if (!lc || lc->closing)
        return false;
    n = xs_msg_build(buf, hdr->type, hdr->req_id, hdr->tx_id, body, hdr->len);
    if (lc->kind == LC_RING) {
        /* A guest that does not drain its ring loses events, not our memory. */
        if (hdr->type == XS_WATCH_EVENT &&
            xs_outq_len(&lc->ring.out) > OUT_HARD_RING)
            return false;
        ch = xs_charge_get(lc->l->s);
        if (!xs_ring_queue_tag(&lc->ring, buf, n, ch)) {
            xs_charge_put(ch);
            return false;
        }
    } else {
        if (hdr->type == XS_WATCH_EVENT && xs_outq_len(&lc->out) > OUT_HARD) {
            loop_log(lc->l, "conn %s fd %ld: not reading, dropped", "", lc->fd);
            lc_close(lc);
            return false;
        }
        ch = xs_charge_get(lc->l->s);
        if (!xs_outq_put_tag(&lc->out, buf, n, ch)) {
            xs_charge_put(ch);
            lc_close(lc);
            return false;
        }
    }
    lc_mark_dirty(lc);
    return true;
}

/* ---- byte-stream connections (unix socket, serial line) ---- */

static void rx_cb(void *arg, const struct xsd_sockmsg *hdr, const char *body)
{
    struct lconn *lc = arg;

    xs_dispatch(lc->core, hdr, body);
    lc->stop = true; /* one message at a time: re-check back-pressure */
}

/* Register a new connection's output queue for outstanding accounting. */
static void lc_outq_init(struct xs_outq *q, struct xs_loop *l)
{
    q->release = lc_settle;
    q->release_arg = l;
}

static void lc_update_events(struct lconn *lc)
{
    uint32_t ev = 0;

    if (lc->closing)
        return;
    if (xs_outq_len(&lc->out) < OUT_SOFT)
        ev |= EPOLLIN;
    if (xs_outq_len(&lc->out))
        ev |= EPOLLOUT;
    lc_watch(lc, ev);
}

static void lc_process(struct lconn *lc)
{
    while (lc->in_off < lc->in_len && !lc->closing) {
        long n;

        if (xs_outq_len(&lc->out) >= OUT_SOFT)
            break;
        lc->stop = false;
        n = xs_rx_feed(lc->rx, lc->in + lc->in_off, lc->in_len - lc->in_off,
                       rx_cb, lc, &lc->stop);
        if (n < 0) {
            loop_log(lc->l, "conn %s fd %ld: protocol error", "", lc->fd);
            lc_close(lc);
            return;
        }
        lc->in_off += (size_t)n;
    }
}

/* Read what the peer sent and serve it; false if nothing was there. */
static bool lc_readable(struct lconn *lc)
{
    ssize_t n;

    if (lc->in_off < lc->in_len) {
        lc_process(lc);
        return true;
    }
    n = read(lc->fd, lc->in, IN_CHUNK);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        lc_close(lc);
        return false;
    }
    if (n < 0)
        return false;
    lc->in_off = 0;
    lc->in_len = (size_t)n;
    lc_process(lc);
    return true;
}

static bool lc_speculate(struct lconn *lc)
{
    struct xs_loop *l = lc->l;

    if (lc->spec_skip) {
        lc->spec_skip--;
        return false;
    }
    if (lc->spec_iter != l->iter) {
        lc->spec_iter = l->iter;
        lc->spec_count = 0;
    }
    if (lc->spec_count++ >= SPEC_PER_ITER)
        return false;
    if (lc_readable(lc))
        return true;
    lc->spec_skip = SPEC_BACKOFF;
    return false;
}

/* Write what is queued; then serve buffered or speculatively read requests. */
static void lc_flush(struct lconn *lc)
{
    for (;;) {
        while (xs_outq_len(&lc->out) && !lc->closing) {
            ssize_t n =
                write(lc->fd, xs_outq_data(&lc->out), xs_outq_len(&lc->out));

            if (n < 0) {
                if (errno == EINTR)
                    continue;
                if (errno != EAGAIN)
                    lc_close(lc);
                break;
            }
            xs_outq_drop(&lc->out, (size_t)n);
        }
        if (lc->closing || xs_outq_len(&lc->out))
            break;
        /* Output drained: resume buffered requests, or try for the next. */
        if (lc->in_off < lc->in_len)
            lc_process(lc);
        else if (!lc_speculate(lc))
            break;
    }
    lc_update_events(lc);
}

static struct lconn *stream_conn_new(struct xs_loop *l, enum lc_kind kind,
                                     int fd)
{
    struct lconn *lc = lc_new(l, kind, fd);

    if (!lc)
        return NULL;
    lc_outq_init(&lc->out, l);
    lc->rx = malloc(sizeof(*lc->rx));
    lc->in = malloc(IN_CHUNK);
    lc->core = xs_conn_new(l->s, 0, lc);
    if (!lc->rx || !lc->in || !lc->core || lc_watch(lc, EPOLLIN)) {
        lc->fd = -1;
        lc_destroy(lc);
        return NULL;
    }
    xs_rx_init(lc->rx);
    return lc;
}

static void listen_accept(struct lconn *lc)
{
    for (;;) {
        int fd = accept4(lc->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

        if (fd < 0)
            return;
        if (!stream_conn_new(lc->l, LC_SOCK, fd))
            close(fd);
    }
}

int xs_loop_listen(struct xs_loop *l, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct lconn *lc;
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    unlink(path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
        chmod(path, 0600) < 0 || listen(fd, 1024) < 0) {
        int e = -errno;

        close(fd);
        return e;
    }
    lc = lc_new(l, LC_LISTEN, fd);
    if (!lc || lc_watch(lc, EPOLLIN)) {
        close(fd);
        free(lc);
        return -ENOMEM;
    }
    l->listener = lc;
    return 0;
}

int xs_loop_add_stream(struct xs_loop *l, int fd)
{
    struct termios t;

    if (isatty(fd) && tcgetattr(fd, &t) == 0) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return stream_conn_new(l, LC_STREAM, fd) ? 0 : -ENOMEM;
}

/* ---- file-backed rings ---- */

static void ring_notify(void *arg)
{
    (void)arg; /* the harness polls the page; a real port would kick here */
}

static void ring_reset(void *arg)
{
    struct lconn *lc = arg;

    xs_conn_reset(lc->core);
}

static void ring_rx_cb(void *arg, const struct xsd_sockmsg *hdr,
                       const char *body)
{
    struct lconn *lc = arg;

    xs_dispatch(lc->core, hdr, body);
    lc->stop = !xs_conn_may_read(lc->core); /* the outstanding quota */
}

static void ring_poll(struct lconn *lc)
{
    if (lc->closing)
        return;
    lc->stop = !xs_conn_may_read(lc->core);
    if (!xs_ring_poll(&lc->ring, ring_rx_cb, lc, ring_reset, &lc->stop))
        loop_log(lc->l, "ring %s of domain %ld is dead", "", lc->domid);
}

static struct xs_conn *lc_introduce(void *opaque, unsigned int domid,
                                    uint64_t gfn, unsigned int port, int *err)
{
    struct xs_loop *l = opaque;
    char path[300];
    struct lconn *lc;
    void *page;
    int fd;

    (void)gfn;
    if (!l->ring_dir[0])
        return NULL; /* no rings here: introduced without a ring */
    snprintf(path, sizeof(path), "%s/ring-%u", l->ring_dir, domid);
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        *err = -EINVAL;
        return NULL;
    }
    page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    lc = lc_new(l, LC_RING, -1);
    if (page == MAP_FAILED || !lc) {
        if (page != MAP_FAILED)
            munmap(page, 4096);
        free(lc);
        *err = -ENOMEM;
        return NULL;
    }
    lc->page = page;
    lc->port = port;
    lc->domid = domid;
    xs_ring_init(&lc->ring, page, ring_notify, lc);
    lc_outq_init(&lc->ring.out, l);
    lc->core = xs_conn_new(l->s, domid, lc);
    if (!lc->core) {
        lc_destroy(lc);
        *err = -ENOMEM;
        return NULL;
    }
    lc->ring_next = l->rings;
    l->rings = lc;
    lc_mark_dirty(lc); /* look at the page once */
    return lc->core;
}

static void lc_release(void *opaque, unsigned int domid, struct xs_conn *conn)
{
    struct xs_loop *l = opaque;

    (void)domid;
    for (struct lconn *lc = l->rings; lc; lc = lc->ring_next)
        if (lc->core == conn)
            lc_close(lc);
}

/*
 * The FIFO carries 4-byte words: a port kicks the rings bound to it (the
 * list is short: this is the test harness's event channel), and
 * EVTCHN_DOM_EXC | domid reports that domain's death, as VIRQ_DOM_EXC would.
 */
#define EVTCHN_DOM_EXC 0x80000000u

static void evtchn_readable(struct lconn *lc)
{
    uint32_t words[64];
    ssize_t n = read(lc->fd, words, sizeof(words));

    for (ssize_t i = 0; i + 4 <= n; i += 4) {
        uint32_t w = words[i / 4];

        if (w & EVTCHN_DOM_EXC) {
            xs_domain_gone(lc->l->s, w & ~EVTCHN_DOM_EXC);
            continue;
        }
        for (struct lconn *r = lc->l->rings; r; r = r->ring_next)
            if (r->port == w)
                lc_mark_dirty(r);
    }
}

int xs_loop_ring_dir(struct xs_loop *l, const char *dir)
{
    char path[300];
    struct lconn *lc;
    int fd;

    if (strlen(dir) >= sizeof(l->ring_dir))
        return -ENAMETOOLONG;
    strcpy(l->ring_dir, dir);
    snprintf(path, sizeof(path), "%s/evtchn", dir);
    if (mkfifo(path, 0600) < 0 && errno != EEXIST)
        return -errno;
    fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    lc = lc_new(l, LC_EVTCHN, fd);
    if (!lc || lc_watch(lc, EPOLLIN)) {
        close(fd);
        free(lc);
        return -ENOMEM;
    }
    return 0;
}

/* ---- the loop ---- */

static void handle_event(struct lconn *lc, uint32_t ev)
{
    if (lc->closing)
        return;
    switch (lc->kind) {
    case LC_LISTEN:
        listen_accept(lc);
        break;
    case LC_EVTCHN:
        evtchn_readable(lc);
        break;
    case LC_RING:
        break;
    case LC_SOCK:
    case LC_STREAM:
        if (ev & (EPOLLERR | EPOLLHUP) && !(ev & EPOLLIN)) {
            lc_close(lc);
            break;
        }
        if ((ev & EPOLLIN) && lc_readable(lc))
            lc_mark_dirty(lc);
        if (ev & EPOLLOUT)
            lc_mark_dirty(lc);
        break;
    }
}

static void flush_dirty(struct xs_loop *l)
{
    while (l->dirty) {
        struct lconn *lc = l->dirty;

        l->dirty = lc->dirty_next;
        lc->dirty = false;
        if (lc->closing)
            continue;
        if (lc->kind == LC_RING)
            ring_poll(lc);
        else
            lc_flush(lc);
    }
}

static void reap_dead(struct xs_loop *l)
{
    while (l->dead) {
        struct lconn *lc = l->dead;

        l->dead = lc->dead_next;
        lc_destroy(lc);
    }
}

static void lu_check(struct xs_loop *l);

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Wait for events.  Right after serving requests, poll without sleeping for
 * up to SPIN_NS first: a client on another CPU usually sends its next request
 * within that time, and catching it awake saves the cross-CPU wake-up (tens
 * of microseconds on a VM).  An idle daemon never spins.
 */
static int loop_wait(struct xs_loop *l, struct epoll_event *evs, bool busy)
{
    uint64_t until;
    int n;

    if (l->dirty)
        return epoll_wait(l->ep, evs, MAX_EVENTS, 0);
    if (busy && l->spin_ns) {
        until = now_ns() + l->spin_ns;
        do {
            n = epoll_wait(l->ep, evs, MAX_EVENTS, 0);
            if (n)
                return n;
        } while (now_ns() < until);
    }
    return epoll_wait(l->ep, evs, MAX_EVENTS, l->lu_pending ? 100 : -1);
}

int xs_loop_run(struct xs_loop *l, volatile sig_atomic_t *stop)
{
    struct epoll_event evs[MAX_EVENTS];
    bool busy = false;

    while (!*stop) {
        int n = loop_wait(l, evs, busy);

        l->iter++;
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        for (int i = 0; i < n; i++)
            handle_event(evs[i].data.ptr, evs[i].events);
        busy = n > 0;
        flush_dirty(l);
        reap_dead(l);
        lu_check(l);
    }
    return 0;
}

void xs_loop_set_spin(struct xs_loop *l, unsigned int us)
{
    l->spin_ns = (uint64_t)us * 1000u;
}

void xs_loop_free(struct xs_loop *l)
{
    if (!l)
        return;
    reap_dead(l);
    xs_store_free(l->s); /* frees the core connections */
    if (l->ep >= 0)
        close(l->ep);
    free(l);
}

/* ---- live update: hand every connection over to a new xenstored ---- */

/*
 * CONTROL live-update [binary] answers OK, then, once no transaction is open
 * (or after 10 s), the daemon writes its whole state into a memfd and
 * execs the binary (default: itself) with --live-restore <fd>.  Socket and
 * serial connections keep their file descriptors, watches, half-read
 * requests and unsent output; rings are re-mapped and get their watches and
 * buffered bytes back.  Transactions still open at the deadline are lost.
 *
 *   "XSLU1\n" u32 len store-image
 *   u32 listen-fd
 *   'C' u32 kind u32 fd  rx in out  u32 nwatches {u32 reloff str path str
 * token} 'R' u32 domid        rx out 'E' where rx/in/out/str are u32 length +
 * bytes.
 */
#define LU_MAGIC   "XSLU1\n"
#define LU_WAIT_NS 10000000000LL

static int lc_control(void *opaque, const char *const *args, unsigned int n,
                      char *out, uint32_t room)
{
    struct xs_loop *l = opaque;
    const char *bin = n > 1 ? args[1] : "/proc/self/exe";

    if (strcmp(args[0], "live-update"))
        return -EINVAL;
    if (!l->argv || strlen(bin) >= sizeof(l->lu_binary))
        return -EINVAL;
    strcpy(l->lu_binary, bin);
    clock_gettime(CLOCK_MONOTONIC, &l->lu_deadline);
    l->lu_deadline.tv_sec += LU_WAIT_NS / 1000000000LL;
    l->lu_pending = true;
    snprintf(out, room, "OK");
    return 0;
}

void xs_loop_set_argv(struct xs_loop *l, char **argv)
{
    l->argv = argv;
}

static void lu_put32(struct xs_outq *b, uint32_t v)
{
    xs_outq_put(b, &v, 4);
}

static void lu_putn(struct xs_outq *b, const void *d, size_t n)
{
    lu_put32(b, (uint32_t)n);
    if (n)
        xs_outq_put(b, d, n);
}

static void lu_count_watch(void *arg, const char *path, uint32_t reloff,
                           const char *token)
{
    (void)path;
    (void)reloff;
    (void)token;
    (*(uint32_t *)arg)++;
}

static void lu_put_watch(void *arg, const char *path, uint32_t reloff,
                         const char *token)
{
    lu_put32(arg, reloff);
    lu_putn(arg, path, strlen(path));
    lu_putn(arg, token, strlen(token));
}

/* The bytes of a half-received message: header part, then payload part. */
static void lu_put_rx(struct xs_outq *b, const struct xs_rx *rx)
{
    uint32_t h = rx->have < XS_HDR_LEN ? rx->have : XS_HDR_LEN;

    lu_put32(b, rx->have);
    xs_outq_put(b, &rx->hdr, h);
    if (rx->have > XS_HDR_LEN)
        xs_outq_put(b, rx->body, rx->have - XS_HDR_LEN);
}

static void lu_put_conn(struct xs_outq *b, struct lconn *lc)
{
    uint32_t nw = 0;

    if (lc->kind == LC_RING) {
        xs_outq_put(b, "R", 1);
        lu_put32(b, lc->domid);
        lu_put_rx(b, &lc->ring.rx);
        lu_putn(b, xs_outq_data(&lc->ring.out), xs_outq_len(&lc->ring.out));
        return;
    }
    xs_outq_put(b, "C", 1);
    lu_put32(b, lc->kind);
    lu_put32(b, (uint32_t)lc->fd);
    lu_put_rx(b, lc->rx);
    lu_putn(b, lc->in + lc->in_off, lc->in_len - lc->in_off);
    lu_putn(b, xs_outq_data(&lc->out), xs_outq_len(&lc->out));
    xs_conn_watches(lc->core, lu_count_watch, &nw);
    lu_put32(b, nw);
    xs_conn_watches(lc->core, lu_put_watch, b);
}

static int lu_save(struct xs_loop *l, struct xs_outq *b)
{
    char *img;
    size_t len;
    int rc = xs_store_save(l->s, &img, &len);

    if (rc)
        return rc;
    xs_outq_put(b, LU_MAGIC, 6);
    lu_putn(b, img, len);
    free(img);
    lu_put32(b, l->listener ? (uint32_t)l->listener->fd : UINT32_MAX);
    for (struct xs_conn *c = xs_conn_first(l->s); c; c = xs_conn_next(c)) {
        struct lconn *lc = xs_conn_ctx(c);

        if (lc && !lc->closing && lc->kind != LC_LISTEN &&
            lc->kind != LC_EVTCHN)
            lu_put_conn(b, lc);
    }
    xs_outq_put(b, "E", 1);
    return 0;
}

static void set_cloexec(int fd, bool on)
{
    int fl = fcntl(fd, F_GETFD);

    if (fl >= 0)
        fcntl(fd, F_SETFD, on ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC);
}

/* Keep (or stop keeping) the fds that the new process inherits. */
static void lu_keep_fds(struct xs_loop *l, bool keep)
{
    if (l->listener)
        set_cloexec(l->listener->fd, !keep);
    for (struct xs_conn *c = xs_conn_first(l->s); c; c = xs_conn_next(c)) {
        struct lconn *lc = xs_conn_ctx(c);

        if (lc && lc->fd >= 0 && (lc->kind == LC_SOCK || lc->kind == LC_STREAM))
            set_cloexec(lc->fd, !keep);
    }
}

static bool lu_ready(struct xs_loop *l)
{
    struct timespec now;
    unsigned int txns = 0;

    for (struct xs_conn *c = xs_conn_first(l->s); c; c = xs_conn_next(c))
        txns += xs_conn_ntxns(c);
    if (!txns)
        return true;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > l->lu_deadline.tv_sec ||
           (now.tv_sec == l->lu_deadline.tv_sec &&
            now.tv_nsec >= l->lu_deadline.tv_nsec);
}

static void lu_exec(struct xs_loop *l, int mfd)
{
    char fdarg[16], *argv[64];
    int n = 0;

    snprintf(fdarg, sizeof(fdarg), "%d", mfd);
    for (int i = 0; l->argv[i] && n < 60; i++) {
        if (!strcmp(l->argv[i], "--live-restore")) {
            if (l->argv[i + 1])
                i++;
            continue;
        }
        argv[n++] = l->argv[i];
    }
    argv[n++] = "--live-restore";
    argv[n++] = fdarg;
    argv[n] = NULL;
    execv(l->lu_binary, argv);
}

static void lu_check(struct xs_loop *l)
{
    struct xs_outq b = {0};
    int mfd;

    if (!l->lu_pending || !lu_ready(l))
        return;
    l->lu_pending = false;
    mfd = memfd_create("xenstored-live-update", 0);
    if (mfd < 0 || lu_save(l, &b) ||
        write(mfd, xs_outq_data(&b), xs_outq_len(&b)) !=
            (ssize_t)xs_outq_len(&b)) {
        loop_log(l, "live update: cannot save state%s%ld", "", errno);
        goto out;
    }
    loop_log(l, "live update: exec %s (%ld bytes of state)", l->lu_binary,
             (long)xs_outq_len(&b));
    lu_keep_fds(l, true);
    lu_exec(l, mfd);
    lu_keep_fds(l, false); /* still here: the exec failed, carry on */
    loop_log(l, "live update: exec %s failed, errno %ld", l->lu_binary, errno);
out:
    if (mfd >= 0)
        close(mfd);
    xs_outq_free(&b);
}

/* ---- restoring in the new process ---- */

struct lu_in {
    const char *p;
    size_t len, off;
    bool bad;
};

static uint32_t lu_get32(struct lu_in *in)
{
    uint32_t v = 0;

    if (in->len - in->off < 4) {
        in->bad = true;
        return 0;
    }
    memcpy(&v, in->p + in->off, 4);
    in->off += 4;
    return v;
}

static const char *lu_getn(struct lu_in *in, uint32_t *n)
{
    const char *d;

    *n = lu_get32(in);
    if (in->bad || in->len - in->off < *n) {
        in->bad = true;
        return NULL;
    }
    d = in->p + in->off;
    in->off += *n;
    return d;
}

static void lu_nop(void *arg, const struct xsd_sockmsg *h, const char *body)
{
    (void)arg;
    (void)h;
    (void)body;
}

static void lu_get_rx(struct lu_in *in, struct xs_rx *rx)
{
    uint32_t have = lu_get32(in);

    if (in->bad || have > XS_HDR_LEN + XENSTORE_PAYLOAD_MAX ||
        in->len - in->off < have) {
        in->bad = true;
        return;
    }
    xs_rx_init(rx);
    /* A partial message: feeding it back calls nothing. */
    xs_rx_feed(rx, in->p + in->off, have, lu_nop, NULL, NULL);
    in->off += have;
}

static void lu_get_watch(struct lu_in *in, struct xs_conn *c)
{
    char path[XENSTORE_ABS_PATH_MAX + 64], token[XENSTORE_PAYLOAD_MAX + 1];
    uint32_t reloff = lu_get32(in), pl, tl;
    const char *p = lu_getn(in, &pl), *t = p ? lu_getn(in, &tl) : NULL;

    if (!t || pl >= sizeof(path) || tl >= sizeof(token)) {
        in->bad = true;
        return;
    }
    memcpy(path, p, pl);
    path[pl] = '\0';
    memcpy(token, t, tl);
    token[tl] = '\0';
    xs_conn_add_watch(c, path, reloff, token);
}

static void lu_get_conn(struct xs_loop *l, struct lu_in *in)
{
    uint32_t kind = lu_get32(in), fd = lu_get32(in), n, nw;
    struct lconn *lc;
    const char *d;

    if (in->bad || (kind != LC_SOCK && kind != LC_STREAM)) {
        in->bad = true;
        return;
    }
    set_cloexec((int)fd, true);
    fcntl((int)fd, F_SETFL, fcntl((int)fd, F_GETFL) | O_NONBLOCK);
    lc = stream_conn_new(l, kind, (int)fd);
    if (!lc) {
        in->bad = true;
        return;
    }
    lu_get_rx(in, lc->rx);
    d = lu_getn(in, &n);
    if (d && n <= IN_CHUNK) {
        memcpy(lc->in, d, n);
        lc->in_off = 0;
        lc->in_len = n;
    }
    d = lu_getn(in, &n);
    if (d)
        xs_outq_put(&lc->out, d, n);
    nw = lu_get32(in);
    for (uint32_t i = 0; i < nw && !in->bad; i++)
        lu_get_watch(in, lc->core);
    lc_mark_dirty(lc);
}

static void lu_get_ring(struct xs_loop *l, struct lu_in *in)
{
    uint32_t domid = lu_get32(in), n;
    struct xs_rx rx;
    const char *out;

    lu_get_rx(in, &rx);
    out = lu_getn(in, &n);
    for (struct lconn *r = l->rings; r && out; r = r->ring_next) {
        if (r->domid != domid)
            continue;
        r->ring.rx = rx;
        xs_ring_queue(&r->ring, out, n);
        lc_mark_dirty(r);
    }
}

int xs_loop_restore(struct xs_loop *l, int fd)
{
    struct xs_outq b = {0};
    struct lu_in in = {0};
    char buf[65536];
    const char *img;
    uint32_t ilen, lfd;
    ssize_t n;
    int rc = -EINVAL;

    lseek(fd, 0, SEEK_SET);
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        xs_outq_put(&b, buf, (size_t)n);
    close(fd);
    in.p = xs_outq_data(&b);
    in.len = xs_outq_len(&b);
    if (in.len < 6 || memcmp(in.p, LU_MAGIC, 6))
        goto out;
    in.off = 6;
    img = lu_getn(&in, &ilen);
    if (!img || (rc = xs_store_load(l->s, img, ilen)))
        goto out;
    lfd = lu_get32(&in);
    if (lfd != UINT32_MAX) {
        struct lconn *lc = lc_new(l, LC_LISTEN, (int)lfd);

        set_cloexec((int)lfd, true);
        if (!lc || lc_watch(lc, EPOLLIN))
            goto out;
        l->listener = lc;
    }
    while (!in.bad && in.off < in.len) {
        char tag = in.p[in.off++];

        if (tag == 'E')
            break;
        if (tag == 'C')
            lu_get_conn(l, &in);
        else if (tag == 'R')
            lu_get_ring(l, &in);
        else
            in.bad = true;
    }
    rc = in.bad ? -EINVAL : 0;
out:
    xs_outq_free(&b);
    return rc;
}
