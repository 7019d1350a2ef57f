/* SPDX-License-Identifier: GPL-2.0-only */
/* xenstore core: per-domain records, accounting and quotas. */
#include "xs_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct xs_quota_desc xs_quota_table[XS_Q_COUNT] = {
    [XS_Q_NODES] = {"nodes", "Nodes per domain", 1000},
    [XS_Q_WATCHES] = {"watches", "Watches per domain", 128},
    [XS_Q_TRANSACTIONS] = {"transactions", "Transactions per domain", 10},
    [XS_Q_OUTSTANDING] = {"outstanding", "Outstanding requests per domain", 20},
    [XS_Q_TXN_NODES] = {"transaction-nodes", "Nodes touched by one transaction",
                        1024},
    [XS_Q_MEMORY] = {"memory", "Bytes of node data per domain", 2621440},
    [XS_Q_NODE_SIZE] = {"node-size", "Bytes of one node", 2048},
    [XS_Q_PATH_MAX] = {"path-max", "Length of a path below the domain's home",
                       2048},
    [XS_Q_PERMS] = {"permissions", "Permission entries per node", 5},
};

struct xs_domain *xs_domain_find(const struct xs_store *s, uint32_t domid)
{
    if (domid >= s->ndoms)
        return NULL;
    return s->doms[domid];
}

struct xs_domain *xs_domain_get(struct xs_store *s, uint32_t domid)
{
    struct xs_domain *d;

    if (domid >= XS_DOMID_LIMIT)
        return NULL;
    if (domid >= s->ndoms) {
        uint32_t n = s->ndoms ? s->ndoms : 16;
        struct xs_domain **t;

        while (n <= domid)
            n *= 2;
        if (n > XS_DOMID_LIMIT)
            n = XS_DOMID_LIMIT;
        t = realloc(s->doms, n * sizeof(*t));
        if (!t)
            return NULL;
        memset(t + s->ndoms, 0, (n - s->ndoms) * sizeof(*t));
        s->doms = t;
        s->ndoms = n;
    }
    d = s->doms[domid];
    if (d)
        return d;
    d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->domid = domid;
    d->target = XS_DOMID_LIMIT;
    s->doms[domid] = d;
    return d;
}

void xs_account_node(struct xs_store *s, uint32_t owner, int64_t nodes,
                     int64_t mem)
{
    struct xs_domain *d = xs_domain_get(s, owner);

    if (!d)
        return; /* only when out of memory: lose the count */
    d->nodes = (uint32_t)((int64_t)d->nodes + nodes);
    d->mem = (uint64_t)((int64_t)d->mem + mem);
}

/* ---- outstanding requests ---- */

/* A counted request of c's domain (NULL: privileged, or out of memory). */
struct xs_charge *xs_charge_new(struct xs_conn *c)
{
    struct xs_domain *d;
    struct xs_charge *ch;

    if (xs_conn_priv(c) || !(d = xs_domain_get(c->s, c->domid)))
        return NULL;
    ch = malloc(sizeof(*ch));
    if (!ch)
        return NULL;
    ch->s = c->s;
    ch->domid = c->domid;
    ch->refs = 1;
    d->outstanding++;
    return ch;
}

struct xs_charge *xs_charge_get(struct xs_store *s)
{
    if (s->charge)
        s->charge->refs++;
    return s->charge;
}

struct xs_conn *xs_charge_put(struct xs_charge *ch)
{
    struct xs_domain *d;
    uint32_t q;

    if (!ch || --ch->refs)
        return NULL;
    /* The domain may have been released (and its record freed) meanwhile. */
    d = xs_domain_find(ch->s, ch->domid);
    q = ch->s->quota[XS_Q_OUTSTANDING];
    free(ch);
    if (!d || !d->outstanding)
        return NULL;
    d->outstanding--;
    return q && d->outstanding + 1 == q ? d->ring : NULL;
}

bool xs_conn_may_read(const struct xs_conn *c)
{
    const struct xs_domain *d;
    uint32_t q = c->s->quota[XS_Q_OUTSTANDING];

    if (!q || xs_conn_priv(c))
        return true;
    d = xs_domain_find(c->s, c->domid);
    return !d || d->outstanding < q;
}

int xs_quota_node_create(const struct xs_conn *c, uint32_t count, uint64_t mem)
{
    const struct xs_domain *d;
    const struct xs_store *s = c->s;

    if (xs_conn_priv(c))
        return 0;
    d = xs_domain_find(s, c->domid);
    uint32_t nodes = d ? d->nodes : 0;
    uint64_t used = d ? d->mem : 0;
    uint32_t qn = s->quota[XS_Q_NODES], qm = s->quota[XS_Q_MEMORY];

    if (qn && nodes + count > qn)
        return -ENOSPC;
    if (qm && used + mem > qm)
        return -ENOSPC;
    return 0;
}

/* Next node in pre-order; skip_children when n's subtree is not wanted. */
static struct xs_node *preorder_next(struct xs_node *n, bool skip_children)
{
    if (!skip_children && xs_node_first(n))
        return n->dir->first;
    while (n) {
        if (n->next)
            return n->next;
        n = n->parent;
    }
    return NULL;
}

/*
 * A domain went away: delete the nodes it owns (with their subtrees) and its
 * entries in other nodes' permissions, so that a new domain reusing the domid
 * inherits nothing (XSA-322).  Iterative: the tree depth is client-chosen.
 */
void xs_domain_purge(struct xs_store *s, uint32_t domid)
{
    struct xs_node **doomed = NULL, *n;
    size_t nd = 0, cap = 0;

    if (domid == 0 || !s->root)
        return;
    for (n = xs_node_first(s->root); n;) {
        bool own = xs_node_owner(n) == domid;

        if (own) {
            if (nd == cap) {
                size_t nc = cap ? cap * 2 : 16;
                struct xs_node **t = realloc(doomed, nc * sizeof(*t));

                if (!t)
                    break;
                doomed = t;
                cap = nc;
            }
            doomed[nd++] = n;
        } else {
            xs_tree_strip_perms(s, n, domid);
        }
        n = preorder_next(n, own);
    }
    for (size_t i = 0; i < nd; i++) {
        char path[XENSTORE_ABS_PATH_MAX + 2];
        size_t len = 0;
        struct xs_node *x;
        struct xs_perms saved, cur = xs_node_perms(doomed[i]);

        /* Build the path leaf-first, then reverse the components. */
        for (x = doomed[i]; x->parent && len < sizeof(path) - 1; x = x->parent)
            len += (size_t)x->ent.klen + 1;
        if (len >= sizeof(path) - 1)
            continue;
        path[len] = '\0';
        size_t pos = len;
        for (x = doomed[i]; x->parent; x = x->parent) {
            pos -= x->ent.klen;
            memcpy(path + pos, x->name, x->ent.klen);
            path[--pos] = '/';
        }
        if (xs_perms_copy(&saved, &cur))
            continue;
        xs_tree_remove(s, doomed[i]);
        xs_watch_fire(s, path, &saved, true);
        xs_perms_free(&saved);
    }
    free(doomed);
}

void xs_domains_free(struct xs_store *s)
{
    for (uint32_t i = 0; i < s->ndoms; i++)
        free(s->doms[i]);
    free(s->doms);
    s->doms = NULL;
    s->ndoms = 0;
}
