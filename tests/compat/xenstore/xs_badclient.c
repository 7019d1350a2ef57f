/* SPDX-License-Identifier: GPL-2.0-only */
/* Hostile-client checks of a running xenstored: socket and guest rings. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <xen/io/xs_wire.h>

static const char *sock_path, *ring_dir;
static int npass, nfail;

static void check(bool ok, const char *name, const char *detail)
{
    if (ok) {
        npass++;
        printf("ok   %s\n", name);
    } else {
        nfail++;
        printf("FAIL %s%s%s\n", name, detail ? ": " : "", detail ? detail : "");
    }
    fflush(stdout);
}

/* ---- transports: a socket fd, or the guest side of a ring page ---- */

struct chan {
    int fd;                              /* socket, or -1 */
    struct xenstore_domain_interface *r; /* ring, or NULL */
    int evtchn;                          /* FIFO to kick the daemon */
    uint32_t port;
};

/* Connect, or -1. */
static int sock_try(void)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    strncpy(sa.sun_path, sock_path, sizeof(sa.sun_path) - 1);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static int sock_open(void)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    strncpy(sa.sun_path, sock_path, sizeof(sa.sun_path) - 1);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        perror("connect");
        exit(2);
    }
    return fd;
}

static void kick(struct chan *c)
{
    if (write(c->evtchn, &c->port, 4) != 4)
        perror("evtchn");
}

static bool chan_write(struct chan *c, const void *d, size_t n)
{
    const char *p = d;

    if (!c->r) {
        while (n) {
            ssize_t k = write(c->fd, p, n);

            if (k <= 0)
                return false;
            p += k;
            n -= (size_t)k;
        }
        return true;
    }
    for (int spins = 0; n && spins < 20000; spins++) {
        uint32_t prod = c->r->req_prod, cons = c->r->req_cons;
        bool moved = false;

        while (n && prod - cons < XENSTORE_RING_SIZE) {
            c->r->req[MASK_XENSTORE_IDX(prod)] = *p++;
            prod++;
            n--;
            moved = true;
        }
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        c->r->req_prod = prod;
        if (moved)
            kick(c);
        else
            usleep(100);
    }
    return n == 0;
}

/* Read exactly n bytes within ms milliseconds. */
static bool chan_read(struct chan *c, void *d, size_t n, int ms)
{
    char *p = d;

    if (!c->r) {
        while (n) {
            struct pollfd pf = {.fd = c->fd, .events = POLLIN};
            ssize_t k;

            if (poll(&pf, 1, ms) <= 0)
                return false;
            k = read(c->fd, p, n);
            if (k <= 0)
                return false;
            p += k;
            n -= (size_t)k;
        }
        return true;
    }
    for (int waited = 0; n && waited < ms * 10;) {
        uint32_t cons = c->r->rsp_cons, prod = c->r->rsp_prod;

        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (cons == prod) {
            usleep(100);
            waited++;
            continue;
        }
        while (n && cons != prod)
            *p++ = c->r->rsp[MASK_XENSTORE_IDX(cons++)], n--;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        c->r->rsp_cons = cons;
        kick(c);
    }
    return n == 0;
}

struct reply {
    struct xsd_sockmsg h;
    char body[XENSTORE_PAYLOAD_MAX + 1];
    bool ok;
};

static void send_msg(struct chan *c, uint32_t type, uint32_t rid, uint32_t tx,
                     const void *body, uint32_t len)
{
    struct xsd_sockmsg h = {
        .type = type, .req_id = rid, .tx_id = tx, .len = len};
    char buf[sizeof(h) + XENSTORE_PAYLOAD_MAX];

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), body, len);
    chan_write(c, buf, sizeof(h) + len);
}

static struct reply get_msg(struct chan *c, int ms)
{
    struct reply r = {0};

    if (!chan_read(c, &r.h, sizeof(r.h), ms) ||
        r.h.len > XENSTORE_PAYLOAD_MAX || !chan_read(c, r.body, r.h.len, ms))
        return r;
    r.body[r.h.len] = '\0';
    r.ok = true;
    return r;
}

static char skipped_event[256]; /* last watch event get_reply() passed over */

/* Next reply that is not a watch event. */
static struct reply get_reply(struct chan *c)
{
    struct reply r;

    for (;;) {
        r = get_msg(c, 3000);
        if (!r.ok || r.h.type != XS_WATCH_EVENT)
            return r;
        snprintf(skipped_event, sizeof(skipped_event), "%.200s", r.body);
    }
}

/* Request with payload "a|b|" ('|' = NUL); returns "E:EXXX", the body, or
 * "DEAD". */
static const char *call(struct chan *c, uint32_t type, uint32_t tx,
                        const char *bar)
{
    static char out[XENSTORE_PAYLOAD_MAX + 8];
    char body[XENSTORE_PAYLOAD_MAX];
    uint32_t n = 0;
    struct reply r;

    for (; bar[n]; n++)
        body[n] = bar[n] == '|' ? '\0' : bar[n];
    send_msg(c, type, 1, tx, body, n);
    r = get_reply(c);
    if (!r.ok)
        return "DEAD";
    if (r.h.type == XS_ERROR) {
        snprintf(out, sizeof(out), "E:%s", r.body);
        return out;
    }
    for (uint32_t i = 0; i < r.h.len; i++)
        out[i] = r.body[i] ? r.body[i] : '|';
    out[r.h.len] = '\0';
    return out;
}

static void expect(struct chan *c, uint32_t type, uint32_t tx, const char *bar,
                   const char *want, const char *name)
{
    const char *got = call(c, type, tx, bar);
    char d[256];

    snprintf(d, sizeof(d), "expected %s, got %.100s", want, got);
    check(!strcmp(got, want), name, strcmp(got, want) ? d : NULL);
}

static struct chan sock_chan(void)
{
    struct chan c = {.fd = sock_open()};

    return c;
}

/* Wait up to 3 s for a 32-bit field of the page to take a value. */
static bool wait_field(volatile uint32_t *f, uint32_t want)
{
    for (int i = 0; i < 300; i++) {
        if (*f == want)
            return true;
        usleep(10000);
    }
    return false;
}

static bool is_closed(int fd)
{
    char b[4096];
    struct pollfd pf = {.fd = fd, .events = POLLIN};

    for (;;) {
        if (poll(&pf, 1, 3000) <= 0)
            return false;
        ssize_t k = read(fd, b, sizeof(b));

        if (k <= 0)
            return true;
    }
}

/* ---- socket checks ---- */

static void socket_checks(void)
{
    struct chan a = sock_chan(), b = sock_chan();
    struct xsd_sockmsg h;
    struct reply r;

    send_msg(&a, XS_READ, 9, 0, "", 0);
    r = get_reply(&a);
    check(r.ok && r.h.type == XS_ERROR && !strcmp(r.body, "EINVAL") &&
              r.h.req_id == 9,
          "zero-length READ answers EINVAL (Debian's 4.17 aborts)", NULL);
    expect(&a, XS_READ, 0, "/tool", "E:EINVAL", "path without NUL: EINVAL");
    expect(&a, 99, 0, "/|", "E:ENOSYS", "unknown type 99: ENOSYS");
    expect(&a, 20, 0, "/|", "E:ENOSYS", "removed RESTRICT: ENOSYS");
    expect(&a, XS_WATCH_EVENT, 0, "/|t|", "E:ENOSYS",
           "client-sent WATCH_EVENT: ENOSYS");
    expect(&a, XS_ERROR, 0, "EINVAL|", "E:ENOSYS", "client-sent ERROR: ENOSYS");
    expect(&a, XS_WRITE, 0, "/a//b|x", "E:EINVAL", "bad path: EINVAL");
    expect(&a, XS_READ, 4242, "/tool|", "E:ENOENT",
           "unknown transaction: ENOENT");

    /* Pipelined: answered in order, req_ids echoed. */
    send_msg(&a, XS_READ, 555, 0, "/tool\0", 6);
    send_msg(&a, XS_READ, 556, 0, "/nope\0", 6);
    r = get_reply(&a);
    struct reply r2 = get_reply(&a);

    check(r.ok && r2.ok && r.h.req_id == 555 && r2.h.req_id == 556 &&
              r.h.type == XS_READ && r2.h.type == XS_ERROR,
          "pipelined requests in order", NULL);

    /* Byte by byte. */
    char msg[64];
    uint32_t n = 0;

    h = (struct xsd_sockmsg){.type = XS_WRITE, .req_id = 3, .len = 8};
    memcpy(msg, &h, sizeof(h));
    memcpy(msg + sizeof(h), "/bb\0val!", 8);
    n = sizeof(h) + 8;
    for (uint32_t i = 0; i < n; i++)
        chan_write(&a, msg + i, 1);
    r = get_reply(&a);
    check(r.ok && r.h.type == XS_WRITE && !strcmp(r.body, "OK"),
          "request sent byte by byte", NULL);

    /* Oversized length: that connection only is dropped (as C xenstored). */
    struct chan big = sock_chan();

    h = (struct xsd_sockmsg){.type = XS_WRITE, .len = 4097};
    chan_write(&big, &h, sizeof(h));
    check(is_closed(big.fd), "len 4097: connection dropped", NULL);
    close(big.fd);
    big = sock_chan();
    h = (struct xsd_sockmsg){.type = XS_READ, .len = 0xffffffffu};
    chan_write(&big, &h, sizeof(h));
    check(is_closed(big.fd), "len 0xffffffff: connection dropped", NULL);
    close(big.fd);
    expect(&b, XS_READ, 0, "/bb|", "val!", "other connections unaffected");

    /* Partial message, then gone. */
    big = sock_chan();
    chan_write(&big, &h, 7);
    close(big.fd);

    /* Transaction flood and a disconnect mid-transaction. */
    struct chan t = sock_chan();
    const char *got = "";
    int i;

    for (i = 0; i < 5000; i++) {
        got = call(&t, XS_TRANSACTION_START, 0, "|");
        if (got[0] == 'E' || !strcmp(got, "DEAD"))
            break;
    }
    check(!strcmp(got, "E:ENOSPC") && i == 4096,
          "transaction flood bounded (dom0: 4096)", got);
    uint32_t tid = (uint32_t)atoi(call(&b, XS_TRANSACTION_START, 0, "|"));

    call(&t, XS_WRITE, 1, "/mid|x");
    close(t.fd);
    expect(&b, XS_WRITE, tid, "/after|y", "OK|",
           "write in a transaction of another conn");
    expect(&b, XS_TRANSACTION_END, tid, "T|", "OK|",
           "commit after a peer died mid-transaction");

    /* Watch flood on dom0 (exempt from quota) then a stalled watcher. */
    struct chan w = sock_chan();
    char req[64];
    bool all = true;

    for (i = 0; i < 3000; i++) {
        snprintf(req, sizeof(req), "/|t%d|", i);
        if (strcmp(call(&w, XS_WATCH, 0, req), "OK|"))
            all = false;
    }
    check(all, "3000 watches on one connection", NULL);
    /* Now w never reads: each write queues 3000 events for it. */
    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < 400; i++)
        if (strcmp(call(&b, XS_WRITE, 0, "/flood|x"), "OK|"))
            break;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    check(i == 400, "writer keeps being served while a watcher stalls", NULL);
    check(is_closed(w.fd), "stalled watcher (>16 MiB queued) is disconnected",
          NULL);
    close(w.fd);
    expect(&b, XS_READ, 0, "/flood|", "x",
           "daemon fine after the stalled watcher");

    /* A client that never reads its replies: back-pressure, not memory. */
    struct chan s = sock_chan();
    int fl = fcntl(s.fd, F_GETFL);

    fcntl(s.fd, F_SETFL, fl | O_NONBLOCK);
    call(&b, XS_WRITE, 0, "/dirbig|");
    for (i = 0; i < 300; i++) {
        snprintf(req, sizeof(req), "/dirbig/child-with-a-long-name-%04d|", i);
        call(&b, XS_WRITE, 0, req);
    }
    long sent = 0;

    for (i = 0; i < 200000; i++) {
        h = (struct xsd_sockmsg){.type = XS_DIRECTORY, .len = 8};
        memcpy(msg, &h, sizeof(h));
        memcpy(msg + sizeof(h), "/dirbig", 8);
        if (write(s.fd, msg, sizeof(h) + 8) <= 0)
            break;
        sent++;
    }
    check(i < 200000, "non-reading client is throttled (its writes block)",
          NULL);
    expect(&b, XS_READ, 0, "/flood|", "x",
           "others served while a client does not read");
    close(s.fd);
    (void)sent;

    /* Thousands of connections, a few busy, most idle. */
    static int fds[4000];
    int nf;
    bool served = true;

    for (nf = 0; nf < 4000; nf++)
        if ((fds[nf] = sock_try()) < 0)
            break;
    check(nf == 4000, "4000 connections accepted", NULL);
    for (i = 0; i < nf; i += 97) {
        struct chan x = {.fd = fds[i]};

        if (strcmp(call(&x, XS_READ, 0, "/flood|"), "x"))
            served = false;
    }
    check(served, "4000 connections open: a sample of them served", NULL);
    expect(&b, XS_READ, 0, "/flood|", "x",
           "4000 connections open: others still served");
    for (i = 0; i < nf; i++)
        close(fds[i]);
    close(a.fd);
    close(b.fd);
}

/* ---- ring checks (guest domain 5 over a file-backed page) ---- */

static struct xenstore_domain_interface *map_ring(int domid)
{
    char path[512];
    int fd;
    void *p;

    snprintf(path, sizeof(path), "%s/ring-%d", ring_dir, domid);
    fd = open(path, O_RDWR | O_CREAT, 0600);
    if (fd < 0 || ftruncate(fd, 4096) < 0)
        return NULL;
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    return p == MAP_FAILED ? NULL : p;
}

static struct chan ring_chan(int domid, uint32_t port)
{
    char path[512];
    struct chan c = {.fd = -1, .port = port};

    c.r = map_ring(domid);
    memset(c.r, 0, 4096);
    snprintf(path, sizeof(path), "%s/evtchn", ring_dir);
    c.evtchn = open(path, O_WRONLY);
    return c;
}

static void ring_checks(void)
{
    struct chan d0 = sock_chan();
    struct chan g = ring_chan(5, 105);
    char req[128];
    const char *got = "";
    int i;

    expect(&d0, XS_WATCH, 0, "@introduceDomain|intro|", "OK|",
           "dom0 watches @introduceDomain");
    expect(&d0, XS_WATCH, 0, "@releaseDomain|rel|", "OK|",
           "dom0 watches @releaseDomain");
    expect(&d0, XS_WRITE, 0, "/local/domain/5|", "OK|",
           "toolstack makes the home");
    expect(&d0, XS_SET_PERMS, 0, "/local/domain/5|n5|", "OK|",
           "and gives it to 5");
    skipped_event[0] = '\0';
    expect(&d0, XS_INTRODUCE, 0, "5|4096|105|", "OK|",
           "INTRODUCE 5 (ring from --ring-dir)");
    struct reply iev = get_msg(&d0, 300);

    check(!strcmp(skipped_event, "@introduceDomain") ||
              (iev.ok && !strcmp(iev.body, "@introduceDomain")),
          "@introduceDomain fired", NULL);
    check(g.r->server_features == 3, "server features: reconnect + error",
          NULL);
    expect(&d0, XS_IS_DOMAIN_INTRODUCED, 0, "5|", "T|", "5 is introduced");
    expect(&g, XS_WRITE, 0, "data/x|1", "OK|",
           "guest writes below its home (relative)");
    expect(&g, XS_READ, 0, "/local/domain/5/data/x|", "1",
           "guest reads it back");
    expect(&g, XS_READ, 0, "/tool/xenstored|", "E:EACCES",
           "guest may not read dom0's nodes");
    expect(&g, XS_WRITE, 0, "/evil|1", "E:EACCES", "guest may not write /");
    expect(&g, XS_DIRECTORY, 0, "/|", "E:EACCES", "guest may not list /");
    expect(&g, XS_SET_PERMS, 0, "data/x|n0|", "E:EPERM",
           "guest may not give nodes away");
    expect(&g, XS_INTRODUCE, 0, "6|1|1|", "E:EACCES",
           "guest may not INTRODUCE");
    expect(&g, XS_CONTROL, 0, "quota|", "E:EACCES", "guest may not CONTROL");
    expect(&g, XS_GET_DOMAIN_PATH, 0, "5|", "/local/domain/5|",
           "GET_DOMAIN_PATH");

    /* Quotas (Xen's defaults, one lowered). */
    for (i = 0; i < 200; i++) {
        snprintf(req, sizeof(req), "w|%d|", i);
        got = call(&g, XS_WATCH, 0, req);
        if (strcmp(got, "OK|"))
            break;
    }
    check(i == 128 && !strcmp(got, "E:E2BIG"), "watch quota 128: E2BIG", got);
    expect(&g, XS_RESET_WATCHES, 0, "|", "OK|", "RESET_WATCHES");
    for (i = 0; i < 20; i++) {
        got = call(&g, XS_TRANSACTION_START, 0, "|");
        if (got[0] == 'E')
            break;
    }
    check(i == 10 && !strcmp(got, "E:ENOSPC"), "transaction quota 10: ENOSPC",
          got);
    expect(&g, XS_RESET_WATCHES, 0, "|", "OK|",
           "RESET_WATCHES drops transactions too");
    expect(&d0, XS_CONTROL, 0, "quota|set|nodes|30|", "OK|",
           "CONTROL quota set nodes 30");
    for (i = 0; i < 100; i++) {
        snprintf(req, sizeof(req), "n/%d|", i);
        got = call(&g, XS_WRITE, 0, req);
        if (strcmp(got, "OK|"))
            break;
    }
    check(!strcmp(got, "E:ENOSPC") && i > 20 && i < 30, "node quota: ENOSPC",
          got);
    static char bigv[2200];
    int k = sprintf(bigv, "big|");

    memset(bigv + k, 'v', 2100);
    bigv[k + 2100] = '\0';
    expect(&g, XS_RM, 0, "n|", "OK|", "guest removes its nodes");
    expect(&g, XS_WRITE, 0, bigv, "E:ENOSPC", "node-size quota 2048: ENOSPC");
    expect(&d0, XS_CONTROL, 0, "quota|set|nodes|1000|", "OK|",
           "quota back to 1000");

    /*
     * Outstanding requests (quota 4): a guest that sends 20 reads of a
     * 200-byte value and reads no reply.  Its response ring takes 4 whole
     * replies (1024 / 216); then 4 more are taken and queued, and the rest
     * stay in its request ring until it reads.
     */
    static char vreq[300], reqs[20 * 32];
    uint32_t base, rlen = 0;

    k = sprintf(vreq, "data/v|");
    memset(vreq + k, 'v', 200);
    vreq[k + 200] = '\0';
    expect(&g, XS_WRITE, 0, vreq, "OK|", "guest writes a 200-byte value");
    expect(&d0, XS_CONTROL, 0, "quota|set|outstanding|4|", "OK|",
           "CONTROL quota set outstanding 4");
    for (i = 0; i < 20; i++) {
        struct xsd_sockmsg h = {.type = XS_READ, .req_id = (uint32_t)i,
                                .len = 7};

        memcpy(reqs + rlen, &h, sizeof(h));
        memcpy(reqs + rlen + sizeof(h), "data/v", 7);
        rlen += (uint32_t)sizeof(h) + 7;
    }
    base = g.r->req_cons;
    chan_write(&g, reqs, rlen);
    uint32_t taken = (1024 / (16 + 200) + 4) * (16 + 7);

    check(wait_field(&g.r->req_cons, base + taken),
          "outstanding quota: 4 full replies in the ring + 4 queued", NULL);
    usleep(200000);
    snprintf(req, sizeof(req), "took %u bytes, want %u", g.r->req_cons - base,
             taken);
    check(g.r->req_cons == base + taken,
          "outstanding quota: the other requests wait in the ring", req);
    got = call(&d0, XS_CONTROL, 0, "quota|5|");
    check(strstr(got, "outstanding     :        4") != NULL,
          "CONTROL quota 5 shows 4 outstanding", got);
    for (i = 0; i < 20; i++) {
        struct reply r = get_msg(&g, 3000);

        if (!r.ok || r.h.type != XS_READ || r.h.req_id != (uint32_t)i ||
            r.h.len != 200)
            break;
    }
    check(i == 20, "reading the replies lets all 20 through, in order", NULL);
    got = call(&d0, XS_CONTROL, 0, "quota|5|");
    check(strstr(got, "outstanding     :        0") != NULL,
          "nothing outstanding once read", got);
    expect(&d0, XS_CONTROL, 0, "quota|set|outstanding|20|", "OK|",
           "outstanding quota back to 20");

    /* Relative watch: relative event paths. */
    expect(&g, XS_WATCH, 0, "data|rel|", "OK|", "relative watch");
    struct reply ev = get_msg(&g, 2000);

    check(ev.ok && ev.h.type == XS_WATCH_EVENT && !strcmp(ev.body, "data"),
          "initial event, relative path", NULL);
    call(&d0, XS_WRITE, 0, "/local/domain/5/data/y|2");
    ev = get_msg(&g, 2000);
    check(ev.ok && !strcmp(ev.body, "data/y"),
          "event path relative to the home", ev.body);

    /* Release: @releaseDomain fires, 5's nodes go away. */
    while (get_msg(&d0, 100).ok)
        ;
    skipped_event[0] = '\0';
    expect(&d0, XS_RELEASE, 0, "5|", "OK|", "RELEASE 5");
    ev = get_msg(&d0, 300);
    check(!strcmp(skipped_event, "@releaseDomain") ||
              (ev.ok && ev.h.type == XS_WATCH_EVENT &&
               !strcmp(ev.body, "@releaseDomain")),
          "@releaseDomain fired", NULL);
    expect(&d0, XS_READ, 0, "/local/domain/5|", "E:ENOENT",
           "released domain's nodes deleted");

    /* A guest scribbling on its ring: only its ring dies. */
    struct chan g6 = ring_chan(6, 106);

    expect(&d0, XS_INTRODUCE, 0, "6|4096|106|", "OK|", "INTRODUCE 6");
    g6.r->req_prod = g6.r->req_cons + 5000;
    kick(&g6);
    check(wait_field(&g6.r->error, XENSTORE_ERROR_RINGIDX),
          "bad ring index: error field 2", NULL);
    struct chan g7 = ring_chan(7, 107);

    expect(&d0, XS_INTRODUCE, 0, "7|4096|107|", "OK|", "INTRODUCE 7");
    struct xsd_sockmsg h = {.type = XS_WRITE, .len = 5000};

    chan_write(&g7, &h, sizeof(h));
    check(wait_field(&g7.r->error, XENSTORE_ERROR_PROTO),
          "oversized message on a ring: error field 3", NULL);
    expect(&d0, XS_READ, 0, "/tool/xenstored|", "",
           "daemon fine after bad rings");
    /* Reconnect protocol. */
    struct chan g8 = ring_chan(8, 108);

    expect(&d0, XS_INTRODUCE, 0, "8|4096|108|", "OK|", "INTRODUCE 8");
    g8.r->connection = XENSTORE_RECONNECT;
    kick(&g8);
    check(wait_field(&g8.r->connection, XENSTORE_CONNECTED),
          "ring reconnect acknowledged", NULL);
    expect(&g8, XS_GET_DOMAIN_PATH, 0, "8|", "/local/domain/8|",
           "ring works after reconnect");

    /* Domain death reported by the host: @releaseDomain, then RELEASE. */
    while (get_msg(&d0, 100).ok)
        ;
    uint32_t dead = 0x80000000u | 8;

    if (write(g8.evtchn, &dead, 4) != 4)
        perror("evtchn");
    ev = get_msg(&d0, 2000);
    check(ev.ok && ev.h.type == XS_WATCH_EVENT &&
              !strcmp(ev.body, "@releaseDomain"),
          "domain death fires @releaseDomain", NULL);
    expect(&g8, XS_GET_DOMAIN_PATH, 0, "8|", "/local/domain/8|",
           "a dying domain's ring still answers until RELEASE");

    /* Live update: the ring is re-mapped and keeps its watch. */
    expect(&d0, XS_WRITE, 0, "/luw|0", "OK|", "node 8 may read");
    expect(&d0, XS_SET_PERMS, 0, "/luw|n0|r8|", "OK|", "perms for 8");
    expect(&g8, XS_WATCH, 0, "/luw|t|", "OK|", "ring watch before live update");
    ev = get_msg(&g8, 2000);
    check(ev.ok && !strcmp(ev.body, "/luw"), "initial event on the ring", NULL);
    expect(&d0, XS_CONTROL, 0, "live-update|", "OK|", "CONTROL live-update");
    usleep(1000000);
    expect(&d0, XS_WRITE, 0, "/luw|x", "OK|",
           "dom0's socket survives the live update");
    ev = get_msg(&g8, 3000);
    check(ev.ok && ev.h.type == XS_WATCH_EVENT && !strcmp(ev.body, "/luw"),
          "ring watch fires after the live update", NULL);
    expect(&g8, XS_GET_DOMAIN_PATH, 0, "8|", "/local/domain/8|",
           "ring works after live update");
    expect(&d0, XS_IS_DOMAIN_INTRODUCED, 0, "8|", "T|",
           "domain still introduced");
    close(d0.fd);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: xs-badclient SOCKET [RING_DIR]\n");
        return 2;
    }
    struct rlimit rl;

    /* Room for thousands of connections. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    sock_path = argv[1];
    ring_dir = argc > 2 ? argv[2] : NULL;
    socket_checks();
    if (ring_dir)
        ring_checks();
    printf("badclient: %d passed, %d failed\n", npass, nfail);
    return nfail ? 1 : 0;
}
