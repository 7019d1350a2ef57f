/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore core API: store, connections, dispatcher (no I/O). */
#ifndef XS_CORE_H
#define XS_CORE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/xs_wire.h>

struct xs_store;
struct xs_conn;

/*
 * What the core needs from its host.  The core never does I/O: every byte it
 * wants to send to a connection goes through send(); the transport queues it.
 * A transport may refuse (return false), e.g. because the peer stopped reading;
 * the core then drops that watch event (replies are never refused by the
 * transports in this tree: they apply back-pressure on input instead).
 */
struct xs_ops {
    /* Queue one whole message (header + payload) for connection ctx. */
    bool (*send)(void *ctx, const struct xsd_sockmsg *hdr, const void *body);
    /*
     * INTRODUCE: bind domain domid's ring (gfn, port).  Returns the core
     * connection created for it, NULL if there is no ring to attach (the
     * domain is then recorded as introduced without a connection), or sets
     * *err to a negative errno on failure.
     */
    struct xs_conn *(*introduce)(void *opaque, unsigned int domid, uint64_t gfn,
                                 unsigned int port, int *err);
    /* RELEASE / domain death: the transport drops the ring of domid. */
    void (*release)(void *opaque, unsigned int domid, struct xs_conn *conn);
    /* Optional log sink for CONTROL log / debugging. */
    void (*log)(void *opaque, const char *msg);
    /*
     * Optional: CONTROL commands the core does not know (e.g. the daemon's
     * live-update).  Write the answer (a string) into out; return 0, or a
     * negative errno (-EINVAL: unknown command).
     */
    int (*control)(void *opaque, const char *const *args, unsigned int n,
                   char *out, uint32_t room);
};

/* Quotas (Xen 4.17 C xenstored defaults), applied to unprivileged domains. */
enum xs_quota_id {                    /* in the order C xenstored lists them */
                   XS_Q_NODES,        /* nodes owned per domain */
                   XS_Q_WATCHES,      /* watches per domain */
                   XS_Q_TRANSACTIONS, /* open transactions per connection */
                   XS_Q_OUTSTANDING,  /* requests in flight per domain */
                   XS_Q_TXN_NODES,    /* nodes touched by one transaction */
                   XS_Q_MEMORY,       /* bytes of node data owned per domain */
                   XS_Q_NODE_SIZE, /* bytes of one node: value, children, perms
                                    */
                   XS_Q_PATH_MAX,  /* path length below the domain's home */
                   XS_Q_PERMS, /* permission entries per node (beyond owner) */
                   XS_Q_COUNT
};

struct xs_quota_desc {
    const char *name;
    const char *help;
    uint32_t def;
};
extern const struct xs_quota_desc xs_quota_table[XS_Q_COUNT];

/* Store lifecycle. */
struct xs_store *xs_store_new(const struct xs_ops *ops, void *opaque);
void xs_store_free(struct xs_store *s);
uint32_t xs_store_quota(const struct xs_store *s, enum xs_quota_id q);
void xs_store_set_quota(struct xs_store *s, enum xs_quota_id q, uint32_t v);

/*
 * Connections.  domid 0 (sockets, dom0's ring) is privileged.  ctx is passed
 * back to ops->send.  xs_conn_free drops the connection's watches and
 * transactions; it must not be called from inside ops->send.
 */
struct xs_conn *xs_conn_new(struct xs_store *s, unsigned int domid, void *ctx);
void xs_conn_free(struct xs_conn *c);
unsigned int xs_conn_domid(const struct xs_conn *c);
void xs_conn_set_ctx(struct xs_conn *c, void *ctx);
/* Reconnect protocol of the ring: forget watches and transactions. */
void xs_conn_reset(struct xs_conn *c);

/*
 * Handle one request whose header has been validated by xs_msg_check() and
 * whose payload is exactly hdr->len bytes.  Replies (and watch events it
 * causes) are sent through ops->send before this returns.
 */
void xs_dispatch(struct xs_conn *c, const struct xsd_sockmsg *hdr,
                 const char *payload);

/*
 * For a transport that hands its connections over to a new process (live
 * update): walk the connections and their watches, and rebuild them.
 */
struct xs_conn *xs_conn_first(struct xs_store *s);
struct xs_conn *xs_conn_next(struct xs_conn *c);
void *xs_conn_ctx(const struct xs_conn *c);
unsigned int xs_conn_ntxns(const struct xs_conn *c);
void xs_conn_watches(const struct xs_conn *c,
                     void (*fn)(void *arg, const char *path, uint32_t reloff,
                                const char *token),
                     void *arg);
int xs_conn_add_watch(struct xs_conn *c, const char *path, uint32_t reloff,
                      const char *token);

/*
 * Outstanding requests (the "outstanding" quota, Xen's XSA-326 defence): a
 * request of an unprivileged domain counts against that domain from the
 * moment it is dispatched until its reply and every watch event it caused
 * have been written to their readers.  Inside ops->send, a transport that
 * queues the message takes a reference with xs_charge_get() (NULL when the
 * request is not counted) and puts it once the message is fully written or
 * thrown away.  A transport that writes at once need not do anything.
 * xs_charge_put() returns the domain's ring connection when the put took
 * the domain back below its quota (poll that ring again), else NULL.
 * xs_conn_may_read() is false while c's domain is at its quota: take no
 * more requests from it.
 */
struct xs_charge;
struct xs_charge *xs_charge_get(struct xs_store *s);
struct xs_conn *xs_charge_put(struct xs_charge *ch);
bool xs_conn_may_read(const struct xs_conn *c);

/* Domain death reported by the host (VIRQ_DOM_EXC): fire @releaseDomain. */
void xs_domain_gone(struct xs_store *s, unsigned int domid);

/* Counters for tests and CONTROL. */
struct xs_stats {
    uint64_t nodes;
    uint64_t watches;
    uint64_t transactions;
    uint64_t connections;
    uint64_t bytes;
};
void xs_store_stats(const struct xs_store *s, struct xs_stats *st);

/*
 * Persistence: serialise the tree (paths, values, permissions) and the
 * introduced domains into a self-describing buffer, and load one back into
 * an empty store.  Returns bytes / 0 on success, negative errno on failure.
 */
int xs_store_save(const struct xs_store *s, char **buf, size_t *len);
int xs_store_load(struct xs_store *s, const char *buf, size_t len);

#endif /* XS_CORE_H */
